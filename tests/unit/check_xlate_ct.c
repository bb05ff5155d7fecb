// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for conntrack in xlate (agent/lib/xlate_ct.c, recirc.c):
 *  - ct(...) as datapath actions (table-driven, as ovs-dpctl text): zone
 *    immediate or from a field, commit/force, mark and labels from
 *    exec(...), helper, nat(...); recirc(ID) after ct(table=N); ct_clear;
 *    header changes committed before ct; a clone around ct stays a clone;
 *  - recirculation ids: one per frozen state (same state, same id;
 *    another register, another id);
 *  - the recirculated pass: it resumes in table N with the frozen
 *    registers and metadata (which the packet does not carry), its
 *    megaflow matches recirc_id and exactly the ct bits its lookups read;
 *    an unknown id drops with an error; the state resumes in the bridge
 *    that froze it, found behind a patch port;
 *  - after ct in the same pass the ct fields read as zero and add nothing
 *    to the megaflow;
 *  - OVS as the oracle: 26 traces of 5 pipelines (data/ct_traces.txt)
 *    give, pass by pass, the datapath actions and megaflow ct bits of
 *    ovs-vswitchd's ofproto/trace --ct-next (data/ct_traces.expected).
 * The test bridge (xlate_testlib.h) numbers datapath ports as OpenFlow
 * port + 10.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/recirc.h"

#include "xlate_testlib.h"

#define TCP4 "in_port=1,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64," \
	     "tp_src=1000,tp_dst=80"

/* Translates @pkt (ovs-ofctl match syntax) with @recirc_id and @ct_state
 * set as the datapath's key would have them. */
static void run_pkt_mark(struct run *r, const char *pkt, uint32_t recirc_id,
			 uint32_t ct_state, uint32_t ct_mark)
{
	packet(pkt, &r->in.flow);
	r->in.flow.recirc_id = htonl(recirc_id);
	r->in.flow.ct_state = htonl(ct_state);
	r->in.flow.ct_mark = htonl(ct_mark);
	wft_xlate_out_uninit(&r->out);
	wft_xlate_out_init(&r->out);
	wft_xlate(&r->in, &r->out);
	wft_strbuf_reset(&r->acts);
	ck_assert_int_eq(wft_odp_actions_format(r->out.actions.data,
						r->out.actions.len, &r->acts,
						0), 0);
}

static void run_pkt(struct run *r, const char *pkt, uint32_t recirc_id,
		    uint32_t ct_state)
{
	run_pkt_mark(r, pkt, recirc_id, ct_state, 0);
}

/* The recirc id in "...,recirc(0xN)" of @acts, or 0. */
static uint32_t recirc_of(const char *acts)
{
	const char *p = strstr(acts, "recirc(");
	unsigned int id = 0;

	if (p)
		sscanf(p, "recirc(%i)", (int *)&id);
	return id;
}

struct ct_case {
	const char *name;
	const char *rules[4];
	const char *packet;
	const char *actions;	/* recirc(ID) written as recirc(*) */
};

