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

/*
 * The UFID of a megaflow is a 128-bit hash of its key and mask attributes.
 * It only has to be stable within one version (a restart retranslates and
 * re-derives it) and collision-free in practice, and it is computed once
 * per new flow, so it takes eight bytes a step in two 64-bit lanes (the
 * byte-wise 128-bit FNV-1a it replaces cost 5 us of guest time a flow),
 * each lane multiply-rotate mixed, with a final avalanche of both.
 */
static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* A bijective 64-bit finalizer: every input bit reaches every output bit. */
static uint64_t avalanche(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	x ^= x >> 33;
	return x;
}

struct ufid_hash {
	uint64_t a, b, n;
};

static void ufid_hash_word(struct ufid_hash *h, uint64_t w)
{
	h->a = rotl64(h->a ^ (w * 0x9e3779b97f4a7c15ULL), 29) *
	       0xbf58476d1ce4e5b9ULL;
	h->b = rotl64(h->b + w, 37) * 0x94d049bb133111ebULL ^ h->a;
}

static void ufid_hash_bytes(struct ufid_hash *h, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t w;

	h->n += len;
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		ufid_hash_word(h, w);
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		/* The tail's length is in the word, so "ab" and "ab\0"
		 * differ. */
		ufid_hash_word(h, w ^ ((uint64_t)len << 56));
	}
}

/* The 128-bit UFID from the hash's state, mixed once more. */
static void ufid_finish(const struct ufid_hash *h, struct wft_ufid *ufid)
{
	uint64_t hi = avalanche(h->a ^ rotl64(h->n, 17));
	uint64_t lo = avalanche(h->b ^ hi);

	ufid->w[0] = (uint32_t)(hi >> 32);
	ufid->w[1] = (uint32_t)hi;
	ufid->w[2] = (uint32_t)(lo >> 32);
	ufid->w[3] = (uint32_t)lo;
}

void wft_ufid_from_key(const void *key, size_t key_len, const void *mask,
		       size_t mask_len, struct wft_ufid *ufid)
{
	struct ufid_hash h = { 0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0 };

	ufid_hash_bytes(&h, key, key_len);
	/* Keep "key K, no mask" apart from "key K, mask M" shapes, and the
	 * key/mask boundary where it is. */
	ufid_hash_word(&h, 0xff00000000000000ULL | key_len);
	if (mask)
		ufid_hash_bytes(&h, mask, mask_len);
	ufid_finish(&h, ufid);
}

void wft_ufid_from_compact(const void *key, const void *mask, size_t len,
			   struct wft_ufid *ufid)
{
	struct ufid_hash h = { 0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL, 0 };
	const uint8_t *k = key, *m = mask;
	uint64_t kw, mw;
	size_t i;

	/* Apart from every attribute form's UFID, whatever its bytes. */
	ufid_hash_word(&h, 0xc0ffee0000000000ULL | len);
	h.n = len;
	/* A megaflow's key is masked, so most of both structs is zero: the
	 * words that are not go in with their offset, the rest are skipped
	 * (a third of the hashing a setup miss did). */
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&kw, k + i, 8);
		memcpy(&mw, m + i, 8);
		if (!(kw | mw))
			continue;
		ufid_hash_word(&h, i);
		ufid_hash_word(&h, kw);
		ufid_hash_word(&h, mw);
	}
	if (i < len) {
		kw = mw = 0;
		memcpy(&kw, k + i, len - i);
		memcpy(&mw, m + i, len - i);
		ufid_hash_word(&h, i);
		ufid_hash_word(&h, kw);
		ufid_hash_word(&h, mw);
	}
	ufid_finish(&h, ufid);
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
