// SPDX-License-Identifier: GPL-2.0
/*
 * Set actions to and from netlink. A set's KEY names one header with the
 * fields to write; its MASK, when present, the bits to write. Both become
 * one struct weft_set_action (actions_int.h) so that the packet path never
 * parses field nests, and are printed back with only the fields that have a
 * non-zero mask, and a MASK only when some field is not written whole, so
 * that a dump parses back to the same action.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/string.h>
#include <net/ndisc.h>
#include <net/netlink.h>

#include "actions_int.h"
#include "key_nl.h"

static const struct nla_policy set_policy[WEFT_SET_A_MAX + 1] = {
	[WEFT_SET_A_KEY]		= { .type = NLA_NESTED },
	[WEFT_SET_A_MASK]		= { .type = NLA_NESTED },
};

/*
 * Set actions. Each settable header has a table of its fields: where a field
 * sits in the header's WEFT_KEY_A_* nest and in its struct weft_set_*, and,
 * for the fields a set may not write, why not.
 */
struct set_field {
	u16 attr;		/* in the header's nest; 0: the header is a u32 */
	u8 len;
	u8 off;			/* in struct weft_set_* */
	const char *refuse;	/* not settable, and the reason */
};

struct set_header {
	u16 size;		/* of struct weft_set_* */
	u8 n_fields;
	const struct set_field *fields;
	bool (*prereq)(const struct weft_acts_builder *b);
	const char *prereq_msg;
};

#define SET_FIELD(a, s, f) \
	{ .attr = (a), .len = sizeof_field(s, f), .off = offsetof(s, f) }
#define SET_REFUSE(a, l, why) { .attr = (a), .len = (l), .refuse = (why) }

static const struct set_field set_u32_fields[] = {
	{ .attr = 0, .len = sizeof(u32), .off = 0 },
};

static const struct set_field set_eth_fields[] = {
	SET_FIELD(WEFT_ETH_A_SRC, struct weft_set_eth, src),
	SET_FIELD(WEFT_ETH_A_DST, struct weft_set_eth, dst),
};

static const struct set_field set_ipv4_fields[] = {
	SET_FIELD(WEFT_IPV4_A_SRC, struct weft_set_ipv4, src),
	SET_FIELD(WEFT_IPV4_A_DST, struct weft_set_ipv4, dst),
	SET_REFUSE(WEFT_IPV4_A_PROTO, 1, "set ipv4: proto cannot be set"),
	SET_FIELD(WEFT_IPV4_A_TOS, struct weft_set_ipv4, tos),
	SET_FIELD(WEFT_IPV4_A_TTL, struct weft_set_ipv4, ttl),
	SET_REFUSE(WEFT_IPV4_A_FRAG, 1, "set ipv4: frag cannot be set"),
};

static const struct set_field set_ipv6_fields[] = {
	SET_FIELD(WEFT_IPV6_A_SRC, struct weft_set_ipv6, src),
	SET_FIELD(WEFT_IPV6_A_DST, struct weft_set_ipv6, dst),
	SET_FIELD(WEFT_IPV6_A_LABEL, struct weft_set_ipv6, label),
	SET_REFUSE(WEFT_IPV6_A_PROTO, 1, "set ipv6: proto cannot be set"),
	SET_FIELD(WEFT_IPV6_A_TCLASS, struct weft_set_ipv6, tclass),
	SET_FIELD(WEFT_IPV6_A_HLIMIT, struct weft_set_ipv6, hlimit),
	SET_REFUSE(WEFT_IPV6_A_FRAG, 1, "set ipv6: frag cannot be set"),
};

/* ICMP and ICMPv6 type and code: an OVN router answers a ping by turning
 * the echo request around (icmp4.type = 0, icmp6.type = 129). */
static const struct set_field set_icmp_fields[] = {
	SET_FIELD(WEFT_ICMP_A_TYPE, struct weft_set_icmp, type),
	SET_FIELD(WEFT_ICMP_A_CODE, struct weft_set_icmp, code),
};

static const struct set_field set_tp_fields[] = {
	SET_FIELD(WEFT_TP_A_SRC, struct weft_set_tp, src),
	SET_FIELD(WEFT_TP_A_DST, struct weft_set_tp, dst),
	SET_REFUSE(WEFT_TP_A_FLAGS, 2, "set: tcp flags cannot be set"),
};

