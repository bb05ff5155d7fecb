// SPDX-License-Identifier: GPL-2.0
/*
 * Running the ct and ct_clear actions: hand the packet to nf_conntrack in
 * the action's zone, commit it, set its mark and labels, apply NAT, run the
 * connection's helper, and read the result back into the flow key.
 *
 * The packet keeps its conntrack reference (skb->_nfct) for the rest of the
 * list and across recirculation, so that a second ct action in the same zone
 * (typically "ct(zone=1),recirc(1)" then "ct(commit,zone=1)") does not look
 * it up again; leaving the datapath or ct_clear drops it. NAT and the helper
 * run once the connection is confirmed or being committed, so that a
 * connection's first packet is translated exactly once, by its commit.
 *
 * The approach follows net/openvswitch/conntrack.c; the code is weft's.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_labels.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#include <net/netfilter/nf_conntrack_seqadj.h>
#include <net/netfilter/nf_conntrack_timeout.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netfilter/nf_nat.h>

#include "conntrack.h"

#define WEFT_CS_NAT_MASK	(WEFT_CS_SRC_NAT | WEFT_CS_DST_NAT)

/* The key's view of a packet's conntrack info. */
static u32 ctinfo_state(enum ip_conntrack_info ctinfo)
{
	u32 state = WEFT_CS_TRACKED;

	if (CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY)
		state |= WEFT_CS_REPLY_DIR;
	switch (ctinfo) {
	case IP_CT_ESTABLISHED:
	case IP_CT_ESTABLISHED_REPLY:
		state |= WEFT_CS_ESTABLISHED;
		break;
	case IP_CT_RELATED:
	case IP_CT_RELATED_REPLY:
		state |= WEFT_CS_RELATED;
		break;
	case IP_CT_NEW:
		state |= WEFT_CS_NEW;
		break;
	default:
		break;
	}
	return state;
}

static void key_put_labels(struct weft_flow_key *key, const struct nf_conn *ct)
{
	struct nf_conn_labels *cl = ct ? nf_ct_labels_find(ct) : NULL;

	memset(key->ct.labels, 0, sizeof(key->ct.labels));
	if (cl)
		memcpy(key->ct.labels, cl->bits,
		       min_t(size_t, sizeof(key->ct.labels),
			     sizeof(cl->bits)));
}

/* The original direction of @ct (of its master, for a related one). */
static void key_put_orig(struct weft_flow_key *key, const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *t;

	memset(&key->ct_orig, 0, sizeof(key->ct_orig));
	if (!ct)
		return;
	if (ct->master)
		ct = ct->master;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (t->src.l3num == NFPROTO_IPV4) {
		key->ct_orig.ipv4_src = t->src.u3.ip;
		key->ct_orig.ipv4_dst = t->dst.u3.ip;
	} else if (t->src.l3num == NFPROTO_IPV6) {
		memcpy(&key->ct_orig.ipv6_src, t->src.u3.ip6,
		       sizeof(key->ct_orig.ipv6_src));
		memcpy(&key->ct_orig.ipv6_dst, t->dst.u3.ip6,
		       sizeof(key->ct_orig.ipv6_dst));
	}
	key->ct_orig.proto = t->dst.protonum;
	if (t->dst.protonum == IPPROTO_ICMP ||
	    t->dst.protonum == IPPROTO_ICMPV6) {
		key->ct_orig.tp_src = htons(t->dst.u.icmp.type);
		key->ct_orig.tp_dst = htons(t->dst.u.icmp.code);
	} else {
		key->ct_orig.tp_src = t->src.u.all;
		key->ct_orig.tp_dst = t->dst.u.all;
	}
}

/*
 * The key after a ct action in @zone: @ct is the packet's connection, or
 * NULL when conntrack could not make sense of it (+trk+inv). The NAT bits
 * of the state are kept: they say what this packet already went through.
 */
static void ct_key_update(struct weft_flow_key *key, const struct sk_buff *skb,
		       const struct nf_conntrack_zone *zone)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	u32 nat = key->ct.state & WEFT_CS_NAT_MASK;

	if (ct) {
		key->ct.state = ctinfo_state(ctinfo) | nat;
		if (!nf_ct_is_confirmed(ct))
			key->ct.state |= WEFT_CS_NEW;
		if (ct->master)
			key->ct.state |= WEFT_CS_RELATED;
		key->ct.zone = nf_ct_zone(ct)->id;
		key->ct.mark = READ_ONCE(ct->mark);
	} else {
		key->ct.state = WEFT_CS_TRACKED | WEFT_CS_INVALID;
		key->ct.zone = zone->id;
		key->ct.mark = 0;
	}
	key_put_labels(key, ct);
	key_put_orig(key, ct);
}

