// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for OVN's logical-flow actions (include/weft/lflow_actions.h):
 *  - the corpus of every action list ovn-northd 23.03 emitted for a small
 *    topology (data/lflow_corpus.txt): each parses (none is skipped), and
 *    its normalized text parses again to the same text;
 *  - every prefix of those parses or fails cleanly;
 *  - every action OVN 23.03 defines, in the forms northd writes them,
 *    printed back normalized;
 *  - errors: unknown actions by name, read-only and mistyped fields,
 *    widths, results, ct_commit's rules, syntax with columns.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow_actions.h"
#include "lflow_corpus.h"

/* The normalized text of @s, or "ERROR: message". */
static char *parse(const char *s)
{
	struct wft_lacts acts;
	struct wft_strbuf sb;
	char err[256];

	wft_strbuf_init(&sb);
	if (wft_lflow_actions_parse(s, &acts, err, sizeof(err)))
		wft_strbuf_printf(&sb, "ERROR: %s", err);
	else
		wft_lacts_format(&acts, &sb);
	wft_lacts_free(&acts);
	return wft_strbuf_steal(&sb);
}

START_TEST(test_corpus)
{
	struct corpus c;
	size_t i, failed = 0;

	corpus_read("actions: ", &c);
	ck_assert_uint_ge(c.n, 100);
	for (i = 0; i < c.n; i++) {
		char *once = parse(c.line[i]), *twice;

		if (!strncmp(once, "ERROR", 5)) {
			fprintf(stderr, "not supported: %s: %s\n", c.line[i],
				once);
			failed++;
			free(once);
			continue;
		}
		twice = parse(once);
		ck_assert_msg(!strcmp(once, twice), "%s:\n %s\n %s", c.line[i],
			      once, twice);
		free(once);
		free(twice);
	}
	ck_assert_uint_eq(failed, 0);
	corpus_free(&c);
}
END_TEST

/* Every prefix of every corpus action list parses or fails with a
 * message, never crashes (valgrind checks the memory). */
START_TEST(test_corpus_prefixes)
{
	struct corpus c;
	size_t i, len, n_err = 0;

	corpus_read("actions: ", &c);
	for (i = 0; i < c.n; i++) {
		for (len = 0; len < strlen(c.line[i]); len += 2) {
			char *s = strndup(c.line[i], len);
			char *out = parse(s);

			if (!strncmp(out, "ERROR: ", 7)) {
				ck_assert_msg(strlen(out) > 7, "%s", s);
				n_err++;
			}
			free(out);
			free(s);
		}
	}
	ck_assert_uint_gt(n_err, 0);
	corpus_free(&c);
}
END_TEST

