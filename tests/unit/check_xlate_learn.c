// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for learn(...) in translations and in the pipeline:
 *  - MAC learning built from learn (the classic OVS tutorial): the first
 *    packet floods and learns its source, the reply goes out of one port
 *    only; the learned rules are ordinary rules with what the specs
 *    said (match from the packet, load of in_port), and the learning
 *    source fields are in the megaflow;
 *  - a trace and a translation that may not learn show or build the rule
 *    but add nothing;
 *  - learning the same rule again restarts its timeouts without a
 *    pipeline version bump (no revalidation), a different one bumps it;
 *  - idle timeouts expire learned rules;
 *  - delete_learned: deleting the rule that learns deletes what it
 *    learned (its table and cookie), and only that, and so does
 *    changing its actions to ones without the learn;
 *  - the OVN chassis' full replace leaves learned rules alone;
 *  - fin_idle_timeout/fin_hard_timeout: the learned rule holds
 *    fin_timeout(...), and once a FIN or RST is credited to it (not an
 *    ACK) its timeouts shrink to those, survive a relearn, and expire
 *    it; a written fin_timeout does the same to its own rule.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weft/loop.h"
#include "agent/lib/ofproto_rpc.h"
#include "xlate_testlib.h"

#define A "00:00:00:00:00:0a"
#define B "00:00:00:00:00:0b"
#define C "00:00:00:00:00:0c"

static const char *const mac_rules[] = {
	"table=0,actions=learn(table=10,idle_timeout=60,"
	"NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
	"load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]),resubmit(,1)",
	"table=1,actions=resubmit(,10),resubmit(,2)",
	"table=2,priority=50,reg0=0,actions=flood",
	"table=2,priority=40,actions=output:NXM_NX_REG0[0..15]",
	NULL,
};

/* The rules of @table as "MATCH actions=ACTIONS" lines. */
static char *table_text(struct wft_pipeline *p, uint8_t table)
{
	struct wft_rule_list rules;
	struct wft_flow_mod fm;
	struct wft_strbuf sb;
	size_t i;

	wft_flow_mod_init(&fm, WFT_FM_DELETE);
	fm.table_id = table;
	wft_rule_list_init(&rules);
	wft_pipeline_dump(p, &fm, &rules);
	wft_strbuf_init(&sb);
	for (i = 0; i < rules.n; i++) {
		const struct wft_rule *r = rules.rules[i];
		struct wft_flow_wc mask;
		struct wft_flow match;

		if (i)
			wft_strbuf_putc(&sb, '\n');
		if (r->idle_timeout)
			wft_strbuf_printf(&sb, "idle=%u ", r->idle_timeout);
		if (r->cookie)
			wft_strbuf_printf(&sb, "cookie=%#llx ",
					  (unsigned long long)r->cookie);
		wft_cls_rule_get_match(&r->cr, &match, &mask);
		wft_ofp_match_format(&match, &mask,
				     (unsigned int)r->cr.priority, &sb);
		wft_strbuf_puts(&sb, " actions=");
		wft_ofp_actions_format(&r->actions, &match, &mask, &sb);
	}
	wft_rule_list_destroy(&rules);
	return wft_strbuf_steal(&sb);
}

