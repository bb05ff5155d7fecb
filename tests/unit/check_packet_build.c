// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the packets weftd builds (include/weft/packet_build.h):
 *  - every builder against the bytes scapy composes for the same trigger
 *    (tests/unit/data/packet_build_golden.h, from gen-packet-build.py):
 *    ARP request (with and without a VLAN tag), ND NS, NA and router NA,
 *    ICMPv4 port unreachable, TTL exceeded, frag-needed with its MTU,
 *    reject's swapped ICMP, ICMPv6 errors (port, hop limit, too big with
 *    the 1280-byte quote limit), TCP RST over IPv4 and IPv6, and
 *    put_dhcp_opts's DHCP replies (OFFER, with the broadcast flag, ACK,
 *    NAK for another address, INFORM's ACK without lease options);
 *  - the parser's flow for each trigger, and its robustness: every
 *    prefix of every trigger parses and every builder either builds or
 *    refuses, never reading past the end (run it under valgrind);
 *  - triggers of the wrong kind are refused (-EINVAL);
 *  - SCTP ABORT (data/sctp_golden.h, its CRC32c computed apart): the
 *    INIT's initiate tag with T clear, a reflected tag with T set, IPv6,
 *    no answer to an ABORT or a short INIT; CRC32c's published vectors.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/packet_build.h"

#include "data/packet_build_golden.h"
#include "data/sctp_golden.h"

static int icmp(const struct wft_pkt *in, int type, int code, bool port_code,
		long mtu, bool swap, uint8_t *out)
{
	struct wft_pkt_icmp_opts o = { type, code, port_code, mtu, swap };

	return wft_pkt_icmp_error(in, &o, out);
}

/* put_dhcp_opts(offerip = 10.0.0.5, lease_time = 3600, netmask =
 * 255.255.255.0, router = 10.0.0.1, server_id = 10.0.0.1)'s options. */
static const uint8_t dhcp_opts[] = {
	51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 255, 0,
	3, 4, 10, 0, 0, 1, 54, 4, 10, 0, 0, 1,
};

static int dhcp(const struct wft_pkt *in, uint8_t *out)
{
	return wft_pkt_dhcp4_reply(in, htonl(0x0a000005), dhcp_opts,
				   sizeof(dhcp_opts), out);
}

static void dump_diff(const char *name, const uint8_t *got, int n,
		      const uint8_t *exp, size_t en)
{
	int i;

	fprintf(stderr, "%s: %d bytes, expected %zu\n", name, n, en);
	for (i = 0; i < n && (size_t)i < en; i++)
		if (got[i] != exp[i])
			fprintf(stderr, "  byte %d: %02x, expected %02x\n", i,
				got[i], exp[i]);
}

