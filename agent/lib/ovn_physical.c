// SPDX-License-Identifier: GPL-2.0
/*
 * The chassis' physical flows: what ovn-controller 23.03's physical.c
 * installs around the logical pipelines (table numbers in
 * ovn-23.03-facts.md 2.6), written as ovs-ofctl flows:
 *
 *   0   a local VIF's packets enter its datapath's ingress pipeline: its
 *       ct zone in reg13, the datapath's DNAT/SNAT zones in reg11/reg12,
 *       the datapath key in metadata, the port key in reg14, table 8.
 *       A localnet port's (from its patch port to the provider bridge)
 *       the same way: with a tag, frames of that VLAN (priority 150),
 *       the tag stripped; without, untagged frames and priority-tagged
 *       ones (VLAN 0, stripped). A localport's (its interface here) as
 *       a VIF's, with flags.localport set. A tunnel's packets enter the
 *       egress side at table 40: GENEVE
 *       carries the datapath in the VNI and the ports in OVN's option
 *       (tun_metadata0: bits 16..30 ingress, 0..15 egress); VXLAN the
 *       datapath in VNI bits 0..11 and the egress port in 12..23 (a
 *       multicast group when bit 23 is set).
 *   37, 38  large-packet detection. ovn-controller 23.03 fills them only
 *       for multi-chassis ports (additional_chassis, live migration) on a
 *       datapath with a localnet port: their packets to ports reached
 *       through the localnet port are tunnelled instead, and checked
 *       against the VIF's MTU less the tunnel overhead. weft has no
 *       multi-chassis ports, so only the defaults are
 *       here, the same three ovn-controller installs: 37 on to 39, 38 on
 *       to 40 when flags.loopback (the ICMP error a check would make
 *       goes back to the sender, never out a tunnel), else 39. A
 *       router port's gateway_mtu is northd's (check_pkt_larger in the
 *       router pipeline), not these tables'.
 *   39  a localport's packets (by inport, priority 150) skip the
 *       tunnels: on to 40, where a port elsewhere has no flow (dropped)
 *       and the localnet port's 41 drops them. A localport member of a
 *       multicast group is delivered here, in the group's 39 flow: a
 *       flood that came by tunnel (into 40) does not reach it.
 *       Output to a port bound on another chassis: VNI and option set,
 *       out of the tunnel port to it; a multicast group: one copy per
 *       other chassis with members, then local delivery; else 40. On a
 *       datapath with a localnet port there are no tunnel copies: the
 *       provider network reaches the other chassis.
 *   40  local output: a local port, patch port or localnet port goes to
 *       41 with its own ct zone (and its datapath's DNAT/SNAT zones)
 *       loaded, as the egress pipeline's conntrack must use the zone
 *       the port's own ingress uses; a multicast group to each local member in
 *       turn, the same way. A chassisredirect port active here
 *       (ovn_ha_chassis.c) becomes its distributed port, with that
 *       port's zones, and goes to 41; one active elsewhere is a remote
 *       port of the active chassis (39). On a datapath with a localnet
 *       port, a port that is not here (bound elsewhere or nowhere)
 *       becomes the localnet port as outport, back to 40: out of it,
 *       not a tunnel.
 *   41  loopback check: a packet whose outport is its inport is dropped
 *       unless flags.loopback; a localnet port also drops what comes
 *       from a localport or is marked local only; else the logical
 *       registers are cleared and the egress pipeline (42) runs.
 *   64  (save inport) on to 65.
 *   65  a local VIF: output to its OpenFlow port (IN_PORT when the
 *       packet came from it); a localnet port the same, tagged around
 *       the output when it has a VLAN; a patch port: the
 *       peer's datapath's ingress pipeline, in a clone with conntrack
 *       and the registers cleared.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/strbuf.h"
#include "weft/util.h"

#include "ovn_priv.h"

#define T_PHY_TO_LOG	0
#define T_INGRESS	8
#define T_LARGE_DETECT	37
#define T_LARGE_PROCESS	38
#define T_REMOTE	39
#define T_LOCAL		40
#define T_LOOPBACK	41
#define T_EGRESS	42
#define T_SAVE_INPORT	64
#define T_LOG_TO_PHY	65

/* MFF_LOG_FLAGS (reg10) bits northd's flows set. */
#define FLAG_LOCAL_ONLY	0x10
#define FLAG_LOCALPORT	0x400
#define FLAG_LOCALPORT_BIT	10

