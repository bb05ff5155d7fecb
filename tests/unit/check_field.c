// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the field registry (include/weft/field.h):
 *  - the table: every id at its own index, storage inside struct wft_flow,
 *    every name and alias found again;
 *  - subfield access over big-endian storage: registers, their xreg and
 *    xxreg views, shifted fields (vlan_pcp, ip_dscp), nw_tos leaving ECN
 *    alone, in_port's 16-bit view;
 *  - subfield parsing, good and bad;
 *  - prerequisites against a rule's mask;
 *  - tunnel fields and GENEVE TLV maps (issue 5): tun_metadataN's default
 *    place, a map's places and errors (OVS's NXTTMFC_* names), parsing and
 *    printing rules with a map active, dump-tlv-map's text, persistence.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "weft/field.h"
#include "weft/ofp_flow.h"
#include "weft/tlv_map.h"

static const struct wft_field *by_name(const char *name)
{
	return wft_field_from_name(name, strlen(name));
}

START_TEST(test_table_consistent)
{
	unsigned int id;

	for (id = 0; id < WFT_N_FIELDS; id++) {
		const struct wft_field *f = wft_field_from_id(id);

		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(f->id, id);
		ck_assert_ptr_nonnull(f->name);
		ck_assert_uint_le(f->offset + f->n_bytes, sizeof(struct wft_flow));
		ck_assert_uint_le(f->n_bits + f->shift, f->n_bytes * 8u);
		ck_assert_uint_le(f->n_bytes, 16);
		ck_assert_ptr_eq(by_name(f->name), f);
		if (f->alias)
			ck_assert_ptr_eq(by_name(f->alias), f);
		if (f->nxm_name)
			ck_assert_ptr_eq(by_name(f->nxm_name), f);
		if (f->oxm_name)
			ck_assert_ptr_eq(by_name(f->oxm_name), f);
	}
	ck_assert_ptr_null(wft_field_from_id(WFT_N_FIELDS));
}
END_TEST

static const struct {
	const char *name;
	enum wft_field_id id;
} names[] = {
	{ "in_port", WFT_F_IN_PORT }, { "reg0", WFT_F_REG0 },
	{ "reg15", WFT_F_REG0 + 15 }, { "NXM_NX_REG7", WFT_F_REG0 + 7 },
	{ "xreg3", WFT_F_XREG0 + 3 }, { "OXM_OF_PKT_REG5", WFT_F_XREG0 + 5 },
	{ "xxreg3", WFT_F_XXREG0 + 3 }, { "NXM_NX_XXREG1", WFT_F_XXREG0 + 1 },
	{ "metadata", WFT_F_METADATA }, { "dl_src", WFT_F_ETH_SRC },
	{ "eth_src", WFT_F_ETH_SRC }, { "NXM_OF_ETH_DST", WFT_F_ETH_DST },
	{ "dl_type", WFT_F_ETH_TYPE }, { "eth_type", WFT_F_ETH_TYPE },
	{ "nw_src", WFT_F_IP_SRC }, { "ip_src", WFT_F_IP_SRC },
	{ "ip_dst", WFT_F_IP_DST }, { "nw_proto", WFT_F_IP_PROTO },
	{ "ip_proto", WFT_F_IP_PROTO }, { "nw_tos", WFT_F_IP_DSCP },
	{ "ip_dscp", WFT_F_IP_DSCP_SHIFTED }, { "ip_ecn", WFT_F_IP_ECN },
	{ "nw_frag", WFT_F_IP_FRAG }, { "ip_frag", WFT_F_IP_FRAG },
	{ "tp_src", WFT_F_TCP_SRC }, { "tp_dst", WFT_F_TCP_DST },
	{ "icmpv6_type", WFT_F_ICMPV6_TYPE }, { "nd_sll", WFT_F_ND_SLL },
	{ "OXM_OF_IPV6_ND_TARGET", WFT_F_ND_TARGET },
	{ "tun_id", WFT_F_TUN_ID }, { "tunnel_id", WFT_F_TUN_ID },
	{ "NXM_NX_TUN_ID", WFT_F_TUN_ID }, { "OXM_OF_TUNNEL_ID", WFT_F_TUN_ID },
	{ "tun_src", WFT_F_TUN_SRC }, { "NXM_NX_TUN_IPV4_DST", WFT_F_TUN_DST },
	{ "tun_ipv6_src", WFT_F_TUN_IPV6_SRC },
	{ "NXM_NX_TUN_IPV6_DST", WFT_F_TUN_IPV6_DST },
	{ "tun_flags", WFT_F_TUN_FLAGS }, { "tun_metadata0", WFT_F_TUN_METADATA0 },
	{ "NXM_NX_TUN_METADATA63", WFT_F_TUN_METADATA0 + 63 },
	{ "ct_state", WFT_F_CT_STATE }, { "NXM_NX_CT_STATE", WFT_F_CT_STATE },
	{ "ct_zone", WFT_F_CT_ZONE }, { "NXM_NX_CT_ZONE", WFT_F_CT_ZONE },
	{ "ct_mark", WFT_F_CT_MARK }, { "NXM_NX_CT_MARK", WFT_F_CT_MARK },
	{ "ct_label", WFT_F_CT_LABEL }, { "NXM_NX_CT_LABEL", WFT_F_CT_LABEL },
	{ "ct_nw_proto", WFT_F_CT_NW_PROTO },
	{ "ct_nw_src", WFT_F_CT_NW_SRC }, { "NXM_NX_CT_NW_DST", WFT_F_CT_NW_DST },
	{ "ct_ipv6_src", WFT_F_CT_IPV6_SRC },
	{ "NXM_NX_CT_IPV6_DST", WFT_F_CT_IPV6_DST },
	{ "ct_tp_src", WFT_F_CT_TP_SRC }, { "NXM_NX_CT_TP_DST", WFT_F_CT_TP_DST },
};

