// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for output:NORMAL and the MAC learning table
 * (include/weft/mac_learning.h), on the test bridge of xlate_testlib.h
 * (datapath port = OpenFlow port + 10) configured as:
 *
 *   port 1  access, tag 10
 *   port 2  access, tag 10
 *   port 3  trunk, all VLANs
 *   port 4  native-untagged, tag 10, trunks 20
 *   port 5  native-tagged, tag 20, trunks 10
 *
 * the setup in which a real ovs-vswitchd 3.1 (dummy datapath,
 * ofproto/trace) was asked the same questions: the expected actions are
 * its answers, in weft's port order (OVS floods in hash order), without
 * its LOCAL port (not a flood target of the test bridge).
 *
 *  - scenarios: steps of packets with the exact datapath actions and
 *    megaflows they get, with the clock moved between steps: flooding with
 *    per-port tagging, unicast after learning, moves, VLAN separation,
 *    access/trunk/native input rules, priority tags, broadcast, dropping a
 *    frame whose destination is on its input port, aging (default and
 *    configured), translations that may not learn;
 *  - the table: eviction at the size limit, the sequence number, flushes,
 *    configuration ranges, fdb/show and fdb/stats-show text;
 *  - megaflow economy: 1,000 UDP flows between two learned hosts need one
 *    megaflow, and it matches nothing of L3/L4;
 *  - port VLAN configuration from ovs-vsctl's columns;
 *  - concurrency: two threads translating and learning at once.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/mac_learning.h"
#include "weft/odp.h"
#include "weft/util.h"
#include "weft/xlate.h"

#include "xlate_testlib.h"

#define A "00:00:00:00:00:0a"
#define B "00:00:00:00:00:0b"
#define C "00:00:00:00:00:0c"
#define BCAST "ff:ff:ff:ff:ff:ff"
#define MCAST "01:00:5e:00:00:01"

static struct wft_mac_learning *ml;
static long long now_ms;
static uint64_t trunks4[WFT_VLAN_BITMAP_WORDS];
static uint64_t trunks5[WFT_VLAN_BITMAP_WORDS];
static struct wft_xlate_bridge nbridge;
static struct run r;

static long long test_clock(void *aux)
{
	return now_ms;
}

static void hook(struct wft_xlate_ctx *ctx, void *aux)
{
	wft_xlate_normal(ctx, ml);
}

static void set_vlan(int port, const char *mode, int tag,
		     const uint16_t *trunks, size_t n, uint64_t *bm)
{
	static uint64_t scratch[WFT_VLAN_BITMAP_WORDS];
	char err[128];

	ck_assert_int_eq(wft_normal_port_vlan(&ports[port], mode, tag, trunks,
					      n, bm ? bm : scratch, err,
					      sizeof(err)), 0);
}

static void setup(void)
{
	static const char *const rules[] = { "actions=normal", NULL };
	static const uint16_t t4[] = { 20 }, t5[] = { 10 };

	now_ms = 1000000;
	ml = wft_mac_learning_create();
	wft_mac_learning_set_clock(ml, test_clock, NULL);
	run_init(&r, rules);
	ports[5].no_flood = false;
	set_vlan(1, NULL, 10, NULL, 0, NULL);
	set_vlan(2, "access", 10, NULL, 0, NULL);
	set_vlan(3, NULL, -1, NULL, 0, NULL);
	set_vlan(4, "native-untagged", 10, t4, 1, trunks4);
	set_vlan(5, "native-tagged", 20, t5, 1, trunks5);
	nbridge = bridge;
	nbridge.normal = hook;
	r.in.bridge = &nbridge;
	r.in.may_learn = true;
}

static void teardown(void)
{
	run_free(&r);
	wft_mac_learning_destroy(ml);
	ml = NULL;
}

/* One translation of @pkt with fresh results. */
static void xlate(const char *pkt)
{
	wft_xlate_out_uninit(&r.out);
	wft_xlate_out_init(&r.out);
	run_xlate(&r, pkt);
	ck_assert_msg(!r.out.error, "%s: %s", pkt, r.out.errmsg);
}

/* ---- scenarios ------------------------------------------------------ */

struct step {
	long long advance_s;		/* clock moves first */
	const char *packet;
	const char *actions;
	const char *megaflow;		/* NULL: not checked */
	bool no_learn;			/* a revalidation or a trace */
};

