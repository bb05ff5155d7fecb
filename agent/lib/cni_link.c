// SPDX-License-Identifier: GPL-2.0
/*
 * rtnetlink for weft-cni (weft/cni_link.h): plain libmnl, one request at
 * a time, each answered by an ACK or a dump.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "weft/cni_link.h"

static int seterr(struct wft_rtnl *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int seterr(struct wft_rtnl *r, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(r->err))
		snprintf(r->err + n, sizeof(r->err) - n, ": %s",
			 strerror(-err));
	return err;
}

int wft_netns_socket(int netns_fd, int domain, int type, int proto)
{
	int self, fd, err;

	if (netns_fd < 0)
		return socket(domain, type | SOCK_CLOEXEC, proto);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -1;
	if (setns(netns_fd, CLONE_NEWNET)) {
		err = errno;
		close(self);
		errno = err;
		return -1;
	}
	fd = socket(domain, type | SOCK_CLOEXEC, proto);
	err = errno;
	/* Going home cannot fail for a process that just left it; if it
	 * did, every later call would act on the container: stop here. */
	if (setns(self, CLONE_NEWNET))
		abort();
	close(self);
	errno = err;
	return fd;
}

int wft_rtnl_open(struct wft_rtnl *r, int netns_fd)
{
	int fd;

	memset(r, 0, sizeof(*r));
	fd = wft_netns_socket(netns_fd, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0)
		return seterr(r, -errno, "netlink socket");
	r->sock = mnl_socket_fdopen(fd);
	if (!r->sock) {
		close(fd);
		return seterr(r, -errno, "netlink socket");
	}
	if (mnl_socket_bind(r->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(r->sock);
		r->sock = NULL;
		return seterr(r, err, "netlink bind");
	}
	r->portid = mnl_socket_get_portid(r->sock);
	r->seq = 1;
	return 0;
}

void wft_rtnl_close(struct wft_rtnl *r)
{
	if (r->sock)
		mnl_socket_close(r->sock);
	r->sock = NULL;
}

/* Sends @nlh and runs @cb over the replies up to the ACK or NLMSG_DONE. */
static int transact(struct wft_rtnl *r, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *arg)
{
	char buf[32768];
	int ret;

	nlh->nlmsg_seq = r->seq++;
	/* Changes are acknowledged; dumps end with NLMSG_DONE. (NLM_F_EXCL
	 * shares a bit with NLM_F_DUMP: look at the type.) */
	if (nlh->nlmsg_type != RTM_GETADDR && nlh->nlmsg_type != RTM_GETROUTE)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(r->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ret = mnl_socket_recvfrom(r->sock, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(buf, ret, nlh->nlmsg_seq, r->portid, cb, arg);
		if (ret < 0)
			return errno ? -errno : -EIO;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

/* @buf is MNL_SOCKET_BUFFER_SIZE bytes, zeroed so that no attribute
 * padding goes out uninitialized. */
static struct nlmsghdr *req(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

int wft_rtnl_veth_add(struct wft_rtnl *r, const char *host, const char *peer,
		      int peer_ns_fd, unsigned int mtu, const uint8_t *peer_mac)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = req(buf, RTM_NEWLINK,
				   NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifm, *pm;
	struct nlattr *li, *data, *pi;
	int ret;

	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, host);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pi = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's ifinfomsg sits in front of its attributes. No IFF_UP
	 * here: a veth end cannot open before its pair is linked
	 * (-ENOTCONN); wft_rtnl_link_up() follows. */
	pm = mnl_nlmsg_get_payload_tail(nlh);
	memset(pm, 0, sizeof(*pm));
	pm->ifi_family = AF_UNSPEC;
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_ns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, peer_ns_fd);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
	mnl_attr_nest_end(nlh, pi);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	ret = transact(r, nlh, NULL, NULL);
	if (ret)
		return seterr(r, ret, "creating veth %s with peer %s", host,
			      peer);
	return 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct wft_cni_link *link = arg;
	struct nlattr *a;

	link->ifindex = ifm->ifi_index;
	link->up = ifm->ifi_flags & IFF_UP;
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		if (mnl_attr_get_type(a) == IFLA_MTU)
			link->mtu = mnl_attr_get_u32(a);
		else if (mnl_attr_get_type(a) == IFLA_ADDRESS &&
			 mnl_attr_get_payload_len(a) == 6)
			memcpy(link->mac, mnl_attr_get_payload(a), 6);
	}
	return MNL_CB_OK;
}

int wft_rtnl_link_get(struct wft_rtnl *r, const char *name,
		      struct wft_cni_link *link)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = req(buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifm;
	int ret;

	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	memset(link, 0, sizeof(*link));
	/* A GET is answered by the link itself, without an ACK. */
	nlh->nlmsg_flags &= ~NLM_F_ACK;
	nlh->nlmsg_seq = r->seq++;
	if (mnl_socket_sendto(r->sock, nlh, nlh->nlmsg_len) < 0)
		return seterr(r, -errno, "reading link %s", name);
	ret = mnl_socket_recvfrom(r->sock, buf, sizeof(buf));
	if (ret < 0)
		return seterr(r, -errno, "reading link %s", name);
	ret = mnl_cb_run(buf, ret, nlh->nlmsg_seq, r->portid, link_cb, link);
	if (ret < 0)
		return seterr(r, -errno, "reading link %s", name);
	return 0;
}

int wft_rtnl_link_up(struct wft_rtnl *r, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = req(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm;
	int ret;

	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	ret = transact(r, nlh, NULL, NULL);
	if (ret)
		return seterr(r, ret, "setting link %d up", ifindex);
	return 0;
}

/* Changes the MAC while the link is down (veth also allows it up, but
 * a pod's interface should not send from the old one meanwhile). */
int wft_rtnl_link_set_mac(struct wft_rtnl *r, int ifindex,
			  const uint8_t mac[6])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = req(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifm;
	int ret;

	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	ret = transact(r, nlh, NULL, NULL);
	if (ret)
		return seterr(r, ret, "setting the MAC of link %d", ifindex);
	return 0;
}

int wft_rtnl_link_del(struct wft_rtnl *r, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = req(buf, RTM_DELLINK, 0);
	struct ifinfomsg *ifm;
	int ret;

	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	ret = transact(r, nlh, NULL, NULL);
	if (ret)
		return seterr(r, ret, "deleting link %s", name);
	return 0;
}

static int alen(int family)
{
	return family == AF_INET ? 4 : 16;
}

int wft_rtnl_addr_add(struct wft_rtnl *r, int ifindex,
		      const struct wft_cni_addr *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], txt[INET6_ADDRSTRLEN];
	struct nlmsghdr *nlh = req(buf, RTM_NEWADDR,
				   NLM_F_CREATE | NLM_F_REPLACE);
	struct ifaddrmsg *ifa;
	int ret;

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefix < 0 ? alen(a->family) * 8 : a->prefix;
	ifa->ifa_index = ifindex;
	/* No DAD: the address came from IPAM, and an ADD must not return
	 * before the container can use it. */
	if (a->family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, alen(a->family), a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen(a->family), a->addr);
	ret = transact(r, nlh, NULL, NULL);
	if (ret)
		return seterr(r, ret, "adding address %s/%d",
			      inet_ntop(a->family, a->addr, txt, sizeof(txt)),
			      ifa->ifa_prefixlen);
	return 0;
}

int wft_rtnl_route_add(struct wft_rtnl *r, int ifindex,
		       const struct wft_cni_addr *dst,
		       const struct wft_cni_addr *gw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], txt[INET6_ADDRSTRLEN];
	struct nlmsghdr *nlh = req(buf, RTM_NEWROUTE,
				   NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm;
	int ret;

	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = dst->family;
	rtm->rtm_dst_len = dst->prefix < 0 ? 0 : dst->prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (rtm->rtm_dst_len)
		mnl_attr_put(nlh, RTA_DST, alen(dst->family), dst->addr);
	if (gw)
		mnl_attr_put(nlh, RTA_GATEWAY, alen(gw->family), gw->addr);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	ret = transact(r, nlh, NULL, NULL);
	if (ret)
		return seterr(r, ret, "adding route to %s/%d",
			      inet_ntop(dst->family, dst->addr, txt,
					sizeof(txt)), rtm->rtm_dst_len);
	return 0;
}

struct match {
	int ifindex;
	const struct wft_cni_addr *a, *gw;
	bool found;
};

static bool same_addr(const struct nlattr *a, int family, const uint8_t *v)
{
	return mnl_attr_get_payload_len(a) == alen(family) &&
	       !memcmp(mnl_attr_get_payload(a), v, alen(family));
}

static int addr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct match *m = arg;
	struct nlattr *a;

	if ((int)ifa->ifa_index != m->ifindex ||
	    ifa->ifa_family != m->a->family ||
	    (m->a->prefix >= 0 && ifa->ifa_prefixlen != m->a->prefix))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*ifa))
		if ((mnl_attr_get_type(a) == IFA_ADDRESS ||
		     mnl_attr_get_type(a) == IFA_LOCAL) &&
		    same_addr(a, m->a->family, m->a->addr))
			m->found = true;
	return MNL_CB_OK;
}

