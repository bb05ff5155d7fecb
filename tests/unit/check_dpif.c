// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the parts of the dpif library that need no kernel: UFIDs,
 * datapath names, vport types, TCP flag text.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/dpif.h"

/* UFID text. */

static const struct {
	const char *in;
	int ret;		/* consumed, 0 (no prefix) or -EINVAL */
	struct wft_ufid want;
} ufid_cases[] = {
	{ "ufid:0c8a3ce6-2e5e-4a5b-8a2e-9c3d6c2a1f00", 41,
	  { { 0x0c8a3ce6, 0x2e5e4a5b, 0x8a2e9c3d, 0x6c2a1f00 } } },
	{ "ufid:0C8A3CE6-2E5E-4A5B-8A2E-9C3D6C2A1F00", 41,
	  { { 0x0c8a3ce6, 0x2e5e4a5b, 0x8a2e9c3d, 0x6c2a1f00 } } },
	{ "ufid:0c8a3ce62e5e4a5b8a2e9c3d6c2a1f00", 37,
	  { { 0x0c8a3ce6, 0x2e5e4a5b, 0x8a2e9c3d, 0x6c2a1f00 } } },
	{ "ufid:0c8a3ce6-2e5e-4a5b-8a2e-9c3d6c2a1f00,in_port(1)", 41,
	  { { 0x0c8a3ce6, 0x2e5e4a5b, 0x8a2e9c3d, 0x6c2a1f00 } } },
	{ "ufid:00000000000000000000000000000001 in_port(1)", 37,
	  { { 0, 0, 0, 1 } } },
	{ "in_port(1)", 0, { { 0 } } },
	{ "", 0, { { 0 } } },
	{ "ufid:", -EINVAL, { { 0 } } },
	{ "ufid:0c8a3ce6", -EINVAL, { { 0 } } },
	{ "ufid:0c8a3ce62e5e4a5b8a2e9c3d6c2a1f0", -EINVAL, { { 0 } } },
	{ "ufid:0c8a3ce62e5e4a5b8a2e9c3d6c2a1f001", -EINVAL, { { 0 } } },
	{ "ufid:0c8a3ce6-2e5e-4a5b-8a2e-9c3d6c2a1f0g", -EINVAL, { { 0 } } },
	{ "ufid:0c8a3ce6-2e5e4a5b-8a2e-9c3d6c2a1f00", -EINVAL, { { 0 } } },
	{ "ufid:xyz", -EINVAL, { { 0 } } },
};

START_TEST(test_ufid_parse)
{
	struct wft_ufid u;
	int r;

	memset(&u, 0, sizeof(u));
	r = wft_ufid_from_string(ufid_cases[_i].in, &u);
	ck_assert_msg(r == ufid_cases[_i].ret, "\"%s\": got %d, want %d",
		      ufid_cases[_i].in, r, ufid_cases[_i].ret);
	if (r > 0)
		ck_assert(wft_ufid_equal(&u, &ufid_cases[_i].want));
}
END_TEST

START_TEST(test_ufid_roundtrip)
{
	struct wft_ufid u = { { 0x0c8a3ce6, 0x2e5e4a5b, 0x8a2e9c3d,
				0x6c2a1f00 } }, v;
	char buf[WFT_UFID_STRLEN + 1], text[64];

	wft_ufid_format(&u, buf);
	ck_assert_str_eq(buf, "0c8a3ce6-2e5e-4a5b-8a2e-9c3d6c2a1f00");
	snprintf(text, sizeof(text), "ufid:%s", buf);
	ck_assert_int_eq(wft_ufid_from_string(text, &v), 41);
	ck_assert(wft_ufid_equal(&u, &v));
}
END_TEST

START_TEST(test_ufid_from_key)
{
	const uint8_t key[] = { 8, 0, 1, 0, 1, 0, 0, 0 };
	const uint8_t mask[] = { 8, 0, 1, 0, 0xff, 0xff, 0xff, 0xff };
	struct wft_ufid a, b, c;

	wft_ufid_from_key(key, sizeof(key), mask, sizeof(mask), &a);
	wft_ufid_from_key(key, sizeof(key), mask, sizeof(mask), &b);
	ck_assert(wft_ufid_equal(&a, &b));
	wft_ufid_from_key(key, sizeof(key), NULL, 0, &c);
	ck_assert(!wft_ufid_equal(&a, &c));
	ck_assert(a.w[0] || a.w[1] || a.w[2] || a.w[3]);
}
END_TEST

