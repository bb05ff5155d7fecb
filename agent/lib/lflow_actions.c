// SPDX-License-Identifier: GPL-2.0
/*
 * The parser for OVN's logical-flow actions (include/weft/lflow_actions.h).
 *
 * Statements are:
 *   FIELD = FIELD | CONSTANT | "port";   FIELD <-> FIELD;   ip.ttl--;
 *   FIELD = NAME(ARGS);                  NAME;   NAME(ARGS);   NAME { ... };
 * and the table below says, for each action name, which of these shapes
 * it takes and what its arguments must be.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow_actions.h"
#include "weft/util.h"

/* Shapes, combinable. */
#define S_BARE		0x01	/* NAME; */
#define S_ARGS		0x02	/* NAME(ARGS); */
#define S_BLOCK		0x04	/* NAME { ... }; */
#define S_RESULT	0x08	/* FIELD = NAME(ARGS); required */
#define S_RESULT_1	0x10	/* the result is one bit */
#define S_CT_BLOCK	0x20	/* the block may set ct_mark and ct_label */

/*
 * Positional arguments, one letter each: P a port field (inport,
 * outport), F any field, 4 an IPv4 field or constant, A an address
 * constant (IPv4/IPv6, optionally IP:PORT), N an integer, '*' anything
 * from there on, K key = value pairs.
 */
struct action_def {
	const char *name;
	unsigned int shapes;
	const char *args;
};

static const struct action_def defs[] = {
	{ "output", S_BARE, "" },
	{ "drop", S_BARE, "" },
	{ "next", S_BARE | S_ARGS, "K" },
	{ "ct_next", S_BARE, "" },
	{ "ct_clear", S_BARE, "" },
	{ "ct_commit", S_BARE | S_BLOCK | S_CT_BLOCK | S_ARGS, "K" },
	{ "ct_commit_nat", S_BARE, "" },
	{ "ct_dnat", S_BARE | S_ARGS, "*" },
	{ "ct_snat", S_BARE | S_ARGS, "*" },
	{ "ct_dnat_in_czone", S_BARE | S_ARGS, "*" },
	{ "ct_snat_in_czone", S_BARE | S_ARGS, "*" },
	{ "ct_snat_to_vip", S_BARE, "" },
	{ "ct_lb", S_BARE | S_ARGS, "K" },
	{ "ct_lb_mark", S_BARE | S_ARGS, "K" },
	{ "clone", S_BLOCK, "" },
	{ "arp", S_BLOCK, "" },
	{ "nd_ns", S_BLOCK, "" },
	{ "nd_na", S_BLOCK, "" },
	{ "nd_na_router", S_BLOCK, "" },
	{ "icmp4", S_BLOCK, "" },
	{ "icmp4_error", S_BLOCK, "" },
	{ "icmp6", S_BLOCK, "" },
	{ "icmp6_error", S_BLOCK, "" },
	{ "tcp_reset", S_BLOCK, "" },
	{ "sctp_abort", S_BLOCK, "" },
	{ "reject", S_BLOCK, "" },
	{ "igmp", S_BARE, "" },
	{ "mld", S_BARE, "" },
	{ "put_arp", S_ARGS, "PFF" },
	{ "get_arp", S_ARGS, "PF" },
	{ "put_nd", S_ARGS, "PFF" },
	{ "get_nd", S_ARGS, "PF" },
	{ "lookup_arp", S_ARGS | S_RESULT | S_RESULT_1, "PFF" },
	{ "lookup_arp_ip", S_ARGS | S_RESULT | S_RESULT_1, "PF" },
	{ "lookup_nd", S_ARGS | S_RESULT | S_RESULT_1, "PFF" },
	{ "lookup_nd_ip", S_ARGS | S_RESULT | S_RESULT_1, "PF" },
	{ "put_dhcp_opts", S_ARGS | S_RESULT | S_RESULT_1, "K" },
	{ "put_dhcpv6_opts", S_ARGS | S_RESULT | S_RESULT_1, "K" },
	{ "put_nd_ra_opts", S_ARGS | S_RESULT | S_RESULT_1, "K" },
	{ "dns_lookup", S_ARGS | S_RESULT | S_RESULT_1, "" },
	{ "get_fdb", S_ARGS | S_RESULT, "F" },
	{ "put_fdb", S_ARGS, "PF" },
	{ "lookup_fdb", S_ARGS | S_RESULT | S_RESULT_1, "PF" },
	{ "check_pkt_larger", S_ARGS | S_RESULT | S_RESULT_1, "N" },
	{ "handle_svc_check", S_ARGS, "P" },
	{ "handle_dhcpv6_reply", S_BARE, "" },
	{ "trigger_event", S_ARGS, "K" },
	{ "check_in_port_sec", S_ARGS | S_RESULT | S_RESULT_1, "" },
	{ "check_out_port_sec", S_ARGS | S_RESULT | S_RESULT_1, "" },
	{ "chk_lb_hairpin", S_ARGS | S_RESULT | S_RESULT_1, "" },
	{ "chk_lb_hairpin_reply", S_ARGS | S_RESULT | S_RESULT_1, "" },
	{ "chk_lb_aff", S_ARGS | S_RESULT | S_RESULT_1, "" },
	{ "commit_lb_aff", S_ARGS, "K" },
	{ "chk_ecmp_nh", S_ARGS | S_RESULT | S_RESULT_1, "" },
	{ "chk_ecmp_nh_mac", S_ARGS | S_RESULT | S_RESULT_1, "" },
	{ "commit_ecmp_nh", S_ARGS, "K" },
	{ "select", S_ARGS | S_RESULT, "*" },
	{ "set_queue", S_ARGS, "N" },
	{ "log", S_ARGS, "K" },
	{ "bind_vport", S_ARGS, "*" },
	{ "fwd_group", S_ARGS, "K" },
};

