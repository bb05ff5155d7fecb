// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing a flow in ovs-ofctl syntax: the flow's own keywords (table,
 * priority, cookie, timeouts, flags), the match (protocol shorthands and
 * fields, checked against their prerequisites once the whole match is
 * known, since "tp_dst=80,tcp" is as valid as "tcp,tp_dst=80"), then the
 * actions (ofp_parse_actions.c) against that match.
 *
 * Normalization happens here, so that equal rules are equal structs:
 * values are masked, and a VLAN match takes the form OpenFlow 1.4 gives it
 * (see vlan_normalize()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"
#include "ofp_private.h"

/* What the parser has seen of the match, for the checks at the end. */
struct match_ctx {
	struct wft_flow *flow;
	struct wft_flow_wc *wc;
	struct {		/* each field as written, NULL if not */
		const char *name;
		size_t len;
	} given[WFT_N_FIELDS];
	char *err;
	size_t errlen;
};

static const struct {
	const char *name;
	uint16_t dl_type;
	uint8_t nw_proto;
} protocols[] = {
	{ "ip", WFT_ETH_TYPE_IP, 0 }, { "ipv4", WFT_ETH_TYPE_IP, 0 },
	{ "ip4", WFT_ETH_TYPE_IP, 0 },
	{ "icmp", WFT_ETH_TYPE_IP, IPPROTO_ICMP },
	{ "tcp", WFT_ETH_TYPE_IP, IPPROTO_TCP },
	{ "udp", WFT_ETH_TYPE_IP, IPPROTO_UDP },
	{ "sctp", WFT_ETH_TYPE_IP, IPPROTO_SCTP },
	{ "ipv6", WFT_ETH_TYPE_IPV6, 0 }, { "ip6", WFT_ETH_TYPE_IPV6, 0 },
	{ "icmp6", WFT_ETH_TYPE_IPV6, IPPROTO_ICMPV6 },
	{ "tcp6", WFT_ETH_TYPE_IPV6, IPPROTO_TCP },
	{ "udp6", WFT_ETH_TYPE_IPV6, IPPROTO_UDP },
	{ "sctp6", WFT_ETH_TYPE_IPV6, IPPROTO_SCTP },
	{ "arp", WFT_ETH_TYPE_ARP, 0 }, { "rarp", WFT_ETH_TYPE_RARP, 0 },
};

/* Keywords ovs-ofctl knows that weft does not support (yet), with the
 * reason the error gives: a name ending in '_' (and "mpls") is a prefix,
 * others are whole names. */
static const struct {
	const char *prefix;
	const char *what;
} unsupported[] = {
	{ "tun_gbp_", "VXLAN group policy fields" },
	{ "tun_erspan_", "ERSPAN fields" }, { "tun_gtpu_", "GTP-U fields" },
	{ "tun_tos", "tun_tos (not matchable in OpenFlow)" },
	{ "tun_ttl", "tun_ttl (not matchable in OpenFlow)" },
	{ "tun_metadata", "tun_metadata0 to tun_metadata63 only" },
	{ "tun_", "this tunnel field" },
	{ "mpls", "MPLS" }, { "packet_type", "packet_type" }, { "eth", "packet_type" },
	{ "actset_output", "actset_output" }, { "recirc_id", "recirc_id" },
	{ "nsh_", "NSH" }, { "out_group", "groups" }, { "cvlan", "QinQ fields" },
	{ "vlan_tci1", "QinQ fields" }, { "dl_vlan1", "QinQ fields" },
	{ "nd_reserved", "nd_reserved" }, { "nd_options_type", "nd_options_type" },
	{ "igmp", "IGMP" }, { "skb_priority", "skb_priority (not matchable in "
	  "OpenFlow)" }, { "xxxreg", "this register view" },
};

int ofp_unsupported_field(const char *name, size_t len, char *err,
			  size_t errlen)
{
	size_t i, n;

	/* The tunnel fields weft has are not caught by "tun_" below. */
	if (len > 4 && !strncmp(name, "tun_", 4) &&
	    wft_field_from_name(name, len))
		return 0;
	if (wft_field_tun_md_unmapped(name, len, err, errlen))
		return -EINVAL;
	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		const char *p = unsupported[i].prefix;
		bool prefix = p[strlen(p) - 1] == '_' || !strcmp(p, "mpls") ||
			      !strcmp(p, "tun_metadata");

		n = strlen(p);
		if ((prefix ? len >= n : len == n) && !strncmp(name, p, n))
			return ofp_err(err, errlen, "%.*s: not supported by weft "
				       "(%s)", (int)len, name,
				       unsupported[i].what);
	}
	return 0;
}

