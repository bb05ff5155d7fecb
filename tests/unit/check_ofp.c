// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the ovs-ofctl flow syntax (include/weft/ofp_flow.h):
 *  - the corpus (data/ofctl_flows.txt): every flow must print exactly as
 *    the real ovs-ofctl printed it (data/ofctl_flows.expected, made by
 *    data/gen-ofctl-expected.sh with "ovs-ofctl -O OpenFlow14 parse-flows";
 *    that script says why 1.4). A mismatch prints the flow, both texts and
 *    where they part. Likewise the dump-flows form against what a real
 *    ovs-vswitchd dumps (data/ofctl_flows.dump-expected);
 *  - round trips: parse(dump-format(x)) == x for every corpus flow;
 *  - bad flows (data/ofctl_bad_flows.txt): each must fail with the error
 *    written beside it;
 *  - the other commands (modify, delete), match-only parsing, the
 *    dump-flows form with statistics, what weft accepts beyond
 *    OpenFlow 1.4, action list copies;
 *  - random mutations of the corpus, which must never crash and, when
 *    accepted, must print stably.
 * The data files are found beside this source (WEFT_TEST_DATA overrides).
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ofp_flow.h"
#include "weft/strbuf.h"

/* Helpers. */

static char *data_path(const char *name)
{
	const char *dir = getenv("WEFT_TEST_DATA");
	static char path[4096];
	const char *slash = strrchr(__FILE__, '/');

	if (dir)
		snprintf(path, sizeof(path), "%s/%s", dir, name);
	else if (slash)
		snprintf(path, sizeof(path), "%.*s/data/%s",
			 (int)(slash - __FILE__), __FILE__, name);
	else
		snprintf(path, sizeof(path), "data/%s", name);
	return path;
}

struct lines {
	char **line;
	unsigned int *lineno;	/* in the file, from 1 */
	size_t n;
};

/* The lines of @name that are not blank or comments ('#' to the end of
 * the line is a comment, as ovs-ofctl reads flow files), or, with
 * @prefix, only the lines starting with it, the prefix cut off. */
static void read_lines(const char *name, const char *prefix, struct lines *l)
{
	FILE *f = fopen(data_path(name), "r");
	char *buf = NULL, *s;
	size_t cap = 0;
	unsigned int no = 0;

	ck_assert_msg(f, "cannot open %s", data_path(name));
	memset(l, 0, sizeof(*l));
	while (getline(&buf, &cap, f) > 0) {
		no++;
		buf[strcspn(buf, "\r\n")] = '\0';
		if (prefix) {
			s = strstr(buf, prefix);
			if (s != buf)
				continue;
			s += strlen(prefix);
		} else {
			s = buf;
			s[strcspn(s, "#")] = '\0';
			if (!s[strspn(s, " \t")])
				continue;
		}
		l->line = realloc(l->line, (l->n + 1) * sizeof(*l->line));
		l->lineno = realloc(l->lineno, (l->n + 1) * sizeof(*l->lineno));
		ck_assert(l->line && l->lineno);
		l->line[l->n] = strdup(s);
		l->lineno[l->n++] = no;
	}
	free(buf);
	fclose(f);
}

static void free_lines(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	free(l->lineno);
}

/* Parses @s for @cmd and formats it (parse-flows form) into @out; returns
 * the parse result, the error in @err. */
static int parse_format(const char *s, enum wft_ofp_command cmd,
			struct wft_strbuf *out, char *err, size_t errlen)
{
	struct wft_ofp_flow f;
	int ret;

	wft_strbuf_reset(out);
	ret = wft_ofp_flow_parse(s, cmd, &f, err, errlen);
	if (!ret)
		wft_ofp_flow_format(&f, out);
	wft_ofp_flow_uninit(&f);
	return ret;
}

/* Where two strings part, for the diff. */
static size_t first_diff(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	return i;
}

/* The corpus against ovs-ofctl's output. */

