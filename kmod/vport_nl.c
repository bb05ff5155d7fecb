// SPDX-License-Identifier: GPL-2.0
/*
 * WEFT_CMD_VPORT_*: add, remove, change and report a datapath's ports.
 */
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "compat.h"
#include "datapath.h"
#include "genl.h"
#include "vport.h"

/* Not const: 6.1 declares the policy's range pointer without it. */
static struct netlink_range_validation vport_port_no_range = {
	.min = WEFT_VPORT_LOCAL,
	.max = WEFT_VPORT_MAX,
};

const struct nla_policy weft_vport_nl_policy[WEFT_VPORT_A_MAX + 1] = {
	[WEFT_VPORT_A_DP_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[WEFT_VPORT_A_PORT_NO] = NLA_POLICY_FULL_RANGE(NLA_U32,
						       &vport_port_no_range),
	[WEFT_VPORT_A_TYPE] = NLA_POLICY_RANGE(NLA_U32, WEFT_VPORT_TYPE_NETDEV,
					       WEFT_VPORT_TYPE_MAX),
	[WEFT_VPORT_A_NAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[WEFT_VPORT_A_OPTIONS] = { .type = NLA_NESTED },
	/* IFINDEX and STATS are reply-only: refused as unknown. */
};

static size_t vport_msg_size(void)
{
	return 4 * nla_total_size(sizeof(u32))	/* DP_IFINDEX, PORT_NO, TYPE, IFINDEX */
		+ nla_total_size(IFNAMSIZ)	/* NAME */
		+ nla_total_size(0)		/* STATS */
		+ 11 * nla_total_size_64bit(sizeof(u64))
		+ nla_total_size(nla_total_size(sizeof(u16)));	/* OPTIONS */
}

static int vport_put_stats(struct sk_buff *skb, struct weft_vport *vport)
{
	struct rtnl_link_stats64 st;
	struct nlattr *nest;

	dev_get_stats(vport->dev, &st);
	nest = nla_nest_start(skb, WEFT_VPORT_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_RX_PACKETS,
			      st.rx_packets, WEFT_VPORT_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_RX_BYTES,
			      st.rx_bytes, WEFT_VPORT_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_RX_ERRORS,
			      st.rx_errors, WEFT_VPORT_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_RX_DROPPED,
			      st.rx_dropped, WEFT_VPORT_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_TX_PACKETS,
			      st.tx_packets, WEFT_VPORT_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_TX_BYTES,
			      st.tx_bytes, WEFT_VPORT_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_TX_ERRORS,
			      st.tx_errors, WEFT_VPORT_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, WEFT_VPORT_STATS_A_TX_DROPPED,
			      st.tx_dropped, WEFT_VPORT_STATS_A_PAD) ||
	    (vport->ops->put_stats && vport->ops->put_stats(vport, skb))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One port as a message; with @cb, part of a dump. */
static int vport_fill(struct sk_buff *skb, struct weft_vport *vport,
		      u32 portid, u32 seq, int flags, u8 cmd,
		      struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &weft_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, WEFT_VPORT_A_DP_IFINDEX,
			weft_dp_ifindex(vport->dp)) ||
	    nla_put_u32(skb, WEFT_VPORT_A_PORT_NO, vport->port_no) ||
	    nla_put_u32(skb, WEFT_VPORT_A_TYPE, vport->ops->type) ||
	    nla_put_string(skb, WEFT_VPORT_A_NAME, vport->dev->name) ||
	    nla_put_u32(skb, WEFT_VPORT_A_IFINDEX, vport->dev->ifindex) ||
	    vport_put_stats(skb, vport) ||
	    (vport->ops->put_options && vport->ops->put_options(vport, skb))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int vport_reply(struct weft_vport *vport, struct genl_info *info,
		       u8 cmd)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(vport_msg_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = vport_fill(msg, vport, info->snd_portid, info->snd_seq, 0, cmd,
			 NULL);
	if (WARN_ON_ONCE(err)) {	/* vport_msg_size() is wrong */
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* The port a request names by DP_IFINDEX and PORT_NO or NAME (weft_lock). */
static struct weft_vport *vport_lookup(struct genl_info *info)
{
	struct nlattr *port_no = info->attrs[WEFT_VPORT_A_PORT_NO];
	struct nlattr *name = info->attrs[WEFT_VPORT_A_NAME];
	struct weft_datapath *dp;
	struct weft_vport *vport;

	dp = weft_nl_dp_from_attr(genl_info_net(info),
				  info->attrs[WEFT_VPORT_A_DP_IFINDEX],
				  info->extack);
	if (IS_ERR(dp))
		return ERR_CAST(dp);
	if (port_no) {
		vport = weft_dp_lookup_port(dp, nla_get_u32(port_no));
		if (!vport) {
			NL_SET_ERR_MSG_ATTR(info->extack, port_no,
					    "the datapath has no port with this number");
			return ERR_PTR(-ENODEV);
		}
		if (name && nla_strcmp(name, vport->dev->name)) {
			NL_SET_ERR_MSG_ATTR(info->extack, name,
					    "WEFT_VPORT_A_NAME does not match WEFT_VPORT_A_PORT_NO");
			return ERR_PTR(-EINVAL);
		}
		return vport;
	}
	if (!name) {
		NL_SET_ERR_MSG(info->extack,
			       "WEFT_VPORT_A_PORT_NO or WEFT_VPORT_A_NAME is required");
		return ERR_PTR(-EINVAL);
	}
	vport = weft_vport_find_by_name(dp, nla_data(name));
	if (!vport) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "the datapath has no port with this name");
		return ERR_PTR(-ENODEV);
	}
	return vport;
}

/* The port number a new port gets: the requested one if free, or the lowest. */
static int vport_new_port_no(struct weft_datapath *dp, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[WEFT_VPORT_A_PORT_NO];
	int port_no;

	if (!attr) {
		port_no = weft_dp_alloc_port_no(dp);
		if (port_no < 0)
			NL_SET_ERR_MSG(info->extack,
				       "every port number of the datapath is in use");
		return port_no;
	}
	port_no = nla_get_u32(attr);
	if (weft_dp_lookup_port(dp, port_no)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "the datapath already has a port with this number");
		return -EBUSY;
	}
	return port_no;
}

static int vport_new_locked(struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct weft_vport_parms parms = {
		.name = nla_data(a[WEFT_VPORT_A_NAME]),
		.name_attr = a[WEFT_VPORT_A_NAME],
		.type = nla_get_u32(a[WEFT_VPORT_A_TYPE]),
		.options = a[WEFT_VPORT_A_OPTIONS],
	};
	struct weft_vport *vport;
	int port_no;

	parms.dp = weft_nl_dp_from_attr(genl_info_net(info),
					a[WEFT_VPORT_A_DP_IFINDEX], info->extack);
	if (IS_ERR(parms.dp))
		return PTR_ERR(parms.dp);
	if (weft_vport_find_by_name(parms.dp, parms.name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[WEFT_VPORT_A_NAME],
				    "the datapath already has a port with this name");
		return -EEXIST;
	}
	port_no = vport_new_port_no(parms.dp, info);
	if (port_no < 0)
		return port_no;
	parms.port_no = port_no;
	vport = weft_vport_add(&parms, info->extack);
	if (IS_ERR(vport))
		return PTR_ERR(vport);
	return vport_reply(vport, info, WEFT_CMD_VPORT_NEW);
}

/**
 * weft_vport_nl_new() - WEFT_CMD_VPORT_NEW: attach or create a port.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0 or -errno.
 */
int weft_vport_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, WEFT_VPORT_A_DP_IFINDEX) ||
	    GENL_REQ_ATTR_CHECK(info, WEFT_VPORT_A_TYPE) ||
	    GENL_REQ_ATTR_CHECK(info, WEFT_VPORT_A_NAME))
		return -EINVAL;
	rtnl_lock();
	weft_lock();
	err = vport_new_locked(info);
	weft_unlock();
	rtnl_unlock();
	return err;
}

