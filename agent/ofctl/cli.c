// SPDX-License-Identifier: GPL-2.0
/*
 * weft-ofctl's dispatch table, usage and help, and the run of one command
 * line: options, then the command, with the options it takes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "weft/jsonrpc.h"
#include "ofctl.h"

static int cmd_help(struct ofctl *ctx, int argc, char **argv);

#define STRICT	OFCTL_OPT_STRICT
#define VIEW	(OFCTL_OPT_STATS | OFCTL_OPT_NAMES)

const struct ofctl_cmd ofctl_commands[] = {
	{ "add-flow", "BRIDGE FLOW", 2, 2, 0, true, cmd_flow_add,
	  "add FLOW to BRIDGE" },
	{ "add-flows", "BRIDGE (FILE | -)", 2, 2, 0, true, cmd_flows_add,
	  "add every flow of FILE (- for stdin), all or none" },
	{ "mod-flows", "[--strict] BRIDGE FLOW", 2, 2, STRICT, true,
	  cmd_flows_mod, "set the actions of the flows FLOW matches" },
	{ "del-flows", "[--strict] BRIDGE [FLOW]", 1, 2, STRICT, true,
	  cmd_flows_del, "delete the flows FLOW matches (all without FLOW)" },
	{ "replace-flows", "BRIDGE (FILE | -)", 2, 2, 0, true,
	  cmd_flows_replace,
	  "make BRIDGE's flows those of FILE (add, modify, delete)" },
	{ "dump-flows", "[--no-stats] [--names | --no-names] BRIDGE [FLOW]",
	  1, 2, VIEW, true, cmd_flows_dump,
	  "print BRIDGE's flows, or those FLOW matches" },
	{ "dump-tables", "BRIDGE", 1, 1, 0, true, cmd_tables_dump,
	  "print the statistics of BRIDGE's tables" },
	{ "add-group", "BRIDGE GROUP", 2, 2, 0, true, cmd_group_add,
	  "add GROUP (group_id=N,type=all|select|indirect,bucket=...)" },
	{ "add-groups", "BRIDGE (FILE | -)", 2, 2, 0, true, cmd_groups_add,
	  "add every group of FILE (- for stdin)" },
	{ "mod-group", "BRIDGE GROUP", 2, 2, 0, true, cmd_group_mod,
	  "replace the type and buckets of group GROUP's group_id" },
	{ "del-groups", "BRIDGE [GROUP]", 1, 2, 0, true, cmd_groups_del,
	  "delete group_id=N (every group without GROUP)" },
	{ "dump-groups", "BRIDGE", 1, 1, 0, true, cmd_groups_dump,
	  "print BRIDGE's groups" },
	{ "add-tlv-map", "BRIDGE MAPPINGS", 2, 2, 0, true, cmd_tlv_add,
	  "map GENEVE options to tun_metadata fields: "
	  "{class=C,type=T,len=L}->tun_metadataN[,...]" },
	{ "del-tlv-map", "BRIDGE [MAPPINGS]", 1, 2, 0, true, cmd_tlv_del,
	  "delete those mappings (all without MAPPINGS)" },
	{ "dump-tlv-map", "BRIDGE", 1, 1, 0, true, cmd_tlv_dump,
	  "print BRIDGE's GENEVE TLV map" },
	{ "parse-flows", "(FILE | -)", 1, 1, 0, false, cmd_flows_parse,
	  "parse each flow of FILE (- for stdin) and print it normalized" },
	{ "parse-flow", "FLOW", 1, 1, 0, false, cmd_flow_parse,
	  "parse FLOW and print it normalized" },
	{ "help", "[COMMAND]", 0, 1, 0, false, cmd_help,
	  "print this help, or the usage of COMMAND" },
	{ NULL, NULL, 0, 0, 0, false, NULL, NULL },
};

static const char grammar[] =
"\n"
"Grammar (ovs-ofctl's, for the fields and actions weft has):\n"
"  FLOW    := [KEYWORD[,KEYWORD]...,]actions=ACTIONS\n"
"  KEYWORD := table=N | priority=N | cookie=N[/MASK]\n"
"           | idle_timeout=N | hard_timeout=N | importance=N\n"
"           | send_flow_rem | check_overlap | reset_counts\n"
"           | no_packet_counts | no_byte_counts | out_port=PORT\n"
"           | PROTOCOL | FIELD=VALUE[/MASK]\n"
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
"  FILE    := one FLOW a line; '#' starts a comment, blank lines\n"
"             are skipped, no line continues another\n"
"\n"
"Flows are checked here before weftd sees them; add-flow and\n"
"mod-flows take actions, del-flows and dump-flows do not, and\n"
"priority goes with --strict only. Unsupported keywords and\n"
"actions are errors that name them.\n"
"\n"
"Output: as ovs-ofctl's. dump-flows prints \"NXST_FLOW reply\" and\n"
"idle ages only with statistics and without names (as ovs-ofctl\n"
"does when its output is not a terminal); parse-flows prints each\n"
"flow as `ovs-ofctl -O OpenFlow14 parse-flows` does, without the\n"
"\"OFPT_FLOW_MOD (OF1.4) (xid=0xN):\" prefix and the protocol\n"
"lines (weft speaks no OpenFlow on the wire).\n"
"\n"
"Options:\n"
"  --strict            mod-flows, del-flows: priority and match\n"
"                      exactly, not every flow FLOW covers\n"
"  --no-stats, --stats dump-flows without (with) counters\n"
"  --names, --no-names dump-flows: port names or numbers (default:\n"
"                      names when the output is a terminal)\n"
"  -t, --timeout=SECS  give up on weftd after SECS (0: never)\n"
"  --target=SOCKET     weftd's socket (default: $WEFT_SOCKET, or\n"
"                      /run/weft/weftd.sock)\n"
"  -f, --format FMT    text (default) or json; -j is --format json\n"
"  -h, --help          this help\n"
"  -V, --version       print the version\n";

static void usage(FILE *f)
{
	const struct ofctl_cmd *c;

	fprintf(f, "usage: weft-ofctl [OPTIONS] COMMAND [ARG...]\n"
		"\n"
		"Commands:\n");
	for (c = ofctl_commands; c->name; c++)
		fprintf(f, "  %s%s%s\n      %s\n", c->name,
			c->usage[0] ? " " : "", c->usage, c->summary);
	fputs(grammar, f);
}

static int cmd_help(struct ofctl *ctx, int argc, char **argv)
{
	const struct ofctl_cmd *c;

	if (!argc) {
		usage(ctx->out);
		return 0;
	}
	c = ofctl_find_cmd(ofctl_commands, argv[0]);
	if (!c) {
		ofctl_error(ctx, "unknown command \"%s\"", argv[0]);
		return 1;
	}
	fprintf(ctx->out, "usage: weft-ofctl %s %s\n  %s\n", c->name,
		c->usage, c->summary);
	return 0;
}

void ofctl_error(struct ofctl *ctx, const char *fmt, ...)
{
	FILE *f = ctx ? ctx->err : stderr;
	va_list ap;

	fflush(ctx ? ctx->out : stdout);
	if (ctx && ctx->cmd)
		fprintf(f, "weft-ofctl: %s: ", ctx->cmd->name);
	else
		fprintf(f, "weft-ofctl: ");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

void ofctl_init(struct ofctl *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->opts.names = -1;
	ctx->opts.timeout_ms = -1;
	ctx->in = stdin;
	ctx->out = stdout;
	ctx->err = stderr;
}

void ofctl_uninit(struct ofctl *ctx)
{
	wft_jsonrpc_client_close(ctx->client);
	ctx->client = NULL;
}

/* The arguments, and the options the command takes: an option that
 * would change nothing is an error, not silently ignored. */
