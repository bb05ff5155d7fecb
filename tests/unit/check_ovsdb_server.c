// SPDX-License-Identifier: GPL-2.0
/*
 * weft's OVSDB client against the real ovsdb-server with OVN's Southbound
 * schema (openvswitch-switch and ovn-central, from scripts/deps), on the
 * host, in a temporary directory (helpers in ovsdb_server_env.h):
 *  - the replica equals `ovsdb-client dump` after inserts and after every
 *    kind of update2 diff the server sends (map keys replaced, removed and
 *    added in one transaction, set elements added and removed, an optional
 *    reference set, moved and cleared, scalars, deletes), and each change
 *    is tracked with its old values;
 *  - monitor_cond_change narrowing Port_Binding to one datapath, moving
 *    it, OR-ing two, [false] and [true];
 *  - the server killed and restarted with the database changed offline
 *    (ovsdb-tool transact): reconnect, full resync, only the differences
 *    reported;
 *  - a 3-member Raft cluster whose leader is killed: the client moves to a
 *    follower and resumes with its last transaction id (found=true, no
 *    second full sync), then follows new writes; two members killed: the
 *    survivor's _Server row says connected=false, the client leaves it
 *    and refuses it until the quorum is back, then resumes;
 *  - transact: named-uuid inserts, a verify that loses a race
 *    (try again), errors; tcp with echo probes.
 */
#include "ovsdb_server_env.h"

/* ---- tests ---- */

START_TEST(test_sync_and_diffs)
{
	const char *db;
	struct wft_ovsdb_row *row;
	char *hv1, *hv2, *dp, *pb;
	struct env e;

	test_dir("sync");
	standalone_start();
	db = unix_remote(0, "sb");
	dump_remote = db;
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", db);
	sh(SBCTL "chassis-add hv2 vxlan 192.0.2.2", db);
	sh(SBCTL "set chassis hv1 other_config:a=1 other_config:b=2 "
	   "external_ids:x=y hostname=h1", db);
	hv1 = sh_out(SBCTL "--bare --columns=_uuid find Chassis name=hv1", db);
	hv2 = sh_out(SBCTL "--bare --columns=_uuid find Chassis name=hv2", db);
	dp = sh_out(SBCTL "create Datapath_Binding tunnel_key=5 "
		    "external_ids:name=ls1", db);
	pb = sh_out(SBCTL "create Port_Binding logical_port=lp1 datapath=%s "
		    "tunnel_key=1 mac='\"00:00:00:00:00:01 10.0.0.1\"'", db,
		    dp);

	env_open(&e, db, NULL, NULL);
	assert_synced(&e, "initial");
	ck_assert_str_eq(wft_ovsdb_client_monitor_method(e.c),
			 "monitor_cond_since");
	ck_assert_int_eq(n_tracked(&e, "Chassis"), 2);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Chassis", "name",
						      "hv1")),
			 WFT_OVSDB_INSERTED);
	wft_ovsdb_replica_consume(rep(&e));

	/* A map: one key replaced, one removed, one added, in one
	 * transaction (one update2 "modify" with all three). */
	sh(SBCTL "set chassis hv1 other_config:a=9 -- remove chassis hv1 "
	   "other_config b -- add chassis hv1 other_config c=3", db);
	assert_synced(&e, "map diff");
	row = tracked(&e, "Chassis", "name", "hv1");
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_MODIFIED);
	assert_col(&e, row, "Chassis", "other_config", false,
		   "[\"map\",[[\"a\",\"9\"],[\"c\",\"3\"]]]");
	assert_col(&e, row, "Chassis", "other_config", true,
		   "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"]]]");
	ck_assert_int_eq(n_tracked(&e, "Chassis"), 1);
	ck_assert_int_eq(n_tracked(&e, "Encap"), 0);
	wft_ovsdb_replica_consume(rep(&e));

	/* A set: elements added and removed together. */
	sh(SBCTL "add Port_Binding %s mac '\"b\"' '\"a\"' -- remove "
	   "Port_Binding %s mac '\"00:00:00:00:00:01 10.0.0.1\"'", db, pb, pb);
	assert_synced(&e, "set diff");
	row = tracked(&e, "Port_Binding", "logical_port", "lp1");
	assert_col(&e, row, "Port_Binding", "mac", false,
		   "[\"set\",[\"a\",\"b\"]]");
	assert_col(&e, row, "Port_Binding", "mac", true,
		   "\"00:00:00:00:00:01 10.0.0.1\"");
	wft_ovsdb_replica_consume(rep(&e));

	/* An optional reference: set, moved, cleared. */
	sh(SBCTL "set Port_Binding %s chassis=%s", db, pb, hv1);
	assert_synced(&e, "optional set");
	wft_ovsdb_replica_consume(rep(&e));
	sh(SBCTL "set Port_Binding %s chassis=%s", db, pb, hv2);
	assert_synced(&e, "optional moved");
	row = tracked(&e, "Port_Binding", "logical_port", "lp1");
	{
		char want[128];

		snprintf(want, sizeof(want), "[\"uuid\",\"%s\"]", hv1);
		assert_col(&e, row, "Port_Binding", "chassis", true, want);
	}
	wft_ovsdb_replica_consume(rep(&e));
	sh(SBCTL "clear Port_Binding %s chassis", db, pb);
	assert_synced(&e, "optional cleared");
	wft_ovsdb_replica_consume(rep(&e));

	/* Scalars, and a map emptied. */
	sh(SBCTL "set chassis hv1 hostname=h2 nb_cfg=7 -- clear chassis hv1 "
	   "external_ids", db);
	assert_synced(&e, "scalars");
	row = tracked(&e, "Chassis", "name", "hv1");
	assert_col(&e, row, "Chassis", "hostname", true, "\"h1\"");
	assert_col(&e, row, "Chassis", "nb_cfg", true, "0");
	assert_col(&e, row, "Chassis", "external_ids", true,
		   "[\"map\",[[\"x\",\"y\"]]]");
	wft_ovsdb_replica_consume(rep(&e));

	/* Deletes. */
	sh(SBCTL "clear Port_Binding %s chassis -- chassis-del hv2", db, pb);
	assert_synced(&e, "delete");
	row = tracked(&e, "Chassis", "name", "hv2");
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_DELETED);
	ck_assert_int_eq(n_tracked(&e, "Encap"), 1);
	ck_assert_int_gt(e.n_updates, 6);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->protocol_errors, 0);
	env_close(&e);
	free(hv1);
	free(hv2);
	free(dp);
	free(pb);
}
END_TEST

