// SPDX-License-Identifier: GPL-2.0
/*
 * The megaflow table: tuple space search.
 *
 * Every distinct mask has its own hash table of the flows installed with
 * it, hashed and compared only over the bytes the mask covers. A packet is
 * looked up mask by mask, in the order of a mask array that a periodic
 * rebalance keeps sorted by recent hits; a small per-CPU cache remembers,
 * by packet hash, which mask the last packet of a connection matched, so
 * most packets probe one mask. A second hash table indexes flows by UFID.
 *
 * Hash table instances grow by doubling. A flow carries two list nodes per
 * index; a rehash links the flows through the node the old instance does
 * not use, so readers still walking the old instance are undisturbed.
 *
 * DOC: Locking
 * Flows, masks' reference counts and hash table instances change under
 * weft_lock. The mask array pointer and its slots change under the table's
 * mask_lock, which the writers take inside weft_lock and the rebalance work
 * takes alone (so weft_flow_table_destroy() can cancel the work while
 * holding weft_lock). Readers (the packet path, and the genl lookups here,
 * which take rcu_read_lock themselves) never lock; flows, masks, instances
 * and arrays are freed after a grace period. A reader may see a mask array
 * slot empty or its mask cache entry stale: both only cost a slower lookup.
 */

#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "datapath.h"
#include "flow_table.h"

#define TI_MIN_BUCKETS		16
#define TI_MAX_BUCKETS		(1U << 24)
#define MASK_ARRAY_MIN		16
#define MC_SHIFT		ilog2(WEFT_MASK_CACHE_SIZE)
#define MC_SEGMENTS		2	/* cache slots probed per packet */
#define REBALANCE_INTERVAL	HZ

struct weft_flow_ti {
	struct rcu_head rcu;
	u32 n_buckets;			/* a power of two */
	u32 count;
	int node_ver;			/* the flow list node this instance uses */
	/* Readers of the instance before this one are gone after this GP. */
	unsigned long gp_cookie;
	struct hlist_head buckets[];
};

struct mask_array {
	struct rcu_head rcu;
	u32 count;			/* slots in use, empty ones included */
	u32 max;
	struct weft_flow_mask __rcu *masks[];
};

struct mask_cache_entry {
	u32 skb_hash;
	u32 index;			/* into the mask array */
};

struct weft_flow_table {
	struct mask_array __rcu *masks;
	struct weft_flow_ti __rcu *ufid_ti;
	struct mask_cache_entry __percpu *mask_cache;
	struct mutex mask_lock;
	struct delayed_work rebalance;
	u32 seed;
	u32 count;
	u32 n_masks;
	u32 next_mask_id;
	u32 generation;
	struct rcu_head rcu;
};

static struct weft_flow_ti *ti_alloc(u32 n_buckets, int node_ver)
{
	struct weft_flow_ti *ti;

	ti = kvzalloc(struct_size(ti, buckets, n_buckets), GFP_KERNEL);
	if (!ti)
		return NULL;
	ti->n_buckets = n_buckets;
	ti->node_ver = node_ver;
	ti->gp_cookie = get_completed_synchronize_rcu();
	return ti;
}

static struct hlist_head *ti_bucket(struct weft_flow_ti *ti, u32 hash)
{
	return &ti->buckets[hash & (ti->n_buckets - 1)];
}

static struct hlist_node *flow_node(struct weft_flow *flow, bool ufid,
				    int ver)
{
	return ufid ? &flow->ufid_table.node[ver] : &flow->flow_table.node[ver];
}

static void ti_link(struct weft_flow_ti *ti, struct weft_flow *flow,
		    bool ufid)
{
	u32 hash = ufid ? flow->ufid_table.hash : flow->flow_table.hash;

	hlist_add_head_rcu(flow_node(flow, ufid, ti->node_ver),
			   ti_bucket(ti, hash));
}

/* A copy of @old with @n_buckets buckets, linked through the other node. */
static struct weft_flow_ti *ti_rehash(struct weft_flow_ti *old, u32 n_buckets,
				      bool ufid)
{
	int ver = old->node_ver;
	struct weft_flow_ti *ti;
	struct weft_flow *flow;
	u32 i;

	ti = ti_alloc(n_buckets, !ver);
	if (!ti)
		return NULL;
	for (i = 0; i < old->n_buckets; i++) {
		if (ufid) {
			hlist_for_each_entry(flow, &old->buckets[i],
					     ufid_table.node[ver])
				ti_link(ti, flow, true);
		} else {
			hlist_for_each_entry(flow, &old->buckets[i],
					     flow_table.node[ver])
				ti_link(ti, flow, false);
		}
	}
	ti->count = old->count;
	return ti;
}

