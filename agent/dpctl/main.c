// SPDX-License-Identifier: GPL-2.0
/*
 * weft-dpctl: administer weft datapaths, with ovs-dpctl's grammar.
 *
 *   weft-dpctl [OPTIONS] COMMAND [ARG...]
 *
 * Exit status: 0 on success, 1 on any failure, usage errors included (as
 * ovs-dpctl).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/cli_serve.h"
#include "dpctl.h"
#include "weft/daemon.h"

#define ALL_FMT		OPT_FORMAT
#define FLOW_PRINT	(OPT_FORMAT | OPT_MORE | OPT_NAMES)

static int cmd_help(struct dpctl *ctx, int argc, char **argv);

const struct dpctl_cmd dpctl_commands[] = {
	{ "show", "[-s] [DP...]", 0, -1, OPT_STATISTICS | ALL_FMT,
	  cmd_dp_show, "show datapaths, their stats and ports" },
	{ "add-dp", "DP [IFACE[,OPTION]...]...", 1, -1, 0,
	  cmd_dp_add, "create datapath DP, then add each IFACE to it" },
	{ "del-dp", "DP", 1, 1, 0,
	  cmd_dp_del, "delete datapath DP and its ports and flows" },
	{ "dump-dps", "", 0, 0, ALL_FMT,
	  cmd_dp_dump, "list the datapaths" },
	{ "add-if", "DP IFACE[,OPTION]...", 2, -1, 0,
	  cmd_if_add, "add each IFACE as a port of DP" },
	{ "set-if", "DP IFACE[,OPTION]...", 2, -1, 0,
	  cmd_if_set, "check/change options of ports of DP" },
	{ "del-if", "DP (IFACE | PORT_NO)...", 2, -1, 0,
	  cmd_if_del, "remove each port from DP" },
	{ "add-flow", "[-s] [DP] FLOW ACTIONS", 2, 3, OPT_STATISTICS | ALL_FMT,
	  cmd_flow_add, "add a flow (fails if it exists)" },
	{ "mod-flow", "[--clear] [--may-create] [-s] [DP] FLOW ACTIONS", 2, 3,
	  OPT_STATISTICS | OPT_CLEAR | OPT_MAY_CREATE | ALL_FMT,
	  cmd_flow_mod, "change a flow's actions" },
	{ "del-flow", "[-s] [DP] FLOW", 1, 2, OPT_STATISTICS | ALL_FMT,
	  cmd_flow_del, "delete a flow (FLOW may start with ufid:UFID)" },
	{ "del-flows", "[DP]", 0, 1, 0,
	  cmd_flow_del_all, "delete every flow of DP" },
	{ "get-flow", "[DP] ufid:UFID", 1, 2, FLOW_PRINT,
	  cmd_flow_get, "print the flow with this UFID" },
	{ "dump-flows", "[-m] [--names | --no-names] [--provenance] [DP] "
	  "[filter=FLOW]",
	  0, 2, FLOW_PRINT | OPT_PROVENANCE,
	  cmd_flow_dump, "print every flow (matching FLOW)" },
	{ "dump-conntrack", "[-m] [-s] [DP] [zone=ZONE]", 0, 2,
	  OPT_MORE | OPT_STATISTICS | ALL_FMT,
	  cmd_ct_dump, "print the kernel's conntrack entries (of ZONE)" },
	{ "flush-conntrack", "[DP] [zone=ZONE] [CT_TUPLE [CT_TUPLE]]", 0, 4, 0,
	  cmd_ct_flush, "delete the conntrack entries (of ZONE) that match "
	  "the original (and reply) CT_TUPLE" },
	{ "ct-stats-show", "[-m] [DP] [zone=ZONE] [verbose]", 0, 3,
	  OPT_MORE | ALL_FMT,
	  cmd_ct_stats, "count conntrack entries by protocol (TCP: and by "
	  "state with -m or verbose)" },
	{ "help", "[COMMAND]", 0, 1, 0,
	  cmd_help, "print this help, or the usage of COMMAND" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};

static void usage(FILE *f)
{
	const struct dpctl_cmd *c;

	fprintf(f,
		"usage: weft-dpctl [OPTIONS] COMMAND [ARG...]\n"
		"\n"
		"Commands:\n");
	for (c = dpctl_commands; c->name; c++)
		fprintf(f, "  %s%s%s\n      %s\n", c->name,
			c->usage[0] ? " " : "", c->usage, c->summary);
	fprintf(f,
		"\n"
		"Grammar:\n"
		"  DP      := NAME | system@NAME      (a datapath; [DP] left out:\n"
		"                                     the only datapath there is)\n"
		"  IFACE   := a network device name\n"
		"  OPTION  := type=(netdev | system | internal | geneve | vxlan)\n"
		"           | port_no=N | dst_port=N\n"
		"  FLOW    := [ufid:UFID,] FIELD(...)[,FIELD(...)]...\n"
		"             e.g. in_port(1),eth_type(0x0800),ipv4(dst=10.0.0.2)\n"
		"  ACTIONS := ACTION[,ACTION]... | drop     e.g. set(ipv4(ttl=9)),2\n"
		"  UFID    := 32 hex digits, as a UUID or plain\n"
		"  CT_TUPLE := ct_nw_src=IP,ct_nw_dst=IP,ct_nw_proto=N,\n"
		"             ct_tp_src=N,ct_tp_dst=N (ct_ipv6_src/dst,\n"
		"             icmp_type/code/id); fields left out match all\n"
		"\n"
		"Options:\n"
		"  -s, --statistics    show port statistics (show), flow stats\n"
		"                      (add-flow, mod-flow, del-flow), conntrack\n"
		"                      counters and timeouts (dump-conntrack)\n"
		"  -m, --more          print UFIDs and wildcarded fields\n"
		"  --names, --no-names print port names (default with -m)\n"
		"  --clear             mod-flow: zero the flow's statistics\n"
		"  --may-create        mod-flow: create the flow if missing\n"
		"  --provenance        dump-flows: each flow's pipeline rules\n"
		"                      and their OVN Logical_Flows, from weftd\n"
		"                      ($WEFT_SOCKET or %s)\n"
		"  -f, --format FMT    text (default) or json; -j is --format json\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n"
		"\n"
		"A flow added without a UFID gets a hash of its key and mask as\n"
		"its UFID, so the same text names the same flow again.\n",
		WFT_DEFAULT_SOCKET);
}

static int cmd_help(struct dpctl *ctx, int argc, char **argv)
{
	const struct dpctl_cmd *c;

	if (!argc) {
		usage(stdout);
		return 0;
	}
	c = dpctl_find_cmd(dpctl_commands, argv[0]);
	if (!c) {
		dpctl_error(ctx, "unknown command \"%s\"", argv[0]);
		return 1;
	}
	printf("usage: weft-dpctl %s %s\n  %s\n", c->name, c->usage,
	       c->summary);
	return 0;
}

void dpctl_error(struct dpctl *ctx, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (ctx && ctx->cmd)
		fprintf(stderr, "weft-dpctl: %s: ", ctx->cmd->name);
	else
		fprintf(stderr, "weft-dpctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct wft_dpif *dpctl_dpif(struct dpctl *ctx)
{
	char err[512];

	if (ctx->dpif)
		return ctx->dpif;
	if (wft_dpif_open(&ctx->dpif, err, sizeof(err))) {
		dpctl_error(ctx, "%s", err);
		return NULL;
	}
	return ctx->dpif;
}

static int open_only_dp(struct dpctl *ctx, struct wft_dp *dp)
{
	struct wft_dp *dps;
	size_t n;
	int err;

	err = wft_dp_dump(ctx->dpif, &dps, &n);
	if (err) {
		dpctl_error(ctx, "listing datapaths: %s",
			    wft_dpif_error(ctx->dpif));
		return 1;
	}
	if (n != 1) {
		dpctl_error(ctx, n ? "multiple datapaths, specify one" :
			    "no datapaths exist");
		wft_dp_list_free(dps, n);
		return 1;
	}
	*dp = dps[0];
	free(dps);	/* dp now owns dps[0]'s upcall_pids */
	return 0;
}

