// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack zones of the chassis, as ovn-controller gives them: one per
 * local logical port (reg13 while the packet is in that port's switch
 * pipeline), and a DNAT and an SNAT zone per local datapath (reg11,
 * reg12: a router's NAT). Zones are 1..65535, the lowest free one each
 * time, and a name keeps its zone while it stays local, so that
 * recomputing the flows never moves a connection to another zone.
 *
 * ovn-controller also writes them to the Bridge's external_ids
 * (ct-zone-NAME) to keep them across restarts; weft keeps them in
 * memory only: after a weftd restart, connections tracked under the old
 * numbering are not found again (a known gap, see docs/ovn.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"

#include "ovn_priv.h"

#define N_ZONES 65536

struct zone {
	char *name;
	uint16_t zone;
	bool seen;
};

struct wft_ovn_zones {
	struct zone *v;
	size_t n;
	uint8_t used[N_ZONES / 8];
};

struct wft_ovn_zones *wft_ovn_zones_new(void)
{
	return wft_xcalloc(1, sizeof(struct wft_ovn_zones));
}

void wft_ovn_zones_free(struct wft_ovn_zones *z)
{
	size_t i;

	if (!z)
		return;
	for (i = 0; i < z->n; i++)
		free(z->v[i].name);
	free(z->v);
	free(z);
}

static uint16_t zone_of(struct wft_ovn_zones *z, const char *name)
{
	unsigned int k;
	size_t i;

	for (i = 0; i < z->n; i++)
		if (!strcmp(z->v[i].name, name)) {
			z->v[i].seen = true;
			return z->v[i].zone;
		}
	for (k = 1; k < N_ZONES && (z->used[k / 8] >> (k % 8) & 1); k++)
		;
	if (k == N_ZONES)
		return 0;	/* all taken: the default zone */
	z->used[k / 8] |= 1 << (k % 8);
	z->v = wft_xrealloc(z->v, (z->n + 1) * sizeof(*z->v));
	z->v[z->n].name = wft_xstrdup(name);
	z->v[z->n].zone = (uint16_t)k;
	z->v[z->n].seen = true;
	z->n++;
	return (uint16_t)k;
}

void wft_ovn_zones_assign(struct wft_ovn_zones *z, struct wft_ovn_view *v)
{
	char name[WFT_UUID_STRLEN + 8], uuid[WFT_UUID_STRLEN + 1];
	size_t i, out;

	for (i = 0; i < z->n; i++)
		z->v[i].seen = false;
	for (i = 0; i < v->n_dps; i++) {
		wft_uuid_format(&v->dps[i].uuid, uuid);
		snprintf(name, sizeof(name), "%s_dnat", uuid);
		v->dps[i].dnat_zone = zone_of(z, name);
		snprintf(name, sizeof(name), "%s_snat", uuid);
		v->dps[i].snat_zone = zone_of(z, name);
	}
	for (i = 0; i < v->n_ports; i++)
		if (v->ports[i].kind == WFT_OVN_PORT_LOCAL ||
		    v->ports[i].kind == WFT_OVN_PORT_PATCH)
			v->ports[i].zone = zone_of(z, v->ports[i].name);
	/* Names no longer local give their zones back. */
	for (i = 0, out = 0; i < z->n; i++) {
		if (z->v[i].seen) {
			z->v[out++] = z->v[i];
			continue;
		}
		z->used[z->v[i].zone / 8] &= ~(1 << (z->v[i].zone % 8));
		free(z->v[i].name);
	}
	z->n = out;
}
