// SPDX-License-Identifier: GPL-2.0
/*
 * Action lists to and from netlink: validate a WEFT_ACTION_A_* nest once at
 * install time, convert it to the internal form described in actions_int.h,
 * and print the internal form back in the uapi form for dumps.
 *
 * Set actions are checked against the flow they belong to: a header may only
 * be written when the flow matches its enclosing protocol exactly (set ipv4
 * needs eth_type 0x0800, set tcp needs ip proto 6, ...). The headers a set
 * addresses are the ones after any VLAN tags, and push_vlan/pop_vlan only add
 * or remove tags, so a list's VLAN actions never change what a later set may
 * assume; no per-action state needs tracking beyond the flow itself.
 */
#include <linux/errno.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <net/netlink.h>

#include "actions.h"
#include "actions_int.h"
#include "conntrack.h"
#include "key_nl.h"

/*
 * Make room for @need more bytes. The list is built in place in the struct
 * weft_flow_actions that will hold it; that starts a little larger than the
 * input and doubles, up to WEFT_ACTIONS_MAX_SIZE. It may move, which is why
 * the converters keep offsets into it, not pointers.
 */
static bool builder_grow(struct weft_acts_builder *b, size_t need)
{
	const size_t head = offsetof(struct weft_flow_actions, actions);
	size_t cap = ksize(b->acts) - head;
	struct weft_flow_actions *acts;

	if (b->len + need <= cap)
		return true;
	if (b->len + need > WEFT_ACTIONS_MAX_SIZE) {
		NL_SET_ERR_MSG(b->extack,
			       "actions: list longer than " __stringify(WEFT_ACTIONS_MAX_SIZE) " bytes");
		return false;
	}
	cap = min_t(size_t, max(2 * cap, b->len + need), WEFT_ACTIONS_MAX_SIZE);
	acts = krealloc(b->acts, head + cap, GFP_KERNEL);
	if (!acts) {
		NL_SET_ERR_MSG(b->extack, "actions: out of memory");
		return false;
	}
	b->acts = acts;
	b->buf = (u8 *)acts->actions;
	return true;
}

static void *builder_reserve(struct weft_acts_builder *b, int len)
{
	void *p;

	if (!builder_grow(b, NLA_ALIGN(len)))
		return NULL;
	p = b->buf + b->len;
	memset(p, 0, NLA_ALIGN(len));
	b->len += NLA_ALIGN(len);
	return p;
}

/* Why builder_reserve(@b, @len) failed: too long, or out of memory. */
static int builder_err(const struct weft_acts_builder *b, int len)
{
	return b->len + NLA_ALIGN(len) > WEFT_ACTIONS_MAX_SIZE ? -E2BIG :
								 -ENOMEM;
}

/**
 * weft_acts_builder_put() - append an attribute to the list being built.
 * @b: the builder.
 * @type: the attribute type.
 * @data: @len bytes of payload, or NULL to leave it zeroed.
 * @len: the payload length.
 *
 * Return: the offset of the new attribute in @b->buf (which may move), or
 * -E2BIG, -ENOMEM.
 */
int weft_acts_builder_put(struct weft_acts_builder *b, int type,
			  const void *data, int len)
{
	struct nlattr *nla = builder_reserve(b, nla_total_size(len));

	if (!nla)
		return builder_err(b, nla_total_size(len));
	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	if (data)
		memcpy(nla_data(nla), data, len);
	return (u8 *)nla - b->buf;
}

static void builder_nest_end(struct weft_acts_builder *b, int start)
{
	struct nlattr *nla = (struct nlattr *)(b->buf + start);

	nla->nla_len = b->len - start;
}

static int convert_list(struct weft_acts_builder *b, const struct nlattr *list,
			int depth);

