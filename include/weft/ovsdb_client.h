/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An OVSDB client session on weftd's event loop, as an OVN chassis needs
 * one for the Southbound database:
 *
 * - a list of remotes tried in turn, reconnecting with exponential
 *   backoff; echo probes on tcp after an inactivity interval, and answers
 *   to the server's echoes;
 * - `get_schema`, then `_Server`'s Database row monitored (monitor_cond):
 *   a server whose row says connected=false, or leader=false when
 *   leader_only, or whose index is older than one already seen (stale), is
 *   refused and the next remote tried; when the row changes that way
 *   during the session, the session moves on too;
 * - `monitor_cond_since` (falling back to `monitor_cond`, then `monitor`,
 *   for servers without them) feeding a wft_ovsdb_replica; on reconnect it
 *   asks for the changes since the last transaction id (clustered
 *   databases); when the server cannot resume (found=false), the replica
 *   is resynced whole and the differences are reported as changes;
 * - `monitor_cond_change` for per-table conditions (an OR-ed list of
 *   clauses, or [true]/[false]);
 * - `transact` with a builder (struct wft_ovsdb_txn).
 */
#ifndef WEFT_OVSDB_CLIENT_H
#define WEFT_OVSDB_CLIENT_H

#include "weft/loop.h"
#include "weft/ovsdb.h"
#include "weft/ovsdb_replica.h"

struct wft_ovsdb_client;

enum wft_ovsdb_state {
	WFT_OVSDB_S_BACKOFF,	/* waiting before the next attempt */
	WFT_OVSDB_S_CONNECTING,
	WFT_OVSDB_S_SCHEMA,	/* get_schema sent */
	WFT_OVSDB_S_SERVER,	/* _Server's Database row asked */
	WFT_OVSDB_S_MONITOR,	/* the data monitor asked */
	WFT_OVSDB_S_ACTIVE,	/* replica in sync, updates flowing */
};

const char *wft_ovsdb_state_name(enum wft_ovsdb_state s);

/* The replica has new tracked changes (after a whole update or a resync:
 * never halfway through one). */
typedef void wft_ovsdb_update_cb(struct wft_ovsdb_client *c, void *aux);
typedef void wft_ovsdb_state_cb(struct wft_ovsdb_client *c,
				enum wft_ovsdb_state s, void *aux);

struct wft_ovsdb_client_opts {
	/* Remotes separated by commas or spaces, e.g.
	 * "unix:/run/ovn/ovnsb_db.sock" or "tcp:10.0.0.1:6642,tcp:...". */
	const char *remotes;
	const char *db;			/* "OVN_Southbound" */
	bool leader_only;		/* false: followers serve reads */
	/* Takes the remotes in a random order (then in turn), so that the
	 * chassis of a deployment spread over the cluster's members, as
	 * ovn-controller does; false: in the order given. */
	bool shuffle_remotes;
	int probe_ms;			/* tcp inactivity probe; 0: off;
					 * negative: the default 5000 */
	int backoff_min_ms;		/* 0: 1000 */
	int backoff_max_ms;		/* 0: 8000 */
	/* NULL-terminated table names to monitor; NULL: every table. */
	const char *const *tables;
	wft_ovsdb_update_cb *on_update;
	wft_ovsdb_state_cb *on_state;
	void *aux;
};

struct wft_ovsdb_client_stats {
	unsigned int connects;		/* sessions that reached ACTIVE */
	unsigned int attempts;		/* connection attempts */
	unsigned int refused;		/* servers refused (_Server row) */
	unsigned int full_syncs;	/* monitor replies with all rows */
	unsigned int resumes;		/* monitor_cond_since found=true */
	unsigned int updates;		/* update notifications applied */
	unsigned int protocol_errors;
};

/* Returns 0, or -EINVAL / -ENOTSUP with @err for a bad remote list. */
int wft_ovsdb_client_new(struct wft_loop *loop,
			 const struct wft_ovsdb_client_opts *opts,
			 struct wft_ovsdb_client **cp, struct wft_strbuf *err);
void wft_ovsdb_client_free(struct wft_ovsdb_client *c);

enum wft_ovsdb_state wft_ovsdb_client_state(const struct wft_ovsdb_client *c);
/* NULL until the schema arrived; the same replica across reconnects. */
struct wft_ovsdb_replica *wft_ovsdb_client_replica(struct wft_ovsdb_client *c);
/* The remote of the current (or last) session. */
const char *wft_ovsdb_client_remote(const struct wft_ovsdb_client *c);
/* The last transaction id seen ("" before any). */
const char *wft_ovsdb_client_last_id(const struct wft_ovsdb_client *c);
/* Why the last session ended or was refused ("" if none did). */
const char *wft_ovsdb_client_last_error(const struct wft_ovsdb_client *c);
const struct wft_ovsdb_client_stats *
wft_ovsdb_client_stats(const struct wft_ovsdb_client *c);
/* The method the data monitor uses ("monitor_cond_since", ...). */
const char *wft_ovsdb_client_monitor_method(const struct wft_ovsdb_client *c);

