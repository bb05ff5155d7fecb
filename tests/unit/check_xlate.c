// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for xlate (include/weft/xlate.h):
 *  - table-driven pipelines (rules in ovs-ofctl syntax) run on a packet,
 *    checking the exact datapath actions and megaflow, both as ovs-dpctl
 *    text: resubmit, goto_table, registers, set_field, load, move, VLAN
 *    operations, dec_ttl, clone, output to in_port/flood/all/local/NORMAL;
 *  - controller actions and their userdata; TTL expiry;
 *  - errors: resubmit loops;
 *  - the trace;
 *  - megaflow economy: 1,000 UDP flows differing only in source port, over
 *    an L2/L3 pipeline, need one megaflow;
 *  - the megaflow contract on random pipelines: packets that agree on the
 *    mask get the same actions.
 * The test bridge (xlate_testlib.h) numbers datapath ports as OpenFlow
 * port + 10, so that a missed mapping shows. The key conversion has its
 * own suite, check_odp_flow.c.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/odp.h"
#include "weft/odp_flow.h"
#include "weft/ofp_flow.h"
#include "weft/pipeline.h"
#include "weft/xlate.h"

#include "flow_text.h"
#include "xlate_testlib.h"


/* The pipelines. */
struct xcase {
	const char *name;
	const char *rules[8];
	const char *packet;
	const char *actions;
	const char *megaflow;
};

#define IP4 "in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64"
#define UDP4 "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64," \
	     "tp_src=1000,tp_dst=53"
#define MF_IP "recirc_id(0),in_port(11),eth(),eth_type(0x0800),"

