// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the OVN node keys (include/weft/ovn_node.h): the
 * external_ids ovn-controller reads, set with weft-vsctl's grammar on an
 * in-memory configuration, and the interfaces asking for logical ports.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovn_node.h"
#include "weft/vsctl.h"

/* Runs one weft-vsctl command line (words separated by spaces). */
static void vsctl(struct wft_conf *conf, const char *line)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_vsctl_cmds cmds = { NULL, 0 };
	struct wft_vsctl_result res;
	struct wft_vsctl_options o;
	char buf[1024], *argv[64], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	memset(&res, 0, sizeof(res));
	wft_vsctl_options_init(&o);
	ck_assert_int_eq(wft_vsctl_parse_argv(argc, argv, &o, &cmds, &err),
			 0);
	ck_assert_msg(!wft_vsctl_run(conf, &cmds, &o.style, &res, &err),
		      "%s: %s", line, wft_strbuf_cstr(&err));
	wft_vsctl_result_free(&res);
	wft_vsctl_cmds_free(&cmds);
	wft_vsctl_options_uninit(&o);
	wft_strbuf_free(&err);
}

/* Parses @conf's keys; returns the error text ("" on success). */
static const char *node(struct wft_conf *conf, struct wft_ovn_node *n)
{
	static char text[256];
	struct wft_strbuf err = WFT_STRBUF_INIT;
	int ret = wft_ovn_node_from_conf(conf, n, &err);

	snprintf(text, sizeof(text), "%s", ret ? wft_strbuf_cstr(&err) : "");
	ck_assert(!ret == !*text);
	wft_strbuf_free(&err);
	return text;
}

START_TEST(test_disabled_without_both_keys)
{
	struct wft_conf *conf = wft_conf_new(NULL, NULL);
	struct wft_ovn_node n;

	ck_assert_str_eq(node(conf, &n), "");
	ck_assert(!n.enabled);
	ck_assert_str_eq(n.bridge, "br-int");
	wft_ovn_node_uninit(&n);
	/* system-id alone: no chassis (and no need for an encap ip). */
	vsctl(conf, "set Open_vSwitch . external_ids:system-id=hv1");
	ck_assert_str_eq(node(conf, &n), "");
	ck_assert(!n.enabled);
	wft_ovn_node_uninit(&n);
	/* Both: a chassis, which needs ovn-encap-ip. */
	vsctl(conf, "set Open_vSwitch . external_ids:ovn-remote=unix:/x.sock");
	ck_assert_str_eq(node(conf, &n), "ovn-encap-ip is not set");
	wft_ovn_node_uninit(&n);
	vsctl(conf, "set Open_vSwitch . external_ids:ovn-encap-ip=192.0.2.1");
	ck_assert_str_eq(node(conf, &n), "");
	ck_assert(n.enabled);
	ck_assert_str_eq(n.system_id, "hv1");
	ck_assert_str_eq(n.remote, "unix:/x.sock");
	ck_assert_str_eq(n.encap_ip, "192.0.2.1");
	ck_assert_str_eq(n.encap_types[0], "geneve");
	ck_assert_ptr_null(n.encap_types[1]);
	ck_assert_int_eq(n.probe_ms, 5000);
	ck_assert(!n.monitor_all);
	ck_assert_ptr_null(n.hostname);
	wft_ovn_node_uninit(&n);
	wft_conf_free(conf);
}
END_TEST

