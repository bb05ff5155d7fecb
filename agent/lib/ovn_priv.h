/* SPDX-License-Identifier: GPL-2.0 */
/* The OVN chassis component's state, shared by ovn_chassis.c (session,
 * registration, nb_cfg, exit), ovn_binding.c (port claims) and
 * ovn_appctl.c (ovn/status). */
#ifndef WEFT_OVN_PRIV_H
#define WEFT_OVN_PRIV_H

#include <limits.h>

#include "weft/daemon.h"
#include "weft/lflow.h"
#include "weft/lflow_actions.h"
#include "weft/ofproto.h"
#include "weft/ovn_node.h"
#include "weft/ovsdb_client.h"
#include "weft/ovsdb_replica.h"

struct wft_backer;
struct wft_ovn_lcache;
struct wft_ovn_crule;
struct wft_pipeline;

struct wft_ovn_strset {
	char **v;
	size_t n;
};

/*
 * What the chassis' flows are computed from (ovn_local.c): the local
 * datapaths (those of the ports bound here, and the ones patch ports
 * lead to), their ports, multicast groups, and the other chassis the
 * flows tunnel to. Rebuilt from the replica by every full recompute;
 * row pointers are valid until the replica next changes.
 */
enum wft_ovn_port_kind {
	WFT_OVN_PORT_LOCAL,		/* a VIF bound here, or a localport
					 * whose interface is here */
	WFT_OVN_PORT_REMOTE,		/* bound on another chassis */
	WFT_OVN_PORT_PATCH,		/* to a peer in another datapath; also
					 * an l3gateway port of this chassis */
	WFT_OVN_PORT_LOCALNET,		/* localnet, its network mapped to a
					 * bridge here (ovn_localnet.c) */
	WFT_OVN_PORT_OTHER,		/* unbound, or a type not handled */
	WFT_OVN_PORT_REDIRECT,		/* a chassisredirect port active
					 * here: peer is its distributed
					 * port */
};

struct wft_ovn_dp {
	struct wft_uuid uuid;
	uint32_t key;			/* tunnel_key */
	bool is_switch;			/* external_ids:logical-switch */
	uint16_t dnat_zone, snat_zone;
	/* The localnet port through which this chassis reaches the
	 * datapath's ports elsewhere (instead of tunnels), as
	 * ovn-controller's ld->localnet_port: the first one mapped. */
	bool has_localnet;
	size_t localnet;		/* index in view.ports */
};

struct wft_ovn_port {
	const char *name;		/* logical_port */
	const char *type;
	struct wft_uuid uuid;
	size_t dp;			/* index in view.dps */
	uint32_t key;			/* tunnel_key */
	enum wft_ovn_port_kind kind;
	const char *iface;		/* LOCAL: the interface */
	uint32_t ofport;		/* LOCAL: its OpenFlow port, 0: none;
					 * LOCALNET: br-int's patch port */
	uint16_t tag;			/* LOCALNET: VLAN id, 0: untagged */
	uint16_t tpid;			/* LOCALNET: the tag's ethertype */
	const char *bridge;		/* LOCALNET: the mapped bridge */
	size_t chassis;			/* REMOTE: index in view.chassis */
	size_t peer;			/* PATCH, REDIRECT: index in
					 * view.ports */
	bool has_peer;
	bool resident;			/* is_chassis_resident() */
	uint16_t zone;
};

struct wft_ovn_mcgroup {
	const char *name;
	size_t dp;
	uint32_t key;
	size_t *ports;			/* indexes in view.ports */
	size_t n_ports;
};

/* Another chassis, and the tunnel port to it. */
struct wft_ovn_remote {
	struct wft_uuid uuid;
	const char *name;
	const char *type;		/* "geneve" or "vxlan"; NULL: none */
	const char *ip;
	bool csum;
	char port[16];			/* ovn-<name>-0, 15 chars at most */
	uint32_t ofport;		/* 0: not in the bridge yet */
};

