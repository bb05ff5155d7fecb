// SPDX-License-Identifier: GPL-2.0
/*
 * Megaflow keys and masks for WEFT_CMD_FLOW_NEW (include/weft/odp_flow.h):
 * widening a mask to what the datapath's prerequisite checks need
 * (kmod/key_parse.c, check_prereq()), and emitting the header nests whose
 * prerequisites hold.
 */
#include <arpa/inet.h>
#include <string.h>

#include "odp_flow_private.h"

static bool nonzero(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t w;

	/* A word at a time: widening asks this of a dozen fields. */
	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		if (w)
			return true;
	}
	while (n--)
		if (*b++)
			return true;
	return false;
}

#define BITS(m, member) nonzero(&(m)->member, sizeof((m)->member))

static bool is_ip(const struct wft_flow *f)
{
	return f->dl_type == htons(WFT_ETH_TYPE_IP) ||
	       f->dl_type == htons(WFT_ETH_TYPE_IPV6);
}

/* Whether the mask matches any of the original tuple's fields. */
static bool ct_tuple_bits(const struct wft_flow *m)
{
	return BITS(m, ct_nw_src) || BITS(m, ct_nw_dst) ||
	       BITS(m, ct_ipv6_src) || BITS(m, ct_ipv6_dst) ||
	       BITS(m, ct_nw_proto) || BITS(m, ct_tp_src) || BITS(m, ct_tp_dst);
}

static bool is_nd(const struct wft_flow *f)
{
	uint8_t type = ntohs(f->tp_src) & 0xff;

	return f->dl_type == htons(WFT_ETH_TYPE_IPV6) &&
	       f->nw_proto == IPPROTO_ICMPV6 && (type == 135 || type == 136);
}

void wft_odp_flow_widen(const struct wft_flow *flow, struct wft_flow_wc *wc)
{
	struct wft_flow *m = &wc->masks;
	bool l3, l4, nd;

	if (m->in_port)
		m->in_port = UINT32_MAX;
	/* Like openvswitch.ko: the tags a packet has are always matched, and
	 * weft.ko wants a tag's TPID exact wherever the tag is. */
	m->vlan_tci = 0xffff;
	m->vlan_tpid = flow->vlan_tci & htons(WFT_VLAN_CFI) ? 0xffff : 0;
	m->cvlan_tci = flow->vlan_tci & htons(WFT_VLAN_CFI) ? 0xffff : 0;
	m->cvlan_tpid = flow->cvlan_tci & htons(WFT_VLAN_CFI) ? m->cvlan_tci : 0;

	nd = BITS(m, nd_target) ||
	     (is_nd(flow) && (BITS(m, arp_sha) || BITS(m, arp_tha)));
	l4 = BITS(m, tp_src) || BITS(m, tp_dst) || BITS(m, tcp_flags) || nd;
	l3 = l4 || BITS(m, nw_src) || BITS(m, nw_dst) || BITS(m, ipv6_src) ||
	     BITS(m, ipv6_dst) || BITS(m, ipv6_label) || BITS(m, nw_proto) ||
	     BITS(m, nw_tos) || BITS(m, nw_ttl) || BITS(m, nw_frag) ||
	     BITS(m, arp_sha) || BITS(m, arp_tha);
	/* ct_state is 32 bits in the flow (OVS's NXM field), 8 in the
	 * datapath, which drops the others from a mask and dumps it so:
	 * the megaflow (and its UFID) must say what the datapath keeps. */
	m->ct_state &= htonl(WFT_CS_ALL);
	/* weft.ko takes ct_tuple only with eth_type 0x0800/0x86dd exact. */
	if (l3 || ct_tuple_bits(m))
		m->dl_type = 0xffff;
	if (l4 && is_ip(flow)) {
		/* Which transport header, and whether there is one. */
		m->nw_proto = 0xff;
		m->nw_frag |= WFT_FRAG_ANY | WFT_FRAG_LATER;
	}
	if (nd && is_nd(flow))
		m->tp_src |= htons(0x00ff);
	if (wft_odp_flow_is_tunnel(flow)) {
		/* As OVS (tnl_wc_init()): a tunnel packet's megaflow always
		 * matches its VNI, endpoints, TOS and DF/CSUM/KEY flags, not
		 * its TTL or UDP ports; its options' length always. */
		m->tun_id = UINT64_MAX;
		if (flow->tun_dst) {
			m->tun_src = m->tun_dst = UINT32_MAX;
		} else {
			memset(&m->tun_ipv6_src, 0xff, 16);
			memset(&m->tun_ipv6_dst, 0xff, 16);
		}
		m->tun_flags |= htons(WFT_TNL_F_DF | WFT_TNL_F_CSUM |
				      WFT_TNL_F_KEY);
		m->tun_tos = 0xff;
		m->tun_opts_len = UINT32_MAX;
	}
}

