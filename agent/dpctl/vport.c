// SPDX-License-Identifier: GPL-2.0
/* weft-dpctl: add-if, set-if, del-if. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dpctl.h"

static bool is_tunnel(const struct dpctl_if_spec *spec)
{
	return spec->has_type && (spec->type == WEFT_VPORT_TYPE_GENEVE ||
				  spec->type == WEFT_VPORT_TYPE_VXLAN);
}

int dpctl_add_ifs(struct dpctl *ctx, const struct wft_dp *dp, int argc,
		  char **argv)
{
	struct dpctl_if_spec spec;
	char err[256];
	int i, ret = 0;

	for (i = 0; i < argc; i++) {
		if (dpctl_parse_if_spec(argv[i], &spec, err, sizeof(err))) {
			dpctl_error(ctx, "%s", err);
			ret = 1;
			continue;
		}
		if (spec.has_dst_port && !is_tunnel(&spec)) {
			dpctl_error(ctx, "%s: dst_port is an option of geneve "
				    "and vxlan ports only", spec.name);
			ret = 1;
			continue;
		}
		if (is_tunnel(&spec) ?
		    wft_vport_new_tunnel(ctx->dpif, dp->ifindex, spec.name,
					 spec.type, (uint16_t)spec.dst_port,
					 spec.has_port_no ? spec.port_no :
					 WFT_PORT_ANY, NULL) :
		    wft_vport_new(ctx->dpif, dp->ifindex, spec.name,
				  spec.has_type ? spec.type :
				  WEFT_VPORT_TYPE_NETDEV,
				  spec.has_port_no ? spec.port_no :
				  WFT_PORT_ANY, NULL)) {
			dpctl_error(ctx, "adding %s to %s failed: %s",
				    spec.name, dp->name,
				    wft_dpif_error(ctx->dpif));
			ret = 1;
		}
	}
	return ret;
}

int cmd_if_add(struct dpctl *ctx, int argc, char **argv)
{
	struct dpctl_if_spec spec;
	struct wft_dp dp;
	char err[256];
	int i, ret;

	/* Refuse a bad argument before changing anything. */
	for (i = 1; i < argc; i++) {
		if (dpctl_parse_if_spec(argv[i], &spec, err, sizeof(err))) {
			dpctl_error(ctx, "%s", err);
			return 1;
		}
	}
	if (dpctl_open_dp(ctx, argv[0], &dp))
		return 1;
	ret = dpctl_add_ifs(ctx, &dp, argc - 1, argv + 1);
	wft_dp_uninit(&dp);
	return ret;
}

/* weft ports have no options yet: set-if only checks type and port_no. */
static int set_if(struct dpctl *ctx, const struct wft_dp *dp,
		  const char *arg)
{
	struct dpctl_if_spec spec;
	struct wft_vport v;
	char err[256];

	if (dpctl_parse_if_spec(arg, &spec, err, sizeof(err))) {
		dpctl_error(ctx, "%s", err);
		return 1;
	}
	if (wft_vport_get(ctx->dpif, dp->ifindex, spec.name, WFT_PORT_ANY,
			  &v)) {
		dpctl_error(ctx, "%s: failed to query port in %s: %s",
			    spec.name, dp->name, wft_dpif_error(ctx->dpif));
		return 1;
	}
	if (spec.has_type && spec.type != v.type) {
		dpctl_error(ctx, "%s: can't change type from %s to %s",
			    spec.name, wft_vport_type_name(v.type),
			    wft_vport_type_name(spec.type));
		return 1;
	}
	if (spec.has_port_no && spec.port_no != v.port_no) {
		dpctl_error(ctx, "%s: can't change port number from %" PRIu32
			    " to %" PRIu32, spec.name, v.port_no,
			    spec.port_no);
		return 1;
	}
	return 0;
}

int cmd_if_set(struct dpctl *ctx, int argc, char **argv)
{
	struct wft_dp dp;
	int i, ret = 0;

	if (dpctl_open_dp(ctx, argv[0], &dp))
		return 1;
	for (i = 1; i < argc; i++)
		ret |= set_if(ctx, &dp, argv[i]);
	wft_dp_uninit(&dp);
	return ret;
}

int cmd_if_del(struct dpctl *ctx, int argc, char **argv)
{
	struct wft_dp dp;
	int i, ret = 0;

	if (dpctl_open_dp(ctx, argv[0], &dp))
		return 1;
	for (i = 1; i < argc; i++) {
		const char *name = argv[i];
		uint32_t port_no = WFT_PORT_ANY;
		int err;

		/* ovs-dpctl: an all-digits argument is a port number. */
		if (name[0] && !name[strspn(name, "0123456789")]) {
			unsigned long n = strtoul(name, NULL, 10);

			if (n > WEFT_VPORT_MAX) {
				dpctl_error(ctx, "%s: no such port number",
					    name);
				ret = 1;
				continue;
			}
			port_no = (uint32_t)n;
			err = wft_vport_del(ctx->dpif, dp.ifindex, NULL,
					    port_no);
		} else {
			err = wft_vport_del(ctx->dpif, dp.ifindex, name,
					    WFT_PORT_ANY);
		}
		if (err) {
			dpctl_error(ctx, "deleting port %s from %s failed: %s",
				    name, dp.name, wft_dpif_error(ctx->dpif));
			ret = 1;
		}
	}
	wft_dp_uninit(&dp);
	return ret;
}