int dpctl_open_dp(struct dpctl *ctx, const char *arg, struct wft_dp *dp)
{
	char name[WEFT_DP_NAME_MAX];
	const char *msg;

	memset(dp, 0, sizeof(*dp));
	if (!dpctl_dpif(ctx))
		return 1;
	if (!arg)
		return open_only_dp(ctx, dp);
	if (wft_dp_name_parse(arg, name, &msg)) {
		dpctl_error(ctx, "%s: %s", arg, msg);
		return 1;
	}
	if (wft_dp_get(ctx->dpif, name, 0, dp)) {
		dpctl_error(ctx, "opening datapath %s: %s", name,
			    wft_dpif_error(ctx->dpif));
		return 1;
	}
	return 0;
}

static int run(struct dpctl *ctx, int argc, char **argv)
{
	char err[512];
	int first, ret;

	if (dpctl_parse_opts(argc, argv, &ctx->opts, &first, err,
			     sizeof(err))) {
		dpctl_error(NULL, "%s (try --help)", err);
		return 1;
	}
	if (ctx->opts.version) {
		printf("weft-dpctl (weft) 0.1\n");
		return 0;
	}
	if (first >= argc) {
		if (ctx->opts.help) {
			usage(stdout);
			return 0;
		}
		dpctl_error(NULL, "missing command name (try --help)");
		return 1;
	}
	ctx->cmd = dpctl_find_cmd(dpctl_commands, argv[first]);
	if (!ctx->cmd) {
		dpctl_error(NULL, "unknown command \"%s\" (try --help)",
			    argv[first]);
		return 1;
	}
	if (ctx->opts.help) {
		char *name = argv[first];

		return cmd_help(ctx, 1, &name);
	}
	argc -= first + 1;
	argv += first + 1;
	if (dpctl_check_cmd(ctx->cmd, &ctx->opts, argc, err, sizeof(err))) {
		dpctl_error(ctx, "%s", err);
		return 1;
	}
	if (ctx->opts.names < 0)
		ctx->opts.names = ctx->opts.verbosity > 0;

	ctx->pr = pr_new(stdout, ctx->opts.json);
	if (!ctx->pr) {
		dpctl_error(ctx, "out of memory");
		return 1;
	}
	ret = ctx->cmd->handler(ctx, argc, argv);
	if (pr_finish(ctx->pr) && !ret) {
		dpctl_error(ctx, "writing output failed");
		ret = 1;
	}
	return ret;
}

