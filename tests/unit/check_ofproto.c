// SPDX-License-Identifier: GPL-2.0
/*
 * weftd's ofproto and udpif components in-process, driven through the
 * control socket as weft-ofctl, weft-trace and weft-appctl drive them,
 * on a fake datapath (fake_dp.h: ports; fake_dpif.h: flows, upcalls).
 *
 *   test ── JSON-RPC ──► loop thread: conf, bridge, ofproto, udpif
 *     │                        │ wft_dp_ops + wft_dpif_ops
 *     └── fdp_miss() ──► fake datapath ◄── handler, revalidator threads
 *
 * Cases: flow-mods all or nothing with "line N" errors, port names,
 * dump-flows in ovs-ofctl's text, replace-flows, dump-tables, traces
 * (one bridge, and across a patch port), fdb, dpif/show, upcalls end to
 * end with revalidator/wait and purge, and a restart that adopts the
 * datapath's flows; tunnels (issue 5): the shared vport, TLV map methods
 * and their persistence, a trace that sets the tunnel, an upcall from the
 * tunnel vport that lands on the tunnel port whose remote and key fit,
 * tunnel/mtu.
 */
#include <arpa/inet.h>
#include <check.h>
#include <endian.h>
#include <regex.h>
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
#include "weft/vlog.h"

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
static unsigned int uuid_counter;

/* UUIDs in creation order, so that ports come in the order added. */
static void uuid_seq(struct wft_uuid *u, void *aux)
{
	memset(u, 0, sizeof(*u));
	u->b[12] = (uint8_t)(++uuid_counter >> 8);
	u->b[13] = (uint8_t)uuid_counter;
	u->b[6] = 0x40;
	u->b[8] = 0x80;
}

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
		.uuid_gen = uuid_seq,
	};

	ck_assert_msg(!wft_daemon_start(&cfg, components,
					WFT_ARRAY_SIZE(components), &daemon_,
					&err), "%s", wft_strbuf_cstr(&err));
	ck_assert_int_eq(pthread_create(&daemon_thread, NULL, daemon_main,
					daemon_), 0);
	wft_strbuf_free(&err);
}

/* One call; the result, or NULL with the error's message in @msg. */
static json_t *call(const char *method, json_t *params, char **msg)
{
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error e;
	json_t *r = NULL;

	wft_jsonrpc_error_init(&e);
	ck_assert_msg(!wft_jsonrpc_client_open(sock_path, TIMEOUT_MS, &c, &e),
		      "%s", e.message);
	wft_jsonrpc_call(c, method, params, TIMEOUT_MS, &r, &e);
	wft_jsonrpc_client_close(c);
	if (msg)
		*msg = e.message ? strdup(e.message) : NULL;
	wft_jsonrpc_error_clear(&e);
	return r;
}

static json_t *call_ok(const char *method, json_t *params)
{
	char *msg;
	json_t *r = call(method, params, &msg);

	ck_assert_msg(r, "%s: %s", method, msg);
	return r;
}

/* The error message of a call that must fail (static buffer). */
static const char *call_err(const char *method, json_t *params)
{
	static char buf[512];
	char *msg;
	json_t *r = call(method, params, &msg);

	ck_assert_msg(!r, "%s succeeded", method);
	snprintf(buf, sizeof(buf), "%s", msg ? msg : "");
	free(msg);
	return buf;
}

/* The "text" of a call that must succeed (static buffer). */
static const char *text_of(const char *method, json_t *params)
{
	static char buf[16384];
	json_t *r = call_ok(method, params);

	snprintf(buf, sizeof(buf), "%s",
		 json_string_value(json_object_get(r, "text")));
	json_decref(r);
	return buf;
}

static void daemon_stop(void)
{
	json_decref(call("exit", NULL, NULL));
	pthread_join(daemon_thread, NULL);
	wft_daemon_stop(daemon_);
	daemon_ = NULL;
}

static void vsctl(const char *line)
{
	json_t *cmds = json_array(), *cmd = json_array();
	char *copy = strdup(line), *w, *save = NULL;

	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (strcmp(w, "--")) {
			json_array_append_new(cmd, json_string(w));
			continue;
		}
		json_array_append_new(cmds, cmd);
		cmd = json_array();
	}
	json_array_append_new(cmds, cmd);
	free(copy);
	json_decref(call_ok("vsctl/transact",
			    json_pack("{s:o}", "commands", cmds)));
}

