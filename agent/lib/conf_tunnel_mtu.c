// SPDX-License-Identifier: GPL-2.0
/*
 * Tunnel MTU arithmetic (include/weft/tunnel_mtu.h). The underlay device
 * is found the way the kernel would route: a UDP socket connected to the
 * remote (no packet is sent) names the source address, and the device
 * holding that address is the one packets leave through.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "weft/tunnel_mtu.h"

static wft_tunnel_opts_fn *opts_fn;
static void *opts_aux;

void wft_tunnel_mtu_set_opts_fn(wft_tunnel_opts_fn *fn, void *aux)
{
	opts_fn = fn;
	opts_aux = aux;
}

int wft_netdev_mtu(const char *name)
{
	struct ifreq ifr;
	int fd, mtu = -1;

	if (strlen(name) >= IFNAMSIZ)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (!ioctl(fd, SIOCGIFMTU, &ifr))
		mtu = ifr.ifr_mtu;
	close(fd);
	return mtu;
}

/* The device holding address @addr (@len bytes, family @af). */
static bool dev_of_addr(int af, const void *addr, char *dev, size_t size)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa))
		return false;
	for (i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != af)
			continue;
		if (af == AF_INET)
			found = !memcmp(&((struct sockaddr_in *)i->ifa_addr)->
					sin_addr, addr, 4);
		else
			found = !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->
					sin6_addr, addr, 16);
		if (found)
			snprintf(dev, size, "%s", i->ifa_name);
	}
	freeifaddrs(ifa);
	return found;
}

/* The device the route to @remote goes out of. */
static bool dev_towards(int af, const void *remote, char *dev, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0)
		return false;
	memset(&ss, 0, sizeof(ss));
	if (af == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(9);
		memcpy(&s->sin_addr, remote, 4);
		sl = sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(9);
		memcpy(&s->sin6_addr, remote, 16);
		sl = sizeof(*s);
	}
	if (!connect(fd, (struct sockaddr *)&ss, sl)) {
		sl = sizeof(ss);
		if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
			ok = dev_of_addr(af, af == AF_INET ?
				(void *)&((struct sockaddr_in *)&ss)->sin_addr :
				(void *)&((struct sockaddr_in6 *)&ss)->sin6_addr,
				dev, size);
	}
	close(fd);
	return ok;
}

static void underlay(const struct wft_row *iface, struct wft_tunnel_mtu *t)
{
	const char *remote = wft_row_map_get(iface, WFT_IF_OPTIONS, "remote_ip");
	const char *local = wft_row_map_get(iface, WFT_IF_OPTIONS, "local_ip");
	unsigned char a[16];
	bool ok = false;

	t->underlay_mtu = -1;
	if (remote && strcmp(remote, "flow")) {
		t->v6 = strchr(remote, ':') != NULL;
		ok = inet_pton(t->v6 ? AF_INET6 : AF_INET, remote, a) == 1 &&
		     dev_towards(t->v6 ? AF_INET6 : AF_INET, a,
				 t->underlay_dev, sizeof(t->underlay_dev));
		if (!ok)
			snprintf(t->why, sizeof(t->why), "no route to %s",
				 remote);
	} else if (local && strcmp(local, "flow")) {
		t->v6 = strchr(local, ':') != NULL;
		ok = inet_pton(t->v6 ? AF_INET6 : AF_INET, local, a) == 1 &&
		     dev_of_addr(t->v6 ? AF_INET6 : AF_INET, a,
				 t->underlay_dev, sizeof(t->underlay_dev));
		if (!ok)
			snprintf(t->why, sizeof(t->why), "no device holds "
				 "local_ip %s", local);
	} else {
		snprintf(t->why, sizeof(t->why), "remote_ip=flow without a "
			 "local_ip: the underlay is chosen per packet");
	}
	if (ok)
		t->underlay_mtu = wft_netdev_mtu(t->underlay_dev);
}

bool wft_tunnel_mtu_of(const struct wft_row *iface, const char *bridge,
		       struct wft_tunnel_mtu *t)
{
	const char *type = wft_row_string(iface, WFT_IF_TYPE);

	memset(t, 0, sizeof(*t));
	if (!type || (strcmp(type, "geneve") && strcmp(type, "vxlan")))
		return false;
	t->iface = wft_row_name(iface);
	t->type = type;
	underlay(iface, t);
	t->outer_ip = t->v6 ? 40 : 20;
	t->encap = 8;
	if (!strcmp(type, "geneve") && opts_fn)
		t->opts = opts_fn(bridge, opts_aux);
	t->overhead = 14 + t->outer_ip + 8 + t->encap + t->opts;
	return true;
}