/*
 * Whether the connection the packet already has is the one a lookup in
 * @info's zone would give, so that it need not be looked up again.
 * FORCE_COMMIT drops a connection seen in the reply direction (and deletes
 * it, so that the commit creates it anew in this packet's direction).
 */
static bool nfct_cached(struct net *net, struct sk_buff *skb,
			const struct weft_ct_info *info)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	if (!ct)
		return false;
	if (!net_eq(net, nf_ct_net(ct)))
		return false;
	if (!nf_ct_zone_equal_any(info->tmpl, nf_ct_zone(ct)))
		return false;
	if (info->helper) {
		struct nf_conn_help *help = nfct_help(ct);

		if (help && rcu_access_pointer(help->helper) != info->helper)
			return false;
	}
	if (info->timeout) {
		struct nf_conn_timeout *ext = nf_ct_timeout_find(ct);

		if (!ext || rcu_access_pointer(ext->timeout) != info->timeout)
			return false;
	}
	if (info->force && CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL) {
		if (nf_ct_is_confirmed(ct))
			nf_ct_delete(ct, 0, 0);
		nf_ct_put(ct);
		nf_ct_set(skb, NULL, 0);
		return false;
	}
	return true;
}

/*
 * Translate the packet (data at the network header) as @maniptype of @ct
 * asks, setting up the connection's mapping on its first packet. Return:
 * NF_ACCEPT or NF_DROP.
 */
static int nat_one(struct sk_buff *skb, struct nf_conn *ct,
		   enum ip_conntrack_info ctinfo,
		   const struct nf_nat_range2 *range,
		   enum nf_nat_manip_type maniptype, struct weft_flow_key *key)
{
	/* HOOK2MANIP(): source NAT happens at LOCAL_IN, destination before. */
	int hooknum = maniptype == NF_NAT_MANIP_SRC ? NF_INET_LOCAL_IN :
						       NF_INET_LOCAL_OUT;
	int err;

	switch (ctinfo) {
	case IP_CT_RELATED:
	case IP_CT_RELATED_REPLY:
		/* An ICMP error carries the headers it is about: those too. */
		if (skb->protocol == htons(ETH_P_IP) &&
		    ip_hdr(skb)->protocol == IPPROTO_ICMP) {
			if (!nf_nat_icmp_reply_translation(skb, ct, ctinfo,
							   hooknum))
				return NF_DROP;
			goto done;
		}
		if (IS_ENABLED(CONFIG_IPV6) &&
		    skb->protocol == htons(ETH_P_IPV6)) {
			u8 nexthdr = ipv6_hdr(skb)->nexthdr;
			__be16 frag_off;
			int hdrlen = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr),
						      &nexthdr, &frag_off);

			if (hdrlen >= 0 && nexthdr == IPPROTO_ICMPV6) {
				if (!nf_nat_icmpv6_reply_translation(skb, ct,
								     ctinfo,
								     hooknum,
								     hdrlen))
					return NF_DROP;
				goto done;
			}
		}
		fallthrough;	/* not ICMP: a new related connection */
	case IP_CT_NEW:
		if (!nf_nat_initialized(ct, maniptype)) {
			err = range && range->flags & NF_NAT_RANGE_MAP_IPS ?
			      nf_nat_setup_info(ct, range, maniptype) :
			      nf_nat_alloc_null_binding(ct, hooknum);
			if (err != NF_ACCEPT)
				return err;
		}
		break;
	case IP_CT_ESTABLISHED:
	case IP_CT_ESTABLISHED_REPLY:
		break;
	default:
		return NF_DROP;
	}
	err = nf_nat_packet(ct, ctinfo, hooknum, skb);
	if (err != NF_ACCEPT)
		return err;
done:
	key->ct.state |= maniptype == NF_NAT_MANIP_SRC ? WEFT_CS_SRC_NAT :
							 WEFT_CS_DST_NAT;
	return NF_ACCEPT;
}

