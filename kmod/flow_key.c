// SPDX-License-Identifier: GPL-2.0
/*
 * Flow key extraction: one pass over the packet's headers, from Ethernet to
 * the transport layer.
 *
 * The parser never moves skb->data: every header is addressed by its offset
 * from the Ethernet header, and pull() makes the bytes about to be read
 * linear first. pull() may reallocate the skb head, so a pointer into the
 * packet is only valid until the next pull(). Anything malformed or short
 * ends the walk at the last layer that could be read whole; the fields of
 * the layer that could not be read stay zero.
 */

#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <asm/unaligned.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <uapi/linux/weft.h>

#include "flow_key.h"

/* An Ethernet/IPv4 ARP packet: the only ARP the key describes. */
struct arp_eth_ipv4 {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];
	__be32 sip;
	u8 tha[ETH_ALEN];
	__be32 tip;
} __packed;

/* 802.2 LLC followed by a SNAP header carrying an EtherType. */
#define LLC_SNAP_LEN	8

/*
 * pull() - make the first @len bytes of @skb linear.
 * Return: 1 when they are, 0 when the packet is shorter than @len, -ENOMEM
 * when the skb could not be reallocated.
 */
static int pull(struct sk_buff *skb, unsigned int len)
{
	if (likely(len <= skb_headlen(skb)))
		return 1;
	if (len > skb->len)
		return 0;
	return __pskb_pull_tail(skb, len - skb_headlen(skb)) ? 1 : -ENOMEM;
}

static __be16 get_be16(const struct sk_buff *skb, unsigned int off)
{
	return get_unaligned((const __be16 *)(skb->data + off));
}

/*
 * parse_ethertype() - read the EtherType at *@off (linear already) into
 * eth.type and advance past it. An 802.3 length field is followed by LLC; a
 * SNAP header there carries the real EtherType, as in OVS's key.
 */
static int parse_ethertype(struct sk_buff *skb, struct weft_flow_key *key,
			   unsigned int *off)
{
	__be16 type = get_be16(skb, *off);
	const u8 *llc;
	int ret;

	*off += sizeof(__be16);
	if (eth_proto_is_802_3(type)) {
		key->eth.type = type;
		return 1;
	}

	key->eth.type = htons(ETH_P_802_2);
	ret = pull(skb, *off + LLC_SNAP_LEN);
	if (ret <= 0)
		return ret;
	llc = skb->data + *off;
	if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03 ||
	    llc[3] || llc[4] || llc[5])
		return 0;
	type = get_unaligned((const __be16 *)(llc + 6));
	if (!eth_proto_is_802_3(type))
		return 0;
	key->eth.type = type;
	*off += LLC_SNAP_LEN;
	return 1;
}

/*
 * parse_l2() - Ethernet addresses, up to two VLAN tags and the EtherType.
 * @off: out: where the network header starts (or would have).
 *
 * Return: 1 to go on with the network layer, 0 to stop, -ENOMEM.
 */
static int parse_l2(struct sk_buff *skb, struct weft_flow_key *key,
		    unsigned int *off)
{
	struct weft_key_vlan *tag;
	int tags = 0;
	int ret;

	*off = 0;
	ret = pull(skb, ETH_HLEN);
	if (ret <= 0)
		return ret;
	ether_addr_copy(key->eth.src, eth_hdr(skb)->h_source);
	ether_addr_copy(key->eth.dst, eth_hdr(skb)->h_dest);
	*off = 2 * ETH_ALEN;

	/* The rx path strips the outer tag into the skb: it comes first. */
	if (skb_vlan_tag_present(skb)) {
		key->eth.vlan.tpid = skb->vlan_proto;
		key->eth.vlan.tci = htons(skb_vlan_tag_get(skb) | VLAN_CFI_MASK);
		tags = 1;
	}

	/* Invariant: the two bytes at *off are linear. */
	while (eth_type_vlan(get_be16(skb, *off))) {
		__be16 tpid = get_be16(skb, *off);

		ret = tags < 2 ? pull(skb, *off + VLAN_HLEN + sizeof(__be16)) : 0;
		if (ret <= 0) {
			/* A third tag, or a truncated one: L2 is all we key. */
			key->eth.type = tpid;
			*off += sizeof(__be16);
			return ret;
		}
		tag = tags ? &key->eth.cvlan : &key->eth.vlan;
		tag->tpid = tpid;
		tag->tci = get_be16(skb, *off + sizeof(__be16)) |
			   htons(VLAN_CFI_MASK);
		*off += VLAN_HLEN;
		tags++;
	}
	return parse_ethertype(skb, key, off);
}

