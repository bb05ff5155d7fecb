// SPDX-License-Identifier: GPL-2.0
/*
 * The chassis' flows on ovn-bridge, recomputed in full from the SB
 * replica after any change (there is no incremental processing yet):
 * the local view (ovn_local.c), ct zones (ovn_zones.c), tunnel ports
 * (ovn_tunnels.c), physical flows (ovn_physical.c) and logical flows
 * (ovn_lflows.c) make one desired set of rules, installed as a
 * difference against what the bridge holds (ofproto_install.c), so
 * unchanged rules keep their counters and the revalidator re-translates
 * datapath flows only when something did change.
 *
 * flows_pending (the gate of Port_Binding.up, ovn-installed and the
 * nb_cfg acknowledgement) is raised by every change and dropped once a
 * recompute of the latest replica is installed with every local port's
 * OpenFlow port known. Tunnel ports that are not in the datapath yet do
 * not hold the gate (ovn-controller does not wait for them either); the
 * recompute is tried again until they are.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft/ofproto.h"
#include "weft/pipeline.h"
#include "weft/ovn_lookup.h"
#include "weft/util.h"
#include "weft/vlog.h"

#include "ofproto_rpc.h"
#include "ovn_lflow_cache.h"
#include "ovn_priv.h"

WFT_LOG_MODULE(ovn_flows);

#define RETRY_MS	100
/* While a monitor condition change is in flight, its reply brings rows
 * (the datapaths just found local): a pass waits for it, polling, but
 * not longer than this (a server that never answers). */
#define COND_POLL_MS	20
#define COND_WAIT_MS	2000
#define TUNNEL_RETRY_MS	2000
#define OVN_TLV_MAP	"{class=0x0102,type=0x80,len=4}->tun_metadata0"

void wft_ovn_flows_changed(struct wft_ovn *o)
{
	o->flows_dirty = true;
	o->flows_gen++;
	o->flows_pending = 1;
}

void wft_ovn_flows_mark_dirty(struct wft_ovn *o)
{
	o->flows_all = true;
	wft_ovn_flows_changed(o);
}

/* The rules of br-int that are OVN's: all but those learn actions
 * (commit_lb_aff) added, which live by their own timeouts. */
static size_t ovn_rules(struct wft_pipeline *p)
{
	return wft_pipeline_n_rules(p) - wft_pipeline_n_learned(p);
}

static void changes_forget(struct wft_ovn *o)
{
	o->flows_all = false;
	o->n_lflows_changed = 0;
}

