// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of weft-dpctl's kernel-free parts: option and argument
 * parsing, command lookup, add-if specs, the text/JSON printer and the
 * dump-flows filter.
 *
 * The unit test rule links each check_*.c with libweft.a only, so the CLI
 * sources under test are compiled in here.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <inttypes.h>

#include <jansson.h>

#include "agent/dpctl/args.c"
#include "agent/dpctl/flow_filter.c"
#include "agent/dpctl/print.c"

/* The table main.c has, reduced to what the tests need. */
static int no_handler(struct dpctl *ctx, int argc, char **argv)
{
	return 0;
}

const struct dpctl_cmd dpctl_commands[] = {
	{ "show", "[-s] [DP...]", 0, -1, OPT_STATISTICS | OPT_FORMAT,
	  no_handler, "" },
	{ "add-flow", "[DP] FLOW ACTIONS", 2, 3, OPT_STATISTICS | OPT_FORMAT,
	  no_handler, "" },
	{ "dump-flows", "[DP] [filter=FLOW]", 0, 2,
	  OPT_MORE | OPT_NAMES | OPT_FORMAT, no_handler, "" },
	{ "del-dp", "DP", 1, 1, 0, no_handler, "" },
	{ NULL, NULL, 0, 0, 0, NULL, NULL },
};

/* Options. */

struct opt_case {
	const char *argv[8];
	int ret;		/* 0 or -EINVAL */
	const char *cmd;	/* argv[first] */
	int nargs;		/* words after the command */
	unsigned int seen;
	bool json;
	int verbosity;
	int names;
};

static const struct opt_case opt_cases[] = {
	{ { "weft-dpctl", "show" }, 0, "show", 0, 0, false, 0, -1 },
	{ { "weft-dpctl", "show", "-s" }, 0, "show", 0, OPT_STATISTICS,
	  false, 0, -1 },
	{ { "weft-dpctl", "-s", "show", "dp0" }, 0, "show", 1,
	  OPT_STATISTICS, false, 0, -1 },
	{ { "weft-dpctl", "dump-flows", "-m", "-m", "dp0" }, 0, "dump-flows",
	  1, OPT_MORE, false, 2, -1 },
	{ { "weft-dpctl", "dump-flows", "--no-names", "-m" }, 0,
	  "dump-flows", 0, OPT_MORE | OPT_NAMES, false, 1, 0 },
	{ { "weft-dpctl", "--names", "dump-flows" }, 0, "dump-flows", 0,
	  OPT_NAMES, false, 0, 1 },
	{ { "weft-dpctl", "--format", "json", "show" }, 0, "show", 0,
	  OPT_FORMAT, true, 0, -1 },
	{ { "weft-dpctl", "show", "--format=json" }, 0, "show", 0,
	  OPT_FORMAT, true, 0, -1 },
	{ { "weft-dpctl", "show", "-j" }, 0, "show", 0, OPT_FORMAT, true, 0,
	  -1 },
	{ { "weft-dpctl", "-f", "text", "show" }, 0, "show", 0, OPT_FORMAT,
	  false, 0, -1 },
	{ { "weft-dpctl", "add-flow", "in_port(1)", "2", "-s" }, 0,
	  "add-flow", 2, OPT_STATISTICS, false, 0, -1 },
	{ .argv = { "weft-dpctl", "--format", "xml", "show" }, .ret = -EINVAL },
	{ .argv = { "weft-dpctl", "--format" }, .ret = -EINVAL },
	{ .argv = { "weft-dpctl", "-x", "show" }, .ret = -EINVAL },
	{ .argv = { "weft-dpctl", "--bogus", "show" }, .ret = -EINVAL },
	{ .argv = { "weft-dpctl", "--name", "dump-flows" }, .ret = -EINVAL },
	{ .argv = { "weft-dpctl", "--stat", "show" }, .ret = -EINVAL },
	{ .argv = { "weft-dpctl", "--form=json", "show" }, .ret = -EINVAL },
	{ { "weft-dpctl", "--statistics", "show" }, 0, "show", 0,
	  OPT_STATISTICS, false, 0, -1 },
	{ { "weft-dpctl", "dump-flows", "--provenance", "-j" }, 0,
	  "dump-flows", 0, OPT_PROVENANCE | OPT_FORMAT, true, 0, -1 },
	{ .argv = { "weft-dpctl", "--proven", "dump-flows" }, .ret = -EINVAL },
};

