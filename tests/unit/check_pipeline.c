// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the pipeline (include/weft/pipeline.h): OpenFlow flow_mod
 * semantics (add replaces in place, check_overlap, loose and strict modify
 * and delete, cookie masks, out_port), dumps, expiry, table statistics,
 * the version counter, and lookups racing rule updates in threads.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ofp_flow.h"
#include "weft/pipeline.h"

/* Applies an ovs-ofctl style flow for @cmd; returns the rules affected. */
static size_t fm_text(struct wft_pipeline *p, enum wft_ofp_command cmd,
		      const char *s, long long now, struct wft_rule_list *out,
		      int *err)
{
	static const enum wft_fm_command map[] = {
		[WFT_OFPFC_ADD] = WFT_FM_ADD,
		[WFT_OFPFC_MODIFY] = WFT_FM_MODIFY,
		[WFT_OFPFC_MODIFY_STRICT] = WFT_FM_MODIFY_STRICT,
		[WFT_OFPFC_DELETE] = WFT_FM_DELETE,
		[WFT_OFPFC_DELETE_STRICT] = WFT_FM_DELETE_STRICT,
	};
	struct wft_ofp_flow f;
	struct wft_flow_mod fm;
	char msg[256];
	size_t n = 0;
	int r;

	r = wft_ofp_flow_parse(s, cmd, &f, msg, sizeof(msg));
	ck_assert_msg(!r, "%s: %s", s, msg);
	wft_flow_mod_init(&fm, map[cmd]);
	if (f.table != WFT_TABLE_ALL || cmd != WFT_OFPFC_ADD)
		fm.table_id = f.table;
	fm.priority = f.priority;
	fm.match = f.match;
	fm.wc = f.mask;
	fm.cookie = f.cookie;
	fm.cookie_mask = f.cookie_mask;
	if (cmd == WFT_OFPFC_MODIFY || cmd == WFT_OFPFC_MODIFY_STRICT) {
		if (!f.cookie_mask && f.cookie)
			fm.new_cookie = f.cookie;
	}
	fm.idle_timeout = f.idle_timeout;
	fm.hard_timeout = f.hard_timeout;
	fm.flags = f.flags;
	fm.out_port = f.out_port;
	fm.actions = &f.actions;
	r = wft_pipeline_flow_mod(p, &fm, now, out, &n);
	if (err)
		*err = r;
	else
		ck_assert_int_eq(r, 0);
	wft_ofp_flow_uninit(&f);
	return n;
}

static void add(struct wft_pipeline *p, const char *s)
{
	ck_assert_uint_eq(fm_text(p, WFT_OFPFC_ADD, s, 0, NULL, NULL), 1);
}

static struct wft_rule *lookup(struct wft_pipeline *p, uint8_t table,
			       const char *pkt)
{
	struct wft_flow f;
	struct wft_flow_wc m;
	struct wft_rule *r;
	char msg[256];

	ck_assert_msg(!wft_ofp_match_parse(pkt, &f, &m, msg, sizeof(msg)),
		      "%s: %s", pkt, msg);
	wft_pipeline_read_lock(p);
	r = wft_pipeline_lookup(p, table, &f, NULL);
	wft_pipeline_read_unlock(p);
	return r;
}

static uint32_t first_output(const struct wft_rule *r)
{
	return r && r->actions.n && r->actions.acts[0].type ==
	       WFT_OFPACT_OUTPUT ? r->actions.acts[0].output.port : 0;
}

START_TEST(test_add_replaces_in_place)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_rule *r;
	uint64_t v0 = wft_pipeline_version(p);

	add(p, "priority=10,ip,nw_dst=10.0.0.1,actions=output:1");
	ck_assert_uint_gt(wft_pipeline_version(p), v0);
	r = lookup(p, 0, "ip,nw_dst=10.0.0.1");
	ck_assert_ptr_nonnull(r);
	wft_rule_credit(r, 3, 300, 5);
	/* Same match and priority: the same rule, new actions, counts kept. */
	add(p, "priority=10,ip,nw_dst=10.0.0.1,cookie=0x7,actions=output:2");
	ck_assert_ptr_eq(lookup(p, 0, "ip,nw_dst=10.0.0.1"), r);
	ck_assert_uint_eq(first_output(r), 2);
	ck_assert_uint_eq(r->cookie, 7);
	ck_assert_uint_eq(r->n_packets, 3);
	ck_assert_uint_eq(r->n_bytes, 300);
	add(p, "priority=10,ip,nw_dst=10.0.0.1,reset_counts,actions=output:3");
	ck_assert_uint_eq(r->n_packets, 0);
	ck_assert_uint_eq(wft_pipeline_n_rules(p), 1);
	/* Another priority is another rule. */
	add(p, "priority=11,ip,nw_dst=10.0.0.1,actions=output:4");
	ck_assert_uint_eq(wft_pipeline_n_rules(p), 2);
	ck_assert_uint_eq(first_output(lookup(p, 0, "ip,nw_dst=10.0.0.1")), 4);
	wft_pipeline_destroy(p);
}
END_TEST