struct out {
	char ***texts;
	size_t *n;
};

static void add(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct out *o, const char *fmt, ...)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	wft_strbuf_vprintf(&sb, fmt, ap);
	va_end(ap);
	*o->texts = wft_xrealloc(*o->texts, (*o->n + 1) * sizeof(**o->texts));
	(*o->texts)[(*o->n)++] = wft_strbuf_steal(&sb);
}

/* The logical ingress metadata of port @p: zones, datapath, inport. */
static void ingress_md(const struct wft_ovn_view *v,
		       const struct wft_ovn_port *p, struct wft_strbuf *sb)
{
	const struct wft_ovn_dp *dp = &v->dps[p->dp];

	wft_strbuf_printf(sb, "load:0x%x->NXM_NX_REG13[],"
			  "load:0x%x->NXM_NX_REG11[],"
			  "load:0x%x->NXM_NX_REG12[],"
			  "load:0x%x->OXM_OF_METADATA[],"
			  "load:0x%x->NXM_NX_REG14[]",
			  p->zone, dp->dnat_zone, dp->snat_zone, dp->key,
			  p->key);
}

/* The zones of @p as the egress pipeline's: a packet for @p reaches it
 * with the zones of the port it entered by (or none, from a tunnel),
 * and the replies of a connection would then meet an empty zone. */
static void egress_zones(const struct wft_ovn_view *v,
			 const struct wft_ovn_port *p, struct wft_strbuf *sb)
{
	const struct wft_ovn_dp *dp = &v->dps[p->dp];

	if (!p->zone)
		return;
	wft_strbuf_printf(sb, "load:0x%x->NXM_NX_REG13[],"
			  "load:0x%x->NXM_NX_REG11[],"
			  "load:0x%x->NXM_NX_REG12[],",
			  p->zone, dp->dnat_zone, dp->snat_zone);
}

static bool is_localport(const struct wft_ovn_port *p)
{
	return p->type && !strcmp(p->type, "localport");
}

/* A localport's packets never leave by a tunnel: its copy on the other
 * chassis answers there. */
static void localport_flows(struct out *o, const struct wft_ovn_view *v,
			    const struct wft_ovn_port *p)
{
	add(o, "table=%d,priority=150,reg14=0x%x,metadata=0x%x,"
	    "actions=resubmit(,%d)", T_REMOTE, p->key, v->dps[p->dp].key,
	    T_LOCAL);
}

static void vif_flows(struct out *o, const struct wft_ovn_view *v,
		      const struct wft_ovn_port *p)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	uint32_t md = v->dps[p->dp].key;

	ingress_md(v, p, &sb);
	if (is_localport(p))
		wft_strbuf_printf(&sb, ",load:1->NXM_NX_REG10[%d]",
				  FLAG_LOCALPORT_BIT);
	add(o, "table=%d,priority=100,in_port=%u,actions=%s,resubmit(,%d)",
	    T_PHY_TO_LOG, p->ofport, wft_strbuf_cstr(&sb), T_INGRESS);
	wft_strbuf_free(&sb);
	add(o, "table=%d,priority=100,reg15=0x%x,metadata=0x%x,"
	    "actions=output:%u", T_LOG_TO_PHY, p->key, md, p->ofport);
	/* Back out of the port it came in on (an ARP reply from the
	 * switch's responder, flags.loopback set, or a hairpin): OpenFlow
	 * drops output to in_port, IN_PORT is the way. ovn-controller
	 * clears in_port in table 64 instead, with a push and pop. */
	add(o, "table=%d,priority=110,in_port=%u,reg15=0x%x,metadata=0x%x,"
	    "actions=IN_PORT", T_LOG_TO_PHY, p->ofport, p->key, md);
}

/* A patch port's output: the peer's datapath, as if the packet had
 * entered it there, with nothing of the first pipeline left over. */
