// SPDX-License-Identifier: GPL-2.0
/*
 * Load balancer hairpin (tables 68, 69, 70) for every SB Load_Balancer
 * applied to a local datapath (its datapaths or datapath_group):
 *
 *  68  a packet a backend sent to a VIP that was load balanced back to
 *      the same backend (ip.src == ip.dst == backend, after DNAT, with
 *      ct_mark.natted) sets flags[7], and learns the table-69 flow of
 *      its session's replies, as ovn-controller 23.03 does;
 *  69  (learned only) the replies of such a session (on the session's
 *      datapath, from the backend to the VIP, or to hairpin_snat_ip,
 *      from the backend's port, or with the session's IP protocol when
 *      the balancer has no ports) set flags[7];
 *  70  the SNAT of the hairpinned packet to the VIP (or hairpin_snat_ip,
 *      then per datapath at a higher priority), in the SNAT zone.
 *
 * The VIP and its port come from the original direction's tuple that
 * northd's lflows saved in reg1/xxreg1 and reg2 (hairpin_orig_tuple), or
 * else from conntrack's ct_nw_dst/ct_ipv6_dst and ct_tp_dst.
 *
 * The learned flows are permanent, and go with the table-68 flow that
 * learned them (delete_learned, keyed by table 69 and the balancer's
 * cookie) when the balancer, the VIP or the backend does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovn_lookup_priv.h"
#include "weft/util.h"

/* "IP", "IP:PORT", "V6", "[V6]:PORT", "[V6]". */
static bool parse_ip_port(const char *s, size_t len, struct ovn_lookup_ip *ip,
			  unsigned int *port)
{
	const char *colon, *addr = s;
	size_t alen = len;
	char buf[8];
	unsigned long p;
	char *end;

	*port = 0;
	if (len && s[0] == '[') {
		const char *rb = memchr(s, ']', len);

		if (!rb)
			return false;
		addr = s + 1;
		alen = (size_t)(rb - addr);
		colon = rb + 1 < s + len ? rb + 1 : NULL;
		if (colon && *colon != ':')
			return false;
	} else {
		colon = memchr(s, ':', len);
		/* A second colon: an IPv6 address without a port. */
		if (colon && memchr(colon + 1, ':', len - (colon + 1 - s)))
			colon = NULL;
		if (colon)
			alen = (size_t)(colon - s);
	}
	if (!ovn_lookup_parse_ip(addr, alen, ip) ||
	    ip->plen != (ip->af == AF_INET ? 32u : 128u))
		return false;
	if (colon) {
		size_t plen = len - (size_t)(colon + 1 - s);

		if (!plen || plen >= sizeof(buf))
			return false;
		memcpy(buf, colon + 1, plen);
		buf[plen] = '\0';
		p = strtoul(buf, &end, 10);
		if (*end || !p || p > 65535)
			return false;
		*port = (unsigned int)p;
	}
	return true;
}

struct lb {
	const struct wft_ovsdb_row *row;
	const struct wft_ovn_lookup_ctx *ctx;
	struct wft_ovn_lookup_flows *out;
	const char *proto;		/* "tcp", "udp", "sctp" */
	unsigned int proto_num;
	bool orig_tuple;		/* options:hairpin_orig_tuple */
	struct ovn_lookup_ip snat4, snat6;	/* hairpin_snat_ip, af 0 */
	uint32_t *dps;			/* its local datapaths */
	size_t n_dps;
	int n;
};

static void put_reg_ip(struct wft_strbuf *sb, const struct ovn_lookup_ip *ip)
{
	int i;

	if (ip->af == AF_INET) {
		wft_strbuf_printf(sb, "reg1=0x%x", ntohl(ip->v4.s_addr));
		return;
	}
	wft_strbuf_puts(sb, "xxreg1=0x");
	for (i = 0; i < 16; i++)
		wft_strbuf_printf(sb, "%02x", ip->v6.s6_addr[i]);
}

/* The part of the match that finds the VIP of the session. */
static void put_vip_match(struct wft_strbuf *sb, const struct lb *lb,
			  const struct ovn_lookup_ip *vip, unsigned int vport)
{
	bool v4 = vip->af == AF_INET;

	if (!lb->orig_tuple)
		wft_strbuf_puts(sb, "ct_state=+trk+dnat,");
	if (vport)
		wft_strbuf_printf(sb, "%s,", v4 ? lb->proto :
				  !strcmp(lb->proto, "tcp") ? "tcp6" :
				  !strcmp(lb->proto, "udp") ? "udp6" : "sctp6");
	else
		wft_strbuf_puts(sb, v4 ? "ip," : "ipv6,");
	if (lb->orig_tuple) {
		put_reg_ip(sb, vip);
		if (vport)
			wft_strbuf_printf(sb, ",reg2=0x%x/0xffff", vport);
	} else {
		wft_strbuf_puts(sb, v4 ? "ct_nw_dst=" : "ct_ipv6_dst=");
		ovn_lookup_put_ip(sb, vip);
		if (vport)
			wft_strbuf_printf(sb, ",ct_nw_proto=%u,ct_tp_dst=%u",
					  lb->proto_num, vport);
	}
}

