// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for compiling whole Logical_Flow rows (include/weft/lflow.h):
 *  - real rows ovn-northd 23.03 wrote (ovn-23.03-facts.md §1.2) become
 *    the rules ovn-controller would install: table 8+N or 40+N, the
 *    priority, metadata = the datapath key, cookie = the UUID's first 32
 *    bits; each printed rule parses back, with weft's ovs-ofctl parser,
 *    into the very same match;
 *  - the actions' field prerequisites are added to the match;
 *  - every row northd wrote for the corpus topology compiles, or is
 *    skipped only for an action not supported yet;
 *  - a row that cannot compile is skipped, counted each time and logged
 *    once; an unsatisfiable match compiles to no rules;
 *  - an ACL over two address sets of N and M addresses compiles to OVN's
 *    conjunctive match (N + M clause rules and one conj_id rule) instead
 *    of N x M rules, with the ids the env's conj_id_base() gives; under
 *    the threshold it stays a cross product.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow.h"
#include "weft/lflow_actions.h"
#include "expr_testenv.h"
#include "lflow_corpus.h"

/* The env compile_row() uses instead of test_env, when set. */
static const struct wft_expr_env *test_env_override;

static char *compile_row(const struct wft_lflow *lf,
			 struct wft_lflow_stats *st, int *error)
{
	struct wft_ofp_flow *rules;
	struct wft_strbuf sb;
	size_t i, n;
	char err[256];

	wft_strbuf_init(&sb);
	*error = wft_lflow_compile(lf, test_env_override ? test_env_override :
				   &test_env, st, &rules, &n, err,
				   sizeof(err));
	if (*error) {
		ck_assert_ptr_null(rules);
		wft_strbuf_printf(&sb, "ERROR: %s", err);
		return wft_strbuf_steal(&sb);
	}
	for (i = 0; i < n; i++) {
		struct wft_ofp_flow back;
		struct wft_strbuf text, again;

		wft_strbuf_init(&text);
		wft_strbuf_init(&again);
		wft_ofp_flow_format(&rules[i], &sb);
		/* weft's own parser reads the rule back identically, given as
		 * ovs-ofctl add-flow would take it. */
		wft_strbuf_printf(&text, "table=%u,priority=%u,cookie=%#llx,",
				  rules[i].table, rules[i].priority,
				  (unsigned long long)rules[i].cookie);
		wft_ofp_match_format(&rules[i].match, &rules[i].mask,
				     WFT_OFP_DEFAULT_PRIORITY, &text);
		wft_strbuf_puts(&text, ",actions=");
		wft_ofp_actions_format(&rules[i].actions, &rules[i].match,
				       &rules[i].mask, &text);
		ck_assert_msg(!wft_ofp_flow_parse(wft_strbuf_cstr(&text),
						  WFT_OFPFC_ADD, &back, err,
						  sizeof(err)),
			      "%s: %s", wft_strbuf_cstr(&text), err);
		wft_ofp_flow_format(&back, &again);
		ck_assert_msg(!strcmp(wft_strbuf_cstr(&again),
				      sb.buf + sb.len -
				      strlen(wft_strbuf_cstr(&again))),
			      "%s parses back as %s", wft_strbuf_cstr(&text),
			      wft_strbuf_cstr(&again));
		wft_ofp_flow_uninit(&back);
		wft_strbuf_free(&text);
		wft_strbuf_free(&again);
		wft_strbuf_putc(&sb, '\n');
	}
	wft_lflow_rules_free(rules, n);
	return wft_strbuf_steal(&sb);
}

