// SPDX-License-Identifier: GPL-2.0
/*
 * OVN mode without an IPAM plugin: the pod's MAC and IPs are its logical
 * switch port's addresses as the chassis's SB replica holds them
 * (Port_Binding.mac, through weftd's `ovn/port-info`), its prefix and
 * default gateway come from the router port on the same logical switch,
 * and STATUS asks `ovn/status` whether the chassis is connected to the
 * SB. See docs/cni.md, "OVN mode".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cni.h"
#include "weft/cni_link.h"
#include "weft/jsonrpc.h"

long cni_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * ovn/port-info until the replica has the port (the chassis asks the SB
 * for it once the interface with its iface-id is on the bridge), or
 * @deadline (CLOCK_MONOTONIC ms): code 11 with weftd's last reason.
 */
static json_t *port_info(struct wft_jsonrpc_client *cl,
			 const struct cni_conf *c, long deadline,
			 struct cni_err *e)
{
	struct wft_jsonrpc_error je;
	json_t *params, *result, *data;
	const char *reason;
	char last[400] = "";
	int ret;

	for (;;) {
		params = json_pack("[s]", c->ovn_port);
		wft_jsonrpc_error_init(&je);
		ret = wft_jsonrpc_call(cl, "ovn/port-info", params, 10000,
				       &result, &je);
		if (!ret) {
			data = json_incref(json_object_get(result, "data"));
			json_decref(result);
			return data;
		}
		reason = json_string_value(json_object_get(je.data,
							   "reason"));
		if (ret != -EREMOTEIO || !reason ||
		    !strcmp(reason, "not-chassis")) {
			/* Not a chassis (yet), or not answering: try again
			 * later; a weftd without the method: refused. */
			cni_fail(e, ret == -EREMOTEIO && !reason ?
				 CNI_ERR_WEFTD : CNI_ERR_TRY_AGAIN,
				 "weftd cannot tell the "
				 "addresses of OVN port %s: %s", c->ovn_port,
				 je.message ?: strerror(-ret));
			wft_jsonrpc_error_clear(&je);
			return NULL;
		}
		snprintf(last, sizeof(last), "%s", je.message ?: reason);
		wft_jsonrpc_error_clear(&je);
		if (cni_now_ms() >= deadline) {
			cni_fail(e, CNI_ERR_TRY_AGAIN, "OVN port %s is not "
				 "in the chassis's SB within %d ms: %s",
				 c->ovn_port, c->ovn_timeout_ms, last);
			return NULL;
		}
		usleep(20000);
	}
}

/* The network that holds @ip: a router port's (*@gw its address) or one
 * of ovnSubnets (*@gw NULL). Returns the prefix length, or -1. */
static int find_net(json_t *routers, json_t *subnets,
		    const struct wft_cni_addr *ip, const char **gw,
		    char gwbuf[64])
{
	struct wft_cni_addr net;
	json_t *rp, *n;
	size_t i, k;
	const char *s;

	*gw = NULL;
	json_array_foreach(routers, i, rp)
		json_array_foreach(json_object_get(rp, "networks"), k, n) {
			s = json_string_value(n);
			if (!s || wft_cni_addr_parse(s, true, &net) ||
			    !wft_cni_addr_in(ip, &net))
				continue;
			snprintf(gwbuf, 64, "%.*s", (int)strcspn(s, "/"), s);
			*gw = gwbuf;
			return net.prefix;
		}
	json_array_foreach(subnets, i, n) {
		s = json_string_value(n);
		if (s && !wft_cni_addr_parse(s, true, &net) &&
		    wft_cni_addr_in(ip, &net))
			return net.prefix;
	}
	return -1;
}

/*
 * An IPAM-like result ({"ips": [{address, gateway}], "routes": [...]})
 * from @info, and the MAC in @mac. Each IP's prefix is its network's; the
 * first gateway of each family becomes that family's default route.
 */
