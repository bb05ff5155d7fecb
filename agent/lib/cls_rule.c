// SPDX-License-Identifier: GPL-2.0
/*
 * A classifier rule's match, kept compactly (struct cls_rule_match in
 * cls_private.h): a rule holds only the words of struct wft_flow its mask
 * covers, a handful out of CLS_N_WORDS for a typical rule, instead of a
 * whole flow and a whole mask. Here: building it, expanding it back for
 * the readers that want whole structures, and comparing it.
 */
#include <string.h>

#include "cls_private.h"

static void clear_pads(struct wft_flow_wc *m)
{
	m->masks.pad0 = 0;
	m->masks.pad1 = 0;
	m->masks.pad2 = 0;
	m->masks.pad3 = 0;
}

void wft_cls_rule_init(struct wft_cls_rule *rule, const struct wft_flow *match,
		       const struct wft_flow_wc *mask, int priority, void *aux)
{
	struct wft_flow_wc m = *mask;
	const cls_word *mw = cls_words(&m.masks), *fw = cls_words(match);
	struct cls_rule_match *cm;
	uint32_t *mo, *vo;
	uint8_t *io;
	uint32_t n = 0, i = 0;
	int w;

	clear_pads(&m);
	for (w = 0; w < CLS_N_WORDS; w++)
		n += mw[w] != 0;
	cm = wft_cls_xzalloc(cls_rm_size(n));
	cm->n = n;
	mo = cm->w;
	vo = cm->w + n;
	io = (uint8_t *)(cm->w + 2 * n);
	for (w = 0; w < CLS_N_WORDS; w++) {
		if (!mw[w])
			continue;
		mo[i] = mw[w];
		vo[i] = fw[w] & mw[w];
		io[i++] = (uint8_t)w;
	}
	memset(rule, 0, sizeof(*rule));
	rule->cm = cm;
	rule->priority = priority;
	rule->aux = aux;
}

void wft_cls_rule_destroy(struct wft_cls_rule *rule)
{
	free(rule->cm);
	rule->cm = NULL;
}

void wft_cls_rule_get_match(const struct wft_cls_rule *rule,
			    struct wft_flow *match, struct wft_flow_wc *mask)
{
	const struct cls_rule_match *cm = rule->cm;
	const uint8_t *idx = cls_rm_idx(cm);
	uint32_t i;

	if (match) {
		const uint32_t *v = cls_rm_values(cm);
		cls_word *f = (cls_word *)match;

		memset(match, 0, sizeof(*match));
		for (i = 0; i < cm->n; i++)
			f[idx[i]] = v[i];
	}
	if (mask) {
		const uint32_t *k = cls_rm_mask(cm);
		cls_word *m = (cls_word *)&mask->masks;

		memset(mask, 0, sizeof(*mask));
		for (i = 0; i < cm->n; i++)
			m[idx[i]] = k[i];
	}
}

bool wft_cls_rule_match_equal(const struct wft_cls_rule *rule,
			      const struct wft_flow *match,
			      const struct wft_flow_wc *mask)
{
	const struct cls_rule_match *cm = rule->cm;
	const uint32_t *k = cls_rm_mask(cm), *v = cls_rm_values(cm);
	const uint8_t *idx = cls_rm_idx(cm);
	struct wft_flow_wc m = *mask;
	const cls_word *mw = cls_words(&m.masks), *fw = cls_words(match);
	uint32_t i = 0;
	int w;

	clear_pads(&m);
	for (w = 0; w < CLS_N_WORDS; w++) {
		if (!mw[w])
			continue;
		if (i == cm->n || idx[i] != w || k[i] != mw[w] ||
		    v[i] != (fw[w] & mw[w]))
			return false;
		i++;
	}
	return i == cm->n;
}

bool wft_cls_rules_match_equal(const struct wft_cls_rule *a,
			       const struct wft_cls_rule *b)
{
	return a->cm->n == b->cm->n &&
	       !memcmp(a->cm->w, b->cm->w, cls_rm_size(a->cm->n) -
		       sizeof(struct cls_rule_match));
}

bool wft_cls_rules_overlap(const struct wft_cls_rule *a,
			   const struct wft_cls_rule *b)
{
	const struct cls_rule_match *x = a->cm, *y = b->cm;
	const uint8_t *xi = cls_rm_idx(x), *yi = cls_rm_idx(y);
	const uint32_t *xm = cls_rm_mask(x), *ym = cls_rm_mask(y);
	const uint32_t *xv = cls_rm_values(x), *yv = cls_rm_values(y);
	uint32_t i = 0, j = 0;

	/* Only words both masks cover can disagree. */
	while (i < x->n && j < y->n) {
		if (xi[i] < yi[j]) {
			i++;
		} else if (xi[i] > yi[j]) {
			j++;
		} else {
			if ((xv[i] ^ yv[j]) & xm[i] & ym[j])
				return false;
			i++;
			j++;
		}
	}
	return true;
}

bool wft_cls_rule_matches(const struct wft_cls_rule *rule,
			  const struct wft_flow *flow)
{
	const struct cls_rule_match *cm = rule->cm;
	const uint32_t *k = cls_rm_mask(cm), *v = cls_rm_values(cm);
	const uint8_t *idx = cls_rm_idx(cm);
	const cls_word *f = cls_words(flow);
	uint32_t i;

	for (i = 0; i < cm->n; i++)
		if ((f[idx[i]] & k[i]) != v[i])
			return false;
	return true;
}

bool wft_cls_rule_within(const struct wft_cls_rule *rule,
			 const struct wft_flow *match,
			 const struct wft_flow_wc *mask)
{
	const struct cls_rule_match *cm = rule->cm;
	const uint32_t *v = cls_rm_values(cm);
	const uint8_t *idx = cls_rm_idx(cm);
	const cls_word *f = cls_words(match), *m = cls_words(&mask->masks);
	uint32_t i;

	for (i = 0; i < cm->n; i++)
		if ((v[i] ^ f[idx[i]]) & m[idx[i]])
			return false;
	return true;
}
