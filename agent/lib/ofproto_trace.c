// SPDX-License-Identifier: GPL-2.0
/*
 * ofproto/trace {"bridge", "flow", "format"?} -> {"text", "trace"}: one
 * packet through a bridge's pipeline, reported as ovs-appctl
 * ofproto/trace reports it:
 *
 *   Flow: tcp,in_port=1,nw_src=10.0.0.1,tp_dst=80
 *
 *   bridge("br0")
 *   -------------
 *    0. tcp,tp_dst=80, priority 100, cookie 0x5
 *       resubmit(,1)
 *        1. priority 0
 *           output:2
 *
 *   Final flow: unchanged
 *   Megaflow: tcp,in_port=1,nw_frag=no,tp_dst=80
 *   Datapath actions: 3
 *
 * Each lookup is indented by its resubmit depth; a rule's actions follow
 * it one per line, and the lookups they lead to come after them (OVS
 * interleaves them with the action that caused them). Nothing is
 * learned and nothing is installed.
 *
 * On the OVN chassis' bridge each rule is followed by the Logical_Flow
 * (or SB lookup row) it came from, and the report ends with the chain of
 * logical stages ("provenance": false in the params turns this off;
 * docs/provenance.md).
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ofproto_rpc.h"
#include "weft/daemon.h"
#include "weft/odp.h"
#include "weft/ovn_provenance.h"
#include "weft/util.h"

static void indent(struct wft_strbuf *sb, unsigned int depth)
{
	unsigned int i;

	for (i = 0; i < 4 * depth; i++)
		wft_strbuf_putc(sb, ' ');
}

/* The rule's actions, one per line, into @text and @acts. */
static void put_actions(const struct wft_rule *r, unsigned int depth,
			struct wft_strbuf *text, json_t *acts)
{
	struct wft_strbuf one = WFT_STRBUF_INIT;
	struct wft_ofpacts single;
	struct wft_flow_wc mask;
	struct wft_flow match;
	size_t i;

	if (!r->actions.n) {
		indent(text, depth + 1);
		wft_strbuf_puts(text, "drop\n");
		return;
	}
	wft_cls_rule_get_match(&r->cr, &match, &mask);
	for (i = 0; i < r->actions.n; i++) {
		single.acts = &r->actions.acts[i];
		single.n = single.allocated = 1;
		wft_strbuf_reset(&one);
		wft_ofp_actions_format(&single, &match, &mask, &one);
		indent(text, depth + 1);
		wft_strbuf_printf(text, "%s\n", wft_strbuf_cstr(&one));
		json_array_append_new(acts, json_string(wft_strbuf_cstr(&one)));
	}
	wft_strbuf_free(&one);
}

static json_t *trace_lookup(const struct wft_trace_entry *e, json_t *prov,
			    struct wft_strbuf *text)
{
	struct wft_strbuf m = WFT_STRBUF_INIT;
	const struct wft_rule *r = e->rule;
	struct wft_flow_wc mask;
	struct wft_flow match;
	json_t *j, *acts;

	indent(text, e->depth);
	wft_strbuf_printf(text, "%2u. ", e->table);
	j = json_pack("{s:s,s:i,s:i}", "kind", "lookup", "depth", e->depth,
		      "table", e->table);
	if (!r) {
		wft_strbuf_puts(text, "No match.\n");
		indent(text, e->depth + 1);
		wft_strbuf_puts(text, "drop\n");
		json_object_set_new(j, "rule", json_null());
		return j;
	}
	wft_cls_rule_get_match(&r->cr, &match, &mask);
	wft_ofp_match_format(&match, &mask, WFT_OFP_DEFAULT_PRIORITY, &m);
	wft_strbuf_printf(text, "%s%spriority %d", wft_strbuf_cstr(&m),
			  m.len ? ", " : "", r->cr.priority);
	if (r->cookie)
		wft_strbuf_printf(text, ", cookie %#llx",
				  (unsigned long long)r->cookie);
	wft_strbuf_putc(text, '\n');
	if (prov)
		wft_ovn_prov_format(prov, 4 * (e->depth + 1), text);
	acts = json_array();
	put_actions(r, e->depth, text, acts);
	json_object_set_new(j, "rule", json_pack("{s:s,s:i,s:o,s:o}",
		"match", wft_strbuf_cstr(&m), "priority", r->cr.priority,
		"cookie", json_sprintf("0x%llx",
				       (unsigned long long)r->cookie),
		"actions", acts));
	if (prov)
		json_object_set(j, "provenance", prov);
	wft_strbuf_free(&m);
	return j;
}

