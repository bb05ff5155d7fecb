// SPDX-License-Identifier: GPL-2.0
/*
 * The "udpif" component: upcall handlers and the revalidator on the one
 * datapath (weft/udpif.h), started once the bridge component has the
 * datapath, configured from Open_vSwitch other_config
 * (n-handler-threads, flow-limit, max-idle, flow-restore-wait), kicked
 * whenever ofproto changes rules, ports or MAC tables; and the methods
 * dpif/show, dpif/dump-flows, upcall/show, revalidator/wait and
 * revalidator/purge (udpif_rpc.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "udpif_rpc.h"
#include "weft/bridge.h"
#include "weft/ovn_node.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(udpif_component);

#define RETRY_MS	1000
/* How long an OVN chassis may take to rebuild its rules after a start
 * before upcalls are handled without them. */
#define OVN_HOLD_MS	30000

/* An other_config number, or 0 (the default) when absent or bad. */
static unsigned long long config_number(const struct wft_row *ovs,
					const char *key)
{
	const char *v = wft_row_map_get(ovs, WFT_OVS_OTHER_CONFIG, key);
	unsigned long long n;
	char *end;

	if (!v)
		return 0;
	n = strtoull(v, &end, 10);
	if (*end || end == v) {
		wft_warn("other_config:%s=%s is not a number: ignored", key, v);
		return 0;
	}
	return n;
}

static void read_config(struct udpif_state *st, struct wft_udpif_config *c)
{
	const struct wft_row *ovs = wft_conf_ovs(wft_daemon_conf(st->d));
	const char *w = wft_row_map_get(ovs, WFT_OVS_OTHER_CONFIG,
					"flow-restore-wait");
	const char *pe = wft_row_map_get(ovs, WFT_OVS_OTHER_CONFIG,
					 "put-execute");

	memset(c, 0, sizeof(*c));
	c->n_handlers = (unsigned int)config_number(ovs, "n-handler-threads");
	c->flow_limit = (size_t)config_number(ovs, "flow-limit");
	c->max_idle_ms = (unsigned int)config_number(ovs, "max-idle");
	c->flow_restore_wait = w && !strcmp(w, "true");
	c->no_put_execute = pe && !strcmp(pe, "false");
}

void wft_udpif_answer_waits(struct udpif_state *st, const char *error)
{
	uint64_t done = st->u ? wft_udpif_done(st->u) : 0;
	size_t i, kept = 0;

	for (i = 0; i < st->n_waits; i++) {
		if (error)
			wft_rpc_reply_error(st->waits[i].call, WFT_RPC_FAILED,
					    NULL, "%s", error);
		else if (st->waits[i].ticket <= done)
			wft_rpc_reply_text(st->waits[i].call, "");
		else
			st->waits[kept++] = st->waits[i];
	}
	st->n_waits = kept;
}

static void on_notify(struct wft_watch *w, int fd, uint32_t events,
		      void *aux)
{
	struct udpif_state *st = aux;

	wft_udpif_notify_clear(st->u);
	wft_udpif_answer_waits(st, NULL);
}

static void kick(void *aux)
{
	struct udpif_state *st = aux;

	if (st->u)
		wft_udpif_kick(st->u);
}

static void udpif_down(struct udpif_state *st)
{
	if (!st->u)
		return;
	wft_udpif_answer_waits(st, "the datapath went away");
	wft_watch_remove(st->watch);
	st->watch = NULL;
	wft_udpif_destroy(st->u);
	st->u = NULL;
}

static void udpif_up(struct udpif_state *st, uint32_t dp)
{
	st->u = wft_udpif_create(st->backer, st->ops, st->ctx, dp);
	st->dp = dp;
	wft_udpif_set_packet_in(st->u, st->pin_cb, st->pin_aux);
	if (wft_loop_watch(wft_daemon_loop(st->d),
			   wft_udpif_notify_fd(st->u), EPOLLIN, on_notify, st,
			   &st->watch))
		wft_warn("cannot watch the revalidator: revalidator/wait "
			 "will not answer");
}

/* Follows the datapath and the settings. */
static void sync(struct udpif_state *st)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_udpif_config cfg;
	uint32_t dp;

	if (!st->ops)
		return;
	wft_ofproto_refresh(st->d);
	if (wft_bridge_datapath(st->d, &dp)) {
		udpif_down(st);
		return;
	}
	if (st->u && st->dp != dp)
		udpif_down(st);
	if (!st->u)
		udpif_up(st, dp);
	read_config(st, &cfg);
	if (wft_udpif_start(st->u, &cfg, &err)) {
		wft_warn("%s (retrying)", wft_strbuf_cstr(&err));
		udpif_down(st);
	}
	wft_strbuf_free(&err);
}

static void on_conf(struct wft_daemon *d, void *aux)
{
	sync(aux);
}

