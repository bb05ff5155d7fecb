// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for OVN's DHCPv6 in pinctrl (docs/ovn-pinctrl.md): the
 * action strings ovn-northd 23.03 writes (ls_in_dhcp_options'
 * put_dhcpv6_opts, lr_in_ip_input's handle_dhcpv6_reply) compiled into
 * controller actions and handed with DHCPv6 messages to the packet-in
 * handler. The packets are data/dhcp6_golden.h, composed by
 * data/gen-dhcp6-golden.py independently of packet_build_dhcp6.c and
 * decoded by tshark (the script says how):
 *  - Solicit -> Advertise, Request -> Reply, Information-request ->
 *    Reply without IA_NA: byte for byte, the result bit set, the rest of
 *    the action list resumed;
 *  - Renew, a message without client id, one without IA_NA, a non-DHCP
 *    packet: no answer, the packet as it came and the bit clear;
 *  - every prefix of every trigger: no crash, no read past the end;
 *  - the options' translation and its errors;
 *  - handle_dhcpv6_reply: the delegated prefix read, a failure status;
 *  - and put_dhcp_opts's options with encodings of their own (classless
 *    static routes, domain search list, host ids), next_server and the
 *    iPXE boot file.
 */
#include <arpa/inet.h>
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow_actions.h"
#include "weft/ofp_flow.h"
#include "weft/ovn_pinctrl.h"

#include "data/dhcp6_golden.h"
#include "data/packet_build_golden.h"

#define OPTS_ACTION "reg0[3] = put_dhcpv6_opts(ia_addr = fd00::5, " \
	"server_id = 0a:00:00:00:00:fe, dns_server = {fd00::53, fd00::54}, " \
	"domain_search = \"ovn.org\"); next;"

/* @s compiled as an ingress flow of a switch's logical table 20 (the
 * rest resumes at 21, OpenFlow table 29, as ls_in_dhcp_options' does). */
static int compile(const char *s, struct wft_ofpacts *acts, char *err,
		   size_t errlen)
{
	struct wft_lflow_xlate_ctx ctx;
	struct wft_lacts la;
	int r;

	ck_assert_int_eq(wft_lflow_actions_parse(s, &la, err, errlen), 0);
	wft_lflow_xlate_ctx_init(&ctx, false, 20, true);
	r = wft_lflow_actions_to_ofpacts(&la, &ctx, acts, err, errlen);
	wft_lacts_free(&la);
	return r;
}

struct run {
	struct wft_ofpacts acts;
	struct wft_packet_in_md md;
	struct wft_pin_result r;
	char err[256];
	int ret;
};

static void run(struct run *x, const char *lflow, const uint8_t *trig,
		size_t len)
{
	memset(x, 0, sizeof(*x));
	wft_ofpacts_init(&x->acts);
	ck_assert_int_eq(compile(lflow, &x->acts, x->err, sizeof(x->err)), 0);
	ck_assert_uint_eq(x->acts.n, 1);
	ck_assert_int_eq(x->acts.acts[0].type, WFT_OFPACT_CONTROLLER);
	x->md.userdata = x->acts.acts[0].controller.userdata;
	x->md.userdata_len = x->acts.acts[0].controller.userdata_len;
	x->md.table_id = 28;
	x->md.metadata = 1;
	x->md.in_port = 4;
	x->md.regs[0] = 0xf0;
	x->md.regs[14] = 2;
	wft_pin_result_init(&x->r);
	x->ret = wft_ovn_pinctrl_handle(&x->md, trig, len, &x->r, x->err,
					sizeof(x->err));
}

static void run_free(struct run *x)
{
	wft_pin_result_uninit(&x->r);
	wft_ofpacts_uninit(&x->acts);
}

#define ANSWERED(x, EXP) do {						\
	ck_assert_msg((x)->ret == 0, "%s", (x)->err);			\
	ck_assert_uint_eq((x)->r.len, sizeof(EXP));			\
	ck_assert_mem_eq((x)->r.packet, EXP, sizeof(EXP));		\
	ck_assert_uint_eq(ntohl((x)->r.flow.regs[0]), 0xf8);		\
} while (0)

