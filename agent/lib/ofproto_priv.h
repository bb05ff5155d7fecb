/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of ofproto (ofproto.c: bridges and ports; ofproto_xlate.c:
 * what xlate calls back; ofproto_*.c: the daemon component and its
 * methods). Not an API: include/weft/ofproto.h is.
 */
#ifndef WEFT_OFPROTO_PRIV_H
#define WEFT_OFPROTO_PRIV_H

#include <pthread.h>
#include <stdatomic.h>

#include "weft/ofproto.h"

/* Datapath port numbers above this map to no bridge (the module hands
 * out small ones; this bounds the map). */
#define WFT_ODP_PORT_MAX	65536

struct ofport {
	struct wft_xlate_port xp;	/* what xlate sees */
	char *name;
	char *type;
	char *peer;			/* patch: options:peer */
	struct wft_xlate_patch patch;	/* xp.patch points here when paired */
	uint64_t trunks[WFT_VLAN_BITMAP_WORDS];
};

struct wft_ofproto {
	struct wft_backer *backer;
	char *name;
	struct wft_pipeline *pipeline;
	struct wft_mac_learning *ml;
	struct ofport *ports;		/* sorted by OpenFlow number */
	size_t n_ports;
	struct wft_xlate_bridge xb;
};

struct odp_entry {
	struct wft_ofproto *br;		/* NULL: no bridge's port */
	uint32_t ofport;
};

struct wft_backer {
	pthread_rwlock_t lock;		/* the ports lock */
	struct wft_ofproto **brs;	/* sorted by name */
	size_t n_brs;
	struct odp_entry *odp;		/* by datapath port number */
	size_t n_odp;
	_Atomic uint64_t port_gen;
	uint64_t retired_rules;		/* generations of deleted bridges */
	uint64_t retired_macs;
	wft_backer_changed_cb *changed_cb;
	void *changed_aux;
};

/* ofproto.c */
/* Monotonic milliseconds, the pipeline's and the datapath's clock. */
long long wft_ofproto_now(void);
struct ofport *wft_ofproto_find_port(const struct wft_ofproto *br,
				     uint32_t ofport);

/* ofproto_xlate.c */
/* Fills br->xb: port lookups, flooding, NORMAL. */
void wft_ofproto_xbridge_init(struct wft_ofproto *br);

#endif /* WEFT_OFPROTO_PRIV_H */