static int check_args(struct ofctl *ctx, int argc)
{
	const struct ofctl_cmd *c = ctx->cmd;
	unsigned int extra = ctx->opts.given & ~c->opts, bit;

	if (argc < c->min_args || (c->max_args >= 0 && argc > c->max_args)) {
		ofctl_error(ctx, "%s arguments (usage: weft-ofctl %s %s)",
			    argc < c->min_args ? "missing" : "too many",
			    c->name, c->usage);
		return 1;
	}
	if (extra) {
		bit = extra & -extra;
		ofctl_error(ctx, "%s does not apply to %s (usage: weft-ofctl "
			    "%s %s)", ofctl_opt_name(bit), c->name, c->name,
			    c->usage);
		return 1;
	}
	return 0;
}

int ofctl_dispatch(struct ofctl *ctx, int argc, char **argv)
{
	if (argc < 1) {
		if (ctx->opts.help) {
			usage(ctx->out);
			return 0;
		}
		ofctl_error(ctx, "missing command name (try --help)");
		return 1;
	}
	ctx->cmd = ofctl_find_cmd(ofctl_commands, argv[0]);
	if (!ctx->cmd) {
		ofctl_error(ctx, "unknown command \"%s\" (try --help)",
			    argv[0]);
		return 1;
	}
	if (ctx->opts.help)
		return cmd_help(ctx, 1, argv);
	if (check_args(ctx, argc - 1))
		return 1;
	return ctx->cmd->handler(ctx, argc - 1, argv + 1);
}

int ofctl_run(struct ofctl *ctx, int argc, char **argv)
{
	char err[256];
	int first;

	if (ofctl_parse_opts(argc, argv, &ctx->opts, &first, err,
			     sizeof(err))) {
		ofctl_error(ctx, "%s (try --help)", err);
		return 1;
	}
	if (ctx->opts.version) {
		fprintf(ctx->out, "weft-ofctl (weft) 0.1\n");
		return 0;
	}
	return ofctl_dispatch(ctx, argc - first, argv + first);
}
