// SPDX-License-Identifier: GPL-2.0
/*
 * xlate: running a pipeline action list (include/weft/ofpact.h) on the
 * working flow. Writes change ctx->flow at once and are remembered in
 * ctx->dirty for the next commit; reads add what they read to the mask.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/util.h"
#include "xlate_private.h"

void wft_xlate_save(const struct wft_xlate_ctx *ctx, struct xlate_pkt_state *s)
{
	s->flow = ctx->flow;
	s->base = ctx->base;
	s->dirty = ctx->dirty;
	s->known = ctx->known;
	s->overwritten = ctx->overwritten;
	memcpy(s->tpid, ctx->tpid, sizeof(s->tpid));
	memcpy(s->base_tpid, ctx->base_tpid, sizeof(s->base_tpid));
	s->conntracked = ctx->conntracked;
	s->written = ctx->written;
}

void wft_xlate_restore(struct wft_xlate_ctx *ctx,
		       const struct xlate_pkt_state *s)
{
	ctx->flow = s->flow;
	ctx->base = s->base;
	ctx->dirty = s->dirty;
	ctx->known = s->known;
	ctx->overwritten = s->overwritten;
	memcpy(ctx->tpid, s->tpid, sizeof(ctx->tpid));
	memcpy(ctx->base_tpid, s->base_tpid, sizeof(ctx->base_tpid));
	ctx->conntracked = s->conntracked;
	ctx->written = s->written;
}

void wft_xlate_stack_save(const struct wft_xlate_ctx *ctx,
			  struct xlate_stack_copy *c)
{
	c->n = ctx->stack_n;
	c->v = c->n ? wft_xmemdup(ctx->stack, c->n * 16) : NULL;
}

void wft_xlate_stack_restore(struct wft_xlate_ctx *ctx,
			     const struct xlate_stack_copy *c)
{
	ctx->stack_n = c->n;
	if (c->n)
		memcpy(ctx->stack, c->v, c->n * 16);
}

void wft_xlate_stack_free(struct xlate_stack_copy *c)
{
	free(c->v);
	c->v = NULL;
}

/* Every bit a read of @sf looks at, in flow layout. in_port is read
 * through a 16-bit view of 32 bits: all of it counts. */
static void read_bits(const struct wft_subfield *sf, struct wft_flow_wc *wc)
{
	const struct wft_field *f = sf->field;
	uint8_t *m = (uint8_t *)&wc->masks + f->offset;
	unsigned int i, bit;

	if (f->id == WFT_F_IN_PORT) {
		wc->masks.in_port = UINT32_MAX;
		return;
	}
	for (i = 0; i < sf->n_bits; i++) {
		bit = f->shift + sf->ofs + i;
		m[f->n_bytes - 1 - bit / 8] |= (uint8_t)(1u << (bit % 8));
	}
}

/* Exactly the bits a write of @sf changes, in flow layout. */
static void write_bits(const struct wft_subfield *sf, const uint8_t *mask,
		       struct wft_flow_wc *wc)
{
	struct wft_flow tmp;

	memset(&tmp, 0, sizeof(tmp));
	wft_subfield_set(sf, mask, &tmp, NULL);
	if (sf->field->id == WFT_F_IN_PORT)
		tmp.in_port = UINT32_MAX;
	tmp.pad0 = tmp.pad1 = tmp.pad2 = tmp.pad3 = 0;
	wft_flow_wc_or(wc, (const struct wft_flow_wc *)&tmp);
}

void wft_xlate_note_read(struct wft_xlate_ctx *ctx,
			 const struct wft_subfield *sf)
{
	struct wft_flow_wc bits;

	wft_flow_wc_init_catchall(&bits);
	read_bits(sf, &bits);
	wft_xlate_read(ctx, &bits);
}

/* @sf was written under @mask: remembered for the commit and for reads. */
static void note_write(struct wft_xlate_ctx *ctx,
		       const struct wft_subfield *sf, const uint8_t *mask)
{
	struct wft_flow_wc bits;

	wft_flow_wc_init_catchall(&bits);
	write_bits(sf, mask, &bits);
	wft_flow_wc_or(&ctx->dirty, &bits);
	ctx->written = true;
	wft_flow_wc_or(&ctx->overwritten, &bits);
}

