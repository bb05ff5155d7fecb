// SPDX-License-Identifier: GPL-2.0
/*
 * Field values in ovs-ofctl's text: parsing "V" and "V/M" for every kind of
 * field (integers up to 128 bits, Ethernet, IPv4/IPv6 with prefix or mask,
 * ports, fragment kinds, TCP flags) into big-endian buffers, printing them
 * back, and moving them in and out of a struct wft_flow.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ofp_private.h"

bool ofp_bit_get(const uint8_t *p, unsigned int n, unsigned int i)
{
	return p[n - 1 - i / 8] >> (i % 8) & 1;
}

void ofp_bit_put(uint8_t *p, unsigned int n, unsigned int i, bool v)
{
	uint8_t m = (uint8_t)(1u << (i % 8));

	if (v)
		p[n - 1 - i / 8] |= m;
	else
		p[n - 1 - i / 8] &= (uint8_t)~m;
}

bool ofp_is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

bool ofp_is_ones(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++ != 0xff)
			return false;
	return true;
}

uint64_t ofp_get_uint(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

void ofp_put_uint(uint8_t *p, size_t n, uint64_t v)
{
	while (n--) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* Ones in the low @n_bits of an @n-byte buffer. */
static void field_ones(uint8_t *p, size_t n, unsigned int n_bits)
{
	unsigned int i;

	memset(p, 0, n);
	for (i = 0; i < n_bits; i++)
		ofp_bit_put(p, (unsigned int)n, i, true);
}

/* "0x1f" hex digits without leading zeros into @p (@n bytes). */
static int parse_hex_bytes(const char *s, size_t len, uint8_t *p, size_t n)
{
	size_t i, nibble;

	memset(p, 0, n);
	if (len < 3 || len - 2 > 2 * n)
		return len < 3 ? -EINVAL : -ERANGE;
	for (i = 2; i < len; i++) {
		char c = s[i];
		unsigned int d = c >= '0' && c <= '9' ? (unsigned int)(c - '0') :
				 c >= 'a' && c <= 'f' ? (unsigned int)(c - 'a' + 10) :
				 c >= 'A' && c <= 'F' ? (unsigned int)(c - 'A' + 10) : 16;

		if (d > 15)
			return -EINVAL;
		nibble = len - 1 - i;	/* from the least significant */
		p[n - 1 - nibble / 2] |= (uint8_t)(d << (nibble % 2 * 4));
	}
	return 0;
}

/* An integer of up to @n bytes, right-aligned; its low @n_bits only. */
static int parse_int(const char *s, size_t len, uint8_t *p, size_t n,
		     unsigned int n_bits)
{
	uint8_t ones[16];
	uint64_t v;
	size_t i;
	int ret;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && n > 8) {
		ret = parse_hex_bytes(s, len, p, n);
	} else {
		ret = ofp_parse_uint(s, len, n >= 8 ? UINT64_MAX :
				     (1ull << (8 * n)) - 1, &v);
		memset(p, 0, n);
		if (!ret)
			ofp_put_uint(p + (n > 8 ? n - 8 : 0), n > 8 ? 8 : n, v);
	}
	if (ret)
		return ret;
	field_ones(ones, n, n_bits);
	for (i = 0; i < n; i++)
		if (p[i] & ~ones[i])
			return -ERANGE;
	return 0;
}

static int parse_eth(const char *s, size_t len, uint8_t *mac)
{
	char buf[32];
	unsigned int b[6];
	int used = 0;
	size_t i;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (sscanf(buf, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &used) != 6 || (size_t)used != len ||
	    strchr(buf, ' ') || strchr(buf, '-') || strchr(buf, '+'))
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int parse_ip(int af, const char *s, size_t len, uint8_t *ip)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(af, buf, ip) == 1 ? 0 : -EINVAL;
}

/* An address mask written "/N" (a prefix length) or as an address. */
static int parse_ip_mask(int af, const char *s, size_t len, uint8_t *mask)
{
	unsigned int n_bytes = af == AF_INET ? 4 : 16, i;
	uint64_t plen;

	if (!ofp_parse_dec(s, len, 8 * n_bytes, &plen)) {
		memset(mask, 0, n_bytes);
		for (i = 0; i < plen; i++)
			ofp_bit_put(mask, n_bytes, 8 * n_bytes - 1 - i, true);
		return 0;
	}
	return parse_ip(af, s, len, mask);
}

static const char *const frag_names[] = { "no", "yes", "first", "later",
					  "not_later" };
