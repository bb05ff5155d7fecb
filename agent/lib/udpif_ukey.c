// SPDX-License-Identifier: GPL-2.0
/*
 * udpif's flow cache: ukeys by UFID, in WFT_UDPIF_N_SHARDS hash tables
 * with a mutex each, so that handlers inserting and the revalidator
 * looking up rarely meet (include/weft/udpif.h, Locking).
 */
#include <stdlib.h>
#include <string.h>

#include "udpif_priv.h"
#include "uapi/linux/weft.h"
#include "weft/util.h"

uint32_t wft_ufid_hash(const struct wft_ufid *ufid)
{
	/* UFIDs are hashes already: mixing the words is enough. */
	uint32_t h = ufid->w[0] ^ (ufid->w[1] * 0x9e3779b1u);

	return h ^ ufid->w[2] ^ (ufid->w[3] >> 7) ^ (h >> 15);
}

uint32_t wft_key_in_port(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint16_t alen, type;
	uint32_t port;

	while (len >= 4) {
		memcpy(&alen, p, 2);
		memcpy(&type, p + 2, 2);
		if (alen < 4 || alen > len)
			break;
		if ((type & 0x3fff) == WEFT_KEY_A_IN_PORT && alen >= 8) {
			memcpy(&port, p + 4, 4);
			return port;
		}
		alen = (uint16_t)((alen + 3) & ~3);
		if (alen >= len)
			break;
		p += alen;
		len -= alen;
	}
	return WFT_PORT_ANY;
}

static struct shard *shard_of(struct wft_udpif *u, uint32_t hash)
{
	return &u->shards[hash % WFT_UDPIF_N_SHARDS];
}

static size_t bucket_of(const struct shard *s, uint32_t hash)
{
	return (hash / WFT_UDPIF_N_SHARDS) & (s->n_buckets - 1);
}

void wft_ukeys_init(struct wft_udpif *u)
{
	struct shard *s;
	size_t i;

	for (i = 0; i < WFT_UDPIF_N_SHARDS; i++) {
		s = &u->shards[i];
		pthread_mutex_init(&s->mutex, NULL);
		s->n_buckets = 16;
		s->buckets = wft_xcalloc(s->n_buckets, sizeof(*s->buckets));
	}
}

void wft_ukeys_destroy(struct wft_udpif *u)
{
	struct ukey *k, *next;
	struct shard *s;
	size_t i, b;

	for (i = 0; i < WFT_UDPIF_N_SHARDS; i++) {
		s = &u->shards[i];
		for (b = 0; b < s->n_buckets; b++)
			for (k = s->buckets[b]; k; k = next) {
				next = k->next;
				wft_ukey_free(k);
			}
		free(s->buckets);
		pthread_mutex_destroy(&s->mutex);
	}
	atomic_store(&u->n_ukeys, 0);
}

static struct ukey *find_locked(struct shard *s, const struct wft_ufid *ufid,
				uint32_t hash)
{
	struct ukey *k;

	for (k = s->buckets[bucket_of(s, hash)]; k; k = k->next)
		if (k->hash == hash && wft_ufid_equal(&k->ufid, ufid))
			return k;
	return NULL;
}

bool wft_ukey_exists(struct wft_udpif *u, const struct wft_ufid *ufid,
		     uint32_t hash, bool mark_stale)
{
	struct shard *s = shard_of(u, hash);
	struct ukey *k;

	pthread_mutex_lock(&s->mutex);
	k = find_locked(s, ufid, hash);
	if (k && mark_stale)
		atomic_store(&k->stale, true);
	pthread_mutex_unlock(&s->mutex);
	return k != NULL;
}

struct ukey *wft_ukey_find(struct wft_udpif *u, const struct wft_ufid *ufid,
			   uint32_t hash)
{
	struct shard *s = shard_of(u, hash);
	struct ukey *k;

	pthread_mutex_lock(&s->mutex);
	k = find_locked(s, ufid, hash);
	pthread_mutex_unlock(&s->mutex);
	return k;
}

static void grow(struct shard *s)
{
	size_t n = s->n_buckets * 2, i;
	struct ukey **b = wft_xcalloc(n, sizeof(*b)), *k, *next;

	for (i = 0; i < s->n_buckets; i++)
		for (k = s->buckets[i]; k; k = next) {
			next = k->next;
			k->next = b[(k->hash / WFT_UDPIF_N_SHARDS) & (n - 1)];
			b[(k->hash / WFT_UDPIF_N_SHARDS) & (n - 1)] = k;
		}
	free(s->buckets);
	s->buckets = b;
	s->n_buckets = n;
}

