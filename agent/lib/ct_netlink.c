// SPDX-License-Identifier: GPL-2.0
/*
 * ctnetlink (NETLINK_NETFILTER, NFNL_SUBSYS_CTNETLINK) with libmnl: the
 * conntrack dump, deletes and the per-CPU counters. Parsing follows what
 * OVS's lib/netlink-conntrack.c accepts, so that weft shows the entries
 * ovs-dpctl shows: an entry without its tuples, status or id, or with a
 * tuple it cannot read (ICMP without id/type/code, a family other than
 * IPv4/IPv6), is skipped.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_sctp.h>
#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "weft/ct_netlink.h"

#define RXSIZE		(64 * 1024)
#define TXSIZE		1024
/* OVS's status bits: the kernel's up to IPS_UNTRACKED. */
#define STATUS_MASK	((1u << (IPS_UNTRACKED_BIT + 1)) - 1)

struct ct_sock {
	struct mnl_socket *nl;
	uint32_t portid, seq;
	uint8_t *rx;
	uint8_t tx[TXSIZE];
};

static int fail(struct wft_strbuf *err, int e, const char *what)
{
	if (err) {
		if (e == -EPROTONOSUPPORT || e == -EOPNOTSUPP)
			wft_strbuf_printf(err, "%s: %s (is nf_conntrack_netlink "
					  "loaded?)", what, strerror(-e));
		else
			wft_strbuf_printf(err, "%s: %s", what, strerror(-e));
	}
	return e;
}

static int ct_open(struct ct_sock *s, struct wft_strbuf *err)
{
	memset(s, 0, sizeof(*s));
	s->rx = malloc(RXSIZE);
	if (!s->rx)
		return fail(err, -ENOMEM, "ctnetlink");
	s->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!s->nl || mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = -errno;

		if (s->nl)
			mnl_socket_close(s->nl);
		free(s->rx);
		s->nl = NULL;
		return fail(err, e ? e : -EIO, "opening ctnetlink");
	}
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = (uint32_t)time(NULL);
	return 0;
}

static void ct_close(struct ct_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->rx);
	s->nl = NULL;
	s->rx = NULL;
}

static struct nlmsghdr *ct_msg(struct ct_sock *s, uint8_t cmd, uint16_t flags,
			       uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(s->tx);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)(NFNL_SUBSYS_CTNETLINK << 8 | cmd);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++s->seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/* Sends @nlh and runs @cb on the replies until the ACK or the dump's end. */
