// SPDX-License-Identifier: GPL-2.0
/* weft-dpctl: show, add-dp, del-dp, dump-dps. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dpctl.h"

/* ovs-dpctl's " (1.5 KiB)" after a byte count, text only. */
static void print_human_size(struct pr *p, uint64_t v)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double d = (double)v;
	int i = -1;

	while (i < 3 && d >= 1024) {
		d /= 1024;
		i++;
	}
	if (i >= 0)
		pr_text(p, " (%.1f %s)", d, units[i]);
}

static void print_port_stats(struct pr *p, const struct wft_vport *v)
{
	const struct wft_vport_stats *s = &v->stats;

	/* weft counts what the datapath sees; the kinds of error only the
	 * driver knows print as "?", as ovs-dpctl prints unknown values. */
	pr_obj_open(p, "stats");
	pr_u64(p, "rx_packets", "    RX packets:%" PRIu64, s->rx_packets);
	pr_u64(p, "rx_errors", " errors:%" PRIu64, s->rx_errors);
	pr_u64(p, "rx_dropped", " dropped:%" PRIu64, s->rx_dropped);
	pr_text(p, " overruns:? frame:?\n");
	pr_u64(p, "tx_packets", "    TX packets:%" PRIu64, s->tx_packets);
	pr_u64(p, "tx_errors", " errors:%" PRIu64, s->tx_errors);
	pr_u64(p, "tx_dropped", " dropped:%" PRIu64, s->tx_dropped);
	pr_text(p, " aborted:? carrier:?\n");
	pr_text(p, "    collisions:?\n");
	pr_u64(p, "rx_bytes", "    RX bytes:%" PRIu64, s->rx_bytes);
	print_human_size(p, s->rx_bytes);
	pr_u64(p, "tx_bytes", "  TX bytes:%" PRIu64, s->tx_bytes);
	print_human_size(p, s->tx_bytes);
	pr_text(p, "\n");
	pr_obj_close(p);
}

static void print_port(struct dpctl *ctx, const struct wft_vport *v)
{
	struct pr *p = ctx->pr;

	pr_obj_open(p, NULL);
	pr_u64(p, "port_no", "  port %" PRIu64 ": ", v->port_no);
	pr_str(p, "name", "%s", v->name);
	/* ovs-dpctl leaves its "system" type unsaid. */
	if (v->type == WEFT_VPORT_TYPE_NETDEV)
		pr_json_str(p, "type", wft_vport_type_name(v->type));
	else
		pr_str(p, "type", " (%s)", wft_vport_type_name(v->type));
	pr_text(p, "\n");
	pr_json_u64(p, "ifindex", v->ifindex);
	if (ctx->opts.statistics && v->has_stats)
		print_port_stats(p, v);
	pr_obj_close(p);
}

static int show_dp(struct dpctl *ctx, const struct wft_dp *dp)
{
	const struct wft_dp_stats *s = &dp->stats;
	uint64_t n_pkts = s->n_hit + s->n_missed;
	struct pr *p = ctx->pr;
	struct wft_vport *v;
	size_t i, n;
	int ret = 0;

	pr_obj_open(p, NULL);
	pr_str(p, "name", "system@%s:\n", dp->name);
	pr_json_u64(p, "ifindex", dp->ifindex);
	pr_obj_open(p, "lookups");
	pr_u64(p, "hit", "  lookups: hit:%" PRIu64, s->n_hit);
	pr_u64(p, "missed", " missed:%" PRIu64, s->n_missed);
	pr_u64(p, "lost", " lost:%" PRIu64 "\n", s->n_lost);
	pr_obj_close(p);
	pr_u64(p, "flows", "  flows: %" PRIu64 "\n", s->n_flows);
	pr_obj_open(p, "masks");
	pr_u64(p, "hit", "  masks: hit:%" PRIu64, s->n_mask_hit);
	pr_u64(p, "total", " total:%" PRIu64, s->n_masks);
	pr_double(p, "hit_per_pkt", " hit/pkt:%.2f\n",
		  n_pkts ? (double)s->n_mask_hit / (double)n_pkts : 0.0);
	pr_json_u64(p, "cache_hit", s->n_cache_hit);
	pr_json_u64(p, "cache_size", dp->masks_cache_size);
	pr_obj_close(p);

	pr_arr_open(p, "ports");
	if (wft_vport_dump(ctx->dpif, dp->ifindex, &v, &n)) {
		dpctl_error(ctx, "%s: listing ports: %s", dp->name,
			    wft_dpif_error(ctx->dpif));
		ret = 1;
		n = 0;
		v = NULL;
	}
	for (i = 0; i < n; i++)
		print_port(ctx, &v[i]);
	free(v);
	pr_arr_close(p);
	pr_obj_close(p);
	return ret;
}

