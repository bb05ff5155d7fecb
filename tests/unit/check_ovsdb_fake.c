// SPDX-License-Identifier: GPL-2.0
/*
 * weft's OVSDB client against a small fake server (a thread on a tcp
 * socket) that misbehaves on purpose, or says things a real server only
 * says in rare states:
 *  - malformed JSON, a text that is not an object, an array for a
 *    message, a close in the middle of a message, an update for a row
 *    that does not exist: a clear error, the session ends, the next one
 *    starts (from scratch when the replica may be off, resuming when it
 *    cannot be);
 *  - requests with unknown methods (answered with an error) and echo
 *    requests (answered); unknown notifications (ignored);
 *  - _Server rows: not connected (also when left out as a default), not
 *    leader (with leader_only), stale index: refused; a new cluster (other
 *    cid) with lower indexes: accepted; connected turning false during a
 *    session: left;
 *  - servers without monitor_cond_since (then monitor_cond) and without
 *    monitor_cond either (then RFC 7047 monitor);
 *  - echo probes that get no answer;
 *  - a transaction in flight when the session ends (told so, once), and
 *    a monitor the server cancels.
 * Runs under valgrind too (scripts/run-tests --unit --valgrind).
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "weft/jsonrpc.h"
#include "weft/ovsdb_client.h"
#include "weft/vlog.h"

#define SB "OVN_Southbound"
#define ZERO "00000000-0000-0000-0000-000000000000"
#define TXN_A "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
#define U1 "11111111-1111-1111-1111-111111111111"
#define U9 "99999999-9999-9999-9999-999999999999"

static const char *const schema =
	"{\"name\":\"" SB "\",\"version\":\"1.0.0\",\"tables\":{"
	"\"Chassis\":{\"columns\":{\"name\":{\"type\":\"string\"},"
	"\"hostname\":{\"type\":\"string\"}},\"isRoot\":true}}}";

struct fake;

struct scenario {
	/* The _Server Database row for connection @n (1, 2...), as JSON
	 * text; NULL: connected leader of a cluster, index 10. */
	const char *(*server_row)(int n);
	/* Sent after the data monitor's reply on connection @n. */
	void (*after_monitor)(struct fake *f, int n);
	bool since_unknown, cond_unknown, resume, no_echo;
	bool hangup_on_transact;	/* close instead of replying */
	bool wrong_schema_first;	/* connection 1: another db's schema */
};

struct fake {
	int lfd, cfd, port;
	int stop[2];
	pthread_t th;
	pthread_mutex_t mu;
	const struct scenario *sc;
	/* Seen by the test, under mu. */
	int conns;
	char since_ids[16][40];
	int n_since;
	json_t *replies;	/* the client's replies to our requests */
	int echo_requests;
	int transacts;
	char methods[512];	/* data monitor methods asked, in order */
};

static void fake_hangup(struct fake *f);

static void send_text(struct fake *f, const char *s)
{
	size_t n = strlen(s);

	if (f->cfd >= 0 && write(f->cfd, s, n) != (ssize_t)n)
		fprintf(stderr, "fake: short write\n");
}

static void send_json(struct fake *f, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	send_text(f, s);
	free(s);
	json_decref(j);
}

static void reply(struct fake *f, json_t *id, json_t *result)
{
	send_json(f, json_pack("{s:o,s:n,s:O}", "result", result, "error",
			       "id", id));
}

static void reply_error(struct fake *f, json_t *id, const char *e)
{
	send_json(f, json_pack("{s:n,s:{s:s},s:O}", "result", "error",
			       "error", e, "id", id));
}

static json_t *initial_rows(void)
{
	return json_pack("{s:{s:{s:{s:s}}}}", "Chassis", U1, "initial",
			 "name", "hv1");
}

