// SPDX-License-Identifier: GPL-2.0
/*
 * The ct action to and from netlink: validate a WEFT_ACTION_A_CT nest once,
 * at install, into a struct weft_ct_info holding a conntrack template (the
 * zone, and the helper and timeout policy that a commit attaches), and put
 * it back in the uapi form for dumps.
 *
 * Everything a packet could trip on is refused here, with a message naming
 * the attribute: the packet path never finds a helper or a policy missing.
 */
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/netfilter.h>
#include <linux/string.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_timeout.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netlink.h>

#include "actions_int.h"
#include "conntrack.h"

static const struct nla_policy nat_policy[WEFT_NAT_A_MAX + 1] = {
	[WEFT_NAT_A_SRC]		= { .type = NLA_FLAG },
	[WEFT_NAT_A_DST]		= { .type = NLA_FLAG },
	[WEFT_NAT_A_IP_MIN]		= NLA_POLICY_MIN_LEN(sizeof(__be32)),
	[WEFT_NAT_A_IP_MAX]		= NLA_POLICY_MIN_LEN(sizeof(__be32)),
	[WEFT_NAT_A_PROTO_MIN]		= { .type = NLA_U16 },
	[WEFT_NAT_A_PROTO_MAX]		= { .type = NLA_U16 },
	[WEFT_NAT_A_PERSISTENT]		= { .type = NLA_FLAG },
	[WEFT_NAT_A_PROTO_HASH]		= { .type = NLA_FLAG },
	[WEFT_NAT_A_PROTO_RANDOM]	= { .type = NLA_FLAG },
};

static const struct nla_policy ct_policy[WEFT_CT_A_MAX + 1] = {
	[WEFT_CT_A_COMMIT]		= { .type = NLA_FLAG },
	[WEFT_CT_A_FORCE_COMMIT]	= { .type = NLA_FLAG },
	[WEFT_CT_A_ZONE]		= { .type = NLA_U16 },
	[WEFT_CT_A_MARK]		= NLA_POLICY_EXACT_LEN(sizeof(struct weft_ct_mark)),
	[WEFT_CT_A_LABELS]		= NLA_POLICY_EXACT_LEN(sizeof(struct weft_ct_labels)),
	[WEFT_CT_A_HELPER]		= { .type = NLA_NUL_STRING,
					    .len = NF_CT_HELPER_NAME_LEN - 1 },
	[WEFT_CT_A_TIMEOUT]		= { .type = NLA_NUL_STRING,
					    .len = sizeof_field(struct weft_ct_info, timeout_name) - 1 },
	[WEFT_CT_A_NAT]			= NLA_POLICY_NESTED(nat_policy),
};

#define CT_BAD(a, msg)							\
	({								\
		NL_SET_ERR_MSG_ATTR(b->extack, a, msg);			\
		-EINVAL;						\
	})

/*
 * A policy refusal: keep the attribute the policy blamed (or @nest) and
 * say what the nest takes; the generic message names no ct attribute.
 */
static void ct_policy_err(struct weft_acts_builder *b, const struct nlattr *nest,
			  const char *msg)
{
	if (b->extack)
		weft_acts_err(b->extack, b->extack->bad_attr ?: nest, msg);
}

/* The flow's EtherType, matched exactly as IPv4 or IPv6: its family. */
static u16 flow_family(const struct weft_acts_builder *b)
{
	if (b->mask && b->mask->eth.type != htons(0xffff))
		return NFPROTO_UNSPEC;
	switch (ntohs(b->key->eth.type)) {
	case ETH_P_IP:
		return NFPROTO_IPV4;
	case ETH_P_IPV6:
		return NFPROTO_IPV6;
	}
	return NFPROTO_UNSPEC;
}

/* The flow's IP protocol when matched exactly, or -1. */
static int flow_proto(const struct weft_acts_builder *b)
{
	if (b->mask && b->mask->ip.proto != 0xff)
		return -1;
	return b->key->ip.proto;
}

static int nat_addr(const struct weft_acts_builder *b, const struct nlattr *a,
		    union nf_inet_addr *addr, u16 family)
{
	size_t len = family == NFPROTO_IPV4 ? sizeof(__be32) :
					      sizeof(struct in6_addr);

	if (nla_len(a) != len)
		return CT_BAD(a, "ct: nat address must be 4 bytes on an ipv4 flow, 16 on ipv6");
	memcpy(addr, nla_data(a), len);
	return 0;
}

