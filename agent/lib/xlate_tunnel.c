// SPDX-License-Identifier: GPL-2.0
/*
 * xlate: output to a tunnel port (include/weft/xlate.h, struct
 * wft_xlate_tunnel): the set(tunnel(...)) that the tunnel vport
 * encapsulates with, then the output to the vport.
 *
 * Options an Interface fixes are constants; "flow" ones are read from the
 * pipeline's tun_* fields, which then join the megaflow mask unless an
 * action wrote them (wft_xlate_read() filters those), as OVS's
 * tnl_port_send() reads them. The inner packet's header changes are
 * committed before, so the set(tunnel) sits right before its output.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/odp_flow.h"
#include "weft/tlv_map.h"
#include "xlate_private.h"

#define TNL_DEFAULT_TTL	64

static bool zero16(const uint8_t *p)
{
	static const uint8_t z[16];

	return !memcmp(p, z, 16);
}

/* The remote and local endpoints; false when there is no remote. */
static bool endpoints(struct wft_xlate_ctx *ctx,
		      const struct wft_xlate_tunnel *t,
		      struct wft_odp_tunnel *o, struct wft_flow_wc *read)
{
	const struct wft_flow *f = &ctx->flow;

	if (t->remote_flow) {
		/* The family is the one tun_dst or tun_ipv6_dst holds. */
		read->masks.tun_dst = UINT32_MAX;
		o->v6 = !f->tun_dst;
		if (o->v6) {
			memset(&read->masks.tun_ipv6_dst, 0xff, 16);
			memcpy(o->dst, &f->tun_ipv6_dst, 16);
			if (zero16(o->dst))
				return false;
		} else {
			memcpy(o->dst, &f->tun_dst, 4);
		}
	} else {
		o->v6 = t->v6;
		memcpy(o->dst, t->remote, 16);
	}
	if (t->local_flow) {
		if (o->v6) {
			memset(&read->masks.tun_ipv6_src, 0xff, 16);
			memcpy(o->src, &f->tun_ipv6_src, 16);
		} else {
			read->masks.tun_src = UINT32_MAX;
			memcpy(o->src, &f->tun_src, 4);
		}
	} else if (t->has_local && t->v6 == o->v6) {
		memcpy(o->src, t->local, 16);
	}
	return true;
}

static bool is_ip(const struct wft_flow *f)
{
	return f->dl_type == htons(WFT_ETH_TYPE_IP) ||
	       f->dl_type == htons(WFT_ETH_TYPE_IPV6);
}

/* TTL and TOS, fixed or inherited from the inner IP header. */
static void ttl_tos(struct wft_xlate_ctx *ctx, const struct wft_xlate_tunnel *t,
		    struct wft_odp_tunnel *o, struct wft_flow_wc *read)
{
	const struct wft_flow *f = &ctx->flow;
	bool ip = false;

	if (t->ttl < 0 || t->tos < 0) {
		read->masks.dl_type = 0xffff;
		ip = is_ip(f);
	}
	if (t->ttl >= 0) {
		o->ttl = (uint8_t)(t->ttl ? t->ttl : TNL_DEFAULT_TTL);
	} else if (ip) {
		read->masks.nw_ttl = 0xff;
		o->ttl = f->nw_ttl;
	} else {
		o->ttl = TNL_DEFAULT_TTL;
	}
	if (t->tos >= 0) {
		o->tos = (uint8_t)t->tos;
	} else if (ip) {
		read->masks.nw_tos |= 0xfc;
		o->tos = f->nw_tos & 0xfc;
	}
}

void wft_xlate_tunnel_output(struct wft_xlate_ctx *ctx,
			     const struct wft_xlate_port *p)
{
	const struct wft_xlate_tunnel *t = p->tunnel;
	const struct wft_flow *f = &ctx->flow;
	uint8_t opts[WFT_TUN_OPTS_MAX];
	struct wft_odp_tunnel o;
	struct wft_flow_wc read;

	memset(&o, 0, sizeof(o));
	wft_flow_wc_init_catchall(&read);
	if (!endpoints(ctx, t, &o, &read)) {
		wft_xlate_read(ctx, &read);
		wft_xlate_note(ctx, "output to tunnel port %s: no remote "
			       "(remote_ip=flow and no tun_dst set): dropped",
			       p->name ? p->name : "?");
		return;
	}
	if (t->key_flow) {
		read.masks.tun_id = UINT64_MAX;
		o.id = f->tun_id;
	} else {
		o.id = htobe64(t->key);
	}
	if (t->type == WFT_TNL_VXLAN)
		o.id &= htobe64(0xffffff);
	ttl_tos(ctx, t, &o, &read);
	o.flags = WFT_TNL_F_KEY | (t->df ? WFT_TNL_F_DF : 0) |
		  (t->csum ? WFT_TNL_F_CSUM : 0);
	if (t->type == WFT_TNL_GENEVE) {
		read.masks.tun_flags |= htons(WFT_TNL_F_OAM);
		o.flags |= ntohs(f->tun_flags) & WFT_TNL_F_OAM;
		o.opts_len = wft_tlv_map_encode(t->tlv, f, opts, &read);
		o.opts = opts;
	}
	if (!wft_odp_flow_is_tunnel(&ctx->in->flow)) {
		/* A packet that did not come in over a tunnel has tunnel
		 * fields only where actions wrote them: nothing to match. */
		struct wft_flow *m = &read.masks;

		m->tun_id = 0;
		m->tun_src = m->tun_dst = 0;
		memset(&m->tun_ipv6_src, 0, 16);
		memset(&m->tun_ipv6_dst, 0, 16);
		m->tun_flags = 0;
		m->tun_md_present = 0;
		memset(m->tun_md, 0, sizeof(m->tun_md));
	}
	wft_xlate_read(ctx, &read);
	wft_odp_put_set_tunnel(ctx->odp, &o);
	wft_attr_put_u32(ctx->odp, WEFT_ACTION_A_OUTPUT, p->odp_port);
}
