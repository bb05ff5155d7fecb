// SPDX-License-Identifier: GPL-2.0
/*
 * struct wft_flow <-> the datapath's compact key (struct weft_key_compact,
 * uapi/linux/weft.h; include/weft/odp_flow.h): a miss's key read with
 * field copies, a megaflow's key and mask written the same way, instead of
 * some forty attributes each. The fields a megaflow puts follow
 * odp_flow_mask.c's choice of header nests exactly, so that the module
 * installs the same flow from either form.
 */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <linux/netlink.h>
#include <string.h>

#include "odp_flow_private.h"

static uint32_t be32_to_host(uint32_t be)
{
	return ntohl(be);
}

static uint8_t frag_from_odp(uint8_t f)
{
	return f == WEFT_FRAG_LATER ? WFT_FRAG_ANY | WFT_FRAG_LATER :
	       f == WEFT_FRAG_FIRST ? WFT_FRAG_ANY : 0;
}

int wft_odp_compact_to_flow(const struct weft_key_compact *c,
			    const struct wft_odp_flow_ports *ports,
			    struct wft_flow *flow)
{
	uint32_t port = c->in_port;

	if (c->version != WEFT_KEY_COMPACT_VERSION)
		return -EINVAL;
	memset(flow, 0, sizeof(*flow));
	if (ports && ports->to_ofp && ports->to_ofp(ports->aux, port, &port))
		return -ENOENT;
	flow->in_port = htonl(port);
	flow->pkt_mark = htonl(c->skb_mark);
	flow->skb_priority = htonl(c->priority);
	flow->recirc_id = htonl(c->recirc_id);
	flow->dp_hash = htonl(c->dp_hash);
	flow->ct_state = htonl(c->ct_state);
	flow->ct_zone = htons(c->ct_zone);
	flow->ct_mark = htonl(c->ct_mark);
	wft_odpf_u128_swap((const uint8_t *)c->ct_labels, flow->ct_label,
			   false);
	memcpy(flow->dl_src, c->eth_src, 6);
	memcpy(flow->dl_dst, c->eth_dst, 6);
	flow->vlan_tpid = c->vlan_tpid;
	flow->vlan_tci = c->vlan_tci;
	flow->cvlan_tpid = c->cvlan_tpid;
	flow->cvlan_tci = c->cvlan_tci;
	flow->dl_type = c->eth_type;
	flow->nw_proto = c->ip_proto;
	flow->nw_tos = c->ip_tos;
	flow->nw_ttl = c->ip_ttl;
	flow->nw_frag = frag_from_odp(c->ip_frag);
	flow->tp_src = c->tp_src;
	flow->tp_dst = c->tp_dst;
	flow->tcp_flags = c->tcp_flags;
	flow->nw_src = c->ipv4_src;
	flow->nw_dst = c->ipv4_dst;
	memcpy(&flow->ipv6_src, c->ipv6_src, 16);
	memcpy(&flow->ipv6_dst, c->ipv6_dst, 16);
	flow->ipv6_label = c->ipv6_label;
	memcpy(&flow->nd_target, c->nd_target, 16);
	/* ARP's hardware addresses and ND's link-layer ones share fields. */
	if (c->eth_type == htons(WFT_ETH_TYPE_IPV6)) {
		memcpy(flow->arp_sha, c->nd_sll, 6);
		memcpy(flow->arp_tha, c->nd_tll, 6);
	} else {
		memcpy(flow->arp_sha, c->arp_sha, 6);
		memcpy(flow->arp_tha, c->arp_tha, 6);
	}
	return 0;
}

static uint8_t *put_u32_attr(uint8_t *p, uint16_t type, uint32_t v)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN + 4, .nla_type = type };

	memcpy(p, &a, sizeof(a));
	memcpy(p + NLA_HDRLEN, &v, 4);
	return p + NLA_HDRLEN + 4;
}

