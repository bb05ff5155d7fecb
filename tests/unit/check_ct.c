// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the conntrack commands' library parts that need no
 * kernel (include/weft/ct_netlink.h): the argument grammar and its error
 * messages, flush-conntrack's tuple matching, and the text of entries and
 * of ct-stats-show against lines OVS 3.1's ct-dpif.c prints for the same
 * entries. The netlink side is tested in the VM (test_dpctl_conntrack).
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ct_netlink.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct wft_ct_tuple tuple4(const char *src, const char *dst,
				  uint8_t proto, uint16_t sport,
				  uint16_t dport)
{
	struct wft_ct_tuple t;

	memset(&t, 0, sizeof(t));
	t.family = AF_INET;
	t.proto = proto;
	inet_pton(AF_INET, src, t.src);
	inet_pton(AF_INET, dst, t.dst);
	t.sport = sport;
	t.dport = dport;
	return t;
}

static struct wft_ct_entry tcp_entry(void)
{
	struct wft_ct_entry e;

	memset(&e, 0, sizeof(e));
	e.tuple[0] = tuple4("10.0.0.1", "10.0.0.2", 6, 33300, 80);
	e.tuple[1] = tuple4("10.0.0.2", "10.0.0.1", 6, 80, 33300);
	e.zone = 1;
	e.mark = 5;
	e.id = 1234;
	e.timeout = 431999;
	e.status = 0xe;		/* SEEN_REPLY|ASSURED|CONFIRMED */
	e.labels[0] = 0x34;	/* label 0x1234, host words (little-endian) */
	e.labels[1] = 0x12;
	e.protoinfo = 6;
	e.tcp.state = WFT_CT_TCPS_ESTABLISHED;
	e.tcp.flags_orig = 0x0a;
	e.tcp.flags_reply = 0x0a;
	return e;
}

static char *fmt(const struct wft_ct_entry *e, bool verbose, bool stats)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;

	wft_ct_format_entry(&sb, e, verbose, stats);
	return wft_strbuf_steal(&sb);
}

START_TEST(test_format_plain)
{
	struct wft_ct_entry e = tcp_entry();
	char *s = fmt(&e, false, false);

	ck_assert_str_eq(s, "tcp,orig=(src=10.0.0.1,dst=10.0.0.2,sport=33300,"
			 "dport=80),reply=(src=10.0.0.2,dst=10.0.0.1,sport=80,"
			 "dport=33300),zone=1,mark=5,labels=0x1234,"
			 "protoinfo=(state=ESTABLISHED)");
	free(s);
}
END_TEST

START_TEST(test_format_verbose_stats)
{
	struct wft_ct_entry e = tcp_entry();
	char *s;

	e.packets[0] = 3;
	e.bytes[0] = 180;
	s = fmt(&e, true, true);
	ck_assert_str_eq(s, "tcp,orig=(src=10.0.0.1,dst=10.0.0.2,sport=33300,"
			 "dport=80,packets=3,bytes=180),reply=(src=10.0.0.2,"
			 "dst=10.0.0.1,sport=80,dport=33300),id=1234,zone=1,"
			 "status=SEEN_REPLY|ASSURED|CONFIRMED,timeout=431999,"
			 "mark=5,labels=0x1234,protoinfo=(state_orig="
			 "ESTABLISHED,state_reply=ESTABLISHED,flags_orig="
			 "SACK_PERM|BE_LIBERAL,flags_reply=SACK_PERM|"
			 "BE_LIBERAL)");
	free(s);
}
END_TEST

/* OVS folds SYN_RECV into ESTABLISHED and FIN_WAIT_2 into TIME_WAIT
 * unless -m; the zone, mark and labels print only when non-zero. */