struct wft_ovn_view {
	struct wft_ovn_dp *dps;
	size_t n_dps;
	struct wft_ovn_port *ports;
	size_t n_ports;
	struct wft_ovn_mcgroup *mcs;
	size_t n_mcs;
	struct wft_ovn_remote *chassis;
	size_t n_chassis;
	/* Patch peers not in the replica yet: the monitor asks for them. */
	struct wft_ovn_strset missing_peers;
	bool vxlan_mode;		/* some chassis has only vxlan */
};

/* lflow/stats (ovn_flows.c, shown by ovn_appctl.c). */
#define WFT_OVN_SKIPS_KEPT 20
struct wft_ovn_flow_stats {
	unsigned long rows_compiled, rows_skipped, rules_lflow, rules_phys;
	/* Rows tagged in_out_port for a port that is not here. */
	unsigned long rows_elsewhere;
	unsigned long rules_lookup;	/* tables 66..75 (ovn_lookup.h) */
	unsigned long duplicates;	/* same match, other actions */
	unsigned long groups;		/* ct_lb select groups */
	unsigned long rules_installed;
	unsigned long install_mods;	/* flow_mods of the last install */
	unsigned long full_recomputes, incremental_runs;
	bool last_was_full;
	/* (row, datapath) pairs compiled by the last pass; the others
	 * came from the cache (ovn_lflows.c). */
	unsigned long rows_recompiled;
	/* Of those, copied from the row's entry in another datapath. */
	unsigned long rows_shared;
	unsigned long fast_passes;	/* over changed rows only */
	unsigned long added, deleted, modified;	/* by the last install */
	double last_compile_ms;
	/* The last passes, oldest first, for lflow/stats' "passes". */
#define WFT_OVN_PASSES_KEPT 16
	struct wft_ovn_pass {
		double at_ms;		/* monotonic, when it ended */
		double ms;		/* how long it took */
		unsigned long recompiled, mods;
		bool full;		/* the cache was new */
	} passes[WFT_OVN_PASSES_KEPT];
	unsigned long n_passes;
	struct {
		char uuid[40];
		char reason[200];
	} skips[WFT_OVN_SKIPS_KEPT];
	size_t n_skips;
	/* Skip reasons and how many rows each. */
	struct {
		char *reason;
		unsigned long n;
	} *reasons;
	size_t n_reasons;
	char error[256];		/* why the last install failed */
};

/* A physical flow's text and the flow parsed from it (ovn_flows.c). */
struct wft_ovn_phys {
	char *text;
	struct wft_ofp_flow flow;
};

/* The start, step by step (ovn_timeline.c): ms since the session. */
enum wft_ovn_step {
	WFT_OVN_T_ACTIVE,		/* connected, first monitor reply */
	WFT_OVN_T_REGISTERED,		/* the Chassis row in the replica */
	WFT_OVN_T_CLAIMS_SENT,
	WFT_OVN_T_CLAIMS_DONE,
	WFT_OVN_T_LOCAL_FLOWS,		/* a pass with every VIF installed */
	WFT_OVN_T_UP_SENT,		/* Port_Binding.up = true */
	WFT_OVN_T_OVN_INSTALLED,	/* every interface's ovn-installed */
	WFT_OVN_T_NB_CFG_ACKED,
	WFT_OVN_T_N
};

struct wft_ovn_timeline {
	double t0;			/* monotonic ms; 0: not started */
	double at[WFT_OVN_T_N];		/* -1: not yet */
	double pass_ms;			/* the flow passes' time until */
	unsigned int n_passes;		/* nb_cfg was acknowledged */
	/* Every acknowledgement, later: monotonic ms of the last update
	 * that touched the flows and of the acknowledgement's send. */
	double update_at, ack_sent_at;
};

void wft_ovn_timeline_start(struct wft_ovn_timeline *tl);
/* Records @step's first time (later ones are ignored) and logs it. */
void wft_ovn_timeline_mark(struct wft_ovn_timeline *tl,
			   enum wft_ovn_step step);
void wft_ovn_timeline_pass(struct wft_ovn_timeline *tl, double ms);
/* An update that touched the flows; an nb_cfg acknowledgement sent and
 * done (logged with the time from the update: issue 8's ACL change). */
