// SPDX-License-Identifier: GPL-2.0
/*
 * Parsed OVN actions into weft pipeline actions (include/weft/
 * lflow_actions.h), the way ovn-controller encodes them in OpenFlow:
 *   next            resubmit(,BASE + N)
 *   output          resubmit(,37) (ingress) or resubmit(,64) (egress)
 *   f = c / f = g   load / move on the field's register or header bits
 *   ip.ttl--        dec_ttl
 *   ct_next         ct(table=NEXT,zone=Z): Z the port's zone (reg13) on
 *                   a switch, the DNAT zone (reg11) on a router
 *   ct_commit {..}  ct(commit,zone=Z,exec(ct_mark/ct_label)): the port's
 *                   zone on a switch, the DNAT zone (reg11) on a router,
 *                   as ovn-controller 23.03 encodes it (committing in the
 *                   SNAT zone would confirm the connection there before
 *                   lr_out_snat's ct_snat(IP), which then cannot NAT)
 *   ct_dnat[(IP)]   ct([commit,]table=NEXT,zone=reg11,nat[(dst=IP)]): the
 *                   datapath's DNAT zone, a switch's too (ovn-controller
 *                   23.03 encodes it so whatever the datapath)
 *   ct_snat[(IP)]   likewise with src, the SNAT zone (reg12): on a switch
 *                   the hairpin stage's, whose ct_snat_to_vip (table 70)
 *                   SNATs in reg12, so that the replies find it there
 *   ct_*_in_czone   the router's DNAT zone (the common zone) for both
 *   a <-> b         push:b,push:a,pop:b,pop:a (OVS's stack)
 *   ct_lb[_mark](backends=B,...)  group:ID, a select group with one
 *                   ct(nat(dst=B),commit,...) bucket per backend (the
 *                   caller's struct wft_lflow_groups holds the groups);
 *                   bare: ct(table=NEXT,zone=Z,nat)
 *   R = check_pkt_larger(L)  check_pkt_larger(L)->R
 *   ct_clear, clone as themselves.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lflow_ofpacts_lb_aff.h"
#include "lflow_ofpacts_lookup.h"
#include "weft/lflow_actions.h"
#include "weft/ovn_pinctrl.h"
#include "weft/util.h"

void wft_lflow_xlate_ctx_init(struct wft_lflow_xlate_ctx *ctx, bool egress,
			      uint8_t table, bool is_switch)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->ingress_base = 8;
	ctx->egress_base = 42;
	ctx->ingress_output = 37;
	ctx->egress_output = 64;
	ctx->egress = egress;
	ctx->table = table;
	ctx->is_switch = is_switch;
}

static int xerr(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

static struct wft_subfield subfield(const struct wft_lact_field *f)
{
	struct wft_subfield sf = {
		wft_field_from_id(f->sym->field),
		f->sym->ofs + f->ofs,
		f->width,
	};

	return sf;
}

static struct wft_subfield reg16(unsigned int reg)
{
	struct wft_subfield sf = { wft_field_from_id(WFT_F_REG0 + reg), 0, 16 };

	return sf;
}

/* load:@v->@sf, value and mask right-aligned in the field's bytes. */
static void put_load(struct wft_ofpacts *out, const struct wft_subfield *sf,
		     wft_u128 v)
{
	struct wft_ofpact *a = wft_ofpacts_put(out, WFT_OFPACT_LOAD);
	wft_u128 m = wft_u128_low_bits(sf->n_bits);
	int i;

	a->set.dst = *sf;
	for (i = sf->field->n_bytes - 1; i >= 0; i--) {
		a->set.value[i] = (uint8_t)v;
		a->set.mask[i] = (uint8_t)m;
		v >>= 8;
		m >>= 8;
	}
}

static uint8_t of_table(const struct wft_lflow_xlate_ctx *ctx, bool egress,
			int table)
{
	return (egress ? ctx->egress_base : ctx->ingress_base) + table;
}

static uint8_t next_table(const struct wft_lflow_xlate_ctx *ctx)
{
	return of_table(ctx, ctx->egress, ctx->table + 1);
}

static struct wft_ofpact *put_ct(struct wft_ofpacts *out, unsigned int zone_reg,
				 uint8_t table, bool commit)
{
	struct wft_ofpact *a = wft_ofpacts_put(out, WFT_OFPACT_CT);

	a->ct.flags = commit ? WFT_CT_F_COMMIT : 0;
	a->ct.zone_src = reg16(zone_reg);
	a->ct.table = table;
	a->ct.actions = wft_xcalloc(1, sizeof(*a->ct.actions));
	wft_ofpacts_init(a->ct.actions);
	return a;
}

