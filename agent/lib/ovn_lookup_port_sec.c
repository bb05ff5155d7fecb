// SPDX-License-Identifier: GPL-2.0
/*
 * Port security (tables 73, 74, 75): for every port bound to this chassis
 * whose Port_Binding.port_security lists "MAC [IP[/PLEN]...]" entries,
 * the flows that check_in_port_sec()/check_out_port_sec() consult. A
 * packet fails (flags[12] = 1) unless a flow for one of the entries lets
 * it through (flags[12] = 0), or sends it on to the ARP/ND checks of
 * table 74. The flows are ovn-controller 23.03's, quirks included, so
 * that a weft chassis and an OVN one filter alike:
 *  - the NS/NA flows of table 74 that come per entry match nw_ttl=225
 *    (where the defaults match 255), and the first ones carry no eth.src;
 *  - the NA flows keep the NS flows' nd_sll, which an NA cannot match
 *    and OpenFlow does not carry: they are built without it here.
 * The flows of one port are deduplicated (two entries yield some equal
 * ones, which ovn-controller's flow table merges too).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovn_lookup_priv.h"
#include "weft/util.h"

/* One port_security entry. */
struct ps_entry {
	char mac[18];
	uint8_t ea[6];
	struct ovn_lookup_ip *v4;
	struct ovn_lookup_ip *v6;
	size_t n4, n6;
};

/* "MAC [IP...]": false without a MAC; the addresses stop at the first
 * word that is not one, as in OVN. */
