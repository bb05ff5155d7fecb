// SPDX-License-Identifier: GPL-2.0
/*
 * Incremental processing of the chassis' logical flows (ovn_lflows.c,
 * ovn_lflow_cache.c): after each change to the SB replica, the desired
 * set a chassis computes with its cache must equal the one a fresh
 * chassis computes in full, and the cache must compile only the rows
 * the change touched (lflow/stats' rows_recompiled):
 *  - an ACL's row added (1 row compiled), then removed (none);
 *  - an address set changed, a port group's member bound here removed
 *    (exactly the rows that name them), a member bound elsewhere
 *    removed (none: groups have their local members only);
 *  - a port added with a row that names it, then removed (that row);
 *  - "none" names port key 0, as in ovn-controller (northd's
 *    ls_in_l2_unknown matches outport == "none" after get_fdb()).
 *
 * The incremental side installs into a pipeline as weftd does (in full
 * once, then a flow_mod per rule whose merged result changed), so what
 * is compared is that pipeline's rules; changes that touch only
 * Logical_Flow rows go through the fast path (those rows alone).
 *
 * The SB is the one the real ovn-northd 23.03 wrote for
 * tests/bench/ovn_synth.py's deployment at 4 switches, 40 ports, 2
 * routers, 10 ACLs (data/gen-ovn-incr.sh), with chassis hv-test bound to
 * ls0-p0..2: its local datapaths are ls0, lr0 and ls1.
 * Conjunction ids differ between the two (a cache keeps each row's), so
 * the sets are compared with each id named by the row and datapath of
 * the rule that matches it.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovsdb_replica.h"
#include "weft/pipeline.h"
#include "weft/strbuf.h"
#include "agent/lib/ofproto_rpc.h"
#include "agent/lib/ovn_priv.h"

#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"

static void data_path(const char *name, char *path, size_t len)
{
	const char *dir = getenv("WEFT_TEST_DATA");
	const char *slash = strrchr(__FILE__, '/');

	if (dir)
		snprintf(path, len, "%s/%s", dir, name);
	else
		snprintf(path, len, "%.*s/data/%s",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".", name);
}

/* The chassis whose updates are noted, as ovn_chassis.c's on_update
 * notes them. */
static struct wft_ovn *noting;

static void apply(struct wft_ovsdb_replica *r, json_t *upd)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;

	ck_assert_msg(!wft_ovsdb_replica_apply_update2(r, upd, &err), "%s",
		      wft_strbuf_cstr(&err));
	json_decref(upd);
	if (noting)
		wft_ovn_flows_affected(noting, r);
	wft_ovsdb_replica_consume(r);
	wft_strbuf_free(&err);
}

static struct wft_ovsdb_replica *load_sb(void)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_schema *s;
	struct wft_ovsdb_replica *r;
	json_t *db, *upd, *rows, *row;
	const char *table, *uuid;
	json_error_t jerr;
	char path[4096];

	ck_assert_msg(!wft_ovsdb_schema_from_file(SB_SCHEMA, &s, &err), "%s",
		      wft_strbuf_cstr(&err));
	wft_strbuf_free(&err);
	r = wft_ovsdb_replica_new(s);
	data_path("ovn_incr_sb.json", path, sizeof(path));
	db = json_load_file(path, 0, &jerr);
	ck_assert_msg(db, "%s: %s", path, jerr.text);
	upd = json_object();
	json_object_foreach(db, table, rows) {
		json_t *t = json_object();

		json_object_foreach(rows, uuid, row)
			json_object_set_new(t, uuid,
					    json_pack("{sO}", "initial", row));
		json_object_set_new(upd, table, t);
	}
	json_decref(db);
	apply(r, upd);
	return r;
}

/* A chassis named hv-test with an interface for each port bound to it. */
static void chassis_init(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_row *row;

	memset(o, 0, sizeof(*o));
	o->node.system_id = "hv-test";
	o->node.bridge = "br-int";
	o->node.encap_types[0] = "geneve";
	for (row = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(r,
								  "Chassis"));
	     row; row = wft_ovsdb_row_next(row))
		if (!strcmp(wft_ovsdb_row_string(row, "name", ""), "hv-test"))
			o->chassis_uuid = *wft_ovsdb_row_uuid(row);
	o->ifaces = calloc(3, sizeof(*o->ifaces));
	for (o->n_ifaces = 0; o->n_ifaces < 3; o->n_ifaces++) {
		char name[16];

		snprintf(name, sizeof(name), "ls0-p%zu", o->n_ifaces);
		o->ifaces[o->n_ifaces].name = strdup(name);
		o->ifaces[o->n_ifaces].iface_id = strdup(name);
	}
}

