// SPDX-License-Identifier: GPL-2.0
/*
 * The store behind the compiled logical flow cache (ovn_lflow_cache.h):
 * entries in a chained hash table keyed by (row UUID, datapath UUID),
 * grown as it fills, and swept of the entries a pass no longer wanted
 * (rows deleted, datapaths no longer local).
 */
#include <stdlib.h>
#include <string.h>

#include "ovn_lflow_cache.h"

void wft_ovn_crule_pack(struct wft_ovn_crule *c, struct wft_ofp_flow *f)
{
	uint64_t m[WFT_OVN_FLOW_WORDS], k[WFT_OVN_FLOW_WORDS];
	size_t i, n = 0;

	_Static_assert(sizeof(struct wft_flow) % 8 == 0, "whole words");
	memcpy(m, &f->match, sizeof(m));
	memcpy(k, &f->mask.masks, sizeof(k));
	memset(c, 0, sizeof(*c));
	for (i = 0; i < WFT_OVN_FLOW_WORDS; i++)
		if (m[i] || k[i]) {
			c->present[i / 64] |= 1ULL << (i % 64);
			n++;
		}
	c->words = wft_xmalloc((n ? n : 1) * 2 * sizeof(*c->words));
	for (i = 0, n = 0; i < WFT_OVN_FLOW_WORDS; i++)
		if (m[i] || k[i]) {
			c->words[n++] = m[i];
			c->words[n++] = k[i];
		}
	c->cookie = f->cookie;
	c->priority = f->priority;
	c->table = f->table;
	c->has_actions = f->has_actions;
	c->actions = f->actions;
	wft_ofpacts_init(&f->actions);
}

void wft_ovn_crule_unpack(const struct wft_ovn_crule *c,
			  struct wft_ofp_flow *f)
{
	uint64_t m[WFT_OVN_FLOW_WORDS] = { 0 }, k[WFT_OVN_FLOW_WORDS] = { 0 };
	size_t i, n = 0;

	wft_ofp_flow_init(f, WFT_OFPFC_ADD);
	for (i = 0; i < WFT_OVN_FLOW_WORDS; i++)
		if (c->present[i / 64] & (1ULL << (i % 64))) {
			m[i] = c->words[n++];
			k[i] = c->words[n++];
		}
	memcpy(&f->match, m, sizeof(m));
	memcpy(&f->mask.masks, k, sizeof(k));
	f->cookie = c->cookie;
	f->priority = c->priority;
	f->table = c->table;
	f->has_actions = c->has_actions;
	wft_ofpacts_clone(&f->actions, &c->actions);
}

struct wft_ovn_lcache *wft_ovn_lcache_new(void)
{
	struct wft_ovn_lcache *c = wft_xcalloc(1, sizeof(*c));

	c->n_buckets = 1024;
	c->buckets = wft_xcalloc(c->n_buckets, sizeof(*c->buckets));
	c->index = wft_ovn_dindex_new();
	return c;
}

void wft_ovn_lcache_entry_index(struct wft_ovn_lcache *c,
				struct wft_ovn_lcache_entry *e)
{
	size_t i;

	for (i = 0; i < e->n_rules; i++)
		wft_ovn_dindex_add(c->index, &e->rules[i], e, 1, (uint32_t)i);
}

void wft_ovn_lcache_entry_clear(struct wft_ovn_lcache *c,
				struct wft_ovn_lcache_entry *e)
{
	size_t i;

	for (i = 0; c && i < e->n_rules; i++)
		wft_ovn_dindex_remove(c->index, &e->rules[i]);
	if (c && e->uncached)
		c->n_uncached--;
	for (i = 0; i < e->n_rules; i++) {
		wft_ofpacts_uninit(&e->rules[i].actions);
		free(e->rules[i].words);
	}
	free(e->rules);
	e->rules = NULL;
	e->n_rules = 0;
	free(e->deps);
	e->deps = NULL;
	e->deps_len = 0;
	free(e->skip_reason);
	e->skip_reason = NULL;
	e->skipped = false;
	e->irrelevant = false;
	e->uncached = false;
}

/* @c NULL: the index goes too, nothing to take the rules out of. */
static void entry_free(struct wft_ovn_lcache *c,
		       struct wft_ovn_lcache_entry *e)
{
	wft_ovn_lcache_entry_clear(c, e);
	free(e);
}