START_TEST(test_corpus_matches_ovs_ofctl)
{
	struct lines in, want;
	struct wft_strbuf got = WFT_STRBUF_INIT;
	char err[256];
	size_t i, bad = 0;

	read_lines("ofctl_flows.txt", NULL, &in);
	read_lines("ofctl_flows.expected", "OFPT_FLOW_MOD (OF1.4) ", &want);
	ck_assert_uint_ge(in.n, 250);
	ck_assert_msg(in.n == want.n, "%zu flows but %zu expected lines: "
		      "rerun data/gen-ofctl-expected.sh", in.n, want.n);
	for (i = 0; i < in.n; i++) {
		/* "(xid=0x1): ADD ..." */
		const char *w = strstr(want.line[i], "): ");

		ck_assert(w);
		w += 3;
		if (parse_format(in.line[i], WFT_OFPFC_ADD, &got, err,
				 sizeof(err))) {
			printf("ofctl_flows.txt:%u: %s\n  rejected: %s\n"
			       "  ovs-ofctl: %s\n", in.lineno[i], in.line[i],
			       err, w);
			bad++;
			continue;
		}
		if (strcmp(wft_strbuf_cstr(&got), w)) {
			size_t at = first_diff(wft_strbuf_cstr(&got), w);

			printf("ofctl_flows.txt:%u: %s\n  ovs-ofctl: %s\n"
			       "  weft:      %s\n  differ at column %zu: "
			       "\"%s\" vs \"%s\"\n", in.lineno[i], in.line[i], w,
			       wft_strbuf_cstr(&got), at + 1, w + at,
			       wft_strbuf_cstr(&got) + at);
			bad++;
		}
	}
	printf("corpus: %zu of %zu flows print exactly as ovs-ofctl\n",
	       in.n - bad, in.n);
	wft_strbuf_free(&got);
	free_lines(&in);
	free_lines(&want);
	ck_assert_msg(!bad, "%zu flows differ from ovs-ofctl (see above)", bad);
}
END_TEST

/* Each flow as ovs-vswitchd dumps it once installed ("-": refused). */
START_TEST(test_corpus_dump_matches_ovs)
{
	struct wft_strbuf got = WFT_STRBUF_INIT;
	struct lines in, want;
	struct wft_ofp_flow f;
	char err[256];
	size_t i, bad = 0, n = 0;

	read_lines("ofctl_flows.txt", NULL, &in);
	read_lines("ofctl_flows.dump-expected", "", &want);
	ck_assert_msg(in.n == want.n, "%zu flows but %zu dump lines: rerun "
		      "data/gen-ofctl-expected.sh", in.n, want.n);
	for (i = 0; i < in.n; i++) {
		if (!strcmp(want.line[i], "-"))
			continue;
		n++;
		ck_assert_msg(!wft_ofp_flow_parse(in.line[i], WFT_OFPFC_ADD, &f,
						  err, sizeof(err)),
			      "%s: %s", in.line[i], err);
		wft_strbuf_reset(&got);
		wft_ofp_flow_format_dump(&f, NULL, &got);
		wft_ofp_flow_uninit(&f);
		if (strcmp(wft_strbuf_cstr(&got), want.line[i])) {
			printf("ofctl_flows.txt:%u: %s\n  ovs dump: %s\n"
			       "  weft:     %s\n", in.lineno[i], in.line[i],
			       want.line[i], wft_strbuf_cstr(&got));
			bad++;
		}
	}
	printf("dump: %zu of %zu installed flows dump exactly as "
	       "ovs-vswitchd's\n", n - bad, n);
	wft_strbuf_free(&got);
	free_lines(&in);
	free_lines(&want);
	ck_assert_msg(!bad, "%zu dumps differ (see above)", bad);
}
END_TEST

/* Round trips. */

static void clear_spellings(struct wft_ofpacts *acts)
{
	size_t i;

	for (i = 0; i < acts->n; i++) {
		acts->acts[i].spelling = WFT_SPELL_DEFAULT;
		if (acts->acts[i].type == WFT_OFPACT_CLONE)
			clear_spellings(acts->acts[i].clone.actions);
		if (acts->acts[i].type == WFT_OFPACT_CT)
			clear_spellings(acts->acts[i].ct.actions);
	}
}