START_TEST(test_format_coalesce_icmp_v6)
{
	struct wft_ct_entry e = tcp_entry();
	char *s;

	e.tcp.state = WFT_CT_TCPS_SYN_RECV;
	e.zone = 0;
	e.mark = 0;
	memset(e.labels, 0, sizeof(e.labels));
	s = fmt(&e, false, false);
	ck_assert(strstr(s, ",protoinfo=(state=ESTABLISHED)"));
	ck_assert(!strstr(s, "zone=") && !strstr(s, "mark=") &&
		  !strstr(s, "labels="));
	free(s);
	s = fmt(&e, true, false);
	ck_assert(strstr(s, "state_orig=SYN_RECV,state_reply=SYN_RECV"));
	free(s);

	memset(&e, 0, sizeof(e));
	e.tuple[0] = tuple4("10.0.0.5", "10.0.0.6", 1, 0, 0);
	e.tuple[0].icmp_id = 77;
	e.tuple[0].icmp_type = 8;
	e.tuple[1] = tuple4("10.0.0.6", "10.0.0.5", 1, 0, 0);
	e.tuple[1].icmp_id = 77;
	e.zone = 2;
	s = fmt(&e, false, false);
	ck_assert_str_eq(s, "icmp,orig=(src=10.0.0.5,dst=10.0.0.6,id=77,type=8,"
			 "code=0),reply=(src=10.0.0.6,dst=10.0.0.5,id=77,"
			 "type=0,code=0),zone=2");
	free(s);

	memset(&e, 0, sizeof(e));
	e.tuple[0].family = e.tuple[1].family = AF_INET6;
	e.tuple[0].proto = e.tuple[1].proto = 47;	/* GRE: a number */
	inet_pton(AF_INET6, "fd00::1", e.tuple[0].src);
	inet_pton(AF_INET6, "fd00::2", e.tuple[0].dst);
	inet_pton(AF_INET6, "fd00::2", e.tuple[1].src);
	inet_pton(AF_INET6, "fd00::1", e.tuple[1].dst);
	e.labels[15] = 0x80;	/* label bit 127 */
	s = fmt(&e, false, false);
	ck_assert_str_eq(s, "47,orig=(src=fd00::1,dst=fd00::2,sport=0,dport=0),"
			 "reply=(src=fd00::2,dst=fd00::1,sport=0,dport=0),"
			 "labels=0x80000000000000000000000000000000");
	free(s);
}
END_TEST

START_TEST(test_json)
{
	struct wft_ct_entry e = tcp_entry();
	json_t *j = wft_ct_entry_json(&e);

	ck_assert_str_eq(json_string_value(json_object_get(j, "proto")), "tcp");
	ck_assert_int_eq(json_integer_value(json_object_get(
		json_object_get(j, "orig"), "sport")), 33300);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "zone")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(j, "labels")),
			 "0x1234");
	ck_assert_str_eq(json_string_value(json_object_get(
		json_object_get(j, "protoinfo"), "state")), "ESTABLISHED");
	ck_assert_int_eq(json_array_size(json_object_get(j, "status")), 3);
	json_decref(j);
}
END_TEST

START_TEST(test_summary)
{
	struct wft_ct_entry v[4];
	struct wft_ct_entries es = { .v = v, .n = 4, .cap = 4 };
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_ct_summary s;
	json_t *j;

	v[0] = tcp_entry();
	v[1] = tcp_entry();
	v[1].tcp.state = WFT_CT_TCPS_FIN_WAIT_2;
	v[2] = tcp_entry();
	v[2].tuple[0].proto = 17;
	v[3] = tcp_entry();
	v[3].tuple[0].proto = 58;	/* counted, but OVS prints no line */
	wft_ct_summarize(&es, &s);
	wft_ct_format_summary(&sb, &s, true);
	ck_assert_str_eq(wft_strbuf_cstr(&sb),
			 "Connections Stats:\n    Total: 4\n  TCP: 2\n"
			 "    Conn per TCP states:\n\t  [ESTABLISHED]=1\n"
			 "\t  [TIME_WAIT]=1\n  UDP: 1\n");
	wft_strbuf_reset(&sb);
	wft_ct_format_summary(&sb, &s, false);
	ck_assert_str_eq(wft_strbuf_cstr(&sb),
			 "Connections Stats:\n    Total: 4\n  TCP: 2\n"
			 "  UDP: 1\n");
	wft_strbuf_free(&sb);
	j = wft_ct_summary_json(&s);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "icmpv6")), 1);
	json_decref(j);
}
END_TEST