size_t wft_odp_compact_md_key(const struct weft_key_compact *c,
			      uint8_t out[WFT_ODP_COMPACT_MD_MAX])
{
	struct nlattr a;
	uint8_t *p = out;

	p = put_u32_attr(p, WEFT_KEY_A_IN_PORT, c->in_port);
	p = put_u32_attr(p, WEFT_KEY_A_SKB_MARK, c->skb_mark);
	p = put_u32_attr(p, WEFT_KEY_A_PRIORITY, c->priority);
	p = put_u32_attr(p, WEFT_KEY_A_RECIRC_ID, c->recirc_id);
	p = put_u32_attr(p, WEFT_KEY_A_DP_HASH, c->dp_hash);
	/* The ct fields only when the packet has them, as weft.ko's keys. */
	if (c->ct_state)
		p = put_u32_attr(p, WEFT_KEY_A_CT_STATE, c->ct_state);
	if (c->ct_zone) {
		a = (struct nlattr){ NLA_HDRLEN + 2, WEFT_KEY_A_CT_ZONE };
		memcpy(p, &a, sizeof(a));
		memcpy(p + NLA_HDRLEN, &c->ct_zone, 2);
		memset(p + NLA_HDRLEN + 2, 0, 2);
		p += NLA_HDRLEN + 4;
	}
	if (c->ct_mark)
		p = put_u32_attr(p, WEFT_KEY_A_CT_MARK, c->ct_mark);
	if (c->ct_labels[0] | c->ct_labels[1] | c->ct_labels[2] |
	    c->ct_labels[3]) {
		a = (struct nlattr){ NLA_HDRLEN + 16, WEFT_KEY_A_CT_LABELS };
		memcpy(p, &a, sizeof(a));
		memcpy(p + NLA_HDRLEN, c->ct_labels, 16);
		p += NLA_HDRLEN + 16;
	}
	return (size_t)(p - out);
}

/* Writing megaflows. */

/*
 * Whether @m matches any field of the ct original tuple, which the layout
 * lacks: a few word loads a miss instead of a byte loop over each field.
 */
static bool matches_ct_orig(const struct wft_flow *m)
{
	uint64_t w[4];

	memcpy(w, &m->ct_ipv6_src, sizeof(w));
	static_assert(offsetof(struct wft_flow, ct_ipv6_dst) ==
		      offsetof(struct wft_flow, ct_ipv6_src) + 16,
		      "ct_ipv6_src and ct_ipv6_dst are adjacent");
	return m->ct_nw_src || m->ct_nw_dst || m->ct_nw_proto ||
	       m->ct_tp_src || m->ct_tp_dst || w[0] || w[1] || w[2] || w[3];
}

static uint8_t frag_to_odp(uint8_t f, bool as_mask)
{
	if (as_mask)
		return f & WFT_FRAG_ANY ? 0xff :
		       f & WFT_FRAG_LATER ? WEFT_FRAG_LATER : 0;
	return f & WFT_FRAG_LATER ? WEFT_FRAG_LATER :
	       f & WFT_FRAG_ANY ? WEFT_FRAG_FIRST : WEFT_FRAG_NONE;
}

/*
 * The megaflow's key is the flow masked by its mask, and the mask is the
 * mask masked by itself: each writer below reads (@f & @m) field by field,
 * called once as (flow, mask) for the key and once as (mask, mask) for the
 * mask. That masks only the ~40 fields the layout has, instead of copying
 * and masking the whole struct wft_flow (~1k bytes) first.
 */
#define AND(f, m, member)	((f)->member & (m)->member)

static void and_bytes(void *dst, const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	uint8_t *d = dst;

	while (n--)
		*d++ = *x++ & *y++;
}

/* Metadata and ct fields of @f & @m (a key's or, @as_mask, a mask's). */
static void put_md(const struct wft_flow *f, const struct wft_flow *m,
		   bool as_mask, struct weft_key_compact *c)
{
	uint8_t label[16];

	c->version = WEFT_KEY_COMPACT_VERSION;
	c->skb_mark = be32_to_host(AND(f, m, pkt_mark));
	c->priority = be32_to_host(AND(f, m, skb_priority));
	c->recirc_id = be32_to_host(AND(f, m, recirc_id));
	c->dp_hash = be32_to_host(AND(f, m, dp_hash));
	c->ct_state = be32_to_host(AND(f, m, ct_state));
	if (as_mask)
		c->ct_state &= WFT_CS_ALL;
	c->ct_zone = ntohs(AND(f, m, ct_zone));
	c->ct_mark = be32_to_host(AND(f, m, ct_mark));
	and_bytes(label, f->ct_label, m->ct_label, sizeof(label));
	wft_odpf_u128_swap(label, (uint8_t *)c->ct_labels, true);
	and_bytes(c->eth_src, f->dl_src, m->dl_src, 6);
	and_bytes(c->eth_dst, f->dl_dst, m->dl_dst, 6);
	c->eth_type = AND(f, m, dl_type);
}

