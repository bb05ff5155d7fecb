// SPDX-License-Identifier: GPL-2.0
/*
 * dpif: packet execute and upcall sockets.
 *
 * An upcall socket is a bare generic netlink socket: the module unicasts
 * WEFT_CMD_PACKET_MISS/ACTION messages to its port id, so it needs no family
 * resolution and sends nothing. Its receive buffer is enlarged so that a
 * burst of misses queues in the socket rather than being counted as lost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>

#include "dpif_priv.h"
#include "weft/odp_flow.h"

/*
 * The module takes only the metadata from an execute's key and extracts
 * the headers from the frame again, so sending an upcall's header nests
 * back costs parsing for nothing.
 */
size_t wft_dpif_md_key(const void *key, size_t len, uint8_t *out,
		       size_t size)
{
	const uint8_t *p = key;
	size_t n = 0, step;
	struct nlattr a;
	uint16_t type;

	while (len >= NLA_HDRLEN) {
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			return 0;
		step = NLA_ALIGN(a.nla_len);
		if (step > len)
			step = len;
		type = a.nla_type & NLA_TYPE_MASK;
		if (type < WEFT_KEY_A_ETHERNET || type > WEFT_KEY_A_ND) {
			if (n + step > size)
				return 0;
			memcpy(out + n, p, step);
			n += step;
		}
		p += step;
		len -= step;
	}
	return len ? 0 : n;
}

int wft_dpif_put_md_key(struct wft_nl *nl, struct nlmsghdr *nlh,
			uint16_t type, const void *key, size_t len)
{
	uint8_t md[512];
	size_t md_len = wft_dpif_md_key(key, len, md, sizeof(md));

	return md_len ? wft_dpif_put_nest(nl, nlh, type, md, md_len) :
			wft_dpif_put_nest(nl, nlh, type, key, len);
}

int wft_dpif_execute_attrs(struct wft_nl *nl, struct nlmsghdr *nlh,
			   const struct wft_execute *exe)
{
	int err;

	err = wft_nl_put_u32(nl, nlh, WEFT_PACKET_A_DP_IFINDEX,
			     exe->dp_ifindex);
	if (!err)
		err = wft_nl_put(nl, nlh, WEFT_PACKET_A_PACKET,
				 exe->packet_len, exe->packet);
	if (!err)
		err = wft_dpif_put_md_key(nl, nlh, WEFT_PACKET_A_KEY,
					  exe->key, exe->key_len);
	if (!err)
		err = wft_dpif_put_nest(nl, nlh, WEFT_PACKET_A_ACTIONS,
					exe->actions, exe->actions_len);
	if (!err && exe->probe)
		err = wft_nl_put(nl, nlh, WEFT_PACKET_A_PROBE, 0, NULL);
	if (!err && exe->mru)
		err = wft_nl_put(nl, nlh, WEFT_PACKET_A_MRU, sizeof(exe->mru),
				 &exe->mru);
	return err;
}

int wft_packet_execute(struct wft_dpif *dpif, const struct wft_execute *exe)
{
	struct wft_nl *nl = &dpif->nl;
	struct nlmsghdr *nlh;
	int err;

	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	nlh = wft_nl_request(nl, WEFT_CMD_PACKET_EXECUTE, 0);
	err = wft_dpif_execute_attrs(nl, nlh, exe);
	if (err)
		return err;
	return wft_nl_transact(nl, nlh, NULL, NULL);
}

/*
 * Upcalls are received UPCALL_BATCH datagrams a recvmmsg() and handed out
 * one by one: a burst of misses costs one system call a batch instead of
 * one a miss. Each datagram has a buffer as large as a single recv() had,
 * so no upcall is ever truncated; pages nothing was received into are
 * never touched.
 */
#define UPCALL_BATCH	16

struct wft_upcall_sock {
	struct wft_nl nl;
	uint8_t *bufs;			/* UPCALL_BATCH x WFT_NL_RXSIZE */
	struct iovec iov[UPCALL_BATCH];
	struct mmsghdr msgs[UPCALL_BATCH];
	unsigned int n, next;		/* received, handed out */
	/* The metadata attributes of the last compact key handed out. */
	uint8_t md[WFT_ODP_COMPACT_MD_MAX];
};

/*
 * The kernel doubles it: 16 MB, some 14,000 queued misses of ~1.1 KB
 * (truesize) each. A burst of new flows on a CPU that both receives the
 * packets and runs the handler queues most of itself before the handler
 * catches up (the benchmark's 10,000 at full speed peaked near 7,000 once
 * weft.ko's miss path got cheaper: the 4 MB asked for before, 8 MB in
 * effect, lost 327-439 of them).
 */
#define UPCALL_RCVBUF	(8 * 1024 * 1024)

