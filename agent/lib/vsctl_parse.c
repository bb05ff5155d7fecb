// SPDX-License-Identifier: GPL-2.0
/*
 * ovs-vsctl's command line: the command table, global and per-command
 * options, "--" separated command groups, their JSON form for the
 * "vsctl/transact" call, and the driver that runs a transaction.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"

#include "vsctl_priv.h"

#define O(x)		WFT_VSCTL_##x
#define NONE		0
#define IGNORED		SIZE_MAX	/* a flag with no field */

static const struct wft_vsctl_syntax commands[] = {
	{ "init", 0, 0, NONE, cmd_ovs_init, "",
	  "initialize the configuration (a no-op: weftd always has one)" },
	{ "show", 0, 0, NONE, cmd_ovs_show, "",
	  "print an overview of the configuration" },
	{ "emer-reset", 0, 0, NONE, NULL, "", "not supported by weft" },

	{ "add-br", 1, 3, O(MAY_EXIST), cmd_br_add, "BRIDGE [PARENT VLAN]",
	  "create BRIDGE, or a fake BRIDGE in PARENT on VLAN" },
	{ "del-br", 1, 1, O(IF_EXISTS), cmd_br_del, "BRIDGE",
	  "delete BRIDGE and all of its ports" },
	{ "list-br", 0, 0, O(REAL) | O(FAKE), cmd_br_list, "",
	  "print the names of all the bridges" },
	{ "br-exists", 1, 1, NONE, cmd_br_exists, "BRIDGE",
	  "exit 2 if BRIDGE does not exist" },
	{ "br-to-vlan", 1, 1, NONE, cmd_br_to_vlan, "BRIDGE",
	  "print the VLAN which BRIDGE is on" },
	{ "br-to-parent", 1, 1, NONE, cmd_br_to_parent, "BRIDGE",
	  "print the parent of BRIDGE" },
	{ "br-set-external-id", 2, 3, NONE, cmd_br_set_extid,
	  "BRIDGE KEY [VALUE]", "set (or unset) KEY on BRIDGE" },
	{ "br-get-external-id", 1, 2, NONE, cmd_br_get_extid, "BRIDGE [KEY]",
	  "print KEY, or every key=value, of BRIDGE" },

	{ "list-ports", 1, 1, NONE, cmd_port_list, "BRIDGE",
	  "print the names of all the ports on BRIDGE" },
	{ "add-port", 2, -1, O(MAY_EXIST), cmd_port_add,
	  "BRIDGE PORT [COLUMN[:KEY]=VALUE]...",
	  "add network device PORT to BRIDGE" },
	{ "del-port", 1, 2, O(IF_EXISTS) | O(WITH_IFACE), cmd_port_del,
	  "[BRIDGE] PORT", "delete PORT from BRIDGE" },
	{ "port-to-br", 1, 1, NONE, cmd_port_to_br, "PORT",
	  "print the name of the bridge that contains PORT" },
	{ "add-bond", 3, -1, NONE, NULL, "", "not supported by weft "
	  "(one interface per port)" },
	{ "add-bond-iface", 2, 2, NONE, NULL, "", "not supported by weft" },
	{ "del-bond-iface", 1, 2, NONE, NULL, "", "not supported by weft" },

	{ "list-ifaces", 1, 1, NONE, cmd_iface_list, "BRIDGE",
	  "print the names of all interfaces on BRIDGE" },
	{ "iface-to-br", 1, 1, NONE, cmd_iface_to_br, "IFACE",
	  "print the name of the bridge that contains IFACE" },

	{ "get-fail-mode", 1, 1, NONE, cmd_failmode_get, "BRIDGE",
	  "print the fail-mode of BRIDGE" },
	{ "set-fail-mode", 2, 2, NONE, cmd_failmode_set,
	  "BRIDGE (standalone | secure)", "set the fail-mode of BRIDGE" },
	{ "del-fail-mode", 1, 1, NONE, cmd_failmode_del, "BRIDGE",
	  "remove the fail-mode of BRIDGE" },
	{ "get-controller", 1, 1, NONE, NULL, "", "not supported by weft" },
	{ "set-controller", 1, -1, NONE, NULL, "", "not supported by weft" },
	{ "del-controller", 1, 1, NONE, NULL, "", "not supported by weft" },
	{ "get-manager", 0, 0, NONE, NULL, "", "not supported by weft" },
	{ "set-manager", 1, -1, NONE, NULL, "", "not supported by weft" },
	{ "del-manager", 0, 0, NONE, NULL, "", "not supported by weft" },
	{ "get-ssl", 0, 0, NONE, cmd_ssl_get, "",
	  "print the SSL configuration" },
	{ "set-ssl", 3, 3, NONE, cmd_ssl_set, "PRIV-KEY CERT CA-CERT",
	  "set the SSL configuration (the files for ssl: remotes)" },
	{ "del-ssl", 0, 0, NONE, cmd_ssl_del, "",
	  "delete the SSL configuration" },

	{ "list", 1, -1, O(IF_EXISTS) | O(COLUMNS), cmd_db_list,
	  "TABLE [RECORD]...", "list RECORDs (or all records) in TABLE" },
	{ "find", 1, -1, O(COLUMNS), cmd_db_find, "TABLE [CONDITION]...",
	  "list records of TABLE satisfying every CONDITION" },
	{ "get", 2, -1, O(IF_EXISTS), cmd_db_get,
	  "TABLE RECORD [COLUMN[:KEY]]...", "print values of COLUMNs" },
	{ "set", 3, -1, O(IF_EXISTS), cmd_db_set,
	  "TABLE RECORD COLUMN[:KEY]=VALUE...", "set COLUMN values" },
	{ "add", 4, -1, O(IF_EXISTS), cmd_db_add,
	  "TABLE RECORD COLUMN [KEY=]VALUE...", "add VALUEs to COLUMN" },
	{ "remove", 4, -1, O(IF_EXISTS), cmd_db_remove,
	  "TABLE RECORD COLUMN KEY|VALUE|KEY=VALUE...",
	  "remove VALUEs from COLUMN" },
	{ "clear", 3, -1, O(IF_EXISTS), cmd_db_clear,
	  "TABLE RECORD COLUMN...", "clear COLUMNs" },
	{ "create", 2, -1, NONE, NULL, "", "not supported by weft "
	  "(use add-br and add-port)" },
	{ "destroy", 1, -1, NONE, NULL, "", "not supported by weft "
	  "(use del-br and del-port)" },
	{ "wait-until", 2, -1, NONE, NULL, "", "not supported by weft" },
	{ "comment", 0, -1, NONE, cmd_ovs_init, "[ARG]...",
	  "ignore the arguments" },
};

