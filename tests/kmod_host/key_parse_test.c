// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side check of kmod/key_parse.c under ASan/UBSan. The parser replaces
 * the kernel's policy validation of flow keys and masks, so it is held to
 * an independent model written here from the uapi (uapi/linux/weft.h and
 * kmod/key_nl.h): a byte-level walk that predicts, for any nest, whether
 * weft_key_parse() accepts it, which attribute it blames and with what
 * message, and the exact struct weft_flow_key it fills; and, for
 * weft_key_parse_flow(), the masked key, the mask (given or exact) and the
 * prerequisite verdict.
 *
 *   1. Acceptance: flows in ovs-dpctl text, turned into key and mask nests
 *      by libweft's wft_odp_flow_from_string() exactly as the agent sends
 *      them, parse and give the listed field values.
 *      Some are edited first (see edit()): masks whose values are too
 *      wide are trimmed, not refused.
 *   2. Rejection: such nests edited (a type, a flag, a length, a value, an
 *      attribute repeated, added or removed, bytes appended, an nla_len
 *      beyond the nest) or flows that miss a prerequisite fail with the
 *      listed extack message, blaming the listed attribute.
 *   3. Robustness: every nest of parts 1 and 2 truncated at every length, every
 *      attribute's type replaced by 0..40 with NLA_F_NESTED as sent and
 *      flipped, random byte mutations and random attribute trees. Every
 *      call returns 0 or -EINVAL, sets an extack message exactly when it
 *      fails, blames an attribute that was walked, and agrees with the
 *      model. Each nest lives in a buffer of its exact size, so ASan sees
 *      any read past it.
 *
 * usage: key_parse_test [MUTATIONS [SEED]]
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>

#include "key_parse.c"

#include "weft/attrbuf.h"
#include "weft/odp.h"

int inet_pton(int af, const char *src, void *dst);

static unsigned long n_fail, n_accepted, n_rejected, n_flow_ok;
static unsigned long n_calls;	/* of the two functions under test */
static const char *cur_case = "";

#define FAIL(...)							\
	do {								\
		n_fail++;						\
		fprintf(stderr, "FAIL %s:%d [%s]: ", __FILE__, __LINE__, \
			cur_case);					\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		if (n_fail > 30)					\
			exit(1);					\
	} while (0)
#define CHECK(c, ...) do { if (!(c)) FAIL(__VA_ARGS__); } while (0)

static unsigned long long rnd_state = 1;

