// SPDX-License-Identifier: GPL-2.0
/*
 * The chassis side of the SB, against the real ovsdb-server and, as the
 * oracle, the real ovn-northd (helpers in ovsdb_server_env.h):
 *  - chassis registration (include/weft/sb_chassis.h) taking over a stale
 *    row, checked with ovn-sbctl show, the nb_cfg acknowledgement that
 *    `ovn-nbctl --wait=hv sync` (with the real ovn-northd) waits for, a
 *    lost race, and leaving;
 *  - the chassis' conditions (include/weft/sb_monitor.h): Logical_Flow,
 *    Port_Binding, Multicast_Group and MAC_Binding narrowed to the local
 *    datapaths, datapath groups and interfaces, moved, widened, and
 *    ovn-monitor-all;
 *  - the SB that the real ovn-northd writes for a small topology, and
 *    rewrites after NB changes: the replica equals the dump throughout.
 */
#include "ovsdb_server_env.h"

/* ---- chassis registration, with ovn-northd as the oracle ---- */

static bool sb_nb_cfg_set(struct env *e)
{
	struct wft_ovsdb_row *g = wft_ovsdb_rtable_first(
		wft_ovsdb_replica_table(rep(e), "SB_Global"));

	return g && wft_ovsdb_row_integer(g, "nb_cfg", 0) > 0;
}

static bool file_exists(const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !access(path, F_OK);
}

static bool wait_hv_returned(struct env *e)
{
	return file_exists("wait.rc");
}

