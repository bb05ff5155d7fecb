// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the userspace attribute buffer (include/weft/attrbuf.h) and
 * the growable string (include/weft/strbuf.h): netlink layout (header,
 * NLA_ALIGN padding, zeroed pad bytes), nests (length, NLA_F_NESTED), growth,
 * and the sticky error for a nest that outgrows nla_len.
 */
#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "weft/attrbuf.h"
#include "weft/strbuf.h"

static struct nlattr hdr_at(const struct wft_attrbuf *b, size_t off)
{
	struct nlattr nla;

	ck_assert(off + NLA_HDRLEN <= b->len);
	memcpy(&nla, b->data + off, sizeof(nla));
	return nla;
}

START_TEST(test_put_layout)
{
	struct wft_attrbuf b;
	struct nlattr nla;
	uint32_t v32;
	uint64_t v64;

	wft_attrbuf_init(&b);
	ck_assert_uint_eq(b.len, 0);
	wft_attr_put_u8(&b, 1, 0xab);
	ck_assert_uint_eq(b.len, 8);		/* 4 header + 1 + 3 pad */
	nla = hdr_at(&b, 0);
	ck_assert_uint_eq(nla.nla_len, 5);
	ck_assert_uint_eq(nla.nla_type, 1);
	ck_assert_uint_eq(b.data[4], 0xab);
	ck_assert(!b.data[5] && !b.data[6] && !b.data[7]);

	wft_attr_put_u16(&b, 2, 0x1234);
	ck_assert_uint_eq(b.len, 16);
	ck_assert_uint_eq(hdr_at(&b, 8).nla_len, 6);

	wft_attr_put_u32(&b, 3, 0xdeadbeef);
	ck_assert_uint_eq(b.len, 24);
	memcpy(&v32, b.data + 20, 4);
	ck_assert_uint_eq(v32, 0xdeadbeef);

	wft_attr_put_u64(&b, 4, 0x0102030405060708ull);
	ck_assert_uint_eq(b.len, 36);
	memcpy(&v64, b.data + 28, 8);
	ck_assert_uint_eq(v64, 0x0102030405060708ull);

	wft_attr_put_flag(&b, 5);
	ck_assert_uint_eq(b.len, 40);
	ck_assert_uint_eq(hdr_at(&b, 36).nla_len, NLA_HDRLEN);

	wft_attr_put(&b, 6, "abcde", 5);
	ck_assert_uint_eq(b.len, 52);
	ck_assert(!memcmp(b.data + 44, "abcde", 5));
	ck_assert_int_eq(b.error, 0);
	wft_attrbuf_free(&b);
	ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(test_nest)
{
	struct wft_attrbuf b;
	struct nlattr nla;
	size_t outer, inner;

	wft_attrbuf_init(&b);
	wft_attr_put_u32(&b, 1, 7);
	outer = wft_attr_nest_start(&b, 2);
	ck_assert_uint_eq(outer, 8);
	wft_attr_put_u8(&b, 1, 1);
	inner = wft_attr_nest_start(&b, 3);
	wft_attr_put_u16(&b, 1, 2);
	wft_attr_nest_end(&b, inner);
	wft_attr_nest_end(&b, outer);

	nla = hdr_at(&b, outer);
	ck_assert_uint_eq(nla.nla_len, b.len - outer);
	ck_assert_uint_eq(nla.nla_type, 2 | NLA_F_NESTED);
	nla = hdr_at(&b, inner);
	ck_assert_uint_eq(nla.nla_len, 12);
	ck_assert_uint_eq(nla.nla_type & NLA_TYPE_MASK, 3);

	/* An empty nest is just its header. */
	wft_attrbuf_reset(&b);
	outer = wft_attr_nest_start(&b, 9);
	wft_attr_nest_end(&b, outer);
	ck_assert_uint_eq(b.len, NLA_HDRLEN);
	ck_assert_uint_eq(hdr_at(&b, 0).nla_len, NLA_HDRLEN);
	wft_attrbuf_free(&b);
}
END_TEST

START_TEST(test_growth)
{
	struct wft_attrbuf b;

	wft_attrbuf_init(&b);
	for (uint32_t i = 0; i < 10000; i++)
		wft_attr_put_u32(&b, 1, i);
	ck_assert_int_eq(b.error, 0);
	ck_assert_uint_eq(b.len, 80000);
	ck_assert_uint_ge(b.cap, b.len);
	for (uint32_t i = 0; i < 10000; i++) {
		uint32_t v;

		memcpy(&v, b.data + i * 8 + 4, 4);
		ck_assert_uint_eq(v, i);
	}
	wft_attrbuf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_nonnull(b.data);
	wft_attrbuf_free(&b);
}
END_TEST

/* nla_len is 16 bits: an oversized payload or nest is an error, not a wrap. */
START_TEST(test_too_big)
{
	static uint8_t big[70000];
	struct wft_attrbuf b;
	size_t n;

	wft_attrbuf_init(&b);
	wft_attr_put(&b, 1, big, sizeof(big));
	ck_assert_int_eq(b.error, -EMSGSIZE);
	ck_assert_uint_eq(b.len, 0);
	/* Sticky: later puts are ignored. */
	wft_attr_put_u32(&b, 1, 1);
	ck_assert_uint_eq(b.len, 0);

	wft_attrbuf_reset(&b);
	ck_assert_int_eq(b.error, 0);
	n = wft_attr_nest_start(&b, 1);
	for (int i = 0; i < 3; i++)
		wft_attr_put(&b, 2, big, 30000);
	wft_attr_nest_end(&b, n);
	ck_assert_int_eq(b.error, -EMSGSIZE);
	wft_attrbuf_free(&b);
}
END_TEST

START_TEST(test_strbuf)
{
	struct wft_strbuf s = WFT_STRBUF_INIT;
	char *p;

	ck_assert_str_eq(wft_strbuf_cstr(&s), "");
	wft_strbuf_puts(&s, "in_port");
	wft_strbuf_putc(&s, '(');
	wft_strbuf_printf(&s, "%u", 42u);
	wft_strbuf_add(&s, ")xyz", 1);
	ck_assert_str_eq(wft_strbuf_cstr(&s), "in_port(42)");
	ck_assert_uint_eq(s.len, 11);
	wft_strbuf_truncate(&s, 7);
	ck_assert_str_eq(wft_strbuf_cstr(&s), "in_port");
	wft_strbuf_truncate(&s, 100);
	ck_assert_uint_eq(s.len, 7);
	for (int i = 0; i < 5000; i++)
		wft_strbuf_printf(&s, ",%d", i);
	ck_assert_int_eq(s.error, 0);
	ck_assert_uint_eq(strlen(wft_strbuf_cstr(&s)), s.len);
	p = wft_strbuf_steal(&s);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(s.len, 0);
	ck_assert_str_eq(wft_strbuf_cstr(&s), "");
	free(p);
	p = wft_strbuf_steal(&s);
	ck_assert_str_eq(p, "");
	free(p);
	wft_strbuf_reset(&s);
	wft_strbuf_free(&s);
}
END_TEST

static Suite *attrbuf_suite(void)
{
	Suite *s = suite_create("attrbuf");
	TCase *tc;

	tc = tcase_create("attrbuf");
	tcase_add_test(tc, test_put_layout);
	tcase_add_test(tc, test_nest);
	tcase_add_test(tc, test_growth);
	tcase_add_test(tc, test_too_big);
	suite_add_tcase(s, tc);

	tc = tcase_create("strbuf");
	tcase_add_test(tc, test_strbuf);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(attrbuf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
