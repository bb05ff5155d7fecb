// SPDX-License-Identifier: GPL-2.0
/*
 * `weft-appctl ovn/status`: the chassis, its SB session and its ports, as
 * text or (--format json) as an object.
 */
#include <string.h>

#include "weft/sb_chassis.h"
#include "weft/util.h"

#include "ovn_priv.h"

static json_t *strset_json(const struct wft_ovn_strset *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

static json_t *status_json(struct wft_ovn *o)
{
	const struct wft_ovsdb_client_stats *st;
	char uuid[WFT_UUID_STRLEN + 1] = "";
	json_t *j, *ports = json_array();
	size_t i;

	if (o->registered)
		wft_uuid_format(&o->chassis_uuid, uuid);
	j = json_pack("{s:b,s:s,s:s,s:s,s:s,s:b,s:s,s:I}",
		"enabled", o->node.enabled,
		"system_id", o->node.system_id ? o->node.system_id : "",
		"remote", o->node.remote ? o->node.remote : "",
		"bridge", o->node.bridge ? o->node.bridge : "",
		"config_error", o->node_error,
		"registered", o->registered,
		"chassis_uuid", uuid,
		"nb_cfg_acked", (json_int_t)o->nb_cfg_acked);
	for (i = 0; i < o->n_ifaces; i++)
		json_array_append_new(ports, json_pack("{s:s,s:s,s:b,s:b,s:b}",
			"interface", o->ifaces[i].name,
			"iface_id", o->ifaces[i].iface_id,
			"bound", wft_ovn_strset_has(&o->owned,
						    o->ifaces[i].iface_id),
			"lost", wft_ovn_strset_has(&o->lost,
						   o->ifaces[i].iface_id),
			"installed", o->ifaces[i].installed));
	json_object_set_new(j, "ports", ports);
	json_object_set_new(j, "bound", strset_json(&o->owned));
	json_object_set_new(j, "start_ms", wft_ovn_timeline_json(&o->tl));
	json_object_set_new(j, "counters", json_pack(
		"{s:I,s:I,s:I,s:I,s:I}",
		"transactions", (json_int_t)o->n_txns,
		"transaction_failures", (json_int_t)o->n_txn_failures,
		"claims", (json_int_t)o->n_claims,
		"releases", (json_int_t)o->n_releases,
		"lost", (json_int_t)o->n_lost));
	if (!o->client) {
		json_object_set_new(j, "sb", json_null());
		return j;
	}
	st = wft_ovsdb_client_stats(o->client);
	json_object_set_new(j, "sb", json_pack(
		"{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I}",
		"state", wft_ovsdb_state_name(
			wft_ovsdb_client_state(o->client)),
		"remote", wft_ovsdb_client_remote(o->client) ?
			wft_ovsdb_client_remote(o->client) : "",
		"last_error", wft_ovsdb_client_last_error(o->client),
		"monitor", wft_ovsdb_client_monitor_method(o->client) ?
			wft_ovsdb_client_monitor_method(o->client) : "",
		"connects", (json_int_t)st->connects,
		"attempts", (json_int_t)st->attempts,
		"full_syncs", (json_int_t)st->full_syncs,
		"resumes", (json_int_t)st->resumes,
		"updates", (json_int_t)st->updates));
	return j;
}

/* "start (ms): sb_active 12, registered 30, ...": the steps so far. */
static void start_text(json_t *tl, struct wft_strbuf *sb)
{
	const char *k;
	json_t *v;
	int n = 0;

	json_object_foreach(tl, k, v) {
		if (json_is_null(v))
			continue;
		wft_strbuf_printf(sb, "%s %s %.0f", n++ ? "," : "start (ms):",
				  k, json_number_value(v));
	}
	if (n)
		wft_strbuf_puts(sb, "\n");
}

static void status_text(json_t *j, struct wft_strbuf *sb)
{
	json_t *sbj = json_object_get(j, "sb"), *p;
	size_t i;

	if (!json_is_true(json_object_get(j, "enabled"))) {
		wft_strbuf_printf(sb, "not a chassis: external_ids:system-id "
				  "and ovn-remote are not both set%s%s\n",
				  *json_string_value(json_object_get(j,
					"config_error")) ? "; " : "",
				  json_string_value(json_object_get(j,
					"config_error")));
		return;
	}
	wft_strbuf_printf(sb, "chassis: %s (%s)\n",
		json_string_value(json_object_get(j, "system_id")),
		json_is_true(json_object_get(j, "registered")) ?
		json_string_value(json_object_get(j, "chassis_uuid")) :
		"not registered");
	wft_strbuf_printf(sb, "bridge: %s\n",
		json_string_value(json_object_get(j, "bridge")));
	if (json_is_object(sbj))
		wft_strbuf_printf(sb, "SB: %s %s (connects %lld, last error: "
			"%s)\n",
			json_string_value(json_object_get(sbj, "state")),
			json_string_value(json_object_get(sbj, "remote")),
			json_integer_value(json_object_get(sbj, "connects")),
			json_string_value(json_object_get(sbj,
							  "last_error")));
	wft_strbuf_printf(sb, "nb_cfg acknowledged: %lld\n",
		json_integer_value(json_object_get(j, "nb_cfg_acked")));
	start_text(json_object_get(j, "start_ms"), sb);
	json_array_foreach(json_object_get(j, "ports"), i, p)
		wft_strbuf_printf(sb, "port %s: interface %s%s%s%s\n",
			json_string_value(json_object_get(p, "iface_id")),
			json_string_value(json_object_get(p, "interface")),
			json_is_true(json_object_get(p, "bound")) ?
			", bound here" : "",
			json_is_true(json_object_get(p, "lost")) ?
			", taken by another chassis" : "",
			json_is_true(json_object_get(p, "installed")) ?
			", ovn-installed" : "");
}

static void do_status(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	json_t *j = status_json(aux);

	status_text(j, &sb);
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text",
				      wft_strbuf_cstr(&sb), "data", j));
	wft_strbuf_free(&sb);
}