static void on_request(struct fake *f, const char *method, json_t *params,
		       json_t *id)
{
	const struct scenario *sc = f->sc;
	int n;

	pthread_mutex_lock(&f->mu);
	n = f->conns;
	if (strstr(method, "monitor") && strcmp(json_string_value(
		json_array_get(params, 0)) ?: "", "_Server")) {
		strcat(f->methods, method);
		strcat(f->methods, " ");
	}
	pthread_mutex_unlock(&f->mu);

	if (!strcmp(method, "get_schema")) {
		json_t *js = json_loads(schema, 0, NULL);

		if (sc->wrong_schema_first && n == 1)
			json_object_set_new(js, "name",
					    json_string("OVN_Northbound"));
		reply(f, id, js);
	} else if (!strcmp(method, "monitor_cond") &&
		   !strcmp(json_string_value(json_array_get(params, 0)),
			   "_Server")) {
		const char *row = sc->server_row ? sc->server_row(n) : NULL;

		reply(f, id, json_pack("{s:{s:{s:o}}}", "Database", U9,
			"initial", row ? json_loads(row, 0, NULL) :
			json_pack("{s:s,s:s,s:b,s:b,s:i}", "name", SB,
				  "model", "clustered", "connected", 1,
				  "leader", 1, "index", 10)));
	} else if (!strcmp(method, "monitor_cond_since")) {
		const char *since = json_string_value(json_array_get(params,
								     3));
		bool found;

		pthread_mutex_lock(&f->mu);
		if (f->n_since < 16)
			snprintf(f->since_ids[f->n_since++], 40, "%s",
				 since ? since : "?");
		pthread_mutex_unlock(&f->mu);
		if (sc->since_unknown) {
			reply_error(f, id, "unknown method");
			return;
		}
		found = sc->resume && since && strcmp(since, ZERO);
		reply(f, id, json_pack("[b,s,o]", found, TXN_A,
				       found ? json_object() :
				       initial_rows()));
		if (sc->after_monitor)
			sc->after_monitor(f, n);
	} else if (!strcmp(method, "monitor_cond")) {
		if (sc->cond_unknown) {
			reply_error(f, id, "unknown method");
			return;
		}
		reply(f, id, initial_rows());
		if (sc->after_monitor)
			sc->after_monitor(f, n);
	} else if (!strcmp(method, "monitor")) {
		reply(f, id, json_pack("{s:{s:{s:{s:s,s:s}}}}", "Chassis", U1,
				       "new", "name", "hv1", "hostname", "h"));
		if (sc->after_monitor)
			sc->after_monitor(f, n);
	} else if (!strcmp(method, "transact")) {
		pthread_mutex_lock(&f->mu);
		f->transacts++;
		pthread_mutex_unlock(&f->mu);
		if (sc->hangup_on_transact)
			fake_hangup(f);
		else
			reply(f, id, json_pack("[{}]"));
	} else if (!strcmp(method, "echo")) {
		pthread_mutex_lock(&f->mu);
		f->echo_requests++;
		pthread_mutex_unlock(&f->mu);
		if (!sc->no_echo)
			reply(f, id, json_incref(params));
	}
}

static void on_text(struct fake *f, json_t *j)
{
	json_t *id = json_object_get(j, "id");
	const char *method = json_string_value(json_object_get(j, "method"));

	if (method && id && !json_is_null(id)) {
		on_request(f, method, json_object_get(j, "params"), id);
	} else if (!method) {
		pthread_mutex_lock(&f->mu);
		json_array_append(f->replies, j);
		pthread_mutex_unlock(&f->mu);
	}
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	struct wft_jsonrpc_stream st;
	struct wft_jsonrpc_error err;

	wft_jsonrpc_stream_init(&st, 0);
	wft_jsonrpc_error_init(&err);
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = f->stop[0], .events = POLLIN },
			{ .fd = f->cfd >= 0 ? f->cfd : f->lfd,
			  .events = POLLIN },
		};
		char buf[4096];
		ssize_t n;
		json_t *j;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[0].revents)
			break;
		if (!p[1].revents)
			continue;
		if (f->cfd < 0) {
			f->cfd = accept(f->lfd, NULL, NULL);
			wft_jsonrpc_stream_uninit(&st);
			wft_jsonrpc_stream_init(&st, 0);
			pthread_mutex_lock(&f->mu);
			f->conns++;
			pthread_mutex_unlock(&f->mu);
			continue;
		}
		n = read(f->cfd, buf, sizeof(buf));
		if (n <= 0) {
			close(f->cfd);
			f->cfd = -1;
			continue;
		}
		wft_jsonrpc_stream_feed(&st, buf, (size_t)n);
		while (f->cfd >= 0 && wft_jsonrpc_stream_next(&st, &j,
							      &err) == 1) {
			on_text(f, j);
			json_decref(j);
		}
	}
	if (f->cfd >= 0)
		close(f->cfd);
	wft_jsonrpc_stream_uninit(&st);
	wft_jsonrpc_error_clear(&err);
	return NULL;
}