static bool addr_le(const union nf_inet_addr *x, const union nf_inet_addr *y,
		    u16 family)
{
	if (family == NFPROTO_IPV4)
		return ntohl(x->ip) <= ntohl(y->ip);
	return memcmp(x->ip6, y->ip6, sizeof(x->ip6)) <= 0;
}

static int parse_nat(struct weft_acts_builder *b, const struct nlattr *nest,
		     struct weft_ct_info *info)
{
	struct nf_nat_range2 *r = &info->range;
	struct nlattr *tb[WEFT_NAT_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, WEFT_NAT_A_MAX, nest, nat_policy, b->extack);
	if (err) {
		/* The policy's words, said in the action's terms. */
		ct_policy_err(b, nest, "ct: nat: bad attribute (SRC/DST/PERSISTENT/PROTO_HASH/PROTO_RANDOM flags, IP_MIN/IP_MAX 4 or 16 bytes, PROTO_MIN/PROTO_MAX u16)");
		return err;
	}
	info->nat = WEFT_CT_NAT;
	if (tb[WEFT_NAT_A_SRC] && tb[WEFT_NAT_A_DST])
		return CT_BAD(nest, "ct: nat takes src or dst, not both");
	if (tb[WEFT_NAT_A_SRC])
		info->nat |= WEFT_CT_NAT_SRC;
	if (tb[WEFT_NAT_A_DST])
		info->nat |= WEFT_CT_NAT_DST;
	if (!(info->nat & (WEFT_CT_NAT_SRC | WEFT_CT_NAT_DST))) {
		/* Only "apply the connection's NAT": no range may be given. */
		int t;

		for (t = WEFT_NAT_A_IP_MIN; t <= WEFT_NAT_A_MAX; t++)
			if (tb[t])
				return CT_BAD(tb[t], "ct: a nat range or nat flag needs src or dst");
		return 0;
	}
	if (tb[WEFT_NAT_A_IP_MAX] && !tb[WEFT_NAT_A_IP_MIN])
		return CT_BAD(tb[WEFT_NAT_A_IP_MAX], "ct: nat IP_MAX needs IP_MIN");
	if (tb[WEFT_NAT_A_IP_MIN]) {
		err = nat_addr(b, tb[WEFT_NAT_A_IP_MIN], &r->min_addr,
			       info->family);
		if (err)
			return err;
		r->max_addr = r->min_addr;
		if (tb[WEFT_NAT_A_IP_MAX]) {
			err = nat_addr(b, tb[WEFT_NAT_A_IP_MAX], &r->max_addr,
				       info->family);
			if (err)
				return err;
			if (!addr_le(&r->min_addr, &r->max_addr, info->family))
				return CT_BAD(tb[WEFT_NAT_A_IP_MAX], "ct: nat IP_MAX is below IP_MIN");
		}
		r->flags |= NF_NAT_RANGE_MAP_IPS;
	}
	if (tb[WEFT_NAT_A_PROTO_MAX] && !tb[WEFT_NAT_A_PROTO_MIN])
		return CT_BAD(tb[WEFT_NAT_A_PROTO_MAX], "ct: nat PROTO_MAX needs PROTO_MIN");
	if (tb[WEFT_NAT_A_PROTO_MIN]) {
		u16 min = nla_get_u16(tb[WEFT_NAT_A_PROTO_MIN]);
		u16 max = tb[WEFT_NAT_A_PROTO_MAX] ?
			  nla_get_u16(tb[WEFT_NAT_A_PROTO_MAX]) : min;

		if (max < min)
			return CT_BAD(tb[WEFT_NAT_A_PROTO_MAX], "ct: nat PROTO_MAX is below PROTO_MIN");
		r->min_proto.all = htons(min);
		r->max_proto.all = htons(max);
		r->flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
	}
	if (tb[WEFT_NAT_A_PROTO_HASH] && tb[WEFT_NAT_A_PROTO_RANDOM])
		return CT_BAD(tb[WEFT_NAT_A_PROTO_RANDOM], "ct: nat PROTO_HASH and PROTO_RANDOM are exclusive");
	if (tb[WEFT_NAT_A_PERSISTENT])
		r->flags |= NF_NAT_RANGE_PERSISTENT;
	if (tb[WEFT_NAT_A_PROTO_HASH])
		r->flags |= NF_NAT_RANGE_PROTO_RANDOM;
	if (tb[WEFT_NAT_A_PROTO_RANDOM])
		r->flags |= NF_NAT_RANGE_PROTO_RANDOM_FULLY;
	return 0;
}

