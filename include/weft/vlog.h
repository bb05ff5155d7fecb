/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging for weftd and its library: one module per source file, a level per
 * module and destination, changed at run time by `weft-appctl vlog/set`.
 *
 *   WFT_LOG_MODULE(bridge);
 *   ...
 *   wft_info("created datapath %s", name);
 *
 * Destinations: "console" (stderr, where systemd's journal picks it up) and
 * "syslog". Levels, from quietest: off, emer, err, warn, info, dbg. Safe to
 * call from any thread (one lock around the formatting and the write).
 */
#ifndef WEFT_VLOG_H
#define WEFT_VLOG_H

#include <stdarg.h>
#include <stdbool.h>

#include "weft/strbuf.h"

enum wft_log_level {
	WFT_LL_OFF,
	WFT_LL_EMER,
	WFT_LL_ERR,
	WFT_LL_WARN,
	WFT_LL_INFO,
	WFT_LL_DBG,
	WFT_N_LL
};

enum wft_log_dest {
	WFT_LD_CONSOLE,
	WFT_LD_SYSLOG,
	WFT_N_LD
};

struct wft_log_module {
	const char *name;
	enum wft_log_level levels[WFT_N_LD];
	struct wft_log_module *next;	/* registry, sorted by name */
};

void wft_log_module_register(struct wft_log_module *m);

/* Defines this file's module and registers it before main() runs. */
#define WFT_LOG_MODULE(NAME)						\
	static struct wft_log_module wft_this_log_module = {		\
		#NAME, { WFT_LL_INFO, WFT_LL_OFF }, 0			\
	};								\
	__attribute__((constructor)) static void wft_log_reg_##NAME(void) \
	{								\
		wft_log_module_register(&wft_this_log_module);		\
	}								\
	struct wft_log_module_dummy_##NAME

void wft_log(struct wft_log_module *m, enum wft_log_level level,
	     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void wft_vlog(struct wft_log_module *m, enum wft_log_level level,
	      const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
bool wft_log_enabled(const struct wft_log_module *m, enum wft_log_level level);

#define wft_emer(...)	wft_log(&wft_this_log_module, WFT_LL_EMER, __VA_ARGS__)
#define wft_err(...)	wft_log(&wft_this_log_module, WFT_LL_ERR, __VA_ARGS__)
#define wft_warn(...)	wft_log(&wft_this_log_module, WFT_LL_WARN, __VA_ARGS__)
#define wft_info(...)	wft_log(&wft_this_log_module, WFT_LL_INFO, __VA_ARGS__)
#define wft_dbg(...)	wft_log(&wft_this_log_module, WFT_LL_DBG, __VA_ARGS__)

/*
 * Applies a vlog/set specification: words separated by ':' naming at most
 * one module (or "ANY"), one destination (or "ANY") and one level, in any
 * order; what is left out means "every". Returns 0, or -EINVAL with the
 * reason in @err (e.g. `no destination, level, or module "bogus"`).
 */
int wft_log_set_spec(const char *spec, struct wft_strbuf *err);
/* Sets @level for every module on @dest. */
void wft_log_set_all(enum wft_log_dest dest, enum wft_log_level level);
/* The vlog/list table. */
void wft_log_list(struct wft_strbuf *out);
/* Name <-> level; -1 when unknown. */
int wft_log_level_from_name(const char *name);
const char *wft_log_level_name(enum wft_log_level level);
/* openlog() once, with @ident; syslog output before that is dropped. */
void wft_log_open_syslog(const char *ident);
/* Redirects console output (tests); NULL restores stderr. */
void wft_log_set_console_fd(int fd);

#endif /* WEFT_VLOG_H */
