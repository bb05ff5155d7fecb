// SPDX-License-Identifier: GPL-2.0
/* TLS for ssl: OVSDB remotes (see include/weft/ovsdb_ssl.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "weft/ovsdb_ssl.h"
#include "weft/util.h"

enum { KEY, CERT, CA, N_FILES };

static const char *const file_what[N_FILES] = {
	[KEY] = "private key", [CERT] = "certificate",
	[CA] = "CA certificate",
};

/* The files of each source; the configuration's win. */
static char *files[2][N_FILES];

/* The context built from the files in use, and what they were when it
 * was built: a change of any of them (another file renamed into place,
 * or rewritten) builds a new one. */
static struct {
	SSL_CTX *ctx;
	char *path[N_FILES];
	struct stat st[N_FILES];
} cache;

struct wft_ssl {
	SSL *ssl;
	bool handshaking;
	uint32_t hs_wants;	/* handshake: EPOLLIN or EPOLLOUT */
	bool read_wants_write;	/* the last read needs the socket writable */
	bool write_wants_read;	/* the last write needs it readable */
};

void wft_ssl_set_files(enum wft_ssl_source src, const char *private_key,
		       const char *certificate, const char *ca_cert)
{
	const char *v[N_FILES] = { private_key, certificate, ca_cert };
	int i;

	for (i = 0; i < N_FILES; i++) {
		free(files[src][i]);
		files[src][i] = v[i] && *v[i] ? wft_xstrdup(v[i]) : NULL;
	}
}

static char **files_in_use(void)
{
	int src, i;

	for (src = WFT_SSL_CONF; src >= WFT_SSL_CMDLINE; src--)
		for (i = 0; i < N_FILES; i++)
			if (files[src][i])
				return files[src];
	return NULL;
}

bool wft_ssl_get_files(const char **private_key, const char **certificate,
		       const char **ca_cert)
{
	char **f = files_in_use();

	*private_key = f ? f[KEY] : NULL;
	*certificate = f ? f[CERT] : NULL;
	*ca_cert = f ? f[CA] : NULL;
	return f != NULL;
}

static void cache_clear(void)
{
	int i;

	SSL_CTX_free(cache.ctx);
	cache.ctx = NULL;
	for (i = 0; i < N_FILES; i++) {
		free(cache.path[i]);
		cache.path[i] = NULL;
	}
}

void wft_ssl_cleanup(void)
{
	int src;

	cache_clear();
	for (src = WFT_SSL_CMDLINE; src <= WFT_SSL_CONF; src++)
		wft_ssl_set_files(src, NULL, NULL, NULL);
}

/* OpenSSL's reason for the last failure, and its error queue emptied. */
static void ssl_reason(struct wft_strbuf *err)
{
	unsigned long e, last = 0;
	char buf[256];

	while ((e = ERR_get_error()))
		last = e;
	if (!last) {
		wft_strbuf_puts(err, "unknown OpenSSL error");
		return;
	}
	if (ERR_GET_LIB(last) == ERR_LIB_SSL &&
	    ERR_GET_REASON(last) >= SSL_AD_REASON_OFFSET &&
	    ERR_GET_REASON(last) < SSL_AD_REASON_OFFSET + 256) {
		/* The peer refused something: say which alert it sent
		 * ("unknown CA": it does not trust our certificate). */
		wft_strbuf_printf(err, "the server sent the TLS alert "
				  "\"%s\"", SSL_alert_desc_string_long(
					ERR_GET_REASON(last) -
					SSL_AD_REASON_OFFSET));
		return;
	}
	ERR_error_string_n(last, buf, sizeof(buf));
	/* "error:0A000086:SSL routines::certificate verify failed": the
	 * reason is the part after the last colon. */
	wft_strbuf_puts(err, ERR_reason_error_string(last) ?
			ERR_reason_error_string(last) : buf);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static SSL_CTX *build_ctx(char *const *f, struct wft_strbuf *err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (!ctx) {
		ssl_reason(err);
		return NULL;
	}
	/* TLS 1.2 and later, as OVS 3.1 allows by default. */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* A server that dies closes without close_notify: that is the end
	 * of the stream, as on tcp, not a protocol error. */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (SSL_CTX_use_PrivateKey_file(ctx, f[KEY], SSL_FILETYPE_PEM) != 1) {
		wft_strbuf_printf(err, "private key %s: ", f[KEY]);
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, f[CERT]) != 1) {
		wft_strbuf_printf(err, "certificate %s: ", f[CERT]);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		wft_strbuf_printf(err, "private key %s and certificate %s: ",
				  f[KEY], f[CERT]);
		goto fail;
	}
	if (SSL_CTX_load_verify_locations(ctx, f[CA], NULL) != 1) {
		wft_strbuf_printf(err, "CA certificate %s: ", f[CA]);
		goto fail;
	}
	return ctx;
fail:
	ssl_reason(err);
	SSL_CTX_free(ctx);
	return NULL;
}

