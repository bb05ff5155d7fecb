// SPDX-License-Identifier: GPL-2.0
/*
 * Port bindings of the OVN chassis (see ovn_chassis.c): the interfaces on
 * ovn-bridge with external_ids:iface-id claim their Port_Binding
 * (chassis = this chassis, up = false), then, once the port's flows are
 * installed, set up = true; the interface then gets
 * external_ids:ovn-installed=true, and ovn-northd turns the NB
 * Logical_Switch_Port's up true. An interface removed releases its port.
 *
 * Migration: when another chassis claims a port bound here, the port is
 * given up and not claimed back while the other chassis holds it, unless
 * the Port_Binding's requested chassis (the requested_chassis column, or
 * options:requested-chassis by name or hostname) names this chassis. A
 * port requested by another chassis is released and never claimed. So
 * two chassis with the same iface-id do not take the port from each other
 * in turn.
 *
 * A localport's interface binds nothing: the port is local wherever its
 * interface is (ovn_local.c) and its Port_Binding.chassis stays empty.
 */
#include <stdlib.h>
#include <string.h>

#include "weft/daemon.h"
#include "weft/sb_monitor.h"
#include "weft/util.h"
#include "weft/vlog.h"
#include "weft/vsctl.h"

#include "ovn_priv.h"

WFT_LOG_MODULE(ovn_binding);

/* Small string sets. */

bool wft_ovn_strset_has(const struct wft_ovn_strset *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], v))
			return true;
	return false;
}

void wft_ovn_strset_add(struct wft_ovn_strset *s, const char *v)
{
	if (wft_ovn_strset_has(s, v))
		return;
	s->v = wft_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = wft_xstrdup(v);
}

static bool strset_del(struct wft_ovn_strset *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], v)) {
			free(s->v[i]);
			s->v[i] = s->v[--s->n];
			return true;
		}
	return false;
}

void wft_ovn_strset_clear(struct wft_ovn_strset *s)
{
	while (s->n)
		free(s->v[--s->n]);
	free(s->v);
	s->v = NULL;
}

void wft_ovn_bindings_reset(struct wft_ovn *o)
{
	wft_ovn_ifaces_free(o->ifaces, o->n_ifaces);
	o->ifaces = NULL;
	o->n_ifaces = 0;
	wft_ovn_strset_clear(&o->owned);
	wft_ovn_strset_clear(&o->lost);
}

static struct wft_ovn_iface *find_iface(struct wft_ovn *o, const char *id)
{
	return wft_ovn_iface_find(o->ifaces, o->n_ifaces, id);
}

void wft_ovn_conf_changed(struct wft_ovn *o)
{
	size_t i;

	o->bind_dirty = true;
	wft_ovn_ifaces_free(o->ifaces, o->n_ifaces);
	o->n_ifaces = wft_ovn_ifaces_from_conf(wft_daemon_conf(o->d),
					       o->node.bridge, &o->ifaces);
	/* An interface taken away forgets that its port was lost: added
	 * again, it may claim again. */
	for (i = 0; i < o->lost.n; )
		if (!find_iface(o, o->lost.v[i]))
			strset_del(&o->lost, o->lost.v[i]);
		else
			i++;
}

/* Runs weft-vsctl commands (argv, "--" between commands) on the
 * configuration, as a user would. */
int wft_ovn_vsctl(struct wft_ovn *o, int argc, char **argv)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_vsctl_cmds cmds = { NULL, 0 };
	struct wft_vsctl_result res;
	struct wft_vsctl_options opts;
	struct wft_conf *copy;
	int ret;

	memset(&res, 0, sizeof(res));
	wft_vsctl_options_init(&opts);
	ret = wft_vsctl_parse_argv(argc, argv, &opts, &cmds, &err);
	if (!ret) {
		copy = wft_conf_clone(wft_daemon_conf(o->d));
		ret = wft_vsctl_run(copy, &cmds, &opts.style, &res, &err);
		if (ret || wft_conf_equal(copy, wft_daemon_conf(o->d)))
			wft_conf_free(copy);
		else
			ret = wft_daemon_conf_commit(o->d, copy, &err);
	}
	if (ret)
		wft_warn("%s %s: %s", argv[0], argv[argc - 1],
			 wft_strbuf_cstr(&err));
	wft_vsctl_result_free(&res);
	wft_vsctl_cmds_free(&cmds);
	wft_vsctl_options_uninit(&opts);
	wft_strbuf_free(&err);
	return ret;
}

