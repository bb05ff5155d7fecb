// SPDX-License-Identifier: GPL-2.0
/*
 * The compact flow key (struct weft_key_compact in uapi/linux/weft.h): a
 * miss's key sent up as one struct, a flow's key and mask taken as two.
 *
 * Validation is one template: from the key's eth_type, ip_proto and
 * ip_frag, the bits each field may have (zero for a field whose header the
 * key does not have, the field's width otherwise). A key or a mask with a
 * bit outside the template is refused, naming the field; then the key's
 * value ranges, and the same masking and prerequisite checks as the
 * attribute form (weft_key_check_flow()).
 */

#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "key_compact.h"
#include "key_nl.h"

#define HDR(x)		BIT(WEFT_KEY_A_##x)

/* Where a field sits in the layout, and what to say when it is wrong. */
struct compact_field {
	u8 off;
	u8 len;
	const char *key_msg;
	const char *mask_msg;
};

#define CF(m) {								\
	offsetof(struct weft_key_compact, m),				\
	sizeof_field(struct weft_key_compact, m),			\
	"compact key: " #m " set where its eth_type/ip_proto give no such field, or beyond its width", \
	"compact mask: " #m " has bits where the key's eth_type/ip_proto give no such field, or beyond its width" }
#define CF_RESERVED(m) {						\
	offsetof(struct weft_key_compact, m),				\
	sizeof_field(struct weft_key_compact, m),			\
	"compact key: " #m " must be zero",				\
	"compact mask: " #m " must be zero" }

static const struct compact_field compact_fields[] = {
	CF_RESERVED(reserved0), CF(in_port), CF(skb_mark), CF(priority),
	CF(recirc_id), CF(dp_hash), CF(ct_state), CF(ct_zone),
	CF_RESERVED(reserved1), CF(ct_mark), CF(ct_labels), CF(eth_src),
	CF(eth_dst), CF(vlan_tpid), CF(vlan_tci), CF(cvlan_tpid),
	CF(cvlan_tci), CF(eth_type), CF(ip_proto), CF(ip_tos), CF(ip_ttl),
	CF(ip_frag), CF(tp_src), CF(tp_dst), CF(tcp_flags), CF(ipv4_src),
	CF(ipv4_dst), CF(arp_sha), CF(arp_tha), CF(ipv6_src), CF(ipv6_dst),
	CF(ipv6_label), CF(nd_target), CF(nd_sll), CF(nd_tll),
};

#define BAD(a, msg)							\
	({								\
		NL_SET_ERR_MSG_ATTR(extack, a, msg);			\
		-EINVAL;						\
	})

/*
 * NL_SET_ERR_MSG_ATTR() wants a literal; the field table's messages are
 * static strings too, which is all extack needs of them.
 */
static int bad_field(struct netlink_ext_ack *extack, const struct nlattr *a,
		     const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = a;
	}
	return -EINVAL;
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned long *w = p;
	unsigned long acc = 0;
	size_t i;

	for (i = 0; i < len / sizeof(long); i++)
		acc |= w[i];
	return !acc;
}

bool weft_key_compact_fits(const struct weft_flow_key *key)
{
	BUILD_BUG_ON(sizeof(key->tun) % sizeof(long) ||
		     sizeof(key->ct_orig) % sizeof(long));
	return all_zero(&key->tun, sizeof(key->tun)) &&
	       all_zero(&key->ct_orig, sizeof(key->ct_orig));
}

