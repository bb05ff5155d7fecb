// SPDX-License-Identifier: GPL-2.0
/*
 * Set actions and dec_ttl on packets: rewrite header fields, keep every
 * checksum right, and keep the flow key in step so that later actions (and
 * a recirculation) see the new values.
 *
 * Checksums, by kind of field:
 * - IPv4 header fields: the header checksum is updated incrementally; the
 *   header then sums to the same value, so skb->csum (CHECKSUM_COMPLETE)
 *   needs no change.
 * - Pseudo-header fields (IPv4/IPv6 addresses): the TCP, UDP or ICMPv6
 *   checksum too, through inet_proto_csum_replace*(..., true), which also
 *   fixes skb->csum where needed. A UDP checksum of 0 means "none" and stays
 *   0; a computed 0 is sent as CSUM_MANGLED_0.
 * - Fields inside the L4 checksum (ports, ND target and addresses): the L4
 *   checksum, which cancels the change in skb->csum.
 * - Fields nothing covers (Ethernet, ARP, IPv6 class/label/hop limit): only
 *   skb->csum, by subtracting the old bytes and adding the new.
 * - SCTP: a CRC32c over the whole packet, recomputed before and after.
 * With CHECKSUM_PARTIAL the L4 checksum holds only the pseudo-header sum and
 * the rest is computed at transmit, which the kernel helpers account for.
 */
#include <linux/crc32.h>
#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "actions_int.h"

#define MASKED(old, val, mask)	(((old) & ~(mask)) | (val))

static void masked_copy(u8 *dst, const u8 *val, const u8 *mask, int len)
{
	int i;

	for (i = 0; i < len; i++)
		dst[i] = MASKED(dst[i], val[i], mask[i]);
}

/* Take @len bytes at @p out of skb->csum before they change... */
static void rcsum_sub(struct sk_buff *skb, const void *p, int len)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->csum = csum_block_sub(skb->csum, csum_partial(p, len, 0),
					   (const u8 *)p - skb->data);
}

/* ... and put them back once they have. */
static void rcsum_add(struct sk_buff *skb, const void *p, int len)
{
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->csum = csum_block_add(skb->csum, csum_partial(p, len, 0),
					   (const u8 *)p - skb->data);
}

static int set_eth(struct sk_buff *skb, struct weft_flow_key *key,
		   const struct weft_set_eth *v, const struct weft_set_eth *m)
{
	struct ethhdr *eh;
	int err;

	err = skb_ensure_writable(skb, ETH_HLEN);
	if (err)
		return err;
	eh = (struct ethhdr *)skb->data;
	rcsum_sub(skb, eh, 2 * ETH_ALEN);
	masked_copy(eh->h_source, v->src, m->src, ETH_ALEN);
	masked_copy(eh->h_dest, v->dst, m->dst, ETH_ALEN);
	rcsum_add(skb, eh, 2 * ETH_ALEN);
	ether_addr_copy(key->eth.src, eh->h_source);
	ether_addr_copy(key->eth.dst, eh->h_dest);
	return 0;
}

/*
 * Make the checksum field of the packet's TCP, UDP or (@ipv6) ICMPv6 header
 * writable. Return: its offset from skb->data; 0 when there is none to
 * update (another protocol, a later fragment, a truncated header); -errno.
 */
static int l4_csum_offset(struct sk_buff *skb, const struct weft_flow_key *key,
			  bool ipv6)
{
	int thoff, field, end, err;

	if (key->ip.frag == WEFT_FRAG_LATER ||
	    !skb_transport_header_was_set(skb))
		return 0;
	switch (key->ip.proto) {
	case IPPROTO_TCP:
		field = offsetof(struct tcphdr, check);
		end = sizeof(struct tcphdr);
		break;
	case IPPROTO_UDP:
		field = offsetof(struct udphdr, check);
		end = sizeof(struct udphdr);
		break;
	case IPPROTO_ICMPV6:
		if (!ipv6)
			return 0;
		field = offsetof(struct icmp6hdr, icmp6_cksum);
		end = field + sizeof(__sum16);
		break;
	default:
		return 0;
	}
	thoff = skb_transport_offset(skb);
	if (thoff <= skb_network_offset(skb) || thoff + end > skb->len)
		return 0;
	err = skb_ensure_writable(skb, thoff + end);
	return err ? err : thoff + field;
}