START_TEST(test_check_overlap)
{
	struct wft_pipeline *p = wft_pipeline_create();
	int err;

	add(p, "priority=10,ip,nw_dst=10.0.0.0/24,actions=output:1");
	fm_text(p, WFT_OFPFC_ADD,
		"priority=10,ip,nw_src=1.1.1.1,check_overlap,actions=output:2",
		0, NULL, &err);
	ck_assert_int_eq(err, -EEXIST);
	/* Disjoint, or another priority: fine. */
	fm_text(p, WFT_OFPFC_ADD,
		"priority=10,ip,nw_dst=10.0.1.0/24,check_overlap,actions=output:2",
		0, NULL, &err);
	ck_assert_int_eq(err, 0);
	fm_text(p, WFT_OFPFC_ADD,
		"priority=11,ip,check_overlap,actions=output:2", 0, NULL, &err);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(wft_pipeline_n_rules(p), 3);
	wft_pipeline_destroy(p);
}
END_TEST

/* An add without a table goes to table 0; a bad priority is refused. */
START_TEST(test_add_defaults)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_flow_mod fm;

	wft_flow_mod_init(&fm, WFT_FM_ADD);
	fm.table_id = WFT_TABLE_ALL;
	ck_assert_int_eq(wft_pipeline_flow_mod(p, &fm, 0, NULL, NULL), 0);
	ck_assert_ptr_nonnull(lookup(p, 0, "ip"));
	fm.priority = 70000;
	ck_assert_int_eq(wft_pipeline_flow_mod(p, &fm, 0, NULL, NULL),
			 -EINVAL);
	ck_assert_uint_eq(wft_pipeline_n_rules(p), 1);
	wft_pipeline_destroy(p);
}
END_TEST

static void three_rules(struct wft_pipeline *p)
{
	add(p, "table=0,priority=10,cookie=0x11,ip,nw_dst=10.0.0.1,actions=output:1");
	add(p, "table=0,priority=20,cookie=0x12,ip,nw_dst=10.0.0.0/24,actions=output:2");
	add(p, "table=3,priority=10,cookie=0x21,ip,nw_dst=10.0.0.1,actions=output:1,output:3");
}

/* Table-driven deletes: the flow, strictness, rules deleted, left. */
static const struct {
	const char *flow;
	bool strict;
	size_t n_deleted;
} delete_cases[] = {
	{ "ip", false, 3 },
	{ "table=0,ip", false, 2 },
	{ "ip,nw_dst=10.0.0.1", false, 2 },
	{ "ip,nw_dst=10.0.0.0/24", false, 3 },
	{ "ip,nw_dst=10.0.0.0/24", true, 0 },	/* strict: priority 32768 */
	{ "priority=20,ip,nw_dst=10.0.0.0/24", true, 1 },
	{ "priority=10,ip,nw_dst=10.0.0.1", true, 2 },
	{ "cookie=0x10/0xf0", false, 2 },
	{ "cookie=0x20/0xf0,ip", false, 1 },
	{ "out_port=3", false, 1 },
	{ "out_port=1", false, 2 },
	{ "", false, 3 },
};

START_TEST(test_delete)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_rule_list removed;
	size_t i, n;

	three_rules(p);
	wft_rule_list_init(&removed);
	n = fm_text(p, delete_cases[_i].strict ? WFT_OFPFC_DELETE_STRICT
					       : WFT_OFPFC_DELETE,
		    delete_cases[_i].flow, 0, &removed, NULL);
	ck_assert_uint_eq(n, delete_cases[_i].n_deleted);
	ck_assert_uint_eq(removed.n, n);
	for (i = 0; i < removed.n; i++)
		ck_assert_int_eq(removed.rules[i]->removed, WFT_RULE_DELETED);
	ck_assert_uint_eq(wft_pipeline_n_rules(p), 3 - n);
	wft_rule_list_destroy(&removed);
	wft_pipeline_destroy(p);
}
END_TEST

