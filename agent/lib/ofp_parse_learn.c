// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing learn(...) in ovs-ofctl syntax (include/weft/ofpact.h):
 *
 *   learn(table=N,priority=N,idle_timeout=N,hard_timeout=N,
 *         fin_idle_timeout=N,fin_hard_timeout=N,cookie=N,send_flow_rem,
 *         delete_learned, SPEC...)
 *
 * where a SPEC is a match of the learned rule, "DST[a..b]" (the same
 * bits of the packet), "DST[a..b]=SRC[c..d]" (another subfield of the
 * packet) or "DST=VALUE" (a constant: a whole field's value in its own
 * syntax, a bit range's in hex or decimal), or one of its actions,
 * "load:SRC[]->DST[]", "load:VALUE->DST[]" or "output:SRC[]".
 *
 * As in ovs-ofctl, a source must be readable under the learning rule's
 * match, and a destination's prerequisites must be met by the matches
 * before it in the spec list (so "eth_type=0x800" comes before
 * "NXM_OF_IP_SRC[]").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"
#include "ofp_private.h"

struct learn_parse {
	struct ofp_acts_ctx *c;
	struct wft_ofpact_learn *l;
	size_t allocated;
	struct wft_flow match;		/* the learned rule's, so far */
	struct wft_flow_wc wc;
	struct wft_flow_wc exact;
};

static struct wft_learn_spec *spec_put(struct learn_parse *p)
{
	struct wft_learn_spec *s;

	if (p->l->n_specs == p->allocated) {
		p->allocated *= 2;
		p->l = wft_xrealloc(p->l, wft_ofpact_learn_size(p->allocated));
	}
	s = &p->l->specs[p->l->n_specs++];
	memset(s, 0, sizeof(*s));
	return s;
}

/* A number right-aligned in @n bytes, no wider than @n_bits. */
static int parse_int(const char *s, size_t len, uint8_t *value, size_t n,
		     unsigned int n_bits)
{
	struct wft_field f = { .n_bytes = (uint8_t)n,
			       .n_bits = (uint16_t)n_bits,
			       .format = WFT_FMT_HEX, .name = "value" };
	uint8_t mask[16];

	if (!len || memchr(s, '/', len))
		return -EINVAL;
	return ofp_field_parse(&f, s, len, value, mask, NULL, 0);
}

static int subfield(struct learn_parse *p, const char *s, size_t len,
		    struct wft_subfield *sf)
{
	return ofp_acts_subfield(p->c, s, len, sf);
}

/* Whether @s parses as a subfield, without an error message. */
static bool is_subfield(const char *s, size_t len, struct wft_subfield *sf)
{
	char buf[80], why[160];
	size_t used;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return !wft_subfield_parse(buf, sf, &used, why, sizeof(why)) &&
	       used == len;
}

/* The value of a spec's immediate, in 16 bytes, from one in the
 * destination field's width. */
static void imm_store(struct wft_learn_spec *s, const uint8_t *value)
{
	size_t n = s->dst.field->n_bytes;

	memset(s->imm, 0, sizeof(s->imm));
	memcpy(s->imm + sizeof(s->imm) - n, value, n);
}

static int dst_prereqs(struct learn_parse *p, const struct wft_field *f)
{
	if (wft_field_prereqs_ok(f, &p->match, &p->exact))
		return 0;
	return ACT_ERR(p->c, "%s: the learned flow's match lacks its "
		       "prerequisites (match them first, e.g. eth_type=0x800)",
		       f->name);
}

/* "DST[..]", "DST[..]=SRC[..]", "DST=VALUE". */
static int parse_match(struct learn_parse *p, const struct ofp_token *t,
		       const struct wft_subfield *dst)
{
	struct wft_learn_spec *s;
	struct wft_subfield src;
	uint8_t value[16], mask[16];

	if (dst_prereqs(p, dst->field))
		return -EINVAL;
	s = spec_put(p);
	s->dst_type = WFT_LEARN_MATCH;
	s->dst = *dst;
	if (!t->delim) {
		s->src = *dst;
	} else if (is_subfield(t->value, t->value_len, &src)) {
		if (src.n_bits != dst->n_bits)
			return ACT_ERR(p->c, "bit widths of %.*s (%u) and %.*s "
				       "(%u) differ", (int)t->key_len, t->key,
				       dst->n_bits, (int)t->value_len,
				       t->value, src.n_bits);
		s->src = src;
	} else {
		memset(value, 0, sizeof(value));
		if (!dst->ofs && dst->n_bits == dst->field->n_bits) {
			if (memchr(t->value, '/', t->value_len) ||
			    ofp_field_parse(dst->field, t->value, t->value_len,
					    value, mask, p->c->err,
					    p->c->errlen))
				return ACT_ERR(p->c, "%.*s: cannot parse "
					       "\"%.*s\"", (int)t->key_len, t->key,
					       (int)t->value_len, t->value);
		} else if (parse_int(t->value, t->value_len, value,
				     dst->field->n_bytes, dst->n_bits)) {
			return ACT_ERR(p->c, "%.*s: \"%.*s\" is neither a "
				       "subfield nor a number that fits in %u "
				       "bits", (int)t->key_len, t->key,
				       (int)t->value_len, t->value,
				       dst->n_bits);
		}
		s->src_imm = true;
		imm_store(s, value);
		wft_subfield_set(dst, value, &p->match, &p->wc);
		return 0;
	}
	return ofp_acts_check_prereqs(p->c, s->src.field, "source");
}

/* "load:SRC[]->DST[]" or "load:VALUE->DST[]". */
static int parse_load(struct learn_parse *p, const struct ofp_token *t)
{
	const char *arrow = memmem(t->value, t->value_len, "->", 2);
	struct wft_learn_spec *s;
	struct wft_subfield dst;
	size_t slen;
	uint8_t value[16];

	if (!arrow)
		return ACT_ERR(p->c, "load: missing \"->\"");
	slen = (size_t)(arrow - t->value);
	if (subfield(p, arrow + 2, t->value_len - slen - 2, &dst))
		return -EINVAL;
	if (!dst.field->writable)
		return ACT_ERR(p->c, "%s is read-only", dst.field->name);
	if (dst_prereqs(p, dst.field))
		return -EINVAL;
	s = spec_put(p);
	s->dst_type = WFT_LEARN_LOAD;
	s->dst = dst;
	memset(value, 0, sizeof(value));
	if (!parse_int(t->value, slen, value, dst.field->n_bytes,
		       dst.n_bits)) {
		s->src_imm = true;
		imm_store(s, value);
		return 0;
	}
	if (subfield(p, t->value, slen, &s->src))
		return -EINVAL;
	if (s->src.n_bits != dst.n_bits)
		return ACT_ERR(p->c, "load: source is %u bits wide but "
			       "destination is %u bits wide", s->src.n_bits,
			       dst.n_bits);
	return ofp_acts_check_prereqs(p->c, s->src.field, "source");
}

static int parse_output(struct learn_parse *p, const struct ofp_token *t)
{
	struct wft_learn_spec *s = spec_put(p);

	s->dst_type = WFT_LEARN_OUTPUT;
	if (subfield(p, t->value, t->value_len, &s->src))
		return -EINVAL;
	return ofp_acts_check_prereqs(p->c, s->src.field, "source");
}

static int parse_u16(struct learn_parse *p, const struct ofp_token *t,
		     uint16_t *v)
{
	uint64_t n;

	if (t->delim != '=' ||
	    ofp_parse_uint(t->value, t->value_len, UINT16_MAX, &n))
		return ACT_ERR(p->c, "%.*s: expected a number from 0 to 65535",
			       (int)t->key_len, t->key);
	*v = (uint16_t)n;
	return 0;
}

static int parse_option(struct learn_parse *p, const struct ofp_token *t)
{
	struct wft_ofpact_learn *l = p->l;
	struct wft_subfield dst;
	uint64_t v;

	if (ofp_token_is(t, "table")) {
		if (t->delim != '=' ||
		    ofp_parse_uint(t->value, t->value_len, 254, &v))
			return ACT_ERR(p->c, "table: expected 0 to 254");
		l->table = (uint8_t)v;
		return 0;
	}
	if (ofp_token_is(t, "priority"))
		return parse_u16(p, t, &l->priority);
	if (ofp_token_is(t, "idle_timeout"))
		return parse_u16(p, t, &l->idle_timeout);
	if (ofp_token_is(t, "hard_timeout"))
		return parse_u16(p, t, &l->hard_timeout);
	if (ofp_token_is(t, "fin_idle_timeout"))
		return parse_u16(p, t, &l->fin_idle_timeout);
	if (ofp_token_is(t, "fin_hard_timeout"))
		return parse_u16(p, t, &l->fin_hard_timeout);
	if (ofp_token_is(t, "cookie")) {
		if (t->delim != '=' ||
		    ofp_parse_uint(t->value, t->value_len, UINT64_MAX, &v))
			return ACT_ERR(p->c, "cookie: expected a 64-bit "
				       "number");
		l->cookie = v;
		return 0;
	}
	if (ofp_token_is(t, "send_flow_rem") && !t->delim) {
		l->flags |= WFT_LEARN_F_SEND_FLOW_REM;
		return 0;
	}
	if (ofp_token_is(t, "delete_learned") && !t->delim) {
		l->flags |= WFT_LEARN_F_DELETE_LEARNED;
		return 0;
	}
	if (ofp_token_is(t, "limit") || ofp_token_is(t, "result_dst"))
		return ACT_ERR(p->c, "%.*s is not supported by weft",
			       (int)t->key_len, t->key);
	if (ofp_token_is(t, "load") && t->delim == ':')
		return parse_load(p, t);
	if (ofp_token_is(t, "output") && t->delim == ':')
		return parse_output(p, t);
	if (t->delim == '(' || t->delim == ':')
		return ACT_ERR(p->c, "unknown keyword %.*s", (int)t->key_len,
			       t->key);
	if (subfield(p, t->key, t->key_len, &dst))
		return -EINVAL;
	return parse_match(p, t, &dst);
}

int ofp_parse_learn(struct ofp_acts_ctx *c, struct wft_ofpacts *acts)
{
	struct learn_parse p = { .c = c, .allocated = 4 };
	const struct ofp_token *saved = c->tok;
	struct ofp_token t;
	char *text;
	const char *s;
	int ret;

	if (c->tok->delim != '(')
		return ACT_ERR(c, "expected learn(...)");
	p.l = wft_xcalloc(1, wft_ofpact_learn_size(p.allocated));
	p.l->priority = WFT_OFP_DEFAULT_PRIORITY;
	wft_flow_wc_init_catchall(&p.wc);
	memset(&p.exact, 0xff, sizeof(p.exact));
	s = text = ofp_acts_value_dup(c);
	while ((ret = ofp_next_token(&s, &t, c->err, c->errlen)) > 0) {
		ret = parse_option(&p, &t);
		if (ret)
			break;
	}
	c->tok = saved;
	free(text);
	if (ret) {
		free(p.l);
		return ret;
	}
	wft_ofpacts_put(acts, WFT_OFPACT_LEARN)->learn.l = p.l;
	return 0;
}
