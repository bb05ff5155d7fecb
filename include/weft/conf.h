/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weftd's configuration: the part of OVS's Open_vSwitch database that weft
 * implements (tables Open_vSwitch, Bridge, Port, Interface, SSL), with OVSDB's
 * data model so that ovs-vsctl's generic commands (get, set, add, remove,
 * clear, list, find) mean what they mean in OVS:
 *
 * - a row has a UUID and one datum per column; a datum is a sorted set of
 *   atoms (integer, boolean, string, or UUID reference), or a sorted map of
 *   atom to atom; an optional value is a set of 0 or 1 atom;
 * - Bridge.ports and Port.interfaces are references; a Port belongs to
 *   exactly one Bridge, an Interface to exactly one Port (wft_conf_gc()
 *   drops orphans, as OVSDB does for non-root tables); Open_vSwitch.ssl
 *   refers to at most one SSL row (set-ssl/del-ssl);
 * - "runtime" columns (ofport, error, status...) are filled by weftd from
 *   the datapath; they are shown, never persisted, never set by a user;
 * - "read-only" columns (name, ports, interfaces) change only through the
 *   bridge and port commands (add-br, add-port...).
 *
 * Persistence (conf_json.c): /var/lib/weft/conf.json, one nested JSON object
 * (bridges hold their ports, ports their interfaces); see
 * docs in wft_conf_load(). Nothing here does I/O except wft_conf_load() and
 * wft_conf_save().
 */
#ifndef WEFT_CONF_H
#define WEFT_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "weft/strbuf.h"

/* UUIDs. */
struct wft_uuid {
	uint8_t b[16];
};

#define WFT_UUID_STRLEN	36

void wft_uuid_format(const struct wft_uuid *u, char buf[WFT_UUID_STRLEN + 1]);
bool wft_uuid_parse(const char *s, struct wft_uuid *u);
int wft_uuid_cmp(const struct wft_uuid *a, const struct wft_uuid *b);
/* A random (version 4) UUID from getrandom(). */
void wft_uuid_random(struct wft_uuid *u);

/* Atoms and data. */
enum wft_atype {
	WFT_AT_VOID,		/* "no value type": the column is a set */
	WFT_AT_INTEGER,
	WFT_AT_BOOLEAN,
	WFT_AT_STRING,
	WFT_AT_UUID,
};

union wft_atom {
	int64_t i;
	bool b;
	char *s;		/* owned */
	struct wft_uuid u;
};

enum wft_table_id {
	WFT_TBL_OPEN_VSWITCH,
	WFT_TBL_BRIDGE,
	WFT_TBL_PORT,
	WFT_TBL_INTERFACE,
	WFT_TBL_SSL,
	WFT_CONF_N_TABLES
};

struct wft_base {
	enum wft_atype type;
	bool has_range;			/* integers: min..max */
	int64_t min, max;
	const char *const *enums;	/* strings: allowed values, sorted,
					 * NULL-terminated; NULL: any */
	enum wft_table_id ref;		/* UUIDs: the table referred to */
};

/* A sorted set of keys (values == NULL for sets) or a map. */
struct wft_datum {
	unsigned int n;
	union wft_atom *keys;
	union wft_atom *values;
};

enum wft_column_flags {
	WFT_COL_RO	= 1 << 0,	/* not changed by get/set/add... */
	WFT_COL_RUNTIME	= 1 << 1,	/* filled by weftd, never saved */
};

struct wft_column {
	const char *name;
	struct wft_base key;
	struct wft_base value;		/* type WFT_AT_VOID for sets */
	unsigned int n_min, n_max;	/* UINT_MAX: unlimited */
	unsigned int flags;
};

struct wft_table {
	enum wft_table_id id;
	const char *name;		/* "Bridge" */
	const char *json_name;		/* "bridges" in conf.json */
	const struct wft_column *columns; /* sorted by name */
	unsigned int n_columns;
	int name_column;		/* -1: Open_vSwitch (record ".") */
};

