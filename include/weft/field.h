/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fields of struct wft_flow by name: what ovs-ofctl calls them, how wide
 * they are, where they live, what a rule must match before it may match
 * them (prerequisites), and whether actions may write them.
 *
 * Every field is a big-endian byte string of n_bytes at offset in struct
 * wft_flow, of which n_bits starting at bit shift (counted from the least
 * significant bit) are meaningful: vlan_vid is 2 bytes, 13 bits, shift 0;
 * vlan_pcp shares those 2 bytes, 3 bits, shift 13. A field's value, as
 * subfields and set_field see it, is those bits moved down to bit 0. A
 * subfield "reg0[8..15]" or "NXM_NX_REG0[8..15]" is a field plus a bit
 * range counted from the least significant bit of that value.
 *
 * Two fields are views narrower than their storage, as in OVS: in_port is
 * the 16-bit OpenFlow 1.0 port (NXM_OF_IN_PORT) over the 32-bit in_port,
 * reserved ports 0xff00.. mapping to 0xffffff00.. on write; nw_tos is the
 * whole ToS byte of which writes touch only the DSCP bits (0xfc).
 */
#ifndef WEFT_FIELD_H
#define WEFT_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/flow.h"

enum wft_field_id {
	WFT_F_IN_PORT,
	WFT_F_REG0,		/* .. WFT_F_REG0 + 15 */
	WFT_F_XREG0 = WFT_F_REG0 + WFT_N_REGS,	/* .. + 7 */
	WFT_F_XXREG0 = WFT_F_XREG0 + WFT_N_XREGS,	/* .. + 3 */
	WFT_F_METADATA = WFT_F_XXREG0 + WFT_N_XXREGS,
	WFT_F_PKT_MARK,
	WFT_F_SKB_PRIORITY,
	WFT_F_DP_HASH,
	WFT_F_ETH_SRC,
	WFT_F_ETH_DST,
	WFT_F_ETH_TYPE,
	WFT_F_VLAN_TCI,
	WFT_F_VLAN_VID,		/* OF1.2+ vlan_vid: VID with the present bit */
	WFT_F_VLAN_PCP,
	WFT_F_DL_VLAN,		/* OF1.0 dl_vlan: VID only */
	WFT_F_DL_VLAN_PCP,
	WFT_F_IP_SRC,		/* nw_src */
	WFT_F_IP_DST,		/* nw_dst */
	WFT_F_IPV6_SRC,
	WFT_F_IPV6_DST,
	WFT_F_IPV6_LABEL,
	WFT_F_IP_PROTO,		/* nw_proto */
	WFT_F_IP_DSCP,		/* nw_tos (DSCP in the high 6 bits) */
	WFT_F_IP_DSCP_SHIFTED,	/* ip_dscp (0..63) */
	WFT_F_IP_ECN,		/* nw_ecn */
	WFT_F_IP_TTL,		/* nw_ttl */
	WFT_F_IP_FRAG,
	WFT_F_ARP_OP,
	WFT_F_ARP_SPA,
	WFT_F_ARP_TPA,
	WFT_F_ARP_SHA,
	WFT_F_ARP_THA,
	WFT_F_TCP_SRC,
	WFT_F_TCP_DST,
	WFT_F_TCP_FLAGS,
	WFT_F_UDP_SRC,
	WFT_F_UDP_DST,
	WFT_F_SCTP_SRC,
	WFT_F_SCTP_DST,
	WFT_F_ICMPV4_TYPE,
	WFT_F_ICMPV4_CODE,
	WFT_F_ICMPV6_TYPE,
	WFT_F_ICMPV6_CODE,
	WFT_F_ND_TARGET,
	WFT_F_ND_SLL,
	WFT_F_ND_TLL,
	WFT_F_TUN_ID,		/* tun_id, tunnel_id */
	WFT_F_TUN_SRC,
	WFT_F_TUN_DST,
	WFT_F_TUN_IPV6_SRC,
	WFT_F_TUN_IPV6_DST,
	WFT_F_TUN_FLAGS,	/* 1 bit: oam */
	WFT_F_CT_STATE,		/* conntrack: read-only but for ct_mark and */
	WFT_F_CT_ZONE,		/* ct_label, which only ct(exec(...)) may */
	WFT_F_CT_MARK,		/* write */
	WFT_F_CT_LABEL,
	WFT_F_CT_NW_PROTO,
	WFT_F_CT_NW_SRC,
	WFT_F_CT_NW_DST,
	WFT_F_CT_IPV6_SRC,
	WFT_F_CT_IPV6_DST,
	WFT_F_CT_TP_SRC,
	WFT_F_CT_TP_DST,
	WFT_F_CONJ_ID,		/* conj_id: match only, see cls.h */
	WFT_F_TUN_METADATA0,	/* .. WFT_F_TUN_METADATA0 + 63 */
	WFT_N_FIELDS = WFT_F_TUN_METADATA0 + WFT_N_TUN_METADATA
};

static inline bool wft_field_id_is_tun_md(enum wft_field_id id)
{
	return id >= WFT_F_TUN_METADATA0 && id < WFT_N_FIELDS;
}

