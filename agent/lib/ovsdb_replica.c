// SPDX-License-Identifier: GPL-2.0
/*
 * The OVSDB replica and its change tracking (see
 * include/weft/ovsdb_replica.h).
 *
 * Each table hashes its rows by UUID. A deleted row leaves the list of
 * live rows but stays in the hash (marked dead) and on the tracked list
 * until the next consume, so that the consumer can still read what it
 * was, and so that a row deleted and inserted again before the consume
 * (a condition narrowed then widened) is reported as one modification.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovsdb_replica.h"
#include "weft/util.h"

struct wft_ovsdb_row {
	struct wft_uuid uuid;
	struct wft_ovsdb_rtable *table;
	struct wft_ovsdb_datum *cols;
	struct wft_ovsdb_datum *old;	/* [n_columns], valid if changed */
	bool *changed;			/* [n_columns] */
	enum wft_ovsdb_change change;
	enum wft_ovsdb_change before_delete;
	bool live;			/* on the live list */
	bool tracked;			/* on the tracked list */
	bool stale;			/* resync: not seen yet */
	struct wft_ovsdb_row *hnext;
	struct wft_ovsdb_row *prev, *next;	/* live list */
	struct wft_ovsdb_row *tprev, *tnext;	/* tracked list */
};

struct wft_ovsdb_rtable {
	struct wft_ovsdb_replica *replica;
	const struct wft_ovsdb_table_schema *ts;
	struct wft_ovsdb_row **buckets;
	size_t n_buckets;
	size_t n_hashed;		/* live and dead */
	size_t n_live;
	struct wft_ovsdb_row *head;	/* live rows */
	struct wft_ovsdb_row *thead;	/* tracked rows */
};

struct wft_ovsdb_replica {
	struct wft_ovsdb_schema *schema;
	struct wft_ovsdb_rtable *tables;	/* schema order */
	size_t n_tracked;
};

static size_t uuid_hash(const struct wft_uuid *u)
{
	size_t h;

	/* UUIDs are random: their first bytes are a good hash already. */
	memcpy(&h, u->b, sizeof(h));
	return h;
}

struct wft_ovsdb_replica *wft_ovsdb_replica_new(struct wft_ovsdb_schema *schema)
{
	struct wft_ovsdb_replica *r = wft_xcalloc(1, sizeof(*r));
	unsigned int i;

	r->schema = schema;
	r->tables = wft_xcalloc(schema->n_tables ?: 1, sizeof(*r->tables));
	for (i = 0; i < schema->n_tables; i++) {
		r->tables[i].replica = r;
		r->tables[i].ts = &schema->tables[i];
		r->tables[i].n_buckets = 16;
		r->tables[i].buckets = wft_xcalloc(16, sizeof(void *));
	}
	return r;
}

static void row_free(struct wft_ovsdb_row *row)
{
	const struct wft_ovsdb_table_schema *ts = row->table->ts;
	unsigned int i;

	for (i = 0; i < ts->n_columns; i++) {
		wft_ovsdb_datum_destroy(&ts->columns[i].type, &row->cols[i]);
		if (row->changed && row->changed[i])
			wft_ovsdb_datum_destroy(&ts->columns[i].type,
						&row->old[i]);
	}
	free(row->cols);
	free(row->old);
	free(row->changed);
	free(row);
}

void wft_ovsdb_replica_free(struct wft_ovsdb_replica *r)
{
	unsigned int i;
	size_t b;

	if (!r)
		return;
	for (i = 0; i < r->schema->n_tables; i++) {
		struct wft_ovsdb_rtable *t = &r->tables[i];

		for (b = 0; b < t->n_buckets; b++) {
			struct wft_ovsdb_row *row = t->buckets[b], *next;

			for (; row; row = next) {
				next = row->hnext;
				row_free(row);
			}
		}
		free(t->buckets);
	}
	free(r->tables);
	wft_ovsdb_schema_free(r->schema);
	free(r);
}

const struct wft_ovsdb_schema *
wft_ovsdb_replica_schema(const struct wft_ovsdb_replica *r)
{
	return r->schema;
}

