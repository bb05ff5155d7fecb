/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON-RPC 2.0 over a byte stream, as weftd's control socket speaks it:
 * messages are JSON texts written one after the other with no framing (like
 * OVSDB's), so a reader must find where each text ends.
 *
 * - struct wft_jsonrpc_stream splits a byte stream into texts, whatever the
 *   read sizes: a text may arrive one byte at a time, or many in one read.
 * - wft_jsonrpc_msg_parse() classifies a text as request, notification or
 *   response; the *_new() helpers build them.
 * - struct wft_jsonrpc_client is the small blocking client every CLI uses.
 *
 * Nothing here prints or exits; errors come back as negative errnos with a
 * struct wft_jsonrpc_error that says why.
 */
#ifndef WEFT_JSONRPC_H
#define WEFT_JSONRPC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* Error codes: JSON-RPC 2.0 section 5.1, and weft's one server error. */
#define WFT_RPC_PARSE_ERROR		(-32700)
#define WFT_RPC_INVALID_REQUEST		(-32600)
#define WFT_RPC_METHOD_NOT_FOUND	(-32601)
#define WFT_RPC_INVALID_PARAMS		(-32602)
#define WFT_RPC_INTERNAL_ERROR		(-32603)
/* The method ran and failed; the message says why (e.g. "no bridge named
 * br9"); data may hold details such as {"exit_status": 2}. */
#define WFT_RPC_FAILED			(-32000)

/* The largest text a stream accepts by default: room for an add-flows of
 * an OVN-sized pipeline (about 200 bytes a rule: 300,000 rules) in one
 * all-or-nothing request, and for the dump that reads it back. The
 * control socket is root's alone, so this bounds mistakes, not attacks. */
#define WFT_JSONRPC_MAX_TEXT		(64u << 20)

struct wft_jsonrpc_error {
	int code;		/* WFT_RPC_*; 0 when no error */
	char *message;		/* malloc()ed, NULL when no error */
	json_t *data;		/* the error's "data" member, or NULL */
};

void wft_jsonrpc_error_init(struct wft_jsonrpc_error *err);
void wft_jsonrpc_error_clear(struct wft_jsonrpc_error *err);
void wft_jsonrpc_error_set(struct wft_jsonrpc_error *err, int code,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The splitter. It scans bytes once, tracking nesting and strings; a text
 * ends when its outermost object or array closes. JSON-RPC texts are
 * objects or arrays, so any other first byte is an error that ends the
 * stream (there is no way to find where such a text stops).
 */
struct wft_jsonrpc_stream {
	char *buf;
	size_t off;		/* start of the bytes not yet taken */
	size_t len;		/* end of the bytes buffered */
	size_t cap;
	size_t scanned;		/* bytes of buf already scanned */
	size_t max_text;
	unsigned int depth;	/* nesting of the text being scanned */
	bool in_text;		/* the first '{' or '[' was seen */
	bool in_string;
	bool escaped;
	int fatal;		/* sticky negative errno once broken */
};

void wft_jsonrpc_stream_init(struct wft_jsonrpc_stream *s, size_t max_text);
void wft_jsonrpc_stream_uninit(struct wft_jsonrpc_stream *s);
/* Appends bytes. Returns 0, or -ENOMEM. */
int wft_jsonrpc_stream_feed(struct wft_jsonrpc_stream *s, const void *data,
			    size_t n);
/*
 * Takes the next text. Returns 1 with a new reference in *@json, 0 when
 * more bytes are needed, or:
 *  -EBADMSG   a whole text that is not valid JSON; it was skipped and the
 *             stream goes on; @err has code WFT_RPC_PARSE_ERROR and
 *             "line L, column C: what" (positions within the text)
 *  -EPROTO    a byte that cannot start a JSON-RPC text (permanent)
 *  -EMSGSIZE  a text longer than max_text (permanent)
 */
int wft_jsonrpc_stream_next(struct wft_jsonrpc_stream *s, json_t **json,
			    struct wft_jsonrpc_error *err);
/* True when no part of a text is buffered (only whitespace, if anything). */
bool wft_jsonrpc_stream_idle(const struct wft_jsonrpc_stream *s);

/* Messages. */
enum wft_jsonrpc_kind {
	WFT_JSONRPC_REQUEST,		/* method + id */
	WFT_JSONRPC_NOTIFICATION,	/* method, no id */
	WFT_JSONRPC_RESULT,		/* result + id */
	WFT_JSONRPC_ERROR,		/* error + id (may be null) */
};

/* Borrowed pointers into the parsed text. */
struct wft_jsonrpc_msg {
	enum wft_jsonrpc_kind kind;
	const char *method;
	json_t *params;		/* array or object; NULL when absent */
	json_t *id;		/* string, integer or null; NULL if absent */
	json_t *result;
	json_t *error;		/* the error object */
};

/*
 * Checks @json against JSON-RPC 2.0 ("jsonrpc": "2.0", the members each
 * kind needs and no foreign ones). Returns 0, or -EINVAL with a static
 * reason in *@why (for a WFT_RPC_INVALID_REQUEST reply).
 */
int wft_jsonrpc_msg_parse(json_t *json, struct wft_jsonrpc_msg *msg,
			  const char **why);

/* Builders. Each steals @params/@result/@data and copies @id. */
json_t *wft_jsonrpc_request_new(const char *method, json_t *params,
				json_int_t id);
json_t *wft_jsonrpc_notification_new(const char *method, json_t *params);
json_t *wft_jsonrpc_result_new(json_t *id, json_t *result);
json_t *wft_jsonrpc_error_new(json_t *id, int code, const char *message,
			      json_t *data);
/* The error of a WFT_JSONRPC_ERROR message, copied into @err. */
void wft_jsonrpc_error_from_msg(const struct wft_jsonrpc_msg *msg,
				struct wft_jsonrpc_error *err);
/* Compact serialization; malloc()ed, NULL when out of memory. */
char *wft_jsonrpc_dump(const json_t *json, size_t *len);

/*
 * The blocking client. Timeouts are in milliseconds; a negative timeout
 * waits forever. Calls return 0, or a negative errno with @err set:
 *  -EREMOTEIO  the server answered with an error (its code, message, data)
 *  -ETIMEDOUT  no answer in time
 *  -ECONNRESET the server closed the connection
 *  -EPROTO     the server sent something that is not a valid response
 *  other       the connect()/read()/write() errno
 */
struct wft_jsonrpc_client;

int wft_jsonrpc_client_open(const char *path, int timeout_ms,
			    struct wft_jsonrpc_client **clientp,
			    struct wft_jsonrpc_error *err);
void wft_jsonrpc_client_close(struct wft_jsonrpc_client *c);
int wft_jsonrpc_client_fd(const struct wft_jsonrpc_client *c);

/* Sends a request and waits for its response; steals @params (may be
 * NULL). *@result is a new reference on success. */
int wft_jsonrpc_call(struct wft_jsonrpc_client *c, const char *method,
		     json_t *params, int timeout_ms, json_t **result,
		     struct wft_jsonrpc_error *err);

/* The pieces of wft_jsonrpc_call(), for pipelining and for tests. */
int wft_jsonrpc_client_send(struct wft_jsonrpc_client *c, const json_t *msg,
			    int timeout_ms, struct wft_jsonrpc_error *err);
int wft_jsonrpc_client_send_raw(struct wft_jsonrpc_client *c,
				const void *data, size_t len, int timeout_ms,
				struct wft_jsonrpc_error *err);
/* Receives the next text (any kind); a new reference in *@json. */
int wft_jsonrpc_client_recv(struct wft_jsonrpc_client *c, int timeout_ms,
			    json_t **json, struct wft_jsonrpc_error *err);
/* The id the next wft_jsonrpc_call() will use. */
json_int_t wft_jsonrpc_client_next_id(struct wft_jsonrpc_client *c);

#endif /* WEFT_JSONRPC_H */