START_TEST(test_names)
{
	ck_assert_ptr_eq(by_name(names[_i].name),
			 wft_field_from_id(names[_i].id));
}
END_TEST

START_TEST(test_unknown_names)
{
	ck_assert_ptr_null(by_name("reg16"));
	ck_assert_ptr_null(by_name("nosuch"));
	ck_assert_ptr_null(by_name(""));
	/* A prefix of a name is not the name. */
	ck_assert_ptr_null(wft_field_from_name("reg10", 3));
	ck_assert_ptr_eq(wft_field_from_name("reg10", 4),
			 wft_field_from_id(WFT_F_REG0 + 1));
}
END_TEST

static struct wft_subfield sf_of(const char *s)
{
	struct wft_subfield sf;
	char err[128];
	size_t used;

	ck_assert_msg(!wft_subfield_parse(s, &sf, &used, err, sizeof(err)),
		      "%s: %s", s, err);
	ck_assert_uint_eq(used, strlen(s));
	return sf;
}

START_TEST(test_reg_views)
{
	struct wft_flow flow;
	struct wft_flow_wc wc;
	struct wft_subfield sf;
	uint8_t v[16], out[16];

	memset(&flow, 0, sizeof(flow));
	memset(&wc, 0, sizeof(wc));
	/* reg0[8..15] := 0xab */
	sf = sf_of("reg0[8..15]");
	memset(v, 0, sizeof(v));
	v[3] = 0xab;
	wft_subfield_set(&sf, v, &flow, &wc);
	ck_assert_uint_eq(ntohl(flow.regs[0]), 0xab00);
	ck_assert_uint_eq(ntohl(wc.masks.regs[0]), 0xff00);
	wft_subfield_get(&sf, &flow, out);
	ck_assert_mem_eq(out, v, 4);

	/* xreg0 is reg0 (high half) and reg1 (low half). */
	flow.regs[1] = htonl(0x11223344);
	sf = sf_of("xreg0[]");
	wft_subfield_get(&sf, &flow, out);
	ck_assert_mem_eq(out, "\x00\x00\xab\x00\x11\x22\x33\x44", 8);

	/* xxreg1[0..31] is reg7. */
	sf = sf_of("NXM_NX_XXREG1[0..31]");
	v[0] = 0xde, v[1] = 0xad, v[2] = 0xbe, v[3] = 0xef;
	memcpy(v + 12, v, 4);
	wft_subfield_set(&sf, v, &flow, NULL);
	ck_assert_uint_eq(ntohl(flow.regs[7]), 0xdeadbeef);
	ck_assert_uint_eq(flow.regs[6], 0);
}
END_TEST

START_TEST(test_shifted_fields)
{
	struct wft_flow flow;
	struct wft_flow_wc wc;
	struct wft_subfield sf;
	uint8_t v[2] = { 0, 5 }, out[2];

	memset(&flow, 0, sizeof(flow));
	memset(&wc, 0, sizeof(wc));
	flow.vlan_tci = htons(0x1064);
	sf = sf_of("vlan_pcp");
	wft_subfield_set(&sf, v, &flow, &wc);
	ck_assert_uint_eq(ntohs(flow.vlan_tci), 0xb064);
	ck_assert_uint_eq(ntohs(wc.masks.vlan_tci), 0xe000);
	wft_subfield_get(&sf, &flow, out);
	ck_assert_mem_eq(out, v, 2);

	/* ip_dscp 10 is ToS 40; ECN stays. */
	flow.nw_tos = 0x03;
	sf = sf_of("ip_dscp");
	v[0] = 10;
	wft_subfield_set(&sf, v, &flow, NULL);
	ck_assert_uint_eq(flow.nw_tos, 0x2b);
	/* nw_tos writes only DSCP bits. */
	sf = sf_of("NXM_OF_IP_TOS[]");
	v[0] = 0xff;
	wft_subfield_set(&sf, v, &flow, &wc);
	ck_assert_uint_eq(flow.nw_tos, 0xff);
	ck_assert_uint_eq(wc.masks.nw_tos, 0xfc);
	flow.nw_tos = 0;
	wft_subfield_set(&sf, v, &flow, NULL);
	ck_assert_uint_eq(flow.nw_tos, 0xfc);
}
END_TEST

