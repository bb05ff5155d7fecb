// SPDX-License-Identifier: GPL-2.0
/*
 * The pipeline's tables (include/weft/pipeline.h): flow_mods, dumps,
 * expiry, statistics and the lookup xlate calls.
 *
 * Each table is a classifier whose rules are the struct wft_rule's own
 * embedded wft_cls_rule. Rules with a timeout are also on one list, so
 * that expiry does not walk every rule of every table.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "weft/group.h"
#include "weft/pipeline.h"
#include "weft/util.h"

struct wft_table {
	struct wft_cls *cls;
	_Atomic uint64_t n_lookups;
	_Atomic uint64_t n_matches;
};

struct dl_key {
	uint8_t table;
	uint64_t cookie;
};

struct wft_pipeline {
	pthread_rwlock_t lock;
	struct wft_table tables[WFT_N_TABLES];
	_Atomic uint64_t version;
	uint64_t next_seq;
	size_t n_rules;
	size_t n_learned;		/* rules with ->learned */
	/* (table, cookie) of learn(...,delete_learned) actions that left
	 * with a removed rule or replaced actions: delete_learned's to do. */
	struct dl_key *dl_keys;
	size_t n_dl, dl_allocated;
	struct wft_rule *expirable;	/* rules with a timeout */
	struct wft_group *groups;	/* by increasing group_id */
	size_t n_groups;
};

struct wft_pipeline *wft_pipeline_create(void)
{
	struct wft_pipeline *p = wft_xcalloc(1, sizeof(*p));
	pthread_rwlockattr_t attr;
	int i;

