// SPDX-License-Identifier: GPL-2.0
/*
 * The "bridge" component: the one datapath and its ports follow the
 * configured bridges, and every interface gets its OpenFlow number (see
 * include/weft/bridge.h for the rules). It only reads the configuration
 * and writes its runtime columns; it never changes what users configured.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge_priv.h"
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
	bool have_dp;
	bool managed;			/* bridges of ours are on it */
	uint32_t dp_ifindex;
	struct wft_dp_port *ports;	/* after the last sync */
	size_t n_ports;
	json_t *ofports;		/* ofports.json as saved */
	char *ofports_path;
	uint64_t gen;
	struct wft_timer *timer;
};

/* One datapath port the configuration wants. */
struct want {
	struct wft_row *iface;		/* NULL: a local port with no row */
	const char *name;
	char *owned_name;		/* a tunnel vport's, freed with it */
	uint16_t dst_port;		/* a tunnel vport's UDP port */
	uint32_t type;
	bool found;
	struct wft_dp_port port;	/* when found or added */
	const char *error;		/* when it could not be added */
};

struct wants {
	struct want *w;
	size_t n, cap;
	char errors[8][256];		/* the first few failures' texts */
	size_t n_errors;
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

static struct want *want_find(struct wants *ws, const char *name)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		if (!strcmp(ws->w[i].name, name))
			return &ws->w[i];
	return NULL;
}

static struct want *want_add(struct wants *ws, struct wft_row *iface,
			     const char *name, uint32_t type)
{
	struct want *w = want_find(ws, name);

	if (w)
		return w;
	if (ws->n == ws->cap) {
		ws->cap = ws->cap ? 2 * ws->cap : 16;
		ws->w = wft_xrealloc(ws->w, ws->cap * sizeof(*ws->w));
	}
	w = &ws->w[ws->n++];
	memset(w, 0, sizeof(*w));
	w->iface = iface;
	w->name = name;
	w->type = type;
	return w;
}

static void wants_free(struct wants *ws)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		free(ws->w[i].owned_name);
	free(ws->w);
}

bool wft_bridge_tunnel_vport(const struct wft_row *iface, char *name,
			     size_t size, uint16_t *dst_port)
{
	const char *type = wft_row_string(iface, WFT_IF_TYPE);
	const char *port = wft_row_map_get(iface, WFT_IF_OPTIONS, "dst_port");
	bool geneve = type && !strcmp(type, "geneve");

	if (!type || (!geneve && strcmp(type, "vxlan")))
		return false;
	*dst_port = port ? (uint16_t)atoi(port) : geneve ? 6081 : 4789;
	snprintf(name, size, "%s_sys_%u", geneve ? "genev" : "vxlan",
		 *dst_port);
	return true;
}

/* The wanted datapath port of @iface (a tunnel's shared vport), or NULL. */
static struct want *want_of_iface(struct wants *ws,
				  const struct wft_row *iface)
{
	char name[WFT_IFNAMSIZ];
	uint16_t port;

	if (wft_bridge_tunnel_vport(iface, name, sizeof(name), &port))
		return want_find(ws, name);
	return want_find(ws, wft_row_name(iface));
}

/* Calls @cb on every Interface row of @br. */
static void for_each_iface(const struct wft_conf *conf,
			   const struct wft_row *br,
			   void (*cb)(struct wft_row *iface, void *aux),
			   void *aux)
{
	const struct wft_datum *ports = &br->cols[WFT_BR_PORTS], *ifs;
	struct wft_row *port, *iface;
	unsigned int i, k;

	for (i = 0; i < ports->n; i++) {
		port = wft_conf_get(conf, WFT_TBL_PORT, &ports->keys[i].u);
		ifs = port ? &port->cols[WFT_PORT_INTERFACES] : NULL;
		for (k = 0; ifs && k < ifs->n; k++) {
			iface = wft_conf_get(conf, WFT_TBL_INTERFACE,
					     &ifs->keys[k].u);
			if (iface)
				cb(iface, aux);
		}
	}
}

