// SPDX-License-Identifier: GPL-2.0
/*
 * The revalidator thread (include/weft/udpif.h): dumps the datapath's
 * flows, pushes their statistics to rules, expires idle ones, translates
 * changed ones again, adopts the ones it has never seen, and adapts the
 * flow limit to the dump's duration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "udpif_priv.h"
#include "weft/coverage.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(revalidator);
WFT_COVERAGE_DEFINE(revalidate_flow);
WFT_COVERAGE_DEFINE(revalidate_delete);
WFT_COVERAGE_DEFINE(revalidate_modify);

/* Flows that depend on MAC learning are translated again this often
 * while they see packets, with learning, so that the sources they carry
 * stay fresh in the MAC table (OVS uses its xlate cache for this). */
#define REFRESH_MS	5000
/* Over the flow limit, flows idle this long go (as in OVS). */
#define OVER_LIMIT_IDLE_MS	100

enum verdict { KEEP, MODIFY, DELETE };

/* One cycle's view. */
struct cycle {
	struct wft_udpif *u;
	long long now;
	uint64_t rules_gen, macs_gen;
	uint64_t seq;
	unsigned int max_idle;
	bool purge;
	bool kill_all;			/* far over the limit */
	bool terse;			/* this dump leaves keys out */
	bool need_full;			/* it met a flow with no ukey */
};

static void push_stats(struct ukey *k, const struct wft_dpif_flow *f,
		       long long now)
{
	uint64_t dp = f->packets >= k->packets ? f->packets - k->packets
					       : f->packets;
	uint64_t db = f->bytes >= k->bytes ? f->bytes - k->bytes : f->bytes;
	size_t i;

	k->packets = f->packets;
	k->bytes = f->bytes;
	if (!dp && !db)
		return;
	for (i = 0; i < k->rules.n; i++) {
		wft_rule_credit(k->rules.rules[i], dp, db,
				f->used ? (long long)f->used : now);
		/* The datapath ORs the flags of every packet: a FIN or RST
		 * since the flow began shrinks a fin_timeout's rule (again
		 * is harmless), as OVS's xlate cache does. */
		wft_rule_note_tcp_flags(k->rules.rules[i], f->tcp_flags);
	}
}

static bool has_extra_bits(const struct wft_flow_wc *new,
			   const struct wft_flow_wc *old)
{
	const uint8_t *n = (const uint8_t *)&new->masks;
	const uint8_t *o = (const uint8_t *)&old->masks;
	size_t i;

	for (i = 0; i < sizeof(new->masks); i++)
		if (n[i] & ~o[i])
			return true;
	return false;
}

