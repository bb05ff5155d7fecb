#include "kshim.h"
#include_next <linux/icmp.h>