/* Apply @info's NAT to the packet. Return: NF_ACCEPT or NF_DROP. */
static int do_nat(const struct weft_ct_info *info, struct sk_buff *skb,
		  struct nf_conn *ct, enum ip_conntrack_info ctinfo,
		  struct weft_flow_key *key)
{
	enum nf_nat_manip_type maniptype;
	int err;

	/* Only a connection not yet confirmed can take the NAT extension. */
	if (!nf_ct_is_confirmed(ct) && !nf_ct_nat_ext_add(ct))
		return NF_ACCEPT;

	if (ctinfo != IP_CT_NEW && ct->status & IPS_NAT_MASK &&
	    (ctinfo != IP_CT_RELATED || info->commit)) {
		/* The connection's NAT, undone in the reply direction. */
		bool snat = ct->status & IPS_SRC_NAT;

		if (CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY)
			maniptype = snat ? NF_NAT_MANIP_DST : NF_NAT_MANIP_SRC;
		else
			maniptype = snat ? NF_NAT_MANIP_SRC : NF_NAT_MANIP_DST;
	} else if (info->nat & WEFT_CT_NAT_SRC) {
		maniptype = NF_NAT_MANIP_SRC;
	} else if (info->nat & WEFT_CT_NAT_DST) {
		maniptype = NF_NAT_MANIP_DST;
	} else {
		return NF_ACCEPT;	/* nothing to apply */
	}
	err = nat_one(skb, ct, ctinfo, &info->range, maniptype, key);

	/* A connection with both kinds of NAT gets the other one too. */
	if (err == NF_ACCEPT && ct->status & IPS_DST_NAT) {
		if (ct->status & IPS_SRC_NAT)
			err = nat_one(skb, ct, ctinfo, &info->range,
				      maniptype == NF_NAT_MANIP_SRC ?
				      NF_NAT_MANIP_DST : NF_NAT_MANIP_SRC, key);
		else if (CTINFO2DIR(ctinfo) == IP_CT_DIR_ORIGINAL)
			err = nat_one(skb, ct, ctinfo, NULL, NF_NAT_MANIP_SRC,
				      key);
	}
	return err;
}

/* Run the connection's helper (ftp, tftp, ...). Data at the network header. */
static int run_helper(struct sk_buff *skb, u16 family)
{
	const struct nf_conntrack_helper *helper;
	enum ip_conntrack_info ctinfo;
	const struct nf_conn_help *help;
	unsigned int protoff;
	struct nf_conn *ct;
	int err;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo == IP_CT_RELATED_REPLY)
		return NF_ACCEPT;
	help = nfct_help(ct);
	if (!help)
		return NF_ACCEPT;
	helper = rcu_dereference(help->helper);
	if (!helper)
		return NF_ACCEPT;

	if (family == NFPROTO_IPV4) {
		protoff = ip_hdrlen(skb);
	} else {
		u8 nexthdr = ipv6_hdr(skb)->nexthdr;
		__be16 frag_off;
		int ofs = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr),
					   &nexthdr, &frag_off);

		if (ofs < 0 || (frag_off & htons(~0x7)))
			return NF_ACCEPT;
		protoff = ofs;
	}
	err = helper->help(skb, protoff, ct, ctinfo);
	if (err != NF_ACCEPT)
		return err;
	/* A helper that resized the payload (ftp with NAT) moved sequences. */
	if (test_bit(IPS_SEQ_ADJUST_BIT, &ct->status) &&
	    !nf_ct_seq_adjust(skb, ct, ctinfo, protoff))
		return NF_DROP;
	return NF_ACCEPT;
}

/*
 * Look the packet up (unless it already has its connection in this zone),
 * then NAT and run the helper when the connection is confirmed or being
 * committed. Return: 0 or -errno.
 */
