// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the ovs-dpctl text codec (include/weft/odp.h):
 *  - a corpus of flows and action lists in canonical text, each of which
 *    must survive text -> attributes -> text unchanged;
 *  - the attribute form of a few flows, checked byte by byte where the
 *    module's contract lives (VLAN folding, masks, masked set);
 *  - bad input: every case names the offending token and its position;
 *  - random mutations of the corpus (seeded, WEFT_FUZZ_SEED overrides) that
 *    must never crash, and that when accepted must print stably;
 *  - random corruption of attributes handed to the formatters.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/odp.h"

#include "odp_corpus.h"

/* Helpers. */

struct parsed {
	struct wft_attrbuf key, mask;
	struct wft_strbuf text;
	struct wft_odp_error err;
	int ret;
};

static void parsed_init(struct parsed *p)
{
	memset(p, 0, sizeof(*p));
	wft_attrbuf_init(&p->key);
	wft_attrbuf_init(&p->mask);
	wft_strbuf_init(&p->text);
}

static void parsed_free(struct parsed *p)
{
	wft_attrbuf_free(&p->key);
	wft_attrbuf_free(&p->mask);
	wft_strbuf_free(&p->text);
}

/* Parses and formats; returns the parse result (format must succeed). */
static int flow_rt(const char *s, struct parsed *p, unsigned int flags)
{
	p->ret = wft_odp_flow_from_string(s, &p->key, &p->mask, &p->err);
	if (p->ret)
		return p->ret;
	ck_assert_int_eq(wft_odp_flow_format(p->key.data, p->key.len,
					     p->mask.data, p->mask.len,
					     &p->text, flags), 0);
	return 0;
}

static int acts_rt(const char *s, struct parsed *p)
{
	p->ret = wft_odp_actions_from_string(s, &p->key, &p->err);
	if (p->ret)
		return p->ret;
	ck_assert_int_eq(wft_odp_actions_format(p->key.data, p->key.len,
						&p->text, 0), 0);
	return 0;
}

/* Round trips. */

static void flow_corpus_one(const char *f)
{
	struct parsed p, q;

	parsed_init(&p);
	parsed_init(&q);
	ck_assert_msg(flow_rt(f, &p, 0) == 0, "%s: %s", f, p.err.msg);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), f);
	/* And again from what was printed. */
	ck_assert_int_eq(flow_rt(wft_strbuf_cstr(&p.text), &q, 0), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&q.text), f);
	ck_assert_uint_eq(p.key.len, q.key.len);
	ck_assert(!p.key.len || !memcmp(p.key.data, q.key.data, p.key.len));
	ck_assert_uint_eq(p.mask.len, q.mask.len);
	ck_assert(!p.mask.len ||
		  !memcmp(p.mask.data, q.mask.data, p.mask.len));
	parsed_free(&p);
	parsed_free(&q);
}

START_TEST(test_flow_corpus)
{
	flow_corpus_one(flows[_i]);
}
END_TEST

START_TEST(test_ct_flow_corpus)
{
	flow_corpus_one(ct_flows[_i]);
}
END_TEST

/* The -m form parses back to itself. */
static void flow_verbose_one(const char *f)
{
	struct parsed p, q;

	parsed_init(&p);
	parsed_init(&q);
	ck_assert_int_eq(flow_rt(f, &p, WFT_ODP_VERBOSE), 0);
	ck_assert_msg(flow_rt(wft_strbuf_cstr(&p.text), &q, WFT_ODP_VERBOSE)
		      == 0, "%s: %s", wft_strbuf_cstr(&p.text), q.err.msg);
	ck_assert_str_eq(wft_strbuf_cstr(&q.text), wft_strbuf_cstr(&p.text));
	parsed_free(&p);
	parsed_free(&q);
}

START_TEST(test_flow_corpus_verbose)
{
	flow_verbose_one(flows[_i]);
}
END_TEST

START_TEST(test_ct_flow_corpus_verbose)
{
	flow_verbose_one(ct_flows[_i]);
}
END_TEST

static void flow_canonical_one(const char *in, const char *out)
{
	struct parsed p;

	parsed_init(&p);
	ck_assert_msg(flow_rt(in, &p, 0) == 0, "%s: %s", in, p.err.msg);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), out);
	parsed_free(&p);
}

START_TEST(test_flow_canonical)
{
	flow_canonical_one(flows_canon[_i].in, flows_canon[_i].out);
}
END_TEST

START_TEST(test_ct_flow_canonical)
{
	flow_canonical_one(ct_flows_canon[_i].in, ct_flows_canon[_i].out);
}
END_TEST

static void acts_corpus_one(const char *a)
{
	struct parsed p, q;

	parsed_init(&p);
	parsed_init(&q);
	ck_assert_msg(acts_rt(a, &p) == 0, "%s: %s", a, p.err.msg);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), a);
	ck_assert_int_eq(acts_rt(wft_strbuf_cstr(&p.text), &q), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&q.text), a);
	ck_assert_uint_eq(p.key.len, q.key.len);
	ck_assert(!p.key.len || !memcmp(p.key.data, q.key.data, p.key.len));
	parsed_free(&p);
	parsed_free(&q);
}

START_TEST(test_acts_corpus)
{
	acts_corpus_one(acts[_i]);
}
END_TEST

START_TEST(test_ct_acts_corpus)
{
	acts_corpus_one(ct_acts[_i]);
}
END_TEST

