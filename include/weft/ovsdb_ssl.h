/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLS for ssl: OVSDB remotes (OpenSSL), as ovn-controller does it:
 * mutual authentication, the peer's certificate checked against one CA
 * certificate, no host name check. The key files are process-wide (like
 * OVS's stream-ssl): weftd's --private-key/--certificate/--ca-cert, or
 * the local configuration's SSL record, which wins when it is set. They
 * are read when a connection starts, and read again whenever one of them
 * changed on disk, so new keys take effect at the next reconnect.
 *
 * A connection (struct wft_ssl) drives one non-blocking socket: every
 * call may say it wants the socket readable or writable first
 * (SSL_ERROR_WANT_READ/WRITE, in either direction), and
 * wft_ssl_events() gives the epoll events to wait for. OpenSSL writes
 * with write(), not send(MSG_NOSIGNAL): the process must ignore SIGPIPE
 * (weftd does).
 */
#ifndef WEFT_OVSDB_SSL_H
#define WEFT_OVSDB_SSL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "weft/strbuf.h"

/* Which source a set of files comes from. */
enum wft_ssl_source {
	WFT_SSL_CMDLINE,	/* weftd's options */
	WFT_SSL_CONF,		/* the configuration's SSL record */
};

/* Sets (or, with all three NULL or "", clears) the files of @src. */
void wft_ssl_set_files(enum wft_ssl_source src, const char *private_key,
		       const char *certificate, const char *ca_cert);
/* The files in use (the configuration's when set): false if none. */
bool wft_ssl_get_files(const char **private_key, const char **certificate,
		       const char **ca_cert);
struct wft_conf;
/* Sets the WFT_SSL_CONF files from @conf's SSL row (clears them when
 * there is none). */
void wft_ssl_from_conf(const struct wft_conf *conf);
/* Frees the cached context and the file names (at exit). */
void wft_ssl_cleanup(void);

struct wft_ssl;

/* Prepares the client side of TLS on the socket @fd (its handshake
 * starts once it is connected); loads or reloads the key files. Returns
 * 0, or a negative errno with the reason in @err. */
int wft_ssl_new(int fd, struct wft_ssl **sslp, struct wft_strbuf *err);
void wft_ssl_free(struct wft_ssl *s);
/* Advances the handshake: 0 when done, -EINPROGRESS while it waits
 * for the socket, else -EPROTO (or -errno) with the reason in @err
 * (for a refused certificate, OpenSSL's verification error). */
int wft_ssl_handshake(struct wft_ssl *s, struct wft_strbuf *err);
/* Like recv(): bytes read, -EAGAIN when nothing is available (yet),
 * -ECONNRESET at the end of the stream, or another negative errno with
 * @err. */
ssize_t wft_ssl_read(struct wft_ssl *s, void *buf, size_t n,
		     struct wft_strbuf *err);
/* Like send(): bytes written, -EAGAIN, or a negative errno with @err.
 * After -EAGAIN, call it again with the same bytes at the front of @buf
 * (it may have moved) and at least as many of them. */
ssize_t wft_ssl_write(struct wft_ssl *s, const void *buf, size_t n,
		      struct wft_strbuf *err);
/* A read that gave -EAGAIN because TLS must write first: retry the read
 * when the socket is writable. */
bool wft_ssl_read_blocked_on_write(const struct wft_ssl *s);
/* The epoll events the connection waits for, given whether there is
 * output queued. */
uint32_t wft_ssl_events(const struct wft_ssl *s, bool has_output);

#endif /* WEFT_OVSDB_SSL_H */
