// SPDX-License-Identifier: GPL-2.0
/*
 * The OVSDB client session (see include/weft/ovsdb_client.h).
 *
 * A session goes BACKOFF -> CONNECTING -> SCHEMA (first session only) ->
 * SERVER -> MONITOR -> ACTIVE; any failure ends it, fails the transactions
 * in flight, and schedules the next attempt on the next remote. The
 * replica survives sessions: the next monitor either resumes it (found
 * true) or resyncs it whole, reporting only the differences.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "weft/ovsdb_client.h"
#include "weft/ovsdb_conn.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(ovsdb);

#define DATA_MON_ID	"weft-data"
#define SERVER_MON_ID	"weft-server"
#define ZERO_ID		"00000000-0000-0000-0000-000000000000"

enum monitor_method { MON_SINCE, MON_COND, MON_PLAIN };

static const char *const method_names[] = {
	[MON_SINCE] = "monitor_cond_since",
	[MON_COND] = "monitor_cond",
	[MON_PLAIN] = "monitor",
};

enum req_kind { REQ_SCHEMA, REQ_SERVER, REQ_MONITOR, REQ_COND, REQ_ECHO,
		REQ_TXN };

struct pending {
	json_int_t id;
	enum req_kind kind;
	size_t n_ops;
	wft_ovsdb_txn_cb *cb;
	void *aux;
	struct pending *next;
};

/* What _Server says about our database. */
struct server_row {
	bool seen;
	char model[16];
	bool connected;
	bool leader;
	int64_t index;
	char cid[WFT_UUID_STRLEN + 1];	/* cluster id, "" if none */
};

struct wft_ovsdb_client {
	struct wft_loop *loop;
	char *db;
	char **remotes;
	unsigned int n_remotes, cur;
	bool leader_only;
	int probe_ms, backoff_min, backoff_max, backoff;
	char **tables;			/* NULL: all */
	wft_ovsdb_update_cb *on_update;
	wft_ovsdb_state_cb *on_state;
	void *aux;

	enum wft_ovsdb_state state;
	struct wft_ovsdb_conn *conn;
	struct wft_watch *watch;
	struct wft_timer *retry_timer;
	struct wft_timer *probe_timer;
	bool rx_since_probe, probe_out;
	json_int_t next_id;
	struct pending *pending;

	struct wft_ovsdb_replica *replica;
	enum monitor_method method;
	char last_id[WFT_UUID_STRLEN + 1];
	int64_t min_index;
	char min_index_cid[WFT_UUID_STRLEN + 1];	/* cluster of min_index */
	struct server_row server;

	json_t *conds;			/* wanted: {table: clauses} */
	json_t *acked;			/* what the replica reflects */
	json_t *cond_inflight;		/* sent, not yet acknowledged */

	struct wft_strbuf error;
	struct wft_ovsdb_client_stats stats;
};

const char *wft_ovsdb_state_name(enum wft_ovsdb_state s)
{
	switch (s) {
	case WFT_OVSDB_S_BACKOFF: return "backoff";
	case WFT_OVSDB_S_CONNECTING: return "connecting";
	case WFT_OVSDB_S_SCHEMA: return "schema";
	case WFT_OVSDB_S_SERVER: return "server";
	case WFT_OVSDB_S_MONITOR: return "monitor";
	case WFT_OVSDB_S_ACTIVE: return "active";
	}
	return "?";
}

static void set_state(struct wft_ovsdb_client *c, enum wft_ovsdb_state s)
{
	if (c->state == s)
		return;
	c->state = s;
	wft_dbg("%s: %s", c->db, wft_ovsdb_state_name(s));
	if (c->on_state)
		c->on_state(c, s, c->aux);
}