/* splitmix64: the same sequence on every libc. */
static u64 rnd(void)
{
	u64 z = (rnd_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rn(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static u16 rd16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, 2);
	return v;
}

static void wr16(u8 *p, u16 v)
{
	memcpy(p, &v, 2);
}

/* ---- the specification, from uapi/linux/weft.h ------------------------ */

struct spec_field {
	const char *name;
	int type;
	int len;
};

struct spec_hdr {
	const char *name;
	int type;
	int len;			/* of a scalar; 0 for a nest */
	const struct spec_field *f;
	int nf;
};

static const struct spec_field eth_sf[] = {
	{ "src", WEFT_ETH_A_SRC, 6 }, { "dst", WEFT_ETH_A_DST, 6 },
};
static const struct spec_field vlan_sf[] = {
	{ "tpid", WEFT_VLAN_A_TPID, 2 }, { "tci", WEFT_VLAN_A_TCI, 2 },
};
static const struct spec_field ipv4_sf[] = {
	{ "src", WEFT_IPV4_A_SRC, 4 }, { "dst", WEFT_IPV4_A_DST, 4 },
	{ "proto", WEFT_IPV4_A_PROTO, 1 }, { "tos", WEFT_IPV4_A_TOS, 1 },
	{ "ttl", WEFT_IPV4_A_TTL, 1 }, { "frag", WEFT_IPV4_A_FRAG, 1 },
};
static const struct spec_field ipv6_sf[] = {
	{ "src", WEFT_IPV6_A_SRC, 16 }, { "dst", WEFT_IPV6_A_DST, 16 },
	{ "label", WEFT_IPV6_A_LABEL, 4 }, { "proto", WEFT_IPV6_A_PROTO, 1 },
	{ "tclass", WEFT_IPV6_A_TCLASS, 1 },
	{ "hlimit", WEFT_IPV6_A_HLIMIT, 1 }, { "frag", WEFT_IPV6_A_FRAG, 1 },
};
static const struct spec_field tcp_sf[] = {
	{ "src", WEFT_TP_A_SRC, 2 }, { "dst", WEFT_TP_A_DST, 2 },
	{ "flags", WEFT_TP_A_FLAGS, 2 },
};
static const struct spec_field ports_sf[] = {
	{ "src", WEFT_TP_A_SRC, 2 }, { "dst", WEFT_TP_A_DST, 2 },
};
static const struct spec_field icmp_sf[] = {
	{ "type", WEFT_ICMP_A_TYPE, 1 }, { "code", WEFT_ICMP_A_CODE, 1 },
};
static const struct spec_field arp_sf[] = {
	{ "sip", WEFT_ARP_A_SIP, 4 }, { "tip", WEFT_ARP_A_TIP, 4 },
	{ "op", WEFT_ARP_A_OP, 2 }, { "sha", WEFT_ARP_A_SHA, 6 },
	{ "tha", WEFT_ARP_A_THA, 6 },
};
static const struct spec_field nd_sf[] = {
	{ "target", WEFT_ND_A_TARGET, 16 }, { "sll", WEFT_ND_A_SLL, 6 },
	{ "tll", WEFT_ND_A_TLL, 6 },
};

/* GENEVE_OPTS has a length of 4..WEFT_TUN_OPTS_MAX, a multiple of 4: -1. */
static const struct spec_field tunnel_sf[] = {
	{ "id", WEFT_TUNNEL_A_ID, 8 },
	{ "ipv4_src", WEFT_TUNNEL_A_IPV4_SRC, 4 },
	{ "ipv4_dst", WEFT_TUNNEL_A_IPV4_DST, 4 },
	{ "ipv6_src", WEFT_TUNNEL_A_IPV6_SRC, 16 },
	{ "ipv6_dst", WEFT_TUNNEL_A_IPV6_DST, 16 },
	{ "tos", WEFT_TUNNEL_A_TOS, 1 }, { "ttl", WEFT_TUNNEL_A_TTL, 1 },
	{ "flags", WEFT_TUNNEL_A_FLAGS, 2 },
	{ "tp_src", WEFT_TUNNEL_A_TP_SRC, 2 },
	{ "tp_dst", WEFT_TUNNEL_A_TP_DST, 2 },
	{ "geneve_opts", WEFT_TUNNEL_A_GENEVE_OPTS, -1 },
};

static const struct spec_field ct_tuple_sf[] = {
	{ "ipv4_src", WEFT_CT_TUPLE_A_IPV4_SRC, 4 },
	{ "ipv4_dst", WEFT_CT_TUPLE_A_IPV4_DST, 4 },
	{ "ipv6_src", WEFT_CT_TUPLE_A_IPV6_SRC, 16 },
	{ "ipv6_dst", WEFT_CT_TUPLE_A_IPV6_DST, 16 },
	{ "proto", WEFT_CT_TUPLE_A_PROTO, 1 },
	{ "tp_src", WEFT_CT_TUPLE_A_TP_SRC, 2 },
	{ "tp_dst", WEFT_CT_TUPLE_A_TP_DST, 2 },
};

#define NEST(n, t, f) { n, t, 0, f, ARRAY_SIZE(f) }
static const struct spec_hdr spec[] = {
	{ "in_port", WEFT_KEY_A_IN_PORT, 4, NULL, 0 },
	{ "skb_mark", WEFT_KEY_A_SKB_MARK, 4, NULL, 0 },
	{ "priority", WEFT_KEY_A_PRIORITY, 4, NULL, 0 },
	{ "recirc_id", WEFT_KEY_A_RECIRC_ID, 4, NULL, 0 },
	{ "dp_hash", WEFT_KEY_A_DP_HASH, 4, NULL, 0 },
	NEST("eth", WEFT_KEY_A_ETHERNET, eth_sf),
	NEST("vlan", WEFT_KEY_A_VLAN, vlan_sf),
	NEST("cvlan", WEFT_KEY_A_CVLAN, vlan_sf),
	{ "eth_type", WEFT_KEY_A_ETHERTYPE, 2, NULL, 0 },
	NEST("ipv4", WEFT_KEY_A_IPV4, ipv4_sf),
	NEST("ipv6", WEFT_KEY_A_IPV6, ipv6_sf),
	NEST("tcp", WEFT_KEY_A_TCP, tcp_sf),
	NEST("udp", WEFT_KEY_A_UDP, ports_sf),
	NEST("sctp", WEFT_KEY_A_SCTP, ports_sf),
	NEST("icmp", WEFT_KEY_A_ICMP, icmp_sf),
	NEST("icmpv6", WEFT_KEY_A_ICMPV6, icmp_sf),
	NEST("arp", WEFT_KEY_A_ARP, arp_sf),
	NEST("nd", WEFT_KEY_A_ND, nd_sf),
	NEST("tunnel", WEFT_KEY_A_TUNNEL, tunnel_sf),
	{ "ct_state", WEFT_KEY_A_CT_STATE, 4, NULL, 0 },
	{ "ct_zone", WEFT_KEY_A_CT_ZONE, 2, NULL, 0 },
	{ "ct_mark", WEFT_KEY_A_CT_MARK, 4, NULL, 0 },
	{ "ct_label", WEFT_KEY_A_CT_LABELS, 16, NULL, 0 },
	NEST("ct_tuple", WEFT_KEY_A_CT_TUPLE, ct_tuple_sf),
};

static const struct spec_hdr *spec_hdr(int type)
{
	for (size_t i = 0; i < ARRAY_SIZE(spec); i++)
		if (spec[i].type == type)
			return &spec[i];
	return NULL;
}

static const struct spec_field *spec_field(const struct spec_hdr *h, int type)
{
	for (int i = 0; h && i < h->nf; i++)
		if (h->f[i].type == type)
			return &h->f[i];
	return NULL;
}

/* ---- the model ---------------------------------------------------------- */

struct verdict {
	int err;		/* 0 or -EINVAL */
	long bad;		/* offset of the blamed attribute in the buffer */
	const char *msg;	/* a substring of the expected message */
};

#define M_UNKNOWN	"unknown attribute type"
#define M_FIELD_NESTED	"NLA_F_NESTED set on a flow key field"
#define M_LEN		"wrong length"
#define M_FIELD_TWICE	"field given twice"
#define M_HDR_TWICE	"header given twice"
#define M_NO_NESTED	"lacks NLA_F_NESTED"
#define M_HDR_LEFT	"left over after the last attribute of a flow key header"
#define M_KEY_LEFT	"left over after the last attribute of a flow key"
#define M_FRAG		"frag must be"
#define M_LABEL		"label is wider than 20 bits"
#define M_FLAGS		"flags are wider than 12 bits"
#define M_ARP_OP	"arp op above 255"
#define M_CFI		"needs VLAN_CFI_MASK"
#define M_TPID		"tpid must be 0x8100 or 0x88a8"
#define M_L3		"ipv4, ipv6 and arp are exclusive"
#define M_L4		"tcp, udp, sctp, icmp and icmpv6 are exclusive"
#define M_ND		"nd goes with ipv6 only"
#define M_OPTS		"geneve options must be 4 to 252 bytes"
#define M_TUN_FLAGS	"tunnel flags has unknown bits"
#define M_TUN_FAMILY	"ipv4 and ipv6 endpoints are exclusive"
#define M_OPTS_MASK	"options mask must be as long as the key's"
#define M_CT_STATE	"ct_state has unknown bits"
#define M_CT_FAMILY	"ct_tuple ipv4 and ipv6 addresses are exclusive"

static void *field_ptr(struct weft_flow_key *k, int hdr, int f)
{
	switch (hdr) {
	case WEFT_KEY_A_IN_PORT: return &k->md.in_port;
	case WEFT_KEY_A_SKB_MARK: return &k->md.skb_mark;
	case WEFT_KEY_A_PRIORITY: return &k->md.priority;
	case WEFT_KEY_A_RECIRC_ID: return &k->md.recirc_id;
	case WEFT_KEY_A_DP_HASH: return &k->md.dp_hash;
	case WEFT_KEY_A_ETHERTYPE: return &k->eth.type;
	case WEFT_KEY_A_CT_STATE: return &k->ct.state;
	case WEFT_KEY_A_CT_ZONE: return &k->ct.zone;
	case WEFT_KEY_A_CT_MARK: return &k->ct.mark;
	case WEFT_KEY_A_CT_LABELS: return k->ct.labels;
	case WEFT_KEY_A_CT_TUPLE:
		switch (f) {
		case WEFT_CT_TUPLE_A_IPV4_SRC: return &k->ct_orig.ipv4_src;
		case WEFT_CT_TUPLE_A_IPV4_DST: return &k->ct_orig.ipv4_dst;
		case WEFT_CT_TUPLE_A_IPV6_SRC: return &k->ct_orig.ipv6_src;
		case WEFT_CT_TUPLE_A_IPV6_DST: return &k->ct_orig.ipv6_dst;
		case WEFT_CT_TUPLE_A_PROTO: return &k->ct_orig.proto;
		case WEFT_CT_TUPLE_A_TP_SRC: return &k->ct_orig.tp_src;
		case WEFT_CT_TUPLE_A_TP_DST: return &k->ct_orig.tp_dst;
		}
		break;
	case WEFT_KEY_A_ETHERNET:
		return f == WEFT_ETH_A_SRC ? k->eth.src : k->eth.dst;
	case WEFT_KEY_A_VLAN:
		return f == WEFT_VLAN_A_TPID ? &k->eth.vlan.tpid :
					       &k->eth.vlan.tci;
	case WEFT_KEY_A_CVLAN:
		return f == WEFT_VLAN_A_TPID ? &k->eth.cvlan.tpid :
					       &k->eth.cvlan.tci;
	case WEFT_KEY_A_IPV4:
		switch (f) {
		case WEFT_IPV4_A_SRC: return &k->ipv4.src;
		case WEFT_IPV4_A_DST: return &k->ipv4.dst;
		case WEFT_IPV4_A_PROTO: return &k->ip.proto;
		case WEFT_IPV4_A_TOS: return &k->ip.tos;
		case WEFT_IPV4_A_TTL: return &k->ip.ttl;
		case WEFT_IPV4_A_FRAG: return &k->ip.frag;
		}
		break;
	case WEFT_KEY_A_IPV6:
		switch (f) {
		case WEFT_IPV6_A_SRC: return &k->ipv6.src;
		case WEFT_IPV6_A_DST: return &k->ipv6.dst;
		case WEFT_IPV6_A_LABEL: return &k->ipv6.label;
		case WEFT_IPV6_A_PROTO: return &k->ip.proto;
		case WEFT_IPV6_A_TCLASS: return &k->ip.tos;
		case WEFT_IPV6_A_HLIMIT: return &k->ip.ttl;
		case WEFT_IPV6_A_FRAG: return &k->ip.frag;
		}
		break;
	case WEFT_KEY_A_TCP:
	case WEFT_KEY_A_UDP:
	case WEFT_KEY_A_SCTP:
		return f == WEFT_TP_A_SRC ? &k->tp.src :
		       f == WEFT_TP_A_DST ? &k->tp.dst : &k->tp.flags;
	case WEFT_KEY_A_ICMP:
	case WEFT_KEY_A_ICMPV6:
		return f == WEFT_ICMP_A_TYPE ? &k->tp.src : &k->tp.dst;
	case WEFT_KEY_A_ARP:
		switch (f) {
		case WEFT_ARP_A_SIP: return &k->ipv4.src;
		case WEFT_ARP_A_TIP: return &k->ipv4.dst;
		case WEFT_ARP_A_OP: return &k->ip.proto;
		case WEFT_ARP_A_SHA: return k->ipv4.arp.sha;
		case WEFT_ARP_A_THA: return k->ipv4.arp.tha;
		}
		break;
	case WEFT_KEY_A_ND:
		switch (f) {
		case WEFT_ND_A_TARGET: return &k->ipv6.nd.target;
		case WEFT_ND_A_SLL: return k->ipv6.nd.sll;
		case WEFT_ND_A_TLL: return k->ipv6.nd.tll;
		}
		break;
	case WEFT_KEY_A_TUNNEL:
		switch (f) {
		case WEFT_TUNNEL_A_ID: return &k->tun.id;
		case WEFT_TUNNEL_A_IPV4_SRC: return &k->tun.ipv4_src;
		case WEFT_TUNNEL_A_IPV4_DST: return &k->tun.ipv4_dst;
		case WEFT_TUNNEL_A_IPV6_SRC: return &k->tun.ipv6_src;
		case WEFT_TUNNEL_A_IPV6_DST: return &k->tun.ipv6_dst;
		case WEFT_TUNNEL_A_TOS: return &k->tun.tos;
		case WEFT_TUNNEL_A_TTL: return &k->tun.ttl;
		case WEFT_TUNNEL_A_FLAGS: return &k->tun.flags;
		case WEFT_TUNNEL_A_TP_SRC: return &k->tun.tp_src;
		case WEFT_TUNNEL_A_TP_DST: return &k->tun.tp_dst;
		case WEFT_TUNNEL_A_GENEVE_OPTS: return k->tun_opts;
		}
		break;
	}
	abort();
}

/*
 * Stores value @v (@len bytes, as sent) of field @f of header @hdr.
 * Returns the message of a key's range error, or NULL.
 */
static const char *model_store(struct weft_flow_key *k, int hdr, int f,
			       const u8 *v, int len, bool is_mask)
{
	u8 *p = field_ptr(k, hdr, f);
	u32 x;

	if ((hdr == WEFT_KEY_A_IPV4 && f == WEFT_IPV4_A_FRAG) ||
	    (hdr == WEFT_KEY_A_IPV6 && f == WEFT_IPV6_A_FRAG)) {
		*p = v[0];
		return !is_mask && v[0] > 2 ? M_FRAG : NULL;
	}
	if (hdr == WEFT_KEY_A_IPV6 && f == WEFT_IPV6_A_LABEL) {
		x = (u32)v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3];
		if (x > 0xfffff && !is_mask)
			return M_LABEL;
		x &= 0xfffff;
		p[0] = x >> 24; p[1] = x >> 16; p[2] = x >> 8; p[3] = x;
		return NULL;
	}
	if (hdr == WEFT_KEY_A_TCP && f == WEFT_TP_A_FLAGS) {
		if ((v[0] & 0xf0) && !is_mask)
			return M_FLAGS;
		p[0] = v[0] & 0x0f;
		p[1] = v[1];
		return NULL;
	}
	if (hdr == WEFT_KEY_A_ICMP || hdr == WEFT_KEY_A_ICMPV6) {
		p[0] = 0;		/* network order: the byte is the low one */
		p[1] = v[0];
		return NULL;
	}
	if (hdr == WEFT_KEY_A_TUNNEL && f == WEFT_TUNNEL_A_FLAGS) {
		u16 fl = rd16(v);

		if ((fl & ~0x1f) && !is_mask)
			return M_TUN_FLAGS;
		wr16(p, fl & 0x1f);
		return NULL;
	}
	if (hdr == WEFT_KEY_A_TUNNEL && f == WEFT_TUNNEL_A_GENEVE_OPTS) {
		k->tun.opts_len = len;
		memcpy(k->tun_opts + WEFT_TUN_OPTS_MAX - len, v, len);
		return NULL;
	}
	if (hdr == WEFT_KEY_A_CT_STATE) {
		memcpy(&x, v, 4);	/* host order */
		if ((x & ~0xffu) && !is_mask)
			return M_CT_STATE;
		x &= 0xff;
		memcpy(p, &x, 4);
		return NULL;
	}
	if (hdr == WEFT_KEY_A_ARP && f == WEFT_ARP_A_OP) {
		if (v[0] && !is_mask)
			return M_ARP_OP;
		*p = v[1];
		return NULL;
	}
	memcpy(p, v, len);
	return NULL;
}

