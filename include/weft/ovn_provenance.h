/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Provenance of the OVN chassis' pipeline rules (docs/provenance.md):
 * which Southbound row a rule of the chassis' bridge came from. The
 * chassis gives every rule it compiles from a Logical_Flow the first 32
 * bits of that row's UUID as its cookie, and every lookup-table rule
 * (tables 66..78) the first 32 bits of its MAC_Binding, FDB,
 * Port_Binding or Load_Balancer row's; the physical tables (0, 37..41,
 * 64, 65) have cookie 0 and are named by their table.
 *
 * An index is built from the replica for one request (sorting its rows
 * by cookie) and must be freed before the replica next changes: it
 * points into it. A 32-bit cookie may match more than one row (a
 * collision): every row whose table agrees with the rule's is listed.
 *
 * The NB object behind a Logical_Flow is what its external_ids say:
 * stage-hint is the first 8 hex digits of the NB row's UUID, and the
 * kind of that row (ACL, load balancer, NAT, port...) is inferred from
 * the stage name, since the chassis has no NB connection. Ports named
 * in the match (inport/outport == "NAME") and load balancers (SB
 * Load_Balancer external_ids:lb_id) are resolved in the SB replica.
 */
#ifndef WEFT_OVN_PROVENANCE_H
#define WEFT_OVN_PROVENANCE_H

#include <jansson.h>
#include <stdint.h>

#include "weft/ovsdb_replica.h"
#include "weft/strbuf.h"

struct wft_ovn_prov;
struct wft_daemon;

struct wft_ovn_prov *wft_ovn_prov_new(struct wft_ovsdb_replica *r);
void wft_ovn_prov_free(struct wft_ovn_prov *p);

/*
 * What is known of the rule with @cookie in OpenFlow table @table whose
 * match has @dp_key in metadata (0: not matched): a JSON object
 * {"table", "cookie", "physical"?, "lflows": [...], "rows": [...]}
 * (docs/provenance.md); NULL when nothing is known.
 */
json_t *wft_ovn_prov_lookup(const struct wft_ovn_prov *p, uint8_t table,
			    uint64_t cookie, uint32_t dp_key);

/* The object's lines ("lflow ...", "SB ...", "physical ..."), each
 * indented by @indent spaces and ending in a newline. */
void wft_ovn_prov_format(const json_t *prov, unsigned int indent,
			 struct wft_strbuf *sb);

/*
 * The summary of a trace: @provs, the lookups' objects in order (NULLs
 * skipped), as one line per run of stages of one logical datapath and
 * pipeline, "  ls1 ingress: ls_in_check_port_sec(0) ls_in_acl(8)". Also
 * returned as JSON [{"datapath", "pipeline", "stages": [...]}].
 */
json_t *wft_ovn_prov_stages(json_t *const *provs, size_t n,
			    struct wft_strbuf *sb);

/*
 * weftd: an index of the chassis' replica when @bridge is the chassis'
 * ovn-bridge and the SB session is up; NULL otherwise, with the reason in
 * @why when @why is not NULL (main thread only).
 */
struct wft_ovn_prov *wft_ovn_prov_for_bridge(struct wft_daemon *d,
					     const char *bridge,
					     const char **why);

/* The chassis' ovn-bridge, or NULL when weftd is no chassis. */
const char *wft_ovn_prov_bridge(struct wft_daemon *d);

#endif /* WEFT_OVN_PROVENANCE_H */
