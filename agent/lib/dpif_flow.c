// SPDX-License-Identifier: GPL-2.0
/*
 * dpif: flows (WEFT_CMD_FLOW_*), including streamed dumps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "dpif_priv.h"

void wft_dpif_flow_init(struct wft_dpif_flow *flow)
{
	memset(flow, 0, sizeof(*flow));
	wft_attrbuf_init(&flow->key);
	wft_attrbuf_init(&flow->mask);
	wft_attrbuf_init(&flow->actions);
}

void wft_dpif_flow_uninit(struct wft_dpif_flow *flow)
{
	wft_attrbuf_free(&flow->key);
	wft_attrbuf_free(&flow->mask);
	wft_attrbuf_free(&flow->actions);
}

/* Resets @flow but keeps its buffers' allocations. */
static void flow_clear(struct wft_dpif_flow *flow)
{
	struct wft_attrbuf key = flow->key, mask = flow->mask;
	struct wft_attrbuf actions = flow->actions;

	memset(flow, 0, sizeof(*flow));
	flow->key = key;
	flow->mask = mask;
	flow->actions = actions;
	wft_attrbuf_reset(&flow->key);
	wft_attrbuf_reset(&flow->mask);
	wft_attrbuf_reset(&flow->actions);
}

static int copy_nest(const struct nlattr *a, struct wft_attrbuf *b,
		     bool *has)
{
	if (!a)
		return 0;
	*has = true;
	return wft_dpif_copy_attrs(b, mnl_attr_get_payload(a),
				   mnl_attr_get_payload_len(a));
}

static int parse_flow(const struct nlmsghdr *nlh, struct wft_dpif_flow *flow)
{
	const struct nlattr *tb[WEFT_FLOW_A_MAX + 1];
	const struct nlattr *st[WEFT_FLOW_STATS_A_MAX + 1];
	int err;

	flow_clear(flow);
	err = wft_nl_parse(nlh, tb, WEFT_FLOW_A_MAX);
	if (err)
		return err;
	if (tb[WEFT_FLOW_A_DP_IFINDEX] &&
	    mnl_attr_get_payload_len(tb[WEFT_FLOW_A_DP_IFINDEX]) == 4)
		flow->dp_ifindex = mnl_attr_get_u32(tb[WEFT_FLOW_A_DP_IFINDEX]);
	if (tb[WEFT_FLOW_A_UFID] &&
	    mnl_attr_get_payload_len(tb[WEFT_FLOW_A_UFID]) == WEFT_UFID_LEN) {
		flow->ufid_present = true;
		memcpy(&flow->ufid, mnl_attr_get_payload(tb[WEFT_FLOW_A_UFID]),
		       WEFT_UFID_LEN);
	}
	err = copy_nest(tb[WEFT_FLOW_A_KEY], &flow->key, &flow->has_key);
	if (!err)
		err = copy_nest(tb[WEFT_FLOW_A_MASK], &flow->mask,
				&flow->has_mask);
	if (!err)
		err = copy_nest(tb[WEFT_FLOW_A_ACTIONS], &flow->actions,
				&flow->has_actions);
	if (err)
		return err;
	if (tb[WEFT_FLOW_A_STATS] &&
	    !wft_nl_parse_nested(tb[WEFT_FLOW_A_STATS], st,
				 WEFT_FLOW_STATS_A_MAX)) {
		if (st[WEFT_FLOW_STATS_A_PACKETS] &&
		    mnl_attr_get_payload_len(st[WEFT_FLOW_STATS_A_PACKETS]) == 8)
			flow->packets =
				mnl_attr_get_u64(st[WEFT_FLOW_STATS_A_PACKETS]);
		if (st[WEFT_FLOW_STATS_A_BYTES] &&
		    mnl_attr_get_payload_len(st[WEFT_FLOW_STATS_A_BYTES]) == 8)
			flow->bytes =
				mnl_attr_get_u64(st[WEFT_FLOW_STATS_A_BYTES]);
	}
	if (tb[WEFT_FLOW_A_USED] &&
	    mnl_attr_get_payload_len(tb[WEFT_FLOW_A_USED]) == 8)
		flow->used = mnl_attr_get_u64(tb[WEFT_FLOW_A_USED]);
	if (tb[WEFT_FLOW_A_TCP_FLAGS] &&
	    mnl_attr_get_payload_len(tb[WEFT_FLOW_A_TCP_FLAGS]) == 2)
		flow->tcp_flags = mnl_attr_get_u16(tb[WEFT_FLOW_A_TCP_FLAGS]);
	return 0;
}

