// SPDX-License-Identifier: GPL-2.0
/*
 * Flow keys and masks to and from netlink: a WEFT_KEY_A_* nest holding one
 * nest per header, each with its own field attributes.
 *
 * Parsing is two-step: a strict policy checks types, lengths and nesting
 * (the same tables back NLA_POLICY_NESTED() in the flow and packet
 * policies), then the code here checks what a policy cannot express: value
 * ranges of big-endian fields, headers that would share storage in the key,
 * and, for flows, that every matched header has its prerequisites matched.
 */

#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <uapi/linux/weft.h>

#include "key_nl.h"

static const struct nla_policy eth_policy[WEFT_ETH_A_MAX + 1] = {
	[WEFT_ETH_A_SRC]	= NLA_POLICY_ETH_ADDR,
	[WEFT_ETH_A_DST]	= NLA_POLICY_ETH_ADDR,
};

static const struct nla_policy vlan_policy[WEFT_VLAN_A_MAX + 1] = {
	[WEFT_VLAN_A_TPID]	= { .type = NLA_BE16 },
	[WEFT_VLAN_A_TCI]	= { .type = NLA_BE16 },
};

/* Keys and masks differ in one thing: a key's fragment kind is an enum. */
static const struct nla_policy ipv4_key_policy[WEFT_IPV4_A_MAX + 1] = {
	[WEFT_IPV4_A_SRC]	= { .type = NLA_BE32 },
	[WEFT_IPV4_A_DST]	= { .type = NLA_BE32 },
	[WEFT_IPV4_A_PROTO]	= { .type = NLA_U8 },
	[WEFT_IPV4_A_TOS]	= { .type = NLA_U8 },
	[WEFT_IPV4_A_TTL]	= { .type = NLA_U8 },
	[WEFT_IPV4_A_FRAG]	= NLA_POLICY_MAX(NLA_U8, WEFT_FRAG_LATER),
};

static const struct nla_policy ipv4_mask_policy[WEFT_IPV4_A_MAX + 1] = {
	[WEFT_IPV4_A_SRC]	= { .type = NLA_BE32 },
	[WEFT_IPV4_A_DST]	= { .type = NLA_BE32 },
	[WEFT_IPV4_A_PROTO]	= { .type = NLA_U8 },
	[WEFT_IPV4_A_TOS]	= { .type = NLA_U8 },
	[WEFT_IPV4_A_TTL]	= { .type = NLA_U8 },
	[WEFT_IPV4_A_FRAG]	= { .type = NLA_U8 },
};

static const struct nla_policy ipv6_key_policy[WEFT_IPV6_A_MAX + 1] = {
	[WEFT_IPV6_A_SRC]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[WEFT_IPV6_A_DST]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[WEFT_IPV6_A_LABEL]	= { .type = NLA_BE32 },
	[WEFT_IPV6_A_PROTO]	= { .type = NLA_U8 },
	[WEFT_IPV6_A_TCLASS]	= { .type = NLA_U8 },
	[WEFT_IPV6_A_HLIMIT]	= { .type = NLA_U8 },
	[WEFT_IPV6_A_FRAG]	= NLA_POLICY_MAX(NLA_U8, WEFT_FRAG_LATER),
};

static const struct nla_policy ipv6_mask_policy[WEFT_IPV6_A_MAX + 1] = {
	[WEFT_IPV6_A_SRC]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[WEFT_IPV6_A_DST]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[WEFT_IPV6_A_LABEL]	= { .type = NLA_BE32 },
	[WEFT_IPV6_A_PROTO]	= { .type = NLA_U8 },
	[WEFT_IPV6_A_TCLASS]	= { .type = NLA_U8 },
	[WEFT_IPV6_A_HLIMIT]	= { .type = NLA_U8 },
	[WEFT_IPV6_A_FRAG]	= { .type = NLA_U8 },
};