struct wft_ovsdb_rtable *wft_ovsdb_replica_table(struct wft_ovsdb_replica *r,
						 const char *name)
{
	const struct wft_ovsdb_table_schema *ts;

	ts = wft_ovsdb_schema_table(r->schema, name);
	return ts ? &r->tables[ts - r->schema->tables] : NULL;
}

const struct wft_ovsdb_table_schema *
wft_ovsdb_rtable_schema(const struct wft_ovsdb_rtable *t)
{
	return t->ts;
}

size_t wft_ovsdb_rtable_count(const struct wft_ovsdb_rtable *t)
{
	return t->n_live;
}

/* Live or dead. */
static struct wft_ovsdb_row *lookup(const struct wft_ovsdb_rtable *t,
				    const struct wft_uuid *uuid)
{
	struct wft_ovsdb_row *row;

	row = t->buckets[uuid_hash(uuid) & (t->n_buckets - 1)];
	for (; row; row = row->hnext)
		if (!wft_uuid_cmp(&row->uuid, uuid))
			return row;
	return NULL;
}

struct wft_ovsdb_row *wft_ovsdb_rtable_find(const struct wft_ovsdb_rtable *t,
					    const struct wft_uuid *uuid)
{
	struct wft_ovsdb_row *row = lookup(t, uuid);

	return row && row->live ? row : NULL;
}

struct wft_ovsdb_row *wft_ovsdb_rtable_first(const struct wft_ovsdb_rtable *t)
{
	return t->head;
}

struct wft_ovsdb_row *wft_ovsdb_row_next(const struct wft_ovsdb_row *row)
{
	return row->next;
}

struct wft_ovsdb_row *
wft_ovsdb_rtable_tracked_first(const struct wft_ovsdb_rtable *t)
{
	return t->thead;
}

struct wft_ovsdb_row *
wft_ovsdb_row_tracked_next(const struct wft_ovsdb_row *row)
{
	return row->tnext;
}

/* Hash and list bookkeeping. */

