// SPDX-License-Identifier: GPL-2.0
/*
 * Datapath action lists in attribute form printed as ovs-dpctl text, the
 * inverse of odp_actions.c. Malformed or unknown attributes are printed in a
 * generic form (action<N>(hex)) and make the formatter return -EINVAL.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "odp_private.h"

struct fmt {
	struct wft_strbuf *out;
	const struct wft_odp_port_map *ports;
	bool bad;
};

static void format_list(struct fmt *f, const uint8_t *p, size_t len,
			unsigned int depth, const char *empty);

static void generic(struct fmt *f, const char *prefix,
		    const struct wft_odp_attr *a)
{
	wft_strbuf_printf(f->out, "%s%u(", prefix, a->type);
	wft_odp_put_hex(f->out, a->data, a->len);
	wft_strbuf_putc(f->out, ')');
	f->bad = true;
}

static bool get_u32(const struct wft_odp_attr *a, uint32_t *v)
{
	if (a->len != 4)
		return false;
	memcpy(v, a->data, 4);
	return true;
}

static bool get_u16(const struct wft_odp_attr *a, uint16_t *v)
{
	if (a->len != 2)
		return false;
	memcpy(v, a->data, 2);
	return true;
}

/*
 * Splits a nest into its attributes by type (up to @max); false when it is
 * malformed, repeats an attribute or holds one above @max.
 */
static bool split(const struct wft_odp_attr *nest, struct wft_odp_attr *tb,
		  unsigned int max)
{
	struct wft_odp_iter it;
	struct wft_odp_attr a;
	int r;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	wft_odp_iter_init(&it, nest->data, nest->len);
	while ((r = wft_odp_iter_next(&it, &a)) > 0) {
		if (!a.type || a.type > max || tb[a.type].data)
			return false;
		tb[a.type] = a;
	}
	return r == 0;
}

static void format_userspace(struct fmt *f, const struct wft_odp_attr *a)
{
	struct wft_odp_attr tb[WEFT_USERSPACE_A_MAX + 1];
	uint32_t pid = 0;

	if (!split(a, tb, WEFT_USERSPACE_A_MAX) ||
	    (tb[WEFT_USERSPACE_A_PID].data &&
	     !get_u32(&tb[WEFT_USERSPACE_A_PID], &pid)))
		return generic(f, "action", a);
	wft_strbuf_printf(f->out, "userspace(pid=%u", pid);
	if (tb[WEFT_USERSPACE_A_USERDATA].data) {
		wft_strbuf_puts(f->out, ",userdata(");
		wft_odp_put_hex(f->out, tb[WEFT_USERSPACE_A_USERDATA].data,
				tb[WEFT_USERSPACE_A_USERDATA].len);
		wft_strbuf_putc(f->out, ')');
	}
	wft_strbuf_putc(f->out, ')');
}

static void format_set(struct fmt *f, const struct wft_odp_attr *a)
{
	struct wft_odp_attr tb[WEFT_SET_A_MAX + 1], h;
	struct wft_odp_image *img;
	struct wft_odp_iter it;
	bool first = true;
	int r, n = 0;

	if (!split(a, tb, WEFT_SET_A_MAX) || !tb[WEFT_SET_A_KEY].data)
		return generic(f, "action", a);
	img = calloc(1, sizeof(*img));
	if (!img) {
		f->out->error = -ENOMEM;
		return;
	}
	wft_odp_image_decode(img, tb[WEFT_SET_A_KEY].data,
			     tb[WEFT_SET_A_KEY].len, false);
	if (tb[WEFT_SET_A_MASK].data)
		wft_odp_image_decode(img, tb[WEFT_SET_A_MASK].data,
				     tb[WEFT_SET_A_MASK].len, true);
	else
		wft_odp_image_exact_mask(img);
	f->bad |= img->bad;
	wft_strbuf_puts(f->out, "set(");
	wft_odp_iter_init(&it, tb[WEFT_SET_A_KEY].data, tb[WEFT_SET_A_KEY].len);
	while ((r = wft_odp_iter_next(&it, &h)) > 0) {
		const struct wft_odp_hdr *hd = wft_odp_hdr_by_attr(h.type);

		if (n++) {
			/* One header per set: print the rest, but say so. */
			f->bad = true;
		}
		if (h.type == WEFT_KEY_A_TUNNEL) {
			wft_odp_format_tunnel(f->out, &first, img, true, true);
			continue;
		}
		if (!hd || !hd->name || !hd->settable) {
			if (!first)
				wft_strbuf_putc(f->out, ',');
			first = false;
			generic(f, "key", &h);
			continue;
		}
		wft_odp_format_header(f->out, &first, img, hd, true, NULL);
	}
	if (r < 0 || !n)
		f->bad = true;
	wft_strbuf_putc(f->out, ')');
	free(img);
}

