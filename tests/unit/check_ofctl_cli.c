// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of weft-ofctl's weftd-backed commands and of weft-trace: the
 * commands run in-process against a fake weftd, a real control server
 * (include/weft/control.h) on a socket in a temporary directory, driven
 * by its own loop in a thread, whose methods record their params and
 * answer what the test scripted. Checked: the params every command line
 * sends, what is printed from each answer (text and JSON), the errors
 * (weftd's "line N" mapped to FILE:LINE, weftd absent, timeouts, bad
 * input caught before weftd is called), and how flow files are read.
 *
 * The unit test rule links each check_*.c with libweft.a only, so the CLI
 * sources under test are compiled in here.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "weft/control.h"
/* Before the sources: conf.h's enum has a WFT_N_TABLES that ofpact.h
 * (through ofctl.h) defines as a macro. */
#include "weft/daemon.h"
#include "weft/loop.h"
#include "weft/vlog.h"

#include "agent/ofctl/args.c"
#include "agent/ofctl/cli.c"
#include "agent/ofctl/dump.c"
#include "agent/ofctl/flowmod.c"
#include "agent/ofctl/flows.c"
#include "agent/ofctl/group.c"
#include "agent/ofctl/parse.c"
#include "agent/ofctl/rpc.c"
#include "agent/ofctl/tlv.c"
#include "agent/trace/trace.c"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The fake weftd. */

static struct {
	pthread_t thread;
	struct wft_loop *loop;
	struct wft_control *ctl;
	atomic_bool stop;
	char dir[64];
	char path[128];
	char file[128];		/* a flows file for the test */
	pthread_mutex_t lock;
	/* what the last call brought */
	int n_calls;
	char method[64];
	json_t *params;
	/* what to answer: an error when err_msg is set, else reply */
	const char *reply;
	int err_code;
	const char *err_msg;
	bool defer;		/* no answer until the server stops */
	struct wft_rpc_call *deferred;
} fk;

static const char *const methods[] = {
	"ofctl/flow-mods", "ofctl/replace-flows", "ofctl/dump-flows",
	"ofctl/dump-tables", "ofproto/trace", "ofctl/add-tlv-map",
	"ofctl/del-tlv-map", "ofctl/dump-tlv-map",
};

static void fake_handler(struct wft_rpc_call *call, json_t *params,
			 void *aux)
{
	pthread_mutex_lock(&fk.lock);
	fk.n_calls++;
	snprintf(fk.method, sizeof(fk.method), "%s",
		 wft_rpc_call_method(call));
	json_decref(fk.params);
	fk.params = params ? json_deep_copy(params) : json_null();
	pthread_mutex_unlock(&fk.lock);
	if (fk.defer)
		fk.deferred = call;
	else if (fk.err_msg)
		wft_rpc_reply_error(call, fk.err_code, NULL, "%s", fk.err_msg);
	else
		wft_rpc_reply(call, json_loads(fk.reply, 0, NULL));
}

static void *fake_main(void *arg)
{
	while (!atomic_load(&fk.stop))
		wft_loop_run_once(fk.loop, 10);
	if (fk.deferred)
		wft_rpc_reply_error(fk.deferred, WFT_RPC_FAILED, NULL, "late");
	wft_control_close(fk.ctl);
	wft_loop_free(fk.loop);
	return NULL;
}

static void fake_start(void)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	size_t i;

	memset(&fk, 0, sizeof(fk));
	pthread_mutex_init(&fk.lock, NULL);
	strcpy(fk.dir, "/tmp/check_ofctl_cli.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fk.dir));
	snprintf(fk.path, sizeof(fk.path), "%s/weftd.sock", fk.dir);
	snprintf(fk.file, sizeof(fk.file), "%s/flows.txt", fk.dir);
	fk.reply = "{\"n\": 1, \"text\": \"\", \"flows\": [], \"tables\": [],"
		   " \"trace\": {}}";
	ck_assert_int_eq(wft_loop_new(&fk.loop), 0);
	fk.ctl = wft_control_new(fk.loop, NULL);
	for (i = 0; i < N(methods); i++)
		ck_assert_int_eq(wft_control_register(fk.ctl,
			&(struct wft_rpc_method) {
				.name = methods[i],
				.args_max = WFT_RPC_ANY_PARAMS,
				.handler = fake_handler }), 0);
	ck_assert_msg(!wft_control_listen(fk.ctl, fk.path, &err), "%s",
		      wft_strbuf_cstr(&err));
	wft_strbuf_free(&err);
	ck_assert_int_eq(pthread_create(&fk.thread, NULL, fake_main, NULL),
			 0);
	setenv("WEFT_SOCKET", fk.path, 1);
}

