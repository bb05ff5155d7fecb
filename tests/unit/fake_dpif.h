/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake datapath behind struct wft_dpif_ops (weft/udpif.h): a flow table
 * by UFID that records every put, delete and execute, and upcall sockets
 * (an eventfd each) into which the test injects misses. A packet executed
 * with a userspace action comes back as an ACTION upcall, as from weft.ko.
 * One lock guards it all: handler threads, the revalidator and the test
 * use it at once.
 *
 * fdp_ops batches puts and executes like wft_dpif_ops_netlink does.
 *
 * Header-only (static functions): include it in one test file.
 */
#ifndef WEFT_TESTS_FAKE_DPIF_H
#define WEFT_TESTS_FAKE_DPIF_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "uapi/linux/weft.h"
#include "weft/odp.h"
#include "weft/odp_flow.h"
#include "weft/udpif.h"

#define FDP_MAX_SOCKS	16

struct fdp_flow {
	struct wft_ufid ufid;
	struct wft_attrbuf key, mask, actions;
	uint64_t packets, bytes, used;
};

struct fdp_upcall {
	uint8_t cmd;
	uint8_t *packet, *key, *userdata;
	size_t packet_len, key_len, userdata_len;
};

struct fdp_sock {
	bool open;
	int efd;
	uint32_t portid;
	struct fdp_upcall *q;
	size_t head, n, cap;
	struct fdp_upcall cur;		/* what the last recv returned */
};

struct fdp_dump {
	struct fdp_flow *flows;		/* a snapshot */
	size_t n, i;
	bool torn;
	bool terse;
};

static struct {
	pthread_mutex_t lock;
	struct fdp_flow *flows;
	size_t n_flows, cap_flows;
	struct fdp_sock socks[FDP_MAX_SOCKS];
	uint32_t pids[64];
	size_t n_pids;
	uint32_t next_portid;
	int n_put, n_put_ok, n_put_eexist, n_modify, n_del, n_execute;
	int n_put_packet;		/* puts that carried their packet */
	bool put_executes;		/* the module takes them (fdp_ops) */
	int n_dumps, n_terse_dumps;
	int n_batches, max_batch;	/* finished, most requests in one */
	int fail_puts;			/* next puts fail with -EINVAL */
	bool hold_upcalls;		/* queue misses, deliver none yet */
	bool tear_next_dump;
	struct wft_attrbuf last_exec_actions;
	struct wft_dp_stats stats;
} fdp = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void fdp_buf_set(struct wft_attrbuf *b, const void *data, size_t len)
{
	wft_attrbuf_reset(b);
	if (len) {
		b->data = realloc(b->data, len);
		memcpy(b->data, data, len);
	}
	b->len = len;
	b->cap = len;
}

static void fdp_upcall_free(struct fdp_upcall *u)
{
	free(u->packet);
	free(u->key);
	free(u->userdata);
	memset(u, 0, sizeof(*u));
}

static void fdp_reset(void)
{
	size_t i, k;

	pthread_mutex_lock(&fdp.lock);
	for (i = 0; i < fdp.n_flows; i++) {
		wft_attrbuf_free(&fdp.flows[i].key);
		wft_attrbuf_free(&fdp.flows[i].mask);
		wft_attrbuf_free(&fdp.flows[i].actions);
	}
	free(fdp.flows);
	for (i = 0; i < FDP_MAX_SOCKS; i++) {
		for (k = 0; k < fdp.socks[i].n; k++)
			fdp_upcall_free(&fdp.socks[i].q[(fdp.socks[i].head + k)
						       % fdp.socks[i].cap]);
		free(fdp.socks[i].q);
		fdp_upcall_free(&fdp.socks[i].cur);
	}
	wft_attrbuf_free(&fdp.last_exec_actions);
	memset(&fdp.flows, 0, sizeof(fdp) - offsetof(typeof(fdp), flows));
	fdp.next_portid = 1000;
	pthread_mutex_unlock(&fdp.lock);
}

static struct fdp_flow *fdp_find(const struct wft_ufid *ufid)
{
	size_t i;

	for (i = 0; i < fdp.n_flows; i++)
		if (wft_ufid_equal(&fdp.flows[i].ufid, ufid))
			return &fdp.flows[i];
	return NULL;
}

/* Channels: nothing of their own. */
static int fdp_chan_open(void *ctx, void **chanp, char *err, size_t len)
{
	*chanp = &fdp;
	return 0;
}

static void fdp_chan_close(void *chan)
{
}

