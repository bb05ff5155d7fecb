/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the control socket shared by control.c (sockets, clients,
 * buffers) and control_rpc.c (method registry, dispatch, answers).
 */
#ifndef WEFT_CONTROL_PRIV_H
#define WEFT_CONTROL_PRIV_H

#include "weft/control.h"

struct client {
	struct wft_control *ctl;
	unsigned int serial;		/* for log messages */
	int fd;
	struct wft_watch *watch;
	struct wft_jsonrpc_stream in;
	char *out;			/* replies not yet sent */
	size_t out_off, out_len, out_cap;
	struct wft_rpc_call *calls;	/* not yet answered */
	unsigned int n_calls;
	bool input_done;		/* EOF read */
	bool closing;			/* close once the output is sent */
	bool dead;
	struct client *prev, *next;	/* ctl->clients, then ctl->dead */
};

/* Answers of one batch, sent as one array when the last one is in. */
struct batch {
	struct client *client;		/* NULL once gone */
	json_t *replies;
	unsigned int pending;		/* calls not answered, +1 while
					 * the batch is being dispatched */
};

struct wft_rpc_call {
	struct wft_control *ctl;
	struct client *client;		/* NULL once gone */
	struct batch *batch;		/* NULL outside batches */
	json_t *id;			/* NULL for a notification */
	char *method;
	struct wft_rpc_call *prev, *next; /* client->calls */
};

struct wft_control {
	struct wft_loop *loop;
	struct wft_control_limits limits;
	char *path;
	int lfd;
	struct wft_watch *listen_watch;
	struct client *clients;
	struct client *dead;		/* freed when dispatching drops to 0 */
	unsigned int n_clients;
	unsigned int serial;
	unsigned int dispatching;
	struct wft_rpc_method **methods; /* sorted by name */
	size_t n_methods;
};

/* control.c */
void wft_control_enter(struct wft_control *ctl);
void wft_control_leave(struct wft_control *ctl);
void wft_control_client_kill(struct client *c, const char *why);
void wft_control_client_send(struct client *c, const json_t *msg);
void wft_control_client_answered(struct client *c);

/* control_rpc.c: serves one text (a request, a notification or a batch). */
void wft_control_serve_text(struct client *c, json_t *text);

#endif /* WEFT_CONTROL_PRIV_H */
