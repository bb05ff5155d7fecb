/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the bridge component: OpenFlow port numbers and the file
 * that keeps them across restarts (include/weft/bridge.h says the rules).
 */
#ifndef WEFT_BRIDGE_PRIV_H
#define WEFT_BRIDGE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* One interface of a bridge, as the assignment sees it. */
struct wft_ofport_iface {
	const char *name;
	int64_t request;	/* ofport_request; 0: none */
	bool ok;		/* has its datapath port, or needs none */
	int64_t ofport;		/* out: the number, or -1 when !ok */
	void *aux;		/* the caller's */
};

/*
 * The assignments, {"BRIDGE": {"IFACE": OFPORT, ...}, ...}. Loading never
 * fails: a missing file is an empty map, and a damaged one is reported
 * (in @err) and treated as empty, since numbers can always be handed out
 * again.
 */
json_t *wft_ofport_db_load(const char *path, char *err, size_t errlen);
/* Writes atomically (temporary file, fsync, rename). 0 or -errno. */
int wft_ofport_db_save(const json_t *db, const char *path);

/*
 * Numbers @n interfaces of @bridge (sorted by name here), preferring
 * requests, then the numbers @prev recorded, then the lowest free ones;
 * the bridge's own interface (named @bridge) is LOCAL. Records what it
 * handed out in @next.
 */
void wft_ofport_assign(const json_t *prev, json_t *next, const char *bridge,
		       struct wft_ofport_iface *ifaces, size_t n);

#endif /* WEFT_BRIDGE_PRIV_H */
