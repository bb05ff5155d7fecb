// SPDX-License-Identifier: GPL-2.0
/*
 * Recirculation ids (include/weft/recirc.h): a hash table from frozen
 * state to id and an array from id to state, under one mutex. Lookups by
 * id happen once per upcall of a recirculated packet and allocations once
 * per translation through ct(table=N): neither is on the datapath's fast
 * path, so one lock is enough.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "weft/recirc.h"
#include "weft/util.h"

struct node {
	struct wft_frozen_state state;
	uint32_t id;
	uint32_t hash;
	struct node *next;		/* in its hash bucket */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct node **buckets;		/* n_buckets, a power of 2 */
static size_t n_buckets;
static struct node **by_id;		/* by_id[id - 1] */
static size_t n_ids, allocated;

/* FNV-1a over the state's bytes (padding is zero by contract). */
static uint32_t state_hash(const struct wft_frozen_state *s)
{
	const uint8_t *p = (const uint8_t *)s;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*s); i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void rehash(void)
{
	size_t n = n_buckets ? n_buckets * 2 : 256, i;
	struct node **b = wft_xcalloc(n, sizeof(*b));

	for (i = 0; i < n_ids; i++) {
		struct node *nd = by_id[i];

		nd->next = b[nd->hash & (n - 1)];
		b[nd->hash & (n - 1)] = nd;
	}
	free(buckets);
	buckets = b;
	n_buckets = n;
}

uint32_t wft_recirc_id_get(const struct wft_frozen_state *state)
{
	struct wft_frozen_state s = *state;
	uint32_t h, id = 0;
	struct node *nd;

	memset(s.pad, 0, sizeof(s.pad));
	h = state_hash(&s);
	pthread_mutex_lock(&lock);
	for (nd = n_buckets ? buckets[h & (n_buckets - 1)] : NULL; nd;
	     nd = nd->next)
		if (nd->hash == h && !memcmp(&nd->state, &s, sizeof(s))) {
			id = nd->id;
			goto out;
		}
	if (n_ids >= WFT_RECIRC_MAX)
		goto out;
	if (n_ids >= n_buckets)
		rehash();
	if (n_ids == allocated) {
		allocated = allocated ? allocated * 2 : 256;
		by_id = wft_xrealloc(by_id, allocated * sizeof(*by_id));
	}
	nd = wft_xmalloc(sizeof(*nd));
	nd->state = s;
	nd->hash = h;
	nd->id = (uint32_t)++n_ids;
	by_id[n_ids - 1] = nd;
	nd->next = buckets[h & (n_buckets - 1)];
	buckets[h & (n_buckets - 1)] = nd;
	id = nd->id;
out:
	pthread_mutex_unlock(&lock);
	return id;
}

bool wft_recirc_find(uint32_t id, struct wft_frozen_state *state)
{
	bool found = false;

	pthread_mutex_lock(&lock);
	if (id && id <= n_ids) {
		*state = by_id[id - 1]->state;
		found = true;
	}
	pthread_mutex_unlock(&lock);
	return found;
}

size_t wft_recirc_count(void)
{
	size_t n;

	pthread_mutex_lock(&lock);
	n = n_ids;
	pthread_mutex_unlock(&lock);
	return n;
}

void wft_recirc_clear(void)
{
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < n_ids; i++)
		free(by_id[i]);
	free(by_id);
	free(buckets);
	by_id = NULL;
	buckets = NULL;
	n_ids = allocated = n_buckets = 0;
	pthread_mutex_unlock(&lock);
}
