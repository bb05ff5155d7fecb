// SPDX-License-Identifier: GPL-2.0
/*
 * Flow keys and masks from netlink: a WEFT_KEY_A_* nest holding metadata
 * attributes and one nest per header, each with its own field attributes.
 *
 * Every attribute is checked exactly once, by one walk over the message
 * driven by the field tables below. The generic policy code would check each
 * field two or three times (once when genl validates the command's nests,
 * again for each nla_parse_nested()) and clear a table of pointers per nest;
 * flow installs are hot, so the walk does what a strict policy does (known
 * types only, exact lengths, NLA_F_NESTED on nests and nowhere else, no bytes
 * left over) and a little more: each attribute at most once, value ranges of
 * key fields, headers that would share storage in the key, and, for flows,
 * that every matched header has its prerequisites matched.
 */

#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <uapi/linux/weft.h>

#include "key_nl.h"

/* How a field attribute's payload becomes bytes of struct weft_flow_key. */
enum field_kind {
	F_RAW,		/* copied as it is (same width, same byte order) */
	F_FRAG,		/* u8 enum weft_frag_type: a key's is <= LATER */
	F_LABEL,	/* __be32 IPv6 flow label: 20 bits */
	F_TCP_FLAGS,	/* __be16: 12 bits */
	F_ICMP,		/* u8 type or code, kept as htons() in a port field */
	F_ARP_OP,	/* __be16 opcode, kept as its low byte in ip.proto */
	F_TUN_FLAGS,	/* u16 enum weft_tunnel_flags */
	F_TUN_OPTS,	/* GENEVE options: 4..WEFT_TUN_OPTS_MAX bytes, n*4 */
	F_CT_STATE,	/* u32 enum weft_ct_state */
};

/* key_field.len of a field whose payload length varies (F_TUN_OPTS). */
#define VARLEN		0xff

struct key_field {
	u16 off;	/* in struct weft_flow_key */
	u8 len;		/* of the attribute's payload; 0: no such field */
	u8 kind;	/* enum field_kind */
};

#define FIELD_AS(attr, member, len_, kind_)				\
	[attr] = { offsetof(struct weft_flow_key, member), len_, kind_ }
#define FIELD(attr, member)						\
	FIELD_AS(attr, member, sizeof_field(struct weft_flow_key, member), F_RAW)

/* Metadata and the EtherType sit directly in the key nest. */
static const struct key_field md_fields[WEFT_KEY_A_MAX + 1] = {
	FIELD(WEFT_KEY_A_IN_PORT, md.in_port),
	FIELD(WEFT_KEY_A_SKB_MARK, md.skb_mark),
	FIELD(WEFT_KEY_A_PRIORITY, md.priority),
	FIELD(WEFT_KEY_A_RECIRC_ID, md.recirc_id),
	FIELD(WEFT_KEY_A_DP_HASH, md.dp_hash),
	FIELD(WEFT_KEY_A_ETHERTYPE, eth.type),
	FIELD_AS(WEFT_KEY_A_CT_STATE, ct.state, 4, F_CT_STATE),
	FIELD(WEFT_KEY_A_CT_ZONE, ct.zone),
	FIELD(WEFT_KEY_A_CT_MARK, ct.mark),
	FIELD(WEFT_KEY_A_CT_LABELS, ct.labels),
};

/* The original direction of the packet's connection. */
static const struct key_field ct_tuple_fields[WEFT_CT_TUPLE_A_MAX + 1] = {
	FIELD(WEFT_CT_TUPLE_A_IPV4_SRC, ct_orig.ipv4_src),
	FIELD(WEFT_CT_TUPLE_A_IPV4_DST, ct_orig.ipv4_dst),
	FIELD(WEFT_CT_TUPLE_A_IPV6_SRC, ct_orig.ipv6_src),
	FIELD(WEFT_CT_TUPLE_A_IPV6_DST, ct_orig.ipv6_dst),
	FIELD(WEFT_CT_TUPLE_A_PROTO, ct_orig.proto),
	FIELD(WEFT_CT_TUPLE_A_TP_SRC, ct_orig.tp_src),
	FIELD(WEFT_CT_TUPLE_A_TP_DST, ct_orig.tp_dst),
};

static const struct key_field eth_fields[WEFT_ETH_A_MAX + 1] = {
	FIELD(WEFT_ETH_A_SRC, eth.src),
	FIELD(WEFT_ETH_A_DST, eth.dst),
};

static const struct key_field vlan_fields[WEFT_VLAN_A_MAX + 1] = {
	FIELD(WEFT_VLAN_A_TPID, eth.vlan.tpid),
	FIELD(WEFT_VLAN_A_TCI, eth.vlan.tci),
};

