/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's connection tracker (nf_conntrack) through ctnetlink, for
 * `weft-dpctl dump-conntrack / flush-conntrack / ct-stats-show` and their
 * `weft-appctl dpctl/...` twins. weft.ko's ct action puts its connections
 * in nf_conntrack, so this is where they are read and deleted; the module
 * itself is not involved. Everything works in the caller's network
 * namespace; reading needs no privilege beyond what ctnetlink asks
 * (CAP_NET_ADMIN), deleting the same.
 *
 * Text follows `ovs-dpctl` (OVS 3.1's lib/ct-dpif.c) exactly:
 *
 *   tcp,orig=(src=10.0.0.1,dst=10.0.0.2,sport=33300,dport=80),
 *   reply=(src=10.0.0.2,dst=10.0.0.1,sport=80,dport=33300),zone=1,mark=5,
 *   labels=0x1,protoinfo=(state=ESTABLISHED)
 *
 * with -m (verbose) adding id=, status=, the TCP details and parent=, and
 * -s (stats) adding packets=/bytes= per direction, start=/stop= and
 * timeout=. TCP states are OVS's names for the kernel's, and without -m
 * SYN_RECV prints as ESTABLISHED and FIN_WAIT_2 as TIME_WAIT, as OVS does.
 *
 * All functions return 0 or a negative errno and, on failure, put a
 * sentence saying what failed in @err (when non-NULL).
 */
#ifndef WEFT_CT_NETLINK_H
#define WEFT_CT_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "weft/strbuf.h"

/* One direction of a connection. Addresses: IPv4 in the first 4 bytes. */
struct wft_ct_tuple {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t proto;		/* IPPROTO_* */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;	/* host order; 0 for protocols without */
	uint16_t icmp_id;	/* host order (ICMP, ICMPv6) */
	uint8_t icmp_type, icmp_code;
};

/* OVS's TCP states (ct-dpif.h), which the text prints by name. */
enum wft_ct_tcp_state {
	WFT_CT_TCPS_CLOSED, WFT_CT_TCPS_LISTEN, WFT_CT_TCPS_SYN_SENT,
	WFT_CT_TCPS_SYN_RECV, WFT_CT_TCPS_ESTABLISHED, WFT_CT_TCPS_CLOSE_WAIT,
	WFT_CT_TCPS_FIN_WAIT_1, WFT_CT_TCPS_CLOSING, WFT_CT_TCPS_LAST_ACK,
	WFT_CT_TCPS_FIN_WAIT_2, WFT_CT_TCPS_TIME_WAIT, WFT_CT_TCPS_N,
};

#define WFT_CT_ORIG	0
#define WFT_CT_REPLY	1
#define WFT_CT_RAW_TUPLE_MAX	160

struct wft_ct_entry {
	struct wft_ct_tuple tuple[2];	/* WFT_CT_ORIG, WFT_CT_REPLY */
	struct wft_ct_tuple parent;	/* the master of an expected one */
	bool has_parent;
	uint64_t packets[2], bytes[2];	/* with nf_conntrack_acct only */
	uint64_t start_ns, stop_ns;	/* with nf_conntrack_timestamp only */
	uint32_t id;
	uint32_t status;		/* OVS's bits: the kernel's IPS_* up to
					 * IPS_UNTRACKED */
	uint32_t timeout;		/* seconds left */
	uint32_t mark;
	uint16_t zone;
	uint8_t labels[16];		/* as the kernel keeps them (host words) */
	uint8_t protoinfo;		/* 0, IPPROTO_TCP or IPPROTO_SCTP */
	struct {
		uint8_t state;		/* enum wft_ct_tcp_state */
		uint8_t wscale_orig, wscale_reply;
		uint8_t flags_orig, flags_reply;	/* IP_CT_TCP_FLAG_* */
	} tcp;
	struct {
		uint8_t state;		/* OVS's SCTP state numbers */
		uint32_t vtag_orig, vtag_reply;
	} sctp;
	char helper[32];		/* "" when none */
	/* The original tuple as the kernel sent it, for deleting exactly
	 * this entry whatever its protocol. */
	uint8_t raw_orig[WFT_CT_RAW_TUPLE_MAX];
	uint16_t raw_orig_len;
	uint8_t nfgen_family;
};

struct wft_ct_entries {
	struct wft_ct_entry *v;
	size_t n, cap;
};

/* Every entry (of @zone when non-NULL), in the kernel's order. */
int wft_ct_dump(const uint16_t *zone, struct wft_ct_entries *out,
		struct wft_strbuf *err);
void wft_ct_entries_free(struct wft_ct_entries *e);

/*
 * What flush-conntrack deletes: ovs-dpctl's "ct_nw_src=..,ct_nw_dst=..,
 * ct_nw_proto=..,ct_tp_src=..,ct_tp_dst=.." (or ct_ipv6_src/dst, and
 * icmp_type/icmp_code/icmp_id) for the original direction and optionally
 * the reply one. Fields left out match anything.
 */
struct wft_ct_match {
	uint8_t family;			/* 0: any */
	uint8_t proto;			/* 0: any */
	struct wft_ct_tuple tuple[2];	/* zero fields: any */
	bool has_icmp[2];		/* an ICMP field was given */
};

/* Parses one tuple argument into @m's direction @dir. */
int wft_ct_match_parse(const char *s, struct wft_ct_match *m, int dir,
		       struct wft_strbuf *err);
bool wft_ct_match_is_empty(const struct wft_ct_match *m);
bool wft_ct_match_entry(const struct wft_ct_match *m,
			const struct wft_ct_entry *e);

/*
 * Deletes the entries of @zone (all zones when NULL) that @m (NULL: every
 * entry) matches. A full original 5-tuple with no reply tuple is deleted
 * by its tuple in one request, as ovs-dpctl does (and fails with -ENOENT
 * when there is no such entry); otherwise entries are dumped, matched and
 * deleted one by one. *@n_deleted (may be NULL) counts them.
 */
int wft_ct_flush(const uint16_t *zone, const struct wft_ct_match *m,
		 size_t *n_deleted, struct wft_strbuf *err);

/* The kernel's per-CPU conntrack counters, summed. */
struct wft_ct_cpu_stats {
	uint64_t found, invalid, insert, insert_failed, drop, early_drop,
		 error, search_restart, clash_resolve, chain_toolong;
	unsigned int n_cpus;
};
int wft_ct_cpu_stats(struct wft_ct_cpu_stats *s, struct wft_strbuf *err);
json_t *wft_ct_cpu_stats_json(const struct wft_ct_cpu_stats *s);

/* Text and JSON (ct_format.c). */
void wft_ct_format_entry(struct wft_strbuf *out, const struct wft_ct_entry *e,
			 bool verbose, bool stats);
json_t *wft_ct_entry_json(const struct wft_ct_entry *e);

/* ct-stats-show: connections by protocol (and TCP state). */
struct wft_ct_summary {
	unsigned int total;
	unsigned int tcp, udp, udplite, sctp, icmp, icmpv6, dccp, igmp, other;
	unsigned int tcp_states[WFT_CT_TCPS_N];
};
void wft_ct_summarize(const struct wft_ct_entries *e,
		      struct wft_ct_summary *s);
void wft_ct_format_summary(struct wft_strbuf *out,
			   const struct wft_ct_summary *s, bool verbose);
json_t *wft_ct_summary_json(const struct wft_ct_summary *s);
/*
 * ct-stats-show's JSON: the summary and, under "kernel", the per-CPU
 * counters summed (left out, with no error, when they cannot be read).
 */
json_t *wft_ct_stats_json(const struct wft_ct_summary *s);

/*
 * The command lines, shared by weft-dpctl and weftd's dpctl/ methods:
 *
 *   dump-conntrack  [DP] [zone=N]
 *   flush-conntrack [DP] [zone=N] [TUPLE [TUPLE]]
 *   ct-stats-show   [DP] [zone=N] [verbose]
 *
 * DP is the first word without '=' (before the others); the rest may not
 * repeat. Unlike ovs-dpctl, a word that is none of these is an error, not
 * taken for a datapath name or ignored.
 */
enum wft_ct_cmd { WFT_CT_DUMP, WFT_CT_FLUSH, WFT_CT_STATS };

struct wft_ct_args {
	const char *dp;			/* NULL: not given */
	bool has_zone;
	uint16_t zone;
	bool verbose;			/* ct-stats-show's "verbose" word */
	struct wft_ct_match match;	/* flush-conntrack's tuples */
	int n_tuples;
};

int wft_ct_parse_args(enum wft_ct_cmd cmd, int argc, char *const *argv,
		      struct wft_ct_args *a, struct wft_strbuf *err);

/* weftd's dpctl/dump-conntrack, dpctl/flush-conntrack, dpctl/ct-stats-show
 * (agent/lib/ct_rpc.c). */
struct wft_component;
extern const struct wft_component wft_ct_component;

#endif /* WEFT_CT_NETLINK_H */