void weft_key_to_compact(const struct weft_flow_key *key,
			 struct weft_key_compact *out)
{
	memset(out, 0, sizeof(*out));
	out->version = WEFT_KEY_COMPACT_VERSION;
	out->in_port = key->md.in_port;
	out->skb_mark = key->md.skb_mark;
	out->priority = key->md.priority;
	out->recirc_id = key->md.recirc_id;
	out->dp_hash = key->md.dp_hash;
	out->ct_state = key->ct.state;
	out->ct_zone = key->ct.zone;
	out->ct_mark = key->ct.mark;
	memcpy(out->ct_labels, key->ct.labels, sizeof(out->ct_labels));
	memcpy(out->eth_src, key->eth.src, ETH_ALEN);
	memcpy(out->eth_dst, key->eth.dst, ETH_ALEN);
	out->vlan_tpid = key->eth.vlan.tpid;
	out->vlan_tci = key->eth.vlan.tci;
	out->cvlan_tpid = key->eth.cvlan.tpid;
	out->cvlan_tci = key->eth.cvlan.tci;
	out->eth_type = key->eth.type;
	/* Extraction zeroes what a packet lacks: ip and tp copy as they are. */
	out->ip_proto = key->ip.proto;
	out->ip_tos = key->ip.tos;
	out->ip_ttl = key->ip.ttl;
	out->ip_frag = key->ip.frag;
	out->tp_src = key->tp.src;
	out->tp_dst = key->tp.dst;
	out->tcp_flags = key->tp.flags;
	switch (ntohs(key->eth.type)) {
	case ETH_P_ARP:
	case ETH_P_RARP:
		memcpy(out->arp_sha, key->ipv4.arp.sha, ETH_ALEN);
		memcpy(out->arp_tha, key->ipv4.arp.tha, ETH_ALEN);
		fallthrough;
	case ETH_P_IP:
		out->ipv4_src = key->ipv4.src;
		out->ipv4_dst = key->ipv4.dst;
		break;
	case ETH_P_IPV6:
		memcpy(out->ipv6_src, &key->ipv6.src, sizeof(out->ipv6_src));
		memcpy(out->ipv6_dst, &key->ipv6.dst, sizeof(out->ipv6_dst));
		out->ipv6_label = key->ipv6.label;
		memcpy(out->nd_target, &key->ipv6.nd.target,
		       sizeof(out->nd_target));
		memcpy(out->nd_sll, key->ipv6.nd.sll, ETH_ALEN);
		memcpy(out->nd_tll, key->ipv6.nd.tll, ETH_ALEN);
		break;
	}
}

/* The transport fields of key @k (an IP packet, not a later fragment). */
static weft_key_attrs_t allow_l4(const struct weft_key_compact *k, bool v6,
				 struct weft_key_compact *a)
{
	switch (k->ip_proto) {
	case IPPROTO_TCP:
		a->tcp_flags = htons(0x0fff);
		a->tp_src = a->tp_dst = htons(0xffff);
		return HDR(TCP);
	case IPPROTO_UDP:
		a->tp_src = a->tp_dst = htons(0xffff);
		return HDR(UDP);
	case IPPROTO_SCTP:
		a->tp_src = a->tp_dst = htons(0xffff);
		return HDR(SCTP);
	case IPPROTO_ICMP:
		if (v6)
			return 0;
		a->tp_src = a->tp_dst = htons(0xff);
		return HDR(ICMP);
	case IPPROTO_ICMPV6:
		if (!v6)
			return 0;
		a->tp_src = a->tp_dst = htons(0xff);
		/* Packets carry nd fields only with code 0 (flow_key.c). */
		if ((k->tp_src == htons(NDISC_NEIGHBOUR_SOLICITATION) ||
		     k->tp_src == htons(NDISC_NEIGHBOUR_ADVERTISEMENT)) &&
		    !k->tp_dst) {
			memset(a->nd_target, 0xff, sizeof(a->nd_target));
			eth_broadcast_addr(a->nd_sll);
			eth_broadcast_addr(a->nd_tll);
			return HDR(ICMPV6) | HDR(ND);
		}
		return HDR(ICMPV6);
	}
	return 0;
}

/*
 * compact_allow() - the bits key @k's fields may have (in the key and in
 * its mask) into @a; the version byte is all ones (checked apart).
 * Return: the headers @k has, as weft_key_check_flow() wants them.
 */
static weft_key_attrs_t compact_allow(const struct weft_key_compact *k,
				      struct weft_key_compact *a)
{
	weft_key_attrs_t hdrs = HDR(VLAN) | HDR(CVLAN);
	bool v6 = false;

