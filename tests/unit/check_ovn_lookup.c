// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the SB lookup tables (include/weft/ovn_lookup.h), with
 * the real ovn-controller 23.03 as the oracle: data/gen-ovn-lookup.sh ran
 * it on ovs-vswitchd in dummy mode against a Southbound database with
 * MAC_Binding, Static_MAC_Binding, FDB rows, port security and load
 * balancers, and saved the database (data/ovn_lookup_sb.json) and its
 * tables 66..78 (data/ovn_lookup_flows.txt). Here weft builds the same
 * tables from the same rows, and every flow is compared as
 * `ovs-ofctl -O OpenFlow14 --no-stats dump-flows` prints it, cookies
 * included, table 68's learn() actions too. Table 69 is learned only:
 * ovn-controller's holds what its learn actions added for the hairpin
 * sessions gen-ovn-lookup.sh ran (ls1-p1 through the VIPs of lb1, lb3
 * and lb4), and test_hairpin_learn runs a session through weft's
 * pipeline for every backend of table 68 and compares what weft's learn
 * added with those, completed by data/ovn_lookup_69.expected (the
 * sessions the generator did not run, written by hand from the learn()
 * specifications in table 68).
 * Also: the per-row functions give the same flows as the full build,
 * rows that are not local or not valid give none, and packets run
 * through weft's own pipeline (xlate) with these tables and the
 * translated actions get the verdicts OVN's tables give.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/lib/ofproto_rpc.h"
#include "weft/lflow_actions.h"
#include "weft/ovn_lookup.h"
#include "weft/ovsdb_replica.h"
#include "xlate_testlib.h"

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

/* The SB snapshot as a replica. */
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
	r = wft_ovsdb_replica_new(s);
	data_path("ovn_lookup_sb.json", path, sizeof(path));
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
	ck_assert_msg(!wft_ovsdb_replica_apply_update2(r, upd, &err), "%s",
		      wft_strbuf_cstr(&err));
	json_decref(upd);
	json_decref(db);
	wft_ovsdb_replica_consume(r);
	wft_strbuf_free(&err);
	return r;
}

/* ---- the chassis' view: hv-real and its local datapaths -------------- */

struct world {
	struct wft_ovsdb_replica *sb;
	struct wft_uuid chassis;
	uint32_t local[16];
	size_t n_local;
};

static bool is_local(void *aux, uint32_t key)
{
	const struct world *w = aux;
	size_t i;

	for (i = 0; i < w->n_local; i++)
		if (w->local[i] == key)
			return true;
	return false;
}

static void add_local(struct world *w, uint32_t key)
{
	if (!is_local(w, key) && w->n_local < 16)
		w->local[w->n_local++] = key;
}

static uint32_t dp_key(struct world *w, const struct wft_ovsdb_row *pb)
{
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(pb,
								 "datapath");
	struct wft_ovsdb_row *dp = wft_ovsdb_rtable_find(
		wft_ovsdb_replica_table(w->sb, "Datapath_Binding"),
		&d->keys[0].u);

	return (uint32_t)wft_ovsdb_row_integer(dp, "tunnel_key", 0);
}

static const char *opt(const struct wft_ovsdb_row *row, const char *key)
{
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(row,
								 "options");
	unsigned int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->keys[i].s, key))
			return d->values[i].s;
	return NULL;
}

/* ovn-controller's local datapaths, as the chassis computes them: those
 * of the ports bound here, and whatever patch ports reach from them. */
static void world_init(struct world *w)
{
	struct wft_ovsdb_rtable *ch, *pbs;
	struct wft_ovsdb_row *row, *pb;
	bool grew = true;

	memset(w, 0, sizeof(*w));
	w->sb = load_sb();
	ch = wft_ovsdb_replica_table(w->sb, "Chassis");
	for (row = wft_ovsdb_rtable_first(ch); row; row = wft_ovsdb_row_next(row))
		if (!strcmp(wft_ovsdb_row_string(row, "name", ""), "hv-real"))
			w->chassis = *wft_ovsdb_row_uuid(row);
	pbs = wft_ovsdb_replica_table(w->sb, "Port_Binding");
	for (pb = wft_ovsdb_rtable_first(pbs); pb; pb = wft_ovsdb_row_next(pb)) {
		const struct wft_ovsdb_datum *c =
			wft_ovsdb_row_get_named(pb, "chassis");

		if (c->n && !wft_uuid_cmp(&c->keys[0].u, &w->chassis))
			add_local(w, dp_key(w, pb));
	}
	while (grew) {
		grew = false;
		for (pb = wft_ovsdb_rtable_first(pbs); pb;
		     pb = wft_ovsdb_row_next(pb)) {
			const char *peer = opt(pb, "peer");
			struct wft_ovsdb_row *q;

			if (strcmp(wft_ovsdb_row_string(pb, "type", ""),
				   "patch") || !peer || !is_local(w, dp_key(w, pb)))
				continue;
			for (q = wft_ovsdb_rtable_first(pbs); q;
			     q = wft_ovsdb_row_next(q))
				if (!strcmp(wft_ovsdb_row_string(
					q, "logical_port", ""), peer) &&
				    !is_local(w, dp_key(w, q))) {
					add_local(w, dp_key(w, q));
					grew = true;
				}
		}
	}
}

/* ---- flows as text -------------------------------------------------- */