START_TEST(test_in_port_view)
{
	struct wft_flow flow;
	struct wft_subfield sf = sf_of("NXM_OF_IN_PORT[]");
	uint8_t v[4] = { 0, 0, 0xff, 0xfe }, out[4];

	memset(&flow, 0, sizeof(flow));
	ck_assert_uint_eq(sf.n_bits, 16);
	wft_subfield_set(&sf, v, &flow, NULL);
	ck_assert_uint_eq(ntohl(flow.in_port), 0xfffffffe);	/* LOCAL */
	wft_subfield_get(&sf, &flow, out);
	ck_assert_mem_eq(out, v, 4);
	v[2] = 0, v[3] = 7;
	wft_subfield_set(&sf, v, &flow, NULL);
	ck_assert_uint_eq(ntohl(flow.in_port), 7);
}
END_TEST

static const struct {
	enum wft_field_id id;
	uint8_t mask[4];
} byte_masks[] = {
	{ WFT_F_VLAN_TCI, { 0xff, 0xff } }, { WFT_F_VLAN_VID, { 0x1f, 0xff } },
	{ WFT_F_DL_VLAN, { 0x0f, 0xff } }, { WFT_F_VLAN_PCP, { 0xe0, 0x00 } },
	{ WFT_F_IP_DSCP, { 0xfc } }, { WFT_F_IP_DSCP_SHIFTED, { 0xfc } },
	{ WFT_F_IP_ECN, { 0x03 } }, { WFT_F_IP_FRAG, { 0x03 } },
	{ WFT_F_IPV6_LABEL, { 0x00, 0x0f, 0xff, 0xff } },
	{ WFT_F_TCP_FLAGS, { 0x0f, 0xff } }, { WFT_F_IN_PORT, { 0, 0, 0xff, 0xff } },
};

START_TEST(test_bytes_mask)
{
	const struct wft_field *f = wft_field_from_id(byte_masks[_i].id);
	uint8_t mask[16];

	wft_field_bytes_mask(f, mask);
	ck_assert_mem_eq(mask, byte_masks[_i].mask, f->n_bytes);
}
END_TEST

static const struct {
	const char *s;
	unsigned int ofs, n_bits;
} good_sf[] = {
	{ "reg0", 0, 32 }, { "reg0[]", 0, 32 }, { "reg0[5]", 5, 1 },
	{ "reg0[0..31]", 0, 32 }, { "NXM_NX_REG3[16..31]", 16, 16 },
	{ "eth_dst[40..47]", 40, 8 }, { "xxreg0[64..127]", 64, 64 },
	{ "vlan_vid[]", 0, 13 }, { "ipv6_label", 0, 20 },
};

START_TEST(test_subfield_parse_good)
{
	struct wft_subfield sf = sf_of(good_sf[_i].s);

	ck_assert_uint_eq(sf.ofs, good_sf[_i].ofs);
	ck_assert_uint_eq(sf.n_bits, good_sf[_i].n_bits);
}
END_TEST

static const struct {
	const char *s;
	const char *err;
} bad_sf[] = {
	{ "reg0[32]", "outside" }, { "reg0[5..2]", "outside" },
	{ "reg0[0..32]", "outside" }, { "reg0[a]", "malformed" },
	{ "reg0[1..", "malformed" }, { "reg0[1", "malformed" },
	{ "nosuch[]", "unknown field \"nosuch\"" }, { "[1]", "expected a field" },
};

START_TEST(test_subfield_parse_bad)
{
	struct wft_subfield sf;
	char err[128] = "";
	size_t used;

	ck_assert_int_ne(wft_subfield_parse(bad_sf[_i].s, &sf, &used, err,
					    sizeof(err)), 0);
	ck_assert_msg(strstr(err, bad_sf[_i].err), "%s: got \"%s\"",
		      bad_sf[_i].s, err);
}
END_TEST

