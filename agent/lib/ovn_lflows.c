// SPDX-License-Identifier: GPL-2.0
/*
 * The SB's Logical_Flow rows compiled for the chassis: every row whose
 * datapath (logical_datapath, or each member of logical_dp_group) is
 * local, once per local datapath, with an environment read from the
 * replica: logical port names to their keys in that datapath,
 * Address_Set contents, Port_Group members (in 23.03 northd names the SB
 * Port_Group of a switch "<datapath key>_<NB name>"; the plain name is
 * tried too), and is_chassis_resident() true for the ports bound here
 * (VIFs, and chassisredirect ports whose chassis is this one).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"

#include "ovn_priv.h"

struct env_aux {
	struct wft_ovsdb_replica *r;
	const struct wft_ovn_view *v;
	size_t dp;			/* the datapath being compiled */
	/* Conjunction ids: each row compiled gets the next 256 (lflow.h). */
	uint32_t conj_next;
	/* String arrays handed out for sets and groups, freed at the end. */
	char ***arrays;
	size_t n_arrays;
};

static uint32_t conj_id_base(void *aux, const char *uuid)
{
	struct env_aux *a = aux;

	(void)uuid;
	a->conj_next += 256;
	return a->conj_next;
}

static int port_key(void *aux, const char *name, uint32_t *key)
{
	struct env_aux *a = aux;
	size_t i;

	for (i = 0; i < a->v->n_ports; i++)
		if (a->v->ports[i].dp == a->dp &&
		    !strcmp(a->v->ports[i].name, name)) {
			*key = a->v->ports[i].key;
			return 0;
		}
	/* outport = "_MC_flood": multicast groups are outports too. */
	for (i = 0; i < a->v->n_mcs; i++)
		if (a->v->mcs[i].dp == a->dp &&
		    !strcmp(a->v->mcs[i].name, name)) {
			*key = a->v->mcs[i].key;
			return 0;
		}
	return -ENOENT;
}

static bool resident(void *aux, const char *name)
{
	struct env_aux *a = aux;
	size_t i;

	for (i = 0; i < a->v->n_ports; i++)
		if (!strcmp(a->v->ports[i].name, name))
			return a->v->ports[i].resident;
	return false;
}

static const char *const *keep(struct env_aux *a, char **v)
{
	a->arrays = wft_xrealloc(a->arrays,
				 (a->n_arrays + 1) * sizeof(*a->arrays));
	a->arrays[a->n_arrays++] = v;
	return (const char *const *)v;
}

static struct wft_ovsdb_row *by_name(struct wft_ovsdb_replica *r,
				     const char *table, const char *name)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, table);
	struct wft_ovsdb_row *row;

	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row))
		if (!strcmp(wft_ovsdb_row_string(row, "name", ""), name))
			return row;
	return NULL;
}

/* A string set column as an array of its strings (pointers into the
 * replica, valid during the compile). */
static const char *const *strings(struct env_aux *a,
				  const struct wft_ovsdb_row *row,
				  const char *col, size_t *n)
{
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(row, col);
	char **v = wft_xcalloc(d && d->n ? d->n + 1 : 1, sizeof(*v));
	unsigned int i;

	for (i = 0; d && i < d->n; i++)
		v[i] = d->keys[i].s;
	*n = d ? d->n : 0;
	return keep(a, v);
}

static const char *const *addr_set(void *aux, const char *name, size_t *n)
{
	struct env_aux *a = aux;
	struct wft_ovsdb_row *row = by_name(a->r, "Address_Set", name);

	return row ? strings(a, row, "addresses", n) : NULL;
}

static const char *const *port_group(void *aux, const char *name, size_t *n)
{
	struct env_aux *a = aux;
	struct wft_ovsdb_row *row;
	char scoped[300];

	snprintf(scoped, sizeof(scoped), "%u_%s", a->v->dps[a->dp].key, name);
	row = by_name(a->r, "Port_Group", scoped);
	if (!row)
		row = by_name(a->r, "Port_Group", name);
	return row ? strings(a, row, "ports", n) : NULL;
}

static size_t dp_of(const struct wft_ovn_view *v, const struct wft_uuid *u)
{
	size_t i;

	for (i = 0; i < v->n_dps; i++)
		if (!wft_uuid_cmp(&v->dps[i].uuid, u))
			return i;
	return SIZE_MAX;
}

