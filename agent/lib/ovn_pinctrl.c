// SPDX-License-Identifier: GPL-2.0
/*
 * pinctrl's packet-in handler (include/weft/ovn_pinctrl.h): from the
 * packet a controller action sent and the userdata the lflow compiler
 * wrote, the packet to send and the weft actions to run it through, with
 * the original packet's metadata and registers, as ovn-controller's
 * pinctrl does with a packet-out. No I/O here: ovn_pinctrl_component.c
 * translates and executes the result, tests look at it.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/field.h"
#include "weft/ofp_flow.h"
#include "weft/ovn_pinctrl.h"

static int perr(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

void wft_pin_result_init(struct wft_pin_result *r)
{
	memset(r, 0, sizeof(*r));
	wft_ofpacts_init(&r->acts);
}

void wft_pin_result_uninit(struct wft_pin_result *r)
{
	wft_ofpacts_uninit(&r->acts);
}

struct tlv {
	uint8_t type;
	const uint8_t *v;
	size_t len;
};

/* The next TLV at *@pos of @ud: 1, 0 at the end, -EINVAL if truncated. */
static int next_tlv(const uint8_t *ud, size_t len, size_t *pos,
		    struct tlv *t)
{
	if (*pos == len)
		return 0;
	if (*pos + 3 > len)
		return -EINVAL;
	t->type = ud[*pos];
	t->len = (size_t)ud[*pos + 1] << 8 | ud[*pos + 2];
	t->v = ud + *pos + 3;
	if (*pos + 3 + t->len > len)
		return -EINVAL;
	*pos += 3 + t->len;
	return 1;
}

static uint32_t get_be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* The ICMP shaping TLVs into @o. */
static int icmp_opts(const uint8_t *ud, size_t len,
		     struct wft_pkt_icmp_opts *o)
{
	size_t pos = 2;
	struct tlv t;
	int ret;

	while ((ret = next_tlv(ud, len, &pos, &t)) > 0) {
		if (t.type == WFT_PIN_T_ICMP_TYPE && t.len == 1)
			o->type = t.v[0];
		else if (t.type == WFT_PIN_T_ICMP_CODE && t.len == 1)
			o->code = t.v[0];
		else if (t.type == WFT_PIN_T_ICMP_MTU && t.len == 4)
			o->mtu = get_be(t.v, 4);
	}
	return ret;
}

/* OVN's reject answers neither a TCP RST nor an ICMP destination
 * unreachable (no error about an error), nor, like sctp_abort, an SCTP
 * ABORT (OVN's SCTP handler drops those with a warning). */
static bool reject_ignores(const struct wft_pkt *in)
{
	const struct wft_flow *f = &in->flow;

	if (f->nw_proto == IPPROTO_SCTP)
		return wft_pkt_sctp_is_abort(in);
	if (f->nw_proto == IPPROTO_TCP)
		return in->l4 < 0 || (ntohs(f->tcp_flags) & 0x004);
	if (f->nw_proto == IPPROTO_ICMP && f->dl_type == htons(0x0800))
		return f->tp_src == htons(3);
	if (f->nw_proto == IPPROTO_ICMPV6 && f->dl_type == htons(0x86dd))
		return f->tp_src == htons(1);
	return false;
}

static int build(enum wft_pin_op op, const struct wft_pkt *in,
		 const uint8_t *ud, size_t len, uint8_t *out)
{
	struct wft_pkt_icmp_opts o = { -1, -1, false, -1, false };

	if (icmp_opts(ud, len, &o))
		return -EINVAL;
	switch (op) {
	case WFT_PIN_ARP:
		return wft_pkt_arp_request(in, out);
	case WFT_PIN_ND_NS:
		return wft_pkt_nd_ns(in, out);
	case WFT_PIN_ND_NA:
	case WFT_PIN_ND_NA_ROUTER:
		return wft_pkt_nd_na(in, op == WFT_PIN_ND_NA_ROUTER, out);
	case WFT_PIN_ICMP:
		o.port_code = true;
		return wft_pkt_icmp_error(in, &o, out);
	case WFT_PIN_ICMP_ERROR:
		return wft_pkt_icmp_error(in, &o, out);
	case WFT_PIN_TCP_RESET:
		return wft_pkt_tcp_reset(in, false, out);
	case WFT_PIN_SCTP_ABORT:
		return wft_pkt_sctp_abort(in, false, out);
	case WFT_PIN_REJECT:
		if (in->flow.nw_proto == IPPROTO_TCP)
			return wft_pkt_tcp_reset(in, true, out);
		if (in->flow.nw_proto == IPPROTO_SCTP)
			return wft_pkt_sctp_abort(in, true, out);
		o.port_code = true;
		o.swap = true;
		return wft_pkt_icmp_error(in, &o, out);
	default:
		return -EINVAL;
	}
}

