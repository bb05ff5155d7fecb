/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake datapath behind struct wft_dp_ops (weft/bridge.h), for tests that
 * run weftd's components without weft.ko: a few datapaths (weftd makes
 * one, weft-system) of a few ports,
 * numbered as the module numbers them, behind a lock since weftd's loop
 * thread and the test both look at it. Interface names starting with
 * "nodev" fail to be added, as a missing network device does.
 *
 * Header-only (static functions): include it in one test file.
 */
#ifndef WEFT_TESTS_FAKE_DP_H
#define WEFT_TESTS_FAKE_DP_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/bridge.h"

/* The fake datapath: a few datapaths of a few ports, behind a lock since
 * the loop thread and the test both look at it. */

struct fake_dp {
	char name[WFT_IFNAMSIZ];
	uint32_t ifindex;
	struct wft_dp_port ports[64];
	size_t n;
};

static struct fake {
	pthread_mutex_t lock;
	struct fake_dp dps[8];
	size_t n;
	uint32_t next_ifindex;
	bool fail_open;
	int n_dp_create, n_dp_delete, n_port_add, n_port_del;
	char error[256];
} fake = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void fake_reset(void)
{
	pthread_mutex_lock(&fake.lock);
	memset(fake.dps, 0, sizeof(fake.dps));
	fake.n = 0;
	fake.next_ifindex = 100;
	fake.fail_open = false;
	fake.n_dp_create = fake.n_dp_delete = 0;
	fake.n_port_add = fake.n_port_del = 0;
	pthread_mutex_unlock(&fake.lock);
}

static struct fake_dp *dp_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < fake.n; i++)
		if (!strcmp(fake.dps[i].name, name))
			return &fake.dps[i];
	return NULL;
}

static struct fake_dp *dp_by_ifindex(uint32_t ifindex)
{
	size_t i;

	for (i = 0; i < fake.n; i++)
		if (fake.dps[i].ifindex == ifindex)
			return &fake.dps[i];
	return NULL;
}

static int fake_fail(int ret, const char *what)
{
	snprintf(fake.error, sizeof(fake.error), "%s (%s)", what,
		 strerror(-ret));
	return ret;
}

static int fake_open(void *ctx)
{
	int ret = 0;

	pthread_mutex_lock(&fake.lock);
	if (fake.fail_open)
		ret = fake_fail(-ENOENT, "weft.ko is not loaded");
	pthread_mutex_unlock(&fake.lock);
	return ret;
}

static void fake_close(void *ctx)
{
}

static int fake_dp_get(void *ctx, const char *name, uint32_t *ifindex)
{
	struct fake_dp *dp;

	pthread_mutex_lock(&fake.lock);
	dp = dp_by_name(name);
	if (dp)
		*ifindex = dp->ifindex;
	pthread_mutex_unlock(&fake.lock);
	return dp ? 0 : -ENOENT;
}

/* Adds a datapath with its local port; the lock is held. */
static struct fake_dp *dp_add(const char *name)
{
	struct fake_dp *dp = &fake.dps[fake.n++];

	memset(dp, 0, sizeof(*dp));
	snprintf(dp->name, sizeof(dp->name), "%s", name);
	dp->ifindex = fake.next_ifindex++;
	snprintf(dp->ports[0].name, sizeof(dp->ports[0].name), "%s", name);
	dp->ports[0].type = WEFT_VPORT_TYPE_INTERNAL;
	dp->ports[0].ifindex = dp->ifindex;
	dp->n = 1;
	return dp;
}

static int fake_dp_create(void *ctx, const char *name, uint32_t *ifindex)
{
	pthread_mutex_lock(&fake.lock);
	fake.n_dp_create++;
	*ifindex = dp_add(name)->ifindex;
	pthread_mutex_unlock(&fake.lock);
	return 0;
}

static int fake_dp_delete(void *ctx, const char *name)
{
	struct fake_dp *dp;

	pthread_mutex_lock(&fake.lock);
	fake.n_dp_delete++;
	dp = dp_by_name(name);
	if (dp) {
		*dp = fake.dps[--fake.n];
	}
	pthread_mutex_unlock(&fake.lock);
	return 0;
}

static int fake_port_list(void *ctx, uint32_t ifindex,
			  struct wft_dp_port **ports, size_t *n)
{
	struct fake_dp *dp;