static bool any(const void *p, size_t n);

static struct verdict bad(long off, const char *msg)
{
	return (struct verdict){ -EINVAL, off, msg };
}

/*
 * weft_key_parse() as the uapi describes it, on the nest at @buf + @off:
 * one walk in attribute order, each attribute judged when it is met, a
 * header's leftovers and VLAN tag after its last field, the nest's
 * leftovers and the exclusive headers at the end.
 */
static struct verdict model_parse(const u8 *buf, long off, bool is_mask,
				  struct weft_flow_key *out, u32 *present)
{
	long end = off + rd16(buf + off), pos = off + 4;
	u32 hdrs = 0;

	memset(out, 0, sizeof(*out));
	while (end - pos >= 4) {
		int alen = rd16(buf + pos), atype = rd16(buf + pos + 2);
		int type = atype & NLA_TYPE_MASK;
		const struct spec_hdr *h = spec_hdr(type);

		if (alen < 4 || alen > end - pos)
			break;
		if (h && !h->len) {
			long fend = pos + alen, fpos = pos + 4;
			u32 seen = 0;

			if (hdrs & BIT(type))
				return bad(pos, M_HDR_TWICE);
			hdrs |= BIT(type);
			if (!(atype & NLA_F_NESTED))
				return bad(pos, M_NO_NESTED);
			while (fend - fpos >= 4) {
				int flen = rd16(buf + fpos);
				int ftype = rd16(buf + fpos + 2);
				const struct spec_field *f;
				const char *msg;

				if (flen < 4 || flen > fend - fpos)
					break;
				f = spec_field(h, ftype & NLA_TYPE_MASK);
				if (!f)		/* UDP and SCTP lack flags */
					return bad(fpos, M_UNKNOWN);
				if (ftype & NLA_F_NESTED)
					return bad(fpos, M_FIELD_NESTED);
				if (f->len < 0 &&
				    (flen == 4 || flen - 4 > WEFT_TUN_OPTS_MAX ||
				     (flen - 4) % 4))
					return bad(fpos, M_OPTS);
				if (f->len >= 0 && flen - 4 != f->len)
					return bad(fpos, M_LEN);
				if (seen & BIT(f->type))
					return bad(fpos, M_FIELD_TWICE);
				seen |= BIT(f->type);
				msg = model_store(out, type, f->type,
						  buf + fpos + 4, flen - 4,
						  is_mask);
				if (msg)
					return bad(fpos, msg);
				fpos += NLA_ALIGN(flen);
			}
			if (fpos < fend)
				return bad(pos, M_HDR_LEFT);
			if (!is_mask && type == WEFT_KEY_A_TUNNEL &&
			    (any(&out->tun.ipv4_src, 8)) &&
			    any(&out->tun.ipv6_src, 32))
				return bad(pos, M_TUN_FAMILY);
			if (!is_mask && type == WEFT_KEY_A_CT_TUPLE &&
			    any(&out->ct_orig.ipv4_src, 8) &&
			    any(&out->ct_orig.ipv6_src, 32))
				return bad(pos, M_CT_FAMILY);
			if (!is_mask && (type == WEFT_KEY_A_VLAN ||
					 type == WEFT_KEY_A_CVLAN)) {
				struct weft_key_vlan *v = type == WEFT_KEY_A_VLAN ?
					&out->eth.vlan : &out->eth.cvlan;
				u16 tci = ntohs(v->tci), tpid;

				if (tci && !(tci & 0x1000))
					return bad(pos, M_CFI);
				if (tci && !(seen & BIT(WEFT_VLAN_A_TPID)))
					v->tpid = htons(0x8100);
				tpid = ntohs(v->tpid);
				if (tci ? tpid != 0x8100 && tpid != 0x88a8 : tpid)
					return bad(pos, M_TPID);
			}
		} else {
			if (!h)
				return bad(pos, M_UNKNOWN);
			if (atype & NLA_F_NESTED)
				return bad(pos, M_FIELD_NESTED);
			if (alen - 4 != h->len)
				return bad(pos, M_LEN);
			if (hdrs & BIT(type))
				return bad(pos, M_FIELD_TWICE);
			hdrs |= BIT(type);
			if (model_store(out, type, 0, buf + pos + 4, h->len,
					is_mask))	/* ct_state's range */
				return bad(pos, M_CT_STATE);
		}
		pos += NLA_ALIGN(alen);
	}
	if (pos < end)
		return bad(off, M_KEY_LEFT);
#define H(x) BIT(WEFT_KEY_A_##x)
	if (__builtin_popcount(hdrs & (H(IPV4) | H(IPV6) | H(ARP))) > 1)
		return bad(off, M_L3);
	if (__builtin_popcount(hdrs & (H(TCP) | H(UDP) | H(SCTP) | H(ICMP) |
				       H(ICMPV6))) > 1)
		return bad(off, M_L4);
	if ((hdrs & H(ND)) && (hdrs & (H(IPV4) | H(ARP))))
		return bad(off, M_ND);
	*present = hdrs;
	return (struct verdict){ 0, -1, NULL };
}

