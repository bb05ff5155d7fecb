// SPDX-License-Identifier: GPL-2.0
/*
 * struct wft_flow <-> datapath key attributes (include/weft/odp_flow.h):
 * the field tables both directions share, reading upcall keys, and header
 * nests for keys, masks and set actions. Megaflow keys and masks are put
 * together in odp_flow_mask.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>

#include "odp_flow_private.h"

#define OFS(m)	offsetof(struct wft_flow, m)
#define SZ(m)	sizeof(((struct wft_flow *)0)->m)
#define RAW(a, m, set) { a, OFS(m), SZ(m), SZ(m), ODPF_RAW, set }
#define CONV(a, m, alen, conv, set) { a, OFS(m), SZ(m), alen, conv, set }
/* ICMP type and code: the low byte of tp_src/tp_dst, a u8 attribute;
 * weft.ko sets them (WEFT_F_SET_ICMP), openvswitch.ko does not. */
#define ICMPF(a, m) { a, OFS(m) + 1, 1, 1, ODPF_RAW, true }

static const struct odpf_field in_port_f[] = {
	CONV(0, in_port, 4, ODPF_PORT, false) };
static const struct odpf_field mark_f[] = {
	CONV(0, pkt_mark, 4, ODPF_U32, true) };
static const struct odpf_field prio_f[] = {
	CONV(0, skb_priority, 4, ODPF_U32, true) };
static const struct odpf_field recirc_f[] = {
	CONV(0, recirc_id, 4, ODPF_U32, false) };
static const struct odpf_field dp_hash_f[] = {
	CONV(0, dp_hash, 4, ODPF_U32, false) };
static const struct odpf_field ethertype_f[] = { RAW(0, dl_type, false) };
/* Conntrack: read from a recirculated packet's key, never set. */
static const struct odpf_field ct_state_f[] = {
	CONV(0, ct_state, 4, ODPF_U32, false) };
static const struct odpf_field ct_zone_f[] = {
	CONV(0, ct_zone, 2, ODPF_U16, false) };
static const struct odpf_field ct_mark_f[] = {
	CONV(0, ct_mark, 4, ODPF_U32, false) };
static const struct odpf_field ct_label_f[] = {
	CONV(0, ct_label, 16, ODPF_U128, false) };
/* The original tuple; for ICMP the ports are type and code, as in OVS.
 * Putting it picks the key's family (odp_flow_mask.c); reading takes
 * either. */
