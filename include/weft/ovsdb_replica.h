/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A local replica of an OVSDB database: tables of rows keyed by UUID, fed
 * by monitor updates, with change tracking for the consumer (the logical
 * flow compiler): every row inserted, modified (with the old value of each
 * changed column) or deleted since the last wft_ovsdb_replica_consume().
 *
 * Tracking rules when a row changes several times between two consumes:
 * inserted then modified stays inserted; inserted then deleted vanishes;
 * modified keeps the oldest value of each column; deleted then inserted
 * again becomes modified against the deleted values.
 */
#ifndef WEFT_OVSDB_REPLICA_H
#define WEFT_OVSDB_REPLICA_H

#include "weft/ovsdb.h"

struct wft_ovsdb_replica;
struct wft_ovsdb_rtable;
struct wft_ovsdb_row;

enum wft_ovsdb_change {
	WFT_OVSDB_UNCHANGED,
	WFT_OVSDB_INSERTED,
	WFT_OVSDB_MODIFIED,
	WFT_OVSDB_DELETED,
};

/* Takes ownership of @schema. */
struct wft_ovsdb_replica *wft_ovsdb_replica_new(struct wft_ovsdb_schema *schema);
void wft_ovsdb_replica_free(struct wft_ovsdb_replica *r);
const struct wft_ovsdb_schema *
wft_ovsdb_replica_schema(const struct wft_ovsdb_replica *r);

/* Updates, as the monitor methods deliver them. Each returns 0 or -EPROTO
 * with the reason in @err; rows before the bad one stay applied. */
/* update2/update3 and the results of monitor_cond(_since):
 * {table: {uuid: {"initial"|"insert"|"modify"|"delete": row|null}}} */
int wft_ovsdb_replica_apply_update2(struct wft_ovsdb_replica *r,
				    const json_t *updates,
				    struct wft_strbuf *err);
/* RFC 7047's "update" and the result of "monitor":
 * {table: {uuid: {"old": row, "new": row}}} */
int wft_ovsdb_replica_apply_update(struct wft_ovsdb_replica *r,
				   const json_t *updates,
				   struct wft_strbuf *err);
/*
 * A full resync (a reconnection that could not resume): between begin and
 * end, every row that the new contents insert or modify is kept; end
 * deletes the others. The differences are tracked like any update.
 */
void wft_ovsdb_replica_resync_begin(struct wft_ovsdb_replica *r);
void wft_ovsdb_replica_resync_end(struct wft_ovsdb_replica *r);

/* Forgets every tracked change and frees the deleted rows. */
void wft_ovsdb_replica_consume(struct wft_ovsdb_replica *r);
/* True when some change is tracked. */
bool wft_ovsdb_replica_has_changes(const struct wft_ovsdb_replica *r);

/* Tables and rows. */
struct wft_ovsdb_rtable *wft_ovsdb_replica_table(struct wft_ovsdb_replica *r,
						 const char *name);
const struct wft_ovsdb_table_schema *
wft_ovsdb_rtable_schema(const struct wft_ovsdb_rtable *t);
size_t wft_ovsdb_rtable_count(const struct wft_ovsdb_rtable *t);
struct wft_ovsdb_row *wft_ovsdb_rtable_find(const struct wft_ovsdb_rtable *t,
					    const struct wft_uuid *uuid);
/* The rows present, in no particular order. */
struct wft_ovsdb_row *wft_ovsdb_rtable_first(const struct wft_ovsdb_rtable *t);
struct wft_ovsdb_row *wft_ovsdb_row_next(const struct wft_ovsdb_row *row);
/* The rows changed since the last consume, deleted ones included. */
struct wft_ovsdb_row *
wft_ovsdb_rtable_tracked_first(const struct wft_ovsdb_rtable *t);
struct wft_ovsdb_row *
wft_ovsdb_row_tracked_next(const struct wft_ovsdb_row *row);

const struct wft_uuid *wft_ovsdb_row_uuid(const struct wft_ovsdb_row *row);
enum wft_ovsdb_change wft_ovsdb_row_change(const struct wft_ovsdb_row *row);
const char *wft_ovsdb_row_table_name(const struct wft_ovsdb_row *row);
/* A column's value (for a deleted row, its last value); @col is an index
 * from wft_ovsdb_table_column(). */
const struct wft_ovsdb_datum *wft_ovsdb_row_get(const struct wft_ovsdb_row *row,
						int col);
/* By name; NULL when the table has no such column. */
const struct wft_ovsdb_datum *
wft_ovsdb_row_get_named(const struct wft_ovsdb_row *row, const char *col);
/* A modified row's changed columns and their values before the change
 * (for other rows: false, and the current value). */
bool wft_ovsdb_row_changed(const struct wft_ovsdb_row *row, int col);
const struct wft_ovsdb_datum *wft_ovsdb_row_old(const struct wft_ovsdb_row *row,
						int col);
/* Convenience for scalar columns: the first key, or @def when empty or
 * when there is no such column. */
const char *wft_ovsdb_row_string(const struct wft_ovsdb_row *row,
				 const char *col, const char *def);
int64_t wft_ovsdb_row_integer(const struct wft_ovsdb_row *row,
			      const char *col, int64_t def);
bool wft_ovsdb_row_bool(const struct wft_ovsdb_row *row, const char *col,
			bool def);
/* For string-to-string map columns (options, external_ids...): @key's
 * value, NULL when the map has no such key or there is no such column. */
const char *wft_ovsdb_row_map_get(const struct wft_ovsdb_row *row,
				  const char *col, const char *key);

/* The row in `select` form: {"_uuid": ["uuid", U], column: datum, ...},
 * every column included. */
json_t *wft_ovsdb_row_to_json(const struct wft_ovsdb_row *row);
/* {table: {uuid: row-without-_uuid}} for @tables (NULL: every non-empty
 * table), as weft-ovsdb-dump prints it. */
json_t *wft_ovsdb_replica_to_json(struct wft_ovsdb_replica *r,
				  const char *const *tables);

#endif /* WEFT_OVSDB_REPLICA_H */
