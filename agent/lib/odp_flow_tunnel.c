// SPDX-License-Identifier: GPL-2.0
/*
 * The tunnel key (WEFT_KEY_A_TUNNEL, uapi/linux/weft.h) <-> struct
 * wft_flow's tun_* members: reading it from upcall keys, writing it into
 * megaflow keys and masks, and set(tunnel(...)) actions.
 *
 * The uapi's rules shape this: a key holds the address pair of one family
 * only; GENEVE options travel as wire bytes, and a megaflow must repeat
 * them with the packet's own length (the mask then selects bits); flags
 * are numbered differently from WFT_TNL_F_*.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>

#include "odp_flow_private.h"

static const struct {
	uint16_t wft, odp;
} flag_map[] = {
	{ WFT_TNL_F_OAM, WEFT_TUNNEL_F_OAM },
	{ WFT_TNL_F_DF, WEFT_TUNNEL_F_DF },
	{ WFT_TNL_F_CSUM, WEFT_TUNNEL_F_CSUM },
	{ WFT_TNL_F_KEY, WEFT_TUNNEL_F_KEY },
	{ WFT_TNL_F_CRIT, WEFT_TUNNEL_F_CRIT },
};

uint16_t wft_odp_tnl_flags_to_odp(uint16_t wft)
{
	uint16_t odp = 0;
	size_t i;

	for (i = 0; i < sizeof(flag_map) / sizeof(flag_map[0]); i++)
		if (wft & flag_map[i].wft)
			odp |= flag_map[i].odp;
	return odp;
}

uint16_t wft_odp_tnl_flags_from_odp(uint16_t odp)
{
	uint16_t wft = 0;
	size_t i;

	for (i = 0; i < sizeof(flag_map) / sizeof(flag_map[0]); i++)
		if (odp & flag_map[i].odp)
			wft |= flag_map[i].wft;
	return wft;
}

static bool nonzero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return true;
	return false;
}

/* Asked twice a miss: two word loads, not a byte loop. */
bool wft_odp_flow_is_tunnel(const struct wft_flow *flow)
{
	uint64_t w[2];

	memcpy(w, &flow->tun_ipv6_dst, sizeof(w));
	return flow->tun_dst || w[0] || w[1];
}

/* One attribute of the nest into @flow. */
static int read_one(uint16_t type, const uint8_t *d, size_t len,
		    struct wft_flow *flow)
{
	uint16_t u16;

#define WANT(n) do { if (len != (n)) return -EINVAL; } while (0)
	switch (type) {
	case WEFT_TUNNEL_A_ID:
		WANT(8);
		memcpy(&flow->tun_id, d, 8);
		return 0;
	case WEFT_TUNNEL_A_IPV4_SRC:
		WANT(4);
		memcpy(&flow->tun_src, d, 4);
		return 0;
	case WEFT_TUNNEL_A_IPV4_DST:
		WANT(4);
		memcpy(&flow->tun_dst, d, 4);
		return 0;
	case WEFT_TUNNEL_A_IPV6_SRC:
		WANT(16);
		memcpy(&flow->tun_ipv6_src, d, 16);
		return 0;
	case WEFT_TUNNEL_A_IPV6_DST:
		WANT(16);
		memcpy(&flow->tun_ipv6_dst, d, 16);
		return 0;
	case WEFT_TUNNEL_A_TOS:
		WANT(1);
		flow->tun_tos = *d;
		return 0;
	case WEFT_TUNNEL_A_TTL:
		WANT(1);
		flow->tun_ttl = *d;
		return 0;
	case WEFT_TUNNEL_A_FLAGS:
		WANT(2);
		memcpy(&u16, d, 2);
		flow->tun_flags = htons(wft_odp_tnl_flags_from_odp(u16));
		return 0;
	case WEFT_TUNNEL_A_TP_SRC:
		WANT(2);
		memcpy(&flow->tun_tp_src, d, 2);
		return 0;
	case WEFT_TUNNEL_A_TP_DST:
		WANT(2);
		memcpy(&flow->tun_tp_dst, d, 2);
		return 0;
	case WEFT_TUNNEL_A_GENEVE_OPTS:
		if (len % 4 || len > WFT_TUN_OPTS_MAX)
			return -EINVAL;
		memcpy(flow->tun_opts, d, len);
		flow->tun_opts_len = (uint32_t)len;
		return 0;
	}
#undef WANT
	return -EINVAL;
}

int wft_odpf_tunnel_read(const void *payload, size_t len,
			 struct wft_flow *flow)
{
	const uint8_t *pos = payload;
	const struct nlattr *a;
	int err;

	while (len) {
		a = (const struct nlattr *)pos;
		if (len < NLA_HDRLEN || a->nla_len < NLA_HDRLEN ||
		    a->nla_len > len)
			return -EINVAL;
		err = read_one(a->nla_type & NLA_TYPE_MASK,
			       pos + NLA_HDRLEN, a->nla_len - NLA_HDRLEN, flow);
		if (err)
			return err;
		if ((size_t)NLA_ALIGN(a->nla_len) >= len)
			break;
		pos += NLA_ALIGN(a->nla_len);
		len -= (size_t)NLA_ALIGN(a->nla_len);
	}
	return 0;
}