#define NOT_ANSWERED(x, TRIG, LEN) do {					\
	ck_assert_msg((x)->ret == 0, "%s", (x)->err);			\
	ck_assert_uint_eq((x)->r.len, LEN);				\
	ck_assert_mem_eq((x)->r.packet, TRIG, LEN);			\
	ck_assert_uint_eq(ntohl((x)->r.flow.regs[0]), 0xf0);		\
} while (0)

START_TEST(test_translate)
{
	/* magic, opcode, RESULT (reg0 bit 3), DHCP6_OPTS as OVN encodes
	 * them (code, length, value), CONTINUE "resubmit(,29)" */
	static const uint8_t want[] = {
		0xa7, WFT_PIN_PUT_DHCPV6_OPTS,
		WFT_PIN_T_RESULT, 0, 4, 0, 1, 0, 3,
		WFT_PIN_T_DHCP6_OPTS, 0, 77,
		0, 5, 0, 16, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5,
		0, 2, 0, 6, 0x0a, 0, 0, 0, 0, 0xfe,
		0, 23, 0, 32, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0x53, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x54,
		0, 24, 0, 7, 'o', 'v', 'n', '.', 'o', 'r', 'g',
		WFT_PIN_T_CONTINUE, 0, 13,
		'r', 'e', 's', 'u', 'b', 'm', 'i', 't', '(', ',', '2', '9', ')',
	};
	struct wft_ofpacts acts;
	char err[256];

	wft_ofpacts_init(&acts);
	ck_assert_int_eq(compile(OPTS_ACTION, &acts, err, sizeof(err)), 0);
	ck_assert_uint_eq(acts.n, 1);
	ck_assert(acts.acts[0].controller.pause);
	ck_assert_uint_eq(acts.acts[0].controller.userdata_len, sizeof(want));
	ck_assert_mem_eq(acts.acts[0].controller.userdata, want, sizeof(want));
	wft_ofpacts_uninit(&acts);

	/* What OVN does not encode is refused by name. */
	wft_ofpacts_init(&acts);
	ck_assert_int_eq(compile("reg0[3] = put_dhcpv6_opts(ia_addr = fd00::5,"
				 " fqdn = \"x\"); next;", &acts, err,
				 sizeof(err)), -EOPNOTSUPP);
	ck_assert_str_eq(err, "put_dhcpv6_opts: option fqdn is not supported");
	ck_assert_int_eq(compile("reg0[3] = put_dhcpv6_opts(server_id = "
				 "fd00::1); next;", &acts, err, sizeof(err)),
			 -EOPNOTSUPP);
	ck_assert_str_eq(err, "put_dhcpv6_opts: bad value for server_id");
	ck_assert_int_eq(compile("reg0[3] = put_dhcpv6_opts(ia_addr = "
				 "{fd00::1, fd00::2}); next;", &acts, err,
				 sizeof(err)), -EOPNOTSUPP);
	wft_ofpacts_uninit(&acts);
}
END_TEST

START_TEST(test_answers)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_flow_wc wc;
	struct run x;

	run(&x, OPTS_ACTION, trig_d6_solicit, sizeof(trig_d6_solicit));
	ANSWERED(&x, exp_d6_advertise);
	/* The pipeline state reloaded, the rest resumed. */
	ck_assert_uint_eq(ntohl(x.r.flow.regs[14]), 2);
	ck_assert_uint_eq(ntohl(x.r.flow.in_port), 4);
	ck_assert_uint_eq(be64toh(x.r.flow.metadata), 1);
	ck_assert_uint_eq(ntohs(x.r.flow.tp_src), 546);
	wft_flow_wc_init_catchall(&wc);
	wft_ofp_actions_format(&x.r.acts, &x.r.flow, &wc, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), "resubmit(,29)");
	wft_strbuf_free(&sb);
	run_free(&x);

	run(&x, OPTS_ACTION, trig_d6_request, sizeof(trig_d6_request));
	ANSWERED(&x, exp_d6_reply);
	run_free(&x);

	/* Stateless: no IA_NA in the reply. */
	run(&x, OPTS_ACTION, trig_d6_inforeq, sizeof(trig_d6_inforeq));
	ANSWERED(&x, exp_d6_inforeply);
	run_free(&x);
}
END_TEST

