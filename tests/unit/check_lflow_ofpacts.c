// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for translating OVN actions into weft pipeline actions
 * (wft_lflow_actions_to_ofpacts()):
 *  - golden translations of every supported action, printed as weft's
 *    ovs-ofctl-compatible formatter prints them;
 *  - each printed list parses back, with weft's own ovs-ofctl parser,
 *    into the very same actions (where the match-all rule allows it);
 *  - the corpus: every action list northd emitted either translates or
 *    fails with -EOPNOTSUPP naming what is missing (counted, never a
 *    crash), and the translated ones round-trip as above.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow_actions.h"
#include "weft/ofp_flow.h"
#include "weft/group.h"
#include "expr_testenv.h"
#include "lflow_corpus.h"

/* ct_lb's groups, for every translation of this file. */
static struct wft_lflow_groups groups;

/* "ERROR: ..." or the actions; checks the round trip when it can. */
static char *xlate(const char *s, bool egress, uint8_t table, bool is_switch,
		   int *error)
{
	struct wft_lflow_xlate_ctx ctx;
	struct wft_flow match;
	struct wft_flow_wc wc;
	struct wft_ofpacts acts, back;
	struct wft_lacts tree;
	struct wft_strbuf sb;
	char err[256];

	memset(&match, 0, sizeof(match));
	wft_flow_wc_init_catchall(&wc);
	wft_lflow_xlate_ctx_init(&ctx, egress, table, is_switch);
	ctx.port_key = test_port_key;
	ctx.groups = &groups;
	wft_ofpacts_init(&acts);
	wft_strbuf_init(&sb);
	ck_assert_msg(!wft_lflow_actions_parse(s, &tree, err, sizeof(err)),
		      "%s: %s", s, err);
	*error = wft_lflow_actions_to_ofpacts(&tree, &ctx, &acts, err,
					      sizeof(err));
	if (*error) {
		wft_strbuf_printf(&sb, "ERROR: %s", err);
	} else {
		wft_ofp_actions_format(&acts, &match, &wc, &sb);
		wft_ofpacts_init(&back);
		if (!wft_ofp_actions_parse(wft_strbuf_cstr(&sb), &match, &wc,
					   WFT_TABLE_ALL, &back, err,
					   sizeof(err)))
			ck_assert_msg(wft_ofpacts_equal(&acts, &back),
				      "%s: %s does not parse back the same", s,
				      wft_strbuf_cstr(&sb));
		wft_ofpacts_uninit(&back);
	}
	wft_ofpacts_uninit(&acts);
	wft_lacts_free(&tree);
	return wft_strbuf_steal(&sb);
}

