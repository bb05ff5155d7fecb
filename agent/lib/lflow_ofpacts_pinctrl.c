// SPDX-License-Identifier: GPL-2.0
/*
 * The controller-bound OVN actions that build a packet (arp { },
 * nd_ns { }, nd_na { }, nd_na_router { }, icmp4 { }, icmp4_error { },
 * icmp6 { }, icmp6_error { }, tcp_reset { }, sctp_abort { }, reject { })
 * as one
 * controller(userdata=...) action carrying pinctrl's opcode and the
 * nested block, translated (include/weft/ovn_pinctrl.h has the format).
 *
 * Inside the block:
 *  - icmp4.type, icmp4.code, icmp4.frag_mtu (and icmp6's) set to
 *    constants become TLVs that shape the packet the handler builds: the
 *    datapath cannot set ICMP type and code, and frag_mtu is no header
 *    field at all;
 *  - a <-> b becomes a SWAP TLV the handler turns into two loads of the
 *    values it reads in the new packet, which is right as long as neither
 *    field was written earlier in the block (else -EOPNOTSUPP);
 *  - everything else goes through wft_lflow_actions_to_ofpacts() with
 *    the flow's own table layout (output and next resubmit as usual).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/field.h"
#include "weft/ofp_flow.h"
#include "weft/ovn_pinctrl.h"
#include "weft/strbuf.h"
#include "weft/util.h"

static const char *const op_names[__WFT_PIN_OP_MAX] = {
	[WFT_PIN_ARP] = "arp",
	[WFT_PIN_ND_NS] = "nd_ns",
	[WFT_PIN_ND_NA] = "nd_na",
	[WFT_PIN_ND_NA_ROUTER] = "nd_na_router",
	[WFT_PIN_ICMP] = "icmp",
	[WFT_PIN_ICMP_ERROR] = "icmp_error",
	[WFT_PIN_TCP_RESET] = "tcp_reset",
	[WFT_PIN_REJECT] = "reject",
	[WFT_PIN_PUT_DHCP_OPTS] = "put_dhcp_opts",
	[WFT_PIN_PUT_ARP] = "put_arp",
	[WFT_PIN_PUT_ND] = "put_nd",
	[WFT_PIN_PUT_FDB] = "put_fdb",
	[WFT_PIN_PUT_ND_RA_OPTS] = "put_nd_ra_opts",
	[WFT_PIN_SVC_CHECK] = "handle_svc_check",
	[WFT_PIN_EVENT] = "trigger_event",
	[WFT_PIN_PUT_DHCPV6_OPTS] = "put_dhcpv6_opts",
	[WFT_PIN_DHCP6_REPLY] = "handle_dhcpv6_reply",
	[WFT_PIN_SCTP_ABORT] = "sctp_abort",
	[WFT_PIN_DNS_LOOKUP] = "dns_lookup",
};

enum wft_pin_op wft_pin_op_from_name(const char *name)
{
	int op;

	if (!strcmp(name, "icmp4") || !strcmp(name, "icmp6"))
		return WFT_PIN_ICMP;
	if (!strcmp(name, "icmp4_error") || !strcmp(name, "icmp6_error"))
		return WFT_PIN_ICMP_ERROR;
	if (!strcmp(name, "sctp_abort"))
		return WFT_PIN_SCTP_ABORT;
	for (op = 1; op < __WFT_PIN_OP_MAX; op++)
		if (op >= WFT_PIN_ARP && op <= WFT_PIN_REJECT &&
		    op != WFT_PIN_ICMP && op != WFT_PIN_ICMP_ERROR &&
		    !strcmp(name, op_names[op]))
			return (enum wft_pin_op)op;
	return 0;
}

const char *wft_pin_op_name(enum wft_pin_op op)
{
	return op > 0 && op < __WFT_PIN_OP_MAX ? op_names[op] : "?";
}

static int xerr(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int xerr(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

struct ud {
	uint8_t *data;
	size_t len, cap;
};

static void ud_put(struct ud *u, const void *p, size_t n)
{
	if (u->len + n > u->cap) {
		u->cap = (u->len + n) * 2;
		u->data = wft_xrealloc(u->data, u->cap);
	}
	memcpy(u->data + u->len, p, n);
	u->len += n;
}

static void ud_tlv(struct ud *u, uint8_t type, const void *p, size_t n)
{
	uint8_t h[3] = { type, (uint8_t)(n >> 8), (uint8_t)n };

	ud_put(u, h, 3);
	ud_put(u, p, n);
}

/* The weft actions translated so far as an ACTIONS TLV. */
static void flush(struct ud *u, struct wft_ofpacts *pending)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_flow_wc wc;
	struct wft_flow f;

	if (!pending->n)
		return;
	memset(&f, 0, sizeof(f));
	wft_flow_wc_init_catchall(&wc);
	wft_ofp_actions_format(pending, &f, &wc, &sb);
	ud_tlv(u, WFT_PIN_T_ACTIONS, wft_strbuf_cstr(&sb), sb.len);
	wft_strbuf_free(&sb);
	wft_ofpacts_uninit(pending);
	wft_ofpacts_init(pending);
}