static int read_sf(const uint8_t *p, struct wft_subfield *sf)
{
	unsigned int id = (unsigned int)get_be(p, 2);

	if (id >= WFT_N_FIELDS)
		return -EINVAL;
	sf->field = wft_field_from_id(id);
	sf->ofs = get_be(p + 2, 2);
	sf->n_bits = get_be(p + 4, 2);
	if (!sf->field || !sf->n_bits || sf->ofs + sf->n_bits >
	    sf->field->n_bits)
		return -EINVAL;
	return 0;
}

/* load:@v->@dst, @v right-aligned in @dst's field bytes. */
static void put_load(struct wft_ofpacts *acts, const struct wft_subfield *dst,
		     const uint8_t *v)
{
	struct wft_ofpact *a = wft_ofpacts_put(acts, WFT_OFPACT_LOAD);
	unsigned int n = dst->field->n_bytes, bits = dst->n_bits, i;

	a->set.dst = *dst;
	memcpy(a->set.value, v, n);
	for (i = 0; i < n; i++) {
		unsigned int from_right = (n - 1 - i) * 8;

		a->set.mask[i] = bits > from_right ?
			(uint8_t)(bits - from_right >= 8 ? 0xff :
				  (1u << (bits - from_right)) - 1) : 0;
	}
}

/* @a <-> @b in the new packet: each loaded with the other's value. */
static int put_swap(const uint8_t *p, const struct wft_flow *flow,
		    struct wft_ofpacts *acts)
{
	struct wft_subfield a, b;
	uint8_t va[16], vb[16];

	if (read_sf(p, &a) || read_sf(p + 6, &b) || a.n_bits != b.n_bits ||
	    a.field->n_bytes != b.field->n_bytes)
		return -EINVAL;
	memset(va, 0, sizeof(va));
	memset(vb, 0, sizeof(vb));
	wft_subfield_get(&a, flow, va);
	wft_subfield_get(&b, flow, vb);
	put_load(acts, &a, vb);
	put_load(acts, &b, va);
	return 0;
}

static int nested_actions(const struct wft_packet_in_md *md,
			  struct wft_pin_result *r, char *err, size_t errlen)
{
	const uint8_t *ud = md->userdata;
	struct wft_flow_wc exact;
	size_t pos = 2;
	struct tlv t;
	int ret;

	wft_flow_wc_init_exact(&exact);
	while ((ret = next_tlv(ud, md->userdata_len, &pos, &t)) > 0) {
		if (t.type == WFT_PIN_T_ACTIONS) {
			char *text = strndup((const char *)t.v, t.len);

			if (!text)
				return -ENOMEM;
			ret = wft_ofp_actions_parse(text, &r->flow, &exact,
						    md->table_id, &r->acts,
						    err, errlen);
			free(text);
			if (ret)
				return ret;
		} else if (t.type == WFT_PIN_T_SWAP) {
			if (t.len != 12 || put_swap(t.v, &r->flow, &r->acts))
				return perr(err, errlen, -EINVAL,
					    "bad <-> in the userdata");
		}
	}
	return ret ? perr(err, errlen, -EINVAL, "truncated userdata") : 0;
}

/* The pipeline state of the packet-in into @flow. */
static void reload(const struct wft_packet_in_md *md, struct wft_flow *flow)
{
	int i;

	for (i = 0; i < WFT_N_REGS; i++)
		flow->regs[i] = htonl(md->regs[i]);
	flow->metadata = htobe64(md->metadata);
	flow->in_port = htonl(md->in_port);
}

/* dns_lookup: the answer to the query's first question from the
 * record of the packet's datapath (its tunnel key is the metadata), as
 * ovn-controller's dns_cache lookup; < 0 when there is none. */
static int dns_answer(const struct wft_packet_in_md *md,
		      const struct wft_pkt *in, uint8_t *out)
{
	struct wft_pkt_dns_query q;
	char data[1024];
	int ret;

	ret = wft_pkt_dns_query_parse(in, &q);
	if (!ret)
		ret = wft_pin_dns_lookup((uint32_t)md->metadata, q.name, data,
					 sizeof(data));
	return ret ? ret : wft_pkt_dns_reply(in, &q, data, out);
}

