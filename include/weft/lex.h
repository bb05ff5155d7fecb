/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lexer for OVN's logical-flow language (Logical_Flow match and actions
 * columns): identifiers with dots ("ip4.src", "ct_label.blocked"),
 * integers in decimal or hex, IPv4/IPv6 addresses and MAC addresses, each
 * optionally with /MASK (or /PREFIX for addresses), quoted strings,
 * $address_set and @port_group references, and the operators
 *   == != < <= > >= ! && || , ; = <-> -- { } ( ) [ ] .. :
 * Comments (C style) are skipped. Values are up to 128 bits, kept in an
 * unsigned __int128 (the widest OVN field, xxreg0 or ip6.src, is 128).
 *
 * On a bad token the lexer yields WFT_LEX_ERROR with a message naming the
 * column (1-based) in tok.text.
 */
#ifndef WEFT_LEX_H
#define WEFT_LEX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef unsigned __int128 wft_u128;

enum wft_lex_type {
	WFT_LEX_END,
	WFT_LEX_ERROR,		/* text: the message */
	WFT_LEX_ID,		/* text: the identifier */
	WFT_LEX_INT,		/* value, mask (masked), format */
	WFT_LEX_STRING,		/* text: the unescaped string */
	WFT_LEX_ADDR_SET,	/* $name; text: name */
	WFT_LEX_PORT_GROUP,	/* @name; text: name */
	WFT_LEX_LPAREN, WFT_LEX_RPAREN,
	WFT_LEX_LCURLY, WFT_LEX_RCURLY,
	WFT_LEX_LSQUARE, WFT_LEX_RSQUARE,
	WFT_LEX_EQ, WFT_LEX_NE, WFT_LEX_LT, WFT_LEX_LE, WFT_LEX_GT, WFT_LEX_GE,
	WFT_LEX_NOT, WFT_LEX_AND, WFT_LEX_OR,
	WFT_LEX_ELLIPSIS,	/* .. */
	WFT_LEX_COMMA, WFT_LEX_SEMICOLON, WFT_LEX_COLON,
	WFT_LEX_EQUALS,		/* = */
	WFT_LEX_EXCHANGE,	/* <-> */
	WFT_LEX_DECREMENT,	/* -- */
};

/* How an integer was written: decides which fields it may be compared
 * with (an IPv4 address fits ip4.src, not eth.src) and how it prints. */
enum wft_lex_format {
	WFT_LEX_DECIMAL,
	WFT_LEX_HEX,
	WFT_LEX_IPV4,
	WFT_LEX_IPV6,
	WFT_LEX_ETHERNET,
};

#define WFT_LEX_TEXT_MAX 256

struct wft_lex_token {
	enum wft_lex_type type;
	size_t pos;			/* offset of the token in the input */
	char text[WFT_LEX_TEXT_MAX];
	wft_u128 value;
	wft_u128 mask;			/* all ones unless masked */
	bool masked;			/* "/MASK" or "/PREFIX" was given */
	enum wft_lex_format format;
};

struct wft_lexer {
	const char *input;
	const char *p;
	struct wft_lex_token tok;	/* the current token */
};

/* Starts lexing @s (which must outlive the lexer) and reads the first
 * token into lx->tok. */
void wft_lexer_init(struct wft_lexer *lx, const char *s);
/* Reads the next token into lx->tok and returns its type; after END or
 * ERROR it keeps returning that. */
enum wft_lex_type wft_lexer_next(struct wft_lexer *lx);
/* If the current token is @type, consumes it and returns true. */
bool wft_lexer_match(struct wft_lexer *lx, enum wft_lex_type type);
/* Whether the current token is the identifier @id. */
bool wft_lexer_is_id(const struct wft_lexer *lx, const char *id);
/* A name for a token type, for messages: "'&&'", "an identifier". */
const char *wft_lex_type_name(enum wft_lex_type type);

/* A parser's error message at the current token: the lexer's own error
 * when the token is one, else "column N: " and FMT. Both the match and the
 * action parsers report through it. */
void wft_lexer_verror(const struct wft_lexer *lx, char *err, size_t errlen,
		      const char *fmt, va_list ap);

/* All ones in the low @n bits (n <= 128). */
static inline wft_u128 wft_u128_low_bits(unsigned int n)
{
	return n >= 128 ? ~(wft_u128)0 : (((wft_u128)1 << n) - 1);
}

#endif /* WEFT_LEX_H */
