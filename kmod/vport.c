// SPDX-License-Identifier: GPL-2.0
/*
 * Vports, the generic part: allocation and lifetime, the datapath's port
 * hash, receive (key the packet, hand it to the datapath) and send.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include "datapath.h"
#include "vport.h"

/**
 * weft_vport_alloc() - allocate a vport; the type's create fills in ->dev.
 * @ops: the type.
 * @parms: datapath and port number.
 *
 * Return: the vport, or ERR_PTR(-ENOMEM).
 */
struct weft_vport *weft_vport_alloc(const struct weft_vport_ops *ops,
				    const struct weft_vport_parms *parms)
{
	struct weft_vport *vport;

	vport = kzalloc(sizeof(*vport), GFP_KERNEL);
	if (!vport)
		return ERR_PTR(-ENOMEM);
	vport->ops = ops;
	vport->dp = parms->dp;
	vport->port_no = parms->port_no;
	return vport;
}

static void vport_free_rcu(struct rcu_head *rcu)
{
	struct weft_vport *vport = container_of(rcu, struct weft_vport, rcu);

	/* Dropped only now: packet-path readers may still use vport->dev. */
	if (vport->dev)
		netdev_put(vport->dev, &vport->dev_tracker);
	kfree(vport);
}

/**
 * weft_vport_free() - free @vport and release its device after a grace
 * period.
 * @vport: unhashed, its type's state torn down.
 */
void weft_vport_free(struct weft_vport *vport)
{
	call_rcu(&vport->rcu, vport_free_rcu);
}

static const struct weft_vport_ops *vport_ops_find(enum weft_vport_type type,
						   struct netlink_ext_ack *extack)
{
	switch (type) {
	case WEFT_VPORT_TYPE_NETDEV:
		return &weft_vport_netdev_ops;
	case WEFT_VPORT_TYPE_INTERNAL:
		return &weft_vport_internal_ops;
	case WEFT_VPORT_TYPE_GENEVE:
		return &weft_vport_geneve_ops;
	case WEFT_VPORT_TYPE_VXLAN:
		return &weft_vport_vxlan_ops;
	default:
		NL_SET_ERR_MSG(extack, "unknown WEFT_VPORT_A_TYPE");
		return ERR_PTR(-EINVAL);
	}
}

/**
 * weft_vport_add() - create a vport and hash it into its datapath.
 * @parms: name, type, datapath, port number (free), options.
 * @extack: why it failed.
 *
 * Called with rtnl_lock and weft_lock held.
 *
 * Return: the vport, or ERR_PTR(-errno).
 */
struct weft_vport *weft_vport_add(const struct weft_vport_parms *parms,
				  struct netlink_ext_ack *extack)
{
	const struct weft_vport_ops *ops;
	struct weft_vport *vport;

	ASSERT_RTNL();
	weft_assert_locked();
	ops = vport_ops_find(parms->type, extack);
	if (IS_ERR(ops))
		return ERR_CAST(ops);
	vport = ops->create(parms, extack);
	if (IS_ERR(vport))
		return vport;
	hlist_add_head_rcu(&vport->dp_hash_node,
			   weft_dp_port_bucket(parms->dp, parms->port_no));
	parms->dp->ports_generation++;
	return vport;
}

/**
 * weft_vport_del() - unhash @vport and destroy it.
 * @vport: the vport.
 *
 * Called with rtnl_lock and weft_lock held.
 */
void weft_vport_del(struct weft_vport *vport)
{
	ASSERT_RTNL();
	weft_assert_locked();
	hlist_del_rcu(&vport->dp_hash_node);
	vport->dp->ports_generation++;
	vport->ops->destroy(vport);
}

/**
 * weft_vport_find_by_name() - find a port of @dp by device name.
 * @dp: the datapath (weft_lock held).
 * @name: the device name.
 *
 * Return: the vport, or NULL.
 */
