// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for pinctrl (include/weft/ovn_pinctrl.h): OVN action strings
 * as ovn-northd 23.03 writes them, compiled by the lflow compiler into a
 * controller action, read back from ovs-ofctl text (the way they reach a
 * bridge), handed with a trigger packet to the packet-in handler; the
 * packet it builds is compared with scapy's golden bytes
 * (data/packet_build_golden.h) and its nested actions are translated by
 * xlate into datapath actions:
 *  - arp { } (lr_in_arp_request), nd_ns { }, nd_na { }, nd_na_router { }
 *    with xreg0, icmp4 { } with type/code and <-> (lr_in_ip_input's TTL
 *    exceeded), icmp6 { }, icmp4_error { } with frag_mtu, tcp_reset { },
 *    sctp_abort { }, reject { } on TCP, SCTP, UDP, and the packets it
 *    ignores;
 *  - put_dhcp_opts and put_nd_ra_opts, which pause: OFFER, ACK and RAs
 *    (SLAAC; managed with MTU) as scapy builds them,
 *    the result bit set (or cleared for a packet it does not answer) and
 *    the rest of the action list resumed;
 *  - put_arp, put_nd, put_fdb: the binding each reads; the queue (no
 *    binding twice a minute, a cap, a writer that refuses keeps them);
 *    the SB transaction against a replica of the real SB schema (insert,
 *    update with timestamp, FDB, unknown ports left out);
 *  - errors: <-> of a field written before it in the block, userdata
 *    that is not pinctrl's, every truncation of a real userdata.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow_actions.h"
#include "weft/odp.h"
#include "weft/ofp_flow.h"
#include "weft/ovn_pinctrl.h"
#include "weft/ovsdb.h"
#include "weft/ovsdb_client.h"
#include "weft/ovsdb_replica.h"

#include "data/packet_build_golden.h"
#include "data/sctp_golden.h"
#include "xlate_testlib.h"

static int port_key(void *aux, const char *name, uint32_t *key)
{
	if (!strcmp(name, "lr1-ext")) {
		*key = 3;
		return 0;
	}
	return -ENOENT;
}

/* @s compiled as an ingress flow of table 21 of a router; the one
 * controller action's userdata, after a round trip through ovs-ofctl
 * text. Returns the compiler's error, 0 on success. */
static int compile(const char *s, struct wft_ofpacts *acts, char *err,
		   size_t errlen)
{
	struct wft_lflow_xlate_ctx ctx;
	struct wft_ofpacts direct;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_lacts la;
	struct wft_flow f;
	struct wft_flow_wc wc;
	int r;

	ck_assert_int_eq(wft_lflow_actions_parse(s, &la, err, errlen), 0);
	wft_lflow_xlate_ctx_init(&ctx, false, 21, false);
	ctx.port_key = port_key;
	wft_ofpacts_init(&direct);
	r = wft_lflow_actions_to_ofpacts(&la, &ctx, &direct, err, errlen);
	wft_lacts_free(&la);
	if (r) {
		wft_ofpacts_uninit(&direct);
		return r;
	}
	memset(&f, 0, sizeof(f));
	wft_flow_wc_init_catchall(&wc);
	wft_ofp_actions_format(&direct, &f, &wc, &sb);
	r = wft_ofp_actions_parse(wft_strbuf_cstr(&sb), &f, &wc, 21, acts,
				  err, errlen);
	ck_assert_msg(!r, "%s: %s", wft_strbuf_cstr(&sb), err);
	ck_assert(wft_ofpacts_equal(acts, &direct));
	wft_strbuf_free(&sb);
	wft_ofpacts_uninit(&direct);
	return 0;
}

static const struct wft_ofpact *controller_of(const struct wft_ofpacts *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->acts[i].type == WFT_OFPACT_CONTROLLER)
			return &a->acts[i];
	ck_abort_msg("no controller action");
	return NULL;
}

