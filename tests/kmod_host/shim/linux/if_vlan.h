#include "kshim.h"
#include_next <linux/if_vlan.h>