static const struct ct_case ct_cases[] = {
	{ "ct alone: zone 0 is the default",
	  { "ip,actions=ct()" }, TCP4, "ct" },
	{ "commit in a zone, then output",
	  { "ip,actions=ct(commit,zone=5),output:2" }, TCP4,
	  "ct(commit,zone=5),12" },
	{ "force commit",
	  { "ip,actions=ct(commit,force,zone=1)" }, TCP4,
	  "ct(force_commit,zone=1)" },
	{ "the zone from a register the pipeline loaded",
	  { "ip,actions=load:0x7->NXM_NX_REG13[0..15],"
	    "ct(zone=NXM_NX_REG13[0..15])" }, TCP4, "ct(zone=7)" },
	{ "exec sets mark and labels, masked",
	  { "ip,actions=ct(commit,exec(set_field:0x1->ct_mark,"
	    "set_field:0x5/0xf->ct_label))" }, TCP4,
	  "ct(commit,mark=0x1/0xffffffff,label=0x5/0xf)" },
	{ "exec loads and moves",
	  { "ip,actions=load:0x3->NXM_NX_REG0[],ct(commit,exec("
	    "load:1->NXM_NX_CT_MARK[4],move:NXM_NX_REG0[0..7]->"
	    "NXM_NX_CT_LABEL[64..71]))" }, TCP4,
	  "ct(commit,mark=0x10/0x10,label=0x30000000000000000/"
	  "0xff0000000000000000)" },
	{ "helper",
	  { "tcp,actions=ct(commit,alg=ftp)" }, TCP4,
	  "ct(commit,helper=ftp)" },
	{ "nat with a range",
	  { "tcp,actions=ct(commit,nat(src=10.1.0.1-10.1.0.9:1000-2000,"
	    "random))" }, TCP4,
	  "ct(commit,nat(src=10.1.0.1-10.1.0.9:1000-2000,random))" },
	{ "bare nat",
	  { "ip,actions=ct(nat)" }, TCP4, "ct(nat)" },
	{ "the last nat counts",
	  { "ip,actions=ct(commit,nat(src=1.1.1.1),exec(nat(dst=2.2.2.2)))" },
	  TCP4, "ct(commit,nat(dst=2.2.2.2))" },
	{ "ct(table=N) recirculates",
	  { "ip,actions=ct(zone=3,table=4)" }, TCP4, "ct(zone=3),recirc(*)" },
	{ "changes before ct are committed first",
	  { "ip,actions=mod_nw_dst:10.9.9.9,ct(commit),output:2" }, TCP4,
	  "set(ipv4(dst=10.9.9.9)),ct(commit),12" },
	{ "ct_clear of an untracked packet is nothing (as in OVS)",
	  { "actions=ct_clear,output:2" }, TCP4, "12" },
	{ "ct_clear after ct: the datapath needs none either",
	  { "ip,actions=ct(commit,zone=1),ct_clear,ct(zone=2)" }, TCP4,
	  "ct(commit,zone=1),ct(zone=2)" },
	{ "a clone around ct stays a clone",
	  { "ip,actions=clone(ct(commit),output:3),output:2" }, TCP4,
	  "clone(ct(commit),13),12" },
};

/* "recirc(0x5)" -> "recirc(*)". */
static void hide_ids(char *s)
{
	char *p = strstr(s, "recirc(");

	while (p) {
		char *q = strchr(p, ')');

		p += 7;
		if (!q)
			break;
		memmove(p + 1, q, strlen(q) + 1);
		*p = '*';
		p = strstr(p, "recirc(");
	}
}

START_TEST(test_ct_actions)
{
	const struct ct_case *c = &ct_cases[_i];
	char got[512];
	struct run r;

	run_init(&r, c->rules);
	run_pkt(&r, c->packet, 0, 0);
	ck_assert_msg(!r.out.error, "%s: %s", c->name, r.out.errmsg);
	snprintf(got, sizeof(got), "%s", wft_strbuf_cstr(&r.acts));
	hide_ids(got);
	ck_assert_msg(!strcmp(got, c->actions), "%s: actions %s, want %s",
		      c->name, got, c->actions);
	run_free(&r);
}
END_TEST

/* ct_clear of a tracked packet: emitted, and the pipeline sees it
 * untracked afterwards without matching on it. */
START_TEST(test_ct_clear_tracked)
{
	static const char *const rules[] = {
		"table=0,actions=ct_clear,resubmit(,1)",
		"table=1,priority=10,ct_state=+trk,actions=output:3",
		"table=1,priority=5,actions=output:2",
		NULL,
	};
	struct run r;

	run_init(&r, rules);
	run_pkt(&r, TCP4, 0, WFT_CS_TRACKED | WFT_CS_ESTABLISHED);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "ct_clear,12");
	ck_assert_uint_eq(r.out.wc.masks.ct_state, 0);
	run_free(&r);
}
END_TEST

/* One id per frozen state. */
START_TEST(test_recirc_ids)
{
	static const char *const rules[] = {
		"in_port=1,ip,actions=load:0x1->NXM_NX_REG5[],"
		"ct(table=2,zone=1)",
		"in_port=3,ip,actions=load:0x2->NXM_NX_REG5[],"
		"ct(table=2,zone=1)",
		NULL,
	};
	uint32_t a, b, c;
	struct run r;

	run_init(&r, rules);
	run_pkt(&r, TCP4, 0, 0);
	a = recirc_of(wft_strbuf_cstr(&r.acts));
	run_pkt(&r, "in_port=1,udp,nw_src=10.0.0.7,tp_dst=5", 0, 0);
	b = recirc_of(wft_strbuf_cstr(&r.acts));
	run_pkt(&r, "in_port=3,tcp", 0, 0);
	c = recirc_of(wft_strbuf_cstr(&r.acts));
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_eq(a, b);	/* same registers, same id */
	ck_assert_uint_ne(a, c);	/* another reg5, another id */
	run_free(&r);
}
END_TEST

