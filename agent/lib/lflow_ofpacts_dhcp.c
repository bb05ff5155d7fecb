// SPDX-License-Identifier: GPL-2.0
/*
 * put_dhcp_opts's arguments (offerip = A, lease_time = N, router = A,
 * ...) as DHCPv4 options on the wire, and put_nd_ra_opts's as a whole
 * router advertisement, for pinctrl's userdata (include/weft/
 * ovn_pinctrl.h). The names, codes and types are those of OVN 23.03
 * (its DHCP_Options table; its RA encoder's constants: hop limit 255,
 * router lifetime 0xffff, prefixes on-link, autonomous unless managed,
 * infinite lifetimes); any other option is refused by name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovn_pinctrl.h"

enum opt_type {
	T_IPV4, T_U8, T_U16, T_U32, T_STR, T_BOOL,
	T_ROUTES,	/* {net/len, router, ...}: RFC 3442's encoding */
	T_DOMAINS,	/* "a.com,b.a.com": RFC 1035 names, compressed */
	T_HOST_ID,	/* an IPv4 address, or a name */
};

static const struct {
	const char *name;
	uint8_t code;
	enum opt_type type;
} dhcp4_opts[] = {
	{ "netmask", 1, T_IPV4 },
	{ "router", 3, T_IPV4 },
	{ "dns_server", 6, T_IPV4 },
	{ "log_server", 7, T_IPV4 },
	{ "lpr_server", 9, T_IPV4 },
	{ "hostname", 12, T_STR },
	{ "domain_name", 15, T_STR },
	{ "swap_server", 16, T_IPV4 },
	{ "ip_forward_enable", 19, T_BOOL },
	{ "policy_filter", 21, T_IPV4 },
	{ "default_ttl", 23, T_U8 },
	{ "mtu", 26, T_U16 },
	{ "router_discovery", 31, T_BOOL },
	{ "router_solicitation", 32, T_IPV4 },
	{ "arp_cache_timeout", 35, T_U32 },
	{ "tcp_ttl", 37, T_U8 },
	{ "tcp_keepalive_interval", 38, T_U32 },
	{ "nis_server", 41, T_IPV4 },
	{ "ntp_server", 42, T_IPV4 },
	{ "server_id", 54, T_IPV4 },
	{ "broadcast_address", 28, T_IPV4 },
	{ "lease_time", 51, T_U32 },
	{ "T1", 58, T_U32 },
	{ "T2", 59, T_U32 },
	{ "tftp_server", 66, T_HOST_ID },
	{ "bootfile_name", 67, T_STR },
	{ "ethernet_encap", 36, T_BOOL },
	{ "netbios_name_server", 44, T_IPV4 },
	{ "netbios_node_type", 46, T_U8 },
	{ "domain_search_list", 119, T_DOMAINS },
	{ "classless_static_route", 121, T_ROUTES },
	{ "tftp_server_address", 150, T_IPV4 },
	{ "path_prefix", 210, T_STR },
	{ "ms_classless_static_route", 249, T_ROUTES },
	{ "wpad", 252, T_STR },
	/* Read by the reply's builder (packet_build_dhcp.c): the boot
	 * file for iPXE clients, siaddr. */
	{ "bootfile_name_alt", 254, T_STR },
	{ "next_server", 253, T_IPV4 },
};

/* OVN's encoder writes these first, in this order (the builder looks
 * for bootfile_name_alt right after bootfile_name), then the others in
 * the order of the arguments. */
static const uint8_t first_codes[] = { 67, 254, 253 };

static int derr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int derr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EOPNOTSUPP;
}

/* The IPv4 addresses of an argument: one, or a set "{a, b}". */
static int ipv4s(const struct wft_lact_arg *g, uint8_t *out, size_t cap)
{
	uint32_t a;

	if (g->kind == WFT_LARG_INT && g->format == WFT_LEX_IPV4 &&
	    !g->masked) {
		if (cap < 4)
			return -ENOSPC;
		a = htonl((uint32_t)g->value);
		memcpy(out, &a, 4);
		return 4;
	}
	return wft_lact_arg_addr_set(g, AF_INET, out, cap);
}