static void fake_start(struct fake *f, const struct scenario *sc)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(sin);

	memset(f, 0, sizeof(*f));
	f->sc = sc;
	f->cfd = -1;
	f->replies = json_array();
	pthread_mutex_init(&f->mu, NULL);
	f->lfd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(f->lfd, 0);
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sin, sizeof(sin)),
			 0);
	ck_assert_int_eq(listen(f->lfd, 4), 0);
	ck_assert_int_eq(getsockname(f->lfd, (struct sockaddr *)&sin, &len),
			 0);
	f->port = ntohs(sin.sin_port);
	ck_assert_int_eq(pipe(f->stop), 0);
	ck_assert_int_eq(pthread_create(&f->th, NULL, fake_main, f), 0);
}

static void fake_stop(struct fake *f)
{
	ck_assert_int_eq(write(f->stop[1], "x", 1), 1);
	pthread_join(f->th, NULL);
	close(f->stop[0]);
	close(f->stop[1]);
	close(f->lfd);
	json_decref(f->replies);
	pthread_mutex_destroy(&f->mu);
}

/* Closes the current connection from the server's side. */
static void fake_hangup(struct fake *f)
{
	close(f->cfd);
	f->cfd = -1;
}

static int fake_conns(struct fake *f)
{
	int n;

	pthread_mutex_lock(&f->mu);
	n = f->conns;
	pthread_mutex_unlock(&f->mu);
	return n;
}

/* ---- the client ---- */

struct env {
	struct fake fake;
	struct wft_loop *loop;
	struct wft_ovsdb_client *c;
};

static void env_open(struct env *e, const struct scenario *sc,
		     bool leader_only, int probe_ms)
{
	struct wft_ovsdb_client_opts opts = {
		.db = SB, .leader_only = leader_only, .probe_ms = probe_ms,
		.backoff_min_ms = 20, .backoff_max_ms = 50,
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;
	char remote[64];

	wft_log_set_spec("ovsdb:off", NULL);
	fake_start(&e->fake, sc);
	snprintf(remote, sizeof(remote), "tcp:127.0.0.1:%d", e->fake.port);
	opts.remotes = remote;
	ck_assert_int_eq(wft_loop_new(&e->loop), 0);
	ck_assert_msg(!wft_ovsdb_client_new(e->loop, &opts, &e->c, &err),
		      "%s", wft_strbuf_cstr(&err));
	wft_strbuf_free(&err);
}

static void env_close(struct env *e)
{
	wft_ovsdb_client_free(e->c);
	wft_loop_free(e->loop);
	fake_stop(&e->fake);
}

static bool run_until(struct env *e, bool (*pred)(struct env *), int ms)
{
	uint64_t end = wft_loop_now() + (uint64_t)ms;

	while (!pred(e)) {
		if (wft_loop_now() >= end)
			return false;
		ck_assert_int_ge(wft_loop_run_once(e->loop, 10), 0);
	}
	return true;
}

static void run_for(struct env *e, int ms)
{
	uint64_t end = wft_loop_now() + (uint64_t)ms;

	while (wft_loop_now() < end)
		wft_loop_run_once(e->loop, 10);
}

static int want_connects;

static bool connects_reached(struct env *e)
{
	return wft_ovsdb_client_stats(e->c)->connects >= (unsigned)want_connects
	       && wft_ovsdb_client_state(e->c) == WFT_OVSDB_S_ACTIVE;
}

static void expect_connects(struct env *e, int n)
{
	want_connects = n;
	ck_assert_msg(run_until(e, connects_reached, 10000),
		      "%u sessions, want %d; state %s; last error \"%s\"",
		      wft_ovsdb_client_stats(e->c)->connects, n,
		      wft_ovsdb_state_name(wft_ovsdb_client_state(e->c)),
		      wft_ovsdb_client_last_error(e->c));
}

static void assert_error(struct env *e, const char *part)
{
	ck_assert_msg(strstr(wft_ovsdb_client_last_error(e->c), part),
		      "last error \"%s\" lacks \"%s\"",
		      wft_ovsdb_client_last_error(e->c), part);
}

static int n_chassis(struct env *e)
{
	return (int)wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		wft_ovsdb_client_replica(e->c), "Chassis"));
}