static const struct key_field cvlan_fields[WEFT_VLAN_A_MAX + 1] = {
	FIELD(WEFT_VLAN_A_TPID, eth.cvlan.tpid),
	FIELD(WEFT_VLAN_A_TCI, eth.cvlan.tci),
};

static const struct key_field ipv4_fields[WEFT_IPV4_A_MAX + 1] = {
	FIELD(WEFT_IPV4_A_SRC, ipv4.src),
	FIELD(WEFT_IPV4_A_DST, ipv4.dst),
	FIELD(WEFT_IPV4_A_PROTO, ip.proto),
	FIELD(WEFT_IPV4_A_TOS, ip.tos),
	FIELD(WEFT_IPV4_A_TTL, ip.ttl),
	FIELD_AS(WEFT_IPV4_A_FRAG, ip.frag, 1, F_FRAG),
};

static const struct key_field ipv6_fields[WEFT_IPV6_A_MAX + 1] = {
	FIELD(WEFT_IPV6_A_SRC, ipv6.src),
	FIELD(WEFT_IPV6_A_DST, ipv6.dst),
	FIELD_AS(WEFT_IPV6_A_LABEL, ipv6.label, 4, F_LABEL),
	FIELD(WEFT_IPV6_A_PROTO, ip.proto),
	FIELD(WEFT_IPV6_A_TCLASS, ip.tos),
	FIELD(WEFT_IPV6_A_HLIMIT, ip.ttl),
	FIELD_AS(WEFT_IPV6_A_FRAG, ip.frag, 1, F_FRAG),
};

static const struct key_field tcp_fields[WEFT_TP_A_MAX + 1] = {
	FIELD(WEFT_TP_A_SRC, tp.src),
	FIELD(WEFT_TP_A_DST, tp.dst),
	FIELD_AS(WEFT_TP_A_FLAGS, tp.flags, 2, F_TCP_FLAGS),
};

/* UDP and SCTP have no flags. */
static const struct key_field ports_fields[WEFT_TP_A_MAX + 1] = {
	FIELD(WEFT_TP_A_SRC, tp.src),
	FIELD(WEFT_TP_A_DST, tp.dst),
};

/* ICMP type and code live in the port fields, as in OVS's key. */
static const struct key_field icmp_fields[WEFT_ICMP_A_MAX + 1] = {
	FIELD_AS(WEFT_ICMP_A_TYPE, tp.src, 1, F_ICMP),
	FIELD_AS(WEFT_ICMP_A_CODE, tp.dst, 1, F_ICMP),
};

static const struct key_field arp_fields[WEFT_ARP_A_MAX + 1] = {
	FIELD(WEFT_ARP_A_SIP, ipv4.src),
	FIELD(WEFT_ARP_A_TIP, ipv4.dst),
	FIELD_AS(WEFT_ARP_A_OP, ip.proto, 2, F_ARP_OP),
	FIELD(WEFT_ARP_A_SHA, ipv4.arp.sha),
	FIELD(WEFT_ARP_A_THA, ipv4.arp.tha),
};

static const struct key_field nd_fields[WEFT_ND_A_MAX + 1] = {
	FIELD(WEFT_ND_A_TARGET, ipv6.nd.target),
	FIELD(WEFT_ND_A_SLL, ipv6.nd.sll),
	FIELD(WEFT_ND_A_TLL, ipv6.nd.tll),
};

static const struct key_field tunnel_fields[WEFT_TUNNEL_A_MAX + 1] = {
	FIELD(WEFT_TUNNEL_A_ID, tun.id),
	FIELD(WEFT_TUNNEL_A_IPV4_SRC, tun.ipv4_src),
	FIELD(WEFT_TUNNEL_A_IPV4_DST, tun.ipv4_dst),
	FIELD(WEFT_TUNNEL_A_IPV6_SRC, tun.ipv6_src),
	FIELD(WEFT_TUNNEL_A_IPV6_DST, tun.ipv6_dst),
	FIELD(WEFT_TUNNEL_A_TOS, tun.tos),
	FIELD(WEFT_TUNNEL_A_TTL, tun.ttl),
	FIELD_AS(WEFT_TUNNEL_A_FLAGS, tun.flags, 2, F_TUN_FLAGS),
	FIELD(WEFT_TUNNEL_A_TP_SRC, tun.tp_src),
	FIELD(WEFT_TUNNEL_A_TP_DST, tun.tp_dst),
	FIELD_AS(WEFT_TUNNEL_A_GENEVE_OPTS, tun_opts, VARLEN, F_TUN_OPTS),
};

