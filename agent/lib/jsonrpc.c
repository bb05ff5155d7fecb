// SPDX-License-Identifier: GPL-2.0
/*
 * JSON-RPC 2.0 framing and messages (see include/weft/jsonrpc.h).
 *
 * The splitter only finds where a text ends; jansson then parses that text
 * alone, so a malformed text costs its own bytes and nothing after it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/jsonrpc.h"

void wft_jsonrpc_error_init(struct wft_jsonrpc_error *err)
{
	err->code = 0;
	err->message = NULL;
	err->data = NULL;
}

void wft_jsonrpc_error_clear(struct wft_jsonrpc_error *err)
{
	free(err->message);
	json_decref(err->data);
	wft_jsonrpc_error_init(err);
}

void wft_jsonrpc_error_set(struct wft_jsonrpc_error *err, int code,
			   const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	wft_jsonrpc_error_clear(err);
	err->code = code;
	va_start(ap, fmt);
	if (vasprintf(&err->message, fmt, ap) < 0)
		err->message = NULL;
	va_end(ap);
}

/* The splitter. */

void wft_jsonrpc_stream_init(struct wft_jsonrpc_stream *s, size_t max_text)
{
	memset(s, 0, sizeof(*s));
	s->max_text = max_text ? max_text : WFT_JSONRPC_MAX_TEXT;
}

void wft_jsonrpc_stream_uninit(struct wft_jsonrpc_stream *s)
{
	free(s->buf);
	s->buf = NULL;
	s->off = s->len = s->cap = s->scanned = 0;
}