static const struct {
	const char *in;
	bool egress;
	uint8_t table;
	bool is_switch;
	const char *out;
} golden[] = {
	{ "next;", false, 4, true, "resubmit(,13)" },
	{ "next;", true, 4, true, "resubmit(,47)" },
	{ "next(pipeline=ingress, table=25);", true, 9, true, "resubmit(,33)" },
	{ "output;", false, 25, true, "resubmit(,37)" },
	{ "output;", true, 9, true, "resubmit(,64)" },
	{ "drop;", false, 0, true, "drop" },
	{ "/* drop */", false, 0, true, "drop" },
	{ "reg0[1] = 1; next;", false, 8, true,
	  "load:0x1->NXM_NX_REG0[1],resubmit(,17)" },
	{ "outport = \"ls1-p2\"; output;", false, 25, true,
	  "load:0x2->NXM_NX_REG15[],resubmit(,37)" },
	{ "outport = \"\"; flags.loopback = 1;", false, 0, true,
	  "load:0->NXM_NX_REG15[],load:0x1->NXM_NX_REG10[0]" },
	{ "reg0 = ip4.dst; xxreg0 = ip6.dst;", false, 0, false,
	  "move:NXM_OF_IP_DST[]->NXM_NX_REG0[],"
	  "move:NXM_NX_IPV6_DST[]->NXM_NX_XXREG0[]" },
	{ "eth.src = xreg0[0..47];", false, 0, false,
	  "move:OXM_OF_PKT_REG0[0..47]->NXM_OF_ETH_SRC[]" },
	{ "ip.ttl--; next;", false, 13, false, "dec_ttl,resubmit(,22)" },
	{ "ct_next;", false, 6, true,
	  "ct(table=15,zone=NXM_NX_REG13[0..15])" },
	{ "ct_next;", false, 4, false,
	  "ct(table=13,zone=NXM_NX_REG11[0..15])" },
	{ "ct_commit { ct_label.blocked = 0; }; next;", true, 7, true,
	  "ct(commit,zone=NXM_NX_REG13[0..15],exec(load:0->NXM_NX_CT_LABEL[0])),"
	  "resubmit(,50)" },
	{ "ct_commit { ct_mark.blocked = 1; ct_label.label = reg3; };", true, 4,
	  true, "ct(commit,zone=NXM_NX_REG13[0..15],exec(load:0x1->"
	  "NXM_NX_CT_MARK[0],move:NXM_NX_REG3[]->NXM_NX_CT_LABEL[96..127]))" },
	/* A router commits in its DNAT zone, as ovn-controller does: a
	 * commit in the SNAT zone would keep lr_out_snat from NATing. */
	{ "ct_commit;", false, 0, false,
	  "ct(commit,zone=NXM_NX_REG11[0..15])" },
	{ "ct_commit { };", true, 2, false,
	  "ct(commit,zone=NXM_NX_REG11[0..15])" },
	{ "ct_dnat;", false, 4, false,
	  "ct(table=13,zone=NXM_NX_REG11[0..15],nat)" },
	{ "ct_snat;", true, 2, false,
	  "ct(table=45,zone=NXM_NX_REG12[0..15],nat)" },
	{ "ct_dnat(10.0.0.5);", false, 7, false,
	  "ct(commit,table=16,zone=NXM_NX_REG11[0..15],nat(dst=10.0.0.5))" },
	{ "ct_snat_in_czone(192.168.0.1);", true, 3, false,
	  "ct(commit,table=46,zone=NXM_NX_REG11[0..15],nat(src=192.168.0.1))" },
	{ "ct_dnat(fd01::5);", false, 7, false,
	  "ct(commit,table=16,zone=NXM_NX_REG11[0..15],nat(dst=fd01::5))" },
	/* A switch's too: its own DNAT and SNAT zones, not the port's (the
	 * hairpin stage's ct_snat finds table 70's SNAT in reg12). */
	{ "ct_snat;", false, 22, true,
	  "ct(table=31,zone=NXM_NX_REG12[0..15],nat)" },
	{ "ct_dnat;", false, 4, true,
	  "ct(table=13,zone=NXM_NX_REG11[0..15],nat)" },
	/* As ovn-controller 23.03 encodes them. */
	{ "ct_lb;", false, 7, true,
	  "ct(table=16,zone=NXM_NX_REG13[0..15],nat)" },
	{ "ct_lb_mark;", false, 6, false,
	  "ct(table=15,zone=NXM_NX_REG11[0..15],nat)" },
	{ "ct_clear; next;", false, 0, true, "ct_clear,resubmit(,9)" },
	{ "clone { outport = \"ls1-lr1\"; output; }; outport = \"_MC_flood_l2\"; output;",
	  false, 25, true,
	  "clone(load:0x3->NXM_NX_REG15[],resubmit(,37)),"
	  "load:0x8004->NXM_NX_REG15[],resubmit(,37)" },
	/* As ovn-controller 23.03 encodes it. */
	{ "eth.dst <-> eth.src;", false, 0, true,
	  "push:NXM_OF_ETH_SRC[],push:NXM_OF_ETH_DST[],pop:NXM_OF_ETH_SRC[],"
	  "pop:NXM_OF_ETH_DST[]" },
	{ "ip4.src <-> ip4.dst; reg0[0..15] <-> reg1[16..31];", false, 0, true,
	  "push:NXM_OF_IP_DST[],push:NXM_OF_IP_SRC[],pop:NXM_OF_IP_DST[],"
	  "pop:NXM_OF_IP_SRC[],push:NXM_NX_REG1[16..31],"
	  "push:NXM_NX_REG0[0..15],pop:NXM_NX_REG1[16..31],"
	  "pop:NXM_NX_REG0[0..15]" },
	{ "outport = \"nope\";", false, 0, true,
	  "ERROR: unknown logical port \"nope\"" },
	/* Answered by pinctrl: read and counted (ovn_pinctrl.h). */
	{ "handle_dhcpv6_reply;", false, 0, false,
	  "controller(userdata=a7.11)" },
	{ "reg0[3] = put_dhcpv6_opts(ia_addr = fd00::5, server_id = "
	  "0a:00:00:00:00:fe); next;", false, 20, true,
	  /* magic, opcode 16; RESULT reg0 bit 3; DHCP6_OPTS: ia_addr (5),
	   * server_id (2) as OVN encodes them; CONTINUE. */
	  "controller(userdata=a7.10.06.00.04.00.01.00.03.0c.00.1e.00.05.00.10."
	  "fd.00.00.00.00.00.00.00.00.00.00.00.00.00.00.05.00.02.00.06.0a.00."
	  "00.00.00.fe.09.00.0d.72.65.73.75.62.6d.69.74.28.2c.32.39.29,pause)" },
	/* As ovn-controller 23.03 encodes it (it names reg9 as xxreg2's
	 * bits, weft as reg9: the same bit). northd's gateway_mtu flows. */
	{ "reg9[1] = check_pkt_larger(1514); xreg0[0..47] = "
	  "00:00:00:00:ff:01; next;", false, 0, false,
	  "check_pkt_larger(1514)->NXM_NX_REG9[1],"
	  "load:0xff01->OXM_OF_PKT_REG0[0..47],resubmit(,9)" },
	{ "reg9[1] = check_pkt_larger(1518); next;", false, 21, false,
	  "check_pkt_larger(1518)->NXM_NX_REG9[1],resubmit(,30)" },
	/* Pauses with its result bit only (the records are the
	 * chassis'): magic, opcode 19; RESULT reg0 bit 4; CONTINUE. */
	{ "reg0[4] = dns_lookup(); next;", false, 20, true,
	  "controller(userdata=a7.13.06.00.04.00.01.00.04.09.00.0d.72.65.73."
	  "75.62.6d.69.74.28.2c.32.39.29,pause)" },
	/* Load balancer affinity, as ovn-controller 23.03 encodes it
	 * (its tests/ovn.at "encodes as" lines, without the cookie, which
	 * comes from the row's UUID: see test_lb_aff_cookie). */
	{ "reg9[6] = chk_lb_aff(); next;", false, 11, true,
	  "load:0->NXM_NX_REG10[14],resubmit(,78),"
	  "move:NXM_NX_REG10[14]->NXM_NX_REG9[6],resubmit(,20)" },
	{ "commit_lb_aff(vip = \"172.16.0.123:8080\", backend = "
	  "\"10.0.0.3:8080\", proto = tcp, timeout = 30);", false, 13, true,
	  "learn(table=78,idle_timeout=30,delete_learned,OXM_OF_METADATA[],"
	  "eth_type=0x800,NXM_OF_IP_SRC[],ip_dst=172.16.0.123,nw_proto=6,"
	  "tcp_dst=8080,load:0x1->NXM_NX_REG10[14],"
	  "load:0xa000003->NXM_NX_REG4[],load:0x1f90->NXM_NX_REG8[0..15])" },
	{ "commit_lb_aff(vip = \"172.16.0.123\", backend = \"10.0.0.3\", "
	  "timeout = 30);", false, 8, false,
	  "learn(table=78,idle_timeout=30,delete_learned,OXM_OF_METADATA[],"
	  "eth_type=0x800,NXM_OF_IP_SRC[],ip_dst=172.16.0.123,"
	  "load:0x1->NXM_NX_REG10[14],load:0xa000003->NXM_NX_REG4[])" },
	{ "commit_lb_aff(vip = \"[::1]:8080\", backend = \"[::2]:8080\", "
	  "proto = tcp, timeout = 30);", false, 13, true,
	  "learn(table=78,idle_timeout=30,delete_learned,OXM_OF_METADATA[],"
	  "eth_type=0x86dd,NXM_NX_IPV6_SRC[],ipv6_dst=::1,nw_proto=6,"
	  "tcp_dst=8080,load:0x1->NXM_NX_REG10[14],"
	  "load:0x2->NXM_NX_XXREG0[],load:0x1f90->NXM_NX_REG8[0..15])" },
	{ "commit_lb_aff(vip = \"[fd30::1]:53\", backend = "
	  "\"[fd72::2]:5353\", proto = udp, timeout = 60);", false, 8, false,
	  "learn(table=78,idle_timeout=60,delete_learned,OXM_OF_METADATA[],"
	  "eth_type=0x86dd,NXM_NX_IPV6_SRC[],ipv6_dst=fd30::1,nw_proto=17,"
	  "udp_dst=53,load:0x1->NXM_NX_REG10[14],"
	  "load:0xfd720000000000000000000000000002->NXM_NX_XXREG1[],"
	  "load:0x14e9->NXM_NX_REG8[0..15])" },
};

