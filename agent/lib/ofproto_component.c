// SPDX-License-Identifier: GPL-2.0
/*
 * The "ofproto" component: the backer's bridges follow the configuration
 * (after the bridge component has numbered the ports), rule timeouts and
 * MAC ageing run once a second, and the ofctl, ofproto/trace and fdb
 * methods are registered (ofproto_ofctl.c, ofproto_trace.c,
 * ofproto_fdb.c).
 *
 * Everything here runs in weftd's loop thread, the one thread that
 * changes rules and ports (ofproto.h, Locking).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto_rpc.h"
#include "weft/bridge.h"
#include "weft/daemon.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(ofproto_component);

#define TICK_MS	1000

/* The configuration of one bridge being built: arrays that outlive the
 * conf rows they point into only until wft_backer_update() returns. */
struct br_build {
	struct wft_port_cfg *ports;
	size_t n, cap;
	uint16_t *trunks;		/* all ports' trunks, back to back */
	size_t n_trunks, cap_trunks;
	struct wft_xlate_tunnel *tnls;	/* by port index */
	bool *is_tnl;
};

static void add_trunks(struct br_build *bb, const struct wft_row *port,
		       struct wft_port_cfg *pc)
{
	const struct wft_datum *t = &port->cols[WFT_PORT_TRUNKS];
	unsigned int i;

	pc->n_trunks = t->n;
	for (i = 0; i < t->n; i++) {
		if (bb->n_trunks == bb->cap_trunks) {
			bb->cap_trunks = bb->cap_trunks ? 2 * bb->cap_trunks
							: 64;
			bb->trunks = wft_xrealloc(bb->trunks, bb->cap_trunks *
						  sizeof(*bb->trunks));
		}
		bb->trunks[bb->n_trunks++] = (uint16_t)t->keys[i].i;
	}
}

static void add_iface(struct wft_daemon *d, struct br_build *bb,
		      const struct wft_row *port, const struct wft_row *iface)
{
	const char *type = wft_row_string(iface, WFT_IF_TYPE);
	char vport[WFT_IFNAMSIZ];
	struct wft_port_cfg *pc;
	struct wft_dp_port dp;
	int64_t ofport, tag;
	uint16_t udp;
	bool tnl;

	if (!wft_row_int(iface, WFT_IF_OFPORT, &ofport) || ofport <= 0)
		return;		/* no number: not usable (yet) */
	if (bb->n == bb->cap) {
		bb->cap = bb->cap ? 2 * bb->cap : 16;
		bb->ports = wft_xrealloc(bb->ports, bb->cap * sizeof(*bb->ports));
		bb->tnls = wft_xrealloc(bb->tnls, bb->cap * sizeof(*bb->tnls));
		bb->is_tnl = wft_xrealloc(bb->is_tnl,
					  bb->cap * sizeof(*bb->is_tnl));
	}
	pc = &bb->ports[bb->n];
	memset(pc, 0, sizeof(*pc));
	tnl = wft_ofproto_tunnel_cfg(iface, &bb->tnls[bb->n]);
	bb->is_tnl[bb->n] = tnl;
	pc->name = wft_row_name(iface);
	pc->type = type ? type : "";
	pc->ofport = ofport == WFT_OFPORT_LOCAL ? WFT_OFPP_LOCAL
						: (uint32_t)ofport;
	pc->odp_port = WFT_PORT_ANY;
	if (!strcmp(pc->type, "patch"))
		pc->peer = wft_row_map_get(iface, WFT_IF_OPTIONS, "peer");
	else if (tnl && wft_bridge_tunnel_vport(iface, vport, sizeof(vport),
						&udp) &&
		 !wft_bridge_odp_port(d, vport, &dp))
		pc->odp_port = dp.port_no;
	else if (!tnl && !wft_bridge_odp_port(d, pc->name, &dp))
		pc->odp_port = dp.port_no;
	else
		return;		/* its datapath port is missing */
	pc->vlan_mode = wft_row_string(port, WFT_PORT_VLAN_MODE);
	pc->tag = wft_row_int(port, WFT_PORT_TAG, &tag) ? (int)tag : -1;
	add_trunks(bb, port, pc);
	bb->n++;
}

static void build_bridge(struct wft_daemon *d, const struct wft_conf *conf,
			 const struct wft_row *br, struct br_build *bb,
			 struct wft_bridge_cfg *cfg)
{
	const struct wft_datum *ports = &br->cols[WFT_BR_PORTS], *ifs;
	const struct wft_row *port, *iface;
	const char *fail_mode;
	size_t i, k, t = 0;