static void schedule_attempt(struct wft_ovsdb_client *c, int delay_ms);
static void end_session(struct wft_ovsdb_client *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Requests. */

static int send_request(struct wft_ovsdb_client *c, const char *method,
			json_t *params, enum req_kind kind,
			struct pending **pp)
{
	struct pending *p = wft_xcalloc(1, sizeof(*p));
	json_t *msg;
	int ret;

	p->id = c->next_id++;
	p->kind = kind;
	msg = wft_ovsdb_request_new(method, params, p->id);
	ret = msg ? wft_ovsdb_conn_send(c->conn, msg) : -ENOMEM;
	json_decref(msg);
	if (ret) {
		free(p);
		return ret;
	}
	p->next = c->pending;
	c->pending = p;
	if (pp)
		*pp = p;
	wft_watch_modify(c->watch, wft_ovsdb_conn_events(c->conn));
	return 0;
}

static struct pending *take_pending(struct wft_ovsdb_client *c,
				    const json_t *id)
{
	struct pending **pp, *p;

	if (!json_is_integer(id))
		return NULL;
	for (pp = &c->pending; (p = *pp); pp = &p->next) {
		if (p->id == json_integer_value(id)) {
			*pp = p->next;
			return p;
		}
	}
	return NULL;
}

static void finish_txn(struct wft_ovsdb_client *c, struct pending *p,
		       enum wft_ovsdb_txn_status st, json_t *results,
		       const char *why)
{
	struct wft_ovsdb_txn_result res = {
		.status = st, .results = results, .error = why ? why : "",
	};

	if (p->cb)
		p->cb(c, &res, p->aux);
}

/* Sessions. */

static void close_conn(struct wft_ovsdb_client *c)
{
	struct pending *p;

	wft_watch_remove(c->watch);
	c->watch = NULL;
	wft_timer_cancel(c->probe_timer);
	c->probe_timer = NULL;
	wft_ovsdb_conn_close(c->conn);
	c->conn = NULL;
	json_decref(c->cond_inflight);
	c->cond_inflight = NULL;
	while ((p = c->pending)) {
		c->pending = p->next;
		if (p->kind == REQ_TXN)
			finish_txn(c, p, WFT_OVSDB_TXN_DISCONNECTED, NULL,
				   "the session ended");
		free(p);
	}
}

static void end_session(struct wft_ovsdb_client *c, const char *fmt, ...)
{
	bool was_active = c->state == WFT_OVSDB_S_ACTIVE;
	va_list ap;

	wft_strbuf_reset(&c->error);
	if (c->conn)
		wft_strbuf_printf(&c->error, "%s: ", c->conn->name);
	va_start(ap, fmt);
	wft_strbuf_vprintf(&c->error, fmt, ap);
	va_end(ap);
	wft_warn("%s", wft_strbuf_cstr(&c->error));
	close_conn(c);
	/* The next server's row starts from the defaults (update2 leaves
	 * out connected=false, leader=false...). */
	memset(&c->server, 0, sizeof(c->server));
	if (c->n_remotes)
		c->cur = (c->cur + 1) % c->n_remotes;
	set_state(c, WFT_OVSDB_S_BACKOFF);
	if (was_active) {
		/* A session that worked: try the next remote at once. */
		schedule_attempt(c, 0);
		return;
	}
	schedule_attempt(c, c->backoff);
	c->backoff = c->backoff * 2 > c->backoff_max ? c->backoff_max :
		     c->backoff * 2;
}

static void send_schema_request(struct wft_ovsdb_client *c);
static void send_server_monitor(struct wft_ovsdb_client *c);
static void on_io(struct wft_watch *w, int fd, uint32_t events, void *aux);

static void on_probe(struct wft_timer *t, void *aux)
{
	struct wft_ovsdb_client *c = aux;

	if (c->rx_since_probe) {
		c->rx_since_probe = false;
		c->probe_out = false;
		return;
	}
	if (c->probe_out) {
		end_session(c, "no reply to the inactivity probe in %d ms",
			    c->probe_ms);
		return;
	}
	if (send_request(c, "echo", json_array(), REQ_ECHO, NULL))
		end_session(c, "cannot send an echo probe");
	else
		c->probe_out = true;
}

/* A tcp or ssl server that accepts but never finishes connecting (a
 * TLS handshake that stalls) would hold the session forever: give it
 * two probe intervals, as the probes would. */
static void on_connect_timeout(struct wft_timer *t, void *aux)
{
	struct wft_ovsdb_client *c = aux;

	c->probe_timer = NULL;	/* one-shot: the loop frees it */
	end_session(c, "connect: no answer within %d ms", 2 * c->probe_ms);
}

static void connected(struct wft_ovsdb_client *c)
{
	wft_timer_cancel(c->probe_timer);	/* the connect timeout */
	c->probe_timer = NULL;
	set_state(c, WFT_OVSDB_S_SCHEMA);
	if (c->conn->is_tcp && c->probe_ms > 0)
		c->probe_timer = wft_loop_timer(c->loop, (uint64_t)c->probe_ms,
						true, on_probe, c);
	c->rx_since_probe = true;
	c->probe_out = false;
	if (!c->replica)
		send_schema_request(c);
	else
		send_server_monitor(c);
}

static void attempt(struct wft_ovsdb_client *c)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	const char *remote = c->remotes[c->cur];
	int ret;

	c->stats.attempts++;
	set_state(c, WFT_OVSDB_S_CONNECTING);
	ret = wft_ovsdb_conn_open(remote, &c->conn, &err);
	if (!ret)
		ret = wft_loop_watch(c->loop, c->conn->fd,
				     wft_ovsdb_conn_events(c->conn), on_io, c,
				     &c->watch);
	if (ret) {
		end_session(c, "%s", err.len ? wft_strbuf_cstr(&err) :
			    strerror(-ret));
		wft_strbuf_free(&err);
		return;
	}
	wft_strbuf_free(&err);
	wft_dbg("%s: connecting to %s", c->db, remote);
	if (!c->conn->connecting)
		connected(c);
	else if (c->conn->is_tcp && c->probe_ms > 0)
		c->probe_timer = wft_loop_timer(c->loop,
						2 * (uint64_t)c->probe_ms,
						false, on_connect_timeout, c);
}