START_TEST(test_golden)
{
	int error;
	char *out = xlate(golden[_i].in, golden[_i].egress, golden[_i].table,
			  golden[_i].is_switch, &error);

	ck_assert_msg(!strcmp(out, golden[_i].out), "%s:\n got  %s\n want %s",
		      golden[_i].in, out, golden[_i].out);
	ck_assert(error == 0 || error == -EOPNOTSUPP || error == -ENOENT);
	free(out);
}
END_TEST

/* ct_lb with backends: the group's text is ovn-controller's, it is
 * shared by every row with the same backends, and it parses and prints
 * as weft-ofctl add-group and dump-groups take and print it. */
START_TEST(test_ct_lb_groups)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	const struct wft_lflow_group *g;
	struct wft_group parsed;
	char *out, err[256];
	int error;

	wft_lflow_groups_uninit(&groups);
	out = xlate("ct_lb_mark(backends=10.0.1.5:8080,10.0.1.6:8080);",
		    false, 7, true, &error);
	ck_assert_str_eq(out, "group:1");
	free(out);
	out = xlate("reg0[1] = 1; ct_lb(backends=10.0.2.5);", false, 6, false,
		    &error);
	ck_assert_str_eq(out, "load:0x1->NXM_NX_REG0[1],group:2");
	free(out);
	out = xlate("ct_lb_mark(backends=10.0.1.5:8080,10.0.1.6:8080);",
		    false, 7, true, &error);
	ck_assert_str_eq(out, "group:1");
	free(out);
	ck_assert_uint_eq(groups.n, 2);
	g = wft_lflow_groups_find(&groups, 1);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->refs, 2);
	ck_assert_str_eq(g->text, "type=select,selection_method=dp_hash,"
		"bucket=bucket_id=0,weight:100,actions=ct(nat(dst="
		"10.0.1.5:8080),commit,table=16,zone=NXM_NX_REG13[0..15],"
		"exec(set_field:0x2/0x2->ct_mark)),bucket=bucket_id=1,"
		"weight:100,actions=ct(nat(dst=10.0.1.6:8080),commit,"
		"table=16,zone=NXM_NX_REG13[0..15],"
		"exec(set_field:0x2/0x2->ct_mark))");
	ck_assert_str_eq(wft_lflow_groups_find(&groups, 2)->text,
		"type=select,selection_method=dp_hash,bucket=bucket_id=0,"
		"weight:100,actions=ct(nat(dst=10.0.2.5),commit,table=15,"
		"zone=NXM_NX_REG11[0..15],exec(set_field:0x2/0x2->ct_label))");
	wft_strbuf_printf(&sb, "group_id=%u,%s", g->id, g->text);
	ck_assert_msg(!wft_group_parse(wft_strbuf_cstr(&sb), WFT_GROUP_ADD,
				       &parsed, err, sizeof(err)), "%s", err);
	wft_strbuf_reset(&sb);
	wft_group_format(&parsed, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), "group_id=1,type=select,"
		"selection_method=dp_hash,bucket=bucket_id:0,weight:100,"
		"actions=ct(commit,table=16,zone=NXM_NX_REG13[0..15],"
		"nat(dst=10.0.1.5:8080),exec(load:0x1->NXM_NX_CT_MARK[1])),"
		"bucket=bucket_id:1,weight:100,actions=ct(commit,table=16,"
		"zone=NXM_NX_REG13[0..15],nat(dst=10.0.1.6:8080),"
		"exec(load:0x1->NXM_NX_CT_MARK[1]))");
	wft_group_uninit(&parsed);
	/* hash_fields: OVN's selection_method=hash. */
	out = xlate("ct_lb_mark(backends=10.0.1.5:8080; "
		    "hash_fields=\"ip_src,ip_dst\");", false, 7, true, &error);
	ck_assert_str_eq(out, "group:3");
	free(out);
	ck_assert_msg(strstr(wft_lflow_groups_find(&groups, 3)->text,
			     "selection_method=hash,fields(ip_src,ip_dst),"),
		      "%s", wft_lflow_groups_find(&groups, 3)->text);
	/* Released twice, group 1 goes; its id is the next one given. */
	ck_assert(!wft_lflow_groups_release(&groups, 1));
	ck_assert(wft_lflow_groups_release(&groups, 1));
	ck_assert_ptr_null(wft_lflow_groups_find(&groups, 1));
	out = xlate("ct_lb_mark(backends=10.9.9.9);", false, 7, true, &error);
	ck_assert_str_eq(out, "group:1");
	free(out);
	wft_lflow_groups_uninit(&groups);
	wft_strbuf_free(&sb);
}
END_TEST

