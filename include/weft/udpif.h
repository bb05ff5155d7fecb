/* SPDX-License-Identifier: GPL-2.0 */
/*
 * udpif: the datapath's flow cache, filled and kept right by weftd.
 *
 * Upcall handlers (udpif_handler.c): N threads (default: one per CPU),
 * each with its own upcall socket; the datapath's UPCALL_PIDS name one of
 * them per CPU. A handler takes misses in batches of up to
 * WFT_UDPIF_BATCH, and for each: key to struct wft_flow, xlate (the
 * ports lock and the pipeline's read lock only around that), megaflow
 * key and mask, a UFID hashed from them, then installs the megaflow and
 * executes the packet; the puts and executes of a batch go to the
 * datapath together at its end, in order. The UFID makes races cheap: a flow that another
 * handler installed, or that was installed before a restart, is found in
 * the cache or refused by the datapath with EEXIST, and is not installed
 * again. Beyond the flow limit the packet is executed and nothing is
 * installed. Userspace-action upcalls (xlate's controller actions) go to
 * the packet-in callback.
 *
 * The revalidator (revalidator.c): one thread that every
 * WFT_UDPIF_REVALIDATE_MS, and at once when rules, ports or MAC tables
 * change (wft_udpif_kick), dumps the datapath's flows (tersely, UFIDs and
 * statistics, as their ukeys hold the rest; in full when it meets a flow
 * it has no ukey for) and for each:
 * pushes its statistics to the rules it hit, deletes it when idle longer
 * than max-idle, and translates it again when anything it depends on
 * changed, deleting it when the new megaflow needs bits the old one does
 * not match and fixing its actions when only they differ. It adapts the
 * flow limit to how long a dump takes (lower when dumps pass a second,
 * slowly higher when they are fast), as OVS does. Flows it finds in the
 * datapath that it has not seen (a restart) are adopted: kept as they are
 * until translated, then kept, fixed or deleted like any other; none is
 * flushed. With other_config:flow-restore-wait=true they are not even
 * translated until it is set back to false, so that whoever restores the
 * pipeline can do so first, as with OVS; nor are new flows installed. The
 * same, for one bridge and those patched to it, while the backer holds it
 * (wft_backer_hold(): an OVN chassis' ovn-bridge after a start).
 *
 * DOC: Locking.
 * - The ports lock of the backer (ofproto.h) and the pipelines' locks are
 *   taken for reading around each translation only.
 * - The flow cache (udpif_ukey.c) is split in WFT_UDPIF_N_SHARDS shards,
 *   each a hash table of ukeys under its own mutex. A handler creates a
 *   ukey completely before inserting it; afterwards only the revalidator
 *   reads or changes its contents, and only the revalidator removes and
 *   frees ukeys, so it needs the shard mutex only to insert, find or
 *   remove, never while it works on a ukey.
 * - udpif->mutex guards the revalidator's schedule (kick, purge, cycle
 *   counters, condition variable) and the settings; counters read by
 *   upcall/show are atomics.
 * - Handlers never take udpif->mutex in their packet path except to kick
 *   the revalidator, once per batch at most.
 * Lock order: udpif->mutex is never held while taking any other lock
 * but a shard's; ports lock -> pipeline locks -> MAC tables; a shard
 * mutex is taken alone.
 *
 * Time is milliseconds of CLOCK_MONOTONIC, as the datapath's "used"
 * times are, unless a test injects a clock.
 */
#ifndef WEFT_UDPIF_H
#define WEFT_UDPIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "weft/dpif.h"
#include "weft/strbuf.h"
#include "weft/xlate.h"

#define WFT_UDPIF_FLOW_LIMIT	200000	/* other_config:flow-limit */
#define WFT_UDPIF_MAX_IDLE_MS	10000	/* other_config:max-idle */
#define WFT_UDPIF_REVALIDATE_MS	500
#define WFT_UDPIF_BATCH		64
#define WFT_UDPIF_N_SHARDS	64
#define WFT_UDPIF_MAX_HANDLERS	64

/*
 * The datapath operations udpif needs, so that tests fake them;
 * wft_dpif_ops_netlink wraps weft/dpif.h. A channel is one thread's
 * netlink socket (a struct wft_dpif is not thread-safe); a dump holds its
 * channel until done, so the revalidator dumps on one channel and changes
 * flows on another. Calls return 0 or -errno; chan_error() says why.
 */
