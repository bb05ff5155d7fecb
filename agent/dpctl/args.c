// SPDX-License-Identifier: GPL-2.0
/* weft-dpctl: option and argument parsing (no I/O; see dpctl.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpctl.h"

enum {
	LOPT_NAMES = 256,
	LOPT_NO_NAMES,
	LOPT_CLEAR,
	LOPT_MAY_CREATE,
	LOPT_PROVENANCE,
};

static const struct option long_opts[] = {
	{ "statistics",	no_argument,		NULL, 's' },
	{ "more",	no_argument,		NULL, 'm' },
	{ "names",	no_argument,		NULL, LOPT_NAMES },
	{ "no-names",	no_argument,		NULL, LOPT_NO_NAMES },
	{ "clear",	no_argument,		NULL, LOPT_CLEAR },
	{ "may-create",	no_argument,		NULL, LOPT_MAY_CREATE },
	{ "provenance",	no_argument,		NULL, LOPT_PROVENANCE },
	{ "format",	required_argument,	NULL, 'f' },
	{ "json",	no_argument,		NULL, 'j' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/*
 * getopt_long() takes any unique prefix of a long option; weft-dpctl takes
 * the exact name only, so that a new option can never change what an old
 * command line means (iproute2 deprecated prefixes for that reason).
 */
static const char *long_opt_word(char **argv)
{
	const char *arg = argv[optind - 1];

	if (strncmp(arg, "--", 2))	/* the value of "--format json" */
		arg = argv[optind - 2];
	return arg;
}

static bool long_opt_exact(const char *word, int idx)
{
	size_t len = strcspn(word + 2, "=");

	return len == strlen(long_opts[idx].name) &&
	       !strncmp(word + 2, long_opts[idx].name, len);
}

int dpctl_parse_opts(int argc, char **argv, struct dpctl_opts *o, int *first,
		     char *err, size_t errlen)
{
	int c, idx;

	memset(o, 0, sizeof(*o));
	o->names = -1;
	optind = 0;		/* glibc: start over (the unit tests parse often) */
	opterr = 0;
	while ((idx = -1,
		c = getopt_long(argc, argv, "smf:jhV", long_opts, &idx)) != -1) {
		if (idx >= 0 && !long_opt_exact(long_opt_word(argv), idx)) {
			snprintf(err, errlen, "unknown option %.*s (did you "
				 "mean --%s?)",
				 (int)strcspn(long_opt_word(argv), "="),
				 long_opt_word(argv), long_opts[idx].name);
			return -EINVAL;
		}
		switch (c) {
		case 's':
			o->statistics = true;
			o->seen |= OPT_STATISTICS;
			break;
		case 'm':
			o->verbosity++;
			o->seen |= OPT_MORE;
			break;
		case LOPT_NAMES:
		case LOPT_NO_NAMES:
			o->names = c == LOPT_NAMES;
			o->seen |= OPT_NAMES;
			break;
		case LOPT_CLEAR:
			o->clear = true;
			o->seen |= OPT_CLEAR;
			break;
		case LOPT_MAY_CREATE:
			o->may_create = true;
			o->seen |= OPT_MAY_CREATE;
			break;
		case LOPT_PROVENANCE:
			o->provenance = true;
			o->seen |= OPT_PROVENANCE;
			break;
		case 'f':
			if (!strcmp(optarg, "json")) {
				o->json = true;
			} else if (!strcmp(optarg, "text")) {
				o->json = false;
			} else {
				snprintf(err, errlen, "unknown output format "
					 "\"%s\" (text or json)", optarg);
				return -EINVAL;
			}
			o->seen |= OPT_FORMAT;
			break;
		case 'j':
			o->json = true;
			o->seen |= OPT_FORMAT;
			break;
		case 'h':
			o->help = true;
			break;
		case 'V':
			o->version = true;
			break;
		default:
			if (optopt && optopt != '?' && strchr("f", optopt))
				snprintf(err, errlen, "option -%c needs an "
					 "argument", optopt);
			else if (optopt)
				snprintf(err, errlen, "unknown option -%c",
					 optopt);
			else
				snprintf(err, errlen, "unknown option %s",
					 argv[optind - 1]);
			return -EINVAL;
		}
	}
	*first = optind;
	return 0;
}

const struct dpctl_cmd *dpctl_find_cmd(const struct dpctl_cmd *table,
				       const char *name)
{
	for (; table->name; table++)
		if (!strcmp(table->name, name))
			return table;
	return NULL;
}

static const char *opt_name(unsigned int bit)
{
	switch (bit) {
	case OPT_STATISTICS:	return "-s";
	case OPT_MORE:		return "-m";
	case OPT_NAMES:		return "--names";
	case OPT_CLEAR:		return "--clear";
	case OPT_MAY_CREATE:	return "--may-create";
	case OPT_FORMAT:	return "--format";
	case OPT_PROVENANCE:	return "--provenance";
	default:		return "?";
	}
}

