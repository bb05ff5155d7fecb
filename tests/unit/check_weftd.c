// SPDX-License-Identifier: GPL-2.0
/*
 * weftd's components in-process: the daemon core, the control socket, the
 * conf, appctl, bridge and listen components, on a socket and a conf.json
 * in a temporary directory, with a fake datapath; the loop runs in a
 * thread, the test drives it through the client library.
 *
 *   test thread  ── JSON-RPC (unix socket) ──►  loop thread: weftd
 *                                                  │ struct wft_dp_ops
 *                                                  ▼
 *                                              fake datapath (locked)
 *
 * Cases: 1,000 concurrent clients; garbage, malformed and oversized input,
 * hang-ups mid-message; JSON-RPC errors, notifications, batches; deferred
 * answers; vsctl transactions that fail leave conf.json and the
 * configuration untouched; the one datapath and its ports follow the
 * bridges, each bridge numbers its ports for OpenFlow, and a restart adopts
 * what exists (ports and their numbers) instead of re-creating it.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "weft/bridge.h"
#include "weft/daemon.h"
#include "weft/jsonrpc.h"
#include "weft/vlog.h"

#include "fake_dp.h"

#define N_CLIENTS	1000
#define MAX_TEXT	(64 * 1024)
#define TIMEOUT_MS	20000

/* The daemon, in its own thread. */

static const struct wft_component *const components[] = {
	&wft_appctl_component, &wft_conf_component, &wft_bridge_component,
	&wft_listen_component,
};

static char dir[64], sock_path[128], conf_path[128];
static struct wft_daemon *daemon_;
static pthread_t daemon_thread;

static void *daemon_main(void *arg)
{
	wft_daemon_run(arg);
	return NULL;
}

static int daemon_try_start(struct wft_daemon **dp, struct wft_strbuf *err)
{
	struct wft_daemon_config cfg = {
		.socket_path = sock_path, .conf_path = conf_path,
		.dp_ops = &fake_ops,
		.limits = { .max_text = MAX_TEXT, .max_clients = 2 * N_CLIENTS },
		.shutdown_ms = 2000, .version = "test",
	};

	return wft_daemon_start(&cfg, components,
				sizeof(components) / sizeof(components[0]),
				dp, err);
}

/* Registers extra methods before the loop starts. */
static void (*before_run)(struct wft_daemon *d);

static void daemon_start(void)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct stat st;

	ck_assert_msg(!daemon_try_start(&daemon_, &err), "%s",
		      wft_strbuf_cstr(&err));
	if (before_run)
		before_run(daemon_);
	ck_assert_int_eq(stat(sock_path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);	/* root only */
	ck_assert_int_eq(pthread_create(&daemon_thread, NULL, daemon_main,
					daemon_), 0);
	wft_strbuf_free(&err);
}

static struct wft_jsonrpc_client *connect_client(void)
{
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error e;

	wft_jsonrpc_error_init(&e);
	ck_assert_msg(!wft_jsonrpc_client_open(sock_path, TIMEOUT_MS, &c, &e),
		      "%s", e.message);
	return c;
}

/* One call on a new connection; returns the result or NULL + @e. */
static json_t *call(const char *method, json_t *params,
		    struct wft_jsonrpc_error *e)
{
	struct wft_jsonrpc_client *c = connect_client();
	json_t *r = NULL;

	wft_jsonrpc_error_init(e);
	wft_jsonrpc_call(c, method, params, TIMEOUT_MS, &r, e);
	wft_jsonrpc_client_close(c);
	return r;
}

static void daemon_stop(void)
{
	struct wft_jsonrpc_error e;

	json_decref(call("exit", NULL, &e));
	ck_assert_msg(!e.message, "exit: %s", e.message);
	pthread_join(daemon_thread, NULL);
	wft_daemon_stop(daemon_);
	daemon_ = NULL;
	/* The socket is gone once weftd exits. */
	ck_assert_int_ne(access(sock_path, F_OK), 0);
}

/* Runs a weft-vsctl style command line: words, "--" between commands. */
static json_t *vsctl(const char *line, struct wft_jsonrpc_error *e)
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
	return call("vsctl/transact", json_pack("{s:o}", "commands", cmds), e);
}

