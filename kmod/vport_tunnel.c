// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel vports, the part GENEVE and VXLAN share: a netdevice that names
 * the port and counts its traffic (the host cannot send on it), and two UDP
 * sockets (IPv4 and IPv6, both on the port's destination port, in the
 * datapath's namespace) whose encap_rcv turns datagrams into packets of the
 * datapath with the outer headers in the flow key.
 *
 * Transmit is flow-based: the metadata of the last set(tunnel) action says
 * where to; the route is looked up per packet in the vport's namespace.
 * A packet that would not fit the underlay path once encapsulated is
 * answered with ICMP "fragmentation needed" / ICMPv6 "packet too big",
 * which enters the datapath as if the remote had sent it through the
 * tunnel, so the flows bring it back to the inner sender; it is counted.
 *
 * Lifetime: the device's private area is struct weft_tunnel. The sockets
 * point at it (sk_user_data); destroy clears the vport pointer, releases
 * the sockets and unregisters the device, which is freed only after the
 * vport's RCU grace period drops the last reference, so an encap_rcv that
 * already read sk_user_data finishes safely.
 */
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include "compat.h"
#include "datapath.h"
#include "tunnel.h"
#include "vport.h"

#define TUN_DEFAULT_TTL		64

struct weft_tunnel {
	struct weft_vport __rcu *vport;	/* NULL once the port is going */
	const struct weft_tunnel_proto *proto;
	struct net_device *dev;
	struct socket *sock4;
	struct socket *sock6;		/* NULL when IPv6 is unavailable */
	u16 dst_port;			/* host order */
	atomic64_t rx_malformed;
	atomic64_t tx_pmtu;
	atomic64_t tx_no_route;
	atomic64_t tx_errors;		/* other transmit failures */
};

static struct weft_tunnel *tunnel_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

/* The host cannot send on a tunnel port: it has no metadata to send with. */
static netdev_tx_t tunnel_dev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int tunnel_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void tunnel_dev_destructor(struct net_device *dev)
{
	free_percpu(dev->tstats);
	dev->tstats = NULL;
}

static void tunnel_dev_get_stats64(struct net_device *dev,
				   struct rtnl_link_stats64 *st)
{
	struct weft_tunnel *t = tunnel_priv(dev);

	dev_get_tstats64(dev, st);
	st->rx_errors += atomic64_read(&t->rx_malformed);
	st->tx_errors += atomic64_read(&t->tx_pmtu) +
			 atomic64_read(&t->tx_no_route) +
			 atomic64_read(&t->tx_errors);
}

static const struct net_device_ops tunnel_netdev_ops = {
	.ndo_init = tunnel_dev_init,
	.ndo_start_xmit = tunnel_dev_xmit,
	.ndo_get_stats64 = tunnel_dev_get_stats64,
};

static void tunnel_dev_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &tunnel_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = tunnel_dev_destructor;
	dev->priv_flags |= IFF_NO_QUEUE;
	weft_dev_set_lltx_netns_local(dev);
	/* The underlay path, not this device, limits what fits. */
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU;
	dev->mtu = IP_MAX_MTU;
	eth_hw_addr_random(dev);
}

/**
 * weft_vport_tunnel_is() - whether @dev is a weft tunnel device.
 * @dev: a netdevice.
 *
 * Return: true for a geneve or vxlan vport's device.
 */
bool weft_vport_tunnel_is(const struct net_device *dev)
{
	return dev->netdev_ops == &tunnel_netdev_ops;
}

/**
 * weft_vport_tunnel_get() - the vport of a weft tunnel device.
 * @dev: a weft tunnel device.
 *
 * Called under RCU or rtnl_lock.
 *
 * Return: the vport, or NULL once the port is being removed.
 */
struct weft_vport *weft_vport_tunnel_get(const struct net_device *dev)
{
	return rcu_dereference_rtnl(tunnel_priv(dev)->vport);
}

