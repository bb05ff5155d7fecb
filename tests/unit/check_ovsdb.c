// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the OVSDB client's building blocks, with no server:
 *  - OVSDB JSON-RPC 1.0 texts through the unframed splitter and a real
 *    socket, a byte at a time and many texts in one read, then classified;
 *  - every datum kind parsed and written back (sets sorted, one-element
 *    sets bare, counts and types checked);
 *  - update2 "modify" diffs on scalars, optional values, sets and maps;
 *  - the replica: defaults for omitted columns, change tracking across
 *    several updates, resync, consume;
 *  - the transaction builder and reply parsing.
 * The same code against a real ovsdb-server: check_ovsdb_server.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "weft/ovsdb.h"
#include "weft/ovsdb_client.h"
#include "weft/ovsdb_conn.h"
#include "weft/ovsdb_replica.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define U1 "11111111-1111-1111-1111-111111111111"
#define U2 "22222222-2222-2222-2222-222222222222"
#define U3 "33333333-3333-3333-3333-333333333333"

/* A schema with a column of every shape. */
static const char *const test_schema =
	"{\"name\":\"T\",\"version\":\"1.0.0\",\"tables\":{"
	"\"R\":{\"columns\":{"
	" \"i\":{\"type\":\"integer\"},"
	" \"r\":{\"type\":\"real\"},"
	" \"b\":{\"type\":\"boolean\"},"
	" \"s\":{\"type\":\"string\"},"
	" \"u\":{\"type\":\"uuid\"},"
	" \"os\":{\"type\":{\"key\":\"string\",\"min\":0,\"max\":1}},"
	" \"ou\":{\"type\":{\"key\":{\"type\":\"uuid\",\"refTable\":\"R\","
	"        \"refType\":\"weak\"},\"min\":0,\"max\":1}},"
	" \"si\":{\"type\":{\"key\":\"integer\",\"min\":0,"
	"        \"max\":\"unlimited\"}},"
	" \"ss\":{\"type\":{\"key\":\"string\",\"min\":1,\"max\":3}},"
	" \"su\":{\"type\":{\"key\":\"uuid\",\"min\":0,\"max\":\"unlimited\"}},"
	" \"sb\":{\"type\":{\"key\":\"boolean\",\"min\":0,\"max\":2}},"
	" \"mss\":{\"type\":{\"key\":\"string\",\"value\":\"string\","
	"        \"min\":0,\"max\":\"unlimited\"}},"
	" \"miu\":{\"type\":{\"key\":{\"type\":\"integer\",\"minInteger\":0},"
	"        \"value\":\"uuid\",\"min\":0,\"max\":\"unlimited\"}},"
	" \"msr\":{\"type\":{\"key\":\"string\",\"value\":\"real\","
	"        \"min\":0,\"max\":\"unlimited\"}}"
	"},\"isRoot\":true}}}";

static struct wft_ovsdb_schema *load_schema(void)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_schema *s;
	json_t *j = json_loads(test_schema, 0, NULL);

	ck_assert_ptr_nonnull(j);
	ck_assert_msg(!wft_ovsdb_schema_from_json(j, &s, &err), "%s",
		      wft_strbuf_cstr(&err));
	json_decref(j);
	wft_strbuf_free(&err);
	return s;
}

static const struct wft_ovsdb_type *col_type(struct wft_ovsdb_schema *s,
					     const char *name)
{
	const struct wft_ovsdb_table_schema *t = wft_ovsdb_schema_table(s, "R");
	int c = wft_ovsdb_table_column(t, name);

	ck_assert_int_ge(c, 0);
	return &t->columns[c].type;
}

/* ---- messages through the splitter and a socket ---- */

static const char *const msgs[] = {
	"{\"id\":1,\"method\":\"get_schema\",\"params\":[\"OVN_Southbound\"]}",
	"{\"id\":null,\"method\":\"update2\",\"params\":[\"m\",{\"R\":{\""
	U1 "\":{\"modify\":{\"s\":\"}{][\\\"\"}}}}]}",
	"{\"id\":\"echo\",\"method\":\"echo\",\"params\":[]}",
	"{\"id\":7,\"result\":{\"a\":[1,2]},\"error\":null}",
	"{\"id\":8,\"result\":null,\"error\":{\"error\":\"unknown method\"}}",
	"{\"id\":9,\"error\":{\"error\":\"x\",\"details\":\"y\"}}",
	"{\"id\":10,\"result\":[]}",
};
static const enum wft_ovsdb_msg_kind msg_kinds[] = {
	WFT_OVSDB_MSG_REQUEST, WFT_OVSDB_MSG_NOTIFY, WFT_OVSDB_MSG_REQUEST,
	WFT_OVSDB_MSG_REPLY, WFT_OVSDB_MSG_ERROR, WFT_OVSDB_MSG_ERROR,
	WFT_OVSDB_MSG_REPLY,
};

/* Writes all of @msgs through a socketpair in chunks of @step bytes,
 * reading each chunk with wft_ovsdb_conn_read(). */
