// SPDX-License-Identifier: GPL-2.0
/*
 * Classifier lookup (include/weft/cls.h), and what it un-wildcards.
 *
 * The mask a lookup returns must be such that every flow agreeing with the
 * looked-up flow on it gets the same answer. For each subtable visited:
 *  - rejected at stage k by the stage index: the flow's value up to stage
 *    k hashes to nothing any rule has, and so does any flow agreeing on the
 *    words of stages 0..k: those words go in;
 *  - rejected by a prefix trie: no rule with this subtable's prefix length
 *    matches the address, which depends only on the bits the trie walk
 *    read (and no more than the prefix length): those bits go in, and
 *    nothing else of the subtable;
 *  - rejected in the last stage: every word goes in, except that the ports
 *    word gets only the bits the subtable's port trie needed;
 *  - matched: every word goes in.
 * Subtables skipped because they cannot beat the rule found add nothing:
 * their verdict does not depend on the flow.
 */
#include <string.h>

#include "cls_private.h"

static inline cls_word *wc_words(struct wft_flow_wc *wc)
{
	return (cls_word *)&wc->masks;
}

/* Folds the mask words at positions [0, @to) of idx[] into @wc. */
static void fold(const struct cls_subtable *st, struct wft_flow_wc *wc, int to)
{
	cls_word *w;
	int i;

	if (!wc)
		return;
	w = wc_words(wc);
	for (i = 0; i < to; i++)
		w[st->idx[i]] |= st->mwords[i];
}

/* Whether the tries allow stage @s of @st to match; if not, un-wildcards
 * what the deciding trie read. */
static bool tries_pass(const struct wft_cls *cls, const struct cls_subtable *st,
		       int s, const struct wft_flow *flow,
		       struct wft_flow_wc *wc, struct cls_trie_ctx *tctx)
{
	unsigned int map = st->stage_tries[s];

	while (map) {
		int t = __builtin_ctz(map);
		const struct cls_trie_field *f = &wft_cls_trie_fields[t];
		unsigned int plen = (unsigned int)st->trie_plen[t];
		struct cls_trie_ctx *c = &tctx[t];

		map &= map - 1;
		if (!c->done) {
			c->checkbits = wft_cls_trie_lookup(&cls->tries[t],
					(const uint8_t *)flow + f->offset,
					&c->plens);
			c->done = true;
		}
		if (cls_plens_has(&c->plens, plen))
			continue;
		if (wc)
			wft_cls_set_prefix_bits(
				(uint8_t *)&wc->masks + f->offset,
				c->checkbits < plen ? c->checkbits : plen);
		return false;
	}
	return true;
}

static bool head_matches(const struct cls_subtable *st,
			 const struct wft_cls_rule *r,
			 const struct wft_flow *flow)
{
	const uint32_t *v = cls_rm_values(r->cm);
	const cls_word *f = cls_words(flow);
	int i;

	/* The rule's values sit at the positions of the subtable's idx[]. */
	for (i = 0; i < st->n_words; i++)
		if ((f[st->idx[i]] & st->mwords[i]) != v[i])
			return false;
	return true;
}

/* A miss in the last stage: everything but the ports, of which only what
 * tells the flow's ports apart from every rule's. */
static void fold_last_miss(const struct cls_subtable *st,
			   const struct wft_flow *flow,
			   struct wft_flow_wc *wc)
{
	struct cls_plens plens;
	uint32_t value, prefix = 0;
	unsigned int bits;
	cls_word *w;
	int i, p = st->ports_pos;

	if (!wc)
		return;
	if (p < 0) {
		fold(st, wc, st->n_words);
		return;
	}
	w = wc_words(wc);
	for (i = 0; i < st->n_words; i++)
		if (i != p)
			w[st->idx[i]] |= st->mwords[i];
	value = cls_words(flow)[st->idx[p]] & st->mwords[p];
	bits = wft_cls_trie_lookup(&st->ports_trie, (const uint8_t *)&value,
			       &plens);
	wft_cls_set_prefix_bits((uint8_t *)&prefix, bits);
	w[st->idx[p]] |= st->mwords[p] & prefix;
}

static const struct wft_cls_rule *
subtable_lookup(const struct wft_cls *cls, const struct cls_subtable *st,
		const struct wft_flow *flow, struct wft_flow_wc *wc,
		struct cls_trie_ctx *tctx)
{
	const struct cls_slot *sl;
	uint32_t h = 0;
	size_t i;
	int s, from = 0;

	for (s = 0; s < st->n_stages; s++) {
		int to = st->stage_end[s];

		if (st->stage_tries[s] &&
		    !tries_pass(cls, st, s, flow, wc, tctx))
			return NULL;
		h = cls_hash_range(st, flow, from, to, h);
		if (s + 1 < st->n_stages &&
		    !wft_cls_hset_contains(&st->stage_index[s],
				       cls_hash_finish(h))) {
			fold(st, wc, to);
			return NULL;
		}
		from = to;
	}
	h = cls_hash_finish(h);
	for (i = h & st->slot_mask; (sl = &st->slots[i])->head;
	     i = (i + 1) & st->slot_mask) {
		if (sl->hash == h && head_matches(st, sl->head, flow)) {
			fold(st, wc, st->n_words);
			return sl->head;
		}
	}
	fold_last_miss(st, flow, wc);
	return NULL;
}

/* The same for cls_conj.c; the plain lookup below keeps its own inlined
 * copy. */
const struct wft_cls_rule *
wft_cls_subtable_lookup(const struct wft_cls *cls,
			const struct cls_subtable *st,
			const struct wft_flow *flow, struct wft_flow_wc *wc,
			struct cls_trie_ctx *tctx)
{
	return subtable_lookup(cls, st, flow, wc, tctx);
}

const struct wft_cls_rule *wft_cls_lookup(const struct wft_cls *cls,
					  const struct wft_flow *flow,
					  struct wft_flow_wc *wc)
{
	struct cls_trie_ctx tctx[CLS_N_TRIES];
	const struct wft_cls_rule *best = NULL, *r;
	size_t i;
	int t;

	if (cls->n_soft)
		return wft_cls_lookup_conj(cls, flow, wc);
	for (t = 0; t < CLS_N_TRIES; t++)
		tctx[t].done = false;
	for (i = 0; i < cls->n_subtables; i++) {
		const struct cls_subtable *st = cls->subtables[i];

		/* Sorted by max_priority: nothing further can win. */
		if (best && st->max_priority <= best->priority)
			break;
		r = subtable_lookup(cls, st, flow, wc, tctx);
		if (r && (!best || r->priority > best->priority))
			best = r;
	}
	return best;
}
