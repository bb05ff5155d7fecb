// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the JSON-RPC framing (include/weft/jsonrpc.h):
 *  - texts split at every byte boundary, and many texts in one feed;
 *  - strings holding braces, brackets, quotes and escapes;
 *  - malformed texts (skipped, the stream goes on), bad first bytes and
 *    oversized texts (the stream stops);
 *  - message classification and builders;
 *  - the blocking client against a socketpair peer.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "weft/jsonrpc.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Texts that must come out of the splitter whole, compared after a dump. */
static const char *const texts[] = {
	"{}",
	"[]",
	"{\"jsonrpc\":\"2.0\",\"method\":\"list-commands\",\"id\":1}",
	"{\"a\":\"}\"}",
	"{\"a\":\"{[\\\"]}\"}",
	"{\"a\":\"\\\\\"}",
	"[1,[2,[3,{\"b\":[]}]]]",
	"{\"s\":\"\\u00e9\\n\\t\"}",
};

/* Feeds @s in chunks of @step bytes; checks every text comes out. */
static void split_and_check(const char *s, size_t step, int n_expected)
{
	struct wft_jsonrpc_stream st;
	struct wft_jsonrpc_error err;
	size_t off, len = strlen(s);
	int got = 0, ret;
	json_t *j;

	wft_jsonrpc_stream_init(&st, 0);
	wft_jsonrpc_error_init(&err);
	for (off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;

		ck_assert_int_eq(wft_jsonrpc_stream_feed(&st, s + off, n), 0);
		while ((ret = wft_jsonrpc_stream_next(&st, &j, &err)) == 1) {
			got++;
			json_decref(j);
		}
		ck_assert_int_eq(ret, 0);
	}
	ck_assert_int_eq(got, n_expected);
	ck_assert(wft_jsonrpc_stream_idle(&st));
	wft_jsonrpc_stream_uninit(&st);
	wft_jsonrpc_error_clear(&err);
}

START_TEST(test_split_every_boundary)
{
	const char *t = texts[_i];
	size_t step;

	for (step = 1; step <= strlen(t) + 1; step++)
		split_and_check(t, step, 1);
}
END_TEST

START_TEST(test_concatenated)
{
	char buf[4096] = "";
	int i, rounds;

	for (rounds = 0; rounds < 3; rounds++)
		for (i = 0; i < N(texts); i++) {
			strcat(buf, texts[i]);
			strcat(buf, i % 2 ? "\n" : "  \r\n\t");
		}
	split_and_check(buf, strlen(buf), 3 * N(texts));
	split_and_check(buf, 1, 3 * N(texts));
	split_and_check(buf, 7, 3 * N(texts));
}
END_TEST

/* The text comes out equal to what went in. */
START_TEST(test_content)
{
	struct wft_jsonrpc_stream st;
	json_t *j, *want;

	wft_jsonrpc_stream_init(&st, 0);
	ck_assert_int_eq(wft_jsonrpc_stream_feed(&st, texts[_i],
						 strlen(texts[_i])), 0);
	ck_assert_int_eq(wft_jsonrpc_stream_next(&st, &j, NULL), 1);
	want = json_loads(texts[_i], 0, NULL);
	ck_assert(want);
	ck_assert(json_equal(j, want));
	json_decref(j);
	json_decref(want);
	wft_jsonrpc_stream_uninit(&st);
}
END_TEST

START_TEST(test_malformed_then_good)
{
	static const char in[] = "{\"a\":}{\"b\":1}[1,,2]{\"c\":2}";
	struct wft_jsonrpc_stream st;
	struct wft_jsonrpc_error err;
	json_t *j;

	wft_jsonrpc_stream_init(&st, 0);
	wft_jsonrpc_error_init(&err);
	wft_jsonrpc_stream_feed(&st, in, strlen(in));
	ck_assert_int_eq(wft_jsonrpc_stream_next(&st, &j, &err), -EBADMSG);
	ck_assert_int_eq(err.code, WFT_RPC_PARSE_ERROR);
	ck_assert_msg(strstr(err.message, "line 1, column 6"), "%s",
		      err.message);
	ck_assert_int_eq(wft_jsonrpc_stream_next(&st, &j, &err), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "b")), 1);
	json_decref(j);
	ck_assert_int_eq(wft_jsonrpc_stream_next(&st, &j, &err), -EBADMSG);
	ck_assert_int_eq(wft_jsonrpc_stream_next(&st, &j, &err), 1);
	json_decref(j);
	ck_assert_int_eq(wft_jsonrpc_stream_next(&st, &j, &err), 0);
	wft_jsonrpc_stream_uninit(&st);
	wft_jsonrpc_error_clear(&err);
}
END_TEST

