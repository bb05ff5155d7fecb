// SPDX-License-Identifier: GPL-2.0
/*
 * dpif: batches of flow puts and executes (weft/dpif.h).
 *
 * An upcall handler used to pay two round trips per miss: a put waiting
 * for its ACK, then an execute waiting for its own. Batched, the requests
 * of a whole receive batch go in one sendmsg without NLM_F_ACK; only the
 * ones that fail are answered, and those answers are queued by the time
 * the send returns (nl.h, Batches).
 */
#include <errno.h>
#include <string.h>

#include "dpif_priv.h"

/* Header, genl header and the fixed attributes (dp_ifindex, UFID, nest
 * headers), rounded up: what a request needs beside its payloads. */
#define FIXED_ROOM	128

static size_t room_of(size_t a, size_t b, size_t c)
{
	return FIXED_ROOM + MNL_ALIGN(a) + MNL_ALIGN(b) + MNL_ALIGN(c);
}

/* A put's, with the packet it may carry (and that packet's key). */
static size_t put_room(const struct wft_dpif_flow_put *put)
{
	size_t n = room_of(put->key_len, put->mask_len, put->actions_len);

	/* A compact key and mask come without key_len and mask_len: left
	 * out, a put near the end of the buffer failed with EMSGSIZE instead
	 * of going in the next send. */
	if (put->key_compact)
		n += 2 * (MNL_ATTR_HDRLEN +
			  MNL_ALIGN(sizeof(*put->key_compact)));

	if (put->packet)
		n += room_of(put->packet_len, put->packet_key_len, 0) -
		     FIXED_ROOM / 2;
	return n;
}

static void batch_err_cb(void *arg, uint32_t seq, int err)
{
	struct wft_dpif *dpif = arg;
	uint32_t i = seq - dpif->batch_seq0;

	if (i < dpif->batch_n)
		dpif->batch_err[i] = err;
}

/* Starts request @cmd with room for @room bytes, sending the queued ones
 * first when they leave too little. */
static struct nlmsghdr *batch_start(struct wft_dpif *dpif, uint8_t cmd,
				    uint16_t flags, size_t room, int *err)
{
	struct wft_nl *nl = &dpif->nl;
	struct nlmsghdr *nlh;

	*err = 0;
	if (dpif->dumping) {
		*err = wft_dpif_check_idle(dpif);
		return NULL;
	}
	if (dpif->batch_n == WFT_DPIF_BATCH_MAX) {
		*err = wft_nl_fail(nl, -ENOSPC, "a batch takes at most %d "
				   "requests", WFT_DPIF_BATCH_MAX);
		return NULL;
	}
	nlh = wft_nl_batch_request(nl, cmd, flags, room);
	if (!nlh && nl->batch_len) {
		wft_nl_batch_send(nl, batch_err_cb, dpif);
		nlh = wft_nl_batch_request(nl, cmd, flags, room);
	}
	if (!nlh)	/* too large for any batch: the attributes say so */
		nlh = wft_nl_batch_request(nl, cmd, flags, 0);
	return nlh;
}

/* Queues @nlh (its attributes put with outcome @err). */
static int batch_add(struct wft_dpif *dpif, struct nlmsghdr *nlh, int err)
{
	size_t i = dpif->batch_n;
	uint32_t seq;

	if (err)
		return err;
	seq = wft_nl_batch_add(&dpif->nl, nlh);
	if (!i)
		dpif->batch_seq0 = seq;
	dpif->batch_err[i] = 0;
	dpif->batch_n++;
	return (int)i;
}

int wft_dpif_batch_flow_put(struct wft_dpif *dpif,
			    const struct wft_dpif_flow_put *put)
{
	struct wft_nl *nl = &dpif->nl;
	struct nlmsghdr *nlh;
	uint16_t nlflags;
	uint8_t cmd;
	int err;

	if (dpif->dumping)
		return wft_dpif_check_idle(dpif);
	err = wft_dpif_flow_put_check(nl, put, &cmd, &nlflags);
	if (err)
		return err;
	nlh = batch_start(dpif, cmd, nlflags, put_room(put), &err);
	if (!nlh)
		return err;
	return batch_add(dpif, nlh, wft_dpif_flow_put_attrs(nl, nlh, put));
}

int wft_dpif_batch_execute(struct wft_dpif *dpif, const struct wft_execute *exe)
{
	struct wft_nl *nl = &dpif->nl;
	struct nlmsghdr *nlh;
	int err;

	nlh = batch_start(dpif, WEFT_CMD_PACKET_EXECUTE, 0,
			  room_of(exe->packet_len, exe->key_len,
				  exe->actions_len), &err);
	if (!nlh)
		return err;
	return batch_add(dpif, nlh, wft_dpif_execute_attrs(nl, nlh, exe));
}

const int *wft_dpif_batch_finish(struct wft_dpif *dpif, size_t *n)
{
	wft_nl_batch_send(&dpif->nl, batch_err_cb, dpif);
	*n = dpif->batch_n;
	dpif->batch_n = 0;
	return dpif->batch_err;
}
