// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the compact datapath key (struct weft_key_compact;
 * wft_odp_compact_to_flow(), wft_odp_megaflow_to_compact(),
 * wft_odp_compact_md_key() in include/weft/odp_flow.h).
 *
 * The reference is the attribute form: a deliberately simple model of how
 * weft.ko reads WEFT_KEY_A_* nests into its key (kmod/key_parse.c: each
 * attribute's bytes at its field, ICMP type/code in the ports' low byte,
 * the ARP opcode's low byte in ip_proto, a mask's label and TCP flags cut
 * to their width) turns the attribute encoder's output into a compact
 * key; the compact encoder must write exactly those bytes, and the compact
 * decoder must give the flow the attribute decoder gives.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/odp.h"
#include "weft/odp_flow.h"
#include "weft/udpif.h"
#include "uapi/linux/weft.h"

#include "flow_text.h"
#include "xlate_testlib.h"

/* The model: one attribute's payload into the compact key. */
static void ref_field(uint16_t hdr, uint16_t type, const uint8_t *d,
		      size_t len, bool is_mask, struct weft_key_compact *c)
{
	uint16_t be16;
	uint32_t u32;

#define AT(h, t)	(((uint32_t)(h) << 16) | (t))
#define COPY(field)	do {						\
		ck_assert_uint_eq(len, sizeof(c->field));		\
		memcpy(&c->field, d, len);				\
	} while (0)
	switch (AT(hdr, type)) {
	case AT(WEFT_KEY_A_ETHERNET, WEFT_ETH_A_SRC): COPY(eth_src); return;
	case AT(WEFT_KEY_A_ETHERNET, WEFT_ETH_A_DST): COPY(eth_dst); return;
	case AT(WEFT_KEY_A_VLAN, WEFT_VLAN_A_TPID): COPY(vlan_tpid); return;
	case AT(WEFT_KEY_A_VLAN, WEFT_VLAN_A_TCI): COPY(vlan_tci); return;
	case AT(WEFT_KEY_A_CVLAN, WEFT_VLAN_A_TPID): COPY(cvlan_tpid); return;
	case AT(WEFT_KEY_A_CVLAN, WEFT_VLAN_A_TCI): COPY(cvlan_tci); return;
	case AT(WEFT_KEY_A_IPV4, WEFT_IPV4_A_SRC): COPY(ipv4_src); return;
	case AT(WEFT_KEY_A_IPV4, WEFT_IPV4_A_DST): COPY(ipv4_dst); return;
	case AT(WEFT_KEY_A_IPV4, WEFT_IPV4_A_PROTO): COPY(ip_proto); return;
	case AT(WEFT_KEY_A_IPV4, WEFT_IPV4_A_TOS): COPY(ip_tos); return;
	case AT(WEFT_KEY_A_IPV4, WEFT_IPV4_A_TTL): COPY(ip_ttl); return;
	case AT(WEFT_KEY_A_IPV4, WEFT_IPV4_A_FRAG): COPY(ip_frag); return;
	case AT(WEFT_KEY_A_IPV6, WEFT_IPV6_A_SRC): COPY(ipv6_src); return;
	case AT(WEFT_KEY_A_IPV6, WEFT_IPV6_A_DST): COPY(ipv6_dst); return;
	case AT(WEFT_KEY_A_IPV6, WEFT_IPV6_A_LABEL):
		COPY(ipv6_label);
		if (is_mask)
			c->ipv6_label &= htonl(0xfffff);
		return;
	case AT(WEFT_KEY_A_IPV6, WEFT_IPV6_A_PROTO): COPY(ip_proto); return;
	case AT(WEFT_KEY_A_IPV6, WEFT_IPV6_A_TCLASS): COPY(ip_tos); return;
	case AT(WEFT_KEY_A_IPV6, WEFT_IPV6_A_HLIMIT): COPY(ip_ttl); return;
	case AT(WEFT_KEY_A_IPV6, WEFT_IPV6_A_FRAG): COPY(ip_frag); return;
	case AT(WEFT_KEY_A_ARP, WEFT_ARP_A_SIP): COPY(ipv4_src); return;
	case AT(WEFT_KEY_A_ARP, WEFT_ARP_A_TIP): COPY(ipv4_dst); return;
	case AT(WEFT_KEY_A_ARP, WEFT_ARP_A_SHA): COPY(arp_sha); return;
	case AT(WEFT_KEY_A_ARP, WEFT_ARP_A_THA): COPY(arp_tha); return;
	case AT(WEFT_KEY_A_ARP, WEFT_ARP_A_OP):
		ck_assert_uint_eq(len, 2);
		memcpy(&be16, d, 2);
		c->ip_proto = ntohs(be16) & 0xff;
		return;
	case AT(WEFT_KEY_A_ND, WEFT_ND_A_TARGET): COPY(nd_target); return;
	case AT(WEFT_KEY_A_ND, WEFT_ND_A_SLL): COPY(nd_sll); return;
	case AT(WEFT_KEY_A_ND, WEFT_ND_A_TLL): COPY(nd_tll); return;
	}
	switch (hdr) {
	case WEFT_KEY_A_TCP:
	case WEFT_KEY_A_UDP:
	case WEFT_KEY_A_SCTP:
		if (type == WEFT_TP_A_SRC)
			COPY(tp_src);
		else if (type == WEFT_TP_A_DST)
			COPY(tp_dst);
		else if (type == WEFT_TP_A_FLAGS && hdr == WEFT_KEY_A_TCP) {
			COPY(tcp_flags);
			if (is_mask)
				c->tcp_flags &= htons(0x0fff);
		} else
			ck_abort_msg("tp attribute %u", type);
		return;
	case WEFT_KEY_A_ICMP:
	case WEFT_KEY_A_ICMPV6:
		ck_assert_uint_eq(len, 1);
		be16 = htons(d[0]);
		if (type == WEFT_ICMP_A_TYPE)
			c->tp_src = be16;
		else
			c->tp_dst = be16;
		return;
	}
	ck_assert_uint_eq(hdr, 0);	/* top level: scalars */
	memcpy(&u32, d, len < 4 ? len : 4);
	switch (type) {
	case WEFT_KEY_A_IN_PORT: c->in_port = u32; return;
	case WEFT_KEY_A_SKB_MARK: c->skb_mark = u32; return;
	case WEFT_KEY_A_PRIORITY: c->priority = u32; return;
	case WEFT_KEY_A_RECIRC_ID: c->recirc_id = u32; return;
	case WEFT_KEY_A_DP_HASH: c->dp_hash = u32; return;
	case WEFT_KEY_A_CT_STATE:
		c->ct_state = u32 & (is_mask ? __WEFT_CS_ALL : UINT32_MAX);
		return;
	case WEFT_KEY_A_CT_ZONE: COPY(ct_zone); return;
	case WEFT_KEY_A_CT_MARK: c->ct_mark = u32; return;
	case WEFT_KEY_A_CT_LABELS: COPY(ct_labels); return;
	case WEFT_KEY_A_ETHERTYPE: COPY(eth_type); return;
	}
	ck_abort_msg("attribute %u in the compact model", type);
