// SPDX-License-Identifier: GPL-2.0
/*
 * The chassis' provenance index for weftd's other components (ofproto/
 * trace, dpif/provenance), and the method that shows it on its own:
 *
 *   weft-appctl ovn/lflow-by-cookie COOKIE [TABLE]
 *
 * COOKIE is a rule's cookie (0x3d2a9e1f, or a UUID or its first 8 hex
 * digits);
 * without TABLE every Logical_Flow and lookup row whose UUID starts with
 * it is listed (more than one is a 32-bit collision), with TABLE only
 * those that make rules in that OpenFlow table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovn_provenance.h"
#include "weft/util.h"

#include "ovn_priv.h"

static const char *not_chassis(struct wft_ovn *o)
{
	if (!o || !o->node.enabled)
		return "not an OVN chassis (external_ids:system-id and "
		       "ovn-remote are not both set)";
	if (!o->client)
		return "no SB session";
	return NULL;
}

struct wft_ovn_prov *wft_ovn_prov_for_bridge(struct wft_daemon *d,
					     const char *bridge,
					     const char **why)
{
	struct wft_ovn *o = wft_daemon_component(d, "ovn");
	const char *reason = not_chassis(o);

	if (!reason && bridge && (!o->node.bridge ||
				  strcmp(bridge, o->node.bridge)))
		reason = "not the chassis' ovn-bridge";
	if (why)
		*why = reason;
	return reason ? NULL
		      : wft_ovn_prov_new(wft_ovsdb_client_replica(o->client));
}

const char *wft_ovn_prov_bridge(struct wft_daemon *d)
{
	struct wft_ovn *o = wft_daemon_component(d, "ovn");

	return o && o->node.enabled ? o->node.bridge : NULL;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	char head[9], *end;

	if (!s || !*s)
		return false;
	if (strlen(s) == 36 && s[8] == '-') {	/* a whole UUID */
		memcpy(head, s, 8);
		head[8] = 0;
		s = head;
	}
	errno = 0;
	*v = strtoull(s, &end, !strncmp(s, "0x", 2) ? 16 :
			       strlen(s) == 8 ? 16 : 10);
	return !errno && !*end && *v <= max;
}

static void do_by_cookie(struct wft_rpc_call *call, json_t *params,
			 void *aux)
{
	const char *cs = json_string_value(json_array_get(params, 0));
	const char *ts = json_string_value(json_array_get(params, 1));
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_ovn *o = aux;
	const char *why = not_chassis(o);
	struct wft_ovn_prov *p;
	json_t *all = json_array(), *one;
	uint64_t cookie, table;
	unsigned int t;

	if (!parse_u64(cs, UINT32_MAX, &cookie) ||
	    (ts && !parse_u64(ts, 254, &table))) {
		json_decref(all);
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "usage: ovn/lflow-by-cookie COOKIE [TABLE] "
				    "(COOKIE: 0x and up to 8 hex digits, or "
				    "a UUID's first 8; TABLE: 0..254)");
		return;
	}
	if (why) {
		json_decref(all);
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "%s", why);
		return;
	}
	p = wft_ovn_prov_new(wft_ovsdb_client_replica(o->client));
	for (t = ts ? (unsigned int)table : 0;
	     t <= (ts ? (unsigned int)table : 254); t++) {
		one = wft_ovn_prov_lookup(p, (uint8_t)t, cookie, 0);
		if (one && (json_array_size(json_object_get(one, "lflows")) ||
			    json_array_size(json_object_get(one, "rows")) ||
			    ts)) {
			wft_strbuf_printf(&sb, "table %u:\n", t);
			wft_ovn_prov_format(one, 2, &sb);
			json_array_append_new(all, one);
		} else {
			json_decref(one);
		}
	}
	wft_ovn_prov_free(p);
	if (!json_array_size(all))
		wft_strbuf_printf(&sb, "no Logical_Flow or lookup row of the "
				  "replica has cookie %#llx\n",
				  (unsigned long long)cookie);
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text",
				      wft_strbuf_cstr(&sb), "data", all));
	wft_strbuf_free(&sb);
}

int wft_ovn_provenance_register(struct wft_ovn *o)
{
	return wft_control_register(wft_daemon_control(o->d),
		&(struct wft_rpc_method) {
			.name = "ovn/lflow-by-cookie",
			.usage = "COOKIE [TABLE]",
			.args_min = 1, .args_max = 2,
			.handler = do_by_cookie, .aux = o });
}

void wft_ovn_provenance_unregister(struct wft_ovn *o)
{
	wft_control_unregister(wft_daemon_control(o->d),
			       "ovn/lflow-by-cookie");
}
