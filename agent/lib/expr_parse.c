// SPDX-License-Identifier: GPL-2.0
/*
 * The match compiler (include/weft/expr.h): a recursive-descent parser that
 * builds the disjunctive normal form as it goes.
 *
 * Negation never survives parsing: "!" flips a flag passed down, which
 * turns || into && (De Morgan), == into !=, < into >=, and so on; a
 * predicate or a parenthesized expression is parsed under the flag, while
 * prerequisites are always parsed without it (OVN: "!tcp.dst == 80" still
 * requires tcp). "f != c" with a mask of k bits is the OR of k one-bit
 * terms, each requiring that bit to differ; a relational operator is a
 * range, split into aligned power-of-two blocks (value/mask prefixes).
 *
 * The operands of an && are collected flat (a parenthesized && without ||
 * joins its parent's operands), so that a top-level match such as
 *   reg0[7] == 1 && (inport == @pg && ip4.dst == $as && tcp.dst == {..})
 * sees its sets side by side and can turn them into a conjunctive match
 * when their cross product exceeds the threshold.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr_dnf.h"
#include "weft/util.h"

#define MAX_DEPTH 16
#define MAX_EXPAND_BITS_HINT 8	/* expr_match.c's MAX_EXPAND_BITS */

struct parser {
	struct wft_lexer lx;
	const struct wft_expr_env *env;
	char *err;
	size_t errlen;
	bool failed;
	int depth;
};

/* One operand of an &&: its DNF, and for a set comparison ("f == {..}")
 * the prerequisites kept apart (d is then one single-field term per
 * element), so that sets can become conjunction dimensions. */
struct operand {
	struct expr_dnf d;
	struct expr_dnf pre;
	bool is_set;
};

struct oplist {
	struct operand *ops;
	size_t n;
};

/* A field reference: the symbol with its subscript applied. */
struct field_ref {
	const struct wft_expr_symbol *sym;
	unsigned int ofs;
	unsigned int width;
};

struct value {
	wft_u128 value;
	wft_u128 mask;
};

struct values {
	struct value *v;
	size_t n;
	bool masked;		/* some element had a mask */
};

static void perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	wft_lexer_verror(&p->lx, p->err, p->errlen, fmt, ap);
	va_end(ap);
}

static bool expect(struct parser *p, enum wft_lex_type type)
{
	if (wft_lexer_match(&p->lx, type))
		return true;
	perr(p, "expected %s, found %s", wft_lex_type_name(type),
	     wft_lex_type_name(p->lx.tok.type));
	return false;
}

static void parse_or(struct parser *p, bool neg, struct oplist *into,
		     struct expr_dnf *out);

/* Parses @s (a predicate or prerequisite) with the same environment. */
static void parse_text(struct parser *p, const char *s, bool neg,
		       struct expr_dnf *out)
{
	struct parser sub = { .env = p->env, .err = p->err,
			      .errlen = p->errlen, .depth = p->depth + 1 };

	dnf_false(out);
	if (p->failed)
		return;
	if (sub.depth > MAX_DEPTH) {
		perr(p, "expansion of \"%s\" nests too deep", s);
		return;
	}
	wft_lexer_init(&sub.lx, s);
	parse_or(&sub, neg, NULL, out);
	if (!sub.failed && sub.lx.tok.type != WFT_LEX_END)
		perr(&sub, "trailing input");
	if (sub.failed) {
		p->failed = true;
		dnf_free(out);
	}
}

/*
 * A symbol's expansion (either polarity) or prerequisites: fixed texts
 * that name no port or set, so their DNF is the same in every compile.
 * Parsed once and copied after: "ip4" or tcp.dst's "tcp" were parsed
 * again for every row that used them, a quarter of a first compile.
 */
enum { SYM_EXPANSION, SYM_EXPANSION_NEG, SYM_PREREQS, SYM_N_TEXTS };

static struct {
	bool done;
	struct expr_dnf d;
} *sym_dnfs;
static pthread_mutex_t sym_dnfs_lock = PTHREAD_MUTEX_INITIALIZER;

