// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink transport: one socket per struct wft_nl, requests built in
 * a fixed buffer, replies read until the ACK (doit) or NLMSG_DONE (dumpit).
 *
 * The socket asks for extended ACKs (NETLINK_EXT_ACK) so that the module's
 * extack message reaches the caller, and for capped ACKs (NETLINK_CAP_ACK)
 * so that an error does not echo a 64 KiB execute request back. Replies are
 * matched by sequence number: a reply to an earlier request that was given
 * up on is skipped, never mistaken for the current one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "uapi/linux/weft.h"
#include "nl.h"

#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED	0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS	0x200
#endif

void wft_nl_clear_error(struct wft_nl *nl)
{
	nl->err[0] = '\0';
	nl->extack[0] = '\0';
}

int wft_nl_fail(struct wft_nl *nl, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl->err, sizeof(nl->err), fmt, ap);
	va_end(ap);
	return err;
}

static int setsockopt_int(struct wft_nl *nl, int opt, int val)
{
	if (mnl_socket_setsockopt(nl->sock, opt, &val, sizeof(val)) < 0)
		return -errno;
	return 0;
}

static int family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	uint16_t *id = arg;
	int err;

	err = wft_nl_parse(nlh, tb, CTRL_ATTR_MAX);
	if (err)
		return err;
	if (!tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0)
		return -EPROTO;
	*id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return 0;
}

static int resolve_family(struct wft_nl *nl)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;
	uint16_t id = 0;
	int err;

	nlh = mnl_nlmsg_put_header(nl->tx);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	err = wft_nl_put_str(nl, nlh, CTRL_ATTR_FAMILY_NAME, WEFT_GENL_NAME);
	if (!err)
		err = wft_nl_transact(nl, nlh, family_cb, &id);
	if (err == -ENOENT)
		return wft_nl_fail(nl, err, "weft.ko is not loaded "
				   "(no generic netlink family \"%s\")",
				   WEFT_GENL_NAME);
	if (err)
		return err;
	if (!id)
		return wft_nl_fail(nl, -EPROTO, "nlctrl gave no id for \"%s\"",
				   WEFT_GENL_NAME);
	nl->family = id;
	return 0;
}

int wft_nl_open(struct wft_nl *nl, bool resolve)
{
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->tx = malloc(WFT_NL_TXSIZE);
	nl->rx = malloc(WFT_NL_RXSIZE);
	if (!nl->tx || !nl->rx) {
		err = wft_nl_fail(nl, -ENOMEM, "out of memory");
		goto out_free;
	}
	nl->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl->sock) {
		err = -errno;
		wft_nl_fail(nl, err, "netlink socket: %s", strerror(-err));
		goto out_free;
	}
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		wft_nl_fail(nl, err, "netlink bind: %s", strerror(-err));
		goto out_close;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	/* Both are best effort: without them errors are plain errnos. */
	setsockopt_int(nl, NETLINK_EXT_ACK, 1);
	setsockopt_int(nl, NETLINK_CAP_ACK, 1);

	if (resolve) {
		err = resolve_family(nl);
		if (err)
			goto out_close;
	}
	wft_nl_clear_error(nl);
	return 0;

out_close:
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
out_free:
	free(nl->tx);
	free(nl->rx);
	nl->tx = nl->rx = NULL;
	return err;
}

void wft_nl_close(struct wft_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->tx);
	free(nl->rx);
	nl->sock = NULL;
	nl->tx = nl->rx = NULL;
}

struct nlmsghdr *wft_nl_request(struct wft_nl *nl, uint8_t cmd,
				uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	nlh = mnl_nlmsg_put_header(nl->tx);
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = WEFT_GENL_VERSION;
	return nlh;
}

