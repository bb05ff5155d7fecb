// SPDX-License-Identifier: GPL-2.0
/*
 * OVN 23.03's logical fields (its lib/logical-fields.c), as weft's own
 * table: which weft field and bits each name is, what it needs, which
 * names are predicates. Register numbers follow ovn-controller's layout
 * (include/weft/expr.h). The names and expansions were checked against
 * the strings of Debian 12's ovn-controller 23.03.1 (flags.* are only the
 * five it defines; mldv2 is "ip6.dst == ff02::16", igmp has no mcast).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "weft/expr.h"

#define FIELD(n, f, o, w, pre, wr) \
	{ n, WFT_SYM_FIELD, f, o, w, NULL, pre, wr }
#define PRED(n, e) { n, WFT_SYM_PREDICATE, 0, 0, 0, e, NULL, false }
#define REG(i) FIELD("reg" #i, WFT_F_REG0 + (i), 0, 32, NULL, true)
#define XREG(i) FIELD("xreg" #i, WFT_F_XREG0 + (i), 0, 64, NULL, true)
#define FLAG(n, b) FIELD("flags." n, WFT_F_REG0 + 10, b, 1, NULL, true)
#define CT_BIT(n, b, pre) FIELD("ct." n, WFT_F_CT_STATE, b, 1, pre, false)

static const struct wft_expr_symbol symbols[] = {
	/* Logical registers and ports. */
	REG(0), REG(1), REG(2), REG(3), REG(4),
	REG(5), REG(6), REG(7), REG(8), REG(9),
	XREG(0), XREG(1), XREG(2), XREG(3), XREG(4),
	FIELD("xxreg0", WFT_F_XXREG0, 0, 128, NULL, true),
	FIELD("xxreg1", WFT_F_XXREG0 + 1, 0, 128, NULL, true),
	{ "inport", WFT_SYM_STRING, WFT_F_REG0 + 14, 0, 32, NULL, NULL, true },
	{ "outport", WFT_SYM_STRING, WFT_F_REG0 + 15, 0, 32, NULL, NULL, true },
	FIELD("flags", WFT_F_REG0 + 10, 0, 32, NULL, true),
	FLAG("loopback", 0),
	FLAG("force_snat_for_dnat", 2),
	FLAG("force_snat_for_lb", 3),
	FLAG("skip_snat_for_lb", 9),
	FLAG("use_snat_zone", 11),
	FIELD("pkt.mark", WFT_F_PKT_MARK, 0, 32, NULL, true),

	/* Connection tracking. */
	FIELD("ct_state", WFT_F_CT_STATE, 0, 8, NULL, false),
	CT_BIT("new", 0, "ct.trk"), CT_BIT("est", 1, "ct.trk"),
	CT_BIT("rel", 2, "ct.trk"), CT_BIT("rpl", 3, "ct.trk"),
	CT_BIT("inv", 4, "ct.trk"), CT_BIT("trk", 5, NULL),
	CT_BIT("snat", 6, "ct.trk"), CT_BIT("dnat", 7, "ct.trk"),
	FIELD("ct_mark", WFT_F_CT_MARK, 0, 32, NULL, true),
	FIELD("ct_mark.blocked", WFT_F_CT_MARK, 0, 1, NULL, true),
	FIELD("ct_mark.natted", WFT_F_CT_MARK, 1, 1, NULL, true),
	FIELD("ct_mark.skip_snat", WFT_F_CT_MARK, 2, 1, NULL, true),
	FIELD("ct_mark.force_snat", WFT_F_CT_MARK, 3, 1, NULL, true),
	FIELD("ct_mark.ecmp_reply_port", WFT_F_CT_MARK, 16, 16, NULL, true),
	FIELD("ct_label", WFT_F_CT_LABEL, 0, 128, NULL, true),
	FIELD("ct_label.blocked", WFT_F_CT_LABEL, 0, 1, NULL, true),
	FIELD("ct_label.natted", WFT_F_CT_LABEL, 1, 1, NULL, true),
	FIELD("ct_label.skip_snat", WFT_F_CT_LABEL, 2, 1, NULL, true),
	FIELD("ct_label.force_snat", WFT_F_CT_LABEL, 3, 1, NULL, true),
	FIELD("ct_label.ecmp_reply_eth", WFT_F_CT_LABEL, 32, 48, NULL, true),
	FIELD("ct_label.ecmp_reply_port", WFT_F_CT_LABEL, 80, 16, NULL, true),
	FIELD("ct_label.label", WFT_F_CT_LABEL, 96, 32, NULL, true),

	/* Ethernet and VLAN. */
	FIELD("eth.src", WFT_F_ETH_SRC, 0, 48, NULL, true),
	FIELD("eth.dst", WFT_F_ETH_DST, 0, 48, NULL, true),
	FIELD("eth.type", WFT_F_ETH_TYPE, 0, 16, NULL, false),
	PRED("eth.bcast", "eth.dst == ff:ff:ff:ff:ff:ff"),
	PRED("eth.mcast", "eth.dst[40]"),
	FIELD("vlan.tci", WFT_F_VLAN_TCI, 0, 16, NULL, false),
	FIELD("vlan.present", WFT_F_VLAN_TCI, 12, 1, NULL, false),
	FIELD("vlan.pcp", WFT_F_VLAN_TCI, 13, 3, "vlan.present", false),
	FIELD("vlan.vid", WFT_F_VLAN_TCI, 0, 12, "vlan.present", false),

	/* IP. */
	PRED("ip4", "eth.type == 0x800"),
	PRED("ip6", "eth.type == 0x86dd"),
	PRED("ip", "ip4 || ip6"),
	FIELD("ip.proto", WFT_F_IP_PROTO, 0, 8, "ip", false),
	FIELD("ip.dscp", WFT_F_IP_DSCP_SHIFTED, 0, 6, "ip", true),
	FIELD("ip.ecn", WFT_F_IP_ECN, 0, 2, "ip", true),
	FIELD("ip.ttl", WFT_F_IP_TTL, 0, 8, "ip", true),
	FIELD("ip.frag", WFT_F_IP_FRAG, 0, 2, "ip", false),
	FIELD("ip.is_frag", WFT_F_IP_FRAG, 0, 1, "ip", false),
	FIELD("ip.later_frag", WFT_F_IP_FRAG, 1, 1, "ip", false),
	PRED("ip.first_frag", "ip.is_frag && !ip.later_frag"),
	FIELD("ip4.src", WFT_F_IP_SRC, 0, 32, "ip4", true),
	FIELD("ip4.dst", WFT_F_IP_DST, 0, 32, "ip4", true),
	PRED("ip4.src_mcast", "ip4.src[28..31] == 0xe"),
	PRED("ip4.mcast", "eth.mcast && ip4.dst[28..31] == 0xe"),
	FIELD("ip6.src", WFT_F_IPV6_SRC, 0, 128, "ip6", true),
	FIELD("ip6.dst", WFT_F_IPV6_DST, 0, 128, "ip6", true),
	FIELD("ip6.label", WFT_F_IPV6_LABEL, 0, 20, "ip6", true),
	PRED("eth.mcastv6", "eth.dst[32..47] == 0x3333"),
	PRED("ip6.mcast", "eth.mcastv6 && ip6.dst[120..127] == 0xff"),
	PRED("ip6.mcast_rsvd",
	     "ip6.dst[116..127] == 0xff0 && ip6.dst[0..111] == 0x0"),
	PRED("ip6.mcast_all_nodes", "ip6.dst == ff01::1 || ip6.dst == ff02::1"),
	PRED("ip6.mcast_all_rtrs",
	     "ip6.dst == ff01::2 || ip6.dst == ff02::2 || ip6.dst == ff05::2"),
	PRED("ip6.mcast_sol_node", "ip6.dst == ff02::1:ff00:0000/104"),
	PRED("ip6.mcast_flood",
	     "eth.mcastv6 && (ip6.mcast_rsvd || ip6.mcast_all_nodes || "
	     "ip6.mcast_all_rtrs || ip6.mcast_sol_node)"),

	/* ICMP and neighbour discovery. */
	PRED("icmp4", "ip4 && ip.proto == 1"),
	FIELD("icmp4.type", WFT_F_ICMPV4_TYPE, 0, 8, "icmp4", true),
	FIELD("icmp4.code", WFT_F_ICMPV4_CODE, 0, 8, "icmp4", true),
	PRED("icmp6", "ip6 && ip.proto == 58"),
	FIELD("icmp6.type", WFT_F_ICMPV6_TYPE, 0, 8, "icmp6", true),
	FIELD("icmp6.code", WFT_F_ICMPV6_CODE, 0, 8, "icmp6", true),
	PRED("icmp", "icmp4 || icmp6"),
	PRED("igmp", "ip4 && ip.proto == 2"),
	PRED("nd", "icmp6.type == {135, 136} && icmp6.code == 0 && ip.ttl == 255"),
	PRED("nd_ns", "icmp6.type == 135 && icmp6.code == 0 && ip.ttl == 255"),
	PRED("nd_na", "icmp6.type == 136 && icmp6.code == 0 && ip.ttl == 255"),
	PRED("nd_rs", "icmp6.type == 133 && icmp6.code == 0 && ip.ttl == 255"),
	PRED("nd_ra", "icmp6.type == 134 && icmp6.code == 0 && ip.ttl == 255"),
	FIELD("nd.target", WFT_F_ND_TARGET, 0, 128, "nd", true),
	FIELD("nd.sll", WFT_F_ND_SLL, 0, 48, "nd_ns", true),
	FIELD("nd.tll", WFT_F_ND_TLL, 0, 48, "nd_na", true),
	PRED("mldv1", "ip6.src == fe80::/10 && icmp6.type == {130, 131, 132}"),
	PRED("mldv2", "ip6.dst == ff02::16 && icmp6.type == 143"),
	/* Not packet fields: what icmp4_error/icmp6_error put in the error
	 * they build (the MTU); actions may set them, matches may not. */
	{ "icmp4.frag_mtu", WFT_SYM_OVN, 0, 0, 16, NULL, NULL, true },
	{ "icmp6.frag_mtu", WFT_SYM_OVN, 0, 0, 32, NULL, NULL, true },

	/* ARP. */
	PRED("arp", "eth.type == 0x806"),
	PRED("rarp", "eth.type == 0x8035"),
	/* 8 bits: weft keeps the opcode's low byte (field.c). */
	FIELD("arp.op", WFT_F_ARP_OP, 0, 8, "arp", true),
	FIELD("arp.spa", WFT_F_ARP_SPA, 0, 32, "arp", true),
	FIELD("arp.tpa", WFT_F_ARP_TPA, 0, 32, "arp", true),
	FIELD("arp.sha", WFT_F_ARP_SHA, 0, 48, "arp", true),
	FIELD("arp.tha", WFT_F_ARP_THA, 0, 48, "arp", true),
	FIELD("rarp.op", WFT_F_ARP_OP, 0, 16, "rarp", true),
	FIELD("rarp.spa", WFT_F_ARP_SPA, 0, 32, "rarp", true),
	FIELD("rarp.tpa", WFT_F_ARP_TPA, 0, 32, "rarp", true),
	FIELD("rarp.sha", WFT_F_ARP_SHA, 0, 48, "rarp", true),
	FIELD("rarp.tha", WFT_F_ARP_THA, 0, 48, "rarp", true),

	/* L4. */
	PRED("tcp", "ip.proto == 6"),
	FIELD("tcp.src", WFT_F_TCP_SRC, 0, 16, "tcp", true),
	FIELD("tcp.dst", WFT_F_TCP_DST, 0, 16, "tcp", true),
	FIELD("tcp.flags", WFT_F_TCP_FLAGS, 0, 12, "tcp", false),
	PRED("udp", "ip.proto == 17"),
	FIELD("udp.src", WFT_F_UDP_SRC, 0, 16, "udp", true),
	FIELD("udp.dst", WFT_F_UDP_DST, 0, 16, "udp", true),
	PRED("sctp", "ip.proto == 132"),
	FIELD("sctp.src", WFT_F_SCTP_SRC, 0, 16, "sctp", true),
	FIELD("sctp.dst", WFT_F_SCTP_DST, 0, 16, "sctp", true),
};