void wft_ovn_timeline_update(struct wft_ovn_timeline *tl);
void wft_ovn_timeline_ack_sent(struct wft_ovn_timeline *tl);
void wft_ovn_timeline_ack_done(struct wft_ovn_timeline *tl, int64_t nb_cfg);
json_t *wft_ovn_timeline_json(const struct wft_ovn_timeline *tl);

struct wft_ovn {
	struct wft_daemon *d;
	struct wft_ovn_timeline tl;	/* the start's steps */
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
	bool settled_once;		/* rules in for a complete replica */
	bool conf_self;			/* committing wft_ovn_cmds_run()'s */

	/* Bindings (ovn_binding.c). */
	struct wft_ovn_iface *ifaces;	/* on ovn-bridge, with iface-id */
	size_t n_ifaces;
	struct wft_ovn_strset owned;	/* iface-ids bound here */
	struct wft_ovn_strset lost;	/* taken by another chassis */
	/* The conditions and the binding are worked out again only when
	 * what they read changed (wft_ovn_bind_affected(), the
	 * configuration, the session, a transaction's outcome) or the
	 * flows' installed state did: most passes (an ACL's logical flows,
	 * nb_cfg going round) change none of it. */
	bool bind_dirty;
	bool bind_installed;		/* flows installed, at the last one */
	/*
	 * Work that must be in the datapath before Port_Binding.up, the
	 * interface's ovn-installed and nb_cfg are acknowledged. Nothing
	 * sets it yet: there are no physical or logical flows to install.
	 * The logical flow compiler will raise it while it compiles and
	 * installs, and drop it (then schedule a pass) once the datapath
	 * holds the flows for the replica it read.
	 */
	unsigned int flows_pending;
	bool flows_dirty;		/* the replica or conf changed */
	/* Since the last pass: something besides Logical_Flow rows
	 * changed (a pass over everything), or only these rows. */
	bool flows_all;
	struct wft_uuid *lflows_changed;
	size_t n_lflows_changed, lflows_changed_cap;
	unsigned long flows_gen;	/* counts the changes */

	/* Flows (ovn_flows.c, ovn_local.c, ovn_zones.c, ovn_physical.c,
	 * ovn_lflows.c, ovn_tunnels.c). */
	struct wft_ovn_view view;
	struct wft_ovn_zones *zones;
	struct wft_lflow_stats lflow_st;
	struct wft_ovn_flow_stats fst;
	struct wft_ovn_lcache *lcache;	/* compiled logical flows */
	bool no_share;			/* tests: compile every datapath's */
	double cond_wait_since;		/* ms: a pass waits for a condition */
	struct wft_ovn_phys *phys;	/* the last pass', by text */
	size_t n_phys;
	/* The physical and lookup rules in the desired index, packed. */
	struct wft_ovn_crule *extras;
	size_t n_extras;
	/* What the last install left: br-int's rule count, and the index
	 * it was made from (another index: the next install is in full). */
	size_t installed_n;
	const void *installed_index;

	/* Localnet ports (ovn_localnet.c): external_ids:ovn-bridge-mappings
	 * (networks whose bridge exists), read by every pass over
	 * everything; the "port;network" pairs already logged as unmapped. */
	struct wft_ovn_mapping {
		char *network, *bridge;
	} *mappings;
	size_t n_mappings;
	struct wft_ovn_strset unmapped_logged;

	unsigned int n_txns, n_txn_failures, n_claims, n_releases, n_lost;
};

static inline bool wft_ovn_flows_installed(const struct wft_ovn *o)
{
	return !o->flows_pending;
}

int wft_ovn_send(struct wft_ovn *o, struct wft_ovsdb_txn *t,
		 const char *what);
/* A pass of the chassis in @ms (0: at once), from the loop. */
void wft_ovn_schedule_in(struct wft_ovn *o, uint64_t ms);

/* ovn_binding.c */
void wft_ovn_conf_changed(struct wft_ovn *o);
void wft_ovn_set_conditions(struct wft_ovn *o, struct wft_ovsdb_replica *r);
/* Claims, releases, up=true: returns true when a transaction went out;
 * else brings the interfaces' ovn-installed up to date. */
