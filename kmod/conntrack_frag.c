// SPDX-License-Identifier: GPL-2.0
/*
 * IP fragments around conntrack: nf_conntrack can only track whole packets,
 * so a ct action first hands a fragment to the kernel's reassembly (per
 * zone, like netfilter's own defrag), and an output of the reassembled
 * packet cuts it again into fragments no larger than the largest one that
 * arrived (the MRU), so that what leaves is what came in, as far as path
 * MTUs are concerned.
 *
 * Refragmentation borrows the IP stack's fragmenters (ip_do_fragment(),
 * ipv6's ip6_fragment()) with a stand-in route on the stack whose device is
 * the output port; each fragment comes back through frag_output(), gets the
 * saved Ethernet header back and leaves through the vport.
 */
#include <linux/if_vlan.h>
#include <linux/ipv6.h>
#include <linux/percpu.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip6_fib.h>
#include <net/ipv6.h>
#include <net/ipv6_frag.h>
#include <net/ipv6_stubs.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>
#include <net/route.h>

#include "conntrack.h"
#include "vport.h"

int weft_ct_defrag(struct net *net, struct sk_buff *skb,
		   struct weft_flow_key *key, u16 zone)
{
	u16 mru;
	int err;

	if (key->eth.type == htons(ETH_P_IP)) {
		memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
		/* Consumes the skb unless it returns 0 with the whole packet. */
		err = ip_defrag(net, skb, IP_DEFRAG_CONNTRACK_IN + zone);
		if (err)
			return err;
		mru = IPCB(skb)->frag_max_size;
	} else if (key->eth.type == htons(ETH_P_IPV6)) {
		memset(IP6CB(skb), 0, sizeof(struct inet6_skb_parm));
		err = nf_ct_frag6_gather(net, skb,
					 IP6_DEFRAG_CONNTRACK_IN + zone);
		if (err) {
			if (err != -EINPROGRESS)
				kfree_skb(skb);
			return err;
		}
		key->ip.proto = ipv6_hdr(skb)->nexthdr;
		mru = IP6CB(skb)->frag_max_size;
	} else {
		kfree_skb(skb);
		return -EPFNOSUPPORT;
	}
	key->ip.frag = WEFT_FRAG_NONE;
	key->ct_mru = mru;
	skb_clear_hash(skb);
	/* The fragmenters refuse a DF packet larger than the MTU otherwise. */
	skb->ignore_df = 1;
	return 0;
}

/* What frag_output() needs to put each fragment back on the wire. */
struct frag_ctx {
	struct weft_vport *vport;
	const struct weft_tun_set *ts;
	unsigned long refdst;
	__be16 vlan_proto;
	u16 vlan_tci;
	bool vlan_present;
	u8 l2_len;
	u8 l2[ETH_HLEN + 2 * VLAN_HLEN];	/* what the key parses */
};

/* One per CPU: fragments are sent with BH disabled, one packet at a time. */
static DEFINE_PER_CPU(struct frag_ctx, weft_frag_ctx);

static int frag_output(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	struct frag_ctx *c = this_cpu_ptr(&weft_frag_ctx);

	if (skb_cow_head(skb, c->l2_len) < 0) {
		kfree_skb(skb);
		return -ENOMEM;
	}
	/* Not the stand-in route, which lives on a stack about to unwind. */
	__skb_dst_copy(skb, c->refdst);
	if (c->vlan_present)
		__vlan_hwaccel_put_tag(skb, c->vlan_proto, c->vlan_tci);
	else
		__vlan_hwaccel_clear_tag(skb);
	skb_push(skb, c->l2_len);
	memcpy(skb->data, c->l2, c->l2_len);
	skb_postpush_rcsum(skb, skb->data, c->l2_len);
	skb_reset_mac_header(skb);
	weft_vport_send(c->vport, skb, c->ts);
	return 0;
}

static unsigned int frag_dst_mtu(const struct dst_entry *dst)
{
	return dst->dev->mtu;
}

