/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bridges on the datapath: every configured bridge lives on one weft
 * datapath, "weft-system" (WFT_DP_DEFAULT_NAME), as every OVS bridge of
 * type system lives on "ovs-system".
 *
 * Why one datapath: OVN joins br-int to br-ex (or br-phys) with patch
 * ports, and a packet must cross them within one datapath flow, without a
 * second upcall or a second lookup; that needs both bridges' ports on the
 * same datapath. The datapath's own port 0 is its local port (named
 * weft-system) and belongs to no bridge; each bridge gets an internal port
 * named after it, its LOCAL port (OpenFlow port 65534).
 *
 * Port numbers: each bridge numbers its ports for OpenFlow (the Interface
 * ofport column) independently of the datapath port numbers, which the
 * module chooses. An OpenFlow number is, in order of preference: the
 * Interface's ofport_request when no other interface of the bridge holds
 * it; the number the interface had before (so restarts keep numbers); the
 * lowest free number from 1 (interfaces taken in name order). Patch
 * interfaces get OpenFlow numbers but no datapath port.
 *
 * Persistence: the ofport column is runtime (not in conf.json, as
 * conf.h's rules say), so the numbers handed out are kept in a file of
 * their own beside conf.json, "ofports.json" ({"br0": {"p1": 1, ...}}),
 * rewritten atomically whenever an assignment changes. The datapath
 * survives weftd, the file survives weftd, so a restart gives every port
 * the number it had: flows that name ports keep their meaning.
 *
 * Reconciling, after every configuration change, on start and every
 * WFT_BRIDGE_RESYNC_MS:
 * - the datapath is adopted as it is when it exists (no flush, no
 *   re-creation), created otherwise, and deleted when the last bridge is
 *   deleted through weftd; weftd leaves it alone when it starts with no
 *   bridge at all;
 * - datapath ports are matched by name: one of the right type is kept
 *   (its number and flows stay); one nobody configured, or of another
 *   type, is deleted; a configured one that is missing is added;
 * - the outcome goes to the runtime columns: Interface ofport (-1 when
 *   the datapath port could not be added), ifindex, error; Bridge status
 *   (datapath, dp_ifindex).
 *
 * The datapath is reached through struct wft_dp_ops, so that tests use a
 * fake; wft_dp_ops_netlink is the real one (weft.ko through wft_dpif).
 */
#ifndef WEFT_BRIDGE_H
#define WEFT_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include "weft/dpif.h"

#define WFT_BRIDGE_RESYNC_MS	10000
#define WFT_BRIDGE_RETRY_MS	5000	/* weft.ko not loaded yet */
/* OpenFlow 1.0 numbers, as the ofport column holds them (OVS's too). */
#define WFT_OFPORT_LOCAL	65534
#define WFT_OFPORT_MAX		65279	/* the highest a port may get */
#define WFT_OFPORTS_FILE	"ofports.json"

struct wft_dp_port {
	char name[WFT_IFNAMSIZ];
	uint32_t port_no;
	uint32_t type;			/* enum weft_vport_type */
	uint32_t ifindex;
};

struct wft_dpif_ops;

/*
 * Every call returns 0 or a negative errno; after a failure, error()
 * describes it ("no netdevice named veth9 (No such device)").
 */
struct wft_dp_ops {
	/* -ENOENT when weft.ko is not loaded (weftd retries). */
	int (*open)(void *ctx);
	void (*close)(void *ctx);
	/* The datapath named @name; -ENOENT when there is none. */
	int (*dp_get)(void *ctx, const char *name, uint32_t *ifindex);
	int (*dp_create)(void *ctx, const char *name, uint32_t *ifindex);
	int (*dp_delete)(void *ctx, const char *name);
	/* Every port of a datapath, port 0 included; free() the array. */
	int (*port_list)(void *ctx, uint32_t dp_ifindex,
			 struct wft_dp_port **ports, size_t *n);
	/* @port_no: WFT_PORT_ANY lets the module choose. */
	int (*port_add)(void *ctx, uint32_t dp_ifindex, const char *name,
			uint32_t type, uint32_t port_no,
			struct wft_dp_port *added);
	/* Optional: a geneve/vxlan vport listening on UDP @dst_port (NULL:
	 * port_add() is used, and the module's default port). */
	int (*tunnel_port_add)(void *ctx, uint32_t dp_ifindex,
			       const char *name, uint32_t type,
			       uint16_t dst_port, uint32_t port_no,
			       struct wft_dp_port *added);
	int (*port_del)(void *ctx, uint32_t dp_ifindex, uint32_t port_no);
	/* Optional (may be NULL): the MTU of a network device. */
	int (*set_mtu)(void *ctx, const char *ifname, int mtu);
	const char *(*error)(void *ctx);
	/* Flows, packets and upcalls on the same datapath, for the upcall
	 * handlers and the revalidator (weft/udpif.h), with the same @ctx;
	 * NULL: weftd runs without them (tests of configuration only). */
	const struct wft_dpif_ops *dpif;
};

/* The real datapath: weft.ko through weft/dpif.h. Its ctx comes from
 * wft_dp_netlink_new(). */
extern const struct wft_dp_ops wft_dp_ops_netlink;
void *wft_dp_netlink_new(void);
void wft_dp_netlink_free(void *ctx);

struct wft_daemon;

/* Reconciles now (also done on every commit and periodically). */
void wft_bridge_sync(struct wft_daemon *d);

/*
 * What the last reconciliation left. Components that subscribe to
 * configuration changes after the bridge component (they come later in
 * weftd's list) run after the reconciliation, so they see the new ports
 * and ofports; the generation tells them when a periodic resync changed
 * something without a configuration change.
 */
/* The datapath's ifindex; -ENOENT when there is none (yet). */
int wft_bridge_datapath(struct wft_daemon *d, uint32_t *ifindex);
/* The same, for a configured bridge (-ENOENT for others). */
int wft_bridge_dp_ifindex(struct wft_daemon *d, const char *bridge,
			  uint32_t *ifindex);
/* The datapath port of network device @name (a bridge's local port
 * included); -ENOENT when it has none. */
int wft_bridge_odp_port(struct wft_daemon *d, const char *name,
			struct wft_dp_port *port);
/*
 * Tunnel interfaces (type geneve or vxlan) have no datapath port of their
 * own: every one of a type and UDP destination port shares the vport
 * "genev_sys_PORT" or "vxlan_sys_PORT" (OVS's names), and the pipeline
 * picks the remote per packet. Whether @iface is one; then its vport's
 * name (into @name) and UDP port.
 */
struct wft_row;
bool wft_bridge_tunnel_vport(const struct wft_row *iface, char *name,
			     size_t size, uint16_t *dst_port);

/* Bumped by every reconciliation that changed a port or an ofport. */
uint64_t wft_bridge_generation(struct wft_daemon *d);

#endif /* WEFT_BRIDGE_H */
