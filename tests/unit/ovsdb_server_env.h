// SPDX-License-Identifier: GPL-2.0
/*
 * What check_ovsdb_server and check_sb_server share: a temporary directory
 * per test, the real ovsdb-server (standalone or a Raft member) started
 * and killed there, weft's client under test on its own loop, the
 * comparison of its replica with `ovsdb-client dump`, and transactions
 * run to their reply. Included by one test program each, so the helpers
 * are static (and may go unused in one of them).
 */
#ifndef WEFT_TESTS_OVSDB_SERVER_ENV_H
#define WEFT_TESTS_OVSDB_SERVER_ENV_H

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

#define TESTLIB static __attribute__((unused))

#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"
#define SB "OVN_Southbound"
#define SBCTL "ovn-sbctl --db=%s "

TESTLIB char base[256];	/* per test case run, removed at the end */
TESTLIB char dir[PATH_MAX];	/* per test */

/* ---- shell helpers ---- */

TESTLIB char *vfmt(const char *fmt, va_list ap)
{
	char *s;

	ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
	return s;
}

/* Runs a shell command in dir; returns its exit status. */
TESTLIB int sh_status(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
TESTLIB int sh_status(const char *fmt, ...)
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
TESTLIB char *sh_out(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
TESTLIB char *sh_out(const char *fmt, ...)
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

TESTLIB void server_start(const char *name, const char *db, const char *extra)
{
	sh("ovsdb-server --detach --no-chdir --pidfile=%s/%s.pid "
	   "--log-file=%s/%s.log --unixctl=%s/%s.ctl "
	   "--remote=punix:%s/%s.sock %s %s", dir, name, dir, name, dir, name,
	   dir, name, extra ? extra : "", db);
}

TESTLIB pid_t server_pid(const char *name)
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
TESTLIB bool pid_dead(pid_t pid)
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

TESTLIB void server_kill(const char *name, int sig)
{
	pid_t pid = server_pid(name);
	int i;

	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(kill(pid, sig), 0);
	for (i = 0; i < 500 && !pid_dead(pid); i++)
		usleep(10000);
	ck_assert_msg(pid_dead(pid), "%s did not die", name);
}

TESTLIB void standalone_start(void)
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

TESTLIB void on_update(struct wft_ovsdb_client *c, void *aux)
{
	struct env *e = aux;

	e->n_updates++;
}

TESTLIB void env_open(struct env *e, const char *remotes,
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

TESTLIB void env_close(struct env *e)
{
	wft_ovsdb_client_free(e->c);
	wft_loop_free(e->loop);
	json_decref(e->txn_results);
}

TESTLIB struct wft_ovsdb_replica *rep(struct env *e)
{
	return wft_ovsdb_client_replica(e->c);
}

/* Runs the loop until @pred holds; false after @ms. */
TESTLIB bool run_until(struct env *e, bool (*pred)(struct env *), int ms)
{
	uint64_t end = wft_loop_now() + (uint64_t)ms;

	while (!pred(e)) {
		if (wft_loop_now() >= end)
			return false;
		ck_assert_int_ge(wft_loop_run_once(e->loop, 20), 0);
	}
	return true;
}

TESTLIB bool is_active(struct env *e)
{
	return wft_ovsdb_client_state(e->c) == WFT_OVSDB_S_ACTIVE;
}

TESTLIB bool is_down(struct env *e)
{
	return wft_ovsdb_client_state(e->c) != WFT_OVSDB_S_ACTIVE;
}

/* `ovsdb-client dump --format=json` of every table of @remote, as
 * {table: {uuid: {column: datum}}} with data normalized through the
 * schema (so that both sides write sets and maps the same way), empty
 * tables left out, as wft_ovsdb_replica_to_json() writes them. */
TESTLIB json_t *server_dump(struct env *e, const char *remote)
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

TESTLIB const char *dump_remote;

TESTLIB bool replica_matches(struct env *e)
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
TESTLIB void assert_synced(struct env *e, const char *what)
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
TESTLIB struct wft_ovsdb_row *tracked(struct env *e, const char *table,
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

TESTLIB int n_tracked(struct env *e, const char *table)
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
TESTLIB void assert_col(struct env *e, const struct wft_ovsdb_row *row,
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

TESTLIB void base_setup(void)
{
	snprintf(base, sizeof(base), "/tmp/weft-check-ovsdb.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(base));
	/* Warnings about sessions ending are expected here. */
	wft_log_set_spec("ovsdb:off", NULL);
}

/* Kills every server a test started (even one that failed halfway),
 * then removes the files. */
TESTLIB void base_teardown(void)
{
	char *cmd;

	ck_assert_int_ge(asprintf(&cmd, "for p in $(find '%s' -name '*.pid'); "
				  "do kill -9 $(cat $p) 2>/dev/null; done; "
				  "rm -rf '%s'", base, base), 0);
	if (system(cmd))
		fprintf(stderr, "cleanup of %s failed\n", base);
	free(cmd);
}

TESTLIB void test_dir(const char *name)
{
	snprintf(dir, sizeof(dir), "%s/%s", base, name);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
}

TESTLIB char remote_buf[3][PATH_MAX + 32];

TESTLIB const char *unix_remote(int i, const char *name)
{
	snprintf(remote_buf[i], sizeof(remote_buf[i]), "unix:%s/%s.sock", dir,
		 name);
	return remote_buf[i];
}

/* ---- transact ---- */

TESTLIB void on_txn(struct wft_ovsdb_client *c,
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

TESTLIB int txn_seen;

TESTLIB bool txn_done(struct env *e)
{
	return e->n_txn > txn_seen;
}

TESTLIB enum wft_ovsdb_txn_status run_txn(struct env *e,
					 struct wft_ovsdb_txn *t)
{
	txn_seen = e->n_txn;
	ck_assert_int_eq(wft_ovsdb_client_transact(e->c, t, on_txn, e), 0);
	ck_assert(run_until(e, txn_done, 10000));
	return e->txn.status;
}

TESTLIB struct wft_ovsdb_row *chassis(struct env *e, const char *name)
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

TESTLIB bool has_hv7(struct env *e)
{
	return chassis(e, "hv7") != NULL;
}

#endif
