// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for weft-cni's front door, on the host (no weftd, no module):
 * build/weft-cni is run as a runtime runs it (CNI_* variables, the
 * configuration on stdin) and its stdout must be the spec's error object
 * with the right code and a message naming the mistake; VERSION lists the
 * versions; with no weftd, ADD/DEL say "try again later" (11) and STATUS
 * "not available" (50). Also the address parser of weft/cni_link.h.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <jansson.h>

#include "weft/cni_link.h"

static char plugin[PATH_MAX];

/* build/tests/unit/check_cni -> build/weft-cni */
static void find_plugin(void)
{
	char self[PATH_MAX - 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	slash = strrchr(self, '/');
	*slash = '\0';
	snprintf(plugin, sizeof(plugin), "%s/../../weft-cni", self);
}

#define BASE "\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"weft-cni\""

/* Runs weft-cni with @env (NULL-terminated "K=V"s) and @conf on stdin;
 * returns the parsed stdout, *@status its exit status. */
static json_t *run(const char *const *env, const char *conf, int *status)
{
	char *argv[] = { plugin, NULL }, out[8192];
	posix_spawn_file_actions_t fa;
	int in[2], o[2], st;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (!plugin[0])
		find_plugin();
	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(o), 0);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, o[1], 1);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	posix_spawn_file_actions_addclose(&fa, o[0]);
	ck_assert_int_eq(posix_spawn(&pid, plugin, &fa, NULL, argv,
				     (char **)env), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(o[1]);
	/* The plugin may answer without reading (VERSION, a bad
	 * environment): no SIGPIPE for that. */
	signal(SIGPIPE, SIG_IGN);
	if (write(in[1], conf, strlen(conf)) < 0)
		ck_assert_int_eq(errno, EPIPE);
	close(in[1]);
	while ((n = read(o[0], out + len, sizeof(out) - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	close(o[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return json_loads(out, 0, NULL);
}

static void expect(const char *const *env, const char *conf, int code,
		   const char *needle)
{
	int status;
	json_t *j = run(env, conf, &status);
	const char *msg;

	ck_assert_msg(j, "no JSON on stdout for %s", conf);
	ck_assert_int_eq(status, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "code")), code);
	msg = json_string_value(json_object_get(j, "msg"));
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, needle), "\"%s\" lacks \"%s\"", msg, needle);
	ck_assert_ptr_nonnull(json_object_get(j, "cniVersion"));
	json_decref(j);
}

#define ADD_ENV(...)							\
	((const char *const[]){ "CNI_COMMAND=ADD", "CNI_CONTAINERID=c1", \
	  "CNI_NETNS=/proc/self/ns/net", "CNI_IFNAME=eth0",		\
	  "CNI_PATH=/nonexistent", "WEFT_SOCKET=/nonexistent/weftd.sock", \
	  __VA_ARGS__ NULL })

START_TEST(test_version)
{
	const char *env[] = { "CNI_COMMAND=VERSION", NULL };
	json_t *j, *v;
	int status;

	j = run(env, "{\"cniVersion\":\"1.1.0\"}", &status);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(json_string_value(json_object_get(j, "cniVersion")),
			 "1.1.0");
	v = json_object_get(j, "supportedVersions");
	ck_assert_int_eq(json_array_size(v), 5);
	ck_assert_str_eq(json_string_value(json_array_get(v, 0)), "0.3.0");
	ck_assert_str_eq(json_string_value(json_array_get(v, 4)), "1.1.0");
	json_decref(j);
}
END_TEST

START_TEST(test_env_errors)
{
	const char *no_cmd[] = { "CNI_CONTAINERID=c1", NULL };
	const char *bad_cmd[] = { "CNI_COMMAND=FROB", NULL };
	const char *no_id[] = { "CNI_COMMAND=ADD", "CNI_NETNS=/x",
				"CNI_IFNAME=eth0", "CNI_PATH=/x", NULL };
	const char *bad_id[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=-x",
				 "CNI_IFNAME=eth0", "CNI_PATH=/x", NULL };
	const char *long_if[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=x",
				  "CNI_IFNAME=abcdefghijklmnop",
				  "CNI_PATH=/x", NULL };
	const char *no_ns[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=x",
				"CNI_IFNAME=eth0", "CNI_PATH=/x", NULL };
	const char *no_path[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=x",
				  "CNI_IFNAME=eth0", NULL };

	expect(no_cmd, "{" BASE "}", 4, "CNI_COMMAND is not set");
	expect(bad_cmd, "{" BASE "}", 4, "unknown CNI_COMMAND \"FROB\"");
	expect(no_id, "{" BASE "}", 4, "CNI_CONTAINERID is required");
	expect(bad_id, "{" BASE "}", 4, "CNI_CONTAINERID \"-x\" is not valid");
	expect(long_if, "{" BASE "}", 4, "not a valid interface name");
	expect(no_ns, "{" BASE "}", 4, "CNI_NETNS is required");
	expect(no_path, "{" BASE "}", 4, "CNI_PATH is required");
}
END_TEST

START_TEST(test_config_errors)
{
	expect(ADD_ENV(), "{" BASE, 6, "not valid JSON");
	expect(ADD_ENV(), "[1]", 6, "not a JSON object");
	expect(ADD_ENV(), "{\"name\":\"n\"}", 7, "\"cniVersion\" is missing");
	expect(ADD_ENV(), "{\"cniVersion\":\"2.0.0\",\"name\":\"n\"}", 1,
	       "cniVersion \"2.0.0\" is not supported");
	expect(ADD_ENV(), "{\"cniVersion\":\"1.1.0\"}", 7,
	       "\"name\" is missing");
	expect(ADD_ENV(), "{" BASE ",\"vlan\":4095}", 7, "\"vlan\"");
	expect(ADD_ENV(), "{" BASE ",\"vlan\":\"10\"}", 7, "\"vlan\"");
	expect(ADD_ENV(), "{" BASE ",\"trunk\":[0]}", 7, "VLAN 0 is not");
	expect(ADD_ENV(), "{" BASE ",\"trunk\":[\"30-10\"]}", 7, "\"trunk\"");
	expect(ADD_ENV(), "{" BASE ",\"trunk\":[\"x\"]}", 7,
	       "\"x\" is not a VLAN id");
	expect(ADD_ENV(), "{" BASE ",\"trunk\":5}", 7, "must be a list");
	expect(ADD_ENV(), "{" BASE ",\"mtu\":10}", 7, "\"mtu\"");
	expect(ADD_ENV(), "{" BASE ",\"mac\":\"03:00:00:00:00:01\"}", 7,
	       "not a unicast");
	expect(ADD_ENV(), "{" BASE ",\"mac\":\"zz\"}", 7, "MAC address");
	expect(ADD_ENV(), "{" BASE ",\"bridge\":\"\"}", 7, "\"bridge\"");
	expect(ADD_ENV(), "{" BASE ",\"ovn\":true}", 7, "\"ovnPort\" or "
	       "K8S_POD_NAMESPACE");
	expect(ADD_ENV(), "{" BASE ",\"ovn\":1}", 7, "\"ovn\" must be");
	expect(ADD_ENV(), "{" BASE ",\"ovn\":true,\"ovnPort\":\"p\","
	       "\"ovnSubnets\":[\"10.1.0.0\"]}", 7, "\"ovnSubnets\"");
	expect(ADD_ENV(), "{" BASE ",\"ovn\":true,\"ovnPort\":\"p\","
	       "\"ovnSubnets\":\"10.1.0.0/24\"}", 7, "\"ovnSubnets\"");
	expect(ADD_ENV(), "{" BASE ",\"ipam\":{\"dataDir\":\"/x\"}}", 7,
	       "\"ipam\" needs a \"type\"");
	expect(ADD_ENV("CNI_ARGS=MAC=01:02:03:04:05:06",),
	       "{" BASE ",\"mac\":\"02:00:00:00:00:01\"}", 7,
	       "\"01:02:03:04:05:06\"");
	expect(ADD_ENV(), "{" BASE ",\"runtimeConfig\":{\"mac\":\"ff:ff:ff:"
	       "ff:ff:ff\"}}", 7, "ff:ff:ff:ff:ff:ff");
}
END_TEST

START_TEST(test_version_gates)
{
	const char *check[] = { "CNI_COMMAND=CHECK", "CNI_CONTAINERID=c",
				"CNI_NETNS=/x", "CNI_IFNAME=eth0",
				"CNI_PATH=/x", NULL };
	const char *gc[] = { "CNI_COMMAND=GC", "CNI_PATH=/x", NULL };
	const char *status[] = { "CNI_COMMAND=STATUS", NULL };

	expect(check, "{\"cniVersion\":\"0.3.1\",\"name\":\"n\"}", 1,
	       "CHECK is not part of CNI 0.3.1");
	expect(gc, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\","
	       "\"cni.dev/valid-attachments\":[]}", 1,
	       "GC is not part of CNI 1.0.0");
	expect(status, "{\"cniVersion\":\"0.4.0\",\"name\":\"n\"}", 1,
	       "STATUS is not part of CNI 0.4.0");
	expect(gc, "{" BASE "}", 7, "valid-attachments");
}
END_TEST

START_TEST(test_weftd_absent)
{
	const char *status[] = { "CNI_COMMAND=STATUS",
				 "WEFT_SOCKET=/nonexistent/weftd.sock", NULL };
	const char *del[] = { "CNI_COMMAND=DEL", "CNI_CONTAINERID=c1",
			      "CNI_IFNAME=eth0", "CNI_PATH=/x",
			      "WEFT_SOCKET=/nonexistent/weftd.sock", NULL };
	const char *nons[] = { "CNI_COMMAND=ADD", "CNI_CONTAINERID=c1",
			       "CNI_NETNS=/nonexistent/ns", "CNI_IFNAME=eth0",
			       "CNI_PATH=/x", NULL };

	expect(ADD_ENV(), "{" BASE "}", 11, "weftd is not answering on "
	       "/nonexistent/weftd.sock");
	expect(status, "{" BASE "}", 50, "weftd is not answering");
	expect(del, "{" BASE "}", 11, "weftd is not answering");
	expect(nons, "{" BASE "}", 105, "cannot open network namespace "
	       "/nonexistent/ns");
	/* The socket in the configuration wins over WEFT_SOCKET. */
	expect(ADD_ENV(), "{" BASE ",\"socket\":\"/nonexistent/other\"}", 11,
	       "/nonexistent/other");
}
END_TEST

START_TEST(test_addr_parse)
{
	struct wft_cni_addr a;

	ck_assert_int_eq(wft_cni_addr_parse("10.1.2.3/24", true, &a), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_int_eq(a.prefix, 24);
	ck_assert_int_eq(a.addr[3], 3);
	ck_assert_int_eq(wft_cni_addr_parse("fd00::1/64", true, &a), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(a.prefix, 64);
	ck_assert_int_eq(wft_cni_addr_parse("0.0.0.0/0", true, &a), 0);
	ck_assert_int_eq(a.prefix, 0);
	ck_assert_int_eq(wft_cni_addr_parse("10.1.2.3", false, &a), 0);
	ck_assert_int_eq(a.prefix, -1);
	ck_assert_int_eq(wft_cni_addr_parse("10.1.2.3", true, &a), -EINVAL);
	ck_assert_int_eq(wft_cni_addr_parse("10.1.2.3/33", true, &a), -EINVAL);
	ck_assert_int_eq(wft_cni_addr_parse("10.1.2.3/", true, &a), -EINVAL);
	ck_assert_int_eq(wft_cni_addr_parse("fd00::1/129", true, &a), -EINVAL);
	ck_assert_int_eq(wft_cni_addr_parse("host/8", true, &a), -EINVAL);
}
END_TEST

static bool addr_in(const char *ip, const char *net)
{
	struct wft_cni_addr a, n;

	ck_assert_int_eq(wft_cni_addr_parse(ip, false, &a), 0);
	ck_assert_int_eq(wft_cni_addr_parse(net, true, &n), 0);
	return wft_cni_addr_in(&a, &n);
}

/* OVN mode takes a pod address's prefix from the network holding it. */
START_TEST(test_addr_in)
{
	ck_assert(addr_in("10.1.0.10", "10.1.0.1/24"));
	ck_assert(!addr_in("10.1.1.10", "10.1.0.1/24"));
	ck_assert(addr_in("10.1.0.130", "10.1.0.129/25"));
	ck_assert(!addr_in("10.1.0.10", "10.1.0.129/25"));
	ck_assert(addr_in("10.1.7.1", "10.1.0.0/21"));
	ck_assert(!addr_in("10.1.8.1", "10.1.0.0/21"));
	ck_assert(addr_in("192.0.2.1", "0.0.0.0/0"));
	ck_assert(addr_in("10.0.0.1", "10.0.0.1/32"));
	ck_assert(!addr_in("10.0.0.2", "10.0.0.1/32"));
	ck_assert(addr_in("fd00:1::5", "fd00:1::1/64"));
	ck_assert(!addr_in("fd00:2::5", "fd00:1::1/64"));
	ck_assert(!addr_in("10.1.0.10", "fd00:1::1/64"));
}
END_TEST

static Suite *cni_suite(void)
{
	Suite *s = suite_create("cni");
	TCase *tc = tcase_create("cni");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_env_errors);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_version_gates);
	tcase_add_test(tc, test_weftd_absent);
	tcase_add_test(tc, test_addr_parse);
	tcase_add_test(tc, test_addr_in);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cni_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
