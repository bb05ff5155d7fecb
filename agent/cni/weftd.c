// SPDX-License-Identifier: GPL-2.0
/*
 * weftd's control socket: every change weft-cni makes to the switch is one
 * "vsctl/transact" call, the same all-or-nothing transaction weft-vsctl
 * sends, so a port and its external_ids appear together or not at all.
 */
#include <errno.h>
#include <string.h>

#include "cni.h"
#include "weft/jsonrpc.h"

int cni_weftd_open(const struct cni_conf *c, int timeout_ms,
		   struct wft_jsonrpc_client **cl, struct cni_err *e)
{
	struct wft_jsonrpc_error je;

	wft_jsonrpc_error_init(&je);
	if (wft_jsonrpc_client_open(c->socket, timeout_ms, cl, &je)) {
		cni_fail(e, CNI_ERR_TRY_AGAIN, "weftd is not answering on %s: "
			 "%s", c->socket, je.message ?: "cannot connect");
		wft_jsonrpc_error_clear(&je);
		return -1;
	}
	return 0;
}

int cni_vsctl(struct wft_jsonrpc_client *cl, const char *const *const *cmds,
	      json_t **outputs, struct cni_err *e)
{
	json_t *list = json_array(), *group, *params, *result, *st;
	struct wft_jsonrpc_error je;
	size_t i, k;
	int ret;

	if (outputs)
		*outputs = NULL;
	for (i = 0; cmds[i]; i++) {
		group = json_array();
		for (k = 0; cmds[i][k]; k++)
			json_array_append_new(group, json_string(cmds[i][k]));
		json_array_append_new(list, group);
	}
	params = json_pack("{s:o,s:{s:s,s:s,s:b,s:b},s:b}", "commands", list,
			   "style", "format", "json", "data", "json", "bare",
			   0, "headings", 1, "dry_run", 0);
	wft_jsonrpc_error_init(&je);
	ret = wft_jsonrpc_call(cl, "vsctl/transact", params, 30000, &result,
			       &je);
	if (ret == -EREMOTEIO) {
		st = json_object_get(je.data, "exit_status");
		/* br-exists of a missing bridge. */
		if (json_integer_value(st) == 2) {
			wft_jsonrpc_error_clear(&je);
			return 2;
		}
		cni_fail(e, CNI_ERR_WEFTD, "weftd: %s", je.message ?: "failed");
		wft_jsonrpc_error_clear(&je);
		return -1;
	}
	if (ret) {
		cni_fail(e, CNI_ERR_TRY_AGAIN, "weftd: %s",
			 je.message ?: strerror(-ret));
		wft_jsonrpc_error_clear(&je);
		return -1;
	}
	if (outputs)
		*outputs = json_incref(json_object_get(result, "outputs"));
	json_decref(result);
	return 0;
}
