/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GENEVE TLV maps: which GENEVE option (class, type, length) each of
 * tun_metadata0..63 stands for, per bridge, as `ovs-ofctl add-tlv-map`
 * sets it: "{class=0x0102,type=0x80,len=4}->tun_metadata0".
 *
 * Each mapped field gets a place (offset, length) in struct wft_flow's
 * 256-byte tun_md, first fit, so a map holds at most 256 bytes of options
 * and 64 fields, as OVS's. A map owns the struct wft_field descriptors of
 * its fields: rules parsed while the map was active point at them, so a
 * map lives as long as its bridge and an entry in use by a rule is never
 * deleted (the caller checks, as OVS refuses NXTTMFC_INVALID_TLV_DEL).
 *
 * Errors carry OVS's error name first, then why: "NXTTMFC_DUP_ENTRY:
 * {class=0x102,type=0x80,len=4} is already mapped to tun_metadata0".
 */
#ifndef WEFT_TLV_MAP_H
#define WEFT_TLV_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "weft/field.h"
#include "weft/strbuf.h"

#define WFT_TLV_MAX_LEN	124	/* GENEVE: 5 bits of 4-byte words */

struct wft_tlv_mapping {
	uint16_t opt_class;
	uint8_t type;
	uint8_t len;		/* bytes: a multiple of 4, 4..124 */
	uint8_t index;		/* N of tun_metadataN */
};

struct wft_tlv_map {
	struct wft_tlv_entry {
		bool mapped;
		uint16_t opt_class;
		uint8_t type;
		uint8_t len;
		uint16_t offset;	/* in tun_md */
	} e[WFT_N_TUN_METADATA];
	/* Descriptors handed out by wft_field_from_*() while active. */
	struct wft_field fields[WFT_N_TUN_METADATA];
	char names[WFT_N_TUN_METADATA][24];
	char nxm_names[WFT_N_TUN_METADATA][24];
};

void wft_tlv_map_init(struct wft_tlv_map *map);
/* A map for checking rules before a bridge's map is known (weft-ofctl):
 * every tun_metadataN as wide as weft allows, all at offset 0 (fields
 * overlap, so never use it to run rules). */
void wft_tlv_map_init_any(struct wft_tlv_map *map);

/* Parses a comma-separated list of "{class=C,type=T,len=L}->tun_metadataN"
 * into @out (at most @max); 0, or -EINVAL with the reason in @err. */
int wft_tlv_mappings_parse(const char *s, struct wft_tlv_mapping *out,
			   size_t max, size_t *n, char *err, size_t errlen);

/* Adds @n mappings, all or none: 0 or -EINVAL with OVS's error name
 * (NXTTMFC_BAD_OPT_LEN, _BAD_FIELD_IDX, _ALREADY_MAPPED, _DUP_ENTRY,
 * _TABLE_FULL) and the reason in @err. */
int wft_tlv_map_add(struct wft_tlv_map *map, const struct wft_tlv_mapping *m,
		    size_t n, char *err, size_t errlen);
/* Deletes the entries of the indexes @m names (@n == 0: all of them);
 * indexes not mapped are ignored, as OVS does. @in_use(aux, field) says
 * whether a rule uses the field: then nothing is deleted and -EBUSY
 * (NXTTMFC_INVALID_TLV_DEL) is returned. */
int wft_tlv_map_del(struct wft_tlv_map *map, const struct wft_tlv_mapping *m,
		    size_t n, bool (*in_use)(void *aux,
					     const struct wft_field *f),
		    void *aux, char *err, size_t errlen);

/* The mapping of tun_metadata@index, or NULL. */
const struct wft_tlv_entry *wft_tlv_map_get(const struct wft_tlv_map *map,
					    unsigned int index);
/* The index mapping (@opt_class, @type, @len), or -1. */
int wft_tlv_map_find(const struct wft_tlv_map *map, uint16_t opt_class,
		     uint8_t type, uint8_t len);
/* Bytes of tun_md in use. */
unsigned int wft_tlv_map_space(const struct wft_tlv_map *map);

/* As `ovs-ofctl dump-tlv-map` prints it (NXT_TLV_TABLE_REPLY...). */
void wft_tlv_map_format(const struct wft_tlv_map *map, struct wft_strbuf *sb);

/* Persistence: [{"class":258,"type":128,"len":4,"index":0}, ...]. Loading
 * replays wft_tlv_map_add(), so a damaged file is refused with a reason. */
json_t *wft_tlv_map_to_json(const struct wft_tlv_map *map);
int wft_tlv_map_from_json(struct wft_tlv_map *map, const json_t *j, char *err,
			  size_t errlen);

/*
 * GENEVE options (wire format: be16 class, u8 type, u8 with the length in
 * 4-byte words in its low 5 bits, then the data) and the pipeline's view.
 *
 * wft_tlv_map_decode() fills tun_md and tun_md_present from the options in
 * flow->tun_opts that @map maps; returns 0, -EINVAL for malformed options,
 * or -EPROTO when an option @map does not know has the critical bit
 * (type & 0x80), which the receiver must drop (RFC 8926 3.5).
 *
 * wft_tlv_map_encode() writes the options of the present mapped
 * tun_metadata fields of @flow, in index order, into @out (at most
 * WFT_TUN_OPTS_MAX bytes); returns their length. When @read is not NULL
 * it gets the bits the encoding read (present bits, data).
 *
 * wft_tlv_map_mask_opts() turns what a translation consulted of tun_md
 * (@wc) into a mask over the packet's own options (wc->masks.tun_opts):
 * every option header exactly, always (the unknown-critical check reads
 * them, and a packet with other options must not share the megaflow),
 * and each mapped option's data under the consulted bits.
 */
int wft_tlv_map_decode(const struct wft_tlv_map *map, struct wft_flow *flow);
/* Whether @flow's options include a critical one @map does not know. */
bool wft_tlv_map_unknown_crit(const struct wft_tlv_map *map,
			      const struct wft_flow *flow);
size_t wft_tlv_map_encode(const struct wft_tlv_map *map,
			  const struct wft_flow *flow, uint8_t *out,
			  struct wft_flow_wc *read);
void wft_tlv_map_mask_opts(const struct wft_tlv_map *map,
			   const struct wft_flow *flow, struct wft_flow_wc *wc);

/*
 * Makes @map (NULL: none) the one wft_field_from_id/name() use for
 * tun_metadataN in the calling thread; returns the previous one, to be
 * set back. Parsing and printing rules of a bridge happen with its map
 * active.
 */
const struct wft_tlv_map *wft_tlv_map_activate(const struct wft_tlv_map *map);
const struct wft_tlv_map *wft_tlv_map_active(void);

#endif /* WEFT_TLV_MAP_H */
