// SPDX-License-Identifier: GPL-2.0
/*
 * The OVN node keys and the local interfaces, read from weftd's
 * configuration (include/weft/ovn_node.h). No I/O: unit-tested on the
 * host (tests/unit/check_ovn_node.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovn_node.h"
#include "weft/util.h"

const char *wft_conf_map_get(const struct wft_datum *d, const char *key)
{
	unsigned int i;

	if (!d->values)
		return NULL;
	for (i = 0; i < d->n; i++)
		if (!strcmp(d->keys[i].s, key))
			return d->values[i].s;
	return NULL;
}

static char *dup_or_null(const char *s)
{
	return s && *s ? wft_xstrdup(s) : NULL;
}

static int parse_encap_types(const char *s, struct wft_ovn_node *node,
			     struct wft_strbuf *err)
{
	char *copy = wft_xstrdup(s), *tok, *save = NULL;
	bool geneve = false, vxlan = false;
	int n = 0;

	for (tok = strtok_r(copy, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		if (!strcmp(tok, "geneve")) {
			geneve = true;
		} else if (!strcmp(tok, "vxlan")) {
			vxlan = true;
		} else {
			wft_strbuf_printf(err, "ovn-encap-type: %s is not "
					  "supported (geneve, vxlan)", tok);
			free(copy);
			return -EINVAL;
		}
	}
	free(copy);
	if (!geneve && !vxlan) {
		wft_strbuf_puts(err, "ovn-encap-type: empty");
		return -EINVAL;
	}
	/* One Encap per type, in a fixed order, whatever the key's. */
	if (geneve)
		node->encap_types[n++] = "geneve";
	if (vxlan)
		node->encap_types[n++] = "vxlan";
	node->encap_types[n] = NULL;
	return 0;
}

static int parse_bool(const char *key, const char *s, bool *b,
		      struct wft_strbuf *err)
{
	if (!s || !strcmp(s, "false")) {
		*b = false;
	} else if (!strcmp(s, "true")) {
		*b = true;
	} else {
		wft_strbuf_printf(err, "%s: \"%s\" is not true or false",
				  key, s);
		return -EINVAL;
	}
	return 0;
}

int wft_ovn_node_from_conf(const struct wft_conf *conf,
			   struct wft_ovn_node *node, struct wft_strbuf *err)
{
	const struct wft_datum *ids;
	const char *v;
	char *end;
	long ms;
	int ret;

	memset(node, 0, sizeof(*node));
	node->probe_ms = 5000;
	node->encap_types[0] = "geneve";
	ids = &wft_conf_ovs(conf)->cols[WFT_OVS_EXTERNAL_IDS];
	node->system_id = dup_or_null(wft_conf_map_get(ids, "system-id"));
	node->remote = dup_or_null(wft_conf_map_get(ids, "ovn-remote"));
	node->encap_ip = dup_or_null(wft_conf_map_get(ids, "ovn-encap-ip"));
	node->hostname = dup_or_null(wft_conf_map_get(ids, "hostname"));
	v = wft_conf_map_get(ids, "ovn-bridge");
	node->bridge = wft_xstrdup(v && *v ? v : "br-int");
	v = wft_conf_map_get(ids, "ovn-encap-type");
	if (v && (ret = parse_encap_types(v, node, err)))
		return ret;
	v = wft_conf_map_get(ids, "ovn-remote-probe-interval");
	if (v) {
		errno = 0;
		ms = strtol(v, &end, 10);
		if (errno || end == v || *end || ms < 0 || ms > INT_MAX) {
			wft_strbuf_printf(err, "ovn-remote-probe-interval: "
					  "\"%s\" is not a number of ms", v);
			return -EINVAL;
		}
		node->probe_ms = ms;
	}
	ret = parse_bool("ovn-monitor-all",
			 wft_conf_map_get(ids, "ovn-monitor-all"),
			 &node->monitor_all, err);
	if (ret)
		return ret;
	node->enabled = node->system_id && node->remote;
	if (node->enabled && !node->encap_ip) {
		wft_strbuf_puts(err, "ovn-encap-ip is not set");
		return -EINVAL;
	}
	return 0;
}

