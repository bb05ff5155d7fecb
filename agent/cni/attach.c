// SPDX-License-Identifier: GPL-2.0
/*
 * ADD, DEL and CHECK: one veth pair per attachment, its host end a port of
 * the weft bridge whose Interface external_ids record who made it
 * (cni-containerid, cni-ifname, cni-netns, cni-network; iface-id in OVN
 * mode), so that GC and people can find it again.
 *
 * ADD undoes what it did when a later step fails, so a failed ADD leaves
 * nothing behind; DEL succeeds whatever is already gone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cni.h"
#include "weft/cni_link.h"
#include "weft/jsonrpc.h"

static char *quote(const char *s)
{
	json_t *j = json_string(s);
	char *q = json_dumps(j, JSON_ENCODE_ANY);

	json_decref(j);
	return q;
}

static void fmt_mac(const uint8_t *m, char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

/* ---- weftd ----------------------------------------------------------- */

static int attach_port(struct wft_jsonrpc_client *cl, const struct cni_conf *c,
		       const struct cni_env *env, const char *host,
		       struct cni_err *e)
{
	char *tag = NULL, *trunks = NULL, *ids[5] = { 0 }, *q;
	const char *add[10], *set[10];
	const char *const *cmds[3] = { add, set, NULL };
	int n = 0, m = 0, i, ret;
	size_t len = 0;

	add[n++] = "--may-exist";
	add[n++] = "add-port";
	add[n++] = c->bridge;
	add[n++] = host;
	if (c->vlan >= 0 && asprintf(&tag, "tag=%d", c->vlan) > 0)
		add[n++] = tag;
	if (c->n_trunks) {
		trunks = malloc(c->n_trunks * 6 + 16);
		len = sprintf(trunks, "trunks=[");
		for (i = 0; i < c->n_trunks; i++)
			len += sprintf(trunks + len, "%s%u", i ? "," : "",
				       c->trunks[i]);
		sprintf(trunks + len, "]");
		add[n++] = trunks;
		/* Both an access tag and trunks: the tag is the native
		 * VLAN, sent untagged, as OVS's native-untagged does. */
		if (c->vlan >= 0)
			add[n++] = "vlan_mode=native-untagged";
	}
	add[n] = NULL;
	set[m++] = "set";
	set[m++] = "Interface";
	set[m++] = host;
#define ID(i, key, val)							\
	do {								\
		q = quote(val);						\
		if (asprintf(&ids[i], "external_ids:%s=%s", key, q) < 0) \
			abort();					\
		free(q);						\
		set[m++] = ids[i];					\
	} while (0)
	ID(0, "cni-containerid", env->containerid);
	ID(1, "cni-ifname", env->ifname);
	ID(2, "cni-netns", env->netns);
	ID(3, "cni-network", c->name);
	if (c->ovn)
		ID(4, "iface-id", c->ovn_port);
#undef ID
	set[m] = NULL;
	ret = cni_vsctl(cl, cmds, NULL, e);
	free(tag);
	free(trunks);
	for (i = 0; i < 5; i++)
		free(ids[i]);
	return ret ? -1 : 0;
}

static int detach_port(struct wft_jsonrpc_client *cl, const char *host,
		       struct cni_err *e)
{
	const char *del[] = { "--if-exists", "del-port", host, NULL };
	const char *const *cmds[] = { del, NULL };

	return cni_vsctl(cl, cmds, NULL, e) ? -1 : 0;
}

/*
 * Rows of `find TABLE COND --columns=COLS` as a JSON array of arrays, in
 * ovs-vsctl's --format=json --data=json layout.
 */
static json_t *find_rows(struct wft_jsonrpc_client *cl, const char *table,
			 const char *cond, const char *columns,
			 struct cni_err *e)
{
	const char *find[] = { columns, "find", table, cond, NULL };
	const char *const *cmds[] = { find, NULL };
	json_t *outputs, *doc, *data;

	if (cni_vsctl(cl, cmds, &outputs, e))
		return NULL;
	doc = json_loads(json_string_value(json_array_get(outputs, 0)) ?: "",
			 0, NULL);
	json_decref(outputs);
	data = json_incref(json_object_get(doc, "data"));
	json_decref(doc);
	if (!json_is_array(data)) {
		json_decref(data);
		cni_fail(e, CNI_ERR_WEFTD, "weftd: unexpected answer to find");
		return NULL;
	}
	return data;
}