/* ---- garbage ---- */

static void send_malformed(struct fake *f, int n)
{
	if (n == 1)
		send_text(f, "{\"id\":null,\"method\":\"update3\",\"params\":"
			  "[\"weft-data\",]}");
}

START_TEST(test_malformed_json)
{
	static const struct scenario sc = {
		.after_monitor = send_malformed, .resume = true,
	};
	struct env e;

	env_open(&e, &sc, false, 0);
	expect_connects(&e, 2);
	assert_error(&e, "malformed JSON from the server: line 1");
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->protocol_errors, 1);
	/* The replica may be off after garbage: the second session does
	 * not resume, it starts over. */
	ck_assert_int_eq(e.fake.n_since, 2);
	ck_assert_str_eq(e.fake.since_ids[0], ZERO);
	ck_assert_str_eq(e.fake.since_ids[1], ZERO);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 2);
	ck_assert_int_eq(n_chassis(&e), 1);
	env_close(&e);
}
END_TEST

static void send_half_and_close(struct fake *f, int n)
{
	if (n == 1) {
		send_text(f, "{\"id\":null,\"method\":\"update3\",\"par");
		fake_hangup(f);
	}
}

START_TEST(test_close_mid_message)
{
	static const struct scenario sc = {
		.after_monitor = send_half_and_close, .resume = true,
	};
	struct env e;

	env_open(&e, &sc, false, 0);
	expect_connects(&e, 2);
	assert_error(&e, "closed the connection in the middle of a message");
	/* Nothing was applied from the half message: resume. */
	ck_assert_str_eq(e.fake.since_ids[1], TXN_A);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->resumes, 1);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 1);
	ck_assert_str_eq(wft_ovsdb_client_last_id(e.c), TXN_A);
	env_close(&e);
}
END_TEST

/* A server that answers get_schema with another database's schema is
 * left (and asked again next time), not monitored. */
START_TEST(test_wrong_schema)
{
	static const struct scenario sc = { .wrong_schema_first = true };
	struct env e;

	env_open(&e, &sc, false, 0);
	expect_connects(&e, 1);
	assert_error(&e, "get_schema OVN_Southbound: the server sent the "
		     "schema of OVN_Northbound");
	ck_assert_int_eq(e.fake.n_since, 1);
	ck_assert_int_eq(n_chassis(&e), 1);
	env_close(&e);
}
END_TEST

static void send_not_objects(struct fake *f, int n)
{
	if (n == 1)
		send_text(f, "\"just a string\"");
	else if (n == 2)
		send_text(f, "[1,2,3]");
	else if (n == 3)
		send_text(f, "{\"id\":null,\"method\":\"update3\",\"params\":"
			  "[\"weft-data\",\"" TXN_A "\",{\"Chassis\":{\"" U9
			  "\":{\"modify\":{\"name\":\"x\"}}}}]}");
	else if (n == 4)
		send_text(f, "{\"id\":null,\"method\":\"update3\",\"params\":"
			  "[\"weft-data\",\"" TXN_A "\",{\"Chassis\":{\"" U1
			  "\":{\"modify\":{\"name\":42}}}}]}");
}

START_TEST(test_not_messages)
{
	static const struct scenario sc = {
		.after_monitor = send_not_objects, .resume = true,
	};
	struct env e;

	env_open(&e, &sc, false, 0);
	want_connects = 2;
	ck_assert(run_until(&e, connects_reached, 10000));
	assert_error(&e, "must be an object or an array");
	want_connects = 3;
	ck_assert(run_until(&e, connects_reached, 10000));
	assert_error(&e, "bad message from the server: a message must be an "
		     "object");
	want_connects = 4;
	ck_assert(run_until(&e, connects_reached, 10000));
	assert_error(&e, "bad update3: Chassis: modify of unknown row " U9);
	expect_connects(&e, 5);
	assert_error(&e, "bad update3: expected string, got 42 "
		     "(Chassis.name)");
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->protocol_errors, 4);
	ck_assert_int_eq(n_chassis(&e), 1);
	env_close(&e);
}
END_TEST