START_TEST(test_opts)
{
	const struct opt_case *c = &opt_cases[_i];
	char *argv[8];
	char err[256] = "";
	struct dpctl_opts o;
	int argc, first = -1, r;

	for (argc = 0; c->argv[argc]; argc++)
		argv[argc] = strdup(c->argv[argc]);
	argv[argc] = NULL;
	r = dpctl_parse_opts(argc, argv, &o, &first, err, sizeof(err));
	ck_assert_msg(r == c->ret, "case %d: got %d (%s)", _i, r, err);
	if (!r) {
		ck_assert_str_eq(argv[first], c->cmd);
		ck_assert_int_eq(argc - first - 1, c->nargs);
		ck_assert_uint_eq(o.seen, c->seen);
		ck_assert_int_eq(o.json, c->json);
		ck_assert_int_eq(o.verbosity, c->verbosity);
		ck_assert_int_eq(o.names, c->names);
	} else {
		ck_assert_msg(err[0], "case %d: no message", _i);
	}
	while (argc--)
		free(argv[argc]);
}
END_TEST

START_TEST(test_find_cmd_exact)
{
	ck_assert_ptr_nonnull(dpctl_find_cmd(dpctl_commands, "show"));
	ck_assert_ptr_nonnull(dpctl_find_cmd(dpctl_commands, "dump-flows"));
	ck_assert_ptr_null(dpctl_find_cmd(dpctl_commands, "sho"));
	ck_assert_ptr_null(dpctl_find_cmd(dpctl_commands, "dump-flow"));
	ck_assert_ptr_null(dpctl_find_cmd(dpctl_commands, "dump-flowsx"));
	ck_assert_ptr_null(dpctl_find_cmd(dpctl_commands, "SHOW"));
	ck_assert_ptr_null(dpctl_find_cmd(dpctl_commands, ""));
}
END_TEST

