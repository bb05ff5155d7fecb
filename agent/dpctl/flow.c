// SPDX-License-Identifier: GPL-2.0
/*
 * weft-dpctl: add-flow, mod-flow, del-flow, del-flows, get-flow, dump-flows.
 *
 * Flow text goes through the odp codec (weft/odp.h); this file only adds
 * the "ufid:" prefix, the port names and the stats around it, in
 * ovs-dpctl's layout:
 *   [ufid:UFID, ]MATCH, packets:N, bytes:N, used:X.XXXs[, flags:F], actions:A
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "weft/odp.h"
#include "weft/strbuf.h"
#include "dpctl.h"
#include "flow_filter.h"

/*
 * The datapath a command works on and its port names (for the codec), both
 * fetched on first use, so that a bad flow string is reported before any
 * netlink traffic.
 */
struct ports {
	struct dpctl *ctx;
	const char *dparg;
	int dp_state;		/* 0: not yet, 1: open, -1: failed */
	struct wft_dp dp;
	bool loaded;
	struct wft_vport *v;
	size_t n;
};

static void ports_init(struct ports *pm, struct dpctl *ctx, const char *dparg)
{
	memset(pm, 0, sizeof(*pm));
	pm->ctx = ctx;
	pm->dparg = dparg;
}

static void ports_uninit(struct ports *pm)
{
	free(pm->v);
	if (pm->dp_state > 0)
		wft_dp_uninit(&pm->dp);
}

/* Opens the datapath (once); 0 or 1 after printing the error. */
static int ports_dp(struct ports *pm)
{
	if (!pm->dp_state)
		pm->dp_state = dpctl_open_dp(pm->ctx, pm->dparg, &pm->dp) ?
			       -1 : 1;
	return pm->dp_state > 0 ? 0 : 1;
}

static void ports_load(struct ports *pm)
{
	if (pm->loaded)
		return;
	pm->loaded = true;
	if (ports_dp(pm) ||
	    wft_vport_dump(pm->ctx->dpif, pm->dp.ifindex, &pm->v, &pm->n)) {
		pm->v = NULL;
		pm->n = 0;
	}
}

static const char *port_name(void *aux, uint32_t port_no)
{
	struct ports *pm = aux;
	size_t i;

	ports_load(pm);
	for (i = 0; i < pm->n; i++)
		if (pm->v[i].port_no == port_no)
			return pm->v[i].name;
	return NULL;
}

static int port_number(void *aux, const char *name, uint32_t *port_no)
{
	struct ports *pm = aux;
	size_t i;

	ports_load(pm);
	for (i = 0; i < pm->n; i++) {
		if (!strcmp(pm->v[i].name, name)) {
			*port_no = pm->v[i].port_no;
			return 0;
		}
	}
	return -ENOENT;
}

/* A FLOW argument: an optional ufid: prefix, then an optional match. */
struct flow_arg {
	bool has_ufid;
	struct wft_ufid ufid;
	bool has_key;
	struct wft_attrbuf key;
	struct wft_attrbuf mask;
};

static void flow_arg_init(struct flow_arg *fa)
{
	memset(fa, 0, sizeof(*fa));
	wft_attrbuf_init(&fa->key);
	wft_attrbuf_init(&fa->mask);
}

static void flow_arg_uninit(struct flow_arg *fa)
{
	wft_attrbuf_free(&fa->key);
	wft_attrbuf_free(&fa->mask);
}

/*
 * The ufid: prefix is blanked out rather than cut off, so that the
 * positions in the codec's messages count from the start of the argument
 * the user typed.
 */
static int parse_flow_arg(struct dpctl *ctx, struct ports *pm, const char *s,
			  struct flow_arg *fa)
{
	struct wft_odp_port_map map = { NULL, port_number, pm };
	struct wft_odp_error oerr;
	char *copy;
	size_t n;
	int r;

	r = wft_ufid_from_string(s, &fa->ufid);
	if (r < 0) {
		dpctl_error(ctx, "malformed UFID in \"%.*s\" (want ufid: and "
			    "32 hex digits, as a UUID or plain)",
			    (int)strcspn(s, ", "), s);
		return 1;
	}
	fa->has_ufid = r > 0;
	copy = strdup(s);
	if (!copy) {
		dpctl_error(ctx, "out of memory");
		return 1;
	}
	n = (size_t)r;
	if (n)
		n += strspn(copy + n, ", \t");
	memset(copy, ' ', n);
	if (!copy[strspn(copy, " \t")]) {
		free(copy);
		return 0;
	}
	memset(&oerr, 0, sizeof(oerr));
	r = wft_odp_flow_from_string_ports(copy, &map, &fa->key, &fa->mask,
					   &oerr);
	free(copy);
	if (r) {
		dpctl_error(ctx, "%s", oerr.msg[0] ? oerr.msg : strerror(-r));
		return 1;
	}
	fa->has_key = true;
	return 0;
}

