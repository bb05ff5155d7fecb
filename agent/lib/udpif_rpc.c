// SPDX-License-Identifier: GPL-2.0
/*
 * The udpif component's methods, appctl style (positional strings):
 *
 *   dpif/show              the datapath's counters and every bridge's
 *                          ports, "NAME OFPORT/ODPPORT: (TYPE)", as
 *                          ovs-appctl dpif/show prints them
 *   dpif/dump-flows [BR]   datapath flows in ovs-dpctl's text, those
 *                          entering through BR's ports with BR
 *   upcall/show            flows, limit, dump duration, handlers
 *   revalidator/wait       answers once a full revalidation that started
 *                          after the call has ended
 *   revalidator/purge      deletes every datapath flow (answers when done)
 *   dpif/provenance        each flow's rules and their Logical_Flows
 *                          (udpif_provenance.c)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "udpif_rpc.h"
#include "weft/odp.h"
#include "weft/util.h"

static bool running(struct udpif_state *st, struct wft_rpc_call *call)
{
	if (st->u)
		return true;
	wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "no datapath: the "
			    "upcall handlers are not running (is weft.ko "
			    "loaded and a bridge configured?)");
	return false;
}

static const char *type_name(const char *type)
{
	return !type || !*type ? "system" : type;
}

static void show_bridge(struct wft_ofproto *br, struct wft_strbuf *out)
{
	size_t n = wft_ofproto_n_ports(br), i, k;
	struct wft_ofproto_port_info *p = wft_xcalloc(n + 1, sizeof(*p)), t;

	for (i = 0; i < n; i++)
		wft_ofproto_port_get(br, i, &p[i]);
	for (i = 1; i < n; i++)		/* by name, as OVS lists them */
		for (k = i; k > 0 && strcmp(p[k - 1].name, p[k].name) > 0;
		     k--) {
			t = p[k];
			p[k] = p[k - 1];
			p[k - 1] = t;
		}
	wft_strbuf_printf(out, "  %s:\n", wft_ofproto_name(br));
	for (i = 0; i < n; i++) {
		wft_strbuf_printf(out, "    %s %u/", p[i].name,
				  p[i].ofport == WFT_OFPP_LOCAL ? 65534
								: p[i].ofport);
		if (p[i].odp_port == WFT_PORT_ANY)
			wft_strbuf_puts(out, "none:");
		else
			wft_strbuf_printf(out, "%u:", p[i].odp_port);
		wft_strbuf_printf(out, " (%s", type_name(p[i].type));
		if (p[i].peer)
			wft_strbuf_printf(out, ": peer=%s", p[i].peer);
		wft_strbuf_puts(out, ")\n");
	}
	free(p);
}

static void do_dpif_show(struct wft_rpc_call *call, json_t *params,
			 void *aux)
{
	struct udpif_state *st = aux;
	struct wft_strbuf out = WFT_STRBUF_INIT;
	struct wft_ofproto *const *brs;
	struct wft_dp_stats s;
	size_t i, n;

	if (!running(st, call))
		return;
	wft_udpif_dp_stats(st->u, &s);
	wft_strbuf_printf(&out, "system@%s: hit:%" PRIu64 " missed:%" PRIu64
			  "\n  lookups: hit:%" PRIu64 " missed:%" PRIu64
			  " lost:%" PRIu64 "\n  flows: %" PRIu64 "\n",
			  WFT_DP_DEFAULT_NAME, s.n_hit, s.n_missed, s.n_hit,
			  s.n_missed, s.n_lost, s.n_flows);
	n = wft_backer_bridges(st->backer, &brs);
	for (i = 0; i < n; i++)
		show_bridge(brs[i], &out);
	wft_rpc_reply_text(call, wft_strbuf_cstr(&out));
	wft_strbuf_free(&out);
}

