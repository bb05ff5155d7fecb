// SPDX-License-Identifier: GPL-2.0
/*
 * Rules installed by weftd itself (the OVN chassis), not through the
 * control socket: a bridge's rules made exactly a desired set, as
 * replace-flows makes them (unchanged rules keep their counters, and the
 * revalidator only sees the pipeline change when something did change),
 * flows parsed with the bridge's TLV map, and a TLV mapping made sure of.
 * Main thread only, like the ofctl methods.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofproto_priv.h"
#include "ofproto_rpc.h"
#include "weft/tlv_map.h"
#include "weft/util.h"

int wft_ofproto_install(struct wft_backer *b, const char *bridge,
			const struct wft_ofp_flow *flows, size_t n_flows,
			struct wft_ofproto_install_stats *st, char *err,
			size_t errlen)
{
	struct wft_ofproto *br = wft_backer_find(b, bridge);
	struct wft_replace_plan pl = { 0 };
	size_t bad = 0, n = 0;
	int ret;

	memset(st, 0, sizeof(*st));
	if (!br) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	wft_replace_plan_build(&pl, wft_ofproto_pipeline(br), flows, n_flows);
	ret = wft_apply_flow_mods(wft_ofproto_pipeline(br), pl.fms, pl.n, &bad,
				  &n);
	if (ret)
		snprintf(err, errlen, "flow %zu: %s", pl.line[bad],
			 strerror(-ret));
	else if (pl.n)
		wft_backer_changed(b);
	st->added = pl.added;
	st->deleted = pl.deleted;
	st->modified = pl.modified;
	free(pl.fms);
	free(pl.line);
	return ret;
}

struct wft_pipeline *wft_ofproto_bridge_pipeline(struct wft_backer *b,
						 const char *bridge)
{
	struct wft_ofproto *br = wft_backer_find(b, bridge);

	return br ? wft_ofproto_pipeline(br) : NULL;
}

int wft_ofproto_parse_flow(struct wft_backer *b, const char *bridge,
			   const char *text, struct wft_ofp_flow *out,
			   char *err, size_t errlen)
{
	struct wft_ofproto *br = wft_backer_find(b, bridge);
	int ret;

	if (!br) {
		wft_ofp_flow_init(out, WFT_OFPFC_ADD);
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	wft_ofproto_use_port_names(br, false);
	ret = wft_ofp_flow_parse(text, WFT_OFPFC_ADD, out, err, errlen);
	wft_ofproto_use_port_names(NULL, false);
	return ret;
}

int wft_ofproto_tlv_ensure(struct wft_backer *b, const char *bridge,
			   const char *mapping, char *err, size_t errlen)
{
	struct wft_tlv_mapping m[WFT_N_TUN_METADATA];
	struct wft_ofproto *br = wft_backer_find(b, bridge);
	const struct wft_tlv_entry *e;
	size_t n, i;
	int ret;

	if (!br) {
		snprintf(err, errlen, "no bridge named %s", bridge);
		return -ENOENT;
	}
	ret = wft_tlv_mappings_parse(mapping, m, WFT_N_TUN_METADATA, &n, err,
				     errlen);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		e = wft_tlv_map_get(br->tlv, m[i].index);
		if (!e || !e->mapped || e->opt_class != m[i].opt_class ||
		    e->type != m[i].type || e->len != m[i].len)
			break;
	}
	if (i == n)
		return 0;	/* already there */
	pthread_rwlock_wrlock(&b->lock);
	ret = wft_tlv_map_add(br->tlv, m, n, err, errlen);
	atomic_fetch_add(&b->port_gen, 1);
	pthread_rwlock_unlock(&b->lock);
	if (!ret)
		wft_backer_changed(b);
	return ret;
}