static void want_iface(struct wft_row *iface, void *aux)
{
	char name[WFT_IFNAMSIZ];
	struct want *w;
	uint16_t port;
	uint32_t type;

	if (!vport_type_of(wft_row_string(iface, WFT_IF_TYPE), &type))
		return;
	if (!wft_bridge_tunnel_vport(iface, name, sizeof(name), &port)) {
		want_add(aux, iface, wft_row_name(iface), type);
		return;
	}
	/* Every tunnel interface of a type and UDP port shares one vport,
	 * as OVS's genev_sys_6081: the remote comes from set(tunnel). */
	if (want_find(aux, name))
		return;
	w = want_add(aux, NULL, name, type);
	w->owned_name = wft_xstrdup(name);
	w->name = w->owned_name;
	w->dst_port = port;
}

/* Every datapath port the bridges need: each bridge's local port first. */
static void wants_of(const struct wft_conf *conf, struct wants *ws)
{
	struct wft_row *br;
	size_t i;

	memset(ws, 0, sizeof(*ws));
	for (i = 0; i < conf->n_rows[WFT_TBL_BRIDGE]; i++) {
		br = conf->rows[WFT_TBL_BRIDGE][i];
		want_add(ws, wft_conf_find(conf, WFT_TBL_INTERFACE,
					   wft_row_name(br)),
			 wft_row_name(br), WEFT_VPORT_TYPE_INTERNAL);
	}
	for (i = 0; i < conf->n_rows[WFT_TBL_BRIDGE]; i++)
		for_each_iface(conf, conf->rows[WFT_TBL_BRIDGE][i],
			       want_iface, ws);
}

/* Deletes the ports nobody wants as they are; marks the others found. */
static void prune_ports(struct bridges *b, struct wft_dp_port *have,
			size_t n_have, struct wants *ws)
{
	struct want *x;
	size_t i;

	for (i = 0; i < n_have; i++) {
		if (have[i].port_no == WEFT_VPORT_LOCAL)
			continue;
		x = want_find(ws, have[i].name);
		if (x && x->type == have[i].type) {
			x->found = true;
			x->port = have[i];
			continue;
		}
		wft_info("%s: deleting port %u (%s)", WFT_DP_DEFAULT_NAME,
			 have[i].port_no, have[i].name);
		WFT_COVERAGE_INC(bridge_port_del);
		b->gen++;
		if (b->ops->port_del(b->ctx, b->dp_ifindex, have[i].port_no))
			wft_warn("%s: could not delete port %s: %s",
				 WFT_DP_DEFAULT_NAME, have[i].name,
				 b->ops->error(b->ctx));
	}
}

