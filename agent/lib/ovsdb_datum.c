// SPDX-License-Identifier: GPL-2.0
/*
 * OVSDB atoms and data: order, copies, defaults, the wire form and update2's
 * set/map diffs (see include/weft/ovsdb.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovsdb.h"
#include "weft/util.h"

const char *wft_ovsdb_atype_name(enum wft_ovsdb_atype t)
{
	switch (t) {
	case WFT_OVSDB_VOID: return "void";
	case WFT_OVSDB_INTEGER: return "integer";
	case WFT_OVSDB_REAL: return "real";
	case WFT_OVSDB_BOOLEAN: return "boolean";
	case WFT_OVSDB_STRING: return "string";
	case WFT_OVSDB_UUID: return "uuid";
	}
	return "?";
}

json_t *wft_ovsdb_uuid_json(const struct wft_uuid *u)
{
	char buf[WFT_UUID_STRLEN + 1];

	wft_uuid_format(u, buf);
	return json_pack("[ss]", "uuid", buf);
}

bool wft_ovsdb_uuid_from_json(const json_t *j, struct wft_uuid *u)
{
	const char *tag, *s;

	if (!json_is_array(j) || json_array_size(j) != 2)
		return false;
	tag = json_string_value(json_array_get(j, 0));
	s = json_string_value(json_array_get(j, 1));
	return tag && s && !strcmp(tag, "uuid") && wft_uuid_parse(s, u);
}

/* Atoms. */

int wft_ovsdb_atom_cmp(enum wft_ovsdb_atype t, const union wft_ovsdb_atom *a,
		       const union wft_ovsdb_atom *b)
{
	switch (t) {
	case WFT_OVSDB_INTEGER:
		return a->i < b->i ? -1 : a->i > b->i;
	case WFT_OVSDB_REAL:
		return a->r < b->r ? -1 : a->r > b->r;
	case WFT_OVSDB_BOOLEAN:
		return (int)a->b - (int)b->b;
	case WFT_OVSDB_STRING:
		return strcmp(a->s, b->s);
	case WFT_OVSDB_UUID:
		return wft_uuid_cmp(&a->u, &b->u);
	case WFT_OVSDB_VOID:
		break;
	}
	return 0;
}

void wft_ovsdb_atom_clone(enum wft_ovsdb_atype t, union wft_ovsdb_atom *dst,
			  const union wft_ovsdb_atom *src)
{
	*dst = *src;
	if (t == WFT_OVSDB_STRING)
		dst->s = wft_xstrdup(src->s);
}

void wft_ovsdb_atom_destroy(enum wft_ovsdb_atype t, union wft_ovsdb_atom *a)
{
	if (t == WFT_OVSDB_STRING) {
		free(a->s);
		a->s = NULL;
	}
}

static void atom_default(enum wft_ovsdb_atype t, union wft_ovsdb_atom *a)
{
	memset(a, 0, sizeof(*a));
	if (t == WFT_OVSDB_STRING)
		a->s = wft_xstrdup("");
}

int wft_ovsdb_atom_from_json(enum wft_ovsdb_atype t, const json_t *j,
			     union wft_ovsdb_atom *a, char **named,
			     struct wft_strbuf *err)
{
	memset(a, 0, sizeof(*a));
	switch (t) {
	case WFT_OVSDB_INTEGER:
		if (!json_is_integer(j))
			break;
		a->i = json_integer_value(j);
		return 0;
	case WFT_OVSDB_REAL:
		/* An integral real may arrive without a fraction. */
		if (!json_is_number(j))
			break;
		a->r = json_number_value(j);
		return 0;
	case WFT_OVSDB_BOOLEAN:
		if (!json_is_boolean(j))
			break;
		a->b = json_is_true(j);
		return 0;
	case WFT_OVSDB_STRING:
		if (!json_is_string(j))
			break;
		a->s = wft_xstrdup(json_string_value(j));
		return 0;
	case WFT_OVSDB_UUID:
		if (wft_ovsdb_uuid_from_json(j, &a->u))
			return 0;
		if (named && json_is_array(j) && json_array_size(j) == 2 &&
		    json_is_string(json_array_get(j, 1)) &&
		    !strcmp(json_string_value(json_array_get(j, 0)) ?: "",
			    "named-uuid")) {
			*named = wft_xstrdup(
				json_string_value(json_array_get(j, 1)));
			return 0;
		}
		break;
	case WFT_OVSDB_VOID:
		break;
	}
	if (err) {
		char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

		wft_strbuf_printf(err, "expected %s, got %s",
				  wft_ovsdb_atype_name(t), s ? s : "?");
		free(s);
	}
	return -EINVAL;
}

