/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One non-blocking stream to an OVSDB server: the remote syntax
 * (unix:PATH, tcp:IP:PORT, tcp:[IPv6]:PORT, ssl: the same with TLS,
 * see ovsdb_ssl.h), connect (and the TLS handshake), a queue of outgoing
 * texts, and the split of the incoming bytes into JSON texts
 * (wft_jsonrpc_stream). The session logic (reconnects, probes, monitors)
 * is in ovsdb_client.
 */
#ifndef WEFT_OVSDB_CONN_H
#define WEFT_OVSDB_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "weft/jsonrpc.h"
#include "weft/strbuf.h"

struct wft_ssl;

struct wft_ovsdb_conn {
	int fd;
	bool connecting;	/* connect() or the TLS handshake in progress */
	bool tcp_pending;	/* connect() in progress */
	bool is_tcp;		/* echo probes only on tcp and ssl, as OVS */
	struct wft_ssl *ssl;	/* ssl: remotes */
	char *name;		/* the remote, for messages */
	struct wft_strbuf error; /* the last failure's reason, if known */
	struct wft_jsonrpc_stream in;
	char *out;		/* queued bytes */
	size_t out_off, out_len, out_cap;
};

/* Checks @remote's syntax. Returns 0 or -EINVAL, with the reason in
 * @err. */
int wft_ovsdb_remote_check(const char *remote, struct wft_strbuf *err);
/* Starts connecting. Returns 0 with *@connp set (connect may still be in
 * progress: wait for EPOLLOUT, then call wft_ovsdb_conn_finish_connect),
 * or a negative errno with @err. */
int wft_ovsdb_conn_open(const char *remote, struct wft_ovsdb_conn **connp,
			struct wft_strbuf *err);
void wft_ovsdb_conn_close(struct wft_ovsdb_conn *c);
/* Returns 0 once connected (and, for ssl:, the handshake done),
 * -EINPROGRESS while not yet (wait for wft_ovsdb_conn_events()), or
 * -errno (see wft_ovsdb_conn_strerror()). */
int wft_ovsdb_conn_finish_connect(struct wft_ovsdb_conn *c);
/* Why the last call that failed with @ret failed: the reason it noted
 * (TLS errors, a refused certificate), else strerror(-@ret). */
const char *wft_ovsdb_conn_strerror(const struct wft_ovsdb_conn *c, int ret);
/* A read must be retried although the socket is not readable (TLS
 * wanted to write first): call wft_ovsdb_conn_read() when writable. */
bool wft_ovsdb_conn_read_pending(const struct wft_ovsdb_conn *c);
/* Queues @j; returns 0 or -ENOMEM. */
int wft_ovsdb_conn_send(struct wft_ovsdb_conn *c, const json_t *j);
/* Writes what it can; returns 0 (some may remain queued) or -errno. */
int wft_ovsdb_conn_flush(struct wft_ovsdb_conn *c);
bool wft_ovsdb_conn_has_output(const struct wft_ovsdb_conn *c);
/* Reads what is available into the splitter: returns the number of
 * bytes read, 0 when nothing was available, -ECONNRESET at end of file,
 * or -errno. */
int wft_ovsdb_conn_read(struct wft_ovsdb_conn *c);
/* The next whole text: 1 with a new reference, 0 when none is complete,
 * or a negative errno with @err (see wft_jsonrpc_stream_next()). */
int wft_ovsdb_conn_next(struct wft_ovsdb_conn *c, json_t **j,
			struct wft_jsonrpc_error *err);
/* The epoll events the connection waits for. */
uint32_t wft_ovsdb_conn_events(const struct wft_ovsdb_conn *c);

#endif /* WEFT_OVSDB_CONN_H */
