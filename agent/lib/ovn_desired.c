// SPDX-License-Identifier: GPL-2.0
/*
 * The last steps before the chassis installs its desired flows on br-int:
 *
 *  - Rules with the same table, priority and match are one OpenFlow flow.
 *    Conjunctive matches make that common: two ACLs over the same address
 *    set both have a clause rule for each address. As ovn-controller
 *    does, their conjunction actions are joined into one rule; any other
 *    duplicate keeps the first rule and is counted (OVN logs it too).
 *  - The select groups that ct_lb/ct_lb_mark translate into (one per
 *    distinct backend list, include/weft/lflow_actions.h) go into the
 *    bridge's group table: added, modified or deleted to match the list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/group.h"
#include "weft/ofproto.h"
#include "weft/pipeline.h"
#include "weft/strbuf.h"
#include "weft/util.h"
#include "weft/vlog.h"

#include "ovn_priv.h"

struct slot {
	uint32_t hash;
	size_t idx;
};

static uint32_t rule_hash(const struct wft_ofp_flow *f)
{
	uint32_t h = wft_flow_hash(&f->match, &f->mask, f->priority);

	return wft_flow_hash(&f->mask.masks, NULL, h ^ f->table);
}

static bool same_match(const struct wft_ofp_flow *a,
		       const struct wft_ofp_flow *b)
{
	return a->table == b->table && a->priority == b->priority &&
	       !memcmp(&a->mask, &b->mask, sizeof(a->mask)) &&
	       wft_flow_equal_except(&a->match, &b->match, &a->mask);
}

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

unsigned long wft_ovn_desired_merge(struct wft_ofp_flow *rules, size_t *n)
{
	struct slot *s = wft_xcalloc(*n ? *n : 1, sizeof(*s));
	bool *gone = wft_xcalloc(*n ? *n : 1, sizeof(*gone));
	unsigned long dups = 0;
	size_t i, j, k;

	for (i = 0; i < *n; i++)
		s[i] = (struct slot){ rule_hash(&rules[i]), i };
	qsort(s, *n, sizeof(*s), cmp_slot);
	for (i = 0; i < *n; i = j) {
		for (j = i + 1; j < *n && s[j].hash == s[i].hash; j++)
			;
		/* Within one hash run, each rule against the earlier ones
		 * still standing (runs are short: collisions are rare). */
		for (k = i + 1; k < j; k++) {
			struct wft_ofp_flow *b = &rules[s[k].idx];
			size_t m;

			for (m = i; m < k; m++) {
				struct wft_ofp_flow *a = &rules[s[m].idx];
				struct wft_ofpacts *x = &a->actions;
				const struct wft_ofpacts *y = &b->actions;

				if (gone[s[m].idx] || !same_match(a, b))
					continue;
				if (wft_ofpacts_only_conjunctions(x) &&
				    wft_ofpacts_only_conjunctions(y))
					wft_ofpacts_join_conjunctions(x, y);
				else if (!wft_ofpacts_equal(x, y))
					dups++;
				gone[s[k].idx] = true;
				break;
			}
		}
	}
	for (i = j = 0; i < *n; i++) {
		if (gone[i])
			wft_ofp_flow_uninit(&rules[i]);
		else
			rules[j++] = rules[i];
	}
	*n = j;
	free(s);
	free(gone);
	return dups;
}

static bool group_equal(const struct wft_group *a, const struct wft_group *b)
{
	struct wft_strbuf x = WFT_STRBUF_INIT, y = WFT_STRBUF_INIT;
	bool eq;

	wft_group_format(a, &x);
	wft_group_format(b, &y);
	eq = !strcmp(wft_strbuf_cstr(&x), wft_strbuf_cstr(&y));
	wft_strbuf_free(&x);
	wft_strbuf_free(&y);
	return eq;
}

int wft_ovn_groups_install(struct wft_backer *b, const char *bridge,
			   const struct wft_lflow_groups *gs, bool *changed,
			   char *err, size_t errlen)
{
	struct wft_ofproto *br = wft_backer_find(b, bridge);
	struct wft_pipeline *p;
	struct wft_group *have, g;
	size_t n_have, i, j;
	char text[64];
	int ret = 0;

	*changed = false;
	if (!br) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	p = wft_ofproto_pipeline(br);
	have = wft_pipeline_groups_dump(p, &n_have);
	/* Groups no longer wanted go first (ids may be reused). */
	for (i = 0; i < n_have; i++) {
		for (j = 0; j < gs->n; j++)
			if (gs->g[j].id == have[i].group_id)
				break;
		if (j < gs->n)
			continue;
		wft_pipeline_group_mod(p, WFT_GROUP_DELETE, &have[i]);
		*changed = true;
	}
	for (j = 0; j < gs->n && !ret; j++) {
		struct wft_strbuf sb = WFT_STRBUF_INIT;
		const struct wft_group *cur = NULL;

		snprintf(text, sizeof(text), "group_id=%u,", gs->g[j].id);
		wft_strbuf_puts(&sb, text);
		wft_strbuf_puts(&sb, gs->g[j].text);
		ret = wft_group_parse(wft_strbuf_cstr(&sb), WFT_GROUP_ADD, &g,
				      err, errlen);
		wft_strbuf_free(&sb);
		for (i = 0; !ret && i < n_have; i++)
			if (have[i].group_id == gs->g[j].id)
				cur = &have[i];
		if (!ret && (!cur || !group_equal(cur, &g))) {
			ret = wft_pipeline_group_mod(p, cur ? WFT_GROUP_MODIFY :
						     WFT_GROUP_ADD, &g);
			if (ret)
				snprintf(err, errlen, "group %u: %s",
					 gs->g[j].id, strerror(-ret));
			*changed = true;
		}
		wft_group_uninit(&g);
	}
	for (i = 0; i < n_have; i++)
		wft_group_uninit(&have[i]);
	free(have);
	return ret;
}
