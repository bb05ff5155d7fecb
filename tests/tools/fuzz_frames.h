/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by weft-nlfuzz and weft-pktfuzz: a seeded PRNG and a generator of
 * Ethernet frames, valid templates and the malformed variants of them that a
 * datapath's key extraction must survive. Everything is static inline so each
 * tool includes only what it uses without unused-function warnings.
 */
#ifndef WEFT_FUZZ_FRAMES_H
#define WEFT_FUZZ_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FZ_FRAME_MAX	1514

/* xorshift64*: small, fast, and reproducible from one 64-bit seed. */
struct fz_rng {
	uint64_t s;
};

static inline void fz_rng_seed(struct fz_rng *r, uint64_t seed)
{
	r->s = seed ? seed : 0x9e3779b97f4a7c15ull;
}

static inline uint64_t fz_rand64(struct fz_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

static inline uint32_t fz_rand32(struct fz_rng *r)
{
	return (uint32_t)(fz_rand64(r) >> 32);
}

/* Uniform in [0, n); n == 0 gives 0. */
static inline uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return n ? (uint32_t)(((uint64_t)fz_rand32(r) * n) >> 32) : 0;
}

static inline int fz_chance(struct fz_rng *r, unsigned int percent)
{
	return fz_below(r, 100) < percent;
}

static inline void fz_fill(struct fz_rng *r, void *p, size_t len)
{
	uint8_t *b = p;

	while (len--)
		*b++ = (uint8_t)fz_rand32(r);
}

/* A frame under construction; writes past FZ_FRAME_MAX are dropped. */
struct fz_frame {
	uint8_t b[FZ_FRAME_MAX];
	size_t len;
};

static inline uint8_t *fz_put(struct fz_frame *f, const void *data, size_t len)
{
	uint8_t *p = f->b + f->len;

	if (f->len + len > FZ_FRAME_MAX)
		len = FZ_FRAME_MAX - f->len;
	if (data)
		memcpy(p, data, len);
	else
		memset(p, 0, len);
	f->len += len;
	return p;
}

static inline void fz_put8(struct fz_frame *f, uint8_t v)
{
	fz_put(f, &v, 1);
}

static inline void fz_put16(struct fz_frame *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	fz_put(f, b, 2);
}

static inline void fz_put32(struct fz_frame *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	fz_put(f, b, 4);
}

static inline void fz_set16(struct fz_frame *f, size_t off, uint16_t v)
{
	if (off + 2 <= f->len) {
		f->b[off] = (uint8_t)(v >> 8);
		f->b[off + 1] = (uint8_t)v;
	}
}

static inline uint16_t fz_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* MAC addresses used by every template; the tools may override them. */
struct fz_macs {
	uint8_t dst[6];
	uint8_t src[6];
};

static inline void fz_eth(struct fz_frame *f, const struct fz_macs *m,
			  uint16_t type)
{
	f->len = 0;
	fz_put(f, m->dst, 6);
	fz_put(f, m->src, 6);
	fz_put16(f, type);
}

static inline void fz_vlan(struct fz_frame *f, uint16_t tci, uint16_t next)
{
	fz_put16(f, tci);
	fz_put16(f, next);
}

/* An IPv4 header with @optlen bytes of options; returns its offset. */
static inline size_t fz_ipv4(struct fz_frame *f, uint8_t proto, size_t optlen,
			     uint16_t frag)
{
	size_t off = f->len;
	size_t i;

	fz_put8(f, (uint8_t)(0x40 | ((20 + optlen) / 4)));
	fz_put8(f, 0);
	fz_put16(f, 0);			/* total length: fz_ipv4_done() */
	fz_put16(f, 0x1234);
	fz_put16(f, frag);
	fz_put8(f, 64);
	fz_put8(f, proto);
	fz_put16(f, 0);
	fz_put32(f, 0x0a000001);
	fz_put32(f, 0x0a000002);
	for (i = 0; i + 1 < optlen; i++)
		fz_put8(f, 1);		/* NOP */
	if (optlen)
		fz_put8(f, 0);		/* EOL */
	return off;
}

