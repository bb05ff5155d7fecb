/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The datapath interface: weft.ko's generic netlink family ("weft", see
 * uapi/linux/weft.h) behind plain structs. Every program that talks to the
 * module (weftd, weft-dpctl, the test tools) goes through this API; none of
 * them sees a netlink socket.
 *
 * Conventions:
 * - Every call returns 0 (or a count) on success and a negative errno on
 *   failure; it never exits and never prints. After a failure,
 *   wft_dpif_error() describes it: the kernel's extack message when there
 *   was one, followed by strerror, e.g.
 *     "no netdevice named veth9 (No such device)".
 *   wft_dpif_extack() returns the bare extack message ("" if none).
 * - A struct wft_dpif is one socket and is not thread-safe: give each thread
 *   its own.
 * - Keys, masks and action lists are the *contents* of the WEFT_FLOW_A_KEY,
 *   WEFT_FLOW_A_MASK and WEFT_FLOW_A_ACTIONS nests (see weft/odp.h for the
 *   text form).
 * - A datapath is addressed by name (the WEFT_CMD_DP_* commands) or by the
 *   ifindex of its local port (everything else), as in the ABI.
 */
#ifndef WEFT_DPIF_H
#define WEFT_DPIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/linux/weft.h"
#include "weft/attrbuf.h"

/*
 * The name weftd gives the datapath it creates (ovs-vswitchd's is
 * "ovs-system"). weft-dpctl never assumes it: with no datapath argument it
 * uses the only datapath there is.
 */
#define WFT_DP_DEFAULT_NAME	"weft-system"

#define WFT_IFNAMSIZ		16
/* Port number "any": let the module choose (wft_vport_new). */
#define WFT_PORT_ANY		UINT32_MAX

struct wft_dpif;

/*
 * Opens a generic netlink socket and resolves the family. When weft.ko is
 * not loaded, returns -ENOENT with "weft.ko is not loaded" in @errbuf.
 */
int wft_dpif_open(struct wft_dpif **dpifp, char *errbuf, size_t errlen);
void wft_dpif_close(struct wft_dpif *dpif);
/* The description of the last failure on @dpif; "" after a success. */
const char *wft_dpif_error(const struct wft_dpif *dpif);
const char *wft_dpif_extack(const struct wft_dpif *dpif);
/* The generic netlink family id weft.ko got. */
uint16_t wft_dpif_family(const struct wft_dpif *dpif);

/* Features (WEFT_CMD_GET_FEATURES). */
struct wft_features {
	uint64_t bitmap;		/* enum weft_feature_bits */
	char version[64];
	uint32_t max_actions_depth;
	uint32_t max_recirc_depth;
};

int wft_dpif_features_get(struct wft_dpif *dpif, struct wft_features *f);

/* Datapaths. */
struct wft_dp_stats {
	uint64_t n_hit;
	uint64_t n_missed;
	uint64_t n_lost;
	uint64_t n_flows;
	uint64_t n_mask_hit;
	uint64_t n_cache_hit;
	uint32_t n_masks;
};

struct wft_dp {
	char name[WEFT_DP_NAME_MAX];
	uint32_t ifindex;
	struct wft_dp_stats stats;
	uint32_t user_features;		/* enum weft_dp_user_features */
	uint32_t masks_cache_size;
	size_t n_upcall_pids;
	uint32_t *upcall_pids;		/* owned: wft_dp_uninit() frees */
};

void wft_dp_uninit(struct wft_dp *dp);
void wft_dp_list_free(struct wft_dp *dps, size_t n);

/* Optional settings for wft_dp_new() and wft_dp_set(). */
struct wft_dp_config {
	const uint32_t *upcall_pids;	/* NULL: leave unset/unchanged */
	size_t n_upcall_pids;
	bool set_user_features;
	uint32_t user_features;
};

/* @cfg may be NULL; @reply (may be NULL) receives the new datapath. */
int wft_dp_new(struct wft_dpif *dpif, const char *name,
	       const struct wft_dp_config *cfg, struct wft_dp *reply);
/* Addressed by @name, or by @ifindex when @name is NULL. */
int wft_dp_del(struct wft_dpif *dpif, const char *name, uint32_t ifindex);
int wft_dp_get(struct wft_dpif *dpif, const char *name, uint32_t ifindex,
	       struct wft_dp *dp);
int wft_dp_set(struct wft_dpif *dpif, const char *name, uint32_t ifindex,
	       const struct wft_dp_config *cfg, struct wft_dp *reply);
/* Every datapath of the namespace, sorted by name; free with
 * wft_dp_list_free(). Retries a dump torn by concurrent changes. */
