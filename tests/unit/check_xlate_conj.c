// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for conjunctive matches and the stack, through xlate (rules
 * in ovs-ofctl syntax, datapath actions and megaflows as ovs-dpctl text):
 *  - OVS's semantics: all n clauses at one priority complete an id, the
 *    conj_id=id rule then answers; a better hard rule wins; a missing
 *    clause, a clause at another priority, a missing conj_id rule fall
 *    back to the hard rule; a rule may be a clause of several ids; soft
 *    and hard rules with one match at two priorities;
 *  - the megaflow contract, exhaustively over a grid of packets: two
 *    packets that agree on one's megaflow get the same actions (so the
 *    clause flows' fields are un-wildcarded), and conj_id never reaches
 *    a megaflow;
 *  - modify and delete turn rules soft and hard again;
 *  - push:/pop: move values, exchange registers as OVN's "<->" does, and
 *    read (un-wildcard) what they push.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/odp.h"
#include "weft/odp_flow.h"
#include "weft/ofp_flow.h"
#include "weft/pipeline.h"
#include "weft/xlate.h"

#include "xlate_testlib.h"

#define MF_IP "recirc_id(0),in_port(11),eth(),eth_type(0x0800),"

/* A 2-clause ACL: sources 10.0.0.1 or .3, and TCP port 80 or 443. */
#define ACL_RULES							\
	"priority=100,ip,nw_src=10.0.0.1,actions=conjunction(7,1/2)",	\
	"priority=100,ip,nw_src=10.0.0.3,actions=conjunction(7,1/2)",	\
	"priority=100,tcp,tp_dst=80,actions=conjunction(7,2/2)",	\
	"priority=100,tcp,tp_dst=443,actions=conjunction(7,2/2)",	\
	"priority=100,conj_id=7,ip,actions=output:2",			\
	"priority=1,actions=output:3"

#define TCP(src, dport)							\
	"in_port=1,tcp,nw_src=" src ",nw_dst=10.0.0.9,nw_ttl=64,"	\
	"tp_src=1000,tp_dst=" dport

struct ccase {
	const char *name;
	const char *rules[12];
	const char *packet;
	const char *actions;
	const char *megaflow;	/* NULL: not checked */
};