static void acts_canonical_one(const char *in, const char *out)
{
	struct parsed p;

	parsed_init(&p);
	ck_assert_msg(acts_rt(in, &p) == 0, "%s: %s", in, p.err.msg);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), out);
	parsed_free(&p);
}

START_TEST(test_acts_canonical)
{
	acts_canonical_one(acts_canon[_i].in, acts_canon[_i].out);
}
END_TEST

START_TEST(test_ct_acts_canonical)
{
	acts_canonical_one(ct_acts_canon[_i].in, ct_acts_canon[_i].out);
}
END_TEST

/* Bad input. */

static void check_bad(const struct bad *b, bool is_flow)
{
	struct parsed p;
	size_t klen;

	parsed_init(&p);
	/* Something already in the buffers must survive a failed parse. */
	wft_attr_put_u32(&p.key, 99, 0xdeadbeef);
	wft_attr_put_u32(&p.mask, 99, 0xdeadbeef);
	klen = p.key.len;
	if (is_flow)
		p.ret = wft_odp_flow_from_string(b->s, &p.key, &p.mask, &p.err);
	else
		p.ret = wft_odp_actions_from_string(b->s, &p.key, &p.err);
	ck_assert_msg(p.ret == -EINVAL, "\"%s\" was accepted", b->s);
	ck_assert_msg(strstr(p.err.msg, b->msg) != NULL,
		      "\"%s\": message \"%s\" lacks \"%s\"", b->s, p.err.msg,
		      b->msg);
	ck_assert_msg(p.err.pos == b->pos, "\"%s\": position %zu, not %zu (%s)",
		      b->s, p.err.pos, b->pos, p.err.msg);
	ck_assert(strstr(p.err.msg, "at position") != NULL);
	ck_assert_uint_eq(p.key.len, klen);
	ck_assert_uint_eq(p.mask.len, klen);
	parsed_free(&p);
}

START_TEST(test_flow_errors)
{
	check_bad(&bad_flows[_i], true);
}
END_TEST

START_TEST(test_acts_errors)
{
	check_bad(&bad_acts[_i], false);
}
END_TEST

START_TEST(test_ct_flow_errors)
{
	check_bad(&ct_bad_flows[_i], true);
}
END_TEST

START_TEST(test_ct_acts_errors)
{
	check_bad(&ct_bad_acts[_i], false);
}
END_TEST

START_TEST(test_acts_too_deep)
{
	char s[512] = "";
	struct parsed p;

	for (int i = 0; i < 40; i++)
		strcat(s, "clone(");
	strcat(s, "1");
	for (int i = 0; i < 40; i++)
		strcat(s, ")");
	parsed_init(&p);
	ck_assert_int_eq(acts_rt(s, &p), -EINVAL);
	ck_assert(strstr(p.err.msg, "nested too deeply") != NULL);
	parsed_free(&p);
}
END_TEST

START_TEST(test_null_error)
{
	struct wft_attrbuf k, m;

	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	ck_assert_int_eq(wft_odp_flow_from_string("bogus", &k, &m, NULL),
			 -EINVAL);
	ck_assert_int_eq(wft_odp_actions_from_string("bogus", &k, NULL),
			 -EINVAL);
	/* No mask buffer: only the key is produced. */
	ck_assert_int_eq(wft_odp_flow_from_string("in_port(1)", &k, NULL,
						  NULL), 0);
	ck_assert_uint_eq(k.len, 8);
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
}
END_TEST

/* Attribute form. */

/* The payload of attribute @type in @p (NULL if absent), nested types too. */
static const uint8_t *find(const void *p, size_t len, uint16_t type,
			   size_t *alen, uint16_t *raw_type)
{
	const uint8_t *b = p;
	size_t off = 0;

	while (off + NLA_HDRLEN <= len) {
		struct nlattr nla;

		memcpy(&nla, b + off, sizeof(nla));
		ck_assert(nla.nla_len >= NLA_HDRLEN && off + nla.nla_len <= len);
		if ((nla.nla_type & NLA_TYPE_MASK) == type) {
			*alen = nla.nla_len - NLA_HDRLEN;
			if (raw_type)
				*raw_type = nla.nla_type;
			return b + off + NLA_HDRLEN;
		}
		off += NLA_ALIGN(nla.nla_len);
	}
	return NULL;
}

/* Follows a path of attribute types; returns the payload of the last. */
static const uint8_t *path(const struct wft_attrbuf *b, size_t *len, int n,
			   const uint16_t *types)
{
	const uint8_t *p = b->data;
	size_t l = b->len;

	for (int i = 0; i < n; i++) {
		p = find(p, l, types[i], &l, NULL);
		if (!p)
			return NULL;
	}
	*len = l;
	return p;
}

#define PATH(b, lenp, ...) path(b, lenp, \
	sizeof((uint16_t[]){ __VA_ARGS__ }) / sizeof(uint16_t), \
	(uint16_t[]){ __VA_ARGS__ })

static uint16_t be16_at(const struct wft_attrbuf *b, int n,
			const uint16_t *types)
{
	size_t len;
	const uint8_t *p = path(b, &len, n, types);
	uint16_t v;

	ck_assert_msg(p && len == 2, "missing be16 attribute");
	memcpy(&v, p, 2);
	return ntohs(v);
}

static uint32_t u32_at(const struct wft_attrbuf *b, int n,
		       const uint16_t *types)
{
	size_t len;
	const uint8_t *p = path(b, &len, n, types);
	uint32_t v;

	ck_assert_msg(p && len == 4, "missing u32 attribute");
	memcpy(&v, p, 4);
	return v;
}

