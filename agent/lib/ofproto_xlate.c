// SPDX-License-Identifier: GPL-2.0
/*
 * ofproto and xlate: what a translation calls back (ports, flooding,
 * NORMAL), datapath keys to flows and flows to megaflows, and the port
 * names of ovs-ofctl's syntax. Everything here runs with the ports lock
 * held for reading (ofproto.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ofproto_priv.h"
#include "weft/odp_flow.h"
#include "weft/ofp_flow.h"
#include "weft/tlv_map.h"

/* Whether NORMAL ran in this thread's current translation: flows that
 * depend on MAC learning are translated again now and then, with
 * learning, so that the sources they carry do not age out. */
static __thread bool normal_ran;

static const struct wft_xlate_port *xb_port(void *aux, uint32_t ofp_port)
{
	const struct ofport *p = wft_ofproto_find_port(aux, ofp_port);

	return p ? &p->xp : NULL;
}

static void xb_for_each(void *aux,
			void (*cb)(const struct wft_xlate_port *, void *),
			void *cb_aux)
{
	const struct wft_ofproto *br = aux;
	size_t i;

	for (i = 0; i < br->n_ports; i++)
		cb(&br->ports[i].xp, cb_aux);
}

static void xb_normal(struct wft_xlate_ctx *ctx, void *aux)
{
	const struct wft_ofproto *br = aux;

	normal_ran = true;
	wft_xlate_normal(ctx, br->ml);
}

void wft_ofproto_xbridge_init(struct wft_ofproto *br)
{
	br->xb.port = xb_port;
	br->xb.for_each_port = xb_for_each;
	br->xb.normal = xb_normal;
	br->xb.upcall_pid = 0;		/* the CPU's handler */
	br->xb.aux = br;
	br->xb.name = br->name;
}

/* Port names for ovs-ofctl's syntax. */

static int name_to_port(void *aux, const char *name, size_t len,
			uint32_t *port)
{
	struct wft_ofproto_port_info info;

	if (wft_ofproto_port_by_name(aux, name, len, &info))
		return -ENOENT;
	*port = info.ofport;
	return 0;
}

static const char *port_to_name(void *aux, uint32_t port)
{
	const struct ofport *p = wft_ofproto_find_port(aux, port);

	return p ? p->name : NULL;
}

static __thread struct wft_ofp_port_names names_tl;

void wft_ofproto_use_port_names(struct wft_ofproto *br, bool print_names)
{
	if (!br) {
		wft_ofp_port_names_set(NULL);
		wft_tlv_map_activate(NULL);
		return;
	}
	wft_tlv_map_activate(br->tlv);
	names_tl.number = name_to_port;
	names_tl.name = print_names ? port_to_name : NULL;
	names_tl.aux = br;
	wft_ofp_port_names_set(&names_tl);
}

/* Keys and megaflows. */

struct key_ports {
	struct wft_backer *b;
	struct wft_ofproto *br;		/* the bridge of in_port */
	bool tunnel;			/* in_port is a tunnel vport: */
	uint32_t tunnel_odp;		/* this one */
};

static int key_to_ofp(void *aux, uint32_t odp_port, uint32_t *out)
{
	struct key_ports *kp = aux;
	struct wft_backer *b = kp->b;

	if (odp_port < b->n_odp && b->odp[odp_port].tunnel) {
		/* Resolved once the whole key, tunnel included, is read. */
		kp->tunnel = true;
		kp->tunnel_odp = odp_port;
		*out = 0;
		return 0;
	}
	return wft_backer_odp_port(kp->b, odp_port, &kp->br, out);
}

/* A packet from a tunnel vport: its port, and its GENEVE options as the
 * bridge's tun_metadata fields. */
static int tunnel_in(struct key_ports *kp, struct wft_ofproto_xlate *x)
{
	uint32_t ofport;
	int ret;

	ret = wft_ofproto_tunnel_receive(kp->b, kp->tunnel_odp, &x->flow,
					 &kp->br, &ofport);
	if (ret)	/* no port fits: xlate_run() drops it */
		ret = wft_ofproto_tunnel_any(kp->b, kp->tunnel_odp, &kp->br,
					     &ofport);
	if (ret)
		return ret;
	x->flow.in_port = htonl(ofport);
	ret = wft_tlv_map_decode(kp->br->tlv, &x->flow);
	return ret == -EPROTO ? 0 : ret;	/* xlate_run() drops it */
}

int wft_ofproto_xlate_key(struct wft_backer *b, struct wft_ofproto_xlate *x,
			  const void *key, size_t len)
{
	struct key_ports kp = { b, NULL, false, 0 };
	struct wft_odp_flow_ports ports = { key_to_ofp, NULL, &kp };
	int ret = wft_odp_key_to_flow(key, len, &ports, &x->flow);

	if (!ret && kp.tunnel)
		ret = tunnel_in(&kp, x);
	if (!ret && !kp.br)
		ret = -ENOENT;		/* a key without in_port */
	x->bridge = kp.br;
	return ret;
}

int wft_ofproto_xlate_compact_key(struct wft_backer *b,
				  struct wft_ofproto_xlate *x,
				  const struct weft_key_compact *key)
{
	struct key_ports kp = { b, NULL, false, 0 };
	struct wft_odp_flow_ports ports = { key_to_ofp, NULL, &kp };
	int ret = wft_odp_compact_to_flow(key, &ports, &x->flow);

	if (!ret && kp.tunnel)
		ret = tunnel_in(&kp, x);
	if (!ret && !kp.br)
		ret = -ENOENT;
	x->bridge = kp.br;
	return ret;
}

