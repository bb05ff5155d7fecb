/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the dpif_*.c files of the library; not a public header. */
#ifndef WEFT_AGENT_LIB_DPIF_PRIV_H
#define WEFT_AGENT_LIB_DPIF_PRIV_H

#include "weft/dpif.h"
#include "nl.h"

struct wft_dpif {
	struct wft_nl nl;
	/* A flow dump in progress owns the socket until it is done. */
	bool dumping;
};

/* Dumps are retried this many times when NLM_F_DUMP_INTR tears them. */
#define WFT_DUMP_TRIES	5

/* Returns -EBUSY (with a message) while a flow dump owns the socket. */
int wft_dpif_check_idle(struct wft_dpif *dpif);
/* Puts the contents of a nest (@data, @len) as attribute @type. */
int wft_dpif_put_nest(struct wft_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		      const void *data, size_t len);
/* Copies @len bytes into a reset attrbuf; returns 0 or -ENOMEM. */
int wft_dpif_copy_attrs(struct wft_attrbuf *b, const void *data, size_t len);

#endif /* WEFT_AGENT_LIB_DPIF_PRIV_H */
