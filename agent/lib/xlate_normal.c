// SPDX-License-Identifier: GPL-2.0
/*
 * output:NORMAL (include/weft/mac_learning.h): a learning switch with
 * VLANs, run inside a translation. Three steps: which VLAN the frame is
 * in (or a drop), learning its source, and forwarding by destination; then
 * each output gets the tag its port's mode asks for. The VLAN rules are
 * the ones ovs-vswitchd.conf.db(5) states for the Port columns vlan_mode,
 * tag and trunks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "weft/mac_learning.h"

#define MAC_FMT	"%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m) (m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]

static bool is_native(const struct wft_xlate_port *p)
{
	return p->vlan_mode == WFT_VLAN_NATIVE_TAGGED ||
	       p->vlan_mode == WFT_VLAN_NATIVE_UNTAGGED;
}

/* Whether @p's trunks include @vlan. A native port always trunks its
 * native VLAN and, unless that is VLAN 0, never VLAN 0: frames of VLAN 0
 * would otherwise leave it looking like native ones. */
static bool trunks_vlan(const struct wft_xlate_port *p, uint16_t vlan)
{
	if (is_native(p) && p->tag) {
		if (vlan == p->tag)
			return true;
		if (vlan == 0)
			return false;
	}
	return !p->trunks || (p->trunks[vlan / 64] >> (vlan % 64) & 1);
}

/* Whether frames of @vlan may leave through @p. */
static bool carries(const struct wft_xlate_port *p, uint16_t vlan)
{
	if (p->vlan_mode == WFT_VLAN_ACCESS)
		return vlan == p->tag;
	return trunks_vlan(p, vlan);
}

/* The VLAN of a frame that came in on @p with VID @vid (0: untagged or
 * priority-tagged), or -1 when @p does not accept it. */
static int input_vlan(struct wft_xlate_ctx *ctx,
		      const struct wft_xlate_port *p, uint16_t vid)
{
	switch (p->vlan_mode) {
	case WFT_VLAN_ACCESS:
		if (!vid)
			return p->tag;
		wft_xlate_note(ctx, "normal: VLAN %u frame on access port %u "
			       "(VLAN %u): dropped", vid, p->ofp_port, p->tag);
		return -1;
	case WFT_VLAN_NATIVE_TAGGED:
	case WFT_VLAN_NATIVE_UNTAGGED:
		if (!vid)
			return p->tag;
		break;
	case WFT_VLAN_TRUNK:
		break;
	}
	if (trunks_vlan(p, vid))
		return vid;
	wft_xlate_note(ctx, "normal: VLAN %u frame on port %u, which does "
		       "not trunk it: dropped", vid, p->ofp_port);
	return -1;
}

/* The VID a frame of @vlan leaves @p with; 0: untagged. */
static uint16_t output_vid(const struct wft_xlate_port *p, uint16_t vlan)
{
	switch (p->vlan_mode) {
	case WFT_VLAN_ACCESS:
		return 0;
	case WFT_VLAN_NATIVE_UNTAGGED:
		return vlan == p->tag ? 0 : vlan;
	case WFT_VLAN_TRUNK:
	case WFT_VLAN_NATIVE_TAGGED:
		break;
	}
	return vlan;
}

/* What NORMAL knows of the frame being switched. */
struct normal {
	struct wft_xlate_ctx *ctx;
	uint32_t in_port;
	uint16_t vlan;
	uint16_t pcp;			/* the input tag's PCP bits, or 0 */
};

static void output(const struct normal *n, const struct wft_xlate_port *p)
{
	uint16_t vid = output_vid(p, n->vlan);

	/* VID 0 leaves untagged, priority included: peers that drop any
	 * tagged frame would drop priority-tagged ones too. */
	wft_xlate_output_vlan(n->ctx, p->ofp_port, vid ? vid | n->pcp : 0);
}

static void flood_one(const struct wft_xlate_port *p, void *aux)
{
	const struct normal *n = aux;

	if (p->ofp_port != n->in_port && !p->no_flood &&
	    carries(p, n->vlan))
		output(n, p);
}

static void flood(const struct normal *n)
{
	const struct wft_xlate_bridge *br = wft_xlate_bridge(n->ctx);

	wft_xlate_note(n->ctx, "normal: flooding VLAN %u", n->vlan);
	if (br && br->for_each_port)
		br->for_each_port(br->aux, flood_one, (void *)n);
}

static const struct wft_xlate_port *port_of(struct wft_xlate_ctx *ctx,
					    uint32_t ofp_port)
{
	const struct wft_xlate_bridge *br = wft_xlate_bridge(ctx);

	return br && br->port ? br->port(br->aux, ofp_port) : NULL;
}

static void learn(const struct normal *n, struct wft_mac_learning *ml,
		  const uint8_t mac[6])
{
	uint32_t old = 0;

	switch (wft_mac_learning_learn(ml, mac, n->vlan, n->in_port, &old)) {
	case WFT_MAC_ADDED:
		wft_xlate_note(n->ctx, "normal: learned " MAC_FMT " on port "
			       "%u in VLAN %u", MAC_ARGS(mac), n->in_port,
			       n->vlan);
		break;
	case WFT_MAC_MOVED:
		wft_xlate_note(n->ctx, "normal: " MAC_FMT " in VLAN %u moved "
			       "from port %u to port %u", MAC_ARGS(mac),
			       n->vlan, old, n->in_port);
		break;
	case WFT_MAC_REFRESHED:
		break;
	}
}