static void socket_split(size_t step)
{
	struct wft_jsonrpc_error err;
	struct wft_ovsdb_conn conn;
	char all[4096] = "";
	int sv[2], i, got = 0, ret;
	size_t off, len;
	json_t *j;

	for (i = 0; i < N(msgs); i++)
		strcat(all, msgs[i]);
	len = strlen(all);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK,
				    0, sv), 0);
	memset(&conn, 0, sizeof(conn));
	conn.fd = sv[0];
	conn.name = strdup("test");
	wft_jsonrpc_stream_init(&conn.in, 0);
	wft_jsonrpc_error_init(&err);
	for (off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;

		ck_assert_int_eq(write(sv[1], all + off, n), (ssize_t)n);
		ck_assert_int_eq(wft_ovsdb_conn_read(&conn), (int)n);
		while ((ret = wft_ovsdb_conn_next(&conn, &j, &err)) == 1) {
			struct wft_ovsdb_msg m;
			json_t *want = json_loads(msgs[got], 0, NULL);
			const char *why;

			ck_assert_int_lt(got, N(msgs));
			ck_assert(json_equal(j, want));
			ck_assert_int_eq(wft_ovsdb_msg_parse(j, &m, &why), 0);
			ck_assert_int_eq(m.kind, msg_kinds[got]);
			json_decref(want);
			json_decref(j);
			got++;
		}
		ck_assert_int_eq(ret, 0);
	}
	ck_assert_int_eq(got, N(msgs));
	/* Nothing more: a read says "nothing available", not EOF. */
	ck_assert_int_eq(wft_ovsdb_conn_read(&conn), 0);
	close(sv[1]);
	ck_assert_int_eq(wft_ovsdb_conn_read(&conn), -ECONNRESET);
	conn.fd = -1;
	close(sv[0]);
	free(conn.name);
	wft_jsonrpc_stream_uninit(&conn.in);
	wft_jsonrpc_error_clear(&err);
}

START_TEST(test_msgs_byte_at_a_time)
{
	socket_split(1);
}
END_TEST

START_TEST(test_msgs_one_read)
{
	socket_split(4096);
	socket_split(13);
}
END_TEST

START_TEST(test_msg_parse_errors)
{
	static const char *const bad[] = {
		"[1]",
		"{\"method\":\"echo\",\"params\":[]}",		/* no id */
		"{\"id\":1,\"method\":2,\"params\":[]}",
		"{\"id\":1,\"method\":\"echo\",\"params\":{}}",
		"{\"id\":1}",
		"{\"id\":1,\"result\":1,\"error\":{\"error\":\"x\"}}",
	};
	struct wft_ovsdb_msg m;
	const char *why;
	int i;

	for (i = 0; i < N(bad); i++) {
		json_t *j = json_loads(bad[i], 0, NULL);

		ck_assert_ptr_nonnull(j);
		why = NULL;
		ck_assert_int_eq(wft_ovsdb_msg_parse(j, &m, &why), -EPROTO);
		ck_assert_ptr_nonnull(why);
		json_decref(j);
	}
}
END_TEST

START_TEST(test_msg_builders)
{
	json_t *id = json_string("x"), *j, *want;
	struct wft_strbuf sb = WFT_STRBUF_INIT;

	j = wft_ovsdb_request_new("echo", NULL, 5);
	want = json_loads("{\"id\":5,\"method\":\"echo\",\"params\":[]}", 0,
			  NULL);
	ck_assert(json_equal(j, want));
	json_decref(j);
	json_decref(want);
	j = wft_ovsdb_reply_new(id, json_pack("[i]", 1));
	want = json_loads("{\"id\":\"x\",\"result\":[1],\"error\":null}", 0,
			  NULL);
	ck_assert(json_equal(j, want));
	json_decref(j);
	json_decref(want);
	j = wft_ovsdb_notify_new("update2", NULL);
	ck_assert(json_is_null(json_object_get(j, "id")));
	json_decref(j);
	j = json_pack("{s:s,s:s}", "error", "constraint violation", "details",
		      "x");
	wft_ovsdb_error_format(j, &sb);
	ck_assert_str_eq(wft_strbuf_cstr(&sb), "constraint violation: x");
	json_decref(j);
	json_decref(id);
	wft_strbuf_free(&sb);
}
END_TEST

/* ---- data ---- */

struct roundtrip {
	const char *col;
	const char *in;
	const char *out;	/* NULL: same as in */
};