static void format_push_vlan(struct fmt *f, const struct wft_odp_attr *a)
{
	struct wft_odp_attr tb[WEFT_VLAN_A_MAX + 1];
	uint16_t tpid = htons(0x8100), tci;

	if (!split(a, tb, WEFT_VLAN_A_MAX) ||
	    !get_u16(&tb[WEFT_VLAN_A_TCI], &tci) ||
	    (tb[WEFT_VLAN_A_TPID].data && !get_u16(&tb[WEFT_VLAN_A_TPID], &tpid)))
		return generic(f, "action", a);
	tpid = ntohs(tpid);
	tci = ntohs(tci);
	wft_strbuf_puts(f->out, "push_vlan(");
	if (tpid != 0x8100)
		wft_strbuf_printf(f->out, "tpid=0x%04x,", tpid);
	wft_strbuf_printf(f->out, "vid=%u,pcp=%u", tci & 0xfff, tci >> 13);
	if (!(tci & 0x1000))
		wft_strbuf_puts(f->out, ",cfi=0");
	wft_strbuf_putc(f->out, ')');
}

static void format_hash(struct fmt *f, const struct wft_odp_attr *a)
{
	struct wft_odp_attr tb[WEFT_HASH_A_MAX + 1];
	uint32_t alg = 0, basis = 0;

	if (!split(a, tb, WEFT_HASH_A_MAX) ||
	    (tb[WEFT_HASH_A_ALG].data && !get_u32(&tb[WEFT_HASH_A_ALG], &alg)) ||
	    (tb[WEFT_HASH_A_BASIS].data &&
	     !get_u32(&tb[WEFT_HASH_A_BASIS], &basis)) ||
	    alg != WEFT_HASH_ALG_L4)
		return generic(f, "action", a);
	wft_strbuf_printf(f->out, "hash(l4(%u))", basis);
}

/*
 * "name(" list ")" for a nest that is itself an action list. An empty one
 * prints as @empty: OVS 3.1 prints "drop" everywhere but parses it only in
 * check_pkt_len's branches, so clone() and actions() stay empty for
 * ovs-dpctl to accept them. A list of one drop action prints the same way
 * (it does the same), so that the text parses back to itself.
 */
static void format_sublist(struct fmt *f, const char *name,
			   const struct wft_odp_attr *a, unsigned int depth,
			   const char *empty)
{
	wft_strbuf_printf(f->out, "%s(", name);
	format_list(f, a->data, a->len, depth + 1, empty);
	wft_strbuf_putc(f->out, ')');
}

static void format_sample(struct fmt *f, const struct wft_odp_attr *a,
			  unsigned int depth)
{
	struct wft_odp_attr tb[WEFT_SAMPLE_A_MAX + 1];
	uint32_t prob;

	if (!split(a, tb, WEFT_SAMPLE_A_MAX) ||
	    !get_u32(&tb[WEFT_SAMPLE_A_PROBABILITY], &prob) ||
	    !tb[WEFT_SAMPLE_A_ACTIONS].data)
		return generic(f, "action", a);
	wft_strbuf_printf(f->out, "sample(sample=%.1f%%,",
			  100.0 * prob / UINT32_MAX);
	format_sublist(f, "actions", &tb[WEFT_SAMPLE_A_ACTIONS], depth, "");
	wft_strbuf_putc(f->out, ')');
}

static void format_check_pkt_len(struct fmt *f, const struct wft_odp_attr *a,
				  unsigned int depth)
{
	struct wft_odp_attr tb[WEFT_CHECK_PKT_LEN_A_MAX + 1];
	uint16_t size;

	if (!split(a, tb, WEFT_CHECK_PKT_LEN_A_MAX) ||
	    !get_u16(&tb[WEFT_CHECK_PKT_LEN_A_PKT_LEN], &size) ||
	    !tb[WEFT_CHECK_PKT_LEN_A_IF_GREATER].data ||
	    !tb[WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL].data)
		return generic(f, "action", a);
	wft_strbuf_printf(f->out, "check_pkt_len(size=%u,", size);
	format_sublist(f, "gt", &tb[WEFT_CHECK_PKT_LEN_A_IF_GREATER], depth,
		       "drop");
	wft_strbuf_putc(f->out, ',');
	format_sublist(f, "le", &tb[WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL], depth,
		       "drop");
	wft_strbuf_putc(f->out, ')');
}

static void format_dec_ttl(struct fmt *f, const struct wft_odp_attr *a,
			   unsigned int depth)
{
	struct wft_odp_attr tb[WEFT_DEC_TTL_A_MAX + 1];

	if (!split(a, tb, WEFT_DEC_TTL_A_MAX) ||
	    !tb[WEFT_DEC_TTL_A_ACTIONS].data)
		return generic(f, "action", a);
	wft_strbuf_puts(f->out, "dec_ttl(");
	/* As OVS 3.4 prints it; 3.1 knows no dec_ttl at all. */
	format_sublist(f, "le_1", &tb[WEFT_DEC_TTL_A_ACTIONS], depth, "drop");
	wft_strbuf_putc(f->out, ')');
}

