/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weftd's event loop: one epoll set that owns every descriptor of the
 * daemon's main thread, one-shot and periodic timers on CLOCK_MONOTONIC, and
 * signals delivered through a signalfd (so handlers run in the loop, never
 * asynchronously).
 *
 * Lifetimes: a watch or timer may be removed from inside any callback, its
 * own included; the memory is released after the current dispatch round, so
 * an event already fetched for it is dropped, never delivered.
 *
 * Not thread-safe: use it from the thread that runs it. Other threads wake
 * it with a descriptor of their own (an eventfd) added as a watch.
 */
#ifndef WEFT_LOOP_H
#define WEFT_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

struct wft_loop;
struct wft_watch;
struct wft_timer;

typedef void wft_watch_cb(struct wft_watch *w, int fd, uint32_t events,
			  void *aux);
typedef void wft_timer_cb(struct wft_timer *t, void *aux);
typedef void wft_signal_cb(struct wft_loop *loop, int signo, void *aux);

int wft_loop_new(struct wft_loop **loopp);
/* Frees the loop and every watch and timer still registered (without
 * closing their descriptors). */
void wft_loop_free(struct wft_loop *loop);

/* Watches @fd for @events (EPOLLIN, EPOLLOUT...). Returns 0 or -errno. */
int wft_loop_watch(struct wft_loop *loop, int fd, uint32_t events,
		   wft_watch_cb *cb, void *aux, struct wft_watch **wp);
int wft_watch_modify(struct wft_watch *w, uint32_t events);
uint32_t wft_watch_events(const struct wft_watch *w);
/* Stops watching; does not close the descriptor. NULL is a no-op. */
void wft_watch_remove(struct wft_watch *w);

/* Fires once after @ms, or every @ms when @periodic. */
struct wft_timer *wft_loop_timer(struct wft_loop *loop, uint64_t ms,
				 bool periodic, wft_timer_cb *cb, void *aux);
/* Re-arms @t to fire @ms from now. */
void wft_timer_rearm(struct wft_timer *t, uint64_t ms);
/* NULL is a no-op. */
void wft_timer_cancel(struct wft_timer *t);

/*
 * Routes @signo to @cb: blocks it in this thread (and in the threads it
 * starts afterwards) and adds it to the loop's signalfd. Call it before
 * starting other threads. Returns 0 or -errno.
 */
int wft_loop_signal(struct wft_loop *loop, int signo, wft_signal_cb *cb,
		    void *aux);

/* Milliseconds of CLOCK_MONOTONIC. */
uint64_t wft_loop_now(void);

/*
 * Runs one round: waits up to @timeout_ms (-1: until something happens,
 * bounded by the next timer), then dispatches. Returns the number of
 * callbacks run, or -errno.
 */
int wft_loop_run_once(struct wft_loop *loop, int timeout_ms);
/* Runs rounds until wft_loop_quit(); returns the status given to it. */
int wft_loop_run(struct wft_loop *loop);
void wft_loop_quit(struct wft_loop *loop, int status);
bool wft_loop_quitting(const struct wft_loop *loop);

#endif /* WEFT_LOOP_H */
