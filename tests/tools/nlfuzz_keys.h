/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlfuzz_keys.h: weft-nlfuzz's valid flow keys, masks and set actions,
 * built from the ABI (uapi/linux/weft.h) for a random packet shape, with
 * the fields now and then given wrong lengths or values. Included by
 * weft-nlfuzz.c only.
 */
#ifndef WEFT_NLFUZZ_KEYS_H
#define WEFT_NLFUZZ_KEYS_H

#include "uapi/linux/weft.h"
#include "nlfuzz_msg.h"

struct keyspec {
	uint16_t ethertype;
	int nvlan;
	uint8_t proto;
	uint8_t frag;
	uint8_t icmp_type;
};

static void random_keyspec(struct fz_rng *r, struct keyspec *ks)
{
	static const uint16_t types[] = { 0x0800, 0x0800, 0x86dd, 0x86dd,
					  0x0806, 0x88cc, 0x0800 };
	static const uint8_t protos[] = { 6, 17, 132, 1, 58, 47, 6, 17 };

	memset(ks, 0, sizeof(*ks));
	ks->nvlan = fz_chance(r, 80) ? 0 : (int)fz_below(r, 3);
	ks->ethertype = fz_chance(r, 10) ? 0 : types[fz_below(r, 7)];
	ks->proto = protos[fz_below(r, 8)];
	if (ks->ethertype == 0x0800 && ks->proto == 58)
		ks->proto = 1;
	if (ks->ethertype == 0x86dd && ks->proto == 1)
		ks->proto = 58;
	ks->frag = fz_chance(r, 85) ? WEFT_FRAG_NONE :
		(uint8_t)fz_below(r, __WEFT_FRAG_MAX + 1);
	ks->icmp_type = ks->proto == 58 ?
		(uint8_t[]){ 128, 129, 135, 136 }[fz_below(r, 4)] :
		(uint8_t)fz_below(r, 16);
}

/* A field's value (key) or its mask bits (mask): exact, random or zero. */
static void field(struct msg *m, struct fz_rng *r, uint16_t type, size_t len,
		  int mask, int exact)
{
	uint8_t v[16];

	if (mask && exact)
		memset(v, 0xff, len);
	else if (mask && fz_chance(r, 40))
		memset(v, 0xff, len);
	else
		fz_fill(r, v, len);
	attr(m, type, v, len, NULL);
}

static void put_l3l4(struct msg *m, struct fz_rng *r, const struct keyspec *ks,
		     int mask, int bad)
{
	int n, has_l4 = ks->frag != WEFT_FRAG_LATER;
	uint16_t l4 = 0;

	if (ks->ethertype == 0x0800 || ks->ethertype == 0x86dd) {
		int v4 = ks->ethertype == 0x0800;

		n = nest_start(m, v4 ? WEFT_KEY_A_IPV4 : WEFT_KEY_A_IPV6);
		field(m, r, v4 ? WEFT_IPV4_A_SRC : WEFT_IPV6_A_SRC,
		      v4 ? 4 : 16, mask, 0);
		if (fz_chance(r, 70))
			field(m, r, v4 ? WEFT_IPV4_A_DST : WEFT_IPV6_A_DST,
			      v4 ? 4 : 16, mask, 0);
		if (mask)
			attr_u8(m, v4 ? WEFT_IPV4_A_PROTO : WEFT_IPV6_A_PROTO,
				bad ? 0x0f : 0xff);
		else
			attr_u8(m, v4 ? WEFT_IPV4_A_PROTO : WEFT_IPV6_A_PROTO,
				ks->proto);
		if (fz_chance(r, 30))
			field(m, r, v4 ? WEFT_IPV4_A_TTL : WEFT_IPV6_A_HLIMIT,
			      1, mask, 0);
		if (fz_chance(r, 30))
			field(m, r, v4 ? WEFT_IPV4_A_TOS : WEFT_IPV6_A_TCLASS,
			      1, mask, 0);
		if (!v4 && fz_chance(r, 30)) {
			uint32_t l = mask ? 0x000fffff : fz_below(r, 1 << 20);
			uint8_t b[4] = { (uint8_t)(l >> 24), (uint8_t)(l >> 16),
					 (uint8_t)(l >> 8), (uint8_t)l };

			attr(m, WEFT_IPV6_A_LABEL, b, 4, NULL);
		}
		attr_u8(m, v4 ? WEFT_IPV4_A_FRAG : WEFT_IPV6_A_FRAG,
			mask ? 0xff : ks->frag);
		nest_end(m, n);
		if (!has_l4 || fz_chance(r, 10))
			return;
		switch (ks->proto) {
		case 6:
			l4 = WEFT_KEY_A_TCP;
			break;
		case 17:
			l4 = WEFT_KEY_A_UDP;
			break;
		case 132:
			l4 = WEFT_KEY_A_SCTP;
			break;
		case 1:
			l4 = WEFT_KEY_A_ICMP;
			break;
		case 58:
			l4 = WEFT_KEY_A_ICMPV6;
			break;
		default:
			return;
		}
		n = nest_start(m, l4);
		if (l4 == WEFT_KEY_A_ICMP || l4 == WEFT_KEY_A_ICMPV6) {
			if (mask)
				attr_u8(m, WEFT_ICMP_A_TYPE, 0xff);
			else
				attr_u8(m, WEFT_ICMP_A_TYPE, ks->icmp_type);
			field(m, r, WEFT_ICMP_A_CODE, 1, mask, 0);
		} else {
			field(m, r, WEFT_TP_A_SRC, 2, mask, 0);
			field(m, r, WEFT_TP_A_DST, 2, mask, 0);
			if (l4 == WEFT_KEY_A_TCP && fz_chance(r, 40))
				attr_be16(m, WEFT_TP_A_FLAGS, mask ? 0x0fff :
					  (uint16_t)fz_below(r, 0x1000));
		}
		nest_end(m, n);
		if (l4 == WEFT_KEY_A_ICMPV6 &&
		    (ks->icmp_type == 135 || ks->icmp_type == 136)) {
			n = nest_start(m, WEFT_KEY_A_ND);
			field(m, r, WEFT_ND_A_TARGET, 16, mask, 0);
			if (fz_chance(r, 50))
				field(m, r, ks->icmp_type == 135 ?
				      WEFT_ND_A_SLL : WEFT_ND_A_TLL, 6, mask, 0);
			nest_end(m, n);
		}
	} else if (ks->ethertype == 0x0806) {
		n = nest_start(m, WEFT_KEY_A_ARP);
		field(m, r, WEFT_ARP_A_SIP, 4, mask, 0);
		field(m, r, WEFT_ARP_A_TIP, 4, mask, 0);
		if (mask)
			attr_be16(m, WEFT_ARP_A_OP, 0xffff);
		else
			attr_be16(m, WEFT_ARP_A_OP, (uint16_t)(1 + fz_below(r, 2)));
		if (fz_chance(r, 50))
			field(m, r, WEFT_ARP_A_SHA, 6, mask, 0);
		if (fz_chance(r, 30))
			field(m, r, WEFT_ARP_A_THA, 6, mask, 0);
		nest_end(m, n);
	}
}

