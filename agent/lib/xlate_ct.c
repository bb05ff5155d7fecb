// SPDX-License-Identifier: GPL-2.0
/*
 * xlate: conntrack. ct(...) becomes the datapath's ct action, followed by
 * recirc(ID) when it names a table; ct_clear becomes ct_clear; and a
 * packet that comes back with recirc_id=ID resumes where ID says
 * (include/weft/recirc.h). As OVS does (ofproto-dpif-xlate.c,
 * compose_conntrack_action()):
 *  - header changes made so far are committed first: conntrack must see
 *    the packet as the pipeline left it;
 *  - the zone is the immediate value or the zone field's bits, which are
 *    read (matched) unless they came from the frozen state;
 *  - exec(...) runs on a scratch copy of ct_mark and ct_label: the bits
 *    it writes become the action's MARK and LABELS (value and mask); a
 *    move's source is read like any other read; the last nat(...) is the
 *    action's NAT;
 *  - ct(table=N) freezes table N, the registers, metadata and in_port into
 *    a recirculation id; the rest of this action list goes on (the
 *    datapath recirculates a copy unless recirc is the last action);
 *  - after ct or ct_clear the pipeline sees no conntrack state: the ct
 *    fields are zero until the recirculated pass, and, being set by the
 *    actions, reading them matches nothing; ct_clear is emitted only for
 *    a packet that has conntrack state (it came +trk, or was thawed, and
 *    no ct(...) ran since);
 *  - a patch port's peer bridge sees the packet without conntrack state
 *    (wft_xlate_ct_forget()), as in OVS.
 * The recirculated pass's megaflow matches recirc_id (every translation
 * does) and whatever its lookups read, the ct fields included; the frozen
 * registers, metadata and in_port are implied by recirc_id and are not
 * matched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/recirc.h"
#include "xlate_private.h"

/* The conntrack fields of a flow (in flow layout, for masks). */
static void ct_fields(struct wft_flow *m)
{
	m->ct_state = UINT32_MAX;
	m->ct_zone = UINT16_MAX;
	m->ct_nw_proto = UINT8_MAX;
	m->ct_mark = UINT32_MAX;
	m->ct_nw_src = m->ct_nw_dst = UINT32_MAX;
	m->ct_tp_src = m->ct_tp_dst = UINT16_MAX;
	memset(m->ct_label, 0xff, sizeof(m->ct_label));
	memset(&m->ct_ipv6_src, 0xff, sizeof(m->ct_ipv6_src));
	memset(&m->ct_ipv6_dst, 0xff, sizeof(m->ct_ipv6_dst));
}

/* After ct or ct_clear: no conntrack state for the rest of this pass, a
 * value the actions set, so later reads of it match nothing. */
static void clear_ct(struct wft_xlate_ctx *ctx)
{
	struct wft_flow *f = &ctx->flow;

	f->ct_state = 0;
	f->ct_zone = 0;
	f->ct_nw_proto = 0;
	f->ct_mark = 0;
	f->ct_nw_src = f->ct_nw_dst = 0;
	f->ct_tp_src = f->ct_tp_dst = 0;
	memset(f->ct_label, 0, sizeof(f->ct_label));
	memset(&f->ct_ipv6_src, 0, sizeof(f->ct_ipv6_src));
	memset(&f->ct_ipv6_dst, 0, sizeof(f->ct_ipv6_dst));
	ct_fields(&ctx->overwritten.masks);
	ctx->conntracked = false;
}

void wft_xlate_ct_forget(struct wft_xlate_ctx *ctx)
{
	clear_ct(ctx);
}

/* Adds the bits of @sf to the megaflow (unless the actions set them). */
static void read_subfield(struct wft_xlate_ctx *ctx,
			  const struct wft_subfield *sf)
{
	struct wft_flow_wc bits;
	struct wft_flow scratch;
	uint8_t ones[16];

	memset(&scratch, 0, sizeof(scratch));
	memset(ones, 0xff, sizeof(ones));
	wft_flow_wc_init_catchall(&bits);
	wft_subfield_set(sf, ones, &scratch, &bits);
	bits.masks.tun_md_present = 0;
	wft_xlate_read(ctx, &bits);
}

