#include "kshim.h"
#include_next <linux/if_ether.h>
