// SPDX-License-Identifier: GPL-2.0
/*
 * Printing action lists as `ovs-ofctl -O OpenFlow14` does (see
 * include/weft/ofp_flow.h for why that version): OpenFlow 1.0 spellings
 * come back as set_field, a masked set_field as loads of its contiguous
 * bit runs, and mod_vlan_vid as set_field on vlan_vid after a push_vlan
 * when the packet may have no tag at that point.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ofp_private.h"

struct fmt_ctx {
	struct wft_strbuf *sb;
	bool has_vlan;		/* a tag is there at this point of the list */
};

static void put_list(struct fmt_ctx *c, const struct wft_ofpacts *acts);

/* "load:VALUE->FIELD[a..b]" for bits [ofs, ofs + n) of the field, whose
 * value is right-aligned in @value (field bits, not subfield bits). */
static void put_load_bits(struct fmt_ctx *c, const struct wft_field *f,
			  const uint8_t *value, unsigned int ofs,
			  unsigned int n)
{
	struct wft_subfield sf = { f, ofs, n };
	unsigned long long v = 0;
	unsigned int i;

	for (i = n; i-- > 0;)
		v = v << 1 | ofp_bit_get(value, f->n_bytes, ofs + i);
	wft_strbuf_printf(c->sb, v ? "load:%#llx->" : "load:%llu->", v);
	ofp_subfield_format(&sf, c->sb);
	wft_strbuf_putc(c->sb, ',');
}

/* An OpenFlow load carries at most 64 bits: longer runs are split,
 * starting from the least significant bit. */
static void put_load_run(struct fmt_ctx *c, const struct wft_field *f,
			 const uint8_t *value, unsigned int ofs, unsigned int n)
{
	while (n > 64) {
		put_load_bits(c, f, value, ofs, 64);
		ofs += 64;
		n -= 64;
	}
	put_load_bits(c, f, value, ofs, n);
}

/* One load per run of contiguous one bits in @mask. */
static void put_masked_set(struct fmt_ctx *c, const struct wft_field *f,
			   const uint8_t *value, const uint8_t *mask)
{
	unsigned int i = 0, start;

	while (i < f->n_bits) {
		if (!ofp_bit_get(mask, f->n_bytes, i)) {
			i++;
			continue;
		}
		start = i;
		while (i < f->n_bits && ofp_bit_get(mask, f->n_bytes, i))
			i++;
		put_load_run(c, f, value, start, i - start);
	}
}

static bool mask_is_full(const struct wft_field *f, const uint8_t *mask)
{
	unsigned int i;

	for (i = 0; i < f->n_bits; i++)
		if (!ofp_bit_get(mask, f->n_bytes, i))
			return false;
	return true;
}

/* ovs-ofctl prints every write to a tun_metadata field, masked or not,
 * load or set_field, as set_field (OpenFlow 1.4 carries them as
 * NXAST_REG_LOAD2, whose printed form is set_field). @value and @mask are
 * in field bits. */
static void put_tun_md_set(struct fmt_ctx *c, const struct wft_field *f,
			   const uint8_t *value, const uint8_t *mask)
{
	uint8_t v[16];
	unsigned int i;

	for (i = 0; i < f->n_bytes; i++)
		v[i] = value[i] & mask[i];
	wft_strbuf_puts(c->sb, "set_field:");
	ofp_put_hex(c->sb, v, f->n_bytes);
	if (!ofp_is_ones(mask, f->n_bytes)) {
		wft_strbuf_putc(c->sb, '/');
		ofp_put_hex(c->sb, mask, f->n_bytes);
	}
	wft_strbuf_printf(c->sb, "->%s,", f->name);
}

