/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of weftd's core shared by daemon.c and its own components. */
#ifndef WEFT_DAEMON_PRIV_H
#define WEFT_DAEMON_PRIV_H

#include "weft/daemon.h"

/* Makes @conf (taken over) the configuration without saving it or telling
 * subscribers: for the configuration just loaded at startup. */
void wft_daemon_conf_install(struct wft_daemon *d, struct wft_conf *conf);

#endif /* WEFT_DAEMON_PRIV_H */