int wft_nl_put(struct wft_nl *nl, struct nlmsghdr *nlh, uint16_t type,
	       size_t len, const void *data)
{
	/* A batched request starts after the ones queued before it. */
	size_t size = WFT_NL_TXSIZE - (size_t)((uint8_t *)nlh - nl->tx);
	size_t room = size - nlh->nlmsg_len;
	size_t need = MNL_ATTR_HDRLEN + MNL_ALIGN(len);

	/* libmnl leaves the alignment padding as it finds it: zero it, so
	 * that no stale bytes of an earlier request go to the kernel. */
	if (need <= room)
		memset(mnl_nlmsg_get_payload_tail(nlh), 0, need);
	if (len > UINT16_MAX - MNL_ATTR_HDRLEN ||
	    !mnl_attr_put_check(nlh, size, type, len, data))
		return wft_nl_fail(nl, -EMSGSIZE,
				   "request too large (attribute %u, %zu bytes)",
				   type & NLA_TYPE_MASK, len);
	return 0;
}

int wft_nl_put_u32(struct wft_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		   uint32_t v)
{
	return wft_nl_put(nl, nlh, type, sizeof(v), &v);
}

int wft_nl_put_str(struct wft_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		   const char *s)
{
	return wft_nl_put(nl, nlh, type, strlen(s) + 1, s);
}

struct parse_ctx {
	const struct nlattr **tb;
	unsigned int max;
};

static int parse_attr_cb(const struct nlattr *attr, void *data)
{
	struct parse_ctx *ctx = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= ctx->max)
		ctx->tb[type] = attr;
	return MNL_CB_OK;
}

int wft_nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		 unsigned int max)
{
	struct parse_ctx ctx = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct genlmsghdr))
		return -EPROTO;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), parse_attr_cb,
			   &ctx) < 0)
		return -EPROTO;
	return 0;
}

int wft_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max)
{
	struct parse_ctx ctx = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_attr_parse_nested(nest, parse_attr_cb, &ctx) < 0)
		return -EPROTO;
	return 0;
}

/* The extended ACK attributes after an NLMSG_ERROR or NLMSG_DONE. */
static void parse_extack(struct wft_nl *nl, const struct nlmsghdr *nlh,
			 size_t offset)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct parse_ctx ctx = { tb, NLMSGERR_ATTR_MAX };
	const char *msg;

	memset(tb, 0, sizeof(tb));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    MNL_NLMSG_HDRLEN + offset > nlh->nlmsg_len)
		return;
	if (mnl_attr_parse(nlh, offset, parse_attr_cb, &ctx) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG] &&
	    mnl_attr_validate(tb[NLMSGERR_ATTR_MSG], MNL_TYPE_NUL_STRING) >= 0) {
		msg = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
		snprintf(nl->extack, sizeof(nl->extack), "%s", msg);
	} else if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
		   mnl_attr_validate(tb[NLMSGERR_ATTR_MISS_TYPE],
				     MNL_TYPE_U32) >= 0) {
		snprintf(nl->extack, sizeof(nl->extack),
			 "missing attribute (type %u)",
			 mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));
	}
}

/* Fills nl->err from an error code and whatever extack arrived. */
static int reply_error(struct wft_nl *nl, int err)
{
	if (nl->extack[0])
		snprintf(nl->err, sizeof(nl->err), "%s (%s)", nl->extack,
			 strerror(-err));
	else
		snprintf(nl->err, sizeof(nl->err), "%s", strerror(-err));
	return err;
}

/*
 * Looks at one message of the reply: returns 1 for a data message (for the
 * caller), 0 for one to skip, or -1 when it ends the reply (with the
 * outcome in it->status).
 */
static int classify(struct wft_nl_iter *it, const struct nlmsghdr *nlh)
{
	struct wft_nl *nl = it->nl;
	const struct nlmsgerr *e;
	int err;

	if (nlh->nlmsg_seq != it->seq || nlh->nlmsg_pid != nl->portid)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		nl->dump_intr = true;

	switch (nlh->nlmsg_type) {
	case NLMSG_NOOP:
		return 0;
	case NLMSG_ERROR:
		if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e)) {
			it->status = -EPROTO;
			return -1;
		}
		e = mnl_nlmsg_get_payload(nlh);
		parse_extack(nl, nlh, (nlh->nlmsg_flags & NLM_F_CAPPED) ?
			     sizeof(*e) :
			     sizeof(*e) + e->msg.nlmsg_len - sizeof(e->msg));
		it->status = e->error > 0 ? -e->error : e->error;
		return -1;
	case NLMSG_DONE:
		if (nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(int)) {
			err = *(const int *)mnl_nlmsg_get_payload(nlh);
			parse_extack(nl, nlh, sizeof(int));
			it->status = err > 0 ? -err : err;
		}
		return -1;
	default:
		return 1;
	}
}