static void on_retry(struct wft_timer *t, void *aux)
{
	struct wft_ovsdb_client *c = aux;

	c->retry_timer = NULL;	/* one-shot: the loop frees it */
	attempt(c);
}

static void schedule_attempt(struct wft_ovsdb_client *c, int delay_ms)
{
	wft_timer_cancel(c->retry_timer);
	c->retry_timer = wft_loop_timer(c->loop, (uint64_t)delay_ms, false,
					on_retry, c);
}

/* Schema. */

static void send_schema_request(struct wft_ovsdb_client *c)
{
	if (send_request(c, "get_schema", json_pack("[s]", c->db), REQ_SCHEMA,
			 NULL))
		end_session(c, "cannot send get_schema");
}

static void on_schema(struct wft_ovsdb_client *c, const json_t *result)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_schema *s;

	if (wft_ovsdb_schema_from_json(result, &s, &err)) {
		end_session(c, "bad schema: %s", wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return;
	}
	wft_strbuf_free(&err);
	/* A server that answers with another database's schema (a proxy
	 * or a broken server) must not be monitored as if it were ours. */
	if (strcmp(s->name, c->db)) {
		end_session(c, "get_schema %s: the server sent the schema of "
			    "%s", c->db, s->name);
		wft_ovsdb_schema_free(s);
		return;
	}
	c->replica = wft_ovsdb_replica_new(s);
	send_server_monitor(c);
}

/* _Server. */

static void send_server_monitor(struct wft_ovsdb_client *c)
{
	json_t *req;

	set_state(c, WFT_OVSDB_S_SERVER);
	req = json_pack("[s,s,{s:[{s:[ssssss],s:[[s,s,s]]}]}]", "_Server",
			SERVER_MON_ID, "Database", "columns", "name", "model",
			"connected", "leader", "index", "cid", "where", "name",
			"==", c->db);
	if (send_request(c, "monitor_cond", req, REQ_SERVER, NULL))
		end_session(c, "cannot send the _Server monitor");
}

/* Applies one Database row update (initial/insert/modify) to c->server;
 * the columns we monitor are all scalars, so a modify carries new values. */
static void server_row_update(struct wft_ovsdb_client *c, const json_t *row)
{
	const json_t *v;

	v = json_object_get(row, "name");
	if (v && (!json_is_string(v) || strcmp(json_string_value(v), c->db)))
		return;
	c->server.seen = true;
	if ((v = json_object_get(row, "model")) && json_is_string(v))
		snprintf(c->server.model, sizeof(c->server.model), "%s",
			 json_string_value(v));
	if ((v = json_object_get(row, "connected")))
		c->server.connected = json_is_true(v);
	if ((v = json_object_get(row, "leader")))
		c->server.leader = json_is_true(v);
	if ((v = json_object_get(row, "cid"))) {
		struct wft_uuid u;

		if (wft_ovsdb_uuid_from_json(v, &u))
			wft_uuid_format(&u, c->server.cid);
		else
			c->server.cid[0] = 0;
	}
	if ((v = json_object_get(row, "index"))) {
		/* An optional integer: a bare atom or ["set",[]]. */
		c->server.index = json_is_integer(v) ? json_integer_value(v) :
				  0;
	}
}

/* Walks {"Database": {uuid: {op: row}}}. */
static void server_updates(struct wft_ovsdb_client *c, const json_t *upd)
{
	const json_t *rows = json_object_get(upd, "Database"), *u, *row;
	const char *uuid, *op;

	json_object_foreach((json_t *)rows, uuid, u) {
		json_object_foreach((json_t *)u, op, row) {
			if (!strcmp(op, "delete"))
				c->server.seen = false;
			else if (json_is_object(row))
				server_row_update(c, row);
		}
	}
}

