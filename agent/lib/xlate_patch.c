// SPDX-License-Identifier: GPL-2.0
/*
 * xlate: output to a patch port, which continues the translation in the
 * peer bridge's pipeline (struct wft_xlate_patch in include/weft/xlate.h).
 *
 * The peer part runs like a clone: the packet state is saved and restored
 * around it, and its datapath actions are wrapped in a clone only when
 * they rewrite the packet, so that the rest of the first bridge's actions
 * see the packet as they left it.
 *
 * Locking: each pipeline crossed is read-locked once per translation. A
 * pipeline's lock prefers writers and readers never nest it (pipeline.c),
 * so re-entering a pipeline the translation already holds (br-a -> br-b
 * -> br-a) must not lock it again: the frames below remember which ones
 * are held.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "xlate_private.h"

struct xlate_patch_frame {
	const struct wft_xlate_in *outer;	/* ctx->in before crossing */
	struct xlate_patch_frame *up;
};

static bool holds(const struct wft_xlate_ctx *ctx,
		  const struct wft_pipeline *p)
{
	const struct xlate_patch_frame *f;

	if (ctx->in->pipeline == p)
		return true;
	for (f = ctx->patch; f; f = f->up)
		if (f->outer->pipeline == p)
			return true;
	return false;
}

/* The peer bridge sees a packet that just arrived on its patch port:
 * fresh metadata and registers, which come from the crossing and not from
 * the packet, so reading them adds nothing to the megaflow. */
static void enter_peer(struct wft_xlate_ctx *ctx, uint32_t ofp_port)
{
	struct wft_flow *f = &ctx->flow, *o = &ctx->overwritten.masks;

	f->in_port = htonl(ofp_port);
	f->metadata = 0;
	memset(f->regs, 0, sizeof(f->regs));
	o->in_port = UINT32_MAX;
	o->metadata = UINT64_MAX;
	memset(o->regs, 0xff, sizeof(o->regs));
	wft_xlate_ct_forget(ctx);
}

/* Ends the clone opened at @start (body from @body): dropped when empty,
 * inlined when it rewrites nothing, kept otherwise. */
static void close_clone(struct wft_xlate_ctx *ctx, size_t start, size_t body,
			unsigned int rewrites)
{
	if (ctx->odp->error)
		return;		/* reported at the end */
	if (ctx->odp->len == body) {
		ctx->odp->len = start;
	} else if (ctx->n_rewrites == rewrites) {
		memmove(ctx->odp->data + start, ctx->odp->data + body,
			ctx->odp->len - body);
		ctx->odp->len -= body - start;
	} else {
		wft_attr_nest_end(ctx->odp, start);
	}
}

void wft_xlate_patch(struct wft_xlate_ctx *ctx, const struct wft_xlate_port *p)
{
	const struct wft_xlate_patch *peer = p->patch;
	struct wft_xlate_in in = *ctx->in;
	struct xlate_patch_frame frame = { ctx->in, ctx->patch };
	unsigned int rewrites;
	struct xlate_pkt_state saved;
	size_t start, body;
	bool lock;

	if (ctx->depth >= WFT_XLATE_MAX_DEPTH ||
	    ctx->odp_nest >= WFT_XLATE_MAX_ODP_NEST) {
		wft_xlate_error(ctx, -ELOOP, "patch ports nest too deeply "
				"(at %s)", p->name ? p->name : "?");
		return;
	}
	/* Changes made so far belong to the packet that crosses. */
	wft_xlate_commit(ctx);
	wft_xlate_save(ctx, &saved);
	rewrites = ctx->n_rewrites;
	lock = !holds(ctx, peer->pipeline);
	in.pipeline = peer->pipeline;
	in.bridge = peer->bridge;
	ctx->in = &in;
	ctx->patch = &frame;
	if (lock)
		wft_pipeline_read_lock(peer->pipeline);
	wft_xlate_note(ctx, "bridge(\"%s\")", peer->bridge_name ?
		       peer->bridge_name : "?");
	start = wft_attr_nest_start(ctx->odp, WEFT_ACTION_A_CLONE);
	body = ctx->odp->len;
	enter_peer(ctx, peer->ofp_port);
	/* Not a resubmit: the peer's table 0 is at the output's depth (the
	 * lookup's own actions nest below it, which bounds patch loops). */
	ctx->odp_nest++;
	wft_xlate_table(ctx, 0, WFT_OFPP_IN_PORT);
	ctx->odp_nest--;
	close_clone(ctx, start, body, rewrites);
	if (lock)
		wft_pipeline_read_unlock(peer->pipeline);
	ctx->in = frame.outer;
	ctx->patch = frame.up;
	wft_xlate_restore(ctx, &saved);
}
