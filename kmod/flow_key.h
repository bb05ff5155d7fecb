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

/* Bound on the IPv6 extension headers walked before giving up. */
#define WEFT_IPV6_MAX_EXT_HDRS	8

struct weft_key_vlan {
	__be16 tpid;
	__be16 tci;		/* VLAN_CFI_MASK set when the tag is present */
};

struct weft_flow_key {
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
 * @key: the key; the header part (everything after md) is zeroed and filled.
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

#endif /* _WEFT_FLOW_KEY_H */
