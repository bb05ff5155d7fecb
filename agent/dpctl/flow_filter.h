/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dump-flows filter=FLOW: which dumped flows match a filter, decided on the
 * attributes, so every field the codec knows can be filtered on.
 *
 * A flow passes when, for every bit the filter matches, the flow's key
 * under the flow's own mask equals the filter's value: the semantics of
 * ovs-dpctl's filter (a field the flow wildcards reads as 0). ovs-dpctl
 * takes the filter in OpenFlow match syntax; weft-dpctl takes the datapath
 * flow syntax of add-flow, e.g. filter='ipv4(proto=17)'.
 */
#ifndef WEFT_DPCTL_FLOW_FILTER_H
#define WEFT_DPCTL_FLOW_FILTER_H

#include <stdbool.h>

#include "weft/attrbuf.h"
#include "weft/dpif.h"

struct flow_filter {
	struct wft_attrbuf key;
	struct wft_attrbuf mask;	/* never empty after init */
};

/* Copies @key and @mask (empty @mask: exact on every field of @key). */
int flow_filter_init(struct flow_filter *filt, const struct wft_attrbuf *key,
		     const struct wft_attrbuf *mask);
void flow_filter_uninit(struct flow_filter *filt);
bool flow_filter_match(const struct flow_filter *filt,
		       const struct wft_dpif_flow *flow);

#endif /* WEFT_DPCTL_FLOW_FILTER_H */
