/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growable buffer of netlink attributes (struct nlattr, NLA_ALIGNed), the
 * form in which keys, masks and action lists travel to and from weft.ko. A
 * buffer's bytes can be copied verbatim into a netlink message.
 */
#ifndef WEFT_ATTRBUF_H
#define WEFT_ATTRBUF_H

#include <stddef.h>
#include <stdint.h>

struct wft_attrbuf {
	uint8_t *data;
	size_t len;
	size_t cap;
	int error;		/* -ENOMEM once an allocation failed */
};

void wft_attrbuf_init(struct wft_attrbuf *b);
void wft_attrbuf_free(struct wft_attrbuf *b);
void wft_attrbuf_reset(struct wft_attrbuf *b);
void wft_attr_put(struct wft_attrbuf *b, uint16_t type, const void *data,
		  size_t len);
void wft_attr_put_flag(struct wft_attrbuf *b, uint16_t type);
void wft_attr_put_u8(struct wft_attrbuf *b, uint16_t type, uint8_t v);
void wft_attr_put_u16(struct wft_attrbuf *b, uint16_t type, uint16_t v);
void wft_attr_put_u32(struct wft_attrbuf *b, uint16_t type, uint32_t v);
void wft_attr_put_u64(struct wft_attrbuf *b, uint16_t type, uint64_t v);
/* Returns the offset to pass to wft_attr_nest_end(). */
size_t wft_attr_nest_start(struct wft_attrbuf *b, uint16_t type);
void wft_attr_nest_end(struct wft_attrbuf *b, size_t start);

#endif /* WEFT_ATTRBUF_H */
