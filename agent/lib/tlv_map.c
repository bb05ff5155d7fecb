// SPDX-License-Identifier: GPL-2.0
/*
 * GENEVE TLV maps (include/weft/tlv_map.h): parsing the ovs-ofctl
 * mapping syntax, adding and deleting with OVS's checks, placing each
 * field in tun_md, printing as dump-tlv-map, persistence, and the
 * per-thread active map that the field registry consults.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/tlv_map.h"

/* weft's field values are at most 16 bytes wide (struct wft_ofpact's
 * set.value), so wider options cannot be tun_metadata fields here. */
#define WEFT_TLV_FIELD_MAX	16

static __thread const struct wft_tlv_map *active_map;

const struct wft_tlv_map *wft_tlv_map_activate(const struct wft_tlv_map *map)
{
	const struct wft_tlv_map *prev = active_map;

	active_map = map;
	return prev;
}

const struct wft_tlv_map *wft_tlv_map_active(void)
{
	return active_map;
}

void wft_tlv_map_init(struct wft_tlv_map *map)
{
	memset(map, 0, sizeof(*map));
}

static int tlv_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int tlv_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* "key=NUMBER" at *@p, NUMBER in C syntax; advances past it. */
static int parse_kv(const char **p, const char *key, unsigned long max,
		    unsigned long *v)
{
	size_t klen = strlen(key);
	char *end;

	if (strncmp(*p, key, klen) || (*p)[klen] != '=')
		return -EINVAL;
	*p += klen + 1;
	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	*v = strtoul(*p, &end, 0);
	if (errno || *v > max)
		return -ERANGE;
	*p = end;
	return 0;
}

static int parse_one(const char **sp, struct wft_tlv_mapping *m, char *err,
		     size_t errlen)
{
	const char *p = *sp, *start = *sp;
	unsigned long cls, type, len, idx;
	char *end;

	if (*p++ != '{' || parse_kv(&p, "class", 0xffff, &cls) ||
	    *p++ != ',' || parse_kv(&p, "type", 0xff, &type) ||
	    *p++ != ',' || parse_kv(&p, "len", 0xff, &len) ||
	    *p++ != '}' || strncmp(p, "->tun_metadata", 14))
		goto bad;
	p += 14;
	if (*p < '0' || *p > '9')
		goto bad;
	idx = strtoul(p, &end, 10);
	if (idx > 0xff)
		goto bad;
	p = end;
	m->opt_class = (uint16_t)cls;
	m->type = (uint8_t)type;
	m->len = (uint8_t)len;
	m->index = (uint8_t)idx;
	*sp = p;
	return 0;
bad:
	return tlv_err(err, errlen, "\"%s\": expected {class=CLASS,type=TYPE,"
		       "len=LEN}->tun_metadataN", start);
}

int wft_tlv_mappings_parse(const char *s, struct wft_tlv_mapping *out,
			   size_t max, size_t *n, char *err, size_t errlen)
{
	const char *p = s;

	*n = 0;
	while (*p == ' ')
		p++;
	if (!*p)
		return 0;
	for (;;) {
		if (*n == max)
			return tlv_err(err, errlen, "too many mappings (at "
				       "most %zu)", max);
		if (parse_one(&p, &out[*n], err, errlen))
			return -EINVAL;
		(*n)++;
		if (!*p)
			return 0;
		if (*p++ != ',')
			return tlv_err(err, errlen, "\"%s\": expected \",\" "
				       "between mappings", p - 1);
	}
}

/* First fit of @len bytes in tun_md, beside the entries of @map. */
static int place(const struct wft_tlv_map *map, unsigned int len)
{
	unsigned int ofs, i;
	bool clash;

	for (ofs = 0; ofs + len <= WFT_TUN_MD_SIZE; ofs += 4) {
		clash = false;
		for (i = 0; i < WFT_N_TUN_METADATA && !clash; i++)
			clash = map->e[i].mapped &&
				ofs < map->e[i].offset + map->e[i].len &&
				map->e[i].offset < ofs + len;
		if (!clash)
			return (int)ofs;
	}
	return -1;
}

