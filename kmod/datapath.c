// SPDX-License-Identifier: GPL-2.0
/*
 * Datapaths: the lock, the per-namespace list, the port hash, and the packet
 * path from a received packet to flow lookup, actions or a miss upcall.
 */
#include <linux/if_vlan.h>
#include <linux/percpu.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include "actions.h"
#include "compat.h"
#include "datapath.h"
#include "flow_table.h"
#include "genl.h"
#include "key_compact.h"
#include "key_nl.h"
#include "vport.h"

static DEFINE_MUTEX(weft_mutex);

/* Recirculations nested on this CPU right now (BH is disabled meanwhile). */
static DEFINE_PER_CPU(int, weft_recirc_depth);

struct weft_net {
	struct list_head dps;
	u32 generation;		/* bumped when a datapath comes or goes */
};

static unsigned int weft_net_id __read_mostly;

/**
 * weft_lock() - take the mutex that serializes every datapath change.
 */
void weft_lock(void)
{
	mutex_lock(&weft_mutex);
}

/**
 * weft_unlock() - release weft_lock.
 */
void weft_unlock(void)
{
	mutex_unlock(&weft_mutex);
}

/**
 * weft_lock_is_held() - for lockdep assertions and rcu_dereference_protected.
 *
 * Return: whether weft_lock is held (by this task when lockdep is on).
 */
bool weft_lock_is_held(void)
{
#ifdef CONFIG_LOCKDEP
	return lockdep_is_held(&weft_mutex);
#else
	return mutex_is_locked(&weft_mutex);
#endif
}

static struct weft_net *weft_net(struct net *net)
{
	return net_generic(net, weft_net_id);
}

/**
 * weft_dp_list() - the datapaths of @net (weft_lock held).
 * @net: the namespace.
 *
 * Return: the list head; entries are linked by list_node.
 */
struct list_head *weft_dp_list(struct net *net)
{
	return &weft_net(net)->dps;
}

/**
 * weft_dp_list_generation() - for consistent dumps (weft_lock held).
 * @net: the namespace.
 *
 * Return: a counter bumped whenever a datapath of @net is added or removed.
 */
u32 weft_dp_list_generation(struct net *net)
{
	return weft_net(net)->generation;
}

/**
 * weft_dp_lookup_port() - find a port by number.
 * @dp: the datapath.
 * @port_no: the port number.
 *
 * Called under RCU or with weft_lock held.
 *
 * Return: the vport, or NULL.
 */
struct weft_vport *weft_dp_lookup_port(const struct weft_datapath *dp,
				       u32 port_no)
{
	struct weft_vport *vport;

	hlist_for_each_entry_rcu(vport, weft_dp_port_bucket(dp, port_no),
				 dp_hash_node, weft_lock_is_held())
		if (vport->port_no == port_no)
			return vport;
	return NULL;
}

/**
 * weft_dp_alloc_port_no() - the lowest free port number above the local port.
 * @dp: the datapath (weft_lock held).
 *
 * Return: the port number, or -EFBIG when every number is taken.
 */
int weft_dp_alloc_port_no(const struct weft_datapath *dp)
{
	u32 port_no;

	for (port_no = WEFT_VPORT_LOCAL + 1; port_no <= WEFT_VPORT_MAX; port_no++)
		if (!weft_dp_lookup_port(dp, port_no))
			return port_no;
	return -EFBIG;
}

/**
 * weft_dp_name() - the datapath's name, which is its local port's.
 * @dp: the datapath (RCU or weft_lock).
 *
 * Return: the name, or "" while the local port does not exist.
 */
const char *weft_dp_name(const struct weft_datapath *dp)
{
	struct weft_vport *local = weft_dp_lookup_port(dp, WEFT_VPORT_LOCAL);

	return local ? local->dev->name : "";
}

/**
 * weft_dp_ifindex() - the ifindex that names the datapath in netlink.
 * @dp: the datapath (RCU or weft_lock).
 *
 * Return: the local port's ifindex, or 0 while it does not exist.
 */
int weft_dp_ifindex(const struct weft_datapath *dp)
{
	struct weft_vport *local = weft_dp_lookup_port(dp, WEFT_VPORT_LOCAL);

	return local ? local->dev->ifindex : 0;
}