static bool bytes_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* Attach helper @name to the template; a NAT action also needs its NAT part. */
static int add_helper(struct weft_acts_builder *b, const struct nlattr *a,
		      struct weft_ct_info *info)
{
	struct nf_conntrack_helper *helper;
	struct nf_conn_help *help;
	int proto = flow_proto(b);
	int err;

	if (proto < 0)
		return CT_BAD(a, "ct: a helper needs the flow's ip proto matched exactly");
	nla_strscpy(info->helper_name, a, sizeof(info->helper_name));
	helper = nf_conntrack_helper_try_module_get(info->helper_name,
						    info->family, proto);
	if (!helper)
		return CT_BAD(a, "ct: unknown conntrack helper for this family and ip proto");
	help = nf_ct_helper_ext_add(info->tmpl, GFP_KERNEL);
	if (!help) {
		nf_conntrack_helper_put(helper);
		NL_SET_ERR_MSG_ATTR(b->extack, a, "ct: out of memory");
		return -ENOMEM;
	}
	if (info->nat) {
		err = nf_nat_helper_try_module_get(info->helper_name,
						   info->family, proto);
		if (err) {
			nf_conntrack_helper_put(helper);
			NL_SET_ERR_MSG_ATTR(b->extack, a, "ct: the helper has no nat support loadable");
			return err;
		}
	}
	rcu_assign_pointer(help->helper, helper);
	info->helper = helper;
	return 0;
}

static int add_timeout(struct weft_acts_builder *b, struct net *net,
		       const struct nlattr *a, struct weft_ct_info *info)
{
	struct nf_conn_timeout *ext;
	int proto = flow_proto(b);

	if (proto < 0)
		return CT_BAD(a, "ct: a timeout policy needs the flow's ip proto matched exactly");
	nla_strscpy(info->timeout_name, a, sizeof(info->timeout_name));
	if (nf_ct_set_timeout(net, info->tmpl, info->family, proto,
			      info->timeout_name))
		return CT_BAD(a, "ct: no such timeout policy for this family and ip proto (nfnetlink_cttimeout)");
	ext = nf_ct_timeout_find(info->tmpl);
	info->timeout = ext ? rcu_dereference_raw(ext->timeout) : NULL;
	return 0;
}

/**
 * weft_ct_info_release() - drop the references @info holds.
 * @info: a converted ct action (from an action list being freed).
 */
void weft_ct_info_release(struct weft_ct_info *info)
{
	if (info->helper) {
		if (info->nat)
			nf_nat_helper_put(info->helper);
		nf_conntrack_helper_put(info->helper);
		info->helper = NULL;
	}
	if (info->tmpl) {
		if (info->timeout_name[0])
			nf_ct_destroy_timeout(info->tmpl);
		nf_ct_tmpl_free(info->tmpl);
		info->tmpl = NULL;
	}
}

