/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datapaths: the per-namespace list of them, the packet path from vport
 * receive to flow lookup to actions or upcall.
 *
 * DOC: Locking
 * Every change to datapaths, vports and flows happens under weft_lock (a
 * single mutex, taken by the genl handlers, the netdevice notifier and the
 * namespace exit hook). Code that also registers, unregisters or looks up
 * netdevices (datapath and vport commands, the notifier, namespace exit)
 * takes rtnl_lock first and weft_lock second; nothing takes rtnl_lock while
 * holding weft_lock. Flow and packet commands take only weft_lock.
 * The packet path runs under rcu_read_lock with BH disabled and only reads
 * RCU-protected pointers; datapaths, vports, flows and action lists are freed
 * after a grace period, and a vport's netdevice reference is dropped only
 * then, so a reader that found a vport may use vport->dev.
 */
#ifndef _WEFT_DATAPATH_H
#define _WEFT_DATAPATH_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "flow_key.h"

struct weft_flow_table;
struct weft_vport;

void weft_lock(void);
void weft_unlock(void);
bool weft_lock_is_held(void);
#define weft_assert_locked() lockdep_assert(weft_lock_is_held())

#define WEFT_DP_PORT_HASH_BUCKETS	1024
#define WEFT_DP_MAX_UPCALL_PIDS		4096

struct weft_dp_stats_percpu {
	u64 n_hit;
	u64 n_missed;
	u64 n_lost;
	u64 n_mask_hit;
	u64 n_cache_hit;
	u64 n_dropped;		/* recirculation too deep (not in the uapi) */
	struct u64_stats_sync syncp;
};

/* The per-CPU stats summed, for replies. */
struct weft_dp_stats {
	u64 n_hit;
	u64 n_missed;
	u64 n_lost;
	u64 n_mask_hit;
	u64 n_cache_hit;
	u64 n_dropped;
};

struct weft_upcall_pids {
	struct rcu_head rcu;
	u32 n_pids;
	u32 pids[];
};

struct weft_datapath {
	struct list_head list_node;	/* in the namespace's list */
	possible_net_t net;
	struct weft_flow_table *table;
	struct hlist_head *ports;	/* by port_no, RCU */
	struct weft_dp_stats_percpu __percpu *stats;
	struct weft_upcall_pids __rcu *upcall_pids;
	u32 user_features;
	u32 ports_generation;		/* bumped when a port comes or goes */
	struct rcu_head rcu;
};

/* Why a packet goes to userspace. */
struct weft_upcall_info {
	u8 cmd;				/* WEFT_CMD_PACKET_MISS / _ACTION */
	u32 portid;			/* 0 = the per-CPU pid */
	const struct nlattr *userdata;	/* WEFT_USERSPACE_A_USERDATA or NULL */
	u32 orig_len;			/* before trunc, 0 if not truncated */
};

int weft_dp_init(void);
void weft_dp_exit(void);

/**
 * weft_dp_process_packet() - look up @key and run the flow's actions, or send
 * a miss upcall. Consumes @skb. Called from vport receive and recirculation,
 * under RCU with BH disabled; the datapath is the one skb->dev is a port of.
 * @skb: the packet, data at the Ethernet header.
 * @key: its key, extracted.
 */
void weft_dp_process_packet(struct sk_buff *skb, struct weft_flow_key *key);

/**
 * weft_dp_process() - weft_dp_process_packet() with a known datapath.
 * @dp: the datapath.
 * @skb: consumed.
 * @key: its key.
 */
void weft_dp_process(struct weft_datapath *dp, struct sk_buff *skb,
		     struct weft_flow_key *key);

/**
 * weft_dp_upcall() - queue a copy of @skb to userspace. Does not consume it.
 * @dp: the datapath.
 * @skb: the packet, data at the Ethernet header.
 * @key: its key.
 * @info: why, to whom.
 *
 * Never blocks; the receiving socket's buffer bounds what is queued.
 *
 * Return: 0, or -errno when the upcall was lost (and counted).
 */
int weft_dp_upcall(struct weft_datapath *dp, struct sk_buff *skb,
		   const struct weft_flow_key *key,
		   const struct weft_upcall_info *info);

/** weft_dp_name() - Return: the datapath's name (its local port's). */
const char *weft_dp_name(const struct weft_datapath *dp);
/** weft_dp_ifindex() - Return: the ifindex of the local port. */
int weft_dp_ifindex(const struct weft_datapath *dp);
/** weft_dp_net() - Return: the namespace the datapath lives in. */
static inline struct net *weft_dp_net(const struct weft_datapath *dp)
{
	return read_pnet(&dp->net);
}

/* The hash chain of port @port_no. */
static inline struct hlist_head *weft_dp_port_bucket(const struct weft_datapath *dp,
						     u32 port_no)
{
	return &dp->ports[port_no & (WEFT_DP_PORT_HASH_BUCKETS - 1)];
}

/** weft_dp_lookup_port() - RCU or weft_lock. Return: the vport or NULL. */
struct weft_vport *weft_dp_lookup_port(const struct weft_datapath *dp,
				       u32 port_no);

/** weft_dp_find() - weft_lock held. Return: the datapath by ifindex, or NULL. */
struct weft_datapath *weft_dp_find(struct net *net, int dp_ifindex);

/**
 * weft_dp_recirc() - re-enter the pipeline with a new recirc_id (actions.c).
 * @dp: the datapath.
 * @skb: consumed; data at the Ethernet header.
 * @key: the packet's key; its metadata is kept, its headers re-extracted.
 * @recirc_id: the new recirc_id.
 *
 * Nesting deeper than WEFT_RECIRC_MAX_DEPTH on one CPU drops the packet.
 */
void weft_dp_recirc(struct weft_datapath *dp, struct sk_buff *skb,
		    struct weft_flow_key *key, u32 recirc_id);

/* For dp_nl.c (weft_lock held, and rtnl_lock for create and destroy). */
struct weft_datapath *weft_dp_create(struct net *net,
				     const struct nlattr *name_attr,
				     struct netlink_ext_ack *extack);
void weft_dp_destroy(struct weft_datapath *dp);
struct weft_datapath *weft_dp_find_by_name(struct net *net, const char *name);
struct list_head *weft_dp_list(struct net *net);
u32 weft_dp_list_generation(struct net *net);
int weft_dp_set_upcall_pids(struct weft_datapath *dp,
			    const struct nlattr *attr,
			    struct netlink_ext_ack *extack);
void weft_dp_stats_get(const struct weft_datapath *dp,
		       struct weft_dp_stats *stats);
int weft_dp_alloc_port_no(const struct weft_datapath *dp);

#endif /* _WEFT_DATAPATH_H */
