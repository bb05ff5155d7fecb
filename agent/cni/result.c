// SPDX-License-Identifier: GPL-2.0
/*
 * Results in each caller's layout. 0.3.0 to 1.1.0 share one shape
 * (interfaces, ips with an interface index, routes, dns); before 1.0.0
 * every IP also says its "version" ("4" or "6"), and 1.1.0 adds "mtu" to
 * interfaces. weft-cni builds the newest form and trims it here.
 */
#include <string.h>

#include "cni.h"

void cni_result_convert(json_t *result, enum cni_version v)
{
	json_t *ips = json_object_get(result, "ips"), *ip, *ifs, *i;
	const char *addr;
	size_t k;

	json_object_set_new(result, "cniVersion",
			    json_string(cni_versions[v]));
	json_array_foreach(ips, k, ip) {
		addr = json_string_value(json_object_get(ip, "address"));
		if (v >= CNI_V100)
			json_object_del(ip, "version");
		else if (addr)
			json_object_set_new(ip, "version",
					    json_string(strchr(addr, ':') ?
							"6" : "4"));
	}
	if (v < CNI_V110) {
		ifs = json_object_get(result, "interfaces");
		json_array_foreach(ifs, k, i)
			json_object_del(i, "mtu");
	}
}
