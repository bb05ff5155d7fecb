/* SPDX-License-Identifier: GPL-2.0 */
/*
 * commit_lb_aff(vip = "IP[:PORT]", backend = "IP[:PORT]", proto = P,
 * timeout = N): a load balancer's affinity, learned into table 78, as
 * ovn-controller 23.03 encodes it (lflow_ofpacts_lb_aff.c).
 */
#ifndef WEFT_LFLOW_OFPACTS_LB_AFF_H
#define WEFT_LFLOW_OFPACTS_LB_AFF_H

#include <stddef.h>

#include "weft/lflow_actions.h"

/* Appends @a's learn action to @out: 0, or -EINVAL with the reason in
 * @err. */
int wft_lflow_xlate_commit_lb_aff(const struct wft_lact *a,
				  const struct wft_lflow_xlate_ctx *ctx,
				  struct wft_ofpacts *out, char *err,
				  size_t errlen);

#endif /* WEFT_LFLOW_OFPACTS_LB_AFF_H */
