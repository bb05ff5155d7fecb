// SPDX-License-Identifier: GPL-2.0
/*
 * Flow keys and masks to netlink: a WEFT_KEY_A_* nest holding metadata and
 * one nest per header, each with its own field attributes, for replies, dumps
 * and upcalls. The other direction is in key_parse.c.
 */

#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <uapi/linux/weft.h>

#include "key_nl.h"

/*
 * This file's attribute puts, inlined. A key goes into every miss upcall
 * (and every dumped flow twice), a score of small attributes: the out of
 * line nla_put() path (skb_put(), a memset() call for the pad, a memcpy()
 * call for 1 to 16 bytes) costs several times the bytes it moves, and the
 * calls to memset and memcpy become byte loops (rep stosb, rep movsb).
 * Here the length is a constant at every call, so the copy and the pad are
 * a few plain stores. Same checks and layout as nla_put(): -EMSGSIZE when
 * the attribute does not fit, the pad zeroed.
 */
static __always_inline int kput(struct sk_buff *skb, int type, int len,
				const void *data)
{
	struct nlattr *nla;

	if (unlikely(skb_tailroom(skb) < nla_total_size(len)))
		return -EMSGSIZE;
	nla = __skb_put(skb, nla_total_size(len));
	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	if (len)
		memcpy(nla_data(nla), data, len);
	if (nla_padlen(len))
		memset((u8 *)nla + nla_attr_size(len), 0, nla_padlen(len));
	return 0;
}

#define KPUT_TYPED(name, type_t)					\
static __always_inline int kput_##name(struct sk_buff *skb, int type,	\
				       type_t value)			\
{									\
	return kput(skb, type, sizeof(value), &value);			\
}
KPUT_TYPED(u8, u8)
KPUT_TYPED(u16, u16)
KPUT_TYPED(u32, u32)
KPUT_TYPED(be16, __be16)
KPUT_TYPED(be32, __be32)
#undef KPUT_TYPED

static __always_inline int kput_in6_addr(struct sk_buff *skb, int type,
					 const struct in6_addr *addr)
{
	return kput(skb, type, sizeof(*addr), addr);
}

/*
 * Whether any byte of @p is set. Every key put asks this of the ct and
 * tunnel fields, twice: memchr_inv() is a call, and a byte loop below 16
 * bytes. These sizes are constants, so this is a few loads and ORs.
 */
static __always_inline bool nonzero(const void *p, size_t len)
{
	const u8 *b = p;
	unsigned long acc = 0, w;
	size_t i = 0;

	for (; i + sizeof(w) <= len; i += sizeof(w)) {
		memcpy(&w, b + i, sizeof(w));
		acc |= w;
	}
	for (; i < len; i++)
		acc |= b[i];
	return acc;
}

/* nla_nest_start(), inlined likewise; nla_nest_end() already is. */
static __always_inline struct nlattr *knest_start(struct sk_buff *skb,
						  int type)
{
	struct nlattr *start = (struct nlattr *)skb_tail_pointer(skb);

	return kput(skb, type | NLA_F_NESTED, 0, NULL) ? NULL : start;
}

static int put_md(struct sk_buff *skb, const struct weft_flow_key *out)
{
	if (kput_u32(skb, WEFT_KEY_A_IN_PORT, out->md.in_port) ||
	    kput_u32(skb, WEFT_KEY_A_SKB_MARK, out->md.skb_mark) ||
	    kput_u32(skb, WEFT_KEY_A_PRIORITY, out->md.priority) ||
	    kput_u32(skb, WEFT_KEY_A_RECIRC_ID, out->md.recirc_id) ||
	    kput_u32(skb, WEFT_KEY_A_DP_HASH, out->md.dp_hash))
		return -EMSGSIZE;
	return 0;
}

