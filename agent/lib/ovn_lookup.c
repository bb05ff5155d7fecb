// SPDX-License-Identifier: GPL-2.0
/*
 * The SB lookup tables (include/weft/ovn_lookup.h): the context's indexes,
 * the flow list, the neighbour tables 66/67 (MAC_Binding and
 * Static_MAC_Binding), the FDB tables 71/72, and the full rebuild. Port
 * security is in ovn_lookup_port_sec.c, load balancer hairpin in
 * ovn_lookup_lb.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovn_lookup_priv.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(ovn_lookup);

void wft_ovn_lookup_flows_init(struct wft_ovn_lookup_flows *f)
{
	memset(f, 0, sizeof(*f));
}

void wft_ovn_lookup_flows_uninit(struct wft_ovn_lookup_flows *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		wft_ofp_flow_uninit(&f->flows[i]);
	free(f->flows);
	free(f->src);
	memset(f, 0, sizeof(*f));
}

int ovn_lookup_add(struct wft_ovn_lookup_flows *out,
		   const struct wft_ovsdb_row *row, unsigned int table,
		   unsigned int prio, const char *match, const char *actions)
{
	const struct wft_uuid *u = wft_ovsdb_row_uuid(row);
	struct wft_ofp_flow *f;
	struct wft_strbuf sb;
	char err[256];

	if (out->n == out->allocated) {
		out->allocated = out->allocated ? 2 * out->allocated : 32;
		out->flows = wft_xrealloc(out->flows, out->allocated *
					  sizeof(*out->flows));
		out->src = wft_xrealloc(out->src, out->allocated *
					sizeof(*out->src));
	}
	f = &out->flows[out->n];
	wft_strbuf_init(&sb);
	/* ovn-controller's cookie: the UUID's first 32 bits. */
	wft_strbuf_printf(&sb, "table=%u,priority=%u,cookie=0x%02x%02x%02x%02x",
			  table, prio, u->b[0], u->b[1], u->b[2], u->b[3]);
	if (*match)
		wft_strbuf_printf(&sb, ",%s", match);
	wft_strbuf_printf(&sb, ",actions=%s", actions);
	if (wft_ofp_flow_parse(wft_strbuf_cstr(&sb), WFT_OFPFC_ADD, f, err,
			       sizeof(err))) {
		wft_warn("%s: %s", wft_strbuf_cstr(&sb), err);
		wft_ofp_flow_uninit(f);
		wft_strbuf_free(&sb);
		out->n_skipped++;
		return 0;
	}
	wft_strbuf_free(&sb);
	out->src[out->n++] = *u;
	return 1;
}

bool ovn_lookup_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int n = -1, i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &n) != 6 || n < 0 || s[n])
		return false;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

bool ovn_lookup_parse_ip(const char *s, size_t len, struct ovn_lookup_ip *ip)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	unsigned long plen;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, buf, &ip->v4) == 1) {
		ip->af = AF_INET;
		ip->plen = 32;
	} else if (inet_pton(AF_INET6, buf, &ip->v6) == 1) {
		ip->af = AF_INET6;
		ip->plen = 128;
	} else {
		return false;
	}
	if (slash) {
		plen = strtoul(slash, &end, 10);
		if (!*slash || *end || plen > ip->plen)
			return false;
		ip->plen = (unsigned int)plen;
	}
	return true;
}

void ovn_lookup_put_ip(struct wft_strbuf *sb, const struct ovn_lookup_ip *ip)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(ip->af, ip->af == AF_INET ? (const void *)&ip->v4 :
		  (const void *)&ip->v6, buf, sizeof(buf));
	wft_strbuf_puts(sb, buf);
}

const char *ovn_lookup_str(const struct wft_ovsdb_row *row, const char *col)
{
	return wft_ovsdb_row_string(row, col, "");
}

/* ---- the context ---------------------------------------------------- */

static int port_cmp(const void *a_, const void *b_)
{
	const struct wft_ovn_lookup_port *a = a_, *b = b_;

	return strcmp(a->name, b->name);
}

static int dp_cmp(const void *a_, const void *b_)
{
	const struct wft_ovn_lookup_dp *a = a_, *b = b_;

	return wft_uuid_cmp(&a->uuid, &b->uuid);
}

static const struct wft_uuid *row_ref(const struct wft_ovsdb_row *row,
				      const char *col)
{
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(row, col);

	return d && d->n ? &d->keys[0].u : NULL;
}

