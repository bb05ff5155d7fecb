// SPDX-License-Identifier: GPL-2.0
/*
 * The ovs-dpctl text codec, bottom layer: a cursor over the text that keeps
 * the first error (with the byte position of the offending token), the field
 * value types (parse and print side by side), and a bounds-checked walk over
 * netlink attributes for the formatters.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "odp_private.h"

void wft_odp_cur_init(struct wft_odp_cur *c, const char *s,
		      const struct wft_odp_port_map *ports,
		      struct wft_odp_error *err)
{
	c->s = s ? s : "";
	c->pos = 0;
	c->err = err;
	c->ports = ports;
	c->depth = 0;
	c->failed = false;
	if (err) {
		err->pos = 0;
		err->msg[0] = '\0';
	}
}

/* Records the first error only: later ones are consequences of it. */
int wft_odp_fail(struct wft_odp_cur *c, size_t pos, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (c->failed)
		return -EINVAL;
	c->failed = true;
	if (!c->err)
		return -EINVAL;
	c->err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	n = strlen(c->err->msg);
	snprintf(c->err->msg + n, sizeof(c->err->msg) - n, " at position %zu",
		 pos);
	return -EINVAL;
}

/* "<ctx>: <what> \"<token>\" at position N"; long tokens are cut short. */
int wft_odp_fail_token(struct wft_odp_cur *c, size_t pos, size_t len,
		       const char *ctx, const char *what)
{
	int shown = len > 40 ? 40 : (int)len;

	if (!len)
		return wft_odp_fail(c, pos, "%s: %s \"%s\"", ctx, what,
				    c->s[pos] ? "" : "<end of text>");
	return wft_odp_fail(c, pos, "%s: %s \"%.*s%s\"", ctx, what, shown,
			    c->s + pos, len > 40 ? "..." : "");
}

char wft_odp_peek(const struct wft_odp_cur *c)
{
	return c->s[c->pos];
}

void wft_odp_skip_space(struct wft_odp_cur *c)
{
	while (c->s[c->pos] == ' ' || c->s[c->pos] == '\t' ||
	       c->s[c->pos] == '\n' || c->s[c->pos] == '\r')
		c->pos++;
}

static bool is_word_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

/* Length of the keyword [A-Za-z0-9_]* at the cursor. */
size_t wft_odp_word_len(const struct wft_odp_cur *c)
{
	size_t n = 0;

	while (is_word_char(c->s[c->pos + n]))
		n++;
	return n;
}

bool wft_odp_word_is(const struct wft_odp_cur *c, size_t len, const char *w)
{
	return strlen(w) == len && !memcmp(c->s + c->pos, w, len);
}

int wft_odp_expect(struct wft_odp_cur *c, char ch, const char *ctx)
{
	char what[32];
	size_t n;

	if (c->s[c->pos] == ch) {
		c->pos++;
		return 0;
	}
	if (!c->s[c->pos])
		return wft_odp_fail(c, c->pos, "%s: expected '%c' but the text ends",
				    ctx, ch);
	n = strcspn(c->s + c->pos, ",()");
	snprintf(what, sizeof(what), "expected '%c' before", ch);
	return wft_odp_fail_token(c, c->pos, n ? n : 1, ctx, what);
}

/*
 * After an item of a list: consumes the separator, a ',' and/or white space
 * (OVS's delimiters; a trailing ',' is fine too). Returns 1 when another
 * item may follow, 0 at @end, or an error when something else follows.
 */
int wft_odp_separator(struct wft_odp_cur *c, char end, const char *ctx)
{
	size_t start = c->pos;

	wft_odp_skip_space(c);
	if (wft_odp_peek(c) == ',') {
		c->pos++;
		wft_odp_skip_space(c);
		return wft_odp_peek(c) != end;
	}
	if (wft_odp_peek(c) == end)
		return 0;
	if (c->pos > start && wft_odp_peek(c))
		return 1;
	return wft_odp_expect(c, end ? end : ',', ctx);
}

/*
 * Keywords of OVS's text that weft does not implement (yet): refused with a
 * message that says so, rather than as a typo.
 */
bool wft_odp_is_ovs_only(const char *w, size_t n, bool action)
{
	static const char *const keys[] = {
		"mpls", "packet_type", "nsh",
		"nd_ext", "tun_id", NULL,
	};
	static const char *const acts[] = {
		"tnl_push", "tnl_pop", "push_mpls",
		"pop_mpls", "add_mpls", "meter", "lb_output", "push_eth",
		"pop_eth", "push_nsh", "pop_nsh", "psample", NULL,
	};
	const char *const *k;

	for (k = action ? acts : keys; *k; k++)
		if (strlen(*k) == n && !memcmp(*k, w, n))
			return true;
	return false;
}

