// SPDX-License-Identifier: GPL-2.0
/*
 * udpif: upcall handlers and the revalidator against a fake datapath
 * (fake_dpif.h), with real threads, the real pipeline and xlate.
 *
 *   test ── fdp_miss() ──► fake upcall socket ──► handler thread(s)
 *                                                   │ xlate, put, execute
 *   test ◄── fdp.* counters, flows ◄────────────────┘
 *                      ▲ dump, del, modify
 *                      └── revalidator thread (kicked; fake clock)
 *
 * The bridge: br0 (LOCAL, datapath port 1), p1..p3 = OpenFlow 1..3 =
 * datapath 2..4. Misses carry datapath port numbers.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "weft/ofp_flow.h"
#include "weft/ofproto.h"
#include "weft/udpif.h"
#include "weft/vlog.h"

#include "fake_dpif.h"

#define WAIT_MS		10000

static struct wft_backer *backer;
static const struct wft_dpif_ops *ops = &fdp_ops;
static struct wft_udpif *udpif;
static long long fake_now = 1000000;

static long long fake_clock(void *aux)
{
	return __atomic_load_n(&fake_now, __ATOMIC_SEQ_CST);
}

static void advance(long long ms)
{
	__atomic_add_fetch(&fake_now, ms, __ATOMIC_SEQ_CST);
}

static const struct wft_port_cfg br0_ports[] = {
	{ .name = "br0", .type = "internal", .ofport = WFT_OFPP_LOCAL,
	  .odp_port = 1, .tag = -1 },
	{ .name = "p1", .type = "", .ofport = 1, .odp_port = 2, .tag = -1 },
	{ .name = "p2", .type = "", .ofport = 2, .odp_port = 3, .tag = -1 },
	{ .name = "p3", .type = "", .ofport = 3, .odp_port = 4, .tag = -1 },
};

static const struct wft_bridge_cfg br0 = {
	.name = "br0", .ports = br0_ports, .n_ports = 4,
};

static void kick(void *aux)
{
	if (udpif)
		wft_udpif_kick(udpif);
}

static struct wft_pipeline *pipeline(const char *br)
{
	struct wft_ofproto *p = wft_backer_find(backer, br);

	ck_assert(p);
	return wft_ofproto_pipeline(p);
}

/* A flow_mod in ovs-ofctl syntax on @br, then the change notice. */
static void flow_mod(const char *br, enum wft_ofp_command cmd,
		     const char *s)
{
	static const enum wft_fm_command fm_cmd[] = {
		WFT_FM_ADD, WFT_FM_MODIFY, WFT_FM_MODIFY_STRICT,
		WFT_FM_DELETE, WFT_FM_DELETE_STRICT,
	};
	struct wft_ofp_flow f;
	struct wft_flow_mod fm;
	char err[256];

	ck_assert_msg(!wft_ofp_flow_parse(s, cmd, &f, err, sizeof(err)),
		      "%s: %s", s, err);
	wft_flow_mod_init(&fm, fm_cmd[cmd]);
	fm.table_id = f.table;
	fm.priority = f.priority;
	fm.match = f.match;
	fm.wc = f.mask;
	fm.cookie = f.cookie;
	fm.actions = &f.actions;
	ck_assert_int_eq(wft_pipeline_flow_mod(pipeline(br), &fm, 0, NULL,
					       NULL), 0);
	wft_ofp_flow_uninit(&f);
	wft_backer_changed(backer);
}

static void add(const char *s)
{
	flow_mod("br0", WFT_OFPFC_ADD, s);
}

/* A packet in ovs-ofctl match syntax (in_port: the datapath's). */
static void miss(const char *s, unsigned int cpu)
{
	struct wft_flow flow;
	struct wft_flow_wc m;
	char err[256];

	ck_assert_msg(!wft_ofp_match_parse(s, &flow, &m, err, sizeof(err)),
		      "%s: %s", s, err);
	fdp_miss(&flow, cpu);
}

/* other_config:put-execute=false for the next start(). */
static bool no_put_execute;

static void start(unsigned int n_handlers, unsigned int n_cpus,
		  size_t flow_limit, bool restore_wait)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_udpif_config cfg = {
		.n_handlers = n_handlers, .n_cpus = n_cpus,
		.flow_limit = flow_limit,
		.revalidate_ms = 60000,		/* cycles only when kicked */
		.flow_restore_wait = restore_wait,
		.no_put_execute = no_put_execute,
	};

	udpif = wft_udpif_create(backer, ops, NULL, 100);
	wft_udpif_set_clock(udpif, fake_clock, NULL);
	ck_assert_msg(!wft_udpif_start(udpif, &cfg, &err), "%s",
		      wft_strbuf_cstr(&err));
	wft_strbuf_free(&err);
}

static void stop(void)
{
	wft_udpif_destroy(udpif);
	udpif = NULL;
}

static uint64_t upcalls(void)
{
	struct wft_udpif_stats st;
	uint64_t n = 0;
	unsigned int i;

	wft_udpif_get_stats(udpif, &st);
	for (i = 0; i < st.n_handlers; i++)
		n += st.handlers[i].n_upcalls + st.handlers[i].n_packet_ins;
	return n;
}

static struct wft_udpif_handler_stats totals(void)
{
	struct wft_udpif_handler_stats t = { 0 };
	struct wft_udpif_stats st;
	unsigned int i;