static const uint8_t frag_values[][2] = {	/* value, mask */
	{ 0, WFT_FRAG_ANY },
	{ WFT_FRAG_ANY, WFT_FRAG_ANY },
	{ WFT_FRAG_ANY, WFT_FRAG_ANY | WFT_FRAG_LATER },
	{ WFT_FRAG_ANY | WFT_FRAG_LATER, WFT_FRAG_ANY | WFT_FRAG_LATER },
	{ 0, WFT_FRAG_LATER },
};

static int parse_frag(const char *s, size_t len, uint8_t *value,
		      uint8_t *mask)
{
	size_t i;

	for (i = 0; i < sizeof(frag_names) / sizeof(frag_names[0]); i++)
		if (strlen(frag_names[i]) == len &&
		    !strncmp(s, frag_names[i], len)) {
			*value = frag_values[i][0];
			*mask = frag_values[i][1];
			return 0;
		}
	return -EINVAL;
}

/* in_port as a field value is the 16-bit OpenFlow 1.0 view. */
static int parse_port16(const char *s, size_t len, uint8_t *value)
{
	uint32_t port;

	if (wft_ofp_port_parse(s, len, &port))
		return -EINVAL;
	ofp_put_uint(value, 4, port >= WFT_OFPP_MAX ? port & 0xffff : port);
	return 0;
}

/* One side of "V/M" in the field's own format. */
static int parse_one(const struct wft_field *f, const char *s, size_t len,
		     uint8_t *p, bool is_mask)
{
	switch (f->format) {
	case WFT_FMT_DECIMAL:
	case WFT_FMT_HEX:
	case WFT_FMT_TNL_FLAGS:		/* the numeric form */
		return parse_int(s, len, p, f->n_bytes, f->n_bits);
	case WFT_FMT_ETHERNET:
		return parse_eth(s, len, p);
	case WFT_FMT_IPV4:
		return is_mask ? parse_ip_mask(AF_INET, s, len, p) :
				 parse_ip(AF_INET, s, len, p);
	case WFT_FMT_IPV6:
		return is_mask ? parse_ip_mask(AF_INET6, s, len, p) :
				 parse_ip(AF_INET6, s, len, p);
	case WFT_FMT_OFP_PORT:
		return parse_port16(s, len, p);
	case WFT_FMT_FRAG:
	case WFT_FMT_TCP_FLAGS:
	case WFT_FMT_CT_STATE:
		break;
	}
	return -EINVAL;
}

static const char *format_what(const struct wft_field *f)
{
	switch (f->format) {
	case WFT_FMT_ETHERNET: return "Ethernet address";
	case WFT_FMT_IPV4: return "IPv4 address";
	case WFT_FMT_IPV6: return "IPv6 address";
	case WFT_FMT_OFP_PORT: return "port (a number or LOCAL, IN_PORT, ...)";
	case WFT_FMT_FRAG: return "fragment type (no, yes, first, later, "
				  "not_later)";
	default: return "number";
	}
}

static int parse_special(const struct wft_field *f, const char *s,
			 size_t len, uint8_t *value, uint8_t *mask, char *err,
			 size_t errlen)
{
	uint32_t cv, cm;
	uint16_t v, m;
	int ret;

	if (f->format == WFT_FMT_CT_STATE) {
		ret = ofp_ct_state_parse(s, len, &cv, &cm, err, errlen);
		if (!ret) {
			ofp_put_uint(value, 4, cv);
			ofp_put_uint(mask, 4, cm);
		}
		return ret;
	}
	if (f->format == WFT_FMT_TNL_FLAGS)
		return ofp_tnl_flags_parse(s, len, value, mask, err, errlen);
	if (f->format == WFT_FMT_FRAG) {
		if (parse_frag(s, len, value, mask))
			return ofp_err(err, errlen, "%s: \"%.*s\" is not a %s",
				       f->name, (int)len, s, format_what(f));
		return 0;
	}
	ret = ofp_tcp_flags_parse(s, len, &v, &m, err, errlen);
	if (!ret) {
		ofp_put_uint(value, 2, v);
		ofp_put_uint(mask, 2, m);
	}
	return ret;
}

static int bad_value(const struct wft_field *f, const char *s, size_t len,
		     int ret, char *err, size_t errlen)
{
	if (ret == -ERANGE)
		return ofp_err(err, errlen, "%s: %.*s is too large for a "
			       "%u-bit field", f->name, (int)len, s, f->n_bits);
	return ofp_err(err, errlen, "%s: \"%.*s\" is not a valid %s", f->name,
		       (int)len, s, format_what(f));
}