static void fake_stop(void)
{
	atomic_store(&fk.stop, true);
	pthread_join(fk.thread, NULL);
	json_decref(fk.params);
	unlink(fk.file);
	rmdir(fk.dir);
	pthread_mutex_destroy(&fk.lock);
	unsetenv("WEFT_SOCKET");
}

/* Running a command line. */

struct run {
	int status;
	char *out;
	char *err;
	size_t out_len, err_len;
};

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* @words end with NULL; "@FILE@" stands for fk.file. */
static int make_argv(const char *prog, const char *const *words,
		     char **argv)
{
	int argc = 0;

	argv[argc++] = (char *)prog;
	for (; *words; words++)
		argv[argc++] = (char *)(strcmp(*words, "@FILE@") ? *words :
					fk.file);
	argv[argc] = NULL;
	return argc;
}

static void run_ofctl(struct run *r, const char *in, int timeout_ms,
		      const char *const *words)
{
	struct ofctl ctx;
	char *argv[16], err[256];
	int argc = make_argv("weft-ofctl", words, argv), first;

	ofctl_init(&ctx);
	ctx.out = open_memstream(&r->out, &r->out_len);
	ctx.err = open_memstream(&r->err, &r->err_len);
	if (in)
		ctx.in = fmemopen((void *)in, strlen(in), "r");
	if (timeout_ms) {	/* in ms, finer than --timeout */
		ck_assert_int_eq(ofctl_parse_opts(argc, argv, &ctx.opts,
						  &first, err, sizeof(err)), 0);
		ctx.opts.timeout_ms = timeout_ms;
		r->status = ofctl_dispatch(&ctx, argc - first, argv + first);
	} else {
		r->status = ofctl_run(&ctx, argc, argv);
	}
	ofctl_uninit(&ctx);
	fclose(ctx.out);
	fclose(ctx.err);
	if (in)
		fclose(ctx.in);
}

static void run_trace(struct run *r, const char *const *words)
{
	char *argv[16];
	int argc = make_argv("weft-trace", words, argv);
	FILE *out = open_memstream(&r->out, &r->out_len);
	FILE *err = open_memstream(&r->err, &r->err_len);

	r->status = trace_run(out, err, argc, argv);
	fclose(out);
	fclose(err);
}