#undef COPY
#undef AT
}

static void ref_walk(const uint8_t *p, size_t len, uint16_t hdr,
		     bool is_mask, struct weft_key_compact *c)
{
	while (len >= NLA_HDRLEN) {
		struct nlattr a;
		size_t step;

		memcpy(&a, p, sizeof(a));
		ck_assert(a.nla_len >= NLA_HDRLEN && a.nla_len <= len);
		if (a.nla_type & NLA_F_NESTED)
			ref_walk(p + NLA_HDRLEN, a.nla_len - NLA_HDRLEN,
				 a.nla_type & NLA_TYPE_MASK, is_mask, c);
		else
			ref_field(hdr, a.nla_type & NLA_TYPE_MASK,
				  p + NLA_HDRLEN, a.nla_len - NLA_HDRLEN,
				  is_mask, c);
		step = NLA_ALIGN(a.nla_len);
		if (step > len)
			step = len;
		p += step;
		len -= step;
	}
	ck_assert_uint_eq(len, 0);
}

static void ref_compact(const struct wft_attrbuf *b, bool is_mask,
			struct weft_key_compact *c)
{
	memset(c, 0, sizeof(*c));
	c->version = WEFT_KEY_COMPACT_VERSION;
	ref_walk(b->data, b->len, 0, is_mask, c);
}

