// SPDX-License-Identifier: GPL-2.0
/*
 * Datapath action lists as ovs-dpctl text:
 *
 *   2,set(ipv4(src=10.0.0.1/255.255.255.0,ttl=63)),push_vlan(vid=10,pcp=0),
 *   clone(pop_vlan,3),sample(sample=50.0%,actions(userspace(pid=7))),
 *   check_pkt_len(size=200,gt(4),le(drop)),dec_ttl(le_1(drop)),
 *   hash(l4(0)),recirc(1),trunc(100),ct(commit,zone=1,nat(src=10.0.0.1)),
 *   ct_clear,drop
 *
 * "drop" is WEFT_ACTION_A_DROP (reason 0), as OVS parses it, except as the
 * whole of a nested list, where it is the empty list (OVS prints an empty
 * list so).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odp_private.h"

static int parse_list(struct wft_odp_cur *c, struct wft_attrbuf *acts,
		      char end);

/*
 * "(list)" after a keyword: the cursor is on the '('. A list that is just
 * "drop" is the empty list, as OVS prints an empty list.
 */
static int parse_nested_list(struct wft_odp_cur *c, struct wft_attrbuf *acts,
			     uint16_t type, const char *ctx)
{
	size_t nest;
	int err;

	err = wft_odp_expect(c, '(', ctx);
	if (err)
		return err;
	nest = wft_attr_nest_start(acts, type);
	err = parse_list(c, acts, ')');
	if (err)
		return err;
	wft_attr_nest_end(acts, nest);
	return wft_odp_expect(c, ')', ctx);
}

static int parse_u32_arg(struct wft_odp_cur *c, const char *ctx, uint64_t max,
			 uint32_t *v)
{
	uint64_t u;
	int err;

	err = wft_odp_expect(c, '(', ctx);
	if (!err)
		err = wft_odp_parse_uint(c, ctx, max, &u);
	if (!err)
		err = wft_odp_expect(c, ')', ctx);
	if (!err)
		*v = (uint32_t)u;
	return err;
}

