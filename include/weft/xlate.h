/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xlate: runs one packet's flow through the pipeline and returns what the
 * datapath should do with every packet like it, and what "like it" means:
 *  - datapath actions (WEFT_ACTION_A_* attributes, the contents of
 *    WEFT_FLOW_A_ACTIONS or WEFT_PACKET_A_ACTIONS);
 *  - the megaflow mask: every bit of the packet that a table lookup or an
 *    action depended on, and no more (hand it with the flow to
 *    wft_odp_flow_to_key(), which adds what the datapath itself requires);
 *  - the rules hit, to credit their statistics; and on request a trace.
 *
 * Semantics, as in Open vSwitch:
 *  - translation starts in table 0; a table miss drops (ends that table's
 *    part; a resubmit's caller carries on);
 *  - resubmit(port,table) looks the table up with in_port temporarily
 *    replaced, then runs the rule's actions with the real in_port; goto_table
 *    is a resubmit to the table; nesting is bounded (64), and so are the
 *    lookups (4,096) and actions (65,536) of one translation;
 *  - output to the packet's own in_port is dropped unless written
 *    output:in_port; flood and all skip the in_port; NORMAL calls the
 *    bridge's hook (MAC learning lives there) and floods without one;
 *  - header changes are committed lazily: consecutive set_field/load/move
 *    coalesce into one datapath set per header, emitted just before the
 *    packet leaves (output, controller); a field that was written is set
 *    whether or not the value changed, so that the written field need not
 *    be matched; VLAN changes become pop_vlan/push_vlan;
 *  - dec_ttl reads the TTL (so it is matched) and sets TTL-1; at TTL 0 or
 *    1 it sends the packet to the controller (reason invalid_ttl) and ends
 *    the current action list, as OVS does;
 *  - controller actions become userspace actions whose userdata is
 *    described below;
 *  - learn(...) reads its source fields (which join the mask) and makes
 *    a rule from them; when the translation may learn (in->may_learn and
 *    not a trace), wft_xlate() adds or refreshes those rules once it has
 *    released the read lock (wft_pipeline_learn()), so that a learned
 *    rule is an ordinary rule, and a trace only shows what it would
 *    learn.
 * Errors (loops, limits, a field the datapath cannot set) make the
 * translation fail: the actions are then empty (drop), the mask is kept,
 * and out->error / out->errmsg say why.
 */
#ifndef WEFT_XLATE_H
#define WEFT_XLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/attrbuf.h"
#include "weft/flow.h"
#include "weft/pipeline.h"

/*
 * As OVS: only a resubmit to the same or an earlier table (one that can
 * loop) counts against the depth; forward ones, which OVN's pipeline
 * chains by the hundred (a routed packet crosses ~80 tables), count only
 * against the nesting bound, which keeps the C stack in check.
 */
#define WFT_XLATE_MAX_DEPTH	64	/* backward resubmit/goto/clone nesting */
#define WFT_XLATE_MAX_NEST	512	/* any resubmit nesting */
#define WFT_XLATE_MAX_LOOKUPS	4096	/* table lookups per translation */
#define WFT_XLATE_MAX_ACTIONS	65536	/* pipeline actions run */
#define WFT_XLATE_MAX_ODP_NEST	4	/* datapath clone nesting */
#define WFT_XLATE_MAX_ODP_SIZE	32768	/* bytes of datapath actions */

/* VLAN modes of a bridge port, for NORMAL (ovs-vsctl's vlan_mode). */
enum wft_vlan_mode {
	WFT_VLAN_TRUNK,
	WFT_VLAN_ACCESS,
	WFT_VLAN_NATIVE_TAGGED,
	WFT_VLAN_NATIVE_UNTAGGED,
};

/*
 * A tunnel port (Interface type geneve or vxlan): output sends the packet
 * to the tunnel vport @odp_port after a set(tunnel(...)) built from these
 * options, each either fixed here or, where the Interface said "flow",
 * taken from the pipeline's tun_* fields (which then join the mask unless
 * an action wrote them). GENEVE options come from tun_metadataN through
 * the bridge's TLV map, in index order.
 */
enum wft_tnl_type { WFT_TNL_GENEVE, WFT_TNL_VXLAN };

struct wft_tlv_map;

struct wft_xlate_tunnel {
	enum wft_tnl_type type;
	bool remote_flow;		/* remote_ip=flow */
	bool v6;			/* a fixed remote_ip's family */
	uint8_t remote[16];		/* IPv4: the first 4 bytes */
	bool local_flow;		/* local_ip=flow */
	bool has_local;
	uint8_t local[16];
	bool key_flow;			/* key=flow */
	uint64_t key;			/* host order, 24 bits */
	uint16_t dst_port;		/* host order */
	bool csum;
	bool df;			/* df_default, true unless set */
	int tos;			/* -1: inherit the inner DSCP */
	int ttl;			/* -1: inherit; 64 by default */
	const struct wft_tlv_map *tlv;	/* the bridge's */
};

/* What xlate knows of a bridge port. */
struct wft_xlate_port {
	uint32_t ofp_port;		/* OpenFlow number (LOCAL for local) */
	uint32_t odp_port;		/* datapath number */
	const char *name;
	enum wft_vlan_mode vlan_mode;
	uint16_t tag;			/* access or native VLAN; 0: none */
	const uint64_t *trunks;		/* 4096-bit VID bitmap; NULL: all */
	bool no_flood;			/* left out of FLOOD */
	/* A patch port: output continues in the peer bridge (see struct
	 * wft_xlate_patch); NULL for every other port. */
	const struct wft_xlate_patch *patch;
	/* A tunnel port, or NULL. */
	const struct wft_xlate_tunnel *tunnel;
};

struct wft_xlate_bridge;

/*
 * The far end of a patch port. Output to a patch port runs the peer
 * bridge's pipeline from table 0, with in_port = @ofp_port (the peer patch
 * port's number in its bridge) and metadata and registers zeroed, inside
 * the same translation, so that one datapath flow crosses both bridges (as
 * OVS does). The packet as the peer bridge leaves it does not come back:
 * its changes are local to that output (a datapath clone when it makes
 * any). The peer's pipeline read lock is taken for that part unless this
 * translation already holds it; writers must never wait on two
 * pipelines at once (weftd changes rules from one thread only).
 */
struct wft_xlate_patch {
	struct wft_pipeline *pipeline;
	const struct wft_xlate_bridge *bridge;
	uint32_t ofp_port;
	const char *bridge_name;	/* for traces */
};

struct wft_xlate_ctx;

/* The bridge, as the daemon provides it to xlate. */
struct wft_xlate_bridge {
	/* The port numbered @ofp_port (WFT_OFPP_LOCAL included), or NULL. */
	const struct wft_xlate_port *(*port)(void *aux, uint32_t ofp_port);
	/* Calls @cb on every port, in a stable order (FLOOD, ALL). */
	void (*for_each_port)(void *aux,
			      void (*cb)(const struct wft_xlate_port *port,
					 void *cb_aux),
			      void *cb_aux);
	/* output:NORMAL; NULL floods. */
	void (*normal)(struct wft_xlate_ctx *ctx, void *aux);
	uint32_t upcall_pid;		/* for userspace actions; 0: per CPU */
	void *aux;
	const char *name;		/* for traces; may be NULL */
};

struct wft_xlate_in {
	struct wft_pipeline *pipeline;
	const struct wft_xlate_bridge *bridge;
	struct wft_flow flow;		/* the packet; in_port is OpenFlow's */
	uint8_t table;			/* where to start: 0 */
	/* A packet-out (weftd's own packets, ovn_pinctrl.h): when not
	 * NULL, these actions run instead of @table's lookup. */
	const struct wft_ofpacts *actions;
	bool trace;			/* fill out->trace */
	/* NORMAL may update MAC learning: true for upcalls (and for the
	 * revalidation of flows that saw packets, so that their sources do
	 * not age out); false for traces and other revalidations, which
	 * must not change the bridge's state. */
	bool may_learn;
};

enum wft_trace_kind {
	WFT_TRACE_LOOKUP,		/* a table lookup: rule or miss */
	WFT_TRACE_NOTE,			/* something xlate decided */
};

struct wft_trace_entry {
	enum wft_trace_kind kind;
	unsigned int depth;		/* resubmit nesting, 0 at the top */
	uint8_t table;
	struct wft_rule *rule;		/* a reference; NULL on a miss */
	struct wft_flow flow;		/* the flow the lookup saw */
	char *text;			/* NOTE: malloc()ed */
};

struct wft_xlate_trace {
	struct wft_trace_entry *entries;
	size_t n, allocated;
};

/* A rule a learn action made, for the pipeline it belongs to. */
struct wft_xlate_learned {
	struct wft_pipeline *pipeline;
	struct wft_flow_mod fm;		/* an ADD; fm.actions = &actions */
	struct wft_ofpacts actions;
};

struct wft_xlate_out {
	struct wft_attrbuf actions;	/* datapath actions */
	struct wft_flow_wc wc;		/* the megaflow mask */
	struct wft_rule_list rules;	/* rules hit, referenced */
	struct wft_xlate_trace trace;
	bool has_userspace;		/* some action goes to the controller */
	/* Some learn ran: the flow must be translated again when packets
	 * hit it, to keep its learned rules alive (revalidator.c). */
	bool has_learn;
	struct wft_xlate_learned *learned;	/* when it may learn */
	size_t n_learned;
	/* The packet after the actions, a trace's "Final flow": written
	 * only when in->trace (an upcall has no use for the copy). */
	struct wft_flow final_flow;
	int error;			/* 0 or -errno (see above) */
	char errmsg[160];
};

void wft_xlate_out_init(struct wft_xlate_out *out);
void wft_xlate_out_uninit(struct wft_xlate_out *out);

/*
 * Translates @in into @out (initialized by the caller, reused freely after
 * wft_xlate_out_uninit()). Takes the pipeline's read lock for its whole
 * run. Returns out->error.
 */
int wft_xlate(const struct wft_xlate_in *in, struct wft_xlate_out *out);

/*
 * For the NORMAL hook (and other bridge logic running inside a
 * translation). The flow is the packet as the pipeline has changed it so
 * far; whatever the hook reads from it must be added to the mask. The hook
 * runs under the pipeline's read lock: it must not change rules.
 */
const struct wft_flow *wft_xlate_flow(const struct wft_xlate_ctx *ctx);
struct wft_flow_wc *wft_xlate_wc(struct wft_xlate_ctx *ctx);
const struct wft_xlate_bridge *
wft_xlate_bridge(const struct wft_xlate_ctx *ctx);
/* in->may_learn of this translation. */
bool wft_xlate_may_learn(const struct wft_xlate_ctx *ctx);
/* output:@ofp_port, as the action would (in_port and reserved ports
 * included). */
void wft_xlate_output(struct wft_xlate_ctx *ctx, uint32_t ofp_port);
/* Outputs to @ofp_port with the outer VLAN TCI set to @vlan_tci for this
 * output only (0: untagged), as NORMAL does for access and trunk ports. */
void wft_xlate_output_vlan(struct wft_xlate_ctx *ctx, uint32_t ofp_port,
			   uint16_t vlan_tci);
/* FLOOD (@all false) or ALL. */
void wft_xlate_flood(struct wft_xlate_ctx *ctx, bool all);
/* Adds a note to the trace, when one is being recorded. */
void wft_xlate_note(struct wft_xlate_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The userdata of a userspace action xlate emits for a controller action
 * (WEFT_USERSPACE_A_USERDATA), all multi-byte fields big-endian:
 *     0  u8    WFT_UD_CONTROLLER
 *     1  u8    reason: 0 no_match, 1 action, 2 invalid_ttl
 *     2  be16  max_len (0xffff: whole packet)
 *     4  be16  controller_id
 *     6  u8    table_id of the rule that sent it
 *     7  u8    flags: WFT_UD_F_PAUSE
 *     8  be64  the rule's cookie
 *    16  be64  metadata
 *    24  be32  in_port (OpenFlow)
 *    28  be32  reg0..reg15
 *    92        the controller action's own userdata
 * so that the packet-in carries the pipeline state OVN's controller
 * actions need.
 */
#define WFT_UD_CONTROLLER	1
#define WFT_UD_F_PAUSE		0x01
#define WFT_UD_HDR_LEN		92

enum {
	WFT_PACKET_IN_NO_MATCH = 0,
	WFT_PACKET_IN_ACTION = 1,
	WFT_PACKET_IN_INVALID_TTL = 2,
};

struct wft_packet_in_md {
	uint8_t reason;
	uint8_t table_id;
	uint8_t flags;
	uint16_t max_len;
	uint16_t controller_id;
	uint64_t cookie;		/* host order */
	uint64_t metadata;		/* host order */
	uint32_t in_port;
	uint32_t regs[16];		/* host order */
	const uint8_t *userdata;	/* points into the parsed buffer */
	size_t userdata_len;
	/* Set by the upcall handler (not by the parser): the datapath and
	 * the upcall's key, for a controller that sends packets back
	 * (ovn_pinctrl.h). Valid during the packet-in callback only. */
	uint32_t dp_ifindex;
	const void *key;
	size_t key_len;
};

/* Reads userdata @data; returns 0, or -EINVAL when it is not xlate's. */
int wft_xlate_userdata_parse(const void *data, size_t len,
			     struct wft_packet_in_md *md);

#endif /* WEFT_XLATE_H */