struct pin {
	struct wft_ofpacts acts;
	struct wft_packet_in_md md;
	struct wft_pin_result r;
	struct wft_strbuf text;		/* the nested actions */
	struct run x;			/* their translation */
	struct wft_strbuf odp;
	char err[256];
	int ret;
};

/* Compiles @lflow, hands @trig to the handler with @regs, translates
 * what it asks for (table 37 outputs to port 2). */
static void pin_run(struct pin *p, const char *lflow, const uint8_t *trig,
		    size_t len, const uint32_t *regs)
{
	static const char *const rules[] = {
		"table=37,priority=0,actions=output:2", NULL,
	};
	const struct wft_ofpact *c;
	struct wft_flow_wc wc;
	int i;

	memset(p, 0, sizeof(*p));
	wft_ofpacts_init(&p->acts);
	wft_strbuf_init(&p->text);
	wft_strbuf_init(&p->odp);
	ck_assert_int_eq(compile(lflow, &p->acts, p->err, sizeof(p->err)), 0);
	c = controller_of(&p->acts);
	p->md.userdata = c->controller.userdata;
	p->md.userdata_len = c->controller.userdata_len;
	p->md.table_id = 29;
	p->md.metadata = 5;
	p->md.in_port = 1;
	for (i = 0; regs && i < 16; i++)
		p->md.regs[i] = regs[i];
	wft_pin_result_init(&p->r);
	p->ret = wft_ovn_pinctrl_handle(&p->md, trig, len, &p->r, p->err,
					sizeof(p->err));
	if (p->ret)
		return;
	wft_flow_wc_init_catchall(&wc);
	wft_ofp_actions_format(&p->r.acts, &p->r.flow, &wc, &p->text);
	run_init(&p->x, rules);
	p->x.in.flow = p->r.flow;
	p->x.in.actions = &p->r.acts;
	ck_assert_int_eq(wft_xlate(&p->x.in, &p->x.out), 0);
	ck_assert_int_eq(wft_odp_actions_format(p->x.out.actions.data,
						p->x.out.actions.len,
						&p->odp, 0), 0);
}

static void pin_free(struct pin *p)
{
	if (p->x.p)
		run_free(&p->x);
	wft_pin_result_uninit(&p->r);
	wft_ofpacts_uninit(&p->acts);
	wft_strbuf_free(&p->text);
	wft_strbuf_free(&p->odp);
}

#define ASSERT_PACKET(p, EXP) do {					\
	ck_assert_int_eq((p)->ret, 0);					\
	ck_assert_uint_eq((p)->r.len, sizeof(EXP));			\
	ck_assert_mem_eq((p)->r.packet, EXP, sizeof(EXP));		\
} while (0)

#define ASSERT_HAS(sb, s)						\
	ck_assert_msg(strstr(wft_strbuf_cstr(sb), s), "no \"%s\" in %s", s, \
		      wft_strbuf_cstr(sb))

START_TEST(test_arp)
{
	uint32_t regs[16] = { 0x14000002, 0x14000001 };
	struct pin p;

	pin_run(&p, "arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = reg1; "
		"arp.tpa = reg0; arp.op = 1; output; };",
		trig_arp, sizeof(trig_arp), regs);
	ck_assert_msg(!p.ret, "%s", p.err);
	ASSERT_PACKET(&p, exp_arp);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text),
			 "load:0xffffffffffff->NXM_OF_ETH_DST[],"
			 "move:NXM_NX_REG1[]->NXM_OF_ARP_SPA[],"
			 "move:NXM_NX_REG0[]->NXM_OF_ARP_TPA[],"
			 "load:0x1->NXM_OF_ARP_OP[],resubmit(,37)");
	/* The registers are the original packet's: spa from reg1. */
	ck_assert_str_eq(wft_strbuf_cstr(&p.odp),
			 "set(eth(dst=ff:ff:ff:ff:ff:ff)),"
			 "set(arp(sip=20.0.0.1,tip=20.0.0.2,op=1)),12");
	ck_assert_uint_eq(be64toh(p.r.flow.metadata), 5);
	pin_free(&p);
}
END_TEST