static json_t *trace_note(const struct wft_trace_entry *e,
			  struct wft_strbuf *text)
{
	const char *s = e->text ? e->text : "";
	size_t len;

	/* Notes come from actions: at their rule's action indentation. */
	if (!strncmp(s, "bridge(\"", 8)) {
		/* A patch port: the peer bridge's header, as OVS has it. */
		len = strlen(s);
		wft_strbuf_putc(text, '\n');
		indent(text, e->depth);
		wft_strbuf_printf(text, "%s\n", s);
		indent(text, e->depth);
		while (len--)
			wft_strbuf_putc(text, '-');
		wft_strbuf_putc(text, '\n');
	} else {
		indent(text, e->depth);
		wft_strbuf_printf(text, ">> %s\n", s);
	}
	return json_pack("{s:s,s:i,s:s}", "kind", "note", "depth", e->depth,
			 "text", s);
}

static bool is_l4(const struct wft_flow *f)
{
	return !(f->nw_frag & WFT_FRAG_LATER) &&
	       (f->nw_proto == 6 || f->nw_proto == 17 || f->nw_proto == 132 ||
		f->nw_proto == 1 || f->nw_proto == 58);
}

/* Every field the packet has, as OVS's "Flow:" line shows them (and the
 * registers and metadata the pipeline set). */
static void packet_mask(const struct wft_flow *f, struct wft_flow_wc *wc)
{
	struct wft_flow *m = &wc->masks;
	uint16_t type = ntohs(f->dl_type);
	int i;

	wft_flow_wc_init_catchall(wc);
	for (i = 0; i < WFT_N_REGS; i++)
		m->regs[i] = f->regs[i] ? UINT32_MAX : 0;
	m->metadata = f->metadata ? UINT64_MAX : 0;
	m->in_port = UINT32_MAX;
	m->vlan_tci = 0xffff;
	memset(m->dl_src, 0xff, 6);
	memset(m->dl_dst, 0xff, 6);
	m->dl_type = 0xffff;
	if (f->tun_dst || f->tun_ipv6_dst.s6_addr32[0] ||
	    f->tun_ipv6_dst.s6_addr32[1] || f->tun_ipv6_dst.s6_addr32[2] ||
	    f->tun_ipv6_dst.s6_addr32[3]) {
		/* A tunnel packet: its tunnel key, as OVS's trace shows. */
		m->tun_id = UINT64_MAX;
		if (f->tun_dst) {
			m->tun_src = m->tun_dst = UINT32_MAX;
		} else {
			memset(&m->tun_ipv6_src, 0xff, 16);
			memset(&m->tun_ipv6_dst, 0xff, 16);
		}
		m->tun_flags = htons(WFT_TNL_F_OAM);
		m->tun_md_present = f->tun_md_present;
		memset(m->tun_md, 0xff, sizeof(m->tun_md));
	}
	if (type == WFT_ETH_TYPE_ARP || type == WFT_ETH_TYPE_RARP) {
		m->nw_src = m->nw_dst = UINT32_MAX;
		m->nw_proto = 0xff;
		memset(m->arp_sha, 0xff, 6);
		memset(m->arp_tha, 0xff, 6);
		return;
	}
	if (type != WFT_ETH_TYPE_IP && type != WFT_ETH_TYPE_IPV6)
		return;
	if (type == WFT_ETH_TYPE_IP) {
		m->nw_src = m->nw_dst = UINT32_MAX;
	} else {
		memset(&m->ipv6_src, 0xff, sizeof(m->ipv6_src));
		memset(&m->ipv6_dst, 0xff, sizeof(m->ipv6_dst));
		m->ipv6_label = htonl(0xfffff);
	}
	m->nw_proto = m->nw_tos = m->nw_ttl = 0xff;
	m->nw_frag = WFT_FRAG_ANY | WFT_FRAG_LATER;
	if (is_l4(f))
		m->tp_src = m->tp_dst = 0xffff;
	if (is_l4(f) && f->nw_proto == 6)
		m->tcp_flags = htons(0x0fff);
}

/* The final flow: the packet's fields and those the actions set. */
static void final_flow(const struct wft_flow *in, const struct wft_flow *out,
		       struct wft_strbuf *sb)
{
	const uint8_t *a = (const uint8_t *)in, *b = (const uint8_t *)out;
	struct wft_flow_wc m;
	uint8_t *mm = (uint8_t *)&m.masks;
	size_t i;

