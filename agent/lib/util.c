// SPDX-License-Identifier: GPL-2.0
/* Allocation that aborts instead of failing (see include/weft/util.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"

static void out_of_memory(size_t n)
{
	fprintf(stderr, "weft: out of memory allocating %zu bytes\n", n);
	abort();
}

void *wft_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory(n);
	return p;
}

void *wft_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		out_of_memory(count * size);
	return p;
}

void *wft_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

char *wft_xstrdup(const char *s)
{
	return wft_xmemdup(s, strlen(s) + 1);
}

void *wft_xmemdup(const void *p, size_t n)
{
	void *q = wft_xmalloc(n);

	if (n)
		memcpy(q, p, n);
	return q;
}