static void put_sf(uint8_t *p, const struct wft_lact_field *f)
{
	unsigned int id = f->sym->field, ofs = f->sym->ofs + f->ofs;

	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	p[2] = (uint8_t)(ofs >> 8);
	p[3] = (uint8_t)ofs;
	p[4] = (uint8_t)(f->width >> 8);
	p[5] = (uint8_t)f->width;
}

/* An ICMP shaping assignment (icmp4.type = 11, ...): its TLV, or 0. */
static int icmp_tlv(const struct wft_lact *a)
{
	const char *n;

	if (a->type != WFT_LACT_ASSIGN || a->src_is_field || a->port ||
	    a->masked)
		return 0;
	n = a->dst.sym->name;
	if (strncmp(n, "icmp4.", 6) && strncmp(n, "icmp6.", 6))
		return 0;
	n += 6;
	if (!strcmp(n, "type"))
		return WFT_PIN_T_ICMP_TYPE;
	if (!strcmp(n, "code"))
		return WFT_PIN_T_ICMP_CODE;
	if (!strcmp(n, "frag_mtu"))
		return WFT_PIN_T_ICMP_MTU;
	return 0;
}

static bool written(const struct wft_lact_field *const *w, size_t n,
		    const struct wft_lact_field *f)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i]->sym->field == f->sym->field)
			return true;
	return false;
}

/*
 * OVN's arp.op is 16 bits, weft's arp_op field 8 (the datapath's ARP key
 * has one byte for it, as OVS's has): a constant that fits is loaded
 * into the 8 bits, so that the text the handler reads back parses.
 */
static int narrow(const struct wft_lact *a, struct wft_lacts *one,
		  const struct wft_lflow_xlate_ctx *ctx,
		  struct wft_ofpacts *out, char *err, size_t errlen)
{
	const struct wft_field *f;
	struct wft_lact copy;

	if (a->type != WFT_LACT_ASSIGN || a->src_is_field || a->port ||
	    a->dst.sym->kind != WFT_SYM_FIELD)
		return wft_lflow_actions_to_ofpacts(one, ctx, out, err, errlen);
	f = wft_field_from_id(a->dst.sym->field);
	if (!f || a->dst.sym->ofs + a->dst.ofs + a->dst.width <= f->n_bits ||
	    a->dst.sym->ofs + a->dst.ofs >= f->n_bits ||
	    (a->value >> (f->n_bits - a->dst.sym->ofs - a->dst.ofs)))
		return wft_lflow_actions_to_ofpacts(one, ctx, out, err, errlen);
	copy = *a;
	copy.dst.width = f->n_bits - a->dst.sym->ofs - a->dst.ofs;
	one->a = &copy;
	return wft_lflow_actions_to_ofpacts(one, ctx, out, err, errlen);
}

