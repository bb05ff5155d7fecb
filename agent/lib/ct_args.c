// SPDX-License-Identifier: GPL-2.0
/*
 * The arguments of dump-conntrack, flush-conntrack and ct-stats-show, and
 * flush-conntrack's tuples, in ovs-dpctl's words (OVS 3.1's lib/dpctl.c
 * and lib/ofp-ct.c):
 *
 *   ct_nw_src=IP,ct_nw_dst=IP          or ct_ipv6_src=, ct_ipv6_dst=
 *   ct_nw_proto=N,ct_tp_src=N,ct_tp_dst=N
 *   icmp_type=N,icmp_code=N,icmp_id=N  (with ct_nw_proto=1 or 58)
 *
 * and the same error messages where OVS has one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ct_netlink.h"

static int bad(struct wft_strbuf *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct wft_strbuf *err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		wft_strbuf_vprintf(err, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A decimal (or 0x hex) number up to @max, the whole of @s. */
static bool number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return !errno && !*end && *v <= max;
}

static bool is_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (p[n])
			return false;
	return true;
}

/* One "key=value" of a tuple. */
static int tuple_field(const char *key, const char *value,
		       struct wft_ct_match *m, int dir, struct wft_strbuf *err)
{
	struct wft_ct_tuple *t = &m->tuple[dir];
	unsigned long v;

	if (!strcmp(key, "ct_nw_src") || !strcmp(key, "ct_nw_dst") ||
	    !strcmp(key, "ct_ipv6_src") || !strcmp(key, "ct_ipv6_dst")) {
		bool v6 = key[3] == 'i';
		uint8_t *a = strstr(key, "src") ? t->src : t->dst;
		int family = v6 ? AF_INET6 : AF_INET;

		if (m->family && m->family != family)
			return bad(err, "the L3 protocol does not match %s",
				   value);
		if (!is_zero(a, 16))
			return bad(err, "%s is set multiple times", key);
		if (inet_pton(family, value, a) != 1)
			return bad(err, "failed to parse field %s", key);
		m->family = (uint8_t)family;
		return 0;
	}
	if (!strcmp(key, "ct_nw_proto")) {
		if (m->proto)
			return bad(err, "%s is set multiple times", key);
		if (!number(value, 255, &v))
			return bad(err, "failed to parse field %s", key);
		m->proto = (uint8_t)v;
		return 0;
	}
	if (!strcmp(key, "ct_tp_src") || !strcmp(key, "ct_tp_dst")) {
		uint16_t *p = key[6] == 's' ? &t->sport : &t->dport;

		if (*p)
			return bad(err, "%s is set multiple times", key);
		if (!number(value, 65535, &v))
			return bad(err, "failed to parse field %s", key);
		*p = (uint16_t)v;
		return 0;
	}
	if (!strcmp(key, "icmp_type") || !strcmp(key, "icmp_code") ||
	    !strcmp(key, "icmp_id")) {
		if (m->proto != IPPROTO_ICMP && m->proto != IPPROTO_ICMPV6)
			return bad(err, "invalid L4 fields");
		if (!number(value, key[5] == 'i' ? 65535 : 255, &v))
			return bad(err, "failed to parse field %s", key);
		if (key[5] == 't')
			t->icmp_type = (uint8_t)v;
		else if (key[5] == 'c')
			t->icmp_code = (uint8_t)v;
		else
			t->icmp_id = (uint16_t)v;
		m->has_icmp[dir] = true;
		return 0;
	}
	return bad(err, "invalid conntrack tuple field: %s", key);
}

int wft_ct_match_parse(const char *s, struct wft_ct_match *m, int dir,
		       struct wft_strbuf *err)
{
	char *copy = strdup(s), *save = NULL, *item;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (item = strtok_r(copy, ", \t", &save); item && !r;
	     item = strtok_r(NULL, ", \t", &save)) {
		char *eq = strchr(item, '=');

		if (!eq || !eq[1]) {
			if (eq)
				*eq = '\0';
			r = bad(err, "field %s missing value", item);
			break;
		}
		*eq = '\0';
		r = tuple_field(item, eq + 1, m, dir, err);
	}
	free(copy);
	if (!r && !m->proto && (m->tuple[dir].sport || m->tuple[dir].dport))
		r = bad(err, "port is set without protocol");
	return r;
}

