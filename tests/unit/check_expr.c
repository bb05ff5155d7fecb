// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for OVN's match language (include/weft/lex.h, expr.h):
 *  - the lexer: every token kind, addresses against identifiers and
 *    ranges ("fe80::1", "10.0.0.1:80", "reg0[0..15]"), masks and
 *    prefixes, and errors naming their column;
 *  - the symbol table: every predicate and prerequisite compiles, every
 *    field compares with 0;
 *  - the corpus of every match ovn-northd 23.03 emitted for a small
 *    topology (data/lflow_corpus.txt): each compiles, none is skipped;
 *  - every prefix of those compiles or fails cleanly;
 *  - golden normalizations: prerequisites added, ranges to masks, DNF,
 *    negation of sets, masked fields, conjunctive matches, unsatisfiable
 *    matches (no flows), port groups and address sets;
 *  - errors: unknown fields, type mismatches, bad syntax, widths.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/expr.h"
#include "weft/lex.h"
#include "expr_testenv.h"
#include "lflow_corpus.h"

/* ---- lexer ------------------------------------------------------------ */

/* The tokens of @s, one word each: ID:x, INT:v/m (hex), STR:x, $x, @x, or
 * the operator itself; ERR:message on an error. */
static void lex_all(const char *s, char *out, size_t len)
{
	struct wft_lexer lx;
	size_t n = 0;

	out[0] = '\0';
	for (wft_lexer_init(&lx, s); lx.tok.type != WFT_LEX_END;
	     wft_lexer_next(&lx)) {
		const struct wft_lex_token *t = &lx.tok;
		char w[300];

		switch (t->type) {
		case WFT_LEX_ID:
			snprintf(w, sizeof(w), "ID:%s", t->text);
			break;
		case WFT_LEX_STRING:
			snprintf(w, sizeof(w), "STR:%s", t->text);
			break;
		case WFT_LEX_ADDR_SET:
			snprintf(w, sizeof(w), "$%s", t->text);
			break;
		case WFT_LEX_PORT_GROUP:
			snprintf(w, sizeof(w), "@%s", t->text);
			break;
		case WFT_LEX_INT:
			if (t->value >> 64)
				snprintf(w, sizeof(w), "INT:%llx%016llx",
					 (unsigned long long)(t->value >> 64),
					 (unsigned long long)t->value);
			else if (t->masked)
				snprintf(w, sizeof(w), "INT:%llx/%llx",
					 (unsigned long long)t->value,
					 (unsigned long long)t->mask);
			else
				snprintf(w, sizeof(w), "INT:%llx",
					 (unsigned long long)t->value);
			break;
		case WFT_LEX_ERROR:
			snprintf(w, sizeof(w), "ERR:%s", t->text);
			break;
		default:
			snprintf(w, sizeof(w), "%s", wft_lex_type_name(t->type));
			break;
		}
		n += snprintf(out + n, len - n, "%s%s", n ? " " : "", w);
		if (t->type == WFT_LEX_ERROR)
			break;
	}
}

static const struct {
	const char *in;
	const char *out;
} lex_cases[] = {
	{ "reg0[0..15] == 0", "ID:reg0 '[' INT:0 '..' INT:f ']' '==' INT:0" },
	{ "ip4.src == 10.0.1.0/24", "ID:ip4.src '==' INT:a000100/ffffff00" },
	{ "eth.dst == ff:ff:ff:ff:ff:ff", "ID:eth.dst '==' INT:ffffffffffff" },
	{ "fe80::1 ::1 ::", "INT:fe800000000000000000000000000001 INT:1 INT:0" },
	{ "10.0.1.5:8080", "INT:a000105 ':' INT:1f90" },
	{ "0x800/0xfff", "INT:800/fff" },
	{ "outport == \"ls1-p1\"", "ID:outport '==' STR:ls1-p1" },
	{ "$as_web @pg_web", "$as_web @pg_web" },
	{ "!a && b || c", "'!' ID:a '&&' ID:b '||' ID:c" },
	{ "a <-> b; ip.ttl--; c = 1, d",
	  "ID:a '<->' ID:b ';' ID:ip.ttl '--' ';' ID:c '=' INT:1 ',' ID:d" },
	{ "a /* comment */ != b", "ID:a '!=' ID:b" },
	{ "x < 1 <= 2 > 3 >= 4",
	  "ID:x '<' INT:1 '<=' INT:2 '>' INT:3 '>=' INT:4" },
	{ "{ } ( )", "'{' '}' '(' ')'" },
	{ "deadbeef add", "ID:deadbeef ID:add" },
	{ "\"a\\\"b\"", "STR:a\"b" },
	/* Errors, with their columns. */
	{ "ip4.src == 1.2.3.4/33", "ID:ip4.src '==' ERR:column 12: prefix length 33 exceeds 32" },
	{ "x == \"abc", "ID:x '==' ERR:column 6: unterminated string" },
	{ "x # y", "ID:x ERR:column 3: unexpected character '#'" },
	{ "0x", "ERR:column 1: hex constant has no digits" },
	{ "10.0.0.1/8", "ERR:column 1: value has bits set outside its mask" },
	{ "$ 1", "ERR:column 1: '$' must be followed by a name" },
};

