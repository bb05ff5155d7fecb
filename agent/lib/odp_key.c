// SPDX-License-Identifier: GPL-2.0
/*
 * Flow keys and masks as ovs-dpctl text:
 *
 *   recirc_id(0),dp_hash(0/0),skb_priority(0),in_port(1),skb_mark(0),
 *   eth(src=..,dst=..),eth_type(0x8100),vlan(vid=10,pcp=0),
 *   encap(eth_type(0x0800),ipv4(src=10.0.0.1/255.255.255.0,proto=6,frag=no),
 *         tcp(dst=80),tcp_flags(syn|ack))
 *
 * One table of headers drives parsing and printing. The text's VLAN form
 * (eth_type = the TPID of the tag that follows, encap(...) = what is inside
 * the tag) is folded into weft's flat form (WEFT_KEY_A_VLAN/CVLAN carrying
 * TPID and TCI, WEFT_KEY_A_ETHERTYPE = the type after the tags) here and
 * nowhere else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "odp_private.h"

#define F(n, a, t) { .name = n, .attr = a, .type = WFT_VT_##t }

static const struct wft_odp_field port_f[] = { F(NULL, 0, PORT) };
static const struct wft_odp_field u32x_f[] = { F(NULL, 0, U32X) };
static const struct wft_odp_field eth_f[] = {
	F("src", WEFT_ETH_A_SRC, MAC),
	F("dst", WEFT_ETH_A_DST, MAC),
};
static const struct wft_odp_field ipv4_f[] = {
	F("src", WEFT_IPV4_A_SRC, IPV4),
	F("dst", WEFT_IPV4_A_DST, IPV4),
	F("proto", WEFT_IPV4_A_PROTO, U8),
	F("tos", WEFT_IPV4_A_TOS, U8X),
	F("ttl", WEFT_IPV4_A_TTL, U8),
	F("frag", WEFT_IPV4_A_FRAG, FRAG),
};
static const struct wft_odp_field ipv6_f[] = {
	F("src", WEFT_IPV6_A_SRC, IPV6),
	F("dst", WEFT_IPV6_A_DST, IPV6),
	F("label", WEFT_IPV6_A_LABEL, LABEL),
	F("proto", WEFT_IPV6_A_PROTO, U8),
	F("tclass", WEFT_IPV6_A_TCLASS, U8X),
	F("hlimit", WEFT_IPV6_A_HLIMIT, U8),
	F("frag", WEFT_IPV6_A_FRAG, FRAG),
};
static const struct wft_odp_field tp_f[] = {
	F("src", WEFT_TP_A_SRC, BE16),
	F("dst", WEFT_TP_A_DST, BE16),
};
static const struct wft_odp_field tcp_flags_f[] = {
	F(NULL, WEFT_TP_A_FLAGS, TCP_FLAGS),
};
static const struct wft_odp_field icmp_f[] = {
	F("type", WEFT_ICMP_A_TYPE, U8),
	F("code", WEFT_ICMP_A_CODE, U8),
};
static const struct wft_odp_field arp_f[] = {
	F("sip", WEFT_ARP_A_SIP, IPV4),
	F("tip", WEFT_ARP_A_TIP, IPV4),
	F("op", WEFT_ARP_A_OP, BE16),
	F("sha", WEFT_ARP_A_SHA, MAC),
	F("tha", WEFT_ARP_A_THA, MAC),
};
static const struct wft_odp_field nd_f[] = {
	F("target", WEFT_ND_A_TARGET, IPV6),
	F("sll", WEFT_ND_A_SLL, MAC),
	F("tll", WEFT_ND_A_TLL, MAC),
};
/* Only for decoding and bounds: the text form of a tag is special. */
static const struct wft_odp_field vlan_f[] = {
	F("tpid", WEFT_VLAN_A_TPID, BE16X),
	F("tci", WEFT_VLAN_A_TCI, TCI),
};
static const struct wft_odp_field ethertype_f[] = { F(NULL, 0, BE16X) };
static const struct wft_odp_field ct_state_f[] = { F(NULL, 0, CT_STATE) };
static const struct wft_odp_field u16x_f[] = { F(NULL, 0, U16X) };
static const struct wft_odp_field u128_f[] = { F(NULL, 0, U128) };
/*
 * ct_tuple4 and ct_tuple6 are two views of WEFT_KEY_A_CT_TUPLE. OVS prints
 * ct_tuple6's ports as src_port=/dst_port=, which its own parser does not
 * read; weft prints tp_src=/tp_dst= and reads both.
 */
static const struct wft_odp_field ct_tuple4_f[] = {
	F("src", WEFT_CT_TUPLE_A_IPV4_SRC, IPV4),
	F("dst", WEFT_CT_TUPLE_A_IPV4_DST, IPV4),
	F("proto", WEFT_CT_TUPLE_A_PROTO, U8),
	F("tp_src", WEFT_CT_TUPLE_A_TP_SRC, BE16),
	F("tp_dst", WEFT_CT_TUPLE_A_TP_DST, BE16),
};
static const struct wft_odp_field ct_tuple6_f[] = {
	F("src", WEFT_CT_TUPLE_A_IPV6_SRC, IPV6),
	F("dst", WEFT_CT_TUPLE_A_IPV6_DST, IPV6),
	F("proto", WEFT_CT_TUPLE_A_PROTO, U8),
	F("tp_src", WEFT_CT_TUPLE_A_TP_SRC, BE16),
	F("tp_dst", WEFT_CT_TUPLE_A_TP_DST, BE16),
	F("src_port", WEFT_CT_TUPLE_A_TP_SRC, BE16),
	F("dst_port", WEFT_CT_TUPLE_A_TP_DST, BE16),
};

