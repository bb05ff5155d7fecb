// SPDX-License-Identifier: GPL-2.0
/*
 * The GENEVE TLV map methods weft-ofctl calls (agent/ofctl/tlv.c), and the
 * file that keeps every bridge's map across restarts:
 *
 *   ofctl/add-tlv-map {"bridge", "mappings"} -> {}
 *   ofctl/del-tlv-map {"bridge", "mappings"?} -> {}   (none: all)
 *   ofctl/dump-tlv-map {"bridge"} -> {"text", "mappings": [...]}
 *
 * "mappings" is ovs-ofctl's text: "{class=0x0102,type=0x80,len=4}->
 * tun_metadata0,...". Unlike OVS (where the map is OpenFlow state and goes
 * with ovs-vswitchd), weftd saves maps in tlv_maps.json beside conf.json,
 * {"br-int": [{"class":258,"type":128,"len":4,"index":0}]}, because rules
 * an agent reinstalls after a restart must find the fields they use.
 *
 * Changes take the ports lock for writing: handler threads read the maps
 * (decoding and encoding options) under its read lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ofproto_priv.h"
#include "ofproto_rpc.h"
#include "weft/tlv_map.h"
#include "weft/tunnel_mtu.h"
#include "weft/util.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(ofproto_tlv);

#define TLV_FILE	"tlv_maps.json"

static char *tlv_path(struct ofproto_state *st)
{
	const struct wft_daemon_config *cfg = wft_daemon_config(st->d);
	char *copy = wft_xstrdup(cfg->conf_path ? cfg->conf_path
						: WFT_DEFAULT_CONF);
	size_t len = strlen(copy) + sizeof(TLV_FILE) + 2;
	char *path = wft_xmalloc(len);

	snprintf(path, len, "%s/%s", dirname(copy), TLV_FILE);
	free(copy);
	return path;
}

static json_t *load_all(const char *path)
{
	json_error_t jerr;
	json_t *j;

	if (access(path, F_OK))
		return json_object();
	j = json_load_file(path, 0, &jerr);
	if (!json_is_object(j)) {
		wft_warn("%s: %s (GENEVE TLV maps start empty)", path,
			 j ? "not a JSON object" : jerr.text);
		json_decref(j);
		return json_object();
	}
	return j;
}

/* Writes atomically: a temporary file, fsync, rename. */
static void save_all(struct ofproto_state *st)
{
	struct wft_ofproto *const *brs;
	char *path = tlv_path(st), *tmp;
	json_t *all = json_object();
	size_t i, n, len;
	FILE *f;
	int ok;

	n = wft_backer_bridges(st->backer, &brs);
	for (i = 0; i < n; i++)
		if (wft_tlv_map_space(brs[i]->tlv))
			json_object_set_new(all, brs[i]->name,
					    wft_tlv_map_to_json(brs[i]->tlv));
	len = strlen(path) + 8;
	tmp = wft_xmalloc(len);
	snprintf(tmp, len, "%s.tmp", path);
	f = fopen(tmp, "w");
	ok = f && !json_dumpf(all, f, JSON_SORT_KEYS) && !fflush(f) &&
	     !fsync(fileno(f));
	if (f && fclose(f))
		ok = 0;
	if (!ok || rename(tmp, path)) {
		wft_warn("%s: %s (GENEVE TLV maps will not survive a restart)",
			 path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	free(path);
	json_decref(all);
}

void wft_ofproto_tlv_load(struct ofproto_state *st)
{
	struct wft_ofproto *const *brs;
	json_t *all = NULL;
	char *path = NULL, err[256];
	size_t i, n;

	/* Handler threads may already translate for a new bridge. */
	pthread_rwlock_wrlock(&st->backer->lock);
	n = wft_backer_bridges(st->backer, &brs);
	for (i = 0; i < n; i++) {
		json_t *j;

		if (brs[i]->tlv_loaded)
			continue;
		brs[i]->tlv_loaded = true;
		if (!all) {
			path = tlv_path(st);
			all = load_all(path);
		}
		j = json_object_get(all, brs[i]->name);
		if (!j)
			continue;
		/* A new bridge has no rules yet: nobody points at its map. */
		if (wft_tlv_map_from_json(brs[i]->tlv, j, err, sizeof(err)))
			wft_warn("%s: bridge %s: %s (its TLV map starts "
				 "empty)", path, brs[i]->name, err);
	}
	pthread_rwlock_unlock(&st->backer->lock);
	json_decref(all);
	free(path);
}

/* Whether an action list uses field @id. */
static bool acts_use(const struct wft_ofpacts *acts, enum wft_field_id id)
{
	const struct wft_ofpact *a;
	size_t i;

	for (i = 0; i < acts->n; i++) {
		a = &acts->acts[i];
		switch (a->type) {
		case WFT_OFPACT_SET_FIELD:
		case WFT_OFPACT_LOAD:
			if (a->set.dst.field->id == id)
				return true;
			break;
		case WFT_OFPACT_MOVE:
			if (a->move.src.field->id == id ||
			    a->move.dst.field->id == id)
				return true;
			break;
		case WFT_OFPACT_OUTPUT_REG:
			if (a->output_reg.src.field->id == id)
				return true;
			break;
		case WFT_OFPACT_CHECK_PKT_LARGER:
			if (a->check_pkt.dst.field->id == id)
				return true;
			break;
		case WFT_OFPACT_CLONE:
			if (acts_use(a->clone.actions, id))
				return true;
			break;
		default:
			break;
		}
	}
	return false;
}

static bool field_in_use(void *aux, const struct wft_field *f)
{
	struct wft_ofproto *br = aux;
	unsigned int idx = f->id - WFT_F_TUN_METADATA0;
	struct wft_rule_list all;
	const struct wft_rule *r;
	struct wft_flow_wc mask;
	bool used = false;
	size_t i;

	wft_rule_list_init(&all);
	wft_pipeline_dump(br->pipeline, NULL, &all);
	for (i = 0; i < all.n && !used; i++) {
		r = all.rules[i];
		wft_cls_rule_get_match(&r->cr, NULL, &mask);
		used = (mask.masks.tun_md_present >> idx & 1) ||
		       acts_use(&r->actions, f->id);
	}
	wft_rule_list_destroy(&all);
	return used;
}

static int parse_mappings(struct wft_rpc_call *call, const json_t *params,
			  bool required, struct wft_tlv_mapping *m, size_t *n)
{
	const json_t *v = json_object_get(params, "mappings");
	char err[256];

	*n = 0;
	if (!v && !required)
		return 0;
	if (!json_is_string(v)) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "missing \"mappings\" (a string)");
		return -EINVAL;
	}
	if (wft_tlv_mappings_parse(json_string_value(v), m, WFT_N_TUN_METADATA,
				   n, err, sizeof(err))) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "%s", err);
		return -EINVAL;
	}
	return 0;
}

