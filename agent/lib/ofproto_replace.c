// SPDX-License-Identifier: GPL-2.0
/*
 * ofctl/replace-flows {"bridge", "flows": [...]} -> {"added", "deleted",
 * "modified"}: the bridge's rules become exactly @flows, as ovs-ofctl
 * replace-flows makes them. A rule whose table, priority and match stay
 * is left alone when its actions, cookie, timeouts and flags are the
 * same too (its counters and age stay), and is changed in place
 * otherwise (counters kept, as an OpenFlow add does); the others are
 * added or deleted. All or nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "ofproto_rpc.h"
#include "weft/util.h"

/* Rules by (table, priority, match), to pair old and new. */
struct pair_map {
	struct wft_rule **slots;
	bool *paired;			/* matched by a new flow */
	size_t n_slots;			/* a power of 2 */
	size_t n_rules;
};

static uint32_t key_hash(uint8_t table, int priority,
			 const struct wft_flow *match,
			 const struct wft_flow_wc *mask)
{
	uint32_t h = wft_flow_hash(match, NULL, (uint32_t)priority << 8 | table);

	return wft_flow_hash(&mask->masks, NULL, h);
}

static bool same_key(const struct wft_rule *r, uint8_t table, int priority,
		     const struct wft_flow *match,
		     const struct wft_flow_wc *mask)
{
	return r->table_id == table && r->cr.priority == priority &&
	       wft_cls_rule_match_equal(&r->cr, match, mask);
}

static void map_build(struct pair_map *m, const struct wft_rule_list *rules)
{
	struct wft_flow_wc mask;
	struct wft_flow match;
	size_t i, s;

	for (m->n_slots = 16; m->n_slots < 2 * rules->n; m->n_slots *= 2)
		;
	m->slots = wft_xcalloc(m->n_slots, sizeof(*m->slots));
	m->paired = wft_xcalloc(m->n_slots, sizeof(*m->paired));
	m->n_rules = rules->n;
	for (i = 0; i < rules->n; i++) {
		const struct wft_rule *r = rules->rules[i];

		wft_cls_rule_get_match(&r->cr, &match, &mask);
		s = key_hash(r->table_id, r->cr.priority, &match, &mask) &
		    (m->n_slots - 1);
		while (m->slots[s])
			s = (s + 1) & (m->n_slots - 1);
		m->slots[s] = rules->rules[i];
	}
}

/* The slot of the rule @fm would replace, or -1. */
static long map_find(struct pair_map *m, const struct wft_flow_mod *fm)
{
	uint8_t table = fm->table_id == WFT_TABLE_ALL ? 0 : fm->table_id;
	struct wft_flow match;
	size_t s;

	/* An empty bridge (a chassis' first install: thousands of rules)
	 * has nothing to pair with: no hashing. */
	if (!m->n_rules)
		return -1;
	match = fm->match;
	/* Rules hold their match masked: compare like with like. */
	wft_flow_zero_wildcards(&match, &fm->wc);
	s = key_hash(table, fm->priority, &match, &fm->wc) &
	    (m->n_slots - 1);
	for (; m->slots[s]; s = (s + 1) & (m->n_slots - 1))
		if (same_key(m->slots[s], table, fm->priority, &match,
			     &fm->wc))
			return (long)s;
	return -1;
}

static bool unchanged(const struct wft_rule *r, const struct wft_flow_mod *fm)
{
	return r->cookie == fm->cookie &&
	       r->idle_timeout == fm->idle_timeout &&
	       r->hard_timeout == fm->hard_timeout &&
	       r->flags == fm->flags &&
	       wft_ofpacts_equal(&r->actions, fm->actions);
}

/* Deletes (strict) for the rules left in the map. */
static size_t deletes_of(struct pair_map *m, struct wft_flow_mod *out)
{
	const struct wft_rule *r;
	size_t i, n = 0;

	for (i = 0; i < m->n_slots; i++) {
		r = m->slots[i];
		if (!r || m->paired[i])
			continue;
		wft_flow_mod_init(&out[n], WFT_FM_DELETE_STRICT);
		out[n].table_id = r->table_id;
		out[n].priority = r->cr.priority;
		wft_cls_rule_get_match(&r->cr, &out[n].match, &out[n].wc);
		n++;
	}
	return n;
}

