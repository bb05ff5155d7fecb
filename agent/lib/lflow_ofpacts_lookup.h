/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The OVN actions that consult the SB lookup tables (include/weft/
 * ovn_lookup.h) translated into weft actions, for lflow_ofpacts.c.
 */
#ifndef WEFT_LFLOW_OFPACTS_LOOKUP_H
#define WEFT_LFLOW_OFPACTS_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "weft/lflow_actions.h"

/* Whether @name is one of them: get_arp, get_nd, lookup_arp,
 * lookup_arp_ip, lookup_nd, lookup_nd_ip, get_fdb, lookup_fdb,
 * check_in_port_sec, check_out_port_sec, chk_lb_hairpin,
 * chk_lb_hairpin_reply, chk_lb_aff, ct_snat_to_vip. */
bool wft_lflow_is_lookup_action(const char *name);

/* Appends @a's translation to @out: 0, or -EOPNOTSUPP with the reason in
 * @err when it needs what weft's actions lack (push/pop), or -EINVAL. */
int wft_lflow_xlate_lookup(const struct wft_lact *a,
			   const struct wft_lflow_xlate_ctx *ctx,
			   struct wft_ofpacts *out, char *err, size_t errlen);

#endif /* WEFT_LFLOW_OFPACTS_LOOKUP_H */