bool wft_ukey_insert(struct wft_udpif *u, struct ukey *k)
{
	struct shard *s = shard_of(u, k->hash);
	size_t b;

	pthread_mutex_lock(&s->mutex);
	if (find_locked(s, &k->ufid, k->hash)) {
		pthread_mutex_unlock(&s->mutex);
		return false;
	}
	if (s->n >= s->n_buckets)
		grow(s);
	b = bucket_of(s, k->hash);
	k->next = s->buckets[b];
	s->buckets[b] = k;
	s->n++;
	atomic_fetch_add(&u->n_ukeys, 1);
	pthread_mutex_unlock(&s->mutex);
	return true;
}

static bool unlink_locked(struct shard *s, struct ukey *k)
{
	struct ukey **p;

	for (p = &s->buckets[bucket_of(s, k->hash)]; *p; p = &(*p)->next)
		if (*p == k) {
			*p = k->next;
			s->n--;
			return true;
		}
	return false;
}

void wft_ukey_mark_failed(struct wft_udpif *u, struct ukey *k)
{
	struct shard *s = shard_of(u, k->hash);
	struct ukey *x;

	pthread_mutex_lock(&s->mutex);
	/* Compared by address only after finding it: it may be gone. */
	for (x = s->buckets[bucket_of(s, k->hash)]; x; x = x->next)
		if (x == k)
			atomic_store(&x->failed, true);
	pthread_mutex_unlock(&s->mutex);
}

void wft_ukey_remove(struct wft_udpif *u, struct ukey *k)
{
	struct shard *s = shard_of(u, k->hash);
	bool found;

	pthread_mutex_lock(&s->mutex);
	found = unlink_locked(s, k);
	pthread_mutex_unlock(&s->mutex);
	if (found) {
		atomic_fetch_sub(&u->n_ukeys, 1);
		wft_ukey_free(k);
	}
}

void wft_ukeys_sweep(struct wft_udpif *u,
		     bool (*keep)(const struct ukey *k, void *aux), void *aux)
{
	struct ukey **p, *k;
	struct shard *s;
	size_t i, b;

	for (i = 0; i < WFT_UDPIF_N_SHARDS; i++) {
		s = &u->shards[i];
		pthread_mutex_lock(&s->mutex);
		for (b = 0; b < s->n_buckets; b++)
			for (p = &s->buckets[b]; (k = *p);) {
				if (keep(k, aux)) {
					p = &k->next;
					continue;
				}
				*p = k->next;
				s->n--;
				atomic_fetch_sub(&u->n_ukeys, 1);
				wft_ukey_free(k);
			}
		pthread_mutex_unlock(&s->mutex);
	}
}

/* Drops @list's references; frees its array unless it is in a ukey's
 * block. */
static void rules_release(struct wft_rule_list *list, bool in_block)
{
	size_t i;

	if (!in_block) {
		wft_rule_list_destroy(list);
		return;
	}
	for (i = 0; i < list->n; i++)
		wft_rule_unref(list->rules[i]);
	wft_rule_list_init(list);
}

void wft_ukey_set_rules(struct wft_udpif *u, struct ukey *k,
			const struct wft_rule_list *rules)
{
	struct shard *s = shard_of(u, k->hash);
	struct wft_rule_list fresh, old;
	bool old_inline;
	size_t i;

	wft_rule_list_init(&fresh);
	for (i = 0; i < rules->n; i++)
		wft_rule_list_push(&fresh, rules->rules[i]);
	pthread_mutex_lock(&s->mutex);
	old = k->rules;
	old_inline = k->rules_inline;
	k->rules = fresh;
	k->rules_inline = false;
	pthread_mutex_unlock(&s->mutex);
	/* May free rules: not under the lock. */
	rules_release(&old, old_inline);
}

void wft_ukeys_foreach(struct wft_udpif *u,
		       void (*cb)(const struct ukey *k, void *aux),
		       void *aux)
{
	struct shard *s;
	struct ukey *k;
	size_t i, b;

	for (i = 0; i < WFT_UDPIF_N_SHARDS; i++) {
		s = &u->shards[i];
		pthread_mutex_lock(&s->mutex);
		for (b = 0; b < s->n_buckets; b++)
			for (k = s->buckets[b]; k; k = k->next)
				cb(k, aux);
		pthread_mutex_unlock(&s->mutex);
	}
}

