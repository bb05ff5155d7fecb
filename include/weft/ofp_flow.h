/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pipeline rules in the ovs-ofctl flow syntax: parsing "table=3,priority=10,
 * tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=..." into a struct wft_ofp_flow,
 * and printing one back in the normalized text ovs-ofctl prints.
 *
 * The text weft prints is what `ovs-ofctl -O OpenFlow14` prints for the same
 * flow (parse-flows for wft_ofp_flow_format(), dump-flows for
 * wft_ofp_flow_format_dump()): OpenFlow 1.4 is the one version in which every
 * action weft supports prints as itself (goto_table stays goto_table,
 * set_field stays set_field, load stays load, importance is kept), and
 * choosing one version makes the text of a flow independent of the flows
 * around it. The consequences, which match ovs-ofctl exactly:
 *  - mod_dl_src, mod_nw_dst, mod_tp_src, mod_nw_tos, mod_nw_ecn print as
 *    set_field; strip_vlan prints as pop_vlan; mod_nw_ttl prints as itself;
 *  - mod_vlan_vid and mod_vlan_pcp print as set_field on vlan_vid/vlan_pcp,
 *    preceded by push_vlan:0x8100 where the rule does not guarantee a tag;
 *  - a masked set_field prints as one load per run of contiguous mask bits;
 *  - a vlan_tci match is normalized as OpenFlow 1.4 encodes it (VID and
 *    CFI as given, PCP only when a tag is required).
 *
 * Matches are normalized when parsed (value &= mask, the vlan rule above),
 * so that equal rules compare equal with memcmp().
 *
 * Errors: parsers return 0 or -EINVAL, with a message in @err that names the
 * offending keyword or value, e.g. "nw_src: needs ip (or dl_type=0x0800)
 * in the match", "set_field:1.2.3.4->ip_dst: destination ip_dst lacks
 * correct prerequisites (the match needs ip)", "bundle(...): action
 * bundle is not supported by weft".
 *
 * Action semantics, for xlate: an empty list is drop (WFT_OFPACT_DROP is
 * never produced); set_field's value and mask are right-aligned in the
 * field's width (dst is the whole field); load's value is right-aligned
 * in the subfield, its mask ones over the subfield's n_bits; mod_nw_tos is
 * a set_field on ip_dscp, mod_tp_src/dst one on the transport the rule
 * matches; output.max_len != 0 is output(port=P,max_len=N) truncation;
 * "output:CONTROLLER" is a controller action.
 */
#ifndef WEFT_OFP_FLOW_H
#define WEFT_OFP_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/flow.h"
#include "weft/ofpact.h"
#include "weft/strbuf.h"

/* What a flow string is for: the ovs-ofctl command it would be given to.
 * It decides which keywords are allowed (out_port and cookie masks only for
 * modify/delete, actions required for add/modify, forbidden for delete). */
enum wft_ofp_command {
	WFT_OFPFC_ADD,
	WFT_OFPFC_MODIFY,
	WFT_OFPFC_MODIFY_STRICT,
	WFT_OFPFC_DELETE,
	WFT_OFPFC_DELETE_STRICT,
};

/* Flags, with their OpenFlow 1.3+ values. */
#define WFT_OFPFF_SEND_FLOW_REM	(1 << 0)
#define WFT_OFPFF_CHECK_OVERLAP	(1 << 1)
#define WFT_OFPFF_RESET_COUNTS	(1 << 2)
#define WFT_OFPFF_NO_PKT_COUNTS	(1 << 3)
#define WFT_OFPFF_NO_BYT_COUNTS	(1 << 4)

#define WFT_OFP_DEFAULT_PRIORITY 32768
#define WFT_TABLE_ALL		0xff	/* no table= given: 0 for add, all
					 * tables for modify/delete */

struct wft_ofp_flow {
	enum wft_ofp_command command;
	uint8_t table;			/* 0..254, or WFT_TABLE_ALL */
	uint16_t priority;
	uint64_t cookie;		/* host order */
	uint64_t cookie_mask;		/* 0 unless cookie=V/M (modify/delete) */
	uint16_t idle_timeout;		/* seconds, 0: none */
	uint16_t hard_timeout;
	uint16_t importance;
	uint16_t flags;			/* WFT_OFPFF_* */
	uint32_t out_port;		/* WFT_OFPP_ANY unless given */
	struct wft_flow match;		/* value, normalized: value & mask */
	struct wft_flow_wc mask;
	struct wft_ofpacts actions;	/* empty: drop */
	bool has_actions;		/* actions= was given */
};

/* An empty flow: table unset, default priority, match-all, no actions. */
void wft_ofp_flow_init(struct wft_ofp_flow *flow, enum wft_ofp_command cmd);
void wft_ofp_flow_uninit(struct wft_ofp_flow *flow);

/*
 * Parses @s, a flow in ovs-ofctl syntax, for @cmd into @out (initialized
 * here; uninit it even on failure). Returns 0, or -EINVAL with a message in
 * @err naming what is wrong: an unknown or unsupported keyword, a bad value,
 * a field whose prerequisites the match lacks, an action that cannot apply.
 */