/* The outer IP and UDP headers into the key; Return: false if unusable. */
static bool tunnel_rx_outer(struct sk_buff *skb, struct weft_flow_key *key)
{
	const struct udphdr *uh = udp_hdr(skb);
	struct weft_key_tunnel *t = &key->tun;

	if (ip_hdr(skb)->version == 4) {
		const struct iphdr *iph = ip_hdr(skb);

		t->ipv4_src = iph->saddr;
		t->ipv4_dst = iph->daddr;
		t->tos = iph->tos;
		t->ttl = iph->ttl;
		if (iph->frag_off & htons(IP_DF))
			t->flags |= WEFT_TUNNEL_F_DF;
		if (uh->check)
			t->flags |= WEFT_TUNNEL_F_CSUM;
	} else if (ip_hdr(skb)->version == 6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		t->ipv6_src = ip6h->saddr;
		t->ipv6_dst = ip6h->daddr;
		t->tos = ipv6_get_dsfield(ip6h);
		t->ttl = ip6h->hop_limit;
		if (uh->check)
			t->flags |= WEFT_TUNNEL_F_CSUM;
	} else {
		return false;
	}
	t->tp_src = uh->source;
	t->tp_dst = uh->dest;
	return true;
}

/*
 * encap_rcv of both sockets: skb->data is at the UDP header, whose
 * checksum the UDP layer has verified. Return: 0, the packet is consumed.
 */
static int tunnel_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct weft_tunnel *t = rcu_dereference_sk_user_data(sk);
	struct weft_flow_key key;
	struct weft_vport *vport;
	int hlen;

	if (unlikely(!t))
		goto drop;
	vport = rcu_dereference(t->vport);
	if (unlikely(!vport))
		goto drop;
	weft_key_tun_clear(&key);
	if (!tunnel_rx_outer(skb, &key))
		goto malformed;
	hlen = t->proto->parse(skb, &key);
	if (hlen < 0)
		goto malformed;
	/* Pulls UDP and tunnel headers, scrubs the outer dst and state. */
	if (__iptunnel_pull_header(skb, sizeof(struct udphdr) + hlen,
				   htons(ETH_P_TEB), false,
				   !net_eq(sock_net(sk), dev_net(t->dev))))
		goto malformed;
	if (!pskb_may_pull(skb, ETH_HLEN))
		goto malformed;
	skb->dev = t->dev;
	skb->protocol = eth_type_trans(skb, t->dev);
	skb_push_rcsum(skb, ETH_HLEN);
	dev_sw_netstats_rx_add(t->dev, skb->len);
	/* Under RCU with BH disabled, as the UDP receive path runs. */
	weft_vport_receive_key(vport, skb, &key);
	return 0;

malformed:
	atomic64_inc(&t->rx_malformed);
drop:
	kfree_skb(skb);
	return 0;
}

static struct socket *tunnel_sock_create(struct net *net,
					 struct weft_tunnel *t, bool v6)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = t,
		.encap_type = 1,
		.encap_rcv = tunnel_encap_rcv,
	};
	struct udp_port_cfg cfg = {
		.local_udp_port = htons(t->dst_port),
	};
	struct socket *sock;
	int err;

	if (v6) {
		cfg.family = AF_INET6;
		cfg.ipv6_v6only = 1;
		/* Accept a zero checksum from peers that send one (OVS). */
		cfg.use_udp6_rx_checksums = 0;
		cfg.use_udp6_tx_checksums = 1;
	} else {
		cfg.family = AF_INET;
	}
	err = udp_sock_create(net, &cfg, &sock);
	if (err)
		return ERR_PTR(err);
	setup_udp_tunnel_sock(net, sock, &tcfg);
	return sock;
}

