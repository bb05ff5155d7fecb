// SPDX-License-Identifier: GPL-2.0
/*
 * Running a vsctl transaction, and its JSON form between weft-vsctl and
 * weftd (see include/weft/vsctl.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"

#include "vsctl_priv.h"

static const char *const format_names[] = {
	[WFT_VSCTL_FMT_LIST] = "list", [WFT_VSCTL_FMT_TABLE] = "table",
	[WFT_VSCTL_FMT_CSV] = "csv", [WFT_VSCTL_FMT_JSON] = "json",
};

json_t *wft_vsctl_params_new(const struct wft_vsctl_options *o,
			     const struct wft_vsctl_cmds *cmds)
{
	const struct wft_vsctl_table_style *st = &o->style;
	json_t *list = json_array(), *group, *style;
	size_t i;
	int k;

	for (i = 0; i < cmds->n; i++) {
		group = json_array();
		for (k = 0; k < cmds->cmds[i].n_raw; k++)
			json_array_append_new(group,
					      json_string(cmds->cmds[i].raw[k]));
		json_array_append_new(list, group);
	}
	style = json_pack("{s:s,s:s,s:b,s:b}", "format",
			  format_names[st->format], "data",
			  st->data_json ? "json" : "string", "bare", st->bare,
			  "headings", !st->no_headings);
	if (st->columns)
		json_object_set_new(style, "columns", json_string(st->columns));
	return json_pack("{s:o,s:o,s:b}", "commands", list, "style", style,
			 "dry_run", o->dry_run);
}

static int parse_style(const json_t *j, struct wft_vsctl_options *o,
		       struct wft_strbuf *err)
{
	const char *format = "list", *data = "string", *columns = NULL;
	int bare = 0, headings = 1;
	json_error_t jerr;

	if (j && json_unpack_ex((json_t *)j, &jerr, JSON_STRICT,
				"{s?s,s?s,s?b,s?b,s?s}", "format", &format,
				"data", &data, "bare", &bare, "headings",
				&headings, "columns", &columns)) {
		wft_strbuf_printf(err, "bad \"style\": %s", jerr.text);
		return -EINVAL;
	}
	if (vsctl_parse_format(format, o, err))
		return -EINVAL;
	o->style.data_json = !strcmp(data, "json");
	o->style.bare = bare;
	o->style.no_headings = !headings;
	o->style.columns = columns ? wft_xstrdup(columns) : NULL;
	return 0;
}

int wft_vsctl_params_parse(const json_t *params, struct wft_vsctl_options *o,
			   struct wft_vsctl_cmds *cmds, struct wft_strbuf *err)
{
	json_t *list, *style = NULL, *group, *arg;
	char **args = NULL;
	int dry_run = 0, ret = -EINVAL, n = 0;
	json_error_t jerr;
	size_t i, k;

	if (json_unpack_ex((json_t *)params, &jerr, JSON_STRICT,
			   "{s:o,s?o,s?b}", "commands", &list, "style", &style,
			   "dry_run", &dry_run)) {
		wft_strbuf_printf(err, "bad params: %s", jerr.text);
		return -EINVAL;
	}
	o->dry_run = dry_run;
	if (parse_style(style, o, err))
		return -EINVAL;
	if (!json_is_array(list))
		goto bad;
	/* Rebuild the command line, groups joined by "--". */
	json_array_foreach(list, i, group) {
		if (!json_is_array(group))
			goto bad;
		args = wft_xrealloc(args, (n + json_array_size(group) + 1) *
				    sizeof(*args));
		if (i)
			args[n++] = "--";
		json_array_foreach(group, k, arg) {
			if (!json_is_string(arg) ||
			    !strcmp(json_string_value(arg), "--"))
				goto bad;
			args[n++] = (char *)json_string_value(arg);
		}
	}
	ret = vsctl_parse_groups(n, args, cmds, err);
	free(args);
	return ret;
bad:
	free(args);
	wft_strbuf_puts(err, "bad params: \"commands\" must be an array of "
			"arrays of strings");
	return -EINVAL;
}

void wft_vsctl_result_free(struct wft_vsctl_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->outputs[i]);
	free(r->outputs);
	memset(r, 0, sizeof(*r));
}

int wft_vsctl_run(struct wft_conf *conf, const struct wft_vsctl_cmds *cmds,
		  const struct wft_vsctl_table_style *style,
		  struct wft_vsctl_result *result, struct wft_strbuf *err)
{
	struct wft_strbuf out = WFT_STRBUF_INIT;
	struct vsctl_ctx ctx;
	size_t i;
	int ret;

	memset(result, 0, sizeof(*result));
	result->outputs = wft_xcalloc(cmds->n ? cmds->n : 1,
				      sizeof(*result->outputs));
	for (i = 0; i < cmds->n; i++) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.conf = conf;
		ctx.cmd = &cmds->cmds[i];
		ctx.style = style;
		ctx.out = &out;
		ctx.err = err;
		ret = ctx.cmd->syntax->run(&ctx);
		result->outputs[result->n++] = wft_xstrdup(wft_strbuf_cstr(&out));
		wft_strbuf_reset(&out);
		if (ctx.exit_status) {
			result->exit_status = ctx.exit_status;
			ret = -ECANCELED;
		}
		if (ret) {
			wft_strbuf_free(&out);
			return ret;
		}
	}
	wft_strbuf_free(&out);
	wft_conf_gc(conf);
	return wft_conf_validate(conf, err);
}

void wft_vsctl_usage(struct wft_strbuf *out)
{
	const struct wft_vsctl_syntax *s;
	size_t n, i;

	wft_strbuf_puts(out,
		"weft-vsctl: configure weftd's bridges, ports and interfaces\n"
		"usage: weft-vsctl [OPTIONS] COMMAND [ARG...] "
		"[-- [OPTIONS] COMMAND [ARG...]]...\n\nCommands:\n");
	s = vsctl_syntaxes(&n);
	for (i = 0; i < n; i++) {
		if (!s[i].run)
			continue;
		wft_strbuf_printf(out, "  %s %s\n      %s\n", s[i].name,
				  s[i].usage, s[i].help);
	}
	wft_strbuf_puts(out,
		"\nTABLE: Open_vSwitch (RECORD \".\"), Bridge, Port, Interface\n"
		"\nOptions:\n"
		"  --target=SOCKET     weftd's socket (default "
		"/run/weft/weftd.sock)\n"
		"  -t, --timeout=SECS  give up after SECS seconds\n"
		"  --dry-run           run the commands, change nothing\n"
		"  --oneline           print each command's output on one line\n"
		"  -f, --format=FORMAT list, table, csv or json (list, find)\n"
		"  -d, --data=FORMAT   string or json (list, find)\n"
		"  --bare, --no-headings, --columns=COLUMN[,COLUMN]...\n"
		"  --db=..., --no-wait  accepted and ignored (weft keeps its "
		"configuration in weftd)\n"
		"Command options: --may-exist, --if-exists, --with-iface, "
		"--real, --fake\n");
}