	pthread_rwlockattr_init(&attr);
	/* Writers first: a busy set of handler threads must not hold rule
	 * updates off forever. Readers therefore never nest the lock. */
	pthread_rwlockattr_setkind_np(&attr,
			PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&p->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	for (i = 0; i < WFT_N_TABLES; i++)
		p->tables[i].cls = wft_cls_create();
	return p;
}

void wft_pipeline_destroy(struct wft_pipeline *p)
{
	struct wft_cls_rule **rules;
	size_t i, n;
	int t;

	if (!p)
		return;
	for (t = 0; t < WFT_N_TABLES; t++) {
		rules = wft_cls_collect(p->tables[t].cls, NULL, NULL, &n);
		for (i = 0; i < n; i++) {
			struct wft_rule *r = rules[i]->aux;

			wft_cls_remove(p->tables[t].cls, rules[i]);
			r->removed = WFT_RULE_DELETED;
			wft_rule_unref(r);
		}
		free(rules);
		wft_cls_destroy(p->tables[t].cls);
	}
	for (i = 0; i < p->n_groups; i++)
		wft_group_uninit(&p->groups[i]);
	free(p->groups);
	free(p->dl_keys);
	pthread_rwlock_destroy(&p->lock);
	free(p);
}

void wft_flow_mod_init(struct wft_flow_mod *fm, enum wft_fm_command command)
{
	memset(fm, 0, sizeof(*fm));
	fm->command = command;
	fm->table_id = command == WFT_FM_ADD ? 0 : WFT_TABLE_ALL;
	fm->priority = 32768;
	wft_flow_wc_init_catchall(&fm->wc);
	fm->new_cookie = WFT_COOKIE_KEEP;
	fm->out_port = WFT_OFPP_ANY;
}

static void bump(struct wft_pipeline *p)
{
	atomic_fetch_add_explicit(&p->version, 1, memory_order_release);
}

/* The list of rules with timeouts. */
static void expirable_update(struct wft_pipeline *p, struct wft_rule *r)
{
	bool want = r->idle_timeout || r->hard_timeout ||
		    atomic_load_explicit(&r->fin_timeouts,
					 memory_order_relaxed);
	bool on = r->exp_prev || p->expirable == r;

	if (want == on)
		return;
	if (want) {
		r->exp_prev = NULL;
		r->exp_next = p->expirable;
		if (p->expirable)
			p->expirable->exp_prev = r;
		p->expirable = r;
		return;
	}
	if (r->exp_prev)
		r->exp_prev->exp_next = r->exp_next;
	else
		p->expirable = r->exp_next;
	if (r->exp_next)
		r->exp_next->exp_prev = r->exp_prev;
	r->exp_prev = r->exp_next = NULL;
}

/* Notes the learn(...,delete_learned) actions of @acts, which are
 * leaving the pipeline, for delete_learned(). */
static void dl_collect(struct wft_pipeline *p, const struct wft_ofpacts *acts)
{
	const struct wft_ofpact *a;
	size_t i;

	for (i = 0; i < acts->n; i++) {
		a = &acts->acts[i];
		if (a->type == WFT_OFPACT_CLONE) {
			dl_collect(p, a->clone.actions);
			continue;
		}
		if (a->type != WFT_OFPACT_LEARN ||
		    !(a->learn.l->flags & WFT_LEARN_F_DELETE_LEARNED))
			continue;
		if (p->n_dl == p->dl_allocated) {
			p->dl_allocated = p->dl_allocated ?
					  2 * p->dl_allocated : 4;
			p->dl_keys = wft_xrealloc(p->dl_keys, p->dl_allocated *
						  sizeof(*p->dl_keys));
		}
		p->dl_keys[p->n_dl].table = a->learn.l->table;
		p->dl_keys[p->n_dl++].cookie = a->learn.l->cookie;
	}
}

/* Takes @r out of its table; its reference moves to @removed or goes. */
static void rule_remove(struct wft_pipeline *p, struct wft_rule *r,
			enum wft_rule_removed why,
			struct wft_rule_list *removed)
{
	wft_cls_remove(p->tables[r->table_id].cls, &r->cr);
	r->idle_timeout = r->hard_timeout = 0;
	atomic_store_explicit(&r->fin_timeouts, 0, memory_order_relaxed);
	atomic_store_explicit(&r->fin_applied, 0, memory_order_relaxed);
	expirable_update(p, r);
	r->removed = why;
	p->n_rules--;
	if (r->learned)
		p->n_learned--;
	dl_collect(p, &r->actions);
	if (removed)
		wft_rule_list_push(removed, r);
	wft_rule_unref(r);
}

static void zero_counters(struct wft_rule *r)
{
	atomic_store_explicit(&r->n_packets, 0, memory_order_relaxed);
	atomic_store_explicit(&r->n_bytes, 0, memory_order_relaxed);
}

/* The conjunction actions of @r as the classifier's clauses: a rule
 * that has them is a soft rule of its table (cls.h). */
static void set_conjs(struct wft_pipeline *p, struct wft_rule *r)
{
	struct wft_cls_conj *conjs = NULL;
	size_t i, n = 0;

	for (i = 0; i < r->actions.n; i++)
		n += r->actions.acts[i].type == WFT_OFPACT_CONJUNCTION;
	if (n) {
		conjs = wft_xcalloc(n, sizeof(*conjs));
		for (i = n = 0; i < r->actions.n; i++) {
			const struct wft_ofpact *a = &r->actions.acts[i];

			if (a->type != WFT_OFPACT_CONJUNCTION)
				continue;
			conjs[n].id = a->conj.id;
			conjs[n].clause = a->conj.clause;
			conjs[n++].n_clauses = a->conj.n_clauses;
		}
	}
	wft_cls_rule_set_conjs(p->tables[r->table_id].cls, &r->cr, conjs, n);
	free(r->conjs);
	r->conjs = conjs;
}

static void set_actions(struct wft_pipeline *p, struct wft_rule *r,
			const struct wft_ofpacts *acts)
{
	dl_collect(p, &r->actions);	/* the old ones may be learns */
	wft_ofpacts_uninit(&r->actions);
	if (acts)
		wft_ofpacts_clone(&r->actions, acts);
	else
		wft_ofpacts_init(&r->actions);
	set_conjs(p, r);
	atomic_store_explicit(&r->fin_timeouts,
			      wft_ofpacts_fin_timeouts(&r->actions),
			      memory_order_relaxed);
}

static bool overlaps_any(const struct wft_cls *cls,
			 const struct wft_cls_rule *cr)
{
	struct wft_cls_rule **rules;
	bool found = false;
	size_t i, n;

	rules = wft_cls_collect(cls, NULL, NULL, &n);
	for (i = 0; i < n && !found; i++)
		found = rules[i]->priority == cr->priority &&
			wft_cls_rules_overlap(rules[i], cr);
	free(rules);
	return found;
}

static void set_learned(struct wft_pipeline *p, struct wft_rule *r,
			bool learned)
{
	if (r->learned != learned)
		p->n_learned += learned ? 1 : (size_t)-1;
	r->learned = learned;
}

static int do_add(struct wft_pipeline *p, const struct wft_flow_mod *fm,
		  uint8_t table, long long now, bool learned)
{
	struct wft_cls *cls = p->tables[table].cls;
	struct wft_cls_rule *old;
	struct wft_rule *r;

	old = wft_cls_find_exact(cls, &fm->match, &fm->wc, fm->priority);
	if (old) {
		r = old->aux;
		set_actions(p, r, fm->actions);
		r->cookie = fm->cookie;
		r->idle_timeout = fm->idle_timeout;
		r->hard_timeout = fm->hard_timeout;
		r->flags = fm->flags & ~WFT_RULE_CHECK_OVERLAP;
		r->modified_ms = now;
		/* An add is a new rule in OVS: its full timeouts. */
		atomic_store_explicit(&r->fin_applied, 0,
				      memory_order_relaxed);
		if (fm->flags & WFT_RULE_RESET_COUNTS)
			zero_counters(r);
		expirable_update(p, r);
		set_learned(p, r, learned);
		return 0;
	}
	r = wft_xcalloc(1, sizeof(*r));
	wft_cls_rule_init(&r->cr, &fm->match, &fm->wc, fm->priority, r);
	if ((fm->flags & WFT_RULE_CHECK_OVERLAP) && overlaps_any(cls, &r->cr)) {
		wft_cls_rule_destroy(&r->cr);
		free(r);
		return -EEXIST;
	}
	r->table_id = table;
	r->cookie = fm->cookie;
	r->idle_timeout = fm->idle_timeout;
	r->hard_timeout = fm->hard_timeout;
	r->flags = fm->flags & ~WFT_RULE_CHECK_OVERLAP;
	set_actions(p, r, fm->actions);
	r->created_ms = r->modified_ms = now;
	atomic_init(&r->used_ms, now);
	atomic_init(&r->refcnt, 1);
	r->seq = p->next_seq++;
	r->removed = WFT_RULE_IN_TABLE;
	wft_cls_replace(cls, &r->cr);
	expirable_update(p, r);
	p->n_rules++;
	set_learned(p, r, learned);
	return 0;
}

/* Whether a rule in the pipeline learns into (@table, @cookie) with
 * delete_learned. */
static bool someone_learns_into(struct wft_pipeline *p, uint8_t table,
				uint64_t cookie)
{
	struct wft_cls_rule **rules;
	bool found = false;
	size_t i, n;
	int t;

	for (t = 0; t < WFT_N_TABLES && !found; t++) {
		if (wft_cls_is_empty(p->tables[t].cls))
			continue;
		rules = wft_cls_collect(p->tables[t].cls, NULL, NULL, &n);
		for (i = 0; i < n && !found; i++)
			found = wft_ofpacts_learns_into(
				&((struct wft_rule *)rules[i]->aux)->actions,
				table, cookie);
		free(rules);
	}
	return found;
}

/* Deletes the rules of @table with @cookie. */
static void delete_cookie(struct wft_pipeline *p, uint8_t table,
			  uint64_t cookie, struct wft_rule_list *removed)
{
	struct wft_cls_rule **rules;
	size_t i, n;

	rules = wft_cls_collect(p->tables[table].cls, NULL, NULL, &n);
	for (i = 0; i < n; i++) {
		struct wft_rule *r = rules[i]->aux;

		if (r->cookie == cookie)
			rule_remove(p, r, WFT_RULE_DELETED, removed);
	}
	free(rules);
}

/* delete_learned for every learn with it that left the pipeline: when
 * no rule still learns into its table and cookie, those rules go (and
 * the learns they held are checked in turn). */
static void delete_learned(struct wft_pipeline *p,
			   struct wft_rule_list *removed)
{
	struct dl_key k;