static const char *fdp_chan_error(void *chan)
{
	return "fake failure";
}

static void fdp_userspace(const uint8_t *acts, size_t len, const void *pkt,
			  size_t pkt_len, const void *key, size_t key_len);

static int fdp_flow_put(void *chan, const struct wft_dpif_flow_put *put)
{
	struct fdp_flow *f;
	int ret = 0;

	pthread_mutex_lock(&fdp.lock);
	fdp.n_put++;
	f = fdp_find(put->ufid);
	if (fdp.fail_puts > 0) {
		fdp.fail_puts--;
		ret = -EINVAL;
	} else if (!(put->flags & WFT_DPIF_FLOW_PUT_MODIFY)) {
		if (f) {
			fdp.n_put_eexist++;
			ret = -EEXIST;
		} else {
			if (fdp.n_flows == fdp.cap_flows) {
				fdp.cap_flows = fdp.cap_flows ?
						2 * fdp.cap_flows : 64;
				fdp.flows = realloc(fdp.flows, fdp.cap_flows *
						    sizeof(*fdp.flows));
			}
			f = &fdp.flows[fdp.n_flows++];
			memset(f, 0, sizeof(*f));
			f->ufid = *put->ufid;
			fdp_buf_set(&f->key, put->key, put->key_len);
			fdp_buf_set(&f->mask, put->mask, put->mask_len);
			fdp_buf_set(&f->actions, put->actions,
				    put->actions_len);
			fdp.n_put_ok++;
		}
	} else if (!f) {
		ret = -ENOENT;
	} else {
		fdp_buf_set(&f->actions, put->actions, put->actions_len);
		fdp.n_modify++;
	}
	/* A packet along runs whatever became of the flow, as weft.ko runs
	 * it (uapi: FLOW_NEW with PACKET). */
	if (put->packet) {
		fdp.n_put_packet++;
		fdp.n_execute++;
		fdp_buf_set(&fdp.last_exec_actions, put->actions,
			    put->actions_len);
		fdp_userspace(put->actions, put->actions_len, put->packet,
			      put->packet_len, put->packet_key,
			      put->packet_key_len);
	}
	pthread_mutex_unlock(&fdp.lock);
	return ret;
}

static void fdp_flow_copy(struct wft_dpif_flow *to, const struct fdp_flow *f)
{
	to->ufid_present = true;
	to->ufid = f->ufid;
	to->has_key = to->has_mask = to->has_actions = true;
	fdp_buf_set(&to->key, f->key.data, f->key.len);
	fdp_buf_set(&to->mask, f->mask.data, f->mask.len);
	fdp_buf_set(&to->actions, f->actions.data, f->actions.len);
	to->packets = f->packets;
	to->bytes = f->bytes;
	to->used = f->used;
}

static int fdp_flow_del(void *chan, uint32_t dp, const struct wft_ufid *ufid,
			struct wft_dpif_flow *final)
{
	struct fdp_flow *f;
	int ret = -ENOENT;

	pthread_mutex_lock(&fdp.lock);
	f = fdp_find(ufid);
	if (f) {
		if (final)
			fdp_flow_copy(final, f);
		wft_attrbuf_free(&f->key);
		wft_attrbuf_free(&f->mask);
		wft_attrbuf_free(&f->actions);
		*f = fdp.flows[--fdp.n_flows];
		fdp.n_del++;
		ret = 0;
	}
	pthread_mutex_unlock(&fdp.lock);
	return ret;
}

static int fdp_dump_start(void *chan, uint32_t dp, bool terse, void **dumpp)
{
	struct fdp_dump *d = calloc(1, sizeof(*d));
	size_t i;

	pthread_mutex_lock(&fdp.lock);
	fdp.n_dumps++;
	fdp.n_terse_dumps += terse;
	d->terse = terse;
	d->torn = fdp.tear_next_dump;
	fdp.tear_next_dump = false;
	d->n = fdp.n_flows;
	d->flows = calloc(d->n + 1, sizeof(*d->flows));
	for (i = 0; i < d->n; i++) {
		d->flows[i] = fdp.flows[i];
		wft_attrbuf_init(&d->flows[i].key);
		wft_attrbuf_init(&d->flows[i].mask);
		wft_attrbuf_init(&d->flows[i].actions);
		fdp_buf_set(&d->flows[i].key, fdp.flows[i].key.data,
			    fdp.flows[i].key.len);
		fdp_buf_set(&d->flows[i].mask, fdp.flows[i].mask.data,
			    fdp.flows[i].mask.len);
		fdp_buf_set(&d->flows[i].actions, fdp.flows[i].actions.data,
			    fdp.flows[i].actions.len);
	}
	pthread_mutex_unlock(&fdp.lock);
	*dumpp = d;
	return 0;
}