static void do_tlv_mod(struct wft_rpc_call *call, json_t *params, void *aux,
		       bool add)
{
	struct wft_tlv_mapping m[WFT_N_TUN_METADATA];
	struct ofproto_state *st = aux;
	struct wft_ofproto *br;
	char err[256];
	size_t n;
	int ret;

	if (!json_is_object(params)) {
		wft_rpc_reply_error(call, WFT_RPC_INVALID_PARAMS, NULL,
				    "expected {\"bridge\", \"mappings\"}");
		return;
	}
	br = wft_rpc_bridge(st, call, params);
	if (!br || parse_mappings(call, params, add, m, &n))
		return;
	pthread_rwlock_wrlock(&st->backer->lock);
	if (add)
		ret = wft_tlv_map_add(br->tlv, m, n, err, sizeof(err));
	else
		ret = wft_tlv_map_del(br->tlv, m, n, field_in_use, br, err,
				      sizeof(err));
	atomic_fetch_add(&st->backer->port_gen, 1);
	pthread_rwlock_unlock(&st->backer->lock);
	if (ret) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "%s", err);
		return;
	}
	save_all(st);
	wft_backer_changed(st->backer);
	wft_rpc_reply(call, json_object());
}

static void do_tlv_add(struct wft_rpc_call *call, json_t *params, void *aux)
{
	do_tlv_mod(call, params, aux, true);
}

