// SPDX-License-Identifier: GPL-2.0
/*
 * The group table of compiled logical flows (struct wft_lflow_groups in
 * include/weft/lflow_actions.h): ids by group text, with counts.
 */
#include <stdlib.h>
#include <string.h>

#include "weft/lflow_actions.h"
#include "weft/util.h"

void wft_lflow_groups_init(struct wft_lflow_groups *gs)
{
	memset(gs, 0, sizeof(*gs));
}

void wft_lflow_groups_uninit(struct wft_lflow_groups *gs)
{
	size_t i;

	for (i = 0; i < gs->n; i++)
		free(gs->g[i].text);
	free(gs->g);
	wft_lflow_groups_init(gs);
}

uint32_t wft_lflow_groups_assign(struct wft_lflow_groups *gs,
				 const char *text)
{
	uint32_t id = 1;
	size_t i;

	for (i = 0; i < gs->n; i++)
		if (!strcmp(gs->g[i].text, text)) {
			gs->g[i].refs++;
			return gs->g[i].id;
		}
	/* The lowest free id: the list is sorted, so the first gap. */
	for (i = 0; i < gs->n && gs->g[i].id == id; i++)
		id++;
	if (id > 0xffffff00u)
		return 0;
	if (gs->n == gs->allocated) {
		gs->allocated = gs->allocated ? 2 * gs->allocated : 8;
		gs->g = wft_xrealloc(gs->g, gs->allocated * sizeof(*gs->g));
	}
	memmove(&gs->g[i + 1], &gs->g[i], (gs->n - i) * sizeof(*gs->g));
	gs->g[i].id = id;
	gs->g[i].text = wft_xstrdup(text);
	gs->g[i].refs = 1;
	gs->n++;
	return id;
}

bool wft_lflow_groups_release(struct wft_lflow_groups *gs, uint32_t id)
{
	size_t i;

	for (i = 0; i < gs->n && gs->g[i].id != id; i++)
		;
	if (i == gs->n || --gs->g[i].refs)
		return false;
	free(gs->g[i].text);
	memmove(&gs->g[i], &gs->g[i + 1], (gs->n - i - 1) * sizeof(*gs->g));
	gs->n--;
	return true;
}

const struct wft_lflow_group *
wft_lflow_groups_find(const struct wft_lflow_groups *gs, uint32_t id)
{
	size_t i;

	for (i = 0; i < gs->n; i++)
		if (gs->g[i].id == id)
			return &gs->g[i];
	return NULL;
}
