// SPDX-License-Identifier: GPL-2.0
/*
 * tunnel(...) as ovs-dpctl writes it, in flow keys and in set(...):
 *
 *   tunnel(tun_id=0x5,src=192.168.1.1,dst=192.168.1.2,ttl=64,tp_dst=6081,
 *          geneve({class=0x102,type=0x80,len=4,0x10001/0x7fffffff}),
 *          flags(-df+csum+key))
 *   set(tunnel(tun_id=0x5,dst=192.168.1.2,ttl=64,tp_dst=6081,
 *              flags(df|csum|key)))
 *
 * Fields print in OVS's order (tun_id, src, dst, ipv6_src, ipv6_dst, tos,
 * ttl, tp_src, tp_dst, geneve, flags) and, in a flow, only when their mask
 * is not zero (every one with -m). Flags in a flow print masked
 * ("+csum-df": only the matched bits), in a set as a '|' list. OVS has no
 * name for the GENEVE critical bit: weft prints it as "crit", after OVS's
 * four. In a set, OVS derives "key" from tun_id being given, and so does
 * this printer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odp_private.h"

struct tun_field {
	const char *name;
	uint16_t attr;
	uint8_t type;		/* enum wft_odp_vtype; U32X means the 64-bit ID */
};

#define TF(n, a, t) { n, WEFT_TUNNEL_A_##a, WFT_VT_##t }

/* OVS's print order; ID is special-cased (64 bits). */
static const struct tun_field tun_fields[] = {
	TF("tun_id", ID, U32X),
	TF("src", IPV4_SRC, IPV4),
	TF("dst", IPV4_DST, IPV4),
	TF("ipv6_src", IPV6_SRC, IPV6),
	TF("ipv6_dst", IPV6_DST, IPV6),
	TF("tos", TOS, U8X),
	TF("ttl", TTL, U8),
	TF("tp_src", TP_SRC, BE16),
	TF("tp_dst", TP_DST, BE16),
};
#define N_TUN_FIELDS (sizeof(tun_fields) / sizeof(tun_fields[0]))

/* OVS's flag names in OVS's bit order, then weft's own. */
static const struct {
	const char *name;
	uint16_t bit;
} tun_flags[] = {
	{ "oam", WEFT_TUNNEL_F_OAM },
	{ "df", WEFT_TUNNEL_F_DF },
	{ "csum", WEFT_TUNNEL_F_CSUM },
	{ "key", WEFT_TUNNEL_F_KEY },
	{ "crit", WEFT_TUNNEL_F_CRIT },
};
#define N_TUN_FLAGS (sizeof(tun_flags) / sizeof(tun_flags[0]))

