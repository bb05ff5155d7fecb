// SPDX-License-Identifier: GPL-2.0
/* Event counters and their rates (see include/weft/coverage.h). */
#include <pthread.h>
#include <string.h>

#include "weft/coverage.h"

/* Guards the registry and the sampling state; the totals are atomic. */
static pthread_mutex_t cov_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wft_coverage_counter *counters;
static unsigned int n_samples;		/* wft_coverage_run() calls */

void wft_coverage_register(struct wft_coverage_counter *c)
{
	struct wft_coverage_counter **p;

	pthread_mutex_lock(&cov_lock);
	for (p = &counters; *p && strcmp((*p)->name, c->name) < 0;
	     p = &(*p)->next)
		;
	c->next = *p;
	*p = c;
	pthread_mutex_unlock(&cov_lock);
}

uint64_t wft_coverage_read(const struct wft_coverage_counter *c)
{
	return __atomic_load_n(&c->total, __ATOMIC_RELAXED);
}

struct wft_coverage_counter *wft_coverage_find(const char *name)
{
	struct wft_coverage_counter *c;

	pthread_mutex_lock(&cov_lock);
	for (c = counters; c; c = c->next)
		if (!strcmp(c->name, name))
			break;
	pthread_mutex_unlock(&cov_lock);
	return c;
}

void wft_coverage_run(void)
{
	struct wft_coverage_counter *c;
	unsigned int slot, i;
	uint64_t now, sum;

	pthread_mutex_lock(&cov_lock);
	slot = n_samples % WFT_COVERAGE_MIN_SLOTS;
	for (c = counters; c; c = c->next) {
		now = wft_coverage_read(c);
		c->min[slot] = now - c->last_total;
		c->last_total = now;
		if (slot != WFT_COVERAGE_MIN_SLOTS - 1)
			continue;
		/* A minute is complete: fold it into the hour. */
		for (sum = 0, i = 0; i < WFT_COVERAGE_MIN_SLOTS; i++)
			sum += c->min[i];
		c->hr[(n_samples / WFT_COVERAGE_MIN_SLOTS) %
		      WFT_COVERAGE_HR_SLOTS] = sum;
	}
	n_samples++;
	pthread_mutex_unlock(&cov_lock);
}

static void show_one(struct wft_strbuf *out,
		     const struct wft_coverage_counter *c, unsigned int last)
{
	uint64_t min = 0, hr = 0;
	unsigned int i;

	for (i = 0; i < WFT_COVERAGE_MIN_SLOTS; i++)
		min += c->min[i];
	for (i = 0; i < WFT_COVERAGE_HR_SLOTS; i++)
		hr += c->hr[i];
	wft_strbuf_printf(out, "%-24s %5.1f/sec %9.3f/sec %13.4f/sec"
			  "   total: %llu\n", c->name,
			  c->min[last] / (WFT_COVERAGE_INTERVAL_MS / 1000.0),
			  min / 60.0, hr / 3600.0,
			  (unsigned long long)wft_coverage_read(c));
}

void wft_coverage_show(struct wft_strbuf *out)
{
	struct wft_coverage_counter *c;
	unsigned int never = 0, last;

	pthread_mutex_lock(&cov_lock);
	last = (n_samples + WFT_COVERAGE_MIN_SLOTS - 1) %
	       WFT_COVERAGE_MIN_SLOTS;
	wft_strbuf_puts(out, "Event coverage, avg rate over last: "
			     "5 seconds, last minute, last hour:\n");
	for (c = counters; c; c = c->next) {
		if (!wft_coverage_read(c)) {
			never++;
			continue;
		}
		show_one(out, c, last);
	}
	pthread_mutex_unlock(&cov_lock);
	wft_strbuf_printf(out, "%u events never hit\n", never);
}
