// SPDX-License-Identifier: GPL-2.0
/*
 * ofctl/dump-flows and ofctl/dump-tables: a bridge's rules and tables in
 * the text ovs-ofctl prints (the body, one line per rule, each with its
 * leading space; weft-ofctl adds the header ovs-ofctl would), and the
 * same as JSON.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ofproto_rpc.h"
#include "weft/daemon.h"
#include "weft/util.h"

void wft_ofp_flow_from_rule(const struct wft_rule *r, struct wft_ofp_flow *f)
{
	memset(f, 0, sizeof(*f));
	f->command = WFT_OFPFC_ADD;
	f->table = r->table_id;
	f->priority = (uint16_t)r->cr.priority;
	f->cookie = r->cookie;
	/* As OVS's dumps: the timeouts a fin_timeout shrank. */
	wft_rule_timeouts(r, &f->idle_timeout, &f->hard_timeout);
	f->flags = r->flags;
	f->out_port = WFT_OFPP_ANY;
	wft_cls_rule_get_match(&r->cr, &f->match, &f->mask);
	f->actions = r->actions;
	f->has_actions = true;
}

static void rule_stats(const struct wft_rule *r, long long now, bool ages,
		       struct wft_ofp_flow_stats *st)
{
	long long age = now > r->created_ms ? now - r->created_ms : 0;
	long long used = atomic_load(&r->used_ms);

	st->duration_sec = (uint32_t)(age / 1000);
	st->duration_nsec = (uint32_t)(age % 1000) * 1000000;
	st->n_packets = atomic_load(&r->n_packets);
	st->n_bytes = atomic_load(&r->n_bytes);
	/* ovs-ofctl leaves the ages out when it prints port names. */
	st->idle_age = !ages ? -1 : (int)((now - (used > r->created_ms ?
						   used : r->created_ms))
					  / 1000);
	st->hard_age = !ages ? -1 : (int)((now - r->modified_ms) / 1000);
}

static json_t *rule_json(const struct wft_ofp_flow *f,
			 const struct wft_ofp_flow_stats *st)
{
	struct wft_strbuf m = WFT_STRBUF_INIT, a = WFT_STRBUF_INIT;
	char cookie[24];
	json_t *j;

	wft_ofp_match_format(&f->match, &f->mask, WFT_OFP_DEFAULT_PRIORITY,
			     &m);
	wft_ofp_actions_format(&f->actions, &f->match, &f->mask, &a);
	snprintf(cookie, sizeof(cookie), "0x%llx",
		 (unsigned long long)f->cookie);
	j = json_pack("{s:i,s:i,s:s,s:f,s:I,s:I,s:i,s:i,s:s,s:s}",
		      "table", f->table, "priority", f->priority,
		      "cookie", cookie,
		      "duration", st->duration_sec +
				  st->duration_nsec / 1e9,
		      "n_packets", (json_int_t)st->n_packets,
		      "n_bytes", (json_int_t)st->n_bytes,
		      "idle_timeout", f->idle_timeout,
		      "hard_timeout", f->hard_timeout,
		      "match", wft_strbuf_cstr(&m),
		      "actions", wft_strbuf_cstr(&a));
	wft_strbuf_free(&m);
	wft_strbuf_free(&a);
	return j;
}

/* The filter of dump-flows: a match as del-flows takes it. */
static int dump_filter(struct wft_rpc_call *call, struct wft_ofproto *br,
		       const char *match, struct wft_ofp_flow *f,
		       struct wft_flow_mod *fm)
{
	char err[256];
	int ret;

	wft_ofproto_use_port_names(br, false);
	ret = wft_ofp_flow_parse(match, WFT_OFPFC_DELETE, f, err, sizeof(err));
	wft_ofproto_use_port_names(NULL, false);
	if (ret) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "%s", err);
		return ret;
	}
	wft_flow_mod_from_ofp(f, WFT_FM_DELETE, fm);
	return 0;
}

static void dump_rules(struct wft_ofproto *br, const struct wft_flow_mod *fm,
		       bool stats, bool names, struct wft_strbuf *text,
		       json_t *flows)
{
	long long now = (long long)wft_loop_now();
	struct wft_ofp_flow_stats st;
	struct wft_rule_list rules;
	struct wft_ofp_flow f;
	size_t i;

	wft_rule_list_init(&rules);
	wft_pipeline_dump(wft_ofproto_pipeline(br), fm, &rules);
	wft_ofproto_use_port_names(br, names);
	for (i = 0; i < rules.n; i++) {
		wft_ofp_flow_from_rule(rules.rules[i], &f);
		rule_stats(rules.rules[i], now, !names, &st);
		wft_strbuf_putc(text, ' ');
		wft_ofp_flow_format_dump(&f, stats ? &st : NULL, text);
		wft_strbuf_putc(text, '\n');
		json_array_append_new(flows, rule_json(&f, &st));
	}
	wft_ofproto_use_port_names(NULL, false);
	wft_rule_list_destroy(&rules);
}

void wft_ofctl_dump_flows(struct wft_rpc_call *call, json_t *params,
			  void *aux)
{
	const char *match = json_string_value(json_object_get(params,
							      "match"));
	bool no_stats = json_is_true(json_object_get(params, "no_stats"));
	bool names = json_is_true(json_object_get(params, "names"));
	struct wft_strbuf text = WFT_STRBUF_INIT;
	struct wft_flow_mod fm, *filter = NULL;
	struct wft_ofproto *br;
	struct wft_ofp_flow f;
	json_t *flows;

	br = wft_rpc_bridge(aux, call, params);
	if (!br)
		return;
	wft_ofp_flow_init(&f, WFT_OFPFC_DELETE);
	if (match && *match) {
		if (dump_filter(call, br, match, &f, &fm))
			goto out;
		filter = &fm;
	}
	flows = json_array();
	dump_rules(br, filter, !no_stats, names, &text, flows);
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text",
				      wft_strbuf_cstr(&text), "flows", flows));
out:
	wft_ofp_flow_uninit(&f);
	wft_strbuf_free(&text);
}

void wft_ofctl_dump_tables(struct wft_rpc_call *call, json_t *params,
			   void *aux)
{
	struct wft_strbuf text = WFT_STRBUF_INIT;
	struct wft_table_stats ts;
	struct wft_ofproto *br;
	json_t *tables;
	unsigned int t;

	br = wft_rpc_bridge(aux, call, params);
	if (!br)
		return;
	tables = json_array();
	for (t = 0; t < WFT_N_TABLES; t++) {
		wft_pipeline_table_stats(wft_ofproto_pipeline(br), (uint8_t)t,
					 &ts);
		if (!ts.n_rules && !ts.n_lookups)
			continue;	/* a table nobody uses */
		wft_strbuf_printf(&text, "%s  table %u:\n    active=%zu, "
				  "lookup=%llu, matched=%llu\n",
				  text.len ? "\n" : "", t, ts.n_rules,
				  (unsigned long long)ts.n_lookups,
				  (unsigned long long)ts.n_matches);
		json_array_append_new(tables, json_pack(
			"{s:i,s:I,s:I,s:I}", "table", t,
			"active", (json_int_t)ts.n_rules,
			"lookups", (json_int_t)ts.n_lookups,
			"matches", (json_int_t)ts.n_matches));
	}
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text",
				      wft_strbuf_cstr(&text), "tables",
				      tables));
	wft_strbuf_free(&text);
}
