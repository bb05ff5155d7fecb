// SPDX-License-Identifier: GPL-2.0
/*
 * Atoms and data of the configuration model: copying, ordering, set and
 * map algebra, constraint checks, and the OVSDB text and JSON notations
 * (see include/weft/conf.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "weft/conf.h"
#include "weft/util.h"

/* UUIDs. */

void wft_uuid_format(const struct wft_uuid *u, char buf[WFT_UUID_STRLEN + 1])
{
	/* By hand, not snprintf(): 6,000 instructions a UUID, and the OVN
	 * compile formats one for every (row, datapath) it compiles. */
	static const char hex[] = "0123456789abcdef";
	char *o = buf;
	int i;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*o++ = '-';
		*o++ = hex[u->b[i] >> 4];
		*o++ = hex[u->b[i] & 15];
	}
	*o = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool wft_uuid_parse(const char *s, struct wft_uuid *u)
{
	int i, n = 0, hi, lo;

	if (strlen(s) != WFT_UUID_STRLEN)
		return false;
	for (i = 0; i < WFT_UUID_STRLEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
			continue;
		}
		hi = hexval(s[i++]);
		lo = hexval(s[i]);
		if (hi < 0 || lo < 0)
			return false;
		u->b[n++] = hi << 4 | lo;
	}
	return true;
}

int wft_uuid_cmp(const struct wft_uuid *a, const struct wft_uuid *b)
{
	return memcmp(a->b, b->b, sizeof(a->b));
}

void wft_uuid_random(struct wft_uuid *u)
{
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(u->b)) {
		n = getrandom(u->b + got, sizeof(u->b) - got, 0);
		if (n > 0)
			got += n;
	}
	u->b[6] = (u->b[6] & 0x0f) | 0x40;
	u->b[8] = (u->b[8] & 0x3f) | 0x80;
}

/* Atoms. */

void wft_atom_destroy(union wft_atom *a, enum wft_atype t)
{
	if (t == WFT_AT_STRING) {
		free(a->s);
		a->s = NULL;
	}
}

void wft_atom_clone(union wft_atom *dst, const union wft_atom *src,
		    enum wft_atype t)
{
	*dst = *src;
	if (t == WFT_AT_STRING)
		dst->s = wft_xstrdup(src->s);
}

int wft_atom_cmp(const union wft_atom *a, const union wft_atom *b,
		 enum wft_atype t)
{
	switch (t) {
	case WFT_AT_INTEGER:
		return a->i < b->i ? -1 : a->i > b->i;
	case WFT_AT_BOOLEAN:
		return (int)a->b - (int)b->b;
	case WFT_AT_STRING:
		return strcmp(a->s, b->s);
	case WFT_AT_UUID:
		return wft_uuid_cmp(&a->u, &b->u);
	default:
		return 0;
	}
}

/* Data. */

void wft_datum_init(struct wft_datum *d)
{
	d->n = 0;
	d->keys = NULL;
	d->values = NULL;
}

void wft_datum_destroy(struct wft_datum *d, const struct wft_column *c)
{
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		wft_atom_destroy(&d->keys[i], c->key.type);
		if (d->values)
			wft_atom_destroy(&d->values[i], c->value.type);
	}
	free(d->keys);
	free(d->values);
	wft_datum_init(d);
}

void wft_datum_clone(struct wft_datum *dst, const struct wft_datum *src,
		     const struct wft_column *c)
{
	unsigned int i;

	wft_datum_init(dst);
	for (i = 0; i < src->n; i++)
		wft_datum_append(dst, &src->keys[i],
				 src->values ? &src->values[i] : NULL, c);
}

bool wft_datum_equal(const struct wft_datum *a, const struct wft_datum *b,
		     const struct wft_column *c)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		if (wft_atom_cmp(&a->keys[i], &b->keys[i], c->key.type))
			return false;
		if (wft_column_is_map(c) &&
		    wft_atom_cmp(&a->values[i], &b->values[i], c->value.type))
			return false;
	}
	return true;
}

static void atom_default(union wft_atom *a, enum wft_atype t)
{
	memset(a, 0, sizeof(*a));
	if (t == WFT_AT_STRING)
		a->s = wft_xstrdup("");
}

void wft_datum_default(struct wft_datum *d, const struct wft_column *c)
{
	union wft_atom a;

	wft_datum_init(d);
	/* A reference has no meaningful default: it starts empty. */
	if (c->n_min != 1 || wft_column_is_map(c) ||
	    c->key.type == WFT_AT_UUID)
		return;
	atom_default(&a, c->key.type);
	wft_datum_append(d, &a, NULL, c);
	wft_atom_destroy(&a, c->key.type);
}

