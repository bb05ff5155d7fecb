// SPDX-License-Identifier: GPL-2.0
/* weft-dpctl: dump-flows filter=FLOW (see flow_filter.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/netlink.h>

#include "flow_filter.h"

/* Walks the attributes of [data, data + len), stopping at a malformed one. */
#define for_each_attr(a, data, len)					\
	for (a = (const struct nlattr *)(data);				\
	     (const uint8_t *)a + NLA_HDRLEN <= (const uint8_t *)(data) + (len) && \
	     a->nla_len >= NLA_HDRLEN &&					\
	     (const uint8_t *)a + a->nla_len <= (const uint8_t *)(data) + (len); \
	     a = (const struct nlattr *)((const uint8_t *)a + NLA_ALIGN(a->nla_len)))

static const uint8_t *payload(const struct nlattr *a)
{
	return (const uint8_t *)a + NLA_HDRLEN;
}

static size_t plen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static const struct nlattr *find(const void *data, size_t len, uint16_t type)
{
	const struct nlattr *a;

	if (!data)
		return NULL;
	for_each_attr(a, data, len)
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
	return NULL;
}

/* Appends to @out the shape of @data with every leaf byte set to 0xff. */
static void exact_mask(const void *data, size_t len, struct wft_attrbuf *out)
{
	const struct nlattr *a;
	uint8_t ones[256];

	memset(ones, 0xff, sizeof(ones));
	for_each_attr(a, data, len) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;

		if (a->nla_type & NLA_F_NESTED) {
			size_t start = wft_attr_nest_start(out, type);

			exact_mask(payload(a), plen(a), out);
			wft_attr_nest_end(out, start);
		} else {
			wft_attr_put(out, type, ones,
				     plen(a) < sizeof(ones) ? plen(a) :
				     sizeof(ones));
		}
	}
}

int flow_filter_init(struct flow_filter *filt, const struct wft_attrbuf *key,
		     const struct wft_attrbuf *mask)
{
	wft_attrbuf_init(&filt->key);
	wft_attrbuf_init(&filt->mask);
	if (key->len) {
		/* Copy attribute by attribute, with the buffer API. */
		const struct nlattr *a;

		for_each_attr(a, key->data, key->len)
			wft_attr_put(&filt->key, a->nla_type, payload(a),
				     plen(a));
	}
	if (mask->len) {
		const struct nlattr *a;

		for_each_attr(a, mask->data, mask->len)
			wft_attr_put(&filt->mask, a->nla_type, payload(a),
				     plen(a));
	} else {
		exact_mask(key->data, key->len, &filt->mask);
	}
	if (filt->key.error || filt->mask.error) {
		flow_filter_uninit(filt);
		return -ENOMEM;
	}
	return 0;
}

void flow_filter_uninit(struct flow_filter *filt)
{
	wft_attrbuf_free(&filt->key);
	wft_attrbuf_free(&filt->mask);
}

/*
 * @fm drives the walk: for each bit it sets, the filter value (@fk) must
 * equal the flow key (@k) under the flow mask (@m; with @exact, the flow
 * had no mask and every bit its key holds is matched).
 */
static bool match(const void *fk, size_t fklen, const void *fm, size_t fmlen,
		  const void *k, size_t klen, const void *m, size_t mlen,
		  bool exact)
{
	const struct nlattr *a;

	for_each_attr(a, fm, fmlen) {
		uint16_t type = a->nla_type & NLA_TYPE_MASK;
		const struct nlattr *fka = find(fk, fklen, type);
		const struct nlattr *ka = find(k, klen, type);
		const struct nlattr *ma = exact ? NULL : find(m, mlen, type);
		size_t i;

		if (a->nla_type & NLA_F_NESTED) {
			if (!match(fka ? payload(fka) : NULL,
				   fka ? plen(fka) : 0, payload(a), plen(a),
				   ka ? payload(ka) : NULL, ka ? plen(ka) : 0,
				   ma ? payload(ma) : NULL, ma ? plen(ma) : 0,
				   exact))
				return false;
			continue;
		}
		for (i = 0; i < plen(a); i++) {
			uint8_t fmb = payload(a)[i];
			uint8_t fkb = fka && i < plen(fka) ? payload(fka)[i] : 0;
			uint8_t kb = ka && i < plen(ka) ? payload(ka)[i] : 0;
			uint8_t mb;

			if (exact)
				mb = ka && i < plen(ka) ? 0xff : 0;
			else
				mb = ma && i < plen(ma) ? payload(ma)[i] : 0;
			if ((fkb & fmb) != (kb & mb & fmb))
				return false;
		}
	}
	return true;
}

bool flow_filter_match(const struct flow_filter *filt,
		       const struct wft_dpif_flow *flow)
{
	if (!flow->has_key)
		return false;
	return match(filt->key.data, filt->key.len, filt->mask.data,
		     filt->mask.len, flow->key.data, flow->key.len,
		     flow->mask.data, flow->mask.len, !flow->has_mask);
}
