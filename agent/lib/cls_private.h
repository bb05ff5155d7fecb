/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the classifier (cls.c, cls_lookup.c, cls_trie.c, cls_hset.c).
 * Not an API: include/weft/cls.h is.
 *
 * A flow is handled as big-endian 32-bit words (CLS_N_WORDS). A subtable
 * keeps the indices of its mask's nonzero words in stage order, so hashing
 * and comparing touch only the words the mask covers; a rule keeps only
 * those words of its match (struct cls_rule_match).
 */
#ifndef WEFT_CLS_PRIVATE_H
#define WEFT_CLS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "weft/cls.h"
#include "weft/flow.h"

typedef uint32_t __attribute__((may_alias)) cls_word;

#define CLS_N_WORDS	((int)(sizeof(struct wft_flow) / sizeof(uint32_t)))
#define CLS_WORD(member) ((int)(offsetof(struct wft_flow, member) / 4))

/* Stages, in lookup order: each is a range of words. */
enum {
	CLS_STAGE_META,		/* registers, metadata, in_port, marks */
	CLS_STAGE_L2,		/* Ethernet, VLAN */
	CLS_STAGE_L3,		/* IP, ARP, ND */
	CLS_STAGE_L4,		/* ports, TCP flags */
	CLS_N_STAGES
};

static inline int cls_stage_of_word(int w)
{
	if (w < CLS_WORD(dl_dst))
		return CLS_STAGE_META;
	if (w < CLS_WORD(nw_src))
		return CLS_STAGE_L2;
	if (w < CLS_WORD(tp_src))
		return CLS_STAGE_L3;
	return CLS_STAGE_L4;
}

/* The address fields with a prefix trie. */
enum {
	CLS_TRIE_NW_SRC,
	CLS_TRIE_NW_DST,
	CLS_TRIE_IPV6_SRC,
	CLS_TRIE_IPV6_DST,
	CLS_N_TRIES
};

struct cls_trie_field {
	uint16_t offset;	/* in struct wft_flow */
	uint8_t n_bits;		/* 32 or 128 */
};

extern const struct cls_trie_field wft_cls_trie_fields[CLS_N_TRIES];

/* A path-compressed binary trie of prefixes of up to 128 bits. */
struct cls_trie_node {
	uint8_t bits[16];	/* the prefix from the root; bits past plen 0 */
	uint8_t plen;		/* its length */
	uint32_t n_rules;	/* rules whose prefix ends exactly here */
	struct cls_trie_node *child[2];
};

struct cls_trie {
	struct cls_trie_node root;	/* the empty prefix, always there */
	uint8_t n_bits;			/* width of the keys */
};

/* Which prefix lengths (0..128) matched, as a bitmap. */
struct cls_plens {
	uint64_t w[3];
};

static inline bool cls_plens_has(const struct cls_plens *p, unsigned int len)
{
	return p->w[len / 64] >> (len % 64) & 1;
}

void wft_cls_trie_init(struct cls_trie *t, unsigned int n_bits);
void wft_cls_trie_destroy(struct cls_trie *t);
void wft_cls_trie_insert(struct cls_trie *t, const uint8_t *key,
			 unsigned int plen);
void wft_cls_trie_remove(struct cls_trie *t, const uint8_t *key,
			 unsigned int plen);
/*
 * Walks @key down the trie: sets in @plens the length of every prefix in
 * the trie that @key starts with, and returns how many leading bits of
 * @key the walk depended on (any key that agrees on them gets the same
 * @plens).
 */
unsigned int wft_cls_trie_lookup(const struct cls_trie *t,
				 const uint8_t *key, struct cls_plens *plens);

/* A multiset of 32-bit hashes (open addressing, counts per hash). */
struct cls_hset {
	uint32_t *hash;
	uint32_t *count;	/* 0: free slot */
	size_t mask;		/* slots - 1; no table while 0 and !hash */
	size_t n;		/* distinct hashes */
};

void wft_cls_hset_init(struct cls_hset *s);
void wft_cls_hset_destroy(struct cls_hset *s);
void wft_cls_hset_add(struct cls_hset *s, uint32_t h);
void wft_cls_hset_remove(struct cls_hset *s, uint32_t h);
bool wft_cls_hset_contains(const struct cls_hset *s, uint32_t h);

/*
 * A rule's match, compact: only the words its mask covers. Of @n words, in
 * increasing word order: the mask words, then the value words (already
 * masked), then the word indices (one byte each). Rules with one mask keep
 * their words at the same positions, and those are the positions of the
 * subtable's idx[] (its words in stage order, which is word order), so a
 * subtable reads value i of a rule for its word idx[i] with no mapping.
 * Two rules have the same match exactly when their blocks are equal.
 */
struct cls_rule_match {
	uint32_t n;
	uint32_t w[];
};

_Static_assert(CLS_N_WORDS <= 255, "word indices are bytes");

static inline size_t cls_rm_size(uint32_t n)
{
	return sizeof(struct cls_rule_match) + n * (2 * sizeof(uint32_t) + 1);
}

static inline const uint32_t *cls_rm_mask(const struct cls_rule_match *m)
{
	return m->w;
}

