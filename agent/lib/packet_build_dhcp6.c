// SPDX-License-Identifier: GPL-2.0
/*
 * OVN's DHCPv6 server (put_dhcpv6_opts) and the reader of the replies
 * handle_dhcpv6_reply receives (include/weft/packet_build.h). RFC 8415's
 * layout: after the UDP header a message type, a 3-byte transaction id,
 * then options (be16 code, be16 length, value).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "weft/packet_build.h"

enum {
	SOLICIT = 1, ADVERTISE, REQUEST, CONFIRM, RENEW, REBIND, REPLY,
	RELEASE, DECLINE, RECONFIGURE, INFO_REQUEST
};

enum {
	O_CLIENT_ID = 1, O_SERVER_ID = 2, O_IA_NA = 3, O_IA_ADDR = 5,
	O_STATUS = 13, O_DNS = 23, O_SEARCH = 24, O_IA_PD = 25,
	O_IA_PREFIX = 26
};

#define DUID_LL		3
#define HW_ETHERNET	1
#define INFINITE	0xffffffffu

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The DHCPv6 message of @in (UDP, IPv6 without extension headers):
 * where it starts and how long it is (the UDP length, clipped to what
 * was received), or NULL. */
static const uint8_t *dhcp6_msg(const struct wft_pkt *in, size_t *len)
{
	const struct wft_flow *f = &in->flow;
	const uint8_t *udp;
	size_t l4, ulen;

	if (f->dl_type != htons(0x86dd) || f->nw_proto != IPPROTO_UDP ||
	    in->l4 < 0 || in->l4 != in->l3 + 40 || f->nw_frag ||
	    in->l3_len < 40)
		return NULL;
	udp = in->data + in->l4;
	l4 = in->l3_len - 40;
	if (l4 < 8 + 4)
		return NULL;
	ulen = get16(udp + 4);
	if (ulen < 8 + 4)
		return NULL;
	*len = (ulen < l4 ? ulen : l4) - 8;
	return udp + 8;
}

/* The reply's options from put_dhcpv6_opts's (OVN's encoding, see
 * lflow_ofpacts_dhcp6.c) into @out; the address is wrapped in an IA_NA
 * of @iaid, left out when @iaid is 0 (an information request). Returns
 * the length, or -EINVAL for an option it does not know. */
static int reply_opts(const uint8_t *u, size_t n, uint32_t iaid,
		      uint8_t *out, size_t cap)
{
	size_t len = 0, code, vl;

	while (n) {
		if (n < 4 || (vl = get16(u + 2)) + 4 > n)
			return -EINVAL;
		code = get16(u);
		u += 4;
		n -= 4 + vl;
		switch (code) {
		case O_SERVER_ID:		/* a DUID-LL of the MAC */
			if (vl != 6 || len + 14 > cap)
				return -EINVAL;
			put16(out + len, O_SERVER_ID);
			put16(out + len + 2, 10);
			put16(out + len + 4, DUID_LL);
			put16(out + len + 6, HW_ETHERNET);
			memcpy(out + len + 8, u, 6);
			len += 14;
			break;
		case O_IA_ADDR:
			if (vl != 16 || len + 44 > cap)
				return -EINVAL;
			if (!iaid)
				break;
			put16(out + len, O_IA_NA);
			put16(out + len + 2, 12 + 28);
			put32(out + len + 4, iaid);
			put32(out + len + 8, INFINITE);		/* T1 */
			put32(out + len + 12, INFINITE);	/* T2 */
			put16(out + len + 16, O_IA_ADDR);
			put16(out + len + 18, 24);
			memcpy(out + len + 20, u, 16);
			put32(out + len + 36, INFINITE);	/* preferred */
			put32(out + len + 40, INFINITE);	/* valid */
			len += 44;
			break;
		case O_DNS:
			if (!vl || vl % 16 || len + 4 + vl > cap)
				return -EINVAL;
			put16(out + len, O_DNS);
			put16(out + len + 2, (uint16_t)vl);
			memcpy(out + len + 4, u, vl);
			len += 4 + vl;
			break;
		case O_SEARCH:
			/* As OVN 23.03 writes it: the whole string as one
			 * length-prefixed label, then the root. */
			if (!vl || vl > 253 || len + 6 + vl > cap)
				return -EINVAL;
			put16(out + len, O_SEARCH);
			put16(out + len + 2, (uint16_t)(vl + 2));
			out[len + 4] = (uint8_t)vl;
			memcpy(out + len + 5, u, vl);
			out[len + 5 + vl] = 0;
			len += 6 + vl;
			break;
		default:
			return -EINVAL;
		}
		u += vl;
	}
	return (int)len;
}

