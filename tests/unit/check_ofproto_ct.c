// SPDX-License-Identifier: GPL-2.0
/*
 * Recirculation through weftd's upcall path, in-process on the fake
 * datapath (fake_dp.h, fake_dpif.h), the rules loaded as weft-ofctl loads
 * them:
 *  - the first pass of a packet through ct(table=1) installs a megaflow
 *    for recirc_id(0) whose actions are ct(zone=..),recirc(ID);
 *  - the packet coming back as recirc_id(ID) is translated from table 1,
 *    with the registers the first pass left (the zone register), and its
 *    megaflow matches recirc_id(ID);
 *  - the revalidator re-translates both (the id stays valid: nothing is
 *    modified or deleted), and after a rule change it fixes the
 *    recirculated flow's actions.
 * The conntrack fields of a recirculated key are the key conversion's
 * (odp_flow.c); these cases read none of them.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "weft/bridge.h"
#include "weft/daemon.h"
#include "weft/jsonrpc.h"
#include "weft/ofp_flow.h"
#include "weft/ofproto.h"
#include "weft/util.h"

#include "fake_dp.h"
#include "fake_dpif.h"

#define TIMEOUT_MS	20000

static const struct wft_component *const components[] = {
	&wft_appctl_component, &wft_conf_component, &wft_bridge_component,
	&wft_ofproto_component, &wft_udpif_component, &wft_listen_component,
};

static struct wft_dp_ops ops;
static char dir[64], sock_path[128], conf_path[128];
static struct wft_daemon *daemon_;
static pthread_t daemon_thread;

static void *daemon_main(void *arg)
{
	wft_daemon_run(arg);
	return NULL;
}

static void daemon_start(void)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_daemon_config cfg = {
		.socket_path = sock_path, .conf_path = conf_path,
		.dp_ops = &ops, .shutdown_ms = 2000, .version = "test",
	};

	ck_assert_msg(!wft_daemon_start(&cfg, components,
					WFT_ARRAY_SIZE(components), &daemon_,
					&err), "%s", wft_strbuf_cstr(&err));
	ck_assert_int_eq(pthread_create(&daemon_thread, NULL, daemon_main,
					daemon_), 0);
	wft_strbuf_free(&err);
}

static json_t *call(const char *method, json_t *params)
{
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error e;
	json_t *r = NULL;

	wft_jsonrpc_error_init(&e);
	ck_assert_msg(!wft_jsonrpc_client_open(sock_path, TIMEOUT_MS, &c, &e),
		      "%s", e.message);
	wft_jsonrpc_call(c, method, params, TIMEOUT_MS, &r, &e);
	wft_jsonrpc_client_close(c);
	ck_assert_msg(r || !strcmp(method, "exit"), "%s: %s", method,
		      e.message ? e.message : "?");
	wft_jsonrpc_error_clear(&e);
	return r;
}

static void daemon_stop(void)
{
	json_decref(call("exit", NULL));
	pthread_join(daemon_thread, NULL);
	wft_daemon_stop(daemon_);
	daemon_ = NULL;
}

static void vsctl(const char *line)
{
	json_t *cmds = json_array(), *cmd = json_array();
	char *copy = strdup(line), *w, *save = NULL;

	for (w = strtok_r(copy, " ", &save); w;
	     w = strtok_r(NULL, " ", &save)) {
		if (strcmp(w, "--")) {
			json_array_append_new(cmd, json_string(w));
			continue;
		}
		json_array_append_new(cmds, cmd);
		cmd = json_array();
	}
	json_array_append_new(cmds, cmd);
	free(copy);
	json_decref(call("vsctl/transact", json_pack("{s:o}", "commands",
						     cmds)));
}

static void flow_mods(const char *cmd, const char *const *flows)
{
	json_t *a = json_array();

	for (; *flows; flows++)
		json_array_append_new(a, json_string(*flows));
	json_decref(call("ofctl/flow-mods", json_pack("{s:s,s:s,s:o}",
		"bridge", "br0", "command", cmd, "flows", a)));
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_ofproto_ct.XXXXXX");
	ck_assert(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/weftd.sock", dir);
	snprintf(conf_path, sizeof(conf_path), "%s/conf.json", dir);
	fake_reset();
	fdp_reset();
	ops = fake_ops;
	ops.dpif = &fdp_ops;
}

static void teardown(void)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/" WFT_OFPORTS_FILE, dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/tlv_maps.json", dir);
	unlink(p);
	unlink(conf_path);
	rmdir(dir);
	fdp_reset();
}

/* Waits (bounded) until the fake datapath has @n flows. */
static void wait_flows(size_t n)
{
	int i;

	for (i = 0; i < 4000 && FDP_GET(n_flows) < n; i++)
		usleep(5000);
	ck_assert_uint_eq(FDP_GET(n_flows), n);
}

/* The text of the flow whose key has "recirc_id(@id)", or "". */
static const char *flow_with_id(uint32_t id)
{
	static char buf[1024];
	char want[32];
	size_t i, n = FDP_GET(n_flows);

	snprintf(want, sizeof(want), "recirc_id(%#x)", id);
	if (!id)
		snprintf(want, sizeof(want), "recirc_id(0)");
	for (i = 0; i < n; i++) {
		snprintf(buf, sizeof(buf), "%s", fdp_flow_text(i));
		if (strstr(buf, want))
			return buf;
	}
	return "";
}

