// SPDX-License-Identifier: GPL-2.0
/*
 * Provenance of the chassis' rules (include/weft/ovn_provenance.h): an
 * index of the SB replica's rows by the cookie the chassis gives the
 * rules it builds from them, and the JSON and text that say, for one
 * rule, which Logical_Flow (or lookup row) it came from and which NB
 * object is behind it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/ovn_lookup.h"
#include "weft/ovn_provenance.h"
#include "weft/util.h"

/* OpenFlow tables of the chassis (ovn-23.03-facts.md 2.6). */
#define T_INGRESS	8
#define T_INGRESS_END	37	/* 29 logical ingress tables */
#define T_EGRESS	42
#define T_EGRESS_END	64

/* The SB tables whose rows give rules their cookies. */
enum src {
	SRC_LFLOW,
	SRC_MAC_BINDING,
	SRC_STATIC_MAC_BINDING,
	SRC_FDB,
	SRC_PORT_BINDING,
	SRC_LOAD_BALANCER,
	N_SRC,
};

static const char *const src_table[N_SRC] = {
	"Logical_Flow", "MAC_Binding", "Static_MAC_Binding", "FDB",
	"Port_Binding", "Load_Balancer",
};

struct entry {
	uint32_t cookie;
	uint8_t src;
	const struct wft_ovsdb_row *row;
};

struct wft_ovn_prov {
	struct wft_ovsdb_replica *r;
	struct entry *e;
	size_t n;
};

static uint32_t uuid_cookie(const struct wft_uuid *u)
{
	return (uint32_t)u->b[0] << 24 | (uint32_t)u->b[1] << 16 |
	       (uint32_t)u->b[2] << 8 | u->b[3];
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->cookie != y->cookie)
		return x->cookie < y->cookie ? -1 : 1;
	return (int)x->src - (int)y->src;
}

struct wft_ovn_prov *wft_ovn_prov_new(struct wft_ovsdb_replica *r)
{
	struct wft_ovn_prov *p = wft_xcalloc(1, sizeof(*p));
	struct wft_ovsdb_rtable *t;
	const struct wft_ovsdb_row *row;
	size_t cap = 0, s;

	p->r = r;
	for (s = 0; s < N_SRC; s++) {
		t = wft_ovsdb_replica_table(r, src_table[s]);
		if (t)
			cap += wft_ovsdb_rtable_count(t);
	}
	p->e = wft_xcalloc(cap ? cap : 1, sizeof(*p->e));
	for (s = 0; s < N_SRC; s++) {
		t = wft_ovsdb_replica_table(r, src_table[s]);
		for (row = t ? wft_ovsdb_rtable_first(t) : NULL;
		     row && p->n < cap; row = wft_ovsdb_row_next(row)) {
			p->e[p->n].cookie =
				uuid_cookie(wft_ovsdb_row_uuid(row));
			p->e[p->n].src = (uint8_t)s;
			p->e[p->n++].row = row;
		}
	}
	qsort(p->e, p->n, sizeof(*p->e), entry_cmp);
	return p;
}

void wft_ovn_prov_free(struct wft_ovn_prov *p)
{
	if (!p)
		return;
	free(p->e);
	free(p);
}

/* The first entry with @cookie, or p->n. */
static size_t first_of(const struct wft_ovn_prov *p, uint32_t cookie)
{
	size_t lo = 0, hi = p->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (p->e[mid].cookie < cookie)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *ext_id(const struct wft_ovsdb_row *row, const char *key)
{
	return wft_ovsdb_row_map_get(row, "external_ids", key);
}

static const struct wft_ovsdb_row *ref(const struct wft_ovn_prov *p,
				       const struct wft_ovsdb_row *row,
				       const char *col, const char *table)
{
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(row, col);
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(p->r, table);

	return d && d->n && t ? wft_ovsdb_rtable_find(t, &d->keys[0].u)
			      : NULL;
}

static const char *dp_name(const struct wft_ovsdb_row *dp)
{
	const char *n = wft_ovsdb_row_map_get(dp, "external_ids", "name");

	return n ? n : "";
}

/* The Datapath_Binding with tunnel key @key, or NULL. */
static const struct wft_ovsdb_row *dp_by_key(const struct wft_ovn_prov *p,
					     uint32_t key)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(p->r,
							"Datapath_Binding");
	const struct wft_ovsdb_row *dp;

	for (dp = t ? wft_ovsdb_rtable_first(t) : NULL; dp;
	     dp = wft_ovsdb_row_next(dp))
		if (wft_ovsdb_row_integer(dp, "tunnel_key", -1) == key)
			return dp;
	return NULL;
}