void wft_ovn_cmds_add(struct wft_ovn_cmds *c, int argc, char **argv)
{
	int i;

	c->argv = wft_xrealloc(c->argv, (c->argc + argc + 1) *
			       sizeof(*c->argv));
	if (c->argc)
		c->argv[c->argc++] = wft_xstrdup("--");
	for (i = 0; i < argc; i++)
		c->argv[c->argc++] = wft_xstrdup(argv[i]);
}

int wft_ovn_cmds_run(struct wft_ovn *o, struct wft_ovn_cmds *c)
{
	int ret = 0, i;

	if (c->argc) {
		o->conf_self = true;
		ret = wft_ovn_vsctl(o, c->argc, c->argv);
		o->conf_self = false;
	}
	for (i = 0; i < c->argc; i++)
		free(c->argv[i]);
	free(c->argv);
	c->argv = NULL;
	c->argc = 0;
	return ret;
}

/* ovn-bridge, created as ovn-controller creates it when missing. */
void wft_ovn_ensure_bridge(struct wft_ovn *o)
{
	char *argv[] = {
		"--may-exist", "add-br", o->node.bridge, "--", "set",
		"Bridge", o->node.bridge, "fail_mode=secure",
		"other_config:disable-in-band=true",
	};

	if (wft_conf_find(wft_daemon_conf(o->d), WFT_TBL_BRIDGE,
			  o->node.bridge))
		return;
	wft_info("creating %s", o->node.bridge);
	wft_ovn_vsctl(o, WFT_ARRAY_SIZE(argv), argv);
}

static void set_installed(struct wft_ovn_cmds *c, const char *iface, bool on)
{
	char *set[] = { "set", "Interface", (char *)iface,
			"external_ids:ovn-installed=true" };
	char *rm[] = { "remove", "Interface", (char *)iface, "external_ids",
		       "ovn-installed" };

	if (on)
		wft_ovn_cmds_add(c, WFT_ARRAY_SIZE(set), set);
	else
		wft_ovn_cmds_add(c, WFT_ARRAY_SIZE(rm), rm);
}

/* Conditions. */

bool wft_ovn_uuid_is(const struct wft_ovsdb_datum *d,
		     const struct wft_uuid *u)
{
	return d && d->n && !wft_uuid_cmp(&d->keys[0].u, u);
}

void wft_ovn_set_conditions(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	struct wft_ovn_strset peers = { NULL, 0 };
	struct wft_uuid *dps = NULL;
	const char **ids;
	struct wft_sb_local local;
	size_t n_dps = 0, i;

	/* The datapaths of the ports bound here and those their patch
	 * ports lead to; the peers the replica lacks are asked for by
	 * name, like the interfaces' iface-ids. The datapaths of the ports
	 * about to be claimed too, as ovn-controller asks for them: their
	 * logical flows (most of the SB a chassis reads) then come while
	 * the chassis registers and claims, not after. */
	n_dps = wft_ovn_local_dps(o, r, &dps, &peers, true);
	ids = wft_xcalloc(o->n_ifaces + peers.n + 1, sizeof(*ids));
	for (i = 0; i < o->n_ifaces; i++)
		ids[i] = o->ifaces[i].iface_id;
	for (i = 0; i < peers.n; i++)
		ids[o->n_ifaces + i] = peers.v[i];
	local = (struct wft_sb_local) {
		.datapaths = dps, .n_datapaths = n_dps, .iface_ids = ids,
		.chassis = o->registered ? &o->chassis_uuid : NULL,
		.chassis_name = o->registered ? o->node.system_id : NULL,
		.monitor_all = o->node.monitor_all,
	};
	wft_sb_monitor_local(o->client, &local);
	wft_ovn_strset_clear(&peers);
	free(dps);
	free(ids);
}

/* Bindings. */

enum req { REQ_ANY, REQ_HERE, REQ_ELSEWHERE };

static enum req requested(struct wft_ovn *o, struct wft_ovsdb_row *pb)
{
	const struct wft_ovsdb_datum *d;
	const char *name, *host;
	char first[256];
	size_t len;

	d = wft_ovsdb_row_get_named(pb, "requested_chassis");
	if (d && d->n)
		return wft_ovn_uuid_is(d, &o->chassis_uuid) ? REQ_HERE :
		       REQ_ELSEWHERE;
	name = wft_ovsdb_row_map_get(pb, "options", "requested-chassis");
	if (!name || !*name)
		return REQ_ANY;
	/* "main,additional": the first one is the main chassis. */
	len = strcspn(name, ",");
	snprintf(first, sizeof(first), "%.*s", (int)len, name);
	host = o->node.hostname ? o->node.hostname : o->host;
	return !strcmp(first, o->node.system_id) || !strcmp(first, host) ?
	       REQ_HERE : REQ_ELSEWHERE;
}