static void put_set_field(struct fmt_ctx *c, const struct wft_ofpact *a)
{
	const struct wft_field *f = a->set.dst.field;

	if (wft_field_id_is_tun_md(f->id)) {
		put_tun_md_set(c, f, a->set.value, a->set.mask);
		return;
	}
	if (f->id == WFT_F_VLAN_TCI)
		c->has_vlan = a->set.value[0] & 0x10;
	if (!mask_is_full(f, a->set.mask)) {
		put_masked_set(c, f, a->set.value, a->set.mask);
		return;
	}
	if (a->spelling == WFT_SPELL_MOD_NW_TTL) {
		wft_strbuf_printf(c->sb, "mod_nw_ttl:%u,", a->set.value[0]);
		return;
	}
	wft_strbuf_puts(c->sb, "set_field:");
	ofp_field_format(f, a->set.value, NULL, c->sb);
	wft_strbuf_printf(c->sb, "->%s,", ofp_field_set_name(f));
}

/* A load's value is right-aligned to its subfield; print it in 64-bit
 * pieces placed at the subfield's offset. */
static void put_load(struct fmt_ctx *c, const struct wft_ofpact *a)
{
	const struct wft_subfield *dst = &a->set.dst;
	const struct wft_field *f = dst->field;
	uint8_t shifted[16], mask[16];
	unsigned int i;

	if (wft_field_id_is_tun_md(f->id)) {
		memset(shifted, 0, sizeof(shifted));
		memset(mask, 0, sizeof(mask));
		for (i = 0; i < dst->n_bits; i++) {
			ofp_bit_put(shifted, f->n_bytes, dst->ofs + i,
				    ofp_bit_get(a->set.value, f->n_bytes, i));
			ofp_bit_put(mask, f->n_bytes, dst->ofs + i, true);
		}
		put_tun_md_set(c, f, shifted, mask);
		return;
	}
	if (dst->n_bits <= 64) {
		struct wft_subfield sf = *dst;
		unsigned long long v = ofp_get_uint(a->set.value + f->n_bytes -
						    (f->n_bytes > 8 ? 8 :
						     f->n_bytes),
						    f->n_bytes > 8 ? 8 :
						    f->n_bytes);

		wft_strbuf_printf(c->sb, v ? "load:%#llx->" : "load:%llu->", v);
		ofp_subfield_format(&sf, c->sb);
		wft_strbuf_putc(c->sb, ',');
	} else {
		memset(shifted, 0, sizeof(shifted));
		for (i = 0; i < dst->n_bits; i++)
			ofp_bit_put(shifted, f->n_bytes, dst->ofs + i,
				    ofp_bit_get(a->set.value, f->n_bytes, i));
		put_load_run(c, f, shifted, dst->ofs, dst->n_bits);
	}
	if (f->id == WFT_F_VLAN_TCI)
		c->has_vlan = true;
}

static void put_vlan_action(struct fmt_ctx *c, const struct wft_ofpact *a)
{
	/* OpenFlow 1.1+ has no "push a tag if there is none": ovs-ofctl
	 * writes the push out when the rule does not guarantee a tag. */
	if (!c->has_vlan)
		wft_strbuf_printf(c->sb, "push_vlan:%#x,", WFT_ETH_TYPE_VLAN);
	c->has_vlan = true;
	if (a->type == WFT_OFPACT_MOD_VLAN_VID)
		wft_strbuf_printf(c->sb, "set_field:%u->vlan_vid,",
				  a->vlan.vid | WFT_VLAN_CFI);
	else
		wft_strbuf_printf(c->sb, "set_field:%u->vlan_pcp,", a->vlan.pcp);
}

static void put_output(struct fmt_ctx *c, const struct wft_ofpact *a)
{
	uint32_t port = a->output.port;

	if (a->output.max_len) {
		wft_strbuf_puts(c->sb, "output(port=");
		wft_ofp_port_format(port, c->sb);
		wft_strbuf_printf(c->sb, ",max_len=%u),", a->output.max_len);
		return;
	}
	if (port < WFT_OFPP_MAX)
		wft_strbuf_puts(c->sb, "output:");
	wft_ofp_port_format(port, c->sb);
	wft_strbuf_putc(c->sb, ',');
}

static void put_hex_dotted(struct wft_strbuf *sb, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		wft_strbuf_printf(sb, i ? ".%02x" : "%02x", p[i]);
}

