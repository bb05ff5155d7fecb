// SPDX-License-Identifier: GPL-2.0
/*
 * Upcall handler threads (include/weft/udpif.h): misses become megaflows
 * and executed packets, userspace-action upcalls become packet-ins.
 *
 * Per packet a handler allocates nothing once warm: the key, mask and
 * action buffers and the translation's rule list are reused; only a
 * flow it actually installs gets a ukey.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "udpif_priv.h"
#include "uapi/linux/weft.h"
#include "weft/coverage.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(handler);
WFT_COVERAGE_DEFINE(upcall_miss);
WFT_COVERAGE_DEFINE(upcall_flow_put);
WFT_COVERAGE_DEFINE(upcall_duplicate);
/* Of the duplicates, those the datapath refused (EEXIST) rather than the
 * ukey cache: tells a second miss for one megaflow from a flow installed
 * behind weftd's back. */
WFT_COVERAGE_DEFINE(upcall_put_exists);
WFT_COVERAGE_DEFINE(upcall_over_limit);
WFT_COVERAGE_DEFINE(upcall_packet_in);
WFT_COVERAGE_DEFINE(upcall_lost);
WFT_COVERAGE_DEFINE(upcall_put_execute);
/* Misses whose key came compact, puts whose key and mask went compact
 * (WEFT_F_KEY_COMPACT): the rest used attributes. */
WFT_COVERAGE_DEFINE(upcall_key_compact);
WFT_COVERAGE_DEFINE(upcall_put_compact);

#define INC(h, f)	atomic_fetch_add_explicit(&(h)->c.f, 1, \
						  memory_order_relaxed)

static void execute(struct handler *h, const struct wft_upcall *up)
{
	const struct wft_udpif *u = h->u;
	const struct wft_attrbuf *acts = &h->x.out.actions;
	struct wft_execute exe = {
		.dp_ifindex = u->dp,
		.packet = up->packet, .packet_len = up->packet_len,
		.key = up->key, .key_len = up->key_len,
		.actions = acts->data, .actions_len = acts->len,
		.mru = up->mru,
	};

	if (!acts->len)
		return;		/* drop */
	if (u->ops->batch_execute) {
		if (u->ops->batch_execute(h->chan, &exe) >= 0) {
			h->n_ops++;
			return;
		}
	} else if (!u->ops->execute(h->chan, &exe)) {
		return;
	}
	INC(h, n_errors);
	wft_dbg("execute: %s", u->ops->chan_error(h->chan));
}

/* What the outcome @ret of the put of @k (UFID @ufid) means. */
static void put_done(struct handler *h, struct ukey *k,
		     const struct wft_ufid *ufid, uint32_t hash, int ret)
{
	struct wft_udpif *u = h->u;

	if (!ret) {
		INC(h, n_installed);
		WFT_COVERAGE_INC(upcall_flow_put);
		return;
	}
	if (ret == -EEXIST) {
		/* Installed before this ukey existed (a restart): its
		 * actions may be another translation's. */
		wft_ukey_exists(u, ufid, hash, true);
		INC(h, n_duplicates);
		WFT_COVERAGE_INC(upcall_duplicate);
		WFT_COVERAGE_INC(upcall_put_exists);
		return;
	}
	INC(h, n_errors);
	wft_warn("flow put: %s", u->ops->chan_error(h->chan));
	wft_ukey_mark_failed(u, k);
}

/* Sends the batch's puts and executes and settles their outcomes. */
static void finish_batch(struct handler *h)
{
	const struct wft_dpif_ops *ops = h->u->ops;
	const struct pending_put *p;
	size_t n = 0, i, n_failed = 0;
	const int *err;

	if (!h->n_ops)
		return;
	err = ops->batch_finish(h->chan, &n);
	for (i = 0; i < n; i++)
		n_failed += err[i] != 0;
	for (i = 0; i < h->n_puts; i++) {
		p = &h->puts[i];
		if ((size_t)p->index < n) {
			n_failed -= err[p->index] != 0;
			put_done(h, p->k, &p->ufid, p->hash, err[p->index]);
		}
	}
	/* The rest are executes. */
	if (n_failed) {
		atomic_fetch_add_explicit(&h->c.n_errors, n_failed,
					  memory_order_relaxed);
		wft_dbg("execute: %s", ops->chan_error(h->chan));
	}
	h->n_puts = 0;
	h->n_ops = 0;
}

/*
 * Whether the put of @up's flow takes its packet along: one request, one
 * dispatch and one actions parse in the module instead of two. Not for a
 * drop (nothing to run), nor a reassembled packet (the put has no MRU).
 */
