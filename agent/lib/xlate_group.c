// SPDX-License-Identifier: GPL-2.0
/*
 * xlate: group:N (include/weft/group.h). Every bucket of an "all" group,
 * the one bucket of an "indirect" group, and one bucket of a "select"
 * group run as clone() runs its actions.
 *
 * A select group picks its bucket by a hash of the packet's 5-tuple (IP
 * addresses, protocol, and transport ports when the packet has them; the
 * Ethernet addresses for other packets), in proportion to the buckets'
 * weights: hash mod the total weight falls in one bucket's share. With
 * selection_method=hash and fields(F,...), as OVN's ct_lb hash_fields
 * asks, the hash is of those fields instead (each one the packet has).
 * What the hash read goes into the mask, so that one megaflow never
 * covers packets that would pick different buckets.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "weft/field.h"

#include "weft/pipeline.h"
#include "xlate_private.h"

#define SELECT_BASIS	0x5e1ec7u

/* The bits of the fields named in @list ("ip_src,tcp_dst", a "=MASK"
 * after a name is ignored: the whole field counts) that the packet has. */
static void fields_bits(struct wft_xlate_ctx *ctx, const char *list,
			struct wft_flow_wc *bits)
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",="), len = strcspn(p, ",");
		const struct wft_field *f = wft_field_from_name(p, n);

		if (f && wft_xlate_packet_has(ctx, f)) {
			struct wft_subfield sf = { f, 0, f->n_bits };
			uint8_t ones[16];

			memset(ones, 0xff, sizeof(ones));
			wft_subfield_set(&sf, ones, &bits->masks, NULL);
		}
		p += len;
		if (*p == ',')
			p++;
	}
}

/* The hash of what the selection looks at, which it reads. */
static uint32_t select_hash(struct wft_xlate_ctx *ctx,
			    const struct wft_group *g)
{
	const struct wft_flow *f = &ctx->flow;
	struct wft_flow_wc bits;
	struct wft_flow *m = &bits.masks;

	wft_flow_wc_init_catchall(&bits);
	if (g->fields && g->selection_method &&
	    !strcmp(g->selection_method, "hash")) {
		fields_bits(ctx, g->fields, &bits);
		wft_xlate_read(ctx, &bits);
		return wft_flow_hash(f, &bits, SELECT_BASIS);
	}
	m->dl_type = 0xffff;
	if (f->dl_type == htons(WFT_ETH_TYPE_IP)) {
		m->nw_src = m->nw_dst = UINT32_MAX;
	} else if (f->dl_type == htons(WFT_ETH_TYPE_IPV6)) {
		memset(&m->ipv6_src, 0xff, sizeof(m->ipv6_src));
		memset(&m->ipv6_dst, 0xff, sizeof(m->ipv6_dst));
	} else {
		memset(m->dl_src, 0xff, sizeof(m->dl_src));
		memset(m->dl_dst, 0xff, sizeof(m->dl_dst));
	}
	if (f->dl_type == htons(WFT_ETH_TYPE_IP) ||
	    f->dl_type == htons(WFT_ETH_TYPE_IPV6)) {
		m->nw_proto = 0xff;
		if ((f->nw_proto == IPPROTO_TCP || f->nw_proto == IPPROTO_UDP ||
		     f->nw_proto == IPPROTO_SCTP) &&
		    !(f->nw_frag & WFT_FRAG_LATER))
			m->tp_src = m->tp_dst = 0xffff;
	}
	wft_xlate_read(ctx, &bits);
	return wft_flow_hash(f, &bits, SELECT_BASIS);
}

static const struct wft_bucket *select_bucket(struct wft_xlate_ctx *ctx,
					      const struct wft_group *g)
{
	uint64_t total = 0, pick;
	size_t i;

	for (i = 0; i < g->n_buckets; i++)
		total += g->buckets[i].weight;
	if (!total)
		return NULL;
	pick = select_hash(ctx, g) % total;
	for (i = 0; i < g->n_buckets; i++) {
		if (pick < g->buckets[i].weight)
			return &g->buckets[i];
		pick -= g->buckets[i].weight;
	}
	return NULL;
}

void wft_xlate_group(struct wft_xlate_ctx *ctx, uint32_t id)
{
	const struct wft_group *g;
	const struct wft_bucket *b;
	size_t i;

	g = wft_pipeline_group_lookup(ctx->in->pipeline, id);
	if (!g) {
		wft_xlate_note(ctx, "group:%u: no such group, dropped", id);
		return;
	}
	switch (g->type) {
	case WFT_GROUP_TYPE_ALL:
		for (i = 0; i < g->n_buckets && !ctx->stop; i++)
			wft_xlate_clone(ctx, &g->buckets[i].actions);
		break;
	case WFT_GROUP_TYPE_INDIRECT:
		if (g->n_buckets)
			wft_xlate_clone(ctx, &g->buckets[0].actions);
		break;
	case WFT_GROUP_TYPE_SELECT:
		b = select_bucket(ctx, g);
		if (!b) {
			wft_xlate_note(ctx, "group:%u: no bucket to select",
				       id);
			return;
		}
		wft_xlate_note(ctx, "group:%u: bucket %u", id, b->bucket_id);
		wft_xlate_clone(ctx, &b->actions);
		break;
	}
}
