// SPDX-License-Identifier: GPL-2.0
/*
 * ofproto: tunnel ports. An Interface of type geneve or vxlan becomes a
 * bridge port whose output xlate encapsulates (xlate.h, struct
 * wft_xlate_tunnel), on the vport its type and UDP port share
 * (bridge.h); a packet that vport received belongs to the tunnel port
 * whose remote_ip, key and local_ip fit its tunnel key, as in OVS
 * (ofproto/tunnel.c: a fixed value beats "flow").
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto_priv.h"
#include "weft/conf.h"

static bool parse_ip(const char *s, bool *v6, uint8_t *out)
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1) {
		*v6 = false;
		return true;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*v6 = true;
		return true;
	}
	return false;
}

static bool opt_true(const struct wft_row *iface, const char *key, bool dflt)
{
	const char *v = wft_row_map_get(iface, WFT_IF_OPTIONS, key);

	return v ? !strcmp(v, "true") : dflt;
}

/* tos/ttl: a number, or "inherit" (-1); @dflt when absent. */
static int opt_num(const struct wft_row *iface, const char *key, int dflt)
{
	const char *v = wft_row_map_get(iface, WFT_IF_OPTIONS, key);

	if (!v)
		return dflt;
	return !strcmp(v, "inherit") ? -1 : atoi(v);
}

bool wft_ofproto_tunnel_cfg(const struct wft_row *iface,
			    struct wft_xlate_tunnel *t)
{
	const char *type = wft_row_string(iface, WFT_IF_TYPE);
	const char *remote, *local, *key, *port;
	bool local_v6 = false;

	memset(t, 0, sizeof(*t));
	if (!type || (strcmp(type, "geneve") && strcmp(type, "vxlan")))
		return false;
	t->type = !strcmp(type, "geneve") ? WFT_TNL_GENEVE : WFT_TNL_VXLAN;
	remote = wft_row_map_get(iface, WFT_IF_OPTIONS, "remote_ip");
	local = wft_row_map_get(iface, WFT_IF_OPTIONS, "local_ip");
	/* out_key/in_key refine key, as in OVS; weft sends and receives
	 * with one key. */
	key = wft_row_map_get(iface, WFT_IF_OPTIONS, "key");
	if (!key)
		key = wft_row_map_get(iface, WFT_IF_OPTIONS, "out_key");
	port = wft_row_map_get(iface, WFT_IF_OPTIONS, "dst_port");
	t->remote_flow = !remote || !strcmp(remote, "flow");
	if (!t->remote_flow && !parse_ip(remote, &t->v6, t->remote))
		t->remote_flow = true;	/* validation refuses it first */
	t->local_flow = local && !strcmp(local, "flow");
	t->has_local = local && !t->local_flow &&
		       parse_ip(local, &local_v6, t->local);
	t->key_flow = key && !strcmp(key, "flow");
	t->key = key && !t->key_flow ? strtoull(key, NULL, 0) : 0;
	t->dst_port = port ? (uint16_t)atoi(port) :
		      t->type == WFT_TNL_GENEVE ? 6081 : 4789;
	t->csum = opt_true(iface, "csum", false);
	t->df = opt_true(iface, "df_default", true);
	t->tos = opt_num(iface, "tos", 0);
	t->ttl = opt_num(iface, "ttl", 0);
	return true;
}

/* How well @t fits @flow's tunnel key: -1 not at all, else more for each
 * fixed option that matched. */
static int fit(const struct wft_xlate_tunnel *t, const struct wft_flow *flow)
{
	bool v6 = !flow->tun_dst;
	int score = 0;

	if (!t->remote_flow) {
		if (t->v6 != v6 ||
		    memcmp(t->remote, v6 ? (const void *)&flow->tun_ipv6_src
					 : (const void *)&flow->tun_src,
			   v6 ? 16 : 4))
			return -1;
		score += 4;
	}
	if (!t->key_flow) {
		uint64_t id = be64toh(flow->tun_id);

		if (t->type == WFT_TNL_VXLAN)
			id &= 0xffffff;
		if (id != t->key)
			return -1;
		score += 2;
	}
	if (t->has_local) {
		if (memcmp(t->local, v6 ? (const void *)&flow->tun_ipv6_dst
					: (const void *)&flow->tun_dst,
			   v6 ? 16 : 4))
			return -1;
		score += 1;
	}
	return score;
}

bool wft_ofproto_tunnel_fits(const struct wft_xlate_tunnel *t,
			     const struct wft_flow *flow)
{
	return fit(t, flow) >= 0;
}

int wft_ofproto_tunnel_receive(struct wft_backer *b, uint32_t odp_port,
			       const struct wft_flow *flow,
			       struct wft_ofproto **brp, uint32_t *ofport)
{
	const struct ofport *p;
	int best = -1, s;
	size_t i, k;

	for (i = 0; i < b->n_brs; i++)
		for (k = 0; k < b->brs[i]->n_ports; k++) {
			p = &b->brs[i]->ports[k];
			if (!p->xp.tunnel || p->xp.odp_port != odp_port)
				continue;
			s = fit(p->xp.tunnel, flow);
			if (s > best) {
				best = s;
				*brp = b->brs[i];
				*ofport = p->xp.ofp_port;
			}
		}
	return best < 0 ? -ENOENT : 0;
}

int wft_ofproto_tunnel_any(struct wft_backer *b, uint32_t odp_port,
			   struct wft_ofproto **brp, uint32_t *ofport)
{
	const struct ofport *p;
	size_t i, k;

	for (i = 0; i < b->n_brs; i++)
		for (k = 0; k < b->brs[i]->n_ports; k++) {
			p = &b->brs[i]->ports[k];
			if (p->xp.tunnel && p->xp.odp_port == odp_port) {
				*brp = b->brs[i];
				*ofport = p->xp.ofp_port;
				return 0;
			}
		}
	return -ENOENT;
}

int wft_backer_flow_port(struct wft_backer *b, uint32_t odp_port,
			 const struct wft_flow *flow, struct wft_ofproto **brp,
			 uint32_t *ofport)
{
	if (odp_port < b->n_odp && b->odp[odp_port].tunnel)
		return wft_ofproto_tunnel_receive(b, odp_port, flow, brp,
						  ofport);
	return wft_backer_odp_port(b, odp_port, brp, ofport);
}
