// SPDX-License-Identifier: GPL-2.0
/*
 * weftd's core (see include/weft/daemon.h): ordered component start and
 * stop, the configuration in force and its subscribers, bounded shutdown.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "weft/daemon.h"
#include "weft/heap.h"
#include "weft/util.h"
#include "weft/vlog.h"

#include "daemon_priv.h"

WFT_LOG_MODULE(daemon);

#define DRAIN_POLL_MS	10
/* How often the heap is checked for freed memory to give back: a burst's
 * leftovers go within seconds, and the check (a walk of the arenas' free
 * lists) stays rare. */
#define HEAP_TRIM_MS	5000

struct subscriber {
	wft_conf_changed_cb *cb;
	void *aux;
	struct subscriber *next;
};

struct exit_hook {
	wft_daemon_exit_cb *cb;
	void *aux;
	struct exit_hook *next;
};

struct slot {
	const struct wft_component *comp;
	void *state;
};

struct wft_daemon {
	struct wft_daemon_config cfg;
	struct wft_loop *loop;
	struct wft_control *control;
	struct wft_conf *conf;
	struct subscriber *subscribers;
	struct slot *slots;		/* the components started */
	size_t n_slots;
	struct exit_hook *exit_hooks;
	unsigned int exit_holds;	/* components still finishing work */
	bool exiting;
	bool restart;
	int exit_status;
	uint64_t drain_deadline;
	struct wft_timer *drain_timer;
	struct wft_timer *trim_timer;
};

struct wft_loop *wft_daemon_loop(const struct wft_daemon *d)
{
	return d->loop;
}

struct wft_control *wft_daemon_control(const struct wft_daemon *d)
{
	return d->control;
}

const struct wft_daemon_config *wft_daemon_config(const struct wft_daemon *d)
{
	return &d->cfg;
}

void *wft_daemon_component(const struct wft_daemon *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_slots; i++)
		if (!strcmp(d->slots[i].comp->name, name))
			return d->slots[i].state;
	return NULL;
}

/* The configuration. */

struct wft_conf *wft_daemon_conf(const struct wft_daemon *d)
{
	return d->conf;
}

static void notify(struct wft_daemon *d)
{
	struct subscriber *s, *next;

	for (s = d->subscribers; s; s = next) {
		next = s->next;
		s->cb(d, s->aux);
	}
}

void wft_daemon_conf_install(struct wft_daemon *d, struct wft_conf *conf)
{
	wft_conf_free(d->conf);
	d->conf = conf;
}

int wft_daemon_conf_commit(struct wft_daemon *d, struct wft_conf *conf,
			   struct wft_strbuf *err)
{
	int ret = wft_conf_save(conf, d->cfg.conf_path, err);

	if (ret) {
		wft_err("%s", wft_strbuf_cstr(err));
		wft_conf_free(conf);
		return ret;
	}
	wft_conf_free(d->conf);
	d->conf = conf;
	notify(d);
	return 0;
}

void wft_daemon_conf_subscribe(struct wft_daemon *d, wft_conf_changed_cb *cb,
			       void *aux)
{
	struct subscriber *s = wft_xcalloc(1, sizeof(*s)), **p;

	s->cb = cb;
	s->aux = aux;
	for (p = &d->subscribers; *p; p = &(*p)->next)
		;
	*p = s;
	cb(d, aux);
}

void wft_daemon_conf_unsubscribe(struct wft_daemon *d,
				 wft_conf_changed_cb *cb, void *aux)
{
	struct subscriber **p, *s;

	for (p = &d->subscribers; (s = *p); p = &s->next)
		if (s->cb == cb && s->aux == aux) {
			*p = s->next;
			free(s);
			return;
		}
}

/* Shutdown. */

static void on_drain(struct wft_timer *t, void *aux)
{
	struct wft_daemon *d = aux;

	if (!d->exit_holds && wft_control_flushed(d->control)) {
		wft_loop_quit(d->loop, d->exit_status);
		return;
	}
	if (wft_loop_now() >= d->drain_deadline) {
		if (d->exit_holds)
			wft_warn("exiting with %u components unfinished",
				 d->exit_holds);
		else
			wft_warn("exiting with output for %u clients unsent",
				 wft_control_n_clients(d->control));
		wft_loop_quit(d->loop, d->exit_status);
	}
}

void wft_daemon_on_exit(struct wft_daemon *d, wft_daemon_exit_cb *cb,
			void *aux)
{
	struct exit_hook *h = wft_xcalloc(1, sizeof(*h));

	h->cb = cb;
	h->aux = aux;
	h->next = d->exit_hooks;
	d->exit_hooks = h;
}

void wft_daemon_on_exit_remove(struct wft_daemon *d, wft_daemon_exit_cb *cb,
			       void *aux)
{
	struct exit_hook **p, *h;

	for (p = &d->exit_hooks; (h = *p); p = &h->next)
		if (h->cb == cb && h->aux == aux) {
			*p = h->next;
			free(h);
			return;
		}
}

void wft_daemon_exit_hold(struct wft_daemon *d)
{
	d->exit_holds++;
}

void wft_daemon_exit_release(struct wft_daemon *d)
{
	if (d->exit_holds)
		d->exit_holds--;
}

