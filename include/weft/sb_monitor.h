/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a chassis monitors of the OVN Southbound database. Like
 * ovn-controller with ovn-monitor-all=false, it narrows the big tables to
 * what concerns its local datapaths:
 *
 *  Logical_Flow     logical_datapath is local, or logical_dp_group is a
 *                   Logical_DP_Group (read from the replica) that holds a
 *                   local datapath
 *  Port_Binding     datapath is local, or logical_port is one of the
 *                   chassis' interfaces (iface-id: how it finds the ports
 *                   to claim, hence its first local datapaths), or chassis
 *                   is this chassis
 *  Multicast_Group  datapath is local
 *  MAC_Binding      datapath is local
 *
 * and takes every other table whole (Logical_DP_Group included, which the
 * Logical_Flow condition depends on). With monitor_all, everything. A
 * table whose condition has no clause gets [false].
 */
#ifndef WEFT_SB_MONITOR_H
#define WEFT_SB_MONITOR_H

#include "weft/ovsdb_client.h"

struct wft_sb_local {
	const struct wft_uuid *datapaths;	/* local Datapath_Bindings */
	size_t n_datapaths;
	const char *const *iface_ids;		/* NULL-terminated, or NULL */
	const struct wft_uuid *chassis;		/* this chassis, or NULL */
	const char *chassis_name;		/* its name, or NULL */
	bool monitor_all;
};

/* Sets the conditions of the four tables on @c (sent at once when a
 * session is active, else used by the next one); only tables whose
 * condition changes cause a monitor_cond_change. Call it again when the
 * local datapaths or the replica's Logical_DP_Groups change. Returns 0 or
 * -EINVAL (no replica yet: call it from on_update/on_state). */
int wft_sb_monitor_local(struct wft_ovsdb_client *c,
			 const struct wft_sb_local *local);

#endif /* WEFT_SB_MONITOR_H */
