/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow key: every field the datapath can match, extracted once per
 * packet. Masks are keys too; the table compares only the byte range a mask
 * covers, so the layout keeps metadata first and word alignment throughout.
 */
#ifndef _WEFT_FLOW_KEY_H
#define _WEFT_FLOW_KEY_H

#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <uapi/linux/weft.h>

/* Bound on the IPv6 extension headers walked before giving up. */
#define WEFT_IPV6_MAX_EXT_HDRS	8

struct weft_key_vlan {
	__be16 tpid;
	__be16 tci;		/* VLAN_CFI_MASK set when the tag is present */
};

/*
 * The outer headers of a packet a tunnel vport received (all zero for any
 * other packet). The IPv4 and IPv6 addresses do not share storage, so that
 * a flow matching an IPv4 endpoint never matches an IPv6 tunnel and no
 * family field is needed.
 */
struct weft_key_tunnel {
	__be64 id;			/* VNI in the low 24 bits */
	__be32 ipv4_src;
	__be32 ipv4_dst;
	struct in6_addr ipv6_src;
	struct in6_addr ipv6_dst;
	__be16 tp_src;
	__be16 tp_dst;
	u16 flags;			/* enum weft_tunnel_flags */
	u8 tos;
	u8 ttl;
	u8 opts_len;			/* GENEVE option bytes; mask: 0 or 0xff */
	u8 pad[7];
};

struct weft_tun_set;

/*
 * What the last ct action learnt about the packet (all zero before one).
 * Matchable; a flow sees them after a recirculation. state comes last, next
 * to md in struct weft_flow_key: a megaflow matching ct_state (every
 * recirculated one) then hashes 4 bytes of it, not the labels.
 */
struct weft_key_ct {
	u32 labels[WEFT_CT_LABELS_LEN / 4];	/* nf_conntrack's order */
	u32 mark;
	u16 zone;
	u16 pad;
	u32 state;			/* enum weft_ct_state */
};

/*
 * The original direction of the packet's connection (of its master for a
 * related one); the IPv4 and IPv6 addresses do not share storage, as in
 * struct weft_key_tunnel. For ICMP the ports hold type and code.
 */
struct weft_key_ct_orig {
	__be32 ipv4_src;
	__be32 ipv4_dst;
	struct in6_addr ipv6_src;
	struct in6_addr ipv6_dst;
	__be16 tp_src;
	__be16 tp_dst;
	u8 proto;
	u8 pad[3];
};

/*
 * GENEVE options sit first and right-aligned (they end where the tunnel
 * header begins), so that a mask covering n option bytes starts only n
 * bytes before the tunnel header: the table compares only the byte range a
 * mask covers, and flows that match no options never pay for them.
 */
struct weft_flow_key {
	u8 tun_opts[WEFT_TUN_OPTS_MAX];
	struct weft_key_tunnel tun;
	/*
	 * Not a match field (masks never cover it): the tunnel metadata the
	 * last set(tunnel) of the running action list wrote, for the next
	 * output to a tunnel vport. Points into the flow's action list, which
	 * lives as long as the RCU read side that runs it. NULL otherwise.
	 */
	const struct weft_tun_set *egress_tun;
	/*
	 * Not a match field either: the largest fragment of a packet that a
	 * ct action reassembled (0: not reassembled); outputs cut the packet
	 * back into fragments of at most this many bytes of IP packet.
	 */
	u16 ct_mru;
	/*
	 * Kept by extraction (which starts at eth), like md. Before md, not
	 * between md and eth: the table hashes and compares the byte range a
	 * mask covers, and nearly every mask covers md and eth, so 68 bytes of
	 * rarely matched ct fields there cost every lookup (bench_ct: 0.84x
	 * OVS's pps through a ct pipeline; 0.96x with them here).
	 */
	struct weft_key_ct_orig ct_orig;
	struct weft_key_ct ct;
	struct {
		u32 in_port;
		u32 skb_mark;
		u32 priority;
		u32 recirc_id;
		u32 dp_hash;
	} md;
	struct {
		u8 src[ETH_ALEN];
		u8 dst[ETH_ALEN];
		struct weft_key_vlan vlan;	/* outer tag */
		struct weft_key_vlan cvlan;	/* inner tag (802.1ad) */
		__be16 type;			/* after the tags */
	} eth;
	struct {
		u8 proto;	/* IP protocol; for ARP the low byte of op */
		u8 tos;		/* IPv4 TOS or IPv6 traffic class */
		u8 ttl;		/* IPv4 TTL or IPv6 hop limit */
		u8 frag;	/* enum weft_frag_type */
	} ip;
	struct {
		__be16 src;	/* TCP/UDP/SCTP port; ICMP type as htons */
		__be16 dst;	/* TCP/UDP/SCTP port; ICMP code as htons */
		__be16 flags;	/* TCP flags */
	} tp;
	union {
		struct {
			__be32 src;	/* also the ARP sender IP */
			__be32 dst;	/* also the ARP target IP */
			struct {
				u8 sha[ETH_ALEN];
				u8 tha[ETH_ALEN];
			} arp;
		} ipv4;
		struct {
			struct in6_addr src;
			struct in6_addr dst;
			__be32 label;	/* low 20 bits */
			struct {
				struct in6_addr target;
				u8 sll[ETH_ALEN];
				u8 tll[ETH_ALEN];
			} nd;
		} ipv6;
	};
} __aligned(BITS_PER_LONG / 8);