static const struct odpf_field ct_tuple_f[] = {
	RAW(WEFT_CT_TUPLE_A_IPV4_SRC, ct_nw_src, false),
	RAW(WEFT_CT_TUPLE_A_IPV4_DST, ct_nw_dst, false),
	RAW(WEFT_CT_TUPLE_A_IPV6_SRC, ct_ipv6_src, false),
	RAW(WEFT_CT_TUPLE_A_IPV6_DST, ct_ipv6_dst, false),
	RAW(WEFT_CT_TUPLE_A_PROTO, ct_nw_proto, false),
	RAW(WEFT_CT_TUPLE_A_TP_SRC, ct_tp_src, false),
	RAW(WEFT_CT_TUPLE_A_TP_DST, ct_tp_dst, false),
};
static const struct odpf_field eth_f[] = {
	RAW(WEFT_ETH_A_SRC, dl_src, true),
	RAW(WEFT_ETH_A_DST, dl_dst, true),
};
static const struct odpf_field vlan_f[] = {
	RAW(WEFT_VLAN_A_TPID, vlan_tpid, false),
	RAW(WEFT_VLAN_A_TCI, vlan_tci, false),
};
static const struct odpf_field cvlan_f[] = {
	RAW(WEFT_VLAN_A_TPID, cvlan_tpid, false),
	RAW(WEFT_VLAN_A_TCI, cvlan_tci, false),
};
static const struct odpf_field ipv4_f[] = {
	RAW(WEFT_IPV4_A_SRC, nw_src, true),
	RAW(WEFT_IPV4_A_DST, nw_dst, true),
	RAW(WEFT_IPV4_A_PROTO, nw_proto, false),
	RAW(WEFT_IPV4_A_TOS, nw_tos, true),
	RAW(WEFT_IPV4_A_TTL, nw_ttl, true),
	CONV(WEFT_IPV4_A_FRAG, nw_frag, 1, ODPF_FRAG, false),
};
static const struct odpf_field ipv6_f[] = {
	RAW(WEFT_IPV6_A_SRC, ipv6_src, true),
	RAW(WEFT_IPV6_A_DST, ipv6_dst, true),
	RAW(WEFT_IPV6_A_LABEL, ipv6_label, true),
	RAW(WEFT_IPV6_A_PROTO, nw_proto, false),
	RAW(WEFT_IPV6_A_TCLASS, nw_tos, true),
	RAW(WEFT_IPV6_A_HLIMIT, nw_ttl, true),
	CONV(WEFT_IPV6_A_FRAG, nw_frag, 1, ODPF_FRAG, false),
};
static const struct odpf_field tcp_f[] = {
	RAW(WEFT_TP_A_SRC, tp_src, true),
	RAW(WEFT_TP_A_DST, tp_dst, true),
	RAW(WEFT_TP_A_FLAGS, tcp_flags, false),
};
static const struct odpf_field ports_f[] = {
	RAW(WEFT_TP_A_SRC, tp_src, true),
	RAW(WEFT_TP_A_DST, tp_dst, true),
};
static const struct odpf_field icmp_f[] = {
	ICMPF(WEFT_ICMP_A_TYPE, tp_src),
	ICMPF(WEFT_ICMP_A_CODE, tp_dst),
};
static const struct odpf_field arp_f[] = {
	RAW(WEFT_ARP_A_SIP, nw_src, true),
	RAW(WEFT_ARP_A_TIP, nw_dst, true),
	CONV(WEFT_ARP_A_OP, nw_proto, 2, ODPF_ARP_OP, true),
	RAW(WEFT_ARP_A_SHA, arp_sha, true),
	RAW(WEFT_ARP_A_THA, arp_tha, true),
};
static const struct odpf_field nd_f[] = {
	RAW(WEFT_ND_A_TARGET, nd_target, true),
	RAW(WEFT_ND_A_SLL, arp_sha, true),
	RAW(WEFT_ND_A_TLL, arp_tha, true),
};

#define HDR(a, f, scalar) [a] = { f, sizeof(f) / sizeof(f[0]), scalar }

const struct odpf_header wft_odpf_headers[WEFT_KEY_A_MAX + 1] = {
	HDR(WEFT_KEY_A_IN_PORT, in_port_f, true),
	HDR(WEFT_KEY_A_SKB_MARK, mark_f, true),
	HDR(WEFT_KEY_A_PRIORITY, prio_f, true),
	HDR(WEFT_KEY_A_RECIRC_ID, recirc_f, true),
	HDR(WEFT_KEY_A_DP_HASH, dp_hash_f, true),
	HDR(WEFT_KEY_A_ETHERNET, eth_f, false),
	HDR(WEFT_KEY_A_VLAN, vlan_f, false),
	HDR(WEFT_KEY_A_CVLAN, cvlan_f, false),
	HDR(WEFT_KEY_A_ETHERTYPE, ethertype_f, true),
	HDR(WEFT_KEY_A_IPV4, ipv4_f, false),
	HDR(WEFT_KEY_A_IPV6, ipv6_f, false),
	HDR(WEFT_KEY_A_TCP, tcp_f, false),
	HDR(WEFT_KEY_A_UDP, ports_f, false),
	HDR(WEFT_KEY_A_SCTP, ports_f, false),
	HDR(WEFT_KEY_A_ICMP, icmp_f, false),
	HDR(WEFT_KEY_A_ICMPV6, icmp_f, false),
	HDR(WEFT_KEY_A_ARP, arp_f, false),
	HDR(WEFT_KEY_A_ND, nd_f, false),
	HDR(WEFT_KEY_A_CT_STATE, ct_state_f, true),
	HDR(WEFT_KEY_A_CT_ZONE, ct_zone_f, true),
	HDR(WEFT_KEY_A_CT_MARK, ct_mark_f, true),
	HDR(WEFT_KEY_A_CT_LABELS, ct_label_f, true),
	HDR(WEFT_KEY_A_CT_TUPLE, ct_tuple_f, false),
};

