// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration's rows: creation, deletion, copies, lookups, and typed
 * access for the components that act on it (see include/weft/conf.h).
 *
 * Rows are kept in one array per table; lookups are linear, which is fine
 * for the hundreds of ports a node has and keeps copies trivial.
 */
#include <stdlib.h>
#include <string.h>

#include "weft/conf.h"
#include "weft/util.h"

static struct wft_row *row_new(const struct wft_table *t,
			       const struct wft_uuid *u)
{
	struct wft_row *row = wft_xcalloc(1, sizeof(*row));
	unsigned int i;

	row->table = t;
	row->uuid = *u;
	row->cols = wft_xcalloc(t->n_columns, sizeof(*row->cols));
	for (i = 0; i < t->n_columns; i++)
		wft_datum_default(&row->cols[i], &t->columns[i]);
	return row;
}

static void row_free(struct wft_row *row)
{
	unsigned int i;

	for (i = 0; i < row->table->n_columns; i++)
		wft_datum_destroy(&row->cols[i], &row->table->columns[i]);
	free(row->cols);
	free(row);
}

static void new_uuid(const struct wft_conf *conf, struct wft_uuid *u)
{
	if (conf->gen)
		conf->gen(u, conf->gen_aux);
	else
		wft_uuid_random(u);
}

static void add_row(struct wft_conf *conf, struct wft_row *row)
{
	enum wft_table_id t = row->table->id;

	if (conf->n_rows[t] == conf->cap_rows[t]) {
		conf->cap_rows[t] = conf->cap_rows[t] ? conf->cap_rows[t] * 2
						      : 8;
		conf->rows[t] = wft_xrealloc(conf->rows[t], conf->cap_rows[t] *
					     sizeof(*conf->rows[t]));
	}
	conf->rows[t][conf->n_rows[t]++] = row;
}

struct wft_conf *wft_conf_new(wft_uuid_gen *gen, void *gen_aux)
{
	struct wft_conf *conf = wft_xcalloc(1, sizeof(*conf));

	conf->gen = gen;
	conf->gen_aux = gen_aux;
	wft_conf_insert(conf, WFT_TBL_OPEN_VSWITCH);
	return conf;
}

void wft_conf_free(struct wft_conf *conf)
{
	size_t i;
	int t;

	if (!conf)
		return;
	for (t = 0; t < WFT_CONF_N_TABLES; t++) {
		for (i = 0; i < conf->n_rows[t]; i++)
			row_free(conf->rows[t][i]);
		free(conf->rows[t]);
	}
	free(conf);
}

static struct wft_row *row_clone(const struct wft_row *src)
{
	struct wft_row *row = wft_xcalloc(1, sizeof(*row));
	unsigned int i;

	row->table = src->table;
	row->uuid = src->uuid;
	row->cols = wft_xcalloc(src->table->n_columns, sizeof(*row->cols));
	for (i = 0; i < src->table->n_columns; i++)
		wft_datum_clone(&row->cols[i], &src->cols[i],
				&src->table->columns[i]);
	return row;
}

struct wft_conf *wft_conf_clone(const struct wft_conf *src)
{
	struct wft_conf *conf = wft_xcalloc(1, sizeof(*conf));
	size_t i;
	int t;

	conf->gen = src->gen;
	conf->gen_aux = src->gen_aux;
	for (t = 0; t < WFT_CONF_N_TABLES; t++)
		for (i = 0; i < src->n_rows[t]; i++)
			add_row(conf, row_clone(src->rows[t][i]));
	return conf;
}

static bool row_equal(const struct wft_row *a, const struct wft_row *b)
{
	const struct wft_table *t = a->table;
	unsigned int i;

	if (wft_uuid_cmp(&a->uuid, &b->uuid))
		return false;
	for (i = 0; i < t->n_columns; i++)
		if (!(t->columns[i].flags & WFT_COL_RUNTIME) &&
		    !wft_datum_equal(&a->cols[i], &b->cols[i],
				     &t->columns[i]))
			return false;
	return true;
}

bool wft_conf_equal(const struct wft_conf *a, const struct wft_conf *b)
{
	const struct wft_row *rb;
	size_t i;
	int t;

	for (t = 0; t < WFT_CONF_N_TABLES; t++) {
		if (a->n_rows[t] != b->n_rows[t])
			return false;
		for (i = 0; i < a->n_rows[t]; i++) {
			rb = wft_conf_get(b, t, &a->rows[t][i]->uuid);
			if (!rb || !row_equal(a->rows[t][i], rb))
				return false;
		}
	}
	return true;
}

struct wft_row *wft_conf_ovs(const struct wft_conf *conf)
{
	return conf->rows[WFT_TBL_OPEN_VSWITCH][0];
}

struct wft_row *wft_conf_insert(struct wft_conf *conf, enum wft_table_id t)
{
	struct wft_uuid u;
	struct wft_row *row;