static const struct set_field set_arp_fields[] = {
	SET_FIELD(WEFT_ARP_A_SIP, struct weft_set_arp, sip),
	SET_FIELD(WEFT_ARP_A_TIP, struct weft_set_arp, tip),
	SET_FIELD(WEFT_ARP_A_OP, struct weft_set_arp, op),
	SET_FIELD(WEFT_ARP_A_SHA, struct weft_set_arp, sha),
	SET_FIELD(WEFT_ARP_A_THA, struct weft_set_arp, tha),
};

static const struct set_field set_nd_fields[] = {
	SET_FIELD(WEFT_ND_A_TARGET, struct weft_set_nd, target),
	SET_FIELD(WEFT_ND_A_SLL, struct weft_set_nd, sll),
	SET_FIELD(WEFT_ND_A_TLL, struct weft_set_nd, tll),
};

/* Does the flow match @len bytes at @off of the key exactly, equal to @val? */
static bool flow_exact(const struct weft_acts_builder *b, size_t off,
		       const void *val, size_t len)
{
	if (b->mask && memchr_inv((const u8 *)b->mask + off, 0xff, len))
		return false;
	return !memcmp((const u8 *)b->key + off, val, len);
}

#define FLOW_EXACT(b, field, val) ({					\
	typeof(((struct weft_flow_key *)NULL)->field) v__ = (val);	\
	flow_exact(b, offsetof(struct weft_flow_key, field), &v__,	\
		   sizeof(v__));					\
})

static bool prereq_ipv4(const struct weft_acts_builder *b)
{
	return FLOW_EXACT(b, eth.type, htons(ETH_P_IP));
}

static bool prereq_ipv6(const struct weft_acts_builder *b)
{
	return FLOW_EXACT(b, eth.type, htons(ETH_P_IPV6));
}

static bool prereq_l4(const struct weft_acts_builder *b, u8 proto)
{
	return (prereq_ipv4(b) || prereq_ipv6(b)) &&
	       FLOW_EXACT(b, ip.proto, proto);
}

static bool prereq_tcp(const struct weft_acts_builder *b)
{
	return prereq_l4(b, IPPROTO_TCP);
}

static bool prereq_udp(const struct weft_acts_builder *b)
{
	return prereq_l4(b, IPPROTO_UDP);
}

static bool prereq_sctp(const struct weft_acts_builder *b)
{
	return prereq_l4(b, IPPROTO_SCTP);
}

static bool prereq_icmp(const struct weft_acts_builder *b)
{
	return prereq_ipv4(b) && FLOW_EXACT(b, ip.proto, IPPROTO_ICMP);
}

static bool prereq_icmpv6(const struct weft_acts_builder *b)
{
	return prereq_ipv6(b) && FLOW_EXACT(b, ip.proto, IPPROTO_ICMPV6);
}

static bool prereq_arp(const struct weft_acts_builder *b)
{
	return FLOW_EXACT(b, eth.type, htons(ETH_P_ARP)) ||
	       FLOW_EXACT(b, eth.type, htons(ETH_P_RARP));
}

/* The key keeps the ICMP type in tp.src as htons(type): exact is 0x00ff. */
static bool flow_icmp_type(const struct weft_acts_builder *b, u8 type)
{
	if (b->mask && (b->mask->tp.src & htons(0xff)) != htons(0xff))
		return false;
	return (b->key->tp.src & htons(0xff)) == htons(type);
}

static bool prereq_nd(const struct weft_acts_builder *b)
{
	return prereq_ipv6(b) && FLOW_EXACT(b, ip.proto, IPPROTO_ICMPV6) &&
	       (flow_icmp_type(b, NDISC_NEIGHBOUR_SOLICITATION) ||
		flow_icmp_type(b, NDISC_NEIGHBOUR_ADVERTISEMENT));
}

#define SET_HEADER(s, f, p, msg) {					\
	.size = sizeof(s), .fields = (f), .n_fields = ARRAY_SIZE(f),	\
	.prereq = (p), .prereq_msg = (msg)				\
}