static void strbuf_chomp(struct wft_strbuf *out, char ch)
{
	if (out->len && out->buf[out->len - 1] == ch)
		wft_strbuf_truncate(out, out->len - 1);
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint16_t get_u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static int parse_id(struct wft_odp_cur *c, uint8_t *key, uint8_t *mask)
{
	uint64_t v, m = UINT64_MAX;
	int err = wft_odp_parse_uint(c, "tunnel", UINT64_MAX, &v);

	if (err)
		return err;
	if (wft_odp_peek(c) == '/') {
		if (!mask)
			return wft_odp_fail(c, c->pos,
					    "tunnel: a mask is not allowed in set()");
		c->pos++;
		err = wft_odp_parse_uint(c, "tunnel", UINT64_MAX, &m);
		if (err)
			return err;
	}
	put_be64(key, v);
	if (mask)
		put_be64(mask, m);
	return 0;
}

/* flags(-df+csum+key) (masked) or flags(df|csum|key) / flags(0) (exact). */
static int parse_flags(struct wft_odp_cur *c, struct wft_odp_slot *s, bool set)
{
	uint16_t k = 0, m = 0;
	bool masked = false, listed = false;
	size_t start;
	int err = wft_odp_expect(c, '(', "flags");

	if (err)
		return err;
	start = c->pos;
	if (c->s[c->pos] == '0' && c->s[c->pos + 1] == ')') {
		c->pos++;
		listed = true;
	}
	while (!listed || c->s[c->pos] == '|') {
		char sign = c->s[c->pos];
		size_t n, i;

		if (sign == '+' || sign == '-') {
			if (set || (listed && !masked))
				goto bad;
			masked = true;
			c->pos++;
		} else if (sign == '|') {
			if (masked)
				goto bad;
			c->pos++;
		} else if (masked) {
			goto bad;
		}
		n = strcspn(c->s + c->pos, "+-|)");
		for (i = 0; i < N_TUN_FLAGS; i++)
			if (strlen(tun_flags[i].name) == n &&
			    !memcmp(tun_flags[i].name, c->s + c->pos, n))
				break;
		if (i == N_TUN_FLAGS)
			return wft_odp_fail_token(c, c->pos, n ? n : 1,
						  "tunnel flags", "unknown flag");
		if (sign != '-')
			k |= tun_flags[i].bit;
		m |= tun_flags[i].bit;
		c->pos += n;
		listed = true;
		if (masked && (c->s[c->pos] == '+' || c->s[c->pos] == '-'))
			listed = false;
	}
	if (!masked)
		m = __WEFT_TUNNEL_F_ALL;
	memcpy(s->key, &k, 2);
	memcpy(s->mask, &m, 2);
	s->len = 2;
	s->in_key = s->in_mask = true;
	return wft_odp_expect(c, ')', "flags");
bad:
	return wft_odp_fail_token(c, start, strcspn(c->s + start, ")"),
				  "tunnel flags",
				  set ? "write flags as df|csum|key in set():" :
				  "mixes '+'/'-' and '|' in");
}

/* One "name=value[/mask]" for a field of @f's type. */
static int parse_hex_bytes(struct wft_odp_cur *c, uint8_t *out, size_t len)
{
	size_t n = strcspn(c->s + c->pos, "/}"), digits;
	const char *p = c->s + c->pos;

	if (n > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		digits = n - 2;
	} else {
		digits = n;
	}
	if (!digits || digits > 2 * len)
		return wft_odp_fail_token(c, c->pos, n ? n : 1, "geneve",
					  "bad option data");
	memset(out, 0, len);
	for (size_t i = 0; i < digits; i++) {
		char ch = p[digits - 1 - i];
		int v = ch >= '0' && ch <= '9' ? ch - '0' :
			ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
			ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;

		if (v < 0)
			return wft_odp_fail_token(c, c->pos, n, "geneve",
						  "bad option data");
		out[len - 1 - i / 2] |= (uint8_t)(v << (i % 2 ? 4 : 0));
	}
	c->pos += n;
	return 0;
}

/* A number as scanf's %i reads it, up to ',', '}' or '/'; at most @max. */
static int geneve_uint(struct wft_odp_cur *c, uint64_t max, uint64_t *v)
{
	size_t n = strcspn(c->s + c->pos, ",}/");
	char buf[32], *end;

	if (!n || n >= sizeof(buf))
		goto bad;
	memcpy(buf, c->s + c->pos, n);
	buf[n] = '\0';
	errno = 0;
	*v = strtoull(buf, &end, 0);
	if (errno || *end || *v > max || buf[0] == '-')
		goto bad;
	c->pos += n;
	return 0;
bad:
	return wft_odp_fail_token(c, c->pos, n ? n : 1, "geneve", "bad number");
}

/* A number with an optional "/mask", both at most @max. */
static int parse_num_mask(struct wft_odp_cur *c, uint64_t max, uint64_t *v,
			  uint64_t *m, bool set)
{
	int err = geneve_uint(c, max, v);

	*m = max;
	if (err || wft_odp_peek(c) != '/')
		return err;
	if (set)
		return wft_odp_fail(c, c->pos,
				    "geneve: a mask is not allowed in set()");
	c->pos++;
	return geneve_uint(c, max, m);
}

/*
 * "class=C,type=T,len=L," in any order, each optional (left out: any), up
 * to the data or '}'. OVS prints a field only when its mask is not zero.
 */
static int parse_opt_fields(struct wft_odp_cur *c, uint64_t *cls,
			    uint64_t *cm, uint64_t *type, uint64_t *tm,
			    uint64_t *dl, uint64_t *dm, bool set)
{
	bool seen[3] = { false, false, false };
	int err;

	for (;;) {
		size_t n = strcspn(c->s + c->pos, "=,}");
		int i;

		if (c->s[c->pos + n] != '=')
			return 0;	/* the data, or '}' */
		if (n == 5 && !strncmp(c->s + c->pos, "class", 5))
			i = 0;
		else if (n == 4 && !strncmp(c->s + c->pos, "type", 4))
			i = 1;
		else if (n == 3 && !strncmp(c->s + c->pos, "len", 3))
			i = 2;
		else
			return wft_odp_fail_token(c, c->pos, n ? n : 1,
						  "geneve", "unknown option field");
		if (seen[i])
			return wft_odp_fail_token(c, c->pos, n, "geneve",
						  "option field given twice:");
		seen[i] = true;
		c->pos += n + 1;
		err = i == 0 ? parse_num_mask(c, 0xffff, cls, cm, set) :
		      i == 1 ? parse_num_mask(c, 0xff, type, tm, set) :
			       parse_num_mask(c, 124, dl, dm, set);
		if (err)
			return err;
		if (wft_odp_peek(c) == ',')
			c->pos++;
		else if (wft_odp_peek(c) != '}')
			return wft_odp_expect(c, '}', "geneve");
	}
}

/* {class=C,type=T,len=L[,DATA]} repeated, inside geneve(...). */
static int parse_geneve(struct wft_odp_cur *c, struct wft_odp_tun *t, bool set)
{
	size_t len = 0;
	int err = wft_odp_expect(c, '(', "geneve");

	if (err)
		return err;
	if (t->opts_in_key)
		return wft_odp_fail(c, c->pos, "geneve: given twice");
	while (wft_odp_peek(c) == '{') {
		uint64_t cls, cm, type, tm, dl, dm;
		uint8_t *o = t->opts + len, *om = t->opts_mask + len;

		c->pos++;
		cls = type = dl = 0;
		cm = tm = dm = 0;
		err = parse_opt_fields(c, &cls, &cm, &type, &tm, &dl, &dm, set);
		if (err)
			return err;
		if (dl % 4 || len + 4 + dl > WEFT_TUN_OPTS_MAX)
			return wft_odp_fail(c, c->pos,
					    "geneve: option len must be a multiple of 4 and all options fit %d bytes",
					    WEFT_TUN_OPTS_MAX);
		o[0] = (uint8_t)(cls >> 8);
		o[1] = (uint8_t)cls;
		o[2] = (uint8_t)type;
		o[3] = (uint8_t)(dl / 4);
		om[0] = (uint8_t)(cm >> 8);
		om[1] = (uint8_t)cm;
		om[2] = (uint8_t)tm;
		/* Only the 5 length bits; "len=4" is exact on them. */
		om[3] = dm == 124 || dm == 0xff ? 0x1f : (uint8_t)(dm / 4);
		memset(om + 4, dl ? 0xff : 0, dl);
		if (wft_odp_peek(c) != '}' && dl) {
			err = parse_hex_bytes(c, o + 4, dl);
			if (!err && wft_odp_peek(c) == '/') {
				if (set)
					return wft_odp_fail(c, c->pos,
							    "geneve: a mask is not allowed in set()");
				c->pos++;
				err = parse_hex_bytes(c, om + 4, dl);
			}
			if (err)
				return err;
		}
		err = wft_odp_expect(c, '}', "geneve");
		if (err)
			return err;
		len += 4 + dl;
	}
	if (!len)
		return wft_odp_fail(c, c->pos,
				    "geneve: expected '{' (at least one option)");
	t->opts_len = t->opts_mask_len = (uint8_t)len;
	t->opts_in_key = t->opts_in_mask = true;
	return wft_odp_expect(c, ')', "geneve");
}

/*
 * Parses "(...)" after "tunnel" into img->tun. @set: the form of
 * set(tunnel(...)), where no field takes a mask.
 */
int wft_odp_parse_tunnel(struct wft_odp_cur *c, struct wft_odp_image *img,
			 bool set)
{
	struct wft_odp_tun *t = &img->tun;
	int err = wft_odp_expect(c, '(', "tunnel");

	if (err)
		return err;
	img->nest_key[WEFT_KEY_A_TUNNEL] = true;
	img->nest_mask[WEFT_KEY_A_TUNNEL] = true;
	while (wft_odp_peek(c) != ')') {
		size_t pos = c->pos, n = wft_odp_word_len(c), i;
		struct wft_odp_slot *s;

		if (wft_odp_word_is(c, n, "flags")) {
			s = &t->f[WEFT_TUNNEL_A_FLAGS];
			if (s->in_key)
				return wft_odp_fail(c, pos, "tunnel: field \"flags\" given twice");
			c->pos += n;
			err = parse_flags(c, s, set);
		} else if (wft_odp_word_is(c, n, "geneve")) {
			c->pos += n;
			err = parse_geneve(c, t, set);
		} else {
			for (i = 0; i < N_TUN_FIELDS; i++)
				if (wft_odp_word_is(c, n, tun_fields[i].name))
					break;
			if (i == N_TUN_FIELDS || c->s[c->pos + n] != '=')
				return wft_odp_fail_token(c, pos,
						n ? n : strcspn(c->s + pos, ",)"),
						"tunnel", i < N_TUN_FIELDS ?
						"expected '=' after" :
						"unknown field");
			s = &t->f[tun_fields[i].attr];
			if (s->in_key)
				return wft_odp_fail(c, pos, "tunnel: field \"%s\" given twice",
						    tun_fields[i].name);
			c->pos += n + 1;
			if (tun_fields[i].attr == WEFT_TUNNEL_A_ID) {
				err = parse_id(c, s->key, set ? NULL : s->mask);
				s->len = 8;
				if (set)
					memset(s->mask, 0xff, 8);
			} else {
				enum wft_odp_vtype vt = tun_fields[i].type;

				err = wft_odp_parse_value(c, "tunnel", vt, s->key,
							  set ? NULL : s->mask);
				s->len = (uint8_t)wft_odp_vtype_len(vt);
				if (set)
					memset(s->mask, 0xff, s->len);
			}
			s->in_key = s->in_mask = true;
		}
		if (err)
			return err;
		if (wft_odp_peek(c) == ',')
			c->pos++;
		else if (wft_odp_peek(c) != ')')
			return wft_odp_expect(c, ')', "tunnel");
	}
	c->pos++;
	return 0;
}

/* Appends WEFT_KEY_A_TUNNEL to @key and (if not NULL) @mask. */
void wft_odp_emit_tunnel(const struct wft_odp_image *img,
			 struct wft_attrbuf *key, struct wft_attrbuf *mask)
{
	const struct wft_odp_tun *t = &img->tun;
	bool in_k = img->nest_key[WEFT_KEY_A_TUNNEL];
	bool in_m = mask && img->nest_mask[WEFT_KEY_A_TUNNEL];
	size_t kn = 0, mn = 0;

	if (in_k)
		kn = wft_attr_nest_start(key, WEFT_KEY_A_TUNNEL);
	if (in_m)
		mn = wft_attr_nest_start(mask, WEFT_KEY_A_TUNNEL);
	for (uint16_t a = 1; a <= WEFT_TUNNEL_A_MAX; a++) {
		const struct wft_odp_slot *s = &t->f[a];

		if (a == WEFT_TUNNEL_A_GENEVE_OPTS) {
			if (t->opts_in_key && in_k)
				wft_attr_put(key, a, t->opts, t->opts_len);
			if (t->opts_in_mask && in_m)
				wft_attr_put(mask, a, t->opts_mask,
					     t->opts_mask_len);
			continue;
		}
		if (s->in_key && in_k)
			wft_attr_put(key, a, s->key, s->len);
		if (s->in_mask && in_m)
			wft_attr_put(mask, a, s->mask, s->len);
	}
	if (in_k)
		wft_attr_nest_end(key, kn);
	if (in_m)
		wft_attr_nest_end(mask, mn);
}

static size_t field_len(uint16_t a)
{
	switch (a) {
	case WEFT_TUNNEL_A_ID:
		return 8;
	case WEFT_TUNNEL_A_IPV4_SRC:
	case WEFT_TUNNEL_A_IPV4_DST:
		return 4;
	case WEFT_TUNNEL_A_IPV6_SRC:
	case WEFT_TUNNEL_A_IPV6_DST:
		return 16;
	case WEFT_TUNNEL_A_TOS:
	case WEFT_TUNNEL_A_TTL:
		return 1;
	case WEFT_TUNNEL_A_FLAGS:
	case WEFT_TUNNEL_A_TP_SRC:
	case WEFT_TUNNEL_A_TP_DST:
		return 2;
	}
	return 0;
}

/* Fills img->tun from the contents of a WEFT_KEY_A_TUNNEL nest. */
void wft_odp_decode_tunnel(struct wft_odp_image *img, const uint8_t *data,
			   size_t len, bool is_mask)
{
	struct wft_odp_tun *t = &img->tun;
	struct wft_odp_iter it;
	struct wft_odp_attr a;
	int r;

	(is_mask ? img->nest_mask : img->nest_key)[WEFT_KEY_A_TUNNEL] = true;
	wft_odp_iter_init(&it, data, len);
	while ((r = wft_odp_iter_next(&it, &a)) > 0) {
		struct wft_odp_slot *s;

		if (a.type == WEFT_TUNNEL_A_GENEVE_OPTS) {
			if (!a.len || a.len > WEFT_TUN_OPTS_MAX || a.len % 4) {
				img->bad = true;
				continue;
			}
			memcpy(is_mask ? t->opts_mask : t->opts, a.data, a.len);
			if (is_mask) {
				t->opts_mask_len = (uint8_t)a.len;
				t->opts_in_mask = true;
			} else {
				t->opts_len = (uint8_t)a.len;
				t->opts_in_key = true;
			}
			continue;
		}
		if (a.type > WEFT_TUNNEL_A_MAX || !field_len(a.type) ||
		    a.len != field_len(a.type)) {
			img->bad = true;
			continue;
		}
		s = &t->f[a.type];
		s->len = (uint8_t)a.len;
		memcpy(is_mask ? s->mask : s->key, a.data, a.len);
		if (is_mask)
			s->in_mask = true;
		else
			s->in_key = true;
	}
	if (r < 0)
		img->bad = true;
}

/* No mask given: every field of the key exact. */
void wft_odp_tunnel_exact_mask(struct wft_odp_image *img)
{
	struct wft_odp_tun *t = &img->tun;

	for (int a = 0; a <= WEFT_TUNNEL_A_MAX; a++) {
		if (t->f[a].in_key) {
			memset(t->f[a].mask, 0xff, sizeof(t->f[a].mask));
			if (a == WEFT_TUNNEL_A_FLAGS) {
				uint16_t all = __WEFT_TUNNEL_F_ALL;

				memcpy(t->f[a].mask, &all, 2);
			}
			t->f[a].in_mask = true;
		}
	}
	if (t->opts_in_key) {
		memset(t->opts_mask, 0xff, t->opts_len);
		t->opts_mask_len = t->opts_len;
		t->opts_in_mask = true;
	}
}

/* OVS's ds_put_hex(): 0x and the bytes without leading zeros, or "0". */
static void put_hex(struct wft_strbuf *out, const uint8_t *p, size_t n)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (!p[i] && !any)
			continue;
		wft_strbuf_printf(out, any ? "%02x" : "0x%x", p[i]);
		any = true;
	}
	if (!any)
		wft_strbuf_putc(out, '0');
}