/* The header nests of a key nest, by WEFT_KEY_A_* type. */
struct key_header {
	const struct key_field *fields;
	u8 max;		/* largest field attribute type */
};

#define HEADER(attr, table)						\
	[attr] = { table, ARRAY_SIZE(table) - 1 }

static const struct key_header headers[WEFT_KEY_A_MAX + 1] = {
	HEADER(WEFT_KEY_A_ETHERNET, eth_fields),
	HEADER(WEFT_KEY_A_VLAN, vlan_fields),
	HEADER(WEFT_KEY_A_CVLAN, cvlan_fields),
	HEADER(WEFT_KEY_A_IPV4, ipv4_fields),
	HEADER(WEFT_KEY_A_IPV6, ipv6_fields),
	HEADER(WEFT_KEY_A_TCP, tcp_fields),
	HEADER(WEFT_KEY_A_UDP, ports_fields),
	HEADER(WEFT_KEY_A_SCTP, ports_fields),
	HEADER(WEFT_KEY_A_ICMP, icmp_fields),
	HEADER(WEFT_KEY_A_ICMPV6, icmp_fields),
	HEADER(WEFT_KEY_A_ARP, arp_fields),
	HEADER(WEFT_KEY_A_ND, nd_fields),
	HEADER(WEFT_KEY_A_TUNNEL, tunnel_fields),
	HEADER(WEFT_KEY_A_CT_TUPLE, ct_tuple_fields),
};

#define HDR(x)		BIT(WEFT_KEY_A_##x)
#define L3_HDRS		(HDR(IPV4) | HDR(IPV6) | HDR(ARP))
#define L4_HDRS		(HDR(TCP) | HDR(UDP) | HDR(SCTP) | HDR(ICMP) | \
			 HDR(ICMPV6))

#define BAD(a, msg)							\
	({								\
		NL_SET_ERR_MSG_ATTR(extack, a, msg);			\
		-EINVAL;						\
	})

/*
 * A field's bytes. A memcpy() of a length known only at run time is a call
 * and a byte loop (rep movsb); the usual field sizes get constant copies,
 * a load and a store each.
 */
static __always_inline void copy_raw(u8 *dst, const void *src, int len)
{
	switch (len) {
	case 1:
		memcpy(dst, src, 1);
		break;
	case 2:
		memcpy(dst, src, 2);
		break;
	case 4:
		memcpy(dst, src, 4);
		break;
	case ETH_ALEN:
		memcpy(dst, src, ETH_ALEN);
		break;
	case 8:
		memcpy(dst, src, 8);
		break;
	case 16:
		memcpy(dst, src, 16);
		break;
	default:
		memcpy(dst, src, len);
	}
}

/* Copies attribute @a into @out as @f says, checking a key's value range. */
static __always_inline int put_field(const struct key_field *f,
				     const struct nlattr *a,
				     struct weft_flow_key *out, bool is_mask,
				     struct netlink_ext_ack *extack)
{
	u8 *dst = (u8 *)out + f->off;
	__be32 label;
	__be16 be16;
	u32 state;
	u16 op;

	switch (f->kind) {
	case F_RAW:
		copy_raw(dst, nla_data(a), f->len);
		return 0;
	case F_FRAG:
		*dst = nla_get_u8(a);
		if (!is_mask && *dst > WEFT_FRAG_LATER)
			return BAD(a, "frag must be 0 (no), 1 (first) or 2 (later)");
		return 0;
	case F_LABEL:
		label = nla_get_be32(a);
		if (label & ~IPV6_FLOWLABEL_MASK) {
			if (!is_mask)
				return BAD(a, "ipv6 label is wider than 20 bits");
			label &= IPV6_FLOWLABEL_MASK;
		}
		memcpy(dst, &label, sizeof(label));
		return 0;
	case F_TCP_FLAGS:
		be16 = nla_get_be16(a);
		if (be16 & ~htons(0x0fff)) {
			if (!is_mask)
				return BAD(a, "tcp flags are wider than 12 bits");
			be16 &= htons(0x0fff);
		}
		memcpy(dst, &be16, sizeof(be16));
		return 0;
	case F_ICMP:
		be16 = htons(nla_get_u8(a));
		memcpy(dst, &be16, sizeof(be16));
		return 0;
	case F_ARP_OP:
		/* The key keeps the opcode's low byte, like the packet parser. */
		op = ntohs(nla_get_be16(a));
		if (!is_mask && op > 0xff)
			return BAD(a, "arp op above 255 cannot be matched");
		*dst = op & 0xff;
		return 0;
	case F_TUN_FLAGS:
		op = nla_get_u16(a);
		if (op & ~__WEFT_TUNNEL_F_ALL) {
			if (!is_mask)
				return BAD(a, "tunnel flags has unknown bits");
			op &= __WEFT_TUNNEL_F_ALL;
		}
		memcpy(dst, &op, sizeof(op));
		return 0;
	case F_CT_STATE:
		state = nla_get_u32(a);
		if ((state & ~__WEFT_CS_ALL) && !is_mask)
			return BAD(a, "ct_state has unknown bits");
		state &= __WEFT_CS_ALL;
		memcpy(dst, &state, sizeof(state));
		return 0;
	case F_TUN_OPTS:
		/* Right-aligned: they end where the tunnel header starts. */
		out->tun.opts_len = nla_len(a);
		memcpy(weft_key_tun_opts(out), nla_data(a), nla_len(a));
		return 0;
	}
	return BAD(a, "internal error: unknown field kind");
}