/* What exec(...) and nat(...) give the ct action. */
struct ct_exec {
	struct wft_flow flow;		/* the packet; exec writes here */
	struct wft_flow_wc written;	/* the bits of those written */
	const struct wft_ofpact *nat;	/* the last nat(...) */
};

/* @value (right-aligned in @n bytes) into a buffer of @dst_n bytes. */
static void realign(const uint8_t *value, unsigned int n, uint8_t *out,
		    unsigned int dst_n)
{
	unsigned int k = n < dst_n ? n : dst_n;

	memset(out, 0, dst_n);
	memcpy(out + dst_n - k, value + n - k, k);
}

static void exec_set_field(struct ct_exec *e, const struct wft_ofpact *a)
{
	const struct wft_field *f = a->set.dst.field;
	uint8_t *v = (uint8_t *)&e->flow + f->offset;
	uint8_t *m = (uint8_t *)&e->written.masks + f->offset;
	unsigned int i;

	/* ct_mark and ct_label are whole bytes: value and mask are the
	 * field's bytes. */
	for (i = 0; i < f->n_bytes; i++) {
		v[i] = (uint8_t)((v[i] & ~a->set.mask[i]) |
				 (a->set.value[i] & a->set.mask[i]));
		m[i] |= a->set.mask[i];
	}
}

static void exec_move(struct wft_xlate_ctx *ctx, struct ct_exec *e,
		      const struct wft_ofpact *a)
{
	const struct wft_subfield *src = &a->move.src, *dst = &a->move.dst;
	uint8_t got[16], value[16];

	read_subfield(ctx, src);
	wft_subfield_get(src, &e->flow, got);
	realign(got, src->field->n_bytes, value, dst->field->n_bytes);
	wft_subfield_set(dst, value, &e->flow, &e->written);
}

/* Runs the ct action's nested list (the parser allows only these). */
static void run_exec(struct wft_xlate_ctx *ctx, const struct wft_ofpacts *acts,
		     struct ct_exec *e)
{
	size_t i;

	e->flow = ctx->flow;
	wft_flow_wc_init_catchall(&e->written);
	e->nat = NULL;
	for (i = 0; acts && i < acts->n; i++) {
		const struct wft_ofpact *a = &acts->acts[i];

		switch (a->type) {
		case WFT_OFPACT_SET_FIELD:
			exec_set_field(e, a);
			break;
		case WFT_OFPACT_LOAD:
			wft_subfield_set(&a->set.dst, a->set.value, &e->flow,
					 &e->written);
			break;
		case WFT_OFPACT_MOVE:
			exec_move(ctx, e, a);
			break;
		case WFT_OFPACT_NAT:
			e->nat = a;
			break;
		default:
			break;
		}
	}
}

/* ct_label as the datapath carries it: nf_conntrack's u32[4] in host
 * order, word i holding bits 32i..32i+31 of the 128-bit number. */
static void label_to_dp(const uint8_t *be128, uint8_t *out)
{
	uint32_t w[4];
	int i;

	for (i = 0; i < 4; i++)
		w[i] = (uint32_t)be128[12 - 4 * i] << 24 |
		       (uint32_t)be128[13 - 4 * i] << 16 |
		       (uint32_t)be128[14 - 4 * i] << 8 | be128[15 - 4 * i];
	memcpy(out, w, sizeof(w));
}

static void put_mark_labels(struct wft_xlate_ctx *ctx, const struct ct_exec *e)
{
	const struct wft_flow *m = &e->written.masks;
	struct weft_ct_labels labels;
	struct weft_ct_mark mark;
	uint8_t value[16];
	int i;

	if (m->ct_mark) {
		mark.value = ntohl(e->flow.ct_mark & m->ct_mark);
		mark.mask = ntohl(m->ct_mark);
		wft_attr_put(ctx->odp, WEFT_CT_A_MARK, &mark, sizeof(mark));
	}
	for (i = 0; i < 16 && !m->ct_label[i]; i++)
		;
	if (i < 16) {
		for (i = 0; i < 16; i++)
			value[i] = e->flow.ct_label[i] & m->ct_label[i];
		label_to_dp(value, labels.value);
		label_to_dp(m->ct_label, labels.mask);
		wft_attr_put(ctx->odp, WEFT_CT_A_LABELS, &labels,
			     sizeof(labels));
	}
}

