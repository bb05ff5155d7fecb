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

static void grow(struct wft_ovn_lookup_flows *out)
{
	if (out->n < out->allocated)
		return;
	out->allocated = out->allocated ? 2 * out->allocated : 32;
	out->flows = wft_xrealloc(out->flows, out->allocated *
				  sizeof(*out->flows));
	out->src = wft_xrealloc(out->src, out->allocated * sizeof(*out->src));
}

int ovn_lookup_add(struct wft_ovn_lookup_flows *out,
		   const struct wft_ovsdb_row *row, unsigned int table,
		   unsigned int prio, const char *match, const char *actions)
{
	const struct wft_uuid *u = wft_ovsdb_row_uuid(row);
	struct wft_ofp_flow *f;
	struct wft_strbuf sb;
	char err[256];

	grow(out);
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

/*
 * The tables that grow with the deployment (66/67 with every neighbour,
 * 71/72 with every learnt MAC) are built field by field rather than
 * through the parser: an order of magnitude cheaper, and the unit test
 * checks that each such flow is exactly what its ovs-ofctl text parses
 * into.
 */
static struct wft_ofp_flow *flow_new(struct wft_ovn_lookup_flows *out,
				     const struct wft_ovsdb_row *row,
				     unsigned int table, unsigned int prio)
{
	const struct wft_uuid *u = wft_ovsdb_row_uuid(row);
	struct wft_ofp_flow *f;

	grow(out);
	f = &out->flows[out->n];
	wft_ofp_flow_init(f, WFT_OFPFC_ADD);
	f->table = (uint8_t)table;
	f->priority = (uint16_t)prio;
	f->cookie = (uint64_t)u->b[0] << 24 | (uint64_t)u->b[1] << 16 |
		    (uint64_t)u->b[2] << 8 | u->b[3];
	f->has_actions = true;
	out->src[out->n++] = *u;
	return f;
}

/* Matches field @id exactly on @be, its value as a big-endian byte
 * string of the field's width. */
static void match_field(struct wft_ofp_flow *f, enum wft_field_id id,
			const uint8_t *be)
{
	const struct wft_field *fd = wft_field_from_id(id);
	struct wft_subfield sf = { fd, 0, fd->n_bits };

	wft_subfield_set(&sf, be, &f->match, &f->mask);
}

/* The same for a number of up to 64 bits. */
static void match_num(struct wft_ofp_flow *f, enum wft_field_id id,
		      uint64_t v)
{
	const struct wft_field *fd = wft_field_from_id(id);
	uint8_t be[16] = { 0 };
	int i;

	for (i = fd->n_bytes - 1; i >= 0 && v; i--, v >>= 8)
		be[i] = (uint8_t)v;
	match_field(f, id, be);
}

/* set_field:@be->@id (the whole field). */
static void act_set_field(struct wft_ofp_flow *f, enum wft_field_id id,
			  const uint8_t *be)
{
	const struct wft_field *fd = wft_field_from_id(id);
	struct wft_ofpact *a = wft_ofpacts_put(&f->actions,
					       WFT_OFPACT_SET_FIELD);

	a->set.dst.field = fd;
	a->set.dst.ofs = 0;
	a->set.dst.n_bits = fd->n_bits;
	memcpy(a->set.value, be, fd->n_bytes);
	wft_field_bytes_mask(fd, a->set.mask);
}

/* load:0x1->NXM_NX_REG10[@bit]: a logical flag. */
static void act_set_flag(struct wft_ofp_flow *f, unsigned int bit)
{
	const struct wft_field *fd = wft_field_from_id(WFT_F_REG0 + 10);
	struct wft_ofpact *a = wft_ofpacts_put(&f->actions, WFT_OFPACT_LOAD);

	a->set.dst.field = fd;
	a->set.dst.ofs = bit;
	a->set.dst.n_bits = 1;
	a->set.value[fd->n_bytes - 1] = 1;
	a->set.mask[fd->n_bytes - 1] = 1;
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
	struct ovn_lookup_ip addr;
	struct wft_ofp_flow *f;
	unsigned int prio;
	uint8_t mac[6];

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

	/* 66: the IP as get_arp/get_nd leave it (reg0, or xxreg0 for
	 * IPv6) and the port in reg15 give eth.dst. */
	f = flow_new(out, row, WFT_OVN_T_MAC_BINDING, prio);
	if (addr.af == AF_INET)
		match_num(f, WFT_F_REG0, ntohl(addr.v4.s_addr));
	else
		match_field(f, WFT_F_XXREG0, addr.v6.s6_addr);
	match_num(f, WFT_F_REG0 + 15, pb->key);
	match_num(f, WFT_F_METADATA, pb->dp_key);
	act_set_field(f, WFT_F_ETH_DST, mac);
	act_set_flag(f, WFT_OVN_MLF_LOOKUP_MAC);

	/* 67: the IP, the port in reg14 and eth.src: is it known? */
	f = flow_new(out, row, WFT_OVN_T_MAC_LOOKUP, prio);
	if (addr.af == AF_INET) {
		match_num(f, WFT_F_ETH_TYPE, WFT_ETH_TYPE_ARP);
		match_num(f, WFT_F_REG0, ntohl(addr.v4.s_addr));
	} else {
		match_num(f, WFT_F_ETH_TYPE, WFT_ETH_TYPE_IPV6);
		match_num(f, WFT_F_IP_PROTO, 58);
		/* icmp_code=0: ICMP codes are matched on the whole
		 * 16-bit tp_dst, as weft's parser (and OVS) keys them. */
		f->match.tp_dst = 0;
		f->mask.masks.tp_dst = 0xffff;
		match_field(f, WFT_F_XXREG0, addr.v6.s6_addr);
	}
	match_num(f, WFT_F_REG0 + 14, pb->key);
	match_num(f, WFT_F_METADATA, pb->dp_key);
	match_field(f, WFT_F_ETH_SRC, mac);
	act_set_flag(f, WFT_OVN_MLF_LOOKUP_MAC);
	return 2;
}

/* ---- 71/72: FDB ----------------------------------------------------- */

int wft_ovn_lookup_fdb(const struct wft_ovn_lookup_ctx *ctx,
		       const struct wft_ovsdb_row *row,
		       struct wft_ovn_lookup_flows *out)
{
	uint32_t dp = (uint32_t)wft_ovsdb_row_integer(row, "dp_key", 0);
	uint32_t port = (uint32_t)wft_ovsdb_row_integer(row, "port_key", 0);
	const char *mac_s = ovn_lookup_str(row, "mac");
	struct wft_ofp_flow *f;
	uint8_t mac[6], be[4];

	if (!ovn_lookup_dp_local(ctx, dp))
		return 0;
	if (!ovn_lookup_parse_mac(mac_s, mac)) {
		out->n_skipped++;
		return -EINVAL;
	}
	/* 71: eth.dst gives the port. */
	f = flow_new(out, row, WFT_OVN_T_GET_FDB, 100);
	match_num(f, WFT_F_METADATA, dp);
	match_field(f, WFT_F_ETH_DST, mac);
	be[0] = (uint8_t)(port >> 24);
	be[1] = (uint8_t)(port >> 16);
	be[2] = (uint8_t)(port >> 8);
	be[3] = (uint8_t)port;
	act_set_field(f, WFT_F_REG0 + 15, be);

	/* 72: was eth.src learnt on this port? */
	f = flow_new(out, row, WFT_OVN_T_LOOKUP_FDB, 100);
	match_num(f, WFT_F_REG0 + 14, port);
	match_num(f, WFT_F_METADATA, dp);
	match_field(f, WFT_F_ETH_SRC, mac);
	act_set_flag(f, WFT_OVN_MLF_LOOKUP_FDB);
	return 2;
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