/* The logical ports the replica holds, sorted, space-separated. */
static char pb_names[256];

static const char *ports(struct env *e)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(rep(e),
							     "Port_Binding");
	const char *names[16];
	struct wft_ovsdb_row *row;
	int n = 0, i, k;

	for (row = wft_ovsdb_rtable_first(t); row && n < 16;
	     row = wft_ovsdb_row_next(row))
		names[n++] = wft_ovsdb_row_string(row, "logical_port", "?");
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
			const char *x = names[k];

			names[k] = names[k - 1];
			names[k - 1] = x;
		}
	pb_names[0] = 0;
	for (i = 0; i < n; i++) {
		strcat(pb_names, i ? " " : "");
		strcat(pb_names, names[i]);
	}
	return pb_names;
}

static const char *want_ports;

static bool ports_are(struct env *e)
{
	return is_active(e) && !wft_ovsdb_client_cond_pending(e->c) &&
	       !strcmp(ports(e), want_ports);
}

static void expect_ports(struct env *e, const char *want)
{
	want_ports = want;
	ck_assert_msg(run_until(e, ports_are, 10000),
		      "ports \"%s\", want \"%s\" (%s)", ports(e), want,
		      wft_ovsdb_client_last_error(e->c));
}

static json_t *on_dp(const char *dp)
{
	return json_pack("[s,s,[s,s]]", "datapath", "==", "uuid", dp);
}

