// SPDX-License-Identifier: GPL-2.0
/*
 * dump-flows and dump-tables. weftd formats the flows and tables (it has
 * the statistics); this side chooses the view and prints what ovs-ofctl
 * 3.1 prints around them, as checked against ovs-vswitchd:
 *
 *  - `ovs-ofctl dump-flows br0` starts with "NXST_FLOW reply (xid=0x4):"
 *    ("xid=0x8" when a FLOW is given: ovs-ofctl negotiates more first),
 *    then one line a flow, each starting with a space, with idle_age.
 *  - With --no-stats, and with port names (--names, or by default when
 *    stdout is a terminal), ovs-ofctl collects the flows and prints them
 *    with no header line (and, with names, no idle_age).
 *  - `ovs-ofctl dump-tables br0` starts with "OFPST_TABLE reply
 *    (xid=0x2):", whatever the terminal.
 *
 *   ofctl/dump-flows {"bridge": "br0", "match": "tcp", "no_stats": false,
 *		       "names": false} -> {"text": "...", "flows": [...]}
 *   ofctl/dump-tables {"bridge": "br0"} -> {"text": "...", "tables": [...]}
 *
 * --format json prints the "flows" or "tables" array.
 */
#include <string.h>
#include <unistd.h>

#include "ofctl.h"

#define FLOW_HEADER		"NXST_FLOW reply (xid=0x4):"
#define FLOW_HEADER_MATCH	"NXST_FLOW reply (xid=0x8):"
#define TABLE_HEADER		"OFPST_TABLE reply (xid=0x2):"

/* FLOW is a match: checked as del-flows checks it (no actions, no
 * priority without --strict, which dump-flows does not take). The
 * parser's words for delete are reworded for dump-flows. */
static int check_match(struct ofctl *ctx, const char *match)
{
	static const char deleting[] = "when deleting flows";
	struct wft_ofp_flow f;
	char err[256];
	const char *p;
	int ret;

	ret = ofctl_flow_parse(match, WFT_OFPFC_DELETE, &f, err, sizeof(err));
	wft_ofp_flow_uninit(&f);
	if (!ret)
		return 0;
	p = strstr(err, deleting);
	if (p)
		ofctl_error(ctx, "%.*sin dump-flows FLOW%s", (int)(p - err),
			    err, p + strlen(deleting));
	else
		ofctl_error(ctx, "%s", err);
	return 1;
}

int cmd_flows_dump(struct ofctl *ctx, int argc, char **argv)
{
	const char *match = argc > 1 ? argv[1] : NULL, *header = NULL;
	bool names = ctx->opts.names >= 0 ? ctx->opts.names :
		     isatty(fileno(ctx->out));
	json_t *params, *result;
	int ret;

	if (match && check_match(ctx, match))
		return 1;
	params = ofctl_params_new(ctx, argv[0]);
	if (!params)
		return 1;
	if (match && json_object_set_new(params, "match", json_string(match))) {
		ofctl_error(ctx, "FLOW is not UTF-8 text");
		json_decref(params);
		return 1;
	}
	json_object_set_new(params, "no_stats",
			    json_boolean(ctx->opts.no_stats));
	json_object_set_new(params, "names", json_boolean(names));
	if (ofctl_call(ctx, "ofctl/dump-flows", params, NULL, &result))
		return 1;
	if (!ctx->opts.no_stats && !names)
		header = match ? FLOW_HEADER_MATCH : FLOW_HEADER;
	ret = ofctl_print(ctx, result, "flows", header, " ");
	json_decref(result);
	return ret;
}

int cmd_tables_dump(struct ofctl *ctx, int argc, char **argv)
{
	json_t *params, *result;
	int ret;

	params = ofctl_params_new(ctx, argv[0]);
	if (!params || ofctl_call(ctx, "ofctl/dump-tables", params, NULL,
				  &result))
		return 1;
	ret = ofctl_print(ctx, result, "tables", TABLE_HEADER, NULL);
	json_decref(result);
	return ret;
}
