// SPDX-License-Identifier: GPL-2.0
/*
 * The "bridge" component: datapaths follow the configured bridges (see
 * include/weft/bridge.h for the rules). It only reads the configuration
 * and writes its runtime columns; it never changes what users configured.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/bridge.h"
#include "weft/coverage.h"
#include "weft/daemon.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(bridge);
WFT_COVERAGE_DEFINE(bridge_sync);
WFT_COVERAGE_DEFINE(bridge_dp_create);
WFT_COVERAGE_DEFINE(bridge_port_add);
WFT_COVERAGE_DEFINE(bridge_port_del);

struct bridges {
	struct wft_daemon *d;
	const struct wft_dp_ops *ops;
	void *ctx;
	bool open;			/* ops->open() succeeded */
	bool warned;			/* about a failing open() */
	char **managed;			/* datapaths of the last sync */
	size_t n_managed;
	struct wft_timer *timer;
};

/* What the configuration wants of one datapath port. */
struct want {
	struct wft_row *iface;
	const char *name;
	uint32_t type;
	uint32_t request;		/* WFT_PORT_ANY: none */
	bool found;
};

static bool vport_type_of(const char *type, uint32_t *vt)
{
	if (!*type || !strcmp(type, "system"))
		*vt = WEFT_VPORT_TYPE_NETDEV;
	else if (!strcmp(type, "internal"))
		*vt = WEFT_VPORT_TYPE_INTERNAL;
	else if (!strcmp(type, "geneve"))
		*vt = WEFT_VPORT_TYPE_GENEVE;
	else if (!strcmp(type, "vxlan"))
		*vt = WEFT_VPORT_TYPE_VXLAN;
	else
		return false;	/* patch: no datapath port */
	return true;
}

static void iface_result(struct wft_row *iface, int64_t ofport,
			 uint32_t ifindex, const char *error)
{
	wft_row_set_opt_int(iface, WFT_IF_OFPORT, ofport != 0, ofport);
	wft_row_set_opt_int(iface, WFT_IF_IFINDEX, ifindex != 0, ifindex);
	wft_row_set_string(iface, WFT_IF_ERROR, error);
}

/* The datapath ports @br's interfaces need, local port excluded. */
static struct want *wants_of(const struct wft_conf *conf,
			     const struct wft_row *br, size_t *n)
{
	const struct wft_datum *ports = &br->cols[WFT_BR_PORTS], *ifs;
	struct want *w = wft_xcalloc(ports->n + 1, sizeof(*w));
	struct wft_row *port, *iface;
	unsigned int i, k;
	int64_t req;

	*n = 0;
	for (i = 0; i < ports->n; i++) {
		port = wft_conf_get(conf, WFT_TBL_PORT, &ports->keys[i].u);
		ifs = port ? &port->cols[WFT_PORT_INTERFACES] : NULL;
		for (k = 0; ifs && k < ifs->n; k++) {
			iface = wft_conf_get(conf, WFT_TBL_INTERFACE,
					     &ifs->keys[k].u);
			if (!iface)
				continue;
			if (!strcmp(wft_row_name(iface), wft_row_name(br)) ||
			    !vport_type_of(wft_row_string(iface, WFT_IF_TYPE),
					   &w[*n].type)) {
				iface_result(iface, 0, 0, NULL);
				continue;
			}
			w[*n].iface = iface;
			w[*n].name = wft_row_name(iface);
			w[*n].request = wft_row_int(iface,
						    WFT_IF_OFPORT_REQUEST,
						    &req) ? req : WFT_PORT_ANY;
			(*n)++;
		}
	}
	return w;
}

static struct want *want_find(struct want *w, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(w[i].name, name))
			return &w[i];
	return NULL;
}

/* Deletes the ports nobody wants as they are; marks the others found. */
static void prune_ports(struct bridges *b, const char *dp, uint32_t ifindex,
			struct wft_dp_port *have, size_t n_have,
			struct want *w, size_t n_want)
{
	struct want *x;
	size_t i;

	for (i = 0; i < n_have; i++) {
		if (have[i].port_no == WEFT_VPORT_LOCAL)
			continue;
		x = want_find(w, n_want, have[i].name);
		if (x && x->type == have[i].type &&
		    (x->request == WFT_PORT_ANY ||
		     x->request == have[i].port_no)) {
			x->found = true;
			iface_result(x->iface, have[i].port_no,
				     have[i].ifindex, NULL);
			continue;
		}
		wft_info("%s: deleting port %u (%s)", dp, have[i].port_no,
			 have[i].name);
		WFT_COVERAGE_INC(bridge_port_del);
		if (b->ops->port_del(b->ctx, ifindex, have[i].port_no))
			wft_warn("%s: could not delete port %s: %s", dp,
				 have[i].name, b->ops->error(b->ctx));
	}
}

