// SPDX-License-Identifier: GPL-2.0
/*
 * A Logical_Flow row into weft pipeline rules (include/weft/lflow.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow.h"
#include "weft/lflow_actions.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(lflow);

void wft_lflow_stats_uninit(struct wft_lflow_stats *st)
{
	size_t i;

	for (i = 0; i < st->n_logged; i++)
		free(st->logged[i]);
	free(st->logged);
	memset(st, 0, sizeof(*st));
}

void wft_lflow_rules_free(struct wft_ofp_flow *rules, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		wft_ofp_flow_uninit(&rules[i]);
	free(rules);
}

/* Counts a skipped row and logs it unless it was logged before. */
static int skip(const struct wft_lflow *lf, struct wft_lflow_stats *st,
		int error, const char *why)
{
	size_t i;

	st->n_skipped++;
	for (i = 0; i < st->n_logged; i++)
		if (!strcmp(st->logged[i], lf->uuid))
			return error;
	st->logged = wft_xrealloc(st->logged,
				  (st->n_logged + 1) * sizeof(*st->logged));
	st->logged[st->n_logged++] = wft_xstrdup(lf->uuid);
	wft_warn("Logical_Flow %s skipped (%s table %u, priority %u): %s",
		 lf->uuid, lf->egress ? "egress" : "ingress", lf->table,
		 lf->priority, why);
	return error;
}

static void add_prereq(const struct wft_lact_field *f, struct wft_strbuf *sb)
{
	if (f->sym && f->sym->prereqs)
		wft_strbuf_printf(sb, " && (%s)", f->sym->prereqs);
}

/* The conntrack actions apply to IP only (OVN's prerequisite "ip"):
 * ct_next, ct_commit, the NAT and load-balancing ones; not ct_clear. */
static bool needs_ip(const char *name)
{
	return !strncmp(name, "ct_", 3) && strcmp(name, "ct_clear");
}

/*
 * The prerequisites of the fields @acts read and write, as " && (P)" each:
 * OVN adds them to the match, so that "ip4.src = X" only ever applies to
 * IPv4 packets. Blocks that build a new packet (arp { }, icmp4 { }, ...)
 * are left out, as in OVN; clone's acts on the same packet.
 */
static void collect_prereqs(const struct wft_lacts *acts,
			    struct wft_strbuf *sb)
{
	size_t i, j;

	for (i = 0; i < acts->n; i++) {
		const struct wft_lact *a = &acts->a[i];

		switch (a->type) {
		case WFT_LACT_ASSIGN:
		case WFT_LACT_EXCHANGE:
			add_prereq(&a->dst, sb);
			if (a->src_is_field || a->type == WFT_LACT_EXCHANGE)
				add_prereq(&a->src, sb);
			break;
		case WFT_LACT_DEC_TTL:
			wft_strbuf_puts(sb, " && (ip)");
			break;
		case WFT_LACT_SIMPLE:
			if (needs_ip(a->name))
				wft_strbuf_puts(sb, " && (ip)");
			break;
		case WFT_LACT_CALL:
			if (needs_ip(a->name))
				wft_strbuf_puts(sb, " && (ip)");
			if (a->has_dst)
				add_prereq(&a->dst, sb);
			for (j = 0; j < a->n_args; j++)
				if (a->args[j].kind == WFT_LARG_FIELD)
					add_prereq(&a->args[j].field, sb);
			break;
		case WFT_LACT_NESTED:
			if (!strcmp(a->name, "clone"))
				collect_prereqs(a->nested, sb);
			else if (needs_ip(a->name))
				wft_strbuf_puts(sb, " && (ip)");
			break;
		default:
			break;
		}
	}
}

/* The first 32 bits of the UUID, as ovn-controller's cookie. */
static uint64_t uuid_cookie(const char *uuid)
{
	char hex[9];

	snprintf(hex, sizeof(hex), "%.8s", uuid);
	return strtoull(hex, NULL, 16);
}

static uint32_t conj_base(const struct wft_lflow *lf,
			  const struct wft_expr_env *env)
{
	if (env && env->conj_id_base)
		return env->conj_id_base(env->aux, lf->uuid);
	return (uint32_t)(uuid_cookie(lf->uuid) & 0xffffff) << 8;
}

/*
 * Gives @r, a clause of @m's conjunction, its conjunction action, unless
 * an earlier clause rule of @rules[0..@n) has the same match: then that
 * one gets the action (as OVN merges them) and this returns true.
 */
static bool add_clause(struct wft_ofp_flow *rules, size_t n,
		       struct wft_ofp_flow *r, uint32_t base,
		       const struct wft_expr_match *m)
{
	struct wft_ofp_flow *into = r;
	struct wft_ofpact *a;
	size_t i;

	for (i = 0; i < n; i++)
		if (rules[i].actions.n &&
		    rules[i].actions.acts[0].type == WFT_OFPACT_CONJUNCTION &&
		    !memcmp(&rules[i].match, &r->match, sizeof(r->match)) &&
		    !memcmp(&rules[i].mask, &r->mask, sizeof(r->mask))) {
			into = &rules[i];
			break;
		}
	a = wft_ofpacts_put(&into->actions, WFT_OFPACT_CONJUNCTION);
	a->conj.id = base + m->conj_id;
	a->conj.clause = m->clause;
	a->conj.n_clauses = m->n_clauses;
	return into != r;
}