static inline void fz_ipv4_done(struct fz_frame *f, size_t off)
{
	size_t hl;

	if (off + 20 > f->len)
		return;
	hl = (size_t)(f->b[off] & 0x0f) * 4;
	fz_set16(f, off + 2, (uint16_t)(f->len - off));
	fz_set16(f, off + 10, 0);
	if (off + hl <= f->len)
		fz_set16(f, off + 10, fz_csum(f->b + off, hl));
}

static inline size_t fz_ipv6(struct fz_frame *f, uint8_t next)
{
	size_t off = f->len;
	static const uint8_t src[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t dst[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
					 0, 0, 0, 0, 0, 0, 0, 2 };

	fz_put32(f, 0x60012345);
	fz_put16(f, 0);			/* payload length: fz_ipv6_done() */
	fz_put8(f, next);
	fz_put8(f, 64);
	fz_put(f, src, 16);
	fz_put(f, dst, 16);
	return off;
}

static inline void fz_ipv6_done(struct fz_frame *f, size_t off)
{
	if (off + 40 <= f->len)
		fz_set16(f, off + 4, (uint16_t)(f->len - off - 40));
}

/* A generic extension header (hop-by-hop, routing, dest opts): 8*(1+hl). */
static inline void fz_ext(struct fz_frame *f, uint8_t next, uint8_t hl)
{
	size_t i;

	fz_put8(f, next);
	fz_put8(f, hl);
	fz_put8(f, 1);			/* PadN */
	fz_put8(f, (uint8_t)(4 + 8 * hl));
	for (i = 0; i < 4 + 8 * (size_t)hl; i++)
		fz_put8(f, 0);
}

static inline void fz_frag6(struct fz_frame *f, uint8_t next, uint16_t offflags)
{
	fz_put8(f, next);
	fz_put8(f, 0);
	fz_put16(f, offflags);
	fz_put32(f, 0xabcd);
}

static inline void fz_tcp(struct fz_frame *f, size_t optlen)
{
	size_t i;

	fz_put16(f, 40000);
	fz_put16(f, 80);
	fz_put32(f, 1);
	fz_put32(f, 0);
	fz_put16(f, (uint16_t)((((20 + optlen) / 4) << 12) | 0x002));
	fz_put16(f, 65535);
	fz_put16(f, 0);
	fz_put16(f, 0);
	for (i = 0; i < optlen; i++)
		fz_put8(f, 1);
	fz_put(f, "payload!", 8);
}

static inline void fz_udp(struct fz_frame *f)
{
	fz_put16(f, 5000);
	fz_put16(f, 53);
	fz_put16(f, 16);
	fz_put16(f, 0);
	fz_put(f, "datagram", 8);
}

static inline void fz_sctp(struct fz_frame *f)
{
	fz_put16(f, 3868);
	fz_put16(f, 3868);
	fz_put32(f, 0);
	fz_put32(f, 0);
	fz_put8(f, 1);			/* INIT */
	fz_put8(f, 0);
	fz_put16(f, 20);
	fz_put(f, NULL, 16);
}

static inline void fz_icmp(struct fz_frame *f, uint8_t type)
{
	fz_put8(f, type);
	fz_put8(f, 0);
	fz_put16(f, 0);
	fz_put32(f, 0x00010001);
	fz_put(f, "abcdefgh", 8);
}

/* ND NS (135) or NA (136) with one option of @optlen8 units. */
static inline void fz_nd(struct fz_frame *f, uint8_t type, uint8_t opttype,
			 uint8_t optlen8)
{
	static const uint8_t target[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0, 0, 0, 2 };
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

	fz_put8(f, type);
	fz_put8(f, 0);
	fz_put16(f, 0);
	fz_put32(f, type == 136 ? 0x60000000 : 0);
	fz_put(f, target, 16);
	fz_put8(f, opttype);
	fz_put8(f, optlen8);
	fz_put(f, mac, 6);
}

static inline void fz_arp(struct fz_frame *f, uint16_t op)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

	fz_put16(f, 1);
	fz_put16(f, 0x0800);
	fz_put8(f, 6);
	fz_put8(f, 4);
	fz_put16(f, op);
	fz_put(f, mac, 6);
	fz_put32(f, 0x0a000001);
	fz_put(f, NULL, 6);
	fz_put32(f, 0x0a000002);
}

