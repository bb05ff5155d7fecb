// SPDX-License-Identifier: GPL-2.0
/*
 * GENEVE vports (RFC 8926): the 8-byte header and its options. Everything
 * else is vport_tunnel.c's.
 *
 *  0                   1                   2                   3
 *  |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 *  |        Virtual Network Identifier (VNI)       |    Reserved   |
 *  |                    Variable-Length Options                    |
 *
 * An option: __be16 class, u8 type (0x80: critical), 3 reserved bits and
 * 5 bits of data length in 4-byte words, then the data.
 */
#include <linux/if_ether.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/udp_tunnel.h>
#include "tunnel.h"
#include "vport.h"
#include "flow_key.h"

#define GENEVE_HLEN		8
#define GENEVE_VER		0
#define GENEVE_F_OAM		0x80	/* byte 1 */
#define GENEVE_F_CRIT		0x40	/* byte 1 */
#define GENEVE_OPT_CRIT		0x80	/* option type */
#define GENEVE_DEFAULT_PORT	6081

/**
 * weft_geneve_opts_check() - check a chain of GENEVE options.
 * @opts: the options.
 * @len: their length in bytes (a multiple of 4).
 * @crit: out: whether one is critical.
 *
 * Return: 0, or -EINVAL when an option's length runs past @len.
 */
int weft_geneve_opts_check(const u8 *opts, unsigned int len, bool *crit)
{
	unsigned int off = 0, olen;

	*crit = false;
	while (off < len) {
		if (len - off < 4)
			return -EINVAL;
		olen = 4 + 4 * (opts[off + 3] & 0x1f);
		if (olen > len - off)
			return -EINVAL;
		if (opts[off + 2] & GENEVE_OPT_CRIT)
			*crit = true;
		off += olen;
	}
	return 0;
}

static unsigned int geneve_hdr_len(const struct weft_tun_set *ts)
{
	return GENEVE_HLEN + ts->opts_len;
}

static void geneve_push(struct sk_buff *skb, const struct weft_tun_set *ts)
{
	u8 *h = __skb_push(skb, GENEVE_HLEN + ts->opts_len);
	u32 vni = be64_to_cpu(weft_tun_set_id(ts)) & 0xffffff;

	h[0] = GENEVE_VER << 6 | ts->opts_len / 4;
	h[1] = (ts->flags & WEFT_TUNNEL_F_OAM ? GENEVE_F_OAM : 0) |
	       (ts->crit ? GENEVE_F_CRIT : 0);
	*(__be16 *)(h + 2) = htons(ETH_P_TEB);
	*(__be32 *)(h + 4) = htonl(vni << 8);
	memcpy(h + GENEVE_HLEN, ts->opts, ts->opts_len);
}

/* skb->data is at the UDP header. */
static int geneve_parse(struct sk_buff *skb, struct weft_flow_key *key)
{
	unsigned int optlen;
	bool crit;
	u8 *h;

	if (!pskb_may_pull(skb, sizeof(struct udphdr) + GENEVE_HLEN))
		return -EINVAL;
	h = skb->data + sizeof(struct udphdr);
	if (h[0] >> 6 != GENEVE_VER)
		return -EINVAL;
	/* Only Ethernet payloads: the datapath switches frames. */
	if (*(__be16 *)(h + 2) != htons(ETH_P_TEB))
		return -EINVAL;
	optlen = 4 * (h[0] & 0x3f);
	if (!pskb_may_pull(skb, sizeof(struct udphdr) + GENEVE_HLEN + optlen))
		return -EINVAL;
	h = skb->data + sizeof(struct udphdr);	/* the pull may move it */
	if (weft_geneve_opts_check(h + GENEVE_HLEN, optlen, &crit))
		return -EINVAL;
	key->tun.id = cpu_to_be64(ntohl(*(__be32 *)(h + 4)) >> 8);
	key->tun.flags |= WEFT_TUNNEL_F_KEY;
	if (h[1] & GENEVE_F_OAM)
		key->tun.flags |= WEFT_TUNNEL_F_OAM;
	if (h[1] & GENEVE_F_CRIT)
		key->tun.flags |= WEFT_TUNNEL_F_CRIT;
	key->tun.opts_len = optlen;
	memcpy(weft_key_tun_opts(key), h + GENEVE_HLEN, optlen);
	return GENEVE_HLEN + optlen;
}

const struct weft_tunnel_proto weft_geneve_proto = {
	.type = WEFT_VPORT_TYPE_GENEVE,
	.default_port = GENEVE_DEFAULT_PORT,
	.hdr_len = geneve_hdr_len,
	.push = geneve_push,
	.parse = geneve_parse,
	.sport_min = 1,
	.sport_max = USHRT_MAX,
};

static struct weft_vport *geneve_create(const struct weft_vport_parms *parms,
					struct netlink_ext_ack *extack)
{
	return weft_tunnel_create(&weft_vport_geneve_ops, &weft_geneve_proto,
				  parms, extack);
}

const struct weft_vport_ops weft_vport_geneve_ops = {
	.type = WEFT_VPORT_TYPE_GENEVE,
	.create = geneve_create,
	.destroy = weft_tunnel_destroy,
	.send_tun = weft_tunnel_send,
	.put_options = weft_tunnel_put_options,
	.put_stats = weft_tunnel_put_stats,
};