START_TEST(test_check_cmd)
{
	const struct dpctl_cmd *show, *add, *deldp;
	struct dpctl_opts o;
	char err[256];

	show = dpctl_find_cmd(dpctl_commands, "show");
	add = dpctl_find_cmd(dpctl_commands, "add-flow");
	deldp = dpctl_find_cmd(dpctl_commands, "del-dp");
	memset(&o, 0, sizeof(o));

	ck_assert_int_eq(dpctl_check_cmd(show, &o, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(dpctl_check_cmd(show, &o, 5, err, sizeof(err)), 0);
	o.seen = OPT_MORE;
	ck_assert_int_eq(dpctl_check_cmd(show, &o, 0, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "-m"));
	o.seen = OPT_FORMAT | OPT_STATISTICS;
	ck_assert_int_eq(dpctl_check_cmd(show, &o, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(dpctl_check_cmd(deldp, &o, 1, err, sizeof(err)),
			 -EINVAL);
	o.seen = 0;
	ck_assert_int_eq(dpctl_check_cmd(add, &o, 1, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "FLOW ACTIONS"));
	ck_assert_int_eq(dpctl_check_cmd(add, &o, 2, err, sizeof(err)), 0);
	ck_assert_int_eq(dpctl_check_cmd(add, &o, 3, err, sizeof(err)), 0);
	ck_assert_int_eq(dpctl_check_cmd(add, &o, 4, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(dpctl_check_cmd(deldp, &o, 0, err, sizeof(err)),
			 -EINVAL);
	ck_assert_int_eq(dpctl_check_cmd(deldp, &o, 2, err, sizeof(err)),
			 -EINVAL);
}
END_TEST

START_TEST(test_take_dp)
{
	char *three[] = { "dp0", "in_port(1)", "2" };
	char **argv = three;
	int argc = 3;

	ck_assert_str_eq(dpctl_take_dp(&argc, &argv, 2), "dp0");
	ck_assert_int_eq(argc, 2);
	ck_assert_str_eq(argv[0], "in_port(1)");
	ck_assert_ptr_null(dpctl_take_dp(&argc, &argv, 2));
	ck_assert_int_eq(argc, 2);
	ck_assert_str_eq(argv[0], "in_port(1)");
}
END_TEST

/* add-if IFACE[,OPTION]... */

static const struct {
	const char *in;
	int ret;
	const char *name;
	int type;		/* -1: none given */
	long port_no;		/* -1: none given */
} if_cases[] = {
	{ "veth0", 0, "veth0", -1, -1 },
	{ "br0,type=internal", 0, "br0", WEFT_VPORT_TYPE_INTERNAL, -1 },
	{ "veth0,type=system", 0, "veth0", WEFT_VPORT_TYPE_NETDEV, -1 },
	{ "veth0,type=netdev,port_no=7", 0, "veth0", WEFT_VPORT_TYPE_NETDEV,
	  7 },
	{ "veth0,port_no=0", 0, "veth0", -1, 0 },
	{ "veth0,port_no=65535", 0, "veth0", -1, 65535 },
	{ "123456789012345", 0, "123456789012345", -1, -1 },
	{ .in = "1234567890123456", .ret = -EINVAL },
	{ .in = "", .ret = -EINVAL },
	{ .in = ",type=internal", .ret = -EINVAL },
	{ .in = "veth0,type=geneva", .ret = -EINVAL },
	{ .in = "veth0,type=", .ret = -EINVAL },
	{ .in = "veth0,type", .ret = -EINVAL },
	{ .in = "veth0,port_no=65536", .ret = -EINVAL },
	{ .in = "veth0,port_no=-1", .ret = -EINVAL },
	{ .in = "veth0,port_no=1x", .ret = -EINVAL },
	{ .in = "veth0,port_no=", .ret = -EINVAL },
	{ .in = "veth0,remote_ip=1.2.3.4", .ret = -EINVAL },
	{ .in = "veth0,type=internal,type=internal", .ret = -EINVAL },
	{ .in = "veth0,port_no=1,port_no=2", .ret = -EINVAL },
};

START_TEST(test_if_spec)
{
	struct dpctl_if_spec spec;
	char err[256] = "";
	int r;

	r = dpctl_parse_if_spec(if_cases[_i].in, &spec, err, sizeof(err));
	ck_assert_msg(r == if_cases[_i].ret, "\"%s\": got %d (%s)",
		      if_cases[_i].in, r, err);
	if (r) {
		ck_assert(err[0]);
		return;
	}
	ck_assert_str_eq(spec.name, if_cases[_i].name);
	ck_assert_int_eq(spec.has_type, if_cases[_i].type >= 0);
	if (spec.has_type)
		ck_assert_int_eq((int)spec.type, if_cases[_i].type);
	ck_assert_int_eq(spec.has_port_no, if_cases[_i].port_no >= 0);
	if (spec.has_port_no)
		ck_assert_int_eq((long)spec.port_no, if_cases[_i].port_no);
}
END_TEST

/* The printer: the same calls give ovs-dpctl text or JSON. */

static void emit_show(struct pr *p)
{
	pr_arr_open(p, NULL);
	pr_obj_open(p, NULL);
	pr_str(p, "name", "system@%s:\n", "dp0");
	pr_json_u64(p, "ifindex", 7);
	pr_obj_open(p, "lookups");
	pr_u64(p, "hit", "  lookups: hit:%" PRIu64, 3);
	pr_u64(p, "missed", " missed:%" PRIu64, 1);
	pr_u64(p, "lost", " lost:%" PRIu64 "\n", 0);
	pr_obj_close(p);
	pr_u64(p, "flows", "  flows: %" PRIu64 "\n", 2);
	pr_obj_open(p, "masks");
	pr_u64(p, "hit", "  masks: hit:%" PRIu64, 5);
	pr_u64(p, "total", " total:%" PRIu64, 1);
	pr_double(p, "hit_per_pkt", " hit/pkt:%.2f\n", 1.25);
	pr_obj_close(p);
	pr_arr_open(p, "ports");
	pr_obj_open(p, NULL);
	pr_u64(p, "port_no", "  port %" PRIu64 ": ", 0);
	pr_str(p, "name", "%s", "dp0");
	pr_str(p, "type", " (%s)", "internal");
	pr_text(p, "\n");
	pr_obj_close(p);
	pr_obj_open(p, NULL);
	pr_u64(p, "port_no", "  port %" PRIu64 ": ", 1);
	pr_str(p, "name", "%s", "veth0");
	pr_json_str(p, "type", "netdev");
	pr_text(p, "\n");
	pr_obj_close(p);
	pr_arr_close(p);
	pr_null(p, "used", "  used:never\n");
	pr_obj_close(p);
	pr_arr_close(p);
}

static char *capture(bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct pr *p;

	ck_assert_ptr_nonnull(f);
	p = pr_new(f, json);
	emit_show(p);
	ck_assert_int_eq(pr_finish(p), 0);
	pr_free(p);
	fclose(f);
	return buf;
}

START_TEST(test_print_text)
{
	char *out = capture(false);

	ck_assert_str_eq(out,
			 "system@dp0:\n"
			 "  lookups: hit:3 missed:1 lost:0\n"
			 "  flows: 2\n"
			 "  masks: hit:5 total:1 hit/pkt:1.25\n"
			 "  port 0: dp0 (internal)\n"
			 "  port 1: veth0\n"
			 "  used:never\n");
	free(out);
}
END_TEST

START_TEST(test_print_json)
{
	char *out = capture(true);
	json_error_t jerr;
	json_t *root, *dp, *ports;

	root = json_loads(out, 0, &jerr);
	ck_assert_msg(root != NULL, "bad JSON: %s: %s", jerr.text, out);
	ck_assert(json_is_array(root));
	ck_assert_int_eq(json_array_size(root), 1);
	dp = json_array_get(root, 0);
	ck_assert_str_eq(json_string_value(json_object_get(dp, "name")),
			 "dp0");
	ck_assert_int_eq(json_integer_value(json_object_get(dp, "ifindex")),
			 7);
	ck_assert_int_eq(json_integer_value(json_object_get(
		json_object_get(dp, "lookups"), "hit")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(dp, "flows")), 2);
	ck_assert(json_real_value(json_object_get(
		json_object_get(dp, "masks"), "hit_per_pkt")) == 1.25);
	ck_assert(json_is_null(json_object_get(dp, "used")));
	ports = json_object_get(dp, "ports");
	ck_assert_int_eq(json_array_size(ports), 2);
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(ports, 1), "type")), "netdev");
	ck_assert_str_eq(json_string_value(json_object_get(
		json_array_get(ports, 0), "type")), "internal");
	/* Text-only pieces never reach JSON. */
	ck_assert_ptr_null(strstr(out, "lookups:"));
	json_decref(root);
	free(out);
}
END_TEST

START_TEST(test_print_json_empty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct pr *p = pr_new(f, true);

	pr_arr_open(p, NULL);
	pr_arr_close(p);
	ck_assert_int_eq(pr_finish(p), 0);
	pr_free(p);
	fclose(f);
	ck_assert_str_eq(buf, "[]\n");
	free(buf);
}
END_TEST

/* dump-flows filter=: attributes built by hand, as the module sends them. */

static void put_flow_key(struct wft_attrbuf *b, uint32_t in_port,
			 uint8_t proto, uint32_t src)
{
	size_t n;

	wft_attr_put_u32(b, WEFT_KEY_A_IN_PORT, in_port);
	wft_attr_put_u16(b, WEFT_KEY_A_ETHERTYPE, htons(0x0800));
	n = wft_attr_nest_start(b, WEFT_KEY_A_IPV4);
	wft_attr_put_u32(b, WEFT_IPV4_A_SRC, src);
	wft_attr_put_u8(b, WEFT_IPV4_A_PROTO, proto);
	wft_attr_nest_end(b, n);
}

static void put_flow_mask(struct wft_attrbuf *b, uint32_t src_mask)
{
	size_t n;

	wft_attr_put_u32(b, WEFT_KEY_A_IN_PORT, 0xffffffff);
	wft_attr_put_u16(b, WEFT_KEY_A_ETHERTYPE, 0xffff);
	n = wft_attr_nest_start(b, WEFT_KEY_A_IPV4);
	wft_attr_put_u32(b, WEFT_IPV4_A_SRC, src_mask);
	wft_attr_put_u8(b, WEFT_IPV4_A_PROTO, 0xff);
	wft_attr_nest_end(b, n);
}

static bool filter_matches(void (*mkfilter)(struct wft_attrbuf *,
					    struct wft_attrbuf *),
			   const struct wft_dpif_flow *flow)
{
	struct wft_attrbuf k, m;
	struct flow_filter filt;
	bool r;

	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	mkfilter(&k, &m);
	ck_assert_int_eq(flow_filter_init(&filt, &k, &m), 0);
	r = flow_filter_match(&filt, flow);
	flow_filter_uninit(&filt);
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
	return r;
}

static void f_proto_udp(struct wft_attrbuf *k, struct wft_attrbuf *m)
{
	size_t n = wft_attr_nest_start(k, WEFT_KEY_A_IPV4);

	wft_attr_put_u8(k, WEFT_IPV4_A_PROTO, 17);
	wft_attr_nest_end(k, n);	/* empty mask: exact */
}

static void f_proto_tcp(struct wft_attrbuf *k, struct wft_attrbuf *m)
{
	size_t n = wft_attr_nest_start(k, WEFT_KEY_A_IPV4);

	wft_attr_put_u8(k, WEFT_IPV4_A_PROTO, 6);
	wft_attr_nest_end(k, n);
}

static void f_in_port_2(struct wft_attrbuf *k, struct wft_attrbuf *m)
{
	wft_attr_put_u32(k, WEFT_KEY_A_IN_PORT, 2);
}

/* ipv4(src=10.0.0.0/255.0.0.0) */
static void f_src_net10(struct wft_attrbuf *k, struct wft_attrbuf *m)
{
	size_t n = wft_attr_nest_start(k, WEFT_KEY_A_IPV4);

	wft_attr_put_u32(k, WEFT_IPV4_A_SRC, htonl(0x0a000000));
	wft_attr_nest_end(k, n);
	n = wft_attr_nest_start(m, WEFT_KEY_A_IPV4);
	wft_attr_put_u32(m, WEFT_IPV4_A_SRC, htonl(0xff000000));
	wft_attr_nest_end(m, n);
}

/* ipv4(src=10.1.2.3): exact on a field the flow wildcards in part. */
static void f_src_host(struct wft_attrbuf *k, struct wft_attrbuf *m)
{
	size_t n = wft_attr_nest_start(k, WEFT_KEY_A_IPV4);

	wft_attr_put_u32(k, WEFT_IPV4_A_SRC, htonl(0x0a010203));
	wft_attr_nest_end(k, n);
}

START_TEST(test_filter)
{
	struct wft_dpif_flow f;

	wft_dpif_flow_init(&f);
	f.has_key = f.has_mask = true;
	put_flow_key(&f.key, 2, 17, htonl(0x0a010203));
	put_flow_mask(&f.mask, htonl(0xffffff00));	/* src /24 */

	ck_assert(filter_matches(f_proto_udp, &f));
	ck_assert(!filter_matches(f_proto_tcp, &f));
	ck_assert(filter_matches(f_in_port_2, &f));
	ck_assert(filter_matches(f_src_net10, &f));
	/* The flow's key under its mask is 10.1.2.0: not the host. */
	ck_assert(!filter_matches(f_src_host, &f));

	/* No mask from the module: exact on what the key holds. */
	f.has_mask = false;
	ck_assert(filter_matches(f_src_host, &f));
	ck_assert(!filter_matches(f_proto_tcp, &f));

	/* A terse flow (no key) matches no filter. */
	f.has_key = false;
	ck_assert(!filter_matches(f_proto_udp, &f));
	wft_dpif_flow_uninit(&f);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *dpctl_suite(void)
{
	Suite *s = suite_create("dpctl");
	TCase *tc;

	tc = tcase_create("options");
	tcase_add_loop_test(tc, test_opts, 0, N(opt_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_test(tc, test_find_cmd_exact);
	tcase_add_test(tc, test_check_cmd);
	tcase_add_test(tc, test_take_dp);
	suite_add_tcase(s, tc);

	tc = tcase_create("if_spec");
	tcase_add_loop_test(tc, test_if_spec, 0, N(if_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("print");
	tcase_add_test(tc, test_print_text);
	tcase_add_test(tc, test_print_json);
	tcase_add_test(tc, test_print_json_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("filter");
	tcase_add_test(tc, test_filter);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dpctl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