	while (p->n_dl) {
		k = p->dl_keys[--p->n_dl];
		if (!someone_learns_into(p, k.table, k.cookie))
			delete_cookie(p, k.table, k.cookie, removed);
	}
}

/* The rules @fm selects (OpenFlow's loose or strict matching, cookie and,
 * for deletes and dumps, out_port). References are taken. */
static void select_rules(struct wft_pipeline *p, const struct wft_flow_mod *fm,
			 bool strict, bool use_out_port,
			 struct wft_rule_list *out)
{
	int t, first = 0, last = WFT_N_TABLES - 1;

	if (fm->table_id != WFT_TABLE_ALL)
		first = last = fm->table_id;
	for (t = first; t <= last; t++) {
		struct wft_cls *cls = p->tables[t].cls;
		struct wft_cls_rule **rules = NULL, *one;
		size_t i, n = 0;

		if (wft_cls_is_empty(cls))
			continue;
		if (strict) {
			one = wft_cls_find_exact(cls, &fm->match, &fm->wc,
						 fm->priority);
			rules = one ? &one : NULL;
			n = one ? 1 : 0;
		} else {
			rules = wft_cls_collect(cls, &fm->match, &fm->wc, &n);
		}
		for (i = 0; i < n; i++) {
			struct wft_rule *r = rules[i]->aux;

			if ((r->cookie ^ fm->cookie) & fm->cookie_mask)
				continue;
			if (use_out_port &&
			    !wft_rule_outputs_to(r, fm->out_port))
				continue;
			wft_rule_list_push(out, r);
		}
		if (!strict)
			free(rules);
	}
}

static void do_modify(struct wft_pipeline *p, const struct wft_flow_mod *fm,
		      const struct wft_rule_list *rules, long long now)
{
	size_t i;

	for (i = 0; i < rules->n; i++) {
		struct wft_rule *r = rules->rules[i];

		set_actions(p, r, fm->actions);
		if (fm->new_cookie != WFT_COOKIE_KEEP)
			r->cookie = fm->new_cookie;
		if (fm->flags & WFT_RULE_RESET_COUNTS)
			zero_counters(r);
		r->modified_ms = now;
		expirable_update(p, r);	/* a fin_timeout may have come */
	}
}

static int flow_mod_locked(struct wft_pipeline *p,
			   const struct wft_flow_mod *fm, long long now,
			   struct wft_rule_list *removed, size_t *n_rules)
{
	bool strict = fm->command == WFT_FM_MODIFY_STRICT ||
		      fm->command == WFT_FM_DELETE_STRICT;
	struct wft_rule_list sel;
	uint8_t add_table;
	size_t i;
	int err = 0;