	memset(a, 0, sizeof(*a));
	a->version = 0xff;
	a->in_port = U32_MAX;
	a->skb_mark = U32_MAX;
	a->priority = U32_MAX;
	a->recirc_id = U32_MAX;
	a->dp_hash = U32_MAX;
	a->ct_state = __WEFT_CS_ALL;
	a->ct_zone = U16_MAX;
	a->ct_mark = U32_MAX;
	memset(a->ct_labels, 0xff, sizeof(a->ct_labels));
	eth_broadcast_addr(a->eth_src);
	eth_broadcast_addr(a->eth_dst);
	a->vlan_tpid = htons(0xffff);
	a->vlan_tci = htons(0xffff);
	a->cvlan_tpid = htons(0xffff);
	a->cvlan_tci = htons(0xffff);
	a->eth_type = htons(0xffff);
	switch (ntohs(k->eth_type)) {
	case ETH_P_ARP:
	case ETH_P_RARP:
		a->ip_proto = 0xff;	/* the opcode */
		a->ipv4_src = htonl(U32_MAX);
		a->ipv4_dst = htonl(U32_MAX);
		eth_broadcast_addr(a->arp_sha);
		eth_broadcast_addr(a->arp_tha);
		return hdrs | HDR(ARP);
	case ETH_P_IP:
		a->ipv4_src = htonl(U32_MAX);
		a->ipv4_dst = htonl(U32_MAX);
		hdrs |= HDR(IPV4);
		break;
	case ETH_P_IPV6:
		memset(a->ipv6_src, 0xff, sizeof(a->ipv6_src));
		memset(a->ipv6_dst, 0xff, sizeof(a->ipv6_dst));
		a->ipv6_label = IPV6_FLOWLABEL_MASK;
		hdrs |= HDR(IPV6);
		v6 = true;
		break;
	default:
		return hdrs;
	}
	a->ip_proto = 0xff;
	a->ip_tos = 0xff;
	a->ip_ttl = 0xff;
	a->ip_frag = 0xff;
	if (k->ip_frag != WEFT_FRAG_LATER)
		hdrs |= allow_l4(k, v6, a);
	return hdrs;
}

/* The first field of @c with a bit outside @allow, or NULL. */
static const struct compact_field *
compact_stray(const struct weft_key_compact *c,
	      const struct weft_key_compact *allow)
{
	const u8 *x = (const u8 *)c, *a = (const u8 *)allow;
	size_t i, f;
	u64 xw, aw;

	BUILD_BUG_ON(sizeof(*c) % sizeof(u64));
	for (i = 0; i < sizeof(*c); i += sizeof(u64)) {
		memcpy(&xw, x + i, sizeof(xw));
		memcpy(&aw, a + i, sizeof(aw));
		if (likely(!(xw & ~aw)))
			continue;
		for (; i < sizeof(*c); i++) {
			if (!(x[i] & ~a[i]))
				continue;
			for (f = 0; f < ARRAY_SIZE(compact_fields); f++)
				if (i < compact_fields[f].off +
					compact_fields[f].len)
					return &compact_fields[f];
		}
	}
	return NULL;
}

/* A key's tag: both zero without one; CFI and a known TPID with one. */
static int check_tag(__be16 tpid, __be16 tci, const struct nlattr *attr,
		     struct netlink_ext_ack *extack)
{
	if (!tci)
		return tpid ? BAD(attr, "compact key: a vlan tpid without a tag (tci 0) must be 0") : 0;
	if (!(tci & htons(VLAN_CFI_MASK)))
		return BAD(attr, "compact key: a vlan tci needs VLAN_CFI_MASK (0x1000) set when a tag is present");
	if (!eth_type_vlan(tpid))
		return BAD(attr, "compact key: a vlan tag's tpid must be 0x8100 or 0x88a8");
	return 0;
}

static int check_key(const struct weft_key_compact *k,
		     const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	int err;

	if (k->ip_frag > WEFT_FRAG_LATER)
		return BAD(attr, "compact key: ip_frag must be 0 (no), 1 (first) or 2 (later)");
	err = check_tag(k->vlan_tpid, k->vlan_tci, attr, extack);
	if (!err)
		err = check_tag(k->cvlan_tpid, k->cvlan_tci, attr, extack);
	return err;
}

