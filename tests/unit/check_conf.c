// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the configuration model and conf.json (weft/conf.h):
 *  - save then load gives the same configuration, UUIDs included, and the
 *    runtime columns stay out of the file;
 *  - bad files are refused with the file name and the place: line and
 *    column for broken JSON (truncations at every length), the JSON path
 *    for ill-typed or out-of-range values; nothing is ever reset;
 *  - the atomic write leaves no temporary file behind and keeps the old
 *    file when it cannot write;
 *  - OVSDB notation of atoms and data, UUIDs, validation rules.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "weft/conf.h"
#include "weft/vsctl.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char dir[64];
static char path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_conf.XXXXXX");
	ck_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/conf.json", dir);
}

static void teardown(void)
{
	struct dirent *de;
	char p[512];
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert(f);
	fputs(text, f);
	fclose(f);
}

/* A configuration with a bit of everything, built through vsctl. */
static struct wft_conf *sample(void)
{
	char *argv[] = {
		"add-br", "br-int", "--", "set", "bridge", "br-int",
		"fail_mode=secure", "protocols=OpenFlow13,OpenFlow15", "--",
		"add-port", "br-int", "vm1", "tag=10", "trunks=1-3", "--",
		"set", "interface", "vm1", "external_ids:iface-id=lsp1",
		"ofport_request=7", "mtu_request=1400", "--", "add-port",
		"br-int", "ovn-aa-0", "--", "set", "interface", "ovn-aa-0",
		"type=geneve", "options:remote_ip=192.0.2.1", "options:key=flow",
		"options:csum=true", "--", "set", "open_vswitch", ".",
		"external_ids:system-id=node1", "--", "set-ssl", "/k.pem",
		"/c.pem", "/ca.pem",
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_vsctl_options o;
	struct wft_vsctl_cmds cmds = { NULL, 0 };
	struct wft_vsctl_result res;
	struct wft_conf *conf = wft_conf_new(NULL, NULL);

	wft_vsctl_options_init(&o);
	ck_assert_int_eq(wft_vsctl_parse_argv(N(argv), argv, &o, &cmds, &err),
			 0);
	ck_assert_msg(!wft_vsctl_run(conf, &cmds, &o.style, &res, &err), "%s",
		      wft_strbuf_cstr(&err));
	wft_vsctl_result_free(&res);
	wft_vsctl_cmds_free(&cmds);
	wft_vsctl_options_uninit(&o);
	wft_strbuf_free(&err);
	return conf;
}

START_TEST(test_roundtrip)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_conf *conf = sample(), *back;
	struct wft_row *iface;

	/* Runtime columns are not saved... */
	iface = wft_conf_find(conf, WFT_TBL_INTERFACE, "vm1");
	wft_row_set_opt_int(iface, WFT_IF_OFPORT, true, 7);
	wft_row_set_string(iface, WFT_IF_ERROR, "boom");
	ck_assert_int_eq(wft_conf_save(conf, path, &err), 0);
	ck_assert_int_eq(wft_conf_load(path, NULL, NULL, &back, &err), 0);
	ck_assert(wft_conf_equal(conf, back));
	/* ...and come back empty. */
	iface = wft_conf_find(back, WFT_TBL_INTERFACE, "vm1");
	ck_assert(!wft_row_string(iface, WFT_IF_ERROR));
	ck_assert_str_eq(wft_row_map_get(iface, WFT_IF_EXTERNAL_IDS,
					 "iface-id"), "lsp1");
	/* The SSL row, nested under Open_vSwitch's "ssl". */
	ck_assert_str_eq(wft_row_string(wft_conf_find(back, WFT_TBL_SSL, "."),
					WFT_SSL_CA_CERT), "/ca.pem");
	ck_assert_str_eq(wft_strbuf_cstr(&err), "");
	wft_conf_free(back);
	wft_conf_free(conf);
	wft_strbuf_free(&err);
}
END_TEST

