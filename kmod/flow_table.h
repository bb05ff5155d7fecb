/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The megaflow table: tuple space search, one hash table per distinct mask,
 * masks kept in hit order, a per-CPU mask cache keyed by the packet hash,
 * a second index by UFID. Readers use RCU; writers hold weft_lock.
 */
#ifndef _WEFT_FLOW_TABLE_H
#define _WEFT_FLOW_TABLE_H

#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <uapi/linux/weft.h>
#include "flow_key.h"

struct weft_flow_actions;
struct weft_flow_ti;		/* one hash table instance, flow_table.c */

/* Entries of each CPU's mask cache (WEFT_DP_A_MASKS_CACHE_SIZE). */
#define WEFT_MASK_CACHE_SIZE	256

struct weft_key_range {
	unsigned short start;	/* byte offsets into struct weft_flow_key, */
	unsigned short end;	/* multiples of sizeof(long) */
};

/*
 * A distinct mask and the hash table of the flows that use it. Shared by
 * those flows (ref_count, weft_lock); freed after a grace period when the
 * last one goes.
 */
struct weft_flow_mask {
	int ref_count;
	u32 id;				/* stable order for dump cursors */
	struct weft_key_range range;	/* the bytes where key is nonzero */
	struct weft_flow_ti __rcu *ti;
	u64 __percpu *hits;		/* lookups that ended here */
	u64 hits_seen;			/* rebalance state, under mask_lock */
	u64 score;
	struct rcu_head rcu;
	struct weft_flow_key key;
};

struct weft_flow_stats {
	u64 packets;
	u64 bytes;
	unsigned long used;	/* jiffies */
	spinlock_t lock;
	__be16 tcp_flags;
};

struct weft_flow {
	struct rcu_head rcu;
	struct {
		struct hlist_node node[2];	/* by the instance's node_ver */
		u32 hash;
	} flow_table, ufid_table;
	struct weft_flow_key key;	/* masked */
	u8 ufid[WEFT_UFID_LEN];
	bool has_ufid;
	struct weft_flow_mask *mask;	/* set by weft_flow_table_insert() */
	struct weft_flow_actions __rcu *acts;
	/*
	 * CPU 0 counts into @stats0, as does any CPU whose own stats could
	 * not be allocated. Any other CPU allocates its stats[] entry on its
	 * first packet: only that CPU writes the slot, readers sum what is
	 * there. nr_cpu_ids entries (the flow cache is sized for them).
	 */
	struct weft_flow_stats stats0;
	struct weft_flow_stats __rcu *stats[];
};

struct weft_flow_table;		/* private to flow_table.c */

/** weft_flow_table_create() - Return: a new empty table or NULL. */
struct weft_flow_table *weft_flow_table_create(void);
/**
 * weft_flow_table_destroy() - free the table and every flow; memory that
 * packet-path readers may still see goes after a grace period.
 * @table: the table (weft_lock held; may sleep).
 */
void weft_flow_table_destroy(struct weft_flow_table *table);

/**
 * weft_flow_table_lookup() - packet-path lookup (RCU read side, BH disabled).
 * @table: the table.
 * @key: the packet's unmasked key.
 * @skb_hash: the packet hash, 0 if none (skips the mask cache).
 * @n_mask_hit: out: masks probed.
 * @n_cache_hit: out: 1 when the mask cache found it.
 *
 * Return: the flow or NULL.
 */
struct weft_flow *weft_flow_table_lookup(struct weft_flow_table *table,
					 const struct weft_flow_key *key,
					 u32 skb_hash, u32 *n_mask_hit,
					 u32 *n_cache_hit);
/**
 * weft_flow_table_find() - the flow installed with exactly this masked key
 * and mask (for key-addressed commands; weft_lock held).
 * @table: the table.
 * @masked_key: the key, already masked by @mask.
 * @mask: the mask.
 *
 * Return: the flow, or NULL.
 */
struct weft_flow *weft_flow_table_find(struct weft_flow_table *table,
				       const struct weft_flow_key *masked_key,
				       const struct weft_flow_key *mask);
/*
 * What weft_flow_table_find_hinted() learnt about a key and mask, for the
 * weft_flow_table_insert() that follows it under the same hold of
 * weft_lock: the mask's byte range, and the key's hash when the table had
 * an equal mask. Saves a FLOW_NEW the second scan of the mask and hash of
 * the key.
 */
struct weft_flow_hint {
	struct weft_key_range range;
	const struct weft_flow_mask *mask;	/* the equal mask, or NULL */
	u32 hash;				/* the key's, under @mask */
};