static void chassis_uninit(struct wft_ovn *o)
{
	wft_ovn_flows_uninit(o);
	wft_ovn_ifaces_free(o->ifaces, o->n_ifaces);
}

/* ---- the desired set as sorted text, conjunction ids named ---- */

struct conj_name {
	uint32_t id;
	char label[64];
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *label_of(struct conj_name *names, size_t n, uint32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i].id == id)
			return names[i].label;
	return "?";
}

static char **canonical(struct wft_ofp_flow *rules, size_t n)
{
	struct conj_name *names = calloc(n + 1, sizeof(*names));
	char **text = calloc(n + 1, sizeof(*text));
	size_t n_names = 0, i, j;

	for (i = 0; i < n; i++)
		if (rules[i].mask.masks.conj_id) {
			uint32_t id = ntohl(rules[i].match.conj_id);

			names[n_names].id = id;
			snprintf(names[n_names].label,
				 sizeof(names[0].label), "%llx.%llx.%u",
				 (unsigned long long)rules[i].cookie,
				 (unsigned long long)
				 rules[i].match.metadata, id & 0xff);
			n_names++;
		}
	for (i = 0; i < n; i++) {
		struct wft_strbuf sb = WFT_STRBUF_INIT;
		struct wft_ofp_flow f = rules[i];
		struct wft_ofpacts acts;
		char **conj = calloc(f.actions.n + 1, sizeof(*conj));
		size_t n_conj = 0;

		wft_ofpacts_init(&acts);
		for (j = 0; j < f.actions.n; j++) {
			const struct wft_ofpact *a = &f.actions.acts[j];

			if (a->type != WFT_OFPACT_CONJUNCTION) {
				*wft_ofpacts_put(&acts, a->type) = *a;
				continue;
			}
			ck_assert(asprintf(&conj[n_conj++], "conj(%s,%u/%u)",
					   label_of(names, n_names,
						    a->conj.id),
					   a->conj.clause,
					   a->conj.n_clauses) > 0);
		}
		/* Joined clauses come in any order. */
		qsort(conj, n_conj, sizeof(*conj), cmp_str);
		f.actions = acts;
		if (f.mask.masks.conj_id)
			f.match.conj_id = 0;
		wft_strbuf_printf(&sb, "table=%u,cookie=%#llx,", f.table,
				  (unsigned long long)f.cookie);
		wft_ofp_match_format(&f.match, &f.mask, f.priority, &sb);
		if (rules[i].mask.masks.conj_id)
			wft_strbuf_printf(&sb, ",conj_id=%s",
					  label_of(names, n_names,
						   ntohl(rules[i].match.conj_id)));
		wft_strbuf_puts(&sb, ",actions=");
		wft_ofp_actions_format(&f.actions, &f.match, &f.mask, &sb);
		for (j = 0; j < n_conj; j++) {
			wft_strbuf_printf(&sb, ",%s", conj[j]);
			free(conj[j]);
		}
		free(conj);
		free(acts.acts);
		text[i] = strdup(wft_strbuf_cstr(&sb));
		wft_strbuf_free(&sb);
	}
	qsort(text, n, sizeof(*text), cmp_str);
	free(names);
	return text;
}

static void view_update(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	size_t i;

	wft_ovn_view_free(&o->view);
	wft_ovn_view_build(o, r, &o->view);
	if (!o->zones)
		o->zones = wft_ovn_zones_new();
	wft_ovn_zones_assign(o->zones, &o->view);
	for (i = 0; i < o->view.n_ports; i++)
		if (o->view.ports[i].kind == WFT_OVN_PORT_LOCAL)
			o->view.ports[i].ofport = (uint32_t)i + 1;
	for (i = 0; i < o->view.n_chassis; i++)
		o->view.chassis[i].ofport = (uint32_t)(1000 + i);
}