static void check_table(struct wft_pipeline *p, uint8_t table,
			const char *want)
{
	char *got = table_text(p, table);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_mac_learning)
{
	struct run r;

	run_init(&r, mac_rules);
	r.in.may_learn = true;
	/* A -> B from port 1: nobody knows B, flood; A is learned. */
	run_xlate(&r, "in_port=1,dl_src=" A ",dl_dst=" B);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "12,13,14");
	check_table(r.p, 10, "idle=60 vlan_tci=0x0000/0x0fff,dl_dst=" A
		    " actions=load:0x1->NXM_NX_REG0[0..15]");
	/* The learning read the source MAC and the VID: both matched. */
	ck_assert_msg(strstr(wft_strbuf_cstr(&r.mf), "src=" A),
		      "%s", wft_strbuf_cstr(&r.mf));
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	/* B -> A from port 3: straight to port 1; B learned on port 3. */
	run_xlate(&r, "in_port=3,dl_src=" B ",dl_dst=" A);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "11");
	check_table(r.p, 10,
		    "idle=60 vlan_tci=0x0000/0x0fff,dl_dst=" A
		    " actions=load:0x1->NXM_NX_REG0[0..15]\n"
		    "idle=60 vlan_tci=0x0000/0x0fff,dl_dst=" B
		    " actions=load:0x3->NXM_NX_REG0[0..15]");
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	run_xlate(&r, "in_port=1,dl_src=" A ",dl_dst=" B);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "13");
	ck_assert(wft_pipeline_n_learned(r.p) == 2);
	ck_assert(wft_pipeline_n_rules(r.p) == 6);
	run_free(&r);
}
END_TEST

/* A trace shows the rule; neither it nor a translation that may not
 * learn adds one. */
START_TEST(test_no_learning)
{
	struct run r;
	size_t i;
	bool noted = false;

	run_init(&r, mac_rules);
	r.in.trace = true;
	r.in.may_learn = true;
	run_xlate(&r, "in_port=2,dl_src=" C ",dl_dst=" B);
	for (i = 0; i < r.out.trace.n; i++) {
		const char *t = r.out.trace.entries[i].text;

		if (t && strstr(t, "learn: table=10 idle_timeout=60 "
				"vlan_tci=0x0000/0x0fff,dl_dst=" C
				" actions=load:0x2->NXM_NX_REG0[0..15]"))
			noted = true;
	}
	ck_assert_msg(noted, "the trace does not show the learned rule");
	ck_assert(r.out.has_learn);
	check_table(r.p, 10, "");
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	r.in.trace = false;
	r.in.may_learn = false;
	run_xlate(&r, "in_port=2,dl_src=" C ",dl_dst=" B);
	ck_assert(r.out.has_learn);
	check_table(r.p, 10, "");
	ck_assert(wft_pipeline_n_learned(r.p) == 0);
	run_free(&r);
}
END_TEST

START_TEST(test_relearn_refreshes)
{
	struct wft_rule_list expired;
	struct run r;
	uint64_t v;
	long long now;

	run_init(&r, mac_rules);
	r.in.may_learn = true;
	run_xlate(&r, "in_port=1,dl_src=" A ",dl_dst=" B);
	v = wft_pipeline_version(r.p);
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	/* The same again: nothing changes but the rule's timers. */
	run_xlate(&r, "in_port=1,dl_src=" A ",dl_dst=" B);
	ck_assert(wft_pipeline_version(r.p) == v);
	/* A moved to port 4: the rule changes, and that is a change. */
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	run_xlate(&r, "in_port=4,dl_src=" A ",dl_dst=" B);
	ck_assert(wft_pipeline_version(r.p) != v);
	check_table(r.p, 10, "idle=60 vlan_tci=0x0000/0x0fff,dl_dst=" A
		    " actions=load:0x4->NXM_NX_REG0[0..15]");
	/* Idle for less than 60 s: kept; for more: gone. */
	now = (long long)wft_loop_now();
	wft_rule_list_init(&expired);
	ck_assert(wft_pipeline_expire(r.p, now + 30000, &expired) == 0);
	ck_assert(wft_pipeline_expire(r.p, now + 61000, &expired) == 1);
	ck_assert(expired.rules[0]->removed == WFT_RULE_IDLE_TIMEOUT);
	wft_rule_list_destroy(&expired);
	check_table(r.p, 10, "");
	ck_assert(wft_pipeline_n_learned(r.p) == 0);
	run_free(&r);
}
END_TEST