static const struct {
	const char *in;
	const char *out;
} golden[] = {
	{ "/* drop */", "" },
	{ "drop;", "drop;" },
	{ "next;", "next;" },
	{ "next(3);", "next(3);" },
	{ "next(pipeline=egress,table=5);", "next(pipeline=egress, table=5);" },
	{ "output;", "output;" },
	{ "reg0[1] = 1; reg2[0..15] = 0x50; xxreg1 = fd01::1;",
	  "reg0[1] = 1; reg2[0..15] = 0x50; xxreg1 = fd01::1;" },
	{ "reg0 = ip4.dst; eth.dst <-> eth.src; ip.ttl--;",
	  "reg0 = ip4.dst; eth.dst <-> eth.src; ip.ttl--;" },
	{ "outport = \"\"; inport = outport;", "outport = \"\"; inport = outport;" },
	{ "ct_next; ct_clear; ct_commit_nat; ct_snat_to_vip;",
	  "ct_next; ct_clear; ct_commit_nat; ct_snat_to_vip;" },
	{ "ct_commit { ct_mark.blocked = 1; ct_label.label = reg3; };",
	  "ct_commit { ct_mark.blocked = 1; ct_label.label = reg3; };" },
	{ "ct_commit;", "ct_commit;" },
	{ "ct_dnat; ct_dnat(10.0.0.5); ct_snat(192.168.0.1);",
	  "ct_dnat; ct_dnat(10.0.0.5); ct_snat(192.168.0.1);" },
	{ "ct_dnat_in_czone(10.0.2.5); ct_snat_in_czone;",
	  "ct_dnat_in_czone(10.0.2.5); ct_snat_in_czone;" },
	{ "ct_lb_mark(backends=10.0.0.2:80,10.0.0.3:80; hash_fields=\"ip_src\");",
	  "ct_lb_mark(backends = 10.0.0.2:80, 10.0.0.3:80, hash_fields = \"ip_src\");" },
	{ "clone { outport = \"p1\"; output; } next;",
	  "ERROR: column 35: expected ';', found an identifier" },
	{ "clone { outport = \"p1\"; output; }; next;",
	  "clone { outport = \"p1\"; output; }; next;" },
	{ "arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.op = 1; output; };",
	  "arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.op = 1; output; };" },
	{ "nd_ns { nd.target = xxreg0; output; };",
	  "nd_ns { nd.target = xxreg0; output; };" },
	{ "nd_na { nd.tll = 0a:00:00:00:00:01; output; };",
	  "nd_na { nd.tll = 0a:00:00:00:00:01; output; };" },
	{ "icmp4_error { icmp4.type = 3; icmp4.code = 4; icmp4.frag_mtu = 1400; next(pipeline=ingress, table=0); };",
	  "icmp4_error { icmp4.type = 3; icmp4.code = 4; icmp4.frag_mtu = 1400; next(pipeline=ingress, table=0); };" },
	{ "icmp4_error { icmp4.type = 3; next; }; icmp6_error { icmp6.type = 1; next; };",
	  "icmp4_error { icmp4.type = 3; next; }; icmp6_error { icmp6.type = 1; next; };" },
	{ "tcp_reset { outport <-> inport; next; }; sctp_abort { next; };",
	  "tcp_reset { outport <-> inport; next; }; sctp_abort { next; };" },
	{ "reject { outport <-> inport; next(pipeline=ingress,table=25); };",
	  "reject { outport <-> inport; next(pipeline=ingress, table=25); };" },
	{ "put_arp(inport, arp.spa, arp.sha); get_arp(outport, reg0);",
	  "put_arp(inport, arp.spa, arp.sha); get_arp(outport, reg0);" },
	{ "put_nd(inport, nd.target, nd.tll); get_nd(outport, xxreg0);",
	  "put_nd(inport, nd.target, nd.tll); get_nd(outport, xxreg0);" },
	{ "reg9[2] = lookup_arp(inport, arp.spa, arp.sha); reg9[3] = lookup_arp_ip(inport, arp.spa);",
	  "reg9[2] = lookup_arp(inport, arp.spa, arp.sha); reg9[3] = lookup_arp_ip(inport, arp.spa);" },
	{ "reg9[2] = lookup_nd(inport, nd.target, nd.tll); reg9[3] = lookup_nd_ip(inport, ip6.src);",
	  "reg9[2] = lookup_nd(inport, nd.target, nd.tll); reg9[3] = lookup_nd_ip(inport, ip6.src);" },
	{ "reg0[3] = put_dhcp_opts(offerip = 10.0.1.5, router = 10.0.1.1, dns_server = {8.8.8.8, 1.1.1.1}, domain_name = \"x.org\");",
	  "reg0[3] = put_dhcp_opts(offerip = 10.0.1.5, router = 10.0.1.1, dns_server = {8.8.8.8, 1.1.1.1}, domain_name = \"x.org\");" },
	{ "reg0[3] = put_dhcpv6_opts(ia_addr = fd01::5, server_id = 0a:58:0a:00:01:01);",
	  "reg0[3] = put_dhcpv6_opts(ia_addr = fd01::5, server_id = 0a:58:0a:00:01:01);" },
	{ "reg0[5] = put_nd_ra_opts(addr_mode = \"slaac\", mtu = 1450, prefix = fd01::/64);",
	  "reg0[5] = put_nd_ra_opts(addr_mode = \"slaac\", mtu = 1450, prefix = fd01::/ffff:ffff:ffff:ffff::);" },
	{ "outport = get_fdb(eth.dst); put_fdb(inport, eth.src); reg0[11] = lookup_fdb(inport, eth.src);",
	  "outport = get_fdb(eth.dst); put_fdb(inport, eth.src); reg0[11] = lookup_fdb(inport, eth.src);" },
	{ "reg9[1] = check_pkt_larger(1514); next;", "reg9[1] = check_pkt_larger(1514); next;" },
	{ "handle_svc_check(inport); handle_dhcpv6_reply;", "handle_svc_check(inport); handle_dhcpv6_reply;" },
	{ "trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.10:80\", protocol = \"tcp\", load_balancer = \"b5c\");",
	  "trigger_event(event = \"empty_lb_backends\", vip = \"10.0.0.10:80\", protocol = \"tcp\", load_balancer = \"b5c\");" },
	{ "reg0[15] = check_in_port_sec(); reg0[15] = check_out_port_sec();",
	  "reg0[15] = check_in_port_sec(); reg0[15] = check_out_port_sec();" },
	{ "reg0[6] = chk_lb_hairpin(); reg0[12] = chk_lb_hairpin_reply();",
	  "reg0[6] = chk_lb_hairpin(); reg0[12] = chk_lb_hairpin_reply();" },
	{ "reg9[6] = chk_lb_aff(); commit_lb_aff(vip = \"172.16.0.10:80\", backend = \"10.0.1.5:8080\", proto = tcp, timeout = 30);",
	  "reg9[6] = chk_lb_aff(); commit_lb_aff(vip = \"172.16.0.10:80\", backend = \"10.0.1.5:8080\", proto = tcp, timeout = 30);" },
	{ "reg1 = 172.16.0.10; reg2[0..15] = 80; ct_lb;", "reg1 = 172.16.0.10; reg2[0..15] = 80; ct_lb;" },
	{ "icmp4 { icmp4.type = 0; output; };", "icmp4 { icmp4.type = 0; output; };" },
	{ "icmp6 { icmp6.type = 1; output; };", "icmp6 { icmp6.type = 1; output; };" },
	{ "nd_na_router { nd.tll = xreg0[0..47]; output; };", "nd_na_router { nd.tll = xreg0[0..47]; output; };" },
	{ "flags = 0; flags.loopback = 1; flags.use_snat_zone = reg9[4];",
	  "flags = 0; flags.loopback = 1; flags.use_snat_zone = reg9[4];" },
};

