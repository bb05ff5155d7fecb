// SPDX-License-Identifier: GPL-2.0
/*
 * The field registry (include/weft/field.h): one table, indexed by enum
 * wft_field_id, of every field a rule may match or an action may write,
 * with the names ovs-ofctl accepts for it; bit-range access to fields as
 * big-endian byte strings; prerequisite checks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/field.h"
#include "weft/tlv_map.h"

#define OFS(member)	((uint16_t)offsetof(struct wft_flow, member))
#define SZ(member)	((uint8_t)sizeof(((struct wft_flow *)0)->member))

/* A field: id, names, storage, bits, prerequisite, format, mask, write. */
#define F(ID, NAME, ALIAS, NXM, OXM, OFFSET, NBYTES, NBITS, SHIFT, PRE, FMT, \
	  MASKABLE, WRITABLE)						\
	[ID] = { ID, NAME, ALIAS, NXM, OXM, OFFSET, NBYTES, NBITS, SHIFT, \
		 PRE, FMT, MASKABLE, WRITABLE }

#define REG(n)								\
	F(WFT_F_REG0 + n, "reg" #n, NULL, "NXM_NX_REG" #n, NULL,	\
	  OFS(regs[n]), 4, 32, 0, WFT_P_NONE, WFT_FMT_HEX, true, true)
#define XREG(n)								\
	F(WFT_F_XREG0 + n, "xreg" #n, NULL, NULL, "OXM_OF_PKT_REG" #n,	\
	  OFS(regs[2 * n]), 8, 64, 0, WFT_P_NONE, WFT_FMT_HEX, true, true)
#define XXREG(n)							\
	F(WFT_F_XXREG0 + n, "xxreg" #n, NULL, "NXM_NX_XXREG" #n, NULL,	\
	  OFS(regs[4 * n]), 16, 128, 0, WFT_P_NONE, WFT_FMT_HEX, true, true)

/* Transport ports share tp_src/tp_dst; ICMP type and code are the low
 * byte of those big-endian 16-bit words. */
#define TP(ID, NAME, NXM, OXM, MEMBER, PRE)				\
	F(ID, NAME, NULL, NXM, OXM, OFS(MEMBER), 2, 16, 0, PRE,		\
	  WFT_FMT_DECIMAL, true, true)
#define ICMP(ID, NAME, NXM, OXM, MEMBER, PRE)				\
	F(ID, NAME, NULL, NXM, OXM, OFS(MEMBER) + 1, 1, 8, 0, PRE,	\
	  WFT_FMT_DECIMAL, false, true)

/* tun_metadataN with no TLV map active: 4 bytes at 4 * N (field.h). */
#define TMD(n)								\
	F(WFT_F_TUN_METADATA0 + n, "tun_metadata" #n, NULL,		\
	  "NXM_NX_TUN_METADATA" #n, NULL, OFS(tun_md) + 4 * n, 4, 32, 0,	\
	  WFT_P_NONE, WFT_FMT_HEX, true, true)