/* Whether set_field @a writes only part of its field (a "/MASK"). */
static bool is_masked_set(const struct wft_ofpact *a)
{
	const struct wft_field *f = a->set.dst.field;
	unsigned int i, n = f->n_bytes;

	for (i = 0; i < f->n_bits; i++)
		if (!(a->set.mask[n - 1 - i / 8] >> (i % 8) & 1))
			return true;
	return false;
}

/*
 * Some actions read back as other actions, as in ovs-ofctl: mod_vlan_vid
 * and mod_vlan_pcp print as set_field on vlan_vid/vlan_pcp (after a
 * push_vlan where the rule does not guarantee a tag: OpenFlow 1.4 has no
 * "push if needed"), a masked set_field prints as loads, and a load of
 * more than 64 bits as several (OpenFlow's load carries 64), and a load
 * to tun_metadata or "+oam" to tun_flags as the other form. The text
 * still round-trips; the structs are compared for everything else.
 */
static bool reads_back_differently(const struct wft_ofpacts *acts)
{
	const struct wft_ofpact *a;
	size_t i;

	for (i = 0; i < acts->n; i++) {
		a = &acts->acts[i];
		if (a->type == WFT_OFPACT_MOD_VLAN_VID ||
		    a->type == WFT_OFPACT_MOD_VLAN_PCP ||
		    (a->type == WFT_OFPACT_SET_FIELD && is_masked_set(a)) ||
		    (a->type == WFT_OFPACT_LOAD && a->set.dst.n_bits > 64) ||
		    ((a->type == WFT_OFPACT_LOAD ||
		      a->type == WFT_OFPACT_SET_FIELD) &&
		     (wft_field_id_is_tun_md(a->set.dst.field->id) ||
		      a->set.dst.field->id == WFT_F_TUN_FLAGS)) ||
		    (a->type == WFT_OFPACT_CLONE &&
		     reads_back_differently(a->clone.actions)) ||
		    (a->type == WFT_OFPACT_CT &&
		     reads_back_differently(a->ct.actions)))
			return true;
	}
	return false;
}

static unsigned int eff_table(const struct wft_ofp_flow *f)
{
	return f->table == WFT_TABLE_ALL ? 0 : f->table;
}

static void assert_same_flow(struct wft_ofp_flow *a, struct wft_ofp_flow *b,
			     const char *text)
{
	ck_assert_msg(!memcmp(&a->match, &b->match, sizeof(a->match)) &&
		      !memcmp(&a->mask, &b->mask, sizeof(a->mask)),
		      "match differs after %s", text);
	ck_assert_msg(eff_table(a) == eff_table(b) &&
		      a->priority == b->priority && a->cookie == b->cookie &&
		      a->idle_timeout == b->idle_timeout &&
		      a->hard_timeout == b->hard_timeout &&
		      a->importance == b->importance && a->flags == b->flags,
		      "flow keywords differ after %s", text);
	clear_spellings(&a->actions);
	clear_spellings(&b->actions);
	if (!reads_back_differently(&a->actions))
		ck_assert_msg(wft_ofpacts_equal(&a->actions, &b->actions),
			      "actions differ after %s", text);
}

static void round_trip(const char *line, const struct wft_ofp_flow_stats *st)
{
	struct wft_strbuf t1 = WFT_STRBUF_INIT, t2 = WFT_STRBUF_INIT;
	struct wft_ofp_flow a, b;
	char err[256];

	ck_assert_msg(!wft_ofp_flow_parse(line, WFT_OFPFC_ADD, &a, err,
					  sizeof(err)), "%s: %s", line, err);
	wft_ofp_flow_format_dump(&a, st, &t1);
	ck_assert_msg(!wft_ofp_flow_parse(wft_strbuf_cstr(&t1), WFT_OFPFC_ADD,
					  &b, err, sizeof(err)),
		      "%s: its dump \"%s\" does not parse: %s", line,
		      wft_strbuf_cstr(&t1), err);
	wft_ofp_flow_format_dump(&b, st, &t2);
	ck_assert_str_eq(wft_strbuf_cstr(&t1), wft_strbuf_cstr(&t2));
	assert_same_flow(&a, &b, wft_strbuf_cstr(&t1));
	wft_ofp_flow_uninit(&a);
	wft_ofp_flow_uninit(&b);
	wft_strbuf_free(&t1);
	wft_strbuf_free(&t2);
}

