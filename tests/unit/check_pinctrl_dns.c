// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for dns_lookup in pinctrl (docs/ovn-pinctrl.md): the action
 * ovn-northd 23.03 writes in ls_in_dns_lookup compiled into a pausing
 * controller action, and DNS queries, composed here byte by byte, handed
 * to the packet-in handler with records set as the chassis sets them
 * from the SB:
 *  - A, AAAA, ANY and PTR answered as OVN 23.03 answers them (the
 *    expected answer sections written out by hand), names matched
 *    without regard to case, the additional section of the query left
 *    out, IPv4 and IPv6 checksums right;
 *  - no record (another name, another datapath, no address of the type
 *    asked, a value that is no address), a response, another query
 *    type: the packet as it came and the result bit clear;
 *  - hostile queries (every prefix, compression pointers and loops, long
 *    labels and names, lying UDP lengths, NULs, random bytes): no crash,
 *    no read past the end (valgrind, `make check-unit`), no answer.
 */
#include <arpa/inet.h>
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow_actions.h"
#include "weft/ofp_flow.h"
#include "weft/ovn_pinctrl.h"

#define ACTION "reg0[4] = dns_lookup(); next;"
#define ETH 14
#define IP4 20
#define IP6 40
#define UDP 8

/* @s compiled as an ingress flow of a switch's logical table 19 (the
 * rest resumes at 20, OpenFlow table 28). */
static void compile(const char *s, struct wft_ofpacts *acts)
{
	struct wft_lflow_xlate_ctx ctx;
	struct wft_lacts la;
	char err[256];

	ck_assert_int_eq(wft_lflow_actions_parse(s, &la, err, sizeof(err)), 0);
	wft_lflow_xlate_ctx_init(&ctx, false, 19, true);
	ck_assert_msg(!wft_lflow_actions_to_ofpacts(&la, &ctx, acts, err,
						    sizeof(err)), "%s", err);
	wft_lacts_free(&la);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The Internet checksum over @n bytes (0 when they carry a valid one). */
static uint16_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A frame carrying @dns (@dlen bytes) to UDP port 53, over IPv4 or IPv6,
 * in a buffer of exactly its size (so that valgrind sees over-reads). */
static uint8_t *frame(bool v6, const uint8_t *dns, size_t dlen, size_t *len)
{
	size_t l3 = v6 ? IP6 : IP4, n = ETH + l3 + UDP + dlen;
	uint8_t *p = calloc(1, n), *ip = p + ETH, *u = ip + l3;

	memcpy(p, "\x0a\x00\x00\x00\x00\x02\x0a\x00\x00\x00\x00\x01", 12);
	put16(p + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(UDP + dlen));
		ip[6] = 17;
		ip[7] = 64;
		memcpy(ip + 8, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x12", 16);
		memcpy(ip + 24, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x13", 16);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(IP4 + UDP + dlen));
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, "\x0a\x00\x01\x0c\x0a\x00\x01\x0d", 8);
		put16(ip + 10, sum16(ip, IP4, 0));
	}
	put16(u, 33333);
	put16(u + 2, 53);
	put16(u + 4, (uint16_t)(UDP + dlen));
	memcpy(u + UDP, dns, dlen);
	*len = n;
	return p;
}

/* A query for "vm1.ovn.test" as written, type @qtype; with an EDNS OPT
 * record in the additional section when @edns (as dig sends). */
static size_t query(uint8_t *d, const char *qname_wire, size_t qlen,
		    uint16_t qtype, bool edns)
{
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x01, 0x00, 0, 1 };
	static const uint8_t opt[11] = { 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0 };
	size_t n = 12;

	memcpy(d, hdr, 12);
	memcpy(d + n, qname_wire, qlen);
	n += qlen;
	put16(d + n, qtype);
	put16(d + n + 2, 1);
	n += 4;
	if (edns) {
		d[11] = 1;
		memcpy(d + n, opt, sizeof(opt));
		n += sizeof(opt);
	}
	return n;
}

#define VM1 "\x03vm1\x03ovn\x04test"	/* 13 bytes and the final 0 */
#define VM1_LEN 14
#define VM1_MIXED "\x03VM1\x03oVn\x04TEST"

struct run {
	struct wft_ofpacts acts;
	struct wft_packet_in_md md;
	struct wft_pin_result r;
	char err[256];
	int ret;
};