/* A pseudo-header address changes from @from to @to (@words 32-bit words). */
static void l4_csum_addr(struct sk_buff *skb, __sum16 *csum, bool udp,
			 const __be32 *from, const __be32 *to, int words)
{
	if (udp && !*csum && skb->ip_summed != CHECKSUM_PARTIAL)
		return;
	if (words == 1)
		inet_proto_csum_replace4(csum, skb, *from, *to, true);
	else
		inet_proto_csum_replace16(csum, skb, from, to, true);
	if (udp && !*csum)
		*csum = CSUM_MANGLED_0;
}

static void set_ipv4_addr(struct sk_buff *skb, struct iphdr *nh, __be32 *addr,
			  __be32 new, __sum16 *l4, bool udp)
{
	if (new == *addr)
		return;
	if (l4)
		l4_csum_addr(skb, l4, udp, addr, &new, 1);
	csum_replace4(&nh->check, *addr, new);
	*addr = new;
	skb_clear_hash(skb);
}

static int set_ipv4(struct sk_buff *skb, struct weft_flow_key *key,
		    const struct weft_set_ipv4 *v, const struct weft_set_ipv4 *m)
{
	bool udp = key->ip.proto == IPPROTO_UDP;
	__sum16 *l4 = NULL;
	struct iphdr *nh;
	int l4off, err;
	u8 ttl;

	err = skb_ensure_writable(skb, skb_network_offset(skb) + sizeof(*nh));
	if (err)
		return err;
	if (m->src || m->dst) {
		l4off = l4_csum_offset(skb, key, false);
		if (l4off < 0)
			return l4off;
		if (l4off)
			l4 = (__sum16 *)(skb->data + l4off);
	}
	nh = ip_hdr(skb);
	if (m->src)
		set_ipv4_addr(skb, nh, &nh->saddr,
			      MASKED(nh->saddr, v->src, m->src), l4, udp);
	if (m->dst)
		set_ipv4_addr(skb, nh, &nh->daddr,
			      MASKED(nh->daddr, v->dst, m->dst), l4, udp);
	if (m->tos)
		ipv4_change_dsfield(nh, ~m->tos, v->tos);
	if (m->ttl) {
		ttl = MASKED(nh->ttl, v->ttl, m->ttl);
		csum_replace2(&nh->check, htons(nh->ttl << 8), htons(ttl << 8));
		nh->ttl = ttl;
	}
	key->ipv4.src = nh->saddr;
	key->ipv4.dst = nh->daddr;
	key->ip.tos = nh->tos;
	key->ip.ttl = nh->ttl;
	return 0;
}

static void set_ipv6_addr(struct sk_buff *skb, struct in6_addr *addr,
			  const struct in6_addr *v, const struct in6_addr *m,
			  __sum16 *l4, bool udp)
{
	struct in6_addr new;
	int i;

	for (i = 0; i < 4; i++)
		new.s6_addr32[i] = MASKED(addr->s6_addr32[i], v->s6_addr32[i],
					  m->s6_addr32[i]);
	if (ipv6_addr_equal(&new, addr))
		return;
	if (l4)
		l4_csum_addr(skb, l4, udp, addr->s6_addr32, new.s6_addr32, 4);
	*addr = new;
	skb_clear_hash(skb);
}