/*
 * ti_insert() - link @flow into the instance at *@tip, doubling it (or
 * more) first when it is full. A failed doubling only makes the chains
 * longer.
 *
 * A doubling relinks the flows through the nodes that the instance before
 * this one used, so it waits until the readers of that instance are gone:
 * until then (one grace period, which the last doubling started) the flows
 * go into the full instance and a later insert doubles it. Waiting here
 * instead would hold weft_lock for a grace period per doubling.
 */
static void ti_insert(struct weft_flow_ti __rcu **tip, struct weft_flow *flow,
		      bool ufid)
{
	struct weft_flow_ti *ti, *bigger;
	u32 n;

	ti = rcu_dereference_protected(*tip, weft_lock_is_held());
	if (ti->count >= ti->n_buckets && ti->n_buckets < TI_MAX_BUCKETS &&
	    poll_state_synchronize_rcu(ti->gp_cookie)) {
		/* Past a postponed doubling, grow enough for every flow. */
		n = max_t(u32, ti->n_buckets * 2,
			  roundup_pow_of_two(ti->count + 1));
		bigger = ti_rehash(ti, min_t(u32, n, TI_MAX_BUCKETS), ufid);
		if (bigger) {
			rcu_assign_pointer(*tip, bigger);
			bigger->gp_cookie = start_poll_synchronize_rcu();
			kvfree_rcu(ti, rcu);
			ti = bigger;
		}
	}
	ti_link(ti, flow, ufid);
	ti->count++;
}

static void ti_remove(struct weft_flow_ti __rcu **tip, struct weft_flow *flow,
		      bool ufid)
{
	struct weft_flow_ti *ti;

	ti = rcu_dereference_protected(*tip, weft_lock_is_held());
	hlist_del_rcu(flow_node(flow, ufid, ti->node_ver));
	ti->count--;
}

/* The byte range where @mask is nonzero, widened to whole longs. */
static struct weft_key_range mask_range(const struct weft_flow_key *mask)
{
	const unsigned long *p = (const unsigned long *)mask;
	size_t first = 0, last = sizeof(*mask) / sizeof(long);
	struct weft_key_range range;

	/* Scanned a long at a time: the range is in whole longs anyway. */
	BUILD_BUG_ON(sizeof(*mask) % sizeof(long));
	while (first < last && !p[first])
		first++;
	while (last > first && !p[last - 1])
		last--;
	range.start = first * sizeof(long);
	range.end = last * sizeof(long);
	return range;
}

static const unsigned long *key_longs(const struct weft_flow_key *key,
				      const struct weft_key_range *range)
{
	return (const unsigned long *)((const u8 *)key + range->start);
}

/* @dst = @key & @m over the mask's range; Return: its hash. */
static u32 masked_hash(struct weft_flow_key *dst,
		       const struct weft_flow_key *key,
		       const struct weft_flow_mask *m, u32 seed)
{
	const unsigned long *k = key_longs(key, &m->range);
	const unsigned long *mk = key_longs(&m->key, &m->range);
	unsigned long *d = (unsigned long *)key_longs(dst, &m->range);
	size_t i, n = (m->range.end - m->range.start) / sizeof(long);

	for (i = 0; i < n; i++)
		d[i] = k[i] & mk[i];
	return jhash2((const u32 *)d, n * (sizeof(long) / sizeof(u32)), seed);
}

static bool range_equal(const struct weft_flow_key *a,
			const struct weft_flow_key *b,
			const struct weft_key_range *range)
{
	const unsigned long *pa = key_longs(a, range);
	const unsigned long *pb = key_longs(b, range);
	size_t i, n = (range->end - range->start) / sizeof(long);

	for (i = 0; i < n; i++)
		if (pa[i] != pb[i])
			return false;
	return true;
}

/* The flow of mask @m whose key is @masked, hashed @hash (RCU read side). */
static inline struct weft_flow *bucket_find(const struct weft_flow_mask *m,
					    const struct weft_flow_key *masked,
					    u32 hash)
{
	struct weft_flow_ti *ti = rcu_dereference(m->ti);
	struct weft_flow *flow;

	hlist_for_each_entry_rcu(flow, ti_bucket(ti, hash),
				 flow_table.node[ti->node_ver]) {
		if (flow->flow_table.hash == hash &&
		    range_equal(&flow->key, masked, &m->range))
			return flow;
	}
	return NULL;
}

