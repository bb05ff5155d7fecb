// SPDX-License-Identifier: GPL-2.0
/*
 * weftd as an OVN chassis (docs/ovn.md): the "ovn" component.
 *
 * When the Open_vSwitch record carries system-id and ovn-remote, it opens
 * an OVSDB session to the Southbound database on weftd's loop, registers
 * the chassis (sb_chassis.c), narrows the monitor to what the chassis
 * needs (sb_monitor.c), claims the logical ports of the interfaces on
 * ovn-bridge that carry external_ids:iface-id (ovn_binding.c) and
 * acknowledges nb_cfg once it has acted on the state it acknowledges.
 *
 * Everything happens in one idempotent pass, run(), scheduled after every
 * change (configuration, replica, session state, transaction outcome):
 * it computes what the SB should hold from the replica and sends at most
 * one transaction at a time, so a reply or an update simply schedules the
 * next pass.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "weft/daemon.h"
#include "weft/ovn_node.h"
#include "weft/ovsdb_ssl.h"
#include "weft/sb_chassis.h"
#include "weft/sb_monitor.h"
#include "weft/udpif.h"
#include "weft/util.h"
#include "weft/vlog.h"

#include "ovn_priv.h"
#include "weft/ovn_pinctrl.h"

WFT_LOG_MODULE(ovn);

/* What weft implements of the features ovn-controller advertises:
 * Port_Binding.up is written once the port is installed. */
static const char *const features[] = { "port-up-notif", NULL };

static void schedule(struct wft_ovn *o);
static void schedule_in(struct wft_ovn *o, uint64_t ms);

/* After a refused transaction (a constraint violation, say), the next
 * attempt waits, so that a database that keeps refusing is not hammered. */
#define RETRY_MS	1000
/* While a monitor condition change is unacknowledged, the replica may
 * lack rows the chassis needs (a port to claim): passes poll. */
#define COND_POLL_MS	20

/* Transactions: one in flight. */

static const char txn_ack[] = "acknowledging nb_cfg";

static void txn_done(struct wft_ovsdb_client *c,
		     const struct wft_ovsdb_txn_result *res, void *aux)
{
	struct wft_ovn *o = aux;

	o->txn_busy = false;
	o->n_txns++;
	/* Only a successful acknowledgement leaves the binding's inputs
	 * as they were (a claim's outcome comes back as an update too). */
	if (o->txn_what != txn_ack || res->status != WFT_OVSDB_TXN_SUCCESS)
		o->bind_dirty = true;
	if (res->status == WFT_OVSDB_TXN_SUCCESS) {
		if (o->txn_what == txn_ack) {
			wft_ovn_timeline_mark(&o->tl, WFT_OVN_T_NB_CFG_ACKED);
			wft_ovn_timeline_ack_done(&o->tl, o->nb_cfg_acked);
		}
		else if (o->tl.at[WFT_OVN_T_CLAIMS_SENT] >= 0)
			wft_ovn_timeline_mark(&o->tl, WFT_OVN_T_CLAIMS_DONE);
	}
	if (res->status != WFT_OVSDB_TXN_SUCCESS) {
		o->n_txn_failures++;
		if (res->status != WFT_OVSDB_TXN_DISCONNECTED)
			wft_info("%s: %s", o->txn_what, res->error);
	}
	if (o->freeing)
		return;
	if (res->status == WFT_OVSDB_TXN_ERROR && !o->leaving) {
		schedule_in(o, RETRY_MS);
		return;
	}
	if (o->leaving && o->leave_sent) {
		/* One attempt: the exit must not wait on a broken SB. */
		wft_info("left the SB (%s)", res->status ==
			 WFT_OVSDB_TXN_SUCCESS ? "rows deleted" : res->error);
		o->left = true;
		wft_daemon_exit_release(o->d);
		return;
	}
	schedule(o);
}

int wft_ovn_send(struct wft_ovn *o, struct wft_ovsdb_txn *t, const char *what)
{
	int ret;

	o->txn_what = what;
	ret = wft_ovsdb_client_transact(o->client, t, txn_done, o);
	if (ret)
		return ret;
	o->txn_busy = true;
	return 0;
}

/* The session. */

static void on_update(struct wft_ovsdb_client *c, void *aux)
{
	struct wft_ovn *o = aux;

	/* The flows' pass works from the rows (its cache decides what to
	 * compile); the tracked changes only say whether one is due. */
	if (wft_ovn_bind_affected(wft_ovsdb_client_replica(c)))
		o->bind_dirty = true;
	if (wft_ovn_flows_affected(o, wft_ovsdb_client_replica(c))) {
		wft_ovn_flows_changed(o);
		wft_ovn_timeline_update(&o->tl);
	}
	/* dns_lookup's records, for the handler threads. */
	wft_pin_dns_sync(wft_ovsdb_client_replica(c));
	wft_ovsdb_replica_consume(wft_ovsdb_client_replica(c));
	schedule(o);
}