static const struct set_header set_headers[WEFT_KEY_A_MAX + 1] = {
	[WEFT_KEY_A_SKB_MARK] = SET_HEADER(u32, set_u32_fields, NULL, NULL),
	[WEFT_KEY_A_PRIORITY] = SET_HEADER(u32, set_u32_fields, NULL, NULL),
	[WEFT_KEY_A_ETHERNET] = SET_HEADER(struct weft_set_eth, set_eth_fields,
					   NULL, NULL),
	[WEFT_KEY_A_IPV4] = SET_HEADER(struct weft_set_ipv4, set_ipv4_fields,
		prereq_ipv4, "set ipv4: the flow must match eth_type 0x0800 exactly"),
	[WEFT_KEY_A_IPV6] = SET_HEADER(struct weft_set_ipv6, set_ipv6_fields,
		prereq_ipv6, "set ipv6: the flow must match eth_type 0x86dd exactly"),
	[WEFT_KEY_A_TCP] = SET_HEADER(struct weft_set_tp, set_tp_fields,
		prereq_tcp, "set tcp: the flow must match an IP eth_type and ip proto 6 exactly"),
	[WEFT_KEY_A_UDP] = SET_HEADER(struct weft_set_tp, set_tp_fields,
		prereq_udp, "set udp: the flow must match an IP eth_type and ip proto 17 exactly"),
	[WEFT_KEY_A_SCTP] = SET_HEADER(struct weft_set_tp, set_tp_fields,
		prereq_sctp, "set sctp: the flow must match an IP eth_type and ip proto 132 exactly"),
	[WEFT_KEY_A_ICMP] = SET_HEADER(struct weft_set_icmp, set_icmp_fields,
		prereq_icmp, "set icmp: the flow must match eth_type 0x0800 and ip proto 1 exactly"),
	[WEFT_KEY_A_ICMPV6] = SET_HEADER(struct weft_set_icmp, set_icmp_fields,
		prereq_icmpv6, "set icmpv6: the flow must match eth_type 0x86dd and ip proto 58 exactly"),
	[WEFT_KEY_A_ARP] = SET_HEADER(struct weft_set_arp, set_arp_fields,
		prereq_arp, "set arp: the flow must match eth_type 0x0806 or 0x8035 exactly"),
	[WEFT_KEY_A_ND] = SET_HEADER(struct weft_set_nd, set_nd_fields,
		prereq_nd, "set nd: the flow must match ipv6, ip proto 58 and icmpv6 type 135 or 136 exactly"),
};

static const char * const set_refused_msg[WEFT_KEY_A_MAX + 1] = {
	[WEFT_KEY_A_IN_PORT]	= "set: in_port cannot be set",
	[WEFT_KEY_A_RECIRC_ID]	= "set: recirc_id cannot be set (use the recirc action)",
	[WEFT_KEY_A_DP_HASH]	= "set: dp_hash cannot be set (use the hash action)",
	[WEFT_KEY_A_VLAN]	= "set: vlan cannot be set (use push_vlan/pop_vlan)",
	[WEFT_KEY_A_CVLAN]	= "set: cvlan cannot be set (use push_vlan/pop_vlan)",
	[WEFT_KEY_A_ETHERTYPE]	= "set: eth_type cannot be set",
};

static bool set_is_scalar(const struct set_header *hdr)
{
	return hdr->fields[0].attr == 0;
}

static bool set_is_label(u16 key_attr, const struct set_field *f)
{
	return key_attr == WEFT_KEY_A_IPV6 && f->attr == WEFT_IPV6_A_LABEL;
}

/* The mask that writes field @f whole. */
static void set_full_mask(u16 key_attr, const struct set_field *f, u8 *mask)
{
	if (set_is_label(key_attr, f))
		*(__be32 *)(mask + f->off) = htonl(0xfffff);
	else
		memset(mask + f->off, 0xff, f->len);
}

static const struct set_field *set_field_find(const struct set_header *hdr,
					      int attr)
{
	int i;

	for (i = 0; i < hdr->n_fields; i++)
		if (hdr->fields[i].attr == attr)
			return &hdr->fields[i];
	return NULL;
}

enum set_read_mode {
	SET_READ_KEY,		/* KEY without MASK: write present fields whole */
	SET_READ_MASKED_KEY,	/* KEY with MASK: unsettable fields ignored */
	SET_READ_MASK,		/* MASK: unsettable fields must be zero */
};