static bool nonzero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return true;
	return false;
}

static void put_nat(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	uint16_t f = a->nat.flags;
	size_t n = a->nat.af == AF_INET ? 4 : 16, start;

	start = wft_attr_nest_start(ctx->odp, WEFT_CT_A_NAT);
	if (f & (WFT_NAT_F_SRC | WFT_NAT_F_DST)) {
		wft_attr_put_flag(ctx->odp, f & WFT_NAT_F_SRC ?
				  WEFT_NAT_A_SRC : WEFT_NAT_A_DST);
		if (a->nat.af) {
			wft_attr_put(ctx->odp, WEFT_NAT_A_IP_MIN,
				     a->nat.ip_min, n);
			if (nonzero(a->nat.ip_max, n) &&
			    memcmp(a->nat.ip_max, a->nat.ip_min, n) > 0)
				wft_attr_put(ctx->odp, WEFT_NAT_A_IP_MAX,
					     a->nat.ip_max, n);
			if (a->nat.port_min) {
				wft_attr_put_u16(ctx->odp, WEFT_NAT_A_PROTO_MIN,
						 a->nat.port_min);
				if (a->nat.port_max > a->nat.port_min)
					wft_attr_put_u16(ctx->odp,
							 WEFT_NAT_A_PROTO_MAX,
							 a->nat.port_max);
			}
		}
		if (f & WFT_NAT_F_PERSISTENT)
			wft_attr_put_flag(ctx->odp, WEFT_NAT_A_PERSISTENT);
		if (f & WFT_NAT_F_PROTO_HASH)
			wft_attr_put_flag(ctx->odp, WEFT_NAT_A_PROTO_HASH);
		else if (f & WFT_NAT_F_PROTO_RANDOM)
			wft_attr_put_flag(ctx->odp, WEFT_NAT_A_PROTO_RANDOM);
	}
	wft_attr_nest_end(ctx->odp, start);
}

/* The zone: immediate, or the zone field's 16 bits (read). */
static uint16_t ct_zone(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	uint8_t v[16];
	const struct wft_subfield *sf = &a->ct.zone_src;

	if (!sf->field)
		return a->ct.zone;
	read_subfield(ctx, sf);
	wft_subfield_get(sf, &ctx->flow, v);
	return (uint16_t)(v[sf->field->n_bytes - 2] << 8 |
			  v[sf->field->n_bytes - 1]);
}

/* recirc(ID) resuming in @table with the pipeline state as it is now. */
static void recirculate(struct wft_xlate_ctx *ctx, uint8_t table)
{
	struct wft_frozen_state st;
	uint32_t id;

	memset(&st, 0, sizeof(st));
	st.pipeline = ctx->in->pipeline;
	st.table = table;
	st.in_port = ctx->flow.in_port;
	st.metadata = ctx->flow.metadata;
	memcpy(st.regs, ctx->flow.regs, sizeof(st.regs));
	id = wft_recirc_id_get(&st);
	if (!id) {
		wft_xlate_error(ctx, -ENOSPC, "out of recirculation ids (%u "
				"in use)", WFT_RECIRC_MAX);
		return;
	}
	wft_attr_put_u32(ctx->odp, WEFT_ACTION_A_RECIRC, id);
	wft_xlate_note(ctx, "ct: recirc(%#x) resumes in table %u", id, table);
}

