// SPDX-License-Identifier: GPL-2.0
/*
 * udpif (include/weft/udpif.h): creating and stopping the handler threads
 * and the revalidator, the revalidator's schedule (kicks, purges, waits),
 * and upcall/show.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "udpif_priv.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(udpif);

static long long real_now(void *aux)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long wft_udpif_now(const struct wft_udpif *u)
{
	return u->clock(u->clock_aux);
}

struct wft_udpif *wft_udpif_create(struct wft_backer *backer,
				   const struct wft_dpif_ops *ops, void *ctx,
				   uint32_t dp_ifindex)
{
	struct wft_udpif *u = wft_xcalloc(1, sizeof(*u));
	pthread_condattr_t attr;

	u->backer = backer;
	u->ops = ops;
	u->ctx = ctx;
	u->dp = dp_ifindex;
	u->clock = real_now;
	wft_ukeys_init(u);
	atomic_store(&u->flow_limit, WFT_UDPIF_FLOW_LIMIT);
	atomic_store(&u->flow_limit_cfg, WFT_UDPIF_FLOW_LIMIT);
	atomic_store(&u->max_idle_ms, WFT_UDPIF_MAX_IDLE_MS);
	atomic_store(&u->revalidate_ms, WFT_UDPIF_REVALIDATE_MS);
	pthread_mutex_init(&u->mutex, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&u->cond, &attr);
	pthread_cond_init(&u->done_cond, &attr);
	pthread_condattr_destroy(&attr);
	u->exit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	u->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	wft_ofproto_xlate_init(&u->rx);
	wft_dpif_flow_init(&u->dumped);
	return u;
}

void wft_udpif_set_clock(struct wft_udpif *u, wft_udpif_clock_fn *fn,
			 void *aux)
{
	u->clock = fn ? fn : real_now;
	u->clock_aux = aux;
}

void wft_udpif_set_packet_in(struct wft_udpif *u, wft_packet_in_cb *cb,
			     void *aux)
{
	u->pin_cb = cb;
	u->pin_aux = aux;
}

/* Handlers. */

static void counters_add(struct handler_counters *to,
			 struct handler_counters *from)
{
#define ADD(f) atomic_fetch_add(&to->f, atomic_load(&from->f))
	ADD(n_upcalls);
	ADD(n_installed);
	ADD(n_duplicates);
	ADD(n_over_limit);
	ADD(n_errors);
	ADD(n_packet_ins);
	ADD(n_stale);
	ADD(n_batches);
#undef ADD
}

static void handlers_stop(struct wft_udpif *u)
{
	struct handler *h;
	unsigned int i;

	if (!u->n_handlers)
		return;
	atomic_store(&u->handlers_exit, true);
	if (write(u->exit_fd, &(uint64_t){ 1 }, 8) < 0)
		wft_warn("stopping handlers: %s", strerror(errno));
	for (i = 0; i < u->n_handlers; i++) {
		h = &u->handlers[i];
		if (h->started)
			pthread_join(h->thread, NULL);
		counters_add(&u->old, &h->c);
		if (h->sock)
			u->ops->upcall_close(h->sock);
		if (h->chan)
			u->ops->chan_close(h->chan);
		wft_ofproto_xlate_uninit(&h->x);
	}
	/* Drain the eventfd for the next start. */
	if (read(u->exit_fd, &(uint64_t){ 0 }, 8) < 0 && errno != EAGAIN)
		wft_warn("stopping handlers: %s", strerror(errno));
	atomic_store(&u->handlers_exit, false);
	free(u->handlers);
	u->handlers = NULL;
	u->n_handlers = 0;
}

static int set_pids(struct wft_udpif *u, struct wft_strbuf *err)
{
	uint32_t *pids = wft_xcalloc(u->n_cpus + 1, sizeof(*pids));
	unsigned int i;
	int ret;

	for (i = 0; i < u->n_cpus && u->n_handlers; i++)
		pids[i] = u->ops->upcall_portid(u->handlers[i %
						u->n_handlers].sock);
	ret = u->ops->set_upcall_pids(u->main_chan, u->dp, pids,
				      u->n_handlers ? u->n_cpus : 0);
	if (ret && err)
		wft_strbuf_printf(err, "registering upcall sockets: %s",
				  u->ops->chan_error(u->main_chan));
	free(pids);
	return ret;
}

static int handler_open(struct wft_udpif *u, struct handler *h,
			struct wft_strbuf *err)
{
	char why[256];
	int ret;