bool wft_ovn_bind(struct wft_ovn *o, struct wft_ovsdb_replica *r);
/* The update being applied changed rows the binding or the conditions
 * read. */
bool wft_ovn_bind_affected(struct wft_ovsdb_replica *r);
void wft_ovn_bindings_reset(struct wft_ovn *o);
/* Creates ovn-bridge (fail_mode=secure) when missing. */
void wft_ovn_ensure_bridge(struct wft_ovn *o);
bool wft_ovn_strset_has(const struct wft_ovn_strset *s, const char *v);

/* ovn_binding.c: weft-vsctl commands on the configuration. */
int wft_ovn_vsctl(struct wft_ovn *o, int argc, char **argv);
/* Commands gathered for one commit: a commit saves the configuration
 * and reconfigures every bridge, and a pass may have tens of them. */
struct wft_ovn_cmds {
	char **argv;
	int argc;
};
void wft_ovn_cmds_add(struct wft_ovn_cmds *c, int argc, char **argv);
/* Runs @c's commands (if any) as one commit and empties @c. The commit
 * is the chassis' own bookkeeping (ovn-installed, tunnel ports, zone
 * keys), which the pass that makes it accounts for: it does not make
 * the flows dirty. */
int wft_ovn_cmds_run(struct wft_ovn *o, struct wft_ovn_cmds *c);
void wft_ovn_strset_add(struct wft_ovn_strset *s, const char *v);
void wft_ovn_strset_clear(struct wft_ovn_strset *s);

/* ovn_pb_names.c: Port_Binding rows by logical_port, valid until the
 * replica changes. */
struct wft_ovn_pb_names {
	struct wft_ovn_pb_name *v;
	size_t n;
};

void wft_ovn_pb_names_build(struct wft_ovn_pb_names *x,
			    struct wft_ovsdb_replica *r);
struct wft_ovsdb_row *wft_ovn_pb_names_find(const struct wft_ovn_pb_names *x,
					    const char *name);
void wft_ovn_pb_names_free(struct wft_ovn_pb_names *x);

/* ovn_local.c */
void wft_ovn_view_build(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			struct wft_ovn_view *v);
void wft_ovn_view_free(struct wft_ovn_view *v);
/* The local datapaths' UUIDs (*@dps, malloc'ed) and the names of the
 * patch peers the replica lacks, for the monitor conditions; with
 * @to_claim, also those of the unbound VIFs with an interface here. */
size_t wft_ovn_local_dps(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			 struct wft_uuid **dps, struct wft_ovn_strset *peers,
			 bool to_claim);
bool wft_ovn_uuid_is(const struct wft_ovsdb_datum *d,
		     const struct wft_uuid *u);

/* ovn_gateway.c: l3gateway Port_Bindings (a gateway router's links). */
bool wft_ovn_gw_port(const struct wft_ovsdb_row *pb);
/* An l3gateway port whose l3gateway-chassis is this chassis: claimed
 * here and a patch port here. */
bool wft_ovn_gw_port_here(const struct wft_ovn *o,
			  const struct wft_ovsdb_row *pb);

/* ovn_ha_chassis.c: chassisredirect Port_Bindings (distributed gateway
 * ports) and the HA_Chassis_Group that says which chassis hosts each. */
bool wft_ovn_redirect_port(const struct wft_ovsdb_row *pb);
/* The active chassis of @pb's group (the one @pb is bound to when it
 * has no group); NULL: none. */
const struct wft_uuid *wft_ovn_redirect_chassis(struct wft_ovsdb_replica *r,
						const struct wft_ovsdb_row *pb);
/* A chassisredirect port whose active chassis is this one: claimed
 * here, is_chassis_resident() here, its traffic handed to its
 * distributed port here. */
bool wft_ovn_redirect_here(const struct wft_ovn *o,
			   struct wft_ovsdb_replica *r,
			   const struct wft_ovsdb_row *pb);
/* A chassisredirect port whose group lists this chassis, active or not:
 * its datapath is local, as ovn-controller makes it. */
