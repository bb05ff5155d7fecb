// SPDX-License-Identifier: GPL-2.0
/*
 * Conntrack entries and ct-stats-show summaries as text, in the exact form
 * OVS 3.1's lib/ct-dpif.c (ct_dpif_format_entry) and lib/dpctl.c
 * (dpctl_ct_stats_show) print them, and as JSON with every field named.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "weft/ct_netlink.h"

#ifndef IPPROTO_UDPLITE
#define IPPROTO_UDPLITE	136
#endif

static const char *const tcp_states[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED",
	"CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2",
	"TIME_WAIT", "MAX_NUM",
};

static const char *const sctp_states[] = {
	"CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED", "MAX_NUM",
};

static const char *const status_names[] = {
	"EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT", "DST_NAT",
	"SEQ_ADJUST", "SRC_NAT_DONE", "DST_NAT_DONE", "DYING",
	"FIXED_TIMEOUT", "TEMPLATE", "UNTRACKED",
};

static const char *const tcp_flag_names[] = {
	"WINDOW_SCALE", "SACK_PERM", "CLOSE_INIT", "BE_LIBERAL",
	"DATA_UNACKNOWLEDGED", "MAXACK_SET",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_ICMP:	return "icmp";
	case IPPROTO_ICMPV6:	return "icmpv6";
	case IPPROTO_TCP:	return "tcp";
	case IPPROTO_UDP:	return "udp";
	case IPPROTO_SCTP:	return "sctp";
	case IPPROTO_UDPLITE:	return "udplite";
	case IPPROTO_DCCP:	return "dccp";
	case IPPROTO_IGMP:	return "igmp";
	default:		return NULL;
	}
}

static void put_proto(struct wft_strbuf *out, uint8_t p)
{
	const char *n = proto_name(p);

	if (n)
		wft_strbuf_puts(out, n);
	else
		wft_strbuf_printf(out, "%u", p);
}

static void put_addr(struct wft_strbuf *out, uint8_t family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(family, a, buf, sizeof(buf));
	wft_strbuf_puts(out, buf);
}

static bool is_icmp(uint8_t p)
{
	return p == IPPROTO_ICMP || p == IPPROTO_ICMPV6;
}

static void put_tuple(struct wft_strbuf *out, const struct wft_ct_tuple *t)
{
	wft_strbuf_puts(out, "src=");
	put_addr(out, t->family, t->src);
	wft_strbuf_puts(out, ",dst=");
	put_addr(out, t->family, t->dst);
	if (is_icmp(t->proto))
		wft_strbuf_printf(out, ",id=%u,type=%u,code=%u", t->icmp_id,
				  t->icmp_type, t->icmp_code);
	else
		wft_strbuf_printf(out, ",sport=%u,dport=%u", t->sport,
				  t->dport);
}

/* OVS's format_flags: names joined by '|', "0" for none. */
static void put_flags(struct wft_strbuf *out, uint32_t flags,
		      const char *const *names, size_t n)
{
	bool first = true;

	if (!flags) {
		wft_strbuf_putc(out, '0');
		return;
	}
	for (size_t i = 0; i < 32; i++) {
		if (!(flags & (1u << i)))
			continue;
		wft_strbuf_printf(out, "%s%s", first ? "" : "|",
				  i < n ? names[i] : "?");
		first = false;
	}
}

/* OVS's ds_put_strftime_msec(..., utc=false): local time, milliseconds. */
static void put_time(struct wft_strbuf *out, const char *name, uint64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000u);
	char buf[64];
	struct tm tm;

	localtime_r(&secs, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	wft_strbuf_printf(out, ",%s=%s.%03u", name, buf,
			  (unsigned int)(ns / 1000000u % 1000u));
}

static bool labels_zero(const uint8_t *l)
{
	for (int i = 0; i < 16; i++)
		if (l[i])
			return false;
	return true;
}

/* The 128-bit label as one hex number (host u32 words, word 0 lowest). */
static void put_labels(struct wft_strbuf *out, const uint8_t *l)
{
	bool printed = false;

	for (int w = 3; w >= 0; w--) {
		uint32_t v;

		memcpy(&v, l + 4 * w, 4);
		for (int b = 3; b >= 0; b--) {
			unsigned int byte = (v >> (8 * b)) & 0xff;

			if (!byte && !printed)
				continue;
			wft_strbuf_printf(out, printed ? "%02x" : "0x%x", byte);
			printed = true;
		}
	}
	if (!printed)
		wft_strbuf_putc(out, '0');
}