/* The context for the files in use: the cached one when none of them
 * changed, else a new one. */
static SSL_CTX *get_ctx(struct wft_strbuf *err)
{
	char **f = files_in_use();
	struct stat st[N_FILES];
	bool same = cache.ctx != NULL;
	SSL_CTX *ctx;
	int i;

	if (!f) {
		wft_strbuf_puts(err, "ssl needs a private key, a certificate "
				"and a CA certificate (weft-vsctl set-ssl, or "
				"weftd --private-key, --certificate, "
				"--ca-cert)");
		return NULL;
	}
	for (i = 0; i < N_FILES; i++) {
		if (!f[i]) {
			wft_strbuf_printf(err, "ssl: no %s is set",
					  file_what[i]);
			return NULL;
		}
		if (stat(f[i], &st[i])) {
			wft_strbuf_printf(err, "%s %s: %s", file_what[i], f[i],
					  strerror(errno));
			return NULL;
		}
		same = same && !strcmp(cache.path[i], f[i]) &&
		       same_file(&cache.st[i], &st[i]);
	}
	if (same)
		return cache.ctx;
	ctx = build_ctx(f, err);
	if (!ctx)
		return NULL;
	cache_clear();	/* connections hold their own reference */
	cache.ctx = ctx;
	for (i = 0; i < N_FILES; i++) {
		cache.path[i] = wft_xstrdup(f[i]);
		cache.st[i] = st[i];
	}
	return ctx;
}

int wft_ssl_new(int fd, struct wft_ssl **sslp, struct wft_strbuf *err)
{
	struct wft_ssl *s;
	SSL_CTX *ctx;

	*sslp = NULL;
	ERR_clear_error();
	ctx = get_ctx(err);
	if (!ctx)
		return -EINVAL;
	s = wft_xcalloc(1, sizeof(*s));
	s->ssl = SSL_new(ctx);
	if (!s->ssl || SSL_set_fd(s->ssl, fd) != 1) {
		ssl_reason(err);
		wft_ssl_free(s);
		return -ENOMEM;
	}
	SSL_set_connect_state(s->ssl);
	s->handshaking = true;
	s->hs_wants = EPOLLOUT;
	*sslp = s;
	return 0;
}

void wft_ssl_free(struct wft_ssl *s)
{
	if (!s)
		return;
	SSL_free(s->ssl);	/* no close_notify: the socket just closes */
	free(s);
}

/* What a failed call's SSL_get_error() means: -EAGAIN with *@wants set
 * for the socket readiness it waits for, else an error in @err. */