static bool tagged(const struct wft_flow *f)
{
	return f->vlan_tci & htons(WFT_VLAN_CFI);
}

static bool is_ip(const struct wft_flow *f)
{
	return f->dl_type == htons(WFT_ETH_TYPE_IP) ||
	       f->dl_type == htons(WFT_ETH_TYPE_IPV6);
}

/* IP protocol @proto, with a transport header (not a later fragment). */
static bool has_l4(struct wft_xlate_ctx *ctx, bool v4, bool v6, uint8_t proto)
{
	const struct wft_flow *f = &ctx->flow;

	if (!((v4 && f->dl_type == htons(WFT_ETH_TYPE_IP)) ||
	      (v6 && f->dl_type == htons(WFT_ETH_TYPE_IPV6))))
		return false;
	ctx->wc->masks.nw_proto = 0xff;
	return f->nw_proto == proto && !(f->nw_frag & WFT_FRAG_LATER);
}

static bool has_nd(struct wft_xlate_ctx *ctx, bool solicit, bool advert)
{
	uint8_t type = ntohs(ctx->flow.tp_src) & 0xff;
	uint8_t code = ntohs(ctx->flow.tp_dst) & 0xff;

	if (!has_l4(ctx, false, true, IPPROTO_ICMPV6))
		return false;
	ctx->wc->masks.tp_src |= htons(0xff);
	ctx->wc->masks.tp_dst |= htons(0xff);
	return !code && ((solicit && type == 135) || (advert && type == 136));
}

/* A conntrack entry, as OVS decides for a packet: one of new, est or rpl
 * (a tracked, valid packet has one), which the megaflow then matches. */
static bool has_ct(struct wft_xlate_ctx *ctx)
{
	uint32_t bits = WFT_CS_NEW | WFT_CS_ESTABLISHED | WFT_CS_REPLY_DIR;

	ctx->wc->masks.ct_state |= htonl(bits);
	return ctx->flow.ct_state & htonl(bits);
}

bool wft_xlate_packet_has(struct wft_xlate_ctx *ctx,
			  const struct wft_field *field)
{
	const struct wft_flow *f = &ctx->flow;

	/* dl_type, the VLAN TCI and nw_frag are in every mask already. */
	switch (field->prereq) {
	case WFT_P_NONE:
		return true;
	case WFT_P_VLAN:
		return tagged(f);
	case WFT_P_ARP:
		return f->dl_type == htons(WFT_ETH_TYPE_ARP) ||
		       f->dl_type == htons(WFT_ETH_TYPE_RARP);
	case WFT_P_IP:
		return is_ip(f);
	case WFT_P_IPV4:
		return f->dl_type == htons(WFT_ETH_TYPE_IP);
	case WFT_P_IPV6:
		return f->dl_type == htons(WFT_ETH_TYPE_IPV6);
	case WFT_P_TCP:
		return has_l4(ctx, true, true, IPPROTO_TCP);
	case WFT_P_UDP:
		return has_l4(ctx, true, true, IPPROTO_UDP);
	case WFT_P_SCTP:
		return has_l4(ctx, true, true, IPPROTO_SCTP);
	case WFT_P_ICMPV4:
		return has_l4(ctx, true, false, IPPROTO_ICMP);
	case WFT_P_ICMPV6:
		return has_l4(ctx, false, true, IPPROTO_ICMPV6);
	case WFT_P_ND:
		return has_nd(ctx, true, true);
	case WFT_P_ND_SOLICIT:
		return has_nd(ctx, true, false);
	case WFT_P_ND_ADVERT:
		return has_nd(ctx, false, true);
	case WFT_P_CT:
		return has_ct(ctx);
	}
	return false;
}

/* Writes @value's bits under @mask (both right-aligned in the field's
 * width) into @sf of the flow. */
static void write_field(struct wft_xlate_ctx *ctx,
			const struct wft_subfield *sf, const uint8_t *value,
			const uint8_t *mask)
{
	uint8_t cur[16], nv[16];
	unsigned int i, n = sf->field->n_bytes;

	wft_subfield_get(sf, &ctx->flow, cur);
	for (i = 0; i < n; i++)
		nv[i] = (uint8_t)((cur[i] & ~mask[i]) | (value[i] & mask[i]));
	wft_subfield_set(sf, nv, &ctx->flow, NULL);
	note_write(ctx, sf, mask);
}