START_TEST(test_lexer)
{
	char out[1024];

	lex_all(lex_cases[_i].in, out, sizeof(out));
	ck_assert_msg(!strcmp(out, lex_cases[_i].out), "%s:\n got  %s\n want %s",
		      lex_cases[_i].in, out, lex_cases[_i].out);
}
END_TEST

START_TEST(test_lexer_u128)
{
	struct wft_lexer lx;

	wft_lexer_init(&lx, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff fd01::/64");
	ck_assert(lx.tok.value == ~(wft_u128)0);
	wft_lexer_next(&lx);
	ck_assert(lx.tok.masked);
	ck_assert(lx.tok.mask == ~wft_u128_low_bits(64));
	ck_assert(lx.tok.value == (wft_u128)0xfd01 << 112);
}
END_TEST

/* ---- compiling -------------------------------------------------------- */

/* The matches @s compiles to, or "ERROR: message". */
static char *compile(const char *s, unsigned int threshold)
{
	struct wft_expr_env env = test_env;
	struct wft_expr_matches ms;
	char err[256], *text;

	env.conj_threshold = threshold;
	if (wft_expr_compile(s, &env, &ms, err, sizeof(err))) {
		wft_expr_matches_uninit(&ms);
		ck_assert_int_eq(ms.n, 0);
		text = malloc(strlen(err) + 8);
		sprintf(text, "ERROR: %s", err);
		return text;
	}
	text = wft_expr_matches_format(&ms);
	wft_expr_matches_uninit(&ms);
	return text ? text : strdup("");
}

START_TEST(test_symbols)
{
	const struct wft_expr_symbol *syms;
	size_t i, n;

	syms = wft_expr_symbols(&n);
	ck_assert_uint_gt(n, 100);
	for (i = 0; i < n; i++) {
		const struct wft_expr_symbol *s = &syms[i];
		char expr[128], *out;

		ck_assert_ptr_eq(wft_expr_symbol_find(s->name), s);
		if (s->kind == WFT_SYM_OVN)
			continue;
		if (s->kind == WFT_SYM_PREDICATE)
			snprintf(expr, sizeof(expr), "%s", s->name);
		else if (s->kind == WFT_SYM_STRING)
			snprintf(expr, sizeof(expr), "%s == \"ls1-p1\"", s->name);
		else
			snprintf(expr, sizeof(expr), "%s == 0", s->name);
		out = compile(expr, 0);
		ck_assert_msg(strncmp(out, "ERROR", 5) && *out,
			      "%s: \"%s\"", expr, out);
		free(out);
		if (s->prereqs) {
			out = compile(s->prereqs, 0);
			ck_assert_msg(strncmp(out, "ERROR", 5), "%s prereqs: %s",
				      s->name, out);
			free(out);
		}
	}
}
END_TEST

START_TEST(test_corpus)
{
	struct corpus c;
	size_t i, failed = 0, empty = 0;

	corpus_read("match: ", &c);
	ck_assert_uint_ge(c.n, 200);
	for (i = 0; i < c.n; i++) {
		char *out = compile(c.line[i], 0);

		if (!strncmp(out, "ERROR", 5)) {
			fprintf(stderr, "%s: %s\n", c.line[i], out);
			failed++;
		} else if (!*out) {
			empty++;
		}
		free(out);
	}
	/* Every match compiles. Those naming a port the test world does not
	 * have (outport == "none") or on datapaths... compile to nothing. */
	ck_assert_uint_eq(failed, 0);
	ck_assert_uint_le(empty, 1);
	corpus_free(&c);
}
END_TEST

/* Every prefix of every corpus match either compiles or fails with a
 * message, never crashes (valgrind checks the memory). */
START_TEST(test_corpus_prefixes)
{
	struct corpus c;
	size_t i, len, n_ok = 0, n_err = 0;

	corpus_read("match: ", &c);
	for (i = 0; i < c.n; i++) {
		for (len = 0; len < strlen(c.line[i]); len += 3) {
			char *s = strndup(c.line[i], len);
			char *out = compile(s, 0);

			if (!strncmp(out, "ERROR: ", 7)) {
				ck_assert_msg(strlen(out) > 7, "%s", s);
				n_err++;
			} else {
				n_ok++;
			}
			free(out);
			free(s);
		}
	}
	ck_assert_uint_gt(n_ok, 0);
	ck_assert_uint_gt(n_err, 0);
	corpus_free(&c);
}
END_TEST

static const struct {
	const char *in;
	unsigned int threshold;
	const char *out;
} golden[] = {
	/* Prerequisites: tcp.dst needs tcp, which needs ip (ip4 or ip6). */
	{ "tcp.dst == 22", 0, "tcp,tp_dst=22\ntcp6,tp_dst=22\n" },
	{ "ip4 && tcp.dst == 22", 0, "tcp,tp_dst=22\n" },
	{ "nd.target == fd01::1", 0,
	  "icmp6,nw_ttl=255,icmp_type=135,icmp_code=0,nd_target=fd01::1\n"
	  "icmp6,nw_ttl=255,icmp_type=136,icmp_code=0,nd_target=fd01::1\n" },
	{ "ct.est", 0, "ct_state=+est+trk\n" },
	/* Negation keeps the prerequisites. */
	{ "!ct.est", 0, "ct_state=-est+trk\n" },
	{ "ip4 && !(tcp.dst == 22)", 0,
	  "tcp,tp_dst=0x1/0x1\ntcp,tp_dst=0x0/0x2\ntcp,tp_dst=0x0/0x4\n"
	  "tcp,tp_dst=0x8/0x8\ntcp,tp_dst=0x0/0x10\n"
	  "tcp,tp_dst=0x20/0x20\ntcp,tp_dst=0x40/0x40\n"
	  "tcp,tp_dst=0x80/0x80\ntcp,tp_dst=0x100/0x100\n"
	  "tcp,tp_dst=0x200/0x200\ntcp,tp_dst=0x400/0x400\n"
	  "tcp,tp_dst=0x800/0x800\ntcp,tp_dst=0x1000/0x1000\n"
	  "tcp,tp_dst=0x2000/0x2000\ntcp,tp_dst=0x4000/0x4000\n"
	  "tcp,tp_dst=0x8000/0x8000\n" },
	/* Ranges to masks. */
	{ "ip4 && tcp.dst >= 8000 && tcp.dst <= 8080", 0,
	  "tcp,tp_dst=0x1f40/0xffc0\ntcp,tp_dst=0x1f80/0xfff0\n"
	  "tcp,tp_dst=8080\n" },
	{ "ip4 && udp.src < 4", 0, "udp,tp_src=0x0/0xfffc\n" },
	{ "ip4 && udp.src > 65533", 0, "udp,tp_src=0xfffe/0xfffe\n" },
	/* A non-maskable field's range is enumerated. */
	{ "ip4 && ip.ttl <= 2", 0, "ip,nw_ttl=0\nip,nw_ttl=1\nip,nw_ttl=2\n" },
	/* Masked values and subfields. */
	{ "reg0[3] && reg0[8..15] == 0x12", 0, "reg0=0x1208/0xff08\n" },
	{ "ip4.src == 10.0.0.0/8", 0, "ip,nw_src=10.0.0.0/8\n" },
	{ "ip4 && ip4.dst == 0.0.0.0/0", 0, "ip\n" },
	{ "eth.mcast", 0, "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00\n" },
	{ "ip4.mcast", 0,
	  "ip,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,nw_dst=224.0.0.0/4\n" },
	{ "mldv2", 0, "icmp6,ipv6_dst=ff02::16,icmp_type=143\n" },
	{ "tcp.src != 0x10/0x30 && ip4", 0,
	  "tcp,tp_src=0x0/0x10\ntcp,tp_src=0x20/0x20\n" },
	{ "xxreg0 == fd01::5", 0, "reg0=0xfd010000,reg1=0,reg2=0,reg3=0x5\n" },
	{ "ct_label.blocked == 1 && ct_mark.natted == 0", 0,
	  "ct_mark=0/0x2,ct_label=0x1/0x1\n" },
	{ "flags.loopback == 1 && flags.use_snat_zone == 1", 0,
	  "reg10=0x801/0x801\n" },
	/* DNF and simplification. */
	{ "(ip4 || ip6) && (tcp || udp)", 0, "tcp\nudp\ntcp6\nudp6\n" },
	{ "ct.inv || (ct.est && ct.rpl && ct_label.blocked == 1)", 0,
	  "ct_state=+inv+trk\nct_state=+est+rpl+trk,ct_label=0x1/0x1\n" },
	{ "ip4 || (ip4 && tcp)", 0, "ip\n" },
	/* Negation of sets: != each element. */
	{ "ip4 && ip.ttl != {0, 1} && ip.ttl < 4", 0,
	  "ip,nw_ttl=3\nip,nw_ttl=2\n" },
	{ "reg0 != {1, 2} && reg0[2..31] == 0", 0,
	  "reg0=0\nreg0=0x3\n" },
	{ "outport == {\"ls1-p1\", \"nope\", \"ls1-p2\"}", 0,
	  "reg15=0x1\nreg15=0x2\n" },
	/* Unsatisfiable: no flows at all. */
	{ "ip4 && ip6", 0, "" },
	{ "tcp.dst == 1 && tcp.dst == 2", 0, "" },
	{ "0", 0, "" },
	{ "1", 0, "\n" },
	{ "inport == \"no-such-port\"", 0, "" },
	{ "is_chassis_resident(\"ls1-p1\")", 0, "" },
	{ "!is_chassis_resident(\"ls1-p1\") && reg0 == 1", 0, "reg0=0x1\n" },
	/* Port groups and address sets. */
	{ "outport == @pg_web && ip4.src == $as_web", 0,
	  "ip,reg15=0x1,nw_src=10.0.1.5\nip,reg15=0x1,nw_src=10.0.1.6\n"
	  "ip,reg15=0x2,nw_src=10.0.1.5\nip,reg15=0x2,nw_src=10.0.1.6\n" },
	/* Conjunctive matches when the cross product exceeds the threshold:
	 * each set a dimension, the rest (and prerequisites) in every
	 * clause, one conj_id match for the actions. */
	{ "reg0[7] == 1 && (inport == @pg_web && ip4.src == $as_big && "
	  "tcp.dst == {80, 443})", 0,
	  "tcp,reg0=0x80/0x80,reg14=0x1,conjunction(1,1/3)\n"
	  "tcp,reg0=0x80/0x80,reg14=0x2,conjunction(1,1/3)\n"
	  "tcp,reg0=0x80/0x80,nw_src=10.0.0.1,conjunction(1,2/3)\n"
	  "tcp,reg0=0x80/0x80,nw_src=10.0.0.2,conjunction(1,2/3)\n"
	  "tcp,reg0=0x80/0x80,nw_src=10.0.0.3,conjunction(1,2/3)\n"
	  "tcp,reg0=0x80/0x80,nw_src=10.0.0.4,conjunction(1,2/3)\n"
	  "tcp,reg0=0x80/0x80,nw_src=10.0.0.5,conjunction(1,2/3)\n"
	  "tcp,reg0=0x80/0x80,nw_src=10.1.0.0/16,conjunction(1,2/3)\n"
	  "tcp,reg0=0x80/0x80,tp_dst=80,conjunction(1,3/3)\n"
	  "tcp,reg0=0x80/0x80,tp_dst=443,conjunction(1,3/3)\n"
	  "conj_id=1\n" },
	/* Under the threshold given (3; 4 flows): conjunctions, the sets'
	 * prerequisites (ip4 and tcp) in the base. */
	{ "ip4.src == {1.1.1.1, 2.2.2.2} && tcp.dst == {80, 443}", 3,
	  "tcp,nw_src=1.1.1.1,conjunction(1,1/2)\n"
	  "tcp,nw_src=2.2.2.2,conjunction(1,1/2)\n"
	  "tcp,tp_dst=80,conjunction(1,2/2)\n"
	  "tcp,tp_dst=443,conjunction(1,2/2)\n"
	  "conj_id=1\n" },
	/* Under the default threshold: the cross product. */
	{ "ip4.src == {1.1.1.1, 2.2.2.2} && tcp.dst == {80, 443}", 0,
	  "tcp,nw_src=1.1.1.1,tp_dst=80\ntcp,nw_src=1.1.1.1,tp_dst=443\n"
	  "tcp,nw_src=2.2.2.2,tp_dst=80\ntcp,nw_src=2.2.2.2,tp_dst=443\n" },
};

START_TEST(test_golden)
{
	char *out = compile(golden[_i].in, golden[_i].threshold);

	ck_assert_msg(!strcmp(out, golden[_i].out),
		      "%s:\n--- got\n%s--- want\n%s", golden[_i].in, out,
		      golden[_i].out);
	free(out);
}
END_TEST

static const struct {
	const char *in;
	const char *err;
} bad[] = {
	{ "nosuch == 1", "column 1: unknown field nosuch" },
	{ "ip4.src == \"foo\"", "column 12: ip4.src is a 32-bit field, not a string" },
	{ "inport == 1", "column 11: inport takes a port name in quotes, not an integer" },
	{ "tcp.dst == 70000", "column 12: constant does not fit tcp.dst (16 bits)" },
	{ "ip4.src", "column 8: ip4.src is 32 bits wide: compare it with a value" },
	{ "ip4.src == 1.2.3.4 &&", "column 22: expected a field, a predicate or '(', found end of input" },
	{ "(ip4", "column 5: expected ')', found end of input" },
	{ "reg0[40] == 1", "column 8: bits 40..40 are outside reg0 (32 bits)" },
	{ "reg0[4294967297] == 1", "column 16: bits 255..255 are outside reg0 (32 bits)" },
	{ "ip4.src == $nope", "column 12: unknown address set $nope" },
	{ "outport == @nope", "column 12: unknown port group @nope" },
	{ "tcp == 1", "column 5: tcp is a predicate, not a field" },
	{ "inport < \"a\"", "column 13: inport takes only == and !=" },
	{ "tcp.dst < {1, 2}", "column 17: tcp.dst: relational operators take one unmasked constant" },
	{ "frob(\"x\")", "column 1: unknown function frob" },
	{ "icmp4.frag_mtu == 1", "column 1: icmp4.frag_mtu can be set by actions, not matched" },
	{ "ip4.src == 1.2.3.4 ip4", "column 20: expected '&&', '||' or the end, found an identifier" },
	{ "ip4.src == 300.1.1.1", "column 15: unexpected character '.'" },
	{ "!ip4", "too complex: it would need more than 65536 matches (a cross product, or a partial mask on a field weft matches only exactly, over 2^8 values)" },
	{ "ip6.src != fd01::1 && ip6.dst != fd01::2 && xxreg0 != 1",
	  "too complex: it would need more than 65536 matches (a cross product, or a partial mask on a field weft matches only exactly, over 2^8 values)" },
};

START_TEST(test_errors)
{
	char *out = compile(bad[_i].in, 0);
	char want[300];

	snprintf(want, sizeof(want), "ERROR: %s", bad[_i].err);
	ck_assert_msg(!strcmp(out, want), "%s:\n got  %s\n want %s",
		      bad[_i].in, out, want);
	free(out);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *expr_suite(void)
{
	Suite *s = suite_create("expr");
	TCase *tc = tcase_create("expr");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_lexer, 0, N(lex_cases));
	tcase_add_test(tc, test_lexer_u128);
	tcase_add_test(tc, test_symbols);
	tcase_add_test(tc, test_corpus);
	tcase_add_test(tc, test_corpus_prefixes);
	tcase_add_loop_test(tc, test_golden, 0, N(golden));
	tcase_add_loop_test(tc, test_errors, 0, N(bad));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(expr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