START_TEST(test_round_trip)
{
	struct wft_ofp_flow_stats st = { 12, 345000000, 10, 1500, 3, 7 };
	struct lines in;
	size_t i;

	read_lines("ofctl_flows.txt", NULL, &in);
	for (i = 0; i < in.n; i++) {
		round_trip(in.line[i], NULL);
		round_trip(in.line[i], &st);
	}
	free_lines(&in);
}
END_TEST

/* Bad flows. */

START_TEST(test_bad_flows)
{
	struct wft_strbuf got = WFT_STRBUF_INIT;
	struct lines in;
	char err[256];
	size_t i, bad = 0;

	read_lines("ofctl_bad_flows.txt", NULL, &in);
	ck_assert_uint_ge(in.n, 100);
	for (i = 0; i < in.n; i++) {
		char *sep = strstr(in.line[i], "==> ");
		const char *want;

		ck_assert_msg(sep, "ofctl_bad_flows.txt:%u: no \"==> \"",
			      in.lineno[i]);
		want = sep + 4;
		/* The flow is what precedes " ==> ". */
		sep[sep > in.line[i] && sep[-1] == ' ' ? -1 : 0] = '\0';
		err[0] = '\0';
		if (!parse_format(in.line[i], WFT_OFPFC_ADD, &got, err,
				  sizeof(err))) {
			printf("ofctl_bad_flows.txt:%u: %s\n  accepted as: %s\n",
			       in.lineno[i], in.line[i], wft_strbuf_cstr(&got));
			bad++;
		} else if (!strstr(err, want)) {
			printf("ofctl_bad_flows.txt:%u: %s\n  want: %s\n"
			       "  got:  %s\n", in.lineno[i], in.line[i], want,
			       err);
			bad++;
		}
	}
	wft_strbuf_free(&got);
	free_lines(&in);
	ck_assert_msg(!bad, "%zu bad flows misjudged (see above)", bad);
}
END_TEST

/* Other commands, match-only parsing, beyond OpenFlow 1.4. */

struct text_case {
	enum wft_ofp_command cmd;
	const char *in;
	const char *out;	/* formatted, or a substring of the error */
	bool ok;
};

static const struct text_case commands[] = {
	{ WFT_OFPFC_DELETE, "", "DEL table:255 actions=drop", true },
	{ WFT_OFPFC_DELETE, "table=3,tcp", "DEL table:3 tcp actions=drop",
	  true },
	{ WFT_OFPFC_DELETE, "out_port=2,ip", "DEL table:255 ip out_port:2 "
	  "actions=drop", true },
	{ WFT_OFPFC_DELETE, "cookie=0x5/-1", "DEL table:255 "
	  "cookie:0x5/0xffffffffffffffff actions=drop", true },
	{ WFT_OFPFC_DELETE, "cookie=0x5", "cannot set a cookie", false },
	{ WFT_OFPFC_DELETE, "ip,actions=drop", "actions: not allowed", false },
	{ WFT_OFPFC_DELETE, "priority=5", "unknown keyword \"priority\"",
	  false },
	{ WFT_OFPFC_DELETE, "idle_timeout=5", "unknown keyword", false },
	{ WFT_OFPFC_DELETE, "send_flow_rem", "unknown keyword", false },
	{ WFT_OFPFC_DELETE_STRICT, "priority=5,ip",
	  "DEL_STRICT table:255 priority=5,ip actions=drop", true },
	{ WFT_OFPFC_MODIFY, "ip,actions=output:1",
	  "MOD table:255 ip actions=output:1", true },
	{ WFT_OFPFC_MODIFY, "cookie=1/0xff,actions=drop",
	  "MOD table:255 cookie:0x1/0xff actions=drop", true },
	{ WFT_OFPFC_MODIFY, "out_port=1,actions=drop", "unknown keyword", false },
	{ WFT_OFPFC_MODIFY, "importance=1,actions=drop", "unknown keyword",
	  false },
	{ WFT_OFPFC_MODIFY_STRICT, "table=1,priority=7,actions=drop",
	  "MOD_STRICT table:1 priority=7 actions=drop", true },
	{ WFT_OFPFC_MODIFY, "ip", "must specify an action", false },
	/* What weft accepts that `ovs-ofctl -O OpenFlow14` refuses ("no
	 * usable protocol") though ovs-ofctl takes it for OpenFlow 1.0. */
	{ WFT_OFPFC_ADD, "actions=strip_vlan", "ADD actions=pop_vlan", true },
	{ WFT_OFPFC_ADD, "actions=dec_ttl", "ADD actions=dec_ttl", true },
	{ WFT_OFPFC_ADD, "arp,actions=dec_ttl", "ADD arp actions=dec_ttl",
	  true },
	/* ovs-ofctl folds these silently; weft says so. */
	{ WFT_OFPFC_ADD, "ip,nw_tos=1,actions=drop", "sets ECN bits", false },
	{ WFT_OFPFC_ADD, "dl_vlan=4096,actions=drop", "not a VLAN ID", false },
	/* Accepted names ovs-ofctl does not take in a match. */
	{ WFT_OFPFC_ADD, "NXM_NX_REG0=7,actions=drop", "ADD reg0=0x7 "
	  "actions=drop", true },
	{ WFT_OFPFC_ADD, "icmp,icmpv4_type=0,actions=drop",
	  "ADD icmp,icmp_type=0 actions=drop", true },
};