/* A rule matching dl_type (and nw_proto, icmp type/code when non-zero). */
static void rule(struct wft_flow *f, struct wft_flow_wc *wc, uint16_t type,
		 int proto, int icmp_type, int icmp_code)
{
	memset(f, 0, sizeof(*f));
	memset(wc, 0, sizeof(*wc));
	if (type) {
		f->dl_type = htons(type);
		wc->masks.dl_type = 0xffff;
	}
	if (proto >= 0) {
		f->nw_proto = (uint8_t)proto;
		wc->masks.nw_proto = 0xff;
	}
	if (icmp_type >= 0) {
		f->tp_src = htons((uint16_t)icmp_type);
		wc->masks.tp_src = htons(0xff);
	}
	if (icmp_code >= 0) {
		f->tp_dst = htons((uint16_t)icmp_code);
		wc->masks.tp_dst = htons(0xff);
	}
}

static const struct {
	enum wft_field_id id;
	uint16_t type;
	int proto, icmp_type, icmp_code;
	bool ok;
} prereqs[] = {
	{ WFT_F_ETH_SRC, 0, -1, -1, -1, true },
	{ WFT_F_IP_SRC, 0, -1, -1, -1, false },
	{ WFT_F_IP_SRC, 0x0800, -1, -1, -1, true },
	{ WFT_F_IP_SRC, 0x86dd, -1, -1, -1, false },
	{ WFT_F_IPV6_SRC, 0x86dd, -1, -1, -1, true },
	{ WFT_F_IP_PROTO, 0x86dd, -1, -1, -1, true },
	{ WFT_F_ARP_SPA, 0x0806, -1, -1, -1, true },
	{ WFT_F_ARP_SPA, 0x8035, -1, -1, -1, true },
	{ WFT_F_ARP_SPA, 0x0800, -1, -1, -1, false },
	{ WFT_F_TCP_SRC, 0x0800, 6, -1, -1, true },
	{ WFT_F_TCP_SRC, 0x86dd, 6, -1, -1, true },
	{ WFT_F_TCP_SRC, 0x0800, 17, -1, -1, false },
	{ WFT_F_TCP_SRC, 0x0800, -1, -1, -1, false },
	{ WFT_F_UDP_DST, 0x0800, 17, -1, -1, true },
	{ WFT_F_SCTP_DST, 0x86dd, 132, -1, -1, true },
	{ WFT_F_ICMPV4_TYPE, 0x0800, 1, -1, -1, true },
	{ WFT_F_ICMPV4_TYPE, 0x86dd, 1, -1, -1, false },
	{ WFT_F_ICMPV6_TYPE, 0x86dd, 58, -1, -1, true },
	{ WFT_F_ND_TARGET, 0x86dd, 58, 135, 0, true },
	{ WFT_F_ND_TARGET, 0x86dd, 58, 136, 0, true },
	{ WFT_F_ND_TARGET, 0x86dd, 58, 135, -1, false },
	{ WFT_F_ND_TARGET, 0x86dd, 58, 128, 0, false },
	{ WFT_F_ND_SLL, 0x86dd, 58, 135, 0, true },
	{ WFT_F_ND_SLL, 0x86dd, 58, 136, 0, false },
	{ WFT_F_ND_TLL, 0x86dd, 58, 136, 0, true },
};

START_TEST(test_prereqs)
{
	struct wft_flow f;
	struct wft_flow_wc wc;

	rule(&f, &wc, prereqs[_i].type, prereqs[_i].proto,
	     prereqs[_i].icmp_type, prereqs[_i].icmp_code);
	ck_assert_int_eq(wft_field_prereqs_ok(wft_field_from_id(prereqs[_i].id),
					      &f, &wc), prereqs[_i].ok);
}
END_TEST

/* OVS's "CT" prerequisite: the rule's ct_state (value, mask) says there
 * is a valid connection. */
static const struct {
	uint32_t state, mask;
	bool ok;
} ct_prereqs[] = {
	{ 0, 0, false },
	{ WFT_CS_TRACKED, WFT_CS_TRACKED, false },	/* +trk: maybe +inv */
	{ WFT_CS_TRACKED, WFT_CS_TRACKED | WFT_CS_INVALID, true },
	{ WFT_CS_TRACKED | WFT_CS_INVALID, WFT_CS_TRACKED | WFT_CS_INVALID,
	  false },
	{ WFT_CS_INVALID, WFT_CS_INVALID, false },
	{ 0, WFT_CS_INVALID, false },		/* -inv alone: maybe -trk */
	{ WFT_CS_NEW, WFT_CS_NEW, true },
	{ WFT_CS_ESTABLISHED, WFT_CS_ESTABLISHED, true },
	{ WFT_CS_RELATED, WFT_CS_RELATED, true },
	{ WFT_CS_REPLY_DIR, WFT_CS_REPLY_DIR, true },
	{ WFT_CS_SRC_NAT, WFT_CS_SRC_NAT, true },
	{ WFT_CS_DST_NAT, WFT_CS_DST_NAT, true },
	{ 0, WFT_CS_NEW | WFT_CS_ESTABLISHED, false },	/* -new-est */
	{ WFT_CS_ESTABLISHED | WFT_CS_TRACKED, WFT_CS_ALL, true },
};

