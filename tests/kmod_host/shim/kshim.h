/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal userspace stand-ins for the kernel APIs of flow_key.c, key_parse.c. */
#ifndef KSHIM_H
#define KSHIM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define BITS_PER_LONG 64
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define htons(x) ((__be16)__builtin_bswap16((u16)(x)))
#define ntohs(x) __builtin_bswap16((u16)(x))
#define htonl(x) ((__be32)__builtin_bswap32((u32)(x)))
#define ntohl(x) __builtin_bswap32((u32)(x))
#define get_unaligned(p) ({ const struct { __typeof__(*(p)) v; } __attribute__((packed)) *__pp = (const void *)(p); __pp->v; })

#define VLAN_HLEN 4
#define VLAN_CFI_MASK 0x1000
#define IP_MF 0x2000
#define IP_OFFSET 0x1FFF
#define IP6_OFFSET 0xFFF8
#define NEXTHDR_HOP 0
#define NEXTHDR_ROUTING 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_AUTH 51
#define NEXTHDR_DEST 60
#define NDISC_NEIGHBOUR_SOLICITATION 135
#define NDISC_NEIGHBOUR_ADVERTISEMENT 136
#define ND_OPT_SOURCE_LL_ADDR 1
#define ND_OPT_TARGET_LL_ADDR 2
#define IPV6_FLOWLABEL_MASK htonl(0x000FFFFF)
#define ENOMEM 12

struct frag_hdr { u8 nexthdr; u8 reserved; __be16 frag_off; __be32 identification; };
struct nd_msg { struct icmp6hdr icmph; struct in6_addr target; u8 opt[]; };
struct sctphdr { __be16 source, dest; __be32 vtag, checksum; };

struct sk_buff {
	unsigned char *head, *data;	/* the linear part, exactly headlen bytes */
	const unsigned char *whole;	/* the whole frame (the "pages") */
	unsigned int len, data_len;
	u16 mac_header, network_header, transport_header, mac_len;
	bool vlan_present;
	u16 vlan_tci;
	__be16 vlan_proto, protocol;
	int fail_pulls;			/* make the next pulls fail */
};

static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
	return skb->len - skb->data_len;
}

/* Reallocate the linear part bigger: stale pointers become use-after-free. */
static inline void *__pskb_pull_tail(struct sk_buff *skb, int delta)
{
	unsigned int hl = skb_headlen(skb) + delta;
	unsigned char *p;

	if (skb->fail_pulls) {
		skb->fail_pulls--;
		return NULL;
	}
	if ((unsigned int)delta > skb->data_len)
		abort();
	p = malloc(hl ? hl : 1);
	memcpy(p, skb->whole, hl);
	free(skb->head);
	skb->head = skb->data = p;
	skb->data_len -= delta;
	return p;
}

#define skb_reset_mac_header(s) ((s)->mac_header = (s)->data - (s)->head)
#define skb_set_network_header(s, o) ((s)->network_header = (s)->data - (s)->head + (o))
#define skb_set_transport_header(s, o) ((s)->transport_header = (s)->data - (s)->head + (o))
#define eth_hdr(s) ((struct ethhdr *)((s)->head + (s)->mac_header))
#define ip_hdr(s) ((struct iphdr *)((s)->head + (s)->network_header))
#define ipv6_hdr(s) ((struct ipv6hdr *)((s)->head + (s)->network_header))
#define ip_hdrlen(s) (ip_hdr(s)->ihl * 4)
#define skb_vlan_tag_present(s) ((s)->vlan_present)
#define skb_vlan_tag_get(s) ((s)->vlan_tci)

static inline void ether_addr_copy(u8 *d, const u8 *s) { memcpy(d, s, 6); }
static inline bool is_zero_ether_addr(const u8 *a)
{
	return !(a[0] | a[1] | a[2] | a[3] | a[4] | a[5]);
}
static inline bool eth_proto_is_802_3(__be16 p) { return ntohs(p) >= ETH_P_802_3_MIN; }
static inline bool eth_type_vlan(__be16 p)
{
	return p == htons(ETH_P_8021Q) || p == htons(ETH_P_8021AD);
}
static inline __be32 ip6_flowlabel(const struct ipv6hdr *h)
{
	return get_unaligned((const __be32 *)h) & IPV6_FLOWLABEL_MASK;
}
static inline u8 ipv6_get_dsfield(const struct ipv6hdr *h)
{
	return ntohs(get_unaligned((const __be16 *)h)) >> 4;
}

/* For key_parse.c. */
#ifndef EINVAL
#define EINVAL 22
#endif
#define U16_MAX ((u16)~0U)
#define U32_MAX ((u32)~0U)
#define U64_MAX ((u64)~0ULL)
#define cpu_to_be64(x) ((__be64)__builtin_bswap64(x))
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define BIT(n) (1UL << (n))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define sizeof_field(t, m) sizeof(((t *)0)->m)
#define BUILD_BUG_ON(c) _Static_assert(!(c), "BUILD_BUG_ON(" #c ")")
#define hweight32(w) __builtin_popcount((u32)(w))

static inline void eth_broadcast_addr(u8 *a) { memset(a, 0xff, 6); }
static inline bool ipv6_addr_any(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return !memcmp(a, &any, sizeof(any));
}

/* The first byte of @p[0..n) that is not @c, or NULL. */
static inline void *memchr_inv(const void *p, int c, size_t n)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != (u8)c)
			return (void *)(b + i);
	return NULL;
}
#endif
