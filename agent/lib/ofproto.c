// SPDX-License-Identifier: GPL-2.0
/*
 * ofproto (include/weft/ofproto.h): the backer, its bridges and their
 * ports, and how a configuration becomes them. Translation glue lives in
 * ofproto_xlate.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ofproto_priv.h"
#include "weft/tlv_map.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(ofproto);

long long wft_ofproto_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct wft_backer *wft_backer_create(void)
{
	struct wft_backer *b = wft_xcalloc(1, sizeof(*b));
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
	/* Configuration changes must get through a stream of upcalls. */
	pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&b->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	return b;
}

static void ports_free(struct ofport *ports, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ports[i].name);
		free(ports[i].type);
		free(ports[i].peer);
	}
	free(ports);
}

static void bridge_free(struct wft_ofproto *br)
{
	wft_pipeline_destroy(br->pipeline);
	wft_mac_learning_destroy(br->ml);
	ports_free(br->ports, br->n_ports);
	free(br->tlv);
	free(br->name);
	free(br);
}

void wft_backer_destroy(struct wft_backer *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n_brs; i++)
		bridge_free(b->brs[i]);
	free(b->brs);
	free(b->odp);
	free(b->held_name);
	pthread_rwlock_destroy(&b->lock);
	free(b);
}

void wft_backer_set_changed(struct wft_backer *b, wft_backer_changed_cb *cb,
			    void *aux)
{
	b->changed_cb = cb;
	b->changed_aux = aux;
}

void wft_backer_changed(struct wft_backer *b)
{
	if (b->changed_cb)
		b->changed_cb(b->changed_aux);
}

void wft_backer_read_lock(struct wft_backer *b)
{
	pthread_rwlock_rdlock(&b->lock);
}

void wft_backer_read_unlock(struct wft_backer *b)
{
	pthread_rwlock_unlock(&b->lock);
}