static int parse_ct(struct weft_acts_builder *b, struct net *net,
		    const struct nlattr *a, struct weft_ct_info *info)
{
	struct nlattr *tb[WEFT_CT_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, WEFT_CT_A_MAX, a, ct_policy, b->extack);
	if (err) {
		ct_policy_err(b, a, "ct: bad attribute (COMMIT/FORCE_COMMIT flags, ZONE u16, MARK 8 and LABELS 32 bytes, HELPER/TIMEOUT NUL-terminated names, NAT nest)");
		return err;
	}
	info->family = flow_family(b);
	if (info->family == NFPROTO_UNSPEC)
		return CT_BAD(a, "ct: needs eth_type 0x0800 or 0x86dd matched exactly");
	info->force = !!tb[WEFT_CT_A_FORCE_COMMIT];
	info->commit = info->force || tb[WEFT_CT_A_COMMIT];
	if (tb[WEFT_CT_A_ZONE])
		nf_ct_zone_init(&info->zone, nla_get_u16(tb[WEFT_CT_A_ZONE]),
				NF_CT_DEFAULT_ZONE_DIR, 0);
	else
		nf_ct_zone_init(&info->zone, NF_CT_DEFAULT_ZONE_ID,
				NF_CT_DEFAULT_ZONE_DIR, 0);
	if (tb[WEFT_CT_A_MARK]) {
		if (!info->commit)
			return CT_BAD(tb[WEFT_CT_A_MARK], "ct: setting the mark needs COMMIT");
		memcpy(&info->mark, nla_data(tb[WEFT_CT_A_MARK]),
		       sizeof(info->mark));
		if (!info->mark.mask)
			return CT_BAD(tb[WEFT_CT_A_MARK], "ct: mark mask is zero");
		info->mark.value &= info->mark.mask;
		info->have_mark = 1;
	}
	if (tb[WEFT_CT_A_LABELS]) {
		int i;

		if (!info->commit)
			return CT_BAD(tb[WEFT_CT_A_LABELS], "ct: setting the labels needs COMMIT");
		memcpy(&info->labels, nla_data(tb[WEFT_CT_A_LABELS]),
		       sizeof(info->labels));
		if (bytes_zero(info->labels.mask, WEFT_CT_LABELS_LEN))
			return CT_BAD(tb[WEFT_CT_A_LABELS], "ct: labels mask is zero");
		for (i = 0; i < WEFT_CT_LABELS_LEN; i++)
			info->labels.value[i] &= info->labels.mask[i];
		info->have_labels = 1;
	}
	if (tb[WEFT_CT_A_NAT]) {
		err = parse_nat(b, tb[WEFT_CT_A_NAT], info);
		if (err)
			return err;
	}

	info->tmpl = nf_ct_tmpl_alloc(net, &info->zone, GFP_KERNEL);
	if (!info->tmpl) {
		NL_SET_ERR_MSG_ATTR(b->extack, a, "ct: out of memory");
		return -ENOMEM;
	}
	if (tb[WEFT_CT_A_TIMEOUT]) {
		err = add_timeout(b, net, tb[WEFT_CT_A_TIMEOUT], info);
		if (err)
			return err;
	}
	if (tb[WEFT_CT_A_HELPER]) {
		err = add_helper(b, tb[WEFT_CT_A_HELPER], info);
		if (err)
			return err;
	}
	/*
	 * Confirmed only for a commit, as openvswitch.ko does: a lookup with
	 * an unconfirmed template finds an expectation without unlinking it
	 * (nf_ct_find_expectation()), so a related connection that lost its
	 * skb's conntrack to an upcall between ct() and ct(commit) is found
	 * related again by the commit's lookup (FTP data connections).
	 */
	if (info->commit)
		__set_bit(IPS_CONFIRMED_BIT, &info->tmpl->status);
	return 0;
}

/**
 * weft_ct_nl_convert() - WEFT_ACTION_A_CT to WEFT_IACT_CT.
 * @b: the builder.
 * @net: the datapath's namespace.
 * @a: the nest.
 *
 * Return: 0 or -errno.
 */
int weft_ct_nl_convert(struct weft_acts_builder *b, struct net *net,
		       const struct nlattr *a)
{
	struct weft_ct_info info = {};
	int off, err;

	err = parse_ct(b, net, a, &info);
	if (err) {
		weft_ct_info_release(&info);
		return err;
	}
	off = weft_acts_builder_put(b, WEFT_IACT_CT, &info, sizeof(info));
	if (off < 0) {
		weft_ct_info_release(&info);
		return off;
	}
	/* Remember it, so that a later failure can release it. */
	weft_acts_builder_note_ct(b, off);
	return 0;
}

