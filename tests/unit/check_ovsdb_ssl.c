// SPDX-License-Identifier: GPL-2.0
/*
 * weft's OVSDB client over ssl: remotes, against the real ovsdb-server
 * (--remote=pssl:, mutual TLS) with OVN's Southbound schema, on the host.
 * Two CAs made with openssl at test time (EC keys: fast):
 *  - the replica syncs over ssl and equals `ovsdb-client dump`, echo
 *    probes are answered, the server killed and restarted on the same
 *    port: the client reconnects and resyncs;
 *  - a server whose certificate another CA signed is refused, with the
 *    remote and OpenSSL's verification error in the message; a server
 *    that refuses our certificate ends the session too;
 *  - a missing private key file: a clear error naming it; once the file
 *    is there, the next attempt reads it and connects;
 *  - a server that accepts TCP but never answers the handshake: the
 *    attempt ends after two probe intervals, and again on retry.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include "ovsdb_server_env.h"
#include "weft/ovsdb_ssl.h"

/* Makes CA @ca (once) and a certificate @name signed by it, in dir. */
static void make_cert(const char *ca, const char *name)
{
	const char *ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
			 "-nodes";

	sh("[ -f %s-cert.pem ] || openssl req -x509 %s -keyout %s-key.pem "
	   "-out %s-cert.pem -days 2 -subj /CN=%s", ca, ec, ca, ca, ca);
	sh("openssl req %s -keyout %s-key.pem -out %s-req.pem -subj /CN=%s",
	   ec, name, name, name);
	sh("openssl x509 -req -in %s-req.pem -CA %s-cert.pem -CAkey "
	   "%s-key.pem -CAcreateserial -out %s-cert.pem -days 2", name, ca, ca,
	   name);
}

/* ovsdb-server on pssl:@port (0: any) with @name's key signed by
 * @ca's, trusting @trust; returns the port it listens on. */
static int ssl_server_start(const char *name, const char *trust, int port)
{
	char extra[1024];
	char *p;
	int n;

	snprintf(extra, sizeof(extra), "--remote=pssl:%d:127.0.0.1 "
		 "--private-key=%s-key.pem --certificate=%s-cert.pem "
		 "--ca-cert=%s-cert.pem", port, name, name, trust);
	server_start("sb", "sb.db", extra);
	if (port)
		return port;
	p = sh_out("for i in $(seq 50); do p=$(sed -n 's/.*listening on "
		   "port \\([0-9]*\\).*/\\1/p' sb.log | tail -1); "
		   "[ -n \"$p\" ] && echo $p && break; sleep 0.1; done");
	n = atoi(p);
	free(p);
	ck_assert_int_gt(n, 0);
	return n;
}

static void client_files(const char *name, const char *ca)
{
	char k[PATH_MAX + 32], c[PATH_MAX + 32], a[PATH_MAX + 32];

	snprintf(k, sizeof(k), "%s/%s-key.pem", dir, name);
	snprintf(c, sizeof(c), "%s/%s-cert.pem", dir, name);
	snprintf(a, sizeof(a), "%s/%s-cert.pem", dir, ca);
	wft_ssl_set_files(WFT_SSL_CMDLINE, k, c, a);
}

static void open_client(struct env *e, const char *remote, int probe_ms)
{
	struct wft_ovsdb_client_opts opts = {
		.remotes = remote, .db = SB, .probe_ms = probe_ms,
		.backoff_min_ms = 100, .backoff_max_ms = 200,
		.on_update = on_update,
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;

	memset(e, 0, sizeof(*e));
	opts.aux = e;
	ck_assert_int_eq(wft_loop_new(&e->loop), 0);
	ck_assert_msg(!wft_ovsdb_client_new(e->loop, &opts, &e->c, &err),
		      "%s", wft_strbuf_cstr(&err));
	wft_strbuf_free(&err);
}

static bool has_error(struct env *e)
{
	return *wft_ovsdb_client_last_error(e->c) != 0;
}

/* Runs the loop for @ms. */
static void idle(struct env *e, int ms)
{
	uint64_t end = wft_loop_now() + (uint64_t)ms;

	while (wft_loop_now() < end)
		wft_loop_run_once(e->loop, 20);
}

START_TEST(test_ssl_sync_restart)
{
	char remote[64];
	const char *db;
	struct env e;
	int port;

	test_dir("sync");
	make_cert("ca", "server");
	make_cert("ca", "client");
	sh("ovsdb-tool create sb.db " SB_SCHEMA);
	port = ssl_server_start("server", "ca", 0);
	db = unix_remote(0, "sb");
	dump_remote = db;
	sh(SBCTL "chassis-add hv1 geneve 192.0.2.1", db);
	client_files("client", "ca");
	snprintf(remote, sizeof(remote), "ssl:127.0.0.1:%d", port);
	open_client(&e, remote, 250);
	assert_synced(&e, "ssl");
	/* Two seconds of silence: echo probes, all answered. */
	idle(&e, 2000);
	ck_assert_msg(is_active(&e), "%s", wft_ovsdb_client_last_error(e.c));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 1);
	sh(SBCTL "chassis-add hv2 geneve 192.0.2.2", db);
	assert_synced(&e, "ssl, later");

	/* Killed, changed offline, restarted on the same port. */
	server_kill("sb", SIGKILL);
	ck_assert(run_until(&e, is_down, 5000));
	sh("ovsdb-tool transact sb.db '[\"" SB "\", {\"op\": \"delete\", "
	   "\"table\": \"Chassis\", \"where\": [[\"name\", \"==\", "
	   "\"hv1\"]]}]'");
	ssl_server_start("server", "ca", port);
	assert_synced(&e, "ssl, after the restart");
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 2);
	ck_assert_ptr_null(chassis(&e, "hv1"));
	env_close(&e);
	wft_ssl_cleanup();
}
END_TEST

