// SPDX-License-Identifier: GPL-2.0
/*
 * The chassis' desired rules kept from pass to pass (ovn_lflow_cache.h):
 * one node per OpenFlow rule key (table, priority, match), holding every
 * rule that contributes to it (a cached logical flow's, a physical or a
 * lookup table's) and what the node last put on br-int. A pass adds and
 * removes contributions as rows are compiled again or go; only the nodes
 * touched are merged again and, if their result changed, installed as
 * one flow_mod each, instead of the whole set diffed against the bridge.
 *
 * The merge is ovn_desired.c's: rules of one key whose actions are only
 * conjunctions get them joined; otherwise the first rule stands and the
 * other differing ones count as duplicates. "First" is a fixed order
 * (physical, then logical by row and datapath UUID, then lookup), so the
 * result does not depend on the order rows were compiled in.
 */
#include <stdlib.h>
#include <string.h>

#include "weft/pipeline.h"
#include "weft/util.h"

#include "ovn_lflow_cache.h"

static uint64_t key_hash(const struct wft_ovn_crule *r)
{
	uint64_t h = wft_ovn_hash_bytes(WFT_OVN_HASH_INIT, &r->table, 1);
	size_t n = 0, i;

	h = wft_ovn_hash_bytes(h, &r->priority, sizeof(r->priority));
	h = wft_ovn_hash_bytes(h, r->present, sizeof(r->present));
	for (i = 0; i < WFT_ARRAY_SIZE(r->present); i++)
		n += (size_t)__builtin_popcountll(r->present[i]);
	return wft_ovn_hash_bytes(h, r->words, 2 * n * sizeof(*r->words));
}

static size_t n_words(const struct wft_ovn_crule *r)
{
	size_t n = 0, i;

	for (i = 0; i < WFT_ARRAY_SIZE(r->present); i++)
		n += (size_t)__builtin_popcountll(r->present[i]);
	return 2 * n;
}

static bool key_equal(const struct wft_ovn_crule *a,
		      const struct wft_ovn_crule *b)
{
	return a->table == b->table && a->priority == b->priority &&
	       !memcmp(a->present, b->present, sizeof(a->present)) &&
	       !memcmp(a->words, b->words, n_words(a) * sizeof(*a->words));
}

struct wft_ovn_dindex *wft_ovn_dindex_new(void)
{
	struct wft_ovn_dindex *x = wft_xcalloc(1, sizeof(*x));

	x->n_buckets = 4096;
	x->buckets = wft_xcalloc(x->n_buckets, sizeof(*x->buckets));
	return x;
}

static void node_free(struct wft_ovn_dnode *d)
{
	free(d->key.words);
	free(d->c);
	wft_ofpacts_uninit(&d->inst);
	free(d);
}

void wft_ovn_dindex_free(struct wft_ovn_dindex *x)
{
	struct wft_ovn_dnode *d, *next;
	size_t i;

	if (!x)
		return;
	for (i = 0; i < x->n_buckets; i++)
		for (d = x->buckets[i]; d; d = next) {
			next = d->next;
			node_free(d);
		}
	free(x->buckets);
	free(x);
}

static void grow(struct wft_ovn_dindex *x)
{
	struct wft_ovn_dnode **old = x->buckets, *d, *next;
	size_t n_old = x->n_buckets, i, b;

	x->n_buckets *= 2;
	x->buckets = wft_xcalloc(x->n_buckets, sizeof(*x->buckets));
	for (i = 0; i < n_old; i++)
		for (d = old[i]; d; d = next) {
			next = d->next;
			b = (size_t)d->h & (x->n_buckets - 1);
			d->next = x->buckets[b];
			x->buckets[b] = d;
		}
	free(old);
}

static void mark_dirty(struct wft_ovn_dindex *x, struct wft_ovn_dnode *d)
{
	if (d->dirty)
		return;
	d->dirty = true;
	d->dirty_next = x->dirty;
	x->dirty = d;
}

