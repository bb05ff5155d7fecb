// SPDX-License-Identifier: GPL-2.0
/* A growable, always NUL-terminated string (see include/weft/strbuf.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/strbuf.h"

void wft_strbuf_init(struct wft_strbuf *sb)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->cap = 0;
	sb->error = 0;
}

void wft_strbuf_free(struct wft_strbuf *sb)
{
	free(sb->buf);
	wft_strbuf_init(sb);
}

void wft_strbuf_reset(struct wft_strbuf *sb)
{
	sb->len = 0;
	sb->error = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void wft_strbuf_truncate(struct wft_strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

/* Makes room for @n more bytes plus the NUL; false once out of memory. */
static int reserve(struct wft_strbuf *sb, size_t n)
{
	size_t need, cap;
	char *p;

	if (sb->error)
		return 0;
	if (n > SIZE_MAX / 2 - sb->len - 1)
		goto oom;
	need = sb->len + n + 1;
	if (need <= sb->cap)
		return 1;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(sb->buf, cap);
	if (!p)
		goto oom;
	sb->buf = p;
	sb->cap = cap;
	return 1;
oom:
	sb->error = -ENOMEM;
	return 0;
}

void wft_strbuf_add(struct wft_strbuf *sb, const void *data, size_t n)
{
	if (!reserve(sb, n))
		return;
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void wft_strbuf_puts(struct wft_strbuf *sb, const char *s)
{
	wft_strbuf_add(sb, s, strlen(s));
}

void wft_strbuf_putc(struct wft_strbuf *sb, char c)
{
	wft_strbuf_add(sb, &c, 1);
}

void wft_strbuf_vprintf(struct wft_strbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		sb->error = sb->error ? sb->error : -EINVAL;
		return;
	}
	if (!reserve(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void wft_strbuf_printf(struct wft_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wft_strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

const char *wft_strbuf_cstr(const struct wft_strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *wft_strbuf_steal(struct wft_strbuf *sb)
{
	char *s = sb->buf;

	if (!s)
		s = calloc(1, 1);
	wft_strbuf_init(sb);
	return s;
}
