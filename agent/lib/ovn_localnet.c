// SPDX-License-Identifier: GPL-2.0
/*
 * Localnet ports (provider networks), as ovn-controller 23.03 plugs
 * them. The node maps physical network names to bridges the admin made
 * (external_ids:ovn-bridge-mappings=physnet1:br-phys,net2:br2 on the
 * Open_vSwitch record; a mapping to a bridge that does not exist is
 * ignored). A localnet Port_Binding on a local datapath whose
 * options:network_name is mapped gets a pair of patch ports,
 * patch-<ovn-bridge>-to-<port> on ovn-bridge and patch-<port>-to-<ovn-
 * bridge> on the mapped bridge, each Port with external_ids:ovn-localnet-
 * port=<port>; pairs nobody wants any more (the mapping, the port or the
 * datapath gone) are deleted. ovn-controller does not claim localnet
 * ports: their Port_Binding is left as northd wrote it.
 *
 * The first mapped localnet port of a datapath is the one the chassis
 * reaches the datapath's other chassis through: their ports are sent out
 * of it instead of a tunnel (ovn_physical.c). A network with no mapping
 * here is a supported setup (a segment this chassis is not on): it is
 * logged once per port and network, and the port has no flows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/daemon.h"
#include "weft/ofproto.h"
#include "weft/util.h"
#include "weft/vlog.h"

#include "ovn_priv.h"

WFT_LOG_MODULE(ovn_localnet);

#define PORT_ID_KEY	"ovn-localnet-port"
#define TPID_8021Q	0x8100
#define TPID_8021AD	0x88a8

static void mappings_clear(struct wft_ovn *o)
{
	size_t i;

	for (i = 0; i < o->n_mappings; i++) {
		free(o->mappings[i].network);
		free(o->mappings[i].bridge);
	}
	free(o->mappings);
	o->mappings = NULL;
	o->n_mappings = 0;
}

void wft_ovn_localnet_mappings(struct wft_ovn *o)
{
	const struct wft_conf *conf = wft_daemon_conf(o->d);
	const char *cfg;
	char *copy, *next, *tok, *colon;

	mappings_clear(o);
	cfg = wft_conf_map_get(&wft_conf_ovs(conf)->cols[WFT_OVS_EXTERNAL_IDS],
			       "ovn-bridge-mappings");
	if (!cfg || !*cfg)
		return;
	next = copy = wft_xstrdup(cfg);
	while ((tok = strsep(&next, ",")) && *tok) {
		colon = strchr(tok, ':');
		if (!colon || colon == tok || !colon[1]) {
			/* As ovn-controller: the rest is not read either. */
			wft_warn("ovn-bridge-mappings \"%s\": \"%s\" is not "
				 "NETWORK:BRIDGE", cfg, tok);
			break;
		}
		*colon = '\0';
		if (!wft_conf_find(conf, WFT_TBL_BRIDGE, colon + 1)) {
			wft_warn("ovn-bridge-mappings: no bridge %s for "
				 "network %s", colon + 1, tok);
			continue;
		}
		o->mappings = wft_xrealloc(o->mappings, (o->n_mappings + 1) *
					   sizeof(*o->mappings));
		o->mappings[o->n_mappings].network = wft_xstrdup(tok);
		o->mappings[o->n_mappings++].bridge = wft_xstrdup(colon + 1);
	}
	free(copy);
}

static const char *bridge_of(const struct wft_ovn *o, const char *network)
{
	size_t i;

	for (i = 0; i < o->n_mappings; i++)
		if (!strcmp(o->mappings[i].network, network))
			return o->mappings[i].bridge;
	return NULL;
}

static void strset_del(struct wft_ovn_strset *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], v)) {
			free(s->v[i]);
			s->v[i] = s->v[--s->n];
			return;
		}
}

/* Logs once per port and network that @pb's network is not mapped (or
 * forgets that it did, when it is): a later unmapping logs again. */