/* Arguments. */

static const struct {
	enum wft_ct_cmd cmd;
	const char *args[5];
	const char *dp;
	int zone;		/* -1: none */
	int n_tuples;
	bool verbose;
} good[] = {
	{ WFT_CT_DUMP, { NULL }, NULL, -1, 0, false },
	{ WFT_CT_DUMP, { "dp0" }, "dp0", -1, 0, false },
	{ WFT_CT_DUMP, { "system@dp0", "zone=7" }, "system@dp0", 7, 0, false },
	{ WFT_CT_DUMP, { "zone=65535" }, NULL, 65535, 0, false },
	{ WFT_CT_FLUSH, { "zone=0" }, NULL, 0, 0, false },
	{ WFT_CT_FLUSH, { "dp0", "zone=1",
	  "ct_nw_src=10.0.0.1,ct_nw_proto=6,ct_tp_dst=80" }, "dp0", 1, 1,
	  false },
	{ WFT_CT_FLUSH, { "ct_nw_src=10.0.0.1", "ct_nw_dst=10.0.0.1" }, NULL,
	  -1, 2, false },
	{ WFT_CT_FLUSH, { "", "ct_nw_dst=10.0.0.1" }, NULL, -1, 2, false },
	{ WFT_CT_STATS, { "verbose" }, NULL, -1, 0, true },
	{ WFT_CT_STATS, { "dp0", "zone=3", "verbose" }, "dp0", 3, 0, true },
};

START_TEST(test_args_good)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ct_args a;
	int argc = 0;

	while (argc < 5 && good[_i].args[argc])
		argc++;
	ck_assert_msg(!wft_ct_parse_args(good[_i].cmd, argc,
					 (char *const *)good[_i].args, &a, &err),
		      "%s", wft_strbuf_cstr(&err));
	if (good[_i].dp)
		ck_assert_str_eq(a.dp, good[_i].dp);
	else
		ck_assert_ptr_null(a.dp);
	ck_assert_int_eq(a.has_zone, good[_i].zone >= 0);
	if (good[_i].zone >= 0)
		ck_assert_int_eq(a.zone, good[_i].zone);
	ck_assert_int_eq(a.n_tuples, good[_i].n_tuples);
	ck_assert_int_eq(a.verbose, good[_i].verbose);
	wft_strbuf_free(&err);
}
END_TEST

static const struct {
	enum wft_ct_cmd cmd;
	const char *args[5];
	const char *msg;
} bad[] = {
	{ WFT_CT_DUMP, { "zone=x" }, "bad zone \"x\"" },
	{ WFT_CT_DUMP, { "zone=65536" }, "bad zone \"65536\"" },
	{ WFT_CT_DUMP, { "zone=-1" }, "bad zone" },
	{ WFT_CT_DUMP, { "zone=1", "zone=2" }, "zone given twice" },
	{ WFT_CT_DUMP, { "dp0", "dp1" }, "unexpected argument \"dp1\"" },
	{ WFT_CT_DUMP, { "ct_nw_src=1.2.3.4" },
	  "unexpected argument \"ct_nw_src=1.2.3.4\"" },
	{ WFT_CT_STATS, { "verbose", "verbose" }, "unexpected argument" },
	{ WFT_CT_FLUSH, { "ct_nw_src=1.2.3.4", "zone=1" },
	  "zone= must come before the tuples" },
	{ WFT_CT_FLUSH, { "a=1", "b=2", "c=3" }, "invalid conntrack tuple "
	  "field: a" },
	{ WFT_CT_FLUSH, { "ct_nw_src=1.2.3.4", "ct_nw_dst=1.2.3.4", "x=1" },
	  "too many arguments: x=1" },
	{ WFT_CT_FLUSH, { "ct_nw_src=" }, "field ct_nw_src missing value" },
	{ WFT_CT_FLUSH, { "ct_nw_src=::1" }, "failed to parse field ct_nw_src" },
	{ WFT_CT_FLUSH, { "ct_ipv6_src=1.2.3.4" },
	  "failed to parse field ct_ipv6_src" },
	{ WFT_CT_FLUSH, { "ct_nw_src=1.2.3.4,ct_ipv6_dst=::1" },
	  "the L3 protocol does not match ::1" },
	{ WFT_CT_FLUSH, { "ct_nw_src=1.2.3.4,ct_nw_src=1.2.3.5" },
	  "ct_nw_src is set multiple times" },
	{ WFT_CT_FLUSH, { "ct_nw_proto=300" },
	  "failed to parse field ct_nw_proto" },
	{ WFT_CT_FLUSH, { "ct_tp_src=1" }, "port is set without protocol" },
	{ WFT_CT_FLUSH, { "ct_nw_proto=6,ct_tp_dst=65536" },
	  "failed to parse field ct_tp_dst" },
	{ WFT_CT_FLUSH, { "ct_nw_proto=6,icmp_type=8" }, "invalid L4 fields" },
	{ WFT_CT_FLUSH, { "ct_foo=1" }, "invalid conntrack tuple field: ct_foo" },
	{ WFT_CT_FLUSH, { "dp0", "ct_nw_src" },
	  "unexpected argument \"ct_nw_src\"" },
};