#define BE16(b, ...) be16_at(b, sizeof((uint16_t[]){ __VA_ARGS__ }) / 2, \
	(uint16_t[]){ __VA_ARGS__ })
#define U32(b, ...) u32_at(b, sizeof((uint16_t[]){ __VA_ARGS__ }) / 2, \
	(uint16_t[]){ __VA_ARGS__ })

START_TEST(test_attr_vlan)
{
	struct parsed p;
	size_t len;

	parsed_init(&p);
	ck_assert_int_eq(flow_rt("in_port(1),eth(),eth_type(0x8100),"
				 "vlan(vid=10,pcp=3),encap(eth_type(0x0800),"
				 "ipv4(src=1.2.3.4))", &p, 0), 0);
	ck_assert_uint_eq(U32(&p.key, WEFT_KEY_A_IN_PORT), 1);
	ck_assert_uint_eq(U32(&p.mask, WEFT_KEY_A_IN_PORT), 0xffffffff);
	ck_assert(PATH(&p.key, &len, WEFT_KEY_A_ETHERNET) && len == 0);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_VLAN, WEFT_VLAN_A_TPID),
			  0x8100);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_VLAN, WEFT_VLAN_A_TCI),
			  0x1000 | 10 | 3 << 13);
	ck_assert_uint_eq(BE16(&p.mask, WEFT_KEY_A_VLAN, WEFT_VLAN_A_TPID),
			  0xffff);
	ck_assert_uint_eq(BE16(&p.mask, WEFT_KEY_A_VLAN, WEFT_VLAN_A_TCI),
			  0xffff);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_ETHERTYPE), 0x0800);
	ck_assert(!PATH(&p.key, &len, WEFT_KEY_A_CVLAN));
	/* Nothing said of a second tag: there is none (as openvswitch.ko). */
	ck_assert_uint_eq(BE16(&p.mask, WEFT_KEY_A_CVLAN, WEFT_VLAN_A_TCI),
			  0xffff);
	ck_assert(!PATH(&p.mask, &len, WEFT_KEY_A_CVLAN, WEFT_VLAN_A_TPID));
	ck_assert(PATH(&p.key, &len, WEFT_KEY_A_IPV4, WEFT_IPV4_A_SRC));
	ck_assert(!PATH(&p.key, &len, WEFT_KEY_A_IPV4, WEFT_IPV4_A_DST));
	ck_assert(!PATH(&p.mask, &len, WEFT_KEY_A_IPV4, WEFT_IPV4_A_TTL));
	parsed_free(&p);

	/* No vlan(): untagged frames only, in the mask alone. */
	parsed_init(&p);
	ck_assert_int_eq(flow_rt("in_port(1),eth(),eth_type(0x0800)", &p, 0), 0);
	ck_assert(!PATH(&p.key, &len, WEFT_KEY_A_VLAN));
	ck_assert_uint_eq(BE16(&p.mask, WEFT_KEY_A_VLAN, WEFT_VLAN_A_TCI),
			  0xffff);
	ck_assert(!PATH(&p.mask, &len, WEFT_KEY_A_CVLAN));
	ck_assert_str_eq(wft_strbuf_cstr(&p.text),
			 "in_port(1),eth(),eth_type(0x0800)");
	parsed_free(&p);

	/* vlan() alone: any tagged frame (CFI matched, VID/PCP not). */
	parsed_init(&p);
	ck_assert_int_eq(flow_rt("eth_type(0x8100),vlan(),encap()", &p, 0), 0);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_VLAN, WEFT_VLAN_A_TCI),
			  0x1000);
	ck_assert_uint_eq(BE16(&p.mask, WEFT_KEY_A_VLAN, WEFT_VLAN_A_TCI),
			  0x1000);
	ck_assert(!PATH(&p.key, &len, WEFT_KEY_A_ETHERTYPE));
	parsed_free(&p);
}
END_TEST

START_TEST(test_attr_qinq)
{
	struct parsed p;

	parsed_init(&p);
	ck_assert_int_eq(flow_rt("eth_type(0x88a8),vlan(vid=100,pcp=0),"
				 "encap(eth_type(0x8100),vlan(vid=10,pcp=0),"
				 "encap(eth_type(0x86dd)))", &p, 0), 0);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_VLAN, WEFT_VLAN_A_TPID),
			  0x88a8);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_VLAN, WEFT_VLAN_A_TCI),
			  0x1000 | 100);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_CVLAN, WEFT_VLAN_A_TPID),
			  0x8100);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_CVLAN, WEFT_VLAN_A_TCI),
			  0x1000 | 10);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_ETHERTYPE), 0x86dd);
	parsed_free(&p);
}
END_TEST