static int fdp_dump_next(void *dump, struct wft_dpif_flow *flow)
{
	struct fdp_dump *d = dump;

	if (d->i == d->n)
		return 0;
	fdp_flow_copy(flow, &d->flows[d->i++]);
	/* Every fake flow has a UFID: terse dumps leave the rest out. */
	if (d->terse)
		flow->has_key = flow->has_mask = flow->has_actions = false;
	return 1;
}

static int fdp_dump_done(void *dump)
{
	struct fdp_dump *d = dump;
	bool torn = d->torn;
	size_t i;

	for (i = 0; i < d->n; i++) {
		wft_attrbuf_free(&d->flows[i].key);
		wft_attrbuf_free(&d->flows[i].mask);
		wft_attrbuf_free(&d->flows[i].actions);
	}
	free(d->flows);
	free(d);
	return torn ? -EAGAIN : 0;
}

/* Queues an upcall on the socket registered for @cpu; the lock is held. */
static void fdp_enqueue(unsigned int cpu, const struct fdp_upcall *up)
{
	uint32_t pid = fdp.n_pids ? fdp.pids[cpu % fdp.n_pids] : 0;
	struct fdp_sock *s = NULL;
	size_t i;

	for (i = 0; i < FDP_MAX_SOCKS; i++)
		if (fdp.socks[i].open && fdp.socks[i].portid == pid)
			s = &fdp.socks[i];
	if (!s) {
		fdp.stats.n_lost++;
		free(up->packet);
		free(up->key);
		free(up->userdata);
		return;
	}
	if (s->n == s->cap) {
		struct fdp_upcall *q = calloc(s->cap ? 2 * s->cap : 64,
					      sizeof(*q));

		for (i = 0; i < s->n; i++)
			q[i] = s->q[(s->head + i) % s->cap];
		free(s->q);
		s->q = q;
		s->head = 0;
		s->cap = s->cap ? 2 * s->cap : 64;
	}
	s->q[(s->head + s->n++) % s->cap] = *up;
	if (write(s->efd, &(uint64_t){ 1 }, 8) < 0)
		abort();
}

static void *fdp_dup(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	if (len)
		memcpy(q, p, len);
	return q;
}

/* Userspace actions at the top level of @acts become ACTION upcalls. */
static void fdp_userspace(const uint8_t *acts, size_t len, const void *pkt,
			  size_t pkt_len, const void *key, size_t key_len)
{
	struct fdp_upcall up;
	uint16_t alen, type, ilen, itype;
	size_t off, ioff;

	for (off = 0; off + 4 <= len; off += (alen + 3) & ~3u) {
		memcpy(&alen, acts + off, 2);
		memcpy(&type, acts + off + 2, 2);
		if (alen < 4)
			break;
		if ((type & 0x3fff) != WEFT_ACTION_A_USERSPACE)
			continue;
		memset(&up, 0, sizeof(up));
		up.cmd = WEFT_CMD_PACKET_ACTION;
		for (ioff = off + 4; ioff + 4 <= off + alen;
		     ioff += (ilen + 3) & ~3u) {
			memcpy(&ilen, acts + ioff, 2);
			memcpy(&itype, acts + ioff + 2, 2);
			if (ilen < 4)
				break;
			if ((itype & 0x3fff) == WEFT_USERSPACE_A_USERDATA) {
				up.userdata = fdp_dup(acts + ioff + 4,
						      ilen - 4u);
				up.userdata_len = ilen - 4u;
			}
		}
		up.packet = fdp_dup(pkt, pkt_len);
		up.packet_len = pkt_len;
		up.key = fdp_dup(key, key_len);
		up.key_len = key_len;
		fdp_enqueue(0, &up);
	}
}

static int fdp_execute(void *chan, const struct wft_execute *exe)
{
	pthread_mutex_lock(&fdp.lock);
	fdp.n_execute++;
	fdp_buf_set(&fdp.last_exec_actions, exe->actions, exe->actions_len);
	fdp_userspace(exe->actions, exe->actions_len, exe->packet,
		      exe->packet_len, exe->key, exe->key_len);
	pthread_mutex_unlock(&fdp.lock);
	return 0;
}