/* Offsets in the golden Solicit: the DHCPv6 message at 62, its client
 * id option at 66 (18 bytes), elapsed time at 84, IA_NA at 90. */
START_TEST(test_not_answered)
{
	uint8_t p[sizeof(trig_d6_solicit)];
	struct run x;

	/* Renew: OVN 23.03 answers it not. */
	run(&x, OPTS_ACTION, trig_d6_renew, sizeof(trig_d6_renew));
	NOT_ANSWERED(&x, trig_d6_renew, sizeof(trig_d6_renew));
	run_free(&x);
	/* An Advertise (a server's message) is no request. */
	run(&x, OPTS_ACTION, exp_d6_advertise, sizeof(exp_d6_advertise));
	NOT_ANSWERED(&x, exp_d6_advertise, sizeof(exp_d6_advertise));
	run_free(&x);
	/* No client id: its code made an unknown one. */
	memcpy(p, trig_d6_solicit, sizeof(p));
	ck_assert_uint_eq(p[67], 1);
	p[67] = 99;
	run(&x, OPTS_ACTION, p, sizeof(p));
	NOT_ANSWERED(&x, p, sizeof(p));
	run_free(&x);
	/* No IA_NA in a Solicit. */
	memcpy(p, trig_d6_solicit, sizeof(p));
	ck_assert_uint_eq(p[91], 3);
	p[91] = 99;
	run(&x, OPTS_ACTION, p, sizeof(p));
	NOT_ANSWERED(&x, p, sizeof(p));
	run_free(&x);
	/* An option running past the message. */
	memcpy(p, trig_d6_solicit, sizeof(p));
	p[93] = 200;
	run(&x, OPTS_ACTION, p, sizeof(p));
	NOT_ANSWERED(&x, p, sizeof(p));
	run_free(&x);
	/* The IPv6 header alone. */
	run(&x, OPTS_ACTION, trig_d6_solicit, 54);
	NOT_ANSWERED(&x, trig_d6_solicit, 54);
	run_free(&x);
}
END_TEST

/* Every prefix of every trigger (valgrind sees reads past the end). */
START_TEST(test_truncated)
{
	static const struct {
		const uint8_t *p;
		size_t len;
	} t[] = {
		{ trig_d6_solicit, sizeof(trig_d6_solicit) },
		{ trig_d6_request, sizeof(trig_d6_request) },
		{ trig_d6_inforeq, sizeof(trig_d6_inforeq) },
		{ trig_d6_pd_reply, sizeof(trig_d6_pd_reply) },
	};
	size_t i, n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (n = 0; n < t[i].len; n++) {
			uint8_t *cut = malloc(n ? n : 1);
			struct run x;

			memcpy(cut, t[i].p, n);
			run(&x, OPTS_ACTION, cut, n);
			/* Cut between options, a message may still be
			 * one to answer; never an error. */
			ck_assert_int_eq(x.ret, 0);
			ck_assert(x.r.len > 0 || !n);
			run_free(&x);
			run(&x, "handle_dhcpv6_reply;", cut, n);
			ck_assert_int_eq(x.ret, 1);
			ck_assert(!x.r.pd_ok);
			run_free(&x);
			free(cut);
		}
	}
}
END_TEST