static void on_state(struct wft_ovsdb_client *c, enum wft_ovsdb_state s,
		     void *aux)
{
	struct wft_ovn *o = aux;

	if (o->freeing)
		return;
	o->bind_dirty = true;
	wft_dbg("SB session %s (%s)", wft_ovsdb_state_name(s),
		wft_ovsdb_client_remote(c));
	/* The replica exists from the schema on, and the data monitor is
	 * asked for next: with the conditions, not for the whole SB (at
	 * the bench's 1/5 scale, 4.8 MB and 1.2 s before registering,
	 * since on_conf's conditions found no replica to apply to). */
	if (s == WFT_OVSDB_S_SERVER)
		wft_ovn_set_conditions(o, wft_ovsdb_client_replica(c));
	if (s == WFT_OVSDB_S_ACTIVE) {
		wft_ovn_timeline_mark(&o->tl, WFT_OVN_T_ACTIVE);
		schedule(o);
	}
}

static void session_stop(struct wft_ovn *o)
{
	o->freeing = true;
	wft_ovsdb_client_free(o->client);
	o->freeing = false;
	o->client = NULL;
	o->txn_busy = false;
}

static int session_start(struct wft_ovn *o, struct wft_strbuf *err)
{
	struct wft_ovsdb_client_opts opts = {
		.remotes = o->node.remote,
		.db = "OVN_Southbound",
		.shuffle_remotes = true,
		.probe_ms = o->node.probe_ms,
		.on_update = on_update,
		.on_state = on_state,
		.aux = o,
	};

	return wft_ovsdb_client_new(wft_daemon_loop(o->d), &opts, &o->client,
				    err);
}

/* Registration. */

static const char *hostname(struct wft_ovn *o)
{
	if (o->node.hostname)
		return o->node.hostname;
	if (!o->host[0] && gethostname(o->host, sizeof(o->host) - 1))
		strcpy(o->host, "localhost");
	return o->host;
}

