// SPDX-License-Identifier: GPL-2.0
/*
 * The two value types of the conntrack key fields that are neither plain
 * numbers nor addresses, in the text forms of OVS 3.1's lib/odp-util.c:
 *
 *   ct_state(new|trk)            exact (mask 0xffffffff, as OVS's parser
 *                                makes it); "0" is no flag set
 *   ct_state(+trk-inv)           only the named bits matched
 *   ct_state(0x21/0x3f)          numbers, as ovs-dpctl -m prints them
 *   ct_label(0x1234/0xffff)      a 128-bit number: hex with 0x (up to 32
 *                                digits), or a decimal/octal that fits in
 *                                64 bits, as OVS's scan_u128 reads it
 *
 * The flag names and their order are OVS's: bit 0 upwards, new est rel rpl
 * inv trk snat dnat (enum weft_ct_state has the same bits as OVS_CS_F_*).
 * A label travels as the host's u32[4] with word 0 the lowest (the way
 * nf_conntrack stores it), and prints as one big hexadecimal number.
 */
#include <string.h>

#include "odp_private.h"

static const char *const ct_state_names[8] = {
	"new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat",
};

#define CT_STATE_ALL	((uint32_t)__WEFT_CS_ALL)

/* Numbers as OVS's %i reads them; false unless all @n bytes are used. */
static bool num32(const char *s, size_t n, uint32_t *v)
{
	unsigned int base = 10;
	uint64_t r = 0;
	size_t i = 0;

	if (!n)
		return false;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (n > 1 && s[0] == '0') {
		base = 8;
		i = 1;
	}
	for (; i < n; i++) {
		char ch = s[i];
		unsigned int d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned int)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned int)(ch - 'A' + 10);
		else
			return false;
		if (d >= base)
			return false;
		r = r * base + d;
		if (r > UINT32_MAX)
			return false;
	}
	*v = (uint32_t)r;
	return true;
}

/* The flag named at @s (ending at one of @stops or at @n); its bit or 0. */
static uint32_t flag_at(const char *s, size_t n, const char *stops,
			size_t *used)
{
	for (unsigned int i = 0; i < 8; i++) {
		size_t l = strlen(ct_state_names[i]);

		if (l <= n && !memcmp(s, ct_state_names[i], l) &&
		    (l == n || strchr(stops, s[l]))) {
			*used = l;
			return 1u << i;
		}
	}
	return 0;
}

bool wft_odp_ct_state_from(const char *s, size_t n, uint32_t *key,
			   uint32_t *mask)
{
	const char *slash = memchr(s, '/', n);
	uint32_t k = 0, m = 0, bit, v;
	size_t i = 0, used;

	if (slash) {
		if (!num32(s, (size_t)(slash - s), &k) ||
		    !num32(slash + 1, n - (size_t)(slash - s) - 1, &m) ||
		    ((k | m) & ~CT_STATE_ALL))
			return false;
		*key = k;
		*mask = m;
		return true;
	}
	if (n && (s[0] == '+' || s[0] == '-')) {
		while (i < n) {
			bool set = s[i] == '+';

			if (s[i] != '+' && s[i] != '-')
				return false;
			i++;
			bit = flag_at(s + i, n - i, "+-", &used);
			if (!bit || (m & bit))
				return false;
			m |= bit;
			if (set)
				k |= bit;
			i += used;
		}
		*key = k;
		*mask = m;
		return true;
	}
	/* "a|b|0x20": every item a name or a number; an empty list is not. */
	if (!n)
		return false;
	while (i < n) {
		size_t item = strcspn(s + i, "|");

		if (item > n - i)
			item = n - i;
		bit = flag_at(s + i, item, "|", &used);
		if (bit && used == item)
			k |= bit;
		else if (num32(s + i, item, &v) && !(v & ~CT_STATE_ALL))
			k |= v;
		else
			return false;
		i += item;
		if (i < n && ++i == n)
			return false;	/* a trailing '|' */
	}
	*key = k;
	*mask = UINT32_MAX;
	return true;
}