/**
 * weft_flow_key_extract() - fill @key from @skb, whose metadata fields
 * (in_port, skb_mark, priority, recirc_id, dp_hash) the caller has set.
 * @skb: the packet, with skb->data at the Ethernet header (a vport's
 *       rx_handler pushes the header back first). skb->data is not moved;
 *       the mac, network and transport header offsets and mac_len are set
 *       as a side effect so that actions can find the headers. Headers
 *       that were parsed are linear afterwards. The skb must not be shared.
 * @key: the key; the header part (everything from eth on) is zeroed and
 *       filled; metadata and the ct fields are kept.
 *
 * An accelerated VLAN tag (skb_vlan_tag_present()) is the outer tag; tags in
 * the frame follow it. At most two tags are keyed (eth.vlan, eth.cvlan); a
 * further tag leaves its TPID in eth.type and ends extraction.
 *
 * Malformed or truncated headers end extraction at the last good layer;
 * they never fail it: a field of a layer that could not be read stays zero.
 * An IPv4 later fragment has no transport fields; so has an IPv6 packet
 * whose extension header chain is truncated, too long (more than
 * WEFT_IPV6_MAX_EXT_HDRS headers) or ends in a later fragment; its ip.proto
 * is then the next header value where the walk stopped.
 *
 * Return: 0, or -ENOMEM when the skb could not be made linear enough.
 */
int weft_flow_key_extract(struct sk_buff *skb, struct weft_flow_key *key);

/**
 * weft_flow_key_extract_userspace() - weft_flow_key_extract() for a packet
 * injected by WEFT_CMD_PACKET_EXECUTE.
 * @skb: the frame from netlink, skb->data at the Ethernet header;
 *       skb->protocol is set from its EtherType first (ETH_P_802_2 for an
 *       802.3 length), as eth_type_trans() would have on receive.
 * @key: its metadata was parsed from netlink; the rest is filled.
 *
 * Return: 0 or -ENOMEM.
 */
int weft_flow_key_extract_userspace(struct sk_buff *skb,
				    struct weft_flow_key *key);

/* The first byte of the key's GENEVE options (key->tun.opts_len of them). */
static inline u8 *weft_key_tun_opts(struct weft_flow_key *key)
{
	return key->tun_opts + WEFT_TUN_OPTS_MAX - key->tun.opts_len;
}

/* Zero the tunnel part of @key: a packet that did not come through a tunnel. */
static inline void weft_key_tun_clear(struct weft_flow_key *key)
{
	memset(&key->tun, 0, sizeof(key->tun));
	key->egress_tun = NULL;
}

/* Zero the conntrack part of @key: a packet that went through no ct action. */
static inline void weft_key_ct_clear(struct weft_flow_key *key)
{
	memset(&key->ct, 0, sizeof(key->ct));
	memset(&key->ct_orig, 0, sizeof(key->ct_orig));
	key->ct_mru = 0;
}

#endif /* _WEFT_FLOW_KEY_H */