static void do_tlv_del(struct wft_rpc_call *call, json_t *params, void *aux)
{
	do_tlv_mod(call, params, aux, false);
}

static void do_tlv_dump(struct wft_rpc_call *call, json_t *params, void *aux)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct ofproto_state *st = aux;
	struct wft_ofproto *br = wft_rpc_bridge(st, call, params);

	if (!br)
		return;
	wft_tlv_map_format(br->tlv, &sb);
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text", wft_strbuf_cstr(&sb),
				      "mappings",
				      wft_tlv_map_to_json(br->tlv)));
	wft_strbuf_free(&sb);
}

/* The option bytes a bridge's GENEVE packets carry at most: every
 * mapping's 4-byte header and data (tunnel_mtu.h). */
static unsigned int opts_of(const char *bridge, void *aux)
{
	struct ofproto_state *st = aux;
	struct wft_ofproto *br = wft_backer_find(st->backer, bridge);
	unsigned int i, n = 0;

	for (i = 0; br && i < WFT_N_TUN_METADATA; i++)
		if (br->tlv->e[i].mapped)
			n += 4 + br->tlv->e[i].len;
	return n;
}

/* tunnel/mtu [BRIDGE]: the arithmetic of every tunnel port. */
static void do_tunnel_mtu(struct wft_rpc_call *call, json_t *params,
			  void *aux)
{
	struct ofproto_state *st = aux;
	const struct wft_conf *conf = wft_daemon_conf(st->d);
	const json_t *a = json_is_array(params) ? json_array_get(params, 0)
						: NULL;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	const struct wft_row *br;
	size_t i;

	for (i = 0; i < conf->n_rows[WFT_TBL_BRIDGE]; i++) {
		br = conf->rows[WFT_TBL_BRIDGE][i];
		if (json_is_string(a) &&
		    strcmp(json_string_value(a), wft_row_name(br)))
			continue;
		wft_tunnel_mtu_report(conf, br, false, 0, &sb);
	}
	if (!sb.len)
		wft_strbuf_puts(&sb, "no tunnel ports\n");
	wft_rpc_reply(call, json_pack("{s:s}", "text", wft_strbuf_cstr(&sb)));
	wft_strbuf_free(&sb);
}

void wft_ofproto_register_tlv(struct ofproto_state *st)
{
	static const struct {
		const char *name, *usage;
		wft_rpc_handler *handler;
	} methods[] = {
		{ "ofctl/add-tlv-map", "{bridge, mappings}", do_tlv_add },
		{ "ofctl/del-tlv-map", "{bridge, mappings}", do_tlv_del },
		{ "ofctl/dump-tlv-map", "{bridge}", do_tlv_dump },
		{ "tunnel/mtu", "[BRIDGE]", do_tunnel_mtu },
	};
	struct wft_control *ctl = wft_daemon_control(st->d);
	size_t i;

	for (i = 0; i < WFT_ARRAY_SIZE(methods); i++)
		wft_control_register(ctl, &(struct wft_rpc_method) {
			.name = methods[i].name, .usage = methods[i].usage,
			.args_max = WFT_RPC_ANY_PARAMS,
			.handler = methods[i].handler, .aux = st });
	wft_tunnel_mtu_set_opts_fn(opts_of, st);
}

void wft_ofproto_unregister_tlv(struct ofproto_state *st)
{
	struct wft_control *ctl = wft_daemon_control(st->d);

	wft_tunnel_mtu_set_opts_fn(NULL, NULL);
	wft_control_unregister(ctl, "tunnel/mtu");
	wft_control_unregister(ctl, "ofctl/add-tlv-map");
	wft_control_unregister(ctl, "ofctl/del-tlv-map");
	wft_control_unregister(ctl, "ofctl/dump-tlv-map");
}
