/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growable, always NUL-terminated string. Allocation failures are sticky:
 * after one, every append is ignored and ->error is -ENOMEM, so callers can
 * build a whole string and check once at the end.
 */
#ifndef WEFT_STRBUF_H
#define WEFT_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct wft_strbuf {
	char *buf;		/* NULL until the first append */
	size_t len;		/* not counting the NUL */
	size_t cap;
	int error;		/* -ENOMEM once an allocation failed */
};

#define WFT_STRBUF_INIT { NULL, 0, 0, 0 }

void wft_strbuf_init(struct wft_strbuf *sb);
void wft_strbuf_free(struct wft_strbuf *sb);
/* Empties the string, keeps the allocation, clears ->error. */
void wft_strbuf_reset(struct wft_strbuf *sb);
/* Shortens the string to @len bytes (no-op when already shorter). */
void wft_strbuf_truncate(struct wft_strbuf *sb, size_t len);
void wft_strbuf_add(struct wft_strbuf *sb, const void *data, size_t n);
void wft_strbuf_puts(struct wft_strbuf *sb, const char *s);
void wft_strbuf_putc(struct wft_strbuf *sb, char c);
void wft_strbuf_printf(struct wft_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void wft_strbuf_vprintf(struct wft_strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* The contents, never NULL ("" when empty); valid until the next change. */
const char *wft_strbuf_cstr(const struct wft_strbuf *sb);
/* Hands the malloc()ed string to the caller (never NULL unless out of
 * memory) and leaves @sb empty. */
char *wft_strbuf_steal(struct wft_strbuf *sb);

#endif /* WEFT_STRBUF_H */
