/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OVN's logical-flow match language (Logical_Flow.match) compiled into
 * weft pipeline matches.
 *
 * The symbol table maps OVN's names onto weft fields as ovn-controller maps
 * them onto OpenFlow: reg0..9, xreg0..4 and xxreg0..1 are the same
 * registers, inport = reg14, outport = reg15, flags = reg10 (flags.* its
 * bits), ct.* are ct_state bits, ct_mark.* and ct_label.* bit ranges.
 * Predicates ("ip4", "tcp", "nd_ns") are expressions expanded where used,
 * and every field brings its prerequisites ("tcp.dst" needs "tcp", which
 * needs "ip"), ANDed in next to the comparison that used it (negating the
 * comparison does not negate them, as in OVN).
 *
 * Normalization yields a disjunction of conjunctions of (field, value,
 * mask) terms, one weft match per conjunction. Where the operands of a
 * top-level && include two or more sets ("ip4.src == {..} && tcp.dst ==
 * {..}") whose cross product would exceed the threshold, it yields OVN's
 * conjunctive matches instead: each element of set k matches with
 * conjunction(id, k/n), and one match on conj_id carries the actions.
 */
#ifndef WEFT_EXPR_H
#define WEFT_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/field.h"
#include "weft/flow.h"
#include "weft/lex.h"

/* ---- the symbol table ---------------------------------------------- */

enum wft_expr_sym_kind {
	WFT_SYM_FIELD,		/* bits of a weft field */
	WFT_SYM_STRING,		/* a port name resolved to a key (inport) */
	WFT_SYM_PREDICATE,	/* an expression ("ip4") */
	WFT_SYM_OVN,		/* set by actions only (icmp4.frag_mtu) */
};

struct wft_expr_symbol {
	const char *name;
	enum wft_expr_sym_kind kind;
	enum wft_field_id field;	/* FIELD, STRING */
	unsigned int ofs;		/* lowest bit within the field */
	unsigned int width;		/* bits; STRING: the key's width */
	const char *expansion;		/* PREDICATE */
	const char *prereqs;		/* an expression, or NULL */
	bool writable;			/* actions may assign it */
};

/* The symbol @name, or NULL. */
const struct wft_expr_symbol *wft_expr_symbol_find(const char *name);
/* The table, for tests: @n symbols. */
const struct wft_expr_symbol *wft_expr_symbols(size_t *n);
/* @sym's index in that table. */
size_t wft_expr_symbol_index(const struct wft_expr_symbol *sym);

/* ---- compiling a match --------------------------------------------- */

/* What the caller knows about the world the flows live in. Any callback
 * may be NULL: then every name is unknown (ports), not resident, or an
 * error (sets and groups). */
struct wft_lflow_groups;

struct wft_expr_env {
	/* 0 and the key of logical port @name, or -ENOENT: a comparison
	 * with an unknown port never matches (OVN: the port is not here). */
	int (*port_key)(void *aux, const char *name, uint32_t *key);
	bool (*is_chassis_resident)(void *aux, const char *port);
	/* The elements of address set @name (constants as text), or NULL
	 * if there is no such set. */
	const char *const *(*addr_set)(void *aux, const char *name, size_t *n);
	/* The port names of port group @name, or NULL. */
	const char *const *(*port_group)(void *aux, const char *name,
					 size_t *n);
	void *aux;
	/* Cross products larger than this become conjunctive matches
	 * (0: the default, WFT_EXPR_CONJ_THRESHOLD). */
	unsigned int conj_threshold;
	/* The base of the conjunction ids of the Logical_Flow row @uuid
	 * (lflow.h); NULL: one derived from the UUID. */
	uint32_t (*conj_id_base)(void *aux, const char *uuid);
	/* Where wft_lflow_compile() puts ct_lb's groups (lflow_actions.h);
	 * NULL: rows with ct_lb backends are skipped. */
	struct wft_lflow_groups *lflow_groups;
};

#define WFT_EXPR_CONJ_THRESHOLD 16

struct wft_expr_match {
	struct wft_flow flow;		/* value & mask */
	struct wft_flow_wc wc;
	uint32_t conj_id;		/* 0: a plain match */
	uint8_t clause;			/* conjunction(conj_id, clause/n_clauses) */
	uint8_t n_clauses;		/* 0 with conj_id: matches conj_id, and
					 * carries the flow's actions */
};

struct wft_expr_matches {
	struct wft_expr_match *m;
	size_t n;
	size_t allocated;
};

void wft_expr_matches_uninit(struct wft_expr_matches *ms);

/*
 * Compiles @s into @out (initialized here; uninit it even on failure).
 * Returns 0, with no matches at all when the expression can never match;
 * or -EINVAL with a message in @err: a syntax error with its column, an
 * unknown field, a type mismatch ("ip4.src == \"foo\""), an unknown
 * address set or port group, a constant wider than its field.
 * Conjunction ids start at 1; the caller renumbers them.
 */
int wft_expr_compile(const char *s, const struct wft_expr_env *env,
		     struct wft_expr_matches *out, char *err, size_t errlen);

/* The matches as text, one per line, "ovs-ofctl" style
 * ("tcp,reg15=0x2,tp_dst=22", plus ",conjunction(1,1/2)" or
 * "conj_id=1"); for tests and logs. The caller frees the result. */
char *wft_expr_matches_format(const struct wft_expr_matches *ms);

#endif /* WEFT_EXPR_H */
