// SPDX-License-Identifier: GPL-2.0
/*
 * ovn-flows-bench: times the chassis' flow computation on the host, from
 * an SB snapshot, without a datapath: the replica loaded from a JSON dump
 * (weft-ovsdb-dump's {table: {uuid: row}}), the chassis NAME's local view,
 * and wft_ovn_flows_compute() (physical, logical and lookup rules, merged)
 * as weftd runs it, ROUNDS times. The local ports (bound to NAME in the
 * dump) get made-up interfaces and OpenFlow ports.
 *
 *   ovn-flows-bench DUMP.json CHASSIS [ROUNDS [RULES.txt]]
 *
 * Prints one line per round: milliseconds for the view, the desired set
 * and its install into a pipeline (as weftd installs: in full the first
 * time, then only what changed), rules, rows compiled. For profiling (perf record) the
 * control plane where the VM is too slow to. RULES.txt gets the last
 * round's rules, one per line as ovs-ofctl dump-flows prints them.
 * OVN_FLOWS_NO_SHARE=1 compiles each (row, datapath) of a datapath group
 * instead of copying the rules of the row's first datapath.
 */
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft/ovsdb_replica.h"
#include "weft/strbuf.h"
#include "weft/util.h"
#include "weft/pipeline.h"
#include "agent/lib/ovn_lflow_cache.h"
#include "agent/lib/ovn_priv.h"

#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void save(const char *path, const struct wft_ofp_flow *rules,
		 size_t n)
{
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f) {
		perror(path);
		exit(1);
	}
	for (i = 0; i < n; i++) {
		struct wft_strbuf sb = WFT_STRBUF_INIT;

		wft_strbuf_printf(&sb, " cookie=%#llx, table=%u, ",
				  (unsigned long long)rules[i].cookie,
				  rules[i].table);
		wft_ofp_match_format(&rules[i].match, &rules[i].mask,
				     rules[i].priority, &sb);
		wft_strbuf_puts(&sb, " actions=");
		wft_ofp_actions_format(&rules[i].actions, &rules[i].match,
				       &rules[i].mask, &sb);
		fprintf(f, "%s\n", wft_strbuf_cstr(&sb));
		wft_strbuf_free(&sb);
	}
	fclose(f);
}

static struct wft_ovsdb_replica *load(const char *path)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_schema *s;
	struct wft_ovsdb_replica *r;
	json_t *db, *upd, *rows, *row;
	const char *table, *uuid;
	json_error_t jerr;

	if (wft_ovsdb_schema_from_file(SB_SCHEMA, &s, &err)) {
		fprintf(stderr, "%s\n", wft_strbuf_cstr(&err));
		exit(1);
	}
	r = wft_ovsdb_replica_new(s);
	db = json_load_file(path, 0, &jerr);
	if (!db) {
		fprintf(stderr, "%s: %s\n", path, jerr.text);
		exit(1);
	}
	upd = json_object();
	json_object_foreach(db, table, rows) {
		json_t *t = json_object();

		json_object_foreach(rows, uuid, row)
			json_object_set_new(t, uuid,
					    json_pack("{sO}", "initial", row));
		json_object_set_new(upd, table, t);
	}
	if (wft_ovsdb_replica_apply_update2(r, upd, &err)) {
		fprintf(stderr, "%s\n", wft_strbuf_cstr(&err));
		exit(1);
	}
	json_decref(upd);
	json_decref(db);
	wft_ovsdb_replica_consume(r);
	wft_strbuf_free(&err);
	return r;
}

static int iface_cmp(const void *a, const void *b)
{
	const struct wft_ovn_iface *x = a, *y = b;

	return strcmp(x->iface_id, y->iface_id);
}

/* Every port bound to the chassis gets an interface named after it,
 * sorted by iface-id as weftd keeps them. */
static void make_ifaces(struct wft_ovn *o, struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Port_Binding");
	struct wft_ovsdb_row *pb;

	for (pb = wft_ovsdb_rtable_first(t); pb; pb = wft_ovsdb_row_next(pb)) {
		const struct wft_ovsdb_datum *c =
			wft_ovsdb_row_get_named(pb, "chassis");
		const char *lp = wft_ovsdb_row_string(pb, "logical_port", "");

		if (!c || !c->n || wft_uuid_cmp(&c->keys[0].u,
						&o->chassis_uuid))
			continue;
		o->ifaces = wft_xrealloc(o->ifaces, (o->n_ifaces + 1) *
					 sizeof(*o->ifaces));
		o->ifaces[o->n_ifaces].name = wft_xstrdup(lp);
		o->ifaces[o->n_ifaces].iface_id = wft_xstrdup(lp);
		o->ifaces[o->n_ifaces].installed = false;
		o->n_ifaces++;
	}
	if (o->n_ifaces)
		qsort(o->ifaces, o->n_ifaces, sizeof(*o->ifaces), iface_cmp);
}