static void write_file(const char *text)
{
	FILE *f = fopen(fk.file, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* @pattern with "@FILE@" and "@PATH@" replaced; malloc()ed. */
static char *expand(const char *pattern)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	const char *at;
	char *s;

	while ((at = strchr(pattern, '@'))) {
		wft_strbuf_printf(&sb, "%.*s", (int)(at - pattern), pattern);
		if (!strncmp(at, "@FILE@", 6)) {
			wft_strbuf_puts(&sb, fk.file);
			pattern = at + 6;
		} else if (!strncmp(at, "@PATH@", 6)) {
			wft_strbuf_puts(&sb, fk.path);
			pattern = at + 6;
		} else {
			wft_strbuf_puts(&sb, "@");
			pattern = at + 1;
		}
	}
	wft_strbuf_puts(&sb, pattern);
	s = strdup(wft_strbuf_cstr(&sb));
	wft_strbuf_free(&sb);
	return s;
}

static void assert_params(const char *method, const char *expected)
{
	json_error_t jerr;
	json_t *want = json_loads(expected, 0, &jerr);
	char *got;

	ck_assert_msg(want, "bad expected JSON: %s", jerr.text);
	pthread_mutex_lock(&fk.lock);
	got = json_dumps(fk.params, JSON_COMPACT | JSON_SORT_KEYS |
			 JSON_ENCODE_ANY);
	ck_assert_int_eq(fk.n_calls, 1);
	ck_assert_str_eq(fk.method, method);
	ck_assert_msg(json_equal(fk.params, want), "params %s, want %s", got,
		      expected);
	pthread_mutex_unlock(&fk.lock);
	free(got);
	json_decref(want);
}

#define W(...)	((const char *const []){ __VA_ARGS__, NULL })

/* The params of every command. */

struct param_case {
	const char *const *words;
	bool trace;
	const char *file;	/* what @FILE@ holds */
	const char *in;		/* stdin */
	const char *method;
	const char *params;
};

static const struct param_case param_cases[] = {
	{ W("add-flow", "br0", "tcp,tp_dst=80 actions=drop"), false, NULL,
	  NULL, "ofctl/flow-mods", "{\"bridge\": \"br0\", \"command\": "
	  "\"add\", \"flows\": [\"tcp,tp_dst=80 actions=drop\"]}" },
	/* port names pass: weftd resolves them */
	{ W("add-flow", "br0", "in_port=p1,actions=output:\"vm 1\""), false,
	  NULL, NULL, "ofctl/flow-mods", "{\"bridge\": \"br0\", \"command\": "
	  "\"add\", \"flows\": [\"in_port=p1,actions=output:\\\"vm 1\\\"\"]}" },
	{ W("add-flows", "br0", "@FILE@"), false,
	  "# a comment\n\n  priority=5,ip actions=drop  # trailing\n \t\n"
	  "udp actions=output:1\r\n"
	  "table=1,arp,actions=drop", NULL, "ofctl/flow-mods",
	  "{\"bridge\": \"br0\", \"command\": \"add\", \"flows\": "
	  "[\"priority=5,ip actions=drop\", \"udp actions=output:1\", "
	  "\"table=1,arp,actions=drop\"]}" },
	{ W("add-flows", "br0", "-"), false, NULL, "arp actions=drop\n",
	  "ofctl/flow-mods", "{\"bridge\": \"br0\", \"command\": \"add\", "
	  "\"flows\": [\"arp actions=drop\"]}" },
	{ W("add-flows", "br0", "@FILE@"), false, "# nothing\n", NULL,
	  "ofctl/flow-mods", "{\"bridge\": \"br0\", \"command\": \"add\", "
	  "\"flows\": []}" },
	{ W("mod-flows", "br0", "tcp actions=output:2"), false, NULL, NULL,
	  "ofctl/flow-mods", "{\"bridge\": \"br0\", \"command\": "
	  "\"modify\", \"flows\": [\"tcp actions=output:2\"]}" },
	{ W("mod-flows", "br0", "--strict", "priority=7,tcp actions=drop"),
	  false, NULL, NULL, "ofctl/flow-mods", "{\"bridge\": \"br0\", "
	  "\"command\": \"modify_strict\", \"flows\": "
	  "[\"priority=7,tcp actions=drop\"]}" },
	{ W("--strict", "del-flows", "br0", "priority=7,tcp"), false, NULL,
	  NULL, "ofctl/flow-mods", "{\"bridge\": \"br0\", \"command\": "
	  "\"delete_strict\", \"flows\": [\"priority=7,tcp\"]}" },
	{ W("del-flows", "br0"), false, NULL, NULL, "ofctl/flow-mods",
	  "{\"bridge\": \"br0\", \"command\": \"delete\", \"flows\": "
	  "[\"\"]}" },
	{ W("del-flows", "br-int", "table=1,cookie=0x5/-1"), false, NULL,
	  NULL, "ofctl/flow-mods", "{\"bridge\": \"br-int\", \"command\": "
	  "\"delete\", \"flows\": [\"table=1,cookie=0x5/-1\"]}" },
	{ W("replace-flows", "br0", "@FILE@"), false,
	  "ip actions=drop\n\n# x\npriority=9,udp actions=drop\n", NULL,
	  "ofctl/replace-flows", "{\"bridge\": \"br0\", \"flows\": "
	  "[\"ip actions=drop\", \"priority=9,udp actions=drop\"]}" },
	{ W("dump-flows", "br0"), false, NULL, NULL, "ofctl/dump-flows",
	  "{\"bridge\": \"br0\", \"no_stats\": false, \"names\": false}" },
	{ W("dump-flows", "--no-stats", "--names", "br0", "tcp"), false, NULL,
	  NULL, "ofctl/dump-flows", "{\"bridge\": \"br0\", \"match\": "
	  "\"tcp\", \"no_stats\": true, \"names\": true}" },
	{ W("dump-flows", "--names", "--no-names", "--no-stats", "--stats",
	    "br0", "table=3,out_port=2"), false, NULL, NULL,
	  "ofctl/dump-flows", "{\"bridge\": \"br0\", \"match\": "
	  "\"table=3,out_port=2\", \"no_stats\": false, \"names\": false}" },
	{ W("dump-tables", "br0"), false, NULL, NULL, "ofctl/dump-tables",
	  "{\"bridge\": \"br0\"}" },
	/* GENEVE TLV maps (issue 5) */
	{ W("add-tlv-map", "br-int",
	    "{class=0x0102,type=0x80,len=4}->tun_metadata0"), false, NULL,
	  NULL, "ofctl/add-tlv-map", "{\"bridge\": \"br-int\", \"mappings\": "
	  "\"{class=0x0102,type=0x80,len=4}->tun_metadata0\"}" },
	{ W("del-tlv-map", "br-int"), false, NULL, NULL, "ofctl/del-tlv-map",
	  "{\"bridge\": \"br-int\"}" },
	{ W("del-tlv-map", "br-int", "{class=1,type=2,len=8}->tun_metadata3"),
	  false, NULL, NULL, "ofctl/del-tlv-map", "{\"bridge\": \"br-int\", "
	  "\"mappings\": \"{class=1,type=2,len=8}->tun_metadata3\"}" },
	{ W("dump-tlv-map", "br-int"), false, NULL, NULL, "ofctl/dump-tlv-map",
	  "{\"bridge\": \"br-int\"}" },
	/* tun_metadata's width is the bridge's business: any up to 16
	 * bytes passes here. */
	{ W("add-flow", "br0", "tun_metadata5=0x112233445566,actions=drop"),
	  false, NULL, NULL, "ofctl/flow-mods", "{\"bridge\": \"br0\", "
	  "\"command\": \"add\", \"flows\": "
	  "[\"tun_metadata5=0x112233445566,actions=drop\"]}" },
	{ W("-f", "json", "-t", "5", "add-flow", "br1", "ip actions=drop"),
	  false, NULL, NULL, "ofctl/flow-mods", "{\"bridge\": \"br1\", "
	  "\"command\": \"add\", \"flows\": [\"ip actions=drop\"]}" },
	{ W("br0", "in_port=1,tcp,tp_dst=80"), true, NULL, NULL,
	  "ofproto/trace", "{\"bridge\": \"br0\", \"flow\": "
	  "\"in_port=1,tcp,tp_dst=80\", \"format\": \"text\"}" },
	{ W("br-int", "in_port=vm1,ip"), true, NULL, NULL, "ofproto/trace",
	  "{\"bridge\": \"br-int\", \"flow\": \"in_port=vm1,ip\", "
	  "\"format\": \"text\"}" },
	{ W("ofproto/trace", "br0", "in_port=1", "-f", "json"), true, NULL,
	  NULL, "ofproto/trace", "{\"bridge\": \"br0\", \"flow\": "
	  "\"in_port=1\", \"format\": \"json\"}" },
	{ W("-T", "5", "--format=text", "--", "br0", "in_port(1),eth()"),
	  true, NULL, NULL, "ofproto/trace", "{\"bridge\": \"br0\", "
	  "\"flow\": \"in_port(1),eth()\", \"format\": \"text\"}" },
	{ W("--no-provenance", "br-int", "in_port=1"), true, NULL, NULL,
	  "ofproto/trace", "{\"bridge\": \"br-int\", \"flow\": "
	  "\"in_port=1\", \"format\": \"text\", \"provenance\": false}" },
};

START_TEST(test_params)
{
	const struct param_case *c = &param_cases[_i];
	struct run r;

	if (c->file)
		write_file(c->file);
	if (c->trace)
		run_trace(&r, c->words);
	else
		run_ofctl(&r, c->in, 0, c->words);
	ck_assert_msg(!r.status, "status %d: %s", r.status, r.err);
	assert_params(c->method, c->params);
	run_free(&r);
}
END_TEST

/* --target wins over $WEFT_SOCKET, which wins over the default. */
START_TEST(test_target)
{
	struct run r;

	run_ofctl(&r, NULL, 0, W("--target=/nonexistent/w.sock",
				 "dump-tables", "br0"));
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.err, "weft-ofctl: dump-tables: cannot connect to "
			 "weftd at /nonexistent/w.sock: No such file or "
			 "directory (is weftd running?)\n");
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	run_trace(&r, W("--target", "/nonexistent/w.sock", "br0", "ip"));
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.err, "weft-trace: cannot connect to weftd at "
			 "/nonexistent/w.sock: No such file or directory (is "
			 "weftd running?)\n");
	run_free(&r);
	setenv("WEFT_SOCKET", "/nonexistent/env.sock", 1);
	run_ofctl(&r, NULL, 0, W("del-flows", "br0"));
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "at /nonexistent/env.sock:"));
	run_free(&r);
	run_ofctl(&r, NULL, 0, W("--target", fk.path, "del-flows", "br0"));
	ck_assert_int_eq(r.status, 0);
	run_free(&r);
	ck_assert_int_eq(fk.n_calls, 1);
}
END_TEST