struct aparser {
	struct wft_lexer lx;
	char *err;
	size_t errlen;
	bool failed;
};

static void aerr(struct aparser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	wft_lexer_verror(&p->lx, p->err, p->errlen, fmt, ap);
	va_end(ap);
}

static bool aexpect(struct aparser *p, enum wft_lex_type type)
{
	if (wft_lexer_match(&p->lx, type))
		return true;
	aerr(p, "expected %s, found %s", wft_lex_type_name(type),
	     wft_lex_type_name(p->lx.tok.type));
	return false;
}

static const struct action_def *find_def(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}

/* A field reference at the current identifier, with its subscript. */
static bool parse_fieldref(struct aparser *p, struct wft_lact_field *f)
{
	const struct wft_expr_symbol *sym = wft_expr_symbol_find(p->lx.tok.text);
	unsigned int a, b;

	if (!sym) {
		aerr(p, "unknown field %s", p->lx.tok.text);
		return false;
	}
	if (sym->kind == WFT_SYM_PREDICATE) {
		aerr(p, "%s is a predicate, not a field", sym->name);
		return false;
	}
	f->sym = sym;
	f->ofs = 0;
	f->width = sym->width;
	wft_lexer_next(&p->lx);
	if (!wft_lexer_match(&p->lx, WFT_LEX_LSQUARE))
		return true;
	if (p->lx.tok.type != WFT_LEX_INT) {
		aerr(p, "expected a bit index");
		return false;
	}
	a = b = p->lx.tok.value > 255 ? 255 : (unsigned int)p->lx.tok.value;
	wft_lexer_next(&p->lx);
	if (wft_lexer_match(&p->lx, WFT_LEX_ELLIPSIS)) {
		if (p->lx.tok.type != WFT_LEX_INT) {
			aerr(p, "expected a bit index");
			return false;
		}
		b = p->lx.tok.value > 255 ? 255 : (unsigned int)p->lx.tok.value;
		wft_lexer_next(&p->lx);
	}
	if (a > b || b >= sym->width || sym->kind != WFT_SYM_FIELD) {
		aerr(p, "bits %u..%u are outside %s (%u bits)", a, b, sym->name,
		     sym->width);
		return false;
	}
	f->ofs = a;
	f->width = b - a + 1;
	return aexpect(p, WFT_LEX_RSQUARE);
}

static bool check_writable(struct aparser *p, const struct wft_lact_field *f,
			   bool in_ct)
{
	const struct wft_expr_symbol *s = f->sym;
	bool ct = !strncmp(s->name, "ct_mark", 7) ||
		  !strncmp(s->name, "ct_label", 8);

	if (!s->writable) {
		aerr(p, "%s is read-only", s->name);
		return false;
	}
	if (ct != in_ct) {
		aerr(p, ct ? "%s can be set only inside ct_commit { }" :
		     "only ct_mark and ct_label can be set inside ct_commit, "
		     "not %s", s->name);
		return false;
	}
	return true;
}