struct scenario {
	const char *name;
	const char *aging, *size;	/* other_config values, or NULL */
	void (*setup)(void);		/* changes to the bridge, or NULL */
	struct step steps[8];
	const char *fdb;		/* fdb/show at the end, or NULL */
};

static void trunk3_10(void)
{
	static const uint16_t t[] = { 10 };
	static uint64_t bm[WFT_VLAN_BITMAP_WORDS];

	set_vlan(3, "trunk", -1, t, 1, bm);
}

static void no_flood3(void)
{
	ports[3].no_flood = true;
}

#define FDB " port  VLAN  MAC                Age\n"

#define IP ",ip,nw_src=10.0.0.1,nw_dst=10.0.0.2"
#define FROM1(s, d) "in_port=1,dl_src=" s ",dl_dst=" d IP
#define FROM3(v, s, d) "in_port=3,dl_vlan=" #v ",dl_src=" s ",dl_dst=" d IP
#define MF(port, s, d) "recirc_id(0),in_port(" #port "),eth(src=" s ",dst=" \
	d "),eth_type(0x0800),ipv4(frag=no)"
#define MF_TAG(port, s, d, vid) "recirc_id(0),in_port(" #port "),eth(src=" \
	s ",dst=" d "),eth_type(0x8100),vlan(vid=" #vid ",pcp=0),encap(eth_type(0x0800)," \
	"ipv4(frag=no))"
/* VLAN 10 from port 1: untagged to 2 and 4 (native), tagged to 3 and 5. */
#define FLOOD10_FROM1 "12,push_vlan(vid=10,pcp=0),13,pop_vlan,14," \
	"push_vlan(vid=10,pcp=0),15"
/* VLAN 10 from trunk port 3, tagged. */
#define FLOOD10_FROM3 "pop_vlan,11,12,14,push_vlan(vid=10,pcp=0),15"

