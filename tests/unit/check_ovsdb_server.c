// SPDX-License-Identifier: GPL-2.0
/*
 * weft's OVSDB client against the real ovsdb-server with OVN's Southbound
 * schema (openvswitch-switch and ovn-central, from scripts/deps), on the
 * host, in a temporary directory:
 *  - the replica equals `ovsdb-client dump` after inserts and after every
 *    kind of update2 diff the server sends (map keys replaced, removed and
 *    added in one transaction, set elements added and removed, an optional
 *    reference set, moved and cleared, scalars, deletes), and each change
 *    is tracked with its old values;
 *  - monitor_cond_change narrowing Port_Binding to one datapath, moving
 *    it, OR-ing two, [false] and [true];
 *  - the server killed and restarted with the database changed offline
 *    (ovsdb-tool transact): reconnect, full resync, only the differences
 *    reported;
 *  - a 3-member Raft cluster whose leader is killed: the client moves to a
 *    follower and resumes with its last transaction id (found=true, no
 *    second full sync), then follows new writes; two members killed: the
 *    survivor's _Server row says connected=false, the client leaves it
 *    and refuses it until the quorum is back, then resumes;
 *  - transact: named-uuid inserts, a verify that loses a race
 *    (try again), errors; tcp with echo probes;
 *  - chassis registration (include/weft/sb_chassis.h) taking over a stale
 *    row, checked with ovn-sbctl show, the nb_cfg acknowledgement that
 *    `ovn-nbctl --wait=hv sync` (with the real ovn-northd) waits for, a
 *    lost race, and leaving;
 *  - the chassis' conditions (include/weft/sb_monitor.h): Logical_Flow,
 *    Port_Binding, Multicast_Group and MAC_Binding narrowed to the local
 *    datapaths, datapath groups and interfaces, moved, widened, and
 *    ovn-monitor-all;
 *  - the SB that the real ovn-northd writes for a small topology, and
 *    rewrites after NB changes: the replica equals the dump throughout.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft/jsonrpc.h"
#include "weft/ovsdb_client.h"
#include "weft/sb_chassis.h"
#include "weft/sb_monitor.h"
#include "weft/util.h"
#include "weft/vlog.h"

#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"
#define SB "OVN_Southbound"

static char base[256];	/* per test case run, removed at the end */
static char dir[PATH_MAX];	/* per test */

/* ---- shell helpers ---- */

static char *vfmt(const char *fmt, va_list ap)
{
	char *s;

	ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
	return s;
}

