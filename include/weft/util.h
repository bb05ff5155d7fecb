/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation that cannot fail: weftd's policy is that running out of memory
 * is not recoverable, so these abort() with a message instead of returning
 * NULL. Library code uses them where a NULL return would only be turned into
 * an abort by every caller anyway; code that can report -ENOMEM cleanly
 * (wft_strbuf, netlink buffers) keeps doing so.
 */
#ifndef WEFT_UTIL_H
#define WEFT_UTIL_H

#include <stddef.h>

void *wft_xmalloc(size_t n);
void *wft_xcalloc(size_t count, size_t size);
void *wft_xrealloc(void *p, size_t n);
char *wft_xstrdup(const char *s);
void *wft_xmemdup(const void *p, size_t n);

#define WFT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* WEFT_UTIL_H */
