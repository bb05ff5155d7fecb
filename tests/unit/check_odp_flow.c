// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the flow <-> datapath key conversion
 * (include/weft/odp_flow.h): upcall keys to flows and back through a port
 * map, malformed keys, the mask widening the datapath's prerequisite
 * rules need, and the conntrack fields of recirculated packets (keys,
 * masks, the byte order of ct_label).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/odp.h"
#include "weft/odp_flow.h"
#include "uapi/linux/weft.h"

#include "flow_text.h"
#include "xlate_testlib.h"

#define UDP4 "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64," \
	     "tp_src=1000,tp_dst=53"

/* Upcall keys: text -> attributes -> flow -> attributes -> text. */
static const char *const keys[] = {
	"recirc_id(0),dp_hash(0),skb_priority(0),in_port(11),skb_mark(0),"
	"eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),"
	"ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),"
	"udp(src=1000,dst=53)",
	"recirc_id(0),dp_hash(0),skb_priority(0),in_port(12),skb_mark(0x5),"
	"eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x8100),"
	"vlan(vid=10,pcp=3),encap(eth_type(0x86dd),"
	"ipv6(src=2001:db8::1,dst=2001:db8::2,label=0x12345,proto=6,"
	"tclass=0x10,hlimit=9,frag=no),tcp(src=1,dst=2),tcp_flags(syn))",
	"recirc_id(0),dp_hash(0),skb_priority(0),in_port(0),skb_mark(0),"
	"eth(src=00:00:00:00:00:01,dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806),"
	"arp(sip=10.0.0.1,tip=10.0.0.2,op=1,sha=00:00:00:00:00:01,"
	"tha=00:00:00:00:00:00)",
	"recirc_id(0),dp_hash(0),skb_priority(0),in_port(13),skb_mark(0),"
	"eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x86dd),"
	"ipv6(src=fe80::1,dst=ff02::1,label=0,proto=58,tclass=0,hlimit=255,"
	"frag=no),icmpv6(type=135,code=0),nd(target=fe80::2,"
	"sll=00:00:00:00:00:01,tll=00:00:00:00:00:00)",
	"recirc_id(0),dp_hash(0),skb_priority(0),in_port(11),skb_mark(0),"
	"eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x88a8),"
	"vlan(vid=100,pcp=0),encap(eth_type(0x8100),vlan(vid=200,pcp=0),"
	"encap(eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=1,"
	"tos=0,ttl=64,frag=first),icmp(type=8,code=0)))",
	/* Conntrack fields after a recirculation. */
	"recirc_id(0x1),dp_hash(0),skb_priority(0),in_port(11),skb_mark(0),"
	"ct_state(est|trk),ct_zone(0x5),ct_mark(0x7),"
	"ct_label(0x1000000000000000000000002),ct_tuple4(src=10.0.0.1,"
	"dst=10.0.0.2,proto=6,tp_src=1000,tp_dst=80),"
	"eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),"
	"ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),"
	"tcp(src=1000,dst=80),tcp_flags(ack)",
	"recirc_id(0x2),dp_hash(0),skb_priority(0),in_port(12),skb_mark(0),"
	"ct_state(new|rpl|trk|dnat),ct_tuple6(src=2001:db8::1,dst=2001:db8::2,"
	"proto=58,tp_src=128,tp_dst=0),"
	"eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x86dd),"
	"ipv6(src=2001:db8::2,dst=2001:db8::1,label=0,proto=58,tclass=0,"
	"hlimit=64,frag=no),icmpv6(type=129,code=0)",
	/* Seen by conntrack, no entry: +inv+trk and nothing else. */
	"recirc_id(0x3),dp_hash(0),skb_priority(0),in_port(11),skb_mark(0),"
	"ct_state(inv|trk),ct_zone(0xffff),"
	"eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),"
	"ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),"
	"udp(src=1,dst=2)",
};

START_TEST(test_key_roundtrip)
{
	struct wft_attrbuf k, m, k2;
	struct wft_odp_error err;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_flow flow;

	ports_init();
	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	wft_attrbuf_init(&k2);
	ck_assert_msg(!wft_odp_flow_from_string(keys[_i], &k, &m, &err),
		      "%s", err.msg);
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len, &port_map, &flow),
			 0);
	ck_assert_int_eq(wft_odp_flow_to_key(&flow, NULL, &port_map, &k2,
					     NULL), 0);
	ck_assert_int_eq(wft_odp_flow_format(k2.data, k2.len, NULL, 0, &sb, 0),
			 0);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), keys[_i]);
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
	wft_attrbuf_free(&k2);
	wft_strbuf_free(&sb);
}
END_TEST