struct wft_ofproto *wft_backer_find(struct wft_backer *b, const char *name)
{
	size_t lo = 0, hi = b->n_brs, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(name, b->brs[mid]->name);
		if (!c)
			return b->brs[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t wft_backer_bridges(struct wft_backer *b,
			  struct wft_ofproto *const **bridges)
{
	*bridges = b->brs;
	return b->n_brs;
}

void wft_backer_generation(struct wft_backer *b, uint64_t *rules,
			   uint64_t *macs)
{
	uint64_t r = atomic_load(&b->port_gen) + b->retired_rules;
	uint64_t m = b->retired_macs;
	size_t i;

	for (i = 0; i < b->n_brs; i++) {
		r += wft_pipeline_version(b->brs[i]->pipeline);
		m += wft_mac_learning_seq(b->brs[i]->ml);
	}
	*rules = r;
	*macs = m;
}

const char *wft_ofproto_name(const struct wft_ofproto *br)
{
	return br->name;
}

struct wft_tlv_map *wft_ofproto_tlv_map(const struct wft_ofproto *br)
{
	return br->tlv;
}

struct wft_pipeline *wft_ofproto_pipeline(const struct wft_ofproto *br)
{
	return br->pipeline;
}

struct wft_mac_learning *wft_ofproto_mac(const struct wft_ofproto *br)
{
	return br->ml;
}

/* Ports. */

struct ofport *wft_ofproto_find_port(const struct wft_ofproto *br,
				     uint32_t ofport)
{
	size_t lo = 0, hi = br->n_ports, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (br->ports[mid].xp.ofp_port == ofport)
			return &br->ports[mid];
		if (br->ports[mid].xp.ofp_port < ofport)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void port_info(const struct ofport *p,
		      struct wft_ofproto_port_info *info)
{
	info->name = p->name;
	info->type = p->type;
	info->ofport = p->xp.ofp_port;
	info->odp_port = p->xp.odp_port;
	info->peer = p->peer;
}

size_t wft_ofproto_n_ports(const struct wft_ofproto *br)
{
	return br->n_ports;
}

void wft_ofproto_port_get(const struct wft_ofproto *br, size_t i,
			  struct wft_ofproto_port_info *info)
{
	port_info(&br->ports[i], info);
}

int wft_ofproto_port_by_ofport(const struct wft_ofproto *br, uint32_t ofport,
			       struct wft_ofproto_port_info *info)
{
	const struct ofport *p = wft_ofproto_find_port(br, ofport);

	if (!p)
		return -ENOENT;
	port_info(p, info);
	return 0;
}

int wft_ofproto_port_by_name(const struct wft_ofproto *br, const char *name,
			     size_t len, struct wft_ofproto_port_info *info)
{
	size_t i;

	for (i = 0; i < br->n_ports; i++)
		if (strlen(br->ports[i].name) == len &&
		    !memcmp(br->ports[i].name, name, len)) {
			port_info(&br->ports[i], info);
			return 0;
		}
	return -ENOENT;
}

int wft_backer_odp_port(struct wft_backer *b, uint32_t odp_port,
			struct wft_ofproto **brp, uint32_t *ofport)
{
	/* A tunnel vport's port depends on the packet's tunnel key: only a
	 * vport with one tunnel port answers without it. */
	if (odp_port < b->n_odp && b->odp[odp_port].tunnel &&
	    b->odp[odp_port].n_tunnel != 1)
		return -EAGAIN;
	if (odp_port >= b->n_odp || !b->odp[odp_port].br)
		return -ENOENT;
	*brp = b->odp[odp_port].br;
	*ofport = b->odp[odp_port].ofport;
	return 0;
}

/* Configuration. */

static int by_ofport(const void *a_, const void *b_)
{
	const struct ofport *a = a_, *b = b_;

	return a->xp.ofp_port < b->xp.ofp_port ? -1 :
	       a->xp.ofp_port > b->xp.ofp_port;
}

static int by_name(const void *a_, const void *b_)
{
	const struct wft_ofproto *const *a = a_, *const *b = b_;

	return strcmp((*a)->name, (*b)->name);
}

static void port_vlan(const char *br, struct ofport *p,
		      const struct wft_port_cfg *c)
{
	char err[160];

	if (wft_normal_port_vlan(&p->xp, c->vlan_mode, c->tag, c->trunks,
				 c->n_trunks, p->trunks, err, sizeof(err))) {
		wft_warn("%s: port %s: %s (VLAN settings ignored)", br,
			 c->name, err);
		p->xp.vlan_mode = WFT_VLAN_TRUNK;
		p->xp.tag = 0;
		p->xp.trunks = NULL;
	}
}

static struct ofport *ports_build(struct wft_ofproto *bridge,
				  const struct wft_port_cfg *cfg, size_t n)
{
	const char *br = bridge->name;
	struct ofport *ports = wft_xcalloc(n + 1, sizeof(*ports));
	struct ofport *p;
	size_t i;

	for (i = 0; i < n; i++) {
		p = &ports[i];
		p->name = wft_xstrdup(cfg[i].name);
		p->type = wft_xstrdup(cfg[i].type ? cfg[i].type : "");
		p->peer = cfg[i].peer ? wft_xstrdup(cfg[i].peer) : NULL;
		p->xp.ofp_port = cfg[i].ofport;
		p->xp.odp_port = cfg[i].odp_port;
		p->xp.name = p->name;
		port_vlan(br, p, &cfg[i]);
		if (cfg[i].tunnel) {
			p->tnl = *cfg[i].tunnel;
			p->tnl.tlv = bridge->tlv;
			p->xp.tunnel = &p->tnl;
		}
	}
	qsort(ports, n, sizeof(*ports), by_ofport);
	/* The sort moved each port's trunk bitmap and tunnel options: point
	 * at their new places. */
	for (i = 0; i < n; i++) {
		if (ports[i].xp.trunks)
			ports[i].xp.trunks = ports[i].trunks;
		if (ports[i].xp.tunnel)
			ports[i].xp.tunnel = &ports[i].tnl;
	}
	return ports;
}

static bool same_vlan(const struct ofport *a, const struct ofport *b)
{
	if (a->xp.vlan_mode != b->xp.vlan_mode || a->xp.tag != b->xp.tag ||
	    !a->xp.trunks != !b->xp.trunks)
		return false;
	return !a->xp.trunks || !memcmp(a->trunks, b->trunks,
					sizeof(a->trunks));
}

/* MAC entries on ports that went away or changed VLANs would send
 * frames where they no longer belong. */
static void flush_changed(struct wft_ofproto *br, struct ofport *old,
			  size_t n_old)
{
	const struct ofport *now;
	size_t i;

	for (i = 0; i < n_old; i++) {
		now = wft_ofproto_find_port(br, old[i].xp.ofp_port);
		if (!now || strcmp(now->name, old[i].name) ||
		    !same_vlan(now, &old[i]))
			wft_mac_learning_flush_port(br->ml, old[i].xp.ofp_port);
	}
}

static struct wft_ofproto *bridge_new(struct wft_backer *b, const char *name)
{
	struct wft_ofproto *br = wft_xcalloc(1, sizeof(*br));

	br->backer = b;
	br->name = wft_xstrdup(name);
	br->pipeline = wft_pipeline_create();
	br->ml = wft_mac_learning_create();
	br->tlv = wft_xmalloc(sizeof(*br->tlv));
	wft_tlv_map_init(br->tlv);
	wft_ofproto_xbridge_init(br);
	wft_info("%s: bridge created", name);
	return br;
}

static void add_default_rule(struct wft_ofproto *br)
{
	struct wft_ofpacts acts;
	struct wft_flow match;
	struct wft_flow_wc wc;

	memset(&match, 0, sizeof(match));
	wft_flow_wc_init_catchall(&wc);
	wft_ofpacts_init(&acts);
	wft_ofpacts_put(&acts, WFT_OFPACT_OUTPUT)->output.port =
		WFT_OFPP_NORMAL;
	wft_pipeline_add(br->pipeline, 0, 0, &match, &wc, &acts,
			 wft_ofproto_now());
	wft_ofpacts_uninit(&acts);
}

static void bridge_configure(struct wft_ofproto *br,
			     const struct wft_bridge_cfg *cfg)
{
	struct ofport *old = br->ports;
	size_t n_old = br->n_ports;

	br->ports = ports_build(br, cfg->ports, cfg->n_ports);
	br->n_ports = cfg->n_ports;
	flush_changed(br, old, n_old);
	ports_free(old, n_old);
	wft_mac_learning_configure(br->ml, cfg->mac_aging_time,
				   cfg->mac_table_size);
}

/* A patch port leads to the patch port its peer option names, in any
 * bridge, provided that one names it back. */
static void pair_patches(struct wft_backer *b)
{
	struct ofport *p, *q;
	size_t i, k, j, l;

	for (i = 0; i < b->n_brs; i++)
		for (k = 0; k < b->brs[i]->n_ports; k++) {
			p = &b->brs[i]->ports[k];
			p->xp.patch = NULL;
			if (strcmp(p->type, "patch"))
				continue;
			for (j = 0; j < b->n_brs && !p->xp.patch; j++)
				for (l = 0; l < b->brs[j]->n_ports; l++) {
					q = &b->brs[j]->ports[l];
					if (!p->peer || !q->peer ||
					    strcmp(q->name, p->peer) ||
					    strcmp(q->peer, p->name) ||
					    strcmp(q->type, "patch"))
						continue;
					p->patch.pipeline =
						b->brs[j]->pipeline;
					p->patch.bridge = &b->brs[j]->xb;
					p->patch.ofp_port = q->xp.ofp_port;
					p->patch.bridge_name = b->brs[j]->name;
					p->xp.patch = &p->patch;
					break;
				}
			if (!p->xp.patch)
				wft_warn("%s: patch port %s has no peer "
					 "naming it (peer=%s)", b->brs[i]->name,
					 p->name, p->peer ? p->peer : "");
		}
}

static void odp_map_build(struct wft_backer *b)
{
	struct ofport *p;
	size_t i, k, n = 0;

	for (i = 0; i < b->n_brs; i++)
		for (k = 0; k < b->brs[i]->n_ports; k++) {
			p = &b->brs[i]->ports[k];
			if (p->xp.odp_port < WFT_ODP_PORT_MAX &&
			    p->xp.odp_port >= n)
				n = p->xp.odp_port + 1;
		}
	free(b->odp);
	b->odp = wft_xcalloc(n + 1, sizeof(*b->odp));
	b->n_odp = n;
	for (i = 0; i < b->n_brs; i++)
		for (k = 0; k < b->brs[i]->n_ports; k++) {
			p = &b->brs[i]->ports[k];
			if (p->xp.odp_port >= n)
				continue;
			if (p->xp.tunnel) {
				/* Shared by every tunnel port of its type
				 * and UDP port, in any bridge. */
				b->odp[p->xp.odp_port].tunnel = true;
				b->odp[p->xp.odp_port].n_tunnel++;
			}
			b->odp[p->xp.odp_port].br = b->brs[i];
			b->odp[p->xp.odp_port].ofport = p->xp.ofp_port;
		}
}

static const struct wft_bridge_cfg *cfg_find(const struct wft_bridge_cfg *brs,
					     size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(brs[i].name, name))
			return &brs[i];
	return NULL;
}

/* Takes the bridges that are not in @brs out of @b into @gone. */
static size_t bridges_drop(struct wft_backer *b,
			   const struct wft_bridge_cfg *brs, size_t n,
			   struct wft_ofproto **gone)
{
	size_t i, kept = 0, n_gone = 0;

	for (i = 0; i < b->n_brs; i++) {
		if (cfg_find(brs, n, b->brs[i]->name)) {
			b->brs[kept++] = b->brs[i];
			continue;
		}
		/* Generations only grow: what the bridge counted stays. */
		b->retired_rules += wft_pipeline_version(b->brs[i]->pipeline);
		b->retired_macs += wft_mac_learning_seq(b->brs[i]->ml) + 1;
		gone[n_gone++] = b->brs[i];
	}
	b->n_brs = kept;
	return n_gone;
}

void wft_backer_update(struct wft_backer *b, const struct wft_bridge_cfg *brs,
		       size_t n)
{
	struct wft_ofproto **gone = wft_xcalloc(b->n_brs + 1, sizeof(*gone));
	struct wft_ofproto *br;
	size_t i, n_gone;

	pthread_rwlock_wrlock(&b->lock);
	n_gone = bridges_drop(b, brs, n, gone);
	b->brs = wft_xrealloc(b->brs, (b->n_brs + n + 1) * sizeof(*b->brs));
	for (i = 0; i < n; i++) {
		br = wft_backer_find(b, brs[i].name);
		if (!br) {
			br = bridge_new(b, brs[i].name);
			if (brs[i].standalone)
				add_default_rule(br);
			b->brs[b->n_brs++] = br;
			qsort(b->brs, b->n_brs, sizeof(*b->brs), by_name);
		}
		bridge_configure(br, &brs[i]);
	}
	pair_patches(b);
	wft_ofproto_hold_mark(b);
	odp_map_build(b);
	atomic_fetch_add(&b->port_gen, 1);
	pthread_rwlock_unlock(&b->lock);
	for (i = 0; i < n_gone; i++) {
		wft_info("%s: bridge deleted", gone[i]->name);
		bridge_free(gone[i]);
	}
	free(gone);
	wft_backer_changed(b);
}