static const struct xcase cases[] = {
	{ "output maps ports",
	  { "in_port=1,actions=output:2" }, IP4, "12",
	  MF_IP "ipv4(frag=no)" },
	{ "a table miss drops",
	  { "in_port=2,actions=output:3" }, IP4, "drop",
	  MF_IP "ipv4(frag=no)" },
	{ "resubmit, goto_table and a register",
	  { "in_port=1,actions=load:0x5->NXM_NX_REG0[],resubmit(,1)",
	    "table=1,reg0=5,ip,nw_dst=10.0.0.0/8,actions=goto_table:2",
	    "table=2,reg0=5,actions=output:3" },
	  IP4, "13", MF_IP "ipv4(dst=10.0.0.0/255.0.0.0,frag=no)" },
	{ "resubmit to another in_port, actions see the real one",
	  { "in_port=1,actions=resubmit(2,1)",
	    "table=1,in_port=2,actions=output:in_port,output:2" },
	  IP4, "11,12", MF_IP "ipv4(frag=no)" },
	{ "set_fields coalesce into one set per header",
	  { "in_port=1,ip,actions=set_field:10.0.0.9->ip_dst,"
	    "mod_nw_src:10.0.0.8,mod_dl_dst:00:00:00:00:00:09,output:2" },
	  IP4, "set(eth(dst=00:00:00:00:00:09)),"
	  "set(ipv4(src=10.0.0.8,dst=10.0.0.9)),12", MF_IP "ipv4(frag=no)" },
	{ "a partial write is a masked set",
	  { "in_port=1,ip,actions=load:0xab->NXM_OF_IP_SRC[0..7],"
	    "mod_nw_ecn:2,output:2" },
	  IP4, "set(ipv4(src=0.0.0.171/0.0.0.255,tos=0x2/0x3)),12",
	  MF_IP "ipv4(frag=no)" },
	{ "a rewrite of a known value is skipped",
	  { "in_port=1,ip,actions=mod_nw_dst:1.1.1.1,output:2,"
	    "mod_nw_dst:1.1.1.1,output:3,mod_nw_dst:2.2.2.2,output:4" },
	  IP4, "set(ipv4(dst=1.1.1.1)),12,13,set(ipv4(dst=2.2.2.2)),14",
	  MF_IP "ipv4(frag=no)" },
	{ "transport set reads the protocol",
	  { "in_port=1,udp,actions=mod_tp_dst:5353,output:2" },
	  UDP4, "set(udp(dst=5353)),12", MF_IP "ipv4(proto=17,frag=no)" },
	{ "move reads its source",
	  { "in_port=1,udp,actions=move:NXM_OF_UDP_SRC[]->NXM_OF_UDP_DST[],"
	    "output:2" },
	  UDP4, "set(udp(dst=1000)),12",
	  MF_IP "ipv4(proto=17,frag=no),udp(src=1000)" },
	{ "a lookup on a rewritten field does not match the packet on it",
	  { "in_port=1,ip,actions=mod_nw_dst:10.9.9.9,resubmit(,1)",
	    "table=1,ip,nw_dst=10.9.9.9,actions=output:2",
	    "table=1,ip,nw_dst=10.0.0.2,actions=output:3" },
	  IP4, "set(ipv4(dst=10.9.9.9)),12", MF_IP "ipv4(frag=no)" },
	{ "mod_vlan_vid tags an untagged packet",
	  { "in_port=1,actions=mod_vlan_vid:10,output:2" },
	  IP4, "push_vlan(vid=10,pcp=0),12", MF_IP "ipv4(frag=no)" },
	{ "strip_vlan, and the tag is matched",
	  { "in_port=1,actions=output:3,strip_vlan,output:2" },
	  "in_port=1,dl_vlan=7,ip", "13,pop_vlan,12",
	  "recirc_id(0),in_port(11),eth(),eth_type(0x8100),vlan(vid=7,pcp=0),"
	  "encap(eth_type(0x0800),ipv4(frag=no))" },
	{ "push_vlan with set_field vlan_vid, then back to untagged",
	  { "in_port=1,actions=push_vlan:0x8100,set_field:4106->vlan_vid,"
	    "output:2,strip_vlan,output:3" },
	  IP4, "push_vlan(vid=10,pcp=0),12,pop_vlan,13",
	  MF_IP "ipv4(frag=no)" },
	{ "a changed VID is pop and push",
	  { "in_port=1,actions=mod_vlan_vid:8,output:2" },
	  "in_port=1,dl_vlan=7,ip", "pop_vlan,push_vlan(vid=8,pcp=0),12",
	  "recirc_id(0),in_port(11),eth(),eth_type(0x8100),vlan(vid=7,pcp=0),"
	  "encap(eth_type(0x0800),ipv4(frag=no))" },
	{ "802.1ad outside a tag",
	  { "in_port=1,actions=push_vlan:0x88a8,set_field:4099->vlan_vid,"
	    "output:2" },
	  "in_port=1,dl_vlan=7,ip", "push_vlan(tpid=0x88a8,vid=3,pcp=0),12",
	  "recirc_id(0),in_port(11),eth(),eth_type(0x8100),vlan(vid=7,pcp=0),"
	  "encap(eth_type(0x0800),ipv4(frag=no))" },
	{ "dec_ttl reads and sets the TTL",
	  { "in_port=1,ip,actions=dec_ttl,output:2" },
	  IP4, "set(ipv4(ttl=63)),12", MF_IP "ipv4(ttl=64,frag=no)" },
	{ "an echo request made a reply: weft.ko sets the icmp type",
	  { "in_port=1,icmp,icmp_type=8,actions=set_field:0->icmp_type,"
	    "output:2" },
	  IP4 ",nw_proto=1,icmp_type=8,icmp_code=0", "set(icmp(type=0)),12",
	  MF_IP "ipv4(proto=1,frag=no),icmp(type=8)" },
	{ "and the icmpv6 type",
	  { "in_port=1,icmp6,icmpv6_type=128,actions=set_field:129->icmpv6_type,"
	    "output:2" },
	  "in_port=1,icmp6,ipv6_src=fd00::1,ipv6_dst=fd00::2,nw_ttl=64,"
	  "icmp_type=128,icmp_code=0", "set(icmpv6(type=129)),12",
	  "recirc_id(0),in_port(11),eth(),eth_type(0x86dd),"
	  "ipv6(proto=58,frag=no),icmpv6(type=128)" },
	{ "clone isolates its changes",
	  { "in_port=1,actions=clone(mod_dl_src:00:00:00:00:00:01,output:2),"
	    "output:3" },
	  IP4, "clone(set(eth(src=00:00:00:00:00:01)),12),13",
	  MF_IP "ipv4(frag=no)" },
	{ "a clone that changes nothing runs in line",
	  { "in_port=1,actions=clone(output:2),clone(),output:3" },
	  IP4, "12,13", MF_IP "ipv4(frag=no)" },
	{ "output to the input port needs in_port",
	  { "in_port=1,actions=output:1,in_port,local" },
	  IP4, "11,0", MF_IP "ipv4(frag=no)" },
	{ "flood skips the input port and no-flood ports",
	  { "in_port=1,actions=flood" }, IP4, "12,13,14",
	  MF_IP "ipv4(frag=no)" },
	{ "all skips only the input port",
	  { "in_port=1,actions=all" }, IP4, "12,13,14,15",
	  MF_IP "ipv4(frag=no)" },
	{ "NORMAL without a hook floods",
	  { "in_port=1,actions=normal" }, IP4, "12,13,14",
	  MF_IP "ipv4(frag=no)" },
	{ "output to a register",
	  { "in_port=1,actions=load:0x3->NXM_NX_REG1[0..15],"
	    "output:NXM_NX_REG1[0..15]" },
	  IP4, "13", MF_IP "ipv4(frag=no)" },
	{ "port rules: a miss reads only the port bits that tell",
	  { "in_port=1,tcp,tp_dst=80,actions=output:2",
	    "in_port=1,tcp,tp_dst=443,actions=output:3" },
	  "in_port=1,tcp,tp_src=999,tp_dst=12345", "drop",
	  MF_IP "ipv4(proto=6,frag=no),tcp(dst=8192/0xe000)" },
	{ "check_pkt_larger: the rest of the list in both branches",
	  { "in_port=1,actions=mod_dl_src:00:00:00:00:00:01,"
	    "check_pkt_larger(1514)->reg9[1],resubmit(,1)",
	    "table=1,reg9=0x2/0x2,ip,nw_dst=10.0.0.2,actions=output:2",
	    "table=1,reg9=0/0x2,ip,nw_src=10.0.0.1,actions=output:3" },
	  IP4, "set(eth(src=00:00:00:00:00:01)),"
	  "check_pkt_len(size=1514,gt(12),le(13))",
	  MF_IP "ipv4(src=10.0.0.1,dst=10.0.0.2,frag=no)" },
	{ "check_pkt_larger: a branch's changes stay in it",
	  { "in_port=1,ip,actions=check_pkt_larger(100)->reg0[0],"
	    "resubmit(,1)",
	    "table=1,reg0=1,ip,actions=mod_nw_dst:10.9.9.9,output:2",
	    "table=1,reg0=0,actions=output:3" },
	  IP4, "check_pkt_len(size=100,gt(set(ipv4(dst=10.9.9.9)),12),"
	  "le(13))", MF_IP "ipv4(frag=no)" },
	{ "check_pkt_larger: the resubmits that led to it go on after it",
	  { "in_port=1,actions=resubmit(,1),output:4",
	    "table=1,actions=check_pkt_larger(200)->reg1[31],resubmit(,2),"
	    "output:5",
	    "table=2,reg1=0x80000000/0x80000000,actions=output:2",
	    "table=2,actions=output:3" },
	  IP4, "check_pkt_len(size=200,gt(12,15),le(13,15)),14",
	  MF_IP "ipv4(frag=no)" },
	{ "check_pkt_larger of a header bit the packet lacks writes nothing",
	  { "in_port=1,actions=check_pkt_larger(64)->ip_src[0],output:2" },
	  "in_port=1,arp", "check_pkt_len(size=64,gt(12),le(12))",
	  "recirc_id(0),in_port(11),eth(),eth_type(0x0806)" },
	{ "a prefix miss reads a few address bits",
	  { "priority=20,in_port=1,ip,nw_dst=192.168.0.0/16,actions=output:2",
	    "priority=10,in_port=1,ip,actions=output:3" },
	  IP4, "13", MF_IP "ipv4(dst=0.0.0.0/128.0.0.0,frag=no)" },
};

