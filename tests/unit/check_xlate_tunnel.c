// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for tunnels in xlate and odp_flow (issue 5):
 *  - output to a geneve or vxlan port: the set(tunnel(...)) from fixed
 *    options and from the pipeline's tun_* fields ("flow" options), GENEVE
 *    options from tun_metadata through the TLV map, and the megaflow mask:
 *    fields an action wrote are not matched, fields taken from the packet
 *    are;
 *  - receive: a tunnel packet's megaflow matches what OVS's always match
 *    (VNI, endpoints, TOS, DF/CSUM/KEY) and the option bits the pipeline
 *    consulted, its options at their own length;
 *  - the tunnel key read back from a datapath key;
 *  - the tunnel port a received packet belongs to.
 * Port 4 of the test bridge (xlate_testlib.h) is the tunnel port, on
 * datapath port 14.
 */
#include <arpa/inet.h>
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/odp.h"
#include "weft/odp_flow.h"
#include "weft/ofp_flow.h"
#include "weft/pipeline.h"
#include "weft/tlv_map.h"
#include "weft/xlate.h"

#include "xlate_testlib.h"

static struct wft_tlv_map map;
static struct wft_xlate_tunnel tnl;

/* OVN's option as tun_metadata0, and an 8-byte one as tun_metadata1. */
static void setup_map(void)
{
	struct wft_tlv_mapping m[2] = {
		{ 0x0102, 0x80, 4, 0 }, { 0xffff, 0x01, 8, 1 },
	};
	char err[256];

	wft_tlv_map_init(&map);
	ck_assert_msg(!wft_tlv_map_add(&map, m, 2, err, sizeof(err)), "%s",
		      err);
}

/* "geneve remote=flow key=flow", "vxlan remote=192.0.2.9 key=7", ... */
static void setup_tunnel(const char *spec)
{
	char type[16], remote[64], key[32], extra[64] = "";

	ck_assert(sscanf(spec, "%15s %63s %31s %63s", type, remote, key,
			 extra) >= 3);
	memset(&tnl, 0, sizeof(tnl));
	tnl.type = !strcmp(type, "vxlan") ? WFT_TNL_VXLAN : WFT_TNL_GENEVE;
	tnl.remote_flow = !strcmp(remote, "flow");
	if (!tnl.remote_flow) {
		tnl.v6 = strchr(remote, ':') != NULL;
		ck_assert(inet_pton(tnl.v6 ? AF_INET6 : AF_INET, remote,
				    tnl.remote) == 1);
	}
	tnl.key_flow = !strcmp(key, "flow");
	tnl.key = tnl.key_flow ? 0 : strtoull(key, NULL, 0);
	tnl.df = true;
	tnl.csum = !strcmp(extra, "csum");
	tnl.ttl = !strcmp(extra, "ttl=inherit") ? -1 : 0;
	tnl.tos = !strcmp(extra, "tos=inherit") ? -1 : 0;
	tnl.dst_port = tnl.type == WFT_TNL_VXLAN ? 4789 : 6081;
	tnl.tlv = &map;
	ports[4].tunnel = &tnl;
}

struct tcase_out {
	const char *name;
	const char *tunnel;		/* setup_tunnel() spec */
	const char *rules[4];
	const char *packet;
	const char *actions;
	const char *megaflow;
};

#define VM "in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64"
#define MF_VM "recirc_id(0),in_port(11),eth(),eth_type(0x0800),ipv4(frag=no)"

