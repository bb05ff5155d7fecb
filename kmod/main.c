// SPDX-License-Identifier: GPL-2.0
/*
 * weft.ko: module init and exit, in dependency order.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include "compat.h"
#include "conntrack.h"
#include "datapath.h"
#include "flow_table.h"
#include "genl.h"
#include "vport.h"

static int __init weft_init(void)
{
	int err;

	err = weft_flow_cache_init();
	if (err)
		return err;
	/* Before any datapath: every namespace gets its ct labels first. */
	err = weft_ct_init();
	if (err)
		goto err_flow_cache;
	err = weft_dp_init();
	if (err)
		goto err_ct;
	err = weft_vport_netdev_init();
	if (err)
		goto err_dp;
	/* Last: userspace can reach the module only once all is ready. */
	err = weft_genl_init();
	if (err)
		goto err_vport_netdev;
	return 0;

err_vport_netdev:
	weft_vport_netdev_exit();
err_dp:
	weft_dp_exit();
err_ct:
	rcu_barrier();
	weft_ct_exit();
err_flow_cache:
	weft_flow_cache_exit();
	return err;
}

static void __exit weft_exit(void)
{
	weft_genl_exit();
	weft_vport_netdev_exit();
	/* Destroys every datapath, with its ports and flows, in every netns. */
	weft_dp_exit();
	/* Let the RCU callbacks that free them run before the code goes. */
	rcu_barrier();
	weft_ct_exit();
	weft_flow_cache_exit();
}

module_init(weft_init);
module_exit(weft_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("weft: flow-based virtual switch datapath");
MODULE_VERSION(WEFT_MODULE_VERSION);
MODULE_ALIAS_GENL_FAMILY(WEFT_GENL_NAME);
