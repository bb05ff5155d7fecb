/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the vsctl library: the command table (vsctl_parse.c), the
 * handlers (vsctl_bridge.c: bridges and ports; vsctl_db.c: the generic
 * database commands; vsctl_ssl.c: set-ssl and co; vsctl_show.c: show and
 * record printing).
 */
#ifndef WEFT_VSCTL_PRIV_H
#define WEFT_VSCTL_PRIV_H

#include "weft/vsctl.h"

struct vsctl_ctx {
	struct wft_conf *conf;
	const struct wft_vsctl_cmd *cmd;
	const struct wft_vsctl_table_style *style;
	struct wft_strbuf *out;
	struct wft_strbuf *err;
	int exit_status;
};

typedef int vsctl_handler(struct vsctl_ctx *ctx);

struct wft_vsctl_syntax {
	const char *name;
	int min_args;
	int max_args;			/* -1: any number */
	unsigned int options;		/* enum wft_vsctl_opt */
	vsctl_handler *run;		/* NULL: known, not supported */
	const char *usage;
	const char *help;
};

const struct wft_vsctl_syntax *wft_vsctl_syntax_find(const char *name);
/* Every syntax, for the usage text. */
const struct wft_vsctl_syntax *vsctl_syntaxes(size_t *n);
int vsctl_parse_groups(int argc, char **args, struct wft_vsctl_cmds *cmds,
		       struct wft_strbuf *err);
int vsctl_parse_format(const char *v, struct wft_vsctl_options *o,
		       struct wft_strbuf *err);
int vsctl_fail(struct vsctl_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool vsctl_opt(const struct vsctl_ctx *ctx, enum wft_vsctl_opt opt);

/* A bridge as ovs-vsctl sees it: a Bridge row, or a fake bridge (a Port
 * with fake_bridge=true on its parent, standing for one VLAN). */
struct vsctl_bridge {
	struct wft_row *br;		/* the real bridge (the parent) */
	struct wft_row *fake;		/* the fake bridge's port, or NULL */
	int vlan;			/* 0 for real bridges */
};

bool vsctl_bridge_find(const struct wft_conf *conf, const char *name,
		       struct vsctl_bridge *b);
/* The (real or fake) bridge a port belongs to. */
void vsctl_port_owner(const struct wft_conf *conf, struct wft_row *port,
		      struct vsctl_bridge *b);
const char *vsctl_bridge_name(const struct vsctl_bridge *b);
struct wft_row *vsctl_port_iface(const struct wft_conf *conf,
				 const struct wft_row *port);

/* vsctl_bridge.c */
vsctl_handler cmd_ovs_init, cmd_br_add, cmd_br_del, cmd_br_list,
	cmd_br_exists, cmd_br_to_vlan, cmd_br_to_parent, cmd_br_set_extid,
	cmd_br_get_extid, cmd_port_list, cmd_port_add, cmd_port_del,
	cmd_port_to_br, cmd_iface_list, cmd_iface_to_br, cmd_failmode_get,
	cmd_failmode_set, cmd_failmode_del;
/* vsctl_db.c */
vsctl_handler cmd_db_get, cmd_db_set, cmd_db_add, cmd_db_remove,
	cmd_db_clear, cmd_db_list, cmd_db_find;
#define VSCTL_UUID_COLUMN	(-2)	/* the "_uuid" pseudo column */
/* A column of @t by name, as ovs-vsctl matches them: case-insensitively,
 * exactly or by a unique prefix. Returns 0, or -EINVAL with the error. */
int vsctl_column_match(struct vsctl_ctx *ctx, const struct wft_table *t,
		       const char *name, size_t len, int *col);
/* Applies "COL[:KEY]=VALUE" to @row (set, and add-port's settings). */
int vsctl_set_column(struct vsctl_ctx *ctx, struct wft_row *row,
		     const char *arg);
/* vsctl_ssl.c */
vsctl_handler cmd_ssl_get, cmd_ssl_set, cmd_ssl_del;
/* vsctl_show.c */
vsctl_handler cmd_ovs_show;
/* Prints @rows as list/find do, in the style's format. */
int vsctl_print_records(struct vsctl_ctx *ctx, const struct wft_table *t,
			struct wft_row **rows, size_t n);

#endif /* WEFT_VSCTL_PRIV_H */