static void run(struct run *x, const uint8_t *pkt, size_t len, uint64_t dp)
{
	memset(x, 0, sizeof(*x));
	wft_ofpacts_init(&x->acts);
	compile(ACTION, &x->acts);
	ck_assert_uint_eq(x->acts.n, 1);
	x->md.userdata = x->acts.acts[0].controller.userdata;
	x->md.userdata_len = x->acts.acts[0].controller.userdata_len;
	x->md.table_id = 27;
	x->md.metadata = dp;
	x->md.in_port = 4;
	x->md.regs[0] = 0xe0;
	x->md.regs[14] = 2;
	wft_pin_result_init(&x->r);
	x->ret = wft_ovn_pinctrl_handle(&x->md, pkt, len, &x->r, x->err,
					sizeof(x->err));
}

static void run_free(struct run *x)
{
	wft_pin_result_uninit(&x->r);
	wft_ofpacts_uninit(&x->acts);
}

/* Not answered: the packet as it came, the bit clear, the rest resumed. */
static void not_answered(const uint8_t *pkt, size_t len, uint64_t dp)
{
	struct run x;

	run(&x, pkt, len, dp);
	ck_assert_msg(x.ret == 0, "%s", x.err);
	ck_assert_uint_eq(x.r.len, len);
	ck_assert_mem_eq(x.r.packet, pkt, len);
	ck_assert_uint_eq(ntohl(x.r.flow.regs[0]), 0xe0);
	ck_assert_uint_eq(x.r.acts.n, 1);
	run_free(&x);
}

static void set_records(void)
{
	static const struct wft_pin_dns_rec recs[] = {
		{ 1, "vm1.ovn.test", "10.0.1.11 fd00::11 10.0.1.111" },
		{ 1, "vm6.ovn.test", "fd00::16" },
		{ 1, "bad.ovn.test", "10.0.1.300" },
		{ 1, "11.1.0.10.in-addr.arpa", "vm1.ovn.test" },
		{ 2, "vm2.ovn.test", "10.0.2.12" },
	};

	wft_pin_dns_replace(recs, sizeof(recs) / sizeof(recs[0]));
}

static void teardown(void)
{
	wft_pin_dns_replace(NULL, 0);
}

START_TEST(test_translate)
{
	/* magic, opcode, RESULT (reg0 bit 4), CONTINUE "resubmit(,28)":
	 * no options, the records are the chassis'. */
	static const uint8_t want[] = {
		0xa7, WFT_PIN_DNS_LOOKUP,
		WFT_PIN_T_RESULT, 0, 4, 0, 1, 0, 4,
		WFT_PIN_T_CONTINUE, 0, 13,
		'r', 'e', 's', 'u', 'b', 'm', 'i', 't', '(', ',', '2', '8', ')',
	};
	struct wft_ofpacts acts;

	wft_ofpacts_init(&acts);
	compile(ACTION, &acts);
	ck_assert_uint_eq(acts.n, 1);
	ck_assert_int_eq(acts.acts[0].type, WFT_OFPACT_CONTROLLER);
	ck_assert(acts.acts[0].controller.pause);
	ck_assert_uint_eq(acts.acts[0].controller.userdata_len, sizeof(want));
	ck_assert_mem_eq(acts.acts[0].controller.userdata, want, sizeof(want));
	wft_ofpacts_uninit(&acts);
}
END_TEST

/* The answer RRs OVN 23.03 writes: the question's name as it came,
 * uncompressed, type, class IN, TTL 3600, length, data. */
#define RR_A(n, a) n "\0" "\x00\x01" "\x00\x01" "\x00\x00\x0e\x10" \
	"\x00\x04" a
#define RR_A_LEN (VM1_LEN + 14)
#define RR_AAAA(n, a) n "\0" "\x00\x1c" "\x00\x01" "\x00\x00\x0e\x10" \
	"\x00\x10" a
#define RR_AAAA_LEN (VM1_LEN + 26)
#define V4_11 "\x0a\x00\x01\x0b"
#define V4_111 "\x0a\x00\x01\x6f"
#define V6_11 "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x11"

/* Answered: the reply is the query's headers, the DNS header with QR,
 * QDCOUNT 1, ANCOUNT @n_rr, the question, then @rrs. */