static const struct roundtrip good[] = {
	{ "i", "-42", NULL },
	{ "i", "9007199254740993", NULL },
	{ "r", "1.5", NULL },
	{ "r", "3", "3.0" },
	{ "b", "true", NULL },
	{ "b", "[\"set\",[false]]", "false" },
	{ "s", "\"a \\\"q\\\" \\u00e9\"", NULL },
	{ "u", "[\"uuid\",\"" U1 "\"]", NULL },
	{ "os", "[\"set\",[]]", NULL },
	{ "os", "\"x\"", NULL },
	{ "os", "[\"set\",[\"x\"]]", "\"x\"" },
	{ "ou", "[\"uuid\",\"" U2 "\"]", NULL },
	{ "ou", "[\"set\",[]]", NULL },
	{ "si", "[\"set\",[3,1,2]]", "[\"set\",[1,2,3]]" },
	{ "si", "[\"set\",[]]", NULL },
	{ "si", "7", NULL },
	{ "ss", "[\"set\",[\"b\",\"a\"]]", "[\"set\",[\"a\",\"b\"]]" },
	{ "su", "[\"set\",[[\"uuid\",\"" U3 "\"],[\"uuid\",\"" U1 "\"]]]",
	  "[\"set\",[[\"uuid\",\"" U1 "\"],[\"uuid\",\"" U3 "\"]]]" },
	{ "sb", "[\"set\",[true,false]]", "[\"set\",[false,true]]" },
	{ "mss", "[\"map\",[]]", NULL },
	{ "mss", "[\"map\",[[\"z\",\"1\"],[\"a\",\"2\"]]]",
	  "[\"map\",[[\"a\",\"2\"],[\"z\",\"1\"]]]" },
	{ "mss", "[\"map\",[[\"k\",\"v\"]]]", NULL },
	{ "miu", "[\"map\",[[2,[\"uuid\",\"" U2 "\"]],[1,[\"uuid\",\"" U1
	  "\"]]]]", "[\"map\",[[1,[\"uuid\",\"" U1 "\"]],[2,[\"uuid\",\""
	  U2 "\"]]]]" },
	{ "msr", "[\"map\",[[\"x\",0.25]]]", NULL },
};

static const struct roundtrip bad[] = {
	{ "i", "1.5", NULL },
	{ "i", "\"1\"", NULL },
	{ "r", "true", NULL },
	{ "b", "0", NULL },
	{ "s", "[\"set\",[]]", NULL },		/* min 1 */
	{ "s", "[\"set\",[\"a\",\"b\"]]", NULL },	/* max 1 */
	{ "u", "\"" U1 "\"", NULL },
	{ "u", "[\"uuid\",\"nope\"]", NULL },
	{ "u", "[\"named-uuid\",\"row1\"]", NULL },
	{ "ss", "[\"set\",[\"a\",\"b\",\"c\",\"d\"]]", NULL },
	{ "ss", "[\"set\",[\"a\",\"a\"]]", NULL },
	{ "si", "[\"map\",[[1,2]]]", NULL },
	{ "mss", "[\"set\",[]]", NULL },
	{ "mss", "\"k\"", NULL },
	{ "mss", "[\"map\",[[\"k\",1]]]", NULL },
	{ "mss", "[\"map\",[[\"k\",\"1\"],[\"k\",\"2\"]]]", NULL },
	{ "mss", "[\"map\",[[\"k\"]]]", NULL },
	{ "miu", "[\"map\",[[1,\"x\"]]]", NULL },
};

START_TEST(test_datum_roundtrip)
{
	struct wft_ovsdb_schema *s = load_schema();
	const struct roundtrip *rt = &good[_i];
	const struct wft_ovsdb_type *t = col_type(s, rt->col);
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_datum d, d2;
	json_t *in, *want, *out;

	in = json_loads(rt->in, JSON_DECODE_ANY, NULL);
	want = json_loads(rt->out ? rt->out : rt->in, JSON_DECODE_ANY, NULL);
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(want);
	ck_assert_msg(!wft_ovsdb_datum_from_json(t, in, false, &d, &err),
		      "%s: %s", rt->in, wft_strbuf_cstr(&err));
	out = wft_ovsdb_datum_to_json(t, &d);
	ck_assert_msg(json_equal(out, want), "%s: got %s", rt->in,
		      json_dumps(out, JSON_ENCODE_ANY));
	/* And back again: the same datum. */
	ck_assert(!wft_ovsdb_datum_from_json(t, out, false, &d2, &err));
	ck_assert(wft_ovsdb_datum_equal(t, &d, &d2));
	wft_ovsdb_datum_destroy(t, &d);
	wft_ovsdb_datum_destroy(t, &d2);
	json_decref(in);
	json_decref(want);
	json_decref(out);
	wft_strbuf_free(&err);
	wft_ovsdb_schema_free(s);
}
END_TEST

START_TEST(test_datum_bad)
{
	struct wft_ovsdb_schema *s = load_schema();
	const struct roundtrip *rt = &bad[_i];
	const struct wft_ovsdb_type *t = col_type(s, rt->col);
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_datum d;
	json_t *in = json_loads(rt->in, JSON_DECODE_ANY, NULL);

	ck_assert_ptr_nonnull(in);
	ck_assert_msg(wft_ovsdb_datum_from_json(t, in, false, &d, &err) ==
		      -EINVAL, "%s accepted for %s", rt->in, rt->col);
	ck_assert_msg(err.len > 0, "no reason for %s", rt->in);
	json_decref(in);
	wft_strbuf_free(&err);
	wft_ovsdb_schema_free(s);
}
END_TEST

