/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ofproto: weftd's bridges as the pipeline and xlate see them, all on
 * the one datapath (bridge.h).
 *
 * A backer (struct wft_backer, as OVS's dpif_backer) holds every bridge
 * (struct wft_ofproto) of the datapath and maps each datapath port to its
 * bridge and OpenFlow port, so that an upcall's in_port finds the bridge
 * whose pipeline runs first. A bridge has a pipeline, a MAC table for
 * NORMAL, and ports: OpenFlow number, datapath number, name, type, VLAN
 * settings for NORMAL (Port vlan_mode/tag/trunks) and, for a patch port,
 * its peer in another bridge (xlate continues there, see xlate.h).
 *
 * DOC: Locking.
 * - The backer's ports lock (a reader-writer lock) guards the set of
 *   bridges and every bridge's ports: the struct wft_xlate_port pointers
 *   xlate's callbacks return, the datapath port map, the patch peers,
 *   which bridges are held (wft_backer_hold()).
 *   Only the main thread writes it (wft_backer_update()); handler
 *   threads, the revalidator and the main thread's RPCs hold it for
 *   reading around each translation or port lookup.
 * - Each pipeline has its own lock (pipeline.h), which xlate takes inside
 *   the ports lock, possibly several through patch ports, in any order.
 *   That cannot deadlock because rules, like ports, change in the main
 *   thread only: at most one writer ever waits, on one lock, while it
 *   holds none.
 * - MAC tables lock themselves, inside the pipeline's lock (NORMAL).
 * Order: ports lock -> pipeline locks -> MAC table locks. Pointers to
 * bridges and ports are valid while the ports lock is held, or in the
 * main thread between its own updates.
 */
#ifndef WEFT_OFPROTO_H
#define WEFT_OFPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/attrbuf.h"
#include "weft/dpif.h"
#include "weft/mac_learning.h"
#include "weft/pipeline.h"
#include "weft/xlate.h"

struct wft_backer;
struct wft_ofproto;

/* A port as the configuration describes it (wft_backer_update()). */
struct wft_port_cfg {
	const char *name;
	const char *type;		/* "", "system", "internal", "patch"... */
	uint32_t ofport;		/* OpenFlow; WFT_OFPP_LOCAL for the
					 * bridge's own port */
	uint32_t odp_port;		/* WFT_PORT_ANY: none (patch) */
	const char *peer;		/* patch: options:peer, else NULL */
	const char *vlan_mode;		/* NULL: by tag (mac_learning.h) */
	int tag;			/* -1: none */
	const uint16_t *trunks;
	size_t n_trunks;
	/* geneve/vxlan: the Interface's options (copied); NULL otherwise.
	 * odp_port is then the shared tunnel vport (bridge.h). */
	const struct wft_xlate_tunnel *tunnel;
};

/* The options of Interface @iface when it is a tunnel (geneve, vxlan), as
 * xlate uses them (tlv left NULL: the bridge sets it); false otherwise.
 * The row was validated (conf_validate.c). */
struct wft_row;
bool wft_ofproto_tunnel_cfg(const struct wft_row *iface,
			    struct wft_xlate_tunnel *t);

struct wft_bridge_cfg {
	const char *name;
	const struct wft_port_cfg *ports;
	size_t n_ports;
	const char *mac_aging_time;	/* other_config, NULL when absent */
	const char *mac_table_size;
	/* fail_mode standalone (not secure): when the bridge is created it
	 * gets OVS's default rule, table 0 "priority=0,actions=NORMAL",
	 * which users may delete. weftd's rules are not persistent, so a
	 * restart brings it back, as with ovs-vswitchd. */
	bool standalone;
};

/* Called in the main thread after anything xlate depends on changed. */
typedef void wft_backer_changed_cb(void *aux);

struct wft_backer *wft_backer_create(void);
void wft_backer_destroy(struct wft_backer *b);
void wft_backer_set_changed(struct wft_backer *b, wft_backer_changed_cb *cb,
			    void *aux);
/* Tells the changed callback (after rule changes made directly). */
void wft_backer_changed(struct wft_backer *b);

/*
 * Makes the bridges exactly @brs: new ones are created (empty pipeline),
 * missing ones destroyed, ports replaced, patch peers paired (a patch
 * port whose peer does not name it back, or names nothing, leads nowhere:
 * output to it drops). Problems (a bad VLAN setting, a lone patch port)
 * are logged and the port is kept without them. Main thread only.
 */
void wft_backer_update(struct wft_backer *b, const struct wft_bridge_cfg *brs,
		       size_t n);

/* The ports lock (see Locking). */
void wft_backer_read_lock(struct wft_backer *b);
void wft_backer_read_unlock(struct wft_backer *b);

/* Bridges by name, and all of them sorted by name (read lock held, or
 * the main thread). */
struct wft_ofproto *wft_backer_find(struct wft_backer *b, const char *name);
size_t wft_backer_bridges(struct wft_backer *b,
			  struct wft_ofproto *const **bridges);

/*
 * Changes when anything a translation reads may have changed: *@rules for
 * rules and ports, *@macs for MAC tables. Both only grow.
 */
void wft_backer_generation(struct wft_backer *b, uint64_t *rules,
			   uint64_t *macs);

/*
 * flow-restore-wait for one bridge (ofproto_hold.c): while the rules of
 * bridge @name are being rebuilt (an OVN chassis after a start), udpif
 * installs no flow for a packet that enters it, or a bridge patched to it
 * (the packet may cross into its tables), and keeps such flows of before
 * the start as they are; the other bridges go on as usual. @name need not
 * exist yet. NULL ends the hold and tells the changed callback, so that
 * the flows kept are revalidated. Main thread only.
 */
void wft_backer_hold(struct wft_backer *b, const char *name);
/* Whether @br is held (read lock held, or the main thread). */
bool wft_ofproto_held(const struct wft_ofproto *br);

const char *wft_ofproto_name(const struct wft_ofproto *br);
/* The bridge's GENEVE TLV map (tlv_map.h). Main thread only for changes:
 * mapping changes never move a mapped field. */
struct wft_tlv_map *wft_ofproto_tlv_map(const struct wft_ofproto *br);
struct wft_pipeline *wft_ofproto_pipeline(const struct wft_ofproto *br);
struct wft_mac_learning *wft_ofproto_mac(const struct wft_ofproto *br);

/* A bridge's ports, for dumps and names (read lock held). */
struct wft_ofproto_port_info {
	const char *name;
	const char *type;
	uint32_t ofport;		/* WFT_OFPP_LOCAL for the local port */
	uint32_t odp_port;		/* WFT_PORT_ANY: none */
	const char *peer;		/* patch, or NULL */
};
size_t wft_ofproto_n_ports(const struct wft_ofproto *br);
void wft_ofproto_port_get(const struct wft_ofproto *br, size_t i,
			  struct wft_ofproto_port_info *info);
/* By OpenFlow number or by name; -ENOENT. */
int wft_ofproto_port_by_ofport(const struct wft_ofproto *br, uint32_t ofport,
			       struct wft_ofproto_port_info *info);
int wft_ofproto_port_by_name(const struct wft_ofproto *br, const char *name,
			     size_t len, struct wft_ofproto_port_info *info);
/* Sets this thread's ovs-ofctl port names to @br's ports (ofp_flow.h),
 * and its TLV map as the active one (tlv_map.h), for the duration of a
 * parse or a dump; NULL clears them. */
void wft_ofproto_use_port_names(struct wft_ofproto *br, bool print_names);

/* The bridge and OpenFlow port of datapath port @odp_port; -ENOENT.
 * A tunnel vport that several tunnel ports share answers -EAGAIN: which
 * one a packet came in on depends on its tunnel key (next function). */
int wft_backer_odp_port(struct wft_backer *b, uint32_t odp_port,
			struct wft_ofproto **brp, uint32_t *ofport);
/* The same for a packet @flow (tunnel key read, in_port ignored) that
 * came in on @odp_port: for a tunnel vport, the tunnel port whose
 * remote_ip, key and local_ip fit (for the revalidator: a flow whose
 * OpenFlow in_port is no longer this answer is stale). Read lock held. */
int wft_backer_flow_port(struct wft_backer *b, uint32_t odp_port,
			 const struct wft_flow *flow, struct wft_ofproto **brp,
			 uint32_t *ofport);

/*
 * Translating a datapath flow (handlers, revalidator, trace). Keep one
 * per thread: buffers are reused, so the packet path allocates nothing
 * in the steady state.
 */
struct wft_ofproto_xlate {
	/* In. */
	struct wft_ofproto *bridge;	/* where the packet entered */
	struct wft_flow flow;		/* in_port is OpenFlow's */
	bool may_learn;
	bool trace;
	const struct wft_ofpacts *actions; /* a packet-out (xlate.h) */
	/*
	 * The datapath takes compact keys (WEFT_F_KEY_COMPACT): a megaflow
	 * that fits the layout is built as ckey and cmask only (compact
	 * set; key and mask stay empty) and its UFID hashes them. Set once
	 * for every translation whose UFIDs are compared (handlers and the
	 * revalidator of one udpif), so that they agree.
	 */
	bool want_compact;
	/* Out. */
	struct wft_xlate_out out;
	struct wft_flow_wc wc;		/* out.wc widened for the datapath */
	struct wft_attrbuf key;		/* the megaflow: masked key, */
	struct wft_attrbuf mask;	/* its mask, */
	bool compact;			/* (or ckey and cmask instead) */
	struct weft_key_compact ckey, cmask;
	struct wft_ufid ufid;		/* and its UFID */
	bool used_normal;		/* NORMAL ran (MAC refreshes) */
	/* The packet carries a critical GENEVE option the bridge's TLV map
	 * does not know: it is dropped (RFC 8926), by a megaflow matching
	 * its option headers. */
	bool tnl_unknown_crit;
};

void wft_ofproto_xlate_init(struct wft_ofproto_xlate *x);
void wft_ofproto_xlate_uninit(struct wft_ofproto_xlate *x);
/* Reads a datapath key into x->bridge and x->flow; -EINVAL for a bad key,
 * -ENOENT when in_port is no bridge's port. Read lock held. */
int wft_ofproto_xlate_key(struct wft_backer *b, struct wft_ofproto_xlate *x,
			  const void *key, size_t len);
/* The same for a miss's compact key (WEFT_PACKET_A_KEY_COMPACT). */
int wft_ofproto_xlate_compact_key(struct wft_backer *b,
				  struct wft_ofproto_xlate *x,
				  const struct weft_key_compact *key);
/* Translates x->flow in x->bridge and builds the megaflow (none for a
 * packet-out, x->actions). Returns 0, or -errno when no megaflow could be
 * built (the actions are then unusable); a translation error still gives
 * a drop megaflow (x->out.error). Read lock held. */
int wft_ofproto_xlate_run(struct wft_ofproto_xlate *x);

/*
 * Rules weftd installs itself (the OVN chassis; ofproto_install.c), in
 * the main thread. wft_ofproto_install() makes @bridge's rules exactly
 * @flows as replace-flows does (unchanged rules keep their counters);
 * wft_ofproto_parse_flow() parses an ovs-ofctl flow with the bridge's
 * TLV map; wft_ofproto_tlv_ensure() adds "{class=..}->tun_metadataN"
 * mappings that are not there yet. Each returns 0 or -errno with @err.
 */
struct wft_ofp_flow;
struct wft_ofproto_install_stats {
	size_t added, deleted, modified;
};
int wft_ofproto_install(struct wft_backer *b, const char *bridge,
			const struct wft_ofp_flow *flows, size_t n_flows,
			struct wft_ofproto_install_stats *st, char *err,
			size_t errlen);
int wft_ofproto_parse_flow(struct wft_backer *b, const char *bridge,
			   const char *text, struct wft_ofp_flow *out,
			   char *err, size_t errlen);
/* @bridge's rules, for installs by flow_mods (NULL: no such bridge). */
struct wft_pipeline *wft_ofproto_bridge_pipeline(struct wft_backer *b,
						 const char *bridge);
int wft_ofproto_tlv_ensure(struct wft_backer *b, const char *bridge,
			   const char *mapping, char *err, size_t errlen);

/* The ofproto component: bridges follow the configuration; the ofctl,
 * ofproto/trace and fdb methods. The udpif component: handlers, the
 * revalidator, and the dpif, upcall and revalidator methods. */
struct wft_component;
extern const struct wft_component wft_ofproto_component;
extern const struct wft_component wft_udpif_component;

struct wft_daemon;
/* The backer of a running weftd (NULL before the component starts). */
struct wft_backer *wft_ofproto_backer(struct wft_daemon *d);
/* Brings the bridges up to date with the bridge component's last
 * reconciliation now (a periodic resync, weft.ko appearing), rather than
 * at the next tick: udpif calls it before it reads the datapath, so that
 * no flow is judged against stale ports. */
void wft_ofproto_refresh(struct wft_daemon *d);

#endif /* WEFT_OFPROTO_H */
