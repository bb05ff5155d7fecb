// SPDX-License-Identifier: GPL-2.0
/*
 * dpif/provenance: for every datapath flow weftd installed, the pipeline
 * rules its translation went through (table, priority, cookie, in
 * lookup order) and, for the OVN chassis' bridge, the Logical_Flow or SB
 * row each came from (docs/provenance.md). weft-dpctl dump-flows
 * --provenance joins the answer to the kernel's flows by UFID.
 *
 * Each ukey already holds references to the rules its translation hit
 * (their statistics are credited from it), so nothing is recorded on
 * the upcall path for this: the method copies (table, priority, cookie,
 * metadata) out of the rules under each shard's mutex, then resolves
 * each distinct rule once against the chassis' replica.
 *
 *   {"provenance": true | "why not",
 *    "flows": [{"ufid", "bridge", "rules": [{"table", "priority",
 *               "cookie", "provenance"?}]}]}
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "udpif_priv.h"
#include "udpif_rpc.h"
#include "weft/ovn_provenance.h"
#include "weft/util.h"

struct prov_rule {
	uint64_t cookie;
	uint32_t metadata;
	uint16_t priority;
	uint8_t table;
};

struct prov_flow {
	struct wft_ufid ufid;
	uint32_t odp_in_port;
	size_t first, n;		/* in the rules array */
};

struct snap {
	struct prov_flow *f;
	size_t n_f, cap_f;
	struct prov_rule *r;
	size_t n_r, cap_r;
};

static void snap_one(const struct ukey *k, void *aux)
{
	struct snap *s = aux;
	const struct wft_rule *rule;
	struct prov_rule *pr;
	struct wft_flow match;
	size_t i;

	if (s->n_f == s->cap_f) {
		s->cap_f = s->cap_f ? 2 * s->cap_f : 64;
		s->f = wft_xrealloc(s->f, s->cap_f * sizeof(*s->f));
	}
	s->f[s->n_f].ufid = k->ufid;
	s->f[s->n_f].odp_in_port = k->odp_in_port;
	s->f[s->n_f].first = s->n_r;
	s->f[s->n_f++].n = k->rules.n;
	if (s->n_r + k->rules.n > s->cap_r) {
		s->cap_r = 2 * (s->n_r + k->rules.n) + 64;
		s->r = wft_xrealloc(s->r, s->cap_r * sizeof(*s->r));
	}
	for (i = 0; i < k->rules.n; i++) {
		rule = k->rules.rules[i];
		pr = &s->r[s->n_r++];
		pr->cookie = rule->cookie;
		/* The rule's value is already masked. */
		wft_cls_rule_get_match(&rule->cr, &match, NULL);
		pr->metadata = (uint32_t)be64toh(match.metadata);
		pr->priority = (uint16_t)rule->cr.priority;
		pr->table = rule->table_id;
	}
}

static int rule_cmp(const void *a, const void *b)
{
	const struct prov_rule *x = a, *y = b;

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->cookie != y->cookie)
		return x->cookie < y->cookie ? -1 : 1;
	if (x->metadata != y->metadata)
		return x->metadata < y->metadata ? -1 : 1;
	return 0;
}

/* Each distinct (table, cookie, metadata) resolved once. */
struct memo {
	struct prov_rule *keys;
	json_t **vals;
	size_t n;
};

static void memo_build(struct memo *m, const struct snap *s,
		       const struct wft_ovn_prov *p)
{
	size_t i, n = 0;

	m->keys = wft_xmemdup(s->r, (s->n_r ? s->n_r : 1) * sizeof(*s->r));
	qsort(m->keys, s->n_r, sizeof(*m->keys), rule_cmp);
	for (i = 0; i < s->n_r; i++)
		if (!n || rule_cmp(&m->keys[n - 1], &m->keys[i]))
			m->keys[n++] = m->keys[i];
	m->n = n;
	m->vals = wft_xcalloc(n ? n : 1, sizeof(*m->vals));
	for (i = 0; p && i < n; i++)
		m->vals[i] = wft_ovn_prov_lookup(p, m->keys[i].table,
						 m->keys[i].cookie,
						 m->keys[i].metadata);
}

static json_t *memo_get(const struct memo *m, const struct prov_rule *r)
{
	const struct prov_rule *k = bsearch(r, m->keys, m->n, sizeof(*r),
					    rule_cmp);

	return k ? m->vals[k - m->keys] : NULL;
}

static void memo_free(struct memo *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		json_decref(m->vals[i]);
	free(m->vals);
	free(m->keys);
}

static json_t *flow_json(struct udpif_state *st, const struct snap *s,
			 const struct prov_flow *f, const struct memo *m,
			 const char *ovn_bridge)
{
	char ufid[WFT_UFID_STRLEN + 1];
	struct wft_ofproto *br = NULL;
	const char *name = "";
	json_t *rules = json_array(), *one, *pv;
	uint32_t ofport;
	size_t i;

	if (!wft_backer_odp_port(st->backer, f->odp_in_port, &br, &ofport) &&
	    br)
		name = wft_ofproto_name(br);
	for (i = 0; i < f->n; i++) {
		const struct prov_rule *r = &s->r[f->first + i];

		one = json_pack("{s:i,s:i,s:o}", "table", r->table,
				"priority", r->priority, "cookie",
				json_sprintf("0x%llx",
					     (unsigned long long)r->cookie));
		pv = ovn_bridge && !strcmp(name, ovn_bridge) ? memo_get(m, r)
							    : NULL;
		if (pv)
			json_object_set(one, "provenance", pv);
		json_array_append_new(rules, one);
	}
	wft_ufid_format(&f->ufid, ufid);
	return json_pack("{s:s,s:s,s:o}", "ufid", ufid, "bridge", name,
			 "rules", rules);
}

static void do_provenance(struct wft_rpc_call *call, json_t *params,
			  void *aux)
{
	struct udpif_state *st = aux;
	struct snap s = { 0 };
	struct memo m = { 0 };
	struct wft_ovn_prov *p;
	const char *why = NULL, *ovn_bridge = NULL;
	json_t *flows = json_array();
	size_t i;

	if (!st->u) {
		json_decref(flows);
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "no datapath: "
				    "the upcall handlers are not running");
		return;
	}
	wft_ukeys_foreach(st->u, snap_one, &s);
	p = wft_ovn_prov_for_bridge(st->d, NULL, &why);
	if (p)
		ovn_bridge = wft_ovn_prov_bridge(st->d);
	memo_build(&m, &s, p);
	for (i = 0; i < s.n_f; i++)
		json_array_append_new(flows, flow_json(st, &s, &s.f[i], &m,
						       ovn_bridge));
	memo_free(&m);
	wft_ovn_prov_free(p);
	free(s.f);
	free(s.r);
	wft_rpc_reply(call, json_pack("{s:o,s:o}", "provenance",
				      why ? json_string(why) : json_true(),
				      "flows", flows));
}

void wft_udpif_register_provenance(struct udpif_state *st)
{
	wft_control_register(wft_daemon_control(st->d),
			     &(struct wft_rpc_method) {
		.name = "dpif/provenance", .usage = "", .args_max = 0,
		.handler = do_provenance, .aux = st });
}

void wft_udpif_unregister_provenance(struct udpif_state *st)
{
	wft_control_unregister(wft_daemon_control(st->d), "dpif/provenance");
}
