/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MAC learning and output:NORMAL, the bridge behaviour an OVS user gets
 * from `actions=normal` and ovs-vsctl's port VLAN settings.
 *
 * The table (mac_learning.c): one per bridge, mapping (MAC, VLAN) to the
 * OpenFlow port the MAC was last seen on. Entries age out after
 * other_config:mac-aging-time seconds without traffic from them (default
 * 300) and the table holds at most other_config:mac-table-size of them
 * (default 8192; when full the least recently seen is evicted). Both are
 * forced into OVS's ranges, 15..3600 s and 10..1,000,000 entries.
 *
 * The change sequence number: every change that can alter what NORMAL
 * decides (a MAC added, moved to another port, expired, evicted, flushed;
 * a new aging time or size) increments wft_mac_learning_seq(). Refreshing
 * a known MAC on the port it is already on does not. The revalidator
 * reads the number before it translates installed flows and translates
 * them again while it differs from the one it last saw; so a flow whose
 * destination moved or aged out is fixed within one revalidation round.
 *
 * DOC: Locking. Each table has one reader-writer lock (writer-preferring,
 * as the pipeline's). Lookups, dumps and a learn that only confirms a
 * recently refreshed entry take it for reading; learning something new,
 * expiry, flushes and configuration take it for writing. Critical sections
 * are a hash lookup and a few list moves: nothing allocates under the read
 * lock, nothing calls out under either (the port-name callback of the
 * formatter runs on a snapshot, after the lock is released). Handler
 * threads may learn and look up concurrently. Lock order: NORMAL runs
 * under the pipeline's read lock and takes the table's lock inside it;
 * the table never takes another lock.
 *
 * Time is the clock's (CLOCK_MONOTONIC milliseconds unless a test injects
 * one); an entry last seen at t is live while now - t < aging time.
 *
 * What the daemon does, per bridge:
 *  - creates a table with the bridge and wft_mac_learning_configure()s it
 *    from other_config on every configuration change;
 *  - fills each struct wft_xlate_port's VLAN fields with
 *    wft_normal_port_vlan() from the Port's vlan_mode, tag and trunks, and
 *    calls wft_mac_learning_flush_port() when a port goes away or its VLAN
 *    settings change (its entries would send frames where they no longer
 *    belong; NORMAL floods past such entries meanwhile);
 *  - sets the bridge's normal hook to call wft_xlate_normal() (below), and
 *    in->may_learn for upcalls;
 *  - calls wft_mac_learning_run() from its loop, by
 *    wft_mac_learning_next_expiry();
 *  - serves fdb/show, fdb/flush and fdb/stats-show with
 *    wft_mac_learning_format(), wft_mac_learning_flush() and
 *    wft_mac_learning_format_stats() (ovs-vswitchd answers a flush with
 *    "table successfully flushed", and an unknown bridge with the error
 *    "no such bridge").
 */
#ifndef WEFT_MAC_LEARNING_H
#define WEFT_MAC_LEARNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/strbuf.h"
#include "weft/xlate.h"

#define WFT_MAC_AGING_DEFAULT	300		/* seconds */
#define WFT_MAC_AGING_MIN	15
#define WFT_MAC_AGING_MAX	3600
#define WFT_MAC_SIZE_DEFAULT	8192		/* entries */
#define WFT_MAC_SIZE_MIN	10
#define WFT_MAC_SIZE_MAX	1000000

struct wft_mac_learning;

/* A table with the defaults; never NULL (allocation aborts). */
struct wft_mac_learning *wft_mac_learning_create(void);
void wft_mac_learning_destroy(struct wft_mac_learning *ml);

/* Monotonic milliseconds. For tests; the default reads CLOCK_MONOTONIC. */
typedef long long wft_mac_clock_fn(void *aux);
void wft_mac_learning_set_clock(struct wft_mac_learning *ml,
				wft_mac_clock_fn *now_ms, void *aux);

/* Aging time in seconds and table size, each forced into its range. A
 * smaller size evicts the least recently seen entries at once. */
void wft_mac_learning_set_aging(struct wft_mac_learning *ml,
				unsigned int seconds);
void wft_mac_learning_set_max(struct wft_mac_learning *ml, size_t n);
/*
 * From the Bridge's other_config values "mac-aging-time" and
 * "mac-table-size" (NULL when absent). As in OVS, a value that is not a
 * decimal integer counts as absent (the default), and a number out of range
 * is forced into it.
 */
void wft_mac_learning_configure(struct wft_mac_learning *ml,
				const char *mac_aging_time,
				const char *mac_table_size);

enum wft_mac_learned {
	WFT_MAC_REFRESHED,	/* known on that port: age reset only */
	WFT_MAC_ADDED,		/* new (or had aged out) */
	WFT_MAC_MOVED,		/* was on another port (*old_port) */
};

/*
 * @mac was seen on @port in @vlan (0..4095). The caller skips multicast
 * and broadcast sources. @old_port (may be NULL) receives the previous
 * port of a move.
 */
enum wft_mac_learned wft_mac_learning_learn(struct wft_mac_learning *ml,
					    const uint8_t mac[6],
					    uint16_t vlan, uint32_t port,
					    uint32_t *old_port);
/* The port of a live entry for (@mac, @vlan): true and *@port, or false. */
bool wft_mac_learning_lookup(struct wft_mac_learning *ml,
			     const uint8_t mac[6], uint16_t vlan,
			     uint32_t *port);