static void put_md(const struct wft_flow *kf, const struct wft_flow_wc *w,
		   const struct wft_odp_flow_ports *ports,
		   struct wft_attrbuf *key, struct wft_attrbuf *mask, int *err)
{
	static const uint16_t md[] = {
		WEFT_KEY_A_RECIRC_ID, WEFT_KEY_A_DP_HASH, WEFT_KEY_A_PRIORITY,
		WEFT_KEY_A_IN_PORT, WEFT_KEY_A_SKB_MARK,
	};
	size_t i;
	int r;

	for (i = 0; i < sizeof(md) / sizeof(md[0]); i++) {
		r = wft_odpf_put_fields(key, md[i], kf, NULL, false, ports);
		if (r < 0 && !*err)
			*err = r;
		if (mask)
			wft_odpf_put_fields(mask, md[i], &w->masks, NULL, true,
					    NULL);
	}
}

/* A key/mask pair of header nests, all fields. */
static void put_pair(uint16_t hdr, const struct wft_flow *kf,
		     const struct wft_flow_wc *w, struct wft_attrbuf *key,
		     struct wft_attrbuf *mask)
{
	wft_odpf_put_fields(key, hdr, kf, NULL, false, NULL);
	if (mask)
		wft_odpf_put_fields(mask, hdr, &w->masks, NULL, true, NULL);
}

static void put_tag(struct wft_attrbuf *b, uint16_t hdr, uint16_t tpid,
		    uint16_t tci)
{
	size_t nest = wft_attr_nest_start(b, hdr);

	if (tpid)
		wft_attr_put_u16(b, WEFT_VLAN_A_TPID, htons(tpid));
	wft_attr_put_u16(b, WEFT_VLAN_A_TCI, tci);
	wft_attr_nest_end(b, nest);
}

/* The tags: present in the key when the packet has them; the mask always
 * says whether it has them. */
static void put_vlans(const struct wft_flow *kf, const struct wft_flow_wc *w,
		      struct wft_attrbuf *key, struct wft_attrbuf *mask)
{
	bool outer = kf->vlan_tci & htons(WFT_VLAN_CFI);
	bool inner = outer && (kf->cvlan_tci & htons(WFT_VLAN_CFI));

	/* A flow built without TPIDs (tests, traces) gets the usual ones. */
	uint16_t tpid = kf->vlan_tpid ? ntohs(kf->vlan_tpid) :
			inner ? WFT_ETH_TYPE_VLAN_8021AD : WFT_ETH_TYPE_VLAN;
	uint16_t ctpid = kf->cvlan_tpid ? ntohs(kf->cvlan_tpid) :
			 WFT_ETH_TYPE_VLAN;

	if (outer)
		put_tag(key, WEFT_KEY_A_VLAN, tpid, kf->vlan_tci);
	if (mask && w->masks.vlan_tci)
		put_tag(mask, WEFT_KEY_A_VLAN, ntohs(w->masks.vlan_tpid),
			w->masks.vlan_tci);
	if (inner)
		put_tag(key, WEFT_KEY_A_CVLAN, ctpid, kf->cvlan_tci);
	if (mask && outer && w->masks.cvlan_tci)
		put_tag(mask, WEFT_KEY_A_CVLAN, ntohs(w->masks.cvlan_tpid),
			w->masks.cvlan_tci);
}

/*
 * The ct fields the mask matches. An exact flow (no mask given, as for an
 * upcall's own key) has them only where the packet has them nonzero, as
 * weft.ko's keys do. The tuple carries the addresses of the flow's family.
 */
static void put_ct(const struct wft_flow *kf, const struct wft_flow_wc *w,
		   bool exact, struct wft_attrbuf *key,
		   struct wft_attrbuf *mask)
{
	static const uint16_t scalars[] = {
		WEFT_KEY_A_CT_STATE, WEFT_KEY_A_CT_ZONE, WEFT_KEY_A_CT_MARK,
		WEFT_KEY_A_CT_LABELS,
	};
	const struct odpf_field *f;
	struct wft_flow_wc sel;
	size_t i;

	for (i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		f = &wft_odpf_headers[scalars[i]].fields[0];
		if (!wft_odpf_has_bits(&w->masks, f) ||
		    (exact && !wft_odpf_has_bits(kf, f)))
			continue;
		put_pair(scalars[i], kf, w, key, mask);
	}
	if (!ct_tuple_bits(&w->masks) || (exact && !ct_tuple_bits(kf)) ||
	    !is_ip(kf) || w->masks.dl_type != 0xffff)
		return;
	memset(&sel, 0, sizeof(sel));
	sel.masks.ct_nw_proto = w->masks.ct_nw_proto;
	sel.masks.ct_tp_src = w->masks.ct_tp_src;
	sel.masks.ct_tp_dst = w->masks.ct_tp_dst;
	if (kf->dl_type == htons(WFT_ETH_TYPE_IP)) {
		sel.masks.ct_nw_src = w->masks.ct_nw_src;
		sel.masks.ct_nw_dst = w->masks.ct_nw_dst;
	} else {
		sel.masks.ct_ipv6_src = w->masks.ct_ipv6_src;
		sel.masks.ct_ipv6_dst = w->masks.ct_ipv6_dst;
	}
	if (!ct_tuple_bits(&sel.masks))
		return;
	wft_odpf_put_fields(key, WEFT_KEY_A_CT_TUPLE, kf, &sel, false, NULL);
	if (mask)
		wft_odpf_put_fields(mask, WEFT_KEY_A_CT_TUPLE, &w->masks, &sel,
				    true, NULL);
}

