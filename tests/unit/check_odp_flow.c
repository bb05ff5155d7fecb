// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the flow <-> datapath key conversion
 * (include/weft/odp_flow.h): upcall keys to flows and back through a port
 * map, malformed keys, and the mask widening the datapath's prerequisite
 * rules need.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/odp.h"
#include "weft/odp_flow.h"

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

static Suite *odp_flow_suite(void)
{
	Suite *s = suite_create("odp_flow");
	TCase *tc;

	tc = tcase_create("keys");
	tcase_add_loop_test(tc, test_key_roundtrip, 0,
			    sizeof(keys) / sizeof(keys[0]));
	tcase_add_test(tc, test_key_errors);
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
