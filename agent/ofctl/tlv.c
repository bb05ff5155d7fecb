// SPDX-License-Identifier: GPL-2.0
/*
 * weft-ofctl's GENEVE TLV map commands, as ovs-ofctl's:
 *
 *   add-tlv-map BRIDGE "{class=0x0102,type=0x80,len=4}->tun_metadata0"
 *   del-tlv-map BRIDGE [MAPPINGS]       (no MAPPINGS: all)
 *   dump-tlv-map BRIDGE                 (ovs-ofctl's table)
 *
 * The mapping syntax is checked here first; weftd checks the rest (OVS's
 * NXTTMFC_* errors) and keeps the map across restarts.
 *
 *   ofctl/add-tlv-map {"bridge", "mappings"} -> {}
 *   ofctl/del-tlv-map {"bridge", "mappings"?} -> {}
 *   ofctl/dump-tlv-map {"bridge"} -> {"text", "mappings": [...]}
 */
#include <string.h>

#include "weft/tlv_map.h"
#include "ofctl.h"

static int tlv_mod(struct ofctl *ctx, const char *method, int argc,
		   char **argv)
{
	struct wft_tlv_mapping m[WFT_N_TUN_METADATA];
	json_t *params, *result;
	char err[256];
	size_t n;

	if (argc > 1 && wft_tlv_mappings_parse(argv[1], m, WFT_N_TUN_METADATA,
					       &n, err, sizeof(err))) {
		ofctl_error(ctx, "%s", err);
		return 1;
	}
	params = ofctl_params_new(ctx, argv[0]);
	if (!params)
		return 1;
	if (argc > 1 &&
	    json_object_set_new(params, "mappings", json_string(argv[1]))) {
		ofctl_error(ctx, "MAPPINGS is not UTF-8 text");
		json_decref(params);
		return 1;
	}
	if (ofctl_call(ctx, method, params, NULL, &result))
		return 1;
	json_decref(result);
	return 0;
}

int cmd_tlv_add(struct ofctl *ctx, int argc, char **argv)
{
	return tlv_mod(ctx, "ofctl/add-tlv-map", argc, argv);
}

int cmd_tlv_del(struct ofctl *ctx, int argc, char **argv)
{
	return tlv_mod(ctx, "ofctl/del-tlv-map", argc, argv);
}

int cmd_tlv_dump(struct ofctl *ctx, int argc, char **argv)
{
	json_t *params, *result;
	int ret;

	params = ofctl_params_new(ctx, argv[0]);
	if (!params || ofctl_call(ctx, "ofctl/dump-tlv-map", params, NULL,
				  &result))
		return 1;
	ret = ofctl_print(ctx, result, "mappings", NULL, NULL);
	json_decref(result);
	return ret;
}
