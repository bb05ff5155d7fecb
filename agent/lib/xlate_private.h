/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of xlate (xlate.c: tables and bookkeeping; xlate_actions.c:
 * pipeline actions; xlate_check_pkt.c: check_pkt_larger; xlate_output.c:
 * where packets go; xlate_commit.c: header changes as datapath actions;
 * xlate_ct.c: conntrack and recirculation). Not an API: include/weft/xlate.h is.
 *
 * Two copies of the packet travel through a translation: @flow, the packet
 * as the pipeline sees it (every action changes it at once), and @base, the
 * packet as the datapath actions emitted so far leave it. Committing turns
 * the difference into set/push_vlan/pop_vlan actions. @dirty holds the bits
 * written since the last commit, @known the bits of @base whose value the
 * actions fixed (so an unchanged rewrite of a known value is skipped
 * without matching the packet on it).
 *
 * @overwritten holds every bit an action has written so far. Such a bit of
 * @flow no longer comes from the packet but from the actions (constants,
 * or fields that were matched when they were read), so later reads of it
 * add nothing to the mask: wft_xlate_read() filters them out.
 */
#ifndef WEFT_XLATE_PRIVATE_H
#define WEFT_XLATE_PRIVATE_H

#include "weft/xlate.h"

/* What a clone must restore afterwards: the packet state. */
struct xlate_pkt_state {
	struct wft_flow flow;
	struct wft_flow base;
	struct wft_flow_wc dirty;
	struct wft_flow_wc known;
	struct wft_flow_wc overwritten;
	/* ctx_init() zeroes all but flow..overwritten: keep them together. */
	uint16_t tpid[2];
	uint16_t base_tpid[2];
	bool conntracked;
	bool written;
};

#define WFT_XLATE_STACK_DEPTH	64

struct wft_xlate_ctx {
	const struct wft_xlate_in *in;
	struct wft_xlate_out *out;
	struct wft_flow_wc *wc;		/* &out->wc */
	struct wft_attrbuf *odp;	/* &out->actions */

	struct wft_flow flow;
	struct wft_flow base;
	struct wft_flow_wc dirty;
	struct wft_flow_wc known;
	struct wft_flow_wc overwritten;
	/* ctx_init() zeroes all but flow..overwritten: keep them together. */
	uint16_t tpid[2];		/* TPIDs of @flow's tags, host order */
	uint16_t base_tpid[2];
	/* The datapath's packet has a conntrack entry (it came with
	 * ct_state +trk, or was thawed after ct): as in OVS, ct_clear is
	 * emitted only then, and ct(...) leaves it false. */
	bool conntracked;
	/* Some bit of @dirty may be set: false, the commit need not scan its
	 * 856 bytes to find none (most translations write nothing). */
	bool written;

	/* OVS's stack (push:/pop:): values right-aligned in 16 bytes. */
	uint8_t stack[WFT_XLATE_STACK_DEPTH][16];
	unsigned int stack_n;

	unsigned int depth;		/* backward resubmit/goto/clone nesting */
	unsigned int nest;		/* every resubmit's nesting (the trace) */
	unsigned int odp_nest;		/* datapath clone nesting */
	unsigned int n_lookups;
	unsigned int n_actions;
	unsigned int n_rewrites;	/* set/push_vlan/pop_vlan emitted */
	uint8_t table;			/* of the rule running */
	struct wft_rule *rule;		/* running, or NULL */
	bool stop;			/* an error ends everything */
	struct xlate_patch_frame *patch; /* innermost patch port crossed */
};