/**
 * weft_dp_find() - find a datapath of @net by its ifindex (weft_lock held).
 * @net: the namespace.
 * @dp_ifindex: the ifindex of its local port.
 *
 * Return: the datapath, or NULL.
 */
struct weft_datapath *weft_dp_find(struct net *net, int dp_ifindex)
{
	struct weft_datapath *dp;

	weft_assert_locked();
	list_for_each_entry(dp, weft_dp_list(net), list_node)
		if (weft_dp_ifindex(dp) == dp_ifindex)
			return dp;
	return NULL;
}

/**
 * weft_dp_find_by_name() - find a datapath of @net by name (weft_lock held).
 * @net: the namespace.
 * @name: the name.
 *
 * Return: the datapath, or NULL.
 */
struct weft_datapath *weft_dp_find_by_name(struct net *net, const char *name)
{
	struct weft_datapath *dp;

	weft_assert_locked();
	list_for_each_entry(dp, weft_dp_list(net), list_node)
		if (!strcmp(weft_dp_name(dp), name))
			return dp;
	return NULL;
}

static void dp_free(struct weft_datapath *dp)
{
	kfree(rcu_dereference_raw(dp->upcall_pids));
	free_percpu(dp->stats);
	kfree(dp->ports);
	kfree(dp);
}

static void dp_free_rcu(struct rcu_head *rcu)
{
	dp_free(container_of(rcu, struct weft_datapath, rcu));
}

/**
 * weft_dp_create() - create a datapath and its local port, an internal
 * netdevice named by @name_attr.
 * @net: the namespace it lives in.
 * @name_attr: WEFT_DP_A_NAME.
 * @extack: why it failed.
 *
 * Called with rtnl_lock and weft_lock held.
 *
 * Return: the datapath, or ERR_PTR(-errno).
 */
struct weft_datapath *weft_dp_create(struct net *net,
				     const struct nlattr *name_attr,
				     struct netlink_ext_ack *extack)
{
	struct weft_vport_parms parms = {
		.name = nla_data(name_attr),
		.name_attr = name_attr,
		.type = WEFT_VPORT_TYPE_INTERNAL,
		.port_no = WEFT_VPORT_LOCAL,
	};
	struct weft_datapath *dp;
	struct weft_vport *local;
	int err = -ENOMEM;

	ASSERT_RTNL();
	weft_assert_locked();
	dp = kzalloc(sizeof(*dp), GFP_KERNEL);
	if (!dp)
		return ERR_PTR(-ENOMEM);
	write_pnet(&dp->net, net);
	dp->ports = kcalloc(WEFT_DP_PORT_HASH_BUCKETS, sizeof(*dp->ports),
			    GFP_KERNEL);
	dp->stats = netdev_alloc_pcpu_stats(struct weft_dp_stats_percpu);
	if (!dp->ports || !dp->stats)
		goto err_free;
	dp->table = weft_flow_table_create();
	if (!dp->table)
		goto err_free;

	parms.dp = dp;
	local = weft_vport_add(&parms, extack);
	if (IS_ERR(local)) {
		err = PTR_ERR(local);
		goto err_destroy_table;
	}
	list_add_tail(&dp->list_node, weft_dp_list(net));
	weft_net(net)->generation++;
	return dp;

err_destroy_table:
	weft_flow_table_destroy(dp->table);
err_free:
	dp_free(dp);
	return ERR_PTR(err);
}

/**
 * weft_dp_destroy() - remove a datapath: every port (the local one last),
 * every flow; the memory goes after a grace period.
 * @dp: the datapath.
 *
 * Called with rtnl_lock and weft_lock held.
 */
void weft_dp_destroy(struct weft_datapath *dp)
{
	struct weft_vport *vport, *local = NULL;
	struct hlist_node *next;
	int i;

	ASSERT_RTNL();
	weft_assert_locked();
	list_del(&dp->list_node);
	weft_net(weft_dp_net(dp))->generation++;

	for (i = 0; i < WEFT_DP_PORT_HASH_BUCKETS; i++) {
		hlist_for_each_entry_safe(vport, next, &dp->ports[i],
					  dp_hash_node) {
			if (vport->port_no == WEFT_VPORT_LOCAL)
				local = vport;
			else
				weft_vport_del(vport);
		}
	}
	if (local)
		weft_vport_del(local);

	/* Readers still inside the table are covered: it frees after RCU. */
	weft_flow_table_destroy(dp->table);
	call_rcu(&dp->rcu, dp_free_rcu);
}