/* Column indexes, in the tables' (alphabetical) order. */
enum {
	WFT_OVS_BRIDGES, WFT_OVS_EXTERNAL_IDS, WFT_OVS_IFACE_TYPES,
	WFT_OVS_OTHER_CONFIG, WFT_OVS_SSL, WFT_OVS_N_COLUMNS
};
enum {
	WFT_BR_DATAPATH_TYPE, WFT_BR_EXTERNAL_IDS, WFT_BR_FAIL_MODE,
	WFT_BR_NAME, WFT_BR_OTHER_CONFIG, WFT_BR_PORTS, WFT_BR_PROTOCOLS,
	WFT_BR_STATUS, WFT_BR_N_COLUMNS
};
enum {
	WFT_PORT_EXTERNAL_IDS, WFT_PORT_FAKE_BRIDGE, WFT_PORT_INTERFACES,
	WFT_PORT_NAME, WFT_PORT_OTHER_CONFIG, WFT_PORT_STATUS, WFT_PORT_TAG,
	WFT_PORT_TRUNKS, WFT_PORT_VLAN_MODE, WFT_PORT_N_COLUMNS
};
enum {
	WFT_IF_ERROR, WFT_IF_EXTERNAL_IDS, WFT_IF_IFINDEX, WFT_IF_MTU_REQUEST,
	WFT_IF_NAME, WFT_IF_OFPORT, WFT_IF_OFPORT_REQUEST, WFT_IF_OPTIONS,
	WFT_IF_OTHER_CONFIG, WFT_IF_STATUS, WFT_IF_TYPE, WFT_IF_N_COLUMNS
};
enum {
	WFT_SSL_BOOTSTRAP_CA_CERT, WFT_SSL_CA_CERT, WFT_SSL_CERTIFICATE,
	WFT_SSL_EXTERNAL_IDS, WFT_SSL_PRIVATE_KEY, WFT_SSL_N_COLUMNS
};

const struct wft_table *wft_table_get(enum wft_table_id id);
/* Case-insensitive exact match ("bridge", "Bridge", "open_vswitch"). */
const struct wft_table *wft_table_find(const char *name);
/* Exact match; -1 when the table has no such column. */
int wft_column_find(const struct wft_table *t, const char *name);
bool wft_column_is_map(const struct wft_column *c);
/* "set of up to 4096 integers", "string", "map of string to string"... */
void wft_column_describe(const struct wft_column *c, struct wft_strbuf *out);

void wft_atom_destroy(union wft_atom *a, enum wft_atype t);
void wft_atom_clone(union wft_atom *dst, const union wft_atom *src,
		    enum wft_atype t);
int wft_atom_cmp(const union wft_atom *a, const union wft_atom *b,
		 enum wft_atype t);

void wft_datum_init(struct wft_datum *d);
void wft_datum_destroy(struct wft_datum *d, const struct wft_column *c);
void wft_datum_clone(struct wft_datum *dst, const struct wft_datum *src,
		     const struct wft_column *c);
bool wft_datum_equal(const struct wft_datum *a, const struct wft_datum *b,
		     const struct wft_column *c);
/* The default: one "", 0 or false for n_min == 1 columns, else (and for
 * references) empty. */
void wft_datum_default(struct wft_datum *d, const struct wft_column *c);
bool wft_datum_is_default(const struct wft_datum *d,
			  const struct wft_column *c);
/* Appends (unsorted); wft_datum_sort() restores the invariant. */
void wft_datum_append(struct wft_datum *d, const union wft_atom *key,
		      const union wft_atom *value, const struct wft_column *c);
/* Sorts by key; -EEXIST (with the datum unchanged) on duplicate keys. */
int wft_datum_sort(struct wft_datum *d, const struct wft_column *c);
/* Index of @key, or -1. */
int wft_datum_find(const struct wft_datum *d, const union wft_atom *key,
		   const struct wft_column *c);
