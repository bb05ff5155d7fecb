// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for groups (include/weft/group.h):
 *  - the ovs-ofctl syntax: groups print back exactly as `ovs-ofctl
 *    dump-groups` (no -O) of OVS 3.1 printed the same groups installed
 *    in ovs-vswitchd (copied here), bare actions, errors;
 *  - the pipeline's add/modify/delete rules;
 *  - xlate: all and indirect groups, select groups choosing by the
 *    5-tuple in proportion to the weights, and un-wildcarding exactly
 *    the 5-tuple; a missing group drops.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/group.h"
#include "weft/odp.h"
#include "weft/odp_flow.h"
#include "weft/ofp_flow.h"
#include "weft/pipeline.h"
#include "weft/xlate.h"

#include "xlate_testlib.h"

#define MF_IP "recirc_id(0),in_port(11),eth(),eth_type(0x0800),"

/* What we add, and what ovs-ofctl dump-groups printed for it. */
static const struct {
	const char *in, *out;
} syntax[] = {
	{ "group_id=1,type=select,bucket=actions=output:1,"
	  "bucket=weight:20,actions=output:2",
	  "group_id=1,type=select,bucket=bucket_id:0,actions=output:1,"
	  "bucket=bucket_id:1,weight:20,actions=output:2" },
	{ "group_id=2,type=all,bucket=output:1,bucket=output:2",
	  "group_id=2,type=all,bucket=bucket_id:0,actions=output:1,"
	  "bucket=bucket_id:1,actions=output:2" },
	{ "group_id=3,type=select,selection_method=hash,fields(ip_src,"
	  "tcp_dst),bucket=bucket_id:5,weight:100,actions=ct(commit,table=10,"
	  "zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.5:80))",
	  "group_id=3,type=select,selection_method=hash,fields(ip_src,"
	  "tcp_dst),bucket=bucket_id:5,weight:100,actions=ct(commit,table=10,"
	  "zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.5:80))" },
	{ "group_id=4,type=select,bucket=bucket_id=0,weight:100,actions=ct("
	  "nat(dst=10.0.0.5:80),commit,table=10,zone=NXM_NX_REG13[0..15],"
	  "exec(set_field:0x2/0x2->ct_mark))",
	  "group_id=4,type=select,bucket=bucket_id:0,weight:100,actions=ct("
	  "commit,table=10,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.5:80),"
	  "exec(load:0x1->NXM_NX_CT_MARK[1]))" },
	{ "group_id=5,type=indirect,bucket=output:3",
	  "group_id=5,type=indirect,bucket=bucket_id:0,actions=output:3" },
	{ "group_id=6,type=select,bucket=output:1",
	  "group_id=6,type=select,bucket=bucket_id:0,actions=output:1" },
};

START_TEST(test_syntax)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_group g;
	char err[256];

	ck_assert_msg(!wft_group_parse(syntax[_i].in, WFT_GROUP_ADD, &g, err,
				       sizeof(err)), "%s: %s", syntax[_i].in,
		      err);
	wft_group_format(&g, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), syntax[_i].out);
	wft_group_uninit(&g);
	/* And the printed form parses back to itself. */
	ck_assert(!wft_group_parse(syntax[_i].out, WFT_GROUP_ADD, &g, err,
				   sizeof(err)));
	wft_strbuf_reset(&sb);
	wft_group_format(&g, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), syntax[_i].out);
	wft_group_uninit(&g);
	wft_strbuf_free(&sb);
}
END_TEST

static const struct {
	const char *in, *err;
} bad[] = {
	{ "type=all,bucket=output:1", "must specify a group_id" },
	{ "group_id=1,bucket=output:1", "must specify a type" },
	{ "group_id=1,type=ff,bucket=output:1", "type=ff: not supported" },
	{ "group_id=1,type=indirect", "exactly one bucket" },
	{ "group_id=1,type=all,bucket=bucket_id:1,output:1,"
	  "bucket=bucket_id:1,output:2", "duplicate bucket id 1" },
	{ "group_id=1,type=all,bucket=watch_port:1,output:1", "watch_port" },
	{ "group_id=1,type=all,bucket=actions=frobnicate", "unknown action" },
	{ "group_id=x,type=all", "group_id" },
	{ "group_id=1,type=select,bucket=weight:70000,output:1", "weight" },
	{ "group_id=1,type=all,foo=1", "foo" },
};

