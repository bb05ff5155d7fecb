// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "weft": one strict policy per command, taken
 * from the object's *_nl.c file; CAP_NET_ADMIN in the caller's namespace for
 * every command that changes something. Handlers run in parallel and
 * serialize on weft_lock themselves.
 */
#include <net/genetlink.h>
#include "actions.h"
#include "datapath.h"
#include "genl.h"

/* What this module implements (uapi enum weft_feature_bits). */
#define WEFT_FEATURES (WEFT_F_NETDEV_VPORT | WEFT_F_INTERNAL_VPORT | \
		       WEFT_F_MEGAFLOW | WEFT_F_UFID | WEFT_F_PER_CPU_UPCALL | \
		       WEFT_F_TERSE_DUMP | WEFT_F_RECIRC | WEFT_F_CHECK_PKT_LEN | \
		       WEFT_F_DEC_TTL | WEFT_F_TRUNC | WEFT_F_HASH | WEFT_F_QINQ | \
		       WEFT_F_CT | WEFT_F_CT_NAT | WEFT_F_CT_FRAG | \
		       WEFT_F_FLOW_EXECUTE | WEFT_F_SET_ICMP | \
		       WEFT_F_KEY_COMPACT)

/* GET_FEATURES takes no attribute: every one is refused as unknown. */
static const struct nla_policy weft_features_nl_policy[WEFT_FEATURES_A_MAX + 1];

/**
 * weft_features_nl_get() - WEFT_CMD_GET_FEATURES.
 * @skb: the request.
 * @info: its attributes.
 *
 * Return: 0 or -errno.
 */
int weft_features_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &weft_genl_family, 0,
				WEFT_CMD_GET_FEATURES);
	if (!hdr ||
	    nla_put_u64_64bit(msg, WEFT_FEATURES_A_BITMAP, WEFT_FEATURES,
			      WEFT_FEATURES_A_PAD) ||
	    nla_put_string(msg, WEFT_FEATURES_A_VERSION, WEFT_MODULE_VERSION) ||
	    nla_put_u32(msg, WEFT_FEATURES_A_MAX_ACTIONS_DEPTH,
			WEFT_ACTIONS_MAX_DEPTH) ||
	    nla_put_u32(msg, WEFT_FEATURES_A_MAX_RECIRC_DEPTH,
			WEFT_RECIRC_MAX_DEPTH)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/**
 * weft_nl_dp_from_attr() - the datapath a DP_IFINDEX attribute names.
 * @net: the requester's namespace.
 * @attr: the u32 attribute, or NULL when the request lacked it.
 * @extack: names what is wrong.
 *
 * Called with weft_lock held.
 *
 * Return: the datapath, or ERR_PTR(-EINVAL) when @attr is missing,
 * ERR_PTR(-ENODEV) when no datapath of @net has that ifindex.
 */
struct weft_datapath *weft_nl_dp_from_attr(struct net *net,
					   const struct nlattr *attr,
					   struct netlink_ext_ack *extack)
{
	struct weft_datapath *dp;

	if (!attr) {
		NL_SET_ERR_MSG(extack, "the datapath's DP_IFINDEX attribute is required");
		return ERR_PTR(-EINVAL);
	}
	dp = weft_dp_find(net, nla_get_u32(attr));
	if (!dp) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "no datapath with this ifindex in the namespace");
		return ERR_PTR(-ENODEV);
	}
	return dp;
}

#define WEFT_OP(_cmd, _doit, _dumpit, _policy, _max, _flags) {	\
	.cmd = (_cmd),						\
	.doit = (_doit),					\
	.dumpit = (_dumpit),					\
	.policy = (_policy),					\
	.maxattr = (_max),					\
	.flags = (_flags),					\
}

/*
 * .validate is left 0 everywhere: strict parsing, so unknown attributes,
 * trailing bytes and bad nesting are refused.
 */