static int parse_tcp(struct sk_buff *skb, struct weft_flow_key *key,
		     unsigned int th)
{
	const struct tcphdr *tcp;
	unsigned int doff;
	int ret;

	ret = pull(skb, th + sizeof(*tcp));
	if (ret <= 0)
		return ret;
	tcp = (const struct tcphdr *)(skb->data + th);
	doff = tcp->doff * 4;
	if (doff < sizeof(*tcp) || doff > skb->len - th)
		return 0;
	key->tp.src = tcp->source;
	key->tp.dst = tcp->dest;
	/* The 12 flag bits share a 16-bit word with the data offset. */
	key->tp.flags = get_be16(skb, th + 12) & htons(0x0fff);
	return 1;
}

/* UDP and SCTP both start with the two ports. */
static int parse_ports(struct sk_buff *skb, struct weft_flow_key *key,
		       unsigned int th, unsigned int hdr_len)
{
	int ret = pull(skb, th + hdr_len);

	if (ret <= 0)
		return ret;
	key->tp.src = get_be16(skb, th);
	key->tp.dst = get_be16(skb, th + 2);
	return 1;
}

/* ICMP and ICMPv6 both start with type and code. */
static int parse_icmp(struct sk_buff *skb, struct weft_flow_key *key,
		      unsigned int th, unsigned int hdr_len)
{
	int ret = pull(skb, th + hdr_len);

	if (ret <= 0)
		return ret;
	key->tp.src = htons(skb->data[th]);
	key->tp.dst = htons(skb->data[th + 1]);
	return 1;
}

/*
 * parse_nd() - target and link-layer address options of a neighbour
 * solicitation or advertisement. Options are walked in 8-byte units; a zero
 * or overlong option length, or a repeated address option, makes the whole
 * message invalid and leaves the ND fields zero.
 */
static int parse_nd(struct sk_buff *skb, struct weft_flow_key *key,
		    unsigned int th)
{
	unsigned int len = skb->len - th;
	unsigned int pos, opt_len;
	const u8 *opt;
	u8 *lladdr;
	int ret;

	ret = pull(skb, th + sizeof(struct nd_msg));
	if (ret <= 0)
		return ret;
	key->ipv6.nd.target = ((const struct nd_msg *)(skb->data + th))->target;

	for (pos = sizeof(struct nd_msg); len - pos >= 8; pos += opt_len) {
		ret = pull(skb, th + pos + 8);
		if (ret <= 0)
			goto invalid;
		opt = skb->data + th + pos;
		opt_len = opt[1] * 8;
		if (!opt_len || opt_len > len - pos)
			goto invalid;
		if (opt_len != 8)
			continue;
		if (opt[0] == ND_OPT_SOURCE_LL_ADDR)
			lladdr = key->ipv6.nd.sll;
		else if (opt[0] == ND_OPT_TARGET_LL_ADDR)
			lladdr = key->ipv6.nd.tll;
		else
			continue;
		if (!is_zero_ether_addr(lladdr))
			goto invalid;
		ether_addr_copy(lladdr, opt + 2);
	}
	return 1;

invalid:
	memset(&key->ipv6.nd, 0, sizeof(key->ipv6.nd));
	return ret < 0 ? ret : 0;
}