/*
 * One field attribute of a nest whose table is @fields (largest type @max),
 * of which @seen already holds the types met. Inlined: this is the inner
 * loop of every flow install.
 */
static __always_inline int parse_field(const struct nlattr *a,
				       const struct key_field *fields, int max,
				       u32 *seen, struct weft_flow_key *out,
				       bool is_mask,
				       struct netlink_ext_ack *extack)
{
	int type = nla_type(a);
	const struct key_field *f;

	if (type > max || !fields[type].len)
		return BAD(a, "unknown attribute type in a flow key");
	f = &fields[type];
	if (a->nla_type & NLA_F_NESTED)
		return BAD(a, "NLA_F_NESTED set on a flow key field");
	if (f->len == VARLEN) {
		if (!nla_len(a) || nla_len(a) > WEFT_TUN_OPTS_MAX ||
		    nla_len(a) % 4)
			return BAD(a, "tunnel geneve options must be 4 to 252 bytes, a multiple of 4");
	} else if (nla_len(a) != f->len) {
		return BAD(a, "flow key field has the wrong length");
	}
	if (*seen & BIT(type))
		return BAD(a, "flow key field given twice");
	*seen |= BIT(type);
	return put_field(f, a, out, is_mask, extack);
}

/* A key's VLAN tag: TCI 0 is "no tag"; any other needs the CFI bit. */
static int check_vlan(const struct nlattr *nest, u32 seen,
		      struct weft_key_vlan *vlan,
		      struct netlink_ext_ack *extack)
{
	bool tagged = vlan->tci & htons(VLAN_CFI_MASK);

	if (vlan->tci && !tagged)
		return BAD(nest, "vlan tci needs VLAN_CFI_MASK (0x1000) set when a tag is present");
	if (tagged && !(seen & BIT(WEFT_VLAN_A_TPID)))
		vlan->tpid = htons(ETH_P_8021Q);
	if (tagged ? !eth_type_vlan(vlan->tpid) : !!vlan->tpid)
		return BAD(nest, "vlan tpid must be 0x8100 or 0x88a8 on a tag and absent without one");
	return 0;
}

static int parse_header(int type, const struct nlattr *nest,
			struct weft_flow_key *out, bool is_mask,
			struct netlink_ext_ack *extack)
{
	const struct key_header *h = &headers[type];
	const struct nlattr *a;
	u32 seen = 0;
	int rem, err;

	if (!(nest->nla_type & NLA_F_NESTED))
		return BAD(nest, "flow key header nest lacks NLA_F_NESTED");
	nla_for_each_nested(a, nest, rem) {
		err = parse_field(a, h->fields, h->max, &seen, out, is_mask,
				  extack);
		if (err)
			return err;
	}
	if (rem > 0)
		return BAD(nest, "bytes left over after the last attribute of a flow key header");
	if (is_mask)
		return 0;
	if (type == WEFT_KEY_A_VLAN)
		return check_vlan(nest, seen, &out->eth.vlan, extack);
	if (type == WEFT_KEY_A_CVLAN)
		return check_vlan(nest, seen, &out->eth.cvlan, extack);
	if (type == WEFT_KEY_A_TUNNEL &&
	    (out->tun.ipv4_src || out->tun.ipv4_dst) &&
	    (!ipv6_addr_any(&out->tun.ipv6_src) ||
	     !ipv6_addr_any(&out->tun.ipv6_dst)))
		return BAD(nest, "tunnel ipv4 and ipv6 endpoints are exclusive");
	if (type == WEFT_KEY_A_CT_TUPLE &&
	    (out->ct_orig.ipv4_src || out->ct_orig.ipv4_dst) &&
	    (!ipv6_addr_any(&out->ct_orig.ipv6_src) ||
	     !ipv6_addr_any(&out->ct_orig.ipv6_dst)))
		return BAD(nest, "ct_tuple ipv4 and ipv6 addresses are exclusive");
	return 0;
}