/* ct(table=N) in check_pkt_larger's branches: each branch freezes the
 * registers as it has them, the result bit included, so the two resume
 * with their own ids, and the thawed pass sees its branch's bit. */
START_TEST(test_recirc_in_check_pkt_len)
{
	static const char *const rules[] = {
		"table=0,in_port=1,ip,actions=check_pkt_larger(1000)->reg9[1],"
		"ct(table=1,zone=1)",
		"table=1,reg9=0x2/0x2,actions=output:2",
		"table=1,reg9=0/0x2,actions=output:3",
		NULL,
	};
	const char *acts, *le;
	uint32_t gt_id, le_id;
	char want[96];
	struct run r;

	run_init(&r, rules);
	run_pkt(&r, TCP4, 0, 0);
	ck_assert_msg(!r.out.error, "%s", r.out.errmsg);
	acts = wft_strbuf_cstr(&r.acts);
	snprintf(want, sizeof(want), "%s", acts);
	hide_ids(want);
	ck_assert_str_eq(want, "check_pkt_len(size=1000,gt(ct(zone=1),"
			 "recirc(*)),le(ct(zone=1),recirc(*)))");
	gt_id = recirc_of(acts);
	le = strstr(acts, "le(");
	ck_assert_ptr_nonnull(le);
	le_id = recirc_of(le);
	ck_assert_uint_ne(gt_id, 0);
	ck_assert_uint_ne(le_id, 0);
	ck_assert_uint_ne(gt_id, le_id);
	run_pkt(&r, TCP4, gt_id, WFT_CS_TRACKED | WFT_CS_NEW);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "12");
	run_pkt(&r, TCP4, le_id, WFT_CS_TRACKED | WFT_CS_NEW);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "13");
	run_free(&r);
}
END_TEST

/*
 * The stateful pipeline of OVS's conntrack tutorial, reduced: table 0
 * sends untracked IP through ct into table 1 with the zone in reg13 and a
 * mark of the port in metadata; table 1 commits new connections and
 * forwards established ones, by the frozen registers.
 */
static const char *const fw_rules[] = {
	"table=0,priority=10,in_port=1,ip,ct_state=-trk,"
	"actions=load:0x9->NXM_NX_REG13[0..15],load:0x2a->OXM_OF_METADATA[],"
	"ct(table=1,zone=NXM_NX_REG13[0..15])",
	"table=1,priority=20,ct_state=+trk+new,ip,metadata=0x2a,reg13=0x9,"
	"actions=ct(commit,zone=NXM_NX_REG13[0..15],"
	"exec(set_field:0x1->ct_mark)),output:2",
	"table=1,priority=20,ct_state=+trk+est,ct_mark=0x1,ip,metadata=0x2a,"
	"actions=output:2",
	"table=1,priority=10,ct_state=+trk,ip,actions=drop",
};

