/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet as weftd's pipeline sees it: one fixed struct with every field
 * a rule can match or an action can write, and the same struct as a mask.
 *
 * Every field is stored in network byte order (big-endian), registers and
 * metadata included, so that any field is a byte string at an offset: one
 * bit-range code serves set_field, load and move on every field, the xreg
 * and xxreg views are just wider windows on consecutive registers (xreg0 is
 * reg0 in its high half and reg1 in its low half, as in OVS), and a mask is
 * the same struct with 1 bits where a value matters. A megaflow mask is the
 * OR of every mask a lookup consulted.
 *
 * Padding is explicit and always zero, so that flows can be hashed and
 * compared with memcmp().
 */
#ifndef WEFT_FLOW_H
#define WEFT_FLOW_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WFT_N_REGS	16	/* reg0..15 */
#define WFT_N_XREGS	8	/* xreg0..7: 64-bit views of reg pairs */
#define WFT_N_XXREGS	4	/* xxreg0..3: 128-bit views of reg quads */

/* Tunnel flags (tun_flags). Only OAM is an OpenFlow field bit (tun_flags
 * is 1 bit wide, as in OVS); the others are the datapath's, kept beside it
 * so that one struct carries the whole tunnel key. */
#define WFT_TNL_F_OAM	0x0001
#define WFT_TNL_F_DF	0x0002	/* don't fragment the outer packet */
#define WFT_TNL_F_CSUM	0x0004	/* outer UDP checksum */
#define WFT_TNL_F_KEY	0x0008	/* a VNI is present (always for geneve/vxlan) */
#define WFT_TNL_F_CRIT	0x0010	/* a GENEVE option is critical */

/* GENEVE option space for tun_metadata0..63: 256 bytes, as OVS. */
#define WFT_TUN_MD_SIZE		256
#define WFT_N_TUN_METADATA	64
#define WFT_TUN_OPTS_MAX	252	/* GENEVE's 6-bit length in words */

/* nw_frag bits, as ovs-ofctl's ip_frag=no|first|later|yes|not_later. */
#define WFT_FRAG_ANY	0x01	/* the packet is a fragment */
#define WFT_FRAG_LATER	0x02	/* ... and not the first one */

/* vlan_tci: the CFI bit marks "a tag is present", as in OVS. */
#define WFT_VLAN_CFI	0x1000
#define WFT_VLAN_VID	0x0fff
#define WFT_VLAN_PCP	0xe000

struct wft_flow {
	/* Pipeline metadata. */
	uint32_t regs[WFT_N_REGS];	/* be32 each */
	uint64_t metadata;		/* be64 */
	uint32_t in_port;		/* be32: OpenFlow port number */
	uint32_t pkt_mark;		/* be32: skb mark */
	uint32_t skb_priority;		/* be32 */
	uint32_t recirc_id;		/* be32: datapath recirculation */
	uint32_t dp_hash;		/* be32 */
	/* OVS's conj_id: never a packet's, always 0 in one, but set by the
	 * classifier for the lookup that follows a completed conjunctive
	 * match (cls.h); it never reaches a datapath mask. */
	uint32_t conj_id;		/* be32 */
	uint32_t pad3;

	/* Conntrack state: what the datapath's key says after a ct action
	 * and a recirculation (uapi/linux/weft.h, "Connection tracking"),
	 * all zero for a packet that has not been through ct. ct_state is
	 * 32 bits as OVS's NXM field is, of which the low 8 are defined
	 * (WFT_CS_*). ct_label is the 128-bit label as a big-endian number
	 * (bit 0 is the LSB of its last byte), whatever order the datapath
	 * carries it in. The original direction's tuple (ct_nw_proto here,
	 * ct_nw_* / ct_ipv6_* with L3, ct_tp_* with L4; for ICMP, ct_tp_*
	 * hold type and code) is spread as OVS spreads it, so that the
	 * classifier's staged lookup reads them when OVS's does: a
	 * recirculated packet that misses on ct_state un-wildcards neither
	 * its headers nor the tuple. */
	uint32_t ct_state;		/* be32: WFT_CS_* */
	uint16_t ct_zone;		/* be16 */
	uint8_t ct_nw_proto;
	uint8_t pad2;
	uint32_t ct_mark;		/* be32 */
	uint8_t ct_label[16];		/* be128 */

	/* Ethernet and VLAN. */
	uint8_t dl_dst[6];
	uint8_t dl_src[6];
	uint16_t dl_type;		/* be16: after the tags */
	uint16_t vlan_tci;		/* be16: PCP, CFI (present), VID */
	uint16_t cvlan_tci;		/* be16: inner tag of 802.1ad QinQ */
	uint16_t pad0;
	uint16_t vlan_tpid;		/* be16: the outer tag's TPID, 0: none */
	uint16_t cvlan_tpid;		/* be16: the inner tag's TPID, 0: none */