static void parse_sym_text(struct parser *p,
			   const struct wft_expr_symbol *sym, int which,
			   struct expr_dnf *out)
{
	size_t n, i = wft_expr_symbol_index(sym) * SYM_N_TEXTS + which;
	const char *s = which == SYM_PREREQS ? sym->prereqs : sym->expansion;
	bool hit;

	pthread_mutex_lock(&sym_dnfs_lock);
	if (!sym_dnfs) {
		wft_expr_symbols(&n);
		sym_dnfs = wft_xcalloc(n * SYM_N_TEXTS, sizeof(*sym_dnfs));
	}
	hit = sym_dnfs[i].done;
	if (hit)
		dnf_copy(out, &sym_dnfs[i].d);
	pthread_mutex_unlock(&sym_dnfs_lock);
	if (hit || p->failed) {
		if (!hit)
			dnf_false(out);
		return;
	}
	/* Parsed outside the lock: an expansion names other symbols. */
	parse_text(p, s, which == SYM_EXPANSION_NEG, out);
	if (p->failed)
		return;
	pthread_mutex_lock(&sym_dnfs_lock);
	if (!sym_dnfs[i].done) {
		dnf_copy(&sym_dnfs[i].d, out);
		sym_dnfs[i].done = true;
	}
	pthread_mutex_unlock(&sym_dnfs_lock);
}

/* ---- operands --------------------------------------------------------- */

static void operand_fold(struct operand *op, struct expr_dnf *out)
{
	dnf_and(&op->d, &op->pre);
	dnf_free(&op->pre);
	*out = op->d;
	dnf_false(&op->d);
}

static void oplist_free(struct oplist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		dnf_free(&l->ops[i].d);
		dnf_free(&l->ops[i].pre);
	}
	free(l->ops);
	l->ops = NULL;
	l->n = 0;
}

static void oplist_add(struct oplist *l, struct expr_dnf *d,
		       struct expr_dnf *pre, bool is_set)
{
	struct operand *op;

	l->ops = wft_xrealloc(l->ops, (l->n + 1) * sizeof(*l->ops));
	op = &l->ops[l->n++];
	op->d = *d;
	if (pre)
		op->pre = *pre;
	else
		dnf_true(&op->pre);
	op->is_set = is_set;
	dnf_false(d);
	if (pre)
		dnf_false(pre);
}

/* ---- constants -------------------------------------------------------- */

static void values_add(struct values *vs, wft_u128 v, wft_u128 m)
{
	vs->v = wft_xrealloc(vs->v, (vs->n + 1) * sizeof(*vs->v));
	vs->v[vs->n].value = v & m;
	vs->v[vs->n].mask = m;
	vs->n++;
}

/* Checks an integer token against @f and adds it. */
static bool add_int(struct parser *p, const struct field_ref *f,
		    const struct wft_lex_token *t, struct values *vs)
{
	wft_u128 w = wft_u128_low_bits(f->width);

	if (f->sym->kind == WFT_SYM_STRING) {
		perr(p, "%s takes a port name in quotes, not an integer",
		     f->sym->name);
		return false;
	}
	if (t->value & ~w) {
		perr(p, "constant does not fit %s (%u bits)", f->sym->name,
		     f->width);
		return false;
	}
	if (t->masked)
		vs->masked = true;
	values_add(vs, t->value, t->mask & w);
	return true;
}

static bool add_port(struct parser *p, const struct field_ref *f,
		     const char *name, struct values *vs)
{
	uint32_t key;

	if (f->sym->kind != WFT_SYM_STRING) {
		perr(p, "%s is a %u-bit field, not a string", f->sym->name,
		     f->width);
		return false;
	}
	/* An unknown port (not on this chassis) makes no element. */
	if (p->env && p->env->port_key && !p->env->port_key(p->env->aux, name,
							     &key))
		values_add(vs, key, wft_u128_low_bits(f->width));
	return true;
}