/* The nested list of CLONE, SAMPLE, CHECK_PKT_LEN or DEC_TTL. */
static int convert_nested(struct weft_acts_builder *b,
			  const struct nlattr *list, int depth)
{
	if (depth > WEFT_ACTIONS_MAX_DEPTH) {
		NL_SET_ERR_MSG_ATTR(b->extack, list,
				    "actions: clone/sample/check_pkt_len/dec_ttl nested deeper than "
				    __stringify(WEFT_ACTIONS_MAX_DEPTH));
		return -EINVAL;
	}
	return list ? convert_list(b, list, depth) : 0;
}

static const struct nla_policy userspace_policy[WEFT_USERSPACE_A_MAX + 1] = {
	[WEFT_USERSPACE_A_PID]		= { .type = NLA_U32 },
	[WEFT_USERSPACE_A_USERDATA]	= { .type = NLA_BINARY },
};

static const struct nla_policy vlan_policy[WEFT_VLAN_A_MAX + 1] = {
	[WEFT_VLAN_A_TPID]		= { .type = NLA_BE16 },
	[WEFT_VLAN_A_TCI]		= { .type = NLA_BE16 },
};

static const struct nla_policy hash_policy[WEFT_HASH_A_MAX + 1] = {
	[WEFT_HASH_A_ALG]	= NLA_POLICY_MAX(NLA_U32, __WEFT_HASH_ALG_MAX - 1),
	[WEFT_HASH_A_BASIS]	= { .type = NLA_U32 },
};

static const struct nla_policy sample_policy[WEFT_SAMPLE_A_MAX + 1] = {
	[WEFT_SAMPLE_A_PROBABILITY]	= { .type = NLA_U32 },
	[WEFT_SAMPLE_A_ACTIONS]		= { .type = NLA_NESTED },
};

static const struct nla_policy check_len_policy[WEFT_CHECK_PKT_LEN_A_MAX + 1] = {
	[WEFT_CHECK_PKT_LEN_A_PKT_LEN]		= { .type = NLA_U16 },
	[WEFT_CHECK_PKT_LEN_A_IF_GREATER]	= { .type = NLA_NESTED },
	[WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL]	= { .type = NLA_NESTED },
};

static const struct nla_policy dec_ttl_policy[WEFT_DEC_TTL_A_MAX + 1] = {
	[WEFT_DEC_TTL_A_ACTIONS]	= { .type = NLA_NESTED },
};

/* Port numbers outgrow the s16 bounds of NLA_POLICY_MAX(); 6.1 takes no const. */
static struct netlink_range_validation output_range = {
	.max = WEFT_VPORT_MAX,
};

/*
 * One policy for every action; nested action lists are plain nests here and
 * validated level by level by convert_list(), which bounds the depth.
 */
static const struct nla_policy action_policy[WEFT_ACTION_A_MAX + 1] = {
	[WEFT_ACTION_A_OUTPUT]	= NLA_POLICY_FULL_RANGE(NLA_U32, &output_range),
	[WEFT_ACTION_A_USERSPACE] = NLA_POLICY_NESTED(userspace_policy),
	[WEFT_ACTION_A_SET]	= { .type = NLA_NESTED },
	[WEFT_ACTION_A_PUSH_VLAN] = NLA_POLICY_NESTED(vlan_policy),
	[WEFT_ACTION_A_POP_VLAN] = { .type = NLA_FLAG },
	[WEFT_ACTION_A_RECIRC]	= { .type = NLA_U32 },
	[WEFT_ACTION_A_HASH]	= NLA_POLICY_NESTED(hash_policy),
	[WEFT_ACTION_A_TRUNC]	= NLA_POLICY_MIN(NLA_U32, ETH_HLEN),
	[WEFT_ACTION_A_CLONE]	= { .type = NLA_NESTED },
	[WEFT_ACTION_A_SAMPLE]	= NLA_POLICY_NESTED(sample_policy),
	[WEFT_ACTION_A_CHECK_PKT_LEN] = NLA_POLICY_NESTED(check_len_policy),
	[WEFT_ACTION_A_DEC_TTL]	= NLA_POLICY_NESTED(dec_ttl_policy),
	[WEFT_ACTION_A_DROP]	= { .type = NLA_U32 },
	[WEFT_ACTION_A_CT]	= { .type = NLA_NESTED },
	[WEFT_ACTION_A_CT_CLEAR] = { .type = NLA_FLAG },
};

