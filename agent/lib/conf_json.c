// SPDX-License-Identifier: GPL-2.0
/*
 * conf.json: the configuration on disk.
 *
 * One object: the Open_vSwitch record, plus "weft_conf_version": 1. A
 * record is an object with "_uuid", its persisted columns, and its
 * children nested in place of the reference columns:
 *
 *   { "weft_conf_version": 1, "_uuid": "…",
 *     "external_ids": { "system-id": "node1" }, "other_config": {},
 *     "bridges": [ { "_uuid": "…", "name": "br-int", "datapath_type": "",
 *                    "fail_mode": "secure", "protocols": [], ...,
 *                    "ports": [ { "_uuid": "…", "name": "vm1", "tag": 10,
 *                                 "trunks": [], "vlan_mode": null, ...,
 *                                 "interfaces": [ { "name": "vm1",
 *                                   "type": "", "options": {}, ... } ] } ] } ],
 *     "ssl": { "_uuid": "…", "private_key": "…", ... } }
 *
 * Column values: a required scalar is a JSON string, integer or boolean;
 * an optional one is that or null (or absent); a set is an array; a map an
 * object. Absent columns take their defaults, unknown keys are refused
 * (runtime columns such as ofport and error are never saved), and so is
 * every ill-typed or out-of-range value, with the JSON path of the value.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft/conf.h"
#include "weft/util.h"

#define CONF_VERSION	1

/* Every reference column holds children, nested in place: an array of
 * rows, or (Open_vSwitch.ssl) one row or null. */
static bool is_child_column(const struct wft_column *c)
{
	return c->key.type == WFT_AT_UUID;
}

/* Writing. */

static json_t *atom_json(const union wft_atom *a, enum wft_atype t)
{
	switch (t) {
	case WFT_AT_INTEGER:
		return json_integer(a->i);
	case WFT_AT_BOOLEAN:
		return json_boolean(a->b);
	case WFT_AT_STRING:
		return json_string(a->s);
	default:
		return json_null();
	}
}

static json_t *datum_json(const struct wft_datum *d, const struct wft_column *c)
{
	json_t *j;
	unsigned int i;

	if (wft_column_is_map(c)) {
		j = json_object();
		for (i = 0; i < d->n; i++)
			json_object_set_new(j, d->keys[i].s,
					    atom_json(&d->values[i],
						      c->value.type));
		return j;
	}
	if (c->n_max == 1)
		return d->n ? atom_json(&d->keys[0], c->key.type) : json_null();
	j = json_array();
	for (i = 0; i < d->n; i++)
		json_array_append_new(j, atom_json(&d->keys[i], c->key.type));
	return j;
}

static json_t *row_json(const struct wft_conf *conf,
			const struct wft_row *row);

static json_t *children_json(const struct wft_conf *conf,
			     const struct wft_row *row, int col)
{
	const struct wft_column *c = &row->table->columns[col];
	json_t *kids = c->n_max == 1 ? NULL : json_array();
	const struct wft_row *kid;
	unsigned int i;

	for (i = 0; i < row->cols[col].n; i++) {
		kid = wft_conf_get(conf, c->key.ref, &row->cols[col].keys[i].u);
		if (!kid)
			continue;
		if (!kids)
			return row_json(conf, kid);
		json_array_append_new(kids, row_json(conf, kid));
	}
	return kids ? kids : json_null();
}

static json_t *row_json(const struct wft_conf *conf, const struct wft_row *row)
{
	const struct wft_table *t = row->table;
	int name = t->name_column;
	const struct wft_column *c;
	char uuid[WFT_UUID_STRLEN + 1];
	json_t *j = json_object();
	unsigned int i;

	wft_uuid_format(&row->uuid, uuid);
	json_object_set_new(j, "_uuid", json_string(uuid));
	if (name >= 0)
		json_object_set_new(j, "name", json_string(wft_row_name(row)));
	for (i = 0; i < t->n_columns; i++) {
		c = &t->columns[i];
		if ((int)i == name || (c->flags & WFT_COL_RUNTIME))
			continue;
		json_object_set_new(j, c->name, is_child_column(c) ?
				    children_json(conf, row, i) :
				    datum_json(&row->cols[i], c));
	}
	return j;
}