static struct wft_ovn_dnode *node_of(struct wft_ovn_dindex *x,
				     const struct wft_ovn_crule *r,
				     bool create)
{
	uint64_t h = key_hash(r);
	struct wft_ovn_dnode *d;
	size_t b = (size_t)h & (x->n_buckets - 1), n;

	for (d = x->buckets[b]; d; d = d->next)
		if (d->h == h && key_equal(&d->key, r))
			return d;
	if (!create)
		return NULL;
	if (x->n >= x->n_buckets) {
		grow(x);
		b = (size_t)h & (x->n_buckets - 1);
	}
	d = wft_xcalloc(1, sizeof(*d));
	d->h = h;
	d->key.table = r->table;
	d->key.priority = r->priority;
	memcpy(d->key.present, r->present, sizeof(r->present));
	n = n_words(r);
	d->key.words = wft_xmalloc((n ? n : 1) * sizeof(*r->words));
	memcpy(d->key.words, r->words, n * sizeof(*r->words));
	wft_ofpacts_init(&d->inst);
	d->next = x->buckets[b];
	x->buckets[b] = d;
	x->n++;
	return d;
}

void wft_ovn_dindex_add(struct wft_ovn_dindex *x, const struct wft_ovn_crule *r,
			const struct wft_ovn_lcache_entry *e, int class,
			uint32_t order)
{
	struct wft_ovn_dnode *d = node_of(x, r, true);

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1;
		d->c = wft_xrealloc(d->c, d->cap * sizeof(*d->c));
	}
	d->c[d->n++] = (struct wft_ovn_contrib) {
		.r = r, .e = e, .class = class, .order = order,
	};
	mark_dirty(x, d);
}

void wft_ovn_dindex_remove(struct wft_ovn_dindex *x,
			   const struct wft_ovn_crule *r)
{
	struct wft_ovn_dnode *d = node_of(x, r, false);
	size_t i;

	for (i = 0; d && i < d->n; i++)
		if (d->c[i].r == r) {
			d->c[i] = d->c[--d->n];
			mark_dirty(x, d);
			return;
		}
}

static int contrib_cmp(const struct wft_ovn_contrib *a,
		       const struct wft_ovn_contrib *b)
{
	int c;

	if (a->class != b->class)
		return a->class < b->class ? -1 : 1;
	if (a->e && b->e) {
		c = wft_uuid_cmp(&a->e->row, &b->e->row);
		if (!c)
			c = wft_uuid_cmp(&a->e->dp, &b->e->dp);
		if (c)
			return c;
	}
	return a->order < b->order ? -1 : a->order > b->order;
}

/* @d's rule: its contributions merged, in their fixed order. */
static void merge(struct wft_ovn_dnode *d, struct wft_ovn_crule *out,
		  unsigned long *dups)
{
	const struct wft_ovn_contrib *first = NULL;
	size_t i, j;

	*dups = 0;
	/* Insertion sort: a key has one contribution, rarely a few. */
	for (i = 1; i < d->n; i++) {
		struct wft_ovn_contrib c = d->c[i];

		for (j = i; j > 0 && contrib_cmp(&c, &d->c[j - 1]) < 0; j--)
			d->c[j] = d->c[j - 1];
		d->c[j] = c;
	}
	first = &d->c[0];
	*out = *first->r;
	wft_ofpacts_clone(&out->actions, &first->r->actions);
	for (i = 1; i < d->n; i++) {
		const struct wft_ofpacts *b = &d->c[i].r->actions;

		if (wft_ofpacts_only_conjunctions(&out->actions) &&
		    wft_ofpacts_only_conjunctions(b))
			wft_ofpacts_join_conjunctions(&out->actions, b);
		else if (!wft_ofpacts_equal(&out->actions, b))
			(*dups)++;
	}
}

static void to_flow(const struct wft_ovn_crule *c, struct wft_ofp_flow *f)
{
	wft_ovn_crule_unpack(c, f);
}

