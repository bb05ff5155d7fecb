// SPDX-License-Identifier: GPL-2.0
/*
 * weft-ofctl's offline commands: parse-flows and parse-flow print flows
 * normalized, the way `ovs-ofctl -O OpenFlow14 parse-flows` does (see
 * main.c's usage for what is left out), or as JSON objects:
 *   {"line": 3, "command": "ADD", "table": 0, "priority": 32768,
 *    "cookie": "0x0", "match": "tcp,tp_dst=80", "actions": "drop",
 *    "text": "ADD tcp,tp_dst=80 actions=drop"}
 * Every bad flow is reported (file:line: message); the status is 1 if
 * there was any. FILE is read as add-flows reads it (flows.c).
 */
#include <jansson.h>
#include <stdio.h>

#include "weft/ofp_flow.h"
#include "weft/strbuf.h"
#include "ofctl.h"

static json_t *flow_json(const struct wft_ofp_flow *f, unsigned int line,
			 const char *text)
{
	struct wft_strbuf m = WFT_STRBUF_INIT, a = WFT_STRBUF_INIT;
	char cookie[24];
	json_t *o;

	wft_ofp_match_format(&f->match, &f->mask, WFT_OFP_DEFAULT_PRIORITY, &m);
	wft_ofp_actions_format(&f->actions, &f->match, &f->mask, &a);
	snprintf(cookie, sizeof(cookie), "0x%llx",
		 (unsigned long long)f->cookie);
	o = json_pack("{s:I, s:s, s:i, s:i, s:s, s:s, s:s, s:s}",
		      "line", (json_int_t)line, "command", "ADD",
		      "table", f->table == WFT_TABLE_ALL ? 0 : f->table,
		      "priority", f->priority, "cookie", cookie,
		      "match", wft_strbuf_cstr(&m), "actions",
		      wft_strbuf_cstr(&a), "text", text);
	wft_strbuf_free(&m);
	wft_strbuf_free(&a);
	return o;
}

/* Parses one flow and prints it (text) or appends it to @out (JSON).
 * Returns 0, or 1 after reporting the error. */
static int one_flow(struct ofctl *ctx, const char *where, unsigned int line,
		    const char *s, json_t *out)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_ofp_flow f;
	char err[256];
	int ret = 0;

	if (wft_ofp_flow_parse(s, WFT_OFPFC_ADD, &f, err, sizeof(err))) {
		if (line)
			ofctl_error(ctx, "%s:%u: %s", where, line, err);
		else
			ofctl_error(ctx, "%s", err);
		ret = 1;
	} else {
		wft_ofp_flow_format(&f, &sb);
		if (sb.error) {
			ofctl_error(ctx, "out of memory");
			ret = 1;
		} else if (out) {
			json_array_append_new(out, flow_json(
				&f, line, wft_strbuf_cstr(&sb)));
		} else {
			fprintf(ctx->out, "%s\n", wft_strbuf_cstr(&sb));
		}
	}
	wft_ofp_flow_uninit(&f);
	wft_strbuf_free(&sb);
	return ret;
}

static int finish(struct ofctl *ctx, json_t *out, int ret)
{
	if (out) {
		if (json_dumpf(out, ctx->out, JSON_COMPACT) ||
		    fputc('\n', ctx->out) == EOF)
			ret = 1;
		json_decref(out);
	}
	return fflush(ctx->out) ? 1 : ret;
}

int cmd_flows_parse(struct ofctl *ctx, int argc, char **argv)
{
	json_t *out = ctx->opts.json ? json_array() : NULL;
	struct ofctl_flows fl;
	int ret;
	size_t i;

	ret = ofctl_flows_read(ctx, argv[0], &fl);
	if (ret && !fl.n) {	/* nothing read: no output either */
		ofctl_flows_free(&fl);
		json_decref(out);
		return 1;
	}
	for (i = 0; i < fl.n; i++)
		ret |= one_flow(ctx, fl.file, fl.lines[i],
				json_string_value(json_array_get(fl.texts, i)),
				out);
	ofctl_flows_free(&fl);
	return finish(ctx, out, ret);
}

int cmd_flow_parse(struct ofctl *ctx, int argc, char **argv)
{
	json_t *out = ctx->opts.json ? json_array() : NULL;

	return finish(ctx, out, one_flow(ctx, NULL, 0, argv[0], out));
}