static const struct scenario scenarios[] = {
	{ .name = "the first frame floods, the reply is unicast, then both",
	  .steps = {
	  { 0, FROM1(A, B), FLOOD10_FROM1, MF(11, A, B) },
	  { 0, FROM3(10, B, A), "pop_vlan,11", MF_TAG(13, B, A, 10) },
	  { 0, FROM1(A, B), "push_vlan(vid=10,pcp=0),13", MF(11, A, B) } },
	  .fdb = FDB "    1    10  " A "    0\n"
		     "    3    10  " B "    0\n" },
	{ .name = "a destination on the input port drops", .steps = {
	  { 0, FROM1(B, A), FLOOD10_FROM1, NULL },
	  { 0, FROM1(A, B), "drop", MF(11, A, B) } } },
	{ .name = "a move: the MAC follows its newest port", .steps = {
	  { 0, FROM1(A, B), FLOOD10_FROM1, NULL },
	  { 0, FROM3(10, B, A), "pop_vlan,11", NULL },
	  { 5, "in_port=2,dl_src=" A ",dl_dst=" B IP,
	    "push_vlan(vid=10,pcp=0),13", NULL },
	  { 0, FROM3(10, B, A), "pop_vlan,12", NULL } },
	  .fdb = FDB "    2    10  " A "    0\n"
		     "    3    10  " B "    0\n" },
	{ .name = "VLANs have separate tables", .steps = {
	  { 0, FROM1(A, B), FLOOD10_FROM1, NULL },
	  { 0, FROM3(20, B, A), "14,15", MF_TAG(13, B, A, 20) },
	  { 0, FROM3(10, B, A), "pop_vlan,11", NULL } } },
	{ .name = "native ports: untagged input is in the native VLAN",
	  .steps = {
	  { 0, "in_port=4,dl_src=" A ",dl_dst=" B IP,
	    "11,12,push_vlan(vid=10,pcp=0),13,15", MF(14, A, B) },
	  { 0, "in_port=4,dl_vlan=10,dl_src=" A ",dl_dst=" B IP,
	    "pop_vlan,11,12,push_vlan(vid=10,pcp=0),13,15", NULL },
	  { 0, "in_port=5,dl_src=" C ",dl_dst=" B IP,
	    "push_vlan(vid=20,pcp=0),13,14", NULL },
	  { 0, "in_port=5,dl_vlan=20,dl_src=" C ",dl_dst=" B IP,
	    "13,14", NULL },
	  { 0, FROM3(20, B, C), "15", NULL },
	  { 0, "in_port=4,dl_vlan=20,dl_src=" B ",dl_dst=" C IP,
	    "15", NULL },
	  { 0, FROM3(10, B, A), "pop_vlan,14", NULL } },
	  .fdb = FDB "    4    10  " A "    0\n"
		     "    5    20  " C "    0\n"
		     "    4    20  " B "    0\n"
		     "    3    10  " B "    0\n" },
	{ .name = "VLAN 0 (untagged on a trunk) stays off native ports",
	  .steps = {
	  { 0, "in_port=3,dl_src=" A ",dl_dst=" B IP, "drop", NULL } } },
	{ .name = "access ports drop tagged input, take priority tags",
	  .steps = {
	  { 0, "in_port=1,dl_vlan=10,dl_src=" A ",dl_dst=" B IP, "drop",
	    "recirc_id(0),in_port(11),eth(),eth_type(0x8100),vlan(vid=10,pcp=0),"
	    "encap(eth_type(0x0800),ipv4(frag=no))" },
	  { 0, "in_port=1,vlan_tci=0xb000,dl_src=" A ",dl_dst=" B IP,
	    "pop_vlan,12,push_vlan(vid=10,pcp=5),13,pop_vlan,14,"
	    "push_vlan(vid=10,pcp=5),15", NULL },
	  { 0, "in_port=5,vlan_tci=0xb000,dl_src=" C ",dl_dst=" B IP,
	    "pop_vlan,push_vlan(vid=20,pcp=5),13,14", NULL } },
	  .fdb = FDB "    1    10  " A "    0\n"
		     "    5    20  " C "    0\n" },
	{ .name = "native ports filter input on trunks and native VLAN",
	  .steps = {
	  { 0, "in_port=4,dl_vlan=30,dl_src=" A ",dl_dst=" B IP, "drop",
	    NULL },
	  { 0, "in_port=5,dl_vlan=30,dl_src=" A ",dl_dst=" B IP, "drop",
	    NULL } },
	  .fdb = FDB },
	{ .name = "a trunk with a list carries only those VLANs",
	  .setup = trunk3_10, .steps = {
	  { 0, "in_port=3,dl_src=" A ",dl_dst=" B IP, "drop", NULL },
	  { 0, FROM3(20, A, B), "drop", NULL },
	  { 0, FROM3(10, A, B), FLOOD10_FROM3, NULL },
	  { 0, FROM1(C, B), FLOOD10_FROM1, NULL },
	  { 0, "in_port=5,dl_src=" C ",dl_dst=" B IP,
	    "push_vlan(vid=20,pcp=0),14", NULL } },
	  .fdb = FDB "    3    10  " A "    0\n"
		     "    1    10  " C "    0\n"
		     "    5    20  " C "    0\n" },
	{ .name = "no_flood ports get no floods, but unicast",
	  .setup = no_flood3, .steps = {
	  { 0, FROM1(A, B), "12,14,push_vlan(vid=10,pcp=0),15", NULL },
	  { 0, FROM3(10, B, A), "pop_vlan,11", NULL },
	  { 0, FROM1(A, B), "push_vlan(vid=10,pcp=0),13", NULL } } },
	{ .name = "a tag keeps its priority", .steps = {
	  { 0, "in_port=3,dl_vlan=10,dl_vlan_pcp=3,dl_src=" A ",dl_dst=" B
	    IP, "pop_vlan,11,12,14,push_vlan(vid=10,pcp=3),15", NULL } } },
	{ .name = "broadcast and multicast flood, never back in", .steps = {
	  { 0, FROM3(10, A, BCAST), FLOOD10_FROM3, NULL },
	  { 0, FROM1(B, A), "push_vlan(vid=10,pcp=0),13", NULL },
	  { 0, FROM1(A, BCAST), FLOOD10_FROM1, NULL },
	  { 0, FROM3(10, A, MCAST), FLOOD10_FROM3, NULL } } },
	{ .name = "multicast and broadcast sources are not learned",
	  .steps = {
	  { 0, FROM1(MCAST, B), FLOOD10_FROM1, NULL },
	  { 0, FROM1(BCAST, B), FLOOD10_FROM1, NULL },
	  { 0, FROM3(10, B, MCAST), FLOOD10_FROM3, NULL } },
	  .fdb = FDB "    3    10  " B "    0\n" },
	{ .name = "translations that may not learn do not", .steps = {
	  { 0, FROM1(A, B), FLOOD10_FROM1, MF(11, A, B), true },
	  { 0, FROM3(10, B, A), FLOOD10_FROM3, NULL, true },
	  { 0, FROM1(A, B), FLOOD10_FROM1, NULL } },
	  .fdb = FDB "    1    10  " A "    0\n" },
	{ .name = "entries age out after 300 s by default", .steps = {
	  { 0, FROM1(A, B), FLOOD10_FROM1, NULL },
	  { 299, FROM3(10, B, A), "pop_vlan,11", NULL },
	  { 1, FROM3(10, B, A), FLOOD10_FROM3, NULL } },
	  .fdb = FDB "    3    10  " B "    0\n" },
	{ .name = "traffic keeps an entry alive", .steps = {
	  { 0, FROM1(A, B), FLOOD10_FROM1, NULL },
	  { 200, FROM1(A, C), FLOOD10_FROM1, NULL },
	  { 200, FROM3(10, B, A), "pop_vlan,11", NULL } },
	  .fdb = FDB "    1    10  " A "  200\n"
		     "    3    10  " B "    0\n" },
	{ .name = "mac-aging-time 20", .aging = "20", .steps = {
	  { 0, FROM1(A, B), FLOOD10_FROM1, NULL },
	  { 19, FROM3(10, B, A), "pop_vlan,11", NULL },
	  { 1, FROM3(10, B, A), FLOOD10_FROM3, NULL } } },
	{ .name = "mac-aging-time below the range is 15 s", .aging = "1",
	  .steps = {
	  { 0, FROM1(A, B), FLOOD10_FROM1, NULL },
	  { 14, FROM3(10, B, A), "pop_vlan,11", NULL },
	  { 1, FROM3(10, B, A), FLOOD10_FROM3, NULL } } },
};