/* ---- requests from the server ---- */

static void send_requests(struct fake *f, int n)
{
	send_text(f, "{\"id\":\"x1\",\"method\":\"frobnicate\",\"params\":[]}"
		  "{\"id\":null,\"method\":\"whatever\",\"params\":[1]}"
		  "{\"id\":\"e1\",\"method\":\"echo\",\"params\":[\"hi\"]}"
		  "{\"id\":null,\"method\":\"update3\",\"params\":[\"weft-data\","
		  "\"" TXN_A "\",{\"Chassis\":{\"" U1 "\":{\"modify\":"
		  "{\"hostname\":\"after\"}}}}]}");
}

static bool two_replies(struct env *e)
{
	bool done;

	pthread_mutex_lock(&e->fake.mu);
	done = json_array_size(e->fake.replies) >= 2;
	pthread_mutex_unlock(&e->fake.mu);
	return done;
}

START_TEST(test_server_requests)
{
	static const struct scenario sc = { .after_monitor = send_requests };
	json_t *want;
	struct env e;

	env_open(&e, &sc, false, 0);
	expect_connects(&e, 1);
	ck_assert(run_until(&e, two_replies, 5000));
	want = json_loads("[{\"id\":\"x1\",\"result\":null,\"error\":"
			  "{\"error\":\"unknown method\"}},"
			  "{\"id\":\"e1\",\"result\":[\"hi\"],\"error\":null}]",
			  0, NULL);
	pthread_mutex_lock(&e.fake.mu);
	ck_assert_msg(json_equal(e.fake.replies, want), "%s",
		      json_dumps(e.fake.replies, 0));
	pthread_mutex_unlock(&e.fake.mu);
	json_decref(want);
	/* The session went on: the update after them was applied. */
	run_for(&e, 100);
	ck_assert_str_eq(wft_ovsdb_row_string(wft_ovsdb_rtable_first(
		wft_ovsdb_replica_table(wft_ovsdb_client_replica(e.c),
					"Chassis")), "hostname", ""), "after");
	ck_assert_int_eq(fake_conns(&e.fake), 1);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->updates, 1);
	env_close(&e);
}
END_TEST

/* ---- _Server ---- */

static const char *refusing_rows(int n)
{
	switch (n) {
	case 1:		/* not part of a quorum */
		return "{\"name\":\"" SB "\",\"model\":\"clustered\","
		       "\"connected\":false,\"leader\":false,\"index\":5}";
	case 2:		/* a follower, but we want the leader */
		return "{\"name\":\"" SB "\",\"model\":\"clustered\","
		       "\"connected\":true,\"leader\":false,\"index\":5}";
	case 3:		/* fine */
		return "{\"name\":\"" SB "\",\"model\":\"clustered\","
		       "\"connected\":true,\"leader\":true,\"index\":20}";
	case 4:		/* behind what we saw: stale */
		return "{\"name\":\"" SB "\",\"model\":\"clustered\","
		       "\"connected\":true,\"leader\":true,\"index\":19}";
	case 5:		/* another database only */
		return "{\"name\":\"OVN_Northbound\",\"model\":\"standalone\","
		       "\"connected\":true,\"leader\":true}";
	default:
		return NULL;	/* index 10 < 20: stale too */
	}
}

static void lose_quorum(struct fake *f, int n)
{
	if (n == 3)
		send_text(f, "{\"id\":null,\"method\":\"update2\",\"params\":"
			  "[\"weft-server\",{\"Database\":{\"" U9 "\":"
			  "{\"modify\":{\"connected\":false}}}}]}");
}

static const char *fine_after_six(int n)
{
	return n >= 6 ? "{\"name\":\"" SB "\",\"model\":\"clustered\","
		"\"connected\":true,\"leader\":true,\"index\":30}" :
		refusing_rows(n);
}