static void add(struct lb *lb, unsigned int table, unsigned int prio,
		const struct wft_strbuf *match, const char *acts)
{
	lb->n += ovn_lookup_add(lb->out, lb->row, table, prio,
				wft_strbuf_cstr(match), acts);
}

#define HAIRPIN "load:0x1->NXM_NX_REG10[7]"

/* ovn-controller's learn() for the replies of a hairpin session, its
 * specifications in its order: the session's datapath, the backend as
 * source, the VIP (or hairpin_snat_ip) as destination, the protocol and
 * the backend's port as source port (or the session's IP protocol). */
static void put_reply_learn(struct wft_strbuf *sb, const struct lb *lb,
			    const struct ovn_lookup_ip *dst, bool ports)
{
	const struct wft_uuid *u = wft_ovsdb_row_uuid(lb->row);
	bool v4 = dst->af == AF_INET;
	const char *l4 = !strcmp(lb->proto, "udp") ? "NXM_OF_UDP" :
			 !strcmp(lb->proto, "sctp") ? "OXM_OF_SCTP" :
			 "NXM_OF_TCP";

	wft_strbuf_printf(sb, ",learn(table=%u,delete_learned,"
			  "cookie=0x%02x%02x%02x%02x,OXM_OF_METADATA[],",
			  WFT_OVN_T_CHK_LB_HAIRPIN_REPLY, u->b[0], u->b[1],
			  u->b[2], u->b[3]);
	wft_strbuf_puts(sb, v4 ? "eth_type=0x800,NXM_OF_IP_SRC[],ip_dst=" :
			"eth_type=0x86dd,NXM_NX_IPV6_SRC[],ipv6_dst=");
	ovn_lookup_put_ip(sb, dst);
	if (ports)
		wft_strbuf_printf(sb, ",nw_proto=%u,%s_SRC[]=%s_DST[]",
				  lb->proto_num, l4, l4);
	else
		wft_strbuf_puts(sb, ",NXM_OF_IP_PROTO[]");
	wft_strbuf_puts(sb, ",load:0x1->NXM_NX_REG10[7])");
}

static const struct ovn_lookup_ip *snat_ip(const struct lb *lb,
					   const struct ovn_lookup_ip *vip)
{
	const struct ovn_lookup_ip *s = vip->af == AF_INET ? &lb->snat4 :
					&lb->snat6;

	return s->af ? s : NULL;
}

static void backend_flows(struct lb *lb, const struct ovn_lookup_ip *vip,
			  unsigned int vport, const struct ovn_lookup_ip *b,
			  unsigned int bport)
{
	const struct ovn_lookup_ip *snat = snat_ip(lb, vip);
	bool v4 = vip->af == AF_INET;
	struct wft_strbuf m, a;

	/* 68: the session's first direction, which learns its replies. */
	wft_strbuf_init(&m);
	put_vip_match(&m, lb, vip, bport ? vport : 0);
	wft_strbuf_puts(&m, v4 ? ",nw_src=" : ",ipv6_src=");
	ovn_lookup_put_ip(&m, b);
	wft_strbuf_puts(&m, v4 ? ",nw_dst=" : ",ipv6_dst=");
	ovn_lookup_put_ip(&m, b);
	if (bport)
		wft_strbuf_printf(&m, ",tp_dst=%u", bport);
	wft_strbuf_puts(&m, lb->ctx->use_ct_mark ? ",ct_mark=0x2/0x2" :
			",ct_label=0x2/0x2");
	wft_strbuf_init(&a);
	wft_strbuf_puts(&a, HAIRPIN);
	put_reply_learn(&a, lb, snat ? snat : vip, bport != 0);
	add(lb, WFT_OVN_T_CHK_LB_HAIRPIN, 100, &m, wft_strbuf_cstr(&a));
	wft_strbuf_free(&a);
	wft_strbuf_free(&m);
}