/* Expects the keyword @w followed by '=' or '(' at the cursor. */
static int expect_word(struct wft_odp_cur *c, const char *w, char after,
		       const char *ctx)
{
	size_t n = wft_odp_word_len(c);

	if (!wft_odp_word_is(c, n, w) || c->s[c->pos + n] != after) {
		char what[48];

		snprintf(what, sizeof(what), "expected \"%s%c\" at", w, after);
		return wft_odp_fail_token(c, c->pos,
					  n ? n : strcspn(c->s + c->pos, ",()"),
					  ctx, what);
	}
	c->pos += n + 1;
	return 0;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int parse_userspace(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	size_t nest, start;
	uint64_t pid;
	uint8_t *data;
	size_t n, i;
	int err;

	err = wft_odp_expect(c, '(', "userspace");
	if (err)
		return err;
	nest = wft_attr_nest_start(acts, WEFT_ACTION_A_USERSPACE);
	if (wft_odp_peek(c) == 'p') {
		err = expect_word(c, "pid", '=', "userspace");
		if (!err)
			err = wft_odp_parse_uint(c, "userspace", UINT32_MAX,
						 &pid);
		if (err)
			return err;
		wft_attr_put_u32(acts, WEFT_USERSPACE_A_PID, (uint32_t)pid);
		if (wft_odp_peek(c) == ',')
			c->pos++;
	}
	if (wft_odp_peek(c) != ')') {
		err = expect_word(c, "userdata", '(', "userspace");
		if (err)
			return err;
		start = c->pos;
		n = strcspn(c->s + start, ")");
		if (n % 2 || n / 2 > UINT16_MAX - 64)
			return wft_odp_fail_token(c, start, n, "userspace",
						  "bad userdata");
		data = malloc(n / 2 + 1);
		if (!data)
			return -ENOMEM;
		for (i = 0; i < n / 2; i++) {
			int hi = hex_digit(c->s[start + 2 * i]);
			int lo = hex_digit(c->s[start + 2 * i + 1]);

			if (hi < 0 || lo < 0) {
				free(data);
				return wft_odp_fail_token(c, start, n,
						"userspace", "bad userdata");
			}
			data[i] = (uint8_t)(hi << 4 | lo);
		}
		wft_attr_put(acts, WEFT_USERSPACE_A_USERDATA, data, n / 2);
		free(data);
		c->pos += n;
		err = wft_odp_expect(c, ')', "userdata");
		if (err)
			return err;
	}
	wft_attr_nest_end(acts, nest);
	return wft_odp_expect(c, ')', "userspace");
}

/* Any field not exactly masked makes the set a masked one. */
static bool image_is_partial(const struct wft_odp_image *img,
			     const struct wft_odp_hdr *h)
{
	for (int i = 0; i < h->n_fields; i++) {
		const struct wft_odp_slot *s =
			&img->slot[h->attr][h->fields[i].attr];

		if (s->in_mask &&
		    !wft_odp_mask_is_exact((enum wft_odp_vtype)h->fields[i].type,
					   s->mask))
			return true;
	}
	return false;
}

/* set(tunnel(...)): KEY holds the tunnel nest; there is never a MASK. */
static int parse_set_tunnel(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	struct wft_odp_image *img = calloc(1, sizeof(*img));
	struct wft_attrbuf k;
	size_t nest;
	int err;

	if (!img)
		return -ENOMEM;
	err = wft_odp_parse_tunnel(c, img, true);
	if (!err)
		err = wft_odp_expect(c, ')', "set");
	if (err) {
		free(img);
		return err;
	}
	wft_attrbuf_init(&k);
	wft_odp_emit_tunnel(img, &k, NULL);
	nest = wft_attr_nest_start(acts, WEFT_ACTION_A_SET);
	wft_attr_put(acts, WEFT_SET_A_KEY | NLA_F_NESTED, k.data, k.len);
	wft_attr_nest_end(acts, nest);
	err = k.error;
	wft_attrbuf_free(&k);
	free(img);
	return err;
}

static int parse_set(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	struct wft_attrbuf k, m;
	struct wft_odp_image *img;
	const struct wft_odp_hdr *h;
	size_t n, pos, nest;
	int err;

	err = wft_odp_expect(c, '(', "set");
	if (err)
		return err;
	pos = c->pos;
	n = wft_odp_word_len(c);
	if (wft_odp_word_is(c, n, "tunnel")) {
		c->pos += n;
		return parse_set_tunnel(c, acts);
	}
	h = wft_odp_hdr_lookup(c->s + pos, n);
	if (!h || !h->settable)
		return wft_odp_fail_token(c, pos, n ? n : 1, "set",
				h ? "header cannot be set:" :
				wft_odp_is_ovs_only(c->s + pos, n, false) ?
				"weft does not support the header" :
				"unknown header");
	c->pos += n;
	img = calloc(1, sizeof(*img));
	if (!img)
		return -ENOMEM;
	err = wft_odp_parse_header(c, h, img);
	if (!err)
		err = wft_odp_expect(c, ')', "set");
	if (err) {
		free(img);
		return err;
	}
	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	wft_odp_emit_header(img, h, &k, &m);
	nest = wft_attr_nest_start(acts, WEFT_ACTION_A_SET);
	wft_attr_put(acts, WEFT_SET_A_KEY | NLA_F_NESTED, k.data, k.len);
	if (image_is_partial(img, h))
		wft_attr_put(acts, WEFT_SET_A_MASK | NLA_F_NESTED, m.data,
			     m.len);
	wft_attr_nest_end(acts, nest);
	err = k.error ? k.error : m.error;
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
	free(img);
	return err;
}

/* push_vlan([tpid=T,]vid=V,pcp=P[,cfi=C]) in any order. */
static int parse_push_vlan(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	static const char *const names[] = { "tpid", "vid", "pcp", "cfi" };
	static const uint64_t max[] = { 0xffff, 0xfff, 7, 1 };
	uint64_t v[4] = { 0x8100, 0, 0, 1 };
	unsigned int seen = 0;
	size_t nest;
	int err, i;

	err = wft_odp_expect(c, '(', "push_vlan");
	while (!err && wft_odp_peek(c) != ')') {
		size_t n = wft_odp_word_len(c), pos = c->pos;

		for (i = 0; i < 4; i++)
			if (wft_odp_word_is(c, n, names[i]))
				break;
		if (i == 4 || c->s[pos + n] != '=' || (seen & (1u << i)))
			return wft_odp_fail_token(c, pos,
				n ? n : strcspn(c->s + pos, ",)"), "push_vlan",
				i == 4 ? "unknown field" :
				(seen & (1u << i)) ? "field given twice:" :
				"expected '=' after");
		seen |= 1u << i;
		c->pos += n + 1;
		err = wft_odp_parse_uint(c, "push_vlan", max[i], &v[i]);
		if (!err && wft_odp_peek(c) == ',')
			c->pos++;
		else if (!err && wft_odp_peek(c) != ')')
			err = wft_odp_expect(c, ')', "push_vlan");
	}
	if (err)
		return err;
	if ((seen & 6) != 6)
		return wft_odp_fail(c, c->pos, "push_vlan: vid and pcp are required");
	c->pos++;
	nest = wft_attr_nest_start(acts, WEFT_ACTION_A_PUSH_VLAN);
	wft_attr_put_u16(acts, WEFT_VLAN_A_TPID, htons((uint16_t)v[0]));
	wft_attr_put_u16(acts, WEFT_VLAN_A_TCI,
			 htons((uint16_t)(v[1] | v[2] << 13 | v[3] << 12)));
	wft_attr_nest_end(acts, nest);
	return 0;
}

static int parse_hash(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	uint32_t basis;
	size_t nest;
	int err;

	err = wft_odp_expect(c, '(', "hash");
	if (!err)
		err = expect_word(c, "l4", '(', "hash");
	if (!err) {
		c->pos--;
		err = parse_u32_arg(c, "hash", UINT32_MAX, &basis);
	}
	if (!err)
		err = wft_odp_expect(c, ')', "hash");
	if (err)
		return err;
	nest = wft_attr_nest_start(acts, WEFT_ACTION_A_HASH);
	wft_attr_put_u32(acts, WEFT_HASH_A_ALG, WEFT_HASH_ALG_L4);
	wft_attr_put_u32(acts, WEFT_HASH_A_BASIS, basis);
	wft_attr_nest_end(acts, nest);
	return 0;
}

/* A percentage with at most one '.', 0 to 100. */
static int parse_percent(struct wft_odp_cur *c, double *pct)
{
	size_t pos = c->pos, n = strspn(c->s + pos, "0123456789.");
	char buf[32];
	char *end;

	if (!n || n >= sizeof(buf) || c->s[pos + n] != '%')
		return wft_odp_fail_token(c, pos, n ? n : 1, "sample",
					  "bad percentage");
	memcpy(buf, c->s + pos, n);
	buf[n] = '\0';
	*pct = strtod(buf, &end);
	if (*end || *pct < 0 || *pct > 100 || strchr(buf, '.') !=
	    strrchr(buf, '.'))
		return wft_odp_fail_token(c, pos, n, "sample",
					  "bad percentage");
	c->pos += n + 1;
	return 0;
}

static int parse_sample(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	double pct = 0, p;
	size_t nest;
	int err;

	err = wft_odp_expect(c, '(', "sample");
	if (!err)
		err = expect_word(c, "sample", '=', "sample");
	if (!err)
		err = parse_percent(c, &pct);
	if (!err)
		err = wft_odp_expect(c, ',', "sample");
	if (!err)
		err = expect_word(c, "actions", '(', "sample");
	if (err)
		return err;
	c->pos--;
	p = (double)UINT32_MAX * (pct / 100.0) + 0.5;
	nest = wft_attr_nest_start(acts, WEFT_ACTION_A_SAMPLE);
	wft_attr_put_u32(acts, WEFT_SAMPLE_A_PROBABILITY,
			 p >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)p);
	err = parse_nested_list(c, acts, WEFT_SAMPLE_A_ACTIONS, "actions");
	if (err)
		return err;
	wft_attr_nest_end(acts, nest);
	return wft_odp_expect(c, ')', "sample");
}

