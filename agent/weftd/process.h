/* SPDX-License-Identifier: GPL-2.0 */
/*
 * weftd as a process: detaching, its pidfile, telling systemd it is ready.
 * Nothing here knows about weftd's components.
 */
#ifndef WEFTD_PROCESS_H
#define WEFTD_PROCESS_H

#include <stdbool.h>

#include "weft/strbuf.h"

/*
 * Forks; the parent waits until the child calls process_ready() (then
 * exits 0) or dies (then exits 1). The child gets a new session, "/" as
 * its directory, and /dev/null as stdin/stdout/stderr once ready.
 * Returns 0 in the child, -errno on failure (nothing forked).
 */
int process_detach(struct wft_strbuf *err);
/* Tells the parent (--detach) and systemd ($NOTIFY_SOCKET) "READY=1". */
void process_ready(void);
/* "STOPPING=1" to systemd. */
void process_stopping(void);
/* Writes our pid to @path, refusing when a live weftd holds it. */
int process_pidfile_create(const char *path, struct wft_strbuf *err);
void process_pidfile_remove(const char *path);

#endif /* WEFTD_PROCESS_H */