static void add_port(struct bridges *b, const char *dp, uint32_t ifindex,
		     struct want *w)
{
	struct wft_dp_port added;
	char msg[256];

	WFT_COVERAGE_INC(bridge_port_add);
	if (b->ops->port_add(b->ctx, ifindex, w->name, w->type, w->request,
			     &added)) {
		snprintf(msg, sizeof(msg), "could not add network device %s to "
			 "datapath %s: %s", w->name, dp,
			 b->ops->error(b->ctx));
		wft_warn("%s", msg);
		iface_result(w->iface, -1, 0, msg);
		return;
	}
	wft_info("%s: added port %u (%s)", dp, added.port_no, w->name);
	iface_result(w->iface, added.port_no, added.ifindex, NULL);
}

static void apply_mtu(struct bridges *b, struct wft_row *iface)
{
	int64_t mtu;
	char msg[256];

	if (!b->ops->set_mtu || !wft_row_int(iface, WFT_IF_MTU_REQUEST, &mtu) ||
	    wft_row_string(iface, WFT_IF_ERROR))
		return;
	if (b->ops->set_mtu(b->ctx, wft_row_name(iface), mtu)) {
		snprintf(msg, sizeof(msg), "could not set the MTU of %s to "
			 "%lld: %s", wft_row_name(iface), (long long)mtu,
			 b->ops->error(b->ctx));
		wft_row_set_string(iface, WFT_IF_ERROR, msg);
	}
}

static void bridge_status(struct wft_row *br, uint32_t ifindex,
			  const char *error)
{
	struct wft_datum empty;
	char buf[16];

	wft_datum_init(&empty);
	wft_row_set(br, WFT_BR_STATUS, &empty);
	wft_row_map_put(br, WFT_BR_STATUS, "datapath", error ? error : "ok");
	if (ifindex) {
		snprintf(buf, sizeof(buf), "%u", ifindex);
		wft_row_map_put(br, WFT_BR_STATUS, "dp_ifindex", buf);
	}
}

/* Finds or creates the datapath of @br; 0 with its ifindex. */
static int datapath_of(struct bridges *b, struct wft_row *br,
		       uint32_t *ifindex)
{
	const char *name = wft_row_name(br);
	int ret = b->ops->dp_get(b->ctx, name, ifindex);

	if (ret == -ENOENT) {
		WFT_COVERAGE_INC(bridge_dp_create);
		ret = b->ops->dp_create(b->ctx, name, ifindex);
		if (!ret)
			wft_info("created datapath %s", name);
	}
	if (ret) {
		wft_warn("datapath %s: %s", name, b->ops->error(b->ctx));
		bridge_status(br, 0, b->ops->error(b->ctx));
	}
	return ret;
}

static void sync_bridge(struct bridges *b, const struct wft_conf *conf,
			struct wft_row *br)
{
	const char *dp = wft_row_name(br);
	struct wft_dp_port *have = NULL;
	struct want *w;
	size_t n_have = 0, n_want, i;
	struct wft_row *local;
	uint32_t ifindex;

	w = wants_of(conf, br, &n_want);
	if (datapath_of(b, br, &ifindex) ||
	    b->ops->port_list(b->ctx, ifindex, &have, &n_have)) {
		for (i = 0; i < n_want; i++)
			iface_result(w[i].iface, -1, 0, b->ops->error(b->ctx));
		free(w);
		return;
	}
	bridge_status(br, ifindex, NULL);
	local = wft_conf_find(conf, WFT_TBL_INTERFACE, dp);
	for (i = 0; local && i < n_have; i++)
		if (have[i].port_no == WEFT_VPORT_LOCAL)
			iface_result(local, WFT_OFPP_LOCAL, have[i].ifindex,
				     NULL);
	prune_ports(b, dp, ifindex, have, n_have, w, n_want);
	/* Requested numbers first, before the module hands them out. */
	for (i = 0; i < n_want; i++)
		if (!w[i].found && w[i].request != WFT_PORT_ANY)
			add_port(b, dp, ifindex, &w[i]);
	for (i = 0; i < n_want; i++) {
		if (!w[i].found && w[i].request == WFT_PORT_ANY)
			add_port(b, dp, ifindex, &w[i]);
		apply_mtu(b, w[i].iface);
	}
	free(have);
	free(w);
}

static bool in_conf(const struct wft_conf *conf, const char *name)
{
	return wft_conf_find(conf, WFT_TBL_BRIDGE, name) != NULL;
}

