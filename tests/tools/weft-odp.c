// SPDX-License-Identifier: GPL-2.0
/*
 * weft-odp: the ovs-dpctl text codec on the command line, for tests.
 *
 *   weft-odp flow [-m]      each stdin line, a flow match, printed back in
 *   weft-odp actions        canonical form (or "error: ..."); exit 1 if
 *                           any line was refused
 *   weft-odp corpus flows|actions|ct-flows|ct-actions
 *                           the unit-test corpus (tests/unit/odp_corpus.h),
 *                           one item per line (ct-*: the conntrack part)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/odp.h"
#include "tests/unit/odp_corpus.h"

static int usage(void)
{
	fprintf(stderr, "usage: weft-odp flow [-m] | actions | "
		"corpus flows|actions|ct-flows|ct-actions\n");
	return 2;
}

static int convert(int flow, unsigned int flags)
{
	struct wft_attrbuf k, m;
	struct wft_strbuf out;
	struct wft_odp_error e;
	char line[8192];
	int bad = 0, r;

	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	wft_strbuf_init(&out);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		wft_attrbuf_reset(&k);
		wft_attrbuf_reset(&m);
		wft_strbuf_reset(&out);
		r = flow ? wft_odp_flow_from_string(line, &k, &m, &e)
			 : wft_odp_actions_from_string(line, &k, &e);
		if (!r)
			r = flow ? wft_odp_flow_format(k.data, k.len, m.data,
						       m.len, &out, flags)
				 : wft_odp_actions_format(k.data, k.len, &out,
							  flags);
		if (r) {
			printf("error: %s\n", e.msg);
			bad = 1;
		} else {
			printf("%s\n", wft_strbuf_cstr(&out));
		}
	}
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
	wft_strbuf_free(&out);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "flow"))
		return convert(1, argc > 2 && !strcmp(argv[2], "-m") ?
			       WFT_ODP_VERBOSE : 0);
	if (argc == 2 && !strcmp(argv[1], "actions"))
		return convert(0, 0);
	if (argc == 3 && !strcmp(argv[1], "corpus")) {
		if (!strcmp(argv[2], "flows")) {
			for (size_t i = 0; i < N(flows); i++)
				puts(flows[i]);
			return 0;
		}
		if (!strcmp(argv[2], "actions")) {
			for (size_t i = 0; i < N(acts); i++)
				puts(acts[i]);
			return 0;
		}
		if (!strcmp(argv[2], "ct-flows")) {
			for (size_t i = 0; i < N(ct_flows); i++)
				puts(ct_flows[i]);
			return 0;
		}
		if (!strcmp(argv[2], "ct-actions")) {
			for (size_t i = 0; i < N(ct_acts); i++)
				puts(ct_acts[i]);
			return 0;
		}
	}
	return usage();
}
