// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that change a bridge's flows. Each checks its flows with
 * the local parser, for the flow_mod command they are for, then sends
 * them all in one call (weftd applies them all or none):
 *
 *   ofctl/flow-mods {"bridge": "br0", "command": "add", "flows": [...]}
 *	-> {"n": 3}
 *   ofctl/replace-flows {"bridge": "br0", "flows": [...]}
 *	-> {"added": 1, "deleted": 2, "modified": 0}
 *
 * As ovs-ofctl, they print nothing when they succeed; with --format json
 * they print weftd's counts. del-flows without FLOW sends the empty flow,
 * which matches every flow of every table.
 */
#include "ofctl.h"

static const char *const command_names[] = {
	[WFT_OFPFC_ADD] = "add",
	[WFT_OFPFC_MODIFY] = "modify",
	[WFT_OFPFC_MODIFY_STRICT] = "modify_strict",
	[WFT_OFPFC_DELETE] = "delete",
	[WFT_OFPFC_DELETE_STRICT] = "delete_strict",
};

/* Checks, sends and prints; frees @fl. */
static int send_flows(struct ofctl *ctx, const char *method, json_t *params,
		      enum wft_ofp_command cmd, struct ofctl_flows *fl)
{
	json_t *result;
	int ret;

	ret = ofctl_flows_check(ctx, fl, cmd);
	if (!ret) {
		json_object_set(params, "flows", fl->texts);
		ret = ofctl_call(ctx, method, json_incref(params), fl,
				 &result);
	}
	if (!ret) {
		ret = ofctl_print(ctx, result, NULL, NULL, NULL);
		json_decref(result);
	}
	json_decref(params);
	ofctl_flows_free(fl);
	return ret;
}

static int flow_mods(struct ofctl *ctx, const char *bridge,
		     enum wft_ofp_command cmd, struct ofctl_flows *fl)
{
	json_t *params = ofctl_params_new(ctx, bridge);

	if (!params) {
		ofctl_flows_free(fl);
		return 1;
	}
	json_object_set_new(params, "command",
			    json_string(command_names[cmd]));
	return send_flows(ctx, "ofctl/flow-mods", params, cmd, fl);
}

int cmd_flow_add(struct ofctl *ctx, int argc, char **argv)
{
	struct ofctl_flows fl;

	ofctl_flows_one(&fl, argv[1]);
	return flow_mods(ctx, argv[0], WFT_OFPFC_ADD, &fl);
}

int cmd_flows_add(struct ofctl *ctx, int argc, char **argv)
{
	struct ofctl_flows fl;

	if (ofctl_flows_read(ctx, argv[1], &fl)) {
		ofctl_flows_free(&fl);
		return 1;
	}
	return flow_mods(ctx, argv[0], WFT_OFPFC_ADD, &fl);
}

int cmd_flows_mod(struct ofctl *ctx, int argc, char **argv)
{
	struct ofctl_flows fl;

	ofctl_flows_one(&fl, argv[1]);
	return flow_mods(ctx, argv[0], ctx->opts.strict ?
			 WFT_OFPFC_MODIFY_STRICT : WFT_OFPFC_MODIFY, &fl);
}

int cmd_flows_del(struct ofctl *ctx, int argc, char **argv)
{
	struct ofctl_flows fl;

	ofctl_flows_one(&fl, argc > 1 ? argv[1] : "");
	return flow_mods(ctx, argv[0], ctx->opts.strict ?
			 WFT_OFPFC_DELETE_STRICT : WFT_OFPFC_DELETE, &fl);
}

int cmd_flows_replace(struct ofctl *ctx, int argc, char **argv)
{
	struct ofctl_flows fl;
	json_t *params;

	if (ofctl_flows_read(ctx, argv[1], &fl)) {
		ofctl_flows_free(&fl);
		return 1;
	}
	params = ofctl_params_new(ctx, argv[0]);
	if (!params) {
		ofctl_flows_free(&fl);
		return 1;
	}
	return send_flows(ctx, "ofctl/replace-flows", params, WFT_OFPFC_ADD,
			  &fl);
}
