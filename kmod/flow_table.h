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

struct weft_key_range {
	unsigned short start;	/* byte offsets into struct weft_flow_key */
	unsigned short end;
};

struct weft_flow_mask {
	int ref_count;
	struct rcu_head rcu;
	struct weft_key_range range;
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
		struct hlist_node node[2];
		u32 hash;
	} flow_table, ufid_table;
	struct weft_flow_key key;	/* masked */
	u8 ufid[WEFT_UFID_LEN];
	bool has_ufid;
	struct weft_flow_mask *mask;
	struct weft_flow_actions __rcu *acts;
	struct weft_flow_stats __percpu *stats;
};

struct weft_flow_table;		/* private to flow_table.c */

/** weft_flow_table_create() - Return: a new empty table or NULL. */
struct weft_flow_table *weft_flow_table_create(void);
/** weft_flow_table_destroy() - free the table and every flow (RCU-deferred). */
void weft_flow_table_destroy(struct weft_flow_table *table);

/**
 * weft_flow_table_lookup() - packet-path lookup (RCU read side).
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
/** weft_flow_table_find() - Return: the flow whose masked key and mask equal these, or NULL. */
struct weft_flow *weft_flow_table_find(struct weft_flow_table *table,
				       const struct weft_flow_key *masked_key,
				       const struct weft_flow_key *mask);
/** weft_flow_table_find_ufid() - Return: the flow with this UFID, or NULL. */
struct weft_flow *weft_flow_table_find_ufid(struct weft_flow_table *table,
					    const u8 *ufid);
/**
 * weft_flow_table_insert() - add @flow (key already masked) under @mask.
 * Return: 0, -ENOMEM.
 */
int weft_flow_table_insert(struct weft_flow_table *table,
			   struct weft_flow *flow,
			   const struct weft_flow_key *mask);
/** weft_flow_table_remove() - unlink @flow; the caller frees it with weft_flow_free(). */
void weft_flow_table_remove(struct weft_flow_table *table,
			    struct weft_flow *flow);
/** weft_flow_table_flush() - remove and free every flow. Return: 0 or -ENOMEM. */
int weft_flow_table_flush(struct weft_flow_table *table);
/**
 * weft_flow_table_dump_next() - iterate for dumps.
 * @table: the table.
 * @cursor: two words of state; zero to start.
 * Return: the next flow, or NULL at the end.
 */
struct weft_flow *weft_flow_table_dump_next(struct weft_flow_table *table,
					    u64 cursor[2]);
/** weft_flow_table_count() - Return: flows in the table. */
u32 weft_flow_table_count(const struct weft_flow_table *table);
/** weft_flow_table_mask_count() - Return: distinct masks. */
u32 weft_flow_table_mask_count(const struct weft_flow_table *table);
/** weft_flow_table_generation() - Return: a counter bumped by every change. */
u32 weft_flow_table_generation(const struct weft_flow_table *table);

/** weft_flow_alloc() - Return: a zeroed flow with stats, or ERR_PTR. */
struct weft_flow *weft_flow_alloc(void);
/** weft_flow_free() - free @flow and its actions, after a grace period if @deferred. */
void weft_flow_free(struct weft_flow *flow, bool deferred);
/** weft_flow_stats_update() - count @skb on @flow (packet path). */
void weft_flow_stats_update(struct weft_flow *flow, __be16 tcp_flags,
			    const struct sk_buff *skb);
/** weft_flow_stats_get() - sum the per-CPU stats of @flow. */
void weft_flow_stats_get(const struct weft_flow *flow, u64 *packets,
			 u64 *bytes, unsigned long *used, __be16 *tcp_flags);
/** weft_flow_stats_clear() - zero the stats of @flow. */
void weft_flow_stats_clear(struct weft_flow *flow);

int weft_flow_cache_init(void);
void weft_flow_cache_exit(void);

#endif /* _WEFT_FLOW_TABLE_H */
