/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct wft_flow to and from the datapath's flow keys and masks: the
 * contents of WEFT_PACKET_A_KEY (an upcall) become a flow for xlate, and a
 * flow with its megaflow mask becomes WEFT_FLOW_A_KEY and WEFT_FLOW_A_MASK
 * for WEFT_CMD_FLOW_NEW.
 *
 * The datapath's rules shape the key (uapi/linux/weft.h, kmod/key_parse.c):
 *  - a header may be matched only when its prerequisites are matched
 *    exactly (ipv4 needs eth_type 0x0800, tcp needs ip proto 6 and a packet
 *    that is not a later fragment, nd needs icmpv6 type 135/136, cvlan the
 *    outer tag), so the mask is widened to what they need
 *    (wft_odp_flow_widen()) and a header nest appears only when they hold;
 *  - as in openvswitch.ko, a megaflow always matches the outer VLAN TCI (an
 *    untagged flow matches "no tag"), and the inner one after a tag;
 *  - datapath port numbers are not OpenFlow's: a callback maps them.
 *
 * wft_flow keeps no VLAN TPIDs: a key's outer tag is 0x88a8 when an inner
 * tag follows, else 0x8100, and masks leave TPIDs wildcarded.
 */
#ifndef WEFT_ODP_FLOW_H
#define WEFT_ODP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/attrbuf.h"
#include "weft/flow.h"

struct wft_odp_flow_ports {
	/* Each returns 0 and sets *@out, or -ENOENT for a port it does not
	 * know. A NULL callback (or a NULL struct) maps ports to themselves. */
	int (*to_ofp)(void *aux, uint32_t odp_port, uint32_t *out);
	int (*to_odp)(void *aux, uint32_t ofp_port, uint32_t *out);
	void *aux;
};

/*
 * Reads a key (a sequence of WEFT_KEY_A_* attributes, the payload of
 * WEFT_PACKET_A_KEY) into @flow, zeroing what the key leaves out. Returns 0,
 * -EINVAL for a malformed attribute, or -ENOENT when in_port maps to no
 * OpenFlow port.
 */
int wft_odp_key_to_flow(const void *key, size_t len,
			const struct wft_odp_flow_ports *ports,
			struct wft_flow *flow);

/* Widens @wc, a megaflow mask for @flow, with what the datapath requires
 * (see above). Idempotent. */
void wft_odp_flow_widen(const struct wft_flow *flow, struct wft_flow_wc *wc);

/*
 * Appends to @key the key of @flow and, when @mask is not NULL, to @mask
 * the megaflow mask @wc widened (@wc NULL: exact). Header nests appear for
 * the headers @flow has whose prerequisites the (widened) mask matches.
 * Returns 0, -ENOENT when in_port maps to no datapath port, or the
 * buffers' error.
 */
int wft_odp_flow_to_key(const struct wft_flow *flow,
			const struct wft_flow_wc *wc,
			const struct wft_odp_flow_ports *ports,
			struct wft_attrbuf *key, struct wft_attrbuf *mask);
/*
 * The same for a megaflow whose mask @wc wft_odp_flow_widen() has widened
 * already (an upcall's translation): it skips the copy and the widening of
 * the mask, a pass over struct wft_flow each.
 */
int wft_odp_megaflow_to_key(const struct wft_flow *flow,
			    const struct wft_flow_wc *wc,
			    const struct wft_odp_flow_ports *ports,
			    struct wft_attrbuf *key, struct wft_attrbuf *mask);

/*
 * The compact key (struct weft_key_compact, WEFT_F_KEY_COMPACT): one fixed
 * layout instead of the attributes above, for the upcall and flow install
 * fast path. It carries no tunnel and no ct original tuple.
 *
 * wft_odp_compact_to_flow() reads a miss's compact key into @flow as
 * wft_odp_key_to_flow() reads the attribute form: 0, -EINVAL (unknown
 * version) or -ENOENT (in_port maps to no OpenFlow port).
 *
 * wft_odp_megaflow_to_compact() writes the megaflow of @flow and its
 * widened mask @wc (as wft_odp_megaflow_to_key() takes them) into @key
 * and @mask, with the fields the attribute form would put and no others:
 * 0, -ENOENT (port map), or -EOPNOTSUPP when the megaflow needs what the
 * layout lacks (a tunnel, ct original tuple fields): put attributes then.
 *
 * wft_odp_compact_md_key() writes the metadata of a compact key as the
 * WEFT_KEY_A_* attributes an execute's key (or a put's PACKET_KEY) wants,
 * returning their length (at most WFT_ODP_COMPACT_MD_MAX).
 */
