// SPDX-License-Identifier: GPL-2.0
/*
 * The lexer for OVN's logical-flow language (include/weft/lex.h).
 *
 * The one subtle part is telling numbers from identifiers: an IPv6
 * address may start with a hex letter ("fe80::1") and an IPv4 address
 * with digits and dots, while ".." (a bit range, "reg0[0..15]") and ":"
 * (an address and port, "10.0.0.1:80") must stay tokens of their own. So a
 * run of hex digits, colons and dots is taken as a MAC or an IPv6
 * address only when it parses as one; otherwise an IPv4 address is four
 * dotted decimal groups, then hex, then decimal.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "weft/lex.h"

static void lex_error(struct wft_lexer *lx, const char *at, const char *fmt,
		      ...)
{
	struct wft_lex_token *t = &lx->tok;
	va_list ap;
	int n;

	t->type = WFT_LEX_ERROR;
	n = snprintf(t->text, sizeof(t->text), "column %zu: ",
		     (size_t)(at - lx->input) + 1);
	va_start(ap, fmt);
	vsnprintf(t->text + n, sizeof(t->text) - n, fmt, ap);
	va_end(ap);
}

static bool is_id1(int c)
{
	return isalpha(c) || c == '_';
}

static bool is_idn(int c)
{
	return isalnum(c) || c == '_' || c == '.';
}

static wft_u128 bytes_to_u128(const unsigned char *b, size_t n)
{
	wft_u128 v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = (v << 8) | b[i];
	return v;
}

/* A MAC "xx:xx:xx:xx:xx:xx" at @p (exactly, not followed by more hex or
 * colons); stores it and returns its end, or NULL. */
static const char *scan_mac(const char *p, wft_u128 *v)
{
	unsigned char b[6];
	int i;

	for (i = 0; i < 6; i++) {
		const char *q = p + 3 * i;

		if (!isxdigit((unsigned char)q[0]) ||
		    !isxdigit((unsigned char)q[1]) ||
		    (i < 5 && q[2] != ':'))
			return NULL;
		sscanf(q, "%2hhx", &b[i]);
	}
	p += 17;
	if (isxdigit((unsigned char)*p) || *p == ':' || *p == '.')
		return NULL;
	*v = bytes_to_u128(b, 6);
	return p;
}

/* An IPv6 address: the run of hex digits, ':' and '.' at @p when it has
 * two colons or more and inet_pton() takes it. */
static const char *scan_ipv6(const char *p, wft_u128 *v)
{
	size_t n = strspn(p, "0123456789abcdefABCDEF:.");
	unsigned char b[16];
	char buf[64];
	size_t i, colons = 0;

	for (i = 0; i < n; i++)
		colons += p[i] == ':';
	if (colons < 2 || n >= sizeof(buf))
		return NULL;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, b) != 1)
		return NULL;
	*v = bytes_to_u128(b, 16);
	return p + n;
}

/* Four dotted decimal groups, each 0..255, not followed by a dot. */
static const char *scan_ipv4(const char *p, wft_u128 *v)
{
	uint32_t addr = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int g = 0, nd = 0;

		if (i && *p++ != '.')
			return NULL;
		while (isdigit((unsigned char)*p) && nd < 4) {
			g = g * 10 + (*p++ - '0');
			nd++;
		}
		if (!nd || nd > 3 || g > 255)
			return NULL;
		addr = (addr << 8) | g;
	}
	if (*p == '.' && p[1] != '.')
		return NULL;
	*v = addr;
	return p;
}

/* One integer of any format at @p; NULL (with the error set) if none. */
static const char *scan_number(struct wft_lexer *lx, const char *p,
			       wft_u128 *v, enum wft_lex_format *fmt)
{
	const char *end;

	if ((end = scan_mac(p, v))) {
		*fmt = WFT_LEX_ETHERNET;
		return end;
	}
	if ((end = scan_ipv6(p, v))) {
		*fmt = WFT_LEX_IPV6;
		return end;
	}
	if ((end = scan_ipv4(p, v))) {
		*fmt = WFT_LEX_IPV4;
		return end;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		const char *q = p + 2;
		wft_u128 x = 0;

		if (!isxdigit((unsigned char)*q)) {
			lex_error(lx, p, "hex constant has no digits");
			return NULL;
		}
		for (; isxdigit((unsigned char)*q); q++) {
			if (x >> 124) {
				lex_error(lx, p, "hex constant wider than 128 bits");
				return NULL;
			}
			x = (x << 4) | (isdigit((unsigned char)*q) ? *q - '0' :
					(tolower((unsigned char)*q) - 'a' + 10));
		}
		*v = x;
		*fmt = WFT_LEX_HEX;
		return q;
	}
	if (isdigit((unsigned char)*p)) {
		wft_u128 x = 0;

		for (; isdigit((unsigned char)*p); p++) {
			wft_u128 nx = x * 10 + (*p - '0');

			if (nx / 10 != x) {
				lex_error(lx, p, "decimal constant too large");
				return NULL;
			}
			x = nx;
		}
		*v = x;
		*fmt = WFT_LEX_DECIMAL;
		return p;
	}
	lex_error(lx, p, "expected a number or an address");
	return NULL;
}