#define GOLDEN_TEST(NAME, TRIG, EXP, CALL)				\
START_TEST(test_##NAME)							\
{									\
	uint8_t out[WFT_PKT_MAX];					\
	struct wft_pkt in;						\
	int n;								\
									\
	wft_pkt_parse(TRIG, sizeof(TRIG), &in);				\
	memset(out, 0xaa, sizeof(out));					\
	n = CALL;							\
	if (n != (int)sizeof(EXP) || memcmp(out, EXP, sizeof(EXP)))	\
		dump_diff(#NAME, out, n, EXP, sizeof(EXP));		\
	ck_assert_int_eq(n, (int)sizeof(EXP));				\
	ck_assert_mem_eq(out, EXP, sizeof(EXP));			\
}									\
END_TEST
GOLDEN_CASES(GOLDEN_TEST)

START_TEST(test_parse_fields)
{
	struct wft_pkt p;
	struct in6_addr a;

	wft_pkt_parse(trig_arp, sizeof(trig_arp), &p);	/* UDP over IPv4 */
	ck_assert_int_eq(ntohs(p.flow.dl_type), 0x0800);
	ck_assert_int_eq(p.l3, 14);
	ck_assert_int_eq(p.l4, 34);
	ck_assert_uint_eq(p.flow.nw_proto, 17);
	ck_assert_uint_eq(p.flow.nw_ttl, 1);
	ck_assert_uint_eq(ntohl(p.flow.nw_src), 0x0a000001);
	ck_assert_uint_eq(ntohl(p.flow.nw_dst), 0x14000002);
	ck_assert_uint_eq(ntohs(p.flow.tp_src), 5000);
	ck_assert_uint_eq(ntohs(p.flow.tp_dst), 53);
	ck_assert_uint_eq(p.l3_len, 20 + 8 + 11);

	wft_pkt_parse(trig_arp_vlan, sizeof(trig_arp_vlan), &p);
	ck_assert_uint_eq(ntohs(p.flow.vlan_tci), 0x1000 | 3 << 13 | 10);
	ck_assert_int_eq(p.l3, 18);

	wft_pkt_parse(trig_nd_na, sizeof(trig_nd_na), &p);	/* an NS */
	ck_assert_uint_eq(p.flow.nw_proto, 58);
	ck_assert_uint_eq(ntohs(p.flow.tp_src), 135);
	ck_assert_uint_eq(p.flow.nw_ttl, 255);
	inet_pton(AF_INET6, "fd00::1", &a);
	ck_assert_mem_eq(&p.flow.nd_target, &a, 16);
	ck_assert_mem_eq(p.flow.arp_sha, trig_nd_na + 6, 6);

	wft_pkt_parse(exp_arp, sizeof(exp_arp), &p);
	ck_assert_int_eq(ntohs(p.flow.dl_type), 0x0806);
	ck_assert_uint_eq(p.flow.nw_proto, 1);
	ck_assert_uint_eq(ntohl(p.flow.nw_dst), 0x14000002);

	wft_pkt_parse(trig_icmp4_reject, sizeof(trig_icmp4_reject), &p);
	ck_assert_uint_eq(ntohs(p.flow.tcp_flags), 0x002);
}
END_TEST

START_TEST(test_wrong_kind)
{
	uint8_t out[WFT_PKT_MAX];
	struct wft_pkt in;

	wft_pkt_parse(trig_nd_ns, sizeof(trig_nd_ns), &in);	/* UDP6 */
	ck_assert_int_eq(wft_pkt_arp_request(&in, out), -EINVAL);
	ck_assert_int_eq(wft_pkt_nd_na(&in, false, out), -EINVAL);
	ck_assert_int_eq(wft_pkt_tcp_reset(&in, false, out), -EINVAL);
	wft_pkt_parse(trig_arp, sizeof(trig_arp), &in);		/* UDP4 */
	ck_assert_int_eq(wft_pkt_nd_ns(&in, out), -EINVAL);
	wft_pkt_parse(exp_arp, sizeof(exp_arp), &in);		/* ARP */
	ck_assert_int_eq(icmp(&in, -1, -1, false, -1, false, out), -EINVAL);
}
END_TEST

static void check_built(const char *name, int n, const uint8_t *got,
			const uint8_t *exp, size_t en)
{
	if (n != (int)en || memcmp(got, exp, en))
		dump_diff(name, got, n, exp, en);
	ck_assert_int_eq(n, (int)en);
	ck_assert_mem_eq(got, exp, en);
}

START_TEST(test_sctp_abort)
{
	static const uint8_t zeros[32];
	uint8_t out[WFT_PKT_MAX], cut[sizeof(trig_init4)];
	struct wft_pkt in;

	/* RFC 3720 B.4 and the usual check value. */
	ck_assert_uint_eq(wft_crc32c(zeros, 32), 0x8a9136aa);
	ck_assert_uint_eq(wft_crc32c("123456789", 9), 0xe3069283);

	wft_pkt_parse(trig_init4, sizeof(trig_init4), &in);
	ck_assert_uint_eq(in.flow.nw_proto, 132);
	ck_assert(!wft_pkt_sctp_is_abort(&in));
	check_built("abort4", wft_pkt_sctp_abort(&in, false, out), out,
		    exp_abort4, sizeof(exp_abort4));
	wft_pkt_parse(trig_data4, sizeof(trig_data4), &in);
	check_built("abort4_data_swap", wft_pkt_sctp_abort(&in, true, out),
		    out, exp_abort4_data_swap, sizeof(exp_abort4_data_swap));
	wft_pkt_parse(trig_init6, sizeof(trig_init6), &in);
	check_built("abort6", wft_pkt_sctp_abort(&in, false, out), out,
		    exp_abort6, sizeof(exp_abort6));

	/* What it builds is an ABORT, which it does not answer. */
	wft_pkt_parse(exp_abort4, sizeof(exp_abort4), &in);
	ck_assert(wft_pkt_sctp_is_abort(&in));
	ck_assert_int_eq(wft_pkt_sctp_abort(&in, false, out), -EINVAL);
	wft_pkt_parse(trig_abort4, sizeof(trig_abort4), &in);
	ck_assert_int_eq(wft_pkt_sctp_abort(&in, true, out), -EINVAL);
	/* An INIT without its initiate tag (the IP length says so). */
	memcpy(cut, trig_init4, sizeof(cut));
	cut[17] -= 4;
	wft_pkt_parse(cut, sizeof(cut) - 4, &in);
	ck_assert_int_eq(wft_pkt_sctp_abort(&in, false, out), -EINVAL);
	/* Not SCTP. */
	wft_pkt_parse(trig_arp, sizeof(trig_arp), &in);
	ck_assert_int_eq(wft_pkt_sctp_abort(&in, false, out), -EINVAL);
}
END_TEST

/* Every prefix of every trigger: parse, then every builder. The copy is
 * exactly as long as the prefix, so valgrind sees any overread. */
static void try_prefixes(const uint8_t *pkt, size_t len)
{
	uint8_t out[WFT_PKT_MAX];
	size_t n;

	for (n = 0; n <= len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		struct wft_pkt in;
		int r;

		memcpy(copy, pkt, n);
		wft_pkt_parse(copy, n, &in);
		r = wft_pkt_arp_request(&in, out);
		ck_assert_int_le(r, WFT_PKT_MAX);
		r = wft_pkt_nd_ns(&in, out);
		ck_assert_int_le(r, WFT_PKT_MAX);
		r = wft_pkt_nd_na(&in, true, out);
		ck_assert_int_le(r, WFT_PKT_MAX);
		r = icmp(&in, -1, -1, true, 1000, true, out);
		ck_assert_int_le(r, WFT_PKT_MAX);
		r = wft_pkt_tcp_reset(&in, true, out);
		ck_assert_int_le(r, WFT_PKT_MAX);
		r = dhcp(&in, out);
		ck_assert_int_le(r, WFT_PKT_MAX);
		r = wft_pkt_sctp_abort(&in, true, out);
		ck_assert_int_le(r, WFT_PKT_MAX);
		free(copy);
	}
}

#define PREFIX_ONE(NAME, TRIG, EXP, CALL) \
	try_prefixes(TRIG, sizeof(TRIG)); try_prefixes(EXP, sizeof(EXP));

START_TEST(test_prefixes)
{
	GOLDEN_CASES(PREFIX_ONE)
	try_prefixes(trig_init4, sizeof(trig_init4));
	try_prefixes(trig_data4, sizeof(trig_data4));
	try_prefixes(trig_init6, sizeof(trig_init6));
}
END_TEST

static Suite *packet_build_suite(void)
{
	Suite *s = suite_create("packet_build");
	TCase *tc = tcase_create("core");

#define ADD_ONE(NAME, TRIG, EXP, CALL) tcase_add_test(tc, test_##NAME);
	GOLDEN_CASES(ADD_ONE)
	tcase_add_test(tc, test_parse_fields);
	tcase_add_test(tc, test_wrong_kind);
	tcase_add_test(tc, test_sctp_abort);
	tcase_add_test(tc, test_prefixes);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(packet_build_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
