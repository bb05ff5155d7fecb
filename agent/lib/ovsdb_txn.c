// SPDX-License-Identifier: GPL-2.0
/*
 * The `transact` builder and the parsing of its reply (see
 * include/weft/ovsdb_client.h). RFC 7047 section 5.2: operations run in
 * order and all or none commit; the reply has one result per operation,
 * and one more when the commit itself failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovsdb_client.h"
#include "weft/util.h"

struct wft_ovsdb_txn {
	json_t *params;		/* [db, op...] */
};

struct wft_ovsdb_txn *wft_ovsdb_txn_new(const char *db)
{
	struct wft_ovsdb_txn *t = wft_xcalloc(1, sizeof(*t));

	t->params = json_pack("[s]", db);
	return t;
}

void wft_ovsdb_txn_free(struct wft_ovsdb_txn *t)
{
	if (!t)
		return;
	json_decref(t->params);
	free(t);
}

const json_t *wft_ovsdb_txn_json(const struct wft_ovsdb_txn *t)
{
	return t->params;
}

static int add_op(struct wft_ovsdb_txn *t, json_t *op)
{
	json_array_append_new(t->params, op);
	return (int)json_array_size(t->params) - 2;
}

static json_t *where_or_all(json_t *where)
{
	return where ? where : json_array();
}

int wft_ovsdb_txn_insert(struct wft_ovsdb_txn *t, const char *table,
			 json_t *row, const char *named)
{
	json_t *op = json_pack("{s:s,s:s,s:o}", "op", "insert", "table", table,
			       "row", row ? row : json_object());

	if (named)
		json_object_set_new(op, "uuid-name", json_string(named));
	return add_op(t, op);
}

int wft_ovsdb_txn_update(struct wft_ovsdb_txn *t, const char *table,
			 json_t *where, json_t *row)
{
	return add_op(t, json_pack("{s:s,s:s,s:o,s:o}", "op", "update",
				   "table", table, "where", where_or_all(where),
				   "row", row ? row : json_object()));
}

int wft_ovsdb_txn_mutate(struct wft_ovsdb_txn *t, const char *table,
			 json_t *where, json_t *mutations)
{
	return add_op(t, json_pack("{s:s,s:s,s:o,s:o}", "op", "mutate",
				   "table", table, "where", where_or_all(where),
				   "mutations",
				   mutations ? mutations : json_array()));
}

int wft_ovsdb_txn_delete(struct wft_ovsdb_txn *t, const char *table,
			 json_t *where)
{
	return add_op(t, json_pack("{s:s,s:s,s:o}", "op", "delete", "table",
				   table, "where", where_or_all(where)));
}

int wft_ovsdb_txn_wait(struct wft_ovsdb_txn *t, const char *table,
		       json_t *where, json_t *columns, const char *until,
		       json_t *rows, int timeout_ms)
{
	json_t *op = json_pack("{s:s,s:s,s:o,s:s,s:o,s:i}", "op", "wait",
			       "table", table, "where", where_or_all(where),
			       "until", until, "rows",
			       rows ? rows : json_array(), "timeout",
			       timeout_ms);

	if (columns)
		json_object_set_new(op, "columns", columns);
	return add_op(t, op);
}

int wft_ovsdb_txn_verify(struct wft_ovsdb_txn *t,
			 const struct wft_ovsdb_row *row, const char *column)
{
	json_t *j = wft_ovsdb_row_to_json(row), *value;

	value = json_incref(json_object_get(j, column));
	json_decref(j);
	if (!value || !strcmp(column, "_uuid")) {
		json_decref(value);
		return -EINVAL;
	}
	return wft_ovsdb_txn_wait(t, wft_ovsdb_row_table_name(row),
		json_pack("[[s,s,o]]", "_uuid", "==",
			  wft_ovsdb_uuid_json(wft_ovsdb_row_uuid(row))),
		json_pack("[s]", column), "==",
		json_pack("[{s:o}]", column, value), 0);
}

int wft_ovsdb_txn_comment(struct wft_ovsdb_txn *t, const char *comment)
{
	return add_op(t, json_pack("{s:s,s:s}", "op", "comment", "comment",
				   comment));
}

enum wft_ovsdb_txn_status wft_ovsdb_txn_parse_results(const json_t *results,
						      size_t n_ops,
						      struct wft_strbuf *why)
{
	const json_t *r;
	size_t i;

	if (!json_is_array(results)) {
		wft_strbuf_printf(why, "the reply is not an array");
		return WFT_OVSDB_TXN_ERROR;
	}
	json_array_foreach(results, i, r) {
		const json_t *e = json_object_get(r, "error");
		const char *es = json_string_value(e);

		if (!e || json_is_null(e))
			continue;
		if (i < n_ops)
			wft_strbuf_printf(why, "operation %zu: ", i);
		else
			wft_strbuf_printf(why, "commit: ");
		wft_ovsdb_error_format(r, why);
		/* A wait that did not hold: someone else changed the rows
		 * the transaction depends on; recompute and retry. */
		if (es && !strcmp(es, "timed out"))
			return WFT_OVSDB_TXN_TRY_AGAIN;
		return WFT_OVSDB_TXN_ERROR;
	}
	if (json_array_size(results) < n_ops) {
		wft_strbuf_printf(why, "%zu results for %zu operations",
				  json_array_size(results), n_ops);
		return WFT_OVSDB_TXN_ERROR;
	}
	return WFT_OVSDB_TXN_SUCCESS;
}

bool wft_ovsdb_txn_result_uuid(const struct wft_ovsdb_txn_result *res,
			       int op, struct wft_uuid *uuid)
{
	const json_t *r;

	if (!res->results || op < 0)
		return false;
	r = json_array_get(res->results, (size_t)op);
	return wft_ovsdb_uuid_from_json(json_object_get(r, "uuid"), uuid);
}