static int fdp_set_pids(void *chan, uint32_t dp, const uint32_t *pids,
			size_t n)
{
	pthread_mutex_lock(&fdp.lock);
	fdp.n_pids = n;
	memcpy(fdp.pids, pids, n * sizeof(*pids));
	pthread_mutex_unlock(&fdp.lock);
	return 0;
}

static int fdp_dp_stats(void *chan, uint32_t dp, struct wft_dp_stats *st)
{
	pthread_mutex_lock(&fdp.lock);
	*st = fdp.stats;
	st->n_flows = fdp.n_flows;
	pthread_mutex_unlock(&fdp.lock);
	return 0;
}

static int fdp_upcall_open(void *ctx, void **sockp, char *err, size_t len)
{
	size_t i;

	pthread_mutex_lock(&fdp.lock);
	for (i = 0; i < FDP_MAX_SOCKS && fdp.socks[i].open; i++)
		;
	if (i == FDP_MAX_SOCKS) {
		pthread_mutex_unlock(&fdp.lock);
		snprintf(err, len, "too many fake sockets");
		return -EMFILE;
	}
	memset(&fdp.socks[i], 0, sizeof(fdp.socks[i]));
	fdp.socks[i].open = true;
	fdp.socks[i].efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	fdp.socks[i].portid = fdp.next_portid++;
	*sockp = &fdp.socks[i];
	pthread_mutex_unlock(&fdp.lock);
	return 0;
}

static void fdp_upcall_close(void *sock)
{
	struct fdp_sock *s = sock;
	size_t k;

	pthread_mutex_lock(&fdp.lock);
	for (k = 0; k < s->n; k++)
		fdp_upcall_free(&s->q[(s->head + k) % s->cap]);
	free(s->q);
	fdp_upcall_free(&s->cur);
	close(s->efd);
	memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&fdp.lock);
}

static uint32_t fdp_upcall_portid(void *sock)
{
	return ((struct fdp_sock *)sock)->portid;
}

static int fdp_upcall_fd(void *sock)
{
	return ((struct fdp_sock *)sock)->efd;
}

static int fdp_upcall_recv(void *sock, struct wft_upcall *up, bool wait)
{
	struct fdp_sock *s = sock;
	uint64_t v;

	pthread_mutex_lock(&fdp.lock);
	fdp_upcall_free(&s->cur);
	if (fdp.hold_upcalls) {		/* the eventfd stays readable */
		pthread_mutex_unlock(&fdp.lock);
		return -EAGAIN;
	}
	if (!s->n) {
		if (read(s->efd, &v, 8) < 0)
			v = 0;
		pthread_mutex_unlock(&fdp.lock);
		return -EAGAIN;
	}
	s->cur = s->q[s->head];
	s->head = (s->head + 1) % s->cap;
	s->n--;
	memset(up, 0, sizeof(*up));
	up->cmd = s->cur.cmd;
	up->dp_ifindex = 100;
	up->packet = s->cur.packet;
	up->packet_len = s->cur.packet_len;
	up->key = s->cur.key;
	up->key_len = s->cur.key_len;
	up->userdata = s->cur.userdata;
	up->userdata_len = s->cur.userdata_len;
	pthread_mutex_unlock(&fdp.lock);
	return 0;
}

/*
 * Batches: each request runs when queued (in order, as the module runs a
 * batch's) and its outcome waits for the finish, per thread as each
 * handler has its own channel. fdp_ops_unbatched leaves them out, so
 * that handlers put and execute one request at a time.
 */
static __thread int fdp_batch_err[256];
static __thread size_t fdp_batch_n;

static int fdp_batch_add(int err)
{
	if (fdp_batch_n == 256)
		return -ENOSPC;
	fdp_batch_err[fdp_batch_n] = err;
	return (int)fdp_batch_n++;
}

static int fdp_batch_put(void *chan, const struct wft_dpif_flow_put *put)
{
	return fdp_batch_add(fdp_flow_put(chan, put));
}

static int fdp_batch_execute(void *chan, const struct wft_execute *exe)
{
	return fdp_batch_add(fdp_execute(chan, exe));
}

static bool fdp_put_executes(void *chan)
{
	bool on;

	pthread_mutex_lock(&fdp.lock);
	on = fdp.put_executes;
	pthread_mutex_unlock(&fdp.lock);
	return on;
}