/* The concatenated outputs of a vsctl call that must succeed. */
static char *vsctl_ok(const char *line)
{
	static char out[4096];
	struct wft_jsonrpc_error e;
	json_t *r = vsctl(line, &e), *o;
	size_t i;

	ck_assert_msg(r, "%s: %s", line, e.message);
	out[0] = '\0';
	json_array_foreach(json_object_get(r, "outputs"), i, o)
		strncat(out, json_string_value(o), sizeof(out) - strlen(out) - 1);
	json_decref(r);
	return out;
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_weftd.XXXXXX");
	ck_assert(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/run/weftd.sock", dir);
	snprintf(conf_path, sizeof(conf_path), "%s/conf.json", dir);
	fake_reset();
	before_run = NULL;
}

static void teardown(void)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/run", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/" WFT_OFPORTS_FILE, dir);
	unlink(p);
	unlink(conf_path);
	rmdir(dir);
}

/* Control socket. */

START_TEST(test_many_clients)
{
	static struct wft_jsonrpc_client *c[N_CLIENTS];
	struct wft_jsonrpc_msg msg;
	struct wft_jsonrpc_error e;
	const char *why;
	json_t *req, *reply;
	int i;

	daemon_start();
	wft_jsonrpc_error_init(&e);
	/* All connected at once, then every one asks, then every one reads. */
	for (i = 0; i < N_CLIENTS; i++)
		c[i] = connect_client();
	for (i = 0; i < N_CLIENTS; i++) {
		req = wft_jsonrpc_request_new(i % 2 ? "version" : "vsctl/transact",
			i % 2 ? NULL : json_pack("{s:[[s]]}", "commands",
						 "list-br"), i);
		ck_assert_int_eq(wft_jsonrpc_client_send(c[i], req, TIMEOUT_MS,
							 &e), 0);
		json_decref(req);
	}
	for (i = N_CLIENTS - 1; i >= 0; i--) {
		ck_assert_msg(!wft_jsonrpc_client_recv(c[i], TIMEOUT_MS, &reply,
						       &e), "client %d: %s", i,
			      e.message);
		ck_assert_int_eq(wft_jsonrpc_msg_parse(reply, &msg, &why), 0);
		ck_assert_int_eq(msg.kind, WFT_JSONRPC_RESULT);
		ck_assert_int_eq(json_integer_value(msg.id), i);
		if (i % 2)
			ck_assert_str_eq(json_string_value(json_object_get(
				msg.result, "text")), "weftd (weft) test\n");
		else
			ck_assert(json_object_get(msg.result, "outputs"));
		json_decref(reply);
		wft_jsonrpc_client_close(c[i]);
	}
	daemon_stop();
}
END_TEST

/* Sends @raw on a new connection; returns the first reply (or NULL when
 * the connection closed first) and whether it closed after it. */
static json_t *raw_exchange(const char *raw, size_t len, bool *closed)
{
	struct wft_jsonrpc_client *c = connect_client();
	struct wft_jsonrpc_error e;
	json_t *reply = NULL, *more;

	wft_jsonrpc_error_init(&e);
	/* May fail half way: weftd cuts off what it will not read. */
	wft_jsonrpc_client_send_raw(c, raw, len, TIMEOUT_MS, &e);
	wft_jsonrpc_client_recv(c, TIMEOUT_MS, &reply, &e);
	*closed = wft_jsonrpc_client_recv(c, 200, &more, &e) == -ECONNRESET;
	if (!*closed && more)
		json_decref(more);
	wft_jsonrpc_error_clear(&e);
	wft_jsonrpc_client_close(c);
	return reply;
}

static int error_code(const json_t *reply)
{
	return json_integer_value(json_object_get(json_object_get(reply,
								  "error"),
						  "code"));
}

