// SPDX-License-Identifier: GPL-2.0
/*
 * Running action lists on packets.
 *
 * Called under rcu_read_lock with BH disabled, from the flow lookup, from
 * packet execute and from recirculation. skb->data points at the Ethernet
 * header, the network and transport header offsets are the ones flow key
 * extraction set, and skb->csum (CHECKSUM_COMPLETE) covers everything from
 * skb->data.
 *
 * Every function here that takes an skb consumes it unless it says
 * otherwise. An action that is not the last of its list works on a clone, so
 * the last output, recirc, clone or branch of a list gets the packet itself
 * and the common single-output flow never clones.
 *
 * Nested lists (clone, sample, check_pkt_len, dec_ttl) run by recursion,
 * bounded by WEFT_ACTIONS_MAX_DEPTH at parse time; each level copies the
 * flow key so that what a nested list sets stays inside it. Recirculation
 * recurses too (through weft_dp_recirc()), so the two bounds multiply: a
 * per-CPU count of the lists running bounds the stack whatever the mix.
 */
#include <linux/if_vlan.h>
#include <linux/jhash.h>
#include <linux/net.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <net/netlink.h>

#include "actions.h"
#include "actions_int.h"
#include "conntrack.h"
#include "datapath.h"
#include "vport.h"

/* Lists running at once on this CPU, nested or recirculated. */
#define WEFT_EXEC_MAX_LEVEL	16
static DEFINE_PER_CPU(int, weft_exec_level);

static int do_execute(struct weft_datapath *dp, struct sk_buff *skb,
		      struct weft_flow_key *key, const struct nlattr *attrs,
		      int len, u32 trunc);

/* do_execute() one level deeper, or drop @skb when that is too deep. */
static int execute_level(struct weft_datapath *dp, struct sk_buff *skb,
			 struct weft_flow_key *key, const struct nlattr *attrs,
			 int len, u32 trunc)
{
	int *level = this_cpu_ptr(&weft_exec_level);
	int err;

	if (unlikely(*level >= WEFT_EXEC_MAX_LEVEL)) {
		net_warn_ratelimited("weft: %s: actions nested with recirculation deeper than %d, packet dropped\n",
				     weft_dp_name(dp), WEFT_EXEC_MAX_LEVEL);
		kfree_skb(skb);
		return -ELOOP;
	}
	(*level)++;
	err = do_execute(dp, skb, key, attrs, len, trunc);
	(*level)--;
	return err;
}

/*
 * Shorten @skb to @max_len for a truncated output or upcall. The copy must
 * own its head and shared info before they change. Return: 0 or -errno.
 */
static int apply_trunc(struct sk_buff *skb, u32 max_len)
{
	if (!max_len || skb->len <= max_len)
		return 0;
	if (skb_unclone(skb, GFP_ATOMIC))
		return -ENOMEM;
	/* A checksum the hardware would write past the end cannot be. */
	if (skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_start_offset(skb) + skb->csum_offset +
	    sizeof(__sum16) > max_len)
		skb->ip_summed = CHECKSUM_NONE;
	if (skb_is_gso(skb))
		skb_gso_reset(skb);
	return pskb_trim_rcsum(skb, max_len);
}

/*
 * Send @skb (consumed) out of port @port_no, with the tunnel metadata of
 * the last set(tunnel) when the port is a tunnel.
 */
static void do_output(struct weft_datapath *dp, struct sk_buff *skb,
		      const struct weft_flow_key *key, u32 port_no, u32 trunc)
{
	struct weft_vport *vport = weft_dp_lookup_port(dp, port_no);

	if (unlikely(!vport || apply_trunc(skb, trunc))) {
		kfree_skb(skb);
		return;
	}
	/* A packet a ct action reassembled leaves as fragments again. */
	if (unlikely(key->ct_mru) &&
	    skb->len - skb_network_offset(skb) > key->ct_mru) {
		weft_ct_fragment_send(weft_dp_net(dp), vport, skb, key->ct_mru,
				      key->egress_tun);
		return;
	}
	weft_vport_send(vport, skb, key->egress_tun);
}

/* The userspace action: an upcall of a copy of @skb (not consumed). */
static void do_userspace(struct weft_datapath *dp, struct sk_buff *skb,
			 const struct weft_flow_key *key,
			 const struct nlattr *a, u32 trunc)
{
	struct weft_upcall_info info = { .cmd = WEFT_CMD_PACKET_ACTION };
	const struct nlattr *nla;
	struct sk_buff *copy;
	int rem;

	nla_for_each_nested(nla, a, rem) {
		if (nla_type(nla) == WEFT_USERSPACE_A_PID)
			info.portid = nla_get_u32(nla);
		else if (nla_type(nla) == WEFT_USERSPACE_A_USERDATA)
			info.userdata = nla;
	}
	if (!trunc || skb->len <= trunc) {
		weft_dp_upcall(dp, skb, key, &info);
		return;
	}
	/* Userspace sees the truncated packet and its original length. */
	info.orig_len = skb->len;
	copy = skb_clone(skb, GFP_ATOMIC);
	if (!copy)
		return;
	if (!apply_trunc(copy, trunc))
		weft_dp_upcall(dp, copy, key, &info);
	consume_skb(copy);
}