/* What is printed from weftd's answers. */

struct print_case {
	const char *const *words;
	bool trace;
	const char *reply;
	const char *out;
};

#define FLOW1 "cookie=0x0, duration=1.5s, table=0, n_packets=0, " \
	      "n_bytes=0, idle_age=1, priority=10,tcp actions=drop"

static const struct print_case print_cases[] = {
	/* ovs-ofctl's header, its leading spaces kept or added */
	{ W("dump-flows", "br0"), false,
	  "{\"text\": \" " FLOW1 "\\npriority=0 actions=NORMAL\\n\", "
	  "\"flows\": []}",
	  "NXST_FLOW reply (xid=0x4):\n " FLOW1 "\n"
	  " priority=0 actions=NORMAL\n" },
	{ W("dump-flows", "br0", "tcp"), false,
	  "{\"text\": \" " FLOW1 "\", \"flows\": []}",
	  "NXST_FLOW reply (xid=0x8):\n " FLOW1 "\n" },
	{ W("dump-flows", "br0"), false, "{\"text\": \"\", \"flows\": []}",
	  "NXST_FLOW reply (xid=0x4):\n" },
	{ W("dump-flows", "--no-stats", "br0"), false,
	  "{\"text\": \" priority=0 actions=NORMAL\\n\", \"flows\": []}",
	  " priority=0 actions=NORMAL\n" },
	{ W("dump-flows", "--names", "br0"), false,
	  "{\"text\": \" priority=0 actions=NORMAL\\n\", \"flows\": []}",
	  " priority=0 actions=NORMAL\n" },
	{ W("dump-flows", "br0"), false,	/* weftd's header: once */
	  "{\"text\": \"NXST_FLOW reply (xid=0x4):\\n priority=0 "
	  "actions=NORMAL\\n\", \"flows\": []}",
	  "NXST_FLOW reply (xid=0x4):\n priority=0 actions=NORMAL\n" },
	{ W("dump-flows", "-f", "json", "br0"), false,
	  "{\"text\": \"x\", \"flows\": [{\"table\": 0, \"priority\": 10, "
	  "\"cookie\": \"0x0\", \"match\": \"tcp\", \"actions\": \"drop\"}]}",
	  "[{\"table\":0,\"priority\":10,\"cookie\":\"0x0\",\"match\":\"tcp\","
	  "\"actions\":\"drop\"}]\n" },
	{ W("dump-tables", "br0"), false,
	  "{\"text\": \"  table 0:\\n    active=1, lookup=2, matched=1\\n\","
	  " \"tables\": [{\"table\": 0, \"active\": 1, \"lookups\": 2, "
	  "\"matches\": 1}]}",
	  "OFPST_TABLE reply (xid=0x2):\n  table 0:\n"
	  "    active=1, lookup=2, matched=1\n" },
	{ W("-j", "dump-tables", "br0"), false,
	  "{\"text\": \"  table 0:\\n\", \"tables\": [{\"table\": 0, "
	  "\"active\": 1, \"lookups\": 2, \"matches\": 1}]}",
	  "[{\"table\":0,\"active\":1,\"lookups\":2,\"matches\":1}]\n" },
	/* changes print nothing, their counts in JSON */
	{ W("add-flow", "br0", "ip actions=drop"), false, "{\"n\": 1}", "" },
	{ W("--format", "json", "add-flow", "br0", "ip actions=drop"), false,
	  "{\"n\": 1}", "{\"n\":1}\n" },
	{ W("--format=json", "replace-flows", "br0", "-"), false,
	  "{\"added\": 1, \"deleted\": 2, \"modified\": 0}",
	  "{\"added\":1,\"deleted\":2,\"modified\":0}\n" },
	{ W("help", "del-flows"), false, "{}",
	  "usage: weft-ofctl del-flows [--strict] BRIDGE [FLOW]\n"
	  "  delete the flows FLOW matches (all without FLOW)\n" },
	/* weft-trace: the text as it comes, or the trace object */
	{ W("br0", "in_port=1"), true,
	  "{\"text\": \"Flow: in_port=1\\n\\nbridge(\\\"br0\\\")\\n\", "
	  "\"trace\": {}}", "Flow: in_port=1\n\nbridge(\"br0\")\n" },
	{ W("br0", "in_port=1"), true,
	  "{\"text\": \"Datapath actions: drop\", \"trace\": {}}",
	  "Datapath actions: drop\n" },
	{ W("-j", "br0", "in_port=1"), true,
	  "{\"text\": \"x\", \"trace\": {\"datapath_actions\": \"drop\"}}",
	  "{\"datapath_actions\":\"drop\"}\n" },
};