/*
 * Removes the entries that aged out; returns how many. The daemon calls
 * it from its loop, at wft_mac_learning_next_expiry() at the latest
 * (lookups already ignore aged entries; this frees them and tells the
 * revalidator through the sequence number).
 */
size_t wft_mac_learning_run(struct wft_mac_learning *ml);
/* When (on the table's clock, ms) the oldest entry ages out; LLONG_MAX
 * when the table is empty. */
long long wft_mac_learning_next_expiry(struct wft_mac_learning *ml);

/* fdb/flush: removes every entry, or those on @port (a port deleted or
 * reconfigured); returns how many. */
size_t wft_mac_learning_flush(struct wft_mac_learning *ml);
size_t wft_mac_learning_flush_port(struct wft_mac_learning *ml,
				   uint32_t port);

/* The change sequence number (see above). */
uint64_t wft_mac_learning_seq(const struct wft_mac_learning *ml);

struct wft_mac_learning_stats {
	size_t n_entries;		/* in the table, aged ones included */
	size_t max_entries;
	unsigned int aging_s;
	uint64_t n_learned;		/* added */
	uint64_t n_moved;
	uint64_t n_expired;
	uint64_t n_evicted;		/* for room */
};
void wft_mac_learning_get_stats(struct wft_mac_learning *ml,
				struct wft_mac_learning_stats *st);

/* One live entry, as fdb/show lists it. */
struct wft_mac_entry_info {
	uint8_t mac[6];
	uint16_t vlan;
	uint32_t port;			/* OpenFlow */
	unsigned int age_s;		/* since last seen */
};
/* The live entries, least recently seen first, in a malloc()ed array
 * (*@entries, NULL when none); returns how many. */
size_t wft_mac_learning_dump(struct wft_mac_learning *ml,
			     struct wft_mac_entry_info **entries);

/* The name fdb/show prints for @ofp_port, written into @buf (@size bytes)
 * or returned as another string that stays valid during the call. */
typedef const char *wft_mac_port_name_fn(void *aux, uint32_t ofp_port,
					 char *buf, size_t size);
/*
 * fdb/show, as ovs-appctl prints it:
 *  " port  VLAN  MAC                Age"
 *  "    1     0  50:54:00:00:00:01    5"
 * least recently seen first. @name NULL prints OVS's default port names:
 * the OpenFlow number, or LOCAL.
 */
void wft_mac_learning_format(struct wft_mac_learning *ml,
			     wft_mac_port_name_fn *name, void *aux,
			     struct wft_strbuf *out);

/*
 * fdb/stats-show, as ovs-appctl prints it for bridge @bridge:
 *  "Statistics for bridge \"br0\":"
 *  "  Current/maximum MAC entries in the table: 1/8192"
 * and the static, learned, expired, evicted and moved counts.
 */
void wft_mac_learning_format_stats(struct wft_mac_learning *ml,
				   const char *bridge, struct wft_strbuf *out);

/*
 * output:NORMAL (xlate_normal.c), with @ml the bridge's table. The daemon
 * sets the bridge's hook to a one-line wrapper:
 *	static void br_normal(struct wft_xlate_ctx *ctx, void *aux)
 *	{
 *		wft_xlate_normal(ctx, ((struct my_bridge *)aux)->ml);
 *	}
 * What it does, per port VLAN configuration (struct wft_xlate_port):
 *  - input VLAN: access ports put every frame in their tag's VLAN and drop
 *    frames tagged with a nonzero VID; trunk ports take the tag's VID (0
 *    when untagged) and drop VLANs outside their trunks (empty: all);
 *    native ports put untagged and priority-tagged frames in the native
 *    VLAN and treat other tags as trunks do, always trunking the native
 *    VLAN and never VLAN 0;
 *  - learning (only when wft_xlate_may_learn()): source MAC and VLAN to the
 *    input port, unless the source is multicast or broadcast or the input
 *    port is not a bridge port;
 *  - forwarding: a known unicast destination in the VLAN goes to its port
 *    (dropped if that is the input port); anything else floods to every
 *    port carrying the VLAN except the input port and no_flood ports;
 *  - output tagging: access ports and VLAN 0 untagged, trunk and
 *    native-tagged ports tagged, native-untagged ports untagged in their
 *    native VLAN; a tag keeps the input priority (PCP).
 * The megaflow matches in_port, the VLAN TCI, and both MAC addresses
 * (sources so that a new or moved host reaches userspace and is learned;
 * destinations for the lookup), and nothing at L3/L4.
 */
void wft_xlate_normal(struct wft_xlate_ctx *ctx, struct wft_mac_learning *ml);

/* 4096 bits: one per VID. */
#define WFT_VLAN_BITMAP_WORDS	(4096 / 64)

/*
 * Fills @p's VLAN fields from the Port columns vlan_mode (NULL when
 * empty), tag (-1 when empty) and trunks, as ovs-vswitchd reads them: no
 * vlan_mode means access when there is a tag, else trunk; access ignores
 * trunks, trunk ignores the tag. @bitmap (owned by the caller, as long as
 * @p) holds the trunks; p->trunks is NULL when they are empty (all VLANs).
 * Returns 0, or -EINVAL / -EOPNOTSUPP (dot1q-tunnel) with a message.
 */
int wft_normal_port_vlan(struct wft_xlate_port *p, const char *vlan_mode,
			 int tag, const uint16_t *trunks, size_t n_trunks,
			 uint64_t bitmap[WFT_VLAN_BITMAP_WORDS],
			 char *err, size_t err_size);

#endif /* WEFT_MAC_LEARNING_H */
