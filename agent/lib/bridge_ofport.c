// SPDX-License-Identifier: GPL-2.0
/*
 * OpenFlow port numbers of a bridge's interfaces, and ofports.json, which
 * keeps them across restarts (see include/weft/bridge.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge_priv.h"
#include "weft/bridge.h"
#include "weft/util.h"

json_t *wft_ofport_db_load(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *db;

	err[0] = '\0';
	if (access(path, F_OK))
		return json_object();
	db = json_load_file(path, 0, &jerr);
	if (!db || !json_is_object(db)) {
		snprintf(err, errlen, "%s: %s; OpenFlow port numbers are "
			 "handed out again", path,
			 db ? "not a JSON object" : jerr.text);
		json_decref(db);
		return json_object();
	}
	return db;
}

int wft_ofport_db_save(const json_t *db, const char *path)
{
	size_t len = strlen(path);
	char *tmp = wft_xmalloc(len + 8);
	int fd, ret = 0;

	snprintf(tmp, len + 8, "%s.tmp", path);
	errno = 0;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 ||
	    json_dumpfd(db, fd, JSON_INDENT(1) | JSON_SORT_KEYS) ||
	    write(fd, "\n", 1) != 1 || fsync(fd))
		ret = errno ? -errno : -EIO;
	if (fd >= 0 && close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* Port numbers in use in one bridge: 1..WFT_OFPORT_MAX. */
struct used {
	uint8_t bits[(WFT_OFPORT_MAX + 8) / 8];
};

static bool is_used(const struct used *u, int64_t p)
{
	return p < 1 || p > WFT_OFPORT_MAX || (u->bits[p / 8] >> (p % 8) & 1);
}

static void use(struct used *u, int64_t p)
{
	if (p >= 1 && p <= WFT_OFPORT_MAX)
		u->bits[p / 8] |= (uint8_t)(1 << (p % 8));
}

static int by_name(const void *a_, const void *b_)
{
	const struct wft_ofport_iface *a = a_, *b = b_;

	return strcmp(a->name, b->name);
}

static int64_t previous(const json_t *prev, const char *bridge,
			const char *iface)
{
	json_t *v = json_object_get(json_object_get(prev, bridge), iface);

	return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* The numbers of the interfaces that cannot have theirs: requests first,
 * then what they had, so that a request wins over an old number. */
static void assign_known(const json_t *prev, const char *bridge,
			 struct wft_ofport_iface *ifs, size_t n,
			 struct used *taken, struct used *wanted)
{
	int64_t p;
	size_t i;

	for (i = 0; i < n; i++) {
		ifs[i].ofport = !ifs[i].ok ? -1 :
				!strcmp(ifs[i].name, bridge) ? WFT_OFPORT_LOCAL
							     : 0;
		if (ifs[i].ofport || is_used(taken, ifs[i].request))
			continue;
		ifs[i].ofport = ifs[i].request;
		use(taken, ifs[i].request);
	}
	for (i = 0; i < n; i++) {
		p = previous(prev, bridge, ifs[i].name);
		if (ifs[i].ofport || is_used(taken, p) || is_used(wanted, p))
			continue;
		ifs[i].ofport = p;
		use(taken, p);
	}
}

void wft_ofport_assign(const json_t *prev, json_t *next, const char *bridge,
		       struct wft_ofport_iface *ifs, size_t n)
{
	struct used *taken = wft_xcalloc(1, sizeof(*taken));
	struct used *wanted = wft_xcalloc(1, sizeof(*wanted));
	json_t *map = json_object();
	int64_t p = 1;
	size_t i;

	qsort(ifs, n, sizeof(*ifs), by_name);
	for (i = 0; i < n; i++)
		if (ifs[i].ok)
			use(wanted, ifs[i].request);
	assign_known(prev, bridge, ifs, n, taken, wanted);
	for (i = 0; i < n; i++) {
		if (ifs[i].ofport)
			continue;
		while (p <= WFT_OFPORT_MAX &&
		       (is_used(taken, p) || is_used(wanted, p)))
			p++;
		ifs[i].ofport = p <= WFT_OFPORT_MAX ? p : -1;
		use(taken, p);
	}
	for (i = 0; i < n; i++)
		if (ifs[i].ofport > 0 && ifs[i].ofport != WFT_OFPORT_LOCAL)
			json_object_set_new(map, ifs[i].name,
					    json_integer(ifs[i].ofport));
	json_object_set_new(next, bridge, map);
	free(taken);
	free(wanted);
}
