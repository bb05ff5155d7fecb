// SPDX-License-Identifier: GPL-2.0
/* Per-module logging levels (see include/weft/vlog.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "weft/vlog.h"

static const char *const level_names[WFT_N_LL] = {
	[WFT_LL_OFF] = "off", [WFT_LL_EMER] = "emer", [WFT_LL_ERR] = "err",
	[WFT_LL_WARN] = "warn", [WFT_LL_INFO] = "info", [WFT_LL_DBG] = "dbg",
};

static const char *const level_upper[WFT_N_LL] = {
	[WFT_LL_OFF] = "OFF", [WFT_LL_EMER] = "EMER", [WFT_LL_ERR] = "ERR",
	[WFT_LL_WARN] = "WARN", [WFT_LL_INFO] = "INFO", [WFT_LL_DBG] = "DBG",
};

static const int syslog_prio[WFT_N_LL] = {
	[WFT_LL_EMER] = LOG_ALERT, [WFT_LL_ERR] = LOG_ERR,
	[WFT_LL_WARN] = LOG_WARNING, [WFT_LL_INFO] = LOG_INFO,
	[WFT_LL_DBG] = LOG_DEBUG,
};

static const char *const dest_names[WFT_N_LD] = {
	[WFT_LD_CONSOLE] = "console", [WFT_LD_SYSLOG] = "syslog",
};

/* Guards the registry, the levels' writers, the sequence number and the
 * output; levels are read without it (a stale level only drops or lets
 * through one message). */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct wft_log_module *modules;
static unsigned int seqno;
static int console_fd = STDERR_FILENO;
static bool syslog_open;

void wft_log_module_register(struct wft_log_module *m)
{
	struct wft_log_module **p;

	pthread_mutex_lock(&log_lock);
	for (p = &modules; *p && strcmp((*p)->name, m->name) < 0;
	     p = &(*p)->next)
		;
	m->next = *p;
	*p = m;
	pthread_mutex_unlock(&log_lock);
}

bool wft_log_enabled(const struct wft_log_module *m,
		     enum wft_log_level level)
{
	int d;

	for (d = 0; d < WFT_N_LD; d++)
		if (level <= m->levels[d] && level != WFT_LL_OFF)
			return true;
	return false;
}

static void write_console(const struct wft_log_module *m,
			  enum wft_log_level level, const char *msg)
{
	char stamp[64], line[2048];
	struct timespec ts;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s.%03ldZ|%05u|%s|%s|%s\n", stamp,
		     ts.tv_nsec / 1000000, seqno, m->name, level_upper[level],
		     msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* A full or closed stderr must not stop the daemon. */
	if (write(console_fd, line, n) < 0)
		return;
}

void wft_vlog(struct wft_log_module *m, enum wft_log_level level,
	      const char *fmt, va_list ap)
{
	char msg[1024];

	if (!wft_log_enabled(m, level))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	pthread_mutex_lock(&log_lock);
	seqno++;
	if (level <= m->levels[WFT_LD_CONSOLE])
		write_console(m, level, msg);
	if (level <= m->levels[WFT_LD_SYSLOG] && syslog_open)
		syslog(syslog_prio[level], "%05u|%s|%s|%s", seqno, m->name,
		       level_upper[level], msg);
	pthread_mutex_unlock(&log_lock);
}

void wft_log(struct wft_log_module *m, enum wft_log_level level,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wft_vlog(m, level, fmt, ap);
	va_end(ap);
}

int wft_log_level_from_name(const char *name)
{
	int i;

	for (i = 0; i < WFT_N_LL; i++)
		if (!strcasecmp(name, level_names[i]))
			return i;
	return -1;
}

const char *wft_log_level_name(enum wft_log_level level)
{
	return level < WFT_N_LL ? level_names[level] : "?";
}

static int dest_from_name(const char *name)
{
	int i;

	for (i = 0; i < WFT_N_LD; i++)
		if (!strcasecmp(name, dest_names[i]))
			return i;
	return -1;
}

static struct wft_log_module *module_find(const char *name)
{
	struct wft_log_module *m;

	for (m = modules; m; m = m->next)
		if (!strcasecmp(m->name, name))
			return m;
	return NULL;
}

/* The parsed words of a vlog/set spec; NULL/-1 mean "every". */
struct spec {
	struct wft_log_module *module;
	int dest;
	int level;
};

static int spec_word(struct spec *s, const char *w, struct wft_strbuf *err)
{
	struct wft_log_module *m;
	int v;

	if (!strcasecmp(w, "ANY"))
		return 0;
	if ((v = dest_from_name(w)) >= 0) {
		if (s->dest >= 0)
			goto multiple_dest;
		s->dest = v;
	} else if ((v = wft_log_level_from_name(w)) >= 0) {
		if (s->level >= 0) {
			wft_strbuf_puts(err, "cannot specify multiple levels");
			return -EINVAL;
		}
		s->level = v;
	} else if ((m = module_find(w))) {
		if (s->module) {
			wft_strbuf_puts(err, "cannot specify multiple modules");
			return -EINVAL;
		}
		s->module = m;
	} else {
		wft_strbuf_printf(err,
				  "no destination, level, or module \"%s\"", w);
		return -EINVAL;
	}
	return 0;
multiple_dest:
	wft_strbuf_puts(err, "cannot specify multiple destinations");
	return -EINVAL;
}

static void spec_apply(const struct spec *s)
{
	struct wft_log_module *m;
	int d;

	for (m = modules; m; m = m->next) {
		if (s->module && m != s->module)
			continue;
		for (d = 0; d < WFT_N_LD; d++)
			if (s->dest < 0 || s->dest == d)
				m->levels[d] = s->level < 0 ? WFT_LL_DBG
							    : s->level;
	}
}

int wft_log_set_spec(const char *spec, struct wft_strbuf *err)
{
	struct spec s = { NULL, -1, -1 };
	char *copy, *w, *save = NULL;
	int ret = 0;

	copy = strdup(spec);
	if (!copy)
		return -ENOMEM;
	pthread_mutex_lock(&log_lock);
	for (w = strtok_r(copy, ":", &save); w && !ret;
	     w = strtok_r(NULL, ":", &save))
		ret = spec_word(&s, w, err);
	if (!ret)
		spec_apply(&s);
	pthread_mutex_unlock(&log_lock);
	free(copy);
	return ret;
}

void wft_log_set_all(enum wft_log_dest dest, enum wft_log_level level)
{
	struct spec s = { NULL, dest, level };

	pthread_mutex_lock(&log_lock);
	spec_apply(&s);
	pthread_mutex_unlock(&log_lock);
}

void wft_log_list(struct wft_strbuf *out)
{
	struct wft_log_module *m;

	wft_strbuf_puts(out, "                 console    syslog\n"
			     "                 -------    ------\n");
	pthread_mutex_lock(&log_lock);
	for (m = modules; m; m = m->next)
		wft_strbuf_printf(out, "%-16s  %4s       %4s\n", m->name,
				  level_upper[m->levels[WFT_LD_CONSOLE]],
				  level_upper[m->levels[WFT_LD_SYSLOG]]);
	pthread_mutex_unlock(&log_lock);
}

void wft_log_open_syslog(const char *ident)
{
	pthread_mutex_lock(&log_lock);
	if (!syslog_open)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	syslog_open = true;
	pthread_mutex_unlock(&log_lock);
}

void wft_log_set_console_fd(int fd)
{
	pthread_mutex_lock(&log_lock);
	console_fd = fd >= 0 ? fd : STDERR_FILENO;
	pthread_mutex_unlock(&log_lock);
}
