/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The udpif component's state, shared by udpif_component.c (lifecycle)
 * and udpif_rpc.c (its methods). Not an API.
 */
#ifndef WEFT_UDPIF_RPC_H
#define WEFT_UDPIF_RPC_H

#include "weft/daemon.h"
#include "weft/ofproto.h"
#include "weft/udpif.h"

struct udpif_wait {
	struct wft_rpc_call *call;
	uint64_t ticket;		/* the cycle whose end answers it */
};

struct udpif_state {
	struct wft_daemon *d;
	struct wft_backer *backer;
	const struct wft_dpif_ops *ops;	/* NULL: no flows (tests) */
	void *ctx;
	struct wft_udpif *u;		/* NULL until there is a datapath */
	uint32_t dp;
	struct wft_watch *watch;	/* on the revalidator's notify_fd */
	struct wft_timer *timer;
	wft_packet_in_cb *pin_cb;
	void *pin_aux;
	struct udpif_wait *waits;	/* revalidator/wait, purge */
	size_t n_waits, cap_waits;
	/* An OVN chassis at start: its ovn-bridge, held until its rules are
	 * in (udpif_component.c); NULL once they are, or for no chassis. */
	char *ovn_bridge;
	struct wft_timer *hold_timer;
};

void wft_udpif_register(struct udpif_state *st);
void wft_udpif_unregister(struct udpif_state *st);
/* udpif_provenance.c: dpif/provenance */
void wft_udpif_register_provenance(struct udpif_state *st);
void wft_udpif_unregister_provenance(struct udpif_state *st);
/* Answers the waits whose cycle ended, or all of them with @error. */
void wft_udpif_answer_waits(struct udpif_state *st, const char *error);

#endif /* WEFT_UDPIF_RPC_H */
