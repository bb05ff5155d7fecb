// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: accepting clients, reading and splitting their input,
 * dispatching requests to registered methods, buffering replies (see
 * include/weft/control.h).
 *
 * Lifetimes: a client is freed only outside the dispatch of its own events
 * (ctl->dispatching counts nested entries; a client killed inside one is
 * parked on ctl->dead and freed when the outermost entry returns). A call
 * lives until answered; when its client dies first, call->client becomes
 * NULL and the answer is dropped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "weft/control.h"
#include "weft/coverage.h"
#include "weft/util.h"
#include "weft/vlog.h"

#include "control_priv.h"

WFT_LOG_MODULE(control);
WFT_COVERAGE_DEFINE(control_accept);
WFT_COVERAGE_DEFINE(control_request);
WFT_COVERAGE_DEFINE(control_cutoff);

#define READ_CHUNK	65536
#define READS_PER_EVENT	4	/* then let other clients run */

static void client_update_events(struct client *c);
static void client_flush(struct client *c);

/* Clients. */

void wft_control_enter(struct wft_control *ctl)
{
	ctl->dispatching++;
}

void wft_control_leave(struct wft_control *ctl)
{
	struct client *c;

	if (--ctl->dispatching)
		return;
	while ((c = ctl->dead)) {
		ctl->dead = c->next;
		wft_jsonrpc_stream_uninit(&c->in);
		free(c->out);
		free(c);
	}
}

/* Closes @c now and frees it once no dispatch is running. */
void wft_control_client_kill(struct client *c, const char *why)
{
	struct wft_control *ctl = c->ctl;
	struct wft_rpc_call *call;

	if (c->dead)
		return;
	if (why)
		wft_dbg("client %u: %s", c->serial, why);
	c->dead = true;
	wft_watch_remove(c->watch);
	close(c->fd);
	for (call = c->calls; call; call = call->next) {
		call->client = NULL;
		if (call->batch)
			call->batch->client = NULL;
	}
	c->calls = NULL;
	if (c->prev)
		c->prev->next = c->next;
	else
		ctl->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	ctl->n_clients--;
	wft_control_enter(ctl);
	c->next = ctl->dead;
	ctl->dead = c;
	wft_control_leave(ctl);
}

static size_t out_pending(const struct client *c)
{
	return c->out_len - c->out_off;
}

/* Closes the client once nothing is left to say or to wait for. */
static bool client_done(struct client *c)
{
	if ((c->input_done || c->closing) && !c->n_calls && !out_pending(c)) {
		wft_control_client_kill(c, c->closing ? "closed after error"
						      : "hung up");
		return true;
	}
	return false;
}

/* Queues one serialized text; cuts the client off past max_output. */
void wft_control_client_send(struct client *c, const json_t *msg)
{
	size_t len, cap;
	char *s, *p;

	if (c->dead)
		return;
	s = wft_jsonrpc_dump(msg, &len);
	if (!s)
		goto cutoff;
	if (out_pending(c) + len + 1 > c->ctl->limits.max_output) {
		free(s);
		goto cutoff;
	}
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len + 1 > c->out_cap) {
		cap = c->out_cap ? c->out_cap : 4096;
		while (cap < c->out_len + len + 1)
			cap *= 2;
		p = realloc(c->out, cap);
		if (!p) {
			free(s);
			goto cutoff;
		}
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, s, len);
	c->out[c->out_len + len] = '\n';
	c->out_len += len + 1;
	free(s);
	client_flush(c);
	return;
cutoff:
	WFT_COVERAGE_INC(control_cutoff);
	wft_control_client_kill(c, "output limit");
}