/* The mask of a flow sent without one: all of every field of every header. */
static void model_exact_mask(u32 hdrs, struct weft_flow_key *m,
			     const struct weft_flow_key *k)
{
	static const u8 ones[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < ARRAY_SIZE(spec); i++) {
		const struct spec_hdr *h = &spec[i];

		if (!(hdrs & BIT(h->type)))
			continue;
		if (h->len)
			model_store(m, h->type, 0, ones, h->len, true);
		if (h->type == WEFT_KEY_A_TUNNEL ||
		    h->type == WEFT_KEY_A_CT_TUPLE)
			continue;	/* by value, below */
		for (int f = 0; f < h->nf; f++)
			model_store(m, h->type, h->f[f].type, ones, h->f[f].len,
				    true);
	}
	/*
	 * A tunnel: ID and flags, the options, and each other field whose
	 * key value is not zero (key_parse.c's mask_exact_tunnel()).
	 */
	if (hdrs & BIT(WEFT_KEY_A_TUNNEL)) {
		static const struct { int f, n; } by_value[] = {
			{ WEFT_TUNNEL_A_IPV4_SRC, 4 },
			{ WEFT_TUNNEL_A_IPV4_DST, 4 },
			{ WEFT_TUNNEL_A_IPV6_SRC, 16 },
			{ WEFT_TUNNEL_A_IPV6_DST, 16 },
			{ WEFT_TUNNEL_A_TOS, 1 }, { WEFT_TUNNEL_A_TTL, 1 },
			{ WEFT_TUNNEL_A_TP_SRC, 2 }, { WEFT_TUNNEL_A_TP_DST, 2 },
		};
		struct weft_flow_key *kk = (struct weft_flow_key *)k;

		memset(&m->tun.id, 0xff, 8);
		m->tun.flags = 0x1f;
		for (size_t i = 0; i < ARRAY_SIZE(by_value); i++)
			if (any(field_ptr(kk, WEFT_KEY_A_TUNNEL, by_value[i].f),
				by_value[i].n))
				memset(field_ptr(m, WEFT_KEY_A_TUNNEL,
						 by_value[i].f), 0xff,
				       by_value[i].n);
		if (k->tun.opts_len) {
			m->tun.opts_len = 0xff;
			memset(m->tun_opts + WEFT_TUN_OPTS_MAX -
			       k->tun.opts_len, 0xff, k->tun.opts_len);
		}
	}
	/*
	 * The original tuple: protocol and ports, and the addresses of the
	 * key's family (by eth_type, else by the addresses it gives).
	 */
	if (hdrs & BIT(WEFT_KEY_A_CT_TUPLE)) {
		u16 et = ntohs(k->eth.type);

		if (et == 0x0800 || any(&k->ct_orig.ipv4_src, 8))
			memset(&m->ct_orig.ipv4_src, 0xff, 8);
		else if (et == 0x86dd || any(&k->ct_orig.ipv6_src, 32))
			memset(&m->ct_orig.ipv6_src, 0xff, 32);
		m->ct_orig.proto = 0xff;
		memset(&m->ct_orig.tp_src, 0xff, 4);
	}
}

static bool any(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return true;
	return false;
}

/* Whether the mask matches some bit of a field of header @hdr. */
static bool model_matched(const struct weft_flow_key *m, int hdr)
{
	const struct spec_hdr *h = spec_hdr(hdr);
	struct weft_flow_key tmp = *m;
	int f;

	for (f = 0; f < h->nf; f++) {
		u8 *p = field_ptr(&tmp, hdr, h->f[f].type);
		int n = hdr == WEFT_KEY_A_ICMP || hdr == WEFT_KEY_A_ICMPV6 ? 2 :
			hdr == WEFT_KEY_A_ARP && h->f[f].type == WEFT_ARP_A_OP ?
			1 : h->f[f].len;

		if (any(p, n))
			return true;
	}
	return false;
}

