#include "kshim.h"
#include_next <linux/ipv6.h>