/* Read the fields of header nest @h into @out (and @mask for SET_READ_KEY). */
static int set_read(struct weft_acts_builder *b, u16 key_attr,
		    const struct nlattr *h, enum set_read_mode mode, u8 *out,
		    u8 *mask)
{
	const struct set_header *hdr = &set_headers[key_attr];
	const struct nlattr *nla;
	int rem;

	if (set_is_scalar(hdr)) {
		if (nla_len(h) != sizeof(u32))
			goto bad_len;
		memcpy(out, nla_data(h), sizeof(u32));
		if (mode == SET_READ_KEY)
			memset(mask, 0xff, sizeof(u32));
		return 0;
	}
	nla_for_each_nested(nla, h, rem) {
		const struct set_field *f = set_field_find(hdr, nla_type(nla));

		if (!f) {
			NL_SET_ERR_MSG_ATTR(b->extack, nla, "set: unknown field");
			return -EINVAL;
		}
		if (nla_len(nla) != f->len) {
			h = nla;
			goto bad_len;
		}
		if (f->refuse) {
			if (mode == SET_READ_KEY ||
			    (mode == SET_READ_MASK &&
			     memchr_inv(nla_data(nla), 0, f->len))) {
				weft_acts_err(b->extack, nla, f->refuse);
				return -EINVAL;
			}
			continue;
		}
		memcpy(out + f->off, nla_data(nla), f->len);
		if (mode == SET_READ_KEY)
			set_full_mask(key_attr, f, mask);
	}
	return 0;
bad_len:
	NL_SET_ERR_MSG_ATTR(b->extack, h, "set: field has the wrong length");
	return -EINVAL;
}

/* Which single header does set nest @a address? Return: it, or -EINVAL. */
static int set_header_of(struct weft_acts_builder *b, const struct nlattr *key,
			 const struct nlattr *mask)
{
	struct weft_flow_key scratch;
	weft_key_attrs_t present, mpresent;
	int type, err;

	/* The key parser checks every header and field. */
	err = weft_key_parse(key, &scratch, &present, false, b->extack);
	if (err)
		return err;
	if (hweight32(present) != 1) {
		NL_SET_ERR_MSG_ATTR(b->extack, key,
				    "set: KEY must hold exactly one header");
		return -EINVAL;
	}
	type = __ffs(present);
	if (type > WEFT_KEY_A_MAX || !set_headers[type].fields) {
		weft_acts_err(b->extack, key,
			      type <= WEFT_KEY_A_MAX && set_refused_msg[type] ?
			      set_refused_msg[type] :
			      "set: this header cannot be set");
		return -EINVAL;
	}
	if (mask) {
		err = weft_key_parse(mask, &scratch, &mpresent, true, b->extack);
		if (err)
			return err;
		if (mpresent != present) {
			NL_SET_ERR_MSG_ATTR(b->extack, mask,
					    "set: MASK must hold the same one header as KEY");
			return -EINVAL;
		}
	}
	if (set_headers[type].prereq && !set_headers[type].prereq(b)) {
		weft_acts_err(b->extack, key, set_headers[type].prereq_msg);
		return -EINVAL;
	}
	return type;
}

/**
 * weft_set_nl_convert() - validate set action @a and append its internal form.
 * @b: the builder, with the flow the list belongs to.
 * @a: WEFT_ACTION_A_SET.
 *
 * Return: 0, -EINVAL (with an extack message naming the field or the
 * missing prerequisite) or -E2BIG.
 */
int weft_set_nl_convert(struct weft_acts_builder *b, const struct nlattr *a)
{
	struct nlattr *tb[WEFT_SET_A_MAX + 1];
	const struct set_header *hdr;
	struct weft_set_action *sa;
	u8 *value, *mask;
	int type, start, err, i;

	err = nla_parse_nested(tb, WEFT_SET_A_MAX, a, set_policy, b->extack);
	if (err)
		return err;
	if (!tb[WEFT_SET_A_KEY]) {
		NL_SET_ERR_MSG_ATTR(b->extack, a, "set: needs KEY");
		return -EINVAL;
	}
	/* Tunnel metadata is not a header of the packet: its own action. */
	if (nla_find_nested(tb[WEFT_SET_A_KEY], WEFT_KEY_A_TUNNEL))
		return weft_tun_set_nl_convert(b, tb[WEFT_SET_A_KEY],
					       tb[WEFT_SET_A_MASK]);
	type = set_header_of(b, tb[WEFT_SET_A_KEY], tb[WEFT_SET_A_MASK]);
	if (type < 0)
		return type;
	hdr = &set_headers[type];
	start = weft_acts_builder_put(b, WEFT_IACT_SET, NULL,
			    sizeof(*sa) + 2 * hdr->size);
	if (start < 0)
		return start;
	sa = nla_data((struct nlattr *)(b->buf + start));
	sa->key_attr = type;
	sa->size = hdr->size;
	value = sa->data;
	mask = sa->data + hdr->size;

	err = set_read(b, type, nla_find_nested(tb[WEFT_SET_A_KEY], type),
		       tb[WEFT_SET_A_MASK] ? SET_READ_MASKED_KEY : SET_READ_KEY,
		       value, mask);
	if (!err && tb[WEFT_SET_A_MASK])
		err = set_read(b, type,
			       nla_find_nested(tb[WEFT_SET_A_MASK], type),
			       SET_READ_MASK, mask, NULL);
	if (err)
		return err;
	/* Bits outside the field (the label's top 12) and outside the mask go. */
	for (i = 0; i < hdr->n_fields; i++) {
		const struct set_field *f = &hdr->fields[i];

		if (set_is_label(type, f))
			*(__be32 *)(mask + f->off) &= htonl(0xfffff);
	}
	for (i = 0; i < hdr->size; i++)
		value[i] &= mask[i];
	return 0;
}