enum fz_template {
	FZ_T_IPV4_TCP,
	FZ_T_IPV4_TCP_OPTS,
	FZ_T_IPV4_UDP,
	FZ_T_IPV4_ICMP,
	FZ_T_IPV4_SCTP,
	FZ_T_IPV4_FRAG_FIRST,
	FZ_T_IPV4_FRAG_LATER,
	FZ_T_IPV6_TCP,
	FZ_T_IPV6_EXT_TCP,	/* hop-by-hop, routing, dest opts, fragment */
	FZ_T_IPV6_UDP_FRAG_LATER,
	FZ_T_IPV6_SCTP,
	FZ_T_IPV6_ICMP_ECHO,
	FZ_T_IPV6_ND_NS,
	FZ_T_IPV6_ND_NA,
	FZ_T_ARP_REQUEST,
	FZ_T_ARP_REPLY,
	FZ_T_VLAN_IPV4_UDP,
	FZ_T_QINQ_IPV4_TCP,
	FZ_T_QINQ_IPV6_UDP,
	FZ_T_VLAN_ARP,
	FZ_T_LLC_SNAP,
	FZ_T_N
};

static inline const char *fz_template_name(int t)
{
	static const char *const names[FZ_T_N] = {
		"ipv4-tcp", "ipv4-tcp-opts", "ipv4-udp", "ipv4-icmp",
		"ipv4-sctp", "ipv4-frag-first", "ipv4-frag-later", "ipv6-tcp",
		"ipv6-ext-tcp", "ipv6-udp-frag-later", "ipv6-sctp",
		"ipv6-icmp-echo", "ipv6-nd-ns", "ipv6-nd-na", "arp-request",
		"arp-reply", "vlan-ipv4-udp", "qinq-ipv4-tcp", "qinq-ipv6-udp",
		"vlan-arp", "llc-snap",
	};

	return t >= 0 && t < FZ_T_N ? names[t] : "?";
}

/* Build the L3 part of an IPv4 packet carrying @proto. */
static inline void fz_ipv4_l4(struct fz_frame *f, uint8_t proto, size_t ipopt,
			      uint16_t frag)
{
	size_t ip = fz_ipv4(f, proto, ipopt, frag);

	switch (proto) {
	case 6:
		fz_tcp(f, ipopt ? 12 : 0);
		break;
	case 17:
		fz_udp(f);
		break;
	case 132:
		fz_sctp(f);
		break;
	default:
		fz_icmp(f, 8);
	}
	fz_ipv4_done(f, ip);
}