static void describe(struct wft_tlv_map *map, unsigned int i)
{
	struct wft_field *f = &map->fields[i];

	snprintf(map->names[i], sizeof(map->names[i]), "tun_metadata%u", i);
	snprintf(map->nxm_names[i], sizeof(map->nxm_names[i]),
		 "NXM_NX_TUN_METADATA%u", i);
	memset(f, 0, sizeof(*f));
	f->id = WFT_F_TUN_METADATA0 + i;
	f->name = map->names[i];
	f->nxm_name = map->nxm_names[i];
	f->offset = (uint16_t)(offsetof(struct wft_flow, tun_md) +
			       map->e[i].offset);
	f->n_bytes = map->e[i].len;
	f->n_bits = (uint16_t)(8 * map->e[i].len);
	f->prereq = WFT_P_NONE;
	f->format = WFT_FMT_HEX;
	f->maskable = true;
	f->writable = true;
}

static int check_one(const struct wft_tlv_map *map,
		     const struct wft_tlv_mapping *m, char *err, size_t errlen)
{
	unsigned int i;

	if (m->len % 4 || !m->len || m->len > WFT_TLV_MAX_LEN)
		return tlv_err(err, errlen, "NXTTMFC_BAD_OPT_LEN: len=%u is "
			       "not a GENEVE option length (a multiple of 4, "
			       "4 to 124)", m->len);
	if (m->len > WEFT_TLV_FIELD_MAX)
		return tlv_err(err, errlen, "NXTTMFC_BAD_OPT_LEN: len=%u: weft "
			       "maps GENEVE options of at most %u bytes to "
			       "tun_metadata fields", m->len,
			       WEFT_TLV_FIELD_MAX);
	if (m->index >= WFT_N_TUN_METADATA)
		return tlv_err(err, errlen, "NXTTMFC_BAD_FIELD_IDX: "
			       "tun_metadata%u is out of range (max 63)",
			       m->index);
	if (map->e[m->index].mapped)
		return tlv_err(err, errlen, "NXTTMFC_ALREADY_MAPPED: "
			       "tun_metadata%u is already mapped", m->index);
	for (i = 0; i < WFT_N_TUN_METADATA; i++)
		if (map->e[i].mapped && map->e[i].opt_class == m->opt_class &&
		    map->e[i].type == m->type)
			return tlv_err(err, errlen, "NXTTMFC_DUP_ENTRY: "
				       "{class=%#x,type=%#x} is already mapped "
				       "to tun_metadata%u", m->opt_class,
				       m->type, i);
	return 0;
}

void wft_tlv_map_init_any(struct wft_tlv_map *map)
{
	unsigned int i;

	wft_tlv_map_init(map);
	for (i = 0; i < WFT_N_TUN_METADATA; i++) {
		map->e[i] = (struct wft_tlv_entry){
			.mapped = true, .opt_class = 0xffff, .type = (uint8_t)i,
			.len = WEFT_TLV_FIELD_MAX, .offset = 0,
		};
		describe(map, i);
	}
}

int wft_tlv_map_add(struct wft_tlv_map *map, const struct wft_tlv_mapping *m,
		    size_t n, char *err, size_t errlen)
{
	struct wft_tlv_map next = *map;
	size_t k;
	int ofs;

	/* Work on a copy so that a failure leaves @map as it was. */
	for (k = 0; k < n; k++) {
		if (check_one(&next, &m[k], err, errlen))
			return -EINVAL;
		ofs = place(&next, m[k].len);
		if (ofs < 0)
			return tlv_err(err, errlen, "NXTTMFC_TABLE_FULL: no room "
				       "for %u more bytes of options (%u of %u "
				       "allocated)", m[k].len,
				       wft_tlv_map_space(&next), WFT_TUN_MD_SIZE);
		next.e[m[k].index] = (struct wft_tlv_entry){
			.mapped = true, .opt_class = m[k].opt_class,
			.type = m[k].type, .len = m[k].len,
			.offset = (uint16_t)ofs,
		};
	}
	/* Only new entries change: descriptors of existing ones stay where
	 * rules point at them. */
	for (k = 0; k < n; k++) {
		map->e[m[k].index] = next.e[m[k].index];
		describe(map, m[k].index);
	}
	return 0;
}

int wft_tlv_map_del(struct wft_tlv_map *map, const struct wft_tlv_mapping *m,
		    size_t n, bool (*in_use)(void *aux,
					     const struct wft_field *f),
		    void *aux, char *err, size_t errlen)
{
	bool del[WFT_N_TUN_METADATA] = { false };
	unsigned int i;
	size_t k;

	for (k = 0; k < n; k++)
		if (m[k].index < WFT_N_TUN_METADATA)
			del[m[k].index] = true;
	for (i = 0; i < WFT_N_TUN_METADATA; i++) {
		if (n && !del[i])
			continue;
		del[i] = map->e[i].mapped;
		if (del[i] && in_use && in_use(aux, &map->fields[i])) {
			snprintf(err, errlen, "NXTTMFC_INVALID_TLV_DEL: "
				 "tun_metadata%u is used by a flow (delete "
				 "the flows that use it first)", i);
			return -EBUSY;
		}
	}
	for (i = 0; i < WFT_N_TUN_METADATA; i++)
		if (del[i])
			map->e[i].mapped = false;
	return 0;
}