START_TEST(test_prereq_ct)
{
	static const enum wft_field_id need_ct[] = {
		WFT_F_CT_NW_PROTO, WFT_F_CT_NW_SRC, WFT_F_CT_NW_DST,
		WFT_F_CT_IPV6_SRC, WFT_F_CT_IPV6_DST, WFT_F_CT_TP_SRC,
		WFT_F_CT_TP_DST,
	};
	static const enum wft_field_id free_ct[] = {
		WFT_F_CT_STATE, WFT_F_CT_ZONE, WFT_F_CT_MARK, WFT_F_CT_LABEL,
	};
	struct wft_flow f;
	struct wft_flow_wc wc;
	size_t i;

	rule(&f, &wc, 0, -1, -1, -1);
	f.ct_state = htonl(ct_prereqs[_i].state);
	wc.masks.ct_state = htonl(ct_prereqs[_i].mask);
	for (i = 0; i < sizeof(need_ct) / sizeof(need_ct[0]); i++)
		ck_assert_int_eq(wft_field_prereqs_ok(
					 wft_field_from_id(need_ct[i]), &f, &wc),
				 ct_prereqs[_i].ok);
	for (i = 0; i < sizeof(free_ct) / sizeof(free_ct[0]); i++)
		ck_assert(wft_field_prereqs_ok(wft_field_from_id(free_ct[i]),
					       &f, &wc));
}
END_TEST

/* ct_label is one 128-bit big-endian number; ct_mark is writable (the
 * action parser confines it to ct(exec())), ct_state is not. */
START_TEST(test_ct_fields)
{
	const struct wft_field *label = wft_field_from_id(WFT_F_CT_LABEL);
	struct wft_subfield sf = { label, 64, 8 };
	uint8_t v[16] = { 0 };
	struct wft_flow f;

	memset(&f, 0, sizeof(f));
	v[15] = 0xab;
	wft_subfield_set(&sf, v, &f, NULL);
	ck_assert_uint_eq(f.ct_label[7], 0xab);	/* bits 64..71 */
	ck_assert(!f.ct_label[15] && !f.ct_label[8]);
	ck_assert(wft_field_from_id(WFT_F_CT_MARK)->writable);
	ck_assert(wft_field_from_id(WFT_F_CT_LABEL)->writable);
	ck_assert(!wft_field_from_id(WFT_F_CT_STATE)->writable);
	ck_assert(!wft_field_from_id(WFT_F_CT_ZONE)->writable);
	ck_assert(!wft_field_from_id(WFT_F_CT_NW_SRC)->writable);
	ck_assert(wft_field_id_is_ct_writable(WFT_F_CT_MARK));
	ck_assert(!wft_field_id_is_ct_writable(WFT_F_REG0));
	ck_assert_uint_eq(wft_field_from_id(WFT_F_CT_STATE)->n_bits, 32);
}
END_TEST

START_TEST(test_prereq_vlan)
{
	const struct wft_field *pcp = wft_field_from_id(WFT_F_VLAN_PCP);
	struct wft_flow f;
	struct wft_flow_wc wc;

	memset(&f, 0, sizeof(f));
	memset(&wc, 0, sizeof(wc));
	ck_assert(!wft_field_prereqs_ok(pcp, &f, &wc));
	f.vlan_tci = htons(WFT_VLAN_CFI);
	wc.masks.vlan_tci = htons(WFT_VLAN_CFI);
	ck_assert(wft_field_prereqs_ok(pcp, &f, &wc));
}
END_TEST

/* Tunnel fields and TLV maps. */

START_TEST(test_tun_md_default_places)
{
	const struct wft_field *f;
	unsigned int i;

	ck_assert_ptr_null(wft_tlv_map_active());
	for (i = 0; i < WFT_N_TUN_METADATA; i++) {
		f = wft_field_from_id(WFT_F_TUN_METADATA0 + i);
		ck_assert_uint_eq(f->offset,
				  offsetof(struct wft_flow, tun_md) + 4 * i);
		ck_assert_uint_eq(f->n_bytes, 4);
		ck_assert(f->maskable && f->writable);
	}
	f = by_name("tun_flags");
	ck_assert_uint_eq(f->n_bits, 1);
}
END_TEST