START_TEST(test_recirculated_pass)
{
	const char *rules[5];
	char want[64];
	struct run r;
	uint32_t id;

	memcpy(rules, fw_rules, sizeof(fw_rules));
	rules[4] = NULL;
	run_init(&r, rules);

	/* First pass: ct_state (0) was read, and the id is allocated. */
	run_pkt(&r, TCP4, 0, 0);
	ck_assert_msg(!r.out.error, "%s", r.out.errmsg);
	id = recirc_of(wft_strbuf_cstr(&r.acts));
	ck_assert_uint_ne(id, 0);
	snprintf(want, sizeof(want), "%s", wft_strbuf_cstr(&r.acts));
	hide_ids(want);
	ck_assert_str_eq(want, "ct(zone=9),recirc(*)");
	ck_assert_uint_eq(ntohl(r.out.wc.masks.ct_state), WFT_CS_TRACKED);
	ck_assert_uint_eq(r.out.wc.masks.recirc_id, UINT32_MAX);

	/* Back, new: the frozen reg13 and metadata (the packet carries
	 * neither) pick the commit rule; the zone comes from them too. */
	run_pkt(&r, TCP4, id, WFT_CS_TRACKED | WFT_CS_NEW);
	ck_assert_msg(!r.out.error, "%s", r.out.errmsg);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts),
			 "ct(commit,zone=9,mark=0x1/0xffffffff),12");
	/* recirc_id and the ct_state bits the lookups read. */
	ck_assert_uint_eq(r.out.wc.masks.recirc_id, UINT32_MAX);
	ck_assert_uint_eq(ntohl(r.out.wc.masks.ct_state) &
			  ~(uint32_t)(WFT_CS_TRACKED | WFT_CS_NEW |
				      WFT_CS_ESTABLISHED), 0);
	ck_assert(ntohl(r.out.wc.masks.ct_state) & WFT_CS_NEW);
	/* Registers and metadata are implied by the id. */
	ck_assert_uint_eq(r.out.wc.masks.metadata, 0);
	ck_assert_uint_eq(r.out.wc.masks.regs[13], 0);
	ck_assert(!r.out.wc.masks.ct_zone && !r.out.wc.masks.ct_nw_src);

	/* Back, established with the mark: forwarded. */
	run_pkt_mark(&r, TCP4, id, WFT_CS_TRACKED | WFT_CS_ESTABLISHED, 1);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "12");
	ck_assert_uint_eq(r.out.wc.masks.ct_mark, UINT32_MAX);

	/* Back, established without the mark: dropped by the +trk rule. */
	run_pkt(&r, TCP4, id, WFT_CS_TRACKED | WFT_CS_ESTABLISHED);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "drop");
	ck_assert(!r.out.error);

	/* Back, invalid: +trk only, dropped. */
	run_pkt(&r, TCP4, id, WFT_CS_TRACKED | WFT_CS_INVALID);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "drop");
	run_free(&r);
}
END_TEST

/* What the recirculated pass matches: recirc_id and the ct_state bits
 * its one lookup read, nothing of the frozen state. */
START_TEST(test_recirc_megaflow_minimal)
{
	static const char *const rules[] = {
		"table=0,ip,actions=load:0x1->NXM_NX_REG0[],ct(table=7)",
		"table=7,priority=5,ct_state=+est,reg0=0x1,actions=output:2",
		NULL,
	};
	struct run r;
	uint32_t id;

	run_init(&r, rules);
	run_pkt(&r, TCP4, 0, 0);
	id = recirc_of(wft_strbuf_cstr(&r.acts));
	run_pkt(&r, TCP4, id, WFT_CS_TRACKED | WFT_CS_ESTABLISHED |
		WFT_CS_REPLY_DIR);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "12");
	ck_assert_uint_eq(ntohl(r.out.wc.masks.ct_state), WFT_CS_ESTABLISHED);
	ck_assert_uint_eq(r.out.wc.masks.recirc_id, UINT32_MAX);
	ck_assert_uint_eq(r.out.wc.masks.regs[0], 0);
	ck_assert_uint_eq(r.out.wc.masks.nw_src, 0);
	ck_assert_uint_eq(r.out.wc.masks.tp_dst, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_unknown_recirc_id)
{
	static const char *const rules[] = { "actions=output:2", NULL };
	struct run r;

	run_init(&r, rules);
	run_pkt(&r, TCP4, 0xfffff0, WFT_CS_TRACKED);
	ck_assert_int_ne(r.out.error, 0);
	ck_assert(strstr(r.out.errmsg, "no recirculation state"));
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "drop");
	ck_assert_uint_eq(r.out.wc.masks.recirc_id, UINT32_MAX);
	run_free(&r);
}
END_TEST

/* After ct in the same pass, the ct fields are zero (the state exists only
 * after recirculation) and reading them matches nothing. */
START_TEST(test_ct_fields_cleared_after_ct)
{
	static const char *const rules[] = {
		"table=0,ip,actions=ct(commit),resubmit(,1)",
		"table=1,priority=10,ct_state=+trk,actions=output:3",
		"table=1,priority=5,ct_state=-trk,actions=output:2",
		NULL,
	};
	struct run r;

	run_init(&r, rules);
	run_pkt(&r, TCP4, 0, WFT_CS_TRACKED | WFT_CS_ESTABLISHED);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "ct(commit),12");
	ck_assert_uint_eq(r.out.wc.masks.ct_state, 0);
	run_free(&r);
}
END_TEST