static const struct wft_ovsdb_row *port_by_name(const struct wft_ovn_prov *p,
						const char *name)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(p->r,
							     "Port_Binding");
	const struct wft_ovsdb_row *pb;

	for (pb = t ? wft_ovsdb_rtable_first(t) : NULL; pb;
	     pb = wft_ovsdb_row_next(pb))
		if (!strcmp(wft_ovsdb_row_string(pb, "logical_port", ""),
			    name))
			return pb;
	return NULL;
}

/* The OpenFlow table's logical pipeline and stage number, if any. */
static bool logical_table(uint8_t table, bool *egress, unsigned int *id)
{
	if (table >= T_INGRESS && table < T_INGRESS_END) {
		*egress = false;
		*id = table - T_INGRESS;
		return true;
	}
	if (table >= T_EGRESS && table < T_EGRESS_END) {
		*egress = true;
		*id = table - T_EGRESS;
		return true;
	}
	return false;
}

static bool has(const char *s, const char *part)
{
	return s && strstr(s, part);
}

/*
 * The kind of NB row a stage-hint names, from the stage (northd passes
 * the ACL, port, load balancer, NAT, policy or route it compiles as the
 * hint). NULL when the stage does not tell.
 */
static const char *nb_kind(const char *stage, const char *actions)
{
	static const char *const ls_port[] = {
		"port_sec", "l2_lkup", "arp_rsp", "dhcp", "dns",
		"external_port", "fdb", "l2_unknown",
	};
	static const char *const lr_port[] = {
		"lr_in_admission", "lr_in_lookup_neighbor",
		"lr_in_learn_neighbor", "lr_in_nd_ra_options",
		"lr_in_nd_ra_response", "lr_in_chk_pkt_len",
		"lr_in_larger_pkts", "lr_in_arp_request", "lr_out_delivery",
	};
	size_t i;

	if (!stage)
		return NULL;
	if (has(stage, "_acl"))
		return "ACL";
	if (has(stage, "qos"))
		return "QoS";
	if (has(actions, "ct_lb") || has(stage, "_lb") ||
	    !strcmp(stage, "lr_in_defrag"))
		return "load balancer";
	if (has(stage, "nat") || has(stage, "dnat") || has(stage, "snat"))
		return "NAT";
	if (!strncmp(stage, "lr_in_policy", 12))
		return "router policy";
	if (!strncmp(stage, "lr_in_ip_routing", 16))
		return "static route or router port";
	if (!strncmp(stage, "ls_", 3)) {
		for (i = 0; i < WFT_ARRAY_SIZE(ls_port); i++)
			if (has(stage, ls_port[i]))
				return "switch port";
		return NULL;
	}
	for (i = 0; i < WFT_ARRAY_SIZE(lr_port); i++)
		if (!strcmp(stage, lr_port[i]))
			return "router port";
	/* Router stages where northd hints a port or a NAT rule. */
	if (!strcmp(stage, "lr_in_ip_input") ||
	    !strcmp(stage, "lr_in_arp_resolve") ||
	    !strcmp(stage, "lr_in_gw_redirect"))
		return "router port or NAT";
	return NULL;
}

/* The ports the match names ("inport == \"X\"", outport likewise) that
 * the replica has, with where each is bound. */
static json_t *match_ports(const struct wft_ovn_prov *p, const char *match)
{
	json_t *ports = json_array();
	const char *s = match, *q, *end;
	const struct wft_ovsdb_row *pb, *ch;
	char name[256];

	while ((s = strstr(s, "port == \""))) {
		q = s + 9;
		end = strchr(q, '"');
		if (!end)
			break;
		s = end;
		if ((size_t)(end - q) >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(end - q), q);
		pb = port_by_name(p, name);
		if (!pb)
			continue;
		ch = ref(p, pb, "chassis", "Chassis");
		json_array_append_new(ports, json_pack("{s:s,s:s,s:s,s:I}",
			"name", name,
			"type", wft_ovsdb_row_string(pb, "type", ""),
			"chassis", ch ? wft_ovsdb_row_string(ch, "name", "")
				      : "",
			"tunnel_key", (json_int_t)wft_ovsdb_row_integer(pb,
				"tunnel_key", 0)));
	}
	return ports;
}

/* The SB Load_Balancer whose lb_id starts with @hint, as "NAME", or
 * NULL. */