static json_t *flows_of(const char *const *flows)
{
	json_t *a = json_array();

	for (; *flows; flows++)
		json_array_append_new(a, json_string(*flows));
	return a;
}

static json_t *flow_mods(const char *br, const char *cmd,
			 const char *const *flows)
{
	return json_pack("{s:s,s:s,s:o}", "bridge", br, "command", cmd,
			 "flows", flows_of(flows));
}

static const char *dump(const char *br, bool stats, bool names)
{
	return text_of("ofctl/dump-flows", json_pack("{s:s,s:b,s:b}",
		"bridge", br, "no_stats", !stats, "names", names));
}

static void matches(const char *text, const char *re)
{
	regex_t r;

	ck_assert_int_eq(regcomp(&r, re, REG_EXTENDED | REG_NEWLINE), 0);
	ck_assert_msg(!regexec(&r, text, 0, NULL, 0), "/%s/ not in:\n%s", re,
		      text);
	regfree(&r);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_ofproto.XXXXXX");
	ck_assert(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/weftd.sock", dir);
	snprintf(conf_path, sizeof(conf_path), "%s/conf.json", dir);
	fake_reset();
	fdp_reset();
	ops = fake_ops;
	ops.dpif = &fdp_ops;
	uuid_counter = 0;
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

/* A bridge with two ports; the rules of most cases. */
static void br0_up(void)
{
	daemon_start();
	vsctl("add-br br0 -- add-port br0 p1 -- add-port br0 p2");
}

static const char *const rules[] = {
	"table=0,priority=100,in_port=p1,actions=output:p2",
	"priority=50,ip,nw_src=10.0.0.0/8,actions=resubmit(,1)",
	"table=1,priority=10,cookie=0x5,tcp,tp_dst=80,actions=drop",
	NULL,
};

/* ofctl. */

START_TEST(test_flow_mods_and_dump)
{
	json_t *r;

	br0_up();
	/* A new standalone bridge has OVS's default rule. */
	ck_assert_str_eq(dump("br0", false, false), " priority=0 actions=NORMAL\n");
	r = call_ok("ofctl/flow-mods", flow_mods("br0", "add", rules));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "n")), 3);
	json_decref(r);
	ck_assert_str_eq(dump("br0", false, false),
			 " priority=100,in_port=1 actions=output:2\n"
			 " priority=50,ip,nw_src=10.0.0.0/8 "
			 "actions=resubmit(,1)\n"
			 " priority=0 actions=NORMAL\n"
			 " cookie=0x5, table=1, priority=10,tcp,tp_dst=80 "
			 "actions=drop\n");
	ck_assert(strstr(dump("br0", false, true),
			 " priority=100,in_port=p1 actions=output:p2\n"));
	matches(dump("br0", true, false),
		"^ cookie=0x0, duration=[0-9]+(\\.[0-9]+)?s, table=0, "
		"n_packets=0, n_bytes=0, idle_age=[0-9]+, priority=100,"
		"in_port=1 actions=output:2$");
	/* A filter, as del-flows takes it. */
	ck_assert_str_eq(text_of("ofctl/dump-flows", json_pack(
		"{s:s,s:s,s:b}", "bridge", "br0", "match", "table=1",
		"no_stats", 1)),
		" cookie=0x5, table=1, priority=10,tcp,tp_dst=80 "
		"actions=drop\n");
	r = call_ok("ofctl/dump-flows", json_pack("{s:s,s:s}", "bridge", "br0",
						  "match", "cookie=0x5/-1"));
	ck_assert_uint_eq(json_array_size(json_object_get(r, "flows")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(
		json_object_get(r, "flows"), 0), "match")), "tcp,tp_dst=80");
	json_decref(r);
	/* delete --strict, then delete all. */
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br0",
		"delete_strict", (const char *const[]){ "priority=0", NULL })));
	ck_assert(!strstr(dump("br0", false, false), "NORMAL"));
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br0", "delete",
		(const char *const[]){ "", NULL })));
	ck_assert_str_eq(dump("br0", false, false), "");
	daemon_stop();
}
END_TEST