/* Runs a shell command in dir; returns its exit status. */
static int sh_status(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static int sh_status(const char *fmt, ...)
{
	char *cmd, *full;
	va_list ap;
	int st;

	va_start(ap, fmt);
	cmd = vfmt(fmt, ap);
	va_end(ap);
	ck_assert_int_ge(asprintf(&full, "cd '%s' && { %s; } >>cmd.log 2>&1",
				  dir, cmd), 0);
	st = system(full);
	free(full);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

#define sh(...) ck_assert_msg(sh_status(__VA_ARGS__) == 0, \
			      "command failed (see %s/cmd.log)", dir)

/* Runs a command and returns its stdout, trailing newline removed. */
static char *sh_out(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static char *sh_out(const char *fmt, ...)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	char *cmd, *full, buf[4096];
	va_list ap;
	size_t n;
	FILE *f;

	va_start(ap, fmt);
	cmd = vfmt(fmt, ap);
	va_end(ap);
	ck_assert_int_ge(asprintf(&full, "cd '%s' && %s 2>>cmd.log", dir, cmd),
			 0);
	f = popen(full, "r");
	ck_assert_ptr_nonnull(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		wft_strbuf_add(&sb, buf, n);
	ck_assert_msg(pclose(f) == 0, "%s failed", cmd);
	free(full);
	free(cmd);
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		wft_strbuf_truncate(&sb, sb.len - 1);
	wft_strbuf_puts(&sb, "");
	return wft_strbuf_steal(&sb);
}

/* ---- servers ---- */

static void server_start(const char *name, const char *db, const char *extra)
{
	sh("ovsdb-server --detach --no-chdir --pidfile=%s/%s.pid "
	   "--log-file=%s/%s.log --unixctl=%s/%s.ctl "
	   "--remote=punix:%s/%s.sock %s %s", dir, name, dir, name, dir, name,
	   dir, name, extra ? extra : "", db);
}

static pid_t server_pid(const char *name)
{
	char path[PATH_MAX + 64];
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.pid", dir, name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

/* Gone, or a zombie that nobody has reaped yet (the servers detach, so
 * their parent is init, which may take its time). */
static bool pid_dead(pid_t pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	if (kill(pid, 0))
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'Z';
}

static void server_kill(const char *name, int sig)
{
	pid_t pid = server_pid(name);
	int i;

	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(kill(pid, sig), 0);
	for (i = 0; i < 500 && !pid_dead(pid); i++)
		usleep(10000);
	ck_assert_msg(pid_dead(pid), "%s did not die", name);
}

static void standalone_start(void)
{
	sh("ovsdb-tool create sb.db " SB_SCHEMA);
	server_start("sb", "sb.db", NULL);
}

/* ---- the client under test ---- */

struct env {
	struct wft_loop *loop;
	struct wft_ovsdb_client *c;
	int n_updates;
	int n_txn;
	struct wft_ovsdb_txn_result txn;
	char txn_error[256];
	json_t *txn_results;
};

static void on_update(struct wft_ovsdb_client *c, void *aux)
{
	struct env *e = aux;

	e->n_updates++;
}

static void env_open(struct env *e, const char *remotes,
		     const char *const *tables, json_t *pb_cond)
{
	struct wft_ovsdb_client_opts opts = {
		.remotes = remotes, .db = SB, .probe_ms = -1,
		.backoff_min_ms = 100, .backoff_max_ms = 400,
		.tables = tables, .on_update = on_update, .aux = e,
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;

	memset(e, 0, sizeof(*e));
	opts.aux = e;
	ck_assert_int_eq(wft_loop_new(&e->loop), 0);
	ck_assert_msg(!wft_ovsdb_client_new(e->loop, &opts, &e->c, &err),
		      "%s", wft_strbuf_cstr(&err));
	if (pb_cond)
		ck_assert_int_eq(wft_ovsdb_client_set_condition(e->c,
			"Port_Binding", pb_cond), 0);
	wft_strbuf_free(&err);
}

static void env_close(struct env *e)
{
	wft_ovsdb_client_free(e->c);
	wft_loop_free(e->loop);
	json_decref(e->txn_results);
}

static struct wft_ovsdb_replica *rep(struct env *e)
{
	return wft_ovsdb_client_replica(e->c);
}

/* Runs the loop until @pred holds; false after @ms. */
static bool run_until(struct env *e, bool (*pred)(struct env *), int ms)
{
	uint64_t end = wft_loop_now() + (uint64_t)ms;

	while (!pred(e)) {
		if (wft_loop_now() >= end)
			return false;
		ck_assert_int_ge(wft_loop_run_once(e->loop, 20), 0);
	}
	return true;
}

static bool is_active(struct env *e)
{
	return wft_ovsdb_client_state(e->c) == WFT_OVSDB_S_ACTIVE;
}

static bool is_down(struct env *e)
{
	return wft_ovsdb_client_state(e->c) != WFT_OVSDB_S_ACTIVE;
}

/* `ovsdb-client dump --format=json` of every table of @remote, as
 * {table: {uuid: {column: datum}}} with data normalized through the
 * schema (so that both sides write sets and maps the same way), empty
 * tables left out, as wft_ovsdb_replica_to_json() writes them. */
static json_t *server_dump(struct env *e, const char *remote)
{
	const struct wft_ovsdb_schema *s = wft_ovsdb_replica_schema(rep(e));
	char *txt = sh_out("ovsdb-client dump --format=json %s " SB, remote);
	struct wft_jsonrpc_stream st;
	struct wft_jsonrpc_error err;
	json_t *out = json_object(), *t;

	wft_jsonrpc_stream_init(&st, 0);
	wft_jsonrpc_error_init(&err);
	ck_assert_int_eq(wft_jsonrpc_stream_feed(&st, txt, strlen(txt)), 0);
	while (wft_jsonrpc_stream_next(&st, &t, &err) == 1) {
		const char *cap = json_string_value(json_object_get(t,
								    "caption"));
		json_t *heads = json_object_get(t, "headings");
		json_t *data = json_object_get(t, "data"), *row, *rows;
		const struct wft_ovsdb_table_schema *ts;
		char name[128];
		size_t i, k;

		ck_assert_ptr_nonnull(cap);
		ck_assert_int_eq(sscanf(cap, "%127s table", name), 1);
		ts = wft_ovsdb_schema_table(s, name);
		ck_assert_ptr_nonnull(ts);
		if (!json_array_size(data)) {
			json_decref(t);
			continue;
		}
		rows = json_object();
		json_array_foreach(data, i, row) {
			json_t *cols = json_object();
			struct wft_uuid u;
			char ubuf[WFT_UUID_STRLEN + 1];

			ck_assert(wft_ovsdb_uuid_from_json(
				json_array_get(row, 0), &u));
			for (k = 1; k < json_array_size(heads); k++) {
				const char *cn = json_string_value(
					json_array_get(heads, k));
				int c = wft_ovsdb_table_column(ts, cn);
				const struct wft_ovsdb_type *ty;
				struct wft_ovsdb_datum d;

				if (c < 0)
					continue;	/* _version */
				ty = &ts->columns[c].type;
				ck_assert(!wft_ovsdb_datum_from_json(ty,
					json_array_get(row, k), false, &d,
					NULL));
				json_object_set_new(cols, cn,
					wft_ovsdb_datum_to_json(ty, &d));
				wft_ovsdb_datum_destroy(ty, &d);
			}
			wft_uuid_format(&u, ubuf);
			json_object_set_new(rows, ubuf, cols);
		}
		json_object_set_new(out, name, rows);
		json_decref(t);
	}
	wft_jsonrpc_stream_uninit(&st);
	wft_jsonrpc_error_clear(&err);
	free(txt);
	return out;
}

static const char *dump_remote;

static bool replica_matches(struct env *e)
{
	json_t *mine, *theirs;
	bool eq;

	if (!rep(e) || !is_active(e))
		return false;
	mine = wft_ovsdb_replica_to_json(rep(e), NULL);
	theirs = server_dump(e, dump_remote);
	eq = json_equal(mine, theirs);
	json_decref(mine);
	json_decref(theirs);
	return eq;
}

/* Waits for the replica to equal the server's dump, else fails with
 * both. */
static void assert_synced(struct env *e, const char *what)
{
	json_t *mine, *theirs;
	char *a, *b;

	if (run_until(e, replica_matches, 10000))
		return;
	mine = rep(e) ? wft_ovsdb_replica_to_json(rep(e), NULL) : json_null();
	theirs = server_dump(e, dump_remote);
	a = json_dumps(mine, JSON_SORT_KEYS);
	b = json_dumps(theirs, JSON_SORT_KEYS);
	ck_abort_msg("%s: replica (state %s, error \"%s\")\n%s\n!= server\n%s",
		     what, wft_ovsdb_state_name(wft_ovsdb_client_state(e->c)),
		     wft_ovsdb_client_last_error(e->c), a, b);
}

/* The tracked row of @table whose @col is the string @val. */
static struct wft_ovsdb_row *tracked(struct env *e, const char *table,
				     const char *col, const char *val)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(rep(e), table);
	struct wft_ovsdb_row *row;

	for (row = wft_ovsdb_rtable_tracked_first(t); row;
	     row = wft_ovsdb_row_tracked_next(row))
		if (!strcmp(wft_ovsdb_row_string(row, col, ""), val))
			return row;
	return NULL;
}

static int n_tracked(struct env *e, const char *table)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(rep(e), table);
	struct wft_ovsdb_row *row;
	int n = 0;

	for (row = wft_ovsdb_rtable_tracked_first(t); row;
	     row = wft_ovsdb_row_tracked_next(row))
		n++;
	return n;
}

/* Column @col of @row (or its old value) equals the JSON @want. */
static void assert_col(struct env *e, const struct wft_ovsdb_row *row,
		       const char *table, const char *col, bool old,
		       const char *want)
{
	const struct wft_ovsdb_table_schema *ts =
		wft_ovsdb_rtable_schema(wft_ovsdb_replica_table(rep(e), table));
	int c = wft_ovsdb_table_column(ts, col);
	json_t *w = json_loads(want, JSON_DECODE_ANY, NULL), *o;
	char *txt;

	ck_assert_ptr_nonnull(row);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_ge(c, 0);
	o = wft_ovsdb_datum_to_json(&ts->columns[c].type,
				    old ? wft_ovsdb_row_old(row, c) :
				    wft_ovsdb_row_get(row, c));
	txt = json_dumps(o, JSON_ENCODE_ANY);
	ck_assert_msg(json_equal(o, w), "%s.%s%s = %s, want %s", table, col,
		      old ? " (old)" : "", txt, want);
	if (old)
		ck_assert(wft_ovsdb_row_changed(row, c));
	free(txt);
	json_decref(o);
	json_decref(w);
}

/* ---- fixtures ---- */

static void base_setup(void)
{
	snprintf(base, sizeof(base), "/tmp/weft-check-ovsdb.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	/* Warnings about sessions ending are expected here. */
	wft_log_set_spec("ovsdb:off", NULL);
}

/* Kills every server a test started (even one that failed halfway),
 * then removes the files. */
static void base_teardown(void)
{
	char *cmd;

	ck_assert_int_ge(asprintf(&cmd, "for p in $(find '%s' -name '*.pid'); "
				  "do kill -9 $(cat $p) 2>/dev/null; done; "
				  "rm -rf '%s'", base, base), 0);
	if (system(cmd))
		fprintf(stderr, "cleanup of %s failed\n", base);
	free(cmd);
}

static void test_dir(const char *name)
{
	snprintf(dir, sizeof(dir), "%s/%s", base, name);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
}

static char remote_buf[3][PATH_MAX + 32];

static const char *unix_remote(int i, const char *name)
{
	snprintf(remote_buf[i], sizeof(remote_buf[i]), "unix:%s/%s.sock", dir,
		 name);
	return remote_buf[i];
}

/* ---- tests ---- */

START_TEST(test_sync_and_diffs)
{
	const char *db;
	struct wft_ovsdb_row *row;
	char *hv1, *hv2, *dp, *pb;
	struct env e;

	test_dir("sync");
	standalone_start();
	db = unix_remote(0, "sb");
	dump_remote = db;
#define SBCTL "ovn-sbctl --db=%s "
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", db);
	sh(SBCTL "chassis-add hv2 vxlan 192.0.2.2", db);
	sh(SBCTL "set chassis hv1 other_config:a=1 other_config:b=2 "
	   "external_ids:x=y hostname=h1", db);
	hv1 = sh_out(SBCTL "--bare --columns=_uuid find Chassis name=hv1", db);
	hv2 = sh_out(SBCTL "--bare --columns=_uuid find Chassis name=hv2", db);
	dp = sh_out(SBCTL "create Datapath_Binding tunnel_key=5 "
		    "external_ids:name=ls1", db);
	pb = sh_out(SBCTL "create Port_Binding logical_port=lp1 datapath=%s "
		    "tunnel_key=1 mac='\"00:00:00:00:00:01 10.0.0.1\"'", db,
		    dp);

	env_open(&e, db, NULL, NULL);
	assert_synced(&e, "initial");
	ck_assert_str_eq(wft_ovsdb_client_monitor_method(e.c),
			 "monitor_cond_since");
	ck_assert_int_eq(n_tracked(&e, "Chassis"), 2);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Chassis", "name",
						      "hv1")),
			 WFT_OVSDB_INSERTED);
	wft_ovsdb_replica_consume(rep(&e));

	/* A map: one key replaced, one removed, one added, in one
	 * transaction (one update2 "modify" with all three). */
	sh(SBCTL "set chassis hv1 other_config:a=9 -- remove chassis hv1 "
	   "other_config b -- add chassis hv1 other_config c=3", db);
	assert_synced(&e, "map diff");
	row = tracked(&e, "Chassis", "name", "hv1");
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_MODIFIED);
	assert_col(&e, row, "Chassis", "other_config", false,
		   "[\"map\",[[\"a\",\"9\"],[\"c\",\"3\"]]]");
	assert_col(&e, row, "Chassis", "other_config", true,
		   "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]");
	ck_assert_int_eq(n_tracked(&e, "Chassis"), 1);
	ck_assert_int_eq(n_tracked(&e, "Encap"), 0);
	wft_ovsdb_replica_consume(rep(&e));

	/* A set: elements added and removed together. */
	sh(SBCTL "add Port_Binding %s mac '\"b\"' '\"a\"' -- remove "
	   "Port_Binding %s mac '\"00:00:00:00:00:01 10.0.0.1\"'", db, pb, pb);
	assert_synced(&e, "set diff");
	row = tracked(&e, "Port_Binding", "logical_port", "lp1");
	assert_col(&e, row, "Port_Binding", "mac", false,
		   "[\"set\",[\"a\",\"b\"]]");
	assert_col(&e, row, "Port_Binding", "mac", true,
		   "\"00:00:00:00:00:01 10.0.0.1\"");
	wft_ovsdb_replica_consume(rep(&e));

	/* An optional reference: set, moved, cleared. */
	sh(SBCTL "set Port_Binding %s chassis=%s", db, pb, hv1);
	assert_synced(&e, "optional set");
	wft_ovsdb_replica_consume(rep(&e));
	sh(SBCTL "set Port_Binding %s chassis=%s", db, pb, hv2);
	assert_synced(&e, "optional moved");
	row = tracked(&e, "Port_Binding", "logical_port", "lp1");
	{
		char want[128];

		snprintf(want, sizeof(want), "[\"uuid\",\"%s\"]", hv1);
		assert_col(&e, row, "Port_Binding", "chassis", true, want);
	}
	wft_ovsdb_replica_consume(rep(&e));
	sh(SBCTL "clear Port_Binding %s chassis", db, pb);
	assert_synced(&e, "optional cleared");
	wft_ovsdb_replica_consume(rep(&e));

	/* Scalars, and a map emptied. */
	sh(SBCTL "set chassis hv1 hostname=h2 nb_cfg=7 -- clear chassis hv1 "
	   "external_ids", db);
	assert_synced(&e, "scalars");
	row = tracked(&e, "Chassis", "name", "hv1");
	assert_col(&e, row, "Chassis", "hostname", true, "\"h1\"");
	assert_col(&e, row, "Chassis", "nb_cfg", true, "0");
	assert_col(&e, row, "Chassis", "external_ids", true,
		   "[\"map\",[[\"x\",\"y\"]]]");
	wft_ovsdb_replica_consume(rep(&e));

	/* Deletes. */
	sh(SBCTL "clear Port_Binding %s chassis -- chassis-del hv2", db, pb);
	assert_synced(&e, "delete");
	row = tracked(&e, "Chassis", "name", "hv2");
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_DELETED);
	ck_assert_int_eq(n_tracked(&e, "Encap"), 1);
	ck_assert_int_gt(e.n_updates, 6);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->protocol_errors, 0);
	env_close(&e);
	free(hv1);
	free(hv2);
	free(dp);
	free(pb);
}
END_TEST