static int tunnel_parse_options(struct weft_tunnel *t,
				const struct weft_vport_parms *parms,
				struct netlink_ext_ack *extack)
{
	static const struct nla_policy policy[WEFT_VPORT_OPT_A_MAX + 1] = {
		[WEFT_VPORT_OPT_A_DST_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	};
	struct nlattr *tb[WEFT_VPORT_OPT_A_MAX + 1];
	int err;

	t->dst_port = t->proto->default_port;
	if (!parms->options)
		return 0;
	err = nla_parse_nested(tb, WEFT_VPORT_OPT_A_MAX, parms->options,
			       policy, extack);
	if (err)
		return err;
	if (tb[WEFT_VPORT_OPT_A_DST_PORT])
		t->dst_port = nla_get_u16(tb[WEFT_VPORT_OPT_A_DST_PORT]);
	return 0;
}

static void tunnel_release_socks(struct weft_tunnel *t)
{
	if (t->sock6)
		udp_tunnel_sock_release(t->sock6);
	if (t->sock4)
		udp_tunnel_sock_release(t->sock4);
	t->sock4 = NULL;
	t->sock6 = NULL;
}

/* Both sockets; IPv6 is optional (a kernel or namespace without it). */
static int tunnel_open_socks(struct weft_tunnel *t, struct net *net,
			     const struct weft_vport_parms *parms,
			     struct netlink_ext_ack *extack)
{
	struct socket *sock;

	sock = tunnel_sock_create(net, t, false);
	if (IS_ERR(sock)) {
		if (PTR_ERR(sock) == -EADDRINUSE)
			NL_SET_ERR_MSG(extack, "tunnel: the UDP port is already in use in the datapath's namespace");
		else
			NL_SET_ERR_MSG(extack, "tunnel: cannot open the IPv4 UDP socket");
		return PTR_ERR(sock);
	}
	t->sock4 = sock;
	sock = tunnel_sock_create(net, t, true);
	if (IS_ERR(sock)) {
		if (PTR_ERR(sock) == -EAFNOSUPPORT)
			return 0;
		tunnel_release_socks(t);
		if (PTR_ERR(sock) == -EADDRINUSE)
			NL_SET_ERR_MSG(extack, "tunnel: the UDP port is already in use (IPv6) in the datapath's namespace");
		else
			NL_SET_ERR_MSG(extack, "tunnel: cannot open the IPv6 UDP socket");
		return PTR_ERR(sock);
	}
	t->sock6 = sock;
	return 0;
}

/**
 * weft_tunnel_create() - create a tunnel vport: device, then sockets.
 * @ops: geneve or vxlan vport ops.
 * @proto: its wire format.
 * @parms: name, datapath, options.
 * @extack: why not.
 *
 * Called with rtnl_lock and weft_lock held.
 *
 * Return: the vport or ERR_PTR.
 */
struct weft_vport *weft_tunnel_create(const struct weft_vport_ops *ops,
				      const struct weft_tunnel_proto *proto,
				      const struct weft_vport_parms *parms,
				      struct netlink_ext_ack *extack)
{
	struct net *net = weft_dp_net(parms->dp);
	struct weft_vport *vport;
	struct net_device *dev;
	struct weft_tunnel *t;
	int err;

	if (!dev_valid_name(parms->name) || strchr(parms->name, '%')) {
		NL_SET_ERR_MSG_ATTR(extack, parms->name_attr,
				    "not a valid interface name");
		return ERR_PTR(-EINVAL);
	}
	vport = weft_vport_alloc(ops, parms);
	if (IS_ERR(vport))
		return vport;
	dev = alloc_netdev(sizeof(*t), parms->name, NET_NAME_USER,
			   tunnel_dev_setup);
	if (!dev) {
		err = -ENOMEM;
		goto err_free_vport;
	}
	t = tunnel_priv(dev);
	t->proto = proto;
	t->dev = dev;
	err = tunnel_parse_options(t, parms, extack);
	if (err)
		goto err_free_netdev;
	dev_net_set(dev, net);
	err = register_netdevice(dev);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(extack, parms->name_attr,
					    "a device with this name already exists");
		else
			NL_SET_ERR_MSG_ATTR(extack, parms->name_attr,
					    "cannot register the tunnel device");
		goto err_free_netdev;
	}
	err = dev_open(dev, extack);
	if (err)
		goto err_unregister;
	netdev_hold(dev, &vport->dev_tracker, GFP_KERNEL);
	vport->dev = dev;
	rcu_assign_pointer(t->vport, vport);
	/* Last: from here on packets arrive. */
	err = tunnel_open_socks(t, net, parms, extack);
	if (err) {
		RCU_INIT_POINTER(t->vport, NULL);
		unregister_netdevice(dev);
		weft_vport_free(vport);
		return ERR_PTR(err);
	}
	return vport;

err_unregister:
	unregister_netdevice(dev);
	kfree(vport);
	return ERR_PTR(err);
err_free_netdev:
	free_netdev(dev);
err_free_vport:
	kfree(vport);
	return ERR_PTR(err);
}