START_TEST(test_attr_masks)
{
	struct parsed p;
	uint16_t raw;
	size_t len;

	parsed_init(&p);
	ck_assert_int_eq(flow_rt("eth(),eth_type(0x86dd),ipv6(label=5,"
				 "src=::1/64),tcp_flags(+syn)", &p, 0), 0);
	ck_assert_uint_eq(ntohl(U32(&p.key, WEFT_KEY_A_IPV6, WEFT_IPV6_A_LABEL)),
			  5);
	ck_assert_uint_eq(ntohl(U32(&p.mask, WEFT_KEY_A_IPV6,
				    WEFT_IPV6_A_LABEL)), 0xfffff);
	ck_assert(PATH(&p.mask, &len, WEFT_KEY_A_IPV6, WEFT_IPV6_A_SRC) &&
		  len == 16);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_TCP, WEFT_TP_A_FLAGS), 2);
	ck_assert_uint_eq(BE16(&p.mask, WEFT_KEY_A_TCP, WEFT_TP_A_FLAGS), 2);
	ck_assert(!PATH(&p.key, &len, WEFT_KEY_A_TCP, WEFT_TP_A_SRC));
	/* Nests carry NLA_F_NESTED, as strict genl validation wants. */
	ck_assert(find(p.key.data, p.key.len, WEFT_KEY_A_IPV6, &len, &raw));
	ck_assert(raw & NLA_F_NESTED);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text),
			 "eth(),eth_type(0x86dd),ipv6(src=::1/ffff:ffff:ffff:ffff::,"
			 "label=0x5),tcp_flags(+syn)");
	/* Without a mask every field of the key is exact. */
	wft_strbuf_reset(&p.text);
	ck_assert_int_eq(wft_odp_flow_format(p.key.data, p.key.len, NULL, 0,
					     &p.text, 0), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text),
			 "eth(),eth_type(0x86dd),ipv6(src=::1,label=0x5),"
			 "tcp_flags(syn)");
	parsed_free(&p);
}
END_TEST

START_TEST(test_attr_actions)
{
	struct parsed p;
	size_t len;

	parsed_init(&p);
	ck_assert_int_eq(acts_rt("set(ipv4(src=1.2.3.4/255.255.255.0,ttl=63)),"
				 "push_vlan(vid=5,pcp=1),drop", &p), 0);
	ck_assert_uint_eq(U32(&p.key, WEFT_ACTION_A_SET, WEFT_SET_A_MASK,
			      WEFT_KEY_A_IPV4, WEFT_IPV4_A_SRC),
			  htonl(0xffffff00));
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_SET, WEFT_SET_A_MASK,
		       WEFT_KEY_A_IPV4, WEFT_IPV4_A_TTL) && len == 1);
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_SET, WEFT_SET_A_KEY,
		       WEFT_KEY_A_IPV4, WEFT_IPV4_A_TTL) && len == 1);
	ck_assert(!PATH(&p.key, &len, WEFT_ACTION_A_SET, WEFT_SET_A_KEY,
			WEFT_KEY_A_IPV4, WEFT_IPV4_A_DST));
	ck_assert_uint_eq(BE16(&p.key, WEFT_ACTION_A_PUSH_VLAN,
			       WEFT_VLAN_A_TCI), 0x1000 | 5 | 1 << 13);
	ck_assert_uint_eq(BE16(&p.key, WEFT_ACTION_A_PUSH_VLAN,
			       WEFT_VLAN_A_TPID), 0x8100);
	ck_assert_uint_eq(U32(&p.key, WEFT_ACTION_A_DROP), 0);
	parsed_free(&p);

	/* A set with every field whole is not a masked set. */
	parsed_init(&p);
	ck_assert_int_eq(acts_rt("set(ipv4(ttl=63))", &p), 0);
	ck_assert(!PATH(&p.key, &len, WEFT_ACTION_A_SET, WEFT_SET_A_MASK));
	parsed_free(&p);

	parsed_init(&p);
	ck_assert_int_eq(acts_rt("sample(sample=50.0%,actions()),"
				 "sample(sample=100.0%,actions(1)),"
				 "clone()", &p), 0);
	ck_assert_uint_eq(U32(&p.key, WEFT_ACTION_A_SAMPLE,
			      WEFT_SAMPLE_A_PROBABILITY), 2147483648u);
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_SAMPLE,
		       WEFT_SAMPLE_A_ACTIONS) && len == 0);
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_CLONE) && len == 0);
	parsed_free(&p);

	parsed_init(&p);
	ck_assert_int_eq(acts_rt("hash(l4(7)),recirc(16),trunc(64),"
				 "check_pkt_len(size=100,gt(1),le(drop))", &p), 0);
	ck_assert_uint_eq(U32(&p.key, WEFT_ACTION_A_HASH, WEFT_HASH_A_ALG),
			  WEFT_HASH_ALG_L4);
	ck_assert_uint_eq(U32(&p.key, WEFT_ACTION_A_HASH, WEFT_HASH_A_BASIS),
			  7);
	ck_assert_uint_eq(U32(&p.key, WEFT_ACTION_A_RECIRC), 16);
	ck_assert_uint_eq(U32(&p.key, WEFT_ACTION_A_TRUNC), 64);
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_CHECK_PKT_LEN,
		       WEFT_CHECK_PKT_LEN_A_PKT_LEN) && len == 2);
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_CHECK_PKT_LEN,
		       WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL) && len == 0);
	parsed_free(&p);
}
END_TEST

