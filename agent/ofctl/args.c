// SPDX-License-Identifier: GPL-2.0
/* weft-ofctl: option parsing (no I/O; see ofctl.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ofctl.h"

static const struct option long_opts[] = {
	{ "format",	required_argument,	NULL, 'f' },
	{ "json",	no_argument,		NULL, 'j' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
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

int ofctl_parse_opts(int argc, char **argv, struct ofctl_opts *o, int *first,
		     char *err, size_t errlen)
{
	int c, idx;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((idx = -1,
		c = getopt_long(argc, argv, "f:jhV", long_opts, &idx)) != -1) {
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
		default:
			if (optopt == 'f')
				snprintf(err, errlen, "option -f needs an "
					 "argument");
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

const struct ofctl_cmd *ofctl_find_cmd(const struct ofctl_cmd *table,
				       const char *name)
{
	for (; table->name; table++)
		if (!strcmp(table->name, name))
			return table;
	return NULL;
}