/* Numbers as scanf's %i reads them: 0x.. hex, 0.. octal, else decimal. */
static bool num_from(const char *s, size_t n, uint64_t max, uint64_t *v)
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
		unsigned int d;
		char ch = s[i];

		if (ch >= '0' && ch <= '9')
			d = (unsigned int)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned int)(ch - 'A' + 10);
		else
			return false;
		if (d >= base || d > max || r > (max - d) / base)
			return false;
		r = r * base + d;
	}
	*v = r;
	return true;
}

/* Length of a value token: up to ',' ')' '/' or the end. */
static size_t token_len(const struct wft_odp_cur *c, const char *stops)
{
	return strcspn(c->s + c->pos, stops);
}

int wft_odp_parse_uint(struct wft_odp_cur *c, const char *ctx, uint64_t max,
		       uint64_t *v)
{
	size_t n = token_len(c, ",)/( \t");

	if (!num_from(c->s + c->pos, n, max, v))
		return wft_odp_fail_token(c, c->pos, n, ctx, "bad number");
	c->pos += n;
	return 0;
}

size_t wft_odp_vtype_len(enum wft_odp_vtype t)
{
	switch (t) {
	case WFT_VT_U8:
	case WFT_VT_U8X:
	case WFT_VT_FRAG:
		return 1;
	case WFT_VT_BE16:
	case WFT_VT_BE16X:
	case WFT_VT_TCP_FLAGS:
	case WFT_VT_TCI:
	case WFT_VT_U16X:
		return 2;
	case WFT_VT_U32X:
	case WFT_VT_PORT:
	case WFT_VT_LABEL:
	case WFT_VT_IPV4:
	case WFT_VT_CT_STATE:
		return 4;
	case WFT_VT_MAC:
		return 6;
	case WFT_VT_IPV6:
	case WFT_VT_U128:
		return 16;
	}
	return 0;
}

static bool ipv4_from(const char *s, size_t n, uint8_t out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned int v = 0, digits = 0;

		while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 3) {
			v = v * 10 + (unsigned int)(s[i++] - '0');
			digits++;
		}
		if (!digits || v > 255)
			return false;
		out[part] = (uint8_t)v;
		if (part < 3 && (i >= n || s[i++] != '.'))
			return false;
	}
	return i == n;
}

static bool ipv6_from(const char *s, size_t n, uint8_t out[16])
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1;
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool mac_from(const char *s, size_t n, uint8_t out[6])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 6; part++) {
		unsigned int v = 0;
		size_t start = i;

		while (i < n && s[i] != ':')
			i++;
		if (i - start < 1 || i - start > 2)
			return false;
		for (size_t k = start; k < i; k++) {
			int d = hex_value(s[k]);

			if (d < 0)
				return false;
			v = v * 16 + (unsigned int)d;
		}
		out[part] = (uint8_t)v;
		if (part < 5 && (i >= n || s[i++] != ':'))
			return false;
	}
	return i == n;
}