static int put_nat(struct sk_buff *skb, const struct weft_ct_info *info)
{
	const struct nf_nat_range2 *r = &info->range;
	size_t alen = info->family == NFPROTO_IPV4 ? sizeof(__be32) :
						      sizeof(struct in6_addr);
	struct nlattr *start = nla_nest_start(skb, WEFT_CT_A_NAT);

	if (!start)
		return -EMSGSIZE;
	if ((info->nat & WEFT_CT_NAT_SRC) && nla_put_flag(skb, WEFT_NAT_A_SRC))
		return -EMSGSIZE;
	if ((info->nat & WEFT_CT_NAT_DST) && nla_put_flag(skb, WEFT_NAT_A_DST))
		return -EMSGSIZE;
	if (r->flags & NF_NAT_RANGE_MAP_IPS &&
	    (nla_put(skb, WEFT_NAT_A_IP_MIN, alen, &r->min_addr) ||
	     nla_put(skb, WEFT_NAT_A_IP_MAX, alen, &r->max_addr)))
		return -EMSGSIZE;
	if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED &&
	    (nla_put_u16(skb, WEFT_NAT_A_PROTO_MIN, ntohs(r->min_proto.all)) ||
	     nla_put_u16(skb, WEFT_NAT_A_PROTO_MAX, ntohs(r->max_proto.all))))
		return -EMSGSIZE;
	if ((r->flags & NF_NAT_RANGE_PERSISTENT &&
	     nla_put_flag(skb, WEFT_NAT_A_PERSISTENT)) ||
	    (r->flags & NF_NAT_RANGE_PROTO_RANDOM &&
	     nla_put_flag(skb, WEFT_NAT_A_PROTO_HASH)) ||
	    (r->flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY &&
	     nla_put_flag(skb, WEFT_NAT_A_PROTO_RANDOM)))
		return -EMSGSIZE;
	nla_nest_end(skb, start);
	return 0;
}

/**
 * weft_ct_nl_put() - @info as a WEFT_ACTION_A_CT nest.
 * @skb: the message.
 * @info: the action.
 *
 * FORCE_COMMIT stands alone (it implies COMMIT); the zone is always given.
 *
 * Return: 0 or -EMSGSIZE.
 */
int weft_ct_nl_put(struct sk_buff *skb, const struct weft_ct_info *info)
{
	struct nlattr *start = nla_nest_start(skb, WEFT_ACTION_A_CT);

	if (!start)
		return -EMSGSIZE;
	if (info->force ? nla_put_flag(skb, WEFT_CT_A_FORCE_COMMIT) :
	    info->commit ? nla_put_flag(skb, WEFT_CT_A_COMMIT) : 0)
		return -EMSGSIZE;
	if (nla_put_u16(skb, WEFT_CT_A_ZONE, info->zone.id))
		return -EMSGSIZE;
	if (info->have_mark &&
	    nla_put(skb, WEFT_CT_A_MARK, sizeof(info->mark), &info->mark))
		return -EMSGSIZE;
	if (info->have_labels &&
	    nla_put(skb, WEFT_CT_A_LABELS, sizeof(info->labels), &info->labels))
		return -EMSGSIZE;
	if (info->helper_name[0] &&
	    nla_put_string(skb, WEFT_CT_A_HELPER, info->helper_name))
		return -EMSGSIZE;
	if (info->timeout_name[0] &&
	    nla_put_string(skb, WEFT_CT_A_TIMEOUT, info->timeout_name))
		return -EMSGSIZE;
	if (info->nat && put_nat(skb, info))
		return -EMSGSIZE;
	nla_nest_end(skb, start);
	return 0;
}

/** weft_ct_nl_size() - Return: the bytes weft_ct_nl_put() emits, exactly. */
size_t weft_ct_nl_size(const struct weft_ct_info *info)
{
	const struct nf_nat_range2 *r = &info->range;
	size_t alen = info->family == NFPROTO_IPV4 ? sizeof(__be32) :
						      sizeof(struct in6_addr);
	size_t size = nla_total_size(sizeof(u16));	/* ZONE */
	size_t nat = 0;

	if (info->commit)
		size += nla_total_size(0);
	if (info->have_mark)
		size += nla_total_size(sizeof(info->mark));
	if (info->have_labels)
		size += nla_total_size(sizeof(info->labels));
	if (info->helper_name[0])
		size += nla_total_size(strlen(info->helper_name) + 1);
	if (info->timeout_name[0])
		size += nla_total_size(strlen(info->timeout_name) + 1);
	if (info->nat) {
		if (info->nat & (WEFT_CT_NAT_SRC | WEFT_CT_NAT_DST))
			nat += nla_total_size(0);
		if (r->flags & NF_NAT_RANGE_MAP_IPS)
			nat += 2 * nla_total_size(alen);
		if (r->flags & NF_NAT_RANGE_PROTO_SPECIFIED)
			nat += 2 * nla_total_size(sizeof(u16));
		nat += hweight32(r->flags & (NF_NAT_RANGE_PERSISTENT |
					     NF_NAT_RANGE_PROTO_RANDOM |
					     NF_NAT_RANGE_PROTO_RANDOM_FULLY)) *
		       nla_total_size(0);
		size += nla_total_size(nat);
	}
	return nla_total_size(size);
}
