// SPDX-License-Identifier: GPL-2.0
/*
 * Compiled matches (include/weft/expr.h): a conjunction of terms written
 * into a weft match (struct wft_flow value and mask), and printed the way
 * ovs-ofctl prints a match.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr_dnf.h"
#include "weft/field.h"
#include "weft/ofp_flow.h"
#include "weft/strbuf.h"
#include "weft/util.h"

/* Sets bits [start, start + len) of @field's value to those of @v. */
static void set_run(const struct wft_field *field, unsigned int start,
		    unsigned int len, wft_u128 v, struct wft_flow *flow,
		    struct wft_flow_wc *wc)
{
	struct wft_subfield sf = { field, start, len };
	uint8_t buf[16];
	wft_u128 x = (v >> start) & wft_u128_low_bits(len);
	int i;

	for (i = field->n_bytes - 1; i >= 0; i--) {
		buf[i] = (uint8_t)x;
		x >>= 8;
	}
	wft_subfield_set(&sf, buf, flow, wc);
}

/* An ICMP type or code lives in the low byte of tp_src or tp_dst; an
 * exact match on it is, as ovs-ofctl's icmp_type=N is, an exact match on
 * the whole 16 bits (the high byte being 0), so that the same rule from
 * either source compares equal. */
static void widen_icmp(const struct expr_term *t, struct wft_expr_match *m)
{
	enum wft_field_id tp;

	if (t->mask != 0xff)
		return;
	if (t->field == WFT_F_ICMPV4_TYPE || t->field == WFT_F_ICMPV6_TYPE)
		tp = WFT_F_TCP_SRC;
	else if (t->field == WFT_F_ICMPV4_CODE ||
		 t->field == WFT_F_ICMPV6_CODE)
		tp = WFT_F_TCP_DST;
	else
		return;
	set_run(wft_field_from_id(tp), 8, 8, 0, &m->flow, &m->wc);
}

static void add_one(struct wft_expr_matches *ms, const struct expr_conj *c,
		    uint32_t conj_id, uint8_t clause, uint8_t n_clauses)
{
	struct wft_expr_match *m;
	size_t i;

	if (ms->n == ms->allocated) {
		ms->allocated = ms->allocated ? 2 * ms->allocated : 4;
		ms->m = wft_xrealloc(ms->m, ms->allocated * sizeof(*ms->m));
	}
	m = &ms->m[ms->n++];
	memset(m, 0, sizeof(*m));
	wft_flow_wc_init_catchall(&m->wc);
	m->conj_id = conj_id;
	m->clause = clause;
	m->n_clauses = n_clauses;
	for (i = 0; c && i < c->n; i++) {
		const struct expr_term *t = &c->terms[i];
		const struct wft_field *field = wft_field_from_id(t->field);
		unsigned int b = 0;

		while (b < field->n_bits) {
			unsigned int len = 0;

			if (!((t->mask >> b) & 1)) {
				b++;
				continue;
			}
			while (b + len < field->n_bits &&
			       ((t->mask >> (b + len)) & 1))
				len++;
			set_run(field, b, len, t->value, &m->flow, &m->wc);
			b += len;
		}
		widen_icmp(t, m);
	}
}

/* Most wildcarded bits of a field weft cannot mask that are expanded into
 * exact values (2^8 matches); more is an error. */
#define MAX_EXPAND_BITS 8
#define MAX_EXPANDED EXPR_MAX_CONJS

/*
 * Appends to @out the conjunctions @c expands into: a partial mask on a
 * field the classifier matches only exactly (nw_ttl, nw_proto, icmp_type,
 * eth_type: "ip.ttl < 3") becomes one conjunction per value of the
 * wildcarded bits. -E2BIG past MAX_EXPAND_BITS in one field or past @max
 * conjunctions in @out.
 */
static int expand_conj(const struct expr_conj *c, struct expr_dnf *out,
		       size_t max)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct expr_term *t = &c->terms[i];
		const struct wft_field *field = wft_field_from_id(t->field);
		wft_u128 all = wft_u128_low_bits(field->n_bits), free_bits;
		unsigned int n_free = 0, b;
		unsigned long v;

		if (field->maskable || t->mask == all)
			continue;
		free_bits = all & ~t->mask;
		for (b = 0; b < field->n_bits; b++)
			n_free += (free_bits >> b) & 1;
		if (n_free > MAX_EXPAND_BITS)
			return -E2BIG;
		for (v = 0; v < (1ul << n_free); v++) {
			struct expr_conj copy;
			unsigned int k = 0;
			int error;

			conj_copy(&copy, c);
			copy.terms[i].mask = all;
			for (b = 0; b < field->n_bits; b++) {
				if (!((free_bits >> b) & 1))
					continue;
				if ((v >> k++) & 1)
					copy.terms[i].value |= (wft_u128)1 << b;
			}
			error = expand_conj(&copy, out, max);
			free(copy.terms);
			if (error)
				return error;
		}
		return 0;
	}
	if (out->n >= max)
		return -E2BIG;
	out->conjs = wft_xrealloc(out->conjs, (out->n + 1) * sizeof(*out->conjs));
	conj_copy(&out->conjs[out->n++], c);
	return 0;
}

int expr_matches_add(struct wft_expr_matches *ms, const struct expr_conj *c,
		     uint32_t conj_id, uint8_t clause, uint8_t n_clauses)
{
	struct expr_dnf d;
	int error;
	size_t i;

	if (!c) {
		add_one(ms, NULL, conj_id, clause, n_clauses);
		return 0;
	}
	dnf_false(&d);
	error = expand_conj(c, &d, SIZE_MAX);
	for (i = 0; !error && i < d.n; i++)
		add_one(ms, &d.conjs[i], conj_id, clause, n_clauses);
	dnf_free(&d);
	return error;
}

int expr_dnf_expand_exact(struct expr_dnf *d)
{
	struct expr_dnf r;
	int error = 0;
	size_t i;

	dnf_false(&r);
	for (i = 0; i < d->n && !error; i++)
		error = expand_conj(&d->conjs[i], &r, MAX_EXPANDED);
	dnf_free(d);
	*d = r;
	return error;
}

void wft_expr_matches_uninit(struct wft_expr_matches *ms)
{
	free(ms->m);
	memset(ms, 0, sizeof(*ms));
}

char *wft_expr_matches_format(const struct wft_expr_matches *ms)
{
	struct wft_strbuf sb;
	size_t i;

	wft_strbuf_init(&sb);
	for (i = 0; i < ms->n; i++) {
		const struct wft_expr_match *m = &ms->m[i];
		size_t before = sb.len;

		if (m->conj_id && !m->n_clauses) {
			wft_strbuf_printf(&sb, "conj_id=%u\n", m->conj_id);
			continue;
		}
		wft_ofp_match_format(&m->flow, &m->wc,
				     WFT_OFP_DEFAULT_PRIORITY, &sb);
		if (m->n_clauses)
			wft_strbuf_printf(&sb, "%sconjunction(%u,%u/%u)",
					  sb.len > before ? "," : "",
					  m->conj_id, m->clause, m->n_clauses);
		wft_strbuf_putc(&sb, '\n');
	}
	return wft_strbuf_steal(&sb);
}