	if (!memcmp(in, out, sizeof(*in))) {
		wft_strbuf_puts(sb, "unchanged");
		return;
	}
	packet_mask(out, &m);
	for (i = 0; i < sizeof(*in); i++)
		mm[i] |= a[i] ^ b[i] ? 0xff : 0;
	wft_ofp_match_format(out, &m, WFT_OFP_DEFAULT_PRIORITY, sb);
}

/* "recirc_id=ID" in FLOW (as ovs-appctl ofproto/trace takes it) names the
 * recirculation a packet comes back with, so that a trace can follow a
 * packet through ct(table=N) pass by pass. It is no OpenFlow match field:
 * it is taken out of @s (a copy) before the match is parsed. Returns 0 or
 * -EINVAL for a bad value. */
static int take_recirc_id(char *s, uint32_t *id)
{
	static const char key[] = "recirc_id=";
	char *p = s, *end, *next;
	unsigned long v;

	*id = 0;
	while ((p = strstr(p, key))) {
		if (p == s || p[-1] == ',' || p[-1] == ' ')
			break;
		p += sizeof(key) - 1;
	}
	if (!p)
		return 0;
	errno = 0;
	v = strtoul(p + sizeof(key) - 1, &end, 0);
	if (errno || end == p + sizeof(key) - 1 || v > UINT32_MAX ||
	    (*end && *end != ',' && *end != ' '))
		return -EINVAL;
	*id = (uint32_t)v;
	next = *end ? end + 1 : end;
	if (!*next && p > s)
		p--;		/* the last one: drop the comma before it */
	memmove(p, next, strlen(next) + 1);
	return 0;
}

struct trace_req {
	struct wft_ofproto *br;
	struct wft_flow flow;
	struct wft_flow_wc mask;	/* what the user wrote */
	struct wft_ovn_prov *prov;	/* the OVN chassis' bridge, or NULL */
};

/* Where each rule met came from, when the bridge is the OVN chassis'
 * (docs/provenance.md); NULL for the others. */
static json_t *rule_prov(const struct trace_req *rq,
			 const struct wft_trace_entry *e)
{
	if (!rq->prov || e->kind != WFT_TRACE_LOOKUP || !e->rule)
		return NULL;
	/* metadata is big-endian; OVN keeps the datapath key in it. */
	return wft_ovn_prov_lookup(rq->prov, e->table, e->rule->cookie,
				   (uint32_t)be64toh(e->flow.metadata));
}

/* "Logical stages:": the chain of Logical_Flow stages the packet took. */
static void stages(json_t **provs, size_t n, struct wft_strbuf *text,
		   json_t *trace)
{
	struct wft_strbuf s = WFT_STRBUF_INIT;
	json_t *runs = wft_ovn_prov_stages(provs, n, &s);

	if (json_array_size(runs))
		wft_strbuf_printf(text, "\nLogical stages:\n%s",
				  wft_strbuf_cstr(&s));
	json_object_set_new(trace, "logical_stages", runs);
	wft_strbuf_free(&s);
}