/*
 * Headers that would share storage in struct weft_flow_key cannot appear
 * together: one network header, one transport header, and ND only with
 * IPv6 (its fields overlay the ARP ones).
 */
static int check_exclusive(weft_key_attrs_t hdrs, const struct nlattr *nest,
			   struct netlink_ext_ack *extack)
{
	if (hweight32(hdrs & L3_HDRS) > 1)
		return BAD(nest, "ipv4, ipv6 and arp are exclusive");
	if (hweight32(hdrs & L4_HDRS) > 1)
		return BAD(nest, "tcp, udp, sctp, icmp and icmpv6 are exclusive");
	if ((hdrs & HDR(ND)) && (hdrs & (HDR(IPV4) | HDR(ARP))))
		return BAD(nest, "nd goes with ipv6 only");
	return 0;
}

int weft_key_parse(const struct nlattr *nest, struct weft_flow_key *out,
		   weft_key_attrs_t *present, bool is_mask,
		   struct netlink_ext_ack *extack)
{
	weft_key_attrs_t hdrs = 0;
	const struct nlattr *a;
	int rem, type, err;

	BUILD_BUG_ON(WEFT_KEY_A_MAX >= sizeof(weft_key_attrs_t) * 8);
	memset(out, 0, sizeof(*out));
	nla_for_each_nested(a, nest, rem) {
		type = nla_type(a);
		if (type <= WEFT_KEY_A_MAX && headers[type].fields) {
			if (hdrs & BIT(type))
				return BAD(a, "flow key header given twice");
			hdrs |= BIT(type);
			err = parse_header(type, a, out, is_mask, extack);
		} else {
			err = parse_field(a, md_fields, WEFT_KEY_A_MAX, &hdrs,
					  out, is_mask, extack);
		}
		if (err)
			return err;
	}
	if (rem > 0)
		return BAD(nest, "bytes left over after the last attribute of a flow key");
	err = check_exclusive(hdrs, nest, extack);
	if (err)
		return err;
	if (present)
		*present = hdrs;
	return 0;
}

/*
 * mask_exact() - the mask of a flow given without one: every field of every
 * header present in the key, at the field's width.
 */
/*
 * A tunnel given without a mask: its ID and flags, its options if any, and
 * each other field the key gives a nonzero value (a zero endpoint, port,
 * TOS or TTL is taken as "any": no tunnel packet has a zero endpoint).
 */
static void mask_exact_tunnel(struct weft_flow_key *m,
			      const struct weft_flow_key *k)
{
	const struct weft_key_tunnel *kt = &k->tun;
	struct weft_key_tunnel *mt = &m->tun;

	mt->id = cpu_to_be64(U64_MAX);
	mt->flags = __WEFT_TUNNEL_F_ALL;
	mt->ipv4_src = kt->ipv4_src ? htonl(U32_MAX) : 0;
	mt->ipv4_dst = kt->ipv4_dst ? htonl(U32_MAX) : 0;
	if (!ipv6_addr_any(&kt->ipv6_src))
		memset(&mt->ipv6_src, 0xff, sizeof(mt->ipv6_src));
	if (!ipv6_addr_any(&kt->ipv6_dst))
		memset(&mt->ipv6_dst, 0xff, sizeof(mt->ipv6_dst));
	mt->tp_src = kt->tp_src ? htons(0xffff) : 0;
	mt->tp_dst = kt->tp_dst ? htons(0xffff) : 0;
	mt->tos = kt->tos ? 0xff : 0;
	mt->ttl = kt->ttl ? 0xff : 0;
	if (kt->opts_len) {
		mt->opts_len = 0xff;
		memset(m->tun_opts + WEFT_TUN_OPTS_MAX - kt->opts_len, 0xff,
		       kt->opts_len);
	}
}