static const struct nla_policy tcp_policy[WEFT_TP_A_MAX + 1] = {
	[WEFT_TP_A_SRC]		= { .type = NLA_BE16 },
	[WEFT_TP_A_DST]		= { .type = NLA_BE16 },
	[WEFT_TP_A_FLAGS]	= { .type = NLA_BE16 },
};

/* UDP and SCTP have no flags. */
static const struct nla_policy ports_policy[WEFT_TP_A_MAX + 1] = {
	[WEFT_TP_A_SRC]		= { .type = NLA_BE16 },
	[WEFT_TP_A_DST]		= { .type = NLA_BE16 },
	[WEFT_TP_A_FLAGS]	= { .type = NLA_REJECT },
};

static const struct nla_policy icmp_policy[WEFT_ICMP_A_MAX + 1] = {
	[WEFT_ICMP_A_TYPE]	= { .type = NLA_U8 },
	[WEFT_ICMP_A_CODE]	= { .type = NLA_U8 },
};

static const struct nla_policy arp_policy[WEFT_ARP_A_MAX + 1] = {
	[WEFT_ARP_A_SIP]	= { .type = NLA_BE32 },
	[WEFT_ARP_A_TIP]	= { .type = NLA_BE32 },
	[WEFT_ARP_A_OP]		= { .type = NLA_BE16 },
	[WEFT_ARP_A_SHA]	= NLA_POLICY_ETH_ADDR,
	[WEFT_ARP_A_THA]	= NLA_POLICY_ETH_ADDR,
};

static const struct nla_policy nd_policy[WEFT_ND_A_MAX + 1] = {
	[WEFT_ND_A_TARGET]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[WEFT_ND_A_SLL]		= NLA_POLICY_ETH_ADDR,
	[WEFT_ND_A_TLL]		= NLA_POLICY_ETH_ADDR,
};

#define KEY_POLICY_COMMON						\
	[WEFT_KEY_A_IN_PORT]	= { .type = NLA_U32 },			\
	[WEFT_KEY_A_SKB_MARK]	= { .type = NLA_U32 },			\
	[WEFT_KEY_A_PRIORITY]	= { .type = NLA_U32 },			\
	[WEFT_KEY_A_RECIRC_ID]	= { .type = NLA_U32 },			\
	[WEFT_KEY_A_DP_HASH]	= { .type = NLA_U32 },			\
	[WEFT_KEY_A_ETHERNET]	= NLA_POLICY_NESTED(eth_policy),	\
	[WEFT_KEY_A_VLAN]	= NLA_POLICY_NESTED(vlan_policy),	\
	[WEFT_KEY_A_CVLAN]	= NLA_POLICY_NESTED(vlan_policy),	\
	[WEFT_KEY_A_ETHERTYPE]	= { .type = NLA_BE16 },			\
	[WEFT_KEY_A_TCP]	= NLA_POLICY_NESTED(tcp_policy),	\
	[WEFT_KEY_A_UDP]	= NLA_POLICY_NESTED(ports_policy),	\
	[WEFT_KEY_A_SCTP]	= NLA_POLICY_NESTED(ports_policy),	\
	[WEFT_KEY_A_ICMP]	= NLA_POLICY_NESTED(icmp_policy),	\
	[WEFT_KEY_A_ICMPV6]	= NLA_POLICY_NESTED(icmp_policy),	\
	[WEFT_KEY_A_ARP]	= NLA_POLICY_NESTED(arp_policy),	\
	[WEFT_KEY_A_ND]		= NLA_POLICY_NESTED(nd_policy)

const struct nla_policy weft_key_nl_policy[WEFT_KEY_A_MAX + 1] = {
	KEY_POLICY_COMMON,
	[WEFT_KEY_A_IPV4]	= NLA_POLICY_NESTED(ipv4_key_policy),
	[WEFT_KEY_A_IPV6]	= NLA_POLICY_NESTED(ipv6_key_policy),
};