START_TEST(test_key_errors)
{
	struct wft_attrbuf k, m;
	struct wft_flow flow;
	struct wft_odp_error err;

	ports_init();
	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	/* A port the bridge does not have. */
	ck_assert(!wft_odp_flow_from_string("in_port(99),eth(),eth_type(0x0800)",
					    &k, &m, &err));
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len, &port_map, &flow),
			 -ENOENT);
	/* Truncated attributes. */
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len - 5, NULL, &flow),
			 -EINVAL);
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
}
END_TEST

/* Megaflow masks widened to the datapath's prerequisites. */
static const struct {
	const char *packet;
	const char *mask;	/* wc fields, as value text */
	const char *megaflow;
} widen_cases[] = {
	{ UDP4, "tp_src=0xffff",
	  "in_port(11),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),"
	  "udp(src=1000)" },
	{ UDP4, "nw_dst=255.255.255.0",
	  "in_port(11),eth(),eth_type(0x0800),ipv4(dst=10.0.0.0/"
	  "255.255.255.0)" },
	{ "in_port=1,arp,arp_spa=10.0.0.1", "tp_src=0xffff",
	  "in_port(11),eth(),eth_type(0x0806)" },
	{ "in_port=1,icmp6,icmp_type=136,icmp_code=0,nd_target=fe80::1",
	  "nd_target=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	  "in_port(11),eth(),eth_type(0x86dd),ipv6(proto=58,frag=no),"
	  "icmpv6(type=136),nd(target=fe80::1)" },
	{ "in_port=1,dl_vlan=3,ip", "",
	  "in_port(11),eth(),eth_type(0x8100),vlan(vid=3,pcp=0),encap(eth_type(0x0800))" },
	/* A ct tuple match makes eth_type exact; the tuple has the
	 * addresses of the packet's family. */
	{ UDP4 ",ct_state=0x21,ct_nw_src=10.0.0.9,ct_nw_proto=17",
	  "ct_state=0x20,ct_nw_src=255.255.255.255",
	  "in_port(11),ct_state(+trk),ct_tuple4(src=10.0.0.9),eth(),"
	  "eth_type(0x0800)" },
	{ UDP4 ",ct_zone=7,ct_mark=0x10", "ct_zone=0xffff,ct_mark=0xf0",
	  "in_port(11),ct_zone(0x7),ct_mark(0x10/0xf0),eth(),eth_type(0x0800)" },
	/* The first pass of a stateful pipeline consults ct_state=-trk: an
	 * untracked packet's zero is in the key (weft.ko dumps it back in
	 * the mask only). */
	{ UDP4, "ct_state=0x20",
	  "in_port(11),ct_state(-trk),eth(),eth_type(0x0800)" },
	/* A recirculated pass: the bits the rules looked at, no more. */
	{ UDP4 ",ct_state=0x22", "ct_state=0x23",
	  "in_port(11),ct_state(-new+est+trk),eth(),eth_type(0x0800)" },
	/* ct_state bits the datapath does not define stay out. */
	{ UDP4 ",ct_state=0x20", "ct_state=0xffffffff",
	  "in_port(11),ct_state(-new-est-rel-rpl-inv+trk-snat-dnat),eth(),"
	  "eth_type(0x0800)" },
	{ "in_port=1,tcp6,ct_state=0x20,ct_ipv6_src=fd00::1,ct_nw_proto=6,"
	  "ct_tp_dst=443", "ct_ipv6_src=ffff:ffff::,ct_tp_dst=0xffff",
	  "in_port(11),ct_tuple6(src=fd00::/ffff:ffff::,tp_dst=443),eth(),"
	  "eth_type(0x86dd)" },
	/* A mask on the other family's tuple addresses says nothing. */
	{ UDP4 ",ct_state=0x20,ct_nw_proto=17", "ct_ipv6_src=ffff:ffff::",
	  "in_port(11),eth(),eth_type(0x0800)" },
};

