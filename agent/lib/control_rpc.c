// SPDX-License-Identifier: GPL-2.0
/*
 * The method registry and JSON-RPC dispatch of the control socket: checks
 * each request, runs its handler, routes the answer back to the client (or
 * into its batch). See include/weft/control.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"

#include "control_priv.h"

/* The registry. */

static ssize_t method_index(const struct wft_control *ctl, const char *name,
			    bool *found)
{
	size_t lo = 0, hi = ctl->n_methods;
	int cmp;

	*found = false;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		cmp = strcmp(name, ctl->methods[mid]->name);
		if (!cmp) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int wft_control_register(struct wft_control *ctl,
			 const struct wft_rpc_method *method)
{
	bool found;
	ssize_t i = method_index(ctl, method->name, &found);

	if (found)
		return -EEXIST;
	ctl->methods = wft_xrealloc(ctl->methods, (ctl->n_methods + 1) *
				    sizeof(*ctl->methods));
	memmove(&ctl->methods[i + 1], &ctl->methods[i],
		(ctl->n_methods - i) * sizeof(*ctl->methods));
	ctl->methods[i] = wft_xmemdup(method, sizeof(*method));
	ctl->n_methods++;
	return 0;
}

void wft_control_unregister(struct wft_control *ctl, const char *name)
{
	bool found;
	ssize_t i = method_index(ctl, name, &found);

	if (!found)
		return;
	free(ctl->methods[i]);
	memmove(&ctl->methods[i], &ctl->methods[i + 1],
		(ctl->n_methods - i - 1) * sizeof(*ctl->methods));
	ctl->n_methods--;
}

size_t wft_control_methods(const struct wft_control *ctl,
			   const struct wft_rpc_method *const **methods)
{
	*methods = (const struct wft_rpc_method *const *)ctl->methods;
	return ctl->n_methods;
}

static const struct wft_rpc_method *method_find(const struct wft_control *ctl,
						const char *name)
{
	bool found;
	ssize_t i = method_index(ctl, name, &found);

	return found ? ctl->methods[i] : NULL;
}

/* Answers. */

static void batch_put(struct batch *b)
{
	json_t *arr;

	if (--b->pending)
		return;
	arr = b->replies;
	if (b->client && json_array_size(arr))
		wft_control_client_send(b->client, arr);
	json_decref(arr);
	free(b);
}

static void call_unlink(struct wft_rpc_call *call)
{
	struct client *c = call->client;

	if (!c)
		return;
	if (call->prev)
		call->prev->next = call->next;
	else
		c->calls = call->next;
	if (call->next)
		call->next->prev = call->prev;
	c->n_calls--;
}

/* Routes @reply (stolen; NULL for notifications) and frees @call. */
static void call_finish(struct wft_rpc_call *call, json_t *reply)
{
	struct wft_control *ctl = call->ctl;
	struct client *c = call->client;

	wft_control_enter(ctl);
	call_unlink(call);
	if (call->batch) {
		if (reply && call->batch->client)
			json_array_append(call->batch->replies, reply);
		batch_put(call->batch);
	} else if (c && reply) {
		wft_control_client_send(c, reply);
	}
	if (c && !c->dead)
		wft_control_client_answered(c);
	json_decref(reply);
	json_decref(call->id);
	free(call->method);
	free(call);
	wft_control_leave(ctl);
}

void wft_rpc_reply(struct wft_rpc_call *call, json_t *result)
{
	if (!call->id) {
		json_decref(result);
		call_finish(call, NULL);
		return;
	}
	call_finish(call, wft_jsonrpc_result_new(call->id, result));
}

void wft_rpc_reply_text(struct wft_rpc_call *call, const char *text)
{
	wft_rpc_reply(call, json_pack("{s:s}", "text", text ? text : ""));
}

void wft_rpc_reply_error(struct wft_rpc_call *call, int code, json_t *data,
			 const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	if (!call->id) {
		json_decref(data);
		call_finish(call, NULL);
		return;
	}
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	call_finish(call, wft_jsonrpc_error_new(call->id, code, msg, data));
	free(msg);
}

const char *wft_rpc_call_method(const struct wft_rpc_call *call)
{
	return call->method;
}

struct wft_control *wft_rpc_call_control(const struct wft_rpc_call *call)
{
	return call->ctl;
}

/* Dispatch. */

/* An error answer that needs no call (bad request, unknown method). */
static void reply_now(struct client *c, struct batch *b, json_t *reply)
{
	if (!reply)
		return;
	if (b)
		json_array_append(b->replies, reply);
	else
		wft_control_client_send(c, reply);
	json_decref(reply);
}

/* Checks appctl-style params; NULL when good, else the message. */
static char *check_argv(const struct wft_rpc_method *m, json_t *params)
{
	size_t i, n = json_array_size(params);
	char *msg = NULL;
	json_t *v;

	if (m->args_max == WFT_RPC_ANY_PARAMS)
		return NULL;
	if (params && !json_is_array(params))
		return wft_xstrdup("params must be an array of strings");
	json_array_foreach(params, i, v)
		if (!json_is_string(v))
			return wft_xstrdup("params must be an array of "
					   "strings");
	if (n < (size_t)m->args_min &&
	    asprintf(&msg, "\"%s\" command requires at least %d arguments",
		     m->name, m->args_min) < 0)
		msg = NULL;
	else if (n > (size_t)m->args_max &&
		 asprintf(&msg, "\"%s\" command takes at most %d arguments",
			  m->name, m->args_max) < 0)
		msg = NULL;
	return msg;
}

/* Worded as ovs-appctl words it, since weft-appctl prints it. */
static void reply_unknown(struct client *c, struct batch *b,
			  const struct wft_jsonrpc_msg *msg)
{
	char *text = NULL;

	if (asprintf(&text, "\"%s\" is not a valid command (use "
		     "\"list-commands\" to see a list of valid commands)",
		     msg->method) < 0)
		text = NULL;
	reply_now(c, b, wft_jsonrpc_error_new(msg->id,
		  WFT_RPC_METHOD_NOT_FOUND, text, NULL));
	free(text);
}

static void call_start(struct client *c, struct batch *b,
		       const struct wft_rpc_method *m,
		       const struct wft_jsonrpc_msg *msg)
{
	struct wft_rpc_call *call = wft_xcalloc(1, sizeof(*call));

	call->ctl = c->ctl;
	call->client = c;
	call->batch = b;
	call->id = msg->id ? json_incref(msg->id) : NULL;
	call->method = wft_xstrdup(m->name);
	call->next = c->calls;
	if (call->next)
		call->next->prev = call;
	c->calls = call;
	c->n_calls++;
	if (b)
		b->pending++;
	m->handler(call, msg->params, m->aux);
}

static void serve_one(struct client *c, struct batch *b, json_t *text)
{
	const struct wft_rpc_method *m;
	struct wft_jsonrpc_msg msg;
	const char *why;
	char *bad;

	if (wft_jsonrpc_msg_parse(text, &msg, &why)) {
		json_t *id = json_object_get(text, "id");

		if (!json_is_string(id) && !json_is_integer(id))
			id = NULL;
		reply_now(c, b, wft_jsonrpc_error_new(id,
			  WFT_RPC_INVALID_REQUEST, why, NULL));
		return;
	}
	if (msg.kind == WFT_JSONRPC_RESULT || msg.kind == WFT_JSONRPC_ERROR)
		return;		/* weftd sends no requests to answer */
	m = method_find(c->ctl, msg.method);
	if (!m) {
		if (msg.id)
			reply_unknown(c, b, &msg);
		return;
	}
	bad = check_argv(m, msg.params);
	if (bad) {
		if (msg.id)
			reply_now(c, b, wft_jsonrpc_error_new(msg.id,
				  WFT_RPC_INVALID_PARAMS, bad, NULL));
		free(bad);
		return;
	}
	call_start(c, b, m, &msg);
}

void wft_control_serve_text(struct client *c, json_t *text)
{
	struct batch *b;
	size_t i;
	json_t *v;

	if (!json_is_array(text)) {
		serve_one(c, NULL, text);
		return;
	}
	if (!json_array_size(text)) {
		reply_now(c, NULL, wft_jsonrpc_error_new(NULL,
			  WFT_RPC_INVALID_REQUEST, "empty batch", NULL));
		return;
	}
	b = wft_xcalloc(1, sizeof(*b));
	b->client = c;
	b->replies = json_array();
	b->pending = 1;
	json_array_foreach(text, i, v) {
		if (c->dead)
			break;
		serve_one(c, b, v);
	}
	if (c->dead)
		b->client = NULL;
	batch_put(b);
}
