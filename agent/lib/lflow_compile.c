// SPDX-License-Identifier: GPL-2.0
/*
 * A Logical_Flow row into weft pipeline rules (include/weft/lflow.h).
 */
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

/* The first 32 bits of the UUID, as ovn-controller's cookie. */
static uint64_t uuid_cookie(const char *uuid)
{
	char hex[9];

	snprintf(hex, sizeof(hex), "%.8s", uuid);
	return strtoull(hex, NULL, 16);
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
	struct wft_subfield md = { wft_field_from_id(WFT_F_METADATA), 0, 64 };
	uint8_t key[8];
	size_t i;
	int error;

	*rules = NULL;
	*n_rules = 0;
	if (env)
		xenv = *env;
	xenv.conj_threshold = UINT_MAX;	/* no conjunctions in weft yet */
	error = wft_expr_compile(lf->match, &xenv, &ms, err, errlen);
	if (!error && ms.n > WFT_LFLOW_MAX_RULES) {
		snprintf(err, errlen, "the match needs %zu rules (at most %d)",
			 ms.n, WFT_LFLOW_MAX_RULES);
		error = -E2BIG;
	}
	if (error) {
		wft_expr_matches_uninit(&ms);
		return skip(lf, st, error, err);
	}
	error = wft_lflow_actions_parse(lf->actions, &tree, err, errlen);
	wft_ofpacts_init(&acts);
	if (!error) {
		wft_lflow_xlate_ctx_init(&ctx, lf->egress, lf->table,
					 lf->is_switch);
		if (env) {
			ctx.port_key = env->port_key;
			ctx.aux = env->aux;
		}
		error = wft_lflow_actions_to_ofpacts(&tree, &ctx, &acts, err,
						     errlen);
	}
	wft_lacts_free(&tree);
	if (error) {
		wft_ofpacts_uninit(&acts);
		wft_expr_matches_uninit(&ms);
		return skip(lf, st, error, err);
	}

	for (i = 0; i < 8; i++)
		key[i] = (uint8_t)((uint64_t)lf->dp_key >> (56 - 8 * i));
	if (ms.n)
		*rules = wft_xcalloc(ms.n, sizeof(**rules));
	for (i = 0; i < ms.n; i++) {
		struct wft_ofp_flow *r = &(*rules)[i];

		wft_ofp_flow_init(r, WFT_OFPFC_ADD);
		r->table = (lf->egress ? ctx.egress_base : ctx.ingress_base) +
			   lf->table;
		r->priority = lf->priority;
		r->cookie = uuid_cookie(lf->uuid);
		r->match = ms.m[i].flow;
		r->mask = ms.m[i].wc;
		wft_subfield_set(&md, key, &r->match, &r->mask);
		wft_ofpacts_clone(&r->actions, &acts);
		r->has_actions = true;
	}
	*n_rules = ms.n;
	st->n_compiled++;
	wft_ofpacts_uninit(&acts);
	wft_expr_matches_uninit(&ms);
	return 0;
}