static void report(const struct trace_req *rq, struct wft_ofproto_xlate *x,
		   int ret, struct wft_strbuf *text, json_t *trace)
{
	struct wft_strbuf s = WFT_STRBUF_INIT;
	const char *name = wft_ofproto_name(rq->br);
	json_t *steps = json_array(), **provs;
	struct wft_flow megaflow;
	struct wft_flow_wc m;
	size_t i, len = strlen(name) + 10;

	packet_mask(&rq->flow, &m);
	wft_ofp_match_format(&rq->flow, &m, WFT_OFP_DEFAULT_PRIORITY, &s);
	wft_strbuf_printf(text, "Flow: %s\n\nbridge(\"%s\")\n",
			  wft_strbuf_cstr(&s), name);
	json_object_set_new(trace, "flow", json_string(wft_strbuf_cstr(&s)));
	json_object_set_new(trace, "bridge", json_string(name));
	while (len--)
		wft_strbuf_putc(text, '-');
	wft_strbuf_putc(text, '\n');
	provs = wft_xcalloc(x->out.trace.n + 1, sizeof(*provs));
	for (i = 0; i < x->out.trace.n; i++) {
		const struct wft_trace_entry *e = &x->out.trace.entries[i];

		provs[i] = rule_prov(rq, e);
		json_array_append_new(steps, e->kind == WFT_TRACE_LOOKUP
					     ? trace_lookup(e, provs[i], text)
					     : trace_note(e, text));
	}
	json_object_set_new(trace, "steps", steps);
	wft_strbuf_reset(&s);
	final_flow(&rq->flow, &x->out.final_flow, &s);
	wft_strbuf_printf(text, "\nFinal flow: %s\n", wft_strbuf_cstr(&s));
	json_object_set_new(trace, "final_flow",
			    json_string(wft_strbuf_cstr(&s)));
	wft_strbuf_reset(&s);
	megaflow = x->flow;
	wft_flow_zero_wildcards(&megaflow, &x->wc);
	wft_ofp_match_format(&megaflow, &x->wc, WFT_OFP_DEFAULT_PRIORITY, &s);
	wft_strbuf_printf(text, "Megaflow: %s\n", wft_strbuf_cstr(&s));
	json_object_set_new(trace, "megaflow", json_string(wft_strbuf_cstr(&s)));
	wft_strbuf_reset(&s);
	wft_odp_actions_format(x->out.actions.data, x->out.actions.len, &s, 0);
	wft_strbuf_printf(text, "Datapath actions: %s\n", wft_strbuf_cstr(&s));
	json_object_set_new(trace, "datapath_actions",
			    json_string(wft_strbuf_cstr(&s)));
	if (rq->prov)
		stages(provs, x->out.trace.n, text, trace);
	for (i = 0; i < x->out.trace.n; i++)
		json_decref(provs[i]);
	free(provs);
	if (x->out.error || ret) {
		wft_strbuf_printf(text, "Translation failed: %s\n",
				  x->out.error ? x->out.errmsg
					       : "no datapath port for in_port");
		json_object_set_new(trace, "error", json_string(
			x->out.error ? x->out.errmsg
				     : "no datapath port for in_port"));
	}
	wft_strbuf_free(&s);
}

static void do_trace(struct wft_rpc_call *call, json_t *params, void *aux)
{
	/* weft-trace sends an object, weft-appctl "BRIDGE FLOW". */
	const char *s = json_string_value(json_is_array(params)
					  ? json_array_get(params, 1)
					  : json_object_get(params, "flow"));
	struct wft_strbuf text = WFT_STRBUF_INIT;
	struct ofproto_state *st = aux;
	uint32_t recirc_id = 0;
	char *flow;
	struct wft_ofproto_xlate x;
	struct trace_req rq;
	const char *why = NULL;
	char err[256];
	json_t *trace;
	int ret;

	rq.prov = NULL;
	rq.br = wft_rpc_bridge(aux, call, params);
	if (!rq.br)
		return;
	flow = s ? wft_xstrdup(s) : NULL;
	if (flow && take_recirc_id(flow, &recirc_id)) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "recirc_id: "
				    "a number from 0 to 4294967295");
		free(flow);
		return;
	}
	wft_ofproto_use_port_names(rq.br, false);
	ret = flow ? wft_ofp_match_parse(flow, &rq.flow, &rq.mask, err,
					 sizeof(err)) : -EINVAL;
	wft_ofproto_use_port_names(NULL, false);
	free(flow);
	rq.flow.recirc_id = htonl(recirc_id);
	if (ret) {
		wft_rpc_reply_error(call, WFT_RPC_FAILED, NULL, "%s",
				    s ? err : "missing \"flow\" (a match in "
				    "ovs-ofctl syntax)");
		return;
	}
	wft_ofproto_xlate_init(&x);
	x.bridge = rq.br;
	x.flow = rq.flow;
	x.trace = true;
	ret = wft_ofproto_xlate_run(&x);
	trace = json_object();
	if (!json_is_false(json_object_get(params, "provenance")))
		rq.prov = wft_ovn_prov_for_bridge(
			st->d, wft_ofproto_name(rq.br), &why);
	json_object_set_new(trace, "provenance", rq.prov ? json_true()
			    : json_string(why ? why : "turned off"));
	wft_ofproto_use_port_names(rq.br, false);
	report(&rq, &x, ret, &text, trace);
	wft_ofproto_use_port_names(NULL, false);
	wft_ovn_prov_free(rq.prov);
	wft_rpc_reply(call, json_pack("{s:s,s:o}", "text",
				      wft_strbuf_cstr(&text), "trace", trace));
	wft_strbuf_free(&text);
	wft_ofproto_xlate_uninit(&x);
}

void wft_ofproto_register_trace(struct ofproto_state *st)
{
	wft_control_register(wft_daemon_control(st->d),
			     &(struct wft_rpc_method) {
		.name = "ofproto/trace", .usage = "{bridge, flow, format}",
		.args_max = WFT_RPC_ANY_PARAMS, .handler = do_trace,
		.aux = st });
}