static int encode_block(const struct wft_lacts *block,
			const struct wft_lflow_xlate_ctx *ctx, struct ud *u,
			char *err, size_t errlen)
{
	const struct wft_lact_field **w;
	struct wft_ofpacts pending;
	size_t i, n_w = 0;
	int ret = 0, t;

	w = wft_xcalloc(2 * block->n + 1, sizeof(*w));
	wft_ofpacts_init(&pending);
	for (i = 0; i < block->n && !ret; i++) {
		const struct wft_lact *a = &block->a[i];
		struct wft_lacts one = { (struct wft_lact *)a, 1 };
		uint8_t v[12];

		t = icmp_tlv(a);
		if (t) {
			uint32_t x = (uint32_t)a->value;

			v[0] = (uint8_t)(x >> 24);
			v[1] = (uint8_t)(x >> 16);
			v[2] = (uint8_t)(x >> 8);
			v[3] = (uint8_t)x;
			if (t == WFT_PIN_T_ICMP_MTU)
				ud_tlv(u, (uint8_t)t, v, 4);
			else
				ud_tlv(u, (uint8_t)t, v + 3, 1);
			continue;
		}
		if (a->type == WFT_LACT_EXCHANGE) {
			if (written(w, n_w, &a->dst) ||
			    written(w, n_w, &a->src)) {
				ret = xerr(err, errlen, -EOPNOTSUPP,
					   "<-> of a field written earlier in "
					   "the block");
				break;
			}
			flush(u, &pending);
			put_sf(v, &a->dst);
			put_sf(v + 6, &a->src);
			ud_tlv(u, WFT_PIN_T_SWAP, v, 12);
			w[n_w++] = &a->dst;
			w[n_w++] = &a->src;
			continue;
		}
		if (a->type == WFT_LACT_ASSIGN && a->dst.sym->kind ==
		    WFT_SYM_OVN) {
			ret = xerr(err, errlen, -EOPNOTSUPP,
				   "%s = a field is not supported",
				   a->dst.sym->name);
			break;
		}
		if (a->type == WFT_LACT_ASSIGN)
			w[n_w++] = &a->dst;
		ret = narrow(a, &one, ctx, &pending, err, errlen);
	}
	if (!ret)
		flush(u, &pending);
	wft_ofpacts_uninit(&pending);
	free(w);
	return ret;
}

/* R = put_dhcp_opts(...); REST (or put_dhcpv6_opts, put_nd_ra_opts,
 * dns_lookup): a pausing
 * controller action carrying R, the options, and REST translated
 * (ovn_pinctrl.h). */
static int xlate_pause(const struct wft_lacts *acts, size_t *i,
		       enum wft_pin_op op,
		       const struct wft_lflow_xlate_ctx *ctx,
		       struct wft_ofpacts *out, char *err, size_t errlen)
{
	const struct wft_lact *a = &acts->a[*i];
	struct wft_lacts rest = { acts->a + *i + 1, acts->n - *i - 1 };
	struct ud u = { NULL, 0, 0 };
	struct wft_ofpacts cont;
	struct wft_ofpact *c;
	uint8_t opts[1024], v[4];
	unsigned int id, ofs;
	uint32_t offer = 0;
	int n, ret;

