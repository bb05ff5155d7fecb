// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the lookup actions (agent/lib/lflow_ofpacts_lookup.c):
 *  - golden translations, in the text weft's ovs-ofctl formatter prints,
 *    each parsed back by weft's parser into the same actions;
 *  - the oracle: every logical flow using one of them that ovn-northd
 *    wrote for data/gen-ovn-lookup.sh's topology, with the OpenFlow
 *    actions the real ovn-controller 23.03 installed for it
 *    (data/ovn_lookup_actions.txt), translated by weft and compared.
 *    Both texts are normalized the same way: register bits are named by
 *    their 32-bit register (OVN writes reg0[15] as NXM_NX_XXREG0[111]
 *    and reg9[2] as OXM_OF_PKT_REG4[2]; weft as NXM_NX_REG0[15]), and
 *    OVN's save and restore of a register into itself ("get_arp(outport,
 *    reg0)" pushes reg0, pushes xxreg0[96..127], pops reg0: a no-op,
 *    which weft leaves out) is dropped. Actions that need push/pop
 *    compare once weft has them, and fail with -EOPNOTSUPP until then.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow_actions.h"
#include "weft/ofp_flow.h"
#include "weft/strbuf.h"

static int no_port(void *aux, const char *name, uint32_t *key)
{
	return -ENOENT;
}

/* "ERROR: ..." or the actions, for a flow in @table of @egress's
 * pipeline, with 23.03's table layout (egress N is 42 + N). */
static char *xlate(const char *s, bool egress, uint8_t table, bool is_switch,
		   int *error)
{
	struct wft_lflow_xlate_ctx ctx;
	struct wft_ofpacts acts, back;
	struct wft_lacts tree;
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	struct wft_flow match;
	struct wft_flow_wc wc;
	char err[256];

	memset(&match, 0, sizeof(match));
	wft_flow_wc_init_catchall(&wc);
	wft_lflow_xlate_ctx_init(&ctx, egress, table, is_switch);
	ctx.egress_base = 42;
	ctx.port_key = no_port;
	wft_ofpacts_init(&acts);
	ck_assert_msg(!wft_lflow_actions_parse(s, &tree, err, sizeof(err)),
		      "%s: %s", s, err);
	*error = wft_lflow_actions_to_ofpacts(&tree, &ctx, &acts, err,
					      sizeof(err));
	if (*error) {
		wft_strbuf_printf(&sb, "ERROR: %s", err);
	} else {
		wft_ofp_actions_format(&acts, &match, &wc, &sb);
		wft_ofpacts_init(&back);
		if (!wft_ofp_actions_parse(wft_strbuf_cstr(&sb), &match, &wc,
					   WFT_TABLE_ALL, &back, err,
					   sizeof(err)))
			ck_assert_msg(wft_ofpacts_equal(&acts, &back),
				      "%s: %s does not parse back the same", s,
				      wft_strbuf_cstr(&sb));
		wft_ofpacts_uninit(&back);
	}
	wft_ofpacts_uninit(&acts);
	wft_lacts_free(&tree);
	return wft_strbuf_steal(&sb);
}

#define NEEDS_STACK "needs push/pop"

static const struct {
	const char *in;
	bool egress;
	uint8_t table;
	bool is_switch;
	const char *out;	/* NEEDS_STACK: -EOPNOTSUPP without push/pop */
} golden[] = {
	{ "get_arp(outport, reg0); next;", false, 17, false,
	  "set_field:00:00:00:00:00:00->eth_dst,resubmit(,66),resubmit(,26)" },
	{ "get_nd(outport, xxreg0); next;", false, 17, false,
	  "set_field:00:00:00:00:00:00->eth_dst,resubmit(,66),resubmit(,26)" },
	{ "get_arp(inport, reg1);", false, 17, false, NEEDS_STACK },
	{ "reg0[15] = check_in_port_sec(); next;", false, 0, true,
	  "load:0->NXM_NX_REG10[12],resubmit(,73),"
	  "move:NXM_NX_REG10[12]->NXM_NX_REG0[15],resubmit(,9)" },
	{ "reg0[15] = check_out_port_sec(); next;", true, 8, true,
	  "load:0->NXM_NX_REG10[12],resubmit(,75),"
	  "move:NXM_NX_REG10[12]->NXM_NX_REG0[15],resubmit(,51)" },
	{ "reg0[6] = chk_lb_hairpin(); reg0[12] = chk_lb_hairpin_reply(); next;",
	  false, 14, true,
	  "load:0->NXM_NX_REG10[7],resubmit(,68),"
	  "move:NXM_NX_REG10[7]->NXM_NX_REG0[6],"
	  "load:0->NXM_NX_REG10[7],resubmit(,69),"
	  "move:NXM_NX_REG10[7]->NXM_NX_REG0[12],resubmit(,23)" },
	{ "ct_snat_to_vip; next;", false, 15, true,
	  "resubmit(,70),resubmit(,24)" },
	{ "outport = get_fdb(eth.dst); next;", false, 25, true,
	  "set_field:0->reg15,resubmit(,71),resubmit(,34)" },
	{ "reg1 = get_fdb(eth.dst);", false, 25, true,
	  "set_field:0->reg15,resubmit(,71),move:NXM_NX_REG15[]->NXM_NX_REG1[]" },
	{ "reg0[11] = lookup_fdb(inport, eth.src); next;", false, 2, true,
	  "load:0->NXM_NX_REG10[8],resubmit(,72),"
	  "move:NXM_NX_REG10[8]->NXM_NX_REG0[11],resubmit(,11)" },
	{ "reg9[2] = lookup_arp(inport, arp.spa, arp.sha); next;", false, 1,
	  false, NEEDS_STACK },
	{ "reg9[3] = lookup_arp_ip(inport, arp.spa);", false, 1, false,
	  NEEDS_STACK },
	{ "reg9[2] = lookup_nd(inport, nd.target, nd.tll);", false, 1, false,
	  NEEDS_STACK },
	{ "reg9[3] = lookup_nd_ip(inport, ip6.src);", false, 1, false,
	  NEEDS_STACK },
};

