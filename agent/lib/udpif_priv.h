/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of udpif (udpif.c: threads, schedule and statistics;
 * udpif_ukey.c: the flow cache; udpif_handler.c: upcalls;
 * revalidator.c: the revalidator). include/weft/udpif.h documents the
 * design and the locking.
 */
#ifndef WEFT_UDPIF_PRIV_H
#define WEFT_UDPIF_PRIV_H

#include <pthread.h>
#include <stdatomic.h>

#include "uapi/linux/weft.h"
#include "weft/ofproto.h"
#include "weft/udpif.h"

/*
 * One datapath flow weftd installed or adopted. Filled before it is
 * inserted into the cache; from then on only the revalidator reads or
 * writes the fields below "revalidator", and only it frees ukeys.
 */
struct ukey {
	struct wft_ufid ufid;
	uint32_t hash;
	struct ukey *next;		/* in its shard's bucket */
	_Atomic bool stale;		/* a handler met it: translate again */
	_Atomic bool failed;		/* its install failed: drop it */

	/* Revalidator. */
	uint8_t *key, *mask, *actions;	/* as installed */
	bool compact;			/* key, mask: struct weft_key_compact */
	size_t key_len, mask_len, actions_len;
	size_t actions_room;		/* in data[], after key and mask */
	uint8_t *actions_heap;		/* actions too big for it, or NULL */
	struct wft_flow flow;		/* the packet (adopted: masked key) */
	struct wft_flow_wc wc;		/* the megaflow mask, widened */
	uint32_t odp_in_port;
	bool adopted;			/* found in the datapath: wc unknown */
	bool normal;			/* NORMAL decided its actions */
	/* Its translation ran a learn: as OVS re-runs learns when it pushes
	 * a flow's statistics, every dump that finds new packets on it
	 * translates it again with may_learn, which refreshes (or re-adds)
	 * the learned rules, so that traffic the datapath handles alone
	 * keeps them alive. */
	bool learn;
	uint64_t rules_gen, macs_gen;	/* what its translation saw */
	/* Hit by its translation, in lookup order. Also read by
	 * dpif/provenance (udpif_provenance.c) under the shard's mutex: the
	 * revalidator replaces it under that mutex (wft_ukey_set_rules). */
	struct wft_rule_list rules;
	/* rules.rules is in data[], after the actions' room (a new ukey's
	 * list, sized to its translation): not free()d with the list. */
	bool rules_inline;
	uint64_t packets, bytes;	/* as of the last dump */
	long long created_ms;
	long long refreshed_ms;		/* last translated */
	uint64_t dump_seq;		/* the last dump that saw it */
	/* key, mask, actions and a new ukey's rules: one allocation per
	 * ukey, not five. */
	uint8_t data[];
};

struct shard {
	pthread_mutex_t mutex;
	struct ukey **buckets;
	size_t n_buckets;		/* a power of 2 */
	size_t n;
};

struct handler_counters {
	_Atomic uint64_t n_upcalls, n_installed, n_duplicates, n_over_limit;
	_Atomic uint64_t n_errors, n_packet_ins, n_stale;
	_Atomic uint64_t n_batches;	/* wakeups that found upcalls */
};

/* A put of the current batch: what its outcome decides about. */
struct pending_put {
	int index;			/* in the batch */
	struct ukey *k;
	struct wft_ufid ufid;
	uint32_t hash;
};

struct handler {
	struct wft_udpif *u;
	unsigned int index;
	pthread_t thread;
	bool started;
	void *sock;			/* upcall socket */
	void *chan;			/* puts and executes */
	bool put_executes;		/* chan takes a put's packet along */
	struct wft_ofproto_xlate x;
	struct handler_counters c;
	/* The batch being built (when the ops batch). */
	struct pending_put puts[WFT_UDPIF_BATCH];
	size_t n_puts;
	size_t n_ops;
};

struct wft_udpif {
	struct wft_backer *backer;
	const struct wft_dpif_ops *ops;
	void *ctx;
	uint32_t dp;
	wft_udpif_clock_fn *clock;
	void *clock_aux;
	wft_packet_in_cb *pin_cb;
	void *pin_aux;
	void *main_chan;		/* the main thread's: pids, stats */

	struct shard shards[WFT_UDPIF_N_SHARDS];
	_Atomic size_t n_ukeys;
	_Atomic uint64_t dump_seq;