struct lines {
	char **s;
	size_t n;
};

static void lines_add(struct lines *l, const char *s)
{
	l->s = realloc(l->s, (l->n + 1) * sizeof(*l->s));
	l->s[l->n++] = strdup(s);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof(*l));
}

/* Sorted, without repeats: two rows can yield one flow (table 70's for
 * one VIP in two balancers), which the installer merges. */
static void lines_sort(struct lines *l)
{
	size_t i, k = 0;

	qsort(l->s, l->n, sizeof(*l->s), str_cmp);
	for (i = 0; i < l->n; i++) {
		if (k && !strcmp(l->s[k - 1], l->s[i])) {
			free(l->s[i]);
			continue;
		}
		l->s[k++] = l->s[i];
	}
	l->n = k;
}

/* weft's flows of @table, printed as the oracle's dump prints them. */
static void weft_table(const struct wft_ovn_lookup_flows *f, unsigned int table,
		       struct lines *out)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		struct wft_strbuf sb = WFT_STRBUF_INIT;

		if (f->flows[i].table != table)
			continue;
		wft_ofp_flow_format_dump(&f->flows[i], NULL, &sb);
		lines_add(out, wft_strbuf_cstr(&sb));
		wft_strbuf_free(&sb);
	}
	lines_sort(out);
}

/* The oracle's flows of @table. */
static void oracle_table(const char *file, unsigned int table,
			 struct lines *out)
{
	char path[4096], *buf = NULL, head[32];
	size_t cap = 0;
	bool in = false;
	FILE *f;

	data_path(file, path, sizeof(path));
	f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s", path);
	snprintf(head, sizeof(head), "table=%u", table);
	while (getline(&buf, &cap, f) > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (!strncmp(buf, "table=", 6)) {
			in = !strcmp(buf, head);
			continue;
		}
		if (!in || !*buf || buf[0] == '#')
			continue;
		lines_add(out, buf);
	}
	free(buf);
	fclose(f);
	lines_sort(out);
}

/* Prints what differs; returns the number of differences. */
static size_t diff(unsigned int table, const struct lines *want,
		   const struct lines *got)
{
	size_t i = 0, j = 0, n = 0;

	while (i < want->n || j < got->n) {
		int c = i == want->n ? 1 : j == got->n ? -1 :
			strcmp(want->s[i], got->s[j]);

		if (!c) {
			i++;
			j++;
			continue;
		}
		n++;
		if (c < 0)
			fprintf(stderr, "table %u: ovn-controller only: %s\n",
				table, want->s[i++]);
		else
			fprintf(stderr, "table %u: weft only: %s\n", table,
				got->s[j++]);
	}
	return n;
}

/* ---- tests ---------------------------------------------------------- */

START_TEST(test_oracle)
{
	struct wft_ovn_lookup_flows f;
	struct wft_ovn_lookup_ctx ctx;
	struct world w;
	size_t bad = 0, total = 0;
	unsigned int t;

	world_init(&w);
	/* ls1 (bound ports), lr1 and ls2 through patch ports; not ls3, lr3. */
	ck_assert_uint_eq(w.n_local, 3);
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
	wft_ovn_lookup_flows_init(&f);
	ck_assert_uint_eq(wft_ovn_lookup_build(&ctx, &f), f.n);
	ck_assert_uint_eq(f.n_skipped, 0);
	for (t = 66; t <= 78; t++) {
		struct lines want = { 0 }, got = { 0 };

		/* 69: learned only (test_hairpin_learn). */
		if (t != 69)
			oracle_table("ovn_lookup_flows.txt", t, &want);
		weft_table(&f, t, &got);
		bad += diff(t, &want, &got);
		total += want.n;
		lines_free(&want);
		lines_free(&got);
	}
	fprintf(stderr, "ovn lookup: %zu flows built, %zu expected, %zu "
		"differences\n", f.n, total, bad);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_ge(total, 130);
	wft_ovn_lookup_flows_uninit(&f);
	wft_ovn_lookup_ctx_uninit(&ctx);
	wft_ovsdb_replica_free(w.sb);
}
END_TEST

/* Every flow is exactly what its own ovs-ofctl text parses into: the
 * tables built field by field (66/67, 71/72) agree with the parser. */
START_TEST(test_reparse)
{
	struct wft_ovn_lookup_flows f;
	struct wft_ovn_lookup_ctx ctx;
	struct world w;
	size_t i;

	world_init(&w);
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
	wft_ovn_lookup_flows_init(&f);
	wft_ovn_lookup_build(&ctx, &f);
	for (i = 0; i < f.n; i++) {
		const struct wft_ofp_flow *a = &f.flows[i];
		struct wft_strbuf sb = WFT_STRBUF_INIT;
		struct wft_ofp_flow b;
		char err[256];

		wft_strbuf_printf(&sb, "table=%u,cookie=0x%llx,", a->table,
				  (unsigned long long)a->cookie);
		wft_ofp_match_format(&a->match, &a->mask, a->priority, &sb);
		wft_strbuf_puts(&sb, ",actions=");
		wft_ofp_actions_format(&a->actions, &a->match, &a->mask, &sb);
		ck_assert_msg(!wft_ofp_flow_parse(wft_strbuf_cstr(&sb),
						  WFT_OFPFC_ADD, &b, err,
						  sizeof(err)), "%s: %s",
			      wft_strbuf_cstr(&sb), err);
		ck_assert_msg(b.table == a->table && b.priority == a->priority &&
			      b.cookie == a->cookie &&
			      !memcmp(&b.match, &a->match, sizeof(b.match)) &&
			      !memcmp(&b.mask, &a->mask, sizeof(b.mask)) &&
			      wft_ofpacts_equal(&b.actions, &a->actions),
			      "%s parses into another flow",
			      wft_strbuf_cstr(&sb));
		wft_ofp_flow_uninit(&b);
		wft_strbuf_free(&sb);
	}
	wft_ovn_lookup_flows_uninit(&f);
	wft_ovn_lookup_ctx_uninit(&ctx);
	wft_ovsdb_replica_free(w.sb);
}
END_TEST