static int set_ipv6(struct sk_buff *skb, struct weft_flow_key *key,
		    const struct weft_set_ipv6 *v, const struct weft_set_ipv6 *m)
{
	bool udp = key->ip.proto == IPPROTO_UDP;
	__sum16 *l4 = NULL;
	struct ipv6hdr *nh;
	__be32 *word;
	int l4off, err;

	err = skb_ensure_writable(skb, skb_network_offset(skb) + sizeof(*nh));
	if (err)
		return err;
	if (!ipv6_addr_any(&m->src) || !ipv6_addr_any(&m->dst)) {
		l4off = l4_csum_offset(skb, key, true);
		if (l4off < 0)
			return l4off;
		if (l4off)
			l4 = (__sum16 *)(skb->data + l4off);
	}
	nh = ipv6_hdr(skb);
	set_ipv6_addr(skb, &nh->saddr, &v->src, &m->src, l4, udp);
	set_ipv6_addr(skb, &nh->daddr, &v->dst, &m->dst, l4, udp);
	if (m->tclass || m->label || m->hlimit) {
		/* Class, label and hop limit sit in the first 8 bytes. */
		rcsum_sub(skb, nh, 8);
		if (m->tclass)
			ipv6_change_dsfield(nh, ~m->tclass, v->tclass);
		word = (__be32 *)nh;
		*word = MASKED(*word, v->label, m->label);
		nh->hop_limit = MASKED(nh->hop_limit, v->hlimit, m->hlimit);
		rcsum_add(skb, nh, 8);
	}
	key->ipv6.src = nh->saddr;
	key->ipv6.dst = nh->daddr;
	key->ipv6.label = *(__be32 *)nh & htonl(IPV6_FLOWLABEL_MASK);
	key->ip.tos = ipv6_get_dsfield(nh);
	key->ip.ttl = nh->hop_limit;
	return 0;
}

/*
 * The transport header of @proto, made writable for @len bytes.
 * Return: its offset, 0 for a later fragment (no header to rewrite), -errno.
 */
static int l4_header(struct sk_buff *skb, const struct weft_flow_key *key,
		     u8 proto, int len)
{
	int thoff, err;

	if (key->ip.proto != proto || key->ip.frag == WEFT_FRAG_LATER)
		return 0;
	if (!skb_transport_header_was_set(skb))
		return -EINVAL;
	thoff = skb_transport_offset(skb);
	if (thoff <= skb_network_offset(skb))
		return -EINVAL;
	err = skb_ensure_writable(skb, thoff + len);
	return err ? err : thoff;
}

/* TCP and UDP ports: the checksum covers them, not the pseudo-header. */
static int set_tp(struct sk_buff *skb, struct weft_flow_key *key,
		  const struct weft_set_tp *v, const struct weft_set_tp *m,
		  u8 proto)
{
	bool tcp = proto == IPPROTO_TCP;
	__be16 *ports, new;
	__sum16 *csum;
	bool fix;
	int thoff, i;

	thoff = l4_header(skb, key, proto, tcp ? sizeof(struct tcphdr) :
						 sizeof(struct udphdr));
	if (thoff <= 0)
		return thoff;
	ports = (__be16 *)(skb->data + thoff);
	csum = tcp ? &tcp_hdr(skb)->check : &udp_hdr(skb)->check;
	fix = tcp || *csum || skb->ip_summed == CHECKSUM_PARTIAL;
	for (i = 0; i < 2; i++) {
		new = MASKED(ports[i], i ? v->dst : v->src, i ? m->dst : m->src);
		if (new == ports[i])
			continue;
		if (fix)
			inet_proto_csum_replace2(csum, skb, ports[i], new, false);
		ports[i] = new;
	}
	if (!tcp && fix && !*csum)
		*csum = CSUM_MANGLED_0;
	key->tp.src = ports[0];
	key->tp.dst = ports[1];
	skb_clear_hash(skb);
	return 0;
}

/* ICMP and ICMPv6 type and code: one 16-bit word of the header, which
 * the checksum covers (and no pseudo-header field). */
