/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Vports: the datapath's ports. Each type supplies create/destroy/send; the
 * generic code here keeps them in the datapath's hash by port number.
 */
#ifndef _WEFT_VPORT_H
#define _WEFT_VPORT_H

#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <net/netlink.h>
#include <uapi/linux/weft.h>

struct weft_datapath;
struct weft_flow_key;
struct weft_tun_set;

struct weft_vport {
	struct net_device *dev;		/* held with a tracked reference */
	netdevice_tracker dev_tracker;
	struct weft_datapath *dp;
	u32 port_no;
	const struct weft_vport_ops *ops;
	struct hlist_node dp_hash_node;
	struct rcu_head rcu;
};

struct weft_vport_parms {
	const char *name;
	enum weft_vport_type type;
	struct weft_datapath *dp;
	u32 port_no;
	const struct nlattr *options;
	const struct nlattr *name_attr;	/* for extack, may be NULL */
};

struct weft_vport_ops {
	enum weft_vport_type type;
	struct weft_vport *(*create)(const struct weft_vport_parms *parms,
				     struct netlink_ext_ack *extack);
	void (*destroy)(struct weft_vport *vport);
	/* Transmit; consumes @skb. */
	void (*send)(struct weft_vport *vport, struct sk_buff *skb);
	/*
	 * Tunnel vports only, instead of send: transmit with the metadata
	 * of the last set(tunnel) (NULL if none); consumes @skb.
	 */
	void (*send_tun)(struct weft_vport *vport, struct sk_buff *skb,
			 const struct weft_tun_set *ts);
	/* Optional: WEFT_VPORT_A_OPTIONS for replies. */
	int (*put_options)(const struct weft_vport *vport, struct sk_buff *skb);
	/* Optional: extra WEFT_VPORT_STATS_A_* inside the stats nest. */
	int (*put_stats)(const struct weft_vport *vport, struct sk_buff *skb);
};

/** weft_vport_alloc() - Return: a vport for @parms, or ERR_PTR. */
struct weft_vport *weft_vport_alloc(const struct weft_vport_ops *ops,
				    const struct weft_vport_parms *parms);
/** weft_vport_free() - free after a grace period. */
void weft_vport_free(struct weft_vport *vport);
/**
 * weft_vport_add() - create a vport of parms->type and hash it into its
 * datapath (rtnl_lock and weft_lock held). Return: vport or ERR_PTR.
 */
struct weft_vport *weft_vport_add(const struct weft_vport_parms *parms,
				  struct netlink_ext_ack *extack);
/** weft_vport_del() - detach and destroy (rtnl_lock and weft_lock held). */
void weft_vport_del(struct weft_vport *vport);
/** weft_vport_receive() - a packet arrived on @vport: key it, process it. */
void weft_vport_receive(struct weft_vport *vport, struct sk_buff *skb);
/**
 * weft_vport_receive_key() - weft_vport_receive() for a tunnel vport, whose
 * @key has the tunnel part (tun, tun_opts) filled; the rest is filled here.
 */
void weft_vport_receive_key(struct weft_vport *vport, struct sk_buff *skb,
			    struct weft_flow_key *key);
/** weft_vport_send() - transmit on @vport (@ts: tunnel metadata or NULL); consumes @skb. */
void weft_vport_send(struct weft_vport *vport, struct sk_buff *skb,
		     const struct weft_tun_set *ts);
/** weft_vport_from_dev() - RCU. Return: the vport @dev is attached as, or NULL. */
struct weft_vport *weft_vport_from_dev(const struct net_device *dev);

extern const struct weft_vport_ops weft_vport_netdev_ops;
extern const struct weft_vport_ops weft_vport_internal_ops;
extern const struct weft_vport_ops weft_vport_geneve_ops;
extern const struct weft_vport_ops weft_vport_vxlan_ops;

/** weft_vport_tunnel_is() - Return: whether @dev is a weft tunnel device. */
bool weft_vport_tunnel_is(const struct net_device *dev);
/** weft_vport_tunnel_get() - RCU or rtnl. Return: the vport of tunnel @dev, or NULL. */
struct weft_vport *weft_vport_tunnel_get(const struct net_device *dev);

/** weft_vport_internal_is() - Return: whether @dev is a weft internal device. */
bool weft_vport_internal_is(const struct net_device *dev);
/** weft_vport_internal_get() - RCU or rtnl. Return: the vport of internal @dev, or NULL. */
struct weft_vport *weft_vport_internal_get(const struct net_device *dev);
/** weft_vport_netdev_get() - RCU or rtnl. Return: the netdev vport @dev is attached as, or NULL. */
struct weft_vport *weft_vport_netdev_get(const struct net_device *dev);

/** weft_vport_find_by_name() - weft_lock. Return: @dp's port called @name, or NULL. */
struct weft_vport *weft_vport_find_by_name(const struct weft_datapath *dp,
					   const char *name);

/* The netdevice notifier that detaches ports whose device goes away. */
int weft_vport_netdev_init(void);
void weft_vport_netdev_exit(void);

#endif /* _WEFT_VPORT_H */
