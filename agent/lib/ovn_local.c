// SPDX-License-Identifier: GPL-2.0
/*
 * The chassis' local view of the SB replica (ovn_priv.h): which logical
 * datapaths are local, as ovn-controller computes them (the datapaths of
 * the ports bound here, then, transitively, the datapaths that their
 * patch ports lead to: a switch, its router, the router's other
 * switches; a gateway router of this chassis and the switches its
 * l3gateway ports join, ovn_gateway.c; the router of a distributed
 * gateway port whose HA_Chassis_Group lists this chassis,
 * ovn_ha_chassis.c), their ports and what each one is to this chassis,
 * their multicast groups, and the other chassis with the encapsulation
 * each shares with this one.
 *
 * The sizes here are a chassis' (tens of datapaths, hundreds of ports):
 * lookups are linear scans of arrays built once per recompute; the
 * arrays grow by doubling.
 */
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"
#include "weft/vlog.h"

#include "ovn_priv.h"

WFT_LOG_MODULE(ovn_local);

static const struct wft_uuid *ref(const struct wft_ovsdb_row *row,
				  const char *col)
{
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(row, col);

	return d && d->n ? &d->keys[0].u : NULL;
}

static bool uuid_in(const struct wft_uuid *u, const struct wft_uuid *v,
		    size_t n)
{
	size_t i;

	for (i = 0; u && i < n; i++)
		if (!wft_uuid_cmp(u, &v[i]))
			return true;
	return false;
}

/* A patch port (or a gateway port of this chassis) of a datapath, and
 * the port at its other end. */
struct link {
	const struct wft_uuid *dp;
	const char *peer;
};

static const char *iface_of(struct wft_ovn *o, const char *lport);

/* A VIF with an interface here that no chassis holds: claimed next. */
static bool claimable(struct wft_ovn *o, struct wft_ovsdb_row *pb)
{
	const struct wft_ovsdb_datum *ch;

	if (strcmp(wft_ovsdb_row_string(pb, "type", ""), "") ||
	    !iface_of(o, wft_ovsdb_row_string(pb, "logical_port", "")))
		return false;
	ch = wft_ovsdb_row_get_named(pb, "chassis");
	return !ch || !ch->n;
}

size_t wft_ovn_local_dps(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			 struct wft_uuid **dpsp, struct wft_ovn_strset *peers,
			 bool to_claim)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Port_Binding");
	struct wft_ovn_pb_names names;
	struct link *links = NULL;
	struct wft_uuid *dps = NULL;
	struct wft_ovsdb_row *pb, *pp;
	const struct wft_uuid *dp;
	size_t n = 0, done = 0, n_links = 0, i;

	for (pb = t ? wft_ovsdb_rtable_first(t) : NULL; pb;
	     pb = wft_ovsdb_row_next(pb)) {
		bool gw_here = wft_ovn_gw_port_here(o, pb);
		const char *peer;

		dp = ref(pb, "datapath");
		if (!dp)
			continue;
		/* The links to follow below, in the table's order. */
		if ((gw_here || !strcmp(wft_ovsdb_row_string(pb, "type", ""),
					"patch")) &&
		    (peer = wft_ovsdb_row_map_get(pb, "options", "peer"))) {
			links = wft_xrealloc(links, (n_links + 1) *
					     sizeof(*links));
			links[n_links++] = (struct link) { dp, peer };
		}
		/* A gateway router's ports count before they are claimed;
		 * a distributed gateway port's router on every chassis of
		 * its group, active or standby (ovn-controller's). */
		if (!wft_ovn_uuid_is(wft_ovsdb_row_get_named(pb, "chassis"),
				     &o->chassis_uuid) && !gw_here &&
		    !(to_claim && claimable(o, pb)) &&
		    !wft_ovn_redirect_member(o, r, pb))
			continue;
		if (uuid_in(dp, dps, n))
			continue;
		dps = wft_xrealloc(dps, (n + 1) * sizeof(*dps));
		dps[n++] = *dp;
	}
	/* Breadth first through the patch ports. */
	wft_ovn_pb_names_build(&names, r);
	for (; done < n; done++) {
		for (i = 0; i < n_links; i++) {
			if (wft_uuid_cmp(links[i].dp, &dps[done]))
				continue;
			pp = wft_ovn_pb_names_find(&names, links[i].peer);
			if (!pp) {
				if (peers)
					wft_ovn_strset_add(peers,
							   links[i].peer);
				continue;
			}
			dp = ref(pp, "datapath");
			if (!dp || uuid_in(dp, dps, n))
				continue;
			dps = wft_xrealloc(dps, (n + 1) * sizeof(*dps));
			dps[n++] = *dp;
		}
	}
	wft_ovn_pb_names_free(&names);
	free(links);
	*dpsp = dps;
	return n;
}