/* Whether the server may serve us; if not, why (static). */
static const char *server_refusal(struct wft_ovsdb_client *c)
{
	if (!c->server.seen)
		return "the server does not serve the database";
	if (strcmp(c->server.model, "clustered"))
		return NULL;
	if (!c->server.connected)
		return "the server is not connected to its cluster";
	if (c->leader_only && !c->server.leader)
		return "the server is not the cluster leader";
	/* Indexes only compare within one cluster: a cluster created
	 * anew starts again from 1. */
	if (strcmp(c->server.cid, c->min_index_cid)) {
		memcpy(c->min_index_cid, c->server.cid,
		       sizeof(c->min_index_cid));
		c->min_index = 0;
	}
	if (c->server.index && c->server.index < c->min_index)
		return "the server is stale (an older index than one seen)";
	if (c->server.index > c->min_index)
		c->min_index = c->server.index;
	return NULL;
}

static void send_data_monitor(struct wft_ovsdb_client *c);

static void on_server_reply(struct wft_ovsdb_client *c, const json_t *result,
			    const json_t *error)
{
	const char *why;

	if (error) {
		/* No _Server database: an old or a relay-less server with
		 * nothing to tell; take it as it is. */
		wft_dbg("%s: no _Server information", c->db);
		c->server.seen = true;
		snprintf(c->server.model, sizeof(c->server.model), "unknown");
	} else {
		server_updates(c, result);
	}
	why = server_refusal(c);
	if (why) {
		c->stats.refused++;
		end_session(c, "%s", why);
		return;
	}
	send_data_monitor(c);
}

/* The data monitor. */

/* True when the wanted conditions differ from what the replica holds. */
static bool conds_differ(struct wft_ovsdb_client *c)
{
	return !json_equal(c->conds, c->acked);
}

static json_t *monitor_requests(struct wft_ovsdb_client *c, bool with_where)
{
	const struct wft_ovsdb_schema *s = wft_ovsdb_replica_schema(c->replica);
	json_t *reqs = json_object();
	unsigned int i;

	for (i = 0; i < s->n_tables; i++) {
		const char *name = s->tables[i].name;
		json_t *req = json_object(), *cond;

		if (c->tables) {
			char **t;

			for (t = c->tables; *t && strcmp(*t, name); t++)
				;
			if (!*t) {
				json_decref(req);
				continue;
			}
		}
		cond = json_object_get(c->conds, name);
		if (with_where && cond)
			json_object_set(req, "where", cond);
		json_object_set_new(reqs, name, json_pack("[o]", req));
	}
	return reqs;
}

static void send_data_monitor(struct wft_ovsdb_client *c)
{
	json_t *params;

	set_state(c, WFT_OVSDB_S_MONITOR);
	/* Resuming under other conditions than the replica reflects
	 * would miss the rows that only the new conditions select. */
	if (conds_differ(c))
		c->last_id[0] = 0;
	params = json_pack("[s,s,o]", c->db, DATA_MON_ID,
			   monitor_requests(c, c->method != MON_PLAIN));
	if (c->method == MON_SINCE)
		json_array_append_new(params, json_string(c->last_id[0] ?
							  c->last_id :
							  ZERO_ID));
	if (send_request(c, method_names[c->method], params, REQ_MONITOR,
			 NULL))
		end_session(c, "cannot send %s", method_names[c->method]);
}

static void notify_changes(struct wft_ovsdb_client *c)
{
	if (c->on_update && wft_ovsdb_replica_has_changes(c->replica))
		c->on_update(c, c->aux);
}

static void send_cond_change(struct wft_ovsdb_client *c);

