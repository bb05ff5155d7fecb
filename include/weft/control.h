/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weftd's control socket: a JSON-RPC 2.0 server on a unix socket (mode
 * 0600, peers other than root and weftd's own user are refused) with a
 * registry of methods that every component fills.
 *
 * Registering a method:
 *
 *   static void do_version(struct wft_rpc_call *call, json_t *params,
 *			    void *aux)
 *   {
 *	wft_rpc_reply_text(call, "weftd 0.1\n");
 *   }
 *   wft_control_register(ctl, &(struct wft_rpc_method) {
 *	.name = "version", .handler = do_version,
 *	.args_min = 0, .args_max = 0 });
 *
 * - Methods with args_max >= 0 are "appctl style": params must be absent or
 *   an array of at most args_max strings (at least args_min), checked
 *   before the handler runs. args_max == WFT_RPC_ANY_PARAMS hands any
 *   params to the handler, which checks them (WFT_RPC_INVALID_PARAMS).
 * - A handler answers with exactly one wft_rpc_reply*() call, either before
 *   it returns or later (from a timer or another event), e.g. once a
 *   datapath change is done. The call stays valid until answered; if the
 *   client went away meanwhile the answer is dropped. A component that
 *   defers answers answers them all (with an error if need be) in its
 *   exit: unanswered calls are not freed by wft_control_close().
 * - @params is valid during the handler only (json_incref() to keep it).
 * - Text results are {"text": "..."}; weft-appctl prints the text. Methods
 *   may return any JSON instead (or beside "text", under "data").
 *
 * Every client has its own input splitter and output buffer. A client is
 * cut off when one text exceeds max_text, when its unread replies pass
 * max_output, or when it sends something that is not JSON-RPC at all; its
 * pending calls are answered into the void. Input from a client whose
 * output passes output_hiwat is not read until it drains (backpressure).
 * Batches (arrays of requests) are answered with one array.
 */
#ifndef WEFT_CONTROL_H
#define WEFT_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "weft/jsonrpc.h"
#include "weft/loop.h"
#include "weft/strbuf.h"

#define WFT_RPC_ANY_PARAMS	(-1)

struct wft_control;
struct wft_rpc_call;

typedef void wft_rpc_handler(struct wft_rpc_call *call, json_t *params,
			     void *aux);

struct wft_rpc_method {
	const char *name;	/* "vsctl/transact", "vlog/set"... */
	const char *usage;	/* arguments, for list-commands; may be NULL */
	int args_min;
	int args_max;		/* WFT_RPC_ANY_PARAMS: handler checks */
	wft_rpc_handler *handler;
	void *aux;
};

struct wft_control_limits {
	size_t max_text;	/* one request; 0: WFT_JSONRPC_MAX_TEXT */
	size_t output_hiwat;	/* stop reading above this; 0: 1 MiB */
	size_t max_output;	/* cut off above this; 0: 2 x WFT_JSONRPC_MAX_TEXT */
	unsigned int max_clients; /* 0: 4096 */
};

/* A server with no socket yet: methods can be registered. */
struct wft_control *wft_control_new(struct wft_loop *loop,
				    const struct wft_control_limits *limits);
/*
 * Listens on @path: creates its parent directory (0755) if missing,
 * refuses to start when another server answers there, replaces a stale
 * socket. Returns 0 or -errno with the reason in @err.
 */
int wft_control_listen(struct wft_control *ctl, const char *path,
		       struct wft_strbuf *err);
/* Closes every client (pending calls are dropped), unlinks the socket. */
void wft_control_close(struct wft_control *ctl);
/* Stops accepting new clients (shutdown). */
void wft_control_stop_accepting(struct wft_control *ctl);
/* True when no client has unsent output (shutdown waits for this). */
bool wft_control_flushed(const struct wft_control *ctl);
unsigned int wft_control_n_clients(const struct wft_control *ctl);

/* Adds a method (copied; strings must outlive the server). -EEXIST when
 * the name is taken. */
int wft_control_register(struct wft_control *ctl,
			 const struct wft_rpc_method *method);
void wft_control_unregister(struct wft_control *ctl, const char *name);
/* The registered methods, sorted by name; valid until the next change. */
size_t wft_control_methods(const struct wft_control *ctl,
			   const struct wft_rpc_method *const **methods);

/* Answers. Each steals its JSON argument. */
void wft_rpc_reply(struct wft_rpc_call *call, json_t *result);
void wft_rpc_reply_text(struct wft_rpc_call *call, const char *text);
void wft_rpc_reply_error(struct wft_rpc_call *call, int code, json_t *data,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The method being called (for shared handlers). */
const char *wft_rpc_call_method(const struct wft_rpc_call *call);
struct wft_control *wft_rpc_call_control(const struct wft_rpc_call *call);

#endif /* WEFT_CONTROL_H */