/**
 * weft_tunnel_destroy() - close the sockets, unregister the device.
 * @vport: a tunnel vport, unhashed.
 *
 * Called with rtnl_lock held.
 */
void weft_tunnel_destroy(struct weft_vport *vport)
{
	struct weft_tunnel *t = tunnel_priv(vport->dev);

	ASSERT_RTNL();
	RCU_INIT_POINTER(t->vport, NULL);
	tunnel_release_socks(t);
	unregister_netdevice(vport->dev);
	weft_vport_free(vport);
}

/* Where a packet goes: the resolved outer addresses and ports. */
struct tunnel_path {
	struct dst_entry *dst;
	__be32 saddr4;
	struct in6_addr saddr6;
	__be16 sport;
	__be16 dport;
	unsigned int overhead;	/* outer IP + UDP + tunnel header */
};

/*
 * The ICMP error that skb_tunnel_check_pmtu() made of @skb enters the
 * datapath as if the remote had sent it back through the tunnel (the
 * metadata reversed), so that the flows deliver it to the inner sender.
 */
static noinline void tunnel_pmtu_reply(struct weft_tunnel *t,
				       struct weft_vport *vport,
				       struct sk_buff *skb,
				       const struct weft_tun_set *ts,
				       const struct tunnel_path *p)
{
	struct weft_flow_key key;

	weft_key_tun_clear(&key);
	key.tun.id = weft_tun_set_id(ts);
	if (ts->family == AF_INET) {
		key.tun.ipv4_src = ts->ipv4_dst;
		key.tun.ipv4_dst = p->saddr4;
	} else {
		key.tun.ipv6_src = ts->ipv6_dst;
		key.tun.ipv6_dst = p->saddr6;
	}
	key.tun.ttl = TUN_DEFAULT_TTL;
	key.tun.tp_src = p->dport;
	key.tun.tp_dst = htons(t->dst_port);
	key.tun.flags = WEFT_TUNNEL_F_KEY;
	key.tun.opts_len = ts->opts_len;
	memcpy(weft_key_tun_opts(&key), ts->opts, ts->opts_len);
	skb->dev = t->dev;
	skb->protocol = eth_hdr(skb)->h_proto;
	weft_vport_receive_key(vport, skb, &key);
}

/*
 * Would @skb exceed the path MTU once encapsulated? Then answer the inner
 * sender with an ICMP error when it can take one (IPv4 with DF, IPv6),
 * or drop when the outer packet may not be fragmented; either way count
 * it. Return: true when @skb was consumed.
 */