int wft_ofp_flow_parse(const char *s, enum wft_ofp_command cmd,
		       struct wft_ofp_flow *out, char *err, size_t errlen);

/*
 * Parses a match alone: fields and protocol shorthands ("tcp,tp_dst=80"),
 * no table, priority or actions. For filters (dump-flows FLOW) and tools.
 */
int wft_ofp_match_parse(const char *s, struct wft_flow *match,
			struct wft_flow_wc *mask, char *err, size_t errlen);

/*
 * Parses an action list ("output:1,resubmit(,3)"; "" or "drop" for none),
 * checking each action against the rule's @match/@mask (set_field
 * prerequisites, mod_tp_src's protocol) and @table (goto_table must go
 * forward; WFT_TABLE_ALL: table 0). Appends to @acts.
 */
int wft_ofp_actions_parse(const char *s, const struct wft_flow *match,
			  const struct wft_flow_wc *mask, uint8_t table,
			  struct wft_ofpacts *acts, char *err, size_t errlen);

/* The same for actions that belong to no rule (a group's bucket): no
 * prerequisite is checked, as OVS checks none there. */
int wft_ofp_actions_parse_any(const char *s, struct wft_ofpacts *acts,
			      char *err, size_t errlen);

/*
 * The match as ovs-ofctl prints it, fields in its canonical order, with
 * "priority=N," first unless @priority is WFT_OFP_DEFAULT_PRIORITY (pass
 * that to leave priority out). Prints nothing for a match-all.
 */
void wft_ofp_match_format(const struct wft_flow *match,
			  const struct wft_flow_wc *mask, unsigned int priority,
			  struct wft_strbuf *sb);

/* The actions as ovs-ofctl prints them after "actions=" ("drop" when
 * empty); @match/@mask are the rule's (mod_vlan_vid prints differently
 * depending on whether the rule guarantees a VLAN tag). */
void wft_ofp_actions_format(const struct wft_ofpacts *acts,
			    const struct wft_flow *match,
			    const struct wft_flow_wc *mask,
			    struct wft_strbuf *sb);

/*
 * @flow as `ovs-ofctl parse-flows` prints a flow_mod, without its
 * "OFPT_FLOW_MOD (OF1.4) (xid=0x1): " prefix:
 *   ADD table:3 priority=10,tcp,tp_dst=80 cookie:0x5 idle:10 actions=...
 */
void wft_ofp_flow_format(const struct wft_ofp_flow *flow,
			 struct wft_strbuf *sb);

/* The statistics dump-flows prints; ages < 0 are not printed. */
struct wft_ofp_flow_stats {
	uint32_t duration_sec;
	uint32_t duration_nsec;
	uint64_t n_packets;
	uint64_t n_bytes;
	int idle_age;		/* seconds since last hit, or -1 */
	int hard_age;		/* seconds since last modification, or -1 */
};

/*
 * @flow as `ovs-ofctl dump-flows` prints it (no leading space):
 *   cookie=0x0, duration=1.5s, table=0, n_packets=0, n_bytes=0,
 *   idle_age=1, priority=10,tcp actions=drop
 * With @stats NULL, as dump-flows --no-stats does: cookie only when not 0,
 * table only when not 0, no counters.
 */
void wft_ofp_flow_format_dump(const struct wft_ofp_flow *flow,
			      const struct wft_ofp_flow_stats *stats,
			      struct wft_strbuf *sb);

/* Port numbers: "LOCAL", "IN_PORT", ..., or decimal. Returns 0 or -EINVAL;
 * OpenFlow 1.0 reserved numbers (65280..65535) map to their 32-bit values.
 * With port names set (below), also a port name, bare or in quotes. */
int wft_ofp_port_parse(const char *s, size_t len, uint32_t *port);
/* Decimal or reserved name; a port name when names are set and know it
 * (quoted when ovs-ofctl would quote it). */
void wft_ofp_port_format(uint32_t port, struct wft_strbuf *sb);

/*
 * Port names, for the one caller that knows a bridge's ports (weftd, as
 * ovs-ofctl --names does): while set, every parser and formatter above
 * running in the calling thread resolves and prints names through them.
 * Offline tools never set them, so their behaviour is unchanged.
 */
struct wft_ofp_port_names {
	/* 0 with *@port for a port named @name (@len bytes), else -ENOENT. */
	int (*number)(void *aux, const char *name, size_t len, uint32_t *port);
	/* The name of @port, or NULL to print the number. NULL: parse only. */
	const char *(*name)(void *aux, uint32_t port);
	void *aux;
};

/* Sets this thread's port names (NULL: none); returns the previous ones,
 * to be set back when done. */
const struct wft_ofp_port_names *
wft_ofp_port_names_set(const struct wft_ofp_port_names *names);

#endif /* WEFT_OFP_FLOW_H */