static const char *lb_by_hint(const struct wft_ovn_prov *p, const char *hint)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(p->r,
							     "Load_Balancer");
	const struct wft_ovsdb_row *lb;
	const char *id;

	for (lb = t ? wft_ovsdb_rtable_first(t) : NULL; lb;
	     lb = wft_ovsdb_row_next(lb)) {
		id = wft_ovsdb_row_map_get(lb, "external_ids", "lb_id");
		if (id && !strncmp(id, hint, strlen(hint)))
			return wft_ovsdb_row_string(lb, "name", "");
	}
	return NULL;
}

static json_t *nb_json(const struct wft_ovn_prov *p, const char *hint,
		       const char *stage, const char *actions)
{
	const char *kind = nb_kind(stage, actions), *lb;
	json_t *j;

	if (!hint)
		return json_null();
	j = json_pack("{s:s,s:s}", "hint", hint, "kind", kind ? kind : "");
	if (kind && !strcmp(kind, "load balancer") &&
	    (lb = lb_by_hint(p, hint)))
		json_object_set_new(j, "sb_load_balancer", json_string(lb));
	return j;
}

/* The datapath(s) of @lf: the one the rule matches on when known. */
static const char *lflow_dp(const struct wft_ovn_prov *p,
			    const struct wft_ovsdb_row *lf, uint32_t dp_key)
{
	const struct wft_ovsdb_row *dp = ref(p, lf, "logical_datapath",
					     "Datapath_Binding");

	if (dp)
		return dp_name(dp);
	dp = dp_key ? dp_by_key(p, dp_key) : NULL;
	return dp ? dp_name(dp) : "";
}

static json_t *lflow_json(const struct wft_ovn_prov *p,
			  const struct wft_ovsdb_row *lf, uint32_t dp_key)
{
	char uuid[WFT_UUID_STRLEN + 1];
	const char *stage = ext_id(lf, "stage-name");
	const char *hint = ext_id(lf, "stage-hint");
	const char *src = ext_id(lf, "source");
	const char *match = wft_ovsdb_row_string(lf, "match", "");
	const char *actions = wft_ovsdb_row_string(lf, "actions", "");

	wft_uuid_format(wft_ovsdb_row_uuid(lf), uuid);
	return json_pack("{s:s,s:s,s:s,s:I,s:s,s:I,s:s,s:s,s:s,s:o,s:o}",
		"uuid", uuid,
		"datapath", lflow_dp(p, lf, dp_key),
		"pipeline", wft_ovsdb_row_string(lf, "pipeline", ""),
		"table_id", (json_int_t)wft_ovsdb_row_integer(lf, "table_id",
							      0),
		"stage", stage ? stage : "",
		"priority", (json_int_t)wft_ovsdb_row_integer(lf, "priority",
							      0),
		"match", match,
		"actions", actions,
		"source", src ? src : "",
		"nb", nb_json(p, hint, stage, actions),
		"ports", match_ports(p, match));
}

/* One lookup row, described in a few words. */
static json_t *row_json(const struct wft_ovn_prov *p, enum src s,
			const struct wft_ovsdb_row *row)
{
	char uuid[WFT_UUID_STRLEN + 1];
	const struct wft_ovsdb_row *dp;
	char text[512];

	wft_uuid_format(wft_ovsdb_row_uuid(row), uuid);
	switch (s) {
	case SRC_MAC_BINDING:
	case SRC_STATIC_MAC_BINDING:
		snprintf(text, sizeof(text), "%s on %s",
			 wft_ovsdb_row_string(row, "ip", ""),
			 wft_ovsdb_row_string(row, "logical_port", ""));
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 " is %s", wft_ovsdb_row_string(row, "mac", ""));
		break;
	case SRC_FDB:
		dp = dp_by_key(p, (uint32_t)wft_ovsdb_row_integer(row,
							"dp_key", 0));
		snprintf(text, sizeof(text), "%s learnt on port key %lld of %s",
			 wft_ovsdb_row_string(row, "mac", ""),
			 (long long)wft_ovsdb_row_integer(row, "port_key", 0),
			 dp ? dp_name(dp) : "?");
		break;
	case SRC_PORT_BINDING:
		snprintf(text, sizeof(text), "port %s (port security)",
			 wft_ovsdb_row_string(row, "logical_port", ""));
		break;
	case SRC_LOAD_BALANCER:
		snprintf(text, sizeof(text), "load balancer %s (NB %.8s)",
			 wft_ovsdb_row_string(row, "name", ""),
			 ext_id(row, "lb_id") ? ext_id(row, "lb_id") : "?");
		break;
	default:
		text[0] = 0;
	}
	return json_pack("{s:s,s:s,s:s}", "table", src_table[s], "uuid", uuid,
			 "text", text);
}