/* The learned rules carry the row's cookie (the first 32 bits of its
 * UUID), as ovn-controller's do: delete_learned keys on it. */
START_TEST(test_lb_aff_cookie)
{
	static const char *const want =
		"learn(table=78,idle_timeout=30,delete_learned,"
		"cookie=0xaaaaaaaa,OXM_OF_METADATA[],eth_type=0x800,"
		"NXM_OF_IP_SRC[],ip_dst=172.16.0.123,nw_proto=6,tcp_dst=8080,"
		"load:0x1->NXM_NX_REG10[14],load:0xa000003->NXM_NX_REG4[],"
		"load:0x1f90->NXM_NX_REG8[0..15])";
	struct wft_lflow_xlate_ctx ctx;
	struct wft_flow match;
	struct wft_flow_wc wc;
	struct wft_ofpacts acts;
	struct wft_lacts tree;
	struct wft_strbuf sb;
	char err[256];

	memset(&match, 0, sizeof(match));
	wft_flow_wc_init_catchall(&wc);
	wft_lflow_xlate_ctx_init(&ctx, false, 13, true);
	ctx.cookie = 0xaaaaaaaa;
	ck_assert(!wft_lflow_actions_parse("commit_lb_aff(vip = "
		"\"172.16.0.123:8080\", backend = \"10.0.0.3:8080\", "
		"proto = tcp, timeout = 30);", &tree, err, sizeof(err)));
	wft_ofpacts_init(&acts);
	ck_assert_msg(!wft_lflow_actions_to_ofpacts(&tree, &ctx, &acts, err,
						    sizeof(err)), "%s", err);
	wft_strbuf_init(&sb);
	wft_ofp_actions_format(&acts, &match, &wc, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), want);
	wft_strbuf_free(&sb);
	wft_ofpacts_uninit(&acts);
	wft_lacts_free(&tree);
}
END_TEST