const struct nla_policy weft_key_nl_mask_policy[WEFT_KEY_A_MAX + 1] = {
	KEY_POLICY_COMMON,
	[WEFT_KEY_A_IPV4]	= NLA_POLICY_NESTED(ipv4_mask_policy),
	[WEFT_KEY_A_IPV6]	= NLA_POLICY_NESTED(ipv6_mask_policy),
};

#define HDR(x)		BIT(WEFT_KEY_A_##x)
#define L3_HDRS		(HDR(IPV4) | HDR(IPV6) | HDR(ARP))
#define L4_HDRS		(HDR(TCP) | HDR(UDP) | HDR(SCTP) | HDR(ICMP) | \
			 HDR(ICMPV6))

/* Largest field attribute type of any header nest. */
#define FIELD_MAX	WEFT_IPV6_A_MAX

static void get_mem(const struct nlattr *a, void *dst, size_t len)
{
	if (a)
		memcpy(dst, nla_data(a), len);
}

static void get_be16(const struct nlattr *a, __be16 *dst)
{
	if (a)
		*dst = nla_get_be16(a);
}

static void get_be32(const struct nlattr *a, __be32 *dst)
{
	if (a)
		*dst = nla_get_be32(a);
}

static void get_u8(const struct nlattr *a, u8 *dst)
{
	if (a)
		*dst = nla_get_u8(a);
}

/* ICMP type and code live in the port fields, as in OVS's key. */
static void get_u8_be16(const struct nlattr *a, __be16 *dst)
{
	if (a)
		*dst = htons(nla_get_u8(a));
}

static int parse_vlan(struct nlattr **tb, struct weft_key_vlan *vlan,
		      bool is_mask, const struct nlattr *nest,
		      struct netlink_ext_ack *extack)
{
	bool tagged;

	get_be16(tb[WEFT_VLAN_A_TPID], &vlan->tpid);
	get_be16(tb[WEFT_VLAN_A_TCI], &vlan->tci);
	if (is_mask)
		return 0;

	/* A key's TCI of 0 means "no tag"; any other needs the CFI bit. */
	tagged = vlan->tci & htons(VLAN_CFI_MASK);
	if (vlan->tci && !tagged) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "vlan tci needs VLAN_CFI_MASK (0x1000) set when a tag is present");
		return -EINVAL;
	}
	if (tagged && !tb[WEFT_VLAN_A_TPID])
		vlan->tpid = htons(ETH_P_8021Q);
	if (tagged ? !eth_type_vlan(vlan->tpid) : !!vlan->tpid) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "vlan tpid must be 0x8100 or 0x88a8 on a tag and absent without one");
		return -EINVAL;
	}
	return 0;
}

static void parse_ip_common(struct nlattr **tb, struct weft_flow_key *k,
			    int proto, int tos, int ttl, int frag)
{
	get_u8(tb[proto], &k->ip.proto);
	get_u8(tb[tos], &k->ip.tos);
	get_u8(tb[ttl], &k->ip.ttl);
	get_u8(tb[frag], &k->ip.frag);
}

static int parse_ipv6(struct nlattr **tb, struct weft_flow_key *k,
		      bool is_mask, struct netlink_ext_ack *extack)
{
	get_mem(tb[WEFT_IPV6_A_SRC], &k->ipv6.src, sizeof(k->ipv6.src));
	get_mem(tb[WEFT_IPV6_A_DST], &k->ipv6.dst, sizeof(k->ipv6.dst));
	get_be32(tb[WEFT_IPV6_A_LABEL], &k->ipv6.label);
	parse_ip_common(tb, k, WEFT_IPV6_A_PROTO, WEFT_IPV6_A_TCLASS,
			WEFT_IPV6_A_HLIMIT, WEFT_IPV6_A_FRAG);
	if (k->ipv6.label & ~IPV6_FLOWLABEL_MASK) {
		if (!is_mask) {
			NL_SET_ERR_MSG_ATTR(extack, tb[WEFT_IPV6_A_LABEL],
					    "ipv6 label is wider than 20 bits");
			return -EINVAL;
		}
		k->ipv6.label &= IPV6_FLOWLABEL_MASK;
	}
	return 0;
}

