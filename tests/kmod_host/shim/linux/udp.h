#include "kshim.h"
#include_next <linux/udp.h>