START_TEST(test_bad)
{
	struct wft_group g;
	char err[256];

	ck_assert_msg(wft_group_parse(bad[_i].in, WFT_GROUP_ADD, &g, err,
				      sizeof(err)), "%s accepted", bad[_i].in);
	ck_assert_msg(strstr(err, bad[_i].err), "%s: %s, want %s", bad[_i].in,
		      err, bad[_i].err);
	wft_group_uninit(&g);
}
END_TEST

static void group_mod(struct wft_pipeline *p, enum wft_group_command cmd,
		      const char *s, int want)
{
	struct wft_group g;
	char err[256];

	ck_assert_msg(!wft_group_parse(s, cmd, &g, err, sizeof(err)), "%s: %s",
		      s, err);
	ck_assert_int_eq(wft_pipeline_group_mod(p, cmd, &g), want);
	wft_group_uninit(&g);
}

START_TEST(test_pipeline_groups)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_group *gs;
	uint64_t v;
	size_t n, i;

	group_mod(p, WFT_GROUP_ADD, "group_id=7,type=all,bucket=output:1", 0);
	group_mod(p, WFT_GROUP_ADD, "group_id=3,type=all,bucket=output:1", 0);
	group_mod(p, WFT_GROUP_ADD, "group_id=3,type=all,bucket=output:2",
		  -EEXIST);
	group_mod(p, WFT_GROUP_MODIFY, "group_id=4,type=all,bucket=output:2",
		  -ENOENT);
	v = wft_pipeline_version(p);
	group_mod(p, WFT_GROUP_MODIFY,
		  "group_id=3,type=select,bucket=output:2", 0);
	ck_assert_uint_gt(wft_pipeline_version(p), v);
	gs = wft_pipeline_groups_dump(p, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(gs[0].group_id, 3);
	ck_assert_int_eq(gs[0].type, WFT_GROUP_TYPE_SELECT);
	ck_assert_uint_eq(gs[1].group_id, 7);
	for (i = 0; i < n; i++)
		wft_group_uninit(&gs[i]);
	free(gs);
	group_mod(p, WFT_GROUP_DELETE, "group_id=9", 0);
	group_mod(p, WFT_GROUP_DELETE, "group_id=7", 0);
	gs = wft_pipeline_groups_dump(p, &n);
	ck_assert_uint_eq(n, 1);
	wft_group_uninit(&gs[0]);
	free(gs);
	group_mod(p, WFT_GROUP_DELETE, "", 0);
	gs = wft_pipeline_groups_dump(p, &n);
	ck_assert_uint_eq(n, 0);
	free(gs);
	wft_pipeline_destroy(p);
}
END_TEST

static void run_with_groups(struct run *r, const char *const *rules,
			    const char *const *groups)
{
	run_init(r, rules);
	for (; groups && *groups; groups++)
		group_mod(r->p, WFT_GROUP_ADD, *groups, 0);
}

static void rerun(struct run *r, const char *pkt)
{
	wft_xlate_out_uninit(&r->out);
	wft_xlate_out_init(&r->out);
	run_xlate(r, pkt);
	ck_assert_msg(!r->out.error, "%s", r->out.errmsg);
}

#define UDP(sport) "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2," \
	"nw_ttl=64,tp_src=" sport ",tp_dst=53"

START_TEST(test_all_indirect_missing)
{
	static const char *const rules[] = {
		"in_port=1,udp,tp_dst=53,actions=group:1,group:2,group:9",
		NULL,
	};
	static const char *const groups[] = {
		"group_id=1,type=all,bucket=set_field:10.0.0.9->ip_dst,"
		"output:2,bucket=output:3",
		"group_id=2,type=indirect,bucket=output:4",
		NULL,
	};
	struct run r;

	run_with_groups(&r, rules, groups);
	rerun(&r, UDP("1000"));
	/* Each bucket on its own copy; nothing for the missing group. */
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts),
			 "clone(set(ipv4(dst=10.0.0.9)),12),13,14");
	ck_assert_str_eq(wft_strbuf_cstr(&r.mf),
			 MF_IP "ipv4(proto=17,frag=no),udp(dst=53)");
	run_free(&r);
}
END_TEST

/* 600 source ports through a select group of weights 1, 2 and 3: each
 * bucket gets its share (within 30%), the same packet always the same
 * bucket, and the mask holds the 5-tuple. */