/*
 * The condition of @table: a JSON array of clauses (OR-ed), each
 * [column, function, value] or true/false; NULL means [true]. Steals
 * @cond. Takes effect at once when a session is active (monitor_cond_change;
 * rows leaving or entering come as updates), else at the next session.
 * Returns 0 or -EINVAL.
 */
int wft_ovsdb_client_set_condition(struct wft_ovsdb_client *c,
				   const char *table, json_t *cond);
/* Several at once, {table: clauses, ...} (stolen), in one
 * monitor_cond_change; all or none. */
int wft_ovsdb_client_set_conditions(struct wft_ovsdb_client *c,
				    json_t *conds);
/* True while a condition change is sent and not yet acknowledged. */
bool wft_ovsdb_client_cond_pending(const struct wft_ovsdb_client *c);

/* Ends the session and starts the next one with the next remote. */
void wft_ovsdb_client_reconnect(struct wft_ovsdb_client *c);

/* Transactions. */
struct wft_ovsdb_txn;

struct wft_ovsdb_txn *wft_ovsdb_txn_new(const char *db);
void wft_ovsdb_txn_free(struct wft_ovsdb_txn *t);
/* Each adds one operation and returns its index in the results. @where
 * is an array of [column, function, value] (AND-ed); the json arguments
 * are stolen. @named (may be NULL) names the new row's UUID for later
 * operations: refer to it as ["named-uuid", named]. */
int wft_ovsdb_txn_insert(struct wft_ovsdb_txn *t, const char *table,
			 json_t *row, const char *named);
int wft_ovsdb_txn_update(struct wft_ovsdb_txn *t, const char *table,
			 json_t *where, json_t *row);
/* @mutations: [[column, mutator, value], ...]. */
int wft_ovsdb_txn_mutate(struct wft_ovsdb_txn *t, const char *table,
			 json_t *where, json_t *mutations);
int wft_ovsdb_txn_delete(struct wft_ovsdb_txn *t, const char *table,
			 json_t *where);
/* Fails the transaction unless the rows matching @where, projected on
 * @columns, equal (@until "==") or differ from ("!=") @rows, waiting at
 * most @timeout_ms (0: check once). */
int wft_ovsdb_txn_wait(struct wft_ovsdb_txn *t, const char *table,
		       json_t *where, json_t *columns, const char *until,
		       json_t *rows, int timeout_ms);
/* A wait that @row's @column still has the value the replica holds:
 * the transaction fails (WFT_OVSDB_TXN_TRY_AGAIN) if someone changed it
 * meanwhile. */
int wft_ovsdb_txn_verify(struct wft_ovsdb_txn *t,
			 const struct wft_ovsdb_row *row, const char *column);
int wft_ovsdb_txn_comment(struct wft_ovsdb_txn *t, const char *comment);
/* The params of the transact request (borrowed). */
const json_t *wft_ovsdb_txn_json(const struct wft_ovsdb_txn *t);

enum wft_ovsdb_txn_status {
	WFT_OVSDB_TXN_SUCCESS,
	WFT_OVSDB_TXN_TRY_AGAIN,	/* a wait/verify failed ("timed out") */
	WFT_OVSDB_TXN_ERROR,		/* an operation or the request failed */
	WFT_OVSDB_TXN_DISCONNECTED,	/* the session ended before a reply */
};

struct wft_ovsdb_txn_result {
	enum wft_ovsdb_txn_status status;
	json_t *results;	/* the reply's array; NULL if none */
	const char *error;	/* a readable reason, "" on success */
};

typedef void wft_ovsdb_txn_cb(struct wft_ovsdb_client *c,
			      const struct wft_ovsdb_txn_result *res,
			      void *aux);

/*
 * Sends @t (taken) on the current session. Returns 0 (@cb runs once,
 * later, with the outcome) or -ENOTCONN when no session is active.
 */
int wft_ovsdb_client_transact(struct wft_ovsdb_client *c,
			      struct wft_ovsdb_txn *t, wft_ovsdb_txn_cb *cb,
			      void *aux);
/* The UUID the server gave to the row inserted by operation @op. */
bool wft_ovsdb_txn_result_uuid(const struct wft_ovsdb_txn_result *res,
			       int op, struct wft_uuid *uuid);
/* Parses a transact reply: status and reason (into @why). */
enum wft_ovsdb_txn_status wft_ovsdb_txn_parse_results(const json_t *results,
						      size_t n_ops,
						      struct wft_strbuf *why);

#endif /* WEFT_OVSDB_CLIENT_H */