/* The integers of an OVSDB datum: 5, ["set", []] or ["set", [5, 6]]. */
static int datum_ints(json_t *d, long *v, int max)
{
	json_t *x;
	size_t i;
	int n = 0;

	if (json_is_integer(d)) {
		v[0] = json_integer_value(d);
		return 1;
	}
	if (json_is_array(d) && !strcmp(json_string_value(json_array_get(d, 0))
					?: "", "set"))
		json_array_foreach(json_array_get(d, 1), i, x)
			if (n < max && json_is_integer(x))
				v[n++] = json_integer_value(x);
	return n;
}

/* The value of @key in an OVSDB map datum ["map", [[k, v]...]]. */
const char *cni_map_get(json_t *map, const char *key)
{
	json_t *pair;
	size_t i;

	json_array_foreach(json_array_get(map, 1), i, pair)
		if (!strcmp(json_string_value(json_array_get(pair, 0)) ?: "",
			    key))
			return json_string_value(json_array_get(pair, 1));
	return NULL;
}

/* OVN mode: the chassis sets external_ids:ovn-installed=true on the
 * interface once the port is bound and its flows are in. */
static int wait_ovn_installed(struct wft_jsonrpc_client *cl,
			      const struct cni_conf *c, const char *host,
			      long deadline, struct cni_err *e)
{
	char cond[40];
	json_t *rows;
	const char *v;

	snprintf(cond, sizeof(cond), "name=%s", host);
	for (;;) {
		rows = find_rows(cl, "Interface", cond,
				 "--columns=external_ids", e);
		if (!rows)
			return -1;
		v = cni_map_get(json_array_get(json_array_get(rows, 0), 0),
				"ovn-installed");
		if (v && !strcmp(v, "true")) {
			json_decref(rows);
			return 0;
		}
		json_decref(rows);
		if (cni_now_ms() >= deadline)
			return cni_fail(e, CNI_ERR_TRY_AGAIN, "OVN port %s "
					"was not installed within %d ms "
					"(external_ids:ovn-installed on "
					"interface %s)", c->ovn_port,
					c->ovn_timeout_ms, host);
		usleep(20000);
	}
}

/* ---- the container side -------------------------------------------- */

static int open_netns(const char *path, struct cni_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		cni_fail(e, CNI_ERR_NETNS, "cannot open network namespace "
			 "%s: %s", path, strerror(errno));
	return fd;
}

/* The gateway a route without "gw" takes: the first IP's of its family,
 * as the reference plugins do. */
static const char *default_gw(json_t *ips, int family)
{
	struct wft_cni_addr a;
	const char *gw;
	json_t *ip;
	size_t i;

	json_array_foreach(ips, i, ip) {
		gw = json_string_value(json_object_get(ip, "gateway"));
		if (gw && !wft_cni_addr_parse(gw, false, &a) &&
		    a.family == family)
			return gw;
	}
	return NULL;
}

/* Parses route @r into @dst and @gw; returns 1 with a gateway, 0 on-link,
 * -1 when malformed. */
static int route_parse(json_t *r, json_t *ips, struct wft_cni_addr *dst,
		       struct wft_cni_addr *gw)
{
	const char *d = json_string_value(json_object_get(r, "dst"));
	const char *g = json_string_value(json_object_get(r, "gw"));

	if (!d || wft_cni_addr_parse(d, true, dst))
		return -1;
	if (!g)
		g = default_gw(ips, dst->family);
	if (!g)
		return 0;
	return wft_cni_addr_parse(g, false, gw) ? -1 : 1;
}