int cmd_dp_show(struct dpctl *ctx, int argc, char **argv)
{
	struct wft_dp *dps, dp;
	size_t i, n;
	int ret = 0;

	if (!dpctl_dpif(ctx))
		return 1;
	pr_arr_open(ctx->pr, NULL);
	if (argc) {
		for (i = 0; i < (size_t)argc; i++) {
			if (dpctl_open_dp(ctx, argv[i], &dp)) {
				ret = 1;
				continue;
			}
			ret |= show_dp(ctx, &dp);
			wft_dp_uninit(&dp);
		}
	} else if (wft_dp_dump(ctx->dpif, &dps, &n)) {
		dpctl_error(ctx, "listing datapaths: %s",
			    wft_dpif_error(ctx->dpif));
		ret = 1;
	} else {
		for (i = 0; i < n; i++)
			ret |= show_dp(ctx, &dps[i]);
		wft_dp_list_free(dps, n);
	}
	pr_arr_close(ctx->pr);
	return ret;
}

int cmd_dp_dump(struct dpctl *ctx, int argc, char **argv)
{
	struct wft_dp *dps;
	size_t i, n;

	if (!dpctl_dpif(ctx))
		return 1;
	if (wft_dp_dump(ctx->dpif, &dps, &n)) {
		dpctl_error(ctx, "%s", wft_dpif_error(ctx->dpif));
		return 1;
	}
	pr_arr_open(ctx->pr, NULL);
	for (i = 0; i < n; i++) {
		pr_obj_open(ctx->pr, NULL);
		pr_str(ctx->pr, "name", "system@%s\n", dps[i].name);
		pr_json_u64(ctx->pr, "ifindex", dps[i].ifindex);
		pr_obj_close(ctx->pr);
	}
	pr_arr_close(ctx->pr);
	wft_dp_list_free(dps, n);
	return 0;
}

int cmd_dp_add(struct dpctl *ctx, int argc, char **argv)
{
	char name[WEFT_DP_NAME_MAX];
	const char *msg;
	struct wft_dp dp;
	int ret;

	if (wft_dp_name_parse(argv[0], name, &msg)) {
		dpctl_error(ctx, "%s: %s", argv[0], msg);
		return 1;
	}
	if (!dpctl_dpif(ctx))
		return 1;
	if (wft_dp_new(ctx->dpif, name, NULL, &dp)) {
		dpctl_error(ctx, "%s: %s", name, wft_dpif_error(ctx->dpif));
		return 1;
	}
	ret = 0;
	if (argc > 1) {
		/* Older modules may leave the reply out; look it up. */
		if (!dp.ifindex && wft_dp_get(ctx->dpif, name, 0, &dp)) {
			dpctl_error(ctx, "%s: %s", name,
				    wft_dpif_error(ctx->dpif));
			return 1;
		}
		ret = dpctl_add_ifs(ctx, &dp, argc - 1, argv + 1);
	}
	wft_dp_uninit(&dp);
	return ret;
}

int cmd_dp_del(struct dpctl *ctx, int argc, char **argv)
{
	char name[WEFT_DP_NAME_MAX];
	const char *msg;

	if (wft_dp_name_parse(argv[0], name, &msg)) {
		dpctl_error(ctx, "%s: %s", argv[0], msg);
		return 1;
	}
	if (!dpctl_dpif(ctx))
		return 1;
	if (wft_dp_del(ctx->dpif, name, 0)) {
		dpctl_error(ctx, "%s: %s", name, wft_dpif_error(ctx->dpif));
		return 1;
	}
	return 0;
}
