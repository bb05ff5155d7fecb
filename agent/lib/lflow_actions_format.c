// SPDX-License-Identifier: GPL-2.0
/*
 * Printing a parsed action tree back as normalized OVN action text
 * (include/weft/lflow_actions.h): what weftd logs for a flow it skips,
 * and what the tests compare.
 */
#include <arpa/inet.h>
#include <string.h>

#include "weft/lflow_actions.h"

static void put_u128(struct wft_strbuf *sb, wft_u128 v,
		     enum wft_lex_format fmt)
{
	static const uint8_t zero[8];
	uint8_t b[16];
	char buf[INET6_ADDRSTRLEN];
	int i;

	for (i = 15; i >= 0; i--) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
	switch (fmt) {
	case WFT_LEX_IPV4:
		wft_strbuf_printf(sb, "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
		break;
	case WFT_LEX_IPV6:
		inet_ntop(AF_INET6, b, buf, sizeof(buf));
		wft_strbuf_puts(sb, buf);
		break;
	case WFT_LEX_ETHERNET:
		wft_strbuf_printf(sb, "%02x:%02x:%02x:%02x:%02x:%02x", b[10],
				  b[11], b[12], b[13], b[14], b[15]);
		break;
	default:
		if (!memcmp(b, zero, sizeof(zero))) {
			unsigned long long lo = 0;

			for (i = 8; i < 16; i++)
				lo = (lo << 8) | b[i];
			wft_strbuf_printf(sb, fmt == WFT_LEX_HEX ? "0x%llx" :
					  "%llu", lo);
		} else {
			wft_strbuf_puts(sb, "0x");
			for (i = 0; i < 16 && !b[i]; i++)
				;
			for (; i < 16; i++)
				wft_strbuf_printf(sb, "%02x", b[i]);
		}
		break;
	}
}

static void put_field(struct wft_strbuf *sb, const struct wft_lact_field *f)
{
	wft_strbuf_puts(sb, f->sym->name);
	if (f->width == f->sym->width)
		return;
	if (f->width == 1)
		wft_strbuf_printf(sb, "[%u]", f->ofs);
	else
		wft_strbuf_printf(sb, "[%u..%u]", f->ofs,
				  f->ofs + f->width - 1);
}

static void put_string(struct wft_strbuf *sb, const char *s)
{
	wft_strbuf_putc(sb, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			wft_strbuf_putc(sb, '\\');
		wft_strbuf_putc(sb, *s);
	}
	wft_strbuf_putc(sb, '"');
}

static void put_arg(struct wft_strbuf *sb, const struct wft_lact_arg *a)
{
	if (a->key)
		wft_strbuf_printf(sb, "%s = ", a->key);
	switch (a->kind) {
	case WFT_LARG_FIELD:
		put_field(sb, &a->field);
		break;
	case WFT_LARG_INT:
		put_u128(sb, a->value, a->format);
		if (a->masked) {
			wft_strbuf_putc(sb, '/');
			put_u128(sb, a->mask, a->format);
		}
		if (a->port >= 0)
			wft_strbuf_printf(sb, ":%d", a->port);
		break;
	case WFT_LARG_STRING:
		put_string(sb, a->text);
		break;
	default:
		wft_strbuf_puts(sb, a->text);
		break;
	}
}

void wft_lacts_format(const struct wft_lacts *acts, struct wft_strbuf *sb)
{
	size_t i, j;

	for (i = 0; i < acts->n; i++) {
		const struct wft_lact *a = &acts->a[i];

		if (i)
			wft_strbuf_putc(sb, ' ');
		switch (a->type) {
		case WFT_LACT_ASSIGN:
			put_field(sb, &a->dst);
			wft_strbuf_puts(sb, " = ");
			if (a->src_is_field) {
				put_field(sb, &a->src);
			} else if (a->port) {
				put_string(sb, a->port);
			} else {
				put_u128(sb, a->value, a->format);
				if (a->masked) {
					wft_strbuf_putc(sb, '/');
					put_u128(sb, a->mask, a->format);
				}
			}
			break;
		case WFT_LACT_EXCHANGE:
			put_field(sb, &a->dst);
			wft_strbuf_puts(sb, " <-> ");
			put_field(sb, &a->src);
			break;
		case WFT_LACT_DEC_TTL:
			wft_strbuf_puts(sb, "ip.ttl--");
			break;
		case WFT_LACT_NEXT:
			wft_strbuf_puts(sb, "next");
			if (a->next_pipeline_given)
				wft_strbuf_printf(sb, "(pipeline=%s, table=%d)",
						  a->next_egress ? "egress" :
						  "ingress", a->next_table);
			else if (a->next_table >= 0)
				wft_strbuf_printf(sb, "(%d)", a->next_table);
			break;
		case WFT_LACT_NESTED:
			wft_strbuf_printf(sb, "%s { ", a->name);
			wft_lacts_format(a->nested, sb);
			wft_strbuf_puts(sb, a->nested->n ? " }" : "}");
			break;
		case WFT_LACT_CALL:
			if (a->has_dst) {
				put_field(sb, &a->dst);
				wft_strbuf_puts(sb, " = ");
			}
			wft_strbuf_printf(sb, "%s(", a->name);
			for (j = 0; j < a->n_args; j++) {
				if (j)
					wft_strbuf_puts(sb, ", ");
				put_arg(sb, &a->args[j]);
			}
			wft_strbuf_putc(sb, ')');
			break;
		default:
			wft_strbuf_puts(sb, a->name);
			break;
		}
		wft_strbuf_putc(sb, ';');
	}
}