/*
 * The prerequisites, from key_nl.h: a header the mask matches needs its
 * enclosing headers matched exactly in the (masked) key.
 */
static const char *model_prereq(const struct weft_flow_key *k,
				const struct weft_flow_key *m, u32 mask_hdrs)
{
	u16 et = m->eth.type == 0xffff ? ntohs(k->eth.type) : 0;
	bool proto_exact = m->ip.proto == 0xff;
	bool later = k->ip.frag == 2;
	int hdr;

	for (hdr = 1; hdr <= WEFT_KEY_A_MAX; hdr++) {
		const struct spec_hdr *h = spec_hdr(hdr);

		if (!(mask_hdrs & BIT(hdr)) || h->len || hdr == WEFT_KEY_A_ETHERNET ||
		    hdr == WEFT_KEY_A_VLAN || hdr == WEFT_KEY_A_TUNNEL ||
		    !model_matched(m, hdr))
			continue;
		switch (hdr) {
		case WEFT_KEY_A_CVLAN:
			if (!(ntohs(k->eth.vlan.tci) & ntohs(m->eth.vlan.tci) &
			      0x1000))
				return "cvlan needs the outer vlan tag";
			break;
		case WEFT_KEY_A_IPV4:
			if (et != 0x0800)
				return "ipv4 needs eth_type 0x0800";
			break;
		case WEFT_KEY_A_IPV6:
			if (et != 0x86dd)
				return "ipv6 needs eth_type 0x86dd";
			break;
		case WEFT_KEY_A_ARP:
			if (et != 0x0806 && et != 0x8035)
				return "arp needs eth_type 0x0806";
			break;
		case WEFT_KEY_A_TCP:
			if ((et != 0x0800 && et != 0x86dd) || !proto_exact ||
			    k->ip.proto != 6 || later)
				return "tcp needs ipv4/ipv6 proto 6";
			break;
		case WEFT_KEY_A_UDP:
			if ((et != 0x0800 && et != 0x86dd) || !proto_exact ||
			    k->ip.proto != 17 || later)
				return "udp needs ipv4/ipv6 proto 17";
			break;
		case WEFT_KEY_A_SCTP:
			if ((et != 0x0800 && et != 0x86dd) || !proto_exact ||
			    k->ip.proto != 132 || later)
				return "sctp needs ipv4/ipv6 proto 132";
			break;
		case WEFT_KEY_A_ICMP:
			if (et != 0x0800 || !proto_exact || k->ip.proto != 1 ||
			    later)
				return "icmp needs ipv4 proto 1";
			break;
		case WEFT_KEY_A_ICMPV6:
			if (et != 0x86dd || !proto_exact || k->ip.proto != 58 ||
			    later)
				return "icmpv6 needs ipv6 proto 58";
			break;
		case WEFT_KEY_A_ND:
			if (et != 0x86dd || !proto_exact || k->ip.proto != 58 ||
			    later || ntohs(m->tp.src) != 0xff ||
			    (ntohs(k->tp.src) != 135 && ntohs(k->tp.src) != 136))
				return "nd needs icmpv6 type 135 or 136";
			if (k->tp.dst)
				return "nd needs icmpv6 code 0";
			break;
		case WEFT_KEY_A_CT_TUPLE:
			if (et != 0x0800 && et != 0x86dd)
				return "ct_tuple needs eth_type 0x0800 or 0x86dd";
			if (any(&m->ct_orig.ipv4_src, 8) && et != 0x0800)
				return "ct_tuple ipv4 addresses need eth_type 0x0800";
			if (any(&m->ct_orig.ipv6_src, 32) && et != 0x86dd)
				return "ct_tuple ipv6 addresses need eth_type 0x86dd";
			break;
		}
	}
	return NULL;
}

/* How often each outcome of weft_key_parse_flow() was seen, for the log. */
static struct { const char *msg; unsigned long n; } outcomes[64];

static void tally(const char *msg)
{
	int i;

	for (i = 0; i < 63 && outcomes[i].msg && strcmp(outcomes[i].msg, msg); i++)
		;
	outcomes[i].msg = msg;
	outcomes[i].n++;
}

/* ---- running the parser -------------------------------------------------- */

/* Offsets of every attribute a netlink walk meets, nests entered. */
static void walk_offsets(const u8 *buf, long off, bool *is_attr, int depth)
{
	long end = off + rd16(buf + off), pos = off + 4;

	is_attr[off] = true;
	while (end - pos >= 4 && rd16(buf + pos) >= 4 &&
	       rd16(buf + pos) <= end - pos) {
		if (depth < 2)
			walk_offsets(buf, pos, is_attr, depth + 1);
		else
			is_attr[pos] = true;
		pos += NLA_ALIGN(rd16(buf + pos));
	}
}

static void check_extack(int ret, const struct netlink_ext_ack *ack,
			 const u8 *k, const u8 *m)
{
	CHECK(ret == 0 || ret == -EINVAL, "returned %d", ret);
	if (!ret) {
		CHECK(!ack->n_set, "success with extack \"%s\"", ack->_msg);
		return;
	}
	CHECK(ack->n_set && ack->_msg && *ack->_msg, "-EINVAL without a message");
	{
		const u8 *b = (const u8 *)ack->bad_attr;
		bool in_k = b >= k && b < k + rd16(k);
		bool in_m = m && b >= m && b < m + rd16(m);
		const u8 *nest = in_k ? k : m;

		CHECK(in_k || in_m, "blamed attribute outside the nests");
		if (in_k || in_m) {
			bool *is_attr = calloc(rd16(nest), sizeof(bool));

			walk_offsets(nest, 0, is_attr, 0);
			CHECK(is_attr[b - nest], "blamed offset %ld is no attribute",
			      (long)(b - nest));
			free(is_attr);
		}
	}
}

static int call_parse(const u8 *nest, bool is_mask, struct weft_flow_key *out,
		      u32 *present, struct netlink_ext_ack *ack)
{
	int ret;

	memset(ack, 0, sizeof(*ack));
	memset(out, 0x5a, sizeof(*out));
	*present = 0xdeadbeef;
	ret = weft_key_parse((const struct nlattr *)nest, out, present, is_mask,
			     ack);
	n_calls++;
	check_extack(ret, ack, nest, NULL);
	return ret;
}

static void dump(const char *what, const u8 *b)
{
	fprintf(stderr, "    %s:", what);
	for (int i = 0; b && i < rd16(b); i++)
		fprintf(stderr, "%s%02x", i % 4 ? "" : " ", b[i]);
	fputc('\n', stderr);
}

/* weft_key_parse() on @nest must do what the model says. */
static int check_parse(const u8 *nest, bool is_mask)
{
	struct weft_flow_key got, want;
	struct netlink_ext_ack ack;
	u32 gp, wp;
	struct verdict v = model_parse(nest, 0, is_mask, &want, &wp);
	int ret = call_parse(nest, is_mask, &got, &gp, &ack);

	if (ret != v.err) {
		FAIL("%s: parse returned %d (%s), the model says %d (%s at %ld)",
		     is_mask ? "mask" : "key", ret, ack._msg ?: "", v.err,
		     v.msg ?: "", v.bad);
		dump("nest", nest);
	} else if (ret) {
		long at = (const u8 *)ack.bad_attr - nest;

		if (!strstr(ack._msg ?: "", v.msg) || at != v.bad) {
			FAIL("%s: \"%s\" at %ld, the model says \"%s\" at %ld",
			     is_mask ? "mask" : "key", ack._msg, at, v.msg, v.bad);
			dump("nest", nest);
		}
	} else {
		CHECK(gp == wp, "present %#x, the model says %#x", gp, wp);
		if (memcmp(&got, &want, sizeof(got))) {
			FAIL("%s: parsed key differs from the model",
			     is_mask ? "mask" : "key");
			dump("nest", nest);
		}
	}
	return ret;
}

