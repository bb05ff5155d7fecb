// SPDX-License-Identifier: GPL-2.0
/*
 * WEFT_CMD_FLOW_*: install, modify, delete, get and dump flows.
 *
 * A request names a flow by UFID when it carries one, else by its masked
 * key and mask (KEY plus MASK, or KEY alone for an exact match). Keys and
 * actions are parsed before weft_lock is taken where they do not depend on
 * the table.
 *
 * Replies (unicast to the requester, command = the request's):
 *   NEW, SET  only with NLM_F_ECHO: the flow as installed. The reply is
 *             best effort: when it cannot be allocated the change stays
 *             and the request still succeeds.
 *   DEL       of one flow: always, with its final stats (allocated before
 *             the flow goes, so a DEL that cannot reply fails untouched).
 *             Of every flow (neither UFID nor KEY): none.
 *   GET       always.
 * A reply or dump entry holds DP_IFINDEX, UFID (if the flow has one), KEY,
 * MASK, ACTIONS (each left out as UFID_FLAGS asks; KEY is kept for a flow
 * without UFID), STATS {PACKETS, BYTES}, USED (only once a packet was
 * counted) and TCP_FLAGS (only when nonzero).
 *
 * USED is the time of the flow's last packet in milliseconds of
 * CLOCK_MONOTONIC, so userspace prints "used:1.234s" as
 * now(CLOCK_MONOTONIC) - USED.
 */

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "actions.h"
#include "compat.h"
#include "datapath.h"
#include "flow_table.h"
#include "genl.h"
#include "key_compact.h"
#include "key_nl.h"

const struct nla_policy weft_flow_nl_policy[WEFT_FLOW_A_MAX + 1] = {
	[WEFT_FLOW_A_DP_IFINDEX]	= { .type = NLA_U32 },
	/* weft_key_parse() validates these in the same pass that reads them. */
	[WEFT_FLOW_A_KEY]		= { .type = NLA_NESTED },
	[WEFT_FLOW_A_MASK]		= { .type = NLA_NESTED },
	[WEFT_FLOW_A_ACTIONS]		= { .type = NLA_NESTED },
	[WEFT_FLOW_A_UFID]		= NLA_POLICY_EXACT_LEN(WEFT_UFID_LEN),
	[WEFT_FLOW_A_UFID_FLAGS]	= NLA_POLICY_MASK(NLA_U32,
							  __WEFT_UFID_F_ALL),
	[WEFT_FLOW_A_STATS]		= { .type = NLA_REJECT },
	[WEFT_FLOW_A_USED]		= { .type = NLA_REJECT },
	[WEFT_FLOW_A_TCP_FLAGS]		= { .type = NLA_REJECT },
	[WEFT_FLOW_A_CLEAR]		= { .type = NLA_FLAG },
	[WEFT_FLOW_A_PAD]		= { .type = NLA_REJECT },
	/* FLOW_NEW only (flow_req_parse()); sized as an execute's. */
	[WEFT_FLOW_A_PACKET]		= NLA_POLICY_MIN_LEN(ETH_HLEN),
	[WEFT_FLOW_A_PACKET_KEY]	= { .type = NLA_NESTED },
	/* Sized and checked by weft_key_compact_parse_flow(), with a message. */
	[WEFT_FLOW_A_KEY_COMPACT]	= { .type = NLA_BINARY },
	[WEFT_FLOW_A_MASK_COMPACT]	= { .type = NLA_BINARY },
};

/* What a request says about the flow it names. */
struct flow_req {
	struct weft_flow_key key;	/* masked */
	struct weft_flow_key mask;
	bool has_key;
	const u8 *ufid;
	u32 ufid_flags;
};