/* Attributes the formatters do not know are shown, and reported. */
START_TEST(test_attr_unknown)
{
	struct wft_attrbuf b;
	struct wft_strbuf s;
	size_t n;

	wft_attrbuf_init(&b);
	wft_strbuf_init(&s);
	wft_attr_put_u32(&b, WEFT_KEY_A_IN_PORT, 3);
	wft_attr_put_u16(&b, 200, 0x1234);
	ck_assert_int_eq(wft_odp_flow_format(b.data, b.len, NULL, 0, &s, 0),
			 -EINVAL);
	ck_assert_str_eq(wft_strbuf_cstr(&s), "in_port(3),key200(3412)");

	/* A field of the wrong size. */
	wft_attrbuf_reset(&b);
	wft_strbuf_reset(&s);
	n = wft_attr_nest_start(&b, WEFT_KEY_A_IPV4);
	wft_attr_put_u16(&b, WEFT_IPV4_A_SRC, 1);
	wft_attr_nest_end(&b, n);
	ck_assert_int_eq(wft_odp_flow_format(b.data, b.len, NULL, 0, &s, 0),
			 -EINVAL);

	wft_attrbuf_reset(&b);
	wft_strbuf_reset(&s);
	wft_attr_put_u32(&b, WEFT_ACTION_A_OUTPUT, 2);
	wft_attr_put_u32(&b, 99, 1);
	wft_attr_put_u16(&b, WEFT_ACTION_A_OUTPUT, 1);
	ck_assert_int_eq(wft_odp_actions_format(b.data, b.len, &s, 0), -EINVAL);
	ck_assert_str_eq(wft_strbuf_cstr(&s), "2,action99(01000000),action1(0100)");

	/* Truncated buffers. */
	wft_strbuf_reset(&s);
	ck_assert_int_eq(wft_odp_actions_format(b.data, b.len - 2, &s, 0),
			 -EINVAL);
	wft_strbuf_reset(&s);
	ck_assert_int_eq(wft_odp_actions_format(NULL, 0, &s, 0), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&s), "drop");
	wft_attrbuf_free(&b);
	wft_strbuf_free(&s);
}
END_TEST

static const char *port_name(void *aux, uint32_t port)
{
	(void)aux;
	return port == 1 ? "p1" : port == 7 ? "br-int" : NULL;
}

static int port_number(void *aux, const char *name, uint32_t *port)
{
	(void)aux;
	if (!strcmp(name, "p1"))
		*port = 1;
	else if (!strcmp(name, "br-int"))
		*port = 7;
	else
		return -ENOENT;
	return 0;
}

START_TEST(test_port_names)
{
	const struct wft_odp_port_map map = { port_name, port_number, NULL };
	struct parsed p;

	parsed_init(&p);
	ck_assert_int_eq(wft_odp_flow_from_string_ports("in_port(br-int),eth()",
			 &map, &p.key, &p.mask, &p.err), 0);
	ck_assert_uint_eq(U32(&p.key, WEFT_KEY_A_IN_PORT), 7);
	ck_assert_int_eq(wft_odp_flow_format_ports(p.key.data, p.key.len,
			 p.mask.data, p.mask.len, &map, &p.text, 0), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), "in_port(br-int),eth()");
	ck_assert_int_eq(wft_odp_flow_from_string_ports("in_port(p2)", &map,
			 &p.key, &p.mask, &p.err), -EINVAL);
	ck_assert(strstr(p.err.msg, "in_port: bad value \"p2\"") != NULL);
	parsed_free(&p);

	parsed_init(&p);
	ck_assert_int_eq(wft_odp_actions_from_string_ports("p1,3,br-int",
			 &map, &p.key, &p.err), 0);
	ck_assert_int_eq(wft_odp_actions_format_ports(p.key.data, p.key.len,
			 &map, &p.text, 0), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), "p1,3,br-int");
	ck_assert_int_eq(wft_odp_actions_from_string_ports("p2", &map,
			 &p.key, &p.err), -EINVAL);
	ck_assert(strstr(p.err.msg, "unknown action or port \"p2\"") != NULL);
	parsed_free(&p);
}
END_TEST

static void add_attr_tests(TCase *tc)
{
	tcase_add_test(tc, test_attr_vlan);
	tcase_add_test(tc, test_attr_qinq);
	tcase_add_test(tc, test_attr_masks);
	tcase_add_test(tc, test_attr_actions);
	tcase_add_test(tc, test_attr_unknown);
	tcase_add_test(tc, test_port_names);
}

/* Conntrack in attribute form: where the module's contract lives. */

START_TEST(test_attr_ct_key)
{
	struct parsed p;
	uint32_t words[4];
	uint16_t zone;
	size_t len;
	const uint8_t *a;

	parsed_init(&p);
	ck_assert_int_eq(flow_rt("in_port(1),ct_state(+est+trk),ct_zone(0x102),"
				 "ct_mark(0x5/0xff),ct_label(0x1000000020000000"
				 "3/0xffffffff0000000000000000ffffffff),"
				 "ct_tuple4(src=10.0.0.1,proto=6,tp_dst=80),"
				 "eth()", &p, 0), 0);
	/* u32 flags in host order, the enum weft_ct_state bits. */
	ck_assert_uint_eq(U32(&p.key, WEFT_KEY_A_CT_STATE),
			  WEFT_CS_ESTABLISHED | WEFT_CS_TRACKED);
	ck_assert_uint_eq(U32(&p.mask, WEFT_KEY_A_CT_STATE),
			  WEFT_CS_ESTABLISHED | WEFT_CS_TRACKED);
	a = PATH(&p.key, &len, WEFT_KEY_A_CT_ZONE);
	ck_assert(a && len == 2);
	memcpy(&zone, a, 2);
	ck_assert_uint_eq(zone, 0x102);
	ck_assert_uint_eq(U32(&p.key, WEFT_KEY_A_CT_MARK), 5);
	ck_assert_uint_eq(U32(&p.mask, WEFT_KEY_A_CT_MARK), 0xff);
	/* The label as u32[4], word 0 the lowest 32 bits. */
	a = PATH(&p.key, &len, WEFT_KEY_A_CT_LABELS);
	ck_assert(a && len == WEFT_CT_LABELS_LEN);
	memcpy(words, a, 16);
	ck_assert_uint_eq(words[0], 3);
	ck_assert_uint_eq(words[1], 2);
	ck_assert_uint_eq(words[2], 1);
	ck_assert_uint_eq(words[3], 0);
	a = PATH(&p.mask, &len, WEFT_KEY_A_CT_LABELS);
	ck_assert(a && len == WEFT_CT_LABELS_LEN);
	memcpy(words, a, 16);
	ck_assert_uint_eq(words[0], 0xffffffff);
	ck_assert_uint_eq(words[1], 0);
	ck_assert_uint_eq(words[3], 0xffffffff);
	ck_assert_uint_eq(ntohl(U32(&p.key, WEFT_KEY_A_CT_TUPLE,
				    WEFT_CT_TUPLE_A_IPV4_SRC)), 0x0a000001);
	ck_assert_uint_eq(BE16(&p.key, WEFT_KEY_A_CT_TUPLE,
			       WEFT_CT_TUPLE_A_TP_DST), 80);
	ck_assert(PATH(&p.key, &len, WEFT_KEY_A_CT_TUPLE,
		       WEFT_CT_TUPLE_A_PROTO) && len == 1);
	ck_assert(!PATH(&p.key, &len, WEFT_KEY_A_CT_TUPLE,
			WEFT_CT_TUPLE_A_IPV4_DST));
	parsed_free(&p);

	/* Unmasked flags match all 32 bits, as OVS's parser makes them. */
	parsed_init(&p);
	ck_assert_int_eq(flow_rt("ct_state(new|trk)", &p, 0), 0);
	ck_assert_uint_eq(U32(&p.key, WEFT_KEY_A_CT_STATE), 0x21);
	ck_assert_uint_eq(U32(&p.mask, WEFT_KEY_A_CT_STATE), 0xffffffff);
	parsed_free(&p);
}
END_TEST

