/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlfuzz_compact.h: weft-nlfuzz's compact flow keys and masks
 * (WEFT_FLOW_A_KEY_COMPACT, WEFT_FLOW_A_MASK_COMPACT): a struct
 * weft_key_compact for a random packet shape (struct keyspec), its fields
 * filled as that shape has them, then, half the time, broken: a random
 * bit anywhere (reserved bytes, fields the shape lacks, beyond a field's
 * width), a wrong size, another version. Included by weft-nlfuzz.c only.
 */
#ifndef WEFT_NLFUZZ_COMPACT_H
#define WEFT_NLFUZZ_COMPACT_H

#include <arpa/inet.h>

#include "uapi/linux/weft.h"
#include "nlfuzz_keys.h"
#include "nlfuzz_msg.h"

/* Fills what @ks's headers have: random values (key) or bits (mask). */
static void compact_fill(struct fz_rng *r, const struct keyspec *ks,
			 uint32_t in_port, int mask,
			 struct weft_key_compact *c)
{
	uint8_t v = mask ? 0xff : 0;

	memset(c, 0, sizeof(*c));
	c->version = WEFT_KEY_COMPACT_VERSION;
	c->in_port = mask ? UINT32_MAX : in_port;
	fz_fill(r, c->eth_src, sizeof(c->eth_src));
	fz_fill(r, c->eth_dst, sizeof(c->eth_dst));
	c->eth_type = mask ? 0xffff : htons(ks->ethertype);
	if (ks->nvlan) {
		c->vlan_tpid = mask ? 0xffff : htons(0x8100);
		c->vlan_tci = mask ? 0xffff : htons(0x1000 | fz_below(r, 4096));
	} else if (mask) {
		c->vlan_tci = 0xffff;
	}
	switch (ks->ethertype) {
	case 0x0806:
		c->ip_proto = mask ? v : (uint8_t)fz_below(r, 3);
		fz_fill(r, &c->ipv4_src, 8);
		fz_fill(r, c->arp_sha, 12);
		return;
	case 0x0800:
		fz_fill(r, &c->ipv4_src, 8);
		break;
	case 0x86dd:
		fz_fill(r, c->ipv6_src, 32);
		c->ipv6_label = mask ? htonl(0xfffff) :
			htonl(fz_below(r, 1 << 20));
		break;
	default:
		return;
	}
	c->ip_proto = mask ? v : ks->proto;
	c->ip_frag = mask ? v : ks->frag;
	c->ip_ttl = mask ? v : 64;
	if (ks->frag == WEFT_FRAG_LATER)
		return;
	if (ks->proto == 1 || ks->proto == 58) {
		c->tp_src = htons(mask ? 0xff : ks->icmp_type);
		c->tp_dst = mask ? htons(0xff) : 0;
		if (ks->proto == 58 && (ks->icmp_type == 135 ||
					ks->icmp_type == 136))
			fz_fill(r, c->nd_target, 28);
		return;
	}
	fz_fill(r, &c->tp_src, 4);
	if (ks->proto == 6)
		c->tcp_flags = mask ? htons(0x0fff) :
			htons(fz_below(r, 0x1000));
}

/* A compact key and (mostly) mask for @ks; broken half the time. */
static void put_compact(struct msg *m, struct fz_rng *r,
			const struct keyspec *ks, uint32_t in_port)
{
	struct weft_key_compact k, mk;
	size_t klen = sizeof(k), mlen = sizeof(mk);

	compact_fill(r, ks, in_port, 0, &k);
	compact_fill(r, ks, in_port, 1, &mk);
	if (fz_chance(r, 50)) {
		struct weft_key_compact *c = fz_chance(r, 50) ? &k : &mk;
		uint8_t *b = (uint8_t *)c;

		switch (fz_below(r, 4)) {
		case 0:
			b[fz_below(r, sizeof(*c))] ^= (uint8_t)(1u << fz_below(r, 8));
			break;
		case 1:
			c->version = (uint8_t)fz_rand32(r);
			break;
		case 2:
			*(c == &k ? &klen : &mlen) = fz_below(r, sizeof(*c) + 8);
			break;
		default:
			fz_fill(r, b + 4, sizeof(*c) - 4);
			break;
		}
	}
	attr(m, WEFT_FLOW_A_KEY_COMPACT, &k, klen > sizeof(k) ? sizeof(k) : klen,
	     NULL);
	if (fz_chance(r, 95))
		attr(m, WEFT_FLOW_A_MASK_COMPACT, &mk,
		     mlen > sizeof(mk) ? sizeof(mk) : mlen, NULL);
}

#endif /* WEFT_NLFUZZ_COMPACT_H */