static int unsupported_keyword(const struct ofp_token *t, char *err,
			       size_t errlen)
{
	if (ofp_unsupported_field(t->key, t->key_len, err, errlen))
		return -EINVAL;
	return ofp_err(err, errlen, "unknown keyword \"%.*s\"",
		       (int)t->key_len, t->key);
}

static void set_exact(void *value, void *mask, const void *v, size_t n)
{
	memcpy(value, v, n);
	memset(mask, 0xff, n);
}

static bool parse_protocol(struct match_ctx *c, const struct ofp_token *t)
{
	size_t i;

	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++) {
		uint16_t type = htons(protocols[i].dl_type);

		if (!ofp_token_is(t, protocols[i].name))
			continue;
		set_exact(&c->flow->dl_type, &c->wc->masks.dl_type, &type, 2);
		if (protocols[i].nw_proto)
			set_exact(&c->flow->nw_proto, &c->wc->masks.nw_proto,
				  &protocols[i].nw_proto, 1);
		return true;
	}
	return false;
}

static int parse_in_port(struct match_ctx *c, const struct ofp_token *t)
{
	uint32_t port;

	if (wft_ofp_port_parse(t->value, t->value_len, &port))
		return ofp_err(c->err, c->errlen, "in_port: \"%.*s\" is not a "
			       "port (a number up to 65279, or LOCAL, IN_PORT, "
			       "...)", (int)t->value_len, t->value);
	c->flow->in_port = htonl(port);
	c->wc->masks.in_port = 0xffffffffu;
	return 0;
}

/* dl_vlan and dl_vlan_pcp (vlan_pcp): OpenFlow 1.0's view of the tag,
 * which also requires one to be present (CFI). */
static int parse_vlan_part(struct match_ctx *c, const struct ofp_token *t,
			   bool pcp)
{
	uint16_t tci = ntohs(c->flow->vlan_tci);
	uint16_t m = ntohs(c->wc->masks.vlan_tci);
	uint64_t v;

	if (ofp_parse_uint(t->value, t->value_len, pcp ? 7 : 4095, &v))
		return ofp_err(c->err, c->errlen, "%.*s: \"%.*s\" is not a "
			       "VLAN %s", (int)t->key_len, t->key,
			       (int)t->value_len, t->value,
			       pcp ? "PCP (0..7)" : "ID (0..4095)");
	if (pcp) {
		tci = (uint16_t)((tci & ~WFT_VLAN_PCP) | v << 13);
		m |= WFT_VLAN_PCP;
	} else {
		tci = (uint16_t)((tci & ~WFT_VLAN_VID) | v);
		m |= WFT_VLAN_VID;
	}
	c->flow->vlan_tci = htons(tci | WFT_VLAN_CFI);
	c->wc->masks.vlan_tci = htons(m | WFT_VLAN_CFI);
	return 0;
}

/* "reg0[0..7]=5": some bits of a field. */
static int parse_subfield_match(struct match_ctx *c, const struct ofp_token *t)
{
	char name[64];
	struct wft_subfield sf;
	uint8_t value[16], mask[16];
	uint64_t v;
	size_t used;
	unsigned int i;

	if (t->key_len >= sizeof(name))
		return ofp_err(c->err, c->errlen, "%.*s: name too long",
			       (int)t->key_len, t->key);
	memcpy(name, t->key, t->key_len);
	name[t->key_len] = '\0';
	if (wft_subfield_parse(name, &sf, &used, c->err, c->errlen))
		return -EINVAL;
	if (used != t->key_len)
		return ofp_err(c->err, c->errlen, "%s: trailing characters after "
			       "the bit range", name);
	if (ofp_parse_uint(t->value, t->value_len, sf.n_bits >= 64 ?
			   UINT64_MAX : (1ull << sf.n_bits) - 1, &v))
		return ofp_err(c->err, c->errlen, "%s: \"%.*s\" is not a number "
			       "that fits in %u bits", name, (int)t->value_len,
			       t->value, sf.n_bits);
	ofp_field_get(sf.field, c->flow, c->wc, value, mask);
	for (i = 0; i < sf.n_bits; i++) {
		ofp_bit_put(value, sf.field->n_bytes, sf.ofs + i,
			    i < 64 && (v >> i & 1));
		ofp_bit_put(mask, sf.field->n_bytes, sf.ofs + i, true);
	}
	ofp_field_put(sf.field, value, mask, c->flow, c->wc);
	c->given[sf.field->id].name = t->key;
	c->given[sf.field->id].len = t->key_len;
	return 0;
}