static int flow_req_parse(struct genl_info *info, struct flow_req *req)
{
	struct nlattr **a = info->attrs;
	int err;

	if ((a[WEFT_FLOW_A_PACKET] || a[WEFT_FLOW_A_PACKET_KEY]) &&
	    info->genlhdr->cmd != WEFT_CMD_FLOW_NEW) {
		NL_SET_ERR_MSG(info->extack, "only FLOW_NEW executes a packet");
		return -EINVAL;
	}
	if (!a[WEFT_FLOW_A_PACKET] != !a[WEFT_FLOW_A_PACKET_KEY]) {
		NL_SET_ERR_MSG(info->extack, "FLOW_A_PACKET and FLOW_A_PACKET_KEY go together");
		return -EINVAL;
	}
	req->has_key = false;
	req->ufid = a[WEFT_FLOW_A_UFID] ? nla_data(a[WEFT_FLOW_A_UFID]) : NULL;
	req->ufid_flags = a[WEFT_FLOW_A_UFID_FLAGS] ?
			  nla_get_u32(a[WEFT_FLOW_A_UFID_FLAGS]) : 0;
	if (a[WEFT_FLOW_A_KEY_COMPACT] || a[WEFT_FLOW_A_MASK_COMPACT]) {
		if (a[WEFT_FLOW_A_KEY] || a[WEFT_FLOW_A_MASK]) {
			NL_SET_ERR_MSG(info->extack, "a flow's key and mask are either attributes or compact, not both");
			return -EINVAL;
		}
		if (!a[WEFT_FLOW_A_KEY_COMPACT]) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    a[WEFT_FLOW_A_MASK_COMPACT],
					    "a compact flow mask needs a compact flow key");
			return -EINVAL;
		}
		err = weft_key_compact_parse_flow(a[WEFT_FLOW_A_KEY_COMPACT],
						  a[WEFT_FLOW_A_MASK_COMPACT],
						  &req->key, &req->mask,
						  info->extack);
		if (err)
			return err;
		req->has_key = true;
		return 0;
	}
	if (!a[WEFT_FLOW_A_KEY]) {
		if (a[WEFT_FLOW_A_MASK]) {
			NL_SET_ERR_MSG_ATTR(info->extack, a[WEFT_FLOW_A_MASK],
					    "a flow mask needs a flow key");
			return -EINVAL;
		}
		return 0;
	}
	err = weft_key_parse_flow(a[WEFT_FLOW_A_KEY], a[WEFT_FLOW_A_MASK],
				  &req->key, &req->mask, info->extack);
	if (err)
		return err;
	req->has_key = true;
	return 0;
}

/* The flow @req names, by UFID first (weft_lock held). */
static struct weft_flow *flow_req_find(struct weft_datapath *dp,
				       const struct flow_req *req)
{
	if (req->ufid)
		return weft_flow_table_find_ufid(dp->table, req->ufid);
	if (req->has_key)
		return weft_flow_table_find(dp->table, &req->key, &req->mask);
	return NULL;
}

static u64 used_msecs(unsigned long used)
{
	u64 now = div_u64(ktime_get_ns(), NSEC_PER_MSEC);
	u64 idle = jiffies_to_msecs(jiffies - used);

	return now > idle ? now - idle : 0;
}