START_TEST(test_server_refusals)
{
	static const struct scenario sc = {
		.server_row = fine_after_six, .after_monitor = lose_quorum,
	};
	struct env e;

	env_open(&e, &sc, true, 0);
	expect_connects(&e, 2);
	/* 1: not connected, 2: not leader, 3: accepted then lost its
	 * quorum, 4: stale, 5: no such database, 6: accepted. */
	ck_assert_int_eq(fake_conns(&e.fake), 6);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->refused, 5);
	/* The data monitor was asked only of the two accepted ones. */
	ck_assert_int_eq(e.fake.n_since, 2);
	env_close(&e);
}
END_TEST

static bool refused_two(struct env *e)
{
	return wft_ovsdb_client_stats(e->c)->refused >= 2;
}

START_TEST(test_server_refusal_reasons)
{
	static const struct scenario sc = { .server_row = refusing_rows };
	struct env e;

	env_open(&e, &sc, true, 0);
	ck_assert(run_until(&e, refused_two, 5000));
	assert_error(&e, "not the cluster leader");
	env_close(&e);
	/* Without leader_only, a follower is fine: the second connection
	 * is the session. */
	env_open(&e, &sc, false, 0);
	expect_connects(&e, 1);
	ck_assert_int_eq(fake_conns(&e.fake), 2);
	env_close(&e);
}
END_TEST

static const char *new_cluster_rows(int n)
{
	switch (n) {
	case 1:
		return "{\"name\":\"" SB "\",\"model\":\"clustered\","
		       "\"connected\":true,\"leader\":true,\"index\":20,"
		       "\"cid\":[\"uuid\",\"aaaaaaaa-0000-0000-0000-000000000001\"]}";
	case 2:		/* a new cluster: its indexes start again */
		return "{\"name\":\"" SB "\",\"model\":\"clustered\","
		       "\"connected\":true,\"leader\":true,\"index\":5,"
		       "\"cid\":[\"uuid\",\"bbbbbbbb-0000-0000-0000-000000000002\"]}";
	case 3:		/* connected=false is the default: left out */
		return "{\"name\":\"" SB "\",\"model\":\"clustered\","
		       "\"leader\":true,\"index\":30,"
		       "\"cid\":[\"uuid\",\"bbbbbbbb-0000-0000-0000-000000000002\"]}";
	default:
		return "{\"name\":\"" SB "\",\"model\":\"clustered\","
		       "\"connected\":true,\"leader\":true,\"index\":30,"
		       "\"cid\":[\"uuid\",\"bbbbbbbb-0000-0000-0000-000000000002\"]}";
	}
}

static void hang_up_early(struct fake *f, int n)
{
	if (n <= 2)
		fake_hangup(f);
}

START_TEST(test_server_new_cluster)
{
	static const struct scenario sc = {
		.server_row = new_cluster_rows, .after_monitor = hang_up_early,
	};
	struct env e;

	env_open(&e, &sc, false, 0);
	expect_connects(&e, 3);
	/* 1 and 2 accepted (2 is another cluster, not stale), 3 refused,
	 * 4 accepted. */
	ck_assert_int_eq(fake_conns(&e.fake), 4);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->refused, 1);
	env_close(&e);
}
END_TEST

/* ---- fallbacks ---- */

START_TEST(test_fallback_monitor_cond)
{
	static const struct scenario sc = { .since_unknown = true };
	struct env e;

	env_open(&e, &sc, false, 0);
	expect_connects(&e, 1);
	ck_assert_str_eq(wft_ovsdb_client_monitor_method(e.c), "monitor_cond");
	ck_assert_str_eq(e.fake.methods, "monitor_cond_since monitor_cond ");
	ck_assert_int_eq(n_chassis(&e), 1);
	env_close(&e);
}
END_TEST

static void send_update1(struct fake *f, int n)
{
	send_text(f, "{\"id\":null,\"method\":\"update\",\"params\":["
		  "\"weft-data\",{\"Chassis\":{\"" U1 "\":{\"old\":{\"hostname\":"
		  "\"h\"},\"new\":{\"name\":\"hv1\",\"hostname\":\"h2\"}},\"" U9
		  "\":{\"new\":{\"name\":\"hv9\",\"hostname\":\"\"}}}}]}");
}

static bool two_chassis(struct env *e)
{
	return n_chassis(e) == 2;
}

