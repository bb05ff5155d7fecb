/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pinctrl: the OVN actions that send a packet to the chassis' controller,
 * which in weft is weftd itself (docs/ovn-pinctrl.md).
 *
 * The lflow compiler (lflow_ofpacts_pinctrl.c) turns arp { }, nd_ns { },
 * nd_na { }, nd_na_router { }, icmp4 { }, icmp4_error { }, icmp6 { },
 * icmp6_error { }, tcp_reset { }, sctp_abort { } and reject { } into one
 * weft action,
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
 * The actions that pause the pipeline (R = put_dhcp_opts(...); rest,
 * and put_dhcpv6_opts, put_nd_ra_opts, dns_lookup)
 * carry the rest of their action list instead of running it: the rule
 * ends at the controller action, and the handler resumes with the
 * packet rewritten (the DHCP reply), the registers as they were and the
 * 1-bit result R set (1: answered, 0: not a request it answers, the
 * packet unchanged), running the rest as a packet-out. TLVs:
 *     RESULT   where R is
 *     OFFER_IP, DHCP_OPTS   the reply's address and options
 *     DHCP6_OPTS put_dhcpv6_opts's options (packet_build.h)
 *     RA       put_nd_ra_opts's router advertisement, built whole by the
 *              compiler (as ovn-controller's encoder does)
 *     CONTINUE the rest of the list, ovs-ofctl text
 * OVN's pipelines never put anything after a flow's last "next", so
 * "the rest of the list" is all that is left of the pipeline (OVN puts
 * no pausing action inside clone { }, where only the rest of the
 * clone's own list would resume).
 *
 * The learning actions put_arp(inport, ip, mac), put_nd(inport, ip, mac)
 * and put_fdb(inport, mac) do not pause (the pipeline goes on in the
 * datapath): their userdata holds the arguments as FIELD TLVs (a
 * subfield each, as SWAP's), which the handler reads in the packet and
 * the registers into a struct wft_pin_binding. Bindings are queued (no
 * binding twice within WFT_PIN_LEARN_REFRESH_MS, at most
 * WFT_PIN_LEARN_MAX waiting, as ovn-controller caps its own) and the
 * main thread hands them in batches to the SB writer the chassis sets:
 * MAC_Binding rows (with their timestamp) and FDB rows, written by
 * ovn_pinctrl_sb.c.
 *
 * R = dns_lookup() carries RESULT and CONTINUE only: the handler looks
 * the query's name up in the chassis' copy of the SB DNS table (below)
 * for the packet's datapath and answers in place (packet_build.h).
 *
 * handle_dhcpv6_reply (OVN's prefix delegation client) becomes a
 * controller action whose packets are read (the delegated prefix),
 * counted and logged: weft sends no prefix delegation requests.
 *
 * handle_svc_check(inport) and trigger_event(event = "...", ...) become
 * controller actions too, answered by counting (and, for events, a
 * rate-limited log line naming the event): weft sends no service
 * monitor probes yet, so the replies have nothing to update, and no
 * Controller_Event rows are written.
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
	WFT_PIN_PUT_ARP,		/* learning: see below */
	WFT_PIN_PUT_ND,
	WFT_PIN_PUT_FDB,
	WFT_PIN_PUT_ND_RA_OPTS,		/* pauses, as put_dhcp_opts */
	WFT_PIN_SVC_CHECK,		/* handle_svc_check: counted */
	WFT_PIN_EVENT,			/* trigger_event: counted, logged */
	WFT_PIN_PUT_DHCPV6_OPTS,	/* pauses, as put_dhcp_opts */
	WFT_PIN_DHCP6_REPLY,		/* handle_dhcpv6_reply: read */
	WFT_PIN_SCTP_ABORT,		/* sctp_abort { } */
	WFT_PIN_DNS_LOOKUP,		/* pauses, as put_dhcp_opts */
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
	WFT_PIN_T_FIELD,		/* a learning action's argument */
	WFT_PIN_T_RA,			/* the RA message with its options */
	WFT_PIN_T_DHCP6_OPTS,		/* put_dhcpv6_opts's: be16 code,
					 * be16 length, value each */
};

/* put_dhcp_opts's arguments as DHCP options (code, length, value) into
 * @out (up to @cap bytes), the offer address apart. Returns the length,
 * or -errno with @err naming the option it cannot encode. */
int wft_lflow_dhcp4_opts(const struct wft_lact *a, uint32_t *offer,
			 uint8_t *out, size_t cap, char *err, size_t errlen);

/* put_dhcpv6_opts's arguments (ia_addr, server_id, dns_server,
 * domain_search) as OVN's encoder writes them: be16 code, be16 length,
 * the value (an IPv6 address or several, a MAC, a string), which the
 * handler turns into the reply's options (packet_build.h). Returns the
 * length, or -errno with @err naming the option it cannot encode. */
int wft_lflow_dhcp6_opts(const struct wft_lact *a, uint8_t *out, size_t cap,
			 char *err, size_t errlen);

/* put_nd_ra_opts's arguments (addr_mode, slla, prefix, mtu,
 * router_preference, rdnss) as an RA message with its options into @out.
 * Returns the length, or -errno with @err. */
int wft_lflow_nd_ra(const struct wft_lact *a, uint8_t *out, size_t cap,
		    char *err, size_t errlen);

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

/* A binding learned by put_arp, put_nd or put_fdb. */
struct wft_pin_binding {
	enum wft_pin_op op;
	uint32_t dp_key;		/* the datapath's tunnel key */
	uint32_t port_key;		/* the logical port's */
	bool v4;
	uint8_t ip[16];			/* 4 bytes when @v4; none for FDB */
	uint8_t mac[6];
};

/* What a packet-in asks weftd to send: @packet, to be run through the
 * bridge's pipeline as @acts with @flow (its headers, and the original
 * packet's metadata, registers and in_port). */
struct wft_pin_result {
	enum wft_pin_op op;
	uint8_t packet[WFT_PKT_MAX];
	size_t len;
	struct wft_flow flow;
	struct wft_ofpacts acts;
	struct wft_pin_binding learned;	/* when handle() returns 2 */
	struct wft_pkt_dhcp6_pd pd;	/* handle_dhcpv6_reply's, when
					 * handle() returns 1 with pd_ok */
	bool pd_ok;
};

void wft_pin_result_init(struct wft_pin_result *r);
void wft_pin_result_uninit(struct wft_pin_result *r);

/*
 * Handles one packet-in of a pinctrl controller action: @md is xlate's
 * metadata (its userdata is pinctrl's), @packet the packet as the
 * pipeline left it. Returns 0 with @r filled, 1 when there is nothing to
 * send (reject of a TCP RST or an ICMP error, as OVN ignores them, and
 * sctp_abort or reject of an SCTP ABORT; the counted-only actions), 2
 * with @r->learned for a learning action (nothing to send), or
 * -errno with the reason in @err (not pinctrl's userdata, a trigger the
 * action cannot answer, bad nested actions).
 */
int wft_ovn_pinctrl_handle(const struct wft_packet_in_md *md,
			   const uint8_t *packet, size_t len,
			   struct wft_pin_result *r, char *err, size_t errlen);

/* ---- learning (ovn_pinctrl_learn.c, ovn_pinctrl_sb.c) ---- */

#define WFT_PIN_LEARN_REFRESH_MS	60000
#define WFT_PIN_LEARN_MAX		1000

/* Queues @b (any thread); false when it was dropped: the same binding
 * queued less than WFT_PIN_LEARN_REFRESH_MS before @now_ms, or the
 * queue full. */
bool wft_pin_learn_add(const struct wft_pin_binding *b, long long now_ms);
/* Takes up to @max queued bindings, oldest first. */
size_t wft_pin_learn_take(struct wft_pin_binding *out, size_t max);
/* Puts back bindings a writer could not take (at the queue's head). */
void wft_pin_learn_putback(const struct wft_pin_binding *b, size_t n);
/* Forgets everything (tests). */
void wft_pin_learn_reset(void);

/* The chassis' SB writer: returns false (and keeps nothing) when it
 * cannot write now; the bindings are then offered again later. */
typedef bool wft_pin_sb_writer(void *aux, const struct wft_pin_binding *b,
			       size_t n);
void wft_ovn_pinctrl_set_sb_writer(wft_pin_sb_writer *cb, void *aux);
/* Hands queued bindings to the writer, if one is set (the pinctrl
 * component calls it from the main loop). Returns how many it took. */
size_t wft_ovn_pinctrl_sb_flush(void);

/*
 * The SB transaction for @b (ovn_pinctrl_sb.c), from the replica's
 * Datapath_Binding and Port_Binding rows: a MAC_Binding inserted, or
 * updated (mac, timestamp) when the replica has one for the port and
 * address; an FDB row inserted, or its port_key updated. Bindings whose
 * datapath or port the replica does not have are left out. NULL when
 * nothing is left; *@n_rows counts the operations.
 */
struct wft_ovsdb_replica;
struct wft_ovsdb_txn;
struct wft_ovsdb_txn *wft_ovn_pinctrl_sb_txn(struct wft_ovsdb_replica *r,
					      const struct wft_pin_binding *b,
					      size_t n, long long now_ms,
					      size_t *n_rows);
/* ovn_chassis.c: sets (and clears) the writer to its SB session. */
struct wft_ovn;
void wft_ovn_pinctrl_sb_attach(struct wft_ovn *o);
void wft_ovn_pinctrl_sb_detach(struct wft_ovn *o);

/* ---- dns_lookup's records (ovn_pinctrl_dns.c) ---- */

/* One record of an SB DNS row for one of its datapaths: @name (lower
 * case) -> @data (addresses separated by spaces, or a name for PTR). */
struct wft_pin_dns_rec {
	uint32_t dp_key;
	const char *name;
	const char *data;
};

/* Replaces every record (any thread may be looking up meanwhile). */
void wft_pin_dns_replace(const struct wft_pin_dns_rec *v, size_t n);
/* The records of the SB DNS rows in @r, each for every datapath of its
 * `datapaths` the replica has; when its DNS or Datapath_Binding rows
 * changed. */
struct wft_ovsdb_replica;
void wft_pin_dns_sync(struct wft_ovsdb_replica *r);
/* @name's value for datapath @dp_key, matched without regard to case,
 * copied into @out (@cap bytes). Returns 0, -ENOENT, or -ENOSPC. */
int wft_pin_dns_lookup(uint32_t dp_key, const char *name, char *out,
		       size_t cap);
/* How many records are held (tests, appctl). */
size_t wft_pin_dns_count(void);

/* The weftd component that answers them (ovn_pinctrl_component.c);
 * after the udpif component. */
struct wft_component;
extern const struct wft_component wft_ovn_pinctrl_component;

#endif /* WEFT_OVN_PINCTRL_H */