json_t *wft_conf_to_json(const struct wft_conf *conf)
{
	json_t *j = json_pack("{s:i}", "weft_conf_version", CONF_VERSION);
	json_t *ovs = row_json(conf, wft_conf_ovs(conf));

	json_object_update(j, ovs);
	json_decref(ovs);
	return j;
}

/* Reading. */

struct reader {
	struct wft_conf *conf;
	struct wft_strbuf *err;
	struct wft_strbuf path;		/* "$.bridges[0].ports[1]" */
};

static int fail(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	wft_strbuf_printf(r->err, "%s: ", wft_strbuf_cstr(&r->path));
	va_start(ap, fmt);
	wft_strbuf_vprintf(r->err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *type_name(enum wft_atype t)
{
	switch (t) {
	case WFT_AT_INTEGER:
		return "an integer";
	case WFT_AT_BOOLEAN:
		return "true or false";
	default:
		return "a string";
	}
}

static int atom_from_json(struct reader *r, const json_t *j,
			  const struct wft_base *b, union wft_atom *a)
{
	memset(a, 0, sizeof(*a));
	if (b->type == WFT_AT_INTEGER && json_is_integer(j))
		a->i = json_integer_value(j);
	else if (b->type == WFT_AT_BOOLEAN && json_is_boolean(j))
		a->b = json_is_true(j);
	else if (b->type == WFT_AT_STRING && json_is_string(j))
		a->s = wft_xstrdup(json_string_value(j));
	else
		return fail(r, "expected %s", type_name(b->type));
	return 0;
}

static int add_atom(struct reader *r, struct wft_datum *d, const json_t *k,
		    const json_t *v, const struct wft_column *c)
{
	union wft_atom ka, va;
	int ret;

	ret = atom_from_json(r, k, &c->key, &ka);
	if (ret)
		return ret;
	if (v) {
		ret = atom_from_json(r, v, &c->value, &va);
		if (ret) {
			wft_atom_destroy(&ka, c->key.type);
			return ret;
		}
	}
	wft_datum_append(d, &ka, v ? &va : NULL, c);
	wft_atom_destroy(&ka, c->key.type);
	if (v)
		wft_atom_destroy(&va, c->value.type);
	return 0;
}

static int datum_elements(struct reader *r, const json_t *j,
			  const struct wft_column *c, struct wft_datum *d)
{
	const char *key;
	json_t *v, *k;
	size_t i;
	int ret = 0;

	if (wft_column_is_map(c)) {
		if (!json_is_object(j))
			return fail(r, "expected an object");
		json_object_foreach((json_t *)j, key, v) {
			k = json_string(key);
			ret = add_atom(r, d, k, v, c);
			json_decref(k);
			if (ret)
				return ret;
		}
	} else if (c->n_max == 1) {
		if (json_is_null(j) && !c->n_min)
			return 0;
		ret = add_atom(r, d, j, NULL, c);
		if (ret && !c->n_min) {
			wft_strbuf_puts(r->err, " or null");
		}
	} else {
		if (!json_is_array(j))
			return fail(r, "expected an array");
		json_array_foreach(j, i, v)
			if ((ret = add_atom(r, d, v, NULL, c)))
				return ret;
	}
	return ret;
}

static int datum_from_json(struct reader *r, const json_t *j,
			   const struct wft_column *c, struct wft_datum *d)
{
	size_t mark;

	wft_datum_init(d);
	if (datum_elements(r, j, c, d))
		goto fail;
	if (wft_datum_sort(d, c)) {
		fail(r, "duplicate value");
		goto fail;
	}
	mark = r->err->len;
	if (wft_datum_check(d, c, r->err)) {
		struct wft_strbuf msg = WFT_STRBUF_INIT;

		wft_strbuf_puts(&msg, wft_strbuf_cstr(r->err) + mark);
		wft_strbuf_truncate(r->err, mark);
		fail(r, "%s", wft_strbuf_cstr(&msg));
		wft_strbuf_free(&msg);
		goto fail;
	}
	return 0;
fail:
	wft_datum_destroy(d, c);
	return -EINVAL;
}

static int read_row(struct reader *r, struct wft_row *row, const json_t *j);

static int read_children(struct reader *r, struct wft_row *row, int col,
			 const json_t *j)
{
	const struct wft_column *c = &row->table->columns[col];
	size_t mark = r->path.len, i;
	struct wft_row *kid;
	union wft_atom a;
	json_t *v;

	if (c->n_max == 1) {
		/* One optional child: the row, or null. */
		if (json_is_null(j))
			return 0;
		if (!json_is_object(j))
			return fail(r, "expected an object or null");
		kid = wft_conf_insert(r->conf, c->key.ref);
		a.u = kid->uuid;
		if (read_row(r, kid, j))
			return -EINVAL;
		a.u = kid->uuid;
		wft_datum_append(&row->cols[col], &a, NULL, c);
		return 0;
	}
	if (!json_is_array(j))
		return fail(r, "expected an array");
	json_array_foreach(j, i, v) {
		wft_strbuf_printf(&r->path, "[%zu]", i);
		kid = wft_conf_insert(r->conf, c->key.ref);
		a.u = kid->uuid;
		wft_datum_append(&row->cols[col], &a, NULL, c);
		if (read_row(r, kid, v))
			return -EINVAL;
		row->cols[col].keys[row->cols[col].n - 1].u = kid->uuid;
		wft_strbuf_truncate(&r->path, mark);
	}
	wft_datum_sort(&row->cols[col], c);
	return 0;
}

static int read_member(struct reader *r, struct wft_row *row, const char *key,
		       const json_t *v)
{
	const struct wft_table *t = row->table;
	int col = wft_column_find(t, key);
	struct wft_datum d;

	if (!strcmp(key, "_uuid")) {
		if (!json_is_string(v) ||
		    !wft_uuid_parse(json_string_value(v), &row->uuid))
			return fail(r, "expected a UUID");
		return 0;
	}
	if (t->id == WFT_TBL_OPEN_VSWITCH && !strcmp(key, "weft_conf_version"))
		return 0;
	if (col < 0)
		return fail(r, "unknown key (table %s has no column %s)",
			    t->name, key);
	if (t->columns[col].flags & WFT_COL_RUNTIME)
		return fail(r, "%s is filled in by weftd; it is not saved",
			    key);
	if (is_child_column(&t->columns[col]))
		return read_children(r, row, col, v);
	if (datum_from_json(r, v, &t->columns[col], &d))
		return -EINVAL;
	wft_row_set(row, col, &d);
	return 0;
}

static int read_row(struct reader *r, struct wft_row *row, const json_t *j)
{
	size_t mark = r->path.len;
	const char *key;
	json_t *v;

	if (!json_is_object(j))
		return fail(r, "expected an object");
	json_object_foreach((json_t *)j, key, v) {
		wft_strbuf_printf(&r->path, ".%s", key);
		if (read_member(r, row, key, v))
			return -EINVAL;
		wft_strbuf_truncate(&r->path, mark);
	}
	if (row->table->name_column >= 0 && !json_object_get(j, "name"))
		return fail(r, "missing \"name\"");
	return 0;
}

static int check_uuids(struct reader *r)
{
	char buf[WFT_UUID_STRLEN + 1];
	size_t i, k;
	int t, u;

	for (t = 0; t < WFT_CONF_N_TABLES; t++)
		for (u = t; u < WFT_CONF_N_TABLES; u++)
			for (i = 0; i < r->conf->n_rows[t]; i++)
				for (k = (u == t ? i + 1 : 0);
				     k < r->conf->n_rows[u]; k++) {
					if (wft_uuid_cmp(
					    &r->conf->rows[t][i]->uuid,
					    &r->conf->rows[u][k]->uuid))
						continue;
					wft_uuid_format(
						&r->conf->rows[t][i]->uuid, buf);
					wft_strbuf_printf(r->err, "_uuid %s is "
							  "used twice", buf);
					return -EINVAL;
				}
	return 0;
}

int wft_conf_from_json(const json_t *json, wft_uuid_gen *gen, void *gen_aux,
		       struct wft_conf **confp, struct wft_strbuf *err)
{
	struct reader r = { .err = err, .path = WFT_STRBUF_INIT };
	json_t *version = json_object_get(json, "weft_conf_version");
	int ret = -EINVAL;

	*confp = NULL;
	r.conf = wft_conf_new(gen, gen_aux);
	wft_strbuf_puts(&r.path, "$");
	if (!json_is_object(json)) {
		fail(&r, "expected an object");
		goto out;
	}
	if (!json_is_integer(version) ||
	    json_integer_value(version) != CONF_VERSION) {
		wft_strbuf_puts(&r.path, ".weft_conf_version");
		fail(&r, "expected %d (the only format this weftd reads)",
		     CONF_VERSION);
		goto out;
	}
	if (read_row(&r, wft_conf_ovs(r.conf), json) || check_uuids(&r) ||
	    wft_conf_validate(r.conf, err))
		goto out;
	*confp = r.conf;
	r.conf = NULL;
	ret = 0;
out:
	wft_conf_free(r.conf);
	wft_strbuf_free(&r.path);
	return ret;
}

int wft_conf_load(const char *path, wft_uuid_gen *gen, void *gen_aux,
		  struct wft_conf **confp, struct wft_strbuf *err)
{
	json_error_t jerr;
	size_t mark;
	json_t *j;
	int ret;

	*confp = NULL;
	if (access(path, F_OK) && errno == ENOENT)
		return -ENOENT;
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		if (json_error_code(&jerr) == json_error_cannot_open_file) {
			wft_strbuf_printf(err, "%s: %s", path, jerr.text);
			return -EIO;
		}
		wft_strbuf_printf(err, "%s: line %d, column %d: %s", path,
				  jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	mark = err->len;
	wft_strbuf_printf(err, "%s: ", path);
	ret = wft_conf_from_json(j, gen, gen_aux, confp, err);
	if (!ret)
		wft_strbuf_truncate(err, mark);
	json_decref(j);
	return ret;
}

/* Saving. */

static int write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s += n;
		len -= n;
	}
	return 0;
}

static int fsync_dir(const char *path)
{
	char *dir = wft_xstrdup(path), *slash = strrchr(dir, '/');
	int fd, ret = 0;

	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(dir);
	return ret;
}

int wft_conf_save(const struct wft_conf *conf, const char *path,
		  struct wft_strbuf *err)
{
	json_t *j = wft_conf_to_json(conf);
	char *text = json_dumps(j, JSON_INDENT(2)), *tmp = NULL;
	const char *what = "write";
	int fd = -1, ret;

	json_decref(j);
	if (!text || asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
		free(text);
		wft_strbuf_printf(err, "%s: out of memory", path);
		return -ENOMEM;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		what = "create";
		goto fail;
	}
	ret = write_all(fd, text, strlen(text));
	if (!ret)
		ret = write_all(fd, "\n", 1);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	fd = -1;
	if (!ret && rename(tmp, path)) {
		ret = -errno;
		what = "rename";
	}
	if (ret)
		goto fail;
	ret = fsync_dir(path);
	if (ret) {
		what = "fsync directory";
		goto fail_renamed;
	}
	free(text);
	free(tmp);
	return 0;
fail:
	unlink(tmp);
fail_renamed:
	wft_strbuf_printf(err, "%s: %s: %s", path, what, strerror(-ret));
	free(text);
	free(tmp);
	return ret;
}