static void count_skip(struct wft_ovn_flow_stats *fs, const char *uuid,
		       const char *reason)
{
	size_t i;

	if (fs->n_skips < WFT_OVN_SKIPS_KEPT) {
		snprintf(fs->skips[fs->n_skips].uuid,
			 sizeof(fs->skips[0].uuid), "%s", uuid);
		snprintf(fs->skips[fs->n_skips].reason,
			 sizeof(fs->skips[0].reason), "%.199s", reason);
		fs->n_skips++;
	}
	for (i = 0; i < fs->n_reasons; i++)
		if (!strcmp(fs->reasons[i].reason, reason)) {
			fs->reasons[i].n++;
			return;
		}
	fs->reasons = wft_xrealloc(fs->reasons, (fs->n_reasons + 1) *
				   sizeof(*fs->reasons));
	fs->reasons[fs->n_reasons].reason = wft_xstrdup(reason);
	fs->reasons[fs->n_reasons].n = 1;
	fs->n_reasons++;
}

static void compile_one(struct wft_ovn *o, struct env_aux *a,
			struct wft_lflow_groups *groups,
			const struct wft_ovsdb_row *row, size_t dp,
			struct wft_ofp_flow **rules, size_t *n_rules,
			size_t *cap)
{
	const struct wft_expr_env env = {
		.port_key = port_key,
		.is_chassis_resident = resident,
		.addr_set = addr_set,
		.port_group = port_group,
		.conj_id_base = conj_id_base,
		.lflow_groups = groups,
		.aux = a,
	};
	char uuid[WFT_UUID_STRLEN + 1], err[256];
	struct wft_ofp_flow *got;
	struct wft_lflow lf;
	size_t n, i;

	wft_uuid_format(wft_ovsdb_row_uuid(row), uuid);
	a->dp = dp;
	lf = (struct wft_lflow) {
		.uuid = uuid,
		.dp_key = a->v->dps[dp].key,
		.is_switch = a->v->dps[dp].is_switch,
		.egress = !strcmp(wft_ovsdb_row_string(row, "pipeline", ""),
				  "egress"),
		.table = (uint8_t)wft_ovsdb_row_integer(row, "table_id", 0),
		.priority = (uint16_t)wft_ovsdb_row_integer(row, "priority",
							    0),
		.match = wft_ovsdb_row_string(row, "match", ""),
		.actions = wft_ovsdb_row_string(row, "actions", ""),
	};
	if (wft_lflow_compile(&lf, &env, &o->lflow_st, &got, &n, err,
			      sizeof(err))) {
		o->fst.rows_skipped++;
		count_skip(&o->fst, uuid, err);
		return;
	}
	o->fst.rows_compiled++;
	if (*n_rules + n > *cap) {
		*cap = (*n_rules + n) * 2;
		*rules = wft_xrealloc(*rules, *cap * sizeof(**rules));
	}
	/* The rules move: their action lists are owned by *rules now. */
	for (i = 0; i < n; i++)
		(*rules)[(*n_rules)++] = got[i];
	free(got);
}

void wft_ovn_lflows_compile(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			    const struct wft_ovn_view *v,
			    struct wft_lflow_groups *groups,
			    struct wft_ofp_flow **rules, size_t *n_rules,
			    size_t *cap)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Logical_Flow");
	struct wft_ovsdb_rtable *gt = wft_ovsdb_replica_table(
		r, "Logical_DP_Group");
	struct env_aux a = { .r = r, .v = v };
	struct wft_ovsdb_row *row, *g;
	const struct wft_ovsdb_datum *d;
	size_t i, dp;

	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		d = wft_ovsdb_row_get_named(row, "logical_datapath");
		if (d && d->n) {
			dp = dp_of(v, &d->keys[0].u);
			if (dp != SIZE_MAX)
				compile_one(o, &a, groups, row, dp, rules, n_rules,
					    cap);
			continue;
		}
		d = wft_ovsdb_row_get_named(row, "logical_dp_group");
		g = d && d->n && gt ? wft_ovsdb_rtable_find(gt, &d->keys[0].u)
				    : NULL;
		d = g ? wft_ovsdb_row_get_named(g, "datapaths") : NULL;
		for (i = 0; d && i < d->n; i++) {
			dp = dp_of(v, &d->keys[i].u);
			if (dp != SIZE_MAX)
				compile_one(o, &a, groups, row, dp, rules, n_rules,
					    cap);
		}
	}
	for (i = 0; i < a.n_arrays; i++)
		free(a.arrays[i]);
	free(a.arrays);
}