static void patch_flows(struct out *o, const struct wft_ovn_view *v,
			const struct wft_ovn_port *p)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	const struct wft_ovn_port *peer = &v->ports[p->peer];
	int i;

	wft_strbuf_puts(&sb, "clone(ct_clear,");
	for (i = 0; i < 10; i++)
		wft_strbuf_printf(&sb, "load:0->NXM_NX_REG%d[],", i);
	wft_strbuf_puts(&sb, "load:0->NXM_NX_REG10[],load:0->NXM_NX_REG15[],");
	ingress_md(v, peer, &sb);
	wft_strbuf_printf(&sb, ",resubmit(,%d))", T_INGRESS);
	add(o, "table=%d,priority=100,reg15=0x%x,metadata=0x%x,actions=%s",
	    T_LOG_TO_PHY, p->key, v->dps[p->dp].key, wft_strbuf_cstr(&sb));
	wft_strbuf_free(&sb);
}

/* The VLAN tag @p's frames carry on the provider network, around
 * @out (an output action): pushed for it, popped after it, so that the
 * next copy of a flooded packet goes out as it came. */
static void tagged_output(struct wft_strbuf *sb, const struct wft_ovn_port *p,
			  const char *out)
{
	if (!p->tag) {
		wft_strbuf_puts(sb, out);
		return;
	}
	wft_strbuf_printf(sb, "push_vlan:0x%04x,set_field:%u->vlan_vid,%s,"
			  "strip_vlan", p->tpid, 0x1000 | p->tag, out);
}

/*
 * A localnet port, through its patch port to the provider bridge. In
 * table 0 a tagged port takes its VLAN's frames (priority 150) and
 * strips the tag; an untagged one takes untagged frames and priority-
 * tagged ones (VLAN 0, stripped). Table 65 tags on the way out. Table
 * 41 keeps off it what must stay on this chassis: a localport's packets
 * and those northd marks local only.
 */
static void localnet_flows(struct out *o, const struct wft_ovn_view *v,
			   const struct wft_ovn_port *p)
{
	struct wft_strbuf md = WFT_STRBUF_INIT, sb = WFT_STRBUF_INIT;
	uint32_t dp = v->dps[p->dp].key;
	char out[32];

	ingress_md(v, p, &md);
	if (p->tag) {
		add(o, "table=%d,priority=150,in_port=%u,dl_vlan=%u,actions="
		    "strip_vlan,%s,resubmit(,%d)", T_PHY_TO_LOG, p->ofport,
		    p->tag, wft_strbuf_cstr(&md), T_INGRESS);
	} else {
		add(o, "table=%d,priority=100,in_port=%u,dl_vlan=0,actions="
		    "strip_vlan,%s,resubmit(,%d)", T_PHY_TO_LOG, p->ofport,
		    wft_strbuf_cstr(&md), T_INGRESS);
		add(o, "table=%d,priority=100,in_port=%u,vlan_tci=0/0x1000,"
		    "actions=%s,resubmit(,%d)", T_PHY_TO_LOG, p->ofport,
		    wft_strbuf_cstr(&md), T_INGRESS);
	}
	snprintf(out, sizeof(out), "output:%u", p->ofport);
	tagged_output(&sb, p, out);
	add(o, "table=%d,priority=100,reg15=0x%x,metadata=0x%x,actions=%s",
	    T_LOG_TO_PHY, p->key, dp, wft_strbuf_cstr(&sb));
	wft_strbuf_reset(&sb);
	/* Back where it came from, as a VIF's (vif_flows). */
	tagged_output(&sb, p, "IN_PORT");
	add(o, "table=%d,priority=110,in_port=%u,reg15=0x%x,metadata=0x%x,"
	    "actions=%s", T_LOG_TO_PHY, p->ofport, p->key, dp,
	    wft_strbuf_cstr(&sb));
	add(o, "table=%d,priority=160,reg10=0x%x/0x%x,reg15=0x%x,"
	    "metadata=0x%x,actions=drop", T_LOOPBACK, FLAG_LOCALPORT,
	    FLAG_LOCALPORT, p->key, dp);
	add(o, "table=%d,priority=160,reg10=0x%x/0x%x,reg15=0x%x,"
	    "metadata=0x%x,actions=drop", T_LOOPBACK, FLAG_LOCAL_ONLY,
	    FLAG_LOCAL_ONLY, p->key, dp);
	wft_strbuf_free(&md);
	wft_strbuf_free(&sb);
}