struct weft_vport *weft_vport_find_by_name(const struct weft_datapath *dp,
					   const char *name)
{
	struct weft_vport *vport;
	int i;

	weft_assert_locked();
	for (i = 0; i < WEFT_DP_PORT_HASH_BUCKETS; i++)
		hlist_for_each_entry(vport, &dp->ports[i], dp_hash_node)
			if (!strcmp(vport->dev->name, name))
				return vport;
	return NULL;
}

/**
 * weft_vport_from_dev() - the vport that @dev is, or is attached as.
 * @dev: a netdevice.
 *
 * Called under RCU or rtnl_lock.
 *
 * Return: the vport, or NULL when @dev is not part of a datapath.
 */
struct weft_vport *weft_vport_from_dev(const struct net_device *dev)
{
	if (weft_vport_internal_is(dev))
		return weft_vport_internal_get(dev);
	if (weft_vport_tunnel_is(dev))
		return weft_vport_tunnel_get(dev);
	return weft_vport_netdev_get(dev);
}

/**
 * weft_vport_receive() - a packet entered the datapath on @vport.
 * @vport: the port.
 * @skb: the packet, data at the Ethernet header; consumed.
 *
 * Called under RCU with BH disabled.
 */
void weft_vport_receive(struct weft_vport *vport, struct sk_buff *skb)
{
	struct weft_flow_key key;

	weft_key_tun_clear(&key);
	weft_vport_receive_key(vport, skb, &key);
}

/**
 * weft_vport_receive_key() - a packet entered the datapath on @vport, with
 * the tunnel part of its key already known.
 * @vport: the port.
 * @skb: the packet, data at the Ethernet header; consumed.
 * @key: tun and tun_opts filled (or cleared); the rest is filled here.
 *
 * Called under RCU with BH disabled.
 */
void weft_vport_receive_key(struct weft_vport *vport, struct sk_buff *skb,
			    struct weft_flow_key *key)
{
	key->egress_tun = NULL;
	weft_key_ct_clear(key);
	key->md.in_port = vport->port_no;
	key->md.skb_mark = skb->mark;
	key->md.priority = skb->priority;
	key->md.recirc_id = 0;
	key->md.dp_hash = 0;
	if (unlikely(weft_flow_key_extract(skb, key))) {
		kfree_skb(skb);
		return;
	}
	weft_dp_process(vport->dp, skb, key);
}

/* The length the MTU limits: the frame minus Ethernet header and one tag. */
static unsigned int vport_mtu_len(const struct sk_buff *skb)
{
	unsigned int len = skb->len - ETH_HLEN;

	if (!skb_vlan_tag_present(skb) && eth_type_vlan(skb->protocol) &&
	    len >= VLAN_HLEN)
		len -= VLAN_HLEN;
	return len;
}

/**
 * weft_vport_send() - transmit @skb on @vport.
 * @vport: the port.
 * @skb: the frame, data at the Ethernet header; consumed.
 * @ts: the tunnel metadata for a tunnel vport (NULL: none was set).
 *
 * Drops frames longer than the device's MTU (unless GSO will cut them) and
 * frames for a device that is down.
 */
void weft_vport_send(struct weft_vport *vport, struct sk_buff *skb,
		     const struct weft_tun_set *ts)
{
	struct net_device *dev = vport->dev;

	if (unlikely(!(dev->flags & IFF_UP) || skb->len < ETH_HLEN))
		goto drop;
	/* A tunnel's limit is the underlay path's MTU, checked there. */
	if (vport->ops->send_tun) {
		skb->dev = dev;
		skb_clear_tstamp(skb);
		vport->ops->send_tun(vport, skb, ts);
		return;
	}
	if (unlikely(!skb_is_gso(skb) && vport_mtu_len(skb) > dev->mtu)) {
		net_warn_ratelimited("weft: %s: dropped a %u-byte packet over MTU %u\n",
				     dev->name, vport_mtu_len(skb), dev->mtu);
		goto drop;
	}
	skb->dev = dev;
	skb_clear_tstamp(skb);
	vport->ops->send(vport, skb);
	return;

drop:
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
}