static void mask_exact(struct weft_flow_key *m, const struct weft_flow_key *k,
		       weft_key_attrs_t hdrs)
{
	memset(m, 0, sizeof(*m));
	if (hdrs & HDR(IN_PORT))
		m->md.in_port = U32_MAX;
	if (hdrs & HDR(SKB_MARK))
		m->md.skb_mark = U32_MAX;
	if (hdrs & HDR(PRIORITY))
		m->md.priority = U32_MAX;
	if (hdrs & HDR(RECIRC_ID))
		m->md.recirc_id = U32_MAX;
	if (hdrs & HDR(DP_HASH))
		m->md.dp_hash = U32_MAX;
	if (hdrs & HDR(ETHERNET)) {
		eth_broadcast_addr(m->eth.src);
		eth_broadcast_addr(m->eth.dst);
	}
	if (hdrs & HDR(VLAN))
		memset(&m->eth.vlan, 0xff, sizeof(m->eth.vlan));
	if (hdrs & HDR(CVLAN))
		memset(&m->eth.cvlan, 0xff, sizeof(m->eth.cvlan));
	if (hdrs & HDR(ETHERTYPE))
		m->eth.type = htons(0xffff);
	if (hdrs & (HDR(IPV4) | HDR(IPV6)))
		memset(&m->ip, 0xff, sizeof(m->ip));
	if (hdrs & HDR(IPV4)) {
		m->ipv4.src = htonl(U32_MAX);
		m->ipv4.dst = htonl(U32_MAX);
	}
	if (hdrs & HDR(IPV6)) {
		memset(&m->ipv6.src, 0xff, sizeof(m->ipv6.src));
		memset(&m->ipv6.dst, 0xff, sizeof(m->ipv6.dst));
		m->ipv6.label = IPV6_FLOWLABEL_MASK;
	}
	if (hdrs & (HDR(TCP) | HDR(UDP) | HDR(SCTP))) {
		m->tp.src = htons(0xffff);
		m->tp.dst = htons(0xffff);
	}
	if (hdrs & HDR(TCP))
		m->tp.flags = htons(0x0fff);
	if (hdrs & (HDR(ICMP) | HDR(ICMPV6))) {
		m->tp.src = htons(0xff);
		m->tp.dst = htons(0xff);
	}
	if (hdrs & HDR(ARP)) {
		m->ip.proto = 0xff;
		m->ipv4.src = htonl(U32_MAX);
		m->ipv4.dst = htonl(U32_MAX);
		eth_broadcast_addr(m->ipv4.arp.sha);
		eth_broadcast_addr(m->ipv4.arp.tha);
	}
	if (hdrs & HDR(ND))
		memset(&m->ipv6.nd, 0xff, sizeof(m->ipv6.nd));
	if (hdrs & HDR(TUNNEL))
		mask_exact_tunnel(m, k);
	if (hdrs & HDR(CT_STATE))
		m->ct.state = __WEFT_CS_ALL;
	if (hdrs & HDR(CT_ZONE))
		m->ct.zone = U16_MAX;
	if (hdrs & HDR(CT_MARK))
		m->ct.mark = U32_MAX;
	if (hdrs & HDR(CT_LABELS))
		memset(m->ct.labels, 0xff, sizeof(m->ct.labels));
	if (hdrs & HDR(CT_TUPLE)) {
		/* The addresses of the key's family, as ipv4()/ipv6() do. */
		if (k->eth.type == htons(ETH_P_IP) || k->ct_orig.ipv4_src ||
		    k->ct_orig.ipv4_dst) {
			m->ct_orig.ipv4_src = htonl(U32_MAX);
			m->ct_orig.ipv4_dst = htonl(U32_MAX);
		} else if (k->eth.type == htons(ETH_P_IPV6) ||
			   !ipv6_addr_any(&k->ct_orig.ipv6_src) ||
			   !ipv6_addr_any(&k->ct_orig.ipv6_dst)) {
			memset(&m->ct_orig.ipv6_src, 0xff,
			       sizeof(m->ct_orig.ipv6_src));
			memset(&m->ct_orig.ipv6_dst, 0xff,
			       sizeof(m->ct_orig.ipv6_dst));
		}
		m->ct_orig.proto = 0xff;
		m->ct_orig.tp_src = htons(0xffff);
		m->ct_orig.tp_dst = htons(0xffff);
	}
}

static bool nonzero(const void *p, size_t len)
{
	return memchr_inv(p, 0, len);
}