static void drop_learned(struct wft_rule_list *rules)
{
	size_t i, n = 0;

	for (i = 0; i < rules->n; i++) {
		if (rules->rules[i]->learned)
			wft_rule_unref(rules->rules[i]);
		else
			rules->rules[n++] = rules->rules[i];
	}
	rules->n = n;
}

void wft_replace_plan_build(struct wft_replace_plan *pl,
			    struct wft_pipeline *p,
			    const struct wft_ofp_flow *flows, size_t n_flows)
{
	struct wft_flow_mod *adds = wft_xcalloc(n_flows + 1, sizeof(*adds));
	struct wft_rule_list old;
	struct pair_map m;
	size_t i, n_adds = 0;
	long s;

	wft_rule_list_init(&old);
	wft_pipeline_dump(p, NULL, &old);
	if (pl->keep_learned)
		drop_learned(&old);
	map_build(&m, &old);
	pl->fms = wft_xcalloc(old.n + n_flows + 1, sizeof(*pl->fms));
	pl->line = wft_xcalloc(old.n + n_flows + 1, sizeof(*pl->line));
	for (i = 0; i < n_flows; i++) {
		wft_flow_mod_from_ofp(&flows[i], WFT_FM_ADD, &adds[n_adds]);
		s = map_find(&m, &adds[n_adds]);
		if (s >= 0 && !m.paired[s] &&
		    unchanged(m.slots[s], &adds[n_adds])) {
			m.paired[s] = true;	/* kept as it is */
			continue;
		}
		if (s >= 0) {
			m.paired[s] = true;	/* changed in place */
			pl->modified++;
		} else {
			pl->added++;
		}
		pl->line[old.n + n_adds] = i;
		n_adds++;
	}
	pl->deleted = deletes_of(&m, pl->fms);
	pl->n = pl->deleted;
	for (i = 0; i < n_adds; i++) {
		pl->line[pl->n] = pl->line[old.n + i];
		pl->fms[pl->n++] = adds[i];
	}
	free(adds);
	free(m.slots);
	free(m.paired);
	wft_rule_list_destroy(&old);
}

void wft_ofctl_replace_flows(struct wft_rpc_call *call, json_t *params,
			     void *aux)
{
	struct ofproto_state *st = aux;
	const json_t *texts = json_object_get(params, "flows");
	struct wft_replace_plan pl = { 0 };
	struct wft_ofp_flow *flows;
	struct wft_ofproto *br;
	size_t n_flows, n_parsed, bad, n;

	if (!json_is_object(params) || !json_is_array(texts)) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "expected {\"bridge\", \"flows\": [...]}");
		return;
	}
	br = wft_rpc_bridge(st, call, params);
	if (!br)
		return;
	n_flows = json_array_size(texts);
	flows = wft_xcalloc(n_flows + 1, sizeof(*flows));
	if (wft_rpc_parse_flows(call, br, texts, WFT_OFPFC_ADD, flows,
				&n_parsed))
		goto out;
	wft_replace_plan_build(&pl, wft_ofproto_pipeline(br), flows, n_flows);
	if (wft_apply_flow_mods(wft_ofproto_pipeline(br), pl.fms, pl.n, &bad,
				&n)) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "line %zu: the "
				    "flow overlaps an existing flow of the same "
				    "priority (check_overlap)",
				    pl.line[bad] + 1);
		goto out;
	}
	if (pl.n)
		wft_backer_changed(st->backer);
	wft_rpc_reply(call, json_pack("{s:I,s:I,s:I}",
				      "added", (json_int_t)pl.added,
				      "deleted", (json_int_t)pl.deleted,
				      "modified", (json_int_t)pl.modified));
out:
	free(pl.fms);
	free(pl.line);
	wft_ofp_flows_free(flows, n_parsed);
}
