// SPDX-License-Identifier: GPL-2.0
/*
 * Pipeline rules on their own (include/weft/pipeline.h): references,
 * statistics, lists, and the questions a filter asks of a rule. The tables
 * that hold them are in pipeline.c.
 */
#include <stdlib.h>
#include <string.h>

#include "weft/pipeline.h"
#include "weft/util.h"

void wft_rule_ref(struct wft_rule *rule)
{
	atomic_fetch_add_explicit(&rule->refcnt, 1, memory_order_relaxed);
}

void wft_rule_unref(struct wft_rule *rule)
{
	if (!rule)
		return;
	/* Release/acquire: whoever frees sees every write made under the
	 * references that went before. */
	if (atomic_fetch_sub_explicit(&rule->refcnt, 1,
				      memory_order_acq_rel) == 1) {
		wft_ofpacts_uninit(&rule->actions);
		free(rule->conjs);
		wft_cls_rule_destroy(&rule->cr);
		free(rule);
	}
}

void wft_rule_credit(struct wft_rule *rule, uint64_t packets, uint64_t bytes,
		     long long used_ms)
{
	long long old;

	if (!(rule->flags & WFT_RULE_NO_PKT_COUNTS))
		atomic_fetch_add_explicit(&rule->n_packets, packets,
					  memory_order_relaxed);
	if (!(rule->flags & WFT_RULE_NO_BYT_COUNTS))
		atomic_fetch_add_explicit(&rule->n_bytes, bytes,
					  memory_order_relaxed);
	old = atomic_load_explicit(&rule->used_ms, memory_order_relaxed);
	while (used_ms > old &&
	       !atomic_compare_exchange_weak_explicit(&rule->used_ms, &old,
						      used_ms,
						      memory_order_relaxed,
						      memory_order_relaxed))
		;
}

#define TCP_FIN	0x001
#define TCP_RST	0x004

void wft_rule_note_tcp_flags(struct wft_rule *rule, uint16_t tcp_flags)
{
	uint32_t fin;

	if (!(tcp_flags & (TCP_FIN | TCP_RST)))
		return;
	fin = atomic_load_explicit(&rule->fin_timeouts, memory_order_relaxed);
	if (fin)
		atomic_store_explicit(&rule->fin_applied, fin,
				      memory_order_relaxed);
}

/* OVS's rule: @max (0: none) caps @timeout (0: none). */
static uint16_t reduce(uint16_t max, uint16_t timeout)
{
	return max && (!timeout || timeout > max) ? max : timeout;
}

void wft_rule_timeouts(const struct wft_rule *rule, uint16_t *idle,
		       uint16_t *hard)
{
	uint32_t fin = atomic_load_explicit(&rule->fin_applied,
					    memory_order_relaxed);

	*idle = reduce((uint16_t)(fin >> 16), rule->idle_timeout);
	*hard = reduce((uint16_t)fin, rule->hard_timeout);
}

uint32_t wft_ofpacts_fin_timeouts(const struct wft_ofpacts *acts)
{
	uint32_t fin = 0, nested;
	size_t i;

	for (i = 0; i < acts->n; i++) {
		const struct wft_ofpact *a = &acts->acts[i];

		if (a->type == WFT_OFPACT_FIN_TIMEOUT) {
			fin = (uint32_t)a->fin.idle << 16 | a->fin.hard;
		} else if (a->type == WFT_OFPACT_CLONE) {
			nested = wft_ofpacts_fin_timeouts(a->clone.actions);
			if (nested)
				fin = nested;
		}
	}
	return fin;
}

static bool acts_output_to(const struct wft_ofpacts *acts, uint32_t port)
{
	size_t i;

	for (i = 0; i < acts->n; i++) {
		const struct wft_ofpact *a = &acts->acts[i];

		switch (a->type) {
		case WFT_OFPACT_OUTPUT:
			if (a->output.port == port)
				return true;
			break;
		case WFT_OFPACT_CONTROLLER:
			if (port == WFT_OFPP_CONTROLLER)
				return true;
			break;
		case WFT_OFPACT_CLONE:
			if (acts_output_to(a->clone.actions, port))
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

bool wft_rule_outputs_to(const struct wft_rule *rule, uint32_t port)
{
	return port == WFT_OFPP_ANY || acts_output_to(&rule->actions, port);
}

void wft_rule_list_init(struct wft_rule_list *list)
{
	memset(list, 0, sizeof(*list));
}

void wft_rule_list_push(struct wft_rule_list *list, struct wft_rule *rule)
{
	if (list->n == list->allocated) {
		list->allocated = list->allocated ? list->allocated * 2 : 8;
		list->rules = wft_xrealloc(list->rules, list->allocated *
					   sizeof(*list->rules));
	}
	wft_rule_ref(rule);
	list->rules[list->n++] = rule;
}

void wft_rule_list_destroy(struct wft_rule_list *list)
{
	size_t i;

	for (i = 0; i < list->n; i++)
		wft_rule_unref(list->rules[i]);
	free(list->rules);
	wft_rule_list_init(list);
}