static void arg_free(struct wft_lact_arg *a)
{
	free(a->key);
	free(a->text);
}

/* One argument value (after "key =" if any). */
static bool parse_arg_value(struct aparser *p, struct wft_lact_arg *a)
{
	struct wft_lex_token *t = &p->lx.tok;

	a->port = -1;
	switch (t->type) {
	case WFT_LEX_ID:
		if (wft_expr_symbol_find(t->text) && !a->key) {
			a->kind = WFT_LARG_FIELD;
			return parse_fieldref(p, &a->field);
		}
		if (wft_expr_symbol_find(t->text) &&
		    wft_expr_symbol_find(t->text)->kind != WFT_SYM_PREDICATE) {
			a->kind = WFT_LARG_FIELD;
			return parse_fieldref(p, &a->field);
		}
		a->kind = WFT_LARG_WORD;
		a->text = wft_xstrdup(t->text);
		wft_lexer_next(&p->lx);
		return true;
	case WFT_LEX_STRING:
		a->kind = WFT_LARG_STRING;
		a->text = wft_xstrdup(t->text);
		wft_lexer_next(&p->lx);
		return true;
	case WFT_LEX_INT:
		a->kind = WFT_LARG_INT;
		a->value = t->value;
		a->mask = t->mask;
		a->masked = t->masked;
		a->format = t->format;
		wft_lexer_next(&p->lx);
		if (wft_lexer_match(&p->lx, WFT_LEX_COLON)) {
			if (p->lx.tok.type != WFT_LEX_INT ||
			    p->lx.tok.value > 65535) {
				aerr(p, "expected a port number");
				return false;
			}
			a->port = (int)p->lx.tok.value;
			wft_lexer_next(&p->lx);
		}
		return true;
	case WFT_LEX_LCURLY: {
		/* A set, kept as text: "{10.0.0.1, 10.0.0.2}". */
		size_t start = t->pos, end;

		while (p->lx.tok.type != WFT_LEX_RCURLY &&
		       p->lx.tok.type != WFT_LEX_END &&
		       p->lx.tok.type != WFT_LEX_ERROR)
			wft_lexer_next(&p->lx);
		end = p->lx.tok.pos + 1;
		if (!aexpect(p, WFT_LEX_RCURLY))
			return false;
		a->kind = WFT_LARG_SET;
		a->text = wft_xmalloc(end - start + 1);
		memcpy(a->text, p->lx.input + start, end - start);
		a->text[end - start] = '\0';
		return true;
	}
	default:
		aerr(p, "expected an argument, found %s",
		     wft_lex_type_name(t->type));
		return false;
	}
}

/* "(ARGS)": positional or key = value, separated by ',' or ';'. */
static bool parse_args(struct aparser *p, struct wft_lact *act)
{
	if (!aexpect(p, WFT_LEX_LPAREN))
		return false;
	while (p->lx.tok.type != WFT_LEX_RPAREN) {
		struct wft_lact_arg *a;

		act->args = wft_xrealloc(act->args,
					 (act->n_args + 1) * sizeof(*act->args));
		a = &act->args[act->n_args++];
		memset(a, 0, sizeof(*a));
		if (p->lx.tok.type == WFT_LEX_ID) {
			struct wft_lexer peek = p->lx;

			if (wft_lexer_next(&peek) == WFT_LEX_EQUALS) {
				a->key = wft_xstrdup(p->lx.tok.text);
				wft_lexer_next(&p->lx);
				wft_lexer_next(&p->lx);
			}
		}
		if (!parse_arg_value(p, a))
			return false;
		if (!wft_lexer_match(&p->lx, WFT_LEX_COMMA) &&
		    !wft_lexer_match(&p->lx, WFT_LEX_SEMICOLON) &&
		    p->lx.tok.type != WFT_LEX_RPAREN) {
			aerr(p, "expected ',' or ')' in the arguments of %s",
			     act->name);
			return false;
		}
	}
	wft_lexer_next(&p->lx);
	return true;
}

