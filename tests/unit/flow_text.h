/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small match reader for the classifier and xlate tests, so that cases
 * read like the rules they stand for: "priority=10,ip,nw_dst=10.0.0.0/24".
 * Fields come from the registry (include/weft/field.h); values are numbers
 * (decimal or 0x hex), IPv4/IPv6 addresses or MACs, each with an optional
 * "/mask" or, for addresses, "/prefix-length". Shorthands: ip, ipv6, arp,
 * tcp, udp, icmp, tcp6, udp6. Not the ovs-ofctl parser: just enough for
 * tests.
 *
 * The same reader parses expected megaflow masks written as values:
 * "in_port=0xffff,nw_dst=255.255.255.0" read into a flow gives the mask.
 */
#ifndef WEFT_TEST_FLOW_TEXT_H
#define WEFT_TEST_FLOW_TEXT_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/field.h"
#include "weft/flow.h"

static int ft_parse_value(const struct wft_field *f, const char *s,
			  uint8_t *v)
{
	unsigned int m[6];
	char *end;
	unsigned long long u;
	int i;

	memset(v, 0, 16);
	switch (f->format) {
	case WFT_FMT_IPV4:
		return inet_pton(AF_INET, s, v) == 1 ? 0 : -1;
	case WFT_FMT_IPV6:
		return inet_pton(AF_INET6, s, v) == 1 ? 0 : -1;
	case WFT_FMT_ETHERNET:
		if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
			   &m[4], &m[5]) != 6)
			return -1;
		for (i = 0; i < 6; i++)
			v[i] = (uint8_t)m[i];
		return 0;
	default:
		u = strtoull(s, &end, 0);
		if (*end || f->n_bytes > 8)
			return -1;
		for (i = f->n_bytes - 1; i >= 0; i--, u >>= 8)
			v[i] = (uint8_t)u;
		return 0;
	}
}

/* A "/N" prefix length after an address becomes a mask. */
static int ft_parse_mask(const struct wft_field *f, const char *s,
			 uint8_t *mask)
{
	if ((f->format == WFT_FMT_IPV4 && !strchr(s, '.')) ||
	    (f->format == WFT_FMT_IPV6 && !strchr(s, ':'))) {
		int len = atoi(s), i;

		memset(mask, 0, 16);
		for (i = 0; i < len; i++)
			mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		return 0;
	}
	return ft_parse_value(f, s, mask);
}

static const struct {
	const char *name;
	const char *expansion;
} ft_shorthands[] = {
	{ "ip", "dl_type=0x0800" },
	{ "ipv6", "dl_type=0x86dd" },
	{ "arp", "dl_type=0x0806" },
	{ "tcp", "dl_type=0x0800,nw_proto=6" },
	{ "udp", "dl_type=0x0800,nw_proto=17" },
	{ "icmp", "dl_type=0x0800,nw_proto=1" },
	{ "tcp6", "dl_type=0x86dd,nw_proto=6" },
	{ "udp6", "dl_type=0x86dd,nw_proto=17" },
};

static int ft_parse(const char *s, struct wft_flow *flow,
		    struct wft_flow_wc *wc, int *priority);

/* One "name[=value[/mask]]" item. */
static int ft_parse_item(char *item, struct wft_flow *flow,
			 struct wft_flow_wc *wc, int *priority)
{
	char *eq = strchr(item, '='), *slash;
	const struct wft_field *f;
	struct wft_subfield sf;
	uint8_t v[16], m[16];
	size_t i;

	if (!eq) {
		for (i = 0; i < sizeof(ft_shorthands) / sizeof(ft_shorthands[0]);
		     i++)
			if (!strcmp(item, ft_shorthands[i].name))
				return ft_parse(ft_shorthands[i].expansion,
						flow, wc, priority);
		return -1;
	}
	*eq++ = '\0';
	if (!strcmp(item, "priority")) {
		if (priority)
			*priority = atoi(eq);
		return 0;
	}
	f = wft_field_from_name(item, strlen(item));
	if (!f)
		return -1;
	slash = strchr(eq, '/');
	if (slash)
		*slash++ = '\0';
	memset(m, 0xff, sizeof(m));
	if (ft_parse_value(f, eq, v) || (slash && ft_parse_mask(f, slash, m)))
		return -1;
	sf.field = f;
	sf.ofs = 0;
	sf.n_bits = f->n_bits;
	wft_subfield_set(&sf, v, flow, NULL);
	if (wc)
		wft_subfield_set(&sf, m, &wc->masks, NULL);
	return 0;
}

/* Parses @s into @flow and @wc (either may hold earlier items). */
static int ft_parse(const char *s, struct wft_flow *flow,
		    struct wft_flow_wc *wc, int *priority)
{
	char *copy = strdup(s), *save = NULL, *item;
	int err = 0;

	for (item = strtok_r(copy, ",", &save); item && !err;
	     item = strtok_r(NULL, ",", &save))
		err = ft_parse_item(item, flow, wc, priority);
	free(copy);
	return err;
}

/* A fresh match from text; aborts the test on a typo. */
static inline void ft_match(const char *s, struct wft_flow *flow,
			    struct wft_flow_wc *wc, int *priority)
{
	memset(flow, 0, sizeof(*flow));
	wft_flow_wc_init_catchall(wc);
	if (ft_parse(s, flow, wc, priority)) {
		fprintf(stderr, "flow_text: cannot read \"%s\"\n", s);
		abort();
	}
}

/* A packet from text: fields not given are zero. */
static inline void ft_packet(const char *s, struct wft_flow *flow)
{
	struct wft_flow_wc wc;

	ft_match(s, flow, &wc, NULL);
}

/* The nonzero 32-bit words of a mask, for failure messages. */
static inline const char *ft_words(const struct wft_flow *f, char *buf,
				   size_t size)
{
	const uint32_t *w = (const uint32_t *)f;
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(*f) / 4 && n + 24 < size; i++)
		if (w[i])
			n += (size_t)snprintf(buf + n, size - n, "@%zu:%08x ",
					      i * 4, ntohl(w[i]));
	return buf;
}

#endif /* WEFT_TEST_FLOW_TEXT_H */