struct wft_dpif_ops {
	int (*chan_open)(void *ctx, void **chanp, char *err, size_t errlen);
	void (*chan_close)(void *chan);
	const char *(*chan_error)(void *chan);
	int (*flow_put)(void *chan, const struct wft_dpif_flow_put *put);
	/* @final (may be NULL) receives the flow's last statistics. */
	int (*flow_del)(void *chan, uint32_t dp_ifindex,
			const struct wft_ufid *ufid,
			struct wft_dpif_flow *final);
	/* Dumps with keys, masks and actions (@terse: those of flows with
	 * a UFID are left out): next() returns 1 with a flow, 0 at the end
	 * or -errno; done() returns 0, the error, or -EAGAIN when the dump
	 * may have missed or repeated flows. */
	int (*dump_start)(void *chan, uint32_t dp_ifindex, bool terse,
			  void **dumpp);
	int (*dump_next)(void *dump, struct wft_dpif_flow *flow);
	int (*dump_done)(void *dump);
	int (*execute)(void *chan, const struct wft_execute *exe);
	/* Optional (all three or none): puts and executes queued by
	 * batch_put() and batch_execute(), which return the request's
	 * index or -errno, and sent by batch_finish(), which returns every
	 * request's outcome by index (wft_dpif_batch_*). Handlers use them
	 * to send a receive batch's requests at once. */
	int (*batch_put)(void *chan, const struct wft_dpif_flow_put *put);
	int (*batch_execute)(void *chan, const struct wft_execute *exe);
	const int *(*batch_finish)(void *chan, size_t *n);
	/* Optional: whether batch_put() takes a miss's packet along
	 * (wft_dpif_flow_put's packet: one request instead of a put and an
	 * execute). Asked once per channel. */
	bool (*put_executes)(void *chan);
	/* Optional: whether puts may carry the compact key and mask
	 * (WEFT_F_KEY_COMPACT). Asked once per channel. */
	bool (*key_compact)(void *chan);
	int (*set_upcall_pids)(void *chan, uint32_t dp_ifindex,
			       const uint32_t *pids, size_t n);
	int (*dp_stats)(void *chan, uint32_t dp_ifindex,
			struct wft_dp_stats *stats);
	/* Upcall sockets, one per handler. */
	int (*upcall_open)(void *ctx, void **sockp, char *err, size_t errlen);
	void (*upcall_close)(void *sock);
	uint32_t (*upcall_portid)(void *sock);
	int (*upcall_fd)(void *sock);
	int (*upcall_recv)(void *sock, struct wft_upcall *up, bool wait);
};

extern const struct wft_dpif_ops wft_dpif_ops_netlink;

struct wft_backer;
struct wft_udpif;

/*
 * A packet-in: a controller action's packet and xlate's metadata, from
 * bridge @bridge (the bridge whose port the packet entered the datapath
 * on). Runs in a handler thread: it must not block for long.
 */
typedef void wft_packet_in_cb(void *aux, const char *bridge,
			      const struct wft_packet_in_md *md,
			      const uint8_t *packet, size_t len);

/* Monotonic milliseconds; for tests. */
typedef long long wft_udpif_clock_fn(void *aux);

struct wft_udpif_config {
	unsigned int n_handlers;	/* 0: one per CPU */
	unsigned int n_cpus;		/* UPCALL_PIDS entries; 0: the system's */
	size_t flow_limit;		/* 0: WFT_UDPIF_FLOW_LIMIT */
	unsigned int max_idle_ms;	/* 0: WFT_UDPIF_MAX_IDLE_MS */
	unsigned int revalidate_ms;	/* 0: WFT_UDPIF_REVALIDATE_MS */
	bool flow_restore_wait;
	/* other_config:put-execute=false: a miss's flow and packet go in
	 * two requests even when the module takes them in one. */
	bool no_put_execute;
};

struct wft_udpif *wft_udpif_create(struct wft_backer *backer,
				   const struct wft_dpif_ops *ops, void *ctx,
				   uint32_t dp_ifindex);
/* Stops the threads and frees everything; the datapath's flows stay. */
void wft_udpif_destroy(struct wft_udpif *u);
/* Before wft_udpif_start(). */
void wft_udpif_set_clock(struct wft_udpif *u, wft_udpif_clock_fn *fn,
			 void *aux);
