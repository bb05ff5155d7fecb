// SPDX-License-Identifier: GPL-2.0
/*
 * xlate: where packets go. Ports, the reserved ports (IN_PORT, NORMAL,
 * FLOOD, ALL, LOCAL, CONTROLLER), and controller actions as userspace
 * actions carrying the pipeline state (include/weft/xlate.h).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/util.h"
#include "xlate_private.h"

/* Without a bridge (tests, tools), ports are their own datapath numbers
 * and LOCAL is datapath port 0. */
static const struct wft_xlate_port *port_of(struct wft_xlate_ctx *ctx,
					    uint32_t ofp_port,
					    struct wft_xlate_port *scratch)
{
	const struct wft_xlate_bridge *br = ctx->in->bridge;

	if (br && br->port)
		return br->port(br->aux, ofp_port);
	memset(scratch, 0, sizeof(*scratch));
	scratch->ofp_port = ofp_port;
	scratch->odp_port = ofp_port == WFT_OFPP_LOCAL ? 0 : ofp_port;
	return ofp_port < WFT_OFPP_MAX || ofp_port == WFT_OFPP_LOCAL
	       ? scratch : NULL;
}

/* The datapath output of a port that is not a patch port. */
static void dp_out(struct wft_xlate_ctx *ctx, const struct wft_xlate_port *p)
{
	wft_xlate_commit(ctx);
	if (p->tunnel)
		wft_xlate_tunnel_output(ctx, p);
	else
		wft_attr_put_u32(ctx->odp, WEFT_ACTION_A_OUTPUT, p->odp_port);
}

static void port_out(struct wft_xlate_ctx *ctx, uint32_t ofp_port)
{
	struct wft_xlate_port scratch;
	const struct wft_xlate_port *p = port_of(ctx, ofp_port, &scratch);

	if (!p) {
		wft_xlate_note(ctx, "output to unknown port %u: dropped",
			       ofp_port);
		return;
	}
	if (p->patch) {
		wft_xlate_patch(ctx, p);
		return;
	}
	dp_out(ctx, p);
}

struct flood_aux {
	struct wft_xlate_ctx *ctx;
	bool all;
};

static void flood_one(const struct wft_xlate_port *p, void *aux_)
{
	struct flood_aux *aux = aux_;
	struct wft_xlate_ctx *ctx = aux->ctx;

	if (ctx->stop || p->ofp_port == ntohl(ctx->flow.in_port) ||
	    (p->no_flood && !aux->all))
		return;
	if (p->patch) {
		wft_xlate_patch(ctx, p);
		return;
	}
	dp_out(ctx, p);
}

void wft_xlate_flood(struct wft_xlate_ctx *ctx, bool all)
{
	const struct wft_xlate_bridge *br = ctx->in->bridge;
	struct flood_aux aux = { ctx, all };

	if (br && br->for_each_port)
		br->for_each_port(br->aux, flood_one, &aux);
}

void wft_xlate_do_output(struct wft_xlate_ctx *ctx, uint32_t port,
			 uint16_t max_len)
{
	const struct wft_xlate_bridge *br = ctx->in->bridge;

	switch (port) {
	case WFT_OFPP_IN_PORT:
		port_out(ctx, ntohl(ctx->flow.in_port));
		break;
	case WFT_OFPP_TABLE:
		wft_xlate_note(ctx, "output:TABLE is for packet-outs: ignored");
		break;
	case WFT_OFPP_NORMAL:
		if (br && br->normal)
			br->normal(ctx, br->aux);
		else
			wft_xlate_flood(ctx, false);
		break;
	case WFT_OFPP_FLOOD:
	case WFT_OFPP_ALL:
		wft_xlate_flood(ctx, port == WFT_OFPP_ALL);
		break;
	case WFT_OFPP_CONTROLLER:
		wft_xlate_controller(ctx, WFT_PACKET_IN_ACTION, max_len, 0,
				     NULL, 0, false);
		break;
	case WFT_OFPP_ANY:
		break;
	default:
		/* OpenFlow: a packet goes back out its own port only when
		 * asked with in_port (in_port is always in the mask). */
		if (port == ntohl(ctx->flow.in_port)) {
			wft_xlate_note(ctx, "output:%u is the input port: "
				       "skipped (use in_port)", port);
			break;
		}
		port_out(ctx, port);
		break;
	}
}

void wft_xlate_output(struct wft_xlate_ctx *ctx, uint32_t ofp_port)
{
	wft_xlate_do_output(ctx, ofp_port, 0);
}

void wft_xlate_output_vlan(struct wft_xlate_ctx *ctx, uint32_t ofp_port,
			   uint16_t vlan_tci)
{
	struct wft_flow *f = &ctx->flow;
	uint16_t vlan = f->vlan_tci, cvlan = f->cvlan_tci;
	uint16_t tpid[2] = { ctx->tpid[0], ctx->tpid[1] };
	bool had = vlan & htons(WFT_VLAN_CFI);

	if (!vlan_tci && had) {
		f->vlan_tci = f->cvlan_tci;
		f->cvlan_tci = 0;
		ctx->tpid[0] = ctx->tpid[1];
	} else if (vlan_tci && !had) {
		f->vlan_tci = htons(vlan_tci | WFT_VLAN_CFI);
		ctx->tpid[0] = WFT_ETH_TYPE_VLAN;
	} else if (vlan_tci) {
		f->vlan_tci = htons(vlan_tci | WFT_VLAN_CFI);
	}
	wft_xlate_output(ctx, ofp_port);
	f->vlan_tci = vlan;
	f->cvlan_tci = cvlan;
	memcpy(ctx->tpid, tpid, sizeof(tpid));
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

void wft_xlate_controller(struct wft_xlate_ctx *ctx, uint8_t reason,
			  uint16_t max_len, uint16_t controller_id,
			  const uint8_t *userdata, size_t userdata_len,
			  bool pause)
{
	const struct wft_xlate_bridge *br = ctx->in->bridge;
	const struct wft_flow *f = &ctx->flow;
	uint8_t *ud = wft_xmalloc(WFT_UD_HDR_LEN + userdata_len);
	size_t nest;
	int i;

	ud[0] = WFT_UD_CONTROLLER;
	ud[1] = reason;
	put_be(ud + 2, max_len, 2);
	put_be(ud + 4, controller_id, 2);
	ud[6] = ctx->table;
	ud[7] = pause ? WFT_UD_F_PAUSE : 0;
	put_be(ud + 8, ctx->rule ? ctx->rule->cookie : 0, 8);
	memcpy(ud + 16, &f->metadata, 8);
	memcpy(ud + 24, &f->in_port, 4);
	for (i = 0; i < 16; i++)
		memcpy(ud + 28 + 4 * i, &f->regs[i], 4);
	if (userdata_len)
		memcpy(ud + WFT_UD_HDR_LEN, userdata, userdata_len);

	/* The controller gets the packet as the pipeline left it. */
	wft_xlate_commit(ctx);
	nest = wft_attr_nest_start(ctx->odp, WEFT_ACTION_A_USERSPACE);
	if (br && br->upcall_pid)
		wft_attr_put_u32(ctx->odp, WEFT_USERSPACE_A_PID,
				 br->upcall_pid);
	wft_attr_put(ctx->odp, WEFT_USERSPACE_A_USERDATA, ud,
		     WFT_UD_HDR_LEN + userdata_len);
	wft_attr_nest_end(ctx->odp, nest);
	ctx->out->has_userspace = true;
	free(ud);
	wft_xlate_note(ctx, "controller (reason %u, %zu bytes of userdata)",
		       reason, userdata_len);
}
