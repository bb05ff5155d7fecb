#include "kshim.h"
#include_next <linux/ip.h>
