// SPDX-License-Identifier: GPL-2.0
/*
 * Internal vports: a netdevice weft creates for the host stack (a datapath's
 * local port, or one like br-int). What the host transmits on it enters the
 * datapath; what the datapath outputs to it, the host receives.
 *
 * The devices have no rtnl_link_ops (so `ip link del` cannot remove them
 * behind the datapath's back) and cannot change namespace; only weft
 * unregisters them, when their port or datapath goes.
 */
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/dst.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/xfrm.h>
#include "compat.h"
#include "datapath.h"
#include "vport.h"

struct internal_dev {
	struct weft_vport __rcu *vport;	/* NULL once the port is going */
};

static struct internal_dev *internal_dev_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

/* The host transmits: the frame enters the datapath. */
static netdev_tx_t internal_xmit(struct sk_buff *skb, struct net_device *dev)
{
	unsigned int len = skb->len;
	struct weft_vport *vport;

	rcu_read_lock();
	vport = rcu_dereference(internal_dev_priv(dev)->vport);
	if (unlikely(!vport || len < ETH_HLEN)) {
		rcu_read_unlock();
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	skb_reset_mac_header(skb);
	weft_vport_receive(vport, skb);
	rcu_read_unlock();
	dev_sw_netstats_tx_add(dev, 1, len);
	return NETDEV_TX_OK;
}

static int internal_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

/* Runs on the way to free_netdev(), and when register_netdevice() fails. */
static void internal_destructor(struct net_device *dev)
{
	free_percpu(dev->tstats);
	dev->tstats = NULL;
}

static const struct net_device_ops internal_netdev_ops = {
	.ndo_init = internal_init,
	.ndo_start_xmit = internal_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void internal_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &internal_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = internal_destructor;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	dev->hw_features = NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA |
			   NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE;
	dev->features = dev->hw_features;
	dev->vlan_features = dev->hw_features;
	weft_dev_set_lltx_netns_local(dev);
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);
}

/**
 * weft_vport_internal_is() - whether @dev is one of weft's internal devices.
 * @dev: a netdevice.
 *
 * Return: true for a weft internal device.
 */
bool weft_vport_internal_is(const struct net_device *dev)
{
	return dev->netdev_ops == &internal_netdev_ops;
}

/**
 * weft_vport_internal_get() - the vport of a weft internal device.
 * @dev: a weft internal device.
 *
 * Called under RCU or rtnl_lock.
 *
 * Return: the vport, or NULL once the port is being removed.
 */
struct weft_vport *weft_vport_internal_get(const struct net_device *dev)
{
	return rcu_dereference_rtnl(internal_dev_priv(dev)->vport);
}

static struct weft_vport *internal_create(const struct weft_vport_parms *parms,
					  struct netlink_ext_ack *extack)
{
	struct weft_vport *vport;
	struct net_device *dev;
	int err;

	if (!dev_valid_name(parms->name) || strchr(parms->name, '%')) {
		NL_SET_ERR_MSG_ATTR(extack, parms->name_attr,
				    "not a valid interface name");
		return ERR_PTR(-EINVAL);
	}
	if (parms->options) {
		NL_SET_ERR_MSG_ATTR(extack, parms->options,
				    "internal vports take no options");
		return ERR_PTR(-EINVAL);
	}
	vport = weft_vport_alloc(&weft_vport_internal_ops, parms);
	if (IS_ERR(vport))
		return vport;
	dev = alloc_netdev(sizeof(struct internal_dev), parms->name,
			   NET_NAME_USER, internal_setup);
	if (!dev) {
		err = -ENOMEM;
		goto err_free_vport;
	}
	dev_net_set(dev, weft_dp_net(parms->dp));
	err = register_netdevice(dev);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(extack, parms->name_attr,
					    "a device with this name already exists");
		else
			NL_SET_ERR_MSG_ATTR(extack, parms->name_attr,
					    "cannot register the internal device");
		goto err_free_netdev;
	}
	netdev_hold(dev, &vport->dev_tracker, GFP_KERNEL);
	vport->dev = dev;
	rcu_assign_pointer(internal_dev_priv(dev)->vport, vport);
	return vport;

err_free_netdev:
	free_netdev(dev);
err_free_vport:
	kfree(vport);
	return ERR_PTR(err);
}

static void internal_destroy(struct weft_vport *vport)
{
	ASSERT_RTNL();
	RCU_INIT_POINTER(internal_dev_priv(vport->dev)->vport, NULL);
	/* Freed by the core once weft_vport_free() drops the last reference. */
	unregister_netdevice(vport->dev);
	weft_vport_free(vport);
}

/* The datapath outputs to the port: the host receives the frame. */
static void internal_send(struct weft_vport *vport, struct sk_buff *skb)
{
	struct net_device *dev = vport->dev;

	skb_dst_drop(skb);
	nf_reset_ct(skb);
	secpath_reset(skb);
	/*
	 * eth_type_trans() only ever demotes pkt_type: a frame that came in on
	 * another port addressed to this device's MAC still says OTHERHOST
	 * from there, and IP would drop it.
	 */
	skb->pkt_type = PACKET_HOST;
	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	dev_sw_netstats_rx_add(dev, skb->len);
	netif_rx(skb);
}

const struct weft_vport_ops weft_vport_internal_ops = {
	.type = WEFT_VPORT_TYPE_INTERNAL,
	.create = internal_create,
	.destroy = internal_destroy,
	.send = internal_send,
};
