/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weft-ofctl: pipeline rules in the ovs-ofctl grammar. main.c holds the
 * dispatch table and usage; args.c the option parsing (no I/O); parse.c
 * the offline commands (parse-flows, parse-flow). Commands that need weftd
 * (add-flow, dump-flows, ..., still to come) are marked needs_daemon in the
 * table: main.c will open the JSON-RPC connection to /run/weft/weftd.sock
 * for them before calling the handler, and only for them.
 */
#ifndef WEFT_OFCTL_H
#define WEFT_OFCTL_H

#include <stdbool.h>
#include <stddef.h>

struct ofctl_opts {
	bool json;
	bool help;
	bool version;
};

struct ofctl;

struct ofctl_cmd {
	const char *name;
	const char *usage;	/* arguments, BNF */
	int min_args;
	int max_args;		/* -1: any number */
	bool needs_daemon;	/* talks to weftd */
	int (*handler)(struct ofctl *ctx, int argc, char **argv);
	const char *summary;
};

struct ofctl {
	const struct ofctl_cmd *cmd;
	struct ofctl_opts opts;
};

/* args.c */
/* Options anywhere in argv (GNU style); non-options move to
 * argv[*first..argc). Returns 0 or -EINVAL with a message in @err. */
int ofctl_parse_opts(int argc, char **argv, struct ofctl_opts *o, int *first,
		     char *err, size_t errlen);
/* Exact match only: a prefix of a command name is not a command. */
const struct ofctl_cmd *ofctl_find_cmd(const struct ofctl_cmd *table,
				       const char *name);

/* main.c */
extern const struct ofctl_cmd ofctl_commands[];
void ofctl_error(struct ofctl *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* parse.c */
int cmd_flows_parse(struct ofctl *ctx, int argc, char **argv);
int cmd_flow_parse(struct ofctl *ctx, int argc, char **argv);

#endif /* WEFT_OFCTL_H */
