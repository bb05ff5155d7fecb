// SPDX-License-Identifier: GPL-2.0
/*
 * The bindings put_arp, put_nd and put_fdb learn (include/weft/
 * ovn_pinctrl.h), on their way from the upcall handlers to the SB: a
 * queue under a mutex, a table of what was queued recently so that a
 * chatty neighbour costs one SB write a minute and not one per packet
 * (ovn-controller likewise writes a binding only when it changes), and
 * the chassis' writer, called from the main loop.
 */
#include <pthread.h>
#include <string.h>

#include "weft/coverage.h"
#include "weft/ovn_pinctrl.h"

WFT_COVERAGE_DEFINE(pinctrl_learn_queued);
WFT_COVERAGE_DEFINE(pinctrl_learn_dup);
WFT_COVERAGE_DEFINE(pinctrl_learn_overflow);
WFT_COVERAGE_DEFINE(pinctrl_learn_written);

#define N_RECENT 4096			/* a power of 2 */

struct recent {
	struct wft_pin_binding b;
	long long when;			/* 0: free */
};

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static struct wft_pin_binding queue[WFT_PIN_LEARN_MAX];
static size_t q_head, q_len;
static struct recent recent[N_RECENT];
static wft_pin_sb_writer *writer;
static void *writer_aux;

/* The binding's identity: what the SB indexes it by (MAC_Binding:
 * port and address; FDB: datapath and MAC). */
static bool same_key(const struct wft_pin_binding *a,
		     const struct wft_pin_binding *b)
{
	if (a->op != b->op || a->dp_key != b->dp_key)
		return false;
	if (a->op == WFT_PIN_PUT_FDB)
		return !memcmp(a->mac, b->mac, 6);
	return a->port_key == b->port_key && a->v4 == b->v4 &&
	       !memcmp(a->ip, b->ip, 16);
}

static uint32_t key_hash(const struct wft_pin_binding *b)
{
	const uint8_t *p = b->op == WFT_PIN_PUT_FDB ? b->mac : b->ip;
	size_t i, n = b->op == WFT_PIN_PUT_FDB ? 6 : 16;
	uint32_t h = 2166136261u ^ b->op ^ b->dp_key * 31 ^
		     (b->op == WFT_PIN_PUT_FDB ? 0 : b->port_key * 131);

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

/* The slot for @b: its own, or the one it replaces (direct-mapped: a
 * collision only costs an SB write). */
static struct recent *slot(const struct wft_pin_binding *b)
{
	return &recent[key_hash(b) & (N_RECENT - 1)];
}

bool wft_pin_learn_add(const struct wft_pin_binding *b, long long now_ms)
{
	struct recent *r;
	bool ok = false;

	pthread_mutex_lock(&mutex);
	r = slot(b);
	if (r->when && same_key(&r->b, b) &&
	    (b->op == WFT_PIN_PUT_FDB ? r->b.port_key == b->port_key :
	     !memcmp(r->b.mac, b->mac, 6)) &&
	    now_ms - r->when < WFT_PIN_LEARN_REFRESH_MS) {
		WFT_COVERAGE_INC(pinctrl_learn_dup);
	} else if (q_len == WFT_PIN_LEARN_MAX) {
		WFT_COVERAGE_INC(pinctrl_learn_overflow);
	} else {
		queue[(q_head + q_len++) % WFT_PIN_LEARN_MAX] = *b;
		r->b = *b;
		r->when = now_ms ? now_ms : 1;
		ok = true;
		WFT_COVERAGE_INC(pinctrl_learn_queued);
	}
	pthread_mutex_unlock(&mutex);
	return ok;
}

size_t wft_pin_learn_take(struct wft_pin_binding *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&mutex);
	for (n = 0; n < max && q_len; n++, q_len--) {
		out[n] = queue[q_head];
		q_head = (q_head + 1) % WFT_PIN_LEARN_MAX;
	}
	pthread_mutex_unlock(&mutex);
	return n;
}

void wft_pin_learn_putback(const struct wft_pin_binding *b, size_t n)
{
	pthread_mutex_lock(&mutex);
	while (n-- && q_len < WFT_PIN_LEARN_MAX) {
		q_head = (q_head + WFT_PIN_LEARN_MAX - 1) % WFT_PIN_LEARN_MAX;
		queue[q_head] = b[n];
		q_len++;
	}
	pthread_mutex_unlock(&mutex);
}

void wft_pin_learn_reset(void)
{
	pthread_mutex_lock(&mutex);
	q_head = q_len = 0;
	memset(recent, 0, sizeof(recent));
	pthread_mutex_unlock(&mutex);
}

void wft_ovn_pinctrl_set_sb_writer(wft_pin_sb_writer *cb, void *aux)
{
	pthread_mutex_lock(&mutex);
	writer = cb;
	writer_aux = aux;
	pthread_mutex_unlock(&mutex);
}

size_t wft_ovn_pinctrl_sb_flush(void)
{
	struct wft_pin_binding batch[64];
	wft_pin_sb_writer *cb;
	void *aux;
	size_t n;

	/* The writer is set and cleared in the main thread, which is
	 * the one calling this: reading it under the mutex is enough. */
	pthread_mutex_lock(&mutex);
	cb = writer;
	aux = writer_aux;
	pthread_mutex_unlock(&mutex);
	if (!cb)
		return 0;
	n = wft_pin_learn_take(batch, sizeof(batch) / sizeof(batch[0]));
	if (!n)
		return 0;
	if (!cb(aux, batch, n)) {
		wft_pin_learn_putback(batch, n);
		return 0;
	}
	WFT_COVERAGE_ADD(pinctrl_learn_written, n);
	return n;
}