static uint8_t coalesce_tcp(uint8_t s)
{
	if (s == WFT_CT_TCPS_FIN_WAIT_2)
		return WFT_CT_TCPS_TIME_WAIT;
	if (s == WFT_CT_TCPS_SYN_RECV)
		return WFT_CT_TCPS_ESTABLISHED;
	return s;
}

static void put_enum(struct wft_strbuf *out, unsigned int v,
		     const char *const *names, size_t n)
{
	if (v < n)
		wft_strbuf_puts(out, names[v]);
	else
		wft_strbuf_printf(out, "[%u]", v);
}

static void put_protoinfo(struct wft_strbuf *out, const struct wft_ct_entry *e,
			  bool verbose)
{
	if (!e->protoinfo)
		return;
	wft_strbuf_puts(out, ",protoinfo=(");
	if (e->protoinfo == IPPROTO_TCP && !verbose) {
		wft_strbuf_puts(out, "state=");
		put_enum(out, coalesce_tcp(e->tcp.state), tcp_states,
			 N(tcp_states));
	} else if (e->protoinfo == IPPROTO_TCP) {
		/* One kernel state for both ends: printed twice, as OVS. */
		wft_strbuf_puts(out, "state_orig=");
		put_enum(out, e->tcp.state, tcp_states, N(tcp_states));
		wft_strbuf_puts(out, ",state_reply=");
		put_enum(out, e->tcp.state, tcp_states, N(tcp_states));
		if (e->tcp.wscale_orig || e->tcp.wscale_reply)
			wft_strbuf_printf(out, ",wscale_orig=%u,wscale_reply=%u",
					  e->tcp.wscale_orig,
					  e->tcp.wscale_reply);
		wft_strbuf_puts(out, ",flags_orig=");
		put_flags(out, e->tcp.flags_orig, tcp_flag_names,
			  N(tcp_flag_names));
		wft_strbuf_puts(out, ",flags_reply=");
		put_flags(out, e->tcp.flags_reply, tcp_flag_names,
			  N(tcp_flag_names));
	} else {
		wft_strbuf_puts(out, "state=");
		put_enum(out, e->sctp.state, sctp_states, N(sctp_states));
		wft_strbuf_printf(out, ",vtag_orig=%u,vtag_reply=%u",
				  e->sctp.vtag_orig, e->sctp.vtag_reply);
	}
	wft_strbuf_putc(out, ')');
}

void wft_ct_format_entry(struct wft_strbuf *out, const struct wft_ct_entry *e,
			 bool verbose, bool stats)
{
	static const char *const dir[] = { ",orig=(", ",reply=(" };

	put_proto(out, e->tuple[WFT_CT_ORIG].proto);
	for (int d = 0; d < 2; d++) {
		wft_strbuf_puts(out, dir[d]);
		put_tuple(out, &e->tuple[d]);
		if (stats && (e->packets[d] || e->bytes[d]))
			wft_strbuf_printf(out, ",packets=%llu,bytes=%llu",
					  (unsigned long long)e->packets[d],
					  (unsigned long long)e->bytes[d]);
		wft_strbuf_putc(out, ')');
	}
	if (stats && (e->start_ns || e->stop_ns)) {
		put_time(out, "start", e->start_ns);
		if (e->stop_ns)
			put_time(out, "stop", e->stop_ns);
	}
	if (verbose)
		wft_strbuf_printf(out, ",id=%u", e->id);
	if (e->zone)
		wft_strbuf_printf(out, ",zone=%u", e->zone);
	if (verbose) {
		wft_strbuf_puts(out, ",status=");
		put_flags(out, e->status, status_names, N(status_names));
	}
	if (stats)
		wft_strbuf_printf(out, ",timeout=%u", e->timeout);
	if (e->mark)
		wft_strbuf_printf(out, ",mark=%u", e->mark);
	if (!labels_zero(e->labels)) {
		wft_strbuf_puts(out, ",labels=");
		put_labels(out, e->labels);
	}
	put_protoinfo(out, e, verbose);
	if (e->helper[0])
		wft_strbuf_printf(out, ",helper=%s", e->helper);
	if (verbose && e->has_parent) {
		wft_strbuf_puts(out, ",parent=(");
		put_tuple(out, &e->parent);
		wft_strbuf_putc(out, ')');
	}
}

