/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ofproto component's state and the methods it serves
 * (ofproto_component.c, ofproto_ofctl.c, ofproto_replace.c,
 * ofproto_trace.c, ofproto_fdb.c). Not an API.
 */
#ifndef WEFT_OFPROTO_RPC_H
#define WEFT_OFPROTO_RPC_H

#include <jansson.h>

#include "weft/control.h"
#include "weft/daemon.h"
#include "weft/ofp_flow.h"
#include "weft/ofproto.h"

struct wft_daemon;

struct ofproto_state {
	struct wft_daemon *d;
	struct wft_backer *backer;
	struct wft_timer *timer;
	uint64_t bridge_gen;		/* bridge component's, when synced */
};

void wft_ofproto_register_ofctl(struct ofproto_state *st);
void wft_ofproto_register_trace(struct ofproto_state *st);
void wft_ofproto_register_fdb(struct ofproto_state *st);
void wft_ofproto_unregister(struct ofproto_state *st);
/* ofproto_tlv.c: the TLV map methods; loading saved maps into bridges
 * that have not had theirs yet (after every bridge update). */
void wft_ofproto_register_tlv(struct ofproto_state *st);
void wft_ofproto_unregister_tlv(struct ofproto_state *st);
void wft_ofproto_tlv_load(struct ofproto_state *st);

/*
 * The bridge named by params' "bridge" member (object params) or first
 * string (array params). Answers the call with an error and returns NULL
 * when there is none.
 */
struct wft_ofproto *wft_rpc_bridge(struct ofproto_state *st,
				   struct wft_rpc_call *call,
				   const json_t *params);

/* A parsed flow as a flow_mod for @cmd (the flow's own, when it was
 * parsed for the same command). */
void wft_flow_mod_from_ofp(const struct wft_ofp_flow *f,
			   enum wft_fm_command cmd, struct wft_flow_mod *fm);

/*
 * Applies @fms to @p all or nothing: when one could fail (an add with
 * check_overlap), they are tried first on a copy. Returns 0, or -errno
 * with the index of the failing one in *@bad. *@n counts the rules
 * touched.
 */
int wft_apply_flow_mods(struct wft_pipeline *p, const struct wft_flow_mod *fms,
			size_t n_fms, size_t *bad, size_t *n);

/* Parses @texts for @cmd into @flows with @br's port names; answers the
 * call with "line N: ..." and returns -EINVAL on the first bad one.
 * *@n_parsed flows need wft_ofp_flows_free(). */
int wft_rpc_parse_flows(struct wft_rpc_call *call, struct wft_ofproto *br,
			const json_t *texts, enum wft_ofp_command cmd,
			struct wft_ofp_flow *flows, size_t *n_parsed);
void wft_ofp_flows_free(struct wft_ofp_flow *flows, size_t n);

/*
 * ofproto_replace.c: the flow_mods that make @p's rules exactly @flows
 * (replace-flows, and weftd's own OVN flows through ofproto_install.c):
 * rules whose table, priority, match, actions, cookie, timeouts and flags
 * stay are left alone (counters kept). Free fms and line.
 */
struct wft_replace_plan {
	struct wft_flow_mod *fms;	/* deletes first, then adds */
	size_t n;
	size_t added, deleted, modified;
	size_t *line;			/* of each add, for errors */
	/* Set by the caller: rules a learn action added are neither
	 * paired nor deleted (OVN owns the others, not those). */
	bool keep_learned;
};

void wft_replace_plan_build(struct wft_replace_plan *pl,
			    struct wft_pipeline *p,
			    const struct wft_ofp_flow *flows, size_t n_flows);

/* Handlers in their own files. */
void wft_ofctl_replace_flows(struct wft_rpc_call *call, json_t *params,
			     void *aux);
void wft_ofctl_dump_flows(struct wft_rpc_call *call, json_t *params,
			  void *aux);
void wft_ofctl_dump_tables(struct wft_rpc_call *call, json_t *params,
			   void *aux);
/* ofproto_group.c */
void wft_ofctl_group_mods(struct wft_rpc_call *call, json_t *params,
			  void *aux);
void wft_ofctl_dump_groups(struct wft_rpc_call *call, json_t *params,
			   void *aux);

/* A rule as a wft_ofp_flow for the formatters (shares the actions: never
 * uninit it). */
void wft_ofp_flow_from_rule(const struct wft_rule *r,
			    struct wft_ofp_flow *f);

#endif /* WEFT_OFPROTO_RPC_H */