/* What the policy of each action demands, said when it refuses one. */
static const char * const action_policy_msg[WEFT_ACTION_A_MAX + 1] = {
	[WEFT_ACTION_A_OUTPUT]	= "output: needs a u32 port number <= " __stringify(WEFT_VPORT_MAX),
	[WEFT_ACTION_A_USERSPACE] = "userspace: bad nest (PID is a u32, USERDATA binary)",
	[WEFT_ACTION_A_SET]	= "set: bad nest (KEY and optional MASK, both nests)",
	[WEFT_ACTION_A_PUSH_VLAN] = "push_vlan: bad nest (TPID and TCI, both __be16)",
	[WEFT_ACTION_A_POP_VLAN] = "pop_vlan: must be a flag (no payload)",
	[WEFT_ACTION_A_RECIRC]	= "recirc: needs a u32 recirc_id",
	[WEFT_ACTION_A_HASH]	= "hash: bad nest (ALG is a known u32 algorithm, BASIS a u32)",
	[WEFT_ACTION_A_TRUNC]	= "trunc: needs a u32 max length >= 14",
	[WEFT_ACTION_A_CLONE]	= "clone: must be a nest of actions",
	[WEFT_ACTION_A_SAMPLE]	= "sample: bad nest (PROBABILITY u32, ACTIONS nest)",
	[WEFT_ACTION_A_CHECK_PKT_LEN] = "check_pkt_len: bad nest (PKT_LEN u16, branches nests)",
	[WEFT_ACTION_A_DEC_TTL]	= "dec_ttl: bad nest (ACTIONS nest)",
	[WEFT_ACTION_A_DROP]	= "drop: needs a u32 reason",
	[WEFT_ACTION_A_CT]	= "ct: must be a nest (enum weft_ct_attr)",
	[WEFT_ACTION_A_CT_CLEAR] = "ct_clear: must be a flag (no payload)",
};

static int convert_userspace(struct weft_acts_builder *b, const struct nlattr *a)
{
	/* Already validated; the packet path reads it as it is. */
	int err = weft_acts_builder_put(b, WEFT_ACTION_A_USERSPACE, nla_data(a),
			      nla_len(a));

	return err < 0 ? err : 0;
}

static int convert_push_vlan(struct weft_acts_builder *b, const struct nlattr *a)
{
	struct nlattr *tb[WEFT_VLAN_A_MAX + 1];
	struct weft_push_vlan pv;
	int err;

	err = nla_parse_nested(tb, WEFT_VLAN_A_MAX, a, vlan_policy, b->extack);
	if (err)
		return err;
	if (!tb[WEFT_VLAN_A_TPID] || !tb[WEFT_VLAN_A_TCI]) {
		NL_SET_ERR_MSG_ATTR(b->extack, a, "push_vlan: needs TPID and TCI");
		return -EINVAL;
	}
	pv.tpid = nla_get_be16(tb[WEFT_VLAN_A_TPID]);
	pv.tci = nla_get_be16(tb[WEFT_VLAN_A_TCI]);
	if (pv.tpid != htons(ETH_P_8021Q) && pv.tpid != htons(ETH_P_8021AD)) {
		NL_SET_ERR_MSG_ATTR(b->extack, tb[WEFT_VLAN_A_TPID],
				    "push_vlan: TPID must be 0x8100 or 0x88a8");
		return -EINVAL;
	}
	if (!(pv.tci & htons(VLAN_CFI_MASK))) {
		NL_SET_ERR_MSG_ATTR(b->extack, tb[WEFT_VLAN_A_TCI],
				    "push_vlan: TCI must have the CFI bit (0x1000) set");
		return -EINVAL;
	}
	err = weft_acts_builder_put(b, WEFT_IACT_PUSH_VLAN, &pv, sizeof(pv));
	return err < 0 ? err : 0;
}

