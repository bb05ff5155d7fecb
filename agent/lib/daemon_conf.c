// SPDX-License-Identifier: GPL-2.0
/*
 * Two of weftd's own components:
 *
 * - "conf" loads conf.json at startup (a bad file stops weftd with the
 *   reason; a missing one means an empty configuration) and serves
 *   "vsctl/transact": weft-vsctl's commands run on a copy of the
 *   configuration, which replaces it (saved first) only if every command
 *   succeeded and the result is valid.
 * - "listen" opens the control socket. It comes last in weftd's list, so
 *   that no client connects before every method is registered.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/daemon.h"
#include "weft/vsctl.h"
#include "weft/vlog.h"

#include "daemon_priv.h"

WFT_LOG_MODULE(conf);

static void log_transaction(const struct wft_vsctl_cmds *cmds)
{
	struct wft_strbuf line = WFT_STRBUF_INIT;
	size_t i;
	int k;

	for (i = 0; i < cmds->n; i++) {
		if (i)
			wft_strbuf_puts(&line, " -- ");
		for (k = 0; k < cmds->cmds[i].n_raw; k++)
			wft_strbuf_printf(&line, "%s%s", k ? " " : "",
					  cmds->cmds[i].raw[k]);
	}
	wft_info("vsctl: %s", wft_strbuf_cstr(&line));
	wft_strbuf_free(&line);
}

static json_t *outputs_json(const struct wft_vsctl_result *res)
{
	json_t *arr = json_array();
	size_t i;

	for (i = 0; i < res->n; i++)
		json_array_append_new(arr, json_string(res->outputs[i]));
	return json_pack("{s:o}", "outputs", arr);
}

/* Runs the commands on a copy; commits it when it differs. */
static int transact(struct wft_daemon *d, const struct wft_vsctl_options *o,
		    const struct wft_vsctl_cmds *cmds,
		    struct wft_vsctl_result *res, struct wft_strbuf *err)
{
	struct wft_conf *copy = wft_conf_clone(wft_daemon_conf(d));
	int ret;

	ret = wft_vsctl_run(copy, cmds, &o->style, res, err);
	if (ret || o->dry_run || wft_conf_equal(copy, wft_daemon_conf(d))) {
		wft_conf_free(copy);
		return ret;
	}
	log_transaction(cmds);
	return wft_daemon_conf_commit(d, copy, err);
}

static void do_transact(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_vsctl_cmds cmds = { NULL, 0 };
	struct wft_vsctl_result res;
	struct wft_vsctl_options o;
	int ret;

	memset(&res, 0, sizeof(res));
	wft_vsctl_options_init(&o);
	if (wft_vsctl_params_parse(params, &o, &cmds, &err)) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL, "%s",
				    wft_strbuf_cstr(&err));
		goto out;
	}
	ret = transact(aux, &o, &cmds, &res, &err);
	if (ret)
		wft_rpc_reply_error(call, WFT_RPC_FAILED, res.exit_status ?
				    json_pack("{s:i}", "exit_status",
					      res.exit_status) : NULL,
				    "%s", wft_strbuf_cstr(&err));
	else
		wft_rpc_reply(call, outputs_json(&res));
out:
	wft_vsctl_result_free(&res);
	wft_vsctl_cmds_free(&cmds);
	wft_vsctl_options_uninit(&o);
	wft_strbuf_free(&err);
}

static int conf_init(struct wft_daemon *d, void **state,
		     struct wft_strbuf *err)
{
	const struct wft_daemon_config *cfg = wft_daemon_config(d);
	struct wft_conf *conf;
	int ret;

	ret = wft_conf_load(cfg->conf_path, cfg->uuid_gen, cfg->uuid_aux,
			    &conf, err);
	if (ret == -ENOENT) {
		wft_info("%s does not exist: starting with no bridges",
			 cfg->conf_path);
	} else if (ret) {
		return ret;
	} else {
		wft_info("configuration loaded from %s", cfg->conf_path);
		wft_daemon_conf_install(d, conf);
	}
	return wft_control_register(wft_daemon_control(d),
		&(struct wft_rpc_method) {
			.name = "vsctl/transact",
			.usage = "{\"commands\": [[ARG...]...]}",
			.args_max = WFT_RPC_ANY_PARAMS,
			.handler = do_transact, .aux = d });
}

static void conf_exit(struct wft_daemon *d, void *state)
{
	wft_control_unregister(wft_daemon_control(d), "vsctl/transact");
}

const struct wft_component wft_conf_component = {
	.name = "conf",
	.init = conf_init,
	.exit = conf_exit,
};

static int listen_init(struct wft_daemon *d, void **state,
		       struct wft_strbuf *err)
{
	return wft_control_listen(wft_daemon_control(d),
				  wft_daemon_config(d)->socket_path, err);
}

static void listen_exit(struct wft_daemon *d, void *state)
{
	wft_control_stop_accepting(wft_daemon_control(d));
}

const struct wft_component wft_listen_component = {
	.name = "listen",
	.init = listen_init,
	.exit = listen_exit,
};