/*
 * put_dhcp_opts, put_dhcpv6_opts, put_nd_ra_opts, dns_lookup: the reply (or the
 * packet as it came, when it is not a request to answer), the result
 * bit, and the continuation to run.
 */
static int pause_reply(const struct wft_packet_in_md *md,
			 const uint8_t *packet, size_t len,
			 struct wft_pin_result *r, char *err, size_t errlen)
{
	const uint8_t *ud = md->userdata, *opts = NULL, *ra = NULL;
	size_t ra_len = 0;
	const char *cont = NULL;
	size_t pos = 2, opts_len = 0, cont_len = 0;
	struct wft_subfield res = { NULL, 0, 1 };
	struct wft_flow_wc exact;
	struct wft_pkt in, out;
	uint32_t offer = 0;
	uint8_t bit[16];
	struct tlv t;
	int ret, n;

	while ((ret = next_tlv(ud, md->userdata_len, &pos, &t)) > 0) {
		if (t.type == WFT_PIN_T_RESULT && t.len == 4 &&
		    get_be(t.v, 2) < WFT_N_FIELDS) {
			res.field = wft_field_from_id(get_be(t.v, 2));
			res.ofs = get_be(t.v + 2, 2);
		} else if (t.type == WFT_PIN_T_OFFER_IP && t.len == 4) {
			memcpy(&offer, t.v, 4);
		} else if (t.type == WFT_PIN_T_DHCP_OPTS ||
			   t.type == WFT_PIN_T_DHCP6_OPTS) {
			opts = t.v;
			opts_len = t.len;
		} else if (t.type == WFT_PIN_T_RA) {
			ra = t.v;
			ra_len = t.len;
		} else if (t.type == WFT_PIN_T_CONTINUE) {
			cont = (const char *)t.v;
			cont_len = t.len;
		}
	}
	if (ret || !res.field || res.ofs >= res.field->n_bits || len >
	    WFT_PKT_MAX)
		return perr(err, errlen, -EINVAL, "bad %s userdata",
			    wft_pin_op_name(r->op));
	wft_pkt_parse(packet, len, &in);
	if (r->op == WFT_PIN_DNS_LOOKUP)
		n = dns_answer(md, &in, r->packet);
	else if (r->op == WFT_PIN_PUT_DHCP_OPTS)
		n = wft_pkt_dhcp4_reply(&in, offer, opts, opts_len, r->packet);
	else if (r->op == WFT_PIN_PUT_DHCPV6_OPTS)
		n = wft_pkt_dhcp6_reply(&in, opts, opts_len, r->packet);
	else
		n = wft_pkt_nd_ra_reply(&in, ra, ra_len, r->packet);
	if (n > 0) {
		r->len = (size_t)n;
	} else {
		memcpy(r->packet, packet, len);
		r->len = len;
	}
	wft_pkt_parse(r->packet, r->len, &out);
	r->flow = out.flow;
	reload(md, &r->flow);
	memset(bit, 0, sizeof(bit));
	bit[res.field->n_bytes - 1] = n > 0;
	wft_subfield_set(&res, bit, &r->flow, NULL);
	if (!cont_len)
		return 0;
	cont = strndup(cont, cont_len);
	if (!cont)
		return -ENOMEM;
	wft_flow_wc_init_exact(&exact);
	ret = wft_ofp_actions_parse(cont, &r->flow, &exact, md->table_id,
				    &r->acts, err, errlen);
	free((char *)cont);
	return ret;
}

/* put_arp, put_nd, put_fdb: the binding their arguments name, read in
 * the packet with the registers of the packet-in. */
