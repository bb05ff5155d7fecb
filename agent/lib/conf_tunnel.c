// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel interfaces (type geneve, vxlan): the checks that span options or
 * interfaces, after conf_validate.c has checked each option alone.
 *  - a fixed local_ip and remote_ip are of one family;
 *  - two tunnels of a type, UDP port, remote_ip, key and local_ip are one
 *    tunnel (OVS refuses the second: a packet could not tell them apart);
 *  - geneve and vxlan cannot share a UDP port (one socket each, in one
 *    network namespace).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/conf.h"

static bool is_tunnel(const struct wft_row *iface)
{
	const char *type = wft_row_string(iface, WFT_IF_TYPE);

	return type && (!strcmp(type, "geneve") || !strcmp(type, "vxlan"));
}

static const char *opt(const struct wft_row *iface, const char *key,
		       const char *dflt)
{
	const char *v = wft_row_map_get(iface, WFT_IF_OPTIONS, key);

	return v ? v : dflt;
}

static unsigned int udp_port(const struct wft_row *iface)
{
	const char *type = wft_row_string(iface, WFT_IF_TYPE);
	const char *p = opt(iface, "dst_port", NULL);

	return p ? (unsigned int)strtoul(p, NULL, 0) :
	       !strcmp(type, "geneve") ? 6081 : 4789;
}

/* 4 or 6 for an address, 0 for "flow" or nothing. */
static int family(const char *v)
{
	unsigned char buf[16];

	if (!v)
		return 0;
	if (inet_pton(AF_INET, v, buf) == 1)
		return 4;
	return inet_pton(AF_INET6, v, buf) == 1 ? 6 : 0;
}

static int check_one(const struct wft_row *iface, struct wft_strbuf *err)
{
	const char *remote = opt(iface, "remote_ip", NULL);
	const char *local = opt(iface, "local_ip", NULL);
	int fr = family(remote), fl = family(local);

	if (fr && fl && fr != fl) {
		wft_strbuf_printf(err, "Interface %s: options:local_ip=\"%s\" "
				  "and options:remote_ip=\"%s\" are not of one "
				  "address family", wft_row_name(iface), local,
				  remote);
		return -EINVAL;
	}
	return 0;
}

static bool same_opt(const struct wft_row *a, const struct wft_row *b,
		     const char *key, const char *dflt)
{
	return !strcmp(opt(a, key, dflt), opt(b, key, dflt));
}

static int check_pair(const struct wft_row *a, const struct wft_row *b,
		      struct wft_strbuf *err)
{
	const char *ta = wft_row_string(a, WFT_IF_TYPE);
	const char *tb = wft_row_string(b, WFT_IF_TYPE);

	if (udp_port(a) != udp_port(b))
		return 0;
	if (strcmp(ta, tb)) {
		wft_strbuf_printf(err, "Interfaces %s (%s) and %s (%s) cannot "
				  "both use UDP port %u (options:dst_port)",
				  wft_row_name(a), ta, wft_row_name(b), tb,
				  udp_port(a));
		return -EINVAL;
	}
	if (same_opt(a, b, "remote_ip", "flow") &&
	    same_opt(a, b, "key", "0") && same_opt(a, b, "local_ip", "")) {
		wft_strbuf_printf(err, "Interfaces %s and %s are the same %s "
				  "tunnel (options:remote_ip, key, local_ip "
				  "and dst_port all equal): received packets "
				  "could not tell them apart", wft_row_name(a),
				  wft_row_name(b), ta);
		return -EINVAL;
	}
	return 0;
}

int wft_conf_check_tunnels(const struct wft_conf *conf,
			   struct wft_strbuf *err)
{
	struct wft_row *const *ifs = conf->rows[WFT_TBL_INTERFACE];
	size_t n = conf->n_rows[WFT_TBL_INTERFACE], i, j;

	for (i = 0; i < n; i++) {
		if (!is_tunnel(ifs[i]))
			continue;
		if (check_one(ifs[i], err))
			return -EINVAL;
		for (j = i + 1; j < n; j++)
			if (is_tunnel(ifs[j]) && check_pair(ifs[i], ifs[j], err))
				return -EINVAL;
	}
	return 0;
}
