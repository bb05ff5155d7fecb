// SPDX-License-Identifier: GPL-2.0
/*
 * fdb/show BRIDGE, fdb/flush [BRIDGE], fdb/stats-show BRIDGE: the MAC
 * tables behind NORMAL, as ovs-appctl shows them (mac_learning.h does the
 * formatting). A flush changes what NORMAL decides, so the revalidator
 * runs at once.
 */
#include "ofproto_rpc.h"
#include "weft/daemon.h"
#include "weft/util.h"

/* The bridge of appctl argument @i; answers "no such bridge" (as
 * ovs-vswitchd does) and returns NULL when there is none. */
static struct wft_ofproto *arg_bridge(struct ofproto_state *st,
				      struct wft_rpc_call *call,
				      const json_t *params)
{
	const char *name = json_string_value(json_array_get(params, 0));
	struct wft_ofproto *br = name ? wft_backer_find(st->backer, name)
				      : NULL;

	if (!br)
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL,
				    "no such bridge");
	return br;
}

static void do_fdb_show(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct wft_strbuf out = WFT_STRBUF_INIT;
	struct wft_ofproto *br = arg_bridge(aux, call, params);

	if (!br)
		return;
	wft_mac_learning_format(wft_ofproto_mac(br), NULL, NULL, &out);
	wft_rpc_reply_text(call, wft_strbuf_cstr(&out));
	wft_strbuf_free(&out);
}

static void do_fdb_stats(struct wft_rpc_call *call, json_t *params,
			 void *aux)
{
	struct wft_strbuf out = WFT_STRBUF_INIT;
	struct wft_ofproto *br = arg_bridge(aux, call, params);

	if (!br)
		return;
	wft_mac_learning_format_stats(wft_ofproto_mac(br),
				      wft_ofproto_name(br), &out);
	wft_rpc_reply_text(call, wft_strbuf_cstr(&out));
	wft_strbuf_free(&out);
}

static void do_fdb_flush(struct wft_rpc_call *call, json_t *params,
			 void *aux)
{
	struct ofproto_state *st = aux;
	struct wft_ofproto *const *brs;
	struct wft_ofproto *br;
	size_t i, n;

	if (json_array_size(params)) {
		br = arg_bridge(st, call, params);
		if (!br)
			return;
		wft_mac_learning_flush(wft_ofproto_mac(br));
	} else {
		n = wft_backer_bridges(st->backer, &brs);
		for (i = 0; i < n; i++)
			wft_mac_learning_flush(wft_ofproto_mac(brs[i]));
	}
	wft_backer_changed(st->backer);
	wft_rpc_reply_text(call, "table successfully flushed\n");
}

void wft_ofproto_register_fdb(struct ofproto_state *st)
{
	struct wft_control *ctl = wft_daemon_control(st->d);

	wft_control_register(ctl, &(struct wft_rpc_method) {
		.name = "fdb/show", .usage = "BRIDGE", .args_min = 1,
		.args_max = 1, .handler = do_fdb_show, .aux = st });
	wft_control_register(ctl, &(struct wft_rpc_method) {
		.name = "fdb/flush", .usage = "[BRIDGE]", .args_min = 0,
		.args_max = 1, .handler = do_fdb_flush, .aux = st });
	wft_control_register(ctl, &(struct wft_rpc_method) {
		.name = "fdb/stats-show", .usage = "BRIDGE", .args_min = 1,
		.args_max = 1, .handler = do_fdb_stats, .aux = st });
}