static int convert_hash(struct weft_acts_builder *b, const struct nlattr *a)
{
	struct nlattr *tb[WEFT_HASH_A_MAX + 1];
	struct weft_hash h = {};
	int err;

	err = nla_parse_nested(tb, WEFT_HASH_A_MAX, a, hash_policy, b->extack);
	if (err)
		return err;
	if (!tb[WEFT_HASH_A_ALG]) {
		NL_SET_ERR_MSG_ATTR(b->extack, a, "hash: needs ALG");
		return -EINVAL;
	}
	h.alg = nla_get_u32(tb[WEFT_HASH_A_ALG]);
	if (tb[WEFT_HASH_A_BASIS])
		h.basis = nla_get_u32(tb[WEFT_HASH_A_BASIS]);
	err = weft_acts_builder_put(b, WEFT_IACT_HASH, &h, sizeof(h));
	return err < 0 ? err : 0;
}

static int convert_sample(struct weft_acts_builder *b, const struct nlattr *a,
			  int depth)
{
	struct nlattr *tb[WEFT_SAMPLE_A_MAX + 1];
	int start, err;
	u32 *prob;

	err = nla_parse_nested(tb, WEFT_SAMPLE_A_MAX, a, sample_policy,
			       b->extack);
	if (err)
		return err;
	if (!tb[WEFT_SAMPLE_A_PROBABILITY]) {
		NL_SET_ERR_MSG_ATTR(b->extack, a, "sample: needs PROBABILITY");
		return -EINVAL;
	}
	start = weft_acts_builder_put(b, WEFT_IACT_SAMPLE, NULL, 0);
	if (start < 0)
		return start;
	prob = builder_reserve(b, sizeof(*prob));
	if (!prob)
		return builder_err(b, sizeof(*prob));
	*prob = nla_get_u32(tb[WEFT_SAMPLE_A_PROBABILITY]);
	err = convert_nested(b, tb[WEFT_SAMPLE_A_ACTIONS], depth + 1);
	if (err)
		return err;
	builder_nest_end(b, start);
	return 0;
}

/*
 * Both branches are optional: a missing one is an empty list, so that
 * branch only drops its copy of the packet.
 */
static int convert_check_len(struct weft_acts_builder *b, const struct nlattr *a,
			     int depth)
{
	struct nlattr *tb[WEFT_CHECK_PKT_LEN_A_MAX + 1];
	struct weft_check_len *cl;
	int start, hdr, greater, err;

	err = nla_parse_nested(tb, WEFT_CHECK_PKT_LEN_A_MAX, a,
			       check_len_policy, b->extack);
	if (err)
		return err;
	if (!tb[WEFT_CHECK_PKT_LEN_A_PKT_LEN]) {
		NL_SET_ERR_MSG_ATTR(b->extack, a, "check_pkt_len: needs PKT_LEN");
		return -EINVAL;
	}
	start = weft_acts_builder_put(b, WEFT_IACT_CHECK_LEN, NULL, 0);
	if (start < 0)
		return start;
	if (!builder_reserve(b, sizeof(*cl)))
		return builder_err(b, sizeof(*cl));
	hdr = b->len - sizeof(*cl);
	greater = b->len;
	err = convert_nested(b, tb[WEFT_CHECK_PKT_LEN_A_IF_GREATER], depth + 1);
	if (err)
		return err;
	/* The buffer may have moved: look the header up by its offset. */
	cl = (struct weft_check_len *)(b->buf + hdr);
	cl->pkt_len = nla_get_u16(tb[WEFT_CHECK_PKT_LEN_A_PKT_LEN]);
	cl->greater_len = b->len - greater;
	err = convert_nested(b, tb[WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL],
			     depth + 1);
	if (err)
		return err;
	builder_nest_end(b, start);
	return 0;
}

/* CLONE and DEC_TTL: the attribute holds the converted list directly. */
static int convert_wrapped(struct weft_acts_builder *b, int type,
			   const struct nlattr *list, int depth)
{
	int start, err;

	start = weft_acts_builder_put(b, type, NULL, 0);
	if (start < 0)
		return start;
	err = convert_nested(b, list, depth + 1);
	if (err)
		return err;
	builder_nest_end(b, start);
	return 0;
}