	pthread_mutex_lock(&fake.lock);
	dp = dp_by_ifindex(ifindex);
	*n = dp ? dp->n : 0;
	*ports = calloc(*n + 1, sizeof(**ports));
	if (dp)
		memcpy(*ports, dp->ports, dp->n * sizeof(**ports));
	pthread_mutex_unlock(&fake.lock);
	return dp ? 0 : fake_fail(-ENODEV, "no such datapath");
}

/* Names starting with "nodev" are not network devices. */
static int fake_port_add(void *ctx, uint32_t ifindex, const char *name,
			 uint32_t type, uint32_t port_no,
			 struct wft_dp_port *added)
{
	struct wft_dp_port *p;
	struct fake_dp *dp;
	uint32_t no = 1;
	size_t i;
	int ret = 0;

	pthread_mutex_lock(&fake.lock);
	fake.n_port_add++;
	dp = dp_by_ifindex(ifindex);
	if (!strncmp(name, "nodev", 5)) {
		char what[64];

		snprintf(what, sizeof(what), "no netdevice named %s", name);
		ret = fake_fail(-ENODEV, what);
		goto out;
	}
	/* The lowest free number, as the module picks it. */
	for (i = 1; port_no == WFT_PORT_ANY && i < dp->n; i++)
		if (dp->ports[i].port_no == no) {
			no++;
			i = 0;
		}
	p = &dp->ports[dp->n++];
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->port_no = port_no == WFT_PORT_ANY ? no : port_no;
	p->type = type;
	p->ifindex = fake.next_ifindex++;
	*added = *p;
out:
	pthread_mutex_unlock(&fake.lock);
	return ret;
}

static int fake_port_del(void *ctx, uint32_t ifindex, uint32_t port_no)
{
	struct fake_dp *dp;
	size_t i;

	pthread_mutex_lock(&fake.lock);
	fake.n_port_del++;
	dp = dp_by_ifindex(ifindex);
	for (i = 0; dp && i < dp->n; i++)
		if (dp->ports[i].port_no == port_no) {
			dp->ports[i] = dp->ports[--dp->n];
			break;
		}
	pthread_mutex_unlock(&fake.lock);
	return 0;
}

static const char *fake_error(void *ctx)
{
	return fake.error;
}

static const struct wft_dp_ops fake_ops = {
	.open = fake_open, .close = fake_close, .dp_get = fake_dp_get,
	.dp_create = fake_dp_create, .dp_delete = fake_dp_delete,
	.port_list = fake_port_list, .port_add = fake_port_add,
	.port_del = fake_port_del, .error = fake_error,
};

/* Counts of what the daemon did to the fake. */
static __attribute__((unused)) void fake_counts(int *create, int *add, int *del)
{
	pthread_mutex_lock(&fake.lock);
	*create = fake.n_dp_create;
	*add = fake.n_port_add;
	*del = fake.n_port_del;
	pthread_mutex_unlock(&fake.lock);
}

static __attribute__((unused)) bool fake_has_dp(const char *dp_name)
{
	bool found;

	pthread_mutex_lock(&fake.lock);
	found = dp_by_name(dp_name) != NULL;
	pthread_mutex_unlock(&fake.lock);
	return found;
}

/* The datapath port number of @port, or -1. */
static __attribute__((unused)) int fake_port_no(const char *dp_name, const char *port)
{
	struct fake_dp *dp;
	int no = -1;
	size_t i;

	pthread_mutex_lock(&fake.lock);
	dp = dp_by_name(dp_name);
	for (i = 0; dp && i < dp->n; i++)
		if (!strcmp(dp->ports[i].name, port))
			no = (int)dp->ports[i].port_no;
	pthread_mutex_unlock(&fake.lock);
	return no;
}

static __attribute__((unused)) bool fake_has_port(const char *dp_name, const char *port)
{
	struct fake_dp *dp;
	bool found = false;
	size_t i;

	pthread_mutex_lock(&fake.lock);
	dp = dp_by_name(dp_name);
	for (i = 0; dp && i < dp->n; i++)
		found |= !strcmp(dp->ports[i].name, port);
	pthread_mutex_unlock(&fake.lock);
	return found;
}

#endif /* WEFT_TESTS_FAKE_DP_H */
