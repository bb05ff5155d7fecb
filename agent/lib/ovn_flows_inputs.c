// SPDX-License-Identifier: GPL-2.0
/*
 * Which SB updates the chassis' flows must be recomputed for, from the
 * replica's change tracking (docs/ovn.md "The replica"): a row inserted,
 * modified or deleted in a table the flows read. When only Logical_Flow
 * rows changed, their UUIDs are noted: the next pass compiles those rows
 * alone (the fast path of ovn_flows.c); anything else asks for a pass
 * over everything. Not the chassis' own
 * bookkeeping: nb_cfg going round (SB_Global.nb_cfg, Chassis_Private),
 * Port_Binding.up, which the chassis itself writes once a port's flows
 * are in. Without this every `--wait=hv` and every port coming up cost a
 * pass that changed nothing.
 */
#include <string.h>

#include "weft/util.h"

#include "ovn_priv.h"

/* The tables ovn_local.c, ovn_ha_chassis.c, ovn_lflows.c, ovn_physical.c
 * and the lookup tables (ovn_lookup*.c) read. */
static const char *const flow_tables[] = {
	"Address_Set", "Chassis", "Datapath_Binding", "Encap", "FDB",
	"HA_Chassis", "HA_Chassis_Group", "Load_Balancer", "Logical_DP_Group",
	"Logical_Flow", "MAC_Binding", "Multicast_Group", "Port_Binding",
	"Port_Group", "SB_Global", "Static_MAC_Binding",
};

/* Columns whose changes alone do not matter to the flows. */
static const struct {
	const char *table, *column;
} ignored[] = {
	{ "Chassis", "nb_cfg" },
	{ "Port_Binding", "up" },
	{ "SB_Global", "nb_cfg" },
	{ "SB_Global", "external_ids" },
	{ "SB_Global", "connections" },
	{ "SB_Global", "ssl" },
	{ "SB_Global", "ipsec" },
};

static bool column_ignored(const char *table, const char *column)
{
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(ignored); i++)
		if (!strcmp(ignored[i].table, table) &&
		    !strcmp(ignored[i].column, column))
			return true;
	return false;
}

/* A modified row with a change in a column that is not ignored. */
static bool row_matters(const struct wft_ovsdb_row *row,
			const struct wft_ovsdb_table_schema *ts)
{
	unsigned int c;

	if (wft_ovsdb_row_change(row) != WFT_OVSDB_MODIFIED)
		return true;
	for (c = 0; c < ts->n_columns; c++)
		if (wft_ovsdb_row_changed(row, (int)c) &&
		    !column_ignored(ts->name, ts->columns[c].name))
			return true;
	return false;
}

static void note_row(struct wft_ovn *o, const struct wft_ovsdb_row *row)
{
	if (o->n_lflows_changed == o->lflows_changed_cap) {
		o->lflows_changed_cap = o->lflows_changed_cap ?
					o->lflows_changed_cap * 2 : 16;
		o->lflows_changed = wft_xrealloc(o->lflows_changed,
						 o->lflows_changed_cap *
						 sizeof(*o->lflows_changed));
	}
	o->lflows_changed[o->n_lflows_changed++] = *wft_ovsdb_row_uuid(row);
}

bool wft_ovn_flows_affected(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	const struct wft_ovsdb_table_schema *ts;
	struct wft_ovsdb_rtable *t;
	struct wft_ovsdb_row *row;
	bool lflow, any = false;
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(flow_tables); i++) {
		t = wft_ovsdb_replica_table(r, flow_tables[i]);
		if (!t)
			continue;
		ts = wft_ovsdb_rtable_schema(t);
		lflow = !strcmp(flow_tables[i], "Logical_Flow");
		for (row = wft_ovsdb_rtable_tracked_first(t); row;
		     row = wft_ovsdb_row_tracked_next(row)) {
			if (!row_matters(row, ts))
				continue;
			any = true;
			if (!lflow)
				o->flows_all = true;
			else if (!o->flows_all)
				note_row(o, row);
		}
	}
	return any;
}
