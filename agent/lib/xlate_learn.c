// SPDX-License-Identifier: GPL-2.0
/*
 * learn(...) in a translation (include/weft/xlate.h): the rule each spec
 * list describes for this packet, as OVS builds it: matches and loads
 * take the packet's values of their sources (which therefore join the
 * megaflow mask: another packet with other values learns another rule),
 * output:SRC[] becomes an output to the port the field holds.
 *
 * The rules are only collected here, under the pipeline's read lock;
 * wft_xlate() hands them to wft_pipeline_learn() after releasing it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ofp_flow.h"
#include "weft/strbuf.h"
#include "weft/util.h"
#include "xlate_private.h"

/* The spec's value, right-aligned in the destination field's width (or
 * in 4 bytes for output), reading the packet for a field source. */
static void spec_value(struct wft_xlate_ctx *ctx,
		       const struct wft_learn_spec *s, uint8_t *value,
		       size_t n)
{
	uint8_t v[16];
	size_t sn;

	memset(value, 0, n);
	if (s->src_imm) {
		memcpy(value, s->imm + sizeof(s->imm) - n, n);
		return;
	}
	sn = s->src.field->n_bytes;
	wft_subfield_get(&s->src, &ctx->flow, v);
	wft_xlate_note_read(ctx, &s->src);
	/* Both are right-aligned and n_bits wide: copy the low bytes. */
	if (sn >= n)
		memcpy(value, v + sn - n, n);
	else
		memcpy(value + n - sn, v, sn);
}

static void put_output(struct wft_ofpacts *acts, const uint8_t *v)
{
	uint32_t port = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
			(uint32_t)v[2] << 8 | v[3];

	/* A 16-bit OpenFlow 1.0 reserved port stands for its 32-bit one. */
	if (port >= 0xff00 && port <= 0xffff)
		port |= 0xffff0000u;
	wft_ofpacts_put(acts, WFT_OFPACT_OUTPUT)->output.port = port;
}

static void build(struct wft_xlate_ctx *ctx, const struct wft_ofpact_learn *l,
		  struct wft_xlate_learned *x)
{
	struct wft_flow_mod *fm = &x->fm;
	uint8_t value[16];
	struct wft_ofpact *a;
	size_t i, n, b;

	wft_flow_mod_init(fm, WFT_FM_ADD);
	wft_ofpacts_init(&x->actions);
	x->pipeline = ctx->in->pipeline;
	fm->table_id = l->table;
	fm->priority = l->priority;
	fm->cookie = l->cookie;
	fm->idle_timeout = l->idle_timeout;
	fm->hard_timeout = l->hard_timeout;
	if (l->flags & WFT_LEARN_F_SEND_FLOW_REM)
		fm->flags |= WFT_RULE_SEND_FLOW_REM;
	/* fin_idle_timeout/fin_hard_timeout: OVS gives the learned rule a
	 * fin_timeout action, first; it shrinks the rule's timeouts once a
	 * FIN or RST goes through it (wft_rule_note_tcp_flags()). */
	if (l->fin_idle_timeout || l->fin_hard_timeout) {
		a = wft_ofpacts_put(&x->actions, WFT_OFPACT_FIN_TIMEOUT);
		a->fin.idle = l->fin_idle_timeout;
		a->fin.hard = l->fin_hard_timeout;
	}
	for (i = 0; i < l->n_specs; i++) {
		const struct wft_learn_spec *s = &l->specs[i];

		n = s->dst_type == WFT_LEARN_OUTPUT ? 4 : s->dst.field->n_bytes;
		spec_value(ctx, s, value, n);
		switch (s->dst_type) {
		case WFT_LEARN_MATCH:
			wft_subfield_set(&s->dst, value, &fm->match, &fm->wc);
			break;
		case WFT_LEARN_LOAD:
			a = wft_ofpacts_put(&x->actions, WFT_OFPACT_LOAD);
			a->set.dst = s->dst;
			memcpy(a->set.value, value, n);
			memset(a->set.mask, 0, sizeof(a->set.mask));
			for (b = 0; b < s->dst.n_bits; b++)
				a->set.mask[n - 1 - b / 8] |=
					(uint8_t)(1u << (b % 8));
			break;
		case WFT_LEARN_OUTPUT:
			put_output(&x->actions, value);
			break;
		}
	}
	/* Rules hold their match normalized (value & mask). */
	wft_flow_zero_wildcards(&fm->match, &fm->wc);
	fm->actions = &x->actions;
}

static void trace(struct wft_xlate_ctx *ctx, const struct wft_xlate_learned *x)
{
	struct wft_strbuf sb;

	if (!wft_xlate_tracing(ctx))
		return;
	wft_strbuf_init(&sb);
	wft_strbuf_printf(&sb, "learn: table=%u ", x->fm.table_id);
	if (x->fm.idle_timeout)
		wft_strbuf_printf(&sb, "idle_timeout=%u ", x->fm.idle_timeout);
	if (x->fm.hard_timeout)
		wft_strbuf_printf(&sb, "hard_timeout=%u ", x->fm.hard_timeout);
	wft_ofp_match_format(&x->fm.match, &x->fm.wc,
			     (unsigned int)x->fm.priority, &sb);
	wft_strbuf_puts(&sb, " actions=");
	wft_ofp_actions_format(&x->actions, &x->fm.match, &x->fm.wc, &sb);
	wft_strbuf_puts(&sb, " (not learned: a trace changes no rule)");
	wft_xlate_note(ctx, "%s", wft_strbuf_cstr(&sb));
	wft_strbuf_free(&sb);
}

void wft_xlate_learn(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	struct wft_xlate_out *out = ctx->out;
	struct wft_xlate_learned x;
	size_t i;

	out->has_learn = true;
	build(ctx, a->learn.l, &x);
	trace(ctx, &x);
	if (!ctx->in->may_learn || ctx->in->trace) {
		wft_ofpacts_uninit(&x.actions);
		return;
	}
	out->learned = wft_xrealloc(out->learned, (out->n_learned + 1) *
				    sizeof(*out->learned));
	out->learned[out->n_learned] = x;
	/* The copy owns the actions: point at its own list. */
	out->learned[out->n_learned].fm.actions =
		&out->learned[out->n_learned].actions;
	out->n_learned++;
	/* realloc() may have moved the earlier ones. */
	for (i = 0; i < out->n_learned; i++)
		out->learned[i].fm.actions = &out->learned[i].actions;
}

void wft_xlate_learned_apply(struct wft_xlate_out *out, long long now_ms)
{
	size_t i;

	for (i = 0; i < out->n_learned; i++)
		wft_pipeline_learn(out->learned[i].pipeline,
				   &out->learned[i].fm, now_ms);
}

void wft_xlate_learned_free(struct wft_xlate_out *out)
{
	size_t i;

	for (i = 0; i < out->n_learned; i++)
		wft_ofpacts_uninit(&out->learned[i].actions);
	free(out->learned);
	out->learned = NULL;
	out->n_learned = 0;
}