START_TEST(test_corpus)
{
	struct corpus c;
	size_t i, j, ok = 0, unsupported = 0, n_names = 0;
	struct {
		char name[64];
		unsigned int n;
	} names[64];

	corpus_read("actions: ", &c);
	for (i = 0; i < c.n; i++) {
		int error;
		char *out = xlate(c.line[i], false, 5, true, &error);

		if (error) {
			char name[64];

			ck_assert_msg(error == -EOPNOTSUPP, "%s: %s", c.line[i],
				      out);
			unsupported++;
			/* "ERROR: NAME is not supported yet" */
			sscanf(out, "ERROR: %63s", name);
			for (j = 0; j < n_names; j++)
				if (!strcmp(names[j].name, name))
					break;
			if (j == n_names && n_names < 64) {
				snprintf(names[n_names].name,
					 sizeof(names[0].name), "%s", name);
				names[n_names++].n = 0;
			}
			if (j < 64)
				names[j].n++;
		} else {
			ok++;
		}
		free(out);
	}
	fprintf(stderr, "lflow actions: %zu of %zu translate, %zu not yet:",
		ok, c.n, unsupported);
	for (j = 0; j < n_names; j++)
		fprintf(stderr, " %s (%u)", names[j].name, names[j].n);
	fprintf(stderr, "\n");
	ck_assert_uint_ge(ok, 50);
	corpus_free(&c);
	wft_lflow_groups_uninit(&groups);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *lflow_ofpacts_suite(void)
{
	Suite *s = suite_create("lflow_ofpacts");
	TCase *tc = tcase_create("lflow_ofpacts");

	tcase_add_loop_test(tc, test_golden, 0, N(golden));
	tcase_add_test(tc, test_corpus);
	tcase_add_test(tc, test_lb_aff_cookie);
	tcase_add_test(tc, test_ct_lb_groups);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lflow_ofpacts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