/* Returns true when the chassis is registered as configured. */
static bool registered(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	const char *other[3] = { o->iface_types, o->monitor_all_kv, NULL };
	struct wft_sb_chassis_cfg cfg = {
		.name = o->node.system_id,
		.hostname = hostname(o),
		.encap_types = o->node.encap_types,
		.encap_ip = o->node.encap_ip,
		.features = features,
		.other_config = other,
	};
	struct wft_ovsdb_txn *t = NULL;
	struct wft_ovsdb_row *ch;

	snprintf(o->monitor_all_kv, sizeof(o->monitor_all_kv),
		 "ovn-monitor-all=%s", o->node.monitor_all ? "true" : "false");
	if (wft_sb_chassis_register(r, &cfg, &t, &err)) {
		wft_warn("cannot register: %s", wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return false;
	}
	wft_strbuf_free(&err);
	if (t) {
		if (!wft_ovn_send(o, t, "registering the chassis"))
			wft_info("%s chassis %s (encap %s%s%s %s)",
				 o->registered ? "updating" : "registering",
				 o->node.system_id, o->node.encap_types[0],
				 o->node.encap_types[1] ? "," : "",
				 o->node.encap_types[1] ?
				 o->node.encap_types[1] : "",
				 o->node.encap_ip);
		return false;
	}
	ch = wft_sb_chassis_find(r, o->node.system_id);
	if (!ch)
		return false;
	o->chassis_uuid = *wft_ovsdb_row_uuid(ch);
	if (!o->registered) {
		wft_info("chassis %s registered", o->node.system_id);
		wft_ovn_timeline_mark(&o->tl, WFT_OVN_T_REGISTERED);
	}
	o->registered = true;
	o->registered_once = true;
	return true;
}

/* nb_cfg: acknowledged once this pass found nothing left to do for the
 * SB state it read, and the flows for it are installed. */
static void ack_nb_cfg(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_rtable *g = wft_ovsdb_replica_table(r, "SB_Global");
	struct wft_ovsdb_row *row = g ? wft_ovsdb_rtable_first(g) : NULL;
	struct wft_ovsdb_txn *t;
	struct timeval tv;
	int64_t nb_cfg;

	if (!row || !wft_ovn_flows_installed(o))
		return;
	/* The replica must hold what the conditions select (a port just
	 * asked for) before this chassis says it has acted on nb_cfg. */
	if (wft_ovsdb_client_cond_pending(o->client)) {
		schedule_in(o, COND_POLL_MS);
		return;
	}
	nb_cfg = wft_ovsdb_row_integer(row, "nb_cfg", 0);
	gettimeofday(&tv, NULL);
	t = wft_sb_chassis_ack_nb_cfg(r, o->node.system_id, nb_cfg,
				      (int64_t)tv.tv_sec * 1000 +
				      tv.tv_usec / 1000);
	if (t)
		wft_ovn_timeline_ack_sent(&o->tl);
	if (!t || !wft_ovn_send(o, t, txn_ack))
		o->nb_cfg_acked = nb_cfg;
}

static void leave(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_txn *t = wft_sb_chassis_unregister(r,
							    o->node.system_id);

	if (t && !wft_ovn_send(o, t, "leaving")) {
		o->leave_sent = true;
		return;
	}
	o->left = true;
	wft_daemon_exit_release(o->d);
}

/*
 * A new system-id: the chassis of the old name leaves (its ports
 * released, its rows deleted), or the new Encaps would collide with its
 * own (Encap's index is type and ip). Returns true while that is in
 * flight.
 */
static bool forget_old_name(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_txn *t = wft_sb_chassis_unregister(r,
							    o->old_system_id);

	if (t) {
		wft_info("chassis %s renamed %s: deleting the old rows",
			 o->old_system_id, o->node.system_id);
		return !wft_ovn_send(o, t, "deleting the old chassis");
	}
	free(o->old_system_id);
	o->old_system_id = NULL;
	return false;
}

static void run(struct wft_ovn *o)
{
	bool was_registered, done;
	struct wft_ovsdb_replica *r;

	if (o->node.enabled && !wft_daemon_exiting(o->d))
		wft_ovn_ensure_bridge(o);
	if (!o->client || o->txn_busy || o->left ||
	    wft_ovsdb_client_state(o->client) != WFT_OVSDB_S_ACTIVE)
		return;
	r = wft_ovsdb_client_replica(o->client);
	if (o->leaving) {
		leave(o, r);
		return;
	}
	if (wft_daemon_exiting(o->d))
		return;
	if (o->old_system_id && forget_old_name(o, r))
		return;
	was_registered = o->registered;
	done = registered(o, r);	/* also brings the rows up to date */
	/* Before registering, the conditions change after the registration
	 * goes out, not before: the server answers in order, and the
	 * conditions' answer (the local datapaths' logical flows) is the
	 * SB's largest. */
	if (!was_registered)
		wft_ovn_set_conditions(o, r);
	if (!done)
		return;
	if (o->bind_dirty)
		wft_ovn_set_conditions(o, r);
	if (!o->zones)
		wft_ovn_zones_load(o);	/* before the first assignment */
	wft_ovn_flows_run(o, r);
	if (o->bind_dirty || o->bind_installed != wft_ovn_flows_installed(o)) {
		o->bind_dirty = false;
		o->bind_installed = wft_ovn_flows_installed(o);
		if (wft_ovn_bind(o, r)) {
			o->bind_dirty = true;
			wft_ovn_zones_save(o);
			return;		/* a claim or release in flight */
		}
	}
	/* Settled: the zones restored for names that are not local were
	 * kept until now, in case the view was built from a partial
	 * replica; they go back to the pool (no flow uses them). */
	if (wft_ovn_flows_installed(o) && o->fst.full_recomputes &&
	    !wft_ovsdb_client_cond_pending(o->client)) {
		wft_ovn_zones_settle(o->zones);
		if (!o->settled_once) {
			/* The datapath's flows of before a restart were
			 * kept for this moment (udpif_component.c). */
			o->settled_once = true;
			wft_udpif_daemon_ovn_restored(o->d);
		}
	}
	wft_ovn_zones_save(o);
	ack_nb_cfg(o, r);
}

static void on_run(struct wft_timer *t, void *aux)
{
	struct wft_ovn *o = aux;

	o->run_timer = NULL;	/* one-shot: the loop frees it */
	run(o);
}

/* Passes run from the loop, never inside the callback that asked for
 * one (a configuration commit or a client callback). */
static void schedule_in(struct wft_ovn *o, uint64_t ms)
{
	if (o->run_timer && ms)
		return;		/* one is due already, sooner or not */
	wft_timer_cancel(o->run_timer);
	o->run_timer = wft_loop_timer(wft_daemon_loop(o->d), ms, false,
				      on_run, o);
}

static void schedule(struct wft_ovn *o)
{
	schedule_in(o, 0);
}

void wft_ovn_schedule_in(struct wft_ovn *o, uint64_t ms)
{
	schedule_in(o, ms);
}

/* Configuration. */

static void iface_types(struct wft_ovn *o, const struct wft_conf *conf)
{
	const struct wft_datum *d;
	unsigned int i;
	size_t len;

	d = &wft_conf_ovs(conf)->cols[WFT_OVS_IFACE_TYPES];
	strcpy(o->iface_types, "iface-types=");
	len = strlen(o->iface_types);
	for (i = 0; i < d->n; i++)
		len += snprintf(o->iface_types + len,
				len < sizeof(o->iface_types) ?
				sizeof(o->iface_types) - len : 0, "%s%s",
				i ? "," : "", d->keys[i].s);
	if (!d->n)
		strcat(o->iface_types, "geneve,internal,system,vxlan");
}

static void on_conf(struct wft_daemon *d, void *aux)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovn *o = aux;
	struct wft_ovn_node node;
	bool same_session;

	wft_ssl_from_conf(wft_daemon_conf(d));	/* used at the next connect */
	if (wft_ovn_node_from_conf(wft_daemon_conf(d), &node, &err)) {
		if (strcmp(o->node_error, wft_strbuf_cstr(&err)))
			wft_warn("OVN keys: %s", wft_strbuf_cstr(&err));
		snprintf(o->node_error, sizeof(o->node_error), "%s",
			 wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		wft_ovn_node_uninit(&node);
		return;		/* keep what runs */
	}
	wft_strbuf_free(&err);
	o->node_error[0] = '\0';
	iface_types(o, wft_daemon_conf(d));
	same_session = o->node.enabled && node.enabled &&
		       !strcmp(o->node.remote, node.remote) &&
		       !strcmp(o->node.system_id, node.system_id) &&
		       o->node.probe_ms == node.probe_ms;
	if (!wft_ovn_node_equal(&o->node, &node)) {
		if (!same_session) {
			session_stop(o);
			o->registered = false;
		}
		/* What was bound or lost belongs to the chassis name: it
		 * survives a new remote, not a new system-id. */
		if (!node.system_id || !o->node.system_id ||
		    strcmp(node.system_id, o->node.system_id)) {
			wft_ovn_bindings_reset(o);
			if (o->registered_once && node.system_id &&
			    o->node.system_id && !o->old_system_id)
				o->old_system_id = wft_xstrdup(
					o->node.system_id);
			o->registered_once = false;
		}
		wft_ovn_node_uninit(&o->node);
		o->node = node;
		if (o->node.enabled && !o->client) {
			wft_info("chassis %s, SB %s", o->node.system_id,
				 o->node.remote);
			if (session_start(o, &err))
				wft_warn("ovn-remote: %s",
					 wft_strbuf_cstr(&err));
			wft_ovn_timeline_start(&o->tl);
			wft_strbuf_free(&err);
		}
	} else {
		wft_ovn_node_uninit(&node);
	}
	if (o->node.enabled)
		wft_ovn_conf_changed(o);
	else
		wft_udpif_daemon_ovn_restored(d);	/* nothing to wait for */
	/* The chassis' own commits are accounted for by the pass that
	 * made them; at start they were a full pass more each time. */
	if (!o->conf_self)
		wft_ovn_flows_mark_dirty(o);
	schedule(o);
}

static void on_exit_request(struct wft_daemon *d, bool restart, void *aux)
{
	struct wft_ovn *o = aux;

	if (restart || !o->client || !o->node.enabled ||
	    wft_ovsdb_client_state(o->client) != WFT_OVSDB_S_ACTIVE)
		return;
	wft_info("leaving: releasing the ports, deleting the chassis");
	o->leaving = true;
	wft_daemon_exit_hold(d);
	if (!o->txn_busy)
		run(o);
}

static int ovn_init(struct wft_daemon *d, void **state,
		    struct wft_strbuf *err)
{
	struct wft_ovn *o = wft_xcalloc(1, sizeof(*o));
	int ret;

	o->d = d;
	o->nb_cfg_acked = -1;
	o->bind_dirty = true;
	*state = o;
	ret = wft_ovn_appctl_register(o);
	if (ret) {
		wft_strbuf_printf(err, "cannot register ovn/ commands");
		free(o);
		return ret;
	}
	wft_daemon_on_exit(d, on_exit_request, o);
	wft_daemon_conf_subscribe(d, on_conf, o);
	wft_ovn_pinctrl_sb_attach(o);	/* learned MAC_Binding, FDB rows */
	return 0;
}

static void ovn_exit(struct wft_daemon *d, void *state)
{
	struct wft_ovn *o = state;

	wft_ovn_pinctrl_sb_detach(o);
	wft_pin_dns_replace(NULL, 0);
	wft_daemon_conf_unsubscribe(d, on_conf, o);
	wft_daemon_on_exit_remove(d, on_exit_request, o);
	wft_ovn_appctl_unregister(o);
	wft_timer_cancel(o->run_timer);
	session_stop(o);
	wft_ovn_bindings_reset(o);
	wft_ovn_flows_uninit(o);
	wft_ovn_node_uninit(&o->node);
	free(o->old_system_id);
	free(o);
}

const struct wft_component wft_ovn_component = {
	.name = "ovn",
	.init = ovn_init,
	.exit = ovn_exit,
};