static const struct tcase_out out_cases[] = {
	{ "OVN's table 39: flow remote and key written, option written",
	  "geneve flow flow csum",
	  { "in_port=1,actions=set_field:0x5->tun_id,"
	    "set_field:192.0.2.2->tun_dst,set_field:0x20001->tun_metadata0,"
	    "output:4" },
	  VM,
	  "set(tunnel(tun_id=0x5,dst=192.0.2.2,ttl=64,"
	  "geneve({class=0x102,type=0x80,len=4,0x20001}),"
	  "flags(df|csum|key))),14",
	  MF_VM },
	{ "fixed remote and key, no options",
	  "geneve 192.0.2.9 7",
	  { "in_port=1,actions=output:4" }, VM,
	  "set(tunnel(tun_id=0x7,dst=192.0.2.9,ttl=64,flags(df|key))),14",
	  MF_VM },
	{ "an IPv6 remote",
	  "geneve 2001:db8::9 0x10",
	  { "in_port=1,actions=output:4" }, VM,
	  "set(tunnel(tun_id=0x10,ipv6_dst=2001:db8::9,ttl=64,"
	  "flags(df|key))),14",
	  MF_VM },
	{ "remote=flow over IPv6, from tun_ipv6_dst",
	  "geneve flow 0x20",
	  { "in_port=1,actions=set_field:fd00:70::2->tun_ipv6_dst,output:4" },
	  VM, "set(tunnel(tun_id=0x20,ipv6_dst=fd00:70::2,ttl=64,"
	  "flags(df|key))),14",
	  MF_VM },
	{ "vxlan: 24 bits of key, no options",
	  "vxlan flow flow",
	  { "in_port=1,actions=set_field:0x1234567->tun_id,"
	    "set_field:192.0.2.3->tun_dst,set_field:0x1->tun_metadata0,"
	    "output:4" },
	  VM, "set(tunnel(tun_id=0x234567,dst=192.0.2.3,ttl=64,"
	  "flags(df|key))),14",
	  MF_VM },
	{ "remote=flow with no tun_dst drops",
	  "geneve flow 5", { "in_port=1,actions=output:4" }, VM, "drop",
	  MF_VM },
	{ "inherited TTL reads the inner TTL",
	  "geneve 192.0.2.9 7 ttl=inherit",
	  { "in_port=1,actions=output:4" }, VM,
	  "set(tunnel(tun_id=0x7,dst=192.0.2.9,ttl=64,flags(df|key))),14",
	  "recirc_id(0),in_port(11),eth(),eth_type(0x0800),"
	  "ipv4(ttl=64,frag=no)" },
	{ "two options in index order, the 8-byte one too",
	  "geneve 192.0.2.9 7",
	  { "in_port=1,actions=set_field:0x1122334455667788->tun_metadata1,"
	    "set_field:0x1->tun_metadata0,output:4" },
	  VM,
	  "set(tunnel(tun_id=0x7,dst=192.0.2.9,ttl=64,"
	  "geneve({class=0x102,type=0x80,len=4,0x1}"
	  "{class=0xffff,type=0x1,len=8,0x1122334455667788}),"
	  "flags(df|key))),14",
	  MF_VM },
};

static void run_out(struct run *r, const struct tcase_out *c)
{
	const struct wft_tlv_map *prev;

	setup_map();
	prev = wft_tlv_map_activate(&map);
	run_init(r, c->rules);
	setup_tunnel(c->tunnel);
	run_xlate(r, c->packet);
	wft_tlv_map_activate(prev);
}

START_TEST(test_output)
{
	const struct tcase_out *c = &out_cases[_i];
	struct run r;

	run_out(&r, c);
	ck_assert_msg(!r.out.error, "%s: %s", c->name, r.out.errmsg);
	ck_assert_msg(!strcmp(wft_strbuf_cstr(&r.acts), c->actions),
		      "%s:\n  actions %s\n  want    %s", c->name,
		      wft_strbuf_cstr(&r.acts), c->actions);
	ck_assert_msg(!strcmp(wft_strbuf_cstr(&r.mf), c->megaflow),
		      "%s:\n  megaflow %s\n  want     %s", c->name,
		      wft_strbuf_cstr(&r.mf), c->megaflow);
	run_free(&r);
}
END_TEST