/* "add": union; for maps a key already present takes the new value. */
void wft_datum_union(struct wft_datum *d, const struct wft_datum *add,
		     const struct wft_column *c);
/* "remove": drops the atoms of @del; for maps @del may be a map (a pair
 * goes when key and value match) or a set of keys (@keys_only). */
void wft_datum_subtract(struct wft_datum *d, const struct wft_datum *del,
			bool keys_only, const struct wft_column *c);
/* Checks ranges, enums and the number of atoms. "constraint violation:
 * 5000 is not in the valid range 0 to 4095 (inclusive)". */
int wft_datum_check(const struct wft_datum *d, const struct wft_column *c,
		    struct wft_strbuf *err);

/* OVSDB notation, as ovs-vsctl prints and parses it. */
void wft_atom_format(const union wft_atom *a, enum wft_atype t,
		     struct wft_strbuf *out);
/* {k=v, k2="v 2"}, [1, 2], "string", [] */
void wft_datum_format(const struct wft_datum *d, const struct wft_column *c,
		      struct wft_strbuf *out);
/* --bare: no brackets, no quotes, atoms separated by spaces. */
void wft_datum_format_bare(const struct wft_datum *d,
			   const struct wft_column *c, struct wft_strbuf *out);
/* OVSDB's JSON form: ["set",[...]], ["map",[[k,v]...]], ["uuid","..."]. */
json_t *wft_datum_to_ovsdb_json(const struct wft_datum *d,
				const struct wft_column *c);
/*
 * Parses @s as a datum of @c (set notation [a, b] or a b, map notation
 * {k=v, ...} or k=v ...). @n_max_override (0: none) relaxes the count for
 * add/remove. Returns 0, or -EINVAL with ovs-vsctl's wording in @err.
 */
int wft_datum_parse(const char *s, const struct wft_column *c,
		    unsigned int n_max_override, struct wft_datum *d,
		    struct wft_strbuf *err);
/* Parses the keys of a map column only (remove by key). */
int wft_datum_parse_keys(const char *s, const struct wft_column *c,
			 struct wft_datum *d, struct wft_strbuf *err);
/* Parses all of @s as one atom of @base (map values after "col:key="). */
int wft_atom_parse_whole(const char *s, const struct wft_base *base,
			 union wft_atom *a, struct wft_strbuf *err);
/* Parses one atom token from *@sp (quoted, or up to a char of @delims);
 * advances *@sp past it. */
int wft_atom_parse_token(const char **sp, const char *delims,
			 const struct wft_base *base, union wft_atom *a,
			 struct wft_strbuf *err);

/* Rows and the configuration. */
struct wft_row {
	const struct wft_table *table;
	struct wft_uuid uuid;
	struct wft_datum *cols;		/* table->n_columns */
};

typedef void wft_uuid_gen(struct wft_uuid *u, void *aux);

struct wft_conf {
	struct wft_row **rows[WFT_CONF_N_TABLES];
	size_t n_rows[WFT_CONF_N_TABLES];
	size_t cap_rows[WFT_CONF_N_TABLES];
	wft_uuid_gen *gen;		/* NULL: wft_uuid_random() */
	void *gen_aux;
};

/* A configuration with only the Open_vSwitch row. */
struct wft_conf *wft_conf_new(wft_uuid_gen *gen, void *gen_aux);
void wft_conf_free(struct wft_conf *conf);
struct wft_conf *wft_conf_clone(const struct wft_conf *conf);
/* Same persisted content (runtime columns are ignored). */
bool wft_conf_equal(const struct wft_conf *a, const struct wft_conf *b);

struct wft_row *wft_conf_ovs(const struct wft_conf *conf);
/* A new row with default values and a fresh UUID. */
struct wft_row *wft_conf_insert(struct wft_conf *conf, enum wft_table_id t);
/* Removes and frees @row (references to it are left: see wft_conf_gc). */
void wft_conf_delete(struct wft_conf *conf, struct wft_row *row);
/* Drops references to missing rows, then rows nobody refers to. */
void wft_conf_gc(struct wft_conf *conf);

