// SPDX-License-Identifier: GPL-2.0
/*
 * The lookup actions, encoded as ovn-controller 23.03 encodes them: the
 * arguments are moved into the registers the table matches on (saving
 * what they held on the stack, and restoring it after), the result bit
 * in the logical flags (reg10) is cleared, the table is consulted with a
 * resubmit, and the result is moved to the action's destination:
 *
 *   get_arp(P, IP)          reg15 = P, reg0 = IP, eth.dst = 0, -> 66
 *   get_nd(P, IP)           the same with xxreg0
 *   R = lookup_arp(P, IP, MAC)  reg14 = P, reg0 = IP, eth.src = MAC,
 *                           flags[6] = 0, -> 67, R = flags[6]
 *   R = lookup_nd(...)      the same with xxreg0
 *   R = lookup_arp_ip(P, IP)    reg15 = P, reg0 = IP, eth.dst saved,
 *                           flags[6] = 0, -> 66, R = flags[6]
 *   R = lookup_nd_ip(P, IP) the same with xxreg0
 *   R = get_fdb(MAC)        eth.dst = MAC, reg15 = 0, -> 71, R = reg15
 *   R = lookup_fdb(P, MAC)  reg14 = P, eth.src = MAC, flags[8] = 0, -> 72,
 *                           R = flags[8]
 *   R = check_in_port_sec() flags[12] = 0, -> 73, R = flags[12]
 *   R = check_out_port_sec()    the same with 75
 *   R = chk_lb_hairpin()    flags[7] = 0, -> 68, R = flags[7]
 *   R = chk_lb_hairpin_reply()  the same with 69
 *   R = chk_lb_aff()        flags[14] = 0, -> 78, R = flags[14]
 *   ct_snat_to_vip          -> 70
 *
 * An argument already in its register (northd's usual "get_arp(outport,
 * reg0)", "lookup_fdb(inport, eth.src)") costs nothing; any other needs
 * push/pop. The actions are written in ovs-ofctl syntax and parsed by
 * weft's own parser, so that a weft without push:/pop: refuses those
 * with -EOPNOTSUPP instead of doing something else.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lflow_ofpacts_lookup.h"
#include "weft/ofp_flow.h"
#include "weft/ovn_lookup.h"

static const char *const names[] = {
	"get_arp", "get_nd", "lookup_arp", "lookup_arp_ip", "lookup_nd",
	"lookup_nd_ip", "get_fdb", "lookup_fdb", "check_in_port_sec",
	"check_out_port_sec", "chk_lb_hairpin", "chk_lb_hairpin_reply",
	"chk_lb_aff", "ct_snat_to_vip",
};

bool wft_lflow_is_lookup_action(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

struct lk {
	const struct wft_lact *a;
	struct wft_ofpacts *out;
	char *err;
	size_t errlen;
	int error;
};

static int lk_err(struct lk *k, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int lk_err(struct lk *k, int code, const char *fmt, ...)
{
	va_list ap;

	if (k->error)
		return k->error;
	va_start(ap, fmt);
	vsnprintf(k->err, k->errlen, fmt, ap);
	va_end(ap);
	k->error = code;
	return code;
}

/* A match that satisfies @f's prerequisites, so that the parser accepts
 * actions that read it (the rule's own match will hold them: the
 * compiler adds the prerequisites of the fields actions use). */
static const char *prereq_match(const struct wft_field *f)
{
	switch (f->prereq) {
	case WFT_P_ARP:
		return "arp";
	case WFT_P_IP:
	case WFT_P_IPV4:
		return "ip";
	case WFT_P_IPV6:
		return "ipv6";
	case WFT_P_TCP:
		return "tcp";
	case WFT_P_UDP:
		return "udp";
	case WFT_P_SCTP:
		return "sctp";
	case WFT_P_ICMPV4:
		return "icmp";
	case WFT_P_ICMPV6:
		return "icmp6";
	case WFT_P_ND:
	case WFT_P_ND_SOLICIT:
		return "icmp6,icmp_type=135,icmp_code=0";
	case WFT_P_ND_ADVERT:
		return "icmp6,icmp_type=136,icmp_code=0";
	default:
		return "";
	}
}

/* Appends the ovs-ofctl actions @fmt to the list, checked against a
 * match that holds @f's prerequisites (@f may be NULL). */