START_TEST(test_defaults)
{
	static const char *const want[][2] = {
		{ "i", "0" }, { "r", "0.0" }, { "b", "false" }, { "s", "\"\"" },
		{ "u", "[\"uuid\",\"00000000-0000-0000-0000-000000000000\"]" },
		{ "os", "[\"set\",[]]" }, { "ss", "\"\"" },
		{ "mss", "[\"map\",[]]" },
	};
	struct wft_ovsdb_schema *s = load_schema();
	int i;

	for (i = 0; i < N(want); i++) {
		const struct wft_ovsdb_type *t = col_type(s, want[i][0]);
		json_t *w = json_loads(want[i][1], JSON_DECODE_ANY, NULL), *o;
		struct wft_ovsdb_datum d;

		wft_ovsdb_datum_default(t, &d);
		ck_assert(wft_ovsdb_datum_is_default(t, &d));
		o = wft_ovsdb_datum_to_json(t, &d);
		ck_assert_msg(json_equal(o, w), "default of %s", want[i][0]);
		json_decref(o);
		json_decref(w);
		wft_ovsdb_datum_destroy(t, &d);
	}
	wft_ovsdb_schema_free(s);
}
END_TEST

/* ---- diffs ---- */

struct diffcase {
	const char *col, *before, *diff, *after;	/* after NULL: error */
};

static const struct diffcase diffs[] = {
	/* Scalars: the new value. */
	{ "i", "1", "5", "5" },
	{ "s", "\"a\"", "\"b\"", "\"b\"" },
	/* Optional values (max 1): the new value, as ovsdb-server sends
	 * it (A to B arrives as B, a clear as the empty set). */
	{ "os", "\"a\"", "\"b\"", "\"b\"" },
	{ "os", "\"a\"", "[\"set\",[]]", "[\"set\",[]]" },
	{ "os", "[\"set\",[]]", "\"c\"", "\"c\"" },
	{ "ou", "[\"uuid\",\"" U1 "\"]", "[\"uuid\",\"" U2 "\"]",
	  "[\"uuid\",\"" U2 "\"]" },
	{ "os", "\"a\"", "[\"set\",[\"a\",\"b\"]]", NULL },
	{ "i", "1", "[\"set\",[]]", NULL },
	/* Sets: membership toggles. */
	{ "si", "[\"set\",[1,2,3]]", "[\"set\",[2,4]]", "[\"set\",[1,3,4]]" },
	{ "si", "[\"set\",[1]]", "1", "[\"set\",[]]" },
	{ "si", "[\"set\",[]]", "[\"set\",[9,8]]", "[\"set\",[8,9]]" },
	{ "ss", "\"a\"", "[\"set\",[\"a\",\"b\",\"c\"]]",
	  "[\"set\",[\"b\",\"c\"]]" },
	{ "ss", "\"a\"", "\"a\"", NULL },	/* min 1 broken */
	/* Maps: same pair removes, new key adds, other value replaces. */
	{ "mss", "[\"map\",[[\"a\",\"1\"],[\"b\",\"2\"],[\"c\",\"3\"]]]",
	  "[\"map\",[[\"a\",\"1\"],[\"b\",\"9\"],[\"d\",\"4\"]]]",
	  "[\"map\",[[\"b\",\"9\"],[\"c\",\"3\"],[\"d\",\"4\"]]]" },
	{ "mss", "[\"map\",[]]", "[\"map\",[[\"k\",\"v\"]]]",
	  "[\"map\",[[\"k\",\"v\"]]]" },
	{ "msr", "[\"map\",[[\"x\",1.0]]]", "[\"map\",[[\"x\",1.0]]]",
	  "[\"map\",[]]" },
};

START_TEST(test_diff)
{
	struct wft_ovsdb_schema *s = load_schema();
	const struct diffcase *dc = &diffs[_i];
	const struct wft_ovsdb_type *t = col_type(s, dc->col);
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_datum d, diff;
	json_t *jb, *jd, *out;
	int ret;

	jb = json_loads(dc->before, JSON_DECODE_ANY, NULL);
	jd = json_loads(dc->diff, JSON_DECODE_ANY, NULL);
	ck_assert(!wft_ovsdb_datum_from_json(t, jb, false, &d, &err));
	/* A diff may hold more than the column allows (max 1 here). */
	ck_assert_msg(!wft_ovsdb_datum_from_json(t, jd, true, &diff, &err),
		      "%s", wft_strbuf_cstr(&err));
	ret = wft_ovsdb_datum_apply_diff(t, &d, &diff, &err);
	if (!dc->after) {
		ck_assert_int_eq(ret, -EINVAL);
	} else {
		json_t *want = json_loads(dc->after, JSON_DECODE_ANY, NULL);

		ck_assert_msg(!ret, "%s", wft_strbuf_cstr(&err));
		out = wft_ovsdb_datum_to_json(t, &d);
		ck_assert_msg(json_equal(out, want), "%s + %s = %s",
			      dc->before, dc->diff,
			      json_dumps(out, JSON_ENCODE_ANY));
		json_decref(out);
		json_decref(want);
	}
	wft_ovsdb_datum_destroy(t, &d);
	wft_ovsdb_datum_destroy(t, &diff);
	json_decref(jb);
	json_decref(jd);
	wft_strbuf_free(&err);
	wft_ovsdb_schema_free(s);
}
END_TEST

/* ---- the replica ---- */

static void apply2(struct wft_ovsdb_replica *r, const char *upd, int want)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	json_t *j = json_loads(upd, 0, NULL);
	int ret;

	ck_assert_ptr_nonnull(j);
	ret = wft_ovsdb_replica_apply_update2(r, j, &err);
	ck_assert_msg(ret == want, "%s: %d (%s)", upd, ret,
		      wft_strbuf_cstr(&err));
	json_decref(j);
	wft_strbuf_free(&err);
}