static int flow_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	return arg ? parse_flow(nlh, arg) : 0;
}

static int put_flow_id(struct wft_nl *nl, struct nlmsghdr *nlh,
		       uint32_t dp_ifindex, const struct wft_ufid *ufid,
		       const void *key, size_t key_len, const void *mask,
		       size_t mask_len)
{
	int err;

	err = wft_nl_put_u32(nl, nlh, WEFT_FLOW_A_DP_IFINDEX, dp_ifindex);
	if (!err && ufid)
		err = wft_nl_put(nl, nlh, WEFT_FLOW_A_UFID, WEFT_UFID_LEN,
				 ufid);
	if (!err && key)
		err = wft_dpif_put_nest(nl, nlh, WEFT_FLOW_A_KEY, key,
					key_len);
	if (!err && key && mask)
		err = wft_dpif_put_nest(nl, nlh, WEFT_FLOW_A_MASK, mask,
					mask_len);
	return err;
}

int wft_dpif_flow_put_check(struct wft_nl *nl,
			    const struct wft_dpif_flow_put *put, uint8_t *cmd,
			    uint16_t *nlflags)
{
	unsigned int f = put->flags;

	if (!(f & (WFT_DPIF_FLOW_PUT_CREATE | WFT_DPIF_FLOW_PUT_MODIFY)))
		return wft_nl_fail(nl, -EINVAL, "flow put needs CREATE or "
				   "MODIFY");
	if (!put->key && !put->key_compact)
		return wft_nl_fail(nl, -EINVAL, "flow put needs a key");
	if (!put->key_compact != !put->mask_compact)
		return wft_nl_fail(nl, -EINVAL, "a compact key goes with a "
				   "compact mask");
	if ((f & WFT_DPIF_FLOW_PUT_CREATE) && !put->actions)
		return wft_nl_fail(nl, -EINVAL, "a new flow needs actions");
	if (put->packet && (!(f & WFT_DPIF_FLOW_PUT_CREATE) ||
			    !put->packet_key))
		return wft_nl_fail(nl, -EINVAL, "a packet goes with a new "
				   "flow and its metadata key");

	*nlflags = 0;
	if (f & WFT_DPIF_FLOW_PUT_CREATE) {
		*cmd = WEFT_CMD_FLOW_NEW;
		*nlflags = NLM_F_CREATE;
		if (!(f & WFT_DPIF_FLOW_PUT_MODIFY))
			*nlflags |= NLM_F_EXCL;
	} else {
		*cmd = WEFT_CMD_FLOW_SET;
	}
	return 0;
}

int wft_dpif_flow_put_attrs(struct wft_nl *nl, struct nlmsghdr *nlh,
			    const struct wft_dpif_flow_put *put)
{
	int err;

	if (put->key_compact) {
		err = put_flow_id(nl, nlh, put->dp_ifindex, put->ufid, NULL, 0,
				  NULL, 0);
		if (!err)
			err = wft_nl_put(nl, nlh, WEFT_FLOW_A_KEY_COMPACT,
					 sizeof(*put->key_compact),
					 put->key_compact);
		if (!err)
			err = wft_nl_put(nl, nlh, WEFT_FLOW_A_MASK_COMPACT,
					 sizeof(*put->mask_compact),
					 put->mask_compact);
	} else {
		err = put_flow_id(nl, nlh, put->dp_ifindex, put->ufid,
				  put->key, put->key_len, put->mask,
				  put->mask_len);
	}
	if (!err && put->actions)
		err = wft_dpif_put_nest(nl, nlh, WEFT_FLOW_A_ACTIONS,
					put->actions, put->actions_len);
	if (!err && (put->flags & WFT_DPIF_FLOW_PUT_ZERO_STATS))
		err = wft_nl_put(nl, nlh, WEFT_FLOW_A_CLEAR, 0, NULL);
	if (!err && put->packet)
		err = wft_nl_put(nl, nlh, WEFT_FLOW_A_PACKET,
				 put->packet_len, put->packet);
	if (!err && put->packet)
		err = wft_dpif_put_md_key(nl, nlh, WEFT_FLOW_A_PACKET_KEY,
					  put->packet_key,
					  put->packet_key_len);
	return err;
}