static const struct {
	const char *raw;
	int code;		/* 0: a result */
	bool closes;
} exchanges[] = {
	{ "xyz", WFT_RPC_PARSE_ERROR, true },
	{ "{\"a\":}", WFT_RPC_PARSE_ERROR, false },
	{ "{\"jsonrpc\":\"2.0\",\"id\":5}", WFT_RPC_INVALID_REQUEST, false },
	{ "{\"jsonrpc\":\"1.0\",\"method\":\"version\",\"id\":5}",
	  WFT_RPC_INVALID_REQUEST, false },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"frob\",\"id\":1}",
	  WFT_RPC_METHOD_NOT_FOUND, false },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"version\",\"params\":[\"x\"],"
	  "\"id\":1}", WFT_RPC_INVALID_PARAMS, false },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"vlog/set\",\"params\":[1],"
	  "\"id\":1}", WFT_RPC_INVALID_PARAMS, false },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"vsctl/transact\",\"params\":[],"
	  "\"id\":1}", WFT_RPC_INVALID_PARAMS, false },
	{ "[]", WFT_RPC_INVALID_REQUEST, false },
	/* A notification gets no answer: the request after it does. */
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"version\"}\n"
	  "{\"jsonrpc\":\"2.0\",\"method\":\"version\",\"id\":9}", 0, false },
};

START_TEST(test_bad_input)
{
	bool closed;
	json_t *reply;

	daemon_start();
	reply = raw_exchange(exchanges[_i].raw, strlen(exchanges[_i].raw),
			     &closed);
	ck_assert_msg(reply, "%s: no reply", exchanges[_i].raw);
	if (exchanges[_i].code)
		ck_assert_int_eq(error_code(reply), exchanges[_i].code);
	else
		ck_assert_int_eq(json_integer_value(json_object_get(reply,
								    "id")), 9);
	ck_assert_int_eq(closed, exchanges[_i].closes);
	json_decref(reply);
	daemon_stop();
}
END_TEST

START_TEST(test_oversized)
{
	size_t len = 4 * MAX_TEXT;
	char *big = malloc(len);
	bool closed;
	json_t *reply;

	daemon_start();
	memset(big, '1', len);
	big[0] = '[';
	for (size_t i = 2; i < len; i += 2)
		big[i] = ',';
	reply = raw_exchange(big, len, &closed);
	ck_assert(reply);
	ck_assert_int_eq(error_code(reply), WFT_RPC_PARSE_ERROR);
	ck_assert(closed);
	json_decref(reply);
	free(big);
	daemon_stop();
}
END_TEST

START_TEST(test_batch)
{
	static const char batch[] =
		"[{\"jsonrpc\":\"2.0\",\"method\":\"version\",\"id\":1},"
		"{\"jsonrpc\":\"2.0\",\"method\":\"version\"},"
		"{\"jsonrpc\":\"2.0\",\"method\":\"frob\",\"id\":2},"
		"{\"jsonrpc\":\"2.0\",\"method\":\"list-commands\",\"id\":3}]";
	bool closed;
	json_t *reply;

	daemon_start();
	reply = raw_exchange(batch, strlen(batch), &closed);
	ck_assert(json_is_array(reply));
	ck_assert_uint_eq(json_array_size(reply), 3);
	ck_assert_int_eq(error_code(json_array_get(reply, 1)),
			 WFT_RPC_METHOD_NOT_FOUND);
	json_decref(reply);
	daemon_stop();
}
END_TEST

/* Clients that leave halfway never disturb the daemon. */
START_TEST(test_hangups)
{
	static const char req[] =
		"{\"jsonrpc\":\"2.0\",\"method\":\"list-commands\",\"id\":1}";
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error e;
	json_t *r;
	int i;

	daemon_start();
	wft_jsonrpc_error_init(&e);
	for (i = 0; i < 200; i++) {
		c = connect_client();
		/* Every cut of a request; some whole ones, never read. */
		wft_jsonrpc_client_send_raw(c, req, i % (sizeof(req) - 1) + 1,
					    TIMEOUT_MS, &e);
		if (i % 3 == 0)
			shutdown(wft_jsonrpc_client_fd(c), SHUT_RDWR);
		wft_jsonrpc_client_close(c);
	}
	r = call("version", NULL, &e);
	ck_assert_msg(r, "%s", e.message);
	json_decref(r);
	daemon_stop();
}
END_TEST

/* A method answering later, from a timer. */

static void later_fire(struct wft_timer *t, void *aux)
{
	wft_rpc_reply_text(aux, "later\n");
}

static void do_later(struct wft_rpc_call *call, json_t *params, void *aux)
{
	wft_loop_timer(wft_daemon_loop(aux), 50, false, later_fire, call);
}