static int ct_talk(struct ct_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data)
{
	ssize_t n;
	int r;

	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(s->nl, s->rx, RXSIZE);
		if (n < 0)
			return -errno;
		r = mnl_cb_run(s->rx, (size_t)n, nlh->nlmsg_seq, s->portid, cb,
			       data);
		if (r < 0)
			return -errno ? -errno : -EIO;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

/* ---- parsing ----------------------------------------------------------- */

struct tb {
	const struct nlattr *a[CTA_MAX + 1 > 32 ? CTA_MAX + 1 : 32];
	unsigned int max;
};

static int tb_cb(const struct nlattr *attr, void *data)
{
	struct tb *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->a[type] = attr;
	return MNL_CB_OK;
}

static bool parse_nested(const struct nlattr *nest, struct tb *t,
			 unsigned int max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
	return mnl_attr_parse_nested(nest, tb_cb, t) >= 0;
}

/* The attribute if present with exactly @len bytes; NULL otherwise. */
static const void *get(const struct tb *t, unsigned int type, size_t len)
{
	const struct nlattr *a = t->a[type];

	if (!a || mnl_attr_get_payload_len(a) != len)
		return NULL;
	return mnl_attr_get_payload(a);
}

static uint16_t be16_at(const void *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return ntohs(v);
}

static uint32_t be32_at(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static uint64_t be64_at(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static bool parse_tuple(const struct nlattr *nest, uint8_t family,
			struct wft_ct_tuple *t)
{
	struct tb top, ip, pr;
	const uint8_t *v, *id, *type, *code;
	size_t alen = family == AF_INET ? 4 : 16;
	unsigned int s = family == AF_INET ? CTA_IP_V4_SRC : CTA_IP_V6_SRC;
	unsigned int d = family == AF_INET ? CTA_IP_V4_DST : CTA_IP_V6_DST;

	memset(t, 0, sizeof(*t));
	if ((family != AF_INET && family != AF_INET6) ||
	    !parse_nested(nest, &top, CTA_TUPLE_MAX) ||
	    !top.a[CTA_TUPLE_IP] || !top.a[CTA_TUPLE_PROTO] ||
	    !parse_nested(top.a[CTA_TUPLE_IP], &ip, CTA_IP_MAX) ||
	    !parse_nested(top.a[CTA_TUPLE_PROTO], &pr, CTA_PROTO_MAX))
		return false;
	t->family = family;
	if ((v = get(&ip, s, alen)))
		memcpy(t->src, v, alen);
	if ((v = get(&ip, d, alen)))
		memcpy(t->dst, v, alen);
	if (!(v = get(&pr, CTA_PROTO_NUM, 1)))
		return false;
	t->proto = v[0];
	if ((family == AF_INET && t->proto == IPPROTO_ICMP) ||
	    (family == AF_INET6 && t->proto == IPPROTO_ICMPV6)) {
		bool v4 = family == AF_INET;

		id = get(&pr, v4 ? CTA_PROTO_ICMP_ID : CTA_PROTO_ICMPV6_ID, 2);
		type = get(&pr, v4 ? CTA_PROTO_ICMP_TYPE : CTA_PROTO_ICMPV6_TYPE,
			   1);
		code = get(&pr, v4 ? CTA_PROTO_ICMP_CODE : CTA_PROTO_ICMPV6_CODE,
			   1);
		if (!id || !type || !code)
			return false;
		t->icmp_id = be16_at(id);
		t->icmp_type = type[0];
		t->icmp_code = code[0];
	} else if (get(&pr, CTA_PROTO_SRC_PORT, 2) &&
		   get(&pr, CTA_PROTO_DST_PORT, 2)) {
		t->sport = be16_at(get(&pr, CTA_PROTO_SRC_PORT, 2));
		t->dport = be16_at(get(&pr, CTA_PROTO_DST_PORT, 2));
	}
	return true;
}

static bool parse_counters(const struct nlattr *nest, uint64_t *packets,
			   uint64_t *bytes)
{
	const void *p, *b;
	struct tb t;

	if (!parse_nested(nest, &t, CTA_COUNTERS_MAX))
		return false;
	p = get(&t, CTA_COUNTERS_PACKETS, 8);
	b = get(&t, CTA_COUNTERS_BYTES, 8);
	if (!p || !b)
		return false;
	*packets = be64_at(p);
	*bytes = be64_at(b);
	return true;
}

static bool parse_timestamp(const struct nlattr *nest, struct wft_ct_entry *e)
{
	const void *p;
	struct tb t;

	if (!parse_nested(nest, &t, CTA_TIMESTAMP_MAX) ||
	    !(p = get(&t, CTA_TIMESTAMP_START, 8)))
		return false;
	e->start_ns = be64_at(p);
	if ((p = get(&t, CTA_TIMESTAMP_STOP, 8)))
		e->stop_ns = be64_at(p);
	return true;
}

/* The kernel's TCP states as OVS names them (nl_ct_tcp_state_to_dpif). */
static uint8_t tcp_state(uint8_t s)
{
	switch (s) {
	case TCP_CONNTRACK_SYN_SENT:
	case TCP_CONNTRACK_SYN_SENT2:
		return WFT_CT_TCPS_SYN_SENT;
	case TCP_CONNTRACK_SYN_RECV:
		return WFT_CT_TCPS_SYN_RECV;
	case TCP_CONNTRACK_ESTABLISHED:
		return WFT_CT_TCPS_ESTABLISHED;
	case TCP_CONNTRACK_FIN_WAIT:
		return WFT_CT_TCPS_FIN_WAIT_1;
	case TCP_CONNTRACK_CLOSE_WAIT:
		return WFT_CT_TCPS_CLOSE_WAIT;
	case TCP_CONNTRACK_LAST_ACK:
		return WFT_CT_TCPS_LAST_ACK;
	case TCP_CONNTRACK_TIME_WAIT:
		return WFT_CT_TCPS_TIME_WAIT;
	case TCP_CONNTRACK_CLOSE:
		return WFT_CT_TCPS_CLOSING;
	default:
		return WFT_CT_TCPS_CLOSED;
	}
}

/* OVS's SCTP numbers: the kernel's minus one, NONE and CLOSED both 0. */
static uint8_t sctp_state(uint8_t s)
{
	if (s >= SCTP_CONNTRACK_COOKIE_WAIT && s <= SCTP_CONNTRACK_HEARTBEAT_ACKED)
		return (uint8_t)(s - 1);
	return 0;
}

static bool parse_protoinfo(const struct nlattr *nest, struct wft_ct_entry *e)
{
	struct tb t, p;
	const uint8_t *v;

	if (!parse_nested(nest, &t, CTA_PROTOINFO_MAX))
		return false;
	if (t.a[CTA_PROTOINFO_TCP]) {
		if (!parse_nested(t.a[CTA_PROTOINFO_TCP], &p,
				  CTA_PROTOINFO_TCP_MAX) ||
		    !(v = get(&p, CTA_PROTOINFO_TCP_STATE, 1)))
			return false;
		e->protoinfo = IPPROTO_TCP;
		e->tcp.state = tcp_state(v[0]);
		if ((v = get(&p, CTA_PROTOINFO_TCP_WSCALE_ORIGINAL, 1)))
			e->tcp.wscale_orig = v[0];
		if ((v = get(&p, CTA_PROTOINFO_TCP_WSCALE_REPLY, 1)))
			e->tcp.wscale_reply = v[0];
		/* struct nf_ct_tcp_flags: the flags, then a mask. */
		if ((v = get(&p, CTA_PROTOINFO_TCP_FLAGS_ORIGINAL, 2)))
			e->tcp.flags_orig = v[0] & 0x3f;
		if ((v = get(&p, CTA_PROTOINFO_TCP_FLAGS_REPLY, 2)))
			e->tcp.flags_reply = v[0] & 0x3f;
	} else if (t.a[CTA_PROTOINFO_SCTP]) {
		const void *o, *r;

		if (!parse_nested(t.a[CTA_PROTOINFO_SCTP], &p,
				  CTA_PROTOINFO_SCTP_MAX) ||
		    !(v = get(&p, CTA_PROTOINFO_SCTP_STATE, 1)) ||
		    !(o = get(&p, CTA_PROTOINFO_SCTP_VTAG_ORIGINAL, 4)) ||
		    !(r = get(&p, CTA_PROTOINFO_SCTP_VTAG_REPLY, 4)))
			return false;
		e->protoinfo = IPPROTO_SCTP;
		e->sctp.state = sctp_state(v[0]);
		/* The kernel sends network order; OVS prints the bytes as a
		 * host-order number, and so does weft, to print the same. */
		memcpy(&e->sctp.vtag_orig, o, 4);
		memcpy(&e->sctp.vtag_reply, r, 4);
	}
	return true;
}

static bool parse_helper(const struct nlattr *nest, struct wft_ct_entry *e)
{
	const struct nlattr *n;
	struct tb t;

	if (!parse_nested(nest, &t, CTA_HELP_MAX))
		return false;
	n = t.a[CTA_HELP_NAME];
	if (!n || mnl_attr_validate(n, MNL_TYPE_NUL_STRING) < 0)
		return false;
	snprintf(e->helper, sizeof(e->helper), "%s", mnl_attr_get_str(n));
	return true;
}

static bool parse_entry(const struct nlmsghdr *nlh, struct wft_ct_entry *e)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	uint8_t family = nfg->nfgen_family;
	const void *v;
	struct tb t;

	memset(e, 0, sizeof(*e));
	memset(&t, 0, sizeof(t));
	t.max = CTA_MAX;
	if (mnl_attr_parse(nlh, sizeof(*nfg), tb_cb, &t) < 0)
		return false;
	if (!t.a[CTA_TUPLE_ORIG] || !t.a[CTA_TUPLE_REPLY] ||
	    !get(&t, CTA_STATUS, 4) || !get(&t, CTA_ID, 4) ||
	    !parse_tuple(t.a[CTA_TUPLE_ORIG], family, &e->tuple[WFT_CT_ORIG]) ||
	    !parse_tuple(t.a[CTA_TUPLE_REPLY], family, &e->tuple[WFT_CT_REPLY]))
		return false;
	if (mnl_attr_get_payload_len(t.a[CTA_TUPLE_ORIG]) > sizeof(e->raw_orig))
		return false;
	e->nfgen_family = family;
	e->raw_orig_len = (uint16_t)mnl_attr_get_payload_len(t.a[CTA_TUPLE_ORIG]);
	memcpy(e->raw_orig, mnl_attr_get_payload(t.a[CTA_TUPLE_ORIG]),
	       e->raw_orig_len);
	if (t.a[CTA_COUNTERS_ORIG] &&
	    !parse_counters(t.a[CTA_COUNTERS_ORIG], &e->packets[0],
			    &e->bytes[0]))
		return false;
	if (t.a[CTA_COUNTERS_REPLY] &&
	    !parse_counters(t.a[CTA_COUNTERS_REPLY], &e->packets[1],
			    &e->bytes[1]))
		return false;
	if (t.a[CTA_TIMESTAMP] && !parse_timestamp(t.a[CTA_TIMESTAMP], e))
		return false;
	e->id = be32_at(get(&t, CTA_ID, 4));
	e->status = be32_at(get(&t, CTA_STATUS, 4)) & STATUS_MASK;
	if ((v = get(&t, CTA_ZONE, 2)))
		e->zone = be16_at(v);
	if ((v = get(&t, CTA_TIMEOUT, 4)))
		e->timeout = be32_at(v);
	if ((v = get(&t, CTA_MARK, 4)))
		e->mark = be32_at(v);
	if (t.a[CTA_LABELS]) {
		size_t n = mnl_attr_get_payload_len(t.a[CTA_LABELS]);

		memcpy(e->labels, mnl_attr_get_payload(t.a[CTA_LABELS]),
		       n < sizeof(e->labels) ? n : sizeof(e->labels));
	}
	if (t.a[CTA_PROTOINFO] && !parse_protoinfo(t.a[CTA_PROTOINFO], e))
		return false;
	if (t.a[CTA_HELP] && !parse_helper(t.a[CTA_HELP], e))
		return false;
	if (t.a[CTA_TUPLE_MASTER]) {
		if (!parse_tuple(t.a[CTA_TUPLE_MASTER], family, &e->parent))
			return false;
		e->has_parent = true;
	}
	return true;
}

/* ---- dump -------------------------------------------------------------- */

struct dump_ctx {
	struct wft_ct_entries *out;
	const uint16_t *zone;
	int error;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	struct wft_ct_entries *o = d->out;
	struct wft_ct_entry e;

	if (!parse_entry(nlh, &e))
		return MNL_CB_OK;	/* as OVS: skip what cannot be read */
	if (d->zone && e.zone != *d->zone)
		return MNL_CB_OK;
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 64;
		struct wft_ct_entry *v = realloc(o->v, cap * sizeof(*v));

		if (!v) {
			d->error = -ENOMEM;
			return MNL_CB_ERROR;
		}
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = e;
	return MNL_CB_OK;
}

static int dump_on(struct ct_sock *s, const uint16_t *zone,
		   struct wft_ct_entries *out)
{
	struct dump_ctx d = { .out = out, .zone = zone };
	struct nlmsghdr *nlh = ct_msg(s, IPCTNL_MSG_CT_GET, NLM_F_DUMP,
				      AF_UNSPEC);
	int r = ct_talk(s, nlh, dump_cb, &d);

	return d.error ? d.error : r;
}

int wft_ct_dump(const uint16_t *zone, struct wft_ct_entries *out,
		struct wft_strbuf *err)
{
	struct ct_sock s;
	int r;

	memset(out, 0, sizeof(*out));
	r = ct_open(&s, err);
	if (r)
		return r;
	r = dump_on(&s, zone, out);
	ct_close(&s);
	if (r) {
		wft_ct_entries_free(out);
		return fail(err, r, "dumping conntrack entries");
	}
	return 0;
}

void wft_ct_entries_free(struct wft_ct_entries *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}

/* ---- delete ------------------------------------------------------------ */

static int ack_cb(const struct nlmsghdr *nlh, void *data)
{
	return MNL_CB_OK;
}

/* Deletes the entry @e exactly: its original tuple, zone and id. */
static int delete_entry(struct ct_sock *s, const struct wft_ct_entry *e)
{
	struct nlmsghdr *nlh = ct_msg(s, IPCTNL_MSG_CT_DELETE, NLM_F_ACK,
				      e->nfgen_family);

	mnl_attr_put(nlh, CTA_TUPLE_ORIG | NLA_F_NESTED, e->raw_orig_len,
		     e->raw_orig);
	mnl_attr_put_u16(nlh, CTA_ZONE, htons(e->zone));
	mnl_attr_put_u32(nlh, CTA_ID, htonl(e->id));
	return ct_talk(s, nlh, ack_cb, NULL);
}

static void put_tuple(struct nlmsghdr *nlh, const struct wft_ct_tuple *t)
{
	struct nlattr *tup = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	struct nlattr *n = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	bool v4 = t->family == AF_INET;

	mnl_attr_put(nlh, v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, v4 ? 4 : 16,
		     t->src);
	mnl_attr_put(nlh, v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, v4 ? 4 : 16,
		     t->dst);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, t->proto);
	if (t->proto == IPPROTO_ICMP || t->proto == IPPROTO_ICMPV6) {
		bool i4 = t->proto == IPPROTO_ICMP;

		mnl_attr_put_u16(nlh, i4 ? CTA_PROTO_ICMP_ID : CTA_PROTO_ICMPV6_ID,
				 htons(t->icmp_id));
		mnl_attr_put_u8(nlh, i4 ? CTA_PROTO_ICMP_TYPE :
				CTA_PROTO_ICMPV6_TYPE, t->icmp_type);
		mnl_attr_put_u8(nlh, i4 ? CTA_PROTO_ICMP_CODE :
				CTA_PROTO_ICMPV6_CODE, t->icmp_code);
	} else {
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(t->sport));
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(t->dport));
	}
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, tup);
}