static bool put_takes_packet(const struct handler *h,
			     const struct wft_upcall *up)
{
	return h->put_executes && !up->mru && h->x.out.actions.len &&
	       !atomic_load_explicit(&h->u->no_put_execute,
				     memory_order_relaxed);
}

/* Installs the megaflow of h->x unless some handler has (or is about
 * to): the UFID names it, in the cache and in the datapath. Returns
 * whether the put took @up's packet along (the module runs it whatever
 * becomes of the flow). */
static bool install(struct handler *h, const struct wft_upcall *up,
		    uint64_t rules_gen, uint64_t macs_gen)
{
	struct wft_udpif *u = h->u;
	struct wft_ofproto_xlate *x = &h->x;
	uint32_t hash = wft_ufid_hash(&x->ufid);
	struct wft_dpif_flow_put put;
	struct ukey *k;
	int ret;

	if (wft_ukey_exists(u, &x->ufid, hash, false))
		goto duplicate;
	k = wft_ukey_new(x, wft_key_in_port(up->key, up->key_len),
			 wft_udpif_now(u));
	k->rules_gen = rules_gen;
	k->macs_gen = macs_gen;
	k->dump_seq = atomic_load(&u->dump_seq);
	if (!wft_ukey_insert(u, k)) {
		wft_ukey_free(k);
		goto duplicate;
	}
	memset(&put, 0, sizeof(put));
	put.dp_ifindex = u->dp;
	put.ufid = &x->ufid;
	if (x->compact) {
		/* The module copies a struct instead of parsing ~40
		 * attributes. */
		put.key_compact = &x->ckey;
		put.mask_compact = &x->cmask;
		WFT_COVERAGE_INC(upcall_put_compact);
	} else {
		put.key = x->key.data;
		put.key_len = x->key.len;
		put.mask = x->mask.data;
		put.mask_len = x->mask.len;
	}
	/* A drop flow has an empty action list, which is not "no actions":
	 * a buffer never written has no data yet. */
	put.actions = x->out.actions.data ? (const void *)x->out.actions.data
					: (const void *)"";
	put.actions_len = x->out.actions.len;
	put.flags = WFT_DPIF_FLOW_PUT_CREATE;
	/* @k is the revalidator's from here on: only looked up again (by
	 * address only once found: the revalidator may free it). */
	if (!u->ops->batch_put) {
		put_done(h, k, &x->ufid, hash, u->ops->flow_put(h->chan, &put));
		return false;
	}
	if (put_takes_packet(h, up)) {
		put.packet = up->packet;
		put.packet_len = up->packet_len;
		put.packet_key = up->key;
		put.packet_key_len = up->key_len;
	}
	ret = u->ops->batch_put(h->chan, &put);
	if (ret < 0) {
		put_done(h, k, &x->ufid, hash, ret);
		return false;
	}
	h->n_ops++;
	h->puts[h->n_puts++] = (struct pending_put){
		.index = ret, .k = k, .ufid = x->ufid, .hash = hash,
	};
	if (put.packet)
		WFT_COVERAGE_INC(upcall_put_execute);
	return put.packet != NULL;
duplicate:
	INC(h, n_duplicates);
	WFT_COVERAGE_INC(upcall_duplicate);
	return false;
}

/* The packet of a miss is forwarded by its execute, never counted by the
 * datapath flow: its rules count it here, as OVS's do. */
static void credit_miss(struct handler *h, const struct wft_upcall *up)
{
	const struct wft_rule_list *rules = &h->x.out.rules;
	const struct wft_flow *f = &h->x.flow;
	long long now = wft_udpif_now(h->u);
	uint16_t tcp_flags = 0;
	size_t i;

	if (f->nw_proto == IPPROTO_TCP &&
	    (f->dl_type == htons(0x0800) || f->dl_type == htons(0x86dd)))
		tcp_flags = ntohs(f->tcp_flags);
	for (i = 0; i < rules->n; i++) {
		wft_rule_credit(rules->rules[i], 1, up->packet_len, now);
		wft_rule_note_tcp_flags(rules->rules[i], tcp_flags);
	}
}

