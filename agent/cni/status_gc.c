// SPDX-License-Identifier: GPL-2.0
/*
 * STATUS (is weftd there, with the bridge, and in OVN mode connected to
 * the SB?) and GC (remove what weft-cni attached for this network that
 * the runtime no longer lists in cni.dev/valid-attachments).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni.h"
#include "weft/jsonrpc.h"

int cni_cmd_status(const struct cni_env *env, struct cni_conf *c,
		   struct cni_err *e)
{
	const char *exists[] = { "br-exists", c->bridge, NULL };
	const char *const *cmds[] = { exists, NULL };
	struct wft_jsonrpc_client *cl;
	int ret;

	if (cni_weftd_open(c, 2000, &cl, e)) {
		e->code = CNI_ERR_NOT_AVAILABLE;
		return -1;
	}
	ret = cni_vsctl(cl, cmds, NULL, e);
	/* OVN mode: the chassis must be connected to the SB too. */
	if (!ret && c->ovn)
		ret = cni_ovn_status(cl, c, e);
	wft_jsonrpc_client_close(cl);
	if (ret == 2)
		return cni_fail(e, CNI_ERR_NOT_AVAILABLE, "weftd has no bridge "
				"\"%s\"", c->bridge);
	if (ret) {
		e->code = CNI_ERR_NOT_AVAILABLE;
		return -1;
	}
	return 0;
}

static bool is_valid(json_t *valid, const char *containerid,
		     const char *ifname)
{
	json_t *a;
	size_t i;

	json_array_foreach(valid, i, a) {
		const char *id = json_string_value(json_object_get(a,
								   "containerID"));
		const char *ifn = json_string_value(json_object_get(a,
								    "ifname"));

		if (id && !strcmp(id, containerid) &&
		    (!ifn || !strcmp(ifn, ifname)))
			return true;
	}
	return false;
}

int cni_cmd_gc(const struct cni_env *env, struct cni_conf *c,
	       struct cni_err *e)
{
	struct wft_jsonrpc_client *cl;
	json_t *rows, *row, *ids;
	char *cond, *q;
	json_t *js;
	size_t i;
	int ret = 0;

	js = json_string(c->name);
	q = json_dumps(js, JSON_ENCODE_ANY);
	json_decref(js);
	if (asprintf(&cond, "external_ids:cni-network=%s", q) < 0)
		abort();
	free(q);
	if (cni_weftd_open(c, 5000, &cl, e)) {
		free(cond);
		return -1;
	}
	rows = cni_find_rows(cl, "Interface", cond,
			     "--columns=name,external_ids", e);
	free(cond);
	if (!rows) {
		wft_jsonrpc_client_close(cl);
		return -1;
	}
	json_array_foreach(rows, i, row) {
		const char *name = json_string_value(json_array_get(row, 0));
		const char *id, *ifname;

		ids = json_array_get(row, 1);
		id = cni_map_get(ids, "cni-containerid");
		ifname = cni_map_get(ids, "cni-ifname");
		if (!name || !id || !ifname ||
		    is_valid(c->valid_attachments, id, ifname))
			continue;
		/* Go on after a failure: collect what can be collected,
		 * report the first error. */
		if (cni_gc_one(env, c, cl, name, id, ifname,
			       ret ? &(struct cni_err){ 0 } : e))
			ret = -1;
	}
	json_decref(rows);
	wft_jsonrpc_client_close(cl);
	return ret;
}
