/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pipeline: up to 255 tables of OpenFlow-style rules (a match, a
 * priority, a cookie, timeouts, flags and an action list each), edited with
 * OpenFlow's flow_mod semantics and read by xlate.
 *
 * Locking: one reader-writer lock per pipeline (writer-preferring, so a
 * stream of translations cannot starve rule updates). Every function here
 * that changes rules takes the write lock itself; readers (xlate, dumps)
 * take the read lock around everything they do with rules, and
 * wft_pipeline_lookup() must be called with it held. A lookup never
 * allocates, so handler threads only ever contend on the lock itself.
 * A classic RCU/versioned scheme would let lookups run during updates; the
 * lock is simpler and updates are rare next to lookups.
 *
 * Lifetime: a rule is reference counted. The pipeline holds one reference
 * while the rule is in a table; whoever keeps a rule pointer beyond the read
 * lock (xlate's list of rules hit, for statistics; lists of removed rules)
 * holds another and drops it with wft_rule_unref(). A removed rule's
 * actions stay valid until its last reference goes; statistics may still be
 * credited to it harmlessly.
 *
 * Every change bumps the pipeline's version, so the revalidator knows when
 * installed datapath flows must be translated again.
 */
#ifndef WEFT_PIPELINE_H
#define WEFT_PIPELINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/cls.h"
#include "weft/flow.h"
#include "weft/group.h"
#include "weft/ofpact.h"

#ifndef WFT_TABLE_ALL
#define WFT_TABLE_ALL	0xff	/* every table (modify, delete, dump) */
#endif

/* Rule flags, with their OpenFlow 1.3 values. */
enum {
	WFT_RULE_SEND_FLOW_REM	= 1 << 0,
	WFT_RULE_CHECK_OVERLAP	= 1 << 1,	/* add only: refuse overlaps */
	WFT_RULE_RESET_COUNTS	= 1 << 2,	/* add/modify: zero counters */
	WFT_RULE_NO_PKT_COUNTS	= 1 << 3,
	WFT_RULE_NO_BYT_COUNTS	= 1 << 4,
};

/* Why a rule left the pipeline (OpenFlow's flow_removed reasons). */
enum wft_rule_removed {
	WFT_RULE_IN_TABLE = -1,
	WFT_RULE_IDLE_TIMEOUT = 0,
	WFT_RULE_HARD_TIMEOUT = 1,
	WFT_RULE_DELETED = 2,
};

struct wft_rule {
	struct wft_cls_rule cr;		/* match, mask, priority */
	uint8_t table_id;
	uint64_t cookie;		/* host order */
	uint16_t idle_timeout;		/* seconds; 0: none */
	uint16_t hard_timeout;		/* seconds, from the last modify */
	/* Its fin_timeout action's idle << 16 | hard (0: none), set with
	 * the actions; and the same once a FIN or RST was credited, when
	 * the timeouts in force are the smaller (wft_rule_timeouts()). A
	 * modify keeps the shrunk ones, an add starts afresh, as OVS. */
	_Atomic uint32_t fin_timeouts;
	_Atomic uint32_t fin_applied;
	uint16_t flags;			/* WFT_RULE_* */
	struct wft_ofpacts actions;	/* changed only under the write lock */
	long long created_ms;		/* monotonic milliseconds */
	long long modified_ms;
	_Atomic long long used_ms;	/* last hit credited */
	_Atomic uint64_t n_packets;
	_Atomic uint64_t n_bytes;
	uint64_t seq;			/* insertion order, for stable dumps */
	enum wft_rule_removed removed;
	bool learned;			/* added by a learn action */

	/* Private to the pipeline. */
	struct wft_cls_conj *conjs;	/* cr's clauses, from the actions */
	_Atomic unsigned int refcnt;
	struct wft_rule *exp_prev, *exp_next;	/* rules with timeouts */
};

static inline int wft_rule_priority(const struct wft_rule *r)
{
	return r->cr.priority;
}

void wft_rule_ref(struct wft_rule *rule);
void wft_rule_unref(struct wft_rule *rule);
/* Adds datapath statistics (the revalidator's deltas) to @rule. */
void wft_rule_credit(struct wft_rule *rule, uint64_t packets, uint64_t bytes,
		     long long used_ms);
/* OVS's fin_timeout: when @tcp_flags (of packets credited to @rule)
 * hold FIN or RST and @rule has a fin_timeout action, its timeouts
 * shrink to that action's from now on. */
void wft_rule_note_tcp_flags(struct wft_rule *rule, uint16_t tcp_flags);
/* The idle and hard timeouts in force: the rule's, or its fin_timeout
 * action's where those are smaller (0 is no timeout) and a FIN or RST
 * was seen. */
void wft_rule_timeouts(const struct wft_rule *rule, uint16_t *idle,
		       uint16_t *hard);
/* @acts' fin_timeout action (the last one, in clones too) as
 * idle << 16 | hard, 0 if none. */
uint32_t wft_ofpacts_fin_timeouts(const struct wft_ofpacts *acts);
/* Whether @rule's actions send packets to @port (OUTPUT, CONTROLLER for
 * WFT_OFPP_CONTROLLER, inside clone too); WFT_OFPP_ANY: always. */
bool wft_rule_outputs_to(const struct wft_rule *rule, uint32_t port);

/* A growable list of rules, each holding a reference. */
struct wft_rule_list {
	struct wft_rule **rules;
	size_t n, allocated;
};

void wft_rule_list_init(struct wft_rule_list *list);
/* Takes a reference on @rule. */
void wft_rule_list_push(struct wft_rule_list *list, struct wft_rule *rule);
/* Drops every reference and frees the array. */
void wft_rule_list_destroy(struct wft_rule_list *list);

/* OpenFlow flow_mod commands. */
enum wft_fm_command {
	WFT_FM_ADD,
	WFT_FM_MODIFY,
	WFT_FM_MODIFY_STRICT,
	WFT_FM_DELETE,
	WFT_FM_DELETE_STRICT,
};

#define WFT_COOKIE_KEEP	UINT64_MAX	/* modify: leave cookies alone */

struct wft_flow_mod {
	enum wft_fm_command command;
	uint8_t table_id;	/* WFT_TABLE_ALL: table 0 for add, every
				 * table for modify/delete */
	int priority;		/* 0..65535; strict commands and add */
	struct wft_flow match;
	struct wft_flow_wc wc;
	/* add: the new rule's cookie; modify/delete: rules whose cookie
	 * agrees with it under cookie_mask. */
	uint64_t cookie;
	uint64_t cookie_mask;
	uint64_t new_cookie;	/* modify: set on every rule, or KEEP */
	uint16_t idle_timeout;	/* add */
	uint16_t hard_timeout;	/* add */
	uint16_t flags;		/* add; RESET_COUNTS also for modify */
	uint32_t out_port;	/* delete: WFT_OFPP_ANY, or rules that
				 * output to this port only */
	const struct wft_ofpacts *actions;	/* add, modify: copied */
};

/* A flow_mod for @command: table 0 for add and every table otherwise,
 * priority 32768, match-all, no cookie filter, no out_port filter, no
 * actions (drop). */
void wft_flow_mod_init(struct wft_flow_mod *fm, enum wft_fm_command command);

struct wft_pipeline;

struct wft_pipeline *wft_pipeline_create(void);
/* Drops the pipeline's references on its rules and frees it. */
void wft_pipeline_destroy(struct wft_pipeline *p);

/*
 * Applies @fm at time @now_ms, with OpenFlow's semantics:
 *  - ADD: a rule with the same table, match and priority has its actions,
 *    cookie, timeouts and flags replaced in place, counters kept unless
 *    RESET_COUNTS; with CHECK_OVERLAP a rule of the same priority that
 *    some packet could match as well refuses the add (-EEXIST);
 *  - MODIFY(_STRICT): every rule the filter selects (loose: its match lies
 *    within @fm's; strict: same match and priority) gets @fm's actions (and
 *    new_cookie unless KEEP); when none is selected and no cookie filter
 *    is given, the rule is added, as OVS does;
 *  - DELETE(_STRICT): the selected rules, also filtered by out_port.
 * Removed rules are appended to @removed when it is not NULL (with
 * ->removed set), for flow_removed messages. *@n_rules (may be NULL) gets
 * the number of rules added, modified or deleted. Returns 0, -EINVAL (bad
 * table or priority) or -EEXIST (overlap).
 */
int wft_pipeline_flow_mod(struct wft_pipeline *p, const struct wft_flow_mod *fm,
			  long long now_ms, struct wft_rule_list *removed,
			  size_t *n_rules);

/*
 * What a learn action does with the rule it made (an ADD, @fm->table_id
 * a real table): the rule with the same table, match and priority is
 * refreshed (its idle and hard timeouts start again) when its cookie,
 * timeouts, flags and actions are already @fm's, without a version bump,
 * so that traffic that keeps learning the same thing costs no
 * revalidation; otherwise @fm is applied as an ADD and the rule is
 * marked learned. Returns true when the rules changed.
 *
 * delete_learned: whenever a learn(...,delete_learned,table=T,cookie=C)
 * leaves the pipeline (its rule deleted or expired, or its actions
 * replaced) and no rule left holds such a learn for the same T and C,
 * every rule of table T with cookie C is deleted with it (OVS's
 * semantics, which key learned rules by table and cookie, not by who
 * learned them).
 */
bool wft_pipeline_learn(struct wft_pipeline *p, const struct wft_flow_mod *fm,
			long long now_ms);

/* Shorthand for an ADD of @actions. */
int wft_pipeline_add(struct wft_pipeline *p, uint8_t table, int priority,
		     const struct wft_flow *match, const struct wft_flow_wc *wc,
		     const struct wft_ofpacts *actions, long long now_ms);

/*
 * Appends to @out the rules a DELETE (or DELETE_STRICT) @fm would select,
 * sorted by table, then decreasing priority, then age; @fm NULL: every rule.
 */
void wft_pipeline_dump(struct wft_pipeline *p, const struct wft_flow_mod *fm,
		       struct wft_rule_list *out);

/*
 * Removes the rules whose hard timeout (since their last modification) or
 * idle timeout (since their last use) has passed at @now_ms, appends them
 * to @expired (->removed says which) and returns how many.
 */
size_t wft_pipeline_expire(struct wft_pipeline *p, long long now_ms,
			   struct wft_rule_list *expired);

struct wft_table_stats {
	size_t n_rules;
	uint64_t n_lookups;
	uint64_t n_matches;
};

void wft_pipeline_table_stats(struct wft_pipeline *p, uint8_t table,
			      struct wft_table_stats *stats);
/* Rules in every table. */
size_t wft_pipeline_n_rules(struct wft_pipeline *p);
/* Of those, the ones a learn action added (and nothing replaced since):
 * a controller that owns the other rules (OVN) leaves them alone. */
size_t wft_pipeline_n_learned(struct wft_pipeline *p);

/* Bumped by every change to any rule (actions, cookies, membership). */
uint64_t wft_pipeline_version(const struct wft_pipeline *p);

/* The read side (see Locking above). */
void wft_pipeline_read_lock(struct wft_pipeline *p);
void wft_pipeline_read_unlock(struct wft_pipeline *p);

/*
 * The rule of table @table that @flow hits, ORing into @wc (may be NULL)
 * every bit of @flow the lookup read; NULL on a miss. Counts the lookup and
 * the match in the table's statistics. Call with the read lock held; the
 * rule is valid until it is released.
 */
struct wft_rule *wft_pipeline_lookup(struct wft_pipeline *p, uint8_t table,
				     const struct wft_flow *flow,
				     struct wft_flow_wc *wc);

/*
 * Groups (include/weft/group.h) live beside the rules, under the same
 * lock, and a change to one bumps the version as a rule change does.
 * Like rules, they are the controller's: weftd does not keep them across
 * a restart. wft_pipeline_group_mod() applies @cmd to @g (copied): ADD
 * fails with -EEXIST if the id is taken, MODIFY replaces the buckets and
 * fails with -ENOENT if there is no such group, DELETE removes the group
 * (WFT_GROUP_ALL: every group; a missing one is no error). Rules that
 * name a group that does not exist are kept; group:N then drops.
 */
int wft_pipeline_group_mod(struct wft_pipeline *p,
			   enum wft_group_command cmd,
			   const struct wft_group *g);
/* Group @id, or NULL; call with the read lock held. */
const struct wft_group *wft_pipeline_group_lookup(struct wft_pipeline *p,
						  uint32_t id);
/* Copies of every group, by id (free each with wft_group_uninit()). */
struct wft_group *wft_pipeline_groups_dump(struct wft_pipeline *p, size_t *n);

#endif /* WEFT_PIPELINE_H */