static int flow_put_stats(struct sk_buff *skb, const struct weft_flow *flow)
{
	unsigned long used;
	u64 packets, bytes;
	struct nlattr *nest;
	__be16 tcp_flags;

	weft_flow_stats_get(flow, &packets, &bytes, &used, &tcp_flags);
	nest = nla_nest_start(skb, WEFT_FLOW_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, WEFT_FLOW_STATS_A_PACKETS, packets,
			      WEFT_FLOW_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_FLOW_STATS_A_BYTES, bytes,
			      WEFT_FLOW_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	if (used && nla_put_u64_64bit(skb, WEFT_FLOW_A_USED, used_msecs(used),
				      WEFT_FLOW_A_PAD))
		return -EMSGSIZE;
	if (tcp_flags &&
	    nla_put_u16(skb, WEFT_FLOW_A_TCP_FLAGS, ntohs(tcp_flags)))
		return -EMSGSIZE;
	return 0;
}

/* The attributes of one flow (weft_lock held). */
static int flow_put(struct sk_buff *skb, struct weft_datapath *dp,
		    const struct weft_flow *flow, u32 ufid_flags)
{
	const struct weft_flow_actions *acts;

	if (nla_put_u32(skb, WEFT_FLOW_A_DP_IFINDEX, weft_dp_ifindex(dp)) ||
	    (flow->has_ufid &&
	     nla_put(skb, WEFT_FLOW_A_UFID, WEFT_UFID_LEN, flow->ufid)))
		return -EMSGSIZE;
	/* Without a UFID the key is the flow's only name: always sent. */
	if ((!flow->has_ufid || !(ufid_flags & WEFT_UFID_F_OMIT_KEY)) &&
	    weft_key_put(skb, WEFT_FLOW_A_KEY, &flow->key, &flow->key))
		return -EMSGSIZE;
	if (!(ufid_flags & WEFT_UFID_F_OMIT_MASK) &&
	    weft_key_put(skb, WEFT_FLOW_A_MASK, &flow->key, &flow->mask->key))
		return -EMSGSIZE;
	if (flow_put_stats(skb, flow))
		return -EMSGSIZE;
	if (ufid_flags & WEFT_UFID_F_OMIT_ACTIONS)
		return 0;
	acts = rcu_dereference_protected(flow->acts, weft_lock_is_held());
	return weft_actions_put(skb, WEFT_FLOW_A_ACTIONS, acts);
}

/* One flow as a whole genl message; @cb is set for dumps. */
static int flow_fill(struct sk_buff *skb, struct weft_datapath *dp,
		     const struct weft_flow *flow, u32 ufid_flags, u32 portid,
		     u32 seq, u16 flags, u8 cmd, struct netlink_callback *cb)
{
	void *hdr = genlmsg_put(skb, portid, seq, &weft_genl_family, flags,
				cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (flow_put(skb, dp, flow, ufid_flags)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static size_t flow_msg_size(const struct weft_flow_actions *acts)
{
	return nla_total_size(4)				/* DP_IFINDEX */
		+ nla_total_size(WEFT_UFID_LEN)			/* UFID */
		+ 2 * weft_key_nlmsg_size()			/* KEY, MASK */
		+ nla_total_size(0)				/* STATS */
		+ 2 * nla_total_size_64bit(sizeof(u64))
		+ nla_total_size_64bit(sizeof(u64))		/* USED */
		+ nla_total_size(sizeof(u16))			/* TCP_FLAGS */
		+ weft_actions_nlmsg_size(acts);		/* ACTIONS */
}

/* A reply to @info describing @flow (weft_lock held). */
static struct sk_buff *flow_reply(struct weft_datapath *dp,
				  const struct weft_flow *flow,
				  struct genl_info *info, u32 ufid_flags)
{
	const struct weft_flow_actions *acts;
	struct sk_buff *msg;
	int err;

	acts = rcu_dereference_protected(flow->acts, weft_lock_is_held());
	msg = genlmsg_new(flow_msg_size(acts), GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	err = flow_fill(msg, dp, flow, ufid_flags, info->snd_portid,
			info->snd_seq, 0, info->genlhdr->cmd, NULL);
	if (WARN_ON_ONCE(err)) {
		nlmsg_free(msg);
		return ERR_PTR(err);
	}
	return msg;
}

/* With NLM_F_ECHO, the reply for NEW and SET; NULL when none or no memory. */
static struct sk_buff *flow_echo(struct weft_datapath *dp,
				 const struct weft_flow *flow,
				 struct genl_info *info, u32 ufid_flags)
{
	struct sk_buff *msg;

	if (!(info->nlhdr->nlmsg_flags & NLM_F_ECHO))
		return NULL;
	msg = flow_reply(dp, flow, info, ufid_flags);
	return IS_ERR(msg) ? NULL : msg;
}

static void flow_set_actions(struct weft_flow *flow,
			     struct weft_flow_actions *acts)
{
	struct weft_flow_actions *old;

	old = rcu_replace_pointer(flow->acts, acts, weft_lock_is_held());
	if (old)
		weft_actions_free_rcu(old);
}

/*
 * flow_new_locked() - insert @new, or move its actions to the flow the
 * request names (weft_lock held).
 * @result: out: the flow now installed (@new or the existing one).
 *
 * A UFID and a key that name two different flows, or one flow and none,
 * conflict: a UFID is never moved to another key, nor given to a flow
 * that was installed without it.
 */
static int flow_new_locked(struct weft_datapath *dp, struct weft_flow *new,
			   const struct flow_req *req, struct genl_info *info,
			   struct weft_flow **result)
{
	u16 nlflags = info->nlhdr->nlmsg_flags;
	struct netlink_ext_ack *extack = info->extack;
	struct weft_flow *by_ufid = NULL, *by_key;
	struct weft_flow_hint hint;
	int err;

	if (req->ufid)
		by_ufid = weft_flow_table_find_ufid(dp->table, req->ufid);
	by_key = weft_flow_table_find_hinted(dp->table, &req->key, &req->mask,
					     &hint);

	if (!by_ufid && !by_key) {
		if (!(nlflags & NLM_F_CREATE)) {
			NL_SET_ERR_MSG(extack, "no such flow, and NLM_F_CREATE is not set");
			return -ENOENT;
		}
		err = weft_flow_table_insert(dp->table, new, &req->mask,
					     &hint);
		if (!err)
			*result = new;
		return err;
	}
	if (nlflags & NLM_F_EXCL) {
		NL_SET_ERR_MSG(extack, "the flow exists (NLM_F_EXCL)");
		return -EEXIST;
	}
	if (req->ufid && by_ufid != by_key) {
		if (by_ufid)
			NL_SET_ERR_MSG(extack, "the UFID names a flow with another key or mask");
		else
			NL_SET_ERR_MSG(extack, "a flow with this key and mask exists without this UFID");
		return -EEXIST;
	}

	*result = by_key;
	flow_set_actions(by_key, rcu_replace_pointer(new->acts, NULL, true));
	if (info->attrs[WEFT_FLOW_A_CLEAR])
		weft_flow_stats_clear(by_key);
	return 0;
}

/**
 * weft_flow_nl_new() - WEFT_CMD_FLOW_NEW: create a flow, or replace the
 * actions of the one the request names (see uapi/linux/weft.h); with
 * PACKET, run that frame through the actions too (a miss in one request).
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0 or -errno (the flow's), with an extack message.
 */
int weft_flow_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct weft_flow_actions *acts;
	struct weft_flow *flow, *result = NULL;
	struct sk_buff *reply = NULL, *packet = NULL;
	struct weft_datapath *dp;
	struct weft_flow_key pkey;
	struct flow_req req;
	int err;

	if ((!a[WEFT_FLOW_A_KEY_COMPACT] &&
	     GENL_REQ_ATTR_CHECK(info, WEFT_FLOW_A_KEY)) ||
	    GENL_REQ_ATTR_CHECK(info, WEFT_FLOW_A_ACTIONS)) {
		NL_SET_ERR_MSG(info->extack, "FLOW_NEW needs KEY (or KEY_COMPACT) and ACTIONS");
		return -EINVAL;
	}
	err = flow_req_parse(info, &req);
	if (err)
		return err;

	flow = weft_flow_alloc();
	if (IS_ERR(flow))
		return PTR_ERR(flow);
	flow->key = req.key;
	if (req.ufid) {
		memcpy(flow->ufid, req.ufid, WEFT_UFID_LEN);
		flow->has_ufid = true;
	}
	acts = weft_actions_parse(a[WEFT_FLOW_A_ACTIONS], genl_info_net(info),
				  &req.key, &req.mask, info->extack);
	if (IS_ERR(acts)) {
		err = PTR_ERR(acts);
		goto out_free;
	}
	RCU_INIT_POINTER(flow->acts, acts);
	/*
	 * A miss's packet: the flow's actions suit it (it matches the flow),
	 * so they are parsed once for both.
	 */
	if (a[WEFT_FLOW_A_PACKET]) {
		packet = weft_packet_nl_build(a[WEFT_FLOW_A_PACKET],
					      a[WEFT_FLOW_A_PACKET_KEY], &pkey,
					      info->extack);
		if (IS_ERR(packet)) {
			err = PTR_ERR(packet);
			packet = NULL;
			goto out_free;
		}
	}

	weft_lock();
	dp = weft_nl_dp_from_attr(genl_info_net(info),
				  a[WEFT_FLOW_A_DP_IFINDEX], info->extack);
	err = IS_ERR(dp) ? PTR_ERR(dp) :
			   flow_new_locked(dp, flow, &req, info, &result);
	if (!err)
		reply = flow_echo(dp, result, info, req.ufid_flags);
	/* Run with the actions of the request, wherever they went. */
	if (packet && !IS_ERR(dp)) {
		weft_packet_run(dp, packet, acts, &pkey);
		packet = NULL;
	}
	weft_unlock();

out_free:
	kfree_skb(packet);
	/* Unless inserted, the new flow (with actions not handed on) goes. */
	if (result != flow)
		weft_flow_free(flow, false);
	return reply ? genlmsg_reply(reply, info) : err;
}

static int flow_req_named(struct genl_info *info, const struct flow_req *req)
{
	if (req->ufid || req->has_key)
		return 0;
	NL_SET_ERR_MSG(info->extack, "the flow's UFID or KEY is required");
	return -EINVAL;
}

/**
 * weft_flow_nl_set() - WEFT_CMD_FLOW_SET: replace the actions of an
 * existing flow and/or clear its stats. A flow named by UFID keeps its key
 * and mask: a KEY/MASK given as well is only checked for validity.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0, -ENOENT when there is no such flow, or -errno.
 */
int weft_flow_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *actions = info->attrs[WEFT_FLOW_A_ACTIONS];
	struct weft_flow_actions *acts = NULL;
	struct sk_buff *reply = NULL;
	struct weft_datapath *dp;
	struct weft_flow *flow;
	struct flow_req req;
	int err;

	err = flow_req_parse(info, &req) ?: flow_req_named(info, &req);
	if (err)
		return err;

	weft_lock();
	dp = weft_nl_dp_from_attr(genl_info_net(info),
				  info->attrs[WEFT_FLOW_A_DP_IFINDEX],
				  info->extack);
	if (IS_ERR(dp)) {
		err = PTR_ERR(dp);
		goto out_unlock;
	}
	flow = flow_req_find(dp, &req);
	if (!flow) {
		NL_SET_ERR_MSG(info->extack, "no such flow");
		err = -ENOENT;
		goto out_unlock;
	}
	/* Actions are checked against the key and mask the flow has. */
	if (actions) {
		acts = weft_actions_parse(actions, genl_info_net(info),
					  &flow->key, &flow->mask->key,
					  info->extack);
		if (IS_ERR(acts)) {
			err = PTR_ERR(acts);
			goto out_unlock;
		}
		flow_set_actions(flow, acts);
	}
	if (info->attrs[WEFT_FLOW_A_CLEAR])
		weft_flow_stats_clear(flow);
	reply = flow_echo(dp, flow, info, req.ufid_flags);
out_unlock:
	weft_unlock();
	return reply ? genlmsg_reply(reply, info) : err;
}

/* Delete every flow of the datapath (weft_lock held). */
static int flow_flush(struct weft_datapath *dp)
{
	return weft_flow_table_flush(dp->table);
}

/**
 * weft_flow_nl_del() - WEFT_CMD_FLOW_DEL: delete the flow the request names
 * and reply with its final state, or, with neither UFID nor KEY, delete
 * every flow of the datapath.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0, -ENOENT when there is no such flow, or -errno.
 */
int weft_flow_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct weft_flow *flow = NULL;
	struct sk_buff *reply = NULL;
	struct weft_datapath *dp;
	struct flow_req req;
	int err;

	err = flow_req_parse(info, &req);
	if (err)
		return err;

	weft_lock();
	dp = weft_nl_dp_from_attr(genl_info_net(info),
				  info->attrs[WEFT_FLOW_A_DP_IFINDEX],
				  info->extack);
	if (IS_ERR(dp)) {
		err = PTR_ERR(dp);
		goto out_unlock;
	}
	if (!req.ufid && !req.has_key) {
		err = flow_flush(dp);
		goto out_unlock;
	}
	flow = flow_req_find(dp, &req);
	if (!flow) {
		NL_SET_ERR_MSG(info->extack, "no such flow");
		err = -ENOENT;
		goto out_unlock;
	}
	/* Filled while the flow and its mask are still in the table. */
	reply = flow_reply(dp, flow, info, req.ufid_flags);
	if (IS_ERR(reply)) {
		err = PTR_ERR(reply);
		reply = NULL;
		flow = NULL;
		goto out_unlock;
	}
	weft_flow_table_remove(dp->table, flow);
out_unlock:
	weft_unlock();
	if (reply) {
		weft_flow_free(flow, true);
		return genlmsg_reply(reply, info);
	}
	return err;
}

/**
 * weft_flow_nl_get() - WEFT_CMD_FLOW_GET doit: reply with one flow.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0, -ENOENT when there is no such flow, or -errno.
 */
int weft_flow_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply = NULL;
	struct weft_datapath *dp;
	struct weft_flow *flow;
	struct flow_req req;
	int err;

	err = flow_req_parse(info, &req) ?: flow_req_named(info, &req);
	if (err)
		return err;

	weft_lock();
	dp = weft_nl_dp_from_attr(genl_info_net(info),
				  info->attrs[WEFT_FLOW_A_DP_IFINDEX],
				  info->extack);
	if (IS_ERR(dp)) {
		err = PTR_ERR(dp);
		goto out_unlock;
	}
	flow = flow_req_find(dp, &req);
	if (!flow) {
		NL_SET_ERR_MSG(info->extack, "no such flow");
		err = -ENOENT;
		goto out_unlock;
	}
	reply = flow_reply(dp, flow, info, req.ufid_flags);
	if (IS_ERR(reply)) {
		err = PTR_ERR(reply);
		reply = NULL;
	}
out_unlock:
	weft_unlock();
	return reply ? genlmsg_reply(reply, info) : err;
}

/**
 * weft_flow_nl_dump() - WEFT_CMD_FLOW_GET dumpit: every flow of a datapath.
 * @skb: the message to fill.
 * @cb: cb->args[0..1] hold the table cursor between messages; cb->seq
 *      the table generation, so a message built after a change carries
 *      NLM_F_DUMP_INTR.
 *
 * Return: the length of @skb (0 at the end), or -errno.
 */
int weft_flow_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **a = weft_dump_attrs(cb);
	u64 cursor[2] = { cb->args[0], cb->args[1] };
	struct weft_datapath *dp;
	struct weft_flow *flow;
	u32 ufid_flags = 0;
	int err = 0, n = 0;
	u64 before[2];

	if (!a)
		return -EINVAL;
	if (a[WEFT_FLOW_A_UFID_FLAGS])
		ufid_flags = nla_get_u32(a[WEFT_FLOW_A_UFID_FLAGS]);

	weft_lock();
	dp = weft_nl_dp_from_attr(sock_net(skb->sk),
				  a[WEFT_FLOW_A_DP_IFINDEX], cb->extack);
	if (IS_ERR(dp)) {
		weft_unlock();
		return PTR_ERR(dp);
	}
	cb->seq = weft_flow_table_generation(dp->table);
	for (;;) {
		memcpy(before, cursor, sizeof(before));
		flow = weft_flow_table_dump_next(dp->table, cursor);
		if (!flow)
			break;
		err = flow_fill(skb, dp, flow, ufid_flags,
				NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				NLM_F_MULTI, WEFT_CMD_FLOW_GET, cb);
		if (err) {
			/* The next message starts with this flow. */
			memcpy(cursor, before, sizeof(before));
			break;
		}
		n++;
	}
	weft_unlock();

	cb->args[0] = cursor[0];
	cb->args[1] = cursor[1];
	/* A flow that does not fit in an empty message never will. */
	return err && !n ? err : skb->len;
}