int wft_nl_iter_start(struct wft_nl_iter *it, struct wft_nl *nl,
		      struct nlmsghdr *nlh)
{
	memset(it, 0, sizeof(*it));
	it->nl = nl;
	it->seq = ++nl->seq;
	wft_nl_clear_error(nl);
	nl->dump_intr = false;
	nlh->nlmsg_seq = it->seq;
	/*
	 * NLM_F_DUMP is two bits, and NLM_F_EXCL shares one of them: only
	 * both together make a dump. Anything else must ask for the ACK that
	 * ends the exchange, or a request with no reply waits forever.
	 */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		it->done = true;
		return reply_error(nl, -errno);
	}
	return 0;
}

int wft_nl_iter_next(struct wft_nl_iter *it, const struct nlmsghdr **msg)
{
	struct wft_nl *nl = it->nl;
	ssize_t n;
	int r;

	while (!it->done) {
		while (it->next && mnl_nlmsg_ok(it->next, it->left)) {
			const struct nlmsghdr *m = it->next;

			it->next = mnl_nlmsg_next(m, &it->left);
			r = classify(it, m);
			if (r == 1) {
				*msg = m;
				return 1;
			}
			if (r < 0) {
				it->done = true;
				break;
			}
		}
		if (it->done)
			break;
		n = mnl_socket_recvfrom(nl->sock, nl->rx, WFT_NL_RXSIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			it->done = true;
			it->status = -errno;
			break;
		}
		it->next = (const struct nlmsghdr *)nl->rx;
		it->left = (int)n;
	}
	if (it->status && !nl->err[0])
		reply_error(nl, it->status);
	return it->status;
}

int wft_nl_transact(struct wft_nl *nl, struct nlmsghdr *nlh, wft_nl_cb *cb,
		    void *arg)
{
	const struct nlmsghdr *m;
	struct wft_nl_iter it;
	int err, status = 0;

	err = wft_nl_iter_start(&it, nl, nlh);
	if (err)
		return err;
	/* After a callback failed, keep draining but stop calling. */
	while ((err = wft_nl_iter_next(&it, &m)) == 1) {
		if (cb && !status)
			status = cb(m, arg);
	}
	if (err)
		return err;
	if (status && !nl->err[0])
		return reply_error(nl, status);
	return status;
}

struct nlmsghdr *wft_nl_batch_request(struct wft_nl *nl, uint8_t cmd,
				      uint16_t flags, size_t room)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	if (WFT_NL_TXSIZE - nl->batch_len < room)
		return NULL;
	nlh = mnl_nlmsg_put_header(nl->tx + nl->batch_len);
	nlh->nlmsg_type = nl->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = WEFT_GENL_VERSION;
	return nlh;
}

uint32_t wft_nl_batch_add(struct wft_nl *nl, struct nlmsghdr *nlh)
{
	if (!nl->batch_len)
		nl->batch_seq = nl->seq + 1;
	nlh->nlmsg_seq = ++nl->seq;
	nl->batch_len += MNL_ALIGN(nlh->nlmsg_len);
	return nlh->nlmsg_seq;
}

