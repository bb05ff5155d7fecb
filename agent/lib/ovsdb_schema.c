// SPDX-License-Identifier: GPL-2.0
/*
 * OVSDB schemas as `get_schema` returns them (RFC 7047 section 3.2): the
 * tables, their columns and the columns' types (see include/weft/ovsdb.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovsdb.h"
#include "weft/util.h"

static int atype_from_name(const char *s, enum wft_ovsdb_atype *t)
{
	static const enum wft_ovsdb_atype all[] = {
		WFT_OVSDB_INTEGER, WFT_OVSDB_REAL, WFT_OVSDB_BOOLEAN,
		WFT_OVSDB_STRING, WFT_OVSDB_UUID,
	};
	size_t i;

	for (i = 0; s && i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(s, wft_ovsdb_atype_name(all[i]))) {
			*t = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

/* A base type: "string" or {"type": "uuid", "refTable": ...}. */
static int base_from_json(const json_t *j, enum wft_ovsdb_atype *t,
			  char **ref_table, struct wft_strbuf *err)
{
	const json_t *type = json_is_object(j) ? json_object_get(j, "type") : j;
	const char *ref;

	if (atype_from_name(json_string_value(type), t)) {
		wft_strbuf_printf(err, "unknown atomic type");
		return -EINVAL;
	}
	ref = json_string_value(json_object_get(j, "refTable"));
	if (ref_table && ref && *t == WFT_OVSDB_UUID)
		*ref_table = wft_xstrdup(ref);
	return 0;
}

int wft_ovsdb_type_from_json(const json_t *j, struct wft_ovsdb_type *t,
			     struct wft_strbuf *err)
{
	const json_t *min, *max, *value;

	memset(t, 0, sizeof(*t));
	t->n_min = t->n_max = 1;
	if (json_is_string(j))
		return base_from_json(j, &t->key, NULL, err);
	if (!json_is_object(j)) {
		wft_strbuf_printf(err, "a type is a string or an object");
		return -EINVAL;
	}
	if (base_from_json(json_object_get(j, "key"), &t->key, &t->ref_table,
			   err))
		return -EINVAL;
	value = json_object_get(j, "value");
	if (value && base_from_json(value, &t->value, NULL, err))
		goto fail;
	min = json_object_get(j, "min");
	max = json_object_get(j, "max");
	if (min) {
		if (!json_is_integer(min) || json_integer_value(min) < 0 ||
		    json_integer_value(min) > 1)
			goto bad_count;
		t->n_min = (unsigned int)json_integer_value(min);
	}
	if (max) {
		if (json_is_string(max) &&
		    !strcmp(json_string_value(max), "unlimited"))
			t->n_max = UINT_MAX;
		else if (json_is_integer(max) &&
			 json_integer_value(max) >= 1 &&
			 json_integer_value(max) < UINT_MAX)
			t->n_max = (unsigned int)json_integer_value(max);
		else
			goto bad_count;
	}
	if (t->n_min > t->n_max)
		goto bad_count;
	return 0;
bad_count:
	wft_strbuf_printf(err, "bad min or max");
fail:
	wft_ovsdb_type_destroy(t);
	return -EINVAL;
}

void wft_ovsdb_type_destroy(struct wft_ovsdb_type *t)
{
	free(t->ref_table);
	t->ref_table = NULL;
}

static int cmp_columns(const void *a, const void *b)
{
	return strcmp(((const struct wft_ovsdb_column *)a)->name,
		      ((const struct wft_ovsdb_column *)b)->name);
}

static int cmp_tables(const void *a, const void *b)
{
	return strcmp(((const struct wft_ovsdb_table_schema *)a)->name,
		      ((const struct wft_ovsdb_table_schema *)b)->name);
}

static int table_from_json(const char *name, const json_t *j,
			   struct wft_ovsdb_table_schema *t,
			   struct wft_strbuf *err)
{
	const json_t *cols = json_object_get(j, "columns"), *c;
	const char *cname;
	size_t n = 0;

