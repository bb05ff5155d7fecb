// SPDX-License-Identifier: GPL-2.0
/*
 * Printing matches and flows as ovs-ofctl does. The order of the fields
 * and the spelling of each are ovs-ofctl's (a protocol shorthand for
 * dl_type and nw_proto, tp_src whatever the transport, arp_spa for nw_src
 * in ARP, dl_vlan when a tag is required...), so that a rule reads the same
 * in weft-ofctl and ovs-ofctl output and diffs between the two are empty.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include "ofp_private.h"

static void put_u32_masked(struct wft_strbuf *sb, const char *name,
			   uint32_t v, uint32_t m)
{
	if (!m)
		return;
	wft_strbuf_printf(sb, "%s=%#x", name, v);
	if (m != UINT32_MAX)
		wft_strbuf_printf(sb, "/%#x", m);
	wft_strbuf_putc(sb, ',');
}

static void put_u64_masked(struct wft_strbuf *sb, const char *name,
			   uint64_t v, uint64_t m)
{
	if (!m)
		return;
	wft_strbuf_printf(sb, "%s=%#llx", name, (unsigned long long)v);
	if (m != UINT64_MAX)
		wft_strbuf_printf(sb, "/%#llx", (unsigned long long)m);
	wft_strbuf_putc(sb, ',');
}

static void put_be16_masked(struct wft_strbuf *sb, const char *name,
			    uint16_t be_v, uint16_t be_m)
{
	uint16_t v = ntohs(be_v), m = ntohs(be_m);

	if (!m)
		return;
	if (m == UINT16_MAX)
		wft_strbuf_printf(sb, "%s=%u,", name, v);
	else
		wft_strbuf_printf(sb, "%s=0x%x/0x%x,", name, v, m);
}

static void put_eth_masked(struct wft_strbuf *sb, const char *name,
			   const uint8_t *v, const uint8_t *m)
{
	if (ofp_is_zero(m, 6))
		return;
	wft_strbuf_printf(sb, "%s=", name);
	ofp_put_eth(sb, v);
	if (!ofp_is_ones(m, 6)) {
		wft_strbuf_putc(sb, '/');
		ofp_put_eth(sb, m);
	}
	wft_strbuf_putc(sb, ',');
}

/* "name=10.0.0.0/8", "name=10.0.0.0/255.0.255.0", IPv4 or IPv6. */
static void put_ip_masked(struct wft_strbuf *sb, const char *name,
			  const void *v, const void *m, size_t n)
{
	void (*put)(struct wft_strbuf *, const uint8_t *) =
		n == 4 ? ofp_put_ipv4 : ofp_put_ipv6;
	int plen;

	if (ofp_is_zero(m, n))
		return;
	wft_strbuf_printf(sb, "%s=", name);
	put(sb, v);
	if (!ofp_is_ones(m, n)) {
		plen = ofp_cidr_len(m, n);
		if (plen >= 0) {
			wft_strbuf_printf(sb, "/%d", plen);
		} else {
			wft_strbuf_putc(sb, '/');
			put(sb, m);
		}
	}
	wft_strbuf_putc(sb, ',');
}

/* The protocol shorthand for dl_type (and nw_proto); sets *skip_type and
 * *skip_proto when the shorthand says it all. */
