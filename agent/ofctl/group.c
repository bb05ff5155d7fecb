// SPDX-License-Identifier: GPL-2.0
/*
 * The group commands, as ovs-ofctl's: add-group, add-groups (a file, one
 * group a line), mod-group, del-groups (all, or those GROUP names) and
 * dump-groups. Each group is checked with the local parser first, then
 * sent in one call:
 *
 *   ofctl/group-mods {"bridge": "br0", "command": "add", "groups": [...]}
 *	-> {"n": 1}
 *   ofctl/dump-groups {"bridge": "br0"} -> {"text": "...", "groups": [...]}
 *
 * dump-groups prints what `ovs-ofctl dump-groups` (no -O) prints: the
 * "NXST_GROUP_DESC reply (xid=0x2):" line, then one group a line, by
 * group_id (OVS prints them in no particular order).
 */
#include "weft/group.h"
#include "ofctl.h"

#define GROUP_HEADER	"NXST_GROUP_DESC reply (xid=0x2):"

static const char *const group_cmd_names[] = {
	[WFT_GROUP_ADD] = "add",
	[WFT_GROUP_MODIFY] = "modify",
	[WFT_GROUP_DELETE] = "delete",
};

static int group_mods(struct ofctl *ctx, const char *bridge,
		      enum wft_group_command cmd, struct ofctl_flows *fl)
{
	json_t *params, *result;
	struct wft_group g;
	char err[256];
	size_t i;
	int ret = 0;

	for (i = 0; i < fl->n && !ret; i++) {
		ret = wft_group_parse(json_string_value(
					json_array_get(fl->texts, i)), cmd,
				      &g, err, sizeof(err));
		wft_group_uninit(&g);
		if (ret) {
			if (fl->file)
				ofctl_error(ctx, "%s:%u: %s", fl->file,
					    fl->lines[i], err);
			else
				ofctl_error(ctx, "%s", err);
		}
	}
	params = ret ? NULL : ofctl_params_new(ctx, bridge);
	if (params) {
		json_object_set_new(params, "command",
				    json_string(group_cmd_names[cmd]));
		json_object_set(params, "groups", fl->texts);
		ret = ofctl_call(ctx, "ofctl/group-mods", params, fl, &result);
		if (!ret) {
			ret = ofctl_print(ctx, result, NULL, NULL, NULL);
			json_decref(result);
		}
	} else {
		ret = 1;
	}
	ofctl_flows_free(fl);
	return ret;
}

int cmd_group_add(struct ofctl *ctx, int argc, char **argv)
{
	struct ofctl_flows fl;

	ofctl_flows_one(&fl, argv[1]);
	return group_mods(ctx, argv[0], WFT_GROUP_ADD, &fl);
}

int cmd_groups_add(struct ofctl *ctx, int argc, char **argv)
{
	struct ofctl_flows fl;

	if (ofctl_flows_read(ctx, argv[1], &fl)) {
		ofctl_flows_free(&fl);
		return 1;
	}
	return group_mods(ctx, argv[0], WFT_GROUP_ADD, &fl);
}

int cmd_group_mod(struct ofctl *ctx, int argc, char **argv)
{
	struct ofctl_flows fl;

	ofctl_flows_one(&fl, argv[1]);
	return group_mods(ctx, argv[0], WFT_GROUP_MODIFY, &fl);
}

int cmd_groups_del(struct ofctl *ctx, int argc, char **argv)
{
	struct ofctl_flows fl;

	ofctl_flows_one(&fl, argc > 1 ? argv[1] : "");
	return group_mods(ctx, argv[0], WFT_GROUP_DELETE, &fl);
}

int cmd_groups_dump(struct ofctl *ctx, int argc, char **argv)
{
	json_t *params, *result;
	int ret;

	params = ofctl_params_new(ctx, argv[0]);
	if (!params || ofctl_call(ctx, "ofctl/dump-groups", params, NULL,
				  &result))
		return 1;
	ret = ofctl_print(ctx, result, "groups", GROUP_HEADER, " ");
	json_decref(result);
	return ret;
}
