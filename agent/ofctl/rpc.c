// SPDX-License-Identifier: GPL-2.0
/*
 * weft-ofctl and weftd: the one connection (opened on the first call, so
 * that local checks come first), what its failures say, and the one print
 * path for what weftd returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/daemon.h"
#include "weft/jsonrpc.h"
#include "ofctl.h"

/* Room for the JSON-RPC envelope around the params. */
#define ENVELOPE	256

static int connect_weftd(struct ofctl *ctx)
{
	struct wft_jsonrpc_error e;
	int ret;

	ctx->socket = ctx->opts.target ? ctx->opts.target :
		      getenv("WEFT_SOCKET");
	if (!ctx->socket || !*ctx->socket)
		ctx->socket = WFT_DEFAULT_SOCKET;
	wft_jsonrpc_error_init(&e);
	ret = wft_jsonrpc_client_open(ctx->socket, ctx->opts.timeout_ms,
				      &ctx->client, &e);
	wft_jsonrpc_error_clear(&e);
	if (ret) {
		ofctl_error(ctx, "cannot connect to weftd at %s: %s (is weftd "
			    "running?)", ctx->socket, strerror(-ret));
		return 1;
	}
	return 0;
}

/* weftd reads at most WFT_JSONRPC_MAX_TEXT bytes a request and cuts off
 * a client that sends more: say so before, in words. The flows of one
 * file go in one request, since they are applied all or none. */
static int check_size(struct ofctl *ctx, const json_t *params,
		      const struct ofctl_flows *fl)
{
	size_t len = json_dumpb(params, NULL, 0, JSON_COMPACT);

	if (len + ENVELOPE <= WFT_JSONRPC_MAX_TEXT)
		return 0;
	ofctl_error(ctx, "%s: %zu flows make a %zu-byte request, more than "
		    "weftd takes at once (%u bytes)",
		    fl && fl->file ? fl->file : "the command line",
		    fl ? fl->n : 0, len, WFT_JSONRPC_MAX_TEXT - ENVELOPE);
	return 1;
}

static void report(struct ofctl *ctx, const char *method, int ret,
		   const struct wft_jsonrpc_error *e,
		   const struct ofctl_flows *fl)
{
	char *msg = e->message ? strdup(e->message) : NULL;
	size_t len;

	if (msg) {		/* one line: no trailing newline */
		len = strlen(msg);
		while (len && msg[len - 1] == '\n')
			msg[--len] = '\0';
	}
	if (ret == -EREMOTEIO && e->code == WFT_RPC_METHOD_NOT_FOUND)
		ofctl_error(ctx, "weftd at %s does not know \"%s\" (is it "
			    "older than weft-ofctl?)", ctx->socket, method);
	else if (ret == -EREMOTEIO)
		ofctl_flows_error(ctx, fl, msg ? msg : "weftd failed");
	else if (ret == -ETIMEDOUT)
		ofctl_error(ctx, "timed out waiting for weftd at %s",
			    ctx->socket);
	else
		ofctl_error(ctx, "weftd at %s: %s", ctx->socket,
			    msg ? msg : strerror(-ret));
	free(msg);
}

json_t *ofctl_params_new(struct ofctl *ctx, const char *bridge)
{
	json_t *s = json_string(bridge);

	if (!s) {
		ofctl_error(ctx, "bridge name is not UTF-8 text");
		return NULL;
	}
	return json_pack("{s:o}", "bridge", s);
}

int ofctl_call(struct ofctl *ctx, const char *method, json_t *params,
	       const struct ofctl_flows *fl, json_t **result)
{
	struct wft_jsonrpc_error e;
	int ret;

	*result = NULL;
	if (check_size(ctx, params, fl) ||
	    (!ctx->client && connect_weftd(ctx))) {
		json_decref(params);
		return 1;
	}
	wft_jsonrpc_error_init(&e);
	ret = wft_jsonrpc_call(ctx->client, method, params,
			       ctx->opts.timeout_ms, result, &e);
	if (ret)
		report(ctx, method, ret, &e, fl);
	wft_jsonrpc_error_clear(&e);
	return ret ? 1 : 0;
}

/* @text line by line, each starting with @indent unless it does. */
static void print_lines(FILE *f, const char *text, const char *indent)
{
	size_t ilen = strlen(indent), len;
	const char *nl;

	for (; *text; text += len) {
		nl = strchr(text, '\n');
		len = nl ? (size_t)(nl - text) + 1 : strlen(text);
		if (len > 1 && strncmp(text, indent, ilen))
			fputs(indent, f);
		fwrite(text, 1, len, f);
		if (!nl)
			fputc('\n', f);
	}
}

int ofctl_print(struct ofctl *ctx, const json_t *result, const char *key,
		const char *header, const char *indent)
{
	const json_t *v = key ? json_object_get(result, key) : result;
	const char *text = json_string_value(json_object_get(result, "text"));
	size_t len;

	if (ctx->opts.json) {
		if (!v) {
			ofctl_error(ctx, "weftd's answer has no \"%s\"", key);
			return 1;
		}
		json_dumpf(v, ctx->out, JSON_COMPACT | JSON_ENCODE_ANY);
		fputc('\n', ctx->out);
	} else {
		/* A header from weftd itself is printed once, as it is. */
		if (header && text &&
		    !strncmp(text, header, strcspn(header, " ") + 1)) {
			len = strcspn(text, "\n");
			fprintf(ctx->out, "%.*s\n", (int)len, text);
			text += len + !!text[len];
		} else if (header) {
			fprintf(ctx->out, "%s\n", header);
		}
		if (text)
			print_lines(ctx->out, text, indent ? indent : "");
	}
	if (fflush(ctx->out) || ferror(ctx->out)) {
		ofctl_error(ctx, "write error: %s", strerror(errno));
		return 1;
	}
	return 0;
}
