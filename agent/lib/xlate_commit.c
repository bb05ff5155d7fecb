// SPDX-License-Identifier: GPL-2.0
/*
 * xlate: committing the pipeline's header changes as datapath actions,
 * lazily, just before the packet is sent somewhere. One set per header
 * (a masked set when only parts of fields were written), VLAN changes as
 * pop_vlan/push_vlan, in OVS's order: Ethernet, VLAN, network, transport,
 * priority, mark.
 *
 * What is set is what was written (ctx->dirty), not what differs from the
 * packet: deciding "unchanged" would mean matching the packet on the
 * written field, and a rewritten field is usually one the megaflow should
 * not have to match. Only bits an earlier commit already fixed (ctx->known)
 * are compared, since that comparison reads nothing of the packet.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "uapi/linux/weft.h"
#include "weft/odp_flow.h"
#include "xlate_private.h"

#define N_U64	(sizeof(struct wft_flow) / sizeof(uint64_t))

typedef uint64_t __attribute__((may_alias)) u64a;

static u64a *w64(struct wft_flow *f)
{
	return (u64a *)f;
}

static bool wc_empty(const struct wft_flow_wc *wc)
{
	const u64a *m = (const u64a *)&wc->masks;
	size_t i;

	for (i = 0; i < N_U64; i++)
		if (m[i])
			return false;
	return true;
}

static const char *header_name(uint16_t hdr)
{
	switch (hdr) {
	case WEFT_KEY_A_ETHERNET: return "eth";
	case WEFT_KEY_A_IPV4: return "ipv4";
	case WEFT_KEY_A_IPV6: return "ipv6";
	case WEFT_KEY_A_TCP: return "tcp";
	case WEFT_KEY_A_UDP: return "udp";
	case WEFT_KEY_A_SCTP: return "sctp";
	case WEFT_KEY_A_ICMP: return "icmp";
	case WEFT_KEY_A_ICMPV6: return "icmpv6";
	case WEFT_KEY_A_ARP: return "arp";
	case WEFT_KEY_A_ND: return "nd";
	case WEFT_KEY_A_SKB_MARK: return "skb_mark";
	case WEFT_KEY_A_PRIORITY: return "skb_priority";
	}
	return "?";
}

static void emit_set(struct wft_xlate_ctx *ctx, uint16_t hdr,
		     const struct wft_flow_wc *sel)
{
	struct wft_attrbuf *b = ctx->odp;
	struct wft_flow value = ctx->flow;
	size_t nest, inner;

	/* Bits outside the written ones stay out of the action, so that it
	 * does not depend on them. */
	wft_flow_zero_wildcards(&value, sel);
	ctx->n_rewrites++;
	nest = wft_attr_nest_start(b, WEFT_ACTION_A_SET);
	inner = wft_attr_nest_start(b, WEFT_SET_A_KEY);
	wft_odp_flow_put_header(b, hdr, &value, sel, false);
	wft_attr_nest_end(b, inner);
	if (!wft_odp_flow_header_whole(hdr, sel)) {
		inner = wft_attr_nest_start(b, WEFT_SET_A_MASK);
		wft_odp_flow_put_header(b, hdr, &value, sel, true);
		wft_attr_nest_end(b, inner);
	}
	wft_attr_nest_end(b, nest);
}

/* Whether the written bits of one field (@fb) may be left out: every one
 * of them was fixed by an earlier commit and still has that value. */
static bool field_unchanged(const struct wft_xlate_ctx *ctx,
			    const struct wft_flow_wc *fb)
{
	const u64a *d = (const u64a *)&ctx->dirty.masks;
	const u64a *k = (const u64a *)&ctx->known.masks;
	const u64a *f = (const u64a *)&ctx->flow;
	const u64a *b = (const u64a *)&ctx->base;
	const u64a *m = (const u64a *)&fb->masks;
	size_t i;

	for (i = 0; i < N_U64; i++) {
		uint64_t written = d[i] & m[i];

		if ((written & ~k[i]) || ((f[i] ^ b[i]) & written))
			return false;
	}
	return true;
}

/* The written bits of @hdr's fields that need a set: whole fields'
 * worth, so that a rewrite stays one value, not a masked patch. */