bool wft_ovn_redirect_member(const struct wft_ovn *o,
			     struct wft_ovsdb_replica *r,
			     const struct wft_ovsdb_row *pb);

/* ovn_zones.c: conntrack zones of local ports and datapaths, stable
 * while they stay local. */
struct wft_ovn_zones;
struct wft_ovn_zones *wft_ovn_zones_new(void);
void wft_ovn_zones_free(struct wft_ovn_zones *z);
/* Gives every port and datapath of @v its zones; forgets the others. */
void wft_ovn_zones_assign(struct wft_ovn_zones *z, struct wft_ovn_view *v);
/* @name had @zone before a restart: it gets it back when it shows up,
 * and keeps it reserved until wft_ovn_zones_settle(). False when @zone
 * is out of range or taken, or @name has one already. */
bool wft_ovn_zones_restore(struct wft_ovn_zones *z, const char *name,
			   unsigned int zone);
/* The chassis has settled: restored names that did not show up in the
 * last assignment give their zones back. True if any did. */
bool wft_ovn_zones_settle(struct wft_ovn_zones *z);
size_t wft_ovn_zones_count(const struct wft_ovn_zones *z);
/* The @i-th name and its zone. */
const char *wft_ovn_zones_at(const struct wft_ovn_zones *z, size_t i,
			     unsigned int *zone);

/* ovn_zones_persist.c: the zones in ovn-bridge's external_ids, as
 * ovn-controller keeps them (ct-zone-LPORT, ct-zone-DPUUID_dnat and
 * _snat). Load makes o->zones from the keys (once, before the first
 * assignment); save brings the keys up to date with o->zones. */
void wft_ovn_zones_load(struct wft_ovn *o);
void wft_ovn_zones_save(struct wft_ovn *o);

/* ovn_tunnels.c: a tunnel port on ovn-bridge per other chassis of @v
 * (creates, updates, deletes through the configuration), and each one's
 * OpenFlow port. */
void wft_ovn_tunnels_sync(struct wft_ovn *o, struct wft_ovn_view *v);

/* ovn_localnet.c: localnet ports and the bridge mappings. */
/* o->mappings from the configuration's ovn-bridge-mappings. */
void wft_ovn_localnet_mappings(struct wft_ovn *o);
/* Makes the localnet ports of @v's datapaths whose network_name is
 * mapped LOCALNET ports (logging the others once) and gives each
 * datapath its localnet port. */
void wft_ovn_localnet_view(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			   struct wft_ovn_view *v);
/* The patch port pairs between ovn-bridge and the mapped bridges, made
 * and deleted through the configuration, and each LOCALNET port's
 * OpenFlow port; false while one is not in the bridge yet. */
bool wft_ovn_localnet_sync(struct wft_ovn *o, struct wft_ovn_view *v);
void wft_ovn_localnet_uninit(struct wft_ovn *o);

/* ovn_physical.c: the flows of tables 0, 37..41, 64 and 65, as ovs-ofctl
 * texts appended to @texts (each malloc'ed). */
void wft_ovn_physical_flows(const struct wft_ovn_view *v,
			    const char *system_id, char ***texts, size_t *n);

/* ovn_lflows.c: every Logical_Flow of a local datapath compiled into
 * the cache (o->lcache) and its desired rule index, from the cache where
 * nothing the row read changed; counts in o->fst. */
void wft_ovn_lflows_compile(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			    const struct wft_ovn_view *v,
			    struct wft_lflow_groups *groups);
/* The fast path: only the Logical_Flow rows @rows changed (inserted,
 * modified or deleted), the view and everything else as the last pass
 * saw them; their entries compiled again or dropped. False (nothing
 * done) without a cache. */
bool wft_ovn_lflows_update_rows(struct wft_ovn *o,
				struct wft_ovsdb_replica *r,
				const struct wft_uuid *rows, size_t n,
				struct wft_lflow_groups *groups);
/* lflow/stats' row totals and skips recounted from the whole cache
 * (after a fast pass, which compiles only the changed rows). */
