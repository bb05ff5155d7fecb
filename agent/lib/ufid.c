// SPDX-License-Identifier: GPL-2.0
/*
 * UFIDs (see include/weft/dpif.h) and the small text helpers the datapath
 * tools share.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "weft/dpif.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Reads @n hex digits of @s, skipping a '-' where UUIDs have one. */
static int parse_words(const char *s, bool dashes, struct wft_ufid *ufid)
{
	static const int dash_at[] = { 8, 13, 18, 23 };
	int i, d = 0, len = dashes ? 36 : 32, nib = 0;

	memset(ufid, 0, sizeof(*ufid));
	for (i = 0; i < len; i++) {
		int v;

		if (dashes && d < 4 && i == dash_at[d]) {
			if (s[i] != '-')
				return -EINVAL;
			d++;
			continue;
		}
		v = hexval((unsigned char)s[i]);
		if (v < 0)
			return -EINVAL;
		ufid->w[nib / 8] = (ufid->w[nib / 8] << 4) | (uint32_t)v;
		nib++;
	}
	/* The UFID must end here: a hex digit after it is a typo. */
	if (hexval((unsigned char)s[len]) >= 0 || s[len] == '-')
		return -EINVAL;
	return len;
}

int wft_ufid_from_string(const char *s, struct wft_ufid *ufid)
{
	const char *p;
	size_t n;
	int r;

	if (strncmp(s, "ufid:", 5))
		return 0;
	p = s + 5;
	n = strspn(p, "0123456789abcdefABCDEF-");
	if (n >= 36 && p[8] == '-')
		r = parse_words(p, true, ufid);
	else
		r = parse_words(p, false, ufid);
	if (r < 0)
		return r;
	return 5 + r;
}

void wft_ufid_format(const struct wft_ufid *u, char *buf)
{
	snprintf(buf, WFT_UFID_STRLEN + 1, "%08x-%04x-%04x-%04x-%04x%08x",
		 u->w[0], u->w[1] >> 16, u->w[1] & 0xffff, u->w[2] >> 16,
		 u->w[2] & 0xffff, u->w[3]);
}

bool wft_ufid_equal(const struct wft_ufid *a, const struct wft_ufid *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* 128-bit FNV-1a: offset basis and prime from the FNV specification. */
static void fnv1a_128(unsigned __int128 *h, const void *data, size_t len)
{
	const unsigned __int128 prime =
		((unsigned __int128)1 << 88) + 0x13b;
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		*h ^= p[i];
		*h *= prime;
	}
}

void wft_ufid_from_key(const void *key, size_t key_len, const void *mask,
		       size_t mask_len, struct wft_ufid *ufid)
{
	unsigned __int128 h = ((unsigned __int128)0x6c62272e07bb0142ULL << 64) |
			      0x62b821756295c58dULL;
	uint8_t sep = 0xff;

	fnv1a_128(&h, key, key_len);
	/* Keep "key K, no mask" apart from "key K, mask M" shapes. */
	fnv1a_128(&h, &sep, 1);
	if (mask)
		fnv1a_128(&h, mask, mask_len);
	ufid->w[0] = (uint32_t)(h >> 96);
	ufid->w[1] = (uint32_t)(h >> 64);
	ufid->w[2] = (uint32_t)(h >> 32);
	ufid->w[3] = (uint32_t)h;
}

int wft_ufid_random(struct wft_ufid *ufid)
{
	size_t got = 0;

	while (got < sizeof(*ufid)) {
		ssize_t n = getrandom((uint8_t *)ufid + got,
				      sizeof(*ufid) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	return 0;
}

void wft_tcp_flags_format(uint16_t flags, char *buf, size_t len)
{
	static const struct {
		uint16_t bit;
		const char *s;
	} names[] = {
		/* ovs-dpctl's order, not the bits' order. */
		{ 0x002, "S" }, { 0x001, "F" }, { 0x008, "P" }, { 0x004, "R" },
		{ 0x020, "U" }, { 0x010, "." }, { 0x040, "E" }, { 0x080, "C" },
		{ 0x100, "N" }, { 0x200, "[200]" }, { 0x400, "[400]" },
		{ 0x800, "[800]" },
	};
	size_t i, off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (!flags) {
		snprintf(buf, len, "none");
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			int n = snprintf(buf + off, len - off, "%s",
					 names[i].s);

			if (n < 0 || (size_t)n >= len - off)
				return;
			off += (size_t)n;
		}
	}
}