static const char *iface_of(struct wft_ovn *o, const char *lport)
{
	const struct wft_ovn_iface *ifc;

	ifc = wft_ovn_iface_find(o->ifaces, o->n_ifaces, lport);
	return ifc ? ifc->name : NULL;
}

static bool has_type(const char *const *types, const char *t)
{
	for (; *types; types++)
		if (!strcmp(*types, t))
			return true;
	return false;
}

/* The encapsulation this chassis and @ch share: geneve first, as
 * ovn-controller prefers it. */
static void pick_encap(struct wft_ovn *o, struct wft_ovsdb_replica *r,
		       struct wft_ovsdb_row *ch, struct wft_ovn_remote *rc)
{
	static const char *const prefs[] = { "geneve", "vxlan" };
	struct wft_ovsdb_rtable *et = wft_ovsdb_replica_table(r, "Encap");
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(ch,
								  "encaps");
	unsigned int p, i;

	for (p = 0; p < WFT_ARRAY_SIZE(prefs); p++) {
		if (!has_type(o->node.encap_types, prefs[p]))
			continue;
		for (i = 0; d && et && i < d->n; i++) {
			struct wft_ovsdb_row *e = wft_ovsdb_rtable_find(
				et, &d->keys[i].u);
			const char *csum;

			if (!e || strcmp(wft_ovsdb_row_string(e, "type", ""),
					 prefs[p]))
				continue;
			rc->type = prefs[p];
			rc->ip = wft_ovsdb_row_string(e, "ip", "");
			csum = wft_ovsdb_row_map_get(e, "options", "csum");
			rc->csum = !csum || !strcmp(csum, "true");
			return;
		}
	}
}

/* ovn-controller's name: "ovn-", the chassis name cut to six
 * characters, "-" and the lowest index no other tunnel port has. */
static void unique_port_name(const struct wft_ovn_view *v,
			     struct wft_ovn_remote *rc)
{
	unsigned int idx;
	size_t i;

	for (idx = 0; idx < 16; idx++) {
		snprintf(rc->port, sizeof(rc->port), "ovn-%.6s-%x", rc->name,
			 idx);
		for (i = 0; i < v->n_chassis; i++)
			if (&v->chassis[i] != rc &&
			    !strcmp(v->chassis[i].port, rc->port))
				break;
		if (i == v->n_chassis)
			return;
	}
}

static void add_chassis(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			struct wft_ovn_view *v)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Chassis");
	struct wft_ovsdb_row *ch;
	struct wft_ovn_remote *rc;

	for (ch = t ? wft_ovsdb_rtable_first(t) : NULL; ch;
	     ch = wft_ovsdb_row_next(ch)) {
		if (!wft_uuid_cmp(wft_ovsdb_row_uuid(ch), &o->chassis_uuid))
			continue;
		v->chassis = wft_xrealloc(v->chassis, (v->n_chassis + 1) *
					  sizeof(*v->chassis));
		rc = &v->chassis[v->n_chassis++];
		memset(rc, 0, sizeof(*rc));
		rc->uuid = *wft_ovsdb_row_uuid(ch);
		rc->name = wft_ovsdb_row_string(ch, "name", "");
		/* ovn-controller's name: "ovn-" and the chassis name cut
		 * to fit IFNAMSIZ, then the tunnel's index. */
		unique_port_name(v, rc);
		pick_encap(o, r, ch, rc);
	}
}

static size_t dp_index(const struct wft_ovn_view *v, const struct wft_uuid *u)
{
	size_t i;

	for (i = 0; u && i < v->n_dps; i++)
		if (!wft_uuid_cmp(&v->dps[i].uuid, u))
			return i;
	return SIZE_MAX;
}

static void add_port(struct wft_ovn *o, struct wft_ovsdb_replica *r,
		     struct wft_ovn_view *v, struct wft_ovsdb_row *pb, size_t dp)
{
	const struct wft_uuid *ch = ref(pb, "chassis");
	struct wft_ovn_port *p;
	size_t i;