static const struct wft_field fields[WFT_N_FIELDS] = {
	F(WFT_F_IN_PORT, "in_port", NULL, "NXM_OF_IN_PORT", "OXM_OF_IN_PORT",
	  OFS(in_port), 4, 16, 0, WFT_P_NONE, WFT_FMT_OFP_PORT, false, true),
	REG(0), REG(1), REG(2), REG(3), REG(4), REG(5), REG(6), REG(7),
	REG(8), REG(9), REG(10), REG(11), REG(12), REG(13), REG(14), REG(15),
	XREG(0), XREG(1), XREG(2), XREG(3), XREG(4), XREG(5), XREG(6),
	XREG(7),
	XXREG(0), XXREG(1), XXREG(2), XXREG(3),
	F(WFT_F_METADATA, "metadata", NULL, NULL, "OXM_OF_METADATA",
	  OFS(metadata), 8, 64, 0, WFT_P_NONE, WFT_FMT_HEX, true, true),
	F(WFT_F_PKT_MARK, "pkt_mark", NULL, "NXM_NX_PKT_MARK", NULL,
	  OFS(pkt_mark), 4, 32, 0, WFT_P_NONE, WFT_FMT_HEX, true, true),
	F(WFT_F_SKB_PRIORITY, "skb_priority", NULL, NULL, NULL,
	  OFS(skb_priority), 4, 32, 0, WFT_P_NONE, WFT_FMT_HEX, false, false),
	F(WFT_F_DP_HASH, "dp_hash", NULL, "NXM_NX_DP_HASH", NULL,
	  OFS(dp_hash), 4, 32, 0, WFT_P_NONE, WFT_FMT_HEX, true, false),
	F(WFT_F_CONJ_ID, "conj_id", NULL, "NXM_NX_CONJ_ID", NULL,
	  OFS(conj_id), 4, 32, 0, WFT_P_NONE, WFT_FMT_DECIMAL, false, false),
	F(WFT_F_ETH_SRC, "dl_src", "eth_src", "NXM_OF_ETH_SRC",
	  "OXM_OF_ETH_SRC", OFS(dl_src), 6, 48, 0, WFT_P_NONE,
	  WFT_FMT_ETHERNET, true, true),
	F(WFT_F_ETH_DST, "dl_dst", "eth_dst", "NXM_OF_ETH_DST",
	  "OXM_OF_ETH_DST", OFS(dl_dst), 6, 48, 0, WFT_P_NONE,
	  WFT_FMT_ETHERNET, true, true),
	F(WFT_F_ETH_TYPE, "dl_type", "eth_type", "NXM_OF_ETH_TYPE",
	  "OXM_OF_ETH_TYPE", OFS(dl_type), 2, 16, 0, WFT_P_NONE, WFT_FMT_HEX,
	  false, false),
	F(WFT_F_VLAN_TCI, "vlan_tci", NULL, "NXM_OF_VLAN_TCI", NULL,
	  OFS(vlan_tci), 2, 16, 0, WFT_P_NONE, WFT_FMT_HEX, true, true),
	F(WFT_F_VLAN_VID, "vlan_vid", NULL, NULL, "OXM_OF_VLAN_VID",
	  OFS(vlan_tci), 2, 13, 0, WFT_P_NONE, WFT_FMT_DECIMAL, true, true),
	F(WFT_F_VLAN_PCP, "vlan_pcp", NULL, NULL, "OXM_OF_VLAN_PCP",
	  OFS(vlan_tci), 2, 3, 13, WFT_P_VLAN, WFT_FMT_DECIMAL, false, true),
	F(WFT_F_DL_VLAN, "dl_vlan", NULL, NULL, NULL,
	  OFS(vlan_tci), 2, 12, 0, WFT_P_NONE, WFT_FMT_DECIMAL, false, true),
	F(WFT_F_DL_VLAN_PCP, "dl_vlan_pcp", NULL, NULL, NULL,
	  OFS(vlan_tci), 2, 3, 13, WFT_P_NONE, WFT_FMT_DECIMAL, false, true),
	F(WFT_F_IP_SRC, "nw_src", "ip_src", "NXM_OF_IP_SRC", "OXM_OF_IPV4_SRC",
	  OFS(nw_src), 4, 32, 0, WFT_P_IPV4, WFT_FMT_IPV4, true, true),
	F(WFT_F_IP_DST, "nw_dst", "ip_dst", "NXM_OF_IP_DST", "OXM_OF_IPV4_DST",
	  OFS(nw_dst), 4, 32, 0, WFT_P_IPV4, WFT_FMT_IPV4, true, true),
	F(WFT_F_IPV6_SRC, "ipv6_src", NULL, "NXM_NX_IPV6_SRC",
	  "OXM_OF_IPV6_SRC", OFS(ipv6_src), 16, 128, 0, WFT_P_IPV6,
	  WFT_FMT_IPV6, true, true),
	F(WFT_F_IPV6_DST, "ipv6_dst", NULL, "NXM_NX_IPV6_DST",
	  "OXM_OF_IPV6_DST", OFS(ipv6_dst), 16, 128, 0, WFT_P_IPV6,
	  WFT_FMT_IPV6, true, true),
	F(WFT_F_IPV6_LABEL, "ipv6_label", NULL, "NXM_NX_IPV6_LABEL",
	  "OXM_OF_IPV6_FLABEL", OFS(ipv6_label), 4, 20, 0, WFT_P_IPV6,
	  WFT_FMT_HEX, true, true),
	F(WFT_F_IP_PROTO, "nw_proto", "ip_proto", "NXM_OF_IP_PROTO",
	  "OXM_OF_IP_PROTO", OFS(nw_proto), 1, 8, 0, WFT_P_IP,
	  WFT_FMT_DECIMAL, false, false),
	F(WFT_F_IP_DSCP, "nw_tos", NULL, "NXM_OF_IP_TOS", NULL,
	  OFS(nw_tos), 1, 8, 0, WFT_P_IP, WFT_FMT_DECIMAL, false, true),
	F(WFT_F_IP_DSCP_SHIFTED, "ip_dscp", NULL, NULL, "OXM_OF_IP_DSCP",
	  OFS(nw_tos), 1, 6, 2, WFT_P_IP, WFT_FMT_DECIMAL, false, true),
	F(WFT_F_IP_ECN, "nw_ecn", "ip_ecn", "NXM_NX_IP_ECN", "OXM_OF_IP_ECN",
	  OFS(nw_tos), 1, 2, 0, WFT_P_IP, WFT_FMT_DECIMAL, false, true),
	F(WFT_F_IP_TTL, "nw_ttl", NULL, "NXM_NX_IP_TTL", NULL,
	  OFS(nw_ttl), 1, 8, 0, WFT_P_IP, WFT_FMT_DECIMAL, false, true),
	F(WFT_F_IP_FRAG, "nw_frag", "ip_frag", "NXM_NX_IP_FRAG", NULL,
	  OFS(nw_frag), 1, 2, 0, WFT_P_IP, WFT_FMT_FRAG, true, false),
	/* OVS's arp_op is 16 bits; weft keeps the opcode's low byte in
	 * nw_proto (every opcode in use fits). */
	F(WFT_F_ARP_OP, "arp_op", NULL, "NXM_OF_ARP_OP", "OXM_OF_ARP_OP",
	  OFS(nw_proto), 1, 8, 0, WFT_P_ARP, WFT_FMT_DECIMAL, false, true),
	F(WFT_F_ARP_SPA, "arp_spa", NULL, "NXM_OF_ARP_SPA", "OXM_OF_ARP_SPA",
	  OFS(nw_src), 4, 32, 0, WFT_P_ARP, WFT_FMT_IPV4, true, true),
	F(WFT_F_ARP_TPA, "arp_tpa", NULL, "NXM_OF_ARP_TPA", "OXM_OF_ARP_TPA",
	  OFS(nw_dst), 4, 32, 0, WFT_P_ARP, WFT_FMT_IPV4, true, true),
	F(WFT_F_ARP_SHA, "arp_sha", NULL, "NXM_NX_ARP_SHA", "OXM_OF_ARP_SHA",
	  OFS(arp_sha), 6, 48, 0, WFT_P_ARP, WFT_FMT_ETHERNET, true, true),
	F(WFT_F_ARP_THA, "arp_tha", NULL, "NXM_NX_ARP_THA", "OXM_OF_ARP_THA",
	  OFS(arp_tha), 6, 48, 0, WFT_P_ARP, WFT_FMT_ETHERNET, true, true),
	TP(WFT_F_TCP_SRC, "tcp_src", "NXM_OF_TCP_SRC", "OXM_OF_TCP_SRC",
	   tp_src, WFT_P_TCP),
	TP(WFT_F_TCP_DST, "tcp_dst", "NXM_OF_TCP_DST", "OXM_OF_TCP_DST",
	   tp_dst, WFT_P_TCP),
	F(WFT_F_TCP_FLAGS, "tcp_flags", NULL, "NXM_NX_TCP_FLAGS",
	  "OXM_OF_TCP_FLAGS", OFS(tcp_flags), 2, 12, 0, WFT_P_TCP,
	  WFT_FMT_TCP_FLAGS, true, false),
	TP(WFT_F_UDP_SRC, "udp_src", "NXM_OF_UDP_SRC", "OXM_OF_UDP_SRC",
	   tp_src, WFT_P_UDP),
	TP(WFT_F_UDP_DST, "udp_dst", "NXM_OF_UDP_DST", "OXM_OF_UDP_DST",
	   tp_dst, WFT_P_UDP),
	TP(WFT_F_SCTP_SRC, "sctp_src", NULL, "OXM_OF_SCTP_SRC",
	   tp_src, WFT_P_SCTP),
	TP(WFT_F_SCTP_DST, "sctp_dst", NULL, "OXM_OF_SCTP_DST",
	   tp_dst, WFT_P_SCTP),
	ICMP(WFT_F_ICMPV4_TYPE, "icmp_type", "NXM_OF_ICMP_TYPE",
	     "OXM_OF_ICMPV4_TYPE", tp_src, WFT_P_ICMPV4),
	ICMP(WFT_F_ICMPV4_CODE, "icmp_code", "NXM_OF_ICMP_CODE",
	     "OXM_OF_ICMPV4_CODE", tp_dst, WFT_P_ICMPV4),
	ICMP(WFT_F_ICMPV6_TYPE, "icmpv6_type", "NXM_NX_ICMPV6_TYPE",
	     "OXM_OF_ICMPV6_TYPE", tp_src, WFT_P_ICMPV6),
	ICMP(WFT_F_ICMPV6_CODE, "icmpv6_code", "NXM_NX_ICMPV6_CODE",
	     "OXM_OF_ICMPV6_CODE", tp_dst, WFT_P_ICMPV6),
	F(WFT_F_ND_TARGET, "nd_target", NULL, "NXM_NX_ND_TARGET",
	  "OXM_OF_IPV6_ND_TARGET", OFS(nd_target), 16, 128, 0, WFT_P_ND,
	  WFT_FMT_IPV6, true, true),
	F(WFT_F_ND_SLL, "nd_sll", NULL, "NXM_NX_ND_SLL", "OXM_OF_IPV6_ND_SLL",
	  OFS(arp_sha), 6, 48, 0, WFT_P_ND_SOLICIT, WFT_FMT_ETHERNET, true,
	  true),
	F(WFT_F_ND_TLL, "nd_tll", NULL, "NXM_NX_ND_TLL", "OXM_OF_IPV6_ND_TLL",
	  OFS(arp_tha), 6, 48, 0, WFT_P_ND_ADVERT, WFT_FMT_ETHERNET, true,
	  true),
	F(WFT_F_TUN_ID, "tun_id", "tunnel_id", "NXM_NX_TUN_ID",
	  "OXM_OF_TUNNEL_ID", OFS(tun_id), 8, 64, 0, WFT_P_NONE, WFT_FMT_HEX,
	  true, true),
	F(WFT_F_TUN_SRC, "tun_src", NULL, "NXM_NX_TUN_IPV4_SRC", NULL,
	  OFS(tun_src), 4, 32, 0, WFT_P_NONE, WFT_FMT_IPV4, true, true),
	F(WFT_F_TUN_DST, "tun_dst", NULL, "NXM_NX_TUN_IPV4_DST", NULL,
	  OFS(tun_dst), 4, 32, 0, WFT_P_NONE, WFT_FMT_IPV4, true, true),
	F(WFT_F_TUN_IPV6_SRC, "tun_ipv6_src", NULL, "NXM_NX_TUN_IPV6_SRC",
	  NULL, OFS(tun_ipv6_src), 16, 128, 0, WFT_P_NONE, WFT_FMT_IPV6, true,
	  true),
	F(WFT_F_TUN_IPV6_DST, "tun_ipv6_dst", NULL, "NXM_NX_TUN_IPV6_DST",
	  NULL, OFS(tun_ipv6_dst), 16, 128, 0, WFT_P_NONE, WFT_FMT_IPV6, true,
	  true),
	/* Only OAM is OpenFlow's: the datapath's flags beside it in
	 * tun_flags are not part of the field. */
	F(WFT_F_TUN_FLAGS, "tun_flags", NULL, "NXM_NX_TUN_FLAGS", NULL,
	  OFS(tun_flags), 2, 1, 0, WFT_P_NONE, WFT_FMT_TNL_FLAGS, true, true),
	/* Conntrack. ct_state is OVS's 32-bit NXM field of which 8 bits
	 * are defined; ct_mark and ct_label are writable, but only inside
	 * ct(exec(...)) (checked by the action parser). */
	F(WFT_F_CT_STATE, "ct_state", NULL, "NXM_NX_CT_STATE", NULL,
	  OFS(ct_state), 4, 32, 0, WFT_P_NONE, WFT_FMT_CT_STATE, true, false),
	F(WFT_F_CT_ZONE, "ct_zone", NULL, "NXM_NX_CT_ZONE", NULL,
	  OFS(ct_zone), 2, 16, 0, WFT_P_NONE, WFT_FMT_DECIMAL, false, false),
	F(WFT_F_CT_MARK, "ct_mark", NULL, "NXM_NX_CT_MARK", NULL,
	  OFS(ct_mark), 4, 32, 0, WFT_P_NONE, WFT_FMT_HEX, true, true),
	F(WFT_F_CT_LABEL, "ct_label", NULL, "NXM_NX_CT_LABEL", NULL,
	  OFS(ct_label), 16, 128, 0, WFT_P_NONE, WFT_FMT_HEX, true, true),
	F(WFT_F_CT_NW_PROTO, "ct_nw_proto", NULL, "NXM_NX_CT_NW_PROTO", NULL,
	  OFS(ct_nw_proto), 1, 8, 0, WFT_P_CT, WFT_FMT_DECIMAL, false, false),
	F(WFT_F_CT_NW_SRC, "ct_nw_src", NULL, "NXM_NX_CT_NW_SRC", NULL,
	  OFS(ct_nw_src), 4, 32, 0, WFT_P_CT, WFT_FMT_IPV4, true, false),
	F(WFT_F_CT_NW_DST, "ct_nw_dst", NULL, "NXM_NX_CT_NW_DST", NULL,
	  OFS(ct_nw_dst), 4, 32, 0, WFT_P_CT, WFT_FMT_IPV4, true, false),
	F(WFT_F_CT_IPV6_SRC, "ct_ipv6_src", NULL, "NXM_NX_CT_IPV6_SRC", NULL,
	  OFS(ct_ipv6_src), 16, 128, 0, WFT_P_CT, WFT_FMT_IPV6, true, false),
	F(WFT_F_CT_IPV6_DST, "ct_ipv6_dst", NULL, "NXM_NX_CT_IPV6_DST", NULL,
	  OFS(ct_ipv6_dst), 16, 128, 0, WFT_P_CT, WFT_FMT_IPV6, true, false),
	F(WFT_F_CT_TP_SRC, "ct_tp_src", NULL, "NXM_NX_CT_TP_SRC", NULL,
	  OFS(ct_tp_src), 2, 16, 0, WFT_P_CT, WFT_FMT_DECIMAL, true, false),
	F(WFT_F_CT_TP_DST, "ct_tp_dst", NULL, "NXM_NX_CT_TP_DST", NULL,
	  OFS(ct_tp_dst), 2, 16, 0, WFT_P_CT, WFT_FMT_DECIMAL, true, false),
	TMD(0), TMD(1), TMD(2), TMD(3), TMD(4), TMD(5),
	TMD(6), TMD(7), TMD(8), TMD(9), TMD(10), TMD(11),
	TMD(12), TMD(13), TMD(14), TMD(15), TMD(16), TMD(17),
	TMD(18), TMD(19), TMD(20), TMD(21), TMD(22), TMD(23),
	TMD(24), TMD(25), TMD(26), TMD(27), TMD(28), TMD(29),
	TMD(30), TMD(31), TMD(32), TMD(33), TMD(34), TMD(35),
	TMD(36), TMD(37), TMD(38), TMD(39), TMD(40), TMD(41),
	TMD(42), TMD(43), TMD(44), TMD(45), TMD(46), TMD(47),
	TMD(48), TMD(49), TMD(50), TMD(51), TMD(52), TMD(53),
	TMD(54), TMD(55), TMD(56), TMD(57), TMD(58), TMD(59),
	TMD(60), TMD(61), TMD(62), TMD(63),
};