START_TEST(test_icmp4_ttl_exceeded)
{
	struct pin p;

	/* lr_in_ip_input's TTL exceeded, as ovn-northd 23.03 writes it. */
	pin_run(&p, "icmp4 {eth.dst <-> eth.src; icmp4.type = 11; "
		"/* Time exceeded */ icmp4.code = 0; /* TTL exceeded in "
		"transit */ ip4.dst <-> ip4.src ; ip.ttl = 254; "
		"outport = \"lr1-ext\"; flags.loopback = 1; output; };",
		trig_arp, sizeof(trig_arp), NULL);
	ASSERT_PACKET(&p, exp_icmp4_error_ttl);
	/* The swaps load each field with the other's value. */
	ck_assert_str_eq(wft_strbuf_cstr(&p.text),
			 "load:0x505400000001->NXM_OF_ETH_DST[],"
			 "load:0x505400000002->NXM_OF_ETH_SRC[],"
			 "load:0xa000001->NXM_OF_IP_DST[],"
			 "load:0x14000002->NXM_OF_IP_SRC[],"
			 "load:0xfe->NXM_NX_IP_TTL[],load:0x3->NXM_NX_REG15[],"
			 "load:0x1->NXM_NX_REG10[0],resubmit(,37)");
	ck_assert_str_eq(wft_strbuf_cstr(&p.odp),
			 "set(eth(src=50:54:00:00:00:02,dst=50:54:00:00:00:01)),"
			 "set(ipv4(src=20.0.0.2,dst=10.0.0.1,ttl=254)),12");
	pin_free(&p);
}
END_TEST

START_TEST(test_icmp4_frag_needed)
{
	struct pin p;

	pin_run(&p, "icmp4_error { icmp4.type = 3; icmp4.code = 4; "
		"icmp4.frag_mtu = 1400; output; };",
		trig_icmp4_frag_mtu, sizeof(trig_icmp4_frag_mtu), NULL);
	ASSERT_PACKET(&p, exp_icmp4_frag_mtu);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), "resubmit(,37)");
	pin_free(&p);
}
END_TEST

START_TEST(test_icmp6_port)
{
	struct pin p;

	pin_run(&p, "icmp6 { output; };", trig_nd_ns, sizeof(trig_nd_ns),
		NULL);
	ASSERT_PACKET(&p, exp_icmp6_port);
	pin_free(&p);
}
END_TEST

START_TEST(test_nd)
{
	uint32_t regs[16] = { [0] = 0x00000a58, [1] = 0x0a000101 };
	struct pin p;

	pin_run(&p, "nd_ns { output; };", trig_nd_ns, sizeof(trig_nd_ns),
		NULL);
	ASSERT_PACKET(&p, exp_nd_ns);
	pin_free(&p);

	/* lr_in_ip_input's router NA: eth.src from xreg0[0..47]. */
	pin_run(&p, "nd_na_router { eth.src = xreg0[0..47]; "
		"ip6.src = nd.target; nd.tll = xreg0[0..47]; "
		"outport = inport; flags.loopback = 1; output; };",
		trig_nd_na, sizeof(trig_nd_na), regs);
	ASSERT_PACKET(&p, exp_nd_na_router);
	ASSERT_HAS(&p.odp, "set(eth(src=0a:58:0a:00:01:01))");
	ASSERT_HAS(&p.odp, "tll=0a:58:0a:00:01:01");
	pin_free(&p);

	pin_run(&p, "nd_na { output; };", trig_nd_na, sizeof(trig_nd_na),
		NULL);
	ASSERT_PACKET(&p, exp_nd_na);
	pin_free(&p);
}
END_TEST

