/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow keys and masks to and from their netlink form (WEFT_KEY_A_* nests).
 */
#ifndef _WEFT_KEY_NL_H
#define _WEFT_KEY_NL_H

#include <net/netlink.h>
#include "flow_key.h"

/*
 * Headers present in a parsed key nest, one bit per WEFT_KEY_A_* attribute
 * (bit n = attribute type n).
 */
typedef u32 weft_key_attrs_t;

/**
 * weft_key_parse() - parse one WEFT_KEY_A_* nest into @out.
 * @nest: the nest; each header and field is checked against a strict policy.
 * @out: zeroed and filled; absent fields stay zero.
 * @present: if not NULL, set to the WEFT_KEY_A_* headers found.
 * @is_mask: a mask nest: values are bitmasks, no range checks on values.
 * @extack: names the offending attribute on error.
 *
 * Used for flow keys, flow masks, execute metadata and set actions.
 *
 * Return: 0 or -EINVAL (with an extack message).
 */
int weft_key_parse(const struct nlattr *nest, struct weft_flow_key *out,
		   weft_key_attrs_t *present, bool is_mask,
		   struct netlink_ext_ack *extack);

/**
 * weft_key_parse_flow() - parse a flow's key and mask and check them.
 * @key_attr: WEFT_FLOW_A_KEY.
 * @mask_attr: WEFT_FLOW_A_MASK, or NULL for an exact match of every field of
 *             every header present in @key_attr.
 * @key: out: the key, already masked.
 * @mask: out: the mask.
 * @extack: names what is wrong.
 *
 * Checks prerequisites (a matched header needs its enclosing protocol matched
 * exactly) and that the key has no bits outside the mask.
 *
 * Return: 0 or -EINVAL.
 */
int weft_key_parse_flow(const struct nlattr *key_attr,
			const struct nlattr *mask_attr,
			struct weft_flow_key *key, struct weft_flow_key *mask,
			struct netlink_ext_ack *extack);

/**
 * weft_key_put() - emit @key (or a mask) as nest @attrtype.
 * @skb: message being built.
 * @attrtype: WEFT_FLOW_A_KEY, WEFT_FLOW_A_MASK or WEFT_PACKET_A_KEY.
 * @key: the flow key; decides which headers exist (by eth.type, ip.proto).
 * @output: the values to emit: @key itself, or the mask when dumping a mask.
 *
 * Return: 0 or -EMSGSIZE.
 */
int weft_key_put(struct sk_buff *skb, int attrtype,
		 const struct weft_flow_key *key,
		 const struct weft_flow_key *output);

/** weft_key_nlmsg_size() - Return: an upper bound on weft_key_put()'s size. */
size_t weft_key_nlmsg_size(void);

#endif /* _WEFT_KEY_NL_H */
