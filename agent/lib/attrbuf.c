// SPDX-License-Identifier: GPL-2.0
/*
 * A growable buffer of netlink attributes (see include/weft/attrbuf.h).
 *
 * Nests carry NLA_F_NESTED, which the kernel's strict validation of a
 * generic netlink family requires; readers mask the type with NLA_TYPE_MASK.
 * A nest that outgrows nla_len's 16 bits sets ->error to -EMSGSIZE.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "weft/attrbuf.h"

void wft_attrbuf_init(struct wft_attrbuf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->error = 0;
}

void wft_attrbuf_free(struct wft_attrbuf *b)
{
	free(b->data);
	wft_attrbuf_init(b);
}

void wft_attrbuf_reset(struct wft_attrbuf *b)
{
	b->len = 0;
	b->error = 0;
}

/* Returns a pointer to @n new bytes at the end, or NULL. They are not
 * zeroed: every caller writes all of them (a key and mask each take a
 * dozen attributes an upcall, and zeroing each first showed in profiles). */
static uint8_t *grow(struct wft_attrbuf *b, size_t n)
{
	uint8_t *p;
	size_t cap;

	if (b->error)
		return NULL;
	if (n > SIZE_MAX / 4 - b->len) {
		b->error = -ENOMEM;
		return NULL;
	}
	if (b->len + n > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p) {
			b->error = -ENOMEM;
			return NULL;
		}
		b->data = p;
		b->cap = cap;
	}
	p = b->data + b->len;
	b->len += n;
	return p;
}

void wft_attr_put(struct wft_attrbuf *b, uint16_t type, const void *data,
		  size_t len)
{
	size_t total = NLA_HDRLEN + NLA_ALIGN(len);
	struct nlattr nla;
	uint8_t *p;

	if (len > UINT16_MAX - NLA_HDRLEN) {
		if (!b->error)
			b->error = -EMSGSIZE;
		return;
	}
	/* The common case, a few bytes into room there is, inline: keys and
	 * masks are built of a dozen such attributes each, per upcall. */
	if (!b->error && total <= b->cap - b->len) {
		p = b->data + b->len;
		b->len += total;
	} else {
		p = grow(b, total);
		if (!p)
			return;
	}
	/* The padding goes out on the wire: zero, never heap garbage. The
	 * last word first, then the header and payload over it. */
	memset(p + total - 4, 0, 4);
	nla.nla_len = (uint16_t)(NLA_HDRLEN + len);
	nla.nla_type = type;
	memcpy(p, &nla, sizeof(nla));
	p += NLA_HDRLEN;
	switch (len) {	/* fixed sizes compile to moves, not a call */
	case 0:
		break;
	case 1:
		*p = *(const uint8_t *)data;
		break;
	case 2:
		memcpy(p, data, 2);
		break;
	case 4:
		memcpy(p, data, 4);
		break;
	case 6:
		memcpy(p, data, 6);
		break;
	case 8:
		memcpy(p, data, 8);
		break;
	case 16:
		memcpy(p, data, 16);
		break;
	default:
		memcpy(p, data, len);
	}
}

void wft_attr_put_flag(struct wft_attrbuf *b, uint16_t type)
{
	wft_attr_put(b, type, NULL, 0);
}

void wft_attr_put_u8(struct wft_attrbuf *b, uint16_t type, uint8_t v)
{
	wft_attr_put(b, type, &v, sizeof(v));
}

void wft_attr_put_u16(struct wft_attrbuf *b, uint16_t type, uint16_t v)
{
	wft_attr_put(b, type, &v, sizeof(v));
}

void wft_attr_put_u32(struct wft_attrbuf *b, uint16_t type, uint32_t v)
{
	wft_attr_put(b, type, &v, sizeof(v));
}

void wft_attr_put_u64(struct wft_attrbuf *b, uint16_t type, uint64_t v)
{
	wft_attr_put(b, type, &v, sizeof(v));
}

size_t wft_attr_nest_start(struct wft_attrbuf *b, uint16_t type)
{
	size_t start = b->len;

	wft_attr_put(b, type | NLA_F_NESTED, NULL, 0);
	return start;
}

void wft_attr_nest_end(struct wft_attrbuf *b, size_t start)
{
	struct nlattr nla;
	size_t len;

	if (b->error || start + NLA_HDRLEN > b->len)
		return;
	len = b->len - start;
	if (len > UINT16_MAX) {
		b->error = -EMSGSIZE;
		return;
	}
	memcpy(&nla, b->data + start, sizeof(nla));
	nla.nla_len = (uint16_t)len;
	memcpy(b->data + start, &nla, sizeof(nla));
}