/* The logical ports the replica holds, sorted, space-separated. */
static char pb_names[256];

static const char *ports(struct env *e)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(rep(e),
							     "Port_Binding");
	const char *names[16];
	struct wft_ovsdb_row *row;
	int n = 0, i, k;

	for (row = wft_ovsdb_rtable_first(t); row && n < 16;
	     row = wft_ovsdb_row_next(row))
		names[n++] = wft_ovsdb_row_string(row, "logical_port", "?");
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			const char *x = names[k];

			names[k] = names[k - 1];
			names[k - 1] = x;
		}
	pb_names[0] = 0;
	for (i = 0; i < n; i++) {
		strcat(pb_names, i ? " " : "");
		strcat(pb_names, names[i]);
	}
	return pb_names;
}

static const char *want_ports;

static bool ports_are(struct env *e)
{
	return is_active(e) && !wft_ovsdb_client_cond_pending(e->c) &&
	       !strcmp(ports(e), want_ports);
}

static void expect_ports(struct env *e, const char *want)
{
	want_ports = want;
	ck_assert_msg(run_until(e, ports_are, 10000),
		      "ports \"%s\", want \"%s\" (%s)", ports(e), want,
		      wft_ovsdb_client_last_error(e->c));
}

static json_t *on_dp(const char *dp)
{
	return json_pack("[s,s,[s,s]]", "datapath", "==", "uuid", dp);
}

START_TEST(test_cond_change)
{
	static const char *const tables[] = { "Datapath_Binding",
					      "Port_Binding", NULL };
	struct wft_ovsdb_rtable *t;
	char *dp1, *dp2;
	const char *db;
	struct env e;

	test_dir("cond");
	standalone_start();
	db = unix_remote(0, "sb");
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", db);
	dp1 = sh_out(SBCTL "create Datapath_Binding tunnel_key=1", db);
	dp2 = sh_out(SBCTL "create Datapath_Binding tunnel_key=2", db);
	sh(SBCTL "create Port_Binding logical_port=a1 datapath=%s "
	   "tunnel_key=1", db, dp1);
	sh(SBCTL "create Port_Binding logical_port=a2 datapath=%s "
	   "tunnel_key=2", db, dp1);
	sh(SBCTL "create Port_Binding logical_port=b1 datapath=%s "
	   "tunnel_key=1", db, dp2);

	/* Narrowed from the start. */
	env_open(&e, db, tables, json_pack("[o]", on_dp(dp1)));
	expect_ports(&e, "a1 a2");
	/* Tables not asked for stay empty. */
	t = wft_ovsdb_replica_table(rep(&e), "Chassis");
	ck_assert_int_eq(wft_ovsdb_rtable_count(t), 0);
	ck_assert_int_eq(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Datapath_Binding")), 2);
	wft_ovsdb_replica_consume(rep(&e));

	/* Moved to the other datapath: rows leave and enter, tracked. */
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_pack("[o]", on_dp(dp2))), 0);
	expect_ports(&e, "b1");
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Port_Binding",
		"logical_port", "a1")), WFT_OVSDB_DELETED);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Port_Binding",
		"logical_port", "b1")), WFT_OVSDB_INSERTED);
	ck_assert_int_eq(n_tracked(&e, "Port_Binding"), 3);
	ck_assert_int_eq(n_tracked(&e, "Datapath_Binding"), 0);
	wft_ovsdb_replica_consume(rep(&e));

	/* New rows: only the selected datapath's come. */
	sh(SBCTL "create Port_Binding logical_port=a3 datapath=%s "
	   "tunnel_key=3", db, dp1);
	sh(SBCTL "create Port_Binding logical_port=b2 datapath=%s "
	   "tunnel_key=2", db, dp2);
	expect_ports(&e, "b1 b2");

	/* OR-ed clauses, [false], then everything. */
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_pack("[oo]", on_dp(dp1), on_dp(dp2))), 0);
	expect_ports(&e, "a1 a2 a3 b1 b2");
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_pack("[b]", 0)), 0);
	expect_ports(&e, "");
	/* Two changes in a row: the second waits for the first's reply. */
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_pack("[o]", on_dp(dp1))), 0);
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		NULL), 0);
	expect_ports(&e, "a1 a2 a3 b1 b2");
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_string("x")), -EINVAL);
	/* Not monitored, or no such table: refused. */
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Chassis",
		NULL), -EINVAL);
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Nope",
		NULL), -EINVAL);
	env_close(&e);
	free(dp1);
	free(dp2);
}
END_TEST

