/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel API differences weft.ko meets between the kernels it
 * supports (6.1 to 6.12). Core code calls these wrappers and otherwise reads
 * like current kernel code.
 */
#ifndef _WEFT_COMPAT_H
#define _WEFT_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
#include <net/gso.h>	/* __skb_gso_segment() moved here in 6.5 */
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0) || \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#error "weft.ko supports kernels 6.1 to 6.12"
#endif

/* The request attributes parsed by genetlink for a dumpit callback. */
static inline struct nlattr **weft_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->attrs;
#else
	return genl_info_dump(cb)->attrs;
#endif
}

/* 6.12 turned the LLTX and NETNS_LOCAL feature bits into device fields. */
static inline void weft_dev_set_lltx_netns_local(struct net_device *dev)
{
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
#else
	dev->lltx = true;
	dev->netns_local = true;
#endif
}

#endif /* _WEFT_COMPAT_H */