#define H(n, a, nest_, outer_, set_, f) { .name = n, .attr = a, \
	.nest = nest_, .outer = outer_, .settable = set_, .fields = f, \
	.n_fields = sizeof(f) / sizeof(f[0]) }

/*
 * In the order the formatter prints them (the kernel's dump order: the ct
 * fields right after skb_mark, as openvswitch.ko dumps them).
 */
enum { HDR_RECIRC, HDR_DP_HASH, HDR_PRIORITY, HDR_IN_PORT, HDR_SKB_MARK,
	HDR_CT_STATE, HDR_CT_ZONE, HDR_CT_MARK, HDR_CT_LABEL, HDR_CT_TUPLE4,
	HDR_CT_TUPLE6, HDR_ETH, HDR_ETHERTYPE, HDR_IPV4, HDR_IPV6, HDR_ARP, HDR_TCP,
	HDR_TCP_FLAGS, HDR_UDP, HDR_SCTP, HDR_ICMP, HDR_ICMPV6, HDR_ND,
	HDR_VLAN, HDR_CVLAN, N_HDRS };

static const struct wft_odp_hdr hdrs[N_HDRS] = {
	[HDR_RECIRC] = H("recirc_id", WEFT_KEY_A_RECIRC_ID, 0, 1, 0, u32x_f),
	[HDR_DP_HASH] = H("dp_hash", WEFT_KEY_A_DP_HASH, 0, 1, 0, u32x_f),
	[HDR_PRIORITY] = H("skb_priority", WEFT_KEY_A_PRIORITY, 0, 1, 1,
			   u32x_f),
	[HDR_IN_PORT] = H("in_port", WEFT_KEY_A_IN_PORT, 0, 1, 0, port_f),
	[HDR_SKB_MARK] = H("skb_mark", WEFT_KEY_A_SKB_MARK, 0, 1, 1, u32x_f),
	[HDR_CT_STATE] = H("ct_state", WEFT_KEY_A_CT_STATE, 0, 1, 0,
			   ct_state_f),
	[HDR_CT_ZONE] = H("ct_zone", WEFT_KEY_A_CT_ZONE, 0, 1, 0, u16x_f),
	[HDR_CT_MARK] = H("ct_mark", WEFT_KEY_A_CT_MARK, 0, 1, 0, u32x_f),
	[HDR_CT_LABEL] = H("ct_label", WEFT_KEY_A_CT_LABELS, 0, 1, 0, u128_f),
	[HDR_CT_TUPLE4] = H("ct_tuple4", WEFT_KEY_A_CT_TUPLE, 1, 1, 0,
			    ct_tuple4_f),
	[HDR_CT_TUPLE6] = H("ct_tuple6", WEFT_KEY_A_CT_TUPLE, 1, 1, 0,
			    ct_tuple6_f),
	[HDR_ETH] = H("eth", WEFT_KEY_A_ETHERNET, 1, 1, 1, eth_f),
	[HDR_ETHERTYPE] = H("eth_type", WEFT_KEY_A_ETHERTYPE, 0, 0, 0,
			    ethertype_f),
	[HDR_IPV4] = H("ipv4", WEFT_KEY_A_IPV4, 1, 0, 1, ipv4_f),
	[HDR_IPV6] = H("ipv6", WEFT_KEY_A_IPV6, 1, 0, 1, ipv6_f),
	[HDR_ARP] = H("arp", WEFT_KEY_A_ARP, 1, 0, 1, arp_f),
	[HDR_TCP] = H("tcp", WEFT_KEY_A_TCP, 1, 0, 1, tp_f),
	[HDR_TCP_FLAGS] = H("tcp_flags", WEFT_KEY_A_TCP, 1, 0, 0,
			    tcp_flags_f),
	[HDR_UDP] = H("udp", WEFT_KEY_A_UDP, 1, 0, 1, tp_f),
	[HDR_SCTP] = H("sctp", WEFT_KEY_A_SCTP, 1, 0, 1, tp_f),
	[HDR_ICMP] = H("icmp", WEFT_KEY_A_ICMP, 1, 0, 1, icmp_f),
	[HDR_ICMPV6] = H("icmpv6", WEFT_KEY_A_ICMPV6, 1, 0, 1, icmp_f),
	[HDR_ND] = H("nd", WEFT_KEY_A_ND, 1, 0, 1, nd_f),
	[HDR_VLAN] = H(NULL, WEFT_KEY_A_VLAN, 1, 0, 0, vlan_f),
	[HDR_CVLAN] = H(NULL, WEFT_KEY_A_CVLAN, 1, 0, 0, vlan_f),
};

#define VLAN_CFI	0x1000
#define SLOT_TPID	WEFT_VLAN_A_TPID
#define SLOT_TCI	WEFT_VLAN_A_TCI