START_TEST(test_missing_file)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_conf *conf;

	ck_assert_int_eq(wft_conf_load(path, NULL, NULL, &conf, &err),
			 -ENOENT);
	ck_assert(!conf);
	wft_strbuf_free(&err);
}
END_TEST

/* Every truncation of a good file is refused, with line and column. */
START_TEST(test_truncated)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_conf *conf = sample(), *back;
	char *text, prefix[160];
	size_t len, cut;
	json_t *j;

	j = wft_conf_to_json(conf);
	text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	len = strlen(text);
	snprintf(prefix, sizeof(prefix), "%s: line ", path);
	for (cut = 0; cut < len; cut += 1 + cut / 8) {
		FILE *f = fopen(path, "w");

		fwrite(text, 1, cut, f);
		fclose(f);
		wft_strbuf_reset(&err);
		ck_assert_int_eq(wft_conf_load(path, NULL, NULL, &back, &err),
				 -EINVAL);
		ck_assert(!back);
		ck_assert_msg(!strncmp(wft_strbuf_cstr(&err), prefix,
				       strlen(prefix)), "cut %zu: %s", cut,
			      wft_strbuf_cstr(&err));
		ck_assert(strstr(wft_strbuf_cstr(&err), ", column "));
	}
	free(text);
	wft_conf_free(conf);
	wft_strbuf_free(&err);
}
END_TEST

static const struct {
	const char *text;
	const char *err;	/* after "PATH: " */
} bad_files[] = {
	{ "", "line 1, column 0: '[' or '{' expected near end of file" },
	{ "{\"weft_conf_version\": 1,\n \"bridges\": [\n",
	  "line 3, column 0: ']' expected near end of file" },
	{ "[]", "$: expected an object" },
	{ "{}", "$.weft_conf_version: expected 1 (the only format this "
	  "weftd reads)" },
	{ "{\"weft_conf_version\": 2}", "$.weft_conf_version: expected 1 "
	  "(the only format this weftd reads)" },
	{ "{\"weft_conf_version\": 1, \"bridges\": {}}",
	  "$.bridges: expected an array" },
	{ "{\"weft_conf_version\": 1, \"frob\": 1}",
	  "$.frob: unknown key (table Open_vSwitch has no column frob)" },
	{ "{\"weft_conf_version\": 1, \"external_ids\": {\"a\": 1}}",
	  "$.external_ids: expected a string" },
	{ "{\"weft_conf_version\": 1, \"_uuid\": \"xyz\"}",
	  "$._uuid: expected a UUID" },
	{ "{\"weft_conf_version\": 1, \"bridges\": [{\"datapath_type\": \"\"}]}",
	  "$.bridges[0]: missing \"name\"" },
	{ "{\"weft_conf_version\": 1, \"bridges\": [{\"name\": \"br0\", "
	  "\"ports\": [{\"name\": \"br0\", \"interfaces\": [{\"name\": \"br0\", "
	  "\"type\": \"internal\"}]}, {\"name\": \"p1\", \"tag\": 5000, "
	  "\"interfaces\": [{\"name\": \"p1\"}]}]}]}",
	  "$.bridges[0].ports[1].tag: constraint violation: 5000 is not in the "
	  "valid range 0 to 4095 (inclusive)" },
	{ "{\"weft_conf_version\": 1, \"bridges\": [{\"name\": \"br0\", "
	  "\"ports\": [{\"name\": \"p1\", \"tag\": \"5\"}]}]}",
	  "$.bridges[0].ports[0].tag: expected an integer or null" },
	{ "{\"weft_conf_version\": 1, \"bridges\": [{\"name\": \"br0\", "
	  "\"ports\": [{\"name\": \"p1\", \"trunks\": [1, 1]}]}]}",
	  "$.bridges[0].ports[0].trunks: duplicate value" },
	{ "{\"weft_conf_version\": 1, \"bridges\": [{\"name\": \"br0\", "
	  "\"ports\": [{\"name\": \"p1\", \"vlan_mode\": \"bogus\"}]}]}",
	  "$.bridges[0].ports[0].vlan_mode: constraint violation: bogus is "
	  "not one of the allowed values ([access, native-tagged, "
	  "native-untagged, trunk])" },
	{ "{\"weft_conf_version\": 1, \"bridges\": [{\"name\": \"br0\", "
	  "\"status\": {}}]}", "$.bridges[0].status: status is filled in by "
	  "weftd; it is not saved" },
	{ "{\"weft_conf_version\": 1, \"bridges\": [{\"name\": \"br0\"}]}",
	  "Bridge br0 has no local port (a port and an internal interface "
	  "named br0)" },
	{ "{\"weft_conf_version\": 1, \"bridges\": [{\"name\": \"br0\", "
	  "\"ports\": [{\"name\": \"br0\", \"interfaces\": [{\"name\": \"br0\", "
	  "\"type\": \"internal\"}]}, {\"name\": \"bond0\", \"interfaces\": "
	  "[{\"name\": \"a\"}, {\"name\": \"b\"}]}]}]}",
	  "Port bond0 has 2 interfaces: weft has no bonds (one interface per "
	  "port)" },
	{ "{\"weft_conf_version\": 1, \"weft_conf_version\": 1}",
	  "line 1, column 44: duplicate object key near '\"weft_conf_version\"'"
	},
};