static unsigned int format_width(enum wft_lex_format fmt)
{
	return fmt == WFT_LEX_IPV4 ? 32 : fmt == WFT_LEX_IPV6 ? 128 : 48;
}

/* The integer token at @p, with an optional /MASK or /PREFIX. */
static const char *lex_integer(struct wft_lexer *lx, const char *p)
{
	struct wft_lex_token *t = &lx->tok;
	enum wft_lex_format mfmt;
	const char *start = p;
	wft_u128 m;

	p = scan_number(lx, p, &t->value, &t->format);
	if (!p)
		return NULL;
	t->type = WFT_LEX_INT;
	t->mask = ~(wft_u128)0;
	t->masked = false;
	if (*p != '/')
		return p;
	p = scan_number(lx, p + 1, &m, &mfmt);
	if (!p)
		return NULL;
	if (mfmt == WFT_LEX_DECIMAL &&
	    (t->format == WFT_LEX_IPV4 || t->format == WFT_LEX_IPV6 ||
	     t->format == WFT_LEX_ETHERNET)) {
		unsigned int w = format_width(t->format);

		if (m > w) {
			lex_error(lx, start, "prefix length %u exceeds %u",
				  (unsigned int)m, w);
			return NULL;
		}
		m = wft_u128_low_bits(w) & ~wft_u128_low_bits(w - (unsigned)m);
	}
	if (t->value & ~m) {
		lex_error(lx, start, "value has bits set outside its mask");
		return NULL;
	}
	t->mask = m;
	t->masked = true;
	return p;
}

static const char *lex_string(struct wft_lexer *lx, const char *p)
{
	struct wft_lex_token *t = &lx->tok;
	const char *start = p++;
	size_t n = 0;

	for (;;) {
		char c = *p++;

		if (c == '\0') {
			lex_error(lx, start, "unterminated string");
			return NULL;
		}
		if (c == '"')
			break;
		if (c == '\\') {
			c = *p++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c != '"' && c != '\\') {
				lex_error(lx, p - 2, "bad escape in string");
				return NULL;
			}
		}
		if (n + 1 >= sizeof(t->text)) {
			lex_error(lx, start, "string too long");
			return NULL;
		}
		t->text[n++] = c;
	}
	t->text[n] = '\0';
	t->type = WFT_LEX_STRING;
	return p;
}

static const char *lex_name(struct wft_lexer *lx, const char *p,
			    enum wft_lex_type type)
{
	struct wft_lex_token *t = &lx->tok;
	const char *start = p;
	size_t n;

	if (type != WFT_LEX_ID)
		p++;
	if (!is_id1((unsigned char)*p)) {
		lex_error(lx, start, "'%c' must be followed by a name", *start);
		return NULL;
	}
	n = 1;
	while (is_idn((unsigned char)p[n]))
		n++;
	/* "reg0[0..15]" never reaches here with dots; but "a.." would. */
	while (n && p[n - 1] == '.')
		n--;
	if (n >= sizeof(t->text)) {
		lex_error(lx, start, "name too long");
		return NULL;
	}
	memcpy(t->text, p, n);
	t->text[n] = '\0';
	t->type = type;
	return p + n;
}

/* Whether the hex-letter word at @p is really an address ("fe80::1",
 * "ff:ff:ff:ff:ff:ff"). */
static bool hex_word_is_number(const char *p)
{
	wft_u128 v;

	return scan_mac(p, &v) || scan_ipv6(p, &v);
}

static const char *lex_op(struct wft_lexer *lx, const char *p)
{
	static const struct {
		const char *s;
		enum wft_lex_type type;
	} ops[] = {
		{ "<->", WFT_LEX_EXCHANGE }, { "==", WFT_LEX_EQ },
		{ "!=", WFT_LEX_NE }, { "<=", WFT_LEX_LE }, { ">=", WFT_LEX_GE },
		{ "&&", WFT_LEX_AND }, { "||", WFT_LEX_OR },
		{ "..", WFT_LEX_ELLIPSIS }, { "--", WFT_LEX_DECREMENT },
		{ "<", WFT_LEX_LT }, { ">", WFT_LEX_GT }, { "!", WFT_LEX_NOT },
		{ "(", WFT_LEX_LPAREN }, { ")", WFT_LEX_RPAREN },
		{ "{", WFT_LEX_LCURLY }, { "}", WFT_LEX_RCURLY },
		{ "[", WFT_LEX_LSQUARE }, { "]", WFT_LEX_RSQUARE },
		{ ",", WFT_LEX_COMMA }, { ";", WFT_LEX_SEMICOLON },
		{ ":", WFT_LEX_COLON }, { "=", WFT_LEX_EQUALS },
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].s);

		if (!strncmp(p, ops[i].s, n)) {
			lx->tok.type = ops[i].type;
			return p + n;
		}
	}
	lex_error(lx, p, "unexpected character '%c'", *p);
	return NULL;
}

