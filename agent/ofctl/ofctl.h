/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weft-ofctl: pipeline rules in the ovs-ofctl grammar.
 *
 *   main.c     main() only
 *   cli.c      the dispatch table, usage, help, running one command line
 *   args.c     option parsing (no I/O)
 *   flows.c    flows from a FILE or the command line, checked locally
 *   rpc.c      the one connection to weftd, its errors, the print path
 *   parse.c    parse-flows, parse-flow (offline)
 *   flowmod.c  add-flow(s), mod-flows, del-flows, replace-flows
 *   dump.c     dump-flows, dump-tables
 *   tlv.c      add-tlv-map, del-tlv-map, dump-tlv-map
 *
 * Commands marked needs_daemon talk to weftd. They check what they can
 * with the local flow parser first and connect only then (rpc.c, on the
 * first call), so that bad input is reported as such, weftd running or
 * not. Everything prints through ctx->out and ctx->err, and reads "-"
 * from ctx->in, so the unit tests run the commands in-process.
 */
#ifndef WEFT_OFCTL_H
#define WEFT_OFCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "weft/ofp_flow.h"

/* Options that only some commands take (ofctl_cmd.opts). */
#define OFCTL_OPT_STRICT	(1u << 0)	/* --strict */
#define OFCTL_OPT_STATS		(1u << 1)	/* --stats, --no-stats */
#define OFCTL_OPT_NAMES		(1u << 2)	/* --names, --no-names */

struct ofctl_opts {
	bool json;
	bool help;
	bool version;
	bool strict;
	bool no_stats;
	int names;		/* 1, 0, or -1: names when out is a terminal */
	int timeout_ms;		/* -1: wait for ever */
	const char *target;	/* NULL: $WEFT_SOCKET, or the default */
	unsigned int given;	/* OFCTL_OPT_* that appeared */
};

struct ofctl;

struct ofctl_cmd {
	const char *name;
	const char *usage;	/* arguments, BNF */
	int min_args;
	int max_args;		/* -1: any number */
	unsigned int opts;	/* the OFCTL_OPT_* it takes */
	bool needs_daemon;	/* talks to weftd */
	int (*handler)(struct ofctl *ctx, int argc, char **argv);
	const char *summary;
};

struct wft_jsonrpc_client;

struct ofctl {
	const struct ofctl_cmd *cmd;
	struct ofctl_opts opts;
	FILE *in, *out, *err;		/* stdin, stdout, stderr */
	const char *socket;		/* resolved on connect */
	struct wft_jsonrpc_client *client;	/* NULL until the first call */
};