static inline void fz_template(struct fz_frame *f, const struct fz_macs *m,
			       int t)
{
	size_t ip;

	switch (t) {
	case FZ_T_IPV4_TCP:
		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, 6, 0, 0x4000);
		break;
	case FZ_T_IPV4_TCP_OPTS:
		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, 6, 12, 0x4000);
		break;
	case FZ_T_IPV4_UDP:
		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, 17, 0, 0);
		break;
	case FZ_T_IPV4_ICMP:
		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, 1, 0, 0);
		break;
	case FZ_T_IPV4_SCTP:
		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, 132, 0, 0);
		break;
	case FZ_T_IPV4_FRAG_FIRST:
		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, 17, 0, 0x2000);
		break;
	case FZ_T_IPV4_FRAG_LATER:
		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, 6, 0, 0x0010);
		break;
	case FZ_T_IPV6_TCP:
		fz_eth(f, m, 0x86dd);
		ip = fz_ipv6(f, 6);
		fz_tcp(f, 4);
		fz_ipv6_done(f, ip);
		break;
	case FZ_T_IPV6_EXT_TCP:
		fz_eth(f, m, 0x86dd);
		ip = fz_ipv6(f, 0);
		fz_ext(f, 43, 0);		/* hop-by-hop -> routing */
		fz_ext(f, 60, 1);		/* routing -> dest opts */
		fz_ext(f, 44, 0);		/* dest opts -> fragment */
		fz_frag6(f, 6, 0x0001);		/* first fragment -> tcp */
		fz_tcp(f, 0);
		fz_ipv6_done(f, ip);
		break;
	case FZ_T_IPV6_UDP_FRAG_LATER:
		fz_eth(f, m, 0x86dd);
		ip = fz_ipv6(f, 44);
		fz_frag6(f, 17, 0x0100);
		fz_udp(f);
		fz_ipv6_done(f, ip);
		break;
	case FZ_T_IPV6_SCTP:
		fz_eth(f, m, 0x86dd);
		ip = fz_ipv6(f, 132);
		fz_sctp(f);
		fz_ipv6_done(f, ip);
		break;
	case FZ_T_IPV6_ICMP_ECHO:
		fz_eth(f, m, 0x86dd);
		ip = fz_ipv6(f, 58);
		fz_icmp(f, 128);
		fz_ipv6_done(f, ip);
		break;
	case FZ_T_IPV6_ND_NS:
		fz_eth(f, m, 0x86dd);
		ip = fz_ipv6(f, 58);
		fz_nd(f, 135, 1, 1);
		fz_ipv6_done(f, ip);
		break;
	case FZ_T_IPV6_ND_NA:
		fz_eth(f, m, 0x86dd);
		ip = fz_ipv6(f, 58);
		fz_nd(f, 136, 2, 1);
		fz_ipv6_done(f, ip);
		break;
	case FZ_T_ARP_REQUEST:
		fz_eth(f, m, 0x0806);
		fz_arp(f, 1);
		break;
	case FZ_T_ARP_REPLY:
		fz_eth(f, m, 0x0806);
		fz_arp(f, 2);
		break;
	case FZ_T_VLAN_IPV4_UDP:
		fz_eth(f, m, 0x8100);
		fz_vlan(f, 0x0064, 0x0800);
		fz_ipv4_l4(f, 17, 0, 0);
		break;
	case FZ_T_QINQ_IPV4_TCP:
		fz_eth(f, m, 0x88a8);
		fz_vlan(f, 0x00c8, 0x8100);
		fz_vlan(f, 0x0064, 0x0800);
		fz_ipv4_l4(f, 6, 0, 0);
		break;
	case FZ_T_QINQ_IPV6_UDP:
		fz_eth(f, m, 0x8100);
		fz_vlan(f, 0x00c8, 0x8100);
		fz_vlan(f, 0x0064, 0x86dd);
		ip = fz_ipv6(f, 17);
		fz_udp(f);
		fz_ipv6_done(f, ip);
		break;
	case FZ_T_VLAN_ARP:
		fz_eth(f, m, 0x8100);
		fz_vlan(f, 0x2005, 0x0806);
		fz_arp(f, 1);
		break;
	case FZ_T_LLC_SNAP:
	default:
		fz_eth(f, m, 0);
		fz_put(f, "\xaa\xaa\x03\x00\x00\x00\x08\x00", 8);
		fz_ipv4_l4(f, 17, 0, 0);
		fz_set16(f, 12, (uint16_t)(f->len - 14));
		break;
	}
}