static void put_controller(struct fmt_ctx *c, const struct wft_ofpact *a)
{
	static const char *const reasons[] = {
		"no_match", "action", "invalid_ttl", "action_set", "group",
		"packet_out",
	};
	struct wft_strbuf *sb = c->sb;

	if (a->controller.reason == 1 && !a->controller.controller_id &&
	    !a->controller.userdata_len && !a->controller.pause) {
		wft_strbuf_printf(sb, "CONTROLLER:%u,", a->controller.max_len);
		return;
	}
	wft_strbuf_puts(sb, "controller(");
	if (a->controller.reason != 1)
		wft_strbuf_printf(sb, "reason=%s,", a->controller.reason < 6 ?
				  reasons[a->controller.reason] : "?");
	if (a->controller.max_len != UINT16_MAX)
		wft_strbuf_printf(sb, "max_len=%u,", a->controller.max_len);
	if (a->controller.controller_id)
		wft_strbuf_printf(sb, "id=%u,", a->controller.controller_id);
	if (a->controller.userdata_len) {
		wft_strbuf_puts(sb, "userdata=");
		put_hex_dotted(sb, a->controller.userdata,
			       a->controller.userdata_len);
		wft_strbuf_putc(sb, ',');
	}
	if (a->controller.pause)
		wft_strbuf_puts(sb, "pause,");
	wft_strbuf_truncate(sb, sb->len - 1);
	wft_strbuf_puts(sb, "),");
}

static void put_resubmit(struct fmt_ctx *c, const struct wft_ofpact *a)
{
	uint32_t port = a->resubmit.in_port;

	if (port != WFT_OFPP_IN_PORT && a->resubmit.table == WFT_TABLE_UNSET) {
		wft_strbuf_puts(c->sb, "resubmit:");
		wft_ofp_port_format(port, c->sb);
		wft_strbuf_putc(c->sb, ',');
		return;
	}
	wft_strbuf_puts(c->sb, "resubmit(");
	if (port != WFT_OFPP_IN_PORT)
		wft_ofp_port_format(port, c->sb);
	wft_strbuf_putc(c->sb, ',');
	if (a->resubmit.table != WFT_TABLE_UNSET)
		wft_strbuf_printf(c->sb, "%u", a->resubmit.table);
	wft_strbuf_puts(c->sb, "),");
}

static void put_clone(struct fmt_ctx *c, const struct wft_ofpact *a)
{
	struct fmt_ctx inner = *c;

	wft_strbuf_puts(c->sb, "clone(");
	put_list(&inner, a->clone.actions);
	wft_strbuf_puts(c->sb, "),");
}

/* "1.2.3.4", "[2001:db8::1]" (brackets when a port follows, as OVS). */
static void put_nat_ip(struct wft_strbuf *sb, const struct wft_ofpact *a,
		       const uint8_t *ip)
{
	if (a->nat.af == AF_INET) {
		ofp_put_ipv4(sb, ip);
	} else if (a->nat.port_min) {
		wft_strbuf_putc(sb, '[');
		ofp_put_ipv6(sb, ip);
		wft_strbuf_putc(sb, ']');
	} else {
		ofp_put_ipv6(sb, ip);
	}
}

/* "nat", "nat(src)", "nat(dst=10.0.0.1-10.0.0.9:80-90,persistent)". */
static void put_nat(struct wft_strbuf *sb, const struct wft_ofpact *a)
{
	size_t n = a->nat.af == AF_INET ? 4 : 16;

	wft_strbuf_puts(sb, "nat");
	if (!(a->nat.flags & (WFT_NAT_F_SRC | WFT_NAT_F_DST)))
		return;
	wft_strbuf_puts(sb, a->nat.flags & WFT_NAT_F_SRC ? "(src" : "(dst");
	if (a->nat.af) {
		wft_strbuf_putc(sb, '=');
		put_nat_ip(sb, a, a->nat.ip_min);
		if (!ofp_is_zero(a->nat.ip_max, n)) {
			wft_strbuf_putc(sb, '-');
			put_nat_ip(sb, a, a->nat.ip_max);
		}
		if (a->nat.port_min)
			wft_strbuf_printf(sb, ":%u", a->nat.port_min);
		if (a->nat.port_max)
			wft_strbuf_printf(sb, "-%u", a->nat.port_max);
		if (a->nat.flags & WFT_NAT_F_PERSISTENT)
			wft_strbuf_puts(sb, ",persistent");
		if (a->nat.flags & WFT_NAT_F_PROTO_HASH)
			wft_strbuf_puts(sb, ",hash");
		if (a->nat.flags & WFT_NAT_F_PROTO_RANDOM)
			wft_strbuf_puts(sb, ",random");
	}
	wft_strbuf_putc(sb, ')');
}

