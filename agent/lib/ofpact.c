// SPDX-License-Identifier: GPL-2.0
/*
 * Action lists (include/weft/ofpact.h). A list owns what its actions point
 * to (controller userdata, note bytes, a clone's or a ct's nested list),
 * so copying and comparing are deep.
 */
#include <stdlib.h>
#include <string.h>

#include "weft/ofpact.h"
#include "weft/util.h"

void wft_ofpacts_init(struct wft_ofpacts *list)
{
	list->acts = NULL;
	list->n = 0;
	list->allocated = 0;
}

struct wft_ofpact *wft_ofpacts_put(struct wft_ofpacts *list,
				   enum wft_ofpact_type type)
{
	struct wft_ofpact *a;

	if (list->n == list->allocated) {
		list->allocated = list->allocated ? list->allocated * 2 : 4;
		list->acts = wft_xrealloc(list->acts,
					  list->allocated * sizeof(*a));
	}
	a = &list->acts[list->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

/* Makes @a own copies of what it points to (it was copied bytewise). */
static void deep_copy(struct wft_ofpact *a)
{
	struct wft_ofpacts *nested;

	switch (a->type) {
	case WFT_OFPACT_CONTROLLER:
		if (a->controller.userdata)
			a->controller.userdata = wft_xmemdup(
				a->controller.userdata,
				a->controller.userdata_len);
		break;
	case WFT_OFPACT_NOTE:
		if (a->note.data)
			a->note.data = wft_xmemdup(a->note.data, a->note.len);
		break;
	case WFT_OFPACT_CLONE:
		nested = wft_xmalloc(sizeof(*nested));
		wft_ofpacts_clone(nested, a->clone.actions);
		a->clone.actions = nested;
		break;
	case WFT_OFPACT_LEARN:
		a->learn.l = wft_xmemdup(a->learn.l, wft_ofpact_learn_size(
						 a->learn.l->n_specs));
		break;
	case WFT_OFPACT_CT:
		nested = wft_xmalloc(sizeof(*nested));
		if (a->ct.actions)
			wft_ofpacts_clone(nested, a->ct.actions);
		else
			wft_ofpacts_init(nested);
		a->ct.actions = nested;
		break;
	default:
		break;
	}
}

void wft_ofpacts_clone(struct wft_ofpacts *dst, const struct wft_ofpacts *src)
{
	size_t i;

	wft_ofpacts_init(dst);
	if (!src->n)
		return;
	dst->acts = wft_xmalloc(src->n * sizeof(*dst->acts));
	memcpy(dst->acts, src->acts, src->n * sizeof(*dst->acts));
	dst->n = dst->allocated = src->n;
	for (i = 0; i < dst->n; i++)
		deep_copy(&dst->acts[i]);
}

void wft_ofpacts_uninit(struct wft_ofpacts *list)
{
	size_t i;

	for (i = 0; i < list->n; i++) {
		struct wft_ofpact *a = &list->acts[i];

		switch (a->type) {
		case WFT_OFPACT_CONTROLLER:
			free(a->controller.userdata);
			break;
		case WFT_OFPACT_NOTE:
			free(a->note.data);
			break;
		case WFT_OFPACT_LEARN:
			free(a->learn.l);
			break;
		case WFT_OFPACT_CLONE:
			if (a->clone.actions) {
				wft_ofpacts_uninit(a->clone.actions);
				free(a->clone.actions);
			}
			break;
		case WFT_OFPACT_CT:
			if (a->ct.actions) {
				wft_ofpacts_uninit(a->ct.actions);
				free(a->ct.actions);
			}
			break;
		default:
			break;
		}
	}
	free(list->acts);
	wft_ofpacts_init(list);
}

static bool subfield_equal(const struct wft_subfield *a,
			   const struct wft_subfield *b)
{
	return a->field == b->field && a->ofs == b->ofs &&
	       a->n_bits == b->n_bits;
}

static bool bytes_equal(const uint8_t *a, size_t alen, const uint8_t *b,
			size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

static bool set_equal(const struct wft_ofpact *a, const struct wft_ofpact *b)
{
	size_t n = a->set.dst.field ? a->set.dst.field->n_bytes : 0;

	return subfield_equal(&a->set.dst, &b->set.dst) &&
	       !memcmp(a->set.value, b->set.value, n) &&
	       !memcmp(a->set.mask, b->set.mask, n);
}

static bool controller_equal(const struct wft_ofpact *a,
			     const struct wft_ofpact *b)
{
	return a->controller.max_len == b->controller.max_len &&
	       a->controller.reason == b->controller.reason &&
	       a->controller.controller_id == b->controller.controller_id &&
	       a->controller.pause == b->controller.pause &&
	       bytes_equal(a->controller.userdata, a->controller.userdata_len,
			   b->controller.userdata, b->controller.userdata_len);
}

static bool lists_equal(const struct wft_ofpacts *a,
			const struct wft_ofpacts *b)
{
	static const struct wft_ofpacts empty;

	return wft_ofpacts_equal(a ? a : &empty, b ? b : &empty);
}

static bool ct_equal(const struct wft_ofpact *a, const struct wft_ofpact *b)
{
	return a->ct.flags == b->ct.flags && a->ct.zone == b->ct.zone &&
	       subfield_equal(&a->ct.zone_src, &b->ct.zone_src) &&
	       a->ct.table == b->ct.table && a->ct.alg == b->ct.alg &&
	       lists_equal(a->ct.actions, b->ct.actions);
}

static bool nat_equal(const struct wft_ofpact *a, const struct wft_ofpact *b)
{
	return a->nat.flags == b->nat.flags && a->nat.af == b->nat.af &&
	       !memcmp(a->nat.ip_min, b->nat.ip_min, 16) &&
	       !memcmp(a->nat.ip_max, b->nat.ip_max, 16) &&
	       a->nat.port_min == b->nat.port_min &&
	       a->nat.port_max == b->nat.port_max;
}

static bool learn_spec_equal(const struct wft_learn_spec *a,
			     const struct wft_learn_spec *b)
{
	return a->dst_type == b->dst_type && a->src_imm == b->src_imm &&
	       subfield_equal(&a->src, &b->src) &&
	       subfield_equal(&a->dst, &b->dst) &&
	       !memcmp(a->imm, b->imm, sizeof(a->imm));
}

static bool learn_equal(const struct wft_ofpact_learn *a,
			const struct wft_ofpact_learn *b)
{
	size_t i;

	if (a->table != b->table || a->priority != b->priority ||
	    a->idle_timeout != b->idle_timeout ||
	    a->hard_timeout != b->hard_timeout ||
	    a->fin_idle_timeout != b->fin_idle_timeout ||
	    a->fin_hard_timeout != b->fin_hard_timeout ||
	    a->flags != b->flags || a->cookie != b->cookie ||
	    a->n_specs != b->n_specs)
		return false;
	for (i = 0; i < a->n_specs; i++)
		if (!learn_spec_equal(&a->specs[i], &b->specs[i]))
			return false;
	return true;
}

/* Field by field, never memcmp() of the union: it holds pointers and
 * padding. */
static bool act_equal(const struct wft_ofpact *a, const struct wft_ofpact *b)
{
	if (a->type != b->type || a->spelling != b->spelling)
		return false;
	switch (a->type) {
	case WFT_OFPACT_OUTPUT:
		return a->output.port == b->output.port &&
		       a->output.max_len == b->output.max_len;
	case WFT_OFPACT_OUTPUT_REG:
		return subfield_equal(&a->output_reg.src, &b->output_reg.src) &&
		       a->output_reg.max_len == b->output_reg.max_len;
	case WFT_OFPACT_RESUBMIT:
		return a->resubmit.in_port == b->resubmit.in_port &&
		       a->resubmit.table == b->resubmit.table;
	case WFT_OFPACT_GOTO_TABLE:
		return a->goto_table.table == b->goto_table.table;
	case WFT_OFPACT_SET_FIELD:
	case WFT_OFPACT_LOAD:
		return set_equal(a, b);
	case WFT_OFPACT_MOVE:
		return subfield_equal(&a->move.src, &b->move.src) &&
		       subfield_equal(&a->move.dst, &b->move.dst);
	case WFT_OFPACT_MOD_VLAN_VID:
	case WFT_OFPACT_MOD_VLAN_PCP:
	case WFT_OFPACT_PUSH_VLAN:
		return a->vlan.vid == b->vlan.vid && a->vlan.pcp == b->vlan.pcp &&
		       a->vlan.ethertype == b->vlan.ethertype;
	case WFT_OFPACT_CONTROLLER:
		return controller_equal(a, b);
	case WFT_OFPACT_CLONE:
		return wft_ofpacts_equal(a->clone.actions, b->clone.actions);
	case WFT_OFPACT_NOTE:
		return bytes_equal(a->note.data, a->note.len, b->note.data,
				   b->note.len);
	case WFT_OFPACT_CT:
		return ct_equal(a, b);
	case WFT_OFPACT_NAT:
		return nat_equal(a, b);
	case WFT_OFPACT_CONJUNCTION:
		return a->conj.id == b->conj.id &&
		       a->conj.clause == b->conj.clause &&
		       a->conj.n_clauses == b->conj.n_clauses;
	case WFT_OFPACT_GROUP:
		return a->group.id == b->group.id;
	case WFT_OFPACT_LEARN:
		return learn_equal(a->learn.l, b->learn.l);
	case WFT_OFPACT_STACK_PUSH:
	case WFT_OFPACT_STACK_POP:
		return subfield_equal(&a->stack.sf, &b->stack.sf);
	case WFT_OFPACT_CHECK_PKT_LARGER:
		return a->check_pkt.pkt_len == b->check_pkt.pkt_len &&
		       subfield_equal(&a->check_pkt.dst, &b->check_pkt.dst);
	case WFT_OFPACT_FIN_TIMEOUT:
		return a->fin.idle == b->fin.idle && a->fin.hard == b->fin.hard;
	case WFT_OFPACT_DROP:
	case WFT_OFPACT_STRIP_VLAN:
	case WFT_OFPACT_DEC_TTL:
	case WFT_OFPACT_CT_CLEAR:
		return true;
	}
	return false;
}

bool wft_ofpacts_equal(const struct wft_ofpacts *a,
		       const struct wft_ofpacts *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (!act_equal(&a->acts[i], &b->acts[i]))
			return false;
	return true;
}

bool wft_ofpacts_only_conjunctions(const struct wft_ofpacts *acts)
{
	size_t i;

	for (i = 0; i < acts->n; i++)
		if (acts->acts[i].type != WFT_OFPACT_CONJUNCTION)
			return false;
	return acts->n > 0;
}

void wft_ofpacts_join_conjunctions(struct wft_ofpacts *dst,
				   const struct wft_ofpacts *src)
{
	const struct wft_ofpact *s;
	size_t i, j;

	for (i = 0; i < src->n; i++) {
		s = &src->acts[i];
		for (j = 0; j < dst->n; j++)
			if (dst->acts[j].conj.id == s->conj.id &&
			    dst->acts[j].conj.clause == s->conj.clause)
				break;
		if (j == dst->n)
			wft_ofpacts_put(dst, WFT_OFPACT_CONJUNCTION)->conj =
				s->conj;
	}
}

size_t wft_ofpact_learn_size(size_t n_specs)
{
	return sizeof(struct wft_ofpact_learn) +
	       n_specs * sizeof(struct wft_learn_spec);
}

bool wft_ofpacts_learns_into(const struct wft_ofpacts *acts, uint8_t table,
			     uint64_t cookie)
{
	const struct wft_ofpact *a;
	size_t i;

	for (i = 0; i < acts->n; i++) {
		a = &acts->acts[i];
		if (a->type == WFT_OFPACT_LEARN &&
		    (a->learn.l->flags & WFT_LEARN_F_DELETE_LEARNED) &&
		    a->learn.l->table == table && a->learn.l->cookie == cookie)
			return true;
		if (a->type == WFT_OFPACT_CLONE &&
		    wft_ofpacts_learns_into(a->clone.actions, table, cookie))
			return true;
	}
	return false;
}

bool wft_ofpacts_has_learn(const struct wft_ofpacts *acts)
{
	size_t i;

	for (i = 0; i < acts->n; i++)
		if (acts->acts[i].type == WFT_OFPACT_LEARN ||
		    (acts->acts[i].type == WFT_OFPACT_CLONE &&
		     wft_ofpacts_has_learn(acts->acts[i].clone.actions)))
			return true;
	return false;
}