/* A fresh chassis' desired set, computed in full. */
static char **desired(struct wft_ovn *o, struct wft_ovsdb_replica *r,
		      size_t *np)
{
	struct wft_lflow_groups groups;
	struct wft_ofp_flow *rules;
	char **text;
	size_t n;

	view_update(o, r);
	wft_lflow_groups_init(&groups);
	wft_ovn_flows_compute(o, r, NULL, &groups, &rules, &n);
	wft_lflow_groups_uninit(&groups);
	text = canonical(rules, n);
	wft_lflow_rules_free(rules, n);
	*np = n;
	return text;
}

/* The next pass of @o installed into @p as weftd installs (in full the
 * first time, then the rules touched), and @p's rules. */
static char **installed(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			struct wft_pipeline *p, size_t *np)
{
	struct wft_ofproto_install_stats st;
	struct wft_lflow_groups groups;
	struct wft_ofp_flow *rules;
	struct wft_rule_list l;
	char err[256], **text;
	size_t i;
	int ret;

	if (wft_ovn_flows_fast(o, r, p, &st, &ret, err, sizeof(err))) {
		ck_assert_msg(!ret, "%s", err);
	} else {
		view_update(o, r);
		wft_lflow_groups_init(&groups);
		wft_ovn_flows_update(o, r, NULL, &groups);
		wft_lflow_groups_uninit(&groups);
		ck_assert_msg(!wft_ovn_flows_install(o, p, false, &st, err,
						     sizeof(err)), "%s", err);
		/* What wft_ovn_flows_run() does after a full pass. */
		o->flows_all = false;
		o->n_lflows_changed = 0;
	}
	wft_rule_list_init(&l);
	wft_pipeline_dump(p, NULL, &l);
	rules = calloc(l.n + 1, sizeof(*rules));
	for (i = 0; i < l.n; i++)
		wft_ofp_flow_from_rule(l.rules[i], &rules[i]);
	text = canonical(rules, l.n);
	*np = l.n;
	free(rules);		/* the actions are the rules' */
	wft_rule_list_destroy(&l);
	return text;
}

static void texts_free(char **t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(t[i]);
	free(t);
}

static struct wft_pipeline *br_int;

/* @inc's next pass, installed into br_int, leaves the rules a fresh
 * chassis' full recompute computes; returns how many rows it compiled. */
static unsigned long check_same(struct wft_ovn *inc,
				struct wft_ovsdb_replica *r)
{
	struct wft_ovn full;
	char **a, **b;
	size_t na, nb, i;

	a = installed(inc, r, br_int, &na);
	chassis_init(&full, r);
	full.no_share = true;	/* every (row, datapath) compiled */
	b = desired(&full, r, &nb);
	ck_assert_uint_eq(full.fst.full_recomputes, 1);
	ck_assert_uint_gt(na, 100);
	for (i = 0; i < na && i < nb; i++)
		ck_assert_msg(!strcmp(a[i], b[i]), "incremental: %s\n"
			      "full:        %s", a[i], b[i]);
	ck_assert_uint_eq(na, nb);
	/* lflow/stats' totals are the whole set's, whatever the pass. */
	ck_assert_uint_eq(inc->fst.rows_compiled, full.fst.rows_compiled);
	ck_assert_uint_eq(inc->fst.rows_skipped, full.fst.rows_skipped);
	ck_assert_uint_eq(inc->fst.n_skips, full.fst.n_skips);
	ck_assert_uint_eq(inc->fst.rows_elsewhere, full.fst.rows_elsewhere);
	texts_free(a, na);
	texts_free(b, nb);
	chassis_uninit(&full);
	return inc->fst.rows_recompiled;
}

/* ---- the SB's rows by content ---- */

static struct wft_ovsdb_row *row_where(struct wft_ovsdb_replica *r,
				       const char *table, const char *col,
				       const char *has)
{
	struct wft_ovsdb_row *row;

	for (row = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(r, table));
	     row; row = wft_ovsdb_row_next(row))
		if (strstr(wft_ovsdb_row_string(row, col, ""), has))
			return row;
	ck_abort_msg("no %s row with %s containing %s", table, col, has);
	return NULL;
}

static const char *uuid_str(const struct wft_ovsdb_row *row, char *buf)
{
	wft_uuid_format(wft_ovsdb_row_uuid(row), buf);
	return buf;
}