static void note_mapped(struct wft_ovn *o, const struct wft_ovn_port *p,
			const char *network, bool mapped)
{
	char key[512];

	snprintf(key, sizeof(key), "%s;%s", p->name, network);
	if (mapped) {
		strset_del(&o->unmapped_logged, key);
		return;
	}
	if (wft_ovn_strset_has(&o->unmapped_logged, key))
		return;
	wft_info("localnet port %s: network %s is not in "
		 "ovn-bridge-mappings, no patch port for it", p->name,
		 network);
	wft_ovn_strset_add(&o->unmapped_logged, key);
}

/* The VLAN of @pb (Port_Binding.tag) and its ethertype
 * (options:ethtype, 802.1q by default, as ovn-controller reads it). */
static void vlan_of(const struct wft_ovsdb_row *pb, struct wft_ovn_port *p)
{
	const char *ethtype = wft_ovsdb_row_map_get(pb, "options", "ethtype");

	p->tag = (uint16_t)(wft_ovsdb_row_integer(pb, "tag", 0) & 0xfff);
	p->tpid = TPID_8021Q;
	if (ethtype && !strcasecmp(ethtype, "802.11ad"))
		p->tpid = TPID_8021AD;
	else if (ethtype && strcasecmp(ethtype, "802.11q"))
		wft_warn("localnet port %s: unknown options:ethtype \"%s\", "
			 "802.1q used", p->name, ethtype);
}

void wft_ovn_localnet_view(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			   struct wft_ovn_view *v)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Port_Binding");
	size_t i;

	for (i = 0; i < v->n_ports; i++) {
		struct wft_ovn_port *p = &v->ports[i];
		struct wft_ovn_dp *dp = &v->dps[p->dp];
		const struct wft_ovsdb_row *pb;
		const char *network, *bridge;

		if (strcmp(p->type, "localnet"))
			continue;
		pb = t ? wft_ovsdb_rtable_find(t, &p->uuid) : NULL;
		network = pb ? wft_ovsdb_row_map_get(pb, "options",
						     "network_name") : NULL;
		if (!network)
			continue;	/* northd always sets it */
		bridge = bridge_of(o, network);
		note_mapped(o, p, network, bridge != NULL);
		if (!bridge)
			continue;
		p->kind = WFT_OVN_PORT_LOCALNET;
		p->bridge = bridge;
		vlan_of(pb, p);
		if (!dp->has_localnet) {
			dp->has_localnet = true;
			dp->localnet = i;
		} else {
			/* Its patch ports are made, as ovn-controller makes
			 * them; the datapath keeps its first one. */
			wft_dbg("datapath %u: localnet port %s, and %s "
				"already", dp->key, p->name,
				v->ports[dp->localnet].name);
		}
	}
}

/* ovn-controller's patch port names. */
static void patch_names(const char *br_int, const char *lport,
			char *from_int, char *to_int, size_t size)
{
	snprintf(from_int, size, "patch-%s-to-%s", br_int, lport);
	snprintf(to_int, size, "patch-%s-to-%s", lport, br_int);
}

/* Is the port @name on bridge @br (for @lport) one @v wants? */
static bool wanted(const struct wft_ovn *o, const struct wft_ovn_view *v,
		   const char *br, const char *name, const char *lport)
{
	char from_int[512], to_int[512];
	size_t i;

	for (i = 0; i < v->n_ports; i++) {
		const struct wft_ovn_port *p = &v->ports[i];

		if (p->kind != WFT_OVN_PORT_LOCALNET || strcmp(p->name, lport))
			continue;
		patch_names(o->node.bridge, p->name, from_int, to_int,
			    sizeof(from_int));
		if ((!strcmp(br, o->node.bridge) && !strcmp(name, from_int)) ||
		    (!strcmp(br, p->bridge) && !strcmp(name, to_int)))
			return true;
	}
	return false;
}

/* Deletes every port with external_ids:ovn-localnet-port that @v does
 * not want, on any bridge (a mapping moved to another bridge leaves its
 * old port behind otherwise). */
static void delete_unwanted(struct wft_ovn *o, const struct wft_ovn_view *v,
			    struct wft_ovn_cmds *c)
{
	const struct wft_conf *conf = wft_daemon_conf(o->d);
	struct wft_row **brs;
	size_t n_brs, b;
	unsigned int k;

