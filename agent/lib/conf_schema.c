// SPDX-License-Identifier: GPL-2.0
/*
 * The tables and columns weft implements, a subset of OVS's vswitch schema
 * with the same names, types and constraints wherever weft has the column.
 */
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "weft/conf.h"

#define UNLIMITED	UINT_MAX

#define STRING		{ .type = WFT_AT_STRING }
#define INTEGER		{ .type = WFT_AT_INTEGER }
#define BOOLEAN		{ .type = WFT_AT_BOOLEAN }
#define VOID		{ .type = WFT_AT_VOID }
#define RANGE(lo, hi)	{ .type = WFT_AT_INTEGER, .has_range = true, \
			  .min = (lo), .max = (hi) }
#define ENUM(list)	{ .type = WFT_AT_STRING, .enums = (list) }
#define REF(t)		{ .type = WFT_AT_UUID, .ref = (t) }

#define MAP(name, flags)						\
	{ name, STRING, STRING, 0, UNLIMITED, flags }
#define OPTIONAL(name, base, flags)					\
	{ name, base, VOID, 0, 1, flags }
#define REQUIRED(name, base, flags)					\
	{ name, base, VOID, 1, 1, flags }
#define SET(name, base, max, flags)					\
	{ name, base, VOID, 0, max, flags }

#define RO		WFT_COL_RO
#define RUNTIME		(WFT_COL_RO | WFT_COL_RUNTIME)

static const char *const fail_modes[] = { "secure", "standalone", NULL };
static const char *const protocols[] = {
	"OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14",
	"OpenFlow15", NULL
};
/* No dot1q-tunnel: weft does not do QinQ on ports. */
static const char *const vlan_modes[] = {
	"access", "native-tagged", "native-untagged", "trunk", NULL
};

static const struct wft_column ovs_columns[WFT_OVS_N_COLUMNS] = {
	[WFT_OVS_BRIDGES] = SET("bridges", REF(WFT_TBL_BRIDGE), UNLIMITED, RO),
	[WFT_OVS_EXTERNAL_IDS] = MAP("external_ids", 0),
	[WFT_OVS_IFACE_TYPES] = SET("iface_types", STRING, UNLIMITED,
				    RUNTIME),
	[WFT_OVS_OTHER_CONFIG] = MAP("other_config", 0),
	/* Changed by set-ssl and del-ssl. */
	[WFT_OVS_SSL] = OPTIONAL("ssl", REF(WFT_TBL_SSL), RO),
};

static const struct wft_column bridge_columns[WFT_BR_N_COLUMNS] = {
	[WFT_BR_DATAPATH_TYPE] = REQUIRED("datapath_type", STRING, 0),
	[WFT_BR_EXTERNAL_IDS] = MAP("external_ids", 0),
	[WFT_BR_FAIL_MODE] = OPTIONAL("fail_mode", ENUM(fail_modes), 0),
	[WFT_BR_NAME] = REQUIRED("name", STRING, RO),
	[WFT_BR_OTHER_CONFIG] = MAP("other_config", 0),
	[WFT_BR_PORTS] = SET("ports", REF(WFT_TBL_PORT), UNLIMITED, RO),
	[WFT_BR_PROTOCOLS] = SET("protocols", ENUM(protocols), UNLIMITED, 0),
	[WFT_BR_STATUS] = MAP("status", RUNTIME),
};

static const struct wft_column port_columns[WFT_PORT_N_COLUMNS] = {
	[WFT_PORT_EXTERNAL_IDS] = MAP("external_ids", 0),
	[WFT_PORT_FAKE_BRIDGE] = REQUIRED("fake_bridge", BOOLEAN, RO),
	/* A set, as in OVS (so it prints as one); wft_conf_validate()
	 * allows one interface per port: weft has no bonds. */
	[WFT_PORT_INTERFACES] = { "interfaces", REF(WFT_TBL_INTERFACE), VOID,
				  1, UNLIMITED, RO },
	[WFT_PORT_NAME] = REQUIRED("name", STRING, RO),
	[WFT_PORT_OTHER_CONFIG] = MAP("other_config", 0),
	[WFT_PORT_STATUS] = MAP("status", RUNTIME),
	[WFT_PORT_TAG] = OPTIONAL("tag", RANGE(0, 4095), 0),
	[WFT_PORT_TRUNKS] = SET("trunks", RANGE(0, 4095), 4096, 0),
	[WFT_PORT_VLAN_MODE] = OPTIONAL("vlan_mode", ENUM(vlan_modes), 0),
};