/*
 * --batch, for the system tests: one command per stdin line, its words
 * separated by tabs, each followed by "--- STATUS" on stdout once its
 * output is out.  One process and one netlink socket for hundreds of
 * commands: in the TCG test VM each process start costs up to a second.
 * Exit status 1 if any command failed.
 */
#define BATCH_MAX_WORDS 64

static int run_batch(struct dpctl *ctx)
{
	char *argv[BATCH_MAX_WORDS + 1], *line = NULL, *save, *w;
	size_t cap = 0;
	int argc, ret, bad = 0;

	while (getline(&line, &cap, stdin) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		argc = 0;
		argv[argc++] = "weft-dpctl";
		for (w = strtok_r(line, "\t", &save); w;
		     w = strtok_r(NULL, "\t", &save)) {
			if (argc == BATCH_MAX_WORDS)
				break;
			argv[argc++] = w;
		}
		argv[argc] = NULL;
		ctx->cmd = NULL;
		if (w) {
			dpctl_error(NULL, "batch: more than %d words in a line",
				    BATCH_MAX_WORDS - 1);
			ret = 1;
		} else {
			ret = run(ctx, argc, argv);
		}
		pr_free(ctx->pr);
		ctx->pr = NULL;
		fflush(stderr);
		printf("--- %d\n", ret);
		fflush(stdout);
		bad |= ret != 0;
	}
	free(line);
	return bad;
}

static int dpctl_main(int argc, char **argv)
{
	struct dpctl ctx;
	int ret;

	memset(&ctx, 0, sizeof(ctx));
	if (argc == 2 && !strcmp(argv[1], "--batch"))
		ret = run_batch(&ctx);
	else
		ret = run(&ctx, argc, argv);
	pr_free(ctx.pr);
	wft_dpif_close(ctx.dpif);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], WFT_CLI_SERVE_OPTION))
		return wft_cli_serve(dpctl_main, "weft-dpctl", argv[2]);
	return dpctl_main(argc, argv);
}
