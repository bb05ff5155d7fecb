/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Recirculation ids: what a translation "freezes" when a packet leaves the
 * datapath's first pass to come back (ct(table=N) is ct(...) followed by
 * recirc(ID)), so that the upcall of the recirculated packet, whose key
 * carries recirc_id=ID and the conntrack fields, resumes in table N with
 * the registers, metadata and in_port the pipeline had (OVS's frozen
 * state, ofproto-dpif-rid.c).
 *
 * An id stands for one frozen state: freezing the same state again gives
 * the same id, so that every packet of a flow, and every re-translation of
 * its megaflow by the revalidator, recirculates under one id, and the
 * megaflows after the recirculation are shared. Ids are process-wide
 * (one datapath serves every bridge; the state names the bridge's
 * pipeline), never 0, and kept for the life of the process: the states
 * come from the pipeline's own values (OVN's registers, metadata, ports),
 * not from packet contents, so their number is bounded by the pipeline;
 * past WFT_RECIRC_MAX ids allocation fails and the translation with it.
 * Thread-safe (upcall handlers and the revalidator translate in parallel).
 */
#ifndef WEFT_RECIRC_H
#define WEFT_RECIRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/flow.h"

#define WFT_RECIRC_MAX	(1u << 20)

struct wft_pipeline;

struct wft_frozen_state {
	/* The bridge to resume in, by its pipeline; compared, never
	 * dereferenced (the bridge may be gone by the time the packet is
	 * back: the resume then fails cleanly). */
	const struct wft_pipeline *pipeline;
	uint8_t table;			/* where to resume */
	uint8_t pad[3];			/* zero */
	uint32_t in_port;		/* be32, as in struct wft_flow */
	uint64_t metadata;		/* be64 */
	uint32_t regs[WFT_N_REGS];	/* be32 each */
};

/* The id of @state (allocated on first use), or 0 when the table is full. */
uint32_t wft_recirc_id_get(const struct wft_frozen_state *state);

/* The state frozen under @id into @state; false if @id is unknown. */
bool wft_recirc_find(uint32_t id, struct wft_frozen_state *state);

/* How many ids exist. */
size_t wft_recirc_count(void);

/* Forgets every id (tests only: ids in installed flows become unknown). */
void wft_recirc_clear(void);

#endif /* WEFT_RECIRC_H */