static int parse_field(struct match_ctx *c, const struct wft_field *f,
		       const struct ofp_token *t)
{
	uint8_t value[16], mask[16];

	c->given[f->id].name = t->key;
	c->given[f->id].len = t->key_len;
	switch (f->id) {
	case WFT_F_IN_PORT:
		return parse_in_port(c, t);
	case WFT_F_DL_VLAN:
		return parse_vlan_part(c, t, false);
	case WFT_F_DL_VLAN_PCP:
	case WFT_F_VLAN_PCP:
		return parse_vlan_part(c, t, true);
	case WFT_F_SKB_PRIORITY:
		return unsupported_keyword(t, c->err, c->errlen);
	default:
		break;
	}
	if (ofp_field_parse(f, t->value, t->value_len, value, mask, c->err,
			    c->errlen))
		return -EINVAL;
	ofp_field_put(f, value, mask, c->flow, c->wc);
	return 0;
}

/* One token of a match: 1 if it was one, 0 if not (a flow keyword), or
 * -EINVAL. */
static int match_token(struct match_ctx *c, const struct ofp_token *t)
{
	const struct wft_field *f;

	if (parse_protocol(c, t))
		return t->delim ? ofp_err(c->err, c->errlen, "%.*s: a protocol "
					  "takes no value", (int)t->key_len,
					  t->key) : 1;
	if (memchr(t->key, '[', t->key_len))
		return parse_subfield_match(c, t) ? -EINVAL : 1;
	f = wft_field_from_name(t->key, t->key_len);
	if (!f)
		return 0;
	if (!t->delim || !t->value_len)
		return ofp_err(c->err, c->errlen, "%.*s: missing value",
			       (int)t->key_len, t->key);
	return parse_field(c, f, t) ? -EINVAL : 1;
}

static bool prereq_is(const struct match_ctx *c, enum wft_prereq p)
{
	struct wft_field probe = { .prereq = p };

	return wft_field_prereqs_ok(&probe, c->flow, c->wc);
}

static const char *prereq_hint(enum wft_prereq p)
{
	static const char *const hints[] = {
		[WFT_P_VLAN] = "a VLAN tag (dl_vlan=, vlan_tci=0x1000/0x1000)",
		[WFT_P_ARP] = "arp or rarp",
		[WFT_P_IP] = "ip or ipv6",
		[WFT_P_IPV4] = "ip (or dl_type=0x0800)",
		[WFT_P_IPV6] = "ipv6 (or dl_type=0x86dd)",
		[WFT_P_TCP] = "tcp or tcp6",
		[WFT_P_UDP] = "udp or udp6",
		[WFT_P_SCTP] = "sctp or sctp6",
		[WFT_P_ICMPV4] = "icmp",
		[WFT_P_ICMPV6] = "icmp6",
		[WFT_P_ND] = "icmp6 with icmp_type=135 or 136 and icmp_code=0",
		[WFT_P_ND_SOLICIT] = "icmp6,icmp_type=135,icmp_code=0",
		[WFT_P_ND_ADVERT] = "icmp6,icmp_type=136,icmp_code=0",
		[WFT_P_CT] = "a conntrack entry (ct_state=+trk-inv, or one of "
			     "+new, +est, +rel, +rpl, +snat, +dnat)",
	};

	return p < sizeof(hints) / sizeof(hints[0]) && hints[p] ? hints[p] :
	       "its prerequisites";
}

/* ovs-ofctl's older names cover several protocols: tp_src is also
 * udp_src, sctp_src and icmp_type; nw_src is also arp_spa; icmp_type is
 * also icmpv6_type; nw_proto is also arp_op. */