/* A packet that came in on tunnel port 4 with OVN's option 0x20001. */
static void tunnel_packet(struct run *r, const char *fields)
{
	static const uint8_t opt[8] = { 0x01, 0x02, 0x80, 0x01,
					0x00, 0x02, 0x00, 0x01 };
	struct wft_flow *f = &r->in.flow;

	packet(fields, f);
	f->tun_id = htobe64(1);
	f->tun_src = htonl(0xc0000201);		/* 192.0.2.1 */
	f->tun_dst = htonl(0xc000020a);		/* 192.0.2.10 */
	f->tun_ttl = 63;
	f->tun_flags = htons(WFT_TNL_F_KEY | WFT_TNL_F_CSUM | WFT_TNL_F_CRIT);
	f->tun_tp_src = htons(40000);
	f->tun_tp_dst = htons(6081);
	memcpy(f->tun_opts, opt, sizeof(opt));
	f->tun_opts_len = sizeof(opt);
	ck_assert_int_eq(wft_tlv_map_decode(&map, f), 0);
}

static void run_in(struct run *r, const char *const *rules, const char *pkt)
{
	const struct wft_tlv_map *prev;
	struct wft_flow_wc wc;

	setup_map();
	prev = wft_tlv_map_activate(&map);
	run_init(r, rules);
	setup_tunnel("geneve flow flow");
	tunnel_packet(r, pkt);
	wft_xlate(&r->in, &r->out);
	wft_tlv_map_activate(prev);
	ck_assert_msg(!r->out.error, "%s", r->out.errmsg);
	wft_strbuf_reset(&r->acts);
	wft_strbuf_reset(&r->mf);
	ck_assert_int_eq(wft_odp_actions_format(r->out.actions.data,
						r->out.actions.len, &r->acts,
						0), 0);
	wc = r->out.wc;
	wft_tlv_map_mask_opts(&map, &r->in.flow, &wc);
	megaflow_text(&r->in.flow, &wc, &r->mf);
}

START_TEST(test_receive_ovn_table0)
{
	/* OVN's table 0 for a tunnel port: VNI to metadata, the option's
	 * ingress and egress ports to reg14 and reg15. */
	static const char *const rules[] = {
		"priority=100,in_port=4,actions=move:NXM_NX_TUN_ID[0..23]->"
		"OXM_OF_METADATA[0..23],move:NXM_NX_TUN_METADATA0[16..30]->"
		"NXM_NX_REG14[0..14],move:NXM_NX_TUN_METADATA0[0..15]->"
		"NXM_NX_REG15[0..15],resubmit(,40)",
		"table=40,reg15=0x1,metadata=0x1,actions=output:2",
		NULL,
	};
	struct run r;

	run_in(&r, rules, "in_port=4,ip,nw_src=10.0.0.5,nw_dst=10.0.0.6");
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "12");
	/* As OVS: tun_id, endpoints, tos and df/csum/key exact; the option
	 * header exact and its data under the bits read (0x7fffffff); the
	 * TTL and UDP ports not at all. */
	ck_assert_str_eq(wft_strbuf_cstr(&r.mf),
		"recirc_id(0),tunnel(tun_id=0x1,src=192.0.2.1,dst=192.0.2.10,"
		"tos=0,geneve({class=0x102,type=0x80,len=4,0x20001/0x7fffffff}),"
		"flags(-df+csum+key)),in_port(14),eth(),eth_type(0x0800),"
		"ipv4(frag=no)");
	run_free(&r);
}
END_TEST

START_TEST(test_receive_not_consulted)
{
	/* No option consulted: the option's data is wildcarded, its header
	 * (and so its length) is matched. */
	static const char *const rules[] = {
		"in_port=4,actions=output:2", NULL,
	};
	struct run r;

	run_in(&r, rules, "in_port=4,ip");
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "12");
	ck_assert_msg(strstr(wft_strbuf_cstr(&r.mf), "tun_id=0x1,") &&
		      strstr(wft_strbuf_cstr(&r.mf),
			     "geneve({class=0x102,type=0x80,len=4})"),
		      "%s", wft_strbuf_cstr(&r.mf));
	run_free(&r);
}
END_TEST