void wft_ovn_node_uninit(struct wft_ovn_node *node)
{
	free(node->system_id);
	free(node->remote);
	free(node->encap_ip);
	free(node->bridge);
	free(node->hostname);
	memset(node, 0, sizeof(*node));
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool wft_ovn_node_equal(const struct wft_ovn_node *a,
			const struct wft_ovn_node *b)
{
	int i;

	for (i = 0; i <= WFT_OVN_MAX_ENCAPS; i++)
		if (!str_eq(a->encap_types[i], b->encap_types[i]))
			return false;
	return a->enabled == b->enabled &&
	       str_eq(a->system_id, b->system_id) &&
	       str_eq(a->remote, b->remote) &&
	       str_eq(a->encap_ip, b->encap_ip) &&
	       str_eq(a->bridge, b->bridge) &&
	       str_eq(a->hostname, b->hostname) &&
	       a->probe_ms == b->probe_ms && a->monitor_all == b->monitor_all;
}

static int iface_cmp(const void *a, const void *b)
{
	const struct wft_ovn_iface *x = a, *y = b;

	return strcmp(x->iface_id, y->iface_id);
}

size_t wft_ovn_ifaces_from_conf(const struct wft_conf *conf,
				const char *bridge,
				struct wft_ovn_iface **ifacesp)
{
	struct wft_row *br = wft_conf_find(conf, WFT_TBL_BRIDGE, bridge);
	struct wft_ovn_iface *v = NULL;
	size_t n = 0, out = 0, i;
	unsigned int p, k;

	*ifacesp = NULL;
	if (!br)
		return 0;
	for (p = 0; p < br->cols[WFT_BR_PORTS].n; p++) {
		struct wft_row *port = wft_conf_get(conf, WFT_TBL_PORT,
			&br->cols[WFT_BR_PORTS].keys[p].u);

		for (k = 0; port && k < port->cols[WFT_PORT_INTERFACES].n;
		     k++) {
			struct wft_row *ifc = wft_conf_get(conf,
				WFT_TBL_INTERFACE,
				&port->cols[WFT_PORT_INTERFACES].keys[k].u);
			const struct wft_datum *ids;
			const char *id, *inst;

			if (!ifc)
				continue;
			ids = &ifc->cols[WFT_IF_EXTERNAL_IDS];
			id = wft_conf_map_get(ids, "iface-id");
			if (!id || !*id)
				continue;
			inst = wft_conf_map_get(ids, "ovn-installed");
			v = wft_xrealloc(v, (n + 1) * sizeof(*v));
			v[n].name = wft_xstrdup(
				ifc->cols[WFT_IF_NAME].keys[0].s);
			v[n].iface_id = wft_xstrdup(id);
			v[n].installed = inst && !strcmp(inst, "true");
			n++;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), iface_cmp);
	for (i = 0; i < n; i++) {
		if (out && !strcmp(v[out - 1].iface_id, v[i].iface_id)) {
			free(v[i].name);
			free(v[i].iface_id);
			continue;
		}
		v[out++] = v[i];
	}
	*ifacesp = v;
	return out;
}

struct wft_ovn_iface *wft_ovn_iface_find(const struct wft_ovn_iface *ifaces,
					 size_t n, const char *iface_id)
{
	const struct wft_ovn_iface key = { .iface_id = (char *)iface_id };

	/* Sorted and without duplicates (wft_ovn_ifaces_from_conf). */
	return n ? bsearch(&key, ifaces, n, sizeof(*ifaces), iface_cmp) :
	       NULL;
}

void wft_ovn_ifaces_free(struct wft_ovn_iface *ifaces, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ifaces[i].name);
		free(ifaces[i].iface_id);
	}
	free(ifaces);
}
