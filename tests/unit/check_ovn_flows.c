// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the chassis' physical flows and ct zones
 * (agent/lib/ovn_physical.c, ovn_zones.c), from a hand-made local view:
 *  - a local VIF enters its datapath's ingress (table 0 -> 8) with its
 *    zones, datapath and port key, and leaves from table 65 to its
 *    OpenFlow port; 40 and 41 deliver it and check loopback;
 *  - a port on another chassis leaves through the tunnel port in table
 *    39 with GENEVE's VNI and OVN option (egress key in bits 0..15, the
 *    ingress key moved into 16..30), or VXLAN's VNI (dp | port << 12,
 *    multicast keys squeezed into 0x800 | key & 0x7ff);
 *  - a patch port re-enters the peer datapath in a clone;
 *  - a chassisredirect port active here hands its packets to its
 *    distributed port (table 40);
 *  - a multicast group: one tunnel copy per other chassis with members,
 *    then each local member in turn;
 *  - a localnet port (patch port 7 to the provider bridge): its
 *    frames in and out, untagged or tagged (VLAN match and strip in
 *    table 0, push in 65), table 41's drops, and the ports elsewhere
 *    on its datapath sent out of it in table 40 instead of a tunnel;
 *  - every flow parses with weft's ovs-ofctl parser;
 *  - zones are stable while a name stays local, and come back free.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ofp_flow.h"
#include "weft/strbuf.h"
#include "weft/tlv_map.h"
#include "agent/lib/ovn_priv.h"

static struct wft_ovn_dp dps[2];
static struct wft_ovn_port ports[6];
static struct wft_ovn_remote chassis[1];
static size_t mc_members[4] = { 0, 1, 2, 5 };
static struct wft_ovn_mcgroup mcs[1];
static struct wft_ovn_view view;

/* ls1 (key 1): lp1 local (ofport 3), lp2 on hv2, ls1-lr1 patch;
 * lr1 (key 2): lr1-ls1 patch; lp9 unbound. */
static void build_view(const char *type)
{
	memset(&view, 0, sizeof(view));
	memset(dps, 0, sizeof(dps));
	memset(ports, 0, sizeof(ports));
	dps[0] = (struct wft_ovn_dp) { .key = 1, .is_switch = true,
				       .dnat_zone = 5, .snat_zone = 6 };
	dps[1] = (struct wft_ovn_dp) { .key = 2, .dnat_zone = 7,
				       .snat_zone = 8 };
	ports[0] = (struct wft_ovn_port) { .name = "lp1", .dp = 0, .key = 1,
		.kind = WFT_OVN_PORT_LOCAL, .ofport = 3, .zone = 1,
		.resident = true };
	ports[1] = (struct wft_ovn_port) { .name = "lp2", .dp = 0, .key = 2,
		.kind = WFT_OVN_PORT_REMOTE, .chassis = 0 };
	ports[2] = (struct wft_ovn_port) { .name = "ls1-lr1", .dp = 0,
		.key = 3, .kind = WFT_OVN_PORT_PATCH, .peer = 3,
		.has_peer = true, .zone = 2 };
	ports[3] = (struct wft_ovn_port) { .name = "lr1-ls1", .dp = 1,
		.key = 1, .kind = WFT_OVN_PORT_PATCH, .peer = 2,
		.has_peer = true, .zone = 3 };
	ports[4] = (struct wft_ovn_port) { .name = "lp9", .dp = 0, .key = 9,
		.kind = WFT_OVN_PORT_OTHER };
	chassis[0] = (struct wft_ovn_remote) { .name = "hv2", .type = type,
		.ip = "192.168.70.2", .csum = true, .port = "ovn-hv2-0",
		.ofport = 5 };
	mcs[0] = (struct wft_ovn_mcgroup) { .name = "_MC_flood", .dp = 0,
		.key = 32768, .ports = mc_members, .n_ports = 3 };
	view.dps = dps;
	view.n_dps = 2;
	view.ports = ports;
	view.n_ports = 5;
	view.chassis = chassis;
	view.n_chassis = 1;
	view.mcs = mcs;
	view.n_mcs = 1;
}

