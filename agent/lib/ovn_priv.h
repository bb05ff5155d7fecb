/* SPDX-License-Identifier: GPL-2.0 */
/* The OVN chassis component's state, shared by ovn_chassis.c (session,
 * registration, nb_cfg, exit), ovn_binding.c (port claims) and
 * ovn_appctl.c (ovn/status). */
#ifndef WEFT_OVN_PRIV_H
#define WEFT_OVN_PRIV_H

#include <limits.h>

#include "weft/daemon.h"
#include "weft/ovn_node.h"
#include "weft/ovsdb_client.h"

struct wft_ovn_strset {
	char **v;
	size_t n;
};

struct wft_ovn {
	struct wft_daemon *d;
	struct wft_ovn_node node;
	char node_error[256];		/* why the keys were refused */
	char host[HOST_NAME_MAX + 1];
	char iface_types[256];		/* "iface-types=..." */
	char monitor_all_kv[32];	/* "ovn-monitor-all=..." */
	struct wft_ovsdb_client *client;
	struct wft_timer *run_timer;
	bool freeing;			/* the client is being freed */
	bool txn_busy;
	const char *txn_what;
	bool registered;		/* in this session */
	bool registered_once;		/* under this system-id */
	char *old_system_id;		/* renamed: rows to delete */
	struct wft_uuid chassis_uuid;
	int64_t nb_cfg_acked;
	bool leaving, leave_sent, left;	/* `weft-appctl exit` */

	/* Bindings (ovn_binding.c). */
	struct wft_ovn_iface *ifaces;	/* on ovn-bridge, with iface-id */
	size_t n_ifaces;
	struct wft_ovn_strset owned;	/* iface-ids bound here */
	struct wft_ovn_strset lost;	/* taken by another chassis */
	/*
	 * Work that must be in the datapath before Port_Binding.up, the
	 * interface's ovn-installed and nb_cfg are acknowledged. Nothing
	 * sets it yet: there are no physical or logical flows to install.
	 * The logical flow compiler will raise it while it compiles and
	 * installs, and drop it (then schedule a pass) once the datapath
	 * holds the flows for the replica it read.
	 */
	unsigned int flows_pending;

	unsigned int n_txns, n_txn_failures, n_claims, n_releases, n_lost;
};

static inline bool wft_ovn_flows_installed(const struct wft_ovn *o)
{
	return !o->flows_pending;
}

int wft_ovn_send(struct wft_ovn *o, struct wft_ovsdb_txn *t,
		 const char *what);

/* ovn_binding.c */
void wft_ovn_conf_changed(struct wft_ovn *o);
void wft_ovn_set_conditions(struct wft_ovn *o, struct wft_ovsdb_replica *r);
/* Claims, releases, up=true: returns true when a transaction went out;
 * else brings the interfaces' ovn-installed up to date. */
bool wft_ovn_bind(struct wft_ovn *o, struct wft_ovsdb_replica *r);
void wft_ovn_bindings_reset(struct wft_ovn *o);
/* Creates ovn-bridge (fail_mode=secure) when missing. */
void wft_ovn_ensure_bridge(struct wft_ovn *o);
bool wft_ovn_strset_has(const struct wft_ovn_strset *s, const char *v);

/* ovn_appctl.c */
int wft_ovn_appctl_register(struct wft_ovn *o);
void wft_ovn_appctl_unregister(struct wft_ovn *o);
/* ovn_portinfo.c: ovn/port-info, for weft-cni */
int wft_ovn_portinfo_register(struct wft_ovn *o);
void wft_ovn_portinfo_unregister(struct wft_ovn *o);

#endif /* WEFT_OVN_PRIV_H */