static bool add_addr_set(struct parser *p, const struct field_ref *f,
			 const char *name, struct values *vs)
{
	const char *const *elems = NULL;
	size_t i, n = 0;

	if (p->env && p->env->addr_set)
		elems = p->env->addr_set(p->env->aux, name, &n);
	if (!elems) {
		perr(p, "unknown address set $%s", name);
		return false;
	}
	for (i = 0; i < n; i++) {
		struct wft_lexer sub;

		wft_lexer_init(&sub, elems[i]);
		if (sub.tok.type != WFT_LEX_INT ||
		    wft_lexer_next(&sub) != WFT_LEX_END) {
			perr(p, "address set $%s: bad element \"%s\"", name,
			     elems[i]);
			return false;
		}
		wft_lexer_init(&sub, elems[i]);
		if (!add_int(p, f, &sub.tok, vs))
			return false;
	}
	return true;
}

static bool add_port_group(struct parser *p, const struct field_ref *f,
			   const char *name, struct values *vs)
{
	const char *const *names = NULL;
	size_t i, n = 0;

	if (p->env && p->env->port_group)
		names = p->env->port_group(p->env->aux, name, &n);
	if (!names) {
		perr(p, "unknown port group @%s", name);
		return false;
	}
	for (i = 0; i < n; i++)
		if (!add_port(p, f, names[i], vs))
			return false;
	return true;
}

static bool parse_value(struct parser *p, const struct field_ref *f,
			struct values *vs)
{
	struct wft_lex_token *t = &p->lx.tok;
	bool ok;

	switch (t->type) {
	case WFT_LEX_INT:
		ok = add_int(p, f, t, vs);
		break;
	case WFT_LEX_STRING:
		ok = add_port(p, f, t->text, vs);
		break;
	case WFT_LEX_ADDR_SET:
		ok = add_addr_set(p, f, t->text, vs);
		break;
	case WFT_LEX_PORT_GROUP:
		ok = add_port_group(p, f, t->text, vs);
		break;
	default:
		perr(p, "expected a constant for %s, found %s", f->sym->name,
		     wft_lex_type_name(t->type));
		return false;
	}
	if (ok)
		wft_lexer_next(&p->lx);
	return ok;
}

/* A constant, or a set "{a, b, $as}" of them. */
static bool parse_values(struct parser *p, const struct field_ref *f,
			 struct values *vs, bool *is_set)
{
	*is_set = false;
	if (!wft_lexer_match(&p->lx, WFT_LEX_LCURLY)) {
		*is_set = p->lx.tok.type == WFT_LEX_ADDR_SET ||
			  p->lx.tok.type == WFT_LEX_PORT_GROUP;
		return parse_value(p, f, vs);
	}
	*is_set = true;
	do {
		if (p->lx.tok.type == WFT_LEX_RCURLY)
			break;
		if (!parse_value(p, f, vs))
			return false;
	} while (wft_lexer_match(&p->lx, WFT_LEX_COMMA));
	return expect(p, WFT_LEX_RCURLY);
}

/* ---- comparisons ------------------------------------------------------ */

static void cmp_eq(const struct field_ref *f, wft_u128 v, wft_u128 m,
		   struct expr_dnf *out)
{
	dnf_term(out, f->sym->field, v << f->ofs, m << f->ofs);
}

/* f != v/m: some bit of m differs. */
static void cmp_ne(const struct field_ref *f, wft_u128 v, wft_u128 m,
		   struct expr_dnf *out)
{
	unsigned int b;

	dnf_false(out);
	for (b = 0; b < f->width; b++) {
		wft_u128 bit = (wft_u128)1 << b;
		struct expr_dnf t;

		if (!(m & bit))
			continue;
		cmp_eq(f, ~v & bit, bit, &t);
		dnf_or(out, &t);
	}
}

/* lo <= f <= hi, as aligned blocks. */
static void cmp_range(const struct field_ref *f, wft_u128 lo, wft_u128 hi,
		      struct expr_dnf *out)
{
	wft_u128 w = wft_u128_low_bits(f->width);