/* Entries (row, local datapath) of the cache whose row's match or
 * actions contain @s. */
static unsigned long entries_naming(struct wft_ovn *o,
				    struct wft_ovsdb_replica *r, const char *s)
{
	struct wft_ovsdb_row *row;
	unsigned long n = 0;
	size_t i;

	for (row = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(
		     r, "Logical_Flow"));
	     row; row = wft_ovsdb_row_next(row)) {
		const struct wft_ovsdb_datum *d;

		if (!strstr(wft_ovsdb_row_string(row, "match", ""), s) &&
		    !strstr(wft_ovsdb_row_string(row, "actions", ""), s))
			continue;
		d = wft_ovsdb_row_get_named(row, "logical_datapath");
		if (!d || !d->n)
			continue;	/* the ACL rows are the switch's */
		for (i = 0; i < o->view.n_dps; i++)
			if (!wft_uuid_cmp(&o->view.dps[i].uuid,
					  &d->keys[0].u))
				n++;
	}
	return n;
}

#define NEW_LFLOW "a0000000-0000-4000-8000-000000000001"
#define NEW_PB "a0000000-0000-4000-8000-000000000002"

/* An ACL row like ls0's "tcp.dst == 1009" one, for 4242. */
static json_t *acl_row(struct wft_ovsdb_replica *r, const char *match)
{
	struct wft_ovsdb_row *acl = row_where(r, "Logical_Flow", "match",
					      "tcp.dst == 1009");
	json_t *row = wft_ovsdb_row_to_json(acl);

	json_object_set_new(row, "match", json_string(match));
	json_object_set_new(row, "priority", json_integer(2999));
	json_object_del(row, "_uuid");
	json_object_del(row, "_version");
	return row;
}