START_TEST(test_tun_md_set_marks_present)
{
	struct wft_subfield sf = sf_of("tun_metadata5[0..15]");
	uint8_t v[4] = { 0, 0, 0x12, 0x34 };
	struct wft_flow flow;
	struct wft_flow_wc wc;

	memset(&flow, 0, sizeof(flow));
	wft_flow_wc_init_catchall(&wc);
	wft_subfield_set(&sf, v, &flow, &wc);
	ck_assert_uint_eq(flow.tun_md_present, 1ull << 5);
	ck_assert_uint_eq(wc.masks.tun_md_present, 1ull << 5);
	ck_assert_uint_eq(flow.tun_md[20 + 2], 0x12);
	ck_assert_uint_eq(flow.tun_md[20 + 3], 0x34);
}
END_TEST

static const struct {
	const char *text;
	int n;			/* -1: a parse error */
} tlv_parse[] = {
	{ "{class=0x0102,type=0x80,len=4}->tun_metadata0", 1 },
	{ "{class=0xffff,type=1,len=8}->tun_metadata3,"
	  "{class=0x1,type=0x2,len=12}->tun_metadata10", 2 },
	{ "", 0 },
	{ "{class=0x0102,type=0x80}->tun_metadata0", -1 },
	{ "{class=0x10000,type=0x80,len=4}->tun_metadata0", -1 },
	{ "{class=1,type=0x100,len=4}->tun_metadata0", -1 },
	{ "{class=1,type=1,len=4}->reg0", -1 },
	{ "{class=1,type=1,len=4}->tun_metadata", -1 },
	{ "{class=1,type=1,len=4}->tun_metadata1;", -1 },
};

START_TEST(test_tlv_parse)
{
	struct wft_tlv_mapping m[4];
	char err[256];
	size_t n;
	int ret;

	ret = wft_tlv_mappings_parse(tlv_parse[_i].text, m, 4, &n, err,
				     sizeof(err));
	if (tlv_parse[_i].n < 0) {
		ck_assert_int_eq(ret, -EINVAL);
		ck_assert_msg(*err, "no message for %s", tlv_parse[_i].text);
	} else {
		ck_assert_msg(!ret, "%s: %s", tlv_parse[_i].text, err);
		ck_assert_uint_eq(n, (size_t)tlv_parse[_i].n);
	}
}
END_TEST

static void map_add(struct wft_tlv_map *map, const char *text, char *err,
		    size_t errlen, int *ret)
{
	struct wft_tlv_mapping m[8];
	size_t n;

	ck_assert_msg(!wft_tlv_mappings_parse(text, m, 8, &n, err, errlen),
		      "%s: %s", text, err);
	*ret = wft_tlv_map_add(map, m, n, err, errlen);
}

/* Each added to a map holding {0x102,0x80,4}->0 and {0xffff,1,8}->3,
 * with the error OVS gives (NULL: accepted). */
static const struct {
	const char *text;
	const char *err;
} tlv_add[] = {
	{ "{class=0x0102,type=0x80,len=4}->tun_metadata1", "NXTTMFC_DUP_ENTRY" },
	{ "{class=0x0103,type=0x80,len=4}->tun_metadata0",
	  "NXTTMFC_ALREADY_MAPPED" },
	{ "{class=0x0103,type=0x80,len=5}->tun_metadata5", "NXTTMFC_BAD_OPT_LEN" },
	{ "{class=0x0103,type=0x80,len=0}->tun_metadata5", "NXTTMFC_BAD_OPT_LEN" },
	{ "{class=0x0103,type=0x80,len=128}->tun_metadata5",
	  "NXTTMFC_BAD_OPT_LEN" },
	{ "{class=0x0103,type=0x80,len=124}->tun_metadata5",
	  "weft maps GENEVE options of at most 16 bytes" },
	{ "{class=0x0103,type=0x80,len=4}->tun_metadata64",
	  "NXTTMFC_BAD_FIELD_IDX" },
	{ "{class=0x0103,type=0x80,len=4}->tun_metadata6,"
	  "{class=0x0104,type=0x80,len=4}->tun_metadata6",
	  "NXTTMFC_ALREADY_MAPPED" },
	{ "{class=0x0103,type=0x80,len=16}->tun_metadata63", NULL },
	{ "{class=0x0103,type=0x81,len=4}->tun_metadata1,"
	  "{class=0x0103,type=0x82,len=4}->tun_metadata2", NULL },
};