	dnf_false(out);
	while (lo <= hi) {
		unsigned int k = 0;
		struct expr_dnf t;

		/* The largest block 2^k aligned at lo that ends by hi. */
		while (k < f->width && !(lo & ((wft_u128)1 << k)) &&
		       lo + wft_u128_low_bits(k + 1) <= hi &&
		       lo + wft_u128_low_bits(k + 1) >= lo)
			k++;
		cmp_eq(f, lo, w & ~wft_u128_low_bits(k), &t);
		dnf_or(out, &t);
		if (lo + wft_u128_low_bits(k) >= hi)
			break;
		lo += wft_u128_low_bits(k) + 1;
	}
}

static enum wft_lex_type negate_op(enum wft_lex_type op)
{
	switch (op) {
	case WFT_LEX_EQ: return WFT_LEX_NE;
	case WFT_LEX_NE: return WFT_LEX_EQ;
	case WFT_LEX_LT: return WFT_LEX_GE;
	case WFT_LEX_GE: return WFT_LEX_LT;
	case WFT_LEX_GT: return WFT_LEX_LE;
	default: return WFT_LEX_GT;	/* LE */
	}
}

static bool is_relop(enum wft_lex_type t)
{
	return t == WFT_LEX_EQ || t == WFT_LEX_NE || t == WFT_LEX_LT ||
	       t == WFT_LEX_LE || t == WFT_LEX_GT || t == WFT_LEX_GE;
}

/* f OP values, without prerequisites. */
static bool build_cmp(struct parser *p, const struct field_ref *f,
		      enum wft_lex_type op, const struct values *vs,
		      struct expr_dnf *out)
{
	wft_u128 w = wft_u128_low_bits(f->width), c;
	size_t i;

	if (op == WFT_LEX_EQ || op == WFT_LEX_NE) {
		if (op == WFT_LEX_EQ)
			dnf_false(out);
		else
			dnf_true(out);
		for (i = 0; i < vs->n; i++) {
			struct expr_dnf t;

			if (op == WFT_LEX_EQ) {
				cmp_eq(f, vs->v[i].value, vs->v[i].mask, &t);
				dnf_or(out, &t);
			} else {
				cmp_ne(f, vs->v[i].value, vs->v[i].mask, &t);
				dnf_and(out, &t);
				dnf_free(&t);
			}
		}
		return true;
	}
	if (vs->n != 1 || vs->masked) {
		perr(p, "%s: relational operators take one unmasked constant",
		     f->sym->name);
		return false;
	}
	c = vs->v[0].value;
	dnf_false(out);
	switch (op) {
	case WFT_LEX_LT:
		if (c)
			cmp_range(f, 0, c - 1, out);
		break;
	case WFT_LEX_LE:
		cmp_range(f, 0, c, out);
		break;
	case WFT_LEX_GT:
		if (c < w)
			cmp_range(f, c + 1, w, out);
		break;
	default:
		cmp_range(f, c, w, out);
		break;
	}
	return true;
}

/* "[a..b]" or "[a]" after a field. */
static bool parse_subscript(struct parser *p, struct field_ref *f)
{
	unsigned int a, b;

	if (!wft_lexer_match(&p->lx, WFT_LEX_LSQUARE))
		return true;
	if (f->sym->kind != WFT_SYM_FIELD) {
		perr(p, "%s cannot be subscripted", f->sym->name);
		return false;
	}
	if (p->lx.tok.type != WFT_LEX_INT ||
	    p->lx.tok.format != WFT_LEX_DECIMAL) {
		perr(p, "expected a bit index");
		return false;
	}
	a = b = p->lx.tok.value > 255 ? 255 : (unsigned int)p->lx.tok.value;
	wft_lexer_next(&p->lx);
	if (wft_lexer_match(&p->lx, WFT_LEX_ELLIPSIS)) {
		if (p->lx.tok.type != WFT_LEX_INT) {
			perr(p, "expected a bit index");
			return false;
		}
		b = p->lx.tok.value > 255 ? 255 : (unsigned int)p->lx.tok.value;
		wft_lexer_next(&p->lx);
	}
	if (a > b || b >= f->width) {
		perr(p, "bits %u..%u are outside %s (%u bits)", a, b,
		     f->sym->name, f->width);
		return false;
	}
	f->ofs += a;
	f->width = b - a + 1;
	return expect(p, WFT_LEX_RSQUARE);
}

