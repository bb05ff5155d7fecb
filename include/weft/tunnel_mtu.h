/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnel MTU arithmetic, for `weft-vsctl show` (warnings) and
 * `weft-appctl tunnel/mtu` (the sums): what encapsulation adds to a
 * packet that a tunnel port sends, and whether a bridge port's MTU
 * leaves room for it on the underlay.
 *
 * Overhead = inner Ethernet 14 + outer IP (IPv4 20, IPv6 40) + UDP 8 +
 * GENEVE 8 + the options the bridge's TLV map sends (4-byte header plus
 * data each), or VXLAN 8. With OVN's one 4-byte option that is 58 over
 * IPv4 and 78 over IPv6 (OVN's GENEVE_TUNNEL_OVERHEAD plus IP); VXLAN 50
 * and 70. The underlay MTU is that of the device the route to the remote
 * (or, for remote_ip=flow, the device holding local_ip) goes out of, in
 * the calling process's network namespace.
 */
#ifndef WEFT_TUNNEL_MTU_H
#define WEFT_TUNNEL_MTU_H

#include <stdbool.h>
#include <stddef.h>

#include "weft/conf.h"
#include "weft/strbuf.h"

struct wft_tunnel_mtu {
	const char *iface;		/* the tunnel Interface */
	const char *type;		/* "geneve", "vxlan" */
	bool v6;			/* underlay family */
	unsigned int outer_ip;		/* 20 or 40 */
	unsigned int encap;		/* 8: the GENEVE or VXLAN header */
	unsigned int opts;		/* GENEVE option bytes */
	unsigned int overhead;		/* the sum, with 14 and 8 */
	char underlay_dev[16];		/* "" when unknown */
	int underlay_mtu;		/* -1 when unknown */
	char why[96];			/* why unknown */
};

/* Option bytes the bridge @bridge's TLV map sends; weftd sets it (the map
 * lives in ofproto), NULL means none. */
typedef unsigned int wft_tunnel_opts_fn(const char *bridge, void *aux);
void wft_tunnel_mtu_set_opts_fn(wft_tunnel_opts_fn *fn, void *aux);

/* The arithmetic for tunnel Interface @iface on bridge @bridge; false
 * when @iface is not a tunnel. */
bool wft_tunnel_mtu_of(const struct wft_row *iface, const char *bridge,
		       struct wft_tunnel_mtu *t);
/* The MTU of network device @name, or -1. */
int wft_netdev_mtu(const char *name);

/*
 * The bridge's MTU report: each tunnel port's sum and, for each other
 * port (not internal, not patch), whether its MTU plus the overhead
 * exceeds the underlay's. @warnings_only: only the warnings, one line
 * each, indented by @indent (for show). Returns the number of warnings.
 */
int wft_tunnel_mtu_report(const struct wft_conf *conf,
			  const struct wft_row *br, bool warnings_only,
			  int indent, struct wft_strbuf *out);

#endif /* WEFT_TUNNEL_MTU_H */