/**
 * weft_dp_set_upcall_pids() - replace the per-CPU upcall netlink ports.
 * @dp: the datapath (weft_lock held).
 * @attr: WEFT_DP_A_UPCALL_PIDS, an array of u32; empty means none.
 * @extack: why it failed.
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int weft_dp_set_upcall_pids(struct weft_datapath *dp,
			    const struct nlattr *attr,
			    struct netlink_ext_ack *extack)
{
	struct weft_upcall_pids *pids = NULL, *old;
	int len = nla_len(attr);

	weft_assert_locked();
	if (len % sizeof(u32)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "WEFT_DP_A_UPCALL_PIDS must be an array of u32");
		return -EINVAL;
	}
	if (len) {
		pids = kmalloc(struct_size(pids, pids, len / sizeof(u32)),
			       GFP_KERNEL);
		if (!pids)
			return -ENOMEM;
		pids->n_pids = len / sizeof(u32);
		memcpy(pids->pids, nla_data(attr), len);
	}
	old = rcu_replace_pointer(dp->upcall_pids, pids, weft_lock_is_held());
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/**
 * weft_dp_stats_get() - sum the per-CPU counters of @dp.
 * @dp: the datapath.
 * @stats: out.
 */
void weft_dp_stats_get(const struct weft_datapath *dp,
		       struct weft_dp_stats *stats)
{
	int cpu;

	memset(stats, 0, sizeof(*stats));
	for_each_possible_cpu(cpu) {
		const struct weft_dp_stats_percpu *pcpu;
		struct weft_dp_stats local;
		unsigned int start;

		pcpu = per_cpu_ptr(dp->stats, cpu);
		do {
			start = u64_stats_fetch_begin(&pcpu->syncp);
			local.n_hit = pcpu->n_hit;
			local.n_missed = pcpu->n_missed;
			local.n_lost = pcpu->n_lost;
			local.n_mask_hit = pcpu->n_mask_hit;
			local.n_cache_hit = pcpu->n_cache_hit;
			local.n_dropped = pcpu->n_dropped;
		} while (u64_stats_fetch_retry(&pcpu->syncp, start));
		stats->n_hit += local.n_hit;
		stats->n_missed += local.n_missed;
		stats->n_lost += local.n_lost;
		stats->n_mask_hit += local.n_mask_hit;
		stats->n_cache_hit += local.n_cache_hit;
		stats->n_dropped += local.n_dropped;
	}
}

/* Packet path: BH is disabled, so this CPU's counters are ours alone. */
static void dp_count_lost(struct weft_datapath *dp)
{
	struct weft_dp_stats_percpu *stats = this_cpu_ptr(dp->stats);

	u64_stats_update_begin(&stats->syncp);
	stats->n_lost++;
	u64_stats_update_end(&stats->syncp);
}

static void dp_count_dropped(struct weft_datapath *dp)
{
	struct weft_dp_stats_percpu *stats = this_cpu_ptr(dp->stats);

	u64_stats_update_begin(&stats->syncp);
	stats->n_dropped++;
	u64_stats_update_end(&stats->syncp);
}

static void dp_count_lookup(struct weft_datapath *dp, bool hit,
			    u32 n_mask_hit, u32 n_cache_hit)
{
	struct weft_dp_stats_percpu *stats = this_cpu_ptr(dp->stats);

	u64_stats_update_begin(&stats->syncp);
	if (hit)
		stats->n_hit++;
	else
		stats->n_missed++;
	stats->n_mask_hit += n_mask_hit;
	stats->n_cache_hit += n_cache_hit;
	u64_stats_update_end(&stats->syncp);
}

/**
 * weft_dp_process() - look up @key in @dp's table; run the flow's actions,
 * or send a miss upcall.
 * @dp: the datapath.
 * @skb: the packet, data at the Ethernet header; consumed.
 * @key: its key; actions may update it.
 *
 * Called under RCU with BH disabled.
 */