int wft_jsonrpc_stream_feed(struct wft_jsonrpc_stream *s, const void *data,
			    size_t n)
{
	size_t cap;
	char *p;

	if (s->off) {
		/* Texts already taken: slide the rest to the front. */
		memmove(s->buf, s->buf + s->off, s->len - s->off);
		s->len -= s->off;
		s->scanned -= s->off;
		s->off = 0;
	}
	if (s->len + n > s->cap) {
		cap = s->cap ? s->cap : 4096;
		while (cap < s->len + n)
			cap *= 2;
		p = realloc(s->buf, cap);
		if (!p)
			return -ENOMEM;
		s->buf = p;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, n);
	s->len += n;
	return 0;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Drops the bytes before @end (a text and the whitespace before it). */
static void consume(struct wft_jsonrpc_stream *s, size_t end)
{
	s->off = end;
	s->scanned = end;
	if (s->off == s->len)
		s->off = s->len = s->scanned = 0;
}

/* Scans one byte of a text; returns true when it closed the text. */
static bool scan_byte(struct wft_jsonrpc_stream *s, char c)
{
	if (s->in_string) {
		if (s->escaped)
			s->escaped = false;
		else if (c == '\\')
			s->escaped = true;
		else if (c == '"')
			s->in_string = false;
		return false;
	}
	switch (c) {
	case '"':
		s->in_string = true;
		break;
	case '{':
	case '[':
		s->depth++;
		break;
	case '}':
	case ']':
		/* Unbalanced closers end the text early; jansson then
		 * reports it as malformed. */
		return --s->depth == 0;
	}
	return false;
}

/*
 * Finds the end of the next text. Returns the offset just past it, or 0
 * when it is incomplete; sets s->fatal on bad input.
 */
static size_t find_text_end(struct wft_jsonrpc_stream *s)
{
	size_t i;

	for (i = s->scanned; i < s->len; i++) {
		char c = s->buf[i];

		if (!s->in_text) {
			if (is_ws(c))
				continue;
			if (c != '{' && c != '[') {
				s->fatal = -EPROTO;
				return 0;
			}
			s->in_text = true;
		}
		if (scan_byte(s, c)) {
			s->in_text = false;
			s->scanned = i + 1;
			return i + 1;
		}
	}
	s->scanned = i;
	if (s->in_text && s->len - s->off > s->max_text)
		s->fatal = -EMSGSIZE;
	return 0;
}

int wft_jsonrpc_stream_next(struct wft_jsonrpc_stream *s, json_t **json,
			    struct wft_jsonrpc_error *err)
{
	json_error_t jerr;
	size_t end;

	*json = NULL;
	if (s->fatal)
		goto fatal;
	end = find_text_end(s);
	if (!end) {
		if (s->fatal)
			goto fatal;
		if (!s->in_text)	/* only whitespace so far */
			consume(s, s->len);
		return 0;
	}
	if (end - s->off > s->max_text) {
		s->fatal = -EMSGSIZE;
		goto fatal;
	}
	*json = json_loadb(s->buf + s->off, end - s->off,
			   JSON_DISABLE_EOF_CHECK, &jerr);
	consume(s, end);
	if (*json)
		return 1;
	wft_jsonrpc_error_set(err, WFT_RPC_PARSE_ERROR,
			      "line %d, column %d: %s", jerr.line, jerr.column,
			      jerr.text);
	return -EBADMSG;
fatal:
	if (s->fatal == -EMSGSIZE)
		wft_jsonrpc_error_set(err, WFT_RPC_PARSE_ERROR,
				      "message longer than %zu bytes",
				      s->max_text);
	else
		wft_jsonrpc_error_set(err, WFT_RPC_PARSE_ERROR,
				      "a JSON-RPC message must be an object "
				      "or an array");
	return s->fatal;
}

bool wft_jsonrpc_stream_idle(const struct wft_jsonrpc_stream *s)
{
	size_t i;

	for (i = s->off; i < s->len; i++)
		if (!is_ws(s->buf[i]))
			return false;
	return true;
}

/* Messages. */

static bool valid_id(const json_t *id)
{
	return json_is_string(id) || json_is_integer(id) || json_is_null(id);
}

static int parse_call(json_t *json, struct wft_jsonrpc_msg *msg,
		      const char **why)
{
	json_t *method = json_object_get(json, "method");

	if (!json_is_string(method)) {
		*why = "\"method\" must be a string";
		return -EINVAL;
	}
	msg->method = json_string_value(method);
	msg->params = json_object_get(json, "params");
	if (msg->params && !json_is_array(msg->params) &&
	    !json_is_object(msg->params)) {
		*why = "\"params\" must be an array or an object";
		return -EINVAL;
	}
	if (json_object_get(json, "result") || json_object_get(json, "error")) {
		*why = "a request has no \"result\" or \"error\"";
		return -EINVAL;
	}
	msg->kind = msg->id ? WFT_JSONRPC_REQUEST : WFT_JSONRPC_NOTIFICATION;
	return 0;
}

static int parse_response(json_t *json, struct wft_jsonrpc_msg *msg,
			  const char **why)
{
	msg->result = json_object_get(json, "result");
	msg->error = json_object_get(json, "error");
	if (!msg->id || (msg->result && msg->error) ||
	    (!msg->result && !msg->error)) {
		*why = "a response has an \"id\" and one of \"result\" or "
		       "\"error\"";
		return -EINVAL;
	}
	if (msg->error &&
	    (!json_is_object(msg->error) ||
	     !json_is_integer(json_object_get(msg->error, "code")) ||
	     !json_is_string(json_object_get(msg->error, "message")))) {
		*why = "\"error\" must have an integer \"code\" and a string "
		       "\"message\"";
		return -EINVAL;
	}
	msg->kind = msg->result ? WFT_JSONRPC_RESULT : WFT_JSONRPC_ERROR;
	return 0;
}

int wft_jsonrpc_msg_parse(json_t *json, struct wft_jsonrpc_msg *msg,
			  const char **why)
{
	const char *version;

	memset(msg, 0, sizeof(*msg));
	if (!json_is_object(json)) {
		*why = "a message must be an object";
		return -EINVAL;
	}
	version = json_string_value(json_object_get(json, "jsonrpc"));
	if (!version || strcmp(version, "2.0")) {
		*why = "\"jsonrpc\" must be \"2.0\"";
		return -EINVAL;
	}
	msg->id = json_object_get(json, "id");
	if (msg->id && !valid_id(msg->id)) {
		*why = "\"id\" must be a string, an integer or null";
		return -EINVAL;
	}
	if (json_object_get(json, "method"))
		return parse_call(json, msg, why);
	return parse_response(json, msg, why);
}

static json_t *envelope(void)
{
	return json_pack("{s:s}", "jsonrpc", "2.0");
}

json_t *wft_jsonrpc_request_new(const char *method, json_t *params,
				json_int_t id)
{
	json_t *msg = wft_jsonrpc_notification_new(method, params);

	if (msg)
		json_object_set_new(msg, "id", json_integer(id));
	return msg;
}

json_t *wft_jsonrpc_notification_new(const char *method, json_t *params)
{
	json_t *msg = envelope();

	if (!msg) {
		json_decref(params);
		return NULL;
	}
	json_object_set_new(msg, "method", json_string(method));
	if (params)
		json_object_set_new(msg, "params", params);
	return msg;
}

json_t *wft_jsonrpc_result_new(json_t *id, json_t *result)
{
	json_t *msg = envelope();

	if (!msg) {
		json_decref(result);
		return NULL;
	}
	json_object_set_new(msg, "result", result ? result : json_null());
	json_object_set(msg, "id", id ? id : json_null());
	return msg;
}

json_t *wft_jsonrpc_error_new(json_t *id, int code, const char *message,
			      json_t *data)
{
	json_t *msg = envelope(), *e;

	e = json_pack("{s:i,s:s}", "code", code, "message",
		      message ? message : "");
	if (!msg || !e) {
		json_decref(msg);
		json_decref(e);
		json_decref(data);
		return NULL;
	}
	if (data)
		json_object_set_new(e, "data", data);
	json_object_set_new(msg, "error", e);
	json_object_set(msg, "id", id ? id : json_null());
	return msg;
}

void wft_jsonrpc_error_from_msg(const struct wft_jsonrpc_msg *msg,
				struct wft_jsonrpc_error *err)
{
	json_t *data = json_object_get(msg->error, "data");

	wft_jsonrpc_error_set(err,
		(int)json_integer_value(json_object_get(msg->error, "code")),
		"%s", json_string_value(json_object_get(msg->error,
							 "message")));
	if (data)
		err->data = json_incref(data);
}

char *wft_jsonrpc_dump(const json_t *json, size_t *len)
{
	char *s = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);

	if (s && len)
		*len = strlen(s);
	return s;
}
