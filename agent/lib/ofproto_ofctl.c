// SPDX-License-Identifier: GPL-2.0
/*
 * The methods weft-ofctl calls (the contract in agent/ofctl/flowmod.c
 * and dump.c):
 *
 *   ofctl/flow-mods {"bridge", "command", "flows": [...],
 *		      "strict_check"?} -> {"n"}
 *   ofctl/dump-flows {"bridge", "match"?, "no_stats"?, "names"?}
 *	-> {"text", "flows": [...]}
 *   ofctl/dump-tables {"bridge"} -> {"text", "tables": [...]}
 *
 * ofctl/replace-flows is in ofproto_replace.c. Flows are parsed with the
 * bridge's port names; changes are all or nothing and end with a kick of
 * the revalidator, so that datapath flows follow within one cycle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto_rpc.h"
#include "weft/daemon.h"
#include "weft/util.h"

struct wft_ofproto *wft_rpc_bridge(struct ofproto_state *st,
				   struct wft_rpc_call *call,
				   const json_t *params)
{
	const json_t *v = json_is_array(params) ? json_array_get(params, 0)
						: json_object_get(params,
								  "bridge");
	struct wft_ofproto *br;

	if (!json_is_string(v)) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "missing \"bridge\" (a bridge name)");
		return NULL;
	}
	br = wft_backer_find(st->backer, json_string_value(v));
	if (!br)
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL,
				    "no bridge named %s", json_string_value(v));
	return br;
}

void wft_flow_mod_from_ofp(const struct wft_ofp_flow *f,
			   enum wft_fm_command cmd, struct wft_flow_mod *fm)
{
	wft_flow_mod_init(fm, cmd);
	fm->table_id = f->table;
	fm->priority = f->priority;
	fm->match = f->match;
	fm->wc = f->mask;
	fm->cookie = f->cookie;
	fm->cookie_mask = f->cookie_mask;
	/* mod-flows: cookie=V sets the cookie, cookie=V/M selects by it. */
	if ((cmd == WFT_FM_MODIFY || cmd == WFT_FM_MODIFY_STRICT) &&
	    !f->cookie_mask && f->cookie)
		fm->new_cookie = f->cookie;
	fm->idle_timeout = f->idle_timeout;
	fm->hard_timeout = f->hard_timeout;
	fm->flags = f->flags;
	fm->out_port = f->out_port;
	fm->actions = &f->actions;
}

/* A copy of @p's rules, for trying flow_mods on. */
static struct wft_pipeline *scratch_copy(struct wft_pipeline *p)
{
	struct wft_pipeline *s = wft_pipeline_create();
	struct wft_rule_list all;
	struct wft_flow_mod fm;
	struct wft_rule *r;
	size_t i;

	wft_rule_list_init(&all);
	wft_pipeline_dump(p, NULL, &all);
	for (i = 0; i < all.n; i++) {
		r = all.rules[i];
		wft_flow_mod_init(&fm, WFT_FM_ADD);
		fm.table_id = r->table_id;
		fm.priority = r->cr.priority;
		wft_cls_rule_get_match(&r->cr, &fm.match, &fm.wc);
		fm.actions = &r->actions;	/* rules change in this thread */
		wft_pipeline_flow_mod(s, &fm, 0, NULL, NULL);
	}
	wft_rule_list_destroy(&all);
	return s;
}

static int apply(struct wft_pipeline *p, const struct wft_flow_mod *fms,
		 size_t n_fms, size_t *bad, size_t *n)
{
	long long now = (long long)wft_loop_now();
	size_t i, one;
	int ret;

	for (i = 0; i < n_fms; i++) {
		one = 0;
		ret = wft_pipeline_flow_mod(p, &fms[i], now, NULL, &one);
		if (ret) {
			*bad = i;
			return ret;
		}
		*n += one;
	}
	return 0;
}

int wft_apply_flow_mods(struct wft_pipeline *p, const struct wft_flow_mod *fms,
			size_t n_fms, size_t *bad, size_t *n)
{
	struct wft_pipeline *s;
	size_t i, dummy = 0;
	int ret;

	*n = 0;
	for (i = 0; i < n_fms; i++)
		if (fms[i].command == WFT_FM_ADD &&
		    (fms[i].flags & WFT_RULE_CHECK_OVERLAP))
			break;
	if (i < n_fms) {
		s = scratch_copy(p);
		ret = apply(s, fms, n_fms, bad, &dummy);
		wft_pipeline_destroy(s);
		if (ret)
			return ret;
	}
	return apply(p, fms, n_fms, bad, n);
}

static const struct {
	const char *name;
	enum wft_ofp_command ofp;
	enum wft_fm_command fm;
} commands[] = {
	{ "add", WFT_OFPFC_ADD, WFT_FM_ADD },
	{ "modify", WFT_OFPFC_MODIFY, WFT_FM_MODIFY },
	{ "modify_strict", WFT_OFPFC_MODIFY_STRICT, WFT_FM_MODIFY_STRICT },
	{ "delete", WFT_OFPFC_DELETE, WFT_FM_DELETE },
	{ "delete_strict", WFT_OFPFC_DELETE_STRICT, WFT_FM_DELETE_STRICT },
};

