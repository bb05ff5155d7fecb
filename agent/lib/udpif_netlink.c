// SPDX-License-Identifier: GPL-2.0
/*
 * struct wft_dpif_ops over weft.ko (weft/dpif.h): each channel is a
 * socket of its own, as a struct wft_dpif must not be shared by threads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "uapi/linux/weft.h"
#include "weft/udpif.h"

static int nl_chan_open(void *ctx, void **chanp, char *err, size_t errlen)
{
	return wft_dpif_open((struct wft_dpif **)chanp, err, errlen);
}

static void nl_chan_close(void *chan)
{
	wft_dpif_close(chan);
}

static const char *nl_chan_error(void *chan)
{
	return wft_dpif_error(chan);
}

static int nl_flow_put(void *chan, const struct wft_dpif_flow_put *put)
{
	return wft_dpif_flow_put(chan, put, NULL);
}

static int nl_flow_del(void *chan, uint32_t dp, const struct wft_ufid *ufid,
		       struct wft_dpif_flow *final)
{
	return wft_dpif_flow_del(chan, dp, ufid, NULL, 0, NULL, 0, final);
}

static int nl_dump_start(void *chan, uint32_t dp, bool terse, void **dumpp)
{
	return wft_dpif_flow_dump_start(chan, dp, terse ?
					WEFT_UFID_F_OMIT_KEY |
					WEFT_UFID_F_OMIT_MASK |
					WEFT_UFID_F_OMIT_ACTIONS : 0,
					(struct wft_dpif_flow_dump **)dumpp);
}

static int nl_dump_next(void *dump, struct wft_dpif_flow *flow)
{
	return wft_dpif_flow_dump_next(dump, flow);
}

static int nl_dump_done(void *dump)
{
	return wft_dpif_flow_dump_done(dump);
}

static int nl_execute(void *chan, const struct wft_execute *exe)
{
	return wft_packet_execute(chan, exe);
}

static int nl_batch_put(void *chan, const struct wft_dpif_flow_put *put)
{
	return wft_dpif_batch_flow_put(chan, put);
}

static int nl_batch_execute(void *chan, const struct wft_execute *exe)
{
	return wft_dpif_batch_execute(chan, exe);
}

static const int *nl_batch_finish(void *chan, size_t *n)
{
	return wft_dpif_batch_finish(chan, n);
}

static bool nl_put_executes(void *chan)
{
	struct wft_features f;

	return !wft_dpif_features_get(chan, &f) &&
	       (f.bitmap & WEFT_F_FLOW_EXECUTE);
}

static bool nl_key_compact(void *chan)
{
	struct wft_features f;

	return !wft_dpif_features_get(chan, &f) &&
	       (f.bitmap & WEFT_F_KEY_COMPACT);
}

/* Handlers read compact miss keys when the module has them. */
static int nl_set_pids(void *chan, uint32_t dp, const uint32_t *pids,
		       size_t n)
{
	return wft_dp_set_upcall_pids_features(chan, dp, pids, n,
					       nl_key_compact(chan) ?
					       WEFT_DP_F_KEY_COMPACT : 0);
}

static int nl_dp_stats(void *chan, uint32_t dp, struct wft_dp_stats *stats)
{
	struct wft_dp d = { 0 };
	int ret = wft_dp_get(chan, NULL, dp, &d);

	if (!ret)
		*stats = d.stats;
	wft_dp_uninit(&d);
	return ret;
}

static int nl_upcall_open(void *ctx, void **sockp, char *err, size_t errlen)
{
	return wft_upcall_sock_open((struct wft_upcall_sock **)sockp, err,
				    errlen);
}

static void nl_upcall_close(void *sock)
{
	wft_upcall_sock_close(sock);
}

static uint32_t nl_upcall_portid(void *sock)
{
	return wft_upcall_sock_portid(sock);
}

static int nl_upcall_fd(void *sock)
{
	return wft_upcall_sock_fd(sock);
}

static int nl_upcall_recv(void *sock, struct wft_upcall *up, bool wait)
{
	return wft_upcall_recv(sock, up, wait);
}

const struct wft_dpif_ops wft_dpif_ops_netlink = {
	.chan_open = nl_chan_open,
	.chan_close = nl_chan_close,
	.chan_error = nl_chan_error,
	.flow_put = nl_flow_put,
	.flow_del = nl_flow_del,
	.dump_start = nl_dump_start,
	.dump_next = nl_dump_next,
	.dump_done = nl_dump_done,
	.execute = nl_execute,
	.batch_put = nl_batch_put,
	.batch_execute = nl_batch_execute,
	.batch_finish = nl_batch_finish,
	.put_executes = nl_put_executes,
	.key_compact = nl_key_compact,
	.set_upcall_pids = nl_set_pids,
	.dp_stats = nl_dp_stats,
	.upcall_open = nl_upcall_open,
	.upcall_close = nl_upcall_close,
	.upcall_portid = nl_upcall_portid,
	.upcall_fd = nl_upcall_fd,
	.upcall_recv = nl_upcall_recv,
};