START_TEST(test_flow_mods_errors)
{
	const char *before;

	br0_up();
	before = strdup(dump("br0", false, false));
	ck_assert_str_eq(call_err("ofctl/flow-mods", flow_mods("br9", "add",
					rules)), "no bridge named br9");
	/* All or nothing: line 2 is bad, line 1 is not applied. */
	ck_assert_str_eq(call_err("ofctl/flow-mods", flow_mods("br0", "add",
		(const char *const[]){ "priority=5,actions=drop",
				       "priority=6,foo=1,actions=drop",
				       NULL })),
		"line 2: unknown keyword \"foo\"");
	ck_assert_str_eq(dump("br0", false, false), before);
	/* A port name the bridge does not have. */
	matches(call_err("ofctl/flow-mods", flow_mods("br0", "add",
		(const char *const[]){ "in_port=p9,actions=drop", NULL })),
		"^line 1: .*p9");
	/* check_overlap refuses line 2: line 1 does not stay either. */
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br0", "add",
		(const char *const[]){ "priority=7,ip,actions=drop", NULL })));
	ck_assert_str_eq(call_err("ofctl/flow-mods", flow_mods("br0", "add",
		(const char *const[]){ "priority=8,arp,actions=drop",
				       "check_overlap,priority=7,tcp,"
				       "actions=drop", NULL })),
		"line 2: the flow overlaps an existing flow of the same "
		"priority (check_overlap)");
	ck_assert(!strstr(dump("br0", false, false), "arp"));
	ck_assert_str_eq(call_err("ofctl/flow-mods", json_pack("{s:s,s:s,s:[]}",
		"bridge", "br0", "command", "frob", "flows")),
		"\"command\" must be add, modify, modify_strict, delete or "
		"delete_strict");
	free((char *)before);
	daemon_stop();
}
END_TEST

START_TEST(test_replace_flows)
{
	json_t *r;

	br0_up();
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br0", "add", rules)));
	r = call_ok("ofctl/replace-flows", json_pack("{s:s,s:o}", "bridge",
		"br0", "flows", flows_of((const char *const[]){
		"table=0,priority=100,in_port=p1,actions=output:p2",
		"priority=50,ip,nw_src=10.0.0.0/8,actions=drop",
		"table=2,priority=1,actions=drop", NULL })));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "added")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "modified")),
			 1);
	/* NORMAL and table 1's rule. */
	ck_assert_int_eq(json_integer_value(json_object_get(r, "deleted")), 2);
	json_decref(r);
	ck_assert_str_eq(dump("br0", false, false),
			 " priority=100,in_port=1 actions=output:2\n"
			 " priority=50,ip,nw_src=10.0.0.0/8 actions=drop\n"
			 " table=2, priority=1 actions=drop\n");
	ck_assert_str_eq(call_err("ofctl/replace-flows", json_pack(
		"{s:s,s:[s,s]}", "bridge", "br0", "flows", "actions=drop",
		"priority=x,actions=drop")),
		"line 2: priority: \"x\" is not a number from 0 to 65535");
	daemon_stop();
}
END_TEST

START_TEST(test_dump_tables)
{
	json_t *r;

	br0_up();
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br0", "add", rules)));
	r = call_ok("ofctl/dump-tables", json_pack("{s:s}", "bridge", "br0"));
	ck_assert_str_eq(json_string_value(json_object_get(r, "text")),
			 "  table 0:\n    active=3, lookup=0, matched=0\n\n"
			 "  table 1:\n    active=1, lookup=0, matched=0\n");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(
		json_object_get(r, "tables"), 1), "table")), 1);
	json_decref(r);
	daemon_stop();
}
END_TEST

/* ofproto/trace. */

START_TEST(test_trace)
{
	const char *t, *want;
	char line[64];
	json_t *r;

	br0_up();
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br0", "add", rules)));
	t = text_of("ofproto/trace", json_pack("{s:s,s:s}", "bridge", "br0",
		"flow", "in_port=p2,tcp,nw_src=10.0.0.1,tp_dst=80"));
	/* The Flow line as ovs-appctl ofproto/trace prints it (3.1). */
	want = "Flow: tcp,in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,"
	       "dl_dst=00:00:00:00:00:00,nw_src=10.0.0.1,nw_dst=0.0.0.0,"
	       "nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,"
	       "tcp_flags=0\n\nbridge(\"br0\")\n-------------\n"
	       " 0. ip,nw_src=10.0.0.0/8, priority 50\n"
	       "    resubmit(,1)\n"
	       "     1. tcp,tp_dst=80, priority 10, cookie 0x5\n"
	       "        drop\n\nFinal flow: unchanged\n";
	ck_assert_msg(!strncmp(t, want, strlen(want)), "%s", t);
	matches(t, "^Megaflow: .*nw_src=10\\.0\\.0\\.0/8");
	matches(t, "^Datapath actions: drop$");
	/* appctl style, and a port that outputs. */
	r = call_ok("ofproto/trace", json_pack("[s,s]", "br0", "in_port=p1"));
	snprintf(line, sizeof(line), "Datapath actions: %d\n",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "p2"));
	ck_assert(strstr(json_string_value(json_object_get(r, "text")), line));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r,
		"trace"), "bridge")), "br0");
	json_decref(r);
	ck_assert_str_eq(call_err("ofproto/trace", json_pack("[s,s]", "nobr",
					"in_port=1")), "no bridge named nobr");
	matches(call_err("ofproto/trace", json_pack("[s,s]", "br0",
						    "in_port=1,frob=2")),
		"frob");
	daemon_stop();
}
END_TEST