static bool prereq_alt_ok(const struct match_ctx *c, const struct wft_field *f,
			  const char *name, size_t len)
{
	bool tp = len == 6 && (!strncmp(name, "tp_src", 6) ||
			       !strncmp(name, "tp_dst", 6));

	switch (f->id) {
	case WFT_F_TCP_SRC:
	case WFT_F_TCP_DST:
		return tp && (prereq_is(c, WFT_P_UDP) ||
			      prereq_is(c, WFT_P_SCTP) ||
			      prereq_is(c, WFT_P_ICMPV4) ||
			      prereq_is(c, WFT_P_ICMPV6));
	case WFT_F_IP_SRC:
	case WFT_F_IP_DST:
		return prereq_is(c, WFT_P_ARP);
	case WFT_F_ICMPV4_TYPE:
	case WFT_F_ICMPV4_CODE:
		return prereq_is(c, WFT_P_ICMPV6);
	case WFT_F_IP_PROTO:
		return prereq_is(c, WFT_P_ARP);
	default:
		return false;
	}
}

/* tp_src/tp_dst under icmp or icmp6 are the ICMP type and code: one
 * byte, matched exactly (that is how they print, as icmp_type=). */
static int check_icmp_word(const struct match_ctx *c, enum wft_field_id id,
			   const uint16_t *value, const uint16_t *mask)
{
	uint16_t v = ntohs(*value), m = ntohs(*mask);

	if (!c->given[id].name || strncmp(c->given[id].name, "tp_", 3) ||
	    !(prereq_is(c, WFT_P_ICMPV4) || prereq_is(c, WFT_P_ICMPV6)))
		return 0;
	if ((v & m) > 0xff || (m != 0xffff && m != 0x00ff))
		return ofp_err(c->err, c->errlen, "%.*s: under icmp it is the "
			       "ICMP %s, an exact value from 0 to 255",
			       (int)c->given[id].len, c->given[id].name,
			       id == WFT_F_TCP_SRC ? "type" : "code");
	return 0;
}

/* The conntrack tuple's addresses must be of the family the match is
 * (OVS: OFPBAC_MATCH_INCONSISTENT). */
static int check_ct_tuple(const struct match_ctx *c)
{
	static const struct {
		enum wft_field_id id;
		uint16_t type;
	} addrs[] = {
		{ WFT_F_CT_NW_SRC, WFT_ETH_TYPE_IP },
		{ WFT_F_CT_NW_DST, WFT_ETH_TYPE_IP },
		{ WFT_F_CT_IPV6_SRC, WFT_ETH_TYPE_IPV6 },
		{ WFT_F_CT_IPV6_DST, WFT_ETH_TYPE_IPV6 },
	};
	size_t i;

	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		const struct wft_field *f = wft_field_from_id(addrs[i].id);
		uint8_t value[16], mask[16];

		if (!c->given[addrs[i].id].name)
			continue;
		ofp_field_get(f, c->flow, c->wc, value, mask);
		if (ofp_is_zero(mask, f->n_bytes))
			continue;
		if (!(c->wc->masks.dl_type &&
		      ntohs(c->flow->dl_type) == addrs[i].type))
			return ofp_err(c->err, c->errlen, "%s: needs %s in the "
				       "match", f->name,
				       addrs[i].type == WFT_ETH_TYPE_IP ?
				       "ip (or dl_type=0x0800)" :
				       "ipv6 (or dl_type=0x86dd)");
	}
	return 0;
}

/* ct_tp_src/dst only with a non-zero ct_nw_proto: OpenFlow carries them
 * only then (ovs-ofctl drops them silently; weft says so). */
static int check_ct_ports(const struct match_ctx *c)
{
	enum wft_field_id tp[] = { WFT_F_CT_TP_SRC, WFT_F_CT_TP_DST };
	size_t i;

	for (i = 0; i < 2; i++)
		if (c->given[tp[i]].name &&
		    !(c->wc->masks.ct_nw_proto && c->flow->ct_nw_proto))
			return ofp_err(c->err, c->errlen, "%.*s: needs ct_nw_proto "
				       "(not 0) in the match",
				       (int)c->given[tp[i]].len,
				       c->given[tp[i]].name);
	return 0;
}