static void base_map(struct wft_tlv_map *map)
{
	char err[256];
	int ret;

	wft_tlv_map_init(map);
	map_add(map, "{class=0x0102,type=0x80,len=4}->tun_metadata0,"
		"{class=0xffff,type=1,len=8}->tun_metadata3", err,
		sizeof(err), &ret);
	ck_assert_msg(!ret, "%s", err);
}

START_TEST(test_tlv_add)
{
	struct wft_tlv_map map, before;
	char err[256] = "";
	int ret;

	base_map(&map);
	before = map;
	map_add(&map, tlv_add[_i].text, err, sizeof(err), &ret);
	if (!tlv_add[_i].err) {
		ck_assert_msg(!ret, "%s: %s", tlv_add[_i].text, err);
		return;
	}
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_msg(strstr(err, tlv_add[_i].err), "%s: got \"%s\"",
		      tlv_add[_i].text, err);
	/* All or nothing. */
	ck_assert(!memcmp(&map, &before, sizeof(map)));
}
END_TEST

START_TEST(test_tlv_table_full)
{
	struct wft_tlv_map map;
	struct wft_tlv_mapping m = { 1, 0, 16, 0 };
	char err[256];
	unsigned int i;

	wft_tlv_map_init(&map);
	for (i = 0; i < 16; i++) {
		m.type = (uint8_t)i;
		m.index = (uint8_t)i;
		ck_assert(!wft_tlv_map_add(&map, &m, 1, err, sizeof(err)));
	}
	ck_assert_uint_eq(wft_tlv_map_space(&map), 256);
	m.type = 99;
	m.index = 20;
	m.len = 4;
	ck_assert_int_eq(wft_tlv_map_add(&map, &m, 1, err, sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, "NXTTMFC_TABLE_FULL"), "%s", err);
}
END_TEST

START_TEST(test_tlv_format)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_tlv_map map;

	base_map(&map);
	wft_tlv_map_format(&map, &sb);
	/* What ovs-ofctl dump-tlv-map printed for the same map (OVS 3.1). */
	ck_assert_str_eq(wft_strbuf_cstr(&sb),
		"NXT_TLV_TABLE_REPLY (xid=0x2):\n"
		" max option space=256 max fields=64\n"
		" allocated option space=12\n"
		"\n"
		" mapping table:\n"
		"  class  type  length  match field\n"
		" ------  ----  ------  --------------\n"
		"  0x102  0x80       4  tun_metadata0\n"
		" 0xffff   0x1       8  tun_metadata3\n");
	wft_strbuf_free(&sb);
}
END_TEST

static bool uses_field(void *aux, const struct wft_field *f)
{
	return f == aux;
}

START_TEST(test_tlv_del)
{
	struct wft_tlv_mapping m = { 0, 0, 0, 3 };
	struct wft_tlv_map map;
	char err[256];

	base_map(&map);
	/* In use: refused, nothing deleted. */
	ck_assert_int_eq(wft_tlv_map_del(&map, &m, 1, uses_field,
					 &map.fields[3], err, sizeof(err)),
			 -EBUSY);
	ck_assert_msg(strstr(err, "NXTTMFC_INVALID_TLV_DEL"), "%s", err);
	ck_assert_ptr_nonnull(wft_tlv_map_get(&map, 3));
	/* By index, whatever the class (as OVS); unmapped ones ignored. */
	ck_assert(!wft_tlv_map_del(&map, &m, 1, NULL, NULL, err, sizeof(err)));
	ck_assert_ptr_null(wft_tlv_map_get(&map, 3));
	m.index = 9;
	ck_assert(!wft_tlv_map_del(&map, &m, 1, NULL, NULL, err, sizeof(err)));
	/* All. */
	ck_assert(!wft_tlv_map_del(&map, NULL, 0, NULL, NULL, err,
				   sizeof(err)));
	ck_assert_uint_eq(wft_tlv_map_space(&map), 0);
}
END_TEST

START_TEST(test_tlv_json)
{
	struct wft_tlv_map map, back;
	char err[256];
	json_t *j;

	base_map(&map);
	j = wft_tlv_map_to_json(&map);
	ck_assert(!wft_tlv_map_from_json(&back, j, err, sizeof(err)));
	json_decref(j);
	ck_assert_int_eq(wft_tlv_map_find(&back, 0x102, 0x80, 4), 0);
	ck_assert_int_eq(wft_tlv_map_find(&back, 0xffff, 1, 8), 3);
	ck_assert_uint_eq(back.e[3].offset, map.e[3].offset);
	j = json_loads("[{\"class\":1,\"type\":2,\"len\":5,\"index\":0}]", 0,
		       NULL);
	ck_assert_int_eq(wft_tlv_map_from_json(&back, j, err, sizeof(err)),
			 -EINVAL);
	json_decref(j);
	j = json_loads("[{\"class\":1}]", 0, NULL);
	ck_assert_int_eq(wft_tlv_map_from_json(&back, j, err, sizeof(err)),
			 -EINVAL);
	json_decref(j);
}
END_TEST

