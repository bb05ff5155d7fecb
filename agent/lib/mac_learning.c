// SPDX-License-Identifier: GPL-2.0
/*
 * The MAC learning table (include/weft/mac_learning.h): a chained hash
 * table keyed by (MAC, VLAN) packed into 60 bits, and a list of the same
 * entries from least to most recently seen. Seeing a MAC moves its entry
 * to the list's tail, so the head is what ages out first and what is
 * evicted when the table is full: both are O(1) per entry.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "weft/mac_learning.h"
#include "weft/ofpact.h"
#include "weft/util.h"

/* A learn that finds its entry refreshed less than this long ago only
 * reads: most upcalls come from hosts the table already knows, and a
 * second of staleness does not change any age fdb/show prints. */
#define REFRESH_MS	1000
#define MIN_BUCKETS	64

struct mac_entry {
	struct mac_entry *hnext;		/* hash chain */
	struct mac_entry *prev, *next;		/* age list */
	uint64_t key;				/* MAC << 12 | VLAN */
	uint32_t port;
	long long seen_ms;
};

struct wft_mac_learning {
	pthread_rwlock_t lock;
	struct mac_entry **buckets;
	size_t n_buckets;			/* a power of 2 */
	size_t n;
	struct mac_entry age;			/* list head: next is oldest */
	uint64_t basis;				/* hash seed */
	size_t max_entries;
	long long aging_ms;
	wft_mac_clock_fn *now_ms;
	void *clock_aux;
	_Atomic uint64_t seq;
	struct wft_mac_learning_stats st;	/* counters only */
};

