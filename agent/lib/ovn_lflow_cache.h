/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The chassis' cache of compiled logical flows (ovn_lflow_cache.c): per
 * (Logical_Flow row, local datapath), the rules the row compiled into,
 * a hash of what the compile read from the row and the datapath, and the
 * lookups it made in the rest of the SB (port names, is_chassis_resident,
 * address sets, port groups) with a hash of what they answered. A pass
 * replays an entry's lookups; the entry is compiled again only when the
 * row, the datapath or an answer changed (ovn_lflows.c).
 */
#ifndef WEFT_OVN_LFLOW_CACHE_H
#define WEFT_OVN_LFLOW_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/conf.h"
#include "weft/ofp_flow.h"
#include "weft/util.h"

/* The kinds of lookups, as the first byte of each recorded one. */
#define WFT_OVN_DEP_PORT	'P'	/* port or multicast group key */
#define WFT_OVN_DEP_RESIDENT	'R'	/* is_chassis_resident() */
#define WFT_OVN_DEP_ADDR_SET	'A'
#define WFT_OVN_DEP_PORT_GROUP	'G'
#define WFT_OVN_DEP_IO_PORT	'I'	/* tags:in_out_port's relevance */

/*
 * A rule as the cache keeps it: a struct wft_ofp_flow is 1.7 kB, mostly
 * the zeros of match and mask, so only their non-zero 64-bit words are
 * kept (a rule has a handful), with a bitmap of which ones they are.
 */
#define WFT_OVN_FLOW_WORDS (sizeof(struct wft_flow) / 8)

struct wft_ovn_crule {
	uint64_t cookie;
	uint64_t present[(WFT_OVN_FLOW_WORDS + 63) / 64];
	uint64_t *words;		/* per present word: match, mask */
	struct wft_ofpacts actions;
	uint16_t priority;
	uint8_t table;
	bool has_actions;
};

/* @f's rule into @c; @f's actions move to @c (@f is left empty). */
void wft_ovn_crule_pack(struct wft_ovn_crule *c, struct wft_ofp_flow *f);
/* @c as a flow of its own (actions copied). */
void wft_ovn_crule_unpack(const struct wft_ovn_crule *c,
			  struct wft_ofp_flow *f);

struct wft_ovn_lcache_entry {
	struct wft_uuid row, dp;
	uint64_t input;			/* hash of row columns, dp key/kind */
	uint64_t answers;		/* hash of the lookups' answers */
	char *deps;			/* "<kind><name>\0" each */
	size_t deps_len;
	uint32_t conj_base;		/* stable while the entry lives */
	bool skipped;
	bool irrelevant;		/* in_out_port not here: no rules */
	bool uncached;			/* ct_lb groups: compiled every pass */
	char *skip_reason;
	struct wft_ovn_crule *rules;
	size_t n_rules;
	unsigned long pass;		/* the last pass that wanted it */
	struct wft_ovn_lcache_entry *next;	/* in its bucket */
};

struct wft_ovn_dindex;

struct wft_ovn_lcache {
	struct wft_ovn_dindex *index;	/* the entries' rules, by key */
	struct wft_ovn_lcache_entry **buckets;
	size_t n_buckets, n;
	uint32_t conj_next;
	unsigned long pass;
	size_t n_uncached;		/* entries with e->uncached */
};

struct wft_ovn_lcache *wft_ovn_lcache_new(void);
void wft_ovn_lcache_free(struct wft_ovn_lcache *c);
/* The entry of (@row, @dp); a new, empty one (*@created) if none. */
struct wft_ovn_lcache_entry *
wft_ovn_lcache_get(struct wft_ovn_lcache *c, const struct wft_uuid *row,
		   const struct wft_uuid *dp, bool *created);
/* Forgets what @e compiled (rules, lookups, skip reason); its rules
 * leave the index. */