void wft_ovn_lflows_recount(struct wft_ovn *o);
/* Zeroes the row totals, skip reasons and skipped rows. */
void wft_ovn_flow_stats_reset(struct wft_ovn_flow_stats *fs);
/* Forgets the compiled rows: the next pass is a full recompute. */
void wft_ovn_lflows_reset(struct wft_ovn *o);

/* ovn_desired.c: rules sharing table, priority and match made one (their
 * conjunctions joined); returns how many other duplicates were dropped. */
unsigned long wft_ovn_desired_merge(struct wft_ofp_flow *rules, size_t *n);
/* The bridge's groups made @gs (ct_lb's select groups); *@changed when
 * any was added, modified or deleted. */
int wft_ovn_groups_install(struct wft_backer *b, const char *bridge,
			   const struct wft_lflow_groups *gs, bool *changed,
			   char *err, size_t errlen);

/* ovn_flows.c: recomputes and installs when dirty; raises flows_pending
 * while the installed rules are behind the replica. */
/* The desired set for o->view (built, zones and OpenFlow ports known):
 * physical, logical and lookup rules, duplicates merged; *@rulesp is
 * malloc'ed. @b parses the physical flows with the bridge's TLV map
 * (NULL: the default map, for tools and tests). */
void wft_ovn_flows_compute(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			   struct wft_backer *b,
			   struct wft_lflow_groups *groups,
			   struct wft_ofp_flow **rulesp, size_t *np);
/* The pass' rules into the desired index (o->lcache->index): what
 * wft_ovn_flows_compute() does before listing them. */
void wft_ovn_flows_update(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			  struct wft_backer *b,
			  struct wft_lflow_groups *groups);
/* The desired index installed into @p: in full (a replace-flows plan)
 * when @full, on the index' first install or when @p's rule count is
 * not what the last install left (someone else changed it), else only
 * the rules touched since the last install. */
int wft_ovn_flows_install(struct wft_ovn *o, struct wft_pipeline *p,
			  bool full, struct wft_ofproto_install_stats *st,
			  char *err, size_t errlen);
void wft_ovn_flows_run(struct wft_ovn *o, struct wft_ovsdb_replica *r);
/* Flows due: mark_dirty for a pass over everything (configuration);
 * changed for an SB update (wft_ovn_flows_affected() said what). */
void wft_ovn_flows_mark_dirty(struct wft_ovn *o);
void wft_ovn_flows_changed(struct wft_ovn *o);
/* The fast path of a pass: when only Logical_Flow rows changed since the
 * last one (and that one installed), just those rows are compiled and
 * their rules installed into @p (*@ret: 0 or -errno with @err). False
 * when a pass over everything is due. */
bool wft_ovn_flows_fast(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			struct wft_pipeline *p,
			struct wft_ofproto_install_stats *st, int *ret,
			char *err, size_t errlen);
/* ovn_flows_inputs.c: whether the replica's tracked changes touch what
 * the flows are computed from (not nb_cfg, Chassis_Private, .up); notes
 * the Logical_Flow rows changed, or raises o->flows_all. */
bool wft_ovn_flows_affected(struct wft_ovn *o, struct wft_ovsdb_replica *r);
/* Forgets the physical flows parsed by earlier passes. */
void wft_ovn_phys_forget(struct wft_ovn *o);
void wft_ovn_flows_uninit(struct wft_ovn *o);
json_t *wft_ovn_flow_stats_json(const struct wft_ovn *o);

/* ovn_appctl.c */
int wft_ovn_appctl_register(struct wft_ovn *o);
void wft_ovn_appctl_unregister(struct wft_ovn *o);
/* ovn_portinfo.c: ovn/port-info, for weft-cni */
int wft_ovn_portinfo_register(struct wft_ovn *o);
void wft_ovn_portinfo_unregister(struct wft_ovn *o);
/* ovn_provenance_rpc.c: ovn/lflow-by-cookie */
int wft_ovn_provenance_register(struct wft_ovn *o);
void wft_ovn_provenance_unregister(struct wft_ovn *o);

#endif /* WEFT_OVN_PRIV_H */
