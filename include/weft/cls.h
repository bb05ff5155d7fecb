/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classifier: a set of rules (a masked match and a priority each), and
 * a lookup that finds the highest-priority rule a flow matches while
 * recording in a mask exactly the bits of the flow it had to look at. That
 * mask becomes (part of) a datapath megaflow: the fewer bits it holds, the
 * more packets share one megaflow and the fewer upcalls the datapath makes.
 *
 * How it works (tuple space search, made mask-frugal):
 *  - one subtable per distinct mask, each a hash table of the rules'
 *    masked values; subtables are visited in decreasing order of the
 *    highest priority they hold, and the walk stops once no remaining
 *    subtable can beat the rule found;
 *  - staged lookup: a subtable's mask is split into stages (metadata and
 *    registers, then L2, then L3, then L4); each stage but the last has an
 *    index of the hashes of the rules' values up to it, so a subtable that
 *    cannot match is usually rejected after an early stage, and only the
 *    bits of the stages consulted go into the mask;
 *  - prefix tries on nw_src, nw_dst, ipv6_src and ipv6_dst: a subtable
 *    whose mask holds a prefix of length L of such a field is skipped
 *    without looking at it when no rule with an L-bit prefix matches the
 *    address, and only as many leading bits as the trie had to read to know
 *    that go into the mask;
 *  - a trie per subtable on the transport ports (tp_src, tp_dst as one
 *    32-bit word): when a subtable misses in its last stage, only the port
 *    bits needed to tell the packet's ports from every rule's go into the
 *    mask, not the whole port mask.
 *
 * Conjunctive matches (OVS's "conjunction" action and conj_id field): a
 * rule given clauses (wft_cls_rule_set_conjs()) is a "soft" rule; it is
 * never the answer itself. A lookup finds the highest-priority "hard"
 * rule H as usual, and every soft rule of a higher priority that the flow
 * matches. At the highest priority where, for some id, the soft rules
 * found cover all n clauses of that id, it looks up again with the flow's
 * conj_id set to the id (hard rules only): a rule matching conj_id=id
 * found that way is the answer, else the next complete id is tried, else
 * H. The mask gets every bit either lookup read, except conj_id itself
 * (a function of the other bits). A classifier with no soft rules takes
 * the plain lookup, unchanged.
 *
 * Concurrency: the classifier has no lock of its own. Lookups only read it,
 * so any number may run at once, but not while a rule is inserted or
 * removed; the owner serializes with a reader-writer lock (the pipeline
 * does, see pipeline.h). wft_cls_lookup() never allocates.
 */
#ifndef WEFT_CLS_H
#define WEFT_CLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/flow.h"

struct wft_cls;
struct cls_subtable;
struct cls_rule_match;

/* One conjunction(id, clause/n_clauses) of a soft rule. */
struct wft_cls_conj {
	uint32_t id;
	uint8_t clause;			/* 1..n_clauses */
	uint8_t n_clauses;		/* 2..64 */
};

/*
 * A rule, embedded in the user's own structure (see container_of-style use
 * in pipeline.c) or standalone with @aux pointing at the user's data.
 * Fill it with wft_cls_rule_init() and release it with
 * wft_cls_rule_destroy() once out of any classifier; the classifier owns
 * the fields below "private" while the rule is inserted, and never frees a
 * rule.
 *
 * The match and mask are kept compactly (a typical mask covers a handful
 * of struct wft_flow's words): read them with wft_cls_rule_get_match(),
 * compare them with wft_cls_rule_match_equal().
 */
struct wft_cls_rule {
	struct cls_rule_match *cm;	/* the match, compact (cls_private.h) */
	int priority;			/* higher wins */
	void *aux;			/* the user's, untouched */
	/* The rule's conjunctions (the user's memory; NULL: a hard rule).
	 * Set with wft_cls_rule_set_conjs(). */
	const struct wft_cls_conj *conjs;
	size_t n_conjs;

	/* Private to the classifier. */
	struct wft_cls_rule *same;	/* same match, lower priority */
	struct cls_subtable *subtable;
	uint32_t hash;
};

struct wft_cls *wft_cls_create(void);
/* Frees the classifier's own memory; rules still inserted are forgotten,
 * not freed. */
void wft_cls_destroy(struct wft_cls *cls);

/* Sets @rule's match to @match & @mask, its mask and priority (allocating
 * the compact match: a rule already initialized must be destroyed first). */
void wft_cls_rule_init(struct wft_cls_rule *rule, const struct wft_flow *match,
		       const struct wft_flow_wc *mask, int priority, void *aux);

/* Frees what wft_cls_rule_init() allocated; @rule must not be in a
 * classifier. Safe on a zeroed rule and twice. */
void wft_cls_rule_destroy(struct wft_cls_rule *rule);

/* Expands @rule's match (the value, already masked) into @match and its
 * mask into @mask; either may be NULL. */
void wft_cls_rule_get_match(const struct wft_cls_rule *rule,
			    struct wft_flow *match, struct wft_flow_wc *mask);

/* Whether @rule's match is exactly @match & @mask with mask @mask (the
 * test wft_cls_find_exact() makes, priority aside). */
bool wft_cls_rule_match_equal(const struct wft_cls_rule *rule,
			      const struct wft_flow *match,
			      const struct wft_flow_wc *mask);

/* Whether @a and @b have the same match and mask. */
bool wft_cls_rules_match_equal(const struct wft_cls_rule *a,
			       const struct wft_cls_rule *b);

/* Whether some flow could match both @a and @b (their values agree on
 * the bits both masks have). */
bool wft_cls_rules_overlap(const struct wft_cls_rule *a,
			   const struct wft_cls_rule *b);

/* Makes @rule soft with @conjs (@n of them; 0: hard again). @rule may be
 * in @cls (then under the owner's write lock) or not (@cls may be NULL). */
void wft_cls_rule_set_conjs(struct wft_cls *cls, struct wft_cls_rule *rule,
			    const struct wft_cls_conj *conjs, size_t n);

/*
 * Inserts @rule. A rule with the same match and priority is displaced and
 * returned (it is no longer in the classifier; the caller owns it), else
 * NULL.
 */
struct wft_cls_rule *wft_cls_replace(struct wft_cls *cls,
				     struct wft_cls_rule *rule);
/* Inserts @rule unless a rule with the same match and priority is there:
 * returns 0, or -EEXIST and leaves the classifier as it was. */
int wft_cls_insert(struct wft_cls *cls, struct wft_cls_rule *rule);
/* Removes @rule, which must be in @cls. */
void wft_cls_remove(struct wft_cls *cls, struct wft_cls_rule *rule);

/* The rule with exactly this match (@match & @mask) and priority, or NULL
 * (for OpenFlow's strict modify and delete). */
struct wft_cls_rule *wft_cls_find_exact(const struct wft_cls *cls,
					const struct wft_flow *match,
					const struct wft_flow_wc *mask,
					int priority);

/*
 * The highest-priority rule that @flow matches, or NULL. When @wc is not
 * NULL, ORs into it the bits of @flow the lookup depended on: every flow
 * that agrees with @flow on all of @wc's bits gets the same answer. Among
 * rules of equal priority that both match, which one wins is unspecified
 * (OpenFlow leaves it undefined too).
 */
const struct wft_cls_rule *wft_cls_lookup(const struct wft_cls *cls,
					  const struct wft_flow *flow,
					  struct wft_flow_wc *wc);

size_t wft_cls_count(const struct wft_cls *cls);
bool wft_cls_is_empty(const struct wft_cls *cls);
/* Distinct masks in use (one subtable each). */
size_t wft_cls_n_subtables(const struct wft_cls *cls);

/*
 * Every rule whose match lies within @match/@mask (OpenFlow's loose
 * matching: the rule's mask has at least @mask's bits, and the rule's value
 * agrees with @match under @mask); @mask NULL selects every rule. Returns a
 * malloc()ed array of *@n rules (NULL when none) the caller frees; the
 * array is a snapshot, so the caller may remove the rules it lists.
 */
struct wft_cls_rule **wft_cls_collect(const struct wft_cls *cls,
				      const struct wft_flow *match,
				      const struct wft_flow_wc *mask,
				      size_t *n);

/* Whether @flow matches @rule (a plain masked compare, for tests and
 * callers that already hold a rule). */
bool wft_cls_rule_matches(const struct wft_cls_rule *rule,
			  const struct wft_flow *flow);

#endif /* WEFT_CLS_H */