static void answered(bool v6, const char *qname, uint16_t qtype, bool edns,
		     const void *rrs, size_t rrs_len, uint16_t n_rr)
{
	uint8_t d[256];
	size_t dl = query(d, qname, VM1_LEN, qtype, edns), len;
	size_t qlen = 12 + VM1_LEN + 4, hdrs = ETH + (v6 ? IP6 : IP4) + UDP;
	uint8_t *pkt = frame(v6, d, dl, &len);
	const uint8_t *o, *u;
	struct run x;

	run(&x, pkt, len, 1);
	ck_assert_msg(x.ret == 0, "%s", x.err);
	ck_assert_uint_eq(x.r.len, hdrs + qlen + rrs_len);
	o = x.r.packet;
	/* Ethernet and IP addresses as they came: the flows swap them. */
	ck_assert_mem_eq(o, pkt, ETH);
	u = o + hdrs - UDP;
	ck_assert_uint_eq(get16(u), 33333);
	ck_assert_uint_eq(get16(u + 2), 53);
	ck_assert_uint_eq(get16(u + 4), UDP + qlen + rrs_len);
	/* id kept, QR and RD, one question, the answers, nothing else */
	ck_assert_uint_eq(get16(u + 8), 0x1234);
	ck_assert_uint_eq(get16(u + 10), 0x8100);
	ck_assert_uint_eq(get16(u + 12), 1);
	ck_assert_uint_eq(get16(u + 14), n_rr);
	ck_assert_uint_eq(get16(u + 16), 0);
	ck_assert_uint_eq(get16(u + 18), 0);
	ck_assert_mem_eq(u + 20, d + 12, VM1_LEN + 4);
	ck_assert_mem_eq(u + 8 + qlen, rrs, rrs_len);
	if (v6) {
		const uint8_t *ip = o + ETH;
		uint32_t ph = 0;
		size_t i;

		ck_assert_uint_eq(get16(ip + 4), UDP + qlen + rrs_len);
		for (i = 8; i < 40; i += 2)
			ph += get16(ip + i);
		ph += 17 + UDP + qlen + rrs_len;
		ck_assert_uint_ne(get16(u + 6), 0);
		ck_assert_uint_eq(sum16(u, UDP + qlen + rrs_len, ph), 0);
	} else {
		ck_assert_uint_eq(get16(o + ETH + 2), IP4 + UDP + qlen + rrs_len);
		ck_assert_uint_eq(sum16(o + ETH, IP4, 0), 0);
		ck_assert_uint_eq(get16(u + 6), 0);
	}
	/* The bit set, the pipeline state reloaded, the rest resumed. */
	ck_assert_uint_eq(ntohl(x.r.flow.regs[0]), 0xf0);
	ck_assert_uint_eq(ntohl(x.r.flow.regs[14]), 2);
	ck_assert_uint_eq(ntohl(x.r.flow.in_port), 4);
	ck_assert_uint_eq(be64toh(x.r.flow.metadata), 1);
	ck_assert_uint_eq(x.r.acts.n, 1);
	run_free(&x);
	free(pkt);
}

START_TEST(test_answers)
{
	static const char a2[] = RR_A(VM1, V4_11) RR_A(VM1, V4_111);
	static const char mixed[] = RR_A(VM1_MIXED, V4_11)
				    RR_A(VM1_MIXED, V4_111);
	static const char any[] = RR_A(VM1, V4_11) RR_A(VM1, V4_111)
				  RR_AAAA(VM1, V6_11);
	static const char aaaa[] = RR_AAAA(VM1, V6_11);

	set_records();
	/* Both IPv4 addresses, in the record's order. */
	answered(false, VM1, WFT_DNS_A, false, a2, 2 * RR_A_LEN, 2);
	/* Any case, answered with the name as asked; the additional
	 * section (dig's EDNS OPT) left out. */
	answered(false, VM1_MIXED, WFT_DNS_A, true, mixed, 2 * RR_A_LEN, 2);
	/* AAAA, over IPv4 and over IPv6 (UDP checksum). */
	answered(false, VM1, WFT_DNS_AAAA, false, aaaa, RR_AAAA_LEN, 1);
	answered(true, VM1, WFT_DNS_AAAA, true, aaaa, RR_AAAA_LEN, 1);
	/* ANY: IPv4 first, then IPv6. */
	answered(true, VM1, WFT_DNS_ANY, false, any,
		 2 * RR_A_LEN + RR_AAAA_LEN, 3);
	teardown();
}
END_TEST