START_TEST(test_tcp_reset_and_reject)
{
	struct pin p;

	pin_run(&p, "tcp_reset { output; };", trig_icmp4_reject,
		sizeof(trig_icmp4_reject), NULL);
	ASSERT_PACKET(&p, exp_tcp_reset4);
	pin_free(&p);

	/* reject swaps the addresses itself; outport <-> inport loads
	 * each register with the other's value. */
	pin_run(&p, "reject { outport <-> inport; "
		"next(pipeline=ingress,table=25); };", trig_icmp4_reject,
		sizeof(trig_icmp4_reject), (uint32_t[16]){ [14] = 7, [15] = 9 });
	ASSERT_PACKET(&p, exp_tcp_reset4_swap);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text),
			 "load:0x7->NXM_NX_REG15[],load:0x9->NXM_NX_REG14[],"
			 "resubmit(,33)");
	pin_free(&p);

	pin_run(&p, "reject { output; };", trig_arp,
		sizeof(trig_arp), NULL);
	ck_assert_int_eq(p.ret, 0);
	pin_free(&p);

	/* No answer to an ICMP error or a RST. */
	pin_run(&p, "reject { output; };", exp_icmp4_port,
		sizeof(exp_icmp4_port), NULL);
	ck_assert_int_eq(p.ret, 1);
	pin_free(&p);
	pin_run(&p, "reject { output; };", exp_tcp_reset4,
		sizeof(exp_tcp_reset4), NULL);
	ck_assert_int_eq(p.ret, 1);
	pin_free(&p);
}
END_TEST

/* sctp_abort { } answers from the trigger's own side (as tcp_reset);
 * reject of SCTP swaps; neither answers an ABORT. */
START_TEST(test_sctp_abort_and_reject)
{
	struct pin p;

	pin_run(&p, "sctp_abort { output; };", trig_init4,
		sizeof(trig_init4), NULL);
	ASSERT_PACKET(&p, exp_abort4);
	ck_assert_str_eq(wft_strbuf_cstr(&p.odp), "12");
	pin_free(&p);

	pin_run(&p, "reject { outport <-> inport; "
		"next(pipeline=ingress,table=25); };", trig_data4,
		sizeof(trig_data4), (uint32_t[16]){ [14] = 7, [15] = 9 });
	ASSERT_PACKET(&p, exp_abort4_data_swap);
	/* From in_port CONTROLLER, as OVN's packet-out: the reply may
	 * leave by the port (a tunnel) the trigger came in on. */
	ck_assert_uint_eq(ntohl(p.r.flow.in_port), WFT_OFPP_CONTROLLER);
	pin_free(&p);

	pin_run(&p, "sctp_abort { output; };", trig_abort4,
		sizeof(trig_abort4), NULL);
	ck_assert_int_eq(p.ret, 1);
	pin_free(&p);
	pin_run(&p, "reject { output; };", trig_abort4,
		sizeof(trig_abort4), NULL);
	ck_assert_int_eq(p.ret, 1);
	pin_free(&p);

	/* Not SCTP: sctp_abort has nothing to answer. */
	pin_run(&p, "sctp_abort { output; };", trig_arp, sizeof(trig_arp),
		NULL);
	ck_assert_int_eq(p.ret, -EINVAL);
	ck_assert_msg(strstr(p.err, "sctp_abort"), "%s", p.err);
	pin_free(&p);
}
END_TEST

/* The pause: the rule ends at the controller action; the handler
 * resumes the rest of the list with the reply and the result bit. */