static const struct ccase cases[] = {
	{ "both clauses: the conj_id rule",
	  { ACL_RULES }, TCP("10.0.0.1", "80"), "12",
	  MF_IP "ipv4(src=10.0.0.1,proto=6,frag=no),tcp(dst=80)" },
	{ "the other element of each set",
	  { ACL_RULES }, TCP("10.0.0.3", "443"), "12", NULL },
	{ "clause 2 missing: the hard rule",
	  { ACL_RULES }, TCP("10.0.0.1", "22"), "13", NULL },
	{ "clause 1 missing: the hard rule",
	  { ACL_RULES }, TCP("10.0.0.2", "80"), "13", NULL },
	{ "a better hard rule wins",
	  { ACL_RULES, "priority=200,tcp,tp_dst=80,actions=output:4" },
	  TCP("10.0.0.1", "80"), "14", NULL },
	{ "a worse hard rule loses",
	  { ACL_RULES, "priority=50,ip,nw_src=10.0.0.1,actions=output:4" },
	  TCP("10.0.0.1", "80"), "12", NULL },
	{ "no conj_id rule: the hard rule",
	  { "priority=100,ip,nw_src=10.0.0.1,actions=conjunction(7,1/2)",
	    "priority=100,tcp,tp_dst=80,actions=conjunction(7,2/2)",
	    "priority=100,conj_id=8,ip,actions=output:2",
	    "priority=1,actions=output:3" },
	  TCP("10.0.0.1", "80"), "13", NULL },
	{ "clauses at two priorities do not combine",
	  { "priority=100,ip,nw_src=10.0.0.1,actions=conjunction(7,1/2)",
	    "priority=90,tcp,tp_dst=80,actions=conjunction(7,2/2)",
	    "priority=100,conj_id=7,ip,actions=output:2",
	    "priority=90,conj_id=7,ip,actions=output:4",
	    "priority=1,actions=output:3" },
	  TCP("10.0.0.1", "80"), "13", NULL },
	{ "three clauses, all there",
	  { "priority=100,ip,nw_src=10.0.0.1,actions=conjunction(7,1/3)",
	    "priority=100,ip,nw_dst=10.0.0.9,actions=conjunction(7,2/3)",
	    "priority=100,tcp,tp_dst=80,actions=conjunction(7,3/3)",
	    "priority=100,conj_id=7,actions=output:2",
	    "priority=1,actions=output:3" },
	  TCP("10.0.0.1", "80"), "12", NULL },
	{ "three clauses, one missing",
	  { "priority=100,ip,nw_src=10.0.0.1,actions=conjunction(7,1/3)",
	    "priority=100,ip,nw_dst=10.0.0.8,actions=conjunction(7,2/3)",
	    "priority=100,tcp,tp_dst=80,actions=conjunction(7,3/3)",
	    "priority=100,conj_id=7,actions=output:2",
	    "priority=1,actions=output:3" },
	  TCP("10.0.0.1", "80"), "13", NULL },
	{ "one rule in two ids: the complete one answers",
	  { "priority=100,ip,nw_src=10.0.0.1,actions=conjunction(7,1/2)",
	    "priority=100,tcp,tp_dst=80,actions=conjunction(7,2/2),"
	    "conjunction(8,1/2)",
	    "priority=100,ip,nw_dst=10.0.0.9,actions=conjunction(8,2/2)",
	    "priority=100,conj_id=7,ip,actions=output:2",
	    "priority=100,conj_id=8,ip,actions=output:4",
	    "priority=1,actions=output:3" },
	  TCP("10.0.0.2", "80"), "14", NULL },
	{ "soft and hard rules with one match",
	  { "priority=100,ip,nw_src=10.0.0.1,actions=conjunction(7,1/2)",
	    "priority=50,ip,nw_src=10.0.0.1,actions=output:4",
	    "priority=100,tcp,tp_dst=80,actions=conjunction(7,2/2)",
	    "priority=100,conj_id=7,ip,actions=output:2",
	    "priority=1,actions=output:3" },
	  TCP("10.0.0.1", "22"), "14", NULL },
	{ "the conj_id rule's own match counts",
	  { "priority=100,ip,nw_src=10.0.0.1,actions=conjunction(7,1/2)",
	    "priority=100,tcp,tp_dst=80,actions=conjunction(7,2/2)",
	    "priority=100,conj_id=7,ip,nw_ttl=1,actions=output:2",
	    "priority=1,actions=output:3" },
	  TCP("10.0.0.1", "80"), "13", NULL },
	{ "conjunctions in a resubmitted table",
	  { "in_port=1,actions=resubmit(,5)",
	    "table=5,priority=100,ip,nw_src=10.0.0.1,"
	    "actions=conjunction(1,1/2)",
	    "table=5,priority=100,tcp,tp_dst=80,actions=conjunction(1,2/2)",
	    "table=5,priority=100,conj_id=1,actions=output:2" },
	  TCP("10.0.0.1", "80"), "12", NULL },
	{ "push and pop move a value",
	  { "in_port=1,actions=load:0x5->NXM_NX_REG0[],push:NXM_NX_REG0[],"
	    "pop:NXM_NX_REG1[],output:NXM_NX_REG1[0..15]" },
	  TCP("10.0.0.1", "80"), "15", NULL },
	{ "OVN's <->: push a, push b, pop a, pop b",
	  { "in_port=1,actions=load:0x2->NXM_NX_REG0[],"
	    "load:0x3->NXM_NX_REG1[],push:NXM_NX_REG0[],push:NXM_NX_REG1[],"
	    "pop:NXM_NX_REG0[],pop:NXM_NX_REG1[],output:NXM_NX_REG0[0..15],"
	    "output:NXM_NX_REG1[0..15]" },
	  TCP("10.0.0.1", "80"), "13,12", NULL },
	{ "push reads the packet, pop writes it",
	  { "in_port=1,ip,actions=push:NXM_OF_IP_SRC[],pop:NXM_OF_IP_DST[],"
	    "output:2" },
	  TCP("10.0.0.1", "80"), "set(ipv4(dst=10.0.0.1)),12",
	  MF_IP "ipv4(src=10.0.0.1,frag=no)" },
	{ "a clone's pushes and pops are its own",
	  { "in_port=1,actions=load:0x2->NXM_NX_REG0[],push:NXM_NX_REG0[],"
	    "clone(pop:NXM_NX_REG1[],load:0x3->NXM_NX_REG2[],"
	    "push:NXM_NX_REG2[],push:NXM_NX_REG2[]),"
	    "load:0x4->NXM_NX_REG1[],pop:NXM_NX_REG1[],"
	    "output:NXM_NX_REG1[0..15],pop:NXM_NX_REG1[],"
	    "output:NXM_NX_REG1[0..15]" },
	  TCP("10.0.0.1", "80"), "12,12", NULL },
	{ "a pop of an empty stack does nothing",
	  { "in_port=1,actions=load:0x2->NXM_NX_REG0[],pop:NXM_NX_REG0[],"
	    "output:NXM_NX_REG0[0..15]" },
	  TCP("10.0.0.1", "80"), "12", NULL },
};