static void on_monitor_reply(struct wft_ovsdb_client *c, const json_t *result,
			     const json_t *error)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	const json_t *updates = result;
	bool found = false;
	int ret;

	if (error) {
		const char *e = json_string_value(json_object_get(error,
								  "error"));

		if (e && strstr(e, "unknown method") &&
		    c->method != MON_PLAIN) {
			c->method++;
			wft_info("%s: the server lacks %s, using %s", c->db,
				 method_names[c->method - 1],
				 method_names[c->method]);
			send_data_monitor(c);
			return;
		}
		wft_ovsdb_error_format(error, &err);
		end_session(c, "%s failed: %s", method_names[c->method],
			    wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return;
	}
	if (c->method == MON_SINCE) {
		const char *id;

		if (!json_is_array(result) || json_array_size(result) != 3 ||
		    !json_is_boolean(json_array_get(result, 0)) ||
		    !(id = json_string_value(json_array_get(result, 1))) ||
		    strlen(id) != WFT_UUID_STRLEN) {
			c->stats.protocol_errors++;
			end_session(c, "bad monitor_cond_since reply");
			return;
		}
		found = json_is_true(json_array_get(result, 0));
		updates = json_array_get(result, 2);
		snprintf(c->last_id, sizeof(c->last_id), "%s", id);
	}
	if (!found)
		wft_ovsdb_replica_resync_begin(c->replica);
	if (c->method == MON_PLAIN)
		ret = wft_ovsdb_replica_apply_update(c->replica, updates,
						     &err);
	else
		ret = wft_ovsdb_replica_apply_update2(c->replica, updates,
						      &err);
	if (!found)
		wft_ovsdb_replica_resync_end(c->replica);
	if (ret) {
		c->stats.protocol_errors++;
		c->last_id[0] = 0;
		end_session(c, "bad monitor reply: %s", wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return;
	}
	wft_strbuf_free(&err);
	if (found)
		c->stats.resumes++;
	else
		c->stats.full_syncs++;
	json_decref(c->acked);
	c->acked = json_deep_copy(c->conds);
	c->stats.connects++;
	c->backoff = c->backoff_min;
	set_state(c, WFT_OVSDB_S_ACTIVE);
	notify_changes(c);
	if (c->conn && c->state == WFT_OVSDB_S_ACTIVE && conds_differ(c))
		send_cond_change(c);
}

/* Conditions. */

static void send_cond_change(struct wft_ovsdb_client *c)
{
	json_t *reqs, *cond;
	const char *table;

	/* One change at a time: the next goes when this one is answered
	 * (the server applies them in order, but the replica must know
	 * which conditions its rows reflect). */
	if (c->cond_inflight || c->method == MON_PLAIN)
		return;
	reqs = json_object();
	json_object_foreach(c->conds, table, cond) {
		if (json_equal(cond, json_object_get(c->acked, table)))
			continue;
		json_object_set_new(reqs, table,
				    json_pack("[{s:O}]", "where", cond));
	}
	c->cond_inflight = json_deep_copy(c->conds);
	if (send_request(c, "monitor_cond_change",
			 json_pack("[s,s,o]", DATA_MON_ID, DATA_MON_ID, reqs),
			 REQ_COND, NULL))
		end_session(c, "cannot send monitor_cond_change");
}

static void on_cond_reply(struct wft_ovsdb_client *c, const json_t *error)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;

	if (error) {
		wft_ovsdb_error_format(error, &err);
		end_session(c, "monitor_cond_change failed: %s",
			    wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return;
	}
	json_decref(c->acked);
	c->acked = c->cond_inflight;
	c->cond_inflight = NULL;
	if (conds_differ(c))
		send_cond_change(c);
}

/* Whether @table is (or, before the schema arrived, may be) monitored. */
static bool monitored(const struct wft_ovsdb_client *c, const char *table)
{
	char **t;

	if (c->replica && !wft_ovsdb_replica_table(c->replica, table))
		return false;
	for (t = c->tables; t && *t; t++)
		if (!strcmp(*t, table))
			return true;
	return !c->tables;
}

int wft_ovsdb_client_set_conditions(struct wft_ovsdb_client *c,
				    json_t *conds)
{
	const char *table;
	json_t *cond;

	if (!json_is_object(conds))
		goto bad;
	json_object_foreach(conds, table, cond)
		if (!json_is_array(cond) || !monitored(c, table))
			goto bad;
	json_object_update(c->conds, conds);
	json_decref(conds);
	/* One monitor_cond_change for all of them. */
	if (c->state == WFT_OVSDB_S_ACTIVE && c->conn && conds_differ(c))
		send_cond_change(c);
	return 0;
bad:
	json_decref(conds);
	return -EINVAL;
}

int wft_ovsdb_client_set_condition(struct wft_ovsdb_client *c,
				   const char *table, json_t *cond)
{
	json_t *conds = json_object();

	json_object_set_new(conds, table, cond ? cond : json_pack("[b]", 1));
	return wft_ovsdb_client_set_conditions(c, conds);
}

bool wft_ovsdb_client_cond_pending(const struct wft_ovsdb_client *c)
{
	/* RFC 7047 monitors have no conditions: everything is there. */
	if (c->method == MON_PLAIN && c->state == WFT_OVSDB_S_ACTIVE)
		return false;
	return c->cond_inflight || !json_equal(c->conds, c->acked);
}

/* Incoming messages. */

static void on_notify(struct wft_ovsdb_client *c, const char *method,
		      const json_t *params)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	const char *mon = json_string_value(json_array_get(params, 0));
	const json_t *updates;
	bool data = mon && !strcmp(mon, DATA_MON_ID);
	int ret = 0;

	if (!strcmp(method, "update2") && mon &&
	    !strcmp(mon, SERVER_MON_ID)) {
		const char *why;

		server_updates(c, json_array_get(params, 1));
		why = server_refusal(c);
		if (why) {
			c->stats.refused++;
			end_session(c, "%s", why);
		}
		return;
	}
	if (!strcmp(method, "monitor_canceled")) {
		c->last_id[0] = 0;
		end_session(c, "the server canceled the monitor");
		return;
	}
	if (!data || !c->replica) {
		wft_dbg("%s: ignoring %s", c->db, method);
		return;
	}
	if (!strcmp(method, "update3")) {
		const char *id = json_string_value(json_array_get(params, 1));

		if (!id || strlen(id) != WFT_UUID_STRLEN) {
			wft_strbuf_printf(&err, "bad update3 transaction id");
			ret = -EPROTO;
		} else {
			snprintf(c->last_id, sizeof(c->last_id), "%s", id);
			updates = json_array_get(params, 2);
			ret = wft_ovsdb_replica_apply_update2(c->replica,
							      updates, &err);
		}
	} else if (!strcmp(method, "update2")) {
		ret = wft_ovsdb_replica_apply_update2(c->replica,
			json_array_get(params, 1), &err);
	} else if (!strcmp(method, "update")) {
		ret = wft_ovsdb_replica_apply_update(c->replica,
			json_array_get(params, 1), &err);
	} else {
		wft_dbg("%s: ignoring %s", c->db, method);
		return;
	}
	if (ret) {
		c->stats.protocol_errors++;
		/* The replica may be off now: start over from scratch. */
		c->last_id[0] = 0;
		end_session(c, "bad %s: %s", method, wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return;
	}
	wft_strbuf_free(&err);
	c->stats.updates++;
	notify_changes(c);
}

static void on_request(struct wft_ovsdb_client *c, const char *method,
		       const json_t *params, const json_t *id)
{
	json_t *reply;

	if (!strcmp(method, "echo"))
		reply = wft_ovsdb_reply_new(id, json_deep_copy(params));
	else
		reply = wft_ovsdb_error_reply_new(id,
			json_pack("{s:s}", "error", "unknown method"));
	if (!reply || wft_ovsdb_conn_send(c->conn, reply))
		end_session(c, "cannot queue a reply");
	json_decref(reply);
}

static void on_reply(struct wft_ovsdb_client *c, const struct wft_ovsdb_msg *m)
{
	struct pending *p = take_pending(c, m->id);
	struct wft_strbuf why = WFT_STRBUF_INIT;

	if (!p) {
		wft_dbg("%s: a reply to no request", c->db);
		return;
	}
	switch (p->kind) {
	case REQ_SCHEMA:
		if (m->error) {
			wft_ovsdb_error_format(m->error, &why);
			end_session(c, "get_schema %s: %s", c->db,
				    wft_strbuf_cstr(&why));
		} else {
			on_schema(c, m->result);
		}
		break;
	case REQ_SERVER:
		on_server_reply(c, m->result, m->error);
		break;
	case REQ_MONITOR:
		on_monitor_reply(c, m->result, m->error);
		break;
	case REQ_COND:
		on_cond_reply(c, m->error);
		break;
	case REQ_ECHO:
		break;
	case REQ_TXN:
		if (m->error) {
			wft_ovsdb_error_format(m->error, &why);
			finish_txn(c, p, WFT_OVSDB_TXN_ERROR, NULL,
				   wft_strbuf_cstr(&why));
		} else {
			enum wft_ovsdb_txn_status st;

			st = wft_ovsdb_txn_parse_results(m->result, p->n_ops,
							 &why);
			finish_txn(c, p, st, m->result,
				   wft_strbuf_cstr(&why));
		}
		break;
	}
	wft_strbuf_free(&why);
	free(p);
}

/* Handles one text; the session may end inside. */
static void on_text(struct wft_ovsdb_client *c, json_t *j)
{
	struct wft_ovsdb_msg m;
	const char *why;

	if (wft_log_enabled(&wft_this_log_module, WFT_LL_DBG)) {
		char *txt = json_dumps(j, JSON_COMPACT);

		wft_dbg("%s: received %s", c->db, txt ? txt : "?");
		free(txt);
	}
	if (wft_ovsdb_msg_parse(j, &m, &why)) {
		c->stats.protocol_errors++;
		end_session(c, "bad message from the server: %s", why);
		return;
	}
	switch (m.kind) {
	case WFT_OVSDB_MSG_NOTIFY:
		on_notify(c, m.method, m.params);
		break;
	case WFT_OVSDB_MSG_REQUEST:
		on_request(c, m.method, m.params, m.id);
		break;
	case WFT_OVSDB_MSG_REPLY:
	case WFT_OVSDB_MSG_ERROR:
		on_reply(c, &m);
		break;
	}
}

static void on_readable(struct wft_ovsdb_client *c)
{
	struct wft_ovsdb_conn *conn = c->conn;
	struct wft_jsonrpc_error err;
	json_t *j;
	int ret;

	ret = wft_ovsdb_conn_read(conn);
	if (ret < 0 && ret != -ECONNRESET) {
		end_session(c, "read: %s", wft_ovsdb_conn_strerror(conn, ret));
		return;
	}
	if (ret > 0)
		c->rx_since_probe = true;
	wft_jsonrpc_error_init(&err);
	while (c->conn == conn) {
		int n = wft_ovsdb_conn_next(conn, &j, &err);

		if (n == 0)
			break;
		if (n < 0) {
			c->stats.protocol_errors++;
			c->last_id[0] = 0;
			end_session(c, "malformed JSON from the server: %s",
				    err.message ? err.message : "?");
			break;
		}
		on_text(c, j);
		json_decref(j);
	}
	wft_jsonrpc_error_clear(&err);
	if (c->conn == conn && ret == -ECONNRESET)
		end_session(c, "the server closed the connection%s",
			    wft_jsonrpc_stream_idle(&conn->in) ? "" :
			    " in the middle of a message");
}

static void on_io(struct wft_watch *w, int fd, uint32_t events, void *aux)
{
	struct wft_ovsdb_client *c = aux;
	struct wft_ovsdb_conn *conn = c->conn;
	int ret;

	if (conn->connecting) {
		ret = wft_ovsdb_conn_finish_connect(conn);
		if (ret == -EINPROGRESS) {
			/* A TLS handshake may now wait for the other way. */
			wft_watch_modify(c->watch,
					 wft_ovsdb_conn_events(conn));
			return;
		}
		if (ret) {
			end_session(c, "connect: %s",
				    wft_ovsdb_conn_strerror(conn, ret));
			return;
		}
		connected(c);
		if (c->conn != conn)
			return;
	}
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ||
	    wft_ovsdb_conn_read_pending(conn)) {
		on_readable(c);
		if (c->conn != conn)
			return;
	}
	ret = wft_ovsdb_conn_flush(conn);
	if (ret) {
		end_session(c, "write: %s", wft_ovsdb_conn_strerror(conn, ret));
		return;
	}
	wft_watch_modify(c->watch, wft_ovsdb_conn_events(conn));
}

