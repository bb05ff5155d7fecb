/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink transport for the dpif (library-internal; libmnl stays
 * behind this header and never reaches the programs).
 */
#ifndef WEFT_AGENT_LIB_NL_H
#define WEFT_AGENT_LIB_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#define WFT_NL_ERRLEN	256

struct wft_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;	/* 0 until resolved */
	uint8_t *tx;		/* request buffer, WFT_NL_TXSIZE */
	uint8_t *rx;		/* receive buffer, WFT_NL_RXSIZE */
	bool dump_intr;		/* the last dump saw NLM_F_DUMP_INTR */
	size_t batch_len;	/* bytes of batched requests in tx */
	uint32_t batch_seq;	/* sequence number of the first of them */
	char err[2 * WFT_NL_ERRLEN];	/* last failure, "" after success */
	char extack[WFT_NL_ERRLEN];	/* bare extack message of it */
};

/* Requests carry at most one 64 KiB packet plus key and actions. */
#define WFT_NL_TXSIZE	(160 * 1024)
#define WFT_NL_RXSIZE	(160 * 1024)

/* Called for each reply message; returns 0 or a negative errno. */
typedef int wft_nl_cb(const struct nlmsghdr *nlh, void *arg);

int wft_nl_open(struct wft_nl *nl, bool resolve_family);
void wft_nl_close(struct wft_nl *nl);

/* Starts a request for weft command @cmd in nl->tx. */
struct nlmsghdr *wft_nl_request(struct wft_nl *nl, uint8_t cmd,
				uint16_t flags);
/* Puts an attribute, or returns -EMSGSIZE when the request would not fit. */
int wft_nl_put(struct wft_nl *nl, struct nlmsghdr *nlh, uint16_t type,
	       size_t len, const void *data);
int wft_nl_put_u32(struct wft_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		   uint32_t v);
int wft_nl_put_str(struct wft_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		   const char *s);

/*
 * Sends @nlh and reads replies until the ACK, the error or the end of the
 * dump, calling @cb (may be NULL) for each reply. Returns 0 or a negative
 * errno, with nl->err (and nl->extack) describing a failure.
 */
int wft_nl_transact(struct wft_nl *nl, struct nlmsghdr *nlh, wft_nl_cb *cb,
		    void *arg);

/*
 * The same, one reply message at a time (for streamed dumps):
 * wft_nl_iter_next() returns 1 with the next data message in *@msg (valid
 * until the next call), 0 when the reply ended well, or a negative errno.
 * A started iteration must be run to its end before the next request.
 */
struct wft_nl_iter {
	struct wft_nl *nl;
	uint32_t seq;
	const struct nlmsghdr *next;
	int left;
	bool done;
	int status;
};

int wft_nl_iter_start(struct wft_nl_iter *it, struct wft_nl *nl,
		      struct nlmsghdr *nlh);
int wft_nl_iter_next(struct wft_nl_iter *it, const struct nlmsghdr **msg);

/*
 * Batches: requests queued one after another in nl->tx and sent with one
 * sendmsg, without NLM_F_ACK. Generic netlink runs the requests of one
 * sendmsg in order, in the sender's context, and answers only those that
 * fail: when the send returns, every error reply is already queued, so it
 * is drained without waiting. Nothing but batched requests may be made
 * while a batch has requests queued.
 *
 * wft_nl_batch_request() starts a request after the queued ones (NULL when
 * fewer than @room bytes are left: send first); wft_nl_batch_add() queues
 * it and returns its sequence number. A request whose attributes did not
 * fit is simply not added.
 */
struct nlmsghdr *wft_nl_batch_request(struct wft_nl *nl, uint8_t cmd,
				      uint16_t flags, size_t room);
uint32_t wft_nl_batch_add(struct wft_nl *nl, struct nlmsghdr *nlh);
/* Called for each failed request of the batch, by its sequence number. */
typedef void wft_nl_batch_cb(void *arg, uint32_t seq, int err);
/*
 * Sends the queued requests (none: a no-op) and reports the failed ones
 * to @cb; returns 0, or the negative errno of a send that failed as a
 * whole (then @cb was told that every request failed with it).
 */
int wft_nl_batch_send(struct wft_nl *nl, wft_nl_batch_cb *cb, void *arg);

/* Records a failure description (printf-style) and returns @err. */
int wft_nl_fail(struct wft_nl *nl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void wft_nl_clear_error(struct wft_nl *nl);

/* Parses the attributes of a genl message (after the genlmsghdr) into
 * @tb[0..max]; unknown types above @max are ignored. */
int wft_nl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb,
		 unsigned int max);
/* Parses the attributes nested in @nest the same way. */
int wft_nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max);

#endif /* WEFT_AGENT_LIB_NL_H */