static int convert_dec_ttl(struct weft_acts_builder *b, const struct nlattr *a,
			   int depth)
{
	struct nlattr *tb[WEFT_DEC_TTL_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, WEFT_DEC_TTL_A_MAX, a, dec_ttl_policy,
			       b->extack);
	if (err)
		return err;
	return convert_wrapped(b, WEFT_ACTION_A_DEC_TTL,
			       tb[WEFT_DEC_TTL_A_ACTIONS], depth);
}

/* The actions whose uapi payload is also their internal form. */
static int convert_plain(struct weft_acts_builder *b, const struct nlattr *a)
{
	int err = weft_acts_builder_put(b, nla_type(a), nla_data(a), nla_len(a));

	return err < 0 ? err : 0;
}

static int convert_one(struct weft_acts_builder *b, const struct nlattr *a,
		       int depth)
{
	switch (nla_type(a)) {
	case WEFT_ACTION_A_OUTPUT:
	case WEFT_ACTION_A_POP_VLAN:
	case WEFT_ACTION_A_RECIRC:
	case WEFT_ACTION_A_TRUNC:
	case WEFT_ACTION_A_DROP:
	case WEFT_ACTION_A_CT_CLEAR:
		return convert_plain(b, a);
	case WEFT_ACTION_A_CT:
		return weft_ct_nl_convert(b, b->net, a);
	case WEFT_ACTION_A_USERSPACE:
		return convert_userspace(b, a);
	case WEFT_ACTION_A_SET:
		return weft_set_nl_convert(b, a);
	case WEFT_ACTION_A_PUSH_VLAN:
		return convert_push_vlan(b, a);
	case WEFT_ACTION_A_HASH:
		return convert_hash(b, a);
	case WEFT_ACTION_A_CLONE:
		return convert_wrapped(b, WEFT_ACTION_A_CLONE, a, depth);
	case WEFT_ACTION_A_SAMPLE:
		return convert_sample(b, a, depth);
	case WEFT_ACTION_A_CHECK_PKT_LEN:
		return convert_check_len(b, a, depth);
	case WEFT_ACTION_A_DEC_TTL:
		return convert_dec_ttl(b, a, depth);
	}
	NL_SET_ERR_MSG_ATTR(b->extack, a, "actions: unknown action type");
	return -EINVAL;
}

static int convert_list(struct weft_acts_builder *b, const struct nlattr *list,
			int depth)
{
	const struct nlattr *a;
	int rem, err;

	nla_for_each_nested(a, list, rem) {
		int type = nla_type(a);

		if (type == WEFT_ACTION_A_UNSPEC || type > WEFT_ACTION_A_MAX) {
			NL_SET_ERR_MSG_ATTR(b->extack, a,
					    "actions: unknown action type");
			return -EINVAL;
		}
		/* Validate this one attribute against its entry. */
		err = nla_validate(a, a->nla_len, WEFT_ACTION_A_MAX,
				   action_policy, b->extack);
		if (err) {
			weft_acts_err(b->extack, a, action_policy_msg[type]);
			return err;
		}
		if (type == WEFT_ACTION_A_DROP && !nla_is_last(a, rem)) {
			NL_SET_ERR_MSG_ATTR(b->extack, a,
					    "drop: must be the last action of its list");
			return -EINVAL;
		}
		err = convert_one(b, a, depth);
		if (err)
			return err;
	}
	if (rem > 0) {
		NL_SET_ERR_MSG_ATTR(b->extack, list,
				    "actions: trailing bytes after the last action");
		return -EINVAL;
	}
	return 0;
}

/* Printing the internal form back in the uapi form. */
static int put_list(struct sk_buff *skb, const struct nlattr *attrs, int len);

