// SPDX-License-Identifier: GPL-2.0
/*
 * weftd: the weft agent.
 *
 *   weftd [--detach] [--pidfile[=FILE]] [--socket=PATH] [--conf=PATH]
 *         [--log-level=LEVEL] [-v] [-V] [-h]
 *
 * This file only parses options and orders the components; each one lives
 * in agent/lib and says what it does at its top.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "weft/bridge.h"
#include "weft/ct_netlink.h"
#include "weft/daemon.h"
#include "weft/ofproto.h"
#include "weft/ovn_pinctrl.h"
#include "weft/ovsdb_ssl.h"
#include "weft/vlog.h"

#include "process.h"

WFT_LOG_MODULE(weftd);

#define WEFT_VERSION		"0.1.0"
#define DEFAULT_PIDFILE		"/run/weft/weftd.pid"

/* Started in this order, stopped in the reverse one. */
static const struct wft_component *const components[] = {
	&wft_appctl_component,	/* list-commands, version, exit, vlog/... */
	&wft_conf_component,	/* conf.json and vsctl/transact */
	&wft_bridge_component,	/* the datapath, its ports, their ofports */
	&wft_ofproto_component,	/* bridges' pipelines, ofctl/, ofproto/trace */
	&wft_udpif_component,	/* upcall handlers, revalidator, dpif/ */
	&wft_ovn_pinctrl_component, /* OVN's controller actions */
	&wft_ct_component,	/* dpctl/dump-conntrack, ... (nf_conntrack) */
	&wft_ovn_component,	/* the OVN chassis (system-id, ovn-remote) */
	&wft_listen_component,	/* the control socket, once all is ready */
};

struct options {
	bool detach;
	const char *pidfile;
	const char *socket;
	const char *conf;
	const char *ssl[3];	/* private key, certificate, CA cert */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: weftd [OPTIONS]\n"
		"\n"
		"  --detach              run in the background, once ready\n"
		"  --pidfile[=FILE]      write the pid to FILE (default %s)\n"
		"  --socket=PATH         the control socket (default %s);\n"
		"  --unixctl=PATH          the same, by its OVS name\n"
		"  --conf=PATH           the configuration (default %s)\n"
		"  -p, --private-key=FILE  TLS files for ssl: ovn-remotes,\n"
		"  -c, --certificate=FILE    used when the configuration has no\n"
		"  -C, --ca-cert=FILE        SSL row (weft-vsctl set-ssl)\n"
		"  --log-level=LEVEL     console level of every module: off, "
		"emer, err,\n"
		"                          warn, info (default), dbg\n"
		"  -v, --verbose         the same as --log-level=dbg\n"
		"  -V, --version         print the version and exit\n"
		"  -h, --help            print this help and exit\n",
		DEFAULT_PIDFILE, WFT_DEFAULT_SOCKET, WFT_DEFAULT_CONF);
}

static void set_console_level(const char *name)
{
	int level = wft_log_level_from_name(name);

	if (level < 0) {
		fprintf(stderr, "weftd: unknown log level \"%s\"\n", name);
		exit(1);
	}
	wft_log_set_all(WFT_LD_CONSOLE, level);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_DETACH = 256, OPT_PIDFILE, OPT_SOCKET, OPT_CONF,
	       OPT_LOG_LEVEL };
	static const struct option longopts[] = {
		{ "detach", no_argument, NULL, OPT_DETACH },
		{ "pidfile", optional_argument, NULL, OPT_PIDFILE },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "unixctl", required_argument, NULL, OPT_SOCKET },
		{ "conf", required_argument, NULL, OPT_CONF },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "private-key", required_argument, NULL, 'p' },
		{ "certificate", required_argument, NULL, 'c' },
		{ "ca-cert", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "vVhp:c:C:", longopts,
				NULL)) != -1) {
		switch (c) {
		case OPT_DETACH:
			o->detach = true;
			break;
		case OPT_PIDFILE:
			o->pidfile = optarg ? optarg : DEFAULT_PIDFILE;
			break;
		case OPT_SOCKET:
			o->socket = optarg;
			break;
		case OPT_CONF:
			o->conf = optarg;
			break;
		case OPT_LOG_LEVEL:
			set_console_level(optarg);
			break;
		case 'p':
			o->ssl[0] = optarg;
			break;
		case 'c':
			o->ssl[1] = optarg;
			break;
		case 'C':
			o->ssl[2] = optarg;
			break;
		case 'v':
			set_console_level("dbg");
			break;
		case 'V':
			printf("weftd (weft) %s\n", WEFT_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(1);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "weftd: unexpected argument \"%s\"\n",
			argv[optind]);
		exit(1);
	}
}

/* Each client is a descriptor: take all the kernel allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int run(const struct options *o, void *dp_ctx)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_daemon_config cfg = {
		.socket_path = o->socket,
		.conf_path = o->conf,
		.dp_ops = &wft_dp_ops_netlink,
		.dp_ctx = dp_ctx,
		.handle_signals = true,
		.version = WEFT_VERSION,
	};
	struct wft_daemon *d;
	int status;

	if (wft_daemon_start(&cfg, components,
			     sizeof(components) / sizeof(components[0]), &d,
			     &err)) {
		fprintf(stderr, "weftd: %s\n", wft_strbuf_cstr(&err));
		wft_err("%s", wft_strbuf_cstr(&err));
		wft_strbuf_free(&err);
		return 1;
	}
	wft_info("weftd %s ready", WEFT_VERSION);
	process_ready();
	status = wft_daemon_run(d);
	process_stopping();
	wft_daemon_stop(d);
	wft_info("weftd exits");
	return status;
}

int main(int argc, char **argv)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct options o = { 0 };
	void *dp_ctx;
	int status;

	parse_options(argc, argv, &o);
	wft_ssl_set_files(WFT_SSL_CMDLINE, o.ssl[0], o.ssl[1], o.ssl[2]);
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	if (o.detach) {
		wft_log_open_syslog("weftd");
		wft_log_set_all(WFT_LD_SYSLOG, WFT_LL_INFO);
		if (process_detach(&err))
			goto fail;
	}
	if (o.pidfile && process_pidfile_create(o.pidfile, &err))
		goto fail;
	dp_ctx = wft_dp_netlink_new();
	status = run(&o, dp_ctx);
	wft_dp_netlink_free(dp_ctx);
	if (o.pidfile)
		process_pidfile_remove(o.pidfile);
	wft_ssl_cleanup();
	return status;
fail:
	fprintf(stderr, "weftd: %s\n", wft_strbuf_cstr(&err));
	wft_strbuf_free(&err);
	return 1;
}
