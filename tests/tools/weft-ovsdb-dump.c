// SPDX-License-Identifier: GPL-2.0
/*
 * weft-ovsdb-dump: connects to an OVSDB server with weft's client
 * (include/weft/ovsdb_client.h), monitors a database and prints the
 * replica as JSON ({table: {uuid: {column: datum}}}, every column) once it
 * is in sync. With --follow it keeps running and prints each batch of
 * changes ({"insert"|"modify"|"delete": {table: [uuid...]}}) as one line.
 *
 *   weft-ovsdb-dump [--db NAME] [--table T]... [--cond T=JSON]...
 *                   [--leader-only] [--follow] [--timeout MS] [--count]
 *                   [--verbose] REMOTES
 *
 * --count prints only the rows per table and the milliseconds from start
 * to sync ({"Chassis":2,...,"sync_ms":N}).
 *
 * Used by the tests, and handy for looking at what weftd would see.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovsdb_client.h"
#include "weft/vlog.h"

struct dump {
	struct wft_loop *loop;
	const char *const *tables;
	bool follow;
	bool count;		/* rows per table and the time to sync only */
	bool printed;
	uint64_t start;
};

static void print_changes(struct wft_ovsdb_replica *r)
{
	static const char *const kinds[] = { "", "insert", "modify",
					     "delete" };
	const struct wft_ovsdb_schema *s = wft_ovsdb_replica_schema(r);
	json_t *out = json_object();
	unsigned int i;
	char *txt;

	for (i = 0; i < s->n_tables; i++) {
		struct wft_ovsdb_rtable *t;
		struct wft_ovsdb_row *row;

		t = wft_ovsdb_replica_table(r, s->tables[i].name);
		for (row = wft_ovsdb_rtable_tracked_first(t); row;
		     row = wft_ovsdb_row_tracked_next(row)) {
			const char *k = kinds[wft_ovsdb_row_change(row)];
			char buf[WFT_UUID_STRLEN + 1];
			json_t *kind, *list;

			if (!*k)
				continue;
			if (!(kind = json_object_get(out, k))) {
				kind = json_object();
				json_object_set_new(out, k, kind);
			}
			if (!(list = json_object_get(kind, s->tables[i].name))) {
				list = json_array();
				json_object_set_new(kind, s->tables[i].name,
						    list);
			}
			wft_uuid_format(wft_ovsdb_row_uuid(row), buf);
			json_array_append_new(list, json_string(buf));
		}
	}
	txt = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	printf("%s\n", txt);
	fflush(stdout);
	free(txt);
	json_decref(out);
}

static void on_update(struct wft_ovsdb_client *c, void *aux)
{
	struct dump *d = aux;
	struct wft_ovsdb_replica *r = wft_ovsdb_client_replica(c);

	if (wft_ovsdb_client_state(c) != WFT_OVSDB_S_ACTIVE)
		return;
	if (d->printed && d->follow)
		print_changes(r);
	wft_ovsdb_replica_consume(r);
}

static void on_state(struct wft_ovsdb_client *c, enum wft_ovsdb_state s,
		     void *aux)
{
	struct dump *d = aux;
	json_t *j;
	char *txt;

	if (s != WFT_OVSDB_S_ACTIVE || d->printed)
		return;
	if (d->count) {
		struct wft_ovsdb_replica *r = wft_ovsdb_client_replica(c);
		const struct wft_ovsdb_schema *sc = wft_ovsdb_replica_schema(r);
		unsigned int i;

		j = json_object();
		for (i = 0; i < sc->n_tables; i++) {
			size_t n = wft_ovsdb_rtable_count(
				wft_ovsdb_replica_table(r, sc->tables[i].name));

			if (n)
				json_object_set_new(j, sc->tables[i].name,
						    json_integer((json_int_t)n));
		}
		json_object_set_new(j, "sync_ms", json_integer(
			(json_int_t)(wft_loop_now() - d->start)));
	} else {
		j = wft_ovsdb_replica_to_json(wft_ovsdb_client_replica(c),
					      d->tables);
	}
	txt = json_dumps(j, (d->count ? JSON_COMPACT : JSON_INDENT(1)) |
			 JSON_SORT_KEYS);
	printf("%s\n", txt);
	fflush(stdout);
	free(txt);
	json_decref(j);
	/* What was just printed is not news for --follow. */
	wft_ovsdb_replica_consume(wft_ovsdb_client_replica(c));
	d->printed = true;
	if (!d->follow)
		wft_loop_quit(d->loop, 0);
}