int wft_upcall_sock_open(struct wft_upcall_sock **sockp, char *errbuf,
			 size_t errlen)
{
	struct wft_upcall_sock *s;
	int size = UPCALL_RCVBUF;
	int fd, err;

	*sockp = NULL;
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	err = wft_nl_open(&s->nl, false);
	if (err) {
		snprintf(errbuf, errlen, "%s", s->nl.err);
		free(s);
		return err;
	}
	s->bufs = malloc((size_t)UPCALL_BATCH * WFT_NL_RXSIZE);
	if (!s->bufs) {
		wft_nl_close(&s->nl);
		free(s);
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < UPCALL_BATCH; i++) {
		s->iov[i].iov_base = s->bufs + (size_t)i * WFT_NL_RXSIZE;
		s->iov[i].iov_len = WFT_NL_RXSIZE;
		s->msgs[i].msg_hdr.msg_iov = &s->iov[i];
		s->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	fd = mnl_socket_get_fd(s->nl.sock);
	/* SO_RCVBUFFORCE needs CAP_NET_ADMIN; fall back to the capped one. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	*sockp = s;
	return 0;
}

void wft_upcall_sock_close(struct wft_upcall_sock *sock)
{
	if (!sock)
		return;
	wft_nl_close(&sock->nl);
	free(sock->bufs);
	free(sock);
}

uint32_t wft_upcall_sock_portid(const struct wft_upcall_sock *sock)
{
	return sock->nl.portid;
}

int wft_upcall_sock_fd(const struct wft_upcall_sock *sock)
{
	return mnl_socket_get_fd(sock->nl.sock);
}

static int parse_upcall(struct wft_upcall_sock *sock,
			const struct nlmsghdr *nlh, struct wft_upcall *up)
{
	const struct nlattr *tb[WEFT_PACKET_A_MAX + 1];
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	int err;

	memset(up, 0, sizeof(*up));
	err = wft_nl_parse(nlh, tb, WEFT_PACKET_A_MAX);
	if (err)
		return err;
	if (genl->cmd != WEFT_CMD_PACKET_MISS &&
	    genl->cmd != WEFT_CMD_PACKET_ACTION)
		return -EPROTO;
	if (!tb[WEFT_PACKET_A_PACKET] ||
	    !tb[WEFT_PACKET_A_KEY] == !tb[WEFT_PACKET_A_KEY_COMPACT])
		return -EPROTO;
	up->cmd = genl->cmd;
	a = tb[WEFT_PACKET_A_DP_IFINDEX];
	if (a && mnl_attr_get_payload_len(a) == 4)
		up->dp_ifindex = mnl_attr_get_u32(a);
	up->packet = mnl_attr_get_payload(tb[WEFT_PACKET_A_PACKET]);
	up->packet_len = mnl_attr_get_payload_len(tb[WEFT_PACKET_A_PACKET]);
	a = tb[WEFT_PACKET_A_KEY_COMPACT];
	if (a) {
		/* 4-byte aligned like any attribute; no member is wider. */
		up->ckey = mnl_attr_get_payload(a);
		if (mnl_attr_get_payload_len(a) != sizeof(*up->ckey) ||
		    up->ckey->version != WEFT_KEY_COMPACT_VERSION)
			return -EPROTO;
		up->key = sock->md;
		up->key_len = wft_odp_compact_md_key(up->ckey, sock->md);
	} else {
		up->key = mnl_attr_get_payload(tb[WEFT_PACKET_A_KEY]);
		up->key_len = mnl_attr_get_payload_len(tb[WEFT_PACKET_A_KEY]);
	}
	a = tb[WEFT_PACKET_A_USERDATA];
	if (a) {
		up->userdata = mnl_attr_get_payload(a);
		up->userdata_len = mnl_attr_get_payload_len(a);
	}
	a = tb[WEFT_PACKET_A_LEN];
	if (a && mnl_attr_get_payload_len(a) == 4)
		up->orig_len = mnl_attr_get_u32(a);
	a = tb[WEFT_PACKET_A_MRU];
	if (a && mnl_attr_get_payload_len(a) == 2)
		up->mru = mnl_attr_get_u16(a);
	return 0;
}

int wft_upcall_recv(struct wft_upcall_sock *sock, struct wft_upcall *up,
		    bool wait)
{
	const struct nlmsghdr *nlh;
	unsigned int i;
	int n, len;

	for (;;) {
		if (sock->next == sock->n) {
			sock->n = sock->next = 0;
			/* With @wait, blocks for the first datagram only. */
			n = recvmmsg(mnl_socket_get_fd(sock->nl.sock),
				     sock->msgs, UPCALL_BATCH,
				     wait ? MSG_WAITFORONE : MSG_DONTWAIT,
				     NULL);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			sock->n = (unsigned int)n;
			continue;
		}
		i = sock->next++;
		len = (int)sock->msgs[i].msg_len;
		nlh = (const struct nlmsghdr *)sock->iov[i].iov_base;
		/* The module sends one upcall per datagram. */
		if (!mnl_nlmsg_ok(nlh, len) || nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (!parse_upcall(sock, nlh, up))
			return 0;
	}
}
