// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers on struct wft_flow and its mask (include/weft/flow.h).
 *
 * The struct is a multiple of 8 bytes with explicit, always-zero padding,
 * so every helper walks it as an array of 64-bit words; the may_alias type
 * keeps that legal under strict aliasing.
 */
#include <string.h>

#include "weft/flow.h"

typedef uint64_t __attribute__((may_alias)) flow_word;

#define N_WORDS	(sizeof(struct wft_flow) / sizeof(uint64_t))

_Static_assert(sizeof(struct wft_flow) % sizeof(uint64_t) == 0,
	       "struct wft_flow must be a whole number of 64-bit words");
/* No implicit padding: the explicit pads are the only bytes that are not
 * a field, so that masks built by setting every field are exact. */
_Static_assert(offsetof(struct wft_flow, tun_opts) + WFT_TUN_OPTS_MAX ==
	       sizeof(struct wft_flow),
	       "struct wft_flow has implicit padding at its end");
_Static_assert(offsetof(struct wft_flow, ct_label) + 16 ==
	       offsetof(struct wft_flow, dl_dst) &&
	       offsetof(struct wft_flow, ct_ipv6_dst) + 16 ==
	       offsetof(struct wft_flow, tp_src) &&
	       offsetof(struct wft_flow, pad1) + 2 ==
	       offsetof(struct wft_flow, tun_id),
	       "implicit padding around the conntrack fields");

static inline const flow_word *cwords(const struct wft_flow *f)
{
	return (const flow_word *)f;
}

static inline flow_word *words(struct wft_flow *f)
{
	return (flow_word *)f;
}

void wft_flow_wc_init_exact(struct wft_flow_wc *wc)
{
	memset(&wc->masks, 0xff, sizeof(wc->masks));
	/* Padding is always zero, in masks too, so that masks compare and
	 * hash like flows. */
	wc->masks.pad0 = 0;
	wc->masks.pad1 = 0;
	wc->masks.pad2 = 0;
	wc->masks.pad3 = 0;
}

void wft_flow_wc_init_catchall(struct wft_flow_wc *wc)
{
	memset(&wc->masks, 0, sizeof(wc->masks));
}

void wft_flow_wc_or(struct wft_flow_wc *dst, const struct wft_flow_wc *src)
{
	flow_word *d = words(&dst->masks);
	const flow_word *s = cwords(&src->masks);
	size_t i;

	for (i = 0; i < N_WORDS; i++)
		d[i] |= s[i];
}

void wft_flow_zero_wildcards(struct wft_flow *flow,
			     const struct wft_flow_wc *wc)
{
	flow_word *f = words(flow);
	const flow_word *m = cwords(&wc->masks);
	size_t i;

	for (i = 0; i < N_WORDS; i++)
		f[i] &= m[i];
}

bool wft_flow_equal_except(const struct wft_flow *a, const struct wft_flow *b,
			   const struct wft_flow_wc *wc)
{
	const flow_word *x = cwords(a), *y = cwords(b);
	const flow_word *m = cwords(&wc->masks);
	size_t i;

	for (i = 0; i < N_WORDS; i++)
		if ((x[i] ^ y[i]) & m[i])
			return false;
	return true;
}

/* A 64-bit mix (the murmur3 finalizer) folded to 32 bits per word. */
static inline uint32_t mix_word(uint32_t h, uint64_t w)
{
	w ^= w >> 33;
	w *= 0xff51afd7ed558ccdULL;
	w ^= w >> 33;
	h ^= (uint32_t)w ^ (uint32_t)(w >> 32);
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

uint32_t wft_flow_hash(const struct wft_flow *flow,
		       const struct wft_flow_wc *wc, uint32_t basis)
{
	const flow_word *f = cwords(flow);
	const flow_word *m = wc ? cwords(&wc->masks) : NULL;
	uint32_t h = basis;
	size_t i;

	for (i = 0; i < N_WORDS; i++)
		h = mix_word(h, m ? f[i] & m[i] : f[i]);
	h ^= (uint32_t)sizeof(*flow);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}