static int check_prereqs(const struct match_ctx *c)
{
	const struct wft_field *f;
	unsigned int id;

	if (check_ct_ports(c))
		return -EINVAL;

	for (id = 0; id < WFT_N_FIELDS; id++) {
		if (!c->given[id].name)
			continue;
		f = wft_field_from_id(id);
		if (wft_field_prereqs_ok(f, c->flow, c->wc) ||
		    prereq_alt_ok(c, f, c->given[id].name, c->given[id].len))
			continue;
		return ofp_err(c->err, c->errlen, "%.*s: needs %s in the match",
			       (int)c->given[id].len, c->given[id].name,
			       c->given[id].len == 6 &&
			       !strncmp(c->given[id].name, "tp_", 3) ?
			       "tcp, udp, sctp, icmp or icmp6 (or their IPv6 "
			       "forms)" : prereq_hint(f->prereq));
	}
	if (check_ct_tuple(c) ||
	    check_icmp_word(c, WFT_F_TCP_SRC, &c->flow->tp_src,
			    &c->wc->masks.tp_src) ||
	    check_icmp_word(c, WFT_F_TCP_DST, &c->flow->tp_dst,
			    &c->wc->masks.tp_dst))
		return -EINVAL;
	return 0;
}

/*
 * OpenFlow 1.4 carries a VLAN match as vlan_vid (VID and the present bit,
 * as given) plus vlan_pcp, exact, only when the VID part is non-zero; so
 * "vlan_tci=0" (no tag) loses its PCP mask and a partly masked PCP becomes
 * exact. Doing the same here makes weft print what ovs-ofctl prints.
 */
static void vlan_normalize(struct wft_flow *flow, struct wft_flow_wc *wc)
{
	uint16_t tci = ntohs(flow->vlan_tci), m = ntohs(wc->masks.vlan_tci);
	uint16_t vid_cfi = WFT_VLAN_CFI | WFT_VLAN_VID;

	if (!m)
		return;
	if ((tci & vid_cfi) && (m & WFT_VLAN_PCP)) {
		m |= WFT_VLAN_PCP | WFT_VLAN_CFI;
		tci |= WFT_VLAN_CFI;
	} else {
		m &= vid_cfi;
	}
	flow->vlan_tci = htons(tci & m);
	wc->masks.vlan_tci = htons(m);
}

/* ICMP type and code are the low byte of tp_src/tp_dst; ovs-ofctl matches
 * them as the whole 16-bit word (whose high byte is always zero), and
 * prints them as such. */
static void icmp_normalize(struct wft_flow *flow, struct wft_flow_wc *wc)
{
	uint16_t type = ntohs(flow->dl_type);

	if (!wc->masks.nw_proto ||
	    !((type == WFT_ETH_TYPE_IP && flow->nw_proto == IPPROTO_ICMP) ||
	      (type == WFT_ETH_TYPE_IPV6 && flow->nw_proto == IPPROTO_ICMPV6)))
		return;
	if (wc->masks.tp_src == htons(0x00ff))
		wc->masks.tp_src = 0xffff;
	if (wc->masks.tp_dst == htons(0x00ff))
		wc->masks.tp_dst = 0xffff;
}

static void match_normalize(struct wft_flow *flow, struct wft_flow_wc *wc)
{
	uint8_t *v = (uint8_t *)flow;
	const uint8_t *m = (const uint8_t *)&wc->masks;
	size_t i;

	for (i = 0; i < sizeof(*flow); i++)
		v[i] &= m[i];
	vlan_normalize(flow, wc);
	icmp_normalize(flow, wc);
}

static void match_ctx_init(struct match_ctx *c, struct wft_flow *flow,
			   struct wft_flow_wc *wc, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	memset(flow, 0, sizeof(*flow));
	memset(wc, 0, sizeof(*wc));
	c->flow = flow;
	c->wc = wc;
	c->err = err;
	c->errlen = errlen;
}

static int match_finish(struct match_ctx *c)
{
	if (check_prereqs(c))
		return -EINVAL;
	match_normalize(c->flow, c->wc);
	return 0;
}

int wft_ofp_match_parse(const char *s, struct wft_flow *match,
			struct wft_flow_wc *mask, char *err, size_t errlen)
{
	struct match_ctx c;
	struct ofp_token t;
	int ret;

	match_ctx_init(&c, match, mask, err, errlen);
	while ((ret = ofp_next_token(&s, &t, err, errlen)) > 0) {
		ret = match_token(&c, &t);
		if (ret < 0)
			return ret;
		if (!ret)
			return unsupported_keyword(&t, err, errlen);
	}
	return ret ? ret : match_finish(&c);
}

/* The flow's own keywords. */

