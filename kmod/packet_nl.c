// SPDX-License-Identifier: GPL-2.0
/*
 * WEFT_CMD_PACKET_EXECUTE: userspace injects a frame with its metadata and
 * an action list, typically the packet of a miss it has just handled.
 */
#include <linux/etherdevice.h>
#include <net/genetlink.h>
#include "actions.h"
#include "datapath.h"
#include "genl.h"
#include "key_nl.h"
#include "vport.h"

/* The largest frame: what one netlink attribute can carry. */
#define WEFT_PACKET_MAX_LEN	(U16_MAX - NLA_HDRLEN)

const struct nla_policy weft_packet_nl_policy[WEFT_PACKET_A_MAX + 1] = {
	[WEFT_PACKET_A_DP_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[WEFT_PACKET_A_PACKET] = NLA_POLICY_MIN_LEN(ETH_HLEN),
	[WEFT_PACKET_A_KEY] = { .type = NLA_NESTED },
	[WEFT_PACKET_A_ACTIONS] = { .type = NLA_NESTED },
	[WEFT_PACKET_A_PROBE] = { .type = NLA_FLAG },
	[WEFT_PACKET_A_MRU] = NLA_POLICY_MIN(NLA_U16, 1),
	/* USERDATA and LEN travel only in upcalls: refused as unknown. */
};

/*
 * The packet's skb, allocated as a received frame's is: without reclaim
 * first, so that __netdev_alloc_skb() may use this CPU's page fragments
 * (cleared once with their page, where a kmalloc()ed head is cleared
 * again as an object under init_on_alloc). It does so only for heads of
 * about 1 KB up to a page: below SKB_WITH_OVERHEAD(1024) (Linux 6.1) it
 * takes kmalloc itself, so a 64-byte miss's packet gains nothing. Only
 * when no memory can be had without reclaim does it wait, as before.
 */
static struct sk_buff *packet_alloc(unsigned int size)
{
	struct sk_buff *skb;

	skb = __dev_alloc_skb(size, (GFP_KERNEL & ~__GFP_DIRECT_RECLAIM) |
			      __GFP_NOWARN);
	return skb ?: __dev_alloc_skb(size, GFP_KERNEL);
}

static struct sk_buff *packet_build(const struct nlattr *attr,
				    struct netlink_ext_ack *extack)
{
	unsigned int len = nla_len(attr);
	struct sk_buff *skb;

	if (len > WEFT_PACKET_MAX_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "WEFT_PACKET_A_PACKET is too long");
		return ERR_PTR(-EINVAL);
	}
	skb = packet_alloc(NET_IP_ALIGN + len);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	skb_reserve(skb, NET_IP_ALIGN);
	skb_put_data(skb, nla_data(attr), len);
	skb_reset_mac_header(skb);
	return skb;
}

/**
 * weft_packet_nl_build() - the frame of an execute, ready to run.
 * @frame: its WEFT_*_A_PACKET attribute (at least ETH_HLEN bytes, by policy).
 * @md: its WEFT_*_A_KEY: only the metadata counts; the headers are
 *      extracted from the frame into @key.
 * @key: out: the packet's key.
 * @extack: names what is wrong.
 *
 * Return: the packet, or an ERR_PTR.
 */
struct sk_buff *weft_packet_nl_build(const struct nlattr *frame,
				     const struct nlattr *md,
				     struct weft_flow_key *key,
				     struct netlink_ext_ack *extack)
{
	struct sk_buff *packet;
	int err;

	err = weft_key_parse(md, key, NULL, false, extack);
	if (err)
		return ERR_PTR(err);
	packet = packet_build(frame, extack);
	if (IS_ERR(packet))
		return packet;
	err = weft_flow_key_extract_userspace(packet, key);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, frame,
				    "cannot extract a flow key from the packet");
		kfree_skb(packet);
		return ERR_PTR(err);
	}
	return packet;
}

/**
 * weft_packet_run() - run @acts on @skb as if it had arrived on
 * key->md.in_port (or the local port when that port is gone).
 * @dp: the datapath.
 * @skb: the packet, consumed.
 * @acts: the actions.
 * @key: the packet's key (weft_packet_nl_build()).
 *
 * Context: weft_lock held.
 * Return: 0, or -errno when the actions failed and dropped the packet.
 */
int weft_packet_run(struct weft_datapath *dp, struct sk_buff *skb,
		    struct weft_flow_actions *acts, struct weft_flow_key *key)
{
	struct weft_vport *vport;
	int err;

	vport = weft_dp_lookup_port(dp, key->md.in_port);
	if (!vport)
		vport = weft_dp_lookup_port(dp, WEFT_VPORT_LOCAL);
	if (WARN_ON_ONCE(!vport)) {	/* a datapath always has port 0 */
		kfree_skb(skb);
		return -ENODEV;
	}
	skb->dev = vport->dev;
	skb->mark = key->md.skb_mark;
	skb->priority = key->md.priority;

	rcu_read_lock();
	local_bh_disable();
	err = weft_actions_execute(dp, skb, acts, key);
	local_bh_enable();
	rcu_read_unlock();
	return err;
}

/**
 * weft_packet_nl_execute() - WEFT_CMD_PACKET_EXECUTE.
 * @skb: the request.
 * @info: its attributes: the frame, its metadata key, the actions.
 *
 * Return: 0, or -errno (the frame was invalid or the actions failed).
 */
int weft_packet_nl_execute(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct weft_flow_actions *acts;
	struct weft_datapath *dp;
	struct weft_flow_key key;
	struct sk_buff *packet;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, WEFT_PACKET_A_DP_IFINDEX) ||
	    GENL_REQ_ATTR_CHECK(info, WEFT_PACKET_A_PACKET) ||
	    GENL_REQ_ATTR_CHECK(info, WEFT_PACKET_A_KEY) ||
	    GENL_REQ_ATTR_CHECK(info, WEFT_PACKET_A_ACTIONS))
		return -EINVAL;
	packet = weft_packet_nl_build(a[WEFT_PACKET_A_PACKET],
				      a[WEFT_PACKET_A_KEY], &key, info->extack);
	if (IS_ERR(packet))
		return PTR_ERR(packet);
	/* Outputs cut a reassembled packet back to its fragments' size. */
	if (a[WEFT_PACKET_A_MRU])
		key.ct_mru = nla_get_u16(a[WEFT_PACKET_A_MRU]);
	acts = weft_actions_parse(a[WEFT_PACKET_A_ACTIONS], genl_info_net(info),
				  &key, NULL, info->extack);
	if (IS_ERR(acts)) {
		kfree_skb(packet);
		return PTR_ERR(acts);
	}

	weft_lock();
	dp = weft_nl_dp_from_attr(genl_info_net(info),
				  a[WEFT_PACKET_A_DP_IFINDEX], info->extack);
	if (IS_ERR(dp)) {
		kfree_skb(packet);
		err = PTR_ERR(dp);
	} else {
		err = weft_packet_run(dp, packet, acts, &key);
	}
	weft_unlock();
	weft_actions_free(acts);
	return err;
}
