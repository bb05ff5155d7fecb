// SPDX-License-Identifier: GPL-2.0
/*
 * IPAM delegation, as libcni's delegate calls do it: the plugin named by
 * ipam.type is looked up in CNI_PATH and run with the caller's environment
 * and the same network configuration on stdin; its stdout is its result or
 * its error object, which is passed on unchanged.
 *
 * A 1.1.0 configuration goes to the IPAM plugin as 1.0.0: the result
 * layout of ADD is the same in both, and the IPAM plugins that exist today
 * (Debian ships containernetworking-plugins 1.1.1) stop at 1.0.0.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cni.h"

extern char **environ;

static char *find_plugin(const char *path, const char *type)
{
	const char *p = path, *end;
	char *full;

	while (*p) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if (end > p && asprintf(&full, "%.*s/%s", (int)(end - p), p,
					type) >= 0) {
			if (!access(full, X_OK))
				return full;
			free(full);
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

/* environ, with CNI_COMMAND, CNI_CONTAINERID and CNI_IFNAME replaced. */
static char **make_env(const char *command, const char *containerid,
		       const char *ifname)
{
	size_t n = 0, k = 0, i;
	char **env;

	while (environ[n])
		n++;
	env = calloc(n + 4, sizeof(*env));
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "CNI_COMMAND=", 12) &&
		    strncmp(environ[i], "CNI_CONTAINERID=", 16) &&
		    strncmp(environ[i], "CNI_IFNAME=", 11))
			env[k++] = strdup(environ[i]);
	if (asprintf(&env[k++], "CNI_COMMAND=%s", command) < 0 ||
	    asprintf(&env[k++], "CNI_CONTAINERID=%s", containerid ?: "") < 0 ||
	    asprintf(&env[k++], "CNI_IFNAME=%s", ifname ?: "") < 0)
		abort();
	return env;
}

static void free_env(char **env)
{
	size_t i;

	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

static char *config_for_ipam(const struct cni_conf *c)
{
	json_t *copy = json_deep_copy(c->root);
	json_t *prev = json_object_get(copy, "prevResult");
	char *s;

	/* prevResult too: plugins refuse one newer than their config. */
	if (c->version == CNI_V110) {
		json_object_set_new(copy, "cniVersion", json_string("1.0.0"));
		if (json_is_object(prev))
			json_object_set_new(prev, "cniVersion",
					    json_string("1.0.0"));
	}
	json_object_del(copy, "cni.dev/valid-attachments");
	s = json_dumps(copy, JSON_COMPACT);
	json_decref(copy);
	return s;
}

/* Runs @plugin with @input on stdin; its stdout in *@out (malloc()ed). */
static int run(const char *plugin, char **env, const char *input,
	       char **out, int *status, struct cni_err *e)
{
	int in[2], outp[2], ret;
	posix_spawn_file_actions_t fa;
	size_t len = 0, cap = 4096;
	char *argv[] = { (char *)plugin, NULL };
	pid_t pid;
	ssize_t n;

	if (pipe2(in, O_CLOEXEC) || pipe2(outp, O_CLOEXEC))
		return cni_fail(e, CNI_ERR_IPAM, "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	ret = posix_spawn(&pid, plugin, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(outp[1]);
	if (ret) {
		close(in[1]);
		close(outp[0]);
		return cni_fail(e, CNI_ERR_IPAM, "cannot run %s: %s", plugin,
				strerror(ret));
	}
	/* A configuration is far smaller than a pipe's buffer, but write
	 * it all whatever its size before reading the answer. */
	for (len = strlen(input); len; len -= n, input += n) {
		n = write(in[1], input, len);
		if (n < 0 && errno == EINTR)
			n = 0;
		else if (n < 0)
			break;
	}
	close(in[1]);
	*out = malloc(cap);
	len = 0;
	for (;;) {
		if (len + 1 >= cap)
			*out = realloc(*out, cap *= 2);
		n = read(outp[0], *out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	(*out)[len] = '\0';
	close(outp[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

int cni_ipam_exec(const struct cni_conf *c, const struct cni_env *env,
		  const char *command, const char *containerid,
		  const char *ifname, json_t **result, struct cni_err *e)
{
	char *plugin, **penv, *input, *out = NULL;
	json_t *j;
	int status = 0, ret;

	if (result)
		*result = NULL;
	plugin = find_plugin(env->path ?: "", c->ipam_type);
	if (!plugin)
		return cni_fail(e, CNI_ERR_CONFIG, "IPAM plugin \"%s\" is not "
				"in CNI_PATH (%s)", c->ipam_type,
				env->path ?: "");
	penv = make_env(command, containerid ?: env->containerid,
			ifname ?: env->ifname);
	input = config_for_ipam(c);
	ret = run(plugin, penv, input, &out, &status, e);
	free(input);
	free_env(penv);
	if (ret) {
		free(plugin);
		return ret;
	}
	j = json_loads(out, 0, NULL);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		if (json_is_object(j) && json_object_get(j, "code")) {
			/* Its own error object, passed on as libcni does. */
			e->code = json_integer_value(json_object_get(j,
								     "code"));
			snprintf(e->msg, sizeof(e->msg), "%s",
				 json_string_value(json_object_get(j, "msg"))
				 ?: "");
			json_object_set_new(j, "cniVersion",
					    json_string(c->version_str));
			e->raw = j;
			j = NULL;
			ret = -1;
		} else {
			ret = cni_fail(e, CNI_ERR_IPAM, "IPAM plugin %s %s "
				       "failed (status %d): %.200s",
				       c->ipam_type, command, status, out);
		}
	} else if (result) {
		if (!json_is_object(j))
			ret = cni_fail(e, CNI_ERR_IPAM, "IPAM plugin %s "
				       "returned no result: %.200s",
				       c->ipam_type, out);
		else
			*result = json_incref(j);
	}
	json_decref(j);
	free(out);
	free(plugin);
	return ret;
}