/* Which SB tables fill OpenFlow table @table's rules. */
static bool lookup_src(uint8_t table, enum src s)
{
	switch (table) {
	case WFT_OVN_T_MAC_BINDING:
	case WFT_OVN_T_MAC_LOOKUP:
		return s == SRC_MAC_BINDING || s == SRC_STATIC_MAC_BINDING;
	case WFT_OVN_T_CHK_LB_HAIRPIN:
	case WFT_OVN_T_CHK_LB_HAIRPIN_REPLY:
	case WFT_OVN_T_CT_SNAT_HAIRPIN:
	case WFT_OVN_T_CHK_LB_AFFINITY:
		return s == SRC_LOAD_BALANCER;
	case WFT_OVN_T_GET_FDB:
	case WFT_OVN_T_LOOKUP_FDB:
		return s == SRC_FDB;
	case WFT_OVN_T_CHK_IN_PORT_SEC:
	case WFT_OVN_T_CHK_IN_PORT_SEC_ND:
	case WFT_OVN_T_CHK_OUT_PORT_SEC:
		return s == SRC_PORT_BINDING;
	default:
		return false;
	}
}

/* The physical tables, in ovn-controller's terms. */
static const char *physical_name(uint8_t table)
{
	switch (table) {
	case 0:
		return "phy_to_log: a port's packets enter its datapath";
	case 37: return "output_large_pkt_detect";
	case 38: return "output_large_pkt_process";
	case 39: return "remote_output: to another chassis";
	case 40: return "local_output: to a port of this chassis";
	case 41: return "check_loopback: then the egress pipeline";
	case 64: return "save_inport";
	case 65: return "log_to_phy: out of the logical port";
	case WFT_OVN_T_MAC_BINDING:	  return "mac_binding";
	case WFT_OVN_T_MAC_LOOKUP:	  return "mac_lookup";
	case WFT_OVN_T_CHK_LB_HAIRPIN:	  return "chk_lb_hairpin";
	case WFT_OVN_T_CHK_LB_HAIRPIN_REPLY: return "chk_lb_hairpin_reply";
	case WFT_OVN_T_CT_SNAT_HAIRPIN:	  return "ct_snat_hairpin";
	case WFT_OVN_T_GET_FDB:		  return "get_fdb";
	case WFT_OVN_T_LOOKUP_FDB:	  return "lookup_fdb";
	case WFT_OVN_T_CHK_IN_PORT_SEC:	  return "chk_in_port_sec";
	case WFT_OVN_T_CHK_IN_PORT_SEC_ND: return "chk_in_port_sec_nd";
	case WFT_OVN_T_CHK_OUT_PORT_SEC:  return "chk_out_port_sec";
	case WFT_OVN_T_ECMP_NH_MAC:	  return "ecmp_nh_mac";
	case WFT_OVN_T_ECMP_NH:		  return "ecmp_nh";
	case WFT_OVN_T_CHK_LB_AFFINITY:	  return "chk_lb_affinity";
	default: return NULL;
	}
}