/* ofproto/trace follows a packet through ct(table=N): the first pass ends
 * in recirc(ID); "recirc_id=ID" in the flow resumes in table N with the
 * registers frozen at the ct, and ct_state says what conntrack found. */
START_TEST(test_trace_recirc)
{
	static const char *const ct_rules[] = {
		"table=0,priority=10,in_port=p1,ip,actions=load:0x7->NXM_NX_REG3[],ct(zone=5,table=1)",
		"table=1,priority=20,ct_state=+trk+new,reg3=0x7,ip,actions=output:p2",
		"table=1,priority=10,ip,actions=drop",
		NULL,
	};
	char line[64], flow[160];
	const char *t, *p;
	unsigned long id;

	br0_up();
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br0", "add",
							 ct_rules)));
	t = text_of("ofproto/trace", json_pack("[s,s]", "br0",
					       "in_port=p1,ip"));
	p = strstr(t, "Datapath actions: ct(zone=5),recirc(");
	ck_assert_msg(p, "%s", t);
	id = strtoul(strstr(p, "recirc(") + 7, NULL,
		     0);
	ck_assert_uint_ne(id, 0);
	snprintf(flow, sizeof(flow), "in_port=p1,ip,recirc_id=%#lx,ct_state=+trk+new",
		 id);
	t = text_of("ofproto/trace", json_pack("[s,s]", "br0", flow));
	snprintf(line, sizeof(line), "Datapath actions: %d\n",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "p2"));
	ck_assert_msg(strstr(t, line), "%s", t);
	/* In the middle of the flow too; an established packet drops. */
	snprintf(flow, sizeof(flow), "in_port=p1,ip,ct_state=+trk+est,recirc_id=%lu",
		 id);
	t = text_of("ofproto/trace", json_pack("[s,s]", "br0", flow));
	matches(t, "^Datapath actions: drop$");
	matches(call_err("ofproto/trace", json_pack("[s,s]", "br0",
					"ip,recirc_id=x")), "recirc_id");
	daemon_stop();
}
END_TEST

/* br-int and br-ex joined by patch ports, OVN style: one translation
 * crosses them and ends on br-ex's uplink. */
START_TEST(test_patch_trace)
{
	const char *t;
	char want[64];

	daemon_start();
	vsctl("add-br br-int -- add-port br-int vif1 -- "
	      "add-port br-int patch-int -- set interface patch-int type=patch "
	      "options:peer=patch-ex -- "
	      "add-br br-ex -- add-port br-ex patch-ex -- set interface patch-ex "
	      "type=patch options:peer=patch-int -- add-port br-ex eth1");
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br-int", "add",
		(const char *const[]){ "priority=10,in_port=vif1,"
				       "actions=output:patch-int", NULL })));
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br-ex", "add",
		(const char *const[]){ "priority=10,in_port=patch-ex,"
				       "actions=output:eth1", NULL })));
	t = text_of("ofproto/trace", json_pack("[s,s]", "br-int",
					       "in_port=vif1,ip"));
	ck_assert_msg(strstr(t, "bridge(\"br-ex\")"), "%s", t);
	/* The peer's table 0 at the output's indentation, in_port the
	 * peer patch port (ports added together are numbered by name:
	 * eth1 1, patch-ex 2). */
	ck_assert_msg(strstr(t, "    bridge(\"br-ex\")\n    ---------------\n"
				"     0. in_port=2, priority 10\n"
				"        output:1\n"), "%s", t);
	snprintf(want, sizeof(want), "Datapath actions: %d\n",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "eth1"));
	ck_assert_msg(strstr(t, want), "%s", t);
	t = text_of("dpif/show", NULL);
	ck_assert_msg(strstr(t, "  br-ex:\n    br-ex 65534/"), "%s", t);
	ck_assert_msg(strstr(t, "    patch-ex 2/none: (patch: peer=patch-int)\n"),
		      "%s", t);
	daemon_stop();
}
END_TEST