/* Names the first differing field's offset, for a readable failure. */
static void assert_same(const struct weft_key_compact *want,
			const struct weft_key_compact *got, const char *what,
			const char *pkt)
{
	const uint8_t *a = (const uint8_t *)want, *b = (const uint8_t *)got;
	size_t i;

	for (i = 0; i < sizeof(*want); i++)
		ck_assert_msg(a[i] == b[i], "%s of %s: byte %zu is %#x, the "
			      "attribute form says %#x", what, pkt, i, b[i],
			      a[i]);
}

/* Megaflows: packet, the bits the rules consulted. */
static const struct {
	const char *packet;
	const char *mask;
} megaflows[] = {
	{ "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_ttl=64,"
	  "tp_src=1000,tp_dst=53", "nw_dst=255.255.255.255" },
	{ "in_port=1,udp,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1000,"
	  "tp_dst=53", "tp_src=0xffff,nw_dst=255.255.255.0" },
	{ "in_port=2,tcp6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,"
	  "ipv6_label=0x12345,tp_src=1,tp_dst=2,tcp_flags=0x002",
	  "ipv6_dst=ffff:ffff::,ipv6_label=0xfffff,tcp_flags=0xfff,"
	  "tp_dst=0xffff" },
	{ "in_port=1,arp,arp_op=1,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,"
	  "arp_sha=00:00:00:00:00:01", "arp_op=0xff,arp_tpa=255.255.255.255,"
	  "arp_sha=ff:ff:ff:ff:ff:ff" },
	{ "in_port=3,icmp6,icmp_type=135,icmp_code=0,nd_target=fe80::1,"
	  "nd_sll=00:00:00:00:00:07",
	  "nd_target=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,"
	  "nd_sll=ff:ff:ff:ff:ff:ff" },
	{ "in_port=1,icmp,icmp_type=8,icmp_code=0,nw_tos=0x10",
	  "icmp_type=0xff,nw_tos=0xfc" },
	{ "in_port=1,dl_vlan=3,dl_vlan_pcp=5,ip,nw_dst=10.0.0.9",
	  "nw_dst=255.255.255.255" },
	{ "in_port=4,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,ip",
	  "dl_dst=ff:ff:ff:ff:ff:ff,dl_src=ff:ff:ff:00:00:00" },
	{ "in_port=1,udp,nw_frag=later,tp_dst=53", "tp_dst=0xffff" },
	{ "in_port=1,tcp,ct_state=0x22,ct_zone=7,ct_mark=0x10,"
	  "ct_label=0x1000000000000000000000002,reg0=5,tp_dst=80",
	  "ct_state=0x23,ct_zone=0xffff,ct_mark=0xf0" },
	{ "in_port=1,ip,pkt_mark=0x77", "pkt_mark=0xff" },
	{ "in_port=1,dl_type=0x1234", "" },
};

static void megaflow_of(int i, struct wft_flow *flow, struct wft_flow_wc *wc)
{
	struct wft_flow_wc unused;

	ports_init();
	packet(megaflows[i].packet, flow);
	wft_flow_wc_init_catchall(wc);
	ft_match(megaflows[i].mask, &wc->masks, &unused, NULL);
	/* flow_text reads no ct_label mask: half its bits. */
	if (strstr(megaflows[i].packet, "ct_label"))
		memset(wc->masks.ct_label, 0xf0, sizeof(wc->masks.ct_label));
	wc->masks.in_port = UINT32_MAX;
	wc->masks.dl_type = 0xffff;
	wft_odp_flow_widen(flow, wc);
}

