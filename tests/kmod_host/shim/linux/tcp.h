#include "kshim.h"
#include_next <linux/tcp.h>