/* The flow of mask @m that @key matches (RCU read side). */
static struct weft_flow *mask_lookup(const struct weft_flow_table *t,
				     const struct weft_flow_mask *m,
				     const struct weft_flow_key *key)
{
	struct weft_flow_key masked;
	u32 hash = masked_hash(&masked, key, m, t->seed);

	return bucket_find(m, &masked, hash);
}

static u32 masks_used(const struct mask_array *ma)
{
	return min(READ_ONCE(ma->count), ma->max);
}

/* Probe the masks in array order (RCU read side). */
static struct weft_flow *masks_search(const struct weft_flow_table *t,
				      const struct mask_array *ma,
				      const struct weft_flow_key *key,
				      u32 *n_mask_hit, u32 *index)
{
	u32 i, used = masks_used(ma);
	struct weft_flow_mask *m;
	struct weft_flow *flow;

	for (i = 0; i < used; i++) {
		m = rcu_dereference(ma->masks[i]);
		if (!m)
			continue;
		(*n_mask_hit)++;
		flow = mask_lookup(t, m, key);
		if (flow) {
			this_cpu_inc(*m->hits);
			*index = i;
			return flow;
		}
	}
	return NULL;
}

/* Probe only the mask a cache entry names, if it still exists. */
static struct weft_flow *cached_search(const struct weft_flow_table *t,
				       const struct mask_array *ma,
				       const struct weft_flow_key *key,
				       u32 index, u32 *n_mask_hit)
{
	struct weft_flow_mask *m;
	struct weft_flow *flow;

	if (index >= masks_used(ma))
		return NULL;
	m = rcu_dereference(ma->masks[index]);
	if (!m)
		return NULL;
	(*n_mask_hit)++;
	flow = mask_lookup(t, m, key);
	if (flow)
		this_cpu_inc(*m->hits);
	return flow;
}

struct weft_flow *weft_flow_table_lookup(struct weft_flow_table *t,
					 const struct weft_flow_key *key,
					 u32 skb_hash, u32 *n_mask_hit,
					 u32 *n_cache_hit)
{
	const struct mask_array *ma = rcu_dereference(t->masks);
	struct mask_cache_entry *cache, *e, *victim = NULL;
	struct weft_flow *flow;
	u32 seg, h, index;

	*n_mask_hit = 0;
	*n_cache_hit = 0;
	/* A recirculated packet keeps its skb hash but needs another mask
	 * (ct pipelines: recirc_id 0 matches -trk, the next pass ct_state
	 * bits): without the recirc_id in the cache key both passes would
	 * evict each other's entry and search every mask, every packet. As
	 * openvswitch.ko does. */
	if (skb_hash && key->md.recirc_id)
		skb_hash = jhash_1word(skb_hash, key->md.recirc_id);
	if (!skb_hash)
		return masks_search(t, ma, key, n_mask_hit, &index);

	/* Each packet hash owns MC_SEGMENTS candidate slots, one per slice of
	 * its bits; a new entry evicts the candidate with the lowest hash,
	 * which is as good as random and needs no state.
	 */
	cache = this_cpu_ptr(t->mask_cache);
	for (seg = 0, h = skb_hash; seg < MC_SEGMENTS; seg++, h >>= MC_SHIFT) {
		e = &cache[h & (WEFT_MASK_CACHE_SIZE - 1)];
		if (e->skb_hash == skb_hash) {
			flow = cached_search(t, ma, key, e->index, n_mask_hit);
			if (flow) {
				*n_cache_hit = 1;
				return flow;
			}
			victim = e;
			break;
		}
		if (!victim || e->skb_hash < victim->skb_hash)
			victim = e;
	}

	flow = masks_search(t, ma, key, n_mask_hit, &index);
	if (flow) {
		victim->skb_hash = skb_hash;
		victim->index = index;
	} else if (victim->skb_hash == skb_hash) {
		victim->skb_hash = 0;
	}
	return flow;
}

static struct mask_array *masks_protected(struct weft_flow_table *t)
{
	return rcu_dereference_protected(t->masks,
					 lockdep_is_held(&t->mask_lock));
}