	if (!(v->n_ports & (v->n_ports - 1)))	/* 0 or a power of 2 */
		v->ports = wft_xrealloc(v->ports, (v->n_ports ? v->n_ports * 2
						   : 16) * sizeof(*v->ports));
	p = &v->ports[v->n_ports++];
	memset(p, 0, sizeof(*p));
	p->name = wft_ovsdb_row_string(pb, "logical_port", "");
	p->type = wft_ovsdb_row_string(pb, "type", "");
	p->uuid = *wft_ovsdb_row_uuid(pb);
	p->dp = dp;
	p->key = (uint32_t)wft_ovsdb_row_integer(pb, "tunnel_key", 0);
	p->kind = WFT_OVN_PORT_OTHER;
	p->resident = ch && !wft_uuid_cmp(ch, &o->chassis_uuid);
	if (!strcmp(p->type, "patch") || wft_ovn_gw_port_here(o, pb)) {
		p->kind = WFT_OVN_PORT_PATCH;
		p->resident = p->resident || wft_ovn_gw_port(pb);
		return;
	}
	/* A distributed gateway port's redirect: handed to the
	 * distributed port where its group is active, else tunnelled to
	 * the active chassis, whichever chassis the port is bound to
	 * meanwhile (ovn_ha_chassis.c). */
	if (wft_ovn_redirect_port(pb)) {
		p->resident = wft_ovn_redirect_here(o, r, pb);
		if (p->resident) {
			p->kind = WFT_OVN_PORT_REDIRECT;
			return;
		}
		ch = wft_ovn_redirect_chassis(r, pb);
	}
	/* A localport is local wherever its interface is, and bound
	 * nowhere (ovn_binding.c): never resident, never tunnelled to. */
	if (!strcmp(p->type, "localport")) {
		if (iface_of(o, p->name))
			p->kind = WFT_OVN_PORT_LOCAL;
		return;
	}
	/* VIFs, and gateway ports bound elsewhere (reached by tunnel). */
	if (strcmp(p->type, "") && strcmp(p->type, "chassisredirect") &&
	    strcmp(p->type, "virtual") && !wft_ovn_gw_port(pb))
		return;
	if (p->resident) {
		/* The interface itself is looked up again later: o->ifaces
		 * changes with every configuration commit. */
		if (iface_of(o, p->name) && !strcmp(p->type, ""))
			p->kind = WFT_OVN_PORT_LOCAL;
		return;
	}
	for (i = 0; ch && i < v->n_chassis; i++)
		if (!wft_uuid_cmp(&v->chassis[i].uuid, ch)) {
			p->kind = WFT_OVN_PORT_REMOTE;
			p->chassis = i;
		}
}

static void resolve_peers(struct wft_ovsdb_replica *r, struct wft_ovn_view *v)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Port_Binding");
	size_t i, j;

	for (i = 0; i < v->n_ports; i++) {
		struct wft_ovn_port *p = &v->ports[i];
		struct wft_ovsdb_row *pb;
		const char *peer;

		if (p->kind != WFT_OVN_PORT_PATCH &&
		    p->kind != WFT_OVN_PORT_REDIRECT)
			continue;
		pb = wft_ovsdb_rtable_find(t, &p->uuid);
		peer = !pb ? NULL : p->kind == WFT_OVN_PORT_PATCH ?
		       wft_ovsdb_row_map_get(pb, "options", "peer") :
		       wft_ovsdb_row_map_get(pb, "options", "distributed-port");
		/* The distributed port is in the redirect port's own
		 * datapath; a patch peer in another. */
		for (j = 0; peer && j < v->n_ports; j++)
			if (!strcmp(v->ports[j].name, peer) &&
			    (p->kind == WFT_OVN_PORT_PATCH ||
			     v->ports[j].dp == p->dp)) {
				p->peer = j;
				p->has_peer = true;
			}
	}
}

static int cmp_port_uuid(const void *a, const void *b, void *aux)
{
	const struct wft_ovn_view *v = aux;

	return wft_uuid_cmp(&v->ports[*(const size_t *)a].uuid,
			    &v->ports[*(const size_t *)b].uuid);
}

/* The index in v->ports of the port @u, through @by_uuid (port indexes
 * sorted by UUID); SIZE_MAX if none. */