START_TEST(test_pipelines)
{
	const struct xcase *c = &cases[_i];
	struct run r;

	run_init(&r, c->rules);
	run_xlate(&r, c->packet);
	ck_assert_msg(!r.out.error, "%s: %s", c->name, r.out.errmsg);
	ck_assert_msg(!strcmp(wft_strbuf_cstr(&r.acts), c->actions),
		      "%s: actions %s, want %s", c->name,
		      wft_strbuf_cstr(&r.acts), c->actions);
	ck_assert_msg(!strcmp(wft_strbuf_cstr(&r.mf), c->megaflow),
		      "%s: megaflow %s, want %s", c->name,
		      wft_strbuf_cstr(&r.mf), c->megaflow);
	run_free(&r);
}
END_TEST

/* The userspace action of a controller action, parsed back. */
static void first_userdata(const struct wft_attrbuf *acts,
			   struct wft_packet_in_md *md)
{
	const struct nlattr *a = (const struct nlattr *)acts->data;
	const struct nlattr *u;

	ck_assert_uint_ge(acts->len, NLA_HDRLEN);
	ck_assert_uint_eq(a->nla_type & NLA_TYPE_MASK, WEFT_ACTION_A_USERSPACE);
	u = (const struct nlattr *)((const uint8_t *)a + NLA_HDRLEN);
	ck_assert_uint_eq(u->nla_type & NLA_TYPE_MASK,
			  WEFT_USERSPACE_A_USERDATA);
	ck_assert_int_eq(wft_xlate_userdata_parse((const uint8_t *)u +
						  NLA_HDRLEN,
						  u->nla_len - NLA_HDRLEN, md),
			 0);
}