/* Each row's own flows, appended one row at a time, are the full build's. */
START_TEST(test_per_row)
{
	static const char *const tables[] = { "MAC_Binding",
		"Static_MAC_Binding", "FDB", "Port_Binding", "Load_Balancer" };
	int (*const fns[])(const struct wft_ovn_lookup_ctx *,
			   const struct wft_ovsdb_row *,
			   struct wft_ovn_lookup_flows *) = {
		wft_ovn_lookup_neighbor, wft_ovn_lookup_neighbor,
		wft_ovn_lookup_fdb, wft_ovn_lookup_port_sec, wft_ovn_lookup_lb,
	};
	struct wft_ovn_lookup_flows all, one;
	struct wft_ovn_lookup_ctx ctx;
	struct world w;
	size_t i, n = 0, k;

	world_init(&w);
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
	wft_ovn_lookup_flows_init(&all);
	wft_ovn_lookup_build(&ctx, &all);
	for (i = 0; i < 5; i++) {
		struct wft_ovsdb_rtable *t =
			wft_ovsdb_replica_table(w.sb, tables[i]);
		struct wft_ovsdb_row *row;

		for (row = wft_ovsdb_rtable_first(t); row;
		     row = wft_ovsdb_row_next(row)) {
			int r;

			wft_ovn_lookup_flows_init(&one);
			r = fns[i](&ctx, row, &one);
			ck_assert_int_ge(r, 0);
			ck_assert_uint_eq((size_t)r, one.n);
			for (k = 0; k < one.n; k++) {
				ck_assert(!wft_uuid_cmp(&one.src[k],
							wft_ovsdb_row_uuid(row)));
				/* The cookie is the UUID's first 32 bits. */
				ck_assert_uint_eq(one.flows[k].cookie,
						  (uint64_t)one.src[k].b[0] << 24 |
						  one.src[k].b[1] << 16 |
						  one.src[k].b[2] << 8 |
						  one.src[k].b[3]);
				ck_assert(!wft_uuid_cmp(&one.src[k],
							&all.src[n + k]));
			}
			n += one.n;
			wft_ovn_lookup_flows_uninit(&one);
		}
	}
	ck_assert_uint_eq(n, all.n);
	wft_ovn_lookup_flows_uninit(&all);
	wft_ovn_lookup_ctx_uninit(&ctx);
	wft_ovsdb_replica_free(w.sb);
}
END_TEST

static bool none_local(void *aux, uint32_t key)
{
	return false;
}

/* With no local datapath and another chassis, nothing is built. */
START_TEST(test_nothing_local)
{
	struct wft_ovn_lookup_flows f;
	struct wft_ovn_lookup_ctx ctx;
	struct wft_uuid other;
	struct world w;

	world_init(&w);
	memset(&other, 0x5a, sizeof(other));
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &other, none_local, NULL);
	wft_ovn_lookup_flows_init(&f);
	ck_assert_uint_eq(wft_ovn_lookup_build(&ctx, &f), 0);
	ck_assert_uint_eq(f.n, 0);
	wft_ovn_lookup_flows_uninit(&f);
	wft_ovn_lookup_ctx_uninit(&ctx);
	wft_ovsdb_replica_free(w.sb);
}
END_TEST

/* A row with a bad MAC or address is skipped and counted, not fatal. */
START_TEST(test_bad_rows)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovn_lookup_flows f;
	struct wft_ovn_lookup_ctx ctx;
	struct wft_ovsdb_rtable *t;
	struct wft_ovsdb_row *row;
	struct world w;
	json_t *upd;
	char buf[WFT_UUID_STRLEN + 1];

	world_init(&w);
	/* Turn every MAC_Binding's MAC into garbage. */
	t = wft_ovsdb_replica_table(w.sb, "MAC_Binding");
	upd = json_pack("{s{}}", "MAC_Binding");
	for (row = wft_ovsdb_rtable_first(t); row; row = wft_ovsdb_row_next(row)) {
		wft_uuid_format(wft_ovsdb_row_uuid(row), buf);
		json_object_set_new(json_object_get(upd, "MAC_Binding"), buf,
				    json_pack("{s{ss}}", "modify", "mac",
					      "0a:58:zz:00:02:06"));
	}
	ck_assert_msg(!wft_ovsdb_replica_apply_update2(w.sb, upd, &err), "%s",
		      wft_strbuf_cstr(&err));
	json_decref(upd);
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
	wft_ovn_lookup_flows_init(&f);
	wft_ovn_lookup_build(&ctx, &f);
	/* Three of the four bindings are on local datapaths. */
	ck_assert_uint_eq(f.n_skipped, 3);
	ck_assert_uint_gt(f.n, 100);
	wft_ovn_lookup_flows_uninit(&f);
	wft_ovn_lookup_ctx_uninit(&ctx);
	wft_ovsdb_replica_free(w.sb);
	wft_strbuf_free(&err);
}
END_TEST