static void rehash(struct wft_ovsdb_rtable *t)
{
	size_t n = t->n_buckets * 4, b;
	struct wft_ovsdb_row **nb = wft_xcalloc(n, sizeof(*nb));

	for (b = 0; b < t->n_buckets; b++) {
		struct wft_ovsdb_row *row = t->buckets[b], *next;

		for (; row; row = next) {
			size_t h = uuid_hash(&row->uuid) & (n - 1);

			next = row->hnext;
			row->hnext = nb[h];
			nb[h] = row;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->n_buckets = n;
}

static void hash_insert(struct wft_ovsdb_rtable *t, struct wft_ovsdb_row *row)
{
	size_t h;

	if (t->n_hashed >= t->n_buckets * 2)
		rehash(t);
	h = uuid_hash(&row->uuid) & (t->n_buckets - 1);
	row->hnext = t->buckets[h];
	t->buckets[h] = row;
	t->n_hashed++;
}

static void hash_remove(struct wft_ovsdb_rtable *t, struct wft_ovsdb_row *row)
{
	struct wft_ovsdb_row **p;

	p = &t->buckets[uuid_hash(&row->uuid) & (t->n_buckets - 1)];
	for (; *p; p = &(*p)->hnext) {
		if (*p == row) {
			*p = row->hnext;
			t->n_hashed--;
			return;
		}
	}
}

static void live_link(struct wft_ovsdb_rtable *t, struct wft_ovsdb_row *row)
{
	row->prev = NULL;
	row->next = t->head;
	if (t->head)
		t->head->prev = row;
	t->head = row;
	row->live = true;
	t->n_live++;
}

static void live_unlink(struct wft_ovsdb_rtable *t, struct wft_ovsdb_row *row)
{
	if (row->prev)
		row->prev->next = row->next;
	else
		t->head = row->next;
	if (row->next)
		row->next->prev = row->prev;
	row->prev = row->next = NULL;
	row->live = false;
	t->n_live--;
}

static void track(struct wft_ovsdb_row *row)
{
	struct wft_ovsdb_rtable *t = row->table;

	if (row->tracked)
		return;
	row->tprev = NULL;
	row->tnext = t->thead;
	if (t->thead)
		t->thead->tprev = row;
	t->thead = row;
	row->tracked = true;
	t->replica->n_tracked++;
}

static void untrack(struct wft_ovsdb_row *row)
{
	struct wft_ovsdb_rtable *t = row->table;

	if (!row->tracked)
		return;
	if (row->tprev)
		row->tprev->tnext = row->tnext;
	else
		t->thead = row->tnext;
	if (row->tnext)
		row->tnext->tprev = row->tprev;
	row->tprev = row->tnext = NULL;
	row->tracked = false;
	t->replica->n_tracked--;
}

/* Changes. */

static struct wft_ovsdb_datum *default_cols(const struct wft_ovsdb_table_schema *ts)
{
	struct wft_ovsdb_datum *cols;
	unsigned int i;

	cols = wft_xcalloc(ts->n_columns ?: 1, sizeof(*cols));
	for (i = 0; i < ts->n_columns; i++)
		wft_ovsdb_datum_default(&ts->columns[i].type, &cols[i]);
	return cols;
}

static void free_cols(const struct wft_ovsdb_table_schema *ts,
		      struct wft_ovsdb_datum *cols)
{
	unsigned int i;

	for (i = 0; i < ts->n_columns; i++)
		wft_ovsdb_datum_destroy(&ts->columns[i].type, &cols[i]);
	free(cols);
}

/* Sets one column to @val (taken). */
static void set_column(struct wft_ovsdb_row *row, unsigned int col,
		       struct wft_ovsdb_datum *val)
{
	const struct wft_ovsdb_table_schema *ts = row->table->ts;
	const struct wft_ovsdb_type *type = &ts->columns[col].type;

	if (wft_ovsdb_datum_equal(type, &row->cols[col], val)) {
		wft_ovsdb_datum_destroy(type, val);
		return;
	}
	if (row->change == WFT_OVSDB_UNCHANGED) {
		row->change = WFT_OVSDB_MODIFIED;
		track(row);
	}
	if (row->change == WFT_OVSDB_MODIFIED) {
		if (!row->old) {
			row->old = wft_xcalloc(ts->n_columns,
					       sizeof(*row->old));
			row->changed = wft_xcalloc(ts->n_columns,
						   sizeof(*row->changed));
		}
		if (!row->changed[col]) {
			row->old[col] = row->cols[col];
			row->changed[col] = true;
			row->cols[col] = *val;
			return;
		}
	}
	wft_ovsdb_datum_destroy(type, &row->cols[col]);
	row->cols[col] = *val;
}

/* Gives the row the values in @cols (taken), tracking the differences. */
static void set_all(struct wft_ovsdb_row *row, struct wft_ovsdb_datum *cols)
{
	unsigned int i;

	for (i = 0; i < row->table->ts->n_columns; i++)
		set_column(row, i, &cols[i]);
	free(cols);
}

/* A row that the server inserted (or sent whole): @cols taken. */
static void upsert(struct wft_ovsdb_rtable *t, const struct wft_uuid *uuid,
		   struct wft_ovsdb_datum *cols)
{
	struct wft_ovsdb_row *row = lookup(t, uuid);

	if (row && !row->live) {
		/* Deleted and back before a consume: a modification
		 * against what it was (or an insert, if it was one). */
		row->change = row->before_delete == WFT_OVSDB_UNCHANGED ?
			      WFT_OVSDB_MODIFIED : row->before_delete;
		live_link(t, row);
		set_all(row, cols);
	} else if (row) {
		set_all(row, cols);
	} else {
		row = wft_xcalloc(1, sizeof(*row));
		row->uuid = *uuid;
		row->table = t;
		row->cols = cols;
		row->change = WFT_OVSDB_INSERTED;
		hash_insert(t, row);
		live_link(t, row);
		track(row);
	}
	row->stale = false;
	if (row->change == WFT_OVSDB_MODIFIED && row->tracked && row->old) {
		unsigned int i;

		for (i = 0; i < t->ts->n_columns; i++)
			if (row->changed[i])
				return;
	}
	if (row->change == WFT_OVSDB_MODIFIED && !row->old) {
		/* Came back unchanged. */
		row->change = WFT_OVSDB_UNCHANGED;
		untrack(row);
	}
}

static void delete_row(struct wft_ovsdb_row *row)
{
	struct wft_ovsdb_rtable *t = row->table;

	live_unlink(t, row);
	if (row->change == WFT_OVSDB_INSERTED) {
		untrack(row);
		hash_remove(t, row);
		row_free(row);
		return;
	}
	row->before_delete = row->change;
	row->change = WFT_OVSDB_DELETED;
	track(row);
}

/* Parses {column: datum} over the defaults (or, with @diff, a diff). */
static int parse_row(const struct wft_ovsdb_table_schema *ts,
		     const json_t *j, struct wft_ovsdb_datum **colsp,
		     struct wft_strbuf *err)
{
	struct wft_ovsdb_datum *cols;
	const char *name;
	json_t *v;

	*colsp = NULL;
	if (!json_is_object(j)) {
		wft_strbuf_printf(err, "%s: a row must be an object",
				  ts->name);
		return -EPROTO;
	}
	cols = default_cols(ts);
	json_object_foreach((json_t *)j, name, v) {
		int c = wft_ovsdb_table_column(ts, name);

		/* Columns we do not know (_version, or a newer schema
		 * than the one loaded) are not ours to keep. */
		if (c < 0)
			continue;
		wft_ovsdb_datum_destroy(&ts->columns[c].type, &cols[c]);
		if (wft_ovsdb_datum_from_json(&ts->columns[c].type, v, false,
					      &cols[c], err)) {
			wft_strbuf_printf(err, " (%s.%s)", ts->name, name);
			wft_ovsdb_datum_default(&ts->columns[c].type,
						&cols[c]);
			free_cols(ts, cols);
			return -EPROTO;
		}
	}
	*colsp = cols;
	return 0;
}

static int apply_modify(struct wft_ovsdb_row *row, const json_t *j,
			struct wft_strbuf *err)
{
	const struct wft_ovsdb_table_schema *ts = row->table->ts;
	const char *name;
	json_t *v;

	if (!json_is_object(j)) {
		wft_strbuf_printf(err, "%s: a modify must be an object",
				  ts->name);
		return -EPROTO;
	}
	json_object_foreach((json_t *)j, name, v) {
		int c = wft_ovsdb_table_column(ts, name);
		const struct wft_ovsdb_type *type;
		struct wft_ovsdb_datum diff, val;

		if (c < 0)
			continue;
		type = &ts->columns[c].type;
		if (wft_ovsdb_datum_from_json(type, v, true, &diff, err))
			goto bad;
		wft_ovsdb_datum_clone(type, &val, &row->cols[c]);
		if (wft_ovsdb_datum_apply_diff(type, &val, &diff, err)) {
			wft_ovsdb_datum_destroy(type, &diff);
			wft_ovsdb_datum_destroy(type, &val);
			goto bad;
		}
		wft_ovsdb_datum_destroy(type, &diff);
		set_column(row, (unsigned int)c, &val);
		continue;
bad:
		wft_strbuf_printf(err, " (%s.%s)", ts->name, name);
		return -EPROTO;
	}
	return 0;
}

static int apply_row_update2(struct wft_ovsdb_rtable *t,
			     const struct wft_uuid *uuid, const json_t *u,
			     struct wft_strbuf *err)
{
	struct wft_ovsdb_datum *cols;
	struct wft_ovsdb_row *row;
	const char *op;
	json_t *v;
	void *it;

	it = json_is_object(u) ? json_object_iter((json_t *)u) : NULL;
	if (!it || json_object_size(u) != 1) {
		wft_strbuf_printf(err, "%s: a row update has one member",
				  t->ts->name);
		return -EPROTO;
	}
	op = json_object_iter_key(it);
	v = json_object_iter_value(it);
	if (!strcmp(op, "initial") || !strcmp(op, "insert")) {
		if (parse_row(t->ts, v, &cols, err))
			return -EPROTO;
		upsert(t, uuid, cols);
		return 0;
	}
	row = wft_ovsdb_rtable_find(t, uuid);
	if (!strcmp(op, "modify")) {
		if (!row)
			goto unknown;
		return apply_modify(row, v, err);
	}
	if (!strcmp(op, "delete")) {
		if (!row)
			goto unknown;
		delete_row(row);
		return 0;
	}
	wft_strbuf_printf(err, "%s: unknown row update \"%s\"", t->ts->name,
			  op);
	return -EPROTO;
unknown:
	{
		char buf[WFT_UUID_STRLEN + 1];

		wft_uuid_format(uuid, buf);
		wft_strbuf_printf(err, "%s: %s of unknown row %s",
				  t->ts->name, op, buf);
	}
	return -EPROTO;
}

/* Walks {table: {uuid: X}}, calling @fn for each row. */
static int for_each_row_update(struct wft_ovsdb_replica *r,
			       const json_t *updates,
			       int (*fn)(struct wft_ovsdb_rtable *,
					 const struct wft_uuid *,
					 const json_t *, struct wft_strbuf *),
			       struct wft_strbuf *err)
{
	const char *tname, *uname;
	json_t *rows, *u;

	if (!json_is_object(updates)) {
		wft_strbuf_printf(err, "updates must be an object");
		return -EPROTO;
	}
	json_object_foreach((json_t *)updates, tname, rows) {
		struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, tname);

		if (!t || !json_is_object(rows)) {
			wft_strbuf_printf(err, "update for unknown table %s",
					  tname);
			return -EPROTO;
		}
		json_object_foreach(rows, uname, u) {
			struct wft_uuid uuid;

			if (!wft_uuid_parse(uname, &uuid)) {
				wft_strbuf_printf(err, "%s: bad row UUID %s",
						  tname, uname);
				return -EPROTO;
			}
			if (fn(t, &uuid, u, err))
				return -EPROTO;
		}
	}
	return 0;
}

int wft_ovsdb_replica_apply_update2(struct wft_ovsdb_replica *r,
				    const json_t *updates,
				    struct wft_strbuf *err)
{
	return for_each_row_update(r, updates, apply_row_update2, err);
}

static int apply_row_update1(struct wft_ovsdb_rtable *t,
			     const struct wft_uuid *uuid, const json_t *u,
			     struct wft_strbuf *err)
{
	const json_t *nw = json_object_get(u, "new");
	struct wft_ovsdb_datum *cols;
	struct wft_ovsdb_row *row;

	if (nw) {
		if (parse_row(t->ts, nw, &cols, err))
			return -EPROTO;
		upsert(t, uuid, cols);
		return 0;
	}
	row = wft_ovsdb_rtable_find(t, uuid);
	if (row && json_object_get(u, "old"))
		delete_row(row);
	return 0;
}

int wft_ovsdb_replica_apply_update(struct wft_ovsdb_replica *r,
				   const json_t *updates,
				   struct wft_strbuf *err)
{
	return for_each_row_update(r, updates, apply_row_update1, err);
}

void wft_ovsdb_replica_resync_begin(struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_row *row;
	unsigned int i;

	for (i = 0; i < r->schema->n_tables; i++)
		for (row = r->tables[i].head; row; row = row->next)
			row->stale = true;
}

void wft_ovsdb_replica_resync_end(struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_row *row, *next;
	unsigned int i;

	for (i = 0; i < r->schema->n_tables; i++) {
		for (row = r->tables[i].head; row; row = next) {
			next = row->next;
			if (row->stale) {
				row->stale = false;
				delete_row(row);
			}
		}
	}
}

void wft_ovsdb_replica_consume(struct wft_ovsdb_replica *r)
{
	unsigned int i, c;

	for (i = 0; i < r->schema->n_tables; i++) {
		struct wft_ovsdb_rtable *t = &r->tables[i];
		struct wft_ovsdb_row *row;

		while ((row = t->thead)) {
			untrack(row);
			if (row->change == WFT_OVSDB_DELETED) {
				hash_remove(t, row);
				row_free(row);
				continue;
			}
			if (row->old) {
				for (c = 0; c < t->ts->n_columns; c++)
					if (row->changed[c])
						wft_ovsdb_datum_destroy(
						    &t->ts->columns[c].type,
						    &row->old[c]);
				free(row->old);
				free(row->changed);
				row->old = NULL;
				row->changed = NULL;
			}
			row->change = WFT_OVSDB_UNCHANGED;
		}
	}
}

bool wft_ovsdb_replica_has_changes(const struct wft_ovsdb_replica *r)
{
	return r->n_tracked > 0;
}

/* Rows. */

const struct wft_uuid *wft_ovsdb_row_uuid(const struct wft_ovsdb_row *row)
{
	return &row->uuid;
}

enum wft_ovsdb_change wft_ovsdb_row_change(const struct wft_ovsdb_row *row)
{
	return row->change;
}

const char *wft_ovsdb_row_table_name(const struct wft_ovsdb_row *row)
{
	return row->table->ts->name;
}

const struct wft_ovsdb_datum *wft_ovsdb_row_get(const struct wft_ovsdb_row *row,
						int col)
{
	return &row->cols[col];
}

const struct wft_ovsdb_datum *
wft_ovsdb_row_get_named(const struct wft_ovsdb_row *row, const char *col)
{
	int c = wft_ovsdb_table_column(row->table->ts, col);

	return c < 0 ? NULL : &row->cols[c];
}

bool wft_ovsdb_row_changed(const struct wft_ovsdb_row *row, int col)
{
	return row->change == WFT_OVSDB_MODIFIED && row->changed &&
	       row->changed[col];
}

const struct wft_ovsdb_datum *wft_ovsdb_row_old(const struct wft_ovsdb_row *row,
						int col)
{
	return row->changed && row->changed[col] ? &row->old[col] :
	       &row->cols[col];
}

static const struct wft_ovsdb_datum *
scalar(const struct wft_ovsdb_row *row, const char *col,
       enum wft_ovsdb_atype type)
{
	int c = wft_ovsdb_table_column(row->table->ts, col);

	if (c < 0 || row->table->ts->columns[c].type.key != type ||
	    !row->cols[c].n)
		return NULL;
	return &row->cols[c];
}

const char *wft_ovsdb_row_string(const struct wft_ovsdb_row *row,
				 const char *col, const char *def)
{
	const struct wft_ovsdb_datum *d = scalar(row, col, WFT_OVSDB_STRING);

	return d ? d->keys[0].s : def;
}

const char *wft_ovsdb_row_map_get(const struct wft_ovsdb_row *row,
				  const char *col, const char *key)
{
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(row, col);
	unsigned int i;

	for (i = 0; d && d->values && i < d->n; i++)
		if (!strcmp(d->keys[i].s, key))
			return d->values[i].s;
	return NULL;
}

int64_t wft_ovsdb_row_integer(const struct wft_ovsdb_row *row,
			      const char *col, int64_t def)
{
	const struct wft_ovsdb_datum *d = scalar(row, col, WFT_OVSDB_INTEGER);

	return d ? d->keys[0].i : def;
}

bool wft_ovsdb_row_bool(const struct wft_ovsdb_row *row, const char *col,
			bool def)
{
	const struct wft_ovsdb_datum *d = scalar(row, col, WFT_OVSDB_BOOLEAN);

	return d ? d->keys[0].b : def;
}

static json_t *row_columns_json(const struct wft_ovsdb_row *row)
{
	const struct wft_ovsdb_table_schema *ts = row->table->ts;
	json_t *j = json_object();
	unsigned int i;

	for (i = 0; i < ts->n_columns; i++)
		json_object_set_new(j, ts->columns[i].name,
				    wft_ovsdb_datum_to_json(
					&ts->columns[i].type, &row->cols[i]));
	return j;
}

json_t *wft_ovsdb_row_to_json(const struct wft_ovsdb_row *row)
{
	json_t *j = row_columns_json(row);

	json_object_set_new(j, "_uuid", wft_ovsdb_uuid_json(&row->uuid));
	return j;
}

static void table_to_json(const struct wft_ovsdb_rtable *t, json_t *out)
{
	json_t *rows = json_object();
	struct wft_ovsdb_row *row;

	for (row = t->head; row; row = row->next) {
		char buf[WFT_UUID_STRLEN + 1];

		wft_uuid_format(&row->uuid, buf);
		json_object_set_new(rows, buf, row_columns_json(row));
	}
	json_object_set_new(out, t->ts->name, rows);
}

json_t *wft_ovsdb_replica_to_json(struct wft_ovsdb_replica *r,
				  const char *const *tables)
{
	json_t *out = json_object();
	unsigned int i;

	if (tables) {
		for (; *tables; tables++) {
			struct wft_ovsdb_rtable *t;

			t = wft_ovsdb_replica_table(r, *tables);
			if (t)
				table_to_json(t, out);
		}
		return out;
	}
	for (i = 0; i < r->schema->n_tables; i++)
		if (r->tables[i].n_live)
			table_to_json(&r->tables[i], out);
	return out;
}