/**
 * weft_vport_nl_del() - WEFT_CMD_VPORT_DEL: detach or destroy a port.
 * @skb: the request.
 * @info: its attributes.
 *
 * The local port goes only with its datapath.
 *
 * Return: 0 or -errno.
 */
int weft_vport_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct weft_vport *vport;
	int err = 0;

	rtnl_lock();
	weft_lock();
	vport = vport_lookup(info);
	if (IS_ERR(vport)) {
		err = PTR_ERR(vport);
	} else if (vport->port_no == WEFT_VPORT_LOCAL) {
		NL_SET_ERR_MSG(info->extack,
			       "port 0 is the datapath's local port: delete the datapath instead");
		err = -EINVAL;
	} else {
		weft_vport_del(vport);
	}
	weft_unlock();
	rtnl_unlock();
	return err;
}

/**
 * weft_vport_nl_set() - WEFT_CMD_VPORT_SET: change a port's options.
 * @skb: the request.
 * @info: its attributes.
 *
 * Netdev and internal ports have no options yet.
 *
 * Return: 0 or -errno.
 */
int weft_vport_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *type = info->attrs[WEFT_VPORT_A_TYPE];
	struct weft_vport *vport;
	int err;

	weft_lock();
	vport = vport_lookup(info);
	if (IS_ERR(vport)) {
		err = PTR_ERR(vport);
	} else if (type && nla_get_u32(type) != vport->ops->type) {
		NL_SET_ERR_MSG_ATTR(info->extack, type,
				    "WEFT_VPORT_A_TYPE does not match the port's type");
		err = -EINVAL;
	} else if (info->attrs[WEFT_VPORT_A_OPTIONS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[WEFT_VPORT_A_OPTIONS],
				    "vport options cannot be changed once the port exists");
		err = -EOPNOTSUPP;
	} else {
		err = vport_reply(vport, info, WEFT_CMD_VPORT_SET);
	}
	weft_unlock();
	return err;
}