/* cli.c */
extern const struct ofctl_cmd ofctl_commands[];
void ofctl_init(struct ofctl *ctx);
void ofctl_uninit(struct ofctl *ctx);
/* Parses options, then ofctl_dispatch(). Returns the exit status. */
int ofctl_run(struct ofctl *ctx, int argc, char **argv);
/* Runs argv[0] (a command name) with ctx->opts already set. */
int ofctl_dispatch(struct ofctl *ctx, int argc, char **argv);
void ofctl_error(struct ofctl *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* args.c */
/* Options anywhere in argv (GNU style); non-options move to
 * argv[*first..argc). Returns 0 or -EINVAL with a message in @err. */
int ofctl_parse_opts(int argc, char **argv, struct ofctl_opts *o, int *first,
		     char *err, size_t errlen);
/* Exact match only: a prefix of a command name is not a command. */
const struct ofctl_cmd *ofctl_find_cmd(const struct ofctl_cmd *table,
				       const char *name);
/* "--strict" for OFCTL_OPT_STRICT, ... */
const char *ofctl_opt_name(unsigned int opt);

/* flows.c: the flows a command sends, and where each came from. */
struct ofctl_flows {
	const char *file;	/* NULL: from the command line */
	json_t *texts;		/* array of strings, as sent to weftd */
	unsigned int *lines;	/* the file's line number of each */
	size_t n;
};

/* Reads FILE ("-": ctx->in) as ovs-ofctl does: '#' starts a comment
 * anywhere on a line, blank lines are skipped, a trailing backslash is
 * not a continuation. Returns 0, or 1 after reporting the error. */
int ofctl_flows_read(struct ofctl *ctx, const char *file,
		     struct ofctl_flows *fl);
/* One flow from the command line. */
void ofctl_flows_one(struct ofctl_flows *fl, const char *flow);
void ofctl_flows_free(struct ofctl_flows *fl);
/* wft_ofp_flow_parse() for a flow weftd will see: port names pass, since
 * weftd resolves them against the bridge's ports. */
int ofctl_flow_parse(const char *s, enum wft_ofp_command cmd,
		     struct wft_ofp_flow *f, char *err, size_t errlen);
/* Parses every flow for @cmd and reports each bad one ("FILE:LINE: why").
 * Returns 0, or 1 if any was bad. */
int ofctl_flows_check(struct ofctl *ctx, const struct ofctl_flows *fl,
		      enum wft_ofp_command cmd);
/* Reports weftd's "line N: why" (N counts the flows sent, from 1) with
 * the file's own line number: "FILE:LINE: why", or "why" alone for a
 * flow from the command line. */
void ofctl_flows_error(struct ofctl *ctx, const struct ofctl_flows *fl,
		       const char *msg);

/* rpc.c */
/* {"bridge": @bridge}, or NULL after reporting a name JSON cannot carry. */
json_t *ofctl_params_new(struct ofctl *ctx, const char *bridge);
/*
 * Calls @method on weftd, connecting on the first call; steals @params.
 * Returns 0 with a new reference in *@result, or 1 after reporting why
 * (weftd's errors through ofctl_flows_error() when @fl is given).
 */
int ofctl_call(struct ofctl *ctx, const char *method, json_t *params,
	       const struct ofctl_flows *fl, json_t **result);
/*
 * The one print path. JSON: @result's member @key (all of @result when
 * @key is NULL), on one line. Text: @header's line, if any, then the
 * result's "text" (nothing if it has none), each line starting with
 * @indent when it does not already. Returns 0, or 1 after reporting.
 */
int ofctl_print(struct ofctl *ctx, const json_t *result, const char *key,
		const char *header, const char *indent);

/* parse.c */
int cmd_flows_parse(struct ofctl *ctx, int argc, char **argv);
int cmd_flow_parse(struct ofctl *ctx, int argc, char **argv);

/* flowmod.c */
int cmd_flow_add(struct ofctl *ctx, int argc, char **argv);
int cmd_flows_add(struct ofctl *ctx, int argc, char **argv);
int cmd_flows_mod(struct ofctl *ctx, int argc, char **argv);
int cmd_flows_del(struct ofctl *ctx, int argc, char **argv);
int cmd_flows_replace(struct ofctl *ctx, int argc, char **argv);

/* dump.c */
int cmd_flows_dump(struct ofctl *ctx, int argc, char **argv);
int cmd_tables_dump(struct ofctl *ctx, int argc, char **argv);

/* group.c */
int cmd_group_add(struct ofctl *ctx, int argc, char **argv);
int cmd_groups_add(struct ofctl *ctx, int argc, char **argv);
int cmd_group_mod(struct ofctl *ctx, int argc, char **argv);
int cmd_groups_del(struct ofctl *ctx, int argc, char **argv);
int cmd_groups_dump(struct ofctl *ctx, int argc, char **argv);

/* tlv.c */
int cmd_tlv_add(struct ofctl *ctx, int argc, char **argv);
int cmd_tlv_del(struct ofctl *ctx, int argc, char **argv);
int cmd_tlv_dump(struct ofctl *ctx, int argc, char **argv);

#endif /* WEFT_OFCTL_H */