static struct wft_ovsdb_row *row_of(struct wft_ovsdb_replica *r,
				    const char *uuid, bool tracked)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "R");
	struct wft_ovsdb_row *row;
	struct wft_uuid u;

	ck_assert(wft_uuid_parse(uuid, &u));
	if (!tracked)
		return wft_ovsdb_rtable_find(t, &u);
	for (row = wft_ovsdb_rtable_tracked_first(t); row;
	     row = wft_ovsdb_row_tracked_next(row))
		if (!wft_uuid_cmp(wft_ovsdb_row_uuid(row), &u))
			return row;
	return NULL;
}

static int n_tracked(struct wft_ovsdb_replica *r)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "R");
	struct wft_ovsdb_row *row;
	int n = 0;

	for (row = wft_ovsdb_rtable_tracked_first(t); row;
	     row = wft_ovsdb_row_tracked_next(row))
		n++;
	return n;
}

static void assert_col(struct wft_ovsdb_replica *r,
		       const struct wft_ovsdb_row *row, const char *col,
		       const char *want, bool old)
{
	const struct wft_ovsdb_table_schema *ts =
		wft_ovsdb_rtable_schema(wft_ovsdb_replica_table(r, "R"));
	int c = wft_ovsdb_table_column(ts, col);
	json_t *w = json_loads(want, JSON_DECODE_ANY, NULL), *o;
	char *txt;

	ck_assert_int_ge(c, 0);
	ck_assert_ptr_nonnull(w);
	o = wft_ovsdb_datum_to_json(&ts->columns[c].type,
				    old ? wft_ovsdb_row_old(row, c) :
				    wft_ovsdb_row_get(row, c));
	txt = json_dumps(o, JSON_ENCODE_ANY);
	ck_assert_msg(json_equal(o, w), "%s%s: %s, want %s", old ? "old " : "",
		      col, txt, want);
	free(txt);
	json_decref(o);
	json_decref(w);
}

static bool changed(struct wft_ovsdb_replica *r, const struct wft_ovsdb_row *row,
		    const char *col)
{
	const struct wft_ovsdb_table_schema *ts =
		wft_ovsdb_rtable_schema(wft_ovsdb_replica_table(r, "R"));

	return wft_ovsdb_row_changed(row, wft_ovsdb_table_column(ts, col));
}