static void forward(const struct normal *n, struct wft_mac_learning *ml,
		    const uint8_t dst[6])
{
	const struct wft_xlate_port *p;
	uint32_t port;

	if (dst[0] & 1 || !ml ||
	    !wft_mac_learning_lookup(ml, dst, n->vlan, &port)) {
		flood(n);
		return;
	}
	if (port == n->in_port) {
		wft_xlate_note(n->ctx, "normal: " MAC_FMT " is on the input "
			       "port: dropped", MAC_ARGS(dst));
		return;
	}
	/* A port removed or reconfigured since it was learned (until the
	 * daemon flushes its entries): flood rather than lose the frame. */
	p = port_of(n->ctx, port);
	if (!p || !carries(p, n->vlan)) {
		flood(n);
		return;
	}
	wft_xlate_note(n->ctx, "normal: " MAC_FMT " learned on port %u",
		       MAC_ARGS(dst), port);
	output(n, p);
}

void wft_xlate_normal(struct wft_xlate_ctx *ctx, struct wft_mac_learning *ml)
{
	const struct wft_flow *f = wft_xlate_flow(ctx);
	struct wft_flow_wc *wc = wft_xlate_wc(ctx);
	uint16_t tci = ntohs(f->vlan_tci);
	uint16_t vid = tci & WFT_VLAN_CFI ? tci & WFT_VLAN_VID : 0;
	struct normal n = { ctx, ntohl(f->in_port), vid,
			    tci & WFT_VLAN_CFI ? tci & WFT_VLAN_PCP : 0 };
	const struct wft_xlate_port *in = port_of(ctx, n.in_port);
	int vlan;

	/* Whether the frame is accepted depends on these alone... */
	wc->masks.in_port = UINT32_MAX;
	wc->masks.vlan_tci = UINT16_MAX;
	/* A frame from outside the bridge's ports (a packet-out) carries
	 * its own VLAN and teaches nothing. */
	vlan = in ? input_vlan(ctx, in, vid) : vid;
	if (vlan < 0)
		return;
	n.vlan = (uint16_t)vlan;
	/* ...and what is done with it on the addresses: the destination for
	 * the lookup; the source so that every new or moved host comes up
	 * to userspace at least once, to be learned. */
	memset(wc->masks.dl_src, 0xff, sizeof(wc->masks.dl_src));
	memset(wc->masks.dl_dst, 0xff, sizeof(wc->masks.dl_dst));
	if (in && ml && wft_xlate_may_learn(ctx) && !(f->dl_src[0] & 1))
		learn(&n, ml, f->dl_src);
	forward(&n, ml, f->dl_dst);
}

static int parse_mode(const char *s, int tag, enum wft_vlan_mode *mode,
		      char *err, size_t err_size)
{
	static const struct {
		const char *name;
		enum wft_vlan_mode mode;
	} modes[] = {
		{ "access", WFT_VLAN_ACCESS },
		{ "trunk", WFT_VLAN_TRUNK },
		{ "native-tagged", WFT_VLAN_NATIVE_TAGGED },
		{ "native-untagged", WFT_VLAN_NATIVE_UNTAGGED },
	};
	size_t i;

	if (!s) {
		*mode = tag >= 0 ? WFT_VLAN_ACCESS : WFT_VLAN_TRUNK;
		return 0;
	}
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!strcmp(s, modes[i].name)) {
			*mode = modes[i].mode;
			return 0;
		}
	}
	if (!strcmp(s, "dot1q-tunnel")) {
		snprintf(err, err_size, "vlan_mode dot1q-tunnel is not "
			 "supported by weft");
		return -EOPNOTSUPP;
	}
	snprintf(err, err_size, "unknown vlan_mode \"%s\"", s);
	return -EINVAL;
}

int wft_normal_port_vlan(struct wft_xlate_port *p, const char *vlan_mode,
			 int tag, const uint16_t *trunks, size_t n_trunks,
			 uint64_t bitmap[WFT_VLAN_BITMAP_WORDS],
			 char *err, size_t err_size)
{
	enum wft_vlan_mode mode;
	size_t i;
	int r;

	if (tag < -1 || tag > 4095) {
		snprintf(err, err_size, "tag %d is not a VLAN (0..4095)", tag);
		return -EINVAL;
	}
	for (i = 0; i < n_trunks; i++) {
		if (trunks[i] > 4095) {
			snprintf(err, err_size, "trunk %u is not a VLAN "
				 "(0..4095)", trunks[i]);
			return -EINVAL;
		}
	}
	r = parse_mode(vlan_mode, tag, &mode, err, err_size);
	if (r)
		return r;
	memset(bitmap, 0, WFT_VLAN_BITMAP_WORDS * sizeof(*bitmap));
	for (i = 0; i < n_trunks; i++)
		bitmap[trunks[i] / 64] |= 1ULL << (trunks[i] % 64);
	p->vlan_mode = mode;
	p->tag = mode == WFT_VLAN_TRUNK || tag < 0 ? 0 : (uint16_t)tag;
	p->trunks = mode != WFT_VLAN_ACCESS && n_trunks ? bitmap : NULL;
	return 0;
}