const struct wft_tlv_entry *wft_tlv_map_get(const struct wft_tlv_map *map,
					    unsigned int index)
{
	if (!map || index >= WFT_N_TUN_METADATA || !map->e[index].mapped)
		return NULL;
	return &map->e[index];
}

int wft_tlv_map_find(const struct wft_tlv_map *map, uint16_t opt_class,
		     uint8_t type, uint8_t len)
{
	unsigned int i;

	for (i = 0; map && i < WFT_N_TUN_METADATA; i++)
		if (map->e[i].mapped && map->e[i].opt_class == opt_class &&
		    map->e[i].type == type && map->e[i].len == len)
			return (int)i;
	return -1;
}

unsigned int wft_tlv_map_space(const struct wft_tlv_map *map)
{
	unsigned int i, n = 0;

	for (i = 0; i < WFT_N_TUN_METADATA; i++)
		if (map->e[i].mapped)
			n += map->e[i].len;
	return n;
}

void wft_tlv_map_format(const struct wft_tlv_map *map, struct wft_strbuf *sb)
{
	unsigned int i;

	wft_strbuf_printf(sb, "NXT_TLV_TABLE_REPLY (xid=0x2):\n"
			  " max option space=%u max fields=%u\n"
			  " allocated option space=%u\n\n"
			  " mapping table:\n"
			  "  class  type  length  match field\n"
			  " ------  ----  ------  --------------\n",
			  WFT_TUN_MD_SIZE, WFT_N_TUN_METADATA,
			  wft_tlv_map_space(map));
	for (i = 0; i < WFT_N_TUN_METADATA; i++)
		if (map->e[i].mapped)
			wft_strbuf_printf(sb, " %#6x  %#4x  %6u  tun_metadata%u\n",
					  map->e[i].opt_class, map->e[i].type,
					  map->e[i].len, i);
}

json_t *wft_tlv_map_to_json(const struct wft_tlv_map *map)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < WFT_N_TUN_METADATA; i++)
		if (map->e[i].mapped)
			json_array_append_new(a, json_pack(
				"{s:i,s:i,s:i,s:i}", "class",
				map->e[i].opt_class, "type", map->e[i].type,
				"len", map->e[i].len, "index", i));
	return a;
}

static bool json_small(const json_t *o, const char *key, unsigned int max,
		       unsigned int *v)
{
	json_t *x = json_object_get(o, key);

	if (!json_is_integer(x) || json_integer_value(x) < 0 ||
	    json_integer_value(x) > max)
		return false;
	*v = (unsigned int)json_integer_value(x);
	return true;
}

int wft_tlv_map_from_json(struct wft_tlv_map *map, const json_t *j, char *err,
			  size_t errlen)
{
	struct wft_tlv_mapping m[WFT_N_TUN_METADATA];
	unsigned int cls, type, len, idx;
	size_t i, n = 0;
	json_t *o;

	wft_tlv_map_init(map);
	if (!json_is_array(j) || json_array_size(j) > WFT_N_TUN_METADATA)
		return tlv_err(err, errlen, "a TLV map is an array of at most "
			       "64 mappings");
	json_array_foreach(j, i, o) {
		if (!json_small(o, "class", 0xffff, &cls) ||
		    !json_small(o, "type", 0xff, &type) ||
		    !json_small(o, "len", 0xff, &len) ||
		    !json_small(o, "index", 0xff, &idx))
			return tlv_err(err, errlen, "mapping %zu: needs class, "
				       "type, len and index", i);
		m[n++] = (struct wft_tlv_mapping){ (uint16_t)cls, (uint8_t)type,
						   (uint8_t)len, (uint8_t)idx };
	}
	return wft_tlv_map_add(map, m, n, err, errlen);
}

