// SPDX-License-Identifier: GPL-2.0
/* Chassis registration in the OVN Southbound database (see
 * include/weft/sb_chassis.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/sb_chassis.h"

static struct wft_ovsdb_row *find_by(struct wft_ovsdb_replica *r,
				     const char *table, const char *col,
				     const char *val)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, table);
	struct wft_ovsdb_row *row;

	if (!t)
		return NULL;
	for (row = wft_ovsdb_rtable_first(t); row;
	     row = wft_ovsdb_row_next(row))
		if (!strcmp(wft_ovsdb_row_string(row, col, ""), val))
			return row;
	return NULL;
}

struct wft_ovsdb_row *wft_sb_chassis_find(struct wft_ovsdb_replica *r,
					  const char *name)
{
	return find_by(r, "Chassis", "name", name);
}

struct wft_ovsdb_row *wft_sb_chassis_private_find(struct wft_ovsdb_replica *r,
						  const char *name)
{
	return find_by(r, "Chassis_Private", "name", name);
}

static json_t *where_uuid(const struct wft_ovsdb_row *row)
{
	return json_pack("[[s,s,o]]", "_uuid", "==",
			 wft_ovsdb_uuid_json(wft_ovsdb_row_uuid(row)));
}

/* A wait that the row named @name in @table is @row (or, @row NULL, that
 * there is none): fails the transaction if someone got there first. */
static void wait_named(struct wft_ovsdb_txn *t, const char *table,
		       const char *name, const struct wft_ovsdb_row *row)
{
	json_t *rows = json_array();

	if (row)
		json_array_append_new(rows, json_pack("{s:o}", "_uuid",
			wft_ovsdb_uuid_json(wft_ovsdb_row_uuid(row))));
	wft_ovsdb_txn_wait(t, table, json_pack("[[s,s,s]]", "name", "==",
					       name),
			   json_pack("[s]", "_uuid"), "==", rows, 0);
}

/* ["map", [[k, v]...]] of the wanted other_config. */
static json_t *other_config_json(const struct wft_sb_chassis_cfg *cfg,
				 struct wft_strbuf *err)
{
	json_t *pairs = json_array();
	const char *const *p;

	for (p = cfg->features; p && *p; p++)
		json_array_append_new(pairs, json_pack("[ss]", *p, "true"));
	for (p = cfg->other_config; p && *p; p++) {
		const char *eq = strchr(*p, '=');

		if (!eq || eq == *p) {
			wft_strbuf_printf(err, "other_config \"%s\" is not "
					  "KEY=VALUE", *p);
			json_decref(pairs);
			return NULL;
		}
		json_array_append_new(pairs, json_pack("[s%s]", *p,
						       (size_t)(eq - *p),
						       eq + 1));
	}
	return json_pack("[so]", "map", pairs);
}

/* Whether @row's column @col holds what @want (wire form) says. */
static bool column_is(const struct wft_ovsdb_row *row, const char *table_col,
		      const struct wft_ovsdb_table_schema *ts, const json_t *want)
{
	int c = wft_ovsdb_table_column(ts, table_col);
	struct wft_ovsdb_datum d;
	bool eq;

	if (c < 0 || wft_ovsdb_datum_from_json(&ts->columns[c].type, want,
					       false, &d, NULL))
		return false;
	eq = wft_ovsdb_datum_equal(&ts->columns[c].type, &d,
				   wft_ovsdb_row_get(row, c));
	wft_ovsdb_datum_destroy(&ts->columns[c].type, &d);
	return eq;
}

static size_t n_types(const struct wft_sb_chassis_cfg *cfg)
{
	size_t n = 0;

	while (cfg->encap_types && cfg->encap_types[n])
		n++;
	return n;
}

