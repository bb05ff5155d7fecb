/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datapath flows as text: converters between the ovs-dpctl syntax and the
 * netlink attributes of uapi/linux/weft.h.
 *
 * Flow match:  recirc_id(0),in_port(1),eth(src=..,dst=..),eth_type(0x0800),
 *              ipv4(src=10.0.0.1/255.255.255.0,proto=6,frag=no),tcp(dst=80)
 * Actions:     set(ipv4(ttl=63)),push_vlan(vid=10,pcp=0),2
 *
 * The key and mask buffers hold the *contents* of WEFT_FLOW_A_KEY and
 * WEFT_FLOW_A_MASK (a sequence of WEFT_KEY_A_* attributes), and the action
 * buffer the contents of WEFT_FLOW_A_ACTIONS (a sequence of WEFT_ACTION_A_*),
 * so a caller wraps them: wft_attr_put(msg, WEFT_FLOW_A_KEY, key.data,
 * key.len). The parsers append to the buffers they are given; on error the
 * buffers are cut back to their length before the call (never a partial
 * result).
 *
 * Text semantics follow ovs-dpctl: a field written without "/mask" is matched
 * exactly, a field left out is wildcarded, and a header whose fields are all
 * left out may itself be left out. The VLAN form is OVS's:
 *   eth_type(0x8100),vlan(vid=10,pcp=0),encap(eth_type(0x0800),ipv4(..))
 *   eth_type(0x88a8),vlan(..),encap(eth_type(0x8100),vlan(..),encap(..))
 * and maps to WEFT_KEY_A_VLAN / WEFT_KEY_A_CVLAN (TPID, TCI with 0x1000 set
 * for a present tag) plus WEFT_KEY_A_ETHERTYPE (the type after the tags).
 * As in openvswitch.ko, where a flow with a mask always matches the TCI, a
 * flow without vlan() is for untagged frames: the parser puts
 * VLAN{TCI=0xffff} in the mask (CVLAN{TCI=0xffff} after one tag), and the
 * formatter, which follows the key, prints no tag for it.
 *
 * Items are separated by ',' and/or white space, and a trailing ',' is
 * accepted, as ovs-dpctl does. OVS keywords weft lacks (mpls, nsh,
 * tnl_push, ...) are refused as not supported.
 *
 * Conntrack fields come right after skb_mark, in openvswitch.ko's order:
 *   ct_state(+est+trk),ct_zone(0x5),ct_mark(0x1/0xff),ct_label(0x2),
 *   ct_tuple4(src=10.0.0.1,dst=10.0.0.2,proto=6,tp_src=1000,tp_dst=80)
 * with OVS's forms: ct_state as new|trk (all 32 bits matched), +flag/-flag
 * (the named bits matched) or numbers; zone and mark as %#x; labels as one
 * 128-bit hex number; ct_tuple6(src=,dst=,proto=,tp_src=,tp_dst=) (OVS's
 * own dump says src_port=/dst_port=, read too). Errors name the token and
 * its byte offset from the start of the text (0-based): err->pos, and
 * " at position N" at the end of err->msg.
 *
 * The formatters print the canonical text, in a fixed header order, which the
 * parsers accept back unchanged (parse(format(x)) == x).
 *
 * All functions return 0 or a negative errno: -EINVAL for bad text (with
 * @err filled in when non-NULL) or malformed attributes, -ENOMEM.
 */
#ifndef WEFT_ODP_H
#define WEFT_ODP_H

#include <stddef.h>
#include <stdint.h>

#include "weft/attrbuf.h"
#include "weft/strbuf.h"

struct wft_odp_error {
	size_t pos;		/* byte offset of the offending token in the text */
	char msg[200];		/* e.g. ipv4: unknown field "srcx" at position 37 */
};