static struct dst_ops frag_dst_ops = {
	.family = AF_UNSPEC,
	.mtu = frag_dst_mtu,
};

/* Save what the fragmenters do not keep; leave skb->data at the IP header. */
static void frag_prepare(struct frag_ctx *c, struct weft_vport *vport,
			 struct sk_buff *skb, const struct weft_tun_set *ts)
{
	struct sk_buff *frag;

	c->vport = vport;
	c->ts = ts;
	c->refdst = skb->_skb_refdst;
	c->vlan_present = skb_vlan_tag_present(skb);
	c->vlan_proto = skb->vlan_proto;
	c->vlan_tci = skb_vlan_tag_get(skb);
	c->l2_len = skb_network_offset(skb);
	memcpy(c->l2, skb->data, c->l2_len);
	skb_pull(skb, c->l2_len);
	/*
	 * A checksum the device computed over the whole packet is no good
	 * for its pieces: let the receiver check them in software.
	 */
	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		skb->ip_summed = CHECKSUM_NONE;
		skb_walk_frags(skb, frag)
			frag->ip_summed = CHECKSUM_NONE;
	}
}

static noinline void fragment_ipv4(struct net *net, struct sk_buff *skb,
				   u16 mru, struct net_device *dev)
{
	struct rtable rt = {};
	unsigned long orig = skb->_skb_refdst;

	dst_init(&rt.dst, &frag_dst_ops, NULL, 1, DST_OBSOLETE_NONE,
		 DST_NOCOUNT);
	rt.dst.dev = dev;
	skb_dst_set_noref(skb, &rt.dst);
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	IPCB(skb)->frag_max_size = mru;
	ip_do_fragment(net, skb->sk, skb, frag_output);
	refdst_drop(orig);
}

static noinline void fragment_ipv6(struct net *net, struct sk_buff *skb,
				   u16 mru, struct net_device *dev)
{
	struct rt6_info rt;
	unsigned long orig = skb->_skb_refdst;

	memset(&rt, 0, sizeof(rt));
	dst_init(&rt.dst, &frag_dst_ops, NULL, 1, DST_OBSOLETE_NONE,
		 DST_NOCOUNT);
	rt.dst.dev = dev;
	skb_dst_set_noref(skb, &rt.dst);
	memset(IP6CB(skb), 0, sizeof(struct inet6_skb_parm));
	IP6CB(skb)->frag_max_size = mru;
	ipv6_stub->ipv6_fragment(net, skb->sk, skb, frag_output);
	refdst_drop(orig);
}

void weft_ct_fragment_send(struct net *net, struct weft_vport *vport,
			   struct sk_buff *skb, u16 mru,
			   const struct weft_tun_set *ts)
{
	struct frag_ctx *c = this_cpu_ptr(&weft_frag_ctx);
	unsigned int hlen = skb_network_offset(skb);
	__be16 proto;

	if (hlen < ETH_HLEN || hlen > sizeof(c->l2) ||
	    mru > vport->dev->mtu)
		goto drop;
	if (skb_ensure_writable(skb, hlen))
		goto drop;
	proto = vlan_get_protocol(skb);
	/*
	 * ip6_fragment() refuses a packet over the MTU unless told it may cut
	 * it. Defrag says so, but a reassembled packet that went up to
	 * userspace comes back in PACKET_EXECUTE as a new skb with only its
	 * MRU: say it again here, where the MRU is what counts.
	 */
	skb->ignore_df = 1;
	frag_prepare(c, vport, skb, ts);
	if (proto == htons(ETH_P_IP) && mru >= IPV4_MIN_MTU)
		fragment_ipv4(net, skb, mru, vport->dev);
	else if (proto == htons(ETH_P_IPV6))
		fragment_ipv6(net, skb, mru, vport->dev);
	else
		goto drop;
	return;
drop:
	dev_core_stats_tx_dropped_inc(vport->dev);
	kfree_skb(skb);
}
