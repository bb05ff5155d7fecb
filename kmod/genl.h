/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "weft": registration lives in genl.c; each
 * object's handlers and strict policy live in its own *_nl.c file.
 */
#ifndef _WEFT_GENL_H
#define _WEFT_GENL_H

#include <net/genetlink.h>
#include <uapi/linux/weft.h>

#define WEFT_MODULE_VERSION	"0.1.0"

extern struct genl_family weft_genl_family;

int weft_genl_init(void);
void weft_genl_exit(void);

/* features (genl.c) */
int weft_features_nl_get(struct sk_buff *skb, struct genl_info *info);

/* datapaths (dp_nl.c) */
extern const struct nla_policy weft_dp_nl_policy[WEFT_DP_A_MAX + 1];
int weft_dp_nl_new(struct sk_buff *skb, struct genl_info *info);
int weft_dp_nl_del(struct sk_buff *skb, struct genl_info *info);
int weft_dp_nl_set(struct sk_buff *skb, struct genl_info *info);
int weft_dp_nl_get(struct sk_buff *skb, struct genl_info *info);
int weft_dp_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* vports (vport_nl.c) */
extern const struct nla_policy weft_vport_nl_policy[WEFT_VPORT_A_MAX + 1];
int weft_vport_nl_new(struct sk_buff *skb, struct genl_info *info);
int weft_vport_nl_del(struct sk_buff *skb, struct genl_info *info);
int weft_vport_nl_set(struct sk_buff *skb, struct genl_info *info);
int weft_vport_nl_get(struct sk_buff *skb, struct genl_info *info);
int weft_vport_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* flows (flow_nl.c) */
extern const struct nla_policy weft_flow_nl_policy[WEFT_FLOW_A_MAX + 1];
int weft_flow_nl_new(struct sk_buff *skb, struct genl_info *info);
int weft_flow_nl_set(struct sk_buff *skb, struct genl_info *info);
int weft_flow_nl_del(struct sk_buff *skb, struct genl_info *info);
int weft_flow_nl_get(struct sk_buff *skb, struct genl_info *info);
int weft_flow_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);

/* packets (packet_nl.c) */
extern const struct nla_policy weft_packet_nl_policy[WEFT_PACKET_A_MAX + 1];
int weft_packet_nl_execute(struct sk_buff *skb, struct genl_info *info);
/* An execute's frame and key, and running it (packet_nl.c; also FLOW_NEW's). */
struct weft_datapath;
struct weft_flow_actions;
struct weft_flow_key;
struct sk_buff *weft_packet_nl_build(const struct nlattr *frame,
				     const struct nlattr *md,
				     struct weft_flow_key *key,
				     struct netlink_ext_ack *extack);
int weft_packet_run(struct weft_datapath *dp, struct sk_buff *skb,
		    struct weft_flow_actions *acts, struct weft_flow_key *key);

/*
 * weft_nl_dp_from_attr() - the datapath named by @attr (a DP_IFINDEX u32) in
 * the requester's namespace; sets an extack message when missing.
 * weft_lock must be held. Return: the datapath or ERR_PTR(-ENODEV/-EINVAL).
 */
struct weft_datapath *weft_nl_dp_from_attr(struct net *net,
					   const struct nlattr *attr,
					   struct netlink_ext_ack *extack);

#endif /* _WEFT_GENL_H */
