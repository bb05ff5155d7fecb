// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the provenance index (include/weft/ovn_provenance.h):
 * a small SB replica (ls1 with an ACL's flow, a load balancer's flow, two
 * rows whose UUIDs share their first 32 bits, a MAC_Binding), then the
 * lookups a rule's (table, cookie, metadata) make, the text lines and
 * the summary of stages.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovn_provenance.h"
#include "weft/ovsdb_replica.h"

#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"

/* A datapath, a chassis; Logical_Flows: an ACL's (ls_out_acl), three
 * sharing their first 32 bits (two in one table, one in another), a load
 * balancer's (ls_in_lb), an l2_lkup one, lr_in_ip_input's below; a
 * MAC_Binding. */
#define DP	"11111111-0000-4000-8000-000000000001"
#define CH	"22222222-0000-4000-8000-000000000001"
#define ACLF	"3d2a9e1f-0000-4000-8000-000000000001"
#define COL1	"abcdef01-0000-4000-8000-000000000001"
#define COL2	"abcdef01-0000-4000-8000-000000000002"
#define COL3	"abcdef01-0000-4000-8000-000000000003"
#define LBF	"44444444-0000-4000-8000-000000000001"
#define L2F	"55555555-0000-4000-8000-000000000001"
#define MB	"66666666-0000-4000-8000-000000000001"
#define IPF	"99999999-0000-4000-8000-000000000001"

static const char *const sb_text =
"{\"Datapath_Binding\": {\"" DP "\": {\"tunnel_key\": 1,"
"  \"external_ids\": [\"map\", [[\"name\", \"ls1\"]]]}},"
" \"Chassis\": {\"" CH "\": {\"name\": \"hv1\", \"hostname\": \"h\"}},"
" \"Port_Binding\": {\"77777777-0000-4000-8000-000000000001\": {"
"  \"logical_port\": \"lp3\", \"tunnel_key\": 3,"
"  \"datapath\": [\"uuid\", \"" DP "\"],"
"  \"chassis\": [\"uuid\", \"" CH "\"]}},"
" \"Load_Balancer\": {\"88888888-0000-4000-8000-000000000001\": {"
"  \"name\": \"lb1\", \"external_ids\": [\"map\", [[\"lb_id\","
"  \"9abc0123-0000-4000-8000-000000000001\"]]]}},"
" \"MAC_Binding\": {\"" MB "\": {\"ip\": \"10.0.1.9\","
"  \"mac\": \"0a:00:00:00:00:09\", \"logical_port\": \"lr1-ls1\","
"  \"datapath\": [\"uuid\", \"" DP "\"]}},"
" \"Logical_Flow\": {"
"  \"" ACLF "\": {\"logical_datapath\": [\"uuid\", \"" DP "\"],"
"   \"pipeline\": \"egress\", \"table_id\": 4, \"priority\": 2002,"
"   \"match\": \"outport == \\\"lp3\\\" && icmp4\","
"   \"actions\": \"/* drop */\", \"external_ids\": [\"map\", ["
"   [\"stage-name\", \"ls_out_acl\"], [\"stage-hint\", \"4c5d6e7f\"],"
"   [\"source\", \"northd.c:6633\"]]]},"
"  \"" COL1 "\": {\"pipeline\": \"ingress\", \"table_id\": 25,"
"   \"priority\": 50, \"match\": \"eth.dst == 0a:00:00:00:01:12\","
"   \"actions\": \"outport = \\\"lp2\\\"; output;\","
"   \"external_ids\": [\"map\", [[\"stage-name\", \"ls_in_l2_lkup\"]]]},"
"  \"" COL2 "\": {\"pipeline\": \"ingress\", \"table_id\": 25,"
"   \"priority\": 50, \"match\": \"eth.dst == 0a:00:00:00:01:13\","
"   \"actions\": \"outport = \\\"lp3\\\"; output;\","
"   \"external_ids\": [\"map\", [[\"stage-name\", \"ls_in_l2_lkup\"]]]},"
"  \"" COL3 "\": {\"pipeline\": \"egress\", \"table_id\": 5,"
"   \"priority\": 1, \"match\": \"1\", \"actions\": \"next;\"},"
"  \"" LBF "\": {\"logical_datapath\": [\"uuid\", \"" DP "\"],"
"   \"pipeline\": \"ingress\", \"table_id\": 12, \"priority\": 120,"
"   \"match\": \"ct.new && ip4.dst == 172.16.0.10\","
"   \"actions\": \"reg0[1] = 0; ct_lb_mark(backends=10.0.1.12);\","
"   \"external_ids\": [\"map\", [[\"stage-name\", \"ls_in_lb\"],"
"   [\"stage-hint\", \"9abc0123\"]]]},"
"  \"" L2F "\": {\"logical_datapath\": [\"uuid\", \"" DP "\"],"
"   \"pipeline\": \"ingress\", \"table_id\": 25, \"priority\": 50,"
"   \"match\": \"eth.dst == 0a:00:00:00:01:13\","
"   \"actions\": \"outport = \\\"lp3\\\"; output;\","
"   \"external_ids\": [\"map\", [[\"stage-name\", \"ls_in_l2_lkup\"],"
"   [\"stage-hint\", \"2a7a523a\"]]]},"
"  \"" IPF "\": {\"pipeline\": \"ingress\", \"table_id\": 3,"
"   \"priority\": 90, \"match\": \"arp.op == 1\", \"actions\": \"next;\","
"   \"external_ids\": [\"map\", [[\"stage-name\", \"lr_in_ip_input\"],"
"   [\"stage-hint\", \"0f0f0f0f\"]]]}"
" }}";

