// SPDX-License-Identifier: GPL-2.0
/*
 * lflow-compile: OVN logical flows into weft rules, for system tests that
 * load real OVN action strings into a bridge without ovn-northd.
 *
 *   lflow-compile [--switch] [--dp KEY] [--port NAME=KEY]... < FLOWS
 *
 * Each line of FLOWS is "PIPELINE<TAB>TABLE<TAB>PRIORITY<TAB>MATCH<TAB>
 * ACTIONS" (PIPELINE: ingress or egress; a router's flows unless
 * --switch); blank lines and lines starting with '#' are skipped. Prints
 * one ovs-ofctl add-flows line per weft rule, via wft_lflow_compile() as
 * weftd compiles SB rows. Any row it cannot compile is an error (exit 1),
 * so that a test never runs with flows silently missing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/lflow.h"
#include "weft/strbuf.h"

#define MAX_PORTS 64

static struct {
	char *name;
	uint32_t key;
} ports[MAX_PORTS];
static size_t n_ports;

static int port_key(void *aux, const char *name, uint32_t *key)
{
	size_t i;

	for (i = 0; i < n_ports; i++)
		if (!strcmp(ports[i].name, name)) {
			*key = ports[i].key;
			return 0;
		}
	return -ENOENT;
}

static bool resident(void *aux, const char *port)
{
	return true;
}

static void print_rule(const struct wft_ofp_flow *r)
{
	struct wft_strbuf sb = WFT_STRBUF_INIT;

	wft_strbuf_printf(&sb, "table=%u,cookie=%#llx,", r->table,
			  (unsigned long long)r->cookie);
	wft_ofp_match_format(&r->match, &r->mask, r->priority, &sb);
	wft_strbuf_puts(&sb, ",actions=");
	wft_ofp_actions_format(&r->actions, &r->match, &r->mask, &sb);
	puts(wft_strbuf_cstr(&sb));
	wft_strbuf_free(&sb);
}

int main(int argc, char **argv)
{
	struct wft_expr_env env = {
		.port_key = port_key,
		.is_chassis_resident = resident,
	};
	struct wft_lflow_stats st;
	struct wft_lflow lf;
	bool is_switch = false;
	uint32_t dp = 1;
	char line[8192], err[512];
	unsigned long lineno = 0;
	int i, ret = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--switch")) {
			is_switch = true;
		} else if (!strcmp(argv[i], "--dp") && i + 1 < argc) {
			dp = (uint32_t)strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--port") && i + 1 < argc &&
			   strchr(argv[i + 1], '=') && n_ports < MAX_PORTS) {
			char *eq = strchr(argv[++i], '=');

			ports[n_ports].name = strndup(argv[i],
						      (size_t)(eq - argv[i]));
			ports[n_ports++].key = (uint32_t)strtoul(eq + 1, NULL,
								 0);
		} else {
			fprintf(stderr, "usage: lflow-compile [--switch] "
				"[--dp KEY] [--port NAME=KEY]... < FLOWS\n");
			return 2;
		}
	}
	memset(&st, 0, sizeof(st));
	while (fgets(line, sizeof(line), stdin)) {
		char *f[5], *p = line, *nl = strchr(line, '\n');
		struct wft_ofp_flow *rules;
		size_t n, k;
		char uuid[40];

		lineno++;
		if (nl)
			*nl = '\0';
		if (!*line || *line == '#')
			continue;
		for (k = 0; k < 5; k++) {
			f[k] = p;
			p = k < 4 ? strchr(p, '\t') : NULL;
			if (k < 4 && !p) {
				fprintf(stderr, "line %lu: expected 5 "
					"tab-separated fields\n", lineno);
				return 1;
			}
			if (p)
				*p++ = '\0';
		}
		snprintf(uuid, sizeof(uuid), "%08lx-0000-0000-0000-000000000000",
			 lineno);
		memset(&lf, 0, sizeof(lf));
		lf.uuid = uuid;
		lf.dp_key = dp;
		lf.is_switch = is_switch;
		lf.egress = !strcmp(f[0], "egress");
		lf.table = (uint8_t)atoi(f[1]);
		lf.priority = (uint16_t)atoi(f[2]);
		lf.match = f[3];
		lf.actions = f[4];
		if (wft_lflow_compile(&lf, &env, &st, &rules, &n, err,
				      sizeof(err))) {
			fprintf(stderr, "line %lu: %s\n", lineno, err);
			ret = 1;
			continue;
		}
		for (k = 0; k < n; k++)
			print_rule(&rules[k]);
		wft_lflow_rules_free(rules, n);
	}
	wft_lflow_stats_uninit(&st);
	for (i = 0; (size_t)i < n_ports; i++)
		free(ports[i].name);
	return ret;
}