	new_uuid(conf, &u);
	row = row_new(wft_table_get(t), &u);
	add_row(conf, row);
	return row;
}

void wft_conf_delete(struct wft_conf *conf, struct wft_row *row)
{
	enum wft_table_id t = row->table->id;
	size_t i;

	for (i = 0; i < conf->n_rows[t]; i++) {
		if (conf->rows[t][i] != row)
			continue;
		memmove(&conf->rows[t][i], &conf->rows[t][i + 1],
			(conf->n_rows[t] - i - 1) * sizeof(*conf->rows[t]));
		conf->n_rows[t]--;
		row_free(row);
		return;
	}
}

/* Removes references to rows that do not exist from every column. */
static void drop_dangling(struct wft_conf *conf)
{
	const struct wft_column *c;
	struct wft_datum *d;
	struct wft_row *row;
	unsigned int col, i;
	size_t r;
	int t;

	for (t = 0; t < WFT_CONF_N_TABLES; t++)
		for (r = 0; r < conf->n_rows[t]; r++) {
			row = conf->rows[t][r];
			for (col = 0; col < row->table->n_columns; col++) {
				c = &row->table->columns[col];
				d = &row->cols[col];
				if (c->key.type != WFT_AT_UUID)
					continue;
				for (i = 0; i < d->n;) {
					if (wft_conf_get(conf, c->key.ref,
							 &d->keys[i].u)) {
						i++;
						continue;
					}
					memmove(&d->keys[i], &d->keys[i + 1],
						(d->n - i - 1) *
						sizeof(*d->keys));
					d->n--;
				}
			}
		}
}

/* Deletes rows of @t that no row of @parent_t refers to through @col. */
static bool drop_orphans(struct wft_conf *conf, enum wft_table_id t,
			 enum wft_table_id parent_t, int col)
{
	const struct wft_column *c = &wft_table_get(parent_t)->columns[col];
	union wft_atom a;
	bool dropped = false;
	size_t i, p;

	for (i = 0; i < conf->n_rows[t];) {
		a.u = conf->rows[t][i]->uuid;
		for (p = 0; p < conf->n_rows[parent_t]; p++)
			if (wft_datum_find(&conf->rows[parent_t][p]->cols[col],
					   &a, c) >= 0)
				break;
		if (p < conf->n_rows[parent_t]) {
			i++;
			continue;
		}
		wft_conf_delete(conf, conf->rows[t][i]);
		dropped = true;
	}
	return dropped;
}

void wft_conf_gc(struct wft_conf *conf)
{
	drop_dangling(conf);
	drop_orphans(conf, WFT_TBL_BRIDGE, WFT_TBL_OPEN_VSWITCH,
		     WFT_OVS_BRIDGES);
	drop_orphans(conf, WFT_TBL_PORT, WFT_TBL_BRIDGE, WFT_BR_PORTS);
	drop_orphans(conf, WFT_TBL_INTERFACE, WFT_TBL_PORT,
		     WFT_PORT_INTERFACES);
	drop_orphans(conf, WFT_TBL_SSL, WFT_TBL_OPEN_VSWITCH, WFT_OVS_SSL);
	drop_dangling(conf);
}

struct wft_row *wft_conf_get(const struct wft_conf *conf, enum wft_table_id t,
			     const struct wft_uuid *u)
{
	size_t i;

	for (i = 0; i < conf->n_rows[t]; i++)
		if (!wft_uuid_cmp(&conf->rows[t][i]->uuid, u))
			return conf->rows[t][i];
	return NULL;
}

struct wft_row *wft_conf_find(const struct wft_conf *conf,
			      enum wft_table_id t, const char *name)
{
	struct wft_uuid u;
	size_t i;

	if (t == WFT_TBL_OPEN_VSWITCH && !strcmp(name, "."))
		return wft_conf_ovs(conf);
	/* As in ovs-vsctl: "." is the SSL row Open_vSwitch refers to. */
	if (t == WFT_TBL_SSL && !strcmp(name, ".")) {
		const struct wft_datum *d =
			&wft_conf_ovs(conf)->cols[WFT_OVS_SSL];

		return d->n ? wft_conf_get(conf, t, &d->keys[0].u) : NULL;
	}
	if (wft_table_get(t)->name_column >= 0)
		for (i = 0; i < conf->n_rows[t]; i++)
			if (!strcmp(wft_row_name(conf->rows[t][i]), name))
				return conf->rows[t][i];
	if (wft_uuid_parse(name, &u))
		return wft_conf_get(conf, t, &u);
	return NULL;
}