/* appctl methods. */

START_TEST(test_dpif_show_and_fdb)
{
	char want[512];

	br0_up();
	snprintf(want, sizeof(want),
		 "system@weft-system: hit:0 missed:0\n"
		 "  lookups: hit:0 missed:0 lost:0\n"
		 "  flows: 0\n"
		 "  br0:\n"
		 "    br0 65534/%d: (internal)\n"
		 "    p1 1/%d: (system)\n"
		 "    p2 2/%d: (system)\n",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "br0"),
		 fake_port_no(WFT_DP_DEFAULT_NAME, "p1"),
		 fake_port_no(WFT_DP_DEFAULT_NAME, "p2"));
	ck_assert_str_eq(text_of("dpif/show", NULL), want);
	ck_assert_str_eq(text_of("fdb/show", json_pack("[s]", "br0")),
			 " port  VLAN  MAC                Age\n");
	ck_assert_str_eq(text_of("fdb/flush", NULL),
			 "table successfully flushed\n");
	ck_assert_str_eq(text_of("fdb/flush", json_pack("[s]", "br0")),
			 "table successfully flushed\n");
	ck_assert_str_eq(call_err("fdb/show", json_pack("[s]", "nosuchbr")),
			 "no such bridge");
	ck_assert_str_eq(call_err("dpif/dump-flows", json_pack("[s]", "nobr")),
			 "no bridge named nobr");
	daemon_stop();
}
END_TEST

static int revalidator_wait(void)
{
	json_decref(call_ok("revalidator/wait", NULL));
	return 0;
}

/* A miss through the daemon: handler, dpif/dump-flows, upcall/show; then
 * del-flows and the flow stops forwarding after one revalidator/wait. */
START_TEST(test_upcall_end_to_end)
{
	struct wft_flow f;
	struct wft_flow_wc m;
	char err[128], pkt[128];
	const char *t;
	int i;

	br0_up();
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br0", "add",
		(const char *const[]){ "priority=10,in_port=p1,ip,"
				       "actions=output:p2", NULL })));
	snprintf(pkt, sizeof(pkt), "in_port=%d,ip,nw_dst=10.0.0.2",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "p1"));
	ck_assert(!wft_ofp_match_parse(pkt, &f, &m, err, sizeof(err)));
	for (i = 0; i < 2000 && !FDP_GET(n_pids); i++)
		usleep(5000);
	fdp_miss(&f, 0);
	for (i = 0; i < 2000 && FDP_GET(n_flows) < 1; i++)
		usleep(5000);
	ck_assert_int_eq(FDP_GET(n_flows), 1);
	revalidator_wait();
	t = text_of("dpif/dump-flows", json_pack("[s]", "br0"));
	snprintf(err, sizeof(err), ", packets:0, bytes:0, used:never, "
		 "actions:%d\n", fake_port_no(WFT_DP_DEFAULT_NAME, "p2"));
	ck_assert_msg(strstr(t, err), "%s", t);
	ck_assert_str_eq(text_of("dpif/dump-flows", NULL), t);
	matches(text_of("upcall/show", NULL),
		"^  flows         : \\(current 1\\) \\(avg [0-9]+\\) "
		"\\(max [0-9]+\\) \\(limit 200000\\)$");
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br0", "delete",
		(const char *const[]){ "", NULL })));
	revalidator_wait();
	ck_assert(strstr(text_of("dpif/dump-flows", NULL), "actions:drop"));
	json_decref(call_ok("revalidator/purge", NULL));
	ck_assert_int_eq(FDP_GET(n_flows), 0);
	daemon_stop();
}
END_TEST

/* Settings from Open_vSwitch other_config. */
START_TEST(test_other_config)
{
	br0_up();
	vsctl("set Open_vSwitch . other_config:n-handler-threads=3 "
	      "other_config:flow-limit=5000");
	matches(text_of("upcall/show", NULL), "^  handlers: 3$");
	matches(text_of("upcall/show", NULL), "\\(limit 5000\\)");
	daemon_stop();
}
END_TEST