START_TEST(test_replica_tracking)
{
	struct wft_ovsdb_replica *r = wft_ovsdb_replica_new(load_schema());
	struct wft_ovsdb_row *row;

	/* Omitted columns take their defaults. */
	apply2(r, "{\"R\":{\"" U1 "\":{\"initial\":{\"i\":3,"
	       "\"mss\":[\"map\",[[\"a\",\"1\"]]]}},\"" U2 "\":{\"insert\":"
	       "{\"s\":\"two\"}}}}", 0);
	ck_assert_int_eq(wft_ovsdb_rtable_count(
		wft_ovsdb_replica_table(r, "R")), 2);
	ck_assert_int_eq(n_tracked(r), 2);
	row = row_of(r, U1, false);
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_INSERTED);
	assert_col(r, row, "s", "\"\"", false);
	assert_col(r, row, "ss", "\"\"", false);
	assert_col(r, row, "os", "[\"set\",[]]", false);
	ck_assert_int_eq(wft_ovsdb_row_integer(row, "i", -1), 3);
	ck_assert_str_eq(wft_ovsdb_row_string(row_of(r, U2, false), "s",
					      NULL), "two");
	ck_assert_str_eq(wft_ovsdb_row_string(row, "os", "none"), "none");
	/* Inserted then modified: still inserted. */
	apply2(r, "{\"R\":{\"" U1 "\":{\"modify\":{\"i\":4}}}}", 0);
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_INSERTED);
	ck_assert(wft_ovsdb_replica_has_changes(r));
	wft_ovsdb_replica_consume(r);
	ck_assert(!wft_ovsdb_replica_has_changes(r));
	ck_assert_int_eq(n_tracked(r), 0);
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_UNCHANGED);

	/* Modified twice: the oldest value is kept per column. */
	apply2(r, "{\"R\":{\"" U1 "\":{\"modify\":{\"i\":5,"
	       "\"mss\":[\"map\",[[\"a\",\"2\"],[\"b\",\"3\"]]]}}}}", 0);
	apply2(r, "{\"R\":{\"" U1 "\":{\"modify\":{\"i\":6,"
	       "\"si\":[\"set\",[1,2]]}}}}", 0);
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_MODIFIED);
	ck_assert(changed(r, row, "i"));
	ck_assert(changed(r, row, "mss"));
	ck_assert(changed(r, row, "si"));
	ck_assert(!changed(r, row, "s"));
	assert_col(r, row, "i", "6", false);
	assert_col(r, row, "i", "4", true);
	assert_col(r, row, "mss", "[\"map\",[[\"a\",\"2\"],[\"b\",\"3\"]]]",
		   false);
	assert_col(r, row, "mss", "[\"map\",[[\"a\",\"1\"]]]", true);
	assert_col(r, row, "si", "[\"set\",[]]", true);
	assert_col(r, row, "s", "\"\"", true);	/* unchanged: current */
	ck_assert_int_eq(n_tracked(r), 1);
	wft_ovsdb_replica_consume(r);

	/* Deleted: gone from the table, still readable until consumed. */
	apply2(r, "{\"R\":{\"" U2 "\":{\"delete\":null}}}", 0);
	ck_assert_ptr_null(row_of(r, U2, false));
	row = row_of(r, U2, true);
	ck_assert_ptr_nonnull(row);
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_DELETED);
	ck_assert_str_eq(wft_ovsdb_row_string(row, "s", NULL), "two");
	ck_assert_int_eq(wft_ovsdb_rtable_count(
		wft_ovsdb_replica_table(r, "R")), 1);
	/* ...and back before the consume: a modification. */
	apply2(r, "{\"R\":{\"" U2 "\":{\"insert\":{\"s\":\"deux\"}}}}", 0);
	row = row_of(r, U2, false);
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_MODIFIED);
	assert_col(r, row, "s", "\"two\"", true);
	assert_col(r, row, "s", "\"deux\"", false);
	wft_ovsdb_replica_consume(r);
	/* Back unchanged: no change at all. */
	apply2(r, "{\"R\":{\"" U2 "\":{\"delete\":null}}}", 0);
	apply2(r, "{\"R\":{\"" U2 "\":{\"insert\":{\"s\":\"deux\"}}}}", 0);
	ck_assert_int_eq(n_tracked(r), 0);
	/* Inserted then deleted: nothing to report. */
	apply2(r, "{\"R\":{\"" U3 "\":{\"insert\":{}}}}", 0);
	apply2(r, "{\"R\":{\"" U3 "\":{\"delete\":null}}}", 0);
	ck_assert_int_eq(n_tracked(r), 0);
	ck_assert(!wft_ovsdb_replica_has_changes(r));

	/* Errors: unknown rows, tables, operations, bad values. */
	apply2(r, "{\"R\":{\"" U3 "\":{\"modify\":{\"i\":1}}}}", -EPROTO);
	apply2(r, "{\"R\":{\"" U3 "\":{\"delete\":null}}}", -EPROTO);
	apply2(r, "{\"Nope\":{\"" U3 "\":{\"insert\":{}}}}", -EPROTO);
	apply2(r, "{\"R\":{\"" U3 "\":{\"upsert\":{}}}}", -EPROTO);
	apply2(r, "{\"R\":{\"not-a-uuid\":{\"insert\":{}}}}", -EPROTO);
	apply2(r, "{\"R\":{\"" U3 "\":{\"insert\":{\"i\":\"x\"}}}}", -EPROTO);
	apply2(r, "{\"R\":{\"" U1 "\":{\"modify\":{\"ss\":\"\"}}}}", -EPROTO);
	apply2(r, "{\"R\":{\"" U3 "\":{}}}", -EPROTO);
	wft_ovsdb_replica_free(r);
}
END_TEST

START_TEST(test_replica_resync)
{
	struct wft_ovsdb_replica *r = wft_ovsdb_replica_new(load_schema());
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_ovsdb_row *row;
	json_t *j;

	apply2(r, "{\"R\":{\"" U1 "\":{\"initial\":{\"i\":1}},\"" U2
	       "\":{\"initial\":{\"i\":2}}}}", 0);
	wft_ovsdb_replica_consume(r);
	/* The new contents: U1 same, U2 changed, U3 new; nothing else. */
	wft_ovsdb_replica_resync_begin(r);
	apply2(r, "{\"R\":{\"" U2 "\":{\"initial\":{\"i\":20}},\"" U3
	       "\":{\"initial\":{\"i\":3}}}}", 0);
	wft_ovsdb_replica_resync_end(r);
	ck_assert_int_eq(n_tracked(r), 3);
	ck_assert_int_eq(wft_ovsdb_row_change(row_of(r, U1, true)),
			 WFT_OVSDB_DELETED);
	row = row_of(r, U2, false);
	ck_assert_int_eq(wft_ovsdb_row_change(row), WFT_OVSDB_MODIFIED);
	assert_col(r, row, "i", "2", true);
	ck_assert_int_eq(wft_ovsdb_row_change(row_of(r, U3, false)),
			 WFT_OVSDB_INSERTED);
	wft_ovsdb_replica_consume(r);
	/* A resync with the same contents reports nothing. */
	wft_ovsdb_replica_resync_begin(r);
	apply2(r, "{\"R\":{\"" U2 "\":{\"initial\":{\"i\":20}},\"" U3
	       "\":{\"initial\":{\"i\":3}}}}", 0);
	wft_ovsdb_replica_resync_end(r);
	ck_assert(!wft_ovsdb_replica_has_changes(r));
	/* RFC 7047 "update" rows: whole rows in "new", deletes in "old". */
	j = json_loads("{\"R\":{\"" U2 "\":{\"old\":{\"i\":20},\"new\":{\"i\":"
		       "21,\"s\":\"x\"}},\"" U3 "\":{\"old\":{\"i\":3}}}}", 0,
		       NULL);
	ck_assert_int_eq(wft_ovsdb_replica_apply_update(r, j, &err), 0);
	json_decref(j);
	ck_assert_int_eq(wft_ovsdb_row_integer(row_of(r, U2, false), "i", 0),
			 21);
	ck_assert_ptr_null(row_of(r, U3, false));
	j = wft_ovsdb_replica_to_json(r, NULL);
	ck_assert_int_eq(json_object_size(json_object_get(j, "R")), 1);
	json_decref(j);
	wft_strbuf_free(&err);
	wft_ovsdb_replica_free(r);
}
END_TEST