static int set_icmp(struct sk_buff *skb, struct weft_flow_key *key,
		    const struct weft_set_icmp *v, const struct weft_set_icmp *m,
		    bool v6)
{
	u8 *h;
	__sum16 *csum;
	__be16 old, new;
	int thoff;

	thoff = l4_header(skb, key, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, 4);
	if (thoff <= 0)
		return thoff;
	h = skb->data + thoff;
	csum = (__sum16 *)(h + 2);
	memcpy(&old, h, sizeof(old));
	h[0] = MASKED(h[0], v->type, m->type);
	h[1] = MASKED(h[1], v->code, m->code);
	memcpy(&new, h, sizeof(new));
	if (old != new)
		inet_proto_csum_replace2(csum, skb, old, new, false);
	key->tp.src = htons(h[0]);
	key->tp.dst = htons(h[1]);
	return 0;
}

/* SCTP's CRC32c through skb_checksum(), without needing libcrc32c. */
static __wsum crc32c_update(const void *buf, int len, __wsum sum)
{
	return (__force __wsum)__crc32c_le((__force u32)sum, buf, len);
}

static __wsum crc32c_combine(__wsum crc, __wsum crc2, int offset, int len)
{
	return (__force __wsum)__crc32c_le_combine((__force u32)crc,
						   (__force u32)crc2, len);
}

static const struct skb_checksum_ops crc32c_ops = {
	.update = crc32c_update,
	.combine = crc32c_combine,
};

static __le32 sctp_crc(struct sk_buff *skb, int thoff)
{
	struct sctphdr *sh = (struct sctphdr *)(skb->data + thoff);
	__le32 old = sh->checksum;
	u32 crc;

	sh->checksum = 0;
	crc = ~(__force u32)__skb_checksum(skb, thoff, skb->len - thoff,
					   (__force __wsum)~0U, &crc32c_ops);
	sh->checksum = old;
	return cpu_to_le32(crc);
}

static int set_sctp(struct sk_buff *skb, struct weft_flow_key *key,
		    const struct weft_set_tp *v, const struct weft_set_tp *m)
{
	struct sctphdr *sh;
	__le32 old, old_crc = 0;
	int thoff;

	thoff = l4_header(skb, key, IPPROTO_SCTP, sizeof(*sh));
	if (thoff <= 0)
		return thoff;
	sh = (struct sctphdr *)(skb->data + thoff);
	old = sh->checksum;
	/* Keep a wrong CRC wrong: only the change of the ports is applied. */
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		old_crc = sctp_crc(skb, thoff);
	sh->source = MASKED(sh->source, v->src, m->src);
	sh->dest = MASKED(sh->dest, v->dst, m->dst);
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		sh->checksum = old ^ old_crc ^ sctp_crc(skb, thoff);
	key->tp.src = sh->source;
	key->tp.dst = sh->dest;
	skb_clear_hash(skb);
	return 0;
}

/* An Ethernet/IPv4 ARP body: the only kind flow key extraction reads. */
struct arp_eth_ipv4 {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];
	u8 sip[4];
	u8 tha[ETH_ALEN];
	u8 tip[4];
} __packed;

static int set_arp(struct sk_buff *skb, struct weft_flow_key *key,
		   const struct weft_set_arp *v, const struct weft_set_arp *m)
{
	struct arp_eth_ipv4 *arp;
	int err;

	err = skb_ensure_writable(skb, skb_network_offset(skb) + sizeof(*arp));
	if (err)
		return err;
	arp = (struct arp_eth_ipv4 *)skb_network_header(skb);
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4)
		return 0;
	rcsum_sub(skb, arp, sizeof(*arp));
	arp->hdr.ar_op = MASKED(arp->hdr.ar_op, v->op, m->op);
	masked_copy(arp->sha, v->sha, m->sha, ETH_ALEN);
	masked_copy(arp->sip, (const u8 *)&v->sip, (const u8 *)&m->sip, 4);
	masked_copy(arp->tha, v->tha, m->tha, ETH_ALEN);
	masked_copy(arp->tip, (const u8 *)&v->tip, (const u8 *)&m->tip, 4);
	rcsum_add(skb, arp, sizeof(*arp));
	memcpy(&key->ipv4.src, arp->sip, 4);
	memcpy(&key->ipv4.dst, arp->tip, 4);
	ether_addr_copy(key->ipv4.arp.sha, arp->sha);
	ether_addr_copy(key->ipv4.arp.tha, arp->tha);
	/* The key keeps the opcode in ip.proto when it fits a byte. */
	key->ip.proto = ntohs(arp->hdr.ar_op) <= 0xff ? ntohs(arp->hdr.ar_op) : 0;
	return 0;
}

