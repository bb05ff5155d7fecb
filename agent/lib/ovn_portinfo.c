// SPDX-License-Identifier: GPL-2.0
/*
 * `weft-appctl ovn/port-info LSP`: what the chassis's SB replica says of
 * one logical port, for weft-cni's OVN mode (docs/cni.md), which takes a
 * pod's MAC and IPs from it instead of running an IPAM plugin.
 *
 * Port_Binding.mac holds the NB port's addresses, one "MAC IP [IP...]"
 * string per entry. ovn-northd 23.03 copies "dynamic" there as it is (the
 * allocated dynamic_addresses stay in the NB), so a dynamic port has no
 * usable address here: the answer says so ("dynamic": true) and the
 * caller refuses it. The gateway is the router port on the same switch:
 * the switch's patch port names it in options:peer, and the router's own
 * Port_Binding.mac carries "MAC NET/LEN..." (both must be in the replica;
 * the router's datapath is there under ovn-monitor-all, or once the
 * chassis monitors the datapaths connected to its own).
 *
 * Errors (JSON-RPC, with data {"reason": ...}): "not-chassis" (no
 * system-id/ovn-remote), "sb-down" (no active SB session: the replica may
 * be stale or empty), "unknown-port" (not in the replica: it holds the
 * ports of this chassis's interfaces, so the interface may not be there
 * yet, or the NB has no such port).
 */
#include <stdio.h>
#include <string.h>

#include "weft/util.h"

#include "ovn_priv.h"

static bool is_mac(const char *s)
{
	unsigned int b[6];
	char end;

	return sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
		      &b[3], &b[4], &b[5], &end) == 6;
}

/*
 * Splits one "MAC IP [IP...]" entry: returns false for the keywords
 * ("dynamic", "router", "unknown") and anything not starting with a MAC.
 * @ips gets the rest, as written.
 */
static bool parse_entry(const char *entry, char mac[18], json_t *ips)
{
	char buf[1024], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", entry);
	tok = strtok_r(buf, " ", &save);
	if (!tok || !is_mac(tok))
		return false;
	snprintf(mac, 18, "%s", tok);
	while ((tok = strtok_r(NULL, " ", &save)))
		json_array_append_new(ips, json_string(tok));
	return true;
}

static struct wft_ovsdb_row *find_port(struct wft_ovsdb_replica *r,
				       const char *name)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r,
							     "Port_Binding");
	struct wft_ovsdb_row *pb;

	for (pb = t ? wft_ovsdb_rtable_first(t) : NULL; pb;
	     pb = wft_ovsdb_row_next(pb))
		if (!strcmp(wft_ovsdb_row_string(pb, "logical_port", ""),
			    name))
			return pb;
	return NULL;
}

static const char *map_get(const struct wft_ovsdb_datum *d, const char *key)
{
	unsigned int i;

	for (i = 0; d && d->values && i < d->n; i++)
		if (!strcmp(d->keys[i].s, key))
			return d->values[i].s;
	return NULL;
}

static bool same_uuid(const struct wft_ovsdb_datum *a,
		      const struct wft_ovsdb_datum *b)
{
	return a && b && a->n && b->n && !wft_uuid_cmp(&a->keys[0].u,
						       &b->keys[0].u);
}

/* The router ports on @pb's switch: [{name, mac, networks: [...]}]. */
static json_t *router_ports(struct wft_ovsdb_replica *r,
			    struct wft_ovsdb_row *pb)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r,
							     "Port_Binding");
	const struct wft_ovsdb_datum *dp = wft_ovsdb_row_get_named(pb,
								   "datapath");
	const struct wft_ovsdb_datum *mac;
	struct wft_ovsdb_row *sp, *rp;
	json_t *out = json_array(), *nets;
	const char *peer;
	char m[18];
	unsigned int i;

	for (sp = wft_ovsdb_rtable_first(t); sp; sp = wft_ovsdb_row_next(sp)) {
		if (strcmp(wft_ovsdb_row_string(sp, "type", ""), "patch") ||
		    !same_uuid(wft_ovsdb_row_get_named(sp, "datapath"), dp))
			continue;
		peer = map_get(wft_ovsdb_row_get_named(sp, "options"), "peer");
		rp = peer ? find_port(r, peer) : NULL;
		if (!rp)
			continue;
		mac = wft_ovsdb_row_get_named(rp, "mac");
		for (i = 0; mac && i < mac->n; i++) {
			nets = json_array();
			if (parse_entry(mac->keys[i].s, m, nets))
				json_array_append_new(out, json_pack(
					"{s:s,s:s,s:o}", "name", peer,
					"mac", m, "networks", nets));
			else
				json_decref(nets);
		}
	}
	return out;
}

static bool iface_installed(struct wft_ovn *o, const char *lsp)
{
	const struct wft_ovn_iface *ifc;

	ifc = wft_ovn_iface_find(o->ifaces, o->n_ifaces, lsp);
	return ifc && ifc->installed;
}