START_TEST(test_cond_change)
{
	static const char *const tables[] = { "Datapath_Binding",
					      "Port_Binding", NULL };
	struct wft_ovsdb_rtable *t;
	char *dp1, *dp2;
	const char *db;
	struct env e;

	test_dir("cond");
	standalone_start();
	db = unix_remote(0, "sb");
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", db);
	dp1 = sh_out(SBCTL "create Datapath_Binding tunnel_key=1", db);
	dp2 = sh_out(SBCTL "create Datapath_Binding tunnel_key=2", db);
	sh(SBCTL "create Port_Binding logical_port=a1 datapath=%s "
	   "tunnel_key=1", db, dp1);
	sh(SBCTL "create Port_Binding logical_port=a2 datapath=%s "
	   "tunnel_key=2", db, dp1);
	sh(SBCTL "create Port_Binding logical_port=b1 datapath=%s "
	   "tunnel_key=1", db, dp2);

	/* Narrowed from the start. */
	env_open(&e, db, tables, json_pack("[o]", on_dp(dp1)));
	expect_ports(&e, "a1 a2");
	/* Tables not asked for stay empty. */
	t = wft_ovsdb_replica_table(rep(&e), "Chassis");
	ck_assert_int_eq(wft_ovsdb_rtable_count(t), 0);
	ck_assert_int_eq(wft_ovsdb_rtable_count(wft_ovsdb_replica_table(
		rep(&e), "Datapath_Binding")), 2);
	wft_ovsdb_replica_consume(rep(&e));

	/* Moved to the other datapath: rows leave and enter, tracked. */
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_pack("[o]", on_dp(dp2))), 0);
	expect_ports(&e, "b1");
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Port_Binding",
		"logical_port", "a1")), WFT_OVSDB_DELETED);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Port_Binding",
		"logical_port", "b1")), WFT_OVSDB_INSERTED);
	ck_assert_int_eq(n_tracked(&e, "Port_Binding"), 3);
	ck_assert_int_eq(n_tracked(&e, "Datapath_Binding"), 0);
	wft_ovsdb_replica_consume(rep(&e));

	/* New rows: only the selected datapath's come. */
	sh(SBCTL "create Port_Binding logical_port=a3 datapath=%s "
	   "tunnel_key=3", db, dp1);
	sh(SBCTL "create Port_Binding logical_port=b2 datapath=%s "
	   "tunnel_key=2", db, dp2);
	expect_ports(&e, "b1 b2");

	/* OR-ed clauses, [false], then everything. */
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_pack("[oo]", on_dp(dp1), on_dp(dp2))), 0);
	expect_ports(&e, "a1 a2 a3 b1 b2");
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_pack("[b]", 0)), 0);
	expect_ports(&e, "");
	/* Two changes in a row: the second waits for the first's reply. */
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_pack("[o]", on_dp(dp1))), 0);
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		NULL), 0);
	expect_ports(&e, "a1 a2 a3 b1 b2");
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Port_Binding",
		json_string("x")), -EINVAL);
	/* Not monitored, or no such table: refused. */
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Chassis",
		NULL), -EINVAL);
	ck_assert_int_eq(wft_ovsdb_client_set_condition(e.c, "Nope",
		NULL), -EINVAL);
	env_close(&e);
	free(dp1);
	free(dp2);
}
END_TEST