/* weftd restarts: the flows in the datapath are adopted, not flushed. */
START_TEST(test_restart_keeps_flows)
{
	struct wft_flow f;
	struct wft_flow_wc m;
	char err[128], pkt[160];
	struct wft_ufid before;
	int i, adds;

	br0_up();
	snprintf(pkt, sizeof(pkt), "in_port=%d,arp,dl_src=02:00:00:00:00:01,"
		 "dl_dst=ff:ff:ff:ff:ff:ff",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "p1"));
	ck_assert(!wft_ofp_match_parse(pkt, &f, &m, err, sizeof(err)));
	for (i = 0; i < 2000 && !FDP_GET(n_pids); i++)
		usleep(5000);
	fdp_miss(&f, 0);
	for (i = 0; i < 2000 && FDP_GET(n_flows) < 1; i++)
		usleep(5000);
	ck_assert_int_eq(FDP_GET(n_flows), 1);
	pthread_mutex_lock(&fdp.lock);
	before = fdp.flows[0].ufid;
	pthread_mutex_unlock(&fdp.lock);
	adds = fake.n_port_add;
	daemon_stop();
	daemon_start();
	revalidator_wait();
	revalidator_wait();
	ck_assert_int_eq(fake.n_port_add, adds);
	ck_assert_int_eq(FDP_GET(n_flows), 1);
	ck_assert_int_eq(FDP_GET(n_del), 0);
	ck_assert_int_eq(FDP_GET(n_modify), 0);
	pthread_mutex_lock(&fdp.lock);
	ck_assert(wft_ufid_equal(&fdp.flows[0].ufid, &before));
	pthread_mutex_unlock(&fdp.lock);
	matches(text_of("upcall/show", NULL), "\\(adopted 1\\)");
	daemon_stop();
}
END_TEST

/* Tunnels. */

#define OVN_TLV "{class=0x0102,type=0x80,len=4}->tun_metadata0"

static void br_int_up(void)
{
	daemon_start();
	vsctl("add-br br-int -- set bridge br-int fail_mode=secure -- "
	      "add-port br-int p1 -- set interface p1 ofport_request=1 -- "
	      "add-port br-int gnv -- set interface gnv type=geneve "
	      "options:remote_ip=flow options:key=flow options:csum=true "
	      "ofport_request=10 -- add-port br-int gnv2 -- set interface "
	      "gnv2 type=geneve options:remote_ip=192.0.2.7 options:key=7 "
	      "ofport_request=11");
}

START_TEST(test_tlv_methods)
{
	const char *want =
		"NXT_TLV_TABLE_REPLY (xid=0x2):\n"
		" max option space=256 max fields=64\n"
		" allocated option space=4\n\n"
		" mapping table:\n"
		"  class  type  length  match field\n"
		" ------  ----  ------  --------------\n"
		"  0x102  0x80       4  tun_metadata0\n";

	br_int_up();
	/* Both tunnel ports share one vport. */
	ck_assert_int_ge(fake_port_no(WFT_DP_DEFAULT_NAME, "genev_sys_6081"),
			 0);
	ck_assert_int_lt(fake_port_no(WFT_DP_DEFAULT_NAME, "gnv"), 0);
	matches(call_err("ofctl/flow-mods", flow_mods("br-int", "add",
		(const char *const[]){ "tun_metadata0=1,actions=drop", NULL })),
		"tun_metadata0 is not mapped");
	json_decref(call_ok("ofctl/add-tlv-map", json_pack("{s:s,s:s}",
		"bridge", "br-int", "mappings", OVN_TLV)));
	ck_assert_str_eq(text_of("ofctl/dump-tlv-map", json_pack("{s:s}",
		"bridge", "br-int")), want);
	matches(call_err("ofctl/add-tlv-map", json_pack("{s:s,s:s}",
		"bridge", "br-int", "mappings", OVN_TLV)),
		"NXTTMFC_ALREADY_MAPPED");
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br-int", "add",
		(const char *const[]){ "in_port=gnv,tun_metadata0=0x20001,"
				       "actions=output:p1", NULL })));
	matches(dump("br-int", false, false), "tun_metadata0=0x20001");
	matches(call_err("ofctl/del-tlv-map", json_pack("{s:s}", "bridge",
		"br-int")), "NXTTMFC_INVALID_TLV_DEL");
	/* The map survives a restart (rules do not). */
	daemon_stop();
	daemon_start();
	ck_assert_str_eq(text_of("ofctl/dump-tlv-map", json_pack("{s:s}",
		"bridge", "br-int")), want);
	json_decref(call_ok("ofctl/del-tlv-map", json_pack("{s:s}", "bridge",
		"br-int")));
	matches(text_of("ofctl/dump-tlv-map", json_pack("{s:s}", "bridge",
		"br-int")), "allocated option space=0\n");
	daemon_stop();
}
END_TEST