/*
 * Run nested list @attrs on @skb. When @last, the list is the end of the
 * enclosing one: it gets @skb and @key themselves. Otherwise a clone and a
 * copy of the key, so the enclosing list continues unchanged. Consumes @skb
 * only when @last. A nested list's failure drops only its own copy.
 */
static noinline void clone_execute(struct weft_datapath *dp,
				   struct sk_buff *skb,
				   struct weft_flow_key *key,
				   const struct nlattr *attrs, int len,
				   u32 trunc, bool last)
{
	struct weft_flow_key copy;
	struct sk_buff *clone;

	if (last) {
		execute_level(dp, skb, key, attrs, len, trunc);
		return;
	}
	/* An empty list would only drop the clone. */
	if (!len)
		return;
	clone = skb_clone(skb, GFP_ATOMIC);
	if (!clone)
		return;		/* lose this copy only; the list goes on */
	copy = *key;
	execute_level(dp, clone, &copy, attrs, len, trunc);
}

/* Recirculate; consumes @skb only when @last. */
static noinline void do_recirc(struct weft_datapath *dp, struct sk_buff *skb,
			       struct weft_flow_key *key, u32 recirc_id,
			       bool last)
{
	struct weft_flow_key copy;
	struct sk_buff *clone;

	if (last) {
		weft_dp_recirc(dp, skb, key, recirc_id);
		return;
	}
	clone = skb_clone(skb, GFP_ATOMIC);
	if (!clone)
		return;
	copy = *key;
	weft_dp_recirc(dp, clone, &copy, recirc_id);
}

static void do_hash(struct sk_buff *skb, struct weft_flow_key *key,
		    const struct weft_hash *h)
{
	u32 hash = jhash_1word(skb_get_hash(skb), h->basis);

	/* 0 is how a key says "no hash computed": never produce it. */
	key->md.dp_hash = hash ? hash : 1;
}

/*
 * Both VLAN helpers of the kernel need skb->data at the MAC header; refuse
 * here rather than let them warn.
 */
static int do_push_vlan(struct sk_buff *skb, struct weft_flow_key *key,
			const struct weft_push_vlan *pv)
{
	int err;

	if (unlikely(skb->data != skb_mac_header(skb)))
		return -EINVAL;
	err = skb_vlan_push(skb, pv->tpid, ntohs(pv->tci) & ~VLAN_CFI_MASK);
	if (err)
		return err;
	/* The outer tag, if any, is now the inner one. */
	if (key->eth.vlan.tci & htons(VLAN_CFI_MASK))
		key->eth.cvlan = key->eth.vlan;
	key->eth.vlan.tpid = pv->tpid;
	key->eth.vlan.tci = pv->tci;
	return 0;
}

static int do_pop_vlan(struct sk_buff *skb, struct weft_flow_key *key)
{
	int err;

	if (unlikely(skb->data != skb_mac_header(skb)))
		return -EINVAL;
	err = skb_vlan_pop(skb);
	if (err)
		return err;
	/* A third tag, which the key never had, does not come back. */
	key->eth.vlan = key->eth.cvlan;
	memset(&key->eth.cvlan, 0, sizeof(key->eth.cvlan));
	return 0;
}

/* Which check_pkt_len branch: true for IF_GREATER. */
static bool check_len_greater(const struct sk_buff *skb, u16 pkt_len)
{
	unsigned int len = skb->len;

	if (skb_vlan_tag_present(skb))
		len += VLAN_HLEN;
	/* A GSO packet is as long as the segments it will become. */
	if (skb_is_gso(skb))
		return !skb_gso_validate_mac_len(skb, pkt_len);
	return len > pkt_len;
}

static void do_check_len(struct weft_datapath *dp, struct sk_buff *skb,
			struct weft_flow_key *key, const struct nlattr *a,
			u32 trunc, bool last)
{
	const struct weft_check_len *cl = nla_data(a);
	const u8 *greater = (const u8 *)(cl + 1);
	const u8 *list = greater;
	int len = cl->greater_len;

	if (!check_len_greater(skb, cl->pkt_len)) {
		list = greater + cl->greater_len;
		len = nla_len(a) - sizeof(*cl) - cl->greater_len;
	}
	clone_execute(dp, skb, key, (const struct nlattr *)list, len, trunc,
		      last);
}

/* Does sample action @a pick this packet? */
static bool sample_hit(const struct nlattr *a)
{
	u32 prob = *(const u32 *)nla_data(a);

	return prob && get_random_u32() <= prob;
}

