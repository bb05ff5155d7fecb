// SPDX-License-Identifier: GPL-2.0
/*
 * Conjunctive matches in the classifier (include/weft/cls.h): the lookup
 * of a classifier that holds soft rules (rules with conjunction clauses).
 *
 * The walk is the plain lookup's (subtables by decreasing max priority,
 * stopping once none can beat the hard rule found), except that a soft
 * rule it meets is set aside, and the same-value list under a soft head is
 * followed down to the first hard rule. Then, from the highest priority
 * down, the clauses the soft rules at one priority cover are counted per
 * conjunction id; an id with all of its clauses makes a second walk with
 * conj_id set, which finds the conj_id=id rule (or nothing better than the
 * hard rule). Both walks fold into the mask what they read, so that every
 * flow that agrees on it has the same soft rules, the same clauses and the
 * same answer; conj_id is cleared from it, as it is no packet's field.
 *
 * Allocates only when a packet matches more than SOFT_STACK soft rules.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cls_private.h"
#include "weft/util.h"

#define SOFT_STACK	64

struct soft_list {
	const struct wft_cls_rule **r;
	size_t n, cap;
	const struct wft_cls_rule *stack[SOFT_STACK];
};

static void soft_push(struct soft_list *l, const struct wft_cls_rule *r)
{
	if (l->n == l->cap) {
		const struct wft_cls_rule **a;

		a = wft_xmalloc(2 * l->cap * sizeof(*a));
		memcpy(a, l->r, l->n * sizeof(*a));
		if (l->r != l->stack)
			free(l->r);
		l->r = a;
		l->cap *= 2;
	}
	l->r[l->n++] = r;
}

/* One walk: the best hard rule; soft rules that could beat it go to @soft
 * (NULL: they are passed over). */
static const struct wft_cls_rule *walk(const struct wft_cls *cls,
				       const struct wft_flow *flow,
				       struct wft_flow_wc *wc,
				       struct soft_list *soft)
{
	struct cls_trie_ctx tctx[CLS_N_TRIES];
	const struct wft_cls_rule *hard = NULL, *r;
	size_t i;
	int t;

	for (t = 0; t < CLS_N_TRIES; t++)
		tctx[t].done = false;
	for (i = 0; i < cls->n_subtables; i++) {
		const struct cls_subtable *st = cls->subtables[i];

		if (hard && st->max_priority <= hard->priority)
			break;
		r = wft_cls_subtable_lookup(cls, st, flow, wc, tctx);
		for (; r; r = r->same) {
			if (hard && r->priority <= hard->priority)
				break;
			if (!r->n_conjs) {
				hard = r;
				break;
			}
			if (soft)
				soft_push(soft, r);
		}
	}
	return hard;
}

static int by_priority_desc(const void *a, const void *b)
{
	const struct wft_cls_rule *x = *(const struct wft_cls_rule *const *)a;
	const struct wft_cls_rule *y = *(const struct wft_cls_rule *const *)b;

	return (x->priority < y->priority) - (x->priority > y->priority);
}

/* The clauses of one id (and clause count) covered at one priority. */
struct clause_set {
	uint32_t id;
	uint8_t n_clauses;
	uint64_t have;
};

static int by_id(const void *a, const void *b)
{
	const struct clause_set *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static uint64_t all_clauses(unsigned int n)
{
	return n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
}

/* The clause sets of the soft rules @r[0..@n), into @sets (room for every
 * conjunction); returns how many. */
static size_t gather(const struct wft_cls_rule **r, size_t n,
		     struct clause_set *sets)
{
	size_t i, j, k, n_sets = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < r[i]->n_conjs; j++) {
			const struct wft_cls_conj *c = &r[i]->conjs[j];

			for (k = 0; k < n_sets; k++)
				if (sets[k].id == c->id &&
				    sets[k].n_clauses == c->n_clauses)
					break;
			if (k == n_sets) {
				sets[k].id = c->id;
				sets[k].n_clauses = c->n_clauses;
				sets[k].have = 0;
				n_sets++;
			}
			if (c->clause >= 1 && c->clause <= c->n_clauses)
				sets[k].have |= UINT64_C(1) << (c->clause - 1);
		}
	}
	qsort(sets, n_sets, sizeof(*sets), by_id);
	return n_sets;
}

/* The conj_id rule for a complete id at one priority group, or NULL. */
static const struct wft_cls_rule *
try_group(const struct wft_cls *cls, const struct wft_flow *flow,
	  struct wft_flow_wc *wc, const struct wft_cls_rule **r, size_t n)
{
	struct clause_set stack[SOFT_STACK], *sets = stack;
	const struct wft_cls_rule *found = NULL, *hit;
	struct wft_flow probe;
	size_t i, n_conjs = 0, n_sets;

	for (i = 0; i < n; i++)
		n_conjs += r[i]->n_conjs;
	if (n_conjs > SOFT_STACK)
		sets = wft_xmalloc(n_conjs * sizeof(*sets));
	n_sets = gather(r, n, sets);
	for (i = 0; i < n_sets && !found; i++) {
		if (sets[i].have != all_clauses(sets[i].n_clauses))
			continue;
		probe = *flow;
		probe.conj_id = htonl(sets[i].id);
		hit = walk(cls, &probe, wc, NULL);
		if (hit && hit->subtable->mask.masks.conj_id)
			found = hit;
	}
	if (sets != stack)
		free(sets);
	return found;
}

const struct wft_cls_rule *wft_cls_lookup_conj(const struct wft_cls *cls,
					       const struct wft_flow *flow,
					       struct wft_flow_wc *wc)
{
	const struct wft_cls_rule *hard, *found = NULL;
	struct soft_list soft;
	size_t i, j, n;

	soft.r = soft.stack;
	soft.n = 0;
	soft.cap = SOFT_STACK;
	hard = walk(cls, flow, wc, &soft);
	/* Soft rules met before a better hard rule was found lost. */
	for (i = n = 0; i < soft.n; i++)
		if (!hard || soft.r[i]->priority > hard->priority)
			soft.r[n++] = soft.r[i];
	qsort(soft.r, n, sizeof(*soft.r), by_priority_desc);
	for (i = 0; i < n && !found; i = j) {
		for (j = i + 1; j < n; j++)
			if (soft.r[j]->priority != soft.r[i]->priority)
				break;
		found = try_group(cls, flow, wc, soft.r + i, j - i);
	}
	if (soft.r != soft.stack)
		free(soft.r);
	if (wc)
		wc->masks.conj_id = 0;
	return found ? found : hard;
}