START_TEST(test_modify)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_rule *r;

	three_rules(p);
	/* Loose, one table: both table-0 rules. */
	ck_assert_uint_eq(fm_text(p, WFT_OFPFC_MODIFY,
				  "table=0,ip,actions=output:9", 0, NULL,
				  NULL), 2);
	ck_assert_uint_eq(first_output(lookup(p, 0, "ip,nw_dst=10.0.0.9")), 9);
	ck_assert_uint_eq(first_output(lookup(p, 3, "ip,nw_dst=10.0.0.1")), 1);
	/* Strict needs the priority. */
	ck_assert_uint_eq(fm_text(p, WFT_OFPFC_MODIFY_STRICT,
				  "table=3,priority=10,ip,nw_dst=10.0.0.1,"
				  "cookie=0x99,actions=output:8", 0, NULL,
				  NULL), 1);
	r = lookup(p, 3, "ip,nw_dst=10.0.0.1");
	ck_assert_uint_eq(first_output(r), 8);
	ck_assert_uint_eq(r->cookie, 0x99);
	/* A cookie filter that selects nothing adds nothing. */
	ck_assert_uint_eq(fm_text(p, WFT_OFPFC_MODIFY,
				  "cookie=0x5/0xff,ip,actions=output:7", 0,
				  NULL, NULL), 0);
	ck_assert_uint_eq(wft_pipeline_n_rules(p), 3);
	/* Without one, a modify that selects nothing adds, as OVS does. */
	ck_assert_uint_eq(fm_text(p, WFT_OFPFC_MODIFY,
				  "table=5,arp,actions=output:7", 0, NULL,
				  NULL), 1);
	ck_assert_uint_eq(first_output(lookup(p, 5, "arp")), 7);
	wft_pipeline_destroy(p);
}
END_TEST

START_TEST(test_dump_order_and_filter)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_rule_list l;
	struct wft_flow_mod fm;

	three_rules(p);
	add(p, "table=0,priority=20,arp,actions=drop");
	wft_rule_list_init(&l);
	wft_pipeline_dump(p, NULL, &l);
	ck_assert_uint_eq(l.n, 4);
	/* Table, then priority down, then age. */
	ck_assert_uint_eq(l.rules[0]->cookie, 0x12);
	ck_assert_int_eq(wft_rule_priority(l.rules[1]), 20);
	ck_assert_uint_eq(l.rules[1]->cookie, 0);
	ck_assert_uint_eq(l.rules[2]->cookie, 0x11);
	ck_assert_uint_eq(l.rules[3]->table_id, 3);
	wft_rule_list_destroy(&l);

	wft_flow_mod_init(&fm, WFT_FM_DELETE);
	fm.table_id = 3;
	wft_pipeline_dump(p, &fm, &l);
	ck_assert_uint_eq(l.n, 1);
	wft_rule_list_destroy(&l);
	wft_pipeline_destroy(p);
}
END_TEST

START_TEST(test_expiry)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_rule_list l;
	struct wft_rule *idle;

	fm_text(p, WFT_OFPFC_ADD, "priority=5,ip,idle_timeout=10,actions=drop",
		1000, NULL, NULL);
	fm_text(p, WFT_OFPFC_ADD, "priority=2,arp,hard_timeout=5,actions=drop",
		1000, NULL, NULL);
	fm_text(p, WFT_OFPFC_ADD, "priority=3,actions=drop", 1000, NULL, NULL);
	idle = lookup(p, 0, "ip");
	wft_rule_list_init(&l);
	ck_assert_uint_eq(wft_pipeline_expire(p, 5999, &l), 0);
	ck_assert_uint_eq(wft_pipeline_expire(p, 6000, &l), 1);
	ck_assert_int_eq(l.rules[0]->removed, WFT_RULE_HARD_TIMEOUT);
	/* Use pushes the idle expiry back. */
	wft_rule_credit(idle, 1, 60, 9000);
	ck_assert_uint_eq(wft_pipeline_expire(p, 18999, &l), 0);
	ck_assert_uint_eq(wft_pipeline_expire(p, 19000, &l), 1);
	ck_assert_int_eq(l.rules[1]->removed, WFT_RULE_IDLE_TIMEOUT);
	ck_assert_uint_eq(wft_pipeline_n_rules(p), 1);
	wft_rule_list_destroy(&l);
	wft_pipeline_destroy(p);
}
END_TEST

