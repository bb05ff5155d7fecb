// SPDX-License-Identifier: GPL-2.0
/*
 * Disjunctive normal form for the match compiler (expr_dnf.h).
 */
#include <stdlib.h>
#include <string.h>

#include "expr_dnf.h"
#include "weft/util.h"

void dnf_false(struct expr_dnf *d)
{
	d->conjs = NULL;
	d->n = 0;
	d->overflow = false;
}

void dnf_true(struct expr_dnf *d)
{
	d->conjs = wft_xcalloc(1, sizeof(*d->conjs));
	d->n = 1;
	d->overflow = false;
}

void dnf_term(struct expr_dnf *d, enum wft_field_id field, wft_u128 value,
	      wft_u128 mask)
{
	struct expr_term t = { field, value & mask, mask };

	dnf_true(d);
	conj_add(&d->conjs[0], &t);
}

void dnf_free(struct expr_dnf *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->conjs[i].terms);
	free(d->conjs);
	dnf_false(d);
}

void conj_copy(struct expr_conj *dst, const struct expr_conj *src)
{
	dst->n = src->n;
	dst->terms = NULL;
	if (src->n) {
		dst->terms = wft_xmalloc(src->n * sizeof(*src->terms));
		memcpy(dst->terms, src->terms, src->n * sizeof(*src->terms));
	}
}

void dnf_copy(struct expr_dnf *dst, const struct expr_dnf *src)
{
	size_t i;

	dst->n = src->n;
	dst->overflow = src->overflow;
	dst->conjs = src->n ? wft_xcalloc(src->n, sizeof(*src->conjs)) : NULL;
	for (i = 0; i < src->n; i++)
		conj_copy(&dst->conjs[i], &src->conjs[i]);
}

bool conj_add(struct expr_conj *c, const struct expr_term *t)
{
	size_t i;

	if (!t->mask)
		return true;
	for (i = 0; i < c->n; i++) {
		struct expr_term *u = &c->terms[i];

		if (u->field != t->field)
			continue;
		if ((u->value ^ t->value) & u->mask & t->mask)
			return false;
		u->value |= t->value;
		u->mask |= t->mask;
		return true;
	}
	/* Keep terms sorted by field, so equal conjunctions compare equal. */
	c->terms = wft_xrealloc(c->terms, (c->n + 1) * sizeof(*c->terms));
	for (i = c->n; i > 0 && c->terms[i - 1].field > t->field; i--)
		c->terms[i] = c->terms[i - 1];
	c->terms[i] = *t;
	c->n++;
	return true;
}

void dnf_or(struct expr_dnf *a, struct expr_dnf *b)
{
	bool overflow = a->overflow || b->overflow;

	if (b->n && a->n + b->n > EXPR_MAX_CONJS) {
		dnf_free(a);
		dnf_free(b);
		a->overflow = true;
		return;
	}
	a->overflow = overflow;
	if (b->n) {
		a->conjs = wft_xrealloc(a->conjs,
					(a->n + b->n) * sizeof(*a->conjs));
		memcpy(a->conjs + a->n, b->conjs, b->n * sizeof(*b->conjs));
		a->n += b->n;
	}
	free(b->conjs);
	dnf_false(b);
}

void dnf_and(struct expr_dnf *a, const struct expr_dnf *b)
{
	struct expr_dnf r;
	size_t i, j, k;

	if (a->overflow || b->overflow ||
	    (b->n && a->n > EXPR_MAX_CONJS / b->n)) {
		dnf_free(a);
		a->overflow = true;
		return;
	}
	dnf_false(&r);
	if (a->n && b->n)
		r.conjs = wft_xcalloc(a->n * b->n, sizeof(*r.conjs));
	for (i = 0; i < a->n; i++) {
		for (j = 0; j < b->n; j++) {
			struct expr_conj c;
			bool ok = true;

			conj_copy(&c, &a->conjs[i]);
			for (k = 0; ok && k < b->conjs[j].n; k++)
				ok = conj_add(&c, &b->conjs[j].terms[k]);
			if (ok)
				r.conjs[r.n++] = c;
			else
				free(c.terms);
		}
	}
	dnf_free(a);
	*a = r;
	if (!a->n) {
		free(a->conjs);
		a->conjs = NULL;
	}
}

bool conj_equal(const struct expr_conj *a, const struct expr_conj *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	/* Field by field: a term has padding, memcmp() would read it. */
	for (i = 0; i < a->n; i++)
		if (a->terms[i].field != b->terms[i].field ||
		    a->terms[i].value != b->terms[i].value ||
		    a->terms[i].mask != b->terms[i].mask)
			return false;
	return true;
}

/* Whether every packet @b matches also matches @a (a's terms are all
 * implied by b's). */
static bool conj_implies(const struct expr_conj *b, const struct expr_conj *a)
{
	size_t i, j;

	for (i = 0; i < a->n; i++) {
		const struct expr_term *t = &a->terms[i];
		bool found = false;

		for (j = 0; j < b->n && !found; j++) {
			const struct expr_term *u = &b->terms[j];

			found = u->field == t->field &&
				(t->mask & ~u->mask) == 0 &&
				((u->value ^ t->value) & t->mask) == 0;
		}
		if (!found)
			return false;
	}
	return true;
}

void dnf_simplify(struct expr_dnf *d)
{
	size_t i, j, n = 0;

	/* Quadratic: past this, leave the (correct) redundancy alone. */
	if (d->n > 4096)
		return;

	for (i = 0; i < d->n; i++) {
		bool redundant = false;

		for (j = 0; j < d->n && !redundant; j++) {
			if (i == j || d->conjs[j].n == (size_t)-1)
				continue;
			if (!conj_implies(&d->conjs[i], &d->conjs[j]))
				continue;
			/* i is covered by j; of two equal ones keep the first. */
			redundant = !conj_equal(&d->conjs[i], &d->conjs[j]) ||
				    j < i;
		}
		if (redundant) {
			free(d->conjs[i].terms);
			d->conjs[i].terms = NULL;
			d->conjs[i].n = (size_t)-1;
		}
	}
	for (i = 0; i < d->n; i++)
		if (d->conjs[i].n != (size_t)-1)
			d->conjs[n++] = d->conjs[i];
	d->n = n;
}