START_TEST(test_put_dhcp_opts)
{
	static const char lflow[] = "reg0[3] = put_dhcp_opts(offerip = "
		"10.0.0.5, lease_time = 3600, netmask = 255.255.255.0, "
		"router = 10.0.0.1, server_id = 10.0.0.1); next;";
	struct pin p;

	pin_run(&p, lflow, trig_dhcp_offer, sizeof(trig_dhcp_offer),
		(uint32_t[16]){ [0] = 0x10, [14] = 1 });
	ck_assert_int_eq(p.acts.n, 1);
	ck_assert(p.acts.acts[0].controller.pause);
	ASSERT_PACKET(&p, exp_dhcp_offer);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), "resubmit(,30)");
	ck_assert_uint_eq(ntohl(p.r.flow.regs[0]), 0x18);	/* bit 3 */
	ck_assert_uint_eq(ntohl(p.r.flow.regs[14]), 1);
	pin_free(&p);

	pin_run(&p, lflow, trig_dhcp_ack, sizeof(trig_dhcp_ack), NULL);
	ASSERT_PACKET(&p, exp_dhcp_ack);
	pin_free(&p);

	/* Not DHCP: the packet goes on as it came, with the bit clear. */
	pin_run(&p, lflow, trig_arp, sizeof(trig_arp),
		(uint32_t[16]){ [0] = 0xff });
	ASSERT_PACKET(&p, trig_arp);
	ck_assert_uint_eq(ntohl(p.r.flow.regs[0]), 0xf7);
	pin_free(&p);
}
END_TEST

/* put_nd_ra_opts pauses as put_dhcp_opts does; the RA is scapy's. */
START_TEST(test_put_nd_ra_opts)
{
	struct pin p;

	pin_run(&p, "reg0[5] = put_nd_ra_opts(addr_mode = \"slaac\", "
		"slla = 0a:58:0a:00:01:01, prefix = fd01::/64); next;",
		trig_ra, sizeof(trig_ra), NULL);
	ck_assert_msg(!p.ret, "%s", p.err);
	ASSERT_PACKET(&p, exp_ra_slaac);
	ck_assert(p.acts.acts[0].controller.pause);
	ck_assert_uint_eq(ntohl(p.r.flow.regs[0]), 0x20);
	ck_assert_str_eq(wft_strbuf_cstr(&p.text), "resubmit(,30)");
	pin_free(&p);

	pin_run(&p, "reg0[5] = put_nd_ra_opts(addr_mode = "
		"\"dhcpv6_stateful\", slla = 0a:58:0a:00:01:01, mtu = 1442, "
		"prefix = fd01::/64); next;", trig_ra, sizeof(trig_ra), NULL);
	ASSERT_PACKET(&p, exp_ra_managed);
	pin_free(&p);

	/* Not a solicitation: unchanged, bit clear. */
	pin_run(&p, "reg0[5] = put_nd_ra_opts(addr_mode = \"slaac\", "
		"slla = 0a:58:0a:00:01:01, prefix = fd01::/64); next;",
		trig_nd_na, sizeof(trig_nd_na), NULL);
	ASSERT_PACKET(&p, trig_nd_na);
	ck_assert_uint_eq(ntohl(p.r.flow.regs[0]), 0);
	pin_free(&p);
}
END_TEST

/* The learning actions: the binding read in the packet and the
 * registers; the pipeline goes on (no pause). */
START_TEST(test_learn_actions)
{
	uint32_t regs[16] = { [14] = 3 };
	uint8_t ip6[16];
	struct pin p;

	pin_run(&p, "put_arp(inport, arp.spa, arp.sha); next;", exp_arp,
		sizeof(exp_arp), regs);
	ck_assert_int_eq(p.ret, 2);
	ck_assert_int_eq(p.acts.n, 2);
	ck_assert(!p.acts.acts[0].controller.pause);
	ck_assert_int_eq(p.r.learned.op, WFT_PIN_PUT_ARP);
	ck_assert_uint_eq(p.r.learned.dp_key, 5);
	ck_assert_uint_eq(p.r.learned.port_key, 3);
	ck_assert(p.r.learned.v4);
	ck_assert_mem_eq(p.r.learned.ip, "\x0a\x00\x00\x01", 4);
	ck_assert_mem_eq(p.r.learned.mac, exp_arp + 6, 6);
	pin_free(&p);

	pin_run(&p, "put_nd(inport, ip6.src, nd.sll); next;", trig_nd_na,
		sizeof(trig_nd_na), regs);
	ck_assert_int_eq(p.ret, 2);
	ck_assert(!p.r.learned.v4);
	inet_pton(AF_INET6, "fd00::5", ip6);
	ck_assert_mem_eq(p.r.learned.ip, ip6, 16);
	ck_assert_mem_eq(p.r.learned.mac, trig_nd_na + 6, 6);
	pin_free(&p);

	pin_run(&p, "put_fdb(inport, eth.src); next;", trig_arp,
		sizeof(trig_arp), regs);
	ck_assert_int_eq(p.ret, 2);
	ck_assert_int_eq(p.r.learned.op, WFT_PIN_PUT_FDB);
	ck_assert_mem_eq(p.r.learned.mac, trig_arp + 6, 6);
	pin_free(&p);
}
END_TEST