static int configure_ips(struct wft_rtnl *ct, int ifindex, int pkt_fd,
			 const uint8_t *mac, json_t *ipam, struct cni_err *e)
{
	json_t *ips = json_object_get(ipam, "ips"), *ip, *r;
	struct wft_cni_addr a, dst, gw;
	const char *s;
	size_t i;
	int g;

	json_array_foreach(ips, i, ip) {
		s = json_string_value(json_object_get(ip, "address"));
		if (!s || wft_cni_addr_parse(s, true, &a))
			return cni_fail(e, CNI_ERR_IPAM, "IPAM returned a bad "
					"address \"%s\"", s ?: "");
		if (wft_rtnl_addr_add(ct, ifindex, &a))
			return cni_fail(e, CNI_ERR_LINK, "%s", ct->err);
	}
	json_array_foreach(json_object_get(ipam, "routes"), i, r) {
		g = route_parse(r, ips, &dst, &gw);
		if (g < 0)
			return cni_fail(e, CNI_ERR_IPAM, "IPAM returned a bad "
					"route");
		if (wft_rtnl_route_add(ct, ifindex, &dst, g ? &gw : NULL))
			return cni_fail(e, CNI_ERR_LINK, "%s", ct->err);
	}
	/* Announce each IPv4 address, so that neighbours and the switch
	 * forget whoever had it before. Best effort. */
	json_array_foreach(ips, i, ip) {
		s = json_string_value(json_object_get(ip, "address"));
		if (pkt_fd >= 0 && !wft_cni_addr_parse(s, true, &a) &&
		    a.family == AF_INET)
			wft_cni_garp(pkt_fd, ifindex, mac, a.addr);
	}
	return 0;
}

/* The result: prevResult's (if any) with our two interfaces and the IPAM
 * result's ips (pointing at the container side), routes and dns. */
static json_t *build_result(const struct cni_conf *c,
			    const struct cni_env *env, const char *host,
			    const struct wft_cni_link *hl,
			    const struct wft_cni_link *cl, json_t *ipam)
{
	json_t *res = c->prev_result ? json_deep_copy(c->prev_result)
				     : json_object();
	json_t *ifs = json_object_get(res, "interfaces"), *ips, *routes, *ip;
	char mac[18];
	size_t i, base;

	if (!json_is_array(ifs)) {
		ifs = json_array();
		json_object_set_new(res, "interfaces", ifs);
	}
	base = json_array_size(ifs);
	fmt_mac(hl->mac, mac);
	json_array_append_new(ifs, json_pack("{s:s,s:s}", "name", host, "mac",
					     mac));
	fmt_mac(cl->mac, mac);
	json_array_append_new(ifs, json_pack("{s:s,s:s,s:s,s:i}", "name",
					     env->ifname, "mac", mac,
					     "sandbox", env->netns, "mtu",
					     cl->mtu));
	if (!ipam)
		return res;
	ips = json_object_get(res, "ips");
	if (!json_is_array(ips)) {
		ips = json_array();
		json_object_set_new(res, "ips", ips);
	}
	json_array_foreach(json_object_get(ipam, "ips"), i, ip) {
		json_t *copy = json_deep_copy(ip);

		json_object_set_new(copy, "interface",
				    json_integer(base + 1));
		json_array_append_new(ips, copy);
	}
	routes = json_object_get(ipam, "routes");
	if (json_array_size(routes)) {
		if (!json_is_array(json_object_get(res, "routes")))
			json_object_set_new(res, "routes", json_array());
		json_array_extend(json_object_get(res, "routes"), routes);
	}
	if (json_object_get(ipam, "dns"))
		json_object_set(res, "dns", json_object_get(ipam, "dns"));
	return res;
}

/*
 * The steps in order: the veth, both ends up, the port on the bridge,
 * then the addresses (from the IPAM plugin, or in OVN mode without one
 * from the SB), so that a DHCP plugin finds the interface attached and
 * the gratuitous ARPs reach the switch; in OVN mode, last, the wait for
 * ovn-installed. A failure undoes the steps done.
 */
int cni_cmd_add(const struct cni_env *env, struct cni_conf *c,
		struct cni_err *e)
{
	const char *exists[] = { "br-exists", c->bridge, NULL };
	const char *const *pre[] = { exists, NULL };
	struct wft_jsonrpc_client *cl = NULL;
	struct wft_cni_link hl, ctl;
	struct wft_rtnl hr = { 0 }, cr = { 0 };
	long deadline = cni_now_ms() + c->ovn_timeout_ms;
	bool from_sb = c->ovn && !c->ipam;
	bool veth = false, port = false, leased = false;
	json_t *ipam = NULL, *res;
	int nsfd, pkt = -1, ret = -1;
	uint8_t mac[6];
	char host[16];