static struct weft_flow_mask *slot_protected(struct weft_flow_table *t,
					     struct mask_array *ma, u32 i)
{
	return rcu_dereference_protected(ma->masks[i],
					 lockdep_is_held(&t->mask_lock));
}

static struct mask_array *masks_alloc(u32 max)
{
	struct mask_array *ma;

	ma = kvzalloc(struct_size(ma, masks, max), GFP_KERNEL);
	if (ma)
		ma->max = max;
	return ma;
}

/* The mask equal to @key (RCU read side, or mask_lock). */
static struct weft_flow_mask *mask_find(struct weft_flow_table *t,
					const struct mask_array *ma,
					const struct weft_flow_key *key,
					const struct weft_key_range *range)
{
	struct weft_flow_mask *m;
	u32 i, used = masks_used(ma);

	for (i = 0; i < used; i++) {
		m = rcu_dereference_check(ma->masks[i],
					  lockdep_is_held(&t->mask_lock));
		if (m && m->range.start == range->start &&
		    m->range.end == range->end &&
		    range_equal(&m->key, key, range))
			return m;
	}
	return NULL;
}

static void mask_free(struct weft_flow_mask *m)
{
	kvfree(rcu_dereference_raw(m->ti));
	free_percpu(m->hits);
	kfree(m);
}

static void mask_free_rcu(struct rcu_head *rcu)
{
	mask_free(container_of(rcu, struct weft_flow_mask, rcu));
}

static struct weft_flow_mask *mask_alloc(struct weft_flow_table *t,
					 const struct weft_flow_key *key,
					 const struct weft_key_range *range)
{
	struct weft_flow_mask *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->hits = alloc_percpu(u64);
	RCU_INIT_POINTER(m->ti, ti_alloc(TI_MIN_BUCKETS, 0));
	if (!m->hits || !rcu_access_pointer(m->ti)) {
		mask_free(m);
		return NULL;
	}
	m->key = *key;
	m->range = *range;
	m->id = t->next_mask_id++;
	return m;
}

/* Put @m in the first empty slot, growing the array if none (mask_lock). */
static int masks_add(struct weft_flow_table *t, struct weft_flow_mask *m)
{
	struct mask_array *ma = masks_protected(t), *bigger;
	u32 i;

	for (i = 0; i < ma->count; i++) {
		if (!slot_protected(t, ma, i)) {
			rcu_assign_pointer(ma->masks[i], m);
			goto added;
		}
	}
	if (ma->count == ma->max) {
		bigger = masks_alloc(ma->max * 2);
		if (!bigger)
			return -ENOMEM;
		for (i = 0; i < ma->count; i++)
			RCU_INIT_POINTER(bigger->masks[i],
					 slot_protected(t, ma, i));
		bigger->count = ma->count;
		rcu_assign_pointer(t->masks, bigger);
		kvfree_rcu(ma, rcu);
		ma = bigger;
	}
	rcu_assign_pointer(ma->masks[ma->count], m);
	/* Readers bound their walk by count: the slot is filled first. */
	smp_store_release(&ma->count, ma->count + 1);
added:
	t->n_masks++;
	return 0;
}

/* Empty @m's slot and drop trailing empty slots (mask_lock). */
static void masks_del(struct weft_flow_table *t, struct weft_flow_mask *m)
{
	struct mask_array *ma = masks_protected(t);
	u32 i, count = ma->count;

	for (i = 0; i < count; i++) {
		if (slot_protected(t, ma, i) == m) {
			RCU_INIT_POINTER(ma->masks[i], NULL);
			t->n_masks--;
			break;
		}
	}
	while (count && !slot_protected(t, ma, count - 1))
		count--;
	WRITE_ONCE(ma->count, count);
}

/* The table's mask equal to @key, created if new, with a reference. */
static struct weft_flow_mask *mask_get(struct weft_flow_table *t,
				       const struct weft_flow_key *key,
				       const struct weft_key_range *range)
{
	struct weft_flow_mask *m;

	mutex_lock(&t->mask_lock);
	m = mask_find(t, masks_protected(t), key, range);
	if (!m) {
		m = mask_alloc(t, key, range);
		if (m && masks_add(t, m)) {
			mask_free(m);
			m = NULL;
		}
	}
	if (m)
		m->ref_count++;
	mutex_unlock(&t->mask_lock);

	if (m && t->n_masks > 1)
		queue_delayed_work(system_power_efficient_wq, &t->rebalance,
				   REBALANCE_INTERVAL);
	return m;
}