START_TEST(test_incremental)
{
	struct wft_ovsdb_replica *r = load_sb();
	struct wft_ovsdb_row *as, *pg, *ls0;
	char u[WFT_UUID_STRLEN + 1];
	unsigned long all, n_as, n_pg, skipped;
	size_t i;
	struct wft_ovn inc;

	br_int = wft_pipeline_create();
	chassis_init(&inc, r);
	noting = &inc;
	all = check_same(&inc, r);
	ck_assert_uint_eq(inc.fst.full_recomputes, 1);
	ck_assert_uint_eq(inc.view.n_dps, 3);
	ck_assert_uint_gt(all, 300);

	/* Nothing changed: nothing compiled. */
	ck_assert_uint_eq(check_same(&inc, r), 0);
	ck_assert_uint_eq(inc.fst.incremental_runs, 1);
	ck_assert_uint_eq(inc.fst.fast_passes, 1);

	/* An ACL added, then removed. */
	apply(r, json_pack("{s:{s:{s:o}}}", "Logical_Flow", NEW_LFLOW,
			   "insert", acl_row(r, "outport == @pg0 && ip4.src "
					     "== $as0 && tcp.dst == 4242")));
	ck_assert_uint_eq(check_same(&inc, r), 1);
	apply(r, json_pack("{s:{s:{s:n}}}", "Logical_Flow", NEW_LFLOW,
			   "delete"));
	ck_assert_uint_eq(check_same(&inc, r), 0);
	/* Both through the fast path: only Logical_Flow rows changed. */
	ck_assert_uint_eq(inc.fst.fast_passes, 3);

	/* A row that does not compile, added and removed by itself (the
	 * fast path): counted and listed as skipped at once. */
	skipped = inc.fst.rows_skipped;
	apply(r, json_pack("{s:{s:{s:o}}}", "Logical_Flow", NEW_LFLOW,
			   "insert", acl_row(r, "ip4.src ==")));
	ck_assert_uint_eq(check_same(&inc, r), 1);
	ck_assert_uint_eq(inc.fst.rows_skipped, skipped + 1);
	for (i = 0; i < inc.fst.n_skips; i++)
		if (!strcmp(inc.fst.skips[i].uuid, NEW_LFLOW))
			break;
	ck_assert_msg(i < inc.fst.n_skips, "the bad row is not listed");
	apply(r, json_pack("{s:{s:{s:n}}}", "Logical_Flow", NEW_LFLOW,
			   "delete"));
	ck_assert_uint_eq(check_same(&inc, r), 0);
	ck_assert_uint_eq(inc.fst.rows_skipped, skipped);
	ck_assert_uint_eq(inc.fst.fast_passes, 5);

	/* An address set loses an address: the rows naming it. */
	as = row_where(r, "Address_Set", "name", "as0");
	n_as = entries_naming(&inc, r, "$as0");
	ck_assert_uint_gt(n_as, 0);
	apply(r, json_pack("{s:{s:{s:{s:s}}}}", "Address_Set",
			   uuid_str(as, u), "modify", "addresses",
			   "10.0.0.10"));
	ck_assert_uint_eq(check_same(&inc, r), n_as);

	/* A port group loses a port bound elsewhere: nothing (a group
	 * has only its local members here); then one bound here: the rows
	 * naming the group. */
	pg = row_where(r, "Port_Group", "name", "_pg0");
	n_pg = entries_naming(&inc, r, "@pg0");
	ck_assert_uint_gt(n_pg, 0);
	apply(r, json_pack("{s:{s:{s:{s:s}}}}", "Port_Group",
			   uuid_str(pg, u), "modify", "ports", "ls0-p9"));
	ck_assert_uint_eq(check_same(&inc, r), 0);
	apply(r, json_pack("{s:{s:{s:{s:s}}}}", "Port_Group",
			   uuid_str(pg, u), "modify", "ports", "ls0-p1"));
	ck_assert_uint_eq(check_same(&inc, r), n_pg);

	/* A port added in ls0 with a row that names it: that row; the
	 * port removed: that row again (its key is gone). */
	ls0 = row_where(r, "Port_Binding", "logical_port", "ls0-p9");
	wft_uuid_format(&wft_ovsdb_row_get_named(ls0, "datapath")->keys[0].u,
			u);
	apply(r, json_pack("{s:{s:{s:{s:s,s:[s,s],s:i,s:s}}},"
			   "s:{s:{s:o}}}",
			   "Port_Binding", NEW_PB, "insert",
			   "logical_port", "ls0-pnew",
			   "datapath", "uuid", u,
			   "tunnel_key", 77, "mac", "0a:00:00:00:00:77",
			   "Logical_Flow", NEW_LFLOW, "insert",
			   acl_row(r, "outport == \"ls0-pnew\" && tcp.dst "
				   "== 4242")));
	ck_assert_uint_eq(check_same(&inc, r), 1);
	apply(r, json_pack("{s:{s:{s:n}}}", "Port_Binding", NEW_PB,
			   "delete"));
	ck_assert_uint_eq(check_same(&inc, r), 1);
	ck_assert_uint_eq(inc.fst.full_recomputes, 1);
	ck_assert_uint_eq(inc.fst.fast_passes, 5);
	noting = NULL;

	chassis_uninit(&inc);
	wft_pipeline_destroy(br_int);
	wft_ovsdb_replica_free(r);
}
END_TEST

/* How many of a fresh chassis' desired rules contain @text. */
static size_t count_rules(struct wft_ovsdb_replica *r, const char *text)
{
	struct wft_ovn o;
	size_t n, i, hits = 0;
	char **t;

	chassis_init(&o, r);
	t = desired(&o, r, &n);
	for (i = 0; i < n; i++)
		hits += strstr(t[i], text) != NULL;
	texts_free(t, n);
	chassis_uninit(&o);
	return hits;
}

START_TEST(test_none_port)
{
	struct wft_ovsdb_replica *r = load_sb();
	size_t before = count_rules(r, "priority=2999,");

	apply(r, json_pack("{s:{s:{s:o}}}", "Logical_Flow", NEW_LFLOW,
			   "insert", acl_row(r, "outport == \"none\"")));
	/* The ACL's ct action wants ip or ipv6: two rules, on reg15=0
	 * (before, none: the match was false). */
	ck_assert_uint_eq(count_rules(r, "priority=2999,"), before + 2);
	ck_assert_uint_eq(count_rules(r, "priority=2999,ip,reg15=0,"), 1);
	ck_assert_uint_eq(count_rules(r, "priority=2999,ipv6,reg15=0,"), 1);
	wft_ovsdb_replica_free(r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ovn_incr");
	TCase *tc = tcase_create("incr");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_incremental);
	tcase_add_test(tc, test_none_port);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
