// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing the OVSDB text notation of ovs-vsctl arguments into atoms and
 * data: "string" or bare words, integers and integer ranges (1-3), [set],
 * {map=pairs}. Error messages follow ovs-vsctl's wording so that scripts
 * and people see what they are used to.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/conf.h"
#include "weft/util.h"

#define MAX_RANGE	65536

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static bool parse_int(const char *s, int64_t *v)
{
	char *end;
	long long x;

	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return false;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || *end || end == s)
		return false;
	*v = x;
	return true;
}

/* Converts the text of one atom to @base's type. */
static int convert(const char *s, const struct wft_base *base,
		   union wft_atom *a, struct wft_strbuf *err)
{
	memset(a, 0, sizeof(*a));
	switch (base->type) {
	case WFT_AT_STRING:
		a->s = wft_xstrdup(s);
		return 0;
	case WFT_AT_INTEGER:
		if (parse_int(s, &a->i))
			return 0;
		wft_strbuf_printf(err, "\"%s\" is not a valid integer or range",
				  s);
		return -EINVAL;
	case WFT_AT_BOOLEAN:
		if (!strcmp(s, "true") || !strcmp(s, "false")) {
			a->b = !strcmp(s, "true");
			return 0;
		}
		wft_strbuf_printf(err, "\"%s\" is not a valid boolean (use "
				  "\"true\" or \"false\")", s);
		return -EINVAL;
	case WFT_AT_UUID:
		if (wft_uuid_parse(s, &a->u))
			return 0;
		wft_strbuf_printf(err, "\"%s\" is not a valid UUID", s);
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

/* The end of the quoted string starting at @p (on the closing quote), or
 * NULL when it does not end. */
static const char *quote_end(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '"')
			return p;
	}
	return NULL;
}

/* Decodes the JSON string literal [p, end]; malloc()ed, NULL if bad. */
static char *unquote(const char *p, const char *end)
{
	json_t *j = json_loadb(p, end - p + 1, JSON_DECODE_ANY, NULL);
	char *s = json_is_string(j) ? wft_xstrdup(json_string_value(j)) : NULL;

	json_decref(j);
	return s;
}

int wft_atom_parse_token(const char **sp, const char *delims,
			 const struct wft_base *base, union wft_atom *a,
			 struct wft_strbuf *err)
{
	const char *p = *sp, *end;
	char *text;
	int ret;

	if (*p == '"') {
		end = quote_end(p);
		if (!end) {
			wft_strbuf_printf(err, "%s: quoted string extends past "
					  "end of argument", p);
			return -EINVAL;
		}
		text = unquote(p, end);
		if (!text) {
			wft_strbuf_printf(err, "%.*s: invalid quoted string",
					  (int)(end - p + 1), p);
			return -EINVAL;
		}
		*sp = end + 1;
	} else {
		end = p + strcspn(p, delims);
		if (end == p) {
			if (*p)
				wft_strbuf_printf(err, "unexpected \"%c\"", *p);
			else
				wft_strbuf_puts(err, "An empty string is not "
						"valid as input; use \"\" to "
						"represent the empty string");
			return -EINVAL;
		}
		text = wft_xmemdup(p, end - p + 1);
		text[end - p] = '\0';
		*sp = end;
	}
	ret = convert(text, base, a, err);
	free(text);
	return ret;
}

int wft_atom_parse_whole(const char *s, const struct wft_base *base,
			 union wft_atom *a, struct wft_strbuf *err)
{
	const char *end;
	char *text;
	int ret;

	if (*s != '"')
		return convert(s, base, a, err);
	end = quote_end(s);
	if (!end || end[1]) {
		wft_strbuf_printf(err, "%s: missing quote at end of quoted "
				  "string", s);
		return -EINVAL;
	}
	text = unquote(s, end);
	if (!text) {
		wft_strbuf_printf(err, "%s: invalid quoted string", s);
		return -EINVAL;
	}
	ret = convert(text, base, a, err);
	free(text);
	return ret;
}

/* An integer token that is a range "LO-HI": appends every value. */
static int parse_range(const char **pp, const char *delims,
		       const struct wft_column *c, struct wft_datum *d,
		       struct wft_strbuf *err, bool *done)
{
	const char *p = *pp, *end = p + strcspn(p, delims), *dash;
	union wft_atom a;
	int64_t lo, hi, v;
	char *text;

	*done = false;
	dash = memchr(p + 1, '-', end > p ? end - p - 1 : 0);
	if (c->key.type != WFT_AT_INTEGER || *p == '"' || !dash)
		return 0;
	text = wft_xmemdup(p, end - p + 1);
	text[end - p] = '\0';
	text[dash - p] = '\0';
	if (!parse_int(text, &lo) || !parse_int(text + (dash - p) + 1, &hi)) {
		text[dash - p] = '-';
		wft_strbuf_printf(err, "\"%s\" is not a valid integer or range",
				  text);
		free(text);
		return -EINVAL;
	}
	text[dash - p] = '-';
	if (c->key.has_range && hi >= lo && (lo < c->key.min ||
					    hi > c->key.max)) {
		wft_strbuf_printf(err, "constraint violation: %lld is not in "
				  "the valid range %lld to %lld (inclusive)",
				  (long long)(hi > c->key.max ? hi : lo),
				  (long long)c->key.min, (long long)c->key.max);
		free(text);
		return -EINVAL;
	}
	if (hi < lo || hi - lo >= MAX_RANGE) {
		wft_strbuf_printf(err, "\"%s\" is not a valid range. %s", text,
				  hi < lo ? "Range end cannot be before start."
					  : "Range is too large.");
		free(text);
		return -EINVAL;
	}
	free(text);
	for (v = lo; v <= hi; v++) {
		a.i = v;
		wft_datum_append(d, &a, NULL, c);
	}
	*pp = end;
	*done = true;
	return 0;
}