/* build_view() and ln1 (key 4) on ls1, mapped here, its patch port on
 * br-int OpenFlow port 7, VLAN @tag (0: none); it is in the flood group
 * too, and lp9 is an unbound VIF. */
static void build_localnet_view(uint16_t tag)
{
	build_view("geneve");
	ports[4].type = "";
	ports[5] = (struct wft_ovn_port) { .name = "ln1", .type = "localnet",
		.dp = 0, .key = 4, .kind = WFT_OVN_PORT_LOCALNET, .ofport = 7,
		.zone = 4, .tag = tag, .tpid = 0x8100, .bridge = "br-phys" };
	dps[0].has_localnet = true;
	dps[0].localnet = 5;
	mcs[0].n_ports = 4;
	view.n_ports = 6;
}

static char *flows_text(void)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	char **texts = NULL;
	size_t n = 0, i;

	wft_ovn_physical_flows(&view, "hv1", &texts, &n);
	for (i = 0; i < n; i++) {
		wft_strbuf_printf(&sb, "%s\n", texts[i]);
		free(texts[i]);
	}
	free(texts);
	return wft_strbuf_steal(&sb);
}

static void assert_has(const char *all, const char *line)
{
	ck_assert_msg(strstr(all, line), "missing:\n%s\nin:\n%s", line, all);
}

static void assert_lacks(const char *all, const char *text)
{
	ck_assert_msg(!strstr(all, text), "unexpected:\n%s\nin:\n%s", text,
		      all);
}

START_TEST(test_vif)
{
	char *all;

	build_view("geneve");
	all = flows_text();
	assert_has(all, "table=0,priority=100,in_port=3,actions="
		   "load:0x1->NXM_NX_REG13[],load:0x5->NXM_NX_REG11[],"
		   "load:0x6->NXM_NX_REG12[],load:0x1->OXM_OF_METADATA[],"
		   "load:0x1->NXM_NX_REG14[],resubmit(,8)\n");
	assert_has(all, "table=65,priority=100,reg15=0x1,metadata=0x1,"
		   "actions=output:3\n");
	assert_has(all, "table=65,priority=110,in_port=3,reg15=0x1,"
		   "metadata=0x1,actions=IN_PORT\n");
	/* Local output loads the outport's own zones: the egress
	 * conntrack of lp1 runs in lp1's zone whatever port the packet
	 * entered by. */
	assert_has(all, "table=40,priority=100,reg15=0x1,metadata=0x1,"
		   "actions=load:0x1->NXM_NX_REG13[],"
		   "load:0x5->NXM_NX_REG11[],load:0x6->NXM_NX_REG12[],"
		   "resubmit(,41)\n");
	assert_has(all, "table=41,priority=100,reg10=0/0x1,reg14=0x1,"
		   "reg15=0x1,metadata=0x1,actions=drop\n");
	/* Defaults: 37/38 -> 39 -> 40 (38 -> 40 with flags.loopback, as
	 * ovn-controller 23.03); 41 clears reg0..9 -> 42; 64 -> 65. */
	assert_has(all, "table=37,priority=0,actions=resubmit(,39)\n");
	assert_has(all, "table=38,priority=10,reg10=0x1/0x1,"
		   "actions=resubmit(,40)\n");
	assert_has(all, "table=38,priority=0,actions=resubmit(,39)\n");
	assert_has(all, "table=39,priority=0,actions=resubmit(,40)\n");
	assert_has(all, "load:0->NXM_NX_REG9[],resubmit(,42)\n");
	assert_has(all, "table=64,priority=0,actions=resubmit(,65)\n");
	/* An unbound port has no flows. */
	assert_lacks(all, "reg15=0x9,");
	free(all);
}
END_TEST

