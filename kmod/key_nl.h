/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow keys and masks to and from their netlink form (WEFT_KEY_A_* nests).
 */
#ifndef _WEFT_KEY_NL_H
#define _WEFT_KEY_NL_H

#include <net/netlink.h>
#include <uapi/linux/weft.h>
#include "flow_key.h"

/*
 * Headers present in a parsed key nest, one bit per WEFT_KEY_A_* attribute
 * (bit n = attribute type n).
 */
typedef u32 weft_key_attrs_t;

/**
 * weft_key_parse() - parse one WEFT_KEY_A_* nest into @out.
 * @nest: the nest. Commands give it a plain NLA_NESTED policy: this walk
 *        is its only validation, as strict as a policy (known types, exact
 *        lengths, NLA_F_NESTED on header nests only, nothing left over) and
 *        each attribute at most once.
 * @out: zeroed and filled; absent fields stay zero.
 * @present: if not NULL, set to the WEFT_KEY_A_* headers found.
 * @is_mask: a mask nest: values are bitmasks, no range checks on values;
 *           bits beyond a field's width (a 20-bit IPv6 label, 12 TCP flag
 *           bits, the ARP opcode's low byte) are dropped.
 * @extack: names the offending attribute on error.
 *
 * Used for flow keys, flow masks, execute metadata and set actions. In a
 * key: a VLAN TCI other than 0 needs VLAN_CFI_MASK, a tagged VLAN's TPID
 * defaults to 0x8100 and must be 0x8100 or 0x88a8; the IPv6 label must fit
 * 20 bits, TCP flags 12 bits, the ARP opcode 8 bits. Headers that share
 * storage (ipv4/ipv6/arp; tcp/udp/sctp/icmp/icmpv6; nd with ipv4 or arp)
 * cannot be given together.
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
 * Key bits outside the mask are cleared (the stored key is key & mask), not
 * refused. Then every header that the mask matches (present in the mask
 * nest with a nonzero field) must have its prerequisites matched exactly:
 * ipv4/ipv6/arp their eth_type (arp also 0x8035), tcp/udp/sctp ip proto on
 * ipv4 or ipv6 and a key frag that is not "later", icmp proto 1 on ipv4,
 * icmpv6 proto 58 on ipv6, nd icmpv6 type 135 or 136, cvlan an outer tag
 * matched as present. The extack message names the header.
 *
 * Return: 0 or -EINVAL.
 */
int weft_key_parse_flow(const struct nlattr *key_attr,
			const struct nlattr *mask_attr,
			struct weft_flow_key *key, struct weft_flow_key *mask,
			struct netlink_ext_ack *extack);

/**
 * weft_key_check_flow() - the checks of weft_key_parse_flow() that follow
 * the parse: masks @key by @mask, then refuses a VLAN match that would not
 * read back as given and a matched header whose prerequisites are not
 * matched exactly.
 * @key: the parsed key; masked in place.
 * @mask: the parsed mask.
 * @mask_hdrs: the WEFT_KEY_A_* headers the mask may match (those of the
 *             mask nest, or those a compact key has).
 * @where: the attribute the extack message names.
 * @extack: why.
 *
 * Return: 0 or -EINVAL.
 */
int weft_key_check_flow(struct weft_flow_key *key,
			const struct weft_flow_key *mask,
			weft_key_attrs_t mask_hdrs, const struct nlattr *where,
			struct netlink_ext_ack *extack);

/**
 * weft_key_put() - emit @key (or a mask) as nest @attrtype.
 * @skb: message being built.
 * @attrtype: WEFT_FLOW_A_KEY, WEFT_FLOW_A_MASK or WEFT_PACKET_A_KEY.
 * @key: the flow key; decides which headers exist (by eth.type, ip.proto).
 * @output: the values to emit: @key itself, or the mask when dumping a mask
 *          (a different pointer from @key means "a mask").
 *
 * Metadata, ethernet and ethertype are always emitted; vlan/cvlan when the
 * key has the tag or @output has bits there; ipv4/ipv6/arp by the key's
 * eth.type; the transport header by ip.proto unless the key is a later
 * fragment; nd for an ICMPv6 NS/NA with code 0. Every field of an emitted
 * header is emitted, so a mask shows zeros for wildcarded fields.
 *
 * Return: 0 or -EMSGSIZE (the nest is cancelled).
 */
int weft_key_put(struct sk_buff *skb, int attrtype,
		 const struct weft_flow_key *key,
		 const struct weft_flow_key *output);

/** weft_key_nlmsg_size() - Return: an upper bound on weft_key_put()'s size. */
size_t weft_key_nlmsg_size(void);

/**
 * weft_key_nlmsg_size_of() - an upper bound on weft_key_put()'s size for
 * @key given as both key and output: the tunnel and ct fields count only
 * when @key has them. An upcall's message is sized by it, since a skb's
 * data is zeroed when allocated (init_on_alloc) and charged to the
 * listener's receive buffer at its full size.
 * @key: the key.
 *
 * Return: the bound.
 */
size_t weft_key_nlmsg_size_of(const struct weft_flow_key *key);

#endif /* _WEFT_KEY_NL_H */