/* A link-layer address option of ND; its bytes count in the ICMPv6 sum. */
static void set_nd_ll(struct sk_buff *skb, __sum16 *csum, u8 *addr,
		      const u8 *v, const u8 *m, u8 *key_addr)
{
	u8 new[ETH_ALEN];
	int i;

	memcpy(new, addr, ETH_ALEN);
	masked_copy(new, v, m, ETH_ALEN);
	for (i = 0; i < ETH_ALEN; i += 2)
		inet_proto_csum_replace2(csum, skb,
					 get_unaligned((__be16 *)(addr + i)),
					 get_unaligned((__be16 *)(new + i)),
					 false);
	memcpy(addr, new, ETH_ALEN);
	ether_addr_copy(key_addr, new);
}

static void set_nd_options(struct sk_buff *skb, struct weft_flow_key *key,
			   const struct weft_set_nd *v,
			   const struct weft_set_nd *m, struct icmp6hdr *icmp,
			   int off)
{
	while (off + 8 <= skb->len) {
		u8 *opt = skb->data + off;
		int len = opt[1] * 8;

		if (!len || off + len > skb->len)
			return;
		/* An Ethernet address option is 8 bytes: type, len, address. */
		if (len == 8 && opt[0] == ND_OPT_SOURCE_LL_ADDR &&
		    !is_zero_ether_addr(m->sll))
			set_nd_ll(skb, &icmp->icmp6_cksum, opt + 2, v->sll,
				  m->sll, key->ipv6.nd.sll);
		else if (len == 8 && opt[0] == ND_OPT_TARGET_LL_ADDR &&
			 !is_zero_ether_addr(m->tll))
			set_nd_ll(skb, &icmp->icmp6_cksum, opt + 2, v->tll,
				  m->tll, key->ipv6.nd.tll);
		off += len;
	}
}

static int set_nd(struct sk_buff *skb, struct weft_flow_key *key,
		  const struct weft_set_nd *v, const struct weft_set_nd *m)
{
	struct in6_addr *target, new;
	struct icmp6hdr *icmp;
	int thoff, err, i;

	thoff = l4_header(skb, key, IPPROTO_ICMPV6,
			  sizeof(*icmp) + sizeof(*target));
	if (thoff <= 0)
		return thoff;
	/* Options run to the end of the packet: ND messages are small. */
	err = skb_ensure_writable(skb, skb->len);
	if (err)
		return err;
	icmp = (struct icmp6hdr *)(skb->data + thoff);
	target = (struct in6_addr *)(icmp + 1);
	if (!ipv6_addr_any(&m->target)) {
		for (i = 0; i < 4; i++)
			new.s6_addr32[i] = MASKED(target->s6_addr32[i],
						  v->target.s6_addr32[i],
						  m->target.s6_addr32[i]);
		inet_proto_csum_replace16(&icmp->icmp6_cksum, skb,
					  target->s6_addr32, new.s6_addr32,
					  false);
		*target = new;
		key->ipv6.nd.target = new;
	}
	if (!is_zero_ether_addr(m->sll) || !is_zero_ether_addr(m->tll))
		set_nd_options(skb, key, v, m, icmp,
			       thoff + sizeof(*icmp) + sizeof(*target));
	return 0;
}