START_TEST(test_scenarios)
{
	const struct scenario *sc = &scenarios[_i];
	size_t i;

	wft_mac_learning_configure(ml, sc->aging, sc->size);
	if (sc->setup)
		sc->setup();
	for (i = 0; i < WFT_ARRAY_SIZE(sc->steps) && sc->steps[i].packet;
	     i++) {
		const struct step *st = &sc->steps[i];

		now_ms += st->advance_s * 1000;
		r.in.may_learn = !st->no_learn;
		xlate(st->packet);
		ck_assert_msg(!strcmp(wft_strbuf_cstr(&r.acts), st->actions),
			      "%s, step %zu: actions %s, want %s", sc->name,
			      i + 1, wft_strbuf_cstr(&r.acts), st->actions);
		ck_assert_msg(!st->megaflow ||
			      !strcmp(wft_strbuf_cstr(&r.mf), st->megaflow),
			      "%s, step %zu: megaflow %s, want %s", sc->name,
			      i + 1, wft_strbuf_cstr(&r.mf), st->megaflow);
	}
	if (sc->fdb) {
		struct wft_strbuf sb = WFT_STRBUF_INIT;

		wft_mac_learning_format(ml, NULL, NULL, &sb);
		ck_assert_msg(!strcmp(wft_strbuf_cstr(&sb), sc->fdb),
			      "%s: fdb/show\n%swant\n%s", sc->name,
			      wft_strbuf_cstr(&sb), sc->fdb);
		wft_strbuf_free(&sb);
	}
}
END_TEST

/* A learned port that stopped carrying the VLAN (until the daemon flushes
 * it) floods instead of sending the frame where it is not allowed. */
START_TEST(test_stale_port_floods)
{
	xlate("in_port=5,dl_vlan=10,dl_src=" A ",dl_dst=" B IP);
	xlate(FROM1(B, A));
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts),
			 "push_vlan(vid=10,pcp=0),15");
	set_vlan(5, "access", 30, NULL, 0, NULL);
	xlate(FROM1(B, A));
	ck_assert_str_eq(wft_strbuf_cstr(&r.acts),
			 "12,push_vlan(vid=10,pcp=0),13,pop_vlan,14");
	ck_assert_uint_eq(wft_mac_learning_flush_port(ml, 5), 1);
}
END_TEST