static bool tunnel_too_big(struct weft_tunnel *t, struct weft_vport *vport,
			   struct sk_buff *skb, const struct weft_tun_set *ts,
			   const struct tunnel_path *p)
{
	unsigned int frame = ETH_HLEN + p->overhead, mtu = dst_mtu(p->dst);
	int ret;

	if (skb_vlan_tag_present(skb))
		frame += VLAN_HLEN;
	if (skb_is_gso(skb) ?
	    skb_gso_validate_network_len(skb, mtu > frame ? mtu - frame : 0) :
	    skb->len - ETH_HLEN + frame <= mtu)
		return false;

	/* The ICMP is built in place: the skb must be ours alone. */
	if (skb_unclone(skb, GFP_ATOMIC))
		goto drop;
	if (skb_is_gso(skb))
		skb_gso_reset(skb);
	/* We switch, so never "for this host", which the helper skips. */
	skb->pkt_type = PACKET_OTHERHOST;
	ret = skb_tunnel_check_pmtu(skb, p->dst, frame, true);
	if (ret > 0) {
		atomic64_inc(&t->tx_pmtu);
		tunnel_pmtu_reply(t, vport, skb, ts, p);
		return true;
	}
	if (ret == 0 && ts->family == AF_INET && !(ts->flags & WEFT_TUNNEL_F_DF))
		return false;	/* the outer IPv4 packet gets fragmented */
drop:
	atomic64_inc(&t->tx_pmtu);
	kfree_skb(skb);
	return true;
}

/* Headroom, in-band VLAN tag, offloads, the tunnel header. */
static struct sk_buff *tunnel_encap(struct weft_tunnel *t, struct sk_buff *skb,
				    const struct weft_tun_set *ts,
				    const struct tunnel_path *p)
{
	unsigned int room = LL_RESERVED_SPACE(p->dst->dev) + p->overhead;
	bool csum = ts->family == AF_INET6 || (ts->flags & WEFT_TUNNEL_F_CSUM);

	if (skb_vlan_tag_present(skb))
		room += VLAN_HLEN;
	if (skb_cow_head(skb, room))
		goto drop;
	if (skb_vlan_tag_present(skb)) {
		skb = __vlan_hwaccel_push_inside(skb);	/* frees on failure */
		if (!skb)
			return NULL;
	}
	if (udp_tunnel_handle_offloads(skb, csum))
		goto drop;
	t->proto->push(skb, ts);
	skb_set_inner_protocol(skb, htons(ETH_P_TEB));
	return skb;
drop:
	kfree_skb(skb);
	return NULL;
}

static int tunnel_route4(struct weft_tunnel *t, struct sk_buff *skb,
			 const struct weft_tun_set *ts, struct tunnel_path *p)
{
	struct flowi4 fl4 = {
		.daddr = ts->ipv4_dst,
		.saddr = ts->ipv4_src,
		.flowi4_tos = RT_TOS(ts->tos),
		.flowi4_proto = IPPROTO_UDP,
		.flowi4_mark = skb->mark,
		.fl4_sport = p->sport,
		.fl4_dport = p->dport,
	};
	struct rtable *rt;

	rt = ip_route_output_key(dev_net(t->dev), &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->dst.dev == t->dev) {	/* would loop */
		ip_rt_put(rt);
		return -ELOOP;
	}
	p->dst = &rt->dst;
	p->saddr4 = fl4.saddr;
	p->overhead += sizeof(struct iphdr);
	return 0;
}

static int tunnel_route6(struct weft_tunnel *t, struct sk_buff *skb,
			 const struct weft_tun_set *ts, struct tunnel_path *p)
{
	struct flowi6 fl6 = {
		.daddr = ts->ipv6_dst,
		.saddr = ts->ipv6_src,
		.flowlabel = ip6_make_flowinfo(ts->tos, 0),
		.flowi6_proto = IPPROTO_UDP,
		.flowi6_mark = skb->mark,
		.fl6_sport = p->sport,
		.fl6_dport = p->dport,
	};
	struct dst_entry *dst;

	if (!t->sock6)
		return -EAFNOSUPPORT;
	dst = ipv6_stub->ipv6_dst_lookup_flow(dev_net(t->dev), t->sock6->sk,
					      &fl6, NULL);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	if (dst->dev == t->dev) {
		dst_release(dst);
		return -ELOOP;
	}
	p->dst = dst;
	p->saddr6 = fl6.saddr;
	p->overhead += sizeof(struct ipv6hdr);
	return 0;
}