/* Walks the options of @flow: calls @cb for each; -EINVAL if malformed. */
static int for_each_opt(const struct wft_flow *flow,
			int (*cb)(const uint8_t *opt, size_t ofs, size_t len,
				  void *aux),
			void *aux)
{
	size_t ofs = 0, n = flow->tun_opts_len, len;
	const uint8_t *o;
	int ret;

	if (n > WFT_TUN_OPTS_MAX)
		return -EINVAL;
	while (ofs < n) {
		if (n - ofs < 4)
			return -EINVAL;
		o = flow->tun_opts + ofs;
		len = 4u * (o[3] & 0x1f);
		if (len > n - ofs - 4)
			return -EINVAL;
		ret = cb(o, ofs, len, aux);
		if (ret)
			return ret;
		ofs += 4 + len;
	}
	return 0;
}

struct decode_aux {
	const struct wft_tlv_map *map;
	struct wft_flow *flow;
};

static int decode_one(const uint8_t *o, size_t ofs, size_t len, void *aux_)
{
	struct decode_aux *aux = aux_;
	int i = wft_tlv_map_find(aux->map, (uint16_t)(o[0] << 8 | o[1]), o[2],
				 (uint8_t)len);

	(void)ofs;
	if (i < 0)
		return o[2] & 0x80 ? -EPROTO : 0;
	memcpy(aux->flow->tun_md + aux->map->e[i].offset, o + 4, len);
	aux->flow->tun_md_present |= 1ull << i;
	return 0;
}

int wft_tlv_map_decode(const struct wft_tlv_map *map, struct wft_flow *flow)
{
	struct decode_aux aux = { map, flow };

	if (!map) {
		/* No map: nothing is understood, so only a critical option
		 * matters. */
		static const struct wft_tlv_map empty;

		aux.map = &empty;
	}
	return for_each_opt(flow, decode_one, &aux);
}

size_t wft_tlv_map_encode(const struct wft_tlv_map *map,
			  const struct wft_flow *flow, uint8_t *out,
			  struct wft_flow_wc *read)
{
	const struct wft_tlv_entry *e;
	size_t n = 0;
	unsigned int i;

	if (read)
		read->masks.tun_md_present |= map ? UINT64_MAX : 0;
	for (i = 0; map && i < WFT_N_TUN_METADATA; i++) {
		e = &map->e[i];
		if (!e->mapped || !(flow->tun_md_present >> i & 1) ||
		    n + 4 + e->len > WFT_TUN_OPTS_MAX)
			continue;
		out[n] = (uint8_t)(e->opt_class >> 8);
		out[n + 1] = (uint8_t)e->opt_class;
		out[n + 2] = e->type;
		out[n + 3] = (uint8_t)(e->len / 4);
		memcpy(out + n + 4, flow->tun_md + e->offset, e->len);
		if (read)
			memset(read->masks.tun_md + e->offset, 0xff, e->len);
		n += 4 + e->len;
	}
	return n;
}

struct mask_aux {
	const struct wft_tlv_map *map;
	struct wft_flow_wc *wc;
};

static int mask_one(const uint8_t *o, size_t ofs, size_t len, void *aux_)
{
	struct mask_aux *aux = aux_;
	uint8_t *m = aux->wc->masks.tun_opts + ofs;
	int i = wft_tlv_map_find(aux->map, (uint16_t)(o[0] << 8 | o[1]), o[2],
				 (uint8_t)len);

	memset(m, 0xff, 4);
	if (i >= 0)
		memcpy(m + 4, aux->wc->masks.tun_md + aux->map->e[i].offset,
		       len);
	return 0;
}

void wft_tlv_map_mask_opts(const struct wft_tlv_map *map,
			   const struct wft_flow *flow, struct wft_flow_wc *wc)
{
	struct mask_aux aux = { map, wc };
	static const struct wft_tlv_map empty;

	memset(wc->masks.tun_opts, 0, sizeof(wc->masks.tun_opts));
	/* Every option header is matched even when the pipeline consulted
	 * no option: the decision to drop an unknown critical option reads
	 * them all, and a megaflow must not carry such a packet on a known
	 * option's behalf. The data only under the bits consulted. */
	if (!map)
		aux.map = &empty;
	for_each_opt(flow, mask_one, &aux);
}

static int crit_one(const uint8_t *o, size_t ofs, size_t len, void *aux)
{
	(void)ofs;
	return o[2] & 0x80 &&
	       wft_tlv_map_find(aux, (uint16_t)(o[0] << 8 | o[1]), o[2],
				(uint8_t)len) < 0 ? -EPROTO : 0;
}

bool wft_tlv_map_unknown_crit(const struct wft_tlv_map *map,
			      const struct wft_flow *flow)
{
	return for_each_opt(flow, crit_one, (void *)map) == -EPROTO;
}