static void select_bits(const struct wft_xlate_ctx *ctx, uint16_t hdr,
			struct wft_flow_wc *sel)
{
	struct wft_flow_wc fb;
	unsigned int i;

	wft_flow_wc_init_catchall(sel);
	for (i = 0;; i++) {
		u64a *s = w64(&sel->masks), *m;
		const u64a *d = (const u64a *)&ctx->dirty.masks;
		size_t j;

		wft_flow_wc_init_catchall(&fb);
		if (!wft_odp_flow_field_bits(hdr, i, &fb))
			break;
		if (field_unchanged(ctx, &fb))
			continue;
		m = w64(&fb.masks);
		for (j = 0; j < N_U64; j++)
			s[j] |= d[j] & m[j];
	}
}

/* Commits what was written to the fields of header @hdr. */
static void commit_header(struct wft_xlate_ctx *ctx, uint16_t hdr)
{
	struct wft_flow_wc hb, sel;
	u64a *d, *k, *f, *b, *h;
	size_t i;

	wft_flow_wc_init_catchall(&hb);
	wft_odp_flow_header_bits(hdr, &hb);
	select_bits(ctx, hdr, &sel);
	d = w64(&ctx->dirty.masks);
	k = w64(&ctx->known.masks);
	f = w64(&ctx->flow);
	b = w64(&ctx->base);
	h = w64(&hb.masks);
	for (i = 0; i < N_U64; i++) {
		uint64_t written = d[i] & h[i];

		b[i] = (b[i] & ~written) | (f[i] & written);
		k[i] |= written;
		d[i] &= ~h[i];
	}
	if (wc_empty(&sel))
		return;
	if (!wft_odp_flow_header_settable(hdr, &sel)) {
		wft_xlate_error(ctx, -EOPNOTSUPP,
				"the datapath cannot set that field of %s "
				"(ip proto, frag, tcp flags, icmp type/code)",
				header_name(hdr));
		return;
	}
	emit_set(ctx, hdr, &sel);
}

static uint16_t l3_header(const struct wft_flow *f)
{
	switch (ntohs(f->dl_type)) {
	case WFT_ETH_TYPE_IP:
		return WEFT_KEY_A_IPV4;
	case WFT_ETH_TYPE_IPV6:
		return WEFT_KEY_A_IPV6;
	case WFT_ETH_TYPE_ARP:
	case WFT_ETH_TYPE_RARP:
		return WEFT_KEY_A_ARP;
	}
	return 0;
}

/* Which transport header the packet has. The choice reads ip proto, so
 * it is matched, but only when there is something to commit. */
static uint16_t l4_header(struct wft_xlate_ctx *ctx, bool v6)
{
	const struct wft_flow *f = &ctx->flow;

	if (!(ctx->dirty.masks.tp_src | ctx->dirty.masks.tp_dst) ||
	    f->nw_frag & WFT_FRAG_LATER)
		return 0;
	ctx->wc->masks.nw_proto = 0xff;
	switch (f->nw_proto) {
	case IPPROTO_TCP:
		return WEFT_KEY_A_TCP;
	case IPPROTO_UDP:
		return WEFT_KEY_A_UDP;
	case IPPROTO_SCTP:
		return WEFT_KEY_A_SCTP;
	case IPPROTO_ICMP:
		return v6 ? 0 : WEFT_KEY_A_ICMP;
	case IPPROTO_ICMPV6:
		return v6 ? WEFT_KEY_A_ICMPV6 : 0;
	}
	return 0;
}

static bool nd_dirty(const struct wft_xlate_ctx *ctx)
{
	static const uint8_t zero[16];
	const struct wft_flow *d = &ctx->dirty.masks;

	return memcmp(&d->nd_target, zero, 16) || memcmp(d->arp_sha, zero, 6) ||
	       memcmp(d->arp_tha, zero, 6);
}

