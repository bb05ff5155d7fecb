/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ovn_lookup*.c builders share: the context's indexes, flow
 * construction from ovs-ofctl text, and small parsers of SB values.
 */
#ifndef WEFT_OVN_LOOKUP_PRIV_H
#define WEFT_OVN_LOOKUP_PRIV_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "weft/ovn_lookup.h"
#include "weft/strbuf.h"

struct wft_ovn_lookup_port {
	const char *name;
	uint32_t dp_key;		/* 0: its datapath is unknown */
	uint32_t key;
	const struct wft_ovsdb_row *row;
};

struct wft_ovn_lookup_dp {
	struct wft_uuid uuid;
	uint32_t key;
};

/* The Port_Binding named @name, or NULL. */
const struct wft_ovn_lookup_port *
ovn_lookup_port(const struct wft_ovn_lookup_ctx *ctx, const char *name);
/* The tunnel key of the Datapath_Binding @uuid, or 0. */
uint32_t ovn_lookup_dp_key(const struct wft_ovn_lookup_ctx *ctx,
			   const struct wft_uuid *uuid);
bool ovn_lookup_dp_local(const struct wft_ovn_lookup_ctx *ctx,
			 uint32_t dp_key);

/*
 * Appends the flow "table=@table,priority=@prio,@match,actions=@actions"
 * with @row's cookie and UUID. The text is weft's ovs-ofctl syntax, so
 * that prerequisites are checked as for any flow; a flow that does not
 * parse is a bug in the builder (logged, and counted as skipped).
 * Returns 1 when appended, 0 otherwise.
 */
int ovn_lookup_add(struct wft_ovn_lookup_flows *out,
		   const struct wft_ovsdb_row *row, unsigned int table,
		   unsigned int prio, const char *match, const char *actions);

/* "aa:bb:cc:dd:ee:ff" (any case), exactly. */
bool ovn_lookup_parse_mac(const char *s, uint8_t mac[6]);
/* An IPv4 or IPv6 address with an optional /prefix: @af is AF_INET or
 * AF_INET6, @plen the prefix (32 or 128 without one). */
struct ovn_lookup_ip {
	int af;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
	unsigned int plen;
};
bool ovn_lookup_parse_ip(const char *s, size_t len, struct ovn_lookup_ip *ip);
/* The address as ovs-ofctl prints it: 10.0.0.1, fd01::1. */
void ovn_lookup_put_ip(struct wft_strbuf *sb, const struct ovn_lookup_ip *ip);

/* A string column's first value, or "". */
const char *ovn_lookup_str(const struct wft_ovsdb_row *row, const char *col);

#endif /* WEFT_OVN_LOOKUP_PRIV_H */
