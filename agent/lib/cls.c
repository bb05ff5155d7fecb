// SPDX-License-Identifier: GPL-2.0
/*
 * The classifier (include/weft/cls.h): rules, subtables, inserts and
 * removals, exact finds and loose collection. The lookup is in
 * cls_lookup.c, the tries in cls_trie.c, a rule's compact match in
 * cls_rule.c.
 *
 * A subtable's hash table holds one "head" per distinct masked value; rules
 * with the same value and lower priorities hang off it through ->same,
 * highest priority first, so a lookup needs only the head. The stage
 * indices count heads, the tries count rules.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <arpa/inet.h>

#include "cls_private.h"
#include "weft/util.h"

void *wft_cls_xzalloc(size_t n)
{
	return wft_xcalloc(1, n ? n : 1);
}

struct wft_cls *wft_cls_create(void)
{
	struct wft_cls *cls = wft_cls_xzalloc(sizeof(*cls));
	int t;

	for (t = 0; t < CLS_N_TRIES; t++)
		wft_cls_trie_init(&cls->tries[t],
				  wft_cls_trie_fields[t].n_bits);
	cls->by_mask = wft_cls_xzalloc(16 * sizeof(*cls->by_mask));
	cls->by_mask_mask = 15;
	return cls;
}

static void subtable_free(struct cls_subtable *st)
{
	int s;

	for (s = 0; s < CLS_N_STAGES - 1; s++)
		wft_cls_hset_destroy(&st->stage_index[s]);
	wft_cls_trie_destroy(&st->ports_trie);
	free(st->slots);
	free(st);
}

void wft_cls_destroy(struct wft_cls *cls)
{
	size_t i;
	int t;

	if (!cls)
		return;
	for (i = 0; i < cls->n_subtables; i++)
		subtable_free(cls->subtables[i]);
	for (t = 0; t < CLS_N_TRIES; t++)
		wft_cls_trie_destroy(&cls->tries[t]);
	free(cls->subtables);
	free(cls->by_mask);
	free(cls);
}

size_t wft_cls_count(const struct wft_cls *cls)
{
	return cls->n_rules;
}

bool wft_cls_is_empty(const struct wft_cls *cls)
{
	return !cls->n_rules;
}

size_t wft_cls_n_subtables(const struct wft_cls *cls)
{
	return cls->n_subtables;
}

/* Subtables: creation from a mask. */

static void subtable_init_words(struct cls_subtable *st)
{
	const cls_word *m = cls_words(&st->mask.masks);
	int w, last = -1;

	for (w = 0; w < CLS_N_WORDS; w++) {
		int stage = cls_stage_of_word(w);

		if (!m[w])
			continue;
		if (stage != last) {
			if (st->n_stages)
				st->stage_end[st->n_stages - 1] = st->n_words;
			st->n_stages++;
			last = stage;
		}
		if (w == CLS_WORD(tp_src)) {
			st->ports_pos = st->n_words;
			st->ports_plen =
				(uint8_t)(32 - __builtin_ctz(ntohl(m[w])));
		}
		st->idx[st->n_words] = (uint8_t)w;
		st->mwords[st->n_words++] = m[w];
	}
	if (st->n_stages)
		st->stage_end[st->n_stages - 1] = st->n_words;
}

/* The tries a subtable can use, and the stage at whose start each is
 * checked: the one holding the field. */
static void subtable_init_tries(struct cls_subtable *st)
{
	const uint8_t *m = (const uint8_t *)&st->mask.masks;
	int t, s;

	for (t = 0; t < CLS_N_TRIES; t++) {
		const struct cls_trie_field *f = &wft_cls_trie_fields[t];
		int plen = wft_cls_prefix_len(m + f->offset, f->n_bits / 8);
		int w = f->offset / 4;

		if (plen <= 0)
			continue;
		st->trie_plen[t] = (int16_t)plen;
		for (s = 0; s < st->n_stages; s++) {
			if (st->idx[st->stage_end[s] - 1] >= w) {
				st->stage_tries[s] |= (uint8_t)(1u << t);
				break;
			}
		}
	}
}