	memset(bb, 0, sizeof(*bb));
	for (i = 0; i < ports->n; i++) {
		port = wft_conf_get(conf, WFT_TBL_PORT, &ports->keys[i].u);
		ifs = port ? &port->cols[WFT_PORT_INTERFACES] : NULL;
		for (k = 0; ifs && k < ifs->n; k++) {
			iface = wft_conf_get(conf, WFT_TBL_INTERFACE,
					     &ifs->keys[k].u);
			if (iface)
				add_iface(d, bb, port, iface);
		}
	}
	/* Trunk arrays moved while growing: point into the final one. */
	for (i = 0; i < bb->n; i++) {
		bb->ports[i].trunks = bb->ports[i].n_trunks ? bb->trunks + t
							    : NULL;
		t += bb->ports[i].n_trunks;
		bb->ports[i].tunnel = bb->is_tnl[i] ? &bb->tnls[i] : NULL;
	}
	cfg->name = wft_row_name(br);
	cfg->ports = bb->ports;
	cfg->n_ports = bb->n;
	cfg->mac_aging_time = wft_row_map_get(br, WFT_BR_OTHER_CONFIG,
					      "mac-aging-time");
	cfg->mac_table_size = wft_row_map_get(br, WFT_BR_OTHER_CONFIG,
					      "mac-table-size");
	fail_mode = wft_row_string(br, WFT_BR_FAIL_MODE);
	cfg->standalone = !fail_mode || strcmp(fail_mode, "secure");
}

static void sync_bridges(struct ofproto_state *st)
{
	const struct wft_conf *conf = wft_daemon_conf(st->d);
	size_t n = conf->n_rows[WFT_TBL_BRIDGE], i;
	struct wft_bridge_cfg *cfgs = wft_xcalloc(n + 1, sizeof(*cfgs));
	struct br_build *bbs = wft_xcalloc(n + 1, sizeof(*bbs));

	for (i = 0; i < n; i++)
		build_bridge(st->d, conf, conf->rows[WFT_TBL_BRIDGE][i],
			     &bbs[i], &cfgs[i]);
	wft_backer_update(st->backer, cfgs, n);
	wft_ofproto_tlv_load(st);
	for (i = 0; i < n; i++) {
		free(bbs[i].ports);
		free(bbs[i].trunks);
		free(bbs[i].tnls);
		free(bbs[i].is_tnl);
	}
	free(bbs);
	free(cfgs);
	st->bridge_gen = wft_bridge_generation(st->d);
}

static void on_conf(struct wft_daemon *d, void *aux)
{
	sync_bridges(aux);
}

/* Rule timeouts, MAC ageing, and port changes a periodic resync of the
 * bridge component made without a configuration change. */
static void on_tick(struct wft_timer *t, void *aux)
{
	struct ofproto_state *st = aux;
	struct wft_ofproto *const *brs;
	struct wft_rule_list expired;
	size_t i, n, changed = 0;

	if (wft_bridge_generation(st->d) != st->bridge_gen)
		sync_bridges(st);
	n = wft_backer_bridges(st->backer, &brs);
	for (i = 0; i < n; i++) {
		wft_rule_list_init(&expired);
		changed += wft_pipeline_expire(wft_ofproto_pipeline(brs[i]),
					       (long long)wft_loop_now(),
					       &expired);
		wft_rule_list_destroy(&expired);
		changed += wft_mac_learning_run(wft_ofproto_mac(brs[i]));
	}
	if (changed)
		wft_backer_changed(st->backer);
}

void wft_ofproto_refresh(struct wft_daemon *d)
{
	struct ofproto_state *st = wft_daemon_component(d, "ofproto");

	if (st && wft_bridge_generation(d) != st->bridge_gen)
		sync_bridges(st);
}

struct wft_backer *wft_ofproto_backer(struct wft_daemon *d)
{
	struct ofproto_state *st = wft_daemon_component(d, "ofproto");

	return st ? st->backer : NULL;
}

static int ofproto_init(struct wft_daemon *d, void **state,
			struct wft_strbuf *err)
{
	struct ofproto_state *st = wft_xcalloc(1, sizeof(*st));

	st->d = d;
	st->backer = wft_backer_create();
	*state = st;
	wft_ofproto_register_ofctl(st);
	wft_ofproto_register_trace(st);
	wft_ofproto_register_fdb(st);
	wft_ofproto_register_tlv(st);
	wft_daemon_conf_subscribe(d, on_conf, st);
	st->timer = wft_loop_timer(wft_daemon_loop(d), TICK_MS, true,
				   on_tick, st);
	return 0;
}

static void ofproto_exit(struct wft_daemon *d, void *state)
{
	struct ofproto_state *st = state;

	wft_daemon_conf_unsubscribe(d, on_conf, st);
	wft_timer_cancel(st->timer);
	wft_ofproto_unregister(st);
	wft_ofproto_unregister_tlv(st);
	wft_backer_destroy(st->backer);
	free(st);
}

const struct wft_component wft_ofproto_component = {
	.name = "ofproto",
	.init = ofproto_init,
	.exit = ofproto_exit,
};