static void mask_put(struct weft_flow_table *t, struct weft_flow_mask *m)
{
	if (WARN_ON_ONCE(m->ref_count <= 0) || --m->ref_count)
		return;
	mutex_lock(&t->mask_lock);
	masks_del(t, m);
	mutex_unlock(&t->mask_lock);
	call_rcu(&m->rcu, mask_free_rcu);
}

/* Hits since the last look, halved each period so old traffic fades. */
static void mask_score(struct weft_flow_mask *m)
{
	u64 hits = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		hits += *per_cpu_ptr(m->hits, cpu);
	m->score = m->score / 2 + (hits - m->hits_seen);
	m->hits_seen = hits;
}

/* A compacted copy of @ma sorted by score, highest first (mask_lock). */
static struct mask_array *masks_sorted(struct weft_flow_table *t,
				       struct mask_array *ma)
{
	struct mask_array *sorted = masks_alloc(ma->max);
	struct weft_flow_mask *m, *prev;
	u32 i, j, n = 0;

	if (!sorted)
		return NULL;
	for (i = 0; i < ma->count; i++) {
		m = slot_protected(t, ma, i);
		if (!m)
			continue;
		for (j = n; j > 0; j--) {
			prev = slot_protected(t, sorted, j - 1);
			if (prev->score >= m->score)
				break;
			RCU_INIT_POINTER(sorted->masks[j], prev);
		}
		RCU_INIT_POINTER(sorted->masks[j], m);
		n++;
	}
	sorted->count = n;
	return sorted;
}

/*
 * rebalance_work() - every REBALANCE_INTERVAL while a table has two masks
 * or more, publish a mask array in hit order if the current one is not.
 * The packet path only counts hits, per CPU.
 */
static void rebalance_work(struct work_struct *work)
{
	struct weft_flow_table *t = container_of(to_delayed_work(work),
						 struct weft_flow_table,
						 rebalance);
	struct mask_array *ma, *sorted;
	struct weft_flow_mask *m;
	bool in_order = true;
	u64 prev = U64_MAX;
	u32 i, n_masks;

	mutex_lock(&t->mask_lock);
	ma = masks_protected(t);
	for (i = 0; i < ma->count; i++) {
		m = slot_protected(t, ma, i);
		if (!m) {
			in_order = false;
			continue;
		}
		mask_score(m);
		if (m->score > prev)
			in_order = false;
		prev = m->score;
	}
	if (!in_order) {
		sorted = masks_sorted(t, ma);
		if (sorted) {
			rcu_assign_pointer(t->masks, sorted);
			kvfree_rcu(ma, rcu);
		}
	}
	n_masks = t->n_masks;
	mutex_unlock(&t->mask_lock);

	if (n_masks > 1)
		queue_delayed_work(system_power_efficient_wq, &t->rebalance,
				   REBALANCE_INTERVAL);
}

static void bump_generation(struct weft_flow_table *t)
{
	u32 gen = t->generation + 1;

	/* 0 means "no dump in progress" to the netlink consistency check. */
	WRITE_ONCE(t->generation, gen ?: 1);
}

int weft_flow_table_insert(struct weft_flow_table *t, struct weft_flow *flow,
			   const struct weft_flow_key *mask,
			   const struct weft_flow_hint *hint)
{
	struct weft_key_range range;
	struct weft_flow_key scratch;
	struct weft_flow_mask *m;

	weft_assert_locked();
	range = hint ? hint->range : mask_range(mask);
	m = mask_get(t, mask, &range);
	if (!m)
		return -ENOMEM;
	flow->mask = m;
	/*
	 * The hash depends only on the key, the mask's bits and the seed,
	 * so the find's stands whenever it probed a mask equal to @mask:
	 * this one (or one at its address with the same bits).
	 */
	if (hint && hint->mask == m)
		flow->flow_table.hash = hint->hash;
	else
		flow->flow_table.hash = masked_hash(&scratch, &flow->key, m,
						    t->seed);
	ti_insert(&m->ti, flow, false);
	if (flow->has_ufid) {
		flow->ufid_table.hash = jhash(flow->ufid, WEFT_UFID_LEN,
					      t->seed);
		ti_insert(&t->ufid_ti, flow, true);
	}
	WRITE_ONCE(t->count, t->count + 1);
	bump_generation(t);
	return 0;
}

