// SPDX-License-Identifier: GPL-2.0
/*
 * commit_lb_aff (lflow_ofpacts_lb_aff.h), encoded as ovn-controller 23.03
 * encodes it: one learn into table 78 (CHK_LB_AFFINITY) whose rule, for
 * the client that opened a connection to the VIP, sets the logical flag
 * MLF_USE_LB_AFF_SESSION (reg10[14]) and loads the backend chosen for it
 * into the registers ls/lr_in_lb then read: IPv4 into reg4, IPv6 into
 * xxreg0 on a switch and xxreg1 on a router, the port into reg8[0..15].
 * chk_lb_aff() (lflow_ofpacts_lookup.c) looks the client up there.
 *
 *   learn(table=78,idle_timeout=T,delete_learned,cookie=LFLOW,
 *         OXM_OF_METADATA[],eth_type=0x800,NXM_OF_IP_SRC[],ip_dst=VIP,
 *         nw_proto=6,tcp_dst=VPORT,load:0x1->NXM_NX_REG10[14],
 *         load:BACKEND->NXM_NX_REG4[],load:BPORT->NXM_NX_REG8[0..15])
 *
 * The protocol and VIP port are matched only when the VIP has a port, the
 * backend port is loaded only when the backend has one; the cookie is the
 * first 32 bits of the logical flow's UUID, so that removing the flow
 * (delete_learned) removes what it learned.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lflow_ofpacts_lb_aff.h"
#include "weft/ofp_flow.h"
#include "weft/ovn_lookup.h"
#include "weft/strbuf.h"

struct lb_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t ip[16];
	unsigned int port;	/* 0: none */
};

static int aerr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int aerr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "10.0.0.1", "10.0.0.1:80", "fd00::1", "[fd00::1]:80" (a load
 * balancer's key syntax). */
static int parse_addr(const char *s, struct lb_addr *a)
{
	char buf[64], *colon, *end, *host = buf;
	unsigned long port;

	memset(a, 0, sizeof(*a));
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if (buf[0] == '[') {
		host = buf + 1;
		end = strchr(host, ']');
		if (!end)
			return -EINVAL;
		*end++ = '\0';
		colon = *end == ':' ? end : NULL;
		if (*end && !colon)
			return -EINVAL;
	} else {
		colon = strchr(buf, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;	/* a bare IPv6 address */
	}
	if (colon) {
		*colon = '\0';
		port = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || !port || port > 65535)
			return -EINVAL;
		a->port = (unsigned int)port;
	}
	if (inet_pton(AF_INET, host, a->ip) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, host, a->ip) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	return 0;
}

static const struct wft_lact_arg *arg(const struct wft_lact *a,
				      const char *key)
{
	size_t i;

	for (i = 0; i < a->n_args; i++)
		if (a->args[i].key && !strcmp(a->args[i].key, key))
			return &a->args[i];
	return NULL;
}

/* The packed address as ovs-ofctl's hex: no leading zeros. */
static void put_hex(struct wft_strbuf *sb, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n - 1 && !p[i])
		i++;
	wft_strbuf_printf(sb, "0x%x", p[i++]);
	for (; i < n; i++)
		wft_strbuf_printf(sb, "%02x", p[i]);
}

static void put_ip(struct wft_strbuf *sb, const struct lb_addr *a)
{
	char text[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->ip, text, sizeof(text));
	wft_strbuf_puts(sb, text);
}

static void learn_text(const struct lb_addr *vip, const struct lb_addr *be,
		       const char *proto, unsigned int timeout,
		       const struct wft_lflow_xlate_ctx *ctx,
		       struct wft_strbuf *sb)
{
	bool v6 = vip->family == AF_INET6;