static const struct wft_column iface_columns[WFT_IF_N_COLUMNS] = {
	[WFT_IF_ERROR] = OPTIONAL("error", STRING, RUNTIME),
	[WFT_IF_EXTERNAL_IDS] = MAP("external_ids", 0),
	[WFT_IF_IFINDEX] = OPTIONAL("ifindex", RANGE(0, 4294967295LL),
				    RUNTIME),
	[WFT_IF_MTU_REQUEST] = OPTIONAL("mtu_request", RANGE(1, 65535), 0),
	[WFT_IF_NAME] = REQUIRED("name", STRING, RO),
	[WFT_IF_OFPORT] = OPTIONAL("ofport", INTEGER, RUNTIME),
	[WFT_IF_OFPORT_REQUEST] = OPTIONAL("ofport_request", RANGE(1, 65279),
					   0),
	[WFT_IF_OPTIONS] = MAP("options", 0),
	[WFT_IF_OTHER_CONFIG] = MAP("other_config", 0),
	[WFT_IF_STATUS] = MAP("status", RUNTIME),
	[WFT_IF_TYPE] = REQUIRED("type", STRING, 0),
};

/* The key files of the OVSDB client's ssl: remotes (ovsdb_ssl.c). */
static const struct wft_column ssl_columns[WFT_SSL_N_COLUMNS] = {
	[WFT_SSL_BOOTSTRAP_CA_CERT] = REQUIRED("bootstrap_ca_cert", BOOLEAN,
					       0),
	[WFT_SSL_CA_CERT] = REQUIRED("ca_cert", STRING, 0),
	[WFT_SSL_CERTIFICATE] = REQUIRED("certificate", STRING, 0),
	[WFT_SSL_EXTERNAL_IDS] = MAP("external_ids", 0),
	[WFT_SSL_PRIVATE_KEY] = REQUIRED("private_key", STRING, 0),
};

static const struct wft_table tables[WFT_CONF_N_TABLES] = {
	[WFT_TBL_OPEN_VSWITCH] = { WFT_TBL_OPEN_VSWITCH, "Open_vSwitch",
				   "open_vswitch", ovs_columns,
				   WFT_OVS_N_COLUMNS, -1 },
	[WFT_TBL_BRIDGE] = { WFT_TBL_BRIDGE, "Bridge", "bridges",
			     bridge_columns, WFT_BR_N_COLUMNS, WFT_BR_NAME },
	[WFT_TBL_PORT] = { WFT_TBL_PORT, "Port", "ports", port_columns,
			   WFT_PORT_N_COLUMNS, WFT_PORT_NAME },
	[WFT_TBL_INTERFACE] = { WFT_TBL_INTERFACE, "Interface", "interfaces",
				iface_columns, WFT_IF_N_COLUMNS, WFT_IF_NAME },
	[WFT_TBL_SSL] = { WFT_TBL_SSL, "SSL", "ssl", ssl_columns,
			  WFT_SSL_N_COLUMNS, -1 },
};

const struct wft_table *wft_table_get(enum wft_table_id id)
{
	return &tables[id];
}

const struct wft_table *wft_table_find(const char *name)
{
	int i;

	for (i = 0; i < WFT_CONF_N_TABLES; i++)
		if (!strcasecmp(name, tables[i].name))
			return &tables[i];
	return NULL;
}

int wft_column_find(const struct wft_table *t, const char *name)
{
	unsigned int i;

	for (i = 0; i < t->n_columns; i++)
		if (!strcmp(name, t->columns[i].name))
			return i;
	return -1;
}

bool wft_column_is_map(const struct wft_column *c)
{
	return c->value.type != WFT_AT_VOID;
}

static const char *type_word(enum wft_atype t, bool plural)
{
	switch (t) {
	case WFT_AT_INTEGER:
		return plural ? "integers" : "integer";
	case WFT_AT_BOOLEAN:
		return plural ? "booleans" : "boolean";
	case WFT_AT_STRING:
		return plural ? "strings" : "string";
	case WFT_AT_UUID:
		return plural ? "uuids" : "uuid";
	default:
		return "?";
	}
}

void wft_column_describe(const struct wft_column *c, struct wft_strbuf *out)
{
	if (wft_column_is_map(c)) {
		wft_strbuf_printf(out, "map of %s to %s",
				  type_word(c->key.type, false),
				  type_word(c->value.type, false));
	} else if (c->n_min == 1 && c->n_max == 1) {
		wft_strbuf_puts(out, type_word(c->key.type, false));
	} else if (c->n_max == UNLIMITED) {
		wft_strbuf_printf(out, "set of %s",
				  type_word(c->key.type, true));
	} else if (c->n_max == 1) {
		wft_strbuf_printf(out, "optional %s",
				  type_word(c->key.type, false));
	} else {
		wft_strbuf_printf(out, "set of up to %u %s", c->n_max,
				  type_word(c->key.type, true));
	}
}