/* Flags for the formatters. */
enum {
	/* Print every field the key holds, wildcarded ones as value/0, like
	 * `ovs-dpctl dump-flows -m`. Without it, fully wildcarded fields and
	 * headers are left out. */
	WFT_ODP_VERBOSE		= 1 << 0,
};

/*
 * Optional port-name translation (ovs-dpctl --names): in_port(NAME) and
 * output to NAME. Either callback may be NULL.
 */
struct wft_odp_port_map {
	/* Returns the name of @port_no, or NULL to print the number. */
	const char *(*name)(void *aux, uint32_t port_no);
	/* Sets *@port_no and returns 0, or returns -ENOENT. */
	int (*number)(void *aux, const char *name, uint32_t *port_no);
	void *aux;
};

/* Flow matches. */
int wft_odp_flow_from_string(const char *s, struct wft_attrbuf *key,
			     struct wft_attrbuf *mask,
			     struct wft_odp_error *err);
int wft_odp_flow_from_string_ports(const char *s,
				   const struct wft_odp_port_map *ports,
				   struct wft_attrbuf *key,
				   struct wft_attrbuf *mask,
				   struct wft_odp_error *err);
/*
 * Appends the text of a key and its mask to @out. @mask may be NULL (or
 * @mask_len 0): every field present in the key is then exact, as the module
 * reads a flow without WEFT_FLOW_A_MASK. Attributes the formatter does not
 * know are printed as key<N>(hex) and make it return -EINVAL after printing.
 */
int wft_odp_flow_format(const void *key, size_t key_len, const void *mask,
			size_t mask_len, struct wft_strbuf *out,
			unsigned int flags);
int wft_odp_flow_format_ports(const void *key, size_t key_len,
			      const void *mask, size_t mask_len,
			      const struct wft_odp_port_map *ports,
			      struct wft_strbuf *out, unsigned int flags);

/*
 * Action lists: N (output), drop, userspace(pid=N[,userdata(HEX)]),
 * set(HEADER(field=value[/mask],...)), push_vlan([tpid=T,]vid=V,pcp=P[,cfi=0]),
 * pop_vlan, recirc(N), hash(l4(BASIS)), trunc(N), clone(LIST),
 * sample(sample=P%,actions(LIST)), check_pkt_len(size=N,gt(LIST),le(LIST)),
 * dec_ttl(le_1(LIST)), ct(OPTIONS) and ct_clear, where OPTIONS are commit,
 * force_commit, zone=N, mark=V[/M], label=V[/M], helper=NAME, timeout=NAME,
 * nat[(src|dst[=IP[-IP][:PORT[-PORT]]][,persistent][,hash|random])]
 * (agent/lib/odp_ct_action.c has the details). "drop" alone is WEFT_ACTION_A_DROP with reason 0; a
 * nested list that is just "drop" is empty. A set is a masked set (with
 * WEFT_SET_A_MASK) when any field has a partial mask.
 *
 * Printed forms follow OVS 3.1 except where its own parser cannot read what
 * it prints: recirc(N) is decimal (OVS prints %#x, reads %u), and empty
 * clone()/actions() lists stay empty (OVS prints "drop", reads it only in
 * check_pkt_len). Both forms are read. hash() and dec_ttl() have no OVS 3.1
 * parser at all; their text follows later OVS versions.
 */
int wft_odp_actions_from_string(const char *s, struct wft_attrbuf *acts,
				struct wft_odp_error *err);
int wft_odp_actions_from_string_ports(const char *s,
				      const struct wft_odp_port_map *ports,
				      struct wft_attrbuf *acts,
				      struct wft_odp_error *err);
/* An empty list prints as "drop". Same -EINVAL rule as the flow formatter. */
int wft_odp_actions_format(const void *acts, size_t len,
			   struct wft_strbuf *out, unsigned int flags);
int wft_odp_actions_format_ports(const void *acts, size_t len,
				 const struct wft_odp_port_map *ports,
				 struct wft_strbuf *out, unsigned int flags);

#endif /* WEFT_ODP_H */