static int writes, refuse;

static bool fake_writer(void *aux, const struct wft_pin_binding *b, size_t n)
{
	if (refuse)
		return false;
	writes += (int)n;
	return true;
}

START_TEST(test_learn_queue)
{
	struct wft_pin_binding b = { WFT_PIN_PUT_ARP, 5, 3, true,
				     { 10, 0, 0, 1 }, { 2, 0, 0, 0, 0, 1 } };
	struct wft_pin_binding c = b, out[4];
	int i;

	wft_pin_learn_reset();
	ck_assert(wft_pin_learn_add(&b, 1000));
	ck_assert(!wft_pin_learn_add(&b, 2000));	/* the same, again */
	c.mac[5] = 2;					/* moved */
	ck_assert(wft_pin_learn_add(&c, 2000));
	/* Refreshed once the last write is old enough. */
	ck_assert(wft_pin_learn_add(&c, 2000 + WFT_PIN_LEARN_REFRESH_MS));
	ck_assert_uint_eq(wft_pin_learn_take(out, 4), 3);
	ck_assert_uint_eq(wft_pin_learn_take(out, 4), 0);

	/* A writer that cannot take them now gets them again later. */
	ck_assert_uint_eq(wft_ovn_pinctrl_sb_flush(), 0);	/* none */
	wft_ovn_pinctrl_set_sb_writer(fake_writer, NULL);
	c.port_key = 4;
	ck_assert(wft_pin_learn_add(&c, 5000));
	refuse = 1;
	ck_assert_uint_eq(wft_ovn_pinctrl_sb_flush(), 0);
	refuse = 0;
	ck_assert_uint_eq(wft_ovn_pinctrl_sb_flush(), 1);
	ck_assert_int_eq(writes, 1);

	/* At most WFT_PIN_LEARN_MAX wait. */
	c.mac[5] = 3;
	wft_ovn_pinctrl_set_sb_writer(NULL, NULL);
	for (i = 0; i < WFT_PIN_LEARN_MAX + 10; i++) {
		c.ip[2] = (uint8_t)(i >> 8);
		c.ip[3] = (uint8_t)i;
		ck_assert(wft_pin_learn_add(&c, 9000) ==
			  (i < WFT_PIN_LEARN_MAX));
	}
	wft_pin_learn_reset();
}
END_TEST

/* The SB side: a replica of the real SB schema with a datapath (key 5),
 * its port lp3 (key 3) and lp3's binding for 10.0.0.9. */