/* A ct(table=N) in the peer of a patch port: the packet comes back on a
 * port of the first bridge and resumes in the peer's table N. */
static struct wft_pipeline *peer_pipeline;
static struct wft_xlate_port peer_ports[3];

static const struct wft_xlate_port *peer_port(void *aux, uint32_t ofp)
{
	return ofp >= 1 && ofp <= 2 ? &peer_ports[ofp] : NULL;
}

static void peer_for_each(void *aux,
			  void (*cb)(const struct wft_xlate_port *, void *),
			  void *cb_aux)
{
	cb(&peer_ports[1], cb_aux);
	cb(&peer_ports[2], cb_aux);
}

static const struct wft_xlate_bridge peer_bridge = {
	.port = peer_port,
	.for_each_port = peer_for_each,
	.name = "br-peer",
};

START_TEST(test_thaw_in_patch_peer)
{
	static const char *const rules[] = {
		"in_port=1,actions=output:4", NULL,
	};
	static struct wft_xlate_patch to_peer, to_us;
	struct run r;
	uint32_t id;

	run_init(&r, rules);
	peer_pipeline = wft_pipeline_create();
	add_rule(peer_pipeline, "table=0,in_port=1,ip,actions=ct(table=3)");
	add_rule(peer_pipeline, "table=3,ct_state=+trk,in_port=1,"
		 "actions=output:2");
	/* Our port 4 is patched to the peer's port 1; the peer's port 2 to
	 * our port 5 (OpenFlow numbers), datapath port 15. */
	to_peer = (struct wft_xlate_patch){ peer_pipeline, &peer_bridge, 1,
					    "br-peer" };
	to_us = (struct wft_xlate_patch){ r.p, &bridge, 5, "br-test" };
	ports[4].patch = &to_peer;
	memset(peer_ports, 0, sizeof(peer_ports));
	peer_ports[1].ofp_port = 1;
	peer_ports[1].patch = &to_us;
	peer_ports[2].ofp_port = 2;
	peer_ports[2].odp_port = 99;

	run_pkt(&r, TCP4, 0, 0);
	ck_assert_msg(!r.out.error, "%s", r.out.errmsg);
	id = recirc_of(wft_strbuf_cstr(&r.acts));
	ck_assert_uint_ne(id, 0);
	/* The recirculated packet arrives on our port 1 again. */
	run_pkt(&r, TCP4, id, WFT_CS_TRACKED | WFT_CS_NEW);
	ck_assert_msg(!r.out.error, "%s", r.out.errmsg);
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts), "99");
	ports[4].patch = NULL;
	run_free(&r);
	wft_pipeline_destroy(peer_pipeline);
}
END_TEST

/*
 * The same pipelines, packets and conntrack states through OVS's
 * ofproto/trace (data/ct_traces.expected, made by data/gen-ct-traces.sh
 * from data/ct_traces.txt) and through weft's xlate: every pass must give
 * the same datapath actions (recirculation ids aside) and the same
 * conntrack part of the megaflow. A dummy bridge of OVS with ports 1..3:
 * here a bridge whose datapath ports are the OpenFlow ones.
 */
static struct wft_xlate_port same_ports[4];

static const struct wft_xlate_port *same_port(void *aux, uint32_t ofp)
{
	return ofp >= 1 && ofp <= 3 ? &same_ports[ofp] : NULL;
}

static void same_for_each(void *aux,
			  void (*cb)(const struct wft_xlate_port *, void *),
			  void *cb_aux)
{
	int i;

	for (i = 1; i <= 3; i++)
		cb(&same_ports[i], cb_aux);
}

static const struct wft_xlate_bridge same_bridge = {
	.port = same_port,
	.for_each_port = same_for_each,
};

static char *data_file(const char *name)
{
	static char path[4096];
	const char *slash = strrchr(__FILE__, '/');
	const char *dir = getenv("WEFT_TEST_DATA");

	if (dir)
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	else
		snprintf(path, sizeof(path), "%.*s/data/%s",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".", name);
	return path;
}

/* The lines of a file, '#' comments and blank lines dropped. */
struct text {
	char **line;
	size_t n;
};