START_TEST(test_geneve)
{
	char *all;

	build_view("geneve");
	all = flows_text();
	assert_has(all, "table=39,priority=100,reg15=0x2,metadata=0x1,"
		   "actions=load:0x1->NXM_NX_TUN_ID[0..23],"
		   "load:0x2->NXM_NX_TUN_METADATA0[0..31],"
		   "move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30],"
		   "output:5\n");
	assert_has(all, "table=0,priority=100,in_port=5,actions="
		   "move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23],"
		   "move:NXM_NX_TUN_METADATA0[16..30]->NXM_NX_REG14[0..14],"
		   "move:NXM_NX_TUN_METADATA0[0..15]->NXM_NX_REG15[0..15],"
		   "resubmit(,40)\n");
	/* The flood group: a copy to hv2, then lp1 and the patch port. */
	assert_has(all, "table=39,priority=100,reg15=0x8000,metadata=0x1,"
		   "actions=load:0x1->NXM_NX_TUN_ID[0..23],"
		   "load:0x8000->NXM_NX_TUN_METADATA0[0..31],"
		   "move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30],"
		   "output:5,resubmit(,40)\n");
	assert_has(all, "table=40,priority=100,reg15=0x8000,metadata=0x1,"
		   "actions=load:0x1->NXM_NX_REG13[],"
		   "load:0x5->NXM_NX_REG11[],load:0x6->NXM_NX_REG12[],"
		   "load:0x1->NXM_NX_REG15[],resubmit(,41),"
		   "load:0x2->NXM_NX_REG13[],"
		   "load:0x5->NXM_NX_REG11[],load:0x6->NXM_NX_REG12[],"
		   "load:0x3->NXM_NX_REG15[],resubmit(,41),"
		   "load:0x8000->NXM_NX_REG15[]\n");
	free(all);
}
END_TEST

START_TEST(test_vxlan)
{
	char *all;

	build_view("vxlan");
	all = flows_text();
	/* VNI = 1 | 2 << 12. */
	assert_has(all, "table=39,priority=100,reg15=0x2,metadata=0x1,"
		   "actions=load:0x2001->NXM_NX_TUN_ID[0..23],output:5\n");
	/* _MC_flood (32768) is 0x800 in the VNI's port bits. */
	assert_has(all, "actions=load:0x800001->NXM_NX_TUN_ID[0..23],"
		   "output:5,resubmit(,40)\n");
	assert_has(all, "table=0,priority=100,in_port=5,actions="
		   "move:NXM_NX_TUN_ID[12..23]->NXM_NX_REG15[0..11],"
		   "move:NXM_NX_TUN_ID[0..11]->OXM_OF_METADATA[0..11],"
		   "resubmit(,40)\n");
	assert_has(all, "table=0,priority=105,in_port=5,"
		   "tun_id=0x800000/0x800000,actions=");
	assert_lacks(all, "TUN_METADATA0");
	free(all);
}
END_TEST

START_TEST(test_patch)
{
	char *all;

	build_view("geneve");
	all = flows_text();
	/* ls1-lr1 enters lr1 as lr1-ls1 (key 1 of datapath 2), with lr1's
	 * zones and nothing else of ls1's pipeline. */
	assert_has(all, "table=65,priority=100,reg15=0x3,metadata=0x1,"
		   "actions=clone(ct_clear,load:0->NXM_NX_REG0[],");
	assert_has(all, "load:0->NXM_NX_REG10[],load:0->NXM_NX_REG15[],"
		   "load:0x3->NXM_NX_REG13[],load:0x7->NXM_NX_REG11[],"
		   "load:0x8->NXM_NX_REG12[],load:0x2->OXM_OF_METADATA[],"
		   "load:0x1->NXM_NX_REG14[],resubmit(,8))\n");
	free(all);
}
END_TEST

/* lp9 (unbound, no flows) made lr1's chassisredirect port cr-lr1-ls1
 * (key 2), active here, whose distributed port is lr1-ls1. */
static void redirect_view(void)
{
	ports[4] = (struct wft_ovn_port) { .name = "cr-lr1-ls1", .dp = 1,
		.key = 2, .kind = WFT_OVN_PORT_REDIRECT, .peer = 3,
		.has_peer = true, .resident = true };
}