bool wft_ovn_flows_fast(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			struct wft_pipeline *p,
			struct wft_ofproto_install_stats *st, int *ret,
			char *err, size_t errlen)
{
	struct wft_lflow_groups groups;
	bool ok;

	if (o->flows_all || !o->lcache || o->lcache->n_uncached ||
	    o->installed_index != o->lcache->index ||
	    ovn_rules(p) != o->installed_n)
		return false;
	wft_lflow_groups_init(&groups);
	ok = wft_ovn_lflows_update_rows(o, r, o->lflows_changed,
					o->n_lflows_changed, &groups);
	/* A new row with ct_lb backends wants the pass' group table. */
	ok = ok && !groups.n;
	wft_lflow_groups_uninit(&groups);
	if (!ok) {
		o->flows_all = true;
		return false;
	}
	o->fst.fast_passes++;
	wft_ovn_lflows_recount(o);
	*ret = wft_ovn_flows_install(o, p, false, st, err, errlen);
	changes_forget(o);
	return true;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The OpenFlow ports of the local VIFs; false when one is missing. */
static bool resolve_vifs(struct wft_ovn *o, struct wft_backer *b)
{
	struct wft_ofproto_port_info info;
	const struct wft_ovn_iface *ifc;
	struct wft_ofproto *br;
	bool all = true;
	size_t i;

	wft_backer_read_lock(b);
	br = wft_backer_find(b, o->node.bridge);
	for (i = 0; i < o->view.n_ports; i++) {
		struct wft_ovn_port *p = &o->view.ports[i];

		if (p->kind != WFT_OVN_PORT_LOCAL)
			continue;
		ifc = wft_ovn_iface_find(o->ifaces, o->n_ifaces, p->name);
		p->iface = ifc ? ifc->name : NULL;
		p->ofport = 0;
		if (br && p->iface &&
		    !wft_ofproto_port_by_name(br, p->iface, strlen(p->iface),
					      &info) &&
		    info.ofport && info.ofport < 0xff00)
			p->ofport = info.ofport;
		else
			all = false;
	}
	wft_backer_read_unlock(b);
	return all;
}

static bool tunnels_ready(const struct wft_ovn_view *v)
{
	size_t i;

	for (i = 0; i < v->n_chassis; i++)
		if (v->chassis[i].type && !v->chassis[i].ofport)
			return false;
	return true;
}

void wft_ovn_flow_stats_reset(struct wft_ovn_flow_stats *fs)
{
	size_t i;

	for (i = 0; i < fs->n_reasons; i++)
		free(fs->reasons[i].reason);
	free(fs->reasons);
	fs->reasons = NULL;
	fs->n_reasons = 0;
	fs->n_skips = 0;
	fs->rows_compiled = fs->rows_skipped = fs->rows_elsewhere = 0;
}

static int cmp_text(const void *a, const void *b)
{
	const struct wft_ovn_phys *x = a, *y = b;

	return strcmp(x->text, y->text);
}

/* The last pass' flow for @text, copied into @out; false if none. */
static bool phys_cached(const struct wft_ovn *o, const char *text,
			struct wft_ofp_flow *out)
{
	const struct wft_ovn_phys key = { .text = (char *)text }, *hit;

	hit = o->n_phys ? bsearch(&key, o->phys, o->n_phys, sizeof(*o->phys),
				  cmp_text) : NULL;
	if (!hit)
		return false;
	*out = hit->flow;
	wft_ofpacts_clone(&out->actions, &hit->flow.actions);
	return true;
}

void wft_ovn_phys_forget(struct wft_ovn *o)
{
	size_t i;

	for (i = 0; i < o->n_phys; i++) {
		free(o->phys[i].text);
		wft_ofp_flow_uninit(&o->phys[i].flow);
	}
	free(o->phys);
	o->phys = NULL;
	o->n_phys = 0;
}

/*
 * The physical flows, parsed with the bridge's TLV map (without a
 * backer, as the tools and tests compute them, with the default one).
 * Most texts are the same from pass to pass: the flows parsed last
 * time are kept by text and copied, and only new texts are parsed.
 */
static void physical(struct wft_ovn *o, struct wft_backer *b,
		     struct wft_ofp_flow **rules, size_t *n, size_t *cap)
{
	char **texts = NULL, err[256];
	size_t n_texts = 0, i, n_next = 0;
	struct wft_ovn_phys *next;
	int ret;

	wft_ovn_physical_flows(&o->view, o->node.system_id, &texts, &n_texts);
	if (*n + n_texts > *cap) {
		*cap = (*n + n_texts) * 2;
		*rules = wft_xrealloc(*rules, *cap * sizeof(**rules));
	}
	next = wft_xcalloc(n_texts ? n_texts : 1, sizeof(*next));
	for (i = 0; i < n_texts; i++) {
		struct wft_ofp_flow *f = &(*rules)[*n];

		if (phys_cached(o, texts[i], f)) {
			ret = 0;
		} else if (b) {
			ret = wft_ofproto_parse_flow(b, o->node.bridge,
						     texts[i], f, err,
						     sizeof(err));
		} else {
			ret = wft_ofp_flow_parse(texts[i], WFT_OFPFC_ADD, f,
						 err, sizeof(err));
		}
		if (ret) {
			/* A bug here, not the SB's: say which flow. */
			wft_warn("physical flow \"%s\": %s", texts[i], err);
			wft_ofp_flow_uninit(f);
			free(texts[i]);
			continue;
		}
		next[n_next].text = texts[i];
		next[n_next].flow = *f;
		wft_ofpacts_clone(&next[n_next].flow.actions, &f->actions);
		n_next++;
		(*n)++;
	}
	wft_ovn_phys_forget(o);
	qsort(next, n_next, sizeof(*next), cmp_text);
	o->phys = next;
	o->n_phys = n_next;
	o->fst.rules_phys = n_texts;
	free(texts);
}

static bool dp_is_local(void *aux, uint32_t dp_key)
{
	const struct wft_ovn_view *v = aux;
	size_t i;

	for (i = 0; i < v->n_dps; i++)
		if (v->dps[i].key == dp_key)
			return true;
	return false;
}

/* The tables the lookup actions consult (66..75, include/weft/
 * ovn_lookup.h), built from the replica in full and moved into @rules. */
static void lookup_tables(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			  struct wft_ofp_flow **rules, size_t *n, size_t *cap)
{
	struct wft_ovn_lookup_flows lf;
	struct wft_ovn_lookup_ctx ctx;

	wft_ovn_lookup_ctx_init(&ctx, r, &o->chassis_uuid, dp_is_local,
				&o->view);
	wft_ovn_lookup_flows_init(&lf);
	wft_ovn_lookup_build(&ctx, &lf);
	if (*n + lf.n > *cap) {
		*cap = *n + lf.n;
		*rules = wft_xrealloc(*rules, *cap * sizeof(**rules));
	}
	/* Moved, not copied: the flows' action lists change owner. */
	memcpy(*rules + *n, lf.flows, lf.n * sizeof(*lf.flows));
	*n += lf.n;
	o->fst.rules_lookup = lf.n;
	lf.n = 0;
	wft_ovn_lookup_flows_uninit(&lf);
	wft_ovn_lookup_ctx_uninit(&ctx);
}

static void extras_forget(struct wft_ovn *o)
{
	size_t i;

	for (i = 0; i < o->n_extras; i++) {
		if (o->lcache)
			wft_ovn_dindex_remove(o->lcache->index,
					      &o->extras[i]);
		wft_ofpacts_uninit(&o->extras[i].actions);
		free(o->extras[i].words);
	}
	free(o->extras);
	o->extras = NULL;
	o->n_extras = 0;
}

/* The pass' physical and lookup rules (@rules, @n_phys of them physical)
 * take the last pass' place in the desired index; @rules is emptied. */
static void extras_replace(struct wft_ovn *o, struct wft_ofp_flow *rules,
			   size_t n, size_t n_phys)
{
	struct wft_ovn_crule *next = wft_xcalloc(n ? n : 1, sizeof(*next));
	size_t i;

	for (i = 0; i < n; i++) {
		wft_ovn_crule_pack(&next[i], &rules[i]);
		wft_ovn_dindex_add(o->lcache->index, &next[i], NULL,
				   i < n_phys ? 0 : 2, (uint32_t)i);
	}
	extras_forget(o);
	o->extras = next;
	o->n_extras = n;
}

void wft_ovn_flows_update(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			   struct wft_backer *b,
			   struct wft_lflow_groups *groups)
{
	struct wft_ofp_flow *rules = NULL;
	size_t n = 0, cap = 0, n_phys;

	wft_ovn_flow_stats_reset(&o->fst);
	wft_ovn_lflows_compile(o, r, &o->view, groups);
	physical(o, b, &rules, &n, &cap);
	n_phys = n;
	lookup_tables(o, r, &rules, &n, &cap);
	extras_replace(o, rules, n, n_phys);
	wft_lflow_rules_free(rules, n);
	o->fst.groups = groups->n;
}

void wft_ovn_flows_compute(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			   struct wft_backer *b,
			   struct wft_lflow_groups *groups,
			   struct wft_ofp_flow **rulesp, size_t *np)
{
	wft_ovn_flows_update(o, r, b, groups);
	*np = wft_ovn_dindex_all(o->lcache->index, rulesp,
				 &o->fst.duplicates);
}

int wft_ovn_flows_install(struct wft_ovn *o, struct wft_pipeline *p,
			  bool full, struct wft_ofproto_install_stats *st,
			  char *err, size_t errlen)
{
	struct wft_ovn_dindex *x = o->lcache->index;
	struct wft_replace_plan pl = { 0 };
	struct wft_flow_mod *fms = NULL;
	struct wft_ofp_flow *rules;
	size_t n, nr, bad = 0, touched;
	int ret;

	memset(st, 0, sizeof(*st));
	if (full || o->installed_index != x ||
	    ovn_rules(p) != o->installed_n) {
		nr = wft_ovn_dindex_all(x, &rules, &o->fst.duplicates);
		pl.keep_learned = true;
		wft_replace_plan_build(&pl, p, rules, nr);
		ret = wft_apply_flow_mods(p, pl.fms, pl.n, &bad, &touched);
		if (ret)
			snprintf(err, errlen, "flow %zu: %s", pl.line[bad],
				 strerror(-ret));
		st->added = pl.added;
		st->deleted = pl.deleted;
		st->modified = pl.modified;
		n = pl.n;
		free(pl.fms);
		free(pl.line);
		wft_lflow_rules_free(rules, nr);
		if (!ret)
			wft_ovn_dindex_installed_all(x);
		o->installed_index = ret ? NULL : x;
	} else {
		n = wft_ovn_dindex_flush(x, &fms, &st->added, &st->deleted,
					 &st->modified);
		ret = wft_apply_flow_mods(p, fms, n, &bad, &touched);
		if (ret) {
			snprintf(err, errlen, "flow_mod %zu: %s", bad,
				 strerror(-ret));
			o->installed_index = NULL;	/* in full next */
		}
		free(fms);
		o->fst.duplicates = x->dups;
	}
	o->installed_n = ovn_rules(p);
	o->fst.rules_installed = x->n;
	o->fst.install_mods = n;
	return ret;
}

static void note_pass(struct wft_ovn_flow_stats *fs, double t0)
{
	struct wft_ovn_pass *p = &fs->passes[fs->n_passes++ %
					     WFT_OVN_PASSES_KEPT];

	p->at_ms = t0 + fs->last_compile_ms;
	p->ms = fs->last_compile_ms;
	p->recompiled = fs->rows_recompiled;
	p->mods = fs->install_mods;
	p->full = fs->last_was_full;
}

/* Every local interface has its port's flows installed. */
static void note_local(struct wft_ovn *o)
{
	size_t i, n = 0;

	for (i = 0; i < o->view.n_ports; i++)
		n += o->view.ports[i].kind == WFT_OVN_PORT_LOCAL;
	if (n && n == o->n_ifaces)
		wft_ovn_timeline_mark(&o->tl, WFT_OVN_T_LOCAL_FLOWS);
}

void wft_ovn_flows_run(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	struct wft_backer *b = wft_ofproto_backer(o->d);
	struct wft_ofproto_install_stats ist;
	unsigned long gen = o->flows_gen;
	struct wft_pipeline *p;
	struct wft_lflow_groups groups;
	bool vifs, tunnels, localnet, groups_changed;
	char err[256];
	double t0;
	int ret;

	if (!o->flows_dirty || !b)
		return;
	t0 = now_ms();
	/* At start the initial rows and each widening of the conditions
	 * arrive one after the other: one pass for all of them. */
	if (o->client && wft_ovsdb_client_cond_pending(o->client)) {
		if (!o->cond_wait_since)
			o->cond_wait_since = t0;
		if (t0 - o->cond_wait_since < COND_WAIT_MS) {
			wft_ovn_schedule_in(o, COND_POLL_MS);
			return;
		}
	}
	o->cond_wait_since = 0;
	p = wft_ofproto_bridge_pipeline(b, o->node.bridge);
	if (p && wft_ovn_flows_fast(o, r, p, &ist, &ret, err, sizeof(err))) {
		if (!ret && (ist.added || ist.deleted || ist.modified))
			wft_backer_changed(b);
		o->fst.last_compile_ms = now_ms() - t0;
		note_pass(&o->fst, t0);
		wft_ovn_timeline_pass(&o->tl, o->fst.last_compile_ms);
		if (ret) {
			snprintf(o->fst.error, sizeof(o->fst.error), "%s",
				 err);
			wft_ovn_schedule_in(o, RETRY_MS * 5);
			return;
		}
		o->fst.added = ist.added;
		o->fst.deleted = ist.deleted;
		o->fst.modified = ist.modified;
		if (gen != o->flows_gen) {
			wft_ovn_schedule_in(o, RETRY_MS);
			return;
		}
		o->flows_dirty = false;
		o->flows_pending = 0;
		return;
	}
	/* Until this pass over everything is done, the next is one too. */
	o->flows_all = true;
	wft_ovn_localnet_mappings(o);
	wft_ovn_view_free(&o->view);
	wft_ovn_view_build(o, r, &o->view);
	if (!o->zones)
		o->zones = wft_ovn_zones_new();
	wft_ovn_zones_assign(o->zones, &o->view);
	/* Configuration commits (tunnel ports) come back through the
	 * configuration callback: o->ifaces is rebuilt meanwhile. */
	wft_ovn_tunnels_sync(o, &o->view);
	/* Localnet patch ports do not hold the gate either. */
	localnet = wft_ovn_localnet_sync(o, &o->view);
	tunnels = tunnels_ready(&o->view) && localnet;
	vifs = resolve_vifs(o, b);
	if (wft_ofproto_tlv_ensure(b, o->node.bridge, OVN_TLV_MAP, err,
				   sizeof(err))) {
		snprintf(o->fst.error, sizeof(o->fst.error), "TLV map: %.200s",
			 err);
		wft_ovn_schedule_in(o, RETRY_MS * 5);
		return;
	}
	if (!p) {
		snprintf(o->fst.error, sizeof(o->fst.error), "no bridge %s",
			 o->node.bridge);
		wft_ovn_schedule_in(o, RETRY_MS * 5);
		return;
	}
	wft_lflow_groups_init(&groups);
	wft_ovn_flows_update(o, r, b, &groups);
	/* Groups first: a rule naming a missing group drops. */
	ret = wft_ovn_groups_install(b, o->node.bridge, &groups,
				     &groups_changed, err, sizeof(err));
	wft_lflow_groups_uninit(&groups);
	if (ret)
		wft_warn("installing the groups on %s: %s", o->node.bridge,
			 err);
	else if (groups_changed)
		wft_backer_changed(b);
	ret = wft_ovn_flows_install(o, p, false, &ist, err, sizeof(err));
	if (!ret && (ist.added || ist.deleted || ist.modified))
		wft_backer_changed(b);
	/* A pass' desired set and install plan are megabytes of flows
	 * (1.7 kB each) freed here; glibc keeps freed heap otherwise, and
	 * it would count in weftd's RSS until the next pass reuses it. */
	malloc_trim(0);
	o->fst.last_compile_ms = now_ms() - t0;
	note_pass(&o->fst, t0);
	wft_ovn_timeline_pass(&o->tl, o->fst.last_compile_ms);
	if (ret) {
		snprintf(o->fst.error, sizeof(o->fst.error), "%s", err);
		wft_warn("installing the flows on %s: %s", o->node.bridge,
			 err);
		wft_ovn_schedule_in(o, RETRY_MS * 5);
		return;
	}
	o->fst.error[0] = '\0';
	o->fst.added = ist.added;
	o->fst.deleted = ist.deleted;
	o->fst.modified = ist.modified;
	if (ist.added || ist.deleted || ist.modified)
		wft_dbg("flows on %s: %lu (%zu added, %zu deleted, %zu "
			"modified) in %.1f ms", o->node.bridge,
			o->fst.rules_installed, ist.added,
			ist.deleted, ist.modified, o->fst.last_compile_ms);
	if (gen != o->flows_gen || !vifs) {
		/* Behind already, or waiting for a VIF's port. */
		wft_ovn_schedule_in(o, RETRY_MS);
		return;
	}
	if (!tunnels) {
		/* A tunnel port not in the datapath (yet, or ever: no UDP
		 * tunnel support): retried, slowly, without holding up. */
		o->flows_dirty = true;
		wft_ovn_schedule_in(o, TUNNEL_RETRY_MS);
	} else {
		o->flows_dirty = false;
		changes_forget(o);
	}
	o->flows_pending = 0;
	note_local(o);
}

void wft_ovn_flows_uninit(struct wft_ovn *o)
{
	wft_ovn_view_free(&o->view);
	wft_ovn_zones_free(o->zones);
	o->zones = NULL;
	wft_lflow_stats_uninit(&o->lflow_st);
	extras_forget(o);
	wft_ovn_lflows_reset(o);
	free(o->lflows_changed);
	o->lflows_changed = NULL;
	o->n_lflows_changed = o->lflows_changed_cap = 0;
	wft_ovn_phys_forget(o);
	wft_ovn_flow_stats_reset(&o->fst);
	wft_ovn_localnet_uninit(o);
}

/* The last passes, oldest first: when each ended (ms before the last
 * one), how long it took, the rows it compiled, its flow_mods. */
static json_t *passes_json(const struct wft_ovn_flow_stats *fs)
{
	size_t n = fs->n_passes < WFT_OVN_PASSES_KEPT ? fs->n_passes :
		   WFT_OVN_PASSES_KEPT, i;
	const struct wft_ovn_pass *last, *p;
	json_t *a = json_array();

	if (!n)
		return a;
	last = &fs->passes[(fs->n_passes - 1) % WFT_OVN_PASSES_KEPT];
	for (i = fs->n_passes - n; i < fs->n_passes; i++) {
		p = &fs->passes[i % WFT_OVN_PASSES_KEPT];
		json_array_append_new(a, json_pack("{s:f,s:f,s:I,s:I,s:b}",
			"before_last_ms", last->at_ms - p->at_ms,
			"ms", p->ms,
			"rows_recompiled", (json_int_t)p->recompiled,
			"flow_mods", (json_int_t)p->mods,
			"full", p->full));
	}
	return a;
}

json_t *wft_ovn_flow_stats_json(const struct wft_ovn *o)
{
	const struct wft_ovn_flow_stats *fs = &o->fst;
	json_t *skips = json_array(), *reasons = json_object(), *j;
	size_t i;

	for (i = 0; i < fs->n_skips; i++)
		json_array_append_new(skips, json_pack("{s:s,s:s}",
			"uuid", fs->skips[i].uuid,
			"reason", fs->skips[i].reason));
	for (i = 0; i < fs->n_reasons; i++)
		json_object_set_new(reasons, fs->reasons[i].reason,
				    json_integer((json_int_t)fs->reasons[i].n));
	j = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
		      "s:f,s:s,"
		      "s:b,s:I,s:I}",
		"rows_compiled", (json_int_t)fs->rows_compiled,
		"rows_skipped", (json_int_t)fs->rows_skipped,
		"rows_elsewhere", (json_int_t)fs->rows_elsewhere,
		"rules_installed", (json_int_t)fs->rules_installed,
		"rules_logical", (json_int_t)fs->rules_lflow,
		"rules_physical", (json_int_t)fs->rules_phys,
		"rules_lookup", (json_int_t)fs->rules_lookup,
		"duplicates", (json_int_t)fs->duplicates,
		"groups", (json_int_t)fs->groups,
		"full_recomputes", (json_int_t)fs->full_recomputes,
		"incremental_runs", (json_int_t)fs->incremental_runs,
		"rows_recompiled", (json_int_t)fs->rows_recompiled,
		"fast_passes", (json_int_t)fs->fast_passes,
		"last_added", (json_int_t)fs->added,
		"last_deleted", (json_int_t)fs->deleted,
		"last_modified", (json_int_t)fs->modified,
		"last_compile_ms", fs->last_compile_ms,
		"error", fs->error,
		"flows_pending", o->flows_pending != 0,
		"local_datapaths", (json_int_t)o->view.n_dps,
		"local_ports", (json_int_t)o->view.n_ports);
	json_object_set_new(j, "skipped", skips);
	json_object_set_new(j, "passes", passes_json(fs));
	json_object_set_new(j, "skip_reasons", reasons);
	return j;
}