void weft_flow_table_remove(struct weft_flow_table *t, struct weft_flow *flow)
{
	weft_assert_locked();
	ti_remove(&flow->mask->ti, flow, false);
	if (flow->has_ufid)
		ti_remove(&t->ufid_ti, flow, true);
	WRITE_ONCE(t->count, t->count - 1);
	bump_generation(t);
	mask_put(t, flow->mask);
}

/* Unlink and free every flow and mask (weft_lock). */
static void table_clear(struct weft_flow_table *t)
{
	struct weft_flow_mask *m;
	struct weft_flow_ti *ti;
	struct hlist_node *next;
	struct weft_flow *flow;
	struct mask_array *ma;
	u32 i, b;

	mutex_lock(&t->mask_lock);
	ma = masks_protected(t);
	for (i = 0; i < ma->count; i++) {
		m = slot_protected(t, ma, i);
		if (!m)
			continue;
		ti = rcu_dereference_protected(m->ti, weft_lock_is_held());
		for (b = 0; b < ti->n_buckets; b++) {
			hlist_for_each_entry_safe(flow, next, &ti->buckets[b],
						  flow_table.node[ti->node_ver]) {
				hlist_del_rcu(&flow->flow_table.node[ti->node_ver]);
				if (flow->has_ufid)
					ti_remove(&t->ufid_ti, flow, true);
				weft_flow_free(flow, true);
			}
		}
		RCU_INIT_POINTER(ma->masks[i], NULL);
		call_rcu(&m->rcu, mask_free_rcu);
	}
	WRITE_ONCE(ma->count, 0);
	t->n_masks = 0;
	WRITE_ONCE(t->count, 0);
	mutex_unlock(&t->mask_lock);
}

int weft_flow_table_flush(struct weft_flow_table *t)
{
	struct weft_flow_ti *ti, *small;

	weft_assert_locked();
	table_clear(t);
	bump_generation(t);

	/* Give back a UFID index grown for many flows, if memory allows. */
	ti = rcu_dereference_protected(t->ufid_ti, weft_lock_is_held());
	if (ti->n_buckets > TI_MIN_BUCKETS) {
		small = ti_alloc(TI_MIN_BUCKETS, 0);
		if (small) {
			rcu_assign_pointer(t->ufid_ti, small);
			kvfree_rcu(ti, rcu);
		}
	}
	return 0;
}

struct weft_flow_table *weft_flow_table_create(void)
{
	struct weft_flow_table *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	RCU_INIT_POINTER(t->masks, masks_alloc(MASK_ARRAY_MIN));
	RCU_INIT_POINTER(t->ufid_ti, ti_alloc(TI_MIN_BUCKETS, 0));
	t->mask_cache = __alloc_percpu(sizeof(struct mask_cache_entry) *
				       WEFT_MASK_CACHE_SIZE,
				       __alignof__(struct mask_cache_entry));
	if (!rcu_access_pointer(t->masks) || !rcu_access_pointer(t->ufid_ti) ||
	    !t->mask_cache) {
		kvfree(rcu_access_pointer(t->masks));
		kvfree(rcu_access_pointer(t->ufid_ti));
		free_percpu(t->mask_cache);
		kfree(t);
		return NULL;
	}
	mutex_init(&t->mask_lock);
	INIT_DELAYED_WORK(&t->rebalance, rebalance_work);
	t->seed = get_random_u32();
	t->generation = 1;
	return t;
}

static void table_free_rcu(struct rcu_head *rcu)
{
	struct weft_flow_table *t = container_of(rcu, struct weft_flow_table,
						 rcu);

	kvfree(rcu_dereference_raw(t->masks));
	kvfree(rcu_dereference_raw(t->ufid_ti));
	free_percpu(t->mask_cache);
	kfree(t);
}

void weft_flow_table_destroy(struct weft_flow_table *t)
{
	if (!t)
		return;
	/* The work takes only mask_lock, never weft_lock: safe to wait. */
	cancel_delayed_work_sync(&t->rebalance);
	table_clear(t);
	mutex_destroy(&t->mask_lock);
	call_rcu(&t->rcu, table_free_rcu);
}

struct weft_flow *weft_flow_table_find_hinted(struct weft_flow_table *t,
					      const struct weft_flow_key *masked_key,
					      const struct weft_flow_key *mask,
					      struct weft_flow_hint *hint)
{
	struct weft_key_range range = mask_range(mask);
	struct weft_flow *flow = NULL;
	struct weft_flow_key masked;
	struct weft_flow_mask *m;
	u32 hash = 0;