static bool addr_set(const struct wft_ct_tuple *t)
{
	static const uint8_t zero[16];

	return memcmp(t->src, zero, 16) && memcmp(t->dst, zero, 16);
}

/*
 * A match that names one connection: both addresses, the protocol, and
 * both ports (TCP, UDP) or the ICMP fields, with nothing said of the reply
 * direction. ovs-dpctl deletes such a one by its tuple.
 */
static bool is_five_tuple(const struct wft_ct_match *m)
{
	const struct wft_ct_tuple *o = &m->tuple[WFT_CT_ORIG];
	struct wft_ct_match r = { 0 };

	r.tuple[WFT_CT_ORIG] = m->tuple[WFT_CT_REPLY];
	r.has_icmp[0] = m->has_icmp[WFT_CT_REPLY];
	if (!wft_ct_match_is_empty(&r) || !addr_set(o))
		return false;
	if (m->proto == IPPROTO_TCP || m->proto == IPPROTO_UDP)
		return o->sport && o->dport;
	if ((m->proto == IPPROTO_ICMP && m->family == AF_INET) ||
	    (m->proto == IPPROTO_ICMPV6 && m->family == AF_INET6))
		return m->has_icmp[WFT_CT_ORIG];
	return false;
}

int wft_ct_flush(const uint16_t *zone, const struct wft_ct_match *m,
		 size_t *n_deleted, struct wft_strbuf *err)
{
	struct wft_ct_entries all = { 0 };
	struct nlmsghdr *nlh;
	struct ct_sock s;
	size_t n = 0;
	int r;

	if (n_deleted)
		*n_deleted = 0;
	if (m && wft_ct_match_is_empty(m))
		m = NULL;
	r = ct_open(&s, err);
	if (r)
		return r;
	if (!zone && !m) {
		/* Everything, in one request. */
		nlh = ct_msg(&s, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, AF_UNSPEC);
		r = ct_talk(&s, nlh, ack_cb, NULL);
		ct_close(&s);
		return r ? fail(err, r, "flushing conntrack") : 0;
	}
	if (m && is_five_tuple(m)) {
		struct wft_ct_tuple t = m->tuple[WFT_CT_ORIG];

		t.family = m->family;
		t.proto = m->proto;
		nlh = ct_msg(&s, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, m->family);
		put_tuple(nlh, &t);
		mnl_attr_put_u16(nlh, CTA_ZONE, htons(zone ? *zone : 0));
		r = ct_talk(&s, nlh, ack_cb, NULL);
		ct_close(&s);
		if (r == -ENOENT && err) {
			wft_strbuf_puts(err, "flushing conntrack: no such "
					"connection");
			return r;
		}
		if (!r && n_deleted)
			*n_deleted = 1;
		return r ? fail(err, r, "flushing conntrack") : 0;
	}
	/* A zone or a partial tuple: read every entry, delete the matches
	 * (the dump ends before the first delete: one socket does both). */
	r = dump_on(&s, zone, &all);
	for (size_t i = 0; !r && i < all.n; i++) {
		int e;

		if (m && !wft_ct_match_entry(m, &all.v[i]))
			continue;
		e = delete_entry(&s, &all.v[i]);
		if (!e)
			n++;
		else if (e != -ENOENT)	/* gone meanwhile: fine */
			r = e;
	}
	ct_close(&s);
	wft_ct_entries_free(&all);
	if (n_deleted)
		*n_deleted = n;
	return r ? fail(err, r, "flushing conntrack") : 0;
}