static size_t port_by_uuid(const struct wft_ovn_view *v,
			   const size_t *by_uuid, const struct wft_uuid *u)
{
	size_t lo = 0, hi = v->n_ports, mid;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = wft_uuid_cmp(&v->ports[by_uuid[mid]].uuid, u);
		if (!c)
			return by_uuid[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

static void add_mcgroups(struct wft_ovsdb_replica *r, struct wft_ovn_view *v)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r,
							     "Multicast_Group");
	size_t *by_uuid = wft_xcalloc(v->n_ports + 1, sizeof(*by_uuid));
	struct wft_ovsdb_row *mg;
	struct wft_ovn_mcgroup *m;
	const struct wft_ovsdb_datum *d;
	size_t dp, i, j;

	for (i = 0; i < v->n_ports; i++)
		by_uuid[i] = i;
	qsort_r(by_uuid, v->n_ports, sizeof(*by_uuid), cmp_port_uuid, v);
	for (mg = t ? wft_ovsdb_rtable_first(t) : NULL; mg;
	     mg = wft_ovsdb_row_next(mg)) {
		dp = dp_index(v, ref(mg, "datapath"));
		if (dp == SIZE_MAX)
			continue;
		if (!(v->n_mcs & (v->n_mcs - 1)))
			v->mcs = wft_xrealloc(v->mcs, (v->n_mcs ? v->n_mcs * 2
						       : 16) * sizeof(*v->mcs));
		m = &v->mcs[v->n_mcs++];
		memset(m, 0, sizeof(*m));
		m->name = wft_ovsdb_row_string(mg, "name", "");
		m->dp = dp;
		m->key = (uint32_t)wft_ovsdb_row_integer(mg, "tunnel_key", 0);
		d = wft_ovsdb_row_get_named(mg, "ports");
		m->ports = wft_xcalloc(d && d->n ? d->n : 1,
				       sizeof(*m->ports));
		for (i = 0; d && i < d->n; i++) {
			j = port_by_uuid(v, by_uuid, &d->keys[i].u);
			if (j != SIZE_MAX)
				m->ports[m->n_ports++] = j;
		}
	}
	free(by_uuid);
}

void wft_ovn_view_build(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			struct wft_ovn_view *v)
{
	struct wft_ovsdb_rtable *dpt = wft_ovsdb_replica_table(r,
							"Datapath_Binding");
	struct wft_ovsdb_rtable *pbt = wft_ovsdb_replica_table(r,
							       "Port_Binding");
	struct wft_ovsdb_row *row;
	struct wft_uuid *dps;
	size_t n, i, dp;

	memset(v, 0, sizeof(*v));
	n = wft_ovn_local_dps(o, r, &dps, &v->missing_peers, false);
	for (i = 0; i < n; i++) {
		row = dpt ? wft_ovsdb_rtable_find(dpt, &dps[i]) : NULL;
		if (!row)
			continue;	/* not in the replica yet */
		v->dps = wft_xrealloc(v->dps, (v->n_dps + 1) *
				      sizeof(*v->dps));
		memset(&v->dps[v->n_dps], 0, sizeof(*v->dps));
		v->dps[v->n_dps].uuid = dps[i];
		v->dps[v->n_dps].key = (uint32_t)wft_ovsdb_row_integer(
			row, "tunnel_key", 0);
		v->dps[v->n_dps].is_switch =
			wft_ovsdb_row_map_get(row, "external_ids",
					      "logical-switch") != NULL;
		v->n_dps++;
	}
	free(dps);
	add_chassis(o, r, v);
	for (row = pbt ? wft_ovsdb_rtable_first(pbt) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		dp = dp_index(v, ref(row, "datapath"));
		if (dp != SIZE_MAX)
			add_port(o, r, v, row, dp);
	}
	resolve_peers(r, v);
	wft_ovn_localnet_view(o, r, v);
	add_mcgroups(r, v);
}

void wft_ovn_view_free(struct wft_ovn_view *v)
{
	size_t i;

	for (i = 0; i < v->n_mcs; i++)
		free(v->mcs[i].ports);
	free(v->mcs);
	free(v->dps);
	free(v->ports);
	free(v->chassis);
	wft_ovn_strset_clear(&v->missing_peers);
	memset(v, 0, sizeof(*v));
}