	wft_udpif_get_stats(udpif, &st);
	for (i = 0; i < st.n_handlers; i++) {
		t.n_upcalls += st.handlers[i].n_upcalls;
		t.n_installed += st.handlers[i].n_installed;
		t.n_duplicates += st.handlers[i].n_duplicates;
		t.n_over_limit += st.handlers[i].n_over_limit;
		t.n_errors += st.handlers[i].n_errors;
		t.n_packet_ins += st.handlers[i].n_packet_ins;
		t.n_stale += st.handlers[i].n_stale;
	}
	return t;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Whether every miss taken has its outcome counted: a batch's puts are
 * settled after its executes ran. */
static bool settled(void)
{
	struct wft_udpif_handler_stats t = totals();

	return t.n_installed + t.n_duplicates + t.n_over_limit + t.n_errors +
	       t.n_stale >= t.n_upcalls;
}

/* Until the handlers have taken @n upcalls and the datapath executed
 * @n_exec packets in all (the execute ends a miss's handling), and their
 * outcomes are counted. */
static void wait_handled(uint64_t n, int n_exec)
{
	int i;

	for (i = 0; i < WAIT_MS / 5; i++) {
		if (upcalls() >= n && FDP_GET(n_execute) >= n_exec &&
		    settled())
			return;
		sleep_ms(5);
	}
	ck_abort_msg("handlers took %llu of %llu upcalls, %d of %d executes",
		     (unsigned long long)upcalls(), (unsigned long long)n,
		     FDP_GET(n_execute), n_exec);
}

static void revalidate(void)
{
	ck_assert_int_eq(wft_udpif_wait(udpif, WAIT_MS), 0);
}

static void setup(void)
{
	fdp_reset();
	backer = wft_backer_create();
	wft_backer_update(backer, &br0, 1);
	wft_backer_set_changed(backer, kick, NULL);
}

static void teardown(void)
{
	if (udpif)
		stop();
	ops = &fdp_ops;
	no_put_execute = false;
	wft_backer_destroy(backer);
	fdp_reset();
}

/* Misses. */

START_TEST(test_miss_installs_megaflow)
{
	struct wft_ofproto_xlate x;
	struct wft_flow_wc m;
	char err[256];

	add("priority=10,ip,nw_dst=10.0.0.2,actions=output:2");
	start(1, 1, 0, false);
	miss("in_port=2,udp,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,"
	     "nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,tp_src=1000,tp_dst=53",
	     0);
	wait_handled(1, 1);
	ck_assert_int_eq(FDP_GET(n_put_ok), 1);
	ck_assert_int_eq(FDP_GET(n_flows), 1);
	ck_assert_int_eq(FDP_GET(n_execute), 1);
	ck_assert_str_eq(fdp_flow_text(0),
			 "recirc_id(0),in_port(2),eth(),eth_type(0x0800),"
			 "ipv4(dst=10.0.0.2,frag=no) actions:3");
	/* Exactly the megaflow xlate computes for the packet. */
	wft_ofproto_xlate_init(&x);
	wft_backer_read_lock(backer);
	x.bridge = wft_backer_find(backer, "br0");
	ck_assert(!wft_ofp_match_parse("in_port=1,udp,dl_src=00:00:00:00:00:01,"
				       "dl_dst=00:00:00:00:00:02,"
				       "nw_src=10.0.0.1,nw_dst=10.0.0.2,"
				       "nw_ttl=64,tp_src=1000,tp_dst=53",
				       &x.flow, &m, err, sizeof(err)));
	ck_assert_int_eq(wft_ofproto_xlate_run(&x), 0);
	wft_backer_read_unlock(backer);
	pthread_mutex_lock(&fdp.lock);
	ck_assert(wft_ufid_equal(&fdp.flows[0].ufid, &x.ufid));
	ck_assert_uint_eq(fdp.flows[0].mask.len, x.mask.len);
	ck_assert(!memcmp(fdp.flows[0].mask.data, x.mask.data, x.mask.len));
	pthread_mutex_unlock(&fdp.lock);
	wft_ofproto_xlate_uninit(&x);
	ck_assert_int_eq(totals().n_installed, 1);
}
END_TEST

/* A packet-out from in_port CONTROLLER (pinctrl's packets, as OVN's):
 * translated, no megaflow built, and output to the port the trigger came
 * in on is not skipped. */
START_TEST(test_packet_out_from_controller)
{
	struct wft_ofproto_xlate x;
	struct wft_ofpacts acts;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_flow_wc m;
	char err[256];

	add("priority=10,actions=output:1");
	start(1, 1, 0, false);
	wft_ofpacts_init(&acts);
	wft_ofproto_xlate_init(&x);
	wft_backer_read_lock(backer);
	x.bridge = wft_backer_find(backer, "br0");
	ck_assert(!wft_ofp_match_parse("udp,nw_src=10.0.0.1,nw_dst=10.0.0.2",
				       &x.flow, &m, err, sizeof(err)));
	x.flow.in_port = htonl(WFT_OFPP_CONTROLLER);
	ck_assert(!wft_ofp_actions_parse_any("resubmit(,0)", &acts, err,
					     sizeof(err)));
	x.actions = &acts;
	ck_assert_int_eq(wft_ofproto_xlate_run(&x), 0);
	wft_backer_read_unlock(backer);
	ck_assert_int_eq(x.out.error, 0);
	ck_assert_int_eq(wft_odp_actions_format(x.out.actions.data,
						x.out.actions.len, &sb, 0), 0);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), "2");	/* port 1's */
	wft_strbuf_free(&sb);
	wft_ofproto_xlate_uninit(&x);
	wft_ofpacts_uninit(&acts);
}
END_TEST

/* 1,000 flows that differ only in the UDP source port share one megaflow;
 * the other 999 find it (cache or EEXIST) and only execute. Two handlers
 * race for it. */