static int parse_actions_arg(struct dpctl *ctx, struct ports *pm,
			     const char *s, struct wft_attrbuf *acts)
{
	struct wft_odp_port_map map = { NULL, port_number, pm };
	struct wft_odp_error oerr;
	int r;

	memset(&oerr, 0, sizeof(oerr));
	r = wft_odp_actions_from_string_ports(s, &map, acts, &oerr);
	if (r) {
		dpctl_error(ctx, "%s", oerr.msg[0] ? oerr.msg : strerror(-r));
		return 1;
	}
	return 0;
}

static uint64_t now_msec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* "packets:N, bytes:N, used:X[, flags:F]" (ovs-dpctl's stats format). */
static void print_flow_stats(struct pr *p, const struct wft_dpif_flow *f,
			     uint64_t now)
{
	char flags[64];

	pr_u64(p, "packets", "packets:%" PRIu64, f->packets);
	pr_u64(p, "bytes", ", bytes:%" PRIu64, f->bytes);
	if (f->used)
		pr_double(p, "used", ", used:%.3fs",
			  now > f->used ? (double)(now - f->used) / 1000.0 : 0.0);
	else
		pr_null(p, "used", ", used:never");
	if (f->tcp_flags) {
		wft_tcp_flags_format(f->tcp_flags, flags, sizeof(flags));
		pr_str(p, "tcp_flags", ", flags:%s", flags);
	}
}

static void print_flow(struct dpctl *ctx, struct ports *pm,
		       const struct wft_dpif_flow *f, uint64_t now)
{
	struct wft_odp_port_map map = { port_name, NULL, pm };
	const struct wft_odp_port_map *mp = ctx->opts.names ? &map : NULL;
	unsigned int fl = ctx->opts.verbosity ? WFT_ODP_VERBOSE : 0;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct pr *p = ctx->pr;
	char ufid[WFT_UFID_STRLEN + 1];

	pr_obj_open(p, NULL);
	ufid[0] = 0;
	if (f->ufid_present) {
		wft_ufid_format(&f->ufid, ufid);
		if (ctx->opts.verbosity || !f->has_key)
			pr_str(p, "ufid", "ufid:%s, ", ufid);
		else
			pr_json_str(p, "ufid", ufid);
	}
	if (f->has_key) {
		/* Unknown attributes print as key<N>(hex): keep the line. */
		wft_odp_flow_format_ports(f->key.data, f->key.len,
					  f->has_mask ? f->mask.data : NULL,
					  f->has_mask ? f->mask.len : 0, mp,
					  &sb, fl);
		pr_str(p, "match", "%s, ", wft_strbuf_cstr(&sb));
	}
	print_flow_stats(p, f, now);
	if (f->has_actions) {
		wft_strbuf_reset(&sb);
		wft_odp_actions_format_ports(f->actions.data, f->actions.len,
					     mp, &sb, fl);
		pr_str(p, "actions", ", actions:%s", wft_strbuf_cstr(&sb));
	}
	pr_text(p, "\n");
	if (ctx->opts.provenance)
		dpctl_provenance_print(ctx, ctx->prov, ufid);
	pr_obj_close(p);
	wft_strbuf_free(&sb);
}

/* The stats line of -s, as one JSON object. */
static void print_stats_only(struct dpctl *ctx, const struct wft_dpif_flow *f)
{
	pr_obj_open(ctx->pr, NULL);
	print_flow_stats(ctx->pr, f, now_msec());
	pr_text(ctx->pr, "\n");
	pr_obj_close(ctx->pr);
}

static int put_flow(struct dpctl *ctx, int argc, char **argv,
		    unsigned int flags)
{
	const char *dparg = dpctl_take_dp(&argc, &argv, 2);
	struct wft_dpif_flow_put put;
	struct wft_attrbuf acts;
	struct flow_arg fa;
	struct wft_dpif_flow reply;
	struct ports pm;
	struct wft_ufid hashed;
	int ret = 1;

	ports_init(&pm, ctx, dparg);
	flow_arg_init(&fa);
	wft_attrbuf_init(&acts);
	wft_dpif_flow_init(&reply);
	if (parse_flow_arg(ctx, &pm, argv[0], &fa))
		goto out;
	if (!fa.has_key) {
		dpctl_error(ctx, "no flow match given (FLOW ACTIONS)");
		goto out;
	}
	if (parse_actions_arg(ctx, &pm, argv[1], &acts) || ports_dp(&pm))
		goto out;
	if (!fa.has_ufid)
		wft_ufid_from_key(fa.key.data, fa.key.len,
				  fa.mask.len ? fa.mask.data : NULL,
				  fa.mask.len, &hashed);

	memset(&put, 0, sizeof(put));
	put.dp_ifindex = pm.dp.ifindex;
	put.ufid = fa.has_ufid ? &fa.ufid : &hashed;
	put.key = fa.key.data ? (const void *)fa.key.data : "";
	put.key_len = fa.key.len;
	put.mask = fa.mask.len ? fa.mask.data : NULL;
	put.mask_len = fa.mask.len;
	/* An empty list is a valid one (drop): never NULL here. */
	put.actions = acts.data ? (const void *)acts.data : "";
	put.actions_len = acts.len;
	put.flags = flags;
	if (wft_dpif_flow_put(ctx->dpif, &put, &reply)) {
		dpctl_error(ctx, "%s", wft_dpif_error(ctx->dpif));
		goto out;
	}
	if (ctx->opts.statistics)
		print_stats_only(ctx, &reply);
	ret = 0;
out:
	wft_dpif_flow_uninit(&reply);
	wft_attrbuf_free(&acts);
	flow_arg_uninit(&fa);
	ports_uninit(&pm);
	return ret;
}

int cmd_flow_add(struct dpctl *ctx, int argc, char **argv)
{
	return put_flow(ctx, argc, argv, WFT_DPIF_FLOW_PUT_CREATE);
}

int cmd_flow_mod(struct dpctl *ctx, int argc, char **argv)
{
	unsigned int flags = WFT_DPIF_FLOW_PUT_MODIFY;

	if (ctx->opts.may_create)
		flags |= WFT_DPIF_FLOW_PUT_CREATE;
	if (ctx->opts.clear)
		flags |= WFT_DPIF_FLOW_PUT_ZERO_STATS;
	return put_flow(ctx, argc, argv, flags);
}

/*
 * Without a UFID, the flow is looked for first under the UFID weft-dpctl
 * would have given it (a hash of its key and mask), then by key and mask
 * (a flow someone else added under another UFID).
 */
static int del_flow(struct dpctl *ctx, const struct wft_dp *dp,
		    const struct flow_arg *fa, struct wft_dpif_flow *reply)
{
	const void *mask = fa->mask.len ? fa->mask.data : NULL;
	struct wft_ufid hashed;
	int err;

	if (fa->has_ufid)
		return wft_dpif_flow_del(ctx->dpif, dp->ifindex, &fa->ufid, NULL, 0,
				    NULL, 0, reply);
	wft_ufid_from_key(fa->key.data, fa->key.len, mask, fa->mask.len,
			  &hashed);
	err = wft_dpif_flow_del(ctx->dpif, dp->ifindex, &hashed, NULL, 0, NULL, 0,
			   reply);
	if (err != -ENOENT)
		return err;
	return wft_dpif_flow_del(ctx->dpif, dp->ifindex, NULL, fa->key.data,
			    fa->key.len, mask, fa->mask.len, reply);
}

int cmd_flow_del(struct dpctl *ctx, int argc, char **argv)
{
	const char *dparg = dpctl_take_dp(&argc, &argv, 1);
	struct wft_dpif_flow reply;
	struct flow_arg fa;
	struct ports pm;
	int ret = 1;

	ports_init(&pm, ctx, dparg);
	flow_arg_init(&fa);
	wft_dpif_flow_init(&reply);
	if (parse_flow_arg(ctx, &pm, argv[0], &fa))
		goto out;
	if (!fa.has_ufid && !fa.has_key) {
		dpctl_error(ctx, "no flow given");
		goto out;
	}
	if (ports_dp(&pm))
		goto out;
	if (del_flow(ctx, &pm.dp, &fa, &reply)) {
		dpctl_error(ctx, "%s", wft_dpif_error(ctx->dpif));
		goto out;
	}
	if (ctx->opts.statistics)
		print_stats_only(ctx, &reply);
	ret = 0;
out:
	wft_dpif_flow_uninit(&reply);
	flow_arg_uninit(&fa);
	ports_uninit(&pm);
	return ret;
}

int cmd_flow_del_all(struct dpctl *ctx, int argc, char **argv)
{
	struct wft_dp dp;
	int ret = 0;

	if (dpctl_open_dp(ctx, argc ? argv[0] : NULL, &dp))
		return 1;
	if (wft_dpif_flow_del_all(ctx->dpif, dp.ifindex)) {
		dpctl_error(ctx, "%s", wft_dpif_error(ctx->dpif));
		ret = 1;
	}
	wft_dp_uninit(&dp);
	return ret;
}

int cmd_flow_get(struct dpctl *ctx, int argc, char **argv)
{
	const char *dparg = dpctl_take_dp(&argc, &argv, 1);
	struct wft_dpif_flow flow;
	struct wft_ufid ufid;
	struct ports pm;
	int r, ret = 1;

	r = wft_ufid_from_string(argv[0], &ufid);
	if (r <= 0 || argv[0][r]) {
		dpctl_error(ctx, "\"%s\" is not ufid:UFID (32 hex digits, as "
			    "a UUID or plain)", argv[0]);
		return 1;
	}
	ports_init(&pm, ctx, dparg);
	wft_dpif_flow_init(&flow);
	if (ports_dp(&pm))
		goto out;
	if (wft_dpif_flow_get(ctx->dpif, pm.dp.ifindex, &ufid, NULL, 0, NULL, 0,
			 &flow)) {
		dpctl_error(ctx, "%s", wft_dpif_error(ctx->dpif));
		goto out;
	}
	if (!flow.ufid_present) {
		flow.ufid_present = true;
		flow.ufid = ufid;
	}
	print_flow(ctx, &pm, &flow, now_msec());
	ret = 0;
out:
	wft_dpif_flow_uninit(&flow);
	ports_uninit(&pm);
	return ret;
}

/* Dumps. */

struct flow_list {
	struct wft_dpif_flow *f;
	size_t n, cap;
};

static void flow_list_free(struct flow_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		wft_dpif_flow_uninit(&l->f[i]);
	free(l->f);
	memset(l, 0, sizeof(*l));
}

/* One pass: collects the flows passing @filt; returns wft_dpif_flow_dump_done(). */
static int dump_once(struct dpctl *ctx, uint32_t dp_ifindex,
		     const struct flow_filter *filt, struct flow_list *l)
{
	struct wft_dpif_flow_dump *dump;
	struct wft_dpif_flow f;
	int err, nomem = 0;

	err = wft_dpif_flow_dump_start(ctx->dpif, dp_ifindex, 0, &dump);
	if (err)
		return err;
	wft_dpif_flow_init(&f);
	while (wft_dpif_flow_dump_next(dump, &f) == 1) {
		if (filt && !flow_filter_match(filt, &f))
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 64;
			struct wft_dpif_flow *nf = realloc(l->f, cap * sizeof(*nf));

			if (!nf) {
				nomem = -ENOMEM;
				break;
			}
			l->f = nf;
			l->cap = cap;
		}
		l->f[l->n++] = f;	/* the list takes f's buffers */
		wft_dpif_flow_init(&f);
	}
	wft_dpif_flow_uninit(&f);
	err = wft_dpif_flow_dump_done(dump);
	return nomem ? nomem : err;
}