static void vip_snat_flows(struct lb *lb, const struct ovn_lookup_ip *vip,
			   unsigned int vport)
{
	const struct ovn_lookup_ip *snat = snat_ip(lb, vip);
	struct wft_strbuf m, a;
	size_t i;

	wft_strbuf_init(&a);
	wft_strbuf_puts(&a, "ct(commit,zone=NXM_NX_REG12[0..15],nat(src=");
	ovn_lookup_put_ip(&a, snat ? snat : vip);
	wft_strbuf_puts(&a, "))");
	wft_strbuf_init(&m);
	if (!snat) {
		put_vip_match(&m, lb, vip, vport);
		add(lb, WFT_OVN_T_CT_SNAT_HAIRPIN, vport ? 100 : 90, &m,
		    wft_strbuf_cstr(&a));
	}
	for (i = 0; snat && i < lb->n_dps; i++) {
		wft_strbuf_reset(&m);
		put_vip_match(&m, lb, vip, vport);
		wft_strbuf_printf(&m, ",metadata=0x%x", lb->dps[i]);
		add(lb, WFT_OVN_T_CT_SNAT_HAIRPIN, vport ? 200 : 190, &m,
		    wft_strbuf_cstr(&a));
	}
	wft_strbuf_free(&m);
	wft_strbuf_free(&a);
}

static void add_dps(struct lb *lb, const struct wft_ovsdb_datum *d)
{
	unsigned int i;

	for (i = 0; d && i < d->n; i++) {
		uint32_t key = ovn_lookup_dp_key(lb->ctx, &d->keys[i].u);

		if (ovn_lookup_dp_local(lb->ctx, key)) {
			lb->dps = wft_xrealloc(lb->dps, (lb->n_dps + 1) *
					       sizeof(*lb->dps));
			lb->dps[lb->n_dps++] = key;
		}
	}
}

static const char *opt(const struct wft_ovsdb_row *row, const char *key)
{
	return wft_ovsdb_row_map_get(row, "options", key);
}

/* One VIP: "vip[:port]" -> "backend[:port],...". A VIP with a bad
 * backend is ignored whole, as ovn-controller ignores it: the backends
 * are all checked before any flow is built. */
static bool vip_flows(struct lb *lb, const char *key, const char *value)
{
	struct ovn_lookup_ip vip, b;
	unsigned int vport, bport;
	const char *s;
	size_t len;
	int pass;

	if (!parse_ip_port(key, strlen(key), &vip, &vport))
		return false;
	for (pass = 0; pass < 2; pass++) {
		for (s = value; *s; s += len + (s[len] == ',')) {
			len = strcspn(s, ",");
			if (!parse_ip_port(s, len, &b, &bport) ||
			    b.af != vip.af || !bport != !vport)
				return false;
			if (pass)
				backend_flows(lb, &vip, vport, &b, bport);
		}
	}
	vip_snat_flows(lb, &vip, vport);
	return true;
}

int wft_ovn_lookup_lb(const struct wft_ovn_lookup_ctx *ctx,
		      const struct wft_ovsdb_row *row,
		      struct wft_ovn_lookup_flows *out)
{
	const struct wft_ovsdb_datum *vips, *grp;
	const char *proto = ovn_lookup_str(row, "protocol");
	const char *s;
	struct lb *lb;
	unsigned int i;
	int n;

	lb = wft_xcalloc(1, sizeof(*lb));
	lb->row = row;
	lb->ctx = ctx;
	lb->out = out;
	add_dps(lb, wft_ovsdb_row_get_named(row, "datapaths"));
	grp = wft_ovsdb_row_get_named(row, "datapath_group");
	if (grp && grp->n) {
		struct wft_ovsdb_rtable *t =
			wft_ovsdb_replica_table(ctx->sb, "Logical_DP_Group");
		struct wft_ovsdb_row *g = t ? wft_ovsdb_rtable_find(
			t, &grp->keys[0].u) : NULL;

		if (g)
			add_dps(lb, wft_ovsdb_row_get_named(g, "datapaths"));
	}
	if (!lb->n_dps) {
		free(lb->dps);
		free(lb);
		return 0;
	}
	lb->proto = "tcp";
	lb->proto_num = 6;
	if (!strcmp(proto, "udp")) {
		lb->proto = "udp";
		lb->proto_num = 17;
	} else if (!strcmp(proto, "sctp")) {
		lb->proto = "sctp";
		lb->proto_num = 132;
	}
	s = opt(row, "hairpin_orig_tuple");
	lb->orig_tuple = s && !strcmp(s, "true");
	/* hairpin_snat_ip: the first IPv4 and the first IPv6 address. */
	for (s = opt(row, "hairpin_snat_ip"); s && *s;) {
		struct ovn_lookup_ip ip;
		size_t len;

		s += strspn(s, " ");
		len = strcspn(s, " ");
		if (!len)
			break;
		if (ovn_lookup_parse_ip(s, len, &ip)) {
			struct ovn_lookup_ip *d = ip.af == AF_INET ?
						  &lb->snat4 : &lb->snat6;

			if (!d->af)
				*d = ip;
		}
		s += len;
	}

	vips = wft_ovsdb_row_get_named(row, "vips");
	for (i = 0; vips && i < vips->n; i++)
		if (!vip_flows(lb, vips->keys[i].s, vips->values[i].s))
			out->n_skipped++;
	n = lb->n;
	free(lb->dps);
	free(lb);
	return n;
}