static void set_u32(u32 *field, u32 *key_field, const struct weft_set_action *sa)
{
	const u32 *v = weft_set_value(sa), *m = weft_set_mask(sa);

	*field = MASKED(*field, *v, *m);
	*key_field = *field;
}

/**
 * weft_actions_set() - run one set action on @skb.
 * @skb: the packet, skb->data at its Ethernet header; not consumed.
 * @key: its key, updated to the new values.
 * @sa: the action, checked by weft_set_nl_convert() against the flow.
 *
 * Return: 0, or -errno when the packet could not be rewritten (drop it).
 */
int weft_actions_set(struct sk_buff *skb, struct weft_flow_key *key,
		     const struct weft_set_action *sa)
{
	const void *v = weft_set_value(sa), *m = weft_set_mask(sa);

	if (unlikely(skb->data != skb_mac_header(skb)))
		return -EINVAL;
	switch (sa->key_attr) {
	case WEFT_KEY_A_SKB_MARK:
		set_u32(&skb->mark, &key->md.skb_mark, sa);
		return 0;
	case WEFT_KEY_A_PRIORITY:
		set_u32(&skb->priority, &key->md.priority, sa);
		return 0;
	case WEFT_KEY_A_ETHERNET:
		return set_eth(skb, key, v, m);
	case WEFT_KEY_A_IPV4:
		return set_ipv4(skb, key, v, m);
	case WEFT_KEY_A_IPV6:
		return set_ipv6(skb, key, v, m);
	case WEFT_KEY_A_TCP:
		return set_tp(skb, key, v, m, IPPROTO_TCP);
	case WEFT_KEY_A_UDP:
		return set_tp(skb, key, v, m, IPPROTO_UDP);
	case WEFT_KEY_A_SCTP:
		return set_sctp(skb, key, v, m);
	case WEFT_KEY_A_ICMP:
		return set_icmp(skb, key, v, m, false);
	case WEFT_KEY_A_ICMPV6:
		return set_icmp(skb, key, v, m, true);
	case WEFT_KEY_A_ARP:
		return set_arp(skb, key, v, m);
	case WEFT_KEY_A_ND:
		return set_nd(skb, key, v, m);
	}
	return -EINVAL;
}

/**
 * weft_actions_dec_ttl() - decrement the IPv4 TTL or IPv6 hop limit.
 * @skb: the packet; not consumed. Neither IPv4 nor IPv6: left alone.
 * @key: its key, updated.
 *
 * Return: 0; -EHOSTUNREACH when the TTL is 1 or 0 (the packet is not
 * changed); another -errno when the packet could not be rewritten.
 */
int weft_actions_dec_ttl(struct sk_buff *skb, struct weft_flow_key *key)
{
	int noff = skb_network_offset(skb);
	struct ipv6hdr *nh6;
	struct iphdr *nh;
	int err;

	if (key->eth.type == htons(ETH_P_IP)) {
		err = skb_ensure_writable(skb, noff + sizeof(*nh));
		if (err)
			return err;
		nh = ip_hdr(skb);
		if (nh->ttl <= 1)
			return -EHOSTUNREACH;
		/* The header checksum absorbs the change: skb->csum holds. */
		ip_decrease_ttl(nh);
		key->ip.ttl = nh->ttl;
	} else if (key->eth.type == htons(ETH_P_IPV6)) {
		err = skb_ensure_writable(skb, noff + sizeof(*nh6));
		if (err)
			return err;
		nh6 = ipv6_hdr(skb);
		if (nh6->hop_limit <= 1)
			return -EHOSTUNREACH;
		rcsum_sub(skb, &nh6->payload_len, 4);
		nh6->hop_limit--;
		rcsum_add(skb, &nh6->payload_len, 4);
		key->ip.ttl = nh6->hop_limit;
	}
	return 0;
}
