// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack zones of the chassis, as ovn-controller gives them: one per
 * local logical port (reg13 while the packet is in that port's switch
 * pipeline), and a DNAT and an SNAT zone per local datapath (reg11,
 * reg12: a router's NAT). Zones are 1..65535, the lowest free one each
 * time, and a name keeps its zone while it stays local, so that
 * recomputing the flows never moves a connection to another zone.
 *
 * Like ovn-controller, weftd keeps them across restarts in ovn-bridge's
 * external_ids, as ct-zone-NAME (ovn_zones_persist.c): at start they
 * are restored here, reserved for their names, so that connections
 * tracked before the restart are found again in the same zones. A name
 * restored that does not show up keeps its zone until the chassis has
 * settled (the replica holds what the conditions select and the flows
 * are installed): a view built from a partial replica must not give
 * a zone away.
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
	bool restored;		/* from before the restart, not seen yet */
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
			z->v[i].restored = false;
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
	z->v[z->n].restored = false;
	z->n++;
	return (uint16_t)k;
}

bool wft_ovn_zones_restore(struct wft_ovn_zones *z, const char *name,
			   unsigned int zone)
{
	size_t i;

	if (!zone || zone >= N_ZONES || (z->used[zone / 8] >> (zone % 8) & 1))
		return false;
	for (i = 0; i < z->n; i++)
		if (!strcmp(z->v[i].name, name))
			return false;
	z->used[zone / 8] |= 1 << (zone % 8);
	z->v = wft_xrealloc(z->v, (z->n + 1) * sizeof(*z->v));
	z->v[z->n].name = wft_xstrdup(name);
	z->v[z->n].zone = (uint16_t)zone;
	z->v[z->n].seen = false;
	z->v[z->n].restored = true;
	z->n++;
	return true;
}

static void forget_unseen(struct wft_ovn_zones *z, bool keep_restored)
{
	size_t i, out;

	for (i = 0, out = 0; i < z->n; i++) {
		if (z->v[i].seen || (keep_restored && z->v[i].restored)) {
			z->v[out++] = z->v[i];
			continue;
		}
		z->used[z->v[i].zone / 8] &= ~(1 << (z->v[i].zone % 8));
		free(z->v[i].name);
	}
	z->n = out;
}

bool wft_ovn_zones_settle(struct wft_ovn_zones *z)
{
	size_t n = z->n;

	forget_unseen(z, false);
	return z->n != n;
}

size_t wft_ovn_zones_count(const struct wft_ovn_zones *z)
{
	return z->n;
}

const char *wft_ovn_zones_at(const struct wft_ovn_zones *z, size_t i,
			     unsigned int *zone)
{
	*zone = z->v[i].zone;
	return z->v[i].name;
}

void wft_ovn_zones_assign(struct wft_ovn_zones *z, struct wft_ovn_view *v)
{
	char name[WFT_UUID_STRLEN + 8], uuid[WFT_UUID_STRLEN + 1];
	size_t i;

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
		    v->ports[i].kind == WFT_OVN_PORT_PATCH ||
		    v->ports[i].kind == WFT_OVN_PORT_LOCALNET)
			v->ports[i].zone = zone_of(z, v->ports[i].name);
	/* Names no longer local give their zones back (restored ones
	 * wait for wft_ovn_zones_settle()). */
	forget_unseen(z, true);
}