static int parse_tcp(struct nlattr **tb, struct weft_flow_key *k,
		     bool is_mask, struct netlink_ext_ack *extack)
{
	get_be16(tb[WEFT_TP_A_SRC], &k->tp.src);
	get_be16(tb[WEFT_TP_A_DST], &k->tp.dst);
	get_be16(tb[WEFT_TP_A_FLAGS], &k->tp.flags);
	if (k->tp.flags & ~htons(0x0fff)) {
		if (!is_mask) {
			NL_SET_ERR_MSG_ATTR(extack, tb[WEFT_TP_A_FLAGS],
					    "tcp flags are wider than 12 bits");
			return -EINVAL;
		}
		k->tp.flags &= htons(0x0fff);
	}
	return 0;
}

static int parse_arp(struct nlattr **tb, struct weft_flow_key *k,
		     bool is_mask, struct netlink_ext_ack *extack)
{
	__be16 op = 0;

	get_be32(tb[WEFT_ARP_A_SIP], &k->ipv4.src);
	get_be32(tb[WEFT_ARP_A_TIP], &k->ipv4.dst);
	get_mem(tb[WEFT_ARP_A_SHA], k->ipv4.arp.sha, ETH_ALEN);
	get_mem(tb[WEFT_ARP_A_THA], k->ipv4.arp.tha, ETH_ALEN);
	get_be16(tb[WEFT_ARP_A_OP], &op);
	/* The key keeps the opcode's low byte, like the packet parser. */
	if (!is_mask && ntohs(op) > 0xff) {
		NL_SET_ERR_MSG_ATTR(extack, tb[WEFT_ARP_A_OP],
				    "arp op above 255 cannot be matched");
		return -EINVAL;
	}
	k->ip.proto = ntohs(op) & 0xff;
	return 0;
}

/* Fields of one header nest, already parsed into @tb, into @k. */
static int parse_header(int type, struct nlattr **tb, struct weft_flow_key *k,
			bool is_mask, const struct nlattr *nest,
			struct netlink_ext_ack *extack)
{
	switch (type) {
	case WEFT_KEY_A_ETHERNET:
		get_mem(tb[WEFT_ETH_A_SRC], k->eth.src, ETH_ALEN);
		get_mem(tb[WEFT_ETH_A_DST], k->eth.dst, ETH_ALEN);
		return 0;
	case WEFT_KEY_A_VLAN:
		return parse_vlan(tb, &k->eth.vlan, is_mask, nest, extack);
	case WEFT_KEY_A_CVLAN:
		return parse_vlan(tb, &k->eth.cvlan, is_mask, nest, extack);
	case WEFT_KEY_A_IPV4:
		get_be32(tb[WEFT_IPV4_A_SRC], &k->ipv4.src);
		get_be32(tb[WEFT_IPV4_A_DST], &k->ipv4.dst);
		parse_ip_common(tb, k, WEFT_IPV4_A_PROTO, WEFT_IPV4_A_TOS,
				WEFT_IPV4_A_TTL, WEFT_IPV4_A_FRAG);
		return 0;
	case WEFT_KEY_A_IPV6:
		return parse_ipv6(tb, k, is_mask, extack);
	case WEFT_KEY_A_TCP:
		return parse_tcp(tb, k, is_mask, extack);
	case WEFT_KEY_A_UDP:
	case WEFT_KEY_A_SCTP:
		get_be16(tb[WEFT_TP_A_SRC], &k->tp.src);
		get_be16(tb[WEFT_TP_A_DST], &k->tp.dst);
		return 0;
	case WEFT_KEY_A_ICMP:
	case WEFT_KEY_A_ICMPV6:
		get_u8_be16(tb[WEFT_ICMP_A_TYPE], &k->tp.src);
		get_u8_be16(tb[WEFT_ICMP_A_CODE], &k->tp.dst);
		return 0;
	case WEFT_KEY_A_ARP:
		return parse_arp(tb, k, is_mask, extack);
	case WEFT_KEY_A_ND:
		get_mem(tb[WEFT_ND_A_TARGET], &k->ipv6.nd.target,
			sizeof(k->ipv6.nd.target));
		get_mem(tb[WEFT_ND_A_SLL], k->ipv6.nd.sll, ETH_ALEN);
		get_mem(tb[WEFT_ND_A_TLL], k->ipv6.nd.tll, ETH_ALEN);
		return 0;
	}
	return 0;
}