static void text_read(const char *name, struct text *t)
{
	FILE *f = fopen(data_file(name), "r");
	char buf[4096];

	ck_assert_msg(f, "cannot open %s", data_file(name));
	memset(t, 0, sizeof(*t));
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "#\r\n")] = '\0';
		if (!buf[strspn(buf, " \t")])
			continue;
		t->line = realloc(t->line, (t->n + 1) * sizeof(*t->line));
		ck_assert(t->line);
		t->line[t->n++] = strdup(buf);
	}
	fclose(f);
}

static void text_free(struct text *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->line[i]);
	free(t->line);
}

/* The ct_* items of an ovs-ofctl match, in order: "ct_state=-trk". */
static void ct_part(const char *match, char *out, size_t len)
{
	char buf[1024], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", match);
	out[0] = '\0';
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (!strncmp(tok, "ct_", 3))
			snprintf(out + strlen(out), len - strlen(out), "%s%s",
				 out[0] ? "," : "", tok);
}

/* weft's megaflow, its conntrack fields only, printed as OVS prints a
 * match. */
static void weft_ct_part(const struct wft_flow *flow,
			 const struct wft_flow_wc *wc, char *out, size_t len)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_flow_wc ct;
	struct wft_flow v = *flow;

	wft_flow_wc_init_catchall(&ct);
	ct.masks.ct_state = wc->masks.ct_state;
	ct.masks.ct_zone = wc->masks.ct_zone;
	ct.masks.ct_mark = wc->masks.ct_mark;
	ct.masks.ct_nw_proto = wc->masks.ct_nw_proto;
	ct.masks.ct_nw_src = wc->masks.ct_nw_src;
	ct.masks.ct_nw_dst = wc->masks.ct_nw_dst;
	ct.masks.ct_tp_src = wc->masks.ct_tp_src;
	ct.masks.ct_tp_dst = wc->masks.ct_tp_dst;
	memcpy(ct.masks.ct_label, wc->masks.ct_label, 16);
	ct.masks.ct_ipv6_src = wc->masks.ct_ipv6_src;
	ct.masks.ct_ipv6_dst = wc->masks.ct_ipv6_dst;
	wft_flow_zero_wildcards(&v, &ct);
	wft_ofp_match_format(&v, &ct, WFT_OFP_DEFAULT_PRIORITY, &sb);
	snprintf(out, len, "%s", wft_strbuf_cstr(&sb));
	wft_strbuf_free(&sb);
}

/* The zone of the last ct(...) before the last recirc in @acts. */
static uint16_t last_zone(const char *acts)
{
	const char *r = strstr(acts, "recirc("), *ct = NULL, *p = acts;
	unsigned int zone = 0;

	while ((p = strstr(p, "ct(")) && (!r || p < r))
		ct = p++;
	if (ct && (p = strstr(ct, "zone=")) && (!r || p < r))
		sscanf(p, "zone=%u", &zone);
	return (uint16_t)zone;
}