int wft_lflow_compile(const struct wft_lflow *lf,
		      const struct wft_expr_env *env,
		      struct wft_lflow_stats *st, struct wft_ofp_flow **rules,
		      size_t *n_rules, char *err, size_t errlen)
{
	struct wft_expr_env xenv = { 0 };
	struct wft_lflow_xlate_ctx ctx;
	struct wft_expr_matches ms;
	struct wft_ofpacts acts;
	struct wft_lacts tree;
	struct wft_strbuf match;
	struct wft_subfield md = { wft_field_from_id(WFT_F_METADATA), 0, 64 };
	uint8_t key[8];
	uint32_t base;
	size_t i;
	int error;

	*rules = NULL;
	*n_rules = 0;
	if (env)
		xenv = *env;
	error = wft_lflow_actions_parse(lf->actions, &tree, err, errlen);
	if (error) {
		wft_lacts_free(&tree);
		return skip(lf, st, error, err);
	}
	/* The match, and the actions' prerequisites next to it. */
	wft_strbuf_init(&match);
	wft_strbuf_printf(&match, "(%s)", lf->match);
	collect_prereqs(&tree, &match);
	error = wft_expr_compile(wft_strbuf_cstr(&match), &xenv, &ms, err,
				 errlen);
	wft_strbuf_free(&match);
	if (error) {
		/* Report columns in the row's own text when the fault is
		 * there (not in the prerequisites added). */
		char bare[256];

		wft_expr_matches_uninit(&ms);
		if (wft_expr_compile(lf->match, &xenv, &ms, bare,
				     sizeof(bare)))
			snprintf(err, errlen, "%s", bare);
		wft_expr_matches_uninit(&ms);
	}
	if (!error && ms.n > WFT_LFLOW_MAX_RULES) {
		snprintf(err, errlen, "the match needs %zu rules (at most %d)",
			 ms.n, WFT_LFLOW_MAX_RULES);
		error = -E2BIG;
	}
	if (error) {
		wft_lacts_free(&tree);
		wft_expr_matches_uninit(&ms);
		return skip(lf, st, error, err);
	}
	wft_ofpacts_init(&acts);
	wft_lflow_xlate_ctx_init(&ctx, lf->egress, lf->table, lf->is_switch);
	ctx.cookie = uuid_cookie(lf->uuid);
	if (env) {
		ctx.port_key = env->port_key;
		ctx.aux = env->aux;
		ctx.groups = env->lflow_groups;
	}
	error = wft_lflow_actions_to_ofpacts(&tree, &ctx, &acts, err, errlen);
	wft_lacts_free(&tree);
	if (error) {
		wft_ofpacts_uninit(&acts);
		wft_expr_matches_uninit(&ms);
		return skip(lf, st, error, err);
	}

	for (i = 0; i < ms.n; i++)
		if (ms.m[i].conj_id > WFT_LFLOW_MAX_CONJ_IDS) {
			snprintf(err, errlen, "the match needs more than %d "
				 "conjunctive matches",
				 WFT_LFLOW_MAX_CONJ_IDS);
			wft_ofpacts_uninit(&acts);
			wft_expr_matches_uninit(&ms);
			return skip(lf, st, -E2BIG, err);
		}
	base = conj_base(lf, env);
	for (i = 0; i < 8; i++)
		key[i] = (uint8_t)((uint64_t)lf->dp_key >> (56 - 8 * i));
	if (ms.n)
		*rules = wft_xcalloc(ms.n, sizeof(**rules));
	for (i = 0; i < ms.n; i++) {
		struct wft_ofp_flow *r = &(*rules)[*n_rules];
		const struct wft_expr_match *m = &ms.m[i];

		wft_ofp_flow_init(r, WFT_OFPFC_ADD);
		r->table = (lf->egress ? ctx.egress_base : ctx.ingress_base) +
			   lf->table;
		r->priority = lf->priority;
		r->cookie = uuid_cookie(lf->uuid);
		r->match = m->flow;
		r->mask = m->wc;
		wft_subfield_set(&md, key, &r->match, &r->mask);
		r->has_actions = true;
		if (!m->conj_id) {
			wft_ofpacts_clone(&r->actions, &acts);
		} else if (!m->n_clauses) {
			r->match.conj_id = htonl(base + m->conj_id);
			r->mask.masks.conj_id = UINT32_MAX;
			wft_ofpacts_clone(&r->actions, &acts);
		} else if (add_clause(*rules, *n_rules, r, base, m)) {
			wft_ofp_flow_uninit(r);
			continue;	/* merged into an earlier rule */
		}
		(*n_rules)++;
	}
	st->n_compiled++;
	wft_ofpacts_uninit(&acts);
	wft_expr_matches_uninit(&ms);
	return 0;
}