START_TEST(test_restart_resync)
{
	struct wft_ovsdb_row *row;
	const char *db;
	struct env e;

	test_dir("restart");
	standalone_start();
	db = unix_remote(0, "sb");
	dump_remote = db;
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1 -- set chassis hv1 "
	   "hostname=old", db);
	sh(SBCTL "chassis-add hv2 geneve 192.0.2.2", db);
	sh(SBCTL "chassis-add hv3 geneve 192.0.2.3", db);
	env_open(&e, db, NULL, NULL);
	assert_synced(&e, "before");
	wft_ovsdb_replica_consume(rep(&e));

	server_kill("sb", SIGKILL);
	ck_assert(run_until(&e, is_down, 5000));
	/* The session ended, and the first retry was refused. */
	ck_assert_msg(strstr(wft_ovsdb_client_last_error(e.c), "closed") ||
		      strstr(wft_ovsdb_client_last_error(e.c), "refused"),
		      "%s", wft_ovsdb_client_last_error(e.c));
	/* While it is down: hv1 changed, hv2 gone, hv9 new (offline). */
	sh("! ovsdb-tool transact sb.db '[\"" SB "\","
	   "{\"op\":\"update\",\"table\":\"Chassis\",\"where\":[[\"name\","
	   "\"==\",\"hv1\"]],\"row\":{\"hostname\":\"new\"}},"
	   "{\"op\":\"delete\",\"table\":\"Chassis\",\"where\":[[\"name\","
	   "\"==\",\"hv2\"]]},"
	   "{\"op\":\"insert\",\"table\":\"Encap\",\"uuid-name\":\"e9\","
	   "\"row\":{\"type\":\"geneve\",\"ip\":\"192.0.2.9\"}},"
	   "{\"op\":\"insert\",\"table\":\"Chassis\",\"row\":{\"name\":"
	   "\"hv9\",\"encaps\":[\"named-uuid\",\"e9\"]}}]' | grep error");
	/* Nobody listens for a while: attempts back off and fail. */
	usleep(300000);
	ck_assert_int_eq(wft_loop_run_once(e.loop, 0) >= 0, 1);
	server_start("sb", "sb.db", NULL);
	assert_synced(&e, "after restart");
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 2);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 2);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->resumes, 0);
	/* Only the differences are reported. */
	ck_assert_int_eq(n_tracked(&e, "Chassis"), 3);
	row = tracked(&e, "Chassis", "name", "hv1");
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_MODIFIED);
	assert_col(&e, row, "Chassis", "hostname", true, "\"old\"");
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Chassis", "name",
		"hv2")), WFT_OVSDB_DELETED);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Chassis", "name",
		"hv9")), WFT_OVSDB_INSERTED);
	ck_assert_ptr_null(tracked(&e, "Chassis", "name", "hv3"));
	/* hv2's Encap went with it (not a root table), hv9's came. */
	ck_assert_int_eq(n_tracked(&e, "Encap"), 2);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Encap", "ip",
		"192.0.2.2")), WFT_OVSDB_DELETED);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Encap", "ip",
		"192.0.2.9")), WFT_OVSDB_INSERTED);
	env_close(&e);
}
END_TEST

/* ---- Raft ---- */

static const char *const members[] = { "s1", "s2", "s3" };
static char cluster_remotes[3 * (PATH_MAX + 32)];

static void cluster_start(void)
{
	int i;

	sh("ovsdb-tool create-cluster s1.db " SB_SCHEMA " unix:%s/s1.raft",
	   dir);
	for (i = 1; i < 3; i++)
		sh("ovsdb-tool join-cluster %s.db " SB " unix:%s/%s.raft "
		   "unix:%s/s1.raft", members[i], dir, members[i], dir);
	for (i = 0; i < 3; i++) {
		char db[64];

		snprintf(db, sizeof(db), "%s.db", members[i]);
		server_start(members[i], db, NULL);
	}
	for (i = 0; i < 3; i++)
		sh("timeout 30 ovsdb-client wait unix:%s/%s.sock " SB
		   " connected", dir, members[i]);
}

/* The member that is leader now, or -1. */
static int cluster_leader(void)
{
	int i;

	for (i = 0; i < 3; i++)
		if (server_pid(members[i]) > 0 &&
		    !pid_dead(server_pid(members[i])) &&
		    !sh_status("ovs-appctl -t %s/%s.ctl cluster/status " SB
			       " | grep -q 'Role: leader'", dir, members[i]))
			return i;
	return -1;
}

static bool resumed(struct env *e)
{
	return is_active(e) && wft_ovsdb_client_stats(e->c)->resumes > 0;
}

