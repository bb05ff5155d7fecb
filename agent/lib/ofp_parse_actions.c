// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing "actions=" in ovs-ofctl syntax into a struct wft_ofpacts.
 *
 * Each action is checked as ovs-ofctl checks it, against the rule's match
 * as the packet looks at that point of the list: a field may be written
 * only if the match guarantees its prerequisites ("set_field:1.2.3.4->
 * ip_dst" needs ip), and push_vlan/pop_vlan/mod_vlan_vid change whether a
 * VLAN tag is there for the actions after them.
 *
 * An empty list means drop; "drop" itself adds nothing and must be alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "weft/util.h"
#include "ofp_private.h"

/* The current action's value as a string of its own, for parsing what is
 * inside its parentheses with the tokenizer. */
char *ofp_acts_value_dup(const struct ofp_acts_ctx *c)
{
	char *s = wft_xmemdup(c->tok->value, c->tok->value_len + 1);

	s[c->tok->value_len] = '\0';
	return s;
}

/* Whether the rule, as it stands, lets @f be read or written. */
int ofp_acts_check_prereqs(struct ofp_acts_ctx *c, const struct wft_field *f,
			   const char *role)
{
	static const char *const needs[] = {
		[WFT_P_VLAN] = "a VLAN tag", [WFT_P_ARP] = "arp or rarp",
		[WFT_P_IP] = "ip or ipv6", [WFT_P_IPV4] = "ip",
		[WFT_P_IPV6] = "ipv6", [WFT_P_TCP] = "tcp",
		[WFT_P_UDP] = "udp", [WFT_P_SCTP] = "sctp",
		[WFT_P_ICMPV4] = "icmp", [WFT_P_ICMPV6] = "icmp6",
		[WFT_P_ND] = "icmp6 with icmp_type=135 or 136, icmp_code=0",
		[WFT_P_ND_SOLICIT] = "icmp6,icmp_type=135,icmp_code=0",
		[WFT_P_ND_ADVERT] = "icmp6,icmp_type=136,icmp_code=0",
		[WFT_P_CT] = "a conntrack entry: ct_state=+trk-inv, or one of "
			     "+new, +est, +rel, +rpl, +snat, +dnat",
	};
	/* OVS checks the conntrack prerequisite against the rule's own
	 * ct_state mask ("+trk" alone does not exclude "+inv"). */
	const struct wft_flow_wc *wc = f->prereq == WFT_P_CT ? &c->mask :
				       &c->exact;

	if (c->any_packet || wft_field_prereqs_ok(f, &c->flow, wc))
		return 0;
	return ACT_ERR(c, "%s %s lacks correct prerequisites (the match "
		       "needs %s)", role, ofp_field_set_name(f),
		       needs[f->prereq] ? needs[f->prereq] : "more fields");
}

static int check_writable(struct ofp_acts_ctx *c, const struct wft_field *f)
{
	if (!f->writable)
		return ACT_ERR(c, "%s is read-only", ofp_field_set_name(f));
	/* ct_mark and ct_label belong to the connection: only the actions
	 * ct() runs at commit may write them, and those may write nothing
	 * else. */
	if (wft_field_id_is_ct_writable(f->id) && !c->in_ct)
		return ACT_ERR(c, "%s can be written only inside "
			       "ct(commit,exec(...))", f->name);
	if (c->in_ct && !wft_field_id_is_ct_writable(f->id))
		return ACT_ERR(c, "ct(exec(...)) may write only ct_mark and "
			       "ct_label, not %s", ofp_field_set_name(f));
	/* vlan_vid has no prerequisite to be matched, but writing it (unlike
	 * mod_vlan_vid) needs a tag to write into, as in ovs-ofctl. */
	if (f->id == WFT_F_VLAN_VID && !ofp_flow_has_vlan(&c->flow))
		return ACT_ERR(c, "destination vlan_vid lacks correct "
			       "prerequisites (the match needs a VLAN tag, or "
			       "push_vlan first)");
	return ofp_acts_check_prereqs(c, f, "destination");
}

/* What writing @f does to the VLAN tag the actions after it see. */
static void track_vlan_write(struct ofp_acts_ctx *c, const struct wft_field *f,
			     const uint8_t *value)
{
	if (f->id == WFT_F_VLAN_TCI)
		memcpy(&c->flow.vlan_tci, value, 2);
}

static struct wft_ofpact *put_set_field(struct ofp_acts_ctx *c,
					struct wft_ofpacts *acts,
					const struct wft_field *f,
					const uint8_t *value,
					const uint8_t *mask,
					enum wft_ofpact_spelling spelling)
{
	struct wft_ofpact *a = wft_ofpacts_put(acts, WFT_OFPACT_SET_FIELD);

	a->spelling = spelling;
	a->set.dst.field = f;
	a->set.dst.ofs = 0;
	a->set.dst.n_bits = f->n_bits;
	memcpy(a->set.value, value, f->n_bytes);
	memcpy(a->set.mask, mask, f->n_bytes);
	track_vlan_write(c, f, value);
	return a;
}

/* "V[/M]->FIELD" */
static int parse_set_field(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	const char *v = c->tok->value, *arrow;
	size_t len = c->tok->value_len, vlen;
	const struct wft_field *f;
	uint8_t value[16], mask[16];

	arrow = memmem(v, len, "->", 2);
	if (!arrow)
		return ACT_ERR(c, "missing \"->\"");
	vlen = (size_t)(arrow - v);
	f = wft_field_from_name(arrow + 2, len - vlen - 2);
	if (!f && ofp_unsupported_field(arrow + 2, len - vlen - 2, c->err,
					c->errlen))
		return -EINVAL;
	if (!f)
		return ACT_ERR(c, "\"%.*s\" is not a field name (set_field "
			       "writes whole fields; use load for bit ranges)",
			       (int)(len - vlen - 2), arrow + 2);
	if (ofp_field_parse(f, v, vlen, value, mask, c->err, c->errlen))
		return -EINVAL;
	if (check_writable(c, f))
		return -EINVAL;
	if (ofp_is_zero(mask, f->n_bytes))
		return ACT_ERR(c, "the mask is zero: this writes nothing");
	if (f->id == WFT_F_VLAN_VID && !(value[0] & 0x10))
		return ACT_ERR(c, "a vlan_vid value includes the present bit "
			       "0x1000 (e.g. 4101 for VLAN 5)");
	if (f->id == WFT_F_TUN_FLAGS &&
	    (memchr(v, '/', vlen) || v[0] == '+' || v[0] == '-')) {
		/* ovs-ofctl reads "+oam" and "V/M" as a mask on the 16-bit
		 * NXM field, so it becomes a load of the one flag bit. */
		put_set_field(c, acts, f, value, mask, WFT_SPELL_DEFAULT)->type =
			WFT_OFPACT_LOAD;
		return 0;
	}
	put_set_field(c, acts, f, value, mask, WFT_SPELL_DEFAULT);
	return 0;
}

/* A number of up to 128 bits, right-aligned in @n bytes, fitting in
 * @n_bits. */
static int parse_number(const char *s, size_t len, uint8_t *p, size_t n,
			unsigned int n_bits)
{
	struct wft_field f = { .n_bytes = (uint8_t)n, .n_bits = (uint16_t)n_bits,
			       .format = WFT_FMT_HEX, .name = "value" };
	uint8_t mask[16];

	if (memchr(s, '/', len))
		return -EINVAL;
	return ofp_field_parse(&f, s, len, p, mask, NULL, 0);
}

int ofp_acts_subfield(struct ofp_acts_ctx *c, const char *s, size_t len,
		      struct wft_subfield *sf)
{
	char buf[80], why[160];
	size_t used;

	if (len >= sizeof(buf))
		return ACT_ERR(c, "field name too long");
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (ofp_unsupported_field(buf, strcspn(buf, "["), c->err, c->errlen))
		return -EINVAL;
	if (wft_subfield_parse(buf, sf, &used, why, sizeof(why)))
		return ACT_ERR(c, "%s", why);
	if (used != len)
		return ACT_ERR(c, "unexpected \"%s\" after %.*s", buf + used,
			       (int)used, buf);
	return 0;
}

/* "V->DST[a..b]" */
static int parse_load(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	const char *v = c->tok->value, *arrow;
	size_t len = c->tok->value_len, vlen;
	struct wft_subfield dst;
	struct wft_ofpact *a;
	uint8_t value[16];
	unsigned int i;

	arrow = memmem(v, len, "->", 2);
	if (!arrow)
		return ACT_ERR(c, "missing \"->\"");
	vlen = (size_t)(arrow - v);
	if (ofp_acts_subfield(c, arrow + 2, len - vlen - 2, &dst) ||
	    check_writable(c, dst.field))
		return -EINVAL;
	if (parse_number(v, vlen, value, dst.field->n_bytes, dst.n_bits))
		return ACT_ERR(c, "\"%.*s\" is not a number that fits in %u "
			       "bits", (int)vlen, v, dst.n_bits);
	a = wft_ofpacts_put(acts, WFT_OFPACT_LOAD);
	a->set.dst = dst;
	memcpy(a->set.value, value, dst.field->n_bytes);
	for (i = 0; i < dst.n_bits; i++)
		ofp_bit_put(a->set.mask, dst.field->n_bytes, i, true);
	if (dst.field->id == WFT_F_VLAN_TCI)
		c->flow.vlan_tci |= htons(WFT_VLAN_CFI);	/* may be set */
	return 0;
}

/* "SRC[a..b]->DST[c..d]" */
static int parse_move(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	const char *v = c->tok->value, *arrow;
	size_t len = c->tok->value_len, slen;
	struct wft_subfield src, dst;
	struct wft_ofpact *a;

	arrow = memmem(v, len, "->", 2);
	if (!arrow)
		return ACT_ERR(c, "missing \"->\" after the source");
	slen = (size_t)(arrow - v);
	if (ofp_acts_subfield(c, v, slen, &src) ||
	    ofp_acts_subfield(c, arrow + 2, len - slen - 2, &dst))
		return -EINVAL;
	if (src.n_bits != dst.n_bits)
		return ACT_ERR(c, "source field is %u bits wide but "
			       "destination is %u bits wide", src.n_bits,
			       dst.n_bits);
	if (ofp_acts_check_prereqs(c, src.field, "source") || check_writable(c, dst.field))
		return -EINVAL;
	a = wft_ofpacts_put(acts, WFT_OFPACT_MOVE);
	a->move.src = src;
	a->move.dst = dst;
	return 0;
}

static int parse_output_port(struct ofp_acts_ctx *c, const char *s, size_t len,
			     uint16_t max_len, struct wft_ofpacts *acts)
{
	struct wft_ofpact *a;
	uint32_t port;

	if (wft_ofp_port_parse(s, len, &port))
		return ACT_ERR(c, "\"%.*s\" is not a port", (int)len, s);
	if (port == WFT_OFPP_ANY || port == WFT_OFPP_UNSET ||
	    (port >= WFT_OFPP_MAX && port < WFT_OFPP_IN_PORT))
		return ACT_ERR(c, "cannot output to port %.*s", (int)len, s);
	if (port == WFT_OFPP_CONTROLLER && !max_len) {
		a = wft_ofpacts_put(acts, WFT_OFPACT_CONTROLLER);
		a->controller.max_len = UINT16_MAX;
		a->controller.reason = 1;	/* action */
		return 0;
	}
	a = wft_ofpacts_put(acts, WFT_OFPACT_OUTPUT);
	a->output.port = port;
	a->output.max_len = max_len;
	return 0;
}

/* "output(port=P,max_len=N)": output truncated to N bytes. */
static int parse_output_trunc(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	char *text = ofp_acts_value_dup(c);
	const char *s = text, *port = NULL;
	size_t port_len = 0;
	uint64_t max_len = 0;
	struct ofp_token t;
	int ret;

	while ((ret = ofp_next_token(&s, &t, c->err, c->errlen)) > 0) {
		if (ofp_token_is(&t, "port") && t.value_len) {
			port = t.value;
			port_len = t.value_len;
		} else if (!ofp_token_is(&t, "max_len") ||
			   ofp_parse_uint(t.value, t.value_len, UINT16_MAX,
					  &max_len)) {
			ret = ACT_ERR(c, "expected port=PORT,max_len=N at "
				      "\"%.*s\"", (int)t.key_len, t.key);
			break;
		}
	}
	if (!ret && (!port || max_len < 14))
		ret = ACT_ERR(c, "needs port=PORT and max_len=N (N >= 14)");
	if (!ret)
		ret = parse_output_port(c, port, port_len, (uint16_t)max_len,
					acts);
	free(text);
	return ret;
}

static int parse_output(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	const struct ofp_token *t = c->tok;
	struct wft_subfield src;
	struct wft_ofpact *a;
	uint32_t port;

	if (t->delim == '(')
		return parse_output_trunc(c, acts);
	if (!t->value_len)
		return ACT_ERR(c, "missing port");
	if (!wft_ofp_port_parse(t->value, t->value_len, &port))
		return parse_output_port(c, t->value, t->value_len, 0, acts);
	/* Not a port: a field ("reg0", "NXM_NX_REG0[0..15]"), whose errors
	 * are worth more than "not a port" once it has a bit range. */
	if ((t->value[0] >= '0' && t->value[0] <= '9') ||
	    (!memchr(t->value, '[', t->value_len) &&
	     !wft_field_from_name(t->value, t->value_len)))
		return ACT_ERR(c, "\"%.*s\" is not a port or a field",
			       (int)t->value_len, t->value);
	if (ofp_acts_subfield(c, t->value, t->value_len, &src))
		return -EINVAL;
	if (ofp_acts_check_prereqs(c, src.field, "source"))
		return -EINVAL;
	a = wft_ofpacts_put(acts, WFT_OFPACT_OUTPUT_REG);
	a->output_reg.src = src;
	a->output_reg.max_len = UINT16_MAX;
	return 0;
}

static int parse_goto_table(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	unsigned int table = c->table == WFT_TABLE_ALL ? 0 : c->table;
	uint64_t v;

	if (c->in_clone)
		return ACT_ERR(c, "goto_table is not allowed inside clone()");
	if (ofp_parse_dec(c->tok->value, c->tok->value_len, 254, &v))
		return ACT_ERR(c, "not a table (0 to 254)");
	if (v <= table)
		return ACT_ERR(c, "goto_table must go to a later table than "
			       "this rule's (%u)", table);
	wft_ofpacts_put(acts, WFT_OFPACT_GOTO_TABLE)->goto_table.table =
		(uint8_t)v;
	c->ended = true;
	return 0;
}

static int parse_clone(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	struct ofp_acts_ctx inner = *c;
	struct wft_ofpacts *nested;
	char *text;
	int ret;

	if (c->tok->delim != '(')
		return ACT_ERR(c, "expected clone(ACTIONS)");
	nested = wft_xmalloc(sizeof(*nested));
	wft_ofpacts_init(nested);
	/* The actions inside see the packet as it is here, and what they do
	 * to it does not leak out. */
	inner.in_clone = true;
	inner.drop = inner.ended = false;
	text = wft_xmemdup(c->tok->value, c->tok->value_len + 1);
	text[c->tok->value_len] = '\0';
	ret = ofp_acts_parse_list(&inner, text, nested);
	free(text);
	wft_ofpacts_put(acts, WFT_OFPACT_CLONE)->clone.actions = nested;
	return ret;
}

static int parse_resubmit_port(struct ofp_acts_ctx *c, const char *s, size_t len,
			       uint32_t *port)
{
	if (!len || (len == 7 && !strncasecmp(s, "in_port", 7))) {
		*port = WFT_OFPP_IN_PORT;	/* the packet's own */
		return 0;
	}
	if (wft_ofp_port_parse(s, len, port) || *port == WFT_OFPP_ANY)
		return ACT_ERR(c, "\"%.*s\" is not a port", (int)len, s);
	return 0;
}

/* "resubmit:PORT", "resubmit(PORT,TABLE)", "resubmit(,TABLE)". */
static int parse_resubmit(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	const char *s = c->tok->value, *comma;
	size_t len = c->tok->value_len, plen;
	uint32_t port;
	uint64_t table = WFT_TABLE_UNSET;
	struct wft_ofpact *a;

	comma = c->tok->delim == '(' ? memchr(s, ',', len) : NULL;
	plen = comma ? (size_t)(comma - s) : len;
	if (parse_resubmit_port(c, s, plen, &port))
		return -EINVAL;
	if (comma) {
		const char *t = comma + 1;
		size_t tlen = len - plen - 1;

		if (memchr(t, ',', tlen))
			return ACT_ERR(c, "resubmit's third argument (ct, a "
				       "lookup on the conntrack original "
				       "tuple) is not supported by weft");
		if (tlen && ofp_parse_dec(t, tlen, 255, &table))
			return ACT_ERR(c, "\"%.*s\" is not a table (0 to 254)",
				       (int)tlen, t);
	}
	if (port == WFT_OFPP_IN_PORT && table == WFT_TABLE_UNSET)
		return ACT_ERR(c, "at least one \"in_port\" or \"table\" must "
			       "be specified on resubmit");
	a = wft_ofpacts_put(acts, WFT_OFPACT_RESUBMIT);
	a->resubmit.in_port = port;
	a->resubmit.table = (uint8_t)table;
	return 0;
}

/* "00.11.22" or "001122": whole bytes in hex, dots between them allowed. */
static int parse_hex_string(const char *s, size_t len, uint8_t **data,
			    size_t *n)
{
	size_t i = 0, out = 0;
	uint8_t *p = wft_xmalloc(len / 2 + 1);
	char pair[3] = "";

	while (i < len) {
		if (s[i] == '.') {
			i++;
			continue;
		}
		if (i + 1 >= len || !strchr("0123456789abcdefABCDEF", s[i]) ||
		    !strchr("0123456789abcdefABCDEF", s[i + 1]) ||
		    !s[i] || !s[i + 1]) {
			free(p);
			return -EINVAL;
		}
		pair[0] = s[i];
		pair[1] = s[i + 1];
		p[out++] = (uint8_t)strtoul(pair, NULL, 16);
		i += 2;
	}
	*data = p;
	*n = out;
	return 0;
}

static int parse_note(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	struct wft_ofpact *a;
	uint8_t *data;
	size_t n, padded;

	if (parse_hex_string(c->tok->value, c->tok->value_len, &data, &n))
		return ACT_ERR(c, "expected hex bytes (e.g. note:01.02.ab)");
	/* OpenFlow carries a note in an action of a multiple of 8 bytes, 10
	 * of them header: ovs-ofctl prints it back zero-padded, and so does
	 * weft, so that the text survives a round trip through either. */
	padded = (n + 10 + 7) / 8 * 8 - 10;
	data = wft_xrealloc(data, padded);
	memset(data + n, 0, padded - n);
	a = wft_ofpacts_put(acts, WFT_OFPACT_NOTE);
	a->note.data = data;
	a->note.len = padded;
	return 0;
}

static const char *const reasons[] = {
	"no_match", "action", "invalid_ttl", "action_set", "group",
	"packet_out",
};

static int controller_option(struct ofp_acts_ctx *c, struct wft_ofpact *a,
			     const struct ofp_token *t)
{
	uint64_t v;
	size_t i;

	if (ofp_token_is(t, "reason")) {
		for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
			if (strlen(reasons[i]) == t->value_len &&
			    !strncmp(t->value, reasons[i], t->value_len)) {
				a->controller.reason = (uint8_t)i;
				return 0;
			}
		return ACT_ERR(c, "unknown reason \"%.*s\"", (int)t->value_len,
			       t->value);
	}
	if (ofp_token_is(t, "max_len") || ofp_token_is(t, "id")) {
		if (ofp_parse_uint(t->value, t->value_len, UINT16_MAX, &v))
			return ACT_ERR(c, "%.*s: not a number from 0 to 65535",
				       (int)t->key_len, t->key);
		if (t->key[0] == 'm')
			a->controller.max_len = (uint16_t)v;
		else
			a->controller.controller_id = (uint16_t)v;
		return 0;
	}
	if (ofp_token_is(t, "userdata")) {
		free(a->controller.userdata);
		a->controller.userdata = NULL;
		if (parse_hex_string(t->value, t->value_len,
				     &a->controller.userdata,
				     &a->controller.userdata_len))
			return ACT_ERR(c, "userdata: expected hex bytes");
		return 0;
	}
	if (ofp_token_is(t, "pause") && !t->delim) {
		a->controller.pause = true;
		return 0;
	}
	if (ofp_token_is(t, "meter_id"))
		return ACT_ERR(c, "meter_id is not supported by weft (meters)");
	return ACT_ERR(c, "unknown option \"%.*s\"", (int)t->key_len, t->key);
}

/* "controller", "controller:MAX_LEN", "controller(key=value,...)". */
static int parse_controller(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	struct wft_ofpact *a = wft_ofpacts_put(acts, WFT_OFPACT_CONTROLLER);
	struct ofp_token t;
	const char *s;
	char *text;
	uint64_t v;
	int ret;

	a->controller.max_len = UINT16_MAX;
	a->controller.reason = 1;	/* action */
	if (c->tok->delim == ':' || c->tok->delim == '=') {
		if (ofp_parse_dec(c->tok->value, c->tok->value_len, UINT16_MAX,
				  &v))
			return ACT_ERR(c, "expected the bytes to send, from 0 "
				       "to 65535");
		a->controller.max_len = (uint16_t)v;
		return 0;
	}
	s = text = ofp_acts_value_dup(c);
	while ((ret = ofp_next_token(&s, &t, c->err, c->errlen)) > 0)
		if (controller_option(c, a, &t)) {
			ret = -EINVAL;
			break;
		}
	free(text);
	return ret;
}

static int parse_vlan_vid(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	uint64_t v;

	if (ofp_parse_uint(c->tok->value, c->tok->value_len, 4095, &v))
		return ACT_ERR(c, "not a valid VLAN VID (0 to 4095)");
	wft_ofpacts_put(acts, WFT_OFPACT_MOD_VLAN_VID)->vlan.vid = (uint16_t)v;
	c->flow.vlan_tci |= htons(WFT_VLAN_CFI);	/* pushed if needed */
	return 0;
}

static int parse_vlan_pcp(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	uint64_t v;

	if (ofp_parse_uint(c->tok->value, c->tok->value_len, 7, &v))
		return ACT_ERR(c, "not a valid VLAN PCP (0 to 7)");
	wft_ofpacts_put(acts, WFT_OFPACT_MOD_VLAN_PCP)->vlan.pcp = (uint8_t)v;
	c->flow.vlan_tci |= htons(WFT_VLAN_CFI);
	return 0;
}

static int parse_push_vlan(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	uint64_t v;

	if (ofp_parse_uint(c->tok->value, c->tok->value_len, UINT16_MAX, &v) ||
	    (v != WFT_ETH_TYPE_VLAN && v != WFT_ETH_TYPE_VLAN_8021AD))
		return ACT_ERR(c, "not a valid VLAN ethertype (0x8100 or "
			       "0x88a8)");
	wft_ofpacts_put(acts, WFT_OFPACT_PUSH_VLAN)->vlan.ethertype =
		(uint16_t)v;
	c->flow.vlan_tci = htons(WFT_VLAN_CFI);
	return 0;
}

static int parse_strip_vlan(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	struct wft_ofpact *a = wft_ofpacts_put(acts, WFT_OFPACT_STRIP_VLAN);

	if (c->tok->key[0] == 'p')
		a->spelling = WFT_SPELL_POP_VLAN;
	c->flow.vlan_tci = 0;
	return 0;
}

static int parse_dec_ttl(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	if (c->tok->delim)
		return ACT_ERR(c, "dec_ttl with controller ids is not supported "
			       "by weft (write plain dec_ttl)");
	wft_ofpacts_put(acts, WFT_OFPACT_DEC_TTL);
	return 0;
}

/* The OpenFlow 1.0 actions that are set_field on one field. */
static const struct {
	const char *name;
	enum wft_field_id field;
	enum wft_ofpact_spelling spelling;
} mod_actions[] = {
	{ "mod_dl_src", WFT_F_ETH_SRC, WFT_SPELL_MOD_DL_SRC },
	{ "mod_dl_dst", WFT_F_ETH_DST, WFT_SPELL_MOD_DL_DST },
	{ "mod_nw_src", WFT_F_IP_SRC, WFT_SPELL_MOD_NW_SRC },
	{ "mod_nw_dst", WFT_F_IP_DST, WFT_SPELL_MOD_NW_DST },
	{ "mod_nw_tos", WFT_F_IP_DSCP, WFT_SPELL_MOD_NW_TOS },
	{ "mod_nw_ecn", WFT_F_IP_ECN, WFT_SPELL_MOD_NW_ECN },
	{ "mod_nw_ttl", WFT_F_IP_TTL, WFT_SPELL_MOD_NW_TTL },
	{ "mod_tp_src", WFT_F_TCP_SRC, WFT_SPELL_MOD_TP_SRC },
	{ "mod_tp_dst", WFT_F_TCP_DST, WFT_SPELL_MOD_TP_DST },
};

/* mod_tp_src/dst write the port of whichever transport the rule
 * matches. */
static const struct wft_field *l4_field(const struct ofp_acts_ctx *c, bool dst)
{
	static const enum wft_field_id ids[][2] = {
		{ WFT_F_TCP_SRC, WFT_F_TCP_DST },
		{ WFT_F_UDP_SRC, WFT_F_UDP_DST },
		{ WFT_F_SCTP_SRC, WFT_F_SCTP_DST },
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		const struct wft_field *f = wft_field_from_id(ids[i][dst]);

		if (wft_field_prereqs_ok(f, &c->flow, &c->exact))
			return f;
	}
	return NULL;
}

static int parse_mod(struct ofp_acts_ctx *c, struct wft_ofpacts *acts, size_t i)
{
	const struct wft_field *f = wft_field_from_id(mod_actions[i].field);
	uint8_t value[16], mask[16];

	if (f->id == WFT_F_TCP_SRC || f->id == WFT_F_TCP_DST) {
		f = l4_field(c, f->id == WFT_F_TCP_DST);
		if (!f)
			return ACT_ERR(c, "needs tcp, udp or sctp in the match");
	}
	if (memchr(c->tok->value, '/', c->tok->value_len))
		return ACT_ERR(c, "a mask is not allowed here");
	if (ofp_field_parse(f, c->tok->value, c->tok->value_len, value, mask,
			    c->err, c->errlen) || check_writable(c, f))
		return -EINVAL;
	if (f->id == WFT_F_IP_DSCP) {
		/* ovs-ofctl keeps mod_nw_tos as a write of the DSCP alone. */
		f = wft_field_from_id(WFT_F_IP_DSCP_SHIFTED);
		value[0] >>= 2;
		mask[0] = 0x3f;
	}
	put_set_field(c, acts, f, value, mask, mod_actions[i].spelling);
	return 0;
}

/* "conjunction(id,k/n)": clause k of n (2..64) of conjunctive match id. */
static int parse_conjunction(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	char *v = ofp_acts_value_dup(c), *comma, *slash, *end;
	uint64_t id, k;
	unsigned long long n;
	struct wft_ofpact *a;
	int ret = 0;

	comma = strchr(v, ',');
	slash = comma ? strchr(comma, '/') : NULL;
	if (!slash || c->tok->delim != '(') {
		ret = ACT_ERR(c, "\"conjunction\" syntax is "
			      "\"conjunction(id,i/n)\"");
		goto out;
	}
	*comma = *slash = '\0';
	if (ofp_parse_uint(v, strlen(v), UINT32_MAX, &id) ||
	    ofp_parse_uint(comma + 1, strlen(comma + 1), 255, &k) ||
	    (n = strtoull(slash + 1, &end, 10), *end || end == slash + 1)) {
		ret = ACT_ERR(c, "\"conjunction\" syntax is "
			      "\"conjunction(id,i/n)\"");
		goto out;
	}
	if (n < 2)
		ret = ACT_ERR(c, "conjunction must have at least 2 clauses");
	else if (n > 64)
		ret = ACT_ERR(c, "conjunction must have at most 64 clauses");
	else if (!k)
		ret = ACT_ERR(c, "clause index must be positive");
	else if (k > n)
		ret = ACT_ERR(c, "clause index must be less than or equal to "
			      "number of clauses");
	if (ret)
		goto out;
	a = wft_ofpacts_put(acts, WFT_OFPACT_CONJUNCTION);
	a->conj.id = (uint32_t)id;
	a->conj.clause = (uint8_t)k;
	a->conj.n_clauses = (uint8_t)n;
out:
	free(v);
	return ret;
}

/* "push:FIELD[a..b]", "pop:FIELD[a..b]": OVS's stack; a pop writes. */
static int parse_stack(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	bool push = c->tok->key_len == 4;
	struct wft_subfield sf;
	struct wft_ofpact *a;

	if (ofp_acts_subfield(c, c->tok->value, c->tok->value_len, &sf))
		return -EINVAL;
	if (push ? ofp_acts_check_prereqs(c, sf.field, "source") :
		   check_writable(c, sf.field))
		return -EINVAL;
	a = wft_ofpacts_put(acts, push ? WFT_OFPACT_STACK_PUSH :
					 WFT_OFPACT_STACK_POP);
	a->stack.sf = sf;
	return 0;
}

/* "group:N": run group N's buckets (group.h). */
static int parse_group(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	uint64_t id;

	if (ofp_parse_uint(c->tok->value, c->tok->value_len, 0xffffff00u, &id))
		return ACT_ERR(c, "expected a group number");
	wft_ofpacts_put(acts, WFT_OFPACT_GROUP)->group.id = (uint32_t)id;
	return 0;
}

/* "check_pkt_larger(N)->DST[bit]": DST one bit, as ovs-ofctl wants it. */
static int parse_check_pkt_larger(struct ofp_acts_ctx *c,
				  struct wft_ofpacts *acts)
{
	struct wft_subfield dst;
	struct wft_ofpact *a;
	uint64_t len;

	if (c->tok->delim != '(' || !c->tok->tail)
		return ACT_ERR(c, "expected check_pkt_larger(LENGTH)->FIELD");
	if (ofp_parse_uint(c->tok->value, c->tok->value_len, UINT16_MAX, &len))
		return ACT_ERR(c, "expected a length from 0 to 65535");
	/* ovs-ofctl checks no prerequisite here: xlate writes the bit only
	 * into a packet that has the field. */
	if (ofp_acts_subfield(c, c->tok->tail, c->tok->tail_len, &dst))
		return -EINVAL;
	if (!dst.field->writable)
		return ACT_ERR(c, "%s is read-only",
			       ofp_field_set_name(dst.field));
	if (dst.n_bits != 1)
		return ACT_ERR(c, "only a 1-bit destination field is allowed");
	a = wft_ofpacts_put(acts, WFT_OFPACT_CHECK_PKT_LARGER);
	a->check_pkt.pkt_len = (uint16_t)len;
	a->check_pkt.dst = dst;
	return 0;
}

/* "fin_timeout(idle_timeout=N,hard_timeout=N)", either or both or none.
 * Like ovs-ofctl, any match takes it; only TCP packets can trigger it. */
static int parse_fin_timeout(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	const struct ofp_token *saved = c->tok;
	uint16_t idle = 0, hard = 0;
	struct wft_ofpact *a;
	struct ofp_token t;
	char *text;
	const char *s;
	uint64_t v;
	int ret;

	if (c->tok->delim != '(')
		return ACT_ERR(c, "expected fin_timeout(idle_timeout=N,"
			       "hard_timeout=N)");
	s = text = ofp_acts_value_dup(c);
	while ((ret = ofp_next_token(&s, &t, c->err, c->errlen)) > 0) {
		uint16_t *dst = ofp_token_is(&t, "idle_timeout") ? &idle :
				ofp_token_is(&t, "hard_timeout") ? &hard :
				NULL;

		if (!dst) {
			ret = ACT_ERR(c, "invalid key '%.*s'",
				      (int)t.key_len, t.key);
			break;
		}
		if (t.delim != '=' ||
		    ofp_parse_uint(t.value, t.value_len, UINT16_MAX, &v)) {
			ret = ACT_ERR(c, "%.*s: expected a number from 0 to "
				      "65535", (int)t.key_len, t.key);
			break;
		}
		*dst = (uint16_t)v;
	}
	c->tok = saved;
	free(text);
	if (ret)
		return ret;
	a = wft_ofpacts_put(acts, WFT_OFPACT_FIN_TIMEOUT);
	a->fin.idle = idle;
	a->fin.hard = hard;
	return 0;
}

/* ovs-ofctl actions that weft does not implement (yet). */
static const char *const unsupported[] = {
	"bundle", "bundle_load", "multipath", "set_tunnel", "set_tunnel64", "set_queue", "pop_queue",
	"enqueue", "meter", "exit", "sample", "write_actions",
	"write_metadata", "clear_actions",
	"encap", "decap", "push_mpls", "pop_mpls",
	"set_mpls_label", "set_mpls_tc", "set_mpls_ttl", "dec_mpls_ttl",
	"dec_nsh_ttl", "set_vlan_vid", "set_vlan_pcp",
	"debug_recirc", "debug_slow", "delete_field", "output_trunc",
	"set_field_mask",
};

/* "ct_clear", "ct_clear()". */
static int parse_ct_clear(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	if (c->tok->value_len)
		return ACT_ERR(c, "takes no argument");
	wft_ofpacts_put(acts, WFT_OFPACT_CT_CLEAR);
	return 0;
}

typedef int (*action_fn)(struct ofp_acts_ctx *c, struct wft_ofpacts *acts);

static const struct {
	const char *name;
	action_fn parse;
	bool takes_value;
} actions[] = {
	{ "output", parse_output, true },
	{ "controller", parse_controller, false },
	{ "resubmit", parse_resubmit, true },
	{ "goto_table", parse_goto_table, true },
	{ "set_field", parse_set_field, true },
	{ "load", parse_load, true },
	{ "move", parse_move, true },
	{ "mod_vlan_vid", parse_vlan_vid, true },
	{ "mod_vlan_pcp", parse_vlan_pcp, true },
	{ "strip_vlan", parse_strip_vlan, false },
	{ "pop_vlan", parse_strip_vlan, false },
	{ "push_vlan", parse_push_vlan, true },
	{ "dec_ttl", parse_dec_ttl, false },
	{ "clone", parse_clone, true },
	{ "note", parse_note, false },
	{ "ct", ofp_parse_ct, false },
	{ "ct_clear", parse_ct_clear, false },
	{ "nat", ofp_parse_nat, false },
	{ "conjunction", parse_conjunction, true },
	{ "group", parse_group, true },
	{ "push", parse_stack, true },
	{ "pop", parse_stack, true },
	{ "learn", ofp_parse_learn, true },
	{ "check_pkt_larger", parse_check_pkt_larger, true },
	{ "fin_timeout", parse_fin_timeout, true },
};

/* What ct(exec(...)) may hold, as in OVS: writes of ct_mark and ct_label
 * (checked by check_writable()), and nat. */
static bool allowed_in_ct(action_fn parse)
{
	return parse == parse_set_field || parse == parse_load ||
	       parse == parse_move || parse == ofp_parse_nat;
}

/* ovs-ofctl takes action names in any case ("CONTROLLER:65535"). */
static bool name_is(const struct ofp_token *t, const char *name)
{
	return strlen(name) == t->key_len &&
	       !strncasecmp(t->key, name, t->key_len);
}

static int parse_named(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	const struct ofp_token *t = c->tok;
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (!name_is(t, actions[i].name))
			continue;
		if (c->in_ct && !allowed_in_ct(actions[i].parse))
			return ACT_ERR(c, "not allowed inside ct(exec(...)), "
				       "which takes only set_field, load and "
				       "move to ct_mark or ct_label, and nat");
		if (actions[i].takes_value && !t->delim)
			return ACT_ERR(c, "missing argument");
		if (!actions[i].takes_value && t->delim &&
		    actions[i].parse != parse_controller &&
		    actions[i].parse != parse_note &&
		    actions[i].parse != parse_dec_ttl &&
		    actions[i].parse != ofp_parse_ct &&
		    actions[i].parse != parse_ct_clear &&
		    actions[i].parse != ofp_parse_nat)
			return ACT_ERR(c, "takes no argument");
		return actions[i].parse(c, acts);
	}
	if (c->in_ct)
		return ACT_ERR(c, "not allowed inside ct(exec(...)), which takes "
			       "only set_field, load and move to ct_mark or "
			       "ct_label, and nat");
	for (i = 0; i < sizeof(mod_actions) / sizeof(mod_actions[0]); i++)
		if (name_is(t, mod_actions[i].name))
			return t->delim ? parse_mod(c, acts, i) :
					  ACT_ERR(c, "missing argument");
	for (i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
		if (name_is(t, unsupported[i]))
			return ACT_ERR(c, "action %s is not supported by weft",
				       unsupported[i]);
	/* A bare port: "2", "LOCAL", "normal", "in_port". */
	if (!t->delim && !wft_ofp_port_parse(t->key, t->key_len, &(uint32_t){0}))
		return parse_output_port(c, t->key, t->key_len, 0, acts);
	return ACT_ERR(c, "unknown action");
}

static int parse_one(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	if (name_is(c->tok, "drop") && !c->tok->delim) {
		c->drop = true;
		return 0;
	}
	if (c->ended)
		return ACT_ERR(c, "nothing may follow goto_table (it must be "
			       "the last action)");
	return parse_named(c, acts);
}

int ofp_acts_parse_list(struct ofp_acts_ctx *c, const char *s,
			struct wft_ofpacts *acts)
{
	struct ofp_token t;
	size_t n = acts->n;
	int ret;

	while ((ret = ofp_next_token(&s, &t, c->err, c->errlen)) > 0) {
		c->tok = &t;
		ret = parse_one(c, acts);
		if (ret)
			return ret;
	}
	if (ret)
		return ret;
	if (c->drop && acts->n != n)
		return ofp_err(c->err, c->errlen, "\"drop\" must not be "
			       "accompanied by any other action");
	return 0;
}

/* OVS's rule for conjunction: a list that has one holds nothing but
 * conjunctions and notes, and never inside clone. */
static int check_conjunctions(const struct wft_ofpacts *acts, size_t from,
			      bool nested, char *err, size_t errlen)
{
	const struct wft_ofpact *other = NULL;
	bool conj = false;
	size_t i;

	for (i = from; i < acts->n; i++) {
		const struct wft_ofpact *a = &acts->acts[i];

		if (a->type == WFT_OFPACT_CONJUNCTION)
			conj = true;
		else if (a->type != WFT_OFPACT_NOTE && !other)
			other = a;
		if (a->type == WFT_OFPACT_CLONE &&
		    check_conjunctions(a->clone.actions, 0, true, err, errlen))
			return -EINVAL;
	}
	if (conj && nested)
		return ofp_err(err, errlen, "\"conjunction\" actions may not "
			       "be nested in clone");
	if (conj && other)
		return ofp_err(err, errlen, "\"conjunction\" actions may be "
			       "used along with \"note\" but not any other "
			       "kind of action");
	return 0;
}

int wft_ofp_actions_parse(const char *s, const struct wft_flow *match,
			  const struct wft_flow_wc *mask, uint8_t table,
			  struct wft_ofpacts *acts, char *err, size_t errlen)
{
	struct ofp_acts_ctx c;
	size_t from = acts->n;
	int ret;

	memset(&c, 0, sizeof(c));
	c.flow = *match;
	memset(&c.exact, 0xff, sizeof(c.exact));
	c.mask = *mask;
	c.table = table;
	c.err = err;
	c.errlen = errlen;
	ret = ofp_acts_parse_list(&c, s, acts);
	return ret ? ret : check_conjunctions(acts, from, false, err, errlen);
}

int wft_ofp_actions_parse_any(const char *s, struct wft_ofpacts *acts,
			      char *err, size_t errlen)
{
	struct ofp_acts_ctx c;
	size_t from = acts->n;
	int ret;

	memset(&c, 0, sizeof(c));
	c.table = WFT_TABLE_ALL;
	c.any_packet = true;
	c.err = err;
	c.errlen = errlen;
	ret = ofp_acts_parse_list(&c, s, acts);
	return ret ? ret : check_conjunctions(acts, from, false, err, errlen);
}