/* Whether mask @m matches any bit of header @type. */
static bool hdr_matched(int type, const struct weft_flow_key *m)
{
	switch (type) {
	case WEFT_KEY_A_CVLAN:
		return nonzero(&m->eth.cvlan, sizeof(m->eth.cvlan));
	case WEFT_KEY_A_IPV4:
		return nonzero(&m->ip, sizeof(m->ip)) || m->ipv4.src ||
		       m->ipv4.dst;
	case WEFT_KEY_A_IPV6:
		return nonzero(&m->ip, sizeof(m->ip)) ||
		       nonzero(&m->ipv6, offsetof(typeof(m->ipv6), nd));
	case WEFT_KEY_A_ARP:
		return m->ip.proto || nonzero(&m->ipv4, sizeof(m->ipv4));
	case WEFT_KEY_A_TCP:
	case WEFT_KEY_A_UDP:
	case WEFT_KEY_A_SCTP:
	case WEFT_KEY_A_ICMP:
	case WEFT_KEY_A_ICMPV6:
		return nonzero(&m->tp, sizeof(m->tp));
	case WEFT_KEY_A_ND:
		return nonzero(&m->ipv6.nd, sizeof(m->ipv6.nd));
	case WEFT_KEY_A_CT_TUPLE:
		return nonzero(&m->ct_orig, sizeof(m->ct_orig));
	}
	return false;
}

static bool eth_exact(const struct weft_flow_key *k,
		      const struct weft_flow_key *m, u16 type)
{
	return m->eth.type == htons(0xffff) && k->eth.type == htons(type);
}

/* An IP protocol matched exactly on a packet that has a transport header. */
static bool l4_exact(const struct weft_flow_key *k,
		     const struct weft_flow_key *m, u16 eth_type, u8 proto)
{
	return eth_exact(k, m, eth_type) && m->ip.proto == 0xff &&
	       k->ip.proto == proto && k->ip.frag != WEFT_FRAG_LATER;
}

static bool l4_exact_any(const struct weft_flow_key *k,
			 const struct weft_flow_key *m, u8 proto)
{
	return l4_exact(k, m, ETH_P_IP, proto) ||
	       l4_exact(k, m, ETH_P_IPV6, proto);
}

#define PREREQ(cond, msg)						\
	do {								\
		if (!(cond)) {						\
			NL_SET_ERR_MSG_ATTR(extack, where, msg);	\
			return -EINVAL;					\
		}							\
	} while (0)

/*
 * check_prereq() - a matched header needs what encloses it matched exactly:
 * its EtherType, its IP protocol, the outer VLAN tag, the ICMPv6 type.
 * @k is already masked by @m.
 */
static int check_prereq(int type, const struct weft_flow_key *k,
			const struct weft_flow_key *m,
			const struct nlattr *where,
			struct netlink_ext_ack *extack)
{
	switch (type) {
	case WEFT_KEY_A_CVLAN:
		PREREQ(k->eth.vlan.tci & m->eth.vlan.tci & htons(VLAN_CFI_MASK),
		       "cvlan needs the outer vlan tag matched as present");
		break;
	case WEFT_KEY_A_IPV4:
		PREREQ(eth_exact(k, m, ETH_P_IP),
		       "ipv4 needs eth_type 0x0800 matched exactly");
		break;
	case WEFT_KEY_A_IPV6:
		PREREQ(eth_exact(k, m, ETH_P_IPV6),
		       "ipv6 needs eth_type 0x86dd matched exactly");
		break;
	case WEFT_KEY_A_ARP:
		PREREQ(eth_exact(k, m, ETH_P_ARP) || eth_exact(k, m, ETH_P_RARP),
		       "arp needs eth_type 0x0806 (or 0x8035) matched exactly");
		break;
	case WEFT_KEY_A_TCP:
		PREREQ(l4_exact_any(k, m, IPPROTO_TCP),
		       "tcp needs ipv4/ipv6 proto 6 matched exactly and no later fragment");
		break;
	case WEFT_KEY_A_UDP:
		PREREQ(l4_exact_any(k, m, IPPROTO_UDP),
		       "udp needs ipv4/ipv6 proto 17 matched exactly and no later fragment");
		break;
	case WEFT_KEY_A_SCTP:
		PREREQ(l4_exact_any(k, m, IPPROTO_SCTP),
		       "sctp needs ipv4/ipv6 proto 132 matched exactly and no later fragment");
		break;
	case WEFT_KEY_A_ICMP:
		PREREQ(l4_exact(k, m, ETH_P_IP, IPPROTO_ICMP),
		       "icmp needs ipv4 proto 1 matched exactly and no later fragment");
		break;
	case WEFT_KEY_A_ICMPV6:
		PREREQ(l4_exact(k, m, ETH_P_IPV6, IPPROTO_ICMPV6),
		       "icmpv6 needs ipv6 proto 58 matched exactly and no later fragment");
		break;
	case WEFT_KEY_A_ND:
		PREREQ(l4_exact(k, m, ETH_P_IPV6, IPPROTO_ICMPV6) &&
		       m->tp.src == htons(0xff) &&
		       (k->tp.src == htons(NDISC_NEIGHBOUR_SOLICITATION) ||
			k->tp.src == htons(NDISC_NEIGHBOUR_ADVERTISEMENT)),
		       "nd needs icmpv6 type 135 or 136 matched exactly");
		/* Packets carry nd fields only with code 0 (flow_key.c). */
		PREREQ(!k->tp.dst, "nd needs icmpv6 code 0 or code wildcarded");
		break;
	case WEFT_KEY_A_CT_TUPLE:
		PREREQ(eth_exact(k, m, ETH_P_IP) || eth_exact(k, m, ETH_P_IPV6),
		       "ct_tuple needs eth_type 0x0800 or 0x86dd matched exactly");
		PREREQ(!(m->ct_orig.ipv4_src || m->ct_orig.ipv4_dst) ||
		       eth_exact(k, m, ETH_P_IP),
		       "ct_tuple ipv4 addresses need eth_type 0x0800");
		PREREQ(!nonzero(&m->ct_orig.ipv6_src, 2 * sizeof(struct in6_addr)) ||
		       eth_exact(k, m, ETH_P_IPV6),
		       "ct_tuple ipv6 addresses need eth_type 0x86dd");
		break;
	}
	return 0;
}