static struct cls_subtable *subtable_create(const struct wft_flow_wc *mask,
					    uint32_t mask_hash)
{
	struct cls_subtable *st = wft_cls_xzalloc(sizeof(*st));
	int s;

	st->mask = *mask;
	st->mask_hash = mask_hash;
	st->ports_pos = -1;
	subtable_init_words(st);
	subtable_init_tries(st);
	wft_cls_trie_init(&st->ports_trie, 32);
	for (s = 0; s < CLS_N_STAGES - 1; s++)
		wft_cls_hset_init(&st->stage_index[s]);
	st->slots = wft_cls_xzalloc(8 * sizeof(*st->slots));
	st->slot_mask = 7;
	st->max_priority = INT_MIN;
	return st;
}

static uint32_t mask_hash(const struct wft_flow_wc *mask)
{
	return wft_flow_hash(&mask->masks, NULL, 0x5eed);
}

static struct cls_subtable *find_subtable(const struct wft_cls *cls,
					  const struct wft_flow_wc *mask,
					  uint32_t hash)
{
	struct cls_subtable *st;

	for (st = cls->by_mask[hash & cls->by_mask_mask]; st; st = st->hnext)
		if (st->mask_hash == hash &&
		    !memcmp(&st->mask, mask, sizeof(*mask)))
			return st;
	return NULL;
}

static void by_mask_grow(struct wft_cls *cls)
{
	size_t old = cls->by_mask_mask + 1, i;
	struct cls_subtable **b = cls->by_mask, *st, *next;

	cls->by_mask = wft_cls_xzalloc(old * 2 * sizeof(*cls->by_mask));
	cls->by_mask_mask = old * 2 - 1;
	for (i = 0; i < old; i++) {
		for (st = b[i]; st; st = next) {
			size_t h = st->mask_hash & cls->by_mask_mask;

			next = st->hnext;
			st->hnext = cls->by_mask[h];
			cls->by_mask[h] = st;
		}
	}
	free(b);
}

/* The subtable list is kept in decreasing max_priority order. */
static void sorted_swap(struct wft_cls *cls, size_t a, size_t b)
{
	struct cls_subtable *t = cls->subtables[a];

	cls->subtables[a] = cls->subtables[b];
	cls->subtables[b] = t;
	cls->subtables[a]->pos = a;
	cls->subtables[b]->pos = b;
}

static void subtable_reposition(struct wft_cls *cls, struct cls_subtable *st)
{
	while (st->pos > 0 &&
	       cls->subtables[st->pos - 1]->max_priority < st->max_priority)
		sorted_swap(cls, st->pos - 1, st->pos);
	while (st->pos + 1 < cls->n_subtables &&
	       cls->subtables[st->pos + 1]->max_priority > st->max_priority)
		sorted_swap(cls, st->pos, st->pos + 1);
}

static struct cls_subtable *subtable_get(struct wft_cls *cls,
					 const struct wft_flow_wc *mask)
{
	uint32_t hash = mask_hash(mask);
	struct cls_subtable *st = find_subtable(cls, mask, hash);

	if (st)
		return st;
	st = subtable_create(mask, hash);
	if (cls->n_subtables >= cls->by_mask_mask + 1)
		by_mask_grow(cls);
	st->hnext = cls->by_mask[hash & cls->by_mask_mask];
	cls->by_mask[hash & cls->by_mask_mask] = st;
	if (cls->n_subtables == cls->allocated) {
		size_t n = cls->allocated ? cls->allocated * 2 : 8;
		struct cls_subtable **a = wft_cls_xzalloc(n * sizeof(*a));

		if (cls->n_subtables)
			memcpy(a, cls->subtables,
			       cls->n_subtables * sizeof(*a));
		free(cls->subtables);
		cls->subtables = a;
		cls->allocated = n;
	}
	st->pos = cls->n_subtables;
	cls->subtables[cls->n_subtables++] = st;
	return st;
}

static void subtable_destroy(struct wft_cls *cls, struct cls_subtable *st)
{
	struct cls_subtable **pp;
	size_t i;

	pp = &cls->by_mask[st->mask_hash & cls->by_mask_mask];
	while (*pp != st)
		pp = &(*pp)->hnext;
	*pp = st->hnext;
	for (i = st->pos; i + 1 < cls->n_subtables; i++) {
		cls->subtables[i] = cls->subtables[i + 1];
		cls->subtables[i]->pos = i;
	}
	cls->n_subtables--;
	subtable_free(st);
}