	if (a->dst.sym->kind != WFT_SYM_FIELD)
		return xerr(err, errlen, -EOPNOTSUPP, "%s: the result must be "
			    "a register bit", a->name);
	if (op == WFT_PIN_DNS_LOOKUP)
		n = 0;			/* the records are the chassis' */
	else if (op == WFT_PIN_PUT_DHCP_OPTS)
		n = wft_lflow_dhcp4_opts(a, &offer, opts, sizeof(opts), err,
					 errlen);
	else if (op == WFT_PIN_PUT_DHCPV6_OPTS)
		n = wft_lflow_dhcp6_opts(a, opts, sizeof(opts), err, errlen);
	else
		n = wft_lflow_nd_ra(a, opts, sizeof(opts), err, errlen);
	if (n < 0)
		return n;
	wft_ofpacts_init(&cont);
	ret = wft_lflow_actions_to_ofpacts(&rest, ctx, &cont, err, errlen);
	if (ret) {
		wft_ofpacts_uninit(&cont);
		return ret;
	}
	v[0] = WFT_PIN_MAGIC;
	v[1] = (uint8_t)op;
	ud_put(&u, v, 2);
	id = a->dst.sym->field;
	ofs = a->dst.sym->ofs + a->dst.ofs;
	v[0] = (uint8_t)(id >> 8);
	v[1] = (uint8_t)id;
	v[2] = (uint8_t)(ofs >> 8);
	v[3] = (uint8_t)ofs;
	ud_tlv(&u, WFT_PIN_T_RESULT, v, 4);
	if (op == WFT_PIN_PUT_DHCP_OPTS) {
		ud_tlv(&u, WFT_PIN_T_OFFER_IP, &offer, 4);
		ud_tlv(&u, WFT_PIN_T_DHCP_OPTS, opts, (size_t)n);
	} else if (op == WFT_PIN_PUT_DHCPV6_OPTS) {
		ud_tlv(&u, WFT_PIN_T_DHCP6_OPTS, opts, (size_t)n);
	} else if (op == WFT_PIN_PUT_ND_RA_OPTS) {
		ud_tlv(&u, WFT_PIN_T_RA, opts, (size_t)n);
	}
	if (cont.n) {
		struct wft_strbuf sb = WFT_STRBUF_INIT;
		struct wft_flow_wc wc;
		struct wft_flow f;

		memset(&f, 0, sizeof(f));
		wft_flow_wc_init_catchall(&wc);
		wft_ofp_actions_format(&cont, &f, &wc, &sb);
		ud_tlv(&u, WFT_PIN_T_CONTINUE, wft_strbuf_cstr(&sb), sb.len);
		wft_strbuf_free(&sb);
	}
	wft_ofpacts_uninit(&cont);
	c = wft_ofpacts_put(out, WFT_OFPACT_CONTROLLER);
	c->controller.max_len = 0xffff;
	c->controller.reason = WFT_PACKET_IN_ACTION;
	c->controller.userdata = u.data;
	c->controller.userdata_len = u.len;
	c->controller.pause = true;
	*i = acts->n - 1;		/* the rest is in the continuation */
	return 0;
}

/* put_arp(inport, ip, mac), put_nd(...), put_fdb(inport, mac): a
 * controller action with the arguments as FIELD TLVs; the pipeline goes
 * on. */
static int xlate_learn(const struct wft_lact *a, enum wft_pin_op op,
		       struct wft_ofpacts *out, char *err, size_t errlen)
{
	size_t want = op == WFT_PIN_PUT_FDB ? 2 : 3, k;
	struct ud u = { NULL, 0, 0 };
	struct wft_ofpact *c;
	uint8_t v[6];

	if (a->n_args != want)
		return xerr(err, errlen, -EINVAL, "%s takes %zu arguments",
			    a->name, want);
	for (k = 0; k < want; k++)
		if (a->args[k].kind != WFT_LARG_FIELD || a->args[k].key ||
		    (a->args[k].field.sym->kind != WFT_SYM_FIELD &&
		     a->args[k].field.sym->kind != WFT_SYM_STRING))
			return xerr(err, errlen, -EINVAL, "%s: argument %zu "
				    "must be a field", a->name, k + 1);
	v[0] = WFT_PIN_MAGIC;
	v[1] = (uint8_t)op;
	ud_put(&u, v, 2);
	for (k = 0; k < want; k++) {
		put_sf(v, &a->args[k].field);
		ud_tlv(&u, WFT_PIN_T_FIELD, v, 6);
	}
	c = wft_ofpacts_put(out, WFT_OFPACT_CONTROLLER);
	c->controller.max_len = 0xffff;
	c->controller.reason = WFT_PACKET_IN_ACTION;
	c->controller.userdata = u.data;
	c->controller.userdata_len = u.len;
	return 0;
}

/* handle_svc_check(inport), trigger_event(event = "name", ...): a
 * controller action with the opcode (and the event's name as ACTIONS
 * text, for the log). */
static int xlate_counted(const struct wft_lact *a, enum wft_pin_op op,
			 struct wft_ofpacts *out)
{
	struct ud u = { NULL, 0, 0 };
	struct wft_ofpact *c;
	uint8_t v[2] = { WFT_PIN_MAGIC, (uint8_t)op };
	size_t k;