/* A field comparison, a bare 1-bit field, or a predicate. */
static void parse_field(struct parser *p, bool neg, struct oplist *ops)
{
	const struct wft_expr_symbol *sym = wft_expr_symbol_find(p->lx.tok.text);
	struct expr_dnf d, pre;
	struct field_ref f;
	struct values vs = { 0 };
	enum wft_lex_type op;
	bool is_set = false;

	if (!sym) {
		perr(p, "unknown field %s", p->lx.tok.text);
		return;
	}
	if (sym->kind == WFT_SYM_OVN) {
		perr(p, "%s can be set by actions, not matched", sym->name);
		return;
	}
	wft_lexer_next(&p->lx);
	if (sym->kind == WFT_SYM_PREDICATE) {
		if (p->lx.tok.type == WFT_LEX_LSQUARE || is_relop(p->lx.tok.type)) {
			perr(p, "%s is a predicate, not a field", sym->name);
			return;
		}
		parse_sym_text(p, sym, neg ? SYM_EXPANSION_NEG :
			       SYM_EXPANSION, &d);
		if (!p->failed)
			oplist_add(ops, &d, NULL, false);
		return;
	}
	f.sym = sym;
	f.ofs = sym->ofs;
	f.width = sym->width;
	if (!parse_subscript(p, &f))
		return;
	if (is_relop(p->lx.tok.type)) {
		op = p->lx.tok.type;
		wft_lexer_next(&p->lx);
		if (!parse_values(p, &f, &vs, &is_set))
			goto out;
		if (sym->kind == WFT_SYM_STRING && op != WFT_LEX_EQ &&
		    op != WFT_LEX_NE) {
			perr(p, "%s takes only == and !=", sym->name);
			goto out;
		}
	} else {
		if (f.width != 1 || sym->kind != WFT_SYM_FIELD) {
			perr(p, "%s is %u bits wide: compare it with a value",
			     sym->name, f.width);
			return;
		}
		op = WFT_LEX_EQ;
		values_add(&vs, 1, 1);
	}
	if (neg)
		op = negate_op(op);
	if (!build_cmp(p, &f, op, &vs, &d))
		goto out;
	if (sym->prereqs)
		parse_sym_text(p, sym, SYM_PREREQS, &pre);
	else
		dnf_true(&pre);
	if (p->failed) {
		dnf_free(&d);
		goto out;
	}
	is_set = is_set && op == WFT_LEX_EQ && d.n > 1;
	if (is_set) {
		oplist_add(ops, &d, &pre, true);
	} else {
		dnf_and(&d, &pre);
		dnf_free(&pre);
		oplist_add(ops, &d, NULL, false);
	}
out:
	free(vs.v);
}

static void parse_function(struct parser *p, bool neg, struct oplist *ops)
{
	struct expr_dnf d;
	bool resident = false;

	if (!wft_lexer_is_id(&p->lx, "is_chassis_resident")) {
		perr(p, "unknown function %s", p->lx.tok.text);
		return;
	}
	wft_lexer_next(&p->lx);
	wft_lexer_next(&p->lx);		/* ( */
	if (p->lx.tok.type != WFT_LEX_STRING) {
		perr(p, "is_chassis_resident takes a port name in quotes");
		return;
	}
	if (p->env && p->env->is_chassis_resident)
		resident = p->env->is_chassis_resident(p->env->aux,
						       p->lx.tok.text);
	wft_lexer_next(&p->lx);
	if (!expect(p, WFT_LEX_RPAREN))
		return;
	if (resident != neg)
		dnf_true(&d);
	else
		dnf_false(&d);
	oplist_add(ops, &d, NULL, false);
}