START_TEST(test_thousand_misses_one_megaflow)
{
	struct wft_udpif_handler_stats t;
	char pkt[256];
	int i;

	add("priority=10,dl_dst=00:00:00:00:00:02,actions=output:2");
	add("priority=20,ip,nw_dst=10.9.9.9,actions=drop");
	start(2, 2, 0, false);
	for (i = 0; i < 1000; i++) {
		snprintf(pkt, sizeof(pkt), "in_port=2,udp,dl_dst=00:00:00:00:00:"
			 "02,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=%d,"
			 "tp_dst=53", 1024 + i);
		miss(pkt, (unsigned int)i);
	}
	wait_handled(1000, 1000);
	t = totals();
	ck_assert_int_eq(FDP_GET(n_put_ok), 1);
	ck_assert_int_eq(FDP_GET(n_flows), 1);
	ck_assert_int_eq(FDP_GET(n_execute), 1000);
	ck_assert_int_eq(t.n_installed, 1);
	ck_assert_int_eq(t.n_duplicates, 999);
	ck_assert_int_eq(t.n_errors, 0);
	ck_assert(!strstr(fdp_flow_text(0), "udp("));
}
END_TEST

/* The setup benchmark's traffic (bench_agent.sh): one /32 rule and one
 * miss per destination, so every miss installs a megaflow of its own.
 * Also the workload for counting a miss's instructions in userspace:
 * CK_FORK=no CK_RUN_CASE=misses valgrind
 * --tool=callgrind build/tests/unit/check_udpif. */
START_TEST(test_distinct_destinations)
{
	enum { N = 2000 };
	struct wft_udpif_handler_stats t;
	char s[128];
	int i;

	for (i = 0; i < N; i++) {
		snprintf(s, sizeof(s), "priority=10,ip,nw_dst=10.1.%d.%d,"
			 "actions=output:2", i / 250, 2 + i % 250);
		add(s);
	}
	pthread_mutex_lock(&fdp.lock);
	fdp.put_executes = true;
	pthread_mutex_unlock(&fdp.lock);
	start(1, 1, 0, false);
	for (i = 0; i < N; i++) {
		snprintf(s, sizeof(s), "in_port=2,udp,dl_src=02:00:00:00:be:01,"
			 "dl_dst=02:00:00:00:be:02,nw_src=10.0.0.1,"
			 "nw_dst=10.1.%d.%d,nw_ttl=64,tp_src=9,tp_dst=9",
			 i / 250, 2 + i % 250);
		miss(s, 0);
	}
	wait_handled(N, N);
	t = totals();
	ck_assert_int_eq(FDP_GET(n_flows), N);
	ck_assert_int_eq(FDP_GET(n_put_packet), N);
	ck_assert_int_eq(t.n_installed, N);
	ck_assert_int_eq(t.n_duplicates, 0);
	ck_assert_int_eq(t.n_errors, 0);
	ck_assert_str_eq(fdp_flow_text(N - 1),
			 "recirc_id(0),in_port(2),eth(),eth_type(0x0800),"
			 "ipv4(dst=10.1.7.251,frag=no) actions:3");
}
END_TEST

/*
 * A receive batch's puts and executes go to the datapath together, in
 * order, and each put's outcome reaches its own ukey: here the first put
 * of the batch fails. Loop 1: the same with ops that do not batch.
 */
START_TEST(test_batch_outcomes)
{
	struct wft_udpif_handler_stats t;
	struct wft_udpif_stats st;
	char s[128];
	int i;

	if (_i)
		ops = &fdp_ops_unbatched;
	for (i = 1; i <= 8; i++) {
		snprintf(s, sizeof(s), "priority=10,ip,nw_dst=10.1.0.%d,"
			 "actions=output:2", i);
		add(s);
	}
	start(1, 1, 0, false);
	pthread_mutex_lock(&fdp.lock);
	fdp.hold_upcalls = true;
	fdp.fail_puts = 1;
	pthread_mutex_unlock(&fdp.lock);
	for (i = 1; i <= 8; i++) {
		snprintf(s, sizeof(s), "in_port=2,udp,nw_src=10.0.0.1,"
			 "nw_dst=10.1.0.%d", i);
		miss(s, 0);
	}
	pthread_mutex_lock(&fdp.lock);
	fdp.hold_upcalls = false;
	pthread_mutex_unlock(&fdp.lock);
	wait_handled(8, 8);
	t = totals();
	ck_assert_int_eq(FDP_GET(n_put), 8);
	ck_assert_int_eq(FDP_GET(n_put_ok), 7);
	ck_assert_int_eq(FDP_GET(n_flows), 7);
	ck_assert_int_eq(t.n_installed, 7);
	ck_assert_int_eq(t.n_errors, 1);
	if (!_i) {
		ck_assert_int_eq(FDP_GET(n_batches), 1);
		ck_assert_int_eq(FDP_GET(max_batch), 16);
	} else {
		ck_assert_int_eq(FDP_GET(n_batches), 0);
	}
	/* The failed put's ukey goes at the next cycle, so that the next
	 * miss of that flow installs it. */
	revalidate();
	wft_udpif_get_stats(udpif, &st);
	ck_assert_uint_eq(st.n_flows, 7);
	miss("in_port=2,udp,nw_src=10.0.0.1,nw_dst=10.1.0.1", 0);
	wait_handled(9, 9);
	ck_assert_int_eq(FDP_GET(n_put_ok), 8);
	ck_assert_int_eq(FDP_GET(n_flows), 8);
	ck_assert_int_eq(totals().n_installed, 8);
}
END_TEST