/* The localnet port of @p's datapath that is in the bridge, or NULL:
 * ports elsewhere are reached through it, not through a tunnel. */
static const struct wft_ovn_port *bridged(const struct wft_ovn_view *v,
					  const struct wft_ovn_port *p)
{
	const struct wft_ovn_dp *dp = &v->dps[p->dp];

	return dp->has_localnet ? &v->ports[dp->localnet] : NULL;
}

/* A port on a datapath with a localnet port, not on this chassis (on
 * another, or on none yet): ovn-controller gives every such port to the
 * localnet port, whatever its type, in table 40, and no tunnel. */
static bool via_localnet(const struct wft_ovn_port *p)
{
	if (p->kind == WFT_OVN_PORT_REMOTE)
		return true;
	if (p->kind != WFT_OVN_PORT_OTHER || !p->type)
		return false;
	/* Localnet ports not mapped here, and a chassisredirect port of
	 * this chassis (not handled here yet) stay out. */
	return strcmp(p->type, "localnet") && strcmp(p->type, "l2gateway") &&
	       !(p->resident && !strcmp(p->type, "chassisredirect"));
}

static void bridged_flows(struct out *o, const struct wft_ovn_view *v,
			  const struct wft_ovn_port *p,
			  const struct wft_ovn_port *ln)
{
	if (!ln->ofport)
		return;
	add(o, "table=%d,priority=100,reg15=0x%x,metadata=0x%x,actions="
	    "load:0x%x->NXM_NX_REG15[],resubmit(,%d)", T_LOCAL, p->key,
	    v->dps[p->dp].key, ln->key, T_LOCAL);
}

/* Local delivery and the loopback check, for a local or patch port. */
static void local_flows(struct out *o, const struct wft_ovn_view *v,
			const struct wft_ovn_port *p)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	uint32_t md = v->dps[p->dp].key;

	egress_zones(v, p, &sb);
	add(o, "table=%d,priority=100,reg15=0x%x,metadata=0x%x,"
	    "actions=%sresubmit(,%d)", T_LOCAL, p->key, md,
	    wft_strbuf_cstr(&sb), T_LOOPBACK);
	wft_strbuf_free(&sb);
	add(o, "table=%d,priority=100,reg10=0/0x1,reg14=0x%x,reg15=0x%x,"
	    "metadata=0x%x,actions=drop", T_LOOPBACK, p->key, p->key, md);
}

/* A distributed gateway port's redirect port active here: its packets
 * become the distributed port's, with that port's zones, and go on to
 * the loopback check and the router's egress pipeline here (the
 * distributed port is a patch port, its output the peer switch). */
static void redirect_flows(struct out *o, const struct wft_ovn_view *v,
			   const struct wft_ovn_port *p)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	const struct wft_ovn_port *dist = &v->ports[p->peer];

	egress_zones(v, dist, &sb);
	add(o, "table=%d,priority=100,reg15=0x%x,metadata=0x%x,"
	    "actions=load:0x%x->NXM_NX_REG15[],%sresubmit(,%d)", T_LOCAL,
	    p->key, v->dps[p->dp].key, dist->key, wft_strbuf_cstr(&sb),
	    T_LOOPBACK);
	wft_strbuf_free(&sb);
}

/* The tunnel encapsulation for @outport of datapath @dp (a port or a
 * multicast key), then output to @rc's port. */
static void put_tunnel(struct wft_strbuf *sb, const struct wft_ovn_remote *rc,
		       uint32_t dp, uint32_t outport)
{
	if (!strcmp(rc->type, "vxlan")) {
		uint32_t port12 = outport < 32768 ? outport :
				  0x800 | (outport & 0x7ff);

		wft_strbuf_printf(sb, "load:0x%x->NXM_NX_TUN_ID[0..23],",
				  (dp & 0xfff) | port12 << 12);
	} else {
		wft_strbuf_printf(sb, "load:0x%x->NXM_NX_TUN_ID[0..23],"
				  "load:0x%x->NXM_NX_TUN_METADATA0[0..31],"
				  "move:NXM_NX_REG14[0..14]->"
				  "NXM_NX_TUN_METADATA0[16..30],",
				  dp, outport);
	}
	wft_strbuf_printf(sb, "output:%u", rc->ofport);
}

