// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel ports to the other chassis, as ovn-controller makes them: one
 * port per chassis on ovn-bridge, named ovn-<chassis>-0, of the
 * encapsulation both chassis share (geneve preferred), with
 * options:remote_ip=<its Encap ip>, key=flow (the VNI is set per packet)
 * and csum from the Encap's options, and external_ids:ovn-chassis-id
 * naming the chassis. They go through weftd's configuration as any
 * weft-vsctl command would, so `weft-vsctl show` lists them; a port whose
 * chassis left (or no longer shares an encapsulation) is deleted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/daemon.h"
#include "weft/ofproto.h"
#include "weft/util.h"
#include "weft/vlog.h"

#include "ovn_priv.h"

WFT_LOG_MODULE(ovn_tunnels);

/* The tunnel interfaces on @bridge: names and chassis ids, copied (a
 * configuration commit replaces the rows). */
static void current_tunnels(const struct wft_conf *conf, const char *bridge,
			    struct wft_ovn_strset *names,
			    struct wft_ovn_strset *chassis)
{
	struct wft_row *br = wft_conf_find(conf, WFT_TBL_BRIDGE, bridge);
	unsigned int p, k;

	for (p = 0; br && p < br->cols[WFT_BR_PORTS].n; p++) {
		struct wft_row *port = wft_conf_get(conf, WFT_TBL_PORT,
			&br->cols[WFT_BR_PORTS].keys[p].u);

		for (k = 0; port && k < port->cols[WFT_PORT_INTERFACES].n;
		     k++) {
			struct wft_row *ifc = wft_conf_get(conf,
				WFT_TBL_INTERFACE,
				&port->cols[WFT_PORT_INTERFACES].keys[k].u);
			const char *ch;

			if (!ifc)
				continue;
			ch = wft_conf_map_get(&ifc->cols[WFT_IF_EXTERNAL_IDS],
					      "ovn-chassis-id");
			if (!ch)
				continue;
			/* Parallel sets: names->v[i] is chassis->v[i]. */
			names->v = wft_xrealloc(names->v, (names->n + 1) *
						sizeof(*names->v));
			names->v[names->n++] = wft_xstrdup(
				ifc->cols[WFT_IF_NAME].keys[0].s);
			chassis->v = wft_xrealloc(chassis->v,
						  (chassis->n + 1) *
						  sizeof(*chassis->v));
			chassis->v[chassis->n++] = wft_xstrdup(ch);
		}
	}
}

static bool wanted(const struct wft_ovn_view *v, const char *port,
		   const char *chassis)
{
	size_t i;

	for (i = 0; i < v->n_chassis; i++)
		if (v->chassis[i].type && !strcmp(v->chassis[i].port, port) &&
		    !strcmp(v->chassis[i].name, chassis))
			return true;
	return false;
}

static void ensure(struct wft_ovn *o, struct wft_ovn_cmds *c,
		   const struct wft_ovn_remote *rc)
{
	char type[32], ip[80], csum[32], id[300];
	char *argv[] = {
		"--may-exist", "add-port", o->node.bridge, (char *)rc->port,
		"--", "set", "Interface", (char *)rc->port, type, ip,
		"options:key=flow", csum, id,
	};

	snprintf(type, sizeof(type), "type=%s", rc->type);
	snprintf(ip, sizeof(ip), "options:remote_ip=%s", rc->ip);
	snprintf(csum, sizeof(csum), "options:csum=%s",
		 rc->csum ? "true" : "false");
	snprintf(id, sizeof(id), "external_ids:ovn-chassis-id=%s", rc->name);
	wft_ovn_cmds_add(c, WFT_ARRAY_SIZE(argv), argv);
}

static void resolve_ofports(struct wft_ovn *o, struct wft_ovn_view *v)
{
	struct wft_backer *b = wft_ofproto_backer(o->d);
	struct wft_ofproto_port_info info;
	struct wft_ofproto *br;
	size_t i;

	if (!b)
		return;
	wft_ofproto_refresh(o->d);
	wft_backer_read_lock(b);
	br = wft_backer_find(b, o->node.bridge);
	for (i = 0; br && i < v->n_chassis; i++) {
		struct wft_ovn_remote *rc = &v->chassis[i];

		rc->ofport = 0;
		if (rc->type && !wft_ofproto_port_by_name(br, rc->port,
							  strlen(rc->port),
							  &info))
			rc->ofport = info.ofport;
	}
	wft_backer_read_unlock(b);
}

void wft_ovn_tunnels_sync(struct wft_ovn *o, struct wft_ovn_view *v)
{
	struct wft_ovn_strset names = { NULL, 0 }, chassis = { NULL, 0 };
	struct wft_ovn_cmds cmds = { NULL, 0 };
	size_t i;

	current_tunnels(wft_daemon_conf(o->d), o->node.bridge, &names,
			&chassis);
	for (i = 0; i < names.n; i++) {
		char *argv[] = { "--if-exists", "del-port", o->node.bridge,
				 names.v[i] };

		if (wanted(v, names.v[i], chassis.v[i]))
			continue;
		wft_info("deleting tunnel port %s (chassis %s)", names.v[i],
			 chassis.v[i]);
		wft_ovn_cmds_add(&cmds, WFT_ARRAY_SIZE(argv), argv);
	}
	for (i = 0; i < v->n_chassis; i++)
		if (v->chassis[i].type)
			ensure(o, &cmds, &v->chassis[i]);
	/* One commit: nothing at all when every port is as wanted. */
	wft_ovn_cmds_run(o, &cmds);
	wft_ovn_strset_clear(&names);
	wft_ovn_strset_clear(&chassis);
	resolve_ofports(o, v);
}