static bool parse_entry(const char *s, struct ps_entry *e)
{
	size_t len;

	memset(e, 0, sizeof(*e));
	s += strspn(s, " ");
	len = strcspn(s, " ");
	if (len != 17)
		return false;
	memcpy(e->mac, s, 17);
	if (!ovn_lookup_parse_mac(e->mac, e->ea))
		return false;
	/* ovs-ofctl prints MACs in lower case. */
	snprintf(e->mac, sizeof(e->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 e->ea[0], e->ea[1], e->ea[2], e->ea[3], e->ea[4], e->ea[5]);
	for (s += len; *(s += strspn(s, " ")); s += len) {
		struct ovn_lookup_ip ip;

		len = strcspn(s, " ");
		if (!ovn_lookup_parse_ip(s, len, &ip))
			break;
		if (ip.af == AF_INET) {
			e->v4 = wft_xrealloc(e->v4, (e->n4 + 1) *
					     sizeof(*e->v4));
			e->v4[e->n4++] = ip;
		} else {
			e->v6 = wft_xrealloc(e->v6, (e->n6 + 1) *
					     sizeof(*e->v6));
			e->v6[e->n6++] = ip;
		}
	}
	return true;
}

static bool host_bits_zero(const struct ovn_lookup_ip *ip)
{
	const uint8_t *b = ip->af == AF_INET ? (const uint8_t *)&ip->v4 :
			   ip->v6.s6_addr;
	unsigned int n = ip->af == AF_INET ? 32 : 128, i;

	for (i = ip->plen; i < n; i++)
		if (b[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* The address alone when it names a host (a full prefix, or host bits
 * set), else the network with its prefix. */
static void put_host_or_net(struct wft_strbuf *sb,
			    const struct ovn_lookup_ip *ip)
{
	unsigned int full = ip->af == AF_INET ? 32 : 128;

	ovn_lookup_put_ip(sb, ip);
	if (ip->plen != full && host_bits_zero(ip))
		wft_strbuf_printf(sb, "/%u", ip->plen);
}

/* The IPv4 broadcast address of @ip's subnet. */
static void put_bcast(struct wft_strbuf *sb, const struct ovn_lookup_ip *ip)
{
	struct ovn_lookup_ip b = *ip;
	uint32_t host = ip->plen ? (1u << (32 - ip->plen)) - 1 : ~0u;

	b.v4.s_addr = htonl(ntohl(ip->v4.s_addr) | host);
	ovn_lookup_put_ip(sb, &b);
}

/* The EUI-64 link-local address of @ea. */
static void put_lla(struct wft_strbuf *sb, const uint8_t ea[6])
{
	struct ovn_lookup_ip lla = { .af = AF_INET6, .plen = 128 };
	uint8_t *a = lla.v6.s6_addr;

	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = ea[0] ^ 0x02;
	a[9] = ea[1];
	a[10] = ea[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = ea[3];
	a[14] = ea[4];
	a[15] = ea[5];
	ovn_lookup_put_ip(sb, &lla);
}

/* Building one port's flows. */
struct ps_port {
	const struct wft_ovsdb_row *row;
	struct wft_ovn_lookup_flows *out;
	char in[64];			/* "reg14=K,metadata=D" */
	char outp[64];			/* "reg15=K,metadata=D" */
	int n;
};

#define PASS	"load:0->NXM_NX_REG10[12]"
#define FAIL	"load:0x1->NXM_NX_REG10[12]"
#define TO_ND	"resubmit(,74)"

static void ps_add(struct ps_port *p, unsigned int table, unsigned int prio,
		   const char *acts, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void ps_add(struct ps_port *p, unsigned int table, unsigned int prio,
		   const char *acts, const char *fmt, ...)
{
	struct wft_strbuf sb;
	va_list ap;

	wft_strbuf_init(&sb);
	va_start(ap, fmt);
	wft_strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	p->n += ovn_lookup_add(p->out, p->row, table, prio,
			       wft_strbuf_cstr(&sb), acts);
	wft_strbuf_free(&sb);
}

static void in_defaults(struct ps_port *p)
{
	ps_add(p, 73, 80, FAIL, "%s", p->in);
	ps_add(p, 73, 95, TO_ND, "%s,arp", p->in);
	ps_add(p, 74, 80, FAIL, "%s,arp", p->in);
	ps_add(p, 74, 80, FAIL, "%s,icmp6,nw_ttl=255,icmp_type=136", p->in);
	/* OVN lets every NS through here (a workaround it documents). */
	ps_add(p, 74, 80, PASS, "%s,icmp6,nw_ttl=255,icmp_type=135", p->in);
}

static void in_entry(struct ps_port *p, const struct ps_entry *e)
{
	struct wft_strbuf a;
	size_t i;

	wft_strbuf_init(&a);
	if (!e->n4 && !e->n6)
		ps_add(p, 73, 90, TO_ND, "%s,dl_src=%s", p->in, e->mac);

	/* IPv4 sources, and DHCP discovery. */
	for (i = 0; i < e->n4; i++) {
		wft_strbuf_reset(&a);
		put_host_or_net(&a, &e->v4[i]);
		ps_add(p, 73, 90, PASS, "%s,ip,dl_src=%s,nw_src=%s", p->in,
		       e->mac, wft_strbuf_cstr(&a));
	}
	if (e->n4)
		ps_add(p, 73, 90, PASS, "%s,udp,dl_src=%s,nw_src=0.0.0.0,"
		       "nw_dst=255.255.255.255,tp_src=68,tp_dst=67", p->in,
		       e->mac);

	/* ARP: none at all with IPv6 addresses only. */
	if (e->n4 || !e->n6) {
		if (!e->n4)
			ps_add(p, 74, 90, PASS, "%s,arp,dl_src=%s,arp_sha=%s",
			       p->in, e->mac, e->mac);
		for (i = 0; i < e->n4; i++) {
			wft_strbuf_reset(&a);
			put_host_or_net(&a, &e->v4[i]);
			ps_add(p, 74, 90, PASS,
			       "%s,arp,dl_src=%s,arp_spa=%s,arp_sha=%s", p->in,
			       e->mac, wft_strbuf_cstr(&a), e->mac);
		}
	}

	/* IPv6 sources (and the link-local one) go on to the ND checks;
	 * so do solicitations from ::, while MLD reports from :: pass. */
	if (e->n6) {
		for (i = 0; i < e->n6; i++) {
			wft_strbuf_reset(&a);
			put_host_or_net(&a, &e->v6[i]);
			ps_add(p, 73, 90, TO_ND, "%s,ipv6,dl_src=%s,ipv6_src=%s",
			       p->in, e->mac, wft_strbuf_cstr(&a));
		}
		wft_strbuf_reset(&a);
		put_lla(&a, e->ea);
		ps_add(p, 73, 90, TO_ND, "%s,ipv6,dl_src=%s,ipv6_src=%s", p->in,
		       e->mac, wft_strbuf_cstr(&a));
		ps_add(p, 73, 90, PASS, "%s,icmp6,dl_src=%s,ipv6_src=::,"
		       "ipv6_dst=ff02::/16,icmp_type=131,icmp_code=0", p->in,
		       e->mac);
		ps_add(p, 73, 90, PASS, "%s,icmp6,dl_src=%s,ipv6_src=::,"
		       "ipv6_dst=ff02::/16,icmp_type=143,icmp_code=0", p->in,
		       e->mac);
		ps_add(p, 73, 90, TO_ND, "%s,icmp6,dl_src=%s,ipv6_src=::,"
		       "ipv6_dst=ff02::/16,icmp_type=135,icmp_code=0", p->in,
		       e->mac);
	}

	/* Neighbour solicitations and advertisements. */
	ps_add(p, 74, 90, PASS, "%s,icmp6,nw_ttl=225,icmp_type=135,"
	       "icmp_code=0,nd_sll=00:00:00:00:00:00", p->in);
	ps_add(p, 74, 90, PASS, "%s,icmp6,nw_ttl=225,icmp_type=135,"
	       "icmp_code=0,nd_sll=%s", p->in, e->mac);
	if (e->n6) {
		wft_strbuf_reset(&a);
		put_lla(&a, e->ea);
		ps_add(p, 74, 90, PASS, "%s,icmp6,nw_ttl=225,icmp_type=136,"
		       "icmp_code=0,nd_target=%s,nd_tll=00:00:00:00:00:00",
		       p->in, wft_strbuf_cstr(&a));
		ps_add(p, 74, 90, PASS, "%s,icmp6,nw_ttl=225,icmp_type=136,"
		       "icmp_code=0,nd_target=%s,nd_tll=%s", p->in,
		       wft_strbuf_cstr(&a), e->mac);
		for (i = 0; i < e->n6; i++) {
			wft_strbuf_reset(&a);
			put_host_or_net(&a, &e->v6[i]);
			ps_add(p, 74, 90, PASS, "%s,icmp6,dl_src=%s,"
			       "icmp_type=136,icmp_code=0,nd_target=%s,"
			       "nd_tll=00:00:00:00:00:00", p->in, e->mac,
			       wft_strbuf_cstr(&a));
			ps_add(p, 74, 90, PASS, "%s,icmp6,dl_src=%s,"
			       "icmp_type=136,icmp_code=0,nd_target=%s,"
			       "nd_tll=%s", p->in, e->mac, wft_strbuf_cstr(&a),
			       e->mac);
		}
	} else {
		ps_add(p, 74, 90, PASS, "%s,icmp6,nw_ttl=225,icmp_type=136,"
		       "icmp_code=0,nd_tll=00:00:00:00:00:00", p->in);
		ps_add(p, 74, 90, PASS, "%s,icmp6,nw_ttl=225,icmp_type=136,"
		       "icmp_code=0,nd_tll=%s", p->in, e->mac);
	}
	wft_strbuf_free(&a);
}

static void out_entry(struct ps_port *p, const struct ps_entry *e)
{
	struct wft_strbuf a;
	size_t i;

	ps_add(p, 75, 85, PASS, "%s,dl_dst=%s", p->outp, e->mac);
	if (!e->n4 && !e->n6)
		return;
	wft_strbuf_init(&a);

	/* IPv4 to this entry's addresses, its subnets' broadcast,
	 * broadcast and multicast only. */
	ps_add(p, 75, 90, FAIL, "%s,ip,dl_dst=%s", p->outp, e->mac);
	for (i = 0; i < e->n4; i++) {
		const struct ovn_lookup_ip *ip = &e->v4[i];

		if (ip->plen != 32 && !host_bits_zero(ip)) {
			wft_strbuf_reset(&a);
			put_bcast(&a, ip);
			ps_add(p, 75, 95, PASS, "%s,ip,dl_dst=%s,nw_dst=%s",
			       p->outp, e->mac, wft_strbuf_cstr(&a));
		}
		wft_strbuf_reset(&a);
		put_host_or_net(&a, ip);
		ps_add(p, 75, 95, PASS, "%s,ip,dl_dst=%s,nw_dst=%s", p->outp,
		       e->mac, wft_strbuf_cstr(&a));
	}
	if (e->n4) {
		ps_add(p, 75, 95, PASS, "%s,ip,dl_dst=%s,nw_dst=255.255.255.255",
		       p->outp, e->mac);
		ps_add(p, 75, 95, PASS, "%s,ip,dl_dst=%s,nw_dst=224.0.0.0/4",
		       p->outp, e->mac);
	}

	/* IPv6 likewise: its addresses, link-local, multicast. */
	ps_add(p, 75, 90, FAIL, "%s,ipv6,dl_dst=%s", p->outp, e->mac);
	if (e->n6) {
		for (i = 0; i < e->n6; i++) {
			wft_strbuf_reset(&a);
			put_host_or_net(&a, &e->v6[i]);
			ps_add(p, 75, 95, PASS, "%s,ipv6,dl_dst=%s,ipv6_dst=%s",
			       p->outp, e->mac, wft_strbuf_cstr(&a));
		}
		wft_strbuf_reset(&a);
		put_lla(&a, e->ea);
		ps_add(p, 75, 95, PASS, "%s,ipv6,dl_dst=%s,ipv6_dst=%s",
		       p->outp, e->mac, wft_strbuf_cstr(&a));
		ps_add(p, 75, 95, PASS, "%s,ipv6,dl_dst=%s,ipv6_dst=ff00::/8",
		       p->outp, e->mac);
	}
	wft_strbuf_free(&a);
}

/* Drops the flows from @start on that repeat an earlier one's table,
 * priority and match (the first one wins, as OVN keeps it). */
static int dedup(struct wft_ovn_lookup_flows *out, size_t start)
{
	size_t i, j, k = start;
	int dropped = 0;

	for (i = start; i < out->n; i++) {
		struct wft_ofp_flow *f = &out->flows[i];
		bool dup = false;

		for (j = start; j < k && !dup; j++) {
			const struct wft_ofp_flow *g = &out->flows[j];

			dup = g->table == f->table &&
			      g->priority == f->priority &&
			      !memcmp(&g->match, &f->match, sizeof(f->match)) &&
			      !memcmp(&g->mask, &f->mask, sizeof(f->mask));
		}
		if (dup) {
			wft_ofp_flow_uninit(f);
			dropped++;
			continue;
		}
		if (k != i) {
			out->flows[k] = *f;
			out->src[k] = out->src[i];
		}
		k++;
	}
	out->n = k;
	return dropped;
}

int wft_ovn_lookup_port_sec(const struct wft_ovn_lookup_ctx *ctx,
			    const struct wft_ovsdb_row *pb,
			    struct wft_ovn_lookup_flows *out)
{
	const struct wft_ovsdb_datum *ps, *ch;
	const struct wft_ovn_lookup_port *port;
	struct ps_entry *e;
	struct ps_port p;
	size_t start = out->n, n = 0, i;

	ps = wft_ovsdb_row_get_named(pb, "port_security");
	ch = wft_ovsdb_row_get_named(pb, "chassis");
	if (!ps || !ps->n || !ch || !ch->n ||
	    wft_uuid_cmp(&ch->keys[0].u, &ctx->chassis))
		return 0;
	port = ovn_lookup_port(ctx, ovn_lookup_str(pb, "logical_port"));
	if (!port || !port->dp_key)
		return 0;

	e = wft_xcalloc(ps->n, sizeof(*e));
	for (i = 0; i < ps->n; i++)
		if (parse_entry(ps->keys[i].s, &e[n]))
			n++;
	if (!n) {
		free(e);
		out->n_skipped++;
		return -EINVAL;
	}
	memset(&p, 0, sizeof(p));
	p.row = pb;
	p.out = out;
	snprintf(p.in, sizeof(p.in), "reg14=0x%x,metadata=0x%x", port->key,
		 port->dp_key);
	snprintf(p.outp, sizeof(p.outp), "reg15=0x%x,metadata=0x%x", port->key,
		 port->dp_key);
	in_defaults(&p);
	for (i = 0; i < n; i++)
		in_entry(&p, &e[i]);
	ps_add(&p, 75, 80, FAIL, "%s", p.outp);
	for (i = 0; i < n; i++)
		out_entry(&p, &e[i]);
	for (i = 0; i < n; i++) {
		free(e[i].v4);
		free(e[i].v6);
	}
	free(e);
	return p.n - dedup(out, start);
}