static void format_port(struct fmt *f, uint32_t port)
{
	const char *name = NULL;

	if (f->ports && f->ports->name)
		name = f->ports->name(f->ports->aux, port);
	if (name)
		wft_strbuf_puts(f->out, name);
	else
		wft_strbuf_printf(f->out, "%u", port);
}

static void format_action(struct fmt *f, const struct wft_odp_attr *a,
			  unsigned int depth)
{
	uint32_t v;

	switch (a->type) {
	case WEFT_ACTION_A_OUTPUT:
		if (!get_u32(a, &v))
			break;
		format_port(f, v);
		return;
	case WEFT_ACTION_A_USERSPACE:
		format_userspace(f, a);
		return;
	case WEFT_ACTION_A_SET:
		format_set(f, a);
		return;
	case WEFT_ACTION_A_PUSH_VLAN:
		format_push_vlan(f, a);
		return;
	case WEFT_ACTION_A_POP_VLAN:
		if (a->len)
			break;
		wft_strbuf_puts(f->out, "pop_vlan");
		return;
	case WEFT_ACTION_A_RECIRC:
		if (!get_u32(a, &v))
			break;
		/* OVS prints %#x but its parser reads only decimal. */
		wft_strbuf_printf(f->out, "recirc(%u)", v);
		return;
	case WEFT_ACTION_A_HASH:
		format_hash(f, a);
		return;
	case WEFT_ACTION_A_TRUNC:
		if (!get_u32(a, &v))
			break;
		wft_strbuf_printf(f->out, "trunc(%u)", v);
		return;
	case WEFT_ACTION_A_CLONE:
		format_sublist(f, "clone", a, depth, "");
		return;
	case WEFT_ACTION_A_SAMPLE:
		format_sample(f, a, depth);
		return;
	case WEFT_ACTION_A_CHECK_PKT_LEN:
		format_check_pkt_len(f, a, depth);
		return;
	case WEFT_ACTION_A_DEC_TTL:
		format_dec_ttl(f, a, depth);
		return;
	case WEFT_ACTION_A_CT:
		if (!wft_odp_format_ct(f->out, a))
			break;
		return;
	case WEFT_ACTION_A_CT_CLEAR:
		if (a->len)
			break;
		wft_strbuf_puts(f->out, "ct_clear");
		return;
	case WEFT_ACTION_A_DROP:
		/* OVS prints every drop reason as plain "drop". */
		if (!get_u32(a, &v))
			break;
		wft_strbuf_puts(f->out, "drop");
		return;
	default:
		break;
	}
	generic(f, "action", a);
}

/* Whether a list is exactly one drop action (of any reason). */
static bool only_drop(const uint8_t *p, size_t len)
{
	struct wft_odp_iter it;
	struct wft_odp_attr a;

	wft_odp_iter_init(&it, p, len);
	return wft_odp_iter_next(&it, &a) > 0 &&
	       a.type == WEFT_ACTION_A_DROP && a.len == 4 &&
	       !wft_odp_iter_next(&it, &a);
}

static void format_list(struct fmt *f, const uint8_t *p, size_t len,
			unsigned int depth, const char *empty)
{
	struct wft_odp_iter it;
	struct wft_odp_attr a;
	bool first = true;
	int r;

	if (depth > 2 * WFT_ODP_MAX_DEPTH) {
		wft_strbuf_puts(f->out, "...");
		f->bad = true;
		return;
	}
	if (!len || (depth && only_drop(p, len))) {
		wft_strbuf_puts(f->out, empty);
		return;
	}
	wft_odp_iter_init(&it, p, len);
	while ((r = wft_odp_iter_next(&it, &a)) > 0) {
		if (!first)
			wft_strbuf_putc(f->out, ',');
		first = false;
		format_action(f, &a, depth);
	}
	if (r < 0) {
		wft_strbuf_printf(f->out, "%s***%zu malformed bytes***",
				  first ? "" : ",", it.left);
		f->bad = true;
	}
}

int wft_odp_actions_format_ports(const void *acts, size_t len,
				 const struct wft_odp_port_map *ports,
				 struct wft_strbuf *out, unsigned int flags)
{
	struct fmt f = { .out = out, .ports = ports, .bad = false };

	(void)flags;	/* no verbose form for actions */

	format_list(&f, acts, acts ? len : 0, 0, "drop");
	if (out->error)
		return out->error;
	return f.bad ? -EINVAL : 0;
}

int wft_odp_actions_format(const void *acts, size_t len,
			   struct wft_strbuf *out, unsigned int flags)
{
	return wft_odp_actions_format_ports(acts, len, NULL, out, flags);
}
