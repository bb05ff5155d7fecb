// SPDX-License-Identifier: GPL-2.0
/*
 * Learned bindings into the SB (include/weft/ovn_pinctrl.h): MAC_Binding
 * rows for put_arp and put_nd (logical_port, ip, mac, datapath, and the
 * timestamp ovn-northd ages them by), FDB rows for put_fdb (mac, dp_key,
 * port_key), inserted or updated as the replica says, one transaction a
 * batch, through the chassis' session when it has no other transaction
 * in flight.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ovn_priv.h"
#include "weft/ovn_pinctrl.h"
#include "weft/ovsdb_replica.h"
#include "weft/vlog.h"

WFT_LOG_MODULE(pinctrl_sb);

static struct wft_ovsdb_row *find_dp(struct wft_ovsdb_replica *r,
				     uint32_t key)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r,
							      "Datapath_Binding");
	struct wft_ovsdb_row *row;

	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row))
		if (wft_ovsdb_row_integer(row, "tunnel_key", -1) == key)
			return row;
	return NULL;
}

/* The name of port @key of datapath @dp, or NULL. */
static const char *port_name(struct wft_ovsdb_replica *r,
			     const struct wft_ovsdb_row *dp, uint32_t key)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r,
							      "Port_Binding");
	const struct wft_uuid *u = wft_ovsdb_row_uuid(dp);
	struct wft_ovsdb_row *row;

	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		const struct wft_ovsdb_datum *d =
			wft_ovsdb_row_get_named(row, "datapath");

		if (d && d->n && !memcmp(&d->keys[0].u, u, sizeof(*u)) &&
		    wft_ovsdb_row_integer(row, "tunnel_key", -1) == key)
			return wft_ovsdb_row_string(row, "logical_port", NULL);
	}
	return NULL;
}

static struct wft_ovsdb_row *find_row(struct wft_ovsdb_replica *r,
				      const char *table, const char *c1,
				      const char *v1, const char *c2,
				      const char *v2, int64_t i2)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, table);
	struct wft_ovsdb_row *row;

	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		if (strcmp(wft_ovsdb_row_string(row, c1, ""), v1))
			continue;
		if (v2 ? !strcmp(wft_ovsdb_row_string(row, c2, ""), v2) :
		    wft_ovsdb_row_integer(row, c2, -1) == i2)
			return row;
	}
	return NULL;
}

static json_t *where_uuid(const struct wft_ovsdb_row *row)
{
	return json_pack("[[sso]]", "_uuid", "==",
			 wft_ovsdb_uuid_json(wft_ovsdb_row_uuid(row)));
}

static void mac_text(const uint8_t *m, char *s)
{
	sprintf(s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		m[4], m[5]);
}

static bool mac_binding(struct wft_ovsdb_replica *r, struct wft_ovsdb_txn *t,
			const struct wft_pin_binding *b, long long now_ms)
{
	struct wft_ovsdb_row *dp = find_dp(r, b->dp_key), *mb;
	char ip[INET6_ADDRSTRLEN], mac[18];
	const char *port;

	port = dp ? port_name(r, dp, b->port_key) : NULL;
	if (!port)
		return false;
	inet_ntop(b->v4 ? AF_INET : AF_INET6, b->ip, ip, sizeof(ip));
	mac_text(b->mac, mac);
	mb = find_row(r, "MAC_Binding", "logical_port", port, "ip", ip, 0);
	if (mb)
		wft_ovsdb_txn_update(t, "MAC_Binding", where_uuid(mb),
				     json_pack("{s:s,s:I}", "mac", mac,
					       "timestamp",
					       (json_int_t)now_ms));
	else
		wft_ovsdb_txn_insert(t, "MAC_Binding",
				     json_pack("{s:s,s:s,s:s,s:o,s:I}",
					       "logical_port", port, "ip", ip,
					       "mac", mac, "datapath",
					       wft_ovsdb_uuid_json(
						       wft_ovsdb_row_uuid(dp)),
					       "timestamp",
					       (json_int_t)now_ms), NULL);
	return true;
}

static bool fdb(struct wft_ovsdb_replica *r, struct wft_ovsdb_txn *t,
		const struct wft_pin_binding *b)
{
	struct wft_ovsdb_row *row;
	char mac[18];

	if (!find_dp(r, b->dp_key))
		return false;
	mac_text(b->mac, mac);
	row = find_row(r, "FDB", "mac", mac, "dp_key", NULL, b->dp_key);
	if (row && wft_ovsdb_row_integer(row, "port_key", -1) == b->port_key)
		return false;		/* already so */
	if (row)
		wft_ovsdb_txn_update(t, "FDB", where_uuid(row),
				     json_pack("{s:I}", "port_key",
					       (json_int_t)b->port_key));
	else
		wft_ovsdb_txn_insert(t, "FDB",
				     json_pack("{s:s,s:I,s:I}", "mac", mac,
					       "dp_key", (json_int_t)b->dp_key,
					       "port_key",
					       (json_int_t)b->port_key), NULL);
	return true;
}

struct wft_ovsdb_txn *wft_ovn_pinctrl_sb_txn(struct wft_ovsdb_replica *r,
					      const struct wft_pin_binding *b,
					      size_t n, long long now_ms,
					      size_t *n_rows)
{
	struct wft_ovsdb_txn *t = wft_ovsdb_txn_new(
		wft_ovsdb_replica_schema(r)->name);
	size_t i;

	*n_rows = 0;
	for (i = 0; i < n; i++)
		*n_rows += b[i].op == WFT_PIN_PUT_FDB ? fdb(r, t, &b[i]) :
			   mac_binding(r, t, &b[i], now_ms);
	if (!*n_rows) {
		wft_ovsdb_txn_free(t);
		return NULL;
	}
	wft_ovsdb_txn_comment(t, "weft: learned bindings");
	return t;
}

static long long wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The chassis' writer: only between its own transactions, and only
 * once registered (the session has a replica). */
static bool write_sb(void *aux, const struct wft_pin_binding *b, size_t n)
{
	struct wft_ovn *o = aux;
	struct wft_ovsdb_txn *t;
	size_t rows;

	if (!o->client || o->txn_busy || !o->registered || o->leaving ||
	    wft_ovsdb_client_state(o->client) != WFT_OVSDB_S_ACTIVE)
		return false;
	t = wft_ovn_pinctrl_sb_txn(wft_ovsdb_client_replica(o->client), b, n,
				   wall_ms(), &rows);
	if (!t)
		return true;		/* nothing this SB knows: dropped */
	if (wft_ovn_send(o, t, "writing learned bindings")) {
		wft_dbg("cannot send %zu learned bindings now", rows);
		return false;
	}
	return true;
}

void wft_ovn_pinctrl_sb_attach(struct wft_ovn *o)
{
	wft_ovn_pinctrl_set_sb_writer(write_sb, o);
}

void wft_ovn_pinctrl_sb_detach(struct wft_ovn *o)
{
	wft_ovn_pinctrl_set_sb_writer(NULL, NULL);
}