/* Headers that share storage in the key, as in the uapi's key layout. */
static const char *model_exclusive(u32 hdrs)
{
	u32 l3 = BIT(WEFT_KEY_A_IPV4) | BIT(WEFT_KEY_A_IPV6) | BIT(WEFT_KEY_A_ARP);
	u32 l4 = BIT(WEFT_KEY_A_TCP) | BIT(WEFT_KEY_A_UDP) |
		 BIT(WEFT_KEY_A_SCTP) | BIT(WEFT_KEY_A_ICMP) |
		 BIT(WEFT_KEY_A_ICMPV6);

	if (__builtin_popcount(hdrs & l3) > 1)
		return "ipv4, ipv6 and arp are exclusive";
	if (__builtin_popcount(hdrs & l4) > 1)
		return "tcp, udp, sctp, icmp and icmpv6 are exclusive";
	if ((hdrs & BIT(WEFT_KEY_A_ND)) &&
	    (hdrs & (BIT(WEFT_KEY_A_IPV4) | BIT(WEFT_KEY_A_ARP))))
		return "nd goes with ipv6 only";
	return NULL;
}

/* A stored VLAN match must pass the key checks when dumped back. */
static const char *model_vlan_mask(const struct weft_flow_key *k,
				   const struct weft_flow_key *m)
{
	const struct weft_key_vlan *kv[2] = { &k->eth.vlan, &k->eth.cvlan };
	const struct weft_key_vlan *mv[2] = { &m->eth.vlan, &m->eth.cvlan };
	int i;

	for (i = 0; i < 2; i++) {
		u16 mt = ntohs(mv[i]->tci);

		if ((mt & ~0x1000) && !(mt & 0x1000))
			return "vlan: matching tci bits needs the tag's presence";
		if ((ntohs(kv[i]->tci) & 0x1000) && mv[i]->tpid != 0xffff)
			return "vlan: a tagged match needs its tpid matched exactly";
	}
	return NULL;
}

/* weft_key_parse_flow() on @k and @m (NULL: no mask), against the model. */
static int check_flow(const u8 *k, const u8 *m, struct weft_flow_key *key,
		      struct weft_flow_key *mask, struct netlink_ext_ack *ack)
{
	struct weft_flow_key wk, wm;
	struct verdict v;
	u32 kp, mp;
	const char *pre = NULL;
	long where = -1;
	const u8 *wbuf = k;
	int ret;
	size_t i;

	memset(ack, 0, sizeof(*ack));
	memset(key, 0x5a, sizeof(*key));
	memset(mask, 0xa5, sizeof(*mask));
	ret = weft_key_parse_flow((const struct nlattr *)k,
				  (const struct nlattr *)m, key, mask, ack);
	n_calls++;
	n_flow_ok += !ret;
	check_extack(ret, ack, k, m);
	tally(ret ? ack->_msg : "(accepted)");

	v = model_parse(k, 0, false, &wk, &kp);
	if (!v.err && m) {
		v = model_parse(m, 0, true, &wm, &mp);
		wbuf = m;
	} else if (!v.err) {
		model_exact_mask(kp, &wm, &wk);
		mp = kp;
	}
	if (!v.err) {
		/* Key and mask headers together must still be exclusive. */
		pre = model_exclusive(kp | mp);
		wbuf = m ?: k;
		if (!pre && m && wm.tun.opts_len) {
			if (wm.tun.opts_len != wk.tun.opts_len)
				pre = M_OPTS_MASK;
			wm.tun.opts_len = 0xff;
		}
		for (i = 0; !pre && i < sizeof(wk); i++)
			((u8 *)&wk)[i] &= ((u8 *)&wm)[i];
		if (!pre)
			pre = model_vlan_mask(&wk, &wm);
		if (!pre)
			pre = model_prereq(&wk, &wm, mp);
		if (pre) {
			v = bad(0, pre);
			wbuf = m ?: k;
		}
	}
	where = v.err ? v.bad : -1;
	if (ret != v.err) {
		FAIL("flow: returned %d (%s), the model says %d (%s)", ret,
		     ack->_msg ?: "", v.err, v.msg ?: "");
		dump("key", k);
		dump("mask", m);
	} else if (ret) {
		const u8 *b = (const u8 *)ack->bad_attr;

		if (!strstr(ack->_msg ?: "", v.msg) || b != wbuf + where) {
			FAIL("flow: \"%s\" at %s+%ld, the model says \"%s\" at %s+%ld",
			     ack->_msg, m && b >= m && b < m + rd16(m) ? "mask" : "key",
			     m && b >= m && b < m + rd16(m) ? (long)(b - m) : (long)(b - k),
			     v.msg, wbuf == k ? "key" : "mask", where);
			dump("key", k);
			dump("mask", m);
		}
	} else {
		if (memcmp(key, &wk, sizeof(wk)) || memcmp(mask, &wm, sizeof(wm))) {
			FAIL("flow: key or mask differs from the model");
			dump("key", k);
			dump("mask", m);
		}
		for (i = 0; i < sizeof(*key); i++)
			CHECK(!(((u8 *)key)[i] & ~((u8 *)mask)[i]),
			      "key byte %zu outside the mask", i);
	}
	return ret;
}

#include "key_parse_trees.h"

/* ---- 1. acceptance -------------------------------------------------------- */

#include "key_parse_cases.h"

static int n_accept_cases;

static void run_accepts(void)
{
	struct weft_flow_key key, mask;
	struct netlink_ext_ack ack;

	for (size_t i = 0; i < ARRAY_SIZE(accepts); i++) {
		const struct accept_case *c = &accepts[i];
		bool nomask = false;
		struct flow f;
		u8 *k, *m;
		int ret;

		cur_case = c->flow;
		npool = 0;
		if (flow_from_text(c->flow, &f))
			continue;
		edit(&f, c->edits, &nomask);
		k = serialize(f.key);
		m = nomask ? NULL : serialize(f.mask);
		ret = check_flow(k, m, &key, &mask, &ack);
		if (ret) {
			FAIL("refused: %s", ack._msg);
		} else {
			check_fields(c->checks, &key, &mask);
			n_accepted++;
		}
		check_parse(k, false);
		if (m)
			check_parse(m, true);
		free(k);
		free(m);
	}
	n_accept_cases = ARRAY_SIZE(accepts);
}

/* ---- 2. rejection --------------------------------------------------------- */

static int n_reject_cases;

