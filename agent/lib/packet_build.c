// SPDX-License-Identifier: GPL-2.0
/*
 * The packets an OVN chassis writes itself (include/weft/packet_build.h):
 * ARP request, neighbour solicitation and advertisement, ICMPv4/ICMPv6
 * errors, TCP RST (packet_build_sctp.c: SCTP ABORT). Header values (TTL 255 or 63, DSCP CS6 and DF on
 * IPv4, the ICMP quote limits) are ovn-controller 23.03's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "weft/packet_build.h"

#define ETH_TYPE_IP	0x0800
#define ETH_TYPE_ARP	0x0806
#define ETH_TYPE_IPV6	0x86dd
#define ETH_TYPE_VLAN	0x8100

uint32_t wft_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len >= 2; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t wft_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Ethernet header (with the trigger's outer VLAN tag, as OVN keeps it);
 * returns where L3 starts. */
static size_t put_eth(uint8_t *out, const uint8_t *dst, const uint8_t *src,
		      const struct wft_flow *trigger, uint16_t type)
{
	size_t off = 12;

	memcpy(out, dst, 6);
	memcpy(out + 6, src, 6);
	if (trigger->vlan_tci & htons(WFT_VLAN_CFI)) {
		put16(out + 12, ETH_TYPE_VLAN);
		put16(out + 14, ntohs(trigger->vlan_tci) & ~WFT_VLAN_CFI);
		off = 16;
	}
	put16(out + off, type);
	return off + 2;
}

/* An IPv4 header of @payload bytes; its checksum. */
static void put_ipv4(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto,
		     uint8_t ttl, size_t payload)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[1] = 0xc0;			/* DSCP CS6 */
	put16(p + 2, (uint16_t)(20 + payload));
	put16(p + 6, 0x4000);		/* DF */
	p[8] = ttl;
	p[9] = proto;
	memcpy(p + 12, &src, 4);
	memcpy(p + 16, &dst, 4);
	put16(p + 10, wft_csum_fold(wft_csum_add(0, p, 20)));
}