START_TEST(test_megaflow_as_attributes)
{
	struct weft_key_compact want_k, want_m, k, m;
	struct wft_attrbuf ka, ma;
	struct wft_flow flow;
	struct wft_flow_wc wc;

	megaflow_of(_i, &flow, &wc);
	wft_attrbuf_init(&ka);
	wft_attrbuf_init(&ma);
	ck_assert_int_eq(wft_odp_megaflow_to_key(&flow, &wc, &port_map, &ka,
						 &ma), 0);
	ck_assert_int_eq(wft_odp_megaflow_to_compact(&flow, &wc, &port_map,
						     &k, &m), 0);
	ref_compact(&ka, false, &want_k);
	ref_compact(&ma, true, &want_m);
	assert_same(&want_k, &k, "key", megaflows[_i].packet);
	assert_same(&want_m, &m, "mask", megaflows[_i].packet);
	wft_attrbuf_free(&ka);
	wft_attrbuf_free(&ma);
}
END_TEST

/* The exact key of each packet, as an upcall brings it. */
START_TEST(test_upcall_key_to_flow)
{
	struct weft_key_compact c;
	struct wft_attrbuf ka;
	struct wft_flow want, got, flow;

	ports_init();
	packet(megaflows[_i].packet, &flow);
	wft_attrbuf_init(&ka);
	ck_assert_int_eq(wft_odp_flow_to_key(&flow, NULL, &port_map, &ka,
					     NULL), 0);
	ref_compact(&ka, false, &c);
	ck_assert_int_eq(wft_odp_key_to_flow(ka.data, ka.len, &port_map,
					     &want), 0);
	ck_assert_int_eq(wft_odp_compact_to_flow(&c, &port_map, &got), 0);
	ck_assert_msg(!memcmp(&want, &got, sizeof(want)),
		      "%s: the compact key reads differently",
		      megaflows[_i].packet);
	wft_attrbuf_free(&ka);
}
END_TEST

/* The metadata an execute of a compact-key miss sends back. */
START_TEST(test_md_key)
{
	uint8_t md[WFT_ODP_COMPACT_MD_MAX];
	struct weft_key_compact c;
	struct wft_flow f;
	size_t n;

	memset(&c, 0, sizeof(c));
	c.version = WEFT_KEY_COMPACT_VERSION;
	c.in_port = 12;
	c.skb_mark = 0x55;
	c.recirc_id = 3;
	c.eth_type = htons(0x0800);
	c.ipv4_dst = htonl(0x0a000001);
	n = wft_odp_compact_md_key(&c, md);
	ck_assert_uint_eq(n, 5 * 8);
	ck_assert_uint_eq(wft_key_in_port(md, n), 12);
	c.ct_state = WEFT_CS_TRACKED | WEFT_CS_NEW;
	c.ct_zone = 9;
	c.ct_mark = 0x10;
	c.ct_labels[3] = 0x80000000;
	n = wft_odp_compact_md_key(&c, md);
	ck_assert_uint_le(n, WFT_ODP_COMPACT_MD_MAX);
	ports_init();
	ck_assert_int_eq(wft_odp_key_to_flow(md, n, &port_map, &f), 0);
	ck_assert_uint_eq(ntohl(f.in_port), 2);
	ck_assert_uint_eq(ntohl(f.pkt_mark), 0x55);
	ck_assert_uint_eq(ntohl(f.recirc_id), 3);
	ck_assert_uint_eq(ntohl(f.ct_state), WEFT_CS_TRACKED | WEFT_CS_NEW);
	ck_assert_uint_eq(ntohs(f.ct_zone), 9);
	ck_assert_uint_eq(ntohl(f.ct_mark), 0x10);
	ck_assert_uint_eq(f.ct_label[0], 0x80);	/* bit 127 */
	/* Headers are the frame's: none of them travel back. */
	ck_assert_uint_eq(f.nw_dst, 0);
	ck_assert_uint_eq(f.dl_type, 0);
}
END_TEST

