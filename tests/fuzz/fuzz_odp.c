// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the ovs-dpctl text codec (include/weft/odp.h).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
 *       -D_GNU_SOURCE -I. -Iinclude tests/fuzz/fuzz_odp.c agent/lib/odp_*.c \
 *       agent/lib/attrbuf.c agent/lib/strbuf.c -o build/fuzz_odp
 *   build/fuzz_odp -max_total_time=300 CORPUS_DIR
 *
 * The first byte picks what the rest is: (byte & 3) 0 = flow text,
 * 1 = action text, 2 = key and mask attributes (the second byte is the
 * key's length in 4-byte units), 3 = action attributes. Beyond "no crash, no leak, no undefined
 * behaviour" it checks the codec's promises: accepted text prints, and
 * whatever prints without error parses back and prints the same again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "weft/odp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct work {
	struct wft_attrbuf k, m;
	struct wft_strbuf t;
	struct wft_odp_error e;
};

static void work_init(struct work *w)
{
	wft_attrbuf_init(&w->k);
	wft_attrbuf_init(&w->m);
	wft_strbuf_init(&w->t);
}

static void work_free(struct work *w)
{
	wft_attrbuf_free(&w->k);
	wft_attrbuf_free(&w->m);
	wft_strbuf_free(&w->t);
}

static int parse(int flow, const char *s, struct work *w)
{
	return flow ? wft_odp_flow_from_string(s, &w->k, &w->m, &w->e)
		    : wft_odp_actions_from_string(s, &w->k, &w->e);
}

static int print(int flow, const void *k, size_t kl, const void *m,
		 size_t ml, struct wft_strbuf *out)
{
	return flow ? wft_odp_flow_format(k, kl, m, ml, out, 0)
		    : wft_odp_actions_format(k, kl, out, 0);
}

/* Printed text must parse, and print the same again. */
static void check_reprint(int flow, const char *text)
{
	struct work w;

	work_init(&w);
	if (parse(flow, text, &w))
		abort();
	if (print(flow, w.k.data, w.k.len, w.m.data, w.m.len, &w.t) ||
	    strcmp(text, wft_strbuf_cstr(&w.t)))
		abort();
	work_free(&w);
}

static void from_text(int flow, const uint8_t *data, size_t size)
{
	struct work w;
	char *s = malloc(size + 1);

	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	work_init(&w);
	if (!parse(flow, s, &w)) {
		if (print(flow, w.k.data, w.k.len, w.m.data, w.m.len, &w.t))
			abort();
		check_reprint(flow, wft_strbuf_cstr(&w.t));
	} else if (w.e.pos > strlen(s) || !w.e.msg[0]) {
		abort();
	}
	work_free(&w);
	free(s);
}

/* Flows: one byte of key length in 4-byte units, the key, then the mask. */
static void from_attrs(int flow, const uint8_t *data, size_t size)
{
	struct wft_strbuf t = WFT_STRBUF_INIT;
	size_t klen = size, off = 0;
	uint8_t *copy;

	if (flow) {
		if (!size)
			return;
		klen = (size_t)data[0] * 4;
		off = 1;
		if (klen > size - 1)
			klen = size - 1;
	}
	/* A copy of exactly the right size, so ASan sees any overread. */
	copy = malloc(size - off + 1);
	if (!copy)
		return;
	memcpy(copy, data + off, size - off);
	if (!print(flow, copy, klen, copy + klen, flow ? size - off - klen : 0,
		   &t))
		check_reprint(flow, wft_strbuf_cstr(&t));
	wft_strbuf_free(&t);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] & 3) {
	case 0:
	case 1:
		from_text(!(data[0] & 1), data + 1, size - 1);
		break;
	default:
		from_attrs(!(data[0] & 1), data + 1, size - 1);
		break;
	}
	return 0;
}
