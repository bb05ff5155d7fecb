// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the chassis of a distributed gateway port
 * (agent/lib/ovn_ha_chassis.c), on an SB replica with the rows ovn-northd
 * 23.03 writes for `lrp-set-gateway-chassis`: a chassisredirect
 * Port_Binding whose HA_Chassis_Group lists HA_Chassis rows (chassis,
 * priority):
 *  - the highest priority is active; a priority change moves it;
 *  - equal priorities: the greater chassis name, as ovn-controller;
 *  - an HA_Chassis row without a chassis (not registered) never is;
 *  - every chassis of the group is a member, active or not; others not;
 *  - a chassisredirect port without a group: the chassis it is bound
 *    to; a port of another type is never "here".
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovsdb_replica.h"
#include "weft/strbuf.h"
#include "agent/lib/ovn_priv.h"

#define SB_SCHEMA "/usr/share/ovn/ovn-sb.ovsschema"

#define HV1 "00000000-0000-0000-0000-0000000000c1"
#define HV2 "00000000-0000-0000-0000-0000000000c2"
#define HV3 "00000000-0000-0000-0000-0000000000c3"
#define HA1 "00000000-0000-0000-0000-0000000000a1"
#define HA2 "00000000-0000-0000-0000-0000000000a2"
#define HA3 "00000000-0000-0000-0000-0000000000a3"
#define GRP "00000000-0000-0000-0000-0000000000b1"
#define DP  "00000000-0000-0000-0000-0000000000d1"
#define CRX "00000000-0000-0000-0000-0000000000e1"
#define CRY "00000000-0000-0000-0000-0000000000e2"
#define LRP "00000000-0000-0000-0000-0000000000e3"

static const char initial[] =
	"{\"Chassis\": {"
	" \"" HV1 "\": {\"insert\": {\"name\": \"hv1\", \"hostname\": \"a\"}},"
	" \"" HV2 "\": {\"insert\": {\"name\": \"hv2\", \"hostname\": \"b\"}},"
	" \"" HV3 "\": {\"insert\": {\"name\": \"hv3\", \"hostname\": \"c\"}}},"
	"\"HA_Chassis\": {"
	" \"" HA1 "\": {\"insert\": {\"chassis\": [\"uuid\", \"" HV1 "\"],"
	"   \"priority\": 20}},"
	" \"" HA2 "\": {\"insert\": {\"chassis\": [\"uuid\", \"" HV2 "\"],"
	"   \"priority\": 10}},"
	" \"" HA3 "\": {\"insert\": {\"priority\": 99}}},"
	"\"HA_Chassis_Group\": {"
	" \"" GRP "\": {\"insert\": {\"name\": \"lr1-ext\", \"ha_chassis\":"
	"   [\"set\", [[\"uuid\", \"" HA1 "\"], [\"uuid\", \"" HA2 "\"],"
	"   [\"uuid\", \"" HA3 "\"]]]}}},"
	"\"Datapath_Binding\": {"
	" \"" DP "\": {\"insert\": {\"tunnel_key\": 3}}},"
	"\"Port_Binding\": {"
	" \"" CRX "\": {\"insert\": {\"logical_port\": \"cr-lr1-ext\","
	"   \"type\": \"chassisredirect\", \"tunnel_key\": 2,"
	"   \"datapath\": [\"uuid\", \"" DP "\"],"
	"   \"ha_chassis_group\": [\"uuid\", \"" GRP "\"]}},"
	" \"" CRY "\": {\"insert\": {\"logical_port\": \"cr-lr2-ext\","
	"   \"type\": \"chassisredirect\", \"tunnel_key\": 4,"
	"   \"datapath\": [\"uuid\", \"" DP "\"],"
	"   \"chassis\": [\"uuid\", \"" HV2 "\"]}},"
	" \"" LRP "\": {\"insert\": {\"logical_port\": \"lr1-ext\","
	"   \"type\": \"patch\", \"tunnel_key\": 1,"
	"   \"datapath\": [\"uuid\", \"" DP "\"],"
	"   \"chassis\": [\"uuid\", \"" HV1 "\"]}}}}";

static struct wft_ovsdb_replica *r;

static void apply(const char *text)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	json_error_t jerr;
	json_t *upd = json_loads(text, 0, &jerr);

	ck_assert_msg(upd, "%s", jerr.text);
	ck_assert_msg(!wft_ovsdb_replica_apply_update2(r, upd, &err), "%s",
		      wft_strbuf_cstr(&err));
	json_decref(upd);
	wft_ovsdb_replica_consume(r);
	wft_strbuf_free(&err);
}