static long long monotonic_ms(void *aux)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static uint64_t mac_key(const uint8_t mac[6], uint16_t vlan)
{
	uint64_t k = 0;
	int i;

	for (i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k << 12 | (vlan & 0xfff);
}

static void key_mac(uint64_t key, uint8_t mac[6])
{
	int i;

	key >>= 12;
	for (i = 5; i >= 0; i--) {
		mac[i] = (uint8_t)key;
		key >>= 8;
	}
}

/* A keyed mix (splitmix64's finalizer), so that chosen source MACs cannot
 * pile up in one chain without knowing the seed. */
static size_t bucket_of(const struct wft_mac_learning *ml, uint64_t key)
{
	uint64_t h = key ^ ml->basis;

	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (size_t)h & (ml->n_buckets - 1);
}

static struct mac_entry *find(const struct wft_mac_learning *ml,
			      uint64_t key)
{
	struct mac_entry *e = ml->buckets[bucket_of(ml, key)];

	while (e && e->key != key)
		e = e->hnext;
	return e;
}

static bool live(const struct wft_mac_learning *ml,
		 const struct mac_entry *e, long long now)
{
	return now - e->seen_ms < ml->aging_ms;
}

static void age_unlink(struct mac_entry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void age_append(struct wft_mac_learning *ml, struct mac_entry *e)
{
	e->prev = ml->age.prev;
	e->next = &ml->age;
	ml->age.prev->next = e;
	ml->age.prev = e;
}

static void bump(struct wft_mac_learning *ml)
{
	atomic_fetch_add_explicit(&ml->seq, 1, memory_order_release);
}

/* Unlinks and frees @e. Write lock held. */
static void remove_entry(struct wft_mac_learning *ml, struct mac_entry *e)
{
	struct mac_entry **pp = &ml->buckets[bucket_of(ml, e->key)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	age_unlink(e);
	ml->n--;
	free(e);
}

static void rehash(struct wft_mac_learning *ml, size_t n_buckets)
{
	struct mac_entry **old = ml->buckets;
	size_t n_old = ml->n_buckets, i;

	ml->buckets = wft_xcalloc(n_buckets, sizeof(*ml->buckets));
	ml->n_buckets = n_buckets;
	for (i = 0; i < n_old; i++) {
		struct mac_entry *e = old[i], *next;

		for (; e; e = next) {
			size_t b = bucket_of(ml, e->key);

			next = e->hnext;
			e->hnext = ml->buckets[b];
			ml->buckets[b] = e;
		}
	}
	free(old);
}

static uint64_t random_basis(void)
{
	uint64_t b;

	if (getrandom(&b, sizeof(b), GRND_NONBLOCK) != sizeof(b))
		b = (uint64_t)monotonic_ms(NULL) * 0x9e3779b97f4a7c15ULL;
	return b;
}

struct wft_mac_learning *wft_mac_learning_create(void)
{
	struct wft_mac_learning *ml = wft_xcalloc(1, sizeof(*ml));
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
		PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&ml->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	ml->n_buckets = MIN_BUCKETS;
	ml->buckets = wft_xcalloc(ml->n_buckets, sizeof(*ml->buckets));
	ml->age.prev = ml->age.next = &ml->age;
	ml->basis = random_basis();
	ml->max_entries = WFT_MAC_SIZE_DEFAULT;
	ml->aging_ms = WFT_MAC_AGING_DEFAULT * 1000LL;
	ml->now_ms = monotonic_ms;
	return ml;
}

void wft_mac_learning_destroy(struct wft_mac_learning *ml)
{
	if (!ml)
		return;
	while (ml->age.next != &ml->age)
		remove_entry(ml, ml->age.next);
	free(ml->buckets);
	pthread_rwlock_destroy(&ml->lock);
	free(ml);
}

void wft_mac_learning_set_clock(struct wft_mac_learning *ml,
				wft_mac_clock_fn *now_ms, void *aux)
{
	pthread_rwlock_wrlock(&ml->lock);
	ml->now_ms = now_ms ? now_ms : monotonic_ms;
	ml->clock_aux = aux;
	pthread_rwlock_unlock(&ml->lock);
}

static long long now_of(struct wft_mac_learning *ml)
{
	return ml->now_ms(ml->clock_aux);
}

void wft_mac_learning_set_aging(struct wft_mac_learning *ml,
				unsigned int seconds)
{
	if (seconds < WFT_MAC_AGING_MIN)
		seconds = WFT_MAC_AGING_MIN;
	if (seconds > WFT_MAC_AGING_MAX)
		seconds = WFT_MAC_AGING_MAX;
	pthread_rwlock_wrlock(&ml->lock);
	if (ml->aging_ms != seconds * 1000LL) {
		ml->aging_ms = seconds * 1000LL;
		bump(ml);
	}
	pthread_rwlock_unlock(&ml->lock);
}

/* Evicts the least recently seen entries until @room more fit. Write
 * lock held. */
static void make_room(struct wft_mac_learning *ml, size_t room)
{
	bool evicted = false;

	while (ml->n && ml->n + room > ml->max_entries) {
		remove_entry(ml, ml->age.next);
		ml->st.n_evicted++;
		evicted = true;
	}
	if (evicted)
		bump(ml);
}

void wft_mac_learning_set_max(struct wft_mac_learning *ml, size_t n)
{
	if (n < WFT_MAC_SIZE_MIN)
		n = WFT_MAC_SIZE_MIN;
	if (n > WFT_MAC_SIZE_MAX)
		n = WFT_MAC_SIZE_MAX;
	pthread_rwlock_wrlock(&ml->lock);
	ml->max_entries = n;
	make_room(ml, 0);
	pthread_rwlock_unlock(&ml->lock);
}

/* A decimal integer (with an optional sign, as OVS's smap_get_int takes
 * it), or @dflt. Negative numbers end up at the range's bottom. */
static long long config_int(const char *s, long long dflt)
{
	char *end;
	long long v;

	if (!s || !*s)
		return dflt;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end || errno)
		return dflt;
	return v;
}

void wft_mac_learning_configure(struct wft_mac_learning *ml,
				const char *mac_aging_time,
				const char *mac_table_size)
{
	long long aging = config_int(mac_aging_time, WFT_MAC_AGING_DEFAULT);
	long long size = config_int(mac_table_size, WFT_MAC_SIZE_DEFAULT);

	wft_mac_learning_set_aging(ml, aging < 0 ? 0 :
				   aging > UINT_MAX ? UINT_MAX :
				   (unsigned int)aging);
	wft_mac_learning_set_max(ml, size < 0 ? 0 : (size_t)size);
}

/* Learns under the write lock; @now is the caller's. */
static enum wft_mac_learned learn_locked(struct wft_mac_learning *ml,
					 uint64_t key, uint32_t port,
					 long long now, uint32_t *old_port)
{
	struct mac_entry *e = find(ml, key);
	enum wft_mac_learned r = WFT_MAC_REFRESHED;

	if (e && !live(ml, e, now)) {
		r = WFT_MAC_ADDED;
		ml->st.n_learned++;
	} else if (e && e->port != port) {
		if (old_port)
			*old_port = e->port;
		r = WFT_MAC_MOVED;
		ml->st.n_moved++;
	}
	if (e) {
		age_unlink(e);
	} else {
		size_t b;

		make_room(ml, 1);
		if (ml->n >= ml->n_buckets)
			rehash(ml, ml->n_buckets * 2);
		e = wft_xcalloc(1, sizeof(*e));
		e->key = key;
		b = bucket_of(ml, key);
		e->hnext = ml->buckets[b];
		ml->buckets[b] = e;
		ml->n++;
		r = WFT_MAC_ADDED;
		ml->st.n_learned++;
	}
	e->port = port;
	e->seen_ms = now;
	age_append(ml, e);
	if (r != WFT_MAC_REFRESHED)
		bump(ml);
	return r;
}

enum wft_mac_learned wft_mac_learning_learn(struct wft_mac_learning *ml,
					    const uint8_t mac[6],
					    uint16_t vlan, uint32_t port,
					    uint32_t *old_port)
{
	uint64_t key = mac_key(mac, vlan);
	long long now = now_of(ml);
	const struct mac_entry *e;
	enum wft_mac_learned r;
	bool fresh;

	pthread_rwlock_rdlock(&ml->lock);
	e = find(ml, key);
	fresh = e && e->port == port && now - e->seen_ms >= 0 &&
		now - e->seen_ms < REFRESH_MS && live(ml, e, now);
	pthread_rwlock_unlock(&ml->lock);
	if (fresh)
		return WFT_MAC_REFRESHED;

	pthread_rwlock_wrlock(&ml->lock);
	r = learn_locked(ml, key, port, now, old_port);
	pthread_rwlock_unlock(&ml->lock);
	return r;
}

bool wft_mac_learning_lookup(struct wft_mac_learning *ml,
			     const uint8_t mac[6], uint16_t vlan,
			     uint32_t *port)
{
	uint64_t key = mac_key(mac, vlan);
	long long now = now_of(ml);
	const struct mac_entry *e;
	bool found;

	pthread_rwlock_rdlock(&ml->lock);
	e = find(ml, key);
	found = e && live(ml, e, now);
	if (found)
		*port = e->port;
	pthread_rwlock_unlock(&ml->lock);
	return found;
}

size_t wft_mac_learning_run(struct wft_mac_learning *ml)
{
	long long now = now_of(ml);
	size_t n = 0;

	pthread_rwlock_wrlock(&ml->lock);
	while (ml->age.next != &ml->age && !live(ml, ml->age.next, now)) {
		remove_entry(ml, ml->age.next);
		n++;
	}
	ml->st.n_expired += n;
	if (n)
		bump(ml);
	pthread_rwlock_unlock(&ml->lock);
	return n;
}

long long wft_mac_learning_next_expiry(struct wft_mac_learning *ml)
{
	long long t = LLONG_MAX;

	pthread_rwlock_rdlock(&ml->lock);
	if (ml->age.next != &ml->age)
		t = ml->age.next->seen_ms + ml->aging_ms;
	pthread_rwlock_unlock(&ml->lock);
	return t;
}

/* Removes the entries on @port, or every entry when @all. */
static size_t flush(struct wft_mac_learning *ml, bool all, uint32_t port)
{
	struct mac_entry *e, *next;
	size_t n = 0;

	pthread_rwlock_wrlock(&ml->lock);
	for (e = ml->age.next; e != &ml->age; e = next) {
		next = e->next;
		if (all || e->port == port) {
			remove_entry(ml, e);
			n++;
		}
	}
	if (n)
		bump(ml);
	pthread_rwlock_unlock(&ml->lock);
	return n;
}

size_t wft_mac_learning_flush(struct wft_mac_learning *ml)
{
	return flush(ml, true, 0);
}

size_t wft_mac_learning_flush_port(struct wft_mac_learning *ml,
				   uint32_t port)
{
	return flush(ml, false, port);
}

uint64_t wft_mac_learning_seq(const struct wft_mac_learning *ml)
{
	return atomic_load_explicit(&ml->seq, memory_order_acquire);
}

void wft_mac_learning_get_stats(struct wft_mac_learning *ml,
				struct wft_mac_learning_stats *st)
{
	pthread_rwlock_rdlock(&ml->lock);
	*st = ml->st;
	st->n_entries = ml->n;
	st->max_entries = ml->max_entries;
	st->aging_s = (unsigned int)(ml->aging_ms / 1000);
	pthread_rwlock_unlock(&ml->lock);
}

size_t wft_mac_learning_dump(struct wft_mac_learning *ml,
			     struct wft_mac_entry_info **entries)
{
	long long now = now_of(ml);
	const struct mac_entry *e;
	size_t n = 0;

	pthread_rwlock_rdlock(&ml->lock);
	*entries = ml->n ? wft_xmalloc(ml->n * sizeof(**entries)) : NULL;
	for (e = ml->age.next; e != &ml->age; e = e->next) {
		struct wft_mac_entry_info *i = &(*entries)[n];

		if (!live(ml, e, now))
			continue;
		key_mac(e->key, i->mac);
		i->vlan = e->key & 0xfff;
		i->port = e->port;
		i->age_s = now > e->seen_ms
			   ? (unsigned int)((now - e->seen_ms) / 1000) : 0;
		n++;
	}
	pthread_rwlock_unlock(&ml->lock);
	return n;
}

/* LOCAL in either numbering: OpenFlow 1.0's (what ovs-vsctl shows as the
 * local port's ofport) or the 32-bit one of pipeline actions. */
static const char *default_name(uint32_t port, char *buf, size_t size)
{
	if (port == 65534 || port == WFT_OFPP_LOCAL)
		return "LOCAL";
	snprintf(buf, size, "%u", port);
	return buf;
}

void wft_mac_learning_format(struct wft_mac_learning *ml,
			     wft_mac_port_name_fn *name, void *aux,
			     struct wft_strbuf *out)
{
	struct wft_mac_entry_info *v;
	size_t n = wft_mac_learning_dump(ml, &v), i;

	wft_strbuf_puts(out, " port  VLAN  MAC                Age\n");
	for (i = 0; i < n; i++) {
		const uint8_t *m = v[i].mac;
		char buf[64];
		const char *s = name ? name(aux, v[i].port, buf, sizeof(buf))
				     : NULL;

		if (!s)
			s = default_name(v[i].port, buf, sizeof(buf));
		wft_strbuf_printf(out, "%5s  %4u  "
				  "%02x:%02x:%02x:%02x:%02x:%02x  %3u\n",
				  s, v[i].vlan, m[0], m[1], m[2], m[3], m[4],
				  m[5], v[i].age_s);
	}
	free(v);
}

void wft_mac_learning_format_stats(struct wft_mac_learning *ml,
				   const char *bridge, struct wft_strbuf *out)
{
	struct wft_mac_learning_stats st;

	wft_mac_learning_get_stats(ml, &st);
	wft_strbuf_printf(out, "Statistics for bridge \"%s\":\n", bridge);
	wft_strbuf_printf(out, "  Current/maximum MAC entries in the table: "
			  "%zu/%zu\n", st.n_entries, st.max_entries);
	/* weft has no static entries (fdb/add); the line stays, so that
	 * scripts that parse OVS's output keep working. */
	wft_strbuf_puts(out, "  Current static MAC entries in the table : 0\n");
	wft_strbuf_printf(out, "  Total number of learned MAC entries     : "
			  "%" PRIu64 "\n", st.n_learned);
	wft_strbuf_printf(out, "  Total number of expired MAC entries     : "
			  "%" PRIu64 "\n", st.n_expired);
	wft_strbuf_printf(out, "  Total number of evicted MAC entries     : "
			  "%" PRIu64 "\n", st.n_evicted);
	wft_strbuf_printf(out, "  Total number of port moved MAC entries  : "
			  "%" PRIu64 "\n", st.n_moved);
}
