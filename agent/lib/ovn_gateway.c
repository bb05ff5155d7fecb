// SPDX-License-Identifier: GPL-2.0
/*
 * Gateway routers (a Logical_Router with options:chassis): ovn-northd
 * makes both ends of every link to such a router "l3gateway"
 * Port_Bindings, with options:l3gateway-chassis naming the one chassis
 * the router runs on. On that chassis ovn-controller claims them and
 * treats them as patch ports (the router's datapath is local there and
 * its conntrack zones are this chassis'); every other chassis reaches
 * them through the tunnel to the chassis that claimed them, like a VIF
 * bound there.
 */
#include <string.h>

#include "ovn_priv.h"

static bool is_l3gateway(const struct wft_ovsdb_row *pb)
{
	return !strcmp(wft_ovsdb_row_string(pb, "type", ""), "l3gateway");
}

/* options:l3gateway-chassis of @pb, NULL when it has none. */
static const char *gw_chassis(const struct wft_ovsdb_row *pb)
{
	return wft_ovsdb_row_map_get(pb, "options", "l3gateway-chassis");
}

bool wft_ovn_gw_port(const struct wft_ovsdb_row *pb)
{
	return is_l3gateway(pb);
}

bool wft_ovn_gw_port_here(const struct wft_ovn *o,
			  const struct wft_ovsdb_row *pb)
{
	const char *ch;

	if (!is_l3gateway(pb) || !o->node.system_id)
		return false;
	ch = gw_chassis(pb);
	return ch && !strcmp(ch, o->node.system_id);
}