START_TEST(test_bad_first_byte)
{
	static const char *const bad[] = { "42", "\"x\"", "true", "}", "x{}" };
	struct wft_jsonrpc_stream st;
	struct wft_jsonrpc_error err;
	json_t *j;

	wft_jsonrpc_stream_init(&st, 0);
	wft_jsonrpc_error_init(&err);
	wft_jsonrpc_stream_feed(&st, bad[_i], strlen(bad[_i]));
	ck_assert_int_eq(wft_jsonrpc_stream_next(&st, &j, &err), -EPROTO);
	ck_assert_int_eq(err.code, WFT_RPC_PARSE_ERROR);
	/* Permanent: a good text after it is not taken. */
	wft_jsonrpc_stream_feed(&st, "{}", 2);
	ck_assert_int_eq(wft_jsonrpc_stream_next(&st, &j, &err), -EPROTO);
	wft_jsonrpc_stream_uninit(&st);
	wft_jsonrpc_error_clear(&err);
}
END_TEST

START_TEST(test_oversized)
{
	struct wft_jsonrpc_stream st;
	struct wft_jsonrpc_error err;
	char chunk[100];
	json_t *j;
	int i, ret = 0;

	wft_jsonrpc_stream_init(&st, 1000);
	wft_jsonrpc_error_init(&err);
	memset(chunk, ' ', sizeof(chunk));
	chunk[0] = '[';
	wft_jsonrpc_stream_feed(&st, chunk, 1);
	/* An unterminated text is refused once it passes the limit, long
	 * before the sender is done. */
	for (i = 0; i < 100 && !ret; i++) {
		memset(chunk, '1', sizeof(chunk));
		chunk[0] = ',';
		wft_jsonrpc_stream_feed(&st, chunk, sizeof(chunk));
		ret = wft_jsonrpc_stream_next(&st, &j, &err);
	}
	ck_assert_int_eq(ret, -EMSGSIZE);
	ck_assert_int_le(i, 11);
	ck_assert(strstr(err.message, "longer than 1000"));
	wft_jsonrpc_stream_uninit(&st);

	/* The same, when the whole text arrives in one feed. */
	wft_jsonrpc_stream_init(&st, 10);
	wft_jsonrpc_stream_feed(&st, "[1,2,3,4,5,6,7]", 15);
	ck_assert_int_eq(wft_jsonrpc_stream_next(&st, &j, &err), -EMSGSIZE);
	wft_jsonrpc_stream_uninit(&st);
	wft_jsonrpc_error_clear(&err);
}
END_TEST

/* Messages. */

static const struct {
	const char *text;
	int ret;
	enum wft_jsonrpc_kind kind;
} msgs[] = {
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1}", 0,
	  WFT_JSONRPC_REQUEST },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[],\"id\":\"x\"}",
	  0, WFT_JSONRPC_REQUEST },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{}}", 0,
	  WFT_JSONRPC_NOTIFICATION },
	{ "{\"jsonrpc\":\"2.0\",\"result\":1,\"id\":1}", 0,
	  WFT_JSONRPC_RESULT },
	{ "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":\"m\"},"
	  "\"id\":null}", 0, WFT_JSONRPC_ERROR },
	{ "{\"method\":\"m\",\"id\":1}", -EINVAL, 0 },
	{ "{\"jsonrpc\":\"1.0\",\"method\":\"m\",\"id\":1}", -EINVAL, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"method\":1,\"id\":1}", -EINVAL, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":3,\"id\":1}",
	  -EINVAL, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":[1]}", -EINVAL, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1.5}", -EINVAL, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"result\":1,\"error\":{},\"id\":1}",
	  -EINVAL, 0 },
	{ "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":\"x\",\"message\":\"m\"},"
	  "\"id\":1}", -EINVAL, 0 },
	{ "{\"jsonrpc\":\"2.0\"}", -EINVAL, 0 },
	{ "[]", -EINVAL, 0 },
};

START_TEST(test_msg_parse)
{
	struct wft_jsonrpc_msg msg;
	const char *why = NULL;
	json_t *j = json_loads(msgs[_i].text, 0, NULL);
	int ret;

	ck_assert(j);
	ret = wft_jsonrpc_msg_parse(j, &msg, &why);
	ck_assert_msg(ret == msgs[_i].ret, "%s: %d", msgs[_i].text, ret);
	if (!ret)
		ck_assert_int_eq(msg.kind, msgs[_i].kind);
	else
		ck_assert(why && *why);
	json_decref(j);
}
END_TEST

START_TEST(test_builders)
{
	json_t *id = json_integer(7), *m;
	char *s;

	m = wft_jsonrpc_request_new("version", json_array(), 3);
	s = wft_jsonrpc_dump(m, NULL);
	ck_assert_str_eq(s, "{\"jsonrpc\":\"2.0\",\"method\":\"version\","
			    "\"params\":[],\"id\":3}");
	free(s);
	json_decref(m);
	m = wft_jsonrpc_error_new(id, WFT_RPC_METHOD_NOT_FOUND, "no",
				  json_pack("{s:i}", "exit_status", 2));
	s = wft_jsonrpc_dump(m, NULL);
	ck_assert_str_eq(s, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,"
			    "\"message\":\"no\",\"data\":{\"exit_status\":2}},"
			    "\"id\":7}");
	free(s);
	json_decref(m);
	m = wft_jsonrpc_result_new(NULL, json_string("ok"));
	s = wft_jsonrpc_dump(m, NULL);
	ck_assert_str_eq(s, "{\"jsonrpc\":\"2.0\",\"result\":\"ok\","
			    "\"id\":null}");
	free(s);
	json_decref(m);
	json_decref(id);
}
END_TEST