START_TEST(test_redirect)
{
	char *all;

	build_view("geneve");
	redirect_view();
	all = flows_text();
	/* Output to cr-lr1-ls1 becomes output to lr1-ls1, with lr1-ls1's
	 * zones, then the loopback check and lr1's egress pipeline. */
	assert_has(all, "table=40,priority=100,reg15=0x2,metadata=0x2,"
		   "actions=load:0x1->NXM_NX_REG15[],load:0x3->NXM_NX_REG13[],"
		   "load:0x7->NXM_NX_REG11[],load:0x8->NXM_NX_REG12[],"
		   "resubmit(,41)\n");
	/* Nothing else of its own: no loopback drop, no table 65 or 39. */
	assert_lacks(all, "reg14=0x2,reg15=0x2,metadata=0x2");
	assert_lacks(all, "table=65,priority=100,reg15=0x2,metadata=0x2");
	assert_lacks(all, "table=39,priority=100,reg15=0x2,metadata=0x2");
	free(all);
	/* Its distributed port unknown: no flow (ovn-controller's drops). */
	ports[4].has_peer = false;
	all = flows_text();
	assert_lacks(all, "reg15=0x2,metadata=0x2");
	free(all);
}
END_TEST

/* ln1's ingress metadata, as table 0 loads it. */
#define LN1_MD "load:0x4->NXM_NX_REG13[],load:0x5->NXM_NX_REG11[]," \
	"load:0x6->NXM_NX_REG12[],load:0x1->OXM_OF_METADATA[]," \
	"load:0x4->NXM_NX_REG14[],resubmit(,8)\n"

START_TEST(test_localnet)
{
	char *all;

	build_localnet_view(0);
	all = flows_text();
	/* Untagged frames, and priority-tagged ones stripped of the tag,
	 * as ovn-controller 23.03 takes them. */
	assert_has(all, "table=0,priority=100,in_port=7,dl_vlan=0,"
		   "actions=strip_vlan," LN1_MD);
	assert_has(all, "table=0,priority=100,in_port=7,"
		   "vlan_tci=0/0x1000,actions=" LN1_MD);
	assert_has(all, "table=65,priority=100,reg15=0x4,metadata=0x1,"
		   "actions=output:7\n");
	assert_has(all, "table=40,priority=100,reg15=0x4,metadata=0x1,"
		   "actions=load:0x4->NXM_NX_REG13[],");
	/* Local-only and localport traffic never leaves by it. */
	assert_has(all, "table=41,priority=160,reg10=0x400/0x400,reg15=0x4,"
		   "metadata=0x1,actions=drop\n");
	assert_has(all, "table=41,priority=160,reg10=0x10/0x10,reg15=0x4,"
		   "metadata=0x1,actions=drop\n");
	/* lp2 on hv2 and the unbound lp9: out of the localnet port, no
	 * tunnel for them. */
	assert_has(all, "table=40,priority=100,reg15=0x2,metadata=0x1,"
		   "actions=load:0x4->NXM_NX_REG15[],resubmit(,40)\n");
	assert_has(all, "table=40,priority=100,reg15=0x9,metadata=0x1,"
		   "actions=load:0x4->NXM_NX_REG15[],resubmit(,40)\n");
	assert_lacks(all, "table=39,priority=100,reg15=0x2,");
	/* The flood group: the provider network floods to the other
	 * chassis, so no tunnel copy; ln1 is a local member. */
	assert_lacks(all, "table=39,priority=100,reg15=0x8000,");
	assert_has(all, "load:0x4->NXM_NX_REG15[],resubmit(,41),"
		   "load:0x8000->NXM_NX_REG15[]\n");
	/* The patch port (ls1-lr1) and its peer keep theirs. */
	assert_has(all, "table=65,priority=100,reg15=0x3,metadata=0x1,"
		   "actions=clone(");
	free(all);
}
END_TEST