START_TEST(test_restart_resync)
{
	struct wft_ovsdb_row *row;
	const char *db;
	struct env e;

	test_dir("restart");
	standalone_start();
	db = unix_remote(0, "sb");
	dump_remote = db;
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1 -- set chassis hv1 "
	   "hostname=old", db);
	sh(SBCTL "chassis-add hv2 geneve 192.0.2.2", db);
	sh(SBCTL "chassis-add hv3 geneve 192.0.2.3", db);
	env_open(&e, db, NULL, NULL);
	assert_synced(&e, "before");
	wft_ovsdb_replica_consume(rep(&e));

	server_kill("sb", SIGKILL);
	ck_assert(run_until(&e, is_down, 5000));
	/* The session ended, and the first retry was refused. */
	ck_assert_msg(strstr(wft_ovsdb_client_last_error(e.c), "closed") ||
		      strstr(wft_ovsdb_client_last_error(e.c), "refused"),
		      "%s", wft_ovsdb_client_last_error(e.c));
	/* While it is down: hv1 changed, hv2 gone, hv9 new (offline). */
	sh("! ovsdb-tool transact sb.db '[\"" SB "\","
	   "{\"op\":\"update\",\"table\":\"Chassis\",\"where\":[[\"name\","
	   "\"==\",\"hv1\"]],\"row\":{\"hostname\":\"new\"}},"
	   "{\"op\":\"delete\",\"table\":\"Chassis\",\"where\":[[\"name\","
	   "\"==\",\"hv2\"]]},"
	   "{\"op\":\"insert\",\"table\":\"Encap\",\"uuid-name\":\"e9\","
	   "\"row\":{\"type\":\"geneve\",\"ip\":\"192.0.2.9\"}},"
	   "{\"op\":\"insert\",\"table\":\"Chassis\",\"row\":{\"name\":"
	   "\"hv9\",\"encaps\":[\"named-uuid\",\"e9\"]}}]' | grep error");
	/* Nobody listens for a while: attempts back off and fail. */
	usleep(300000);
	ck_assert_int_eq(wft_loop_run_once(e.loop, 0) >= 0, 1);
	server_start("sb", "sb.db", NULL);
	assert_synced(&e, "after restart");
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 2);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 2);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->resumes, 0);
	/* Only the differences are reported. */
	ck_assert_int_eq(n_tracked(&e, "Chassis"), 3);
	row = tracked(&e, "Chassis", "name", "hv1");
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_MODIFIED);
	assert_col(&e, row, "Chassis", "hostname", true, "\"old\"");
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Chassis", "name",
		"hv2")), WFT_OVSDB_DELETED);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Chassis", "name",
		"hv9")), WFT_OVSDB_INSERTED);
	ck_assert_ptr_null(tracked(&e, "Chassis", "name", "hv3"));
	/* hv2's Encap went with it (not a root table), hv9's came. */
	ck_assert_int_eq(n_tracked(&e, "Encap"), 2);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Encap", "ip",
		"192.0.2.2")), WFT_OVSDB_DELETED);
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Encap", "ip",
		"192.0.2.9")), WFT_OVSDB_INSERTED);
	env_close(&e);
}
END_TEST

/* ---- Raft ---- */

static const char *const members[] = { "s1", "s2", "s3" };
static char cluster_remotes[3 * (PATH_MAX + 32)];

static void cluster_start(void)
{
	int i;

	sh("ovsdb-tool create-cluster s1.db " SB_SCHEMA " unix:%s/s1.raft",
	   dir);
	for (i = 1; i < 3; i++)
		sh("ovsdb-tool join-cluster %s.db " SB " unix:%s/%s.raft "
		   "unix:%s/s1.raft", members[i], dir, members[i], dir);
	for (i = 0; i < 3; i++) {
		char db[64];

		snprintf(db, sizeof(db), "%s.db", members[i]);
		server_start(members[i], db, NULL);
	}
	for (i = 0; i < 3; i++)
		sh("timeout 30 ovsdb-client wait unix:%s/%s.sock " SB
		   " connected", dir, members[i]);
}

/* The member that is leader now, or -1. */
static int cluster_leader(void)
{
	int i;

	for (i = 0; i < 3; i++)
		if (server_pid(members[i]) > 0 &&
		    !pid_dead(server_pid(members[i])) &&
		    !sh_status("ovs-appctl -t %s/%s.ctl cluster/status " SB
			       " | grep -q 'Role: leader'", dir, members[i]))
			return i;
	return -1;
}

static bool resumed(struct env *e)
{
	return is_active(e) && wft_ovsdb_client_stats(e->c)->resumes > 0;
}