/* The client, against a little server thread on a socket in /tmp. */

struct peer {
	char path[108];
	int lfd;
	const char *script;	/* what to answer, byte by byte */
	bool slow;		/* one byte per write */
};

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	char buf[4096];
	size_t i;
	int fd;

	fd = accept(p->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	if (read(fd, buf, sizeof(buf)) <= 0)
		goto out;
	if (p->slow) {
		for (i = 0; p->script[i]; i++)
			if (write(fd, p->script + i, 1) != 1)
				break;
	} else if (write(fd, p->script, strlen(p->script)) < 0) {
		goto out;
	}
	/* Hold the connection open until the client is done. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
out:
	close(fd);
	return NULL;
}

static void peer_start(struct peer *p, pthread_t *t)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	snprintf(p->path, sizeof(p->path), "/tmp/check_jsonrpc.%d.sock",
		 (int)getpid());
	unlink(p->path);
	strcpy(sun.sun_path, p->path);
	p->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(p->lfd, 0);
	ck_assert_int_eq(bind(p->lfd, (void *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(p->lfd, 4), 0);
	ck_assert_int_eq(pthread_create(t, NULL, peer_main, p), 0);
}

static void peer_stop(struct peer *p, pthread_t t)
{
	pthread_join(t, NULL);
	close(p->lfd);
	unlink(p->path);
}

static int call_peer(const char *script, bool slow, json_t **result,
		     struct wft_jsonrpc_error *err, int timeout)
{
	struct wft_jsonrpc_client *c;
	struct peer p = { .script = script, .slow = slow };
	pthread_t t;
	int ret;

	peer_start(&p, &t);
	ck_assert_int_eq(wft_jsonrpc_client_open(p.path, 1000, &c, err), 0);
	ret = wft_jsonrpc_call(c, "m", NULL, timeout, result, err);
	wft_jsonrpc_client_close(c);
	peer_stop(&p, t);
	return ret;
}

START_TEST(test_client_result)
{
	struct wft_jsonrpc_error err;
	json_t *r;

	wft_jsonrpc_error_init(&err);
	/* A notification and a stale reply come first; one byte at a time. */
	ck_assert_int_eq(call_peer(
		"{\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n"
		"{\"jsonrpc\":\"2.0\",\"result\":0,\"id\":99}"
		"{\"jsonrpc\":\"2.0\",\"result\":{\"text\":\"hi\"},\"id\":1}",
		true, &r, &err, 5000), 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "text")), "hi");
	json_decref(r);
	wft_jsonrpc_error_clear(&err);
}
END_TEST

START_TEST(test_client_errors)
{
	struct wft_jsonrpc_client *c;
	struct wft_jsonrpc_error err;
	json_t *r;

	wft_jsonrpc_error_init(&err);
	ck_assert_int_eq(call_peer(
		"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,"
		"\"message\":\"no bridge named br9\"},\"id\":1}",
		false, &r, &err, 5000), -EREMOTEIO);
	ck_assert_int_eq(err.code, WFT_RPC_FAILED);
	ck_assert_str_eq(err.message, "no bridge named br9");
	ck_assert_int_eq(call_peer("", false, &r, &err, 200), -ETIMEDOUT);
	ck_assert_str_eq(err.message, "timed out waiting for weftd");
	ck_assert_int_eq(call_peer("{\"x\":1}", false, &r, &err, 5000),
			 -EPROTO);
	ck_assert_int_eq(call_peer("nonsense", false, &r, &err, 5000),
			 -EPROTO);
	ck_assert_int_eq(wft_jsonrpc_client_open("/nonexistent/sock", 100, &c,
						 &err), -ENOENT);
	ck_assert_str_eq(err.message, "cannot connect to /nonexistent/sock: "
				      "No such file or directory");
	wft_jsonrpc_error_clear(&err);
}
END_TEST

static Suite *jsonrpc_suite(void)
{
	Suite *s = suite_create("jsonrpc");
	TCase *tc;

	tc = tcase_create("stream");
	tcase_add_loop_test(tc, test_split_every_boundary, 0, N(texts));
	tcase_add_loop_test(tc, test_content, 0, N(texts));
	tcase_add_test(tc, test_concatenated);
	tcase_add_test(tc, test_malformed_then_good);
	tcase_add_loop_test(tc, test_bad_first_byte, 0, 5);
	tcase_add_test(tc, test_oversized);
	suite_add_tcase(s, tc);

	tc = tcase_create("message");
	tcase_add_loop_test(tc, test_msg_parse, 0, N(msgs));
	tcase_add_test(tc, test_builders);
	suite_add_tcase(s, tc);

	tc = tcase_create("client");
	tcase_add_test(tc, test_client_result);
	tcase_add_test(tc, test_client_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(jsonrpc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