static int put_vlan(struct sk_buff *skb, int type,
		    const struct weft_key_vlan *vlan)
{
	struct nlattr *nest = knest_start(skb, type);

	if (!nest || kput_be16(skb, WEFT_VLAN_A_TPID, vlan->tpid) ||
	    kput_be16(skb, WEFT_VLAN_A_TCI, vlan->tci))
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
	struct nlattr *nest = knest_start(skb, WEFT_KEY_A_ETHERNET);

	if (!nest || kput(skb, WEFT_ETH_A_SRC, ETH_ALEN, out->eth.src) ||
	    kput(skb, WEFT_ETH_A_DST, ETH_ALEN, out->eth.dst))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);

	if (vlan_shown(&key->eth.vlan, &out->eth.vlan) &&
	    put_vlan(skb, WEFT_KEY_A_VLAN, &out->eth.vlan))
		return -EMSGSIZE;
	if (vlan_shown(&key->eth.cvlan, &out->eth.cvlan) &&
	    put_vlan(skb, WEFT_KEY_A_CVLAN, &out->eth.cvlan))
		return -EMSGSIZE;
	return kput_be16(skb, WEFT_KEY_A_ETHERTYPE, out->eth.type);
}

static int put_ip_common(struct sk_buff *skb, const struct weft_flow_key *out,
			 int proto, int tos, int ttl, int frag)
{
	if (kput_u8(skb, proto, out->ip.proto) ||
	    kput_u8(skb, tos, out->ip.tos) ||
	    kput_u8(skb, ttl, out->ip.ttl) ||
	    kput_u8(skb, frag, out->ip.frag))
		return -EMSGSIZE;
	return 0;
}