/* A flow already in the datapath with no ukey (weftd restarted): the put
 * is refused with EEXIST and not tried again. */
START_TEST(test_eexist_not_redone)
{
	const char *pkt = "in_port=2,dl_dst=00:00:00:00:00:02,dl_type=0x0800";

	add("priority=10,dl_dst=00:00:00:00:00:02,actions=output:2");
	start(1, 1, 0, false);
	miss(pkt, 0);
	wait_handled(1, 1);
	stop();
	start(1, 1, 0, false);
	miss(pkt, 0);
	wait_handled(1, 2);	/* executes count across the restart */
	ck_assert_int_eq(FDP_GET(n_put_eexist), 1);
	ck_assert_int_eq(FDP_GET(n_put_ok), 1);
	ck_assert_int_eq(totals().n_duplicates, 1);
	miss(pkt, 0);
	wait_handled(2, 3);
	ck_assert_int_eq(FDP_GET(n_put), 2);	/* the cache knows it now */
	revalidate();
	ck_assert_int_eq(FDP_GET(n_del), 0);
	ck_assert_int_eq(FDP_GET(n_modify), 0);
}
END_TEST

START_TEST(test_flow_limit)
{
	struct wft_udpif_handler_stats t;
	char pkt[128];
	int i;

	add("priority=10,dl_dst=00:00:00:00:00:02,actions=output:2");
	add("priority=0,actions=output:3");
	start(1, 1, 5, false);
	for (i = 0; i < 10; i++) {
		snprintf(pkt, sizeof(pkt), "in_port=2,dl_dst=00:00:00:00:01:%02x",
			 i);
		miss(pkt, 0);
	}
	wait_handled(10, 10);
	t = totals();
	ck_assert_int_eq(FDP_GET(n_flows), 5);
	ck_assert_int_eq(t.n_installed, 5);
	ck_assert_int_eq(t.n_over_limit, 5);
	ck_assert_int_eq(FDP_GET(n_execute), 10);
}
END_TEST

/* Controller actions come back as userspace-action upcalls. */
static struct {
	int n;
	char bridge[16];
	struct wft_packet_in_md md;
	size_t len;
} pin;

static void on_packet_in(void *aux, const char *bridge,
			 const struct wft_packet_in_md *md,
			 const uint8_t *packet, size_t len)
{
	snprintf(pin.bridge, sizeof(pin.bridge), "%s", bridge);
	pin.md = *md;
	pin.md.userdata = NULL;
	pin.len = len;
	__atomic_add_fetch(&pin.n, 1, __ATOMIC_SEQ_CST);
}

START_TEST(test_controller_packet_in)
{
	int i;

	memset(&pin, 0, sizeof(pin));
	add("table=0,priority=5,cookie=0x42,ip,actions=load:7->reg3,"
	    "controller(reason=no_match)");
	start(1, 1, 0, false);
	wft_udpif_set_packet_in(udpif, on_packet_in, NULL);
	miss("in_port=3,ip,nw_dst=10.0.0.5", 0);
	for (i = 0; i < WAIT_MS / 5 && !__atomic_load_n(&pin.n,
							__ATOMIC_SEQ_CST); i++)
		sleep_ms(5);
	ck_assert_int_eq(pin.n, 1);
	ck_assert_str_eq(pin.bridge, "br0");
	ck_assert_int_eq(pin.md.reason, WFT_PACKET_IN_NO_MATCH);
	ck_assert_int_eq(pin.md.table_id, 0);
	ck_assert_uint_eq(pin.md.cookie, 0x42);
	ck_assert_uint_eq(pin.md.in_port, 2);	/* OpenFlow */
	ck_assert_uint_eq(pin.md.regs[3], 7);
	ck_assert_uint_eq(pin.len, 64);
	ck_assert_int_eq(totals().n_packet_ins, 1);
}
END_TEST

/*
 * With a module that takes a miss's packet along with its flow
 * (WEFT_F_FLOW_EXECUTE), a miss is one request: the put carries the
 * packet and no execute follows. A miss whose flow is already cached, a
 * drop, and every miss once other_config:put-execute=false (loop 1) go
 * the old way. The packet-in shows the put's packet and key arrived.
 */
START_TEST(test_put_takes_packet)
{
	int together = _i ? 0 : 1;
	int i;

	memset(&pin, 0, sizeof(pin));
	no_put_execute = _i;
	pthread_mutex_lock(&fdp.lock);
	fdp.put_executes = true;
	pthread_mutex_unlock(&fdp.lock);
	add("priority=10,ip,nw_dst=10.0.0.2,actions=output:2");
	add("priority=10,ip,nw_dst=10.0.0.3,actions=drop");
	add("priority=10,cookie=0x7,ip,nw_dst=10.0.0.5,actions=controller");
	start(1, 1, 0, false);
	wft_udpif_set_packet_in(udpif, on_packet_in, NULL);
	miss("in_port=2,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1", 0);
	wait_handled(1, 1);
	ck_assert_int_eq(FDP_GET(n_put_ok), 1);
	ck_assert_int_eq(FDP_GET(n_put_packet), together);
	ck_assert_int_eq(FDP_GET(n_execute), 1);
	/* The same megaflow, cached: no put, an execute. */
	miss("in_port=2,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=2", 0);
	wait_handled(2, 2);
	ck_assert_int_eq(FDP_GET(n_put), 1);
	ck_assert_int_eq(FDP_GET(n_put_packet), together);
	/* A drop: the put alone. */
	miss("in_port=2,udp,nw_src=10.0.0.1,nw_dst=10.0.0.3", 0);
	wait_handled(3, 2);
	ck_assert_int_eq(FDP_GET(n_put_ok), 2);
	ck_assert_int_eq(FDP_GET(n_put_packet), together);
	ck_assert_int_eq(FDP_GET(n_execute), 2);
	/* To the controller, through the put's packet (or the execute). */
	miss("in_port=3,ip,nw_dst=10.0.0.5", 0);
	wait_handled(5, 3);
	ck_assert_int_eq(FDP_GET(n_put_ok), 3);
	ck_assert_int_eq(FDP_GET(n_put_packet), 2 * together);
	for (i = 0; i < WAIT_MS / 5 && !__atomic_load_n(&pin.n,
							__ATOMIC_SEQ_CST); i++)
		sleep_ms(5);
	ck_assert_int_eq(__atomic_load_n(&pin.n, __ATOMIC_SEQ_CST), 1);
	ck_assert_uint_eq(pin.md.cookie, 0x7);
	ck_assert_uint_eq(pin.md.in_port, 2);	/* OpenFlow */
	ck_assert_uint_eq(pin.len, 64);
	ck_assert_int_eq(totals().n_installed, 3);
	ck_assert_int_eq(totals().n_errors, 0);
}
END_TEST