START_TEST(test_controller)
{
	static const char *const rules[] = {
		"in_port=1,actions=load:0x2a->NXM_NX_REG14[],"
		"load:0x7->OXM_OF_METADATA[],resubmit(,3)",
		"table=3,cookie=0x55,ip,actions=mod_nw_dst:10.1.1.1,"
		"controller(reason=no_match,max_len=128,id=4,userdata=01.02.03)",
		NULL,
	};
	struct wft_packet_in_md md;
	struct run r;

	run_init(&r, rules);
	run_xlate(&r, IP4);
	ck_assert_msg(!r.out.error, "%s", r.out.errmsg);
	ck_assert(r.out.has_userspace);
	/* The packet is committed first, then sent up. */
	ck_assert_msg(!strncmp(wft_strbuf_cstr(&r.acts),
			       "set(ipv4(dst=10.1.1.1)),userspace(", 34),
		      "%s", wft_strbuf_cstr(&r.acts));
	/* Skip the set to reach the userspace action. */
	{
		const struct nlattr *a = (const struct nlattr *)r.out.actions.data;
		struct wft_attrbuf rest = r.out.actions;

		rest.data += NLA_ALIGN(a->nla_len);
		rest.len -= NLA_ALIGN(a->nla_len);
		first_userdata(&rest, &md);
	}
	ck_assert_uint_eq(md.reason, WFT_PACKET_IN_NO_MATCH);
	ck_assert_uint_eq(md.max_len, 128);
	ck_assert_uint_eq(md.controller_id, 4);
	ck_assert_uint_eq(md.table_id, 3);
	ck_assert_uint_eq(md.cookie, 0x55);
	ck_assert_uint_eq(md.metadata, 7);
	ck_assert_uint_eq(md.in_port, 1);
	ck_assert_uint_eq(md.regs[14], 0x2a);
	ck_assert_uint_eq(md.userdata_len, 3);
	ck_assert(!memcmp(md.userdata, "\x01\x02\x03", 3));
	run_free(&r);
}
END_TEST

START_TEST(test_ttl_expiry)
{
	static const char *const rules[] = {
		"in_port=1,actions=resubmit(,1),output:3",
		"table=1,ip,actions=dec_ttl,output:2",
		NULL,
	};
	struct wft_packet_in_md md;
	struct run r;

	run_init(&r, rules);
	run_xlate(&r, "in_port=1,ip,nw_ttl=1");
	/* The controller gets it, table 1's list ends, table 0's goes on. */
	first_userdata(&r.out.actions, &md);
	ck_assert_uint_eq(md.reason, WFT_PACKET_IN_INVALID_TTL);
	ck_assert_uint_eq(md.table_id, 1);
	ck_assert_msg(strstr(wft_strbuf_cstr(&r.acts), ")),13") &&
		      !strstr(wft_strbuf_cstr(&r.acts), ",12"), "%s",
		      wft_strbuf_cstr(&r.acts));
	ck_assert_str_eq(wft_strbuf_cstr(&r.mf),
			 MF_IP "ipv4(ttl=1,frag=no)");
	run_free(&r);
}
END_TEST