json_t *wft_ovsdb_atom_to_json(enum wft_ovsdb_atype t,
			       const union wft_ovsdb_atom *a)
{
	switch (t) {
	case WFT_OVSDB_INTEGER:
		return json_integer(a->i);
	case WFT_OVSDB_REAL:
		return json_real(a->r);
	case WFT_OVSDB_BOOLEAN:
		return json_boolean(a->b);
	case WFT_OVSDB_STRING:
		return json_string(a->s);
	case WFT_OVSDB_UUID:
		return wft_ovsdb_uuid_json(&a->u);
	case WFT_OVSDB_VOID:
		break;
	}
	return json_null();
}

/* Data. */

void wft_ovsdb_datum_init(struct wft_ovsdb_datum *d)
{
	memset(d, 0, sizeof(*d));
}

void wft_ovsdb_datum_destroy(const struct wft_ovsdb_type *t,
			     struct wft_ovsdb_datum *d)
{
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		wft_ovsdb_atom_destroy(t->key, &d->keys[i]);
		if (d->values)
			wft_ovsdb_atom_destroy(t->value, &d->values[i]);
	}
	free(d->keys);
	free(d->values);
	wft_ovsdb_datum_init(d);
}

static void datum_alloc(const struct wft_ovsdb_type *t,
			struct wft_ovsdb_datum *d, unsigned int n)
{
	d->n = n;
	d->keys = n ? wft_xcalloc(n, sizeof(*d->keys)) : NULL;
	d->values = n && t->value != WFT_OVSDB_VOID ?
		    wft_xcalloc(n, sizeof(*d->values)) : NULL;
}

void wft_ovsdb_datum_default(const struct wft_ovsdb_type *t,
			     struct wft_ovsdb_datum *d)
{
	wft_ovsdb_datum_init(d);
	if (!t->n_min)
		return;
	datum_alloc(t, d, 1);
	atom_default(t->key, &d->keys[0]);
	if (d->values)
		atom_default(t->value, &d->values[0]);
}

bool wft_ovsdb_datum_is_default(const struct wft_ovsdb_type *t,
				const struct wft_ovsdb_datum *d)
{
	struct wft_ovsdb_datum def;
	bool eq;

	wft_ovsdb_datum_default(t, &def);
	eq = wft_ovsdb_datum_equal(t, d, &def);
	wft_ovsdb_datum_destroy(t, &def);
	return eq;
}

void wft_ovsdb_datum_clone(const struct wft_ovsdb_type *t,
			   struct wft_ovsdb_datum *dst,
			   const struct wft_ovsdb_datum *src)
{
	unsigned int i;

	datum_alloc(t, dst, src->n);
	for (i = 0; i < src->n; i++) {
		wft_ovsdb_atom_clone(t->key, &dst->keys[i], &src->keys[i]);
		if (dst->values)
			wft_ovsdb_atom_clone(t->value, &dst->values[i],
					     &src->values[i]);
	}
}

bool wft_ovsdb_datum_equal(const struct wft_ovsdb_type *t,
			   const struct wft_ovsdb_datum *a,
			   const struct wft_ovsdb_datum *b)
{
	unsigned int i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		if (wft_ovsdb_atom_cmp(t->key, &a->keys[i], &b->keys[i]))
			return false;
		if (t->value != WFT_OVSDB_VOID &&
		    wft_ovsdb_atom_cmp(t->value, &a->values[i],
				       &b->values[i]))
			return false;
	}
	return true;
}