	brs = wft_conf_sorted(conf, WFT_TBL_BRIDGE, &n_brs);
	for (b = 0; b < n_brs; b++) {
		const struct wft_datum *ports = &brs[b]->cols[WFT_BR_PORTS];
		const char *br = wft_row_name(brs[b]);

		for (k = 0; k < ports->n; k++) {
			struct wft_row *port = wft_conf_get(conf, WFT_TBL_PORT,
							    &ports->keys[k].u);
			const char *lport, *name;
			char *argv[4] = { "--if-exists", "del-port" };

			lport = port ? wft_row_map_get(port,
						       WFT_PORT_EXTERNAL_IDS,
						       PORT_ID_KEY) : NULL;
			if (!lport)
				continue;
			name = wft_row_name(port);
			if (wanted(o, v, br, name, lport))
				continue;
			wft_info("deleting patch port %s on %s (localnet port "
				 "%s)", name, br, lport);
			argv[2] = (char *)br;
			argv[3] = (char *)name;
			wft_ovn_cmds_add(c, WFT_ARRAY_SIZE(argv), argv);
		}
	}
	free(brs);
}

/* One side of a pair: @name on @br, its peer @peer. */
static void ensure_patch(struct wft_ovn_cmds *c, const char *br,
			 const char *name, const char *peer,
			 const char *lport)
{
	char peer_opt[600], id[600];
	char *argv[] = {
		"--may-exist", "add-port", (char *)br, (char *)name,
		"--", "set", "Interface", (char *)name, "type=patch", peer_opt,
		"--", "set", "Port", (char *)name, id,
	};

	snprintf(peer_opt, sizeof(peer_opt), "options:peer=%s", peer);
	snprintf(id, sizeof(id), "external_ids:" PORT_ID_KEY "=%s", lport);
	wft_ovn_cmds_add(c, WFT_ARRAY_SIZE(argv), argv);
}

static bool resolve_ofports(struct wft_ovn *o, struct wft_ovn_view *v)
{
	struct wft_backer *b = wft_ofproto_backer(o->d);
	struct wft_ofproto_port_info info;
	char from_int[512], to_int[512];
	struct wft_ofproto *br;
	bool all = true;
	size_t i;

	if (!b)
		return false;
	wft_ofproto_refresh(o->d);
	wft_backer_read_lock(b);
	br = wft_backer_find(b, o->node.bridge);
	for (i = 0; i < v->n_ports; i++) {
		struct wft_ovn_port *p = &v->ports[i];

		if (p->kind != WFT_OVN_PORT_LOCALNET)
			continue;
		patch_names(o->node.bridge, p->name, from_int, to_int,
			    sizeof(from_int));
		p->ofport = 0;
		if (br && !wft_ofproto_port_by_name(br, from_int,
						    strlen(from_int), &info))
			p->ofport = info.ofport;
		else
			all = false;
	}
	wft_backer_read_unlock(b);
	return all;
}

bool wft_ovn_localnet_sync(struct wft_ovn *o, struct wft_ovn_view *v)
{
	struct wft_ovn_cmds cmds = { NULL, 0 };
	char from_int[512], to_int[512];
	size_t i;

	delete_unwanted(o, v, &cmds);
	for (i = 0; i < v->n_ports; i++) {
		const struct wft_ovn_port *p = &v->ports[i];

		if (p->kind != WFT_OVN_PORT_LOCALNET)
			continue;
		patch_names(o->node.bridge, p->name, from_int, to_int,
			    sizeof(from_int));
		ensure_patch(&cmds, o->node.bridge, from_int, to_int, p->name);
		ensure_patch(&cmds, p->bridge, to_int, from_int, p->name);
	}
	/* One commit, none when every pair is as wanted. */
	wft_ovn_cmds_run(o, &cmds);
	return resolve_ofports(o, v);
}

void wft_ovn_localnet_uninit(struct wft_ovn *o)
{
	mappings_clear(o);
	wft_ovn_strset_clear(&o->unmapped_logged);
}