#define DUMP_TRIES	3

int cmd_flow_dump(struct dpctl *ctx, int argc, char **argv)
{
	struct flow_filter filt, *fp = NULL;
	struct flow_list l = { NULL, 0, 0 };
	const char *filter = NULL;
	struct ports pm;
	uint64_t now;
	int tries, err, ret = 1;
	size_t i;

	if (argc && !strncmp(argv[argc - 1], "filter=", 7))
		filter = argv[--argc] + 7;
	if (argc > 1) {
		dpctl_error(ctx, "unexpected argument \"%s\" (usage: "
			    "dump-flows %s)", argv[1], ctx->cmd->usage);
		return 1;
	}
	ports_init(&pm, ctx, argc ? argv[0] : NULL);
	if (filter) {
		struct flow_arg fa;

		flow_arg_init(&fa);
		if (parse_flow_arg(ctx, &pm, filter, &fa) ||
		    flow_filter_init(&filt, &fa.key, &fa.mask)) {
			flow_arg_uninit(&fa);
			goto out;
		}
		flow_arg_uninit(&fa);
		fp = &filt;
	}
	if (ports_dp(&pm))
		goto out;
	for (tries = 1; ; tries++) {
		err = dump_once(ctx, pm.dp.ifindex, fp, &l);
		if (err != -EAGAIN || tries == DUMP_TRIES)
			break;
		flow_list_free(&l);
	}
	if (err && err != -EAGAIN) {
		dpctl_error(ctx, "%s", wft_dpif_error(ctx->dpif)[0] ?
			    wft_dpif_error(ctx->dpif) : strerror(-err));
		goto out;
	}
	now = now_msec();
	if (ctx->opts.provenance)
		ctx->prov = dpctl_provenance_fetch(ctx);
	pr_arr_open(ctx->pr, NULL);
	for (i = 0; i < l.n; i++)
		print_flow(ctx, &pm, &l.f[i], now);
	pr_arr_close(ctx->pr);
	json_decref(ctx->prov);
	ctx->prov = NULL;
	ret = 0;
	if (err == -EAGAIN) {
		/* The flows printed are still real: warn, do not fail. */
		dpctl_error(ctx, "warning: %s", wft_dpif_error(ctx->dpif));
	}
out:
	if (fp)
		flow_filter_uninit(fp);
	flow_list_free(&l);
	ports_uninit(&pm);
	return ret;
}