/*
 * A flow must read back as it was given: a match on tag bits needs the
 * tag's presence (CFI) in the mask, and a tagged match needs its TPID
 * exact, or the stored key would fail its own checks when dumped and sent
 * back. @k is already masked.
 */
static int check_vlan_mask(const struct weft_key_vlan *k,
			   const struct weft_key_vlan *m,
			   const struct nlattr *where,
			   struct netlink_ext_ack *extack)
{
	if ((m->tci & ~htons(VLAN_CFI_MASK)) && !(m->tci & htons(VLAN_CFI_MASK)))
		return BAD(where, "vlan: matching tci bits needs the tag's presence (cfi) matched too");
	if ((k->tci & htons(VLAN_CFI_MASK)) && m->tpid != htons(0xffff))
		return BAD(where, "vlan: a tagged match needs its tpid matched exactly");
	return 0;
}

int weft_key_parse_flow(const struct nlattr *key_attr,
			const struct nlattr *mask_attr,
			struct weft_flow_key *key, struct weft_flow_key *mask,
			struct netlink_ext_ack *extack)
{
	weft_key_attrs_t key_hdrs, mask_hdrs;
	int err;

	err = weft_key_parse(key_attr, key, &key_hdrs, false, extack);
	if (err)
		return err;
	if (mask_attr) {
		err = weft_key_parse(mask_attr, mask, &mask_hdrs, true, extack);
		if (err)
			return err;
	} else {
		mask_exact(mask, key, key_hdrs);
		mask_hdrs = key_hdrs;
	}

	/* A key header and a different mask header would share storage. */
	err = check_exclusive(key_hdrs | mask_hdrs, mask_attr ?: key_attr,
			      extack);
	if (err)
		return err;

	/*
	 * Options are matched as one byte string: a mask of other options
	 * than the key's would compare bytes the key does not have.
	 */
	if (mask_attr && mask->tun.opts_len) {
		if (mask->tun.opts_len != key->tun.opts_len)
			return BAD(mask_attr, "tunnel geneve options mask must be as long as the key's options");
		mask->tun.opts_len = 0xff;
	}

	return weft_key_check_flow(key, mask, mask_hdrs, mask_attr ?: key_attr,
				   extack);
}

int weft_key_check_flow(struct weft_flow_key *key,
			const struct weft_flow_key *mask,
			weft_key_attrs_t mask_hdrs, const struct nlattr *where,
			struct netlink_ext_ack *extack)
{
	unsigned long *k = (unsigned long *)key;
	const unsigned long *m = (const unsigned long *)mask;
	int type, err;
	size_t i;

	/* Key bits outside the mask are cleared, not refused. */
	for (i = 0; i < sizeof(*key) / sizeof(long); i++)
		k[i] &= m[i];

	err = check_vlan_mask(&key->eth.vlan, &mask->eth.vlan, where, extack);
	if (!err)
		err = check_vlan_mask(&key->eth.cvlan, &mask->eth.cvlan, where,
				      extack);
	if (err)
		return err;

	for (type = 1; type <= WEFT_KEY_A_MAX; type++) {
		if (!(mask_hdrs & BIT(type)) || !hdr_matched(type, mask))
			continue;
		err = check_prereq(type, key, mask, where, extack);
		if (err)
			return err;
	}
	return 0;
}