/* ovs-dpctl -m prints ct_state, ct_zone, ct_label as numbers. */
START_TEST(test_attr_ct_verbose)
{
	struct parsed p;

	parsed_init(&p);
	ck_assert_int_eq(flow_rt("in_port(1),ct_state(+new+trk),ct_zone(0/0),"
				 "ct_label(0/0),eth()", &p, WFT_ODP_VERBOSE), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text),
			 "in_port(1),ct_state(0x21/0x21),ct_zone(0/0),"
			 "ct_label(0/0),eth()");
	parsed_free(&p);
	parsed_init(&p);
	ck_assert_int_eq(flow_rt("ct_state(new|trk)", &p, WFT_ODP_VERBOSE), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), "ct_state(0x21)");
	parsed_free(&p);
}
END_TEST

START_TEST(test_attr_ct_action)
{
	struct weft_ct_labels labels;
	struct weft_ct_mark mark;
	struct parsed p;
	uint16_t v16;
	size_t len;
	const uint8_t *a;

	parsed_init(&p);
	ck_assert_int_eq(acts_rt("ct(commit,zone=7,mark=0x12/0xff,label=0x3/0xf,"
				 "helper=ftp,timeout=tp,nat(src=10.0.0.1-10.0.0.2"
				 ":1000-2000,random)),ct_clear", &p), 0);
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_COMMIT) &&
		  len == 0);
	ck_assert(!PATH(&p.key, &len, WEFT_ACTION_A_CT,
			WEFT_CT_A_FORCE_COMMIT));
	a = PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_ZONE);
	ck_assert(a && len == 2);
	memcpy(&v16, a, 2);
	ck_assert_uint_eq(v16, 7);
	a = PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_MARK);
	ck_assert(a && len == sizeof(mark));
	memcpy(&mark, a, sizeof(mark));
	ck_assert_uint_eq(mark.value, 0x12);
	ck_assert_uint_eq(mark.mask, 0xff);
	a = PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_LABELS);
	ck_assert(a && len == sizeof(labels));
	memcpy(&labels, a, sizeof(labels));
	ck_assert_uint_eq(labels.value[0], 3);	/* little-endian host */
	ck_assert_uint_eq(labels.mask[0], 0xf);
	ck_assert_uint_eq(labels.mask[1], 0);
	a = PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_HELPER);
	ck_assert(a && len == 4 && !memcmp(a, "ftp", 4));
	a = PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_TIMEOUT);
	ck_assert(a && len == 3 && !memcmp(a, "tp", 3));
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_NAT,
		       WEFT_NAT_A_SRC) && len == 0);
	ck_assert_uint_eq(ntohl(U32(&p.key, WEFT_ACTION_A_CT, WEFT_CT_A_NAT,
				    WEFT_NAT_A_IP_MIN)), 0x0a000001);
	ck_assert_uint_eq(ntohl(U32(&p.key, WEFT_ACTION_A_CT, WEFT_CT_A_NAT,
				    WEFT_NAT_A_IP_MAX)), 0x0a000002);
	a = PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_NAT,
		 WEFT_NAT_A_PROTO_MIN);
	ck_assert(a && len == 2);
	memcpy(&v16, a, 2);
	ck_assert_uint_eq(v16, 1000);	/* host order */
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_NAT,
		       WEFT_NAT_A_PROTO_RANDOM) && len == 0);
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_CT_CLEAR) && len == 0);
	parsed_free(&p);

	/* Bare ct: an empty nest; ct(nat): an empty NAT nest. */
	parsed_init(&p);
	ck_assert_int_eq(acts_rt("ct", &p), 0);
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_CT) && len == 0);
	parsed_free(&p);
	parsed_init(&p);
	ck_assert_int_eq(acts_rt("ct(nat)", &p), 0);
	ck_assert(PATH(&p.key, &len, WEFT_ACTION_A_CT, WEFT_CT_A_NAT) &&
		  len == 0);
	parsed_free(&p);
}
END_TEST

