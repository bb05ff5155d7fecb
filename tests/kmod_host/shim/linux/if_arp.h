#include "kshim.h"
#include_next <linux/if_arp.h>
