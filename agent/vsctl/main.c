// SPDX-License-Identifier: GPL-2.0
/*
 * weft-vsctl: configure weftd with ovs-vsctl's grammar.
 *
 *   weft-vsctl [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND [ARG...]]...
 *
 * The whole command line is checked here, then sent to weftd as one
 * "vsctl/transact" call; weftd runs it as one transaction and returns
 * each command's output, printed here as ovs-vsctl prints it.
 *
 * Exit status: 0, 1 on any error, 2 for br-exists of a missing bridge.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/cli_serve.h"
#include "weft/daemon.h"
#include "weft/jsonrpc.h"
#include "weft/vsctl.h"

#define WEFT_VERSION	"0.1.0"

static int fail(const char *msg)
{
	fprintf(stderr, "weft-vsctl: %s\n", msg);
	return 1;
}

/* --oneline: each command's output on one line, newlines as "\n". */
static void print_oneline(const char *s)
{
	size_t len = strlen(s);

	if (len && s[len - 1] == '\n')
		len--;
	for (; len; s++, len--) {
		if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*s);
	}
	putchar('\n');
}

static int print_outputs(const json_t *result, bool oneline)
{
	json_t *outputs = json_object_get(result, "outputs"), *o;
	size_t i;

	if (!json_is_array(outputs))
		return fail("weftd sent a result without \"outputs\"");
	json_array_foreach(outputs, i, o) {
		if (oneline)
			print_oneline(json_string_value(o) ?: "");
		else
			fputs(json_string_value(o) ?: "", stdout);
	}
	return 0;
}

static int server_error(const struct wft_jsonrpc_error *e)
{
	json_t *st = json_object_get(e->data, "exit_status");

	if (json_is_integer(st)) {
		if (e->message && *e->message)
			fail(e->message);
		return (int)json_integer_value(st);
	}
	return fail(e->message ? e->message : "weftd failed");
}

static int transact(const struct wft_vsctl_options *o,
		    const struct wft_vsctl_cmds *cmds)
{
	const char *path = o->target ? o->target : getenv("WEFT_SOCKET");
	int timeout = o->timeout ? o->timeout * 1000 : -1, ret, status;
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error e;
	json_t *result;
	char msg[600];

	if (!path)
		path = WFT_DEFAULT_SOCKET;
	wft_jsonrpc_error_init(&e);
	if (wft_jsonrpc_client_open(path, timeout, &c, &e)) {
		snprintf(msg, sizeof(msg), "%s (is weftd running?)",
			 e.message);
		wft_jsonrpc_error_clear(&e);
		return fail(msg);
	}
	ret = wft_jsonrpc_call(c, "vsctl/transact",
			       wft_vsctl_params_new(o, cmds), timeout, &result,
			       &e);
	wft_jsonrpc_client_close(c);
	if (ret == -EREMOTEIO)
		status = server_error(&e);
	else if (ret)
		status = fail(e.message ? e.message : strerror(-ret));
	else
		status = print_outputs(result, o->oneline);
	if (!ret)
		json_decref(result);
	wft_jsonrpc_error_clear(&e);
	return status;
}

static int vsctl_main(int argc, char **argv)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_vsctl_cmds cmds = { NULL, 0 };
	struct wft_vsctl_options o;
	int status;

	wft_vsctl_options_init(&o);
	if (wft_vsctl_parse_argv(argc - 1, argv + 1, &o, &cmds, &err)) {
		status = fail(wft_strbuf_cstr(&err));
	} else if (o.help) {
		wft_vsctl_usage(&err);
		fputs(wft_strbuf_cstr(&err), stdout);
		status = 0;
	} else if (o.version) {
		printf("weft-vsctl (weft) %s\n", WEFT_VERSION);
		status = 0;
	} else {
		if (o.db_given)
			fprintf(stderr, "weft-vsctl: --db is ignored: weft keeps "
				"its configuration in weftd (use "
				"--target=SOCKET to reach another weftd)\n");
		status = transact(&o, &cmds);
	}
	wft_vsctl_cmds_free(&cmds);
	wft_vsctl_options_uninit(&o);
	wft_strbuf_free(&err);
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], WFT_CLI_SERVE_OPTION))
		return wft_cli_serve(vsctl_main, "weft-vsctl", argv[2]);
	return vsctl_main(argc, argv);
}