static void add_port(struct bridges *b, struct wants *ws, struct want *w)
{
	char *msg = ws->errors[ws->n_errors < 8 ? ws->n_errors : 7];

	WFT_COVERAGE_INC(bridge_port_add);
	b->gen++;
	if (w->dst_port && b->ops->tunnel_port_add ?
	    b->ops->tunnel_port_add(b->ctx, b->dp_ifindex, w->name, w->type,
				    w->dst_port, WFT_PORT_ANY, &w->port) :
	    b->ops->port_add(b->ctx, b->dp_ifindex, w->name, w->type,
			     WFT_PORT_ANY, &w->port)) {
		snprintf(msg, 256, "could not add network device %s to "
			 "datapath %s: %s", w->name, WFT_DP_DEFAULT_NAME,
			 b->ops->error(b->ctx));
		wft_warn("%s", msg);
		if (ws->n_errors < 8)
			ws->n_errors++;
		w->error = msg;
		return;
	}
	w->found = true;
	wft_info("%s: added port %u (%s)", WFT_DP_DEFAULT_NAME,
		 w->port.port_no, w->name);
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

static void all_status(const struct wft_conf *conf, uint32_t ifindex,
		       const char *error)
{
	size_t i;

	for (i = 0; i < conf->n_rows[WFT_TBL_BRIDGE]; i++)
		bridge_status(conf->rows[WFT_TBL_BRIDGE][i], ifindex, error);
}

/* Finds or creates the datapath; 0 once b->dp_ifindex is set. */
static int find_datapath(struct bridges *b)
{
	int ret = b->ops->dp_get(b->ctx, WFT_DP_DEFAULT_NAME, &b->dp_ifindex);

	if (ret == -ENOENT) {
		WFT_COVERAGE_INC(bridge_dp_create);
		ret = b->ops->dp_create(b->ctx, WFT_DP_DEFAULT_NAME,
					&b->dp_ifindex);
		if (!ret)
			wft_info("created datapath %s", WFT_DP_DEFAULT_NAME);
		b->gen++;
	}
	if (ret)
		wft_warn("datapath %s: %s", WFT_DP_DEFAULT_NAME,
			 b->ops->error(b->ctx));
	b->have_dp = !ret;
	return ret;
}

/* Remembers the ports as they now are, for wft_bridge_odp_port(). */
static void remember_ports(struct bridges *b, const struct wants *ws,
			   const struct wft_dp_port *local)
{
	size_t i, n = 0;

	free(b->ports);
	b->ports = wft_xcalloc(ws->n + 1, sizeof(*b->ports));
	if (local)
		b->ports[n++] = *local;
	for (i = 0; i < ws->n; i++)
		if (ws->w[i].found)
			b->ports[n++] = ws->w[i].port;
	b->n_ports = n;
}

/* The OpenFlow numbers of one bridge's interfaces. */
struct numbering {
	struct wants *ws;
	struct wft_ofport_iface *ifs;
	size_t n, cap;
};

static void collect_iface(struct wft_row *iface, void *aux)
{
	struct numbering *nb = aux;
	struct wft_ofport_iface *x;
	struct want *w;
	int64_t req;
	uint32_t type;

	if (nb->n == nb->cap) {
		nb->cap = nb->cap ? 2 * nb->cap : 16;
		nb->ifs = wft_xrealloc(nb->ifs, nb->cap * sizeof(*nb->ifs));
	}
	x = &nb->ifs[nb->n++];
	memset(x, 0, sizeof(*x));
	x->name = wft_row_name(iface);
	x->request = wft_row_int(iface, WFT_IF_OFPORT_REQUEST, &req) ? req : 0;
	w = want_of_iface(nb->ws, iface);
	x->ok = !vport_type_of(wft_row_string(iface, WFT_IF_TYPE), &type) ||
		(w && w->found);
	x->aux = iface;
}

static void number_bridge(struct bridges *b, const struct wft_conf *conf,
			  const struct wft_row *br, struct wants *ws,
			  json_t *next)
{
	struct numbering nb = { .ws = ws };
	struct wft_row *iface;
	struct want *w;
	size_t i;

	for_each_iface(conf, br, collect_iface, &nb);
	wft_ofport_assign(b->ofports, next, wft_row_name(br), nb.ifs, nb.n);
	for (i = 0; i < nb.n; i++) {
		iface = nb.ifs[i].aux;
		w = want_of_iface(ws, iface);
		wft_row_set_opt_int(iface, WFT_IF_OFPORT, true,
				    nb.ifs[i].ofport);
		wft_row_set_opt_int(iface, WFT_IF_IFINDEX, w && w->found,
				    w ? w->port.ifindex : 0);
		wft_row_set_string(iface, WFT_IF_ERROR, w ? w->error : NULL);
		if (w && w->found && !w->dst_port)
			apply_mtu(b, iface);
	}
	free(nb.ifs);
}

/* Numbers every bridge's interfaces; saves ofports.json on a change. */
static void number_all(struct bridges *b, const struct wft_conf *conf,
		       struct wants *ws)
{
	json_t *next = json_object();
	size_t i;
	int ret;

	for (i = 0; i < conf->n_rows[WFT_TBL_BRIDGE]; i++)
		number_bridge(b, conf, conf->rows[WFT_TBL_BRIDGE][i], ws, next);
	if (json_equal(next, b->ofports)) {
		json_decref(next);
		return;
	}
	b->gen++;
	ret = wft_ofport_db_save(next, b->ofports_path);
	if (ret)
		wft_warn("%s: %s (OpenFlow port numbers may change on "
			 "restart)", b->ofports_path, strerror(-ret));
	json_decref(b->ofports);
	b->ofports = next;
}

/* The configuration has no bridge: the datapath goes when it held ours. */
static void no_bridges(struct bridges *b)
{
	if (b->managed) {
		wft_info("deleting datapath %s", WFT_DP_DEFAULT_NAME);
		if (b->ops->dp_delete(b->ctx, WFT_DP_DEFAULT_NAME) &&
		    b->ops->error(b->ctx))
			wft_warn("datapath %s: %s", WFT_DP_DEFAULT_NAME,
				 b->ops->error(b->ctx));
		b->gen++;
	}
	b->managed = false;
	b->have_dp = false;
	free(b->ports);
	b->ports = NULL;
	b->n_ports = 0;
}

static void sync_ports(struct bridges *b, const struct wft_conf *conf)
{
	struct wft_dp_port *have = NULL, *local = NULL;
	size_t n_have = 0, i;
	struct wants ws;

	wants_of(conf, &ws);
	if (find_datapath(b) ||
	    b->ops->port_list(b->ctx, b->dp_ifindex, &have, &n_have)) {
		all_status(conf, 0, b->ops->error(b->ctx));
		for (i = 0; i < ws.n; i++)
			if (ws.w[i].iface) {
				wft_row_set_opt_int(ws.w[i].iface,
						    WFT_IF_OFPORT, true, -1);
				wft_row_set_string(ws.w[i].iface, WFT_IF_ERROR,
						   b->ops->error(b->ctx));
			}
		wants_free(&ws);
		return;
	}
	all_status(conf, b->dp_ifindex, NULL);
	prune_ports(b, have, n_have, &ws);
	for (i = 0; i < ws.n; i++)
		if (!ws.w[i].found)
			add_port(b, &ws, &ws.w[i]);
	for (i = 0; i < n_have; i++)
		if (have[i].port_no == WEFT_VPORT_LOCAL)
			local = &have[i];
	remember_ports(b, &ws, local);
	number_all(b, conf, &ws);
	b->managed = true;
	free(have);
	wants_free(&ws);
}

static void sync_all(struct bridges *b)
{
	struct wft_conf *conf = wft_daemon_conf(b->d);
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
			all_status(conf, 0, b->ops->error(b->ctx));
			return;
		}
		b->open = true;
		wft_info("datapath interface open");
	}
	if (!conf->n_rows[WFT_TBL_BRIDGE])
		no_bridges(b);
	else
		sync_ports(b, conf);
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