const struct wft_field *wft_field_from_id(enum wft_field_id id)
{
	const struct wft_tlv_map *map = wft_tlv_map_active();
	unsigned int i;

	if ((unsigned int)id >= WFT_N_FIELDS)
		return NULL;
	if (wft_field_id_is_tun_md(id) && map) {
		i = id - WFT_F_TUN_METADATA0;
		return wft_tlv_map_get(map, i) ? &map->fields[i] : NULL;
	}
	return &fields[id];
}

static bool name_is(const char *candidate, const char *name, size_t len)
{
	return candidate && strlen(candidate) == len &&
	       !strncmp(candidate, name, len);
}

/* OVS's older spellings that are not a field's one alias. */
static const struct {
	const char *name;
	enum wft_field_id id;
} extra_names[] = {
	{ "tp_src", WFT_F_TCP_SRC },
	{ "tp_dst", WFT_F_TCP_DST },
	{ "icmpv4_type", WFT_F_ICMPV4_TYPE },
	{ "icmpv4_code", WFT_F_ICMPV4_CODE },
	{ "in_port_oxm", WFT_F_IN_PORT },
};

/* Every name, alias, NXM and OXM name and older spelling, sorted by
 * name (then by where the linear search found it first): physical flows
 * are parsed from text, and a scan of the table per field name was a
 * fifth of their parse. */