static void run_rejects(void)
{
	struct weft_flow_key key, mask;
	struct netlink_ext_ack ack;

	for (size_t i = 0; i < ARRAY_SIZE(rejects); i++) {
		const struct reject_case *c = &rejects[i];
		bool nomask = false;
		struct node *last, *blamed = NULL;
		char what[200];
		struct flow f;
		u8 *k, *m;
		int ret;

		snprintf(what, sizeof(what), "%s | %s", c->flow, c->edits ?: "");
		cur_case = what;
		npool = 0;
		if (flow_from_text(c->flow, &f))
			continue;
		last = edit(&f, c->edits, &nomask);
		if (!c->blame)
			blamed = NULL;
		else if (!strcmp(c->blame, "@"))
			blamed = last;
		else if (!strcmp(c->blame, "k"))
			blamed = f.key;
		else if (!strcmp(c->blame, "m"))
			blamed = f.mask;
		else
			blamed = find(c->blame[0] == 'm' ? f.mask : f.key,
				      c->blame + 2, NULL);
		k = serialize(f.key);
		m = nomask ? NULL : serialize(f.mask);
		ret = check_flow(k, m, &key, &mask, &ack);
		if (!c->msg) {
			CHECK(!ret, "refused: %s", ack._msg);
		} else if (!ret) {
			FAIL("accepted");
		} else {
			const u8 *want = (in_tree(f.key, blamed) ? k : m) +
					 blamed->off;

			CHECK(strstr(ack._msg ?: "", c->msg),
			      "message \"%s\", wanted \"%s\"", ack._msg, c->msg);
			CHECK((const u8 *)ack.bad_attr == want,
			      "blamed %s+%ld, wanted %s+%ld",
			      in_tree_buf(k, ack.bad_attr) ? "key" : "mask",
			      (long)((const u8 *)ack.bad_attr -
				     (in_tree_buf(k, ack.bad_attr) ? k : m)),
			      in_tree(f.key, blamed) ? "key" : "mask",
			      blamed->off);
			n_rejected++;
		}
		free(k);
		free(m);
	}
	n_reject_cases = ARRAY_SIZE(rejects);
}

/* ---- 3. robustness ------------------------------------------------------- */

/* The key and mask nests of every flow of parts 1 and 2, unedited. */
static struct flow *bases;
static const char **base_text;
static int n_bases;
static struct node base_pool[1 << 15];
static int n_base_pool;

static void collect_bases(void)
{
	size_t n = ARRAY_SIZE(accepts) + ARRAY_SIZE(rejects);
	struct flow f;

	bases = calloc(n, sizeof(*bases));
	base_text = calloc(n, sizeof(*base_text));
	for (size_t i = 0; i < n; i++) {
		const char *text = i < ARRAY_SIZE(accepts) ? accepts[i].flow :
				   rejects[i - ARRAY_SIZE(accepts)].flow;
		int j;

		for (j = 0; j < n_bases; j++)
			if (!strcmp(text, base_text[j]))
				break;
		if (j < n_bases)
			continue;
		npool = 0;
		if (flow_from_text(text, &f))
			continue;
		/* Keep the trees in a pool of their own. */
		if (n_base_pool + npool > (int)ARRAY_SIZE(base_pool))
			abort();
		for (int p = 0; p < npool; p++) {
			base_pool[n_base_pool + p] = pool[p];
			for (int q = 0; q < pool[p].nkids; q++)
				base_pool[n_base_pool + p].kid[q] =
					&base_pool[n_base_pool +
						   (pool[p].kid[q] - pool)];
		}
		bases[n_bases].key = &base_pool[n_base_pool + (f.key - pool)];
		bases[n_bases].mask = &base_pool[n_base_pool + (f.mask - pool)];
		n_base_pool += npool;
		base_text[n_bases] = text;
		n_bases++;
	}
}

/* Every truncation of @full (its nla_len fixed up), as key and as mask. */
static void truncations(const u8 *full, const u8 *other, bool full_is_key)
{
	struct weft_flow_key key, mask;
	struct netlink_ext_ack ack;
	int size = rd16(full);

	for (int n = 4; n < size; n++) {
		u8 *t = malloc(n);

		memcpy(t, full, n);
		wr16(t, n);
		check_parse(t, false);
		check_parse(t, true);
		if (full_is_key) {
			check_flow(t, other, &key, &mask, &ack);
			check_flow(t, NULL, &key, &mask, &ack);
		} else {
			check_flow(other, t, &key, &mask, &ack);
		}
		free(t);
	}
}

static void all_nodes(struct node *n, struct node **out, int *count)
{
	out[(*count)++] = n;
	for (int i = 0; n->nest && i < n->nkids; i++)
		all_nodes(n->kid[i], out, count);
}

/* Every attribute's type replaced by 0..40, NLA_F_NESTED as sent and flipped. */
static void retypes(struct flow *f, bool on_mask)
{
	struct node *root = on_mask ? f->mask : f->key, *nodes[256];
	struct weft_flow_key key, mask;
	struct netlink_ext_ack ack;
	int count = 0;
	u8 *other = serialize(on_mask ? f->key : f->mask);

	all_nodes(root, nodes, &count);
	for (int i = 1; i < count; i++) {
		u16 saved = nodes[i]->type;

		for (int t = 0; t <= 40; t++)
			for (int flip = 0; flip < 2; flip++) {
				u8 *b;

				nodes[i]->type = (saved & ~NLA_TYPE_MASK) | t;
				if (flip)
					nodes[i]->type ^= NLA_F_NESTED;
				b = serialize(root);
				check_parse(b, on_mask);
				if (on_mask)
					check_flow(other, b, &key, &mask, &ack);
				else
					check_flow(b, other, &key, &mask, &ack);
				free(b);
			}
		nodes[i]->type = saved;
	}
	free(other);
}

/* Random bytes of the payloads changed; the outer header is the caller's. */
static void byte_mutations(unsigned long iters)
{
	struct weft_flow_key key, mask;
	struct netlink_ext_ack ack;

	for (unsigned long it = 0; it < iters; it++) {
		struct flow *f = &bases[rn(n_bases)];
		u8 *k = serialize(f->key), *m = serialize(f->mask);
		u8 *t = rn(2) ? k : m;
		int size = rd16(t), n = 1 + rn(4);

		if (size <= 4)
			t = t == k ? m : k, size = rd16(t);
		while (size > 4 && n--) {
			int at = 4 + rn(size - 4);

			switch (rn(4)) {
			case 0: t[at] = rnd(); break;
			case 1: t[at] ^= 1 << rn(8); break;
			case 2: t[at] = rn(2) ? 0 : 0xff; break;
			/* A small change of a length or type byte. */
			default: t[at] += rn(9) - 4; break;
			}
		}
		check_parse(t, t == m);
		check_flow(k, rn(8) ? m : NULL, &key, &mask, &ack);
		free(k);
		free(m);
	}
}