void wft_ovn_lookup_ctx_init(struct wft_ovn_lookup_ctx *ctx,
			     struct wft_ovsdb_replica *sb,
			     const struct wft_uuid *chassis,
			     bool (*dp_is_local)(void *aux, uint32_t dp_key),
			     void *aux)
{
	struct wft_ovsdb_rtable *t;
	struct wft_ovsdb_row *row;
	size_t n;

	memset(ctx, 0, sizeof(*ctx));
	ctx->sb = sb;
	if (chassis)
		ctx->chassis = *chassis;
	ctx->dp_is_local = dp_is_local;
	ctx->aux = aux;

	t = wft_ovsdb_replica_table(sb, "Datapath_Binding");
	n = t ? wft_ovsdb_rtable_count(t) : 0;
	ctx->dps = wft_xcalloc(n ? n : 1, sizeof(*ctx->dps));
	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		ctx->dps[ctx->n_dps].uuid = *wft_ovsdb_row_uuid(row);
		ctx->dps[ctx->n_dps++].key =
			(uint32_t)wft_ovsdb_row_integer(row, "tunnel_key", 0);
	}
	qsort(ctx->dps, ctx->n_dps, sizeof(*ctx->dps), dp_cmp);

	t = wft_ovsdb_replica_table(sb, "Port_Binding");
	n = t ? wft_ovsdb_rtable_count(t) : 0;
	ctx->ports = wft_xcalloc(n ? n : 1, sizeof(*ctx->ports));
	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		struct wft_ovn_lookup_port *p = &ctx->ports[ctx->n_ports++];
		const struct wft_uuid *dp = row_ref(row, "datapath");

		p->name = ovn_lookup_str(row, "logical_port");
		p->key = (uint32_t)wft_ovsdb_row_integer(row, "tunnel_key", 0);
		p->dp_key = dp ? ovn_lookup_dp_key(ctx, dp) : 0;
		p->row = row;
	}
	qsort(ctx->ports, ctx->n_ports, sizeof(*ctx->ports), port_cmp);

	t = wft_ovsdb_replica_table(sb, "SB_Global");
	row = t ? wft_ovsdb_rtable_first(t) : NULL;
	if (row) {
		const struct wft_ovsdb_datum *opts =
			wft_ovsdb_row_get_named(row, "options");
		unsigned int i;

		for (i = 0; opts && i < opts->n; i++)
			if (!strcmp(opts->keys[i].s, "lb_hairpin_use_ct_mark"))
				ctx->use_ct_mark =
					!strcmp(opts->values[i].s, "true");
	}
}

void wft_ovn_lookup_ctx_uninit(struct wft_ovn_lookup_ctx *ctx)
{
	free(ctx->ports);
	free(ctx->dps);
	memset(ctx, 0, sizeof(*ctx));
}

const struct wft_ovn_lookup_port *
ovn_lookup_port(const struct wft_ovn_lookup_ctx *ctx, const char *name)
{
	struct wft_ovn_lookup_port key = { .name = name };

	return bsearch(&key, ctx->ports, ctx->n_ports, sizeof(key), port_cmp);
}

uint32_t ovn_lookup_dp_key(const struct wft_ovn_lookup_ctx *ctx,
			   const struct wft_uuid *uuid)
{
	struct wft_ovn_lookup_dp key = { .uuid = *uuid }, *dp;

	dp = bsearch(&key, ctx->dps, ctx->n_dps, sizeof(key), dp_cmp);
	return dp ? dp->key : 0;
}

bool ovn_lookup_dp_local(const struct wft_ovn_lookup_ctx *ctx,
			 uint32_t dp_key)
{
	return dp_key && ctx->dp_is_local &&
	       ctx->dp_is_local(ctx->aux, dp_key);
}

/* ---- 66/67: neighbours ---------------------------------------------- */

int wft_ovn_lookup_neighbor(const struct wft_ovn_lookup_ctx *ctx,
			    const struct wft_ovsdb_row *row,
			    struct wft_ovn_lookup_flows *out)
{
	bool is_static = !strcmp(wft_ovsdb_row_table_name(row),
				 "Static_MAC_Binding");
	const char *ip_s = ovn_lookup_str(row, "ip");
	const char *mac_s = ovn_lookup_str(row, "mac");
	const struct wft_ovn_lookup_port *pb;
	struct wft_strbuf ip, m1, m2;
	struct ovn_lookup_ip addr;
	unsigned int prio;
	char acts[96];
	uint8_t mac[6];
	int n;

	pb = ovn_lookup_port(ctx, ovn_lookup_str(row, "logical_port"));
	if (!pb || !ovn_lookup_dp_local(ctx, pb->dp_key))
		return 0;
	if (!ovn_lookup_parse_mac(mac_s, mac) ||
	    !ovn_lookup_parse_ip(ip_s, strlen(ip_s), &addr) ||
	    addr.plen != (addr.af == AF_INET ? 32u : 128u)) {
		out->n_skipped++;
		return -EINVAL;
	}
	if (is_static)
		prio = wft_ovsdb_row_bool(row, "override_dynamic_mac", false) ?
		       150 : 50;
	else
		prio = 100;