int wft_rtnl_addr_has(struct wft_rtnl *r, int ifindex,
		      const struct wft_cni_addr *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = req(buf, RTM_GETADDR, NLM_F_DUMP);
	struct match m = { ifindex, a, NULL, false };
	struct ifaddrmsg *ifa;
	int ret;

	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ret = transact(r, nlh, addr_cb, &m);
	if (ret)
		return seterr(r, ret, "listing addresses");
	return m.found;
}

static int route_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct match *m = arg;
	bool dst_ok, gw_ok = !m->gw, oif_ok = false;
	int want_len = m->a->prefix < 0 ? 0 : m->a->prefix;
	struct nlattr *a;

	if (rtm->rtm_family != m->a->family || rtm->rtm_dst_len != want_len ||
	    rtm->rtm_table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	dst_ok = want_len == 0;
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_DST:
			dst_ok = same_addr(a, m->a->family, m->a->addr);
			break;
		case RTA_GATEWAY:
			gw_ok = m->gw && same_addr(a, m->gw->family,
						   m->gw->addr);
			break;
		case RTA_OIF:
			oif_ok = (int)mnl_attr_get_u32(a) == m->ifindex;
			break;
		}
	}
	if (dst_ok && gw_ok && oif_ok)
		m->found = true;
	return MNL_CB_OK;
}