/* The row of @parent_t whose column @col refers to @child. */
static struct wft_row *parent_of(const struct wft_conf *conf,
				 enum wft_table_id parent_t, int col,
				 const struct wft_row *child)
{
	const struct wft_column *c = &wft_table_get(parent_t)->columns[col];
	union wft_atom a = { .u = child->uuid };
	size_t i;

	for (i = 0; i < conf->n_rows[parent_t]; i++)
		if (wft_datum_find(&conf->rows[parent_t][i]->cols[col], &a,
				   c) >= 0)
			return conf->rows[parent_t][i];
	return NULL;
}

struct wft_row *wft_conf_port_bridge(const struct wft_conf *conf,
				     const struct wft_row *port)
{
	return parent_of(conf, WFT_TBL_BRIDGE, WFT_BR_PORTS, port);
}

struct wft_row *wft_conf_iface_port(const struct wft_conf *conf,
				    const struct wft_row *iface)
{
	return parent_of(conf, WFT_TBL_PORT, WFT_PORT_INTERFACES, iface);
}

static int cmp_by_name(const void *a, const void *b)
{
	const struct wft_row *ra = *(const struct wft_row *const *)a;
	const struct wft_row *rb = *(const struct wft_row *const *)b;

	return strcmp(wft_row_name(ra), wft_row_name(rb));
}

struct wft_row **wft_conf_sorted(const struct wft_conf *conf,
				 enum wft_table_id t, size_t *n)
{
	struct wft_row **rows;

	*n = conf->n_rows[t];
	rows = wft_xmalloc((*n ? *n : 1) * sizeof(*rows));
	if (*n)
		memcpy(rows, conf->rows[t], *n * sizeof(*rows));
	if (wft_table_get(t)->name_column >= 0)
		qsort(rows, *n, sizeof(*rows), cmp_by_name);
	return rows;
}

/* Typed access. */

const char *wft_row_name(const struct wft_row *row)
{
	int col = row->table->name_column;

	return col >= 0 ? wft_row_string(row, col) : ".";
}

const char *wft_row_string(const struct wft_row *row, int col)
{
	const struct wft_datum *d = &row->cols[col];

	return d->n ? d->keys[0].s : NULL;
}

bool wft_row_int(const struct wft_row *row, int col, int64_t *v)
{
	const struct wft_datum *d = &row->cols[col];

	if (!d->n)
		return false;
	*v = d->keys[0].i;
	return true;
}

bool wft_row_bool(const struct wft_row *row, int col)
{
	return row->cols[col].n && row->cols[col].keys[0].b;
}

const char *wft_row_map_get(const struct wft_row *row, int col,
			    const char *key)
{
	const struct wft_column *c = &row->table->columns[col];
	union wft_atom k = { .s = (char *)key };
	int i = wft_datum_find(&row->cols[col], &k, c);

	return i >= 0 ? row->cols[col].values[i].s : NULL;
}

void wft_row_set(struct wft_row *row, int col, struct wft_datum *d)
{
	const struct wft_column *c = &row->table->columns[col];

	wft_datum_destroy(&row->cols[col], c);
	row->cols[col] = *d;
	wft_datum_init(d);
}

void wft_row_set_string(struct wft_row *row, int col, const char *s)
{
	const struct wft_column *c = &row->table->columns[col];
	union wft_atom a = { .s = (char *)s };
	struct wft_datum d;

	wft_datum_init(&d);
	if (s)
		wft_datum_append(&d, &a, NULL, c);
	wft_row_set(row, col, &d);
}

void wft_row_set_opt_int(struct wft_row *row, int col, bool has, int64_t v)
{
	const struct wft_column *c = &row->table->columns[col];
	union wft_atom a = { .i = v };
	struct wft_datum d;

	wft_datum_init(&d);
	if (has)
		wft_datum_append(&d, &a, NULL, c);
	wft_row_set(row, col, &d);
}

void wft_row_map_put(struct wft_row *row, int col, const char *key,
		     const char *value)
{
	const struct wft_column *c = &row->table->columns[col];
	union wft_atom k = { .s = (char *)key }, v = { .s = (char *)value };
	struct wft_datum d;

	wft_datum_init(&d);
	wft_datum_append(&d, &k, &v, c);
	wft_datum_union(&row->cols[col], &d, c);
	wft_datum_destroy(&d, c);
}

void wft_conf_clear_runtime(struct wft_conf *conf)
{
	const struct wft_table *tbl;
	struct wft_row *row;
	unsigned int col;
	size_t i;
	int t;

	for (t = 0; t < WFT_CONF_N_TABLES; t++) {
		tbl = wft_table_get(t);
		for (i = 0; i < conf->n_rows[t]; i++) {
			row = conf->rows[t][i];
			for (col = 0; col < tbl->n_columns; col++) {
				if (!(tbl->columns[col].flags &
				      WFT_COL_RUNTIME))
					continue;
				wft_datum_destroy(&row->cols[col],
						  &tbl->columns[col]);
				wft_datum_default(&row->cols[col],
						  &tbl->columns[col]);
			}
		}
	}
}