/*
 * A flow key (mask = 0) or mask (mask = 1) for @ks. @bad makes the mask
 * break a prerequisite now and then, which the module must refuse.
 */
static void put_key(struct msg *m, struct fz_rng *r, uint16_t type,
		    const struct keyspec *ks, int mask, uint32_t in_port,
		    uint32_t recirc)
{
	int bad = mask && fz_chance(r, 5);
	int n = nest_start(m, type), v;

	attr_u32(m, WEFT_KEY_A_IN_PORT, mask ? 0xffffffff : in_port);
	if (fz_chance(r, 20))
		field(m, r, WEFT_KEY_A_SKB_MARK, 4, mask, 0);
	if (fz_chance(r, 10))
		field(m, r, WEFT_KEY_A_PRIORITY, 4, mask, 0);
	attr_u32(m, WEFT_KEY_A_RECIRC_ID, mask ? 0xffffffff : recirc);
	if (fz_chance(r, 10))
		field(m, r, WEFT_KEY_A_DP_HASH, 4, mask, 0);
	v = nest_start(m, WEFT_KEY_A_ETHERNET);
	field(m, r, WEFT_ETH_A_SRC, 6, mask, 0);
	field(m, r, WEFT_ETH_A_DST, 6, mask, 0);
	nest_end(m, v);
	if (ks->nvlan >= 1) {
		v = nest_start(m, WEFT_KEY_A_VLAN);
		attr_be16(m, WEFT_VLAN_A_TPID, mask ? 0xffff :
			  ks->nvlan == 2 ? 0x88a8 : 0x8100);
		attr_be16(m, WEFT_VLAN_A_TCI, mask ? 0xffff :
			  (uint16_t)(0x1000 | fz_below(r, 0x1000)));
		nest_end(m, v);
	}
	if (ks->nvlan >= 2) {
		v = nest_start(m, WEFT_KEY_A_CVLAN);
		attr_be16(m, WEFT_VLAN_A_TPID, mask ? 0xffff : 0x8100);
		attr_be16(m, WEFT_VLAN_A_TCI, mask ? 0xefff :
			  (uint16_t)(0x1000 | fz_below(r, 0x1000)));
		nest_end(m, v);
	}
	if (ks->ethertype || mask)
		attr_be16(m, WEFT_KEY_A_ETHERTYPE, mask ?
			  (bad ? 0xff00 : 0xffff) : ks->ethertype);
	put_l3l4(m, r, ks, mask, bad);
	nest_end(m, n);
}