static const struct {
	const char *rules[5];
	const char *packet;
	int error;
} error_cases[] = {
	{ { "actions=resubmit(,0)" }, IP4, -ELOOP },
	{ { "actions=resubmit(,1)", "table=1,actions=resubmit(,0)" }, IP4,
	  -ELOOP },
	{ { "actions=output:2,resubmit(,1),resubmit(,1)",
	    "table=1,actions=resubmit(,2),resubmit(,2)",
	    "table=2,actions=resubmit(,3),resubmit(,3)",
	    "table=3,actions=resubmit(,1),resubmit(,1)" }, IP4, -ELOOP },
	/* check_pkt_larger nested deeper than the datapath's lists go:
	 * refused, not guessed. */
	{ { "actions=check_pkt_larger(100)->reg0[0],"
	    "check_pkt_larger(200)->reg0[1],check_pkt_larger(300)->reg0[2],"
	    "check_pkt_larger(400)->reg0[3],check_pkt_larger(500)->reg0[4],"
	    "output:2" }, IP4, -ELOOP },
	/* The datapath refusing a set (-EOPNOTSUPP) needs a field OpenFlow
	 * may write and weft.ko may not: icmp type and code were the last
	 * ones. */
};

START_TEST(test_errors)
{
	struct run r;

	run_init(&r, error_cases[_i].rules);
	run_xlate(&r, error_cases[_i].packet);
	ck_assert_int_eq(r.out.error, error_cases[_i].error);
	ck_assert(r.out.errmsg[0]);
	/* A failed translation drops. */
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "drop");
	run_free(&r);
}
END_TEST

START_TEST(test_trace)
{
	static const char *const rules[] = {
		"in_port=1,actions=resubmit(,1),resubmit(,2)",
		"table=1,ip,actions=output:2",
		NULL,
	};
	const struct wft_trace_entry *e;
	struct run r;

	run_init(&r, rules);
	r.in.trace = true;
	run_xlate(&r, IP4);
	ck_assert_uint_eq(r.out.trace.n, 3);
	e = r.out.trace.entries;
	ck_assert_int_eq(e[0].kind, WFT_TRACE_LOOKUP);
	ck_assert_uint_eq(e[0].table, 0);
	ck_assert_uint_eq(e[0].depth, 0);
	ck_assert_ptr_nonnull(e[0].rule);
	ck_assert_uint_eq(e[1].table, 1);
	ck_assert_uint_eq(e[1].depth, 1);
	ck_assert_ptr_nonnull(e[1].rule);
	ck_assert_uint_eq(e[2].table, 2);
	ck_assert_ptr_null(e[2].rule);		/* a miss */
	ck_assert_uint_eq(r.out.rules.n, 2);	/* rules hit, for stats */
	run_free(&r);
}
END_TEST

/* check_pkt_larger in a trace: a note per branch, then that branch's
 * lookups; the rules of both are credited with the flow's stats. */
START_TEST(test_trace_check_pkt_larger)
{
	static const char *const rules[] = {
		"in_port=1,actions=check_pkt_larger(1500)->reg9[1],"
		"resubmit(,1)",
		"table=1,reg9=0x2/0x2,actions=output:2",
		"table=1,reg9=0/0x2,actions=output:3",
		NULL,
	};
	const struct wft_trace_entry *e;
	struct run r;

	run_init(&r, rules);
	r.in.trace = true;
	run_xlate(&r, IP4);
	ck_assert_uint_eq(r.out.trace.n, 5);
	e = r.out.trace.entries;
	ck_assert_int_eq(e[1].kind, WFT_TRACE_NOTE);
	ck_assert_str_eq(e[1].text, "check_pkt_larger(1500): longer than "
			 "1500 bytes, reg9[1] = 1");
	ck_assert_uint_eq(e[2].table, 1);
	ck_assert_ptr_nonnull(e[2].rule);
	ck_assert_int_eq(e[3].kind, WFT_TRACE_NOTE);
	ck_assert_str_eq(e[3].text, "check_pkt_larger(1500): at most 1500 "
			 "bytes, reg9[1] = 0");
	ck_assert_ptr_nonnull(e[4].rule);
	ck_assert_ptr_ne(e[2].rule, e[4].rule);
	ck_assert_uint_eq(r.out.rules.n, 3);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts),
			 "check_pkt_len(size=1500,gt(12),le(13))");
	run_free(&r);
}
END_TEST

/* Stats: each packet takes one branch, so a rule both branches hit is
 * credited once a packet, a rule one branch hits twice twice. */