static int ct_lookup(struct net *net, struct weft_flow_key *key,
		     const struct weft_ct_info *info, struct sk_buff *skb)
{
	bool cached = nfct_cached(net, skb, info);
	enum ip_conntrack_info ctinfo;
	bool retried = false;
	struct nf_conn *ct;

again:
	if (!cached) {
		struct nf_hook_state state = {
			.hook = NF_INET_PRE_ROUTING,
			.pf = info->family,
			.net = net,
		};

		/* The template gives nf_conntrack_in() the zone. */
		ct = nf_ct_get(skb, &ctinfo);
		nf_ct_put(ct);
		nf_conntrack_get(&info->tmpl->ct_general);
		nf_ct_set(skb, info->tmpl, IP_CT_NEW);

		if (nf_conntrack_in(skb, &state) != NF_ACCEPT)
			return -ENOENT;
		/* A fresh lookup: this packet has had no NAT in it yet. */
		key->ct.state = 0;
		ct_key_update(key, skb, &info->zone);
	}

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return 0;
	/*
	 * FORCE_COMMIT of a packet that the lookup just found in the reply
	 * direction: the entry goes, and this packet starts it anew.
	 */
	if (!cached && !retried && info->force &&
	    CTINFO2DIR(ctinfo) != IP_CT_DIR_ORIGINAL) {
		if (nf_ct_is_confirmed(ct))
			nf_ct_delete(ct, 0, 0);
		nf_ct_put(ct);
		nf_ct_set(skb, NULL, 0);
		retried = true;
		goto again;
	}
	if (info->nat && !(key->ct.state & WEFT_CS_NAT_MASK) &&
	    (nf_ct_is_confirmed(ct) || info->commit) &&
	    do_nat(info, skb, ct, ctinfo, key) != NF_ACCEPT)
		return -EINVAL;

	/* A commit may attach a helper a lookup without one did not. */
	if (!nf_ct_is_confirmed(ct) && info->commit && info->helper &&
	    !nfct_help(ct)) {
		int err = __nf_ct_try_assign_helper(ct, info->tmpl, GFP_ATOMIC);

		if (err)
			return err;
		if (info->nat && !nfct_seqadj(ct) && !nfct_seqadj_ext_add(ct))
			return -EINVAL;
		cached = false;
	}
	if ((nf_ct_is_confirmed(ct) ? !cached : info->commit) &&
	    run_helper(skb, info->family) != NF_ACCEPT)
		return -EINVAL;

	/* Flows decide what passes: do not mark out-of-window TCP invalid. */
	if (nf_ct_protonum(ct) == IPPROTO_TCP && nf_ct_is_confirmed(ct) &&
	    nf_conntrack_tcp_established(ct))
		nf_ct_set_tcp_be_liberal(ct);
	return 0;
}

static void set_mark(struct nf_conn *ct, struct weft_flow_key *key,
		     const struct weft_ct_mark *m)
{
	u32 old = READ_ONCE(ct->mark);
	u32 mark = m->value | (old & ~m->mask);

	if (mark != old) {
		WRITE_ONCE(ct->mark, mark);
		if (nf_ct_is_confirmed(ct))
			nf_conntrack_event_cache(IPCT_MARK, ct);
	}
	key->ct.mark = mark;
}

static int set_labels(struct nf_conn *ct, struct weft_flow_key *key,
		      const struct weft_ct_labels *l)
{
	struct nf_conn_labels *cl = nf_ct_labels_find(ct);
	int err;

	if (!cl) {
		/* Only a connection not yet confirmed can grow the extension. */
		if (nf_ct_is_confirmed(ct))
			return -ENOSPC;
		cl = nf_ct_labels_ext_add(ct);
		if (!cl)
			return -ENOSPC;
	}
	err = nf_connlabels_replace(ct, (const u32 *)l->value,
				    (const u32 *)l->mask,
				    WEFT_CT_LABELS_LEN / sizeof(u32));
	if (err)
		return err;
	key_put_labels(key, ct);
	return 0;
}

/*
 * A related connection (an FTP data connection, say) starts with its
 * master's labels, as under openvswitch.ko, so that a pipeline that labels
 * the control connection sees the label on what it brings along;
 * nf_conntrack itself copies only the mark. The commit's own labels then
 * apply on top.
 */
static int inherit_labels(struct nf_conn *ct, struct weft_flow_key *key)
{
	struct nf_conn_labels *cl, *master_cl;

	if (!ct->master || nf_ct_is_confirmed(ct))
		return 0;
	master_cl = nf_ct_labels_find(ct->master);
	if (!master_cl ||
	    !memchr_inv(master_cl->bits, 0, sizeof(master_cl->bits)))
		return 0;
	cl = nf_ct_labels_find(ct);
	if (!cl)
		cl = nf_ct_labels_ext_add(ct);
	if (!cl)
		return -ENOSPC;
	memcpy(cl->bits, master_cl->bits, sizeof(cl->bits));
	key_put_labels(key, ct);
	return 0;
}

