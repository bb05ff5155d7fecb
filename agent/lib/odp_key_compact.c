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
#include <errno.h>
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

static bool nonzero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return true;
	return false;
}

#define BITS(m, member) nonzero(&(m)->member, sizeof((m)->member))

static uint8_t frag_to_odp(uint8_t f, bool as_mask)
{
	if (as_mask)
		return f & WFT_FRAG_ANY ? 0xff :
		       f & WFT_FRAG_LATER ? WEFT_FRAG_LATER : 0;
	return f & WFT_FRAG_LATER ? WEFT_FRAG_LATER :
	       f & WFT_FRAG_ANY ? WEFT_FRAG_FIRST : WEFT_FRAG_NONE;
}

/* Metadata and ct fields of @f (a key's or, @as_mask, a mask's). */
static void put_md(const struct wft_flow *f, bool as_mask,
		   struct weft_key_compact *c)
{
	c->version = WEFT_KEY_COMPACT_VERSION;
	c->skb_mark = be32_to_host(f->pkt_mark);
	c->priority = be32_to_host(f->skb_priority);
	c->recirc_id = be32_to_host(f->recirc_id);
	c->dp_hash = be32_to_host(f->dp_hash);
	c->ct_state = be32_to_host(f->ct_state);
	if (as_mask)
		c->ct_state &= WFT_CS_ALL;
	c->ct_zone = ntohs(f->ct_zone);
	c->ct_mark = be32_to_host(f->ct_mark);
	wft_odpf_u128_swap(f->ct_label, (uint8_t *)c->ct_labels, true);
	memcpy(c->eth_src, f->dl_src, 6);
	memcpy(c->eth_dst, f->dl_dst, 6);
	c->eth_type = f->dl_type;
}

/* The tags, as odp_flow_mask.c's put_vlans(). */
static void put_vlans(const struct wft_flow *kf, const struct wft_flow *m,
		      struct weft_key_compact *key,
		      struct weft_key_compact *mask)
{
	bool outer = kf->vlan_tci & htons(WFT_VLAN_CFI);
	bool inner = outer && (kf->cvlan_tci & htons(WFT_VLAN_CFI));

	if (outer) {
		key->vlan_tpid = kf->vlan_tpid ? kf->vlan_tpid :
				 htons(inner ? WFT_ETH_TYPE_VLAN_8021AD :
					       WFT_ETH_TYPE_VLAN);
		key->vlan_tci = kf->vlan_tci;
	}
	if (m->vlan_tci) {
		mask->vlan_tpid = m->vlan_tpid;
		mask->vlan_tci = m->vlan_tci;
	}
	if (inner) {
		key->cvlan_tpid = kf->cvlan_tpid ? kf->cvlan_tpid :
				  htons(WFT_ETH_TYPE_VLAN);
		key->cvlan_tci = kf->cvlan_tci;
	}
	if (outer && m->cvlan_tci) {
		mask->cvlan_tpid = m->cvlan_tpid;
		mask->cvlan_tci = m->cvlan_tci;
	}
}

static void put_ip(const struct wft_flow *f, bool as_mask,
		   struct weft_key_compact *c)
{
	c->ip_proto = f->nw_proto;
	c->ip_tos = f->nw_tos;
	c->ip_ttl = f->nw_ttl;
	c->ip_frag = frag_to_odp(f->nw_frag, as_mask);
}

/* Which transport fields, as odp_flow_mask.c's l4_header(). */
enum l4_kind { L4_NONE, L4_PORTS, L4_TCP, L4_ICMP };

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

static void put_l4(const struct wft_flow *f, enum l4_kind kind,
		   struct weft_key_compact *c)
{
	if (kind == L4_ICMP) {
		/* Type and code are bytes: the ports' low bytes. */
		c->tp_src = f->tp_src & htons(0xff);
		c->tp_dst = f->tp_dst & htons(0xff);
		return;
	}
	c->tp_src = f->tp_src;
	c->tp_dst = f->tp_dst;
	if (kind == L4_TCP)
		c->tcp_flags = f->tcp_flags;
}

