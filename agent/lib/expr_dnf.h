/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to expr_*.c: expressions in disjunctive normal form. A term is
 * "these bits of a weft field have these values"; a conjunction holds at
 * most one term per field (merged, so a contradiction is noticed at once);
 * a DNF is an OR of conjunctions: none is false, one empty one is true.
 */
#ifndef WEFT_EXPR_DNF_H
#define WEFT_EXPR_DNF_H

#include <stdbool.h>
#include <stddef.h>

#include "weft/expr.h"

struct expr_term {
	enum wft_field_id field;
	wft_u128 value;			/* within mask */
	wft_u128 mask;
};

struct expr_conj {
	struct expr_term *terms;
	size_t n;
};

struct expr_dnf {
	struct expr_conj *conjs;
	size_t n;
	bool overflow;		/* a cross product went past
				 * EXPR_MAX_CONJS: the expression is too
				 * complex (it then reads as false) */
};

#define EXPR_MAX_CONJS 65536

void dnf_false(struct expr_dnf *d);
void dnf_true(struct expr_dnf *d);
void dnf_term(struct expr_dnf *d, enum wft_field_id field, wft_u128 value,
	      wft_u128 mask);
void dnf_free(struct expr_dnf *d);
void dnf_copy(struct expr_dnf *dst, const struct expr_dnf *src);
/* @a = @a || @b; @b is consumed. */
void dnf_or(struct expr_dnf *a, struct expr_dnf *b);
/* @a = @a && @b (cross product, contradictions dropped); @b is kept. */
void dnf_and(struct expr_dnf *a, const struct expr_dnf *b);
/* Adds @t to @c; false if it contradicts a term already there. */
bool conj_add(struct expr_conj *c, const struct expr_term *t);
void conj_copy(struct expr_conj *dst, const struct expr_conj *src);
bool conj_equal(const struct expr_conj *a, const struct expr_conj *b);
/* Drops duplicate conjunctions and those implied by another (a superset
 * of another's terms matches less, so the other alone suffices). */
void dnf_simplify(struct expr_dnf *d);

/* Appends @c as a weft match, or several when a field weft cannot mask
 * has a partial mask (expr_match.c); -E2BIG if that would be too many. */
int expr_matches_add(struct wft_expr_matches *ms, const struct expr_conj *c,
		      uint32_t conj_id, uint8_t clause, uint8_t n_clauses);

/* Replaces every partial mask on a field weft cannot mask by the exact
 * values it covers (before dnf_simplify(), which then removes the
 * duplicates); -E2BIG if that would be too many. */
int expr_dnf_expand_exact(struct expr_dnf *d);

#endif /* WEFT_EXPR_DNF_H */