START_TEST(test_sb_chassis)
{
	static const char *const geneve[] = { "geneve", NULL };
	static const char *const features[] = { "port-up-notif", NULL };
	static const char *const other[] = { "iface-types=geneve,vxlan",
					     "ovn-monitor-all=false", NULL };
	struct wft_sb_chassis_cfg cfg = {
		.name = "hv-weft", .hostname = "node1", .encap_types = geneve,
		.encap_ip = "192.0.2.10", .features = features,
		.other_config = other,
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_row *ch, *cp, *g;
	struct wft_ovsdb_txn *t;
	char *stale, *dp, *pb, *rc;
	char want[128];
	const char *db;
	struct env e;

	test_dir("chassis");
	standalone_start();
	sh("ovsdb-tool create nb.db /usr/share/ovn/ovn-nb.ovsschema");
	server_start("nb", "nb.db", NULL);
	sh("ovn-northd --detach --no-chdir --pidfile=%s/northd.pid "
	   "--log-file=%s/northd.log --unixctl=%s/northd.ctl "
	   "--ovnnb-db=unix:%s/nb.sock --ovnsb-db=unix:%s/sb.sock", dir, dir,
	   dir, dir, dir);
	db = unix_remote(0, "sb");
	dump_remote = db;
	/* A row left by an earlier run, with another encap and a key that
	 * is not ours. */
	sh(SBCTL "chassis-add hv-weft vxlan 10.0.0.9 -- set chassis hv-weft "
	   "hostname=old other_config:stale=1", db);
	stale = sh_out(SBCTL "--bare --columns=_uuid find Chassis "
		       "name=hv-weft", db);
	env_open(&e, db, NULL, NULL);
	assert_synced(&e, "before");

	/* Taken over: same UUID, our columns, our encap, a
	 * Chassis_Private pointing at it. */
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err), 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	assert_synced(&e, "registered");
	ch = wft_sb_chassis_find(rep(&e), "hv-weft");
	ck_assert_ptr_nonnull(ch);
	snprintf(want, sizeof(want), "[\"uuid\",\"%s\"]", stale);
	{
		struct wft_uuid su;

		ck_assert(wft_uuid_parse(stale, &su));
		ck_assert(!wft_uuid_cmp(wft_ovsdb_row_uuid(ch), &su));
	}
	assert_col(&e, ch, "Chassis", "hostname", false, "\"node1\"");
	assert_col(&e, ch, "Chassis", "other_config", false,
		   "[\"map\",[[\"iface-types\",\"geneve,vxlan\"],"
		   "[\"ovn-monitor-all\",\"false\"],[\"port-up-notif\","
		   "\"true\"]]]");
	ck_assert_int_eq(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Encap")), 1);
	cp = wft_sb_chassis_private_find(rep(&e), "hv-weft");
	ck_assert_ptr_nonnull(cp);
	assert_col(&e, cp, "Chassis_Private", "chassis", false, want);
	/* What OVN's own tools see. */
	sh(SBCTL "show | grep -q 'Chassis hv-weft'", db);
	sh(SBCTL "show | grep -q 'hostname: node1'", db);
	sh(SBCTL "show | grep -A3 'Encap geneve' | grep -q "
	   "'ip: \"192.0.2.10\"'", db);
	sh(SBCTL "show | grep -q 'options: {csum=\"true\"}'", db);
	/* Nothing more to do. */
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err), 0);
	ck_assert_ptr_null(t);
	wft_ovsdb_replica_consume(rep(&e));

	/* `ovn-nbctl --wait=hv` returns once the chassis acknowledges. */
	sh("(timeout 20 ovn-nbctl --db=unix:%s/nb.sock --wait=hv sync; "
	   "echo $? >wait.rc.tmp; mv wait.rc.tmp wait.rc) >/dev/null 2>&1 & true",
	   dir);
	ck_assert(run_until(&e, sb_nb_cfg_set, 10000));
	usleep(500000);
	ck_assert_msg(!file_exists("wait.rc"),
		      "--wait=hv returned before the chassis acknowledged");
	g = wft_ovsdb_rtable_first(wft_ovsdb_replica_table(rep(&e),
							   "SB_Global"));
	t = wft_sb_chassis_ack_nb_cfg(rep(&e), "hv-weft",
				      wft_ovsdb_row_integer(g, "nb_cfg", 0),
				      (int64_t)wft_loop_now());
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	ck_assert(run_until(&e, wait_hv_returned, 10000));
	rc = sh_out("cat wait.rc");
	ck_assert_str_eq(rc, "0");
	free(rc);
	assert_synced(&e, "acknowledged");
	ck_assert_ptr_null(wft_sb_chassis_ack_nb_cfg(rep(&e), "hv-weft",
		wft_ovsdb_row_integer(g, "nb_cfg", 0), 0));

	/* A race: the row is replaced after the replica read it. */
	cfg.hostname = "node2";
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err), 0);
	ck_assert_ptr_nonnull(t);
	sh(SBCTL "chassis-del hv-weft -- chassis-add hv-weft geneve 1.2.3.4",
	   db);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_TRY_AGAIN);
	assert_synced(&e, "after the race");
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err), 0);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	assert_synced(&e, "registered again");
	ch = wft_sb_chassis_find(rep(&e), "hv-weft");
	assert_col(&e, ch, "Chassis", "hostname", false, "\"node2\"");
	sh(SBCTL "show | grep -A3 'Encap geneve' | grep -q "
	   "'ip: \"192.0.2.10\"'", db);

	/* Leaving: the bound port unbound, the rows gone. (ovn-northd
	 * would delete a Port_Binding that the NB does not have.) */
	server_kill("northd", SIGTERM);
	dp = sh_out(SBCTL "create Datapath_Binding tunnel_key=1", db);
	pb = sh_out(SBCTL "create Port_Binding logical_port=lp1 datapath=%s "
		    "tunnel_key=1", db, dp);
	{
		char uu[WFT_UUID_STRLEN + 1];

		wft_uuid_format(wft_ovsdb_row_uuid(ch), uu);
		sh(SBCTL "set Port_Binding lp1 chassis=%s", db, uu);
	}
	assert_synced(&e, "bound");
	t = wft_sb_chassis_unregister(rep(&e), "hv-weft");
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	assert_synced(&e, "left");
	ck_assert_ptr_null(wft_sb_chassis_find(rep(&e), "hv-weft"));
	ck_assert_ptr_null(wft_sb_chassis_private_find(rep(&e), "hv-weft"));
	ck_assert_int_eq(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Encap")), 0);
	rc = sh_out(SBCTL "get Port_Binding lp1 chassis", db);
	ck_assert_str_eq(rc, "[]");
	free(rc);
	ck_assert_ptr_null(wft_sb_chassis_unregister(rep(&e), "hv-weft"));

	/* A bad configuration. */
	cfg.encap_ip = "";
	ck_assert_int_eq(wft_sb_chassis_register(rep(&e), &cfg, &t, &err),
			 -EINVAL);
	env_close(&e);
	wft_strbuf_free(&err);
	free(stale);
	free(dp);
	free(pb);
}
END_TEST