/* Rules within a subtable. */

/* A rule's values, laid out as @st's idx[] (see struct cls_rule_match). */
static inline const uint32_t *values(const struct wft_cls_rule *r)
{
	return cls_rm_values(r->cm);
}

/* The slot holding the head with @hash and values @v, or the free slot
 * that ends the probe. */
static struct cls_slot *probe(const struct cls_subtable *st, uint32_t hash,
			      const uint32_t *v)
{
	struct cls_slot *sl;
	size_t i;

	for (i = hash & st->slot_mask;; i = (i + 1) & st->slot_mask) {
		sl = &st->slots[i];
		if (!sl->head || (sl->hash == hash &&
				  !memcmp(values(sl->head), v,
					  st->n_words * sizeof(*v))))
			return sl;
	}
}

static struct wft_cls_rule *find_head(const struct cls_subtable *st,
				      uint32_t hash, const uint32_t *v)
{
	return probe(st, hash, v)->head;
}

/* Puts @new where head @old was. */
static void head_swap(struct cls_subtable *st, struct wft_cls_rule *old,
		      struct wft_cls_rule *new)
{
	probe(st, old->hash, values(old))->head = new;
}

static void slots_grow(struct cls_subtable *st)
{
	size_t old = st->slot_mask + 1, i;
	struct cls_slot *o = st->slots;

	st->slots = wft_cls_xzalloc(old * 2 * sizeof(*st->slots));
	st->slot_mask = old * 2 - 1;
	for (i = 0; i < old; i++)
		if (o[i].head)
			*probe(st, o[i].hash, values(o[i].head)) = o[i];
	free(o);
}

/* Whether slot @k lies in the cyclic interval (i, j]. */
static bool between(size_t i, size_t k, size_t j)
{
	return i <= j ? (i < k && k <= j) : (k > i || k <= j);
}

/* Empties slot @sl, pulling back later entries of its cluster that would
 * otherwise be cut off from their probe start. */
static void slot_clear(struct cls_subtable *st, struct cls_slot *sl)
{
	size_t i = (size_t)(sl - st->slots), j, k;

	sl->head = NULL;
	for (j = (i + 1) & st->slot_mask; st->slots[j].head;
	     j = (j + 1) & st->slot_mask) {
		k = st->slots[j].hash & st->slot_mask;
		if (between(i, k, j))
			continue;
		st->slots[i] = st->slots[j];
		st->slots[j].head = NULL;
		i = j;
	}
}

/* The hashes of values @v at the end of every stage but the last. */
static void stage_hashes(const struct cls_subtable *st, const uint32_t *v,
			 uint32_t *out)
{
	uint32_t h = 0;
	int s, from = 0;

	for (s = 0; s + 1 < st->n_stages; s++) {
		h = cls_hash_values(v, from, st->stage_end[s], h);
		out[s] = cls_hash_finish(h);
		from = st->stage_end[s];
	}
}

static void head_add(struct cls_subtable *st, struct wft_cls_rule *r)
{
	uint32_t sh[CLS_N_STAGES];
	struct cls_slot *sl;
	int s;

	if ((st->n_heads + 1) * 4 > (st->slot_mask + 1) * 3)
		slots_grow(st);
	sl = probe(st, r->hash, values(r));
	sl->hash = r->hash;
	sl->head = r;
	st->n_heads++;
	stage_hashes(st, values(r), sh);
	for (s = 0; s + 1 < st->n_stages; s++)
		wft_cls_hset_add(&st->stage_index[s], sh[s]);
}

static void head_del(struct cls_subtable *st, struct wft_cls_rule *r)
{
	uint32_t sh[CLS_N_STAGES];
	int s;

	slot_clear(st, probe(st, r->hash, values(r)));
	st->n_heads--;
	stage_hashes(st, values(r), sh);
	for (s = 0; s + 1 < st->n_stages; s++)
		wft_cls_hset_remove(&st->stage_index[s], sh[s]);
}

/*
 * Links @r into the same-value list of @head (highest priority first).
 * Returns the rule of equal priority it displaced, or NULL.
 */