static int learn(const struct wft_packet_in_md *md, const uint8_t *packet,
		 size_t len, struct wft_pin_result *r, char *err,
		 size_t errlen)
{
	struct wft_pin_binding *b = &r->learned;
	struct wft_subfield sf[3];
	uint8_t v[3][16];
	size_t pos = 2, n = 0, want, k;
	struct wft_pkt in;
	struct tlv t;
	int ret;

	want = r->op == WFT_PIN_PUT_FDB ? 2 : 3;
	while ((ret = next_tlv(md->userdata, md->userdata_len, &pos, &t)) > 0)
		if (t.type == WFT_PIN_T_FIELD && t.len == 6 && n < 3 &&
		    !read_sf(t.v, &sf[n]))
			n++;
	if (ret || n != want)
		return perr(err, errlen, -EINVAL, "bad %s userdata",
			    wft_pin_op_name(r->op));
	wft_pkt_parse(packet, len, &in);
	r->flow = in.flow;
	reload(md, &r->flow);
	for (k = 0; k < n; k++) {
		memset(v[k], 0, sizeof(v[k]));
		wft_subfield_get(&sf[k], &r->flow, v[k]);
	}
	memset(b, 0, sizeof(*b));
	b->op = r->op;
	b->dp_key = (uint32_t)md->metadata;
	/* The port: a 32-bit register, right-aligned in its 4 bytes. */
	b->port_key = get_be(v[0] + sf[0].field->n_bytes - 4, 4);
	if (sf[n - 1].n_bits != 48)
		return perr(err, errlen, -EINVAL, "%s: the MAC is %u bits",
			    wft_pin_op_name(r->op), sf[n - 1].n_bits);
	memcpy(b->mac, v[n - 1] + sf[n - 1].field->n_bytes - 6, 6);
	if (n == 3) {
		if (sf[1].n_bits == 32) {
			b->v4 = true;
			memcpy(b->ip, v[1] + sf[1].field->n_bytes - 4, 4);
		} else if (sf[1].n_bits == 128) {
			memcpy(b->ip, v[1], 16);
		} else {
			return perr(err, errlen, -EINVAL, "%s: the address is "
				    "%u bits", wft_pin_op_name(r->op),
				    sf[1].n_bits);
		}
	}
	return 2;
}

int wft_ovn_pinctrl_handle(const struct wft_packet_in_md *md,
			   const uint8_t *packet, size_t len,
			   struct wft_pin_result *r, char *err, size_t errlen)
{
	const uint8_t *ud = md->userdata;
	struct wft_pkt in, built;
	enum wft_pin_op op;
	int n;

	if (!ud || md->userdata_len < 2 || ud[0] != WFT_PIN_MAGIC ||
	    !ud[1] || ud[1] >= __WFT_PIN_OP_MAX)
		return perr(err, errlen, -EINVAL, "not a pinctrl action");
	op = r->op = (enum wft_pin_op)ud[1];
	if (op == WFT_PIN_PUT_DHCP_OPTS || op == WFT_PIN_PUT_DHCPV6_OPTS ||
	    op == WFT_PIN_PUT_ND_RA_OPTS || op == WFT_PIN_DNS_LOOKUP)
		return pause_reply(md, packet, len, r, err, errlen);
	if (op == WFT_PIN_DHCP6_REPLY) {
		/* Read (and counted by the caller): weft sends no prefix
		 * delegation requests, so nothing waits for the prefix. */
		wft_pkt_parse(packet, len, &in);
		r->pd_ok = !wft_pkt_dhcp6_pd_reply(&in, &r->pd);
		return 1;
	}
	if (op == WFT_PIN_SVC_CHECK || op == WFT_PIN_EVENT)
		return 1;		/* counted by the caller */
	if (op == WFT_PIN_PUT_ARP || op == WFT_PIN_PUT_ND ||
	    op == WFT_PIN_PUT_FDB)
		return learn(md, packet, len, r, err, errlen);
	wft_pkt_parse(packet, len, &in);
	if ((op == WFT_PIN_REJECT || op == WFT_PIN_SCTP_ABORT) &&
	    reject_ignores(&in))
		return 1;
	n = build(op, &in, ud, md->userdata_len, r->packet);
	if (n < 0)
		return perr(err, errlen, n, "%s: %s", wft_pin_op_name(op),
			    n == -EOPNOTSUPP ? "not supported for this packet"
			    : "the packet is not one it answers");
	r->len = (size_t)n;
	wft_pkt_parse(r->packet, r->len, &built);
	r->flow = built.flow;
	/* The original packet's pipeline state, as OVN reloads it; but,
	 * as OVN's packet-out, from in_port CONTROLLER: the new packet often
	 * leaves by the port the trigger came in on (a reply through the
	 * tunnel it arrived by), which output would skip as the in_port. */
	reload(md, &r->flow);
	r->flow.in_port = htonl(WFT_OFPP_CONTROLLER);
	return nested_actions(md, r, err, errlen);
}