/* What must be matched (exactly) before a field may be matched or set. */
enum wft_prereq {
	WFT_P_NONE,
	WFT_P_VLAN,		/* a VLAN tag present (vlan_tci CFI) */
	WFT_P_ARP,		/* dl_type arp or rarp */
	WFT_P_IP,		/* dl_type ip or ipv6 */
	WFT_P_IPV4,
	WFT_P_IPV6,
	WFT_P_TCP,		/* ip or ipv6, nw_proto 6 */
	WFT_P_UDP,
	WFT_P_SCTP,
	WFT_P_ICMPV4,
	WFT_P_ICMPV6,
	WFT_P_ND,		/* icmpv6 type 135 or 136, code 0 */
	WFT_P_ND_SOLICIT,	/* icmpv6 type 135 */
	WFT_P_ND_ADVERT,	/* icmpv6 type 136 */
	WFT_P_CT,		/* a conntrack entry: ct_state with one of
				 * new, est, rel, rpl, snat, dnat set, or +trk
				 * with -inv (OVS's "CT" prerequisite) */
};

/* How a value prints and parses. */
enum wft_field_format {
	WFT_FMT_DECIMAL,
	WFT_FMT_HEX,
	WFT_FMT_ETHERNET,	/* 00:11:22:33:44:55 */
	WFT_FMT_IPV4,		/* 10.0.0.1, with /len or /mask */
	WFT_FMT_IPV6,
	WFT_FMT_OFP_PORT,	/* numbers, or LOCAL, IN_PORT, ... */
	WFT_FMT_FRAG,		/* no, first, later, yes, not_later */
	WFT_FMT_TCP_FLAGS,	/* +syn-ack or 0x012/0xfff */
	WFT_FMT_TNL_FLAGS,	/* +oam, -oam, oam, 0x1/0x1 */
	WFT_FMT_CT_STATE,	/* +trk-new, trk|est, 0x21/0x3f */
};

/* Whether @id is ct_mark or ct_label: the fields only the actions nested
 * in ct(exec(...)) may write, and only there. */
static inline bool wft_field_id_is_ct_writable(enum wft_field_id id)
{
	return id == WFT_F_CT_MARK || id == WFT_F_CT_LABEL;
}

struct wft_field {
	enum wft_field_id id;
	const char *name;	/* as ovs-ofctl prints it in a match: "nw_src" */
	const char *alias;	/* another accepted name ("ip_src"), or NULL */
	const char *nxm_name;	/* "NXM_OF_IP_SRC", for load/move; or NULL */
	const char *oxm_name;	/* "OXM_OF_IPV4_SRC"; or NULL */
	uint16_t offset;	/* in struct wft_flow */
	uint8_t n_bytes;
	uint16_t n_bits;
	uint8_t shift;		/* lowest meaningful bit within the bytes */
	enum wft_prereq prereq;
	enum wft_field_format format;
	bool maskable;		/* may be matched with an arbitrary mask */
	bool writable;		/* set_field, load and move may write it */
};

/*
 * The field @id, or the one named @name (any of its names), or NULL.
 *
 * tun_metadata0..63 have no fixed place: the GENEVE TLV map of the bridge
 * a rule belongs to gives each mapped one its length and its offset in
 * struct wft_flow's tun_md (include/weft/tlv_map.h). While a map is active
 * in the calling thread (wft_tlv_map_activate()), these return the map's
 * own descriptors (NULL for an unmapped tun_metadataN, which
 * wft_field_tun_md_unmapped() then explains). With no map active, as in
 * offline tools, tun_metadataN is 4 bytes at offset 4 * N: every field
 * fits in the 256 bytes, and OVN's one option (4 bytes) is representable.
 */
const struct wft_field *wft_field_from_id(enum wft_field_id id);
const struct wft_field *wft_field_from_name(const char *name, size_t len);

/* Whether @name is tun_metadataN (any spelling) that the active map does
 * not map; writes the message into @err. */
bool wft_field_tun_md_unmapped(const char *name, size_t len, char *err,
			       size_t errlen);

/* The bits of @field within its bytes, as a big-endian mask of
 * @field->n_bytes bytes (vlan_pcp: e0 00; nw_tos: fc). */
void wft_field_bytes_mask(const struct wft_field *field, uint8_t *mask);

/* A bit range of a field: "reg0[8..15]", "NXM_OF_ETH_DST[]". */
struct wft_subfield {
	const struct wft_field *field;
	unsigned int ofs;	/* lowest bit, from the field's LSB */
	unsigned int n_bits;
};

/* Parses a subfield "NAME[]", "NAME[a..b]", "NAME[a]" or "NAME" (the
 * whole field) at the start of @s; returns 0 and stores it and the number
 * of characters used, or -EINVAL with the reason in @err. */
int wft_subfield_parse(const char *s, struct wft_subfield *sf, size_t *used,
		       char *err, size_t errlen);

/*
 * Reads and writes @sf's bits of @flow; @value holds the bits right-aligned
 * in a big-endian buffer of @sf->field->n_bytes (at most 16). Setting also
 * sets the same bits in @wc when it is not NULL.
 */
void wft_subfield_get(const struct wft_subfield *sf, const struct wft_flow *flow,
		      uint8_t *value);
void wft_subfield_set(const struct wft_subfield *sf, const uint8_t *value,
		      struct wft_flow *flow, struct wft_flow_wc *wc);

/* Whether @flow matches the prerequisites of @field under the rule's mask
 * @wc (each prerequisite field exactly matched with the right value). */
bool wft_field_prereqs_ok(const struct wft_field *field,
			  const struct wft_flow *flow,
			  const struct wft_flow_wc *wc);

#endif /* WEFT_FIELD_H */