/* The tags, as odp_flow_mask.c's put_vlans(); @f unmasked. */
static void put_vlans(const struct wft_flow *f, const struct wft_flow *m,
		      struct weft_key_compact *key,
		      struct weft_key_compact *mask)
{
	uint16_t tci = AND(f, m, vlan_tci), ctci = AND(f, m, cvlan_tci);
	uint16_t tpid = AND(f, m, vlan_tpid), ctpid = AND(f, m, cvlan_tpid);
	bool outer = tci & htons(WFT_VLAN_CFI);
	bool inner = outer && (ctci & htons(WFT_VLAN_CFI));

	if (outer) {
		key->vlan_tpid = tpid ? tpid :
				 htons(inner ? WFT_ETH_TYPE_VLAN_8021AD :
					       WFT_ETH_TYPE_VLAN);
		key->vlan_tci = tci;
	}
	if (m->vlan_tci) {
		mask->vlan_tpid = m->vlan_tpid;
		mask->vlan_tci = m->vlan_tci;
	}
	if (inner) {
		key->cvlan_tpid = ctpid ? ctpid : htons(WFT_ETH_TYPE_VLAN);
		key->cvlan_tci = ctci;
	}
	if (outer && m->cvlan_tci) {
		mask->cvlan_tpid = m->cvlan_tpid;
		mask->cvlan_tci = m->cvlan_tci;
	}
}

static void put_ip(const struct wft_flow *f, const struct wft_flow *m,
		   bool as_mask, struct weft_key_compact *c)
{
	c->ip_proto = AND(f, m, nw_proto);
	c->ip_tos = AND(f, m, nw_tos);
	c->ip_ttl = AND(f, m, nw_ttl);
	c->ip_frag = frag_to_odp(AND(f, m, nw_frag), as_mask);
}

/* Which transport fields, as odp_flow_mask.c's l4_header(). */
enum l4_kind { L4_NONE, L4_PORTS, L4_TCP, L4_ICMP };

/*
 * @f unmasked: every field read here is either fully masked (nw_proto,
 * dl_type) or read only where the mask has that bit (nw_frag's LATER).
 */
static enum l4_kind l4_kind(const struct wft_flow *f, const struct wft_flow *m)
{
	bool v6 = f->dl_type == htons(WFT_ETH_TYPE_IPV6);

	if (m->nw_proto != 0xff || !(m->nw_frag & WFT_FRAG_LATER) ||
	    f->nw_frag & WFT_FRAG_LATER)
		return L4_NONE;
	switch (f->nw_proto) {
	case IPPROTO_TCP:
		return L4_TCP;
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
		return L4_PORTS;
	case IPPROTO_ICMP:
		return v6 ? L4_NONE : L4_ICMP;
	case IPPROTO_ICMPV6:
		return v6 ? L4_ICMP : L4_NONE;
	}
	return L4_NONE;
}

static void put_l4(const struct wft_flow *f, const struct wft_flow *m,
		   enum l4_kind kind, struct weft_key_compact *c)
{
	if (kind == L4_ICMP) {
		/* Type and code are bytes: the ports' low bytes. */
		c->tp_src = AND(f, m, tp_src) & htons(0xff);
		c->tp_dst = AND(f, m, tp_dst) & htons(0xff);
		return;
	}
	c->tp_src = AND(f, m, tp_src);
	c->tp_dst = AND(f, m, tp_dst);
	if (kind == L4_TCP)
		c->tcp_flags = AND(f, m, tcp_flags);
}