void wft_ovn_lcache_entry_clear(struct wft_ovn_lcache *c,
				struct wft_ovn_lcache_entry *e);
/* @e's rules, just compiled, into the index. */
void wft_ovn_lcache_entry_index(struct wft_ovn_lcache *c,
				struct wft_ovn_lcache_entry *e);
/* The entry of (@row, @dp), or NULL. */
struct wft_ovn_lcache_entry *
wft_ovn_lcache_find(struct wft_ovn_lcache *c, const struct wft_uuid *row,
		    const struct wft_uuid *dp);
/* Drops @e (its rules leave the index). */
void wft_ovn_lcache_drop(struct wft_ovn_lcache *c,
			 struct wft_ovn_lcache_entry *e);
/* Drops the entries that pass @pass did not want; returns how many. */
size_t wft_ovn_lcache_sweep(struct wft_ovn_lcache *c, unsigned long pass);
size_t wft_ovn_lcache_rules(const struct wft_ovn_lcache *c);

/*
 * The desired rules by key (ovn_desired_index.c): every contribution to
 * a (table, priority, match) rule, the merged result last installed, and
 * the keys touched since the last install.
 */
struct wft_flow_mod;

struct wft_ovn_contrib {
	const struct wft_ovn_crule *r;
	const struct wft_ovn_lcache_entry *e;	/* NULL: physical, lookup */
	int class;			/* 0 physical, 1 logical, 2 lookup */
	uint32_t order;			/* within its entry or class */
};

struct wft_ovn_dnode {
	struct wft_ovn_dnode *next, *dirty_next;
	uint64_t h;
	struct wft_ovn_crule key;	/* words owned, no actions */
	struct wft_ovn_contrib *c;
	size_t n, cap;
	bool dirty, installed;
	uint64_t inst_cookie;
	struct wft_ofpacts inst;	/* what br-int has for the key */
	unsigned long dups;
};

struct wft_ovn_dindex {
	struct wft_ovn_dnode **buckets;
	size_t n_buckets, n;
	struct wft_ovn_dnode *dirty;
	unsigned long dups;		/* of the installed nodes */
};

struct wft_ovn_dindex *wft_ovn_dindex_new(void);
void wft_ovn_dindex_free(struct wft_ovn_dindex *x);
void wft_ovn_dindex_add(struct wft_ovn_dindex *x, const struct wft_ovn_crule *r,
			const struct wft_ovn_lcache_entry *e, int class,
			uint32_t order);
void wft_ovn_dindex_remove(struct wft_ovn_dindex *x,
			   const struct wft_ovn_crule *r);
/* Every key's merged rule into *@rulesp (malloc'ed); returns how many,
 * *@dups the duplicates. Nothing is marked installed. */
size_t wft_ovn_dindex_all(struct wft_ovn_dindex *x,
			  struct wft_ofp_flow **rulesp, unsigned long *dups);
/* After wft_ovn_dindex_all()'s rules were installed in full. */
void wft_ovn_dindex_installed_all(struct wft_ovn_dindex *x);
/* The flow_mods (*@fmsp, malloc'ed; their actions point into the index
 * until its next change) that bring br-int from the last install to the
 * keys touched since; returns how many. */
size_t wft_ovn_dindex_flush(struct wft_ovn_dindex *x,
			    struct wft_flow_mod **fmsp, size_t *added,
			    size_t *deleted, size_t *modified);

/* FNV-1a, 64 bits, for the input and answer hashes. */
static inline uint64_t wft_ovn_hash_bytes(uint64_t h, const void *p,
					  size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

static inline uint64_t wft_ovn_hash_str(uint64_t h, const char *s)
{
	/* The terminator too: "ab"+"c" differs from "a"+"bc". */
	for (;; s++) {
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
		if (!*s)
			return h;
	}
}

#define WFT_OVN_HASH_INIT 0xcbf29ce484222325ULL

#endif /* WEFT_OVN_LFLOW_CACHE_H */
