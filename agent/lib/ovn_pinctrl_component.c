// SPDX-License-Identifier: GPL-2.0
/*
 * The "pinctrl" component: weftd's answer to the packet-ins of pinctrl's
 * controller actions (include/weft/ovn_pinctrl.h). It runs in the upcall
 * handler threads, which call it for every userspace-action upcall:
 *   1. a token bucket per datapath flow (the upcall key's hash, 256
 *      buckets, WFT_PIN_RATE packets a second with bursts of
 *      WFT_PIN_BURST) drops a flood before any work, so that one busy
 *      flow cannot starve the handlers (OVS meters controller packets
 *      for the same reason);
 *   2. wft_ovn_pinctrl_handle() builds the packet and its actions;
 *   3. xlate runs those actions in the bridge the packet came from (the
 *      ports lock held for reading, as for any translation);
 *   4. the datapath executes the result on a netlink socket of the
 *      thread's own (a struct wft_dpif is not thread-safe), with the
 *      upcall's key as metadata (in_port, skb_mark, tunnel);
 *   or, for put_arp/put_nd/put_fdb, the binding is queued, and a timer
 *   of the main loop hands the queue to the chassis' SB writer.
 * Counters: coverage/show's pinctrl_* lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft/coverage.h"
#include "weft/daemon.h"
#include "weft/dpif.h"
#include "weft/loop.h"
#include "weft/ofproto.h"
#include "weft/ovn_pinctrl.h"
#include "weft/udpif.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(pinctrl);

WFT_COVERAGE_DEFINE(pinctrl_packet_in);
WFT_COVERAGE_DEFINE(pinctrl_sent);
WFT_COVERAGE_DEFINE(pinctrl_ignored);
WFT_COVERAGE_DEFINE(pinctrl_rate_limited);
WFT_COVERAGE_DEFINE(pinctrl_error);
WFT_COVERAGE_DEFINE(pinctrl_svc_check);
WFT_COVERAGE_DEFINE(pinctrl_dhcp6_reply);
WFT_COVERAGE_DEFINE(pinctrl_event);

#define WFT_PIN_RATE	100	/* packets a second per bucket */
#define WFT_PIN_BURST	50
#define N_BUCKETS	256

struct bucket {
	long long last_ms;
	unsigned int tokens;
};

#define FLUSH_MS	100	/* learned bindings to the SB writer */

struct pinctrl_state {
	struct wft_daemon *d;
	struct wft_timer *flush_timer;
	pthread_mutex_t mutex;		/* the buckets */
	struct bucket buckets[N_BUCKETS];
};

/* Each handler thread's own datapath socket, closed when it exits. */
static pthread_key_t dpif_key;
static pthread_once_t dpif_once = PTHREAD_ONCE_INIT;

static void dpif_destroy(void *dpif)
{
	wft_dpif_close(dpif);
}

static void dpif_key_create(void)
{
	pthread_key_create(&dpif_key, dpif_destroy);
}

static struct wft_dpif *thread_dpif(void)
{
	struct wft_dpif *dpif;
	char err[128];