static void commit_nd(struct wft_xlate_ctx *ctx)
{
	const struct wft_flow *f = &ctx->flow;
	uint8_t type = ntohs(f->tp_src) & 0xff;

	if (!nd_dirty(ctx) || f->nw_proto != IPPROTO_ICMPV6)
		return;
	ctx->wc->masks.nw_proto = 0xff;
	ctx->wc->masks.tp_src |= htons(0xff);
	if (type == 135 || type == 136)
		commit_header(ctx, WEFT_KEY_A_ND);
}

static void commit_l3_l4(struct wft_xlate_ctx *ctx)
{
	uint16_t l3 = l3_header(&ctx->flow), l4;

	if (!l3)
		return;
	commit_header(ctx, l3);
	if (l3 == WEFT_KEY_A_ARP)
		return;
	l4 = l4_header(ctx, l3 == WEFT_KEY_A_IPV6);
	if (l4)
		commit_header(ctx, l4);
	if (l3 == WEFT_KEY_A_IPV6)
		commit_nd(ctx);
}

/* VLAN tags, outer first, with their TPIDs. */
struct tags {
	int n;
	uint16_t tci[2];
	uint16_t tpid[2];
};

static void get_tags(const struct wft_flow *f, const uint16_t *tpid,
		     struct tags *t)
{
	t->n = 0;
	if (!(f->vlan_tci & htons(WFT_VLAN_CFI)))
		return;
	t->tci[0] = f->vlan_tci;
	t->tpid[0] = tpid[0];
	t->n = 1;
	if (f->cvlan_tci & htons(WFT_VLAN_CFI)) {
		t->tci[1] = f->cvlan_tci;
		t->tpid[1] = tpid[1];
		t->n = 2;
	}
}

static bool same_tag(const struct tags *a, int i, const struct tags *b, int j)
{
	return a->tci[i] == b->tci[j] && a->tpid[i] == b->tpid[j];
}

static void commit_vlans(struct wft_xlate_ctx *ctx)
{
	struct tags want, have;
	int keep = 0, i;

	get_tags(&ctx->flow, ctx->tpid, &want);
	get_tags(&ctx->base, ctx->base_tpid, &have);
	/* The inner tags both share stay; the rest is popped and pushed. */
	while (keep < want.n && keep < have.n &&
	       same_tag(&want, want.n - 1 - keep, &have, have.n - 1 - keep))
		keep++;
	if (keep == want.n && keep == have.n)
		return;
	ctx->n_rewrites++;
	for (i = 0; i < have.n - keep; i++)
		wft_attr_put_flag(ctx->odp, WEFT_ACTION_A_POP_VLAN);
	for (i = want.n - keep - 1; i >= 0; i--) {
		size_t nest = wft_attr_nest_start(ctx->odp,
						  WEFT_ACTION_A_PUSH_VLAN);

		wft_attr_put_u16(ctx->odp, WEFT_VLAN_A_TPID,
				 htons(want.tpid[i]));
		wft_attr_put_u16(ctx->odp, WEFT_VLAN_A_TCI, want.tci[i]);
		wft_attr_nest_end(ctx->odp, nest);
	}
	ctx->base.vlan_tci = ctx->flow.vlan_tci;
	ctx->base.cvlan_tci = ctx->flow.cvlan_tci;
	memcpy(ctx->base_tpid, ctx->tpid, sizeof(ctx->tpid));
}

void wft_xlate_commit(struct wft_xlate_ctx *ctx)
{
	if (ctx->stop)
		return;
	/* Most outputs follow no rewrite at all: then only the VLAN tags
	 * (compared, not tracked as written) can need actions, and the
	 * per-header walks below, each over several whole-flow masks, are
	 * skipped. They were the largest cost of a new flow's xlate. */
	if (!ctx->written || wc_empty(&ctx->dirty)) {
		commit_vlans(ctx);
		return;
	}
	commit_header(ctx, WEFT_KEY_A_ETHERNET);
	commit_vlans(ctx);
	commit_l3_l4(ctx);
	commit_header(ctx, WEFT_KEY_A_PRIORITY);
	commit_header(ctx, WEFT_KEY_A_SKB_MARK);
	/* The rest (registers, metadata, in_port, tags) never reaches the
	 * datapath as a set. */
	wft_flow_wc_init_catchall(&ctx->dirty);
	ctx->written = false;
}
