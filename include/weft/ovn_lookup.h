/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lookup tables an OVN chassis builds from Southbound rows, which the
 * logical flows' lookup actions (get_arp, lookup_fdb, check_in_port_sec,
 * chk_lb_hairpin, ...) consult by loading arguments into registers,
 * resubmitting to the table and reading a result bit back
 * (agent/lib/lflow_ofpacts_lookup.c). Table numbers and flows are
 * ovn-controller 23.03's (ovn-23.03-facts.md §2.6, docs/ovn-lookup.md):
 *
 *   66 MAC_BINDING        MAC_Binding, Static_MAC_Binding: reg15 = port,
 *                         reg0/xxreg0 = IP -> eth.dst = MAC, flags[6] = 1
 *   67 MAC_LOOKUP         the same rows: reg14, IP, eth.src -> flags[6] = 1
 *   68 CHK_LB_HAIRPIN     Load_Balancer: backend to itself through a VIP
 *   69 CHK_LB_HAIRPIN_REPLY  the replies of such sessions (see below)
 *   70 CT_SNAT_HAIRPIN    ct(commit, zone=reg12, nat(src=VIP or
 *                         hairpin_snat_ip))
 *   71 GET_FDB            FDB: eth.dst -> reg15 = port
 *   72 LOOKUP_FDB         FDB: reg14, eth.src -> flags[8] = 1
 *   73 CHK_IN_PORT_SEC    Port_Binding.port_security of the ports bound
 *   74 CHK_IN_PORT_SEC_ND here: flags[12] = 1 when a packet fails
 *   75 CHK_OUT_PORT_SEC
 *
 * weft has no learn action: where ovn-controller's table-68 flows learn
 * a table-69 flow for each hairpin session, weft installs the flows those
 * learn actions would create, one per local datapath of the load
 * balancer and backend, from the start (docs/ovn-lookup.md says why this
 * is the same verdict).
 *
 * Everything here is a pure function of the replica and the context: no
 * state, no I/O. The chassis calls wft_ovn_lookup_build() after every
 * replica change (a full rebuild) and diffs the result against what it
 * installed; the per-row functions let it rebuild only the rows that
 * changed instead (each flow records the UUID of the row it came from,
 * and its cookie is the first 32 bits of that UUID, as ovn-controller's).
 */
#ifndef WEFT_OVN_LOOKUP_H
#define WEFT_OVN_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/conf.h"		/* struct wft_uuid */
#include "weft/ofp_flow.h"
#include "weft/ovsdb_replica.h"

/* ovn-controller 23.03's table numbers (controller/lflow.h). */
enum {
	WFT_OVN_T_MAC_BINDING = 66,
	WFT_OVN_T_MAC_LOOKUP = 67,
	WFT_OVN_T_CHK_LB_HAIRPIN = 68,
	WFT_OVN_T_CHK_LB_HAIRPIN_REPLY = 69,
	WFT_OVN_T_CT_SNAT_HAIRPIN = 70,
	WFT_OVN_T_GET_FDB = 71,
	WFT_OVN_T_LOOKUP_FDB = 72,
	WFT_OVN_T_CHK_IN_PORT_SEC = 73,
	WFT_OVN_T_CHK_IN_PORT_SEC_ND = 74,
	WFT_OVN_T_CHK_OUT_PORT_SEC = 75,
	WFT_OVN_T_ECMP_NH_MAC = 76,
	WFT_OVN_T_ECMP_NH = 77,
	WFT_OVN_T_CHK_LB_AFFINITY = 78,
};

/* The result bits in the logical flags (reg10), logical-fields.h's MLF_*. */
enum {
	WFT_OVN_MLF_LOOKUP_MAC = 6,
	WFT_OVN_MLF_LOOKUP_LB_HAIRPIN = 7,
	WFT_OVN_MLF_LOOKUP_FDB = 8,
	WFT_OVN_MLF_CHECK_PORT_SEC = 12,
	WFT_OVN_MLF_USE_LB_AFF_SESSION = 14,
};

/* Flows built (ADD flow_mods with table, priority, cookie, match and
 * actions), each with the UUID of the SB row it came from in @src[i]. */
struct wft_ovn_lookup_flows {
	struct wft_ofp_flow *flows;
	struct wft_uuid *src;
	size_t n;
	size_t allocated;
	unsigned long n_skipped;	/* rows skipped: a bad MAC, IP, VIP */
};

void wft_ovn_lookup_flows_init(struct wft_ovn_lookup_flows *f);
void wft_ovn_lookup_flows_uninit(struct wft_ovn_lookup_flows *f);

struct wft_ovn_lookup_port;	/* private: the Port_Binding index */
struct wft_ovn_lookup_dp;	/* private: Datapath_Binding by UUID */

/*
 * What the builders need besides the rows: which datapaths are local
 * (ovn-controller's local_datapaths: those of the ports bound here and
 * those reachable from them through patch ports; the chassis computes
 * them), and which Chassis row is this chassis (port security is built
 * only for the ports bound to it). wft_ovn_lookup_ctx_init() indexes the
 * replica's Port_Binding and Datapath_Binding rows; rebuild the context
 * (uninit, init) when those tables change.
 */
struct wft_ovn_lookup_ctx {
	struct wft_ovsdb_replica *sb;
	struct wft_uuid chassis;
	bool (*dp_is_local)(void *aux, uint32_t dp_key);
	void *aux;
	/* SB_Global options:lb_hairpin_use_ct_mark (northd 23.03 sets it):
	 * hairpin flows match ct_mark.natted, else ct_label.natted. */
	bool use_ct_mark;
	/* Private. */
	struct wft_ovn_lookup_port *ports;	/* sorted by name */
	size_t n_ports;
	struct wft_ovn_lookup_dp *dps;		/* sorted by UUID */
	size_t n_dps;
};

void wft_ovn_lookup_ctx_init(struct wft_ovn_lookup_ctx *ctx,
			     struct wft_ovsdb_replica *sb,
			     const struct wft_uuid *chassis,
			     bool (*dp_is_local)(void *aux, uint32_t dp_key),
			     void *aux);
void wft_ovn_lookup_ctx_uninit(struct wft_ovn_lookup_ctx *ctx);

/*
 * Appends to @out the flows of tables 66..75 for every row of the replica
 * (MAC_Binding, Static_MAC_Binding, FDB, Port_Binding, Load_Balancer),
 * in no particular order. Returns the number of flows appended.
 */
size_t wft_ovn_lookup_build(const struct wft_ovn_lookup_ctx *ctx,
			    struct wft_ovn_lookup_flows *out);

/*
 * One row's flows, for incremental updates: remove the flows whose src
 * is the row's UUID, then append the row's new ones. Each returns the
 * number of flows appended (0 for a row that is not local), or -EINVAL
 * for a row it cannot use (counted in @out->n_skipped).
 */
/* A MAC_Binding or Static_MAC_Binding row: tables 66 and 67. */
int wft_ovn_lookup_neighbor(const struct wft_ovn_lookup_ctx *ctx,
			    const struct wft_ovsdb_row *row,
			    struct wft_ovn_lookup_flows *out);
/* An FDB row: tables 71 and 72. */
int wft_ovn_lookup_fdb(const struct wft_ovn_lookup_ctx *ctx,
		       const struct wft_ovsdb_row *row,
		       struct wft_ovn_lookup_flows *out);
/* A Port_Binding row bound to this chassis: tables 73, 74 and 75. */
int wft_ovn_lookup_port_sec(const struct wft_ovn_lookup_ctx *ctx,
			    const struct wft_ovsdb_row *pb,
			    struct wft_ovn_lookup_flows *out);
/* A Load_Balancer row with a local datapath: tables 68, 69 and 70. */
int wft_ovn_lookup_lb(const struct wft_ovn_lookup_ctx *ctx,
		      const struct wft_ovsdb_row *lb,
		      struct wft_ovn_lookup_flows *out);

#endif /* WEFT_OVN_LOOKUP_H */
