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
	struct wft_xlate_tunnel tnl;	/* xp.tunnel points here (tunnels) */
};

struct wft_ofproto {
	struct wft_backer *backer;
	char *name;
	struct wft_pipeline *pipeline;
	struct wft_mac_learning *ml;
	struct ofport *ports;		/* sorted by OpenFlow number */
	size_t n_ports;
	struct wft_xlate_bridge xb;
	struct wft_tlv_map *tlv;	/* GENEVE TLV map; lives with br */
	bool tlv_loaded;		/* its saved map was read */
	bool held;			/* wft_backer_hold(): flows wait */
};

struct odp_entry {
	struct wft_ofproto *br;		/* NULL: no bridge's port */
	uint32_t ofport;
	/* A tunnel vport: which port a packet came in on depends on its
	 * tunnel key (wft_ofproto_tunnel_receive()); br and ofport name the
	 * port only while it is the vport's one tunnel port. */
	bool tunnel;
	unsigned int n_tunnel;
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
	char *held_name;		/* wft_backer_hold(), or NULL */
};

/* ofproto.c */
/* Monotonic milliseconds, the pipeline's and the datapath's clock. */
long long wft_ofproto_now(void);
struct ofport *wft_ofproto_find_port(const struct wft_ofproto *br,
				     uint32_t ofport);

/* ofproto_hold.c */
/* Sets every bridge's held flag from b->held_name and the patch ports
 * (write lock held, patches paired). */
void wft_ofproto_hold_mark(struct wft_backer *b);

/* ofproto_tunnel.c */
/* The tunnel port of any bridge whose vport is @odp_port and whose
 * remote_ip, key and local_ip fit @flow's tunnel key, the most specific
 * one (fixed beats "flow": remote, then key, then local), as OVS picks
 * the receiving tunnel port. -ENOENT when none fits. */
int wft_ofproto_tunnel_receive(struct wft_backer *b, uint32_t odp_port,
			       const struct wft_flow *flow,
			       struct wft_ofproto **brp, uint32_t *ofport);

/* Whether tunnel port options @t fit @flow's tunnel key. */
bool wft_ofproto_tunnel_fits(const struct wft_xlate_tunnel *t,
			     const struct wft_flow *flow);
/* Some tunnel port on vport @odp_port (the first), for a packet no port
 * fits: it is translated there and dropped, by a megaflow, rather than
 * sent up again and again. */
int wft_ofproto_tunnel_any(struct wft_backer *b, uint32_t odp_port,
			   struct wft_ofproto **brp, uint32_t *ofport);

/* ofproto_xlate.c */
/* Fills br->xb: port lookups, flooding, NORMAL. */
void wft_ofproto_xbridge_init(struct wft_ofproto *br);

#endif /* WEFT_OFPROTO_PRIV_H */