static int parse_check_pkt_len(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	uint64_t size;
	size_t nest;
	int err;

	err = wft_odp_expect(c, '(', "check_pkt_len");
	if (!err)
		err = expect_word(c, "size", '=', "check_pkt_len");
	if (!err)
		err = wft_odp_parse_uint(c, "check_pkt_len", UINT16_MAX, &size);
	if (!err)
		err = wft_odp_expect(c, ',', "check_pkt_len");
	if (!err)
		err = expect_word(c, "gt", '(', "check_pkt_len");
	if (err)
		return err;
	c->pos--;
	nest = wft_attr_nest_start(acts, WEFT_ACTION_A_CHECK_PKT_LEN);
	wft_attr_put_u16(acts, WEFT_CHECK_PKT_LEN_A_PKT_LEN, (uint16_t)size);
	err = parse_nested_list(c, acts, WEFT_CHECK_PKT_LEN_A_IF_GREATER, "gt");
	if (!err)
		err = wft_odp_expect(c, ',', "check_pkt_len");
	if (!err)
		err = expect_word(c, "le", '(', "check_pkt_len");
	if (err)
		return err;
	c->pos--;
	err = parse_nested_list(c, acts, WEFT_CHECK_PKT_LEN_A_IF_LESS_EQUAL,
				"le");
	if (err)
		return err;
	wft_attr_nest_end(acts, nest);
	return wft_odp_expect(c, ')', "check_pkt_len");
}

