// SPDX-License-Identifier: GPL-2.0
/*
 * udpif's statistics and upcall/show, in ovs-appctl's layout with
 * weft's handler and revalidator counters after it.
 */
#include <string.h>

#include "udpif_priv.h"

#define LOAD(x)	atomic_load_explicit(&(x), memory_order_relaxed)

static void handler_stats(const struct handler_counters *c,
			  const struct handler_counters *old,
			  struct wft_udpif_handler_stats *st)
{
#define GET(f) st->f = LOAD(c->f) + (old ? LOAD(old->f) : 0)
	GET(n_upcalls);
	GET(n_installed);
	GET(n_duplicates);
	GET(n_over_limit);
	GET(n_errors);
	GET(n_packet_ins);
	GET(n_stale);
	GET(n_batches);
#undef GET
}

void wft_udpif_get_stats(struct wft_udpif *u, struct wft_udpif_stats *st)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	st->n_flows = LOAD(u->n_ukeys);
	st->avg_flows = LOAD(u->avg_flows);
	st->max_flows = LOAD(u->max_flows);
	st->flow_limit = LOAD(u->flow_limit);
	st->flow_limit_cfg = LOAD(u->flow_limit_cfg);
	st->dump_ms = LOAD(u->dump_ms);
	st->n_cycles = LOAD(u->n_cycles);
	st->n_deleted = LOAD(u->n_deleted);
	st->n_modified = LOAD(u->n_modified);
	st->n_adopted = LOAD(u->n_adopted);
	st->n_idle = LOAD(u->n_idle);
	st->n_torn = LOAD(u->n_torn);
	/* Handlers change only in the main thread, which calls this. */
	st->n_handlers = u->n_handlers;
	for (i = 0; i < u->n_handlers; i++)
		handler_stats(&u->handlers[i].c, i ? NULL : &u->old,
			      &st->handlers[i]);
}

void wft_udpif_format(struct wft_udpif *u, const char *dp_name,
		      struct wft_strbuf *out)
{
	struct wft_udpif_stats st;
	const struct wft_udpif_handler_stats *h;
	unsigned int i;

	wft_udpif_get_stats(u, &st);
	wft_strbuf_printf(out, "system@%s:\n", dp_name);
	wft_strbuf_printf(out, "  flows         : (current %zu) (avg %zu) "
			  "(max %zu) (limit %zu)\n", st.n_flows, st.avg_flows,
			  st.max_flows, st.flow_limit);
	wft_strbuf_printf(out, "  dump duration : %llums\n", st.dump_ms);
	wft_strbuf_puts(out, "  ufid enabled : true\n\n");
	wft_strbuf_printf(out, "  handlers: %u\n", st.n_handlers);
	for (i = 0; i < st.n_handlers; i++) {
		h = &st.handlers[i];
		wft_strbuf_printf(out, "  handler %u: (upcalls %llu) "
				  "(installed %llu) (duplicates %llu) "
				  "(over limit %llu) (stale %llu) "
				  "(packet-ins %llu) (errors %llu) "
				  "(batches %llu)\n", i,
				  (unsigned long long)h->n_upcalls,
				  (unsigned long long)h->n_installed,
				  (unsigned long long)h->n_duplicates,
				  (unsigned long long)h->n_over_limit,
				  (unsigned long long)h->n_stale,
				  (unsigned long long)h->n_packet_ins,
				  (unsigned long long)h->n_errors,
				  (unsigned long long)h->n_batches);
	}
	wft_strbuf_printf(out, "  revalidator: (keys %zu) (cycles %llu) "
			  "(deleted %llu) (modified %llu) (adopted %llu) "
			  "(idle %llu) (torn %llu)\n", st.n_flows,
			  (unsigned long long)st.n_cycles,
			  (unsigned long long)st.n_deleted,
			  (unsigned long long)st.n_modified,
			  (unsigned long long)st.n_adopted,
			  (unsigned long long)st.n_idle,
			  (unsigned long long)st.n_torn);
}

static json_t *handler_json(const struct wft_udpif_handler_stats *h)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			 "upcalls", (json_int_t)h->n_upcalls,
			 "installed", (json_int_t)h->n_installed,
			 "duplicates", (json_int_t)h->n_duplicates,
			 "over_limit", (json_int_t)h->n_over_limit,
			 "stale", (json_int_t)h->n_stale,
			 "packet_ins", (json_int_t)h->n_packet_ins,
			 "errors", (json_int_t)h->n_errors,
			 "batches", (json_int_t)h->n_batches);
}

json_t *wft_udpif_to_json(struct wft_udpif *u)
{
	struct wft_udpif_stats st;
	json_t *hs = json_array();
	unsigned int i;

	wft_udpif_get_stats(u, &st);
	for (i = 0; i < st.n_handlers; i++)
		json_array_append_new(hs, handler_json(&st.handlers[i]));
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}",
			 "flows", (json_int_t)st.n_flows,
			 "avg_flows", (json_int_t)st.avg_flows,
			 "max_flows", (json_int_t)st.max_flows,
			 "flow_limit", (json_int_t)st.flow_limit,
			 "dump_duration_ms", (json_int_t)st.dump_ms,
			 "cycles", (json_int_t)st.n_cycles,
			 "deleted", (json_int_t)st.n_deleted,
			 "modified", (json_int_t)st.n_modified,
			 "adopted", (json_int_t)st.n_adopted,
			 "idle_expired", (json_int_t)st.n_idle,
			 "torn", (json_int_t)st.n_torn,
			 "handlers", hs);
}
