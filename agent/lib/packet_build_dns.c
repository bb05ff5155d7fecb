// SPDX-License-Identifier: GPL-2.0
/*
 * OVN's DNS answers (include/weft/packet_build.h): a query's first
 * question read, and the query turned into its answer, as
 * ovn-controller 23.03 does for dns_lookup. RFC 1035's layout: a 12-byte
 * header (id, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT), the question
 * (name, type, class), resource records.
 *
 * The query comes from any pod: everything is bounded by what was
 * received and by the UDP length, whichever is shorter.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "weft/packet_build.h"

#define DNS_HDR		12
#define DNS_CLASS_IN	1
#define DNS_TTL		3600	/* OVN's DNS_DEFAULT_RR_TTL */
#define DNS_LABEL_MAX	63

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The UDP payload of @in and its length (the UDP length, clipped to what
 * was received), or NULL. */
static const uint8_t *udp_payload(const struct wft_pkt *in, size_t *len)
{
	const struct wft_flow *f = &in->flow;
	size_t l4, ulen;

	if ((f->dl_type != htons(0x0800) && f->dl_type != htons(0x86dd)) ||
	    f->nw_proto != IPPROTO_UDP || in->l3 < 0 || in->l4 < in->l3 ||
	    (f->nw_frag & WFT_FRAG_LATER))
		return NULL;
	if ((size_t)(in->l4 - in->l3) >= in->l3_len)
		return NULL;
	l4 = in->l3_len - (size_t)(in->l4 - in->l3);
	if (l4 < 8)
		return NULL;
	ulen = get16(in->data + in->l4 + 4);
	if (ulen < 8)
		return NULL;
	*len = (ulen < l4 ? ulen : l4) - 8;
	return in->data + in->l4 + 8;
}

int wft_pkt_dns_query_parse(const struct wft_pkt *in,
			    struct wft_pkt_dns_query *q)
{
	const uint8_t *d;
	size_t n, pos = DNS_HDR, out = 0;

	memset(q, 0, sizeof(*q));
	d = udp_payload(in, &n);
	if (!d || n < DNS_HDR || (d[2] & 0x80) || !get16(d + 4))
		return -EINVAL;
	for (;;) {
		size_t l;

		if (pos >= n)
			return -EINVAL;
		l = d[pos++];
		if (!l)
			break;
		/* 0xc0: a pointer; 0x40, 0x80: reserved label types. */
		if (l > DNS_LABEL_MAX || pos + l > n)
			return -EINVAL;
		/* The dotted name, a dot between labels, fits in 255. */
		if (out + !!out + l > WFT_DNS_NAME_MAX)
			return -EINVAL;
		if (memchr(d + pos, '\0', l) || memchr(d + pos, '.', l))
			return -EINVAL;
		if (out)
			q->name[out++] = '.';
		memcpy(q->name + out, d + pos, l);
		out += l;
		pos += l;
	}
	q->name[out] = '\0';
	q->qname_len = pos - DNS_HDR;
	if (pos + 4 > n)
		return -EINVAL;
	q->qtype = get16(d + pos);
	if (q->qtype != WFT_DNS_A && q->qtype != WFT_DNS_AAAA &&
	    q->qtype != WFT_DNS_PTR && q->qtype != WFT_DNS_ANY)
		return -EINVAL;
	q->qlen = pos + 4;
	return 0;
}

/* One RR naming the question's name: type @type, @rdata of @rdlen bytes,
 * at @p (room checked by the caller). Returns the bytes written. */
static size_t put_rr(uint8_t *p, const uint8_t *qname, size_t qname_len,
		     uint16_t type, const void *rdata, size_t rdlen)
{
	memcpy(p, qname, qname_len);
	p += qname_len;
	put16(p, type);
	put16(p + 2, DNS_CLASS_IN);
	put16(p + 4, (uint16_t)(DNS_TTL >> 16));
	put16(p + 6, (uint16_t)DNS_TTL);
	put16(p + 8, (uint16_t)rdlen);
	memcpy(p + 10, rdata, rdlen);
	return qname_len + 10 + rdlen;
}

/* @name ("a.b.c", a final dot allowed) as RFC 1035 labels into @out
 * (room for WFT_DNS_NAME_MAX + 2). Returns the length, or -EINVAL. */
static int encode_name(const char *name, uint8_t *out)
{
	size_t len = strlen(name), pos = 0, l;
	const char *dot;

	if (len && name[len - 1] == '.')
		len--;
	if (!len || len > WFT_DNS_NAME_MAX - 2)
		return -EINVAL;
	while (pos < len) {
		dot = memchr(name + pos, '.', len - pos);
		l = (dot ? (size_t)(dot - name) : len) - pos;
		if (!l || l > DNS_LABEL_MAX)
			return -EINVAL;
		out[pos] = (uint8_t)l;
		memcpy(out + pos + 1, name + pos, l);
		pos += l + 1;
	}
	out[pos] = 0;
	return (int)pos + 1;
}