static const char *const dl_rules[] = {
	"table=0,priority=10,ip,actions=learn(table=5,delete_learned,"
	"cookie=0x7,eth_type=0x800,NXM_OF_IP_SRC[],load:0x1->NXM_NX_REG1[]),"
	"resubmit(,5)",
	"table=5,cookie=0x8,priority=1,actions=drop",
	NULL,
};

START_TEST(test_delete_learned)
{
	struct wft_flow_mod fm;
	struct run r;
	char err[256];
	struct wft_ofp_flow f;

	run_init(&r, dl_rules);
	r.in.may_learn = true;
	run_xlate(&r, "in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2");
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	run_xlate(&r, "in_port=1,ip,nw_src=10.0.0.3,nw_dst=10.0.0.2");
	check_table(r.p, 5,
		    "cookie=0x7 ip,nw_src=10.0.0.1 actions=load:0x1->NXM_NX_REG1[]\n"
		    "cookie=0x7 ip,nw_src=10.0.0.3 actions=load:0x1->NXM_NX_REG1[]\n"
		    "cookie=0x8 priority=1 actions=drop");
	/* The learning rule goes: so do its rules, not the others. */
	ck_assert(!wft_ofp_flow_parse("table=0,priority=10,ip",
				      WFT_OFPFC_DELETE_STRICT, &f, err,
				      sizeof(err)));
	wft_flow_mod_init(&fm, WFT_FM_DELETE_STRICT);
	fm.table_id = 0;
	fm.priority = 10;
	fm.match = f.match;
	fm.wc = f.mask;
	ck_assert_int_eq(wft_pipeline_flow_mod(r.p, &fm, 0, NULL, NULL), 0);
	wft_ofp_flow_uninit(&f);
	check_table(r.p, 5, "cookie=0x8 priority=1 actions=drop");
	ck_assert(wft_pipeline_n_learned(r.p) == 0);
	run_free(&r);
}
END_TEST

/* Two rules learn into the same table and cookie: deleting one keeps
 * what was learned, deleting both removes it (OVS keys on the pair). */
START_TEST(test_delete_learned_shared)
{
	static const char *const rules[] = {
		"table=0,priority=10,ip,actions=learn(table=5,delete_learned,"
		"cookie=0x7,eth_type=0x800,NXM_OF_IP_SRC[]),resubmit(,1)",
		"table=1,priority=10,ip,actions=learn(table=5,delete_learned,"
		"cookie=0x7,eth_type=0x800,NXM_OF_IP_DST[])",
		NULL,
	};
	struct wft_flow_mod fm;
	struct run r;

	run_init(&r, rules);
	r.in.may_learn = true;
	run_xlate(&r, "in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2");
	ck_assert(wft_pipeline_n_learned(r.p) == 2);
	wft_flow_mod_init(&fm, WFT_FM_DELETE);
	fm.table_id = 1;
	ck_assert_int_eq(wft_pipeline_flow_mod(r.p, &fm, 0, NULL, NULL), 0);
	ck_assert(wft_pipeline_n_learned(r.p) == 2);
	fm.table_id = 0;
	ck_assert_int_eq(wft_pipeline_flow_mod(r.p, &fm, 0, NULL, NULL), 0);
	ck_assert(wft_pipeline_n_learned(r.p) == 0);
	check_table(r.p, 5, "");
	run_free(&r);
}
END_TEST

/* A learning rule whose actions change to ones without the learn takes
 * what it learned with it too, as OVS does. */
START_TEST(test_delete_learned_modify)
{
	static const char *const rules[] = {
		"table=0,priority=10,ip,actions=learn(table=5,delete_learned,"
		"cookie=0x7,eth_type=0x800,NXM_OF_IP_SRC[])",
		NULL,
	};
	struct run r;

	run_init(&r, rules);
	r.in.may_learn = true;
	run_xlate(&r, "in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2");
	ck_assert(wft_pipeline_n_learned(r.p) == 1);
	/* The same actions again: what it learned stays. */
	add_rule(r.p, rules[0]);
	ck_assert(wft_pipeline_n_learned(r.p) == 1);
	add_rule(r.p, "table=0,priority=10,ip,actions=drop");
	ck_assert(wft_pipeline_n_learned(r.p) == 0);
	check_table(r.p, 5, "");
	run_free(&r);
}
END_TEST