void wft_ofp_flow_init(struct wft_ofp_flow *flow, enum wft_ofp_command cmd)
{
	memset(flow, 0, sizeof(*flow));
	flow->command = cmd;
	flow->table = WFT_TABLE_ALL;
	flow->priority = WFT_OFP_DEFAULT_PRIORITY;
	flow->out_port = WFT_OFPP_ANY;
	wft_ofpacts_init(&flow->actions);
}

void wft_ofp_flow_uninit(struct wft_ofp_flow *flow)
{
	wft_ofpacts_uninit(&flow->actions);
}

static bool is_add_or_modify(enum wft_ofp_command cmd)
{
	return cmd == WFT_OFPFC_ADD || cmd == WFT_OFPFC_MODIFY ||
	       cmd == WFT_OFPFC_MODIFY_STRICT;
}

static bool is_delete(enum wft_ofp_command cmd)
{
	return cmd == WFT_OFPFC_DELETE || cmd == WFT_OFPFC_DELETE_STRICT;
}

static int parse_u16(const struct ofp_token *t, uint16_t *out, char *err,
		     size_t errlen)
{
	uint64_t v;

	if (ofp_parse_uint(t->value, t->value_len, UINT16_MAX, &v))
		return ofp_err(err, errlen, "%.*s: \"%.*s\" is not a number "
			       "from 0 to 65535", (int)t->key_len, t->key,
			       (int)t->value_len, t->value);
	*out = (uint16_t)v;
	return 0;
}

static int parse_u64(const char *s, size_t len, uint64_t *v)
{
	if (len == 2 && !strncmp(s, "-1", 2)) {	/* ovs-ofctl's "all ones" */
		*v = UINT64_MAX;
		return 0;
	}
	return ofp_parse_uint(s, len, UINT64_MAX, v);
}

static int parse_cookie(struct wft_ofp_flow *f, const struct ofp_token *t,
			char *err, size_t errlen)
{
	const char *slash = memchr(t->value, '/', t->value_len);
	size_t vlen = slash ? (size_t)(slash - t->value) : t->value_len;

	if (parse_u64(t->value, vlen, &f->cookie) ||
	    (slash && parse_u64(slash + 1, t->value_len - vlen - 1,
				&f->cookie_mask)))
		return ofp_err(err, errlen, "cookie: \"%.*s\" is not a 64-bit "
			       "number or number/mask", (int)t->value_len,
			       t->value);
	if (slash && f->command == WFT_OFPFC_ADD)
		return ofp_err(err, errlen, "cookie: flow additions cannot use "
			       "a cookie mask");
	if (!slash && is_delete(f->command))
		return ofp_err(err, errlen, "cookie: cannot set a cookie when "
			       "deleting flows (to match one, give a mask, "
			       "e.g. cookie=%.*s/-1)", (int)t->value_len,
			       t->value);
	if (!slash)
		f->cookie_mask = 0;
	return 0;
}

static int parse_table(struct wft_ofp_flow *f, const struct ofp_token *t,
		       char *err, size_t errlen)
{
	uint64_t v;

	if (ofp_parse_dec(t->value, t->value_len, 255, &v))
		return ofp_err(err, errlen, "table: \"%.*s\" is not a table "
			       "(0 to 254)", (int)t->value_len, t->value);
	f->table = (uint8_t)v;
	return 0;
}

static const struct {
	const char *name;
	uint16_t flag;
} flag_names[] = {
	{ "send_flow_rem", WFT_OFPFF_SEND_FLOW_REM },
	{ "check_overlap", WFT_OFPFF_CHECK_OVERLAP },
	{ "reset_counts", WFT_OFPFF_RESET_COUNTS },
	{ "no_packet_counts", WFT_OFPFF_NO_PKT_COUNTS },
	{ "no_byte_counts", WFT_OFPFF_NO_BYT_COUNTS },
};