static json_t *where_uuid(const struct wft_ovsdb_row *row)
{
	return json_pack("[[sso]]", "_uuid", "==",
			 wft_ovsdb_uuid_json(wft_ovsdb_row_uuid(row)));
}

static struct wft_ovsdb_txn *txn(struct wft_ovsdb_txn **t,
				 struct wft_ovsdb_replica *r)
{
	if (!*t)
		*t = wft_ovsdb_txn_new(wft_ovsdb_replica_schema(r)->name);
	return *t;
}

static void release(struct wft_ovn *o, struct wft_ovsdb_txn **t,
		    struct wft_ovsdb_replica *r, struct wft_ovsdb_row *pb,
		    bool has_up)
{
	json_t *row = json_pack("{s:[s[]]}", "chassis", "set");

	if (has_up)
		json_object_set_new(row, "up", json_false());
	wft_ovsdb_txn_verify(txn(t, r), pb, "chassis");
	wft_ovsdb_txn_update(*t, "Port_Binding", where_uuid(pb), row);
	o->n_releases++;
}

static void claim(struct wft_ovn *o, struct wft_ovsdb_txn **t,
		  struct wft_ovsdb_replica *r, struct wft_ovsdb_row *pb,
		  bool has_up)
{
	json_t *row = json_pack("{s:o}", "chassis",
				wft_ovsdb_uuid_json(&o->chassis_uuid));

	if (has_up)
		json_object_set_new(row, "up", json_false());
	/* Fails (try again) if another chassis claimed it meanwhile. */
	wft_ovsdb_txn_verify(txn(t, r), pb, "chassis");
	wft_ovsdb_txn_update(*t, "Port_Binding", where_uuid(pb), row);
	o->n_claims++;
}

static const char *chassis_name(struct wft_ovsdb_replica *r,
				const struct wft_ovsdb_datum *d)
{
	struct wft_ovsdb_rtable *ct = wft_ovsdb_replica_table(r, "Chassis");
	struct wft_ovsdb_row *ch;

	ch = ct && d && d->n ? wft_ovsdb_rtable_find(ct, &d->keys[0].u) :
	     NULL;
	return ch ? wft_ovsdb_row_string(ch, "name", "?") : "?";
}

/* An l3gateway port has no interface: the chassis that its
 * options:l3gateway-chassis names claims it, as ovn-controller does, so
 * that the other chassis know where to tunnel its traffic. */
static void bind_gateway(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			 struct wft_ovsdb_row *pb, struct wft_ovsdb_txn **t)
{
	const char *lp = wft_ovsdb_row_string(pb, "logical_port", "");
	bool mine = wft_ovn_uuid_is(wft_ovsdb_row_get_named(pb, "chassis"),
				    &o->chassis_uuid);
	bool here = wft_ovn_gw_port_here(o, pb);

	if (here && !mine) {
		wft_info("claiming gateway port %s", lp);
		claim(o, t, r, pb, false);
	} else if (!here && mine) {
		wft_info("releasing gateway port %s (its gateway chassis "
			 "changed)", lp);
		release(o, t, r, pb, false);
	}
}

/* A distributed gateway port's chassisredirect port: the active chassis
 * of its HA_Chassis_Group claims it (up = true, when the row has the
 * column, as ovn-controller's claim of a port without an interface);
 * a chassis no longer active releases it, leaving up alone as
 * ovn-controller does (ovn_ha_chassis.c). */
static void bind_redirect(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			  struct wft_ovsdb_row *pb, struct wft_ovsdb_txn **t)
{
	const char *lp = wft_ovsdb_row_string(pb, "logical_port", "");
	const struct wft_ovsdb_datum *up = wft_ovsdb_row_get_named(pb, "up");
	bool mine = wft_ovn_uuid_is(wft_ovsdb_row_get_named(pb, "chassis"),
				    &o->chassis_uuid);
	bool here = wft_ovn_redirect_here(o, r, pb);

	if (here && !mine) {
		wft_info("claiming distributed gateway port %s", lp);
		claim(o, t, r, pb, false);
	} else if (!here && mine) {
		wft_info("releasing distributed gateway port %s (this "
			 "chassis is no longer its group's active one)", lp);
		release(o, t, r, pb, false);
		return;
	}
	if (here && up && up->n && !up->keys[0].b)
		wft_ovsdb_txn_update(txn(t, r), "Port_Binding", where_uuid(pb),
				     json_pack("{s:b}", "up", 1));
}