int wft_dp_dump(struct wft_dpif *dpif, struct wft_dp **dps, size_t *n);

/*
 * Registers upcall listeners: @pids[i] receives the misses of CPU i (with
 * WEFT_DP_F_DISPATCH_PER_CPU set; the module takes CPU % n_pids). n_pids ==
 * 1 sends everything to one port; n_pids == 0 unregisters every listener.
 */
int wft_dp_set_upcall_pids(struct wft_dpif *dpif, uint32_t dp_ifindex,
			   const uint32_t *pids, size_t n_pids);
/* The same, also setting @extra (enum weft_dp_user_features: only
 * WEFT_DP_F_KEY_COMPACT, for a listener that reads compact keys). */
int wft_dp_set_upcall_pids_features(struct wft_dpif *dpif,
				    uint32_t dp_ifindex, const uint32_t *pids,
				    size_t n_pids, uint32_t extra);

/*
 * Parses a datapath argument as ovs-dpctl writes it: "NAME" or
 * "system@NAME". Other types ("netdev@...", OVS's userspace datapath) are
 * refused. Returns 0 or -EINVAL with a static message in *@msg.
 */
int wft_dp_name_parse(const char *arg, char name[WEFT_DP_NAME_MAX],
		      const char **msg);

/* Vports. */
struct wft_vport_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
};

struct wft_vport {
	uint32_t dp_ifindex;
	uint32_t port_no;
	uint32_t type;			/* enum weft_vport_type */
	char name[WFT_IFNAMSIZ];
	uint32_t ifindex;
	bool has_stats;
	struct wft_vport_stats stats;
};

/* "netdev", "internal", "geneve", "vxlan"; "unknown" otherwise. */
const char *wft_vport_type_name(uint32_t type);
/* Accepts the names above and "system" (ovs-dpctl's name for netdev). */
int wft_vport_type_parse(const char *s, uint32_t *type);

/* @port_no WFT_PORT_ANY lets the module choose; @reply may be NULL. */
int wft_vport_new(struct wft_dpif *dpif, uint32_t dp_ifindex,
		  const char *name, uint32_t type, uint32_t port_no,
		  struct wft_vport *reply);
/* A geneve or vxlan vport whose socket listens on UDP @dst_port (host
 * order; 0: the type's default). */
int wft_vport_new_tunnel(struct wft_dpif *dpif, uint32_t dp_ifindex,
			 const char *name, uint32_t type, uint16_t dst_port,
			 uint32_t port_no, struct wft_vport *reply);
/* Addressed by @name, or by @port_no when @name is NULL. */
int wft_vport_del(struct wft_dpif *dpif, uint32_t dp_ifindex,
		  const char *name, uint32_t port_no);
int wft_vport_get(struct wft_dpif *dpif, uint32_t dp_ifindex,
		  const char *name, uint32_t port_no, struct wft_vport *vport);
/* Every port of the datapath, sorted by number; free() the array. */
int wft_vport_dump(struct wft_dpif *dpif, uint32_t dp_ifindex,
		   struct wft_vport **vports, size_t *n);

/*
 * UFIDs. Stored like OVS's ovs_u128: four 32-bit words in host order, sent as
 * their 16 bytes in memory, and written as a UUID of those words
 * ("ufid:0c8a3ce6-2e5e-4a5b-8a2e-9c3d6c2a1f00"), so that a UFID typed on one
 * host names the same flow in openvswitch.ko and in weft.ko.
 */
struct wft_ufid {
	uint32_t w[4];
};

#define WFT_UFID_STRLEN		36	/* without "ufid:" and the NUL */

/*
 * Parses an optional "ufid:" prefix of @s: the UUID form above, or 32 hex
 * digits. Returns the number of characters consumed (0 when @s does not start
 * with "ufid:"), or -EINVAL when the UFID after "ufid:" is malformed.
 */
int wft_ufid_from_string(const char *s, struct wft_ufid *ufid);
/* Writes the UUID form (no "ufid:" prefix); @buf holds WFT_UFID_STRLEN + 1. */
void wft_ufid_format(const struct wft_ufid *ufid, char *buf);
bool wft_ufid_equal(const struct wft_ufid *a, const struct wft_ufid *b);
/*
 * The UFID weft's tools give a flow whose creator named none: a 128-bit
 * FNV-1a hash of the key and mask attribute bytes, so that the same flow text
 * always yields the same UFID (and del-flow can find the flow again).
 */
void wft_ufid_from_key(const void *key, size_t key_len, const void *mask,
		       size_t mask_len, struct wft_ufid *ufid);
