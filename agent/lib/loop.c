// SPDX-License-Identifier: GPL-2.0
/* The event loop: epoll, timers, signalfd (see include/weft/loop.h). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "weft/loop.h"

#define MAX_EVENTS	64
#define MAX_SIGNALS	65

struct wft_watch {
	struct wft_loop *loop;
	int fd;
	uint32_t events;
	wft_watch_cb *cb;
	void *aux;
	bool dead;
	struct wft_watch *next;		/* loop->watches or loop->dead */
};

struct wft_timer {
	struct wft_loop *loop;
	uint64_t deadline;
	uint64_t period;		/* 0: one-shot */
	wft_timer_cb *cb;
	void *aux;
	bool linked;			/* in loop->timers */
	bool dead;
	struct wft_timer *next;
};

struct signal_handler {
	wft_signal_cb *cb;
	void *aux;
};

struct wft_loop {
	int epfd;
	struct wft_watch *watches;
	struct wft_watch *dead_watches;	/* freed after the round */
	struct wft_timer *timers;	/* sorted by deadline */
	struct wft_timer *dead_timers;
	int sigfd;
	sigset_t sigmask;
	struct wft_watch *sigwatch;
	struct signal_handler signals[MAX_SIGNALS];
	bool quit;
	int status;
};

uint64_t wft_loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int wft_loop_new(struct wft_loop **loopp)
{
	struct wft_loop *loop = calloc(1, sizeof(*loop));

	*loopp = NULL;
	if (!loop)
		return -ENOMEM;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return -errno;
	}
	loop->sigfd = -1;
	sigemptyset(&loop->sigmask);
	*loopp = loop;
	return 0;
}

static void reap(struct wft_loop *loop)
{
	struct wft_watch *w;
	struct wft_timer *t;

	while ((w = loop->dead_watches)) {
		loop->dead_watches = w->next;
		free(w);
	}
	while ((t = loop->dead_timers)) {
		loop->dead_timers = t->next;
		free(t);
	}
}

void wft_loop_free(struct wft_loop *loop)
{
	if (!loop)
		return;
	while (loop->watches)
		wft_watch_remove(loop->watches);
	while (loop->timers)
		wft_timer_cancel(loop->timers);
	reap(loop);
	if (loop->sigfd >= 0) {
		pthread_sigmask(SIG_UNBLOCK, &loop->sigmask, NULL);
		close(loop->sigfd);
	}
	close(loop->epfd);
	free(loop);
}

int wft_loop_watch(struct wft_loop *loop, int fd, uint32_t events,
		   wft_watch_cb *cb, void *aux, struct wft_watch **wp)
{
	struct epoll_event ev = { .events = events };
	struct wft_watch *w = calloc(1, sizeof(*w));

	if (wp)
		*wp = NULL;
	if (!w)
		return -ENOMEM;
	ev.data.ptr = w;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		free(w);
		return -errno;
	}
	w->loop = loop;
	w->fd = fd;
	w->events = events;
	w->cb = cb;
	w->aux = aux;
	w->next = loop->watches;
	loop->watches = w;
	if (wp)
		*wp = w;
	return 0;
}

int wft_watch_modify(struct wft_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (w->events == events)
		return 0;
	if (epoll_ctl(w->loop->epfd, EPOLL_CTL_MOD, w->fd, &ev))
		return -errno;
	w->events = events;
	return 0;
}

uint32_t wft_watch_events(const struct wft_watch *w)
{
	return w->events;
}

void wft_watch_remove(struct wft_watch *w)
{
	struct wft_loop *loop;
	struct wft_watch **p;

	if (!w || w->dead)
		return;
	loop = w->loop;
	/* The descriptor may be closed already; then epoll dropped it. */
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	for (p = &loop->watches; *p != w; p = &(*p)->next)
		;
	*p = w->next;
	w->dead = true;
	w->next = loop->dead_watches;
	loop->dead_watches = w;
}

static void timer_link(struct wft_timer *t)
{
	struct wft_timer **p;

	for (p = &t->loop->timers; *p && (*p)->deadline <= t->deadline;
	     p = &(*p)->next)
		;
	t->next = *p;
	*p = t;
	t->linked = true;
}

static void timer_unlink(struct wft_timer *t)
{
	struct wft_timer **p;

	if (!t->linked)
		return;
	for (p = &t->loop->timers; *p != t; p = &(*p)->next)
		;
	*p = t->next;
	t->linked = false;
}

