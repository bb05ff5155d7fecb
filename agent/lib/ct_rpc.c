// SPDX-License-Identifier: GPL-2.0
/*
 * weftd's conntrack methods, ovs-appctl's dpctl/ names and arguments:
 *
 *   dpctl/dump-conntrack  [-m] [-s] [DP] [zone=N]
 *   dpctl/flush-conntrack [DP] [zone=N] [CT_TUPLE [CT_TUPLE]]
 *   dpctl/ct-stats-show   [-m] [DP] [zone=N] [verbose]
 *
 * The same library as weft-dpctl's (include/weft/ct_netlink.h), in weftd's
 * network namespace. DP, when given, must be weftd's own datapath. Text
 * results as weft-dpctl prints them; "data" holds the JSON form.
 */
#include <errno.h>
#include <string.h>

#include "weft/ct_netlink.h"
#include "weft/daemon.h"
#include "weft/dpif.h"
#include "weft/util.h"

struct ct_opts {
	bool verbose, stats;
	int argc;
	char *argv[8];
};

/* Splits the params (strings, checked by the server) into options and
 * words; false after answering with the error. */
static bool get_args(struct wft_rpc_call *call, json_t *params,
		     enum wft_ct_cmd cmd, struct ct_opts *o,
		     struct wft_ct_args *a)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	char name[WEFT_DP_NAME_MAX];
	const char *msg;
	size_t i;
	json_t *v;

	memset(o, 0, sizeof(*o));
	json_array_foreach(params, i, v) {
		const char *s = json_string_value(v);

		if (cmd != WFT_CT_FLUSH &&
		    (!strcmp(s, "-m") || !strcmp(s, "--more")))
			o->verbose = true;
		else if (cmd == WFT_CT_DUMP &&
			 (!strcmp(s, "-s") || !strcmp(s, "--statistics")))
			o->stats = true;
		else if (s[0] == '-' && s[1])
			goto bad_option;
		else if (o->argc < (int)WFT_ARRAY_SIZE(o->argv))
			o->argv[o->argc++] = (char *)s;
	}
	if (wft_ct_parse_args(cmd, o->argc, o->argv, a, &err)) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL, "%s",
				    wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return false;
	}
	if (a->dp && (wft_dp_name_parse(a->dp, name, &msg) ||
		      strcmp(name, WFT_DP_DEFAULT_NAME))) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "%s: not weftd's datapath (%s)", a->dp,
				    WFT_DP_DEFAULT_NAME);
		return false;
	}
	return true;

bad_option:
	wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
			    "unknown option \"%s\"",
			    json_string_value(json_array_get(params, i)));
	return false;
}

static bool dump(struct wft_rpc_call *call, const struct wft_ct_args *a,
		 struct wft_ct_entries *es)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;

	if (!wft_ct_dump(a->has_zone ? &a->zone : NULL, es, &err))
		return true;
	wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "%s",
			    wft_strbuf_cstr(&err));
	wft_strbuf_free(&err);
	return false;
}

static void reply(struct wft_rpc_call *call, struct wft_strbuf *text,
		  json_t *data)
{
	json_t *r = json_pack("{s:s,s:o}", "text", wft_strbuf_cstr(text),
			      "data", data);

	wft_strbuf_free(text);
	wft_rpc_reply(call, r);
}

static void do_dump(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct wft_strbuf out = WFT_STRBUF_INIT;
	struct wft_ct_entries es;
	struct wft_ct_args a;
	struct ct_opts o;
	json_t *data;

	if (!get_args(call, params, WFT_CT_DUMP, &o, &a) || !dump(call, &a, &es))
		return;
	data = json_array();
	for (size_t i = 0; i < es.n; i++) {
		wft_ct_format_entry(&out, &es.v[i], o.verbose, o.stats);
		wft_strbuf_putc(&out, '\n');
		json_array_append_new(data, wft_ct_entry_json(&es.v[i]));
	}
	wft_ct_entries_free(&es);
	reply(call, &out, data);
}

static void do_flush(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ct_args a;
	struct ct_opts o;
	size_t n;

	if (!get_args(call, params, WFT_CT_FLUSH, &o, &a))
		return;
	if (wft_ct_flush(a.has_zone ? &a.zone : NULL, &a.match, &n, &err)) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "%s",
				    wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return;
	}
	/* Nothing printed, as ovs-appctl; the count is in "data". */
	reply(call, &err, json_pack("{s:I}", "deleted", (json_int_t)n));
}

static void do_stats(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct wft_strbuf out = WFT_STRBUF_INIT;
	struct wft_ct_summary s;
	struct wft_ct_entries es;
	struct wft_ct_args a;
	struct ct_opts o;

	if (!get_args(call, params, WFT_CT_STATS, &o, &a) || !dump(call, &a, &es))
		return;
	wft_ct_summarize(&es, &s);
	wft_ct_entries_free(&es);
	wft_ct_format_summary(&out, &s, o.verbose || a.verbose);
	reply(call, &out, wft_ct_stats_json(&s));
}

static const struct wft_rpc_method methods[] = {
	{ "dpctl/dump-conntrack", "[-m] [-s] [DP] [zone=ZONE]", 0, 5,
	  do_dump, NULL },
	{ "dpctl/flush-conntrack", "[DP] [zone=ZONE] [CT_TUPLE [CT_TUPLE]]",
	  0, 4, do_flush, NULL },
	{ "dpctl/ct-stats-show", "[-m] [DP] [zone=ZONE] [verbose]", 0, 4,
	  do_stats, NULL },
};

static void ct_exit(struct wft_daemon *d, void *state)
{
	for (size_t i = 0; i < WFT_ARRAY_SIZE(methods); i++)
		wft_control_unregister(wft_daemon_control(d), methods[i].name);
}

static int ct_init(struct wft_daemon *d, void **state, struct wft_strbuf *err)
{
	struct wft_control *ctl = wft_daemon_control(d);

	for (size_t i = 0; i < WFT_ARRAY_SIZE(methods); i++) {
		if (wft_control_register(ctl, &methods[i])) {
			wft_strbuf_printf(err, "method %s registered twice",
					  methods[i].name);
			while (i--)
				wft_control_unregister(ctl, methods[i].name);
			return -EEXIST;
		}
	}
	*state = NULL;
	return 0;
}

const struct wft_component wft_ct_component = {
	.name = "conntrack",
	.init = ct_init,
	.exit = ct_exit,
};
