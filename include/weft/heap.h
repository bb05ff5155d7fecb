/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Giving freed heap back to the system (agent/lib/heap.c).
 */
#ifndef WEFT_HEAP_H
#define WEFT_HEAP_H

#include <stdbool.h>
#include <stddef.h>

/* How much free heap a trim waits for: less is not worth a walk of
 * every arena. */
#define WFT_HEAP_TRIM_MIN	(8u << 20)

/* Trims the heap when the arenas hold more than @min bytes free beyond
 * what their tops would give back anyway. Returns whether it trimmed. */
bool wft_heap_trim(size_t min);

#endif