void wft_xlate_write(struct wft_xlate_ctx *ctx, const struct wft_subfield *sf,
		     const uint8_t *value, const uint8_t *mask)
{
	write_field(ctx, sf, value, mask);
}

static bool may_touch(struct wft_xlate_ctx *ctx, const struct wft_subfield *sf)
{
	if (wft_xlate_packet_has(ctx, sf->field))
		return true;
	wft_xlate_note(ctx, "%s: the packet has no such field, skipped",
		       sf->field->name);
	return false;
}

static void do_set_field(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	if (may_touch(ctx, &a->set.dst))
		write_field(ctx, &a->set.dst, a->set.value, a->set.mask);
}

static void do_load(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	static const uint8_t ones[16] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};

	if (may_touch(ctx, &a->set.dst))
		write_field(ctx, &a->set.dst, a->set.value, ones);
}

static void do_move(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	const struct wft_subfield *src = &a->move.src, *dst = &a->move.dst;
	unsigned int ns = src->field->n_bytes, nd = dst->field->n_bytes;
	uint8_t sv[16], dv[16], ones[16];
	unsigned int k = ns < nd ? ns : nd;

	if (!may_touch(ctx, src) || !may_touch(ctx, dst))
		return;
	wft_subfield_get(src, &ctx->flow, sv);
	wft_xlate_note_read(ctx, src);
	/* Both right-aligned: the low bytes carry over. */
	memset(dv, 0, sizeof(dv));
	memcpy(dv + nd - k, sv + ns - k, k);
	memset(ones, 0xff, sizeof(ones));
	wft_subfield_set(dst, dv, &ctx->flow, NULL);
	note_write(ctx, dst, ones);
}

/* push:SF[] and pop:SF[]: the stack holds values, not fields; a pop into
 * a narrower subfield keeps the low bits, a wider one zero-extends. */
static void do_stack(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	const struct wft_subfield *sf = &a->stack.sf;
	unsigned int n = sf->field->n_bytes;
	uint8_t v[16], mask[16];

	if (!may_touch(ctx, sf))
		return;
	if (a->type == WFT_OFPACT_STACK_PUSH) {
		if (ctx->stack_n == WFT_XLATE_STACK_DEPTH) {
			wft_xlate_error(ctx, -E2BIG, "push: the stack holds "
					"at most %d values",
					WFT_XLATE_STACK_DEPTH);
			return;
		}
		memset(ctx->stack[ctx->stack_n], 0, 16);
		wft_subfield_get(sf, &ctx->flow, v);
		wft_xlate_note_read(ctx, sf);
		memcpy(ctx->stack[ctx->stack_n++] + 16 - n, v, n);
		return;
	}
	if (!ctx->stack_n) {
		wft_xlate_note(ctx, "pop: the stack is empty, skipped");
		return;
	}
	memcpy(v, ctx->stack[--ctx->stack_n] + 16 - n, n);
	memset(mask, 0xff, sizeof(mask));
	write_field(ctx, sf, v, mask);
}

/* VLAN tags: @flow holds at most two, outer first. */
static void push_tag(struct wft_xlate_ctx *ctx, uint16_t tpid, uint16_t tci)
{
	struct wft_flow *f = &ctx->flow;

	if (f->cvlan_tci & htons(WFT_VLAN_CFI)) {
		wft_xlate_error(ctx, -EOPNOTSUPP,
				"push_vlan: weft keeps at most two VLAN tags");
		return;
	}
	f->cvlan_tci = f->vlan_tci;
	ctx->tpid[1] = ctx->tpid[0];
	f->vlan_tci = htons(tci | WFT_VLAN_CFI);
	ctx->tpid[0] = tpid;
}

static void pop_tag(struct wft_xlate_ctx *ctx)
{
	struct wft_flow *f = &ctx->flow;

	if (!tagged(f))
		return;
	f->vlan_tci = f->cvlan_tci;
	f->cvlan_tci = 0;
	ctx->tpid[0] = ctx->tpid[1];
	ctx->tpid[1] = WFT_ETH_TYPE_VLAN;
}