/* Emit the KEY or MASK half of a set; *@all_full: every mask is whole. */
static int set_put_half(struct sk_buff *skb, int attrtype,
			const struct weft_set_action *sa, const u8 *src,
			bool *all_full)
{
	const struct set_header *hdr = &set_headers[sa->key_attr];
	const u8 *mask = weft_set_mask(sa);
	struct nlattr *outer, *inner;
	u8 full[sizeof(struct weft_set_ipv6)];	/* the largest */
	int i;

	outer = nla_nest_start(skb, attrtype);
	if (!outer)
		return -EMSGSIZE;
	if (set_is_scalar(hdr)) {
		if (nla_put(skb, sa->key_attr, sizeof(u32), src))
			return -EMSGSIZE;
		*all_full = !memchr_inv(mask, 0xff, sizeof(u32));
		goto out;
	}
	inner = nla_nest_start(skb, sa->key_attr);
	if (!inner)
		return -EMSGSIZE;
	*all_full = true;
	for (i = 0; i < hdr->n_fields; i++) {
		const struct set_field *f = &hdr->fields[i];

		if (f->refuse || !memchr_inv(mask + f->off, 0, f->len))
			continue;
		if (nla_put(skb, f->attr, f->len, src + f->off))
			return -EMSGSIZE;
		set_full_mask(sa->key_attr, f, full);
		if (memcmp(mask + f->off, full + f->off, f->len))
			*all_full = false;
	}
	nla_nest_end(skb, inner);
out:
	nla_nest_end(skb, outer);
	return 0;
}

/**
 * weft_set_nl_put() - emit a set action in the uapi form.
 * @skb: the message.
 * @sa: the action.
 *
 * Return: 0 or -EMSGSIZE.
 */
int weft_set_nl_put(struct sk_buff *skb, const struct weft_set_action *sa)
{
	struct nlattr *start;
	bool all_full;

	start = nla_nest_start(skb, WEFT_ACTION_A_SET);
	if (!start ||
	    set_put_half(skb, WEFT_SET_A_KEY, sa, weft_set_value(sa), &all_full))
		return -EMSGSIZE;
	if (!all_full &&
	    set_put_half(skb, WEFT_SET_A_MASK, sa, weft_set_mask(sa), &all_full))
		return -EMSGSIZE;
	nla_nest_end(skb, start);
	return 0;
}

/**
 * weft_set_nl_size() - what weft_set_nl_put() emits.
 * @sa: the action.
 *
 * Return: bytes.
 */
size_t weft_set_nl_size(const struct weft_set_action *sa)
{
	const struct set_header *hdr = &set_headers[sa->key_attr];
	const u8 *mask = weft_set_mask(sa);
	u8 full[sizeof(struct weft_set_ipv6)];	/* the largest */
	size_t half = nla_total_size(0);	/* KEY or MASK */
	bool all_full = true;
	int i;

	if (set_is_scalar(hdr)) {
		half += nla_total_size(sizeof(u32));
		all_full = !memchr_inv(mask, 0xff, sizeof(u32));
	} else {
		half += nla_total_size(0);
		for (i = 0; i < hdr->n_fields; i++) {
			const struct set_field *f = &hdr->fields[i];

			if (f->refuse || !memchr_inv(mask + f->off, 0, f->len))
				continue;
			half += nla_total_size(f->len);
			set_full_mask(sa->key_attr, f, full);
			if (memcmp(mask + f->off, full + f->off, f->len))
				all_full = false;
		}
	}
	return nla_total_size(0) + (all_full ? half : 2 * half);
}

