// SPDX-License-Identifier: GPL-2.0
/*
 * set(tunnel(...)) to and from netlink: WEFT_ACTION_A_SET whose KEY holds
 * one WEFT_KEY_A_TUNNEL nest (and no MASK) becomes WEFT_IACT_SET_TUNNEL, a
 * struct weft_tun_set followed by the GENEVE options, which the packet path
 * only points at (key->egress_tun) until an output to a tunnel vport.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "actions_int.h"
#include "key_nl.h"
#include "tunnel.h"

#define TUN_HAS(ts, a)	((ts)->present & BIT(WEFT_TUNNEL_A_##a))

/* Which attributes the nest gives; the key parser checked them already. */
static u16 tun_present(const struct nlattr *nest)
{
	const struct nlattr *a;
	u16 present = 0;
	int rem;

	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) <= WEFT_TUNNEL_A_MAX)
			present |= BIT(nla_type(a));
	return present;
}

/* Cross-field rules of a set, on the parsed @k (tunnel part only). */
static int tun_set_check(const struct weft_flow_key *k, u16 present,
			 const struct nlattr *where,
			 struct netlink_ext_ack *extack)
{
	bool v4 = present & (BIT(WEFT_TUNNEL_A_IPV4_SRC) |
			     BIT(WEFT_TUNNEL_A_IPV4_DST));
	bool v6 = present & (BIT(WEFT_TUNNEL_A_IPV6_SRC) |
			     BIT(WEFT_TUNNEL_A_IPV6_DST));