/*
 * ct labels: be128 in the flow (bit 0 the LSB of byte 15) <-> the
 * datapath's u32[4] in host order, word i holding bits 32i..32i+31 (the
 * transform odp_ct_value.c makes for the text), either way round.
 */
void wft_odpf_u128_swap(const uint8_t *in, uint8_t *out, bool to_words)
{
	for (int w = 0; w < 4; w++) {
		uint32_t v;

		if (to_words) {
			memcpy(&v, in + 12 - 4 * w, 4);
			v = ntohl(v);
			memcpy(out + 4 * w, &v, 4);
		} else {
			memcpy(&v, in + 4 * w, 4);
			v = htonl(v);
			memcpy(out + 12 - 4 * w, &v, 4);
		}
	}
}

bool wft_odpf_has_bits(const struct wft_flow *m, const struct odpf_field *f)
{
	const uint8_t *p = (const uint8_t *)m + f->woff;
	unsigned int i = 0;
	uint64_t w;
	uint32_t v;

	/* A word at a time: every upcall asks this of each field it may
	 * put, twice. */
	for (; i + 8 <= f->wlen; i += 8) {
		memcpy(&w, p + i, 8);
		if (w)
			return true;
	}
	if (i + 4 <= f->wlen) {
		memcpy(&v, p + i, 4);
		if (v)
			return true;
		i += 4;
	}
	for (; i < f->wlen; i++)
		if (p[i])
			return true;
	return false;
}

/* A field of @src as its attribute's payload in @out. */
static int to_attr(const struct odpf_field *f, const struct wft_flow *src,
		   bool as_mask, const struct wft_odp_flow_ports *ports,
		   uint8_t *out)
{
	const uint8_t *p = (const uint8_t *)src + f->woff;
	uint32_t u32;
	uint16_t u16;

	switch (f->conv) {
	case ODPF_RAW:
		memcpy(out, p, f->alen);
		return 0;
	case ODPF_U32:
		memcpy(&u32, p, 4);
		u32 = ntohl(u32);
		memcpy(out, &u32, 4);
		return 0;
	case ODPF_PORT:
		memcpy(&u32, p, 4);
		u32 = ntohl(u32);
		if (as_mask)
			u32 = u32 ? UINT32_MAX : 0;
		else if (ports && ports->to_odp &&
			 ports->to_odp(ports->aux, u32, &u32))
			return -ENOENT;
		memcpy(out, &u32, 4);
		return 0;
	case ODPF_FRAG:
		if (as_mask)
			*out = *p & WFT_FRAG_ANY ? 0xff :
			       *p & WFT_FRAG_LATER ? WEFT_FRAG_LATER : 0;
		else
			*out = *p & WFT_FRAG_LATER ? WEFT_FRAG_LATER :
			       *p & WFT_FRAG_ANY ? WEFT_FRAG_FIRST :
						   WEFT_FRAG_NONE;
		return 0;
	case ODPF_ARP_OP:
		/* The flow keeps the opcode's low byte. */
		u16 = htons(as_mask && *p == 0xff ? 0xffff : *p);
		memcpy(out, &u16, 2);
		return 0;
	case ODPF_U16:
		memcpy(&u16, p, 2);
		u16 = ntohs(u16);
		memcpy(out, &u16, 2);
		return 0;
	case ODPF_U128:
		wft_odpf_u128_swap(p, out, true);
		return 0;
	}
	return -EINVAL;
}