START_TEST(test_raft_leader_killed)
{
	char last_id[WFT_UUID_STRLEN + 1];
	int leader, i, tries;
	struct env e;
	char *all;

	test_dir("raft");
	cluster_start();
	for (tries = 0; (leader = cluster_leader()) < 0 && tries < 100;
	     tries++)
		usleep(100000);
	ck_assert_int_ge(leader, 0);
	/* The leader first, so that the client sits on it. */
	snprintf(cluster_remotes, sizeof(cluster_remotes), "%s",
		 unix_remote(0, members[leader]));
	for (i = 0; i < 3; i++) {
		if (i == leader)
			continue;
		strcat(cluster_remotes, ",");
		strcat(cluster_remotes, unix_remote(1, members[i]));
	}
	ck_assert_int_ge(asprintf(&all, "%s", cluster_remotes), 0);
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", all);
	env_open(&e, cluster_remotes, NULL, NULL);
	dump_remote = unix_remote(2, members[leader]);
	assert_synced(&e, "cluster");
	ck_assert_str_eq(wft_ovsdb_client_remote(e.c), unix_remote(2,
		members[leader]));
	sh(SBCTL "chassis-add hv2 geneve 192.0.2.2", all);
	assert_synced(&e, "cluster, second write");
	/* Clustered: real transaction ids. */
	ck_assert_str_ne(wft_ovsdb_client_last_id(e.c),
			 "00000000-0000-0000-0000-000000000000");
	ck_assert_int_eq(strlen(wft_ovsdb_client_last_id(e.c)),
			 WFT_UUID_STRLEN);
	snprintf(last_id, sizeof(last_id), "%s",
		 wft_ovsdb_client_last_id(e.c));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 1);
	wft_ovsdb_replica_consume(rep(&e));

	server_kill(members[leader], SIGKILL);
	ck_assert_msg(run_until(&e, resumed, 20000),
		      "no resume: state %s, error \"%s\", stats %u/%u/%u",
		      wft_ovsdb_state_name(wft_ovsdb_client_state(e.c)),
		      wft_ovsdb_client_last_error(e.c),
		      wft_ovsdb_client_stats(e.c)->connects,
		      wft_ovsdb_client_stats(e.c)->full_syncs,
		      wft_ovsdb_client_stats(e.c)->resumes);
	/* Resumed on a follower: no second full sync, nothing new. */
	ck_assert_str_ne(wft_ovsdb_client_remote(e.c), unix_remote(2,
		members[leader]));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 1);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 2);
	ck_assert(!wft_ovsdb_replica_has_changes(rep(&e)));
	ck_assert_str_eq(wft_ovsdb_client_last_id(e.c), last_id);
	/* And follows the new leader's writes. */
	snprintf(remote_buf[2], sizeof(remote_buf[2]), "%s",
		 wft_ovsdb_client_remote(e.c));
	dump_remote = remote_buf[2];
	/* ovn-sbctl gives up at once while there is no leader yet. */
	sh("for i in $(seq 100); do ovn-sbctl --db=%s chassis-add hv3 geneve "
	   "192.0.2.3 && exit 0; sleep 0.1; done; exit 1",
	   strchr(all, ',') + 1);
	assert_synced(&e, "after failover");
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Chassis", "name",
		"hv3")), WFT_OVSDB_INSERTED);
	ck_assert_int_eq(n_tracked(&e, "Chassis"), 1);
	ck_assert_str_ne(wft_ovsdb_client_last_id(e.c), last_id);
	env_close(&e);
	free(all);
}
END_TEST

static bool left_for_quorum(struct env *e)
{
	return !is_active(e) &&
	       wft_ovsdb_client_stats(e->c)->refused > 0 &&
	       strstr(wft_ovsdb_client_last_error(e->c),
		      "not connected to its cluster");
}

/* Two of three members killed: the survivor loses its quorum and says so
 * in _Server; the client leaves it, and refuses it until the quorum is
 * back, then resumes. */
START_TEST(test_raft_quorum_lost)
{
	int leader, follower = -1, other = -1, i, tries;
	struct env e;
	char *all;

	test_dir("quorum");
	cluster_start();
	for (tries = 0; (leader = cluster_leader()) < 0 && tries < 100;
	     tries++)
		usleep(100000);
	ck_assert_int_ge(leader, 0);
	for (i = 0; i < 3; i++) {
		if (i == leader)
			continue;
		if (follower < 0)
			follower = i;
		else
			other = i;
	}
	ck_assert_int_ge(asprintf(&all, "%s,%s,%s",
				  unix_remote(0, members[0]),
				  unix_remote(1, members[1]),
				  unix_remote(2, members[2])), 0);
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", all);
	/* The client reads from the follower only. */
	env_open(&e, unix_remote(0, members[follower]), NULL, NULL);
	dump_remote = unix_remote(1, members[follower]);
	assert_synced(&e, "on the follower");
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->refused, 0);

	server_kill(members[leader], SIGKILL);
	server_kill(members[other], SIGKILL);
	ck_assert_msg(run_until(&e, left_for_quorum, 30000),
		      "state %s, error \"%s\"",
		      wft_ovsdb_state_name(wft_ovsdb_client_state(e.c)),
		      wft_ovsdb_client_last_error(e.c));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);

	/* The quorum comes back: the client resumes where it was. */
	{
		char db[64];

		snprintf(db, sizeof(db), "%s.db", members[leader]);
		server_start(members[leader], db, NULL);
	}
	ck_assert_msg(run_until(&e, resumed, 30000),
		      "no resume: state %s, error \"%s\"",
		      wft_ovsdb_state_name(wft_ovsdb_client_state(e.c)),
		      wft_ovsdb_client_last_error(e.c));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 1);
	sh("for i in $(seq 100); do ovn-sbctl --db=%s chassis-add hv2 geneve "
	   "192.0.2.2 && exit 0; sleep 0.1; done; exit 1", all);
	assert_synced(&e, "after the quorum came back");
	env_close(&e);
	free(all);
}
END_TEST

/* ---- transact ---- */

static void on_txn(struct wft_ovsdb_client *c,
		   const struct wft_ovsdb_txn_result *res, void *aux)
{
	struct env *e = aux;

	e->n_txn++;
	e->txn = *res;
	snprintf(e->txn_error, sizeof(e->txn_error), "%s", res->error);
	json_decref(e->txn_results);
	e->txn_results = json_incref(res->results);
	e->txn.results = e->txn_results;
	e->txn.error = e->txn_error;
}

static int txn_seen;

static bool txn_done(struct env *e)
{
	return e->n_txn > txn_seen;
}

static enum wft_ovsdb_txn_status run_txn(struct env *e,
					 struct wft_ovsdb_txn *t)
{
	txn_seen = e->n_txn;
	ck_assert_int_eq(wft_ovsdb_client_transact(e->c, t, on_txn, e), 0);
	ck_assert(run_until(e, txn_done, 10000));
	return e->txn.status;
}

static struct wft_ovsdb_row *chassis(struct env *e, const char *name)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(rep(e),
							     "Chassis");
	struct wft_ovsdb_row *row;

	for (row = wft_ovsdb_rtable_first(t); row;
	     row = wft_ovsdb_row_next(row))
		if (!strcmp(wft_ovsdb_row_string(row, "name", ""), name))
			return row;
	return NULL;
}

static bool has_hv7(struct env *e)
{
	return chassis(e, "hv7") != NULL;
}