START_TEST(test_widen)
{
	struct wft_flow flow;
	struct wft_flow_wc wc, unused;
	struct wft_strbuf sb = WFT_STRBUF_INIT;

	ports_init();
	packet(widen_cases[_i].packet, &flow);
	wft_flow_wc_init_catchall(&wc);
	ft_match(widen_cases[_i].mask, &wc.masks, &unused, NULL);
	/* What xlate always matches. */
	wc.masks.in_port = UINT32_MAX;
	wc.masks.dl_type = 0xffff;
	megaflow_text(&flow, &wc, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), widen_cases[_i].megaflow);
	wft_strbuf_free(&sb);
}
END_TEST

/*
 * ct_label: weft.ko carries nf_conntrack's u32[4] in host order (word i
 * holds bits 32i..32i+31); struct wft_flow keeps the big-endian number,
 * bit 0 in the last byte, as ct_label=0x... reads in ovs-ofctl.
 */
START_TEST(test_label_order)
{
	static const uint32_t words[4] = { 0x00000001, 0x0000ab00, 0,
					   0x80000000 };
	struct wft_attrbuf k, k2, m2;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_flow flow;
	struct wft_flow_wc wc;
	uint8_t want[16] = { 0 };
	const struct nlattr *a;
	size_t off;
	bool seen = false;

	want[0] = 0x80;		/* bit 127 */
	want[10] = 0xab;	/* bits 40..47 */
	want[15] = 0x01;	/* bit 0 */
	ports_init();
	wft_attrbuf_init(&k);
	wft_attrbuf_init(&k2);
	wft_attrbuf_init(&m2);
	wft_attr_put_u32(&k, WEFT_KEY_A_IN_PORT, 11);
	wft_attr_put(&k, WEFT_KEY_A_CT_LABELS, words, sizeof(words));
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len, &port_map, &flow),
			 0);
	ck_assert_mem_eq(flow.ct_label, want, 16);
	ck_assert_int_eq(wft_odp_flow_format(k.data, k.len, NULL, 0, &sb, 0),
			 0);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), "in_port(11),"
			 "ct_label(0x80000000000000000000ab0000000001)");
	/* Back: the key and a one-bit mask (bit 127) in words again. */
	wft_flow_wc_init_catchall(&wc);
	wc.masks.in_port = UINT32_MAX;
	wc.masks.ct_label[0] = 0x80;
	ck_assert_int_eq(wft_odp_flow_to_key(&flow, &wc, &port_map, &k2, &m2),
			 0);
	for (off = 0; off < m2.len; off += NLA_ALIGN(a->nla_len)) {
		uint32_t got[4];

		a = (const struct nlattr *)(m2.data + off);
		if (a->nla_type != WEFT_KEY_A_CT_LABELS)
			continue;
		ck_assert_int_eq(a->nla_len, NLA_HDRLEN + 16);
		memcpy(got, (const uint8_t *)a + NLA_HDRLEN, 16);
		ck_assert_uint_eq(got[0], 0);
		ck_assert_uint_eq(got[3], 0x80000000);
		seen = true;
	}
	ck_assert(seen);
	wft_strbuf_reset(&sb);
	ck_assert_int_eq(wft_odp_flow_format(k2.data, k2.len, m2.data, m2.len,
					     &sb, 0), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), "in_port(11),ct_label("
			 "0x80000000000000000000000000000000/"
			 "0x80000000000000000000000000000000),eth()");
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&k2);
	wft_attrbuf_free(&m2);
	wft_strbuf_free(&sb);
}
END_TEST

/* A megaflow's ct fields read back (key and mask) into the same flow and
 * mask: what the revalidator and dumps rely on. */