START_TEST(test_raft_leader_killed)
{
	char last_id[WFT_UUID_STRLEN + 1];
	int leader, i, tries;
	struct env e;
	char *all;

	test_dir("raft");
	cluster_start();
	for (tries = 0; (leader = cluster_leader()) < 0 && tries < 100;
	     tries++)
		usleep(100000);
	ck_assert_int_ge(leader, 0);
	/* The leader first, so that the client sits on it. */
	snprintf(cluster_remotes, sizeof(cluster_remotes), "%s",
		 unix_remote(0, members[leader]));
	for (i = 0; i < 3; i++) {
		if (i == leader)
			continue;
		strcat(cluster_remotes, ",");
		strcat(cluster_remotes, unix_remote(1, members[i]));
	}
	ck_assert_int_ge(asprintf(&all, "%s", cluster_remotes), 0);
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", all);
	env_open(&e, cluster_remotes, NULL, NULL);
	dump_remote = unix_remote(2, members[leader]);
	assert_synced(&e, "cluster");
	ck_assert_str_eq(wft_ovsdb_client_remote(e.c), unix_remote(2,
		members[leader]));
	sh(SBCTL "chassis-add hv2 geneve 192.0.2.2", all);
	assert_synced(&e, "cluster, second write");
	/* Clustered: real transaction ids. */
	ck_assert_str_ne(wft_ovsdb_client_last_id(e.c),
			 "00000000-0000-0000-0000-000000000000");
	ck_assert_int_eq(strlen(wft_ovsdb_client_last_id(e.c)),
			 WFT_UUID_STRLEN);
	snprintf(last_id, sizeof(last_id), "%s",
		 wft_ovsdb_client_last_id(e.c));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 1);
	wft_ovsdb_replica_consume(rep(&e));

	server_kill(members[leader], SIGKILL);
	ck_assert_msg(run_until(&e, resumed, 20000),
		      "no resume: state %s, error \"%s\", stats %u/%u/%u",
		      wft_ovsdb_state_name(wft_ovsdb_client_state(e.c)),
		      wft_ovsdb_client_last_error(e.c),
		      wft_ovsdb_client_stats(e.c)->connects,
		      wft_ovsdb_client_stats(e.c)->full_syncs,
		      wft_ovsdb_client_stats(e.c)->resumes);
	/* Resumed on a follower: no second full sync, nothing new. */
	ck_assert_str_ne(wft_ovsdb_client_remote(e.c), unix_remote(2,
		members[leader]));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 1);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 2);
	ck_assert(!wft_ovsdb_replica_has_changes(rep(&e)));
	ck_assert_str_eq(wft_ovsdb_client_last_id(e.c), last_id);
	/* And follows the new leader's writes. */
	snprintf(remote_buf[2], sizeof(remote_buf[2]), "%s",
		 wft_ovsdb_client_remote(e.c));
	dump_remote = remote_buf[2];
	/* ovn-sbctl gives up at once while there is no leader yet. */
	sh("for i in $(seq 100); do ovn-sbctl --db=%s chassis-add hv3 geneve "
	   "192.0.2.3 && exit 0; sleep 0.1; done; exit 1",
	   strchr(all, ',') + 1);
	assert_synced(&e, "after failover");
	ck_assert_int_eq(wft_ovsdb_row_change(tracked(&e, "Chassis", "name",
		"hv3")), WFT_OVSDB_INSERTED);
	ck_assert_int_eq(n_tracked(&e, "Chassis"), 1);
	ck_assert_str_ne(wft_ovsdb_client_last_id(e.c), last_id);
	env_close(&e);
	free(all);
}
END_TEST

static bool left_for_quorum(struct env *e)
{
	return !is_active(e) &&
	       wft_ovsdb_client_stats(e->c)->refused > 0 &&
	       strstr(wft_ovsdb_client_last_error(e->c),
		      "not connected to its cluster");
}

/* Two of three members killed: the survivor loses its quorum and says so
 * in _Server; the client leaves it, and refuses it until the quorum is
 * back, then resumes. */
