// SPDX-License-Identifier: GPL-2.0
/*
 * A frame into the struct wft_flow the pipeline runs on (packet_build.h),
 * for the packets weftd builds or changes itself: Ethernet, up to two
 * VLAN tags, ARP, IPv4, IPv6 with its extension headers, TCP, UDP, SCTP,
 * ICMP, ICMPv6 and ND. It reads what the datapath's key would hold.
 */
#include <arpa/inet.h>
#include <string.h>

#include "weft/packet_build.h"

#define ETH_TYPE_IP	0x0800
#define ETH_TYPE_ARP	0x0806
#define ETH_TYPE_IPV6	0x86dd
#define ETH_TYPE_VLAN	0x8100
#define ETH_TYPE_QINQ	0x88a8

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void parse_l4(const uint8_t *p, size_t n, struct wft_pkt *pkt,
		     bool v6)
{
	struct wft_flow *f = &pkt->flow;

	switch (f->nw_proto) {
	case IPPROTO_TCP:
		if (n >= 14)
			f->tcp_flags = htons(be16_at(p + 12) & 0x0fff);
		/* fall through */
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		if (n >= 4) {
			memcpy(&f->tp_src, p, 2);
			memcpy(&f->tp_dst, p + 2, 2);
		}
		return;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (n < 4 || (f->nw_proto == IPPROTO_ICMPV6) != v6)
			return;
		f->tp_src = htons(p[0]);
		f->tp_dst = htons(p[1]);
		if (!v6 || (p[0] != 135 && p[0] != 136) || p[1] || n < 24)
			return;
		memcpy(&f->nd_target, p + 8, 16);
		/* Source (1) and target (2) link-layer options. */
		for (p += 24, n -= 24; n >= 8 && p[1]; ) {
			size_t olen = (size_t)p[1] * 8;

			if (olen > n)
				break;
			if (p[0] == 1 && p[1] == 1)
				memcpy(f->arp_sha, p + 2, 6);
			else if (p[0] == 2 && p[1] == 1)
				memcpy(f->arp_tha, p + 2, 6);
			p += olen;
			n -= olen;
		}
		return;
	}
}

static void parse_ipv4(const uint8_t *p, size_t n, struct wft_pkt *pkt)
{
	struct wft_flow *f = &pkt->flow;
	size_t ihl, tot;
	uint16_t frag;

	if (n < 20 || p[0] >> 4 != 4 || (ihl = (size_t)(p[0] & 15) * 4) < 20 ||
	    ihl > n)
		return;
	tot = be16_at(p + 2);
	pkt->l3_len = tot >= ihl && tot <= n ? tot : n;
	f->nw_tos = p[1];
	f->nw_ttl = p[8];
	f->nw_proto = p[9];
	memcpy(&f->nw_src, p + 12, 4);
	memcpy(&f->nw_dst, p + 16, 4);
	frag = be16_at(p + 6);
	if (frag & 0x3fff)
		f->nw_frag = WFT_FRAG_ANY | (frag & 0x1fff ? WFT_FRAG_LATER : 0);
	if (f->nw_frag & WFT_FRAG_LATER)
		return;
	pkt->l4 = pkt->l3 + (int)ihl;
	parse_l4(p + ihl, pkt->l3_len - ihl, pkt, false);
}

static void parse_ipv6(const uint8_t *p, size_t n, struct wft_pkt *pkt)
{
	struct wft_flow *f = &pkt->flow;
	size_t off = 40, tot;
	uint8_t nh;

	if (n < 40 || p[0] >> 4 != 6)
		return;
	tot = 40 + (size_t)be16_at(p + 4);
	pkt->l3_len = tot <= n ? tot : n;
	f->nw_tos = (uint8_t)((p[0] & 15) << 4 | p[1] >> 4);
	f->ipv6_label = htonl(((uint32_t)(p[1] & 15) << 16) | be16_at(p + 2));
	f->nw_ttl = p[7];
	memcpy(&f->ipv6_src, p + 8, 16);
	memcpy(&f->ipv6_dst, p + 24, 16);
	nh = p[6];
	/* Hop-by-hop, routing, destination options, fragment. */
	while (nh == 0 || nh == 43 || nh == 60 || nh == 44) {
		if (off + 8 > pkt->l3_len)
			return;
		if (nh == 44) {
			uint16_t fo = be16_at(p + off + 2);

			f->nw_frag = WFT_FRAG_ANY;
			if (fo & 0xfff8) {
				/* weft keys a later fragment by the fragment
				 * header (flow_key). */
				f->nw_frag |= WFT_FRAG_LATER;
				f->nw_proto = 44;
				return;
			}
			nh = p[off];
			off += 8;
			continue;
		}
		nh = p[off];
		off += ((size_t)p[off + 1] + 1) * 8;
	}
	f->nw_proto = nh;
	if (off > pkt->l3_len)
		return;
	pkt->l4 = pkt->l3 + (int)off;
	parse_l4(p + off, pkt->l3_len - off, pkt, true);
}

void wft_pkt_parse(const uint8_t *data, size_t len, struct wft_pkt *pkt)
{
	struct wft_flow *f = &pkt->flow;
	size_t off = 14;
	uint16_t type;

	memset(pkt, 0, sizeof(*pkt));
	pkt->data = data;
	pkt->len = len;
	pkt->l3 = pkt->l4 = -1;
	if (len < 14)
		return;
	memcpy(f->dl_dst, data, 6);
	memcpy(f->dl_src, data + 6, 6);
	type = be16_at(data + 12);
	if ((type == ETH_TYPE_VLAN || type == ETH_TYPE_QINQ) && len >= 18) {
		f->vlan_tpid = htons(type);
		f->vlan_tci = htons(be16_at(data + 14) | WFT_VLAN_CFI);
		type = be16_at(data + 16);
		off = 18;
		if (type == ETH_TYPE_VLAN && len >= 22) {
			f->cvlan_tpid = htons(type);
			f->cvlan_tci = htons(be16_at(data + 18) | WFT_VLAN_CFI);
			type = be16_at(data + 20);
			off = 22;
		}
	}
	f->dl_type = htons(type);
	pkt->l3 = (int)off;
	data += off;
	len -= off;
	switch (type) {
	case ETH_TYPE_IP:
		parse_ipv4(data, len, pkt);
		break;
	case ETH_TYPE_IPV6:
		parse_ipv6(data, len, pkt);
		break;
	case ETH_TYPE_ARP:
		if (len < 28 || be16_at(data) != 1 ||
		    be16_at(data + 2) != ETH_TYPE_IP || data[4] != 6 ||
		    data[5] != 4)
			break;
		pkt->l3_len = 28;
		f->nw_proto = be16_at(data + 6) > 0xff ? 0 : data[7];
		memcpy(f->arp_sha, data + 8, 6);
		memcpy(&f->nw_src, data + 14, 4);
		memcpy(f->arp_tha, data + 18, 6);
		memcpy(&f->nw_dst, data + 24, 4);
		break;
	}
}