/* The OVN chassis replaces br-int's rules with its own (a full pass):
 * with keep_learned, the rules a learn added stay. */
START_TEST(test_replace_keeps_learned)
{
	struct wft_replace_plan pl = { 0 };
	struct wft_ofp_flow f[2];
	struct run r;
	char err[256];
	size_t i;

	run_init(&r, dl_rules);
	r.in.may_learn = true;
	run_xlate(&r, "in_port=1,ip,nw_src=10.0.0.1,nw_dst=10.0.0.2");
	ck_assert(wft_pipeline_n_learned(r.p) == 1);
	for (i = 0; i < 2; i++)
		ck_assert_msg(!wft_ofp_flow_parse(dl_rules[i], WFT_OFPFC_ADD,
						  &f[i], err, sizeof(err)),
			      "%s", err);
	pl.keep_learned = true;
	wft_replace_plan_build(&pl, r.p, f, 2);
	ck_assert_uint_eq(pl.n, 0);
	free(pl.fms);
	free(pl.line);
	memset(&pl, 0, sizeof(pl));
	/* ovs-ofctl replace-flows' semantics: what is not given goes. */
	wft_replace_plan_build(&pl, r.p, f, 2);
	ck_assert_uint_eq(pl.deleted, 1);
	free(pl.fms);
	free(pl.line);
	for (i = 0; i < 2; i++)
		wft_ofp_flow_uninit(&f[i]);
	run_free(&r);
}
END_TEST

static const char *const fin_rules[] = {
	"table=0,tcp,actions=learn(table=10,idle_timeout=60,"
	"hard_timeout=300,fin_idle_timeout=2,fin_hard_timeout=5,"
	"eth_type=0x800,nw_proto=6,NXM_OF_IP_SRC[],NXM_OF_TCP_SRC[],"
	"load:0x1->NXM_NX_REG1[]),resubmit(,10)",
	"table=10,priority=0,actions=drop",
	NULL,
};

#define FIN_PKT "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1000," \
		"tp_dst=80"

/* The rule of @table that translation @r went through, with a reference
 * of its own. */
static struct wft_rule *rule_hit(struct run *r, uint8_t table)
{
	size_t i;

	for (i = 0; i < r->out.rules.n; i++)
		if (r->out.rules.rules[i]->table_id == table) {
			wft_rule_ref(r->out.rules.rules[i]);
			return r->out.rules.rules[i];
		}
	ck_abort_msg("no rule of table %u was hit", table);
	return NULL;
}

static void check_timeouts(const struct wft_rule *rule, unsigned int idle,
			   unsigned int hard)
{
	uint16_t i, h;

	wft_rule_timeouts(rule, &i, &h);
	ck_assert_uint_eq(i, idle);
	ck_assert_uint_eq(h, hard);
}

