// SPDX-License-Identifier: GPL-2.0
/*
 * ofproto: the bridge whose new flows wait while its rules are rebuilt
 * (wft_backer_hold() in include/weft/ofproto.h), and with it every bridge
 * patched to it, directly or through others: a packet that enters one of
 * those may cross into its tables, and a megaflow translated against
 * half of them would be wrong until the revalidator came by. A bridge no
 * patch port joins to it forwards as usual.
 */
#include <stdlib.h>

#include "ofproto_priv.h"
#include "weft/util.h"

static void hold_from(struct wft_backer *b, struct wft_ofproto *br)
{
	const struct ofport *p;
	size_t i;

	if (!br || br->held)
		return;
	br->held = true;
	/* Paired patch ports name each other, so this reaches the same
	 * bridges from whichever end; the flag ends the walk. */
	for (i = 0; i < br->n_ports; i++) {
		p = &br->ports[i];
		if (p->xp.patch)
			hold_from(b, wft_backer_find(b, p->patch.bridge_name));
	}
}

void wft_ofproto_hold_mark(struct wft_backer *b)
{
	size_t i;

	for (i = 0; i < b->n_brs; i++)
		b->brs[i]->held = false;
	if (b->held_name)
		hold_from(b, wft_backer_find(b, b->held_name));
}

void wft_backer_hold(struct wft_backer *b, const char *name)
{
	bool ended = b->held_name && !name;

	pthread_rwlock_wrlock(&b->lock);
	free(b->held_name);
	b->held_name = name ? wft_xstrdup(name) : NULL;
	wft_ofproto_hold_mark(b);
	pthread_rwlock_unlock(&b->lock);
	if (ended)
		wft_backer_changed(b);
}

bool wft_ofproto_held(const struct wft_ofproto *br)
{
	return br->held;
}