START_TEST(test_commands)
{
	const struct text_case *c = &commands[_i];
	struct wft_strbuf got = WFT_STRBUF_INIT;
	char err[256] = "";
	int ret;

	ret = parse_format(c->in, c->cmd, &got, err, sizeof(err));
	if (c->ok) {
		ck_assert_msg(!ret, "\"%s\": %s", c->in, err);
		ck_assert_str_eq(wft_strbuf_cstr(&got), c->out);
	} else {
		ck_assert_msg(ret, "\"%s\" accepted as %s", c->in,
			      wft_strbuf_cstr(&got));
		ck_assert_msg(strstr(err, c->out), "\"%s\": want \"%s\", got "
			      "\"%s\"", c->in, c->out, err);
	}
	wft_strbuf_free(&got);
}
END_TEST

static const struct {
	const char *in;
	unsigned int priority;
	const char *out;	/* NULL: an error containing err */
	const char *err;
} matches[] = {
	{ "", WFT_OFP_DEFAULT_PRIORITY, "", NULL },
	{ "tcp,tp_dst=80", WFT_OFP_DEFAULT_PRIORITY, "tcp,tp_dst=80", NULL },
	{ "tp_dst=80,tcp", 5, "priority=5,tcp,tp_dst=80", NULL },
	{ "dl_type=0x0800,nw_proto=17,nw_dst=10.0.0.0/255.0.0.0",
	  WFT_OFP_DEFAULT_PRIORITY, "udp,nw_dst=10.0.0.0/8", NULL },
	{ "in_port=LOCAL,reg0=1,metadata=2", 0,
	  "priority=0,reg0=0x1,metadata=0x2,in_port=LOCAL", NULL },
	{ "arp,nw_src=10.0.0.1", WFT_OFP_DEFAULT_PRIORITY,
	  "arp,arp_spa=10.0.0.1", NULL },
	{ "tp_dst=80", 0, NULL, "tp_dst: needs" },
	{ "table=1", 0, NULL, "unknown keyword \"table\"" },
	{ "priority=1", 0, NULL, "unknown keyword \"priority\"" },
	{ "tcp,actions=drop", 0, NULL, "unknown keyword \"actions\"" },
	{ "ct_state=+trk", WFT_OFP_DEFAULT_PRIORITY, "ct_state=+trk", NULL },
	{ "ip,ct_state=-new+trk-inv,ct_nw_src=10.0.0.1", WFT_OFP_DEFAULT_PRIORITY,
	  "ct_state=-new-inv+trk,ct_nw_src=10.0.0.1,ip", NULL },
	{ "ct_state=+trk,ct_nw_proto=6", 0, NULL, "ct_nw_proto: needs" },
	{ "ct_state=+frob", 0, NULL, "not a conntrack state" },
	/* Bits above the eight the datapath has: refused, not dropped. */
	{ "ct_state=0x100/0x100", 0, NULL, "not a conntrack state" },
	{ "ct_state=0x21/0x1ff", 0, NULL, "not a conntrack state" },
	{ "ct_state=0x121", 0, NULL, "not a conntrack state" },
};

