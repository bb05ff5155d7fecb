// SPDX-License-Identifier: GPL-2.0
/*
 * The chassis' conntrack zones kept across weftd restarts, where
 * ovn-controller 23.03 keeps them (controller/ovn-controller.c,
 * restore_ct_zones and commit_ct_zones): in the integration bridge's
 * external_ids, one key per zone user, "ct-zone-" followed by the
 * logical port's name or by "<datapath UUID>_dnat" / "_snat". A node
 * that moves from ovn-controller to weft, or back, keeps its zones too.
 *
 * The keys are written through a configuration commit, which saves
 * conf.json before anything else sees it, so a zone that flows use is
 * on disk by the time a connection can be tracked in it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/conf.h"
#include "weft/daemon.h"
#include "weft/util.h"
#include "weft/vlog.h"

#include "ovn_priv.h"

WFT_LOG_MODULE(ovn_zones);

#define PREFIX "ct-zone-"
#define PREFIX_LEN (sizeof(PREFIX) - 1)

void wft_ovn_zones_load(struct wft_ovn *o)
{
	const struct wft_datum *ids;
	struct wft_row *br;
	unsigned int i, n = 0;
	const char *v;
	char *end;
	long zone;

	o->zones = wft_ovn_zones_new();
	br = wft_conf_find(wft_daemon_conf(o->d), WFT_TBL_BRIDGE,
			   o->node.bridge);
	if (!br)
		return;		/* a new bridge has no zones to keep */
	ids = &br->cols[WFT_BR_EXTERNAL_IDS];
	for (i = 0; i < ids->n; i++) {
		if (strncmp(ids->keys[i].s, PREFIX, PREFIX_LEN))
			continue;
		v = ids->values[i].s;
		errno = 0;
		zone = strtol(v, &end, 10);
		if (errno || end == v || *end || !ids->keys[i].s[PREFIX_LEN] ||
		    !wft_ovn_zones_restore(o->zones,
					   ids->keys[i].s + PREFIX_LEN,
					   (unsigned int)(zone < 0 ? 0 :
					   zone > 65535 ? 65536 : zone))) {
			wft_warn("%s: external_ids:%s=%s: not a zone 1..65535 "
				 "of its own, ignored", o->node.bridge,
				 ids->keys[i].s, v);
			continue;
		}
		n++;
	}
	if (n)
		wft_info("%s: %u conntrack zones restored", o->node.bridge, n);
}

void wft_ovn_zones_save(struct wft_ovn *o)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	const struct wft_column *col;
	struct wft_datum want;
	struct wft_conf *copy;
	struct wft_row *br;
	unsigned int zone, i;
	const char *name;
	char key[256], val[8];
	size_t j;

	if (!o->zones)
		return;
	br = wft_conf_find(wft_daemon_conf(o->d), WFT_TBL_BRIDGE,
			   o->node.bridge);
	if (!br)
		return;
	col = &br->table->columns[WFT_BR_EXTERNAL_IDS];
	/* The other keys as they are, then one per zone. */
	wft_datum_init(&want);
	for (i = 0; i < br->cols[WFT_BR_EXTERNAL_IDS].n; i++)
		if (strncmp(br->cols[WFT_BR_EXTERNAL_IDS].keys[i].s, PREFIX,
			    PREFIX_LEN))
			wft_datum_append(&want,
				&br->cols[WFT_BR_EXTERNAL_IDS].keys[i],
				&br->cols[WFT_BR_EXTERNAL_IDS].values[i], col);
	for (j = 0; j < wft_ovn_zones_count(o->zones); j++) {
		union wft_atom k = { .s = key }, v = { .s = val };

		name = wft_ovn_zones_at(o->zones, j, &zone);
		snprintf(key, sizeof(key), PREFIX "%s", name);
		snprintf(val, sizeof(val), "%u", zone);
		wft_datum_append(&want, &k, &v, col);
	}
	if (wft_datum_sort(&want, col) ||
	    wft_datum_equal(&want, &br->cols[WFT_BR_EXTERNAL_IDS], col)) {
		wft_datum_destroy(&want, col);
		return;
	}
	copy = wft_conf_clone(wft_daemon_conf(o->d));
	br = wft_conf_find(copy, WFT_TBL_BRIDGE, o->node.bridge);
	wft_row_set(br, WFT_BR_EXTERNAL_IDS, &want);
	o->conf_self = true;	/* no flow reads the keys */
	if (wft_daemon_conf_commit(o->d, copy, &err))
		wft_warn("%s: saving the conntrack zones: %s", o->node.bridge,
			 wft_strbuf_cstr(&err));
	o->conf_self = false;
	wft_strbuf_free(&err);
}