/* Compares the passes of trace @no (expected lines from index *@at). */
static int compare_trace(struct wft_pipeline *p, const char *pkt,
			 char **states, size_t n_states,
			 const struct text *exp, size_t *at, unsigned int no)
{
	char want_acts[1024], got_acts[1024], want_ct[512], got_ct[512];
	struct wft_xlate_in in;
	struct wft_xlate_out out;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	uint32_t id = 0, state = 0;
	uint16_t zone = 0;
	size_t pass;
	int bad = 0;

	for (pass = 0; *at + 1 < exp->n && !strncmp(exp->line[*at],
						      "megaflow: ", 10);
	     pass++, *at += 2) {
		memset(&in, 0, sizeof(in));
		in.pipeline = p;
		in.bridge = &same_bridge;
		packet(pkt, &in.flow);
		in.flow.recirc_id = htonl(id);
		in.flow.ct_state = htonl(state);
		in.flow.ct_zone = htons(zone);
		wft_xlate_out_init(&out);
		wft_xlate(&in, &out);
		wft_strbuf_reset(&sb);
		wft_odp_actions_format(out.actions.data, out.actions.len, &sb,
				       0);
		snprintf(got_acts, sizeof(got_acts), "%s",
			 wft_strbuf_cstr(&sb));
		snprintf(want_acts, sizeof(want_acts), "%s",
			 exp->line[*at + 1] + 9);
		ct_part(exp->line[*at] + 10, want_ct, sizeof(want_ct));
		weft_ct_part(&in.flow, &out.wc, got_ct, sizeof(got_ct));
		id = recirc_of(got_acts);
		zone = last_zone(got_acts);
		hide_ids(got_acts);
		hide_ids(want_acts);
		if (strcmp(got_acts, want_acts) || strcmp(got_ct, want_ct)) {
			printf("ct_traces trace %u pass %zu: %s\n"
			       "  OVS:  %s  [%s]\n  weft: %s  [%s]%s%s\n", no,
			       pass, pkt, want_acts, want_ct, got_acts, got_ct,
			       out.error ? "  error: " : "", out.errmsg);
			bad++;
		}
		wft_xlate_out_uninit(&out);
		if (pass < n_states) {
			char m[128];
			struct wft_flow f;
			struct wft_flow_wc w;
			size_t i;

			snprintf(m, sizeof(m), "ct_state=%s", states[pass]);
			for (i = 0; m[i]; i++)
				if (m[i] == ',')
					m[i] = '|';
			packet(m, &f);
			(void)w;
			state = ntohl(f.ct_state);
		} else {
			state = 0;
		}
	}
	wft_strbuf_free(&sb);
	ck_assert_msg(pass > 0, "ct_traces trace %u: no expected passes", no);
	return bad;
}

START_TEST(test_same_as_ovs)
{
	struct wft_pipeline *p = NULL;
	struct text in, exp;
	size_t i, at = 0;
	unsigned int no = 0;
	bool in_pipeline = false;
	int bad = 0;

	memset(same_ports, 0, sizeof(same_ports));
	for (i = 1; i <= 3; i++)
		same_ports[i].ofp_port = same_ports[i].odp_port = (uint32_t)i;
	text_read("ct_traces.txt", &in);
	text_read("ct_traces.expected", &exp);
	for (i = 0; i < in.n; i++) {
		char *line = in.line[i], *words[16], *save = NULL, *w;
		size_t n = 0;

		if (!strncmp(line, "pipeline", 8)) {
			if (p)
				wft_pipeline_destroy(p);
			p = wft_pipeline_create();
			in_pipeline = true;
			continue;
		}
		if (!strcmp(line, "end")) {
			in_pipeline = false;
			continue;
		}
		if (in_pipeline) {
			add_rule(p, line);
			continue;
		}
		for (w = strtok_r(line, " \t", &save); w && n < 16;
		     w = strtok_r(NULL, " \t", &save))
			words[n++] = w;
		ck_assert(n >= 2 && !strcmp(words[0], "trace"));
		no++;
		ck_assert_msg(at < exp.n && !strncmp(exp.line[at], "trace ", 6)
			      && (unsigned int)atoi(exp.line[at] + 6) == no,
			      "ct_traces.expected out of step at trace %u: "
			      "rerun data/gen-ct-traces.sh", no);
		at++;
		bad += compare_trace(p, words[1], words + 2, n - 2, &exp, &at,
				     no);
	}
	ck_assert_uint_eq(at, exp.n);
	printf("ct_traces: %u traces, %d passes differ from OVS\n", no, bad);
	if (p)
		wft_pipeline_destroy(p);
	text_free(&in);
	text_free(&exp);
	ck_assert_msg(!bad, "%d passes differ from OVS (see above)", bad);
}
END_TEST

static Suite *xlate_ct_suite(void)
{
	Suite *s = suite_create("xlate_ct");
	TCase *tc = tcase_create("ct");

	tcase_add_loop_test(tc, test_ct_actions, 0,
			    sizeof(ct_cases) / sizeof(ct_cases[0]));
	tcase_add_test(tc, test_ct_clear_tracked);
	tcase_add_test(tc, test_recirc_ids);
	tcase_add_test(tc, test_recirc_in_check_pkt_len);
	tcase_add_test(tc, test_recirculated_pass);
	tcase_add_test(tc, test_recirc_megaflow_minimal);
	tcase_add_test(tc, test_unknown_recirc_id);
	tcase_add_test(tc, test_ct_fields_cleared_after_ct);
	tcase_add_test(tc, test_thaw_in_patch_peer);
	tcase_add_test(tc, test_same_as_ovs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(xlate_ct_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
