#include "kshim.h"
#include_next <linux/in.h>