START_TEST(test_fallback_monitor)
{
	static const struct scenario sc = {
		.since_unknown = true, .cond_unknown = true,
		.after_monitor = send_update1,
	};
	struct wft_ovsdb_rtable *t;
	struct wft_uuid u;
	struct env e;

	env_open(&e, &sc, false, 0);
	expect_connects(&e, 1);
	ck_assert_str_eq(wft_ovsdb_client_monitor_method(e.c), "monitor");
	ck_assert_str_eq(e.fake.methods,
			 "monitor_cond_since monitor_cond monitor ");
	ck_assert(run_until(&e, two_chassis, 5000));
	t = wft_ovsdb_replica_table(wft_ovsdb_client_replica(e.c), "Chassis");
	ck_assert(wft_uuid_parse(U1, &u));
	ck_assert_str_eq(wft_ovsdb_row_string(wft_ovsdb_rtable_find(t, &u),
					      "hostname", ""), "h2");
	/* No conditions with "monitor": accepted, nothing to wait for. */
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Chassis",
		json_pack("[b]", 0)), 0);
	ck_assert(!wft_ovsdb_client_cond_pending(e.c));
	run_for(&e, 100);
	ck_assert_int_eq(n_chassis(&e), 2);
	env_close(&e);
}
END_TEST

/* ---- probes ---- */

static bool probed_out(struct env *e)
{
	return wft_ovsdb_client_stats(e->c)->connects >= 1 &&
	       strstr(wft_ovsdb_client_last_error(e->c), "inactivity probe");
}

START_TEST(test_probe_unanswered)
{
	static const struct scenario sc = { .no_echo = true };
	struct env e;

	env_open(&e, &sc, false, 50);
	expect_connects(&e, 1);
	ck_assert(run_until(&e, probed_out, 5000));
	assert_error(&e, "no reply to the inactivity probe in 50 ms");
	ck_assert_int_ge(e.fake.echo_requests, 1);
	env_close(&e);
}
END_TEST

START_TEST(test_probe_answered)
{
	static const struct scenario sc = { 0 };
	struct env e;

	/* 200 ms: long enough for the fake's thread to answer even under
	 * valgrind on a loaded machine. */
	env_open(&e, &sc, false, 200);
	expect_connects(&e, 1);
	run_for(&e, 2000);
	ck_assert_int_ge(e.fake.echo_requests, 3);
	ck_assert_int_eq(fake_conns(&e.fake), 1);
	ck_assert_int_eq(wft_ovsdb_client_state(e.c), WFT_OVSDB_S_ACTIVE);
	env_close(&e);
}
END_TEST

/* ---- the session ending under a transaction, a canceled monitor ---- */

static int txn_calls;
static enum wft_ovsdb_txn_status txn_status;
static char txn_why[128];

static void on_txn(struct wft_ovsdb_client *c,
		   const struct wft_ovsdb_txn_result *res, void *aux)
{
	txn_calls++;
	txn_status = res->status;
	snprintf(txn_why, sizeof(txn_why), "%s", res->error);
}

static bool txn_called(struct env *e)
{
	return txn_calls > 0;
}

static bool fake_got_transact(struct env *e)
{
	bool got;

	pthread_mutex_lock(&e->fake.mu);
	got = e->fake.transacts > 0;
	pthread_mutex_unlock(&e->fake.mu);
	return got;
}

START_TEST(test_txn_disconnected)
{
	static const struct scenario sc = { .hangup_on_transact = true };
	struct wft_ovsdb_txn *t = wft_ovsdb_txn_new(SB);
	struct env e;

	env_open(&e, &sc, false, 0);
	expect_connects(&e, 1);
	wft_ovsdb_txn_delete(t, "Chassis", NULL);
	txn_calls = 0;
	ck_assert_int_eq(wft_ovsdb_client_transact(e.c, t, on_txn, NULL), 0);
	ck_assert(run_until(&e, fake_got_transact, 5000));
	ck_assert(run_until(&e, txn_called, 5000));
	ck_assert_int_eq(txn_calls, 1);
	ck_assert_int_eq(txn_status, WFT_OVSDB_TXN_DISCONNECTED);
	ck_assert_str_eq(txn_why, "the session ended");
	/* And the client comes back. */
	expect_connects(&e, 2);
	ck_assert_int_eq(txn_calls, 1);
	env_close(&e);
}
END_TEST

