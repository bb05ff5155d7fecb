/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals shared by the ovs-ofctl flow syntax code: the tokenizer
 * (ofp_token.c), field values (ofp_value.c), and the match/action parsers
 * and formatters (ofp_parse*.c, ofp_format*.c).
 */
#ifndef WEFT_OFP_PRIVATE_H
#define WEFT_OFP_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/field.h"
#include "weft/ofp_flow.h"
#include "weft/strbuf.h"

/* Writes a message into @err and returns -EINVAL. */
int ofp_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * One "key", "key=value", "key:value" or "key(value)" of a comma- or
 * space-separated list, as ovs-ofctl splits flows and actions: a value
 * after '=' or ':' runs to the next comma or space outside parentheses, one
 * after '(' to the matching ')'.
 */
struct ofp_token {
	const char *key;
	size_t key_len;
	const char *value;	/* "" when there is none */
	size_t value_len;
	char delim;		/* '=', ':', '(' or 0 (no value) */
	/* "KEY(VALUE)->TAIL" (check_pkt_larger's destination); NULL when
	 * nothing follows ')'. */
	const char *tail;
	size_t tail_len;
};

/* The next token of *@s; returns 1, 0 at the end, or -EINVAL (an
 * unbalanced parenthesis). Advances *@s. */
int ofp_next_token(const char **s, struct ofp_token *t, char *err,
		   size_t errlen);
bool ofp_token_is(const struct ofp_token *t, const char *keyword);

/* If @name is a field or keyword of ovs-ofctl's that weft does not
 * support (tun_*, ct_*, ...), writes why into @err and returns -EINVAL;
 * else returns 0. */
int ofp_unsupported_field(const char *name, size_t len, char *err,
			  size_t errlen);

/* Bit @i (0: least significant) of the big-endian @n-byte string @p. */
bool ofp_bit_get(const uint8_t *p, unsigned int n, unsigned int i);
void ofp_bit_put(uint8_t *p, unsigned int n, unsigned int i, bool v);
bool ofp_is_zero(const uint8_t *p, size_t n);
bool ofp_is_ones(const uint8_t *p, size_t n);

/* An unsigned integer: decimal, 0x hex or 0 octal (strtoull base 0, as
 * ovs-ofctl reads most numbers), at most @max. */
int ofp_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *v);
/* Decimal only (ports, tables). */
int ofp_parse_dec(const char *s, size_t len, uint64_t max, uint64_t *v);

/*
 * A value of @f, "V" or "V/M", into right-aligned big-endian buffers of
 * f->n_bytes (@mask all ones where no mask is written). Checks that the
 * value fits the field; a mask only where the field is maskable (or the
 * mask is all ones). Messages name the field.
 */
int ofp_field_parse(const struct wft_field *f, const char *s, size_t len,
		    uint8_t *value, uint8_t *mask, char *err, size_t errlen);
/* A value of @f as ovs-ofctl prints it in set_field (mask NULL or all
 * ones: none printed). */
void ofp_field_format(const struct wft_field *f, const uint8_t *value,
		      const uint8_t *mask, struct wft_strbuf *sb);

/* The field's bits of @flow/@wc, as a right-aligned value and mask. */
void ofp_field_get(const struct wft_field *f, const struct wft_flow *flow,
		   const struct wft_flow_wc *wc, uint8_t *value, uint8_t *mask);
/* Replaces the field's bits in @flow and @wc by @value under @mask. */
void ofp_field_put(const struct wft_field *f, const uint8_t *value,
		   const uint8_t *mask, struct wft_flow *flow,
		   struct wft_flow_wc *wc);

/* Printing helpers for integers in big-endian buffers. */
void ofp_put_hex(struct wft_strbuf *sb, const uint8_t *p, size_t n);
uint64_t ofp_get_uint(const uint8_t *p, size_t n);	/* n <= 8 */
void ofp_put_uint(uint8_t *p, size_t n, uint64_t v);	/* n <= 8 */
void ofp_put_eth(struct wft_strbuf *sb, const uint8_t *mac);
void ofp_put_ipv4(struct wft_strbuf *sb, const uint8_t *ip);
void ofp_put_ipv6(struct wft_strbuf *sb, const uint8_t *ip);
/* The prefix length of a CIDR mask, or -1 if it is not one. */
int ofp_cidr_len(const uint8_t *mask, size_t n);

/* TCP flags: "+syn-ack", "syn|ack", "0x012/0x0ff". */
int ofp_tcp_flags_parse(const char *s, size_t len, uint16_t *value,
			uint16_t *mask, char *err, size_t errlen);
void ofp_tcp_flags_format(uint16_t value, uint16_t mask,
			  struct wft_strbuf *sb);