/* Rules parsed and printed with a map active use its places. */
static const struct {
	const char *in;
	const char *out;	/* NULL: an error containing err */
	const char *err;
} mapped[] = {
	{ "tun_metadata0=0x20001,actions=drop",
	  "ADD tun_metadata0=0x20001 actions=drop", NULL },
	{ "tun_metadata3=0x1122334455667788/0xffff0000ffff0000,actions=drop",
	  "ADD tun_metadata3=0x1122000055660000/0xffff0000ffff0000 "
	  "actions=drop", NULL },
	{ "actions=set_field:0x1122334455667788->tun_metadata3",
	  "ADD actions=set_field:0x1122334455667788->tun_metadata3", NULL },
	{ "actions=move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30]",
	  "ADD actions=move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30]",
	  NULL },
	{ "tun_metadata1=1,actions=drop", NULL,
	  "tun_metadata1 is not mapped by the bridge's GENEVE TLV map" },
	{ "actions=set_field:1->tun_metadata2", NULL,
	  "tun_metadata2 is not mapped" },
	{ "actions=load:1->NXM_NX_TUN_METADATA2[0..3]", NULL,
	  "tun_metadata2 is not mapped" },
};

START_TEST(test_tlv_mapped_rules)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	const struct wft_tlv_map *prev;
	struct wft_ofp_flow flow;
	struct wft_tlv_map map;
	char err[256] = "";
	int ret;

	base_map(&map);
	prev = wft_tlv_map_activate(&map);
	ck_assert_ptr_eq(wft_field_from_id(WFT_F_TUN_METADATA0 + 3),
			 &map.fields[3]);
	ck_assert_ptr_eq(by_name("NXM_NX_TUN_METADATA3"), &map.fields[3]);
	ck_assert_uint_eq(map.fields[3].n_bytes, 8);
	ck_assert_ptr_null(wft_field_from_id(WFT_F_TUN_METADATA0 + 1));
	ret = wft_ofp_flow_parse(mapped[_i].in, WFT_OFPFC_ADD, &flow, err,
				 sizeof(err));
	if (mapped[_i].out) {
		ck_assert_msg(!ret, "%s: %s", mapped[_i].in, err);
		wft_ofp_flow_format(&flow, &sb);
		ck_assert_str_eq(wft_strbuf_cstr(&sb), mapped[_i].out);
	} else {
		ck_assert_msg(ret && strstr(err, mapped[_i].err), "%s: %s",
			      mapped[_i].in, err);
	}
	wft_ofp_flow_uninit(&flow);
	wft_tlv_map_activate(prev);
	wft_strbuf_free(&sb);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *field_suite(void)
{
	Suite *s = suite_create("field");
	TCase *tc;

	tc = tcase_create("table");
	tcase_add_test(tc, test_table_consistent);
	tcase_add_loop_test(tc, test_names, 0, N(names));
	tcase_add_test(tc, test_unknown_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("subfield_access");
	tcase_add_test(tc, test_reg_views);
	tcase_add_test(tc, test_shifted_fields);
	tcase_add_test(tc, test_in_port_view);
	tcase_add_loop_test(tc, test_bytes_mask, 0, N(byte_masks));
	suite_add_tcase(s, tc);

	tc = tcase_create("subfield_parse");
	tcase_add_loop_test(tc, test_subfield_parse_good, 0, N(good_sf));
	tcase_add_loop_test(tc, test_subfield_parse_bad, 0, N(bad_sf));
	suite_add_tcase(s, tc);

	tc = tcase_create("prereqs");
	tcase_add_loop_test(tc, test_prereqs, 0, N(prereqs));
	tcase_add_test(tc, test_prereq_vlan);
	tcase_add_loop_test(tc, test_prereq_ct, 0, N(ct_prereqs));
	tcase_add_test(tc, test_ct_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("tunnel");
	tcase_add_test(tc, test_tun_md_default_places);
	tcase_add_test(tc, test_tun_md_set_marks_present);
	tcase_add_loop_test(tc, test_tlv_parse, 0, N(tlv_parse));
	tcase_add_loop_test(tc, test_tlv_add, 0, N(tlv_add));
	tcase_add_test(tc, test_tlv_table_full);
	tcase_add_test(tc, test_tlv_format);
	tcase_add_test(tc, test_tlv_del);
	tcase_add_test(tc, test_tlv_json);
	tcase_add_loop_test(tc, test_tlv_mapped_rules, 0, N(mapped));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(field_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
