/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the parts of <net/netlink.h> that key_parse.c uses:
 * walking attributes and reporting errors through an extended ack. The
 * walk follows the kernel's documented contract (an attribute is taken only
 * when its header fits, its nla_len covers the header and stays within
 * what is left); the ack records the message, the offending attribute and
 * how often either was set.
 */
#ifndef KSHIM_NET_NETLINK_H
#define KSHIM_NET_NETLINK_H
#include "kshim.h"
#include <linux/netlink.h>

struct netlink_ext_ack {
	const char *_msg;
	const struct nlattr *bad_attr;
	int n_set;		/* NL_SET_ERR_MSG* calls since cleared */
};

#define NL_SET_ERR_MSG_ATTR(extack, attr, msg)				\
	do {								\
		struct netlink_ext_ack *__ack = (extack);		\
									\
		if (__ack) {						\
			__ack->_msg = (msg);				\
			__ack->bad_attr = (attr);			\
			__ack->n_set++;					\
		}							\
	} while (0)
#define NL_SET_ERR_MSG(extack, msg) NL_SET_ERR_MSG_ATTR(extack, NULL, msg)

static inline int nla_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline void *nla_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static inline int nla_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

static inline bool nla_ok(const struct nlattr *a, int rem)
{
	if (rem < (int)sizeof(*a))
		return false;
	return a->nla_len >= sizeof(*a) && a->nla_len <= rem;
}

static inline struct nlattr *nla_next(const struct nlattr *a, int *rem)
{
	unsigned int step = NLA_ALIGN(a->nla_len);

	*rem -= step;
	return (struct nlattr *)((char *)a + step);
}

#define nla_for_each_attr(pos, head, len, rem)				\
	for ((pos) = (head), (rem) = (len); nla_ok(pos, rem);		\
	     (pos) = nla_next(pos, &(rem)))
#define nla_for_each_nested(pos, nla, rem)				\
	nla_for_each_attr(pos, nla_data(nla), nla_len(nla), rem)

/* Plain loads, as in the kernel: payloads are 4-byte aligned. */
static inline u8 nla_get_u8(const struct nlattr *a) { return *(u8 *)nla_data(a); }
static inline u16 nla_get_u16(const struct nlattr *a) { return *(u16 *)nla_data(a); }
static inline u32 nla_get_u32(const struct nlattr *a) { return *(u32 *)nla_data(a); }
static inline __be16 nla_get_be16(const struct nlattr *a) { return *(__be16 *)nla_data(a); }
static inline __be32 nla_get_be32(const struct nlattr *a) { return *(__be32 *)nla_data(a); }
#endif