	*n_rules = 0;
	add_table = fm->table_id == WFT_TABLE_ALL ? 0 : fm->table_id;
	if (fm->command == WFT_FM_ADD) {
		err = do_add(p, fm, add_table, now, false);
		*n_rules = !err;
		delete_learned(p, removed);
		return err;
	}
	wft_rule_list_init(&sel);
	if (fm->command == WFT_FM_MODIFY ||
	    fm->command == WFT_FM_MODIFY_STRICT) {
		select_rules(p, fm, strict, false, &sel);
		if (sel.n) {
			do_modify(p, fm, &sel, now);
			*n_rules = sel.n;
		} else if (!fm->cookie_mask) {
			err = do_add(p, fm, add_table, now, false);
			*n_rules = !err;
		}
	} else {
		select_rules(p, fm, strict, true, &sel);
		for (i = 0; i < sel.n; i++)
			rule_remove(p, sel.rules[i], WFT_RULE_DELETED, removed);
		*n_rules = sel.n;
	}
	wft_rule_list_destroy(&sel);
	delete_learned(p, removed);
	return err;
}

int wft_pipeline_flow_mod(struct wft_pipeline *p, const struct wft_flow_mod *fm,
			  long long now_ms, struct wft_rule_list *removed,
			  size_t *n_rules)
{
	size_t n;
	int err;

	if (fm->priority < 0 || fm->priority > 0xffff ||
	    (fm->table_id >= WFT_N_TABLES && fm->table_id != WFT_TABLE_ALL))
		return -EINVAL;
	pthread_rwlock_wrlock(&p->lock);
	err = flow_mod_locked(p, fm, now_ms, removed, &n);
	if (!err && n)
		bump(p);
	pthread_rwlock_unlock(&p->lock);
	if (n_rules)
		*n_rules = err ? 0 : n;
	return err;
}

int wft_pipeline_add(struct wft_pipeline *p, uint8_t table, int priority,
		     const struct wft_flow *match, const struct wft_flow_wc *wc,
		     const struct wft_ofpacts *actions, long long now_ms)
{
	struct wft_flow_mod fm;

	wft_flow_mod_init(&fm, WFT_FM_ADD);
	fm.table_id = table;
	fm.priority = priority;
	fm.match = *match;
	fm.wc = *wc;
	fm.actions = actions;
	return wft_pipeline_flow_mod(p, &fm, now_ms, NULL, NULL);
}

static int dump_order(const void *a_, const void *b_)
{
	const struct wft_rule *a = *(struct wft_rule *const *)a_;
	const struct wft_rule *b = *(struct wft_rule *const *)b_;

	if (a->table_id != b->table_id)
		return a->table_id < b->table_id ? -1 : 1;
	if (a->cr.priority != b->cr.priority)
		return a->cr.priority > b->cr.priority ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void wft_pipeline_dump(struct wft_pipeline *p, const struct wft_flow_mod *fm,
		       struct wft_rule_list *out)
{
	struct wft_flow_mod all;
	size_t first = out->n;

	if (!fm) {
		wft_flow_mod_init(&all, WFT_FM_DELETE);
		fm = &all;
	}
	pthread_rwlock_rdlock(&p->lock);
	select_rules(p, fm, fm->command == WFT_FM_DELETE_STRICT ||
		     fm->command == WFT_FM_MODIFY_STRICT, true, out);
	pthread_rwlock_unlock(&p->lock);
	qsort(out->rules + first, out->n - first, sizeof(*out->rules),
	      dump_order);
}

/* When @r expires by itself, if it does by @now. */
static enum wft_rule_removed expiry(const struct wft_rule *r, long long now)
{
	long long used = atomic_load_explicit(&r->used_ms,
					      memory_order_relaxed);
	uint16_t idle, hard;

	wft_rule_timeouts(r, &idle, &hard);
	if (hard && now >= r->modified_ms + hard * 1000LL)
		return WFT_RULE_HARD_TIMEOUT;
	if (idle && now >= used + idle * 1000LL)
		return WFT_RULE_IDLE_TIMEOUT;
	return WFT_RULE_IN_TABLE;
}

size_t wft_pipeline_expire(struct wft_pipeline *p, long long now_ms,
			   struct wft_rule_list *expired)
{
	struct wft_rule *r, *next;
	size_t n = 0;

	pthread_rwlock_wrlock(&p->lock);
	for (r = p->expirable; r; r = next) {
		enum wft_rule_removed why = expiry(r, now_ms);

		next = r->exp_next;
		if (why == WFT_RULE_IN_TABLE)
			continue;
		rule_remove(p, r, why, expired);
		n++;
	}
	delete_learned(p, expired);
	if (n)
		bump(p);
	pthread_rwlock_unlock(&p->lock);
	return n;
}

void wft_pipeline_table_stats(struct wft_pipeline *p, uint8_t table,
			      struct wft_table_stats *stats)
{
	struct wft_table *t;

	memset(stats, 0, sizeof(*stats));
	if (table >= WFT_N_TABLES)
		return;
	t = &p->tables[table];
	pthread_rwlock_rdlock(&p->lock);
	stats->n_rules = wft_cls_count(t->cls);
	pthread_rwlock_unlock(&p->lock);
	stats->n_lookups = atomic_load_explicit(&t->n_lookups,
						memory_order_relaxed);
	stats->n_matches = atomic_load_explicit(&t->n_matches,
						memory_order_relaxed);
}

bool wft_pipeline_learn(struct wft_pipeline *p, const struct wft_flow_mod *fm,
			long long now_ms)
{
	struct wft_cls_rule *old;
	struct wft_rule *r;
	bool changed = true;

	if (fm->table_id >= WFT_N_TABLES)
		return false;
	pthread_rwlock_wrlock(&p->lock);
	old = wft_cls_find_exact(p->tables[fm->table_id].cls, &fm->match,
				 &fm->wc, fm->priority);
	r = old ? old->aux : NULL;
	if (r && r->cookie == fm->cookie &&
	    r->idle_timeout == fm->idle_timeout &&
	    r->hard_timeout == fm->hard_timeout && r->flags == fm->flags &&
	    wft_ofpacts_equal(&r->actions, fm->actions)) {
		r->modified_ms = now_ms;
		atomic_store_explicit(&r->used_ms, now_ms,
				      memory_order_relaxed);
		changed = false;
	} else if (do_add(p, fm, fm->table_id, now_ms, true)) {
		changed = false;
	}
	delete_learned(p, NULL);
	if (changed)
		bump(p);
	pthread_rwlock_unlock(&p->lock);
	return changed;
}

size_t wft_pipeline_n_learned(struct wft_pipeline *p)
{
	size_t n;

	pthread_rwlock_rdlock(&p->lock);
	n = p->n_learned;
	pthread_rwlock_unlock(&p->lock);
	return n;
}

size_t wft_pipeline_n_rules(struct wft_pipeline *p)
{
	size_t n;

	pthread_rwlock_rdlock(&p->lock);
	n = p->n_rules;
	pthread_rwlock_unlock(&p->lock);
	return n;
}

uint64_t wft_pipeline_version(const struct wft_pipeline *p)
{
	return atomic_load_explicit(&p->version, memory_order_acquire);
}

void wft_pipeline_read_lock(struct wft_pipeline *p)
{
	pthread_rwlock_rdlock(&p->lock);
}

void wft_pipeline_read_unlock(struct wft_pipeline *p)
{
	pthread_rwlock_unlock(&p->lock);
}

struct wft_rule *wft_pipeline_lookup(struct wft_pipeline *p, uint8_t table,
				     const struct wft_flow *flow,
				     struct wft_flow_wc *wc)
{
	struct wft_table *t;
	const struct wft_cls_rule *cr;

	if (table >= WFT_N_TABLES)
		return NULL;
	t = &p->tables[table];
	atomic_fetch_add_explicit(&t->n_lookups, 1, memory_order_relaxed);
	cr = wft_cls_lookup(t->cls, flow, wc);
	if (!cr)
		return NULL;
	atomic_fetch_add_explicit(&t->n_matches, 1, memory_order_relaxed);
	return cr->aux;
}

/* Groups. */

/* The position of group @id in p->groups, or where it would go. */
static size_t group_pos(const struct wft_pipeline *p, uint32_t id)
{
	size_t lo = 0, hi = p->n_groups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->groups[mid].group_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool group_here(const struct wft_pipeline *p, size_t i, uint32_t id)
{
	return i < p->n_groups && p->groups[i].group_id == id;
}

static int group_mod_locked(struct wft_pipeline *p,
			    enum wft_group_command cmd,
			    const struct wft_group *g)
{
	size_t i = group_pos(p, g->group_id);
	bool here = group_here(p, i, g->group_id);

	switch (cmd) {
	case WFT_GROUP_ADD:
		if (here)
			return -EEXIST;
		p->groups = wft_xrealloc(p->groups, (p->n_groups + 1) *
					 sizeof(*p->groups));
		memmove(&p->groups[i + 1], &p->groups[i],
			(p->n_groups - i) * sizeof(*p->groups));
		p->n_groups++;
		wft_group_clone(&p->groups[i], g);
		return 0;
	case WFT_GROUP_MODIFY:
		if (!here)
			return -ENOENT;
		wft_group_uninit(&p->groups[i]);
		wft_group_clone(&p->groups[i], g);
		return 0;
	case WFT_GROUP_DELETE:
		if (g->group_id == WFT_GROUP_ALL) {
			for (i = 0; i < p->n_groups; i++)
				wft_group_uninit(&p->groups[i]);
			p->n_groups = 0;
			return 0;
		}
		if (!here)
			return 0;
		wft_group_uninit(&p->groups[i]);
		memmove(&p->groups[i], &p->groups[i + 1],
			(p->n_groups - i - 1) * sizeof(*p->groups));
		p->n_groups--;
		return 0;
	}
	return -EINVAL;
}

int wft_pipeline_group_mod(struct wft_pipeline *p,
			   enum wft_group_command cmd,
			   const struct wft_group *g)
{
	int err;

	pthread_rwlock_wrlock(&p->lock);
	err = group_mod_locked(p, cmd, g);
	if (!err)
		bump(p);
	pthread_rwlock_unlock(&p->lock);
	return err;
}

const struct wft_group *wft_pipeline_group_lookup(struct wft_pipeline *p,
						  uint32_t id)
{
	size_t i = group_pos(p, id);

	return group_here(p, i, id) ? &p->groups[i] : NULL;
}

struct wft_group *wft_pipeline_groups_dump(struct wft_pipeline *p, size_t *n)
{
	struct wft_group *out;
	size_t i;

	pthread_rwlock_rdlock(&p->lock);
	*n = p->n_groups;
	out = wft_xcalloc(*n + 1, sizeof(*out));
	for (i = 0; i < *n; i++)
		wft_group_clone(&out[i], &p->groups[i]);
	pthread_rwlock_unlock(&p->lock);
	return out;
}