/* Whether the Chassis' encaps are exactly the wanted ones. */
static bool encaps_match(struct wft_ovsdb_replica *r,
			 const struct wft_ovsdb_row *ch,
			 const struct wft_sb_chassis_cfg *cfg)
{
	struct wft_ovsdb_rtable *et = wft_ovsdb_replica_table(r, "Encap");
	const struct wft_ovsdb_datum *encaps;
	json_t *csum = json_pack("[s[[ss]]]", "map", "csum", "true");
	size_t i, k;
	bool ok = true;

	encaps = wft_ovsdb_row_get_named(ch, "encaps");
	if (!encaps || encaps->n != n_types(cfg)) {
		json_decref(csum);
		return false;
	}
	for (i = 0; ok && cfg->encap_types[i]; i++) {
		bool found = false;

		for (k = 0; !found && k < encaps->n; k++) {
			struct wft_ovsdb_row *e;

			e = wft_ovsdb_rtable_find(et, &encaps->keys[k].u);
			found = e &&
				!strcmp(wft_ovsdb_row_string(e, "type", ""),
					cfg->encap_types[i]) &&
				!strcmp(wft_ovsdb_row_string(e, "ip", ""),
					cfg->encap_ip) &&
				!strcmp(wft_ovsdb_row_string(e, "chassis_name",
							     ""), cfg->name) &&
				column_is(e, "options",
					  wft_ovsdb_rtable_schema(et), csum);
		}
		ok = found;
	}
	json_decref(csum);
	return ok;
}

int wft_sb_chassis_register(struct wft_ovsdb_replica *r,
			    const struct wft_sb_chassis_cfg *cfg,
			    struct wft_ovsdb_txn **txnp,
			    struct wft_strbuf *err)
{
	struct wft_ovsdb_rtable *ct = wft_ovsdb_replica_table(r, "Chassis");
	struct wft_ovsdb_row *ch, *cp;
	json_t *oc, *row, *ref;
	bool same_encaps, same_ch, same_cp;
	struct wft_ovsdb_txn *t;
	size_t i;

	*txnp = NULL;
	if (!cfg->name || !*cfg->name || !cfg->encap_ip || !*cfg->encap_ip ||
	    !n_types(cfg)) {
		wft_strbuf_printf(err, "a chassis needs a name, an encap IP "
				  "and an encap type");
		return -EINVAL;
	}
	if (!ct || !wft_ovsdb_replica_table(r, "Encap") ||
	    !wft_ovsdb_replica_table(r, "Chassis_Private")) {
		wft_strbuf_printf(err, "not an OVN Southbound replica");
		return -EINVAL;
	}
	oc = other_config_json(cfg, err);
	if (!oc)
		return -EINVAL;
	ch = wft_sb_chassis_find(r, cfg->name);
	cp = wft_sb_chassis_private_find(r, cfg->name);
	same_encaps = ch && encaps_match(r, ch, cfg);
	same_ch = ch && same_encaps &&
		  !strcmp(wft_ovsdb_row_string(ch, "hostname", ""),
			  cfg->hostname ? cfg->hostname : "") &&
		  column_is(ch, "other_config", wft_ovsdb_rtable_schema(ct),
			    oc);
	same_cp = false;
	if (ch && cp) {
		json_t *u = wft_ovsdb_uuid_json(wft_ovsdb_row_uuid(ch));

		same_cp = column_is(cp, "chassis", wft_ovsdb_rtable_schema(
			wft_ovsdb_replica_table(r, "Chassis_Private")), u);
		json_decref(u);
	}
	if (same_ch && same_cp) {
		json_decref(oc);
		return 0;
	}