static void parse_md(struct nlattr **tb, struct weft_flow_key *k)
{
	if (tb[WEFT_KEY_A_IN_PORT])
		k->md.in_port = nla_get_u32(tb[WEFT_KEY_A_IN_PORT]);
	if (tb[WEFT_KEY_A_SKB_MARK])
		k->md.skb_mark = nla_get_u32(tb[WEFT_KEY_A_SKB_MARK]);
	if (tb[WEFT_KEY_A_PRIORITY])
		k->md.priority = nla_get_u32(tb[WEFT_KEY_A_PRIORITY]);
	if (tb[WEFT_KEY_A_RECIRC_ID])
		k->md.recirc_id = nla_get_u32(tb[WEFT_KEY_A_RECIRC_ID]);
	if (tb[WEFT_KEY_A_DP_HASH])
		k->md.dp_hash = nla_get_u32(tb[WEFT_KEY_A_DP_HASH]);
	if (tb[WEFT_KEY_A_ETHERTYPE])
		k->eth.type = nla_get_be16(tb[WEFT_KEY_A_ETHERTYPE]);
}

/*
 * Headers that would share storage in struct weft_flow_key cannot appear
 * together: one network header, one transport header, and ND only with
 * IPv6 (its fields overlay the ARP ones).
 */
static int check_exclusive(weft_key_attrs_t hdrs, const struct nlattr *nest,
			   struct netlink_ext_ack *extack)
{
	if (hweight32(hdrs & L3_HDRS) > 1) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "ipv4, ipv6 and arp are exclusive");
		return -EINVAL;
	}
	if (hweight32(hdrs & L4_HDRS) > 1) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "tcp, udp, sctp, icmp and icmpv6 are exclusive");
		return -EINVAL;
	}
	if ((hdrs & HDR(ND)) && (hdrs & (HDR(IPV4) | HDR(ARP)))) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "nd goes with ipv6 only");
		return -EINVAL;
	}
	return 0;
}

static const struct nla_policy *header_policy(int type, bool is_mask,
					      int *maxtype)
{
	const struct nla_policy *policy = is_mask ? weft_key_nl_mask_policy :
						    weft_key_nl_policy;

	/* The union in struct nla_policy only means a policy for nests. */
	if (policy[type].type != NLA_NESTED)
		return NULL;
	*maxtype = policy[type].len;
	return policy[type].nested_policy;
}