/* ---- the chassis' monitor conditions (include/weft/sb_monitor.h) ---- */

/* The rows of @table, as the values of @col (datapath tunnel keys for
 * uuid columns are not at hand: the caller names rows by a string column),
 * sorted and space-separated. */
static char names_buf[512];

static const char *names(struct env *e, const char *table, const char *col)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(rep(e), table);
	const char *v[32];
	struct wft_ovsdb_row *row;
	int n = 0, i, k;

	for (row = wft_ovsdb_rtable_first(t); row && n < 32;
	     row = wft_ovsdb_row_next(row))
		v[n++] = wft_ovsdb_row_string(row, col, "?");
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(v[k - 1], v[k]) > 0; k--) {
			const char *x = v[k];

			v[k] = v[k - 1];
			v[k - 1] = x;
		}
	names_buf[0] = 0;
	for (i = 0; i < n; i++) {
		strcat(names_buf, i ? " " : "");
		strcat(names_buf, v[i]);
	}
	return names_buf;
}

static const char *want_lf, *want_pb, *want_mc, *want_mac;

static bool local_view_is(struct env *e)
{
	return is_active(e) && !wft_ovsdb_client_cond_pending(e->c) &&
	       !strcmp(names(e, "Logical_Flow", "match"), want_lf) &&
	       !strcmp(names(e, "Port_Binding", "logical_port"), want_pb) &&
	       !strcmp(names(e, "Multicast_Group", "name"), want_mc) &&
	       !strcmp(names(e, "MAC_Binding", "logical_port"), want_mac);
}

static void expect_local(struct env *e, const char *lf, const char *pb,
			 const char *mc, const char *mac)
{
	want_lf = lf;
	want_pb = pb;
	want_mc = mc;
	want_mac = mac;
	if (run_until(e, local_view_is, 10000))
		return;
	ck_abort_msg("flows \"%s\" (want \"%s\"), ports \"%s\" (\"%s\"), "
		     "groups \"%s\" (\"%s\"), bindings \"%s\" (\"%s\")",
		     strdup(names(e, "Logical_Flow", "match")), lf,
		     strdup(names(e, "Port_Binding", "logical_port")), pb,
		     strdup(names(e, "Multicast_Group", "name")), mc,
		     strdup(names(e, "MAC_Binding", "logical_port")), mac);
}

static bool three_groups(struct env *e)
{
	return wft_ovsdb_rtable_count(wft_ovsdb_replica_table(rep(e),
		"Logical_DP_Group")) == 3;
}