static const struct {
	struct wft_lflow lf;
	const char *out;
} rows[] = {
	{ { "17b065ec-c120-472d-af7f-f7b4c8137a91", 1, true, true, 4, 2001,
	    "outport == \"ls1-p2\" && tcp.dst == 22", "/* drop */" },
	  "ADD table:46 priority=2001,tcp,reg15=0x2,metadata=0x1,tp_dst=22 "
	  "cookie:0x17b065ec actions=drop\n"
	  "ADD table:46 priority=2001,tcp6,reg15=0x2,metadata=0x1,tp_dst=22 "
	  "cookie:0x17b065ec actions=drop\n" },
	{ { "0a000001-0000-0000-0000-000000000000", 2, true, true, 4, 2002,
	    "reg0[7] == 1 && (outport == \"ls2-p1\" && ip4 && tcp.dst == 5432)",
	    "reg0[1] = 1; next;" },
	  "ADD table:46 priority=2002,tcp,reg0=0x80/0x80,reg15=0x1,"
	  "metadata=0x2,tp_dst=5432 cookie:0xa000001 "
	  "actions=load:0x1->NXM_NX_REG0[1],resubmit(,47)\n" },
	{ { "ffffffff-0000-0000-0000-000000000000", 2, true, true, 4, 65532,
	    "ct.inv || (ct.est && ct.rpl && ct_label.blocked == 1)", "drop;" },
	  "ADD table:46 priority=65532,ct_state=+inv+trk,metadata=0x2 "
	  "cookie:0xffffffff actions=drop\n"
	  "ADD table:46 priority=65532,ct_state=+est+rpl+trk,"
	  "ct_label=0x1/0x1,metadata=0x2 cookie:0xffffffff actions=drop\n" },
	{ { "00000001-0000-0000-0000-000000000000", 3, false, false, 13, 74,
	    "ip4.dst == 10.0.1.0/24",
	    "ip.ttl--; reg8[0..15] = 0; reg0 = ip4.dst; reg1 = 10.0.1.1; "
	    "eth.src = 0a:58:0a:00:01:01; outport = \"lr1-ls1\"; "
	    "flags.loopback = 1; next;" },
	  "ADD table:21 priority=74,ip,metadata=0x3,nw_dst=10.0.1.0/24 "
	  "cookie:0x1 actions=dec_ttl,load:0->NXM_NX_REG8[0..15],"
	  "move:NXM_OF_IP_DST[]->NXM_NX_REG0[],"
	  "load:0xa000101->NXM_NX_REG1[],"
	  "load:0xa580a000101->NXM_OF_ETH_SRC[],"
	  "load:0x1->NXM_NX_REG15[],load:0x1->NXM_NX_REG10[0],"
	  "resubmit(,22)\n" },
	/* The actions' prerequisites join the match, as in OVN: setting
	 * ip4.src applies to IPv4 only, though the match says ip. */
	{ { "00000003-0000-0000-0000-000000000000", 3, false, false, 4, 90,
	    "ip && reg9[0] == 1", "ip4.src = 10.0.0.1; next;" },
	  "ADD table:12 priority=90,ip,reg9=0x1/0x1,metadata=0x3 cookie:0x3 "
	  "actions=load:0xa000001->NXM_OF_IP_SRC[],resubmit(,13)\n" },
	{ { "00000004-0000-0000-0000-000000000000", 3, false, false, 4, 90,
	    "1", "ip.ttl--; next;" },
	  "ADD table:12 priority=90,ip,metadata=0x3 cookie:0x4 "
	  "actions=dec_ttl,resubmit(,13)\n"
	  "ADD table:12 priority=90,ipv6,metadata=0x3 cookie:0x4 "
	  "actions=dec_ttl,resubmit(,13)\n" },
	/* Conntrack applies to IP only: ct_next brings "ip" (an ARP
	 * packet with reg0[0] set must not reach ct()); ct_clear does not. */
	{ { "00000005-0000-0000-0000-000000000000", 1, true, false, 6, 100,
	    "reg0[0] == 1", "ct_next;" },
	  "ADD table:14 priority=100,ip,reg0=0x1/0x1,metadata=0x1 "
	  "cookie:0x5 actions=ct(table=15,zone=NXM_NX_REG13[0..15])\n"
	  "ADD table:14 priority=100,ipv6,reg0=0x1/0x1,metadata=0x1 "
	  "cookie:0x5 actions=ct(table=15,zone=NXM_NX_REG13[0..15])\n" },
	{ { "00000006-0000-0000-0000-000000000000", 1, true, false, 0, 100,
	    "1", "ct_clear; next;" },
	  "ADD table:8 priority=100,metadata=0x1 cookie:0x6 "
	  "actions=ct_clear,resubmit(,9)\n" },
	/* arp.op is the 8 bits weft's arp_op holds. */
	{ { "00000007-0000-0000-0000-000000000000", 1, true, false, 19, 50,
	    "arp.op == 1", "arp.op = 2; next;" },
	  "ADD table:27 priority=50,arp,metadata=0x1,arp_op=1 cookie:0x7 "
	  "actions=load:0x2->NXM_OF_ARP_OP[],resubmit(,28)\n" },
	/* Unsatisfiable: no rules, not skipped. */
	{ { "00000002-0000-0000-0000-000000000000", 1, true, false, 0, 10,
	    "ip4 && ip6", "next;" }, "" },
};

START_TEST(test_rows)
{
	struct wft_lflow_stats st = { 0 };
	int error;
	char *out = compile_row(&rows[_i].lf, &st, &error);

	ck_assert_msg(!strcmp(out, rows[_i].out), "%s:\n--- got\n%s--- want\n%s",
		      rows[_i].lf.match, out, rows[_i].out);
	ck_assert_int_eq(error, 0);
	ck_assert_uint_eq(st.n_compiled, 1);
	ck_assert_uint_eq(st.n_skipped, 0);
	free(out);
	wft_lflow_stats_uninit(&st);
}
END_TEST