	wft_strbuf_printf(sb, "learn(table=%d", WFT_OVN_T_CHK_LB_AFFINITY);
	if (timeout)
		wft_strbuf_printf(sb, ",idle_timeout=%u", timeout);
	wft_strbuf_puts(sb, ",delete_learned");
	if (ctx->cookie)
		wft_strbuf_printf(sb, ",cookie=%#llx",
				  (unsigned long long)ctx->cookie);
	wft_strbuf_printf(sb, ",OXM_OF_METADATA[],eth_type=%s,%s,%s=",
			  v6 ? "0x86dd" : "0x800",
			  v6 ? "NXM_NX_IPV6_SRC[]" : "NXM_OF_IP_SRC[]",
			  v6 ? "ipv6_dst" : "ip_dst");
	put_ip(sb, vip);
	if (vip->port)
		wft_strbuf_printf(sb, ",nw_proto=%d,%s_dst=%u",
				  !strcmp(proto, "tcp") ? 6 :
				  !strcmp(proto, "udp") ? 17 : 132,
				  proto, vip->port);
	wft_strbuf_printf(sb, ",load:0x1->NXM_NX_REG10[%d],load:",
			  WFT_OVN_MLF_USE_LB_AFF_SESSION);
	put_hex(sb, be->ip, v6 ? 16 : 4);
	wft_strbuf_puts(sb, v6 ? (ctx->is_switch ? "->NXM_NX_XXREG0[]" :
				  "->NXM_NX_XXREG1[]") : "->NXM_NX_REG4[]");
	if (be->port)
		wft_strbuf_printf(sb, ",load:%#x->NXM_NX_REG8[0..15]",
				  be->port);
	wft_strbuf_putc(sb, ')');
}

int wft_lflow_xlate_commit_lb_aff(const struct wft_lact *a,
				  const struct wft_lflow_xlate_ctx *ctx,
				  struct wft_ofpacts *out, char *err,
				  size_t errlen)
{
	const struct wft_lact_arg *vip = arg(a, "vip"), *be = arg(a, "backend");
	const struct wft_lact_arg *proto = arg(a, "proto");
	const struct wft_lact_arg *timeout = arg(a, "timeout");
	struct lb_addr v, b;
	struct wft_flow match;
	struct wft_flow_wc wc;
	struct wft_strbuf sb;
	char perr[192];
	int ret;

	if (!vip || vip->kind != WFT_LARG_STRING || parse_addr(vip->text, &v))
		return aerr(err, errlen, "commit_lb_aff: vip must be "
			    "\"IP[:PORT]\"");
	if (!be || be->kind != WFT_LARG_STRING || parse_addr(be->text, &b))
		return aerr(err, errlen, "commit_lb_aff: backend must be "
			    "\"IP[:PORT]\"");
	if (v.family != b.family)
		return aerr(err, errlen, "commit_lb_aff: invalid protocol "
			    "family");
	if (v.port && (!proto || proto->kind != WFT_LARG_WORD ||
		       (strcmp(proto->text, "tcp") &&
			strcmp(proto->text, "udp") &&
			strcmp(proto->text, "sctp"))))
		return aerr(err, errlen, "commit_lb_aff: proto must be tcp, "
			    "udp or sctp");
	if (!timeout || timeout->kind != WFT_LARG_INT || timeout->masked ||
	    timeout->value > 65535)
		return aerr(err, errlen, "commit_lb_aff: timeout must be a "
			    "number from 0 to 65535");
	wft_strbuf_init(&sb);
	learn_text(&v, &b, v.port ? proto->text : "",
		   (unsigned int)timeout->value, ctx, &sb);
	/* The rule that learns reads the client's address: it matches ip
	 * (or ipv6), as northd's affinity flows all do. */
	memset(&match, 0, sizeof(match));
	wft_flow_wc_init_catchall(&wc);
	ret = wft_ofp_match_parse(v.family == AF_INET ? "ip" : "ipv6", &match,
				  &wc, perr, sizeof(perr));
	if (!ret)
		ret = wft_ofp_actions_parse(wft_strbuf_cstr(&sb), &match, &wc,
					    WFT_TABLE_ALL, out, perr,
					    sizeof(perr));
	if (ret)
		aerr(err, errlen, "commit_lb_aff: %s: %s", wft_strbuf_cstr(&sb),
		     perr);
	wft_strbuf_free(&sb);
	return ret;
}