START_TEST(test_transact)
{
	struct wft_ovsdb_txn *t;
	struct wft_uuid u;
	const char *db;
	struct env e;
	int op;

	test_dir("txn");
	standalone_start();
	db = unix_remote(0, "sb");
	dump_remote = db;
	env_open(&e, db, NULL, NULL);
	/* Not connected yet. */
	ck_assert_int_eq(wft_ovsdb_client_transact(e.c, wft_ovsdb_txn_new(SB),
						   on_txn, &e), -ENOTCONN);
	assert_synced(&e, "empty");

	/* An Encap and a Chassis referring to it by name. */
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_insert(t, "Encap", json_pack("{s:s,s:s,s:s,s:[s,[[s,s]]]}",
		"type", "geneve", "ip", "192.0.2.7", "chassis_name", "hv7",
		"options", "map", "csum", "true"), "encap");
	op = wft_ovsdb_txn_insert(t, "Chassis", json_pack("{s:s,s:[s,s]}",
		"name", "hv7", "encaps", "named-uuid", "encap"), NULL);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	ck_assert_str_eq(e.txn.error, "");
	ck_assert(wft_ovsdb_txn_result_uuid(&e.txn, op, &u));
	ck_assert(run_until(&e, has_hv7, 5000));
	ck_assert(!wft_uuid_cmp(wft_ovsdb_row_uuid(chassis(&e, "hv7")), &u));
	assert_synced(&e, "after insert");
	sh(SBCTL "--bare --columns=ip list Encap | grep -qx 192.0.2.7", db);

	/* A verify that loses a race: someone changes the hostname after
	 * the replica read it; the update must not apply. */
	sh(SBCTL "set chassis hv7 hostname=theirs", db);
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_verify(t, chassis(&e, "hv7"), "hostname");
	wft_ovsdb_txn_update(t, "Chassis", json_pack("[[s,s,s]]", "name",
		"==", "hv7"), json_pack("{s:s}", "hostname", "mine"));
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_TRY_AGAIN);
	ck_assert_msg(strstr(e.txn.error, "timed out"), "%s", e.txn.error);
	assert_synced(&e, "after the race");
	ck_assert_str_eq(wft_ovsdb_row_string(chassis(&e, "hv7"), "hostname",
					      ""), "theirs");
	/* With the replica caught up, the same transaction commits. */
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_verify(t, chassis(&e, "hv7"), "hostname");
	wft_ovsdb_txn_update(t, "Chassis", json_pack("[[s,s,s]]", "name",
		"==", "hv7"), json_pack("{s:s}", "hostname", "mine"));
	wft_ovsdb_txn_mutate(t, "Chassis", json_pack("[[s,s,s]]", "name",
		"==", "hv7"), json_pack("[[s,s,[s,[[s,s]]]]]", "other_config",
		"insert", "map", "k", "v"));
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	assert_synced(&e, "after the retry");
	ck_assert_str_eq(wft_ovsdb_row_string(chassis(&e, "hv7"), "hostname",
					      ""), "mine");

	/* Errors: a bad operation; a row that breaks the schema's
	 * constraints (a commit error). */
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_insert(t, "Nope", NULL, NULL);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_ERROR);
	ck_assert_msg(strstr(e.txn.error, "No table named Nope"), "%s",
		      e.txn.error);
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_insert(t, "Chassis", json_pack("{s:s}", "name", "hv7"),
			     NULL);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_ERROR);
	ck_assert_msg(!strncmp(e.txn.error, "commit: ", 8) &&
		      strstr(e.txn.error, "violation"), "%s", e.txn.error);
	/* Deleted through the builder. */
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_delete(t, "Chassis", json_pack("[[s,s,s]]", "name",
		"==", "hv7"));
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	ck_assert_int_eq(json_integer_value(json_object_get(
		json_array_get(e.txn.results, 0), "count")), 1);
	assert_synced(&e, "after delete");
	env_close(&e);
}
END_TEST

/* ---- chassis registration, with ovn-northd as the oracle ---- */

static bool sb_nb_cfg_set(struct env *e)
{
	struct wft_ovsdb_row *g = wft_ovsdb_rtable_first(
		wft_ovsdb_replica_table(rep(e), "SB_Global"));

	return g && wft_ovsdb_row_integer(g, "nb_cfg", 0) > 0;
}

static bool file_exists(const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !access(path, F_OK);
}

static bool wait_hv_returned(struct env *e)
{
	return file_exists("wait.rc");
}

START_TEST(test_sb_chassis)
{
	static const char *const geneve[] = { "geneve", NULL };
	static const char *const features[] = { "port-up-notif", NULL };
	static const char *const other[] = { "iface-types=geneve,vxlan",
					     "ovn-monitor-all=false", NULL };
	struct wft_sb_chassis_cfg cfg = {
		.name = "hv-weft", .hostname = "node1", .encap_types = geneve,
		.encap_ip = "192.0.2.10", .features = features,
		.other_config = other,
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_row *ch, *cp, *g;
	struct wft_ovsdb_txn *t;
	char *stale, *dp, *pb, *rc;
	char want[128];
	const char *db;
	struct env e;

	test_dir("chassis");
	standalone_start();
	sh("ovsdb-tool create nb.db /usr/share/ovn/ovn-nb.ovsschema");
	server_start("nb", "nb.db", NULL);
	sh("ovn-northd --detach --no-chdir --pidfile=%s/northd.pid "
	   "--log-file=%s/northd.log --unixctl=%s/northd.ctl "
	   "--ovnnb-db=unix:%s/nb.sock --ovnsb-db=unix:%s/sb.sock", dir, dir,
	   dir, dir, dir);
	db = unix_remote(0, "sb");
	dump_remote = db;
	/* A row left by an earlier run, with another encap and a key that
	 * is not ours. */
	sh(SBCTL "chassis-add hv-weft vxlan 10.0.0.9 -- set chassis hv-weft "
	   "hostname=old other_config:stale=1", db);
	stale = sh_out(SBCTL "--bare --columns=_uuid find Chassis "
		       "name=hv-weft", db);
	env_open(&e, db, NULL, NULL);
	assert_synced(&e, "before");

	/* Taken over: same UUID, our columns, our encap, a
	 * Chassis_Private pointing at it. */
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err), 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	assert_synced(&e, "registered");
	ch = wft_sb_chassis_find(rep(&e), "hv-weft");
	ck_assert_ptr_nonnull(ch);
	snprintf(want, sizeof(want), "[\"uuid\",\"%s\"]", stale);
	{
		struct wft_uuid su;

		ck_assert(wft_uuid_parse(stale, &su));
		ck_assert(!wft_uuid_cmp(wft_ovsdb_row_uuid(ch), &su));
	}
	assert_col(&e, ch, "Chassis", "hostname", false, "\"node1\"");
	assert_col(&e, ch, "Chassis", "other_config", false,
		   "[\"map\",[[\"iface-types\",\"geneve,vxlan\"],"
		   "[\"ovn-monitor-all\",\"false\"],[\"port-up-notif\","
		   "\"true\"]]]");
	ck_assert_int_eq(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Encap")), 1);
	cp = wft_sb_chassis_private_find(rep(&e), "hv-weft");
	ck_assert_ptr_nonnull(cp);
	assert_col(&e, cp, "Chassis_Private", "chassis", false, want);
	/* What OVN's own tools see. */
	sh(SBCTL "show | grep -q 'Chassis hv-weft'", db);
	sh(SBCTL "show | grep -q 'hostname: node1'", db);
	sh(SBCTL "show | grep -A3 'Encap geneve' | grep -q "
	   "'ip: \"192.0.2.10\"'", db);
	sh(SBCTL "show | grep -q 'options: {csum=\"true\"}'", db);
	/* Nothing more to do. */
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err), 0);
	ck_assert_ptr_null(t);
	wft_ovsdb_replica_consume(rep(&e));

	/* `ovn-nbctl --wait=hv` returns once the chassis acknowledges. */
	sh("(timeout 20 ovn-nbctl --db=unix:%s/nb.sock --wait=hv sync; "
	   "echo $? >wait.rc.tmp; mv wait.rc.tmp wait.rc) >/dev/null 2>&1 & true",
	   dir);
	ck_assert(run_until(&e, sb_nb_cfg_set, 10000));
	usleep(500000);
	ck_assert_msg(!file_exists("wait.rc"),
		      "--wait=hv returned before the chassis acknowledged");
	g = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(rep(&e),
							   "SB_Global"));
	t = wft_sb_chassis_ack_nb_cfg(rep(&e), "hv-weft",
				      wft_ovsdb_row_integer(g, "nb_cfg", 0),
				      (int64_t)wft_loop_now());
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	ck_assert(run_until(&e, wait_hv_returned, 10000));
	rc = sh_out("cat wait.rc");
	ck_assert_str_eq(rc, "0");
	free(rc);
	assert_synced(&e, "acknowledged");
	ck_assert_ptr_null(wft_sb_chassis_ack_nb_cfg(rep(&e), "hv-weft",
		wft_ovsdb_row_integer(g, "nb_cfg", 0), 0));

	/* A race: the row is replaced after the replica read it. */
	cfg.hostname = "node2";
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err), 0);
	ck_assert_ptr_nonnull(t);
	sh(SBCTL "chassis-del hv-weft -- chassis-add hv-weft geneve 1.2.3.4",
	   db);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_TRY_AGAIN);
	assert_synced(&e, "after the race");
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err), 0);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	assert_synced(&e, "registered again");
	ch = wft_sb_chassis_find(rep(&e), "hv-weft");
	assert_col(&e, ch, "Chassis", "hostname", false, "\"node2\"");
	sh(SBCTL "show | grep -A3 'Encap geneve' | grep -q "
	   "'ip: \"192.0.2.10\"'", db);

	/* Leaving: the bound port unbound, the rows gone. (ovn-northd
	 * would delete a Port_Binding that the NB does not have.) */
	server_kill("northd", SIGTERM);
	dp = sh_out(SBCTL "create Datapath_Binding tunnel_key=1", db);
	pb = sh_out(SBCTL "create Port_Binding logical_port=lp1 datapath=%s "
		    "tunnel_key=1", db, dp);
	{
		char uu[WFT_UUID_STRLEN + 1];

		wft_uuid_format(wft_ovsdb_row_uuid(ch), uu);
		sh(SBCTL "set Port_Binding lp1 chassis=%s", db, uu);
	}
	assert_synced(&e, "bound");
	t = wft_sb_chassis_unregister(rep(&e), "hv-weft");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	assert_synced(&e, "left");
	ck_assert_ptr_null(wft_sb_chassis_find(rep(&e), "hv-weft"));
	ck_assert_ptr_null(wft_sb_chassis_private_find(rep(&e), "hv-weft"));
	ck_assert_int_eq(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Encap")), 0);
	rc = sh_out(SBCTL "get Port_Binding lp1 chassis", db);
	ck_assert_str_eq(rc, "[]");
	free(rc);
	ck_assert_ptr_null(wft_sb_chassis_unregister(rep(&e), "hv-weft"));

	/* A bad configuration. */
	cfg.encap_ip = "";
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err),
			 -EINVAL);
	env_close(&e);
	wft_strbuf_free(&err);
	free(stale);
	free(dp);
	free(pb);
}
END_TEST

