/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals shared by the ovs-dpctl text codec (odp_text.c, odp_key.c,
 * odp_actions.c). Not an API: include/weft/odp.h is.
 *
 * Both directions go through one "image" of a flow key and its mask: a slot
 * per (header attribute, field attribute) holding the raw attribute bytes of
 * the key and the mask. The text parser fills an image and emits attributes
 * from it; the formatter decodes attributes into an image and prints it. The
 * header and field tables in odp_key.c drive both walks, so what one side
 * accepts the other prints.
 */
#ifndef WEFT_ODP_PRIVATE_H
#define WEFT_ODP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/linux/weft.h"
#include "weft/attrbuf.h"
#include "weft/odp.h"
#include "weft/strbuf.h"

/* How a field's bytes are written as text. */
enum wft_odp_vtype {
	WFT_VT_U8,		/* u8, decimal */
	WFT_VT_U8X,		/* u8, hex (tos, tclass) */
	WFT_VT_BE16,		/* __be16, decimal (ports, arp op) */
	WFT_VT_BE16X,		/* __be16, 0x%04x (eth_type, tpid) */
	WFT_VT_U32X,		/* u32, %#x (skb_mark, recirc_id, ...) */
	WFT_VT_PORT,		/* u32, decimal or a port name */
	WFT_VT_LABEL,		/* __be32, 20-bit IPv6 flow label */
	WFT_VT_IPV4,
	WFT_VT_IPV6,
	WFT_VT_MAC,
	WFT_VT_FRAG,		/* u8: no, first, later */
	WFT_VT_TCP_FLAGS,	/* __be16: syn|ack, or +syn-ack masked */
	WFT_VT_TCI,		/* __be16 VLAN TCI, as vid=,pcp=,cfi= */
	WFT_VT_U16X,		/* u16, %#x (ct_zone) */
	WFT_VT_CT_STATE,	/* u32: new|trk, or +trk-inv masked */
	WFT_VT_U128,		/* u32[4], word 0 lowest: 0x... (ct_label) */
};

#define WFT_ODP_VAL_MAX	16	/* largest field: an IPv6 address */
#define WFT_ODP_FIELDS	8	/* field attributes per header, plus one */

struct wft_odp_field {
	const char *name;	/* NULL for a header that is one value */
	uint16_t attr;		/* field attribute; 0 for a scalar header */
	uint8_t type;		/* enum wft_odp_vtype */
};

struct wft_odp_hdr {
	const char *name;	/* text keyword */
	uint16_t attr;		/* WEFT_KEY_A_* */
	bool nest;		/* attr is a nest of field attributes */
	bool outer;		/* metadata / L2: not allowed inside encap() */
	bool settable;		/* allowed in set(...) */
	const struct wft_odp_field *fields;
	uint8_t n_fields;
};

struct wft_odp_slot {
	uint8_t key[WFT_ODP_VAL_MAX];
	uint8_t mask[WFT_ODP_VAL_MAX];
	uint8_t len;		/* bytes of key and mask */
	bool in_key, in_mask;
	bool bad;		/* wrong length in the attributes */
};

/*
 * The tunnel header (WEFT_KEY_A_TUNNEL): fixed-size fields in slots by
 * WEFT_TUNNEL_A_* type, and the GENEVE options, which may be up to
 * WEFT_TUN_OPTS_MAX bytes, beside them.
 */
struct wft_odp_tun {
	struct wft_odp_slot f[WEFT_TUNNEL_A_MAX + 1];
	uint8_t opts[WEFT_TUN_OPTS_MAX];
	uint8_t opts_mask[WEFT_TUN_OPTS_MAX];
	uint8_t opts_len, opts_mask_len;
	bool opts_in_key, opts_in_mask;
};

struct wft_odp_image {
	struct wft_odp_tun tun;
	struct wft_odp_slot slot[WEFT_KEY_A_MAX + 1][WFT_ODP_FIELDS];
	bool nest_key[WEFT_KEY_A_MAX + 1];	/* header attr in the key */
	bool nest_mask[WEFT_KEY_A_MAX + 1];	/* header attr in the mask */
	bool bad;		/* malformed or unknown attributes seen */
};

/* A position in the text being parsed, and the first error found. */
struct wft_odp_cur {
	const char *s;
	size_t pos;
	struct wft_odp_error *err;
	const struct wft_odp_port_map *ports;
	unsigned int depth;	/* nesting of encap()/actions, bounded */
	bool failed;
};

#define WFT_ODP_MAX_DEPTH	16

/* odp_text.c: the cursor and the value types. */
void wft_odp_cur_init(struct wft_odp_cur *c, const char *s,
		      const struct wft_odp_port_map *ports,
		      struct wft_odp_error *err);
