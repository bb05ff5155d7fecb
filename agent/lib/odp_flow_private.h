/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals shared by odp_flow.c and odp_flow_mask.c: where each datapath
 * key field lives in struct wft_flow and how its bytes convert. Not an API:
 * include/weft/odp_flow.h is.
 */
#ifndef WEFT_ODP_FLOW_PRIVATE_H
#define WEFT_ODP_FLOW_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "uapi/linux/weft.h"
#include "weft/odp_flow.h"

enum odpf_conv {
	ODPF_RAW,	/* the same bytes */
	ODPF_U32,	/* __be32 in the flow, host u32 in the attribute */
	ODPF_PORT,	/* ODPF_U32 through the port map; masks all or none */
	ODPF_FRAG,	/* WFT_FRAG_* bits <-> enum weft_frag_type */
	ODPF_ARP_OP,	/* the opcode's low byte <-> __be16 */
	ODPF_U16,	/* __be16 in the flow, host u16 in the attribute */
	ODPF_U128,	/* be128 in the flow, host u32[4] (word 0 lowest) in
			 * the attribute: ct labels as nf_conntrack keeps them */
};

struct odpf_field {
	uint16_t attr;		/* in the header's nest; 0 for a scalar */
	uint16_t woff;		/* in struct wft_flow */
	uint8_t wlen;		/* bytes there */
	uint8_t alen;		/* bytes of the attribute's payload */
	uint8_t conv;		/* enum odpf_conv */
	bool settable;		/* a set action may write it */
};

struct odpf_header {
	const struct odpf_field *fields;
	uint8_t n_fields;
	bool scalar;		/* the attribute is the value, not a nest */
};

extern const struct odpf_header wft_odpf_headers[WEFT_KEY_A_MAX + 1];

/* ct labels: be128 (the flow) <-> u32[4] in host order, word 0 the lowest
 * (the datapath), @to_words saying which way. */
void wft_odpf_u128_swap(const uint8_t *in, uint8_t *out, bool to_words);

/* Whether mask @m has bits in field @f. */
bool wft_odpf_has_bits(const struct wft_flow *m, const struct odpf_field *f);

/*
 * Appends header @hdr with the fields of @src that have bits in @sel (all
 * of them when @sel is NULL), converted as a key's or, with @as_mask, a
 * mask's. Returns the number of fields put, or -ENOENT (port map).
 */
int wft_odpf_put_fields(struct wft_attrbuf *b, uint16_t hdr,
			const struct wft_flow *src,
			const struct wft_flow_wc *sel, bool as_mask,
			const struct wft_odp_flow_ports *ports);

/* odp_flow_tunnel.c: the payload of a WEFT_KEY_A_TUNNEL nest into
 * @flow (0 or -EINVAL); the nest of a megaflow's key and mask (nothing
 * for a flow that did not come in over a tunnel). @kf is the masked key,
 * @flow the packet's own. */
int wft_odpf_tunnel_read(const void *payload, size_t len,
			 struct wft_flow *flow);
void wft_odpf_tunnel_put(const struct wft_flow *flow,
			 const struct wft_flow *kf, const struct wft_flow_wc *w,
			 struct wft_attrbuf *key, struct wft_attrbuf *mask);

#endif /* WEFT_ODP_FLOW_PRIVATE_H */