/* Headers looked up by keyword; eth_type, vlan and encap are special. */
const struct wft_odp_hdr *wft_odp_hdr_lookup(const char *name, size_t len)
{
	for (int i = 0; i < N_HDRS; i++) {
		const char *n = hdrs[i].name;

		if (n && i != HDR_ETHERTYPE && strlen(n) == len &&
		    !memcmp(n, name, len))
			return &hdrs[i];
	}
	return NULL;
}

const struct wft_odp_hdr *wft_odp_hdr_by_attr(uint16_t attr)
{
	for (int i = 0; i < N_HDRS; i++)
		if (hdrs[i].attr == attr)
			return &hdrs[i];
	return NULL;
}

/* The slot of field @f of header @h (scalars use field 0). */
static struct wft_odp_slot *slot_of(struct wft_odp_image *img,
				    const struct wft_odp_hdr *h,
				    const struct wft_odp_field *f)
{
	return &img->slot[h->attr][f->attr];
}

static int parse_field_value(struct wft_odp_cur *c,
			     const struct wft_odp_hdr *h,
			     const struct wft_odp_field *f,
			     struct wft_odp_image *img, size_t pos)
{
	struct wft_odp_slot *s = slot_of(img, h, f);
	int err;

	if (s->in_key || s->in_mask)
		return wft_odp_fail(c, pos, "%s: field \"%s\" given twice",
				    h->name, f->name ? f->name : h->name);
	err = wft_odp_parse_value(c, h->name, f->type, s->key, s->mask);
	if (err)
		return err;
	s->len = (uint8_t)wft_odp_vtype_len(f->type);
	s->in_key = true;
	s->in_mask = true;
	return 0;
}

/*
 * Parses the "(...)" of header @h (the cursor is on the '(') into @img:
 * "(value[/mask])" for a scalar header, "(name=value[/mask],...)" for the
 * others. Fields left out stay out of the image (wildcarded).
 */
int wft_odp_parse_header(struct wft_odp_cur *c, const struct wft_odp_hdr *h,
			 struct wft_odp_image *img)
{
	size_t pos = c->pos;
	int err;

	err = wft_odp_expect(c, '(', h->name);
	if (err)
		return err;
	img->nest_key[h->attr] = true;
	img->nest_mask[h->attr] = true;
	if (!h->fields[0].name) {
		err = parse_field_value(c, h, &h->fields[0], img, pos);
		return err ? err : wft_odp_expect(c, ')', h->name);
	}
	while (wft_odp_peek(c) != ')') {
		const struct wft_odp_field *f = NULL;
		size_t n = wft_odp_word_len(c);

		pos = c->pos;
		for (int i = 0; i < h->n_fields; i++)
			if (wft_odp_word_is(c, n, h->fields[i].name))
				f = &h->fields[i];
		if (!f || c->s[c->pos + n] != '=')
			return wft_odp_fail_token(c, pos,
					n ? n : strcspn(c->s + pos, ",)"),
					h->name, f ? "expected '=' after" :
					"unknown field");
		c->pos += n + 1;
		err = parse_field_value(c, h, f, img, pos);
		if (err)
			return err;
		/* A trailing ',' before ')' is fine, as in OVS. */
		if (wft_odp_peek(c) == ',')
			c->pos++;
		else if (wft_odp_peek(c) != ')')
			return wft_odp_expect(c, ')', h->name);
	}
	c->pos++;
	return 0;
}

/* Parses "vlan(vid=..,pcp=..,cfi=..)" into the TCI slot of @s. */
static int parse_vlan(struct wft_odp_cur *c, struct wft_odp_slot *s)
{
	static const struct { const char *name; int shift; unsigned int max; }
	bits[] = { { "vid", 0, 0xfff }, { "pcp", 13, 7 }, { "cfi", 12, 1 } };
	uint16_t key = VLAN_CFI, mask = VLAN_CFI, seen = 0;
	int err = wft_odp_expect(c, '(', "vlan");

	while (!err && wft_odp_peek(c) != ')') {
		size_t n = wft_odp_word_len(c), pos = c->pos;
		uint64_t v, m;
		int i;

		for (i = 0; i < 3; i++)
			if (wft_odp_word_is(c, n, bits[i].name))
				break;
		if (i == 3 || c->s[c->pos + n] != '=' || (seen & (1u << i)))
			return wft_odp_fail_token(c, pos,
					n ? n : strcspn(c->s + pos, ",)"),
					"vlan", i == 3 ? "unknown field" :
					(seen & (1u << i)) ? "field given twice:" :
					"expected '=' after");
		seen |= (uint16_t)(1u << i);
		c->pos += n + 1;
		err = wft_odp_parse_uint(c, "vlan", bits[i].max, &v);
		m = bits[i].max;
		if (!err && wft_odp_peek(c) == '/') {
			c->pos++;
			err = wft_odp_parse_uint(c, "vlan", bits[i].max, &m);
		}
		if (err)
			return err;
		key = (uint16_t)((key & ~(bits[i].max << bits[i].shift)) |
				 v << bits[i].shift);
		mask = (uint16_t)((mask & ~(bits[i].max << bits[i].shift)) |
				  m << bits[i].shift);
		if (wft_odp_peek(c) == ',')
			c->pos++;
		else if (wft_odp_peek(c) != ')')
			return wft_odp_expect(c, ')', "vlan");
	}
	if (err)
		return err;
	c->pos++;
	s->key[0] = (uint8_t)(key >> 8);
	s->key[1] = (uint8_t)key;
	s->mask[0] = (uint8_t)(mask >> 8);
	s->mask[1] = (uint8_t)mask;
	s->len = 2;
	s->in_key = s->in_mask = true;
	return 0;
}