/*
 * A compact megaflow's UFID (struct weft_key_compact @key and @mask, @len
 * bytes each): a hash of the words either has nonzero, with their offsets.
 * Never equal to an attribute form's by construction of the hash input.
 */
void wft_ufid_from_compact(const void *key, const void *mask, size_t len,
			   struct wft_ufid *ufid);
/* A random UFID (getrandom). Returns 0 or -errno. */
int wft_ufid_random(struct wft_ufid *ufid);

struct weft_key_compact;

/* Flows. */
struct wft_dpif_flow {
	uint32_t dp_ifindex;
	bool ufid_present;
	struct wft_ufid ufid;
	bool has_key, has_mask, has_actions;	/* absent in terse replies */
	struct wft_attrbuf key;
	struct wft_attrbuf mask;
	struct wft_attrbuf actions;
	uint64_t packets;
	uint64_t bytes;
	uint64_t used;		/* msecs of CLOCK_MONOTONIC; 0: never used */
	uint16_t tcp_flags;	/* host order, OR of the flags seen */
};

void wft_dpif_flow_init(struct wft_dpif_flow *flow);
void wft_dpif_flow_uninit(struct wft_dpif_flow *flow);

enum wft_dpif_flow_put_flags {
	WFT_DPIF_FLOW_PUT_CREATE	= 1 << 0,	/* may create a new flow */
	WFT_DPIF_FLOW_PUT_MODIFY	= 1 << 1,	/* may replace an existing one */
	WFT_DPIF_FLOW_PUT_ZERO_STATS	= 1 << 2,	/* zero the stats (modify) */
};

struct wft_dpif_flow_put {
	uint32_t dp_ifindex;
	const struct wft_ufid *ufid;	/* NULL: no UFID attribute */
	const void *key;
	size_t key_len;
	const void *mask;		/* NULL: exact match on the key */
	size_t mask_len;
	const void *actions;		/* NULL: none (modify only) */
	size_t actions_len;
	unsigned int flags;		/* enum wft_dpif_flow_put_flags */
	/*
	 * A miss's frame to run through @actions in the same request,
	 * whether the flow goes in or already exists (CREATE only; needs
	 * WEFT_F_FLOW_EXECUTE: an older module refuses the request). NULL:
	 * none. @packet_key is its metadata, as wft_execute's key.
	 */
	const void *packet;
	size_t packet_len;
	const void *packet_key;
	size_t packet_key_len;
	/*
	 * The key and mask in the compact form (WEFT_F_KEY_COMPACT), sent
	 * instead of @key and @mask when not NULL (both or neither).
	 */
	const struct weft_key_compact *key_compact;
	const struct weft_key_compact *mask_compact;
};

/*
 * CREATE: WEFT_CMD_FLOW_NEW with NLM_F_CREATE|NLM_F_EXCL (-EEXIST when the
 * flow exists); MODIFY: WEFT_CMD_FLOW_SET (-ENOENT when it does not);
 * CREATE|MODIFY: WEFT_CMD_FLOW_NEW with NLM_F_CREATE (create or replace).
 * @reply (may be NULL) asks for the flow as installed (NLM_F_ECHO).
 */
int wft_dpif_flow_put(struct wft_dpif *dpif, const struct wft_dpif_flow_put *put,
		 struct wft_dpif_flow *reply);
/*
 * For tests of the module's checks: @put as a CREATE (FLOW_NEW, EXCL) or
 * MODIFY (FLOW_SET) request with, besides whatever of @put's key and mask
 * are set, WEFT_FLOW_A_KEY_COMPACT and WEFT_FLOW_A_MASK_COMPACT holding
 * @key_len and @mask_len raw bytes (each left out when NULL).
 */
int wft_dpif_flow_put_compact_raw(struct wft_dpif *dpif,
				  const struct wft_dpif_flow_put *put,
				  const void *key, size_t key_len,
				  const void *mask, size_t mask_len);
/*
 * Deletes one flow, by @ufid when non-NULL, else by @key and @mask; @reply
 * (may be NULL) receives its final stats.
 */
int wft_dpif_flow_del(struct wft_dpif *dpif, uint32_t dp_ifindex,
		 const struct wft_ufid *ufid, const void *key, size_t key_len,
		 const void *mask, size_t mask_len, struct wft_dpif_flow *reply);
int wft_dpif_flow_del_all(struct wft_dpif *dpif, uint32_t dp_ifindex);
/* Same addressing as wft_dpif_flow_del(). */
int wft_dpif_flow_get(struct wft_dpif *dpif, uint32_t dp_ifindex,
		 const struct wft_ufid *ufid, const void *key, size_t key_len,
		 const void *mask, size_t mask_len, struct wft_dpif_flow *flow);