/* One element: KEY, or KEY=VALUE for maps. */
static int parse_element(const char **pp, const struct wft_column *c,
			 struct wft_datum *d, struct wft_strbuf *err)
{
	static const char set_delims[] = ",]}[{= \t\r\n";
	bool map = wft_column_is_map(c), done;
	union wft_atom k, v;
	int ret;

	if (!map) {
		ret = parse_range(pp, set_delims, c, d, err, &done);
		if (ret || done)
			return ret;
	}
	ret = wft_atom_parse_token(pp, set_delims, &c->key, &k, err);
	if (ret)
		return ret;
	if (map) {
		*pp = skip_ws(*pp);
		if (**pp != '=') {
			wft_strbuf_printf(err, "missing \"=\" after map key");
			wft_atom_destroy(&k, c->key.type);
			return -EINVAL;
		}
		*pp = skip_ws(*pp + 1);
		ret = wft_atom_parse_token(pp, set_delims, &c->value, &v, err);
		if (ret) {
			wft_atom_destroy(&k, c->key.type);
			return ret;
		}
	}
	wft_datum_append(d, &k, map ? &v : NULL, c);
	wft_atom_destroy(&k, c->key.type);
	if (map)
		wft_atom_destroy(&v, c->value.type);
	return 0;
}

static int parse_elements(const char *s, const struct wft_column *c,
			  struct wft_datum *d, struct wft_strbuf *err)
{
	bool map = wft_column_is_map(c);
	const char *p = skip_ws(s);
	bool closed = false;
	char close = 0;

	if (*p == (map ? '{' : '[')) {
		close = map ? '}' : ']';
		p++;
	}
	for (;;) {
		p = skip_ws(p);
		if (close && *p == close) {
			p = skip_ws(p + 1);
			closed = true;
			break;
		}
		if (!*p)
			break;
		if (d->n && *p == ',')
			p = skip_ws(p + 1);
		if (parse_element(&p, c, d, err))
			return -EINVAL;
	}
	if (close && !closed) {
		wft_strbuf_printf(err, "missing \"%c\" at end of data", close);
		return -EINVAL;
	}
	if (*p) {
		wft_strbuf_printf(err, "unexpected \"%c\" after data", *p);
		return -EINVAL;
	}
	return 0;
}

/* Prefixes @err's message with "@s: " and, for "unexpected" ones, the
 * type being parsed, as ovs-vsctl does. */
static void prefix_error(const char *s, const struct wft_column *c,
			 struct wft_strbuf *err, size_t mark)
{
	struct wft_strbuf msg = WFT_STRBUF_INIT;

	wft_strbuf_puts(&msg, wft_strbuf_cstr(err) + mark);
	wft_strbuf_truncate(err, mark);
	if (!strncmp(wft_strbuf_cstr(&msg), "\"", 1) ||
	    !strncmp(wft_strbuf_cstr(&msg), "An empty", 8) ||
	    !strncmp(wft_strbuf_cstr(&msg), "constraint", 10)) {
		wft_strbuf_puts(err, wft_strbuf_cstr(&msg));
	} else {
		wft_strbuf_printf(err, "%s: %s", s, wft_strbuf_cstr(&msg));
		if (!strncmp(wft_strbuf_cstr(&msg), "unexpected \"", 12)) {
			wft_strbuf_puts(err, " parsing ");
			wft_column_describe(c, err);
		}
	}
	wft_strbuf_free(&msg);
}

static int check_atoms(const struct wft_datum *d, const struct wft_column *c,
		       struct wft_strbuf *err)
{
	struct wft_column any = *c;

	/* Counts are checked by the caller, with its own wording. */
	any.n_min = 0;
	any.n_max = UINT_MAX;
	return wft_datum_check(d, &any, err);
}

int wft_datum_parse(const char *s, const struct wft_column *c,
		    unsigned int n_max_override, struct wft_datum *d,
		    struct wft_strbuf *err)
{
	unsigned int n_max = n_max_override ? n_max_override : c->n_max;
	size_t mark = err->len;

	wft_datum_init(d);
	if (parse_elements(s, c, d, err)) {
		prefix_error(s, c, err, mark);
		goto fail;
	}
	if (wft_datum_sort(d, c)) {
		wft_strbuf_printf(err, "%s: %s contains duplicate %s", s,
				  wft_column_is_map(c) ? "map" : "set",
				  wft_column_is_map(c) ? "key" : "value");
		goto fail;
	}
	if (check_atoms(d, c, err))
		goto fail;
	if (d->n > n_max || (!n_max_override && d->n < c->n_min)) {
		wft_strbuf_printf(err, "%s: %u value(s) specified but the %s "
				  "number is %u", s, d->n,
				  d->n > n_max ? "maximum" : "minimum",
				  d->n > n_max ? n_max : c->n_min);
		goto fail;
	}
	return 0;
fail:
	wft_datum_destroy(d, c);
	return -EINVAL;
}

int wft_datum_parse_keys(const char *s, const struct wft_column *c,
			 struct wft_datum *d, struct wft_strbuf *err)
{
	struct wft_column keys = *c;

	keys.value.type = WFT_AT_VOID;
	keys.n_min = 0;
	keys.n_max = UINT_MAX;
	return wft_datum_parse(s, &keys, 0, d, err);
}