static void cancel_monitor(struct fake *f, int n)
{
	if (n == 1)
		send_text(f, "{\"id\":null,\"method\":\"monitor_canceled\","
			  "\"params\":[\"weft-data\"]}");
}

START_TEST(test_monitor_canceled)
{
	static const struct scenario sc = {
		.after_monitor = cancel_monitor, .resume = true,
	};
	struct env e;

	env_open(&e, &sc, false, 0);
	expect_connects(&e, 2);
	assert_error(&e, "the server canceled the monitor");
	/* Canceled (the database changed under it): start over. */
	ck_assert_str_eq(e.fake.since_ids[1], ZERO);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 2);
	env_close(&e);
}
END_TEST

/* ---- remote order ---- */

START_TEST(test_remote_order)
{
	struct wft_ovsdb_client_opts opts = {
		.db = SB, .remotes = "unix:/nonexistent/a,unix:/nonexistent/b,"
		"unix:/nonexistent/c",
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_client *c;
	struct wft_loop *loop;
	bool seen[3] = { false };
	int i;

	ck_assert_int_eq(wft_loop_new(&loop), 0);
	/* In the order given... */
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(wft_ovsdb_client_new(loop, &opts, &c, &err),
				 0);
		ck_assert_str_eq(wft_ovsdb_client_remote(c),
				 "unix:/nonexistent/a");
		wft_ovsdb_client_free(c);
	}
	/* ...or shuffled: 60 clients start on each of the three (all
	 * starting on the same two has a chance of 3 * (2/3)^60). */
	opts.shuffle_remotes = true;
	for (i = 0; i < 60; i++) {
		const char *r;

		ck_assert_int_eq(wft_ovsdb_client_new(loop, &opts, &c, &err),
				 0);
		r = wft_ovsdb_client_remote(c);
		seen[r[strlen(r) - 1] - 'a'] = true;
		wft_ovsdb_client_free(c);
	}
	ck_assert(seen[0] && seen[1] && seen[2]);
	/* ssl: mixes with the others... */
	opts.remotes = "unix:/a, ssl:1.2.3.4:6642,tcp:[::1]:6642";
	ck_assert_int_eq(wft_ovsdb_client_new(loop, &opts, &c, &err), 0);
	wft_ovsdb_client_free(c);
	/* Bad lists. */
	opts.remotes = "unix:/a, pssl:6642";
	ck_assert_int_eq(wft_ovsdb_client_new(loop, &opts, &c, &err),
			 -EINVAL);
	ck_assert(strstr(wft_strbuf_cstr(&err), "pssl:6642: a remote is "
			 "unix:PATH, tcp:IP:PORT or ssl:IP:PORT"));
	opts.remotes = " , ";
	ck_assert_int_eq(wft_ovsdb_client_new(loop, &opts, &c, &err),
			 -EINVAL);
	opts.remotes = "unix:/a";
	opts.db = "";
	ck_assert_int_eq(wft_ovsdb_client_new(loop, &opts, &c, &err),
			 -EINVAL);
	wft_loop_free(loop);
	wft_strbuf_free(&err);
}
END_TEST

static Suite *fake_suite(void)
{
	Suite *s = suite_create("ovsdb_fake");
	TCase *tc = tcase_create("fake");

	tcase_add_test(tc, test_malformed_json);
	tcase_add_test(tc, test_close_mid_message);
	tcase_add_test(tc, test_wrong_schema);
	tcase_add_test(tc, test_not_messages);
	tcase_add_test(tc, test_server_requests);
	tcase_add_test(tc, test_server_refusals);
	tcase_add_test(tc, test_server_refusal_reasons);
	tcase_add_test(tc, test_server_new_cluster);
	tcase_add_test(tc, test_fallback_monitor_cond);
	tcase_add_test(tc, test_fallback_monitor);
	tcase_add_test(tc, test_probe_unanswered);
	tcase_add_test(tc, test_probe_answered);
	tcase_add_test(tc, test_txn_disconnected);
	tcase_add_test(tc, test_monitor_canceled);
	tcase_add_test(tc, test_remote_order);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(fake_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