/* What one level of the text (the top, or one encap()) said about tags. */
struct level {
	struct wft_odp_slot eth_type;
	struct wft_odp_slot tci;
	size_t l3_pos;
	bool has_eth_type, has_vlan, has_encap, has_l3;
	const char *l3_name;
};

static int parse_level(struct wft_odp_cur *c, struct wft_odp_image *img,
		       unsigned int level, uint32_t *seen);

/* "vlan(...)" or "encap(...)" at the cursor (@n bytes of keyword). */
static int parse_tag_item(struct wft_odp_cur *c, struct wft_odp_image *img,
			  unsigned int level, uint32_t *seen, struct level *lv,
			  size_t n)
{
	size_t pos = c->pos;
	bool encap = c->s[pos] == 'e';
	int err;

	if (encap ? lv->has_encap : lv->has_vlan)
		return wft_odp_fail_token(c, pos, n, "flow",
					  "header given twice:");
	if (level >= 2)
		return wft_odp_fail_token(c, pos, n, "flow",
					  "more than two VLAN tags:");
	c->pos += n;
	if (!encap) {
		lv->has_vlan = true;
		return parse_vlan(c, &lv->tci);
	}
	lv->has_encap = true;
	err = wft_odp_expect(c, '(', "encap");
	if (!err)
		err = parse_level(c, img, level + 1, seen);
	return err ? err : wft_odp_expect(c, ')', "encap");
}

/* "eth_type(...)": the TPID of a tag that follows, or the EtherType. */
static int parse_eth_type(struct wft_odp_cur *c, struct level *lv, size_t n)
{
	int err;

	if (lv->has_eth_type)
		return wft_odp_fail_token(c, c->pos, n, "flow",
					  "header given twice:");
	c->pos += n;
	lv->has_eth_type = true;
	err = wft_odp_expect(c, '(', "eth_type");
	if (!err)
		err = wft_odp_parse_value(c, "eth_type", WFT_VT_BE16X,
					  lv->eth_type.key, lv->eth_type.mask);
	lv->eth_type.len = 2;
	lv->eth_type.in_key = lv->eth_type.in_mask = true;
	return err ? err : wft_odp_expect(c, ')', "eth_type");
}

/* A mask token that is zero in any of the text forms OVS prints. */
static bool zero_mask(const char *s, size_t n)
{
	bool digit = false;

	if (n == 2 && !memcmp(s, "::", 2))
		return true;
	if (n > 2 && s[0] == '0' && s[1] == 'x') {
		s += 2;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '0')
			digit = true;
		else if (s[i] != '.' && s[i] != ':')
			return false;
	}
	return digit;
}

/*
 * "(v/0)" or "(f=v/0,g=w/0,...)" at the cursor, for a header weft does not
 * have: when every value is wildcarded the header matches nothing and can
 * be skipped. Consumes it and returns true in that case only.
 */
static bool skip_wildcarded(struct wft_odp_cur *c)
{
	size_t pos = c->pos, end, item;
	const char *slash;

	if (c->s[pos] != '(')
		return false;
	end = pos + 1 + strcspn(c->s + pos + 1, "()");
	if (c->s[end] != ')')
		return false;
	for (item = pos + 1; item < end; ) {
		size_t n = strcspn(c->s + item, ",)");

		slash = memrchr(c->s + item, '/', n);
		if (!slash || !zero_mask(slash + 1,
					 n - (size_t)(slash + 1 - (c->s + item))))
			return false;
		item += n + (c->s[item + n] == ',');
	}
	if (item == pos + 1)
		return false;
	c->pos = end + 1;
	return true;
}

static int parse_item(struct wft_odp_cur *c, struct wft_odp_image *img,
		      unsigned int level, uint32_t *seen, struct level *lv)
{
	size_t pos = c->pos, n = wft_odp_word_len(c);
	const struct wft_odp_hdr *h;

	if (wft_odp_word_is(c, n, "encap") || wft_odp_word_is(c, n, "vlan"))
		return parse_tag_item(c, img, level, seen, lv, n);
	if (wft_odp_word_is(c, n, "eth_type"))
		return parse_eth_type(c, lv, n);
	if (wft_odp_word_is(c, n, "tunnel")) {
		if (level)
			return wft_odp_fail_token(c, pos, n, "encap",
						  "header not allowed inside encap():");
		if (img->nest_key[WEFT_KEY_A_TUNNEL])
			return wft_odp_fail_token(c, pos, n, "flow",
						  "header given twice:");
		c->pos += n;
		return wft_odp_parse_tunnel(c, img, false);
	}
	h = wft_odp_hdr_lookup(c->s + pos, n);
	if (!h && wft_odp_is_ovs_only(c->s + pos, n, false)) {
		/* What ovs-dpctl -m prints for fields weft lacks: no match. */
		c->pos += n;
		if (skip_wildcarded(c))
			return 0;
		return wft_odp_fail_token(c, pos, n, "flow",
					  "weft does not support the header");
	}
	if (!h)
		return wft_odp_fail_token(c, pos, n ? n : 1, "flow",
					  "unknown header");
	if ((*seen & (1u << (h - hdrs))) ||
	    (h->attr == WEFT_KEY_A_CT_TUPLE && img->nest_key[h->attr]))
		return wft_odp_fail_token(c, pos, n, "flow",
					  "header given twice:");
	*seen |= 1u << (h - hdrs);
	if (h->outer && level)
		return wft_odp_fail_token(c, pos, n, "encap",
					  "header not allowed inside encap():");
	if (!h->outer && !lv->has_l3) {
		lv->has_l3 = true;
		lv->l3_pos = pos;
		lv->l3_name = h->name;
	}
	c->pos += n;
	return wft_odp_parse_header(c, h, img);
}