START_TEST(test_raft_quorum_lost)
{
	int leader, follower = -1, other = -1, i, tries;
	struct env e;
	char *all;

	test_dir("quorum");
	cluster_start();
	for (tries = 0; (leader = cluster_leader()) < 0 && tries < 100;
	     tries++)
		usleep(100000);
	ck_assert_int_ge(leader, 0);
	for (i = 0; i < 3; i++) {
		if (i == leader)
			continue;
		if (follower < 0)
			follower = i;
		else
			other = i;
	}
	ck_assert_int_ge(asprintf(&all, "%s,%s,%s",
				  unix_remote(0, members[0]),
				  unix_remote(1, members[1]),
				  unix_remote(2, members[2])), 0);
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", all);
	/* The client reads from the follower only. */
	env_open(&e, unix_remote(0, members[follower]), NULL, NULL);
	dump_remote = unix_remote(1, members[follower]);
	assert_synced(&e, "on the follower");
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->refused, 0);

	server_kill(members[leader], SIGKILL);
	server_kill(members[other], SIGKILL);
	ck_assert_msg(run_until(&e, left_for_quorum, 30000),
		      "state %s, error \"%s\"",
		      wft_ovsdb_state_name(wft_ovsdb_client_state(e.c)),
		      wft_ovsdb_client_last_error(e.c));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);

	/* The quorum comes back: the client resumes where it was. */
	{
		char db[64];

		snprintf(db, sizeof(db), "%s.db", members[leader]);
		server_start(members[leader], db, NULL);
	}
	ck_assert_msg(run_until(&e, resumed, 30000),
		      "no resume: state %s, error \"%s\"",
		      wft_ovsdb_state_name(wft_ovsdb_client_state(e.c)),
		      wft_ovsdb_client_last_error(e.c));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->full_syncs, 1);
	sh("for i in $(seq 100); do ovn-sbctl --db=%s chassis-add hv2 geneve "
	   "192.0.2.2 && exit 0; sleep 0.1; done; exit 1", all);
	assert_synced(&e, "after the quorum came back");
	env_close(&e);
	free(all);
}
END_TEST

START_TEST(test_transact)
{
	struct wft_ovsdb_txn *t;
	struct wft_uuid u;
	const char *db;
	struct env e;
	int op;

	test_dir("txn");
	standalone_start();
	db = unix_remote(0, "sb");
	dump_remote = db;
	env_open(&e, db, NULL, NULL);
	/* Not connected yet. */
	ck_assert_int_eq(wft_ovsdb_client_transact(e.c, wft_ovsdb_txn_new(SB),
						   on_txn, &e), -ENOTCONN);
	assert_synced(&e, "empty");

	/* An Encap and a Chassis referring to it by name. */
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_insert(t, "Encap", json_pack("{s:s,s:s,s:s,s:[s,[[s,s]]]}",
		"type", "geneve", "ip", "192.0.2.7", "chassis_name", "hv7",
		"options", "map", "csum", "true"), "encap");
	op = wft_ovsdb_txn_insert(t, "Chassis", json_pack("{s:s,s:[s,s]}",
		"name", "hv7", "encaps", "named-uuid", "encap"), NULL);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	ck_assert_str_eq(e.txn.error, "");
	ck_assert(wft_ovsdb_txn_result_uuid(&e.txn, op, &u));
	ck_assert(run_until(&e, has_hv7, 5000));
	ck_assert(!wft_uuid_cmp(wft_ovsdb_row_uuid(chassis(&e, "hv7")), &u));
	assert_synced(&e, "after insert");
	sh(SBCTL "--bare --columns=ip list Encap | grep -qx 192.0.2.7", db);

	/* A verify that loses a race: someone changes the hostname after
	 * the replica read it; the update must not apply. */
	sh(SBCTL "set chassis hv7 hostname=theirs", db);
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_verify(t, chassis(&e, "hv7"), "hostname");
	wft_ovsdb_txn_update(t, "Chassis", json_pack("[[s,s,s]]", "name",
		"==", "hv7"), json_pack("{s:s}", "hostname", "mine"));
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_TRY_AGAIN);
	ck_assert_msg(strstr(e.txn.error, "timed out"), "%s", e.txn.error);
	assert_synced(&e, "after the race");
	ck_assert_str_eq(wft_ovsdb_row_string(chassis(&e, "hv7"), "hostname",
					      ""), "theirs");
	/* With the replica caught up, the same transaction commits. */
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_verify(t, chassis(&e, "hv7"), "hostname");
	wft_ovsdb_txn_update(t, "Chassis", json_pack("[[s,s,s]]", "name",
		"==", "hv7"), json_pack("{s:s}", "hostname", "mine"));
	wft_ovsdb_txn_mutate(t, "Chassis", json_pack("[[s,s,s]]", "name",
		"==", "hv7"), json_pack("[[s,s,[s,[[s,s]]]]]", "other_config",
		"insert", "map", "k", "v"));
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	assert_synced(&e, "after the retry");
	ck_assert_str_eq(wft_ovsdb_row_string(chassis(&e, "hv7"), "hostname",
					      ""), "mine");

	/* Errors: a bad operation; a row that breaks the schema's
	 * constraints (a commit error). */
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_insert(t, "Nope", NULL, NULL);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_ERROR);
	ck_assert_msg(strstr(e.txn.error, "No table named Nope"), "%s",
		      e.txn.error);
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_insert(t, "Chassis", json_pack("{s:s}", "name", "hv7"),
			     NULL);
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_ERROR);
	ck_assert_msg(!strncmp(e.txn.error, "commit: ", 8) &&
		      strstr(e.txn.error, "violation"), "%s", e.txn.error);
	/* Deleted through the builder. */
	t = wft_ovsdb_txn_new(SB);
	wft_ovsdb_txn_delete(t, "Chassis", json_pack("[[s,s,s]]", "name",
		"==", "hv7"));
	ck_assert_int_eq(run_txn(&e, t), WFT_OVSDB_TXN_SUCCESS);
	ck_assert_int_eq(json_integer_value(json_object_get(
		json_array_get(e.txn.results, 0), "count")), 1);
	assert_synced(&e, "after delete");
	env_close(&e);
}
END_TEST

