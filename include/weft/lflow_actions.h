/* SPDX-License-Identifier: GPL-2.0 */
/*
 * OVN's logical-flow actions (Logical_Flow.actions) parsed into a tree,
 * with their arguments checked: assigned fields writable and of matching
 * width, constants fitting, port fields given port names, ct_mark and
 * ct_label set only inside ct_commit { }, nested blocks for clone, arp,
 * nd_ns, nd_na, nd_na_router, icmp4, icmp4_error, icmp6, icmp6_error,
 * tcp_reset, sctp_abort, reject and ct_commit, and the "dst = fn(...)"
 * forms (lookup_arp, put_dhcp_opts, check_pkt_larger, ...) given a result
 * of the width OVN requires. Every action ovn-northd 23.03 emits is known;
 * an unknown one is an error naming it.
 *
 * Turning the tree into weft pipeline actions is the next step (the
 * simple ones map directly onto load/move/ct/clone/resubmit; the
 * controller-bound ones need weftd's packet-in handlers).
 */
#ifndef WEFT_LFLOW_ACTIONS_H
#define WEFT_LFLOW_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "weft/expr.h"
#include "weft/lex.h"
#include "weft/ofpact.h"
#include "weft/strbuf.h"

enum wft_lact_type {
	WFT_LACT_ASSIGN,	/* dst = src_field | constant | "port" */
	WFT_LACT_EXCHANGE,	/* dst <-> src */
	WFT_LACT_DEC_TTL,	/* ip.ttl-- */
	WFT_LACT_NEXT,		/* next; next(N); next(pipeline=P, table=N) */
	WFT_LACT_OUTPUT,
	WFT_LACT_DROP,		/* "drop;" (an empty list drops too) */
	WFT_LACT_SIMPLE,	/* a keyword without arguments: ct_next,
				 * ct_clear, ct_dnat, ct_lb, ... */
	WFT_LACT_CALL,		/* name(args) or dst = name(args) */
	WFT_LACT_NESTED,	/* name { actions } (ct_commit, clone, ...) */
};

/* A field with its subscript: "reg0[3]" is reg0, ofs 3, width 1. */
struct wft_lact_field {
	const struct wft_expr_symbol *sym;
	unsigned int ofs;		/* from the symbol's lowest bit */
	unsigned int width;
};

enum wft_lact_arg_kind {
	WFT_LARG_FIELD,
	WFT_LARG_INT,			/* value/mask; port != 0 for IP:PORT */
	WFT_LARG_STRING,
	WFT_LARG_WORD,			/* a bare word: "tcp", "ingress" */
	WFT_LARG_SET,			/* {a, b}: elements in the text */
};

struct wft_lact_arg {
	char *key;			/* "backends", "lease_time"; or NULL */
	enum wft_lact_arg_kind kind;
	struct wft_lact_field field;
	wft_u128 value;
	wft_u128 mask;
	bool masked;
	enum wft_lex_format format;
	int port;			/* IP:PORT's port, or -1 */
	char *text;			/* STRING, WORD, SET */
};

/*
 * The addresses of a SET argument ("{a, b}", as text) of @family
 * (AF_INET or AF_INET6), packed into @out: their byte count, or -EINVAL
 * for a bad or missing address or when @cap is too small.
 */
int wft_lact_arg_addr_set(const struct wft_lact_arg *g, int family,
			  uint8_t *out, size_t cap);

struct wft_lacts;

struct wft_lact {
	enum wft_lact_type type;
	const char *name;		/* the keyword; NULL for ASSIGN etc. */
	struct wft_lact_field dst;	/* ASSIGN, EXCHANGE, DEC_TTL, and
					 * CALL with a result (has_dst) */
	bool has_dst;
	/* ASSIGN's source: a field, or a constant, or a port name. */
	bool src_is_field;
	struct wft_lact_field src;
	wft_u128 value;
	wft_u128 mask;
	bool masked;
	enum wft_lex_format format;	/* as written, to print it back */
	char *port;			/* string field's value ("" allowed) */
	/* NEXT */
	int next_table;			/* -1: the next one */
	bool next_egress;		/* pipeline=egress */
	bool next_pipeline_given;
	/* CALL */
	struct wft_lact_arg *args;
	size_t n_args;
	/* NESTED */
	struct wft_lacts *nested;
};

struct wft_lacts {
	struct wft_lact *a;
	size_t n;
};

/* Parses @s into @out (initialized here; free it even on failure).
 * Returns 0, or -EINVAL with a message naming the column and the action
 * or field at fault. */