struct weft_key_compact;

#define WFT_ODP_COMPACT_MD_MAX	96

int wft_odp_compact_to_flow(const struct weft_key_compact *c,
			    const struct wft_odp_flow_ports *ports,
			    struct wft_flow *flow);
int wft_odp_megaflow_to_compact(const struct wft_flow *flow,
				const struct wft_flow_wc *wc,
				const struct wft_odp_flow_ports *ports,
				struct weft_key_compact *key,
				struct weft_key_compact *mask);
size_t wft_odp_compact_md_key(const struct weft_key_compact *c,
			      uint8_t out[WFT_ODP_COMPACT_MD_MAX]);

/*
 * For set actions: appends one header nest @hdr (a WEFT_KEY_A_* header or
 * SKB_MARK/PRIORITY) holding, for each field with bits in @sel, the
 * field's value from @src (or, with @as_mask, @sel's bits themselves).
 * Returns how many fields it put.
 */
int wft_odp_flow_put_header(struct wft_attrbuf *b, uint16_t hdr,
			    const struct wft_flow *src,
			    const struct wft_flow_wc *sel, bool as_mask);

/* Sets in @wc every bit of every field of header @hdr. */
void wft_odp_flow_header_bits(uint16_t hdr, struct wft_flow_wc *wc);
/* Sets in @wc the bits of the @i-th field of header @hdr; false when the
 * header has no such field. */
bool wft_odp_flow_field_bits(uint16_t hdr, unsigned int i,
			     struct wft_flow_wc *wc);

/* Whether every field of header @hdr that has bits in @sel has all of
 * them (a set of whole fields, which needs no mask). */
bool wft_odp_flow_header_whole(uint16_t hdr, const struct wft_flow_wc *sel);

/* Whether the datapath can set every field of @hdr that has bits in @sel
 * (ip proto, frag, tcp flags and ICMP type/code cannot be set). */
bool wft_odp_flow_header_settable(uint16_t hdr,
				  const struct wft_flow_wc *sel);

/*
 * Tunnels (WEFT_KEY_A_TUNNEL). A flow came in over a tunnel when it has a
 * tunnel destination (the key of every packet a tunnel vport receives
 * has one). Its megaflow matches, as OVS's always do, the VNI, both
 * addresses, the DF/CSUM/KEY flags and the TOS exactly, and repeats the
 * packet's GENEVE options at their length (wft_odp_flow_widen()).
 */
bool wft_odp_flow_is_tunnel(const struct wft_flow *flow);
/* WFT_TNL_F_* <-> enum weft_tunnel_flags. */
uint16_t wft_odp_tnl_flags_to_odp(uint16_t wft);
uint16_t wft_odp_tnl_flags_from_odp(uint16_t odp);

/* What a set(tunnel(...)) action carries (uapi/linux/weft.h). */
struct wft_odp_tunnel {
	uint64_t id;			/* be64 */
	bool v6;
	uint8_t src[16];		/* IPv4: the first 4 bytes; 0: route's */
	uint8_t dst[16];
	uint8_t tos;
	uint8_t ttl;			/* 0: the datapath's 64 */
	uint16_t flags;			/* WFT_TNL_F_* */
	uint16_t tp_dst;		/* be16; 0: the vport's port */
	const uint8_t *opts;		/* GENEVE options, wire format */
	size_t opts_len;
};

/* Appends set(tunnel(...)) for @t. */
void wft_odp_put_set_tunnel(struct wft_attrbuf *b,
			    const struct wft_odp_tunnel *t);

#endif /* WEFT_ODP_FLOW_H */