int wft_bridge_datapath(struct wft_daemon *d, uint32_t *ifindex)
{
	struct bridges *b = wft_daemon_component(d, "bridge");

	if (!b || !b->have_dp)
		return -ENOENT;
	*ifindex = b->dp_ifindex;
	return 0;
}

int wft_bridge_dp_ifindex(struct wft_daemon *d, const char *bridge,
			  uint32_t *ifindex)
{
	if (!wft_conf_find(wft_daemon_conf(d), WFT_TBL_BRIDGE, bridge))
		return -ENOENT;
	return wft_bridge_datapath(d, ifindex);
}

int wft_bridge_odp_port(struct wft_daemon *d, const char *name,
			struct wft_dp_port *port)
{
	struct bridges *b = wft_daemon_component(d, "bridge");
	size_t i;

	for (i = 0; b && i < b->n_ports; i++)
		if (!strcmp(b->ports[i].name, name)) {
			*port = b->ports[i];
			return 0;
		}
	return -ENOENT;
}

uint64_t wft_bridge_generation(struct wft_daemon *d)
{
	struct bridges *b = wft_daemon_component(d, "bridge");

	return b ? b->gen : 0;
}

/* ofports.json lives beside conf.json. */
static char *ofports_path(const struct wft_daemon_config *cfg)
{
	char *copy = wft_xstrdup(cfg->conf_path ? cfg->conf_path
						: WFT_DEFAULT_CONF);
	size_t len = strlen(copy) + sizeof(WFT_OFPORTS_FILE) + 2;
	char *path = wft_xmalloc(len);

	snprintf(path, len, "%s/%s", dirname(copy), WFT_OFPORTS_FILE);
	free(copy);
	return path;
}

static int bridge_init(struct wft_daemon *d, void **state,
		       struct wft_strbuf *err)
{
	const struct wft_daemon_config *cfg = wft_daemon_config(d);
	struct bridges *b;
	char why[512];

	if (!cfg->dp_ops) {
		wft_strbuf_puts(err, "no datapath interface configured");
		return -EINVAL;
	}
	b = wft_xcalloc(1, sizeof(*b));
	b->d = d;
	b->ops = cfg->dp_ops;
	b->ctx = cfg->dp_ctx;
	b->ofports_path = ofports_path(cfg);
	b->ofports = wft_ofport_db_load(b->ofports_path, why, sizeof(why));
	if (why[0])
		wft_warn("%s", why);
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

	wft_daemon_conf_unsubscribe(d, on_conf, b);
	wft_timer_cancel(b->timer);
	if (b->open)
		b->ops->close(b->ctx);
	json_decref(b->ofports);
	free(b->ofports_path);
	free(b->ports);
	free(b);
}

const struct wft_component wft_bridge_component = {
	.name = "bridge",
	.init = bridge_init,
	.exit = bridge_exit,
};