/*
 * A mask that says nothing about a tag matches "no tag" (TCI 0 exactly), as
 * openvswitch.ko does for every flow with a mask: in OVS's text a flow
 * without vlan() is a flow for untagged frames. Printing is driven by the
 * key, so this mask-only nest never shows up in the text.
 */
static void match_untagged(struct wft_odp_image *img, uint16_t nest)
{
	struct wft_odp_slot *s = &img->slot[nest][SLOT_TCI];

	img->nest_mask[nest] = true;
	s->mask[0] = s->mask[1] = 0xff;
	s->len = 2;
	s->in_mask = true;
}

/* Folds one level's eth_type/vlan/encap into weft's VLAN attributes. */
static int fold_level(struct wft_odp_cur *c, struct wft_odp_image *img,
		      unsigned int level, struct level *lv)
{
	uint16_t nest = level ? WEFT_KEY_A_CVLAN : WEFT_KEY_A_VLAN;

	if (!lv->has_vlan && !lv->has_encap) {
		if (lv->has_eth_type) {
			img->slot[WEFT_KEY_A_ETHERTYPE][0] = lv->eth_type;
			img->nest_key[WEFT_KEY_A_ETHERTYPE] = true;
			img->nest_mask[WEFT_KEY_A_ETHERTYPE] = true;
		}
		if (!level)
			match_untagged(img, WEFT_KEY_A_VLAN);
		return 0;
	}
	if (lv->has_l3)
		return wft_odp_fail(c, lv->l3_pos,
				    "%s: must be inside encap() after vlan()",
				    lv->l3_name);
	img->nest_key[nest] = img->nest_mask[nest] = true;
	if (lv->has_eth_type)
		img->slot[nest][SLOT_TPID] = lv->eth_type;
	if (lv->has_vlan)
		img->slot[nest][SLOT_TCI] = lv->tci;
	/* One tag matched as present and nothing said of a second. */
	if (!level && lv->has_vlan && (lv->tci.key[0] & lv->tci.mask[0] &
				       VLAN_CFI >> 8) &&
	    !img->nest_key[WEFT_KEY_A_CVLAN])
		match_untagged(img, WEFT_KEY_A_CVLAN);
	return 0;
}

static int parse_level(struct wft_odp_cur *c, struct wft_odp_image *img,
		       unsigned int level, uint32_t *seen)
{
	struct level lv;
	char end = level ? ')' : '\0';
	int err;

	memset(&lv, 0, sizeof(lv));
	for (;;) {
		wft_odp_skip_space(c);
		if (wft_odp_peek(c) == end)
			break;
		if (!wft_odp_peek(c))
			return wft_odp_fail(c, c->pos,
					    "encap: expected ')' but the text ends");
		err = parse_item(c, img, level, seen, &lv);
		if (err)
			return err;
		err = wft_odp_separator(c, end, "flow");
		if (err < 0)
			return err;
		if (!err)
			break;
	}
	return fold_level(c, img, level, &lv);
}

/* Appends the attribute(s) of header @h in @img to @key and @mask. */
void wft_odp_emit_header(const struct wft_odp_image *img,
			 const struct wft_odp_hdr *h, struct wft_attrbuf *key,
			 struct wft_attrbuf *mask)
{
	const struct wft_odp_slot *s;
	size_t kn = 0, mn = 0;

	if (!h->nest) {
		s = &img->slot[h->attr][0];
		if (s->in_key)
			wft_attr_put(key, h->attr, s->key, s->len);
		if (s->in_mask && mask)
			wft_attr_put(mask, h->attr, s->mask, s->len);
		return;
	}
	if (img->nest_key[h->attr])
		kn = wft_attr_nest_start(key, h->attr);
	if (img->nest_mask[h->attr] && mask)
		mn = wft_attr_nest_start(mask, h->attr);
	for (uint16_t f = 1; f < WFT_ODP_FIELDS; f++) {
		s = &img->slot[h->attr][f];
		if (s->in_key && img->nest_key[h->attr])
			wft_attr_put(key, f, s->key, s->len);
		if (s->in_mask && mask && img->nest_mask[h->attr])
			wft_attr_put(mask, f, s->mask, s->len);
	}
	if (img->nest_key[h->attr])
		wft_attr_nest_end(key, kn);
	if (img->nest_mask[h->attr] && mask)
		wft_attr_nest_end(mask, mn);
}