START_TEST(test_check_pkt_larger_rules)
{
	static const char *const rules[] = {
		"in_port=1,actions=check_pkt_larger(1500)->reg9[1],"
		"resubmit(,1)",
		"table=1,reg9=0x2/0x2,actions=resubmit(,2),resubmit(,2)",
		"table=1,reg9=0/0x2,actions=resubmit(,2),resubmit(,3)",
		"table=2,actions=output:2",
		"table=3,actions=output:3",
		NULL,
	};
	const struct wft_rule_list *l;
	struct wft_rule *t2 = NULL;
	size_t i, n2 = 0;
	struct run r;

	run_init(&r, rules);
	run_xlate(&r, IP4);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts),
			 "check_pkt_len(size=1500,gt(12,12),le(12,13))");
	/* table 0, table 1's two rules, table 2's twice, table 3's. */
	l = &r.out.rules;
	ck_assert_uint_eq(l->n, 6);
	for (i = 0; i < l->n; i++)
		if (l->rules[i]->table_id == 2) {
			ck_assert(!t2 || t2 == l->rules[i]);
			t2 = l->rules[i];
			n2++;
		}
	ck_assert_uint_eq(n2, 2);
	run_free(&r);
}
END_TEST

/* A NORMAL hook that outputs to port 4 tagged with VLAN 9. */
static void test_normal(struct wft_xlate_ctx *ctx, void *aux)
{
	wft_xlate_wc(ctx)->masks.dl_dst[0] = 0xff;
	wft_xlate_output_vlan(ctx, 4, 9);
	wft_xlate_output(ctx, 3);
}

START_TEST(test_normal_hook)
{
	static const char *const rules[] = { "actions=normal", NULL };
	struct wft_xlate_bridge br = bridge;
	struct run r;

	run_init(&r, rules);
	br.normal = test_normal;
	r.in.bridge = &br;
	run_xlate(&r, IP4);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts),
			 "push_vlan(vid=9,pcp=0),14,pop_vlan,13");
	ck_assert_str_eq(wft_strbuf_cstr(&r.mf),
			 "recirc_id(0),in_port(11),eth(dst=00:00:00:00:00:00/"
			 "ff:00:00:00:00:00),eth_type(0x0800),ipv4(frag=no)");
	run_free(&r);
}
END_TEST

/*
 * The case: 1,000 UDP flows that differ only in their source port,
 * through an OVN-like L2/L3 pipeline, and a datapath in miniature that
 * installs a megaflow per miss: one megaflow.
 */
START_TEST(test_source_ports_one_megaflow)
{
	static const char *const rules[] = {
		"priority=100,in_port=1,actions=load:0x1->OXM_OF_METADATA[],"
		"load:0x1->NXM_NX_REG14[],resubmit(,8)",
		"table=8,priority=50,metadata=0x1,dl_dst=00:00:00:00:00:02,"
		"actions=resubmit(,10)",
		"table=8,priority=50,metadata=0x1,dl_dst=00:00:00:00:00:03,"
		"actions=drop",
		"table=10,priority=100,ip,metadata=0x1,nw_dst=10.0.0.0/24,"
		"actions=dec_ttl,mod_dl_src:00:00:00:00:00:aa,resubmit(,11)",
		"table=10,priority=90,ip,metadata=0x1,nw_src=192.168.0.0/16,"
		"actions=drop",
		"table=11,priority=10,reg14=0x1,actions=output:2",
		NULL,
	};
	struct wft_flow keys[8], pkt;
	struct wft_flow_wc masks[8];
	size_t n = 0, i, j;
	struct run r;

	run_init(&r, rules);
	packet("in_port=1,dl_dst=00:00:00:00:00:02,udp,nw_src=10.1.0.1,"
	       "nw_dst=10.0.0.7,nw_ttl=64,tp_dst=53", &pkt);
	for (i = 0; i < 1000; i++) {
		pkt.tp_src = htons((uint16_t)(20000 + i));
		for (j = 0; j < n; j++)
			if (wft_flow_equal_except(&keys[j], &pkt, &masks[j]))
				break;
		if (j < n)
			continue;
		ck_assert_uint_lt(n, 8);
		wft_xlate_out_uninit(&r.out);
		wft_xlate_out_init(&r.out);
		r.in.flow = pkt;
		wft_xlate(&r.in, &r.out);
		ck_assert_int_eq(r.out.error, 0);
		masks[n] = r.out.wc;
		wft_odp_flow_widen(&pkt, &masks[n]);
		keys[n] = pkt;
		wft_flow_zero_wildcards(&keys[n], &masks[n]);
		n++;
	}
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(masks[0].masks.tp_src, 0);
	run_free(&r);
}
END_TEST