bool wft_ct_match_is_empty(const struct wft_ct_match *m)
{
	static const struct wft_ct_tuple zero;

	return !m->family && !m->proto && !m->has_icmp[0] && !m->has_icmp[1] &&
	       !memcmp(&m->tuple[0], &zero, sizeof(zero)) &&
	       !memcmp(&m->tuple[1], &zero, sizeof(zero));
}

/* OVS's ct_dpif_tuple_ip_cmp_partial: what the match gives must agree. */
static bool tuple_matches(const struct wft_ct_tuple *want, bool icmp_given,
			  const struct wft_ct_tuple *t, uint8_t proto)
{
	if (!is_zero(want->src, 16) && memcmp(want->src, t->src, 16))
		return false;
	if (!is_zero(want->dst, 16) && memcmp(want->dst, t->dst, 16))
		return false;
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		/* As OVS: with ICMP named, id, type and code all count (a
		 * field left out is 0). */
		return !icmp_given || (want->icmp_id == t->icmp_id &&
				       want->icmp_type == t->icmp_type &&
				       want->icmp_code == t->icmp_code);
	}
	return (!want->sport || want->sport == t->sport) &&
	       (!want->dport || want->dport == t->dport);
}

bool wft_ct_match_entry(const struct wft_ct_match *m,
			const struct wft_ct_entry *e)
{
	const struct wft_ct_tuple *o = &e->tuple[WFT_CT_ORIG];

	if (m->family && m->family != o->family)
		return false;
	if (m->proto && m->proto != o->proto)
		return false;
	for (int d = 0; d < 2; d++)
		if (!tuple_matches(&m->tuple[d], m->has_icmp[d], &e->tuple[d],
				   m->proto))
			return false;
	return true;
}

static int parse_zone(const char *arg, struct wft_ct_args *a,
		      struct wft_strbuf *err)
{
	unsigned long v;

	if (a->has_zone)
		return bad(err, "zone given twice: %s", arg);
	if (!number(arg + 5, 65535, &v))
		return bad(err, "bad zone \"%s\" (a number 0 to 65535)",
			   arg + 5);
	a->has_zone = true;
	a->zone = (uint16_t)v;
	return 0;
}

int wft_ct_parse_args(enum wft_ct_cmd cmd, int argc, char *const *argv,
		      struct wft_ct_args *a, struct wft_strbuf *err)
{
	int i = 0, r;

	memset(a, 0, sizeof(*a));
	if (argc > 0 && argv[0][0] && !strchr(argv[0], '=') &&
	    !(cmd == WFT_CT_STATS && !strcmp(argv[0], "verbose")))
		a->dp = argv[i++];
	for (; i < argc; i++) {
		const char *arg = argv[i];

		if (!strncmp(arg, "zone=", 5)) {
			/* The zone comes before the tuples, as in ovs-dpctl. */
			if (a->n_tuples)
				return bad(err, "zone= must come before the "
					   "tuples: %s", arg);
			r = parse_zone(arg, a, err);
		} else if (cmd == WFT_CT_STATS && !strcmp(arg, "verbose") &&
			   !a->verbose) {
			a->verbose = true;
			r = 0;
		} else if (cmd == WFT_CT_FLUSH && !arg[0] && a->n_tuples < 2) {
			/* "" for the original tuple: only a reply one. */
			a->n_tuples++;
			r = 0;
		} else if (cmd == WFT_CT_FLUSH && strchr(arg, '=') &&
			   a->n_tuples < 2) {
			r = wft_ct_match_parse(arg, &a->match, a->n_tuples,
					       err);
			a->n_tuples++;
		} else {
			return bad(err, cmd == WFT_CT_FLUSH && a->n_tuples == 2 ?
				   "too many arguments: %s (at most an "
				   "original and a reply tuple)" :
				   "unexpected argument \"%s\"", arg);
		}
		if (r)
			return r;
	}
	return 0;
}
