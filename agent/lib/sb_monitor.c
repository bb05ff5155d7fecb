// SPDX-License-Identifier: GPL-2.0
/* The Southbound monitor conditions of a chassis (see
 * include/weft/sb_monitor.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/sb_monitor.h"
#include "weft/util.h"

static json_t *clause(const char *col, json_t *value)
{
	return json_pack("[s,s,o]", col, "==", value);
}

static bool is_local(const struct wft_sb_local *l, const struct wft_uuid *u)
{
	size_t i;

	for (i = 0; i < l->n_datapaths; i++)
		if (!wft_uuid_cmp(&l->datapaths[i], u))
			return true;
	return false;
}

static int cmp_uuid(const void *a, const void *b)
{
	return wft_uuid_cmp(a, b);
}

/* The Logical_DP_Groups holding a local datapath, sorted (so that the
 * same groups make the same condition, whatever the hash order). */
static struct wft_uuid *local_groups(struct wft_ovsdb_replica *r,
				     const struct wft_sb_local *l, size_t *n)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r,
							     "Logical_DP_Group");
	struct wft_uuid *v = NULL;
	struct wft_ovsdb_row *row;
	unsigned int k;

	*n = 0;
	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		const struct wft_ovsdb_datum *dps;

		dps = wft_ovsdb_row_get_named(row, "datapaths");
		for (k = 0; dps && k < dps->n; k++) {
			if (is_local(l, &dps->keys[k].u)) {
				v = wft_xrealloc(v, (*n + 1) * sizeof(*v));
				v[(*n)++] = *wft_ovsdb_row_uuid(row);
				break;
			}
		}
	}
	if (*n)
		qsort(v, *n, sizeof(*v), cmp_uuid);
	return v;
}

/* [clauses...], or [false] when there are none. */
static json_t *or_false(json_t *clauses)
{
	if (!json_array_size(clauses))
		json_array_append_new(clauses, json_false());
	return clauses;
}

static json_t *per_datapath(const struct wft_sb_local *l, const char *col)
{
	json_t *c = json_array();
	size_t i;

	for (i = 0; i < l->n_datapaths; i++)
		json_array_append_new(c, clause(col,
			wft_ovsdb_uuid_json(&l->datapaths[i])));
	return c;
}

int wft_sb_monitor_local(struct wft_ovsdb_client *c,
			 const struct wft_sb_local *l)
{
	static const char *const tables[] = { "Logical_Flow", "Port_Binding",
					      "Multicast_Group",
					      "MAC_Binding" };
	struct wft_ovsdb_replica *r = wft_ovsdb_client_replica(c);
	json_t *conds[4], *all;
	struct wft_uuid *groups;
	size_t n_groups, i;

	if (!r)
		return -EINVAL;
	if (l->monitor_all) {
		for (i = 0; i < 4; i++)
			conds[i] = json_pack("[b]", 1);
	} else {
		conds[0] = per_datapath(l, "logical_datapath");
		groups = local_groups(r, l, &n_groups);
		for (i = 0; i < n_groups; i++)
			json_array_append_new(conds[0], clause(
				"logical_dp_group",
				wft_ovsdb_uuid_json(&groups[i])));
		free(groups);
		conds[1] = per_datapath(l, "datapath");
		for (i = 0; l->iface_ids && l->iface_ids[i]; i++)
			json_array_append_new(conds[1], clause("logical_port",
				json_string(l->iface_ids[i])));
		/* Every distributed gateway port's redirect port: whether
		 * this chassis hosts one depends on its HA_Chassis_Group,
		 * not on a local datapath (ovn-controller asks for all of
		 * them too). */
		json_array_append_new(conds[1], clause("type",
			json_string("chassisredirect")));
		if (l->chassis)
			json_array_append_new(conds[1], clause("chassis",
				wft_ovsdb_uuid_json(l->chassis)));
		/* A gateway router's ports, before this chassis claims
		 * them (ovn-controller asks for the same). */
		if (l->chassis_name)
			json_array_append_new(conds[1], json_pack(
				"[s,s,[s,[[s,s]]]]", "options", "includes",
				"map", "l3gateway-chassis", l->chassis_name));
		conds[2] = per_datapath(l, "datapath");
		conds[3] = per_datapath(l, "datapath");
		for (i = 0; i < 4; i++)
			conds[i] = or_false(conds[i]);
	}
	all = json_object();
	for (i = 0; i < 4; i++)
		json_object_set_new(all, tables[i], conds[i]);
	return wft_ovsdb_client_set_conditions(c, all);
}
