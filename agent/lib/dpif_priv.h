/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the dpif_*.c files of the library; not a public header. */
#ifndef WEFT_AGENT_LIB_DPIF_PRIV_H
#define WEFT_AGENT_LIB_DPIF_PRIV_H

#include "weft/dpif.h"
#include "nl.h"

/* Requests one batch (wft_dpif_batch_*) takes. */
#define WFT_DPIF_BATCH_MAX	256

struct wft_dpif {
	struct wft_nl nl;
	/* A flow dump in progress owns the socket until it is done. */
	bool dumping;
	/* A batch owns the socket from its first request to its finish:
	 * request i has sequence number batch_seq0 + i. */
	size_t batch_n;
	uint32_t batch_seq0;
	int batch_err[WFT_DPIF_BATCH_MAX];
};

/* Dumps are retried this many times when NLM_F_DUMP_INTR tears them. */
#define WFT_DUMP_TRIES	5

/* Returns -EBUSY (with a message) while a flow dump or a batch owns the
 * socket. */
int wft_dpif_check_idle(struct wft_dpif *dpif);
/* Puts the contents of a nest (@data, @len) as attribute @type. */
int wft_dpif_put_nest(struct wft_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		      const void *data, size_t len);
/* The attributes of a flow put after validating it; sets @cmd and
 * @nlflags for its request (dpif_flow.c). */
int wft_dpif_flow_put_check(struct wft_nl *nl,
			    const struct wft_dpif_flow_put *put, uint8_t *cmd,
			    uint16_t *nlflags);
int wft_dpif_flow_put_attrs(struct wft_nl *nl, struct nlmsghdr *nlh,
			    const struct wft_dpif_flow_put *put);
/* The metadata attributes of key @key (@len bytes) into @out (@size
 * bytes); returns the length, or 0 when @out is too small or the key
 * malformed (dpif_packet.c). */
size_t wft_dpif_md_key(const void *key, size_t len, uint8_t *out,
		       size_t size);
/* Puts @key's metadata (all of it when that fails) as nest @type. */
int wft_dpif_put_md_key(struct wft_nl *nl, struct nlmsghdr *nlh,
			uint16_t type, const void *key, size_t len);
/* The attributes of an execute (dpif_packet.c). */
int wft_dpif_execute_attrs(struct wft_nl *nl, struct nlmsghdr *nlh,
			   const struct wft_execute *exe);
/* Copies @len bytes into a reset attrbuf; returns 0 or -ENOMEM. */
int wft_dpif_copy_attrs(struct wft_attrbuf *b, const void *data, size_t len);

#endif /* WEFT_AGENT_LIB_DPIF_PRIV_H */