	t = wft_ovsdb_txn_new(wft_ovsdb_replica_schema(r)->name);
	wait_named(t, "Chassis", cfg->name, ch);
	wait_named(t, "Chassis_Private", cfg->name, cp);
	row = json_pack("{s:s,s:o}", "hostname",
			cfg->hostname ? cfg->hostname : "", "other_config",
			oc);
	if (!same_encaps) {
		json_t *refs = json_array();

		for (i = 0; cfg->encap_types[i]; i++) {
			char named[32];

			snprintf(named, sizeof(named), "encap%zu", i);
			wft_ovsdb_txn_insert(t, "Encap", json_pack(
				"{s:s,s:s,s:s,s:[s[[ss]]]}", "type",
				cfg->encap_types[i], "ip", cfg->encap_ip,
				"chassis_name", cfg->name, "options", "map",
				"csum", "true"), named);
			json_array_append_new(refs, json_pack("[ss]",
				"named-uuid", named));
		}
		/* The old Encaps, unreferenced, go away with this commit
		 * (Encap is not a root table). */
		json_object_set_new(row, "encaps", json_pack("[so]", "set",
							     refs));
	}
	if (ch) {
		wft_ovsdb_txn_update(t, "Chassis", where_uuid(ch), row);
		ref = wft_ovsdb_uuid_json(wft_ovsdb_row_uuid(ch));
	} else {
		json_object_set_new(row, "name", json_string(cfg->name));
		wft_ovsdb_txn_insert(t, "Chassis", row, "chassis");
		ref = json_pack("[ss]", "named-uuid", "chassis");
	}
	if (cp)
		wft_ovsdb_txn_update(t, "Chassis_Private", where_uuid(cp),
				     json_pack("{s:o}", "chassis", ref));
	else
		wft_ovsdb_txn_insert(t, "Chassis_Private", json_pack(
			"{s:s,s:o}", "name", cfg->name, "chassis", ref), NULL);
	wft_ovsdb_txn_comment(t, ch ? "weft: taking over the chassis" :
			      "weft: registering the chassis");
	*txnp = t;
	return 0;
}

struct wft_ovsdb_txn *wft_sb_chassis_ack_nb_cfg(struct wft_ovsdb_replica *r,
						const char *name,
						int64_t nb_cfg,
						int64_t timestamp_ms)
{
	struct wft_ovsdb_row *cp = wft_sb_chassis_private_find(r, name);
	struct wft_ovsdb_txn *t;

	if (!cp || wft_ovsdb_row_integer(cp, "nb_cfg", -1) == nb_cfg)
		return NULL;
	t = wft_ovsdb_txn_new(wft_ovsdb_replica_schema(r)->name);
	wft_ovsdb_txn_update(t, "Chassis_Private", where_uuid(cp),
			     json_pack("{s:I,s:I}", "nb_cfg", (json_int_t)nb_cfg,
				       "nb_cfg_timestamp",
				       (json_int_t)timestamp_ms));
	return t;
}

struct wft_ovsdb_txn *wft_sb_chassis_unregister(struct wft_ovsdb_replica *r,
						const char *name)
{
	struct wft_ovsdb_rtable *pbt = wft_ovsdb_replica_table(r,
							       "Port_Binding");
	struct wft_ovsdb_row *ch = wft_sb_chassis_find(r, name);
	struct wft_ovsdb_row *cp = wft_sb_chassis_private_find(r, name);
	struct wft_ovsdb_row *pb;
	struct wft_ovsdb_txn *t;

	if (!ch && !cp)
		return NULL;
	t = wft_ovsdb_txn_new(wft_ovsdb_replica_schema(r)->name);
	for (pb = ch && pbt ? wft_ovsdb_rtable_first(pbt) : NULL; pb;
	     pb = wft_ovsdb_row_next(pb)) {
		const struct wft_ovsdb_datum *d;

		d = wft_ovsdb_row_get_named(pb, "chassis");
		if (d && d->n && !wft_uuid_cmp(&d->keys[0].u,
					       wft_ovsdb_row_uuid(ch)))
			wft_ovsdb_txn_update(t, "Port_Binding", where_uuid(pb),
					     json_pack("{s:[s[]]}", "chassis",
						       "set"));
	}
	if (cp)
		wft_ovsdb_txn_delete(t, "Chassis_Private", where_uuid(cp));
	if (ch)
		wft_ovsdb_txn_delete(t, "Chassis", where_uuid(ch));
	wft_ovsdb_txn_comment(t, "weft: leaving");
	return t;
}