/* The trace says what NORMAL decided. */
START_TEST(test_trace_notes)
{
	static const char *const want[] = {
		"normal: learned " A " on port 1 in VLAN 10",
		"normal: flooding VLAN 10",
		"normal: " A " in VLAN 10 moved from port 1 to port 2",
		"normal: VLAN 10 frame on access port 1 (VLAN 10): dropped",
		"normal: VLAN 30 frame on port 4, which does not trunk it: "
		"dropped",
		"normal: " A " is on the input port: dropped",
	};
	static const char *const pkts[] = {
		FROM1(A, B), "in_port=2,dl_src=" A ",dl_dst=" B IP,
		"in_port=1,dl_vlan=10,dl_src=" A ",dl_dst=" B IP,
		"in_port=4,dl_vlan=30,dl_src=" A ",dl_dst=" B IP,
		"in_port=2,dl_src=" B ",dl_dst=" A IP,
	};
	size_t i, j, found = 0;

	r.in.trace = true;
	for (i = 0; i < WFT_ARRAY_SIZE(pkts); i++) {
		xlate(pkts[i]);
		for (j = 0; j < r.out.trace.n; j++) {
			const struct wft_trace_entry *e =
				&r.out.trace.entries[j];
			size_t k;

			if (e->kind != WFT_TRACE_NOTE)
				continue;
			for (k = 0; k < WFT_ARRAY_SIZE(want); k++)
				if (!strcmp(e->text, want[k]))
					found |= 1u << k;
		}
	}
	ck_assert_uint_eq(found, (1u << WFT_ARRAY_SIZE(want)) - 1);
}
END_TEST

/* ---- the table ------------------------------------------------------- */