/* Keys that differ in one bit, or only in where the key ends and the
 * mask begins, get different UFIDs: a collision would merge megaflows. */
static int ufid_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct wft_ufid));
}

START_TEST(test_ufid_spread)
{
	enum { LEN = 96, N = LEN * 8 + LEN + 2 };
	struct wft_ufid *u = calloc(N, sizeof(*u));
	uint8_t buf[2 * LEN];
	size_t i, n = 0;

	ck_assert_ptr_nonnull(u);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	wft_ufid_from_key(buf, LEN, buf + LEN, LEN, &u[n++]);
	for (i = 0; i < LEN * 8; i++) {
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		wft_ufid_from_key(buf, LEN, buf + LEN, LEN, &u[n++]);
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	/* The same bytes split differently between key and mask. */
	for (i = 1; i <= LEN; i++)
		wft_ufid_from_key(buf, LEN - i, buf + LEN - i, LEN + i,
				  &u[n++]);
	wft_ufid_from_key(buf, 2 * LEN, NULL, 0, &u[n++]);
	ck_assert_uint_eq(n, N);
	qsort(u, n, sizeof(*u), ufid_cmp);
	for (i = 1; i < n; i++)
		ck_assert_msg(!wft_ufid_equal(&u[i - 1], &u[i]),
			      "two inputs share a UFID");
	free(u);
}
END_TEST

/* A compact megaflow's UFID: every bit of key and mask counts, even in
 * otherwise zero words, and so does a word's offset; the attribute form's
 * hash of the same bytes is another UFID. */
START_TEST(test_ufid_compact)
{
	enum { LEN = 168, N = 2 * LEN * 8 + 1 + LEN / 8 };
	struct wft_ufid *u = calloc(N, sizeof(*u)), attr;
	uint8_t key[LEN], mask[LEN];
	size_t i, n = 0;

	ck_assert_ptr_nonnull(u);
	/* A setup megaflow's shape: a few nonzero words, most zero. */
	memset(key, 0, sizeof(key));
	memset(mask, 0, sizeof(mask));
	key[0] = mask[0] = 1;
	key[4] = 2;
	memset(mask + 4, 0xff, 4);
	memcpy(key + 124, "\x0a\x01\x07\xfb", 4);
	memset(mask + 124, 0xff, 4);
	wft_ufid_from_compact(key, mask, LEN, &u[n++]);
	wft_ufid_from_compact(key, mask, LEN, &attr);
	ck_assert(wft_ufid_equal(&u[0], &attr));
	for (i = 0; i < LEN * 8; i++) {
		key[i / 8] ^= (uint8_t)(1u << (i % 8));
		wft_ufid_from_compact(key, mask, LEN, &u[n++]);
		key[i / 8] ^= (uint8_t)(1u << (i % 8));
		mask[i / 8] ^= (uint8_t)(1u << (i % 8));
		wft_ufid_from_compact(key, mask, LEN, &u[n++]);
		mask[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	/* One nonzero word (key and mask alike) at each offset. */
	memset(key, 0, sizeof(key));
	memset(mask, 0, sizeof(mask));
	for (i = 0; i < LEN / 8; i++) {
		memset(key + 8 * i, 0x5a, 8);
		memset(mask + 8 * i, 0x5a, 8);
		wft_ufid_from_compact(key, mask, LEN, &u[n++]);
		memset(key + 8 * i, 0, 8);
		memset(mask + 8 * i, 0, 8);
	}
	ck_assert_uint_eq(n, N);
	memset(key + 8, 0x5a, 8);
	memset(mask + 8, 0x5a, 8);
	wft_ufid_from_key(key, LEN, mask, LEN, &attr);
	qsort(u, n, sizeof(*u), ufid_cmp);
	for (i = 0; i < n; i++) {
		ck_assert_msg(!i || !wft_ufid_equal(&u[i - 1], &u[i]),
			      "two inputs share a UFID");
		ck_assert(!wft_ufid_equal(&u[i], &attr));
	}
	free(u);
}
END_TEST

START_TEST(test_ufid_random)
{
	struct wft_ufid a, b;

	ck_assert_int_eq(wft_ufid_random(&a), 0);
	ck_assert_int_eq(wft_ufid_random(&b), 0);
	ck_assert(!wft_ufid_equal(&a, &b));
}
END_TEST

/* Datapath names. */

static const struct {
	const char *in;
	const char *name;	/* NULL: refused */
} dp_cases[] = {
	{ "dp0", "dp0" },
	{ "system@dp0", "dp0" },
	{ "weft-system", "weft-system" },
	{ "system@weft-system", "weft-system" },
	{ "123456789012345", "123456789012345" },
	{ "1234567890123456", NULL },
	{ "netdev@dp0", NULL },
	{ "dummy@dp0", NULL },
	{ "systemx@dp0", NULL },
	{ "system@", NULL },
	{ "", NULL },
	{ "@dp0", NULL },
	{ "dp 0", NULL },
	{ "a/b", NULL },
	{ "a:b", NULL },
	{ "system@.", NULL },
	{ "system@..", NULL },
	/* The kernel takes '@' in a device name; only the first splits. */
	{ "system@@", "@" },
	{ "system@a@b", "a@b" },
};

START_TEST(test_dp_name)
{
	char name[WEFT_DP_NAME_MAX];
	const char *msg = NULL;
	int r;

	r = wft_dp_name_parse(dp_cases[_i].in, name, &msg);
	if (dp_cases[_i].name) {
		ck_assert_msg(!r, "\"%s\" refused: %s", dp_cases[_i].in, msg);
		ck_assert_str_eq(name, dp_cases[_i].name);
	} else {
		ck_assert_msg(r == -EINVAL, "\"%s\" accepted",
			      dp_cases[_i].in);
		ck_assert_ptr_nonnull(msg);
	}
}
END_TEST

/* Vport types. */

START_TEST(test_vport_types)
{
	uint32_t t;

	ck_assert_int_eq(wft_vport_type_parse("internal", &t), 0);
	ck_assert_uint_eq(t, WEFT_VPORT_TYPE_INTERNAL);
	ck_assert_int_eq(wft_vport_type_parse("netdev", &t), 0);
	ck_assert_uint_eq(t, WEFT_VPORT_TYPE_NETDEV);
	ck_assert_int_eq(wft_vport_type_parse("system", &t), 0);
	ck_assert_uint_eq(t, WEFT_VPORT_TYPE_NETDEV);
	ck_assert_int_eq(wft_vport_type_parse("Internal", &t), -EINVAL);
	ck_assert_int_eq(wft_vport_type_parse("", &t), -EINVAL);
	ck_assert_str_eq(wft_vport_type_name(WEFT_VPORT_TYPE_INTERNAL),
			 "internal");
	ck_assert_str_eq(wft_vport_type_name(WEFT_VPORT_TYPE_NETDEV),
			 "netdev");
	ck_assert_str_eq(wft_vport_type_name(0), "unknown");
	ck_assert_str_eq(wft_vport_type_name(1000), "unknown");
}
END_TEST

/* TCP flags, as ovs-dpctl prints them. */

static const struct {
	uint16_t flags;
	const char *text;
} tcp_cases[] = {
	{ 0, "none" },
	{ 0x002, "S" },
	{ 0x012, "S." },
	{ 0x010, "." },
	{ 0x019, "FP." },
	{ 0x014, "R." },
	{ 0x0c2, "SEC" },
	{ 0xfff, "SFPRU.ECN[200][400][800]" },
};

START_TEST(test_tcp_flags)
{
	char buf[64];

	wft_tcp_flags_format(tcp_cases[_i].flags, buf, sizeof(buf));
	ck_assert_str_eq(buf, tcp_cases[_i].text);
}
END_TEST

START_TEST(test_tcp_flags_short_buffer)
{
	char buf[4];

	wft_tcp_flags_format(0xfff, buf, sizeof(buf));
	ck_assert_uint_lt(strlen(buf), sizeof(buf));
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *dpif_suite(void)
{
	Suite *s = suite_create("dpif");
	TCase *tc;

	tc = tcase_create("ufid");
	tcase_add_loop_test(tc, test_ufid_parse, 0, N(ufid_cases));
	tcase_add_test(tc, test_ufid_roundtrip);
	tcase_add_test(tc, test_ufid_from_key);
	tcase_add_test(tc, test_ufid_spread);
	tcase_add_test(tc, test_ufid_compact);
	tcase_add_test(tc, test_ufid_random);
	suite_add_tcase(s, tc);

	tc = tcase_create("dp_name");
	tcase_add_loop_test(tc, test_dp_name, 0, N(dp_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("vport_type");
	tcase_add_test(tc, test_vport_types);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp_flags");
	tcase_add_loop_test(tc, test_tcp_flags, 0, N(tcp_cases));
	tcase_add_test(tc, test_tcp_flags_short_buffer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dpif_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
