/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The world the lflow unit tests compile in: the ports, address sets and
 * port groups of the topology tests/unit/data/gen-lflow-corpus.sh builds,
 * with keys as ovn-northd gives them (per datapath, from 1), and the
 * gateway port cr-lr1-ext resident here.
 */
#ifndef WEFT_TESTS_EXPR_TESTENV_H
#define WEFT_TESTS_EXPR_TESTENV_H

#include <errno.h>
#include <string.h>

#include "weft/expr.h"

static const struct {
	const char *name;
	uint32_t key;
} test_ports[] = {
	{ "ls1-p1", 1 }, { "ls1-p2", 2 }, { "ls1-lr1", 3 },
	{ "ls2-p1", 1 }, { "ls2-p2", 2 }, { "ls2-lr1", 3 },
	{ "lr1-ls1", 1 }, { "lr1-ls2", 2 }, { "lr1-ext", 3 },
	{ "cr-lr1-ext", 4 }, { "ext-lr1", 1 }, { "ext-ln", 2 },
	{ "_MC_flood", 32768 }, { "_MC_unknown", 32769 },
	{ "_MC_flood_l2", 32772 },
};

static int test_port_key(void *aux, const char *name, uint32_t *key)
{
	size_t i;

	for (i = 0; i < sizeof(test_ports) / sizeof(test_ports[0]); i++) {
		if (!strcmp(test_ports[i].name, name)) {
			*key = test_ports[i].key;
			return 0;
		}
	}
	return -ENOENT;
}

static bool test_resident(void *aux, const char *port)
{
	return !strcmp(port, "cr-lr1-ext");
}

static const char *const test_as_web[] = { "10.0.1.5", "10.0.1.6" };
static const char *const test_as_svc[] = { "0a:58:00:00:00:01" };
static const char *const test_as_big[] = {
	"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5",
	"10.1.0.0/16",
};
static const char *const test_pg_web[] = { "ls1-p1", "ls1-p2" };

static const char *const *test_addr_set(void *aux, const char *name,
					size_t *n)
{
	if (!strcmp(name, "as_web") || !strcmp(name, "pg_web_ip4")) {
		*n = 2;
		return test_as_web;
	}
	if (!strcmp(name, "svc_monitor_mac")) {
		*n = 1;
		return test_as_svc;
	}
	if (!strcmp(name, "as_big")) {
		*n = sizeof(test_as_big) / sizeof(test_as_big[0]);
		return test_as_big;
	}
	return NULL;
}

static const char *const *test_port_group(void *aux, const char *name,
					  size_t *n)
{
	if (!strcmp(name, "pg_web")) {
		*n = 2;
		return test_pg_web;
	}
	return NULL;
}

static const struct wft_expr_env test_env = {
	.port_key = test_port_key,
	.is_chassis_resident = test_resident,
	.addr_set = test_addr_set,
	.port_group = test_port_group,
};

#endif /* WEFT_TESTS_EXPR_TESTENV_H */