START_TEST(test_bad_file)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_conf *conf;
	char want[1024];

	write_file(bad_files[_i].text);
	ck_assert_int_ne(wft_conf_load(path, NULL, NULL, &conf, &err), 0);
	ck_assert(!conf);
	snprintf(want, sizeof(want), "%s: %s", path, bad_files[_i].err);
	ck_assert_str_eq(wft_strbuf_cstr(&err), want);
	wft_strbuf_free(&err);
}
END_TEST

/* The file is replaced whole, through a temporary that does not stay. */
START_TEST(test_atomic_write)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_conf *conf = sample(), *empty = wft_conf_new(NULL, NULL);
	struct wft_conf *back;
	struct dirent *de;
	char bad[160];
	struct stat st;
	int n = 0;
	DIR *d;

	write_file("old contents");
	ck_assert_int_eq(wft_conf_save(conf, path, &err), 0);
	ck_assert_int_eq(wft_conf_load(path, NULL, NULL, &back, &err), 0);
	ck_assert(wft_conf_equal(conf, back));
	wft_conf_free(back);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	d = opendir(dir);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	ck_assert_int_eq(n, 1);

	/* A save that cannot happen says where and leaves nothing. */
	snprintf(bad, sizeof(bad), "%s/no/such/dir/conf.json", dir);
	ck_assert_int_eq(wft_conf_save(empty, bad, &err), -ENOENT);
	ck_assert(strstr(wft_strbuf_cstr(&err), bad));
	ck_assert(strstr(wft_strbuf_cstr(&err), "No such file or directory"));
	ck_assert_int_eq(wft_conf_load(path, NULL, NULL, &back, &err), 0);
	ck_assert(wft_conf_equal(conf, back));
	wft_conf_free(back);
	wft_conf_free(conf);
	wft_conf_free(empty);
	wft_strbuf_free(&err);
}
END_TEST

/* A file written by hand, with columns left out, loads with defaults. */
START_TEST(test_minimal_file)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_conf *conf;
	struct wft_row *br;

	write_file("{\"weft_conf_version\": 1, \"bridges\": [{\"name\": \"br0\","
		   " \"ports\": [{\"name\": \"br0\", \"interfaces\": [{\"name\":"
		   " \"br0\", \"type\": \"internal\"}]}]}]}\n");
	ck_assert_msg(!wft_conf_load(path, NULL, NULL, &conf, &err), "%s",
		      wft_strbuf_cstr(&err));
	br = wft_conf_find(conf, WFT_TBL_BRIDGE, "br0");
	ck_assert(br);
	ck_assert_str_eq(wft_row_string(br, WFT_BR_DATAPATH_TYPE), "");
	ck_assert(!wft_row_string(br, WFT_BR_FAIL_MODE));
	wft_conf_free(conf);
	wft_strbuf_free(&err);
}
END_TEST