/* A prefix length as a mask of @bytes bytes ("/24" for "/255.255.255.0"). */
static bool prefix_from(const char *s, size_t n, size_t bytes, uint8_t *out)
{
	uint64_t bits;

	if (!n || strspn(s, "0123456789") < n || n > 3)
		return false;
	if (!num_from(s, n, bytes * 8, &bits))
		return false;
	memset(out, 0, bytes);
	for (size_t i = 0; i < bits; i++)
		out[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return true;
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static const char *const frag_names[] = { "no", "first", "later" };

static const char *const tcp_flag_names[12] = {
	"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
	"[200]", "[400]", "[800]",
};

#define TCP_FLAGS_ALL	0x0fffu

/* One flag name at s (of at most n bytes); returns its bit or 0. */
static uint16_t tcp_flag_from(const char *s, size_t n, size_t *used)
{
	for (unsigned int i = 0; i < 12; i++) {
		size_t l = strlen(tcp_flag_names[i]);

		if (l <= n && !memcmp(s, tcp_flag_names[i], l) &&
		    (l == n || s[l] == '|' || s[l] == '+' || s[l] == '-')) {
			*used = l;
			return (uint16_t)(1u << i);
		}
	}
	return 0;
}

/*
 * tcp_flags: "syn|ack" (exact), "+syn-ack" (only the named bits matched),
 * "0x12/0x12" or "0" (numbers).
 */
static bool tcp_flags_from(const char *s, size_t n, uint16_t *key,
			   uint16_t *mask)
{
	const char *slash = memchr(s, '/', n);
	uint64_t k, m;
	size_t i = 0, used;
	uint16_t bit;

	*key = 0;
	*mask = 0;
	if (slash) {
		if (!num_from(s, (size_t)(slash - s), TCP_FLAGS_ALL, &k) ||
		    !num_from(slash + 1, n - (size_t)(slash - s) - 1,
			      TCP_FLAGS_ALL, &m))
			return false;
		*key = (uint16_t)k;
		*mask = (uint16_t)m;
		return true;
	}
	if (n && (s[0] == '+' || s[0] == '-')) {
		while (i < n) {
			bool set = s[i] == '+';

			if (s[i] != '+' && s[i] != '-')
				return false;
			i++;
			bit = tcp_flag_from(s + i, n - i, &used);
			if (!bit || (*mask & bit))
				return false;
			*mask |= bit;
			if (set)
				*key |= bit;
			i += used;
		}
		return true;
	}
	*mask = TCP_FLAGS_ALL;
	if (num_from(s, n, TCP_FLAGS_ALL, &k)) {
		*key = (uint16_t)k;
		return true;
	}
	while (i < n) {
		bit = tcp_flag_from(s + i, n - i, &used);
		if (!bit || s[i + used] == '+' || s[i + used] == '-')
			return false;
		*key |= bit;
		i += used;
		if (i < n) {
			if (s[i] != '|' || i + 1 == n)
				return false;
			i++;
		}
	}
	return n > 0;
}

/* A port name, through the caller's map. */
static bool port_from(const struct wft_odp_port_map *pm, const char *s,
		      size_t n, uint32_t *port)
{
	char name[64];

	if (!pm || !pm->number || n >= sizeof(name))
		return false;
	memcpy(name, s, n);
	name[n] = '\0';
	return !pm->number(pm->aux, name, port);
}

/* Parses one textual value (no mask) of type @t into @out. */
static bool value_from(struct wft_odp_cur *c, enum wft_odp_vtype t,
		       const char *s, size_t n, uint8_t *out, bool is_mask)
{
	uint64_t v;

	switch (t) {
	case WFT_VT_U8:
	case WFT_VT_U8X:
		if (!num_from(s, n, 0xff, &v))
			return false;
		out[0] = (uint8_t)v;
		return true;
	case WFT_VT_FRAG:
		for (unsigned int i = 0; !is_mask && i < 3; i++) {
			if (strlen(frag_names[i]) == n &&
			    !memcmp(s, frag_names[i], n)) {
				out[0] = (uint8_t)i;
				return true;
			}
		}
		if (!num_from(s, n, 0xff, &v))
			return false;
		out[0] = (uint8_t)v;
		return true;
	case WFT_VT_BE16:
	case WFT_VT_BE16X:
	case WFT_VT_TCI:
		if (!num_from(s, n, 0xffff, &v))
			return false;
		put_be16(out, (uint16_t)v);
		return true;
	case WFT_VT_U16X: {
		uint16_t h;

		if (!num_from(s, n, 0xffff, &v))
			return false;
		h = (uint16_t)v;
		memcpy(out, &h, 2);
		return true;
	}
	case WFT_VT_U128:
		return wft_odp_u128_from(s, n, out);
	case WFT_VT_U32X:
	case WFT_VT_PORT: {
		uint32_t u = 0;

		if (num_from(s, n, 0xffffffffu, &v))
			u = (uint32_t)v;
		else if (is_mask || t != WFT_VT_PORT ||
			 !port_from(c->ports, s, n, &u))
			return false;
		memcpy(out, &u, 4);
		return true;
	}
	case WFT_VT_LABEL:
		if (!num_from(s, n, 0xfffff, &v))
			return false;
		put_be32(out, (uint32_t)v);
		return true;
	case WFT_VT_IPV4:
		return ipv4_from(s, n, out) ||
		       (is_mask && prefix_from(s, n, 4, out));
	case WFT_VT_IPV6:
		return ipv6_from(s, n, out) ||
		       (is_mask && prefix_from(s, n, 16, out));
	case WFT_VT_MAC:
		return mac_from(s, n, out);
	case WFT_VT_TCP_FLAGS:
	case WFT_VT_CT_STATE:
		return false;	/* parsed whole by the caller */
	}
	return false;
}

static void full_mask(enum wft_odp_vtype t, uint8_t *mask)
{
	size_t n = wft_odp_vtype_len(t);

	memset(mask, 0xff, n);
	if (t == WFT_VT_LABEL)
		put_be32(mask, 0xfffff);
	else if (t == WFT_VT_TCP_FLAGS)
		put_be16(mask, TCP_FLAGS_ALL);
}

/*
 * Parses "value[/mask]" at the cursor. Without "/mask" the mask is exact.
 * @mask NULL: no mask may be written.
 */
int wft_odp_parse_value(struct wft_odp_cur *c, const char *ctx,
			enum wft_odp_vtype t, uint8_t *key, uint8_t *mask)
{
	size_t start = c->pos, n;

	if (t == WFT_VT_TCP_FLAGS) {
		uint16_t k, m;

		n = token_len(c, ",)");
		if (!tcp_flags_from(c->s + start, n, &k, &m) ||
		    (!mask && m != TCP_FLAGS_ALL))
			return wft_odp_fail_token(c, start, n, ctx,
						  "bad TCP flags");
		put_be16(key, k);
		if (mask)
			put_be16(mask, m);
		c->pos += n;
		return 0;
	}
	if (t == WFT_VT_CT_STATE) {
		uint32_t k, m;

		/* Flags hold '+', '-', '|' and '/': the token ends at ',' ')'. */
		n = token_len(c, ",)");
		if (!wft_odp_ct_state_from(c->s + start, n, &k, &m) ||
		    (!mask && m != UINT32_MAX))
			return wft_odp_fail_token(c, start, n, ctx,
						  "bad ct_state flags");
		memcpy(key, &k, 4);
		if (mask)
			memcpy(mask, &m, 4);
		c->pos += n;
		return 0;
	}
	n = token_len(c, ",)/");
	if (!value_from(c, t, c->s + start, n, key, false))
		return wft_odp_fail_token(c, start, n, ctx, "bad value");
	c->pos += n;
	if (wft_odp_peek(c) != '/') {
		if (mask)
			full_mask(t, mask);
		return 0;
	}
	if (!mask)
		return wft_odp_fail_token(c, c->pos, token_len(c, ",)") , ctx,
					  "a mask is not allowed here:");
	c->pos++;
	start = c->pos;
	n = token_len(c, ",)/");
	if (!value_from(c, t, c->s + start, n, mask, true))
		return wft_odp_fail_token(c, start, n, ctx, "bad mask");
	c->pos += n;
	return 0;
}

bool wft_odp_mask_is_zero(const uint8_t *m, size_t n)
{
	while (n--)
		if (m[n])
			return false;
	return true;
}

bool wft_odp_mask_is_exact(enum wft_odp_vtype t, const uint8_t *m)
{
	uint8_t full[WFT_ODP_VAL_MAX];
	size_t n = wft_odp_vtype_len(t);

	if (t == WFT_VT_LABEL)
		return (get_be32(m) & 0xfffff) == 0xfffff;
	if (t == WFT_VT_TCP_FLAGS)
		return (get_be16(m) & TCP_FLAGS_ALL) == TCP_FLAGS_ALL;
	full_mask(t, full);
	return !memcmp(m, full, n);
}

/* Whether a key value fits its field (a label or TCP flags is narrower). */
bool wft_odp_value_fits(enum wft_odp_vtype t, const uint8_t *v)
{
	if (t == WFT_VT_LABEL)
		return get_be32(v) <= 0xfffff;
	if (t == WFT_VT_TCP_FLAGS)
		return get_be16(v) <= TCP_FLAGS_ALL;
	return true;
}

void wft_odp_put_hex(struct wft_strbuf *out, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		wft_strbuf_printf(out, "%02x", b[i]);
}

static void format_tcp_flags(struct wft_strbuf *out, uint16_t key,
			     const uint8_t *mask)
{
	uint16_t m = mask ? get_be16(mask) & TCP_FLAGS_ALL : TCP_FLAGS_ALL;
	bool first = true;

	if (m == TCP_FLAGS_ALL) {
		if (key & ~TCP_FLAGS_ALL) {
			wft_strbuf_printf(out, "%#x", key);
			return;
		}
		if (!key)
			wft_strbuf_putc(out, '0');
		for (unsigned int i = 0; i < 12; i++) {
			if (!(key & (1u << i)))
				continue;
			if (!first)
				wft_strbuf_putc(out, '|');
			wft_strbuf_puts(out, tcp_flag_names[i]);
			first = false;
		}
		return;
	}
	if (!m || (key & ~m)) {
		wft_strbuf_printf(out, "%#x/%#x", key, m);
		return;
	}
	for (unsigned int i = 0; i < 12; i++) {
		if (m & (1u << i))
			wft_strbuf_printf(out, "%c%s", key & (1u << i) ? '+' : '-',
					  tcp_flag_names[i]);
	}
}

static void format_one(struct wft_strbuf *out, enum wft_odp_vtype t,
		       const uint8_t *v, bool is_mask,
		       const struct wft_odp_port_map *ports)
{
	char buf[INET6_ADDRSTRLEN];
	uint32_t u;

	switch (t) {
	case WFT_VT_U8:
		if (is_mask)
			wft_strbuf_printf(out, "%#x", v[0]);
		else
			wft_strbuf_printf(out, "%u", v[0]);
		break;
	case WFT_VT_U8X:
		wft_strbuf_printf(out, "%#x", v[0]);
		break;
	case WFT_VT_FRAG:
		if (!is_mask && v[0] < 3)
			wft_strbuf_puts(out, frag_names[v[0]]);
		else
			wft_strbuf_printf(out, "%#x", v[0]);
		break;
	case WFT_VT_BE16:
		if (is_mask)
			wft_strbuf_printf(out, "%#x", get_be16(v));
		else
			wft_strbuf_printf(out, "%u", get_be16(v));
		break;
	case WFT_VT_BE16X:
	case WFT_VT_TCI:
		wft_strbuf_printf(out, "0x%04x", get_be16(v));
		break;
	case WFT_VT_U32X:
	case WFT_VT_CT_STATE:
		memcpy(&u, v, 4);
		wft_strbuf_printf(out, "%#x", u);
		break;
	case WFT_VT_U16X: {
		uint16_t h;

		memcpy(&h, v, 2);
		wft_strbuf_printf(out, "%#x", h);
		break;
	}
	case WFT_VT_U128:
		wft_odp_format_u128(out, v);
		break;
	case WFT_VT_PORT: {
		const char *name = NULL;

		memcpy(&u, v, 4);
		if (!is_mask && ports && ports->name)
			name = ports->name(ports->aux, u);
		if (name)
			wft_strbuf_puts(out, name);
		else
			wft_strbuf_printf(out, is_mask ? "%#x" : "%u", u);
		break;
	}
	case WFT_VT_LABEL:
		/* A mask may have the bits above the label set. */
		wft_strbuf_printf(out, "%#x", get_be32(v) & 0xfffff);
		break;
	case WFT_VT_IPV4:
		wft_strbuf_printf(out, "%u.%u.%u.%u", v[0], v[1], v[2], v[3]);
		break;
	case WFT_VT_IPV6:
		inet_ntop(AF_INET6, v, buf, sizeof(buf));
		wft_strbuf_puts(out, buf);
		break;
	case WFT_VT_MAC:
		wft_strbuf_printf(out, "%02x:%02x:%02x:%02x:%02x:%02x",
				  v[0], v[1], v[2], v[3], v[4], v[5]);
		break;
	case WFT_VT_TCP_FLAGS:
		wft_strbuf_printf(out, "%#x", get_be16(v));
		break;
	}
}

/* Prints "value" or "value/mask"; @mask NULL or exact prints no mask. */
void wft_odp_format_value(struct wft_strbuf *out, enum wft_odp_vtype t,
			  const uint8_t *key, const uint8_t *mask,
			  const struct wft_odp_port_map *ports)
{
	if (t == WFT_VT_TCP_FLAGS) {
		format_tcp_flags(out, get_be16(key), mask);
		return;
	}
	if (t == WFT_VT_CT_STATE) {
		uint32_t k, m = UINT32_MAX;

		memcpy(&k, key, 4);
		if (mask)
			memcpy(&m, mask, 4);
		wft_odp_format_ct_state(out, k, m);
		return;
	}
	if (mask && !wft_odp_mask_is_exact(t, mask)) {
		format_one(out, t, key, false, NULL);
		wft_strbuf_putc(out, '/');
		format_one(out, t, mask, true, NULL);
		return;
	}
	format_one(out, t, key, false, ports);
}

void wft_odp_iter_init(struct wft_odp_iter *it, const void *p, size_t len)
{
	it->p = p;
	it->left = p ? len : 0;
}

int wft_odp_iter_next(struct wft_odp_iter *it, struct wft_odp_attr *a)
{
	struct nlattr nla;
	size_t step;

	if (!it->left)
		return 0;
	if (it->left < NLA_HDRLEN)
		return -1;
	memcpy(&nla, it->p, sizeof(nla));
	if (nla.nla_len < NLA_HDRLEN || nla.nla_len > it->left)
		return -1;
	a->type = nla.nla_type & NLA_TYPE_MASK;
	a->data = it->p + NLA_HDRLEN;
	a->len = nla.nla_len - NLA_HDRLEN;
	step = NLA_ALIGN(nla.nla_len);
	if (step > it->left)
		step = it->left;
	it->p += step;
	it->left -= step;
	return 1;
}