START_TEST(test_localnet_tag)
{
	char *all;

	build_localnet_view(100);
	all = flows_text();
	assert_has(all, "table=0,priority=150,in_port=7,dl_vlan=100,"
		   "actions=strip_vlan," LN1_MD);
	assert_lacks(all, "in_port=7,vlan_tci=");
	assert_lacks(all, "in_port=7,dl_vlan=0,");
	/* Tagged out, and untagged again for the next copy of a flood. */
	assert_has(all, "table=65,priority=100,reg15=0x4,metadata=0x1,"
		   "actions=push_vlan:0x8100,set_field:4196->vlan_vid,"
		   "output:7,strip_vlan\n");
	free(all);
}
END_TEST

/* Before its patch port is in br-int, a localnet port has no flows and
 * the ports elsewhere none either (ovn-controller's "goto out"): not a
 * tunnel meanwhile. */
START_TEST(test_localnet_unplugged)
{
	char *all;

	build_localnet_view(0);
	ports[5].ofport = 0;
	all = flows_text();
	assert_lacks(all, "in_port=7");
	assert_lacks(all, "reg15=0x2,");
	assert_lacks(all, "load:0x4->NXM_NX_REG15[]");
	free(all);
}
END_TEST

/* lp9 becomes meta, a localport whose interface is here (OpenFlow port
 * 4), in the flood group. */
static size_t lport_members[4] = { 0, 1, 2, 4 };

static void localport_view(void)
{
	build_view("geneve");
	ports[4] = (struct wft_ovn_port) { .name = "meta", .type = "localport",
		.dp = 0, .key = 9, .kind = WFT_OVN_PORT_LOCAL, .ofport = 4,
		.zone = 9 };
	mcs[0].ports = lport_members;
	mcs[0].n_ports = 4;
}

START_TEST(test_localport)
{
	char *all;

	localport_view();
	all = flows_text();
	/* In as a VIF, with flags.localport (MLF_LOCALPORT_BIT 10). */
	assert_has(all, "table=0,priority=100,in_port=4,actions="
		   "load:0x9->NXM_NX_REG13[],load:0x5->NXM_NX_REG11[],"
		   "load:0x6->NXM_NX_REG12[],load:0x1->OXM_OF_METADATA[],"
		   "load:0x9->NXM_NX_REG14[],load:1->NXM_NX_REG10[10],"
		   "resubmit(,8)\n");
	/* Its packets skip the tunnels: lp2's 39 flow is not reached. */
	assert_has(all, "table=39,priority=150,reg14=0x9,metadata=0x1,"
		   "actions=resubmit(,40)\n");
	assert_has(all, "table=65,priority=100,reg15=0x9,metadata=0x1,"
		   "actions=output:4\n");
	assert_has(all, "table=40,priority=100,reg15=0x9,metadata=0x1,"
		   "actions=load:0x9->NXM_NX_REG13[],");
	/* The flood: meta only in 39 (floods that start here), before the
	 * tunnel copy; 40 (where tunnelled floods enter) lacks it. */
	assert_has(all, "table=39,priority=100,reg15=0x8000,metadata=0x1,"
		   "actions=load:0x9->NXM_NX_REG13[],load:0x5->NXM_NX_REG11[],"
		   "load:0x6->NXM_NX_REG12[],load:0x9->NXM_NX_REG15[],"
		   "resubmit(,41),load:0x8000->NXM_NX_REG15[],"
		   "load:0x1->NXM_NX_TUN_ID[0..23],");
	assert_has(all, "output:5,resubmit(,40)\n");
	assert_lacks(all, "load:0x9->NXM_NX_REG15[],resubmit(,41),"
		     "load:0x8000->NXM_NX_REG15[]\n");
	/* A VIF's packets have no such flag or flow. */
	assert_lacks(all, "in_port=3,actions=load:0x1->NXM_NX_REG13[],"
		     "load:0x5->NXM_NX_REG11[],load:0x6->NXM_NX_REG12[],"
		     "load:0x1->OXM_OF_METADATA[],load:0x1->NXM_NX_REG14[],"
		     "load:1->");
	assert_lacks(all, "priority=150,reg14=0x1,");
	free(all);
	/* Its interface not here: no flow of its own, no flood copy, and
	 * no tunnel to it (it is bound nowhere). */
	ports[4].kind = WFT_OVN_PORT_OTHER;
	ports[4].ofport = 0;
	all = flows_text();
	assert_lacks(all, "reg15=0x9,");
	assert_lacks(all, "reg14=0x9,");
	assert_lacks(all, "load:0x9->NXM_NX_REG15[]");
	free(all);
}
END_TEST