/* A localport has an interface on every chassis that serves it and is
 * bound to none: ovn-controller 23.03 never claims one, and a chassis
 * with its interface clears its chassis, whichever chassis it names (a
 * VIF's binding left from before the port's type changed), unless the
 * port is requested elsewhere; up is left alone, as it does. */
static void bind_localport(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			   struct wft_ovsdb_row *pb, struct wft_ovsdb_txn **t,
			   bool has_iface)
{
	const char *lp = wft_ovsdb_row_string(pb, "logical_port", "");
	const struct wft_ovsdb_datum *cd = wft_ovsdb_row_get_named(pb,
								   "chassis");

	strset_del(&o->owned, lp);
	strset_del(&o->lost, lp);
	if (!has_iface || !cd || !cd->n || requested(o, pb) == REQ_ELSEWHERE)
		return;
	wft_info("releasing localport %s from chassis %s (a localport is "
		 "bound nowhere)", lp, chassis_name(r, cd));
	release(o, t, r, pb, false);
}

/*
 * One pass over the Port_Bindings finds what the rest of the binding
 * needs, so that nothing scans the table once per interface or per
 * port (at 550 bindings and 50 interfaces those scans made a pass that
 * had nothing to do cost 30 ms of guest time, before each nb_cfg
 * acknowledgement): each interface's binding, and which of the ports
 * bound here still have one.
 */
struct bind_scan {
	struct wft_ovsdb_row **pb_of;	/* per interface, o->ifaces' order */
	char **owned;			/* o->owned when the pass began */
	bool *owned_seen;
	size_t n_owned;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void scan_init(struct bind_scan *s, const struct wft_ovn *o)
{
	size_t i;

	s->pb_of = wft_xcalloc(o->n_ifaces + 1, sizeof(*s->pb_of));
	s->n_owned = o->owned.n;
	s->owned = wft_xcalloc(s->n_owned + 1, sizeof(*s->owned));
	s->owned_seen = wft_xcalloc(s->n_owned + 1, sizeof(*s->owned_seen));
	for (i = 0; i < s->n_owned; i++)
		s->owned[i] = wft_xstrdup(o->owned.v[i]);
	qsort(s->owned, s->n_owned, sizeof(*s->owned), cmp_str);
}

static void scan_note(struct bind_scan *s, const struct wft_ovn *o,
		      struct wft_ovsdb_row *pb, const char *lp,
		      const struct wft_ovn_iface *ifc)
{
	char **hit;

	/* The first binding of a name counts, as a scan would find it. */
	if (ifc && !s->pb_of[ifc - o->ifaces])
		s->pb_of[ifc - o->ifaces] = pb;
	hit = s->n_owned ? bsearch(&lp, s->owned, s->n_owned,
				   sizeof(*s->owned), cmp_str) : NULL;
	if (hit)
		s->owned_seen[hit - s->owned] = true;
}

static void scan_free(struct bind_scan *s)
{
	size_t i;

	for (i = 0; i < s->n_owned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->owned_seen);
	free(s->pb_of);
}

static void bind_one(struct wft_ovn *o, struct wft_ovsdb_replica *r,
		     struct wft_ovsdb_row *pb, struct wft_ovsdb_txn **t,
		     struct bind_scan *scan)
{
	const char *lp = wft_ovsdb_row_string(pb, "logical_port", "");
	const struct wft_ovsdb_datum *cd, *up;
	struct wft_ovn_iface *ifc = find_iface(o, lp);
	enum req req = requested(o, pb);
	bool mine, other;

	scan_note(scan, o, pb, lp, ifc);

	if (wft_ovn_gw_port(pb)) {
		bind_gateway(o, r, pb, t);
		return;
	}
	if (wft_ovn_redirect_port(pb)) {
		bind_redirect(o, r, pb, t);
		return;
	}
	if (!strcmp(wft_ovsdb_row_string(pb, "type", ""), "localport")) {
		bind_localport(o, r, pb, t, ifc != NULL);
		return;
	}