START_TEST(test_print)
{
	const struct print_case *c = &print_cases[_i];
	struct run r;

	fk.reply = c->reply;
	if (c->trace)
		run_trace(&r, c->words);
	else
		run_ofctl(&r, "ip actions=drop\n", 0, c->words);
	ck_assert_msg(!r.status, "status %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, c->out);
	ck_assert_str_eq(r.err, "");
	run_free(&r);
}
END_TEST

/* Errors: weftd's, and those found before weftd is called. */

struct error_case {
	const char *const *words;
	bool trace;
	const char *file;
	int err_code;		/* weftd's error, when err_msg is set */
	const char *err_msg;
	int status;
	int n_calls;
	const char *err;	/* "@FILE@", "@PATH@" expanded */
};

#define FAILED	WFT_RPC_FAILED

static const struct error_case error_cases[] = {
	/* weftd's "line N" is the Nth flow sent: the file's line 4 */
	{ W("add-flows", "br0", "@FILE@"), false,
	  "# c\nip actions=drop\n\nudp actions=drop\n", FAILED,
	  "line 2: no table 300", 1, 1,
	  "weft-ofctl: add-flows: @FILE@:4: no table 300\n" },
	{ W("replace-flows", "br0", "@FILE@"), false,
	  "\n\nip actions=drop\n", FAILED, "line 1: duplicate flow\n", 1, 1,
	  "weft-ofctl: replace-flows: @FILE@:3: duplicate flow\n" },
	{ W("add-flow", "br0", "ip actions=drop"), false, NULL, FAILED,
	  "line 1: table 0 is full", 1, 1,
	  "weft-ofctl: add-flow: table 0 is full\n" },
	{ W("add-flows", "br0", "@FILE@"), false, "ip actions=drop\n",
	  FAILED, "line 9: out of range", 1, 1,
	  "weft-ofctl: add-flows: line 9: out of range\n" },
	{ W("dump-flows", "br9"), false, NULL, FAILED,
	  "no bridge named br9", 1, 1,
	  "weft-ofctl: dump-flows: no bridge named br9\n" },
	{ W("dump-tables", "br0"), false, NULL, WFT_RPC_METHOD_NOT_FOUND,
	  "unknown method", 1, 1,
	  "weft-ofctl: dump-tables: weftd at @PATH@ does not know "
	  "\"ofctl/dump-tables\" (is it older than weft-ofctl?)\n" },
	/* found locally: weftd is never called */
	{ W("add-flow", "br0", "foo=1 actions=drop"), false, NULL, 0, NULL,
	  1, 0, "weft-ofctl: add-flow: unknown keyword \"foo\"\n" },
	{ W("add-flows", "br0", "@FILE@"), false,
	  "ip actions=drop\nip,bar=2 actions=drop\n# x\ntcp\n", 0, NULL, 1,
	  0, "weft-ofctl: add-flows: @FILE@:2: unknown keyword \"bar\"\n"
	  "weft-ofctl: add-flows: @FILE@:4: must specify an action "
	  "(actions=..., or actions=drop)\n" },
	/* no line continuation, as ovs-ofctl: line 1 has no actions */
	{ W("add-flows", "br0", "@FILE@"), false,
	  "priority=1,tcp,\\\n actions=drop\n", 0, NULL, 1, 0,
	  "weft-ofctl: add-flows: @FILE@:1: must specify an action "
	  "(actions=..., or actions=drop)\n" },
	{ W("replace-flows", "br0", "@FILE@"), false, "ip,foo=1 actions=1\n",
	  0, NULL, 1, 0,
	  "weft-ofctl: replace-flows: @FILE@:1: unknown keyword \"foo\"\n" },
	{ W("add-flows", "br0", "/nonexistent/flows"), false, NULL, 0, NULL,
	  1, 0, "weft-ofctl: add-flows: /nonexistent/flows: No such file or "
	  "directory\n" },
	{ W("mod-flows", "br0", "tcp"), false, NULL, 0, NULL, 1, 0,
	  "weft-ofctl: mod-flows: must specify an action (actions=..., or "
	  "actions=drop)\n" },
	{ W("del-flows", "br0", "tcp,actions=drop"), false, NULL, 0, NULL, 1,
	  0, "weft-ofctl: del-flows: actions: not allowed when deleting "
	  "flows\n" },
	{ W("del-flows", "br0", "priority=3,tcp"), false, NULL, 0, NULL, 1, 0,
	  "weft-ofctl: del-flows: unknown keyword \"priority\"\n" },
	{ W("dump-flows", "br0", "tcp actions=drop"), false, NULL, 0, NULL, 1,
	  0, "weft-ofctl: dump-flows: actions: not allowed in dump-flows "
	  "FLOW\n" },
	{ W("dump-flows", "--strict", "br0"), false, NULL, 0, NULL, 1, 0,
	  "weft-ofctl: dump-flows: --strict does not apply to dump-flows "
	  "(usage: weft-ofctl dump-flows [--no-stats] [--names | --no-names]"
	  " BRIDGE [FLOW])\n" },
	{ W("add-flow", "--no-stats", "br0", "ip actions=drop"), false, NULL,
	  0, NULL, 1, 0, "weft-ofctl: add-flow: --stats/--no-stats does not "
	  "apply to add-flow (usage: weft-ofctl add-flow BRIDGE FLOW)\n" },
	{ W("add-flow", "br0"), false, NULL, 0, NULL, 1, 0,
	  "weft-ofctl: add-flow: missing arguments (usage: weft-ofctl "
	  "add-flow BRIDGE FLOW)\n" },
	{ W("dump-flow", "br0"), false, NULL, 0, NULL, 1, 0,
	  "weft-ofctl: unknown command \"dump-flow\" (try --help)\n" },
	{ W("--timeout=soon", "dump-flows", "br0"), false, NULL, 0, NULL, 1,
	  0, "weft-ofctl: bad timeout \"soon\" (whole seconds, 0 to 86400) "
	  "(try --help)\n" },
	{ W("--target"), false, NULL, 0, NULL, 1, 0,
	  "weft-ofctl: option --target needs an argument (try --help)\n" },
	{ W("add-tlv-map", "br0", "{class=1,type=2}->tun_metadata0"), false,
	  NULL, 0, NULL, 1, 0, "weft-ofctl: add-tlv-map: "
	  "\"{class=1,type=2}->tun_metadata0\": expected {class=CLASS,type=TYPE,len=LEN}->tun_metadataN\n" },
	{ W("add-tlv-map", "br0"), false, NULL, 0, NULL, 1, 0,
	  "weft-ofctl: add-tlv-map: missing arguments (usage: weft-ofctl "
	  "add-tlv-map BRIDGE MAPPINGS)\n" },
	/* weft-trace */
	{ W("br9", "in_port=1"), true, NULL, FAILED, "br9: unknown bridge",
	  2, 1, "weft-trace: br9: unknown bridge\n" },
	{ W("br0", "in_port=1,foo=2"), true, NULL, 0, NULL, 1, 0,
	  "weft-trace: unknown keyword \"foo\"\n" },
	{ W("br0", "in_port=1", "-generate"), true, NULL, 0, NULL, 1, 0,
	  "weft-trace: unknown option \"-generate\" (try --help)\n" },
	{ W("br0", "in_port=1", "0a0b0c"), true, NULL, 0, NULL, 1, 0,
	  "weft-trace: unexpected argument \"0a0b0c\": weft-trace traces a "
	  "flow, not a packet\n" },
	{ W("ofproto/trace", "br0"), true, NULL, 0, NULL, 1, 0,
	  "weft-trace: missing FLOW (usage: weft-trace [OPTIONS] "
	  "[ofproto/trace] BRIDGE FLOW)\n" },
	{ W("--time=1", "br0", "ip"), true, NULL, 0, NULL, 1, 0,
	  "weft-trace: unknown option \"--time=1\" (try --help)\n" },
};

START_TEST(test_errors)
{
	const struct error_case *c = &error_cases[_i];
	char *want = expand(c->err);
	struct run r;

	if (c->file)
		write_file(c->file);
	fk.err_code = c->err_code;
	fk.err_msg = c->err_msg;
	if (c->trace)
		run_trace(&r, c->words);
	else
		run_ofctl(&r, NULL, 0, c->words);
	ck_assert_int_eq(r.status, c->status);
	ck_assert_str_eq(r.err, want);
	ck_assert_str_eq(r.out, "");
	ck_assert_int_eq(fk.n_calls, c->n_calls);
	run_free(&r);
	free(want);
}
END_TEST

START_TEST(test_timeout)
{
	char *want = expand("weft-ofctl: dump-tables: timed out waiting for "
			    "weftd at @PATH@\n");
	struct run r;

	fk.defer = true;
	run_ofctl(&r, NULL, 200, W("dump-tables", "br0"));
	ck_assert_int_eq(r.status, 1);
	ck_assert_str_eq(r.err, want);
	ck_assert_str_eq(r.out, "");
	run_free(&r);
	free(want);
}
END_TEST

/* Reading flow files, as ovs-ofctl reads them. */

struct file_case {
	const char *text;
	const char *flows;	/* the flows, one a line */
	unsigned int lines[4];
};

static const struct file_case file_cases[] = {
	{ "", "", { 0 } },
	{ "a\n", "a\n", { 1 } },
	{ "\n#x\n  b c  \n", "b c\n", { 3 } },
	{ "a#b\n\t#\nc\r\nd", "a\nc\nd\n", { 1, 3, 4 } },
	{ "a,\\\nb\n", "a,\\\nb\n", { 1, 2 } },	/* no continuation */
	{ " \t \n\n\nz # \\\n", "z\n", { 4 } },
};

START_TEST(test_file)
{
	const struct file_case *c = &file_cases[_i];
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct ofctl_flows fl;
	struct run r = { 0 };
	struct ofctl ctx;
	size_t i;

	ofctl_init(&ctx);
	ctx.err = open_memstream(&r.err, &r.err_len);
	ctx.in = fmemopen((void *)c->text, strlen(c->text), "r");
	ck_assert_int_eq(ofctl_flows_read(&ctx, "-", &fl), 0);
	for (i = 0; i < fl.n; i++) {
		wft_strbuf_printf(&sb, "%s\n", json_string_value(
					  json_array_get(fl.texts, i)));
		ck_assert_uint_eq(fl.lines[i], c->lines[i]);
	}
	ck_assert_uint_eq(json_array_size(fl.texts), fl.n);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), c->flows);
	ofctl_flows_free(&fl);
	fclose(ctx.in);
	fclose(ctx.err);
	ck_assert_str_eq(r.err, "");
	wft_strbuf_free(&sb);
	free(r.err);
}
END_TEST

static Suite *ofctl_cli_suite(void)
{
	Suite *s = suite_create("ofctl_cli");
	TCase *tc;

	tc = tcase_create("params");
	tcase_add_checked_fixture(tc, fake_start, fake_stop);
	tcase_add_loop_test(tc, test_params, 0, N(param_cases));
	tcase_add_test(tc, test_target);
	suite_add_tcase(s, tc);

	tc = tcase_create("print");
	tcase_add_checked_fixture(tc, fake_start, fake_stop);
	tcase_add_loop_test(tc, test_print, 0, N(print_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, fake_start, fake_stop);
	tcase_add_loop_test(tc, test_errors, 0, N(error_cases));
	tcase_add_test(tc, test_timeout);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_loop_test(tc, test_file, 0, N(file_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ofctl_cli_suite());
	int failed;

	wft_log_set_all(WFT_LD_CONSOLE, WFT_LL_WARN);	/* "listening on" */
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
