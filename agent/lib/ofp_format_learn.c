// SPDX-License-Identifier: GPL-2.0
/*
 * Printing learn(...) as ovs-ofctl does: the options that differ from
 * their defaults in a fixed order, then the specs as written, a match
 * of a whole field with a constant in the field's own syntax
 * ("ip_dst=172.16.0.10"), any other constant in hex.
 */
#include <string.h>

#include "ofp_private.h"

static void put_spec(const struct wft_learn_spec *s, struct wft_strbuf *sb)
{
	size_t n_bytes = (s->dst.n_bits + 7) / 8;
	const uint8_t *imm = s->imm + sizeof(s->imm) - n_bytes;
	const struct wft_field *f = s->dst.field;

	switch (s->dst_type) {
	case WFT_LEARN_MATCH:
		if (s->src_imm && !s->dst.ofs && s->dst.n_bits == f->n_bits) {
			wft_strbuf_printf(sb, "%s=", ofp_field_set_name(f));
			ofp_field_format(f, s->imm + sizeof(s->imm) -
					 f->n_bytes, NULL, sb);
		} else if (s->src_imm) {
			ofp_subfield_format(&s->dst, sb);
			wft_strbuf_putc(sb, '=');
			ofp_put_hex(sb, imm, n_bytes);
		} else {
			ofp_subfield_format(&s->dst, sb);
			if (s->src.field != s->dst.field ||
			    s->src.ofs != s->dst.ofs) {
				wft_strbuf_putc(sb, '=');
				ofp_subfield_format(&s->src, sb);
			}
		}
		break;
	case WFT_LEARN_LOAD:
		wft_strbuf_puts(sb, "load:");
		if (s->src_imm)
			ofp_put_hex(sb, imm, n_bytes);
		else
			ofp_subfield_format(&s->src, sb);
		wft_strbuf_puts(sb, "->");
		ofp_subfield_format(&s->dst, sb);
		break;
	case WFT_LEARN_OUTPUT:
		wft_strbuf_puts(sb, "output:");
		ofp_subfield_format(&s->src, sb);
		break;
	}
}

void ofp_learn_format(const struct wft_ofpact_learn *l, struct wft_strbuf *sb)
{
	size_t i;

	wft_strbuf_printf(sb, "learn(table=%u", l->table);
	if (l->idle_timeout)
		wft_strbuf_printf(sb, ",idle_timeout=%u", l->idle_timeout);
	if (l->hard_timeout)
		wft_strbuf_printf(sb, ",hard_timeout=%u", l->hard_timeout);
	if (l->fin_idle_timeout)
		wft_strbuf_printf(sb, ",fin_idle_timeout=%u",
				  l->fin_idle_timeout);
	if (l->fin_hard_timeout)
		wft_strbuf_printf(sb, ",fin_hard_timeout=%u",
				  l->fin_hard_timeout);
	if (l->priority != WFT_OFP_DEFAULT_PRIORITY)
		wft_strbuf_printf(sb, ",priority=%u", l->priority);
	if (l->flags & WFT_LEARN_F_SEND_FLOW_REM)
		wft_strbuf_puts(sb, ",send_flow_rem");
	if (l->flags & WFT_LEARN_F_DELETE_LEARNED)
		wft_strbuf_puts(sb, ",delete_learned");
	if (l->cookie)
		wft_strbuf_printf(sb, ",cookie=%#llx",
				  (unsigned long long)l->cookie);
	for (i = 0; i < l->n_specs; i++) {
		wft_strbuf_putc(sb, ',');
		put_spec(&l->specs[i], sb);
	}
	wft_strbuf_putc(sb, ')');
}
