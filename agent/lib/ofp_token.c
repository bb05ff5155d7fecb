// SPDX-License-Identifier: GPL-2.0
/*
 * Splitting ovs-ofctl flow text into tokens, and the numbers and ports in
 * it. The split follows ovs-ofctl: separators are commas and white space,
 * a key ends at '=', ':' or '(', a value after '='/':' ends at a separator
 * outside parentheses, a value after '(' at its matching ')'.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp_private.h"

int ofp_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

#define SEPARATORS ", \t\r\n"

/* Length of a value ending at one of @delims, skipping parenthesized
 * groups; -1 if a '(' is never closed. */
static long value_len(const char *s, const char *delims)
{
	size_t n = 0;
	int level;

	while (s[n] && !strchr(delims, s[n])) {
		if (s[n] != '(') {
			n++;
			continue;
		}
		level = 0;
		do {
			if (!s[n])
				return -1;
			if (s[n] == '(')
				level++;
			else if (s[n] == ')')
				level--;
			n++;
		} while (level > 0);
	}
	return (long)n;
}

int ofp_next_token(const char **sp, struct ofp_token *t, char *err,
		   size_t errlen)
{
	const char *s = *sp + strspn(*sp, SEPARATORS);
	long n;

	memset(t, 0, sizeof(*t));
	t->value = "";
	if (!*s) {
		*sp = s;
		return 0;
	}
	t->key = s;
	t->key_len = strcspn(s, ":=(" SEPARATORS);
	s += t->key_len;
	if (*s != ':' && *s != '=' && *s != '(') {
		*sp = s;
		return 1;
	}
	t->delim = *s++;
	n = value_len(s, t->delim == '(' ? ")" : SEPARATORS);
	if (n < 0 || (t->delim == '(' && s[n] != ')'))
		return ofp_err(err, errlen, "%.*s: missing ')'",
			       (int)t->key_len, t->key);
	t->value = s;
	t->value_len = (size_t)n;
	s += n;
	if (t->delim == '(')
		s++;
	/* OVS's one action with a destination after its parentheses. */
	if (t->delim == '(' && s[0] == '-' && s[1] == '>' &&
	    t->key_len == 16 && !strncasecmp(t->key, "check_pkt_larger", 16)) {
		t->tail = s + 2;
		t->tail_len = strcspn(t->tail, SEPARATORS);
		s = t->tail + t->tail_len;
	}
	if (t->delim == '(' && *s && !strchr(SEPARATORS, *s))
		return ofp_err(err, errlen, "%.*s(...): unexpected \"%c\" "
			       "after ')'", (int)t->key_len, t->key, *s);
	*sp = s;
	return 1;
}

bool ofp_token_is(const struct ofp_token *t, const char *keyword)
{
	return strlen(keyword) == t->key_len &&
	       !strncmp(t->key, keyword, t->key_len);
}

/* A copy of @s[0..len) in @buf, or NULL if it does not fit. */
static const char *bounded(const char *s, size_t len, char *buf, size_t size)
{
	if (len >= size)
		return NULL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

static int parse_base(const char *s, size_t len, int base, uint64_t max,
		      uint64_t *v)
{
	char buf[64], *end;
	const char *p = bounded(s, len, buf, sizeof(buf));
	unsigned long long n;

	if (!p || !len || p[0] < '0' || p[0] > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(p, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || n > max)
		return -ERANGE;
	*v = n;
	return 0;
}

int ofp_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	return parse_base(s, len, 0, max, v);
}

int ofp_parse_dec(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	return parse_base(s, len, 10, max, v);
}

static const struct {
	const char *name;
	uint32_t port;
} port_names[] = {
	{ "IN_PORT", WFT_OFPP_IN_PORT },
	{ "TABLE", WFT_OFPP_TABLE },
	{ "NORMAL", WFT_OFPP_NORMAL },
	{ "FLOOD", WFT_OFPP_FLOOD },
	{ "ALL", WFT_OFPP_ALL },
	{ "CONTROLLER", WFT_OFPP_CONTROLLER },
	{ "LOCAL", WFT_OFPP_LOCAL },
	{ "ANY", WFT_OFPP_ANY },
	{ "NONE", WFT_OFPP_ANY },	/* OpenFlow 1.0's name for ANY */
	{ "UNSET", WFT_OFPP_UNSET },
};

/* The caller's port names (weftd's RPC handlers set them around a parse
 * or a dump of one bridge's flows); per thread, so handler threads and
 * tools never see another thread's. */
static __thread const struct wft_ofp_port_names *names_tl;

const struct wft_ofp_port_names *
wft_ofp_port_names_set(const struct wft_ofp_port_names *names)
{
	const struct wft_ofp_port_names *old = names_tl;

	names_tl = names;
	return old;
}

static int port_by_name(const char *s, size_t len, uint32_t *port)
{
	if (!names_tl || !names_tl->number || !len)
		return -EINVAL;
	if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
		s++;
		len -= 2;
	}
	return names_tl->number(names_tl->aux, s, len, port) ? -EINVAL : 0;
}

int wft_ofp_port_parse(const char *s, size_t len, uint32_t *port)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(port_names) / sizeof(port_names[0]); i++)
		if (strlen(port_names[i].name) == len &&
		    !strncasecmp(s, port_names[i].name, len)) {
			*port = port_names[i].port;
			return 0;
		}
	if (ofp_parse_dec(s, len, UINT32_MAX, &v))
		return port_by_name(s, len, port);
	/* OpenFlow 1.0 numbers the reserved ports 0xff00..0xffff; weft
	 * knows the named ones (0xfff7..) and no others. */
	if (v >= 0xfff7 && v <= 0xffff)
		v |= 0xffff0000u;
	else if (v >= 0xff00 && v < WFT_OFPP_MAX)
		return -ERANGE;
	*port = (uint32_t)v;
	return 0;
}

/* As ovs-ofctl decides: a name that could be read as something else
 * (a number, a sign, punctuation of the flow syntax) goes in quotes. */
static bool name_needs_quotes(const char *name)
{
	const char *p;

	if (*name == '-' || *name == '+' || (*name >= '0' && *name <= '9'))
		return true;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.')
			return true;
	return false;
}

void wft_ofp_port_format(uint32_t port, struct wft_strbuf *sb)
{
	const char *name;
	size_t i;

	for (i = 0; i < sizeof(port_names) / sizeof(port_names[0]); i++)
		if (port_names[i].port == port) {
			wft_strbuf_puts(sb, port_names[i].name);
			return;
		}
	name = names_tl && names_tl->name ? names_tl->name(names_tl->aux, port)
					  : NULL;
	if (!name)
		wft_strbuf_printf(sb, "%u", port);
	else if (name_needs_quotes(name))
		wft_strbuf_printf(sb, "\"%s\"", name);
	else
		wft_strbuf_puts(sb, name);
}