/* ct(commit,force,table=N,zone=Z,nat(...),exec(...),alg=A): OVS's order;
 * a nat first in the nested list prints outside exec(), the rest in it. */
static void put_ct(struct fmt_ctx *c, const struct wft_ofpact *a)
{
	const struct wft_ofpacts *nested = a->ct.actions;
	struct wft_ofpacts rest = { 0 };
	struct wft_strbuf *sb = c->sb;
	struct fmt_ctx inner = *c;

	wft_strbuf_puts(sb, "ct(");
	if (a->ct.flags & WFT_CT_F_COMMIT)
		wft_strbuf_puts(sb, "commit,");
	if (a->ct.flags & WFT_CT_F_FORCE)
		wft_strbuf_puts(sb, "force,");
	if (a->ct.table != WFT_TABLE_UNSET)
		wft_strbuf_printf(sb, "table=%u,", a->ct.table);
	if (a->ct.zone_src.field) {
		wft_strbuf_puts(sb, "zone=");
		ofp_subfield_format(&a->ct.zone_src, sb);
		wft_strbuf_putc(sb, ',');
	} else if (a->ct.zone) {
		wft_strbuf_printf(sb, "zone=%u,", a->ct.zone);
	}
	if (nested && nested->n) {
		rest = *nested;
		if (rest.acts[0].type == WFT_OFPACT_NAT) {
			put_nat(sb, &rest.acts[0]);
			wft_strbuf_putc(sb, ',');
			rest.acts++;
			rest.n--;
		}
	}
	if (rest.n) {
		wft_strbuf_puts(sb, "exec(");
		put_list(&inner, &rest);
		wft_strbuf_puts(sb, "),");
	}
	if (a->ct.alg == WFT_CT_ALG_FTP)
		wft_strbuf_puts(sb, "alg=ftp,");
	else if (a->ct.alg == WFT_CT_ALG_TFTP)
		wft_strbuf_puts(sb, "alg=tftp,");
	else if (a->ct.alg)
		wft_strbuf_printf(sb, "alg=%u,", a->ct.alg);
	if (sb->buf[sb->len - 1] == ',')
		wft_strbuf_truncate(sb, sb->len - 1);
	wft_strbuf_puts(sb, "),");
}