static json_t *port_json(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			 struct wft_ovsdb_row *pb, const char *lsp)
{
	const struct wft_ovsdb_datum *mac = wft_ovsdb_row_get_named(pb, "mac");
	const struct wft_ovsdb_datum *ch = wft_ovsdb_row_get_named(pb,
								   "chassis");
	struct wft_ovsdb_rtable *ct = wft_ovsdb_replica_table(r, "Chassis");
	struct wft_ovsdb_row *chrow = NULL;
	json_t *entries = json_array(), *ips = json_array();
	bool dynamic = false, have = false;
	char m[18] = "";
	unsigned int i;

	for (i = 0; mac && i < mac->n; i++) {
		json_array_append_new(entries, json_string(mac->keys[i].s));
		if (!strncmp(mac->keys[i].s, "dynamic", 7))
			dynamic = true;
		if (!have)
			have = parse_entry(mac->keys[i].s, m, ips);
	}
	if (ch && ch->n && ct)
		chrow = wft_ovsdb_rtable_find(ct, &ch->keys[0].u);
	return json_pack("{s:s,s:s,s:b,s:s,s:b,s:b,s:b,s:o,s:s,s:o,s:b,s:o}",
		"port", lsp,
		"type", wft_ovsdb_row_string(pb, "type", ""),
		"bound", ch && ch->n,
		"chassis", chrow ? wft_ovsdb_row_string(chrow, "name", "") : "",
		"chassis_is_us", o->registered && ch && ch->n &&
			!wft_uuid_cmp(&ch->keys[0].u, &o->chassis_uuid),
		"up", wft_ovsdb_row_bool(pb, "up", false),
		"installed", iface_installed(o, lsp),
		"addresses", entries,
		"mac", m,
		"ips", ips,
		"dynamic", dynamic,
		"routers", router_ports(r, pb));
}

static void port_text(json_t *j, struct wft_strbuf *sb)
{
	json_t *v, *rp;
	size_t i, k;

	wft_strbuf_printf(sb, "port %s: %s%s%s%s\n",
		json_string_value(json_object_get(j, "port")),
		json_is_true(json_object_get(j, "bound")) ? "bound to " :
		"not bound",
		json_string_value(json_object_get(j, "chassis")),
		json_is_true(json_object_get(j, "chassis_is_us")) ?
		" (this chassis)" : "",
		json_is_true(json_object_get(j, "installed")) ?
		", ovn-installed" : "");
	wft_strbuf_printf(sb, "mac: %s\nips:",
		json_string_value(json_object_get(j, "mac")));
	json_array_foreach(json_object_get(j, "ips"), i, v)
		wft_strbuf_printf(sb, " %s", json_string_value(v));
	wft_strbuf_printf(sb, "%s\n", json_is_true(json_object_get(j,
		"dynamic")) ? " (dynamic: not in the SB)" : "");
	json_array_foreach(json_object_get(j, "routers"), i, rp) {
		wft_strbuf_printf(sb, "router port %s: %s",
			json_string_value(json_object_get(rp, "name")),
			json_string_value(json_object_get(rp, "mac")));
		json_array_foreach(json_object_get(rp, "networks"), k, v)
			wft_strbuf_printf(sb, " %s", json_string_value(v));
		wft_strbuf_printf(sb, "\n");
	}
}

static void do_port_info(struct wft_rpc_call *call, json_t *params,
			 void *aux)
{
	const char *lsp = json_string_value(json_array_get(params, 0));
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_ovn *o = aux;
	struct wft_ovsdb_replica *r;
	struct wft_ovsdb_row *pb;
	json_t *j;

	if (!o->node.enabled) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, json_pack("{s:s}",
			"reason", "not-chassis"), "not an OVN chassis: "
			"external_ids:system-id and ovn-remote are not both "
			"set%s%s", o->node_error[0] ? "; " : "",
			o->node_error);
		return;
	}
	if (!o->client ||
	    wft_ovsdb_client_state(o->client) != WFT_OVSDB_S_ACTIVE) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, json_pack("{s:s}",
			"reason", "sb-down"), "no active session to the SB "
			"(%s)", o->node.remote);
		return;
	}
	r = wft_ovsdb_client_replica(o->client);
	pb = find_port(r, lsp);
	if (!pb) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, json_pack("{s:s}",
			"reason", "unknown-port"), "no logical port %s in "
			"chassis %s's SB replica (it holds the ports of the "
			"interfaces with an iface-id on %s)", lsp,
			o->node.system_id, o->node.bridge);
		return;
	}
	j = port_json(o, r, pb, lsp);
	port_text(j, &sb);
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text",
				      wft_strbuf_cstr(&sb), "data", j));
	wft_strbuf_free(&sb);
}

int wft_ovn_portinfo_register(struct wft_ovn *o)
{
	return wft_control_register(wft_daemon_control(o->d),
		&(struct wft_rpc_method) {
			.name = "ovn/port-info", .usage = "LOGICAL-PORT",
			.args_min = 1, .args_max = 1,
			.handler = do_port_info, .aux = o });
}

void wft_ovn_portinfo_unregister(struct wft_ovn *o)
{
	wft_control_unregister(wft_daemon_control(o->d), "ovn/port-info");
}