/* Malformed ct attributes print raw and make the formatter say so. */
START_TEST(test_attr_ct_malformed)
{
	static const struct { const char *acts; uint16_t type; } cases[] = {
		{ "ct(zone=1)", WEFT_CT_A_ZONE },
		{ "ct(commit,mark=0x1/0x1)", WEFT_CT_A_MARK },
		{ "ct(helper=ftp)", WEFT_CT_A_HELPER },
		{ "ct(nat(src=1.2.3.4))", WEFT_CT_A_NAT },
	};

	for (size_t i = 0; i < N(cases); i++) {
		struct parsed p;
		uint8_t *a;
		size_t len;

		parsed_init(&p);
		ck_assert_int_eq(acts_rt(cases[i].acts, &p), 0);
		a = (uint8_t *)PATH(&p.key, &len, WEFT_ACTION_A_CT,
				    cases[i].type);
		ck_assert(a);
		/* Change the attribute's type to one past the last. */
		memcpy(a - NLA_HDRLEN + 2, &(uint16_t){ WEFT_CT_A_MAX + 1 }, 2);
		wft_strbuf_reset(&p.text);
		ck_assert_int_eq(wft_odp_actions_format(p.key.data, p.key.len,
							&p.text, 0), -EINVAL);
		ck_assert_msg(!strncmp(wft_strbuf_cstr(&p.text), "action", 6),
			      "%s", wft_strbuf_cstr(&p.text));
		parsed_free(&p);
	}
}
END_TEST

/*
 * weft.ko leaves a ct field out of a dumped key when it is 0 and only the
 * mask says something of it: printed with the value 0.
 */
START_TEST(test_attr_ct_mask_only)
{
	static const struct { const char *flow, *key_only; } cases[] = {
		{ "in_port(1),ct_state(-trk),eth()", "in_port(1),eth()" },
		{ "in_port(1),ct_state(0),ct_mark(0/0x1),eth()",
		  "in_port(1),eth()" },
		{ "in_port(1),ct_state(+trk),ct_label(0/0x80000000000000000000000000000000),eth()",
		  "in_port(1),ct_state(+trk),eth()" },
		{ "in_port(1),ct_tuple6(src=::/ffff::,tp_dst=0),eth()",
		  "in_port(1),eth()" },
	};

	for (size_t i = 0; i < N(cases); i++) {
		struct parsed p, k;

		parsed_init(&p);
		parsed_init(&k);
		ck_assert_int_eq(flow_rt(cases[i].flow, &p, 0), 0);
		ck_assert_int_eq(flow_rt(cases[i].key_only, &k, 0), 0);
		wft_strbuf_reset(&p.text);
		ck_assert_int_eq(wft_odp_flow_format(k.key.data, k.key.len,
						     p.mask.data, p.mask.len,
						     &p.text, 0), 0);
		ck_assert_str_eq(wft_strbuf_cstr(&p.text), cases[i].flow);
		parsed_free(&p);
		parsed_free(&k);
	}
}
END_TEST

static void add_ct_attr_tests(TCase *tc)
{
	tcase_add_test(tc, test_attr_ct_mask_only);
	tcase_add_test(tc, test_attr_ct_key);
	tcase_add_test(tc, test_attr_ct_verbose);
	tcase_add_test(tc, test_attr_ct_action);
	tcase_add_test(tc, test_attr_ct_malformed);
}

/* Fuzz: random mutations of the corpus, seeded. */

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: small, good enough, the same everywhere. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static void seed_rng(void)
{
	const char *env = getenv("WEFT_FUZZ_SEED");

	rng_state = env ? strtoull(env, NULL, 0) : 0x5eedf00dULL;
	if (!rng_state)
		rng_state = 1;
}

static const char *corpus_pick(void)
{
	size_t nf = N(flows), na = N(acts), nbf = N(bad_flows);
	size_t i = rnd() % (nf + na + nbf + N(ct_flows) + N(ct_acts));

	if (i >= nf + na + nbf) {
		i -= nf + na + nbf;
		return i < N(ct_flows) ? ct_flows[i] : ct_acts[i - N(ct_flows)];
	}
	if (i < nf)
		return flows[i];
	if (i < nf + na)
		return acts[i - nf];
	return bad_flows[i - nf - na].s;
}

/* Applies 1 to 4 edits: delete, insert, replace, duplicate, cut. */
static void mutate(char *buf, size_t cap)
{
	static const char alphabet[] = "(),=/:.|+-0123456789abcdefx%_ ";
	int edits = 1 + (int)(rnd() % 4);
	size_t len = strlen(buf);

	for (int e = 0; e < edits; e++) {
		size_t at = len ? rnd() % (len + 1) : 0, n;
		char ch = rnd() % 8 ? alphabet[rnd() % (sizeof(alphabet) - 1)]
				    : (char)(1 + rnd() % 255);

		switch (rnd() % 5) {
		case 0:
			if (at < len) {
				memmove(buf + at, buf + at + 1, len - at);
				len--;
			}
			break;
		case 1:
			if (len + 1 < cap) {
				memmove(buf + at + 1, buf + at, len - at + 1);
				buf[at] = ch;
				len++;
			}
			break;
		case 2:
			if (at < len)
				buf[at] = ch;
			break;
		case 3:
			n = at < len ? 1 + rnd() % (len - at) : 0;
			if (n > 32)
				n = 32;
			if (len + n < cap) {
				/* The span now appears twice. */
				memmove(buf + at + n, buf + at, len - at + 1);
				len += n;
			}
			break;
		default:
			buf[at] = '\0';
			len = at;
			break;
		}
	}
}