/* Deletes the datapaths of bridges deleted since the last sync. */
static void drop_deleted(struct bridges *b, const struct wft_conf *conf)
{
	size_t i;

	for (i = 0; i < b->n_managed; i++) {
		if (in_conf(conf, b->managed[i]))
			continue;
		wft_info("deleting datapath %s", b->managed[i]);
		if (b->ops->dp_delete(b->ctx, b->managed[i]) &&
		    b->ops->error(b->ctx))
			wft_warn("datapath %s: %s", b->managed[i],
				 b->ops->error(b->ctx));
	}
}

static void remember(struct bridges *b, const struct wft_conf *conf)
{
	size_t i, n = conf->n_rows[WFT_TBL_BRIDGE];

	for (i = 0; i < b->n_managed; i++)
		free(b->managed[i]);
	b->managed = wft_xrealloc(b->managed, (n + 1) * sizeof(*b->managed));
	for (i = 0; i < n; i++)
		b->managed[i] = wft_xstrdup(
			wft_row_name(conf->rows[WFT_TBL_BRIDGE][i]));
	b->n_managed = n;
}

static void not_open(struct bridges *b, const struct wft_conf *conf,
		     const char *why)
{
	size_t i;

	for (i = 0; i < conf->n_rows[WFT_TBL_BRIDGE]; i++)
		bridge_status(conf->rows[WFT_TBL_BRIDGE][i], 0, why);
}

static void sync_all(struct bridges *b)
{
	struct wft_conf *conf = wft_daemon_conf(b->d);
	size_t i;
	int ret;

	WFT_COVERAGE_INC(bridge_sync);
	if (!b->open) {
		ret = b->ops->open(b->ctx);
		if (ret) {
			if (!b->warned)
				wft_warn("%s: retrying every %d s",
					 b->ops->error(b->ctx),
					 WFT_BRIDGE_RETRY_MS / 1000);
			b->warned = true;
			not_open(b, conf, b->ops->error(b->ctx));
			return;
		}
		b->open = true;
		wft_info("datapath interface open");
	}
	drop_deleted(b, conf);
	for (i = 0; i < conf->n_rows[WFT_TBL_BRIDGE]; i++)
		sync_bridge(b, conf, conf->rows[WFT_TBL_BRIDGE][i]);
	remember(b, conf);
}

static void on_timer(struct wft_timer *t, void *aux)
{
	struct bridges *b = aux;

	sync_all(b);
	wft_timer_rearm(t, b->open ? WFT_BRIDGE_RESYNC_MS
				   : WFT_BRIDGE_RETRY_MS);
}

static void on_conf(struct wft_daemon *d, void *aux)
{
	sync_all(aux);
}

void wft_bridge_sync(struct wft_daemon *d)
{
	struct bridges *b = wft_daemon_component(d, "bridge");

	if (b)
		sync_all(b);
}

int wft_bridge_dp_ifindex(struct wft_daemon *d, const char *bridge,
			  uint32_t *ifindex)
{
	struct wft_row *br = wft_conf_find(wft_daemon_conf(d), WFT_TBL_BRIDGE,
					   bridge);
	const char *v = br ? wft_row_map_get(br, WFT_BR_STATUS, "dp_ifindex")
			   : NULL;

	if (!v)
		return -ENOENT;
	*ifindex = strtoul(v, NULL, 10);
	return 0;
}

static int bridge_init(struct wft_daemon *d, void **state,
		       struct wft_strbuf *err)
{
	const struct wft_daemon_config *cfg = wft_daemon_config(d);
	struct bridges *b;

	if (!cfg->dp_ops) {
		wft_strbuf_puts(err, "no datapath interface configured");
		return -EINVAL;
	}
	b = wft_xcalloc(1, sizeof(*b));
	b->d = d;
	b->ops = cfg->dp_ops;
	b->ctx = cfg->dp_ctx;
	*state = b;
	wft_daemon_conf_subscribe(d, on_conf, b);
	b->timer = wft_loop_timer(wft_daemon_loop(d), b->open ?
				  WFT_BRIDGE_RESYNC_MS : WFT_BRIDGE_RETRY_MS,
				  false, on_timer, b);
	return 0;
}

static void bridge_exit(struct wft_daemon *d, void *state)
{
	struct bridges *b = state;
	size_t i;

	wft_daemon_conf_unsubscribe(d, on_conf, b);
	wft_timer_cancel(b->timer);
	if (b->open)
		b->ops->close(b->ctx);
	for (i = 0; i < b->n_managed; i++)
		free(b->managed[i]);
	free(b->managed);
	free(b);
}

const struct wft_component wft_bridge_component = {
	.name = "bridge",
	.init = bridge_init,
	.exit = bridge_exit,
};