static int put_nested_list(struct sk_buff *skb, int type,
			   const struct nlattr *attrs, int len)
{
	struct nlattr *start = nla_nest_start(skb, type);

	if (!start || put_list(skb, attrs, len))
		return -EMSGSIZE;
	nla_nest_end(skb, start);
	return 0;
}

static int put_push_vlan(struct sk_buff *skb, const struct weft_push_vlan *pv)
{
	struct nlattr *start = nla_nest_start(skb, WEFT_ACTION_A_PUSH_VLAN);

	if (!start || nla_put_be16(skb, WEFT_VLAN_A_TPID, pv->tpid) ||
	    nla_put_be16(skb, WEFT_VLAN_A_TCI, pv->tci))
		return -EMSGSIZE;
	nla_nest_end(skb, start);
	return 0;
}

static int put_hash(struct sk_buff *skb, const struct weft_hash *h)
{
	struct nlattr *start = nla_nest_start(skb, WEFT_ACTION_A_HASH);

	if (!start || nla_put_u32(skb, WEFT_HASH_A_ALG, h->alg) ||
	    nla_put_u32(skb, WEFT_HASH_A_BASIS, h->basis))
		return -EMSGSIZE;
	nla_nest_end(skb, start);
	return 0;
}

static int put_sample(struct sk_buff *skb, const struct nlattr *a)
{
	struct nlattr *start = nla_nest_start(skb, WEFT_ACTION_A_SAMPLE);
	const u32 *prob = nla_data(a);

	if (!start || nla_put_u32(skb, WEFT_SAMPLE_A_PROBABILITY, *prob) ||
	    put_nested_list(skb, WEFT_SAMPLE_A_ACTIONS,
			    (const void *)(prob + 1), nla_len(a) - sizeof(*prob)))
		return -EMSGSIZE;
	nla_nest_end(skb, start);
	return 0;
}

static int put_check_len(struct sk_buff *skb, const struct nlattr *a)
{
	struct nlattr *start = nla_nest_start(skb, WEFT_ACTION_A_CHECK_PKT_LEN);
	const struct weft_check_len *cl = nla_data(a);
	const u8 *greater = (const u8 *)(cl + 1);
	int le_len = nla_len(a) - sizeof(*cl) - cl->greater_len;

	if (!start ||
	    nla_put_u16(skb, WEFT_CHECK_PKT_LEN_A_PKT_LEN, cl->pkt_len) ||
	    put_nested_list(skb, WEFT_CHECK_PKT_LEN_A_IF_GREATER,
			    (const void *)greater, cl->greater_len) ||
	    put_nested_list(skb, WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL,
			    (const void *)(greater + cl->greater_len), le_len))
		return -EMSGSIZE;
	nla_nest_end(skb, start);
	return 0;
}

static int put_one(struct sk_buff *skb, const struct nlattr *a)
{
	struct nlattr *start;

	switch (nla_type(a)) {
	case WEFT_ACTION_A_CLONE:
		return put_nested_list(skb, WEFT_ACTION_A_CLONE, nla_data(a),
				       nla_len(a));
	case WEFT_ACTION_A_DEC_TTL:
		start = nla_nest_start(skb, WEFT_ACTION_A_DEC_TTL);
		if (!start || put_nested_list(skb, WEFT_DEC_TTL_A_ACTIONS,
					      nla_data(a), nla_len(a)))
			return -EMSGSIZE;
		nla_nest_end(skb, start);
		return 0;
	case WEFT_ACTION_A_USERSPACE:
		/* Kept as a nest: restore the flag the builder dropped. */
		return nla_put(skb, WEFT_ACTION_A_USERSPACE | NLA_F_NESTED,
			       nla_len(a), nla_data(a));
	case WEFT_IACT_SET:
		return weft_set_nl_put(skb, nla_data(a));
	case WEFT_IACT_SET_TUNNEL:
		return weft_tun_set_nl_put(skb, nla_data(a));
	case WEFT_IACT_PUSH_VLAN:
		return put_push_vlan(skb, nla_data(a));
	case WEFT_IACT_HASH:
		return put_hash(skb, nla_data(a));
	case WEFT_IACT_SAMPLE:
		return put_sample(skb, a);
	case WEFT_IACT_CHECK_LEN:
		return put_check_len(skb, a);
	case WEFT_IACT_CT:
		return weft_ct_nl_put(skb, nla_data(a));
	default:
		/* OUTPUT, POP_VLAN, RECIRC, TRUNC, DROP: as they came. */
		return nla_put(skb, nla_type(a), nla_len(a), nla_data(a));
	}
}