	pthread_once(&dpif_once, dpif_key_create);
	dpif = pthread_getspecific(dpif_key);
	if (dpif)
		return dpif;
	if (wft_dpif_open(&dpif, err, sizeof(err))) {
		wft_warn("pinctrl cannot open the datapath: %s", err);
		return NULL;
	}
	pthread_setspecific(dpif_key, dpif);
	return dpif;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static uint32_t key_hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static bool admit(struct pinctrl_state *st, const void *key, size_t len)
{
	struct bucket *b = &st->buckets[key_hash(key, len) % N_BUCKETS];
	long long now = now_ms(), add;
	bool ok;

	pthread_mutex_lock(&st->mutex);
	if (!b->last_ms) {
		b->last_ms = now;
		b->tokens = WFT_PIN_BURST;
	}
	add = (now - b->last_ms) * WFT_PIN_RATE / 1000;
	if (add > 0) {
		b->tokens = add + b->tokens > WFT_PIN_BURST ? WFT_PIN_BURST :
			    (unsigned int)(b->tokens + add);
		b->last_ms = now;
	}
	ok = b->tokens > 0;
	if (ok)
		b->tokens--;
	pthread_mutex_unlock(&st->mutex);
	return ok;
}

/* The datapath actions for @r in bridge @bridge, into @acts. */
static int translate(struct pinctrl_state *st, const char *bridge,
		     const struct wft_pin_result *r, struct wft_attrbuf *acts)
{
	struct wft_backer *backer = wft_ofproto_backer(st->d);
	struct wft_ofproto_xlate x;
	struct wft_ofproto *br;
	int ret;

	if (!backer)
		return -ENODEV;
	wft_ofproto_xlate_init(&x);
	wft_backer_read_lock(backer);
	br = wft_backer_find(backer, bridge);
	if (br) {
		x.bridge = br;
		x.flow = r->flow;
		x.actions = &r->acts;
		ret = wft_ofproto_xlate_run(&x);
		if (!ret && x.out.error)
			ret = x.out.error;
		if (!ret) {
			/* Take the buffer rather than copy it. */
			*acts = x.out.actions;
			wft_attrbuf_init(&x.out.actions);
		}
	} else {
		ret = -ENOENT;
	}
	wft_backer_read_unlock(backer);
	if (ret)
		wft_dbg("translating %s's packet in %s: %s",
			wft_pin_op_name(r->op), bridge,
			x.out.errmsg[0] ? x.out.errmsg : "no such bridge");
	wft_ofproto_xlate_uninit(&x);
	return ret;
}

static int execute(const struct wft_packet_in_md *md,
		   const struct wft_pin_result *r,
		   const struct wft_attrbuf *acts)
{
	struct wft_dpif *dpif = thread_dpif();
	struct wft_execute exe;
	int ret;

	if (!dpif)
		return -ENODEV;
	memset(&exe, 0, sizeof(exe));
	exe.dp_ifindex = md->dp_ifindex;
	exe.packet = r->packet;
	exe.packet_len = r->len;
	exe.key = md->key;
	exe.key_len = md->key_len;
	exe.actions = acts->data;
	exe.actions_len = acts->len;
	ret = wft_packet_execute(dpif, &exe);
	if (ret)
		wft_dbg("executing %s's packet: %s", wft_pin_op_name(r->op),
			wft_dpif_error(dpif));
	return ret;
}

/* trigger_event: one line a second at most, naming the event. */
static void log_event(const struct wft_packet_in_md *md)
{
	static _Atomic long long last;
	long long now = now_ms(), prev = last;
	const uint8_t *ud = md->userdata;

	if (now - prev < 1000 || !__atomic_compare_exchange_n(
		    (long long *)&last, &prev, now, false, __ATOMIC_RELAXED,
		    __ATOMIC_RELAXED))
		return;
	if (md->userdata_len > 5 && ud[2] == WFT_PIN_T_ACTIONS)
		wft_info("OVN event %.*s (not written to Controller_Event)",
			 (int)(md->userdata_len - 5), (const char *)ud + 5);
	else
		wft_info("OVN event (not written to Controller_Event)");
}

/* handle_dhcpv6_reply: one line a second at most, naming the prefix. */
static void log_pd(const struct wft_pin_result *r)
{
	static _Atomic long long last;
	long long now = now_ms(), prev = last;
	char a[INET6_ADDRSTRLEN];

	if (now - prev < 1000 || !__atomic_compare_exchange_n(
		    (long long *)&last, &prev, now, false, __ATOMIC_RELAXED,
		    __ATOMIC_RELAXED))
		return;
	if (!r->pd_ok) {
		wft_info("DHCPv6 reply without a delegated prefix (ignored)");
		return;
	}
	inet_ntop(AF_INET6, r->pd.prefix, a, sizeof(a));
	wft_info("DHCPv6 reply delegating %s/%u (IAID %u): weft requests no "
		 "prefix delegation, so it is not used", a, r->pd.plen,
		 r->pd.iaid);
}

static void packet_in(void *aux, const char *bridge,
		      const struct wft_packet_in_md *md,
		      const uint8_t *packet, size_t len)
{
	struct pinctrl_state *st = aux;
	struct wft_pin_result *r;
	struct wft_attrbuf acts;
	char err[256];
	int ret;

	if (!md->userdata || md->userdata_len < 1 ||
	    md->userdata[0] != WFT_PIN_MAGIC)
		return;		/* some other controller action */
	WFT_COVERAGE_INC(pinctrl_packet_in);
	if (!admit(st, md->key, md->key_len)) {
		WFT_COVERAGE_INC(pinctrl_rate_limited);
		return;
	}
	r = wft_xmalloc(sizeof(*r));
	wft_pin_result_init(r);
	ret = wft_ovn_pinctrl_handle(md, packet, len, r, err, sizeof(err));
	if (ret == 2) {
		wft_pin_learn_add(&r->learned, now_ms());
		goto out;
	}
	if (r->op == WFT_PIN_SVC_CHECK) {
		WFT_COVERAGE_INC(pinctrl_svc_check);
		goto out;
	}
	if (r->op == WFT_PIN_DHCP6_REPLY) {
		WFT_COVERAGE_INC(pinctrl_dhcp6_reply);
		log_pd(r);
		goto out;
	}
	if (r->op == WFT_PIN_EVENT) {
		WFT_COVERAGE_INC(pinctrl_event);
		log_event(md);
		goto out;
	}
	if (ret) {
		if (ret > 0) {
			WFT_COVERAGE_INC(pinctrl_ignored);
		} else {
			WFT_COVERAGE_INC(pinctrl_error);
			wft_dbg("packet-in on %s: %s", bridge, err);
		}
		goto out;
	}
	wft_attrbuf_init(&acts);
	ret = translate(st, bridge, r, &acts);
	if (!ret)
		ret = execute(md, r, &acts);
	wft_attrbuf_free(&acts);
	if (ret)
		WFT_COVERAGE_INC(pinctrl_error);
	else
		WFT_COVERAGE_INC(pinctrl_sent);
out:
	wft_pin_result_uninit(r);
	free(r);
}

static void on_flush(struct wft_timer *t, void *aux)
{
	wft_ovn_pinctrl_sb_flush();
}

static int pinctrl_init(struct wft_daemon *d, void **state,
			struct wft_strbuf *err)
{
	struct pinctrl_state *st;

	if (!wft_daemon_component(d, "udpif")) {
		wft_strbuf_puts(err, "pinctrl needs the udpif component "
			       "before it");
		return -EINVAL;
	}
	st = wft_xcalloc(1, sizeof(*st));
	st->d = d;
	pthread_mutex_init(&st->mutex, NULL);
	wft_udpif_daemon_packet_in(d, packet_in, st);
	st->flush_timer = wft_loop_timer(wft_daemon_loop(d), FLUSH_MS, true,
					 on_flush, st);
	*state = st;
	return 0;
}

static void pinctrl_exit(struct wft_daemon *d, void *state)
{
	struct pinctrl_state *st = state;

	/* The handlers stop with the udpif component, after this one:
	 * no callback may run once the state is gone. */
	wft_udpif_daemon_packet_in(d, NULL, NULL);
	wft_timer_cancel(st->flush_timer);
	pthread_mutex_destroy(&st->mutex);
	free(st);
}

const struct wft_component wft_ovn_pinctrl_component = {
	.name = "pinctrl",
	.init = pinctrl_init,
	.exit = pinctrl_exit,
};