size_t wft_ovn_dindex_all(struct wft_ovn_dindex *x,
			  struct wft_ofp_flow **rulesp, unsigned long *dupsp)
{
	struct wft_ofp_flow *rules = wft_xcalloc(x->n + 1, sizeof(*rules));
	struct wft_ovn_dnode *d;
	struct wft_ovn_crule m;
	unsigned long dups;
	size_t i, n = 0;

	*dupsp = 0;
	for (i = 0; i < x->n_buckets; i++)
		for (d = x->buckets[i]; d; d = d->next) {
			if (!d->n)
				continue;
			merge(d, &m, &dups);
			*dupsp += dups;
			to_flow(&m, &rules[n++]);
			wft_ofpacts_uninit(&m.actions);
		}
	*rulesp = rules;
	return n;
}

void wft_ovn_dindex_installed_all(struct wft_ovn_dindex *x)
{
	struct wft_ovn_dnode *d, **pd;
	struct wft_ovn_crule m;
	unsigned long dups;
	size_t i;

	x->dups = 0;
	for (i = 0; i < x->n_buckets; i++)
		for (pd = &x->buckets[i]; (d = *pd);) {
			d->dirty = false;
			if (!d->n) {
				*pd = d->next;
				node_free(d);
				x->n--;
				continue;
			}
			merge(d, &m, &dups);
			d->dups = dups;
			x->dups += dups;
			wft_ofpacts_uninit(&d->inst);
			d->inst = m.actions;
			d->inst_cookie = m.cookie;
			d->installed = true;
			pd = &d->next;
		}
	x->dirty = NULL;
}

static void unlink_node(struct wft_ovn_dindex *x, struct wft_ovn_dnode *d)
{
	struct wft_ovn_dnode **pd = &x->buckets[(size_t)d->h &
						(x->n_buckets - 1)];

	while (*pd != d)
		pd = &(*pd)->next;
	*pd = d->next;
	x->n--;
}

size_t wft_ovn_dindex_flush(struct wft_ovn_dindex *x,
			    struct wft_flow_mod **fmsp, size_t *added,
			    size_t *deleted, size_t *modified)
{
	struct wft_ovn_dnode *d, *next;
	struct wft_flow_mod *fms = NULL;
	struct wft_ofp_flow f;
	struct wft_ovn_crule m;
	size_t n = 0, cap = 0;
	unsigned long dups;

	*added = *deleted = *modified = 0;
	for (d = x->dirty; d; d = next) {
		next = d->dirty_next;
		d->dirty = false;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			fms = wft_xrealloc(fms, cap * sizeof(*fms));
		}
		if (!d->n) {
			if (d->installed) {
				to_flow(&d->key, &f);
				wft_flow_mod_init(&fms[n], WFT_FM_DELETE_STRICT);
				fms[n].table_id = f.table;
				fms[n].priority = f.priority;
				fms[n].match = f.match;
				fms[n].wc = f.mask;
				wft_ofp_flow_uninit(&f);
				n++;
				(*deleted)++;
			}
			x->dups -= d->dups;
			unlink_node(x, d);
			node_free(d);
			continue;
		}
		merge(d, &m, &dups);
		x->dups += dups - d->dups;
		d->dups = dups;
		if (d->installed && d->inst_cookie == m.cookie &&
		    wft_ofpacts_equal(&d->inst, &m.actions)) {
			wft_ofpacts_uninit(&m.actions);
			continue;
		}
		if (d->installed)
			(*modified)++;
		else
			(*added)++;
		wft_ofpacts_uninit(&d->inst);
		d->inst = m.actions;
		d->inst_cookie = m.cookie;
		d->installed = true;
		to_flow(&d->key, &f);
		wft_flow_mod_init(&fms[n], WFT_FM_ADD);
		fms[n].table_id = f.table;
		fms[n].priority = f.priority;
		fms[n].match = f.match;
		fms[n].wc = f.mask;
		fms[n].cookie = d->inst_cookie;
		fms[n].actions = &d->inst;
		wft_ofp_flow_uninit(&f);
		n++;
	}
	x->dirty = NULL;
	*fmsp = fms;
	return n;
}