int weft_key_parse(const struct nlattr *nest, struct weft_flow_key *out,
		   weft_key_attrs_t *present, bool is_mask,
		   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[WEFT_KEY_A_MAX + 1];
	struct nlattr *fields[FIELD_MAX + 1];
	const struct nla_policy *policy;
	weft_key_attrs_t hdrs = 0;
	int type, maxtype, err;

	memset(out, 0, sizeof(*out));
	err = nla_parse_nested(tb, WEFT_KEY_A_MAX, nest,
			       is_mask ? weft_key_nl_mask_policy :
					 weft_key_nl_policy, extack);
	if (err)
		return err;

	for (type = 1; type <= WEFT_KEY_A_MAX; type++)
		if (tb[type])
			hdrs |= BIT(type);
	err = check_exclusive(hdrs, nest, extack);
	if (err)
		return err;

	parse_md(tb, out);
	for (type = 1; type <= WEFT_KEY_A_MAX; type++) {
		policy = header_policy(type, is_mask, &maxtype);
		if (!tb[type] || !policy)
			continue;
		if (WARN_ON_ONCE(maxtype > FIELD_MAX))
			return -EINVAL;
		err = nla_parse_nested(fields, maxtype, tb[type], policy,
				       extack);
		if (!err)
			err = parse_header(type, fields, out, is_mask, tb[type],
					   extack);
		if (err)
			return err;
	}
	if (present)
		*present = hdrs;
	return 0;
}

/*
 * mask_exact() - the mask of a flow given without one: every field of every
 * header present in the key, at the field's width.
 */
static void mask_exact(struct weft_flow_key *m, weft_key_attrs_t hdrs)
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
		break;
	}
	return 0;
}

int weft_key_parse_flow(const struct nlattr *key_attr,
			const struct nlattr *mask_attr,
			struct weft_flow_key *key, struct weft_flow_key *mask,
			struct netlink_ext_ack *extack)
{
	weft_key_attrs_t key_hdrs, mask_hdrs;
	unsigned long *k = (unsigned long *)key;
	const unsigned long *m = (const unsigned long *)mask;
	int type, err;
	size_t i;

	err = weft_key_parse(key_attr, key, &key_hdrs, false, extack);
	if (err)
		return err;
	if (mask_attr) {
		err = weft_key_parse(mask_attr, mask, &mask_hdrs, true, extack);
		if (err)
			return err;
	} else {
		mask_exact(mask, key_hdrs);
		mask_hdrs = key_hdrs;
	}

	/* Key bits outside the mask are cleared, not refused. */
	for (i = 0; i < sizeof(*key) / sizeof(long); i++)
		k[i] &= m[i];

	for (type = 1; type <= WEFT_KEY_A_MAX; type++) {
		if (!(mask_hdrs & BIT(type)) || !hdr_matched(type, mask))
			continue;
		err = check_prereq(type, key, mask, mask_attr ?: key_attr,
				   extack);
		if (err)
			return err;
	}
	return 0;
}

static int put_md(struct sk_buff *skb, const struct weft_flow_key *out)
{
	if (nla_put_u32(skb, WEFT_KEY_A_IN_PORT, out->md.in_port) ||
	    nla_put_u32(skb, WEFT_KEY_A_SKB_MARK, out->md.skb_mark) ||
	    nla_put_u32(skb, WEFT_KEY_A_PRIORITY, out->md.priority) ||
	    nla_put_u32(skb, WEFT_KEY_A_RECIRC_ID, out->md.recirc_id) ||
	    nla_put_u32(skb, WEFT_KEY_A_DP_HASH, out->md.dp_hash))
		return -EMSGSIZE;
	return 0;
}

static int put_vlan(struct sk_buff *skb, int type,
		    const struct weft_key_vlan *vlan)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest || nla_put_be16(skb, WEFT_VLAN_A_TPID, vlan->tpid) ||
	    nla_put_be16(skb, WEFT_VLAN_A_TCI, vlan->tci))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* A tag is there when the key has one, or when a mask matches its absence. */
static bool vlan_shown(const struct weft_key_vlan *key,
		       const struct weft_key_vlan *out)
{
	return key->tci || out->tci || out->tpid;
}