	cni_host_name(env->containerid, env->ifname, host);
	nsfd = open_netns(env->netns, e);
	if (nsfd < 0)
		return -1;
	if (cni_weftd_open(c, 5000, &cl, e))
		goto out;
	ret = cni_vsctl(cl, pre, NULL, e);
	if (ret == 2)
		cni_fail(e, CNI_ERR_NO_BRIDGE, "bridge \"%s\" does not exist "
			 "in weftd (create it with weft-vsctl add-br %s)",
			 c->bridge, c->bridge);
	if (ret) {
		ret = -1;
		goto out;
	}
	ret = -1;
	if (wft_rtnl_open(&hr, -1) || wft_rtnl_open(&cr, nsfd)) {
		cni_fail(e, CNI_ERR_LINK, "%s", hr.err[0] ? hr.err : cr.err);
		goto undo;
	}
	if (wft_rtnl_veth_add(&hr, host, env->ifname, nsfd, c->mtu,
			      c->has_mac ? c->mac : NULL)) {
		cni_fail(e, CNI_ERR_LINK, "%s", hr.err);
		goto undo;
	}
	veth = true;
	if (wft_rtnl_link_get(&hr, host, &hl) ||
	    wft_rtnl_link_get(&cr, env->ifname, &ctl) ||
	    wft_rtnl_link_up(&hr, hl.ifindex) ||
	    (!from_sb && wft_rtnl_link_up(&cr, ctl.ifindex))) {
		cni_fail(e, CNI_ERR_LINK, "%s", hr.err[0] ? hr.err : cr.err);
		goto undo;
	}
	if (attach_port(cl, c, env, host, e))
		goto undo;
	port = true;
	if (from_sb) {
		ipam = cni_ovn_addressing(cl, c, deadline, mac, e);
		if (!ipam)
			goto undo;
		if (c->has_mac && memcmp(mac, c->mac, 6)) {
			cni_fail(e, CNI_ERR_CONFIG, "the configured MAC "
				 "differs from OVN port %s's in the SB",
				 c->ovn_port);
			goto undo;
		}
		/* The logical port's MAC, or port security drops it. */
		if (wft_rtnl_link_set_mac(&cr, ctl.ifindex, mac) ||
		    wft_rtnl_link_up(&cr, ctl.ifindex) ||
		    wft_rtnl_link_get(&cr, env->ifname, &ctl)) {
			cni_fail(e, CNI_ERR_LINK, "%s", cr.err);
			goto undo;
		}
	} else if (c->ipam) {
		if (cni_ipam_exec(c, env, "ADD", NULL, NULL, &ipam, e))
			goto undo;
		leased = true;
	}
	pkt = wft_netns_socket(nsfd, AF_PACKET, SOCK_DGRAM, 0);
	if (ipam && configure_ips(&cr, ctl.ifindex, pkt, ctl.mac, ipam, e))
		goto undo;
	if (c->ovn && wait_ovn_installed(cl, c, host, deadline, e))
		goto undo;
	res = build_result(c, env, host, &hl, &ctl, ipam);
	cni_result_convert(res, c->version);
	json_dumpf(res, stdout, JSON_INDENT(4));
	putchar('\n');
	json_decref(res);
	ret = 0;
	goto out;
undo:
	{
		struct cni_err ignore = { 0 };

		if (port)
			detach_port(cl, host, &ignore);
		if (veth)
			wft_rtnl_link_del(&hr, host);
		if (leased)
			cni_ipam_exec(c, env, "DEL", NULL, NULL, NULL, &ignore);
		json_decref(ignore.raw);
	}
out:
	if (pkt >= 0)
		close(pkt);
	wft_rtnl_close(&hr);
	wft_rtnl_close(&cr);
	if (cl)
		wft_jsonrpc_client_close(cl);
	json_decref(ipam);
	close(nsfd);
	return ret;
}

int cni_cmd_del(const struct cni_env *env, struct cni_conf *c,
		struct cni_err *e)
{
	struct wft_jsonrpc_client *cl;
	struct wft_rtnl hr;
	char host[16];
	int ret;