	/* The IP as get_arp/get_nd leave it: reg0, or xxreg0 for IPv6. */
	wft_strbuf_init(&ip);
	if (addr.af == AF_INET) {
		wft_strbuf_printf(&ip, "reg0=0x%x", ntohl(addr.v4.s_addr));
	} else {
		int i;

		wft_strbuf_puts(&ip, "xxreg0=0x");
		for (i = 0; i < 16; i++)
			wft_strbuf_printf(&ip, "%02x", addr.v6.s6_addr[i]);
	}
	wft_strbuf_init(&m1);
	wft_strbuf_printf(&m1, "%s,reg15=0x%x,metadata=0x%x",
			  wft_strbuf_cstr(&ip), pb->key, pb->dp_key);
	wft_strbuf_init(&m2);
	wft_strbuf_printf(&m2, "%s,%s,reg14=0x%x,metadata=0x%x,dl_src=%s",
			  addr.af == AF_INET ? "arp" : "icmp6,icmp_code=0",
			  wft_strbuf_cstr(&ip), pb->key, pb->dp_key, mac_s);
	snprintf(acts, sizeof(acts),
		 "set_field:%02x:%02x:%02x:%02x:%02x:%02x->eth_dst,"
		 "load:0x1->NXM_NX_REG10[%d]", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5], WFT_OVN_MLF_LOOKUP_MAC);
	n = ovn_lookup_add(out, row, WFT_OVN_T_MAC_BINDING, prio,
			   wft_strbuf_cstr(&m1), acts);
	snprintf(acts, sizeof(acts), "load:0x1->NXM_NX_REG10[%d]",
		 WFT_OVN_MLF_LOOKUP_MAC);
	n += ovn_lookup_add(out, row, WFT_OVN_T_MAC_LOOKUP, prio,
			    wft_strbuf_cstr(&m2), acts);
	wft_strbuf_free(&ip);
	wft_strbuf_free(&m1);
	wft_strbuf_free(&m2);
	return n;
}

/* ---- 71/72: FDB ----------------------------------------------------- */

int wft_ovn_lookup_fdb(const struct wft_ovn_lookup_ctx *ctx,
		       const struct wft_ovsdb_row *row,
		       struct wft_ovn_lookup_flows *out)
{
	uint32_t dp = (uint32_t)wft_ovsdb_row_integer(row, "dp_key", 0);
	uint32_t port = (uint32_t)wft_ovsdb_row_integer(row, "port_key", 0);
	const char *mac_s = ovn_lookup_str(row, "mac");
	char match[128], acts[64];
	uint8_t mac[6];
	int n;

	if (!ovn_lookup_dp_local(ctx, dp))
		return 0;
	if (!ovn_lookup_parse_mac(mac_s, mac)) {
		out->n_skipped++;
		return -EINVAL;
	}
	snprintf(match, sizeof(match), "metadata=0x%x,dl_dst=%s", dp, mac_s);
	snprintf(acts, sizeof(acts), "set_field:0x%x->reg15", port);
	n = ovn_lookup_add(out, row, WFT_OVN_T_GET_FDB, 100, match, acts);
	snprintf(match, sizeof(match), "reg14=0x%x,metadata=0x%x,dl_src=%s",
		 port, dp, mac_s);
	snprintf(acts, sizeof(acts), "load:0x1->NXM_NX_REG10[%d]",
		 WFT_OVN_MLF_LOOKUP_FDB);
	n += ovn_lookup_add(out, row, WFT_OVN_T_LOOKUP_FDB, 100, match, acts);
	return n;
}

/* ---- everything ----------------------------------------------------- */

static size_t build_table(const struct wft_ovn_lookup_ctx *ctx,
			  const char *name,
			  int (*fn)(const struct wft_ovn_lookup_ctx *,
				    const struct wft_ovsdb_row *,
				    struct wft_ovn_lookup_flows *),
			  struct wft_ovn_lookup_flows *out)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(ctx->sb, name);
	struct wft_ovsdb_row *row;
	size_t n = 0;
	int r;

	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		r = fn(ctx, row, out);
		if (r > 0)
			n += (size_t)r;
	}
	return n;
}

size_t wft_ovn_lookup_build(const struct wft_ovn_lookup_ctx *ctx,
			    struct wft_ovn_lookup_flows *out)
{
	return build_table(ctx, "MAC_Binding", wft_ovn_lookup_neighbor, out) +
	       build_table(ctx, "Static_MAC_Binding", wft_ovn_lookup_neighbor,
			   out) +
	       build_table(ctx, "FDB", wft_ovn_lookup_fdb, out) +
	       build_table(ctx, "Port_Binding", wft_ovn_lookup_port_sec, out) +
	       build_table(ctx, "Load_Balancer", wft_ovn_lookup_lb, out);
}