#define ALIGN8(n)	(((n) + 7) & ~(size_t)7)

_Static_assert(offsetof(struct ukey, flow) + sizeof(struct wft_flow) ==
	       offsetof(struct ukey, wc) &&
	       offsetof(struct ukey, wc) + sizeof(struct wft_flow_wc) ==
	       offsetof(struct ukey, odp_in_port),
	       "wft_ukey_alloc() leaves exactly flow and wc uninitialized");

/* wft_ukey_alloc() with room for @n_rules rule pointers after the
 * actions', for the caller to fill (k->rules_inline). */
static struct ukey *ukey_alloc(const void *key, size_t key_len,
			       const void *mask, size_t mask_len,
			       const void *acts, size_t acts_len,
			       size_t n_rules)
{
	size_t kroom = ALIGN8(key_len), mroom = ALIGN8(mask_len);
	size_t aroom = ALIGN8(acts_len);
	struct ukey *k = wft_xmalloc(sizeof(*k) + kroom + mroom + aroom +
				     n_rules * sizeof(struct wft_rule *));

	/* All but flow and wc (1.7 KB, the caller's to fill): zeroing the
	 * whole block cost more than the allocations it replaced (glibc
	 * clears blocks over 2 KB with rep stosb). */
	memset(k, 0, offsetof(struct ukey, flow));
	memset(&k->odp_in_port, 0, offsetof(struct ukey, data) -
				   offsetof(struct ukey, odp_in_port));

	k->key = k->data;
	k->key_len = key_len;
	if (key_len)
		memcpy(k->key, key, key_len);
	k->mask = k->data + kroom;
	k->mask_len = mask_len;
	if (mask_len)
		memcpy(k->mask, mask, mask_len);
	k->actions_room = aroom;
	wft_ukey_set_actions(k, acts, acts_len);
	if (n_rules) {
		k->rules.rules = (struct wft_rule **)(k->data + kroom + mroom +
						      aroom);
		k->rules.allocated = n_rules;
		k->rules_inline = true;
	}
	return k;
}

struct ukey *wft_ukey_alloc(const void *key, size_t key_len,
			    const void *mask, size_t mask_len,
			    const void *acts, size_t acts_len)
{
	return ukey_alloc(key, key_len, mask, mask_len, acts, acts_len, 0);
}

struct ukey *wft_ukey_new(const struct wft_ofproto_xlate *x,
			  uint32_t odp_in_port, long long now)
{
	const struct wft_rule_list *rules = &x->out.rules;
	struct ukey *k = x->compact ?
		ukey_alloc(&x->ckey, sizeof(x->ckey), &x->cmask,
			   sizeof(x->cmask), x->out.actions.data,
			   x->out.actions.len, rules->n) :
		ukey_alloc(x->key.data, x->key.len, x->mask.data,
			   x->mask.len, x->out.actions.data,
			   x->out.actions.len, rules->n);
	size_t i;

	k->compact = x->compact;
	k->ufid = x->ufid;
	k->hash = wft_ufid_hash(&x->ufid);
	k->flow = x->flow;
	k->wc = x->wc;
	k->odp_in_port = odp_in_port;
	k->normal = x->used_normal;
	k->learn = x->out.has_learn;
	/* In the block, sized by ukey_alloc(): never pushed beyond. */
	for (i = 0; i < rules->n; i++) {
		wft_rule_ref(rules->rules[i]);
		k->rules.rules[i] = rules->rules[i];
	}
	k->rules.n = rules->n;
	k->created_ms = now;
	k->refreshed_ms = now;
	return k;
}

/* New actions go in the ukey's own block when they fit (a revalidator's
 * MODIFY usually changes a port or a field, not the length by much). */
void wft_ukey_set_actions(struct ukey *k, const void *acts, size_t len)
{
	uint8_t *room = k->data + ALIGN8(k->key_len) + ALIGN8(k->mask_len);

	if (len <= k->actions_room) {
		free(k->actions_heap);
		k->actions_heap = NULL;
		if (len)
			memcpy(room, acts, len);
		k->actions = len ? room : NULL;
	} else {
		free(k->actions_heap);
		k->actions_heap = wft_xmemdup(acts, len);
		k->actions = k->actions_heap;
	}
	k->actions_len = len;
}

void wft_ukey_free(struct ukey *k)
{
	if (!k)
		return;
	free(k->actions_heap);
	rules_release(&k->rules, k->rules_inline);
	free(k);
}