json_t *wft_ovn_prov_lookup(const struct wft_ovn_prov *p, uint8_t table,
			    uint64_t cookie, uint32_t dp_key)
{
	json_t *lflows = json_array(), *rows = json_array(), *j;
	const char *phys = physical_name(table);
	const struct entry *e;
	unsigned int id = 0;
	bool egress = false, logical;
	size_t i;

	logical = logical_table(table, &egress, &id);
	for (i = cookie && cookie <= UINT32_MAX ?
		 first_of(p, (uint32_t)cookie) : p->n;
	     i < p->n && p->e[i].cookie == cookie; i++) {
		e = &p->e[i];
		if (e->src == SRC_LFLOW) {
			/* A collision in another table is not this rule's. */
			if (!logical ||
			    wft_ovsdb_row_integer(e->row, "table_id", -1) !=
			    id || strcmp(wft_ovsdb_row_string(e->row, "pipeline", ""),
				   egress ? "egress" : "ingress"))
				continue;
			json_array_append_new(lflows,
					      lflow_json(p, e->row, dp_key));
		} else if (lookup_src(table, e->src)) {
			json_array_append_new(rows,
					      row_json(p, e->src, e->row));
		}
	}
	if (!json_array_size(lflows) && !json_array_size(rows) && !phys) {
		json_decref(lflows);
		json_decref(rows);
		return NULL;
	}
	j = json_pack("{s:i,s:o,s:o,s:o}", "table", table,
		      "cookie", json_sprintf("0x%llx",
					     (unsigned long long)cookie),
		      "lflows", lflows, "rows", rows);
	if (phys)
		json_object_set_new(j, "physical", json_string(phys));
	return j;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static void put_indent(struct wft_strbuf *sb, unsigned int n)
{
	while (n--)
		wft_strbuf_putc(sb, ' ');
}

/* "from NB ACL 4c5d6e7f", with the ports and balancer the SB names. */
static void format_nb(const json_t *lf, struct wft_strbuf *sb)
{
	const json_t *nb = json_object_get(lf, "nb"), *pt;
	size_t i;

	if (json_is_object(nb)) {
		wft_strbuf_printf(sb, " from NB %s%s%s", str(nb, "kind"),
				  *str(nb, "kind") ? " " : "row ",
				  str(nb, "hint"));
		if (*str(nb, "sb_load_balancer"))
			wft_strbuf_printf(sb, " (%s)",
					  str(nb, "sb_load_balancer"));
	}
	json_array_foreach(json_object_get(lf, "ports"), i, pt) {
		wft_strbuf_printf(sb, "%s%s", i ? ", " : "; port ",
				  str(pt, "name"));
		if (*str(pt, "chassis"))
			wft_strbuf_printf(sb, " on %s", str(pt, "chassis"));
	}
}

void wft_ovn_prov_format(const json_t *prov, unsigned int indent,
			 struct wft_strbuf *sb)
{
	const json_t *lf, *row;
	size_t i;

	json_array_foreach(json_object_get(prov, "lflows"), i, lf) {
		put_indent(sb, indent);
		wft_strbuf_printf(sb, "lflow %s %s%s%s(%lld) priority %lld "
			"match=(%s) actions=(%s)", str(lf, "uuid"),
			str(lf, "datapath"), *str(lf, "datapath") ? " " : "",
			*str(lf, "stage") ? str(lf, "stage") :
			str(lf, "pipeline"),
			json_integer_value(json_object_get(lf, "table_id")),
			json_integer_value(json_object_get(lf, "priority")),
			str(lf, "match"), str(lf, "actions"));
		format_nb(lf, sb);
		wft_strbuf_putc(sb, '\n');
	}
	json_array_foreach(json_object_get(prov, "rows"), i, row) {
		put_indent(sb, indent);
		wft_strbuf_printf(sb, "SB %s %.8s: %s\n", str(row, "table"),
				  str(row, "uuid"), str(row, "text"));
	}
	if (!json_array_size(json_object_get(prov, "lflows")) &&
	    !json_array_size(json_object_get(prov, "rows")) &&
	    *str(prov, "physical")) {
		put_indent(sb, indent);
		wft_strbuf_printf(sb, "%s table %lld (%s)\n",
			json_integer_value(json_object_get(prov, "table")) >=
			WFT_OVN_T_MAC_BINDING ? "lookup" : "physical",
			json_integer_value(json_object_get(prov, "table")),
			str(prov, "physical"));
	}
}

json_t *wft_ovn_prov_stages(json_t *const *provs, size_t n,
			    struct wft_strbuf *sb)
{
	json_t *runs = json_array(), *run = NULL, *lf;
	char stage[128];
	size_t i;

	for (i = 0; i < n; i++) {
		lf = provs[i] ? json_array_get(json_object_get(provs[i],
							       "lflows"), 0)
			      : NULL;
		if (!lf)
			continue;
		if (!run || strcmp(str(run, "datapath"), str(lf, "datapath")) ||
		    strcmp(str(run, "pipeline"), str(lf, "pipeline"))) {
			run = json_pack("{s:s,s:s,s:[]}", "datapath",
					str(lf, "datapath"), "pipeline",
					str(lf, "pipeline"), "stages");
			json_array_append_new(runs, run);
			wft_strbuf_printf(sb, "%s  %s %s:",
					  json_array_size(runs) > 1 ? "\n" : "",
					  *str(lf, "datapath") ?
					  str(lf, "datapath") : "?",
					  str(lf, "pipeline"));
		}
		snprintf(stage, sizeof(stage), "%s(%lld)",
			 *str(lf, "stage") ? str(lf, "stage") : "?",
			 json_integer_value(json_object_get(lf, "table_id")));
		json_array_append_new(json_object_get(run, "stages"),
				      json_string(stage));
		wft_strbuf_printf(sb, " %s", stage);
	}
	if (json_array_size(runs))
		wft_strbuf_putc(sb, '\n');
	return runs;
}