static void put_action(struct fmt_ctx *c, const struct wft_ofpact *a)
{
	struct wft_strbuf *sb = c->sb;

	switch (a->type) {
	case WFT_OFPACT_OUTPUT:
		put_output(c, a);
		break;
	case WFT_OFPACT_OUTPUT_REG:
		wft_strbuf_puts(sb, "output:");
		ofp_subfield_format(&a->output_reg.src, sb);
		wft_strbuf_putc(sb, ',');
		break;
	case WFT_OFPACT_RESUBMIT:
		put_resubmit(c, a);
		break;
	case WFT_OFPACT_GOTO_TABLE:
		wft_strbuf_printf(sb, "goto_table:%u,", a->goto_table.table);
		break;
	case WFT_OFPACT_DROP:
		break;
	case WFT_OFPACT_SET_FIELD:
		put_set_field(c, a);
		break;
	case WFT_OFPACT_LOAD:
		put_load(c, a);
		break;
	case WFT_OFPACT_MOVE:
		wft_strbuf_puts(sb, "move:");
		ofp_subfield_format(&a->move.src, sb);
		wft_strbuf_puts(sb, "->");
		ofp_subfield_format(&a->move.dst, sb);
		wft_strbuf_putc(sb, ',');
		break;
	case WFT_OFPACT_MOD_VLAN_VID:
	case WFT_OFPACT_MOD_VLAN_PCP:
		put_vlan_action(c, a);
		break;
	case WFT_OFPACT_STRIP_VLAN:
		wft_strbuf_puts(sb, "pop_vlan,");
		c->has_vlan = false;
		break;
	case WFT_OFPACT_PUSH_VLAN:
		wft_strbuf_printf(sb, "push_vlan:%#x,", a->vlan.ethertype);
		c->has_vlan = true;
		break;
	case WFT_OFPACT_DEC_TTL:
		wft_strbuf_puts(sb, "dec_ttl,");
		break;
	case WFT_OFPACT_CONTROLLER:
		put_controller(c, a);
		break;
	case WFT_OFPACT_CLONE:
		put_clone(c, a);
		break;
	case WFT_OFPACT_NOTE:
		wft_strbuf_puts(sb, "note:");
		put_hex_dotted(sb, a->note.data, a->note.len);
		wft_strbuf_putc(sb, ',');
		break;
	case WFT_OFPACT_CT:
		put_ct(c, a);
		break;
	case WFT_OFPACT_CT_CLEAR:
		wft_strbuf_puts(sb, "ct_clear,");
		break;
	case WFT_OFPACT_NAT:
		put_nat(sb, a);
		wft_strbuf_putc(sb, ',');
		break;
	case WFT_OFPACT_CONJUNCTION:
		wft_strbuf_printf(sb, "conjunction(%u,%u/%u),", a->conj.id,
				  a->conj.clause, a->conj.n_clauses);
		break;
	case WFT_OFPACT_GROUP:
		wft_strbuf_printf(sb, "group:%u,", a->group.id);
		break;
	case WFT_OFPACT_LEARN:
		ofp_learn_format(a->learn.l, sb);
		wft_strbuf_putc(sb, ',');
		break;
	case WFT_OFPACT_STACK_PUSH:
	case WFT_OFPACT_STACK_POP:
		wft_strbuf_puts(sb, a->type == WFT_OFPACT_STACK_PUSH ?
				"push:" : "pop:");
		ofp_subfield_format(&a->stack.sf, sb);
		wft_strbuf_putc(sb, ',');
		break;
	case WFT_OFPACT_CHECK_PKT_LARGER:
		wft_strbuf_printf(sb, "check_pkt_larger(%u)->",
				  a->check_pkt.pkt_len);
		ofp_subfield_format(&a->check_pkt.dst, sb);
		wft_strbuf_putc(sb, ',');
		break;
	case WFT_OFPACT_FIN_TIMEOUT:
		/* As ovs-ofctl: the nonzero ones, fin_timeout() for none. */
		wft_strbuf_puts(sb, "fin_timeout(");
		if (a->fin.idle)
			wft_strbuf_printf(sb, "idle_timeout=%u%s", a->fin.idle,
					  a->fin.hard ? "," : "");
		if (a->fin.hard)
			wft_strbuf_printf(sb, "hard_timeout=%u", a->fin.hard);
		wft_strbuf_puts(sb, "),");
		break;
	}
}

static void put_list(struct fmt_ctx *c, const struct wft_ofpacts *acts)
{
	size_t start = c->sb->len, i;

	for (i = 0; i < acts->n; i++)
		put_action(c, &acts->acts[i]);
	if (c->sb->len == start)
		wft_strbuf_puts(c->sb, "drop");
	else
		wft_strbuf_truncate(c->sb, c->sb->len - 1);	/* the ',' */
}

void wft_ofp_actions_format(const struct wft_ofpacts *acts,
			    const struct wft_flow *match,
			    const struct wft_flow_wc *mask,
			    struct wft_strbuf *sb)
{
	struct fmt_ctx c = { sb, ofp_flow_has_vlan(match) };

	(void)mask;
	put_list(&c, acts);
}