static int parse_flag(struct wft_ofp_flow *f, const struct ofp_token *t)
{
	size_t i;

	if (!is_add_or_modify(f->command))
		return 0;
	for (i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (ofp_token_is(t, flag_names[i].name) && !t->delim) {
			f->flags |= flag_names[i].flag;
			return 1;
		}
	return 0;
}

/* dump-flows prints these; ovs-ofctl ignores them so that its output can
 * be fed back, and so does weft. */
static bool is_stat(const struct ofp_token *t)
{
	return ofp_token_is(t, "duration") || ofp_token_is(t, "n_packets") ||
	       ofp_token_is(t, "n_bytes") || ofp_token_is(t, "idle_age") ||
	       ofp_token_is(t, "hard_age");
}

static int valued_keyword(struct wft_ofp_flow *f, const struct ofp_token *t,
			  char *err, size_t errlen)
{
	enum wft_ofp_command cmd = f->command;

	if (ofp_token_is(t, "table"))
		return parse_table(f, t, err, errlen);
	if (ofp_token_is(t, "cookie"))
		return parse_cookie(f, t, err, errlen);
	if (ofp_token_is(t, "priority") && cmd != WFT_OFPFC_DELETE)
		return parse_u16(t, &f->priority, err, errlen);
	if (ofp_token_is(t, "idle_timeout") && is_add_or_modify(cmd))
		return parse_u16(t, &f->idle_timeout, err, errlen);
	if (ofp_token_is(t, "hard_timeout") && is_add_or_modify(cmd))
		return parse_u16(t, &f->hard_timeout, err, errlen);
	if (ofp_token_is(t, "importance") && cmd == WFT_OFPFC_ADD)
		return parse_u16(t, &f->importance, err, errlen);
	if (ofp_token_is(t, "out_port") && is_delete(cmd)) {
		if (wft_ofp_port_parse(t->value, t->value_len, &f->out_port))
			return ofp_err(err, errlen, "out_port: \"%.*s\" is not "
				       "a port", (int)t->value_len, t->value);
		return 0;
	}
	if (is_stat(t))
		return 0;
	return unsupported_keyword(t, err, errlen);
}

static int flow_keyword(struct wft_ofp_flow *f, const struct ofp_token *t,
			char *err, size_t errlen)
{
	if (parse_flag(f, t))
		return 0;
	if (ofp_token_is(t, "actions") || ofp_token_is(t, "action"))
		return ofp_err(err, errlen, "actions: not allowed when deleting "
			       "flows");
	if (!t->delim || !t->value_len) {
		if (is_stat(t) || ofp_token_is(t, "table") ||
		    ofp_token_is(t, "cookie") || ofp_token_is(t, "priority"))
			return ofp_err(err, errlen, "%.*s: missing value",
				       (int)t->key_len, t->key);
		return unsupported_keyword(t, err, errlen);
	}
	return valued_keyword(f, t, err, errlen);
}

/* Splits "MATCH,actions=ACTIONS" as ovs-ofctl does: at the first
 * "action", then past the next '='. Returns the match part (allocated)
 * and sets *@acts, or NULL if there are no actions. */
static char *split_actions(const char *s, const char **acts)
{
	const char *a = strstr(s, "action");
	const char *eq = a ? strchr(a, '=') : NULL;
	char *match;

	if (!eq)
		return NULL;
	match = wft_xmemdup(s, (size_t)(a - s) + 1);
	match[a - s] = '\0';
	*acts = eq + 1;
	return match;
}

static int parse_match_part(const char *s, struct wft_ofp_flow *f,
			    char *err, size_t errlen)
{
	struct match_ctx c;
	struct ofp_token t;
	int ret;

	match_ctx_init(&c, &f->match, &f->mask, err, errlen);
	while ((ret = ofp_next_token(&s, &t, err, errlen)) > 0) {
		ret = match_token(&c, &t);
		if (!ret)
			ret = flow_keyword(f, &t, err, errlen);
		if (ret < 0)
			return ret;
	}
	return ret ? ret : match_finish(&c);
}

int wft_ofp_flow_parse(const char *s, enum wft_ofp_command cmd,
		       struct wft_ofp_flow *out, char *err, size_t errlen)
{
	const char *acts = NULL;
	char *match;
	int ret;

	wft_ofp_flow_init(out, cmd);
	if (is_delete(cmd))
		return parse_match_part(s, out, err, errlen);
	match = split_actions(s, &acts);
	if (!match)
		return ofp_err(err, errlen, "must specify an action "
			       "(actions=..., or actions=drop)");
	ret = parse_match_part(match, out, err, errlen);
	free(match);
	if (ret)
		return ret;
	out->has_actions = true;
	return wft_ofp_actions_parse(acts, &out->match, &out->mask, out->table,
				     &out->actions, err, errlen);
}
