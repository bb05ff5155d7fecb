// SPDX-License-Identifier: GPL-2.0
/* weft-ofctl: option parsing (no I/O; see ofctl.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofctl.h"

enum {
	OPT_STRICT = 256,
	OPT_STATS,
	OPT_NO_STATS,
	OPT_NAMES,
	OPT_NO_NAMES,
	OPT_TARGET,
};

/* -t is --timeout, as in ovs-ofctl (weft-appctl's -t is its target). */
static const struct option long_opts[] = {
	{ "format",	required_argument,	NULL, 'f' },
	{ "json",	no_argument,		NULL, 'j' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "strict",	no_argument,		NULL, OPT_STRICT },
	{ "stats",	no_argument,		NULL, OPT_STATS },
	{ "no-stats",	no_argument,		NULL, OPT_NO_STATS },
	{ "names",	no_argument,		NULL, OPT_NAMES },
	{ "no-names",	no_argument,		NULL, OPT_NO_NAMES },
	{ "timeout",	required_argument,	NULL, 't' },
	{ "target",	required_argument,	NULL, OPT_TARGET },
	{ NULL, 0, NULL, 0 },
};

/* getopt_long() takes unique prefixes of long options; weft's CLIs take
 * exact names only, so that a new option never changes an old command
 * line's meaning. */
static bool long_opt_exact(char **argv, int idx)
{
	const char *word = argv[optind - 1];
	size_t len;

	if (strncmp(word, "--", 2))	/* the value of "--format json" */
		word = argv[optind - 2];
	len = strcspn(word + 2, "=");
	return len == strlen(long_opts[idx].name) &&
	       !strncmp(word + 2, long_opts[idx].name, len);
}

static int set_format(struct ofctl_opts *o, const char *arg, char *err,
		      size_t errlen)
{
	if (!strcmp(arg, "json")) {
		o->json = true;
	} else if (!strcmp(arg, "text")) {
		o->json = false;
	} else {
		snprintf(err, errlen, "unknown output format \"%s\" (text or "
			 "json)", arg);
		return -EINVAL;
	}
	return 0;
}

/* Whole seconds, as ovs-ofctl takes them; 0 is no timeout. */
static int set_timeout(struct ofctl_opts *o, const char *arg, char *err,
		       size_t errlen)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (!*arg || *end || errno || n < 0 || n > 86400) {
		snprintf(err, errlen, "bad timeout \"%s\" (whole seconds, 0 "
			 "to 86400)", arg);
		return -EINVAL;
	}
	o->timeout_ms = n ? (int)n * 1000 : -1;
	return 0;
}

/* The options that say which way a command prints. */
static void set_view(struct ofctl_opts *o, int c)
{
	switch (c) {
	case OPT_STRICT:
		o->strict = true;
		o->given |= OFCTL_OPT_STRICT;
		break;
	case OPT_STATS:
	case OPT_NO_STATS:
		o->no_stats = c == OPT_NO_STATS;
		o->given |= OFCTL_OPT_STATS;
		break;
	case OPT_NAMES:
	case OPT_NO_NAMES:
		o->names = c == OPT_NAMES;
		o->given |= OFCTL_OPT_NAMES;
		break;
	}
}

int ofctl_parse_opts(int argc, char **argv, struct ofctl_opts *o, int *first,
		     char *err, size_t errlen)
{
	int c, idx;

	memset(o, 0, sizeof(*o));
	o->names = -1;
	o->timeout_ms = -1;
	optind = 0;
	opterr = 0;
	while ((idx = -1, c = getopt_long(argc, argv, "f:jhVt:", long_opts,
					  &idx)) != -1) {
		if (idx >= 0 && !long_opt_exact(argv, idx)) {
			snprintf(err, errlen, "unknown option (did you mean "
				 "--%s?)", long_opts[idx].name);
			return -EINVAL;
		}
		switch (c) {
		case 'f':
			if (set_format(o, optarg, err, errlen))
				return -EINVAL;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			o->help = true;
			break;
		case 'V':
			o->version = true;
			break;
		case 't':
			if (set_timeout(o, optarg, err, errlen))
				return -EINVAL;
			break;
		case OPT_TARGET:
			o->target = optarg;
			break;
		case OPT_STRICT:
		case OPT_STATS:
		case OPT_NO_STATS:
		case OPT_NAMES:
		case OPT_NO_NAMES:
			set_view(o, c);
			break;
		default:
			if (optopt == 'f' || optopt == 't')
				snprintf(err, errlen, "option -%c needs an "
					 "argument", optopt);
			else if (optopt >= 256)
				snprintf(err, errlen, "option --%s needs an "
					 "argument", argv[optind - 1] + 2);
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

const char *ofctl_opt_name(unsigned int opt)
{
	switch (opt) {
	case OFCTL_OPT_STRICT:
		return "--strict";
	case OFCTL_OPT_STATS:
		return "--stats/--no-stats";
	case OFCTL_OPT_NAMES:
		return "--names/--no-names";
	}
	return "?";
}

const struct ofctl_cmd *ofctl_find_cmd(const struct ofctl_cmd *table,
				       const char *name)
{
	for (; table->name; table++)
		if (!strcmp(table->name, name))
			return table;
	return NULL;
}