	/* Settings (wft_udpif_start()). */
	_Atomic size_t flow_limit;	/* in force, adapted */
	_Atomic size_t flow_limit_cfg;
	_Atomic unsigned int max_idle_ms;
	_Atomic unsigned int revalidate_ms;
	_Atomic bool restore_wait;
	_Atomic bool no_put_execute;
	unsigned int n_cpus;

	/* Handlers (started and stopped by the main thread). */
	struct handler *handlers;
	unsigned int n_handlers;
	int exit_fd;			/* eventfd: readable = stop */
	_Atomic bool handlers_exit;
	struct handler_counters old;	/* of handlers since stopped */

	/* The revalidator and its schedule, under @mutex. */
	pthread_mutex_t mutex;
	pthread_cond_t cond;		/* kicks, exit */
	pthread_cond_t done_cond;	/* a cycle ended */
	pthread_t reval_thread;
	bool reval_running;
	bool kicked, purge, exiting;
	uint64_t started, done;		/* cycles */
	int notify_fd;			/* eventfd: a cycle ended */

	/* Revalidator-only state. */
	void *dump_chan, *op_chan;
	struct wft_ofproto_xlate rx;
	struct wft_dpif_flow dumped;
	bool complete;			/* a dump has gone through whole */
	uint64_t complete_rules_gen, complete_macs_gen;	/* as of it */

	/* Revalidator statistics, read by upcall/show. */
	_Atomic size_t avg_flows, max_flows;
	_Atomic unsigned long long dump_ms;
	_Atomic uint64_t n_cycles, n_deleted, n_modified, n_adopted, n_idle;
	_Atomic uint64_t n_torn;	/* cycles whose dump stayed torn */
};

long long wft_udpif_now(const struct wft_udpif *u);

/* udpif_ukey.c */
void wft_ukeys_init(struct wft_udpif *u);
void wft_ukeys_destroy(struct wft_udpif *u);
uint32_t wft_ufid_hash(const struct wft_ufid *ufid);
/* Whether a ukey with @ufid is cached. */
bool wft_ukey_exists(struct wft_udpif *u, const struct wft_ufid *ufid,
		     uint32_t hash, bool mark_stale);
/* Inserts @k unless one with its UFID is there: true when inserted. */
bool wft_ukey_insert(struct wft_udpif *u, struct ukey *k);
/* The cached ukey with @ufid, or NULL (revalidator). */
struct ukey *wft_ukey_find(struct wft_udpif *u, const struct wft_ufid *ufid,
			   uint32_t hash);
/* Marks @k failed if it is still cached (handlers). */
void wft_ukey_mark_failed(struct wft_udpif *u, struct ukey *k);
/* Removes and frees @k (revalidator). */
void wft_ukey_remove(struct wft_udpif *u, struct ukey *k);
/* Removes and frees the ukeys @keep says no to (revalidator). */
void wft_ukeys_sweep(struct wft_udpif *u,
		     bool (*keep)(const struct ukey *k, void *aux), void *aux);
struct ukey *wft_ukey_new(const struct wft_ofproto_xlate *x,
			  uint32_t odp_in_port, long long now);
/* A ukey holding copies of @key, @mask and @acts, zeroed but for its
 * flow and wc, which the caller sets. */
struct ukey *wft_ukey_alloc(const void *key, size_t key_len,
			    const void *mask, size_t mask_len,
			    const void *acts, size_t acts_len);
void wft_ukey_free(struct ukey *k);
void wft_ukey_set_actions(struct ukey *k, const void *acts, size_t len);
/* Makes @k's rules those of @rules (referenced anew), swapping them in
 * under the shard's mutex (for wft_ukeys_foreach's readers). */
void wft_ukey_set_rules(struct wft_udpif *u, struct ukey *k,
			const struct wft_rule_list *rules);
/* Calls @cb on every ukey with its shard's mutex held: @cb must be
 * quick, must not block and must not call back into udpif. */
void wft_ukeys_foreach(struct wft_udpif *u,
		       void (*cb)(const struct ukey *k, void *aux),
		       void *aux);

/* udpif_handler.c */
void *wft_handler_main(void *arg);

/* revalidator.c */
void *wft_revalidator_main(void *arg);

#endif /* WEFT_UDPIF_PRIV_H */