enum fz_malformed {
	FZ_M_RUNT,		/* 14..59 bytes of random data */
	FZ_M_TRUNCATED,		/* a template cut at a random offset */
	FZ_M_BAD_IHL,		/* IHL 0..4, or longer than the packet */
	FZ_M_BAD_TOTLEN,	/* IPv4 total length lies */
	FZ_M_BAD_IPV4_FRAG,	/* odd fragment fields, tiny later fragments */
	FZ_M_V6_PLEN,		/* IPv6 payload length lies */
	FZ_M_V6_CHAIN,		/* long, looping or overlong extension chains */
	FZ_M_VLAN_STACK,	/* three and more VLAN tags */
	FZ_M_ND_OPTS,		/* ND options of length 0, past the end */
	FZ_M_BAD_L4,		/* TCP data offset < 5 or past the end */
	FZ_M_RANDOM,		/* random bytes after a plausible ethertype */
	FZ_M_BITFLIP,		/* a template with a few bits flipped */
	FZ_M_N
};

static inline const char *fz_malformed_name(int k)
{
	static const char *const names[FZ_M_N] = {
		"runt", "truncated", "bad-ihl", "bad-totlen", "bad-ipv4-frag",
		"v6-plen", "v6-chain", "vlan-stack", "nd-opts", "bad-l4",
		"random", "bitflip",
	};

	return k >= 0 && k < FZ_M_N ? names[k] : "?";
}

static inline void fz_v6_chain(struct fz_frame *f, const struct fz_macs *m,
			       struct fz_rng *r)
{
	static const uint8_t kinds[] = { 0, 43, 44, 60, 51, 135, 139, 140 };
	unsigned int n = 1 + fz_below(r, 40), i;
	size_t ip;
	uint8_t next;

	fz_eth(f, m, 0x86dd);
	next = kinds[fz_below(r, sizeof(kinds))];
	ip = fz_ipv6(f, next);
	for (i = 0; i < n && f->len + 8 <= FZ_FRAME_MAX; i++) {
		uint8_t nn = fz_chance(r, 80) ?
			kinds[fz_below(r, sizeof(kinds))] :
			(uint8_t)fz_rand32(r);
		uint8_t hl = fz_chance(r, 85) ? (uint8_t)fz_below(r, 2) :
			(uint8_t)fz_rand32(r);

		if (next == 44)
			fz_frag6(f, nn, (uint16_t)fz_rand32(r));
		else
			fz_ext(f, nn, hl);
		next = nn;
	}
	if (fz_chance(r, 50))
		fz_tcp(f, 0);
	fz_ipv6_done(f, ip);
	if (fz_chance(r, 50) && f->len > 60)	/* lengths past the end */
		f->len = 54 + fz_below(r, (uint32_t)(f->len - 54));
}

static inline void fz_malformed(struct fz_frame *f, const struct fz_macs *m,
				struct fz_rng *r, int kind)
{
	static const uint16_t types[] = { 0x0800, 0x86dd, 0x0806, 0x8100,
					  0x88a8, 0x8847, 0x0000, 0x05dc };
	size_t ip, i, n;

