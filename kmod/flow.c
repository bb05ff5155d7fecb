// SPDX-License-Identifier: GPL-2.0
/*
 * Flows: their memory (a kmem_cache) and their per-CPU statistics. The
 * table that indexes them is flow_table.c.
 *
 * Each CPU counts into its own weft_flow_stats under a spinlock that only
 * that CPU's packet path and the (rare) readers and clearers from netlink
 * take, so the lock is uncontended on the packet path and a clear never
 * races with a half-done update. CPU 0's stats are part of the flow; the
 * others come from a kmem_cache on the first packet a CPU counts, so an
 * install costs one slab allocation, not a percpu one. A CPU that cannot
 * get its own stats shares CPU 0's, which the lock makes safe.
 */

#include <linux/if_vlan.h>
#include <linux/slab.h>

#include "actions.h"
#include "flow_table.h"

static struct kmem_cache *flow_cache;
static struct kmem_cache *stats_cache;

/**
 * weft_flow_alloc() - a zeroed flow whose only stats are its own stats0.
 *
 * Return: the flow, or ERR_PTR(-ENOMEM).
 */
struct weft_flow *weft_flow_alloc(void)
{
	struct weft_flow *flow = kmem_cache_zalloc(flow_cache, GFP_KERNEL);

	if (!flow)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&flow->stats0.lock);
	RCU_INIT_POINTER(flow->stats[0], &flow->stats0);
	return flow;
}

static void flow_free_now(struct weft_flow *flow)
{
	struct weft_flow_actions *acts = rcu_dereference_raw(flow->acts);
	struct weft_flow_stats *stats;
	int cpu;

	if (acts)
		weft_actions_free(acts);
	for_each_possible_cpu(cpu) {
		stats = rcu_dereference_raw(flow->stats[cpu]);
		if (stats && stats != &flow->stats0)
			kmem_cache_free(stats_cache, stats);
	}
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

/*
 * The stats this CPU counts into: its own, allocated here on its first
 * packet, or the flow's stats0 when that allocation fails (tried again on
 * the next packet). BH is disabled, so this CPU is the only writer of its
 * slot; rcu_assign_pointer() publishes the initialized stats to readers.
 */
static struct weft_flow_stats *flow_stats_this_cpu(struct weft_flow *flow)
{
	unsigned int cpu = smp_processor_id();
	struct weft_flow_stats *stats = rcu_dereference(flow->stats[cpu]);

	if (likely(stats))
		return stats;
	stats = kmem_cache_alloc_node(stats_cache, GFP_NOWAIT | __GFP_NOWARN |
				      __GFP_THISNODE | __GFP_ZERO,
				      numa_node_id());
	if (!stats)
		return &flow->stats0;
	spin_lock_init(&stats->lock);
	rcu_assign_pointer(flow->stats[cpu], stats);
	return stats;
}

void weft_flow_stats_update(struct weft_flow *flow, __be16 tcp_flags,
			    const struct sk_buff *skb)
{
	struct weft_flow_stats *stats = flow_stats_this_cpu(flow);
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
	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		stats = rcu_dereference(flow->stats[cpu]);
		if (!stats)
			continue;
		spin_lock_bh(&stats->lock);
		if (stats->used && (!*used || time_after(stats->used, *used)))
			*used = stats->used;
		*packets += stats->packets;
		*bytes += stats->bytes;
		*tcp_flags |= stats->tcp_flags;
		spin_unlock_bh(&stats->lock);
	}
	rcu_read_unlock();
}

void weft_flow_stats_clear(struct weft_flow *flow)
{
	struct weft_flow_stats *stats;
	int cpu;

	rcu_read_lock();
	for_each_possible_cpu(cpu) {
		stats = rcu_dereference(flow->stats[cpu]);
		if (!stats)
			continue;
		spin_lock_bh(&stats->lock);
		stats->used = 0;
		stats->packets = 0;
		stats->bytes = 0;
		stats->tcp_flags = 0;
		spin_unlock_bh(&stats->lock);
	}
	rcu_read_unlock();
}

int weft_flow_cache_init(void)
{
	flow_cache = kmem_cache_create("weft_flow",
				       struct_size_t(struct weft_flow, stats,
						     nr_cpu_ids),
				       0, 0, NULL);
	if (!flow_cache)
		return -ENOMEM;
	/* Cache-line aligned: CPUs count into neighbouring objects. */
	stats_cache = kmem_cache_create("weft_flow_stats",
					sizeof(struct weft_flow_stats), 0,
					SLAB_HWCACHE_ALIGN, NULL);
	if (!stats_cache) {
		kmem_cache_destroy(flow_cache);
		return -ENOMEM;
	}
	return 0;
}

void weft_flow_cache_exit(void)
{
	/* Flows freed by call_rcu must be gone before their cache. */
	rcu_barrier();
	kmem_cache_destroy(stats_cache);
	kmem_cache_destroy(flow_cache);
}