struct dump_ctx {
	struct udpif_state *st;
	struct wft_ofproto *only;	/* NULL: every flow */
	struct wft_strbuf *out;
	long long now;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void dump_one(const struct wft_dpif_flow *f, void *aux)
{
	struct dump_ctx *c = aux;
	struct wft_ofproto *br;
	uint32_t ofport;
	char flags[64];

	if (c->only &&
	    (wft_backer_odp_port(c->st->backer, wft_key_in_port(
				 f->key.data, f->key.len), &br, &ofport) ||
	     br != c->only))
		return;
	wft_odp_flow_format(f->key.data, f->key.len, f->mask.data,
			    f->mask.len, c->out, 0);
	wft_strbuf_printf(c->out, ", packets:%" PRIu64 ", bytes:%" PRIu64,
			  f->packets, f->bytes);
	if (f->used)
		wft_strbuf_printf(c->out, ", used:%.3fs",
				  c->now > (long long)f->used ?
				  (double)(c->now - (long long)f->used) / 1000
				  : 0.0);
	else
		wft_strbuf_puts(c->out, ", used:never");
	if (f->tcp_flags) {
		wft_tcp_flags_format(f->tcp_flags, flags, sizeof(flags));
		wft_strbuf_printf(c->out, ", flags:%s", flags);
	}
	wft_strbuf_puts(c->out, ", actions:");
	wft_odp_actions_format(f->actions.data, f->actions.len, c->out, 0);
	wft_strbuf_putc(c->out, '\n');
}

static void do_dump_flows(struct wft_rpc_call *call, json_t *params,
			  void *aux)
{
	struct udpif_state *st = aux;
	const char *name = json_string_value(json_array_get(params, 0));
	struct wft_strbuf out = WFT_STRBUF_INIT;
	struct dump_ctx c = { st, NULL, &out, now_ms() };
	int ret;

	if (name) {
		c.only = wft_backer_find(st->backer, name);
		if (!c.only) {
			wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL,
					    "no bridge named %s", name);
			return;
		}
	}
	if (!running(st, call))
		return;
	ret = wft_udpif_dump(st->u, dump_one, &c);
	if (ret)
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL,
				    "dumping flows: %s", strerror(-ret));
	else
		wft_rpc_reply_text(call, wft_strbuf_cstr(&out));
	wft_strbuf_free(&out);
}

static void do_upcall_show(struct wft_rpc_call *call, json_t *params,
			   void *aux)
{
	struct udpif_state *st = aux;
	struct wft_strbuf out = WFT_STRBUF_INIT;

	if (!running(st, call))
		return;
	wft_udpif_format(st->u, WFT_DP_DEFAULT_NAME, &out);
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text",
				      wft_strbuf_cstr(&out), "data",
				      wft_udpif_to_json(st->u)));
	wft_strbuf_free(&out);
}

static void wait_next(struct udpif_state *st, struct wft_rpc_call *call)
{
	if (st->n_waits == st->cap_waits) {
		st->cap_waits = st->cap_waits ? 2 * st->cap_waits : 8;
		st->waits = wft_xrealloc(st->waits, st->cap_waits *
					 sizeof(*st->waits));
	}
	st->waits[st->n_waits].call = call;
	st->waits[st->n_waits++].ticket = wft_udpif_ticket(st->u);
}

static void do_wait(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct udpif_state *st = aux;

	if (running(st, call))
		wait_next(st, call);
}

static void do_purge(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct udpif_state *st = aux;

	if (!running(st, call))
		return;
	wft_udpif_purge(st->u);
	wait_next(st, call);
}

static const struct {
	const char *name, *usage;
	int args_max;
	wft_rpc_handler *handler;
} methods[] = {
	{ "dpif/show", "", 0, do_dpif_show },
	{ "dpif/dump-flows", "[BRIDGE]", 1, do_dump_flows },
	{ "upcall/show", "", 0, do_upcall_show },
	{ "revalidator/wait", "", 0, do_wait },
	{ "revalidator/purge", "", 0, do_purge },
};

void wft_udpif_register(struct udpif_state *st)
{
	struct wft_control *ctl = wft_daemon_control(st->d);
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(methods); i++)
		wft_control_register(ctl, &(struct wft_rpc_method) {
			.name = methods[i].name, .usage = methods[i].usage,
			.args_max = methods[i].args_max,
			.handler = methods[i].handler, .aux = st });
	wft_udpif_register_provenance(st);
}

void wft_udpif_unregister(struct udpif_state *st)
{
	struct wft_control *ctl = wft_daemon_control(st->d);
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(methods); i++)
		wft_control_unregister(ctl, methods[i].name);
	wft_udpif_unregister_provenance(st);
}