START_TEST(test_ptr)
{
	static const char name[] = "\x02" "11" "\x01" "1" "\x01" "0"
		"\x02" "10" "\x07" "in-addr" "\x04" "arpa";
	static const char rr[] = "\x02" "11" "\x01" "1" "\x01" "0"
		"\x02" "10" "\x07" "in-addr" "\x04" "arpa" "\0"
		"\x00\x0c" "\x00\x01" "\x00\x00\x0e\x10" "\x00\x0e"
		VM1 "\0";
	uint8_t d[128];
	size_t dl, len, nl = sizeof(name);	/* the final 0 included */
	const uint8_t *u;
	uint8_t *pkt;
	struct run x;

	set_records();
	dl = query(d, name, nl, WFT_DNS_PTR, false);
	pkt = frame(false, d, dl, &len);
	run(&x, pkt, len, 1);
	ck_assert_msg(x.ret == 0, "%s", x.err);
	u = x.r.packet + ETH + IP4;
	ck_assert_uint_eq(get16(u + 14), 1);
	ck_assert_uint_eq(x.r.len, ETH + IP4 + UDP + dl + sizeof(rr) - 1);
	ck_assert_mem_eq(u + UDP + dl, rr, sizeof(rr) - 1);
	ck_assert_uint_eq(ntohl(x.r.flow.regs[0]), 0xf0);
	run_free(&x);
	free(pkt);
	teardown();
}
END_TEST

/* A query for @qname_wire (@qlen bytes, its final 0 included), type
 * @qtype, over IPv4, on datapath @dp: not answered. */
static void no_answer(const char *qname_wire, size_t qlen, uint16_t qtype,
		      uint64_t dp)
{
	uint8_t d[300];
	size_t dl = query(d, qname_wire, qlen, qtype, false), len;
	uint8_t *pkt = frame(false, d, dl, &len);

	not_answered(pkt, len, dp);
	free(pkt);
}

START_TEST(test_not_answered)
{
	uint8_t d[64], *pkt;
	size_t dl, len;

	set_records();
	/* Unknown name; a name of another switch; a longer name. */
	no_answer("\x03vm9\x03ovn\x04test", VM1_LEN, WFT_DNS_A, 1);
	no_answer("\x03vm2\x03ovn\x04test", VM1_LEN, WFT_DNS_A, 1);
	no_answer(VM1, VM1_LEN, WFT_DNS_A, 2);
	no_answer("\x01x" VM1, VM1_LEN + 2, WFT_DNS_A, 1);
	no_answer("\x03vm1\x03ovn", 9, WFT_DNS_A, 1);
	/* The record has no address of the type asked. */
	no_answer("\x03vm6\x03ovn\x04test", VM1_LEN, WFT_DNS_A, 1);
	/* A value that is no address list. */
	no_answer("\x03" "bad\x03ovn\x04test", VM1_LEN, WFT_DNS_A, 1);
	/* MX, TXT, SRV: OVN 23.03 answers A, AAAA, ANY, PTR only. */
	no_answer(VM1, VM1_LEN, 15, 1);
	no_answer(VM1, VM1_LEN, 16, 1);
	no_answer(VM1, VM1_LEN, 33, 1);
	/* A response; no question. */
	dl = query(d, VM1, VM1_LEN, WFT_DNS_A, false);
	d[2] |= 0x80;
	pkt = frame(false, d, dl, &len);
	not_answered(pkt, len, 1);
	free(pkt);
	d[2] &= 0x7f;
	d[5] = 0;
	pkt = frame(false, d, dl, &len);
	not_answered(pkt, len, 1);
	free(pkt);
	/* With no records at all. */
	teardown();
	no_answer(VM1, VM1_LEN, WFT_DNS_A, 1);
}
END_TEST

/* Every prefix of a query (the IP and UDP lengths as they were: the
 * packet is cut short), and the UDP length lying either way. */
START_TEST(test_truncated)
{
	uint8_t d[128], *pkt, *cut;
	size_t dl, len, k;
	struct run x;

	set_records();
	dl = query(d, VM1, VM1_LEN, WFT_DNS_ANY, true);
	pkt = frame(false, d, dl, &len);
	for (k = 0; k < len; k++) {
		cut = malloc(k ? k : 1);
		memcpy(cut, pkt, k);
		run(&x, cut, k, 1);
		ck_assert_msg(x.ret == 0, "%zu: %s", k, x.err);
		/* Answered once the question is whole (a query cut in
		 * its additional section is still one). */
		ck_assert_uint_eq(ntohl(x.r.flow.regs[0]),
				  k < ETH + IP4 + UDP + 12 + VM1_LEN + 4 ?
				  0xe0 : 0xf0);
		run_free(&x);
		free(cut);
	}
	/* UDP length past the packet: clipped to it, still answered. */
	put16(pkt + ETH + IP4 + 4, 1400);
	run(&x, pkt, len, 1);
	ck_assert_uint_eq(ntohl(x.r.flow.regs[0]), 0xf0);
	run_free(&x);
	/* UDP length shorter than the question: nothing. */
	put16(pkt + ETH + IP4 + 4, UDP + 12 + 5);
	not_answered(pkt, len, 1);
	put16(pkt + ETH + IP4 + 4, 3);
	not_answered(pkt, len, 1);
	free(pkt);
	teardown();
}
END_TEST

