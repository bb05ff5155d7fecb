/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event counters: cheap enough for the packet path, shown with their rates
 * by `weft-appctl coverage/show`.
 *
 *   WFT_COVERAGE_DEFINE(upcall_miss);		(in one .c file)
 *   WFT_COVERAGE_DECLARE(upcall_miss);		(in a header, to share it)
 *   WFT_COVERAGE_INC(upcall_miss);
 *
 * Bumps are relaxed atomic adds, so any thread may count. The rates come
 * from samples taken by wft_coverage_run() (weftd calls it every
 * WFT_COVERAGE_INTERVAL_MS from its event loop).
 */
#ifndef WEFT_COVERAGE_H
#define WEFT_COVERAGE_H

#include <stdint.h>

#include "weft/strbuf.h"

#define WFT_COVERAGE_INTERVAL_MS	5000
#define WFT_COVERAGE_MIN_SLOTS		12	/* 5 s samples: one minute */
#define WFT_COVERAGE_HR_SLOTS		60	/* 1 min samples: one hour */

struct wft_coverage_counter {
	const char *name;
	uint64_t total;			/* atomic */
	/* Sampling state, touched by wft_coverage_run() only. */
	uint64_t last_total;
	uint64_t last_min_total;
	uint64_t min[WFT_COVERAGE_MIN_SLOTS];	/* events per 5 s slot */
	uint64_t hr[WFT_COVERAGE_HR_SLOTS];	/* events per minute slot */
	struct wft_coverage_counter *next;
};

void wft_coverage_register(struct wft_coverage_counter *c);

#define WFT_COVERAGE_DEFINE(NAME)					\
	struct wft_coverage_counter wft_cov_##NAME = { .name = #NAME };	\
	__attribute__((constructor)) static void wft_cov_reg_##NAME(void) \
	{								\
		wft_coverage_register(&wft_cov_##NAME);			\
	}								\
	struct wft_coverage_dummy_##NAME

#define WFT_COVERAGE_DECLARE(NAME)					\
	extern struct wft_coverage_counter wft_cov_##NAME

#define WFT_COVERAGE_ADD(NAME, N)					\
	__atomic_fetch_add(&wft_cov_##NAME.total, (N), __ATOMIC_RELAXED)
#define WFT_COVERAGE_INC(NAME)	WFT_COVERAGE_ADD(NAME, 1)

uint64_t wft_coverage_read(const struct wft_coverage_counter *c);
/* Finds a counter by name (exact); NULL when there is none. */
struct wft_coverage_counter *wft_coverage_find(const char *name);
/* Takes one 5-second sample; every 12th call closes a minute. */
void wft_coverage_run(void);
/* The coverage/show report. */
void wft_coverage_show(struct wft_strbuf *out);

#endif /* WEFT_COVERAGE_H */