START_TEST(test_args_bad)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ct_args a;
	int argc = 0;

	while (argc < 5 && bad[_i].args[argc])
		argc++;
	ck_assert_int_eq(wft_ct_parse_args(bad[_i].cmd, argc,
					   (char *const *)bad[_i].args, &a,
					   &err), -EINVAL);
	ck_assert_msg(strstr(wft_strbuf_cstr(&err), bad[_i].msg),
		      "\"%s\" lacks \"%s\"", wft_strbuf_cstr(&err),
		      bad[_i].msg);
	wft_strbuf_free(&err);
}
END_TEST

/* Which entries a flush-conntrack tuple selects. */
START_TEST(test_match)
{
	static const struct {
		const char *orig, *reply;
		bool hit;
	} cases[] = {
		{ "ct_nw_src=10.0.0.1", NULL, true },
		{ "ct_nw_src=10.0.0.2", NULL, false },
		{ "ct_nw_dst=10.0.0.2,ct_nw_proto=6", NULL, true },
		{ "ct_nw_proto=17", NULL, false },
		{ "ct_nw_proto=6,ct_tp_dst=80", NULL, true },
		{ "ct_nw_proto=6,ct_tp_dst=81", NULL, false },
		{ "ct_ipv6_src=::1", NULL, false },
		{ "", "ct_nw_src=10.0.0.2,ct_nw_proto=6,ct_tp_src=80", true },
		{ "", "ct_nw_src=10.0.0.1", false },
		{ "ct_nw_src=10.0.0.1", "ct_nw_src=10.0.0.2", true },
	};
	struct wft_ct_entry e = tcp_entry();

	for (size_t i = 0; i < N(cases); i++) {
		struct wft_ct_match m;

		memset(&m, 0, sizeof(m));
		ck_assert_int_eq(wft_ct_match_parse(cases[i].orig, &m, 0, NULL),
				 0);
		if (cases[i].reply)
			ck_assert_int_eq(wft_ct_match_parse(cases[i].reply, &m,
							    1, NULL), 0);
		ck_assert_msg(wft_ct_match_entry(&m, &e) == cases[i].hit,
			      "%s %s", cases[i].orig,
			      cases[i].reply ? cases[i].reply : "");
	}
}
END_TEST

static Suite *ct_suite(void)
{
	Suite *s = suite_create("ct");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_format_plain);
	tcase_add_test(tc, test_format_verbose_stats);
	tcase_add_test(tc, test_format_coalesce_icmp_v6);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_summary);
	suite_add_tcase(s, tc);
	tc = tcase_create("args");
	tcase_add_loop_test(tc, test_args_good, 0, N(good));
	tcase_add_loop_test(tc, test_args_bad, 0, N(bad));
	tcase_add_test(tc, test_match);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ct_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