/* Transactions. */

int wft_ovsdb_client_transact(struct wft_ovsdb_client *c,
			      struct wft_ovsdb_txn *t, wft_ovsdb_txn_cb *cb,
			      void *aux)
{
	const json_t *params = wft_ovsdb_txn_json(t);
	struct pending *p;
	int ret;

	if (c->state != WFT_OVSDB_S_ACTIVE || !c->conn) {
		wft_ovsdb_txn_free(t);
		return -ENOTCONN;
	}
	ret = send_request(c, "transact", json_deep_copy(params), REQ_TXN,
			   &p);
	if (!ret) {
		p->n_ops = json_array_size(params) - 1;
		p->cb = cb;
		p->aux = aux;
	}
	wft_ovsdb_txn_free(t);
	return ret;
}

/* Setup and accessors. */

static char **split_remotes(const char *s, unsigned int *n)
{
	char *copy = wft_xstrdup(s), *tok, *save = NULL;
	char **v = NULL;

	*n = 0;
	for (tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		v = wft_xrealloc(v, (*n + 2) * sizeof(*v));
		v[(*n)++] = wft_xstrdup(tok);
		v[*n] = NULL;
	}
	free(copy);
	return v;
}

/* Fisher-Yates, with getrandom() (no need for a seeded PRNG here). */
static void shuffle(char **v, unsigned int n)
{
	unsigned int i, k;
	uint32_t r;
	char *x;

	for (i = n; i > 1; i--) {
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			return;
		k = r % i;
		x = v[i - 1];
		v[i - 1] = v[k];
		v[k] = x;
	}
}