START_TEST(test_forward_reads_tunnel)
{
	/* Tunnel to tunnel (back out its port) with the key and option
	 * from the packet and a new remote: the option, read, is matched;
	 * the remote, written, is not. */
	struct run r;

	run_in(&r, (const char *const[]){ "in_port=4,actions="
		"set_field:192.0.2.99->tun_dst,in_port", NULL }, "in_port=4,ip");
	ck_assert_msg(strstr(wft_strbuf_cstr(&r.acts),
			     "set(tunnel(tun_id=0x1,dst=192.0.2.99,ttl=64,"
			     "geneve({class=0x102,type=0x80,len=4,0x20001})"),
		      "%s", wft_strbuf_cstr(&r.acts));
	ck_assert_msg(strstr(wft_strbuf_cstr(&r.mf),
			     "geneve({class=0x102,type=0x80,len=4,0x20001})"),
		      "%s", wft_strbuf_cstr(&r.mf));
	ck_assert_msg(!strstr(wft_strbuf_cstr(&r.mf), "192.0.2.99"), "%s",
		      wft_strbuf_cstr(&r.mf));
	run_free(&r);
}
END_TEST

START_TEST(test_unknown_critical)
{
	static const uint8_t crit[8] = { 0x01, 0x03, 0x85, 0x01, 0, 0, 0, 1 };
	struct wft_flow f;

	setup_map();
	memset(&f, 0, sizeof(f));
	memcpy(f.tun_opts, crit, 8);
	f.tun_opts_len = 8;
	ck_assert_int_eq(wft_tlv_map_decode(&map, &f), -EPROTO);
	ck_assert(wft_tlv_map_unknown_crit(&map, &f));
	f.tun_opts[2] = 0x05;	/* not critical: ignored */
	ck_assert_int_eq(wft_tlv_map_decode(&map, &f), 0);
	ck_assert(!wft_tlv_map_unknown_crit(&map, &f));
	f.tun_opts[3] = 0x02;	/* longer than the options: malformed */
	ck_assert_int_eq(wft_tlv_map_decode(&map, &f), -EINVAL);
}
END_TEST

/* The tunnel key of an upcall, read back. */
START_TEST(test_key_round_trip)
{
	struct wft_attrbuf k, m;
	struct wft_flow f, back;
	struct run r;

	setup_map();
	memset(&r, 0, sizeof(r));
	ports_init();
	tunnel_packet(&r, "in_port=4,ip");
	f = r.in.flow;
	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	ck_assert_int_eq(wft_odp_flow_to_key(&f, NULL, &port_map, &k, &m), 0);
	ck_assert_int_eq(wft_odp_key_to_flow(k.data, k.len, &port_map, &back),
			 0);
	ck_assert(back.tun_id == f.tun_id && back.tun_src == f.tun_src &&
		  back.tun_dst == f.tun_dst && back.tun_ttl == f.tun_ttl &&
		  back.tun_flags == f.tun_flags &&
		  back.tun_tp_src == f.tun_tp_src &&
		  back.tun_opts_len == 8 && !memcmp(back.tun_opts, f.tun_opts, 8));
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *tunnel_suite(void)
{
	Suite *s = suite_create("xlate_tunnel");
	TCase *tc;

	tc = tcase_create("output");
	tcase_add_loop_test(tc, test_output, 0, N(out_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("receive");
	tcase_add_test(tc, test_receive_ovn_table0);
	tcase_add_test(tc, test_receive_not_consulted);
	tcase_add_test(tc, test_forward_reads_tunnel);
	tcase_add_test(tc, test_unknown_critical);
	tcase_add_test(tc, test_key_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tunnel_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