static bool all_ones(const uint8_t *p, size_t n)
{
	while (n--)
		if (p[n] != 0xff)
			return false;
	return true;
}

/* "name=value" with ",/mask" as OVS's format_u8x/format_be16x print them. */
static void put_num(struct wft_strbuf *out, const char *name, unsigned int v,
		    const unsigned int *m, unsigned int full, bool dec)
{
	if (m && !*m)
		return;
	wft_strbuf_printf(out, dec ? "%s=%u" : "%s=%#x", name, v);
	if (m && *m != full)
		wft_strbuf_printf(out, "/%#x", *m);
	wft_strbuf_putc(out, ',');
}

static void format_geneve(struct wft_strbuf *out, const struct wft_odp_tun *t,
			  bool masked, bool verbose)
{
	const uint8_t *o = t->opts, *m = masked ? t->opts_mask : NULL;
	size_t left = t->opts_len;

	if (masked && t->opts_mask_len != t->opts_len)
		m = NULL;
	wft_strbuf_puts(out, "geneve(");
	while (left >= 4) {
		unsigned int dl = 4u * (o[3] & 0x1f), cls, type, cm, tm, lm;

		if (4 + dl > left)
			break;
		cls = (unsigned int)(o[0] << 8 | o[1]);
		type = o[2];
		wft_strbuf_putc(out, '{');
		if (m) {
			cm = (unsigned int)(m[0] << 8 | m[1]);
			tm = m[2];
			lm = (m[3] & 0x1f) == 0x1f ? 0xff : (m[3] & 0x1f);
		}
		put_num(out, "class", cls, m ? &cm : NULL, 0xffff, false);
		put_num(out, "type", type, m ? &tm : NULL, 0xff, false);
		put_num(out, "len", dl, m ? &lm : NULL, 0xff, true);
		if (dl && (verbose || !m || !wft_odp_mask_is_zero(m + 4, dl))) {
			put_hex(out, o + 4, dl);
			if (m && !all_ones(m + 4, dl)) {
				wft_strbuf_putc(out, '/');
				put_hex(out, m + 4, dl);
			}
		} else {
			strbuf_chomp(out, ',');
		}
		wft_strbuf_putc(out, '}');
		o += 4 + dl;
		if (m)
			m += 4 + dl;
		left -= 4 + dl;
	}
	wft_strbuf_puts(out, "),");
}

