// SPDX-License-Identifier: GPL-2.0
/*
 * weft-cni: the CNI plugin that attaches containers to a weft bridge.
 *
 * Driven as the CNI specification 1.1.0 says: the command and the
 * container's identity in CNI_* environment variables, the network
 * configuration on stdin, a result or an error object on stdout (exit
 * status 0 or 1). Callers speaking 0.3.0, 0.3.1, 0.4.0 and 1.0.0 get
 * results in their own layout; see docs/cni.md.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni.h"

const char *const cni_versions[] = {
	[CNI_V030] = "0.3.0", [CNI_V031] = "0.3.1", [CNI_V040] = "0.4.0",
	[CNI_V100] = "1.0.0", [CNI_V110] = "1.1.0",
};

int cni_version_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(cni_versions) / sizeof(cni_versions[0]); i++)
		if (!strcmp(s, cni_versions[i]))
			return (int)i;
	return -1;
}

int cni_fail(struct cni_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void cni_details(struct cni_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->details, sizeof(e->details), fmt, ap);
	va_end(ap);
}

static int print_error(const struct cni_err *e, const char *version)
{
	json_t *j;

	if (e->raw) {
		j = json_incref(e->raw);
	} else {
		j = json_pack("{s:s,s:i,s:s}", "cniVersion", version, "code",
			      e->code, "msg", e->msg);
		if (e->details[0])
			json_object_set_new(j, "details",
					    json_string(e->details));
	}
	json_dumpf(j, stdout, JSON_INDENT(4));
	putchar('\n');
	json_decref(j);
	return 1;
}

static int cmd_version(void)
{
	json_t *list = json_array(), *j;
	size_t i;

	for (i = 0; i < sizeof(cni_versions) / sizeof(cni_versions[0]); i++)
		json_array_append_new(list, json_string(cni_versions[i]));
	j = json_pack("{s:s,s:o}", "cniVersion", "1.1.0", "supportedVersions",
		      list);
	json_dumpf(j, stdout, 0);
	putchar('\n');
	json_decref(j);
	return 0;
}

/* The spec: letters, digits, '_', '.', '-', starting with a letter or
 * digit. */
static bool valid_containerid(const char *s)
{
	if (!isalnum((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_.-", *s))
			return false;
	return true;
}

static bool valid_ifname(const char *s)
{
	if (!*s || strlen(s) > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s))
			return false;
	return true;
}

static int check_env(const struct cni_env *env, struct cni_err *e)
{
	const char *cmd = env->command;
	bool add = !strcmp(cmd, "ADD") || !strcmp(cmd, "CHECK");
	bool del = !strcmp(cmd, "DEL");

	if (add || del) {
		if (!env->containerid || !*env->containerid)
			return cni_fail(e, CNI_ERR_ENV,
					"CNI_CONTAINERID is required for %s",
					cmd);
		if (!valid_containerid(env->containerid))
			return cni_fail(e, CNI_ERR_ENV,
					"CNI_CONTAINERID \"%s\" is not valid "
					"(letters, digits, '_', '.', '-', "
					"starting with a letter or digit)",
					env->containerid);
		if (!env->ifname || !*env->ifname)
			return cni_fail(e, CNI_ERR_ENV,
					"CNI_IFNAME is required for %s", cmd);
		if (!valid_ifname(env->ifname))
			return cni_fail(e, CNI_ERR_ENV,
					"CNI_IFNAME \"%s\" is not a valid "
					"interface name", env->ifname);
	}
	if (add && (!env->netns || !*env->netns))
		return cni_fail(e, CNI_ERR_ENV, "CNI_NETNS is required for %s",
				cmd);
	if ((add || del || !strcmp(cmd, "GC")) &&
	    (!env->path || !*env->path))
		return cni_fail(e, CNI_ERR_ENV, "CNI_PATH is required for %s",
				cmd);
	return 0;
}

static char *read_stdin(void)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	while (buf) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
		}
		n = read(0, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	if (buf)
		buf[len] = '\0';
	return buf;
}

static const struct {
	const char *name;
	int (*run)(const struct cni_env *, struct cni_conf *,
		   struct cni_err *);
	enum cni_version since;
} commands[] = {
	{ "ADD", cni_cmd_add, CNI_V030 },
	{ "DEL", cni_cmd_del, CNI_V030 },
	{ "CHECK", cni_cmd_check, CNI_V040 },
	{ "STATUS", cni_cmd_status, CNI_V110 },
	{ "GC", cni_cmd_gc, CNI_V110 },
};

int main(void)
{
	struct cni_env env = {
		.command = getenv("CNI_COMMAND"),
		.containerid = getenv("CNI_CONTAINERID"),
		.netns = getenv("CNI_NETNS"),
		.ifname = getenv("CNI_IFNAME"),
		.args = getenv("CNI_ARGS"),
		.path = getenv("CNI_PATH"),
	};
	struct cni_conf conf = { 0 };
	struct cni_err e = { 0 };
	const char *version = "1.1.0";
	char *text = NULL;
	size_t i;
	int ret;

	if (!env.command || !*env.command) {
		cni_fail(&e, CNI_ERR_ENV, "CNI_COMMAND is not set");
		return print_error(&e, version);
	}
	if (!strcmp(env.command, "VERSION"))
		return cmd_version();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(env.command, commands[i].name))
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		cni_fail(&e, CNI_ERR_ENV, "unknown CNI_COMMAND \"%s\" (ADD, "
			 "DEL, CHECK, STATUS, GC or VERSION)", env.command);
		return print_error(&e, version);
	}
	if (check_env(&env, &e))
		return print_error(&e, version);
	text = read_stdin();
	if (!text) {
		cni_fail(&e, CNI_ERR_IO, "cannot read the network "
			 "configuration from stdin");
		return print_error(&e, version);
	}
	ret = cni_conf_parse(text, &env, &conf, &e);
	free(text);
	if (!ret && conf.version < commands[i].since)
		ret = cni_fail(&e, CNI_ERR_VERSION, "%s is not part of CNI "
			       "%s (it came with %s)", env.command,
			       conf.version_str,
			       cni_versions[commands[i].since]);
	if (conf.version_str && cni_version_parse(conf.version_str) >= 0)
		version = conf.version_str;
	if (!ret)
		ret = commands[i].run(&env, &conf, &e);
	if (ret)
		print_error(&e, version);
	cni_conf_free(&conf);
	json_decref(e.raw);
	return ret ? 1 : 0;
}