static void parse_primary(struct parser *p, bool neg, struct oplist *ops)
{
	struct wft_lex_token *t = &p->lx.tok;
	struct expr_dnf d;

	if (wft_lexer_match(&p->lx, WFT_LEX_NOT)) {
		parse_primary(p, !neg, ops);
		return;
	}
	if (wft_lexer_match(&p->lx, WFT_LEX_LPAREN)) {
		parse_or(p, neg, ops, &d);
		if (d.n == (size_t)-1) {	/* flattened into @ops */
			expect(p, WFT_LEX_RPAREN);
			return;
		}
		if (!p->failed && expect(p, WFT_LEX_RPAREN))
			oplist_add(ops, &d, NULL, false);
		else
			dnf_free(&d);
		return;
	}
	if (t->type == WFT_LEX_INT && t->format == WFT_LEX_DECIMAL &&
	    t->value <= 1) {
		if ((t->value == 1) != neg)
			dnf_true(&d);
		else
			dnf_false(&d);
		wft_lexer_next(&p->lx);
		oplist_add(ops, &d, NULL, false);
		return;
	}
	if (t->type != WFT_LEX_ID) {
		perr(p, "expected a field, a predicate or '(', found %s",
		     wft_lex_type_name(t->type));
		return;
	}
	/* A function call: the identifier is followed by '('. */
	{
		struct wft_lexer peek = p->lx;

		if (wft_lexer_next(&peek) == WFT_LEX_LPAREN) {
			parse_function(p, neg, ops);
			return;
		}
	}
	parse_field(p, neg, ops);
}

/* ---- && and || -------------------------------------------------------- */

/* Folds @l into one DNF: the && of every operand. */
static void oplist_fold_and(struct oplist *l, struct expr_dnf *out)
{
	size_t i;

	dnf_true(out);
	for (i = 0; i < l->n; i++) {
		struct expr_dnf d;

		operand_fold(&l->ops[i], &d);
		dnf_and(out, &d);
		dnf_free(&d);
	}
	oplist_free(l);
}

/* Folds @l into one DNF: the || of every operand (a negated &&). */
static void oplist_fold_or(struct oplist *l, struct expr_dnf *out)
{
	size_t i;

	dnf_false(out);
	for (i = 0; i < l->n; i++) {
		struct expr_dnf d;

		operand_fold(&l->ops[i], &d);
		dnf_or(out, &d);
	}
	oplist_free(l);
}

/* An && chain (an || chain when negated), its operands into @ops. */
static void parse_and(struct parser *p, bool neg, struct oplist *ops)
{
	do {
		parse_primary(p, neg, ops);
	} while (!p->failed && wft_lexer_match(&p->lx, WFT_LEX_AND));
}

/*
 * An || chain (an && chain of negated operands when @neg). Without || and
 * not negated, the operands of its one && chain go flat into @into when
 * it is not NULL, and @out is set to n == (size_t)-1 ("flattened");
 * otherwise the result is one DNF in @out.
 */
static void parse_or(struct parser *p, bool neg, struct oplist *into,
		     struct expr_dnf *out)
{
	struct oplist l = { 0 };
	bool first = true;

	if (neg)
		dnf_true(out);
	else
		dnf_false(out);
	do {
		struct expr_dnf d;

		parse_and(p, neg, &l);
		if (p->failed)
			break;
		if (first && into && !neg && p->lx.tok.type != WFT_LEX_OR) {
			size_t i;

			for (i = 0; i < l.n; i++)
				oplist_add(into, &l.ops[i].d, &l.ops[i].pre,
					   l.ops[i].is_set);
			free(l.ops);
			dnf_free(out);
			out->n = (size_t)-1;
			return;
		}
		first = false;
		if (neg) {
			/* !(a && b) = !a || !b; !(x || y) = !x && !y. */
			oplist_fold_or(&l, &d);
			dnf_and(out, &d);
			dnf_free(&d);
		} else {
			oplist_fold_and(&l, &d);
			dnf_or(out, &d);
		}
	} while (wft_lexer_match(&p->lx, WFT_LEX_OR));
	oplist_free(&l);
	if (p->failed)
		dnf_free(out);
}

/* ---- the top level ---------------------------------------------------- */

