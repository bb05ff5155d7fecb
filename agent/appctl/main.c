// SPDX-License-Identifier: GPL-2.0
/*
 * weft-appctl: call one of weftd's control methods.
 *
 *   weft-appctl [--target=SOCKET] [--timeout=SECS] [--format=text|json]
 *               COMMAND [ARG...]
 *
 * The arguments go to weftd as the params array of a JSON-RPC request for
 * method COMMAND. Text output prints the result's "text"; --format=json
 * prints the result's "data" (or the whole result) as JSON.
 *
 * Exit status: 0; 1 when weftd cannot be reached; 2 when it returned an
 * error (as ovs-appctl).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/cli_serve.h"
#include "weft/daemon.h"
#include "weft/jsonrpc.h"

#define WEFT_VERSION	"0.1.0"

struct options {
	const char *target;
	int timeout_ms;
	bool json;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: weft-appctl [OPTIONS] COMMAND [ARG...]\n"
		"\n"
		"  -t, --target=SOCKET   weftd's socket (default %s)\n"
		"  -T, --timeout=SECS    give up after SECS seconds\n"
		"  -f, --format=FORMAT   text (default) or json\n"
		"  -h, --help            print this help\n"
		"  -V, --version         print the version\n"
		"\n"
		"`weft-appctl list-commands` lists weftd's commands.\n",
		WFT_DEFAULT_SOCKET);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long n;
	int c;

	while ((c = getopt_long(argc, argv, "+t:T:f:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 't':
			o->target = optarg;
			break;
		case 'T':
			n = strtol(optarg, &end, 10);
			if (!*optarg || *end || n < 0 || n > 86400) {
				fprintf(stderr, "weft-appctl: bad timeout "
					"\"%s\"\n", optarg);
				exit(1);
			}
			o->timeout_ms = n ? n * 1000 : -1;
			break;
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
				fprintf(stderr, "weft-appctl: unknown format "
					"\"%s\" (text or json)\n", optarg);
				exit(1);
			}
			o->json = !strcmp(optarg, "json");
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("weft-appctl (weft) %s\n", WEFT_VERSION);
			exit(0);
		default:
			usage(stderr);
			exit(1);
		}
	}
	if (optind == argc) {
		fprintf(stderr, "weft-appctl: missing command name; use --help "
			"for help\n");
		exit(1);
	}
}

/* One print path: text or JSON of the same result. */
static void print_result(const json_t *result, bool json)
{
	json_t *text = json_object_get(result, "text");
	json_t *data = json_object_get(result, "data");
	char *s;

	if (!json && json_is_string(text)) {
		fputs(json_string_value(text), stdout);
		return;
	}
	s = json_dumps(data ? data : result, JSON_INDENT(2) | JSON_ENCODE_ANY);
	if (s)
		printf("%s\n", s);
	free(s);
}

static int appctl_main(int argc, char **argv)
{
	struct options o = { .timeout_ms = -1 };
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error e;
	json_t *params, *result;
	const char *path;
	size_t len;
	int i, ret;

	parse_options(argc, argv, &o);
	path = o.target ? o.target : getenv("WEFT_SOCKET");
	if (!path)
		path = WFT_DEFAULT_SOCKET;
	wft_jsonrpc_error_init(&e);
	if (wft_jsonrpc_client_open(path, o.timeout_ms, &c, &e)) {
		fprintf(stderr, "weft-appctl: %s (is weftd running?)\n",
			e.message);
		return 1;
	}
	params = json_array();
	for (i = optind + 1; i < argc; i++)
		json_array_append_new(params, json_string(argv[i]));
	ret = wft_jsonrpc_call(c, argv[optind], params, o.timeout_ms, &result,
			       &e);
	wft_jsonrpc_client_close(c);
	if (ret == -EREMOTEIO) {
		len = strlen(e.message);
		fprintf(stderr, "%s%s", e.message,
			len && e.message[len - 1] == '\n' ? "" : "\n");
		fprintf(stderr, "weft-appctl: %s: server returned an error\n",
			path);
		wft_jsonrpc_error_clear(&e);
		return 2;
	}
	if (ret) {
		fprintf(stderr, "weft-appctl: %s: %s\n", path, e.message);
		wft_jsonrpc_error_clear(&e);
		return 1;
	}
	print_result(result, o.json);
	json_decref(result);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], WFT_CLI_SERVE_OPTION))
		return wft_cli_serve(appctl_main, "weft-appctl", argv[2]);
	return appctl_main(argc, argv);
}