static void put_protocol(struct wft_strbuf *sb, const struct wft_flow *f,
			 const struct wft_flow_wc *wc, bool *skip_type,
			 bool *skip_proto)
{
	static const struct {
		uint16_t type;
		uint8_t proto;
		const char *name;
	} names[] = {
		{ WFT_ETH_TYPE_IP, IPPROTO_ICMP, "icmp" },
		{ WFT_ETH_TYPE_IP, IPPROTO_TCP, "tcp" },
		{ WFT_ETH_TYPE_IP, IPPROTO_UDP, "udp" },
		{ WFT_ETH_TYPE_IP, IPPROTO_SCTP, "sctp" },
		{ WFT_ETH_TYPE_IPV6, IPPROTO_ICMPV6, "icmp6" },
		{ WFT_ETH_TYPE_IPV6, IPPROTO_TCP, "tcp6" },
		{ WFT_ETH_TYPE_IPV6, IPPROTO_UDP, "udp6" },
		{ WFT_ETH_TYPE_IPV6, IPPROTO_SCTP, "sctp6" },
	};
	uint16_t type = ntohs(f->dl_type);
	size_t i;

	*skip_type = *skip_proto = false;
	if (!wc->masks.dl_type)
		return;
	if (type == WFT_ETH_TYPE_IP || type == WFT_ETH_TYPE_IPV6) {
		*skip_type = true;
		for (i = 0; wc->masks.nw_proto && i < 8; i++)
			if (names[i].type == type && names[i].proto == f->nw_proto) {
				wft_strbuf_printf(sb, "%s,", names[i].name);
				*skip_proto = true;
				return;
			}
		wft_strbuf_puts(sb, type == WFT_ETH_TYPE_IP ? "ip," : "ipv6,");
	} else if (type == WFT_ETH_TYPE_ARP || type == WFT_ETH_TYPE_RARP) {
		*skip_type = true;
		wft_strbuf_puts(sb, type == WFT_ETH_TYPE_ARP ? "arp," : "rarp,");
	}
}

/* dl_vlan/dl_vlan_pcp when the match requires a tag and takes VID and PCP
 * whole or not at all, vlan_tci otherwise. */
static void put_vlan(struct wft_strbuf *sb, const struct wft_flow *f,
		     const struct wft_flow_wc *wc)
{
	uint16_t tci = ntohs(f->vlan_tci), m = ntohs(wc->masks.vlan_tci);
	uint16_t vid_m = m & WFT_VLAN_VID, pcp_m = m & WFT_VLAN_PCP;

	if (!m)
		return;
	if ((m & WFT_VLAN_CFI) && (tci & WFT_VLAN_CFI) &&
	    (!vid_m || vid_m == WFT_VLAN_VID) &&
	    (!pcp_m || pcp_m == WFT_VLAN_PCP) && (vid_m || pcp_m)) {
		if (vid_m)
			wft_strbuf_printf(sb, "dl_vlan=%u,", tci & WFT_VLAN_VID);
		if (pcp_m)
			wft_strbuf_printf(sb, "dl_vlan_pcp=%u,", tci >> 13);
	} else if (m == 0xffff) {
		wft_strbuf_printf(sb, "vlan_tci=0x%04x,", tci);
	} else {
		wft_strbuf_printf(sb, "vlan_tci=0x%04x/0x%04x,", tci, m);
	}
}

static void put_l3(struct wft_strbuf *sb, const struct wft_flow *f,
		   const struct wft_flow_wc *wc, bool skip_proto)
{
	uint16_t type = ntohs(f->dl_type);
	bool arp = type == WFT_ETH_TYPE_ARP || type == WFT_ETH_TYPE_RARP;
	uint32_t label = ntohl(f->ipv6_label), label_m;

	if (type == WFT_ETH_TYPE_IPV6) {
		put_ip_masked(sb, "ipv6_src", &f->ipv6_src, &wc->masks.ipv6_src, 16);
		put_ip_masked(sb, "ipv6_dst", &f->ipv6_dst, &wc->masks.ipv6_dst, 16);
		label_m = ntohl(wc->masks.ipv6_label);
		if (label_m == 0xfffff || label_m == UINT32_MAX)
			wft_strbuf_printf(sb, "ipv6_label=0x%05x,", label);
		else if (label_m)
			wft_strbuf_printf(sb, "ipv6_label=0x%05x/0x%05x,", label,
					  label_m);
	} else {
		put_ip_masked(sb, arp ? "arp_spa" : "nw_src", &f->nw_src,
			      &wc->masks.nw_src, 4);
		put_ip_masked(sb, arp ? "arp_tpa" : "nw_dst", &f->nw_dst,
			      &wc->masks.nw_dst, 4);
	}
	if (!skip_proto && wc->masks.nw_proto)
		wft_strbuf_printf(sb, "%s=%u,", arp ? "arp_op" : "nw_proto",
				  f->nw_proto);
	if (arp) {
		put_eth_masked(sb, "arp_sha", f->arp_sha, wc->masks.arp_sha);
		put_eth_masked(sb, "arp_tha", f->arp_tha, wc->masks.arp_tha);
	}
	if (wc->masks.nw_tos & 0xfc)
		wft_strbuf_printf(sb, "nw_tos=%u,", f->nw_tos & 0xfc);
	if (wc->masks.nw_tos & 0x03)
		wft_strbuf_printf(sb, "nw_ecn=%u,", f->nw_tos & 0x03);
	if (wc->masks.nw_ttl)
		wft_strbuf_printf(sb, "nw_ttl=%u,", f->nw_ttl);
}