	rcu_read_lock();
	m = mask_find(t, rcu_dereference(t->masks), mask, &range);
	if (m) {
		hash = masked_hash(&masked, masked_key, m, t->seed);
		flow = bucket_find(m, &masked, hash);
	}
	rcu_read_unlock();
	if (hint) {
		hint->range = range;
		hint->mask = m;		/* compared, never dereferenced */
		hint->hash = hash;
	}
	return flow;
}

struct weft_flow *weft_flow_table_find(struct weft_flow_table *t,
				       const struct weft_flow_key *masked_key,
				       const struct weft_flow_key *mask)
{
	return weft_flow_table_find_hinted(t, masked_key, mask, NULL);
}

struct weft_flow *weft_flow_table_find_ufid(struct weft_flow_table *t,
					    const u8 *ufid)
{
	u32 hash = jhash(ufid, WEFT_UFID_LEN, t->seed);
	struct weft_flow *flow, *found = NULL;
	struct weft_flow_ti *ti;

	rcu_read_lock();
	ti = rcu_dereference(t->ufid_ti);
	hlist_for_each_entry_rcu(flow, ti_bucket(ti, hash),
				 ufid_table.node[ti->node_ver]) {
		if (flow->ufid_table.hash == hash &&
		    !memcmp(flow->ufid, ufid, WEFT_UFID_LEN)) {
			found = flow;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * The mask with the lowest id >= @id; *@slot is a hint where it was last
 * time, updated (RCU read side).
 */
static struct weft_flow_mask *mask_from_id(const struct mask_array *ma,
					   u32 id, u32 *slot)
{
	struct weft_flow_mask *m, *best = NULL;
	u32 i, used = masks_used(ma);

	if (*slot < used) {
		m = rcu_dereference(ma->masks[*slot]);
		if (m && m->id == id)
			return m;
	}
	for (i = 0; i < used; i++) {
		m = rcu_dereference(ma->masks[i]);
		if (m && m->id >= id && (!best || m->id < best->id)) {
			best = m;
			*slot = i;
		}
	}
	return best;
}

/* The flow at position *@pos of bucket *@bucket or later; advances both. */
static struct weft_flow *ti_next(struct weft_flow_ti *ti, u32 *bucket,
				 u32 *pos)
{
	struct weft_flow *flow;
	u32 i;

	for (; *bucket < ti->n_buckets; (*bucket)++, *pos = 0) {
		i = 0;
		hlist_for_each_entry_rcu(flow, &ti->buckets[*bucket],
					 flow_table.node[ti->node_ver]) {
			if (i++ == *pos) {
				(*pos)++;
				return flow;
			}
		}
	}
	return NULL;
}

/*
 * Cursor: word 0 holds the mask id (low half) and a slot hint (high half),
 * word 1 the bucket (high half) and the position in it (low half). Masks
 * are visited by id, so reordering them by hits does not tear a dump.
 */
struct weft_flow *weft_flow_table_dump_next(struct weft_flow_table *t,
					    u64 cursor[2])
{
	u32 id = lower_32_bits(cursor[0]), slot = upper_32_bits(cursor[0]);
	u32 bucket = upper_32_bits(cursor[1]), pos = lower_32_bits(cursor[1]);
	struct weft_flow *flow = NULL;
	const struct mask_array *ma;
	struct weft_flow_mask *m;

	rcu_read_lock();
	ma = rcu_dereference(t->masks);
	while ((m = mask_from_id(ma, id, &slot))) {
		if (m->id != id) {
			id = m->id;
			bucket = 0;
			pos = 0;
		}
		flow = ti_next(rcu_dereference(m->ti), &bucket, &pos);
		if (flow || id == U32_MAX)
			break;
		id++;
		bucket = 0;
		pos = 0;
	}
	rcu_read_unlock();
	cursor[0] = (u64)slot << 32 | id;
	cursor[1] = (u64)bucket << 32 | pos;
	return flow;
}

u32 weft_flow_table_count(const struct weft_flow_table *t)
{
	return READ_ONCE(t->count);
}

u32 weft_flow_table_mask_count(const struct weft_flow_table *t)
{
	return READ_ONCE(t->n_masks);
}

u32 weft_flow_table_generation(const struct weft_flow_table *t)
{
	return READ_ONCE(t->generation);
}
