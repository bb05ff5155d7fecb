/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bridges to datapaths: weftd keeps one weft datapath per configured
 * bridge, named after the bridge, and makes its ports match the bridge's
 * interfaces.
 *
 * Why one datapath per bridge (OVS has one, "ovs-system", for all): a
 * datapath's name is its local port's, so the bridge's internal interface
 * (br-int) *is* the datapath's port 0, and weft-dpctl shows and addresses
 * each bridge by its name. The cost: a datapath flow cannot cross from one
 * bridge to another, so patch ports between bridges must be handled by the
 * pipeline with an upcall or a second flow, never one datapath flow.
 *
 * Reconciling, after every configuration change, on start and every
 * WFT_BRIDGE_RESYNC_MS:
 * - a bridge whose datapath exists is adopted as it is: no flush, no
 *   re-creation, so weftd restarts without losing traffic; a missing one is
 *   created;
 * - ports are matched by name: a port of the right type is kept (its
 *   number and flows stay); a port nobody configured, or whose type or
 *   requested number changed, is deleted; a configured one that is
 *   missing is added (ofport_request, or a number the module picks);
 * - a datapath is deleted only when its bridge is deleted through weftd;
 *   datapaths weftd does not know of are left alone;
 * - the outcome goes to the runtime columns: Interface ofport (the
 *   datapath port number; 65534 for the bridge's local port, which is
 *   datapath port 0, as OVS numbers it), ifindex, error; Bridge status
 *   (datapath, dp_ifindex).
 * - patch interfaces get no datapath port (they live in the pipeline).
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
#define WFT_OFPP_LOCAL		65534

struct wft_dp_port {
	char name[WFT_IFNAMSIZ];
	uint32_t port_no;
	uint32_t type;			/* enum weft_vport_type */
	uint32_t ifindex;
};

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
	int (*port_del)(void *ctx, uint32_t dp_ifindex, uint32_t port_no);
	/* Optional (may be NULL): the MTU of a network device. */
	int (*set_mtu)(void *ctx, const char *ifname, int mtu);
	const char *(*error)(void *ctx);
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
 * The ifindex of @bridge's datapath as of the last reconciliation; -ENOENT
 * when it has none (yet). Components that subscribe to configuration
 * changes after the bridge component (they come later in weftd's list)
 * run after the reconciliation, so they see the new datapaths and ofports.
 */
int wft_bridge_dp_ifindex(struct wft_daemon *d, const char *bridge,
			  uint32_t *ifindex);

#endif /* WEFT_BRIDGE_H */