int dpctl_check_cmd(const struct dpctl_cmd *cmd, const struct dpctl_opts *o,
		    int argc, char *err, size_t errlen)
{
	unsigned int extra = o->seen & ~cmd->opts;

	if (extra) {
		snprintf(err, errlen, "option %s does not apply to %s",
			 opt_name(extra & -extra), cmd->name);
		return -EINVAL;
	}
	if (argc < cmd->min_args) {
		snprintf(err, errlen, "%s needs %s%d argument%s (usage: %s %s)",
			 cmd->name, cmd->min_args == cmd->max_args ? "" :
			 "at least ", cmd->min_args,
			 cmd->min_args == 1 ? "" : "s", cmd->name, cmd->usage);
		return -EINVAL;
	}
	if (cmd->max_args >= 0 && argc > cmd->max_args) {
		snprintf(err, errlen, "%s takes at most %d argument%s "
			 "(usage: %s %s)", cmd->name, cmd->max_args,
			 cmd->max_args == 1 ? "" : "s", cmd->name, cmd->usage);
		return -EINVAL;
	}
	return 0;
}

const char *dpctl_take_dp(int *argc, char ***argv, int n_fixed)
{
	const char *dp;

	if (*argc <= n_fixed)
		return NULL;
	dp = (*argv)[0];
	(*argv)++;
	(*argc)--;
	return dp;
}

/* A decimal number in [0, max] and nothing else. */
static int parse_uint(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long n;
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n > max)
		return -EINVAL;
	*v = (uint32_t)n;
	return 0;
}

static int parse_if_option(char *opt, struct dpctl_if_spec *spec, char *err,
			   size_t errlen)
{
	char *val = strchr(opt, '=');

	if (!val) {
		snprintf(err, errlen, "%s: option \"%s\" has no value "
			 "(write KEY=VALUE)", spec->name, opt);
		return -EINVAL;
	}
	*val++ = '\0';
	if (!strcmp(opt, "type")) {
		if (spec->has_type) {
			snprintf(err, errlen, "%s: duplicate \"type\" option",
				 spec->name);
			return -EINVAL;
		}
		if (wft_vport_type_parse(val, &spec->type)) {
			snprintf(err, errlen, "%s: unknown port type \"%s\" "
				 "(netdev, system, internal, geneve or vxlan)", spec->name,
				 val);
			return -EINVAL;
		}
		spec->has_type = true;
		return 0;
	}
	if (!strcmp(opt, "dst_port")) {
		if (spec->has_dst_port) {
			snprintf(err, errlen, "%s: duplicate \"dst_port\" "
				 "option", spec->name);
			return -EINVAL;
		}
		if (parse_uint(val, 65535, &spec->dst_port) ||
		    !spec->dst_port) {
			snprintf(err, errlen, "%s: dst_port \"%s\" is not a "
				 "number from 1 to 65535", spec->name, val);
			return -EINVAL;
		}
		spec->has_dst_port = true;
		return 0;
	}
	if (!strcmp(opt, "port_no")) {
		if (spec->has_port_no) {
			snprintf(err, errlen, "%s: duplicate \"port_no\" "
				 "option", spec->name);
			return -EINVAL;
		}
		if (parse_uint(val, WEFT_VPORT_MAX, &spec->port_no)) {
			snprintf(err, errlen, "%s: port_no \"%s\" is not a "
				 "number from 0 to %d", spec->name, val,
				 WEFT_VPORT_MAX);
			return -EINVAL;
		}
		spec->has_port_no = true;
		return 0;
	}
	snprintf(err, errlen, "%s: option \"%s\" is not supported (weft "
		 "ports take type= and port_no=)", spec->name, opt);
	return -EINVAL;
}

int dpctl_parse_if_spec(const char *arg, struct dpctl_if_spec *spec,
			char *err, size_t errlen)
{
	char *copy, *save = NULL, *tok;
	size_t len = strcspn(arg, ",");
	int ret = 0;

	memset(spec, 0, sizeof(*spec));
	if (!len || len >= WFT_IFNAMSIZ) {
		snprintf(err, errlen, "\"%.*s\" is not a valid network device "
			 "name (1 to %d characters)", (int)len, arg,
			 WFT_IFNAMSIZ - 1);
		return -EINVAL;
	}
	memcpy(spec->name, arg, len);
	spec->name[len] = '\0';
	if (!arg[len])
		return 0;
	copy = strdup(arg + len + 1);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save))
		ret = parse_if_option(tok, spec, err, errlen);
	free(copy);
	return ret;
}