int wft_dpif_flow_put_compact_raw(struct wft_dpif *dpif,
				  const struct wft_dpif_flow_put *put,
				  const void *key, size_t key_len,
				  const void *mask, size_t mask_len)
{
	struct wft_nl *nl = &dpif->nl;
	struct nlmsghdr *nlh;
	int err;

	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	nlh = wft_nl_request(nl, put->flags & WFT_DPIF_FLOW_PUT_CREATE ?
			     WEFT_CMD_FLOW_NEW : WEFT_CMD_FLOW_SET,
			     put->flags & WFT_DPIF_FLOW_PUT_CREATE ?
			     NLM_F_CREATE | NLM_F_EXCL : 0);
	err = put_flow_id(nl, nlh, put->dp_ifindex, put->ufid, put->key,
			  put->key_len, put->mask, put->mask_len);
	if (!err && key)
		err = wft_nl_put(nl, nlh, WEFT_FLOW_A_KEY_COMPACT, key_len,
				 key);
	if (!err && mask)
		err = wft_nl_put(nl, nlh, WEFT_FLOW_A_MASK_COMPACT, mask_len,
				 mask);
	if (!err && put->actions)
		err = wft_dpif_put_nest(nl, nlh, WEFT_FLOW_A_ACTIONS,
					put->actions, put->actions_len);
	if (err)
		return err;
	return wft_nl_transact(nl, nlh, NULL, NULL);
}

int wft_dpif_flow_put(struct wft_dpif *dpif, const struct wft_dpif_flow_put *put,
		 struct wft_dpif_flow *reply)
{
	struct wft_nl *nl = &dpif->nl;
	struct nlmsghdr *nlh;
	uint16_t nlflags;
	uint8_t cmd;
	int err;

	err = wft_dpif_check_idle(dpif);
	if (!err)
		err = wft_dpif_flow_put_check(nl, put, &cmd, &nlflags);
	if (err)
		return err;
	/* The module answers NEW and SET only when asked to echo. */
	if (reply)
		nlflags |= NLM_F_ECHO;
	nlh = wft_nl_request(nl, cmd, nlflags);
	err = wft_dpif_flow_put_attrs(nl, nlh, put);
	if (err)
		return err;
	if (reply)
		flow_clear(reply);
	return wft_nl_transact(nl, nlh, flow_reply_cb, reply);
}

static int flow_request(struct wft_dpif *dpif, uint8_t cmd,
			uint32_t dp_ifindex, const struct wft_ufid *ufid,
			const void *key, size_t key_len, const void *mask,
			size_t mask_len, struct wft_dpif_flow *reply)
{
	struct wft_nl *nl = &dpif->nl;
	struct nlmsghdr *nlh;
	int err;

	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	if (!ufid && !key)
		return wft_nl_fail(nl, -EINVAL, "a flow is named by its UFID "
				   "or its key");
	nlh = wft_nl_request(nl, cmd, 0);
	err = put_flow_id(nl, nlh, dp_ifindex, ufid, ufid ? NULL : key,
			  key_len, mask, mask_len);
	if (err)
		return err;
	if (reply)
		flow_clear(reply);
	return wft_nl_transact(nl, nlh, flow_reply_cb, reply);
}