/*
 * The megaflow contract on random pipelines: every packet that agrees with
 * a translated one on the megaflow mask gets exactly the same datapath
 * actions. Pipelines of four tables mix matches on ports, registers, VLANs,
 * prefixes and ports with rewrites, moves, VLAN operations, dec_ttl,
 * clones, controller actions and resubmits.
 */
static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

#define PICK(a) (a)[rnd() % (sizeof(a) / sizeof((a)[0]))]

static const char *const protos[] = { "", "ip", "udp", "tcp", "ip", "udp" };

static const char *const any_matches[] = {
	"", "in_port=1", "in_port=2", "reg0=1", "reg0=2", "reg1=0x10/0xf0",
	"dl_vlan=5", "vlan_tci=0/0x1000", "dl_dst=00:00:00:00:00:02",
	"metadata=0x1",
};
static const char *const ip_matches[] = {
	"nw_dst=10.0.0.0/24", "nw_dst=10.0.1.0/24", "nw_dst=10.0.0.2",
	"nw_src=10.0.0.0/16", "nw_src=192.168.1.0/24", "nw_ttl=1",
	"nw_tos=16",
};
static const char *const l4_matches[] = {
	"tp_dst=53", "tp_dst=80", "tp_src=1000", "tp_dst=0x1000/0xf000",
};
static const char *const any_actions[] = {
	"output:2", "output:3", "output:in_port", "flood", "local",
	"load:0x1->NXM_NX_REG0[]", "load:0x2->NXM_NX_REG0[]",
	"load:0x13->NXM_NX_REG1[]", "load:0x1->OXM_OF_METADATA[]",
	"mod_dl_src:00:00:00:00:00:aa", "mod_dl_dst:00:00:00:00:00:02",
	"mod_vlan_vid:9", "strip_vlan", "push_vlan:0x8100", "mod_vlan_pcp:3",
	"move:NXM_OF_ETH_SRC[0..15]->NXM_NX_REG1[0..15]",
	"move:NXM_NX_REG0[0..2]->NXM_NX_REG2[0..2]",
	"output:NXM_NX_REG2[0..2]", "controller", "clone(output:4)",
	"clone(mod_dl_dst:00:00:00:00:00:bb,output:4)", "dec_ttl",
};
static const char *const ip_actions[] = {
	"mod_nw_dst:10.0.0.9", "mod_nw_src:10.0.1.1", "mod_nw_tos:32",
	"mod_nw_ecn:1", "move:NXM_OF_IP_SRC[0..7]->NXM_NX_REG0[0..7]",
	"move:NXM_NX_REG1[0..7]->NXM_OF_IP_DST[0..7]", "dec_ttl",
	"load:0x7->NXM_OF_IP_DST[24..31]",
};
static const char *const l4_actions[] = {
	"mod_tp_dst:5353", "mod_tp_src:7",
	"move:NXM_NX_REG0[0..15]->NXM_OF_TCP_DST[]",
};

static void append(char *buf, size_t size, const char *sep, const char *s)
{
	if (*s)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", sep, s);
}

static void random_rule(char *buf, size_t size, int table)
{
	const char *proto = PICK(protos);
	bool ip = *proto, l4 = ip && strcmp(proto, "ip");
	int i, n;

	snprintf(buf, size, "table=%d,priority=%u", table, rnd() % 50);
	append(buf, size, ",", proto);
	append(buf, size, ",", PICK(any_matches));
	if (ip && rnd() % 2)
		append(buf, size, ",", PICK(ip_matches));
	if (l4 && rnd() % 3 == 0)
		append(buf, size, ",",
		       !strcmp(proto, "tcp") || rnd() % 2 ? PICK(l4_matches)
							  : "tp_dst=53");
	if (!strcmp(proto, "udp") && strstr(buf, "tp_"))
		/* move into TCP_DST needs tcp: keep udp rules off it. */
		l4 = false;
	append(buf, size, ",", "actions=");
	n = 1 + (int)(rnd() % 5);
	for (i = 0; i < n; i++) {
		unsigned int k = rnd() % 10;
		const char *a = k < 6 || !ip ? PICK(any_actions) :
				k < 9 || !l4 ? PICK(ip_actions) :
				PICK(l4_actions);

		if (strstr(a, "TCP_DST") && strcmp(proto, "tcp"))
			a = "output:3";
		append(buf, size, i ? "," : "", a);
		if (table < 3 && rnd() % 4 == 0) {
			char r[32];

			snprintf(r, sizeof(r), "resubmit(,%u)",
				 table + 1 + rnd() % (3 - table));
			append(buf, size, ",", r);
		}
	}
}