static int put_ipv4(struct sk_buff *skb, const struct weft_flow_key *out)
{
	struct nlattr *nest = knest_start(skb, WEFT_KEY_A_IPV4);

	if (!nest || kput_be32(skb, WEFT_IPV4_A_SRC, out->ipv4.src) ||
	    kput_be32(skb, WEFT_IPV4_A_DST, out->ipv4.dst) ||
	    put_ip_common(skb, out, WEFT_IPV4_A_PROTO, WEFT_IPV4_A_TOS,
			  WEFT_IPV4_A_TTL, WEFT_IPV4_A_FRAG))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ipv6(struct sk_buff *skb, const struct weft_flow_key *out)
{
	struct nlattr *nest = knest_start(skb, WEFT_KEY_A_IPV6);

	if (!nest ||
	    kput_in6_addr(skb, WEFT_IPV6_A_SRC, &out->ipv6.src) ||
	    kput_in6_addr(skb, WEFT_IPV6_A_DST, &out->ipv6.dst) ||
	    kput_be32(skb, WEFT_IPV6_A_LABEL, out->ipv6.label) ||
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
	struct nlattr *nest = knest_start(skb, WEFT_KEY_A_ARP);
	u16 op = out->ip.proto;

	if (is_mask && op == 0xff)
		op = 0xffff;
	if (!nest || kput_be32(skb, WEFT_ARP_A_SIP, out->ipv4.src) ||
	    kput_be32(skb, WEFT_ARP_A_TIP, out->ipv4.dst) ||
	    kput_be16(skb, WEFT_ARP_A_OP, htons(op)) ||
	    kput(skb, WEFT_ARP_A_SHA, ETH_ALEN, out->ipv4.arp.sha) ||
	    kput(skb, WEFT_ARP_A_THA, ETH_ALEN, out->ipv4.arp.tha))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ports(struct sk_buff *skb, int type,
		     const struct weft_flow_key *out)
{
	struct nlattr *nest = knest_start(skb, type);

	if (!nest || kput_be16(skb, WEFT_TP_A_SRC, out->tp.src) ||
	    kput_be16(skb, WEFT_TP_A_DST, out->tp.dst) ||
	    (type == WEFT_KEY_A_TCP &&
	     kput_be16(skb, WEFT_TP_A_FLAGS, out->tp.flags)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_icmp(struct sk_buff *skb, int type,
		    const struct weft_flow_key *out)
{
	struct nlattr *nest = knest_start(skb, type);

	if (!nest || kput_u8(skb, WEFT_ICMP_A_TYPE, ntohs(out->tp.src)) ||
	    kput_u8(skb, WEFT_ICMP_A_CODE, ntohs(out->tp.dst)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_nd(struct sk_buff *skb, const struct weft_flow_key *out)
{
	struct nlattr *nest = knest_start(skb, WEFT_KEY_A_ND);

	if (!nest ||
	    kput_in6_addr(skb, WEFT_ND_A_TARGET, &out->ipv6.nd.target) ||
	    kput(skb, WEFT_ND_A_SLL, ETH_ALEN, out->ipv6.nd.sll) ||
	    kput(skb, WEFT_ND_A_TLL, ETH_ALEN, out->ipv6.nd.tll))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static bool tun_v4(const struct weft_key_tunnel *t)
{
	return t->ipv4_src || t->ipv4_dst;
}

static bool tun_v6(const struct weft_key_tunnel *t)
{
	return !ipv6_addr_any(&t->ipv6_src) || !ipv6_addr_any(&t->ipv6_dst);
}

/*
 * The tunnel header, when the key came through a tunnel or the mask
 * matches tunnel bits (a flow for packets that did not). The endpoints of
 * the family the key or the output has; options as long as the key's.
 */
static int put_tunnel(struct sk_buff *skb, const struct weft_flow_key *key,
		      const struct weft_flow_key *out)
{
	const struct weft_key_tunnel *t = &out->tun;
	u8 n = key->tun.opts_len;
	struct nlattr *nest;

	if (!nonzero(&key->tun, sizeof(key->tun)) && !nonzero(t, sizeof(*t)))
		return 0;
	nest = knest_start(skb, WEFT_KEY_A_TUNNEL);
	if (!nest ||
	    kput(skb, WEFT_TUNNEL_A_ID, sizeof(t->id), &t->id))
		return -EMSGSIZE;
	if ((tun_v4(&key->tun) || tun_v4(t)) &&
	    (kput_be32(skb, WEFT_TUNNEL_A_IPV4_SRC, t->ipv4_src) ||
	     kput_be32(skb, WEFT_TUNNEL_A_IPV4_DST, t->ipv4_dst)))
		return -EMSGSIZE;
	if ((tun_v6(&key->tun) || tun_v6(t)) &&
	    (kput_in6_addr(skb, WEFT_TUNNEL_A_IPV6_SRC, &t->ipv6_src) ||
	     kput_in6_addr(skb, WEFT_TUNNEL_A_IPV6_DST, &t->ipv6_dst)))
		return -EMSGSIZE;
	if (kput_u8(skb, WEFT_TUNNEL_A_TOS, t->tos) ||
	    kput_u8(skb, WEFT_TUNNEL_A_TTL, t->ttl) ||
	    kput_u16(skb, WEFT_TUNNEL_A_FLAGS, t->flags) ||
	    kput_be16(skb, WEFT_TUNNEL_A_TP_SRC, t->tp_src) ||
	    kput_be16(skb, WEFT_TUNNEL_A_TP_DST, t->tp_dst))
		return -EMSGSIZE;
	if (n && kput(skb, WEFT_TUNNEL_A_GENEVE_OPTS, n,
			 out->tun_opts + WEFT_TUN_OPTS_MAX - n))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}


#define CT_SHOWN(key, out, f)						\
	(nonzero(&(key)->f, sizeof((key)->f)) ||			\
	 nonzero(&(out)->f, sizeof((out)->f)))

static bool ct_orig_v4(const struct weft_key_ct_orig *o)
{
	return o->ipv4_src || o->ipv4_dst;
}

static bool ct_orig_v6(const struct weft_key_ct_orig *o)
{
	return !ipv6_addr_any(&o->ipv6_src) || !ipv6_addr_any(&o->ipv6_dst);
}

static int put_ct_orig(struct sk_buff *skb, const struct weft_flow_key *key,
		       const struct weft_flow_key *out)
{
	const struct weft_key_ct_orig *o = &out->ct_orig;
	struct nlattr *nest = knest_start(skb, WEFT_KEY_A_CT_TUPLE);
	bool v4 = key->eth.type == htons(ETH_P_IP) ||
		  ct_orig_v4(&key->ct_orig) || ct_orig_v4(o);
	bool v6 = key->eth.type == htons(ETH_P_IPV6) ||
		  ct_orig_v6(&key->ct_orig) || ct_orig_v6(o);

	if (!nest)
		return -EMSGSIZE;
	/* One family only: a key may not hold both. */
	if (v4 && v6)
		v6 = ct_orig_v6(&key->ct_orig) || ct_orig_v6(o);
	if (v4 && v6)
		v4 = false;
	if (v4 && (kput_be32(skb, WEFT_CT_TUPLE_A_IPV4_SRC, o->ipv4_src) ||
		   kput_be32(skb, WEFT_CT_TUPLE_A_IPV4_DST, o->ipv4_dst)))
		return -EMSGSIZE;
	if (v6 && (kput_in6_addr(skb, WEFT_CT_TUPLE_A_IPV6_SRC, &o->ipv6_src) ||
		   kput_in6_addr(skb, WEFT_CT_TUPLE_A_IPV6_DST, &o->ipv6_dst)))
		return -EMSGSIZE;
	if (kput_u8(skb, WEFT_CT_TUPLE_A_PROTO, o->proto) ||
	    kput_be16(skb, WEFT_CT_TUPLE_A_TP_SRC, o->tp_src) ||
	    kput_be16(skb, WEFT_CT_TUPLE_A_TP_DST, o->tp_dst))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * The ct fields, each only when the key or the output has it nonzero: a
 * packet that went through no ct action, and a flow that does not match
 * them, read as they did before conntrack existed.
 */
static int put_ct(struct sk_buff *skb, const struct weft_flow_key *key,
		  const struct weft_flow_key *out)
{
	if (CT_SHOWN(key, out, ct.state) &&
	    kput_u32(skb, WEFT_KEY_A_CT_STATE, out->ct.state))
		return -EMSGSIZE;
	if (CT_SHOWN(key, out, ct.zone) &&
	    kput_u16(skb, WEFT_KEY_A_CT_ZONE, out->ct.zone))
		return -EMSGSIZE;
	if (CT_SHOWN(key, out, ct.mark) &&
	    kput_u32(skb, WEFT_KEY_A_CT_MARK, out->ct.mark))
		return -EMSGSIZE;
	if (CT_SHOWN(key, out, ct.labels) &&
	    kput(skb, WEFT_KEY_A_CT_LABELS, WEFT_CT_LABELS_LEN,
		    out->ct.labels))
		return -EMSGSIZE;
	if (CT_SHOWN(key, out, ct_orig))
		return put_ct_orig(skb, key, out);
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
	struct nlattr *nest = knest_start(skb, attrtype);

	if (!nest)
		return -EMSGSIZE;
	if (put_md(skb, output) || put_ct(skb, key, output) ||
	    put_tunnel(skb, key, output) ||
	    put_l2(skb, key, output) ||
	    put_l3(skb, key, output)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The tunnel nest at its largest: id, both families' endpoints, options. */
static size_t tunnel_size(void)
{
	return nla_total_size(0) + nla_total_size(8)
		+ 2 * nla_total_size(4) + 2 * nla_total_size(16)
		+ 2 * nla_total_size(1) + 3 * nla_total_size(2)
		+ nla_total_size(WEFT_TUN_OPTS_MAX);
}

/* The ct fields at their largest: state, zone, mark, labels, the tuple. */
static size_t ct_size(void)
{
	return 2 * nla_total_size(4) + nla_total_size(2)
		+ nla_total_size(WEFT_CT_LABELS_LEN)
		+ nla_total_size(0) + 2 * nla_total_size(16)
		+ nla_total_size(1) + 2 * nla_total_size(2);
}

/* Everything but the tunnel and ct fields. */
static size_t base_size(void)
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

size_t weft_key_nlmsg_size(void)
{
	return base_size() + tunnel_size() + ct_size();
}

size_t weft_key_nlmsg_size_of(const struct weft_flow_key *key)
{
	size_t size = base_size();

	/* What put_tunnel() and put_ct() test, with @key as the output. */
	if (nonzero(&key->tun, sizeof(key->tun)))
		size += tunnel_size();
	if (nonzero(&key->ct, sizeof(key->ct)) ||
	    nonzero(&key->ct_orig, sizeof(key->ct_orig)))
		size += ct_size();
	return size;
}