/* Many rows: the hash grows and every row stays findable. */
START_TEST(test_replica_many)
{
	struct wft_ovsdb_replica *r = wft_ovsdb_replica_new(load_schema());
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "R");
	struct wft_strbuf err = WFT_STRBUF_INIT;
	json_t *rows = json_object(), *upd;
	char u[WFT_UUID_STRLEN + 1];
	struct wft_uuid uu;
	int i;

	for (i = 0; i < 5000; i++) {
		wft_uuid_random(&uu);
		wft_uuid_format(&uu, u);
		json_object_set_new(rows, u, json_pack("{s:{s:i}}", "insert",
						       "i", i));
	}
	upd = json_pack("{s:o}", "R", rows);
	ck_assert_int_eq(wft_ovsdb_replica_apply_update2(r, upd, &err), 0);
	ck_assert_int_eq(wft_ovsdb_rtable_count(t), 5000);
	{
		const char *k;
		json_t *v;

		json_object_foreach(rows, k, v) {
			ck_assert(wft_uuid_parse(k, &uu));
			ck_assert_int_eq(wft_ovsdb_row_integer(
				wft_ovsdb_rtable_find(t, &uu), "i", -1),
				json_integer_value(json_object_get(
					json_object_get(v, "insert"), "i")));
		}
	}
	json_decref(upd);
	wft_strbuf_free(&err);
	wft_ovsdb_replica_free(r);
}
END_TEST

/* ---- transactions ---- */

START_TEST(test_txn_builder)
{
	struct wft_ovsdb_replica *r = wft_ovsdb_replica_new(load_schema());
	struct wft_ovsdb_txn *t = wft_ovsdb_txn_new("T");
	json_t *want;

	apply2(r, "{\"R\":{\"" U1 "\":{\"initial\":{\"i\":3}}}}", 0);
	ck_assert_int_eq(wft_ovsdb_txn_insert(t, "R",
		json_pack("{s:s}", "s", "x"), "new"), 0);
	ck_assert_int_eq(wft_ovsdb_txn_update(t, "R",
		json_pack("[[s,s,s]]", "s", "==", "x"),
		json_pack("{s:i}", "i", 1)), 1);
	ck_assert_int_eq(wft_ovsdb_txn_mutate(t, "R", NULL,
		json_pack("[[s,s,i]]", "i", "+=", 1)), 2);
	ck_assert_int_eq(wft_ovsdb_txn_delete(t, "R",
		json_pack("[[s,s,[s,s]]]", "_uuid", "==", "named-uuid",
			  "new")), 3);
	ck_assert_int_eq(wft_ovsdb_txn_verify(t, row_of(r, U1, false), "i"),
			 4);
	ck_assert_int_eq(wft_ovsdb_txn_comment(t, "hello"), 5);
	want = json_loads("[\"T\","
		"{\"op\":\"insert\",\"table\":\"R\",\"row\":{\"s\":\"x\"},"
		" \"uuid-name\":\"new\"},"
		"{\"op\":\"update\",\"table\":\"R\",\"where\":[[\"s\",\"==\","
		" \"x\"]],\"row\":{\"i\":1}},"
		"{\"op\":\"mutate\",\"table\":\"R\",\"where\":[],"
		" \"mutations\":[[\"i\",\"+=\",1]]},"
		"{\"op\":\"delete\",\"table\":\"R\",\"where\":[[\"_uuid\","
		" \"==\",[\"named-uuid\",\"new\"]]]},"
		"{\"op\":\"wait\",\"table\":\"R\",\"where\":[[\"_uuid\",\"==\","
		" [\"uuid\",\"" U1 "\"]]],\"columns\":[\"i\"],\"until\":\"==\","
		" \"rows\":[{\"i\":3}],\"timeout\":0},"
		"{\"op\":\"comment\",\"comment\":\"hello\"}]", 0, NULL);
	ck_assert_ptr_nonnull(want);
	ck_assert_msg(json_equal(wft_ovsdb_txn_json(t), want), "%s",
		      json_dumps(wft_ovsdb_txn_json(t), 0));
	ck_assert_int_eq(wft_ovsdb_txn_verify(t, row_of(r, U1, false),
					      "nope"), -EINVAL);
	json_decref(want);
	wft_ovsdb_txn_free(t);
	wft_ovsdb_replica_free(r);
}
END_TEST