	h->u = u;
	wft_ofproto_xlate_init(&h->x);
	ret = u->ops->upcall_open(u->ctx, &h->sock, why, sizeof(why));
	if (!ret)
		ret = u->ops->chan_open(u->ctx, &h->chan, why, sizeof(why));
	if (!ret)
		h->put_executes = u->ops->batch_put && u->ops->put_executes &&
				  u->ops->put_executes(h->chan);
	/* As the revalidator's (udpif_start()): their UFIDs must agree. */
	h->x.want_compact = u->rx.want_compact;
	if (!ret)
		ret = -pthread_create(&h->thread, NULL, wft_handler_main, h);
	if (ret) {
		wft_strbuf_printf(err, "handler %u: %s", h->index,
				  ret == -EAGAIN ? "no thread" : why);
		return ret;
	}
	h->started = true;
	return 0;
}

static int handlers_start(struct wft_udpif *u, unsigned int n,
			  struct wft_strbuf *err)
{
	unsigned int i;
	int ret = 0;

	u->handlers = wft_xcalloc(n, sizeof(*u->handlers));
	u->n_handlers = n;
	for (i = 0; i < n && !ret; i++) {
		u->handlers[i].index = i;
		ret = handler_open(u, &u->handlers[i], err);
	}
	if (!ret)
		ret = set_pids(u, err);
	if (ret)
		handlers_stop(u);
	return ret;
}

/* The revalidator. */

static int revalidator_start(struct wft_udpif *u, struct wft_strbuf *err)
{
	char why[256];
	int ret;

	ret = u->ops->chan_open(u->ctx, &u->dump_chan, why, sizeof(why));
	if (!ret)
		ret = u->ops->chan_open(u->ctx, &u->op_chan, why, sizeof(why));
	/* Compact megaflows when the module takes them; the handlers
	 * follow (handler_open()). */
	if (!ret)
		u->rx.want_compact = u->ops->key_compact &&
				     u->ops->key_compact(u->op_chan);
	if (!ret)
		ret = -pthread_create(&u->reval_thread, NULL,
				      wft_revalidator_main, u);
	if (ret) {
		wft_strbuf_printf(err, "revalidator: %s",
				  ret == -EAGAIN ? "no thread" : why);
		return ret;
	}
	u->reval_running = true;
	return 0;
}

static void revalidator_stop(struct wft_udpif *u)
{
	if (u->reval_running) {
		pthread_mutex_lock(&u->mutex);
		u->exiting = true;
		pthread_cond_broadcast(&u->cond);
		pthread_mutex_unlock(&u->mutex);
		pthread_join(u->reval_thread, NULL);
		u->reval_running = false;
		u->exiting = false;
	}
	if (u->dump_chan)
		u->ops->chan_close(u->dump_chan);
	if (u->op_chan)
		u->ops->chan_close(u->op_chan);
	u->dump_chan = u->op_chan = NULL;
}

static void apply_settings(struct wft_udpif *u,
			   const struct wft_udpif_config *cfg)
{
	size_t limit = cfg->flow_limit ? cfg->flow_limit
				       : WFT_UDPIF_FLOW_LIMIT;
	bool was_waiting = atomic_load(&u->restore_wait);

	if (limit != atomic_load(&u->flow_limit_cfg)) {
		atomic_store(&u->flow_limit_cfg, limit);
		atomic_store(&u->flow_limit, limit);
	}
	atomic_store(&u->max_idle_ms, cfg->max_idle_ms ? cfg->max_idle_ms
						       : WFT_UDPIF_MAX_IDLE_MS);
	atomic_store(&u->revalidate_ms, cfg->revalidate_ms ?
		     cfg->revalidate_ms : WFT_UDPIF_REVALIDATE_MS);
	atomic_store(&u->restore_wait, cfg->flow_restore_wait);
	atomic_store(&u->no_put_execute, cfg->no_put_execute);
	if (was_waiting && !cfg->flow_restore_wait)
		wft_udpif_kick(u);
}

static unsigned int n_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (unsigned int)n : 1;
}

int wft_udpif_start(struct wft_udpif *u, const struct wft_udpif_config *cfg,
		    struct wft_strbuf *err)
{
	unsigned int n;
	char why[256];
	int ret;

