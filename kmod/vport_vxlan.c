// SPDX-License-Identifier: GPL-2.0
/*
 * VXLAN vports (RFC 7348): the 8-byte header. No options (GBP and the
 * other extensions are not supported: their flag bits are ignored on
 * receive, as the RFC asks of reserved bits, and never sent).
 *
 *  |R|R|R|R|I|R|R|R|            Reserved                           |
 *  |                VXLAN Network Identifier (VNI) |   Reserved    |
 */
#include <linux/skbuff.h>
#include <linux/udp.h>
#include "flow_key.h"
#include "tunnel.h"
#include "vport.h"

#define VXLAN_HLEN		8
#define VXLAN_F_VNI		0x08	/* byte 0: the I flag */
#define VXLAN_DEFAULT_PORT	4789

static unsigned int vxlan_hdr_len(const struct weft_tun_set *ts)
{
	return VXLAN_HLEN;
}

static void vxlan_push(struct sk_buff *skb, const struct weft_tun_set *ts)
{
	u8 *h = __skb_push(skb, VXLAN_HLEN);
	u32 vni = be64_to_cpu(weft_tun_set_id(ts)) & 0xffffff;

	*(__be32 *)h = htonl(VXLAN_F_VNI << 24);
	*(__be32 *)(h + 4) = htonl(vni << 8);
}

/* skb->data is at the UDP header. */
static int vxlan_parse(struct sk_buff *skb, struct weft_flow_key *key)
{
	const u8 *h;

	if (!pskb_may_pull(skb, sizeof(struct udphdr) + VXLAN_HLEN))
		return -EINVAL;
	h = skb->data + sizeof(struct udphdr);
	if (!(h[0] & VXLAN_F_VNI))
		return -EINVAL;
	key->tun.id = cpu_to_be64(ntohl(*(const __be32 *)(h + 4)) >> 8);
	key->tun.flags |= WEFT_TUNNEL_F_KEY;
	return VXLAN_HLEN;
}

/* RFC 7348 section 5: the dynamic/private port range for the entropy. */
const struct weft_tunnel_proto weft_vxlan_proto = {
	.type = WEFT_VPORT_TYPE_VXLAN,
	.default_port = VXLAN_DEFAULT_PORT,
	.hdr_len = vxlan_hdr_len,
	.push = vxlan_push,
	.parse = vxlan_parse,
	.sport_min = 49152,
	.sport_max = USHRT_MAX,
};

static struct weft_vport *vxlan_create(const struct weft_vport_parms *parms,
				       struct netlink_ext_ack *extack)
{
	return weft_tunnel_create(&weft_vport_vxlan_ops, &weft_vxlan_proto,
				  parms, extack);
}

const struct weft_vport_ops weft_vport_vxlan_ops = {
	.type = WEFT_VPORT_TYPE_VXLAN,
	.create = vxlan_create,
	.destroy = weft_tunnel_destroy,
	.send_tun = weft_tunnel_send,
	.put_options = weft_tunnel_put_options,
	.put_stats = weft_tunnel_put_stats,
};