void wft_xlate_ct(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a)
{
	uint16_t zone = ct_zone(ctx, a);
	struct ct_exec e;
	size_t start;

	wft_xlate_commit(ctx);
	run_exec(ctx, a->ct.actions, &e);
	start = wft_attr_nest_start(ctx->odp, WEFT_ACTION_A_CT);
	if (a->ct.flags & WFT_CT_F_COMMIT)
		wft_attr_put_flag(ctx->odp, a->ct.flags & WFT_CT_F_FORCE ?
				  WEFT_CT_A_FORCE_COMMIT : WEFT_CT_A_COMMIT);
	wft_attr_put_u16(ctx->odp, WEFT_CT_A_ZONE, zone);
	put_mark_labels(ctx, &e);
	if (a->ct.alg == WFT_CT_ALG_FTP)
		wft_attr_put(ctx->odp, WEFT_CT_A_HELPER, "ftp", 4);
	else if (a->ct.alg == WFT_CT_ALG_TFTP)
		wft_attr_put(ctx->odp, WEFT_CT_A_HELPER, "tftp", 5);
	if (e.nat)
		put_nat(ctx, e.nat);
	wft_attr_nest_end(ctx->odp, start);
	/* The packet changes in the datapath (conntrack state, NAT): a
	 * clone around this must stay a clone. */
	ctx->n_rewrites++;
	if (a->ct.table != WFT_TABLE_UNSET)
		recirculate(ctx, a->ct.table);
	clear_ct(ctx);
}

/* As OVS: only a packet with a conntrack entry needs ct_clear (after
 * ct(...) in this pass there is none the pipeline can see: a later ct in
 * another zone looks the packet up afresh). */
void wft_xlate_ct_clear(struct wft_xlate_ctx *ctx)
{
	if (ctx->conntracked) {
		wft_attr_put_flag(ctx->odp, WEFT_ACTION_A_CT_CLEAR);
		ctx->n_rewrites++;
	}
	clear_ct(ctx);
}

/* The bridge whose pipeline is @p: this one or one behind its patch ports
 * (a packet can come back on another bridge's port than the one whose
 * pipeline sent it to conntrack). */
struct find_bridge {
	const struct wft_pipeline *want;
	const struct wft_xlate_patch *found;
	unsigned int depth;
};

static void find_in_port(const struct wft_xlate_port *port, void *aux)
{
	struct find_bridge *fb = aux;
	const struct wft_xlate_bridge *b;

	if (fb->found || !port->patch)
		return;
	if (port->patch->pipeline == fb->want) {
		fb->found = port->patch;
		return;
	}
	b = port->patch->bridge;
	if (fb->depth < 4 && b && b->for_each_port) {
		fb->depth++;
		b->for_each_port(b->aux, find_in_port, fb);
		fb->depth--;
	}
}

int wft_xlate_thaw(struct wft_xlate_ctx *ctx, struct wft_xlate_in *thawed,
		   uint8_t *table)
{
	const struct wft_xlate_bridge *b = ctx->in->bridge;
	struct find_bridge fb = { 0 };
	struct wft_frozen_state st;
	struct wft_flow *f = &ctx->flow, *o = &ctx->overwritten.masks;
	uint32_t id = ntohl(ctx->flow.recirc_id);

	if (!wft_recirc_find(id, &st)) {
		wft_xlate_error(ctx, -ENOENT, "no recirculation state for "
				"recirc_id %#x", id);
		return -ENOENT;
	}
	if (st.pipeline != ctx->in->pipeline) {
		fb.want = st.pipeline;
		if (b && b->for_each_port)
			b->for_each_port(b->aux, find_in_port, &fb);
		if (!fb.found) {
			wft_xlate_error(ctx, -ENOENT, "recirc_id %#x: its "
					"bridge is gone", id);
			return -ENOENT;
		}
		*thawed = *ctx->in;
		thawed->pipeline = fb.found->pipeline;
		thawed->bridge = fb.found->bridge;
		ctx->in = thawed;
		wft_xlate_note(ctx, "bridge(\"%s\")", fb.found->bridge_name ?
			       fb.found->bridge_name : "?");
	}
	/* Implied by recirc_id: not matched when read. */
	f->in_port = st.in_port;
	f->metadata = st.metadata;
	memcpy(f->regs, st.regs, sizeof(f->regs));
	o->metadata = UINT64_MAX;
	memset(o->regs, 0xff, sizeof(o->regs));
	*table = st.table;
	ctx->table = st.table;
	ctx->conntracked = true;
	wft_xlate_note(ctx, "thaw: recirc_id %#x resumes in table %u", id,
		       st.table);
	return 0;
}