START_TEST(test_fin_timeout)
{
	struct wft_rule_list expired;
	struct wft_rule *rule;
	struct run r;
	long long now;

	run_init(&r, fin_rules);
	r.in.may_learn = true;
	now = (long long)wft_loop_now();
	run_xlate(&r, FIN_PKT);
	check_table(r.p, 10,
		    "idle=60 tcp,nw_src=10.0.0.1,tp_src=1000 actions="
		    "fin_timeout(idle_timeout=2,hard_timeout=5),"
		    "load:0x1->NXM_NX_REG1[]\n"
		    "priority=0 actions=drop");
	/* The next packet goes through the learned rule. */
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	run_xlate(&r, FIN_PKT);
	rule = rule_hit(&r, 10);
	ck_assert(rule->learned);
	check_timeouts(rule, 60, 300);
	/* SYN, ACK, PSH: nothing; not TCP's flags at all: nothing. */
	wft_rule_note_tcp_flags(rule, 0x002 | 0x010 | 0x008);
	check_timeouts(rule, 60, 300);
	wft_rule_list_init(&expired);
	ck_assert(wft_pipeline_expire(r.p, now + 10000, &expired) == 0);
	/* FIN|ACK: 2 s idle, 5 s hard from now on. */
	wft_rule_note_tcp_flags(rule, 0x011);
	check_timeouts(rule, 2, 5);
	/* Learning the same rule again only refreshes it, as OVS's learn
	 * does: the shrunk timeouts stay. */
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	run_xlate(&r, FIN_PKT);
	check_timeouts(rule, 2, 5);
	ck_assert(wft_pipeline_expire(r.p, now + 1000, &expired) == 0);
	/* Used until +4.5 s: the hard timeout, 5 s from the last learn,
	 * takes it; idle would not have. */
	wft_rule_credit(rule, 1, 60, now + 4500);
	ck_assert(wft_pipeline_expire(r.p, now + 5500, &expired) == 1);
	ck_assert(expired.rules[0] == rule);
	ck_assert(rule->removed == WFT_RULE_HARD_TIMEOUT);
	wft_rule_list_destroy(&expired);
	wft_rule_unref(rule);
	check_table(r.p, 10, "priority=0 actions=drop");
	run_free(&r);
}
END_TEST

/* An RST does it too, and idle expiry follows; a rule with no timeouts
 * of its own gets them from its written fin_timeout. */
START_TEST(test_fin_timeout_rst)
{
	static const char *const rules[] = {
		"table=0,priority=5,tcp,actions=fin_timeout(idle_timeout=1),"
		"resubmit(,10)",
		"table=10,priority=0,actions=drop",
		NULL,
	};
	struct wft_rule_list expired;
	struct wft_rule *rule;
	struct run r;
	long long now;

	run_init(&r, rules);
	now = (long long)wft_loop_now();
	run_xlate(&r, FIN_PKT);
	/* The action itself does nothing to the packet. */
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "drop");
	ck_assert_msg(!strstr(wft_strbuf_cstr(&r.mf), "flags"), "%s",
		      wft_strbuf_cstr(&r.mf));
	rule = rule_hit(&r, 0);
	check_timeouts(rule, 0, 0);
	wft_rule_list_init(&expired);
	ck_assert(wft_pipeline_expire(r.p, now + 3600000, &expired) == 0);
	wft_rule_credit(rule, 1, 60, now + 1000);
	wft_rule_note_tcp_flags(rule, 0x004);
	check_timeouts(rule, 1, 0);
	ck_assert(wft_pipeline_expire(r.p, now + 1500, &expired) == 0);
	ck_assert(wft_pipeline_expire(r.p, now + 2100, &expired) == 1);
	ck_assert(rule->removed == WFT_RULE_IDLE_TIMEOUT);
	wft_rule_list_destroy(&expired);
	wft_rule_unref(rule);
	run_free(&r);
}
END_TEST

static Suite *learn_suite(void)
{
	Suite *s = suite_create("xlate_learn");
	TCase *tc = tcase_create("learn");

	tcase_add_test(tc, test_mac_learning);
	tcase_add_test(tc, test_no_learning);
	tcase_add_test(tc, test_relearn_refreshes);
	tcase_add_test(tc, test_delete_learned);
	tcase_add_test(tc, test_delete_learned_shared);
	tcase_add_test(tc, test_replace_keeps_learned);
	tcase_add_test(tc, test_delete_learned_modify);
	tcase_add_test(tc, test_fin_timeout);
	tcase_add_test(tc, test_fin_timeout_rst);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(learn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