int ofp_field_parse(const struct wft_field *f, const char *s, size_t len,
		    uint8_t *value, uint8_t *mask, char *err, size_t errlen)
{
	const char *slash = memchr(s, '/', len);
	size_t vlen = slash ? (size_t)(slash - s) : len;
	uint8_t ones[16];
	int ret;

	if (!len)
		return ofp_err(err, errlen, "%s: missing value", f->name);
	if (f->format == WFT_FMT_FRAG || f->format == WFT_FMT_TCP_FLAGS ||
	    f->format == WFT_FMT_CT_STATE ||
	    (f->format == WFT_FMT_TNL_FLAGS && (s[0] < '0' || s[0] > '9')))
		return parse_special(f, s, len, value, mask, err, errlen);
	ret = parse_one(f, s, vlen, value, false);
	if (ret)
		return bad_value(f, s, vlen, ret, err, errlen);
	if (f->id == WFT_F_IP_DSCP && value[0] & 0x03)
		return ofp_err(err, errlen, "nw_tos: %.*s sets ECN bits (use a "
			       "multiple of 4, or ip_dscp)", (int)vlen, s);
	field_ones(ones, f->n_bytes, f->n_bits);
	memcpy(mask, ones, f->n_bytes);
	if (!slash)
		return 0;
	if (f->format == WFT_FMT_OFP_PORT)
		return ofp_err(err, errlen, "%s: a port cannot be masked",
			       f->name);
	ret = parse_one(f, slash + 1, len - vlen - 1, mask, true);
	if (ret)
		return bad_value(f, slash + 1, len - vlen - 1, ret, err,
				 errlen);
	if (!f->maskable && memcmp(mask, ones, f->n_bytes))
		return ofp_err(err, errlen, "%s: field cannot be masked (only "
			       "an exact value)", f->name);
	return 0;
}

void ofp_put_hex(struct wft_strbuf *sb, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && !p[i])
		i++;
	if (i == n) {
		wft_strbuf_putc(sb, '0');
		return;
	}
	wft_strbuf_printf(sb, "0x%x", p[i++]);
	for (; i < n; i++)
		wft_strbuf_printf(sb, "%02x", p[i]);
}

void ofp_put_eth(struct wft_strbuf *sb, const uint8_t *m)
{
	wft_strbuf_printf(sb, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			  m[3], m[4], m[5]);
}

void ofp_put_ipv4(struct wft_strbuf *sb, const uint8_t *ip)
{
	wft_strbuf_printf(sb, "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
}

void ofp_put_ipv6(struct wft_strbuf *sb, const uint8_t *ip)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, ip, buf, sizeof(buf));
	wft_strbuf_puts(sb, buf);
}

int ofp_cidr_len(const uint8_t *mask, size_t n)
{
	unsigned int i, len = 0;

	while (len < 8 * n && ofp_bit_get(mask, (unsigned int)n,
					  (unsigned int)(8 * n - 1 - len)))
		len++;
	for (i = len; i < 8 * n; i++)
		if (ofp_bit_get(mask, (unsigned int)n,
				(unsigned int)(8 * n - 1 - i)))
			return -1;
	return (int)len;
}

static void format_one(const struct wft_field *f, const uint8_t *p,
		       struct wft_strbuf *sb)
{
	uint32_t port;

	switch (f->format) {
	case WFT_FMT_DECIMAL:
		wft_strbuf_printf(sb, "%llu", (unsigned long long)
				  ofp_get_uint(p, f->n_bytes));
		break;
	case WFT_FMT_ETHERNET:
		ofp_put_eth(sb, p);
		break;
	case WFT_FMT_IPV4:
		ofp_put_ipv4(sb, p);
		break;
	case WFT_FMT_IPV6:
		ofp_put_ipv6(sb, p);
		break;
	case WFT_FMT_TNL_FLAGS:
		/* set_field prints the flags set by name, 0 for none. */
		wft_strbuf_puts(sb, p[f->n_bytes - 1] & WFT_TNL_F_OAM ? "oam"
							    : "0");
		break;
	case WFT_FMT_OFP_PORT:
		port = (uint32_t)ofp_get_uint(p, f->n_bytes);
		wft_ofp_port_format(port >= 0xff00 ? port | 0xffff0000u : port,
				    sb);
		break;
	default:
		ofp_put_hex(sb, p, f->n_bytes);
		break;
	}
}

void ofp_field_format(const struct wft_field *f, const uint8_t *value,
		      const uint8_t *mask, struct wft_strbuf *sb)
{
	uint8_t ones[16];

	format_one(f, value, sb);
	field_ones(ones, f->n_bytes, f->n_bits);
	if (mask && memcmp(mask, ones, f->n_bytes)) {
		wft_strbuf_putc(sb, '/');
		format_one(f, mask, sb);
	}
}