static int parse_icmpv6(struct sk_buff *skb, struct weft_flow_key *key,
			unsigned int th)
{
	int ret = parse_icmp(skb, key, th, sizeof(struct icmp6hdr));

	if (ret <= 0)
		return ret;
	if (skb->data[th + 1] == 0 &&
	    (skb->data[th] == NDISC_NEIGHBOUR_SOLICITATION ||
	     skb->data[th] == NDISC_NEIGHBOUR_ADVERTISEMENT))
		return parse_nd(skb, key, th);
	return 1;
}

/* The transport layer of IPv4 or IPv6, by key->ip.proto. */
static int parse_l4(struct sk_buff *skb, struct weft_flow_key *key,
		    unsigned int th)
{
	bool v6 = key->eth.type == htons(ETH_P_IPV6);

	switch (key->ip.proto) {
	case IPPROTO_TCP:
		return parse_tcp(skb, key, th);
	case IPPROTO_UDP:
		return parse_ports(skb, key, th, sizeof(struct udphdr));
	case IPPROTO_SCTP:
		return parse_ports(skb, key, th, sizeof(struct sctphdr));
	case IPPROTO_ICMP:
		return v6 ? 1 : parse_icmp(skb, key, th, sizeof(struct icmphdr));
	case IPPROTO_ICMPV6:
		return v6 ? parse_icmpv6(skb, key, th) : 1;
	}
	return 1;
}

static int parse_ipv4(struct sk_buff *skb, struct weft_flow_key *key,
		      unsigned int nh)
{
	const struct iphdr *iph;
	unsigned int ihl;
	int ret;

	ret = pull(skb, nh + sizeof(*iph));
	if (ret <= 0)
		return ret;
	ihl = ip_hdrlen(skb);
	if (ihl < sizeof(*iph))
		return 0;
	ret = pull(skb, nh + ihl);
	if (ret <= 0)
		return ret;

	iph = ip_hdr(skb);
	key->ipv4.src = iph->saddr;
	key->ipv4.dst = iph->daddr;
	key->ip.proto = iph->protocol;
	key->ip.tos = iph->tos;
	key->ip.ttl = iph->ttl;
	skb_set_transport_header(skb, nh + ihl);
	if (iph->frag_off & htons(IP_OFFSET)) {
		/* Later fragments carry no transport header. */
		key->ip.frag = WEFT_FRAG_LATER;
		return 0;
	}
	if (iph->frag_off & htons(IP_MF))
		key->ip.frag = WEFT_FRAG_FIRST;
	return parse_l4(skb, key, nh + ihl);
}

/*
 * parse_ipv6_ext() - walk the extension headers from *@off, leaving
 * ip.proto at the upper-layer protocol and *@off at its header.
 *
 * Return: 1 when a transport header may follow at *@off, 0 when the chain
 * is broken, too long or ends in a later fragment, -ENOMEM.
 */
static int parse_ipv6_ext(struct sk_buff *skb, struct weft_flow_key *key,
			  unsigned int *off, u8 nexthdr)
{
	const struct frag_hdr *fh;
	unsigned int n, len;
	int ret;

	for (n = 0; ; n++) {
		key->ip.proto = nexthdr;
		if (nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
		    nexthdr != NEXTHDR_DEST && nexthdr != NEXTHDR_AUTH &&
		    nexthdr != NEXTHDR_FRAGMENT)
			return 1;
		if (n == WEFT_IPV6_MAX_EXT_HDRS)
			return 0;

		ret = pull(skb, *off + sizeof(struct frag_hdr));
		if (ret <= 0)
			return ret;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			fh = (const struct frag_hdr *)(skb->data + *off);
			nexthdr = fh->nexthdr;
			*off += sizeof(*fh);
			/*
			 * A later fragment has no upper-layer header, and
			 * openvswitch.ko reports its protocol as the fragment
			 * header's (44): a udp6 flow must not match it.
			 */
			if (fh->frag_off & htons(IP6_OFFSET)) {
				key->ip.frag = WEFT_FRAG_LATER;
				key->ip.proto = NEXTHDR_FRAGMENT;
				return 0;
			}
			key->ip.frag = WEFT_FRAG_FIRST;
			continue;
		}

		/* The length byte counts 8-octet units, AH's 4-octet ones. */
		if (nexthdr == NEXTHDR_AUTH)
			len = (skb->data[*off + 1] + 2) * 4;
		else
			len = (skb->data[*off + 1] + 1) * 8;
		if (len > skb->len - *off)
			return 0;
		nexthdr = skb->data[*off];
		*off += len;
	}
}

