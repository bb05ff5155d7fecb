// SPDX-License-Identifier: GPL-2.0
/*
 * A multiset of 32-bit hashes for the classifier's stage indices
 * (cls_private.h): open addressing with linear probing, a count per hash,
 * and backward-shift deletion so that no tombstones slow lookups down.
 * A lookup is a few probes in two flat arrays and never allocates.
 */
#include <string.h>

#include "cls_private.h"

void wft_cls_hset_init(struct cls_hset *s)
{
	memset(s, 0, sizeof(*s));
}

void wft_cls_hset_destroy(struct cls_hset *s)
{
	free(s->hash);
	free(s->count);
	wft_cls_hset_init(s);
}

static void grow(struct cls_hset *s)
{
	size_t old_size = s->hash ? s->mask + 1 : 0;
	size_t size = old_size ? old_size * 2 : 16;
	uint32_t *oh = s->hash, *oc = s->count;
	size_t i, j;

	s->hash = wft_cls_xzalloc(size * sizeof(*s->hash));
	s->count = wft_cls_xzalloc(size * sizeof(*s->count));
	s->mask = size - 1;
	for (i = 0; i < old_size; i++) {
		if (!oc[i])
			continue;
		for (j = oh[i] & s->mask; s->count[j]; j = (j + 1) & s->mask)
			;
		s->hash[j] = oh[i];
		s->count[j] = oc[i];
	}
	free(oh);
	free(oc);
}

/* The slot of @h, or of the free slot where it would go. */
static size_t probe(const struct cls_hset *s, uint32_t h)
{
	size_t i = h & s->mask;

	while (s->count[i] && s->hash[i] != h)
		i = (i + 1) & s->mask;
	return i;
}

void wft_cls_hset_add(struct cls_hset *s, uint32_t h)
{
	size_t i;

	if (!s->hash || (s->n + 1) * 4 > (s->mask + 1) * 3)
		grow(s);
	i = probe(s, h);
	if (!s->count[i]) {
		s->hash[i] = h;
		s->n++;
	}
	s->count[i]++;
}

/* Whether slot @k lies in the cyclic interval (i, j]. */
static bool between(size_t i, size_t k, size_t j)
{
	return i <= j ? (i < k && k <= j) : (k > i || k <= j);
}

void wft_cls_hset_remove(struct cls_hset *s, uint32_t h)
{
	size_t i, j, k;

	if (!s->hash)
		return;
	i = probe(s, h);
	if (!s->count[i] || --s->count[i])
		return;
	s->n--;
	/* Pull back every later entry of the cluster that the hole would
	 * hide from its own probe sequence. */
	for (j = (i + 1) & s->mask; s->count[j]; j = (j + 1) & s->mask) {
		k = s->hash[j] & s->mask;
		if (between(i, k, j))
			continue;
		s->hash[i] = s->hash[j];
		s->count[i] = s->count[j];
		s->count[j] = 0;
		i = j;
	}
}

bool wft_cls_hset_contains(const struct cls_hset *s, uint32_t h)
{
	return s->hash && s->count[probe(s, h)];
}
