// SPDX-License-Identifier: GPL-2.0
/*
 * Netdev vports: an existing Ethernet interface attached to a datapath
 * through an rx_handler. Every frame it receives enters the datapath; frames
 * the datapath outputs to it are transmitted with dev_queue_xmit().
 */
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include "datapath.h"
#include "vport.h"

static rx_handler_result_t netdev_frame_hook(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct weft_vport *vport;

	/* Our own transmissions looped back by the stack: not for us. */
	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	vport = rcu_dereference(skb->dev->rx_handler_data);
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb))
		return RX_HANDLER_CONSUMED;
	/* eth_type_trans() pulled the Ethernet header: the datapath wants it. */
	skb_push_rcsum(skb, skb->data - skb_mac_header(skb));
	weft_vport_receive(vport, skb);
	return RX_HANDLER_CONSUMED;
}

/**
 * weft_vport_netdev_get() - the vport @dev is attached as.
 * @dev: a netdevice.
 *
 * Called under RCU or rtnl_lock.
 *
 * Return: the vport, or NULL when @dev is not a netdev vport.
 */
struct weft_vport *weft_vport_netdev_get(const struct net_device *dev)
{
	if (rcu_access_pointer(dev->rx_handler) != netdev_frame_hook)
		return NULL;
	return rcu_dereference_rtnl(dev->rx_handler_data);
}

/* Refuse devices that cannot or must not be a port; name why in @extack. */
static int netdev_check(struct net_device *dev, const struct nlattr *name,
			struct netlink_ext_ack *extack)
{
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_ATTR(extack, name, "cannot attach a loopback device");
		return -EINVAL;
	}
	if (weft_vport_internal_is(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "cannot attach a weft internal device as a netdev port");
		return -EINVAL;
	}
	/*
	 * Nor a tunnel port's device: weft unregisters it under weft_lock
	 * (a datapath's deletion), and the notifier that detaches a netdev
	 * port from a vanishing device takes weft_lock too.
	 */
	if (weft_vport_tunnel_is(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "cannot attach a weft tunnel device as a netdev port");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG_ATTR(extack, name, "device is not an Ethernet device");
		return -EINVAL;
	}
	if (netdev_master_upper_dev_get(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "device is already enslaved to a master device");
		return -EBUSY;
	}
	if ((dev->flags & IFF_MASTER) || netif_is_bridge_master(dev) ||
	    netif_is_lag_master(dev) || netif_is_ovs_master(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "device is a master (bridge, bond, team or datapath)");
		return -EBUSY;
	}
	if (rcu_access_pointer(dev->rx_handler)) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "device already has an rx_handler (bridge, bond, macvlan or a datapath port)");
		return -EBUSY;
	}
	return 0;
}

static struct weft_vport *netdev_create(const struct weft_vport_parms *parms,
					struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct weft_vport *vport;
	int err;

	dev = __dev_get_by_name(weft_dp_net(parms->dp), parms->name);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, parms->name_attr,
				    "no such device in the datapath's namespace");
		return ERR_PTR(-ENODEV);
	}
	err = netdev_check(dev, parms->name_attr, extack);
	if (err)
		return ERR_PTR(err);
	if (parms->options) {
		NL_SET_ERR_MSG_ATTR(extack, parms->options,
				    "netdev vports take no options");
		return ERR_PTR(-EINVAL);
	}

	vport = weft_vport_alloc(&weft_vport_netdev_ops, parms);
	if (IS_ERR(vport))
		return vport;
	netdev_hold(dev, &vport->dev_tracker, GFP_KERNEL);
	vport->dev = dev;

	err = netdev_rx_handler_register(dev, netdev_frame_hook, vport);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, parms->name_attr,
				    "cannot register an rx_handler on the device");
		goto err_free;
	}
	err = dev_set_promiscuity(dev, 1);
	if (err) {
		NL_SET_ERR_MSG_ATTR(extack, parms->name_attr,
				    "cannot put the device in promiscuous mode");
		goto err_unregister;
	}
	dev_disable_lro(dev);
	return vport;

err_unregister:
	netdev_rx_handler_unregister(dev);
err_free:
	weft_vport_free(vport);
	return ERR_PTR(err);
}

static void netdev_destroy(struct weft_vport *vport)
{
	ASSERT_RTNL();
	netdev_rx_handler_unregister(vport->dev);
	dev_set_promiscuity(vport->dev, -1);
	weft_vport_free(vport);
}

static void netdev_send(struct weft_vport *vport, struct sk_buff *skb)
{
	dev_queue_xmit(skb);
}

const struct weft_vport_ops weft_vport_netdev_ops = {
	.type = WEFT_VPORT_TYPE_NETDEV,
	.create = netdev_create,
	.destroy = netdev_destroy,
	.send = netdev_send,
};

/*
 * A device that goes away (deleted, or moved to another namespace) leaves
 * its datapath. Internal devices are only unregistered by weft itself.
 */
static int netdev_event(struct notifier_block *nb, unsigned long event,
			void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct weft_vport *vport;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	/* Ports change only under rtnl_lock, which we hold: no race here. */
	vport = weft_vport_netdev_get(dev);
	if (!vport)
		return NOTIFY_DONE;
	weft_lock();
	weft_vport_del(vport);
	weft_unlock();
	return NOTIFY_DONE;
}

static struct notifier_block netdev_notifier = {
	.notifier_call = netdev_event,
};

/**
 * weft_vport_netdev_init() - register the netdevice notifier.
 *
 * Return: 0 or -errno.
 */
int weft_vport_netdev_init(void)
{
	return register_netdevice_notifier(&netdev_notifier);
}

/**
 * weft_vport_netdev_exit() - unregister the netdevice notifier.
 */
void weft_vport_netdev_exit(void)
{
	unregister_netdevice_notifier(&netdev_notifier);
}