START_TEST(test_table_stats)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_table_stats st;

	add(p, "table=2,ip,actions=drop");
	lookup(p, 2, "ip");
	lookup(p, 2, "arp");
	lookup(p, 2, "ip");
	wft_pipeline_table_stats(p, 2, &st);
	ck_assert_uint_eq(st.n_rules, 1);
	ck_assert_uint_eq(st.n_lookups, 3);
	ck_assert_uint_eq(st.n_matches, 2);
	wft_pipeline_destroy(p);
}
END_TEST

/* A rule a reader still holds outlives its deletion. */
START_TEST(test_rule_reference)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_rule *r;

	add(p, "ip,actions=output:4");
	wft_pipeline_read_lock(p);
	r = lookup(p, 0, "ip");
	wft_rule_ref(r);
	wft_pipeline_read_unlock(p);
	fm_text(p, WFT_OFPFC_DELETE, "", 0, NULL, NULL);
	ck_assert_int_eq(r->removed, WFT_RULE_DELETED);
	ck_assert_uint_eq(first_output(r), 4);
	wft_rule_credit(r, 1, 1, 1);
	wft_rule_unref(r);
	wft_pipeline_destroy(p);
}
END_TEST

/* Lookups in threads while the main thread adds and deletes. */
struct reader {
	struct wft_pipeline *p;
	_Atomic bool *stop;
	unsigned long hits;
};

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	struct wft_flow f;
	struct wft_flow_wc wc;
	uint32_t i = 0;

	memset(&f, 0, sizeof(f));
	f.dl_type = htons(WFT_ETH_TYPE_IP);
	while (!atomic_load(rd->stop)) {
		struct wft_rule *r;

		f.nw_dst = htonl(0x0a000000 | (i++ % 512));
		wft_flow_wc_init_catchall(&wc);
		wft_pipeline_read_lock(rd->p);
		r = wft_pipeline_lookup(rd->p, 0, &f, &wc);
		if (r && r->actions.n)
			rd->hits += r->actions.acts[0].output.port != 0;
		wft_pipeline_read_unlock(rd->p);
		/* Under valgrind, which runs one thread at a time, a reader
		 * that never gives up the CPU can hold the writer off. */
		sched_yield();
	}
	return NULL;
}

START_TEST(test_concurrent_lookups)
{
	struct wft_pipeline *p = wft_pipeline_create();
	_Atomic bool stop = false;
	struct reader rd[2] = { { p, &stop, 0 }, { p, &stop, 0 } };
	pthread_t th[2];
	char s[128];
	int i, round;

	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, reader_main, &rd[i]);
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 64; i++) {
			snprintf(s, sizeof(s), "priority=%d,ip,nw_dst=10.0.%d.%d/%d,"
				 "actions=output:%d", i, i % 2, i * 4,
				 24 + i % 9, i + 1);
			add(p, s);
		}
		fm_text(p, WFT_OFPFC_DELETE, "ip", 0, NULL, NULL);
	}
	atomic_store(&stop, true);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	ck_assert_uint_eq(wft_pipeline_n_rules(p), 0);
	wft_pipeline_destroy(p);
}
END_TEST

static Suite *pipeline_suite(void)
{
	Suite *s = suite_create("pipeline");
	TCase *tc;

	tc = tcase_create("add");
	tcase_add_test(tc, test_add_replaces_in_place);
	tcase_add_test(tc, test_check_overlap);
	tcase_add_test(tc, test_add_defaults);
	suite_add_tcase(s, tc);

	tc = tcase_create("modify_delete");
	tcase_add_loop_test(tc, test_delete, 0,
			    sizeof(delete_cases) / sizeof(delete_cases[0]));
	tcase_add_test(tc, test_modify);
	suite_add_tcase(s, tc);

	tc = tcase_create("read");
	tcase_add_test(tc, test_dump_order_and_filter);
	tcase_add_test(tc, test_table_stats);
	tcase_add_test(tc, test_rule_reference);
	suite_add_tcase(s, tc);

	tc = tcase_create("expiry");
	tcase_add_test(tc, test_expiry);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_concurrent_lookups);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pipeline_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