START_TEST(test_sb_monitor_local)
{
	struct wft_sb_local local = { 0 };
	static const char *const ifaces[] = { "vm3", NULL };
	struct wft_uuid dp[3];
	char *d[3];
	const char *db;
	struct env e;
	int i;

	test_dir("local");
	standalone_start();
	db = unix_remote(0, "sb");
	for (i = 0; i < 3; i++) {
		d[i] = sh_out(SBCTL "create Datapath_Binding tunnel_key=%d", db,
			      i + 1);
		ck_assert(wft_uuid_parse(d[i], &dp[i]));
		sh(SBCTL "create Logical_Flow logical_datapath=%s "
		   "pipeline=ingress table_id=0 priority=1 match='\"f%d\"' "
		   "actions='\"next;\"'", db, d[i], i + 1);
		sh(SBCTL "create Port_Binding logical_port=p%d datapath=%s "
		   "tunnel_key=1", db, i + 1, d[i]);
		sh(SBCTL "create Multicast_Group datapath=%s name=mc%d "
		   "tunnel_key=32768", db, d[i], i + 1);
		sh(SBCTL "create MAC_Binding datapath=%s logical_port=m%d "
		   "ip=10.0.0.%d mac='\"00:00:00:00:00:0%d\"'", db, d[i], i + 1,
		   i + 1, i + 1);
	}
	/* A port of datapath 3 that is one of our interfaces. */
	sh(SBCTL "create Port_Binding logical_port=vm3 datapath=%s "
	   "tunnel_key=2", db, d[2]);
	/* Flows shared by groups of datapaths. */
	sh(SBCTL "-- --id=@g create Logical_DP_Group datapaths=\"[%s,%s]\" "
	   "-- create Logical_Flow logical_dp_group=@g pipeline=ingress "
	   "table_id=0 priority=2 match='\"g12\"' actions='\"next;\"'", db,
	   d[0], d[1]);
	sh(SBCTL "-- --id=@g create Logical_DP_Group datapaths=\"[%s,%s]\" "
	   "-- create Logical_Flow logical_dp_group=@g pipeline=ingress "
	   "table_id=0 priority=2 match='\"g23\"' actions='\"next;\"'", db,
	   d[1], d[2]);

	env_open(&e, db, NULL, NULL);
	ck_assert(run_until(&e, is_active, 10000));
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	/* Nothing local yet: only our interface's port. */
	local.iface_ids = ifaces;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "", "vm3", "", "");
	/* Datapath 1. */
	local.datapaths = &dp[0];
	local.n_datapaths = 1;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f1 g12", "p1 vm3", "mc1", "m1");
	/* Datapath 2 instead: both groups. */
	local.datapaths = &dp[1];
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f2 g12 g23", "p2 vm3", "mc2", "m2");
	/* A new group with datapath 2 appears: called again, its flow
	 * comes. */
	sh(SBCTL "-- --id=@g create Logical_DP_Group datapaths=\"[%s,%s]\" "
	   "-- create Logical_Flow logical_dp_group=@g pipeline=egress "
	   "table_id=0 priority=3 match='\"g12b\"' actions='\"next;\"'", db,
	   d[0], d[1]);
	ck_assert(run_until(&e, three_groups, 10000));
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f2 g12 g12b g23", "p2 vm3", "mc2", "m2");
	/* Datapaths 1 and 3. */
	local.datapaths = &dp[0];
	local.n_datapaths = 3;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f1 f2 f3 g12 g12b g23", "p1 p2 p3 vm3",
		     "mc1 mc2 mc3", "m1 m2 m3");
	local.n_datapaths = 0;
	local.iface_ids = NULL;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "", "", "", "");
	/* A gateway router's l3gateway ports come by the chassis' name
	 * (options:l3gateway-chassis), before any datapath is local. */
	sh(SBCTL "create Port_Binding logical_port=gw1 datapath=%s "
	   "tunnel_key=3 type=l3gateway options:l3gateway-chassis=hv1 "
	   "options:peer=x", db, d[0]);
	sh(SBCTL "create Port_Binding logical_port=gw2 datapath=%s "
	   "tunnel_key=4 type=l3gateway options:l3gateway-chassis=hv2",
	   db, d[1]);
	local.chassis_name = "hv1";
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "", "gw1", "", "");
	local.chassis_name = NULL;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "", "", "", "");
	/* A distributed gateway port's chassisredirect port comes whatever
	 * is local: its HA_Chassis_Group decides where it goes. */
	sh(SBCTL "create Port_Binding logical_port=cr-x datapath=%s "
	   "tunnel_key=5 type=chassisredirect", db, d[2]);
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "", "cr-x", "", "");
	/* ovn-monitor-all=true: everything. */
	local.monitor_all = true;
	ck_assert_int_eq(wft_sb_monitor_local(e.c, &local), 0);
	expect_local(&e, "f1 f2 f3 g12 g12b g23", "cr-x gw1 gw2 p1 p2 p3 vm3",
		     "mc1 mc2 mc3", "m1 m2 m3");
	/* Other tables were whole all along. */
	ck_assert_int_eq(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Datapath_Binding")), 3);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);
	env_close(&e);
	for (i = 0; i < 3; i++)
		free(d[i]);
}
END_TEST