static void put_frag(struct wft_strbuf *sb, const struct wft_flow *f,
		     const struct wft_flow_wc *wc)
{
	bool any = f->nw_frag & WFT_FRAG_ANY, later = f->nw_frag & WFT_FRAG_LATER;

	switch (wc->masks.nw_frag & (WFT_FRAG_ANY | WFT_FRAG_LATER)) {
	case WFT_FRAG_ANY | WFT_FRAG_LATER:
		wft_strbuf_printf(sb, "nw_frag=%s,", any ? (later ? "later" :
			"first") : (later ? "<error>" : "no"));
		break;
	case WFT_FRAG_ANY:
		wft_strbuf_printf(sb, "nw_frag=%s,", any ? "yes" : "no");
		break;
	case WFT_FRAG_LATER:
		wft_strbuf_printf(sb, "nw_frag=%s,", later ? "later" :
				  "not_later");
		break;
	}
}

static void put_l4(struct wft_strbuf *sb, const struct wft_flow *f,
		   const struct wft_flow_wc *wc)
{
	uint16_t type = ntohs(f->dl_type);
	bool icmp4 = type == WFT_ETH_TYPE_IP && f->nw_proto == IPPROTO_ICMP;
	bool icmp6 = type == WFT_ETH_TYPE_IPV6 &&
		     f->nw_proto == IPPROTO_ICMPV6;

	if (icmp4 || icmp6) {
		put_be16_masked(sb, "icmp_type", f->tp_src, wc->masks.tp_src);
		put_be16_masked(sb, "icmp_code", f->tp_dst, wc->masks.tp_dst);
	}
	if (icmp6) {
		put_ip_masked(sb, "nd_target", &f->nd_target,
			      &wc->masks.nd_target, 16);
		put_eth_masked(sb, "nd_sll", f->arp_sha, wc->masks.arp_sha);
		put_eth_masked(sb, "nd_tll", f->arp_tha, wc->masks.arp_tha);
	}
	if (!icmp4 && !icmp6) {
		put_be16_masked(sb, "tp_src", f->tp_src, wc->masks.tp_src);
		put_be16_masked(sb, "tp_dst", f->tp_dst, wc->masks.tp_dst);
	}
	if ((type == WFT_ETH_TYPE_IP || type == WFT_ETH_TYPE_IPV6) &&
	    f->nw_proto == IPPROTO_TCP && wc->masks.tcp_flags) {
		wft_strbuf_puts(sb, "tcp_flags=");
		ofp_tcp_flags_format(ntohs(f->tcp_flags),
				     ntohs(wc->masks.tcp_flags), sb);
		wft_strbuf_putc(sb, ',');
	}
}

/* tun_metadataN that the active TLV map (or the default layout) has. */
static void put_tun_md(struct wft_strbuf *sb, const struct wft_flow *f,
		       const struct wft_flow_wc *wc)
{
	uint8_t value[16], mask[16];
	const struct wft_field *fd;
	unsigned int i;

	for (i = 0; i < WFT_N_TUN_METADATA; i++) {
		if (!(wc->masks.tun_md_present >> i & 1))
			continue;
		fd = wft_field_from_id(WFT_F_TUN_METADATA0 + i);
		if (!fd)
			continue;
		ofp_field_get(fd, f, wc, value, mask);
		wft_strbuf_printf(sb, "%s", fd->name);
		if (ofp_is_zero(mask, fd->n_bytes)) {
			/* Only presence is matched. */
			wft_strbuf_putc(sb, ',');
			continue;
		}
		wft_strbuf_putc(sb, '=');
		ofp_put_hex(sb, value, fd->n_bytes);
		if (!ofp_tun_md_mask_whole(mask, fd->n_bytes)) {
			wft_strbuf_putc(sb, '/');
			ofp_put_hex(sb, mask, fd->n_bytes);
		}
		wft_strbuf_putc(sb, ',');
	}
}