void wft_udpif_set_packet_in(struct wft_udpif *u, wft_packet_in_cb *cb,
			     void *aux);

/*
 * Starts (or, when running, reconfigures) the handlers and the
 * revalidator: a new handler count restarts the handlers and registers
 * their sockets; the rest applies at once. Returns 0 or -errno with the
 * reason in @err.
 */
int wft_udpif_start(struct wft_udpif *u, const struct wft_udpif_config *cfg,
		    struct wft_strbuf *err);
void wft_udpif_stop(struct wft_udpif *u);

/* Asks for a revalidation now (rules, ports or MAC tables changed). */
void wft_udpif_kick(struct wft_udpif *u);
/* Asks the next revalidation to delete every datapath flow. */
void wft_udpif_purge(struct wft_udpif *u);

/*
 * Waiting for a full revalidation that starts after now: ticket() kicks
 * and returns the number of the cycle to wait for; done() is how many
 * cycles have ended. notify_fd() becomes readable after every cycle (the
 * main loop watches it and reads it with wft_udpif_notify_clear()).
 * wait() blocks (tests; never from weftd's loop).
 */
uint64_t wft_udpif_ticket(struct wft_udpif *u);
uint64_t wft_udpif_done(struct wft_udpif *u);
int wft_udpif_notify_fd(const struct wft_udpif *u);
void wft_udpif_notify_clear(struct wft_udpif *u);
/* Returns 0, or -ETIMEDOUT after @timeout_ms. */
int wft_udpif_wait(struct wft_udpif *u, unsigned int timeout_ms);

/* The datapath's counters, and its flows one by one, through the main
 * thread's own socket (for dpif/show and dpif/dump-flows). */
int wft_udpif_dp_stats(struct wft_udpif *u, struct wft_dp_stats *stats);
int wft_udpif_dump(struct wft_udpif *u,
		   void (*cb)(const struct wft_dpif_flow *flow, void *aux),
		   void *aux);

/* The datapath in_port of a flow key; WFT_PORT_ANY when it has none. */
uint32_t wft_key_in_port(const void *key, size_t len);

/* The packet-in callback of a running weftd's udpif component (applied
 * whenever it creates its udpif). */
struct wft_daemon;
void wft_udpif_daemon_packet_in(struct wft_daemon *d, wft_packet_in_cb *cb,
				void *aux);
/* The OVN chassis has installed its rules after weftd's start: its
 * ovn-bridge's flows of before the start, kept until now, are revalidated
 * again and its new ones handled (udpif_component.c). */
void wft_udpif_daemon_ovn_restored(struct wft_daemon *d);

struct wft_udpif_handler_stats {
	uint64_t n_upcalls;		/* misses received */
	uint64_t n_installed;		/* megaflows installed */
	uint64_t n_duplicates;		/* already there: cache or EEXIST */
	uint64_t n_over_limit;		/* executed, not installed */
	uint64_t n_errors;		/* bad keys, failed puts/executes */
	uint64_t n_packet_ins;		/* userspace-action upcalls */
	uint64_t n_stale;		/* rules changed during the xlate */
	uint64_t n_batches;		/* wakeups that found upcalls */
};

struct wft_udpif_stats {
	size_t n_flows;			/* in the cache */
	size_t avg_flows, max_flows;
	size_t flow_limit;		/* in force (adapted) */
	size_t flow_limit_cfg;		/* configured */
	unsigned long long dump_ms;	/* duration of the last dump */
	uint64_t n_cycles;
	uint64_t n_deleted, n_modified, n_adopted, n_idle;
	uint64_t n_torn;		/* cycles whose dump stayed torn */
	unsigned int n_handlers;
	struct wft_udpif_handler_stats handlers[WFT_UDPIF_MAX_HANDLERS];
};

void wft_udpif_get_stats(struct wft_udpif *u, struct wft_udpif_stats *st);
/* upcall/show: text as ovs-appctl prints it, plus the handlers. */
void wft_udpif_format(struct wft_udpif *u, const char *dp_name,
		      struct wft_strbuf *out);
json_t *wft_udpif_to_json(struct wft_udpif *u);

#endif /* WEFT_UDPIF_H */