static int xlate_nat(const struct wft_lact *act,
		     const struct wft_lflow_xlate_ctx *ctx,
		     struct wft_ofpacts *out, char *err, size_t errlen)
{
	bool dnat = !strncmp(act->name, "ct_dnat", 7);
	bool czone = strstr(act->name, "_in_czone") != NULL;
	unsigned int zone;
	struct wft_ofpact *ct, *nat;
	const struct wft_lact_arg *ip = NULL;

	if (act->n_args > 1 ||
	    (act->n_args == 1 &&
	     (act->args[0].kind != WFT_LARG_INT || act->args[0].masked ||
	      act->args[0].port >= 0 ||
	      (act->args[0].format != WFT_LEX_IPV4 &&
	       act->args[0].format != WFT_LEX_IPV6))))
		return xerr(err, errlen, -EOPNOTSUPP,
			    "%s: only one address is supported", act->name);
	if (act->n_args)
		ip = &act->args[0];
	if (czone)
		zone = 11;
	else
		zone = dnat ? 11 : 12;
	ct = put_ct(out, zone, next_table(ctx), ip != NULL);
	nat = wft_ofpacts_put(ct->ct.actions, WFT_OFPACT_NAT);
	if (ip) {
		wft_u128 v = ip->value;
		int i, n = ip->format == WFT_LEX_IPV4 ? 4 : 16;

		nat->nat.flags = dnat ? WFT_NAT_F_DST : WFT_NAT_F_SRC;
		nat->nat.af = n == 4 ? AF_INET : AF_INET6;
		for (i = n - 1; i >= 0; i--) {
			nat->nat.ip_min[i] = (uint8_t)v;
			v >>= 8;
		}
	}
	return 0;
}

/* a <-> b as OVN encodes it: push b, push a, pop b, pop a. */
static int xlate_exchange(const struct wft_lact *a, struct wft_ofpacts *out,
			  char *err, size_t errlen)
{
	static const enum wft_ofpact_type seq[4] = {
		WFT_OFPACT_STACK_PUSH, WFT_OFPACT_STACK_PUSH,
		WFT_OFPACT_STACK_POP, WFT_OFPACT_STACK_POP,
	};
	struct wft_subfield sf[2];
	int i;

	if (a->dst.sym->kind == WFT_SYM_OVN || a->src.sym->kind == WFT_SYM_OVN)
		return xerr(err, errlen, -EOPNOTSUPP, "%s is not supported yet",
			    (a->dst.sym->kind == WFT_SYM_OVN ? a->dst.sym :
			     a->src.sym)->name);
	sf[0] = subfield(&a->src);
	sf[1] = subfield(&a->dst);
	for (i = 0; i < 4; i++)
		wft_ofpacts_put(out, seq[i])->stack.sf = sf[i % 2];
	return 0;
}

/* ct_lb without backends: the established connection's NAT. */
static void xlate_ct_lb_bare(const struct wft_lflow_xlate_ctx *ctx,
			     struct wft_ofpacts *out)
{
	struct wft_ofpact *ct = put_ct(out, ctx->is_switch ? 13 : 11,
				       next_table(ctx), false);

	wft_ofpacts_put(ct->ct.actions, WFT_OFPACT_NAT);
}

/* One backend as ct_lb's group text writes it: "10.0.0.5:80",
 * "[fd00::5]:80", "fd00::5". */
static void put_backend(struct wft_strbuf *sb, const struct wft_lact_arg *a)
{
	char buf[INET6_ADDRSTRLEN];
	uint8_t ip[16];
	wft_u128 v = a->value;
	int i, n = a->format == WFT_LEX_IPV4 ? 4 : 16;

	for (i = n - 1; i >= 0; i--) {
		ip[i] = (uint8_t)v;
		v >>= 8;
	}
	inet_ntop(n == 4 ? AF_INET : AF_INET6, ip, buf, sizeof(buf));
	if (n == 16 && a->port >= 0)
		wft_strbuf_printf(sb, "[%s]", buf);
	else
		wft_strbuf_puts(sb, buf);
	if (a->port >= 0)
		wft_strbuf_printf(sb, ":%d", a->port);
}

/*
 * ct_lb(backends=...) and ct_lb_mark(...) as ovn-controller 23.03 encodes
 * them: a select group (one per distinct text) whose bucket per backend
 * is ct(nat(dst=B),commit,table=NEXT,zone=Z,exec(natted bit of ct_mark,
 * or of ct_label for ct_lb)), and group:ID in the actions.
 */
static int xlate_ct_lb(const struct wft_lact *a,
		       const struct wft_lflow_xlate_ctx *ctx,
		       struct wft_ofpacts *out, char *err, size_t errlen)
{
	bool mark = !strcmp(a->name, "ct_lb_mark");
	const char *hash_fields = NULL;
	struct wft_strbuf text = WFT_STRBUF_INIT;
	size_t i, n = 0;
	uint32_t id;