int wft_rtnl_route_has(struct wft_rtnl *r, int ifindex,
		       const struct wft_cni_addr *dst,
		       const struct wft_cni_addr *gw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = req(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct match m = { ifindex, dst, gw, false };
	struct rtmsg *rtm;
	int ret;

	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = dst->family;
	ret = transact(r, nlh, route_cb, &m);
	if (ret)
		return seterr(r, ret, "listing routes");
	return m.found;
}

int wft_cni_garp(int pkt_fd, int ifindex, const uint8_t mac[6],
		 const uint8_t ip[4])
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifindex,
		.sll_halen = 6,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	struct ether_arp arp = {
		.ea_hdr = {
			.ar_hrd = htons(ARPHRD_ETHER),
			.ar_pro = htons(ETH_P_IP),
			.ar_hln = 6,
			.ar_pln = 4,
			.ar_op = htons(ARPOP_REQUEST),
		},
	};

	/* A request for our own address, sender = target: the form every
	 * switch and neighbour table takes as an announcement. */
	memcpy(arp.arp_sha, mac, 6);
	memcpy(arp.arp_spa, ip, 4);
	memcpy(arp.arp_tpa, ip, 4);
	if (sendto(pkt_fd, &arp, sizeof(arp), 0, (struct sockaddr *)&sll,
		   sizeof(sll)) < 0)
		return -errno;
	return 0;
}

int wft_cni_addr_parse(const char *s, bool want_prefix,
		       struct wft_cni_addr *a)
{
	char tmp[INET6_ADDRSTRLEN + 8], *slash, *end;
	long p;

	if (strlen(s) >= sizeof(tmp))
		return -EINVAL;
	strcpy(tmp, s);
	memset(a, 0, sizeof(*a));
	a->prefix = -1;
	slash = strchr(tmp, '/');
	if (slash)
		*slash++ = '\0';
	if ((slash != NULL) != want_prefix)
		return -EINVAL;
	if (inet_pton(AF_INET, tmp, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, tmp, a->addr) == 1)
		a->family = AF_INET6;
	else
		return -EINVAL;
	if (slash) {
		p = strtol(slash, &end, 10);
		if (!*slash || *end || p < 0 || p > alen(a->family) * 8)
			return -EINVAL;
		a->prefix = p;
	}
	return 0;
}

bool wft_cni_addr_in(const struct wft_cni_addr *a,
		     const struct wft_cni_addr *net)
{
	int bits = net->prefix, i;

	if (a->family != net->family || bits < 0)
		return false;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (a->addr[i] != net->addr[i])
			return false;
	return !bits || !((a->addr[i] ^ net->addr[i]) & (0xff00 >> bits));
}