START_TEST(test_skipped)
{
	struct wft_lflow bad_action = {
		"deadbeef-0000-0000-0000-000000000001", 1, true, false, 6, 100,
		"ip", "bind_vport(\"vip\", inport); next;"
	};
	struct wft_lflow bad_match = {
		"deadbeef-0000-0000-0000-000000000002", 1, true, false, 6, 100,
		"ip4.src == \"foo\"", "next;"
	};
	struct wft_lflow_stats st = { 0 };
	int error;
	char *out;

	out = compile_row(&bad_action, &st, &error);
	ck_assert_str_eq(out, "ERROR: bind_vport is not supported yet");
	ck_assert_int_eq(error, -EOPNOTSUPP);
	free(out);
	out = compile_row(&bad_action, &st, &error);	/* again */
	free(out);
	out = compile_row(&bad_match, &st, &error);
	ck_assert_str_eq(out, "ERROR: column 12: ip4.src is a 32-bit field, "
			 "not a string");
	ck_assert_int_eq(error, -EINVAL);
	free(out);
	ck_assert_uint_eq(st.n_skipped, 3);
	ck_assert_uint_eq(st.n_compiled, 0);
	/* Logged once each. */
	ck_assert_uint_eq(st.n_logged, 2);
	ck_assert_str_eq(st.logged[0], bad_action.uuid);
	ck_assert_str_eq(st.logged[1], bad_match.uuid);
	wft_lflow_stats_uninit(&st);
}
END_TEST

/* Rows nobody should write (test_ovn_badinput puts them in the SB by
 * hand): each is skipped with the reason a person can act on. */
START_TEST(test_skipped_reasons)
{
	static const struct {
		const char *match, *actions, *reason;
	} bad[] = {
		{ "ip4.src ==", "next;",
		  "column 11: expected a constant for ip4.src, found end of "
		  "input" },
		{ "ip4", "frobnicate;", "column 1: unknown action frobnicate" },
		{ "nosuchfield == 1", "next;",
		  "column 1: unknown field nosuchfield" },
		{ "ip4.src == $nosuchset", "next;",
		  "column 12: unknown address set $nosuchset" },
		{ "ip4", "next", "column 5: expected ';', found end of input" },
		{ "ip4.src == 1.2.3.4/99", "next;",
		  "column 12: prefix length 99 exceeds 32" },
	};
	struct wft_lflow_stats st = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wft_lflow lf = {
			"deadbeef-0000-0000-0000-000000000003", 1, true, false,
			9, 3000, bad[i].match, bad[i].actions
		};
		int error;
		char *out = compile_row(&lf, &st, &error);

		ck_assert_int_eq(error, -EINVAL);
		ck_assert_msg(!strncmp(out, "ERROR: ", 7) &&
			      !strcmp(out + 7, bad[i].reason),
			      "%s / %s: %s", bad[i].match, bad[i].actions,
			      out);
		free(out);
	}
	ck_assert_uint_eq(st.n_skipped, sizeof(bad) / sizeof(bad[0]));
	wft_lflow_stats_uninit(&st);
}
END_TEST

/* Every row northd wrote (data/lflow_corpus.txt "flow:" lines): each
 * compiles, or is skipped only for an action not supported yet. */
START_TEST(test_corpus_rows)
{
	struct wft_lflow_stats st = { 0 };
	size_t i, n_rules = 0, unsat = 0;
	struct wft_expr_env env = test_env;
	struct wft_lflow_groups groups;
	struct corpus c;

	wft_lflow_groups_init(&groups);
	env.lflow_groups = &groups;
	corpus_read("flow: ", &c);
	ck_assert_uint_ge(c.n, 300);
	for (i = 0; i < c.n; i++) {
		char *f[6], *save = NULL, *s = c.line[i], uuid[64];
		struct wft_ofp_flow *rules;
		struct wft_lflow lf;
		char err[256];
		size_t n, k;
		int error;

		for (k = 0; k < 6; k++, s = NULL)
			f[k] = strtok_r(s, "\t", &save);
		ck_assert_ptr_nonnull(f[5]);
		snprintf(uuid, sizeof(uuid), "%08zx-0000-0000-0000-000000000000",
			 i);
		lf.uuid = uuid;
		lf.dp_key = 1;
		lf.is_switch = !strcmp(f[0], "ls");
		lf.egress = !strcmp(f[1], "egress");
		lf.table = (uint8_t)atoi(f[2]);
		lf.priority = (uint16_t)atoi(f[3]);
		lf.match = f[4];
		lf.actions = f[5];
		error = wft_lflow_compile(&lf, &env, &st, &rules, &n, err,
					  sizeof(err));
		ck_assert_msg(!error || error == -EOPNOTSUPP, "%s | %s: %s",
			      f[4], f[5], err);
		n_rules += n;
		unsat += !error && !n;
		wft_lflow_rules_free(rules, n);
	}
	fprintf(stderr, "lflow rows: %zu, %lu compiled into %zu rules (%zu "
		"never match here) and %zu groups, %lu skipped for actions "
		"not supported yet\n", c.n, st.n_compiled, n_rules, unsat,
		groups.n, st.n_skipped);
	wft_lflow_groups_uninit(&groups);
	ck_assert_uint_eq(st.n_compiled + st.n_skipped, c.n);
	ck_assert_uint_ge(st.n_compiled, c.n / 2);
	wft_lflow_stats_uninit(&st);
	corpus_free(&c);
}
END_TEST