/**
 * weft_tunnel_send() - encapsulate @skb as @ts says and send it.
 * @vport: a geneve or vxlan vport.
 * @skb: the inner frame, data at its Ethernet header; consumed.
 * @ts: the last set(tunnel)'s metadata, or NULL (then dropped, counted).
 *
 * Called under RCU with BH disabled, from the actions.
 */
void weft_tunnel_send(struct weft_vport *vport, struct sk_buff *skb,
		      const struct weft_tun_set *ts)
{
	struct weft_tunnel *t = tunnel_priv(vport->dev);
	const struct weft_tunnel_proto *proto = t->proto;
	struct net *net = dev_net(t->dev);
	struct tunnel_path p = {};
	u8 ttl;

	if (unlikely(!ts))
		goto no_route;
	if (unlikely(ts->opts_len && proto->type != WEFT_VPORT_TYPE_GENEVE))
		goto error;
	p.sport = ts->tp_src ?: udp_flow_src_port(net, skb, proto->sport_min,
						  proto->sport_max, true);
	p.dport = ts->tp_dst ?: htons(t->dst_port);
	p.overhead = sizeof(struct udphdr) + proto->hdr_len(ts);
	if ((ts->family == AF_INET ? tunnel_route4(t, skb, ts, &p) :
	     tunnel_route6(t, skb, ts, &p)))
		goto no_route;
	if (tunnel_too_big(t, vport, skb, ts, &p))
		goto out_dst;
	skb = tunnel_encap(t, skb, ts, &p);
	if (!skb) {
		atomic64_inc(&t->tx_errors);
		goto out_dst;
	}
	ttl = ts->ttl ?: TUN_DEFAULT_TTL;
	if (ts->family == AF_INET) {
		/* Takes over the route's reference. */
		udp_tunnel_xmit_skb((struct rtable *)p.dst, t->sock4->sk, skb,
				    p.saddr4, ts->ipv4_dst, ts->tos, ttl,
				    ts->flags & WEFT_TUNNEL_F_DF ? htons(IP_DF) : 0,
				    p.sport, p.dport, false,
				    !(ts->flags & WEFT_TUNNEL_F_CSUM));
	} else {
		struct in6_addr daddr = ts->ipv6_dst;

		udp_tunnel6_xmit_skb(p.dst, t->sock6->sk, skb, t->dev,
				     &p.saddr6, &daddr, ts->tos, ttl, 0,
				     p.sport, p.dport, false);
	}
	return;

out_dst:
	dst_release(p.dst);
	return;
no_route:
	atomic64_inc(&t->tx_no_route);
	kfree_skb(skb);
	return;
error:
	atomic64_inc(&t->tx_errors);
	kfree_skb(skb);
}

/**
 * weft_tunnel_put_options() - WEFT_VPORT_A_OPTIONS of a tunnel vport.
 * @vport: the vport.
 * @skb: the reply.
 *
 * Return: 0 or -EMSGSIZE.
 */
int weft_tunnel_put_options(const struct weft_vport *vport, struct sk_buff *skb)
{
	struct weft_tunnel *t = tunnel_priv(vport->dev);
	struct nlattr *nest = nla_nest_start(skb, WEFT_VPORT_A_OPTIONS);

	if (!nest || nla_put_u16(skb, WEFT_VPORT_OPT_A_DST_PORT, t->dst_port))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * weft_tunnel_put_stats() - the tunnel counters, inside the stats nest.
 * @vport: the vport.
 * @skb: the reply.
 *
 * Return: 0 or -EMSGSIZE.
 */
int weft_tunnel_put_stats(const struct weft_vport *vport, struct sk_buff *skb)
{
	struct weft_tunnel *t = tunnel_priv(vport->dev);

	if (nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_RX_MALFORMED,
			      atomic64_read(&t->rx_malformed),
			      WEFT_VPORT_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_TX_PMTU,
			      atomic64_read(&t->tx_pmtu),
			      WEFT_VPORT_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_TX_NO_ROUTE,
			      atomic64_read(&t->tx_no_route),
			      WEFT_VPORT_STATS_A_PAD))
		return -EMSGSIZE;
	return 0;
}