void weft_dp_process(struct weft_datapath *dp, struct sk_buff *skb,
		     struct weft_flow_key *key)
{
	u32 n_mask_hit = 0, n_cache_hit = 0;
	struct weft_flow *flow;

	flow = weft_flow_table_lookup(dp->table, key, skb_get_hash(skb),
				      &n_mask_hit, &n_cache_hit);
	/* Counted before the actions run: a recirculation counts again. */
	dp_count_lookup(dp, flow, n_mask_hit, n_cache_hit);
	if (unlikely(!flow)) {
		struct weft_upcall_info info = { .cmd = WEFT_CMD_PACKET_MISS };

		if (weft_dp_upcall(dp, skb, key, &info))
			kfree_skb(skb);
		else
			consume_skb(skb);
		return;
	}
	weft_flow_stats_update(flow, key->tp.flags, skb);
	weft_actions_execute(dp, skb, rcu_dereference(flow->acts), key);
}

/**
 * weft_dp_process_packet() - weft_dp_process() for the datapath that skb->dev
 * is a port of.
 * @skb: the packet; consumed.
 * @key: its key.
 */
void weft_dp_process_packet(struct sk_buff *skb, struct weft_flow_key *key)
{
	struct weft_vport *vport = weft_vport_from_dev(skb->dev);

	if (unlikely(!vport)) {
		kfree_skb(skb);
		return;
	}
	weft_dp_process(vport->dp, skb, key);
}

/**
 * weft_dp_recirc() - run @skb through @dp again with a new recirc_id.
 * @dp: the datapath.
 * @skb: consumed.
 * @key: the packet's key: metadata kept, headers re-extracted.
 * @recirc_id: the new recirc_id.
 */
void weft_dp_recirc(struct weft_datapath *dp, struct sk_buff *skb,
		    struct weft_flow_key *key, u32 recirc_id)
{
	int *depth = this_cpu_ptr(&weft_recirc_depth);

	if (unlikely(*depth >= WEFT_RECIRC_MAX_DEPTH)) {
		net_warn_ratelimited("weft: %s: recirculation deeper than %d, packet dropped\n",
				     weft_dp_name(dp), WEFT_RECIRC_MAX_DEPTH);
		dp_count_dropped(dp);
		kfree_skb(skb);
		return;
	}
	key->md.recirc_id = recirc_id;
	/* Actions may have rewritten or pushed headers since the last key. */
	if (unlikely(weft_flow_key_extract(skb, key))) {
		dp_count_dropped(dp);
		kfree_skb(skb);
		return;
	}
	(*depth)++;
	weft_dp_process(dp, skb, key);
	(*depth)--;
}

static u32 upcall_portid(struct weft_datapath *dp,
			 const struct weft_upcall_info *info)
{
	struct weft_upcall_pids *pids;

	if (info->portid)
		return info->portid;
	pids = rcu_dereference(dp->upcall_pids);
	if (!pids || !pids->n_pids)
		return 0;
	return pids->pids[smp_processor_id() % pids->n_pids];
}

static size_t upcall_msg_size(const struct weft_upcall_info *info,
			      const struct weft_flow_key *key,
			      unsigned int frame_len, bool compact)
{
	size_t size = nla_total_size(sizeof(u32))	/* DP_IFINDEX */
		+ nla_total_size(frame_len)		/* PACKET */
		+ (compact ? nla_total_size(sizeof(struct weft_key_compact))
			   : weft_key_nlmsg_size_of(key));	/* KEY */

	if (info->userdata)
		size += nla_total_size(nla_len(info->userdata));
	if (info->orig_len)
		size += nla_total_size(sizeof(u32));	/* LEN */
	size += nla_total_size(sizeof(u16));		/* MRU */
	return size;
}

/*
 * Finish a CHECKSUM_PARTIAL checksum in the copy, as the device would have:
 * userspace gets (and may re-inject) a packet with a valid checksum.
 */