static void emit_image(const struct wft_odp_image *img, struct wft_attrbuf *key,
		       struct wft_attrbuf *mask)
{
	for (int i = 0; i < N_HDRS; i++) {
		/* tcp_flags shares the TCP nest with tcp, ct_tuple6 the
		 * tuple nest with ct_tuple4. */
		if (i == HDR_TCP_FLAGS || i == HDR_CT_TUPLE6)
			continue;
		if (i == HDR_IN_PORT)
			wft_odp_emit_tunnel(img, key, mask);
		if (i == HDR_ETHERTYPE) {
			wft_odp_emit_header(img, &hdrs[HDR_VLAN], key, mask);
			wft_odp_emit_header(img, &hdrs[HDR_CVLAN], key, mask);
		}
		if (i != HDR_VLAN && i != HDR_CVLAN)
			wft_odp_emit_header(img, &hdrs[i], key, mask);
	}
}

int wft_odp_flow_from_string_ports(const char *s,
				   const struct wft_odp_port_map *ports,
				   struct wft_attrbuf *key,
				   struct wft_attrbuf *mask,
				   struct wft_odp_error *err)
{
	size_t key_len = key->len, mask_len = mask ? mask->len : 0;
	int key_err = key->error, mask_err = mask ? mask->error : 0;
	struct wft_odp_image *img;
	struct wft_odp_cur c;
	uint32_t seen = 0;
	int ret;

	wft_odp_cur_init(&c, s, ports, err);
	img = calloc(1, sizeof(*img));
	if (!img)
		return -ENOMEM;
	ret = parse_level(&c, img, 0, &seen);
	if (!ret)
		emit_image(img, key, mask);
	free(img);
	if (!ret && (key->error || (mask && mask->error)))
		ret = key->error ? key->error : mask->error;
	if (ret) {
		key->len = key_len;
		key->error = key_err;
		if (mask) {
			mask->len = mask_len;
			mask->error = mask_err;
		}
	}
	return ret;
}

int wft_odp_flow_from_string(const char *s, struct wft_attrbuf *key,
			     struct wft_attrbuf *mask,
			     struct wft_odp_error *err)
{
	return wft_odp_flow_from_string_ports(s, NULL, key, mask, err);
}

/* The type of field @f of header attribute @attr, or -1 if unknown. */
static int field_type(uint16_t attr, uint16_t f)
{
	for (int i = 0; i < N_HDRS; i++) {
		if (hdrs[i].attr != attr)
			continue;
		for (int j = 0; j < hdrs[i].n_fields; j++)
			if (hdrs[i].fields[j].attr == f)
				return hdrs[i].fields[j].type;
	}
	return -1;
}

static void decode_value(struct wft_odp_image *img, struct wft_odp_slot *s,
			 int type, const struct wft_odp_attr *a, bool is_mask)
{
	if (type < 0 || a->len != wft_odp_vtype_len((enum wft_odp_vtype)type)) {
		s->bad = true;
		img->bad = true;
		return;
	}
	if (!is_mask && !wft_odp_value_fits((enum wft_odp_vtype)type, a->data)) {
		s->bad = true;
		img->bad = true;
		return;
	}
	s->len = (uint8_t)a->len;
	memcpy(is_mask ? s->mask : s->key, a->data, a->len);
	if (is_mask)
		s->in_mask = true;
	else
		s->in_key = true;
}

/*
 * Fills @img from a key (or, with @is_mask, a mask) in attribute form.
 * Unknown or malformed attributes set img->bad and are otherwise skipped.
 */
void wft_odp_image_decode(struct wft_odp_image *img, const void *attrs,
			  size_t len, bool is_mask)
{
	struct wft_odp_iter it, in;
	struct wft_odp_attr a, f;
	int r, rf;

	wft_odp_iter_init(&it, attrs, len);
	while ((r = wft_odp_iter_next(&it, &a)) > 0) {
		const struct wft_odp_hdr *h = wft_odp_hdr_by_attr(a.type);

		if (a.type == WEFT_KEY_A_TUNNEL) {
			wft_odp_decode_tunnel(img, a.data, a.len, is_mask);
			continue;
		}
		if (!h) {
			img->bad = true;
			continue;
		}
		if (!h->nest) {
			decode_value(img, &img->slot[a.type][0],
				     h->fields[0].type, &a, is_mask);
			if (!img->slot[a.type][0].bad)
				(is_mask ? img->nest_mask : img->nest_key)[a.type] = true;
			continue;
		}
		(is_mask ? img->nest_mask : img->nest_key)[a.type] = true;
		wft_odp_iter_init(&in, a.data, a.len);
		while ((rf = wft_odp_iter_next(&in, &f)) > 0) {
			if (f.type == 0 || f.type >= WFT_ODP_FIELDS) {
				img->bad = true;
				continue;
			}
			decode_value(img, &img->slot[a.type][f.type],
				     field_type(a.type, f.type), &f, is_mask);
		}
		if (rf < 0)
			img->bad = true;
	}
	if (r < 0)
		img->bad = true;
}