static uint32_t recirc_in(const char *text)
{
	const char *p = strstr(text, "recirc(");
	unsigned int id = 0;

	if (p)
		sscanf(p, "recirc(%i)", (int *)&id);
	return id;
}

START_TEST(test_recirculation_through_upcalls)
{
	static const char *const rules[] = {
		"table=0,priority=10,in_port=p1,ip,ct_state=-trk,"
		"actions=load:0x9->NXM_NX_REG13[0..15],"
		"ct(table=1,zone=NXM_NX_REG13[0..15])",
		"table=1,priority=10,ip,reg13=0x9,actions=output:p2",
		"table=1,priority=5,ip,actions=drop",
		NULL,
	};
	struct wft_flow f;
	struct wft_flow_wc m;
	char err[128], pkt[160], want[64];
	const char *t;
	uint32_t id;
	int i, p2;

	daemon_start();
	vsctl("add-br br0 -- set bridge br0 fail_mode=secure -- "
	      "add-port br0 p1 -- add-port br0 p2");
	flow_mods("add", rules);
	p2 = fake_port_no(WFT_DP_DEFAULT_NAME, "p2");
	snprintf(pkt, sizeof(pkt), "in_port=%d,tcp,nw_src=10.0.0.1,"
		 "nw_dst=10.0.0.2,tp_src=1000,tp_dst=80",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "p1"));
	ck_assert(!wft_ofp_match_parse(pkt, &f, &m, err, sizeof(err)));
	for (i = 0; i < 2000 && !FDP_GET(n_pids); i++)
		usleep(5000);

	/* First pass. */
	fdp_miss(&f, 0);
	wait_flows(1);
	t = flow_with_id(0);
	printf("first pass:  %s\n", t);
	ck_assert_msg(strstr(t, "actions:ct(zone=9),recirc("), "%s", t);
	id = recirc_in(t);
	ck_assert_uint_ne(id, 0);

	/* The packet back from conntrack: table 1, with reg13 = 9. */
	f.recirc_id = htonl(id);
	fdp_miss(&f, 1);
	wait_flows(2);
	t = flow_with_id(id);
	printf("second pass: %s\n", t);
	snprintf(want, sizeof(want), " actions:%d", p2);
	ck_assert_msg(strstr(t, want) && !strstr(t, "ct("), "%s", t);

	/* Revalidation thaws the same state: nothing changes. */
	json_decref(call("revalidator/wait", NULL));
	json_decref(call("revalidator/wait", NULL));
	ck_assert_int_eq(FDP_GET(n_flows), 2);
	ck_assert_int_eq(FDP_GET(n_modify), 0);
	ck_assert_int_eq(FDP_GET(n_del), 0);

	/* A rule change after the recirculation point: the recirculated
	 * flow's actions follow it; the first pass's stay. */
	flow_mods("delete_strict", (const char *const[]){
		"table=1,priority=10,ip,reg13=0x9", NULL });
	json_decref(call("revalidator/wait", NULL));
	for (i = 0; i < 2000 && !strstr(flow_with_id(id), "actions:drop");
	     i++)
		usleep(5000);
	t = flow_with_id(id);
	ck_assert_msg(!strlen(t) || strstr(t, "actions:drop"), "%s", t);
	t = flow_with_id(0);
	ck_assert_msg(strstr(t, "actions:ct(zone=9),recirc("), "%s", t);
	ck_assert_uint_eq(recirc_in(t), id);
	daemon_stop();
}
END_TEST

/* A packet with an id nobody froze is dropped, not translated from
 * table 0. */
START_TEST(test_unknown_recirc_id_upcall)
{
	static const char *const rules[] = {
		"table=0,priority=10,ip,actions=output:p2", NULL,
	};
	struct wft_flow f;
	struct wft_flow_wc m;
	char err[128], pkt[160];
	const char *t;
	int i;

	daemon_start();
	vsctl("add-br br0 -- set bridge br0 fail_mode=secure -- "
	      "add-port br0 p1 -- add-port br0 p2");
	flow_mods("add", rules);
	snprintf(pkt, sizeof(pkt), "in_port=%d,udp,nw_dst=10.0.0.2",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "p1"));
	ck_assert(!wft_ofp_match_parse(pkt, &f, &m, err, sizeof(err)));
	f.recirc_id = htonl(0xabcdef);
	for (i = 0; i < 2000 && !FDP_GET(n_pids); i++)
		usleep(5000);
	fdp_miss(&f, 0);
	wait_flows(1);
	t = flow_with_id(0xabcdef);
	ck_assert_msg(strstr(t, "actions:drop"), "%s", t);
	daemon_stop();
}
END_TEST

static Suite *ofproto_ct_suite(void)
{
	Suite *s = suite_create("ofproto_ct");
	TCase *tc = tcase_create("recirc");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_recirculation_through_upcalls);
	tcase_add_test(tc, test_unknown_recirc_id_upcall);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ofproto_ct_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
