/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * weft: the generic netlink ABI between weft.ko and userspace.
 *
 * One family, WEFT_GENL_NAME, version WEFT_GENL_VERSION. The version is never
 * bumped: commands and attributes are only ever appended, and an attribute a
 * kernel does not know is refused (strict validation), so userspace probes
 * WEFT_CMD_GET_FEATURES instead of guessing.
 *
 * There is no fixed family header, and no C struct inside an attribute but
 * the negotiated compact flow key (struct weft_key_compact): every other
 * value is a scalar, a string, a byte array of the stated length, or a nest.
 * Each object has its own attribute space (WEFT_DP_A_*, WEFT_VPORT_A_*, ...)
 * and each command has its own strict policy in the module.
 *
 * Objects are addressed like this:
 *   datapath  WEFT_*_A_DP_IFINDEX (the ifindex of the datapath's local port,
 *             an internal netdevice named after the datapath), or, for the
 *             WEFT_CMD_DP_* commands, WEFT_DP_A_NAME.
 *   vport     a datapath plus WEFT_VPORT_A_PORT_NO or WEFT_VPORT_A_NAME.
 *   flow      a datapath plus WEFT_FLOW_A_UFID (128 bits chosen by userspace),
 *             or plus WEFT_FLOW_A_KEY when no UFID was given at creation.
 *
 * Every mutating command needs CAP_NET_ADMIN in the network namespace that owns
 * the datapath. Errors carry an extack message naming the offending attribute.
 *
 * WEFT_CMD_GET_FEATURES (doit)
 *   reply: WEFT_FEATURES_A_BITMAP, WEFT_FEATURES_A_VERSION,
 *          WEFT_FEATURES_A_MAX_ACTIONS_DEPTH, WEFT_FEATURES_A_MAX_RECIRC_DEPTH
 *
 * WEFT_CMD_DP_NEW    request: WEFT_DP_A_NAME, [WEFT_DP_A_UPCALL_PIDS],
 *                             [WEFT_DP_A_USER_FEATURES]
 *                    Creates the datapath and its local port 0 (internal).
 * WEFT_CMD_DP_DEL    request: WEFT_DP_A_NAME | WEFT_DP_A_DP_IFINDEX
 * WEFT_CMD_DP_SET    request: as DEL, plus [WEFT_DP_A_UPCALL_PIDS],
 *                             [WEFT_DP_A_USER_FEATURES]
 * WEFT_CMD_DP_GET    doit: as DEL; dumpit: every datapath of the namespace.
 *   reply (and the reply of NEW/SET): WEFT_DP_A_DP_IFINDEX, WEFT_DP_A_NAME,
 *          WEFT_DP_A_STATS, WEFT_DP_A_UPCALL_PIDS, WEFT_DP_A_USER_FEATURES,
 *          WEFT_DP_A_MASKS_CACHE_SIZE
 *   Upcalls queue in the receiving socket, bounded by its buffer
 *   (SO_RCVBUF); what does not fit is dropped and counted in
 *   WEFT_DP_STATS_A_LOST.
 *
 * WEFT_CMD_VPORT_NEW request: WEFT_VPORT_A_DP_IFINDEX, WEFT_VPORT_A_TYPE,
 *                             WEFT_VPORT_A_NAME, [WEFT_VPORT_A_PORT_NO],
 *                             [WEFT_VPORT_A_OPTIONS]
 *                    A netdev vport attaches the existing device NAME; an
 *                    internal vport creates a netdevice NAME; a geneve or
 *                    vxlan vport opens a UDP socket (OPTIONS: enum
 *                    weft_vport_options_attr) and has no netdevice (IFINDEX
 *                    0). The module picks the lowest free port number when
 *                    none is given.
 * WEFT_CMD_VPORT_DEL request: WEFT_VPORT_A_DP_IFINDEX and PORT_NO or NAME
 * WEFT_CMD_VPORT_SET request: as DEL, plus [WEFT_VPORT_A_OPTIONS]
 * WEFT_CMD_VPORT_GET doit: as DEL; dumpit: WEFT_VPORT_A_DP_IFINDEX, every port.
 *   reply: WEFT_VPORT_A_DP_IFINDEX, WEFT_VPORT_A_PORT_NO, WEFT_VPORT_A_TYPE,
 *          WEFT_VPORT_A_NAME, WEFT_VPORT_A_IFINDEX, WEFT_VPORT_A_STATS,
 *          [WEFT_VPORT_A_OPTIONS]
 *
 * WEFT_CMD_FLOW_NEW  request: WEFT_FLOW_A_DP_IFINDEX, WEFT_FLOW_A_KEY,
 *                             [WEFT_FLOW_A_MASK] (or WEFT_FLOW_A_KEY_COMPACT
 *                             and WEFT_FLOW_A_MASK_COMPACT, in this and every
 *                             flow request: struct weft_key_compact),
 *                             WEFT_FLOW_A_ACTIONS,
 *                             [WEFT_FLOW_A_UFID], [WEFT_FLOW_A_UFID_FLAGS],
 *                             [WEFT_FLOW_A_CLEAR],
 *                             [WEFT_FLOW_A_PACKET, WEFT_FLOW_A_PACKET_KEY]
 *                    Netlink flags as in OVS's datapath: NLM_F_CREATE creates;
 *                    with NLM_F_EXCL an existing flow is -EEXIST; without
 *                    NLM_F_EXCL an existing identical flow (same UFID, or same
 *                    masked key) has its actions replaced. A missing MASK means
 *                    an exact match on every field present in KEY.
 *                    With PACKET (an Ethernet frame) and PACKET_KEY (its
 *                    metadata, as WEFT_PACKET_A_KEY of an execute), the frame
 *                    then goes through ACTIONS as WEFT_CMD_PACKET_EXECUTE
 *                    would run it: a miss's flow install and its packet in
 *                    one request (WEFT_F_FLOW_EXECUTE). The frame runs once
 *                    the request is valid, whether the flow went in or not
 *                    (-EEXIST: another handler's identical flow); the error
 *                    is the flow's. A frame whose actions fail is dropped
 *                    without a word, as on a flow hit. Only FLOW_NEW takes
 *                    PACKET; a reassembled packet (an upcall's MRU) goes by
 *                    WEFT_CMD_PACKET_EXECUTE.
 * WEFT_CMD_FLOW_SET  request: as NEW, but only modifies an existing flow
 *                    (-ENOENT otherwise); ACTIONS optional, CLEAR zeroes stats.
 * WEFT_CMD_FLOW_DEL  request: WEFT_FLOW_A_DP_IFINDEX and UFID or KEY deletes
 *                    one flow and replies with its final stats; with neither,
 *                    deletes every flow of the datapath.
 * WEFT_CMD_FLOW_GET  doit: as DEL (one flow); dumpit: WEFT_FLOW_A_DP_IFINDEX,
 *                    [WEFT_FLOW_A_UFID_FLAGS] applies to every flow dumped.
 *   reply: WEFT_FLOW_A_DP_IFINDEX, [WEFT_FLOW_A_UFID], [WEFT_FLOW_A_KEY],
 *          [WEFT_FLOW_A_MASK], [WEFT_FLOW_A_ACTIONS], WEFT_FLOW_A_STATS,
 *          [WEFT_FLOW_A_USED], [WEFT_FLOW_A_TCP_FLAGS]; KEY, MASK and ACTIONS
 *          are left out when WEFT_FLOW_UFID_F_OMIT_* asks for it (terse dumps).
 *   Dumps split across messages at flow boundaries; a cursor (mask index and
 *   bucket position) resumes the next message, and NLM_F_DUMP_INTR is set on
 *   a message when the table changed since the dump began, so userspace can
 *   tell a torn dump and retry.
 *
 * WEFT_CMD_PACKET_MISS, WEFT_CMD_PACKET_ACTION (kernel to userspace, unicast)
 *   A packet that matched no flow (MISS) or hit a userspace action (ACTION),
 *   sent to the netlink port registered in WEFT_DP_A_UPCALL_PIDS for the CPU
 *   it arrived on (or to WEFT_USERSPACE_A_PID when the action names one):
 *   WEFT_PACKET_A_DP_IFINDEX, WEFT_PACKET_A_PACKET, WEFT_PACKET_A_KEY (or,
 *   for a MISS with WEFT_DP_F_KEY_COMPACT, WEFT_PACKET_A_KEY_COMPACT),
 *   [WEFT_PACKET_A_USERDATA], [WEFT_PACKET_A_LEN] (the length before a trunc
 *   action shortened it), [WEFT_PACKET_A_MRU] (the packet was reassembled
 *   by a ct action from fragments of at most this many bytes of IP packet;
 *   give it back with EXECUTE so that outputs refragment it). When the port's queue is full the packet is dropped
 *   and counted in WEFT_DP_STATS_A_LOST.
 * WEFT_CMD_PACKET_EXECUTE request: WEFT_PACKET_A_DP_IFINDEX,
 *   WEFT_PACKET_A_PACKET, WEFT_PACKET_A_KEY (metadata: in_port, skb_mark,
 *   priority, recirc_id, dp_hash, tunnel, and the ct fields of an upcall's
 *   key; header fields are re-extracted from the packet),
 *   WEFT_PACKET_A_ACTIONS, [WEFT_PACKET_A_PROBE], [WEFT_PACKET_A_MRU] (as
 *   the upcall gave it: without it, a reassembled packet larger than the
 *   output's MTU is dropped there). The packet has no conntrack entry
 *   attached: a ct action in ACTIONS looks it up again.
 *   The key of a MISS or ACTION upcall of a packet that a tunnel vport
 *   received carries its WEFT_KEY_A_TUNNEL.
 *
 * Flow keys and masks (WEFT_FLOW_A_KEY, WEFT_FLOW_A_MASK, WEFT_PACKET_A_KEY)
 * are a nest of WEFT_KEY_A_* attributes, one per header, each header a nest of
 * its own field attributes, so that the mapping to ovs-dpctl's text syntax is
 * one to one: "eth(src=..,dst=..)" is WEFT_KEY_A_ETHERNET holding
 * WEFT_ETH_A_SRC and WEFT_ETH_A_DST. In a key an absent field is zero; in a
 * mask an absent field is wildcarded. Multi-byte values are in network byte
 * order where marked __be, host order otherwise. A header may only be matched
 * when its prerequisites are matched exactly (ipv4 needs eth_type 0x0800,
 * tcp needs ip proto 6 and a non-later fragment, and so on).
 */
#ifndef _UAPI_LINUX_WEFT_H
#define _UAPI_LINUX_WEFT_H

#include <linux/types.h>

#define WEFT_GENL_NAME		"weft"
#define WEFT_GENL_VERSION	1

enum weft_cmd {
	WEFT_CMD_UNSPEC,
	WEFT_CMD_GET_FEATURES,
	WEFT_CMD_DP_NEW,
	WEFT_CMD_DP_DEL,
	WEFT_CMD_DP_GET,
	WEFT_CMD_DP_SET,
	WEFT_CMD_VPORT_NEW,
	WEFT_CMD_VPORT_DEL,
	WEFT_CMD_VPORT_GET,
	WEFT_CMD_VPORT_SET,
	WEFT_CMD_FLOW_NEW,
	WEFT_CMD_FLOW_DEL,
	WEFT_CMD_FLOW_GET,
	WEFT_CMD_FLOW_SET,
	WEFT_CMD_PACKET_MISS,
	WEFT_CMD_PACKET_ACTION,
	WEFT_CMD_PACKET_EXECUTE,
	__WEFT_CMD_MAX
};
#define WEFT_CMD_MAX (__WEFT_CMD_MAX - 1)

/* Features the module implements, reported by WEFT_CMD_GET_FEATURES. */
enum weft_feature_bits {
	WEFT_F_NETDEV_VPORT	= 1 << 0,
	WEFT_F_INTERNAL_VPORT	= 1 << 1,
	WEFT_F_MEGAFLOW		= 1 << 2,
	WEFT_F_UFID		= 1 << 3,
	WEFT_F_PER_CPU_UPCALL	= 1 << 4,
	WEFT_F_TERSE_DUMP	= 1 << 5,
	WEFT_F_RECIRC		= 1 << 6,
	WEFT_F_CHECK_PKT_LEN	= 1 << 7,
	WEFT_F_DEC_TTL		= 1 << 8,
	WEFT_F_TRUNC		= 1 << 9,
	WEFT_F_HASH		= 1 << 10,
	WEFT_F_QINQ		= 1 << 11,
	WEFT_F_TUNNEL_GENEVE	= 1 << 12,	/* geneve vports, tunnel keys */
	WEFT_F_TUNNEL_VXLAN	= 1 << 13,	/* vxlan vports, tunnel keys */
	WEFT_F_CT		= 1 << 14,	/* ct, ct_clear, ct key fields */
	WEFT_F_CT_NAT		= 1 << 15,	/* ct(nat(...)) */
	WEFT_F_CT_FRAG		= 1 << 16,	/* reassembly before ct */
	WEFT_F_FLOW_EXECUTE	= 1 << 17,	/* FLOW_NEW with PACKET */
	WEFT_F_SET_ICMP		= 1 << 18,	/* set icmp/icmpv6 type, code */
	WEFT_F_KEY_COMPACT	= 1 << 19,	/* struct weft_key_compact */
};

enum weft_features_attr {
	WEFT_FEATURES_A_UNSPEC,
	WEFT_FEATURES_A_BITMAP,			/* u64: enum weft_feature_bits */
	WEFT_FEATURES_A_VERSION,		/* string: module version */
	WEFT_FEATURES_A_MAX_ACTIONS_DEPTH,	/* u32: nesting of clone etc. */
	WEFT_FEATURES_A_MAX_RECIRC_DEPTH,	/* u32 */
	WEFT_FEATURES_A_PAD,
	__WEFT_FEATURES_A_MAX
};
#define WEFT_FEATURES_A_MAX (__WEFT_FEATURES_A_MAX - 1)

/* Datapaths. */
#define WEFT_DP_NAME_MAX	16	/* IFNAMSIZ: the local port carries it */

enum weft_dp_attr {
	WEFT_DP_A_UNSPEC,
	WEFT_DP_A_NAME,			/* string, < WEFT_DP_NAME_MAX */
	WEFT_DP_A_DP_IFINDEX,		/* u32 */
	WEFT_DP_A_UPCALL_PIDS,		/* binary: array of u32, one per CPU */
	WEFT_DP_A_STATS,		/* nest: enum weft_dp_stats_attr */
	WEFT_DP_A_USER_FEATURES,	/* u32: enum weft_dp_user_features */
	WEFT_DP_A_UNUSED,		/* never used; refused */
	WEFT_DP_A_MASKS_CACHE_SIZE,	/* u32: per-CPU mask cache entries */
	WEFT_DP_A_PAD,
	__WEFT_DP_A_MAX
};
#define WEFT_DP_A_MAX (__WEFT_DP_A_MAX - 1)

enum weft_dp_user_features {
	/* Send upcalls to the pid of the CPU they arrived on. */
	WEFT_DP_F_DISPATCH_PER_CPU	= 1 << 0,
	/*
	 * Send a miss's key as WEFT_PACKET_A_KEY_COMPACT when it fits that
	 * layout (no tunnel, no ct_tuple); WEFT_PACKET_A_KEY otherwise, and
	 * always for WEFT_CMD_PACKET_ACTION. Needs WEFT_F_KEY_COMPACT.
	 */
	WEFT_DP_F_KEY_COMPACT		= 1 << 1,
	__WEFT_DP_F_ALL			= (1 << 2) - 1,
};

enum weft_dp_stats_attr {
	WEFT_DP_STATS_A_UNSPEC,
	WEFT_DP_STATS_A_HIT,		/* u64: packets that matched a flow */
	WEFT_DP_STATS_A_MISSED,		/* u64: packets sent up as misses */
	WEFT_DP_STATS_A_LOST,		/* u64: upcalls dropped (queue full) */
	WEFT_DP_STATS_A_FLOWS,		/* u64: flows in the table */
	WEFT_DP_STATS_A_MASK_HIT,	/* u64: masks probed, summed */
	WEFT_DP_STATS_A_MASKS,		/* u32: distinct masks */
	WEFT_DP_STATS_A_CACHE_HIT,	/* u64: mask cache hits */
	WEFT_DP_STATS_A_PAD,
	__WEFT_DP_STATS_A_MAX
};
#define WEFT_DP_STATS_A_MAX (__WEFT_DP_STATS_A_MAX - 1)

/* Vports. Port 0 is the datapath's local internal port. */
#define WEFT_VPORT_LOCAL	0
#define WEFT_VPORT_MAX		65535

enum weft_vport_type {
	WEFT_VPORT_TYPE_UNSPEC,
	WEFT_VPORT_TYPE_NETDEV,		/* an existing interface */
	WEFT_VPORT_TYPE_INTERNAL,	/* a netdevice weft creates */
	WEFT_VPORT_TYPE_GENEVE,		/* GENEVE (RFC 8926) UDP tunnel */
	WEFT_VPORT_TYPE_VXLAN,		/* VXLAN (RFC 7348) UDP tunnel */
	__WEFT_VPORT_TYPE_MAX
};
#define WEFT_VPORT_TYPE_MAX (__WEFT_VPORT_TYPE_MAX - 1)

enum weft_vport_attr {
	WEFT_VPORT_A_UNSPEC,
	WEFT_VPORT_A_DP_IFINDEX,	/* u32 */
	WEFT_VPORT_A_PORT_NO,		/* u32, <= WEFT_VPORT_MAX */
	WEFT_VPORT_A_TYPE,		/* u32: enum weft_vport_type */
	WEFT_VPORT_A_NAME,		/* string, < IFNAMSIZ */
	WEFT_VPORT_A_IFINDEX,		/* u32: the netdevice's ifindex */
	WEFT_VPORT_A_STATS,		/* nest: enum weft_vport_stats_attr */
	WEFT_VPORT_A_OPTIONS,		/* nest: enum weft_vport_options_attr */
	WEFT_VPORT_A_PAD,
	__WEFT_VPORT_A_MAX
};
#define WEFT_VPORT_A_MAX (__WEFT_VPORT_A_MAX - 1)

enum weft_vport_stats_attr {
	WEFT_VPORT_STATS_A_UNSPEC,
	WEFT_VPORT_STATS_A_RX_PACKETS,	/* u64 */
	WEFT_VPORT_STATS_A_RX_BYTES,	/* u64 */
	WEFT_VPORT_STATS_A_RX_ERRORS,	/* u64 */
	WEFT_VPORT_STATS_A_RX_DROPPED,	/* u64 */
	WEFT_VPORT_STATS_A_TX_PACKETS,	/* u64 */
	WEFT_VPORT_STATS_A_TX_BYTES,	/* u64 */
	WEFT_VPORT_STATS_A_TX_ERRORS,	/* u64 */
	WEFT_VPORT_STATS_A_TX_DROPPED,	/* u64 */
	WEFT_VPORT_STATS_A_PAD,
	/*
	 * Tunnel vports only (the counters below are also in RX_ERRORS /
	 * TX_ERRORS). MALFORMED: received datagrams dropped because their
	 * tunnel header is invalid (truncated, wrong version, option lengths
	 * that overrun the header or the packet, a VXLAN header without the
	 * I flag, a non-Ethernet payload). PMTU: packets that would exceed
	 * the underlay path MTU once encapsulated, answered with an ICMP
	 * "fragmentation needed" / ICMPv6 "packet too big" to the inner
	 * sender (or dropped if that is impossible) instead of being sent.
	 * NO_ROUTE: no route to the remote endpoint, or no tunnel metadata
	 * (no set(tunnel(...)) before the output).
	 */
	WEFT_VPORT_STATS_A_RX_MALFORMED,	/* u64 */
	WEFT_VPORT_STATS_A_TX_PMTU,		/* u64 */
	WEFT_VPORT_STATS_A_TX_NO_ROUTE,		/* u64 */
	__WEFT_VPORT_STATS_A_MAX
};
#define WEFT_VPORT_STATS_A_MAX (__WEFT_VPORT_STATS_A_MAX - 1)

/*
 * Options of a tunnel vport (WEFT_VPORT_A_OPTIONS), given at creation and
 * echoed in every reply. A vport of another type refuses the nest.
 * DST_PORT: the UDP port the vport's socket listens on and the default
 * destination port of what it sends (a set(tunnel(tp_dst=..)) overrides
 * it per packet); default 6081 for geneve, 4789 for vxlan. The socket is
 * bound to the wildcard address, IPv4 and IPv6, in the datapath's network
 * namespace; two vports of one namespace cannot share a port (-EADDRINUSE).
 */
enum weft_vport_options_attr {
	WEFT_VPORT_OPT_A_UNSPEC,
	WEFT_VPORT_OPT_A_DST_PORT,	/* u16: host order, nonzero */
	__WEFT_VPORT_OPT_A_MAX
};
#define WEFT_VPORT_OPT_A_MAX (__WEFT_VPORT_OPT_A_MAX - 1)

/* Flows. */
#define WEFT_UFID_LEN	16

enum weft_flow_attr {
	WEFT_FLOW_A_UNSPEC,
	WEFT_FLOW_A_DP_IFINDEX,		/* u32 */
	WEFT_FLOW_A_KEY,		/* nest: enum weft_key_attr */
	WEFT_FLOW_A_MASK,		/* nest: enum weft_key_attr */
	WEFT_FLOW_A_ACTIONS,		/* nest: enum weft_action_attr */
	WEFT_FLOW_A_UFID,		/* binary, WEFT_UFID_LEN bytes */
	WEFT_FLOW_A_UFID_FLAGS,		/* u32: enum weft_ufid_flags */
	WEFT_FLOW_A_STATS,		/* nest: enum weft_flow_stats_attr */
	WEFT_FLOW_A_USED,		/* u64: msecs of CLOCK_MONOTONIC */
	WEFT_FLOW_A_TCP_FLAGS,		/* u16: host order, OR of seen flags */
	WEFT_FLOW_A_CLEAR,		/* flag: zero the stats */
	WEFT_FLOW_A_PAD,
	WEFT_FLOW_A_PACKET,		/* binary: a frame to run ACTIONS on */
	WEFT_FLOW_A_PACKET_KEY,		/* nest: its metadata (weft_key_attr) */
	WEFT_FLOW_A_KEY_COMPACT,	/* struct weft_key_compact */
	WEFT_FLOW_A_MASK_COMPACT,	/* struct weft_key_compact */
	__WEFT_FLOW_A_MAX
};
#define WEFT_FLOW_A_MAX (__WEFT_FLOW_A_MAX - 1)

enum weft_ufid_flags {
	WEFT_UFID_F_OMIT_KEY		= 1 << 0,
	WEFT_UFID_F_OMIT_MASK		= 1 << 1,
	WEFT_UFID_F_OMIT_ACTIONS	= 1 << 2,
	__WEFT_UFID_F_ALL		= (1 << 3) - 1,
};

enum weft_flow_stats_attr {
	WEFT_FLOW_STATS_A_UNSPEC,
	WEFT_FLOW_STATS_A_PACKETS,	/* u64 */
	WEFT_FLOW_STATS_A_BYTES,	/* u64 */
	WEFT_FLOW_STATS_A_PAD,
	__WEFT_FLOW_STATS_A_MAX
};
#define WEFT_FLOW_STATS_A_MAX (__WEFT_FLOW_STATS_A_MAX - 1)

/* Flow keys: one attribute per header. */
enum weft_key_attr {
	WEFT_KEY_A_UNSPEC,
	WEFT_KEY_A_IN_PORT,	/* u32 */
	WEFT_KEY_A_SKB_MARK,	/* u32 */
	WEFT_KEY_A_PRIORITY,	/* u32 */
	WEFT_KEY_A_RECIRC_ID,	/* u32 */
	WEFT_KEY_A_DP_HASH,	/* u32 */
	WEFT_KEY_A_ETHERNET,	/* nest: enum weft_eth_attr */
	WEFT_KEY_A_VLAN,	/* nest: enum weft_vlan_attr, outer tag */
	WEFT_KEY_A_CVLAN,	/* nest: enum weft_vlan_attr, inner tag */
	WEFT_KEY_A_ETHERTYPE,	/* __be16: after any VLAN tags */
	WEFT_KEY_A_IPV4,	/* nest: enum weft_ipv4_attr */
	WEFT_KEY_A_IPV6,	/* nest: enum weft_ipv6_attr */
	WEFT_KEY_A_TCP,		/* nest: enum weft_tp_attr */
	WEFT_KEY_A_UDP,		/* nest: enum weft_tp_attr */
	WEFT_KEY_A_SCTP,	/* nest: enum weft_tp_attr */
	WEFT_KEY_A_ICMP,	/* nest: enum weft_icmp_attr */
	WEFT_KEY_A_ICMPV6,	/* nest: enum weft_icmp_attr */
	WEFT_KEY_A_ARP,		/* nest: enum weft_arp_attr */
	WEFT_KEY_A_ND,		/* nest: enum weft_nd_attr */
	WEFT_KEY_A_TUNNEL,	/* nest: enum weft_tunnel_attr */
	WEFT_KEY_A_CT_STATE,	/* u32: enum weft_ct_state bits */
	WEFT_KEY_A_CT_ZONE,	/* u16 */
	WEFT_KEY_A_CT_MARK,	/* u32 */
	WEFT_KEY_A_CT_LABELS,	/* binary, 16 bytes (WEFT_CT_LABELS_LEN) */
	WEFT_KEY_A_CT_TUPLE,	/* nest: enum weft_ct_tuple_attr */
	__WEFT_KEY_A_MAX
};
#define WEFT_KEY_A_MAX (__WEFT_KEY_A_MAX - 1)

enum weft_eth_attr {
	WEFT_ETH_A_UNSPEC,
	WEFT_ETH_A_SRC,		/* binary, 6 bytes */
	WEFT_ETH_A_DST,		/* binary, 6 bytes */
	__WEFT_ETH_A_MAX
};
#define WEFT_ETH_A_MAX (__WEFT_ETH_A_MAX - 1)

/*
 * A VLAN tag. In a key, TCI has VLAN_CFI_MASK (0x1000) set when the tag is
 * present, as in OVS; a key whose outer TCI is 0 has no tag.
 */
enum weft_vlan_attr {
	WEFT_VLAN_A_UNSPEC,
	WEFT_VLAN_A_TPID,	/* __be16: 0x8100 or 0x88a8 */
	WEFT_VLAN_A_TCI,	/* __be16 */
	__WEFT_VLAN_A_MAX
};
#define WEFT_VLAN_A_MAX (__WEFT_VLAN_A_MAX - 1)

/* IP fragment kinds (WEFT_IPV4_A_FRAG, WEFT_IPV6_A_FRAG). */
enum weft_frag_type {
	WEFT_FRAG_NONE,		/* not a fragment */
	WEFT_FRAG_FIRST,	/* offset 0, more fragments */
	WEFT_FRAG_LATER,	/* offset > 0 */
	__WEFT_FRAG_MAX
};

enum weft_ipv4_attr {
	WEFT_IPV4_A_UNSPEC,
	WEFT_IPV4_A_SRC,	/* __be32 */
	WEFT_IPV4_A_DST,	/* __be32 */
	WEFT_IPV4_A_PROTO,	/* u8 */
	WEFT_IPV4_A_TOS,	/* u8: DSCP and ECN */
	WEFT_IPV4_A_TTL,	/* u8 */
	WEFT_IPV4_A_FRAG,	/* u8: enum weft_frag_type */
	__WEFT_IPV4_A_MAX
};
#define WEFT_IPV4_A_MAX (__WEFT_IPV4_A_MAX - 1)

enum weft_ipv6_attr {
	WEFT_IPV6_A_UNSPEC,
	WEFT_IPV6_A_SRC,	/* binary, 16 bytes */
	WEFT_IPV6_A_DST,	/* binary, 16 bytes */
	WEFT_IPV6_A_LABEL,	/* __be32: low 20 bits */
	WEFT_IPV6_A_PROTO,	/* u8: upper-layer protocol */
	WEFT_IPV6_A_TCLASS,	/* u8 */
	WEFT_IPV6_A_HLIMIT,	/* u8 */
	WEFT_IPV6_A_FRAG,	/* u8: enum weft_frag_type */
	__WEFT_IPV6_A_MAX
};
#define WEFT_IPV6_A_MAX (__WEFT_IPV6_A_MAX - 1)

/* TCP, UDP and SCTP ports; FLAGS only for TCP. */
enum weft_tp_attr {
	WEFT_TP_A_UNSPEC,
	WEFT_TP_A_SRC,		/* __be16 */
	WEFT_TP_A_DST,		/* __be16 */
	WEFT_TP_A_FLAGS,	/* __be16: TCP flags, low 12 bits */
	__WEFT_TP_A_MAX
};
#define WEFT_TP_A_MAX (__WEFT_TP_A_MAX - 1)

enum weft_icmp_attr {
	WEFT_ICMP_A_UNSPEC,
	WEFT_ICMP_A_TYPE,	/* u8 */
	WEFT_ICMP_A_CODE,	/* u8 */
	__WEFT_ICMP_A_MAX
};
#define WEFT_ICMP_A_MAX (__WEFT_ICMP_A_MAX - 1)

enum weft_arp_attr {
	WEFT_ARP_A_UNSPEC,
	WEFT_ARP_A_SIP,		/* __be32 */
	WEFT_ARP_A_TIP,		/* __be32 */
	WEFT_ARP_A_OP,		/* __be16 */
	WEFT_ARP_A_SHA,		/* binary, 6 bytes */
	WEFT_ARP_A_THA,		/* binary, 6 bytes */
	__WEFT_ARP_A_MAX
};
#define WEFT_ARP_A_MAX (__WEFT_ARP_A_MAX - 1)

enum weft_nd_attr {
	WEFT_ND_A_UNSPEC,
	WEFT_ND_A_TARGET,	/* binary, 16 bytes */
	WEFT_ND_A_SLL,		/* binary, 6 bytes */
	WEFT_ND_A_TLL,		/* binary, 6 bytes */
	__WEFT_ND_A_MAX
};
#define WEFT_ND_A_MAX (__WEFT_ND_A_MAX - 1)

/*
 * Tunnel metadata (WEFT_KEY_A_TUNNEL), the outer headers of a packet that a
 * tunnel vport received, and, inside a set action, what the next output to
 * a tunnel vport puts on the wire.
 *
 * In a flow key or mask: what the tunnel vport decapsulated. A packet that
 * did not arrive through a tunnel has an all-zero tunnel key, so a flow
 * whose mask matches any tunnel bit never matches it unless the key asks
 * for zeros. IPV4_* and IPV6_* are exclusive: a key has the pair of the
 * underlay family the packet came in on (in a mask, either pair, all-ones
 * when the family must match; matching an address also matches the
 * family). ID: the 24-bit VNI in the low bits (GENEVE and VXLAN); FLAGS
 * has WEFT_TUNNEL_F_KEY for both. TTL and TOS are the outer IP header's
 * (TOS = the IPv6 traffic class for an IPv6 underlay). TP_SRC/TP_DST are
 * the outer UDP ports. GENEVE_OPTS: the options exactly as on the wire
 * (each a 4-byte header: __be16 class, u8 type, 3 reserved bits and 5 bits
 * of length in 4-byte words, then the data), at most WEFT_TUN_OPTS_MAX
 * bytes, a multiple of 4; in a mask the same length of bytes as the key's,
 * matched bit by bit (so class/type/length are matched by masking their
 * bytes). A key with options of one length never matches a flow whose key
 * has options of another length.
 *
 * Critical options (RFC 8926 3.5): the module does not interpret options;
 * like openvswitch.ko it sets WEFT_TUNNEL_F_CRIT (the GENEVE C bit) in the
 * key and hands the options up. A packet whose options no flow matches is
 * a miss; userspace, which knows which options it understands, decides
 * (and must drop a critical option it does not know). The module drops
 * only what it cannot parse, counted in WEFT_VPORT_STATS_A_RX_MALFORMED.
 *
 * In a set action (WEFT_ACTION_A_SET, WEFT_SET_A_KEY holding exactly one
 * WEFT_KEY_A_TUNNEL and no WEFT_SET_A_MASK): the metadata the next output
 * to a geneve or vxlan vport encapsulates with. IPV4_DST or IPV6_DST is
 * required; the SRC of that family is optional (0 or absent: the route's
 * preferred source). TTL 0 or absent means 64. TP_SRC 0 or absent: from
 * the inner flow's hash (entropy for ECMP/RSS). TP_DST 0 or absent: the
 * vport's WEFT_VPORT_OPT_A_DST_PORT. FLAGS: DF sets the outer don't-fragment
 * bit (IPv4), CSUM computes the outer UDP checksum (otherwise zero for IPv4;
 * an IPv6 underlay always has one), OAM sets the GENEVE O bit; KEY is
 * accepted and ignored (the VNI is always sent); CRIT is ignored: the GENEVE
 * C bit is set when any option's type has its high bit (0x80) set. A vxlan
 * vport refuses to send GENEVE_OPTS (counted in TX_ERRORS) and sends only
 * the low 24 bits of ID. The metadata stays with the packet until the list
 * ends or another set(tunnel) replaces it; outputs to other vports ignore
 * it.
 */
#define WEFT_TUN_OPTS_MAX	252	/* GENEVE: 6-bit length in words */

enum weft_tunnel_flags {
	WEFT_TUNNEL_F_DF	= 1 << 0,	/* outer IPv4 don't fragment */
	WEFT_TUNNEL_F_CSUM	= 1 << 1,	/* outer UDP checksum nonzero */
	WEFT_TUNNEL_F_KEY	= 1 << 2,	/* a VNI was present (always) */
	WEFT_TUNNEL_F_OAM	= 1 << 3,	/* GENEVE O bit */
	WEFT_TUNNEL_F_CRIT	= 1 << 4,	/* GENEVE C bit */
	__WEFT_TUNNEL_F_ALL	= (1 << 5) - 1,
};

enum weft_tunnel_attr {
	WEFT_TUNNEL_A_UNSPEC,
	WEFT_TUNNEL_A_ID,		/* __be64: VNI in the low 24 bits */
	WEFT_TUNNEL_A_IPV4_SRC,		/* __be32 */
	WEFT_TUNNEL_A_IPV4_DST,		/* __be32 */
	WEFT_TUNNEL_A_IPV6_SRC,		/* binary, 16 bytes */
	WEFT_TUNNEL_A_IPV6_DST,		/* binary, 16 bytes */
	WEFT_TUNNEL_A_TOS,		/* u8 */
	WEFT_TUNNEL_A_TTL,		/* u8 */
	WEFT_TUNNEL_A_FLAGS,		/* u16: host order, weft_tunnel_flags */
	WEFT_TUNNEL_A_TP_SRC,		/* __be16: outer UDP source port */
	WEFT_TUNNEL_A_TP_DST,		/* __be16: outer UDP destination */
	WEFT_TUNNEL_A_GENEVE_OPTS,	/* binary: 4..WEFT_TUN_OPTS_MAX, n*4 */
	__WEFT_TUNNEL_A_MAX
};
#define WEFT_TUNNEL_A_MAX (__WEFT_TUNNEL_A_MAX - 1)

/*
 * Connection tracking (WEFT_ACTION_A_CT), through the kernel's nf_conntrack.
 *
 * A ct action looks the packet up in ZONE (and, with COMMIT, creates the
 * entry); afterwards the packet's key carries CT_STATE, CT_ZONE, CT_MARK,
 * CT_LABELS and, for a tracked packet, CT_TUPLE (the original direction's
 * addresses, protocol and ports; for ICMP the ports hold type and code).
 * Those fields are only visible to flows after a recirculation, so a ct
 * action is normally followed by WEFT_ACTION_A_RECIRC. A packet that never
 * went through ct has all of them zero. IPv4 and IPv6 fragments are
 * reassembled before the lookup (a packet waiting for more fragments is
 * stolen, not dropped; see WEFT_F_CT_FRAG) and the reassembled packet is
 * refragmented on output to the size of its largest original fragment.
 *
 * In a key, CT_STATE is a combination of enum weft_ct_state; a mask may
 * match any subset of its bits. CT_LABELS is a 128-bit value in the byte
 * order nf_conntrack stores it (the host's, as a u32[4] array).
 *
 * The action's attributes: ZONE (default 0); COMMIT creates the entry if
 * it is new (MARK and LABELS, applied masked, need COMMIT); FORCE_COMMIT is
 * COMMIT that first deletes an entry whose original direction is the
 * packet's reply direction; HELPER names an nf_conntrack helper ("ftp",
 * "tftp") attached at commit; TIMEOUT names an nf_conntrack timeout policy
 * (nfnetlink_cttimeout) attached at commit; NAT is applied to the packet
 * (and, at commit, set up for the connection: the first packet's choice of
 * address and port holds for all of it). ct_clear (WEFT_ACTION_A_CT_CLEAR)
 * drops the packet's conntrack reference and zeroes its ct key fields.
 */
#define WEFT_CT_LABELS_LEN	16

enum weft_ct_state {
	WEFT_CS_NEW		= 1 << 0,	/* the first packet of a connection */
	WEFT_CS_ESTABLISHED	= 1 << 1,	/* part of a seen connection */
	WEFT_CS_RELATED		= 1 << 2,	/* related to one (ICMP error, ftp data) */
	WEFT_CS_REPLY_DIR	= 1 << 3,	/* in the reply direction */
	WEFT_CS_INVALID		= 1 << 4,	/* conntrack could not make sense of it */
	WEFT_CS_TRACKED		= 1 << 5,	/* went through a ct action */
	WEFT_CS_SRC_NAT		= 1 << 6,	/* its source was translated */
	WEFT_CS_DST_NAT		= 1 << 7,	/* its destination was translated */
	__WEFT_CS_ALL		= (1 << 8) - 1,
};

enum weft_ct_tuple_attr {
	WEFT_CT_TUPLE_A_UNSPEC,
	WEFT_CT_TUPLE_A_IPV4_SRC,	/* __be32 */
	WEFT_CT_TUPLE_A_IPV4_DST,	/* __be32 */
	WEFT_CT_TUPLE_A_IPV6_SRC,	/* binary, 16 bytes */
	WEFT_CT_TUPLE_A_IPV6_DST,	/* binary, 16 bytes */
	WEFT_CT_TUPLE_A_PROTO,		/* u8 */
	WEFT_CT_TUPLE_A_TP_SRC,		/* __be16: port, or ICMP type */
	WEFT_CT_TUPLE_A_TP_DST,		/* __be16: port, or ICMP code */
	__WEFT_CT_TUPLE_A_MAX
};
#define WEFT_CT_TUPLE_A_MAX (__WEFT_CT_TUPLE_A_MAX - 1)

struct weft_ct_mark {
	__u32 value;
	__u32 mask;
};

struct weft_ct_labels {
	__u8 value[WEFT_CT_LABELS_LEN];
	__u8 mask[WEFT_CT_LABELS_LEN];
};

enum weft_ct_attr {
	WEFT_CT_A_UNSPEC,
	WEFT_CT_A_COMMIT,		/* flag */
	WEFT_CT_A_FORCE_COMMIT,		/* flag: COMMIT, replacing a reversed entry */
	WEFT_CT_A_ZONE,			/* u16 */
	WEFT_CT_A_MARK,			/* struct weft_ct_mark; needs COMMIT */
	WEFT_CT_A_LABELS,		/* struct weft_ct_labels; needs COMMIT */
	WEFT_CT_A_HELPER,		/* string: "ftp", "tftp", ... */
	WEFT_CT_A_TIMEOUT,		/* string: a cttimeout policy name */
	WEFT_CT_A_NAT,			/* nest: enum weft_nat_attr */
	__WEFT_CT_A_MAX
};
#define WEFT_CT_A_MAX (__WEFT_CT_A_MAX - 1)

/*
 * NAT inside a ct action. SRC or DST (exactly one) with a range: addresses
 * IP_MIN..IP_MAX of the packet's family (IP_MAX absent: IP_MIN alone) and
 * ports PROTO_MIN..PROTO_MAX (absent: the port is kept unless it clashes).
 * An empty NAT nest (neither SRC nor DST) applies the NAT an existing
 * connection already has to this packet, in whichever direction it goes.
 * PERSISTENT, PROTO_HASH and PROTO_RANDOM select how nf_nat picks (at most
 * one of the last two).
 */
enum weft_nat_attr {
	WEFT_NAT_A_UNSPEC,
	WEFT_NAT_A_SRC,			/* flag */
	WEFT_NAT_A_DST,			/* flag */
	WEFT_NAT_A_IP_MIN,		/* __be32 or binary, 16 bytes */
	WEFT_NAT_A_IP_MAX,		/* __be32 or binary, 16 bytes */
	WEFT_NAT_A_PROTO_MIN,		/* u16, host order */
	WEFT_NAT_A_PROTO_MAX,		/* u16, host order */
	WEFT_NAT_A_PERSISTENT,		/* flag */
	WEFT_NAT_A_PROTO_HASH,		/* flag */
	WEFT_NAT_A_PROTO_RANDOM,	/* flag */
	__WEFT_NAT_A_MAX
};
#define WEFT_NAT_A_MAX (__WEFT_NAT_A_MAX - 1)

/*
 * Actions: a nest of WEFT_ACTION_A_* executed in order. The module bounds the
 * total size of a list, the nesting depth of CLONE/SAMPLE/CHECK_PKT_LEN/DEC_TTL
 * (WEFT_FEATURES_A_MAX_ACTIONS_DEPTH) and the recirculation depth. An empty
 * list drops the packet.
 */
enum weft_action_attr {
	WEFT_ACTION_A_UNSPEC,
	WEFT_ACTION_A_OUTPUT,		/* u32: port number */
	WEFT_ACTION_A_USERSPACE,	/* nest: enum weft_userspace_attr */
	WEFT_ACTION_A_SET,		/* nest: enum weft_set_attr */
	WEFT_ACTION_A_PUSH_VLAN,	/* nest: enum weft_vlan_attr */
	WEFT_ACTION_A_POP_VLAN,		/* flag */
	WEFT_ACTION_A_RECIRC,		/* u32: new recirc_id */
	WEFT_ACTION_A_HASH,		/* nest: enum weft_hash_attr */
	WEFT_ACTION_A_TRUNC,		/* u32: max length, >= 14 */
	WEFT_ACTION_A_CLONE,		/* nest: enum weft_action_attr */
	WEFT_ACTION_A_SAMPLE,		/* nest: enum weft_sample_attr */
	WEFT_ACTION_A_CHECK_PKT_LEN,	/* nest: enum weft_check_pkt_len_attr */
	WEFT_ACTION_A_DEC_TTL,		/* nest: enum weft_dec_ttl_attr */
	WEFT_ACTION_A_DROP,		/* u32: reason, 0 = explicit drop */
	WEFT_ACTION_A_CT,		/* nest: enum weft_ct_attr */
	WEFT_ACTION_A_CT_CLEAR,		/* flag */
	__WEFT_ACTION_A_MAX
};
#define WEFT_ACTION_A_MAX (__WEFT_ACTION_A_MAX - 1)

enum weft_userspace_attr {
	WEFT_USERSPACE_A_UNSPEC,
	WEFT_USERSPACE_A_PID,		/* u32: 0 or absent = per-CPU pid */
	WEFT_USERSPACE_A_USERDATA,	/* binary, copied to the upcall */
	__WEFT_USERSPACE_A_MAX
};
#define WEFT_USERSPACE_A_MAX (__WEFT_USERSPACE_A_MAX - 1)

/*
 * Set fields of one header. KEY holds exactly one WEFT_KEY_A_* header (or
 * SKB_MARK/PRIORITY) with the fields to write; MASK, when present, holds the
 * same header with the bits to write (a masked set); without MASK every field
 * present in KEY is written whole. Checksums are kept right.
 * WEFT_KEY_A_ICMP/ICMPV6 (type, code) are settable here, unlike in OVS's
 * kernel datapath (WEFT_F_SET_ICMP); the flow must match the IP version and
 * protocol exactly.
 */
enum weft_set_attr {
	WEFT_SET_A_UNSPEC,
	WEFT_SET_A_KEY,			/* nest: enum weft_key_attr */
	WEFT_SET_A_MASK,		/* nest: enum weft_key_attr */
	__WEFT_SET_A_MAX
};
#define WEFT_SET_A_MAX (__WEFT_SET_A_MAX - 1)

enum weft_hash_alg {
	WEFT_HASH_ALG_L4,		/* the skb's 5-tuple hash */
	__WEFT_HASH_ALG_MAX
};

enum weft_hash_attr {
	WEFT_HASH_A_UNSPEC,
	WEFT_HASH_A_ALG,		/* u32: enum weft_hash_alg */
	WEFT_HASH_A_BASIS,		/* u32 */
	__WEFT_HASH_A_MAX
};
#define WEFT_HASH_A_MAX (__WEFT_HASH_A_MAX - 1)

enum weft_sample_attr {
	WEFT_SAMPLE_A_UNSPEC,
	WEFT_SAMPLE_A_PROBABILITY,	/* u32: of U32_MAX */
	WEFT_SAMPLE_A_ACTIONS,		/* nest: enum weft_action_attr */
	__WEFT_SAMPLE_A_MAX
};
#define WEFT_SAMPLE_A_MAX (__WEFT_SAMPLE_A_MAX - 1)

enum weft_check_pkt_len_attr {
	WEFT_CHECK_PKT_LEN_A_UNSPEC,
	WEFT_CHECK_PKT_LEN_A_PKT_LEN,		/* u16 */
	WEFT_CHECK_PKT_LEN_A_IF_GREATER,	/* nest: actions */
	WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL,	/* nest: actions */
	__WEFT_CHECK_PKT_LEN_A_MAX
};
#define WEFT_CHECK_PKT_LEN_A_MAX (__WEFT_CHECK_PKT_LEN_A_MAX - 1)

/* Decrement IPv4 TTL / IPv6 hop limit; run ACTIONS instead when it expires. */
enum weft_dec_ttl_attr {
	WEFT_DEC_TTL_A_UNSPEC,
	WEFT_DEC_TTL_A_ACTIONS,		/* nest: enum weft_action_attr */
	__WEFT_DEC_TTL_A_MAX
};
#define WEFT_DEC_TTL_A_MAX (__WEFT_DEC_TTL_A_MAX - 1)

/*
 * The compact flow key (WEFT_F_KEY_COMPACT): the fields of the WEFT_KEY_A_*
 * nest, but tunnel and ct_tuple, in one fixed binary layout, so that the
 * hot path (a miss's upcall, its flow install) copies a struct instead of
 * emitting and parsing some forty attributes. It is the one C struct the
 * ABI carries as an attribute payload; the attribute form stays the
 * default everywhere and is what replies and dumps use.
 *
 * Where it goes: WEFT_FLOW_A_KEY_COMPACT with WEFT_FLOW_A_MASK_COMPACT in
 * any flow request, instead of WEFT_FLOW_A_KEY/MASK (both compact or
 * neither; a compact key always has a compact mask); and, once userspace
 * sets WEFT_DP_F_KEY_COMPACT in the datapath's user features, as
 * WEFT_PACKET_A_KEY_COMPACT instead of WEFT_PACKET_A_KEY in a
 * WEFT_CMD_PACKET_MISS whose key has no tunnel and no ct_tuple fields.
 *
 * The attribute is exactly sizeof(struct weft_key_compact) bytes; version
 * is WEFT_KEY_COMPACT_VERSION in a key and in a mask alike, and the
 * reserved bytes are zero. A new layout gets a new version number (and
 * the module refuses versions it does not know), never a changed one.
 * Byte order is each field's, as in the attribute of the same name: u32
 * metadata and ct fields in host order, ct_labels as WEFT_KEY_A_CT_LABELS.
 *
 * Which fields a key has follows from its eth_type, ip_proto and ip_frag,
 * as the headers of the attribute form do:
 *   ip_proto, ip_tos, ip_ttl, ip_frag    eth_type 0x0800 or 0x86dd
 *   ipv4_src, ipv4_dst                   eth_type 0x0800, or ARP (sender
 *                                        and target IP)
 *   ip_proto (the opcode, 8 bits), arp_sha, arp_tha   eth_type 0x0806 or
 *                                        0x8035 (ARP, RARP)
 *   ipv6_src, ipv6_dst, ipv6_label       eth_type 0x86dd
 *   tp_src, tp_dst                       ip_proto 6, 17 or 132, 1 on IPv4
 *                                        or 58 on IPv6 (ICMP type and code,
 *                                        at most 255), when ip_frag is not
 *                                        WEFT_FRAG_LATER
 *   tcp_flags                            ip_proto 6, as tp_src
 *   nd_target, nd_sll, nd_tll            ICMPv6 type 135 or 136, code 0
 *   vlan_*, cvlan_*                      a tag: tci has VLAN_CFI_MASK and
 *                                        tpid is 0x8100 or 0x88a8; both 0
 *                                        without one (no default TPID)
 * Every other field is zero in a key and has no bit set in its mask, and
 * the key's values are in range as the attribute form requires (ip_frag
 * <= WEFT_FRAG_LATER, a 20-bit label, 12 bits of TCP flags, known ct_state
 * bits). A mask has no bits beyond a field's width (the attribute form
 * drops them; this form refuses them). Then, as with attributes, the key
 * is masked and every header the mask matches needs its prerequisites
 * matched exactly (WEFT_FLOW_A_MASK). Errors carry an extack message.
 */
#define WEFT_KEY_COMPACT_VERSION	1

struct weft_key_compact {
	__u8 version;		/* WEFT_KEY_COMPACT_VERSION */
	__u8 reserved0[3];	/* zero */
	__u32 in_port;
	__u32 skb_mark;
	__u32 priority;
	__u32 recirc_id;
	__u32 dp_hash;
	__u32 ct_state;		/* enum weft_ct_state */
	__u16 ct_zone;
	__u16 reserved1;	/* zero */
	__u32 ct_mark;
	__u32 ct_labels[WEFT_CT_LABELS_LEN / 4];
	__u8 eth_src[6];
	__u8 eth_dst[6];
	__be16 vlan_tpid;	/* outer tag */
	__be16 vlan_tci;
	__be16 cvlan_tpid;	/* inner tag (802.1ad) */
	__be16 cvlan_tci;
	__be16 eth_type;	/* after the tags */
	__u8 ip_proto;		/* IP protocol; ARP: the opcode */
	__u8 ip_tos;		/* IPv4 TOS, IPv6 traffic class */
	__u8 ip_ttl;		/* IPv4 TTL, IPv6 hop limit */
	__u8 ip_frag;		/* enum weft_frag_type */
	__be16 tp_src;		/* port; ICMP type */
	__be16 tp_dst;		/* port; ICMP code */
	__be16 tcp_flags;	/* low 12 bits */
	__be32 ipv4_src;	/* also the ARP sender IP */
	__be32 ipv4_dst;	/* also the ARP target IP */
	__u8 arp_sha[6];
	__u8 arp_tha[6];
	__u8 ipv6_src[16];
	__u8 ipv6_dst[16];
	__be32 ipv6_label;	/* low 20 bits */
	__u8 nd_target[16];
	__u8 nd_sll[6];
	__u8 nd_tll[6];
};				/* 168 bytes, no implicit padding */

/* Packets: upcalls and execute. */
enum weft_packet_attr {
	WEFT_PACKET_A_UNSPEC,
	WEFT_PACKET_A_DP_IFINDEX,	/* u32 */
	WEFT_PACKET_A_PACKET,		/* binary: the Ethernet frame */
	WEFT_PACKET_A_KEY,		/* nest: enum weft_key_attr */
	WEFT_PACKET_A_ACTIONS,		/* nest: enum weft_action_attr */
	WEFT_PACKET_A_USERDATA,		/* binary */
	WEFT_PACKET_A_LEN,		/* u32: length before trunc */
	WEFT_PACKET_A_PROBE,		/* flag: do not log errors */
	WEFT_PACKET_A_MRU,		/* u16: largest fragment of a reassembled packet */
	WEFT_PACKET_A_KEY_COMPACT,	/* struct weft_key_compact (MISS only) */
	__WEFT_PACKET_A_MAX
};
#define WEFT_PACKET_A_MAX (__WEFT_PACKET_A_MAX - 1)

#endif /* _UAPI_LINUX_WEFT_H */