enum wft_lex_type wft_lexer_next(struct wft_lexer *lx)
{
	struct wft_lex_token *t = &lx->tok;
	const char *p = lx->p;
	const char *end;

	if (t->type == WFT_LEX_ERROR)
		return t->type;
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (p[0] == '/' && p[1] == '*') {
			const char *c = strstr(p + 2, "*/");

			if (!c) {
				lex_error(lx, p, "unterminated comment");
				return t->type;
			}
			p = c + 2;
			continue;
		}
		break;
	}
	t->pos = p - lx->input;
	t->text[0] = '\0';
	if (!*p) {
		t->type = WFT_LEX_END;
		return t->type;
	}
	if (isdigit((unsigned char)*p) ||
	    (p[0] == ':' && p[1] == ':') ||
	    (isxdigit((unsigned char)*p) && hex_word_is_number(p)))
		end = lex_integer(lx, p);
	else if (is_id1((unsigned char)*p))
		end = lex_name(lx, p, WFT_LEX_ID);
	else if (*p == '"')
		end = lex_string(lx, p);
	else if (*p == '$')
		end = lex_name(lx, p, WFT_LEX_ADDR_SET);
	else if (*p == '@')
		end = lex_name(lx, p, WFT_LEX_PORT_GROUP);
	else
		end = lex_op(lx, p);
	if (end)
		lx->p = end;
	return t->type;
}

void wft_lexer_init(struct wft_lexer *lx, const char *s)
{
	memset(lx, 0, sizeof(*lx));
	lx->input = s;
	lx->p = s;
	lx->tok.type = WFT_LEX_END;
	wft_lexer_next(lx);
}

bool wft_lexer_match(struct wft_lexer *lx, enum wft_lex_type type)
{
	if (lx->tok.type != type)
		return false;
	wft_lexer_next(lx);
	return true;
}

bool wft_lexer_is_id(const struct wft_lexer *lx, const char *id)
{
	return lx->tok.type == WFT_LEX_ID && !strcmp(lx->tok.text, id);
}

const char *wft_lex_type_name(enum wft_lex_type type)
{
	static const char *const names[] = {
		[WFT_LEX_END] = "end of input", [WFT_LEX_ERROR] = "error",
		[WFT_LEX_ID] = "an identifier", [WFT_LEX_INT] = "a constant",
		[WFT_LEX_STRING] = "a string",
		[WFT_LEX_ADDR_SET] = "an address set",
		[WFT_LEX_PORT_GROUP] = "a port group",
		[WFT_LEX_LPAREN] = "'('", [WFT_LEX_RPAREN] = "')'",
		[WFT_LEX_LCURLY] = "'{'", [WFT_LEX_RCURLY] = "'}'",
		[WFT_LEX_LSQUARE] = "'['", [WFT_LEX_RSQUARE] = "']'",
		[WFT_LEX_EQ] = "'=='", [WFT_LEX_NE] = "'!='",
		[WFT_LEX_LT] = "'<'", [WFT_LEX_LE] = "'<='",
		[WFT_LEX_GT] = "'>'", [WFT_LEX_GE] = "'>='",
		[WFT_LEX_NOT] = "'!'", [WFT_LEX_AND] = "'&&'",
		[WFT_LEX_OR] = "'||'", [WFT_LEX_ELLIPSIS] = "'..'",
		[WFT_LEX_COMMA] = "','", [WFT_LEX_SEMICOLON] = "';'",
		[WFT_LEX_COLON] = "':'", [WFT_LEX_EQUALS] = "'='",
		[WFT_LEX_EXCHANGE] = "'<->'", [WFT_LEX_DECREMENT] = "'--'",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ?
	       names[type] : "a token";
}

void wft_lexer_verror(const struct wft_lexer *lx, char *err, size_t errlen,
		      const char *fmt, va_list ap)
{
	int n;

	if (lx->tok.type == WFT_LEX_ERROR) {
		snprintf(err, errlen, "%s", lx->tok.text);
		return;
	}
	n = snprintf(err, errlen, "column %zu: ", lx->tok.pos + 1);
	if (n < 0 || (size_t)n >= errlen)
		return;
	vsnprintf(err + n, errlen - n, fmt, ap);
}