START_TEST(test_hostile)
{
	char name[300];
	uint8_t d[600], *pkt;
	size_t dl, len, i, k;
	unsigned int seed = 12345;

	set_records();
	/* A compression pointer to the name itself (a loop), to the
	 * header, and past the end. */
	no_answer("\xc0\x0c", 2, WFT_DNS_A, 1);
	no_answer("\x03vm1\xc0\x0c", 6, WFT_DNS_A, 1);
	no_answer("\xc0\x00", 2, WFT_DNS_A, 1);
	no_answer("\xff\xff", 2, WFT_DNS_A, 1);
	/* Reserved label types (0x40, 0x80). */
	no_answer("\x43vm1", 5, WFT_DNS_A, 1);
	/* A 64-byte label; a 63-byte one is fine but unknown. */
	memset(name, 'a', sizeof(name));
	name[0] = 64;
	name[65] = 0;
	no_answer(name, 66, WFT_DNS_A, 1);
	name[0] = 63;
	name[64] = 0;
	no_answer(name, 65, WFT_DNS_A, 1);
	/* 4 x 63-byte labels: 255 with the dots, the most there is. */
	for (i = 0; i < 4; i++)
		name[i * 64] = 63;
	name[4 * 64] = 0;	/* 4 x 63 + 3 dots = 255: fits */
	no_answer(name, 4 * 64 + 1, WFT_DNS_A, 1);
	/* One more label: 258, refused. */
	name[4 * 64] = 2;
	name[4 * 64 + 3] = 0;
	no_answer(name, 4 * 64 + 4, WFT_DNS_A, 1);
	/* A NUL or a dot inside a label ("vm1.ovn" + "test" would spell
	 * the record's name). */
	no_answer("\x07vm1.ovn\x04test", VM1_LEN, WFT_DNS_A, 1);
	no_answer("\x07vm1\0ovn\x04test", VM1_LEN, WFT_DNS_A, 1);
	/* No terminating label: the name runs to the end. */
	dl = query(d, VM1, VM1_LEN - 1, WFT_DNS_A, false) - 4;
	pkt = frame(false, d, dl, &len);
	not_answered(pkt, len, 1);
	free(pkt);
	/* Random DNS payloads, and random bytes after a valid header. */
	for (k = 0; k < 3000; k++) {
		dl = (size_t)(rand_r(&seed) % 64);
		for (i = 0; i < dl; i++)
			d[i] = (uint8_t)rand_r(&seed);
		if (k & 1 && dl > 12) {
			memset(d, 0, 12);
			d[5] = 1;
		}
		pkt = frame(k & 2, d, dl, &len);
		{
			struct run x;

			run(&x, pkt, len, 1);
			ck_assert_int_eq(x.ret, 0);
			run_free(&x);
		}
		free(pkt);
	}
	teardown();
}
END_TEST

/* The records' table: replaced whole, any case, per datapath. */
START_TEST(test_records)
{
	static const struct wft_pin_dns_rec one[] = {
		{ 7, "Web.Example", "192.0.2.1" },
	};
	char out[32];

	set_records();
	ck_assert_uint_eq(wft_pin_dns_count(), 5);
	ck_assert_int_eq(wft_pin_dns_lookup(1, "VM1.OVN.TEST", out,
					    sizeof(out)), 0);
	ck_assert_str_eq(out, "10.0.1.11 fd00::11 10.0.1.111");
	ck_assert_int_eq(wft_pin_dns_lookup(1, "vm1.ovn.test", out, 8),
			 -ENOSPC);
	wft_pin_dns_replace(one, 1);
	ck_assert_int_eq(wft_pin_dns_lookup(1, "vm1.ovn.test", out,
					    sizeof(out)), -ENOENT);
	ck_assert_int_eq(wft_pin_dns_lookup(7, "web.example", out,
					    sizeof(out)), 0);
	ck_assert_str_eq(out, "192.0.2.1");
	teardown();
	ck_assert_uint_eq(wft_pin_dns_count(), 0);
}
END_TEST

static Suite *dns_suite(void)
{
	Suite *s = suite_create("pinctrl_dns");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_translate);
	tcase_add_test(tc, test_answers);
	tcase_add_test(tc, test_ptr);
	tcase_add_test(tc, test_not_answered);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_hostile);
	tcase_add_test(tc, test_records);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dns_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