#define N_SYMBOLS (sizeof(symbols) / sizeof(symbols[0]))

/* The symbols sorted by name: a compile looks a name up for every field
 * it reads, and a linear scan of the table was 5% of a first compile. */
static const struct wft_expr_symbol *by_name[N_SYMBOLS];
static pthread_once_t by_name_once = PTHREAD_ONCE_INIT;

static int cmp_sym(const void *a, const void *b)
{
	const struct wft_expr_symbol *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static void by_name_build(void)
{
	size_t i;

	for (i = 0; i < N_SYMBOLS; i++)
		by_name[i] = &symbols[i];
	qsort(by_name, N_SYMBOLS, sizeof(by_name[0]), cmp_sym);
}

static int cmp_key(const void *key, const void *elem)
{
	const struct wft_expr_symbol *const *y = elem;

	return strcmp(key, (*y)->name);
}

const struct wft_expr_symbol *wft_expr_symbol_find(const char *name)
{
	const struct wft_expr_symbol *const *hit;

	pthread_once(&by_name_once, by_name_build);
	hit = bsearch(name, by_name, N_SYMBOLS, sizeof(by_name[0]), cmp_key);
	return hit ? *hit : NULL;
}

size_t wft_expr_symbol_index(const struct wft_expr_symbol *sym)
{
	return (size_t)(sym - symbols);
}

const struct wft_expr_symbol *wft_expr_symbols(size_t *n)
{
	*n = N_SYMBOLS;
	return symbols;
}