/* Translates a miss; returns whether MAC tables changed meanwhile. */
static bool handle_miss(struct handler *h, const struct wft_upcall *up)
{
	struct wft_udpif *u = h->u;
	struct wft_ofproto_xlate *x = &h->x;
	uint64_t rules0, macs0, rules1, macs1;
	bool executed = false;
	int ret;

	INC(h, n_upcalls);
	WFT_COVERAGE_INC(upcall_miss);
	if (atomic_load(&u->restore_wait))
		return false;	/* as OVS: new flows wait for the restore */
	wft_backer_read_lock(u->backer);
	wft_backer_generation(u->backer, &rules0, &macs0);
	if (up->ckey) {
		WFT_COVERAGE_INC(upcall_key_compact);
		ret = wft_ofproto_xlate_compact_key(u->backer, x, up->ckey);
	} else {
		ret = wft_ofproto_xlate_key(u->backer, x, up->key,
					    up->key_len);
	}
	if (!ret && wft_ofproto_held(x->bridge)) {
		/* Its rules are being rebuilt (wft_backer_hold()). */
		wft_backer_read_unlock(u->backer);
		return false;
	}
	if (!ret) {
		x->may_learn = true;
		x->trace = false;
		ret = wft_ofproto_xlate_run(x);
	}
	wft_backer_generation(u->backer, &rules1, &macs1);
	wft_backer_read_unlock(u->backer);
	if (ret == -EINVAL || ret == -ENOENT) {
		/* A key of no bridge's port (one being deleted). */
		INC(h, n_errors);
		return false;
	}
	if (!ret)
		credit_miss(h, up);
	/* A learn added a rule: the flows translated before it must see it
	 * now (the next SYN of a connection whose first one learned), not
	 * at the revalidator's next period. */
	if (rules1 != rules0 && x->out.has_learn)
		wft_udpif_kick(u);
	if (ret)
		INC(h, n_errors);
	else if (rules1 != rules0)
		INC(h, n_stale);	/* rules changed under the xlate */
	else if (atomic_load(&u->n_ukeys) >= atomic_load(&u->flow_limit)) {
		INC(h, n_over_limit);
		WFT_COVERAGE_INC(upcall_over_limit);
	} else
		executed = install(h, up, rules0, macs0);
	if (!executed)
		execute(h, up);
	return macs1 != macs0;
}

static void handle_action(struct handler *h, const struct wft_upcall *up)
{
	struct wft_udpif *u = h->u;
	struct wft_packet_in_md md;
	char bridge[64] = "";
	int ret;

	INC(h, n_packet_ins);
	WFT_COVERAGE_INC(upcall_packet_in);
	if (!up->userdata ||
	    wft_xlate_userdata_parse(up->userdata, up->userdata_len, &md)) {
		INC(h, n_errors);
		return;
	}
	md.dp_ifindex = up->dp_ifindex;
	md.key = up->key;
	md.key_len = up->key_len;
	wft_backer_read_lock(u->backer);
	ret = wft_ofproto_xlate_key(u->backer, &h->x, up->key, up->key_len);
	if (!ret)
		snprintf(bridge, sizeof(bridge), "%s",
			 wft_ofproto_name(h->x.bridge));
	wft_backer_read_unlock(u->backer);
	if (u->pin_cb)
		u->pin_cb(u->pin_aux, bridge, &md, up->packet,
			  up->packet_len);
	else
		wft_dbg("packet-in on %s: table %u, cookie %#llx, %zu bytes",
			bridge[0] ? bridge : "?", md.table_id,
			(unsigned long long)md.cookie, up->packet_len);
}

/* Up to a batch of upcalls; returns how many, and whether to kick the
 * revalidator (once per batch). */
static unsigned int run_batch(struct handler *h, bool *kick)
{
	struct wft_udpif *u = h->u;
	struct wft_upcall up;
	unsigned int n;
	int ret;

	for (n = 0; n < WFT_UDPIF_BATCH; n++) {
		ret = u->ops->upcall_recv(h->sock, &up, false);
		if (ret == -EAGAIN)
			break;
		if (ret == -ENOBUFS) {
			WFT_COVERAGE_INC(upcall_lost);
			continue;
		}
		if (ret) {
			INC(h, n_errors);
			break;
		}
		if (up.cmd == WEFT_CMD_PACKET_ACTION)
			handle_action(h, &up);
		else
			*kick |= handle_miss(h, &up);
	}
	if (n)
		INC(h, n_batches);
	finish_batch(h);
	return n;
}

void *wft_handler_main(void *arg)
{
	struct handler *h = arg;
	struct wft_udpif *u = h->u;
	struct pollfd pfd[2];
	char name[16];
	bool kick;

	/* Named so that top and perf tell the threads apart. */
	snprintf(name, sizeof(name), "handler%u", h->index);
	pthread_setname_np(pthread_self(), name);
	pfd[0].fd = u->ops->upcall_fd(h->sock);
	pfd[0].events = POLLIN;
	pfd[1].fd = u->exit_fd;
	pfd[1].events = POLLIN;
	while (!atomic_load(&u->handlers_exit)) {
		kick = false;
		if (run_batch(h, &kick) == WFT_UDPIF_BATCH) {
			if (kick)
				wft_udpif_kick(u);
			continue;
		}
		if (kick)
			wft_udpif_kick(u);
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
	}
	return NULL;
}