/* The first and last byte of each ct original tuple field. */
#define CT_ORIG(f)	offsetof(struct wft_flow, f),			\
			offsetof(struct wft_flow, f) +			\
			sizeof(((struct wft_flow *)0)->f) - 1
static const size_t ct_orig[] = {
	CT_ORIG(ct_nw_src), CT_ORIG(ct_nw_dst), CT_ORIG(ct_ipv6_src),
	CT_ORIG(ct_ipv6_dst), CT_ORIG(ct_nw_proto), CT_ORIG(ct_tp_src),
	CT_ORIG(ct_tp_dst),
};

START_TEST(test_not_compact)
{
	struct weft_key_compact k, m;
	struct wft_flow flow;
	struct wft_flow_wc wc;
	size_t i;

	/* A tunnel packet's megaflow matches its tunnel key. */
	megaflow_of(0, &flow, &wc);
	flow.tun_dst = htonl(0x01010101);
	flow.tun_id = (uint64_t)htonl(5) << 32;
	wft_odp_flow_widen(&flow, &wc);
	ck_assert_int_eq(wft_odp_megaflow_to_compact(&flow, &wc, &port_map,
						     &k, &m), -EOPNOTSUPP);
	/* An IPv6 tunnel, told by its endpoint's last byte alone. */
	megaflow_of(0, &flow, &wc);
	flow.tun_ipv6_dst.s6_addr[15] = 1;
	ck_assert_int_eq(wft_odp_megaflow_to_compact(&flow, &wc, &port_map,
						     &k, &m), -EOPNOTSUPP);
	/* Any bit of any field of the ct original tuple, alone. */
	for (i = 0; i < sizeof(ct_orig) / sizeof(ct_orig[0]); i++) {
		megaflow_of(0, &flow, &wc);
		((uint8_t *)&wc.masks)[ct_orig[i]] = 0x01;
		ck_assert_msg(wft_odp_megaflow_to_compact(&flow, &wc,
							  &port_map, &k, &m)
			      == -EOPNOTSUPP, "ct orig byte %zu", ct_orig[i]);
	}
	/* An in_port the bridge does not have. */
	megaflow_of(0, &flow, &wc);
	flow.in_port = htonl(77);
	ck_assert_int_eq(wft_odp_megaflow_to_compact(&flow, &wc, &port_map,
						     &k, &m), -ENOENT);
	/* Reading: another version, an unknown port. */
	megaflow_of(0, &flow, &wc);
	ck_assert_int_eq(wft_odp_megaflow_to_compact(&flow, &wc, &port_map,
						     &k, &m), 0);
	k.in_port = 99;
	ck_assert_int_eq(wft_odp_compact_to_flow(&k, &port_map, &flow),
			 -ENOENT);
	k.in_port = 11;
	k.version = WEFT_KEY_COMPACT_VERSION + 1;
	ck_assert_int_eq(wft_odp_compact_to_flow(&k, &port_map, &flow),
			 -EINVAL);
}
END_TEST

static Suite *odp_compact_suite(void)
{
	Suite *s = suite_create("odp_compact");
	TCase *tc;
	int n = (int)(sizeof(megaflows) / sizeof(megaflows[0]));

	tc = tcase_create("megaflows");
	tcase_add_loop_test(tc, test_megaflow_as_attributes, 0, n);
	suite_add_tcase(s, tc);

	tc = tcase_create("upcalls");
	tcase_add_loop_test(tc, test_upcall_key_to_flow, 0, n);
	tcase_add_test(tc, test_md_key);
	suite_add_tcase(s, tc);

	tc = tcase_create("fallback");
	tcase_add_test(tc, test_not_compact);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(odp_compact_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
