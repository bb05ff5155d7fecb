// SPDX-License-Identifier: GPL-2.0
/*
 * weft-dpctl dump-flows --provenance: the kernel's flows as always, and
 * under each the pipeline rules weftd's translation went through and the
 * Logical_Flow (or SB lookup row) each came from (docs/provenance.md).
 * The kernel knows none of this: weftd remembers it per flow it
 * installed, and answers "dpif/provenance" on its control socket. When
 * weftd cannot be reached the flows are still dumped, after a warning.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/daemon.h"
#include "weft/jsonrpc.h"
#include "weft/ovn_provenance.h"
#include "dpctl.h"

json_t *dpctl_provenance_fetch(struct dpctl *ctx)
{
	const char *path = getenv("WEFT_SOCKET");
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error e;
	json_t *result = NULL, *by_ufid, *f, *why;
	size_t i;
	int ret;

	if (!path || !*path)
		path = WFT_DEFAULT_SOCKET;
	wft_jsonrpc_error_init(&e);
	ret = wft_jsonrpc_client_open(path, 5000, &c, &e);
	if (!ret) {
		ret = wft_jsonrpc_call(c, "dpif/provenance", NULL, 5000,
				       &result, &e);
		wft_jsonrpc_client_close(c);
	}
	if (ret) {
		dpctl_error(ctx, "warning: no provenance: weftd at %s: %s "
			    "(the flows follow without it)", path,
			    e.message ? e.message : strerror(-ret));
		wft_jsonrpc_error_clear(&e);
		return NULL;
	}
	wft_jsonrpc_error_clear(&e);
	why = json_object_get(result, "provenance");
	if (json_is_string(why))
		dpctl_error(ctx, "warning: rules without Logical_Flows: %s",
			    json_string_value(why));
	by_ufid = json_object();
	json_array_foreach(json_object_get(result, "flows"), i, f)
		if (json_is_string(json_object_get(f, "ufid")))
			json_object_set(by_ufid, json_string_value(
				json_object_get(f, "ufid")), f);
	json_decref(result);
	return by_ufid;
}

static void print_text(struct dpctl *ctx, const json_t *flow)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	const json_t *rules = json_object_get(flow, "rules"), *r;
	json_t **provs = calloc(json_array_size(rules) + 1, sizeof(*provs));
	json_t *runs;
	size_t i;

	json_array_foreach(rules, i, r) {
		wft_strbuf_printf(&sb, "  rule table=%lld priority=%lld "
			"cookie=%s\n",
			json_integer_value(json_object_get(r, "table")),
			json_integer_value(json_object_get(r, "priority")),
			json_string_value(json_object_get(r, "cookie")));
		if (!provs)
			continue;
		provs[i] = json_object_get(r, "provenance");
		if (provs[i])
			wft_ovn_prov_format(provs[i], 4, &sb);
	}
	if (provs) {
		struct wft_strbuf st = WFT_STRBUF_INIT;

		runs = wft_ovn_prov_stages(provs, json_array_size(rules), &st);
		if (json_array_size(runs))
			wft_strbuf_printf(&sb, "  logical stages:\n%s",
					  wft_strbuf_cstr(&st));
		json_decref(runs);
		wft_strbuf_free(&st);
	}
	pr_text(ctx->pr, "%s", wft_strbuf_cstr(&sb));
	free(provs);
	wft_strbuf_free(&sb);
}

void dpctl_provenance_print(struct dpctl *ctx, json_t *all, const char *ufid)
{
	json_t *flow = all && ufid ? json_object_get(all, ufid) : NULL;

	if (!all)
		return;
	if (!flow) {
		/* Installed by someone else, or gone from weftd's cache. */
		pr_text(ctx->pr, "  (weftd has no record of this flow)\n");
		pr_json_value(ctx->pr, "provenance", json_null());
		return;
	}
	if (pr_is_json(ctx->pr))
		pr_json_value(ctx->pr, "provenance",
			      json_object_get(flow, "rules") ?
			      json_incref(json_object_get(flow, "rules")) :
			      json_array());
	else
		print_text(ctx, flow);
}
