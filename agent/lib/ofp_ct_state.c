// SPDX-License-Identifier: GPL-2.0
/*
 * ct_state in ovs-ofctl's three spellings: "+trk+est-new" (these bits set,
 * those clear, the others don't care), "trk|est" or "0x22" (exactly these
 * bits, the others clear), and "0x22/0x3f" (value and mask). Printed back
 * as ovs-ofctl prints them: names joined by '|' (or "0") for a match on all
 * eight bits, +/- names from the lowest bit up otherwise.
 *
 * Only the eight defined bits (WFT_CS_*) may be named, set or masked: a
 * number with other bits is refused as ovs-ofctl refuses it.
 */
#include <stdlib.h>
#include <string.h>

#include "ofp_private.h"

static const char *const state_names[8] = {
	"new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat",
};

static int state_bit(const char *s, size_t len)
{
	int i;

	for (i = 0; i < 8; i++)
		if (strlen(state_names[i]) == len &&
		    !strncmp(s, state_names[i], len))
			return i;
	return -1;
}

static int unknown(const char *s, size_t len, char *err, size_t errlen)
{
	return ofp_err(err, errlen, "ct_state: \"%.*s\" is not a conntrack "
		       "state (new, est, rel, rpl, inv, trk, snat, dnat, or "
		       "a number within 0xff)", (int)len, s);
}

/* A whole number of @len characters (base 0, as strtoll with %i reads it)
 * within the defined bits. */
static int parse_bits(const char *s, size_t len, uint32_t *v)
{
	uint64_t n;

	if (!len || (s[0] < '0' || s[0] > '9'))
		return -1;
	if (ofp_parse_uint(s, len, UINT32_MAX, &n) || n & ~(uint64_t)WFT_CS_ALL)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

/* "+trk-new": each name preceded by its sign, each at most once. */
static int parse_signed(const char *s, size_t len, uint32_t *value,
			uint32_t *mask, char *err, size_t errlen)
{
	size_t i = 0, n;
	int bit;

	*value = *mask = 0;
	while (i < len) {
		bool on = s[i] == '+';

		if (s[i] != '+' && s[i] != '-')
			return ofp_err(err, errlen, "ct_state: \"%.*s\": each "
				       "flag must be preceded by '+' (set) or "
				       "'-' (not set)", (int)(len - i), s + i);
		i++;
		n = strcspn(s + i, "+-");
		if (i + n > len)
			n = len - i;
		bit = state_bit(s + i, n);
		if (bit < 0)
			return unknown(s + i, n, err, errlen);
		if (*mask & 1u << bit)
			return ofp_err(err, errlen, "ct_state: %s: each flag "
				       "can be specified only once",
				       state_names[bit]);
		*mask |= 1u << bit;
		if (on)
			*value |= 1u << bit;
		i += n;
	}
	return 0;
}

/* "trk|est", "0x21", "0x1|trk": exactly these bits. */
static int parse_exact(const char *s, size_t len, uint32_t *value,
		       char *err, size_t errlen)
{
	size_t i = 0, n;
	uint32_t v;
	int bit;

	*value = 0;
	while (i < len) {
		n = strcspn(s + i, "|");
		if (i + n > len)
			n = len - i;
		bit = state_bit(s + i, n);
		if (bit >= 0)
			*value |= 1u << bit;
		else if (!parse_bits(s + i, n, &v))
			*value |= v;
		else
			return unknown(s + i, n, err, errlen);
		i += n + 1;
	}
	return 0;
}

int ofp_ct_state_parse(const char *s, size_t len, uint32_t *value,
		       uint32_t *mask, char *err, size_t errlen)
{
	const char *slash = memchr(s, '/', len);
	size_t vlen;

	if (!len)
		return ofp_err(err, errlen, "ct_state: missing value");
	if (s[0] == '+' || s[0] == '-')
		return parse_signed(s, len, value, mask, err, errlen);
	if (slash) {
		vlen = (size_t)(slash - s);
		if (parse_bits(s, vlen, value) ||
		    parse_bits(slash + 1, len - vlen - 1, mask))
			return unknown(s, len, err, errlen);
		*value &= *mask;
		return 0;
	}
	*mask = WFT_CS_ALL;
	return parse_exact(s, len, value, err, errlen);
}

void ofp_ct_state_format(uint32_t value, uint32_t mask, struct wft_strbuf *sb)
{
	bool first = true;
	int i;

	mask &= WFT_CS_ALL;
	if (mask == WFT_CS_ALL) {
		if (!value) {
			wft_strbuf_putc(sb, '0');
			return;
		}
		for (i = 0; i < 8; i++) {
			if (!(value & 1u << i))
				continue;
			if (!first)
				wft_strbuf_putc(sb, '|');
			wft_strbuf_puts(sb, state_names[i]);
			first = false;
		}
		return;
	}
	for (i = 0; i < 8; i++)
		if (mask & 1u << i) {
			wft_strbuf_putc(sb, value & 1u << i ? '+' : '-');
			wft_strbuf_puts(sb, state_names[i]);
		}
}