/* Commit: look up, set mark and labels, confirm. Return: 0 or -errno. */
static int ct_commit(struct net *net, struct weft_flow_key *key,
		     const struct weft_ct_info *info, struct sk_buff *skb)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;
	int err;

	err = ct_lookup(net, key, info, skb);
	if (err)
		return err;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return 0;	/* invalid: nothing to commit */
	/* Before the confirmation, so its first packet carries them. */
	if (info->have_mark)
		set_mark(ct, key, &info->mark);
	err = inherit_labels(ct, key);
	if (err)
		return err;
	if (info->have_labels) {
		err = set_labels(ct, key, &info->labels);
		if (err)
			return err;
	}
	if (nf_conntrack_confirm(skb) != NF_ACCEPT)
		return -EINVAL;
	return 0;
}

/*
 * Drop Ethernet padding: conntrack wants skb->len to be the IP length. A
 * length field of 0 on a GSO packet (BIG TCP) is left alone.
 */
static int trim_to_ip_len(struct sk_buff *skb, u16 family)
{
	unsigned int len;

	if (family == NFPROTO_IPV4) {
		if (!pskb_may_pull(skb, sizeof(struct iphdr)))
			return -EINVAL;
		len = ntohs(ip_hdr(skb)->tot_len);
		if (!len && skb_is_gso(skb))
			return 0;
		if (len < sizeof(struct iphdr))
			return -EINVAL;
	} else {
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			return -EINVAL;
		if (!ipv6_hdr(skb)->payload_len && skb_is_gso(skb))
			return 0;
		len = sizeof(struct ipv6hdr) +
		      ntohs(ipv6_hdr(skb)->payload_len);
	}
	if (len > skb->len)
		return -EINVAL;
	return pskb_trim_rcsum(skb, len);
}

int weft_ct_execute(struct net *net, struct sk_buff *skb,
		    struct weft_flow_key *key, const struct weft_ct_info *info)
{
	int nh_ofs = skb_network_offset(skb);
	int err;

	/* nf_conntrack works on the packet from its network header. */
	skb_pull_rcsum(skb, nh_ofs);
	err = trim_to_ip_len(skb, info->family);
	if (err) {
		/* Not a packet conntrack can read: invalid, not dropped. */
		skb_push_rcsum(skb, nh_ofs);
		weft_ct_clear(skb, key);
		key->ct.state = WEFT_CS_TRACKED | WEFT_CS_INVALID;
		key->ct.zone = info->zone.id;
		return 0;
	}

	if (key->ip.frag != WEFT_FRAG_NONE) {
		err = weft_ct_defrag(net, skb, key, info->zone.id);
		if (err)
			return err;	/* queued, or freed */
	}

	if (info->commit)
		err = ct_commit(net, key, info, skb);
	else
		err = ct_lookup(net, key, info, skb);

	skb_push_rcsum(skb, nh_ofs);
	skb_reset_mac_header(skb);
	/*
	 * Translated addresses and ports: the key follows the packet, for
	 * the actions after this one (an upcall's key, a set, a hash).
	 */
	if (!err && info->nat && key->ct.state & WEFT_CS_NAT_MASK)
		err = weft_flow_key_extract(skb, key);
	if (err)
		kfree_skb(skb);
	return err;
}

void weft_ct_clear(struct sk_buff *skb, struct weft_flow_key *key)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

	nf_ct_put(ct);
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
	memset(&key->ct, 0, sizeof(key->ct));
	memset(&key->ct_orig, 0, sizeof(key->ct_orig));
}

/*
 * Labels are 128 bits in every namespace, as the key has room for: each
 * namespace asks nf_conntrack for them while the module is loaded, so that
 * every new connection gets the extension.
 */
static int __net_init ct_net_init(struct net *net)
{
	return nf_connlabels_get(net, WEFT_CT_LABELS_LEN * BITS_PER_BYTE - 1);
}

static void __net_exit ct_net_exit(struct net *net)
{
	nf_connlabels_put(net);
}

static struct pernet_operations weft_ct_net_ops = {
	.init = ct_net_init,
	.exit = ct_net_exit,
};

int weft_ct_init(void)
{
	return register_pernet_subsys(&weft_ct_net_ops);
}

void weft_ct_exit(void)
{
	unregister_pernet_subsys(&weft_ct_net_ops);
}