/* Two address sets of 40 and 25 addresses. */
static char acl_src[40][16], acl_dst[25][16];
static const char *acl_src_p[40], *acl_dst_p[25];

static const char *const *acl_sets(void *aux, const char *name, size_t *n)
{
	size_t i;

	for (i = 0; i < 40; i++) {
		snprintf(acl_src[i], sizeof(acl_src[i]), "10.1.%zu.%zu", i / 8,
			 i % 8 + 1);
		acl_src_p[i] = acl_src[i];
	}
	for (i = 0; i < 25; i++) {
		snprintf(acl_dst[i], sizeof(acl_dst[i]), "10.2.0.%zu", i + 1);
		acl_dst_p[i] = acl_dst[i];
	}
	if (!strcmp(name, "src_set")) {
		*n = 40;
		return acl_src_p;
	}
	if (!strcmp(name, "dst_set")) {
		*n = 25;
		return acl_dst_p;
	}
	return NULL;
}

static uint32_t acl_base(void *aux, const char *uuid)
{
	return 0x500;
}

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

START_TEST(test_conjunctive_acl)
{
	struct wft_lflow lf = {
		"a0000001-0000-0000-0000-000000000000", 4, true, true, 4, 2001,
		"outport == \"ls1-p2\" && ip4 && ip4.src == $src_set && "
		"ip4.dst == $dst_set && tcp.dst == 80",
		"reg0[1] = 1; next;"
	};
	struct wft_expr_env env = test_env;
	struct wft_lflow_stats st = { 0 };
	struct wft_ofp_flow *rules;
	char err[256], *out;
	size_t n;
	int error;

	env.addr_set = acl_sets;
	env.conj_id_base = acl_base;
	error = wft_lflow_compile(&lf, &env, &st, &rules, &n, err,
				  sizeof(err));
	ck_assert_msg(!error, "%s", err);
	/* 40 + 25 clause rules and the conj_id rule, not 40 x 25. */
	ck_assert_uint_eq(n, 40 + 25 + 1);
	wft_lflow_rules_free(rules, n);
	/* As text (each rule parsed back by compile_row()). */
	test_env_override = &env;
	out = compile_row(&lf, &st, &error);
	test_env_override = NULL;
	ck_assert_int_eq(error, 0);
	ck_assert_uint_eq(count_of(out, "actions=conjunction(1281,1/2)"), 40);
	ck_assert_uint_eq(count_of(out, "actions=conjunction(1281,2/2)"), 25);
	ck_assert_msg(strstr(out, "ADD table:46 priority=2001,conj_id=1281,"
			     "metadata=0x4 cookie:0xa0000001 actions=load:0x1->"
			     "NXM_NX_REG0[1],resubmit(,47)\n"), "%.800s", out);
	ck_assert_msg(strstr(out, "ADD table:46 priority=2001,tcp,reg15=0x2,"
			     "metadata=0x4,nw_src=10.1.4.8,tp_dst=80 "
			     "cookie:0xa0000001 "
			     "actions=conjunction(1281,1/2)\n"), "%.800s", out);
	free(out);
	/* With the threshold above 1000, the cross product. */
	env.conj_threshold = 1001;
	error = wft_lflow_compile(&lf, &env, &st, &rules, &n, err,
				  sizeof(err));
	ck_assert_msg(!error, "%s", err);
	ck_assert_uint_eq(n, 40 * 25);
	wft_lflow_rules_free(rules, n);
	wft_lflow_stats_uninit(&st);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *lflow_compile_suite(void)
{
	Suite *s = suite_create("lflow_compile");
	TCase *tc = tcase_create("lflow_compile");

	tcase_add_loop_test(tc, test_rows, 0, N(rows));
	tcase_add_test(tc, test_skipped);
	tcase_add_test(tc, test_skipped_reasons);
	tcase_add_test(tc, test_corpus_rows);
	tcase_add_test(tc, test_conjunctive_acl);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lflow_compile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
