// SPDX-License-Identifier: GPL-2.0
/*
 * weftd's built-in control methods, the ones ovs-appctl users reach for
 * first: list-commands, version, exit, vlog/list, vlog/set,
 * coverage/show, coverage/read-counter. Text results are {"text": ...},
 * with the structured form under "data" where there is one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/coverage.h"
#include "weft/daemon.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(appctl);

struct appctl {
	struct wft_daemon *d;
	struct wft_timer *coverage_timer;
};

static void reply_strbuf(struct wft_rpc_call *call, struct wft_strbuf *sb,
			 json_t *data)
{
	json_t *r = json_pack("{s:s}", "text", wft_strbuf_cstr(sb));

	if (data)
		json_object_set_new(r, "data", data);
	wft_rpc_reply(call, r);
	wft_strbuf_free(sb);
}

static void do_list_commands(struct wft_rpc_call *call, json_t *params,
			     void *aux)
{
	const struct wft_rpc_method *const *m;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	json_t *names = json_array();
	size_t i, n;

	n = wft_control_methods(wft_rpc_call_control(call), &m);
	wft_strbuf_puts(&sb, "The available commands are:\n");
	for (i = 0; i < n; i++) {
		wft_strbuf_printf(&sb, "  %-23s %s\n", m[i]->name,
				  m[i]->usage ? m[i]->usage : "");
		json_array_append_new(names, json_string(m[i]->name));
	}
	reply_strbuf(call, &sb, names);
}

static void do_version(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct appctl *a = aux;
	struct wft_strbuf sb = WFT_STRBUF_INIT;

	wft_strbuf_printf(&sb, "weftd (weft) %s\n",
			  wft_daemon_config(a->d)->version);
	reply_strbuf(call, &sb, json_string(wft_daemon_config(a->d)->version));
}

static void do_exit(struct wft_rpc_call *call, json_t *params, void *aux)
{
	const char *arg = json_string_value(json_array_get(params, 0));
	struct appctl *a = aux;

	if (arg && strcmp(arg, "--restart")) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "unknown option %s (only --restart)", arg);
		return;
	}
	/* The answer is queued before the drain starts, so it goes out.
	 * Without --restart the node leaves for good: the OVN chassis
	 * releases its ports and deletes its rows first. */
	wft_rpc_reply_text(call, "");
	wft_daemon_request_exit_ex(a->d, 0, arg != NULL);
}

static void do_vlog_list(struct wft_rpc_call *call, json_t *params,
			 void *aux)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;

	wft_log_list(&sb);
	reply_strbuf(call, &sb, NULL);
}

static void do_vlog_set(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	size_t i;
	json_t *v;

	json_array_foreach(params, i, v) {
		if (wft_log_set_spec(json_string_value(v), &err)) {
			wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "%s",
					    wft_strbuf_cstr(&err));
			wft_strbuf_free(&err);
			return;
		}
	}
	wft_strbuf_free(&err);
	wft_rpc_reply_text(call, "");
}

static void do_coverage_show(struct wft_rpc_call *call, json_t *params,
			     void *aux)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;

	wft_coverage_show(&sb);
	reply_strbuf(call, &sb, NULL);
}

static void do_coverage_read(struct wft_rpc_call *call, json_t *params,
			     void *aux)
{
	const char *name = json_string_value(json_array_get(params, 0));
	struct wft_coverage_counter *c = wft_coverage_find(name);
	struct wft_strbuf sb = WFT_STRBUF_INIT;

	if (!c) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL,
				    "no counter named %s", name);
		return;
	}
	wft_strbuf_printf(&sb, "%llu\n",
			  (unsigned long long)wft_coverage_read(c));
	reply_strbuf(call, &sb, json_integer(wft_coverage_read(c)));
}

static const struct wft_rpc_method methods[] = {
	{ "list-commands", NULL, 0, 0, do_list_commands, NULL },
	{ "version", NULL, 0, 0, do_version, NULL },
	{ "exit", "[--restart]", 0, 1, do_exit, NULL },
	{ "vlog/list", NULL, 0, 0, do_vlog_list, NULL },
	{ "vlog/set", "{SPEC | MODULE[:DEST[:LEVEL]]}...", 1, 16,
	  do_vlog_set, NULL },
	{ "coverage/show", NULL, 0, 0, do_coverage_show, NULL },
	{ "coverage/read-counter", "COUNTER", 1, 1, do_coverage_read, NULL },
};

static void on_coverage(struct wft_timer *t, void *aux)
{
	wft_coverage_run();
}

static void appctl_exit(struct wft_daemon *d, void *state)
{
	struct appctl *a = state;
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(methods); i++)
		wft_control_unregister(wft_daemon_control(d), methods[i].name);
	wft_timer_cancel(a->coverage_timer);
	free(a);
}

static int appctl_init(struct wft_daemon *d, void **state,
		       struct wft_strbuf *err)
{
	struct appctl *a = wft_xcalloc(1, sizeof(*a));
	struct wft_rpc_method m;
	size_t i;

	a->d = d;
	*state = a;
	for (i = 0; i < WFT_ARRAY_SIZE(methods); i++) {
		m = methods[i];
		m.aux = a;
		if (wft_control_register(wft_daemon_control(d), &m)) {
			wft_strbuf_printf(err, "method %s registered twice",
					  m.name);
			appctl_exit(d, a);
			return -EEXIST;
		}
	}
	a->coverage_timer = wft_loop_timer(wft_daemon_loop(d),
					   WFT_COVERAGE_INTERVAL_MS, true,
					   on_coverage, NULL);
	return 0;
}

const struct wft_component wft_appctl_component = {
	.name = "appctl",
	.init = appctl_init,
	.exit = appctl_exit,
};