static bool is_address_arg(const struct wft_lact_arg *a)
{
	return a->kind == WFT_LARG_INT &&
	       (a->format == WFT_LEX_IPV4 || a->format == WFT_LEX_IPV6);
}

/* Checks @act's arguments against its definition's letters. */
static bool check_args(struct aparser *p, const struct action_def *def,
		       struct wft_lact *act)
{
	const char *k = def->args;
	size_t i;

	if (!strcmp(k, "*") || !strcmp(k, "K"))
		return true;
	if (act->n_args != strlen(k)) {
		aerr(p, "%s takes %zu arguments, not %zu", def->name, strlen(k),
		     act->n_args);
		return false;
	}
	for (i = 0; i < act->n_args; i++) {
		const struct wft_lact_arg *a = &act->args[i];
		bool ok;

		switch (k[i]) {
		case 'P':
			ok = a->kind == WFT_LARG_FIELD &&
			     a->field.sym->kind == WFT_SYM_STRING;
			break;
		case 'F':
			ok = a->kind == WFT_LARG_FIELD;
			break;
		case 'A':
			ok = is_address_arg(a);
			break;
		default:	/* N */
			ok = a->kind == WFT_LARG_INT && !a->masked;
			break;
		}
		if (!ok || a->key) {
			aerr(p, "%s: argument %zu must be %s", def->name, i + 1,
			     k[i] == 'P' ? "inport or outport" :
			     k[i] == 'F' ? "a field" :
			     k[i] == 'A' ? "an address" : "an integer");
			return false;
		}
	}
	return true;
}

static bool parse_list(struct aparser *p, bool in_ct, bool nested,
		       struct wft_lacts *out);

static struct wft_lact *new_act(struct wft_lacts *l, enum wft_lact_type type)
{
	struct wft_lact *a;

	l->a = wft_xrealloc(l->a, (l->n + 1) * sizeof(*l->a));
	a = &l->a[l->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->next_table = -1;
	return a;
}

/* NAME ... at the current identifier, with @dst when "dst = NAME(...)". */
static bool parse_named(struct aparser *p, const struct wft_lact_field *dst,
			bool in_ct, struct wft_lacts *out)
{
	const struct action_def *def = find_def(p->lx.tok.text);
	struct wft_lact *act;

	if (!def) {
		aerr(p, "unknown %s %s", strchr(p->lx.tok.text, '.') ?
		     "field" : "action", p->lx.tok.text);
		return false;
	}
	if (in_ct) {
		aerr(p, "%s is not allowed inside ct_commit { }", def->name);
		return false;
	}
	act = new_act(out, WFT_LACT_CALL);
	act->name = def->name;
	wft_lexer_next(&p->lx);
	if (dst) {
		if (!(def->shapes & S_RESULT)) {
			aerr(p, "%s does not return a value", def->name);
			return false;
		}
		if ((def->shapes & S_RESULT_1) && dst->width != 1) {
			aerr(p, "%s's result must be a 1-bit field, not %u bits",
			     def->name, dst->width);
			return false;
		}
		act->dst = *dst;
		act->has_dst = true;
	} else if (def->shapes & S_RESULT) {
		aerr(p, "%s returns a value: write \"FIELD = %s(...)\"",
		     def->name, def->name);
		return false;
	}
	if (p->lx.tok.type == WFT_LEX_LPAREN && (def->shapes & S_ARGS)) {
		if (!parse_args(p, act) || !check_args(p, def, act))
			return false;
		if (!strcmp(def->name, "next")) {
			size_t i;

			act->type = WFT_LACT_NEXT;
			for (i = 0; i < act->n_args; i++) {
				const struct wft_lact_arg *a = &act->args[i];

				if (a->kind == WFT_LARG_INT &&
				    (!a->key || !strcmp(a->key, "table")) &&
				    a->value < 255) {
					act->next_table = (int)a->value;
				} else if (a->key && !strcmp(a->key, "pipeline") &&
					   a->kind == WFT_LARG_WORD &&
					   (!strcmp(a->text, "ingress") ||
					    !strcmp(a->text, "egress"))) {
					act->next_egress =
						!strcmp(a->text, "egress");
					act->next_pipeline_given = true;
				} else {
					aerr(p, "next takes a table and a "
					     "pipeline (ingress or egress)");
					return false;
				}
			}
		}
		return true;
	}
	if (p->lx.tok.type == WFT_LEX_LCURLY && (def->shapes & S_BLOCK)) {
		wft_lexer_next(&p->lx);
		act->type = WFT_LACT_NESTED;
		act->nested = wft_xcalloc(1, sizeof(*act->nested));
		if (!parse_list(p, (def->shapes & S_CT_BLOCK) != 0, true,
				act->nested))
			return false;
		return aexpect(p, WFT_LEX_RCURLY);
	}
	if (!(def->shapes & S_BARE)) {
		aerr(p, "%s needs %s", def->name,
		     def->shapes & S_BLOCK ? "a block { ... }" : "arguments");
		return false;
	}
	act->type = !strcmp(def->name, "next") ? WFT_LACT_NEXT :
		    !strcmp(def->name, "output") ? WFT_LACT_OUTPUT :
		    !strcmp(def->name, "drop") ? WFT_LACT_DROP :
		    WFT_LACT_SIMPLE;
	return true;
}

/* FIELD = ..., FIELD <-> FIELD, FIELD-- */
static bool parse_field_stmt(struct aparser *p, bool in_ct,
			     struct wft_lacts *out)
{
	struct wft_lact_field dst, src;
	struct wft_lact *act;
	size_t dst_pos = p->lx.tok.pos;