static json_t *addressing(const struct cni_conf *c, json_t *info,
			  uint8_t mac[6], struct cni_err *e)
{
	const char *m = json_string_value(json_object_get(info, "mac"));
	json_t *res = json_pack("{s:[],s:[]}", "ips", "routes"), *ip;
	bool have_gw4 = false, have_gw6 = false;
	unsigned int b[6];
	struct wft_cni_addr a;
	char addr[80], gwbuf[64];
	const char *s, *gw;
	size_t i;
	int plen;

	if (json_is_true(json_object_get(info, "dynamic")))
		goto dynamic;
	if (!m || sscanf(m, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
			 &b[4], &b[5]) != 6) {
		json_decref(res);
		cni_fail(e, CNI_ERR_CONFIG, "OVN port %s has no MAC in its "
			 "addresses (lsp-set-addresses %s \"MAC IP...\"), "
			 "and the network no \"ipam\"", c->ovn_port,
			 c->ovn_port);
		return NULL;
	}
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	json_array_foreach(json_object_get(info, "ips"), i, ip) {
		s = json_string_value(ip);
		if (!s || wft_cni_addr_parse(s, false, &a))
			continue;	/* "10.0.0.5/24" is not OVN's form */
		plen = find_net(json_object_get(info, "routers"),
				c->ovn_subnets, &a, &gw, gwbuf);
		if (plen < 0)
			plen = a.family == AF_INET ? 32 : 128;
		snprintf(addr, sizeof(addr), "%s/%d", s, plen);
		json_array_append_new(json_object_get(res, "ips"),
			gw ? json_pack("{s:s,s:s}", "address", addr,
				       "gateway", gw) :
			     json_pack("{s:s}", "address", addr));
		if (gw && !(a.family == AF_INET ? have_gw4 : have_gw6))
			json_array_append_new(json_object_get(res, "routes"),
				json_pack("{s:s,s:s}", "dst",
					  a.family == AF_INET ? "0.0.0.0/0" :
					  "::/0", "gw", gw));
		if (gw && a.family == AF_INET)
			have_gw4 = true;
		else if (gw)
			have_gw6 = true;
	}
	return res;
dynamic:
	json_decref(res);
	/* ovn-northd 23.03 writes "dynamic" into Port_Binding.mac as it
	 * is: the allocated addresses stay in the NB. */
	cni_fail(e, CNI_ERR_CONFIG, "OVN port %s has dynamic addresses, "
		 "which the SB does not carry (they stay in the NB's "
		 "dynamic_addresses): give it static addresses or the "
		 "network an \"ipam\" section", c->ovn_port);
	return NULL;
}

json_t *cni_ovn_addressing(struct wft_jsonrpc_client *cl,
			   const struct cni_conf *c, long deadline,
			   uint8_t mac[6], struct cni_err *e)
{
	json_t *info = port_info(cl, c, deadline, e), *res;

	if (!info)
		return NULL;
	res = addressing(c, info, mac, e);
	json_decref(info);
	return res;
}

int cni_ovn_status(struct wft_jsonrpc_client *cl, const struct cni_conf *c,
		   struct cni_err *e)
{
	struct wft_jsonrpc_error je;
	json_t *result, *d, *sb;
	const char *state;
	int ret;

	wft_jsonrpc_error_init(&je);
	ret = wft_jsonrpc_call(cl, "ovn/status", NULL, 5000, &result, &je);
	if (ret) {
		cni_fail(e, CNI_ERR_NOT_AVAILABLE, "weftd cannot tell its OVN "
			 "status: %s", je.message ?: strerror(-ret));
		wft_jsonrpc_error_clear(&je);
		return -1;
	}
	d = json_object_get(result, "data");
	sb = json_object_get(d, "sb");
	state = json_string_value(json_object_get(sb, "state"));
	if (!json_is_true(json_object_get(d, "enabled")))
		ret = cni_fail(e, CNI_ERR_NOT_AVAILABLE, "weftd is not an "
			       "OVN chassis (external_ids:system-id and "
			       "ovn-remote are not both set)");
	else if (!state || strcmp(state, "active"))
		ret = cni_fail(e, CNI_ERR_NOT_AVAILABLE, "chassis %s is "
			       "not connected to the OVN Southbound database "
			       "%s (session %s, last error: %s)",
			       json_string_value(json_object_get(d,
							"system_id")),
			       json_string_value(json_object_get(d,
							"remote")),
			       state ?: "none",
			       json_string_value(json_object_get(sb,
							"last_error")) ?: "");
	else if (!json_is_true(json_object_get(d, "registered")))
		ret = cni_fail(e, CNI_ERR_NOT_AVAILABLE, "chassis %s is "
			       "connected to the SB but not registered yet",
			       json_string_value(json_object_get(d,
							"system_id")));
	json_decref(result);
	return ret;
}
