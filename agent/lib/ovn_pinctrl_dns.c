// SPDX-License-Identifier: GPL-2.0
/*
 * dns_lookup's records (include/weft/ovn_pinctrl.h): the chassis' copy of
 * the SB DNS table, as ovn-controller's pinctrl keeps its dns_cache. The
 * main thread rebuilds it from the replica when DNS or Datapath_Binding
 * rows change; the handler threads look names up in it for the
 * datapath a query came from. The replica belongs to the main thread,
 * so the handlers read this copy, under a mutex, and copy the answer
 * out. A chassis holds the DNS rows of every switch (the table is
 * monitored whole, as ovn-controller monitors it), a few records each:
 * a linear scan is enough.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovn_pinctrl.h"
#include "weft/ovsdb_replica.h"
#include "weft/util.h"

struct rec {
	uint32_t dp_key;
	char *name;			/* lower case */
	char *data;
};

static pthread_mutex_t dns_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct rec *recs;
static size_t n_recs;

static char *lower_dup(const char *s)
{
	char *d = wft_xstrdup(s), *p;

	for (p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

static void free_recs(struct rec *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].data);
	}
	free(v);
}

void wft_pin_dns_replace(const struct wft_pin_dns_rec *v, size_t n)
{
	struct rec *nv = n ? wft_xcalloc(n, sizeof(*nv)) : NULL, *old;
	size_t i, n_old;

	for (i = 0; i < n; i++) {
		nv[i].dp_key = v[i].dp_key;
		nv[i].name = lower_dup(v[i].name);
		nv[i].data = wft_xstrdup(v[i].data);
	}
	pthread_mutex_lock(&dns_mutex);
	old = recs;
	n_old = n_recs;
	recs = nv;
	n_recs = n;
	pthread_mutex_unlock(&dns_mutex);
	free_recs(old, n_old);
}

int wft_pin_dns_lookup(uint32_t dp_key, const char *name, char *out,
		       size_t cap)
{
	int ret = -ENOENT;
	size_t i;

	pthread_mutex_lock(&dns_mutex);
	for (i = 0; i < n_recs; i++) {
		if (recs[i].dp_key != dp_key ||
		    strcasecmp(recs[i].name, name))
			continue;
		if (strlen(recs[i].data) >= cap) {
			ret = -ENOSPC;
		} else {
			strcpy(out, recs[i].data);
			ret = 0;
		}
		break;
	}
	pthread_mutex_unlock(&dns_mutex);
	return ret;
}

size_t wft_pin_dns_count(void)
{
	size_t n;

	pthread_mutex_lock(&dns_mutex);
	n = n_recs;
	pthread_mutex_unlock(&dns_mutex);
	return n;
}

static bool table_changed(struct wft_ovsdb_replica *r, const char *name)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, name);

	return t && wft_ovsdb_rtable_tracked_first(t);
}

void wft_pin_dns_sync(struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_rtable *dns, *dpb;
	struct wft_pin_dns_rec *v = NULL;
	struct wft_ovsdb_row *row, *dp;
	size_t n = 0, cap = 0;
	unsigned int i, k;

	if (!table_changed(r, "DNS") &&
	    !table_changed(r, "Datapath_Binding"))
		return;
	dns = wft_ovsdb_replica_table(r, "DNS");
	dpb = wft_ovsdb_replica_table(r, "Datapath_Binding");
	for (row = dns && dpb ? wft_ovsdb_rtable_first(dns) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		const struct wft_ovsdb_datum *dps, *records;

		dps = wft_ovsdb_row_get_named(row, "datapaths");
		records = wft_ovsdb_row_get_named(row, "records");
		if (!dps || !records || !records->values)
			continue;
		for (i = 0; i < dps->n; i++) {
			dp = wft_ovsdb_rtable_find(dpb, &dps->keys[i].u);
			if (!dp)
				continue;
			for (k = 0; k < records->n; k++) {
				if (n == cap) {
					cap = cap ? cap * 2 : 16;
					v = wft_xrealloc(v, cap * sizeof(*v));
				}
				v[n].dp_key = (uint32_t)wft_ovsdb_row_integer(
					dp, "tunnel_key", 0);
				v[n].name = records->keys[k].s;
				v[n].data = records->values[k].s;
				n++;
			}
		}
	}
	wft_pin_dns_replace(v, n);
	free(v);
}