int main(int argc, char **argv)
{
	struct wft_pipeline *p = wft_pipeline_create();
	struct wft_ovsdb_replica *r;
	struct wft_ovsdb_row *ch;
	struct wft_ovn o;
	int rounds = argc > 3 ? atoi(argv[3]) : 3, k;
	size_t i;

	if (argc < 3) {
		fprintf(stderr, "usage: ovn-flows-bench DUMP CHASSIS "
			"[ROUNDS]\n");
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.node.system_id = argv[2];
	o.node.bridge = "br-int";
	o.node.encap_types[0] = "geneve";
	/* Every (row, datapath) compiled, none copied: for comparisons. */
	o.no_share = getenv("OVN_FLOWS_NO_SHARE") != NULL;
	r = load(argv[1]);
	for (ch = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(r,
								 "Chassis"));
	     ch; ch = wft_ovsdb_row_next(ch))
		if (!strcmp(wft_ovsdb_row_string(ch, "name", ""), argv[2]))
			o.chassis_uuid = *wft_ovsdb_row_uuid(ch);
	make_ifaces(&o, r);
	malloc_trim(0);
	printf("heap in use: %zu KiB after loading the replica\n",
	       mallinfo2().uordblks / 1024);
	for (k = 0; k < rounds; k++) {
		struct wft_lflow_groups groups;
		struct wft_ofp_flow *rules;
		struct wft_ofproto_install_stats ist;
		double t0 = now_ms(), t1, t2, t3;
		unsigned long dups;
		char err[256];
		size_t n;

		wft_ovn_view_free(&o.view);
		wft_ovn_view_build(&o, r, &o.view);
		if (!o.zones)
			o.zones = wft_ovn_zones_new();
		wft_ovn_zones_assign(o.zones, &o.view);
		for (i = 0; i < o.view.n_ports; i++)
			if (o.view.ports[i].kind == WFT_OVN_PORT_LOCAL)
				o.view.ports[i].ofport = (uint32_t)i + 1;
		for (i = 0; i < o.view.n_chassis; i++)
			o.view.chassis[i].ofport = (uint32_t)(1000 + i);
		t1 = now_ms();
		wft_lflow_groups_init(&groups);
		wft_ovn_flows_update(&o, r, NULL, &groups);
		t2 = now_ms();
		if (wft_ovn_flows_install(&o, p, false, &ist, err,
					  sizeof(err)))
			fprintf(stderr, "install: %s\n", err);
		t3 = now_ms();
		n = o.fst.rules_installed;
		if (argc > 4 && k == rounds - 1) {
			n = wft_ovn_dindex_all(o.lcache->index, &rules,
					       &dups);
			save(argv[4], rules, n);
			wft_lflow_rules_free(rules, n);
		}
		wft_lflow_groups_uninit(&groups);
		printf("heap in use: %zu KiB (replica, pipeline, cache)\n",
		       mallinfo2().uordblks / 1024);
		printf("round %d: view %.1f ms, desired %.1f ms, install %.1f "
		       "ms (%zu changes): %zu rules "
		       "(%lu logical, %lu physical, %lu lookup), %lu rows "
		       "compiled (%lu now, %lu copied), %lu skipped, %lu dps, %zu ports\n", k,
		       t1 - t0, t2 - t1, t3 - t2, o.fst.install_mods, n, o.fst.rules_lflow,
		       o.fst.rules_phys, o.fst.rules_lookup,
		       o.fst.rows_compiled, o.fst.rows_recompiled,
		       o.fst.rows_shared,
		       o.fst.rows_skipped,
		       (unsigned long)o.view.n_dps, o.view.n_ports);

	}
	{
		size_t before = mallinfo2().uordblks;

		wft_ovn_lflows_reset(&o);
		printf("the compiled flow cache held %zu KiB\n",
		       (before - mallinfo2().uordblks) / 1024);
	}
	wft_ovn_flows_uninit(&o);
	wft_ovn_ifaces_free(o.ifaces, o.n_ifaces);
	wft_ovsdb_replica_free(r);
	wft_pipeline_destroy(p);
	return 0;
}