static int put_list(struct sk_buff *skb, const struct nlattr *attrs, int len)
{
	const struct nlattr *a;
	int rem;

	nla_for_each_attr(a, attrs, len, rem)
		if (put_one(skb, a))
			return -EMSGSIZE;
	return 0;
}

/* What put_list() emits, in bytes. */
static size_t put_size(const struct nlattr *attrs, int len)
{
	const struct weft_check_len *cl;
	const struct nlattr *a;
	size_t size = 0;
	int rem;

	nla_for_each_attr(a, attrs, len, rem) {
		switch (nla_type(a)) {
		case WEFT_ACTION_A_CLONE:
			size += nla_total_size(put_size(nla_data(a), nla_len(a)));
			break;
		case WEFT_ACTION_A_DEC_TTL:
			size += nla_total_size(nla_total_size(put_size(nla_data(a),
								       nla_len(a))));
			break;
		case WEFT_IACT_SET:
			size += weft_set_nl_size(nla_data(a));
			break;
		case WEFT_IACT_SET_TUNNEL:
			size += weft_tun_set_nl_size(nla_data(a));
			break;
		case WEFT_IACT_CT:
			size += weft_ct_nl_size(nla_data(a));
			break;
		case WEFT_IACT_PUSH_VLAN:
			size += nla_total_size(2 * nla_total_size(sizeof(__be16)));
			break;
		case WEFT_IACT_HASH:
			size += nla_total_size(2 * nla_total_size(sizeof(u32)));
			break;
		case WEFT_IACT_SAMPLE:
			size += nla_total_size(nla_total_size(sizeof(u32)) +
				nla_total_size(put_size(nla_data(a) + sizeof(u32),
							nla_len(a) - sizeof(u32))));
			break;
		case WEFT_IACT_CHECK_LEN:
			cl = nla_data(a);
			size += nla_total_size(nla_total_size(sizeof(u16)) +
				nla_total_size(put_size((const void *)(cl + 1),
							cl->greater_len)) +
				nla_total_size(put_size((const void *)(cl + 1) +
							cl->greater_len,
							nla_len(a) - sizeof(*cl) -
							cl->greater_len)));
			break;
		default:
			size += nla_total_size(nla_len(a));
		}
	}
	return size;
}

/**
 * weft_actions_put() - emit @acts as nest @attrtype in the uapi form.
 * @skb: the message being built.
 * @attrtype: WEFT_FLOW_A_ACTIONS or WEFT_PACKET_A_ACTIONS.
 * @acts: the list.
 *
 * Return: 0 or -EMSGSIZE (the nest is cancelled).
 */
int weft_actions_put(struct sk_buff *skb, int attrtype,
		     const struct weft_flow_actions *acts)
{
	struct nlattr *start = nla_nest_start(skb, attrtype);

	if (!start)
		return -EMSGSIZE;
	if (put_list(skb, acts->actions, acts->len)) {
		nla_nest_cancel(skb, start);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, start);
	return 0;
}

/**
 * weft_actions_nlmsg_size() - the room weft_actions_put() needs.
 * @acts: the list.
 *
 * Return: bytes, including the outer nest.
 */
size_t weft_actions_nlmsg_size(const struct weft_flow_actions *acts)
{
	return nla_total_size(put_size(acts->actions, acts->len));
}

