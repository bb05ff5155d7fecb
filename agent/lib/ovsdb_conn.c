// SPDX-License-Identifier: GPL-2.0
/* A non-blocking stream to an OVSDB server (see include/weft/ovsdb_conn.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "weft/ovsdb_conn.h"
#include "weft/ovsdb_ssl.h"
#include "weft/util.h"

/* The largest text an OVSDB server may send: a full SB snapshot of a big
 * deployment arrives as one monitor reply. */
#define OVSDB_MAX_TEXT	(512u << 20)

/* Splits "IP:PORT" or "[IPv6]:PORT" into a sockaddr. */
static int parse_inet(const char *s, struct sockaddr_storage *ss,
		      socklen_t *len, struct wft_strbuf *err)
{
	struct addrinfo hints = {
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
		.ai_socktype = SOCK_STREAM,
	}, *res;
	char host[128];
	const char *port;
	size_t hl;
	int ret;

	if (*s == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':')
			goto bad;
		hl = (size_t)(end - s - 1);
		s++;
		port = end + 2;
	} else {
		port = strrchr(s, ':');
		if (!port)
			goto bad;
		hl = (size_t)(port - s);
		port++;
	}
	if (!hl || hl >= sizeof(host) || !*port)
		goto bad;
	memcpy(host, s, hl);
	host[hl] = 0;
	ret = getaddrinfo(host, port, &hints, &res);
	if (ret)
		goto bad;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
bad:
	wft_strbuf_printf(err, "expected IP:PORT or [IPv6]:PORT");
	return -EINVAL;
}

static int parse_remote(const char *remote, struct sockaddr_storage *ss,
			socklen_t *len, bool *ssl, struct wft_strbuf *err)
{
	*ssl = false;
	memset(ss, 0, sizeof(*ss));
	if (!strncmp(remote, "unix:", 5)) {
		struct sockaddr_un *sun = (struct sockaddr_un *)ss;

		if (!remote[5] || strlen(remote + 5) >= sizeof(sun->sun_path)) {
			wft_strbuf_printf(err, "%s: bad unix socket path",
					  remote);
			return -EINVAL;
		}
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, remote + 5);
		*len = sizeof(*sun);
		return 0;
	}
	if (!strncmp(remote, "tcp:", 4) || !strncmp(remote, "ssl:", 4)) {
		if (parse_inet(remote + 4, ss, len, err)) {
			wft_strbuf_printf(err, " in %s", remote);
			return -EINVAL;
		}
		*ssl = remote[0] == 's';
		return 0;
	}
	wft_strbuf_printf(err, "%s: a remote is unix:PATH, tcp:IP:PORT or "
			  "ssl:IP:PORT", remote);
	return -EINVAL;
}

int wft_ovsdb_remote_check(const char *remote, struct wft_strbuf *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool ssl;

	return parse_remote(remote, &ss, &len, &ssl, err);
}

int wft_ovsdb_conn_open(const char *remote, struct wft_ovsdb_conn **connp,
			struct wft_strbuf *err)
{
	struct sockaddr_storage ss;
	struct wft_ovsdb_conn *c;
	socklen_t len;
	int ret, one = 1;
	bool ssl;

	*connp = NULL;
	ret = parse_remote(remote, &ss, &len, &ssl, err);
	if (ret)
		return ret;
	c = wft_xcalloc(1, sizeof(*c));
	c->name = wft_xstrdup(remote);
	wft_strbuf_init(&c->error);
	c->is_tcp = ss.ss_family != AF_UNIX;
	wft_jsonrpc_stream_init(&c->in, OVSDB_MAX_TEXT);
	c->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0);
	if (c->fd < 0) {
		ret = -errno;
		goto fail;
	}
	if (c->is_tcp)
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&ss, len)) {
		/* A unix socket whose backlog is full says EAGAIN: treat it
		 * as a failed attempt, the session retries later. */
		if (errno != EINPROGRESS) {
			ret = -errno;
			goto fail;
		}
		c->connecting = c->tcp_pending = true;
	}
	if (ssl) {
		/* The key files are checked now, so that a missing one fails
		 * the attempt with its name before any byte is sent. */
		ret = wft_ssl_new(c->fd, &c->ssl, &c->error);
		if (ret) {
			wft_strbuf_printf(err, "%s: %s", remote,
					  wft_strbuf_cstr(&c->error));
			wft_ovsdb_conn_close(c);
			return ret;
		}
		c->connecting = true;
	}
	*connp = c;
	return 0;
fail:
	wft_strbuf_printf(err, "%s: connect: %s", remote, strerror(-ret));
	wft_ovsdb_conn_close(c);
	return ret;
}