/* The answers for @q from @data into @p (up to @cap bytes). Returns their
 * length with *@n_rr set, or -errno. */
static int answers(const struct wft_pkt_dns_query *q, const uint8_t *qname,
		   const char *data, uint8_t *p, size_t cap, uint16_t *n_rr)
{
	uint8_t rd[WFT_DNS_NAME_MAX + 2], v6[32][16];
	uint32_t v4[32];
	size_t n4 = 0, n6 = 0, len = 0, i;
	const char *s = data;
	int rdlen;

	*n_rr = 0;
	if (q->qtype == WFT_DNS_PTR) {
		rdlen = encode_name(data, rd);
		if (rdlen < 0)
			return rdlen;
		if (q->qname_len + 10 + (size_t)rdlen > cap)
			return -ENOSPC;
		*n_rr = 1;
		return (int)put_rr(p, qname, q->qname_len, WFT_DNS_PTR, rd,
				   (size_t)rdlen);
	}
	/* Addresses, as OVN reads a port's: any that does not parse makes
	 * the whole value unusable. */
	while (*s) {
		char tok[INET6_ADDRSTRLEN + 1];
		size_t l = strcspn(s, " ");

		if (!l) {
			s++;
			continue;
		}
		if (l >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, s, l);
		tok[l] = '\0';
		s += l;
		if (n4 < 32 && inet_pton(AF_INET, tok, &v4[n4]) == 1)
			n4++;
		else if (n6 < 32 && inet_pton(AF_INET6, tok, v6[n6]) == 1)
			n6++;
		else
			return -EINVAL;
	}
	if (q->qtype == WFT_DNS_A || q->qtype == WFT_DNS_ANY) {
		for (i = 0; i < n4; i++) {
			if (len + q->qname_len + 14 > cap)
				return -ENOSPC;
			len += put_rr(p + len, qname, q->qname_len, WFT_DNS_A,
				      &v4[i], 4);
			(*n_rr)++;
		}
	}
	if (q->qtype == WFT_DNS_AAAA || q->qtype == WFT_DNS_ANY) {
		for (i = 0; i < n6; i++) {
			if (len + q->qname_len + 26 > cap)
				return -ENOSPC;
			len += put_rr(p + len, qname, q->qname_len,
				      WFT_DNS_AAAA, v6[i], 16);
			(*n_rr)++;
		}
	}
	return *n_rr ? (int)len : -ENOENT;
}

int wft_pkt_dns_reply(const struct wft_pkt *in,
		      const struct wft_pkt_dns_query *q, const char *data,
		      uint8_t *out)
{
	size_t n, hdrs, ulen;
	const uint8_t *d;
	uint8_t *dns, *udp;
	uint16_t n_rr;
	int alen;

	d = udp_payload(in, &n);
	if (!d || q->qlen > n || q->qlen < DNS_HDR + q->qname_len)
		return -EINVAL;
	hdrs = (size_t)in->l4 + 8;
	if (hdrs + q->qlen > WFT_PKT_MAX)
		return -ENOSPC;
	memcpy(out, in->data, hdrs + q->qlen);
	dns = out + hdrs;
	alen = answers(q, d + DNS_HDR, data, dns + q->qlen,
		       WFT_PKT_MAX - hdrs - q->qlen, &n_rr);
	if (alen < 0)
		return alen;
	dns[2] |= 0x80;				/* QR: a response */
	put16(dns + 4, 1);
	put16(dns + 6, n_rr);
	put16(dns + 8, 0);
	put16(dns + 10, 0);
	ulen = 8 + q->qlen + (size_t)alen;
	udp = out + in->l4;
	put16(udp + 4, (uint16_t)ulen);
	udp[6] = udp[7] = 0;
	if (in->flow.dl_type == htons(0x0800)) {
		uint8_t *ip = out + in->l3;

		put16(ip + 2, (uint16_t)(in->l4 - in->l3 + ulen));
		ip[10] = ip[11] = 0;
		put16(ip + 10, wft_csum_fold(wft_csum_add(0, ip,
				(size_t)(in->l4 - in->l3))));
	} else {
		uint8_t *ip = out + in->l3;
		uint32_t sum;

		put16(ip + 4, (uint16_t)(in->l4 - in->l3 - 40 + ulen));
		/* The pseudo-header: addresses, length, next header. */
		sum = wft_csum_add(0, ip + 8, 32);
		sum += (uint32_t)ulen + IPPROTO_UDP;
		sum = wft_csum_add(sum, udp, ulen);
		put16(udp + 6, wft_csum_fold(sum));
		if (!udp[6] && !udp[7])
			udp[6] = udp[7] = 0xff;
	}
	return in->l4 + (int)ulen;
}
