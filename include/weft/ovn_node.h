/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The node keys that make weftd an OVN chassis, read from the
 * Open_vSwitch record's external_ids (set with weft-vsctl, the keys
 * ovn-controller reads):
 *
 *   system-id                   the chassis name (required)
 *   ovn-remote                  the SB: unix:PATH, tcp:IP:PORT, comma list
 *                               (required; ssl: is refused by the client)
 *   ovn-encap-type              geneve, vxlan or "geneve,vxlan"
 *                               (default geneve)
 *   ovn-encap-ip                the tunnel endpoint address (required)
 *   ovn-bridge                  default br-int
 *   ovn-remote-probe-interval   ms, 0 disables; default 5000
 *   ovn-monitor-all             true: monitor the SB whole
 *   hostname                    Chassis.hostname (default gethostname)
 *
 * and the interfaces on ovn-bridge that carry external_ids:iface-id.
 */
#ifndef WEFT_OVN_NODE_H
#define WEFT_OVN_NODE_H

#include <stdbool.h>

#include "weft/conf.h"
#include "weft/strbuf.h"

#define WFT_OVN_MAX_ENCAPS	2

struct wft_ovn_node {
	bool enabled;		/* system-id and ovn-remote both set */
	char *system_id;
	char *remote;
	char *encap_ip;
	char *bridge;
	char *hostname;		/* NULL: gethostname() */
	const char *encap_types[WFT_OVN_MAX_ENCAPS + 1]; /* static strings */
	int probe_ms;
	bool monitor_all;
};

/* A local interface asking for a logical port. */
struct wft_ovn_iface {
	char *name;		/* Interface.name */
	char *iface_id;		/* external_ids:iface-id */
	bool installed;		/* external_ids:ovn-installed=true */
};

/*
 * Reads the node keys from @conf. Returns 0 (with enabled false when
 * system-id or ovn-remote is missing: weftd is then no chassis), or
 * -EINVAL with the reason in @err for a bad value. Free with
 * wft_ovn_node_uninit() either way.
 */
int wft_ovn_node_from_conf(const struct wft_conf *conf,
			   struct wft_ovn_node *node, struct wft_strbuf *err);
void wft_ovn_node_uninit(struct wft_ovn_node *node);
/* Same keys and values (the session need not change when true). */
bool wft_ovn_node_equal(const struct wft_ovn_node *a,
			const struct wft_ovn_node *b);

/* The interfaces of @bridge with an iface-id, sorted by iface-id; a
 * second interface with the same iface-id is ignored. Returns the
 * count; free with wft_ovn_ifaces_free(). */
size_t wft_ovn_ifaces_from_conf(const struct wft_conf *conf,
				const char *bridge,
				struct wft_ovn_iface **ifacesp);
void wft_ovn_ifaces_free(struct wft_ovn_iface *ifaces, size_t n);
/* The interface asking for @iface_id in the sorted @ifaces, or NULL. */
struct wft_ovn_iface *wft_ovn_iface_find(const struct wft_ovn_iface *ifaces,
					 size_t n, const char *iface_id);

/* The value of @key in a string-to-string map column, or NULL. */
const char *wft_conf_map_get(const struct wft_datum *d, const char *key);

#endif /* WEFT_OVN_NODE_H */