static void do_vlan(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	struct wft_flow *f = &ctx->flow;
	uint16_t tci = ntohs(f->vlan_tci);

	switch (a->type) {
	case WFT_OFPACT_MOD_VLAN_VID:
		/* OpenFlow 1.0's set_vlan_vid tags an untagged packet. */
		if (!tagged(f))
			push_tag(ctx, WFT_ETH_TYPE_VLAN,
				 a->vlan.vid & WFT_VLAN_VID);
		else
			f->vlan_tci = htons((tci & ~WFT_VLAN_VID) |
					    (a->vlan.vid & WFT_VLAN_VID));
		break;
	case WFT_OFPACT_MOD_VLAN_PCP:
		if (!tagged(f))
			push_tag(ctx, WFT_ETH_TYPE_VLAN,
				 (uint16_t)((a->vlan.pcp & 7) << 13));
		else
			f->vlan_tci = htons((tci & ~WFT_VLAN_PCP) |
					    (a->vlan.pcp & 7) << 13);
		break;
	case WFT_OFPACT_STRIP_VLAN:
		pop_tag(ctx);
		break;
	case WFT_OFPACT_PUSH_VLAN:
		push_tag(ctx, a->vlan.ethertype, 0);
		break;
	default:
		break;
	}
}

/* Returns true when the TTL expired: the rest of the list is skipped. */
static bool do_dec_ttl(struct wft_xlate_ctx *ctx)
{
	struct wft_flow *f = &ctx->flow;

	if (!is_ip(f))
		return false;
	if (!ctx->overwritten.masks.nw_ttl)
		ctx->wc->masks.nw_ttl = 0xff;
	if (f->nw_ttl > 1) {
		f->nw_ttl--;
		ctx->dirty.masks.nw_ttl = 0xff;
		ctx->written = true;
		ctx->overwritten.masks.nw_ttl = 0xff;
		return false;
	}
	wft_xlate_note(ctx, "dec_ttl: TTL %u expires, to the controller",
		       f->nw_ttl);
	wft_xlate_controller(ctx, WFT_PACKET_IN_INVALID_TTL, UINT16_MAX, 0,
			     NULL, 0, false);
	return true;
}

static void do_output_reg(struct wft_xlate_ctx *ctx,
			  const struct wft_ofpact *a)
{
	const struct wft_subfield *sf = &a->output_reg.src;
	uint8_t v[16];
	uint32_t port = 0;
	unsigned int i;

	wft_subfield_get(sf, &ctx->flow, v);
	wft_xlate_note_read(ctx, sf);
	for (i = 0; i < sf->field->n_bytes; i++)
		port = port << 8 | v[i];
	wft_xlate_do_output(ctx, port, a->output_reg.max_len);
}

void wft_xlate_clone(struct wft_xlate_ctx *ctx, const struct wft_ofpacts *acts)
{
	struct xlate_pkt_state saved;
	size_t start = ctx->odp->len, body;
	struct xlate_stack_copy stack;
	unsigned int rewrites = ctx->n_rewrites;

	if (ctx->depth >= WFT_XLATE_MAX_DEPTH ||
	    ctx->odp_nest >= WFT_XLATE_MAX_ODP_NEST) {
		wft_xlate_error(ctx, -ELOOP, "clone nests too deeply");
		return;
	}
	wft_xlate_save(ctx, &saved);
	/* As in OVS, the clone's pushes and pops are its own. */
	wft_xlate_stack_save(ctx, &stack);
	wft_attr_nest_start(ctx->odp, WEFT_ACTION_A_CLONE);
	body = ctx->odp->len;
	ctx->depth++;
	ctx->odp_nest++;
	wft_xlate_actions(ctx, acts);
	ctx->depth--;
	ctx->odp_nest--;
	if (ctx->odp->error) {
		/* Reported at the end. */
	} else if (ctx->odp->len == body) {
		ctx->odp->len = start;		/* nothing to clone */
	} else if (ctx->n_rewrites == rewrites) {
		/* The body changes nothing in the packet (whatever its
		 * values): no copy is needed, its actions can run in line. */
		memmove(ctx->odp->data + start, ctx->odp->data + body,
			ctx->odp->len - body);
		ctx->odp->len -= body - start;
	} else {
		wft_attr_nest_end(ctx->odp, start);
	}
	wft_xlate_restore(ctx, &saved);
	wft_xlate_stack_restore(ctx, &stack);
	wft_xlate_stack_free(&stack);
}