/* A balancer with many backends on ls1, and one with a bad VIP. */
START_TEST(test_lb_big)
{
	struct wft_strbuf err = WFT_STRBUF_INIT, vals = WFT_STRBUF_INIT;
	struct wft_ovn_lookup_flows f;
	struct wft_ovn_lookup_ctx ctx;
	struct wft_ovsdb_row *row, *pb;
	char ls1[WFT_UUID_STRLEN + 1];
	size_t n68 = 0, n69 = 0, n70 = 0, i;
	struct world w;
	json_t *upd;
	int r;

	world_init(&w);
	for (pb = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(
		     w.sb, "Port_Binding")); pb; pb = wft_ovsdb_row_next(pb))
		if (!strcmp(wft_ovsdb_row_string(pb, "logical_port", ""),
			    "ls1-p1"))
			wft_uuid_format(&wft_ovsdb_row_get_named(
				pb, "datapath")->keys[0].u, ls1);
	for (i = 0; i < 100; i++)
		wft_strbuf_printf(&vals, "%s10.1.%zu.%zu:8080", i ? "," : "",
				  i / 10, i % 10);
	upd = json_pack("{s{s{s{ss s[s[[ss]]] s[s[[ss]]] s[s[[ss]]]}}"
			"s{s{ss s[s[[ss]]] s[s[[ss]]] s[s[[ss]]]}}}}",
			"Load_Balancer",
			"11111111-2222-3333-4444-555555555555", "insert",
			"protocol", "tcp",
			"vips", "map", "172.16.9.9:80", wft_strbuf_cstr(&vals),
			"options", "map", "hairpin_orig_tuple", "true",
			"datapaths", "set", "uuid", ls1,
			"66666666-2222-3333-4444-555555555555", "insert",
			"protocol", "tcp",
			"vips", "map", "^vip:80", "10.0.0.1:80",
			"options", "map", "template", "true",
			"datapaths", "set", "uuid", ls1);
	ck_assert_msg(upd, "json_pack");
	ck_assert_msg(!wft_ovsdb_replica_apply_update2(w.sb, upd, &err), "%s",
		      wft_strbuf_cstr(&err));
	json_decref(upd);
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
	wft_ovn_lookup_flows_init(&f);
	row = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(w.sb,
							   "Load_Balancer"));
	for (; row; row = wft_ovsdb_row_next(row)) {
		char u[WFT_UUID_STRLEN + 1];

		wft_uuid_format(wft_ovsdb_row_uuid(row), u);
		if (strncmp(u, "11111111", 8) && strncmp(u, "66666666", 8))
			continue;
		r = wft_ovn_lookup_lb(&ctx, row, &f);
		ck_assert_int_ge(r, 0);
	}
	for (i = 0; i < f.n; i++) {
		n68 += f.flows[i].table == 68;
		n69 += f.flows[i].table == 69;
		n70 += f.flows[i].table == 70;
	}
	ck_assert_uint_eq(n68, 100);
	ck_assert_uint_eq(n69, 0);	/* learned by 68's flows */
	ck_assert_uint_eq(n70, 1);
	ck_assert_uint_eq(f.n_skipped, 1);	/* the template's VIP */
	wft_ovn_lookup_flows_uninit(&f);
	wft_ovn_lookup_ctx_uninit(&ctx);
	wft_ovsdb_replica_free(w.sb);
	wft_strbuf_free(&err);
	wft_strbuf_free(&vals);
}
END_TEST

/* Malformed values in every parsed column: skipped or partly used as
 * OVN would, never a crash (valgrind-clean). */