static void mac_n(uint8_t mac[6], unsigned int n)
{
	mac[0] = 0x02;
	mac[1] = 0;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

START_TEST(test_seq)
{
	uint8_t a[6] = { 0, 0, 0, 0, 0, 0xa };
	uint64_t s0 = wft_mac_learning_seq(ml), s1;
	uint32_t old = 0, port = 0;

	ck_assert_int_eq(wft_mac_learning_learn(ml, a, 10, 1, NULL),
			 WFT_MAC_ADDED);
	s1 = wft_mac_learning_seq(ml);
	ck_assert_uint_gt(s1, s0);
	/* Refreshes, soon or late, change nothing NORMAL decides. */
	ck_assert_int_eq(wft_mac_learning_learn(ml, a, 10, 1, NULL),
			 WFT_MAC_REFRESHED);
	now_ms += 10000;
	ck_assert_int_eq(wft_mac_learning_learn(ml, a, 10, 1, NULL),
			 WFT_MAC_REFRESHED);
	ck_assert_uint_eq(wft_mac_learning_seq(ml), s1);
	/* A move does; so does the same MAC in another VLAN. */
	ck_assert_int_eq(wft_mac_learning_learn(ml, a, 10, 2, &old),
			 WFT_MAC_MOVED);
	ck_assert_uint_eq(old, 1);
	ck_assert_uint_gt(wft_mac_learning_seq(ml), s1);
	s1 = wft_mac_learning_seq(ml);
	ck_assert_int_eq(wft_mac_learning_learn(ml, a, 20, 1, NULL),
			 WFT_MAC_ADDED);
	ck_assert_uint_gt(wft_mac_learning_seq(ml), s1);
	ck_assert(wft_mac_learning_lookup(ml, a, 10, &port));
	ck_assert_uint_eq(port, 2);
	/* Expiry: the lookup stops at once, run() frees and tells. */
	s1 = wft_mac_learning_seq(ml);
	ck_assert_int_eq(wft_mac_learning_next_expiry(ml), now_ms + 300000);
	now_ms += 300000;
	ck_assert(!wft_mac_learning_lookup(ml, a, 10, &port));
	ck_assert_uint_eq(wft_mac_learning_seq(ml), s1);
	ck_assert_uint_eq(wft_mac_learning_run(ml), 2);
	ck_assert_uint_gt(wft_mac_learning_seq(ml), s1);
	s1 = wft_mac_learning_seq(ml);
	ck_assert_uint_eq(wft_mac_learning_run(ml), 0);
	ck_assert_uint_eq(wft_mac_learning_seq(ml), s1);
	ck_assert_int_eq(wft_mac_learning_next_expiry(ml), LLONG_MAX);
	/* An aged entry learned again is new. */
	ck_assert_int_eq(wft_mac_learning_learn(ml, a, 10, 3, NULL),
			 WFT_MAC_ADDED);
}
END_TEST

START_TEST(test_eviction)
{
	struct wft_mac_learning_stats st;
	uint8_t mac[6];
	uint32_t port;
	unsigned int i;

	wft_mac_learning_configure(ml, NULL, "10");
	for (i = 0; i < 10; i++) {
		mac_n(mac, i);
		wft_mac_learning_learn(ml, mac, 1, i, NULL);
		now_ms += 1000;
	}
	/* MAC 0 is seen again: MAC 1 is now the least recently seen. */
	mac_n(mac, 0);
	wft_mac_learning_learn(ml, mac, 1, 0, NULL);
	mac_n(mac, 10);
	ck_assert_int_eq(wft_mac_learning_learn(ml, mac, 1, 10, NULL),
			 WFT_MAC_ADDED);
	wft_mac_learning_get_stats(ml, &st);
	ck_assert_uint_eq(st.n_entries, 10);
	ck_assert_uint_eq(st.n_evicted, 1);
	mac_n(mac, 1);
	ck_assert(!wft_mac_learning_lookup(ml, mac, 1, &port));
	for (i = 0; i <= 10; i++) {
		mac_n(mac, i);
		ck_assert(i == 1 || wft_mac_learning_lookup(ml, mac, 1, &port));
	}
	/* Out of range is forced in (10 at least), bad text is the
	 * default, and shrinking evicts at once. */
	wft_mac_learning_configure(ml, "x", "3");
	wft_mac_learning_get_stats(ml, &st);
	ck_assert_uint_eq(st.max_entries, 10);
	ck_assert_uint_eq(st.aging_s, 300);
	wft_mac_learning_configure(ml, "99999", "0x10");
	wft_mac_learning_get_stats(ml, &st);
	ck_assert_uint_eq(st.max_entries, 8192);
	ck_assert_uint_eq(st.aging_s, 3600);
	wft_mac_learning_configure(ml, NULL, "-5");
	wft_mac_learning_get_stats(ml, &st);
	ck_assert_uint_eq(st.max_entries, 10);
}
END_TEST

/* Grows past its initial hash size and keeps every entry reachable. */
START_TEST(test_many)
{
	uint8_t mac[6];
	uint32_t port;
	unsigned int i;

	for (i = 0; i < 5000; i++) {
		mac_n(mac, i);
		wft_mac_learning_learn(ml, mac, (uint16_t)(i % 4095), i, NULL);
	}
	for (i = 0; i < 5000; i++) {
		mac_n(mac, i);
		ck_assert(wft_mac_learning_lookup(ml, mac,
						  (uint16_t)(i % 4095),
						  &port));
		ck_assert_uint_eq(port, i);
	}
	ck_assert_uint_eq(wft_mac_learning_flush_port(ml, 7), 1);
	ck_assert_uint_eq(wft_mac_learning_flush(ml), 4999);
	ck_assert_uint_eq(wft_mac_learning_flush(ml), 0);
}
END_TEST

static const char *port_name(void *aux, uint32_t port, char *buf,
			     size_t size)
{
	if (port == 1)
		return "vm1";
	if (port == 2)
		return NULL;			/* the default */
	snprintf(buf, size, "p%u", port);
	return buf;
}

START_TEST(test_fdb_show)
{
	uint8_t a[6] = { 0x50, 0x54, 0, 0xab, 0xcd, 0xef };
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	uint64_t s;

	wft_mac_learning_learn(ml, a, 0, 1, NULL);
	now_ms += 61500;
	a[5] = 1;
	wft_mac_learning_learn(ml, a, 4095, 2, NULL);
	now_ms += 2000;
	a[5] = 2;
	wft_mac_learning_learn(ml, a, 10, WFT_OFPP_LOCAL, NULL);
	a[5] = 3;
	wft_mac_learning_learn(ml, a, 10, 65534, NULL);
	a[5] = 4;
	wft_mac_learning_learn(ml, a, 10, 123456, NULL);
	wft_mac_learning_format(ml, NULL, NULL, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb),
			 " port  VLAN  MAC                Age\n"
			 "    1     0  50:54:00:ab:cd:ef   63\n"
			 "    2  4095  50:54:00:ab:cd:01    2\n"
			 "LOCAL    10  50:54:00:ab:cd:02    0\n"
			 "LOCAL    10  50:54:00:ab:cd:03    0\n"
			 "123456    10  50:54:00:ab:cd:04    0\n");
	wft_strbuf_reset(&sb);
	wft_mac_learning_format(ml, port_name, NULL, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb),
			 " port  VLAN  MAC                Age\n"
			 "  vm1     0  50:54:00:ab:cd:ef   63\n"
			 "    2  4095  50:54:00:ab:cd:01    2\n"
			 "p4294967294    10  50:54:00:ab:cd:02    0\n"
			 "p65534    10  50:54:00:ab:cd:03    0\n"
			 "p123456    10  50:54:00:ab:cd:04    0\n");
	/* fdb/flush */
	s = wft_mac_learning_seq(ml);
	ck_assert_uint_eq(wft_mac_learning_flush(ml), 5);
	ck_assert_uint_gt(wft_mac_learning_seq(ml), s);
	wft_strbuf_reset(&sb);
	wft_mac_learning_format(ml, NULL, NULL, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb),
			 " port  VLAN  MAC                Age\n");
	wft_strbuf_reset(&sb);
	wft_mac_learning_format_stats(ml, "br0", &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb),
			 "Statistics for bridge \"br0\":\n"
			 "  Current/maximum MAC entries in the table: 0/8192\n"
			 "  Current static MAC entries in the table : 0\n"
			 "  Total number of learned MAC entries     : 5\n"
			 "  Total number of expired MAC entries     : 0\n"
			 "  Total number of evicted MAC entries     : 0\n"
			 "  Total number of port moved MAC entries  : 0\n");
	wft_strbuf_free(&sb);
}
END_TEST

