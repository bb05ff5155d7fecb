/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinctrl: the OVN actions that send a packet to the chassis' controller,
 * which in weft is weftd itself (docs/ovn-pinctrl.md).
 *
 * The lflow compiler (lflow_ofpacts_pinctrl.c) turns arp { }, nd_ns { },
 * nd_na { }, nd_na_router { }, icmp4 { }, icmp4_error { }, icmp6 { },
 * icmp6_error { }, tcp_reset { } and reject { } into one weft action,
 *     controller(userdata=HEX)
 * whose userdata is this file's format: an opcode and TLVs, among them
 * the nested block already translated into weft actions (ovs-ofctl text,
 * read back by weft's own parser). xlate turns it into a datapath
 * userspace action, so every such packet reaches weftd (nothing is
 * decided once and cached), and the handler here builds the new packet
 * (packet_build.h), runs the nested actions on it with the original
 * packet's metadata and registers, and has the datapath execute what
 * that produced.
 *
 * Userdata (after xlate's own 92-byte header, include/weft/xlate.h):
 *     0  u8    WFT_PIN_MAGIC
 *     1  u8    opcode (enum wft_pin_op)
 *     2        TLVs: u8 type, be16 length, value
 * TLVs, in the order the actions ran:
 *     ACTIONS  ovs-ofctl action text, run on the new packet
 *     SWAP     a <-> b inside the block: two subfields (be16 field id,
 *              be16 ofs, be16 n_bits each); the handler loads each with
 *              the other's value in the new packet (no stack needed)
 *     ICMP_TYPE, ICMP_CODE (u8), ICMP_MTU (be32): icmp4.type = N,
 *              icmp4.code = N, icmp4.frag_mtu = N and the icmp6 ones,
 *              which the datapath cannot set: they shape the new packet
 *
 * The actions that pause the pipeline (R = put_dhcp_opts(...); rest)
 * carry the rest of their action list instead of running it: the rule
 * ends at the controller action, and the handler resumes with the
 * packet rewritten (the DHCP reply), the registers as they were and the
 * 1-bit result R set (1: answered, 0: not a request it answers, the
 * packet unchanged), running the rest as a packet-out. TLVs:
 *     RESULT   where R is
 *     OFFER_IP, DHCP_OPTS   the reply's address and options
 *     CONTINUE the rest of the list, ovs-ofctl text
 * OVN's pipelines never put anything after a flow's last "next", so
 * "the rest of the list" is all that is left of the pipeline (OVN puts
 * no pausing action inside clone { }, where only the rest of the
 * clone's own list would resume).
 */
#ifndef WEFT_OVN_PINCTRL_H
#define WEFT_OVN_PINCTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/flow.h"
#include "weft/lflow_actions.h"
#include "weft/ofpact.h"
#include "weft/packet_build.h"
#include "weft/xlate.h"

#define WFT_PIN_MAGIC	0xa7

enum wft_pin_op {
	WFT_PIN_ARP = 1,
	WFT_PIN_ND_NS,
	WFT_PIN_ND_NA,
	WFT_PIN_ND_NA_ROUTER,
	WFT_PIN_ICMP,			/* icmp4 { }, icmp6 { } */
	WFT_PIN_ICMP_ERROR,		/* icmp4_error { }, icmp6_error { } */
	WFT_PIN_TCP_RESET,
	WFT_PIN_REJECT,
	WFT_PIN_PUT_DHCP_OPTS,		/* pauses: see below */
	__WFT_PIN_OP_MAX
};

enum wft_pin_tlv {
	WFT_PIN_T_ACTIONS = 1,
	WFT_PIN_T_SWAP,
	WFT_PIN_T_ICMP_TYPE,
	WFT_PIN_T_ICMP_CODE,
	WFT_PIN_T_ICMP_MTU,
	WFT_PIN_T_RESULT,		/* be16 field id, be16 bit offset */
	WFT_PIN_T_OFFER_IP,		/* 4 bytes */
	WFT_PIN_T_DHCP_OPTS,		/* DHCP options, wire format */
	WFT_PIN_T_CONTINUE,		/* ovs-ofctl text */
};

/* put_dhcp_opts's arguments as DHCP options (code, length, value) into
 * @out (up to @cap bytes), the offer address apart. Returns the length,
 * or -errno with @err naming the option it cannot encode. */
int wft_lflow_dhcp4_opts(const struct wft_lact *a, uint32_t *offer,
			 uint8_t *out, size_t cap, char *err, size_t errlen);

/* The opcode of OVN action @name when pinctrl translates it, else 0. */
enum wft_pin_op wft_pin_op_from_name(const char *name);
const char *wft_pin_op_name(enum wft_pin_op op);

/*
 * lflow_ofpacts.c's hook: translates @acts->a[*@i] when it is one of
 * pinctrl's actions (returns 0 or -errno with @err), or returns 1
 * without touching anything when it is not.
 */
int wft_lflow_pinctrl_xlate(const struct wft_lacts *acts, size_t *i,
			    const struct wft_lflow_xlate_ctx *ctx,
			    struct wft_ofpacts *out, char *err, size_t errlen);

/* What a packet-in asks weftd to send: @packet, to be run through the
 * bridge's pipeline as @acts with @flow (its headers, and the original
 * packet's metadata, registers and in_port). */
struct wft_pin_result {
	enum wft_pin_op op;
	uint8_t packet[WFT_PKT_MAX];
	size_t len;
	struct wft_flow flow;
	struct wft_ofpacts acts;
};

void wft_pin_result_init(struct wft_pin_result *r);
void wft_pin_result_uninit(struct wft_pin_result *r);

/*
 * Handles one packet-in of a pinctrl controller action: @md is xlate's
 * metadata (its userdata is pinctrl's), @packet the packet as the
 * pipeline left it. Returns 0 with @r filled, 1 when there is nothing to
 * send (reject of a TCP RST or an ICMP error, as OVN ignores them), or
 * -errno with the reason in @err (not pinctrl's userdata, a trigger the
 * action cannot answer, bad nested actions).
 */
int wft_ovn_pinctrl_handle(const struct wft_packet_in_md *md,
			   const uint8_t *packet, size_t len,
			   struct wft_pin_result *r, char *err, size_t errlen);

/* The weftd component that answers them (ovn_pinctrl_component.c);
 * after the udpif component. */
struct wft_component;
extern const struct wft_component wft_ovn_pinctrl_component;

#endif /* WEFT_OVN_PINCTRL_H */