/* ---- the chassis' monitor conditions (include/weft/sb_monitor.h) ---- */

/* The rows of @table, as the values of @col (datapath tunnel keys for
 * uuid columns are not at hand: the caller names rows by a string column),
 * sorted and space-separated. */
static char names_buf[512];

static const char *names(struct env *e, const char *table, const char *col)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(rep(e), table);
	const char *v[32];
	struct wft_ovsdb_row *row;
	int n = 0, i, k;

	for (row = wft_ovsdb_rtable_first(t); row && n < 32;
	     row = wft_ovsdb_row_next(row))
		v[n++] = wft_ovsdb_row_string(row, col, "?");
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(v[k - 1], v[k]) > 0; k--) {
			const char *x = v[k];

			v[k] = v[k - 1];
			v[k - 1] = x;
		}
	names_buf[0] = 0;
	for (i = 0; i < n; i++) {
		strcat(names_buf, i ? " " : "");
		strcat(names_buf, v[i]);
	}
	return names_buf;
}

static const char *want_lf, *want_pb, *want_mc, *want_mac;

static bool local_view_is(struct env *e)
{
	return is_active(e) && !wft_ovsdb_client_cond_pending(e->c) &&
	       !strcmp(names(e, "Logical_Flow", "match"), want_lf) &&
	       !strcmp(names(e, "Port_Binding", "logical_port"), want_pb) &&
	       !strcmp(names(e, "Multicast_Group", "name"), want_mc) &&
	       !strcmp(names(e, "MAC_Binding", "logical_port"), want_mac);
}

static void expect_local(struct env *e, const char *lf, const char *pb,
			 const char *mc, const char *mac)
{
	want_lf = lf;
	want_pb = pb;
	want_mc = mc;
	want_mac = mac;
	if (run_until(e, local_view_is, 10000))
		return;
	ck_abort_msg("flows \"%s\" (want \"%s\"), ports \"%s\" (\"%s\"), "
		     "groups \"%s\" (\"%s\"), bindings \"%s\" (\"%s\")",
		     strdup(names(e, "Logical_Flow", "match")), lf,
		     strdup(names(e, "Port_Binding", "logical_port")), pb,
		     strdup(names(e, "Multicast_Group", "name")), mc,
		     strdup(names(e, "MAC_Binding", "logical_port")), mac);
}

static bool three_groups(struct env *e)
{
	return wft_ovsdb_rtable_count(wft_ovsdb_replica_table(rep(e),
		"Logical_DP_Group")) == 3;
}

START_TEST(test_sb_monitor_local)
{
	struct wft_sb_local local = { 0 };
	static const char *const ifaces[] = { "vm3", NULL };
	struct wft_uuid dp[3];
	char *d[3];
	const char *db;
	struct env e;
	int i;

	test_dir("local");
	standalone_start();
	db = unix_remote(0, "sb");
	for (i = 0; i < 3; i++) {
		d[i] = sh_out(SBCTL "create Datapath_Binding tunnel_key=%d", db,
			      i + 1);
		ck_assert(wft_uuid_parse(d[i], &dp[i]));
		sh(SBCTL "create Logical_Flow logical_datapath=%s "
		   "pipeline=ingress table_id=0 priority=1 match='\"f%d\"' "
		   "actions='\"next;\"'", db, d[i], i + 1);
		sh(SBCTL "create Port_Binding logical_port=p%d datapath=%s "
		   "tunnel_key=1", db, i + 1, d[i]);
		sh(SBCTL "create Multicast_Group datapath=%s name=mc%d "
		   "tunnel_key=32768", db, d[i], i + 1);
		sh(SBCTL "create MAC_Binding datapath=%s logical_port=m%d "
		   "ip=10.0.0.%d mac='\"00:00:00:00:00:0%d\"'", db, d[i], i + 1,
		   i + 1, i + 1);
	}
	/* A port of datapath 3 that is one of our interfaces. */
	sh(SBCTL "create Port_Binding logical_port=vm3 datapath=%s "
	   "tunnel_key=2", db, d[2]);
	/* Flows shared by groups of datapaths. */
	sh(SBCTL "-- --id=@g create Logical_DP_Group datapaths=\"[%s,%s]\" "
	   "-- create Logical_Flow logical_dp_group=@g pipeline=ingress "
	   "table_id=0 priority=2 match='\"g12\"' actions='\"next;\"'", db,
	   d[0], d[1]);
	sh(SBCTL "-- --id=@g create Logical_DP_Group datapaths=\"[%s,%s]\" "
	   "-- create Logical_Flow logical_dp_group=@g pipeline=ingress "
	   "table_id=0 priority=2 match='\"g23\"' actions='\"next;\"'", db,
	   d[1], d[2]);

	env_open(&e, db, NULL, NULL);
	ck_assert(run_until(&e, is_active, 10000));
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	/* Nothing local yet: only our interface's port. */
	local.iface_ids = ifaces;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "", "vm3", "", "");
	/* Datapath 1. */
	local.datapaths = &dp[0];
	local.n_datapaths = 1;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f1 g12", "p1 vm3", "mc1", "m1");
	/* Datapath 2 instead: both groups. */
	local.datapaths = &dp[1];
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f2 g12 g23", "p2 vm3", "mc2", "m2");
	/* A new group with datapath 2 appears: called again, its flow
	 * comes. */
	sh(SBCTL "-- --id=@g create Logical_DP_Group datapaths=\"[%s,%s]\" "
	   "-- create Logical_Flow logical_dp_group=@g pipeline=egress "
	   "table_id=0 priority=3 match='\"g12b\"' actions='\"next;\"'", db,
	   d[0], d[1]);
	ck_assert(run_until(&e, three_groups, 10000));
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f2 g12 g12b g23", "p2 vm3", "mc2", "m2");
	/* Datapaths 1 and 3. */
	local.datapaths = &dp[0];
	local.n_datapaths = 3;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f1 f2 f3 g12 g12b g23", "p1 p2 p3 vm3",
		     "mc1 mc2 mc3", "m1 m2 m3");
	local.n_datapaths = 0;
	local.iface_ids = NULL;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "", "", "", "");
	/* ovn-monitor-all=true: everything. */
	local.monitor_all = true;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f1 f2 f3 g12 g12b g23", "p1 p2 p3 vm3",
		     "mc1 mc2 mc3", "m1 m2 m3");
	/* Other tables were whole all along. */
	ck_assert_int_eq(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Datapath_Binding")), 3);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);
	env_close(&e);
	for (i = 0; i < 3; i++)
		free(d[i]);
}
END_TEST

