// SPDX-License-Identifier: GPL-2.0
/*
 * Whole-configuration checks (wft_conf_validate): what a single column's
 * type cannot say. Run after every vsctl transaction and after loading
 * conf.json; the first problem is reported, prefixed with the row it is in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/conf.h"

bool wft_conf_valid_ifname(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len < 16 && !strpbrk(name, "/: \t\r\n") &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/* Option checkers: NULL when @v is fine, else what it should be. */
static const char *opt_any(const char *v)
{
	return NULL;
}

static const char *opt_ip_or_flow(const char *v)
{
	unsigned char buf[16];

	if (!strcmp(v, "flow") || inet_pton(AF_INET, v, buf) == 1 ||
	    inet_pton(AF_INET6, v, buf) == 1)
		return NULL;
	return "an IPv4 or IPv6 address, or \"flow\"";
}

static const char *opt_bool(const char *v)
{
	return strcmp(v, "true") && strcmp(v, "false") ? "true or false"
						       : NULL;
}

static bool in_range(const char *v, long lo, long hi)
{
	char *end;
	long x = strtol(v, &end, 0);

	return *v && !*end && x >= lo && x <= hi;
}

static const char *opt_port(const char *v)
{
	return in_range(v, 1, 65535) ? NULL : "a UDP port, 1 to 65535";
}

static const char *opt_ttl(const char *v)
{
	return in_range(v, 1, 255) || !strcmp(v, "inherit") ? NULL
		: "1 to 255 or \"inherit\"";
}

static const char *opt_tos(const char *v)
{
	return in_range(v, 0, 255) || !strcmp(v, "inherit") ? NULL
		: "0 to 255 or \"inherit\"";
}

static const char *opt_key(const char *v)
{
	return !strcmp(v, "flow") || in_range(v, 0, 0xffffff) ? NULL
		: "a 24-bit VNI or \"flow\"";
}

struct opt {
	const char *name;
	bool required;
	const char *(*check)(const char *v);
};

static const struct opt tunnel_opts[] = {
	{ "csum", false, opt_bool },
	{ "df_default", false, opt_bool },
	{ "dst_port", false, opt_port },
	{ "in_key", false, opt_key },
	{ "key", false, opt_key },
	{ "local_ip", false, opt_ip_or_flow },
	{ "out_key", false, opt_key },
	{ "remote_ip", true, opt_ip_or_flow },
	{ "tos", false, opt_tos },
	{ "ttl", false, opt_ttl },
	{ NULL, false, NULL },
};

static const struct opt patch_opts[] = {
	{ "peer", true, opt_any },
	{ NULL, false, NULL },
};

static const struct opt no_opts[] = {
	{ NULL, false, NULL },
};

static const struct iface_type {
	const char *name;
	bool netdev;			/* the name is a network device's */
	const struct opt *opts;
} iface_types[] = {
	{ "", true, no_opts },
	{ "system", true, no_opts },
	{ "internal", true, no_opts },
	{ "geneve", true, tunnel_opts },
	{ "vxlan", true, tunnel_opts },
	{ "patch", false, patch_opts },
};

static const struct iface_type *iface_type_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(iface_types) / sizeof(iface_types[0]); i++)
		if (!strcmp(iface_types[i].name, name))
			return &iface_types[i];
	return NULL;
}

static int check_options(const struct wft_row *iface,
			 const struct iface_type *type, struct wft_strbuf *err)
{
	const struct wft_datum *d = &iface->cols[WFT_IF_OPTIONS];
	const char *name = wft_row_name(iface), *v, *want;
	const struct opt *o;
	unsigned int i;

	for (i = 0; i < d->n; i++) {
		for (o = type->opts; o->name; o++)
			if (!strcmp(o->name, d->keys[i].s))
				break;
		if (!o->name) {
			wft_strbuf_printf(err, "Interface %s: option \"%s\" is "
					  "not supported for type %s", name,
					  d->keys[i].s, *type->name ?
					  type->name : "system");
			return -EINVAL;
		}
		want = o->check(d->values[i].s);
		if (want) {
			wft_strbuf_printf(err, "Interface %s: options:%s=\"%s\" "
					  "is not valid (want %s)", name,
					  o->name, d->values[i].s, want);
			return -EINVAL;
		}
	}
	for (o = type->opts; o->name; o++) {
		v = wft_row_map_get(iface, WFT_IF_OPTIONS, o->name);
		if (o->required && !v) {
			wft_strbuf_printf(err, "Interface %s: type %s needs "
					  "options:%s", name, type->name,
					  o->name);
			return -EINVAL;
		}
	}
	return 0;
}