/* The error replies already queued for the batch just sent. */
static void batch_drain(struct wft_nl *nl, uint32_t first, uint32_t n,
			wft_nl_batch_cb *cb, void *arg)
{
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *e;
	ssize_t got;
	int left;

	for (;;) {
		got = recv(mnl_socket_get_fd(nl->sock), nl->rx, WFT_NL_RXSIZE,
			   MSG_DONTWAIT);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN: all read. ENOBUFS: replies were dropped;
			 * those requests count as done (nothing else can
			 * be known of them). */
			if (errno == ENOBUFS)
				continue;
			return;
		}
		left = (int)got;
		for (nlh = (const struct nlmsghdr *)nl->rx;
		     mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			/* Unsigned wrap: replies to older requests (given
			 * up on) fall outside [first, first + n). */
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_pid != nl->portid ||
			    nlh->nlmsg_seq - first >= n ||
			    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e))
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			if (!e->error)
				continue;
			nl->extack[0] = '\0';
			parse_extack(nl, nlh, (nlh->nlmsg_flags & NLM_F_CAPPED) ?
				     sizeof(*e) :
				     sizeof(*e) + e->msg.nlmsg_len -
				     sizeof(e->msg));
			reply_error(nl, e->error > 0 ? -e->error : e->error);
			cb(arg, nlh->nlmsg_seq,
			   e->error > 0 ? -e->error : e->error);
		}
	}
}

/*
 * A batch goes out as datagrams of at most BATCH_DGRAM bytes (whole
 * requests each), all in one sendmmsg(): the kernel copies a datagram
 * larger than a page less its skb overhead (NLMSG_GOODSIZE) into a
 * vmalloc()ed buffer, pages mapped and zeroed for each send, which cost
 * an upcall handler about 1 us a request more than kmalloc()ed ones.
 */
#define BATCH_DGRAM	3584
#define BATCH_MAX_DGRAMS	64

/* Sends tx[0, len) in datagrams; returns the bytes sent, or -errno when
 * none were. */
static ssize_t batch_sendmmsg(struct wft_nl *nl, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	struct mmsghdr msgs[BATCH_MAX_DGRAMS];
	struct iovec iov[BATCH_MAX_DGRAMS];
	const struct nlmsghdr *nlh;
	size_t off = 0, start, sent = 0, step;
	unsigned int n, i;
	int ret;

	while (off < len) {
		memset(msgs, 0, sizeof(msgs));
		for (n = 0; n < BATCH_MAX_DGRAMS && off < len; n++) {
			start = off;
			do {
				nlh = (const struct nlmsghdr *)(nl->tx + off);
				step = MNL_ALIGN(nlh->nlmsg_len);
				if (off > start && off - start + step >
						   BATCH_DGRAM)
					break;
				off += step;
			} while (off < len);
			iov[n].iov_base = nl->tx + start;
			iov[n].iov_len = off - start;
			msgs[n].msg_hdr.msg_name = &to;
			msgs[n].msg_hdr.msg_namelen = sizeof(to);
			msgs[n].msg_hdr.msg_iov = &iov[n];
			msgs[n].msg_hdr.msg_iovlen = 1;
		}
		ret = sendmmsg(mnl_socket_get_fd(nl->sock), msgs, n, 0);
		if (ret < 0 && errno == EINTR)
			ret = 0;
		if (ret < 0)
			return sent ? (ssize_t)sent : -errno;
		for (i = 0; i < (unsigned int)ret; i++)
			sent += iov[i].iov_len;
		/* A short count: resume after what went. */
		off = sent;
	}
	return (ssize_t)sent;
}

int wft_nl_batch_send(struct wft_nl *nl, wft_nl_batch_cb *cb, void *arg)
{
	uint32_t first = nl->batch_seq, n = nl->seq - nl->batch_seq + 1, i;
	size_t len = nl->batch_len;
	const struct nlmsghdr *nlh;
	ssize_t sent;
	size_t off;
	int err;

	if (!len)
		return 0;
	nl->batch_len = 0;
	wft_nl_clear_error(nl);
	sent = batch_sendmmsg(nl, len);
	if (sent < (ssize_t)len) {
		/* The requests that did not go fail; the others are
		 * answered as usual. */
		err = reply_error(nl, sent < 0 ? (int)sent : -EIO);
		for (off = 0, i = 0; off < len; i++) {
			nlh = (const struct nlmsghdr *)(nl->tx + off);
			if (sent < 0 || off >= (size_t)sent)
				cb(arg, first + i, err);
			off += MNL_ALIGN(nlh->nlmsg_len);
		}
		if (sent <= 0)
			return err;
		batch_drain(nl, first, n, cb, arg);
		return err;
	}
	batch_drain(nl, first, n, cb, arg);
	return 0;
}
