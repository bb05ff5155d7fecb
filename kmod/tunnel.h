/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnels: the metadata a set(tunnel(...)) action writes (struct
 * weft_tun_set, kept in the action list), and the tunnel vports (geneve,
 * vxlan) that put it on the wire and turn what they receive back into the
 * tunnel part of a flow key.
 */
#ifndef _WEFT_TUNNEL_H
#define _WEFT_TUNNEL_H

#include <linux/in6.h>
#include <linux/types.h>
#include <uapi/linux/weft.h>

/*
 * The internal form of set(tunnel(...)): what the next output to a tunnel
 * vport sends with. @present remembers which WEFT_TUNNEL_A_* the action
 * gave, so that a dump echoes exactly that. Defaults (TTL 64, the vport's
 * port, a hashed source port) are applied at transmit time.
 */
struct weft_tun_set {
	__be64 id;
	__be32 ipv4_src;
	__be32 ipv4_dst;
	struct in6_addr ipv6_src;
	struct in6_addr ipv6_dst;
	__be16 tp_src;
	__be16 tp_dst;
	u16 flags;
	u16 present;		/* BIT(WEFT_TUNNEL_A_*) given */
	u8 tos;
	u8 ttl;
	u8 opts_len;
	u8 family;		/* AF_INET or AF_INET6 */
	u8 crit;		/* an option is critical: the GENEVE C bit */
	u8 pad[3];
	u8 opts[];		/* GENEVE options as on the wire */
} __packed __aligned(4);

/* Action-list attribute payloads are only 4-byte aligned. */
static inline __be64 weft_tun_set_id(const struct weft_tun_set *ts)
{
	__be64 id;

	memcpy(&id, &ts->id, sizeof(id));
	return id;
}

struct sk_buff;
struct weft_flow_key;
struct weft_vport;

/*
 * What differs between GENEVE and VXLAN; the rest (device, sockets,
 * routing, PMTU, counters) is vport_tunnel.c's.
 */
struct weft_tunnel_proto {
	enum weft_vport_type type;
	u16 default_port;
	/* Bytes of tunnel header (after UDP) that @ts needs. */
	unsigned int (*hdr_len)(const struct weft_tun_set *ts);
	/* Push that header in front of skb->data (headroom is there). */
	void (*push)(struct sk_buff *skb, const struct weft_tun_set *ts);
	/*
	 * The header after the UDP header at skb->data: check it and fill
	 * key->tun.id, flags and options. Return: its length, or -EINVAL
	 * when it is malformed (the packet is dropped and counted).
	 */
	int (*parse)(struct sk_buff *skb, struct weft_flow_key *key);
	/* Source port range for the inner flow's hash. */
	u16 sport_min;
	u16 sport_max;
};

extern const struct weft_tunnel_proto weft_geneve_proto;
extern const struct weft_tunnel_proto weft_vxlan_proto;

/* vport_tunnel.c: the common vport code for both. */
struct weft_vport_parms;
struct weft_vport_ops;
struct netlink_ext_ack;
struct weft_vport *weft_tunnel_create(const struct weft_vport_ops *ops,
				      const struct weft_tunnel_proto *proto,
				      const struct weft_vport_parms *parms,
				      struct netlink_ext_ack *extack);
void weft_tunnel_destroy(struct weft_vport *vport);
void weft_tunnel_send(struct weft_vport *vport, struct sk_buff *skb,
		      const struct weft_tun_set *ts);
int weft_tunnel_put_options(const struct weft_vport *vport,
			    struct sk_buff *skb);
int weft_tunnel_put_stats(const struct weft_vport *vport, struct sk_buff *skb);

/**
 * weft_geneve_opts_check() - Return: 0 when @len bytes at @opts are a
 * whole chain of GENEVE options, -EINVAL otherwise; *@crit set when one of
 * them is critical (type 0x80 set).
 */
int weft_geneve_opts_check(const u8 *opts, unsigned int len, bool *crit);

#endif /* _WEFT_TUNNEL_H */