START_TEST(test_tunnel_trace)
{
	char want[256];
	const char *t;

	br_int_up();
	json_decref(call_ok("ofctl/add-tlv-map", json_pack("{s:s,s:s}",
		"bridge", "br-int", "mappings", OVN_TLV)));
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br-int", "add",
		(const char *const[]){ "in_port=p1,actions=set_field:0x5->"
		"tun_id,set_field:192.0.2.2->tun_dst,set_field:0x10002->"
		"tun_metadata0,output:gnv,output:gnv2", NULL })));
	t = text_of("ofproto/trace", json_pack("{s:s,s:s}", "bridge",
		"br-int", "flow", "in_port=p1,ip"));
	snprintf(want, sizeof(want), "Datapath actions: set(tunnel("
		 "tun_id=0x5,dst=192.0.2.2,ttl=64,geneve({class=0x102,"
		 "type=0x80,len=4,0x10002}),flags(df|csum|key))),%d,"
		 "set(tunnel(tun_id=0x7,dst=192.0.2.7,ttl=64,geneve({class="
		 "0x102,type=0x80,len=4,0x10002}),flags(df|key))),%d\n",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "genev_sys_6081"),
		 fake_port_no(WFT_DP_DEFAULT_NAME, "genev_sys_6081"));
	ck_assert_msg(strstr(t, want), "%s\nwant %s", t, want);
	matches(t, "^Final flow: ip,tun_id=0x5,tun_src=0\\.0\\.0\\.0,"
		"tun_dst=192\\.0\\.2\\.2,tun_flags=-oam,tun_metadata0=0x10002,"
		"in_port=1,");
	/* Written, so not matched: the megaflow has no tunnel field. */
	matches(t, "^Megaflow: ip,in_port=1,vlan_tci=0x0000,nw_frag=no$");
	/* A tunnel packet's trace starts with its tunnel key. */
	t = text_of("ofproto/trace", json_pack("{s:s,s:s}", "bridge",
		"br-int", "flow", "in_port=gnv2,tun_id=0x7,tun_src=192.0.2.7,"
		"tun_dst=192.0.2.1,ip"));
	matches(t, "^Flow: ip,tun_id=0x7,tun_src=192\\.0\\.2\\.7,"
		"tun_dst=192\\.0\\.2\\.1,tun_flags=-oam,in_port=11,");
	daemon_stop();
}
END_TEST

START_TEST(test_tunnel_upcall)
{
	struct wft_flow f;
	struct wft_flow_wc m;
	char err[128], pkt[128];
	const char *t;
	int i;

	br_int_up();
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br-int", "add",
		(const char *const[]){
			"priority=10,in_port=gnv2,tun_id=7,actions=output:p1",
			"priority=10,in_port=gnv,actions=drop", NULL })));
	/* From 192.0.2.7 with key 7: gnv2, whose remote and key are fixed,
	 * fits better than gnv's "flow". */
	snprintf(pkt, sizeof(pkt), "in_port=%d,ip,nw_dst=10.0.0.2",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "genev_sys_6081"));
	ck_assert(!wft_ofp_match_parse(pkt, &f, &m, err, sizeof(err)));
	f.tun_id = htobe64(7);
	f.tun_src = htonl(0xc0000207);
	f.tun_dst = htonl(0xc0000201);
	f.tun_flags = htons(WFT_TNL_F_KEY);
	for (i = 0; i < 2000 && !FDP_GET(n_pids); i++)
		usleep(5000);
	fdp_miss(&f, 0);
	for (i = 0; i < 2000 && FDP_GET(n_flows) < 1; i++)
		usleep(5000);
	ck_assert_int_eq(FDP_GET(n_flows), 1);
	revalidator_wait();
	t = text_of("dpif/dump-flows", NULL);
	snprintf(err, sizeof(err), "actions:%d\n",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "p1"));
	ck_assert_msg(strstr(t, err) && strstr(t, "tunnel(tun_id=0x7,"
		      "src=192.0.2.7,dst=192.0.2.1"), "%s", t);
	/* An unknown critical option: a drop megaflow matching it. */
	{
		static const uint8_t opts[8] = { 0x01, 0x03, 0x81, 0x01,
						 0, 0, 0, 1 };

		memcpy(f.tun_opts, opts, sizeof(opts));
		f.tun_opts_len = sizeof(opts);
		f.tun_flags = htons(WFT_TNL_F_KEY | WFT_TNL_F_CRIT);
		fdp_miss(&f, 0);
		for (i = 0; i < 2000 && FDP_GET(n_flows) < 2; i++)
			usleep(5000);
		ck_assert_int_eq(FDP_GET(n_flows), 2);
		revalidator_wait();
		t = text_of("dpif/dump-flows", NULL);
		ck_assert_msg(strstr(t, "geneve({class=0x103,type=0x81,len=4}"),
			      "%s", t);
		matches(t, "class=0x103.*actions:drop$");
	}
	/* tunnel/mtu answers (its underlay is unknown here). */
	matches(text_of("tunnel/mtu", NULL), "^br-int gnv2 \\(geneve over "
		"IPv4\\):$");
	daemon_stop();
}
END_TEST

