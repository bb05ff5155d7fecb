// SPDX-License-Identifier: GPL-2.0
/*
 * put_dhcpv6_opts's arguments (ia_addr = A, server_id = MAC,
 * dns_server = A or {A, B}, domain_search = "S") for pinctrl's userdata
 * (include/weft/ovn_pinctrl.h): each as OVN 23.03's encoder writes it,
 * be16 code, be16 length, then the value: the addresses' 16 bytes each,
 * the MAC's 6, the string's characters. These are not yet the reply's
 * options: the handler (packet_build_dhcp6.c) makes the server id a
 * DUID-LL and wraps the address in an IA_NA with the client's IAID.
 * Any other option is refused by name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "weft/ovn_pinctrl.h"

/* OVN's DHCPv6 option codes (RFC 8415, RFC 3646). */
enum { D6_SERVER_ID = 2, D6_IA_ADDR = 5, D6_DNS = 23, D6_SEARCH = 24 };

static const struct {
	const char *name;
	uint16_t code;
} dhcp6_opts[] = {
	{ "server_id", D6_SERVER_ID },
	{ "ia_addr", D6_IA_ADDR },
	{ "dns_server", D6_DNS },
	{ "domain_search", D6_SEARCH },
};

/* One IPv6 constant, or a set of them as text, into @out. */
static int ipv6s(const struct wft_lact_arg *g, uint8_t *out, size_t cap)
{
	wft_u128 v = g->value;
	int k;

	if (g->kind == WFT_LARG_INT && g->format == WFT_LEX_IPV6 &&
	    !g->masked) {
		if (cap < 16)
			return -ENOSPC;
		for (k = 15; k >= 0; k--, v >>= 8)
			out[k] = (uint8_t)v;
		return 16;
	}
	return wft_lact_arg_addr_set(g, AF_INET6, out, cap);
}

int wft_lflow_dhcp6_opts(const struct wft_lact *a, uint8_t *out, size_t cap,
			 char *err, size_t errlen)
{
	size_t i, k, len = 0;

	for (i = 0; i < a->n_args; i++) {
		const struct wft_lact_arg *g = &a->args[i];
		uint8_t v[512];
		wft_u128 x = g->value;
		int n = -EINVAL, b;

		if (!g->key) {
			snprintf(err, errlen, "put_dhcpv6_opts: an argument "
				 "without a name");
			return -EOPNOTSUPP;
		}
		for (k = 0; k < sizeof(dhcp6_opts) / sizeof(dhcp6_opts[0]); k++)
			if (!strcmp(g->key, dhcp6_opts[k].name))
				break;
		if (k == sizeof(dhcp6_opts) / sizeof(dhcp6_opts[0])) {
			snprintf(err, errlen, "put_dhcpv6_opts: option %s is "
				 "not supported", g->key);
			return -EOPNOTSUPP;
		}
		switch (dhcp6_opts[k].code) {
		case D6_SERVER_ID:
			if (g->kind == WFT_LARG_INT &&
			    g->format == WFT_LEX_ETHERNET && !g->masked) {
				for (b = 5; b >= 0; b--, x >>= 8)
					v[b] = (uint8_t)x;
				n = 6;
			}
			break;
		case D6_IA_ADDR:
			/* One address: OVN wraps exactly 16 bytes. */
			n = ipv6s(g, v, 16);
			break;
		case D6_DNS:
			n = ipv6s(g, v, sizeof(v));
			break;
		case D6_SEARCH:
			if (g->kind == WFT_LARG_STRING && g->text &&
			    strlen(g->text) && strlen(g->text) < 254) {
				n = (int)strlen(g->text);
				memcpy(v, g->text, (size_t)n);
			}
			break;
		}
		if (n <= 0) {
			snprintf(err, errlen, "put_dhcpv6_opts: bad value for "
				 "%s", g->key);
			return -EOPNOTSUPP;
		}
		if (len + 4 + (size_t)n > cap) {
			snprintf(err, errlen, "put_dhcpv6_opts: too many "
				 "options");
			return -EOPNOTSUPP;
		}
		out[len] = (uint8_t)(dhcp6_opts[k].code >> 8);
		out[len + 1] = (uint8_t)dhcp6_opts[k].code;
		out[len + 2] = (uint8_t)(n >> 8);
		out[len + 3] = (uint8_t)n;
		memcpy(out + len + 4, v, (size_t)n);
		len += 4 + (size_t)n;
	}
	return (int)len;
}
