/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The internal form of action lists, shared by action_nl.c (which builds and
 * prints it), actions.c and actions_set.c (which run it). Private to those
 * three files.
 *
 * A list is a stream of netlink attributes. Actions whose uapi form is a
 * scalar or a flag keep their uapi type and payload (OUTPUT, POP_VLAN,
 * RECIRC, TRUNC, DROP), USERSPACE keeps its validated nest, and CLONE and
 * DEC_TTL hold the converted nested list directly. Everything the packet path
 * would otherwise have to parse is converted to an internal type numbered
 * from WEFT_IACT_BASE, well above any uapi action type:
 *
 *   WEFT_IACT_SET        struct weft_set_action: header, value, mask
 *   WEFT_IACT_PUSH_VLAN  struct weft_push_vlan
 *   WEFT_IACT_HASH       struct weft_hash
 *   WEFT_IACT_SAMPLE     u32 probability, then the nested list
 *   WEFT_IACT_CHECK_LEN  struct weft_check_len, then the IF_GREATER list,
 *                        then the IF_LESS_EQUAL list
 *   WEFT_IACT_SET_TUNNEL struct weft_tun_set (tunnel.h), then its options
 *   WEFT_IACT_CT         struct weft_ct_info (conntrack.h), which holds
 *                        references: a list with one (has_ct) is walked
 *                        when freed, to release them
 *
 * CT_CLEAR keeps its uapi form (a flag).
 */
#ifndef _WEFT_ACTIONS_INT_H
#define _WEFT_ACTIONS_INT_H

#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/types.h>
#include <net/netlink.h>
#include <uapi/linux/weft.h>
#include "flow_key.h"

#define WEFT_IACT_BASE		0x1000

enum weft_iact {
	WEFT_IACT_SET = WEFT_IACT_BASE,
	WEFT_IACT_PUSH_VLAN,
	WEFT_IACT_HASH,
	WEFT_IACT_SAMPLE,
	WEFT_IACT_CHECK_LEN,
	WEFT_IACT_SET_TUNNEL,
	WEFT_IACT_CT,
};

/*
 * The settable fields of each header, as written by a set action. Every
 * struct is a multiple of 4 bytes so that value and mask stay aligned.
 */
struct weft_set_eth {
	u8 src[ETH_ALEN];
	u8 dst[ETH_ALEN];
};

struct weft_set_ipv4 {
	__be32 src;
	__be32 dst;
	u8 tos;
	u8 ttl;
	u8 pad[2];
};

struct weft_set_ipv6 {
	struct in6_addr src;
	struct in6_addr dst;
	__be32 label;
	u8 tclass;
	u8 hlimit;
	u8 pad[2];
};

struct weft_set_tp {
	__be16 src;
	__be16 dst;
};

struct weft_set_icmp {
	u8 type;
	u8 code;
};

struct weft_set_arp {
	__be32 sip;
	__be32 tip;
	__be16 op;
	u8 sha[ETH_ALEN];
	u8 tha[ETH_ALEN];
	u8 pad[2];
};

struct weft_set_nd {
	struct in6_addr target;
	u8 sll[ETH_ALEN];
	u8 tll[ETH_ALEN];
};

/*
 * A set action: @size bytes of value, then @size bytes of mask. The value
 * has no bits outside the mask, so a field is written as
 * (old & ~mask) | value.
 */
struct weft_set_action {
	u16 key_attr;		/* WEFT_KEY_A_*: which struct weft_set_* */
	u16 size;
	u8 data[];
};

static inline const void *weft_set_value(const struct weft_set_action *sa)
{
	return sa->data;
}

static inline const void *weft_set_mask(const struct weft_set_action *sa)
{
	return sa->data + sa->size;
}

struct weft_push_vlan {
	__be16 tpid;
	__be16 tci;		/* with VLAN_CFI_MASK, as in the key */
};

struct weft_hash {
	u32 alg;
	u32 basis;
};

struct weft_check_len {
	u16 pkt_len;
	u16 greater_len;	/* bytes of the IF_GREATER list that follows */
};

/* Building the internal form (action_nl.c) in a scratch buffer. */
struct weft_flow_actions;

struct weft_acts_builder {
	struct weft_flow_actions *acts;	/* kmalloc()ed; grows, up to WEFT_ACTIONS_MAX_SIZE */
	u8 *buf;			/* = acts->actions */
	u32 len;
	const struct weft_flow_key *key;	/* the flow's (masked) key */
	const struct weft_flow_key *mask;	/* NULL: @key is exact */
	struct net *net;			/* the datapath's */
	int ct_last;		/* offset of the last WEFT_IACT_CT, or -1 */
	struct netlink_ext_ack *extack;
};

/*
 * NL_SET_ERR_MSG_ATTR() for messages picked from a table: they are static
 * strings too, but not literals the macro can take.
 */
static inline void weft_acts_err(struct netlink_ext_ack *extack,
				 const struct nlattr *attr, const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
}

int weft_acts_builder_put(struct weft_acts_builder *b, int type,
			  const void *data, int len);

/*
 * A WEFT_IACT_CT was put at offset @off: chain it, so that a list that
 * fails to build later releases what it holds (action_nl.c).
 */
void weft_acts_builder_note_ct(struct weft_acts_builder *b, int off);

/* action_set_nl.c */
int weft_set_nl_convert(struct weft_acts_builder *b, const struct nlattr *a);
int weft_set_nl_put(struct sk_buff *skb, const struct weft_set_action *sa);
size_t weft_set_nl_size(const struct weft_set_action *sa);

/* action_tunnel_nl.c */
struct weft_tun_set;
int weft_tun_set_nl_convert(struct weft_acts_builder *b,
			    const struct nlattr *key, const struct nlattr *mask);
int weft_tun_set_nl_put(struct sk_buff *skb, const struct weft_tun_set *ts);
size_t weft_tun_set_nl_size(const struct weft_tun_set *ts);

/* actions_set.c */
int weft_actions_set(struct sk_buff *skb, struct weft_flow_key *key,
		     const struct weft_set_action *sa);
int weft_actions_dec_ttl(struct sk_buff *skb, struct weft_flow_key *key);

#endif /* _WEFT_ACTIONS_INT_H */