/* The transport header of an IP packet whose protocol the mask fixes. */
static uint16_t l4_header(const struct wft_flow *f, const struct wft_flow *m)
{
	bool v6 = f->dl_type == htons(WFT_ETH_TYPE_IPV6);

	/* A later fragment has no transport header; a mask that does not
	 * tell later fragments apart covers some. */
	if (m->nw_proto != 0xff || !(m->nw_frag & WFT_FRAG_LATER) ||
	    f->nw_frag & WFT_FRAG_LATER)
		return 0;
	switch (f->nw_proto) {
	case IPPROTO_TCP:
		return WEFT_KEY_A_TCP;
	case IPPROTO_UDP:
		return WEFT_KEY_A_UDP;
	case IPPROTO_SCTP:
		return WEFT_KEY_A_SCTP;
	case IPPROTO_ICMP:
		return v6 ? 0 : WEFT_KEY_A_ICMP;
	case IPPROTO_ICMPV6:
		return v6 ? WEFT_KEY_A_ICMPV6 : 0;
	}
	return 0;
}

static void put_l3_l4(const struct wft_flow *kf, const struct wft_flow_wc *w,
		      struct wft_attrbuf *key, struct wft_attrbuf *mask)
{
	const struct wft_flow *m = &w->masks;
	uint16_t l3 = 0, l4;

	if (m->dl_type != 0xffff)
		return;
	switch (ntohs(kf->dl_type)) {
	case WFT_ETH_TYPE_IP:
		l3 = WEFT_KEY_A_IPV4;
		break;
	case WFT_ETH_TYPE_IPV6:
		l3 = WEFT_KEY_A_IPV6;
		break;
	case WFT_ETH_TYPE_ARP:
	case WFT_ETH_TYPE_RARP:
		put_pair(WEFT_KEY_A_ARP, kf, w, key, mask);
		return;
	default:
		return;
	}
	put_pair(l3, kf, w, key, mask);
	l4 = l4_header(kf, m);
	if (!l4)
		return;
	put_pair(l4, kf, w, key, mask);
	if (l4 == WEFT_KEY_A_ICMPV6 && is_nd(kf) &&
	    (m->tp_src & htons(0xff)) == htons(0xff))
		put_pair(WEFT_KEY_A_ND, kf, w, key, mask);
}

/* The nests of key @kf (masked by @w, which is widened) and mask @w. */
static int put_key_mask(const struct wft_flow *flow, const struct wft_flow *kf,
			const struct wft_flow_wc *w, bool exact,
			const struct wft_odp_flow_ports *ports,
			struct wft_attrbuf *key, struct wft_attrbuf *mask)
{
	int err = 0;

	put_md(kf, w, ports, key, mask, &err);
	wft_odpf_tunnel_put(flow, kf, w, key, mask);
	put_ct(kf, w, exact, key, mask);
	put_pair(WEFT_KEY_A_ETHERNET, kf, w, key, mask);
	put_vlans(kf, w, key, mask);
	put_pair(WEFT_KEY_A_ETHERTYPE, kf, w, key, mask);
	put_l3_l4(kf, w, key, mask);
	if (err)
		return err;
	if (key->error)
		return key->error;
	return mask ? mask->error : 0;
}

int wft_odp_flow_to_key(const struct wft_flow *flow,
			const struct wft_flow_wc *wc,
			const struct wft_odp_flow_ports *ports,
			struct wft_attrbuf *key, struct wft_attrbuf *mask)
{
	struct wft_flow_wc w;
	struct wft_flow kf = *flow;

	if (wc)
		w = *wc;
	else
		wft_flow_wc_init_exact(&w);
	wft_odp_flow_widen(flow, &w);
	/* The key holds only what the mask keeps, as the datapath would. */
	wft_flow_zero_wildcards(&kf, &w);
	kf.in_port = flow->in_port;
	return put_key_mask(flow, &kf, &w, !wc, ports, key, mask);
}

int wft_odp_megaflow_to_key(const struct wft_flow *flow,
			    const struct wft_flow_wc *wc,
			    const struct wft_odp_flow_ports *ports,
			    struct wft_attrbuf *key, struct wft_attrbuf *mask)
{
	struct wft_flow kf = *flow;

	wft_flow_zero_wildcards(&kf, wc);
	kf.in_port = flow->in_port;
	return put_key_mask(flow, &kf, wc, false, ports, key, mask);
}
