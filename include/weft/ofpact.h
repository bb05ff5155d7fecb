/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pipeline actions (what an ovs-ofctl flow's "actions=" holds), parsed into
 * a list that xlate runs and the formatter prints back.
 *
 * A list is an array of struct wft_ofpact; clone() owns a nested list. The
 * aliases ovs-ofctl accepts (mod_dl_src, mod_nw_dst, load:, ...) are kept as
 * what they were written as where ovs-ofctl prints them back that way, and
 * are all run as set_field/load on a struct wft_subfield.
 */
#ifndef WEFT_OFPACT_H
#define WEFT_OFPACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/field.h"

/* Reserved OpenFlow port numbers (OpenFlow 1.1+ values, 32 bits). */
#define WFT_OFPP_MAX		0xffffff00u
#define WFT_OFPP_UNSET		0xfffffff7u	/* not given */
#define WFT_OFPP_IN_PORT	0xfffffff8u
#define WFT_OFPP_TABLE		0xfffffff9u
#define WFT_OFPP_NORMAL		0xfffffffau
#define WFT_OFPP_FLOOD		0xfffffffbu
#define WFT_OFPP_ALL		0xfffffffcu
#define WFT_OFPP_CONTROLLER	0xfffffffdu
#define WFT_OFPP_LOCAL		0xfffffffeu
#define WFT_OFPP_ANY		0xffffffffu	/* "none" */

#define WFT_N_TABLES		255	/* tables 0..254 */
#define WFT_TABLE_UNSET		0xff	/* resubmit without a table */

enum wft_ofpact_type {
	WFT_OFPACT_OUTPUT,	/* output:PORT, a bare port, in_port, normal,
				 * flood, all, local, controller */
	WFT_OFPACT_OUTPUT_REG,	/* output:reg0[0..15] */
	WFT_OFPACT_RESUBMIT,	/* resubmit(port,table), resubmit:port */
	WFT_OFPACT_GOTO_TABLE,	/* goto_table:N */
	WFT_OFPACT_DROP,	/* drop (an explicit empty list) */
	WFT_OFPACT_SET_FIELD,	/* set_field:V[/M]->FIELD, mod_dl_src:..., ... */
	WFT_OFPACT_LOAD,	/* load:V->FIELD[a..b] */
	WFT_OFPACT_MOVE,	/* move:SRC[a..b]->DST[c..d] */
	WFT_OFPACT_MOD_VLAN_VID,
	WFT_OFPACT_MOD_VLAN_PCP,
	WFT_OFPACT_STRIP_VLAN,	/* strip_vlan, pop_vlan */
	WFT_OFPACT_PUSH_VLAN,	/* push_vlan:ETHERTYPE */
	WFT_OFPACT_DEC_TTL,
	WFT_OFPACT_CONTROLLER,	/* controller, controller(reason=..,userdata=..) */
	WFT_OFPACT_CLONE,	/* clone(ACTIONS) */
	WFT_OFPACT_NOTE,	/* note:HEX, kept and printed, no effect */
	WFT_OFPACT_CT,		/* ct(commit,zone=..,table=..,nat(..),exec(..)) */
	WFT_OFPACT_CT_CLEAR,	/* ct_clear */
	WFT_OFPACT_NAT,		/* nat(...): only in a ct action's list */
	WFT_OFPACT_CONJUNCTION,	/* conjunction(id,k/n): a clause flow */
	WFT_OFPACT_STACK_PUSH,	/* push:FIELD[a..b] */
	WFT_OFPACT_STACK_POP,	/* pop:FIELD[a..b] */
	WFT_OFPACT_GROUP,	/* group:N (include/weft/group.h) */
	WFT_OFPACT_LEARN,	/* learn(table=N,...,SPECS) */
	WFT_OFPACT_CHECK_PKT_LARGER,	/* check_pkt_larger(N)->FIELD[bit] */
	WFT_OFPACT_FIN_TIMEOUT,	/* fin_timeout(idle_timeout=N,hard_timeout=N) */
};

/* ct flags (OVS's NX_CT_F_*). */
#define WFT_CT_F_COMMIT		0x0001
#define WFT_CT_F_FORCE		0x0002	/* needs COMMIT */

/* The ALGs ct(alg=...) knows, by their well-known port as OVS keeps them. */
#define WFT_CT_ALG_FTP		21
#define WFT_CT_ALG_TFTP		69

/* nat flags (OVS's NX_NAT_F_*). */
#define WFT_NAT_F_SRC		0x0001
#define WFT_NAT_F_DST		0x0002
#define WFT_NAT_F_PERSISTENT	0x0004
#define WFT_NAT_F_PROTO_HASH	0x0008
#define WFT_NAT_F_PROTO_RANDOM	0x0010

/*
 * learn(...): each spec either adds a match to the learned rule or an
 * action to its list, its value taken from the packet (a subfield, read
 * when the learn runs) or given in the spec (immediate).
 */
enum wft_learn_dst {
	WFT_LEARN_MATCH,	/* DST[] or DST[]=SRC[] or DST=VALUE */
	WFT_LEARN_LOAD,		/* load:SRC[]->DST[] or load:VALUE->DST[] */
	WFT_LEARN_OUTPUT,	/* output:SRC[] */
};

struct wft_learn_spec {
	enum wft_learn_dst dst_type;
	bool src_imm;			/* @imm, not @src */
	struct wft_subfield src;
	struct wft_subfield dst;	/* none for OUTPUT */
	/* An immediate value, right-aligned and big-endian in 16 bytes,
	 * @dst.n_bits wide. */
	uint8_t imm[16];
};

/* learn flags (OVS's NX_LEARN_F_*). */
#define WFT_LEARN_F_SEND_FLOW_REM	0x0001
#define WFT_LEARN_F_DELETE_LEARNED	0x0002

struct wft_ofpact_learn {
	uint8_t table;
	uint16_t priority;		/* 32768 unless given */
	uint16_t idle_timeout;		/* 0: none */
	uint16_t hard_timeout;
	/* The learned rule's actions start with fin_timeout(...) of
	 * these, as OVS's do; 0 and 0: none. */
	uint16_t fin_idle_timeout;
	uint16_t fin_hard_timeout;
	uint16_t flags;			/* WFT_LEARN_F_* */
	uint64_t cookie;		/* the learned rule's */
	size_t n_specs;
	struct wft_learn_spec specs[];
};

/* How an action was written, so that it prints back the same way. */
enum wft_ofpact_spelling {
	WFT_SPELL_DEFAULT,
	WFT_SPELL_MOD_DL_SRC, WFT_SPELL_MOD_DL_DST,
	WFT_SPELL_MOD_NW_SRC, WFT_SPELL_MOD_NW_DST,
	WFT_SPELL_MOD_NW_TOS, WFT_SPELL_MOD_NW_ECN, WFT_SPELL_MOD_NW_TTL,
	WFT_SPELL_MOD_TP_SRC, WFT_SPELL_MOD_TP_DST,
	WFT_SPELL_POP_VLAN,
};

struct wft_ofpact {
	enum wft_ofpact_type type;
	enum wft_ofpact_spelling spelling;
	union {
		struct {			/* OUTPUT */
			uint32_t port;		/* number or WFT_OFPP_* */
			uint16_t max_len;	/* controller */
		} output;
		struct {			/* OUTPUT_REG */
			struct wft_subfield src;
			uint16_t max_len;
		} output_reg;
		struct {			/* RESUBMIT */
			uint32_t in_port;	/* WFT_OFPP_IN_PORT: unchanged */
			uint8_t table;		/* WFT_TABLE_UNSET: the current one */
		} resubmit;
		struct {			/* GOTO_TABLE */
			uint8_t table;
		} goto_table;
		struct {			/* SET_FIELD, LOAD */
			struct wft_subfield dst;	/* the whole field for set_field */
			uint8_t value[16];	/* right-aligned, big-endian, dst width */
			uint8_t mask[16];	/* set_field's /MASK; all ones if none */
		} set;
		struct {			/* MOVE */
			struct wft_subfield src;
			struct wft_subfield dst;
		} move;
		struct {			/* MOD_VLAN_VID, MOD_VLAN_PCP, PUSH_VLAN */
			uint16_t vid;		/* host order */
			uint8_t pcp;
			uint16_t ethertype;	/* push_vlan, host order */
		} vlan;
		struct {			/* CONTROLLER */
			uint16_t max_len;	/* 0xffff: whole packet */
			uint8_t reason;		/* 0 no_match, 1 action, ... */
			uint16_t controller_id;
			uint8_t *userdata;	/* owned */
			size_t userdata_len;
			bool pause;
		} controller;
		/*
		 * CONJUNCTION: the flow is clause @clause (1..@n_clauses)
		 * of conjunctive match @id (OVS semantics, see cls.h). A
		 * list that holds one holds only conjunctions and notes.
		 */
		struct {
			uint32_t id;
			uint8_t clause;
			uint8_t n_clauses;	/* 2..64 */
		} conj;
		struct {			/* GROUP */
			uint32_t id;
		} group;
		struct {			/* LEARN */
			struct wft_ofpact_learn *l;	/* owned */
		} learn;
		struct {			/* STACK_PUSH, STACK_POP */
			struct wft_subfield sf;
		} stack;
		/*
		 * CHECK_PKT_LARGER: @dst (one bit) = whether the frame is
		 * longer than @pkt_len bytes; the rest of the list runs
		 * once per answer (xlate_check_pkt.c).
		 */
		struct {
			uint16_t pkt_len;
			struct wft_subfield dst;
		} check_pkt;
		/*
		 * FIN_TIMEOUT: once a TCP FIN or RST is credited to the
		 * rule that holds it, the rule's idle and hard timeouts
		 * shrink to these (0: that one unchanged), as OVS's
		 * fin_timeout does (pipeline.h, wft_rule_note_tcp_flags()).
		 */
		struct {
			uint16_t idle;
			uint16_t hard;
		} fin;
		struct {			/* CLONE */
			struct wft_ofpacts *actions;	/* owned */
		} clone;
		struct {			/* NOTE */
			uint8_t *data;		/* owned */
			size_t len;
		} note;
		/*
		 * CT. The nested list holds, in the order written, what
		 * nat(...) and exec(...) gave: NAT actions and writes
		 * (SET_FIELD, LOAD, MOVE) of ct_mark and ct_label, as in
		 * OVS (a first NAT prints outside exec(), the rest inside).
		 */
		struct {
			uint16_t flags;		/* WFT_CT_F_* */
			uint16_t zone;		/* when zone_src.field is NULL */
			struct wft_subfield zone_src;	/* 16 bits, or none */
			uint8_t table;		/* WFT_TABLE_UNSET: no recirc */
			uint16_t alg;		/* 0 or WFT_CT_ALG_* */
			struct wft_ofpacts *actions;	/* owned */
		} ct;
		/*
		 * NAT. @af is 0 when no address range was given (then the
		 * ports are 0 too); addresses are in network order, an
		 * IPv4 one in the first 4 bytes; ip_max and port_max are 0
		 * when the range is one address or one port.
		 */
		struct {
			uint16_t flags;		/* WFT_NAT_F_* */
			uint8_t af;		/* 0, AF_INET or AF_INET6 */
			uint8_t ip_min[16];
			uint8_t ip_max[16];
			uint16_t port_min;	/* host order */
			uint16_t port_max;
		} nat;
	};
};

struct wft_ofpacts {
	struct wft_ofpact *acts;
	size_t n;
	size_t allocated;
};

void wft_ofpacts_init(struct wft_ofpacts *list);
/* Appends a zeroed action of @type and returns it (aborts on ENOMEM like
 * every allocation in weftd: xmalloc semantics). */
struct wft_ofpact *wft_ofpacts_put(struct wft_ofpacts *list,
				   enum wft_ofpact_type type);
void wft_ofpacts_clone(struct wft_ofpacts *dst, const struct wft_ofpacts *src);
void wft_ofpacts_uninit(struct wft_ofpacts *list);
bool wft_ofpacts_equal(const struct wft_ofpacts *a,
		       const struct wft_ofpacts *b);
/* Whether @acts is a non-empty list of conjunction actions only (a
 * clause rule of a conjunctive match). */
bool wft_ofpacts_only_conjunctions(const struct wft_ofpacts *acts);
/* Appends to @dst each of @src's conjunction actions it lacks: two clause
 * rules with one match become one rule in several conjunctions. */
void wft_ofpacts_join_conjunctions(struct wft_ofpacts *dst,
				   const struct wft_ofpacts *src);

/* The size of a learn with @n_specs specs, for allocating one. */
size_t wft_ofpact_learn_size(size_t n_specs);
/* Whether @acts holds a learn with delete_learned for (@table, @cookie),
 * inside clone() too. */
bool wft_ofpacts_learns_into(const struct wft_ofpacts *acts, uint8_t table,
			     uint64_t cookie);
/* Whether @acts holds a learn, inside clone() too. */
bool wft_ofpacts_has_learn(const struct wft_ofpacts *acts);

#endif /* WEFT_OFPACT_H */