struct name_ref {
	const char *name;
	unsigned int order;
	enum wft_field_id id;
	bool extra;		/* extra_names: the table's own field */
};

static struct name_ref *name_index;
static size_t n_name_index;
static pthread_once_t name_index_once = PTHREAD_ONCE_INIT;

static int cmp_name_ref(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void name_index_add(const char *name, unsigned int order,
			   enum wft_field_id id, bool extra)
{
	if (!name)
		return;
	name_index[n_name_index++] = (struct name_ref) {
		.name = name, .order = order, .id = id, .extra = extra };
}

static void name_index_build(void)
{
	size_t n = 4 * WFT_N_FIELDS +
		   sizeof(extra_names) / sizeof(extra_names[0]), i;
	const struct wft_field *f;

	name_index = calloc(n, sizeof(*name_index));
	if (!name_index)
		abort();
	for (f = fields; f < fields + WFT_N_FIELDS; f++) {
		unsigned int at = 4 * (unsigned int)(f - fields);

		name_index_add(f->name, at, f->id, false);
		name_index_add(f->alias, at + 1, f->id, false);
		name_index_add(f->nxm_name, at + 2, f->id, false);
		name_index_add(f->oxm_name, at + 3, f->id, false);
	}
	for (i = 0; i < sizeof(extra_names) / sizeof(extra_names[0]); i++)
		name_index_add(extra_names[i].name,
			       4 * WFT_N_FIELDS + (unsigned int)i,
			       extra_names[i].id, true);
	qsort(name_index, n_name_index, sizeof(*name_index), cmp_name_ref);
}

/* @name (@len bytes, not terminated) against an indexed name. */
static int cmp_key(const char *name, size_t len, const char *indexed)
{
	int c = strncmp(name, indexed, len);

	return c ? c : indexed[len] ? -1 : 0;
}

const struct wft_field *wft_field_from_name(const char *name, size_t len)
{
	size_t lo = 0, hi, mid;

	pthread_once(&name_index_once, name_index_build);
	if (memchr(name, '\0', len))
		return NULL;
	hi = n_name_index;
	/* The first entry not below @name: the earliest of equal ones. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp_key(name, len, name_index[mid].name) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= n_name_index || cmp_key(name, len, name_index[lo].name))
		return NULL;
	/* By id: a tunnel option's field is the active TLV map's. */
	return name_index[lo].extra ? &fields[name_index[lo].id] :
	       wft_field_from_id(name_index[lo].id);
}

bool wft_field_tun_md_unmapped(const char *name, size_t len, char *err,
			       size_t errlen)
{
	const struct wft_field *f;
	size_t i;

	if (!wft_tlv_map_active())
		return false;
	for (i = WFT_F_TUN_METADATA0; i < WFT_N_FIELDS; i++) {
		f = &fields[i];
		if ((name_is(f->name, name, len) ||
		     name_is(f->nxm_name, name, len)) &&
		    !wft_field_from_id(f->id)) {
			snprintf(err, errlen, "%s is not mapped by the bridge's "
				 "GENEVE TLV map (NXFMFC_INVALID_TLV_FIELD: "
				 "map it first with weft-ofctl add-tlv-map)",
				 f->name);
			return true;
		}
	}
	return false;
}

/* Bit @i (0 = least significant) of the big-endian string @p of @n bytes. */
static inline bool bit_get(const uint8_t *p, unsigned int n, unsigned int i)
{
	return p[n - 1 - i / 8] >> (i % 8) & 1;
}

static inline void bit_put(uint8_t *p, unsigned int n, unsigned int i, bool v)
{
	uint8_t m = (uint8_t)(1u << (i % 8));

	if (v)
		p[n - 1 - i / 8] |= m;
	else
		p[n - 1 - i / 8] &= (uint8_t)~m;
}

void wft_field_bytes_mask(const struct wft_field *field, uint8_t *mask)
{
	unsigned int i;

	memset(mask, 0, field->n_bytes);
	if (field->id == WFT_F_IP_DSCP) {
		/* nw_tos holds the whole byte, but only DSCP is its own. */
		mask[0] = 0xfc;
		return;
	}
	/* A byte at a time (bit 0 is the last byte's lowest): the compile
	 * sets fields tens of thousands of times. */
	for (i = 0; i < field->n_bytes; i++) {
		unsigned int lo = i * 8, hi = lo + 8;
		unsigned int a = field->shift > lo ? field->shift : lo;
		unsigned int b = field->shift + field->n_bits < hi ?
				 field->shift + field->n_bits : hi;

		if (a < b)
			mask[field->n_bytes - 1 - i] =
				(uint8_t)(((1u << (b - a)) - 1) << (a - lo));
	}
}

void wft_subfield_get(const struct wft_subfield *sf, const struct wft_flow *flow,
		      uint8_t *value)
{
	const struct wft_field *f = sf->field;
	const uint8_t *p = (const uint8_t *)flow + f->offset;
	unsigned int i;

	memset(value, 0, f->n_bytes);
	for (i = 0; i < sf->n_bits; i++)
		bit_put(value, f->n_bytes, i,
			bit_get(p, f->n_bytes, f->shift + sf->ofs + i));
}

/* in_port is written as a 16-bit OpenFlow 1.0 port: its reserved values
 * 0xff00.. stand for the 32-bit 0xffffff00.., others are themselves. */
static void in_port_widen(struct wft_flow *flow)
{
	uint32_t port = ntohl(flow->in_port) & 0xffff;

	if (port >= 0xff00)
		port |= 0xffff0000u;
	flow->in_port = htonl(port);
}

void wft_subfield_set(const struct wft_subfield *sf, const uint8_t *value,
		      struct wft_flow *flow, struct wft_flow_wc *wc)
{
	const struct wft_field *f = sf->field;
	uint8_t *p = (uint8_t *)flow + f->offset;
	uint8_t *m = wc ? (uint8_t *)&wc->masks + f->offset : NULL;
	uint8_t valid[16];
	unsigned int i, bit;

	wft_field_bytes_mask(f, valid);
	bit = f->shift + sf->ofs;
	if (!(bit % 8)) {
		/* Byte-aligned (registers, addresses, metadata): value byte
		 * j (from the last) is the field's byte j + bit / 8. */
		unsigned int skip = bit / 8, n = (sf->n_bits + 7) / 8, j;

		for (j = 0; j < n && j + skip < f->n_bytes; j++) {
			unsigned int at = f->n_bytes - 1 - skip - j;
			uint8_t mb = valid[at];

			if (j == n - 1 && sf->n_bits % 8)
				mb &= (uint8_t)((1u << (sf->n_bits % 8)) - 1);
			p[at] = (uint8_t)((p[at] & ~mb) |
					  (value[f->n_bytes - 1 - j] & mb));
			if (m)
				m[at] |= mb;
		}
		goto extras;
	}
	for (i = 0; i < sf->n_bits; i++) {
		bit = f->shift + sf->ofs + i;
		/* nw_tos: ECN bits are not the field's to write. */
		if (!bit_get(valid, f->n_bytes, bit))
			continue;
		bit_put(p, f->n_bytes, bit, bit_get(value, f->n_bytes, i));
		if (m)
			bit_put(m, f->n_bytes, bit, true);
	}
extras:
	if (wft_field_id_is_tun_md(f->id)) {
		/* A written option is one the packet will carry. */
		flow->tun_md_present |= 1ull << (f->id - WFT_F_TUN_METADATA0);
		if (wc)
			wc->masks.tun_md_present |=
				1ull << (f->id - WFT_F_TUN_METADATA0);
	}
	if (f->id == WFT_F_IN_PORT) {
		in_port_widen(flow);
		if (wc)
			wc->masks.in_port = 0xffffffffu;
	}
}

/* Whether @wc matches all of @n bytes at @ofs exactly and @flow holds
 * @want there (host-order integer of 1, 2 or 4 bytes). */
static bool exact_is(const struct wft_flow *flow, const struct wft_flow_wc *wc,
		     size_t ofs, unsigned int n, uint32_t want)
{
	const uint8_t *v = (const uint8_t *)flow + ofs;
	const uint8_t *m = (const uint8_t *)&wc->masks + ofs;
	uint32_t got = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (m[i] != 0xff)
			return false;
		got = got << 8 | v[i];
	}
	return got == want;
}