START_TEST(test_tcp_probes)
{
	char remote[64];
	const char *db;
	struct env e;
	uint64_t end;
	char *port;

	test_dir("tcp");
	standalone_start();
	server_kill("sb", SIGTERM);
	server_start("sb", "sb.db", "--remote=ptcp:0:127.0.0.1");
	db = unix_remote(0, "sb");
	dump_remote = db;
	port = sh_out("for i in $(seq 50); do p=$(sed -n 's/.*listening on "
		      "port \\([0-9]*\\).*/\\1/p' sb.log | tail -1); "
		      "[ -n \"$p\" ] && echo $p && break; sleep 0.1; done");
	ck_assert_int_gt(atoi(port), 0);
	snprintf(remote, sizeof(remote), "tcp:127.0.0.1:%s", port);
	free(port);
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", db);
	{
		struct wft_ovsdb_client_opts opts = {
			.remotes = remote, .db = SB, .probe_ms = 250,
			.backoff_min_ms = 100, .on_update = on_update,
		};
		struct wft_strbuf err = WFT_STRBUF_INIT;

		memset(&e, 0, sizeof(e));
		opts.aux = &e;
		ck_assert_int_eq(wft_loop_new(&e.loop), 0);
		ck_assert_int_eq(wft_ovsdb_client_new(e.loop, &opts, &e.c,
						      &err), 0);
	}
	assert_synced(&e, "tcp");
	/* Two seconds of silence: probes, all answered. */
	end = wft_loop_now() + 2000;
	while (wft_loop_now() < end)
		wft_loop_run_once(e.loop, 50);
	ck_assert(is_active(&e));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);
	sh(SBCTL "chassis-add hv2 geneve 192.0.2.2", db);
	assert_synced(&e, "tcp, later");
	env_close(&e);
}
END_TEST

static Suite *ovsdb_server_suite(void)
{
	Suite *s = suite_create("ovsdb_server");
	TCase *tc = tcase_create("server");

	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_test(tc, test_sync_and_diffs);
	tcase_add_test(tc, test_cond_change);
	tcase_add_test(tc, test_restart_resync);
	tcase_add_test(tc, test_raft_leader_killed);
	tcase_add_test(tc, test_raft_quorum_lost);
	tcase_add_test(tc, test_transact);
	tcase_add_test(tc, test_tcp_probes);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ovsdb_server_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
