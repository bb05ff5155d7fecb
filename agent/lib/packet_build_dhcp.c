// SPDX-License-Identifier: GPL-2.0
/*
 * OVN's DHCPv4 replies (include/weft/packet_build.h): the request turned
 * into an OFFER, ACK or NAK carrying the options of put_dhcp_opts.
 * RFC 2131's layout: a 236-byte fixed header, the magic cookie, options.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "weft/packet_build.h"

#define DHCP_HDR	236
#define DHCP_COOKIE	0x63825363
#define OPT_PAD		0
#define OPT_END		255
#define OPT_REQ_IP	50
#define OPT_MSG_TYPE	53
#define OPT_BOOTFILE	67
#define OPT_ETHERBOOT	175	/* sent by iPXE */
#define OPT_NEXT_SERVER	253	/* OVN's: siaddr */
#define OPT_BOOTFILE_ALT 254	/* OVN's: the boot file for iPXE */

enum { DISCOVER = 1, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The request's message type and requested address (or ciaddr), and
 * whether it comes from iPXE. */
static int scan(const uint8_t *o, size_t n, uint8_t *type, uint32_t *req,
		bool *ipxe)
{
	*type = 0;
	*ipxe = false;
	while (n) {
		if (o[0] == OPT_END)
			break;
		if (o[0] == OPT_PAD) {
			o++;
			n--;
			continue;
		}
		if (n < 2 || (size_t)o[1] + 2 > n)
			break;
		if (o[0] == OPT_MSG_TYPE && o[1] == 1)
			*type = o[2];
		else if (o[0] == OPT_REQ_IP && o[1] == 4)
			memcpy(req, o + 2, 4);
		else if (o[0] == OPT_ETHERBOOT)
			*ipxe = true;
		n -= (size_t)o[1] + 2;
		o += o[1] + 2;
	}
	return *type ? 0 : -EINVAL;
}

/*
 * OVN's boot options in @opts (which its encoder puts first): the
 * reply's siaddr from next_server (the option stays, as in OVN's
 * replies), and one boot file: bootfile_name_alt for iPXE when both are
 * given, else bootfile_name; bootfile_name_alt alone as bootfile_name.
 */
static size_t boot_opts(const uint8_t *opts, size_t n, bool ipxe,
			uint32_t *siaddr, uint8_t *out)
{
	size_t len = 0, ol;
	bool have_boot = false;

	while (n >= 2 && (ol = (size_t)opts[1] + 2) <= n) {
		const uint8_t *next = opts + ol;
		size_t nl = n - ol;

		if (opts[0] == OPT_NEXT_SERVER && opts[1] == 4)
			memcpy(siaddr, opts + 2, 4);
		if (opts[0] == OPT_BOOTFILE && nl >= 2 &&
		    next[0] == OPT_BOOTFILE_ALT && (size_t)next[1] + 2 <= nl) {
			/* Both: keep one, as bootfile_name. */
			const uint8_t *keep = ipxe ? next : opts;

			memcpy(out + len, keep, (size_t)keep[1] + 2);
			out[len] = OPT_BOOTFILE;
			len += (size_t)keep[1] + 2;
			have_boot = true;
			n = nl - ((size_t)next[1] + 2);
			opts = next + next[1] + 2;
			continue;
		}
		memcpy(out + len, opts, ol);
		if (opts[0] == OPT_BOOTFILE)
			have_boot = true;
		else if (opts[0] == OPT_BOOTFILE_ALT && !have_boot)
			out[len] = OPT_BOOTFILE;
		len += ol;
		opts += ol;
		n -= ol;
	}
	return len;
}

/* @opts without what an INFORM's ACK must not carry (RFC 2131 3.4). */
static size_t inform_opts(const uint8_t *opts, size_t n, uint8_t *out)
{
	size_t len = 0, ol;

	while (n >= 2 && (ol = (size_t)opts[1] + 2) <= n) {
		if (opts[0] != 1 && opts[0] != 51 && opts[0] != 58 &&
		    opts[0] != 59) {
			memcpy(out + len, opts, ol);
			len += ol;
		}
		opts += ol;
		n -= ol;
	}
	return len;
}

int wft_pkt_dhcp4_reply(const struct wft_pkt *in, uint32_t offer,
			const uint8_t *opts, size_t opts_len, uint8_t *out)
{
	const struct wft_flow *f = &in->flow;
	const uint8_t *udp, *dhcp;
	size_t l4, dlen, hdrs, olen;
	uint8_t type, reply, *d, *o, boot[WFT_PKT_MAX];
	uint32_t req, dst, cookie, siaddr;
	bool ipxe;

	if (f->dl_type != htons(0x0800) || f->nw_proto != IPPROTO_UDP ||
	    in->l4 < 0 || f->nw_frag)
		return -EINVAL;
	udp = in->data + in->l4;
	l4 = in->l3_len - (size_t)(in->l4 - in->l3);
	if (l4 < 8 + DHCP_HDR + 4)
		return -EINVAL;
	dhcp = udp + 8;
	dlen = l4 - 8;
	memcpy(&cookie, dhcp + DHCP_HDR, 4);
	if (dhcp[0] != 1 || cookie != htonl(DHCP_COOKIE))
		return -EINVAL;
	memcpy(&req, dhcp + 12, 4);		/* ciaddr */
	if (scan(dhcp + DHCP_HDR + 4, dlen - DHCP_HDR - 4, &type, &req,
		 &ipxe))
		return -EINVAL;
	if (opts_len > sizeof(boot))
		return -EINVAL;
	memcpy(&siaddr, dhcp + 20, 4);
	opts_len = boot_opts(opts, opts_len, ipxe, &siaddr, boot);
	opts = boot;
	switch (type) {
	case DISCOVER:
		reply = OFFER;
		break;
	case REQUEST:
		reply = req == offer ? ACK : NAK;
		break;
	case INFORM:
		reply = ACK;
		break;
	default:
		return -EINVAL;
	}
	if (DHCP_HDR + 4 + 3 + opts_len + 5 + (size_t)in->l4 + 8 > WFT_PKT_MAX)
		return -EINVAL;
	/* Ethernet, IP and UDP headers as the request's. */
	hdrs = (size_t)in->l4 + 8;
	memcpy(out, in->data, hdrs);
	d = out + hdrs;
	memcpy(d, dhcp, DHCP_HDR + 4);
	d[0] = 2;				/* BOOTREPLY */
	if (type == INFORM)
		memset(d + 16, 0, 4);
	else
		memcpy(d + 16, reply == NAK ? &(uint32_t){ 0 } : &offer, 4);
	if (reply == NAK)
		siaddr = 0;
	memcpy(d + 20, &siaddr, 4);
	o = d + DHCP_HDR + 4;
	o[0] = OPT_MSG_TYPE;
	o[1] = 1;
	o[2] = reply;
	olen = 3;
	if (reply != NAK) {
		if (type == INFORM) {
			olen += inform_opts(opts, opts_len, o + 3);
		} else {
			memcpy(o + 3, opts, opts_len);
			olen += opts_len;
		}
	}
	memset(o + olen, 0, 4);
	o[olen + 4] = OPT_END;
	olen += 5;
	dlen = DHCP_HDR + 4 + olen;
	/* UDP length, no checksum; IP length, destination, checksum. */
	o = out + in->l4;
	put16(o + 4, (uint16_t)(8 + dlen));
	o[6] = o[7] = 0;
	o = out + in->l3;
	dst = dhcp[10] & 0x80 ? 0xffffffff : offer;	/* broadcast flag */
	memcpy(o + 16, &dst, 4);
	put16(o + 2, (uint16_t)(in->l4 - in->l3 + 8 + dlen));
	o[10] = o[11] = 0;
	put16(o + 10, wft_csum_fold(wft_csum_add(0, o,
						 (size_t)(in->l4 - in->l3))));
	return (int)(hdrs + dlen);
}