/* Notation. */

static const struct {
	const char *s;
	bool quoted;
} strings[] = {
	{ "a1", false }, { "_x", false }, { "a.b", false }, { "x-", false },
	{ "a/b", true }, { "true", true }, { "false", true }, { "", true },
	{ "-x", true }, { "12", true }, { "x y", true }, { "x+y", true },
	{ "6d911118-5bad-47e9-9607-32114064ed43", true }, { "\xc3\xa9", true },
};

START_TEST(test_string_quoting)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;
	union wft_atom a = { .s = (char *)strings[_i].s };

	wft_atom_format(&a, WFT_AT_STRING, &sb);
	if (strings[_i].quoted) {
		ck_assert_int_eq(sb.buf[0], '"');
	} else {
		ck_assert_str_eq(wft_strbuf_cstr(&sb), strings[_i].s);
	}
	wft_strbuf_free(&sb);
}
END_TEST

START_TEST(test_uuid)
{
	char buf[WFT_UUID_STRLEN + 1];
	struct wft_uuid u, v;

	ck_assert(wft_uuid_parse("6D911118-5bad-47e9-9607-32114064ed43", &u));
	wft_uuid_format(&u, buf);
	ck_assert_str_eq(buf, "6d911118-5bad-47e9-9607-32114064ed43");
	ck_assert(!wft_uuid_parse("6d911118-5bad-47e9-9607-32114064ed4", &u));
	ck_assert(!wft_uuid_parse("6d911118x5bad-47e9-9607-32114064ed43", &u));
	ck_assert(!wft_uuid_parse("6d911118-5bad-47e9-9607-32114064ed4g", &u));
	wft_uuid_random(&u);
	wft_uuid_random(&v);
	ck_assert_int_ne(wft_uuid_cmp(&u, &v), 0);
	ck_assert_int_eq(u.b[6] >> 4, 4);
}
END_TEST

START_TEST(test_ifname)
{
	ck_assert(wft_conf_valid_ifname("eth0"));
	ck_assert(wft_conf_valid_ifname("abcdefghijklmno"));
	ck_assert(!wft_conf_valid_ifname("abcdefghijklmnop"));
	ck_assert(!wft_conf_valid_ifname(""));
	ck_assert(!wft_conf_valid_ifname("a/b"));
	ck_assert(!wft_conf_valid_ifname("a:b"));
	ck_assert(!wft_conf_valid_ifname("a b"));
	ck_assert(!wft_conf_valid_ifname(".."));
}
END_TEST

/* Copies are deep: changing one leaves the other. */
START_TEST(test_clone)
{
	struct wft_conf *a = sample(), *b = wft_conf_clone(a);
	struct wft_row *br = wft_conf_find(b, WFT_TBL_BRIDGE, "br-int");

	ck_assert(wft_conf_equal(a, b));
	wft_row_map_put(br, WFT_BR_EXTERNAL_IDS, "k", "v");
	ck_assert(!wft_conf_equal(a, b));
	ck_assert(!wft_row_map_get(wft_conf_find(a, WFT_TBL_BRIDGE, "br-int"),
				   WFT_BR_EXTERNAL_IDS, "k"));
	wft_conf_free(a);
	wft_conf_free(b);
}
END_TEST

static Suite *conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("file");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_truncated);
	tcase_add_loop_test(tc, test_bad_file, 0, N(bad_files));
	tcase_add_test(tc, test_atomic_write);
	tcase_add_test(tc, test_minimal_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("model");
	tcase_add_loop_test(tc, test_string_quoting, 0, N(strings));
	tcase_add_test(tc, test_uuid);
	tcase_add_test(tc, test_ifname);
	tcase_add_test(tc, test_clone);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
