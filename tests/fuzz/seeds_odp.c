// SPDX-License-Identifier: GPL-2.0
/*
 * Writes a seed corpus for fuzz_odp from the unit-test corpus
 * (tests/unit/odp_corpus.h): every flow and action list as text, and as the
 * attributes it parses to, framed the way fuzz_odp reads its input.
 *
 *   cc -D_GNU_SOURCE -I. -Iinclude -Itests/unit tests/fuzz/seeds_odp.c \
 *       agent/lib/odp_*.c agent/lib/attrbuf.c agent/lib/strbuf.c \
 *       -o build/seeds_odp && build/seeds_odp DIR
 */
#include <stdio.h>
#include <string.h>

#include "weft/odp.h"
#include "odp_corpus.h"

struct part {
	const void *p;
	size_t n;
};

static int write_seed(const char *dir, int n, const struct part *parts,
		      int n_parts)
{
	char name[4096];
	FILE *f;

	snprintf(name, sizeof(name), "%s/seed%03d", dir, n);
	f = fopen(name, "wb");
	if (!f)
		return 1;
	for (int i = 0; i < n_parts; i++)
		if (parts[i].n)
			fwrite(parts[i].p, 1, parts[i].n, f);
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const uint8_t tag[4] = { 0, 1, 2, 3 };
	struct wft_attrbuf k, m;
	int n = 0, err = 0;
	uint8_t klen;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	for (size_t i = 0; i < N(flows); i++) {
		struct part text[] = { { &tag[0], 1 },
				       { flows[i], strlen(flows[i]) } };

		err |= write_seed(argv[1], n++, text, 2);
		wft_attrbuf_reset(&k);
		wft_attrbuf_reset(&m);
		if (wft_odp_flow_from_string(flows[i], &k, &m, NULL) ||
		    k.len > 255 * 4)
			continue;
		klen = (uint8_t)(k.len / 4);	/* in 4-byte units */
		{
			struct part attrs[] = { { &tag[2], 1 }, { &klen, 1 },
						{ k.data, k.len },
						{ m.data, m.len } };

			err |= write_seed(argv[1], n++, attrs, 4);
		}
	}
	for (size_t i = 0; i < N(acts); i++) {
		struct part text[] = { { &tag[1], 1 },
				       { acts[i], strlen(acts[i]) } };

		err |= write_seed(argv[1], n++, text, 2);
		wft_attrbuf_reset(&k);
		if (!wft_odp_actions_from_string(acts[i], &k, NULL)) {
			struct part attrs[] = { { &tag[3], 1 },
						{ k.data, k.len } };

			err |= write_seed(argv[1], n++, attrs, 2);
		}
	}
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
	printf("%d seeds in %s\n", n, argv[1]);
	return err;
}