static struct wft_cls_rule *same_insert(struct cls_subtable *st,
					struct wft_cls_rule *head,
					struct wft_cls_rule *r)
{
	struct wft_cls_rule *prev = NULL, *cur = head;

	while (cur && cur->priority > r->priority) {
		prev = cur;
		cur = cur->same;
	}
	if (cur && cur->priority == r->priority) {
		r->same = cur->same;
		if (prev)
			prev->same = r;
		else
			head_swap(st, cur, r);
		return cur;
	}
	r->same = cur;
	if (prev)
		prev->same = r;
	else
		head_swap(st, head, r);
	return NULL;
}

static uint32_t rule_hash(const struct cls_subtable *st, const uint32_t *v)
{
	return cls_hash_finish(cls_hash_values(v, 0, st->n_words, 0));
}

/* Rule counts in the tries. */
static void tries_update(struct wft_cls *cls, struct cls_subtable *st,
			 const struct wft_cls_rule *r, bool add)
{
	struct wft_flow match;
	const uint8_t *v = (const uint8_t *)&match;
	int t;

	wft_cls_rule_get_match(r, &match, NULL);
	for (t = 0; t < CLS_N_TRIES; t++) {
		const uint8_t *key = v + wft_cls_trie_fields[t].offset;

		if (!st->trie_plen[t])
			continue;
		if (add)
			wft_cls_trie_insert(&cls->tries[t], key,
					(unsigned int)st->trie_plen[t]);
		else
			wft_cls_trie_remove(&cls->tries[t], key,
					(unsigned int)st->trie_plen[t]);
	}
	if (st->ports_pos >= 0) {
		const uint8_t *key = v + offsetof(struct wft_flow, tp_src);

		if (add)
			wft_cls_trie_insert(&st->ports_trie, key,
					    st->ports_plen);
		else
			wft_cls_trie_remove(&st->ports_trie, key,
					    st->ports_plen);
	}
}

static void priority_added(struct wft_cls *cls, struct cls_subtable *st,
			   int priority)
{
	if (priority > st->max_priority) {
		st->max_priority = priority;
		st->n_max_priority = 1;
		subtable_reposition(cls, st);
	} else if (priority == st->max_priority) {
		st->n_max_priority++;
	}
}

static void priority_recompute(struct wft_cls *cls, struct cls_subtable *st)
{
	struct wft_cls_rule *h;
	size_t i;

	st->max_priority = INT_MIN;
	st->n_max_priority = 0;
	for (i = 0; i <= st->slot_mask; i++) {
		struct wft_cls_rule *r;

		/* A head is its list's highest priority. */
		h = st->slots[i].head;
		if (!h)
			continue;
		if (h->priority > st->max_priority) {
			st->max_priority = h->priority;
			st->n_max_priority = 0;
		}
		if (h->priority == st->max_priority)
			for (r = h; r && r->priority == h->priority;
			     r = r->same)
				st->n_max_priority++;
	}
	subtable_reposition(cls, st);
}

struct wft_cls_rule *wft_cls_replace(struct wft_cls *cls,
				     struct wft_cls_rule *rule)
{
	struct wft_cls_rule *head, *old = NULL;
	struct cls_subtable *st;
	struct wft_flow_wc mask;

	wft_cls_rule_get_match(rule, NULL, &mask);
	st = subtable_get(cls, &mask);
	rule->subtable = st;
	rule->hash = rule_hash(st, values(rule));
	rule->same = NULL;
	head = find_head(st, rule->hash, values(rule));
	if (head)
		old = same_insert(st, head, rule);
	else
		head_add(st, rule);
	cls->n_soft += rule->n_conjs != 0;
	if (old) {
		/* Same value and priority: the counts stand as they were. */
		cls->n_soft -= old->n_conjs != 0;
		old->subtable = NULL;
		return old;
	}
	tries_update(cls, st, rule, true);
	st->n_rules++;
	cls->n_rules++;
	priority_added(cls, st, rule->priority);
	return NULL;
}

void wft_cls_rule_set_conjs(struct wft_cls *cls, struct wft_cls_rule *rule,
			    const struct wft_cls_conj *conjs, size_t n)
{
	if (cls && rule->subtable)
		cls->n_soft += (n != 0) - (rule->n_conjs != 0);
	rule->conjs = n ? conjs : NULL;
	rule->n_conjs = n;
}