void ofp_field_get(const struct wft_field *f, const struct wft_flow *flow,
		   const struct wft_flow_wc *wc, uint8_t *value, uint8_t *mask)
{
	const uint8_t *v = (const uint8_t *)flow + f->offset;
	const uint8_t *m = (const uint8_t *)&wc->masks + f->offset;
	unsigned int i;

	memset(value, 0, f->n_bytes);
	memset(mask, 0, f->n_bytes);
	for (i = 0; i < f->n_bits; i++) {
		ofp_bit_put(value, f->n_bytes, i,
			    ofp_bit_get(v, f->n_bytes, f->shift + i));
		ofp_bit_put(mask, f->n_bytes, i,
			    ofp_bit_get(m, f->n_bytes, f->shift + i));
	}
}

void ofp_field_put(const struct wft_field *f, const uint8_t *value,
		   const uint8_t *mask, struct wft_flow *flow,
		   struct wft_flow_wc *wc)
{
	uint8_t *v = (uint8_t *)flow + f->offset;
	uint8_t *m = (uint8_t *)&wc->masks + f->offset;
	uint8_t valid[16];
	unsigned int i, bit;
	bool on;

	/* Matching an option's bits means matching that it is present;
	 * "tun_metadata0=0/0" matches only that, as in OVS. */
	if (wft_field_id_is_tun_md(f->id)) {
		flow->tun_md_present |= 1ull << (f->id - WFT_F_TUN_METADATA0);
		wc->masks.tun_md_present |=
			1ull << (f->id - WFT_F_TUN_METADATA0);
	}
	wft_field_bytes_mask(f, valid);
	for (i = 0; i < f->n_bits; i++) {
		bit = f->shift + i;
		if (!ofp_bit_get(valid, f->n_bytes, bit))
			continue;	/* nw_tos: ECN is not its own */
		on = ofp_bit_get(mask, f->n_bytes, i);
		ofp_bit_put(m, f->n_bytes, bit, on);
		ofp_bit_put(v, f->n_bytes, bit,
			    on && ofp_bit_get(value, f->n_bytes, i));
	}
}

const char *ofp_field_set_name(const struct wft_field *f)
{
	switch (f->id) {
	case WFT_F_ETH_SRC:
	case WFT_F_ETH_DST:
	case WFT_F_ETH_TYPE:
	case WFT_F_IP_SRC:
	case WFT_F_IP_DST:
	case WFT_F_IP_FRAG:
		return f->alias;	/* OVS's own name for the field */
	default:
		return f->name;
	}
}

const char *ofp_field_nxm_name(const struct wft_field *f)
{
	return f->nxm_name ? f->nxm_name : f->oxm_name ? f->oxm_name : f->name;
}

void ofp_subfield_format(const struct wft_subfield *sf, struct wft_strbuf *sb)
{
	wft_strbuf_puts(sb, ofp_field_nxm_name(sf->field));
	/* OVS's tun_metadata fields are 124 bytes whatever their mapping,
	 * so a whole one of weft's is a bit range there. */
	if (!sf->ofs && sf->n_bits == sf->field->n_bits &&
	    !wft_field_id_is_tun_md(sf->field->id))
		wft_strbuf_puts(sb, "[]");
	else if (sf->n_bits == 1)
		wft_strbuf_printf(sb, "[%u]", sf->ofs);
	else
		wft_strbuf_printf(sb, "[%u..%u]", sf->ofs,
				  sf->ofs + sf->n_bits - 1);
}

bool ofp_flow_has_vlan(const struct wft_flow *flow)
{
	return ntohs(flow->vlan_tci) & WFT_VLAN_CFI;
}

int ofp_tnl_flags_parse(const char *s, size_t len, uint8_t *value,
			uint8_t *mask, char *err, size_t errlen)
{
	const char *p = s, *end = s + len;
	bool on, seen = false;

	memset(value, 0, 2);
	memset(mask, 0, 2);
	while (p < end) {
		on = *p != '-';
		if (*p == '+' || *p == '-')
			p++;
		if (end - p < 3 || strncmp(p, "oam", 3) ||
		    (p + 3 < end && p[3] != '+' && p[3] != '-'))
			return ofp_err(err, errlen, "tun_flags: \"%.*s\" is not "
				       "a tunnel flag (weft knows oam; or write "
				       "VALUE/MASK)", (int)(end - p), p);
		if (seen)
			return ofp_err(err, errlen, "oam: Each tunnel flag can "
				       "be specified only once");
		seen = true;
		value[1] = on ? WFT_TNL_F_OAM : 0;
		mask[1] = WFT_TNL_F_OAM;
		p += 3;
	}
	return 0;
}

bool ofp_tun_md_mask_whole(const uint8_t *mask, size_t n)
{
	size_t i = 0;

	while (i < n && !mask[i])
		i++;
	if (i == n)
		return false;
	for (; i < n; i++)
		if (mask[i] != 0xff)
			return false;
	return true;
}
