// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_flags in ovs-ofctl's three spellings: "+syn-ack" (these bits set,
 * those clear, the rest don't care), "syn|ack" (exactly these bits set),
 * and numbers "0x012[/0x0ff]". Printed back as ovs-ofctl does: names
 * joined by '|' for an exact match, +/- names for a masked one.
 */
#include <string.h>

#include "ofp_private.h"

#define TCP_FLAGS_ALL 0x0fff

static const char *const flag_names[12] = {
	"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
	"[200]", "[400]", "[800]",
};

static int flag_bit(const char *s, size_t len)
{
	int i;

	for (i = 0; i < 12; i++)
		if (strlen(flag_names[i]) == len &&
		    !strncmp(s, flag_names[i], len))
			return i;
	return -1;
}

/* "+syn-ack": each name preceded by its sign. */
static int parse_signed(const char *s, size_t len, uint16_t *value,
			uint16_t *mask, char *err, size_t errlen)
{
	size_t i = 0, n;
	int bit;

	*value = *mask = 0;
	while (i < len) {
		bool on = s[i] == '+';

		if (s[i] != '+' && s[i] != '-')
			return ofp_err(err, errlen, "tcp_flags: expected '+' or "
				       "'-' at \"%.*s\"", (int)(len - i), s + i);
		i++;
		n = strcspn(s + i, "+-");
		if (i + n > len)
			n = len - i;
		bit = flag_bit(s + i, n);
		if (bit < 0)
			return ofp_err(err, errlen, "tcp_flags: unknown TCP flag "
				       "\"%.*s\"", (int)n, s + i);
		*mask |= (uint16_t)(1u << bit);
		if (on)
			*value |= (uint16_t)(1u << bit);
		i += n;
	}
	return 0;
}

/* "syn|ack": exactly these. */
static int parse_names(const char *s, size_t len, uint16_t *value,
		       char *err, size_t errlen)
{
	size_t i = 0, n;
	int bit;

	*value = 0;
	while (i <= len) {
		n = strcspn(s + i, "|");
		if (i + n > len)
			n = len - i;
		bit = flag_bit(s + i, n);
		if (bit < 0)
			return ofp_err(err, errlen, "tcp_flags: unknown TCP flag "
				       "\"%.*s\"", (int)n, s + i);
		*value |= (uint16_t)(1u << bit);
		i += n + 1;
	}
	return 0;
}

static int parse_number(const char *s, size_t len, uint16_t *value,
			uint16_t *mask, char *err, size_t errlen)
{
	const char *slash = memchr(s, '/', len);
	size_t vlen = slash ? (size_t)(slash - s) : len;
	uint64_t v, m = TCP_FLAGS_ALL;

	if (ofp_parse_uint(s, vlen, TCP_FLAGS_ALL, &v) ||
	    (slash && ofp_parse_uint(slash + 1, len - vlen - 1, TCP_FLAGS_ALL,
				     &m)))
		return ofp_err(err, errlen, "tcp_flags: \"%.*s\" is not a "
			       "12-bit number or number/mask", (int)len, s);
	*value = (uint16_t)v;
	*mask = (uint16_t)m;
	return 0;
}

int ofp_tcp_flags_parse(const char *s, size_t len, uint16_t *value,
			uint16_t *mask, char *err, size_t errlen)
{
	if (!len)
		return ofp_err(err, errlen, "tcp_flags: missing value");
	if (s[0] == '+' || s[0] == '-')
		return parse_signed(s, len, value, mask, err, errlen);
	if (s[0] >= '0' && s[0] <= '9')
		return parse_number(s, len, value, mask, err, errlen);
	*mask = TCP_FLAGS_ALL;
	return parse_names(s, len, value, err, errlen);
}

void ofp_tcp_flags_format(uint16_t value, uint16_t mask,
			  struct wft_strbuf *sb)
{
	bool first = true;
	int i;

	mask &= TCP_FLAGS_ALL;
	if (mask == TCP_FLAGS_ALL) {
		if (!value) {
			wft_strbuf_putc(sb, '0');
			return;
		}
		for (i = 0; i < 12; i++) {
			if (!(value & 1u << i))
				continue;
			if (!first)
				wft_strbuf_putc(sb, '|');
			wft_strbuf_puts(sb, flag_names[i]);
			first = false;
		}
		return;
	}
	for (i = 0; i < 12; i++)
		if (mask & 1u << i) {
			wft_strbuf_putc(sb, value & 1u << i ? '+' : '-');
			wft_strbuf_puts(sb, flag_names[i]);
		}
}