	t->name = wft_xstrdup(name);
	t->is_root = json_is_true(json_object_get(j, "isRoot"));
	if (!json_is_object(cols)) {
		wft_strbuf_printf(err, "table %s has no columns", name);
		return -EINVAL;
	}
	t->columns = wft_xcalloc(json_object_size(cols) ?: 1,
				 sizeof(*t->columns));
	json_object_foreach((json_t *)cols, cname, c) {
		struct wft_ovsdb_column *col = &t->columns[n];

		if (wft_ovsdb_type_from_json(json_object_get(c, "type"),
					     &col->type, err)) {
			wft_strbuf_printf(err, " (column %s.%s)", name, cname);
			return -EINVAL;
		}
		col->name = wft_xstrdup(cname);
		col->ephemeral = json_is_true(json_object_get(c, "ephemeral"));
		t->n_columns = (unsigned int)++n;
	}
	qsort(t->columns, n, sizeof(*t->columns), cmp_columns);
	return 0;
}

int wft_ovsdb_schema_from_json(const json_t *j, struct wft_ovsdb_schema **sp,
			       struct wft_strbuf *err)
{
	const json_t *tables = json_object_get(j, "tables"), *t;
	struct wft_ovsdb_schema *s;
	const char *name;
	size_t n = 0;

	*sp = NULL;
	name = json_string_value(json_object_get(j, "name"));
	if (!name || !json_is_object(tables)) {
		wft_strbuf_printf(err, "a schema has a name and tables");
		return -EINVAL;
	}
	s = wft_xcalloc(1, sizeof(*s));
	s->name = wft_xstrdup(name);
	s->version = wft_xstrdup(json_string_value(
		json_object_get(j, "version")) ?: "");
	s->json = json_deep_copy(j);
	s->tables = wft_xcalloc(json_object_size(tables) ?: 1,
				sizeof(*s->tables));
	json_object_foreach((json_t *)tables, name, t) {
		int ret = table_from_json(name, t, &s->tables[n], err);

		s->n_tables = (unsigned int)++n;
		if (ret) {
			wft_ovsdb_schema_free(s);
			return ret;
		}
	}
	qsort(s->tables, n, sizeof(*s->tables), cmp_tables);
	*sp = s;
	return 0;
}

int wft_ovsdb_schema_from_file(const char *path,
			       struct wft_ovsdb_schema **sp,
			       struct wft_strbuf *err)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);
	int ret;

	*sp = NULL;
	if (!j) {
		wft_strbuf_printf(err, "%s: %s", path, jerr.text);
		return -EINVAL;
	}
	ret = wft_ovsdb_schema_from_json(j, sp, err);
	json_decref(j);
	return ret;
}

void wft_ovsdb_schema_free(struct wft_ovsdb_schema *s)
{
	unsigned int i, k;

	if (!s)
		return;
	for (i = 0; i < s->n_tables; i++) {
		struct wft_ovsdb_table_schema *t = &s->tables[i];

		for (k = 0; k < t->n_columns; k++) {
			free(t->columns[k].name);
			wft_ovsdb_type_destroy(&t->columns[k].type);
		}
		free(t->columns);
		free(t->name);
	}
	free(s->tables);
	free(s->name);
	free(s->version);
	json_decref(s->json);
	free(s);
}

const struct wft_ovsdb_table_schema *
wft_ovsdb_schema_table(const struct wft_ovsdb_schema *s, const char *name)
{
	struct wft_ovsdb_table_schema key = { .name = (char *)name };

	return bsearch(&key, s->tables, s->n_tables, sizeof(*s->tables),
		       cmp_tables);
}

int wft_ovsdb_table_column(const struct wft_ovsdb_table_schema *t,
			   const char *name)
{
	struct wft_ovsdb_column key = { .name = (char *)name };
	const struct wft_ovsdb_column *c;

	c = bsearch(&key, t->columns, t->n_columns, sizeof(*t->columns),
		    cmp_columns);
	return c ? (int)(c - t->columns) : -1;
}