static void on_timeout(struct wft_timer *t, void *aux)
{
	struct dump *d = aux;

	wft_loop_quit(d->loop, d->printed ? 0 : 1);
}

static void usage(void)
{
	fprintf(stderr, "usage: weft-ovsdb-dump [--db NAME] [--table T]... "
		"[--cond T=JSON]... [--leader-only] [--follow] "
		"[--timeout MS] [--count] [--verbose] REMOTES\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "table", required_argument, NULL, 't' },
		{ "cond", required_argument, NULL, 'c' },
		{ "leader-only", no_argument, NULL, 'l' },
		{ "follow", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "count", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct wft_ovsdb_client_opts opts = {
		.db = "OVN_Southbound", .probe_ms = -1,
		.backoff_min_ms = 200, .backoff_max_ms = 2000,
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;
	const char **tables = NULL, **conds = NULL;
	unsigned int n_tables = 0, n_conds = 0, i;
	struct wft_ovsdb_client *c;
	struct dump d = { 0 };
	long timeout = 30000;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'd':
			opts.db = optarg;
			break;
		case 't':
			tables = realloc(tables, (n_tables + 2) *
					 sizeof(*tables));
			tables[n_tables++] = optarg;
			tables[n_tables] = NULL;
			break;
		case 'c':
			conds = realloc(conds, (n_conds + 1) * sizeof(*conds));
			conds[n_conds++] = optarg;
			break;
		case 'l':
			opts.leader_only = true;
			break;
		case 'f':
			d.follow = true;
			break;
		case 'T':
			timeout = strtol(optarg, NULL, 10);
			break;
		case 'n':
			d.count = true;
			break;
		case 'v':
			wft_log_set_spec("ovsdb:dbg", NULL);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	opts.remotes = argv[optind];
	opts.tables = tables;
	opts.on_update = on_update;
	opts.on_state = on_state;
	opts.aux = &d;
	d.tables = tables;
	if (wft_loop_new(&d.loop))
		return 1;
	d.start = wft_loop_now();
	ret = wft_ovsdb_client_new(d.loop, &opts, &c, &err);
	if (ret) {
		fprintf(stderr, "weft-ovsdb-dump: %s\n", wft_strbuf_cstr(&err));
		return 1;
	}
	for (i = 0; i < n_conds; i++) {
		const char *eq = strchr(conds[i], '=');
		json_error_t jerr;
		char table[128];
		json_t *j;

		if (!eq || (size_t)(eq - conds[i]) >= sizeof(table))
			usage();
		memcpy(table, conds[i], (size_t)(eq - conds[i]));
		table[eq - conds[i]] = 0;
		j = json_loads(eq + 1, 0, &jerr);
		if (!j || wft_ovsdb_client_set_condition(c, table, j)) {
			fprintf(stderr, "weft-ovsdb-dump: bad condition %s\n",
				conds[i]);
			return 2;
		}
	}
	if (timeout > 0)
		wft_loop_timer(d.loop, (uint64_t)timeout, false, on_timeout,
			       &d);
	ret = wft_loop_run(d.loop);
	if (ret)
		fprintf(stderr, "weft-ovsdb-dump: no sync with %s: %s\n",
			opts.remotes, wft_ovsdb_client_last_error(c));
	wft_ovsdb_client_free(c);
	wft_loop_free(d.loop);
	free(tables);
	free(conds);
	wft_strbuf_free(&err);
	return ret;
}
