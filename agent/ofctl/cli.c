// SPDX-License-Identifier: GPL-2.0
/*
 * weft-ofctl: weft's pipeline rules, with ovs-ofctl's grammar.
 *
 *   weft-ofctl [OPTIONS] COMMAND [ARG...]
 *
 * Exit status: 0 on success, 1 on any failure, usage errors included.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ofctl.h"

static int cmd_help(struct ofctl *ctx, int argc, char **argv);

/* Commands marked needs_daemon talk to weftd; the offline ones only parse
 * and print. */
const struct ofctl_cmd ofctl_commands[] = {
	{ "parse-flows", "FILE | -", 1, 1, false, cmd_flows_parse,
	  "parse each flow of FILE (- for stdin) and print it normalized" },
	{ "parse-flow", "FLOW", 1, 1, false, cmd_flow_parse,
	  "parse FLOW and print it normalized" },
	{ "help", "[COMMAND]", 0, 1, false, cmd_help,
	  "print this help, or the usage of COMMAND" },
	{ NULL, NULL, 0, 0, false, NULL, NULL },
};

static void usage(FILE *f)
{
	const struct ofctl_cmd *c;

	fprintf(f,
		"usage: weft-ofctl [OPTIONS] COMMAND [ARG...]\n"
		"\n"
		"Commands:\n");
	for (c = ofctl_commands; c->name; c++)
		fprintf(f, "  %s%s%s\n      %s\n", c->name,
			c->usage[0] ? " " : "", c->usage, c->summary);
	fprintf(f,
		"\n"
		"Grammar (ovs-ofctl's, for the fields and actions weft has):\n"
		"  FLOW    := [KEYWORD[,KEYWORD]...,]actions=ACTIONS\n"
		"  KEYWORD := table=N | priority=N | cookie=N | idle_timeout=N\n"
		"           | hard_timeout=N | importance=N | send_flow_rem\n"
		"           | check_overlap | reset_counts | no_packet_counts\n"
		"           | no_byte_counts | PROTOCOL | FIELD=VALUE[/MASK]\n"
		"  PROTOCOL:= ip | ipv6 | tcp | udp | sctp | icmp | tcp6 | udp6\n"
		"           | sctp6 | icmp6 | arp | rarp\n"
		"  ACTIONS := ACTION[,ACTION]... | drop\n"
		"  ACTION  := output:PORT | PORT | in_port | normal | flood | all\n"
		"           | local | controller[(OPTS)] | resubmit(PORT,TABLE)\n"
		"           | goto_table:N | set_field:V[/M]->FIELD\n"
		"           | load:V->FIELD[a..b] | move:FIELD[a..b]->FIELD[c..d]\n"
		"           | mod_vlan_vid:N | mod_vlan_pcp:N | strip_vlan\n"
		"           | push_vlan:0x8100 | dec_ttl | mod_dl_src:MAC\n"
		"           | mod_nw_dst:IP | mod_tp_src:N | ... | clone(ACTIONS)\n"
		"           | note:HEX\n"
		"\n"
		"Output: each flow as `ovs-ofctl -O OpenFlow14 parse-flows`\n"
		"prints it, without the \"OFPT_FLOW_MOD (OF1.4) (xid=0xN):\"\n"
		"prefix and the \"usable protocols\"/\"chosen protocol\" lines\n"
		"(weft speaks no OpenFlow on the wire, so they would mean\n"
		"nothing). Unsupported keywords and actions are errors that\n"
		"name them.\n"
		"\n"
		"Options:\n"
		"  -f, --format FMT    text (default) or json; -j is --format json\n"
		"  -h, --help          this help\n"
		"  -V, --version       print the version\n");
}

static int cmd_help(struct ofctl *ctx, int argc, char **argv)
{
	const struct ofctl_cmd *c;

	if (!argc) {
		usage(stdout);
		return 0;
	}
	c = ofctl_find_cmd(ofctl_commands, argv[0]);
	if (!c) {
		ofctl_error(ctx, "unknown command \"%s\"", argv[0]);
		return 1;
	}
	printf("usage: weft-ofctl %s %s\n  %s\n", c->name, c->usage,
	       c->summary);
	return 0;
}

void ofctl_error(struct ofctl *ctx, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (ctx && ctx->cmd)
		fprintf(stderr, "weft-ofctl: %s: ", ctx->cmd->name);
	else
		fprintf(stderr, "weft-ofctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int check_args(struct ofctl *ctx, int argc)
{
	const struct ofctl_cmd *c = ctx->cmd;

	if (argc < c->min_args || (c->max_args >= 0 && argc > c->max_args)) {
		ofctl_error(ctx, "%s arguments (usage: weft-ofctl %s %s)",
			    argc < c->min_args ? "missing" : "too many",
			    c->name, c->usage);
		return 1;
	}
	return 0;
}

static int run(struct ofctl *ctx, int argc, char **argv)
{
	char err[256];
	int first;

	if (ofctl_parse_opts(argc, argv, &ctx->opts, &first, err,
			     sizeof(err))) {
		ofctl_error(NULL, "%s (try --help)", err);
		return 1;
	}
	if (ctx->opts.version) {
		printf("weft-ofctl (weft) 0.1\n");
		return 0;
	}
	if (first >= argc) {
		if (ctx->opts.help) {
			usage(stdout);
			return 0;
		}
		ofctl_error(NULL, "missing command name (try --help)");
		return 1;
	}
	ctx->cmd = ofctl_find_cmd(ofctl_commands, argv[first]);
	if (!ctx->cmd) {
		ofctl_error(NULL, "unknown command \"%s\" (try --help)",
			    argv[first]);
		return 1;
	}
	if (ctx->opts.help)
		return cmd_help(ctx, 1, &argv[first]);
	argc -= first + 1;
	argv += first + 1;
	if (check_args(ctx, argc))
		return 1;
	return ctx->cmd->handler(ctx, argc, argv);
}

int main(int argc, char **argv)
{
	struct ofctl ctx;

	memset(&ctx, 0, sizeof(ctx));
	return run(&ctx, argc, argv);
}