/* @f unmasked; the caller checked that the ICMP type is fully masked. */
static bool is_nd(const struct wft_flow *f)
{
	uint8_t type = ntohs(f->tp_src) & 0xff;

	return f->dl_type == htons(WFT_ETH_TYPE_IPV6) &&
	       f->nw_proto == IPPROTO_ICMPV6 && (type == 135 || type == 136);
}

/* The layer 3 fields of @f & @m for the (fully masked) EtherType @type. */
static void put_l3(uint16_t type, const struct wft_flow *f,
		   const struct wft_flow *m, struct weft_key_compact *c)
{
	switch (type) {
	case WFT_ETH_TYPE_ARP:
	case WFT_ETH_TYPE_RARP:
		c->ip_proto = AND(f, m, nw_proto);	/* the opcode's low byte */
		and_bytes(c->arp_sha, f->arp_sha, m->arp_sha, 6);
		and_bytes(c->arp_tha, f->arp_tha, m->arp_tha, 6);
		/* fall through */
	case WFT_ETH_TYPE_IP:
		c->ipv4_src = AND(f, m, nw_src);
		c->ipv4_dst = AND(f, m, nw_dst);
		return;
	case WFT_ETH_TYPE_IPV6:
		and_bytes(c->ipv6_src, &f->ipv6_src, &m->ipv6_src, 16);
		and_bytes(c->ipv6_dst, &f->ipv6_dst, &m->ipv6_dst, 16);
		c->ipv6_label = AND(f, m, ipv6_label);
		return;
	}
}

static void put_nd(const struct wft_flow *f, const struct wft_flow *m,
		   struct weft_key_compact *c)
{
	and_bytes(c->nd_target, &f->nd_target, &m->nd_target, 16);
	and_bytes(c->nd_sll, f->arp_sha, m->arp_sha, 6);
	and_bytes(c->nd_tll, f->arp_tha, m->arp_tha, 6);
}

/* @f unmasked. */
static void put_l3_l4(const struct wft_flow *f, const struct wft_flow *m,
		      struct weft_key_compact *key,
		      struct weft_key_compact *mask)
{
	uint16_t type = ntohs(f->dl_type);
	enum l4_kind kind;

	if (m->dl_type != 0xffff)
		return;
	switch (type) {
	case WFT_ETH_TYPE_ARP:
	case WFT_ETH_TYPE_RARP:
		put_l3(type, f, m, key);
		put_l3(type, m, m, mask);
		return;
	case WFT_ETH_TYPE_IP:
	case WFT_ETH_TYPE_IPV6:
		put_l3(type, f, m, key);
		put_l3(type, m, m, mask);
		break;
	default:
		return;
	}
	put_ip(f, m, false, key);
	put_ip(m, m, true, mask);
	kind = l4_kind(f, m);
	if (kind == L4_NONE)
		return;
	put_l4(f, m, kind, key);
	put_l4(m, m, kind, mask);
	if (kind == L4_ICMP && is_nd(f) &&
	    (m->tp_src & htons(0xff)) == htons(0xff)) {
		put_nd(f, m, key);
		put_nd(m, m, mask);
	}
}

int wft_odp_megaflow_to_compact(const struct wft_flow *flow,
				const struct wft_flow_wc *wc,
				const struct wft_odp_flow_ports *ports,
				struct weft_key_compact *key,
				struct weft_key_compact *mask)
{
	const struct wft_flow *m = &wc->masks;
	uint32_t port;

	/* What the layout does not carry goes as attributes. */
	if (wft_odp_flow_is_tunnel(flow) || matches_ct_orig(m))
		return -EOPNOTSUPP;
	memset(key, 0, sizeof(*key));
	memset(mask, 0, sizeof(*mask));
	port = ntohl(flow->in_port);
	if (ports && ports->to_odp && ports->to_odp(ports->aux, port, &port))
		return -ENOENT;
	put_md(flow, m, false, key);
	put_md(m, m, true, mask);
	key->in_port = port;
	mask->in_port = m->in_port ? UINT32_MAX : 0;
	put_vlans(flow, m, key, mask);
	put_l3_l4(flow, m, key, mask);
	return 0;
}