static void add_later(struct wft_daemon *d)
{
	ck_assert_int_eq(wft_control_register(wft_daemon_control(d),
		&(struct wft_rpc_method) { .name = "test/later",
					   .handler = do_later, .aux = d }), 0);
}

START_TEST(test_deferred)
{
	static const char req[] =
		"{\"jsonrpc\":\"2.0\",\"method\":\"test/later\",\"id\":1}";
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error e;
	json_t *r;

	before_run = add_later;
	daemon_start();
	/* The client leaves before the answer: it is dropped. */
	c = connect_client();
	wft_jsonrpc_client_send_raw(c, req, strlen(req), TIMEOUT_MS, &e);
	wft_jsonrpc_client_close(c);
	r = call("test/later", NULL, &e);
	ck_assert_msg(r, "%s", e.message);
	ck_assert_str_eq(json_string_value(json_object_get(r, "text")),
			 "later\n");
	json_decref(r);
	daemon_stop();
}
END_TEST

START_TEST(test_appctl)
{
	struct wft_jsonrpc_error e;
	json_t *r;

	daemon_start();
	r = call("vlog/set", json_pack("[s]", "bridge:console:dbg"), &e);
	ck_assert_msg(r, "%s", e.message);
	json_decref(r);
	r = call("vlog/list", NULL, &e);
	ck_assert(strstr(json_string_value(json_object_get(r, "text")),
			 "bridge             DBG        OFF"));
	json_decref(r);
	r = call("vlog/set", json_pack("[s]", "bogus"), &e);
	ck_assert(!r);
	ck_assert_str_eq(e.message, "no destination, level, or module "
				    "\"bogus\"");
	wft_jsonrpc_error_clear(&e);
	r = call("coverage/show", NULL, &e);
	ck_assert(strstr(json_string_value(json_object_get(r, "text")),
			 "control_accept"));
	json_decref(r);
	r = call("list-commands", NULL, &e);
	ck_assert(strstr(json_string_value(json_object_get(r, "text")),
			 "  vsctl/transact "));
	json_decref(r);
	wft_log_set_all(WFT_LD_CONSOLE, WFT_LL_OFF);
	daemon_stop();
}
END_TEST

START_TEST(test_socket_in_use)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_daemon *second;
	char want[256];

	daemon_start();
	ck_assert_int_eq(daemon_try_start(&second, &err), -EADDRINUSE);
	ck_assert(!second);
	snprintf(want, sizeof(want), "%s: another weftd is listening there",
		 sock_path);
	ck_assert_str_eq(wft_strbuf_cstr(&err), want);
	wft_strbuf_free(&err);
	daemon_stop();
}
END_TEST

/* Configuration. */

static char *read_file(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_transact_atomic)
{
	struct wft_jsonrpc_error e;
	char *before;
	json_t *r;

	daemon_start();
	ck_assert_str_eq(vsctl_ok("add-br br0 -- add-port br0 p1"), "");
	before = strdup(read_file(conf_path));
	/* The last command fails: the first ones leave no trace. */
	r = vsctl("add-br br1 -- set port p1 tag=5 -- del-br br9", &e);
	ck_assert(!r);
	ck_assert_int_eq(e.code, WFT_RPC_FAILED);
	ck_assert_str_eq(e.message, "no bridge named br9");
	wft_jsonrpc_error_clear(&e);
	ck_assert_str_eq(read_file(conf_path), before);
	ck_assert_str_eq(vsctl_ok("list-br -- get port p1 tag"), "br0\n[]\n");
	/* br-exists says 2, and changes nothing either. */
	r = vsctl("add-br br1 -- br-exists br9", &e);
	ck_assert(!r);
	ck_assert_int_eq(json_integer_value(json_object_get(e.data,
							    "exit_status")), 2);
	wft_jsonrpc_error_clear(&e);
	ck_assert_str_eq(read_file(conf_path), before);
	/* --dry-run: run, commit nothing. */
	r = call("vsctl/transact", json_pack("{s:[[s,s]],s:b}", "commands",
					     "add-br", "br2", "dry_run", 1),
		 &e);
	ck_assert_msg(r, "%s", e.message);
	json_decref(r);
	ck_assert_str_eq(vsctl_ok("list-br"), "br0\n");
	daemon_stop();
	/* What was committed survives a restart. */
	daemon_start();
	ck_assert_str_eq(vsctl_ok("list-ports br0"), "p1\n");
	daemon_stop();
	free(before);
}
END_TEST