static int parse_ipv6(struct sk_buff *skb, struct weft_flow_key *key,
		      unsigned int nh)
{
	const struct ipv6hdr *ip6;
	unsigned int th = nh + sizeof(*ip6);
	int ret;

	ret = pull(skb, th);
	if (ret <= 0)
		return ret;
	ip6 = ipv6_hdr(skb);
	key->ipv6.src = ip6->saddr;
	key->ipv6.dst = ip6->daddr;
	key->ipv6.label = ip6_flowlabel(ip6);
	key->ip.tos = ipv6_get_dsfield(ip6);
	key->ip.ttl = ip6->hop_limit;

	ret = parse_ipv6_ext(skb, key, &th, ip6->nexthdr);
	skb_set_transport_header(skb, th);
	if (ret <= 0)
		return ret;
	return parse_l4(skb, key, th);
}

static int parse_arp(struct sk_buff *skb, struct weft_flow_key *key,
		     unsigned int nh)
{
	const struct arp_eth_ipv4 *arp;
	int ret;

	ret = pull(skb, nh + sizeof(*arp));
	if (ret <= 0)
		return ret;
	arp = (const struct arp_eth_ipv4 *)(skb->data + nh);
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4)
		return 0;

	/* The key has room for the low byte of the opcode only, as OVS's. */
	if (ntohs(arp->hdr.ar_op) <= 0xff)
		key->ip.proto = ntohs(arp->hdr.ar_op);
	key->ipv4.src = get_unaligned(&arp->sip);
	key->ipv4.dst = get_unaligned(&arp->tip);
	ether_addr_copy(key->ipv4.arp.sha, arp->sha);
	ether_addr_copy(key->ipv4.arp.tha, arp->tha);
	return 1;
}

int weft_flow_key_extract(struct sk_buff *skb, struct weft_flow_key *key)
{
	const size_t hdrs = offsetof(struct weft_flow_key, eth);
	unsigned int nh;
	int ret;

	memset((u8 *)key + hdrs, 0, sizeof(*key) - hdrs);
	skb_reset_mac_header(skb);

	ret = parse_l2(skb, key, &nh);
	skb_set_network_header(skb, nh);
	skb_set_transport_header(skb, nh);
	skb->mac_len = nh;
	if (ret <= 0)
		return ret;

	switch (key->eth.type) {
	case htons(ETH_P_IP):
		ret = parse_ipv4(skb, key, nh);
		break;
	case htons(ETH_P_IPV6):
		ret = parse_ipv6(skb, key, nh);
		break;
	case htons(ETH_P_ARP):
	case htons(ETH_P_RARP):
		ret = parse_arp(skb, key, nh);
		break;
	}
	return ret < 0 ? ret : 0;
}

int weft_flow_key_extract_userspace(struct sk_buff *skb,
				    struct weft_flow_key *key)
{
	__be16 type;

	if (pull(skb, ETH_HLEN) > 0) {
		type = get_be16(skb, 2 * ETH_ALEN);
		skb->protocol = eth_proto_is_802_3(type) ? type :
			       htons(ETH_P_802_2);
	}
	return weft_flow_key_extract(skb, key);
}