/* ct_state: "+trk-new", "trk|est", "0x21/0x3f" (ofp_ct_state.c); a
 * match on all eight bits has mask WFT_CS_ALL. */
int ofp_ct_state_parse(const char *s, size_t len, uint32_t *value,
		       uint32_t *mask, char *err, size_t errlen);
void ofp_ct_state_format(uint32_t value, uint32_t mask, struct wft_strbuf *sb);

/* tun_flags: "+oam", "-oam", "oam" into 2-byte value and mask. */
int ofp_tnl_flags_parse(const char *s, size_t len, uint8_t *value,
			uint8_t *mask, char *err, size_t errlen);
/* Whether a tun_metadata mask is whole low bytes of ones (0xff, 0xffff...):
 * ovs-ofctl gives a tun_metadata match the length of its mask, so it
 * prints such a mask as no mask at all. */
bool ofp_tun_md_mask_whole(const uint8_t *mask, size_t n);

/* The name ovs-ofctl gives a field in set_field ("eth_src" for dl_src). */
const char *ofp_field_set_name(const struct wft_field *f);
/* The name it prints in load/move: NXM name, else OXM name. */
const char *ofp_field_nxm_name(const struct wft_field *f);
/* "NXM_NX_REG0[]", "NXM_NX_REG0[8..15]", "NXM_NX_REG0[3]". */
void ofp_subfield_format(const struct wft_subfield *sf, struct wft_strbuf *sb);

/*
 * The action parser's state (ofp_parse_actions.c, and ofp_parse_ct.c for
 * ct and nat): the packet as the rule knows it at this point of the list,
 * checked "by value" (every field exact) as ovs-ofctl checks actions, except
 * for the conntrack prerequisite, which OVS checks against the rule's real
 * ct_state mask (@mask).
 */
struct ofp_acts_ctx {
	struct wft_flow flow;	/* the packet as the rule knows it here */
	struct wft_flow_wc exact;	/* all ones: prerequisites by value */
	struct wft_flow_wc mask;	/* the rule's own mask */
	uint8_t table;		/* the rule's table, for goto_table */
	bool in_clone;
	bool in_ct;		/* in ct(exec(...)): only ct_mark, ct_label, nat */
	bool any_packet;	/* no rule: skip prerequisite checks (groups) */
	bool drop;		/* "drop" was given */
	bool ended;		/* goto_table was given: nothing may follow */
	const struct ofp_token *tok;	/* the action being parsed */
	char *err;
	size_t errlen;
};

/* An error about the current action, prefixed with it. */
#define ACT_ERR(c, fmt, ...)						\
	ofp_err((c)->err, (c)->errlen, "%.*s%s%.*s%s: " fmt,		\
		(int)(c)->tok->key_len, (c)->tok->key,			\
		(c)->tok->delim == '(' ? "(" : (c)->tok->delim ? ":" : "", \
		(int)(c)->tok->value_len, (c)->tok->value,		\
		(c)->tok->delim == '(' ? ")" : "", ##__VA_ARGS__)

/* Parses the action list @s into @acts (ofp_parse_actions.c). */
int ofp_acts_parse_list(struct ofp_acts_ctx *c, const char *s,
			struct wft_ofpacts *acts);
/* The current action's value as a string of its own (free() it). */
char *ofp_acts_value_dup(const struct ofp_acts_ctx *c);
/* A subfield written in the current action. */
int ofp_acts_subfield(struct ofp_acts_ctx *c, const char *s, size_t len,
		      struct wft_subfield *sf);
/* Whether the rule, as it stands, lets @f be read (@role "source") or
 * written ("destination"). */
int ofp_acts_check_prereqs(struct ofp_acts_ctx *c, const struct wft_field *f,
			   const char *role);
/* ct(...), and nat(...) inside its exec() (ofp_parse_ct.c). */
int ofp_parse_ct(struct ofp_acts_ctx *c, struct wft_ofpacts *acts);
int ofp_parse_nat(struct ofp_acts_ctx *c, struct wft_ofpacts *acts);
/* learn(...) (ofp_parse_learn.c). */
int ofp_parse_learn(struct ofp_acts_ctx *c, struct wft_ofpacts *acts);
/* learn(...) as ovs-ofctl prints it (ofp_format_learn.c). */
void ofp_learn_format(const struct wft_ofpact_learn *l, struct wft_strbuf *sb);
/* Whether the rule's value @flow (every field exact, as ovs-ofctl checks
 * actions) has a VLAN tag. */
bool ofp_flow_has_vlan(const struct wft_flow *flow);

#endif /* WEFT_OFP_PRIVATE_H */
