/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OVSDB (RFC 7047 and ovsdb-server(7)) as a client sees it: the data model
 * of a database loaded from its schema, and the JSON-RPC 1.0 messages.
 *
 * - Atoms: integer, real, boolean, string, uuid (and named-uuid, which only
 *   travels inside a transaction).
 * - Data: a sorted array of keys (a set) or of key/value pairs (a map). On
 *   the wire a set is ["set",[...]] or, with one element, the bare atom; a
 *   map is ["map",[[k,v],...]].
 * - Schemas: from `get_schema`; every column's type (key, value, min, max)
 *   so that default values (which update2 omits) and set/map diffs (which
 *   update2's "modify" carries) can be applied.
 *
 * Nothing here prints or exits: errors come back as negative errnos, with
 * a reason in a struct wft_strbuf where one is asked for.
 */
#ifndef WEFT_OVSDB_H
#define WEFT_OVSDB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "weft/conf.h"		/* struct wft_uuid */
#include "weft/strbuf.h"

enum wft_ovsdb_atype {
	WFT_OVSDB_VOID,		/* no value type: the column is a set */
	WFT_OVSDB_INTEGER,
	WFT_OVSDB_REAL,
	WFT_OVSDB_BOOLEAN,
	WFT_OVSDB_STRING,
	WFT_OVSDB_UUID,
};

const char *wft_ovsdb_atype_name(enum wft_ovsdb_atype t);

union wft_ovsdb_atom {
	int64_t i;
	double r;
	bool b;
	char *s;		/* owned */
	struct wft_uuid u;
};

/* A column's type. Constraints other than the counts (enum, minInteger,
 * refTable...) are the server's to enforce; a client only needs to know
 * what arrives. */
struct wft_ovsdb_type {
	enum wft_ovsdb_atype key;
	enum wft_ovsdb_atype value;	/* WFT_OVSDB_VOID for sets */
	unsigned int n_min, n_max;	/* n_max UINT_MAX: "unlimited" */
	char *ref_table;		/* key's refTable, or NULL */
};

/* Sorted by key, no duplicate keys; values NULL for sets. */
struct wft_ovsdb_datum {
	unsigned int n;
	union wft_ovsdb_atom *keys;
	union wft_ovsdb_atom *values;
};

/* Atoms. */
int wft_ovsdb_atom_cmp(enum wft_ovsdb_atype t, const union wft_ovsdb_atom *a,
		       const union wft_ovsdb_atom *b);
void wft_ovsdb_atom_clone(enum wft_ovsdb_atype t, union wft_ovsdb_atom *dst,
			  const union wft_ovsdb_atom *src);
void wft_ovsdb_atom_destroy(enum wft_ovsdb_atype t, union wft_ovsdb_atom *a);
/* Parses one atom; "named-uuid" is accepted only when @named is not NULL
 * (the name is stored in *@named, malloc()ed, and the atom is zero). */
int wft_ovsdb_atom_from_json(enum wft_ovsdb_atype t, const json_t *j,
			     union wft_ovsdb_atom *a, char **named,
			     struct wft_strbuf *err);
json_t *wft_ovsdb_atom_to_json(enum wft_ovsdb_atype t,
			       const union wft_ovsdb_atom *a);

/* Data. */
void wft_ovsdb_datum_init(struct wft_ovsdb_datum *d);
void wft_ovsdb_datum_destroy(const struct wft_ovsdb_type *t,
			     struct wft_ovsdb_datum *d);
/* The column's default: the empty set/map when n_min is 0, else one
 * key (and value) of each atom's default (0, 0.0, false, "", all-zero). */
void wft_ovsdb_datum_default(const struct wft_ovsdb_type *t,
			     struct wft_ovsdb_datum *d);
bool wft_ovsdb_datum_is_default(const struct wft_ovsdb_type *t,
				const struct wft_ovsdb_datum *d);
void wft_ovsdb_datum_clone(const struct wft_ovsdb_type *t,
			   struct wft_ovsdb_datum *dst,
			   const struct wft_ovsdb_datum *src);
bool wft_ovsdb_datum_equal(const struct wft_ovsdb_type *t,
			   const struct wft_ovsdb_datum *a,
			   const struct wft_ovsdb_datum *b);
/* Index of @key in @d, or -1. */
int wft_ovsdb_datum_find(const struct wft_ovsdb_type *t,
			 const struct wft_ovsdb_datum *d,
			 const union wft_ovsdb_atom *key);
/*
 * Parses the wire form of a datum of type @t: a bare atom, ["set",[...]]
 * or ["map",[[k,v]...]]. With @diff, the counts are not checked (update2
 * diffs may hold more elements than the column allows). Returns 0 or
 * -EINVAL with the reason in @err.
 */
int wft_ovsdb_datum_from_json(const struct wft_ovsdb_type *t, const json_t *j,
			      bool diff, struct wft_ovsdb_datum *d,
			      struct wft_strbuf *err);
/* The wire form: a bare atom for scalars (n_min = n_max = 1) and for
 * one-element sets, ["set",[...]] and ["map",[...]] otherwise. */
json_t *wft_ovsdb_datum_to_json(const struct wft_ovsdb_type *t,
				const struct wft_ovsdb_datum *d);
/*
 * Applies an update2 "modify" diff to @d: for a column of at most one
 * element (n_max 1: scalars and optional values) the "diff" is the new
 * value, as ovsdb-server sends it; for a set, each element toggles
 * membership; for a map, a pair equal to one present removes it, a new key
 * is added and a present key with another value is replaced. Returns 0 or
 * -EINVAL when the result breaks the column's counts.
 */
int wft_ovsdb_datum_apply_diff(const struct wft_ovsdb_type *t,
			       struct wft_ovsdb_datum *d,
			       const struct wft_ovsdb_datum *diff,
			       struct wft_strbuf *err);

/* Schemas. */
struct wft_ovsdb_column {
	char *name;
	struct wft_ovsdb_type type;
	bool ephemeral;
};

struct wft_ovsdb_table_schema {
	char *name;
	struct wft_ovsdb_column *columns;	/* sorted by name */
	unsigned int n_columns;
	bool is_root;
};

struct wft_ovsdb_schema {
	char *name;
	char *version;
	struct wft_ovsdb_table_schema *tables;	/* sorted by name */
	unsigned int n_tables;
	json_t *json;				/* the schema as received */
};

/* Parses a `get_schema` result. Returns 0 or -EINVAL with @err. */
int wft_ovsdb_schema_from_json(const json_t *j, struct wft_ovsdb_schema **sp,
			       struct wft_strbuf *err);
int wft_ovsdb_schema_from_file(const char *path,
			       struct wft_ovsdb_schema **sp,
			       struct wft_strbuf *err);
void wft_ovsdb_schema_free(struct wft_ovsdb_schema *s);
const struct wft_ovsdb_table_schema *
wft_ovsdb_schema_table(const struct wft_ovsdb_schema *s, const char *name);
/* Index of column @name in @t, or -1. "_uuid" and "_version" are not
 * columns of the schema and are never found. */
int wft_ovsdb_table_column(const struct wft_ovsdb_table_schema *t,
			   const char *name);
/* Parses a column type (the "type" member of a column). */
int wft_ovsdb_type_from_json(const json_t *j, struct wft_ovsdb_type *t,
			     struct wft_strbuf *err);
void wft_ovsdb_type_destroy(struct wft_ovsdb_type *t);

/*
 * OVSDB speaks JSON-RPC 1.0: every message has "id" (null for a
 * notification), requests and notifications have "method" and "params"
 * (an array), responses have both "result" and "error", one of them null.
 * ovsdb-server also accepts responses that omit the null member.
 */
enum wft_ovsdb_msg_kind {
	WFT_OVSDB_MSG_REQUEST,
	WFT_OVSDB_MSG_NOTIFY,
	WFT_OVSDB_MSG_REPLY,
	WFT_OVSDB_MSG_ERROR,
};

struct wft_ovsdb_msg {
	enum wft_ovsdb_msg_kind kind;
	const char *method;	/* requests and notifications */
	json_t *params;		/* an array */
	json_t *id;		/* NULL for notifications */
	json_t *result;		/* replies */
	json_t *error;		/* errors: any JSON, usually an object with
				 * "error" and "details" strings */
};

/* Borrowed pointers into @j. Returns 0 or -EPROTO with a static reason in
 * *@why. */
int wft_ovsdb_msg_parse(json_t *j, struct wft_ovsdb_msg *msg,
			const char **why);
/* Builders; each steals @params / @result / @error and copies @id. */
json_t *wft_ovsdb_request_new(const char *method, json_t *params,
			      json_int_t id);
json_t *wft_ovsdb_notify_new(const char *method, json_t *params);
json_t *wft_ovsdb_reply_new(const json_t *id, json_t *result);
json_t *wft_ovsdb_error_reply_new(const json_t *id, json_t *error);
/* A readable form of an OVSDB error ({"error":..., "details":...} or any
 * JSON), into @out. */
void wft_ovsdb_error_format(const json_t *error, struct wft_strbuf *out);

/* UUID atoms on the wire. */
json_t *wft_ovsdb_uuid_json(const struct wft_uuid *u);
bool wft_ovsdb_uuid_from_json(const json_t *j, struct wft_uuid *u);

#endif /* WEFT_OVSDB_H */