static int failure(struct wft_ssl *s, int ret, uint32_t *wants,
		   const char *what, struct wft_strbuf *err)
{
	int e = SSL_get_error(s->ssl, ret);
	int saved = errno;

	switch (e) {
	case SSL_ERROR_WANT_READ:
		*wants = EPOLLIN;
		return -EAGAIN;
	case SSL_ERROR_WANT_WRITE:
		*wants = EPOLLOUT;
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return -ECONNRESET;
	case SSL_ERROR_SYSCALL:
		ERR_clear_error();
		if (!saved || saved == ECONNRESET || saved == EPIPE) {
			if (s->handshaking)
				wft_strbuf_printf(err, "%s: the server closed "
						  "the connection", what);
			return -ECONNRESET;
		}
		wft_strbuf_printf(err, "%s: %s", what, strerror(saved));
		return -saved;
	default:
		wft_strbuf_printf(err, "%s: ", what);
		ssl_reason(err);
		return -EPROTO;
	}
}

int wft_ssl_handshake(struct wft_ssl *s, struct wft_strbuf *err)
{
	long v;
	int ret;

	if (!s->handshaking)
		return 0;
	ERR_clear_error();
	ret = SSL_do_handshake(s->ssl);
	if (ret == 1) {
		s->handshaking = false;
		return 0;
	}
	v = SSL_get_verify_result(s->ssl);
	if (v != X509_V_OK) {
		/* The reason a certificate was refused is in the verify
		 * result; the error queue only says "verify failed". */
		ERR_clear_error();
		wft_strbuf_printf(err, "TLS handshake: the server's "
				  "certificate is not trusted: %s",
				  X509_verify_cert_error_string(v));
		return -EPROTO;
	}
	ret = failure(s, ret, &s->hs_wants, "TLS handshake", err);
	if (ret == -ECONNRESET && !err->len)
		wft_strbuf_puts(err, "TLS handshake: the server closed the "
				"connection");
	return ret == -EAGAIN ? -EINPROGRESS : ret;
}

ssize_t wft_ssl_read(struct wft_ssl *s, void *buf, size_t n,
		     struct wft_strbuf *err)
{
	uint32_t wants = 0;
	int ret;

	ERR_clear_error();
	ret = SSL_read(s->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
	s->read_wants_write = false;
	if (ret > 0)
		return ret;
	ret = failure(s, ret, &wants, "TLS", err);
	if (ret == -EAGAIN)
		s->read_wants_write = wants == EPOLLOUT;
	return ret;
}

/* A server that refuses our certificate tells so in an alert after
 * TLS 1.3's handshake is over, then closes: when a write fails, the
 * alert may still be waiting to be read, and says more than "reset". */
static bool peek_alert(struct wft_ssl *s, struct wft_strbuf *err)
{
	char c;
	int ret;

	ERR_clear_error();
	ret = SSL_peek(s->ssl, &c, 1);
	if (ret > 0 || SSL_get_error(s->ssl, ret) != SSL_ERROR_SSL)
		return false;
	wft_strbuf_puts(err, "TLS: ");
	ssl_reason(err);
	return true;
}

ssize_t wft_ssl_write(struct wft_ssl *s, const void *buf, size_t n,
		      struct wft_strbuf *err)
{
	uint32_t wants = 0;
	int ret;

	ERR_clear_error();
	ret = SSL_write(s->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
	s->write_wants_read = false;
	if (ret > 0)
		return ret;
	ret = failure(s, ret, &wants, "TLS", err);
	if (ret == -ECONNRESET || ret == -EPIPE) {
		struct wft_strbuf why = WFT_STRBUF_INIT;

		if (peek_alert(s, &why)) {
			wft_strbuf_reset(err);
			wft_strbuf_puts(err, wft_strbuf_cstr(&why));
			ret = -EPROTO;
		}
		wft_strbuf_free(&why);
	}
	if (ret == -EAGAIN)
		s->write_wants_read = wants == EPOLLIN;
	return ret;
}

bool wft_ssl_read_blocked_on_write(const struct wft_ssl *s)
{
	return s->read_wants_write;
}

uint32_t wft_ssl_events(const struct wft_ssl *s, bool has_output)
{
	uint32_t ev = EPOLLIN;

	if (s->handshaking)
		return s->hs_wants;
	if (s->read_wants_write)
		ev |= EPOLLOUT;
	if (has_output && !s->write_wants_read)
		ev |= EPOLLOUT;
	return ev;
}