/*
 * Flow dumps, streamed: wft_dpif_flow_dump_next() returns 1 with the next flow in
 * @flow, 0 at the end, or a negative errno. wft_dpif_flow_dump_done() frees the
 * dump and returns its outcome: 0, the error that ended it, or -EAGAIN when
 * the module flagged a message NLM_F_DUMP_INTR (the table changed during the
 * dump, so flows may be missing or repeated; dump again for a consistent
 * view). @ufid_flags: enum weft_ufid_flags (terse dumps).
 */
struct wft_dpif_flow_dump;

int wft_dpif_flow_dump_start(struct wft_dpif *dpif, uint32_t dp_ifindex,
			uint32_t ufid_flags, struct wft_dpif_flow_dump **dumpp);
int wft_dpif_flow_dump_next(struct wft_dpif_flow_dump *dump, struct wft_dpif_flow *flow);
int wft_dpif_flow_dump_done(struct wft_dpif_flow_dump *dump);

/* Packets. */
struct wft_execute {
	uint32_t dp_ifindex;
	const void *packet;		/* an Ethernet frame */
	size_t packet_len;
	const void *key;		/* metadata: in_port, skb_mark, ... */
	size_t key_len;
	const void *actions;
	size_t actions_len;
	bool probe;
	/*
	 * The largest fragment of a packet the module reassembled (the
	 * upcall's mru), or 0: without it an output refragments nothing and
	 * drops a reassembled packet larger than the MTU.
	 */
	uint16_t mru;
};

int wft_packet_execute(struct wft_dpif *dpif, const struct wft_execute *exe);

/*
 * Batches of flow puts and executes (upcall handlers): each call queues one
 * request and returns its index in the batch, or a negative errno when it
 * could not be queued (it is then not part of the batch).
 * wft_dpif_batch_finish() sends whatever is still queued and returns the
 * outcome of every request of the batch by index (0 or a negative errno;
 * valid until the next batch), with their number in *@n. Requests run in
 * the order they were queued. A batch takes up to 256 requests, sent in
 * as few messages as fit; until it is finished, other calls on @dpif fail
 * with -EBUSY. Puts are never echoed.
 */
int wft_dpif_batch_flow_put(struct wft_dpif *dpif,
			    const struct wft_dpif_flow_put *put);
int wft_dpif_batch_execute(struct wft_dpif *dpif, const struct wft_execute *exe);
const int *wft_dpif_batch_finish(struct wft_dpif *dpif, size_t *n);

/*
 * Upcalls. Each handler opens its own socket, registers its port id with
 * wft_dp_set_upcall_pids() and polls wft_upcall_sock_fd().
 */
struct wft_upcall_sock;

struct wft_upcall {
	uint8_t cmd;		/* WEFT_CMD_PACKET_MISS or _ACTION */
	uint32_t dp_ifindex;
	/* The pointers below point into the socket's buffer and stay valid
	 * until the next wft_upcall_recv() on the same socket. */
	const uint8_t *packet;
	size_t packet_len;
	/* Contents of WEFT_PACKET_A_KEY; for a compact key, its metadata
	 * as attributes (what an execute's key needs). */
	const void *key;
	size_t key_len;
	/* WEFT_PACKET_A_KEY_COMPACT (WEFT_DP_F_KEY_COMPACT), or NULL. */
	const struct weft_key_compact *ckey;
	const void *userdata;	/* NULL when absent */
	size_t userdata_len;
	uint32_t orig_len;	/* length before trunc; 0 when not truncated */
	uint16_t mru;		/* largest fragment if reassembled, else 0 */
};

int wft_upcall_sock_open(struct wft_upcall_sock **sockp, char *errbuf,
			 size_t errlen);
void wft_upcall_sock_close(struct wft_upcall_sock *sock);
uint32_t wft_upcall_sock_portid(const struct wft_upcall_sock *sock);
int wft_upcall_sock_fd(const struct wft_upcall_sock *sock);
/*
 * Receives one upcall. Returns 0, -EAGAIN when @wait is false and none is
 * queued, -ENOBUFS when the socket overflowed (upcalls were lost; the
 * socket stays usable), or another negative errno.
 */
int wft_upcall_recv(struct wft_upcall_sock *sock, struct wft_upcall *up,
		    bool wait);

/* TCP flags as ovs-dpctl prints them ("S.", "FP.", "none" for 0). */
void wft_tcp_flags_format(uint16_t flags, char *buf, size_t len);

#endif /* WEFT_DPIF_H */