/* The rule in @st with values @v and @priority, or NULL. */
static struct wft_cls_rule *find_in(const struct cls_subtable *st,
				    const uint32_t *v, int priority)
{
	struct wft_cls_rule *r = find_head(st, rule_hash(st, v), v);

	while (r && r->priority > priority)
		r = r->same;
	return r && r->priority == priority ? r : NULL;
}

int wft_cls_insert(struct wft_cls *cls, struct wft_cls_rule *rule)
{
	struct cls_subtable *st;
	struct wft_flow_wc mask;

	wft_cls_rule_get_match(rule, NULL, &mask);
	st = find_subtable(cls, &mask, mask_hash(&mask));
	if (st && find_in(st, values(rule), rule->priority))
		return -EEXIST;
	wft_cls_replace(cls, rule);
	return 0;
}

void wft_cls_remove(struct wft_cls *cls, struct wft_cls_rule *rule)
{
	struct cls_subtable *st = rule->subtable;
	struct wft_cls_rule *head = find_head(st, rule->hash, values(rule));

	if (head == rule) {
		if (rule->same)
			head_swap(st, rule, rule->same);
		else
			head_del(st, rule);
	} else {
		while (head->same != rule)
			head = head->same;
		head->same = rule->same;
	}
	tries_update(cls, st, rule, false);
	rule->subtable = NULL;
	rule->same = NULL;
	cls->n_rules--;
	cls->n_soft -= rule->n_conjs != 0;
	if (!--st->n_rules) {
		subtable_destroy(cls, st);
		return;
	}
	if (rule->priority == st->max_priority && !--st->n_max_priority)
		priority_recompute(cls, st);
}

struct wft_cls_rule *wft_cls_find_exact(const struct wft_cls *cls,
					const struct wft_flow *match,
					const struct wft_flow_wc *mask,
					int priority)
{
	const cls_word *f = cls_words(match);
	struct wft_flow_wc m = *mask;
	uint32_t v[CLS_N_WORDS];
	struct cls_subtable *st;
	int i;

	m.masks.pad0 = m.masks.pad1 = m.masks.pad2 = m.masks.pad3 = 0;
	st = find_subtable(cls, &m, mask_hash(&m));
	if (!st)
		return NULL;
	for (i = 0; i < st->n_words; i++)
		v[i] = f[st->idx[i]] & st->mwords[i];
	return find_in(st, v, priority);
}

/* Loose collection. */

static bool mask_covers(const struct wft_flow_wc *big,
			const struct wft_flow_wc *small)
{
	const cls_word *b = cls_words(&big->masks);
	const cls_word *s = cls_words(&small->masks);
	int i;

	for (i = 0; i < CLS_N_WORDS; i++)
		if (s[i] & ~b[i])
			return false;
	return true;
}

/* Appends @r to the growing array *@out of *@n rules. */
static void push(struct wft_cls_rule ***out, size_t *n, size_t *cap,
		 struct wft_cls_rule *r)
{
	if (*n == *cap) {
		struct wft_cls_rule **a;

		*cap = *cap ? *cap * 2 : 16;
		a = wft_cls_xzalloc(*cap * sizeof(*a));
		if (*n)
			memcpy(a, *out, *n * sizeof(*a));
		free(*out);
		*out = a;
	}
	(*out)[(*n)++] = r;
}

struct wft_cls_rule **wft_cls_collect(const struct wft_cls *cls,
				      const struct wft_flow *match,
				      const struct wft_flow_wc *mask, size_t *n)
{
	struct wft_cls_rule **out = NULL, *r;
	size_t i, b, cap = 0;

	*n = 0;
	for (i = 0; i < cls->n_subtables; i++) {
		const struct cls_subtable *st = cls->subtables[i];

		if (mask && !mask_covers(&st->mask, mask))
			continue;
		for (b = 0; b <= st->slot_mask; b++)
			for (r = st->slots[b].head; r; r = r->same)
				if (!mask || wft_cls_rule_within(r, match,
								 mask))
					push(&out, n, &cap, r);
	}
	return out;
}