/* The command of flow-mods params; -1 after answering with an error.
 * strict_check is ovs-ofctl's --strict: modify and delete match
 * strictly. */
static int command_of(struct wft_rpc_call *call, const json_t *params)
{
	const char *s = json_string_value(json_object_get(params, "command"));
	bool strict = json_is_true(json_object_get(params, "strict_check"));
	size_t i;

	for (i = 0; s && i < WFT_ARRAY_SIZE(commands); i++)
		if (!strcmp(s, commands[i].name))
			return (int)(strict && (i == 1 || i == 3) ? i + 1 : i);
	wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
			    "\"command\" must be add, modify, modify_strict, "
			    "delete or delete_strict");
	return -1;
}

static const char *overlap_msg(int ret)
{
	return ret == -EEXIST ? "the flow overlaps an existing flow of the "
				"same priority (check_overlap)"
			      : strerror(-ret);
}

int wft_rpc_parse_flows(struct wft_rpc_call *call, struct wft_ofproto *br,
			const json_t *texts, enum wft_ofp_command cmd,
			struct wft_ofp_flow *flows, size_t *n_parsed)
{
	char err[256];
	size_t i, n = json_array_size(texts);
	int ret = 0;

	wft_ofproto_use_port_names(br, false);
	for (i = 0, *n_parsed = 0; i < n && !ret; i++, (*n_parsed)++) {
		const char *s = json_string_value(json_array_get(texts, i));

		ret = wft_ofp_flow_parse(s ? s : "", cmd, &flows[i], err,
					 sizeof(err));
		if (!ret && !s)
			ret = -EINVAL;
		if (ret)
			wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL,
					    "line %zu: %s", i + 1,
					    s ? err : "not a string");
	}
	wft_ofproto_use_port_names(NULL, false);
	return ret;
}

void wft_ofp_flows_free(struct wft_ofp_flow *flows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		wft_ofp_flow_uninit(&flows[i]);
	free(flows);
}

static void do_flow_mods(struct wft_rpc_call *call, json_t *params,
			 void *aux)
{
	struct ofproto_state *st = aux;
	const json_t *texts = json_object_get(params, "flows");
	struct wft_ofp_flow *flows;
	struct wft_flow_mod *fms;
	struct wft_ofproto *br;
	size_t n_flows, n_parsed, bad, i, n;
	int c, ret;

	if (!json_is_object(params) || !json_is_array(texts)) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "expected {\"bridge\", \"command\", "
				    "\"flows\": [...]}");
		return;
	}
	br = wft_rpc_bridge(st, call, params);
	c = br ? command_of(call, params) : -1;
	if (c < 0)
		return;
	n_flows = json_array_size(texts);
	flows = wft_xcalloc(n_flows + 1, sizeof(*flows));
	fms = wft_xcalloc(n_flows + 1, sizeof(*fms));
	if (!wft_rpc_parse_flows(call, br, texts, commands[c].ofp, flows,
				 &n_parsed)) {
		for (i = 0; i < n_flows; i++)
			wft_flow_mod_from_ofp(&flows[i], commands[c].fm,
					      &fms[i]);
		ret = wft_apply_flow_mods(wft_ofproto_pipeline(br), fms,
					  n_flows, &bad, &n);
		if (ret)
			wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL,
					    "line %zu: %s", bad + 1,
					    overlap_msg(ret));
		else
			wft_rpc_reply(call, json_pack("{s:I}", "n",
						      (json_int_t)n));
		if (!ret && n)
			wft_backer_changed(st->backer);
	}
	free(fms);
	wft_ofp_flows_free(flows, n_parsed);
}

void wft_ofproto_register_ofctl(struct ofproto_state *st)
{
	static const struct {
		const char *name, *usage;
		wft_rpc_handler *handler;
	} methods[] = {
		{ "ofctl/flow-mods", "{bridge, command, flows, strict_check}",
		  do_flow_mods },
		{ "ofctl/replace-flows", "{bridge, flows}",
		  wft_ofctl_replace_flows },
		{ "ofctl/dump-flows", "{bridge, match, no_stats, names}",
		  wft_ofctl_dump_flows },
		{ "ofctl/dump-tables", "{bridge}", wft_ofctl_dump_tables },
		{ "ofctl/group-mods", "{bridge, command, groups}",
		  wft_ofctl_group_mods },
		{ "ofctl/dump-groups", "{bridge}", wft_ofctl_dump_groups },
	};
	struct wft_control *ctl = wft_daemon_control(st->d);
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(methods); i++)
		wft_control_register(ctl, &(struct wft_rpc_method) {
			.name = methods[i].name, .usage = methods[i].usage,
			.args_max = WFT_RPC_ANY_PARAMS,
			.handler = methods[i].handler, .aux = st });
}

void wft_ofproto_unregister(struct ofproto_state *st)
{
	static const char *const names[] = {
		"ofctl/flow-mods", "ofctl/replace-flows", "ofctl/dump-flows",
		"ofctl/dump-tables", "ofproto/trace", "fdb/show", "fdb/flush",
		"fdb/stats-show", "ofctl/group-mods", "ofctl/dump-groups",
	};
	struct wft_control *ctl = wft_daemon_control(st->d);
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(names); i++)
		wft_control_unregister(ctl, names[i]);
}