/* ---- what ovn-northd writes ---- */

/* A small topology through the NB, compiled by the real ovn-northd: the
 * replica follows every table of the SB it writes (logical flows with
 * quotes and escapes in their matches, datapath groups, multicast groups,
 * port bindings), then its rewrites after NB changes. */
START_TEST(test_northd_sb)
{
	const char *db;
	char nb[PATH_MAX + 32];
	struct env e;
	int n;

	test_dir("northd");
	standalone_start();
	sh("ovsdb-tool create nb.db /usr/share/ovn/ovn-nb.ovsschema");
	server_start("nb", "nb.db", NULL);
	sh("ovn-northd --detach --no-chdir --pidfile=%s/northd.pid "
	   "--log-file=%s/northd.log --unixctl=%s/northd.ctl "
	   "--ovnnb-db=unix:%s/nb.sock --ovnsb-db=unix:%s/sb.sock", dir, dir,
	   dir, dir, dir);
	db = unix_remote(0, "sb");
	dump_remote = db;
	snprintf(nb, sizeof(nb), "ovn-nbctl --db=unix:%s/nb.sock", dir);
	sh("%s ls-add ls1 -- ls-add ls2 -- lr-add lr1", nb);
	sh("%s lsp-add ls1 ls1-p1 -- lsp-set-addresses ls1-p1 "
	   "'0a:58:0a:00:01:05 10.0.1.5' -- lsp-add ls1 ls1-p2 -- "
	   "lsp-set-addresses ls1-p2 '0a:58:0a:00:01:06 10.0.1.6' -- "
	   "lsp-add ls2 ls2-p1 -- lsp-set-addresses ls2-p1 "
	   "'0a:58:0a:00:02:05 10.0.2.5'", nb);
	sh("%s lrp-add lr1 lr1-ls1 0a:58:0a:00:01:01 10.0.1.1/24 -- "
	   "lrp-add lr1 lr1-ls2 0a:58:0a:00:02:01 10.0.2.1/24 -- "
	   "lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router -- "
	   "lsp-set-addresses ls1-lr1 router -- lsp-set-options ls1-lr1 "
	   "router-port=lr1-ls1 -- lsp-add ls2 ls2-lr1 -- lsp-set-type "
	   "ls2-lr1 router -- lsp-set-addresses ls2-lr1 router -- "
	   "lsp-set-options ls2-lr1 router-port=lr1-ls2", nb);
	sh("%s acl-add ls2 to-lport 1002 'outport == \"ls2-p1\" && ip4 && "
	   "tcp.dst == 5432' allow-related", nb);
	sh("%s --wait=sb sync", nb);

	env_open(&e, db, NULL, NULL);
	assert_synced(&e, "northd's SB");
	n = (int)wft_ovsdb_rtable_count(wft_ovsdb_replica_table(rep(&e),
							       "Logical_Flow"));
	ck_assert_msg(n > 100, "%d logical flows", n);
	ck_assert_int_gt(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Logical_DP_Group")), 0);
	wft_ovsdb_replica_consume(rep(&e));

	/* NB changes: northd rewrites many SB rows in one transaction. */
	sh("%s acl-add ls1 to-lport 1001 'outport == \"ls1-p2\" && "
	   "tcp.dst == 22' drop -- lsp-del ls2-p1 -- set logical_switch ls1 "
	   "other_config:subnet=10.0.1.0/24", nb);
	sh("%s --wait=sb sync", nb);
	assert_synced(&e, "after NB changes");
	ck_assert(wft_ovsdb_replica_has_changes(rep(&e)));
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Port_Binding",
		"logical_port", "ls2-p1")), WFT_OVSDB_DELETED);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->protocol_errors, 0);
	env_close(&e);
}
END_TEST

/* tcp, with echo probes every 250 ms: answered, the session stays. */
static Suite *sb_server_suite(void)
{
	Suite *s = suite_create("sb_server");
	TCase *tc = tcase_create("server");

	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_test(tc, test_sb_chassis);
	tcase_add_test(tc, test_sb_monitor_local);
	tcase_add_test(tc, test_northd_sb);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sb_server_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