START_TEST(test_ssl_untrusted)
{
	char remote[64];
	const char *err;
	struct env e;
	int port;

	test_dir("untrusted");
	make_cert("ca", "client");
	make_cert("rogue", "server");
	sh("ovsdb-tool create sb.db " SB_SCHEMA);
	/* The server trusts our CA, but its own certificate is the rogue
	 * CA's. */
	port = ssl_server_start("server", "ca", 0);
	client_files("client", "ca");
	snprintf(remote, sizeof(remote), "ssl:127.0.0.1:%d", port);
	open_client(&e, remote, -1);
	ck_assert(run_until(&e, has_error, 5000));
	err = wft_ovsdb_client_last_error(e.c);
	ck_assert_msg(strstr(err, remote) &&
		      strstr(err, "certificate is not trusted: unable to get "
			     "local issuer certificate"), "%s", err);
	idle(&e, 500);
	ck_assert(!is_active(&e));
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 0);
	env_close(&e);

	/* Now we are the stranger: the server has a certificate of the CA
	 * we trust, but trusts only the rogue CA. */
	server_kill("sb", SIGKILL);
	make_cert("ca", "server2");
	port = ssl_server_start("server2", "rogue", 0);
	snprintf(remote, sizeof(remote), "ssl:127.0.0.1:%d", port);
	open_client(&e, remote, -1);
	ck_assert(run_until(&e, has_error, 5000));
	idle(&e, 500);
	err = wft_ovsdb_client_last_error(e.c);
	/* Under TLS 1.3 the client's handshake ends before the server has
	 * checked the client's certificate: its alert comes back on the
	 * next read or write, whichever the client happens to be doing. */
	ck_assert_msg(strstr(err, remote) &&
		      (strstr(err, "read: TLS: ") || strstr(err, "write: TLS: ")) &&
		      strstr(err, "TLS: the server sent the TLS alert "
			     "\"unknown CA\""), "%s", err);
	ck_assert(!is_active(&e));
	env_close(&e);
	wft_ssl_cleanup();
}
END_TEST

START_TEST(test_ssl_missing_key)
{
	char remote[64];
	const char *err;
	struct env e;
	int port;

	test_dir("missing");
	make_cert("ca", "server");
	make_cert("ca", "client");
	sh("ovsdb-tool create sb.db " SB_SCHEMA);
	port = ssl_server_start("server", "ca", 0);
	dump_remote = unix_remote(0, "sb");
	sh("mv client-key.pem client-key.later");
	client_files("client", "ca");
	snprintf(remote, sizeof(remote), "ssl:127.0.0.1:%d", port);
	open_client(&e, remote, -1);
	ck_assert(run_until(&e, has_error, 5000));
	err = wft_ovsdb_client_last_error(e.c);
	ck_assert_msg(strstr(err, remote) && strstr(err, "private key ") &&
		      strstr(err, "/client-key.pem: No such file or "
			     "directory"), "%s", err);
	idle(&e, 300);
	ck_assert(!is_active(&e));
	/* The key appears: the next attempt reads it. */
	sh("mv client-key.later client-key.pem");
	assert_synced(&e, "ssl, once the key is there");
	env_close(&e);
	wft_ssl_cleanup();
}
END_TEST

START_TEST(test_ssl_silent_server)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	char remote[64];
	const char *err;
	struct env e;
	int fd;

	test_dir("silent");
	make_cert("ca", "client");
	client_files("client", "ca");
	/* Listens, never accepts: the kernel completes TCP's handshake and
	 * nobody answers TLS's. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(fd, 8), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	snprintf(remote, sizeof(remote), "ssl:127.0.0.1:%d",
		 ntohs(sin.sin_port));
	open_client(&e, remote, 200);
	ck_assert(run_until(&e, has_error, 2000));
	err = wft_ovsdb_client_last_error(e.c);
	ck_assert_msg(strstr(err, remote) &&
		      strstr(err, "connect: no answer within 400 ms"), "%s",
		      err);
	/* And again on the next attempts. */
	idle(&e, 1500);
	ck_assert_int_ge(wft_ovsdb_client_stats(e.c)->attempts, 2);
	ck_assert_int_eq(wft_ovsdb_client_stats(e.c)->connects, 0);
	env_close(&e);
	close(fd);
	wft_ssl_cleanup();
}
END_TEST

static Suite *ovsdb_ssl_suite(void)
{
	Suite *s = suite_create("ovsdb_ssl");
	TCase *tc = tcase_create("ssl");

	tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
	tcase_add_test(tc, test_ssl_sync_restart);
	tcase_add_test(tc, test_ssl_untrusted);
	tcase_add_test(tc, test_ssl_missing_key);
	tcase_add_test(tc, test_ssl_silent_server);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ovsdb_ssl_suite());
	int failed;

	/* OpenSSL writes with write(): a server that went away must give
	 * EPIPE, not kill us (weftd ignores SIGPIPE too). */
	signal(SIGPIPE, SIG_IGN);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