START_TEST(test_select)
{
	static const char *const rules[] = {
		"in_port=1,udp,actions=group:5",
		NULL,
	};
	static const char *const groups[] = {
		"group_id=5,type=select,bucket=output:2,"
		"bucket=weight:2,output:3,bucket=weight:3,output:4",
		NULL,
	};
	unsigned int count[3] = { 0 };
	char pkt[160], first[16];
	struct run r;
	int i;

	run_with_groups(&r, rules, groups);
	for (i = 0; i < 600; i++) {
		snprintf(pkt, sizeof(pkt), "in_port=1,udp,nw_src=10.0.0.1,"
			 "nw_dst=10.0.0.2,nw_ttl=64,tp_src=%d,tp_dst=53",
			 1000 + i);
		rerun(&r, pkt);
		const char *a = wft_strbuf_cstr(&r.acts);

		ck_assert_msg(!strcmp(a, "12") || !strcmp(a, "13") ||
			      !strcmp(a, "14"), "%s", a);
		count[a[1] - '2']++;
		if (i == 0) {
			snprintf(first, sizeof(first), "%s", a);
			snprintf(pkt, sizeof(pkt), MF_IP "ipv4(src=10.0.0.1,"
				 "dst=10.0.0.2,proto=17,frag=no),"
				 "udp(src=1000,dst=53)");
			ck_assert_str_eq(wft_strbuf_cstr(&r.mf), pkt);
		}
	}
	ck_assert_msg(count[0] > 70 && count[0] < 130 &&
		      count[1] > 140 && count[1] < 260 &&
		      count[2] > 210 && count[2] < 390,
		      "shares %u %u %u for weights 1 2 3", count[0], count[1],
		      count[2]);
	rerun(&r, UDP("1000"));
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), first);
	run_free(&r);
}
END_TEST

/* selection_method=hash,fields(...): only those fields are hashed and
 * matched. */
START_TEST(test_select_fields)
{
	static const char *const rules[] = {
		"in_port=1,udp,actions=group:6",
		NULL,
	};
	static const char *const groups[] = {
		"group_id=6,type=select,selection_method=hash,"
		"fields(ip_src,udp_dst),bucket=output:2,bucket=output:3",
		NULL,
	};
	struct run r;
	char first[16];
	int i;

	run_with_groups(&r, rules, groups);
	rerun(&r, UDP("1000"));
	ck_assert_str_eq(wft_strbuf_cstr(&r.mf), MF_IP "ipv4(src=10.0.0.1,"
			 "proto=17,frag=no),udp(dst=53)");
	snprintf(first, sizeof(first), "%s", wft_strbuf_cstr(&r.acts));
	/* The source port is not hashed: always the same bucket. */
	for (i = 0; i < 20; i++) {
		char pkt[160];

		snprintf(pkt, sizeof(pkt), "in_port=1,udp,nw_src=10.0.0.1,"
			 "nw_dst=10.0.0.2,nw_ttl=64,tp_src=%d,tp_dst=53",
			 2000 + i);
		rerun(&r, pkt);
		ck_assert_str_eq(wft_strbuf_cstr(&r.acts), first);
	}
	run_free(&r);
}
END_TEST

/* OVN's load balancer: ct(commit,nat(dst=B)) per bucket. */
START_TEST(test_select_ct)
{
	static const char *const rules[] = {
		"in_port=1,tcp,nw_dst=10.0.0.100,tp_dst=80,actions=group:7",
		NULL,
	};
	static const char *const groups[] = {
		"group_id=7,type=select,bucket=bucket_id:0,weight:100,"
		"actions=ct(commit,table=10,zone=NXM_NX_REG13[0..15],"
		"nat(dst=10.0.0.5:8080))",
		NULL,
	};
	struct run r;

	run_with_groups(&r, rules, groups);
	rerun(&r, "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.100,"
		  "nw_ttl=64,tp_src=999,tp_dst=80");
	ck_assert_msg(strstr(wft_strbuf_cstr(&r.acts),
			     "ct(commit,nat(dst=10.0.0.5:8080)),recirc("),
		      "%s", wft_strbuf_cstr(&r.acts));
	run_free(&r);
}
END_TEST

static Suite *group_suite(void)
{
	Suite *s = suite_create("group");
	TCase *tc = tcase_create("group");

	tcase_add_loop_test(tc, test_syntax, 0,
			    sizeof(syntax) / sizeof(syntax[0]));
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_pipeline_groups);
	tcase_add_test(tc, test_all_indirect_missing);
	tcase_add_test(tc, test_select);
	tcase_add_test(tc, test_select_ct);
	tcase_add_test(tc, test_select_fields);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(group_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