/* Accepted text must print, and what it prints must parse to itself. */
static void fuzz_one(const char *s, bool is_flow)
{
	struct parsed p, q;
	int ret;

	parsed_init(&p);
	parsed_init(&q);
	ret = is_flow ? flow_rt(s, &p, rnd() % 2 ? WFT_ODP_VERBOSE : 0)
		      : acts_rt(s, &p);
	if (ret) {
		ck_assert_int_eq(ret, -EINVAL);
		ck_assert_msg(p.err.pos <= strlen(s) && p.err.msg[0],
			      "bad error for \"%s\"", s);
	} else {
		ret = is_flow ? flow_rt(wft_strbuf_cstr(&p.text), &q, 0)
			      : acts_rt(wft_strbuf_cstr(&p.text), &q);
		ck_assert_msg(ret == 0, "\"%s\" printed as \"%s\", refused: %s",
			      s, wft_strbuf_cstr(&p.text), q.err.msg);
		if (!is_flow)
			ck_assert_str_eq(wft_strbuf_cstr(&q.text),
					 wft_strbuf_cstr(&p.text));
	}
	parsed_free(&p);
	parsed_free(&q);
}

START_TEST(test_fuzz_text)
{
	char buf[1024];

	seed_rng();
	for (int i = 0; i < 10000; i++) {
		snprintf(buf, sizeof(buf), "%s", corpus_pick());
		mutate(buf, sizeof(buf));
		fuzz_one(buf, true);
		fuzz_one(buf, false);
	}
}
END_TEST

/* Corrupted attributes must not crash the formatters. */
START_TEST(test_fuzz_attrs)
{
	seed_rng();
	for (int i = 0; i < 3000; i++) {
		bool is_flow = rnd() % 2, ct = rnd() % 4 == 0;
		const char *s = is_flow ?
			(ct ? ct_flows[rnd() % N(ct_flows)]
			    : flows[rnd() % N(flows)]) :
			(ct ? ct_acts[rnd() % N(ct_acts)]
			    : acts[rnd() % N(acts)]);
		struct parsed p;
		size_t cut;

		parsed_init(&p);
		ck_assert_int_eq(is_flow ? flow_rt(s, &p, 0) : acts_rt(s, &p), 0);
		if (!p.key.len) {
			parsed_free(&p);
			continue;
		}
		for (int e = 0; e < 1 + (int)(rnd() % 3); e++) {
			p.key.data[rnd() % p.key.len] ^= (uint8_t)(1u << (rnd() % 8));
			if (p.mask.len)
				p.mask.data[rnd() % p.mask.len] = (uint8_t)rnd();
		}
		cut = rnd() % 4 ? p.key.len : rnd() % p.key.len;
		wft_strbuf_reset(&p.text);
		if (is_flow)
			wft_odp_flow_format(p.key.data, cut, p.mask.data,
					    p.mask.len, &p.text,
					    rnd() % 2 ? WFT_ODP_VERBOSE : 0);
		else
			wft_odp_actions_format(p.key.data, cut, &p.text, 0);
		ck_assert(!p.text.error);
		parsed_free(&p);
	}
}
END_TEST

static void add_fuzz_tests(TCase *tc)
{
	tcase_add_test(tc, test_fuzz_text);
	tcase_add_test(tc, test_fuzz_attrs);
}

static Suite *odp_suite(void)
{
	Suite *s = suite_create("odp");
	TCase *tc;

	tc = tcase_create("flow_roundtrip");
	tcase_add_loop_test(tc, test_flow_corpus, 0, N(flows));
	tcase_add_loop_test(tc, test_flow_corpus_verbose, 0, N(flows));
	tcase_add_loop_test(tc, test_flow_canonical, 0, N(flows_canon));
	suite_add_tcase(s, tc);

	tc = tcase_create("actions_roundtrip");
	tcase_add_loop_test(tc, test_acts_corpus, 0, N(acts));
	tcase_add_loop_test(tc, test_acts_canonical, 0, N(acts_canon));
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_flow_errors, 0, N(bad_flows));
	tcase_add_loop_test(tc, test_acts_errors, 0, N(bad_acts));
	tcase_add_test(tc, test_acts_too_deep);
	tcase_add_test(tc, test_null_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("conntrack");
	tcase_add_loop_test(tc, test_ct_flow_corpus, 0, N(ct_flows));
	tcase_add_loop_test(tc, test_ct_flow_corpus_verbose, 0, N(ct_flows));
	tcase_add_loop_test(tc, test_ct_flow_canonical, 0, N(ct_flows_canon));
	tcase_add_loop_test(tc, test_ct_acts_corpus, 0, N(ct_acts));
	tcase_add_loop_test(tc, test_ct_acts_canonical, 0, N(ct_acts_canon));
	tcase_add_loop_test(tc, test_ct_flow_errors, 0, N(ct_bad_flows));
	tcase_add_loop_test(tc, test_ct_acts_errors, 0, N(ct_bad_acts));
	add_ct_attr_tests(tc);
	suite_add_tcase(s, tc);

	tc = tcase_create("attributes");
	add_attr_tests(tc);
	suite_add_tcase(s, tc);

	tc = tcase_create("fuzz");
	tcase_set_timeout(tc, 600);
	add_fuzz_tests(tc);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(odp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