/* No mask given: every field of the key is matched exactly. */
void wft_odp_image_exact_mask(struct wft_odp_image *img)
{
	wft_odp_tunnel_exact_mask(img);
	for (int h = 0; h <= WEFT_KEY_A_MAX; h++) {
		img->nest_mask[h] = img->nest_key[h];
		for (int f = 0; f < WFT_ODP_FIELDS; f++) {
			struct wft_odp_slot *s = &img->slot[h][f];

			if (s->in_key) {
				memset(s->mask, 0xff, sizeof(s->mask));
				s->in_mask = true;
			}
		}
	}
}

static void sep(struct wft_strbuf *out, bool *first)
{
	if (!*first)
		wft_strbuf_putc(out, ',');
	*first = false;
}

static const uint8_t zeros[WFT_ODP_VAL_MAX];

/* The mask of a slot that exists: absent from the mask = wildcarded. */
static const uint8_t *slot_mask(const struct wft_odp_slot *s)
{
	return s->in_mask ? s->mask : zeros;
}

static bool slot_shown(const struct wft_odp_slot *s, enum wft_odp_vtype t,
		       bool verbose)
{
	if (s->bad || !(s->in_key || s->in_mask))
		return false;
	/* OVS never prints a wildcarded frag: its parser takes no mask. */
	if (wft_odp_mask_is_zero(slot_mask(s), s->len))
		return verbose && t != WFT_VT_FRAG;
	return true;
}

/*
 * Prints header @h of @img ("name(...)", preceded by ',' unless first).
 * Returns whether anything was printed. A header the key lacks is never
 * printed; an all-wildcarded one only when @verbose (eth() always, as OVS
 * does, since its presence says the packet is Ethernet).
 */
bool wft_odp_format_header(struct wft_strbuf *out, bool *first,
			   const struct wft_odp_image *img,
			   const struct wft_odp_hdr *h, bool verbose,
			   const struct wft_odp_port_map *ports)
{
	size_t start = out->len;
	bool was_first = *first, inner_first = true, any = false;

	if (!img->nest_key[h->attr])
		return false;
	sep(out, first);
	wft_strbuf_printf(out, "%s(", h->name);
	for (int i = 0; i < h->n_fields; i++) {
		const struct wft_odp_field *f = &h->fields[i];
		const struct wft_odp_slot *s = &img->slot[h->attr][f->attr];
		enum wft_odp_vtype t = (enum wft_odp_vtype)f->type;
		bool alias = false;

		/* A second name for a field is read, never printed. */
		for (int j = 0; j < i; j++)
			alias |= h->fields[j].attr == f->attr;
		if (alias || !slot_shown(s, t, verbose))
			continue;
		if (f->name) {
			sep(out, &inner_first);
			wft_strbuf_printf(out, "%s=", f->name);
		}
		/* ovs-dpctl -m prints ct_state as numbers. */
		if (t == WFT_VT_CT_STATE && verbose)
			t = WFT_VT_U32X;
		wft_odp_format_value(out, t, s->key, slot_mask(s), ports);
		any = true;
	}
	if (!any && !(h->nest && verbose && h->fields[0].name) &&
	    !(h->attr == WEFT_KEY_A_ETHERNET && h->fields[0].name)) {
		wft_strbuf_truncate(out, start);
		*first = was_first;
		return false;
	}
	wft_strbuf_putc(out, ')');
	return true;
}

/* ct_tuple6 when the tuple holds IPv6 addresses, else ct_tuple4. */
static const struct wft_odp_hdr *tuple_hdr(struct wft_odp_image *img)
{
	const struct wft_odp_slot *t = img->slot[WEFT_KEY_A_CT_TUPLE];
	bool v4 = false, v6 = false;

	for (int f = WEFT_CT_TUPLE_A_IPV4_SRC; f <= WEFT_CT_TUPLE_A_IPV6_DST;
	     f++) {
		bool in = t[f].in_key || t[f].in_mask;

		if (f <= WEFT_CT_TUPLE_A_IPV4_DST)
			v4 |= in;
		else
			v6 |= in;
	}
	/* Both families in one tuple: what is printed cannot say it. */
	if (v4 && v6)
		img->bad = true;
	return &hdrs[v6 ? HDR_CT_TUPLE6 : HDR_CT_TUPLE4];
}

static void format_tci(struct wft_strbuf *out, const struct wft_odp_slot *s,
		       bool verbose)
{
	uint16_t k = (uint16_t)(s->key[0] << 8 | s->key[1]);
	const uint8_t *mp = slot_mask(s);
	uint16_t m = (uint16_t)(mp[0] << 8 | mp[1]);
	bool first = true;

	if (verbose || (k & 0xfff) || (m & 0xfff)) {
		sep(out, &first);
		wft_strbuf_printf(out, "vid=%u", k & 0xfff);
		if ((m & 0xfff) != 0xfff)
			wft_strbuf_printf(out, "/0x%x", m & 0xfff);
	}
	if (verbose || (k >> 13) || (m >> 13)) {
		sep(out, &first);
		wft_strbuf_printf(out, "pcp=%u", k >> 13);
		if ((m >> 13) != 7)
			wft_strbuf_printf(out, "/0x%x", m >> 13);
	}
	/* The CFI bit defaults to present and matched, as in OVS's parser. */
	if (!(k & VLAN_CFI) || !(m & VLAN_CFI)) {
		sep(out, &first);
		wft_strbuf_printf(out, "cfi=%u", !!(k & VLAN_CFI));
		if (!(m & VLAN_CFI))
			wft_strbuf_puts(out, "/0");
	}
}

