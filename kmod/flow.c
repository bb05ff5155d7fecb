// SPDX-License-Identifier: GPL-2.0
/*
 * Flows: their memory (a kmem_cache) and their per-CPU statistics. The
 * table that indexes them is flow_table.c.
 *
 * Each CPU counts into its own weft_flow_stats under a spinlock that only
 * that CPU's packet path and the (rare) readers and clearers from netlink
 * take, so the lock is uncontended on the packet path and a clear never
 * races with a half-done update.
 */

#include <linux/if_vlan.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "actions.h"
#include "flow_table.h"

static struct kmem_cache *flow_cache;

struct weft_flow *weft_flow_alloc(void)
{
	struct weft_flow *flow = kmem_cache_zalloc(flow_cache, GFP_KERNEL);
	int cpu;

	if (!flow)
		return ERR_PTR(-ENOMEM);
	flow->stats = alloc_percpu(struct weft_flow_stats);
	if (!flow->stats) {
		kmem_cache_free(flow_cache, flow);
		return ERR_PTR(-ENOMEM);
	}
	for_each_possible_cpu(cpu)
		spin_lock_init(&per_cpu_ptr(flow->stats, cpu)->lock);
	return flow;
}

static void flow_free_now(struct weft_flow *flow)
{
	struct weft_flow_actions *acts = rcu_dereference_raw(flow->acts);

	if (acts)
		weft_actions_free(acts);
	free_percpu(flow->stats);
	kmem_cache_free(flow_cache, flow);
}

static void flow_free_rcu(struct rcu_head *rcu)
{
	flow_free_now(container_of(rcu, struct weft_flow, rcu));
}

void weft_flow_free(struct weft_flow *flow, bool deferred)
{
	if (!flow)
		return;
	if (deferred)
		call_rcu(&flow->rcu, flow_free_rcu);
	else
		flow_free_now(flow);
}

void weft_flow_stats_update(struct weft_flow *flow, __be16 tcp_flags,
			    const struct sk_buff *skb)
{
	struct weft_flow_stats *stats = this_cpu_ptr(flow->stats);
	/* Count the tag the NIC stripped, as it was on the wire. */
	unsigned int len = skb->len +
			   (skb_vlan_tag_present(skb) ? VLAN_HLEN : 0);

	spin_lock(&stats->lock);
	stats->used = jiffies;
	stats->packets++;
	stats->bytes += len;
	stats->tcp_flags |= tcp_flags;
	spin_unlock(&stats->lock);
}

void weft_flow_stats_get(const struct weft_flow *flow, u64 *packets,
			 u64 *bytes, unsigned long *used, __be16 *tcp_flags)
{
	struct weft_flow_stats *stats;
	int cpu;

	*packets = 0;
	*bytes = 0;
	*used = 0;
	*tcp_flags = 0;
	for_each_possible_cpu(cpu) {
		stats = per_cpu_ptr(flow->stats, cpu);
		spin_lock_bh(&stats->lock);
		if (stats->used && (!*used || time_after(stats->used, *used)))
			*used = stats->used;
		*packets += stats->packets;
		*bytes += stats->bytes;
		*tcp_flags |= stats->tcp_flags;
		spin_unlock_bh(&stats->lock);
	}
}

void weft_flow_stats_clear(struct weft_flow *flow)
{
	struct weft_flow_stats *stats;
	int cpu;

	for_each_possible_cpu(cpu) {
		stats = per_cpu_ptr(flow->stats, cpu);
		spin_lock_bh(&stats->lock);
		stats->used = 0;
		stats->packets = 0;
		stats->bytes = 0;
		stats->tcp_flags = 0;
		spin_unlock_bh(&stats->lock);
	}
}

int weft_flow_cache_init(void)
{
	flow_cache = kmem_cache_create("weft_flow", sizeof(struct weft_flow),
				       0, 0, NULL);
	return flow_cache ? 0 : -ENOMEM;
}

void weft_flow_cache_exit(void)
{
	/* Flows freed by call_rcu must be gone before their cache. */
	rcu_barrier();
	kmem_cache_destroy(flow_cache);
}