static inline const uint32_t *cls_rm_values(const struct cls_rule_match *m)
{
	return m->w + m->n;
}

static inline const uint8_t *cls_rm_idx(const struct cls_rule_match *m)
{
	return (const uint8_t *)(m->w + 2 * m->n);
}

/* A slot of a subtable's table of heads: open addressing, so that a probe
 * compares hashes without touching the rules. */
struct cls_slot {
	uint32_t hash;
	struct wft_cls_rule *head;	/* NULL: free */
};

/* One subtable: every rule whose mask is @mask. */
struct cls_subtable {
	struct wft_flow_wc mask;
	struct cls_subtable *hnext;	/* the classifier's mask hash chain */
	uint32_t mask_hash;

	uint8_t n_words;		/* nonzero words of the mask */
	uint8_t n_stages;		/* nonempty stages */
	uint8_t idx[CLS_N_WORDS];	/* their indices, in stage order */
	uint32_t mwords[CLS_N_WORDS];	/* their mask values */
	uint8_t stage_end[CLS_N_STAGES];	/* end in idx[] of each stage */
	uint8_t stage_tries[CLS_N_STAGES];	/* bitmap of tries to check */
	int16_t trie_plen[CLS_N_TRIES];	/* prefix length, or 0 */
	struct cls_hset stage_index[CLS_N_STAGES - 1];

	/* The ports word (tp_src and tp_dst), when the mask covers it. */
	int ports_pos;			/* its position in idx[], or -1 */
	uint8_t ports_plen;		/* up to the last mask bit */
	struct cls_trie ports_trie;

	/* Rules by hash of their value; same-value rules hang off a head. */
	struct cls_slot *slots;
	size_t slot_mask;		/* slots - 1 */
	size_t n_heads;
	size_t n_rules;
	int max_priority;
	size_t n_max_priority;		/* rules at max_priority */
	size_t pos;			/* in the classifier's sorted array */
};

struct wft_cls {
	/* Subtables by decreasing max_priority: the lookup order. */
	struct cls_subtable **subtables;
	size_t n_subtables, allocated;
	/* Subtables by mask, for inserts. */
	struct cls_subtable **by_mask;
	size_t by_mask_mask;
	struct cls_trie tries[CLS_N_TRIES];
	size_t n_rules;
	size_t n_soft;			/* rules with conjunctions */
};

/* Hashing of words, stage by stage: running state, then a finish. */
static inline uint32_t cls_hash_add(uint32_t h, uint32_t w)
{
	w *= 0xcc9e2d51u;
	w = (w << 15) | (w >> 17);
	w *= 0x1b873593u;
	h ^= w;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

static inline uint32_t cls_hash_finish(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

static inline const cls_word *cls_words(const struct wft_flow *f)
{
	return (const cls_word *)f;
}

/* The hash of @flow's words under subtable @st from position @from to
 * @to of idx[], continuing from @h. */
static inline uint32_t cls_hash_range(const struct cls_subtable *st,
				      const struct wft_flow *flow, int from,
				      int to, uint32_t h)
{
	const cls_word *w = cls_words(flow);

	for (int i = from; i < to; i++)
		h = cls_hash_add(h, w[st->idx[i]] & st->mwords[i]);
	return h;
}

/* The same over values already masked and laid out as idx[] (a rule's
 * compact values). */
static inline uint32_t cls_hash_values(const uint32_t *v, int from, int to,
				       uint32_t h)
{
	for (int i = from; i < to; i++)
		h = cls_hash_add(h, v[i]);
	return h;
}

/* The length of @mask's prefix when @mask (n_bytes) is a CIDR mask,
 * else -1. */
int wft_cls_prefix_len(const uint8_t *mask, unsigned int n_bytes);
/* Sets the first @n bits of the big-endian string @p. */
void wft_cls_set_prefix_bits(uint8_t *p, unsigned int n);

/* What one lookup learned from each global trie, computed on first use
 * (cls_lookup.c). */
struct cls_trie_ctx {
	bool done;
	unsigned int checkbits;
	struct cls_plens plens;
};

/* One subtable's verdict for @flow: its head rule that @flow matches, or
 * NULL; folds into @wc (may be NULL) what it read (cls_lookup.c). */
const struct wft_cls_rule *
wft_cls_subtable_lookup(const struct wft_cls *cls,
			const struct cls_subtable *st,
			const struct wft_flow *flow, struct wft_flow_wc *wc,
			struct cls_trie_ctx *tctx);

/* The lookup of a classifier that holds soft rules (cls_conj.c). */
const struct wft_cls_rule *wft_cls_lookup_conj(const struct wft_cls *cls,
					       const struct wft_flow *flow,
					       struct wft_flow_wc *wc);

/* Whether @rule's value agrees with @match under @mask, for a @mask whose
 * nonzero words @rule's mask all covers (cls_rule.c). */
bool wft_cls_rule_within(const struct wft_cls_rule *rule,
			 const struct wft_flow *match,
			 const struct wft_flow_wc *mask);

/* Allocation that cannot fail, as everywhere in weftd. */
void *wft_cls_xzalloc(size_t n);

#endif /* WEFT_CLS_PRIVATE_H */