int wft_pkt_dhcp6_reply(const struct wft_pkt *in, const uint8_t *opts,
			size_t opts_len, uint8_t *out)
{
	const uint8_t *m, *o, *client = NULL;
	size_t mlen, n, vl, client_len = 0, hdrs, ulen;
	uint8_t type, *p;
	uint32_t iaid = 0, sum;
	int olen;

	m = dhcp6_msg(in, &mlen);
	if (!m)
		return -EINVAL;
	switch (m[0]) {
	case SOLICIT:
		type = ADVERTISE;
		break;
	case REQUEST:
	case CONFIRM:
	case DECLINE:
	case INFO_REQUEST:
		type = REPLY;
		break;
	default:
		return -EINVAL;		/* RENEW, REBIND: as OVN 23.03 */
	}
	for (o = m + 4, n = mlen - 4; n >= 4; o += 4 + vl, n -= 4 + vl) {
		vl = get16(o + 2);
		if (vl + 4 > n)
			return -EINVAL;
		if (get16(o) == O_IA_NA && vl >= 12)
			iaid = get32(o + 4);
		else if (get16(o) == O_CLIENT_ID) {
			client = o;
			client_len = 4 + vl;
		}
	}
	if (!client || (!iaid && m[0] != INFO_REQUEST))
		return -EINVAL;
	hdrs = (size_t)in->l4 + 8;
	if (hdrs + 4 + client_len > WFT_PKT_MAX)
		return -EINVAL;
	/* Ethernet, IPv6 and UDP headers as the request's (the logical
	 * flows after the action rewrite them); type, the same xid; the
	 * client's id; the options. */
	memcpy(out, in->data, hdrs);
	p = out + hdrs;
	p[0] = type;
	memcpy(p + 1, m + 1, 3);
	memcpy(p + 4, client, client_len);
	olen = reply_opts(opts, opts_len, iaid, p + 4 + client_len,
			  WFT_PKT_MAX - hdrs - 4 - client_len);
	if (olen < 0)
		return olen;
	ulen = 8 + 4 + client_len + (size_t)olen;
	p = out + in->l4;
	put16(p + 4, (uint16_t)ulen);
	p[6] = p[7] = 0;
	put16(out + in->l3 + 4, (uint16_t)ulen);
	/* The pseudo-header: addresses, length, next header. */
	sum = wft_csum_add(0, out + in->l3 + 8, 32);
	sum += (uint32_t)ulen + IPPROTO_UDP;
	sum = wft_csum_add(sum, p, ulen);
	put16(p + 6, wft_csum_fold(sum));
	if (!p[6] && !p[7])
		p[6] = p[7] = 0xff;
	return (int)(in->l4 + ulen);
}

int wft_pkt_dhcp6_pd_reply(const struct wft_pkt *in,
			   struct wft_pkt_dhcp6_pd *pd)
{
	const uint8_t *m, *o, *s;
	size_t mlen, n, vl, k, sl;
	bool found = false;

	memset(pd, 0, sizeof(*pd));
	m = dhcp6_msg(in, &mlen);
	if (!m || (m[0] != ADVERTISE && m[0] != REPLY))
		return -EINVAL;
	pd->msg_type = m[0];
	for (o = m + 4, n = mlen - 4; n >= 4; o += 4 + vl, n -= 4 + vl) {
		vl = get16(o + 2);
		if (vl + 4 > n)
			return -EINVAL;
		if (get16(o) == O_SERVER_ID) {
			pd->server_id_len = vl < sizeof(pd->server_id) ?
				vl : sizeof(pd->server_id);
			memcpy(pd->server_id, o + 4, pd->server_id_len);
			continue;
		}
		if (get16(o) != O_IA_PD || vl < 12)
			continue;
		pd->iaid = get32(o + 4);
		pd->t1 = get32(o + 8);
		pd->t2 = get32(o + 12);
		/* The IA_PD's own options: a prefix, and a status that
		 * is not success takes it back. */
		for (s = o + 16, k = vl - 12; k >= 4; s += 4 + sl,
		     k -= 4 + sl) {
			sl = get16(s + 2);
			if (sl + 4 > k)
				return -EINVAL;
			if (get16(s) == O_IA_PREFIX && sl >= 25) {
				pd->preferred = get32(s + 4);
				pd->valid = get32(s + 8);
				pd->plen = s[12];
				memcpy(pd->prefix, s + 13, 16);
				found = pd->preferred <= pd->valid &&
					pd->plen <= 128;
			} else if (get16(s) == O_STATUS && sl >= 2 &&
				   get16(s + 4)) {
				found = false;
				pd->status = get16(s + 4);
			}
		}
	}
	return found ? 0 : -ENOENT;
}