/* ---- per-CPU counters -------------------------------------------------- */

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct wft_ct_cpu_stats *s = data;
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	struct tb t;
	uint64_t *f[CTA_STATS_MAX + 1] = { 0 };
	const void *v;

	memset(&t, 0, sizeof(t));
	t.max = CTA_STATS_MAX;
	if (mnl_attr_parse(nlh, sizeof(*nfg), tb_cb, &t) < 0)
		return MNL_CB_OK;
	f[CTA_STATS_FOUND] = &s->found;
	f[CTA_STATS_INVALID] = &s->invalid;
	f[CTA_STATS_INSERT] = &s->insert;
	f[CTA_STATS_INSERT_FAILED] = &s->insert_failed;
	f[CTA_STATS_DROP] = &s->drop;
	f[CTA_STATS_EARLY_DROP] = &s->early_drop;
	f[CTA_STATS_ERROR] = &s->error;
	f[CTA_STATS_SEARCH_RESTART] = &s->search_restart;
	f[CTA_STATS_CLASH_RESOLVE] = &s->clash_resolve;
	f[CTA_STATS_CHAIN_TOOLONG] = &s->chain_toolong;
	for (unsigned int i = 0; i <= CTA_STATS_MAX; i++)
		if (f[i] && (v = get(&t, i, 4)))
			*f[i] += be32_at(v);
	s->n_cpus++;
	return MNL_CB_OK;
}

int wft_ct_cpu_stats(struct wft_ct_cpu_stats *st, struct wft_strbuf *err)
{
	struct nlmsghdr *nlh;
	struct ct_sock s;
	int r;

	memset(st, 0, sizeof(*st));
	r = ct_open(&s, err);
	if (r)
		return r;
	nlh = ct_msg(&s, IPCTNL_MSG_CT_GET_STATS_CPU, NLM_F_DUMP, AF_UNSPEC);
	r = ct_talk(&s, nlh, stats_cb, st);
	ct_close(&s);
	return r ? fail(err, r, "reading conntrack counters") : 0;
}