START_TEST(test_cases)
{
	const struct ccase *c = &cases[_i];
	struct run r;

	run_init(&r, c->rules);
	run_xlate(&r, c->packet);
	ck_assert_msg(!r.out.error, "%s: %s", c->name, r.out.errmsg);
	ck_assert_msg(!strcmp(wft_strbuf_cstr(&r.acts), c->actions),
		      "%s: actions %s, want %s", c->name,
		      wft_strbuf_cstr(&r.acts), c->actions);
	ck_assert_msg(!c->megaflow ||
		      !strcmp(wft_strbuf_cstr(&r.mf), c->megaflow),
		      "%s: megaflow %s, want %s", c->name,
		      wft_strbuf_cstr(&r.mf), c->megaflow);
	ck_assert_uint_eq(r.out.wc.masks.conj_id, 0);
	run_free(&r);
}
END_TEST

/*
 * Every packet of a grid through a pipeline of conjunctions at two
 * priorities over the fields the grid varies (one only in a conj_id
 * rule's own match); any two packets
 * where the second agrees with the first on the first's megaflow must
 * get the same actions.
 */
START_TEST(test_megaflow_contract)
{
	static const char *const rules[] = {
		"priority=100,ip,nw_src=10.0.0.1,actions=conjunction(1,1/2)",
		"priority=100,ip,nw_src=10.0.0.2,actions=conjunction(1,1/2)",
		"priority=100,tcp,tp_dst=80,actions=conjunction(1,2/2)",
		"priority=100,udp,tp_dst=80,actions=conjunction(1,2/2)",
		"priority=100,conj_id=1,ip,actions=output:2",
		"priority=90,ip,nw_dst=10.0.0.9,actions=conjunction(2,1/2)",
		"priority=90,tcp,tp_dst=443,actions=conjunction(2,2/2)",
		"priority=90,conj_id=2,ip,nw_ttl=64,actions=output:4",
		"priority=95,udp,tp_dst=443,actions=output:5",
		"priority=1,actions=output:3",
		NULL,
	};
	static const char *const srcs[] = { "10.0.0.1", "10.0.0.2",
					    "10.0.0.3", "10.1.0.1" };
	static const char *const dsts[] = { "10.0.0.9", "10.0.0.8" };
	static const char *const protos[] = { "tcp", "udp" };
	static const char *const dports[] = { "80", "443", "22" };
	static const char *const ttls[] = { "64", "63" };
	enum { N = 4 * 2 * 2 * 3 * 2 };
	struct wft_flow flows[N];
	struct wft_flow_wc masks[N];
	char *acts[N];
	struct run r;
	size_t n = 0, i, j, agree = 0;

	run_init(&r, rules);
	for (size_t a = 0; a < 4; a++)
		for (size_t b = 0; b < 2; b++)
			for (size_t c = 0; c < 2; c++)
				for (size_t d = 0; d < 6; d++) {
					char pkt[200];

					snprintf(pkt, sizeof(pkt), "in_port=1,"
						 "%s,nw_src=%s,nw_dst=%s,"
						 "nw_ttl=%s,tp_src=1000,"
						 "tp_dst=%s", protos[c],
						 srcs[a], dsts[b], ttls[d / 3],
						 dports[d % 3]);
					wft_xlate_out_uninit(&r.out);
					wft_xlate_out_init(&r.out);
					run_xlate(&r, pkt);
					ck_assert_int_eq(r.out.error, 0);
					flows[n] = r.in.flow;
					masks[n] = r.out.wc;
					acts[n++] = strdup(
						wft_strbuf_cstr(&r.acts));
				}
	/* The outputs the grid must reach, each at least once. */
	for (const char *const *o = (const char *const[]){ "12", "13", "14",
							    "15", NULL };
	     *o; o++) {
		for (i = 0; i < n && strcmp(acts[i], *o); i++)
			;
		ck_assert_msg(i < n, "no packet went to %s", *o);
	}
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(masks[i].masks.conj_id, 0);
		for (j = 0; j < n; j++) {
			if (!wft_flow_equal_except(&flows[i], &flows[j],
						   &masks[i]))
				continue;
			agree++;
			ck_assert_msg(!strcmp(acts[i], acts[j]),
				      "packets %zu and %zu agree on the "
				      "megaflow but get %s and %s", i, j,
				      acts[i], acts[j]);
		}
	}
	/* Some packets do share megaflows (the mask is not exact). */
	ck_assert_uint_gt(agree, n);
	for (i = 0; i < n; i++)
		free(acts[i]);
	run_free(&r);
}
END_TEST

