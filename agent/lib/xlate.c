// SPDX-License-Identifier: GPL-2.0
/*
 * xlate (include/weft/xlate.h): a translation's setup, table lookups and
 * resubmits, the trace, errors, and the controller userdata format.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/loop.h"
#include "weft/util.h"
#include "xlate_private.h"

void wft_xlate_out_init(struct wft_xlate_out *out)
{
	/* Zeroed, the mask is the catch-all and the lists are empty. */
	memset(out, 0, sizeof(*out));
	wft_attrbuf_init(&out->actions);
}

static void trace_free(struct wft_xlate_trace *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		wft_rule_unref(t->entries[i].rule);
		free(t->entries[i].text);
	}
	free(t->entries);
	memset(t, 0, sizeof(*t));
}

void wft_xlate_out_uninit(struct wft_xlate_out *out)
{
	wft_attrbuf_free(&out->actions);
	wft_rule_list_destroy(&out->rules);
	trace_free(&out->trace);
	wft_xlate_learned_free(out);
}

bool wft_xlate_tracing(const struct wft_xlate_ctx *ctx)
{
	return ctx->in->trace;
}

static struct wft_trace_entry *trace_add(struct wft_xlate_ctx *ctx,
					 enum wft_trace_kind kind)
{
	struct wft_xlate_trace *t = &ctx->out->trace;
	struct wft_trace_entry *e;