/* Revalidation. */

/* After del-flows the megaflow stops forwarding within one cycle: its
 * actions become drop (the new mask needs nothing more); a rule that
 * needs more bits deletes it. */
START_TEST(test_revalidate_after_flow_mod)
{
	struct timespec t0, t1;
	long ms;

	add("priority=10,ip,nw_dst=10.0.0.2,actions=output:2");
	start(1, 1, 0, false);
	miss("in_port=2,udp,nw_dst=10.0.0.2,tp_dst=53", 0);
	wait_handled(1, 1);
	ck_assert(strstr(fdp_flow_text(0), "actions:3"));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	flow_mod("br0", WFT_OFPFC_DELETE, "");
	revalidate();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_msg(ms < 500, "revalidation took %ld ms", ms);
	ck_assert_int_eq(FDP_GET(n_modify), 1);
	ck_assert(strstr(fdp_flow_text(0), "actions:drop"));
	add("priority=30,udp,tp_dst=53,actions=output:3");
	revalidate();
	ck_assert_int_eq(FDP_GET(n_flows), 0);
	ck_assert_int_eq(FDP_GET(n_del), 1);
}
END_TEST

/* A dump the datapath flags as torn is done again in the same cycle. */
/* Cycles dump tersely (UFIDs and stats) while every flow has a ukey; a
 * flow without one (a restart) makes the cycle dump again in full. */
START_TEST(test_terse_dumps)
{
	struct wft_udpif_stats st;
	int dumps, terse;

	add("priority=10,ip,actions=output:2");
	start(1, 1, 0, false);
	miss("in_port=2,ip,nw_dst=10.0.0.2", 0);
	wait_handled(1, 1);
	dumps = FDP_GET(n_dumps);
	terse = FDP_GET(n_terse_dumps);
	revalidate();
	ck_assert_int_eq(FDP_GET(n_dumps), dumps + 1);
	ck_assert_int_eq(FDP_GET(n_terse_dumps), terse + 1);
	stop();
	start(1, 1, 0, false);
	dumps = FDP_GET(n_dumps);
	terse = FDP_GET(n_terse_dumps);
	revalidate();
	wft_udpif_get_stats(udpif, &st);
	ck_assert_int_eq(st.n_adopted, 1);
	ck_assert_int_eq(FDP_GET(n_dumps), dumps + 2);
	ck_assert_int_eq(FDP_GET(n_terse_dumps), terse + 1);
	revalidate();
	ck_assert_int_eq(FDP_GET(n_dumps), dumps + 3);
	ck_assert_int_eq(FDP_GET(n_terse_dumps), terse + 2);
	ck_assert_int_eq(FDP_GET(n_del), 0);
	ck_assert_int_eq(FDP_GET(n_flows), 1);
}
END_TEST

START_TEST(test_torn_dump_redone)
{
	int dumps;

	add("priority=10,ip,actions=output:2");
	start(1, 1, 0, false);
	miss("in_port=2,ip,nw_dst=10.0.0.2", 0);
	wait_handled(1, 1);
	revalidate();
	dumps = FDP_GET(n_dumps);
	pthread_mutex_lock(&fdp.lock);
	fdp.tear_next_dump = true;
	pthread_mutex_unlock(&fdp.lock);
	flow_mod("br0", WFT_OFPFC_DELETE, "");
	revalidate();
	ck_assert_int_ge(FDP_GET(n_dumps), dumps + 2);
	ck_assert(strstr(fdp_flow_text(0), "actions:drop"));
}
END_TEST

/* A timer's cycle (no kick, no rule or MAC change since the last complete
 * dump) does not dump again when its dump is torn: while handlers install
 * flows every dump is torn, and the next cycle sees what it skipped. It
 * sweeps nothing then. */
