// SPDX-License-Identifier: GPL-2.0
/*
 * The SCTP ABORT an OVN chassis sends for sctp_abort { } and for reject
 * of SCTP (include/weft/packet_build.h), with the layout ovn-controller
 * 23.03's pinctrl writes: IP as for a TCP RST (TTL 63), the common header
 * with the ports swapped, one ABORT chunk without causes, and the CRC32c
 * checksum SCTP uses (RFC 4960 6.8 and appendix B), not the Internet
 * checksum.
 *
 * The verification tag follows RFC 4960 8.4 (an "out of the blue"
 * packet): an INIT with tag 0 is answered with the INIT's initiate tag
 * and the T bit clear (item 3); anything else gets its own tag reflected
 * with the T bit set (item 8, and 3.3.7 on the T bit).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "weft/packet_build.h"

#define SCTP_HDR_LEN		12
#define SCTP_CHUNK_HDR_LEN	4
#define SCTP_INIT_LEN		16	/* the INIT chunk's fixed part */
#define SCTP_CHUNK_INIT		1
#define SCTP_CHUNK_ABORT	6
#define SCTP_ABORT_F_T		0x01

/* CRC32c (Castagnoli, reflected polynomial 0x82f63b78), bit by bit: a
 * reply of 16 bytes does not need a table. */
uint32_t wft_crc32c(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0xffffffff;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0x82f63b78 & -(crc & 1));
	}
	return ~crc;
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

bool wft_pkt_sctp_is_abort(const struct wft_pkt *in)
{
	size_t l4_len;

	if (in->flow.nw_proto != IPPROTO_SCTP || in->l4 < 0)
		return false;
	l4_len = in->l3_len - (size_t)(in->l4 - in->l3);
	return l4_len >= SCTP_HDR_LEN + SCTP_CHUNK_HDR_LEN &&
	       in->data[in->l4 + SCTP_HDR_LEN] == SCTP_CHUNK_ABORT;
}

int wft_pkt_sctp_abort(const struct wft_pkt *in, bool swap, uint8_t *out)
{
	const struct wft_flow *f = &in->flow;
	const uint8_t *sin, *chunk;
	size_t l4_len, off;
	uint32_t vtag, crc;
	bool reflect = true;
	uint8_t *sh;
	int n;

	if (f->nw_proto != IPPROTO_SCTP || in->l4 < 0 || in->l3 < 0)
		return -EINVAL;
	l4_len = in->l3_len - (size_t)(in->l4 - in->l3);
	if (l4_len < SCTP_HDR_LEN + SCTP_CHUNK_HDR_LEN ||
	    wft_pkt_sctp_is_abort(in))
		return -EINVAL;
	sin = in->data + in->l4;
	chunk = sin + SCTP_HDR_LEN;
	vtag = be32_at(sin + 4);
	if (chunk[0] == SCTP_CHUNK_INIT) {
		if (l4_len < SCTP_HDR_LEN + SCTP_CHUNK_HDR_LEN + SCTP_INIT_LEN)
			return -EINVAL;		/* as OVN: an incomplete INIT */
		if (!vtag) {
			vtag = be32_at(chunk + SCTP_CHUNK_HDR_LEN);
			reflect = false;
		}
	}
	/* The IP and Ethernet headers are a TCP RST's; the transport part
	 * is rewritten below. */
	n = wft_pkt_l3_reply(in, swap, IPPROTO_SCTP, 63,
			     SCTP_HDR_LEN + SCTP_CHUNK_HDR_LEN, out);
	if (n < 0)
		return n;
	off = (size_t)n - SCTP_HDR_LEN - SCTP_CHUNK_HDR_LEN;
	sh = out + off;
	memcpy(sh, &f->tp_dst, 2);
	memcpy(sh + 2, &f->tp_src, 2);
	sh[4] = (uint8_t)(vtag >> 24);
	sh[5] = (uint8_t)(vtag >> 16);
	sh[6] = (uint8_t)(vtag >> 8);
	sh[7] = (uint8_t)vtag;
	memset(sh + 8, 0, 4);
	sh[12] = SCTP_CHUNK_ABORT;
	sh[13] = reflect ? SCTP_ABORT_F_T : 0;
	sh[14] = 0;
	sh[15] = SCTP_CHUNK_HDR_LEN;
	/* The CRC goes on the wire least significant byte first. */
	crc = wft_crc32c(sh, SCTP_HDR_LEN + SCTP_CHUNK_HDR_LEN);
	sh[8] = (uint8_t)crc;
	sh[9] = (uint8_t)(crc >> 8);
	sh[10] = (uint8_t)(crc >> 16);
	sh[11] = (uint8_t)(crc >> 24);
	return n;
}