static bool same_bytes(const void *a, size_t alen, const void *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

/* Translates @k again; the verdict says what its datapath flow needs. */
static enum verdict retranslate(struct cycle *c, struct ukey *k,
				bool may_learn)
{
	struct wft_udpif *u = c->u;
	struct wft_ofproto_xlate *x = &u->rx;
	struct wft_ofproto *br;
	uint32_t ofport;
	int ret;

	WFT_COVERAGE_INC(revalidate_flow);
	wft_backer_read_lock(u->backer);
	wft_backer_generation(u->backer, &k->rules_gen, &k->macs_gen);
	/* Several tunnel ports share one tunnel vport: the flow's tunnel
	 * key says which of them the packets came in on. */
	ret = wft_backer_flow_port(u->backer, k->odp_in_port, &k->flow, &br,
				   &ofport);
	if (!ret && ofport != ntohl(k->flow.in_port))
		ret = -ENOENT;		/* the port moved: a new flow */
	if (!ret) {
		x->bridge = br;
		x->flow = k->flow;
		x->may_learn = may_learn;
		x->trace = false;
		ret = wft_ofproto_xlate_run(x);
	}
	wft_backer_read_unlock(u->backer);
	if (ret)
		return DELETE;
	/*
	 * An adopted flow is the same megaflow when translating it again
	 * gives its UFID, which weftd derives from the key and mask it
	 * builds (the datapath dumps them in its own form: every field of a
	 * header, zeros included, so the bytes never compare equal). A flow
	 * weftd did not install gets another UFID and goes.
	 */
	if (k->adopted ? !wft_ufid_equal(&x->ufid, &k->ufid)
		       : has_extra_bits(&x->wc, &k->wc))
		return DELETE;
	if (k->adopted) {
		k->adopted = false;
		k->wc = x->wc;
	}
	k->normal = x->used_normal;
	k->learn = x->out.has_learn;
	k->refreshed_ms = c->now;
	wft_ukey_set_rules(u, k, &x->out.rules);
	return same_bytes(x->out.actions.data, x->out.actions.len, k->actions,
			  k->actions_len) ? KEEP : MODIFY;
}

/* Whether @k's packets enter a held bridge (wft_backer_hold()). */
static bool held(struct wft_udpif *u, const struct ukey *k)
{
	struct wft_ofproto *br;
	uint32_t ofport;
	bool ret;

	wft_backer_read_lock(u->backer);
	ret = !wft_backer_flow_port(u->backer, k->odp_in_port, &k->flow, &br,
				    &ofport) && wft_ofproto_held(br);
	wft_backer_read_unlock(u->backer);
	return ret;
}

static enum verdict judge(struct cycle *c, struct ukey *k,
			  const struct wft_dpif_flow *f, uint64_t delta)
{
	long long used = f->used ? (long long)f->used : k->created_ms;

	if (c->purge || c->kill_all || atomic_load(&k->failed))
		return DELETE;
	/* flow-restore-wait, for every bridge or for a held one: flows
	 * from before the restart are neither translated nor expired until
	 * whoever restores the rules is done. */
	if (k->adopted && (atomic_load(&c->u->restore_wait) || held(c->u, k)))
		return KEEP;
	if (used < k->created_ms)
		used = k->created_ms;
	if (c->now - used > (long long)c->max_idle) {
		atomic_fetch_add(&c->u->n_idle, 1);
		return DELETE;
	}
	if (k->rules_gen != c->rules_gen || k->macs_gen != c->macs_gen ||
	    atomic_exchange(&k->stale, false) ||
	    (k->normal && delta && c->now - k->refreshed_ms >= REFRESH_MS) ||
	    (k->learn && delta))
		return retranslate(c, k, delta > 0);
	return KEEP;
}

static void delete_flow(struct cycle *c, struct ukey *k)
{
	struct wft_udpif *u = c->u;
	struct wft_dpif_flow final;

	wft_dpif_flow_init(&final);
	if (!u->ops->flow_del(u->op_chan, u->dp, &k->ufid, &final))
		push_stats(k, &final, c->now);
	wft_dpif_flow_uninit(&final);
	atomic_fetch_add(&u->n_deleted, 1);
	WFT_COVERAGE_INC(revalidate_delete);
	wft_ukey_remove(u, k);
}

static void modify_flow(struct cycle *c, struct ukey *k)
{
	struct wft_udpif *u = c->u;
	const struct wft_attrbuf *acts = &u->rx.out.actions;
	struct wft_dpif_flow_put put = {
		.dp_ifindex = u->dp, .ufid = &k->ufid,
		.key = k->key, .key_len = k->key_len,
		.mask = k->mask, .mask_len = k->mask_len,
		.actions = acts->data ? acts->data : (const void *)"",
		.actions_len = acts->len,
		.flags = WFT_DPIF_FLOW_PUT_MODIFY,
	};

	if (k->compact) {
		/* 8-byte aligned in the ukey's block (wft_ukey_alloc()). */
		put.key_compact = (const void *)k->key;
		put.mask_compact = (const void *)k->mask;
		put.key = put.mask = NULL;
	}
	if (u->ops->flow_put(u->op_chan, &put)) {
		delete_flow(c, k);
		return;
	}
	wft_ukey_set_actions(k, acts->data, acts->len);
	atomic_fetch_add(&u->n_modified, 1);
	WFT_COVERAGE_INC(revalidate_modify);
}

/* A flow weftd has no ukey for: installed before a restart (or by
 * hand). It is kept as it is until it is translated. */
static struct ukey *adopt(struct cycle *c, const struct wft_dpif_flow *f,
			  const struct wft_ufid *ufid, uint32_t hash)
{
	struct wft_udpif *u = c->u;
	struct ukey *k = wft_ukey_alloc(f->key.data, f->key.len,
					f->mask.data, f->mask.len,
					f->actions.data, f->actions.len);
	int ret;

	k->ufid = *ufid;
	k->hash = hash;
	wft_backer_read_lock(u->backer);
	ret = wft_ofproto_xlate_key(u->backer, &u->rx, f->key.data,
				    f->key.len);
	wft_backer_read_unlock(u->backer);
	k->flow = u->rx.flow;		/* the masked key: all there is */
	memset(&k->wc, 0, sizeof(k->wc));	/* unknown (adopted) */
	k->odp_in_port = wft_key_in_port(f->key.data, f->key.len);
	k->adopted = true;
	k->failed = ret != 0;		/* no bridge's port: it goes */
	wft_rule_list_init(&k->rules);
	k->created_ms = k->refreshed_ms = c->now;
	k->packets = f->packets;	/* counted before us: not credited */
	k->bytes = f->bytes;
	k->dump_seq = c->seq;
	if (!wft_ukey_insert(u, k)) {
		wft_ukey_free(k);
		return wft_ukey_find(u, ufid, hash);
	}
	atomic_fetch_add(&u->n_adopted, 1);
	return k;
}

static void handle_flow(struct cycle *c, const struct wft_dpif_flow *f)
{
	struct wft_udpif *u = c->u;
	uint64_t before;
	struct wft_ufid ufid;
	struct ukey *k;
	uint32_t hash;

	/* A terse dump brings what a known flow needs: UFID and stats. A
	 * flow without a UFID comes with its key but not its mask there. */
	if (!f->ufid_present && (c->terse || !f->has_key)) {
		c->need_full |= c->terse;
		return;
	}
	if (f->ufid_present)
		ufid = f->ufid;
	else
		wft_ufid_from_key(f->key.data, f->key.len, f->mask.data,
				  f->mask.len, &ufid);
	hash = wft_ufid_hash(&ufid);
	k = wft_ukey_find(u, &ufid, hash);
	if (!k && (c->terse || !f->has_key)) {
		c->need_full |= c->terse;	/* adopted in the full dump */
		return;
	}
	if (!k)
		k = adopt(c, f, &ufid, hash);
	if (!k)
		return;
	k->dump_seq = c->seq;
	before = k->packets;
	push_stats(k, f, c->now);
	switch (judge(c, k, f, k->packets - before)) {
	case KEEP:
		break;
	case MODIFY:
		modify_flow(c, k);
		break;
	case DELETE:
		delete_flow(c, k);
		break;
	}
}

/* One dump; returns its outcome (-EAGAIN: torn, flows may be missed). */
static int dump_once(struct cycle *c)
{
	struct wft_udpif *u = c->u;
	void *dump;
	int ret;

	ret = u->ops->dump_start(u->dump_chan, u->dp, c->terse, &dump);
	if (ret)
		return ret;
	while ((ret = u->ops->dump_next(dump, &u->dumped)) == 1)
		handle_flow(c, &u->dumped);
	ret = u->ops->dump_done(dump);
	return ret;
}

static bool not_stale(const struct ukey *k, void *aux)
{
	const struct cycle *c = aux;

	/* Seen in this dump or the one before; the margin spares ukeys
	 * whose flows a handler was just installing. */
	return k->dump_seq + 1 >= c->seq && !atomic_load(&k->failed);
}

/* OVS's rule: slow dumps mean too many flows for this machine. */
static void adapt_limit(struct wft_udpif *u, long long duration)
{
	size_t limit = atomic_load(&u->flow_limit);
	size_t cfg = atomic_load(&u->flow_limit_cfg);
	size_t n = atomic_load(&u->n_ukeys);

	if (duration > 2000)
		limit /= (size_t)(duration / 1000);
	else if (duration > 1300)
		limit = limit * 3 / 4;
	else if (duration < 1000 &&
		 limit < n * 1000 / (size_t)(duration > 0 ? duration : 1))
		limit += 1000;
	if (limit < 1000)
		limit = 1000;
	if (limit > cfg)
		limit = cfg;
	atomic_store(&u->flow_limit, limit);
}

static void cycle_stats(struct wft_udpif *u, long long duration)
{
	size_t n = atomic_load(&u->n_ukeys);

	atomic_store(&u->dump_ms, (unsigned long long)duration);
	atomic_store(&u->avg_flows, (atomic_load(&u->avg_flows) + n) / 2);
	if (n > atomic_load(&u->max_flows))
		atomic_store(&u->max_flows, n);
	atomic_fetch_add(&u->n_cycles, 1);
}

/*
 * @thorough: the cycle must reach every flow (a purge, a kick or a wait,
 * rules or MAC tables changed since the last complete dump). Otherwise it
 * is a timer's cycle for statistics and idle expiry, and a torn dump is
 * not done again: while handlers install flows, every dump is torn (each
 * insert changes the table's generation), and dumping up to three times
 * per cycle took the CPU the handlers needed; what it skipped the next
 * cycle sees.
 */
static void run_cycle(struct wft_udpif *u, bool purge, bool thorough)
{
	struct cycle c = { .u = u, .purge = purge };
	size_t n = atomic_load(&u->n_ukeys);
	size_t limit = atomic_load(&u->flow_limit);
	long long start = wft_udpif_now(u);
	int ret, tries = 0;

	c.max_idle = n > limit ? OVER_LIMIT_IDLE_MS
			       : atomic_load(&u->max_idle_ms);
	c.kill_all = n > 2 * limit;
	/*
	 * Terse dumps: the flows weftd installed or adopted need only their
	 * UFIDs and statistics, which spares the datapath encoding and
	 * weftd parsing every key, mask and action list of every flow each
	 * cycle. Any other flow (from before a restart, or put by hand)
	 * takes a full dump, at once, to be adopted.
	 */
	c.terse = true;
	do {
		c.seq = atomic_fetch_add(&u->dump_seq, 1) + 1;
		c.now = wft_udpif_now(u);
		wft_backer_read_lock(u->backer);
		wft_backer_generation(u->backer, &c.rules_gen, &c.macs_gen);
		wft_backer_read_unlock(u->backer);
		if (!u->complete || c.rules_gen != u->complete_rules_gen ||
		    c.macs_gen != u->complete_macs_gen)
			thorough = true;
		c.need_full = false;
		ret = dump_once(&c);
		/* A torn dump (our own deletes tear it too) may have skipped
		 * flows: one more dump, so that a rule change reaches every
		 * flow within this cycle; flows it revisits only cost a
		 * statistics check. */
		if (ret == -EAGAIN) {
			tries++;
			if (!thorough)
				break;
		} else if (!ret && c.need_full && c.terse) {
			c.terse = false;
			ret = -EAGAIN;	/* one more, in full */
		}
	} while (ret == -EAGAIN && tries < 2);
	if (ret && ret != -EAGAIN)
		wft_warn("flow dump: %s", u->ops->chan_error(u->dump_chan));
	if (!ret) {
		wft_ukeys_sweep(u, not_stale, &c);
		u->complete = true;
		u->complete_rules_gen = c.rules_gen;
		u->complete_macs_gen = c.macs_gen;
	}
	if (ret == -EAGAIN)
		atomic_fetch_add(&u->n_torn, 1);
	cycle_stats(u, wft_udpif_now(u) - start);
	adapt_limit(u, wft_udpif_now(u) - start);
}

void *wft_revalidator_main(void *arg)
{
	struct wft_udpif *u = arg;
	struct timespec deadline;
	bool purge, kicked;
	long long ms;

	pthread_setname_np(pthread_self(), "revalidator");
	pthread_mutex_lock(&u->mutex);
	while (!u->exiting) {
		if (!u->kicked) {
			ms = atomic_load(&u->revalidate_ms);
			clock_gettime(CLOCK_MONOTONIC, &deadline);
			deadline.tv_sec += ms / 1000;
			deadline.tv_nsec += (ms % 1000) * 1000000;
			if (deadline.tv_nsec >= 1000000000) {
				deadline.tv_sec++;
				deadline.tv_nsec -= 1000000000;
			}
			while (!u->kicked && !u->exiting &&
			       pthread_cond_timedwait(&u->cond, &u->mutex,
						      &deadline) != ETIMEDOUT)
				;
			if (u->exiting)
				break;
		}
		kicked = u->kicked;
		u->kicked = false;
		purge = u->purge;
		u->purge = false;
		u->started++;
		pthread_mutex_unlock(&u->mutex);
		run_cycle(u, purge, purge || kicked);
		pthread_mutex_lock(&u->mutex);
		u->done++;
		pthread_cond_broadcast(&u->done_cond);
		if (write(u->notify_fd, &(uint64_t){ 1 }, 8) < 0)
			wft_dbg("notify: %s", strerror(errno));
	}
	pthread_mutex_unlock(&u->mutex);
	return NULL;
}