static struct wft_ovsdb_replica *sb;
static struct wft_ovsdb_schema *schema;

static void setup(void)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	json_t *db, *upd, *rows, *row;
	const char *table, *uuid;
	json_error_t jerr;

	ck_assert_msg(!wft_ovsdb_schema_from_file(SB_SCHEMA, &schema, &err),
		      "%s", wft_strbuf_cstr(&err));
	sb = wft_ovsdb_replica_new(schema);
	db = json_loads(sb_text, 0, &jerr);
	ck_assert_msg(db, "%s", jerr.text);
	upd = json_object();
	json_object_foreach(db, table, rows) {
		json_t *t = json_object();

		json_object_foreach(rows, uuid, row)
			json_object_set_new(t, uuid,
					    json_pack("{sO}", "initial", row));
		json_object_set_new(upd, table, t);
	}
	ck_assert_msg(!wft_ovsdb_replica_apply_update2(sb, upd, &err), "%s",
		      wft_strbuf_cstr(&err));
	wft_ovsdb_replica_consume(sb);
	json_decref(upd);
	json_decref(db);
	wft_strbuf_free(&err);
}

static void teardown(void)
{
	wft_ovsdb_replica_free(sb);
}

static const char *s(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

START_TEST(test_acl)
{
	struct wft_ovn_prov *p = wft_ovn_prov_new(sb);
	struct wft_strbuf t = WFT_STRBUF_INIT;
	json_t *j = wft_ovn_prov_lookup(p, 42 + 4, 0x3d2a9e1f, 1), *lf;

	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(json_array_size(json_object_get(j, "lflows")), 1);
	lf = json_array_get(json_object_get(j, "lflows"), 0);
	ck_assert_str_eq(s(lf, "uuid"), ACLF);
	ck_assert_str_eq(s(lf, "stage"), "ls_out_acl");
	ck_assert_str_eq(s(lf, "datapath"), "ls1");
	ck_assert_str_eq(s(lf, "source"), "northd.c:6633");
	ck_assert_str_eq(s(json_object_get(lf, "nb"), "kind"), "ACL");
	ck_assert_str_eq(s(json_object_get(lf, "nb"), "hint"), "4c5d6e7f");
	wft_ovn_prov_format(j, 2, &t);
	ck_assert_str_eq(wft_strbuf_cstr(&t), "  lflow " ACLF " ls1 "
		"ls_out_acl(4) priority 2002 match=(outport == \"lp3\" && "
		"icmp4) actions=(/* drop */) from NB ACL 4c5d6e7f; port lp3 "
		"on hv1\n");
	json_decref(j);
	/* The same cookie in another table is no lflow of this rule's. */
	ck_assert_ptr_null(wft_ovn_prov_lookup(p, 8 + 4, 0x3d2a9e1f, 1));
	ck_assert_ptr_null(wft_ovn_prov_lookup(p, 46, 0x3d2a9e20, 1));
	wft_strbuf_free(&t);
	wft_ovn_prov_free(p);
}
END_TEST

START_TEST(test_collision)
{
	struct wft_ovn_prov *p = wft_ovn_prov_new(sb);
	json_t *j = wft_ovn_prov_lookup(p, 8 + 25, 0xabcdef01, 0);
	json_t *lfs = json_object_get(j, "lflows");

	/* Both rows of ingress table 25 (a 32-bit collision), not the
	 * egress one; without a datapath row nor metadata, none named. */
	ck_assert_int_eq(json_array_size(lfs), 2);
	ck_assert(!strcmp(s(json_array_get(lfs, 0), "uuid"), COL1) ||
		  !strcmp(s(json_array_get(lfs, 1), "uuid"), COL1));
	ck_assert(!strcmp(s(json_array_get(lfs, 0), "uuid"), COL2) ||
		  !strcmp(s(json_array_get(lfs, 1), "uuid"), COL2));
	ck_assert_str_eq(s(json_array_get(lfs, 0), "datapath"), "");
	ck_assert(json_is_null(json_object_get(json_array_get(lfs, 0), "nb")));
	json_decref(j);
	/* A datapath group's lflow: the datapath from the rule's metadata. */
	j = wft_ovn_prov_lookup(p, 42 + 5, 0xabcdef01, 1);
	lfs = json_object_get(j, "lflows");
	ck_assert_int_eq(json_array_size(lfs), 1);
	ck_assert_str_eq(s(json_array_get(lfs, 0), "uuid"), COL3);
	ck_assert_str_eq(s(json_array_get(lfs, 0), "datapath"), "ls1");
	json_decref(j);
	wft_ovn_prov_free(p);
}
END_TEST

START_TEST(test_nb_kinds)
{
	struct wft_ovn_prov *p = wft_ovn_prov_new(sb);
	json_t *j = wft_ovn_prov_lookup(p, 8 + 12, 0x44444444, 1), *nb;

	nb = json_object_get(json_array_get(json_object_get(j, "lflows"), 0),
			     "nb");
	ck_assert_str_eq(s(nb, "kind"), "load balancer");
	ck_assert_str_eq(s(nb, "sb_load_balancer"), "lb1");
	json_decref(j);
	j = wft_ovn_prov_lookup(p, 8 + 25, 0x55555555, 1);
	nb = json_object_get(json_array_get(json_object_get(j, "lflows"), 0),
			     "nb");
	ck_assert_str_eq(s(nb, "kind"), "switch port");
	json_decref(j);
	/* northd hints a router port or a NAT rule there: both said. */
	j = wft_ovn_prov_lookup(p, 8 + 3, 0x99999999, 0);
	nb = json_object_get(json_array_get(json_object_get(j, "lflows"), 0),
			     "nb");
	ck_assert_str_eq(s(nb, "kind"), "router port or NAT");
	json_decref(j);
	wft_ovn_prov_free(p);
}
END_TEST

START_TEST(test_lookup_and_physical)
{
	struct wft_ovn_prov *p = wft_ovn_prov_new(sb);
	struct wft_strbuf t = WFT_STRBUF_INIT;
	json_t *j = wft_ovn_prov_lookup(p, 66, 0x66666666, 0), *row;

	row = json_array_get(json_object_get(j, "rows"), 0);
	ck_assert_str_eq(s(row, "table"), "MAC_Binding");
	ck_assert_str_eq(s(row, "uuid"), MB);
	wft_ovn_prov_format(j, 0, &t);
	ck_assert_str_eq(wft_strbuf_cstr(&t), "SB MAC_Binding 66666666: "
			 "10.0.1.9 on lr1-ls1 is 0a:00:00:00:00:09\n");
	json_decref(j);
	/* Not a MAC_Binding's table: no row, only the table's name. */
	j = wft_ovn_prov_lookup(p, 71, 0x66666666, 0);
	ck_assert_int_eq(json_array_size(json_object_get(j, "rows")), 0);
	json_decref(j);
	wft_strbuf_reset(&t);
	j = wft_ovn_prov_lookup(p, 0, 0, 0);
	wft_ovn_prov_format(j, 0, &t);
	ck_assert_str_eq(wft_strbuf_cstr(&t), "physical table 0 (phy_to_log: "
			 "a port's packets enter its datapath)\n");
	json_decref(j);
	/* A table the chassis does not use, a cookie nothing has. */
	ck_assert_ptr_null(wft_ovn_prov_lookup(p, 100, 0x1234, 0));
	wft_strbuf_free(&t);
	wft_ovn_prov_free(p);
}
END_TEST

START_TEST(test_stages)
{
	struct wft_ovn_prov *p = wft_ovn_prov_new(sb);
	struct wft_strbuf t = WFT_STRBUF_INIT;
	json_t *v[4], *runs;

	v[0] = wft_ovn_prov_lookup(p, 0, 0, 0);		/* physical */
	v[1] = wft_ovn_prov_lookup(p, 8 + 12, 0x44444444, 1);
	v[2] = wft_ovn_prov_lookup(p, 8 + 25, 0x55555555, 1);
	v[3] = wft_ovn_prov_lookup(p, 42 + 4, 0x3d2a9e1f, 1);
	runs = wft_ovn_prov_stages(v, 4, &t);
	ck_assert_str_eq(wft_strbuf_cstr(&t),
			 "  ls1 ingress: ls_in_lb(12) ls_in_l2_lkup(25)\n"
			 "  ls1 egress: ls_out_acl(4)\n");
	ck_assert_int_eq(json_array_size(runs), 2);
	ck_assert_str_eq(s(json_array_get(runs, 1), "pipeline"), "egress");
	json_decref(runs);
	for (int i = 0; i < 4; i++)
		json_decref(v[i]);
	wft_strbuf_free(&t);
	wft_ovn_prov_free(p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ovn_provenance");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_acl);
	tcase_add_test(tc, test_collision);
	tcase_add_test(tc, test_nb_kinds);
	tcase_add_test(tc, test_lookup_and_physical);
	tcase_add_test(tc, test_stages);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