static int put_l2(struct sk_buff *skb, const struct weft_flow_key *key,
		  const struct weft_flow_key *out)
{
	struct nlattr *nest = nla_nest_start(skb, WEFT_KEY_A_ETHERNET);

	if (!nest || nla_put(skb, WEFT_ETH_A_SRC, ETH_ALEN, out->eth.src) ||
	    nla_put(skb, WEFT_ETH_A_DST, ETH_ALEN, out->eth.dst))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);

	if (vlan_shown(&key->eth.vlan, &out->eth.vlan) &&
	    put_vlan(skb, WEFT_KEY_A_VLAN, &out->eth.vlan))
		return -EMSGSIZE;
	if (vlan_shown(&key->eth.cvlan, &out->eth.cvlan) &&
	    put_vlan(skb, WEFT_KEY_A_CVLAN, &out->eth.cvlan))
		return -EMSGSIZE;
	return nla_put_be16(skb, WEFT_KEY_A_ETHERTYPE, out->eth.type);
}

static int put_ip_common(struct sk_buff *skb, const struct weft_flow_key *out,
			 int proto, int tos, int ttl, int frag)
{
	if (nla_put_u8(skb, proto, out->ip.proto) ||
	    nla_put_u8(skb, tos, out->ip.tos) ||
	    nla_put_u8(skb, ttl, out->ip.ttl) ||
	    nla_put_u8(skb, frag, out->ip.frag))
		return -EMSGSIZE;
	return 0;
}