bool wft_datum_is_default(const struct wft_datum *d,
			  const struct wft_column *c)
{
	struct wft_datum def;
	bool eq;

	wft_datum_default(&def, c);
	eq = wft_datum_equal(d, &def, c);
	wft_datum_destroy(&def, c);
	return eq;
}

void wft_datum_append(struct wft_datum *d, const union wft_atom *key,
		      const union wft_atom *value, const struct wft_column *c)
{
	d->keys = wft_xrealloc(d->keys, (d->n + 1) * sizeof(*d->keys));
	wft_atom_clone(&d->keys[d->n], key, c->key.type);
	if (wft_column_is_map(c)) {
		d->values = wft_xrealloc(d->values,
					 (d->n + 1) * sizeof(*d->values));
		wft_atom_clone(&d->values[d->n], value, c->value.type);
	}
	d->n++;
}

/* Insertion sort: data are small, and it keeps keys and values paired. */
int wft_datum_sort(struct wft_datum *d, const struct wft_column *c)
{
	union wft_atom k, v;
	unsigned int i, j;

	for (i = 1; i < d->n; i++) {
		k = d->keys[i];
		if (d->values)
			v = d->values[i];
		for (j = i; j > 0 &&
		     wft_atom_cmp(&d->keys[j - 1], &k, c->key.type) > 0; j--) {
			d->keys[j] = d->keys[j - 1];
			if (d->values)
				d->values[j] = d->values[j - 1];
		}
		d->keys[j] = k;
		if (d->values)
			d->values[j] = v;
	}
	for (i = 1; i < d->n; i++)
		if (!wft_atom_cmp(&d->keys[i - 1], &d->keys[i], c->key.type))
			return -EEXIST;
	return 0;
}

int wft_datum_find(const struct wft_datum *d, const union wft_atom *key,
		   const struct wft_column *c)
{
	unsigned int lo = 0, hi = d->n, mid;
	int cmp;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		cmp = wft_atom_cmp(key, &d->keys[mid], c->key.type);
		if (!cmp)
			return mid;
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static void remove_at(struct wft_datum *d, unsigned int i,
		      const struct wft_column *c)
{
	wft_atom_destroy(&d->keys[i], c->key.type);
	memmove(&d->keys[i], &d->keys[i + 1], (d->n - i - 1) *
		sizeof(*d->keys));
	if (d->values) {
		wft_atom_destroy(&d->values[i], c->value.type);
		memmove(&d->values[i], &d->values[i + 1], (d->n - i - 1) *
			sizeof(*d->values));
	}
	d->n--;
}

void wft_datum_union(struct wft_datum *d, const struct wft_datum *add,
		     const struct wft_column *c)
{
	unsigned int i;
	int at;

	for (i = 0; i < add->n; i++) {
		at = wft_datum_find(d, &add->keys[i], c);
		if (at >= 0 && !wft_column_is_map(c))
			continue;
		if (at >= 0)
			remove_at(d, at, c);
		wft_datum_append(d, &add->keys[i],
				 add->values ? &add->values[i] : NULL, c);
		wft_datum_sort(d, c);
	}
}

void wft_datum_subtract(struct wft_datum *d, const struct wft_datum *del,
			bool keys_only, const struct wft_column *c)
{
	unsigned int i;
	int at;

	for (i = 0; i < del->n; i++) {
		at = wft_datum_find(d, &del->keys[i], c);
		if (at < 0)
			continue;
		if (wft_column_is_map(c) && !keys_only &&
		    wft_atom_cmp(&d->values[at], &del->values[i],
				 c->value.type))
			continue;
		remove_at(d, at, c);
	}
}

static int check_atom(const union wft_atom *a, const struct wft_base *b,
		      struct wft_strbuf *err)
{
	const char *const *e;

	if (b->type == WFT_AT_INTEGER && b->has_range &&
	    (a->i < b->min || a->i > b->max)) {
		wft_strbuf_printf(err, "constraint violation: %lld is not in "
				  "the valid range %lld to %lld (inclusive)",
				  (long long)a->i, (long long)b->min,
				  (long long)b->max);
		return -EINVAL;
	}
	if (b->type != WFT_AT_STRING || !b->enums)
		return 0;
	for (e = b->enums; *e; e++)
		if (!strcmp(*e, a->s))
			return 0;
	wft_strbuf_puts(err, "constraint violation: ");
	wft_atom_format(a, WFT_AT_STRING, err);
	wft_strbuf_puts(err, " is not one of the allowed values ([");
	for (e = b->enums; *e; e++)
		wft_strbuf_printf(err, "%s%s", e == b->enums ? "" : ", ", *e);
	wft_strbuf_puts(err, "])");
	return -EINVAL;
}

int wft_datum_check(const struct wft_datum *d, const struct wft_column *c,
		    struct wft_strbuf *err)
{
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		if (check_atom(&d->keys[i], &c->key, err))
			return -EINVAL;
		if (d->values && check_atom(&d->values[i], &c->value, err))
			return -EINVAL;
	}
	if (d->n < c->n_min || d->n > c->n_max) {
		wft_strbuf_printf(err, "constraint violation: %u value(s) in "
				  "column %s, which takes %s %u", d->n,
				  c->name, d->n < c->n_min ? "at least"
							   : "at most",
				  d->n < c->n_min ? c->n_min : c->n_max);
		return -EINVAL;
	}
	return 0;
}