	if (!parse_fieldref(p, &dst))
		return false;
	if (wft_lexer_match(&p->lx, WFT_LEX_DECREMENT)) {
		if (strcmp(dst.sym->name, "ip.ttl") || dst.width != 8) {
			aerr(p, "only ip.ttl can be decremented");
			return false;
		}
		new_act(out, WFT_LACT_DEC_TTL)->dst = dst;
		return true;
	}
	if (wft_lexer_match(&p->lx, WFT_LEX_EXCHANGE)) {
		if (p->lx.tok.type != WFT_LEX_ID || !parse_fieldref(p, &src))
			return p->failed ? false :
			       (aerr(p, "<-> needs a field on both sides"), false);
		if (!check_writable(p, &dst, in_ct) ||
		    !check_writable(p, &src, in_ct))
			return false;
		if (src.width != dst.width ||
		    (src.sym->kind == WFT_SYM_STRING) !=
		    (dst.sym->kind == WFT_SYM_STRING)) {
			aerr(p, "cannot exchange %s (%u bits) with %s (%u bits)",
			     dst.sym->name, dst.width, src.sym->name, src.width);
			return false;
		}
		act = new_act(out, WFT_LACT_EXCHANGE);
		act->dst = dst;
		act->src = src;
		return true;
	}
	if (!aexpect(p, WFT_LEX_EQUALS))
		return false;
	if (p->lx.tok.type == WFT_LEX_ID) {
		struct wft_lexer peek = p->lx;

		if (wft_lexer_next(&peek) == WFT_LEX_LPAREN &&
		    !wft_expr_symbol_find(p->lx.tok.text)) {
			if (!check_writable(p, &dst, in_ct))
				return false;
			return parse_named(p, &dst, in_ct, out);
		}
	}
	if (!check_writable(p, &dst, in_ct))
		return false;
	act = new_act(out, WFT_LACT_ASSIGN);
	act->dst = dst;
	if (p->lx.tok.type == WFT_LEX_ID) {
		if (!parse_fieldref(p, &act->src))
			return false;
		act->src_is_field = true;
		if (act->src.width != dst.width ||
		    (act->src.sym->kind == WFT_SYM_STRING) !=
		    (dst.sym->kind == WFT_SYM_STRING)) {
			aerr(p, "cannot assign %s (%u bits) to %s (%u bits)",
			     act->src.sym->name, act->src.width, dst.sym->name,
			     dst.width);
			return false;
		}
		return true;
	}
	if (p->lx.tok.type == WFT_LEX_STRING) {
		if (dst.sym->kind != WFT_SYM_STRING) {
			aerr(p, "%s is a %u-bit field, not a port", dst.sym->name,
			     dst.width);
			return false;
		}
		act->port = wft_xstrdup(p->lx.tok.text);
		wft_lexer_next(&p->lx);
		return true;
	}
	if (p->lx.tok.type == WFT_LEX_INT) {
		if (dst.sym->kind == WFT_SYM_STRING) {
			aerr(p, "%s takes a port name in quotes", dst.sym->name);
			return false;
		}
		if (p->lx.tok.value & ~wft_u128_low_bits(dst.width)) {
			aerr(p, "constant does not fit %s (%u bits)",
			     dst.sym->name, dst.width);
			return false;
		}
		act->value = p->lx.tok.value;
		act->mask = p->lx.tok.mask & wft_u128_low_bits(dst.width);
		act->masked = p->lx.tok.masked;
		act->format = p->lx.tok.format;
		wft_lexer_next(&p->lx);
		return true;
	}
	(void)dst_pos;
	aerr(p, "expected a field or a constant to assign to %s, found %s",
	     dst.sym->name, wft_lex_type_name(p->lx.tok.type));
	return false;
}

/* Whether the statement at the current identifier starts with a field:
 * "icmp4" is both a predicate and an action, "icmp4.type = 3" a field. */
static bool is_field_stmt(const struct aparser *p)
{
	struct wft_lexer peek = p->lx;
	enum wft_lex_type next;

	if (!wft_expr_symbol_find(p->lx.tok.text))
		return false;
	if (!find_def(p->lx.tok.text))
		return true;
	next = wft_lexer_next(&peek);
	return next == WFT_LEX_EQUALS || next == WFT_LEX_EXCHANGE ||
	       next == WFT_LEX_DECREMENT || next == WFT_LEX_LSQUARE;
}

static bool parse_list(struct aparser *p, bool in_ct, bool nested,
		       struct wft_lacts *out)
{
	for (;;) {
		enum wft_lex_type t = p->lx.tok.type;

		if (t == WFT_LEX_END || (nested && t == WFT_LEX_RCURLY))
			return true;
		if (wft_lexer_match(&p->lx, WFT_LEX_SEMICOLON))
			continue;	/* "};" and stray ';' */
		if (t != WFT_LEX_ID) {
			aerr(p, "expected an action or a field, found %s",
			     wft_lex_type_name(t));
			return false;
		}
		if (is_field_stmt(p)) {
			if (!parse_field_stmt(p, in_ct, out))
				return false;
		} else if (!parse_named(p, NULL, in_ct, out)) {
			return false;
		}
		if (!aexpect(p, WFT_LEX_SEMICOLON))
			return false;
	}
}

int wft_lflow_actions_parse(const char *s, struct wft_lacts *out, char *err,
			    size_t errlen)
{
	struct aparser p = { .err = err, .errlen = errlen };

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	wft_lexer_init(&p.lx, s);
	if (!parse_list(&p, false, false, out) && !p.failed)
		aerr(&p, "bad actions");
	if (!p.failed && p.lx.tok.type != WFT_LEX_END)
		aerr(&p, "unexpected %s", wft_lex_type_name(p.lx.tok.type));
	if (p.lx.tok.type == WFT_LEX_ERROR && !p.failed)
		aerr(&p, "bad token");
	return p.failed ? -EINVAL : 0;
}

void wft_lacts_free(struct wft_lacts *acts)
{
	size_t i, j;

	for (i = 0; i < acts->n; i++) {
		struct wft_lact *a = &acts->a[i];

		free(a->port);
		for (j = 0; j < a->n_args; j++)
			arg_free(&a->args[j]);
		free(a->args);
		if (a->nested) {
			wft_lacts_free(a->nested);
			free(a->nested);
		}
	}
	free(acts->a);
	memset(acts, 0, sizeof(*acts));
}

int wft_lact_arg_addr_set(const struct wft_lact_arg *g, int family,
			  uint8_t *out, size_t cap)
{
	size_t len = family == AF_INET ? 4 : 16, n = 0;
	char buf[512], *tok, *save = NULL;

	if (g->kind != WFT_LARG_SET || !g->text ||
	    strlen(g->text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, g->text);
	for (tok = strtok_r(buf, "{}, ", &save); tok;
	     tok = strtok_r(NULL, "{}, ", &save)) {
		if (n + len > cap || inet_pton(family, tok, out + n) != 1)
			return -EINVAL;
		n += len;
	}
	return n ? (int)n : -EINVAL;
}