START_TEST(test_ct_mask_roundtrip)
{
	struct wft_flow flow, back, mback;
	struct wft_flow_wc wc;
	struct wft_attrbuf k, m;

	ports_init();
	packet("in_port=2,tcp,ct_state=0x2a,ct_zone=9,"
	       "ct_mark=0x55,ct_nw_src=10.0.0.1,ct_nw_dst=10.0.0.2,"
	       "ct_nw_proto=6,ct_tp_src=1000,ct_tp_dst=80", &flow);
	flow.recirc_id = htonl(7);
	flow.ct_label[3] = 0x42;
	wft_flow_wc_init_catchall(&wc);
	wc.masks.recirc_id = UINT32_MAX;
	wc.masks.in_port = UINT32_MAX;
	wc.masks.ct_state = htonl(0x2b);
	wc.masks.ct_zone = htons(0xffff);
	wc.masks.ct_mark = htonl(0xf0);
	wc.masks.ct_label[3] = 0xff;
	wc.masks.ct_nw_src = htonl(0xffffff00);
	wc.masks.ct_tp_dst = htons(0xffff);
	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	ck_assert_int_eq(wft_odp_flow_to_key(&flow, &wc, &port_map, &k, &m),
			 0);
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len, &port_map, &back),
			 0);
	ck_assert_int_eq(wft_odp_key_to_flow(m.data, m.len, NULL, &mback), 0);
	ck_assert_uint_eq(ntohl(back.ct_state), 0x2a);
	ck_assert_uint_eq(ntohs(back.ct_zone), 9);
	ck_assert_uint_eq(ntohl(back.ct_mark), 0x50);
	ck_assert_uint_eq(back.ct_label[3], 0x42);
	ck_assert_uint_eq(ntohl(back.ct_nw_src), 0x0a000000);
	ck_assert_uint_eq(back.ct_nw_dst, 0);
	ck_assert_uint_eq(ntohs(back.ct_tp_dst), 80);
	ck_assert_uint_eq(ntohl(mback.ct_state), 0x2b);
	ck_assert_uint_eq(ntohs(mback.ct_zone), 0xffff);
	ck_assert_uint_eq(ntohl(mback.ct_mark), 0xf0);
	ck_assert_uint_eq(mback.ct_label[3], 0xff);
	ck_assert_uint_eq(mback.ct_label[2], 0);
	ck_assert_uint_eq(ntohl(mback.ct_nw_src), 0xffffff00);
	ck_assert_uint_eq(mback.ct_nw_dst, 0);
	ck_assert_uint_eq(mback.ct_nw_proto, 0);
	ck_assert_uint_eq(ntohs(mback.ct_tp_dst), 0xffff);
	ck_assert_uint_eq(mback.dl_type, 0xffff);
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
}
END_TEST

/* Malformed ct attributes are refused, not half read. */
START_TEST(test_ct_errors)
{
	static const uint8_t short_label[8];
	struct wft_attrbuf k;
	struct wft_flow flow;
	size_t nest;

	wft_attrbuf_init(&k);
	wft_attr_put_u32(&k, WEFT_KEY_A_CT_ZONE, 5);	/* a u16 */
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len, NULL, &flow),
			 -EINVAL);
	wft_attrbuf_reset(&k);
	wft_attr_put(&k, WEFT_KEY_A_CT_LABELS, short_label,
		     sizeof(short_label));
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len, NULL, &flow),
			 -EINVAL);
	wft_attrbuf_reset(&k);
	nest = wft_attr_nest_start(&k, WEFT_KEY_A_CT_TUPLE);
	wft_attr_put_u32(&k, WEFT_CT_TUPLE_A_PROTO, 6);	/* a u8 */
	wft_attr_nest_end(&k, nest);
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len, NULL, &flow),
			 -EINVAL);
	wft_attrbuf_reset(&k);
	nest = wft_attr_nest_start(&k, WEFT_KEY_A_CT_TUPLE);
	wft_attr_put_u32(&k, WEFT_CT_TUPLE_A_MAX + 1, 6);
	wft_attr_nest_end(&k, nest);
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len, NULL, &flow),
			 -EINVAL);
	wft_attrbuf_free(&k);
}
END_TEST

static Suite *odp_flow_suite(void)
{
	Suite *s = suite_create("odp_flow");
	TCase *tc;

	tc = tcase_create("keys");
	tcase_add_loop_test(tc, test_key_roundtrip, 0,
			    sizeof(keys) / sizeof(keys[0]));
	tcase_add_test(tc, test_key_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("conntrack");
	tcase_add_test(tc, test_label_order);
	tcase_add_test(tc, test_ct_mask_roundtrip);
	tcase_add_test(tc, test_ct_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("widen");
	tcase_add_loop_test(tc, test_widen, 0,
			    sizeof(widen_cases) / sizeof(widen_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(odp_flow_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
