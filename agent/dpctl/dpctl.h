/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weft-dpctl: the ovs-dpctl grammar over weft's dpif library. main.c holds
 * the dispatch table; args.c the option and argument parsing (no I/O, unit
 * tested); dp.c, vport.c, flow.c and conntrack.c the handlers, one
 * cmd_<object>_<verb> per command.
 */
#ifndef WEFT_DPCTL_H
#define WEFT_DPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/dpif.h"
#include "print.h"

/* Options, as bits so that each command can list the ones it takes. */
enum dpctl_opt {
	OPT_STATISTICS	= 1 << 0,	/* -s, --statistics */
	OPT_MORE	= 1 << 1,	/* -m, --more */
	OPT_NAMES	= 1 << 2,	/* --names, --no-names */
	OPT_CLEAR	= 1 << 3,	/* --clear */
	OPT_MAY_CREATE	= 1 << 4,	/* --may-create */
	OPT_FORMAT	= 1 << 5,	/* -f, --format, -j, --json */
	OPT_PROVENANCE	= 1 << 6,	/* --provenance (dump-flows) */
};

struct dpctl_opts {
	unsigned int seen;	/* enum dpctl_opt bits given */
	bool statistics;
	int verbosity;
	int names;		/* -1: default (names with -m), 0, 1 */
	bool clear;
	bool may_create;
	bool json;
	bool provenance;
	bool help;
	bool version;
};

struct dpctl;

struct dpctl_cmd {
	const char *name;
	const char *usage;	/* arguments, BNF */
	int min_args;
	int max_args;		/* -1: any number */
	unsigned int opts;	/* enum dpctl_opt bits it takes */
	int (*handler)(struct dpctl *ctx, int argc, char **argv);
	const char *summary;
};

struct dpctl {
	const struct dpctl_cmd *cmd;
	struct dpctl_opts opts;
	struct wft_dpif *dpif;	/* opened on first use */
	struct pr *pr;
	struct json_t *prov;	/* dump-flows --provenance: weftd's answer */
};

/* args.c */
/*
 * Parses the options anywhere in argv (GNU style, as ovs-dpctl does) and
 * moves the non-option words to argv[*first..argc). Returns 0, or -EINVAL
 * with a message in @err.
 */
int dpctl_parse_opts(int argc, char **argv, struct dpctl_opts *o, int *first,
		     char *err, size_t errlen);
/* Exact match only: prefixes of command names are not commands. */
const struct dpctl_cmd *dpctl_find_cmd(const struct dpctl_cmd *table,
				       const char *name);
/* Checks the argument count and options of @cmd; message in @err. */
int dpctl_check_cmd(const struct dpctl_cmd *cmd, const struct dpctl_opts *o,
		    int argc, char *err, size_t errlen);
/*
 * Splits "[DP] REST..." when REST is @n_fixed words: returns the DP word or
 * NULL, and advances *argv and *argc past it.
 */
const char *dpctl_take_dp(int *argc, char ***argv, int n_fixed);

/* One IFACE[,OPTION]... argument of add-if/set-if. */
struct dpctl_if_spec {
	char name[WFT_IFNAMSIZ];
	bool has_type;
	uint32_t type;
	bool has_port_no;
	uint32_t port_no;
	bool has_dst_port;	/* geneve/vxlan: dst_port=N */
	uint32_t dst_port;
};

int dpctl_parse_if_spec(const char *arg, struct dpctl_if_spec *spec,
			char *err, size_t errlen);

/* main.c */
extern const struct dpctl_cmd dpctl_commands[];
void dpctl_error(struct dpctl *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The dpif, opened on first use; NULL after printing why not. */
struct wft_dpif *dpctl_dpif(struct dpctl *ctx);
/*
 * Resolves a datapath argument (NAME or system@NAME), or with @arg NULL the
 * only datapath there is. Prints the error and returns non-zero on failure.
 */
int dpctl_open_dp(struct dpctl *ctx, const char *arg, struct wft_dp *dp);

/* Handlers. */
int cmd_dp_show(struct dpctl *ctx, int argc, char **argv);
int cmd_dp_add(struct dpctl *ctx, int argc, char **argv);
int cmd_dp_del(struct dpctl *ctx, int argc, char **argv);
int cmd_dp_dump(struct dpctl *ctx, int argc, char **argv);
int cmd_if_add(struct dpctl *ctx, int argc, char **argv);
int cmd_if_set(struct dpctl *ctx, int argc, char **argv);
int cmd_if_del(struct dpctl *ctx, int argc, char **argv);
int cmd_flow_add(struct dpctl *ctx, int argc, char **argv);
int cmd_flow_mod(struct dpctl *ctx, int argc, char **argv);
int cmd_flow_del(struct dpctl *ctx, int argc, char **argv);
int cmd_flow_del_all(struct dpctl *ctx, int argc, char **argv);
int cmd_flow_get(struct dpctl *ctx, int argc, char **argv);
int cmd_flow_dump(struct dpctl *ctx, int argc, char **argv);
/* provenance.c: dump-flows --provenance asks weftd (dpif/provenance);
 * NULL after a warning when weftd cannot say. */
struct json_t *dpctl_provenance_fetch(struct dpctl *ctx);
/* The rules and Logical_Flows of the flow @ufid in @all, printed below
 * its line (text) or as its "provenance" member (json). */
void dpctl_provenance_print(struct dpctl *ctx, struct json_t *all,
			    const char *ufid);
int cmd_ct_dump(struct dpctl *ctx, int argc, char **argv);
int cmd_ct_flush(struct dpctl *ctx, int argc, char **argv);
int cmd_ct_stats(struct dpctl *ctx, int argc, char **argv);

/* vport.c: adds interfaces "IFACE[,OPTION]..." to @dp (add-dp uses it). */
int dpctl_add_ifs(struct dpctl *ctx, const struct wft_dp *dp, int argc,
		  char **argv);

#endif /* WEFT_DPCTL_H */