/*
 * CLONE, SAMPLE, CHECK_PKT_LEN and DEC_TTL. Return: 1 when @skb was
 * consumed and the list ends here, 0 to go on, -errno to drop @skb.
 */
static int do_nested(struct weft_datapath *dp, struct sk_buff *skb,
		     struct weft_flow_key *key, const struct nlattr *a,
		     u32 trunc, bool last)
{
	int err;

	switch (nla_type(a)) {
	case WEFT_ACTION_A_CLONE:
		clone_execute(dp, skb, key, nla_data(a), nla_len(a), trunc,
			      last);
		break;
	case WEFT_IACT_SAMPLE:
		if (!sample_hit(a))
			return 0;
		clone_execute(dp, skb, key, nla_data(a) + sizeof(u32),
			      nla_len(a) - sizeof(u32), trunc, last);
		break;
	case WEFT_IACT_CHECK_LEN:
		do_check_len(dp, skb, key, a, trunc, last);
		break;
	case WEFT_ACTION_A_DEC_TTL:
		err = weft_actions_dec_ttl(skb, key);
		if (err != -EHOSTUNREACH)
			return err;
		/* Expired: the nested list replaces the rest of this one. */
		clone_execute(dp, skb, key, nla_data(a), nla_len(a), trunc,
			      true);
		return 1;
	}
	return last ? 1 : 0;
}

static int do_execute(struct weft_datapath *dp, struct sk_buff *skb,
		      struct weft_flow_key *key, const struct nlattr *attrs,
		      int len, u32 trunc)
{
	const struct nlattr *a;
	struct sk_buff *clone;
	int rem, err = 0;

	nla_for_each_attr(a, attrs, len, rem) {
		bool last = nla_is_last(a, rem);

		switch (nla_type(a)) {
		case WEFT_ACTION_A_OUTPUT:
			if (last) {
				do_output(dp, skb, key, nla_get_u32(a), trunc);
				return 0;
			}
			clone = skb_clone(skb, GFP_ATOMIC);
			if (clone)
				do_output(dp, clone, key, nla_get_u32(a),
					  trunc);
			trunc = 0;
			break;
		case WEFT_ACTION_A_USERSPACE:
			do_userspace(dp, skb, key, a, trunc);
			trunc = 0;
			break;
		case WEFT_IACT_SET:
			err = weft_actions_set(skb, key, nla_data(a));
			break;
		case WEFT_IACT_SET_TUNNEL:
			key->egress_tun = nla_data(a);
			break;
		case WEFT_IACT_PUSH_VLAN:
			err = do_push_vlan(skb, key, nla_data(a));
			break;
		case WEFT_ACTION_A_POP_VLAN:
			err = do_pop_vlan(skb, key);
			break;
		case WEFT_ACTION_A_RECIRC:
			do_recirc(dp, skb, key, nla_get_u32(a), last);
			if (last)
				return 0;
			break;
		case WEFT_IACT_HASH:
			do_hash(skb, key, nla_data(a));
			break;
		case WEFT_ACTION_A_TRUNC:
			trunc = nla_get_u32(a);
			break;
		case WEFT_ACTION_A_CLONE:
		case WEFT_IACT_SAMPLE:
		case WEFT_IACT_CHECK_LEN:
		case WEFT_ACTION_A_DEC_TTL:
			err = do_nested(dp, skb, key, a, trunc, last);
			if (err > 0)
				return 0;
			break;
		case WEFT_ACTION_A_DROP:
			kfree_skb(skb);
			return 0;
		case WEFT_IACT_CT:
			err = weft_ct_execute(weft_dp_net(dp), skb, key,
					      nla_data(a));
			/* Queued for reassembly, or already freed. */
			if (err == -EINPROGRESS)
				return 0;
			if (err)
				return err;
			break;
		case WEFT_ACTION_A_CT_CLEAR:
			weft_ct_clear(skb, key);
			break;
		default:
			/* weft_actions_parse() lets no other type through. */
			WARN_ON_ONCE(1);
			err = -EINVAL;
		}
		if (unlikely(err)) {
			kfree_skb(skb);
			return err;
		}
	}
	/* The list ended without handing the packet on: it is done. */
	consume_skb(skb);
	return 0;
}

/**
 * weft_actions_execute() - run @acts on @skb.
 * @dp: the datapath.
 * @skb: the packet; consumed in every case.
 * @acts: the list.
 * @key: the packet's key; set and VLAN actions keep it up to date.
 *
 * Context: rcu_read_lock held, BH disabled.
 * Return: 0, or -errno when an action failed and the packet was dropped.
 */
int weft_actions_execute(struct weft_datapath *dp, struct sk_buff *skb,
			 const struct weft_flow_actions *acts,
			 struct weft_flow_key *key)
{
	return execute_level(dp, skb, key, acts->actions, acts->len, 0);
}