START_TEST(test_golden)
{
	int error;
	char *out = xlate(golden[_i].in, golden[_i].egress, golden[_i].table,
			  golden[_i].is_switch, &error);

	if (!strcmp(golden[_i].out, NEEDS_STACK)) {
		/* Until weft has push/pop; then the oracle test compares. */
		if (error) {
			ck_assert_int_eq(error, -EOPNOTSUPP);
			ck_assert_msg(strstr(out, NEEDS_STACK), "%s", out);
		} else {
			ck_assert_msg(strstr(out, "push:") && strstr(out, "pop:"),
				      "%s: %s", golden[_i].in, out);
		}
	} else {
		ck_assert_int_eq(error, 0);
		ck_assert_msg(!strcmp(out, golden[_i].out),
			      "%s:\n got  %s\n want %s", golden[_i].in, out,
			      golden[_i].out);
	}
	free(out);
}
END_TEST

/* ---- normalizing OpenFlow action text ------------------------------ */

/* Splits at the commas outside parentheses. */
static size_t split(char *s, char **tok, size_t max)
{
	size_t n = 0;
	int depth = 0;

	if (!*s)
		return 0;
	tok[n++] = s;
	for (; *s; s++) {
		if (*s == '(')
			depth++;
		else if (*s == ')')
			depth--;
		else if (*s == ',' && !depth && n < max) {
			*s = '\0';
			tok[n++] = s + 1;
		}
	}
	return n;
}

/* Every "NAME[..]" of @in that lies within one 32-bit register, written
 * as NXM_NX_REGn[..]. */
static void canon_subfields(const char *in, struct wft_strbuf *out)
{
	const struct wft_field *r0 = wft_field_from_id(WFT_F_REG0);

	while (*in) {
		const char *p = strpbrk(in, "NO");
		struct wft_subfield sf;
		unsigned int hi, lo, r;
		size_t used;
		char err[128];

		if (!p) {
			wft_strbuf_puts(out, in);
			return;
		}
		wft_strbuf_add(out, in, (size_t)(p - in));
		if ((strncmp(p, "NXM_", 4) && strncmp(p, "OXM_", 4)) ||
		    wft_subfield_parse(p, &sf, &used, err, sizeof(err)) ||
		    !strchr(p, '[') || strchr(p, '[') > p + used) {
			wft_strbuf_putc(out, *p);
			in = p + 1;
			continue;
		}
		/* Bits counted from the start of the regs, MSB first. */
		hi = (sf.field->offset + sf.field->n_bytes) * 8u - 1 -
		     (sf.field->shift + sf.ofs) - r0->offset * 8u;
		lo = hi - (sf.n_bits - 1);
		r = lo / 32;
		if (sf.field->offset >= r0->offset && hi / 32 == r && r < 16) {
			unsigned int b1 = 31 - hi % 32, b2 = 31 - lo % 32;

			if (b1 == 0 && b2 == 31)
				wft_strbuf_printf(out, "NXM_NX_REG%u[]", r);
			else if (b1 == b2)
				wft_strbuf_printf(out, "NXM_NX_REG%u[%u]", r, b1);
			else
				wft_strbuf_printf(out, "NXM_NX_REG%u[%u..%u]", r,
						  b1, b2);
		} else {
			wft_strbuf_add(out, p, used);
		}
		in = p + used;
	}
}