/* The fields of @v into @b, those with bits in @sel only when it is not
 * NULL; @as_mask converts flags as a mask (the same mapping). */
static void put_fields(struct wft_attrbuf *b, const struct wft_flow *v,
		       const struct wft_flow *sel, bool v6, size_t opts_len)
{
#define SEL(m) (!sel || nonzero(&sel->m, sizeof(sel->m)))
	if (SEL(tun_id))
		wft_attr_put(b, WEFT_TUNNEL_A_ID, &v->tun_id, 8);
	if (!v6) {
		if (SEL(tun_src))
			wft_attr_put(b, WEFT_TUNNEL_A_IPV4_SRC, &v->tun_src, 4);
		if (SEL(tun_dst))
			wft_attr_put(b, WEFT_TUNNEL_A_IPV4_DST, &v->tun_dst, 4);
	} else {
		if (SEL(tun_ipv6_src))
			wft_attr_put(b, WEFT_TUNNEL_A_IPV6_SRC,
				     &v->tun_ipv6_src, 16);
		if (SEL(tun_ipv6_dst))
			wft_attr_put(b, WEFT_TUNNEL_A_IPV6_DST,
				     &v->tun_ipv6_dst, 16);
	}
	if (SEL(tun_tos))
		wft_attr_put(b, WEFT_TUNNEL_A_TOS, &v->tun_tos, 1);
	if (SEL(tun_ttl))
		wft_attr_put(b, WEFT_TUNNEL_A_TTL, &v->tun_ttl, 1);
	if (SEL(tun_flags)) {
		uint16_t f = wft_odp_tnl_flags_to_odp(ntohs(v->tun_flags));

		wft_attr_put(b, WEFT_TUNNEL_A_FLAGS, &f, 2);
	}
	if (SEL(tun_tp_src))
		wft_attr_put(b, WEFT_TUNNEL_A_TP_SRC, &v->tun_tp_src, 2);
	if (SEL(tun_tp_dst))
		wft_attr_put(b, WEFT_TUNNEL_A_TP_DST, &v->tun_tp_dst, 2);
	/* The options go with the packet's length, even under a mask that
	 * selects none of their bits: the datapath compares lengths. */
	if (opts_len)
		wft_attr_put(b, WEFT_TUNNEL_A_GENEVE_OPTS, v->tun_opts,
			     opts_len);
#undef SEL
}

void wft_odpf_tunnel_put(const struct wft_flow *flow,
			 const struct wft_flow *kf, const struct wft_flow_wc *w,
			 struct wft_attrbuf *key, struct wft_attrbuf *mask)
{
	bool v6 = !flow->tun_dst;
	size_t nest;

	/* Only packets that came in over a tunnel have a tunnel key; the
	 * others come from other vports, and in_port tells them apart. */
	if (!wft_odp_flow_is_tunnel(flow))
		return;
	nest = wft_attr_nest_start(key, WEFT_KEY_A_TUNNEL);
	put_fields(key, kf, NULL, v6, flow->tun_opts_len);
	wft_attr_nest_end(key, nest);
	if (!mask)
		return;
	nest = wft_attr_nest_start(mask, WEFT_KEY_A_TUNNEL);
	put_fields(mask, &w->masks, &w->masks, v6, flow->tun_opts_len);
	wft_attr_nest_end(mask, nest);
}

void wft_odp_put_set_tunnel(struct wft_attrbuf *b,
			    const struct wft_odp_tunnel *t)
{
	size_t set, k, tun;
	uint16_t flags = wft_odp_tnl_flags_to_odp(t->flags);

	set = wft_attr_nest_start(b, WEFT_ACTION_A_SET);
	k = wft_attr_nest_start(b, WEFT_SET_A_KEY);
	tun = wft_attr_nest_start(b, WEFT_KEY_A_TUNNEL);
	wft_attr_put(b, WEFT_TUNNEL_A_ID, &t->id, 8);
	if (!t->v6) {
		if (nonzero(t->src, 4))
			wft_attr_put(b, WEFT_TUNNEL_A_IPV4_SRC, t->src, 4);
		wft_attr_put(b, WEFT_TUNNEL_A_IPV4_DST, t->dst, 4);
	} else {
		if (nonzero(t->src, 16))
			wft_attr_put(b, WEFT_TUNNEL_A_IPV6_SRC, t->src, 16);
		wft_attr_put(b, WEFT_TUNNEL_A_IPV6_DST, t->dst, 16);
	}
	if (t->tos)
		wft_attr_put(b, WEFT_TUNNEL_A_TOS, &t->tos, 1);
	wft_attr_put(b, WEFT_TUNNEL_A_TTL, &t->ttl, 1);
	wft_attr_put(b, WEFT_TUNNEL_A_FLAGS, &flags, 2);
	if (t->tp_dst)
		wft_attr_put(b, WEFT_TUNNEL_A_TP_DST, &t->tp_dst, 2);
	if (t->opts_len)
		wft_attr_put(b, WEFT_TUNNEL_A_GENEVE_OPTS, t->opts,
			     t->opts_len);
	wft_attr_nest_end(b, tun);
	wft_attr_nest_end(b, k);
	wft_attr_nest_end(b, set);
}