/* {net/len, router, ...} as RFC 3442 destination descriptors and
 * routers (a lone last element is ignored, as OVN does). */
static int routes(const struct wft_lact_arg *g, uint8_t *out, size_t cap)
{
	char buf[512], *tok, *save = NULL, *slash;
	uint8_t a[4];
	size_t n = 0, k = 0;
	long plen = 32;

	if (g->kind != WFT_LARG_SET || !g->text ||
	    strlen(g->text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, g->text);
	for (tok = strtok_r(buf, "{}, ", &save); tok;
	     tok = strtok_r(NULL, "{}, ", &save), k++) {
		slash = strchr(tok, '/');
		if (slash)
			*slash = '\0';
		if (inet_pton(AF_INET, tok, a) != 1)
			return -EINVAL;
		if (k % 2 == 0) {		/* the destination */
			plen = slash ? strtol(slash + 1, NULL, 10) : 32;
			if (plen < 0 || plen > 32 ||
			    n + 1 + (size_t)(plen + 7) / 8 + 4 > cap)
				return -EINVAL;
			out[n++] = (uint8_t)plen;
			memcpy(out + n, a, (size_t)(plen + 7) / 8);
			n += (size_t)(plen + 7) / 8;
		} else {			/* its router */
			if (slash)
				return -EINVAL;
			memcpy(out + n, a, 4);
			n += 4;
		}
	}
	if (k % 2)			/* drop the unpaired destination */
		n -= 1 + (size_t)(plen + 7) / 8;
	return n ? (int)n : -EINVAL;
}

/* "abc.com,xyz.abc.com" as RFC 1035 names, a name's tail that was
 * written before replaced by a pointer to it (4.1.4), as OVN does. */
static int domains(const char *text, uint8_t *out, size_t cap)
{
	char buf[256], *dom, *save = NULL;
	struct { const char *suffix; size_t ofs; } seen[64];
	size_t n = 0, n_seen = 0, k;

	if (!text || !*text || strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	for (dom = strtok_r(buf, ",", &save); dom;
	     dom = strtok_r(NULL, ",", &save)) {
		const char *p = dom;
		bool done = false;

		while (*p == ' ')
			p++;
		while (*p && !done) {
			const char *dot = strchr(p, '.');
			size_t len = dot ? (size_t)(dot - p) : strlen(p);

			for (k = 0; k < n_seen; k++)
				if (!strcmp(seen[k].suffix, p))
					break;
			if (k < n_seen) {
				if (n + 2 > cap)
					return -EINVAL;
				out[n++] = (uint8_t)(0xc0 | seen[k].ofs >> 8);
				out[n++] = (uint8_t)seen[k].ofs;
				done = true;
				break;
			}
			if (!len || len > 63 || n + 1 + len + 1 > cap ||
			    n > 0x3fff)
				return -EINVAL;
			if (n_seen < sizeof(seen) / sizeof(seen[0])) {
				seen[n_seen].suffix = p;
				seen[n_seen++].ofs = n;
			}
			out[n++] = (uint8_t)len;
			memcpy(out + n, p, len);
			n += len;
			p = dot ? dot + 1 : p + len;
		}
		if (!done)
			out[n++] = 0;		/* the root */
	}
	return n ? (int)n : -EINVAL;
}

/* The code of option argument @g, or 0 (offerip, unknown). */
static int opt_code(const struct wft_lact_arg *g)
{
	size_t k;

	for (k = 0; g->key && k < sizeof(dhcp4_opts) / sizeof(dhcp4_opts[0]);
	     k++)
		if (!strcmp(g->key, dhcp4_opts[k].name))
			return dhcp4_opts[k].code;
	return 0;
}

/* One argument @g into @out at *@len (or the offer address). */
static int put_opt(const struct wft_lact_arg *g, uint32_t *offer,
		   bool *have_offer, uint8_t *out, size_t cap, size_t *lenp,
		   char *err, size_t errlen)
{
	size_t k, len = *lenp;
	uint8_t v[255];
	int n = -EINVAL;
	uint64_t x = (uint64_t)g->value;

	if (!g->key)
		return derr(err, errlen, "put_dhcp_opts: an argument "
			    "without a name");
	if (!strcmp(g->key, "offerip")) {
		if (ipv4s(g, v, 4) != 4)
			return derr(err, errlen, "put_dhcp_opts: bad "
				    "offerip");
		memcpy(offer, v, 4);
		*have_offer = true;
		return 0;
	}
	for (k = 0; k < sizeof(dhcp4_opts) / sizeof(dhcp4_opts[0]); k++)
		if (!strcmp(g->key, dhcp4_opts[k].name))
			break;
	if (k == sizeof(dhcp4_opts) / sizeof(dhcp4_opts[0]))
		return derr(err, errlen, "put_dhcp_opts: option %s is "
			    "not supported", g->key);
	switch (dhcp4_opts[k].type) {
	case T_IPV4:
		n = ipv4s(g, v, sizeof(v));
		break;
	case T_BOOL:
	case T_U8:
		n = g->kind == WFT_LARG_INT && x <= 0xff ? 1 : -EINVAL;
		v[0] = (uint8_t)x;
		break;
	case T_U16:
		n = g->kind == WFT_LARG_INT && x <= 0xffff ? 2 : -EINVAL;
		v[0] = (uint8_t)(x >> 8);
		v[1] = (uint8_t)x;
		break;
	case T_U32:
		n = g->kind == WFT_LARG_INT && x <= 0xffffffff ? 4 :
		    -EINVAL;
		v[0] = (uint8_t)(x >> 24);
		v[1] = (uint8_t)(x >> 16);
		v[2] = (uint8_t)(x >> 8);
		v[3] = (uint8_t)x;
		break;
	case T_ROUTES:
		n = routes(g, v, sizeof(v));
		break;
	case T_DOMAINS:
		if (g->kind == WFT_LARG_STRING)
			n = domains(g->text, v, sizeof(v));
		break;
	case T_HOST_ID:
		if (g->kind != WFT_LARG_STRING) {
			n = ipv4s(g, v, 4);
			break;
		}
		/* a name: as a string */
		__attribute__((fallthrough));
	case T_STR:
		if (g->kind == WFT_LARG_STRING && g->text &&
		    strlen(g->text) && strlen(g->text) < sizeof(v)) {
			n = (int)strlen(g->text);
			memcpy(v, g->text, (size_t)n);
		}
		break;
	}
	if (n <= 0)
		return derr(err, errlen, "put_dhcp_opts: bad value for "
			    "%s", g->key);
	if (len + 2 + (size_t)n > cap)
		return derr(err, errlen, "put_dhcp_opts: too many "
			    "options");
	out[len] = dhcp4_opts[k].code;
	out[len + 1] = (uint8_t)n;
	memcpy(out + len + 2, v, (size_t)n);
	*lenp = len + 2 + (size_t)n;
	return 0;
}

int wft_lflow_dhcp4_opts(const struct wft_lact *a, uint32_t *offer,
			 uint8_t *out, size_t cap, char *err, size_t errlen)
{
	size_t i, j, k, len = 0, *order;
	bool have_offer = false;
	int ret;

	order = malloc((a->n_args + 1) * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (i = 0; i < a->n_args; i++)
		order[i] = i;
	/* Stable: first_codes' arguments first, in that order. */
	for (i = 0, k = 0; i < sizeof(first_codes); i++)
		for (j = k; j < a->n_args; j++)
			if (opt_code(&a->args[order[j]]) == first_codes[i]) {
				size_t m = order[j];

				memmove(order + k + 1, order + k,
					(j - k) * sizeof(*order));
				order[k++] = m;
			}
	ret = 0;
	for (j = 0; j < a->n_args && !ret; j++)
		ret = put_opt(&a->args[order[j]], offer, &have_offer, out,
			      cap, &len, err, errlen);
	free(order);
	if (ret)
		return ret;
	if (!have_offer)
		return derr(err, errlen, "put_dhcp_opts: no offerip");
	return (int)len;
}

/* One prefix ("fd01::/64") as a prefix information option. */
static int ra_prefix(const char *text, bool managed, uint8_t *o)
{
	char buf[64], *slash;
	long plen;

	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	plen = strtol(slash + 1, NULL, 10);
	memset(o, 0, 32);
	if (plen < 0 || plen > 128 || inet_pton(AF_INET6, buf, o + 16) != 1)
		return -EINVAL;
	o[0] = 3;
	o[1] = 4;
	o[2] = (uint8_t)plen;
	o[3] = managed ? 0x80 : 0xc0;	/* on-link, autonomous */
	memset(o + 4, 0xff, 8);		/* valid, preferred: infinite */
	return 32;
}

int wft_lflow_nd_ra(const struct wft_lact *a, uint8_t *out, size_t cap,
		    char *err, size_t errlen)
{
	size_t i, len = 16;

	if (cap < 16)
		return -ENOSPC;
	memset(out, 0, 16);
	out[0] = 134;
	out[4] = 255;				/* cur hop limit */
	out[6] = out[7] = 0xff;			/* router lifetime */
	for (i = 0; i < a->n_args; i++) {
		const struct wft_lact_arg *g = &a->args[i];
		char text[128], *tok, *save = NULL;
		wft_u128 v = g->value;
		int k;

		if (!g->key)
			return derr(err, errlen, "put_nd_ra_opts: an argument "
				    "without a name");
		if (len + 40 > cap)
			return derr(err, errlen, "put_nd_ra_opts: too many "
				    "options");
		if (!strcmp(g->key, "addr_mode") && g->kind == WFT_LARG_STRING) {
			if (!strcmp(g->text, "dhcpv6_stateful"))
				out[5] |= 0x80;
			else if (!strcmp(g->text, "dhcpv6_stateless"))
				out[5] |= 0x40;
		} else if (!strcmp(g->key, "router_preference") &&
			   g->kind == WFT_LARG_STRING) {
			out[5] |= !strcmp(g->text, "HIGH") ? 0x08 :
				  !strcmp(g->text, "LOW") ? 0x18 : 0;
		} else if (!strcmp(g->key, "slla") && g->kind == WFT_LARG_INT) {
			out[len] = 1;
			out[len + 1] = 1;
			for (k = 5; k >= 0; k--, v >>= 8)
				out[len + 2 + k] = (uint8_t)v;
			len += 8;
		} else if (!strcmp(g->key, "mtu") && g->kind == WFT_LARG_INT) {
			memset(out + len, 0, 8);
			out[len] = 5;
			out[len + 1] = 1;
			for (k = 7; k >= 4; k--, v >>= 8)
				out[len + k] = (uint8_t)v;
			len += 8;
		} else if (!strcmp(g->key, "rdnss") && g->kind == WFT_LARG_INT &&
			   g->format == WFT_LEX_IPV6) {
			memset(out + len, 0, 8);
			out[len] = 25;
			out[len + 1] = 3;
			memset(out + len + 4, 0xff, 4);
			for (k = 15; k >= 0; k--, v >>= 8)
				out[len + 8 + k] = (uint8_t)v;
			len += 24;
		} else if (!strcmp(g->key, "prefix")) {
			/* One prefix, or a set of them, as text. */
			if (g->kind == WFT_LARG_SET && g->text) {
				snprintf(text, sizeof(text), "%s", g->text);
			} else if (g->kind == WFT_LARG_INT &&
				   g->format == WFT_LEX_IPV6 && g->masked) {
				uint8_t addr[16];
				char a6[INET6_ADDRSTRLEN];
				int plen = 0;

				for (k = 15; k >= 0; k--, v >>= 8)
					addr[k] = (uint8_t)v;
				inet_ntop(AF_INET6, addr, a6, sizeof(a6));
				for (v = g->mask; v; v <<= 1)
					plen++;
				snprintf(text, sizeof(text), "%s/%d", a6, plen);
			} else {
				return derr(err, errlen, "put_nd_ra_opts: bad "
					    "prefix");
			}
			for (tok = strtok_r(text, "{}, ", &save); tok;
			     tok = strtok_r(NULL, "{}, ", &save)) {
				if (len + 32 > cap ||
				    ra_prefix(tok, out[5] & 0x80, out + len) < 0)
					return derr(err, errlen, "put_nd_ra_opts:"
						    " bad prefix %s", tok);
				len += 32;
			}
		} else {
			return derr(err, errlen, "put_nd_ra_opts: option %s is "
				    "not supported", g->key);
		}
	}
	return (int)len;
}