/**
 * weft_flow_table_find_hinted() - weft_flow_table_find(), filling @hint.
 * @table: the table (weft_lock held).
 * @masked_key: the key, already masked by @mask.
 * @mask: the mask.
 * @hint: out, or NULL.
 *
 * Return: the flow, or NULL.
 */
struct weft_flow *weft_flow_table_find_hinted(struct weft_flow_table *table,
					      const struct weft_flow_key *masked_key,
					      const struct weft_flow_key *mask,
					      struct weft_flow_hint *hint);
/**
 * weft_flow_table_find_ufid() - look a flow up by UFID (weft_lock or RCU).
 * @table: the table.
 * @ufid: WEFT_UFID_LEN bytes.
 *
 * Return: the flow with this UFID, or NULL.
 */
struct weft_flow *weft_flow_table_find_ufid(struct weft_flow_table *table,
					    const u8 *ufid);
/**
 * weft_flow_table_insert() - add @flow under @mask (weft_lock held).
 * @table: the table.
 * @flow: key already masked; ufid/has_ufid set. Must not be in the table
 *        yet, and no flow with the same UFID or masked key and mask may be.
 * @mask: the mask; an equal one already in the table is shared.
 * @hint: what a weft_flow_table_find_hinted() of the same key and mask
 *        filled in, with weft_lock held since; or NULL.
 *
 * Return: 0, -ENOMEM.
 */
int weft_flow_table_insert(struct weft_flow_table *table,
			   struct weft_flow *flow,
			   const struct weft_flow_key *mask,
			   const struct weft_flow_hint *hint);
/**
 * weft_flow_table_remove() - unlink @flow (weft_lock held). The caller frees
 * it with weft_flow_free(flow, true). flow->mask may be freed after a grace
 * period from here on: read it before.
 * @table: the table.
 * @flow: a flow in @table.
 */
void weft_flow_table_remove(struct weft_flow_table *table,
			    struct weft_flow *flow);
/**
 * weft_flow_table_flush() - remove and free every flow (weft_lock held).
 * @table: the table.
 *
 * Return: 0.
 */
int weft_flow_table_flush(struct weft_flow_table *table);
/**
 * weft_flow_table_dump_next() - iterate for dumps, in an order that only
 * insertions and removals change (not the hit order of the masks).
 * @table: the table (weft_lock held).
 * @cursor: two words of state; zero to start.
 *
 * Return: the next flow, or NULL at the end.
 */
struct weft_flow *weft_flow_table_dump_next(struct weft_flow_table *table,
					    u64 cursor[2]);
/** weft_flow_table_count() - @table: the table. Return: flows in it. */
u32 weft_flow_table_count(const struct weft_flow_table *table);
/** weft_flow_table_mask_count() - @table: the table. Return: distinct masks. */
u32 weft_flow_table_mask_count(const struct weft_flow_table *table);
/**
 * weft_flow_table_generation() - @table: the table.
 * Return: a counter bumped by every insert, remove and flush; never 0.
 */
u32 weft_flow_table_generation(const struct weft_flow_table *table);

/** weft_flow_alloc() - Return: a zeroed flow with stats, or ERR_PTR. */
struct weft_flow *weft_flow_alloc(void);
/**
 * weft_flow_free() - free @flow and its actions.
 * @flow: the flow, not in a table (or never inserted); NULL is ignored.
 * @deferred: after a grace period (it was visible to readers).
 */
void weft_flow_free(struct weft_flow *flow, bool deferred);
/**
 * weft_flow_stats_update() - count @skb on @flow (packet path, BH disabled).
 * @flow: the flow.
 * @tcp_flags: the packet's TCP flags (key.tp.flags), ORed in.
 * @skb: the packet; its length is counted.
 */
void weft_flow_stats_update(struct weft_flow *flow, __be16 tcp_flags,
			    const struct sk_buff *skb);
/**
 * weft_flow_stats_get() - sum the per-CPU stats of @flow.
 * @flow: the flow.
 * @packets: out.
 * @bytes: out.
 * @used: out: jiffies of the last packet, 0 if none.
 * @tcp_flags: out: OR of the TCP flags seen.
 */
void weft_flow_stats_get(const struct weft_flow *flow, u64 *packets,
			 u64 *bytes, unsigned long *used, __be16 *tcp_flags);
/** weft_flow_stats_clear() - zero the stats of @flow. @flow: the flow. */
void weft_flow_stats_clear(struct weft_flow *flow);

/** weft_flow_cache_init() - Return: 0 or -ENOMEM. */
int weft_flow_cache_init(void);
/** weft_flow_cache_exit() - waits for pending RCU frees, then destroys. */
void weft_flow_cache_exit(void);

#endif /* _WEFT_FLOW_TABLE_H */
