// SPDX-License-Identifier: GPL-2.0
/*
 * Port_Binding rows by logical_port, for one pass of the chassis.
 *
 * The local datapaths follow patch ports to their peers by name. Done as
 * a scan of the table per peer, and the table once per local datapath,
 * the conditions of a pass that had nothing to do cost several ms of
 * guest time at the benchmark's fifth scale (550 bindings), before each
 * nb_cfg acknowledgement. A sorted array built in one scan makes each
 * lookup a binary search.
 *
 * The array points into the replica: it is valid until the replica next
 * changes, so it lives no longer than the function that built it.
 */
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"

#include "ovn_priv.h"

struct wft_ovn_pb_name {
	const char *name;
	struct wft_ovsdb_row *row;
	size_t seq;		/* the row's place in the table */
};

static int cmp_name(const void *a, const void *b)
{
	const struct wft_ovn_pb_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

void wft_ovn_pb_names_build(struct wft_ovn_pb_names *x,
			    struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Port_Binding");
	struct wft_ovsdb_row *pb;
	size_t i = 0;
	int col;

	x->v = NULL;
	x->n = 0;
	if (!t || !wft_ovsdb_rtable_count(t))
		return;
	col = wft_ovsdb_table_column(wft_ovsdb_rtable_schema(t),
				     "logical_port");
	if (col < 0)
		return;
	x->v = wft_xcalloc(wft_ovsdb_rtable_count(t), sizeof(*x->v));
	for (pb = wft_ovsdb_rtable_first(t); pb; pb = wft_ovsdb_row_next(pb)) {
		const struct wft_ovsdb_datum *d = wft_ovsdb_row_get(pb, col);

		x->v[i].name = d && d->n ? d->keys[0].s : "";
		x->v[i].row = pb;
		x->v[i].seq = i;
		i++;
	}
	x->n = i;
	/* Equal names (a database mid-change) keep the table's order, as
	 * the scans did: the first one wins. */
	qsort(x->v, x->n, sizeof(*x->v), cmp_name);
}

struct wft_ovsdb_row *wft_ovn_pb_names_find(const struct wft_ovn_pb_names *x,
					    const char *name)
{
	size_t lo = 0, hi = x->n;

	/* The first of equal names: a lower bound. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(x->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n && !strcmp(x->v[lo].name, name) ? x->v[lo].row :
	       NULL;
}

void wft_ovn_pb_names_free(struct wft_ovn_pb_names *x)
{
	free(x->v);
	x->v = NULL;
	x->n = 0;
}