static int put_ipv4(struct sk_buff *skb, const struct weft_flow_key *out)
{
	struct nlattr *nest = nla_nest_start(skb, WEFT_KEY_A_IPV4);

	if (!nest || nla_put_be32(skb, WEFT_IPV4_A_SRC, out->ipv4.src) ||
	    nla_put_be32(skb, WEFT_IPV4_A_DST, out->ipv4.dst) ||
	    put_ip_common(skb, out, WEFT_IPV4_A_PROTO, WEFT_IPV4_A_TOS,
			  WEFT_IPV4_A_TTL, WEFT_IPV4_A_FRAG))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ipv6(struct sk_buff *skb, const struct weft_flow_key *out)
{
	struct nlattr *nest = nla_nest_start(skb, WEFT_KEY_A_IPV6);

	if (!nest ||
	    nla_put_in6_addr(skb, WEFT_IPV6_A_SRC, &out->ipv6.src) ||
	    nla_put_in6_addr(skb, WEFT_IPV6_A_DST, &out->ipv6.dst) ||
	    nla_put_be32(skb, WEFT_IPV6_A_LABEL, out->ipv6.label) ||
	    put_ip_common(skb, out, WEFT_IPV6_A_PROTO, WEFT_IPV6_A_TCLASS,
			  WEFT_IPV6_A_HLIMIT, WEFT_IPV6_A_FRAG))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The key stores the ARP opcode's low byte; a mask that matches all of it
 * is shown as matching the whole 16-bit field.
 */
static int put_arp(struct sk_buff *skb, const struct weft_flow_key *out,
		   bool is_mask)
{
	struct nlattr *nest = nla_nest_start(skb, WEFT_KEY_A_ARP);
	u16 op = out->ip.proto;

	if (is_mask && op == 0xff)
		op = 0xffff;
	if (!nest || nla_put_be32(skb, WEFT_ARP_A_SIP, out->ipv4.src) ||
	    nla_put_be32(skb, WEFT_ARP_A_TIP, out->ipv4.dst) ||
	    nla_put_be16(skb, WEFT_ARP_A_OP, htons(op)) ||
	    nla_put(skb, WEFT_ARP_A_SHA, ETH_ALEN, out->ipv4.arp.sha) ||
	    nla_put(skb, WEFT_ARP_A_THA, ETH_ALEN, out->ipv4.arp.tha))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ports(struct sk_buff *skb, int type,
		     const struct weft_flow_key *out)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest || nla_put_be16(skb, WEFT_TP_A_SRC, out->tp.src) ||
	    nla_put_be16(skb, WEFT_TP_A_DST, out->tp.dst) ||
	    (type == WEFT_KEY_A_TCP &&
	     nla_put_be16(skb, WEFT_TP_A_FLAGS, out->tp.flags)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_icmp(struct sk_buff *skb, int type,
		    const struct weft_flow_key *out)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest || nla_put_u8(skb, WEFT_ICMP_A_TYPE, ntohs(out->tp.src)) ||
	    nla_put_u8(skb, WEFT_ICMP_A_CODE, ntohs(out->tp.dst)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_nd(struct sk_buff *skb, const struct weft_flow_key *out)
{
	struct nlattr *nest = nla_nest_start(skb, WEFT_KEY_A_ND);

	if (!nest ||
	    nla_put_in6_addr(skb, WEFT_ND_A_TARGET, &out->ipv6.nd.target) ||
	    nla_put(skb, WEFT_ND_A_SLL, ETH_ALEN, out->ipv6.nd.sll) ||
	    nla_put(skb, WEFT_ND_A_TLL, ETH_ALEN, out->ipv6.nd.tll))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static bool is_nd(const struct weft_flow_key *key)
{
	return (key->tp.src == htons(NDISC_NEIGHBOUR_SOLICITATION) ||
		key->tp.src == htons(NDISC_NEIGHBOUR_ADVERTISEMENT)) &&
	       !key->tp.dst;
}

/* The transport header the key has, by its IP protocol. */
static int put_l4(struct sk_buff *skb, const struct weft_flow_key *key,
		  const struct weft_flow_key *out, bool v6)
{
	if (key->ip.frag == WEFT_FRAG_LATER)
		return 0;
	switch (key->ip.proto) {
	case IPPROTO_TCP:
		return put_ports(skb, WEFT_KEY_A_TCP, out);
	case IPPROTO_UDP:
		return put_ports(skb, WEFT_KEY_A_UDP, out);
	case IPPROTO_SCTP:
		return put_ports(skb, WEFT_KEY_A_SCTP, out);
	case IPPROTO_ICMP:
		return v6 ? 0 : put_icmp(skb, WEFT_KEY_A_ICMP, out);
	case IPPROTO_ICMPV6:
		if (!v6)
			return 0;
		if (put_icmp(skb, WEFT_KEY_A_ICMPV6, out))
			return -EMSGSIZE;
		return is_nd(key) ? put_nd(skb, out) : 0;
	}
	return 0;
}

static int put_l3(struct sk_buff *skb, const struct weft_flow_key *key,
		  const struct weft_flow_key *out)
{
	switch (key->eth.type) {
	case htons(ETH_P_IP):
		return put_ipv4(skb, out) ?: put_l4(skb, key, out, false);
	case htons(ETH_P_IPV6):
		return put_ipv6(skb, out) ?: put_l4(skb, key, out, true);
	case htons(ETH_P_ARP):
	case htons(ETH_P_RARP):
		return put_arp(skb, out, out != key);
	}
	return 0;
}

int weft_key_put(struct sk_buff *skb, int attrtype,
		 const struct weft_flow_key *key,
		 const struct weft_flow_key *output)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype);

	if (!nest)
		return -EMSGSIZE;
	if (put_md(skb, output) || put_l2(skb, key, output) ||
	    put_l3(skb, key, output)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

size_t weft_key_nlmsg_size(void)
{
	size_t vlan = nla_total_size(0) + 2 * nla_total_size(2);

	return nla_total_size(0)				/* the key */
		+ 5 * nla_total_size(4)				/* md */
		+ nla_total_size(0) + 2 * nla_total_size(ETH_ALEN)
		+ 2 * vlan
		+ nla_total_size(2)				/* ethertype */
		/* IPv6 is the largest network header */
		+ nla_total_size(0) + 2 * nla_total_size(16)
		+ nla_total_size(4) + 4 * nla_total_size(1)
		+ nla_total_size(0) + 3 * nla_total_size(2)	/* tcp */
		+ nla_total_size(0) + nla_total_size(16)	/* nd */
		+ 2 * nla_total_size(ETH_ALEN);
}