static void client_flush(struct client *c)
{
	ssize_t n;

	while (!c->dead && out_pending(c)) {
		n = send(c->fd, c->out + c->out_off, out_pending(c),
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			c->out_off += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		wft_control_client_kill(c, "send failed");
		return;
	}
	if (c->dead)
		return;
	if (!out_pending(c)) {
		/* Keep the buffer unless it grew large for one reply. */
		c->out_off = c->out_len = 0;
		if (c->out_cap > READ_CHUNK * 4) {
			free(c->out);
			c->out = NULL;
			c->out_cap = 0;
		}
	}
	if (!client_done(c))
		client_update_events(c);
}

static void client_update_events(struct client *c)
{
	uint32_t ev = 0;

	if (!c->input_done && !c->closing &&
	    out_pending(c) <= c->ctl->limits.output_hiwat)
		ev |= EPOLLIN;
	if (out_pending(c))
		ev |= EPOLLOUT;
	if (wft_watch_modify(c->watch, ev))
		wft_control_client_kill(c, "epoll");
}

/* A text that cannot be answered normally: reply and stop reading. */
static void client_fatal(struct client *c, struct wft_jsonrpc_error *err)
{
	json_t *reply = wft_jsonrpc_error_new(NULL, err->code, err->message,
					      NULL);

	if (reply)
		wft_control_client_send(c, reply);
	json_decref(reply);
	c->closing = true;
	WFT_COVERAGE_INC(control_cutoff);
}

/* Takes every whole text out of the splitter and serves it. */
static void client_drain_input(struct client *c)
{
	struct wft_jsonrpc_error err;
	json_t *text, *reply;
	int ret;

	wft_jsonrpc_error_init(&err);
	while (!c->dead && !c->closing) {
		ret = wft_jsonrpc_stream_next(&c->in, &text, &err);
		if (ret == 0)
			break;
		if (ret == 1) {
			WFT_COVERAGE_INC(control_request);
			wft_control_serve_text(c, text);
			json_decref(text);
		} else if (ret == -EBADMSG) {
			reply = wft_jsonrpc_error_new(NULL, err.code,
						      err.message, NULL);
			if (reply)
				wft_control_client_send(c, reply);
			json_decref(reply);
		} else {
			client_fatal(c, &err);
		}
	}
	wft_jsonrpc_error_clear(&err);
}

static void client_read(struct client *c)
{
	char buf[READ_CHUNK];
	ssize_t n;
	int i;

	for (i = 0; i < READS_PER_EVENT && !c->dead && !c->closing &&
		    !c->input_done; i++) {
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			wft_control_client_kill(c, "recv failed");
			return;
		}
		if (n == 0) {
			/* Half a text at EOF is dropped, never an error. */
			c->input_done = true;
			break;
		}
		if (wft_jsonrpc_stream_feed(&c->in, buf, n)) {
			wft_control_client_kill(c, "out of memory");
			return;
		}
		client_drain_input(c);
		if (out_pending(c) > c->ctl->limits.output_hiwat)
			break;
	}
}

static void on_client(struct wft_watch *w, int fd, uint32_t events,
		      void *aux)
{
	struct client *c = aux;
	struct wft_control *ctl = c->ctl;

	wft_control_enter(ctl);
	if (events & EPOLLIN)
		client_read(c);
	if (!c->dead && (events & EPOLLERR))
		wft_control_client_kill(c, "socket error");
	if (!c->dead && (events & EPOLLHUP) && !(events & EPOLLIN))
		wft_control_client_kill(c, "hung up");
	if (!c->dead)
		client_flush(c);
	wft_control_leave(ctl);
}

/* Only root and weftd's own user may talk to weftd. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void accept_one(struct wft_control *ctl, int fd)
{
	struct client *c;

	if (ctl->n_clients >= ctl->limits.max_clients || !peer_allowed(fd)) {
		wft_warn("refusing a client (%s)",
			 ctl->n_clients >= ctl->limits.max_clients ?
			 "too many clients" : "peer credentials");
		close(fd);
		return;
	}
	c = wft_xcalloc(1, sizeof(*c));
	c->ctl = ctl;
	c->fd = fd;
	c->serial = ++ctl->serial;
	wft_jsonrpc_stream_init(&c->in, ctl->limits.max_text);
	if (wft_loop_watch(ctl->loop, fd, EPOLLIN, on_client, c, &c->watch)) {
		wft_jsonrpc_stream_uninit(&c->in);
		free(c);
		close(fd);
		return;
	}
	c->next = ctl->clients;
	if (c->next)
		c->next->prev = c;
	ctl->clients = c;
	ctl->n_clients++;
	WFT_COVERAGE_INC(control_accept);
}

static void on_listen(struct wft_watch *w, int lfd, uint32_t events,
		      void *aux)
{
	struct wft_control *ctl = aux;
	int fd, i;

	for (i = 0; i < 64; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				wft_warn("accept: %s", strerror(errno));
			return;
		}
		accept_one(ctl, fd);
	}
}

/* Listening. */