int wft_lflow_actions_parse(const char *s, struct wft_lacts *out, char *err,
			    size_t errlen);
void wft_lacts_free(struct wft_lacts *acts);

/* The tree as normalized text ("reg0[1] = 1; next;"), for tests and
 * logs: one space after each ';', args as "key = value". */
void wft_lacts_format(const struct wft_lacts *acts, struct wft_strbuf *sb);

/* ---- translation into weft pipeline actions (lflow_ofpacts.c) ------- */

/*
 * The groups compiled rows need (ct_lb's and ct_lb_mark's select groups),
 * kept as ovn-controller keeps its group table: one group id per distinct
 * group text, shared by every row whose actions need that text. The
 * translation calls wft_lflow_groups_assign() and puts group:ID in the
 * actions; the caller (the chassis, for br-int) installs each group of
 * the list it has not installed yet with weft-ofctl's syntax,
 * "group_id=ID," + text, and calls wft_lflow_groups_release() for each
 * group:ID of a row it removes; a group whose count drops to 0 leaves
 * the list and should be deleted. Ids start at 1 and are reused only
 * after release.
 */
struct wft_lflow_group {
	uint32_t id;
	char *text;		/* "type=select,...,bucket=..." */
	unsigned int refs;	/* assignments not released */
};

struct wft_lflow_groups {
	struct wft_lflow_group *g;	/* by increasing id */
	size_t n, allocated;
};

void wft_lflow_groups_init(struct wft_lflow_groups *gs);
void wft_lflow_groups_uninit(struct wft_lflow_groups *gs);
/* The id of the group with @text (a new one if there is none; 0 when
 * every id is taken), one more reference on it. */
uint32_t wft_lflow_groups_assign(struct wft_lflow_groups *gs,
				 const char *text);
/* One reference less on group @id; returns true when it was the last
 * (the group left the list). */
bool wft_lflow_groups_release(struct wft_lflow_groups *gs, uint32_t id);
const struct wft_lflow_group *
wft_lflow_groups_find(const struct wft_lflow_groups *gs, uint32_t id);

/*
 * Where a logical flow sits, as ovn-controller lays the pipelines out in
 * OpenFlow tables (ovn-23.03-facts.md: ingress table N is OF 8 + N,
 * egress table N is OF 42 + N, "output" resubmits to 37 from ingress and
 * to 64 from egress). Switches and routers differ in the conntrack zones
 * their NAT uses (a switch: the port's zone, reg13; a router: its DNAT and
 * SNAT zones, reg11 and reg12).
 */
struct wft_lflow_xlate_ctx {
	/* 0 and the key of logical port @name, or -ENOENT. */
	int (*port_key)(void *aux, const char *name, uint32_t *key);
	void *aux;
	uint8_t ingress_base;		/* 8 */
	uint8_t egress_base;		/* 42 */
	uint8_t ingress_output;		/* 37 */
	uint8_t egress_output;		/* 64 */
	bool egress;			/* the flow's pipeline */
	uint8_t table;			/* the flow's logical table */
	bool is_switch;			/* a logical switch's flow */
	/* The row's cookie (the first 32 bits of its UUID): learn actions
	 * (commit_lb_aff) give it to what they learn. */
	uint64_t cookie;
	/* Where ct_lb's groups go; NULL: ct_lb with backends fails with
	 * -EOPNOTSUPP. */
	struct wft_lflow_groups *groups;
};

/* The defaults above, for @egress/@table/@is_switch. */
void wft_lflow_xlate_ctx_init(struct wft_lflow_xlate_ctx *ctx, bool egress,
			      uint8_t table, bool is_switch);

/*
 * Appends the weft actions for @acts to @out. Supported: next, output,
 * drop, assignments (load, move), exchanges (<->, through the stack as
 * OVN does), ct_lb and ct_lb_mark (a select group per backend list, see
 * struct wft_lflow_groups; without backends ct(table=NEXT,nat)),
 * ip.ttl--, ct_next, ct_commit (with ct_mark/ct_label writes), ct_dnat/ct_snat (and _in_czone) with and without an address,
 * ct_clear, clone. Anything else, including every controller-bound
 * action, returns -EOPNOTSUPP with the action's name in @err, so that the
 * caller skips the flow and counts it.
 */
int wft_lflow_actions_to_ofpacts(const struct wft_lacts *acts,
				 const struct wft_lflow_xlate_ctx *ctx,
				 struct wft_ofpacts *out, char *err,
				 size_t errlen);

#endif /* WEFT_LFLOW_ACTIONS_H */