static bool eth_type_is(const struct wft_flow *flow,
			const struct wft_flow_wc *wc, uint16_t type)
{
	return exact_is(flow, wc, offsetof(struct wft_flow, dl_type), 2, type);
}

static bool proto_is(const struct wft_flow *flow, const struct wft_flow_wc *wc,
		     bool v4, bool v6, uint8_t proto)
{
	if (!((v4 && eth_type_is(flow, wc, WFT_ETH_TYPE_IP)) ||
	      (v6 && eth_type_is(flow, wc, WFT_ETH_TYPE_IPV6))))
		return false;
	return exact_is(flow, wc, offsetof(struct wft_flow, nw_proto), 1, proto);
}

static bool icmpv6_type_is(const struct wft_flow *flow,
			   const struct wft_flow_wc *wc, uint8_t type)
{
	return proto_is(flow, wc, false, true, IPPROTO_ICMPV6) &&
	       exact_is(flow, wc, offsetof(struct wft_flow, tp_src) + 1, 1, type);
}

static bool nd_ok(const struct wft_flow *flow, const struct wft_flow_wc *wc,
		  bool solicit, bool advert)
{
	if (!exact_is(flow, wc, offsetof(struct wft_flow, tp_dst) + 1, 1, 0))
		return false;
	return (solicit && icmpv6_type_is(flow, wc, 135)) ||
	       (advert && icmpv6_type_is(flow, wc, 136));
}