/* xlate.c */
void wft_xlate_error(struct wft_xlate_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Looks up @table with in_port @in_port (WFT_OFPP_IN_PORT: unchanged) and
 * runs what it finds. */
void wft_xlate_table(struct wft_xlate_ctx *ctx, uint8_t table,
		     uint32_t in_port);
bool wft_xlate_tracing(const struct wft_xlate_ctx *ctx);
/* Adds to the mask the bits of @read that still come from the packet. */
void wft_xlate_read(struct wft_xlate_ctx *ctx, const struct wft_flow_wc *read);

/* xlate_actions.c */
void wft_xlate_actions(struct wft_xlate_ctx *ctx,
		       const struct wft_ofpacts *acts);
/* Whether the packet has what @field needs (its headers), reading, and so
 * un-wildcarding, the fields that tell. */
bool wft_xlate_packet_has(struct wft_xlate_ctx *ctx,
			  const struct wft_field *field);
/* clone(@acts): the packet state (and the stack) restored after. */
void wft_xlate_clone(struct wft_xlate_ctx *ctx,
		     const struct wft_ofpacts *acts);
/* Writes @value's bits under @mask into @sf of the flow, as load and
 * set_field do (remembered for the commit; never matched when read). */
void wft_xlate_write(struct wft_xlate_ctx *ctx, const struct wft_subfield *sf,
		     const uint8_t *value, const uint8_t *mask);
void wft_xlate_save(const struct wft_xlate_ctx *ctx,
		    struct xlate_pkt_state *s);
void wft_xlate_restore(struct wft_xlate_ctx *ctx,
		       const struct xlate_pkt_state *s);

/* The register stack of push/pop, which a clone and each branch of
 * check_pkt_larger keep to themselves, as in OVS. */
struct xlate_stack_copy {
	unsigned int n;
	void *v;
};

void wft_xlate_stack_save(const struct wft_xlate_ctx *ctx,
			  struct xlate_stack_copy *c);
void wft_xlate_stack_restore(struct wft_xlate_ctx *ctx,
			     const struct xlate_stack_copy *c);
void wft_xlate_stack_free(struct xlate_stack_copy *c);

/* @sf was read: its packet bits go into the mask. */
void wft_xlate_note_read(struct wft_xlate_ctx *ctx,
			 const struct wft_subfield *sf);

/* xlate_learn.c */
/* learn(...): the rule it makes, kept in out->learned when the
 * translation may learn, shown in the trace. */
void wft_xlate_learn(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a);
/* Adds or refreshes the rules kept in @out, at @now_ms. */
void wft_xlate_learned_apply(struct wft_xlate_out *out, long long now_ms);
void wft_xlate_learned_free(struct wft_xlate_out *out);
/* xlate_check_pkt.c */
/* check_pkt_larger(N)->DST @a, with @rest the actions after it in its
 * list (which it runs, twice): a datapath check_pkt_len action. */
void wft_xlate_check_pkt(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a,
			 const struct wft_ofpacts *rest);

/* xlate_group.c */
/* group:@id: its buckets (select: one by the packet's 5-tuple hash). */
void wft_xlate_group(struct wft_xlate_ctx *ctx, uint32_t id);

/* xlate_output.c */
void wft_xlate_do_output(struct wft_xlate_ctx *ctx, uint32_t port,
			 uint16_t max_len);
void wft_xlate_controller(struct wft_xlate_ctx *ctx, uint8_t reason,
			  uint16_t max_len, uint16_t controller_id,
			  const uint8_t *userdata, size_t userdata_len,
			  bool pause);

/* xlate_patch.c */
/* Output to patch port @p: the peer bridge's pipeline (xlate.h). */
void wft_xlate_patch(struct wft_xlate_ctx *ctx,
		     const struct wft_xlate_port *p);

/* xlate_tunnel.c */
/* Output to tunnel port @p: set(tunnel(...)), then its vport. */
void wft_xlate_tunnel_output(struct wft_xlate_ctx *ctx,
			     const struct wft_xlate_port *p);

/* xlate_commit.c */
void wft_xlate_commit(struct wft_xlate_ctx *ctx);

/* xlate_ct.c */
/* ct(...) and ct_clear. */
void wft_xlate_ct(struct wft_xlate_ctx *ctx, const struct wft_ofpact *a);
void wft_xlate_ct_clear(struct wft_xlate_ctx *ctx);
/* The packet as a patch port's peer bridge sees it: no conntrack state
 * (OVS clears it at the crossing). */
void wft_xlate_ct_forget(struct wft_xlate_ctx *ctx);
/* A packet with recirc_id != 0: restores what its id froze and sets
 * *@table to the table to resume in; when that is another bridge's
 * pipeline (behind a patch port), points ctx->in at @thawed, a copy of
 * the input naming it. Returns 0, or an error already reported. */
int wft_xlate_thaw(struct wft_xlate_ctx *ctx, struct wft_xlate_in *thawed,
		   uint8_t *table);

#endif /* WEFT_XLATE_PRIVATE_H */
