/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Chassis registration in the OVN Southbound database, as ovn-controller
 * 23.03 does it: one Chassis row named after the node's system-id (with
 * hostname, other_config and encaps), one Encap row per tunnel type
 * (options:csum=true, which ovn-controller writes for every encap), and a
 * Chassis_Private row of the same name pointing at the Chassis.
 *
 * Each function reads the replica (a wft_ovsdb_client's, monitoring at
 * least Chassis, Encap and Chassis_Private) and builds the transaction
 * that brings the database to the wanted state, or none when it is there
 * already. A Chassis row of the same name left by an earlier run (or by
 * ovn-controller) is taken over, keeping its UUID: its columns are
 * rewritten and its encaps replaced when they differ. Every transaction
 * waits, first, for the rows it read to be as the replica saw them, so a
 * concurrent change fails it with WFT_OVSDB_TXN_TRY_AGAIN: rebuild it from
 * the replica once that has caught up, and send it again.
 */
#ifndef WEFT_SB_CHASSIS_H
#define WEFT_SB_CHASSIS_H

#include "weft/ovsdb_client.h"

struct wft_sb_chassis_cfg {
	const char *name;		/* system-id */
	const char *hostname;
	/* NULL-terminated: "geneve", "vxlan" (one Encap each). */
	const char *const *encap_types;
	const char *encap_ip;
	/*
	 * Chassis.other_config, exactly (keys written by someone else are
	 * removed): each feature as "KEY"="true" (e.g. "port-up-notif":
	 * advertise only what weft implements, ovn-northd compiles for the
	 * least capable chassis), then "KEY=VALUE" pairs such as
	 * "iface-types=geneve,vxlan" or "ovn-monitor-all=false".
	 */
	const char *const *features;
	const char *const *other_config;
};

/* The Chassis / Chassis_Private row named @name, or NULL. */
struct wft_ovsdb_row *wft_sb_chassis_find(struct wft_ovsdb_replica *r,
					  const char *name);
struct wft_ovsdb_row *wft_sb_chassis_private_find(struct wft_ovsdb_replica *r,
						  const char *name);

/*
 * Registers (or takes over, or repairs) the chassis. Returns 0 with a new
 * transaction in *@txnp, or with NULL when the database already matches
 * @cfg; -EINVAL with @err for a bad @cfg or a replica without the SB
 * tables.
 */
int wft_sb_chassis_register(struct wft_ovsdb_replica *r,
			    const struct wft_sb_chassis_cfg *cfg,
			    struct wft_ovsdb_txn **txnp,
			    struct wft_strbuf *err);

/* Acknowledges @nb_cfg in Chassis_Private (what `ovn-nbctl --wait=hv`
 * waits for), with @timestamp_ms. NULL when already acknowledged or when
 * there is no Chassis_Private row yet. */
struct wft_ovsdb_txn *wft_sb_chassis_ack_nb_cfg(struct wft_ovsdb_replica *r,
						const char *name,
						int64_t nb_cfg,
						int64_t timestamp_ms);

/* Leaves as ovn-controller does on exit: every Port_Binding bound to the
 * chassis unbound (chassis=[]), the Chassis and Chassis_Private rows
 * deleted (the Encaps go with the Chassis). NULL when not registered. */
struct wft_ovsdb_txn *wft_sb_chassis_unregister(struct wft_ovsdb_replica *r,
						const char *name);

#endif /* WEFT_SB_CHASSIS_H */