	ud_put(&u, v, 2);
	for (k = 0; k < a->n_args; k++)
		if (a->args[k].key && !strcmp(a->args[k].key, "event") &&
		    a->args[k].text)
			ud_tlv(&u, WFT_PIN_T_ACTIONS, a->args[k].text,
			       strlen(a->args[k].text));
	c = wft_ofpacts_put(out, WFT_OFPACT_CONTROLLER);
	c->controller.max_len = 0xffff;
	c->controller.reason = WFT_PACKET_IN_ACTION;
	c->controller.userdata = u.data;
	c->controller.userdata_len = u.len;
	return 0;
}

int wft_lflow_pinctrl_xlate(const struct wft_lacts *acts, size_t *i,
			    const struct wft_lflow_xlate_ctx *ctx,
			    struct wft_ofpacts *out, char *err, size_t errlen)
{
	const struct wft_lact *a = &acts->a[*i];
	enum wft_pin_op op;
	struct ud u = { NULL, 0, 0 };
	struct wft_ofpact *c;
	uint8_t hdr[2];
	int ret;

	if (a->type == WFT_LACT_CALL && a->has_dst &&
	    (!strcmp(a->name, "put_dhcp_opts") ||
	     !strcmp(a->name, "put_dhcpv6_opts") ||
	     !strcmp(a->name, "put_nd_ra_opts")))
		return xlate_pause(acts, i, !strcmp(a->name, "put_dhcp_opts") ?
				   WFT_PIN_PUT_DHCP_OPTS :
				   !strcmp(a->name, "put_dhcpv6_opts") ?
				   WFT_PIN_PUT_DHCPV6_OPTS :
				   WFT_PIN_PUT_ND_RA_OPTS, ctx, out, err,
				   errlen);
	if (a->type == WFT_LACT_CALL && a->has_dst &&
	    !strcmp(a->name, "dns_lookup"))
		return xlate_pause(acts, i, WFT_PIN_DNS_LOOKUP, ctx, out, err,
				   errlen);
	if (a->type == WFT_LACT_SIMPLE && a->name &&
	    !strcmp(a->name, "handle_dhcpv6_reply"))
		return xlate_counted(a, WFT_PIN_DHCP6_REPLY, out);
	if (a->type == WFT_LACT_CALL && !a->has_dst &&
	    (!strcmp(a->name, "put_arp") || !strcmp(a->name, "put_nd") ||
	     !strcmp(a->name, "put_fdb")))
		return xlate_learn(a, !strcmp(a->name, "put_arp") ?
				   WFT_PIN_PUT_ARP : !strcmp(a->name, "put_nd") ?
				   WFT_PIN_PUT_ND : WFT_PIN_PUT_FDB, out, err,
				   errlen);
	if (a->type == WFT_LACT_CALL && !a->has_dst &&
	    (!strcmp(a->name, "handle_svc_check") ||
	     !strcmp(a->name, "trigger_event")))
		return xlate_counted(a, !strcmp(a->name, "trigger_event") ?
				     WFT_PIN_EVENT : WFT_PIN_SVC_CHECK, out);
	if (a->type != WFT_LACT_NESTED || !a->name ||
	    !(op = wft_pin_op_from_name(a->name)))
		return 1;
	hdr[0] = WFT_PIN_MAGIC;
	hdr[1] = (uint8_t)op;
	ud_put(&u, hdr, 2);
	ret = encode_block(a->nested, ctx, &u, err, errlen);
	if (ret) {
		free(u.data);
		if (ret == -EOPNOTSUPP) {
			/* Name the action, then what inside it failed. */
			char inner[160];

			snprintf(inner, sizeof(inner), "%s", err);
			snprintf(err, errlen, "%s { }: %s", a->name, inner);
		}
		return ret;
	}
	c = wft_ofpacts_put(out, WFT_OFPACT_CONTROLLER);
	c->controller.max_len = 0xffff;
	c->controller.reason = WFT_PACKET_IN_ACTION;
	c->controller.userdata = u.data;
	c->controller.userdata_len = u.len;
	return 0;
}