/* ---- JSON -------------------------------------------------------------- */

static json_t *tuple_json(const struct wft_ct_tuple *t)
{
	char buf[INET6_ADDRSTRLEN];
	json_t *o = json_object();

	inet_ntop(t->family, t->src, buf, sizeof(buf));
	json_object_set_new(o, "src", json_string(buf));
	inet_ntop(t->family, t->dst, buf, sizeof(buf));
	json_object_set_new(o, "dst", json_string(buf));
	if (is_icmp(t->proto)) {
		json_object_set_new(o, "id", json_integer(t->icmp_id));
		json_object_set_new(o, "type", json_integer(t->icmp_type));
		json_object_set_new(o, "code", json_integer(t->icmp_code));
	} else {
		json_object_set_new(o, "sport", json_integer(t->sport));
		json_object_set_new(o, "dport", json_integer(t->dport));
	}
	return o;
}

static json_t *names_json(uint32_t flags, const char *const *names, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < 32; i++)
		if (flags & (1u << i))
			json_array_append_new(a, i < n ? json_string(names[i]) :
					      json_integer(1ll << i));
	return a;
}

json_t *wft_ct_entry_json(const struct wft_ct_entry *e)
{
	const struct wft_ct_tuple *o = &e->tuple[WFT_CT_ORIG];
	static const char *const dir[] = { "orig", "reply" };
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	json_t *j = json_object(), *t, *p;

	json_object_set_new(j, "family", json_string(o->family == AF_INET ?
						      "ipv4" : "ipv6"));
	if (proto_name(o->proto))
		json_object_set_new(j, "proto", json_string(proto_name(o->proto)));
	json_object_set_new(j, "proto_num", json_integer(o->proto));
	for (int d = 0; d < 2; d++) {
		t = tuple_json(&e->tuple[d]);
		json_object_set_new(t, "packets", json_integer((json_int_t)
								e->packets[d]));
		json_object_set_new(t, "bytes", json_integer((json_int_t)
							      e->bytes[d]));
		json_object_set_new(j, dir[d], t);
	}
	json_object_set_new(j, "id", json_integer(e->id));
	json_object_set_new(j, "zone", json_integer(e->zone));
	json_object_set_new(j, "status", names_json(e->status, status_names,
						    N(status_names)));
	json_object_set_new(j, "timeout", json_integer(e->timeout));
	json_object_set_new(j, "mark", json_integer(e->mark));
	put_labels(&sb, e->labels);
	json_object_set_new(j, "labels", json_string(wft_strbuf_cstr(&sb)));
	wft_strbuf_free(&sb);
	if (e->start_ns)
		json_object_set_new(j, "start_ns",
				    json_integer((json_int_t)e->start_ns));
	if (e->stop_ns)
		json_object_set_new(j, "stop_ns",
				    json_integer((json_int_t)e->stop_ns));
	if (e->protoinfo == IPPROTO_TCP) {
		p = json_pack("{s:s,s:i,s:i,s:o,s:o}",
			      "state", tcp_states[e->tcp.state < WFT_CT_TCPS_N ?
						  e->tcp.state : 0],
			      "wscale_orig", e->tcp.wscale_orig,
			      "wscale_reply", e->tcp.wscale_reply,
			      "flags_orig", names_json(e->tcp.flags_orig,
						       tcp_flag_names,
						       N(tcp_flag_names)),
			      "flags_reply", names_json(e->tcp.flags_reply,
							tcp_flag_names,
							N(tcp_flag_names)));
		json_object_set_new(j, "protoinfo", p);
	} else if (e->protoinfo == IPPROTO_SCTP) {
		p = json_pack("{s:s,s:I,s:I}", "state",
			      sctp_states[e->sctp.state < N(sctp_states) ?
					  e->sctp.state : 0],
			      "vtag_orig", (json_int_t)e->sctp.vtag_orig,
			      "vtag_reply", (json_int_t)e->sctp.vtag_reply);
		json_object_set_new(j, "protoinfo", p);
	}
	if (e->helper[0])
		json_object_set_new(j, "helper", json_string(e->helper));
	if (e->has_parent)
		json_object_set_new(j, "parent", tuple_json(&e->parent));
	return j;
}