int wft_ovsdb_datum_find(const struct wft_ovsdb_type *t,
			 const struct wft_ovsdb_datum *d,
			 const union wft_ovsdb_atom *key)
{
	unsigned int lo = 0, hi = d->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		int c = wft_ovsdb_atom_cmp(t->key, key, &d->keys[mid]);

		if (!c)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* Where @key belongs in @d (the index of the first key above it). */
static unsigned int insert_pos(const struct wft_ovsdb_type *t,
			       const struct wft_ovsdb_datum *d,
			       const union wft_ovsdb_atom *key)
{
	unsigned int lo = 0, hi = d->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (wft_ovsdb_atom_cmp(t->key, key, &d->keys[mid]) < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* Inserts a pair (taking ownership of the atoms) at its sorted place. */
static void datum_insert(const struct wft_ovsdb_type *t,
			 struct wft_ovsdb_datum *d, union wft_ovsdb_atom *key,
			 union wft_ovsdb_atom *value)
{
	unsigned int at = insert_pos(t, d, key), n = d->n;

	d->keys = wft_xrealloc(d->keys, (n + 1) * sizeof(*d->keys));
	memmove(&d->keys[at + 1], &d->keys[at], (n - at) * sizeof(*d->keys));
	d->keys[at] = *key;
	if (t->value != WFT_OVSDB_VOID) {
		d->values = wft_xrealloc(d->values,
					 (n + 1) * sizeof(*d->values));
		memmove(&d->values[at + 1], &d->values[at],
			(n - at) * sizeof(*d->values));
		d->values[at] = *value;
	}
	d->n++;
}

static void datum_remove(const struct wft_ovsdb_type *t,
			 struct wft_ovsdb_datum *d, unsigned int at)
{
	unsigned int rest = d->n - at - 1;

	wft_ovsdb_atom_destroy(t->key, &d->keys[at]);
	memmove(&d->keys[at], &d->keys[at + 1], rest * sizeof(*d->keys));
	if (d->values) {
		wft_ovsdb_atom_destroy(t->value, &d->values[at]);
		memmove(&d->values[at], &d->values[at + 1],
			rest * sizeof(*d->values));
	}
	d->n--;
}

static bool is_tagged(const json_t *j, const char *tag)
{
	const char *s;

	if (!json_is_array(j) || json_array_size(j) != 2)
		return false;
	s = json_string_value(json_array_get(j, 0));
	return s && !strcmp(s, tag);
}

static int parse_elements(const struct wft_ovsdb_type *t, const json_t *j,
			  struct wft_ovsdb_datum *d, struct wft_strbuf *err)
{
	union wft_ovsdb_atom k, v;
	bool map = t->value != WFT_OVSDB_VOID;
	const json_t *elems, *e;
	size_t i;

	if (map) {
		if (!is_tagged(j, "map"))
			goto bad;
	} else if (!is_tagged(j, "set")) {
		/* A bare atom: a one-element set. */
		if (wft_ovsdb_atom_from_json(t->key, j, &k, NULL, err))
			return -EINVAL;
		datum_insert(t, d, &k, NULL);
		return 0;
	}
	elems = json_array_get(j, 1);
	if (!json_is_array(elems))
		goto bad;
	json_array_foreach(elems, i, e) {
		const json_t *kj = e, *vj = NULL;

		if (map) {
			if (!json_is_array(e) || json_array_size(e) != 2)
				goto bad;
			kj = json_array_get(e, 0);
			vj = json_array_get(e, 1);
		}
		if (wft_ovsdb_atom_from_json(t->key, kj, &k, NULL, err))
			return -EINVAL;
		if (map && wft_ovsdb_atom_from_json(t->value, vj, &v, NULL,
						    err)) {
			wft_ovsdb_atom_destroy(t->key, &k);
			return -EINVAL;
		}
		if (wft_ovsdb_datum_find(t, d, &k) >= 0) {
			if (err)
				wft_strbuf_printf(err, "duplicate key in %s",
						  map ? "map" : "set");
			wft_ovsdb_atom_destroy(t->key, &k);
			if (map)
				wft_ovsdb_atom_destroy(t->value, &v);
			return -EINVAL;
		}
		datum_insert(t, d, &k, &v);
	}
	return 0;
bad:
	if (err) {
		char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

		wft_strbuf_printf(err, "expected a %s, got %s",
				  map ? "[\"map\",[[k,v]...]]" :
				  "set or an atom", s ? s : "?");
		free(s);
	}
	return -EINVAL;
}

static int check_counts(const struct wft_ovsdb_type *t,
			const struct wft_ovsdb_datum *d,
			struct wft_strbuf *err)
{
	if (d->n >= t->n_min && d->n <= t->n_max)
		return 0;
	if (err)
		wft_strbuf_printf(err, "%u elements where %u to %u are allowed",
				  d->n, t->n_min, t->n_max);
	return -EINVAL;
}

int wft_ovsdb_datum_from_json(const struct wft_ovsdb_type *t, const json_t *j,
			      bool diff, struct wft_ovsdb_datum *d,
			      struct wft_strbuf *err)
{
	int ret;

	wft_ovsdb_datum_init(d);
	ret = parse_elements(t, j, d, err);
	if (!ret && !diff)
		ret = check_counts(t, d, err);
	if (ret)
		wft_ovsdb_datum_destroy(t, d);
	return ret;
}

json_t *wft_ovsdb_datum_to_json(const struct wft_ovsdb_type *t,
				const struct wft_ovsdb_datum *d)
{
	json_t *elems;
	unsigned int i;

	if (t->value == WFT_OVSDB_VOID && d->n == 1)
		return wft_ovsdb_atom_to_json(t->key, &d->keys[0]);
	elems = json_array();
	for (i = 0; i < d->n; i++) {
		json_t *k = wft_ovsdb_atom_to_json(t->key, &d->keys[i]);

		if (t->value == WFT_OVSDB_VOID)
			json_array_append_new(elems, k);
		else
			json_array_append_new(elems, json_pack("[oo]", k,
				wft_ovsdb_atom_to_json(t->value,
						       &d->values[i])));
	}
	return json_pack("[so]", t->value == WFT_OVSDB_VOID ? "set" : "map",
			 elems);
}

int wft_ovsdb_datum_apply_diff(const struct wft_ovsdb_type *t,
			       struct wft_ovsdb_datum *d,
			       const struct wft_ovsdb_datum *diff,
			       struct wft_strbuf *err)
{
	union wft_ovsdb_atom k, v;
	unsigned int i;
	int at;

	if (t->n_max == 1) {
		/* At most one element (a scalar or an optional value): the
		 * server sends the new value, not a difference: moving an
		 * optional reference from A to B arrives as B, clearing it
		 * as ["set",[]] (seen from ovsdb-server 3.1). */
		if (diff->n > 1) {
			if (err)
				wft_strbuf_printf(err, "a new value of %u "
						  "elements", diff->n);
			return -EINVAL;
		}
		wft_ovsdb_datum_destroy(t, d);
		wft_ovsdb_datum_clone(t, d, diff);
		return check_counts(t, d, err);
	}
	for (i = 0; i < diff->n; i++) {
		at = wft_ovsdb_datum_find(t, d, &diff->keys[i]);
		if (t->value == WFT_OVSDB_VOID) {
			if (at >= 0) {
				datum_remove(t, d, (unsigned int)at);
				continue;
			}
			wft_ovsdb_atom_clone(t->key, &k, &diff->keys[i]);
			datum_insert(t, d, &k, NULL);
			continue;
		}
		if (at >= 0) {
			bool same = !wft_ovsdb_atom_cmp(t->value,
							&d->values[at],
							&diff->values[i]);

			if (same) {
				datum_remove(t, d, (unsigned int)at);
				continue;
			}
			wft_ovsdb_atom_destroy(t->value, &d->values[at]);
			wft_ovsdb_atom_clone(t->value, &d->values[at],
					     &diff->values[i]);
			continue;
		}
		wft_ovsdb_atom_clone(t->key, &k, &diff->keys[i]);
		wft_ovsdb_atom_clone(t->value, &v, &diff->values[i]);
		datum_insert(t, d, &k, &v);
	}
	return check_counts(t, d, err);
}