/**
 * weft_actions_parse() - validate a WEFT_ACTION_A_* nest and convert it.
 * @attr: the nest.
 * @net: the datapath's namespace.
 * @key: the flow's masked key, for the prerequisites of set actions.
 * @mask: the flow's mask, or NULL when @key is exact (packet execute).
 * @extack: names the offending action and why.
 *
 * Return: the list, or ERR_PTR(-EINVAL), ERR_PTR(-E2BIG) when it is longer
 * than WEFT_ACTIONS_MAX_SIZE once converted, ERR_PTR(-ENOMEM).
 */
struct weft_flow_actions *weft_actions_parse(const struct nlattr *attr,
					     struct net *net,
					     const struct weft_flow_key *key,
					     const struct weft_flow_key *mask,
					     struct netlink_ext_ack *extack)
{
	struct weft_acts_builder b = {
		.key = key, .mask = mask, .net = net, .ct_last = -1,
		.extack = extack,
	};
	size_t uapi_len;
	int err;

	/* Converted lists are rarely much longer than their input. */
	b.acts = kmalloc(struct_size(b.acts, actions, 0) +
			 min_t(int, nla_len(attr) + 32, WEFT_ACTIONS_MAX_SIZE),
			 GFP_KERNEL);
	if (!b.acts)
		return ERR_PTR(-ENOMEM);
	b.buf = (u8 *)b.acts->actions;
	err = convert_list(&b, attr, 0);
	if (err)
		goto err;
	/* A dump puts the list back in one nest, whose length is a u16. */
	uapi_len = put_size((struct nlattr *)b.buf, b.len);
	if (uapi_len > U16_MAX - NLA_HDRLEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "actions: list too long to be dumped back");
		err = -E2BIG;
		goto err;
	}
	b.acts->len = b.len;
	b.acts->has_ct = b.ct_last >= 0;
	return b.acts;
err:
	/* The list may be half built: follow the chain of its ct actions. */
	while (b.ct_last >= 0) {
		struct weft_ct_info *info =
			nla_data((struct nlattr *)(b.buf + b.ct_last));

		b.ct_last = info->chain_prev;
		weft_ct_info_release(info);
	}
	kfree(b.acts);
	return ERR_PTR(err);
}

void weft_acts_builder_note_ct(struct weft_acts_builder *b, int off)
{
	struct weft_ct_info *info = nla_data((struct nlattr *)(b->buf + off));

	info->chain_prev = b->ct_last;
	b->ct_last = off;
}

/* Release what the ct actions of a whole list (nested ones too) hold. */
static void release_list(const struct nlattr *attrs, int len)
{
	const struct weft_check_len *cl;
	const struct nlattr *a;
	int rem;

	nla_for_each_attr(a, attrs, len, rem) {
		switch (nla_type(a)) {
		case WEFT_IACT_CT:
			weft_ct_info_release(nla_data(a));
			break;
		case WEFT_ACTION_A_CLONE:
		case WEFT_ACTION_A_DEC_TTL:
			release_list(nla_data(a), nla_len(a));
			break;
		case WEFT_IACT_SAMPLE:
			release_list(nla_data(a) + sizeof(u32),
				     nla_len(a) - sizeof(u32));
			break;
		case WEFT_IACT_CHECK_LEN:
			cl = nla_data(a);
			release_list((const void *)(cl + 1),
				     nla_len(a) - sizeof(*cl));
			break;
		}
	}
}

static void actions_release(struct weft_flow_actions *acts)
{
	if (acts->has_ct)
		release_list(acts->actions, acts->len);
	kfree(acts);
}

static void actions_free_rcu_cb(struct rcu_head *head)
{
	actions_release(container_of(head, struct weft_flow_actions, rcu));
}

/**
 * weft_actions_free() - free @acts now (it is no longer reachable).
 * @acts: the list, or NULL.
 */
void weft_actions_free(struct weft_flow_actions *acts)
{
	if (acts)
		actions_release(acts);
}

/**
 * weft_actions_free_rcu() - free @acts after readers are done with it.
 * @acts: the list, or NULL.
 */
void weft_actions_free_rcu(struct weft_flow_actions *acts)
{
	if (acts)
		call_rcu(&acts->rcu, actions_free_rcu_cb);
}