	apply_settings(u, cfg);
	u->n_cpus = cfg->n_cpus ? cfg->n_cpus : n_cpus();
	n = cfg->n_handlers ? cfg->n_handlers : n_cpus();
	if (n > WFT_UDPIF_MAX_HANDLERS)
		n = WFT_UDPIF_MAX_HANDLERS;
	if (!u->main_chan &&
	    (ret = u->ops->chan_open(u->ctx, &u->main_chan, why,
				     sizeof(why)))) {
		wft_strbuf_printf(err, "datapath: %s", why);
		return ret;
	}
	if (!u->reval_running && (ret = revalidator_start(u, err)))
		return ret;
	if (n == u->n_handlers)
		return 0;
	handlers_stop(u);
	ret = handlers_start(u, n, err);
	if (!ret)
		wft_info("%u upcall handler%s on %u CPU%s", n, n > 1 ? "s" : "",
			 u->n_cpus, u->n_cpus > 1 ? "s" : "");
	return ret;
}

void wft_udpif_stop(struct wft_udpif *u)
{
	if (u->n_handlers) {
		handlers_stop(u);
		set_pids(u, NULL);	/* misses are lost until next time */
	}
	revalidator_stop(u);
}

void wft_udpif_destroy(struct wft_udpif *u)
{
	if (!u)
		return;
	wft_udpif_stop(u);
	if (u->main_chan)
		u->ops->chan_close(u->main_chan);
	wft_ukeys_destroy(u);
	wft_ofproto_xlate_uninit(&u->rx);
	wft_dpif_flow_uninit(&u->dumped);
	close(u->exit_fd);
	close(u->notify_fd);
	pthread_cond_destroy(&u->cond);
	pthread_cond_destroy(&u->done_cond);
	pthread_mutex_destroy(&u->mutex);
	free(u);
}

/* The schedule. */

void wft_udpif_kick(struct wft_udpif *u)
{
	pthread_mutex_lock(&u->mutex);
	u->kicked = true;
	pthread_cond_signal(&u->cond);
	pthread_mutex_unlock(&u->mutex);
}

void wft_udpif_purge(struct wft_udpif *u)
{
	pthread_mutex_lock(&u->mutex);
	u->purge = true;
	pthread_mutex_unlock(&u->mutex);
}

uint64_t wft_udpif_ticket(struct wft_udpif *u)
{
	uint64_t t;

	pthread_mutex_lock(&u->mutex);
	t = u->started + 1;
	u->kicked = true;
	pthread_cond_signal(&u->cond);
	pthread_mutex_unlock(&u->mutex);
	return t;
}

uint64_t wft_udpif_done(struct wft_udpif *u)
{
	uint64_t d;

	pthread_mutex_lock(&u->mutex);
	d = u->done;
	pthread_mutex_unlock(&u->mutex);
	return d;
}

int wft_udpif_notify_fd(const struct wft_udpif *u)
{
	return u->notify_fd;
}

void wft_udpif_notify_clear(struct wft_udpif *u)
{
	uint64_t v;

	if (read(u->notify_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		wft_dbg("notify: %s", strerror(errno));
}

int wft_udpif_wait(struct wft_udpif *u, unsigned int timeout_ms)
{
	uint64_t t = wft_udpif_ticket(u);
	struct timespec deadline;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&u->mutex);
	while (u->done < t && !ret)
		ret = pthread_cond_timedwait(&u->done_cond, &u->mutex,
					     &deadline);
	pthread_mutex_unlock(&u->mutex);
	return u->done >= t ? 0 : -ETIMEDOUT;
}

/* The main thread's views of the datapath. */

int wft_udpif_dp_stats(struct wft_udpif *u, struct wft_dp_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	return u->main_chan ? u->ops->dp_stats(u->main_chan, u->dp, stats)
			    : -ENOTCONN;
}

int wft_udpif_dump(struct wft_udpif *u,
		   void (*cb)(const struct wft_dpif_flow *flow, void *aux),
		   void *aux)
{
	struct wft_dpif_flow f;
	void *dump;
	int ret;

	if (!u->main_chan)
		return -ENOTCONN;
	ret = u->ops->dump_start(u->main_chan, u->dp, false, &dump);
	if (ret)
		return ret;
	wft_dpif_flow_init(&f);
	while ((ret = u->ops->dump_next(dump, &f)) == 1)
		cb(&f, aux);
	wft_dpif_flow_uninit(&f);
	ret = u->ops->dump_done(dump);
	return ret == -EAGAIN ? 0 : ret;
}