static const char sb_rows[] = "{"
	"\"Datapath_Binding\": {\"11111111-0000-0000-0000-000000000001\": "
	"{\"initial\": {\"tunnel_key\": 5}}},"
	"\"Port_Binding\": {\"22222222-0000-0000-0000-000000000001\": "
	"{\"initial\": {\"logical_port\": \"lp3\", \"tunnel_key\": 3, "
	"\"datapath\": [\"uuid\", \"11111111-0000-0000-0000-000000000001\"]}}},"
	"\"MAC_Binding\": {\"33333333-0000-0000-0000-000000000001\": "
	"{\"initial\": {\"logical_port\": \"lp3\", \"ip\": \"10.0.0.9\", "
	"\"mac\": \"02:00:00:00:00:09\", \"datapath\": [\"uuid\", "
	"\"11111111-0000-0000-0000-000000000001\"]}}},"
	"\"FDB\": {\"44444444-0000-0000-0000-000000000001\": "
	"{\"initial\": {\"mac\": \"02:00:00:00:00:07\", \"dp_key\": 5, "
	"\"port_key\": 3}}}}";

START_TEST(test_sb_txn)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_pin_binding b[5] = {
		{ WFT_PIN_PUT_ARP, 5, 3, true, { 10, 0, 0, 1 },
		  { 2, 0, 0, 0, 0, 1 } },
		{ WFT_PIN_PUT_ARP, 5, 3, true, { 10, 0, 0, 9 },
		  { 2, 0, 0, 0, 0, 0x19 } },
		{ WFT_PIN_PUT_ARP, 5, 99, true, { 10, 0, 0, 2 },
		  { 2, 0, 0, 0, 0, 2 } },		/* no such port */
		{ WFT_PIN_PUT_FDB, 5, 3, false, { 0 },
		  { 2, 0, 0, 0, 0, 7 } },		/* already so */
		{ WFT_PIN_PUT_FDB, 5, 3, false, { 0 },
		  { 2, 0, 0, 0, 0, 8 } },
	};
	struct wft_ovsdb_schema *s;
	struct wft_ovsdb_replica *r;
	struct wft_ovsdb_txn *t;
	json_t *j;
	char *text;
	size_t n;

	ck_assert_msg(!wft_ovsdb_schema_from_file(
		"/usr/share/ovn/ovn-sb.ovsschema", &s, &err), "%s",
		wft_strbuf_cstr(&err));
	r = wft_ovsdb_replica_new(s);
	j = json_loads(sb_rows, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(wft_ovsdb_replica_apply_update2(r, j, &err), 0);
	json_decref(j);
	t = wft_ovn_pinctrl_sb_txn(r, b, 5, 1700000000000LL, &n);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(n, 3);
	text = json_dumps(wft_ovsdb_txn_json(t), JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_msg(strstr(text,
		"{\"op\":\"insert\",\"row\":{\"datapath\":[\"uuid\","
		"\"11111111-0000-0000-0000-000000000001\"],\"ip\":\"10.0.0.1\","
		"\"logical_port\":\"lp3\",\"mac\":\"02:00:00:00:00:01\","
		"\"timestamp\":1700000000000},\"table\":\"MAC_Binding\"}"),
		"%s", text);
	ck_assert_msg(strstr(text,
		"{\"op\":\"update\",\"row\":{\"mac\":\"02:00:00:00:00:19\","
		"\"timestamp\":1700000000000},\"table\":\"MAC_Binding\","
		"\"where\":[[\"_uuid\",\"==\",[\"uuid\","
		"\"33333333-0000-0000-0000-000000000001\"]]]}"), "%s", text);
	ck_assert_msg(strstr(text,
		"{\"op\":\"insert\",\"row\":{\"dp_key\":5,"
		"\"mac\":\"02:00:00:00:00:08\",\"port_key\":3},"
		"\"table\":\"FDB\"}"), "%s", text);
	ck_assert(!strstr(text, "10.0.0.2") && !strstr(text, ":07"));
	free(text);
	wft_ovsdb_txn_free(t);
	/* Nothing the SB knows: no transaction. */
	ck_assert_ptr_null(wft_ovn_pinctrl_sb_txn(r, b + 2, 2, 1, &n));
	wft_ovsdb_replica_free(r);		/* and its schema */
	wft_strbuf_free(&err);
}
END_TEST

/* Counted only: the handler has nothing to send. */
START_TEST(test_counted)
{
	struct pin p;

	pin_run(&p, "handle_svc_check(inport);", trig_icmp4_reject,
		sizeof(trig_icmp4_reject), NULL);
	ck_assert_int_eq(p.ret, 1);
	ck_assert_int_eq(p.r.op, WFT_PIN_SVC_CHECK);
	pin_free(&p);
	pin_run(&p, "trigger_event(event = \"empty_lb_backends\", "
		"vip = \"10.0.0.10:80\", protocol = \"tcp\", "
		"load_balancer = \"d9e3d4a0-0000-0000-0000-000000000001\");",
		trig_icmp4_reject, sizeof(trig_icmp4_reject), NULL);
	ck_assert_int_eq(p.ret, 1);
	ck_assert_int_eq(p.r.op, WFT_PIN_EVENT);
	ck_assert_mem_eq(p.md.userdata + 5, "empty_lb_backends", 17);
	pin_free(&p);
}
END_TEST

START_TEST(test_errors)
{
	struct wft_ofpacts acts;
	const struct wft_ofpact *c;
	struct wft_packet_in_md md;
	struct wft_pin_result r;
	char err[256];
	size_t n;

	wft_ofpacts_init(&acts);
	ck_assert_int_eq(compile("icmp4 { ip.ttl = 1; ip4.dst <-> ip4.src; "
				 "ip.ttl <-> ip.ttl; output; };", &acts, err,
				 sizeof(err)), -EOPNOTSUPP);
	ck_assert_msg(strstr(err, "icmp4 { }: <-> of a field written"), "%s",
		      err);
	/* A real userdata, cut at every length: refused, or handled. */
	ck_assert_int_eq(compile("arp { eth.dst = ff:ff:ff:ff:ff:ff; "
				 "arp.op = 1; output; };", &acts, err,
				 sizeof(err)), 0);
	c = controller_of(&acts);
	for (n = 0; n <= c->controller.userdata_len; n++) {
		uint8_t *cut = malloc(n + 1);
		int ret;

		memcpy(cut, c->controller.userdata, n);
		memset(&md, 0, sizeof(md));
		md.userdata = cut;
		md.userdata_len = n;
		wft_pin_result_init(&r);
		ret = wft_ovn_pinctrl_handle(&md, trig_arp, sizeof(trig_arp),
					     &r, err, sizeof(err));
		/* Cut between TLVs, it is a shorter valid block. */
		ck_assert(n < 2 ? ret < 0 : ret <= 0);
		wft_pin_result_uninit(&r);
		free(cut);
	}
	wft_ofpacts_uninit(&acts);
	memset(&md, 0, sizeof(md));
	md.userdata = (const uint8_t *)"\x01\x02";
	md.userdata_len = 2;
	wft_pin_result_init(&r);
	ck_assert_int_eq(wft_ovn_pinctrl_handle(&md, trig_arp,
						sizeof(trig_arp), &r, err,
						sizeof(err)), -EINVAL);
	/* arp { } on an IPv6 packet. */
	wft_pin_result_uninit(&r);
}
END_TEST

static Suite *pinctrl_suite(void)
{
	Suite *s = suite_create("pinctrl");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_arp);
	tcase_add_test(tc, test_icmp4_ttl_exceeded);
	tcase_add_test(tc, test_icmp4_frag_needed);
	tcase_add_test(tc, test_icmp6_port);
	tcase_add_test(tc, test_nd);
	tcase_add_test(tc, test_tcp_reset_and_reject);
	tcase_add_test(tc, test_sctp_abort_and_reject);
	tcase_add_test(tc, test_put_dhcp_opts);
	tcase_add_test(tc, test_put_nd_ra_opts);
	tcase_add_test(tc, test_learn_actions);
	tcase_add_test(tc, test_learn_queue);
	tcase_add_test(tc, test_sb_txn);
	tcase_add_test(tc, test_counted);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pinctrl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