static void remote_flows(struct out *o, const struct wft_ovn_view *v,
			 const struct wft_ovn_port *p)
{
	const struct wft_ovn_remote *rc = &v->chassis[p->chassis];
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	uint32_t md = v->dps[p->dp].key;

	if (!rc->type || !rc->ofport)
		return;
	put_tunnel(&sb, rc, md, p->key);
	add(o, "table=%d,priority=100,reg15=0x%x,metadata=0x%x,actions=%s",
	    T_REMOTE, p->key, md, wft_strbuf_cstr(&sb));
	wft_strbuf_free(&sb);
}

static void mc_flows(struct out *o, const struct wft_ovn_view *v,
		     const struct wft_ovn_mcgroup *m)
{
	struct wft_strbuf local = WFT_STRBUF_INIT, remote = WFT_STRBUF_INIT;
	struct wft_strbuf lport = WFT_STRBUF_INIT;
	uint32_t md = v->dps[m->dp].key;
	bool *sent = wft_xcalloc(v->n_chassis + 1, sizeof(*sent));
	size_t i;

	for (i = 0; i < m->n_ports; i++) {
		const struct wft_ovn_port *p = &v->ports[m->ports[i]];
		const struct wft_ovn_remote *rc;

		/* A localport only gets the floods that start here: its
		 * delivery is in 39, which tunnelled packets skip. */
		if (is_localport(p)) {
			if (p->kind != WFT_OVN_PORT_LOCAL)
				continue;
			egress_zones(v, p, &lport);
			wft_strbuf_printf(&lport, "load:0x%x->NXM_NX_REG15[],"
					  "resubmit(,%d),", p->key,
					  T_LOOPBACK);
			continue;
		}
		if (p->kind == WFT_OVN_PORT_LOCAL ||
		    p->kind == WFT_OVN_PORT_PATCH ||
		    (p->kind == WFT_OVN_PORT_LOCALNET && p->ofport)) {
			egress_zones(v, p, &local);
			wft_strbuf_printf(&local, "load:0x%x->NXM_NX_REG15[],"
					  "resubmit(,%d),", p->key,
					  T_LOOPBACK);
			continue;
		}
		/* With a localnet port, the provider network floods to
		 * the other chassis. */
		if (p->kind != WFT_OVN_PORT_REMOTE || sent[p->chassis] ||
		    bridged(v, p))
			continue;
		rc = &v->chassis[p->chassis];
		if (!rc->type || !rc->ofport)
			continue;
		sent[p->chassis] = true;
		put_tunnel(&remote, rc, md, m->key);
		wft_strbuf_putc(&remote, ',');
	}
	if (local.len) {
		wft_strbuf_printf(&local, "load:0x%x->NXM_NX_REG15[]", m->key);
		add(o, "table=%d,priority=100,reg15=0x%x,metadata=0x%x,"
		    "actions=%s", T_LOCAL, m->key, md, wft_strbuf_cstr(&local));
	}
	/* The group is the outport again for the tunnels and 40. */
	if (lport.len)
		wft_strbuf_printf(&lport, "load:0x%x->NXM_NX_REG15[],",
				  m->key);
	if (lport.len || remote.len)
		add(o, "table=%d,priority=100,reg15=0x%x,metadata=0x%x,"
		    "actions=%s%sresubmit(,%d)", T_REMOTE, m->key, md,
		    wft_strbuf_cstr(&lport), wft_strbuf_cstr(&remote),
		    T_LOCAL);
	free(sent);
	wft_strbuf_free(&lport);
	wft_strbuf_free(&local);
	wft_strbuf_free(&remote);
}