	/* IPv4, IPv6, ARP. ARP reuses nw_src/nw_dst (spa/tpa) and nw_proto
	 * (the opcode's low byte), as OVS does. */
	uint32_t nw_src;		/* be32 */
	uint32_t nw_dst;		/* be32 */
	struct in6_addr ipv6_src;
	struct in6_addr ipv6_dst;
	uint32_t ipv6_label;		/* be32, low 20 bits */
	uint8_t nw_proto;
	uint8_t nw_tos;			/* DSCP (high 6 bits) and ECN (low 2) */
	uint8_t nw_ttl;
	uint8_t nw_frag;		/* WFT_FRAG_* */
	uint8_t arp_sha[6];		/* also the ND source link-layer address */
	uint8_t arp_tha[6];		/* also the ND target link-layer address */
	struct in6_addr nd_target;
	uint32_t ct_nw_src;		/* be32 */
	uint32_t ct_nw_dst;		/* be32 */
	struct in6_addr ct_ipv6_src;
	struct in6_addr ct_ipv6_dst;

	/* Transport. ICMP type and code live in tp_src and tp_dst. */
	uint16_t tp_src;		/* be16 */
	uint16_t tp_dst;		/* be16 */
	uint16_t tcp_flags;		/* be16, low 12 bits */
	uint16_t ct_tp_src;		/* be16 */
	uint16_t ct_tp_dst;		/* be16 */
	uint16_t pad1;

	/* Tunnel metadata. On receive: what the datapath's tunnel key held
	 * (the packet came in over a tunnel when tun_dst or tun_ipv6_dst is
	 * set). On output to a tunnel port: what set(tunnel(...)) carries.
	 * tun_md holds tun_metadata0..63 at the offsets the bridge's GENEVE
	 * TLV map gives them (include/weft/tlv_map.h); bit N of
	 * tun_md_present says tun_metadataN is present (matched or set). */
	uint64_t tun_id;		/* be64 */
	uint32_t tun_src;		/* be32 */
	uint32_t tun_dst;		/* be32 */
	struct in6_addr tun_ipv6_src;
	struct in6_addr tun_ipv6_dst;
	uint16_t tun_flags;		/* be16: WFT_TNL_F_* */
	uint8_t tun_tos;
	uint8_t tun_ttl;
	uint16_t tun_tp_src;		/* be16: outer UDP ports */
	uint16_t tun_tp_dst;
	uint64_t tun_md_present;	/* host order, bit N: tun_metadataN */
	uint8_t tun_md[WFT_TUN_MD_SIZE];
	/* The GENEVE options as the datapath key had them (wire format),
	 * which a megaflow must repeat with the same length; tun_md is the
	 * pipeline's view of the mapped ones (tlv_map.h). */
	uint32_t tun_opts_len;		/* host order, bytes */
	uint8_t tun_opts[WFT_TUN_OPTS_MAX];

} __attribute__((aligned(8)));

/* ct_state bits, the values of uapi/linux/weft.h's enum weft_ct_state and
 * of OVS's CS_* (ct_state=+trk is 0x20 everywhere). */
#define WFT_CS_NEW		0x01
#define WFT_CS_ESTABLISHED	0x02
#define WFT_CS_RELATED		0x04
#define WFT_CS_REPLY_DIR	0x08
#define WFT_CS_INVALID		0x10
#define WFT_CS_TRACKED		0x20
#define WFT_CS_SRC_NAT		0x40
#define WFT_CS_DST_NAT		0x80
#define WFT_CS_ALL		0xff

/* A mask: 1 bits where the value of the paired struct wft_flow matters. */
struct wft_flow_wc {
	struct wft_flow masks;
};

/* Sets every bit of @wc (an exact match) or clears every bit (match all). */
void wft_flow_wc_init_exact(struct wft_flow_wc *wc);
void wft_flow_wc_init_catchall(struct wft_flow_wc *wc);

/* @dst |= @src, field by field: used to accumulate what lookups consulted. */
void wft_flow_wc_or(struct wft_flow_wc *dst, const struct wft_flow_wc *src);

/* @dst = @flow & @wc. */
void wft_flow_zero_wildcards(struct wft_flow *flow, const struct wft_flow_wc *wc);

/* Whether @a and @b agree on every bit of @wc. */
bool wft_flow_equal_except(const struct wft_flow *a, const struct wft_flow *b,
			   const struct wft_flow_wc *wc);

/* A hash of @flow's bits under @wc (NULL: all of them), with @basis. */
uint32_t wft_flow_hash(const struct wft_flow *flow,
		       const struct wft_flow_wc *wc, uint32_t basis);

/* Common EtherTypes and IP protocols, in host order. */
#define WFT_ETH_TYPE_IP		0x0800
#define WFT_ETH_TYPE_ARP	0x0806
#define WFT_ETH_TYPE_RARP	0x8035
#define WFT_ETH_TYPE_VLAN	0x8100
#define WFT_ETH_TYPE_VLAN_8021AD 0x88a8
#define WFT_ETH_TYPE_IPV6	0x86dd

#endif /* WEFT_FLOW_H */