struct wft_row *wft_conf_get(const struct wft_conf *conf, enum wft_table_id t,
			     const struct wft_uuid *u);
/* By name, by UUID, or "." for Open_vSwitch. */
struct wft_row *wft_conf_find(const struct wft_conf *conf,
			      enum wft_table_id t, const char *name);
/* The bridge holding @port, the port holding @iface; NULL if none. */
struct wft_row *wft_conf_port_bridge(const struct wft_conf *conf,
				     const struct wft_row *port);
struct wft_row *wft_conf_iface_port(const struct wft_conf *conf,
				    const struct wft_row *iface);
/* Rows of @t sorted by name (Open_vSwitch: its one row). Caller frees the
 * array, not the rows. */
struct wft_row **wft_conf_sorted(const struct wft_conf *conf,
				 enum wft_table_id t, size_t *n);

/* Typed access for components (weftd's datapath code, OVN glue). */
const char *wft_row_name(const struct wft_row *row);
const char *wft_row_string(const struct wft_row *row, int col);
/* The integer of an optional or required integer column, if set. */
bool wft_row_int(const struct wft_row *row, int col, int64_t *v);
bool wft_row_bool(const struct wft_row *row, int col);
/* The value of @key in a string map column, or NULL. */
const char *wft_row_map_get(const struct wft_row *row, int col,
			    const char *key);
/* Replaces a column (runtime columns included); steals @d's contents. */
void wft_row_set(struct wft_row *row, int col, struct wft_datum *d);
void wft_row_set_string(struct wft_row *row, int col, const char *s);
/* Sets an optional integer column; has == false clears it. */
void wft_row_set_opt_int(struct wft_row *row, int col, bool has, int64_t v);
void wft_row_map_put(struct wft_row *row, int col, const char *key,
		     const char *value);
/* Clears every runtime column of every row. */
void wft_conf_clear_runtime(struct wft_conf *conf);

/*
 * Whole-configuration checks, after every change and after loading: each
 * datum against its column, unique names, one bridge per port, one port
 * per interface, names usable as network devices, weft's interface types
 * and their options, fake bridges. Returns 0 or -EINVAL with the first
 * problem in @err.
 */
int wft_conf_validate(const struct wft_conf *conf, struct wft_strbuf *err);
/* conf_tunnel.c: checks across tunnel options and interfaces (part of
 * wft_conf_validate()). */
int wft_conf_check_tunnels(const struct wft_conf *conf,
			   struct wft_strbuf *err);
/* Valid interface name: 1..15 bytes, no '/', ':' or whitespace. */
bool wft_conf_valid_ifname(const char *name);

/*
 * conf.json. wft_conf_load() returns 0, -ENOENT when the file does not
 * exist (the caller starts empty), or -EINVAL/-errno with an error that
 * names the file and the place: "FILE: line 3, column 7: ..." for bad
 * JSON, "FILE: $.bridges[0].ports[1].tag: ..." for a bad value. A bad file
 * is never replaced by an empty one.
 */
int wft_conf_load(const char *path, wft_uuid_gen *gen, void *gen_aux,
		  struct wft_conf **confp, struct wft_strbuf *err);
/* Writes atomically: a temporary file in the same directory, fsync(),
 * rename(), fsync() of the directory. */
int wft_conf_save(const struct wft_conf *conf, const char *path,
		  struct wft_strbuf *err);
/* The persisted form, and back (used by the two above and by tests). */
json_t *wft_conf_to_json(const struct wft_conf *conf);
int wft_conf_from_json(const json_t *json, wft_uuid_gen *gen, void *gen_aux,
		       struct wft_conf **confp, struct wft_strbuf *err);

#endif /* WEFT_CONF_H */