/* OVS's "CT" prerequisite as it checks a match: the (masked) ct_state
 * says there is a connection, either by a bit only a tracked, valid packet
 * has, or by +trk with -inv. */
static bool ct_valid(const struct wft_flow *flow, const struct wft_flow_wc *wc)
{
	uint32_t mask = ntohl(wc->masks.ct_state);
	uint32_t state = ntohl(flow->ct_state) & mask;

	return state & (WFT_CS_NEW | WFT_CS_ESTABLISHED | WFT_CS_RELATED |
			WFT_CS_REPLY_DIR | WFT_CS_SRC_NAT | WFT_CS_DST_NAT) ||
	       (state & WFT_CS_TRACKED && mask & WFT_CS_INVALID &&
		!(state & WFT_CS_INVALID));
}

bool wft_field_prereqs_ok(const struct wft_field *field,
			  const struct wft_flow *flow,
			  const struct wft_flow_wc *wc)
{
	const uint8_t *tci = (const uint8_t *)&flow->vlan_tci;
	const uint8_t *tci_m = (const uint8_t *)&wc->masks.vlan_tci;

	switch (field->prereq) {
	case WFT_P_NONE:
		return true;
	case WFT_P_VLAN:
		return tci_m[0] & 0x10 && tci[0] & 0x10;
	case WFT_P_ARP:
		return eth_type_is(flow, wc, WFT_ETH_TYPE_ARP) ||
		       eth_type_is(flow, wc, WFT_ETH_TYPE_RARP);
	case WFT_P_IP:
		return eth_type_is(flow, wc, WFT_ETH_TYPE_IP) ||
		       eth_type_is(flow, wc, WFT_ETH_TYPE_IPV6);
	case WFT_P_IPV4:
		return eth_type_is(flow, wc, WFT_ETH_TYPE_IP);
	case WFT_P_IPV6:
		return eth_type_is(flow, wc, WFT_ETH_TYPE_IPV6);
	case WFT_P_TCP:
		return proto_is(flow, wc, true, true, IPPROTO_TCP);
	case WFT_P_UDP:
		return proto_is(flow, wc, true, true, IPPROTO_UDP);
	case WFT_P_SCTP:
		return proto_is(flow, wc, true, true, IPPROTO_SCTP);
	case WFT_P_ICMPV4:
		return proto_is(flow, wc, true, false, IPPROTO_ICMP);
	case WFT_P_ICMPV6:
		return proto_is(flow, wc, false, true, IPPROTO_ICMPV6);
	case WFT_P_ND:
		return nd_ok(flow, wc, true, true);
	case WFT_P_ND_SOLICIT:
		return nd_ok(flow, wc, true, false);
	case WFT_P_ND_ADVERT:
		return nd_ok(flow, wc, false, true);
	case WFT_P_CT:
		return ct_valid(flow, wc);
	}
	return false;
}