static void on_timer(struct wft_timer *t, void *aux)
{
	struct udpif_state *st = aux;
	uint32_t dp;

	/* The datapath appears (weft.ko loaded) or goes between commits. */
	if (!st->u || wft_bridge_datapath(st->d, &dp) || dp != st->dp)
		sync(st);
}

/*
 * An OVN chassis rebuilds its ovn-bridge's rules from the SB after a
 * restart, and until it has, a translation meets empty tables: the
 * revalidator would turn the flows of the connections that were running
 * into drops, and new flows would drop too. So when weftd starts with the
 * chassis keys set (system-id and ovn-remote), that bridge is held
 * (wft_backer_hold(): flow-restore-wait for it and the bridges patched to
 * it) until the chassis says its rules are in, or OVN_HOLD_MS pass: its
 * datapath flows are kept as they are and its new ones wait. The other
 * bridges' rules do not come from the SB: they forward as usual.
 */
static void on_hold_timer(struct wft_timer *t, void *aux);

static void ovn_hold(struct udpif_state *st)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovn_node node;

	/* A bad value is the chassis' to report; enabled says whether it
	 * will run. */
	wft_ovn_node_from_conf(wft_daemon_conf(st->d), &node, &err);
	if (node.enabled) {
		st->ovn_bridge = wft_xstrdup(node.bridge);
		wft_info("an OVN chassis: %s's flows of before the start are "
			 "kept, and its new flows wait, until it has installed "
			 "its rules", st->ovn_bridge);
		wft_backer_hold(st->backer, st->ovn_bridge);
		st->hold_timer = wft_loop_timer(wft_daemon_loop(st->d),
						OVN_HOLD_MS, false,
						on_hold_timer, st);
	}
	wft_ovn_node_uninit(&node);
	wft_strbuf_free(&err);
}

static void ovn_release(struct udpif_state *st, const char *why)
{
	if (!st->ovn_bridge)
		return;
	wft_timer_cancel(st->hold_timer);
	st->hold_timer = NULL;
	wft_info("%s: flows of before the start: revalidated again (%s)",
		 st->ovn_bridge, why);
	free(st->ovn_bridge);
	st->ovn_bridge = NULL;
	wft_backer_hold(st->backer, NULL);	/* kicks the revalidator */
}

static void on_hold_timer(struct wft_timer *t, void *aux)
{
	struct udpif_state *st = aux;

	st->hold_timer = NULL;	/* one-shot: the loop frees it */
	ovn_release(st, "the OVN chassis has not installed its rules in "
		    "time");
}

void wft_udpif_daemon_ovn_restored(struct wft_daemon *d)
{
	struct udpif_state *st = wft_daemon_component(d, "udpif");

	if (st)
		ovn_release(st, "the OVN chassis installed its rules");
}

void wft_udpif_daemon_packet_in(struct wft_daemon *d, wft_packet_in_cb *cb,
				void *aux)
{
	struct udpif_state *st = wft_daemon_component(d, "udpif");

	if (!st)
		return;
	st->pin_cb = cb;
	st->pin_aux = aux;
	if (st->u)
		wft_udpif_set_packet_in(st->u, cb, aux);
}

static int udpif_init(struct wft_daemon *d, void **state,
		      struct wft_strbuf *err)
{
	const struct wft_daemon_config *cfg = wft_daemon_config(d);
	struct udpif_state *st;

	st = wft_xcalloc(1, sizeof(*st));
	st->d = d;
	st->backer = wft_ofproto_backer(d);
	if (!st->backer) {
		free(st);
		wft_strbuf_puts(err, "udpif needs the ofproto component "
			       "before it");
		return -EINVAL;
	}
	st->ops = cfg->dp_ops ? cfg->dp_ops->dpif : NULL;
	st->ctx = cfg->dp_ctx;
	*state = st;
	ovn_hold(st);
	wft_backer_set_changed(st->backer, kick, st);
	wft_udpif_register(st);
	wft_daemon_conf_subscribe(d, on_conf, st);
	st->timer = wft_loop_timer(wft_daemon_loop(d), RETRY_MS, true,
				   on_timer, st);
	return 0;
}

static void udpif_exit(struct wft_daemon *d, void *state)
{
	struct udpif_state *st = state;

	wft_daemon_conf_unsubscribe(d, on_conf, st);
	wft_timer_cancel(st->timer);
	wft_timer_cancel(st->hold_timer);
	free(st->ovn_bridge);
	wft_backer_set_changed(st->backer, NULL, NULL);
	wft_udpif_answer_waits(st, "weftd is exiting");
	udpif_down(st);
	wft_udpif_unregister(st);
	free(st->waits);
	free(st);
}

const struct wft_component wft_udpif_component = {
	.name = "udpif",
	.init = udpif_init,
	.exit = udpif_exit,
};
