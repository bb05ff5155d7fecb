// SPDX-License-Identifier: GPL-2.0
/*
 * The blocking JSON-RPC client behind every CLI (see include/weft/jsonrpc.h).
 * One unix stream socket, non-blocking underneath so that every wait is
 * bounded by poll() and the caller's timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "weft/jsonrpc.h"

struct wft_jsonrpc_client {
	int fd;
	json_int_t next_id;
	struct wft_jsonrpc_stream in;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A deadline for @timeout_ms from now; -1 is "never". */
static long long deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

/* Waits for @events; returns 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long long left;
	int n;

	for (;;) {
		left = deadline < 0 ? -1 : deadline - now_ms();
		if (deadline >= 0 && left < 0)
			left = 0;
		n = poll(&pfd, 1, left > 1 << 30 ? 1 << 30 : (int)left);
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

/*
 * A non-blocking connect() on a unix socket either completes, fails, or
 * (backlog full) returns EAGAIN without queueing anything: then try again
 * shortly, until the deadline.
 */
static int connect_unix(int fd, const char *path, long long deadline)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(sun);
	int ret, soerr = 0;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	for (;;) {
		if (!connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			break;
		if (deadline >= 0 && now_ms() >= deadline)
			return -ETIMEDOUT;
		poll(NULL, 0, 5);
	}
	if (errno != EINPROGRESS)
		return -errno;
	ret = wait_fd(fd, POLLOUT, deadline);
	if (ret)
		return ret;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		return -errno;
	return -soerr;
}

int wft_jsonrpc_client_open(const char *path, int timeout_ms,
			    struct wft_jsonrpc_client **clientp,
			    struct wft_jsonrpc_error *err)
{
	struct wft_jsonrpc_client *c;
	int ret;

	*clientp = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->next_id = 1;
	wft_jsonrpc_stream_init(&c->in, 0);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = connect_unix(c->fd, path, deadline_of(timeout_ms));
	if (ret)
		goto fail;
	*clientp = c;
	return 0;
fail:
	wft_jsonrpc_error_set(err, 0, "cannot connect to %s: %s", path,
			      strerror(-ret));
	wft_jsonrpc_client_close(c);
	return ret;
}

void wft_jsonrpc_client_close(struct wft_jsonrpc_client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	wft_jsonrpc_stream_uninit(&c->in);
	free(c);
}

int wft_jsonrpc_client_fd(const struct wft_jsonrpc_client *c)
{
	return c->fd;
}

json_int_t wft_jsonrpc_client_next_id(struct wft_jsonrpc_client *c)
{
	return c->next_id;
}

static int io_error(struct wft_jsonrpc_error *err, int ret, const char *what)
{
	if (ret == -ETIMEDOUT)
		wft_jsonrpc_error_set(err, 0, "timed out waiting for weftd");
	else if (ret == -ECONNRESET || ret == -EPIPE)
		wft_jsonrpc_error_set(err, 0, "weftd closed the connection");
	else
		wft_jsonrpc_error_set(err, 0, "%s: %s", what, strerror(-ret));
	return ret == -EPIPE ? -ECONNRESET : ret;
}

int wft_jsonrpc_client_send_raw(struct wft_jsonrpc_client *c,
				const void *data, size_t len, int timeout_ms,
				struct wft_jsonrpc_error *err)
{
	long long deadline = deadline_of(timeout_ms);
	const char *p = data;
	ssize_t n;
	int ret;

	while (len) {
		n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (n > 0) {
			p += n;
			len -= n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return io_error(err, -errno, "send");
		ret = wait_fd(c->fd, POLLOUT, deadline);
		if (ret)
			return io_error(err, ret, "send");
	}
	return 0;
}

int wft_jsonrpc_client_send(struct wft_jsonrpc_client *c, const json_t *msg,
			    int timeout_ms, struct wft_jsonrpc_error *err)
{
	size_t len;
	char *s;
	int ret;

	s = wft_jsonrpc_dump(msg, &len);
	if (!s)
		return -ENOMEM;
	ret = wft_jsonrpc_client_send_raw(c, s, len, timeout_ms, err);
	free(s);
	return ret;
}

/* Reads what is there into the splitter; 0, or a negative errno. */
static int fill(struct wft_jsonrpc_client *c, long long deadline,
		struct wft_jsonrpc_error *err)
{
	char buf[65536];
	ssize_t n;
	int ret;

	for (;;) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n > 0)
			return wft_jsonrpc_stream_feed(&c->in, buf, n);
		if (n == 0)
			return io_error(err, -ECONNRESET, "recv");
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return io_error(err, -errno, "recv");
		ret = wait_fd(c->fd, POLLIN, deadline);
		if (ret)
			return io_error(err, ret, "recv");
	}
}

int wft_jsonrpc_client_recv(struct wft_jsonrpc_client *c, int timeout_ms,
			    json_t **json, struct wft_jsonrpc_error *err)
{
	long long deadline = deadline_of(timeout_ms);
	int ret;

	for (;;) {
		ret = wft_jsonrpc_stream_next(&c->in, json, err);
		if (ret == 1)
			return 0;
		if (ret < 0)
			return -EPROTO;
		ret = fill(c, deadline, err);
		if (ret)
			return ret;
	}
}

/* Waits for the response to @id, skipping notifications. */
static int await_response(struct wft_jsonrpc_client *c, json_int_t id,
			  long long deadline, json_t **result,
			  struct wft_jsonrpc_error *err)
{
	struct wft_jsonrpc_msg msg;
	const char *why;
	json_t *json;
	int ret, left;

	for (;;) {
		left = deadline < 0 ? -1 : (int)(deadline - now_ms());
		ret = wft_jsonrpc_client_recv(c, left < 0 && deadline >= 0 ?
					      0 : left, &json, err);
		if (ret)
			return ret;
		if (wft_jsonrpc_msg_parse(json, &msg, &why)) {
			wft_jsonrpc_error_set(err, 0, "bad response: %s", why);
			json_decref(json);
			return -EPROTO;
		}
		if (msg.kind == WFT_JSONRPC_RESULT &&
		    json_integer_value(msg.id) == id) {
			*result = json_incref(msg.result);
			json_decref(json);
			return 0;
		}
		if (msg.kind == WFT_JSONRPC_ERROR &&
		    (json_integer_value(msg.id) == id ||
		     json_is_null(msg.id))) {
			wft_jsonrpc_error_from_msg(&msg, err);
			json_decref(json);
			return -EREMOTEIO;
		}
		json_decref(json);	/* a notification or a stale reply */
	}
}

int wft_jsonrpc_call(struct wft_jsonrpc_client *c, const char *method,
		     json_t *params, int timeout_ms, json_t **result,
		     struct wft_jsonrpc_error *err)
{
	long long deadline = deadline_of(timeout_ms);
	json_int_t id = c->next_id++;
	json_t *req;
	int ret;

	*result = NULL;
	req = wft_jsonrpc_request_new(method, params, id);
	if (!req)
		return -ENOMEM;
	ret = wft_jsonrpc_client_send(c, req, timeout_ms, err);
	json_decref(req);
	if (ret)
		return ret;
	return await_response(c, id, deadline, result, err);
}