static int parse_dec_ttl(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	size_t nest;
	int err;

	err = wft_odp_expect(c, '(', "dec_ttl");
	if (!err)
		err = expect_word(c, "le_1", '(', "dec_ttl");
	if (err)
		return err;
	c->pos--;
	nest = wft_attr_nest_start(acts, WEFT_ACTION_A_DEC_TTL);
	err = parse_nested_list(c, acts, WEFT_DEC_TTL_A_ACTIONS, "le_1");
	if (err)
		return err;
	wft_attr_nest_end(acts, nest);
	return wft_odp_expect(c, ')', "dec_ttl");
}

static int parse_output(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	const struct wft_odp_port_map *pm = c->ports;
	size_t pos = c->pos, n = strcspn(c->s + pos, ",() \t\r\n");
	uint64_t port;
	uint32_t p;
	char name[64];

	if (c->s[pos] >= '0' && c->s[pos] <= '9') {
		int err = wft_odp_parse_uint(c, "actions", UINT32_MAX, &port);

		if (err)
			return err;
		wft_attr_put_u32(acts, WEFT_ACTION_A_OUTPUT, (uint32_t)port);
		return 0;
	}
	if (!n)
		return wft_odp_fail(c, pos, "actions: expected an action");
	if (wft_odp_is_ovs_only(c->s + pos, wft_odp_word_len(c), true))
		return wft_odp_fail_token(c, pos, wft_odp_word_len(c), "actions",
					  "weft does not support the action");
	if (!pm || !pm->number || n >= sizeof(name) ||
	    c->s[pos + n] == '(')
		return wft_odp_fail_token(c, pos, n ? n : 1, "actions",
					  "unknown action");
	memcpy(name, c->s + pos, n);
	name[n] = '\0';
	if (pm->number(pm->aux, name, &p))
		return wft_odp_fail_token(c, pos, n, "actions",
					  "unknown action or port");
	wft_attr_put_u32(acts, WEFT_ACTION_A_OUTPUT, p);
	c->pos += n;
	return 0;
}