	for (i = 0; i < a->n_args; i++) {
		const struct wft_lact_arg *g = &a->args[i];

		if (g->key && !strcmp(g->key, "hash_fields") &&
		    g->kind == WFT_LARG_STRING) {
			hash_fields = g->text;
			continue;
		}
		if ((g->key && strcmp(g->key, "backends")) ||
		    g->kind != WFT_LARG_INT || g->masked ||
		    (g->format != WFT_LEX_IPV4 && g->format != WFT_LEX_IPV6)) {
			wft_strbuf_free(&text);
			return xerr(err, errlen, -EOPNOTSUPP, "%s: only "
				    "backends=IP[:PORT],... and hash_fields "
				    "are supported", a->name);
		}
		n++;
	}
	if (!n) {
		xlate_ct_lb_bare(ctx, out);
		return 0;
	}
	if (!ctx->groups)
		return xerr(err, errlen, -EOPNOTSUPP, "%s with backends needs "
			    "a group table (none given)", a->name);
	wft_strbuf_printf(&text, "type=select,selection_method=%s",
			  hash_fields ? "hash" : "dp_hash");
	if (hash_fields)
		wft_strbuf_printf(&text, ",fields(%s)", hash_fields);
	for (i = n = 0; i < a->n_args; i++) {
		const struct wft_lact_arg *g = &a->args[i];

		if (g->key && !strcmp(g->key, "hash_fields"))
			continue;
		wft_strbuf_printf(&text, ",bucket=bucket_id=%zu,weight:100,"
				  "actions=ct(nat(dst=", n++);
		put_backend(&text, g);
		wft_strbuf_printf(&text, "),commit,table=%u,zone=NXM_NX_REG%d"
				  "[0..15],exec(set_field:0x2/0x2->%s))",
				  next_table(ctx), ctx->is_switch ? 13 : 11,
				  mark ? "ct_mark" : "ct_label");
	}
	id = wft_lflow_groups_assign(ctx->groups, wft_strbuf_cstr(&text));
	wft_strbuf_free(&text);
	if (!id)
		return xerr(err, errlen, -ENOSPC, "%s: no group id left",
			    a->name);
	wft_ofpacts_put(out, WFT_OFPACT_GROUP)->group.id = id;
	return 0;
}

/* R = check_pkt_larger(L): check_pkt_larger(L)->R, R one register bit
 * (the parser checked both). */
static int xlate_check_pkt_larger(const struct wft_lact *a,
				  struct wft_ofpacts *out, char *err,
				  size_t errlen)
{
	struct wft_ofpact *o;

	if (a->dst.sym->kind != WFT_SYM_FIELD)
		return xerr(err, errlen, -EOPNOTSUPP, "check_pkt_larger: the "
			    "result must be a register bit");
	if (a->n_args != 1 || a->args[0].kind != WFT_LARG_INT ||
	    a->args[0].value > UINT16_MAX)
		return xerr(err, errlen, -EINVAL, "check_pkt_larger takes one "
			    "length from 0 to 65535");
	o = wft_ofpacts_put(out, WFT_OFPACT_CHECK_PKT_LARGER);
	o->check_pkt.pkt_len = (uint16_t)a->args[0].value;
	o->check_pkt.dst = subfield(&a->dst);
	return 0;
}

static int xlate_list(const struct wft_lacts *acts,
		      const struct wft_lflow_xlate_ctx *ctx, bool in_ct,
		      struct wft_ofpacts *out, char *err, size_t errlen);

static int xlate_one(const struct wft_lact *a,
		     const struct wft_lflow_xlate_ctx *ctx, bool in_ct,
		     struct wft_ofpacts *out, char *err, size_t errlen)
{
	struct wft_subfield dst;
	struct wft_ofpact *o;
	uint32_t key;