static void tunnel_rx_flows(struct out *o, const struct wft_ovn_remote *rc)
{
	if (!rc->type || !rc->ofport)
		return;
	if (!strcmp(rc->type, "vxlan")) {
		add(o, "table=%d,priority=100,in_port=%u,actions="
		    "move:NXM_NX_TUN_ID[12..23]->NXM_NX_REG15[0..11],"
		    "move:NXM_NX_TUN_ID[0..11]->OXM_OF_METADATA[0..11],"
		    "resubmit(,%d)", T_PHY_TO_LOG, rc->ofport, T_LOCAL);
		add(o, "table=%d,priority=105,in_port=%u,"
		    "tun_id=0x800000/0x800000,actions="
		    "load:0x1->NXM_NX_REG15[15],"
		    "move:NXM_NX_TUN_ID[12..22]->NXM_NX_REG15[0..10],"
		    "move:NXM_NX_TUN_ID[0..11]->OXM_OF_METADATA[0..11],"
		    "resubmit(,%d)", T_PHY_TO_LOG, rc->ofport, T_LOCAL);
		return;
	}
	add(o, "table=%d,priority=100,in_port=%u,actions="
	    "move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23],"
	    "move:NXM_NX_TUN_METADATA0[16..30]->NXM_NX_REG14[0..14],"
	    "move:NXM_NX_TUN_METADATA0[0..15]->NXM_NX_REG15[0..15],"
	    "resubmit(,%d)", T_PHY_TO_LOG, rc->ofport, T_LOCAL);
}

void wft_ovn_physical_flows(const struct wft_ovn_view *v,
			    const char *system_id, char ***texts, size_t *n)
{
	struct out o = { texts, n };
	struct wft_strbuf clear = WFT_STRBUF_INIT;
	size_t i;
	int r;

	(void)system_id;
	for (i = 0; i < v->n_ports; i++) {
		const struct wft_ovn_port *p = &v->ports[i];
		const struct wft_ovn_port *ln = bridged(v, p);

		if (ln && via_localnet(p)) {
			bridged_flows(&o, v, p, ln);
			continue;
		}
		switch (p->kind) {
		case WFT_OVN_PORT_LOCAL:
			if (!p->ofport)
				break;
			vif_flows(&o, v, p);
			local_flows(&o, v, p);
			if (is_localport(p))
				localport_flows(&o, v, p);
			break;
		case WFT_OVN_PORT_PATCH:
			if (!p->has_peer)
				break;
			patch_flows(&o, v, p);
			local_flows(&o, v, p);
			break;
		case WFT_OVN_PORT_REMOTE:
			remote_flows(&o, v, p);
			break;
		case WFT_OVN_PORT_REDIRECT:
			if (p->has_peer)
				redirect_flows(&o, v, p);
			break;
		case WFT_OVN_PORT_LOCALNET:
			if (!p->ofport)
				break;
			localnet_flows(&o, v, p);
			local_flows(&o, v, p);
			break;
		case WFT_OVN_PORT_OTHER:
			break;
		}
	}
	for (i = 0; i < v->n_mcs; i++)
		mc_flows(&o, v, &v->mcs[i]);
	for (i = 0; i < v->n_chassis; i++)
		tunnel_rx_flows(&o, &v->chassis[i]);
	add(&o, "table=%d,priority=0,actions=resubmit(,%d)", T_LARGE_DETECT,
	    T_REMOTE);
	add(&o, "table=%d,priority=10,reg10=0x1/0x1,actions=resubmit(,%d)",
	    T_LARGE_PROCESS, T_LOCAL);
	add(&o, "table=%d,priority=0,actions=resubmit(,%d)", T_LARGE_PROCESS,
	    T_REMOTE);
	add(&o, "table=%d,priority=0,actions=resubmit(,%d)", T_REMOTE,
	    T_LOCAL);
	for (r = 0; r < 10; r++)
		wft_strbuf_printf(&clear, "load:0->NXM_NX_REG%d[],", r);
	add(&o, "table=%d,priority=0,actions=%sresubmit(,%d)", T_LOOPBACK,
	    wft_strbuf_cstr(&clear), T_EGRESS);
	add(&o, "table=%d,priority=0,actions=resubmit(,%d)", T_SAVE_INPORT,
	    T_LOG_TO_PHY);
	wft_strbuf_free(&clear);
}