static int flow_to_odp(void *aux, uint32_t ofp_port, uint32_t *out)
{
	const struct ofport *p = wft_ofproto_find_port(aux, ofp_port);

	if (!p || p->xp.odp_port == WFT_PORT_ANY)
		return -ENOENT;
	*out = p->xp.odp_port;
	return 0;
}

void wft_ofproto_xlate_init(struct wft_ofproto_xlate *x)
{
	memset(x, 0, sizeof(*x));
	wft_xlate_out_init(&x->out);
	wft_attrbuf_init(&x->key);
	wft_attrbuf_init(&x->mask);
}

void wft_ofproto_xlate_uninit(struct wft_ofproto_xlate *x)
{
	wft_xlate_out_uninit(&x->out);
	wft_attrbuf_free(&x->key);
	wft_attrbuf_free(&x->mask);
}

_Static_assert(offsetof(struct wft_xlate_out, final_flow) +
	       sizeof(struct wft_flow) == offsetof(struct wft_xlate_out, error),
	       "out_reset(): final_flow not followed by error");

/* Empties @out for another translation, keeping its buffers. Not its
 * final_flow, which only a trace writes (and reads): clearing those 856
 * bytes a miss was a quarter of wft_xlate_out_init()'s work. */
static void out_reset(struct wft_xlate_out *out)
{
	struct wft_attrbuf actions = out->actions;
	struct wft_rule_list rules = out->rules;
	size_t i;

	if (out->trace.n) {
		wft_xlate_out_uninit(out);
		wft_xlate_out_init(out);
		return;
	}
	for (i = 0; i < rules.n; i++)
		wft_rule_unref(rules.rules[i]);
	rules.n = 0;
	wft_attrbuf_reset(&actions);
	/* wft_xlate_out_init()'s zeroes, around final_flow. */
	memset(out, 0, offsetof(struct wft_xlate_out, final_flow));
	memset(&out->error, 0, sizeof(*out) -
	       offsetof(struct wft_xlate_out, error));
	out->actions = actions;
	out->rules = rules;
}

/* Why a packet that came in over a tunnel is dropped before the pipeline
 * sees it, or NULL. Decided from what the megaflow matches (in_port, the
 * tunnel key, option headers), so an upcall and a revalidation agree. */
static const char *tunnel_drop(struct wft_ofproto_xlate *x)
{
	const struct ofport *p;

	x->tnl_unknown_crit = false;
	if (!wft_odp_flow_is_tunnel(&x->flow))
		return NULL;
	p = wft_ofproto_find_port(x->bridge, ntohl(x->flow.in_port));
	if (p && p->xp.tunnel && !wft_ofproto_tunnel_fits(p->xp.tunnel,
							  &x->flow))
		return "no tunnel port's remote_ip, key and local_ip fit";
	/* RFC 8926 3.5. */
	x->tnl_unknown_crit = wft_tlv_map_unknown_crit(x->bridge->tlv,
						       &x->flow);
	return x->tnl_unknown_crit ? "a critical GENEVE option the TLV map "
				     "does not know" : NULL;
}

int wft_ofproto_xlate_run(struct wft_ofproto_xlate *x)
{
	struct wft_odp_flow_ports ports = { NULL, flow_to_odp, x->bridge };
	struct wft_xlate_in in;
	const char *drop;
	int ret;

	/* Field by field: zeroing the whole struct first cleared its 856
	 * bytes of flow only to copy them. */
	in.pipeline = x->bridge->pipeline;
	in.bridge = &x->bridge->xb;
	in.flow = x->flow;
	in.table = 0;
	in.trace = x->trace;
	in.may_learn = x->may_learn;
	in.actions = x->actions;
	out_reset(&x->out);
	normal_ran = false;
	drop = tunnel_drop(x);
	if (drop) {
		/* Matching in_port, the tunnel key (widened below) and every
		 * option header: what decided the drop. */
		wft_flow_wc_init_catchall(&x->out.wc);
		x->out.wc.masks.in_port = UINT32_MAX;
		x->out.wc.masks.tun_md_present = UINT64_MAX;
		x->out.final_flow = x->flow;
		snprintf(x->out.errmsg, sizeof(x->out.errmsg), "%s: dropped",
			 drop);
	} else {
		wft_xlate(&in, &x->out);
	}
	x->used_normal = normal_ran;
	/* A packet-out's actions run once, on one packet: there is no
	 * megaflow to build, and its in_port may be CONTROLLER (pinctrl's
	 * packets), which no datapath port stands for. */
	if (x->actions)
		return 0;
	/* The datapath's prerequisites first, then the key masked by the
	 * result, so that equal megaflows hash to equal UFIDs. */
	x->wc = x->out.wc;
	if (wft_odp_flow_is_tunnel(&x->flow))
		wft_tlv_map_mask_opts(x->bridge->tlv, &x->flow, &x->wc);
	wft_odp_flow_widen(&x->flow, &x->wc);
	wft_attrbuf_reset(&x->key);
	wft_attrbuf_reset(&x->mask);
	/* One struct each instead of ~40 attributes, and no attributes. */
	x->compact = x->want_compact &&
		     !wft_odp_megaflow_to_compact(&x->flow, &x->wc, &ports,
						  &x->ckey, &x->cmask);
	if (x->compact) {
		wft_ufid_from_compact(&x->ckey, &x->cmask, sizeof(x->ckey),
				      &x->ufid);
		return 0;
	}
	/* It masks the key itself (in_port is always matched). */
	ret = wft_odp_megaflow_to_key(&x->flow, &x->wc, &ports, &x->key,
				      &x->mask);
	if (!ret && (x->key.error || x->mask.error))
		ret = -ENOMEM;
	if (!ret)
		wft_ufid_from_key(x->key.data, x->key.len, x->mask.data,
				  x->mask.len, &x->ufid);
	return ret;
}