static const int *fdp_batch_finish(void *chan, size_t *n)
{
	pthread_mutex_lock(&fdp.lock);
	if (fdp_batch_n) {
		fdp.n_batches++;
		if (fdp_batch_n > (size_t)fdp.max_batch)
			fdp.max_batch = (int)fdp_batch_n;
	}
	pthread_mutex_unlock(&fdp.lock);
	*n = fdp_batch_n;
	fdp_batch_n = 0;
	return fdp_batch_err;
}

static const struct wft_dpif_ops fdp_ops = {
	.chan_open = fdp_chan_open, .chan_close = fdp_chan_close,
	.chan_error = fdp_chan_error, .flow_put = fdp_flow_put,
	.flow_del = fdp_flow_del, .dump_start = fdp_dump_start,
	.dump_next = fdp_dump_next, .dump_done = fdp_dump_done,
	.execute = fdp_execute, .set_upcall_pids = fdp_set_pids,
	.dp_stats = fdp_dp_stats, .upcall_open = fdp_upcall_open,
	.upcall_close = fdp_upcall_close, .upcall_portid = fdp_upcall_portid,
	.upcall_fd = fdp_upcall_fd, .upcall_recv = fdp_upcall_recv,
	.batch_put = fdp_batch_put, .batch_execute = fdp_batch_execute,
	.batch_finish = fdp_batch_finish, .put_executes = fdp_put_executes,
};

static __attribute__((unused)) const struct wft_dpif_ops fdp_ops_unbatched = {
	.chan_open = fdp_chan_open, .chan_close = fdp_chan_close,
	.chan_error = fdp_chan_error, .flow_put = fdp_flow_put,
	.flow_del = fdp_flow_del, .dump_start = fdp_dump_start,
	.dump_next = fdp_dump_next, .dump_done = fdp_dump_done,
	.execute = fdp_execute, .set_upcall_pids = fdp_set_pids,
	.dp_stats = fdp_dp_stats, .upcall_open = fdp_upcall_open,
	.upcall_close = fdp_upcall_close, .upcall_portid = fdp_upcall_portid,
	.upcall_fd = fdp_upcall_fd, .upcall_recv = fdp_upcall_recv,
};

/*
 * A miss of the packet @flow (in_port = the datapath port, already),
 * arriving on @cpu. The key is exact, as the module sends it; the packet
 * bytes are a stand-in (xlate never reads them).
 */
static __attribute__((unused)) void fdp_miss(const struct wft_flow *flow, unsigned int cpu)
{
	struct wft_attrbuf key;
	struct fdp_upcall up;
	static const uint8_t pkt[64];

	wft_attrbuf_init(&key);
	wft_odp_flow_to_key(flow, NULL, NULL, &key, NULL);
	memset(&up, 0, sizeof(up));
	up.cmd = WEFT_CMD_PACKET_MISS;
	up.packet = fdp_dup(pkt, sizeof(pkt));
	up.packet_len = sizeof(pkt);
	up.key = fdp_dup(key.data, key.len);
	up.key_len = key.len;
	pthread_mutex_lock(&fdp.lock);
	fdp_enqueue(cpu, &up);
	pthread_mutex_unlock(&fdp.lock);
	wft_attrbuf_free(&key);
}

/* Reads under the lock. */
#define FDP_GET(field) ({					\
	pthread_mutex_lock(&fdp.lock);				\
	__typeof__(fdp.field) v_ = fdp.field;			\
	pthread_mutex_unlock(&fdp.lock);			\
	v_; })

/* The only flow's text "MATCH actions:ACTIONS", or "" (test helper). */
static __attribute__((unused)) const char *fdp_flow_text(size_t i)
{
	static char buf[1024];
	struct wft_strbuf sb = WFT_STRBUF_INIT;

	pthread_mutex_lock(&fdp.lock);
	buf[0] = '\0';
	if (i < fdp.n_flows) {
		wft_odp_flow_format(fdp.flows[i].key.data, fdp.flows[i].key.len,
				    fdp.flows[i].mask.data,
				    fdp.flows[i].mask.len, &sb, 0);
		wft_strbuf_puts(&sb, " actions:");
		wft_odp_actions_format(fdp.flows[i].actions.data,
				       fdp.flows[i].actions.len, &sb, 0);
		snprintf(buf, sizeof(buf), "%s", wft_strbuf_cstr(&sb));
	}
	pthread_mutex_unlock(&fdp.lock);
	wft_strbuf_free(&sb);
	return buf;
}

#endif /* WEFT_TESTS_FAKE_DPIF_H */
