#include "kshim.h"
#include_next <linux/in6.h>