/*
 * As OVS prints a ct_state that is not -m: names joined by '|' when exact
 * (unknown bits as one hex number at the end), "0/0" when wildcarded,
 * +name/-name for each matched bit otherwise.
 */
void wft_odp_format_ct_state(struct wft_strbuf *out, uint32_t key,
			     uint32_t mask)
{
	bool first = true;
	uint32_t bad = 0;

	if (mask == UINT32_MAX) {
		if (!key) {
			wft_strbuf_putc(out, '0');
			return;
		}
		for (unsigned int i = 0; i < 32; i++) {
			if (!(key & (1u << i)))
				continue;
			if (i >= 8) {
				bad |= 1u << i;
				continue;
			}
			wft_strbuf_printf(out, "%s%s", first ? "" : "|",
					  ct_state_names[i]);
			first = false;
		}
		if (bad)
			wft_strbuf_printf(out, "%s0x%x", first ? "" : "|", bad);
		return;
	}
	if (!mask) {
		wft_strbuf_puts(out, "0/0");
		return;
	}
	for (unsigned int i = 0; i < 32; i++)
		if (mask & (1u << i))
			wft_strbuf_printf(out, "%c%s", key & (1u << i) ? '+' : '-',
					  i < 8 ? ct_state_names[i] : "[Unknown]");
}

static int hexit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Stores a 128-bit number given as 16 big-endian bytes as u32[4]. */
static void u128_store(const uint8_t be[16], uint8_t out[16])
{
	for (unsigned int w = 0; w < 4; w++) {
		const uint8_t *p = be + 12 - 4 * w;
		uint32_t v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			     (uint32_t)p[2] << 8 | p[3];

		memcpy(out + 4 * w, &v, 4);
	}
}

static void u128_load(const uint8_t in[16], uint8_t be[16])
{
	for (unsigned int w = 0; w < 4; w++) {
		uint8_t *p = be + 12 - 4 * w;
		uint32_t v;

		memcpy(&v, in + 4 * w, 4);
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

bool wft_odp_u128_from(const char *s, size_t n, uint8_t out[16])
{
	uint8_t be[16] = { 0 };
	uint64_t v = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		size_t i, digits;

		s += 2;
		n -= 2;
		while (n > 1 && s[0] == '0') {	/* leading zeros are free */
			s++;
			n--;
		}
		if (n > 32)
			return false;
		for (i = 0, digits = n; i < digits; i++) {
			int d = hexit(s[digits - 1 - i]);

			if (d < 0)
				return false;
			be[15 - i / 2] |= (uint8_t)(i % 2 ? d << 4 : d);
		}
		u128_store(be, out);
		return true;
	}
	/* Not hex: a number of at most 64 bits, in any base %i reads. */
	{
		unsigned int base = n > 1 && s[0] == '0' ? 8 : 10;

		if (!n)
			return false;
		for (size_t i = 0; i < n; i++) {
			int d = hexit(s[i]);

			if (d < 0 || (unsigned int)d >= base ||
			    v > (UINT64_MAX - (unsigned int)d) / base)
				return false;
			v = v * base + (unsigned int)d;
		}
	}
	for (unsigned int i = 0; i < 8; i++)
		be[15 - i] = (uint8_t)(v >> (8 * i));
	u128_store(be, out);
	return true;
}

/* OVS's ds_put_hex of the big-endian number: 0x1234..., or 0. */
void wft_odp_format_u128(struct wft_strbuf *out, const uint8_t v[16])
{
	uint8_t be[16];
	bool printed = false;

	u128_load(v, be);
	for (unsigned int i = 0; i < 16; i++) {
		if (!be[i] && !printed)
			continue;
		wft_strbuf_printf(out, printed ? "%02x" : "0x%x", be[i]);
		printed = true;
	}
	if (!printed)
		wft_strbuf_putc(out, '0');
}