/* The tunnel fields, in ovs-ofctl's order. */
static void put_tunnel(struct wft_strbuf *sb, const struct wft_flow *f,
		       const struct wft_flow_wc *wc)
{
	if (wc->masks.tun_id) {
		wft_strbuf_printf(sb, "tun_id=%#llx", (unsigned long long)
				  be64toh(f->tun_id));
		if (wc->masks.tun_id != UINT64_MAX)
			wft_strbuf_printf(sb, "/%#llx", (unsigned long long)
					  be64toh(wc->masks.tun_id));
		wft_strbuf_putc(sb, ',');
	}
	put_ip_masked(sb, "tun_src", &f->tun_src, &wc->masks.tun_src, 4);
	put_ip_masked(sb, "tun_dst", &f->tun_dst, &wc->masks.tun_dst, 4);
	put_ip_masked(sb, "tun_ipv6_src", &f->tun_ipv6_src,
		      &wc->masks.tun_ipv6_src, 16);
	put_ip_masked(sb, "tun_ipv6_dst", &f->tun_ipv6_dst,
		      &wc->masks.tun_ipv6_dst, 16);
	if (ntohs(wc->masks.tun_flags) & WFT_TNL_F_OAM)
		wft_strbuf_printf(sb, "tun_flags=%coam,",
				  ntohs(f->tun_flags) & WFT_TNL_F_OAM ? '+' : '-');
	put_tun_md(sb, f, wc);
}

/* ct_label: a 128-bit number, in hex as ovs-ofctl prints it. */
static void put_ct_label(struct wft_strbuf *sb, const struct wft_flow *f,
			 const struct wft_flow_wc *wc)
{
	if (ofp_is_zero(wc->masks.ct_label, 16))
		return;
	wft_strbuf_puts(sb, "ct_label=");
	ofp_put_hex(sb, f->ct_label, 16);
	if (!ofp_is_ones(wc->masks.ct_label, 16)) {
		wft_strbuf_putc(sb, '/');
		ofp_put_hex(sb, wc->masks.ct_label, 16);
	}
	wft_strbuf_putc(sb, ',');
}

/* The conntrack fields, in ovs-ofctl's order; as in OVS, ct_tp_src and
 * ct_tp_dst come with ct_nw_proto or not at all (the parser refuses them
 * alone). */
static void put_ct(struct wft_strbuf *sb, const struct wft_flow *f,
		   const struct wft_flow_wc *wc)
{
	uint16_t zone_m = ntohs(wc->masks.ct_zone);

	if (wc->masks.ct_state) {
		wft_strbuf_puts(sb, "ct_state=");
		ofp_ct_state_format(ntohl(f->ct_state), ntohl(wc->masks.ct_state),
				    sb);
		wft_strbuf_putc(sb, ',');
	}
	if (zone_m == UINT16_MAX)
		wft_strbuf_printf(sb, "ct_zone=%u,", ntohs(f->ct_zone));
	else if (zone_m)
		wft_strbuf_printf(sb, "ct_zone=0x%x/0x%x,", ntohs(f->ct_zone),
				  zone_m);
	put_u32_masked(sb, "ct_mark", ntohl(f->ct_mark),
		       ntohl(wc->masks.ct_mark));
	put_ct_label(sb, f, wc);
	put_ip_masked(sb, "ct_nw_src", &f->ct_nw_src, &wc->masks.ct_nw_src, 4);
	put_ip_masked(sb, "ct_ipv6_src", &f->ct_ipv6_src,
		      &wc->masks.ct_ipv6_src, 16);
	put_ip_masked(sb, "ct_nw_dst", &f->ct_nw_dst, &wc->masks.ct_nw_dst, 4);
	put_ip_masked(sb, "ct_ipv6_dst", &f->ct_ipv6_dst,
		      &wc->masks.ct_ipv6_dst, 16);
	if (wc->masks.ct_nw_proto) {
		wft_strbuf_printf(sb, "ct_nw_proto=%u,", f->ct_nw_proto);
		put_be16_masked(sb, "ct_tp_src", f->ct_tp_src,
				wc->masks.ct_tp_src);
		put_be16_masked(sb, "ct_tp_dst", f->ct_tp_dst,
				wc->masks.ct_tp_dst);
	}
}

