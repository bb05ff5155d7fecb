/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ovs-vsctl grammar over weft's configuration (weft/conf.h).
 *
 *   weft-vsctl [OPTIONS] [--] [CMD-OPTIONS] COMMAND [ARG...]
 *				[-- [CMD-OPTIONS] COMMAND [ARG...]]...
 *
 * weft-vsctl parses the whole command line (wft_vsctl_parse_argv) to catch
 * usage errors before it connects, then sends every command to weftd in one
 * "vsctl/transact" call; weftd parses them again
 * (wft_vsctl_commands_from_json) and runs them on a copy of its
 * configuration (wft_vsctl_run). Either every command succeeds and the copy
 * is validated and saved, or nothing changes: one transaction, as in OVS.
 *
 * Output is formatted by wft_vsctl_run(), one string per command, exactly
 * as ovs-vsctl prints it (list/find in the list, table, csv or json format).
 */
#ifndef WEFT_VSCTL_H
#define WEFT_VSCTL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "weft/conf.h"
#include "weft/strbuf.h"

/* Per-command options. */
enum wft_vsctl_opt {
	WFT_VSCTL_MAY_EXIST	= 1 << 0,	/* --may-exist */
	WFT_VSCTL_IF_EXISTS	= 1 << 1,	/* --if-exists */
	WFT_VSCTL_WITH_IFACE	= 1 << 2,	/* --with-iface */
	WFT_VSCTL_REAL		= 1 << 3,	/* --real */
	WFT_VSCTL_FAKE		= 1 << 4,	/* --fake */
	WFT_VSCTL_COLUMNS	= 1 << 5,	/* --columns=COL,... */
};

enum wft_vsctl_format {
	WFT_VSCTL_FMT_LIST,	/* default */
	WFT_VSCTL_FMT_TABLE,
	WFT_VSCTL_FMT_CSV,
	WFT_VSCTL_FMT_JSON,
};

/* How list and find print records (global options). */
struct wft_vsctl_table_style {
	enum wft_vsctl_format format;
	bool data_json;		/* --data=json: cells in OVSDB JSON */
	bool bare;		/* --bare */
	bool no_headings;	/* --no-headings */
	char *columns;		/* --columns=..., NULL: every column */
};

/* Everything on the command line besides the commands. */
struct wft_vsctl_options {
	struct wft_vsctl_table_style style;
	int timeout;		/* seconds, 0: none */
	bool dry_run;		/* --dry-run: run, do not commit */
	bool oneline;		/* --oneline */
	bool db_given;		/* --db: ignored (weft has no OVSDB) */
	bool help;
	bool version;
	char *target;		/* --target=SOCKET, NULL: default */
};

struct wft_vsctl_syntax;

struct wft_vsctl_cmd {
	const struct wft_vsctl_syntax *syntax;
	unsigned int opts;	/* enum wft_vsctl_opt */
	char *columns;		/* --columns of this command, or NULL */
	int argc;		/* arguments after the command name */
	char **argv;
	char **raw;		/* the whole group, options included */
	int n_raw;
};

struct wft_vsctl_cmds {
	struct wft_vsctl_cmd *cmds;
	size_t n;
};

void wft_vsctl_options_init(struct wft_vsctl_options *o);
void wft_vsctl_options_uninit(struct wft_vsctl_options *o);
void wft_vsctl_cmds_free(struct wft_vsctl_cmds *cmds);

/*
 * Parses a command line (without argv[0]). Returns 0, or -EINVAL with
 * ovs-vsctl's wording in @err ("unknown command 'frob'; use --help for
 * help", "'add-br' command requires at least 1 arguments"...).
 */
int wft_vsctl_parse_argv(int argc, char **argv, struct wft_vsctl_options *o,
			 struct wft_vsctl_cmds *cmds, struct wft_strbuf *err);

/* The "vsctl/transact" params: {"commands": [[ARG...]...],
 * "style": {...}, "dry_run": bool}, and back. */
json_t *wft_vsctl_params_new(const struct wft_vsctl_options *o,
			     const struct wft_vsctl_cmds *cmds);
int wft_vsctl_params_parse(const json_t *params, struct wft_vsctl_options *o,
			   struct wft_vsctl_cmds *cmds, struct wft_strbuf *err);

/* What a run produced. */
struct wft_vsctl_result {
	char **outputs;		/* one per command, possibly "" */
	size_t n;
	int exit_status;	/* 0, or 2 (br-exists of a missing bridge) */
};

void wft_vsctl_result_free(struct wft_vsctl_result *r);

/*
 * Runs @cmds on @conf (changed in place: hand it a copy), then drops
 * orphan rows and validates the result. Returns 0, or -EINVAL with the
 * reason in @err: then @conf is to be thrown away. A br-exists that fails
 * returns -ECANCELED with exit_status 2 and no message.
 */
int wft_vsctl_run(struct wft_conf *conf, const struct wft_vsctl_cmds *cmds,
		  const struct wft_vsctl_table_style *style,
		  struct wft_vsctl_result *result, struct wft_strbuf *err);

/* `weft-vsctl --help`. */
void wft_vsctl_usage(struct wft_strbuf *out);

#endif /* WEFT_VSCTL_H */