void wft_ovsdb_conn_close(struct wft_ovsdb_conn *c)
{
	if (!c)
		return;
	wft_ssl_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	wft_strbuf_free(&c->error);
	wft_jsonrpc_stream_uninit(&c->in);
	free(c->out);
	free(c->name);
	free(c);
}

int wft_ovsdb_conn_finish_connect(struct wft_ovsdb_conn *c)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (!c->connecting)
		return 0;
	wft_strbuf_reset(&c->error);
	if (c->tcp_pending) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
			return -errno;
		if (soerr)
			return -soerr;
		/* SO_ERROR is 0 also while still in progress: ask the
		 * peer. */
		{
			struct sockaddr_storage ss;
			socklen_t sl = sizeof(ss);

			if (getpeername(c->fd, (struct sockaddr *)&ss, &sl))
				return errno == ENOTCONN ? -EINPROGRESS :
				       -errno;
		}
		c->tcp_pending = false;
	}
	if (c->ssl) {
		int ret = wft_ssl_handshake(c->ssl, &c->error);

		if (ret)
			return ret;
	}
	c->connecting = false;
	return 0;
}

const char *wft_ovsdb_conn_strerror(const struct wft_ovsdb_conn *c, int ret)
{
	return c->error.len ? wft_strbuf_cstr((struct wft_strbuf *)&c->error)
			    : strerror(-ret);
}

bool wft_ovsdb_conn_read_pending(const struct wft_ovsdb_conn *c)
{
	return c->ssl && !c->connecting &&
	       wft_ssl_read_blocked_on_write(c->ssl);
}

int wft_ovsdb_conn_send(struct wft_ovsdb_conn *c, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	size_t n;

	if (!s)
		return -ENOMEM;
	n = strlen(s);
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;

		while (cap < c->out_len + n)
			cap *= 2;
		c->out = wft_xrealloc(c->out, cap);
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, s, n);
	c->out_len += n;
	free(s);
	return 0;
}

bool wft_ovsdb_conn_has_output(const struct wft_ovsdb_conn *c)
{
	return c->out_off < c->out_len;
}

/* One send(), or one SSL_write() with its errors made errno values. */
static ssize_t send_some(struct wft_ovsdb_conn *c)
{
	ssize_t n;

	if (!c->ssl)
		return send(c->fd, c->out + c->out_off,
			    c->out_len - c->out_off, MSG_NOSIGNAL);
	n = wft_ssl_write(c->ssl, c->out + c->out_off,
			  c->out_len - c->out_off, &c->error);
	if (n < 0) {
		errno = (int)-n;
		return -1;
	}
	return n;
}

int wft_ovsdb_conn_flush(struct wft_ovsdb_conn *c)
{
	wft_strbuf_reset(&c->error);
	while (!c->connecting && c->out_off < c->out_len) {
		ssize_t n = send_some(c);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -errno;
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	return 0;
}

/* TLS: every record that OpenSSL can decrypt now. It reads a record
 * at a time from the socket, and 64 kB hold any record whole, so nothing
 * stays buffered inside OpenSSL for epoll to miss once it says
 * "want read". */
static int ssl_read(struct wft_ovsdb_conn *c)
{
	char buf[65536];
	int total = 0;
	ssize_t n;

	for (;;) {
		n = wft_ssl_read(c->ssl, buf, sizeof(buf), &c->error);
		if (n < 0)
			break;
		if (wft_jsonrpc_stream_feed(&c->in, buf, (size_t)n))
			return -ENOMEM;
		total += (int)n;
		if (total >= (1 << 20))
			return total;	/* let the others run too */
	}
	if (n == -EAGAIN || (n == -ECONNRESET && total))
		return total;	/* the end is seen by the next read */
	return (int)n;
}

int wft_ovsdb_conn_read(struct wft_ovsdb_conn *c)
{
	char buf[65536];
	ssize_t n;

	wft_strbuf_reset(&c->error);
	if (c->ssl)
		return ssl_read(c);
	for (;;) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n > 0)
			break;
		if (!n)
			return -ECONNRESET;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -errno;
	}
	if (wft_jsonrpc_stream_feed(&c->in, buf, (size_t)n))
		return -ENOMEM;
	return (int)n;
}

int wft_ovsdb_conn_next(struct wft_ovsdb_conn *c, json_t **j,
			struct wft_jsonrpc_error *err)
{
	return wft_jsonrpc_stream_next(&c->in, j, err);
}

uint32_t wft_ovsdb_conn_events(const struct wft_ovsdb_conn *c)
{
	if (c->tcp_pending)
		return EPOLLOUT;
	if (c->ssl)
		return wft_ssl_events(c->ssl, wft_ovsdb_conn_has_output(c));
	return EPOLLIN | (wft_ovsdb_conn_has_output(c) ? EPOLLOUT : 0);
}
