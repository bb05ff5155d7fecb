// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing the conntrack actions of ovs-ofctl's syntax:
 *
 *   ct(commit, force, zone=N | zone=FIELD[a..b], table=N, alg=ftp|tftp,
 *      nat | nat(src|dst[=IP[-IP]][:PORT[-PORT]], persistent, hash, random),
 *      exec(set_field/load/move into ct_mark or ct_label, nat(...)))
 *
 * into a WFT_OFPACT_CT whose nested list holds the nat and exec actions in
 * the order written (OVS's layout, which decides how the action prints).
 * Checked as OVS checks them: force needs commit; anything but a bare nat
 * needs commit; a zone field is 16 bits; ct and nat need ip or ipv6 in the
 * match, a NAT range of the match's family, alg=ftp tcp and alg=tftp udp;
 * committing what the match says is +inv is refused.
 *
 * NAT ranges are normalized as OVS's wire encoding leaves them, so that
 * weft prints what ovs-ofctl prints: a range's upper bound equal to its
 * lower one is dropped, and so is a port 0 or an address 0.0.0.0 / ::
 * given alone. Combinations OVS accepts in text but cannot carry (an upper
 * bound without a lower one) are refused here, with the reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"
#include "ofp_private.h"

static bool ip_any(const struct wft_flow *flow)
{
	uint16_t type = ntohs(flow->dl_type);

	return type == WFT_ETH_TYPE_IP || type == WFT_ETH_TYPE_IPV6;
}

/* An address of family @af at the start of @s (@len bytes), IPv6 in
 * brackets or not; returns the characters used, or 0. */
static size_t scan_ip(int af, const char *s, size_t len, uint8_t *ip)
{
	char buf[INET6_ADDRSTRLEN + 1];
	const char *set = af == AF_INET ? "0123456789." :
			  "0123456789abcdefABCDEF:.";
	bool bracket = af == AF_INET6 && len && s[0] == '[';
	size_t n, i = bracket;

	for (n = 0; i + n < len && strchr(set, s[i + n]); n++)
		;
	if (!n || n >= sizeof(buf))
		return 0;
	memcpy(buf, s + i, n);
	buf[n] = '\0';
	if (inet_pton(af, buf, ip) != 1)
		return 0;
	i += n;
	if (bracket) {
		if (i >= len || s[i] != ']')
			return 0;
		i++;
	}
	return i;
}

/* A decimal port (0..65535) at the start of @s; the characters used, or
 * 0. */
static size_t scan_port(const char *s, size_t len, uint16_t *port)
{
	uint64_t v;
	size_t n = 0;

	while (n < len && s[n] >= '0' && s[n] <= '9')
		n++;
	if (!n || ofp_parse_dec(s, n, UINT16_MAX, &v))
		return 0;
	*port = (uint16_t)v;
	return n;
}

/* "IP[-IP][:PORT[-PORT]]" into @a->nat. */
static int parse_range(struct ofp_acts_ctx *c, struct wft_ofpact *a,
		       const char *s, size_t len)
{
	size_t ip_len, i, n;
	int af = AF_INET;

	n = scan_ip(AF_INET, s, len, a->nat.ip_min);
	if (!n) {
		af = AF_INET6;
		n = scan_ip(AF_INET6, s, len, a->nat.ip_min);
	}
	if (!n)
		return ACT_ERR(c, "invalid nat range \"%.*s\" (expected "
			       "IP[-IP][:PORT[-PORT]], IPv6 in brackets when "
			       "a port follows)", (int)len, s);
	ip_len = af == AF_INET ? 4 : 16;
	i = n;
	if (i < len && s[i] == '-') {
		n = scan_ip(af, s + i + 1, len - i - 1, a->nat.ip_max);
		if (!n || memcmp(a->nat.ip_max, a->nat.ip_min, ip_len) < 0)
			return ACT_ERR(c, "invalid nat range \"%.*s\" (the "
				       "upper address must be of the same "
				       "family and not below the lower one)",
				       (int)len, s);
		i += n + 1;
	}
	if (i < len && s[i] == ':') {
		n = scan_port(s + i + 1, len - i - 1, &a->nat.port_min);
		if (!n)
			return ACT_ERR(c, "invalid nat range \"%.*s\" (a port "
				       "is a number from 0 to 65535)", (int)len,
				       s);
		i += n + 1;
		if (i < len && s[i] == '-') {
			n = scan_port(s + i + 1, len - i - 1, &a->nat.port_max);
			if (!n || a->nat.port_max < a->nat.port_min)
				return ACT_ERR(c, "invalid nat range \"%.*s\" "
					       "(the upper port must not be "
					       "below the lower one)", (int)len,
					       s);
			i += n + 1;
		}
	}
	if (i != len)
		return ACT_ERR(c, "garbage (%.*s) after nat range \"%.*s\"",
			       (int)(len - i), s + i, (int)i, s);
	if (!memcmp(a->nat.ip_max, a->nat.ip_min, ip_len))
		memset(a->nat.ip_max, 0, sizeof(a->nat.ip_max));
	if (a->nat.port_max == a->nat.port_min)
		a->nat.port_max = 0;
	/* What OpenFlow cannot carry: an upper bound without a lower one. */
	if (!a->nat.port_min && a->nat.port_max)
		return ACT_ERR(c, "a nat port range must start at 1 or more");
	if (ofp_is_zero(a->nat.ip_min, ip_len)) {
		if (!ofp_is_zero(a->nat.ip_max, ip_len) || a->nat.port_min)
			return ACT_ERR(c, "a nat range must start at a "
				       "non-zero address");
		return 0;	/* "src=0.0.0.0" is "src", as in OVS */
	}
	a->nat.af = (uint8_t)af;
	return 0;
}

static int nat_option(struct ofp_acts_ctx *c, struct wft_ofpact *a,
		      const struct ofp_token *t)
{
	static const struct {
		const char *name;
		uint16_t flag;
	} flags[] = {
		{ "persistent", WFT_NAT_F_PERSISTENT },
		{ "hash", WFT_NAT_F_PROTO_HASH },
		{ "random", WFT_NAT_F_PROTO_RANDOM },
	};
	size_t i;

	if (ofp_token_is(t, "src") || ofp_token_is(t, "dst")) {
		if (a->nat.flags & (WFT_NAT_F_SRC | WFT_NAT_F_DST))
			return ACT_ERR(c, "may only specify one of \"src\" or "
				       "\"dst\"");
		a->nat.flags |= t->key[0] == 's' ? WFT_NAT_F_SRC :
						   WFT_NAT_F_DST;
		if (t->delim == '(')
			return ACT_ERR(c, "expected src=RANGE");
		return t->delim ? parse_range(c, a, t->value, t->value_len) : 0;
	}
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (ofp_token_is(t, flags[i].name) && !t->delim) {
			a->nat.flags |= flags[i].flag;
			return 0;
		}
	return ACT_ERR(c, "invalid key \"%.*s\" in \"nat\" argument (src, "
		       "dst, persistent, hash, random)", (int)t->key_len,
		       t->key);
}

/* The checks of OVS's parse_NAT() and check_NAT(). */
static int nat_check(struct ofp_acts_ctx *c, const struct wft_ofpact *a)
{
	uint16_t type = ntohs(c->flow.dl_type);
	uint16_t f = a->nat.flags;

	if (!(f & (WFT_NAT_F_SRC | WFT_NAT_F_DST)) && f)
		return ACT_ERR(c, "flags allowed only with \"src\" or \"dst\"");
	if ((f & WFT_NAT_F_PROTO_HASH) && (f & WFT_NAT_F_PROTO_RANDOM))
		return ACT_ERR(c, "both \"hash\" and \"random\" are not "
			       "allowed");
	/* OVS prints these flags only with a range (and so loses them in
	 * a round trip without one): weft refuses what it could not print
	 * back. */
	if ((f & (WFT_NAT_F_PERSISTENT | WFT_NAT_F_PROTO_HASH |
		  WFT_NAT_F_PROTO_RANDOM)) && !a->nat.af)
		return ACT_ERR(c, "persistent, hash and random need an address "
			       "range (src=IP...)");
	if (c->any_packet)
		return 0;
	if (!ip_any(&c->flow))
		return ACT_ERR(c, "nat needs ip or ipv6 in the match");
	if ((a->nat.af == AF_INET && type != WFT_ETH_TYPE_IP) ||
	    (a->nat.af == AF_INET6 && type != WFT_ETH_TYPE_IPV6))
		return ACT_ERR(c, "the nat range is %s but the match is %s",
			       a->nat.af == AF_INET ? "IPv4" : "IPv6",
			       type == WFT_ETH_TYPE_IP ? "ip" : "ipv6");
	return 0;
}

int ofp_parse_nat(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	struct wft_ofpact *a;
	struct ofp_token t;
	const char *s;
	char *text;
	int ret;

	if (!c->in_ct)
		return ACT_ERR(c, "nat is allowed only inside ct(...)");
	if (c->tok->delim && c->tok->delim != '(')
		return ACT_ERR(c, "expected nat or nat(...)");
	a = wft_ofpacts_put(acts, WFT_OFPACT_NAT);
	s = text = ofp_acts_value_dup(c);
	while ((ret = ofp_next_token(&s, &t, c->err, c->errlen)) > 0)
		if (nat_option(c, a, &t)) {
			ret = -EINVAL;
			break;
		}
	free(text);
	return ret ? ret : nat_check(c, a);
}

/* "zone=N" or "zone=FIELD[a..b]" (16 bits). */
static int parse_zone(struct ofp_acts_ctx *c, struct wft_ofpact *a,
		      const struct ofp_token *t)
{
	struct wft_subfield *sf = &a->ct.zone_src;
	uint64_t v;

	if (!ofp_parse_uint(t->value, t->value_len, UINT16_MAX, &v)) {
		a->ct.zone = (uint16_t)v;
		memset(sf, 0, sizeof(*sf));
		return 0;
	}
	if (ofp_acts_subfield(c, t->value, t->value_len, sf))
		return -EINVAL;
	if (sf->n_bits != 16)
		return ACT_ERR(c, "zone=%.*s is %u bits wide: a zone is 16 "
			       "bits (a number up to 65535, or e.g. "
			       "reg13[0..15])",
			       (int)t->value_len, t->value, sf->n_bits);
	a->ct.zone = 0;
	return ofp_acts_check_prereqs(c, sf->field, "source");
}

/* exec(ACTIONS): the nested list, parsed with the ct restrictions. */
static int parse_exec(struct ofp_acts_ctx *c, struct wft_ofpact *a,
		      const struct ofp_token *t)
{
	struct ofp_acts_ctx inner = *c;
	char *text;
	int ret;

	if (t->delim != '(')
		return ACT_ERR(c, "expected exec(ACTIONS)");
	inner.in_ct = true;
	inner.drop = inner.ended = false;
	text = wft_xmemdup(t->value, t->value_len + 1);
	text[t->value_len] = '\0';
	ret = ofp_acts_parse_list(&inner, text, a->ct.actions);
	free(text);
	return ret;
}

static int parse_alg(struct ofp_acts_ctx *c, struct wft_ofpact *a,
		     const struct ofp_token *t)
{
	if (t->value_len == 3 && !strncmp(t->value, "ftp", 3))
		a->ct.alg = WFT_CT_ALG_FTP;
	else if (t->value_len == 4 && !strncmp(t->value, "tftp", 4))
		a->ct.alg = WFT_CT_ALG_TFTP;
	else
		return ACT_ERR(c, "invalid conntrack helper \"%.*s\" (ftp or "
			       "tftp)", (int)t->value_len, t->value);
	return 0;
}

static int parse_table(struct ofp_acts_ctx *c, struct wft_ofpact *a,
		       const struct ofp_token *t)
{
	uint64_t v;

	if (ofp_parse_dec(t->value, t->value_len, 255, &v))
		return ACT_ERR(c, "unknown table %.*s (a number from 0 to 254)",
			       (int)t->value_len, t->value);
	if (v == WFT_TABLE_UNSET)
		return ACT_ERR(c, "invalid table 0xff (0 to 254)");
	a->ct.table = (uint8_t)v;
	return 0;
}

static int ct_option(struct ofp_acts_ctx *c, struct wft_ofpact *a,
		     const struct ofp_token *t)
{
	struct ofp_acts_ctx inner;

	if (ofp_token_is(t, "commit") && !t->delim) {
		a->ct.flags |= WFT_CT_F_COMMIT;
		return 0;
	}
	if (ofp_token_is(t, "force") && !t->delim) {
		a->ct.flags |= WFT_CT_F_FORCE;
		return 0;
	}
	if (ofp_token_is(t, "nat")) {
		/* The nat token is parsed as an action of the nested list. */
		inner = *c;
		inner.in_ct = true;
		inner.tok = t;
		return ofp_parse_nat(&inner, a->ct.actions);
	}
	if (ofp_token_is(t, "exec"))
		return parse_exec(c, a, t);
	if (!t->delim || !t->value_len || t->delim == '(')
		goto unknown;
	if (ofp_token_is(t, "table"))
		return parse_table(c, a, t);
	if (ofp_token_is(t, "zone"))
		return parse_zone(c, a, t);
	if (ofp_token_is(t, "alg"))
		return parse_alg(c, a, t);
unknown:
	return ACT_ERR(c, "invalid argument to \"ct\" action: \"%.*s\" "
		       "(commit, force, zone, table, alg, nat, exec)",
		       (int)t->key_len, t->key);
}

/* What ct() needs from the rule, as OVS's check_CT(). */
static int ct_check(struct ofp_acts_ctx *c, const struct wft_ofpact *a)
{
	const struct wft_ofpacts *nested = a->ct.actions;
	size_t i;

	if ((a->ct.flags & WFT_CT_F_FORCE) && !(a->ct.flags & WFT_CT_F_COMMIT))
		return ACT_ERR(c, "\"force\" flag requires \"commit\" flag");
	for (i = 0; i < nested->n && !(a->ct.flags & WFT_CT_F_COMMIT); i++)
		if (nested->acts[i].type != WFT_OFPACT_NAT ||
		    nested->acts[i].nat.flags || nested->acts[i].nat.af)
			return ACT_ERR(c, "ct needs \"commit\" for exec(...) "
				       "and for nat with arguments (only a "
				       "bare nat works without it)");
	if (c->any_packet)
		return 0;
	if (!ip_any(&c->flow))
		return ACT_ERR(c, "ct needs ip or ipv6 in the match");
	if ((a->ct.flags & WFT_CT_F_COMMIT) &&
	    (ntohl(c->flow.ct_state) & WFT_CS_INVALID))
		return ACT_ERR(c, "cannot commit a packet the match says is "
			       "invalid (ct_state=+inv)");
	if (a->ct.alg == WFT_CT_ALG_FTP && c->flow.nw_proto != IPPROTO_TCP)
		return ACT_ERR(c, "alg=ftp needs tcp in the match");
	if (a->ct.alg == WFT_CT_ALG_TFTP && c->flow.nw_proto != IPPROTO_UDP)
		return ACT_ERR(c, "alg=tftp needs udp in the match");
	return 0;
}

int ofp_parse_ct(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	struct wft_ofpact *a = wft_ofpacts_put(acts, WFT_OFPACT_CT);
	struct ofp_token t;
	const char *s;
	char *text;
	int ret;

	a->ct.table = WFT_TABLE_UNSET;
	a->ct.actions = wft_xmalloc(sizeof(*a->ct.actions));
	wft_ofpacts_init(a->ct.actions);
	if (c->tok->delim && c->tok->delim != '(')
		return ACT_ERR(c, "expected ct or ct(...)");
	s = text = ofp_acts_value_dup(c);
	while ((ret = ofp_next_token(&s, &t, c->err, c->errlen)) > 0)
		if (ct_option(c, a, &t)) {
			ret = -EINVAL;
			break;
		}
	free(text);
	return ret ? ret : ct_check(c, a);
}