static bool is_nd(const struct wft_flow *f)
{
	uint8_t type = ntohs(f->tp_src) & 0xff;

	return f->dl_type == htons(WFT_ETH_TYPE_IPV6) &&
	       f->nw_proto == IPPROTO_ICMPV6 && (type == 135 || type == 136);
}

static void put_l3_l4(const struct wft_flow *kf, const struct wft_flow *m,
		      struct weft_key_compact *key,
		      struct weft_key_compact *mask)
{
	enum l4_kind kind;

	if (m->dl_type != 0xffff)
		return;
	switch (ntohs(kf->dl_type)) {
	case WFT_ETH_TYPE_ARP:
	case WFT_ETH_TYPE_RARP:
		key->ipv4_src = kf->nw_src;
		key->ipv4_dst = kf->nw_dst;
		key->ip_proto = kf->nw_proto;	/* the opcode's low byte */
		memcpy(key->arp_sha, kf->arp_sha, 6);
		memcpy(key->arp_tha, kf->arp_tha, 6);
		mask->ipv4_src = m->nw_src;
		mask->ipv4_dst = m->nw_dst;
		mask->ip_proto = m->nw_proto;
		memcpy(mask->arp_sha, m->arp_sha, 6);
		memcpy(mask->arp_tha, m->arp_tha, 6);
		return;
	case WFT_ETH_TYPE_IP:
		key->ipv4_src = kf->nw_src;
		key->ipv4_dst = kf->nw_dst;
		mask->ipv4_src = m->nw_src;
		mask->ipv4_dst = m->nw_dst;
		break;
	case WFT_ETH_TYPE_IPV6:
		memcpy(key->ipv6_src, &kf->ipv6_src, 16);
		memcpy(key->ipv6_dst, &kf->ipv6_dst, 16);
		key->ipv6_label = kf->ipv6_label;
		memcpy(mask->ipv6_src, &m->ipv6_src, 16);
		memcpy(mask->ipv6_dst, &m->ipv6_dst, 16);
		mask->ipv6_label = m->ipv6_label;
		break;
	default:
		return;
	}
	put_ip(kf, false, key);
	put_ip(m, true, mask);
	kind = l4_kind(kf, m);
	if (kind == L4_NONE)
		return;
	put_l4(kf, kind, key);
	put_l4(m, kind, mask);
	if (kind == L4_ICMP && is_nd(kf) &&
	    (m->tp_src & htons(0xff)) == htons(0xff)) {
		memcpy(key->nd_target, &kf->nd_target, 16);
		memcpy(key->nd_sll, kf->arp_sha, 6);
		memcpy(key->nd_tll, kf->arp_tha, 6);
		memcpy(mask->nd_target, &m->nd_target, 16);
		memcpy(mask->nd_sll, m->arp_sha, 6);
		memcpy(mask->nd_tll, m->arp_tha, 6);
	}
}

int wft_odp_megaflow_to_compact(const struct wft_flow *flow,
				const struct wft_flow_wc *wc,
				const struct wft_odp_flow_ports *ports,
				struct weft_key_compact *key,
				struct weft_key_compact *mask)
{
	const struct wft_flow *m = &wc->masks;
	struct wft_flow kf;
	uint32_t port;

	/* What the layout does not carry goes as attributes. */
	if (wft_odp_flow_is_tunnel(flow) || BITS(m, ct_nw_src) ||
	    BITS(m, ct_nw_dst) || BITS(m, ct_ipv6_src) ||
	    BITS(m, ct_ipv6_dst) || BITS(m, ct_nw_proto) ||
	    BITS(m, ct_tp_src) || BITS(m, ct_tp_dst))
		return -EOPNOTSUPP;
	kf = *flow;
	wft_flow_zero_wildcards(&kf, wc);
	memset(key, 0, sizeof(*key));
	memset(mask, 0, sizeof(*mask));
	port = ntohl(flow->in_port);
	if (ports && ports->to_odp && ports->to_odp(ports->aux, port, &port))
		return -ENOENT;
	put_md(&kf, false, key);
	put_md(m, true, mask);
	key->in_port = port;
	mask->in_port = m->in_port ? UINT32_MAX : 0;
	put_vlans(&kf, m, key, mask);
	put_l3_l4(&kf, m, key, mask);
	return 0;
}