static void put_sum(const struct wft_tunnel_mtu *t, struct wft_strbuf *out)
{
	wft_strbuf_printf(out, "  overhead %u = 14 (inner Ethernet) + %u "
			  "(IPv%c) + 8 (UDP) + 8 (%s)", t->overhead,
			  t->outer_ip, t->v6 ? '6' : '4',
			  !strcmp(t->type, "geneve") ? "GENEVE" : "VXLAN");
	if (!strcmp(t->type, "geneve"))
		wft_strbuf_printf(out, " + %u (options)", t->opts);
	wft_strbuf_putc(out, '\n');
	if (t->underlay_mtu < 0) {
		wft_strbuf_printf(out, "  underlay MTU unknown: %s\n", t->why);
		return;
	}
	wft_strbuf_printf(out, "  underlay %s MTU %d: inner MTU at most %d = "
			  "%d - %u\n", t->underlay_dev, t->underlay_mtu,
			  t->underlay_mtu - (int)t->overhead,
			  t->underlay_mtu, t->overhead);
}

/* The ports whose MTU a tunnel's packets inherit: not tunnels, not
 * internal (the bridge's own), not patch. */
static bool vm_port(const struct wft_row *iface)
{
	const char *type = wft_row_string(iface, WFT_IF_TYPE);

	return !type || !*type || !strcmp(type, "system");
}

static void collect(const struct wft_conf *conf, const struct wft_row *br,
		    const struct wft_row ***ifs, size_t *n)
{
	const struct wft_datum *ports = &br->cols[WFT_BR_PORTS], *d;
	const struct wft_row *port, *iface;
	unsigned int i, k;

	*ifs = NULL;
	*n = 0;
	for (i = 0; i < ports->n; i++) {
		port = wft_conf_get(conf, WFT_TBL_PORT, &ports->keys[i].u);
		d = port ? &port->cols[WFT_PORT_INTERFACES] : NULL;
		for (k = 0; d && k < d->n; k++) {
			iface = wft_conf_get(conf, WFT_TBL_INTERFACE,
					     &d->keys[k].u);
			if (!iface)
				continue;
			*ifs = realloc(*ifs, (*n + 1) * sizeof(**ifs));
			if (!*ifs)
				abort();
			(*ifs)[(*n)++] = iface;
		}
	}
}

int wft_tunnel_mtu_report(const struct wft_conf *conf,
			  const struct wft_row *br, bool warnings_only,
			  int indent, struct wft_strbuf *out)
{
	const char *bridge = wft_row_name(br);
	const struct wft_row **ifs;
	struct wft_tunnel_mtu t;
	size_t n, i, k;
	int warned = 0, mtu;

	collect(conf, br, &ifs, &n);
	for (i = 0; i < n; i++) {
		if (!wft_tunnel_mtu_of(ifs[i], bridge, &t))
			continue;
		if (!warnings_only) {
			wft_strbuf_printf(out, "%s %s (%s over IPv%c):\n",
					  bridge, t.iface, t.type,
					  t.v6 ? '6' : '4');
			put_sum(&t, out);
		}
		for (k = 0; k < n && t.underlay_mtu >= 0; k++) {
			if (!vm_port(ifs[k]))
				continue;
			mtu = wft_netdev_mtu(wft_row_name(ifs[k]));
			if (mtu < 0)
				continue;
			/* An inner packet of the port's MTU is a frame of
			 * MTU + 14 bytes; the outer packet adds the rest. */
			if (mtu + (int)t.overhead <= t.underlay_mtu) {
				if (!warnings_only)
					wft_strbuf_printf(out, "  %s MTU %d: "
							  "fits\n",
							  wft_row_name(ifs[k]),
							  mtu);
				continue;
			}
			warned++;
			wft_strbuf_printf(out, "%*swarning: %s MTU %d + %u "
					  "(%s over IPv%c, %s) exceeds the "
					  "underlay MTU %d of %s: set its MTU "
					  "to %d or less\n",
					  warnings_only ? indent : 2, "",
					  wft_row_name(ifs[k]), mtu,
					  t.overhead, t.type,
					  t.v6 ? '6' : '4', t.iface,
					  t.underlay_mtu, t.underlay_dev,
					  t.underlay_mtu - (int)t.overhead);
		}
	}
	free(ifs);
	return warned;
}
