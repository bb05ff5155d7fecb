// SPDX-License-Identifier: GPL-2.0
/*
 * Distributed gateway ports: a Logical_Router_Port with gateway chassis
 * (`ovn-nbctl lrp-set-gateway-chassis`) gets, beside its own patch
 * Port_Binding, a "chassisredirect" one, cr-<port>, whose
 * options:distributed-port names it. ovn-northd 23.03 turns the NB
 * Gateway_Chassis rows into an SB HA_Chassis_Group named after the port
 * (HA_Chassis rows: chassis, priority) and points the cr port's
 * ha_chassis_group at it; the SB gateway_chassis column stays empty.
 *
 * The active chassis of a group is the one with the highest priority
 * among the HA_Chassis rows whose chassis is registered, the greater
 * name first on equal priorities, as ovn-controller orders them.
 * ovn-controller narrows that to the chassis it has a live BFD session
 * with; weft runs no BFD, so every chassis listed counts as alive. The
 * active chassis claims the cr port, is_chassis_resident() of it is true
 * there only, and the others tunnel the router's redirected packets
 * to it.
 */
#include <string.h>

#include "ovn_priv.h"

bool wft_ovn_redirect_port(const struct wft_ovsdb_row *pb)
{
	return !strcmp(wft_ovsdb_row_string(pb, "type", ""),
		       "chassisredirect");
}

/* @pb's HA_Chassis_Group row, NULL when it has none. */
static struct wft_ovsdb_row *group_of(struct wft_ovsdb_replica *r,
				      const struct wft_ovsdb_row *pb)
{
	const struct wft_ovsdb_datum *d;
	struct wft_ovsdb_rtable *t;

	d = wft_ovsdb_row_get_named(pb, "ha_chassis_group");
	t = wft_ovsdb_replica_table(r, "HA_Chassis_Group");
	return d && d->n && t ? wft_ovsdb_rtable_find(t, &d->keys[0].u) : NULL;
}

/* The chassis row an HA_Chassis row refers to, NULL when that chassis
 * is not registered (northd leaves the reference empty then). */
static struct wft_ovsdb_row *chassis_of(struct wft_ovsdb_replica *r,
					const struct wft_ovsdb_row *hac)
{
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(hac,
								  "chassis");
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Chassis");

	return d && d->n && t ? wft_ovsdb_rtable_find(t, &d->keys[0].u) : NULL;
}

/* Does (@prio, @name) come before (@best_prio, @best_name)? */
static bool ranks_first(int64_t prio, const char *name, int64_t best_prio,
			const char *best_name)
{
	if (prio != best_prio)
		return prio > best_prio;
	return strcmp(name, best_name) > 0;
}

/* Walks @pb's group: the active chassis (NULL: none), and whether
 * @self is one of the group's chassis. */
static const struct wft_uuid *walk(struct wft_ovsdb_replica *r,
				   const struct wft_ovsdb_row *pb,
				   const struct wft_uuid *self, bool *member)
{
	struct wft_ovsdb_rtable *hat = wft_ovsdb_replica_table(r,
							       "HA_Chassis");
	struct wft_ovsdb_row *grp = group_of(r, pb), *hac, *ch;
	const struct wft_uuid *best = NULL;
	const char *best_name = "", *name;
	const struct wft_ovsdb_datum *d;
	int64_t best_prio = 0, prio;
	unsigned int i;

	*member = false;
	d = grp ? wft_ovsdb_row_get_named(grp, "ha_chassis") : NULL;
	for (i = 0; d && hat && i < d->n; i++) {
		hac = wft_ovsdb_rtable_find(hat, &d->keys[i].u);
		ch = hac ? chassis_of(r, hac) : NULL;
		if (!ch)
			continue;
		if (self && !wft_uuid_cmp(wft_ovsdb_row_uuid(ch), self))
			*member = true;
		prio = wft_ovsdb_row_integer(hac, "priority", 0);
		name = wft_ovsdb_row_string(ch, "name", "");
		if (!best || ranks_first(prio, name, best_prio, best_name)) {
			best = wft_ovsdb_row_uuid(ch);
			best_prio = prio;
			best_name = name;
		}
	}
	return best;
}

const struct wft_uuid *wft_ovn_redirect_chassis(struct wft_ovsdb_replica *r,
						const struct wft_ovsdb_row *pb)
{
	const struct wft_ovsdb_datum *d;
	bool member;

	if (group_of(r, pb))
		return walk(r, pb, NULL, &member);
	/* No group (a cr port northd made without one): where it is
	 * bound, as for any other port. */
	d = wft_ovsdb_row_get_named(pb, "chassis");
	return d && d->n ? &d->keys[0].u : NULL;
}

bool wft_ovn_redirect_here(const struct wft_ovn *o,
			   struct wft_ovsdb_replica *r,
			   const struct wft_ovsdb_row *pb)
{
	const struct wft_uuid *active;

	if (!o->registered || !wft_ovn_redirect_port(pb))
		return false;
	active = wft_ovn_redirect_chassis(r, pb);
	return active && !wft_uuid_cmp(active, &o->chassis_uuid);
}

bool wft_ovn_redirect_member(const struct wft_ovn *o,
			     struct wft_ovsdb_replica *r,
			     const struct wft_ovsdb_row *pb)
{
	bool member;

	if (!o->registered || !wft_ovn_redirect_port(pb))
		return false;
	walk(r, pb, &o->chassis_uuid, &member);
	return member;
}