START_TEST(test_malformed)
{
	static const char *const ps[] = {
		"", " ", "zz", "0a:58:0a:00:01:05x", "0a:58:0a:00:01",
		"0a:58:0a:00:01:05 300.1.1.1", "0a:58:0a:00:01:05 10.0.0.1/33",
		"0a:58:0a:00:01:05 fd01::1/129 10.0.0.1",
		"0a:58:0a:00:01:05 10.0.0.1/", "0a:58:0a:00:01:05 10.0.0.0/0",
		"0a:58:0a:00:01:05 ::/0 fe80::1%eth0",
		"0A:58:0A:00:01:05   10.0.0.1   fd01::1  ",
	};
	static const char *const vips[][2] = {
		{ "", "" }, { "1.2.3.4", "" }, { "1.2.3.4:80", "5.6.7.8" },
		{ "1.2.3.4", "5.6.7.8:80" }, { "1.2.3.4:0", "5.6.7.8:0" },
		{ "1.2.3.4:99999", "5.6.7.8:80" }, { "[fd01::1", "fd01::2" },
		{ "[fd01::1]:80", "5.6.7.8:80" }, { "fd01::1", "[fd01::2]" },
		{ "[fd01::1]:x", "[fd01::2]:80" }, { "1.2.3.4:80", ",,," },
		{ "1.2.3.4:80", "5.6.7.8:80,,5.6.7.9:80" },
		{ "[fd01::1]:80", "[fd01::2]:80,[fd01::3]:81" },
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovn_lookup_flows f;
	struct wft_ovn_lookup_ctx ctx;
	char pb[WFT_UUID_STRLEN + 1], lb[WFT_UUID_STRLEN + 1];
	struct wft_ovsdb_row *row;
	struct world w;
	size_t i;

	world_init(&w);
	for (row = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(
		     w.sb, "Port_Binding")); row; row = wft_ovsdb_row_next(row))
		if (!strcmp(wft_ovsdb_row_string(row, "logical_port", ""),
			    "ls1-p1"))
			wft_uuid_format(wft_ovsdb_row_uuid(row), pb);
	for (row = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(
		     w.sb, "Load_Balancer")); row; row = wft_ovsdb_row_next(row))
		if (!strcmp(wft_ovsdb_row_string(row, "name", ""), "lb1"))
			wft_uuid_format(wft_ovsdb_row_uuid(row), lb);
	for (i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		json_t *upd = json_pack("{s{s{s{s[s[s]]}}}s{s{s{s[s[[ss]]]}}}}",
			"Port_Binding", pb, "modify", "port_security", "set",
			ps[i], "Load_Balancer", lb, "modify", "vips", "map",
			vips[i][0], vips[i][1]);

		ck_assert_ptr_nonnull(upd);
		/* The diffs toggle: undo the last one's, then apply. */
		ck_assert_msg(!wft_ovsdb_replica_apply_update2(w.sb, upd, &err),
			      "%s", wft_strbuf_cstr(&err));
		json_decref(upd);
		wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
		wft_ovn_lookup_flows_init(&f);
		wft_ovn_lookup_build(&ctx, &f);
		ck_assert_uint_gt(f.n, 50);
		wft_ovn_lookup_flows_uninit(&f);
		wft_ovn_lookup_ctx_uninit(&ctx);
	}
	for (; i < sizeof(vips) / sizeof(vips[0]); i++) {
		json_t *upd = json_pack("{s{s{s{s[s[[ss]]]}}}}",
			"Load_Balancer", lb, "modify", "vips", "map",
			vips[i][0], vips[i][1]);

		ck_assert_msg(!wft_ovsdb_replica_apply_update2(w.sb, upd, &err),
			      "%s", wft_strbuf_cstr(&err));
		json_decref(upd);
		wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
		wft_ovn_lookup_flows_init(&f);
		wft_ovn_lookup_build(&ctx, &f);
		wft_ovn_lookup_flows_uninit(&f);
		wft_ovn_lookup_ctx_uninit(&ctx);
	}
	wft_ovsdb_replica_free(w.sb);
	wft_strbuf_free(&err);
}
END_TEST

/* ---- the tables at work in weft's pipeline -------------------------- */

/* The datapath and port keys of logical port @name. */
static void keys(struct world *w, const char *name, uint32_t *dp,
		 uint32_t *port)
{
	struct wft_ovsdb_row *pb = wft_ovsdb_rtable_first(
		wft_ovsdb_replica_table(w->sb, "Port_Binding"));

	for (; pb; pb = wft_ovsdb_row_next(pb))
		if (!strcmp(wft_ovsdb_row_string(pb, "logical_port", ""),
			    name)) {
			*dp = dp_key(w, pb);
			*port = (uint32_t)wft_ovsdb_row_integer(pb,
								"tunnel_key", 0);
			return;
		}
	ck_abort_msg("no port %s", name);
}

/* "table=T,priority=50,actions=" + @lacts translated for logical
 * ingress table T - 8. */
static void add_lflow(struct wft_pipeline *p, unsigned int t,
		      const char *lacts)
{
	struct wft_lflow_xlate_ctx ctx;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_ofpacts acts;
	struct wft_lacts tree;
	struct wft_flow match;
	struct wft_flow_wc wc;
	char err[256];

	memset(&match, 0, sizeof(match));
	wft_flow_wc_init_catchall(&wc);
	wft_lflow_xlate_ctx_init(&ctx, false, (uint8_t)(t - 8), true);
	wft_ofpacts_init(&acts);
	ck_assert_msg(!wft_lflow_actions_parse(lacts, &tree, err, sizeof(err)),
		      "%s", err);
	ck_assert_msg(!wft_lflow_actions_to_ofpacts(&tree, &ctx, &acts, err,
						    sizeof(err)), "%s", err);
	wft_strbuf_printf(&sb, "table=%u,priority=50,actions=", t);
	wft_ofp_actions_format(&acts, &match, &wc, &sb);
	add_rule(p, wft_strbuf_cstr(&sb));
	wft_strbuf_free(&sb);
	wft_ofpacts_uninit(&acts);
	wft_lacts_free(&tree);
}

/* The lookup tables @f into @r's pipeline, as the chassis installs them. */
static void install_lookup(struct run *r, const struct wft_ovn_lookup_flows *f)
{
	struct wft_flow_mod fm;
	size_t i;

	for (i = 0; i < f->n; i++) {
		wft_flow_mod_init(&fm, WFT_FM_ADD);
		fm.table_id = f->flows[i].table;
		fm.priority = f->flows[i].priority;
		fm.match = f->flows[i].match;
		fm.wc = f->flows[i].mask;
		fm.cookie = f->flows[i].cookie;
		fm.actions = &f->flows[i].actions;
		ck_assert_int_eq(wft_pipeline_flow_mod(r->p, &fm, 0, NULL,
						       NULL), 0);
	}
}