static void upcall_finish_csum(const struct sk_buff *skb, u8 *frame,
			       unsigned int frame_len, int shift)
{
	int start = skb_checksum_start_offset(skb) + shift;
	__sum16 sum;

	if (skb->csum_not_inet || start < 0 ||
	    start + skb->csum_offset + sizeof(__sum16) > frame_len)
		return;
	sum = csum_fold(csum_partial(frame + start, frame_len - start, 0));
	put_unaligned(sum ?: CSUM_MANGLED_0,
		      (__sum16 *)(frame + start + skb->csum_offset));
}

/* The frame as it would be on the wire, with an accelerated tag put back. */
static int upcall_copy_frame(const struct sk_buff *skb, u8 *frame,
			     unsigned int frame_len)
{
	int shift = 0;
	int err;

	if (skb_vlan_tag_present(skb)) {
		if (skb->len < 2 * ETH_ALEN)
			return -EINVAL;
		err = skb_copy_bits(skb, 0, frame, 2 * ETH_ALEN);
		if (err)
			return err;
		put_unaligned(skb->vlan_proto, (__be16 *)(frame + 2 * ETH_ALEN));
		put_unaligned(htons(skb_vlan_tag_get(skb)),
			      (__be16 *)(frame + 2 * ETH_ALEN + 2));
		err = skb_copy_bits(skb, 2 * ETH_ALEN,
				    frame + 2 * ETH_ALEN + VLAN_HLEN,
				    skb->len - 2 * ETH_ALEN);
		shift = VLAN_HLEN;
	} else {
		err = skb_copy_bits(skb, 0, frame, skb->len);
	}
	if (!err && skb->ip_summed == CHECKSUM_PARTIAL)
		upcall_finish_csum(skb, frame, frame_len, shift);
	return err;
}

/*
 * An upcall message with room for @payload bytes of attributes, allocated
 * as a received frame is. The intent was page fragments instead of
 * kmalloc (a burst of misses grows the kmalloc-1k slab a page at a time,
 * each page and then each object cleared under init_on_alloc), but
 * __netdev_alloc_skb() takes kmalloc itself for a head under about 1 KB
 * (SKB_WITH_OVERHEAD(1024), Linux 6.1), which a miss's ~300-byte message
 * is: only larger messages get a fragment. Atomic, never waits: a failure
 * is a lost upcall, not a stall.
 */
static struct sk_buff *upcall_msg_new(size_t payload)
{
	return __netdev_alloc_skb(NULL,
				  nlmsg_total_size(genlmsg_total_size(payload)),
				  GFP_ATOMIC);
}

/*
 * A miss's key goes up compact when userspace asked for it and it fits;
 * userspace-action upcalls keep the attribute form (their keys are read
 * by slower paths: packet-ins, continuations).
 */
static bool upcall_key_compact(const struct weft_datapath *dp,
			       const struct weft_upcall_info *info,
			       const struct weft_flow_key *key)
{
	return info->cmd == WEFT_CMD_PACKET_MISS &&
	       (READ_ONCE(dp->user_features) & WEFT_DP_F_KEY_COMPACT) &&
	       weft_key_compact_fits(key);
}