	switch (a->type) {
	case WFT_LACT_ASSIGN:
		if (a->dst.sym->kind == WFT_SYM_OVN)
			return xerr(err, errlen, -EOPNOTSUPP,
				    "%s is not supported yet", a->dst.sym->name);
		dst = subfield(&a->dst);
		if (a->src_is_field) {
			o = wft_ofpacts_put(out, WFT_OFPACT_MOVE);
			o->move.src = subfield(&a->src);
			o->move.dst = dst;
		} else if (a->port) {
			key = 0;
			if (*a->port && (!ctx->port_key ||
					 ctx->port_key(ctx->aux, a->port, &key)))
				return xerr(err, errlen, -ENOENT,
					    "unknown logical port \"%s\"",
					    a->port);
			put_load(out, &dst, key);
		} else if (a->masked) {
			return xerr(err, errlen, -EOPNOTSUPP,
				    "masked assignment to %s", a->dst.sym->name);
		} else {
			put_load(out, &dst, a->value);
		}
		return 0;
	case WFT_LACT_DEC_TTL:
		wft_ofpacts_put(out, WFT_OFPACT_DEC_TTL);
		return 0;
	case WFT_LACT_NEXT:
		o = wft_ofpacts_put(out, WFT_OFPACT_RESUBMIT);
		o->resubmit.in_port = WFT_OFPP_IN_PORT;
		o->resubmit.table = a->next_pipeline_given || a->next_table >= 0 ?
			of_table(ctx, a->next_pipeline_given ? a->next_egress :
				 ctx->egress,
				 a->next_table >= 0 ? a->next_table :
				 ctx->table + 1) :
			next_table(ctx);
		return 0;
	case WFT_LACT_OUTPUT:
		o = wft_ofpacts_put(out, WFT_OFPACT_RESUBMIT);
		o->resubmit.in_port = WFT_OFPP_IN_PORT;
		o->resubmit.table = ctx->egress ? ctx->egress_output :
				    ctx->ingress_output;
		return 0;
	case WFT_LACT_DROP:
		return 0;
	case WFT_LACT_SIMPLE:
		if (!strcmp(a->name, "ct_next")) {
			put_ct(out, ctx->is_switch ? 13 : 11, next_table(ctx),
			       false);
			return 0;
		}
		if (!strcmp(a->name, "ct_clear")) {
			wft_ofpacts_put(out, WFT_OFPACT_CT_CLEAR);
			return 0;
		}
		if (!strcmp(a->name, "ct_commit")) {
			put_ct(out, ctx->is_switch ? 13 : 11, WFT_TABLE_UNSET,
			       true);
			return 0;
		}
		if (!strncmp(a->name, "ct_dnat", 7) ||
		    !strncmp(a->name, "ct_snat", 7))
			if (strcmp(a->name, "ct_snat_to_vip"))
				return xlate_nat(a, ctx, out, err, errlen);
		if (!strcmp(a->name, "ct_lb") || !strcmp(a->name, "ct_lb_mark"))
			return xlate_ct_lb(a, ctx, out, err, errlen);
		break;
	case WFT_LACT_CALL:
		if (!strcmp(a->name, "check_pkt_larger") && a->has_dst)
			return xlate_check_pkt_larger(a, out, err, errlen);
		if (!strcmp(a->name, "ct_lb") || !strcmp(a->name, "ct_lb_mark"))
			return xlate_ct_lb(a, ctx, out, err, errlen);
		if (!strcmp(a->name, "commit_lb_aff"))
			return wft_lflow_xlate_commit_lb_aff(a, ctx, out, err,
							     errlen);
		if ((!strncmp(a->name, "ct_dnat", 7) ||
		     !strncmp(a->name, "ct_snat", 7)) && !a->has_dst)
			return xlate_nat(a, ctx, out, err, errlen);
		break;
	case WFT_LACT_NESTED:
		if (!strcmp(a->name, "ct_commit")) {
			o = put_ct(out, ctx->is_switch ? 13 : 11,
				   WFT_TABLE_UNSET, true);
			return xlate_list(a->nested, ctx, true, o->ct.actions,
					  err, errlen);
		}
		if (!strcmp(a->name, "clone")) {
			o = wft_ofpacts_put(out, WFT_OFPACT_CLONE);
			o->clone.actions = wft_xcalloc(1,
						       sizeof(*o->clone.actions));
			wft_ofpacts_init(o->clone.actions);
			return xlate_list(a->nested, ctx, false,
					  o->clone.actions, err, errlen);
		}
		break;
	case WFT_LACT_EXCHANGE:
		return xlate_exchange(a, out, err, errlen);
	}
	(void)in_ct;
	if (wft_lflow_is_lookup_action(a->name))
		return wft_lflow_xlate_lookup(a, ctx, out, err, errlen);
	return xerr(err, errlen, -EOPNOTSUPP, "%s is not supported yet",
		    a->name);
}

static int xlate_list(const struct wft_lacts *acts,
		      const struct wft_lflow_xlate_ctx *ctx, bool in_ct,
		      struct wft_ofpacts *out, char *err, size_t errlen)
{
	size_t i;
	int error;

	for (i = 0; i < acts->n; i++) {
		error = wft_lflow_pinctrl_xlate(acts, &i, ctx, out, err, errlen);
		if (error > 0)		/* not a pinctrl action */
			error = xlate_one(&acts->a[i], ctx, in_ct, out, err,
					  errlen);
		if (error)
			return error;
	}
	return 0;
}

int wft_lflow_actions_to_ofpacts(const struct wft_lacts *acts,
				 const struct wft_lflow_xlate_ctx *ctx,
				 struct wft_ofpacts *out, char *err,
				 size_t errlen)
{
	if (errlen)
		err[0] = '\0';
	return xlate_list(acts, ctx, false, out, err, errlen);
}
