/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Action lists: validated and converted from netlink once at install
 * (action_nl.c), executed per packet (actions.c), and emitted back in the
 * uapi form for dumps.
 */
#ifndef _WEFT_ACTIONS_H
#define _WEFT_ACTIONS_H

#include <linux/rcupdate.h>
#include <net/netlink.h>
#include "flow_key.h"

struct weft_datapath;

/* Bounds on what userspace may ask for (reported by GET_FEATURES). */
#define WEFT_ACTIONS_MAX_DEPTH		4	/* clone/sample/check_pkt_len/dec_ttl nesting */
#define WEFT_RECIRC_MAX_DEPTH		8
#define WEFT_ACTIONS_MAX_SIZE		(32 * 1024)

/*
 * An action list in the module's internal form: a stream of netlink
 * attributes, with set actions converted to a compact binary form so the
 * packet path never parses nests of fields.
 */
struct weft_flow_actions {
	struct rcu_head rcu;
	u32 len;			/* bytes in actions[] */
	bool has_ct;			/* ct actions to release when freed */
	struct nlattr actions[];
};

/**
 * weft_actions_parse() - validate and convert a WEFT_ACTION_A_* nest.
 * @attr: the nest (WEFT_FLOW_A_ACTIONS or WEFT_PACKET_A_ACTIONS).
 * @net: the datapath's namespace (ct actions hold per-namespace state).
 * @key: the flow's key (masked), to check prerequisites of set actions.
 * @mask: the flow's mask, or NULL for execute (exact key).
 * @extack: names the offending action.
 *
 * Return: the converted list, or ERR_PTR(-EINVAL / -ENOMEM / -E2BIG).
 */
struct weft_flow_actions *weft_actions_parse(const struct nlattr *attr,
					     struct net *net,
					     const struct weft_flow_key *key,
					     const struct weft_flow_key *mask,
					     struct netlink_ext_ack *extack);

/**
 * weft_actions_free() - free now.
 * @acts: the list, or NULL.
 */
void weft_actions_free(struct weft_flow_actions *acts);

/**
 * weft_actions_free_rcu() - free after an RCU grace period.
 * @acts: the list, or NULL.
 */
void weft_actions_free_rcu(struct weft_flow_actions *acts);

/**
 * weft_actions_put() - emit @acts as nest @attrtype in the uapi form.
 * @skb: the message.
 * @attrtype: WEFT_FLOW_A_ACTIONS or WEFT_PACKET_A_ACTIONS.
 * @acts: the list.
 *
 * What is emitted parses back to the same list: set actions carry only the
 * fields they write, and a MASK only when some field is written in part;
 * hash, sample and check_pkt_len carry every attribute, defaults included.
 *
 * Return: 0 or -EMSGSIZE.
 */
int weft_actions_put(struct sk_buff *skb, int attrtype,
		     const struct weft_flow_actions *acts);

/**
 * weft_actions_nlmsg_size() - the room weft_actions_put() needs.
 * @acts: the list.
 *
 * Return: bytes, exact, including the outer nest (never above U16_MAX).
 */
size_t weft_actions_nlmsg_size(const struct weft_flow_actions *acts);

/**
 * weft_actions_execute() - run @acts on @skb (RCU read side, BH disabled).
 * @dp: the datapath.
 * @skb: consumed in every case. skb->data must be at the Ethernet header,
 *       the network/transport header offsets those of key extraction, and
 *       a CHECKSUM_COMPLETE skb->csum must cover the frame from skb->data.
 * @acts: the list.
 * @key: the packet's key; updated by set, push_vlan, pop_vlan and hash.
 *
 * Return: 0 or -errno (the packet was dropped).
 */
int weft_actions_execute(struct weft_datapath *dp, struct sk_buff *skb,
			 const struct weft_flow_actions *acts,
			 struct weft_flow_key *key);

#endif /* _WEFT_ACTIONS_H */