/* @c (a key's or a mask's) into @out, the union as the key's @eth_type. */
static void compact_to_key(const struct weft_key_compact *c, __be16 eth_type,
			   struct weft_flow_key *out)
{
	memset(out, 0, sizeof(*out));
	out->md.in_port = c->in_port;
	out->md.skb_mark = c->skb_mark;
	out->md.priority = c->priority;
	out->md.recirc_id = c->recirc_id;
	out->md.dp_hash = c->dp_hash;
	out->ct.state = c->ct_state;
	out->ct.zone = c->ct_zone;
	out->ct.mark = c->ct_mark;
	memcpy(out->ct.labels, c->ct_labels, sizeof(out->ct.labels));
	memcpy(out->eth.src, c->eth_src, ETH_ALEN);
	memcpy(out->eth.dst, c->eth_dst, ETH_ALEN);
	out->eth.vlan.tpid = c->vlan_tpid;
	out->eth.vlan.tci = c->vlan_tci;
	out->eth.cvlan.tpid = c->cvlan_tpid;
	out->eth.cvlan.tci = c->cvlan_tci;
	out->eth.type = c->eth_type;
	out->ip.proto = c->ip_proto;
	out->ip.tos = c->ip_tos;
	out->ip.ttl = c->ip_ttl;
	out->ip.frag = c->ip_frag;
	out->tp.src = c->tp_src;
	out->tp.dst = c->tp_dst;
	out->tp.flags = c->tcp_flags;
	if (eth_type == htons(ETH_P_IPV6)) {
		memcpy(&out->ipv6.src, c->ipv6_src, sizeof(out->ipv6.src));
		memcpy(&out->ipv6.dst, c->ipv6_dst, sizeof(out->ipv6.dst));
		out->ipv6.label = c->ipv6_label;
		memcpy(&out->ipv6.nd.target, c->nd_target,
		       sizeof(out->ipv6.nd.target));
		memcpy(out->ipv6.nd.sll, c->nd_sll, ETH_ALEN);
		memcpy(out->ipv6.nd.tll, c->nd_tll, ETH_ALEN);
	} else {
		/* Zero unless IPv4 or ARP: the template saw to it. */
		out->ipv4.src = c->ipv4_src;
		out->ipv4.dst = c->ipv4_dst;
		memcpy(out->ipv4.arp.sha, c->arp_sha, ETH_ALEN);
		memcpy(out->ipv4.arp.tha, c->arp_tha, ETH_ALEN);
	}
}

/* Size and version of one compact attribute. */
static int check_attr(const struct nlattr *attr, bool is_mask,
		      struct netlink_ext_ack *extack)
{
	const struct weft_key_compact *c = nla_data(attr);

	if (nla_len(attr) != sizeof(*c))
		return is_mask ?
		       BAD(attr, "compact flow mask must be exactly 168 bytes (struct weft_key_compact)") :
		       BAD(attr, "compact flow key must be exactly 168 bytes (struct weft_key_compact)");
	if (c->version != WEFT_KEY_COMPACT_VERSION)
		return is_mask ?
		       BAD(attr, "compact flow mask: unknown version (this module knows 1)") :
		       BAD(attr, "compact flow key: unknown version (this module knows 1)");
	return 0;
}

int weft_key_compact_parse_flow(const struct nlattr *key_attr,
				const struct nlattr *mask_attr,
				struct weft_flow_key *key,
				struct weft_flow_key *mask,
				struct netlink_ext_ack *extack)
{
	const struct weft_key_compact *kc, *mc;
	const struct compact_field *f;
	struct weft_key_compact allow;
	weft_key_attrs_t hdrs;
	int err;

	BUILD_BUG_ON(sizeof(struct weft_key_compact) != 168);
	if (!mask_attr)
		return BAD(key_attr, "a compact flow key needs a compact flow mask (FLOW_A_MASK_COMPACT)");
	err = check_attr(key_attr, false, extack);
	if (!err)
		err = check_attr(mask_attr, true, extack);
	if (err)
		return err;
	/* 4-byte aligned like every attribute; no member is wider. */
	kc = nla_data(key_attr);
	mc = nla_data(mask_attr);

	hdrs = compact_allow(kc, &allow);
	f = compact_stray(kc, &allow);
	if (f)
		return bad_field(extack, key_attr, f->key_msg);
	err = check_key(kc, key_attr, extack);
	if (err)
		return err;
	f = compact_stray(mc, &allow);
	if (f)
		return bad_field(extack, mask_attr, f->mask_msg);

	compact_to_key(kc, kc->eth_type, key);
	compact_to_key(mc, kc->eth_type, mask);
	return weft_key_check_flow(key, mask, hdrs, mask_attr, extack);
}