	cd = wft_ovsdb_row_get_named(pb, "chassis");
	up = wft_ovsdb_row_get_named(pb, "up");
	mine = wft_ovn_uuid_is(cd, &o->chassis_uuid);
	other = cd && cd->n && !mine;
	if (mine) {
		if (!ifc || req == REQ_ELSEWHERE) {
			wft_info("releasing %s (%s)", lp, !ifc ?
				 "no interface" : "requested elsewhere");
			strset_del(&o->owned, lp);
			release(o, t, r, pb, up != NULL);
			return;
		}
		if (!wft_ovn_strset_has(&o->owned, lp))
			wft_info("%s bound here", lp);
		wft_ovn_strset_add(&o->owned, lp);
		/* up only once the port's flows are in the datapath. */
		if (up && !(up->n && up->keys[0].b) &&
		    wft_ovn_flows_installed(o)) {
			wft_ovsdb_txn_update(txn(t, r), "Port_Binding",
					     where_uuid(pb),
					     json_pack("{s:b}", "up", 1));
			wft_ovn_timeline_mark(&o->tl, WFT_OVN_T_UP_SENT);
		}
		return;
	}
	if (strset_del(&o->owned, lp) && other) {
		wft_info("%s claimed by chassis %s: giving it up", lp,
			 chassis_name(r, cd));
		wft_ovn_strset_add(&o->lost, lp);
		o->n_lost++;
	}
	if (!ifc || req == REQ_ELSEWHERE)
		return;
	if (other && req != REQ_HERE && wft_ovn_strset_has(&o->lost, lp))
		return;
	strset_del(&o->lost, lp);
	wft_info("claiming %s%s%s", lp, other ? " from chassis " : "",
		 other ? chassis_name(r, cd) : "");
	claim(o, t, r, pb, up != NULL);
}

/* ovn-installed follows Port_Binding: bound here and up. */
static void sync_installed(struct wft_ovn *o, const struct bind_scan *scan)
{
	struct wft_ovn_cmds cmds = { NULL, 0 };
	struct wft_ovsdb_row *pb;
	size_t i;

	for (i = 0; i < o->n_ifaces; i++) {
		struct wft_ovn_iface *ifc = &o->ifaces[i];
		bool want = false;

		pb = scan->pb_of[i];
		if (pb)
			want = wft_ovn_uuid_is(wft_ovsdb_row_get_named(pb, "chassis"),
				       &o->chassis_uuid) &&
			       wft_ovsdb_row_bool(pb, "up", true) &&
			       wft_ovn_flows_installed(o);
		if (want != ifc->installed)
			set_installed(&cmds, ifc->name, want);
	}
	/* One commit for all (it re-reads the interfaces: o->ifaces
	 * changes); at start that is 50 ports at once, and each commit
	 * saves the configuration and reconfigures the bridges. */
	wft_ovn_cmds_run(o, &cmds);
	for (i = 0; i < o->n_ifaces && o->ifaces[i].installed; i++)
		;
	if (o->n_ifaces && i == o->n_ifaces)
		wft_ovn_timeline_mark(&o->tl, WFT_OVN_T_OVN_INSTALLED);
}

/* What wft_ovn_bind() and wft_ovn_set_conditions() read from the SB
 * (ovn_local.c's wft_ovn_local_dps(), ovn_gateway.c, ovn_ha_chassis.c,
 * sb_monitor.c's datapath groups): keep in step with them. */
static const char *const bind_tables[] = {
	"Chassis", "HA_Chassis", "HA_Chassis_Group", "Logical_DP_Group",
	"Port_Binding",
};

bool wft_ovn_bind_affected(struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_rtable *t;
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(bind_tables); i++) {
		t = wft_ovsdb_replica_table(r, bind_tables[i]);
		if (t && wft_ovsdb_rtable_tracked_first(t))
			return true;
	}
	return false;
}

bool wft_ovn_bind(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_rtable *pbt = wft_ovsdb_replica_table(r,
							       "Port_Binding");
	struct wft_ovsdb_txn *t = NULL;
	struct bind_scan scan;
	struct wft_ovsdb_row *pb;
	size_t i;

	scan_init(&scan, o);
	for (pb = pbt ? wft_ovsdb_rtable_first(pbt) : NULL; pb;
	     pb = wft_ovsdb_row_next(pb))
		bind_one(o, r, pb, &t, &scan);
	/* Ports bound here whose Port_Binding went away (those bound
	 * during the pass have one). */
	for (i = 0; i < scan.n_owned; i++)
		if (!scan.owned_seen[i])
			strset_del(&o->owned, scan.owned[i]);
	if (t) {
		wft_ovsdb_txn_comment(t, "weft: port bindings");
		if (o->n_claims)
			wft_ovn_timeline_mark(&o->tl, WFT_OVN_T_CLAIMS_SENT);
		if (!wft_ovn_send(o, t, "binding ports")) {
			scan_free(&scan);
			return true;
		}
	}
	sync_installed(o, &scan);
	scan_free(&scan);
	return false;
}