static void setup(void)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_schema *s;

	ck_assert_msg(!wft_ovsdb_schema_from_file(SB_SCHEMA, &s, &err), "%s",
		      wft_strbuf_cstr(&err));
	wft_strbuf_free(&err);
	r = wft_ovsdb_replica_new(s);
	apply(initial);
}

static void teardown(void)
{
	wft_ovsdb_replica_free(r);
}

static struct wft_ovsdb_row *pb(const char *uuid)
{
	struct wft_uuid u;

	ck_assert(wft_uuid_parse(uuid, &u));
	return wft_ovsdb_rtable_find(wft_ovsdb_replica_table(r,
		"Port_Binding"), &u);
}

/* A chassis registered as @uuid. */
static void chassis(struct wft_ovn *o, const char *uuid)
{
	memset(o, 0, sizeof(*o));
	o->registered = true;
	ck_assert(wft_uuid_parse(uuid, &o->chassis_uuid));
}

static void assert_active(const char *port, const char *want)
{
	const struct wft_uuid *got = wft_ovn_redirect_chassis(r, pb(port));
	char s[WFT_UUID_STRLEN + 1];

	ck_assert_msg(got, "%s: no active chassis, want %s", port, want);
	wft_uuid_format(got, s);
	ck_assert_str_eq(s, want);
}

static void set_priority(const char *ha, int prio)
{
	char text[256];

	snprintf(text, sizeof(text), "{\"HA_Chassis\": {\"%s\": {\"modify\":"
		 " {\"priority\": %d}}}}", ha, prio);
	apply(text);
}

START_TEST(test_priority)
{
	struct wft_ovn o1, o2;

	chassis(&o1, HV1);
	chassis(&o2, HV2);
	/* hv1 20, hv2 10, and 99 for a chassis not registered. */
	assert_active(CRX, HV1);
	ck_assert(wft_ovn_redirect_here(&o1, r, pb(CRX)));
	ck_assert(!wft_ovn_redirect_here(&o2, r, pb(CRX)));
	/* hv2 30: it moves. */
	set_priority(HA2, 30);
	assert_active(CRX, HV2);
	ck_assert(!wft_ovn_redirect_here(&o1, r, pb(CRX)));
	ck_assert(wft_ovn_redirect_here(&o2, r, pb(CRX)));
	/* Both 20: the greater name, hv2. */
	set_priority(HA2, 20);
	assert_active(CRX, HV2);
	/* Back below: hv1 again. */
	set_priority(HA2, 19);
	assert_active(CRX, HV1);
	/* Not registered, this chassis is never active. */
	o1.registered = false;
	ck_assert(!wft_ovn_redirect_here(&o1, r, pb(CRX)));
}
END_TEST

START_TEST(test_member)
{
	struct wft_ovn o;

	chassis(&o, HV1);
	ck_assert(wft_ovn_redirect_member(&o, r, pb(CRX)));
	chassis(&o, HV2);
	ck_assert(wft_ovn_redirect_member(&o, r, pb(CRX)));
	ck_assert(!wft_ovn_redirect_here(&o, r, pb(CRX)));
	chassis(&o, HV3);
	ck_assert(!wft_ovn_redirect_member(&o, r, pb(CRX)));
	ck_assert(!wft_ovn_redirect_here(&o, r, pb(CRX)));
	/* hv2 leaves the group. */
	apply("{\"HA_Chassis_Group\": {\"" GRP "\": {\"modify\":"
	      " {\"ha_chassis\": [\"uuid\", \"" HA2 "\"]}}}}");
	chassis(&o, HV2);
	ck_assert(!wft_ovn_redirect_member(&o, r, pb(CRX)));
	assert_active(CRX, HV1);
}
END_TEST

START_TEST(test_no_group)
{
	struct wft_ovn o;

	/* cr-lr2-ext has no group: it is where it is bound. */
	assert_active(CRY, HV2);
	chassis(&o, HV2);
	ck_assert(wft_ovn_redirect_here(&o, r, pb(CRY)));
	ck_assert(!wft_ovn_redirect_member(&o, r, pb(CRY)));
	/* A patch port bound to hv1 is not a redirect port. */
	chassis(&o, HV1);
	ck_assert(!wft_ovn_redirect_port(pb(LRP)));
	ck_assert(!wft_ovn_redirect_here(&o, r, pb(LRP)));
	ck_assert(wft_ovn_redirect_port(pb(CRX)));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ovn_ha_chassis");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_priority);
	tcase_add_test(tc, test_member);
	tcase_add_test(tc, test_no_group);
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