static void free_strv(char **v)
{
	char **p;

	for (p = v; p && *p; p++)
		free(*p);
	free(v);
}

int wft_ovsdb_client_new(struct wft_loop *loop,
			 const struct wft_ovsdb_client_opts *opts,
			 struct wft_ovsdb_client **cp, struct wft_strbuf *err)
{
	struct wft_ovsdb_client *c;
	unsigned int i;
	int ret;

	*cp = NULL;
	c = wft_xcalloc(1, sizeof(*c));
	wft_strbuf_init(&c->error);
	c->remotes = split_remotes(opts->remotes ? opts->remotes : "",
				   &c->n_remotes);
	if (!c->n_remotes) {
		wft_strbuf_printf(err, "no remote");
		ret = -EINVAL;
		goto fail;
	}
	for (i = 0; i < c->n_remotes; i++) {
		ret = wft_ovsdb_remote_check(c->remotes[i], err);
		if (ret)
			goto fail;
	}
	if (opts->shuffle_remotes)
		shuffle(c->remotes, c->n_remotes);
	if (!opts->db || !*opts->db) {
		wft_strbuf_printf(err, "no database name");
		ret = -EINVAL;
		goto fail;
	}
	c->loop = loop;
	c->db = wft_xstrdup(opts->db);
	c->leader_only = opts->leader_only;
	c->probe_ms = opts->probe_ms < 0 ? 5000 : opts->probe_ms;
	c->backoff_min = opts->backoff_min_ms > 0 ? opts->backoff_min_ms :
			 1000;
	c->backoff_max = opts->backoff_max_ms > 0 ? opts->backoff_max_ms :
			 8000;
	if (c->backoff_max < c->backoff_min)
		c->backoff_max = c->backoff_min;
	c->backoff = c->backoff_min;
	if (opts->tables) {
		const char *const *t;
		unsigned int n = 0;

		for (t = opts->tables; *t; t++)
			n++;
		c->tables = wft_xcalloc(n + 1, sizeof(*c->tables));
		for (i = 0; i < n; i++)
			c->tables[i] = wft_xstrdup(opts->tables[i]);
	}
	c->on_update = opts->on_update;
	c->on_state = opts->on_state;
	c->aux = opts->aux;
	c->next_id = 1;
	c->conds = json_object();
	c->acked = json_object();
	c->state = WFT_OVSDB_S_BACKOFF;
	schedule_attempt(c, 0);
	*cp = c;
	return 0;
fail:
	free_strv(c->remotes);
	wft_strbuf_free(&c->error);
	free(c);
	return ret;
}