int wft_dpif_flow_del(struct wft_dpif *dpif, uint32_t dp_ifindex,
		 const struct wft_ufid *ufid, const void *key, size_t key_len,
		 const void *mask, size_t mask_len, struct wft_dpif_flow *reply)
{
	return flow_request(dpif, WEFT_CMD_FLOW_DEL, dp_ifindex, ufid, key,
			    key_len, mask, mask_len, reply);
}

int wft_dpif_flow_get(struct wft_dpif *dpif, uint32_t dp_ifindex,
		 const struct wft_ufid *ufid, const void *key, size_t key_len,
		 const void *mask, size_t mask_len, struct wft_dpif_flow *flow)
{
	return flow_request(dpif, WEFT_CMD_FLOW_GET, dp_ifindex, ufid, key,
			    key_len, mask, mask_len, flow);
}

int wft_dpif_flow_del_all(struct wft_dpif *dpif, uint32_t dp_ifindex)
{
	struct nlmsghdr *nlh;
	int err;

	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	nlh = wft_nl_request(&dpif->nl, WEFT_CMD_FLOW_DEL, 0);
	err = wft_nl_put_u32(&dpif->nl, nlh, WEFT_FLOW_A_DP_IFINDEX,
			     dp_ifindex);
	if (err)
		return err;
	return wft_nl_transact(&dpif->nl, nlh, NULL, NULL);
}

/* Dumps. */

struct wft_dpif_flow_dump {
	struct wft_dpif *dpif;
	struct wft_nl_iter it;
	bool finished;
	int status;
};

int wft_dpif_flow_dump_start(struct wft_dpif *dpif, uint32_t dp_ifindex,
			uint32_t ufid_flags, struct wft_dpif_flow_dump **dumpp)
{
	struct wft_nl *nl = &dpif->nl;
	struct wft_dpif_flow_dump *dump;
	struct nlmsghdr *nlh;
	int err;

	*dumpp = NULL;
	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	dump = calloc(1, sizeof(*dump));
	if (!dump)
		return wft_nl_fail(nl, -ENOMEM, "out of memory");
	dump->dpif = dpif;
	nlh = wft_nl_request(nl, WEFT_CMD_FLOW_GET, NLM_F_DUMP);
	err = wft_nl_put_u32(nl, nlh, WEFT_FLOW_A_DP_IFINDEX, dp_ifindex);
	if (!err && ufid_flags)
		err = wft_nl_put_u32(nl, nlh, WEFT_FLOW_A_UFID_FLAGS,
				     ufid_flags);
	if (!err)
		err = wft_nl_iter_start(&dump->it, nl, nlh);
	if (err) {
		free(dump);
		return err;
	}
	dpif->dumping = true;
	*dumpp = dump;
	return 0;
}

int wft_dpif_flow_dump_next(struct wft_dpif_flow_dump *dump, struct wft_dpif_flow *flow)
{
	const struct nlmsghdr *m;
	int r, err;

	if (dump->finished)
		return dump->status;
	r = wft_nl_iter_next(&dump->it, &m);
	if (r == 1) {
		err = parse_flow(m, flow);
		if (!err)
			return 1;
		dump->status = wft_nl_fail(&dump->dpif->nl, err,
					   "malformed flow in dump: %s",
					   strerror(-err));
		return err;
	}
	dump->finished = true;
	dump->status = r;
	return r;
}

int wft_dpif_flow_dump_done(struct wft_dpif_flow_dump *dump)
{
	struct wft_dpif *dpif = dump->dpif;
	const struct nlmsghdr *m;
	int status = dump->status;
	int r;

	/* Read the rest so that the socket is clean for the next request. */
	while (!dump->it.done && (r = wft_nl_iter_next(&dump->it, &m)) == 1)
		;
	dpif->dumping = false;
	if (!status && dpif->nl.dump_intr)
		status = wft_nl_fail(&dpif->nl, -EAGAIN, "the flow table "
				     "changed during the dump: flows may be "
				     "missing or repeated");
	free(dump);
	return status;
}
