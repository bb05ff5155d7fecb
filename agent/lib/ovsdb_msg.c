// SPDX-License-Identifier: GPL-2.0
/*
 * OVSDB's JSON-RPC 1.0 messages (see include/weft/ovsdb.h). The byte
 * stream is split into texts by wft_jsonrpc_stream (agent/lib/jsonrpc.c);
 * this file only classifies and builds texts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovsdb.h"

int wft_ovsdb_msg_parse(json_t *j, struct wft_ovsdb_msg *msg,
			const char **why)
{
	json_t *method, *result, *error;

	memset(msg, 0, sizeof(*msg));
	if (!json_is_object(j)) {
		*why = "a message must be an object";
		return -EPROTO;
	}
	msg->id = json_object_get(j, "id");
	if (!msg->id) {
		*why = "a message must have an \"id\"";
		return -EPROTO;
	}
	method = json_object_get(j, "method");
	if (method) {
		if (!json_is_string(method)) {
			*why = "\"method\" must be a string";
			return -EPROTO;
		}
		msg->method = json_string_value(method);
		msg->params = json_object_get(j, "params");
		if (!json_is_array(msg->params)) {
			*why = "\"params\" must be an array";
			return -EPROTO;
		}
		if (json_is_null(msg->id)) {
			msg->id = NULL;
			msg->kind = WFT_OVSDB_MSG_NOTIFY;
		} else {
			msg->kind = WFT_OVSDB_MSG_REQUEST;
		}
		return 0;
	}
	result = json_object_get(j, "result");
	error = json_object_get(j, "error");
	if (error && !json_is_null(error)) {
		if (result && !json_is_null(result)) {
			*why = "a reply has a null \"result\" or a null "
			       "\"error\"";
			return -EPROTO;
		}
		msg->kind = WFT_OVSDB_MSG_ERROR;
		msg->error = error;
		return 0;
	}
	if (!result) {
		*why = "a message has a \"method\", a \"result\" or an "
		       "\"error\"";
		return -EPROTO;
	}
	msg->kind = WFT_OVSDB_MSG_REPLY;
	msg->result = result;
	return 0;
}

json_t *wft_ovsdb_request_new(const char *method, json_t *params,
			      json_int_t id)
{
	return json_pack("{s:s,s:o,s:I}", "method", method, "params",
			 params ? params : json_array(), "id", id);
}

json_t *wft_ovsdb_notify_new(const char *method, json_t *params)
{
	return json_pack("{s:s,s:o,s:n}", "method", method, "params",
			 params ? params : json_array(), "id");
}

json_t *wft_ovsdb_reply_new(const json_t *id, json_t *result)
{
	return json_pack("{s:o,s:n,s:O}", "result",
			 result ? result : json_null(), "error", "id", id);
}

json_t *wft_ovsdb_error_reply_new(const json_t *id, json_t *error)
{
	return json_pack("{s:n,s:o,s:O}", "result", "error", error, "id", id);
}

void wft_ovsdb_error_format(const json_t *error, struct wft_strbuf *out)
{
	const char *e = json_string_value(json_object_get(error, "error"));
	const char *d = json_string_value(json_object_get(error, "details"));
	char *s;

	if (e) {
		wft_strbuf_puts(out, e);
		if (d)
			wft_strbuf_printf(out, ": %s", d);
		return;
	}
	s = json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY);
	wft_strbuf_puts(out, s ? s : "?");
	free(s);
}