static const struct {
	const char *name;
	unsigned int bit;
} cmd_options[] = {
	{ "--may-exist", O(MAY_EXIST) },
	{ "--if-exists", O(IF_EXISTS) },
	{ "--with-iface", O(WITH_IFACE) },
	{ "--real", O(REAL) },
	{ "--fake", O(FAKE) },
	{ "--columns", O(COLUMNS) },
};

const struct wft_vsctl_syntax *wft_vsctl_syntax_find(const char *name)
{
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

const struct wft_vsctl_syntax *vsctl_syntaxes(size_t *n)
{
	*n = WFT_ARRAY_SIZE(commands);
	return commands;
}

int vsctl_fail(struct vsctl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wft_strbuf_vprintf(ctx->err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

bool vsctl_opt(const struct vsctl_ctx *ctx, enum wft_vsctl_opt opt)
{
	return ctx->cmd->opts & opt;
}

void wft_vsctl_options_init(struct wft_vsctl_options *o)
{
	memset(o, 0, sizeof(*o));
}

void wft_vsctl_options_uninit(struct wft_vsctl_options *o)
{
	free(o->style.columns);
	free(o->target);
	wft_vsctl_options_init(o);
}

static void cmd_uninit(struct wft_vsctl_cmd *c)
{
	int i;

	for (i = 0; i < c->n_raw; i++)
		free(c->raw[i]);
	free(c->raw);
	free(c->columns);
}

void wft_vsctl_cmds_free(struct wft_vsctl_cmds *cmds)
{
	size_t i;

	for (i = 0; i < cmds->n; i++)
		cmd_uninit(&cmds->cmds[i]);
	free(cmds->cmds);
	cmds->cmds = NULL;
	cmds->n = 0;
}

/* "--name=value" or "--name": the option's bit, or 0 if unknown. */
static unsigned int cmd_option(const char *arg, const char **value)
{
	size_t i, len = strcspn(arg, "=");

	*value = arg[len] == '=' ? arg + len + 1 : NULL;
	for (i = 0; i < WFT_ARRAY_SIZE(cmd_options); i++)
		if (strlen(cmd_options[i].name) == len &&
		    !strncmp(cmd_options[i].name, arg, len))
			return cmd_options[i].bit;
	return 0;
}

static int check_args(const struct wft_vsctl_cmd *c, struct wft_strbuf *err)
{
	const struct wft_vsctl_syntax *s = c->syntax;
	int i;

	if (c->argc < s->min_args) {
		wft_strbuf_printf(err, "'%s' command requires at least %d "
				  "arguments", s->name, s->min_args);
		return -EINVAL;
	}
	if (s->max_args >= 0 && c->argc > s->max_args) {
		wft_strbuf_printf(err, "'%s' command takes at most %d "
				  "arguments", s->name, s->max_args);
		for (i = 0; i < c->argc; i++)
			if (!strncmp(c->argv[i], "--", 2)) {
				wft_strbuf_puts(err, " (note that options must "
						"precede command names and "
						"follow a \"--\" argument)");
				break;
			}
		return -EINVAL;
	}
	if (!s->run) {
		wft_strbuf_printf(err, "'%s' command is %s", s->name, s->help);
		return -EINVAL;
	}
	return 0;
}

/* Parses one group: [--OPTION...] NAME [ARG...]. */
static int parse_group(char **args, int n, struct wft_vsctl_cmd *c,
		       struct wft_strbuf *err)
{
	const char *value, *bad = NULL;
	unsigned int bit;
	int i;

	memset(c, 0, sizeof(*c));
	c->raw = wft_xcalloc(n + 1, sizeof(*c->raw));
	for (i = 0; i < n; i++)
		c->raw[i] = wft_xstrdup(args[i]);
	c->n_raw = n;
	for (i = 0; i < n && !strncmp(args[i], "--", 2); i++) {
		bit = cmd_option(args[i], &value);
		if (!bit && !bad)
			bad = args[i];
		c->opts |= bit;
		if (bit == O(COLUMNS)) {
			free(c->columns);
			c->columns = wft_xstrdup(value ? value : "");
		}
	}
	if (i == n) {
		wft_strbuf_puts(err, "missing command name (use --help for "
				"help)");
		return -EINVAL;
	}
	c->syntax = wft_vsctl_syntax_find(args[i]);
	if (!c->syntax) {
		wft_strbuf_printf(err, "unknown command '%s'; use --help for "
				  "help", args[i]);
		return -EINVAL;
	}
	c->argv = c->raw + i + 1;
	c->argc = n - i - 1;
	for (i = 0; i < n && !strncmp(args[i], "--", 2); i++) {
		bit = cmd_option(args[i], &value);
		if (!bit || !(c->syntax->options & bit)) {
			wft_strbuf_printf(err, "'%s' command has no '%.*s' "
					  "option", c->syntax->name,
					  (int)strcspn(args[i], "="), args[i]);
			return -EINVAL;
		}
	}
	return check_args(c, err);
}

/* Splits @args at "--" and parses each non-empty group. */
int vsctl_parse_groups(int argc, char **args, struct wft_vsctl_cmds *cmds,
			struct wft_strbuf *err)
{
	int start = 0, i, ret;

	for (i = 0; i <= argc; i++) {
		if (i < argc && strcmp(args[i], "--"))
			continue;
		if (i > start) {
			cmds->cmds = wft_xrealloc(cmds->cmds, (cmds->n + 1) *
						  sizeof(*cmds->cmds));
			ret = parse_group(args + start, i - start,
					  &cmds->cmds[cmds->n++], err);
			if (ret)
				return ret;
		}
		start = i + 1;
	}
	if (!cmds->n) {
		wft_strbuf_puts(err, "missing command name (use --help for "
				"help)");
		return -EINVAL;
	}
	return 0;
}

int vsctl_parse_format(const char *v, struct wft_vsctl_options *o,
			struct wft_strbuf *err)
{
	static const char *const names[] = {
		[WFT_VSCTL_FMT_LIST] = "list", [WFT_VSCTL_FMT_TABLE] = "table",
		[WFT_VSCTL_FMT_CSV] = "csv", [WFT_VSCTL_FMT_JSON] = "json",
	};
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(names); i++)
		if (!strcmp(v, names[i])) {
			o->style.format = i;
			if (i == WFT_VSCTL_FMT_JSON)
				o->style.data_json = true;
			return 0;
		}
	wft_strbuf_printf(err, "unknown output format \"%s\"", v);
	return -EINVAL;
}

static int parse_global_value(const char *name, const char *v,
			      struct wft_vsctl_options *o,
			      struct wft_strbuf *err)
{
	char *end;
	long n;

	if (!strcmp(name, "--format") || !strcmp(name, "-f"))
		return vsctl_parse_format(v, o, err);
	if (!strcmp(name, "--data") || !strcmp(name, "-d")) {
		if (strcmp(v, "string") && strcmp(v, "json")) {
			wft_strbuf_printf(err, "unknown data format \"%s\"", v);
			return -EINVAL;
		}
		o->style.data_json = !strcmp(v, "json");
		return 0;
	}
	if (!strcmp(name, "--timeout") || !strcmp(name, "-t")) {
		n = strtol(v, &end, 10);
		if (!*v || *end || n < 0 || n > 86400 * 365) {
			wft_strbuf_printf(err, "value %s on -t or --timeout is "
					  "invalid", v);
			return -EINVAL;
		}
		o->timeout = n;
		return 0;
	}
	if (!strcmp(name, "--columns")) {
		free(o->style.columns);
		o->style.columns = wft_xstrdup(v);
		return 0;
	}
	if (!strcmp(name, "--target")) {
		free(o->target);
		o->target = wft_xstrdup(v);
		return 0;
	}
	o->db_given = true;	/* --db */
	return 0;
}

static const char *const valued[] = {
	"--format", "-f", "--data", "-d", "--timeout", "-t", "--columns",
	"--target", "--db",
};

static const struct {
	const char *name;
	size_t offset;
} flags[] = {
	{ "--dry-run", offsetof(struct wft_vsctl_options, dry_run) },
	{ "--oneline", offsetof(struct wft_vsctl_options, oneline) },
	{ "--bare", offsetof(struct wft_vsctl_options, style.bare) },
	{ "--no-headings", offsetof(struct wft_vsctl_options,
				    style.no_headings) },
	{ "--help", offsetof(struct wft_vsctl_options, help) },
	{ "-h", offsetof(struct wft_vsctl_options, help) },
	{ "--version", offsetof(struct wft_vsctl_options, version) },
	{ "-V", offsetof(struct wft_vsctl_options, version) },
	/* Accepted for compatibility, and meaningless here. */
	{ "--no-wait", IGNORED }, { "--pretty", IGNORED },
	{ "--retry", IGNORED }, { "--no-syslog", IGNORED },
	{ "-v", IGNORED }, { "--verbose", IGNORED },
};

/* One global option at args[*i]; 1 when it was one, 0 when not, -EINVAL. */
static int parse_global(int argc, char **args, int *i,
			struct wft_vsctl_options *o, struct wft_strbuf *err)
{
	const char *arg = args[*i], *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg), k;

	for (k = 0; k < WFT_ARRAY_SIZE(flags); k++)
		if (!strcmp(arg, flags[k].name)) {
			if (flags[k].offset != IGNORED)
				*(bool *)((char *)o + flags[k].offset) = true;
			return 1;
		}
	for (k = 0; k < WFT_ARRAY_SIZE(valued); k++) {
		if (strlen(valued[k]) != len || strncmp(arg, valued[k], len))
			continue;
		if (!eq && *i + 1 >= argc) {
			wft_strbuf_printf(err, "option '%s' requires an "
					  "argument", arg);
			return -EINVAL;
		}
		if (parse_global_value(valued[k], eq ? eq + 1 : args[++*i], o,
				       err))
			return -EINVAL;
		return 1;
	}
	return 0;
}

int wft_vsctl_parse_argv(int argc, char **argv, struct wft_vsctl_options *o,
			 struct wft_vsctl_cmds *cmds, struct wft_strbuf *err)
{
	const char *v;
	int i, ret;

	for (i = 0; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--");
	     i++) {
		ret = parse_global(argc, argv, &i, o, err);
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		if (cmd_option(argv[i], &v))
			break;	/* the first command's own options */
		wft_strbuf_printf(err, "unrecognized option '%s' (use --help "
				  "for help)", argv[i]);
		return -EINVAL;
	}
	if (o->help || o->version)
		return 0;
	return vsctl_parse_groups(argc - i, argv + i, cmds, err);
}
