// SPDX-License-Identifier: GPL-2.0
/*
 * struct wft_dp_ops over weft.ko's generic netlink family (weft/dpif.h):
 * the datapath weftd uses outside of tests.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "weft/bridge.h"
#include "weft/udpif.h"
#include "weft/util.h"

struct dp_netlink {
	struct wft_dpif *dpif;
	char error[256];
};

void *wft_dp_netlink_new(void)
{
	return wft_xcalloc(1, sizeof(struct dp_netlink));
}

void wft_dp_netlink_free(void *ctx)
{
	struct dp_netlink *nl = ctx;

	if (nl)
		wft_dpif_close(nl->dpif);
	free(nl);
}

/* Keeps the dpif's description of the last failure. */
static int failed(struct dp_netlink *nl, int ret)
{
	snprintf(nl->error, sizeof(nl->error), "%s",
		 nl->dpif ? wft_dpif_error(nl->dpif) : strerror(-ret));
	return ret;
}

static int nl_open(void *ctx)
{
	struct dp_netlink *nl = ctx;

	if (nl->dpif)
		return 0;
	return wft_dpif_open(&nl->dpif, nl->error, sizeof(nl->error));
}

static void nl_close(void *ctx)
{
	struct dp_netlink *nl = ctx;

	wft_dpif_close(nl->dpif);
	nl->dpif = NULL;
}

static int nl_dp_get(void *ctx, const char *name, uint32_t *ifindex)
{
	struct dp_netlink *nl = ctx;
	struct wft_dp dp;
	int ret;

	memset(&dp, 0, sizeof(dp));
	ret = wft_dp_get(nl->dpif, name, 0, &dp);
	if (ret == -ENODEV || ret == -ENOENT)
		return -ENOENT;
	if (ret)
		return failed(nl, ret);
	*ifindex = dp.ifindex;
	wft_dp_uninit(&dp);
	return 0;
}

static int nl_dp_create(void *ctx, const char *name, uint32_t *ifindex)
{
	struct dp_netlink *nl = ctx;
	struct wft_dp dp;
	int ret;

	memset(&dp, 0, sizeof(dp));
	ret = wft_dp_new(nl->dpif, name, NULL, &dp);
	if (ret)
		return failed(nl, ret);
	*ifindex = dp.ifindex;
	wft_dp_uninit(&dp);
	return 0;
}

static int nl_dp_delete(void *ctx, const char *name)
{
	struct dp_netlink *nl = ctx;
	int ret = wft_dp_del(nl->dpif, name, 0);

	return ret ? failed(nl, ret) : 0;
}

static int nl_port_list(void *ctx, uint32_t dp_ifindex,
			struct wft_dp_port **ports, size_t *n)
{
	struct dp_netlink *nl = ctx;
	struct wft_vport *vports;
	size_t i;
	int ret;

	*ports = NULL;
	*n = 0;
	ret = wft_vport_dump(nl->dpif, dp_ifindex, &vports, n);
	if (ret)
		return failed(nl, ret);
	*ports = wft_xcalloc(*n + 1, sizeof(**ports));
	for (i = 0; i < *n; i++) {
		snprintf((*ports)[i].name, sizeof((*ports)[i].name), "%s",
			 vports[i].name);
		(*ports)[i].port_no = vports[i].port_no;
		(*ports)[i].type = vports[i].type;
		(*ports)[i].ifindex = vports[i].ifindex;
	}
	free(vports);
	return 0;
}

static int nl_port_add(void *ctx, uint32_t dp_ifindex, const char *name,
		       uint32_t type, uint32_t port_no,
		       struct wft_dp_port *added)
{
	struct dp_netlink *nl = ctx;
	struct wft_vport v;
	int ret;

	memset(&v, 0, sizeof(v));
	ret = wft_vport_new(nl->dpif, dp_ifindex, name, type, port_no, &v);
	if (ret)
		return failed(nl, ret);
	snprintf(added->name, sizeof(added->name), "%s", v.name);
	added->port_no = v.port_no;
	added->type = v.type;
	added->ifindex = v.ifindex;
	return 0;
}

static int nl_tunnel_port_add(void *ctx, uint32_t dp_ifindex,
			      const char *name, uint32_t type,
			      uint16_t dst_port, uint32_t port_no,
			      struct wft_dp_port *added)
{
	struct dp_netlink *nl = ctx;
	struct wft_vport v;
	int ret;

	memset(&v, 0, sizeof(v));
	ret = wft_vport_new_tunnel(nl->dpif, dp_ifindex, name, type, dst_port,
				   port_no, &v);
	if (ret)
		return failed(nl, ret);
	snprintf(added->name, sizeof(added->name), "%s", v.name);
	added->port_no = v.port_no;
	added->type = v.type;
	added->ifindex = v.ifindex;
	return 0;
}

static int nl_port_del(void *ctx, uint32_t dp_ifindex, uint32_t port_no)
{
	struct dp_netlink *nl = ctx;
	int ret = wft_vport_del(nl->dpif, dp_ifindex, NULL, port_no);

	return ret ? failed(nl, ret) : 0;
}

static int nl_set_mtu(void *ctx, const char *ifname, int mtu)
{
	struct dp_netlink *nl = ctx;
	struct ifreq ifr;
	int fd, ret = 0;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_mtu = mtu;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCSIFMTU, &ifr))
		ret = -errno;
	if (fd >= 0)
		close(fd);
	if (ret)
		snprintf(nl->error, sizeof(nl->error), "%s", strerror(-ret));
	return ret;
}

static const char *nl_error(void *ctx)
{
	struct dp_netlink *nl = ctx;

	return nl->error;
}

const struct wft_dp_ops wft_dp_ops_netlink = {
	.open = nl_open,
	.close = nl_close,
	.dp_get = nl_dp_get,
	.dp_create = nl_dp_create,
	.dp_delete = nl_dp_delete,
	.port_list = nl_port_list,
	.port_add = nl_port_add,
	.tunnel_port_add = nl_tunnel_port_add,
	.port_del = nl_port_del,
	.set_mtu = nl_set_mtu,
	.error = nl_error,
	.dpif = &wft_dpif_ops_netlink,
};