	if (t->n == t->allocated) {
		t->allocated = t->allocated ? t->allocated * 2 : 16;
		t->entries = wft_xrealloc(t->entries,
					  t->allocated * sizeof(*t->entries));
	}
	e = &t->entries[t->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->depth = ctx->nest;
	e->table = ctx->table;
	return e;
}

static void vnote(struct wft_xlate_ctx *ctx, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vnote(struct wft_xlate_ctx *ctx, const char *fmt, va_list ap)
{
	struct wft_trace_entry *e = trace_add(ctx, WFT_TRACE_NOTE);

	if (vasprintf(&e->text, fmt, ap) < 0)
		e->text = NULL;
}

void wft_xlate_note(struct wft_xlate_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!wft_xlate_tracing(ctx))
		return;
	va_start(ap, fmt);
	vnote(ctx, fmt, ap);
	va_end(ap);
}

void wft_xlate_error(struct wft_xlate_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	if (ctx->stop)
		return;
	ctx->stop = true;
	ctx->out->error = err;
	va_start(ap, fmt);
	vsnprintf(ctx->out->errmsg, sizeof(ctx->out->errmsg), fmt, ap);
	va_end(ap);
	wft_xlate_note(ctx, "error: %s", ctx->out->errmsg);
}

void wft_xlate_read(struct wft_xlate_ctx *ctx, const struct wft_flow_wc *read)
{
	uint64_t *m = (uint64_t *)&ctx->wc->masks;
	const uint64_t *r = (const uint64_t *)&read->masks;
	const uint64_t *o = (const uint64_t *)&ctx->overwritten.masks;
	size_t i, j, n = sizeof(struct wft_flow) / 8;

	/* A lookup reads few fields: skipping @read's zero words four at a
	 * time halves the work of a word-by-word pass. */
	for (i = 0; i + 4 <= n; i += 4) {
		if (!(r[i] | r[i + 1] | r[i + 2] | r[i + 3]))
			continue;
		for (j = i; j < i + 4; j++)
			m[j] |= r[j] & ~o[j];
	}
	for (; i < n; i++)
		m[i] |= r[i] & ~o[i];
}

void wft_xlate_table(struct wft_xlate_ctx *ctx, uint8_t table,
		     uint32_t in_port)
{
	uint32_t saved_in_port = ctx->flow.in_port;
	uint8_t saved_table = ctx->table;
	struct wft_rule *saved_rule = ctx->rule, *rule;
	struct wft_flow_wc read;
	bool deepens;

	if (ctx->stop)
		return;
	deepens = table <= saved_table;
	if (ctx->depth + deepens > WFT_XLATE_MAX_DEPTH) {
		wft_xlate_error(ctx, -ELOOP,
				"resubmits nest deeper than %d (table %u)",
				WFT_XLATE_MAX_DEPTH, table);
		return;
	}
	if (ctx->nest >= WFT_XLATE_MAX_NEST) {
		wft_xlate_error(ctx, -ELOOP,
				"resubmits nest deeper than %d (table %u)",
				WFT_XLATE_MAX_NEST, table);
		return;
	}
	if (++ctx->n_lookups > WFT_XLATE_MAX_LOOKUPS) {
		wft_xlate_error(ctx, -ELOOP,
				"more than %d table lookups (table %u)",
				WFT_XLATE_MAX_LOOKUPS, table);
		return;
	}
	/* The lookup sees the resubmit's in_port; the actions the real one,
	 * so that in_port and NORMAL keep their meaning. */
	if (in_port != WFT_OFPP_IN_PORT)
		ctx->flow.in_port = htonl(in_port);
	wft_flow_wc_init_catchall(&read);
	rule = wft_pipeline_lookup(ctx->in->pipeline, table, &ctx->flow,
				   &read);
	read.masks.conj_id = 0;		/* no packet's field */
	wft_xlate_read(ctx, &read);
	if (wft_xlate_tracing(ctx)) {
		struct wft_trace_entry *e = trace_add(ctx, WFT_TRACE_LOOKUP);

		e->table = table;
		e->flow = ctx->flow;
		e->rule = rule;
		if (rule)
			wft_rule_ref(rule);
	}
	ctx->flow.in_port = saved_in_port;
	if (!rule)
		return;		/* a miss drops */
	wft_rule_list_push(&ctx->out->rules, rule);
	ctx->table = table;
	ctx->rule = rule;
	ctx->depth += deepens;
	ctx->nest++;
	wft_xlate_actions(ctx, &rule->actions);
	ctx->nest--;
	ctx->depth -= deepens;
	ctx->table = saved_table;
	ctx->rule = saved_rule;
}

/* What every translation matches, as OVS does: the port the packet came
 * in on, what kind of packet it is, and the datapath's own metadata. */
static void wc_init(struct wft_xlate_ctx *ctx)
{
	struct wft_flow *m = &ctx->wc->masks;
	const struct wft_flow *f = &ctx->flow;

	m->in_port = UINT32_MAX;
	m->recirc_id = UINT32_MAX;
	m->dl_type = 0xffff;
	m->vlan_tci = 0xffff;
	if (f->vlan_tci & htons(WFT_VLAN_CFI))
		m->cvlan_tci = 0xffff;
	if (f->dl_type == htons(WFT_ETH_TYPE_IP) ||
	    f->dl_type == htons(WFT_ETH_TYPE_IPV6))
		m->nw_frag = WFT_FRAG_ANY | WFT_FRAG_LATER;
}

/* ctx_init() leaves flow..overwritten to their own initializers. */
_Static_assert(offsetof(struct wft_xlate_ctx, tpid) ==
	       offsetof(struct wft_xlate_ctx, overwritten) +
	       sizeof(struct wft_flow_wc), "xlate ctx: flows not together");
_Static_assert(offsetof(struct wft_xlate_ctx, flow) + 4 *
	       sizeof(struct wft_flow) == offsetof(struct wft_xlate_ctx,
						   overwritten),
	       "xlate ctx: flows not together");

static void ctx_init(struct wft_xlate_ctx *ctx, const struct wft_xlate_in *in,
		     struct wft_xlate_out *out)
{
	/* The five flows and masks (4 KB) are all written below: zeroing
	 * them first cost ~4 us a miss in the setup benchmark. */
	memset(ctx, 0, offsetof(struct wft_xlate_ctx, flow));
	memset(&ctx->tpid, 0, sizeof(*ctx) -
	       offsetof(struct wft_xlate_ctx, tpid));
	ctx->in = in;
	ctx->out = out;
	ctx->wc = &out->wc;
	ctx->odp = &out->actions;
	ctx->flow = in->flow;
	ctx->flow.pad0 = ctx->flow.pad1 = ctx->flow.pad2 = 0;
	ctx->flow.pad3 = ctx->flow.conj_id = 0;
	ctx->base = ctx->flow;
	wft_flow_wc_init_catchall(&ctx->dirty);
	wft_flow_wc_init_catchall(&ctx->known);
	wft_flow_wc_init_catchall(&ctx->overwritten);
	/* The packet's TPIDs; a flow made without them (a trace, a test)
	 * gets the usual ones: 802.1ad outside 802.1Q. */
	ctx->tpid[0] = ctx->flow.vlan_tpid ? ntohs(ctx->flow.vlan_tpid) :
		       ctx->flow.cvlan_tci & htons(WFT_VLAN_CFI) ?
		       WFT_ETH_TYPE_VLAN_8021AD : WFT_ETH_TYPE_VLAN;
	ctx->tpid[1] = ctx->flow.cvlan_tpid ? ntohs(ctx->flow.cvlan_tpid) :
		       WFT_ETH_TYPE_VLAN;
	memcpy(ctx->base_tpid, ctx->tpid, sizeof(ctx->tpid));
	ctx->table = in->table;
	ctx->conntracked = ctx->flow.ct_state & htonl(WFT_CS_TRACKED);
}

int wft_xlate(const struct wft_xlate_in *in, struct wft_xlate_out *out)
{
	struct wft_xlate_in thawed;
	struct wft_xlate_ctx ctx;
	uint8_t table = in->table;

	ctx_init(&ctx, in, out);
	wc_init(&ctx);
	/* A recirculated packet resumes where its recirc_id says (xlate_ct.c);
	 * ctx.in then names the bridge to resume in. */
	if (in->actions) {
		wft_pipeline_read_lock(ctx.in->pipeline);
		wft_xlate_actions(&ctx, in->actions);
		wft_pipeline_read_unlock(ctx.in->pipeline);
	} else if (!in->flow.recirc_id ||
		   !wft_xlate_thaw(&ctx, &thawed, &table)) {
		wft_pipeline_read_lock(ctx.in->pipeline);
		wft_xlate_table(&ctx, table, WFT_OFPP_IN_PORT);
		wft_pipeline_read_unlock(ctx.in->pipeline);
	}
	if (!ctx.stop && out->actions.error)
		wft_xlate_error(&ctx, out->actions.error,
				"out of memory for datapath actions");
	if (!ctx.stop && out->actions.len > WFT_XLATE_MAX_ODP_SIZE)
		wft_xlate_error(&ctx, -E2BIG,
				"datapath actions exceed %d bytes",
				WFT_XLATE_MAX_ODP_SIZE);
	if (in->trace)
		out->final_flow = ctx.flow;
	if (ctx.stop) {
		/* Drop, but keep the mask: the same packets fail the same. */
		wft_attrbuf_reset(&out->actions);
		out->has_userspace = false;
		wft_xlate_learned_free(out);
	}
	/* After the read locks: learning takes the write lock. */
	wft_xlate_learned_apply(out, (long long)wft_loop_now());
	wft_xlate_learned_free(out);
	return out->error;
}

const struct wft_flow *wft_xlate_flow(const struct wft_xlate_ctx *ctx)
{
	return &ctx->flow;
}

struct wft_flow_wc *wft_xlate_wc(struct wft_xlate_ctx *ctx)
{
	return ctx->wc;
}

const struct wft_xlate_bridge *
wft_xlate_bridge(const struct wft_xlate_ctx *ctx)
{
	return ctx->in->bridge;
}

bool wft_xlate_may_learn(const struct wft_xlate_ctx *ctx)
{
	return ctx->in->may_learn;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int wft_xlate_userdata_parse(const void *data, size_t len,
			     struct wft_packet_in_md *md)
{
	const uint8_t *p = data;
	int i;

	if (len < WFT_UD_HDR_LEN || p[0] != WFT_UD_CONTROLLER)
		return -EINVAL;
	memset(md, 0, sizeof(*md));
	md->reason = p[1];
	md->max_len = (uint16_t)(p[2] << 8 | p[3]);
	md->controller_id = (uint16_t)(p[4] << 8 | p[5]);
	md->table_id = p[6];
	md->flags = p[7];
	md->cookie = get_be64(p + 8);
	md->metadata = get_be64(p + 16);
	md->in_port = get_be32(p + 24);
	for (i = 0; i < 16; i++)
		md->regs[i] = get_be32(p + 28 + 4 * i);
	md->userdata = len > WFT_UD_HDR_LEN ? p + WFT_UD_HDR_LEN : NULL;
	md->userdata_len = len - WFT_UD_HDR_LEN;
	return 0;
}