static void flow_mod(struct wft_pipeline *p, enum wft_fm_command cmd,
		     const char *s)
{
	struct wft_ofp_flow f;
	struct wft_flow_mod fm;
	char err[256];

	ck_assert_msg(!wft_ofp_flow_parse(s, cmd == WFT_FM_DELETE ?
					  WFT_OFPFC_DELETE : WFT_OFPFC_MODIFY,
					  &f, err, sizeof(err)), "%s: %s", s,
		      err);
	wft_flow_mod_init(&fm, cmd);
	fm.table_id = f.table;
	fm.match = f.match;
	fm.wc = f.mask;
	fm.actions = &f.actions;
	ck_assert_int_eq(wft_pipeline_flow_mod(p, &fm, 0, NULL, NULL), 0);
	wft_ofp_flow_uninit(&f);
}

/* A rule turns soft and hard with its actions; deletes take soft rules
 * out (a table left with none takes the plain lookup again). */
START_TEST(test_modify_delete)
{
	static const char *const rules[] = { ACL_RULES, NULL };
	struct run r;

	run_init(&r, rules);
	run_xlate(&r, TCP("10.0.0.1", "80"));
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "12");
	/* Clause 2's rules become hard: port 80 outputs to 4. */
	flow_mod(r.p, WFT_FM_MODIFY, "tcp,tp_dst=80,actions=output:4");
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	run_xlate(&r, TCP("10.0.0.1", "80"));
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "14");
	/* And soft again. */
	flow_mod(r.p, WFT_FM_MODIFY,
		 "tcp,tp_dst=80,actions=conjunction(7,2/2)");
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	run_xlate(&r, TCP("10.0.0.1", "80"));
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "12");
	/* Every soft rule deleted: the hard rule. */
	flow_mod(r.p, WFT_FM_DELETE, "ip,nw_src=10.0.0.1");
	flow_mod(r.p, WFT_FM_DELETE, "ip,nw_src=10.0.0.3");
	flow_mod(r.p, WFT_FM_DELETE, "tcp");
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	run_xlate(&r, TCP("10.0.0.1", "80"));
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "13");
	run_free(&r);
}
END_TEST

static Suite *conj_suite(void)
{
	Suite *s = suite_create("xlate_conj");
	TCase *tc = tcase_create("conj");

	tcase_add_loop_test(tc, test_cases, 0,
			    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_megaflow_contract);
	tcase_add_test(tc, test_modify_delete);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conj_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