static void format_level(struct wft_strbuf *out, bool *first,
			 const struct wft_odp_image *img, unsigned int level,
			 bool verbose, const struct wft_odp_port_map *ports)
{
	uint16_t v = level == 0 ? WEFT_KEY_A_VLAN : WEFT_KEY_A_CVLAN;
	bool tagged = level < 2 && (img->nest_key[v] ||
				    (!level && img->nest_key[WEFT_KEY_A_CVLAN]));
	const struct wft_odp_slot *s;
	bool inner_first = true;

	if (!tagged) {
		for (int i = HDR_ETHERTYPE; i <= HDR_ND; i++)
			wft_odp_format_header(out, first, img, &hdrs[i],
					      verbose, ports);
		return;
	}
	s = &img->slot[v][SLOT_TPID];
	if (img->nest_key[v] && slot_shown(s, WFT_VT_BE16X, verbose)) {
		sep(out, first);
		wft_strbuf_puts(out, "eth_type(");
		wft_odp_format_value(out, WFT_VT_BE16X, s->key, slot_mask(s),
				     NULL);
		wft_strbuf_putc(out, ')');
	}
	s = &img->slot[v][SLOT_TCI];
	if (img->nest_key[v] && slot_shown(s, WFT_VT_TCI, verbose)) {
		sep(out, first);
		wft_strbuf_puts(out, "vlan(");
		format_tci(out, s, verbose);
		wft_strbuf_putc(out, ')');
	}
	sep(out, first);
	wft_strbuf_puts(out, "encap(");
	format_level(out, &inner_first, img, level + 1, verbose, ports);
	wft_strbuf_putc(out, ')');
}

/* Unknown attributes, printed as key<N>(hex) so nothing is hidden. */
static void format_unknown(struct wft_strbuf *out, bool *first,
			   const void *attrs, size_t len)
{
	struct wft_odp_iter it;
	struct wft_odp_attr a;
	int r;

	wft_odp_iter_init(&it, attrs, len);
	while ((r = wft_odp_iter_next(&it, &a)) > 0) {
		if (wft_odp_hdr_by_attr(a.type) || a.type == WEFT_KEY_A_TUNNEL)
			continue;
		sep(out, first);
		wft_strbuf_printf(out, "key%u(", a.type);
		wft_odp_put_hex(out, a.data, a.len);
		wft_strbuf_putc(out, ')');
	}
	if (r < 0) {
		sep(out, first);
		wft_strbuf_printf(out, "***%zu malformed bytes***", it.left);
	}
}

/*
 * weft.ko dumps a ct field only when the key or the mask has it nonzero,
 * so a flow matching ct_state(-trk) comes back with CT_STATE in the mask
 * only: an absent ct field is 0 (a packet no ct action saw), and is
 * printed as such.
 */
static void ct_zero_keys(struct wft_odp_image *img)
{
	for (int i = HDR_CT_STATE; i <= HDR_CT_TUPLE4; i++) {
		uint16_t a = hdrs[i].attr;

		if (!img->nest_mask[a] || img->nest_key[a])
			continue;
		img->nest_key[a] = true;
		for (int f = 0; f < WFT_ODP_FIELDS; f++) {
			struct wft_odp_slot *s = &img->slot[a][f];

			if (s->in_mask && !s->in_key && !s->bad) {
				memset(s->key, 0, sizeof(s->key));
				s->in_key = true;
			}
		}
	}
}

int wft_odp_flow_format_ports(const void *key, size_t key_len,
			      const void *mask, size_t mask_len,
			      const struct wft_odp_port_map *ports,
			      struct wft_strbuf *out, unsigned int flags)
{
	bool verbose = flags & WFT_ODP_VERBOSE, first = true, bad;
	struct wft_odp_image *img = calloc(1, sizeof(*img));

	if (!img)
		return -ENOMEM;
	wft_odp_image_decode(img, key, key_len, false);
	if (mask && mask_len) {
		wft_odp_image_decode(img, mask, mask_len, true);
		ct_zero_keys(img);
	} else {
		wft_odp_image_exact_mask(img);
	}
	for (int i = HDR_RECIRC; i <= HDR_ETH; i++) {
		const struct wft_odp_hdr *h = &hdrs[i];

		/* Where openvswitch.ko dumps it: after skb_priority. */
		if (i == HDR_IN_PORT)
			wft_odp_format_tunnel(out, &first, img, verbose, false);
		if (i == HDR_CT_TUPLE6)
			continue;
		if (i == HDR_CT_TUPLE4)
			h = tuple_hdr(img);
		wft_odp_format_header(out, &first, img, h, verbose, ports);
	}
	format_level(out, &first, img, 0, verbose, ports);
	format_unknown(out, &first, key, key_len);
	bad = img->bad;
	free(img);
	if (out->error)
		return out->error;
	return bad ? -EINVAL : 0;
}

int wft_odp_flow_format(const void *key, size_t key_len, const void *mask,
			size_t mask_len, struct wft_strbuf *out,
			unsigned int flags)
{
	return wft_odp_flow_format_ports(key, key_len, mask, mask_len, NULL,
					 out, flags);
}