START_TEST(test_match_only)
{
	struct wft_strbuf got = WFT_STRBUF_INIT;
	struct wft_flow flow;
	struct wft_flow_wc wc;
	char err[256] = "";
	int ret;

	ret = wft_ofp_match_parse(matches[_i].in, &flow, &wc, err, sizeof(err));
	if (matches[_i].out) {
		ck_assert_msg(!ret, "%s: %s", matches[_i].in, err);
		wft_ofp_match_format(&flow, &wc, matches[_i].priority, &got);
		ck_assert_str_eq(wft_strbuf_cstr(&got), matches[_i].out);
	} else {
		ck_assert_int_ne(ret, 0);
		ck_assert_msg(strstr(err, matches[_i].err), "%s: got \"%s\"",
			      matches[_i].in, err);
	}
	wft_strbuf_free(&got);
}
END_TEST

/* dump-flows. */

static const struct {
	const char *in;
	struct wft_ofp_flow_stats st;
	bool stats;
	const char *out;
} dumps[] = {
	{ "actions=drop", { 0 }, false, "actions=drop" },
	{ "table=3,cookie=5,priority=7,tcp,actions=output:1", { 0 }, false,
	  "cookie=0x5, table=3, priority=7,tcp actions=output:1" },
	{ "actions=drop", { 1, 0, 0, 0, -1, -1 }, true,
	  "cookie=0x0, duration=1s, table=0, n_packets=0, n_bytes=0, "
	  "actions=drop" },
	{ "table=1,priority=10,ip,actions=drop", { 5, 500000000, 3, 180, 2, 5 },
	  true, "cookie=0x0, duration=5.500s, table=1, n_packets=3, "
	  "n_bytes=180, idle_age=2, priority=10,ip actions=drop" },
	{ "idle_timeout=10,hard_timeout=20,importance=3,send_flow_rem,"
	  "reset_counts,actions=drop", { 7, 1, UINT64_MAX, UINT64_MAX, 0, 3 },
	  true, "cookie=0x0, duration=7.000000001s, table=0, n_packets=?, "
	  "n_bytes=?, idle_timeout=10, hard_timeout=20, send_flow_rem "
	  "reset_counts importance=3, idle_age=0, hard_age=3, actions=drop" },
	{ "actions=drop", { 2, 120000, 1, 1, -1, 2 }, true,
	  "cookie=0x0, duration=2.00012s, table=0, n_packets=1, n_bytes=1, "
	  "actions=drop" },
};

START_TEST(test_dump_format)
{
	struct wft_strbuf got = WFT_STRBUF_INIT;
	struct wft_ofp_flow f;
	char err[256];

	ck_assert_msg(!wft_ofp_flow_parse(dumps[_i].in, WFT_OFPFC_ADD, &f, err,
					  sizeof(err)), "%s", err);
	wft_ofp_flow_format_dump(&f, dumps[_i].stats ? &dumps[_i].st : NULL,
				 &got);
	ck_assert_str_eq(wft_strbuf_cstr(&got), dumps[_i].out);
	wft_ofp_flow_uninit(&f);
	wft_strbuf_free(&got);
}
END_TEST

/* Action lists: deep copies compare equal and free cleanly. */

START_TEST(test_ofpacts_clone)
{
	static const char *const lists[] = {
		"clone(clone(output:1,note:01),controller(userdata=01.02)),2",
		"note:aa.bb,controller(userdata=ff,pause),load:1->reg0[3]",
		"set_field:5/0xff->reg0,move:reg0->reg1,resubmit(,3)",
	};
	struct wft_ofpacts a, b;
	struct wft_flow flow;
	struct wft_flow_wc wc;
	char err[256];
	size_t i;

	memset(&flow, 0, sizeof(flow));
	memset(&wc, 0, sizeof(wc));
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		wft_ofpacts_init(&a);
		ck_assert_msg(!wft_ofp_actions_parse(lists[i], &flow, &wc, 0,
						     &a, err, sizeof(err)),
			      "%s", err);
		wft_ofpacts_clone(&b, &a);
		ck_assert(wft_ofpacts_equal(&a, &b));
		b.acts[0].type = WFT_OFPACT_DEC_TTL;
		ck_assert(!wft_ofpacts_equal(&a, &b));
		b.acts[0].type = a.acts[0].type;
		wft_ofpacts_uninit(&a);
		wft_ofpacts_uninit(&b);
	}
}
END_TEST