START_TEST(test_pd_reply)
{
	static const uint8_t prefix[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
	struct run x;

	run(&x, "handle_dhcpv6_reply;", trig_d6_pd_reply,
	    sizeof(trig_d6_pd_reply));
	ck_assert_int_eq(x.ret, 1);		/* nothing to send */
	ck_assert_int_eq(x.r.op, WFT_PIN_DHCP6_REPLY);
	ck_assert(x.r.pd_ok);
	ck_assert_uint_eq(x.r.pd.msg_type, 7);
	ck_assert_uint_eq(x.r.pd.iaid, 0xabcd);
	ck_assert_uint_eq(x.r.pd.t1, 1800);
	ck_assert_uint_eq(x.r.pd.t2, 2880);
	ck_assert_uint_eq(x.r.pd.preferred, 3600);
	ck_assert_uint_eq(x.r.pd.valid, 7200);
	ck_assert_uint_eq(x.r.pd.plen, 48);
	ck_assert_mem_eq(x.r.pd.prefix, prefix, 16);
	ck_assert_uint_eq(x.r.pd.server_id_len, 10);
	ck_assert_uint_eq(x.r.pd.server_id[9], 0xfe);
	run_free(&x);

	run(&x, "handle_dhcpv6_reply;", trig_d6_pd_fail,
	    sizeof(trig_d6_pd_fail));
	ck_assert_int_eq(x.ret, 1);
	ck_assert(!x.r.pd_ok);
	ck_assert_uint_eq(x.r.pd.status, 6);	/* NoPrefixAvail */
	run_free(&x);

	/* A reply without IA_PD (the one weft's own server sends). */
	run(&x, "handle_dhcpv6_reply;", exp_d6_reply, sizeof(exp_d6_reply));
	ck_assert_int_eq(x.ret, 1);
	ck_assert(!x.r.pd_ok);
	run_free(&x);
}
END_TEST

/* The DHCPv4 options of OVN 23.03 with encodings of their own (RFC 3442
 * routes, RFC 1035 names with a pointer, a host id as a name or an
 * address), as its encoder writes them. */
START_TEST(test_dhcp4_options)
{
	static const char lflow[] = "reg0[3] = put_dhcp_opts(offerip = "
		"10.0.0.5, classless_static_route = {30.0.0.0/24, 10.0.0.10, "
		"0.0.0.0/0, 10.0.0.1}, domain_search_list = "
		"\"abc.com,xyz.abc.com\", tftp_server = \"tftp\", "
		"tftp_server_address = 10.0.0.9, tftp_server = 10.0.0.8, "
		"wpad = \"w/\", ethernet_encap = 1); next;";
	static const uint8_t want[] = {
		121, 13, 24, 30, 0, 0, 10, 0, 0, 10, 0, 10, 0, 0, 1,
		119, 15, 3, 'a', 'b', 'c', 3, 'c', 'o', 'm', 0,
		3, 'x', 'y', 'z', 0xc0, 0x00,
		66, 4, 't', 'f', 't', 'p',
		150, 4, 10, 0, 0, 9,
		66, 4, 10, 0, 0, 8,
		252, 2, 'w', '/',
		36, 1, 1,
	};
	const uint8_t *ud;
	struct wft_ofpacts acts;
	char err[256];
	size_t len;

	wft_ofpacts_init(&acts);
	ck_assert_int_eq(compile(lflow, &acts, err, sizeof(err)), 0);
	ud = acts.acts[0].controller.userdata;
	len = acts.acts[0].controller.userdata_len;
	/* magic, opcode, RESULT (7 bytes), OFFER_IP (7), DHCP_OPTS */
	ck_assert_uint_ge(len, 2 + 7 + 7 + 3 + sizeof(want));
	ck_assert_uint_eq(ud[16], WFT_PIN_T_DHCP_OPTS);
	ck_assert_uint_eq(ud[17] << 8 | ud[18], sizeof(want));
	ck_assert_mem_eq(ud + 19, want, sizeof(want));
	wft_ofpacts_uninit(&acts);

	wft_ofpacts_init(&acts);
	ck_assert_int_eq(compile("reg0[3] = put_dhcp_opts(offerip = 10.0.0.5, "
				 "fqdn = \"x\"); next;", &acts, err,
				 sizeof(err)), -EOPNOTSUPP);
	ck_assert_str_eq(err, "put_dhcp_opts: option fqdn is not supported");
	wft_ofpacts_uninit(&acts);
}
END_TEST

/*
 * next_server and the two boot files, as ovn-controller 23.03 handles
 * them: encoded first (bootfile_name, bootfile_name_alt, next_server);
 * in the reply siaddr = next_server (its option kept), and one boot
 * file: bootfile_name_alt's for an iPXE client (option 175 in the
 * request), bootfile_name's for the others. The trigger is scapy's
 * DISCOVER (data/packet_build_golden.h): the reply's BOOTP header at
 * 42, siaddr at 62, options after the cookie at 282.
 */
START_TEST(test_dhcp4_boot)
{
	static const char lflow[] = "reg0[3] = put_dhcp_opts(offerip = "
		"10.0.0.5, router = 10.0.0.1, bootfile_name_alt = "
		"\"ipxe.efi\", next_server = 10.0.0.9, bootfile_name = "
		"\"pxelinux.0\"); next;";
	static const uint8_t want_ud[] = {
		WFT_PIN_T_DHCP_OPTS, 0, 34,
		67, 10, 'p', 'x', 'e', 'l', 'i', 'n', 'u', 'x', '.', '0',
		254, 8, 'i', 'p', 'x', 'e', '.', 'e', 'f', 'i',
		253, 4, 10, 0, 0, 9,
		3, 4, 10, 0, 0, 1,
	};
	static const uint8_t plain[] = {
		53, 1, 2,
		67, 10, 'p', 'x', 'e', 'l', 'i', 'n', 'u', 'x', '.', '0',
		253, 4, 10, 0, 0, 9,
		3, 4, 10, 0, 0, 1,
		0, 0, 0, 0, 255,
	};
	static const uint8_t ipxe[] = {
		53, 1, 2,
		67, 8, 'i', 'p', 'x', 'e', '.', 'e', 'f', 'i',
		253, 4, 10, 0, 0, 9,
		3, 4, 10, 0, 0, 1,
		0, 0, 0, 0, 255,
	};
	static const uint8_t next[4] = { 10, 0, 0, 9 };
	uint8_t trig[sizeof(trig_dhcp_offer)];
	struct run x;

	run(&x, lflow, trig_dhcp_offer, sizeof(trig_dhcp_offer));
	ck_assert_mem_eq(x.md.userdata + 16, want_ud, sizeof(want_ud));
	ck_assert_msg(x.ret == 0, "%s", x.err);
	ck_assert_uint_eq(ntohl(x.r.flow.regs[0]), 0xf8);
	ck_assert_uint_eq(x.r.len, 282 + sizeof(plain));
	ck_assert_mem_eq(x.r.packet + 62, next, 4);
	ck_assert_mem_eq(x.r.packet + 282, plain, sizeof(plain));
	run_free(&x);

	/* The request's parameter list (55) made iPXE's option 175. */
	memcpy(trig, trig_dhcp_offer, sizeof(trig));
	ck_assert_uint_eq(trig[285], 55);
	trig[285] = 175;
	run(&x, lflow, trig, sizeof(trig));
	ck_assert_msg(x.ret == 0, "%s", x.err);
	ck_assert_uint_eq(x.r.len, 282 + sizeof(ipxe));
	ck_assert_mem_eq(x.r.packet + 62, next, 4);
	ck_assert_mem_eq(x.r.packet + 282, ipxe, sizeof(ipxe));
	run_free(&x);
}
END_TEST

static Suite *dhcp6_suite(void)
{
	Suite *s = suite_create("pinctrl_dhcp6");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_translate);
	tcase_add_test(tc, test_answers);
	tcase_add_test(tc, test_not_answered);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_pd_reply);
	tcase_add_test(tc, test_dhcp4_options);
	tcase_add_test(tc, test_dhcp4_boot);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dhcp6_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