int wft_odpf_put_fields(struct wft_attrbuf *b, uint16_t hdr,
			const struct wft_flow *src,
			const struct wft_flow_wc *sel, bool as_mask,
			const struct wft_odp_flow_ports *ports)
{
	const struct odpf_header *h = &wft_odpf_headers[hdr];
	uint8_t buf[16];
	size_t nest = 0;
	int i, n = 0, err;

	if (hdr > WEFT_KEY_A_MAX || !h->fields)
		return -EINVAL;
	if (!h->scalar)
		nest = wft_attr_nest_start(b, hdr);
	for (i = 0; i < h->n_fields; i++) {
		const struct odpf_field *f = &h->fields[i];

		if (sel && !wft_odpf_has_bits(&sel->masks, f))
			continue;
		if (f->conv == ODPF_RAW) {
			/* As the flow has it: no copy through @buf. */
			wft_attr_put(b, h->scalar ? hdr : f->attr,
				     (const uint8_t *)src + f->woff, f->alen);
			n++;
			continue;
		}
		err = to_attr(f, src, as_mask, ports, buf);
		if (err)
			return err;
		wft_attr_put(b, h->scalar ? hdr : f->attr, buf, f->alen);
		n++;
	}
	if (!h->scalar)
		wft_attr_nest_end(b, nest);
	return n;
}

int wft_odp_flow_put_header(struct wft_attrbuf *b, uint16_t hdr,
			    const struct wft_flow *src,
			    const struct wft_flow_wc *sel, bool as_mask)
{
	return wft_odpf_put_fields(b, hdr, as_mask ? &sel->masks : src, sel,
				   as_mask, NULL);
}

bool wft_odp_flow_header_whole(uint16_t hdr, const struct wft_flow_wc *sel)
{
	const struct odpf_header *h;
	uint8_t full[16];
	int i;

	if (hdr > WEFT_KEY_A_MAX || !wft_odpf_headers[hdr].fields)
		return false;
	h = &wft_odpf_headers[hdr];
	for (i = 0; i < h->n_fields; i++) {
		const struct odpf_field *f = &h->fields[i];
		const uint8_t *m = (const uint8_t *)&sel->masks + f->woff;

		if (!wft_odpf_has_bits(&sel->masks, f))
			continue;
		memset(full, 0xff, f->wlen);
		if (f->woff == OFS(ipv6_label)) {
			uint32_t label = htonl(0xfffff);

			memcpy(full, &label, 4);
		}
		if (memcmp(m, full, f->wlen))
			return false;
	}
	return true;
}

void wft_odp_flow_header_bits(uint16_t hdr, struct wft_flow_wc *wc)
{
	const struct odpf_header *h;
	int i;

	if (hdr > WEFT_KEY_A_MAX || !wft_odpf_headers[hdr].fields)
		return;
	h = &wft_odpf_headers[hdr];
	for (i = 0; i < h->n_fields; i++)
		memset((uint8_t *)&wc->masks + h->fields[i].woff, 0xff,
		       h->fields[i].wlen);
}

bool wft_odp_flow_field_bits(uint16_t hdr, unsigned int i,
			     struct wft_flow_wc *wc)
{
	const struct odpf_header *h;

	if (hdr > WEFT_KEY_A_MAX || !wft_odpf_headers[hdr].fields)
		return false;
	h = &wft_odpf_headers[hdr];
	if (i >= h->n_fields)
		return false;
	memset((uint8_t *)&wc->masks + h->fields[i].woff, 0xff,
	       h->fields[i].wlen);
	return true;
}

bool wft_odp_flow_header_settable(uint16_t hdr, const struct wft_flow_wc *sel)
{
	const struct odpf_header *h;
	int i;

	if (hdr > WEFT_KEY_A_MAX || !wft_odpf_headers[hdr].fields)
		return false;
	h = &wft_odpf_headers[hdr];
	for (i = 0; i < h->n_fields; i++)
		if (!h->fields[i].settable &&
		    wft_odpf_has_bits(&sel->masks, &h->fields[i]))
			return false;
	return true;
}

/* Reading keys. */

static const struct odpf_field *field_by_attr(const struct odpf_header *h,
					      uint16_t attr)
{
	int i;

	for (i = 0; i < h->n_fields; i++)
		if (h->fields[i].attr == attr)
			return &h->fields[i];
	return NULL;
}