START_TEST(test_golden)
{
	char *out = parse(golden[_i].in);

	ck_assert_msg(!strcmp(out, golden[_i].out), "%s:\n got  %s\n want %s",
		      golden[_i].in, out, golden[_i].out);
	free(out);
}
END_TEST

static const struct {
	const char *in;
	const char *err;
} bad[] = {
	{ "frobnicate;", "column 1: unknown action frobnicate" },
	{ "next", "column 5: expected ';', found end of input" },
	{ "ip4.src = \"x\";", "column 11: ip4.src is a 32-bit field, not a port" },
	{ "outport = 5;", "column 11: outport takes a port name in quotes" },
	{ "ct.est = 1;", "column 10: ct.est is read-only" },
	{ "eth.type = 0x800;", "column 12: eth.type is read-only" },
	{ "tcp.dst = 70000;", "column 11: constant does not fit tcp.dst (16 bits)" },
	{ "reg0 = eth.src;", "column 15: cannot assign eth.src (48 bits) to reg0 (32 bits)" },
	{ "reg0 <-> reg0[0..7];", "column 20: cannot exchange reg0 (32 bits) with reg0 (8 bits)" },
	{ "reg0--;", "column 7: only ip.ttl can be decremented" },
	{ "ct_label.blocked = 1;", "column 20: ct_label.blocked can be set only inside ct_commit { }" },
	{ "ct_commit { reg0 = 1; };", "column 20: only ct_mark and ct_label can be set inside ct_commit, not reg0" },
	{ "ct_commit { next; };", "column 13: next is not allowed inside ct_commit { }" },
	{ "reg0 = lookup_arp(inport, arp.spa, arp.sha);", "column 18: lookup_arp's result must be a 1-bit field, not 32 bits" },
	{ "lookup_arp(inport, arp.spa, arp.sha);", "column 11: lookup_arp returns a value: write \"FIELD = lookup_arp(...)\"" },
	{ "reg0[0] = put_arp(inport, arp.spa, arp.sha);", "column 18: put_arp does not return a value" },
	{ "put_arp(inport, arp.spa);", "column 25: put_arp takes 3 arguments, not 2" },
	{ "put_arp(reg0, arp.spa, arp.sha);", "column 32: put_arp: argument 1 must be inport or outport" },
	{ "clone;", "column 6: clone needs a block { ... }" },
	{ "clone { output; ", "column 17: expected '}', found end of input" },
	{ "nosuch.field = 1;", "column 1: unknown field nosuch.field" },
	{ "reg0[33] = 1;", "column 8: bits 33..33 are outside reg0 (32 bits)" },
	{ "next(pipeline=sideways);", "column 24: next takes a table and a pipeline (ingress or egress)" },
	{ "ip4 = 1;", "column 1: ip4 is a predicate, not a field" },
	{ "reg0 = 1 # 2;", "column 10: unexpected character '#'" },
};

START_TEST(test_errors)
{
	char *out = parse(bad[_i].in);
	char want[300];

	snprintf(want, sizeof(want), "ERROR: %s", bad[_i].err);
	ck_assert_msg(!strcmp(out, want), "%s:\n got  %s\n want %s",
		      bad[_i].in, out, want);
	free(out);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *lflow_actions_suite(void)
{
	Suite *s = suite_create("lflow_actions");
	TCase *tc = tcase_create("lflow_actions");

	tcase_add_test(tc, test_corpus);
	tcase_add_test(tc, test_corpus_prefixes);
	tcase_add_loop_test(tc, test_golden, 0, N(golden));
	tcase_add_loop_test(tc, test_errors, 0, N(bad));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lflow_actions_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