static int parse_uint(const char **p, unsigned int *v)
{
	char *end;
	unsigned long n;

	if (**p < '0' || **p > '9')
		return -EINVAL;
	n = strtoul(*p, &end, 10);
	if (n > 0xffff)
		return -EINVAL;
	*v = (unsigned int)n;
	*p = end;
	return 0;
}

/* The "[...]" after a field name: empty, a bit, or a range "a..b". */
static int parse_range(const char **p, const struct wft_field *f,
		       struct wft_subfield *sf, char *err, size_t errlen)
{
	const char *s = *p;
	unsigned int a, b;

	sf->ofs = 0;
	sf->n_bits = f->n_bits;
	if (*s != '[')
		return 0;
	s++;
	if (*s == ']') {
		*p = s + 1;
		return 0;
	}
	if (parse_uint(&s, &a))
		goto bad;
	b = a;
	if (s[0] == '.' && s[1] == '.') {
		s += 2;
		if (parse_uint(&s, &b))
			goto bad;
	}
	if (*s != ']')
		goto bad;
	if (a > b || b >= f->n_bits) {
		snprintf(err, errlen, "%s[%u..%u] is outside the field's %u bits",
			 f->name, a, b, f->n_bits);
		return -EINVAL;
	}
	sf->ofs = a;
	sf->n_bits = b - a + 1;
	*p = s + 1;
	return 0;
bad:
	snprintf(err, errlen, "%s: malformed bit range at \"%s\" "
		 "(expected [], [N] or [M..N])", f->name, *p);
	return -EINVAL;
}

int wft_subfield_parse(const char *s, struct wft_subfield *sf, size_t *used,
		       char *err, size_t errlen)
{
	const struct wft_field *f;
	const char *p = s;
	size_t len;

	len = strspn(s, "abcdefghijklmnopqrstuvwxyz"
		     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
	if (!len) {
		snprintf(err, errlen, "expected a field name at \"%s\"", s);
		return -EINVAL;
	}
	f = wft_field_from_name(s, len);
	if (!f) {
		snprintf(err, errlen, "unknown field \"%.*s\"", (int)len, s);
		return -EINVAL;
	}
	p = s + len;
	sf->field = f;
	if (parse_range(&p, f, sf, err, errlen))
		return -EINVAL;
	*used = (size_t)(p - s);
	return 0;
}