/* A random value for field @f of header @h, mostly plausible. */
static void rand_value(int h, int f, u8 *v, int len, bool mask)
{
	static const u16 ethertypes[] = { 0x0800, 0x86dd, 0x0806, 0x8035,
					  0x8100, 0x88a8, 0x88cc };
	static const u8 protos[] = { 1, 6, 17, 58, 132, 44 };
	int r = rn(8);

	for (int i = 0; i < len; i++)
		v[i] = rnd();
	if (mask) {
		if (r < 4)
			memset(v, 0xff, len);
		else if (r == 4)
			memset(v, 0, len);
		return;
	}
	if (r < 2)
		return;
	if (h == WEFT_KEY_A_ETHERTYPE) {
		u16 e = ethertypes[rn(ARRAY_SIZE(ethertypes))];

		v[0] = e >> 8, v[1] = e;
	} else if ((h == WEFT_KEY_A_IPV4 && f == WEFT_IPV4_A_PROTO) ||
		   (h == WEFT_KEY_A_IPV6 && f == WEFT_IPV6_A_PROTO)) {
		v[0] = protos[rn(ARRAY_SIZE(protos))];
	} else if (f == WEFT_IPV4_A_FRAG && h == WEFT_KEY_A_IPV4) {
		v[0] = rn(4);
	} else if (f == WEFT_IPV6_A_FRAG && h == WEFT_KEY_A_IPV6) {
		v[0] = rn(4);
	} else if (h == WEFT_KEY_A_IPV6 && f == WEFT_IPV6_A_LABEL) {
		v[0] = 0, v[1] &= rn(4) ? 0x0f : 0xff;
	} else if (h == WEFT_KEY_A_TCP && f == WEFT_TP_A_FLAGS) {
		v[0] &= rn(4) ? 0x0f : 0xff;
	} else if (h == WEFT_KEY_A_ARP && f == WEFT_ARP_A_OP) {
		v[0] = rn(4) ? 0 : v[0];
	} else if ((h == WEFT_KEY_A_VLAN || h == WEFT_KEY_A_CVLAN) &&
		   f == WEFT_VLAN_A_TCI) {
		v[0] = rn(4) ? v[0] | 0x10 : rn(2) ? 0 : v[0];
		if (!v[0])
			v[1] = 0;
	} else if ((h == WEFT_KEY_A_VLAN || h == WEFT_KEY_A_CVLAN) &&
		   f == WEFT_VLAN_A_TPID) {
		v[0] = rn(2) ? 0x81 : 0x88, v[1] = v[0] == 0x81 ? 0 : 0xa8;
	} else if (h == WEFT_KEY_A_ICMPV6 && f == WEFT_ICMP_A_TYPE) {
		v[0] = 133 + rn(5);
	} else if (h == WEFT_KEY_A_ICMP && f == WEFT_ICMP_A_TYPE) {
		v[0] = rn(16);
	}
}

/* A random attribute tree, mostly well-formed. */
static struct node *rand_tree(bool mask)
{
	struct node *root = new_node((mask ? WEFT_FLOW_A_MASK : WEFT_FLOW_A_KEY) |
				     NLA_F_NESTED, true);
	int nkids = rn(10);

	for (int i = 0; i < nkids; i++) {
		const struct spec_hdr *h = &spec[rn(ARRAY_SIZE(spec))];
		int type = rn(16) ? h->type : rn(41);
		bool nest = rn(32) ? !h->len : rn(2);
		struct node *n;

		if (type != h->type)
			h = spec_hdr(type);
		if (!h)
			nest = rn(2);
		n = new_node(type | (nest ? NLA_F_NESTED : 0), nest);
		if (!rn(32))
			n->type ^= NLA_F_NESTED;
		if (nest) {
			int nf = rn(h && h->nf ? h->nf + 2 : 4);

			for (int j = 0; j < nf; j++) {
				const struct spec_field *f = h && h->nf ?
					&h->f[rn(h->nf)] : NULL;
				int ft = f && rn(16) ? f->type : rn(10);
				/* GENEVE options: 4..36 bytes fit a node. */
				int len = f && rn(16) ? (f->len < 0 ?
					  4 * (1 + (int)rn(9)) : f->len) :
					  (int)rn(20);
				struct node *c = new_node(ft, false);

				if (!rn(64))
					c->type |= NLA_F_NESTED;
				c->dlen = len;
				rand_value(h ? h->type : 0, ft, c->data, len, mask);
				n->kid[n->nkids++] = c;
			}
			if (!rn(32))
				n->trail = 1 + rn(3);
		} else {
			n->dlen = h && rn(16) ? h->len : rn(20);
			rand_value(type, 0, n->data, n->dlen, mask);
		}
		if (!rn(64))
			n->over = rn(9) - 4;
		root->kid[root->nkids++] = n;
	}
	if (!rn(32))
		root->trail = 1 + rn(3);
	return root;
}

/* A mask for @key: its headers and fields, values mostly all ones. */
static struct node *mask_like(const struct node *key)
{
	struct node *m = copy_tree(key);
	struct node *nodes[256];
	int count = 0;

	m->type = WEFT_FLOW_A_MASK | NLA_F_NESTED;
	all_nodes(m, nodes, &count);
	for (int i = 1; i < count; i++) {
		if (nodes[i]->nest)
			continue;
		rand_value(0, 0, nodes[i]->data, nodes[i]->dlen, true);
	}
	return m;
}

static void random_trees(unsigned long iters)
{
	struct weft_flow_key key, mask;
	struct netlink_ext_ack ack;

	for (unsigned long it = 0; it < iters; it++) {
		struct node *kt, *mt;
		u8 *k, *m;

		npool = 0;
		kt = rand_tree(false);
		mt = rn(4) ? mask_like(kt) : rand_tree(true);
		k = serialize(kt);
		m = serialize(mt);
		check_parse(k, false);
		check_parse(m, true);
		check_flow(k, rn(4) ? m : NULL, &key, &mask, &ack);
		free(k);
		free(m);
	}
}

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 300000;
	unsigned long before, ok, robust;

	rnd_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;

	run_accepts();
	run_rejects();
	cur_case = "robustness";
	collect_bases();
	robust = n_calls;

	before = n_calls;
	ok = n_flow_ok;
	for (int i = 0; i < n_bases; i++) {
		u8 *k = serialize(bases[i].key), *m = serialize(bases[i].mask);

		cur_case = base_text[i];
		truncations(k, m, true);
		truncations(m, k, false);
		free(k);
		free(m);
	}
	printf("truncations: %lu calls, %lu flows accepted\n", n_calls - before,
	       n_flow_ok - ok);

	before = n_calls;
	ok = n_flow_ok;
	for (int i = 0; i < n_bases; i++) {
		cur_case = base_text[i];
		retypes(&bases[i], false);
		retypes(&bases[i], true);
	}
	printf("types: %lu calls, %lu flows accepted\n", n_calls - before,
	       n_flow_ok - ok);

	cur_case = "byte mutations";
	before = n_calls;
	ok = n_flow_ok;
	byte_mutations(iters);
	printf("byte mutations: %lu calls, %lu flows accepted\n", n_calls - before,
	       n_flow_ok - ok);

	cur_case = "random trees";
	before = n_calls;
	ok = n_flow_ok;
	random_trees(iters / 2);
	printf("random trees: %lu calls, %lu flows accepted\n", n_calls - before,
	       n_flow_ok - ok);

	printf("outcomes of weft_key_parse_flow():\n");
	for (int i = 0; i < (int)ARRAY_SIZE(outcomes) && outcomes[i].msg; i++)
		printf("%10lu  %s\n", outcomes[i].n, outcomes[i].msg);
	printf("key_parse: %lu accepted, %lu rejected as expected, %lu mutations, %lu failures\n",
	       n_accepted, n_rejected, n_calls - robust, n_fail);
	return n_fail != 0 || n_accepted != ARRAY_SIZE(accepts) ||
	       n_rejected != ARRAY_SIZE(rejects);
}
