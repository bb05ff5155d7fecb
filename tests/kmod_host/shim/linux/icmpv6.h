#include "kshim.h"
#include_next <linux/icmpv6.h>