/* Formatting. */

/* Bare strings: a letter or '_' first, then letters, digits, '_', '-' or
 * '.', and neither a boolean nor a UUID, which would read back as one. */
static bool needs_quotes(const char *s)
{
	struct wft_uuid u;
	const char *p;

	if (!isalpha((unsigned char)*s) && *s != '_')
		return true;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.", *p))
			return true;
	return !strcmp(s, "true") || !strcmp(s, "false") ||
	       wft_uuid_parse(s, &u);
}

static void format_quoted(const char *s, struct wft_strbuf *out)
{
	json_t *j = json_string(s);
	char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	wft_strbuf_puts(out, q ? q : "\"\"");
	free(q);
	json_decref(j);
}

void wft_atom_format(const union wft_atom *a, enum wft_atype t,
		     struct wft_strbuf *out)
{
	char buf[WFT_UUID_STRLEN + 1];

	switch (t) {
	case WFT_AT_INTEGER:
		wft_strbuf_printf(out, "%lld", (long long)a->i);
		break;
	case WFT_AT_BOOLEAN:
		wft_strbuf_puts(out, a->b ? "true" : "false");
		break;
	case WFT_AT_STRING:
		if (needs_quotes(a->s))
			format_quoted(a->s, out);
		else
			wft_strbuf_puts(out, a->s);
		break;
	case WFT_AT_UUID:
		wft_uuid_format(&a->u, buf);
		wft_strbuf_puts(out, buf);
		break;
	default:
		break;
	}
}

void wft_datum_format(const struct wft_datum *d, const struct wft_column *c,
		      struct wft_strbuf *out)
{
	bool map = wft_column_is_map(c);
	bool scalar = !map && c->n_max == 1 && d->n == 1;
	unsigned int i;

	if (scalar) {
		wft_atom_format(&d->keys[0], c->key.type, out);
		return;
	}
	wft_strbuf_putc(out, map ? '{' : '[');
	for (i = 0; i < d->n; i++) {
		if (i)
			wft_strbuf_puts(out, ", ");
		wft_atom_format(&d->keys[i], c->key.type, out);
		if (map) {
			wft_strbuf_putc(out, '=');
			wft_atom_format(&d->values[i], c->value.type, out);
		}
	}
	wft_strbuf_putc(out, map ? '}' : ']');
}

static void atom_format_bare(const union wft_atom *a, enum wft_atype t,
			     struct wft_strbuf *out)
{
	if (t == WFT_AT_STRING)
		wft_strbuf_puts(out, a->s);
	else
		wft_atom_format(a, t, out);
}

void wft_datum_format_bare(const struct wft_datum *d,
			   const struct wft_column *c, struct wft_strbuf *out)
{
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		if (i)
			wft_strbuf_putc(out, ' ');
		atom_format_bare(&d->keys[i], c->key.type, out);
		if (d->values) {
			wft_strbuf_putc(out, '=');
			atom_format_bare(&d->values[i], c->value.type, out);
		}
	}
}

static json_t *atom_to_json(const union wft_atom *a, enum wft_atype t)
{
	char buf[WFT_UUID_STRLEN + 1];

	switch (t) {
	case WFT_AT_INTEGER:
		return json_integer(a->i);
	case WFT_AT_BOOLEAN:
		return json_boolean(a->b);
	case WFT_AT_STRING:
		return json_string(a->s);
	case WFT_AT_UUID:
		wft_uuid_format(&a->u, buf);
		return json_pack("[ss]", "uuid", buf);
	default:
		return json_null();
	}
}

json_t *wft_datum_to_ovsdb_json(const struct wft_datum *d,
				const struct wft_column *c)
{
	json_t *elems = json_array();
	unsigned int i;

	if (!wft_column_is_map(c) && d->n == 1) {
		json_decref(elems);
		return atom_to_json(&d->keys[0], c->key.type);
	}
	for (i = 0; i < d->n; i++) {
		if (wft_column_is_map(c))
			json_array_append_new(elems, json_pack("[oo]",
				atom_to_json(&d->keys[i], c->key.type),
				atom_to_json(&d->values[i], c->value.type)));
		else
			json_array_append_new(elems, atom_to_json(&d->keys[i],
								  c->key.type));
	}
	return json_pack("[so]", wft_column_is_map(c) ? "map" : "set", elems);
}