static void format_flags(struct wft_strbuf *out, uint16_t k, uint16_t m,
			 bool set)
{
	bool any = false;

	wft_strbuf_puts(out, "flags(");
	for (size_t i = 0; i < N_TUN_FLAGS; i++) {
		uint16_t bit = tun_flags[i].bit;

		if (set) {
			if (k & bit) {
				wft_strbuf_printf(out, "%s%s", any ? "|" : "",
						  tun_flags[i].name);
				any = true;
			}
		} else if (m & bit) {
			wft_strbuf_printf(out, "%c%s", k & bit ? '+' : '-',
					  tun_flags[i].name);
		}
	}
	if (set && !any)
		wft_strbuf_putc(out, '0');
	wft_strbuf_puts(out, "),");
}

/*
 * Prints "tunnel(...)" (preceded by ',' unless first) when the key has
 * one. @set: the form inside set(): every field given, flags as a list.
 */
void wft_odp_format_tunnel(struct wft_strbuf *out, bool *first,
			   const struct wft_odp_image *img, bool verbose,
			   bool set)
{
	const struct wft_odp_tun *t = &img->tun;
	const struct wft_odp_slot *fs = &t->f[WEFT_TUNNEL_A_FLAGS];
	uint16_t fk = 0, fm = 0;
	bool was_first = *first;
	size_t start;

	if (!img->nest_key[WEFT_KEY_A_TUNNEL])
		return;
	if (!*first)
		wft_strbuf_putc(out, ',');
	*first = false;
	wft_strbuf_puts(out, "tunnel(");
	start = out->len;
	for (size_t i = 0; i < N_TUN_FIELDS; i++) {
		const struct tun_field *f = &tun_fields[i];
		const struct wft_odp_slot *s = &t->f[f->attr];
		static const uint8_t zero[WFT_ODP_VAL_MAX];
		const uint8_t *m = s->in_mask ? s->mask : zero;

		if (!s->in_key)
			continue;
		if (!set && !verbose && wft_odp_mask_is_zero(m, s->len))
			continue;
		wft_strbuf_printf(out, "%s=", f->name);
		if (f->attr == WEFT_TUNNEL_A_ID) {
			wft_strbuf_printf(out, "0x%" PRIx64, get_be64(s->key));
			if (!set && !all_ones(m, 8))
				wft_strbuf_printf(out, "/%#" PRIx64, get_be64(m));
		} else {
			wft_odp_format_value(out, (enum wft_odp_vtype)f->type,
					     s->key, set ? NULL : m, NULL);
		}
		wft_strbuf_putc(out, ',');
	}
	if (t->opts_in_key)
		format_geneve(out, t, !set, verbose);
	if (fs->in_key)
		fk = get_u16(fs->key);
	if (fs->in_mask)
		fm = get_u16(fs->mask);
	if (set) {
		/* OVS: the key flag is there exactly when tun_id is. */
		if (t->f[WEFT_TUNNEL_A_ID].in_key)
			fk |= WEFT_TUNNEL_F_KEY;
		format_flags(out, fk, 0, true);
	} else if (fs->in_key && (fm || verbose)) {
		format_flags(out, fk, fm, false);
	}
	if (out->len > start) {
		strbuf_chomp(out, ',');
	} else if (!set && !verbose) {
		/* All wildcarded: OVS leaves such a header out. */
		wft_strbuf_truncate(out, start - strlen("tunnel(") -
				    (was_first ? 0 : 1));
		*first = was_first;
		return;
	}
	wft_strbuf_putc(out, ')');
}