void wft_ofp_match_format(const struct wft_flow *f,
			  const struct wft_flow_wc *wc, unsigned int priority,
			  struct wft_strbuf *sb)
{
	size_t start = sb->len;
	bool skip_type, skip_proto;
	char name[8];
	int i;

	if (priority != WFT_OFP_DEFAULT_PRIORITY)
		wft_strbuf_printf(sb, "priority=%u,", priority);
	put_u32_masked(sb, "pkt_mark", ntohl(f->pkt_mark),
		       ntohl(wc->masks.pkt_mark));
	put_u32_masked(sb, "dp_hash", ntohl(f->dp_hash),
		       ntohl(wc->masks.dp_hash));
	if (wc->masks.conj_id)
		wft_strbuf_printf(sb, "conj_id=%u,", ntohl(f->conj_id));
	put_ct(sb, f, wc);
	put_protocol(sb, f, wc, &skip_type, &skip_proto);
	for (i = 0; i < WFT_N_REGS; i++) {
		snprintf(name, sizeof(name), "reg%d", i);
		put_u32_masked(sb, name, ntohl(f->regs[i]),
			       ntohl(wc->masks.regs[i]));
	}
	put_tunnel(sb, f, wc);
	put_u64_masked(sb, "metadata", be64toh(f->metadata),
		       be64toh(wc->masks.metadata));
	if (wc->masks.in_port) {
		wft_strbuf_puts(sb, "in_port=");
		wft_ofp_port_format(ntohl(f->in_port), sb);
		wft_strbuf_putc(sb, ',');
	}
	put_vlan(sb, f, wc);
	put_eth_masked(sb, "dl_src", f->dl_src, wc->masks.dl_src);
	put_eth_masked(sb, "dl_dst", f->dl_dst, wc->masks.dl_dst);
	if (!skip_type && wc->masks.dl_type)
		wft_strbuf_printf(sb, "dl_type=0x%04x,", ntohs(f->dl_type));
	put_l3(sb, f, wc, skip_proto);
	put_frag(sb, f, wc);
	put_l4(sb, f, wc);
	if (sb->len > start && sb->buf[sb->len - 1] == ',')
		wft_strbuf_truncate(sb, sb->len - 1);
}

static void put_flags(struct wft_strbuf *sb, uint16_t flags)
{
	static const char *const names[] = {
		"send_flow_rem", "check_overlap", "reset_counts",
		"no_packet_counts", "no_byte_counts",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & 1u << i)
			wft_strbuf_printf(sb, "%s ", names[i]);
}

static const char *command_name(enum wft_ofp_command cmd)
{
	switch (cmd) {
	case WFT_OFPFC_ADD: return "ADD";
	case WFT_OFPFC_MODIFY: return "MOD";
	case WFT_OFPFC_MODIFY_STRICT: return "MOD_STRICT";
	case WFT_OFPFC_DELETE: return "DEL";
	case WFT_OFPFC_DELETE_STRICT: return "DEL_STRICT";
	}
	return "?";
}

