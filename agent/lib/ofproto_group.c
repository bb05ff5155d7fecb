// SPDX-License-Identifier: GPL-2.0
/*
 * The group methods weft-ofctl calls (agent/ofctl/group.c):
 *
 *   ofctl/group-mods {"bridge", "command": "add"|"modify"|"delete",
 *		       "groups": [...]} -> {"n"}
 *   ofctl/dump-groups {"bridge"} -> {"text", "groups": [...]}
 *
 * Groups are parsed with the bridge's port names and applied in order;
 * the first that fails (a bad group, add of an id in use, modify of a
 * missing one) is reported as "line N: ..." and ends the call: the ones
 * before it stay, as ovs-ofctl's one message per group leaves them. A
 * change kicks the revalidator, as a flow change does.
 */
#include <errno.h>
#include <string.h>

#include "ofproto_rpc.h"
#include "weft/group.h"
#include "weft/util.h"

static const char *const command_names[] = {
	[WFT_GROUP_ADD] = "add",
	[WFT_GROUP_MODIFY] = "modify",
	[WFT_GROUP_DELETE] = "delete",
};

static const char *mod_error(enum wft_group_command cmd, int err)
{
	if (err == -EEXIST)
		return "a group with this group_id exists already";
	if (err == -ENOENT)
		return "no group with this group_id";
	return strerror(-err);
}

void wft_ofctl_group_mods(struct wft_rpc_call *call, json_t *params,
			  void *aux)
{
	struct ofproto_state *st = aux;
	const json_t *texts = json_object_get(params, "groups");
	const char *c = json_string_value(json_object_get(params, "command"));
	enum wft_group_command cmd = WFT_GROUP_ADD;
	struct wft_ofproto *br;
	struct wft_group g;
	char err[256];
	size_t i, n = 0;
	int ret = 0;

	if (!json_is_object(params) || !json_is_array(texts)) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "expected {\"bridge\", \"command\", "
				    "\"groups\": [...]}");
		return;
	}
	br = wft_rpc_bridge(st, call, params);
	if (!br)
		return;
	for (i = 0; i < WFT_ARRAY_SIZE(command_names); i++)
		if (c && !strcmp(c, command_names[i]))
			break;
	if (i == WFT_ARRAY_SIZE(command_names)) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "\"command\" must be add, modify or "
				    "delete");
		return;
	}
	cmd = (enum wft_group_command)i;
	wft_ofproto_use_port_names(br, false);
	for (i = 0; i < json_array_size(texts) && !ret; i++) {
		const char *s = json_string_value(json_array_get(texts, i));

		ret = s ? wft_group_parse(s, cmd, &g, err, sizeof(err)) :
			  -EINVAL;
		if (ret) {
			wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL,
					    "line %zu: %s", i + 1,
					    s ? err : "not a string");
		} else {
			ret = wft_pipeline_group_mod(wft_ofproto_pipeline(br),
						     cmd, &g);
			if (ret)
				wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL,
						    "line %zu: %s", i + 1,
						    mod_error(cmd, ret));
			else
				n++;
		}
		wft_group_uninit(&g);
	}
	wft_ofproto_use_port_names(NULL, false);
	if (n)
		wft_backer_changed(st->backer);
	if (!ret)
		wft_rpc_reply(call, json_pack("{s:I}", "n", (json_int_t)n));
}

void wft_ofctl_dump_groups(struct wft_rpc_call *call, json_t *params,
			   void *aux)
{
	struct wft_strbuf text = WFT_STRBUF_INIT, one = WFT_STRBUF_INIT;
	struct wft_ofproto *br;
	struct wft_group *groups;
	json_t *list;
	size_t i, n;

	br = wft_rpc_bridge(aux, call, params);
	if (!br)
		return;
	list = json_array();
	/* Numbers, as ovs-ofctl dump-groups prints without --names. */
	wft_ofproto_use_port_names(br, false);
	groups = wft_pipeline_groups_dump(wft_ofproto_pipeline(br), &n);
	for (i = 0; i < n; i++) {
		wft_strbuf_reset(&one);
		wft_group_format(&groups[i], &one);
		wft_strbuf_printf(&text, " %s\n", wft_strbuf_cstr(&one));
		json_array_append_new(list, json_string(wft_strbuf_cstr(&one)));
		wft_group_uninit(&groups[i]);
	}
	wft_ofproto_use_port_names(NULL, false);
	free(groups);
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text",
				      wft_strbuf_cstr(&text), "groups", list));
	wft_strbuf_free(&text);
	wft_strbuf_free(&one);
}