START_TEST(test_torn_timer_dump_not_redone)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_udpif_config cfg = {
		.n_handlers = 1, .n_cpus = 1, .revalidate_ms = 20,
	};
	struct wft_udpif_stats st;
	int i;

	add("priority=10,ip,actions=output:2");
	start(1, 1, 0, false);
	miss("in_port=2,ip,nw_dst=10.0.0.2", 0);
	wait_handled(1, 1);
	/* Cycles every 20 ms from the next one on. */
	ck_assert(!wft_udpif_start(udpif, &cfg, &err));
	wft_strbuf_free(&err);
	revalidate();
	pthread_mutex_lock(&fdp.lock);
	fdp.tear_next_dump = true;
	pthread_mutex_unlock(&fdp.lock);
	for (i = 0; i < WAIT_MS / 5; i++) {
		wft_udpif_get_stats(udpif, &st);
		if (st.n_torn)
			break;
		sleep_ms(5);
	}
	/* Done again, the second dump would have gone through whole. */
	ck_assert_int_eq(st.n_torn, 1);
	ck_assert_int_eq(st.n_flows, 1);
	ck_assert_int_eq(FDP_GET(n_flows), 1);
	ck_assert_int_eq(FDP_GET(n_del), 0);
	/* A cycle someone waits for still goes through whole (timer
	 * cycles stopped first: one could take the tear). */
	cfg.revalidate_ms = 60000;
	ck_assert(!wft_udpif_start(udpif, &cfg, &err));
	wft_strbuf_free(&err);
	revalidate();
	pthread_mutex_lock(&fdp.lock);
	fdp.tear_next_dump = true;
	pthread_mutex_unlock(&fdp.lock);
	revalidate();
	wft_udpif_get_stats(udpif, &st);
	ck_assert_int_eq(st.n_torn, 1);
}
END_TEST

START_TEST(test_stats_pushed_to_rules)
{
	struct wft_rule_list rules;

	add("priority=10,ip,actions=output:2");
	start(1, 1, 0, false);
	miss("in_port=2,ip,nw_dst=10.0.0.2", 0);
	wait_handled(1, 1);
	pthread_mutex_lock(&fdp.lock);
	fdp.flows[0].packets = 7;
	fdp.flows[0].bytes = 700;
	fdp.flows[0].used = (uint64_t)fake_clock(NULL);
	pthread_mutex_unlock(&fdp.lock);
	revalidate();
	revalidate();		/* counted once, not per cycle */
	wft_rule_list_init(&rules);
	wft_pipeline_dump(pipeline("br0"), NULL, &rules);
	ck_assert_uint_eq(rules.n, 1);
	/* The miss's own packet (executed by the handler), then the flow's 7. */
	ck_assert_uint_eq(rules.rules[0]->n_packets, 8);
	ck_assert_uint_gt(rules.rules[0]->n_bytes, 700);
	wft_rule_list_destroy(&rules);
}
END_TEST

START_TEST(test_idle_expiry)
{
	add("priority=10,actions=output:2");
	start(1, 1, 0, false);
	miss("in_port=2,dl_dst=00:00:00:00:00:01", 0);
	miss("in_port=2,dl_dst=00:00:00:00:00:02,dl_type=0x0806", 0);
	wait_handled(2, 2);
	ck_assert_int_eq(FDP_GET(n_flows), 2);
	advance(9000);
	revalidate();
	ck_assert_int_eq(FDP_GET(n_flows), 2);	/* 9 s: not yet */
	/* One of them sees a packet. */
	pthread_mutex_lock(&fdp.lock);
	fdp.flows[1].packets = 1;
	fdp.flows[1].used = (uint64_t)fake_clock(NULL);
	pthread_mutex_unlock(&fdp.lock);
	advance(2000);
	revalidate();
	ck_assert_int_eq(FDP_GET(n_flows), 1);	/* 11 s idle: gone */
	ck_assert_int_eq(FDP_GET(n_del), 1);
	advance(10001);
	revalidate();
	ck_assert_int_eq(FDP_GET(n_flows), 0);
}
END_TEST

/* Flows found in the datapath at start are kept and revalidated, never
 * flushed; with flow-restore-wait they are not even translated. */
START_TEST(test_restart_adoption)
{
	struct wft_udpif_stats st;
	int i;
	char pkt[128];

	add("priority=10,dl_dst=00:00:00:00:00:01,actions=output:2");
	add("priority=10,dl_dst=00:00:00:00:00:02,actions=output:3");
	add("priority=10,dl_dst=00:00:00:00:00:03,actions=output:1");
	start(1, 1, 0, false);
	for (i = 1; i <= 3; i++) {
		snprintf(pkt, sizeof(pkt), "in_port=1,dl_dst=00:00:00:00:00:%02d",
			 i);
		miss(pkt, 0);
	}
	wait_handled(3, 3);
	stop();
	/* The restart: same rules; nothing is put, deleted or changed. */
	start(1, 1, 0, false);
	revalidate();
	wft_udpif_get_stats(udpif, &st);
	ck_assert_int_eq(st.n_adopted, 3);
	ck_assert_int_eq(st.n_flows, 3);
	ck_assert_int_eq(FDP_GET(n_put), 3);
	ck_assert_int_eq(FDP_GET(n_del), 0);
	ck_assert_int_eq(FDP_GET(n_modify), 0);
	/* A rule changed while weftd was down: that flow is fixed. */
	stop();
	flow_mod("br0", WFT_OFPFC_MODIFY_STRICT,
		 "priority=10,dl_dst=00:00:00:00:00:02,actions=output:1");
	start(1, 1, 0, false);
	revalidate();
	ck_assert_int_eq(FDP_GET(n_modify), 1);
	ck_assert_int_eq(FDP_GET(n_flows), 3);
	/* Restarted with an empty pipeline and flow-restore-wait: kept
	 * until it is cleared, then revalidated (and deleted: no rules). */
	stop();
	flow_mod("br0", WFT_OFPFC_DELETE, "");
	start(1, 1, 0, true);
	revalidate();
	revalidate();
	ck_assert_int_eq(FDP_GET(n_flows), 3);
	ck_assert_int_eq(FDP_GET(n_del), 0);
	{
		struct wft_strbuf err = WFT_STRBUF_INIT;
		struct wft_udpif_config cfg = { .n_handlers = 1, .n_cpus = 1,
						.revalidate_ms = 60000 };

		ck_assert(!wft_udpif_start(udpif, &cfg, &err));
		wft_strbuf_free(&err);
	}
	revalidate();
	ck_assert_int_eq(FDP_GET(n_flows), 0);
}
END_TEST