static void random_packet(struct wft_flow *f)
{
	static const char *const l3[] = { "ip", "udp", "tcp", "arp", "ipv6" };
	char buf[256];

	snprintf(buf, sizeof(buf), "in_port=%u,dl_dst=00:00:00:00:00:0%u,%s",
		 1 + rnd() % 3, 1 + rnd() % 3, PICK(l3));
	if (rnd() % 3 == 0)
		append(buf, sizeof(buf), ",", "dl_vlan=5");
	if (strstr(buf, "ip") && !strstr(buf, "ipv6")) {
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 ",nw_src=%s.%u,nw_dst=10.0.%u.%u,nw_ttl=%u,nw_tos=%u",
			 rnd() % 2 ? "10.0.0" : "192.168.1", rnd() % 4,
			 rnd() % 2, 1 + rnd() % 3, rnd() % 3 ? 64 : 1 + rnd() % 2,
			 rnd() % 2 ? 16 : 0);
	}
	if (strstr(buf, "udp") || strstr(buf, "tcp"))
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 ",tp_src=%u,tp_dst=%u", rnd() % 2 ? 1000 : rnd() % 65536,
			 rnd() % 2 ? 53 : rnd() % 65536);
	packet(buf, f);
	f->dl_src[5] = (uint8_t)rnd();
}

/* @q takes @p's value wherever @wc has bits. */
static void blend(struct wft_flow *q, const struct wft_flow *p,
		  const struct wft_flow_wc *wc)
{
	uint8_t *d = (uint8_t *)q;
	const uint8_t *s = (const uint8_t *)p, *m = (const uint8_t *)&wc->masks;
	size_t i;

	for (i = 0; i < sizeof(*q); i++)
		d[i] = (uint8_t)((s[i] & m[i]) | (d[i] & ~m[i]));
}

START_TEST(test_random_megaflow_contract)
{
	struct run r, r2;
	char rule[512];
	int i, k;

	rng_state = 0x1234567ULL * (uint64_t)(_i + 1);
	run_init(&r, NULL);
	for (i = 0; i < 24; i++) {
		random_rule(rule, sizeof(rule), i % 4);
		add_rule(r.p, rule);
	}
	run_init(&r2, NULL);
	r2.in.pipeline = r.p;
	for (i = 0; i < 150; i++) {
		wft_xlate_out_uninit(&r.out);
		wft_xlate_out_init(&r.out);
		random_packet(&r.in.flow);
		wft_xlate(&r.in, &r.out);
		for (k = 0; k < 3; k++) {
			wft_xlate_out_uninit(&r2.out);
			wft_xlate_out_init(&r2.out);
			random_packet(&r2.in.flow);
			blend(&r2.in.flow, &r.in.flow, &r.out.wc);
			wft_xlate(&r2.in, &r2.out);
			ck_assert_int_eq(r2.out.error, r.out.error);
			ck_assert_msg(r2.out.actions.len == r.out.actions.len &&
				      (!r.out.actions.len ||
				       !memcmp(r2.out.actions.data,
					       r.out.actions.data,
					       r.out.actions.len)),
				      "pipeline %d packet %d: actions differ "
				      "inside one megaflow", _i, i);
		}
	}
	wft_pipeline_destroy(r2.p);
	r2.p = r.p;
	run_free(&r);
	wft_xlate_out_uninit(&r2.out);
	wft_strbuf_free(&r2.acts);
	wft_strbuf_free(&r2.mf);
}
END_TEST

static Suite *xlate_suite(void)
{
	Suite *s = suite_create("xlate");
	TCase *tc;

	tc = tcase_create("pipelines");
	tcase_add_loop_test(tc, test_pipelines, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_normal_hook);
	suite_add_tcase(s, tc);

	tc = tcase_create("controller");
	tcase_add_test(tc, test_controller);
	tcase_add_test(tc, test_ttl_expiry);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_errors, 0,
			    sizeof(error_cases) / sizeof(error_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("trace");
	tcase_add_test(tc, test_trace);
	tcase_add_test(tc, test_trace_check_pkt_larger);
	tcase_add_test(tc, test_check_pkt_larger_rules);
	suite_add_tcase(s, tc);

	tc = tcase_create("megaflows");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_source_ports_one_megaflow);
	tcase_add_loop_test(tc, test_random_megaflow_contract, 0, 30);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(xlate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