START_TEST(test_bad_conf_refused)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	FILE *f = fopen(conf_path, "w");
	struct wft_daemon *d;
	char want[256];

	fputs("{\"weft_conf_version\": 1, \"bridges\": [", f);
	fclose(f);
	ck_assert_int_eq(daemon_try_start(&d, &err), -EINVAL);
	ck_assert(!d);
	snprintf(want, sizeof(want), "%s: line 1, column 37: ']' expected "
		 "near end of file", conf_path);
	ck_assert_str_eq(wft_strbuf_cstr(&err), want);
	/* Never reset: the bad file is still there, as it was. */
	ck_assert_str_eq(read_file(conf_path),
			 "{\"weft_conf_version\": 1, \"bridges\": [");
	wft_strbuf_free(&err);
}
END_TEST

/* Datapaths. */

START_TEST(test_datapath_follows)
{
	char *out;

	daemon_start();
	vsctl_ok("add-br br0 -- add-port br0 p1 -- add-port br0 nodev1 -- "
		 "add-port br0 pp -- set interface pp type=patch "
		 "options:peer=x -- add-port br0 p2 -- "
		 "set interface p2 ofport_request=7");
	/* One datapath, its own local port, one local port per bridge. */
	ck_assert(fake_has_port(WFT_DP_DEFAULT_NAME, WFT_DP_DEFAULT_NAME));
	ck_assert(fake_has_port(WFT_DP_DEFAULT_NAME, "br0"));
	ck_assert(fake_has_port(WFT_DP_DEFAULT_NAME, "p1"));
	ck_assert(!fake_has_port(WFT_DP_DEFAULT_NAME, "pp"));
	ck_assert(!fake_has_dp("br0"));
	ck_assert_str_eq(vsctl_ok("get bridge br0 status:dp_ifindex"),
			 "\"100\"\n");
	/* OpenFlow numbers: requested, then the lowest free in name order;
	 * patch ports have one too, failed ports -1. */
	out = vsctl_ok("get interface p1 ofport -- get interface p2 ofport -- "
		       "get interface br0 ofport -- get interface pp ofport -- "
		       "get interface nodev1 ofport");
	ck_assert_str_eq(out, "1\n7\n65534\n2\n-1\n");
	out = vsctl_ok("get interface nodev1 error -- "
		       "get bridge br0 status:datapath");
	ck_assert_str_eq(out, "\"could not add network device nodev1 to "
			 "datapath weft-system: no netdevice named nodev1 (No "
			 "such device)\"\nok\n");
	/* A second bridge shares the datapath and numbers from 1. */
	vsctl_ok("add-br br1 -- add-port br1 q1");
	ck_assert(fake_has_port(WFT_DP_DEFAULT_NAME, "br1"));
	ck_assert_str_eq(vsctl_ok("get interface q1 ofport -- "
				  "get bridge br1 status:dp_ifindex"),
			 "1\n\"100\"\n");
	vsctl_ok("del-port p1");
	ck_assert(!fake_has_port(WFT_DP_DEFAULT_NAME, "p1"));
	vsctl_ok("del-br br0");
	ck_assert(!fake_has_port(WFT_DP_DEFAULT_NAME, "br0"));
	ck_assert(fake_has_port(WFT_DP_DEFAULT_NAME, "q1"));
	/* The last bridge takes the datapath with it. */
	vsctl_ok("del-br br1");
	ck_assert(!fake_has_dp(WFT_DP_DEFAULT_NAME));
	daemon_stop();
}
END_TEST