void wft_ovsdb_client_free(struct wft_ovsdb_client *c)
{
	if (!c)
		return;
	/* Transactions in flight learn that the session ended. */
	close_conn(c);
	wft_timer_cancel(c->retry_timer);
	wft_ovsdb_replica_free(c->replica);
	json_decref(c->conds);
	json_decref(c->acked);
	free_strv(c->remotes);
	free_strv(c->tables);
	free(c->db);
	wft_strbuf_free(&c->error);
	free(c);
}

void wft_ovsdb_client_reconnect(struct wft_ovsdb_client *c)
{
	if (c->conn)
		end_session(c, "reconnect requested");
}

enum wft_ovsdb_state wft_ovsdb_client_state(const struct wft_ovsdb_client *c)
{
	return c->state;
}

struct wft_ovsdb_replica *wft_ovsdb_client_replica(struct wft_ovsdb_client *c)
{
	return c->replica;
}

const char *wft_ovsdb_client_remote(const struct wft_ovsdb_client *c)
{
	return c->remotes[c->cur];
}

const char *wft_ovsdb_client_last_id(const struct wft_ovsdb_client *c)
{
	return c->last_id;
}

const char *wft_ovsdb_client_last_error(const struct wft_ovsdb_client *c)
{
	return c->error.len ? wft_strbuf_cstr(&c->error) : "";
}

const struct wft_ovsdb_client_stats *
wft_ovsdb_client_stats(const struct wft_ovsdb_client *c)
{
	return &c->stats;
}

const char *wft_ovsdb_client_monitor_method(const struct wft_ovsdb_client *c)
{
	return method_names[c->method];
}