	cni_host_name(env->containerid, env->ifname, host);
	/* The lease first, while the interface is there: the dhcp plugin
	 * sends its DHCPRELEASE through it (as the bridge plugin orders). */
	if (c->ipam && cni_ipam_exec(c, env, "DEL", NULL, NULL, NULL, e))
		return -1;
	if (cni_weftd_open(c, 5000, &cl, e))
		return -1;
	ret = detach_port(cl, host, e);
	wft_jsonrpc_client_close(cl);
	if (ret)
		return -1;
	if (wft_rtnl_open(&hr, -1))
		return cni_fail(e, CNI_ERR_LINK, "%s", hr.err);
	/* Deleting the host end takes the peer with it; both are gone
	 * already when the namespace was deleted. */
	ret = wft_rtnl_link_del(&hr, host);
	wft_rtnl_close(&hr);
	if (ret && ret != -ENODEV)
		return cni_fail(e, CNI_ERR_LINK, "%s", hr.err);
	return 0;
}

/* ---- CHECK ----------------------------------------------------------- */

static int check_port(struct wft_jsonrpc_client *cl, const struct cni_conf *c,
		      const char *host, struct cni_err *e)
{
	const char *p2b[] = { "port-to-br", host, NULL };
	const char *const *cmds[] = { p2b, NULL };
	long tag[1], trunks[CNI_MAX_TRUNKS];
	json_t *out, *rows, *row;
	char cond[40], br[64];
	int ntag, ntr, i;

	if (cni_vsctl(cl, cmds, &out, e))
		return cni_fail(e, CNI_ERR_CHECK, "port %s is not on any "
				"bridge of weftd", host);
	snprintf(br, sizeof(br), "%s",
		 json_string_value(json_array_get(out, 0)) ?: "");
	json_decref(out);
	br[strcspn(br, "\n")] = '\0';
	if (strcmp(br, c->bridge))
		return cni_fail(e, CNI_ERR_CHECK, "port %s is on bridge %s, "
				"not %s", host, br, c->bridge);
	snprintf(cond, sizeof(cond), "name=%s", host);
	rows = find_rows(cl, "Port", cond, "--columns=tag,trunks", e);
	if (!rows)
		return -1;
	row = json_array_get(rows, 0);
	ntag = datum_ints(json_array_get(row, 0), tag, 1);
	ntr = datum_ints(json_array_get(row, 1), trunks, CNI_MAX_TRUNKS);
	json_decref(rows);
	if ((c->vlan >= 0) != (ntag == 1) || (ntag && tag[0] != c->vlan)) {
		if (ntag)
			return cni_fail(e, CNI_ERR_CHECK, "port %s has VLAN "
					"tag %ld, the configuration %s", host,
					tag[0], c->vlan >= 0 ? "another" :
					"none");
		return cni_fail(e, CNI_ERR_CHECK, "port %s has no VLAN tag, "
				"the configuration says %d", host, c->vlan);
	}
	if (ntr != c->n_trunks)
		return cni_fail(e, CNI_ERR_CHECK, "port %s trunks %d VLANs, "
				"the configuration %d", host, ntr,
				c->n_trunks);
	for (i = 0; i < ntr; i++)
		if (trunks[i] != c->trunks[i])
			return cni_fail(e, CNI_ERR_CHECK, "port %s trunks "
					"VLAN %ld, not in the configuration",
					host, trunks[i]);
	return 0;
}

static int check_ips(struct wft_rtnl *cr, int ifindex, json_t *prev,
		     size_t idx, struct cni_err *e)
{
	json_t *ips = json_object_get(prev, "ips"), *ip, *r;
	struct wft_cni_addr a, dst, gw;
	const char *s;
	size_t i;
	int g;

	json_array_foreach(ips, i, ip) {
		if (json_integer_value(json_object_get(ip, "interface")) !=
		    (json_int_t)idx)
			continue;
		s = json_string_value(json_object_get(ip, "address"));
		if (!s || wft_cni_addr_parse(s, true, &a))
			return cni_fail(e, CNI_ERR_CONFIG, "prevResult has a "
					"bad address");
		if (wft_rtnl_addr_has(cr, ifindex, &a) != 1)
			return cni_fail(e, CNI_ERR_CHECK, "address %s is "
					"missing from the container's "
					"interface", s);
	}
	json_array_foreach(json_object_get(prev, "routes"), i, r) {
		g = route_parse(r, ips, &dst, &gw);
		if (g < 0)
			return cni_fail(e, CNI_ERR_CONFIG, "prevResult has a "
					"bad route");
		if (wft_rtnl_route_has(cr, ifindex, &dst, g ? &gw : NULL) != 1)
			return cni_fail(e, CNI_ERR_CHECK, "route to %s is "
					"missing from the container",
					json_string_value(json_object_get(r,
									  "dst")));
	}
	return 0;
}