/**
 * weft_vport_nl_get() - WEFT_CMD_VPORT_GET for one port.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0 or -errno.
 */
int weft_vport_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct weft_vport *vport;
	int err;

	weft_lock();
	vport = vport_lookup(info);
	err = IS_ERR(vport) ? PTR_ERR(vport) :
	      vport_reply(vport, info, WEFT_CMD_VPORT_GET);
	weft_unlock();
	return err;
}

/**
 * weft_vport_nl_dump() - WEFT_CMD_VPORT_GET dump: every port of a datapath.
 * @skb: the message to fill.
 * @cb: args[0] is the hash bucket, args[1] the ports of it already sent.
 *
 * Return: the message length, 0 at the end, or -errno.
 */
int weft_vport_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **attrs = weft_dump_attrs(cb);
	struct weft_datapath *dp;
	struct weft_vport *vport;
	long bucket, skip = cb->args[1], i;
	int err = 0;

	weft_lock();
	dp = weft_nl_dp_from_attr(sock_net(skb->sk),
				  attrs[WEFT_VPORT_A_DP_IFINDEX], cb->extack);
	if (IS_ERR(dp)) {
		err = PTR_ERR(dp);
		goto out_unlock;
	}
	/* Nonzero, so that genl_dump_check_consistent() compares it. */
	cb->seq = dp->ports_generation | 1U << 31;
	for (bucket = cb->args[0]; bucket < WEFT_DP_PORT_HASH_BUCKETS;
	     bucket++, skip = 0) {
		i = 0;
		hlist_for_each_entry(vport, &dp->ports[bucket], dp_hash_node) {
			if (i >= skip &&
			    vport_fill(skb, vport, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       WEFT_CMD_VPORT_GET, cb) < 0)
				goto out_save;
			i++;
		}
	}
	i = 0;
out_save:
	cb->args[0] = bucket;
	cb->args[1] = i;
out_unlock:
	weft_unlock();
	return err ?: skb->len;
}