void wft_ovn_lcache_free(struct wft_ovn_lcache *c)
{
	struct wft_ovn_lcache_entry *e, *next;
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n_buckets; i++)
		for (e = c->buckets[i]; e; e = next) {
			next = e->next;
			entry_free(NULL, e);
		}
	free(c->buckets);
	wft_ovn_dindex_free(c->index);
	free(c);
}

static size_t bucket_of(const struct wft_ovn_lcache *c,
			const struct wft_uuid *row, const struct wft_uuid *dp)
{
	uint64_t h = wft_ovn_hash_bytes(WFT_OVN_HASH_INIT, row, sizeof(*row));

	h = wft_ovn_hash_bytes(h, dp, sizeof(*dp));
	return (size_t)(h & (c->n_buckets - 1));
}

static void grow(struct wft_ovn_lcache *c)
{
	struct wft_ovn_lcache_entry **old = c->buckets, *e, *next;
	size_t n_old = c->n_buckets, i, b;

	c->n_buckets *= 2;
	c->buckets = wft_xcalloc(c->n_buckets, sizeof(*c->buckets));
	for (i = 0; i < n_old; i++)
		for (e = old[i]; e; e = next) {
			next = e->next;
			b = bucket_of(c, &e->row, &e->dp);
			e->next = c->buckets[b];
			c->buckets[b] = e;
		}
	free(old);
}

struct wft_ovn_lcache_entry *
wft_ovn_lcache_get(struct wft_ovn_lcache *c, const struct wft_uuid *row,
		   const struct wft_uuid *dp, bool *created)
{
	size_t b = bucket_of(c, row, dp);
	struct wft_ovn_lcache_entry *e;

	for (e = c->buckets[b]; e; e = e->next)
		if (!wft_uuid_cmp(&e->row, row) && !wft_uuid_cmp(&e->dp, dp)) {
			*created = false;
			return e;
		}
	if (c->n >= c->n_buckets) {
		grow(c);
		b = bucket_of(c, row, dp);
	}
	e = wft_xcalloc(1, sizeof(*e));
	e->row = *row;
	e->dp = *dp;
	/* Conjunction ids: 256 per entry (lflow.h), never 0; a counter
	 * that wraps only after 16 million entries were made. */
	c->conj_next += 256;
	if (!c->conj_next)
		c->conj_next = 256;
	e->conj_base = c->conj_next;
	e->next = c->buckets[b];
	c->buckets[b] = e;
	c->n++;
	*created = true;
	return e;
}

struct wft_ovn_lcache_entry *
wft_ovn_lcache_find(struct wft_ovn_lcache *c, const struct wft_uuid *row,
		    const struct wft_uuid *dp)
{
	struct wft_ovn_lcache_entry *e;

	for (e = c->buckets[bucket_of(c, row, dp)]; e; e = e->next)
		if (!wft_uuid_cmp(&e->row, row) && !wft_uuid_cmp(&e->dp, dp))
			return e;
	return NULL;
}

void wft_ovn_lcache_drop(struct wft_ovn_lcache *c,
			 struct wft_ovn_lcache_entry *e)
{
	struct wft_ovn_lcache_entry **pe = &c->buckets[bucket_of(c, &e->row,
								  &e->dp)];

	while (*pe != e)
		pe = &(*pe)->next;
	*pe = e->next;
	entry_free(c, e);
	c->n--;
}

size_t wft_ovn_lcache_sweep(struct wft_ovn_lcache *c, unsigned long pass)
{
	struct wft_ovn_lcache_entry **pe, *e;
	size_t i, dropped = 0;

	for (i = 0; i < c->n_buckets; i++)
		for (pe = &c->buckets[i]; (e = *pe);) {
			if (e->pass == pass) {
				pe = &e->next;
				continue;
			}
			*pe = e->next;
			entry_free(c, e);
			c->n--;
			dropped++;
		}
	return dropped;
}

size_t wft_ovn_lcache_rules(const struct wft_ovn_lcache *c)
{
	const struct wft_ovn_lcache_entry *e;
	size_t i, n = 0;

	for (i = 0; i < c->n_buckets; i++)
		for (e = c->buckets[i]; e; e = e->next)
			n += e->n_rules;
	return n;
}