START_TEST(test_parse)
{
	static const char *const types[] = { "geneve", "vxlan" };
	struct wft_tlv_map any;
	const struct wft_tlv_map *old;
	size_t t, i, n;
	char **texts, err[256];

	wft_tlv_map_init_any(&any);
	old = wft_tlv_map_activate(&any);
	for (t = 0; t < 5; t++) {
		if (t < 2) {
			build_view(types[t]);
			redirect_view();
		} else if (t == 4) {
			localport_view();
		} else {
			build_localnet_view(t == 2 ? 0 : 100);
		}
		texts = NULL;
		n = 0;
		wft_ovn_physical_flows(&view, "hv1", &texts, &n);
		ck_assert_uint_gt(n, 15);
		for (i = 0; i < n; i++) {
			struct wft_ofp_flow f;
			int ret = wft_ofp_flow_parse(texts[i], WFT_OFPFC_ADD,
						     &f, err, sizeof(err));

			ck_assert_msg(!ret, "%s: %s", texts[i], err);
			wft_ofp_flow_uninit(&f);
			free(texts[i]);
		}
		free(texts);
	}
	wft_tlv_map_activate(old);
}
END_TEST

START_TEST(test_zones)
{
	struct wft_ovn_zones *z = wft_ovn_zones_new();
	uint16_t lp1, dnat;

	build_view("geneve");
	wft_ovn_zones_assign(z, &view);
	lp1 = ports[0].zone;
	dnat = dps[0].dnat_zone;
	ck_assert_uint_ne(lp1, 0);
	ck_assert_uint_ne(dnat, dps[0].snat_zone);
	ck_assert_uint_ne(ports[2].zone, lp1);
	/* Remote ports have none. */
	ck_assert_uint_eq(ports[1].zone, 0);
	/* Again: the same zones. */
	build_view("geneve");
	wft_ovn_zones_assign(z, &view);
	ck_assert_uint_eq(ports[0].zone, lp1);
	ck_assert_uint_eq(dps[0].dnat_zone, dnat);
	/* lp1 leaves: its zone is free for the next newcomer. */
	build_view("geneve");
	ports[0].kind = WFT_OVN_PORT_OTHER;
	wft_ovn_zones_assign(z, &view);
	build_view("geneve");
	ports[0].name = "lp-new";
	wft_ovn_zones_assign(z, &view);
	ck_assert_uint_eq(ports[0].zone, lp1);
	wft_ovn_zones_free(z);
}
END_TEST

/* Zones from before a restart (ovn-bridge's ct-zone-* keys): a name
 * gets its old zone back whatever the order it shows up in, the others
 * do not get a reserved zone, and restored names that never show up
 * keep theirs until the chassis settles. */