/* ---- megaflows ------------------------------------------------------- */

/* 1,000 UDP flows between two learned hosts: one megaflow, on in_port,
 * VLAN and the addresses, none of L3/L4. */
START_TEST(test_one_megaflow)
{
	struct wft_flow keys[4], pkt;
	struct wft_flow_wc masks[4];
	size_t n = 0, i, j;

	xlate(FROM3(10, B, A));
	xlate(FROM1(A, B));
	packet("in_port=1,dl_src=" A ",dl_dst=" B ",udp,nw_src=10.0.0.1,"
	       "nw_dst=10.0.0.2,nw_ttl=64,tp_dst=53", &pkt);
	for (i = 0; i < 1000; i++) {
		pkt.tp_src = htons((uint16_t)(20000 + i));
		pkt.nw_src = htonl(0x0a000001 + (uint32_t)(i % 7));
		pkt.nw_ttl = (uint8_t)(1 + i % 64);
		for (j = 0; j < n; j++)
			if (wft_flow_equal_except(&keys[j], &pkt, &masks[j]))
				break;
		if (j < n)
			continue;
		ck_assert_uint_lt(n, WFT_ARRAY_SIZE(keys));
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
	wft_strbuf_reset(&r.mf);
	megaflow_text(&pkt, &masks[0], &r.mf);
	ck_assert_str_eq(wft_strbuf_cstr(&r.mf), MF(11, A, B));
	ck_assert_uint_eq(masks[0].masks.tp_src | masks[0].masks.tp_dst, 0);
	ck_assert_uint_eq(masks[0].masks.nw_src | masks[0].masks.nw_dst, 0);
	ck_assert_uint_eq(masks[0].masks.nw_proto | masks[0].masks.nw_ttl, 0);
}
END_TEST

/* ---- port VLAN configuration ------------------------------------------ */

static const struct {
	const char *mode;
	int tag;
	uint16_t trunks[3];
	size_t n_trunks;
	int err;
	enum wft_vlan_mode want_mode;
	uint16_t want_tag;
	bool want_trunks;
} port_cases[] = {
	{ NULL, -1, { 0 }, 0, 0, WFT_VLAN_TRUNK, 0, false },
	{ NULL, -1, { 5, 4095 }, 2, 0, WFT_VLAN_TRUNK, 0, true },
	{ NULL, 10, { 0 }, 0, 0, WFT_VLAN_ACCESS, 10, false },
	{ NULL, 10, { 5, 6 }, 2, 0, WFT_VLAN_ACCESS, 10, false },
	{ "access", -1, { 0 }, 0, 0, WFT_VLAN_ACCESS, 0, false },
	{ "trunk", 10, { 5 }, 1, 0, WFT_VLAN_TRUNK, 0, true },
	{ "native-tagged", 7, { 5 }, 1, 0, WFT_VLAN_NATIVE_TAGGED, 7, true },
	{ "native-untagged", -1, { 0 }, 0, 0, WFT_VLAN_NATIVE_UNTAGGED, 0,
	  false },
	{ "dot1q-tunnel", 5, { 0 }, 0, -EOPNOTSUPP, 0, 0, false },
	{ "Access", 5, { 0 }, 0, -EINVAL, 0, 0, false },
	{ NULL, 4096, { 0 }, 0, -EINVAL, 0, 0, false },
	{ "trunk", -1, { 1, 4096 }, 2, -EINVAL, 0, 0, false },
};

START_TEST(test_port_vlan)
{
	uint64_t bm[WFT_VLAN_BITMAP_WORDS];
	struct wft_xlate_port p;
	char err[128] = "";
	size_t i;
	int rc;

	memset(&p, 0, sizeof(p));
	rc = wft_normal_port_vlan(&p, port_cases[_i].mode, port_cases[_i].tag,
				  port_cases[_i].trunks,
				  port_cases[_i].n_trunks, bm, err,
				  sizeof(err));
	ck_assert_int_eq(rc, port_cases[_i].err);
	if (rc) {
		ck_assert_msg(err[0], "no message");
		return;
	}
	ck_assert_int_eq(p.vlan_mode, port_cases[_i].want_mode);
	ck_assert_uint_eq(p.tag, port_cases[_i].want_tag);
	ck_assert_int_eq(p.trunks != NULL, port_cases[_i].want_trunks);
	for (i = 0; p.trunks && i < port_cases[_i].n_trunks; i++) {
		uint16_t v = port_cases[_i].trunks[i];

		ck_assert(p.trunks[v / 64] >> (v % 64) & 1);
	}
	if (p.trunks)
		ck_assert(!(p.trunks[0] & 1));		/* only those */
}
END_TEST

/* ---- concurrency ------------------------------------------------------- */

#define N_HOSTS		24
#define N_ITER		1500

struct worker {
	struct wft_flow pkts[N_HOSTS];
	unsigned int seed;
	int errors;
};

static void *work(void *aux)
{
	struct worker *w = aux;
	struct wft_xlate_in in = r.in;
	struct wft_xlate_out out;
	int i;

	in.may_learn = true;
	for (i = 0; i < N_ITER; i++) {
		const struct wft_flow *pkt;
		uint8_t dst;

		w->seed = w->seed * 1103515245 + 12345;
		pkt = &w->pkts[(w->seed >> 16) % N_HOSTS];
		dst = (uint8_t)((w->seed >> 8) % N_HOSTS);
		in.flow = *pkt;
		in.flow.dl_dst[5] = dst;
		wft_xlate_out_init(&out);
		if (wft_xlate(&in, &out))
			w->errors++;
		wft_xlate_out_uninit(&out);
		if (i % 200 == 199)
			wft_mac_learning_flush_port(ml, 1 + (w->seed & 1));
		if (i % 50 == 0)
			wft_mac_learning_run(ml);
	}
	return NULL;
}

/* Two handler threads translate frames of hosts that hop between ports 1
 * and 2 (moves, evictions at a table of 10, flushes, lookups). */
START_TEST(test_concurrency)
{
	struct wft_mac_entry_info *v;
	struct worker w[2];
	pthread_t t[2];
	size_t n, i;
	int k, h;

	wft_mac_learning_configure(ml, NULL, "10");
	for (k = 0; k < 2; k++) {
		w[k].seed = (unsigned int)k + 1;
		w[k].errors = 0;
		for (h = 0; h < N_HOSTS; h++) {
			char buf[128];

			snprintf(buf, sizeof(buf), "in_port=%d,dl_src=02:00:00:"
				 "00:00:%02x,dl_dst=02:00:00:00:00:00,udp,"
				 "tp_src=%d", 1 + (h + k) % 2, h, h);
			packet(buf, &w[k].pkts[h]);
		}
	}
	for (k = 0; k < 2; k++)
		ck_assert_int_eq(pthread_create(&t[k], NULL, work, &w[k]), 0);
	for (k = 0; k < 2; k++)
		ck_assert_int_eq(pthread_join(t[k], NULL), 0);
	ck_assert_int_eq(w[0].errors + w[1].errors, 0);
	n = wft_mac_learning_dump(ml, &v);
	ck_assert_uint_le(n, 10);
	for (i = 0; i < n; i++) {
		ck_assert(v[i].port == 1 || v[i].port == 2);
		ck_assert_uint_eq(v[i].vlan, 10);
	}
	free(v);
}
END_TEST

static Suite *normal_suite(void)
{
	Suite *s = suite_create("normal");
	TCase *tc;

	tc = tcase_create("scenarios");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_scenarios, 0,
			    WFT_ARRAY_SIZE(scenarios));
	tcase_add_test(tc, test_stale_port_floods);
	tcase_add_test(tc, test_trace_notes);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_seq);
	tcase_add_test(tc, test_eviction);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_fdb_show);
	suite_add_tcase(s, tc);

	tc = tcase_create("megaflows");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_one_megaflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("port vlan config");
	tcase_add_loop_test(tc, test_port_vlan, 0,
			    WFT_ARRAY_SIZE(port_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrency");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_concurrency);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(normal_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