static int upcall_one(struct weft_datapath *dp, struct sk_buff *skb,
		      const struct weft_flow_key *key,
		      const struct weft_upcall_info *info, u32 portid)
{
	unsigned int frame_len = skb->len;
	struct sk_buff *msg;
	struct nlattr *nla;
	bool compact;
	void *hdr;
	int err = -EMSGSIZE;

	if (skb_vlan_tag_present(skb))
		frame_len += VLAN_HLEN;
	if (frame_len > U16_MAX - NLA_HDRLEN)
		return -EMSGSIZE;
	compact = upcall_key_compact(dp, info, key);
	msg = upcall_msg_new(upcall_msg_size(info, key, frame_len, compact));
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &weft_genl_family, 0, info->cmd);
	if (!hdr)
		goto err_free;
	if (nla_put_u32(msg, WEFT_PACKET_A_DP_IFINDEX, weft_dp_ifindex(dp)))
		goto err_free;
	if (compact) {
		nla = nla_reserve(msg, WEFT_PACKET_A_KEY_COMPACT,
				  sizeof(struct weft_key_compact));
		if (!nla)
			goto err_free;
		weft_key_to_compact(key, nla_data(nla));
	} else if (weft_key_put(msg, WEFT_PACKET_A_KEY, key, key)) {
		goto err_free;
	}
	if (info->userdata &&
	    nla_put(msg, WEFT_PACKET_A_USERDATA, nla_len(info->userdata),
		    nla_data(info->userdata)))
		goto err_free;
	if (info->orig_len &&
	    nla_put_u32(msg, WEFT_PACKET_A_LEN, info->orig_len))
		goto err_free;
	/* A packet a ct action reassembled: what to refragment it to. */
	if (key->ct_mru && nla_put_u16(msg, WEFT_PACKET_A_MRU, key->ct_mru))
		goto err_free;
	nla = nla_reserve(msg, WEFT_PACKET_A_PACKET, frame_len);
	if (!nla)
		goto err_free;
	err = upcall_copy_frame(skb, nla_data(nla), frame_len);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	/*
	 * Nonblocking: when the listener's receive buffer is full netlink
	 * refuses the message (-EAGAIN) instead of queueing it, so a storm of
	 * misses pins at most one socket buffer per registered port.
	 */
	return genlmsg_unicast(weft_dp_net(dp), msg, portid);

err_free:
	nlmsg_free(msg);
	return err;
}

/* Userspace wants packets the size of the wire: segment GSO ones first. */
static int upcall_gso(struct weft_datapath *dp, struct sk_buff *skb,
		      const struct weft_flow_key *key,
		      const struct weft_upcall_info *info, u32 portid)
{
	struct sk_buff *segs, *seg, *next;
	int err = 0;

	segs = __skb_gso_segment(skb, NETIF_F_SG, false);
	if (IS_ERR(segs))
		return PTR_ERR(segs);
	if (!segs)
		return upcall_one(dp, skb, key, info, portid);
	skb_list_walk_safe(segs, seg, next) {
		if (!err)
			err = upcall_one(dp, seg, key, info, portid);
	}
	kfree_skb_list(segs);
	return err;
}

/**
 * weft_dp_upcall() - send a copy of @skb and its key to userspace.
 * @dp: the datapath.
 * @skb: the packet, data at the Ethernet header; not consumed.
 * @key: its key.
 * @info: the command, the port (0 for the per-CPU one), user data.
 *
 * Called under RCU with BH disabled. Never blocks.
 *
 * Return: 0, or -errno when the upcall was lost (counted in n_lost).
 */
int weft_dp_upcall(struct weft_datapath *dp, struct sk_buff *skb,
		   const struct weft_flow_key *key,
		   const struct weft_upcall_info *info)
{
	u32 portid = upcall_portid(dp, info);
	int err;

	if (!portid)
		err = -ENOTCONN;
	else if (skb_is_gso(skb))
		err = upcall_gso(dp, skb, key, info, portid);
	else
		err = upcall_one(dp, skb, key, info, portid);
	if (err)
		dp_count_lost(dp);
	return err;
}

static int __net_init weft_net_init(struct net *net)
{
	INIT_LIST_HEAD(&weft_net(net)->dps);
	return 0;
}

/* The namespace is going: its datapaths and their ports go with it. */
static void __net_exit weft_net_exit(struct net *net)
{
	struct weft_datapath *dp, *next;

	rtnl_lock();
	weft_lock();
	list_for_each_entry_safe(dp, next, weft_dp_list(net), list_node)
		weft_dp_destroy(dp);
	weft_unlock();
	rtnl_unlock();
}

/*
 * A pernet *device* subsystem: its exit runs before the core moves or
 * unregisters the namespace's devices, so ports are detached from live ones.
 */
static struct pernet_operations weft_net_ops = {
	.init = weft_net_init,
	.exit = weft_net_exit,
	.id = &weft_net_id,
	.size = sizeof(struct weft_net),
};

/**
 * weft_dp_init() - register the per-namespace state.
 *
 * Return: 0 or -errno.
 */
int weft_dp_init(void)
{
	return register_pernet_device(&weft_net_ops);
}

/**
 * weft_dp_exit() - destroy every datapath in every namespace.
 */
void weft_dp_exit(void)
{
	unregister_pernet_device(&weft_net_ops);
}
