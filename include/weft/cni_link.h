/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rtnetlink calls weft-cni makes: a veth pair whose peer is born in
 * the container's network namespace, addresses, routes, a gratuitous ARP,
 * and the reads CHECK needs. One socket per namespace: a netlink socket
 * stays in the namespace it was opened in, so weft-cni enters the
 * container's namespace only for the instant of socket() (setns() and
 * back), never for the configuration itself.
 *
 * Every call returns 0 or a negative errno, with a sentence in r->err.
 */
#ifndef WEFT_CNI_LINK_H
#define WEFT_CNI_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include <netinet/in.h>

struct mnl_socket;

struct wft_rtnl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char err[256];
};

struct wft_cni_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];
	int prefix;		/* -1: none (a host route's gateway) */
};

struct wft_cni_link {
	int ifindex;
	unsigned int mtu;
	uint8_t mac[6];
	bool up;
};

/* Opens a socket in the namespace of @netns_fd (-1: the current one). */
int wft_rtnl_open(struct wft_rtnl *r, int netns_fd);
void wft_rtnl_close(struct wft_rtnl *r);

/* A socket(2) made inside the namespace of @netns_fd. */
int wft_netns_socket(int netns_fd, int domain, int type, int proto);

/*
 * Creates @host (in @r's namespace) and its peer @peer in the
 * namespace of @peer_ns_fd, both down, with @mtu (0: default) and @peer_mac (NULL:
 * random) in one message.
 */
int wft_rtnl_veth_add(struct wft_rtnl *r, const char *host, const char *peer,
		      int peer_ns_fd, unsigned int mtu, const uint8_t *peer_mac);
/* -ENODEV when there is no such link. */
int wft_rtnl_link_get(struct wft_rtnl *r, const char *name,
		      struct wft_cni_link *link);
int wft_rtnl_link_up(struct wft_rtnl *r, int ifindex);
int wft_rtnl_link_del(struct wft_rtnl *r, const char *name);
int wft_rtnl_link_set_mac(struct wft_rtnl *r, int ifindex,
			  const uint8_t mac[6]);
int wft_rtnl_addr_add(struct wft_rtnl *r, int ifindex,
		      const struct wft_cni_addr *a);
/* Adds a route through @ifindex to @dst (prefix -1: default route) via
 * @gw (NULL: on-link). */
int wft_rtnl_route_add(struct wft_rtnl *r, int ifindex,
		       const struct wft_cni_addr *dst,
		       const struct wft_cni_addr *gw);
/* 1 when @ifindex has address @a, 0 when not. */
int wft_rtnl_addr_has(struct wft_rtnl *r, int ifindex,
		      const struct wft_cni_addr *a);
/* 1 when the main table has the route (@dst, @gw through @ifindex). */
int wft_rtnl_route_has(struct wft_rtnl *r, int ifindex,
		       const struct wft_cni_addr *dst,
		       const struct wft_cni_addr *gw);

/* Broadcasts a gratuitous ARP for @ip from @mac on @ifindex through
 * @pkt_fd, an AF_PACKET socket of the interface's namespace. */
int wft_cni_garp(int pkt_fd, int ifindex, const uint8_t mac[6],
		 const uint8_t ip[4]);

/* "10.1.0.2/24" or "fd00::2/64" (@want_prefix) or a bare address. */
int wft_cni_addr_parse(const char *s, bool want_prefix,
		       struct wft_cni_addr *a);

/* True when @a lies in the network @net (@net->prefix bits). */
bool wft_cni_addr_in(const struct wft_cni_addr *a,
		     const struct wft_cni_addr *net);

#endif /* WEFT_CNI_LINK_H */