/* One header to write, for a set action (masked when @masked). */
static void put_set(struct msg *m, struct fz_rng *r, const struct keyspec *ks)
{
	static const uint16_t hdrs[] = {
		WEFT_KEY_A_ETHERNET, WEFT_KEY_A_IPV4, WEFT_KEY_A_IPV6,
		WEFT_KEY_A_TCP, WEFT_KEY_A_UDP, WEFT_KEY_A_SCTP,
		WEFT_KEY_A_SKB_MARK, WEFT_KEY_A_PRIORITY, WEFT_KEY_A_ICMP,
		WEFT_KEY_A_ARP, WEFT_KEY_A_ND, WEFT_KEY_A_VLAN,
		WEFT_KEY_A_IN_PORT, WEFT_KEY_A_ETHERTYPE,
	};
	uint16_t h = hdrs[fz_below(r, sizeof(hdrs) / 2)];
	int masked = fz_chance(r, 50), pass, n, k;

	/* Bias towards a header that matches the flow, so some succeed. */
	if (fz_chance(r, 60)) {
		if (ks->ethertype == 0x0800)
			h = fz_chance(r, 50) ? WEFT_KEY_A_IPV4 :
				ks->proto == 6 ? WEFT_KEY_A_TCP :
				ks->proto == 17 ? WEFT_KEY_A_UDP :
				WEFT_KEY_A_ETHERNET;
		else if (ks->ethertype == 0x86dd)
			h = fz_chance(r, 50) ? WEFT_KEY_A_IPV6 :
				WEFT_KEY_A_ETHERNET;
	}
	n = nest_start(m, WEFT_ACTION_A_SET);
	for (pass = 0; pass < 1 + masked; pass++) {
		int mask = pass == 1;

		k = nest_start(m, mask ? WEFT_SET_A_MASK : WEFT_SET_A_KEY);
		switch (h) {
		case WEFT_KEY_A_SKB_MARK:
		case WEFT_KEY_A_PRIORITY:
		case WEFT_KEY_A_IN_PORT:
			field(m, r, h, 4, mask, 0);
			break;
		case WEFT_KEY_A_ETHERTYPE:
			field(m, r, h, 2, mask, 0);
			break;
		default: {
			int hn = nest_start(m, h);

			switch (h) {
			case WEFT_KEY_A_ETHERNET:
				field(m, r, WEFT_ETH_A_SRC, 6, mask, 0);
				if (fz_chance(r, 50))
					field(m, r, WEFT_ETH_A_DST, 6, mask, 0);
				break;
			case WEFT_KEY_A_IPV4:
				field(m, r, 1 + (uint16_t)fz_below(r, 2), 4,
				      mask, 0);
				if (fz_chance(r, 50))
					field(m, r, WEFT_IPV4_A_TTL, 1, mask, 0);
				if (fz_chance(r, 30))
					field(m, r, WEFT_IPV4_A_TOS, 1, mask, 0);
				break;
			case WEFT_KEY_A_IPV6:
				field(m, r, 1 + (uint16_t)fz_below(r, 2), 16,
				      mask, 0);
				if (fz_chance(r, 50))
					field(m, r, WEFT_IPV6_A_HLIMIT, 1, mask,
					      0);
				if (fz_chance(r, 30)) {
					uint32_t l = mask ? 0x000fffff :
						fz_below(r, 1 << 20);
					uint8_t b[4] = { (uint8_t)(l >> 24),
							 (uint8_t)(l >> 16),
							 (uint8_t)(l >> 8),
							 (uint8_t)l };

					attr(m, WEFT_IPV6_A_LABEL, b, 4, NULL);
				}
				break;
			case WEFT_KEY_A_TCP:
			case WEFT_KEY_A_UDP:
			case WEFT_KEY_A_SCTP:
				field(m, r, WEFT_TP_A_SRC, 2, mask, 0);
				if (fz_chance(r, 50))
					field(m, r, WEFT_TP_A_DST, 2, mask, 0);
				break;
			case WEFT_KEY_A_ICMP:
				field(m, r, WEFT_ICMP_A_TYPE, 1, mask, 0);
				break;
			case WEFT_KEY_A_ARP:
				field(m, r, WEFT_ARP_A_SIP, 4, mask, 0);
				break;
			case WEFT_KEY_A_ND:
				field(m, r, WEFT_ND_A_TARGET, 16, mask, 0);
				break;
			case WEFT_KEY_A_VLAN:
				attr_be16(m, WEFT_VLAN_A_TCI, (uint16_t)(mask ?
					  0x0fff : 0x1000 | fz_below(r, 0x1000)));
				break;
			}
			nest_end(m, hn);
		}
		}
		nest_end(m, k);
	}
	nest_end(m, n);
}

#endif /* WEFT_NLFUZZ_KEYS_H */