static const struct genl_ops weft_genl_ops[] = {
	WEFT_OP(WEFT_CMD_GET_FEATURES, weft_features_nl_get, NULL,
		weft_features_nl_policy, WEFT_FEATURES_A_MAX, 0),

	WEFT_OP(WEFT_CMD_DP_NEW, weft_dp_nl_new, NULL,
		weft_dp_nl_policy, WEFT_DP_A_MAX, GENL_UNS_ADMIN_PERM),
	WEFT_OP(WEFT_CMD_DP_DEL, weft_dp_nl_del, NULL,
		weft_dp_nl_policy, WEFT_DP_A_MAX, GENL_UNS_ADMIN_PERM),
	WEFT_OP(WEFT_CMD_DP_GET, weft_dp_nl_get, weft_dp_nl_dump,
		weft_dp_nl_policy, WEFT_DP_A_MAX, 0),
	WEFT_OP(WEFT_CMD_DP_SET, weft_dp_nl_set, NULL,
		weft_dp_nl_policy, WEFT_DP_A_MAX, GENL_UNS_ADMIN_PERM),

	WEFT_OP(WEFT_CMD_VPORT_NEW, weft_vport_nl_new, NULL,
		weft_vport_nl_policy, WEFT_VPORT_A_MAX, GENL_UNS_ADMIN_PERM),
	WEFT_OP(WEFT_CMD_VPORT_DEL, weft_vport_nl_del, NULL,
		weft_vport_nl_policy, WEFT_VPORT_A_MAX, GENL_UNS_ADMIN_PERM),
	WEFT_OP(WEFT_CMD_VPORT_GET, weft_vport_nl_get, weft_vport_nl_dump,
		weft_vport_nl_policy, WEFT_VPORT_A_MAX, 0),
	WEFT_OP(WEFT_CMD_VPORT_SET, weft_vport_nl_set, NULL,
		weft_vport_nl_policy, WEFT_VPORT_A_MAX, GENL_UNS_ADMIN_PERM),

	WEFT_OP(WEFT_CMD_FLOW_NEW, weft_flow_nl_new, NULL,
		weft_flow_nl_policy, WEFT_FLOW_A_MAX, GENL_UNS_ADMIN_PERM),
	WEFT_OP(WEFT_CMD_FLOW_DEL, weft_flow_nl_del, NULL,
		weft_flow_nl_policy, WEFT_FLOW_A_MAX, GENL_UNS_ADMIN_PERM),
	WEFT_OP(WEFT_CMD_FLOW_GET, weft_flow_nl_get, weft_flow_nl_dump,
		weft_flow_nl_policy, WEFT_FLOW_A_MAX, 0),
	WEFT_OP(WEFT_CMD_FLOW_SET, weft_flow_nl_set, NULL,
		weft_flow_nl_policy, WEFT_FLOW_A_MAX, GENL_UNS_ADMIN_PERM),

	WEFT_OP(WEFT_CMD_PACKET_EXECUTE, weft_packet_nl_execute, NULL,
		weft_packet_nl_policy, WEFT_PACKET_A_MAX, GENL_UNS_ADMIN_PERM),
};

struct genl_family weft_genl_family __ro_after_init = {
	.name = WEFT_GENL_NAME,
	.version = WEFT_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.ops = weft_genl_ops,
	.n_ops = ARRAY_SIZE(weft_genl_ops),
	.module = THIS_MODULE,
	/*
	 * The flow commands take NLM_F_CREATE/EXCL/REPLACE as OVS's datapath
	 * does, and genetlink refuses those flags on commands at or above
	 * resv_start_op. Attribute validation stays strict for every command
	 * (each has a policy and .validate is 0); only the nlmsg_flags and
	 * genlmsghdr.reserved checks are left to the handlers.
	 */
	.resv_start_op = WEFT_CMD_FLOW_SET + 1,
};

/**
 * weft_genl_init() - register the family.
 *
 * Return: 0 or -errno.
 */
int weft_genl_init(void)
{
	return genl_register_family(&weft_genl_family);
}

/**
 * weft_genl_exit() - unregister the family; no handler runs afterwards.
 */
void weft_genl_exit(void)
{
	genl_unregister_family(&weft_genl_family);
}