static int check_iface(const struct wft_row *iface, struct wft_strbuf *err)
{
	const char *type_name = wft_row_string(iface, WFT_IF_TYPE);
	const char *name = wft_row_name(iface);
	const struct iface_type *type = iface_type_find(type_name);

	if (!type) {
		wft_strbuf_printf(err, "Interface %s: type \"%s\" is not "
				  "supported by weft (supported: system, "
				  "internal, geneve, vxlan, patch)", name,
				  type_name);
		return -EINVAL;
	}
	if (type->netdev && !wft_conf_valid_ifname(name)) {
		wft_strbuf_printf(err, "Interface \"%s\": not a valid network "
				  "device name (1 to 15 bytes, no '/', ':' or "
				  "whitespace)", name);
		return -EINVAL;
	}
	return check_options(iface, type, err);
}

/* Every datum of every row against its column. */
static int check_columns(const struct wft_conf *conf, struct wft_strbuf *err)
{
	const struct wft_table *tbl;
	const struct wft_row *row;
	unsigned int col;
	size_t i, mark;
	int t;

	for (t = 0; t < WFT_CONF_N_TABLES; t++) {
		tbl = wft_table_get(t);
		for (i = 0; i < conf->n_rows[t]; i++) {
			row = conf->rows[t][i];
			for (col = 0; col < tbl->n_columns; col++) {
				mark = err->len;
				if (!wft_datum_check(&row->cols[col],
						     &tbl->columns[col], err))
					continue;
				wft_strbuf_truncate(err, mark);
				wft_strbuf_printf(err, "%s %s column %s: ",
						  tbl->name, wft_row_name(row),
						  tbl->columns[col].name);
				wft_datum_check(&row->cols[col],
						&tbl->columns[col], err);
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int check_unique_names(const struct wft_conf *conf,
			      struct wft_strbuf *err)
{
	size_t i, j;
	int t;

	for (t = WFT_TBL_BRIDGE; t < WFT_CONF_N_TABLES; t++)
		for (i = 0; wft_table_get(t)->name_column >= 0 &&
			    i < conf->n_rows[t]; i++)
			for (j = i + 1; j < conf->n_rows[t]; j++) {
				if (strcmp(wft_row_name(conf->rows[t][i]),
					   wft_row_name(conf->rows[t][j])))
					continue;
				wft_strbuf_printf(err, "two %s rows are named "
						  "%s", wft_table_get(t)->name,
						  wft_row_name(conf->rows[t][i]));
				return -EINVAL;
			}
	return 0;
}

/* Each child has exactly one parent (gc already dropped orphans). */
static int check_parents(const struct wft_conf *conf, struct wft_strbuf *err)
{
	const struct wft_row *port, *br;
	union wft_atom a;
	size_t i, b, n;

	for (i = 0; i < conf->n_rows[WFT_TBL_PORT]; i++) {
		port = conf->rows[WFT_TBL_PORT][i];
		a.u = port->uuid;
		for (n = 0, b = 0; b < conf->n_rows[WFT_TBL_BRIDGE]; b++) {
			br = conf->rows[WFT_TBL_BRIDGE][b];
			n += wft_datum_find(&br->cols[WFT_BR_PORTS], &a,
				&br->table->columns[WFT_BR_PORTS]) >= 0;
		}
		if (n != 1) {
			wft_strbuf_printf(err, "Port %s is on %zu bridges",
					  wft_row_name(port), n);
			return -EINVAL;
		}
	}
	for (i = 0; i < conf->n_rows[WFT_TBL_INTERFACE]; i++) {
		a.u = conf->rows[WFT_TBL_INTERFACE][i]->uuid;
		for (n = 0, b = 0; b < conf->n_rows[WFT_TBL_PORT]; b++) {
			port = conf->rows[WFT_TBL_PORT][b];
			n += wft_datum_find(&port->cols[WFT_PORT_INTERFACES],
				&a, &port->table->columns[WFT_PORT_INTERFACES])
				>= 0;
		}
		if (n != 1) {
			wft_strbuf_printf(err, "Interface %s is on %zu ports",
				wft_row_name(conf->rows[WFT_TBL_INTERFACE][i]),
				n);
			return -EINVAL;
		}
	}
	return 0;
}

/* The interface of a one-interface port. */
static const struct wft_row *port_iface(const struct wft_conf *conf,
					const struct wft_row *port)
{
	const struct wft_datum *d = &port->cols[WFT_PORT_INTERFACES];

	return d->n ? wft_conf_get(conf, WFT_TBL_INTERFACE, &d->keys[0].u)
		    : NULL;
}

static int check_bridge(const struct wft_conf *conf, const struct wft_row *br,
			struct wft_strbuf *err)
{
	const char *name = wft_row_name(br);
	const char *dpt = wft_row_string(br, WFT_BR_DATAPATH_TYPE);
	const struct wft_row *local = wft_conf_find(conf, WFT_TBL_PORT, name);
	const struct wft_row *iface;

	if (!wft_conf_valid_ifname(name)) {
		wft_strbuf_printf(err, "Bridge \"%s\": not a valid network "
				  "device name (1 to 15 bytes, no '/', ':' or "
				  "whitespace): weft names the bridge's "
				  "datapath after it", name);
		return -EINVAL;
	}
	if (*dpt && strcmp(dpt, "system")) {
		wft_strbuf_printf(err, "Bridge %s: datapath_type \"%s\" is not "
				  "supported by weft (only \"system\", the "
				  "kernel datapath)", name, dpt);
		return -EINVAL;
	}
	iface = local ? port_iface(conf, local) : NULL;
	if (!local || wft_conf_port_bridge(conf, local) != br || !iface ||
	    strcmp(wft_row_name(iface), name) ||
	    strcmp(wft_row_string(iface, WFT_IF_TYPE), "internal")) {
		wft_strbuf_printf(err, "Bridge %s has no local port (a port "
				  "and an internal interface named %s)", name,
				  name);
		return -EINVAL;
	}
	return 0;
}

static int check_port(const struct wft_conf *conf, const struct wft_row *port,
		      struct wft_strbuf *err)
{
	const struct wft_row *iface = port_iface(conf, port), *br;
	int64_t tag;

	if (port->cols[WFT_PORT_INTERFACES].n > 1) {
		wft_strbuf_printf(err, "Port %s has %u interfaces: weft has no "
				  "bonds (one interface per port)",
				  wft_row_name(port),
				  port->cols[WFT_PORT_INTERFACES].n);
		return -EINVAL;
	}
	if (!*wft_row_name(port)) {
		wft_strbuf_puts(err, "port name must not be empty string");
		return -EINVAL;
	}
	if (wft_row_bool(port, WFT_PORT_FAKE_BRIDGE) &&
	    (!wft_row_int(port, WFT_PORT_TAG, &tag) || !iface ||
	     strcmp(wft_row_string(iface, WFT_IF_TYPE), "internal"))) {
		wft_strbuf_printf(err, "Port %s: a fake bridge needs a tag and "
				  "an internal interface", wft_row_name(port));
		return -EINVAL;
	}
	/* A port named like a bridge must be that bridge's local port. */
	br = wft_conf_find(conf, WFT_TBL_BRIDGE, wft_row_name(port));
	if (br && wft_conf_port_bridge(conf, port) != br) {
		wft_strbuf_printf(err, "Port %s has the name of bridge %s",
				  wft_row_name(port), wft_row_name(br));
		return -EINVAL;
	}
	return 0;
}

/* ofport_request values are distinct within a bridge. */
static int check_ofport_requests(const struct wft_conf *conf,
				 const struct wft_row *br,
				 struct wft_strbuf *err)
{
	const struct wft_datum *ports = &br->cols[WFT_BR_PORTS];
	const struct wft_row *a, *b;
	int64_t ra, rb;
	unsigned int i, j;

	for (i = 0; i < ports->n; i++) {
		a = port_iface(conf, wft_conf_get(conf, WFT_TBL_PORT,
						  &ports->keys[i].u));
		if (!a || !wft_row_int(a, WFT_IF_OFPORT_REQUEST, &ra))
			continue;
		for (j = i + 1; j < ports->n; j++) {
			b = port_iface(conf, wft_conf_get(conf, WFT_TBL_PORT,
							  &ports->keys[j].u));
			if (!b || !wft_row_int(b, WFT_IF_OFPORT_REQUEST, &rb) ||
			    ra != rb)
				continue;
			wft_strbuf_printf(err, "Interfaces %s and %s of bridge "
					  "%s both request ofport %lld",
					  wft_row_name(a), wft_row_name(b),
					  wft_row_name(br), (long long)ra);
			return -EINVAL;
		}
	}
	return 0;
}

int wft_conf_validate(const struct wft_conf *conf, struct wft_strbuf *err)
{
	size_t i;

	if (check_columns(conf, err) || check_unique_names(conf, err) ||
	    check_parents(conf, err))
		return -EINVAL;
	for (i = 0; i < conf->n_rows[WFT_TBL_BRIDGE]; i++)
		if (check_bridge(conf, conf->rows[WFT_TBL_BRIDGE][i], err) ||
		    check_ofport_requests(conf, conf->rows[WFT_TBL_BRIDGE][i],
					  err))
			return -EINVAL;
	for (i = 0; i < conf->n_rows[WFT_TBL_PORT]; i++)
		if (check_port(conf, conf->rows[WFT_TBL_PORT][i], err))
			return -EINVAL;
	for (i = 0; i < conf->n_rows[WFT_TBL_INTERFACE]; i++)
		if (check_iface(conf->rows[WFT_TBL_INTERFACE][i], err))
			return -EINVAL;
	return wft_conf_check_tunnels(conf, err);
}