/* NORMAL: a MAC learned later changes what an installed flow must do;
 * the learning handler kicks the revalidator, which fixes the flow. */
START_TEST(test_mac_learning_revalidates)
{
	add("priority=0,actions=normal");
	start(1, 1, 0, false);
	miss("in_port=2,dl_src=00:00:00:00:00:0a,dl_dst=00:00:00:00:00:0b", 0);
	wait_handled(1, 1);
	/* Flooded: every port but the input, LOCAL included. */
	ck_assert(strstr(fdp_flow_text(0), " actions:3,4,1"));
	revalidate();
	miss("in_port=3,dl_src=00:00:00:00:00:0b,dl_dst=00:00:00:00:00:0a", 0);
	wait_handled(2, 2);
	revalidate();
	ck_assert_int_eq(FDP_GET(n_modify), 1);
	ck_assert(strstr(fdp_flow_text(0), " actions:3"));
}
END_TEST

START_TEST(test_purge)
{
	add("priority=10,actions=output:LOCAL");
	start(1, 1, 0, false);
	miss("in_port=2,dl_dst=00:00:00:00:00:01", 0);
	miss("in_port=3,dl_dst=00:00:00:00:00:01", 0);
	wait_handled(2, 2);
	wft_udpif_purge(udpif);
	revalidate();
	ck_assert_int_eq(FDP_GET(n_flows), 0);
	ck_assert_int_eq(FDP_GET(n_del), 2);
}
END_TEST

START_TEST(test_handlers_per_cpu)
{
	start(3, 4, 0, false);
	ck_assert_int_eq(FDP_GET(n_pids), 4);
	pthread_mutex_lock(&fdp.lock);
	ck_assert_uint_eq(fdp.pids[3], fdp.pids[0]);
	ck_assert_uint_ne(fdp.pids[1], fdp.pids[0]);
	pthread_mutex_unlock(&fdp.lock);
	stop();
	ck_assert_int_eq(FDP_GET(n_pids), 0);	/* unregistered */
}
END_TEST

/* Patch ports: one megaflow crosses two bridges. */

static const struct wft_port_cfg bra_ports[] = {
	{ .name = "br-a", .type = "internal", .ofport = WFT_OFPP_LOCAL,
	  .odp_port = 1, .tag = -1 },
	{ .name = "a1", .type = "", .ofport = 1, .odp_port = 2, .tag = -1 },
	{ .name = "pa", .type = "patch", .ofport = 2,
	  .odp_port = WFT_PORT_ANY, .peer = "pb", .tag = -1 },
};

static const struct wft_port_cfg brb_ports[] = {
	{ .name = "br-b", .type = "internal", .ofport = WFT_OFPP_LOCAL,
	  .odp_port = 3, .tag = -1 },
	{ .name = "pb", .type = "patch", .ofport = 1,
	  .odp_port = WFT_PORT_ANY, .peer = "pa", .tag = -1 },
	{ .name = "b1", .type = "", .ofport = 2, .odp_port = 4, .tag = -1 },
};

START_TEST(test_patch_ports)
{
	const struct wft_bridge_cfg brs[] = {
		{ .name = "br-a", .ports = bra_ports, .n_ports = 3 },
		{ .name = "br-b", .ports = brb_ports, .n_ports = 3 },
	};

	wft_backer_update(backer, brs, 2);
	flow_mod("br-a", WFT_OFPFC_ADD, "in_port=1,actions=output:2");
	flow_mod("br-b", WFT_OFPFC_ADD, "in_port=1,ip,actions=output:2");
	flow_mod("br-b", WFT_OFPFC_ADD, "in_port=1,arp,"
		 "actions=mod_dl_dst:00:00:00:00:00:99,output:2");
	start(1, 1, 0, false);
	miss("in_port=2,ip,nw_dst=10.0.0.1", 0);
	miss("in_port=2,arp", 0);
	wait_handled(2, 2);
	ck_assert_int_eq(FDP_GET(n_flows), 2);
	ck_assert_str_eq(fdp_flow_text(0),
			 "recirc_id(0),in_port(2),eth(),eth_type(0x0800),"
			 "ipv4(frag=no) actions:4");
	ck_assert_str_eq(fdp_flow_text(1),
			 "recirc_id(0),in_port(2),eth(),eth_type(0x0806) "
			 "actions:clone(set(eth(dst=00:00:00:00:00:99)),4)");
	/* The far bridge's rules count for the near bridge's flows. */
	flow_mod("br-b", WFT_OFPFC_MODIFY_STRICT, "in_port=1,ip,"
		 "actions=output:LOCAL");
	revalidate();
	ck_assert_str_eq(fdp_flow_text(0),
			 "recirc_id(0),in_port(2),eth(),eth_type(0x0800),"
			 "ipv4(frag=no) actions:3");
}
END_TEST

/* A held bridge (wft_backer_hold(), an OVN chassis' br-int after a
 * start): its flows and those of a bridge patched to it wait; a bridge
 * apart forwards as usual. */

