/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One SB Logical_Flow row compiled into weft pipeline rules: the match
 * (include/weft/expr.h) with the datapath's key in metadata, the actions
 * parsed and translated (include/weft/lflow_actions.h), the table where
 * ovn-controller puts it (ingress N: 8 + N, egress N: 42 + N), its
 * priority, and the first 32 bits of its UUID as the cookie, as
 * ovn-controller does. As in OVN, the prerequisites of the fields the
 * actions use join the match ("ip4.src = X" makes the rule IPv4 only).
 *
 * A row weft cannot compile (a syntax error, an action not supported yet)
 * is skipped: counted, and logged once with its UUID (however often the
 * row is compiled again), never a crash. A row whose match can never
 * match compiles to no rules, as in OVN.
 *
 * Sets whose cross product exceeds the env's conj_threshold become
 * OVN's conjunctive match: one rule per set element with
 * conjunction(id, k/n) as its only actions (an element shared by two
 * conjunctions gets both), and one conj_id=id rule with the row's
 * actions. A row needing more than WFT_LFLOW_MAX_RULES rules is skipped.
 *
 * Conjunction ids: a row's are BASE + 1 .. BASE + WFT_LFLOW_MAX_CONJ_IDS,
 * where BASE is what the env's conj_id_base() gives for the row's UUID.
 * Rows that share a table and priority must not share ids, so a caller
 * compiling many rows gives each its own base (a multiple of 256, from a
 * counter, kept while the row lives). Without the callback BASE is the
 * low 24 bits of the row's cookie times 256: unique enough for tests and
 * a handful of rows, not for a whole SB.
 */
#ifndef WEFT_LFLOW_H
#define WEFT_LFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/expr.h"
#include "weft/ofp_flow.h"

#define WFT_LFLOW_MAX_RULES 4096
#define WFT_LFLOW_MAX_CONJ_IDS 255

struct wft_lflow {
	const char *uuid;		/* the row's UUID, as text */
	uint32_t dp_key;		/* its datapath's tunnel key */
	bool is_switch;			/* a logical switch's (or router's) */
	bool egress;			/* pipeline "egress" */
	uint8_t table;			/* table_id */
	uint16_t priority;
	const char *match;
	const char *actions;
};

/* What was skipped, and which rows were already logged. */
struct wft_lflow_stats {
	unsigned long n_compiled;
	unsigned long n_skipped;
	char **logged;			/* UUIDs, to log each once */
	size_t n_logged;
};

void wft_lflow_stats_uninit(struct wft_lflow_stats *st);

/*
 * Compiles @lf into *@rules (*@n_rules of them, ADD flow_mods; free them
 * with wft_lflow_rules_free()). Returns 0, or a negative errno when the
 * row is skipped (then *@rules is NULL), with the reason in @err.
 */
int wft_lflow_compile(const struct wft_lflow *lf,
		      const struct wft_expr_env *env,
		      struct wft_lflow_stats *st, struct wft_ofp_flow **rules,
		      size_t *n_rules, char *err, size_t errlen);
void wft_lflow_rules_free(struct wft_ofp_flow *rules, size_t n);

#endif /* WEFT_LFLOW_H */