START_TEST(test_restart_adopts)
{
	int create, add, del, create2, add2, del2, p1_no;
	struct fake_dp *dp;

	daemon_start();
	vsctl_ok("add-br br0 -- add-port br0 p1 -- add-port br0 p2 -- "
		 "set interface p2 ofport_request=5 -- add-port br0 p3");
	/* Added alone later: gets the next number, not its name's rank. */
	vsctl_ok("add-port br0 a0");
	ck_assert_str_eq(vsctl_ok("get interface p1 ofport -- "
				  "get interface p2 ofport -- "
				  "get interface p3 ofport -- "
				  "get interface a0 ofport"), "1\n5\n2\n3\n");
	daemon_stop();
	fake_counts(&create, &add, &del);
	ck_assert_int_eq(create, 1);
	p1_no = fake_port_no(WFT_DP_DEFAULT_NAME, "p1");
	/* Someone added a port behind weftd's back. */
	pthread_mutex_lock(&fake.lock);
	dp = dp_by_name(WFT_DP_DEFAULT_NAME);
	snprintf(dp->ports[dp->n].name, WFT_IFNAMSIZ, "junk");
	dp->ports[dp->n++].port_no = 60;
	pthread_mutex_unlock(&fake.lock);

	daemon_start();
	fake_counts(&create2, &add2, &del2);
	ck_assert_int_eq(create2, create);	/* adopted, not re-created */
	ck_assert_int_eq(add2, add);		/* ports kept */
	ck_assert_int_eq(del2, del + 1);	/* the stray one went */
	ck_assert(!fake_has_port(WFT_DP_DEFAULT_NAME, "junk"));
	ck_assert_int_eq(fake_port_no(WFT_DP_DEFAULT_NAME, "p1"), p1_no);
	/* Every port has the OpenFlow number it had (ofports.json). */
	ck_assert_str_eq(vsctl_ok("get interface p1 ofport -- "
				  "get interface p2 ofport -- "
				  "get interface p3 ofport -- "
				  "get interface a0 ofport"), "1\n5\n2\n3\n");
	/* A changed request renumbers for OpenFlow only: the datapath port
	 * stays. A request of a taken number wins over the old owner. */
	vsctl_ok("set interface p2 ofport_request=2");
	fake_counts(&create2, &add2, &del2);
	ck_assert_int_eq(add2, add);
	ck_assert_str_eq(vsctl_ok("get interface p2 ofport -- "
				  "get interface p3 ofport"), "2\n4\n");
	daemon_stop();
}
END_TEST

START_TEST(test_module_missing)
{
	char *out;

	pthread_mutex_lock(&fake.lock);
	fake.fail_open = true;
	pthread_mutex_unlock(&fake.lock);
	daemon_start();
	out = vsctl_ok("add-br br0 -- get bridge br0 status");
	ck_assert_str_eq(out, "{}\n");	/* filled in after the commit */
	ck_assert_str_eq(vsctl_ok("get bridge br0 status:datapath"),
			 "\"weft.ko is not loaded (No such file or "
			 "directory)\"\n");
	pthread_mutex_lock(&fake.lock);
	fake.fail_open = false;
	pthread_mutex_unlock(&fake.lock);
	/* The next change (or the retry timer) finds the module. */
	vsctl_ok("set bridge br0 external_ids:x=1");
	ck_assert(fake_has_port(WFT_DP_DEFAULT_NAME, "br0"));
	daemon_stop();
}
END_TEST

static Suite *weftd_suite(void)
{
	Suite *s = suite_create("weftd");
	TCase *tc;

	tc = tcase_create("control");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_many_clients);
	tcase_add_loop_test(tc, test_bad_input, 0,
			    sizeof(exchanges) / sizeof(exchanges[0]));
	tcase_add_test(tc, test_oversized);
	tcase_add_test(tc, test_batch);
	tcase_add_test(tc, test_hangups);
	tcase_add_test(tc, test_deferred);
	tcase_add_test(tc, test_appctl);
	tcase_add_test(tc, test_socket_in_use);
	suite_add_tcase(s, tc);

	tc = tcase_create("conf");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_transact_atomic);
	tcase_add_test(tc, test_bad_conf_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("datapath");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_datapath_follows);
	tcase_add_test(tc, test_restart_adopts);
	tcase_add_test(tc, test_module_missing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(weftd_suite());
	struct rlimit rl;
	int failed;

	/* Two descriptors per client, both ends being in this process. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < 4 * N_CLIENTS) {
		rl.rlim_cur = rl.rlim_max < 4 * N_CLIENTS ? rl.rlim_max
							  : 4 * N_CLIENTS;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	wft_log_set_all(WFT_LD_CONSOLE, WFT_LL_OFF);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