START_TEST(test_every_key)
{
	struct wft_conf *conf = wft_conf_new(NULL, NULL);
	struct wft_ovn_node a, b;

	vsctl(conf, "set Open_vSwitch . external_ids:system-id=hv1 "
		    "external_ids:ovn-remote=tcp:10.0.0.1:6642,tcp:10.0.0.2:6642 "
		    "external_ids:ovn-encap-ip=10.1.0.1 "
		    "external_ids:ovn-encap-type=vxlan,geneve "
		    "external_ids:ovn-bridge=br-ovn "
		    "external_ids:ovn-remote-probe-interval=0 "
		    "external_ids:ovn-monitor-all=true "
		    "external_ids:hostname=node-1");
	ck_assert_str_eq(node(conf, &a), "");
	ck_assert(a.enabled);
	ck_assert_str_eq(a.remote, "tcp:10.0.0.1:6642,tcp:10.0.0.2:6642");
	/* One Encap per type, geneve first whatever the key's order. */
	ck_assert_str_eq(a.encap_types[0], "geneve");
	ck_assert_str_eq(a.encap_types[1], "vxlan");
	ck_assert_ptr_null(a.encap_types[2]);
	ck_assert_str_eq(a.bridge, "br-ovn");
	ck_assert_int_eq(a.probe_ms, 0);
	ck_assert(a.monitor_all);
	ck_assert_str_eq(a.hostname, "node-1");
	ck_assert_str_eq(node(conf, &b), "");
	ck_assert(wft_ovn_node_equal(&a, &b));
	wft_ovn_node_uninit(&b);
	vsctl(conf, "set Open_vSwitch . external_ids:ovn-encap-ip=10.1.0.2");
	ck_assert_str_eq(node(conf, &b), "");
	ck_assert(!wft_ovn_node_equal(&a, &b));
	wft_ovn_node_uninit(&a);
	wft_ovn_node_uninit(&b);
	wft_conf_free(conf);
}
END_TEST

START_TEST(test_bad_values)
{
	static const struct { const char *set, *err; } cases[] = {
		{ "external_ids:ovn-encap-type=stt",
		  "ovn-encap-type: stt is not supported (geneve, vxlan)" },
		{ "external_ids:ovn-encap-type=,",
		  "ovn-encap-type: empty" },
		{ "external_ids:ovn-remote-probe-interval=5s",
		  "ovn-remote-probe-interval: \"5s\" is not a number of ms" },
		{ "external_ids:ovn-remote-probe-interval=-1",
		  "ovn-remote-probe-interval: \"-1\" is not a number of ms" },
		{ "external_ids:ovn-monitor-all=yes",
		  "ovn-monitor-all: \"yes\" is not true or false" },
	};
	struct wft_ovn_node n;
	char line[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wft_conf *conf = wft_conf_new(NULL, NULL);

		vsctl(conf, "set Open_vSwitch . external_ids:system-id=hv1 "
			    "external_ids:ovn-remote=unix:/x "
			    "external_ids:ovn-encap-ip=10.1.0.1");
		snprintf(line, sizeof(line), "set Open_vSwitch . %s",
			 cases[i].set);
		vsctl(conf, line);
		ck_assert_str_eq(node(conf, &n), cases[i].err);
		wft_ovn_node_uninit(&n);
		wft_conf_free(conf);
	}
}
END_TEST

START_TEST(test_ifaces)
{
	struct wft_conf *conf = wft_conf_new(NULL, NULL);
	struct wft_ovn_iface *v;
	size_t n;

	ck_assert_uint_eq(wft_ovn_ifaces_from_conf(conf, "br-int", &v), 0);
	vsctl(conf, "add-br br-int -- add-br br-ex");
	vsctl(conf, "add-port br-int vm2 -- set Interface vm2 "
		    "external_ids:iface-id=lp2 "
		    "external_ids:ovn-installed=true");
	vsctl(conf, "add-port br-int vm1 -- set Interface vm1 "
		    "external_ids:iface-id=lp1");
	vsctl(conf, "add-port br-int plain");
	/* Only ovn-bridge's interfaces count. */
	vsctl(conf, "add-port br-ex other -- set Interface other "
		    "external_ids:iface-id=lp3");
	n = wft_ovn_ifaces_from_conf(conf, "br-int", &v);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].iface_id, "lp1");
	ck_assert_str_eq(v[0].name, "vm1");
	ck_assert(!v[0].installed);
	ck_assert_str_eq(v[1].iface_id, "lp2");
	ck_assert_str_eq(v[1].name, "vm2");
	ck_assert(v[1].installed);
	wft_ovn_ifaces_free(v, n);
	/* A second interface with the same iface-id is ignored. */
	vsctl(conf, "add-port br-int dup -- set Interface dup "
		    "external_ids:iface-id=lp1");
	n = wft_ovn_ifaces_from_conf(conf, "br-int", &v);
	ck_assert_uint_eq(n, 2);
	wft_ovn_ifaces_free(v, n);
	wft_conf_free(conf);
}
END_TEST

static Suite *ovn_node_suite(void)
{
	Suite *s = suite_create("ovn_node");
	TCase *tc = tcase_create("keys");

	tcase_add_test(tc, test_disabled_without_both_keys);
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_ifaces);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ovn_node_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
