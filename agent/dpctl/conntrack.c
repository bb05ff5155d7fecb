// SPDX-License-Identifier: GPL-2.0
/*
 * weft-dpctl: dump-conntrack, flush-conntrack, ct-stats-show. The entries
 * live in the kernel's nf_conntrack, not in weft.ko (include/weft/
 * ct_netlink.h), so these work without the module; a DP argument, when
 * given, must still name a weft datapath (a typo is an error, not
 * ignored).
 */
#include "dpctl.h"
#include "weft/ct_netlink.h"

/* Parses the arguments and checks DP; prints the error and returns 1. */
static int ct_args(struct dpctl *ctx, enum wft_ct_cmd cmd, int argc,
		   char **argv, struct wft_ct_args *a)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_dp dp;

	if (wft_ct_parse_args(cmd, argc, argv, a, &err)) {
		dpctl_error(ctx, "%s", wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return 1;
	}
	if (a->dp) {
		if (dpctl_open_dp(ctx, a->dp, &dp))
			return 1;
		wft_dp_uninit(&dp);
	}
	return 0;
}

static int ct_dump(struct dpctl *ctx, const struct wft_ct_args *a,
		   struct wft_ct_entries *es)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;

	if (wft_ct_dump(a->has_zone ? &a->zone : NULL, es, &err)) {
		dpctl_error(ctx, "%s", wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return 1;
	}
	return 0;
}

int cmd_ct_dump(struct dpctl *ctx, int argc, char **argv)
{
	struct wft_strbuf line = WFT_STRBUF_INIT;
	struct wft_ct_entries es;
	struct wft_ct_args a;
	struct pr *p = ctx->pr;

	if (ct_args(ctx, WFT_CT_DUMP, argc, argv, &a) || ct_dump(ctx, &a, &es))
		return 1;
	pr_arr_open(p, NULL);
	for (size_t i = 0; i < es.n; i++) {
		if (pr_is_json(p)) {
			pr_json_value(p, NULL, wft_ct_entry_json(&es.v[i]));
			continue;
		}
		wft_strbuf_reset(&line);
		wft_ct_format_entry(&line, &es.v[i], ctx->opts.verbosity > 0,
				    ctx->opts.statistics);
		pr_text(p, "%s\n", wft_strbuf_cstr(&line));
	}
	pr_arr_close(p);
	wft_strbuf_free(&line);
	wft_ct_entries_free(&es);
	return 0;
}

int cmd_ct_flush(struct dpctl *ctx, int argc, char **argv)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ct_args a;
	size_t n;

	if (ct_args(ctx, WFT_CT_FLUSH, argc, argv, &a))
		return 1;
	if (wft_ct_flush(a.has_zone ? &a.zone : NULL, &a.match, &n, &err)) {
		dpctl_error(ctx, "%s", wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return 1;
	}
	return 0;
}

int cmd_ct_stats(struct dpctl *ctx, int argc, char **argv)
{
	struct wft_strbuf out = WFT_STRBUF_INIT;
	struct wft_ct_summary s;
	struct wft_ct_entries es;
	struct wft_ct_args a;

	if (ct_args(ctx, WFT_CT_STATS, argc, argv, &a) || ct_dump(ctx, &a, &es))
		return 1;
	wft_ct_summarize(&es, &s);
	wft_ct_entries_free(&es);
	if (pr_is_json(ctx->pr)) {
		pr_json_value(ctx->pr, NULL, wft_ct_stats_json(&s));
		return 0;
	}
	wft_ct_format_summary(&out, &s, a.verbose || ctx->opts.verbosity > 0);
	pr_text(ctx->pr, "%s", wft_strbuf_cstr(&out));
	wft_strbuf_free(&out);
	return 0;
}