START_TEST(test_txn_results)
{
	static const struct {
		const char *reply;
		size_t n_ops;
		enum wft_ovsdb_txn_status st;
		const char *why;
	} cases[] = {
		{ "[{\"uuid\":[\"uuid\",\"" U1 "\"]},{\"count\":1}]", 2,
		  WFT_OVSDB_TXN_SUCCESS, "" },
		{ "[{},{\"error\":\"timed out\"},null]", 3,
		  WFT_OVSDB_TXN_TRY_AGAIN, "operation 1: timed out" },
		{ "[{\"error\":\"constraint violation\",\"details\":\"d\"}]", 1,
		  WFT_OVSDB_TXN_ERROR, "operation 0: constraint violation: d" },
		{ "[{},{\"error\":\"referential integrity violation\"}]", 1,
		  WFT_OVSDB_TXN_ERROR, "commit: referential integrity "
		  "violation" },
		{ "[{}]", 2, WFT_OVSDB_TXN_ERROR, "1 results for 2 operations" },
		{ "{}", 1, WFT_OVSDB_TXN_ERROR, "the reply is not an array" },
	};
	int i;

	for (i = 0; i < N(cases); i++) {
		struct wft_strbuf why = WFT_STRBUF_INIT;
		json_t *j = json_loads(cases[i].reply, 0, NULL);

		ck_assert_int_eq(wft_ovsdb_txn_parse_results(j, cases[i].n_ops,
							     &why),
				 cases[i].st);
		ck_assert_str_eq(wft_strbuf_cstr(&why), cases[i].why);
		if (!i) {
			struct wft_ovsdb_txn_result res = { .results = j };
			struct wft_uuid u, want;

			ck_assert(wft_ovsdb_txn_result_uuid(&res, 0, &u));
			ck_assert(wft_uuid_parse(U1, &want));
			ck_assert(!wft_uuid_cmp(&u, &want));
			ck_assert(!wft_ovsdb_txn_result_uuid(&res, 1, &u));
		}
		json_decref(j);
		wft_strbuf_free(&why);
	}
}
END_TEST

START_TEST(test_remotes)
{
	static const struct {
		const char *remote;
		int ret;
	} cases[] = {
		{ "unix:/run/ovn/ovnsb_db.sock", 0 },
		{ "tcp:127.0.0.1:6642", 0 },
		{ "tcp:[::1]:6642", 0 },
		{ "ssl:127.0.0.1:6642", 0 },
		{ "ssl:[::1]:6642", 0 },
		{ "ssl:127.0.0.1", -EINVAL },
		{ "tcp:127.0.0.1", -EINVAL },
		{ "tcp:host.example:6642", -EINVAL },
		{ "unix:", -EINVAL },
		{ "ptcp:6642", -EINVAL },
	};
	int i;

	for (i = 0; i < N(cases); i++) {
		struct wft_strbuf err = WFT_STRBUF_INIT;

		ck_assert_msg(wft_ovsdb_remote_check(cases[i].remote, &err) ==
			      cases[i].ret, "%s", cases[i].remote);
		wft_strbuf_free(&err);
	}
}
END_TEST

START_TEST(test_sb_schema)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	const struct wft_ovsdb_table_schema *t;
	struct wft_ovsdb_schema *s;
	int c;

	/* scripts/deps installs ovn-central, which ships the schema. */
	ck_assert_msg(!wft_ovsdb_schema_from_file(
		"/usr/share/ovn/ovn-sb.ovsschema", &s, &err), "%s",
		wft_strbuf_cstr(&err));
	ck_assert_str_eq(s->name, "OVN_Southbound");
	t = wft_ovsdb_schema_table(s, "Port_Binding");
	ck_assert_ptr_nonnull(t);
	c = wft_ovsdb_table_column(t, "chassis");
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(t->columns[c].type.key, WFT_OVSDB_UUID);
	ck_assert_str_eq(t->columns[c].type.ref_table, "Chassis");
	ck_assert_int_eq(t->columns[c].type.n_min, 0);
	ck_assert_int_eq(t->columns[c].type.n_max, 1);
	c = wft_ovsdb_table_column(t, "options");
	ck_assert_int_eq(t->columns[c].type.value, WFT_OVSDB_STRING);
	ck_assert_int_eq(t->columns[c].type.n_max, UINT_MAX);
	ck_assert_int_lt(wft_ovsdb_table_column(t, "_uuid"), 0);
	ck_assert_ptr_null(wft_ovsdb_schema_table(s, "Nope"));
	wft_ovsdb_schema_free(s);
	wft_strbuf_free(&err);
}
END_TEST

static Suite *ovsdb_suite(void)
{
	Suite *s = suite_create("ovsdb");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_msgs_byte_at_a_time);
	tcase_add_test(tc, test_msgs_one_read);
	tcase_add_test(tc, test_msg_parse_errors);
	tcase_add_test(tc, test_msg_builders);
	tcase_add_loop_test(tc, test_datum_roundtrip, 0, N(good));
	tcase_add_loop_test(tc, test_datum_bad, 0, N(bad));
	tcase_add_test(tc, test_defaults);
	tcase_add_loop_test(tc, test_diff, 0, N(diffs));
	tcase_add_test(tc, test_replica_tracking);
	tcase_add_test(tc, test_replica_resync);
	tcase_add_test(tc, test_replica_many);
	tcase_add_test(tc, test_txn_builder);
	tcase_add_test(tc, test_txn_results);
	tcase_add_test(tc, test_remotes);
	tcase_add_test(tc, test_sb_schema);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ovsdb_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