static int make_parent_dir(const char *path)
{
	char *dir = wft_xstrdup(path), *slash = strrchr(dir, '/');
	int ret = 0;

	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			ret = -errno;
	}
	free(dir);
	return ret;
}

/* -EADDRINUSE when a live server answers at @sun; unlinks a dead one. */
static int clear_stale(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	if (!connect(fd, (const struct sockaddr *)sun, sizeof(*sun)))
		ret = -EADDRINUSE;
	else if (errno == ECONNREFUSED)
		unlink(sun->sun_path);
	close(fd);
	return ret;
}

static int listen_on(struct wft_control *ctl, const char *path,
		     struct wft_strbuf *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int ret;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		wft_strbuf_printf(err, "%s: socket path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	ret = make_parent_dir(path);
	if (!ret)
		ret = clear_stale(&sun);
	if (ret == -EADDRINUSE) {
		wft_strbuf_printf(err, "%s: another weftd is listening there",
				  path);
		return ret;
	}
	ctl->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  0);
	if (ctl->lfd < 0)
		goto fail;
	/* Created 0600 from the start: no window where others connect. */
	old = umask(0177);
	ret = bind(ctl->lfd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ret || listen(ctl->lfd, SOMAXCONN))
		goto fail;
	return 0;
fail:
	ret = -errno;
	wft_strbuf_printf(err, "%s: %s", path, strerror(errno));
	return ret;
}

struct wft_control *wft_control_new(struct wft_loop *loop,
				    const struct wft_control_limits *limits)
{
	struct wft_control *ctl = wft_xcalloc(1, sizeof(*ctl));

	ctl->loop = loop;
	ctl->lfd = -1;
	if (limits)
		ctl->limits = *limits;
	if (!ctl->limits.max_text)
		ctl->limits.max_text = WFT_JSONRPC_MAX_TEXT;
	if (!ctl->limits.output_hiwat)
		ctl->limits.output_hiwat = 1 << 20;
	if (!ctl->limits.max_output)
		ctl->limits.max_output = 2 * (size_t)WFT_JSONRPC_MAX_TEXT;
	if (!ctl->limits.max_clients)
		ctl->limits.max_clients = 4096;
	return ctl;
}

int wft_control_listen(struct wft_control *ctl, const char *path,
		       struct wft_strbuf *err)
{
	int ret;

	if (ctl->path)
		return -EALREADY;
	ret = listen_on(ctl, path, err);
	if (!ret) {
		ret = wft_loop_watch(ctl->loop, ctl->lfd, EPOLLIN, on_listen,
				     ctl, &ctl->listen_watch);
		if (ret)
			wft_strbuf_printf(err, "%s: epoll: %s", path,
					  strerror(-ret));
	}
	if (ret) {
		if (ctl->lfd >= 0)
			close(ctl->lfd);
		ctl->lfd = -1;
		return ret;
	}
	ctl->path = wft_xstrdup(path);
	wft_info("listening on %s", path);
	return 0;
}

void wft_control_stop_accepting(struct wft_control *ctl)
{
	if (ctl->lfd < 0)
		return;
	wft_watch_remove(ctl->listen_watch);
	ctl->listen_watch = NULL;
	close(ctl->lfd);
	ctl->lfd = -1;
	if (ctl->path)
		unlink(ctl->path);
}

void wft_control_close(struct wft_control *ctl)
{
	size_t i;

	if (!ctl)
		return;
	wft_control_stop_accepting(ctl);
	wft_control_enter(ctl);
	while (ctl->clients)
		wft_control_client_kill(ctl->clients, NULL);
	wft_control_leave(ctl);
	for (i = 0; i < ctl->n_methods; i++)
		free(ctl->methods[i]);
	free(ctl->methods);
	free(ctl->path);
	free(ctl);
}

bool wft_control_flushed(const struct wft_control *ctl)
{
	const struct client *c;

	for (c = ctl->clients; c; c = c->next)
		if (out_pending(c))
			return false;
	return true;
}

unsigned int wft_control_n_clients(const struct wft_control *ctl)
{
	return ctl->n_clients;
}

/* Called after a deferred answer: the client may now be done. */
void wft_control_client_answered(struct client *c)
{
	struct wft_control *ctl = c->ctl;

	wft_control_enter(ctl);
	if (!c->dead)
		client_done(c);
	wft_control_leave(ctl);
}
