/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection tracking through the kernel's nf_conntrack: the ct and ct_clear
 * actions (conntrack.c runs them, conntrack_nl.c converts them from and to
 * netlink) and the reassembly and refragmentation of IP fragments around
 * them (conntrack_frag.c).
 *
 * A ct action's internal form (WEFT_IACT_CT in an action list) is a struct
 * weft_ct_info. It owns references: a conntrack template carrying the zone
 * (and helper and timeout policy), and the helper's module. They are
 * released by weft_ct_info_release() when the list is freed, after the RCU
 * grace period that ends every packet using it.
 */
#ifndef _WEFT_CONNTRACK_H
#define _WEFT_CONNTRACK_H

#include <linux/netfilter/nf_nat.h>
#include <linux/skbuff.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include "flow_key.h"

struct nf_conn;
struct nf_conntrack_helper;
struct nf_ct_timeout;
struct weft_acts_builder;
struct weft_vport;
struct weft_tun_set;

/* What the NAT of a ct action does (WEFT_CT_NAT_*). */
enum weft_ct_nat_flags {
	WEFT_CT_NAT		= 1 << 0,	/* a NAT nest was given */
	WEFT_CT_NAT_SRC		= 1 << 1,
	WEFT_CT_NAT_DST		= 1 << 2,
};

struct weft_ct_info {
	struct nf_conn *tmpl;		/* zone, helper, timeout; never NULL */
	struct nf_conntrack_helper *helper;	/* NULL: none */
	struct nf_ct_timeout *timeout;	/* NULL: none */
	struct nf_conntrack_zone zone;
	u16 family;			/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	u8 commit:1,
	   force:1,
	   have_mark:1,
	   have_labels:1;
	u8 nat;				/* enum weft_ct_nat_flags */
	struct weft_ct_mark mark;
	struct weft_ct_labels labels;
	struct nf_nat_range2 range;	/* with WEFT_CT_NAT_SRC/DST */
	char helper_name[16];		/* NF_CT_HELPER_NAME_LEN */
	char timeout_name[32];		/* CTNL_TIMEOUT_NAME_MAX */
	/* While the list is built: offset of the previous ct action, or -1. */
	int chain_prev;
};

/* conntrack_nl.c */

/**
 * weft_ct_nl_convert() - validate a WEFT_ACTION_A_CT nest and append its
 * internal form to the list being built.
 * @b: the builder; b->key/b->mask are the flow's, whose eth_type must be
 *     matched exactly as IPv4 or IPv6 (and ip proto, for a helper).
 * @net: the namespace the flow's datapath lives in (templates, helpers and
 *       timeout policies are per namespace).
 * @a: the nest.
 *
 * Return: 0 or -errno, with an extack message naming the attribute.
 */
int weft_ct_nl_convert(struct weft_acts_builder *b, struct net *net,
		       const struct nlattr *a);
int weft_ct_nl_put(struct sk_buff *skb, const struct weft_ct_info *info);
size_t weft_ct_nl_size(const struct weft_ct_info *info);
/* Drop what @info holds (template, helper, timeout). */
void weft_ct_info_release(struct weft_ct_info *info);

/* conntrack.c */

/**
 * weft_ct_execute() - run ct action @info on @skb.
 * @net: the datapath's namespace.
 * @skb: data at the Ethernet header, network header set.
 * @key: the packet's key; its ct fields are updated, and ct_mru when the
 *       packet was reassembled.
 * @info: the action.
 *
 * Return: 0 (go on with the list), -EINPROGRESS (a fragment was queued
 * for reassembly: @skb is no longer the caller's), or another -errno
 * (@skb was freed).
 */
int weft_ct_execute(struct net *net, struct sk_buff *skb,
		    struct weft_flow_key *key, const struct weft_ct_info *info);

/* The ct_clear action: forget the packet's connection. */
void weft_ct_clear(struct sk_buff *skb, struct weft_flow_key *key);

int weft_ct_init(void);
void weft_ct_exit(void);

/* conntrack_frag.c */

/**
 * weft_ct_defrag() - hand fragment @skb (data at the network header) to
 * IPv4/IPv6 reassembly for @zone.
 * Return: 0 and the whole packet in @skb, with @key's frag fields and
 * ct_mru updated; -EINPROGRESS when it was queued; other -errno when it was
 * freed.
 */
int weft_ct_defrag(struct net *net, struct sk_buff *skb,
		   struct weft_flow_key *key, u16 zone);

/**
 * weft_ct_fragment_send() - send reassembled @skb out of @vport cut back
 * into fragments of at most @mru bytes of IP packet (consumed).
 */
void weft_ct_fragment_send(struct net *net, struct weft_vport *vport,
			   struct sk_buff *skb, u16 mru,
			   const struct weft_tun_set *ts);

#endif /* _WEFT_CONNTRACK_H */