int cni_cmd_check(const struct cni_env *env, struct cni_conf *c,
		  struct cni_err *e)
{
	json_t *prev = c->prev_result, *ifs, *it;
	struct wft_jsonrpc_client *cl;
	struct wft_cni_link hl, ctl;
	struct wft_rtnl hr = { 0 }, cr = { 0 };
	const char *want_mac = NULL;
	char host[16], mac[18];
	size_t i, idx = (size_t)-1;
	int nsfd, ret = -1;

	if (!prev)
		return cni_fail(e, CNI_ERR_CONFIG, "CHECK needs a prevResult");
	cni_host_name(env->containerid, env->ifname, host);
	ifs = json_object_get(prev, "interfaces");
	json_array_foreach(ifs, i, it)
		if (json_object_get(it, "sandbox") &&
		    !strcmp(json_string_value(json_object_get(it, "name")) ?: "",
			    env->ifname)) {
			idx = i;
			want_mac = json_string_value(json_object_get(it,
								     "mac"));
		}
	if (idx == (size_t)-1)
		return cni_fail(e, CNI_ERR_CHECK, "prevResult has no sandbox "
				"interface %s", env->ifname);
	nsfd = open_netns(env->netns, e);
	if (nsfd < 0)
		return -1;
	if (wft_rtnl_open(&hr, -1) || wft_rtnl_open(&cr, nsfd)) {
		cni_fail(e, CNI_ERR_LINK, "%s", hr.err[0] ? hr.err : cr.err);
		goto out;
	}
	if (wft_rtnl_link_get(&cr, env->ifname, &ctl)) {
		cni_fail(e, CNI_ERR_CHECK, "interface %s is missing from %s",
			 env->ifname, env->netns);
		goto out;
	}
	if (wft_rtnl_link_get(&hr, host, &hl)) {
		cni_fail(e, CNI_ERR_CHECK, "host interface %s is missing",
			 host);
		goto out;
	}
	fmt_mac(ctl.mac, mac);
	if (want_mac && strcasecmp(want_mac, mac)) {
		cni_fail(e, CNI_ERR_CHECK, "interface %s has MAC %s, not %s",
			 env->ifname, mac, want_mac);
		goto out;
	}
	if (c->has_mac && memcmp(ctl.mac, c->mac, 6)) {
		cni_fail(e, CNI_ERR_CHECK, "interface %s has MAC %s, the "
			 "configuration another", env->ifname, mac);
		goto out;
	}
	if (c->mtu && ctl.mtu != c->mtu) {
		cni_fail(e, CNI_ERR_CHECK, "interface %s has MTU %u, not %u",
			 env->ifname, ctl.mtu, c->mtu);
		goto out;
	}
	if (check_ips(&cr, ctl.ifindex, prev, idx, e))
		goto out;
	if (cni_weftd_open(c, 5000, &cl, e))
		goto out;
	ret = check_port(cl, c, host, e);
	wft_jsonrpc_client_close(cl);
	if (!ret && c->ipam)
		ret = cni_ipam_exec(c, env, "CHECK", NULL, NULL, NULL, e);
out:
	wft_rtnl_close(&hr);
	wft_rtnl_close(&cr);
	close(nsfd);
	return ret;
}

/* GC of one attachment: port, veth, lease. */
int cni_gc_one(const struct cni_env *env, const struct cni_conf *c,
	       struct wft_jsonrpc_client *cl, const char *host,
	       const char *containerid, const char *ifname,
	       struct cni_err *e)
{
	struct wft_rtnl hr;
	int ret;

	if (detach_port(cl, host, e))
		return -1;
	if (!wft_rtnl_open(&hr, -1)) {
		ret = wft_rtnl_link_del(&hr, host);
		wft_rtnl_close(&hr);
		if (ret && ret != -ENODEV)
			return cni_fail(e, CNI_ERR_LINK, "%s", hr.err);
	}
	if (c->ipam)
		return cni_ipam_exec(c, env, "DEL", containerid, ifname, NULL,
				     e);
	return 0;
}

json_t *cni_find_rows(struct wft_jsonrpc_client *cl, const char *table,
		      const char *cond, const char *columns,
		      struct cni_err *e)
{
	return find_rows(cl, table, cond, columns, e);
}
