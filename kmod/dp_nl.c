// SPDX-License-Identifier: GPL-2.0
/*
 * WEFT_CMD_DP_*: create, delete, change and report datapaths.
 */
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "compat.h"
#include "datapath.h"
#include "flow_table.h"
#include "genl.h"

const struct nla_policy weft_dp_nl_policy[WEFT_DP_A_MAX + 1] = {
	[WEFT_DP_A_NAME] = { .type = NLA_NUL_STRING,
			     .len = WEFT_DP_NAME_MAX - 1 },
	[WEFT_DP_A_DP_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[WEFT_DP_A_UPCALL_PIDS] = { .type = NLA_BINARY,
				    .len = WEFT_DP_MAX_UPCALL_PIDS * sizeof(u32) },
	[WEFT_DP_A_USER_FEATURES] = NLA_POLICY_MASK(NLA_U32, __WEFT_DP_F_ALL),
	[WEFT_DP_A_UNUSED] = { .type = NLA_REJECT },
	/* STATS and MASKS_CACHE_SIZE are reply-only: refused as unknown. */
};

static size_t dp_msg_size(const struct weft_datapath *dp)
{
	const struct weft_upcall_pids *pids;
	size_t n_pids;

	pids = rcu_dereference_protected(dp->upcall_pids, weft_lock_is_held());
	n_pids = pids ? pids->n_pids : 0;
	return nla_total_size(sizeof(u32))		/* DP_IFINDEX */
		+ nla_total_size(IFNAMSIZ)		/* NAME */
		+ nla_total_size(0)			/* STATS */
		+ 6 * nla_total_size_64bit(sizeof(u64))
		+ nla_total_size(sizeof(u32))		/* STATS_A_MASKS */
		+ nla_total_size(n_pids * sizeof(u32))	/* UPCALL_PIDS */
		/* USER_FEATURES, MASKS_CACHE_SIZE */
		+ 2 * nla_total_size(sizeof(u32));
}

static int dp_put_stats(struct sk_buff *skb, const struct weft_datapath *dp)
{
	struct weft_dp_stats stats;
	struct nlattr *nest;

	weft_dp_stats_get(dp, &stats);
	nest = nla_nest_start(skb, WEFT_DP_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, WEFT_DP_STATS_A_HIT, stats.n_hit,
			      WEFT_DP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_DP_STATS_A_MISSED, stats.n_missed,
			      WEFT_DP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_DP_STATS_A_LOST, stats.n_lost,
			      WEFT_DP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_DP_STATS_A_FLOWS,
			      weft_flow_table_count(dp->table),
			      WEFT_DP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_DP_STATS_A_MASK_HIT, stats.n_mask_hit,
			      WEFT_DP_STATS_A_PAD) ||
	    nla_put_u32(skb, WEFT_DP_STATS_A_MASKS,
			weft_flow_table_mask_count(dp->table)) ||
	    nla_put_u64_64bit(skb, WEFT_DP_STATS_A_CACHE_HIT,
			      stats.n_cache_hit, WEFT_DP_STATS_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One datapath as a message; with @cb, part of a dump. */
static int dp_fill(struct sk_buff *skb, const struct weft_datapath *dp,
		   u32 portid, u32 seq, int flags, u8 cmd,
		   struct netlink_callback *cb)
{
	const struct weft_upcall_pids *pids;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &weft_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	pids = rcu_dereference_protected(dp->upcall_pids, weft_lock_is_held());
	if (nla_put_u32(skb, WEFT_DP_A_DP_IFINDEX, weft_dp_ifindex(dp)) ||
	    nla_put_string(skb, WEFT_DP_A_NAME, weft_dp_name(dp)) ||
	    dp_put_stats(skb, dp) ||
	    nla_put(skb, WEFT_DP_A_UPCALL_PIDS,
		    pids ? pids->n_pids * sizeof(u32) : 0,
		    pids ? pids->pids : NULL) ||
	    nla_put_u32(skb, WEFT_DP_A_USER_FEATURES, dp->user_features) ||
	    nla_put_u32(skb, WEFT_DP_A_MASKS_CACHE_SIZE, WEFT_MASK_CACHE_SIZE)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Reply to @info with @dp's state (weft_lock held). */
static int dp_reply(const struct weft_datapath *dp, struct genl_info *info,
		    u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(dp_msg_size(dp), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = dp_fill(msg, dp, info->snd_portid, info->snd_seq, 0, cmd, NULL);
	if (WARN_ON_ONCE(err)) {	/* dp_msg_size() is wrong */
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* The datapath a request names by DP_IFINDEX or NAME (weft_lock held). */
static struct weft_datapath *dp_lookup(struct genl_info *info)
{
	struct nlattr *name = info->attrs[WEFT_DP_A_NAME];
	struct net *net = genl_info_net(info);
	struct weft_datapath *dp;

	if (info->attrs[WEFT_DP_A_DP_IFINDEX]) {
		dp = weft_nl_dp_from_attr(net, info->attrs[WEFT_DP_A_DP_IFINDEX],
					  info->extack);
		if (!IS_ERR(dp) && name && nla_strcmp(name, weft_dp_name(dp))) {
			NL_SET_ERR_MSG_ATTR(info->extack, name,
					    "WEFT_DP_A_NAME does not match WEFT_DP_A_DP_IFINDEX");
			return ERR_PTR(-EINVAL);
		}
		return dp;
	}
	if (!name) {
		NL_SET_ERR_MSG(info->extack,
			       "WEFT_DP_A_NAME or WEFT_DP_A_DP_IFINDEX is required");
		return ERR_PTR(-EINVAL);
	}
	dp = weft_dp_find_by_name(net, nla_data(name));
	if (!dp) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "no datapath with this name in the namespace");
		return ERR_PTR(-ENODEV);
	}
	return dp;
}

/* The settable attributes, for NEW and SET (weft_lock held). */
static int dp_apply(struct weft_datapath *dp, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	int err;

	if (a[WEFT_DP_A_UPCALL_PIDS]) {
		err = weft_dp_set_upcall_pids(dp, a[WEFT_DP_A_UPCALL_PIDS],
					      info->extack);
		if (err)
			return err;
	}
	if (a[WEFT_DP_A_USER_FEATURES])
		WRITE_ONCE(dp->user_features,
			   nla_get_u32(a[WEFT_DP_A_USER_FEATURES]));
	return 0;
}

/**
 * weft_dp_nl_new() - WEFT_CMD_DP_NEW: a datapath and its local port.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0 or -errno (-EEXIST when the name is taken).
 */
int weft_dp_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[WEFT_DP_A_NAME];
	struct net *net = genl_info_net(info);
	struct weft_datapath *dp;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, WEFT_DP_A_NAME))
		return -EINVAL;
	rtnl_lock();
	weft_lock();
	if (weft_dp_find_by_name(net, nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "a datapath with this name already exists");
		err = -EEXIST;
		goto out_unlock;
	}
	dp = weft_dp_create(net, name, info->extack);
	if (IS_ERR(dp)) {
		err = PTR_ERR(dp);
		goto out_unlock;
	}
	err = dp_apply(dp, info);
	if (err) {
		weft_dp_destroy(dp);
		goto out_unlock;
	}
	err = dp_reply(dp, info, WEFT_CMD_DP_NEW);
out_unlock:
	weft_unlock();
	rtnl_unlock();
	return err;
}

/**
 * weft_dp_nl_del() - WEFT_CMD_DP_DEL: a datapath, its ports and flows.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0 or -errno.
 */
int weft_dp_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct weft_datapath *dp;
	int err = 0;

	rtnl_lock();
	weft_lock();
	dp = dp_lookup(info);
	if (IS_ERR(dp))
		err = PTR_ERR(dp);
	else
		weft_dp_destroy(dp);
	weft_unlock();
	rtnl_unlock();
	return err;
}

/**
 * weft_dp_nl_set() - WEFT_CMD_DP_SET: upcall pids, features, queue bound.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0 or -errno.
 */
int weft_dp_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct weft_datapath *dp;
	int err;

	weft_lock();
	dp = dp_lookup(info);
	if (IS_ERR(dp)) {
		err = PTR_ERR(dp);
		goto out_unlock;
	}
	err = dp_apply(dp, info);
	if (!err)
		err = dp_reply(dp, info, WEFT_CMD_DP_SET);
out_unlock:
	weft_unlock();
	return err;
}

/**
 * weft_dp_nl_get() - WEFT_CMD_DP_GET for one datapath.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0 or -errno.
 */
int weft_dp_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct weft_datapath *dp;
	int err;

	weft_lock();
	dp = dp_lookup(info);
	err = IS_ERR(dp) ? PTR_ERR(dp) : dp_reply(dp, info, WEFT_CMD_DP_GET);
	weft_unlock();
	return err;
}

/**
 * weft_dp_nl_dump() - WEFT_CMD_DP_GET dump: every datapath of the namespace.
 * @skb: the message to fill.
 * @cb: args[0] counts the datapaths already sent.
 *
 * Return: the message length, 0 at the end, or -errno.
 */
int weft_dp_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct weft_datapath *dp;
	long i = 0, skip = cb->args[0];

	weft_lock();
	/* Nonzero, so that genl_dump_check_consistent() compares it. */
	cb->seq = weft_dp_list_generation(net) | 1U << 31;
	list_for_each_entry(dp, weft_dp_list(net), list_node) {
		if (i >= skip &&
		    dp_fill(skb, dp, NETLINK_CB(cb->skb).portid,
			    cb->nlh->nlmsg_seq, NLM_F_MULTI, WEFT_CMD_DP_GET,
			    cb) < 0)
			break;
		i++;
	}
	weft_unlock();
	cb->args[0] = i;
	return skb->len;
}