void wft_ofp_flow_format(const struct wft_ofp_flow *f, struct wft_strbuf *sb)
{
	wft_strbuf_puts(sb, command_name(f->command));
	/* ovs-ofctl prints a flow_mod's table unless it is 0; an add with no
	 * table= goes to table 0. */
	if (f->table != 0 && !(f->table == WFT_TABLE_ALL &&
			       f->command == WFT_OFPFC_ADD))
		wft_strbuf_printf(sb, " table:%u", f->table);
	wft_strbuf_putc(sb, ' ');
	wft_ofp_match_format(&f->match, &f->mask, f->priority, sb);
	if (sb->buf[sb->len - 1] != ' ')
		wft_strbuf_putc(sb, ' ');
	if (f->cookie_mask)
		wft_strbuf_printf(sb, "cookie:0x%llx/0x%llx ",
				  (unsigned long long)f->cookie,
				  (unsigned long long)f->cookie_mask);
	else if (f->cookie && f->cookie != UINT64_MAX)
		wft_strbuf_printf(sb, "cookie:0x%llx ",
				  (unsigned long long)f->cookie);
	if (f->idle_timeout)
		wft_strbuf_printf(sb, "idle:%u ", f->idle_timeout);
	if (f->hard_timeout)
		wft_strbuf_printf(sb, "hard:%u ", f->hard_timeout);
	if (f->importance)
		wft_strbuf_printf(sb, "importance:%u ", f->importance);
	if (f->out_port != WFT_OFPP_ANY) {
		wft_strbuf_puts(sb, "out_port:");
		wft_ofp_port_format(f->out_port, sb);
		wft_strbuf_putc(sb, ' ');
	}
	put_flags(sb, f->flags);
	wft_strbuf_puts(sb, "actions=");
	wft_ofp_actions_format(&f->actions, &f->match, &f->mask, sb);
}

/* "1.5s", "1s", "0.000000001s": milliseconds when exact, as ovs-ofctl. */
static void put_duration(struct wft_strbuf *sb, uint32_t sec, uint32_t nsec)
{
	wft_strbuf_printf(sb, "%u", sec);
	if (nsec && nsec % 1000000 == 0) {
		wft_strbuf_printf(sb, ".%03u", nsec / 1000000);
	} else if (nsec) {
		wft_strbuf_printf(sb, ".%09u", nsec);
		while (sb->buf[sb->len - 1] == '0')
			wft_strbuf_truncate(sb, sb->len - 1);
	}
	wft_strbuf_putc(sb, 's');
}

static void put_stat(struct wft_strbuf *sb, const char *name, uint64_t v)
{
	if (v == UINT64_MAX)
		wft_strbuf_printf(sb, "%s=?, ", name);
	else
		wft_strbuf_printf(sb, "%s=%llu, ", name, (unsigned long long)v);
}

void wft_ofp_flow_format_dump(const struct wft_ofp_flow *f,
			      const struct wft_ofp_flow_stats *st,
			      struct wft_strbuf *sb)
{
	unsigned int table = f->table == WFT_TABLE_ALL ? 0 : f->table;
	size_t len;

	if (st || f->cookie)
		wft_strbuf_printf(sb, "cookie=0x%llx, ",
				  (unsigned long long)f->cookie);
	if (st) {
		wft_strbuf_puts(sb, "duration=");
		put_duration(sb, st->duration_sec, st->duration_nsec);
		wft_strbuf_puts(sb, ", ");
	}
	if (st || table)
		wft_strbuf_printf(sb, "table=%u, ", table);
	if (st) {
		put_stat(sb, "n_packets", st->n_packets);
		put_stat(sb, "n_bytes", st->n_bytes);
	}
	if (f->idle_timeout)
		wft_strbuf_printf(sb, "idle_timeout=%u, ", f->idle_timeout);
	if (f->hard_timeout)
		wft_strbuf_printf(sb, "hard_timeout=%u, ", f->hard_timeout);
	put_flags(sb, f->flags);
	if (f->importance)
		wft_strbuf_printf(sb, "importance=%u, ", f->importance);
	if (st && st->idle_age >= 0)
		wft_strbuf_printf(sb, "idle_age=%d, ", st->idle_age);
	if (st && st->hard_age >= 0 &&
	    (uint32_t)st->hard_age != st->duration_sec)
		wft_strbuf_printf(sb, "hard_age=%d, ", st->hard_age);
	len = sb->len;
	wft_ofp_match_format(&f->match, &f->mask, f->priority, sb);
	if (sb->len != len)
		wft_strbuf_putc(sb, ' ');
	wft_strbuf_puts(sb, "actions=");
	wft_ofp_actions_format(&f->actions, &f->match, &f->mask, sb);
}