/* Mutations. */

static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void mutate(char *s, size_t cap, uint32_t *rng)
{
	static const char alphabet[] = ",=:()[]./->+-|0123456789abcfxX \t";
	size_t len = strlen(s), at;

	at = len ? rng_next(rng) % len : 0;
	switch (rng_next(rng) % 4) {
	case 0:		/* change a character */
		if (len)
			s[at] = alphabet[rng_next(rng) % (sizeof(alphabet) - 1)];
		break;
	case 1:		/* delete one */
		if (len)
			memmove(s + at, s + at + 1, len - at);
		break;
	case 2:		/* insert one */
		if (len + 2 < cap) {
			memmove(s + at + 1, s + at, len - at + 1);
			s[at] = alphabet[rng_next(rng) % (sizeof(alphabet) - 1)];
		}
		break;
	default:	/* cut the tail */
		s[at] = '\0';
		break;
	}
}

START_TEST(test_mutations)
{
	const char *seed_env = getenv("WEFT_FUZZ_SEED");
	uint32_t rng = seed_env ? (uint32_t)strtoul(seed_env, NULL, 0) : 0x5eed;
	struct wft_strbuf t1 = WFT_STRBUF_INIT, t2 = WFT_STRBUF_INIT;
	struct lines in;
	char buf[1024], err[256];
	int i, k;

	read_lines("ofctl_flows.txt", NULL, &in);
	for (i = 0; i < 4000; i++) {
		struct wft_ofp_flow f, g;

		snprintf(buf, sizeof(buf), "%s", in.line[rng_next(&rng) % in.n]);
		for (k = rng_next(&rng) % 3; k >= 0; k--)
			mutate(buf, sizeof(buf), &rng);
		if (!wft_ofp_flow_parse(buf, WFT_OFPFC_ADD, &f, err,
					sizeof(err))) {
			wft_strbuf_reset(&t1);
			wft_ofp_flow_format_dump(&f, NULL, &t1);
			ck_assert_msg(!wft_ofp_flow_parse(wft_strbuf_cstr(&t1),
							  WFT_OFPFC_ADD, &g,
							  err, sizeof(err)),
				      "\"%s\" printed as \"%s\", which does "
				      "not parse: %s", buf,
				      wft_strbuf_cstr(&t1), err);
			wft_strbuf_reset(&t2);
			wft_ofp_flow_format_dump(&g, NULL, &t2);
			ck_assert_str_eq(wft_strbuf_cstr(&t1),
					 wft_strbuf_cstr(&t2));
			wft_ofp_flow_uninit(&g);
		} else {
			ck_assert_msg(err[0], "\"%s\": error without message",
				      buf);
		}
		wft_ofp_flow_uninit(&f);
	}
	wft_strbuf_free(&t1);
	wft_strbuf_free(&t2);
	free_lines(&in);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *ofp_suite(void)
{
	Suite *s = suite_create("ofp");
	TCase *tc;

	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_corpus_matches_ovs_ofctl);
	tcase_add_test(tc, test_corpus_dump_matches_ovs);
	suite_add_tcase(s, tc);

	tc = tcase_create("round_trip");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad_flows");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_bad_flows);
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_loop_test(tc, test_commands, 0, N(commands));
	suite_add_tcase(s, tc);

	tc = tcase_create("match_only");
	tcase_add_loop_test(tc, test_match_only, 0, N(matches));
	suite_add_tcase(s, tc);

	tc = tcase_create("dump_format");
	tcase_add_loop_test(tc, test_dump_format, 0, N(dumps));
	suite_add_tcase(s, tc);

	tc = tcase_create("ofpacts");
	tcase_add_test(tc, test_ofpacts_clone);
	suite_add_tcase(s, tc);

	tc = tcase_create("mutations");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ofp_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