/* Runs one action; returns false to end the list. */
static bool do_action(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	switch (a->type) {
	case WFT_OFPACT_OUTPUT:
		wft_xlate_do_output(ctx, a->output.port, a->output.max_len);
		break;
	case WFT_OFPACT_OUTPUT_REG:
		do_output_reg(ctx, a);
		break;
	case WFT_OFPACT_RESUBMIT:
		wft_xlate_table(ctx, a->resubmit.table == WFT_TABLE_UNSET ?
				ctx->table : a->resubmit.table,
				a->resubmit.in_port);
		break;
	case WFT_OFPACT_GOTO_TABLE:
		wft_xlate_table(ctx, a->goto_table.table, WFT_OFPP_IN_PORT);
		break;
	case WFT_OFPACT_SET_FIELD:
		do_set_field(ctx, a);
		break;
	case WFT_OFPACT_LOAD:
		do_load(ctx, a);
		break;
	case WFT_OFPACT_MOVE:
		do_move(ctx, a);
		break;
	case WFT_OFPACT_MOD_VLAN_VID:
	case WFT_OFPACT_MOD_VLAN_PCP:
	case WFT_OFPACT_STRIP_VLAN:
	case WFT_OFPACT_PUSH_VLAN:
		do_vlan(ctx, a);
		break;
	case WFT_OFPACT_DEC_TTL:
		return !do_dec_ttl(ctx);
	case WFT_OFPACT_CONTROLLER:
		wft_xlate_controller(ctx, a->controller.reason,
				     a->controller.max_len,
				     a->controller.controller_id,
				     a->controller.userdata,
				     a->controller.userdata_len,
				     a->controller.pause);
		break;
	case WFT_OFPACT_CLONE:
		wft_xlate_clone(ctx, a->clone.actions);
		break;
	case WFT_OFPACT_CT:
		wft_xlate_ct(ctx, a);
		break;
	case WFT_OFPACT_CT_CLEAR:
		wft_xlate_ct_clear(ctx);
		break;
	case WFT_OFPACT_STACK_PUSH:
	case WFT_OFPACT_STACK_POP:
		do_stack(ctx, a);
		break;
	case WFT_OFPACT_LEARN:
		wft_xlate_learn(ctx, a);
		break;
	case WFT_OFPACT_GROUP:
		wft_xlate_group(ctx, a->group.id);
		break;
	case WFT_OFPACT_CHECK_PKT_LARGER:
		break;		/* wft_xlate_actions() runs it */
	case WFT_OFPACT_FIN_TIMEOUT:
		/* Its effect is on its rule, when statistics with a FIN or
		 * RST are credited (wft_rule_note_tcp_flags()): nothing in
		 * the datapath, and no field read, as in OVS. */
		break;
	case WFT_OFPACT_NAT:	/* only inside ct(), which runs it */
	case WFT_OFPACT_CONJUNCTION:	/* the classifier's */
	case WFT_OFPACT_DROP:
	case WFT_OFPACT_NOTE:
		break;
	}
	return true;
}

void wft_xlate_actions(struct wft_xlate_ctx *ctx,
		       const struct wft_ofpacts *acts)
{
	size_t i;

	for (i = 0; i < acts->n && !ctx->stop; i++) {
		if (++ctx->n_actions > WFT_XLATE_MAX_ACTIONS) {
			wft_xlate_error(ctx, -E2BIG,
				"more than %d actions in one translation",
				WFT_XLATE_MAX_ACTIONS);
			return;
		}
		if (acts->acts[i].type == WFT_OFPACT_CHECK_PKT_LARGER) {
			/* The rest of the list runs in its branches. */
			struct wft_ofpacts rest = {
				(struct wft_ofpact *)acts->acts + i + 1,
				acts->n - i - 1, 0,
			};

			wft_xlate_check_pkt(ctx, &acts->acts[i], &rest);
			return;
		}
		if (!do_action(ctx, &acts->acts[i]))
			return;
	}
}