	if (v4 && v6) {
		NL_SET_ERR_MSG_ATTR(extack, where,
				    "set tunnel: ipv4 and ipv6 endpoints are exclusive");
		return -EINVAL;
	}
	if (v4 ? !k->tun.ipv4_dst :
	    !v6 || ipv6_addr_any(&k->tun.ipv6_dst)) {
		NL_SET_ERR_MSG_ATTR(extack, where,
				    "set tunnel: needs a nonzero ipv4_dst or ipv6_dst");
		return -EINVAL;
	}
	if (v6 && (ipv6_addr_is_multicast(&k->tun.ipv6_dst) ||
		   ipv6_addr_loopback(&k->tun.ipv6_dst))) {
		NL_SET_ERR_MSG_ATTR(extack, where,
				    "set tunnel: ipv6_dst must be a unicast address");
		return -EINVAL;
	}
	if (v4 && (ipv4_is_multicast(k->tun.ipv4_dst) ||
		   ipv4_is_lbcast(k->tun.ipv4_dst))) {
		NL_SET_ERR_MSG_ATTR(extack, where,
				    "set tunnel: ipv4_dst must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

/**
 * weft_tun_set_nl_convert() - validate a set(tunnel) and append its
 * internal form.
 * @b: the builder.
 * @key: WEFT_SET_A_KEY, holding WEFT_KEY_A_TUNNEL.
 * @mask: WEFT_SET_A_MASK or NULL; refused when given.
 *
 * Return: 0, -EINVAL (with extack) or -E2BIG.
 */
int weft_tun_set_nl_convert(struct weft_acts_builder *b,
			    const struct nlattr *key, const struct nlattr *mask)
{
	const struct nlattr *nest;
	struct weft_flow_key *k;
	weft_key_attrs_t present;
	struct weft_tun_set *ts;
	bool crit = false;
	int start, err;
	u16 given;

	if (mask) {
		NL_SET_ERR_MSG_ATTR(b->extack, mask,
				    "set tunnel: takes no MASK (tunnel metadata is written whole)");
		return -EINVAL;
	}
	/* Too large for the stack beside the caller's frames. */
	k = kmalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	err = weft_key_parse(key, k, &present, false, b->extack);
	if (err)
		goto out;
	err = -EINVAL;
	if (present != BIT(WEFT_KEY_A_TUNNEL)) {
		NL_SET_ERR_MSG_ATTR(b->extack, key,
				    "set: KEY must hold exactly one header");
		goto out;
	}
	nest = nla_find_nested(key, WEFT_KEY_A_TUNNEL);
	given = tun_present(nest);
	err = tun_set_check(k, given, nest, b->extack);
	if (err)
		goto out;
	if (k->tun.opts_len &&
	    weft_geneve_opts_check(weft_key_tun_opts(k), k->tun.opts_len,
				   &crit)) {
		NL_SET_ERR_MSG_ATTR(b->extack,
				    nla_find_nested(nest, WEFT_TUNNEL_A_GENEVE_OPTS),
				    "set tunnel: geneve options are not a whole chain of options (an option's length runs past the end)");
		err = -EINVAL;
		goto out;
	}
	start = weft_acts_builder_put(b, WEFT_IACT_SET_TUNNEL, NULL,
				      sizeof(*ts) + k->tun.opts_len);
	if (start < 0) {
		err = start;
		goto out;
	}
	ts = nla_data((struct nlattr *)(b->buf + start));
	memset(ts, 0, sizeof(*ts));
	memcpy(&ts->id, &k->tun.id, sizeof(ts->id));
	ts->ipv4_src = k->tun.ipv4_src;
	ts->ipv4_dst = k->tun.ipv4_dst;
	ts->ipv6_src = k->tun.ipv6_src;
	ts->ipv6_dst = k->tun.ipv6_dst;
	ts->family = k->tun.ipv4_dst ? AF_INET : AF_INET6;
	ts->tp_src = k->tun.tp_src;
	ts->tp_dst = k->tun.tp_dst;
	ts->flags = k->tun.flags;
	ts->present = given;
	ts->tos = k->tun.tos;
	ts->ttl = k->tun.ttl;
	ts->opts_len = k->tun.opts_len;
	ts->crit = crit;
	memcpy(ts->opts, weft_key_tun_opts(k), k->tun.opts_len);
	err = 0;
out:
	kfree(k);
	return err;
}

/**
 * weft_tun_set_nl_put() - emit a set(tunnel) as it was given.
 * @skb: the message.
 * @ts: the action.
 *
 * Return: 0 or -EMSGSIZE.
 */
int weft_tun_set_nl_put(struct sk_buff *skb, const struct weft_tun_set *ts)
{
	struct nlattr *set, *key, *tun;
	__be64 id = weft_tun_set_id(ts);

	set = nla_nest_start(skb, WEFT_ACTION_A_SET);
	if (!set)
		return -EMSGSIZE;
	key = nla_nest_start(skb, WEFT_SET_A_KEY);
	if (!key)
		return -EMSGSIZE;
	tun = nla_nest_start(skb, WEFT_KEY_A_TUNNEL);
	if (!tun ||
	    (TUN_HAS(ts, ID) &&
	     nla_put(skb, WEFT_TUNNEL_A_ID, sizeof(id), &id)) ||
	    (TUN_HAS(ts, IPV4_SRC) &&
	     nla_put_in_addr(skb, WEFT_TUNNEL_A_IPV4_SRC, ts->ipv4_src)) ||
	    (TUN_HAS(ts, IPV4_DST) &&
	     nla_put_in_addr(skb, WEFT_TUNNEL_A_IPV4_DST, ts->ipv4_dst)) ||
	    (TUN_HAS(ts, IPV6_SRC) &&
	     nla_put_in6_addr(skb, WEFT_TUNNEL_A_IPV6_SRC, &ts->ipv6_src)) ||
	    (TUN_HAS(ts, IPV6_DST) &&
	     nla_put_in6_addr(skb, WEFT_TUNNEL_A_IPV6_DST, &ts->ipv6_dst)) ||
	    (TUN_HAS(ts, TOS) && nla_put_u8(skb, WEFT_TUNNEL_A_TOS, ts->tos)) ||
	    (TUN_HAS(ts, TTL) && nla_put_u8(skb, WEFT_TUNNEL_A_TTL, ts->ttl)) ||
	    (TUN_HAS(ts, FLAGS) &&
	     nla_put_u16(skb, WEFT_TUNNEL_A_FLAGS, ts->flags)) ||
	    (TUN_HAS(ts, TP_SRC) &&
	     nla_put_be16(skb, WEFT_TUNNEL_A_TP_SRC, ts->tp_src)) ||
	    (TUN_HAS(ts, TP_DST) &&
	     nla_put_be16(skb, WEFT_TUNNEL_A_TP_DST, ts->tp_dst)) ||
	    (ts->opts_len &&
	     nla_put(skb, WEFT_TUNNEL_A_GENEVE_OPTS, ts->opts_len, ts->opts)))
		return -EMSGSIZE;
	nla_nest_end(skb, tun);
	nla_nest_end(skb, key);
	nla_nest_end(skb, set);
	return 0;
}

/**
 * weft_tun_set_nl_size() - what weft_tun_set_nl_put() emits, at most.
 * @ts: the action.
 *
 * Return: bytes.
 */
size_t weft_tun_set_nl_size(const struct weft_tun_set *ts)
{
	return 3 * nla_total_size(0) + nla_total_size(8) +
	       2 * nla_total_size(16) + 2 * nla_total_size(1) +
	       3 * nla_total_size(2) + nla_total_size(ts->opts_len);
}