/* ---- ct-stats-show ----------------------------------------------------- */

void wft_ct_summarize(const struct wft_ct_entries *es,
		      struct wft_ct_summary *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < es->n; i++) {
		const struct wft_ct_entry *e = &es->v[i];

		s->total++;
		switch (e->tuple[WFT_CT_ORIG].proto) {
		case IPPROTO_ICMP:	s->icmp++; break;
		case IPPROTO_ICMPV6:	s->icmpv6++; break;
		case IPPROTO_TCP:
			s->tcp++;
			s->tcp_states[coalesce_tcp(e->tcp.state) %
				      WFT_CT_TCPS_N]++;
			break;
		case IPPROTO_UDP:	s->udp++; break;
		case IPPROTO_SCTP:	s->sctp++; break;
		case IPPROTO_UDPLITE:	s->udplite++; break;
		case IPPROTO_DCCP:	s->dccp++; break;
		case IPPROTO_IGMP:	s->igmp++; break;
		default:		s->other++; break;
		}
	}
}

/*
 * As ovs-dpctl prints it, ICMPv6 included: OVS counts ICMPv6 connections
 * but has no line for them, so weft prints none either (JSON has them).
 */
void wft_ct_format_summary(struct wft_strbuf *out,
			   const struct wft_ct_summary *s, bool verbose)
{
	wft_strbuf_printf(out, "Connections Stats:\n    Total: %u\n", s->total);
	if (s->tcp) {
		wft_strbuf_printf(out, "  TCP: %u\n", s->tcp);
		if (verbose) {
			wft_strbuf_puts(out, "    Conn per TCP states:\n");
			for (int i = 0; i < WFT_CT_TCPS_N; i++)
				if (s->tcp_states[i])
					wft_strbuf_printf(out, "\t  [%s]=%u\n",
							  tcp_states[i],
							  s->tcp_states[i]);
		}
	}
	if (s->udp)
		wft_strbuf_printf(out, "  UDP: %u\n", s->udp);
	if (s->udplite)
		wft_strbuf_printf(out, "  UDPLITE: %u\n", s->udplite);
	if (s->sctp)
		wft_strbuf_printf(out, "  SCTP: %u\n", s->sctp);
	if (s->icmp)
		wft_strbuf_printf(out, "  ICMP: %u\n", s->icmp);
	if (s->dccp)
		wft_strbuf_printf(out, "  DCCP: %u\n", s->dccp);
	if (s->igmp)
		wft_strbuf_printf(out, "  IGMP: %u\n", s->igmp);
	if (s->other)
		wft_strbuf_printf(out, "  Other: %u\n", s->other);
}

json_t *wft_ct_cpu_stats_json(const struct wft_ct_cpu_stats *c)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i}",
			 "found", (json_int_t)c->found,
			 "invalid", (json_int_t)c->invalid,
			 "insert", (json_int_t)c->insert,
			 "insert_failed", (json_int_t)c->insert_failed,
			 "drop", (json_int_t)c->drop,
			 "early_drop", (json_int_t)c->early_drop,
			 "error", (json_int_t)c->error,
			 "search_restart", (json_int_t)c->search_restart,
			 "clash_resolve", (json_int_t)c->clash_resolve,
			 "chain_toolong", (json_int_t)c->chain_toolong,
			 "n_cpus", c->n_cpus);
}

json_t *wft_ct_stats_json(const struct wft_ct_summary *s)
{
	json_t *j = wft_ct_summary_json(s);
	struct wft_ct_cpu_stats c;

	if (!wft_ct_cpu_stats(&c, NULL))
		json_object_set_new(j, "kernel", wft_ct_cpu_stats_json(&c));
	return j;
}

json_t *wft_ct_summary_json(const struct wft_ct_summary *s)
{
	json_t *states = json_object();

	for (int i = 0; i < WFT_CT_TCPS_N; i++)
		if (s->tcp_states[i])
			json_object_set_new(states, tcp_states[i],
					    json_integer(s->tcp_states[i]));
	return json_pack("{s:i,s:i,s:o,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}",
			 "total", s->total, "tcp", s->tcp,
			 "tcp_states", states, "udp", s->udp,
			 "udplite", s->udplite, "sctp", s->sctp,
			 "icmp", s->icmp, "icmpv6", s->icmpv6,
			 "dccp", s->dccp, "igmp", s->igmp, "other", s->other);
}
