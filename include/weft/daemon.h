/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weftd's core: the event loop, the control socket, the configuration, and
 * the components that plug into them, started in a declared order and
 * stopped in the reverse order.
 *
 * A component (the pipeline, the upcall handlers, the OVN glue...) is:
 *
 *   static int pipeline_init(struct wft_daemon *d, void **state,
 *			      struct wft_strbuf *err);
 *   static void pipeline_exit(struct wft_daemon *d, void *state);
 *   const struct wft_component wft_pipeline_component = {
 *	.name = "pipeline", .init = pipeline_init, .exit = pipeline_exit,
 *   };
 *
 * and is listed in agent/weftd/main.c. In init it may register control
 * methods (wft_control_register on wft_daemon_control()), watch
 * descriptors and arm timers on wft_daemon_loop(), subscribe to
 * configuration changes, start threads. Its exit must undo all that and
 * return promptly: shutdown is bounded in time.
 *
 * Everything runs in the loop's thread; threads of a component talk to it
 * through a descriptor (an eventfd) watched by the loop.
 */
#ifndef WEFT_DAEMON_H
#define WEFT_DAEMON_H

#include <stdbool.h>

#include "weft/conf.h"
#include "weft/control.h"
#include "weft/loop.h"
#include "weft/strbuf.h"

struct wft_daemon;
struct wft_dp_ops;

struct wft_component {
	const char *name;
	/* Returns 0, or -errno with the reason in @err (startup stops). */
	int (*init)(struct wft_daemon *d, void **state, struct wft_strbuf *err);
	void (*exit)(struct wft_daemon *d, void *state);
};

#define WFT_DEFAULT_SOCKET	"/run/weft/weftd.sock"
#define WFT_DEFAULT_CONF	"/var/lib/weft/conf.json"

struct wft_daemon_config {
	const char *socket_path;	/* NULL: WFT_DEFAULT_SOCKET */
	const char *conf_path;		/* NULL: WFT_DEFAULT_CONF */
	const struct wft_dp_ops *dp_ops; /* the datapath (bridge.h) */
	void *dp_ctx;
	struct wft_control_limits limits;
	unsigned int shutdown_ms;	/* drain time on exit; 0: 3000 */
	bool handle_signals;		/* SIGTERM/SIGINT/SIGHUP via signalfd */
	wft_uuid_gen *uuid_gen;		/* tests; NULL: random */
	void *uuid_aux;
	const char *version;		/* for `version` */
};

/*
 * Creates the loop and the control server, then initializes @components
 * in order. On failure the ones already initialized are exited again.
 */
int wft_daemon_start(const struct wft_daemon_config *cfg,
		     const struct wft_component *const *components, size_t n,
		     struct wft_daemon **dp, struct wft_strbuf *err);
/* Runs the loop until an exit is requested and drained; returns the
 * status given to wft_daemon_request_exit(). */
int wft_daemon_run(struct wft_daemon *d);
/* Exits the components in reverse order and frees everything. */
void wft_daemon_stop(struct wft_daemon *d);

/*
 * Asks for a graceful exit: no new clients, answers already queued are
 * sent, for at most shutdown_ms; a second request exits at once. Safe from
 * any callback of the loop.
 */
void wft_daemon_request_exit(struct wft_daemon *d, int status);
bool wft_daemon_exiting(const struct wft_daemon *d);
/*
 * The same, saying whether the node comes back (@restart: an upgrade, or
 * a signal; state kept in other systems, such as the OVN chassis' rows,
 * stays) or leaves for good (`weft-appctl exit`: the chassis releases its
 * ports and deletes its rows). wft_daemon_request_exit() means restart.
 */
void wft_daemon_request_exit_ex(struct wft_daemon *d, int status,
				bool restart);
bool wft_daemon_exit_restart(const struct wft_daemon *d);
/* Called at the exit request. A hook that has work to finish on the loop
 * (a transaction) holds the exit and releases it when done; the drain
 * deadline (shutdown_ms) bounds the wait either way. */
typedef void wft_daemon_exit_cb(struct wft_daemon *d, bool restart,
				void *aux);
void wft_daemon_on_exit(struct wft_daemon *d, wft_daemon_exit_cb *cb,
			void *aux);
void wft_daemon_on_exit_remove(struct wft_daemon *d, wft_daemon_exit_cb *cb,
			       void *aux);
void wft_daemon_exit_hold(struct wft_daemon *d);
void wft_daemon_exit_release(struct wft_daemon *d);

struct wft_loop *wft_daemon_loop(const struct wft_daemon *d);
struct wft_control *wft_daemon_control(const struct wft_daemon *d);
const struct wft_daemon_config *wft_daemon_config(const struct wft_daemon *d);
/* The state a component's init stored, by component name; NULL if none. */
void *wft_daemon_component(const struct wft_daemon *d, const char *name);

/*
 * The configuration in force. Components read it, and write only runtime
 * columns (ofport, error, status...): changes to the rest go through
 * wft_daemon_conf_commit().
 */
struct wft_conf *wft_daemon_conf(const struct wft_daemon *d);
/*
 * Makes @conf (taken over) the configuration: saves it to conf.json first
 * (atomically), then tells every subscriber. On a save error @conf is
 * freed, nothing changes, and @err says why.
 */
int wft_daemon_conf_commit(struct wft_daemon *d, struct wft_conf *conf,
			   struct wft_strbuf *err);

typedef void wft_conf_changed_cb(struct wft_daemon *d, void *aux);
/* @cb runs after every commit, and once more when it is first added
 * after the configuration was loaded. */
void wft_daemon_conf_subscribe(struct wft_daemon *d, wft_conf_changed_cb *cb,
			       void *aux);
void wft_daemon_conf_unsubscribe(struct wft_daemon *d,
				 wft_conf_changed_cb *cb, void *aux);

/* The components weft's library provides (agent/lib). */
extern const struct wft_component wft_appctl_component;	/* builtins */
extern const struct wft_component wft_conf_component;	/* vsctl/ */
extern const struct wft_component wft_bridge_component;	/* datapaths */
extern const struct wft_component wft_listen_component;	/* socket */
extern const struct wft_component wft_ovn_component;	/* OVN chassis */

#endif /* WEFT_DAEMON_H */