/* The normalized action list: canonical names, then OVN's "push:A,
 * push:A,pop:A ... pop:A" save of a register into itself removed. */
static char *normalize(const char *acts)
{
	struct wft_strbuf c = WFT_STRBUF_INIT, out = WFT_STRBUF_INIT;
	char *buf, *tok[256];
	bool drop[256] = { false };
	size_t n, i, j;

	canon_subfields(acts, &c);
	buf = wft_strbuf_steal(&c);
	n = split(buf, tok, 256);
	for (i = 0; i + 2 < n; i++) {
		int depth = 0;

		if (drop[i] || strncmp(tok[i], "push:", 5) ||
		    strcmp(tok[i] + 5, tok[i + 1] + 5) ||
		    strncmp(tok[i + 1], "push:", 5) ||
		    strncmp(tok[i + 2], "pop:", 4) ||
		    strcmp(tok[i + 2] + 4, tok[i] + 5))
			continue;
		drop[i] = drop[i + 1] = drop[i + 2] = true;
		for (j = i + 3; j < n; j++) {
			if (!strncmp(tok[j], "push:", 5)) {
				depth++;
			} else if (!strncmp(tok[j], "pop:", 4)) {
				if (!depth && !strcmp(tok[j] + 4, tok[i] + 5)) {
					drop[j] = true;
					break;
				}
				depth--;
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (drop[i])
			continue;
		if (out.len)
			wft_strbuf_putc(&out, ',');
		wft_strbuf_puts(&out, tok[i]);
	}
	free(buf);
	return wft_strbuf_steal(&out);
}

START_TEST(test_normalize)
{
	char *s = normalize("push:NXM_NX_REG0[],push:NXM_NX_XXREG0[96..127],"
			    "pop:NXM_NX_REG0[],set_field:00:00:00:00:00:00->"
			    "eth_dst,resubmit(,66),pop:NXM_NX_REG0[],"
			    "move:NXM_NX_REG10[6]->OXM_OF_PKT_REG4[2],"
			    "move:NXM_NX_REG10[12]->NXM_NX_XXREG0[111]");

	ck_assert_str_eq(s, "set_field:00:00:00:00:00:00->eth_dst,"
			 "resubmit(,66),move:NXM_NX_REG10[6]->NXM_NX_REG9[2],"
			 "move:NXM_NX_REG10[12]->NXM_NX_REG0[15]");
	free(s);
}
END_TEST

static void data_path(const char *name, char *path, size_t len)
{
	const char *dir = getenv("WEFT_TEST_DATA");
	const char *slash = strrchr(__FILE__, '/');

	if (dir)
		snprintf(path, len, "%s/%s", dir, name);
	else
		snprintf(path, len, "%.*s/data/%s",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".", name);
}

START_TEST(test_oracle)
{
	size_t n = 0, same = 0, stack = 0;
	char path[4096], *line = NULL;
	size_t cap = 0;
	FILE *f;

	data_path("ovn_lookup_actions.txt", path, sizeof(path));
	f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s", path);
	while (getline(&line, &cap, f) > 0) {
		char *field[5], *s = line, *got, *want_n, *got_n;
		int i, error;

		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < 5; i++) {
			field[i] = strsep(&s, "\t");
			ck_assert_msg(field[i], "bad line in %s", path);
		}
		n++;
		got = xlate(field[3], !strcmp(field[1], "egress"),
			    (uint8_t)atoi(field[2]),
			    !strncmp(field[0], "ls_", 3), &error);
		if (error) {
			ck_assert_msg(error == -EOPNOTSUPP &&
				      strstr(got, NEEDS_STACK), "%s: %s",
				      field[3], got);
			stack++;
			free(got);
			continue;
		}
		want_n = normalize(field[4]);
		got_n = normalize(got);
		ck_assert_msg(!strcmp(want_n, got_n),
			      "%s:\n ovn-controller %s\n weft           %s",
			      field[3], want_n, got_n);
		same++;
		free(want_n);
		free(got_n);
		free(got);
	}
	free(line);
	fclose(f);
	fprintf(stderr, "lookup actions: %zu logical flows, %zu as "
		"ovn-controller encodes them, %zu wait for push/pop\n", n, same,
		stack);
	ck_assert_uint_eq(same + stack, n);
	ck_assert_uint_ge(same, 6);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *lookup_actions_suite(void)
{
	Suite *s = suite_create("ovn_lookup_actions");
	TCase *tc = tcase_create("ovn_lookup_actions");

	tcase_add_loop_test(tc, test_golden, 0, N(golden));
	tcase_add_test(tc, test_normalize);
	tcase_add_test(tc, test_oracle);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lookup_actions_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