static const char *verdict(struct run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The datapath actions for the packet @fmt. */
static const char *verdict(struct run *r, const char *fmt, ...)
{
	char pkt[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pkt, sizeof(pkt), fmt, ap);
	va_end(ap);
	wft_xlate_out_uninit(&r->out);
	wft_xlate_out_init(&r->out);
	run_xlate(r, pkt);
	return wft_strbuf_cstr(&r->acts);
}

START_TEST(test_pipeline)
{
	struct wft_ovn_lookup_flows f;
	struct wft_ovn_lookup_ctx ctx;
	uint32_t ls1, p1, lr1, to_ls2, p3;
	struct world w;
	struct run r;
	char rule[256];

	world_init(&w);
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
	wft_ovn_lookup_flows_init(&f);
	wft_ovn_lookup_build(&ctx, &f);
	run_init(&r, NULL);
	install_lookup(&r, &f);
	keys(&w, "ls1-p1", &ls1, &p1);
	keys(&w, "lr1-ls2", &lr1, &to_ls2);
	keys(&w, "ls1-p3", &ls1, &p3);

	/* Port 1 is ls1-p1: its port security decides (drop or port 2). */
	snprintf(rule, sizeof(rule), "table=0,priority=100,in_port=1,actions="
		 "set_field:%u->reg14,set_field:%u->metadata,resubmit(,8)",
		 p1, ls1);
	add_rule(r.p, rule);
	add_lflow(r.p, 8, "reg0[15] = check_in_port_sec(); next;");
	add_rule(r.p, "table=9,priority=100,reg0=0x8000/0x8000,actions=drop");
	add_rule(r.p, "table=9,priority=0,actions=output:2");
	ck_assert_str_eq(verdict(&r, "in_port=1,dl_src=0a:58:0a:00:01:05,"
				 "ip,nw_src=10.0.1.5,nw_dst=10.0.2.5"), "12");
	ck_assert_str_eq(verdict(&r, "in_port=1,dl_src=0a:58:0a:00:01:05,"
				 "ip,nw_src=10.0.1.99,nw_dst=10.0.2.5"),
			 "drop");
	ck_assert_str_eq(verdict(&r, "in_port=1,dl_src=0a:58:0a:00:01:99,"
				 "ip,nw_src=10.0.1.5,nw_dst=10.0.2.5"),
			 "drop");
	ck_assert_str_eq(verdict(&r, "in_port=1,dl_src=0a:58:0a:00:01:05,"
				 "arp,arp_spa=10.0.1.5,"
				 "arp_sha=0a:58:0a:00:01:05"), "12");
	ck_assert_str_eq(verdict(&r, "in_port=1,dl_src=0a:58:0a:00:01:05,"
				 "arp,arp_spa=10.0.1.6,"
				 "arp_sha=0a:58:0a:00:01:05"), "drop");
	ck_assert_str_eq(verdict(&r, "in_port=1,dl_src=0a:58:0a:00:01:05,"
				 "ipv6,ipv6_src=fd01::5"), "12");
	ck_assert_str_eq(verdict(&r, "in_port=1,dl_src=0a:58:0a:00:01:05,"
				 "ipv6,ipv6_src=fd01::7"), "drop");

	/* Port 2 is lr1 routing to ls2: get_arp() finds the MAC, the
	 * static binding that overrides winning over the learnt one. */
	snprintf(rule, sizeof(rule), "table=0,priority=100,ip,in_port=2,"
		 "actions=set_field:%u->reg15,set_field:%u->metadata,"
		 "move:NXM_OF_IP_DST[]->NXM_NX_REG0[],resubmit(,20)",
		 to_ls2, lr1);
	add_rule(r.p, rule);
	add_lflow(r.p, 20, "get_arp(outport, reg0); next;");
	add_rule(r.p, "table=21,priority=100,dl_dst=0a:58:0a:00:02:06,"
		 "actions=output:3");
	add_rule(r.p, "table=21,priority=100,dl_dst=0a:58:0a:00:02:09,"
		 "actions=output:4");
	add_rule(r.p, "table=21,priority=0,actions=output:5");
	ck_assert_str_eq(verdict(&r, "in_port=2,ip,nw_dst=10.0.2.6"),
			 "set(eth(dst=0a:58:0a:00:02:06)),13");
	ck_assert_str_eq(verdict(&r, "in_port=2,ip,nw_dst=10.0.2.9"),
			 "set(eth(dst=0a:58:0a:00:02:09)),14");
	/* Unknown: eth.dst 00:00:00:00:00:00, for the ARP request stage. */
	ck_assert_str_eq(verdict(&r, "in_port=2,dl_dst=0a:58:0a:00:02:01,ip,"
				 "nw_dst=10.0.2.77"),
			 "set(eth(dst=00:00:00:00:00:00)),15");

	/* Port 3 is ls1-p3: get_fdb() sends the FDB's MAC to port 1. */
	snprintf(rule, sizeof(rule), "table=0,priority=100,in_port=3,actions="
		 "set_field:%u->reg14,set_field:%u->metadata,resubmit(,30)",
		 p3, ls1);
	add_rule(r.p, rule);
	add_lflow(r.p, 30, "outport = get_fdb(eth.dst); next;");
	add_rule(r.p, "table=31,priority=100,reg15=1,actions=output:4");
	add_rule(r.p, "table=31,priority=0,actions=output:5");
	ck_assert_str_eq(verdict(&r, "in_port=3,dl_dst=0a:58:0a:00:01:30"),
			 "14");
	ck_assert_str_eq(verdict(&r, "in_port=3,dl_dst=0a:58:0a:00:01:31"),
			 "15");

	run_free(&r);
	wft_ovn_lookup_flows_uninit(&f);
	wft_ovn_lookup_ctx_uninit(&ctx);
	wft_ovsdb_replica_free(w.sb);
}
END_TEST

/* The lowest local datapath key of the balancer whose UUID starts with
 * @cookie, through its datapath group: where a session of it runs. */
static uint32_t lb_local_dp(struct world *w, uint64_t cookie)
{
	struct wft_ovsdb_row *lb = wft_ovsdb_rtable_first(
		wft_ovsdb_replica_table(w->sb, "Load_Balancer"));
	const struct wft_ovsdb_datum *g, *dps;
	struct wft_ovsdb_row *grp, *dp;
	uint32_t key, best = 0;
	unsigned int i;

	for (; lb; lb = wft_ovsdb_row_next(lb)) {
		const uint8_t *b = wft_ovsdb_row_uuid(lb)->b;

		if (((uint64_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]) ==
		    cookie)
			break;
	}
	ck_assert_msg(lb, "no balancer for cookie %#llx",
		      (unsigned long long)cookie);
	g = wft_ovsdb_row_get_named(lb, "datapath_group");
	ck_assert(g && g->n == 1);
	grp = wft_ovsdb_rtable_find(wft_ovsdb_replica_table(
		w->sb, "Logical_DP_Group"), &g->keys[0].u);
	ck_assert(grp);
	dps = wft_ovsdb_row_get_named(grp, "datapaths");
	for (i = 0; dps && i < dps->n; i++) {
		dp = wft_ovsdb_rtable_find(wft_ovsdb_replica_table(
			w->sb, "Datapath_Binding"), &dps->keys[i].u);
		key = (uint32_t)wft_ovsdb_row_integer(dp, "tunnel_key", 0);
		if (is_local(w, key) && (!best || key < best))
			best = key;
	}
	ck_assert(best);
	return best;
}

/* The rules of @table in @p, printed as the oracle's dump prints them. */
static void pipeline_table(struct wft_pipeline *p, unsigned int table,
			   struct lines *out)
{
	struct wft_rule_list rules;
	struct wft_flow_mod fm;
	size_t i;

	wft_flow_mod_init(&fm, WFT_FM_DELETE);
	fm.table_id = (uint8_t)table;
	wft_rule_list_init(&rules);
	wft_pipeline_dump(p, &fm, &rules);
	for (i = 0; i < rules.n; i++) {
		struct wft_strbuf sb = WFT_STRBUF_INIT;
		struct wft_ofp_flow f;

		wft_ofp_flow_from_rule(rules.rules[i], &f);
		wft_ofp_flow_format_dump(&f, NULL, &sb);
		lines_add(out, wft_strbuf_cstr(&sb));
		wft_strbuf_free(&sb);
	}
	wft_rule_list_destroy(&rules);
	lines_sort(out);
}

/*
 * Table 69 as ovn-controller makes it: by the learn() of table 68. The
 * first packet of a hairpin session through every backend's table-68
 * flow (its match's values, on the balancer's local datapath; ICMP for
 * the balancer without ports, whose learned flow takes the session's
 * protocol), then table 69 is the oracle's learned flows plus the hand
 * written ones of the sessions the generator did not run. Then the
 * replies: a learned flow sets flags[7]. Deleting a balancer's table-68
 * flows takes what they learned (delete_learned), and only that.
 */
START_TEST(test_hairpin_learn)
{
	struct lines want = { 0 }, got = { 0 };
	struct wft_ovn_lookup_flows f;
	struct wft_ovn_lookup_ctx ctx;
	struct wft_flow_mod fm;
	struct world w;
	struct run r;
	size_t i, n68 = 0;

	world_init(&w);
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
	wft_ovn_lookup_flows_init(&f);
	wft_ovn_lookup_build(&ctx, &f);
	run_init(&r, NULL);
	install_lookup(&r, &f);
	add_rule(r.p, "table=0,priority=0,actions=resubmit(,68)");
	pipeline_table(r.p, 69, &got);
	ck_assert_uint_eq(got.n, 0);
	lines_free(&got);
	r.in.may_learn = true;
	for (i = 0; i < f.n; i++) {
		if (f.flows[i].table != 68)
			continue;
		n68++;
		memset(&r.in.flow, 0, sizeof(r.in.flow));
		r.in.flow = f.flows[i].match;
		r.in.flow.metadata = htobe64(lb_local_dp(&w,
							 f.flows[i].cookie));
		if (!f.flows[i].mask.masks.nw_proto)
			r.in.flow.nw_proto = 1;
		wft_xlate_out_uninit(&r.out);
		wft_xlate_out_init(&r.out);
		wft_xlate(&r.in, &r.out);
		ck_assert(r.out.has_learn);
	}
	ck_assert_uint_eq(n68, 7);
	oracle_table("ovn_lookup_flows.txt", 69, &want);
	oracle_table("ovn_lookup_69.expected", 69, &want);
	pipeline_table(r.p, 69, &got);
	ck_assert_uint_eq(diff(69, &want, &got), 0);
	ck_assert_uint_eq(got.n, 7);
	lines_free(&want);
	lines_free(&got);

	/* A reply of lb1's session with 10.0.1.5: 69 says hairpin. */
	add_rule(r.p, "table=0,priority=10,in_port=1,actions=resubmit(,69),"
		 "resubmit(,1)");
	add_rule(r.p, "table=1,priority=10,reg10=0x80/0x80,actions=output:3");
	add_rule(r.p, "table=1,priority=0,actions=output:4");
	r.in.may_learn = false;
	ck_assert_str_eq(verdict(&r, "in_port=1,tcp,metadata=0x1,"
				 "nw_src=10.0.1.5,nw_dst=172.16.0.10,"
				 "tp_src=8080,tp_dst=40000"), "13");
	ck_assert_str_eq(verdict(&r, "in_port=1,tcp,metadata=0x1,"
				 "nw_src=10.0.1.5,nw_dst=172.16.0.10,"
				 "tp_src=8081,tp_dst=40000"), "14");
	ck_assert_str_eq(verdict(&r, "in_port=1,tcp,metadata=0x2,"
				 "nw_src=10.0.1.5,nw_dst=172.16.0.10,"
				 "tp_src=8080,tp_dst=40000"), "14");

	/* lb1 goes (its table-68 flows deleted by cookie): so do the
	 * flows they learned, the others stay. */
	wft_flow_mod_init(&fm, WFT_FM_DELETE);
	fm.table_id = 68;
	fm.cookie = 0xaa7da4a1;
	fm.cookie_mask = UINT64_MAX;
	ck_assert_int_eq(wft_pipeline_flow_mod(r.p, &fm, 0, NULL, NULL), 0);
	pipeline_table(r.p, 69, &got);
	ck_assert_uint_eq(got.n, 5);
	for (i = 0; i < got.n; i++)
		ck_assert_msg(!strstr(got.s[i], "cookie=0xaa7da4a1"), "%s",
			      got.s[i]);
	lines_free(&got);

	run_free(&r);
	wft_ovn_lookup_flows_uninit(&f);
	wft_ovn_lookup_ctx_uninit(&ctx);
	wft_ovsdb_replica_free(w.sb);
}
END_TEST

/* Many rows: counts, and the time a full rebuild takes (printed). */
START_TEST(test_scale)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovn_lookup_flows f;
	struct wft_ovn_lookup_ctx ctx;
	struct timespec t0, t1;
	uint32_t ls1, p1;
	json_t *upd, *mb, *fdb;
	struct world w;
	size_t before, i;
	double us;

	world_init(&w);
	keys(&w, "ls1-p1", &ls1, &p1);
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
	wft_ovn_lookup_flows_init(&f);
	before = wft_ovn_lookup_build(&ctx, &f);
	wft_ovn_lookup_flows_uninit(&f);
	wft_ovn_lookup_ctx_uninit(&ctx);

	mb = json_object();
	fdb = json_object();
	for (i = 0; i < 5000; i++) {
		char u[WFT_UUID_STRLEN + 1], ip[32], mac[32];

		snprintf(u, sizeof(u), "%08zx-0000-4000-8000-000000000000", i);
		snprintf(ip, sizeof(ip), "10.2.%zu.%zu", i / 250, i % 250);
		snprintf(mac, sizeof(mac), "0a:00:00:00:%02zx:%02zx", i / 256,
			 i % 256);
		json_object_set_new(mb, u, json_pack(
			"{s{ss ss ss}}", "insert", "logical_port", "lr1-ls2",
			"ip", ip, "mac", mac));
		u[9] = '1';
		json_object_set_new(fdb, u, json_pack(
			"{s{ss si si}}", "insert", "mac", mac, "dp_key",
			(json_int_t)ls1, "port_key", (json_int_t)p1));
	}
	upd = json_pack("{soso}", "MAC_Binding", mb, "FDB", fdb);
	ck_assert_msg(!wft_ovsdb_replica_apply_update2(w.sb, upd, &err), "%s",
		      wft_strbuf_cstr(&err));
	json_decref(upd);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	wft_ovn_lookup_ctx_init(&ctx, w.sb, &w.chassis, is_local, &w);
	wft_ovn_lookup_flows_init(&f);
	ck_assert_uint_eq(wft_ovn_lookup_build(&ctx, &f), before + 20000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
	fprintf(stderr, "ovn lookup: full rebuild of %zu flows in %.1f ms "
		"(%.2f us per flow)\n", f.n, us / 1e3, us / (double)f.n);
	wft_ovn_lookup_flows_uninit(&f);
	wft_ovn_lookup_ctx_uninit(&ctx);
	wft_ovsdb_replica_free(w.sb);
	wft_strbuf_free(&err);
}
END_TEST

static Suite *ovn_lookup_suite(void)
{
	Suite *s = suite_create("ovn_lookup");
	TCase *tc = tcase_create("ovn_lookup");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_oracle);
	tcase_add_test(tc, test_reparse);
	tcase_add_test(tc, test_per_row);
	tcase_add_test(tc, test_nothing_local);
	tcase_add_test(tc, test_bad_rows);
	tcase_add_test(tc, test_lb_big);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_pipeline);
	tcase_add_test(tc, test_hairpin_learn);
	tcase_add_test(tc, test_scale);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ovn_lookup_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