	switch (kind) {
	case FZ_M_RUNT:
		f->len = 14 + fz_below(r, 46);
		fz_fill(r, f->b, f->len);
		if (fz_chance(r, 70))
			fz_set16(f, 12, types[fz_below(r, sizeof(types) / 2)]);
		break;
	case FZ_M_TRUNCATED:
		fz_template(f, m, (int)fz_below(r, FZ_T_N));
		f->len = 14 + fz_below(r, (uint32_t)(f->len - 14));
		break;
	case FZ_M_BAD_IHL:
		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, fz_chance(r, 50) ? 6 : 17, 0, 0);
		f->b[14] = (uint8_t)(0x40 | (fz_chance(r, 60) ? fz_below(r, 5) :
					   5 + fz_below(r, 11)));
		if (fz_chance(r, 30))
			f->b[14] = (uint8_t)((fz_rand32(r) & 0xf0) |
					     (f->b[14] & 0x0f));
		if (fz_chance(r, 50))
			f->len = 14 + 20 + fz_below(r, (uint32_t)(f->len - 33));
		break;
	case FZ_M_BAD_TOTLEN: {
		static const uint16_t lies[] = { 0, 1, 19, 20, 21, 39, 40, 41,
						 1500, 65535 };

		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, (uint8_t[]){ 6, 17, 1, 132 }[fz_below(r, 4)], 0,
			   0);
		fz_set16(f, 16, fz_chance(r, 70) ?
			 lies[fz_below(r, sizeof(lies) / 2)] :
			 (uint16_t)fz_rand32(r));
		break;
	}
	case FZ_M_BAD_IPV4_FRAG:
		fz_eth(f, m, 0x0800);
		fz_ipv4_l4(f, fz_chance(r, 50) ? 6 : 17, 0,
			   (uint16_t)fz_rand32(r));
		if (fz_chance(r, 50))
			f->len = 34 + fz_below(r, 8);
		break;
	case FZ_M_V6_PLEN:
		fz_template(f, m, (int)(FZ_T_IPV6_TCP + fz_below(r, 7)));
		fz_set16(f, 18, fz_chance(r, 50) ? (uint16_t)fz_below(r, 64) :
			 (uint16_t)fz_rand32(r));
		break;
	case FZ_M_V6_CHAIN:
		fz_v6_chain(f, m, r);
		break;
	case FZ_M_VLAN_STACK:
		n = 3 + fz_below(r, 10);
		fz_eth(f, m, fz_chance(r, 50) ? 0x88a8 : 0x8100);
		for (i = 0; i < n; i++)
			fz_vlan(f, (uint16_t)fz_rand32(r),
				i + 1 < n ? (fz_chance(r, 50) ? 0x8100 : 0x88a8) :
				types[fz_below(r, 3)]);
		if (f->b[f->len - 1] == 0x00 && f->b[f->len - 2] == 0x08)
			fz_ipv4_l4(f, 6, 0, 0);
		else if (f->b[f->len - 2] == 0x86)
			fz_ipv6(f, 59);
		else
			fz_arp(f, 1);
		if (fz_chance(r, 30))
			f->len = 14 + fz_below(r, (uint32_t)(f->len - 14));
		break;
	case FZ_M_ND_OPTS:
		fz_eth(f, m, 0x86dd);
		ip = fz_ipv6(f, 58);
		fz_nd(f, fz_chance(r, 50) ? 135 : 136,
		      (uint8_t)(fz_chance(r, 70) ? 1 + fz_below(r, 2) :
				fz_rand32(r)),
		      (uint8_t)(fz_chance(r, 50) ? 0 : fz_rand32(r)));
		n = fz_below(r, 4);
		for (i = 0; i < n; i++) {	/* more options, lengths lying */
			fz_put8(f, (uint8_t)(1 + fz_below(r, 3)));
			fz_put8(f, (uint8_t)fz_below(r, 3));
			fz_put(f, NULL, 6);
		}
		fz_ipv6_done(f, ip);
		if (fz_chance(r, 30))
			f->len = 54 + fz_below(r, (uint32_t)(f->len - 54));
		break;
	case FZ_M_BAD_L4:
		fz_template(f, m, fz_chance(r, 50) ? FZ_T_IPV4_TCP :
			    FZ_T_IPV6_TCP);
		i = f->b[12] == 0x08 ? 14 + 20 : 14 + 40;
		f->b[i + 12] = (uint8_t)(fz_rand32(r) & 0xf0);
		if (fz_chance(r, 50))
			f->len = i + fz_below(r, 28);
		break;
	case FZ_M_RANDOM:
		f->len = 14 + fz_below(r, 200);
		fz_fill(r, f->b, f->len);
		fz_set16(f, 12, types[fz_below(r, sizeof(types) / 2)]);
		break;
	case FZ_M_BITFLIP:
	default:
		fz_template(f, m, (int)fz_below(r, FZ_T_N));
		n = 1 + fz_below(r, 8);
		for (i = 0; i < n; i++) {
			size_t lim = f->len < 110 ? f->len : 110;
			size_t off = 12 + fz_below(r, (uint32_t)(lim - 12));

			f->b[off] ^= (uint8_t)(1u << fz_below(r, 8));
		}
		break;
	}
}

#endif /* WEFT_FUZZ_FRAMES_H */