static const struct wft_port_cfg brc_ports[] = {
	{ .name = "br-c", .type = "internal", .ofport = WFT_OFPP_LOCAL,
	  .odp_port = 5, .tag = -1 },
	{ .name = "c1", .type = "", .ofport = 1, .odp_port = 6, .tag = -1 },
	{ .name = "c2", .type = "", .ofport = 2, .odp_port = 7, .tag = -1 },
};

/* Until the handlers have taken @n upcalls and installed @n_installed
 * flows (a held miss has no outcome to count). */
static void wait_installed(uint64_t n, uint64_t n_installed)
{
	int i;

	for (i = 0; i < WAIT_MS / 5; i++) {
		if (upcalls() >= n && totals().n_installed >= n_installed)
			return;
		sleep_ms(5);
	}
	ck_abort_msg("handlers took %llu of %llu upcalls, installed %llu "
		     "of %llu", (unsigned long long)upcalls(),
		     (unsigned long long)n,
		     (unsigned long long)totals().n_installed,
		     (unsigned long long)n_installed);
}

START_TEST(test_bridge_hold)
{
	const struct wft_bridge_cfg brs[] = {
		{ .name = "br-a", .ports = bra_ports, .n_ports = 3 },
		{ .name = "br-b", .ports = brb_ports, .n_ports = 3 },
		{ .name = "br-c", .ports = brc_ports, .n_ports = 3 },
	};

	wft_backer_update(backer, brs, 3);
	flow_mod("br-a", WFT_OFPFC_ADD, "in_port=1,actions=output:2");
	flow_mod("br-b", WFT_OFPFC_ADD, "in_port=1,actions=output:2");
	flow_mod("br-c", WFT_OFPFC_ADD, "in_port=1,actions=output:2");
	start(1, 1, 0, false);
	miss("in_port=2,ip,nw_dst=10.0.0.1", 0);	/* br-a, into br-b */
	miss("in_port=6,ip,nw_dst=10.0.0.1", 0);	/* br-c */
	wait_handled(2, 2);
	ck_assert_int_eq(FDP_GET(n_flows), 2);
	stop();
	/* The restart: br-b's rules are not rebuilt yet, and br-c's rule
	 * changed while weftd was down. */
	flow_mod("br-b", WFT_OFPFC_DELETE, "");
	flow_mod("br-c", WFT_OFPFC_MODIFY_STRICT,
		 "in_port=1,actions=output:LOCAL");
	wft_backer_hold(backer, "br-b");
	start(1, 1, 0, false);
	revalidate();
	revalidate();
	/* br-a's flow (it crosses into br-b) kept as it was; br-c's fixed. */
	ck_assert_int_eq(FDP_GET(n_flows), 2);
	ck_assert_int_eq(FDP_GET(n_del), 0);
	ck_assert_int_eq(FDP_GET(n_modify), 1);
	ck_assert(strstr(fdp_flow_text(0), "in_port(2)"));
	ck_assert(strstr(fdp_flow_text(0), " actions:4"));
	ck_assert(strstr(fdp_flow_text(1), " actions:5"));
	/* New flows: br-a's wait (neither installed nor executed), br-c's
	 * go in at once. One handler: they are taken in this order. */
	miss("in_port=2,arp", 0);
	miss("in_port=6,arp", 0);
	wait_installed(2, 1);
	ck_assert_int_eq(FDP_GET(n_flows), 3);
	ck_assert_int_eq(FDP_GET(n_execute), 3);
	ck_assert(strstr(fdp_flow_text(2), "in_port(6)"));
	/* The hold ends: br-a's old flow is translated against br-b's
	 * empty tables (a drop now), and its new flows go in. */
	wft_backer_hold(backer, NULL);
	revalidate();
	ck_assert_int_eq(FDP_GET(n_del) + FDP_GET(n_modify), 2);
	miss("in_port=2,arp", 0);
	wait_installed(3, 2);
	ck_assert_int_eq(totals().n_installed, 2);
}
END_TEST

static Suite *udpif_suite(void)
{
	Suite *s = suite_create("udpif");
	TCase *tc;

	tc = tcase_create("handlers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_miss_installs_megaflow);
	tcase_add_test(tc, test_packet_out_from_controller);
	tcase_add_test(tc, test_thousand_misses_one_megaflow);
	tcase_add_test(tc, test_eexist_not_redone);
	tcase_add_loop_test(tc, test_batch_outcomes, 0, 2);
	tcase_add_test(tc, test_flow_limit);
	tcase_add_test(tc, test_controller_packet_in);
	tcase_add_loop_test(tc, test_put_takes_packet, 0, 2);
	tcase_add_test(tc, test_handlers_per_cpu);
	suite_add_tcase(s, tc);

	tc = tcase_create("misses");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_distinct_destinations);
	suite_add_tcase(s, tc);

	tc = tcase_create("revalidator");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_revalidate_after_flow_mod);
	tcase_add_test(tc, test_torn_dump_redone);
	tcase_add_test(tc, test_torn_timer_dump_not_redone);
	tcase_add_test(tc, test_terse_dumps);
	tcase_add_test(tc, test_stats_pushed_to_rules);
	tcase_add_test(tc, test_idle_expiry);
	tcase_add_test(tc, test_restart_adoption);
	tcase_add_test(tc, test_mac_learning_revalidates);
	tcase_add_test(tc, test_purge);
	suite_add_tcase(s, tc);

	tc = tcase_create("patch");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_patch_ports);
	tcase_add_test(tc, test_bridge_hold);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(udpif_suite());
	int failed;

	wft_log_set_all(WFT_LD_CONSOLE, WFT_LL_OFF);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
