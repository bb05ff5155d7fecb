/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow keys and masks to and from the compact form (struct
 * weft_key_compact, uapi/linux/weft.h): one fixed layout instead of a
 * WEFT_KEY_A_* nest, for the upcall and flow install fast path.
 */
#ifndef _WEFT_KEY_COMPACT_H
#define _WEFT_KEY_COMPACT_H

#include <net/netlink.h>
#include <uapi/linux/weft.h>
#include "flow_key.h"

/**
 * weft_key_compact_fits() - whether @key has nothing the compact form
 * leaves out (tunnel metadata, a ct original tuple).
 * @key: a packet's key.
 *
 * Return: true when weft_key_to_compact() says all of it.
 */
bool weft_key_compact_fits(const struct weft_flow_key *key);

/**
 * weft_key_to_compact() - @key in the compact form.
 * @key: a packet's key, for which weft_key_compact_fits() holds.
 * @out: written whole (fields the key has no header for are zero).
 */
void weft_key_to_compact(const struct weft_flow_key *key,
			 struct weft_key_compact *out);

/**
 * weft_key_compact_parse_flow() - a flow's key and mask from
 * WEFT_FLOW_A_KEY_COMPACT and WEFT_FLOW_A_MASK_COMPACT.
 * @key_attr: the key; its length is checked here.
 * @mask_attr: the mask.
 * @key: out: the key, already masked.
 * @mask: out: the mask.
 * @extack: names the attribute and the field that is wrong.
 *
 * As strict as weft_key_parse_flow() on the attribute form, plus the
 * layout's own rules (uapi/linux/weft.h): the exact size, a known
 * version, zero reserved bytes, no field the key's eth_type, ip_proto and
 * ip_frag do not give it (in the key or in the mask), no mask bit beyond
 * a field's width.
 *
 * Return: 0 or -EINVAL.
 */
int weft_key_compact_parse_flow(const struct nlattr *key_attr,
				const struct nlattr *mask_attr,
				struct weft_flow_key *key,
				struct weft_flow_key *mask,
				struct netlink_ext_ack *extack);

#endif /* _WEFT_KEY_COMPACT_H */