/* lflow/stats: what the last pass compiled and installed, and how many
 * passes were full recomputes or incremental. */
static void do_lflow_stats(struct wft_rpc_call *call, json_t *params,
			   void *aux)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	json_t *j = wft_ovn_flow_stats_json(aux), *v;
	const char *k;
	size_t i;

	wft_strbuf_printf(&sb, "logical flows: %lld compiled, %lld skipped, "
		"%lld for ports elsewhere\n"
		"rules installed: %lld (%lld logical, %lld physical, %lld "
		"lookup)\n"
		"full recomputes: %lld, incremental runs: %lld (last "
		"recompiled %lld)\n"
		"last compile: %.1f ms (%lld added, %lld deleted, %lld "
		"modified)\n"
		"local datapaths: %lld, ports: %lld, flows pending: %s\n",
		json_integer_value(json_object_get(j, "rows_compiled")),
		json_integer_value(json_object_get(j, "rows_skipped")),
		json_integer_value(json_object_get(j, "rows_elsewhere")),
		json_integer_value(json_object_get(j, "rules_installed")),
		json_integer_value(json_object_get(j, "rules_logical")),
		json_integer_value(json_object_get(j, "rules_physical")),
		json_integer_value(json_object_get(j, "rules_lookup")),
		json_integer_value(json_object_get(j, "full_recomputes")),
		json_integer_value(json_object_get(j, "incremental_runs")),
		json_integer_value(json_object_get(j, "rows_recompiled")),
		json_real_value(json_object_get(j, "last_compile_ms")),
		json_integer_value(json_object_get(j, "last_added")),
		json_integer_value(json_object_get(j, "last_deleted")),
		json_integer_value(json_object_get(j, "last_modified")),
		json_integer_value(json_object_get(j, "local_datapaths")),
		json_integer_value(json_object_get(j, "local_ports")),
		json_is_true(json_object_get(j, "flows_pending")) ?
		"yes" : "no");
	if (*json_string_value(json_object_get(j, "error")))
		wft_strbuf_printf(&sb, "error: %s\n",
			json_string_value(json_object_get(j, "error")));
	json_object_foreach(json_object_get(j, "skip_reasons"), k, v)
		wft_strbuf_printf(&sb, "skipped %lld: %s\n",
				  json_integer_value(v), k);
	json_array_foreach(json_object_get(j, "skipped"), i, v)
		wft_strbuf_printf(&sb, "  %s: %s\n",
			json_string_value(json_object_get(v, "uuid")),
			json_string_value(json_object_get(v, "reason")));
	if (json_array_size(json_object_get(j, "passes")))
		wft_strbuf_puts(&sb, "last passes (ms before the last, "
				"duration ms, rows compiled, flow_mods):\n");
	json_array_foreach(json_object_get(j, "passes"), i, v)
		wft_strbuf_printf(&sb, "  -%.0f %.1f %lld %lld%s\n",
			json_real_value(json_object_get(v, "before_last_ms")),
			json_real_value(json_object_get(v, "ms")),
			json_integer_value(json_object_get(v,
							   "rows_recompiled")),
			json_integer_value(json_object_get(v, "flow_mods")),
			json_is_true(json_object_get(v, "full")) ?
			" full" : "");
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text",
				      wft_strbuf_cstr(&sb), "data", j));
	wft_strbuf_free(&sb);
}

static void do_reconnect(struct wft_rpc_call *call, json_t *params,
			 void *aux)
{
	struct wft_ovn *o = aux;

	if (o->client)
		wft_ovsdb_client_reconnect(o->client);
	wft_rpc_reply_text(call, "");
}

int wft_ovn_appctl_register(struct wft_ovn *o)
{
	struct wft_control *ctl = wft_daemon_control(o->d);
	int ret;

	ret = wft_control_register(ctl, &(struct wft_rpc_method) {
		.name = "ovn/status", .handler = do_status, .aux = o });
	if (!ret)
		ret = wft_control_register(ctl, &(struct wft_rpc_method) {
			.name = "ovn/reconnect", .handler = do_reconnect,
			.aux = o });
	if (!ret)
		ret = wft_control_register(ctl, &(struct wft_rpc_method) {
			.name = "lflow/stats", .handler = do_lflow_stats,
			.aux = o });
	if (!ret)
		ret = wft_ovn_portinfo_register(o);	/* ovn_portinfo.c */
	if (!ret)
		ret = wft_ovn_provenance_register(o);
	return ret;
}

void wft_ovn_appctl_unregister(struct wft_ovn *o)
{
	wft_control_unregister(wft_daemon_control(o->d), "ovn/status");
	wft_control_unregister(wft_daemon_control(o->d), "ovn/reconnect");
	wft_control_unregister(wft_daemon_control(o->d), "lflow/stats");
	wft_ovn_portinfo_unregister(o);
	wft_ovn_provenance_unregister(o);
}