/* A tunnel packet no tunnel port fits is dropped by a megaflow (not sent
 * up again and again), and the pipeline never sees it. */
START_TEST(test_tunnel_no_port)
{
	struct wft_flow f;
	struct wft_flow_wc m;
	char err[128], pkt[128];
	const char *t;
	int i;

	daemon_start();
	vsctl("add-br br-int -- set bridge br-int fail_mode=secure -- "
	      "add-port br-int p1 -- add-port br-int gnv2 -- set interface "
	      "gnv2 type=geneve options:remote_ip=192.0.2.7 options:key=7");
	json_decref(call_ok("ofctl/flow-mods", flow_mods("br-int", "add",
		(const char *const[]){ "actions=output:p1", NULL })));
	snprintf(pkt, sizeof(pkt), "in_port=%d,ip",
		 fake_port_no(WFT_DP_DEFAULT_NAME, "genev_sys_6081"));
	ck_assert(!wft_ofp_match_parse(pkt, &f, &m, err, sizeof(err)));
	f.tun_id = htobe64(7);
	f.tun_src = htonl(0xc0000263);		/* 192.0.2.99: nobody's */
	f.tun_dst = htonl(0xc0000201);
	f.tun_flags = htons(WFT_TNL_F_KEY);
	for (i = 0; i < 2000 && !FDP_GET(n_pids); i++)
		usleep(5000);
	fdp_miss(&f, 0);
	for (i = 0; i < 2000 && FDP_GET(n_flows) < 1; i++)
		usleep(5000);
	ck_assert_int_eq(FDP_GET(n_flows), 1);
	t = text_of("dpif/dump-flows", NULL);
	matches(t, "tunnel\\(tun_id=0x7,src=192\\.0\\.2\\.99,dst=192\\.0\\.2\\.1"
		".*actions:drop$");
	daemon_stop();
}
END_TEST

static Suite *ofproto_suite(void)
{
	Suite *s = suite_create("ofproto");
	TCase *tc;

	tc = tcase_create("ofctl");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_flow_mods_and_dump);
	tcase_add_test(tc, test_flow_mods_errors);
	tcase_add_test(tc, test_replace_flows);
	tcase_add_test(tc, test_dump_tables);
	suite_add_tcase(s, tc);

	tc = tcase_create("trace");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_trace);
	tcase_add_test(tc, test_trace_recirc);
	tcase_add_test(tc, test_patch_trace);
	suite_add_tcase(s, tc);

	tc = tcase_create("appctl");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dpif_show_and_fdb);
	tcase_add_test(tc, test_upcall_end_to_end);
	tcase_add_test(tc, test_other_config);
	tcase_add_test(tc, test_restart_keeps_flows);
	suite_add_tcase(s, tc);

	tc = tcase_create("tunnel");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tlv_methods);
	tcase_add_test(tc, test_tunnel_trace);
	tcase_add_test(tc, test_tunnel_upcall);
	tcase_add_test(tc, test_tunnel_no_port);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ofproto_suite());
	int failed;

	wft_log_set_all(WFT_LD_CONSOLE, WFT_LL_OFF);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
