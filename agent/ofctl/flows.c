// SPDX-License-Identifier: GPL-2.0
/*
 * The flows weft-ofctl sends: from a FILE (or stdin) or from the command
 * line, each with the line it came from, so that every error, the local
 * parser's or weftd's "line N: ..." about the Nth flow sent, points at the
 * file's own line.
 *
 * FILE is read as `ovs-ofctl add-flows` reads it (checked against OVS
 * 3.1): '#' ends a line's text wherever it is, lines left blank are
 * skipped, and a trailing backslash is text like any other (ovs-ofctl
 * reports "priority=1,\" as a flow without actions, not as the start of a
 * longer one). Lines are numbered from 1, blank and comment lines counted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"
#include "weft/tlv_map.h"
#include "ofctl.h"

/* The flow on @line, without comment and surrounding blanks; NULL when
 * nothing is left. Edits @line. */
static char *flow_of_line(char *line)
{
	char *hash = strchr(line, '#'), *end;

	if (hash)
		*hash = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	line += strspn(line, " \t");
	end = line + strlen(line);
	while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return *line ? line : NULL;
}

/* Appends one flow; -EILSEQ when it is not UTF-8 (JSON strings are). */
static int flows_add(struct ofctl_flows *fl, const char *text,
		     unsigned int line)
{
	json_t *s = json_string(text);

	if (!s)
		return -EILSEQ;
	if (!fl->texts)
		fl->texts = json_array();
	json_array_append_new(fl->texts, s);
	fl->lines = wft_xrealloc(fl->lines, (fl->n + 1) * sizeof(*fl->lines));
	fl->lines[fl->n++] = line;
	return 0;
}

int ofctl_flows_read(struct ofctl *ctx, const char *file,
		     struct ofctl_flows *fl)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : ctx->in;
	unsigned int line = 0;
	char *buf = NULL, *flow;
	size_t cap = 0;
	int ret = 0;

	memset(fl, 0, sizeof(*fl));
	fl->file = file;
	fl->texts = json_array();
	if (!f) {
		ofctl_error(ctx, "%s: %s", file, strerror(errno));
		return 1;
	}
	errno = 0;
	while (getline(&buf, &cap, f) > 0) {
		line++;
		flow = flow_of_line(buf);
		if (flow && flows_add(fl, flow, line)) {
			ofctl_error(ctx, "%s:%u: not UTF-8 text", file, line);
			ret = 1;
		}
	}
	if (ferror(f)) {
		ofctl_error(ctx, "%s: read error: %s", file,
			    strerror(errno ? errno : EIO));
		ret = 1;
	}
	free(buf);
	if (f != ctx->in)
		fclose(f);
	return ret;
}

void ofctl_flows_one(struct ofctl_flows *fl, const char *flow)
{
	memset(fl, 0, sizeof(*fl));
	fl->texts = json_array();
	flows_add(fl, flow, 0);	/* not UTF-8: ofctl_flows_check() says so */
}

void ofctl_flows_free(struct ofctl_flows *fl)
{
	json_decref(fl->texts);
	free(fl->lines);
	memset(fl, 0, sizeof(*fl));
}

/* "FILE:LINE: why", or "why" for the command line's flow. */
static void flows_report(struct ofctl *ctx, const struct ofctl_flows *fl,
			 size_t i, const char *why)
{
	if (fl->file)
		ofctl_error(ctx, "%s:%u: %s", fl->file, fl->lines[i], why);
	else
		ofctl_error(ctx, "%s", why);
}

/* Port names are the bridge's, and only weftd knows them: here any name
 * passes (as port 1), and weftd resolves it or says it has no such port. */
static int any_port(void *aux, const char *name, size_t len, uint32_t *port)
{
	*port = 1;
	return 0;
}

int ofctl_flow_parse(const char *s, enum wft_ofp_command cmd,
		     struct wft_ofp_flow *f, char *err, size_t errlen)
{
	static const struct wft_ofp_port_names any_names = {
		.number = any_port,
	};
	static __thread struct wft_tlv_map any_map;
	static __thread bool any_map_ready;
	const struct wft_ofp_port_names *old;
	const struct wft_tlv_map *old_map;
	int ret;

	/* tun_metadataN's width is the bridge's TLV map's: weftd checks it;
	 * here any width weft can hold passes. */
	if (!any_map_ready) {
		wft_tlv_map_init_any(&any_map);
		any_map_ready = true;
	}
	old = wft_ofp_port_names_set(&any_names);
	old_map = wft_tlv_map_activate(&any_map);
	ret = wft_ofp_flow_parse(s, cmd, f, err, errlen);
	wft_tlv_map_activate(old_map);
	wft_ofp_port_names_set(old);
	return ret;
}

int ofctl_flows_check(struct ofctl *ctx, const struct ofctl_flows *fl,
		      enum wft_ofp_command cmd)
{
	struct wft_ofp_flow f;
	char err[256];
	int ret = 0;
	size_t i;

	if (!fl->file && !fl->n) {
		ofctl_error(ctx, "the flow is not UTF-8 text");
		return 1;
	}
	for (i = 0; i < fl->n; i++) {
		if (ofctl_flow_parse(json_string_value(json_array_get(
				     fl->texts, i)), cmd, &f, err,
				     sizeof(err))) {
			flows_report(ctx, fl, i, err);
			ret = 1;
		}
		wft_ofp_flow_uninit(&f);
	}
	return ret;
}

void ofctl_flows_error(struct ofctl *ctx, const struct ofctl_flows *fl,
		       const char *msg)
{
	unsigned long n;
	char *end;

	if (fl && !strncmp(msg, "line ", 5) && msg[5] >= '0' &&
	    msg[5] <= '9') {
		errno = 0;
		n = strtoul(msg + 5, &end, 10);
		if (!errno && !strncmp(end, ": ", 2) && n >= 1 && n <= fl->n) {
			flows_report(ctx, fl, n - 1, end + 2);
			return;
		}
	}
	ofctl_error(ctx, "%s", msg);
}