bool wft_daemon_exit_restart(const struct wft_daemon *d)
{
	return d->restart;
}

void wft_daemon_request_exit(struct wft_daemon *d, int status)
{
	wft_daemon_request_exit_ex(d, status, true);
}

void wft_daemon_request_exit_ex(struct wft_daemon *d, int status,
				bool restart)
{
	struct exit_hook *h, *next;

	if (d->exiting) {
		wft_info("second exit request: exiting now");
		wft_loop_quit(d->loop, status);
		return;
	}
	wft_info("exiting");
	d->exiting = true;
	d->restart = restart;
	d->exit_status = status;
	wft_control_stop_accepting(d->control);
	d->drain_deadline = wft_loop_now() + d->cfg.shutdown_ms;
	/* Components may hold the exit while they finish (the OVN chassis
	 * releasing its ports), within the same deadline. */
	for (h = d->exit_hooks; h; h = next) {
		next = h->next;
		h->cb(d, restart, h->aux);
	}
	d->drain_timer = wft_loop_timer(d->loop, DRAIN_POLL_MS, true, on_drain,
					d);
	if (!d->drain_timer)
		wft_loop_quit(d->loop, status);
}

static void on_trim(struct wft_timer *t, void *aux)
{
	(void)t;
	(void)aux;
	wft_heap_trim(WFT_HEAP_TRIM_MIN);
}

bool wft_daemon_exiting(const struct wft_daemon *d)
{
	return d->exiting;
}

static void on_signal(struct wft_loop *loop, int signo, void *aux)
{
	struct wft_daemon *d = aux;

	if (signo == SIGHUP) {
		wft_info("SIGHUP ignored (the configuration changes through "
			 "weft-vsctl)");
		return;
	}
	wft_daemon_request_exit(d, 0);
}

/* Start and stop. */

static void stop_components(struct wft_daemon *d)
{
	const struct wft_component *c;

	while (d->n_slots) {
		c = d->slots[--d->n_slots].comp;
		wft_dbg("stopping %s", c->name);
		if (c->exit)
			c->exit(d, d->slots[d->n_slots].state);
	}
}

static int start_components(struct wft_daemon *d,
			    const struct wft_component *const *comps, size_t n,
			    struct wft_strbuf *err)
{
	size_t i;
	int ret;

	d->slots = wft_xcalloc(n + 1, sizeof(*d->slots));
	for (i = 0; i < n; i++) {
		d->slots[i].comp = comps[i];
		ret = comps[i]->init ? comps[i]->init(d, &d->slots[i].state,
						      err) : 0;
		if (ret) {
			wft_err("%s: %s", comps[i]->name,
				wft_strbuf_cstr(err));
			stop_components(d);
			return ret;
		}
		d->n_slots++;
		wft_dbg("started %s", comps[i]->name);
	}
	return 0;
}

static int setup_signals(struct wft_daemon *d, struct wft_strbuf *err)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	size_t i;
	int ret;

	for (i = 0; i < WFT_ARRAY_SIZE(sigs); i++) {
		ret = wft_loop_signal(d->loop, sigs[i], on_signal, d);
		if (ret) {
			wft_strbuf_printf(err, "signalfd: %s", strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int wft_daemon_start(const struct wft_daemon_config *cfg,
		     const struct wft_component *const *components, size_t n,
		     struct wft_daemon **dp, struct wft_strbuf *err)
{
	struct wft_daemon *d = wft_xcalloc(1, sizeof(*d));
	int ret;

	*dp = NULL;
	d->cfg = *cfg;
	if (!d->cfg.socket_path)
		d->cfg.socket_path = WFT_DEFAULT_SOCKET;
	if (!d->cfg.conf_path)
		d->cfg.conf_path = WFT_DEFAULT_CONF;
	if (!d->cfg.shutdown_ms)
		d->cfg.shutdown_ms = 3000;
	if (!d->cfg.version)
		d->cfg.version = "unknown";
	ret = wft_loop_new(&d->loop);
	if (ret) {
		wft_strbuf_printf(err, "epoll: %s", strerror(-ret));
		free(d);
		return ret;
	}
	d->control = wft_control_new(d->loop, &d->cfg.limits);
	d->conf = wft_conf_new(cfg->uuid_gen, cfg->uuid_aux);
	ret = cfg->handle_signals ? setup_signals(d, err) : 0;
	if (!ret)
		ret = start_components(d, components, n, err);
	if (ret) {
		wft_daemon_stop(d);
		return ret;
	}
	d->trim_timer = wft_loop_timer(d->loop, HEAP_TRIM_MS, true, on_trim,
				       d);
	*dp = d;
	return 0;
}

int wft_daemon_run(struct wft_daemon *d)
{
	return wft_loop_run(d->loop);
}

void wft_daemon_stop(struct wft_daemon *d)
{
	struct subscriber *s;

	if (!d)
		return;
	stop_components(d);
	wft_control_close(d->control);
	wft_loop_free(d->loop);
	while ((s = d->subscribers)) {
		d->subscribers = s->next;
		free(s);
	}
	while (d->exit_hooks) {
		struct exit_hook *h = d->exit_hooks;

		d->exit_hooks = h->next;
		free(h);
	}
	wft_conf_free(d->conf);
	free(d->slots);
	free(d);
}