START_TEST(test_zones_restore)
{
	struct wft_ovn_zones *z = wft_ovn_zones_new();
	char dnat[WFT_UUID_STRLEN + 8], uuid[WFT_UUID_STRLEN + 1];
	unsigned int zone, seen;
	size_t i;

	build_view("geneve");
	wft_uuid_format(&dps[0].uuid, uuid);
	snprintf(dnat, sizeof(dnat), "%s_dnat", uuid);
	ck_assert(wft_ovn_zones_restore(z, ports[2].name, 1));
	ck_assert(wft_ovn_zones_restore(z, dnat, 7));
	ck_assert(wft_ovn_zones_restore(z, "gone", 2));
	/* Taken, out of range, or a name twice: refused. */
	ck_assert(!wft_ovn_zones_restore(z, "other", 7));
	ck_assert(!wft_ovn_zones_restore(z, "other", 0));
	ck_assert(!wft_ovn_zones_restore(z, "other", 65536));
	ck_assert(!wft_ovn_zones_restore(z, "gone", 9));
	wft_ovn_zones_assign(z, &view);
	ck_assert_uint_eq(ports[2].zone, 1);
	ck_assert_uint_eq(dps[0].dnat_zone, 7);
	/* The newcomers take none of the reserved zones. */
	ck_assert_uint_gt(ports[0].zone, 2);
	ck_assert_uint_ne(ports[0].zone, 7);
	ck_assert_uint_gt(dps[0].snat_zone, 2);
	ck_assert_uint_ne(dps[0].snat_zone, 7);
	/* "gone" holds 2 until the chassis settles, then gives it back. */
	for (i = 0, seen = 0; i < wft_ovn_zones_count(z); i++)
		if (!strcmp(wft_ovn_zones_at(z, i, &zone), "gone"))
			seen = zone;
	ck_assert_uint_eq(seen, 2);
	ck_assert(wft_ovn_zones_settle(z));
	ck_assert(!wft_ovn_zones_settle(z));
	for (i = 0; i < wft_ovn_zones_count(z); i++)
		ck_assert_str_ne(wft_ovn_zones_at(z, i, &zone), "gone");
	build_view("geneve");
	ports[0].name = "lp-new";
	wft_ovn_zones_assign(z, &view);
	ck_assert_uint_eq(ports[0].zone, 2);
	wft_ovn_zones_free(z);
}
END_TEST

/* Rules that share table, priority and match become one: conjunctions
 * joined (two ACLs over one address set), other duplicates counted. */
START_TEST(test_merge)
{
	static const char *const texts[] = {
		"table=44,priority=2001,ip,nw_src=10.0.0.1,actions=conjunction(256,1/2)",
		"table=44,priority=2001,ip,nw_src=10.0.0.1,actions=conjunction(512,1/2)",
		"table=44,priority=2001,ip,nw_src=10.0.0.1,actions=conjunction(256,1/2)",
		"table=44,priority=2001,ip,nw_src=10.0.0.2,actions=conjunction(256,1/2)",
		"table=44,priority=2002,ip,nw_src=10.0.0.1,actions=conjunction(768,1/2)",
		"table=45,priority=10,ip,actions=drop",
		"table=45,priority=10,ip,actions=resubmit(,46)",
		"table=45,priority=10,ip,actions=drop",
	};
	struct wft_ofp_flow rules[8];
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	char err[256];
	size_t n = 8, i;

	for (i = 0; i < n; i++)
		ck_assert_msg(!wft_ofp_flow_parse(texts[i], WFT_OFPFC_ADD,
						  &rules[i], err, sizeof(err)),
			      "%s: %s", texts[i], err);
	/* One real duplicate: the resubmit (the identical drop is not). */
	ck_assert_uint_eq(wft_ovn_desired_merge(rules, &n), 1);
	ck_assert_uint_eq(n, 4);
	for (i = 0; i < n; i++) {
		wft_ofp_flow_format(&rules[i], &sb);
		wft_strbuf_putc(&sb, '\n');
		wft_ofp_flow_uninit(&rules[i]);
	}
	ck_assert_str_eq(wft_strbuf_cstr(&sb),
		"ADD table:44 priority=2001,ip,nw_src=10.0.0.1 actions=conjunction(256,1/2),conjunction(512,1/2)\n"
		"ADD table:44 priority=2001,ip,nw_src=10.0.0.2 actions=conjunction(256,1/2)\n"
		"ADD table:44 priority=2002,ip,nw_src=10.0.0.1 actions=conjunction(768,1/2)\n"
		"ADD table:45 priority=10,ip actions=drop\n");
	wft_strbuf_free(&sb);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ovn_flows");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_vif);
	tcase_add_test(tc, test_geneve);
	tcase_add_test(tc, test_vxlan);
	tcase_add_test(tc, test_patch);
	tcase_add_test(tc, test_redirect);
	tcase_add_test(tc, test_localnet);
	tcase_add_test(tc, test_localnet_tag);
	tcase_add_test(tc, test_localnet_unplugged);
	tcase_add_test(tc, test_localport);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_zones);
	tcase_add_test(tc, test_zones_restore);
	tcase_add_test(tc, test_merge);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
