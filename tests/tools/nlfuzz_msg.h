/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlfuzz_msg.h: weft-nlfuzz's netlink message builder, which records where
 * every attribute header sits so that the mutations below can corrupt,
 * truncate, duplicate and re-nest attributes and keep lengths consistent
 * (or deliberately not). Included by weft-nlfuzz.c only.
 */
#ifndef WEFT_NLFUZZ_MSG_H
#define WEFT_NLFUZZ_MSG_H

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_frames.h"

#define MSG_MAX		(96 * 1024)
#define REC_MAX		4096

/* ---- message builder ------------------------------------------------- */

/* Where each attribute header sits, and its enclosing nest (-1: top). */
struct rec {
	uint32_t off;
	int parent;
};

struct msg {
	uint8_t b[MSG_MAX];
	size_t len;
	struct rec recs[REC_MAX];
	int nrec;
	int cur;		/* innermost open nest, -1 at top level */
	int overflow;
};

static void msg_init(struct msg *m, uint16_t family, uint8_t cmd,
		     uint16_t flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->b;
	struct genlmsghdr *g = (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	g->cmd = cmd;
	g->version = WEFT_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nrec = 0;
	m->cur = -1;
	m->overflow = 0;
}

static struct nlmsghdr *msg_nlh(struct msg *m)
{
	return (struct nlmsghdr *)m->b;
}

static struct genlmsghdr *msg_genl(struct msg *m)
{
	return (struct genlmsghdr *)(m->b + NLMSG_HDRLEN);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void set16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* Append an attribute of @len payload bytes; NULL data gives random bytes. */
static uint8_t *attr(struct msg *m, uint16_t type, const void *data,
		     size_t len, struct fz_rng *r)
{
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);
	uint8_t *p = m->b + m->len;

	if (m->len + total > MSG_MAX || m->nrec >= REC_MAX ||
	    NLA_HDRLEN + len > 0xffff) {
		m->overflow = 1;
		return NULL;
	}
	set16(p, (uint16_t)(NLA_HDRLEN + len));
	set16(p + 2, type);
	if (data)
		memcpy(p + NLA_HDRLEN, data, len);
	else if (r)
		fz_fill(r, p + NLA_HDRLEN, len);
	memset(p + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	m->recs[m->nrec].off = (uint32_t)m->len;
	m->recs[m->nrec].parent = m->cur;
	m->nrec++;
	m->len += total;
	return p + NLA_HDRLEN;
}

static void attr_u8(struct msg *m, uint16_t type, uint8_t v)
{
	attr(m, type, &v, 1, NULL);
}

static void attr_u16(struct msg *m, uint16_t type, uint16_t v)
{
	attr(m, type, &v, 2, NULL);
}

static void attr_be16(struct msg *m, uint16_t type, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	attr(m, type, b, 2, NULL);
}

static void attr_u32(struct msg *m, uint16_t type, uint32_t v)
{
	attr(m, type, &v, 4, NULL);
}

static void attr_str(struct msg *m, uint16_t type, const char *s)
{
	attr(m, type, s, strlen(s) + 1, NULL);
}

static void attr_flag(struct msg *m, uint16_t type)
{
	attr(m, type, NULL, 0, NULL);
}

static int nest_start(struct msg *m, uint16_t type)
{
	int idx = m->nrec;

	if (!attr(m, type | NLA_F_NESTED, NULL, 0, NULL))
		return -1;
	m->cur = idx;
	return idx;
}

static void nest_end(struct msg *m, int idx)
{
	size_t len;

	if (idx < 0)
		return;
	len = m->len - m->recs[idx].off;
	set16(m->b + m->recs[idx].off, (uint16_t)(len > 0xffff ? 0xffff : len));
	m->cur = m->recs[idx].parent;
}

static void msg_finish(struct msg *m)
{
	msg_nlh(m)->nlmsg_len = (uint32_t)m->len;
}


/* ---- mutations ----------------------------------------------------------- */

static void shift_recs(struct msg *m, uint32_t at, uint32_t by)
{
	int i;

	for (i = 0; i < m->nrec; i++)
		if (m->recs[i].off >= at)
			m->recs[i].off += by;
}

/* Grow every nest enclosing record @i (and the message) by @by bytes. */
static void grow_parents(struct msg *m, int i, uint32_t by)
{
	int p;

	for (p = m->recs[i].parent; p >= 0; p = m->recs[p].parent) {
		uint8_t *h = m->b + m->recs[p].off;

		set16(h, (uint16_t)(get16(h) + by));
	}
}

/* Insert @len bytes at @at; true if it fitted. */
static int insert_bytes(struct msg *m, uint32_t at, const void *data,
			uint32_t len)
{
	if (m->len + len > MSG_MAX)
		return 0;
	memmove(m->b + at + len, m->b + at, m->len - at);
	memcpy(m->b + at, data, len);
	m->len += len;
	return 1;
}

/*
 * Apply one mutation. Returns 1 when the top-level length may now be wrong,
 * so no reply is guaranteed.
 */
static int mutate_once(struct msg *m, struct fz_rng *r)
{
	int i = m->nrec ? (int)fz_below(r, (uint32_t)m->nrec) : -1;
	uint8_t *h = i >= 0 ? m->b + m->recs[i].off : NULL;
	uint8_t tmp[MSG_MAX / 4];
	uint32_t len;

	switch (fz_below(r, 10)) {
	case 0:		/* bit flips */
		for (len = 1 + fz_below(r, 4); len; len--) {
			size_t off = NLMSG_HDRLEN +
				fz_below(r, (uint32_t)(m->len - NLMSG_HDRLEN));

			m->b[off] ^= (uint8_t)(1u << fz_below(r, 8));
		}
		break;
	case 1:		/* truncation, anywhere after the genl header */
		if (m->len > NLMSG_HDRLEN + GENL_HDRLEN)
			m->len = NLMSG_HDRLEN + GENL_HDRLEN +
				fz_below(r, (uint32_t)(m->len - NLMSG_HDRLEN -
						       GENL_HDRLEN));
		break;
	case 2:		/* an attribute's length field */
		if (h) {
			static const uint16_t odd[] = { 0, 1, 2, 3, 4, 5, 7,
							0xffff, 0x8000 };
			uint16_t l = get16(h);

			switch (fz_below(r, 4)) {
			case 0:
				l = odd[fz_below(r, sizeof(odd) / 2)];
				break;
			case 1:
				l = (uint16_t)(l + 1 + fz_below(r, 8));
				break;
			case 2:
				l = (uint16_t)(l - 1 - fz_below(r, l ? l : 1));
				break;
			default:
				l = (uint16_t)fz_rand32(r);
			}
			set16(h, l);
		}
		break;
	case 3:		/* attribute type swaps */
		if (h) {
			uint16_t t;

			if (m->nrec > 1 && fz_chance(r, 50))
				t = get16(m->b + m->recs[fz_below(r,
					(uint32_t)m->nrec)].off + 2);
			else
				t = (uint16_t)((get16(h + 2) & NLA_F_NESTED) |
					       fz_below(r, 24));
			set16(h + 2, t);
		}
		break;
	case 4:		/* duplicate an attribute right after itself */
		if (h) {
			len = NLA_ALIGN(get16(h));
			if (len >= NLA_HDRLEN && len <= sizeof(tmp) &&
			    m->recs[i].off + len <= m->len) {
				memcpy(tmp, h, len);
				if (insert_bytes(m, m->recs[i].off + len, tmp,
						 len)) {
					grow_parents(m, i, len);
					shift_recs(m, m->recs[i].off + len, len);
				}
			}
		}
		break;
	case 5:		/* wrong nesting: wrap an attribute in a nest */
		if (h) {
			uint8_t hdr[NLA_HDRLEN];

			len = NLA_ALIGN(get16(h));
			set16(hdr, (uint16_t)(len + NLA_HDRLEN));
			set16(hdr + 2, (uint16_t)(NLA_F_NESTED | fz_below(r, 20)));
			if (m->recs[i].off + len <= m->len &&
			    insert_bytes(m, m->recs[i].off, hdr, NLA_HDRLEN)) {
				grow_parents(m, i, NLA_HDRLEN);
				shift_recs(m, m->recs[i].off + 1, NLA_HDRLEN);
			}
		}
		break;
	case 6:		/* wrong nesting: flip NLA_F_NESTED */
		if (h)
			set16(h + 2, get16(h + 2) ^ NLA_F_NESTED);
		break;
	case 7:		/* another command, same attributes */
		msg_genl(m)->cmd = (uint8_t)(fz_chance(r, 90) ?
			1 + fz_below(r, WEFT_CMD_MAX) : fz_rand32(r));
		if (fz_chance(r, 20))
			msg_nlh(m)->nlmsg_flags ^= NLM_F_DUMP;
		break;
	case 8:		/* move a nested attribute to the top level */
		if (h && m->recs[i].parent >= 0) {
			len = NLA_ALIGN(get16(h));
			if (len >= NLA_HDRLEN && len <= sizeof(tmp) &&
			    m->recs[i].off + len <= m->len) {
				memcpy(tmp, h, len);
				if (m->len + len <= MSG_MAX) {
					memcpy(m->b + m->len, tmp, len);
					m->len += len;
				}
			}
		}
		break;
	default:	/* the netlink header's own length */
		msg_nlh(m)->nlmsg_len = fz_chance(r, 50) ?
			(uint32_t)(m->len - fz_below(r, 8)) : fz_rand32(r);
		return 1;
	}
	msg_nlh(m)->nlmsg_len = (uint32_t)m->len;
	return 0;
}

static int mutate(struct msg *m, struct fz_rng *r)
{
	int i, n = 1 + (int)fz_below(r, 3), unsure = 0;

	for (i = 0; i < n; i++)
		unsure |= mutate_once(m, r);
	if (unsure)
		return 1;
	msg_nlh(m)->nlmsg_len = (uint32_t)m->len;
	return 0;
}


#endif /* WEFT_NLFUZZ_MSG_H */