static int from_attr(const struct odpf_field *f, const uint8_t *data,
		     size_t len, const struct wft_odp_flow_ports *ports,
		     struct wft_flow *flow)
{
	uint8_t *p = (uint8_t *)flow + f->woff;
	uint32_t u32;
	uint16_t u16;

	if (len != f->alen)
		return -EINVAL;
	switch (f->conv) {
	case ODPF_RAW:
		memcpy(p, data, len);
		return 0;
	case ODPF_PORT:
		memcpy(&u32, data, 4);
		if (ports && ports->to_ofp &&
		    ports->to_ofp(ports->aux, u32, &u32))
			return -ENOENT;
		u32 = htonl(u32);
		memcpy(p, &u32, 4);
		return 0;
	case ODPF_U32:
		memcpy(&u32, data, 4);
		u32 = htonl(u32);
		memcpy(p, &u32, 4);
		return 0;
	case ODPF_FRAG:
		*p = *data == WEFT_FRAG_LATER ? WFT_FRAG_ANY | WFT_FRAG_LATER :
		     *data == WEFT_FRAG_FIRST ? WFT_FRAG_ANY : 0;
		return 0;
	case ODPF_ARP_OP:
		memcpy(&u16, data, 2);
		*p = (uint8_t)ntohs(u16);
		return 0;
	case ODPF_U16:
		memcpy(&u16, data, 2);
		u16 = htons(u16);
		memcpy(p, &u16, 2);
		return 0;
	case ODPF_U128:
		wft_odpf_u128_swap(data, p, false);
		return 0;
	}
	return -EINVAL;
}

/* Attribute iteration with bounds checks. */
static const struct nlattr *next_attr(const uint8_t **pos, size_t *left)
{
	const struct nlattr *a = (const struct nlattr *)*pos;
	size_t step;

	if (*left < NLA_HDRLEN || a->nla_len < NLA_HDRLEN ||
	    a->nla_len > *left)
		return NULL;
	step = NLA_ALIGN(a->nla_len);
	if (step > *left)
		step = *left;
	*pos += step;
	*left -= step;
	return a;
}

static int read_nest(const struct odpf_header *h, const struct nlattr *nest,
		     const struct wft_odp_flow_ports *ports,
		     struct wft_flow *flow)
{
	const uint8_t *pos = (const uint8_t *)nest + NLA_HDRLEN;
	size_t left = nest->nla_len - NLA_HDRLEN;
	const struct nlattr *a;
	int err;

	while (left) {
		const struct odpf_field *f;

		a = next_attr(&pos, &left);
		if (!a)
			return -EINVAL;
		f = field_by_attr(h, a->nla_type & NLA_TYPE_MASK);
		if (!f)
			return -EINVAL;
		err = from_attr(f, (const uint8_t *)a + NLA_HDRLEN,
				a->nla_len - NLA_HDRLEN, ports, flow);
		if (err)
			return err;
	}
	return 0;
}

int wft_odp_key_to_flow(const void *key, size_t len,
			const struct wft_odp_flow_ports *ports,
			struct wft_flow *flow)
{
	const uint8_t *pos = key;
	const struct nlattr *a;
	int err;

	memset(flow, 0, sizeof(*flow));
	while (len) {
		const struct odpf_header *h;
		uint16_t type;

		a = next_attr(&pos, &len);
		if (!a)
			return -EINVAL;
		type = a->nla_type & NLA_TYPE_MASK;
		if (type == WEFT_KEY_A_TUNNEL) {
			err = wft_odpf_tunnel_read((const uint8_t *)a +
						   NLA_HDRLEN, a->nla_len -
						   NLA_HDRLEN, flow);
			if (err)
				return err;
			continue;
		}
		if (type > WEFT_KEY_A_MAX || !wft_odpf_headers[type].fields)
			return -EINVAL;
		h = &wft_odpf_headers[type];
		if (h->scalar)
			err = from_attr(&h->fields[0],
					(const uint8_t *)a + NLA_HDRLEN,
					a->nla_len - NLA_HDRLEN, ports, flow);
		else
			err = read_nest(h, a, ports, flow);
		if (err)
			return err;
	}
	return 0;
}