static void put(struct lk *k, const struct wft_field *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put(struct lk *k, const struct wft_field *f, const char *fmt, ...)
{
	struct wft_flow match;
	struct wft_flow_wc wc;
	char text[160], perr[192];
	va_list ap;

	if (k->error)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memset(&match, 0, sizeof(match));
	wft_flow_wc_init_catchall(&wc);
	if (f && *prereq_match(f) &&
	    wft_ofp_match_parse(prereq_match(f), &match, &wc, perr,
				sizeof(perr))) {
		lk_err(k, -EINVAL, "%s: %s", k->a->name, perr);
		return;
	}
	if (!wft_ofp_actions_parse(text, &match, &wc, WFT_TABLE_ALL, k->out,
				   perr, sizeof(perr)))
		return;
	if (!strncmp(text, "push:", 5) || !strncmp(text, "pop:", 4))
		lk_err(k, -EOPNOTSUPP, "%s needs push/pop to move its "
		       "arguments, which weft does not support yet (%s)",
		       k->a->name, perr);
	else
		lk_err(k, -EINVAL, "%s: %s: %s", k->a->name, text, perr);
}

/* "NXM_NX_REG0[]", "NXM_NX_REG10[6]", "NXM_NX_REG0[0..15]". */
static void sf_text(const struct wft_field *f, unsigned int ofs,
		    unsigned int n_bits, char *buf, size_t len)
{
	const char *name = f->nxm_name ? f->nxm_name :
			   f->oxm_name ? f->oxm_name : f->name;

	if (!ofs && n_bits == f->n_bits)
		snprintf(buf, len, "%s[]", name);
	else if (n_bits == 1)
		snprintf(buf, len, "%s[%u]", name, ofs);
	else
		snprintf(buf, len, "%s[%u..%u]", name, ofs, ofs + n_bits - 1);
}

static void lfield_text(const struct wft_lact_field *lf, char *buf,
			size_t len)
{
	sf_text(wft_field_from_id(lf->sym->field), lf->sym->ofs + lf->ofs,
		lf->width, buf, len);
}

/* One argument: the action's field and the register it goes into. */
struct arg {
	const struct wft_lact_field *src;
	enum wft_field_id dst;
};

/* The first bit of a subfield and its width, counted over the whole
 * struct wft_flow (fields are big-endian byte strings there), so that
 * reg0 and xxreg0[96..127] are the same bits. */
static unsigned int abs_bit(const struct wft_field *f, unsigned int ofs)
{
	return (f->offset + f->n_bytes) * 8u - 1 - (f->shift + ofs);
}

/* Whether the argument must be moved: OVN saves and restores a register
 * even when the argument already is that register under another name
 * (reg0 as xxreg0[96..127]), which changes nothing; weft skips it. */
static bool arg_moves(const struct arg *g)
{
	const struct wft_field *s = wft_field_from_id(g->src->sym->field);
	const struct wft_field *d = wft_field_from_id(g->dst);

	return g->src->width != d->n_bits ||
	       abs_bit(s, g->src->sym->ofs + g->src->ofs) != abs_bit(d, 0);
}

static void push_whole(struct lk *k, const char *op, enum wft_field_id id)
{
	const struct wft_field *f = wft_field_from_id(id);
	char sf[64];

	sf_text(f, 0, f->n_bits, sf, sizeof(sf));
	put(k, f, "%s:%s", op, sf);
}

/* Saves the registers the arguments go into and loads them, through the
 * stack as OVN does (the sources pushed in reverse, popped in order). */
static void setup_args(struct lk *k, const struct arg *args, size_t n)
{
	char sf[64];
	size_t i;

	for (i = 0; i < n; i++)
		if (arg_moves(&args[i]))
			push_whole(k, "push", args[i].dst);
	for (i = n; i-- > 0;)
		if (arg_moves(&args[i])) {
			lfield_text(args[i].src, sf, sizeof(sf));
			put(k, wft_field_from_id(args[i].src->sym->field),
			    "push:%s", sf);
		}
	for (i = 0; i < n; i++)
		if (arg_moves(&args[i]))
			push_whole(k, "pop", args[i].dst);
}

static void restore_args(struct lk *k, const struct arg *args, size_t n)
{
	size_t i;

	for (i = n; i-- > 0;)
		if (arg_moves(&args[i]))
			push_whole(k, "pop", args[i].dst);
}

/* The argument @i, which the parser guarantees is a field. */
static const struct wft_lact_field *argf(struct lk *k, size_t i)
{
	const struct wft_lact *a = k->a;

	if (i >= a->n_args || a->args[i].kind != WFT_LARG_FIELD) {
		lk_err(k, -EINVAL, "%s: argument %zu is not a field", a->name,
		       i + 1);
		return NULL;
	}
	return &a->args[i].field;
}

/* flags[@bit] = 0; resubmit(,@table); R = flags[@bit]. */
static void result_bit(struct lk *k, unsigned int bit, unsigned int table)
{
	char dst[64];

	put(k, NULL, "load:0->NXM_NX_REG10[%u]", bit);
	put(k, NULL, "resubmit(,%u)", table);
	lfield_text(&k->a->dst, dst, sizeof(dst));
	put(k, NULL, "move:NXM_NX_REG10[%u]->%s", bit, dst);
}

static void mac_bind(struct lk *k, bool nd, bool lookup, bool ip_only)
{
	enum wft_field_id ip = nd ? WFT_F_XXREG0 : WFT_F_REG0;
	struct arg args[3];
	size_t n = 0;
	char dst[64];

	args[n].src = argf(k, 0);
	args[n++].dst = WFT_F_REG0 + (lookup && !ip_only ? 14 : 15);
	args[n].src = argf(k, 1);
	args[n++].dst = ip;
	if (lookup && !ip_only) {
		args[n].src = argf(k, 2);
		args[n++].dst = WFT_F_ETH_SRC;
	}
	if (k->error)
		return;
	setup_args(k, args, n);
	if (!lookup) {
		put(k, NULL, "set_field:00:00:00:00:00:00->eth_dst");
		put(k, NULL, "resubmit(,%d)", WFT_OVN_T_MAC_BINDING);
	} else if (ip_only) {
		push_whole(k, "push", WFT_F_ETH_DST);
		put(k, NULL, "load:0->NXM_NX_REG10[%d]",
		    WFT_OVN_MLF_LOOKUP_MAC);
		put(k, NULL, "resubmit(,%d)", WFT_OVN_T_MAC_BINDING);
		lfield_text(&k->a->dst, dst, sizeof(dst));
		put(k, NULL, "move:NXM_NX_REG10[%d]->%s",
		    WFT_OVN_MLF_LOOKUP_MAC, dst);
		push_whole(k, "pop", WFT_F_ETH_DST);
	} else {
		result_bit(k, WFT_OVN_MLF_LOOKUP_MAC, WFT_OVN_T_MAC_LOOKUP);
	}
	restore_args(k, args, n);
}

static void get_fdb(struct lk *k)
{
	struct arg arg = { argf(k, 0), WFT_F_ETH_DST };
	char dst[64];

	if (k->error)
		return;
	setup_args(k, &arg, 1);
	put(k, NULL, "set_field:0->reg15");
	put(k, NULL, "resubmit(,%d)", WFT_OVN_T_GET_FDB);
	restore_args(k, &arg, 1);
	if (k->a->dst.sym->field != WFT_F_REG0 + 15) {
		lfield_text(&k->a->dst, dst, sizeof(dst));
		put(k, NULL, "move:NXM_NX_REG15[]->%s", dst);
	}
}

static void lookup_fdb(struct lk *k)
{
	struct arg args[2] = {
		{ argf(k, 0), WFT_F_REG0 + 14 },
		{ argf(k, 1), WFT_F_ETH_SRC },
	};
	char dst[64];

	if (k->error)
		return;
	setup_args(k, args, 2);
	put(k, NULL, "load:0->NXM_NX_REG10[%d]", WFT_OVN_MLF_LOOKUP_FDB);
	put(k, NULL, "resubmit(,%d)", WFT_OVN_T_LOOKUP_FDB);
	restore_args(k, args, 2);
	lfield_text(&k->a->dst, dst, sizeof(dst));
	put(k, NULL, "move:NXM_NX_REG10[%d]->%s", WFT_OVN_MLF_LOOKUP_FDB, dst);
}

int wft_lflow_xlate_lookup(const struct wft_lact *a,
			   const struct wft_lflow_xlate_ctx *ctx,
			   struct wft_ofpacts *out, char *err, size_t errlen)
{
	struct lk k = { a, out, err, errlen, 0 };
	const char *n = a->name;

	(void)ctx;
	if (strcmp(n, "ct_snat_to_vip") && strncmp(n, "get_", 4) &&
	    !a->has_dst)
		return lk_err(&k, -EINVAL, "%s needs a result", n);
	if (!strcmp(n, "get_arp") || !strcmp(n, "get_nd"))
		mac_bind(&k, n[4] == 'n', false, false);
	else if (!strcmp(n, "lookup_arp") || !strcmp(n, "lookup_nd"))
		mac_bind(&k, n[7] == 'n', true, false);
	else if (!strcmp(n, "lookup_arp_ip") || !strcmp(n, "lookup_nd_ip"))
		mac_bind(&k, n[7] == 'n', true, true);
	else if (!strcmp(n, "get_fdb"))
		get_fdb(&k);
	else if (!strcmp(n, "lookup_fdb"))
		lookup_fdb(&k);
	else if (!strcmp(n, "check_in_port_sec"))
		result_bit(&k, WFT_OVN_MLF_CHECK_PORT_SEC,
			   WFT_OVN_T_CHK_IN_PORT_SEC);
	else if (!strcmp(n, "check_out_port_sec"))
		result_bit(&k, WFT_OVN_MLF_CHECK_PORT_SEC,
			   WFT_OVN_T_CHK_OUT_PORT_SEC);
	else if (!strcmp(n, "chk_lb_hairpin"))
		result_bit(&k, WFT_OVN_MLF_LOOKUP_LB_HAIRPIN,
			   WFT_OVN_T_CHK_LB_HAIRPIN);
	else if (!strcmp(n, "chk_lb_hairpin_reply"))
		result_bit(&k, WFT_OVN_MLF_LOOKUP_LB_HAIRPIN,
			   WFT_OVN_T_CHK_LB_HAIRPIN_REPLY);
	else if (!strcmp(n, "chk_lb_aff"))
		result_bit(&k, WFT_OVN_MLF_USE_LB_AFF_SESSION,
			   WFT_OVN_T_CHK_LB_AFFINITY);
	else if (!strcmp(n, "ct_snat_to_vip"))
		put(&k, NULL, "resubmit(,%d)", WFT_OVN_T_CT_SNAT_HAIRPIN);
	else
		return lk_err(&k, -EINVAL, "%s is not a lookup action", n);
	return k.error;
}