struct wft_timer *wft_loop_timer(struct wft_loop *loop, uint64_t ms,
				 bool periodic, wft_timer_cb *cb, void *aux)
{
	struct wft_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->loop = loop;
	t->deadline = wft_loop_now() + ms;
	t->period = periodic ? (ms ? ms : 1) : 0;
	t->cb = cb;
	t->aux = aux;
	timer_link(t);
	return t;
}

void wft_timer_rearm(struct wft_timer *t, uint64_t ms)
{
	if (t->dead)
		return;
	timer_unlink(t);
	t->deadline = wft_loop_now() + ms;
	timer_link(t);
}

void wft_timer_cancel(struct wft_timer *t)
{
	if (!t || t->dead)
		return;
	timer_unlink(t);
	t->dead = true;
	t->next = t->loop->dead_timers;
	t->loop->dead_timers = t;
}

static void on_signalfd(struct wft_watch *w, int fd, uint32_t events,
			void *aux)
{
	struct wft_loop *loop = aux;
	struct signalfd_siginfo si;
	struct signal_handler *h;

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo >= MAX_SIGNALS)
			continue;
		h = &loop->signals[si.ssi_signo];
		if (h->cb)
			h->cb(loop, si.ssi_signo, h->aux);
	}
}

int wft_loop_signal(struct wft_loop *loop, int signo, wft_signal_cb *cb,
		    void *aux)
{
	int fd, ret;

	if (signo <= 0 || signo >= MAX_SIGNALS)
		return -EINVAL;
	sigaddset(&loop->sigmask, signo);
	/* Threads started later inherit the mask: only the loop sees it. */
	ret = pthread_sigmask(SIG_BLOCK, &loop->sigmask, NULL);
	if (ret)
		return -ret;
	fd = signalfd(loop->sigfd, &loop->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (loop->sigfd < 0) {
		loop->sigfd = fd;
		ret = wft_loop_watch(loop, fd, EPOLLIN, on_signalfd, loop,
				     &loop->sigwatch);
		if (ret)
			return ret;
	}
	loop->signals[signo].cb = cb;
	loop->signals[signo].aux = aux;
	return 0;
}

/* Runs the timers that are due; returns how many. */
static int run_timers(struct wft_loop *loop)
{
	uint64_t now = wft_loop_now();
	struct wft_timer *t;
	int n = 0;

	while ((t = loop->timers) && t->deadline <= now && !loop->quit) {
		timer_unlink(t);
		if (t->period) {
			t->deadline += t->period;
			if (t->deadline <= now)	/* we fell behind */
				t->deadline = now + t->period;
			timer_link(t);
		}
		t->cb(t, t->aux);
		n++;
		/* A one-shot timer not re-armed by its callback is done. */
		if (!t->dead && !t->linked)
			wft_timer_cancel(t);
	}
	return n;
}

static int wait_ms(const struct wft_loop *loop, int timeout_ms)
{
	uint64_t now, left;

	if (!loop->timers)
		return timeout_ms;
	now = wft_loop_now();
	left = loop->timers->deadline > now ? loop->timers->deadline - now : 0;
	if (left > 1 << 30)
		left = 1 << 30;
	if (timeout_ms < 0 || (uint64_t)timeout_ms > left)
		return (int)left;
	return timeout_ms;
}

int wft_loop_run_once(struct wft_loop *loop, int timeout_ms)
{
	struct epoll_event evs[MAX_EVENTS];
	struct wft_watch *w;
	int i, n, ran;

	n = epoll_wait(loop->epfd, evs, MAX_EVENTS, wait_ms(loop, timeout_ms));
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	ran = n;
	for (i = 0; i < n; i++) {
		w = evs[i].data.ptr;
		if (!w->dead)
			w->cb(w, w->fd, evs[i].events, w->aux);
	}
	ran += run_timers(loop);
	reap(loop);
	return ran;
}

int wft_loop_run(struct wft_loop *loop)
{
	int ret;

	while (!loop->quit) {
		ret = wft_loop_run_once(loop, -1);
		if (ret < 0)
			return ret;
	}
	return loop->status;
}

void wft_loop_quit(struct wft_loop *loop, int status)
{
	loop->quit = true;
	loop->status = status;
}

bool wft_loop_quitting(const struct wft_loop *loop)
{
	return loop->quit;
}
