// SPDX-License-Identifier: GPL-2.0
/*
 * xlate: check_pkt_larger(N)->DST. The answer depends on each packet's
 * length, which no megaflow can match, so (as OVS's
 * xlate_check_pkt_larger() does) the rest of the action list is
 * translated twice, once with DST = 1 and once with DST = 0, into the
 * two branches of one datapath action
 *     check_pkt_len(size=N,gt(rest with DST=1),le(rest with DST=0))
 * and one megaflow serves packets of every size. Its mask is the union
 * of what both branches read. The datapath counts the flow, not the
 * branch, so the rules either branch hits are credited with the flow's
 * statistics, but a rule both branches hit only as often as the branch
 * that hits it most (each packet takes one branch); OVS credits it once
 * per branch.
 *
 * Details, as in OVS:
 *  - header changes made so far are committed first: the datapath
 *    measures the packet as the pipeline left it (a pushed VLAN tag
 *    counts) and both branches start from the same packet;
 *  - each branch starts from the packet state and the stack as they were
 *    before the action; after it, the state is restored, since the
 *    datapath runs a branch on a copy unless it is the last action;
 *  - the rest of this action list runs only inside the branches; the
 *    lists of the resubmits that led here go on after it, once, with the
 *    state as it was before the action (OVN puts nothing after "next");
 *  - DST is written by the action, so reading it later matches nothing;
 *  - a recirculation in a branch (ct(table=N)) freezes the registers as
 *    that branch has them, DST included: the two branches resume with
 *    their own ids.
 * Where the datapath cannot nest another list (WFT_XLATE_MAX_ODP_NEST,
 * the kernel's own bound) the translation fails with a clear error
 * rather than guessing the length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/util.h"
#include "xlate_private.h"

/* DST = @bit, as load:@bit->DST writes it. */
static void write_result(struct wft_xlate_ctx *ctx,
			 const struct wft_subfield *dst, bool bit)
{
	uint8_t v[16], ones[16];

	memset(v, 0, sizeof(v));
	memset(ones, 0xff, sizeof(ones));
	v[dst->field->n_bytes - 1] = bit;
	wft_xlate_write(ctx, dst, v, ones);
}

/*
 * The rules hit: @l holds the greater branch's from @n0 to @n1 and the
 * other's after them. A rule in both is kept as many times as the branch
 * that hits it more often does: the le branch's hits that match one of
 * the gt branch's are dropped, one for one.
 */
static void merge_rules(struct wft_rule_list *l, size_t n0, size_t n1)
{
	size_t i, j, kept = n1;
	bool *paired;

	if (n1 == n0 || l->n == n1)
		return;
	paired = wft_xcalloc(n1 - n0, sizeof(*paired));
	for (i = n1; i < l->n; i++) {
		for (j = n0; j < n1; j++)
			if (!paired[j - n0] && l->rules[j] == l->rules[i])
				break;
		if (j < n1) {
			paired[j - n0] = true;
			wft_rule_unref(l->rules[i]);
		} else {
			l->rules[kept++] = l->rules[i];
		}
	}
	l->n = kept;
	free(paired);
}

static void branch(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a,
		   const struct wft_ofpacts *rest, bool has_dst, bool greater)
{
	size_t start;

	start = wft_attr_nest_start(ctx->odp, greater ?
				    WEFT_CHECK_PKT_LEN_A_IF_GREATER :
				    WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL);
	wft_xlate_note(ctx, "check_pkt_larger(%u): %s %u bytes, %s[%u] = %d",
		       a->check_pkt.pkt_len, greater ? "longer than" :
		       "at most", a->check_pkt.pkt_len,
		       a->check_pkt.dst.field->name, a->check_pkt.dst.ofs,
		       greater);
	if (has_dst)
		write_result(ctx, &a->check_pkt.dst, greater);
	wft_xlate_actions(ctx, rest);
	wft_attr_nest_end(ctx->odp, start);
}

void wft_xlate_check_pkt(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a,
			 const struct wft_ofpacts *rest)
{
	struct xlate_pkt_state saved;
	struct xlate_stack_copy stack;
	bool has_dst;
	size_t start, n0, n1;

	/* A header field the packet lacks is not written (OVS's parser
	 * checks no prerequisite for it), but the branches still differ
	 * for the datapath. */
	has_dst = wft_xlate_packet_has(ctx, a->check_pkt.dst.field);
	if (ctx->odp_nest >= WFT_XLATE_MAX_ODP_NEST ||
	    ctx->depth >= WFT_XLATE_MAX_DEPTH) {
		wft_xlate_error(ctx, -ELOOP, "check_pkt_larger: datapath "
				"action lists nest deeper than %d",
				WFT_XLATE_MAX_ODP_NEST);
		return;
	}
	wft_xlate_commit(ctx);
	wft_xlate_save(ctx, &saved);
	wft_xlate_stack_save(ctx, &stack);
	start = wft_attr_nest_start(ctx->odp, WEFT_ACTION_A_CHECK_PKT_LEN);
	wft_attr_put_u16(ctx->odp, WEFT_CHECK_PKT_LEN_A_PKT_LEN,
			 a->check_pkt.pkt_len);
	ctx->depth++;
	ctx->odp_nest++;
	n0 = ctx->out->rules.n;
	branch(ctx, a, rest, has_dst, true);
	n1 = ctx->out->rules.n;
	wft_xlate_restore(ctx, &saved);
	wft_xlate_stack_restore(ctx, &stack);
	branch(ctx, a, rest, has_dst, false);
	merge_rules(&ctx->out->rules, n0, n1);
	ctx->depth--;
	ctx->odp_nest--;
	wft_attr_nest_end(ctx->odp, start);
	/* The branches changed the packet (their rewrites are counted) on
	 * their own copies: afterwards it is as it was. */
	wft_xlate_restore(ctx, &saved);
	wft_xlate_stack_restore(ctx, &stack);
	wft_xlate_stack_free(&stack);
}