static int emit_dnf(struct expr_dnf *d, struct wft_expr_matches *out)
{
	int error;
	size_t i;

	if (d->overflow)
		return -E2BIG;
	error = expr_dnf_expand_exact(d);
	if (error)
		return error;
	dnf_simplify(d);
	for (i = 0; i < d->n && !error; i++)
		error = expr_matches_add(out, &d->conjs[i], 0, 0, 0);
	return error;
}

/*
 * The top-level && chain @l: a cross product, or OVN's conjunctive match
 * when two or more of its operands are sets whose product is over the
 * threshold. Then the base (every other operand, and the sets'
 * prerequisites) is in every clause, and each set is one dimension.
 */
static int emit_top(struct oplist *l, unsigned int threshold,
		    struct wft_expr_matches *out)
{
	struct expr_dnf base, d;
	size_t i, j, k, n_sets = 0, product = 1;
	int error = 0;

	for (i = 0; i < l->n; i++) {
		if (!l->ops[i].is_set || l->ops[i].d.n < 2)
			continue;
		n_sets++;
		if (product <= threshold)
			product *= l->ops[i].d.n;
	}
	if (n_sets < 2 || n_sets > 255 || product <= threshold) {
		oplist_fold_and(l, &d);
		error = emit_dnf(&d, out);
		dnf_free(&d);
		return error;
	}
	dnf_true(&base);
	for (i = 0; i < l->n; i++) {
		struct operand *op = &l->ops[i];

		if (op->is_set && op->d.n >= 2) {
			dnf_and(&base, &op->pre);
			continue;
		}
		operand_fold(op, &d);
		dnf_and(&base, &d);
		dnf_free(&d);
	}
	if (base.overflow)
		error = -E2BIG;
	dnf_simplify(&base);
	for (i = 0; i < base.n && !error; i++) {
		unsigned int dim = 0;

		for (j = 0; j < l->n; j++) {
			struct operand *op = &l->ops[j];

			if (!op->is_set || op->d.n < 2)
				continue;
			dim++;
			for (k = 0; k < op->d.n; k++) {
				struct expr_conj c;
				bool ok = true;
				size_t t;

				conj_copy(&c, &base.conjs[i]);
				for (t = 0; ok && t < op->d.conjs[k].n; t++)
					ok = conj_add(&c, &op->d.conjs[k].terms[t]);
				if (ok && !error)
					error = expr_matches_add(out, &c, 1, dim,
								 n_sets);
				free(c.terms);
			}
		}
	}
	if (base.n && !error)
		error = expr_matches_add(out, NULL, 1, 0, 0);
	dnf_free(&base);
	oplist_free(l);
	return error;
}

int wft_expr_compile(const char *s, const struct wft_expr_env *env,
		     struct wft_expr_matches *out, char *err, size_t errlen)
{
	struct parser p = { .env = env, .err = err, .errlen = errlen };
	struct oplist l = { 0 };
	struct expr_dnf d;
	int error;

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	wft_lexer_init(&p.lx, s);
	parse_or(&p, false, &l, &d);
	if (!p.failed && p.lx.tok.type != WFT_LEX_END)
		perr(&p, "expected '&&', '||' or the end, found %s",
		     wft_lex_type_name(p.lx.tok.type));
	if (p.failed) {
		oplist_free(&l);
		if (d.n != (size_t)-1)
			dnf_free(&d);
		return -EINVAL;
	}
	if (d.n == (size_t)-1) {
		error = emit_top(&l, env && env->conj_threshold ?
				 env->conj_threshold : WFT_EXPR_CONJ_THRESHOLD,
				 out);
	} else {
		error = emit_dnf(&d, out);
		dnf_free(&d);
	}
	if (error) {
		snprintf(err, errlen, "too complex: it would need more than "
			 "%d matches (a cross product, or a partial mask on a "
			 "field weft matches only exactly, over 2^%d values)",
			 EXPR_MAX_CONJS, MAX_EXPAND_BITS_HINT);
		wft_expr_matches_uninit(out);
		return -EINVAL;
	}
	return 0;
}