static int parse_action(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	size_t n = wft_odp_word_len(c);
	uint32_t v;
	int err;

#define IS(w) (wft_odp_word_is(c, n, w) && (c->pos += n, true))
	if (IS("drop")) {
		wft_attr_put_u32(acts, WEFT_ACTION_A_DROP, 0);
		return 0;
	}
	if (IS("pop_vlan")) {
		wft_attr_put_flag(acts, WEFT_ACTION_A_POP_VLAN);
		return 0;
	}
	if (IS("userspace"))
		return parse_userspace(c, acts);
	if (IS("set"))
		return parse_set(c, acts);
	if (IS("push_vlan"))
		return parse_push_vlan(c, acts);
	if (IS("recirc")) {
		err = parse_u32_arg(c, "recirc", UINT32_MAX, &v);
		if (!err)
			wft_attr_put_u32(acts, WEFT_ACTION_A_RECIRC, v);
		return err;
	}
	if (IS("trunc")) {
		err = parse_u32_arg(c, "trunc", UINT32_MAX, &v);
		if (!err)
			wft_attr_put_u32(acts, WEFT_ACTION_A_TRUNC, v);
		return err;
	}
	if (IS("hash"))
		return parse_hash(c, acts);
	if (IS("clone"))
		return parse_nested_list(c, acts, WEFT_ACTION_A_CLONE, "clone");
	if (IS("sample"))
		return parse_sample(c, acts);
	if (IS("check_pkt_len"))
		return parse_check_pkt_len(c, acts);
	if (IS("dec_ttl"))
		return parse_dec_ttl(c, acts);
	if (IS("ct"))
		return wft_odp_parse_ct(c, acts);
	if (IS("ct_clear")) {
		wft_attr_put_flag(acts, WEFT_ACTION_A_CT_CLEAR);
		return 0;
	}
#undef IS
	return parse_output(c, acts);
}

/* Whether the list at the cursor is just "drop" (separators allowed). */
static bool just_drop(const struct wft_odp_cur *c, char end)
{
	const char *p = c->s + c->pos;

	if (strncmp(p, "drop", 4))
		return false;
	p += 4 + strspn(p + 4, " \t\r\n");
	if (*p == ',')
		p += 1 + strspn(p + 1, " \t\r\n");
	return *p == end;
}

/* A list of actions up to @end ('\0' at the top, ')' nested). */
static int parse_list(struct wft_odp_cur *c, struct wft_attrbuf *acts,
		      char end)
{
	int err;

	if (++c->depth > WFT_ODP_MAX_DEPTH)
		return wft_odp_fail(c, c->pos, "actions: nested too deeply");
	wft_odp_skip_space(c);
	if (end && just_drop(c, end)) {
		c->pos += strcspn(c->s + c->pos, ")");
		c->depth--;
		return 0;
	}
	while (wft_odp_peek(c) != end) {
		err = parse_action(c, acts);
		if (err)
			return err;
		err = wft_odp_separator(c, end, "actions");
		if (err < 0)
			return err;
		if (!err)
			break;
	}
	c->depth--;
	return 0;
}

int wft_odp_actions_from_string_ports(const char *s,
				      const struct wft_odp_port_map *ports,
				      struct wft_attrbuf *acts,
				      struct wft_odp_error *err)
{
	size_t len = acts->len;
	int old_error = acts->error;
	struct wft_odp_cur c;
	int ret;

	wft_odp_cur_init(&c, s, ports, err);
	wft_odp_skip_space(&c);
	/* Nothing at all is the empty list, drop, as ovs-dpctl takes it. */
	ret = wft_odp_peek(&c) ? parse_list(&c, acts, '\0') : 0;
	if (!ret && acts->error)
		ret = acts->error;
	if (ret) {
		acts->len = len;
		acts->error = old_error;
	}
	return ret;
}

int wft_odp_actions_from_string(const char *s, struct wft_attrbuf *acts,
				struct wft_odp_error *err)
{
	return wft_odp_actions_from_string_ports(s, NULL, acts, err);
}