int wft_odp_fail(struct wft_odp_cur *c, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int wft_odp_fail_token(struct wft_odp_cur *c, size_t pos, size_t len,
		       const char *ctx, const char *what);
char wft_odp_peek(const struct wft_odp_cur *c);
void wft_odp_skip_space(struct wft_odp_cur *c);
size_t wft_odp_word_len(const struct wft_odp_cur *c);
bool wft_odp_word_is(const struct wft_odp_cur *c, size_t len, const char *w);
int wft_odp_expect(struct wft_odp_cur *c, char ch, const char *ctx);
int wft_odp_separator(struct wft_odp_cur *c, char end, const char *ctx);
bool wft_odp_is_ovs_only(const char *w, size_t n, bool action);
int wft_odp_parse_uint(struct wft_odp_cur *c, const char *ctx,
		       uint64_t max, uint64_t *v);
size_t wft_odp_vtype_len(enum wft_odp_vtype t);
int wft_odp_parse_value(struct wft_odp_cur *c, const char *ctx,
			enum wft_odp_vtype t, uint8_t *key, uint8_t *mask);
void wft_odp_format_value(struct wft_strbuf *out, enum wft_odp_vtype t,
			  const uint8_t *key, const uint8_t *mask,
			  const struct wft_odp_port_map *ports);
bool wft_odp_mask_is_zero(const uint8_t *m, size_t n);
bool wft_odp_mask_is_exact(enum wft_odp_vtype t, const uint8_t *m);
bool wft_odp_value_fits(enum wft_odp_vtype t, const uint8_t *v);
void wft_odp_put_hex(struct wft_strbuf *out, const void *p, size_t n);

/* Walking attributes safely: 1 and *a filled, 0 at the end, -1 malformed. */
struct wft_odp_attr {
	uint16_t type;		/* NLA_TYPE_MASK applied */
	const uint8_t *data;
	size_t len;
};

struct wft_odp_iter {
	const uint8_t *p;
	size_t left;
};

void wft_odp_iter_init(struct wft_odp_iter *it, const void *p, size_t len);
int wft_odp_iter_next(struct wft_odp_iter *it, struct wft_odp_attr *a);

/* odp_key.c: flow keys, also used by set(...). */
const struct wft_odp_hdr *wft_odp_hdr_lookup(const char *name, size_t len);
int wft_odp_parse_header(struct wft_odp_cur *c, const struct wft_odp_hdr *h,
			 struct wft_odp_image *img);
void wft_odp_emit_header(const struct wft_odp_image *img,
			 const struct wft_odp_hdr *h, struct wft_attrbuf *key,
			 struct wft_attrbuf *mask);
void wft_odp_image_decode(struct wft_odp_image *img, const void *attrs,
			  size_t len, bool is_mask);
void wft_odp_image_exact_mask(struct wft_odp_image *img);
bool wft_odp_format_header(struct wft_strbuf *out, bool *first,
			   const struct wft_odp_image *img,
			   const struct wft_odp_hdr *h, bool verbose,
			   const struct wft_odp_port_map *ports);
const struct wft_odp_hdr *wft_odp_hdr_by_attr(uint16_t attr);

/* odp_tunnel.c: tunnel(...) in keys and set(tunnel(...)). */
int wft_odp_parse_tunnel(struct wft_odp_cur *c, struct wft_odp_image *img,
			 bool set);
void wft_odp_emit_tunnel(const struct wft_odp_image *img,
			 struct wft_attrbuf *key, struct wft_attrbuf *mask);
void wft_odp_decode_tunnel(struct wft_odp_image *img, const uint8_t *data,
			   size_t len, bool is_mask);
void wft_odp_tunnel_exact_mask(struct wft_odp_image *img);
void wft_odp_format_tunnel(struct wft_strbuf *out, bool *first,
			   const struct wft_odp_image *img, bool verbose,
			   bool set);

/* odp_ct.c: ct_state and 128-bit values, and the ct action. */
bool wft_odp_ct_state_from(const char *s, size_t n, uint32_t *key,
			   uint32_t *mask);
void wft_odp_format_ct_state(struct wft_strbuf *out, uint32_t key,
			     uint32_t mask);
bool wft_odp_u128_from(const char *s, size_t n, uint8_t out[16]);
void wft_odp_format_u128(struct wft_strbuf *out, const uint8_t v[16]);
int wft_odp_parse_ct(struct wft_odp_cur *c, struct wft_attrbuf *acts);
bool wft_odp_format_ct(struct wft_strbuf *out, const struct wft_odp_attr *a);

#endif /* WEFT_ODP_PRIVATE_H */