static void put_ipv6(uint8_t *p, const struct in6_addr *src,
		     const struct in6_addr *dst, uint8_t proto, uint8_t hlim,
		     size_t payload)
{
	memset(p, 0, 8);
	p[0] = 0x60;
	put16(p + 4, (uint16_t)payload);
	p[6] = proto;
	p[7] = hlim;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

/* The transport checksum's pseudo-header sum for the IP header at @ip. */
static uint32_t pseudo_sum(const uint8_t *ip, bool v6, uint8_t proto,
			   size_t l4_len)
{
	uint32_t sum;

	if (v6) {
		sum = wft_csum_add(0, ip + 8, 32);
		sum += (uint32_t)(l4_len >> 16) + (uint32_t)(l4_len & 0xffff);
	} else {
		sum = wft_csum_add(0, ip + 12, 8);
		sum += (uint32_t)l4_len;
	}
	return sum + proto;
}

int wft_pkt_arp_request(const struct wft_pkt *in, uint8_t *out)
{
	const struct wft_flow *f = &in->flow;
	size_t off;
	uint8_t *a;

	if (f->dl_type != htons(ETH_TYPE_IP))
		return -EINVAL;
	off = put_eth(out, f->dl_dst, f->dl_src, f, ETH_TYPE_ARP);
	a = out + off;
	put16(a, 1);
	put16(a + 2, ETH_TYPE_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, f->dl_src, 6);
	memcpy(a + 14, &f->nw_src, 4);
	memset(a + 18, 0, 6);
	memcpy(a + 24, &f->nw_dst, 4);
	return (int)(off + 28);
}

/* ICMPv6 checksum over the packet whose IPv6 header is at @ip. */
static void icmp6_csum(uint8_t *ip, size_t l4_len)
{
	uint8_t *l4 = ip + 40;
	uint32_t sum;

	l4[2] = l4[3] = 0;
	sum = pseudo_sum(ip, true, IPPROTO_ICMPV6, l4_len);
	put16(l4 + 2, wft_csum_fold(wft_csum_add(sum, l4, l4_len)));
}

int wft_pkt_nd_ns(const struct wft_pkt *in, uint8_t *out)
{
	const struct wft_flow *f = &in->flow;
	struct in6_addr lla, snm;
	uint8_t mac[6] = { 0x33, 0x33, 0xff };
	size_t off;
	uint8_t *ip, *nd;

	if (f->dl_type != htons(ETH_TYPE_IPV6))
		return -EINVAL;
	/* fe80::/64 with the EUI-64 of eth.src (RFC 4291 2.5.1). */
	memset(&lla, 0, sizeof(lla));
	lla.s6_addr[0] = 0xfe;
	lla.s6_addr[1] = 0x80;
	lla.s6_addr[8] = f->dl_src[0] ^ 0x02;
	lla.s6_addr[9] = f->dl_src[1];
	lla.s6_addr[10] = f->dl_src[2];
	lla.s6_addr[11] = 0xff;
	lla.s6_addr[12] = 0xfe;
	memcpy(lla.s6_addr + 13, f->dl_src + 3, 3);
	/* ff02::1:ffXX:XXXX (RFC 4291 2.7.1). */
	memset(&snm, 0, sizeof(snm));
	snm.s6_addr[0] = 0xff;
	snm.s6_addr[1] = 0x02;
	snm.s6_addr[11] = 0x01;
	snm.s6_addr[12] = 0xff;
	memcpy(snm.s6_addr + 13, f->ipv6_dst.s6_addr + 13, 3);
	memcpy(mac + 3, f->ipv6_dst.s6_addr + 13, 3);
	off = put_eth(out, mac, f->dl_src, f, ETH_TYPE_IPV6);
	ip = out + off;
	put_ipv6(ip, &lla, &snm, IPPROTO_ICMPV6, 255, 32);
	nd = ip + 40;
	memset(nd, 0, 32);
	nd[0] = 135;
	memcpy(nd + 8, &f->ipv6_dst, 16);
	nd[24] = 1;			/* source link-layer address */
	nd[25] = 1;
	memcpy(nd + 26, f->dl_src, 6);
	icmp6_csum(ip, 32);
	return (int)(off + 40 + 32);
}

int wft_pkt_nd_na(const struct wft_pkt *in, bool router, uint8_t *out)
{
	const struct wft_flow *f = &in->flow;
	size_t off;
	uint8_t *ip, *nd;

	if (f->dl_type != htons(ETH_TYPE_IPV6) ||
	    f->nw_proto != IPPROTO_ICMPV6 || f->tp_src != htons(135) ||
	    f->tp_dst)
		return -EINVAL;
	off = put_eth(out, f->dl_src, f->dl_dst, f, ETH_TYPE_IPV6);
	ip = out + off;
	put_ipv6(ip, &f->nd_target, &f->ipv6_src, IPPROTO_ICMPV6, 255, 32);
	nd = ip + 40;
	memset(nd, 0, 32);
	nd[0] = 136;
	nd[4] = (uint8_t)((router ? 0x80 : 0) | 0x40 | 0x20);
	memcpy(nd + 8, &f->nd_target, 16);
	nd[24] = 2;			/* target link-layer address */
	nd[25] = 1;
	memcpy(nd + 26, f->dl_dst, 6);
	icmp6_csum(ip, 32);
	return (int)(off + 40 + 32);
}

int wft_pkt_icmp_error(const struct wft_pkt *in,
		       const struct wft_pkt_icmp_opts *o, uint8_t *out)
{
	const struct wft_flow *f = &in->flow;
	const uint8_t *esrc = o->swap ? f->dl_dst : f->dl_src;
	const uint8_t *edst = o->swap ? f->dl_src : f->dl_dst;
	bool v6 = f->dl_type == htons(ETH_TYPE_IPV6);
	size_t off, quote, room;
	uint8_t *ip, *ic;

	if ((!v6 && f->dl_type != htons(ETH_TYPE_IP)) || in->l3 < 0 ||
	    !in->l3_len)
		return -EINVAL;
	off = put_eth(out, edst, esrc, f, v6 ? ETH_TYPE_IPV6 : ETH_TYPE_IP);
	ip = out + off;
	quote = in->l3_len;
	/* RFC 1812 4.3.2.3 / RFC 4443 2.4(c): as much of the packet as fits
	 * in 576 (1280) bytes, counted from the Ethernet header as OVN
	 * counts them (without a VLAN tag). */
	room = v6 ? 1280 - 14 - 40 - 8 : 576 - 14 - 20 - 8;
	if (quote > room)
		quote = room;
	ic = ip + (v6 ? 40 : 20);
	memset(ic, 0, 8);
	ic[0] = (uint8_t)(o->type >= 0 ? o->type : v6 ? 1 : 3);
	ic[1] = (uint8_t)(o->code >= 0 ? o->code :
			  o->port_code && f->nw_proto == IPPROTO_UDP ?
			  (v6 ? 4 : 3) : 1);
	if (o->mtu >= 0) {
		if (v6)
			put32(ic + 4, (uint32_t)o->mtu);
		else
			put16(ic + 6, (uint16_t)o->mtu);
	}
	memcpy(ic + 8, in->data + in->l3, quote);
	if (v6) {
		put_ipv6(ip, o->swap ? &f->ipv6_dst : &f->ipv6_src,
			 o->swap ? &f->ipv6_src : &f->ipv6_dst,
			 IPPROTO_ICMPV6, 255, 8 + quote);
		icmp6_csum(ip, 8 + quote);
		return (int)(off + 40 + 8 + quote);
	}
	put_ipv4(ip, o->swap ? f->nw_dst : f->nw_src,
		 o->swap ? f->nw_src : f->nw_dst, IPPROTO_ICMP, 255,
		 8 + quote);
	put16(ic + 2, wft_csum_fold(wft_csum_add(0, ic, 8 + quote)));
	return (int)(off + 20 + 8 + quote);
}

int wft_pkt_l3_reply(const struct wft_pkt *in, bool swap, uint8_t proto,
		     uint8_t ttl, size_t l4_len, uint8_t *out)
{
	const struct wft_flow *f = &in->flow;
	const uint8_t *esrc = swap ? f->dl_dst : f->dl_src;
	const uint8_t *edst = swap ? f->dl_src : f->dl_dst;
	bool v6 = f->dl_type == htons(ETH_TYPE_IPV6);
	size_t off;
	uint8_t *ip;

	if (!v6 && f->dl_type != htons(ETH_TYPE_IP))
		return -EINVAL;
	off = put_eth(out, edst, esrc, f, v6 ? ETH_TYPE_IPV6 : ETH_TYPE_IP);
	ip = out + off;
	if (v6)
		put_ipv6(ip, swap ? &f->ipv6_dst : &f->ipv6_src,
			 swap ? &f->ipv6_src : &f->ipv6_dst, proto, ttl,
			 l4_len);
	else
		put_ipv4(ip, swap ? f->nw_dst : f->nw_src,
			 swap ? f->nw_src : f->nw_dst, proto, ttl, l4_len);
	memset(ip + (v6 ? 40 : 20), 0, l4_len);
	return (int)(off + (v6 ? 40 : 20) + l4_len);
}

int wft_pkt_tcp_reset(const struct wft_pkt *in, bool swap, uint8_t *out)
{
	const struct wft_flow *f = &in->flow;
	bool v6 = f->dl_type == htons(ETH_TYPE_IPV6);
	const uint8_t *tin;
	uint8_t *ip, *th;
	uint32_t seq, sum;
	int n;

	if (f->nw_proto != IPPROTO_TCP || in->l4 < 0 ||
	    (size_t)in->l4 + 8 > in->len)
		return -EINVAL;
	tin = in->data + in->l4;
	seq = (uint32_t)tin[4] << 24 | (uint32_t)tin[5] << 16 |
	      (uint32_t)tin[6] << 8 | tin[7];
	n = wft_pkt_l3_reply(in, swap, IPPROTO_TCP, 63, 20, out);
	if (n < 0)
		return n;
	th = out + n - 20;
	ip = th - (v6 ? 40 : 20);
	memcpy(th, &f->tp_dst, 2);
	memcpy(th + 2, &f->tp_src, 2);
	put32(th + 8, seq + 1);
	put16(th + 12, 5 << 12 | 0x14);	/* RST, ACK */
	sum = pseudo_sum(ip, v6, IPPROTO_TCP, 20);
	put16(th + 16, wft_csum_fold(wft_csum_add(sum, th, 20)));
	return n;
}

int wft_pkt_nd_ra_reply(const struct wft_pkt *in, const uint8_t *ra,
			size_t ra_len, uint8_t *out)
{
	const struct wft_flow *f = &in->flow;
	uint8_t *ip;

	if (f->dl_type != htons(ETH_TYPE_IPV6) ||
	    f->nw_proto != IPPROTO_ICMPV6 || f->tp_src != htons(133) ||
	    f->tp_dst || in->l4 < 0 || in->l4 != in->l3 + 40 ||
	    ra_len < 16 || (size_t)in->l4 + ra_len > WFT_PKT_MAX)
		return -EINVAL;		/* (no extension headers either) */
	memcpy(out, in->data, (size_t)in->l4);
	memcpy(out + in->l4, ra, ra_len);
	ip = out + in->l3;
	put16(ip + 4, (uint16_t)ra_len);
	icmp6_csum(ip, ra_len);
	return (int)((size_t)in->l4 + ra_len);
}