/* ---- what ovn-northd writes ---- */

/* A small topology through the NB, compiled by the real ovn-northd: the
 * replica follows every table of the SB it writes (logical flows with
 * quotes and escapes in their matches, datapath groups, multicast groups,
 * port bindings), then its rewrites after NB changes. */
START_TEST(test_northd_sb)
{
	const char *db;
	char nb[PATH_MAX + 32];
	struct env e;
	int n;

	test_dir("northd");
	standalone_start();
	sh("ovsdb-tool create nb.db /usr/share/ovn/ovn-nb.ovsschema");
	server_start("nb", "nb.db", NULL);
	sh("ovn-northd --detach --no-chdir --pidfile=%s/northd.pid "
	   "--log-file=%s/northd.log --unixctl=%s/northd.ctl "
	   "--ovnnb-db=unix:%s/nb.sock --ovnsb-db=unix:%s/sb.sock", dir, dir,
	   dir, dir, dir);
	db = unix_remote(0, "sb");
	dump_remote = db;
	snprintf(nb, sizeof(nb), "ovn-nbctl --db=unix:%s/nb.sock", dir);
	sh("%s ls-add ls1 -- ls-add ls2 -- lr-add lr1", nb);
	sh("%s lsp-add ls1 ls1-p1 -- lsp-set-addresses ls1-p1 "
	   "'0a:58:0a:00:01:05 10.0.1.5' -- lsp-add ls1 ls1-p2 -- "
	   "lsp-set-addresses ls1-p2 '0a:58:0a:00:01:06 10.0.1.6' -- "
	   "lsp-add ls2 ls2-p1 -- lsp-set-addresses ls2-p1 "
	   "'0a:58:0a:00:02:05 10.0.2.5'", nb);
	sh("%s lrp-add lr1 lr1-ls1 0a:58:0a:00:01:01 10.0.1.1/24 -- "
	   "lrp-add lr1 lr1-ls2 0a:58:0a:00:02:01 10.0.2.1/24 -- "
	   "lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router -- "
	   "lsp-set-addresses ls1-lr1 router -- lsp-set-options ls1-lr1 "
	   "router-port=lr1-ls1 -- lsp-add ls2 ls2-lr1 -- lsp-set-type "
	   "ls2-lr1 router -- lsp-set-addresses ls2-lr1 router -- "
	   "lsp-set-options ls2-lr1 router-port=lr1-ls2", nb);
	sh("%s acl-add ls2 to-lport 1002 'outport == \"ls2-p1\" && ip4 && "
	   "tcp.dst == 5432' allow-related", nb);
	sh("%s --wait=sb sync", nb);

	env_open(&e, db, NULL, NULL);
	assert_synced(&e, "northd's SB");
	n = (int)wft_ovsdb_rtable_count(wft_ovsdb_replica_table(rep(&e),
							       "Logical_Flow"));
	ck_assert_msg(n > 100, "%d logical flows", n);
	ck_assert_int_gt(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Logical_DP_Group")), 0);
	wft_ovsdb_replica_consume(rep(&e));

	/* NB changes: northd rewrites many SB rows in one transaction. */
	sh("%s acl-add ls1 to-lport 1001 'outport == \"ls1-p2\" && "
	   "tcp.dst == 22' drop -- lsp-del ls2-p1 -- set logical_switch ls1 "
	   "other_config:subnet=10.0.1.0/24", nb);
	sh("%s --wait=sb sync", nb);
	assert_synced(&e, "after NB changes");
	ck_assert(wft_ovsdb_replica_has_changes(rep(&e)));
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Port_Binding",
		"logical_port", "ls2-p1")), WFT_OVSDB_DELETED);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->protocol_errors, 0);
	env_close(&e);
}
END_TEST

/* tcp, with echo probes every 250 ms: answered, the session stays. */
START_TEST(test_tcp_probes)
{
	char remote[64];
	const char *db;
	struct env e;
	uint64_t end;
	char *port;

	test_dir("tcp");
	standalone_start();
	server_kill("sb", SIGTERM);
	server_start("sb", "sb.db", "--remote=ptcp:0:127.0.0.1");
	db = unix_remote(0, "sb");
	dump_remote = db;
	port = sh_out("for i in $(seq 50); do p=$(sed -n 's/.*listening on "
		      "port \\([0-9]*\\).*/\\1/p' sb.log | tail -1); "
		      "[ -n \"$p\" ] && echo $p && break; sleep 0.1; done");
	ck_assert_int_gt(atoi(port), 0);
	snprintf(remote, sizeof(remote), "tcp:127.0.0.1:%s", port);
	free(port);
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", db);
	{
		struct wft_ovsdb_client_opts opts = {
			.remotes = remote, .db = SB, .probe_ms = 250,
			.backoff_min_ms = 100, .on_update = on_update,
		};
		struct wft_strbuf err = WFT_STRBUF_INIT;

		memset(&e, 0, sizeof(e));
		opts.aux = &e;
		ck_assert_int_eq(wft_loop_new(&e.loop), 0);
		ck_assert_int_eq(wft_ovsdb_client_new(e.loop, &opts, &e.c,
						      &err), 0);
	}
	assert_synced(&e, "tcp");
	/* Two seconds of silence: probes, all answered. */
	end = wft_loop_now() + 2000;
	while (wft_loop_now() < end)
		wft_loop_run_once(e.loop, 50);
	ck_assert(is_active(&e));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);
	sh(SBCTL "chassis-add hv2 geneve 192.0.2.2", db);
	assert_synced(&e, "tcp, later");
	env_close(&e);
}
END_TEST

static Suite *ovsdb_server_suite(void)
{
	Suite *s = suite_create("ovsdb_server");
	TCase *tc = tcase_create("server");

	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_test(tc, test_sync_and_diffs);
	tcase_add_test(tc, test_cond_change);
	tcase_add_test(tc, test_restart_resync);
	tcase_add_test(tc, test_raft_leader_killed);
	tcase_add_test(tc, test_raft_quorum_lost);
	tcase_add_test(tc, test_transact);
	tcase_add_test(tc, test_tcp_probes);
	tcase_add_test(tc, test_sb_chassis);
	tcase_add_test(tc, test_sb_monitor_local);
	tcase_add_test(tc, test_northd_sb);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ovsdb_server_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
