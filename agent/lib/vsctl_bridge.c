// SPDX-License-Identifier: GPL-2.0
/*
 * The bridge, port and interface commands of ovs-vsctl (add-br, del-port,
 * list-ports...), with its view of fake bridges: a fake bridge is a port
 * of its parent with fake_bridge=true and a tag; the parent's other ports
 * with that tag belong to it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/util.h"

#include "vsctl_priv.h"

/* Lookups. */

struct wft_row *vsctl_port_iface(const struct wft_conf *conf,
				 const struct wft_row *port)
{
	const struct wft_datum *d = &port->cols[WFT_PORT_INTERFACES];

	return d->n ? wft_conf_get(conf, WFT_TBL_INTERFACE, &d->keys[0].u)
		    : NULL;
}

static int64_t port_tag(const struct wft_row *port)
{
	int64_t tag;

	return wft_row_int(port, WFT_PORT_TAG, &tag) ? tag : -1;
}

bool vsctl_bridge_find(const struct wft_conf *conf, const char *name,
		       struct vsctl_bridge *b)
{
	struct wft_row *port;

	memset(b, 0, sizeof(*b));
	b->br = wft_conf_find(conf, WFT_TBL_BRIDGE, name);
	if (b->br && !strcmp(wft_row_name(b->br), name))
		return true;
	b->br = NULL;
	port = wft_conf_find(conf, WFT_TBL_PORT, name);
	if (!port || !wft_row_bool(port, WFT_PORT_FAKE_BRIDGE) ||
	    strcmp(wft_row_name(port), name))
		return false;
	b->br = wft_conf_port_bridge(conf, port);
	b->fake = port;
	b->vlan = port_tag(port);
	return b->br != NULL;
}

const char *vsctl_bridge_name(const struct vsctl_bridge *b)
{
	return wft_row_name(b->fake ? b->fake : b->br);
}

/* The fake bridge of @br on @vlan, or NULL. */
static struct wft_row *fake_on(const struct wft_conf *conf,
			       const struct wft_row *br, int64_t vlan)
{
	const struct wft_datum *ports = &br->cols[WFT_BR_PORTS];
	struct wft_row *p;
	unsigned int i;

	for (i = 0; i < ports->n; i++) {
		p = wft_conf_get(conf, WFT_TBL_PORT, &ports->keys[i].u);
		if (p && wft_row_bool(p, WFT_PORT_FAKE_BRIDGE) &&
		    port_tag(p) == vlan)
			return p;
	}
	return NULL;
}

void vsctl_port_owner(const struct wft_conf *conf, struct wft_row *port,
		      struct vsctl_bridge *b)
{
	memset(b, 0, sizeof(*b));
	b->br = wft_conf_port_bridge(conf, port);
	if (!b->br || wft_row_bool(port, WFT_PORT_FAKE_BRIDGE) ||
	    port_tag(port) < 0)
		return;
	b->fake = fake_on(conf, b->br, port_tag(port));
	b->vlan = b->fake ? port_tag(port) : 0;
}

static bool same_bridge(const struct vsctl_bridge *a,
			const struct vsctl_bridge *b)
{
	return a->br == b->br && a->fake == b->fake;
}

/* Ports of bridge @b, sorted, without the ports that stand for bridges. */
static struct wft_row **bridge_ports(const struct wft_conf *conf,
				     const struct vsctl_bridge *b, size_t *n)
{
	struct wft_row **all, **out;
	struct vsctl_bridge owner;
	size_t i, k = 0, n_all;

	all = wft_conf_sorted(conf, WFT_TBL_PORT, &n_all);
	out = wft_xmalloc((n_all ? n_all : 1) * sizeof(*out));
	for (i = 0; i < n_all; i++) {
		vsctl_port_owner(conf, all[i], &owner);
		if (!same_bridge(&owner, b) ||
		    wft_row_bool(all[i], WFT_PORT_FAKE_BRIDGE) ||
		    !strcmp(wft_row_name(all[i]), wft_row_name(b->br)))
			continue;
		out[k++] = all[i];
	}
	free(all);
	*n = k;
	return out;
}

static int need_bridge(struct vsctl_ctx *ctx, const char *name,
		       struct vsctl_bridge *b)
{
	if (vsctl_bridge_find(ctx->conf, name, b))
		return 0;
	return vsctl_fail(ctx, "no bridge named %s", name);
}

/* A bridge that is not a fake one (fail-mode belongs to real ones). */
static int need_real_bridge(struct vsctl_ctx *ctx, const char *name,
			    struct vsctl_bridge *b)
{
	if (need_bridge(ctx, name, b))
		return -EINVAL;
	if (b->fake)
		return vsctl_fail(ctx, "%s is a fake bridge", name);
	return 0;
}

/* Creating and deleting rows. */

static void ref_add(struct wft_row *row, int col, const struct wft_row *kid)
{
	const struct wft_column *c = &row->table->columns[col];
	union wft_atom a = { .u = kid->uuid };

	wft_datum_append(&row->cols[col], &a, NULL, c);
	wft_datum_sort(&row->cols[col], c);
}

/* A new port named @name with one interface of the same name. */
static struct wft_row *port_new(struct wft_conf *conf, struct wft_row *br,
				const char *name, const char *type)
{
	struct wft_row *iface = wft_conf_insert(conf, WFT_TBL_INTERFACE);
	struct wft_row *port = wft_conf_insert(conf, WFT_TBL_PORT);

	wft_row_set_string(iface, WFT_IF_NAME, name);
	wft_row_set_string(iface, WFT_IF_TYPE, type);
	wft_row_set_string(port, WFT_PORT_NAME, name);
	ref_add(port, WFT_PORT_INTERFACES, iface);
	ref_add(br, WFT_BR_PORTS, port);
	return port;
}

/* Deletes @port and its interfaces; wft_conf_gc() drops the refs. */
static void port_delete(struct wft_conf *conf, struct wft_row *port)
{
	struct wft_row *iface;

	while ((iface = vsctl_port_iface(conf, port))) {
		wft_conf_delete(conf, iface);
		wft_conf_gc(conf);
	}
	wft_conf_delete(conf, port);
	wft_conf_gc(conf);
}

/* Commands. */

int cmd_ovs_init(struct vsctl_ctx *ctx)
{
	return 0;
}

static int check_new_bridge_name(struct vsctl_ctx *ctx, const char *name)
{
	struct wft_row *port = wft_conf_find(ctx->conf, WFT_TBL_PORT, name);
	struct wft_row *iface = wft_conf_find(ctx->conf, WFT_TBL_INTERFACE,
					      name);
	struct vsctl_bridge owner;

	if (port && !strcmp(wft_row_name(port), name)) {
		vsctl_port_owner(ctx->conf, port, &owner);
		return vsctl_fail(ctx, "cannot create a bridge named %s "
				  "because a port named %s already exists on "
				  "bridge %s", name, name,
				  vsctl_bridge_name(&owner));
	}
	if (iface && !strcmp(wft_row_name(iface), name))
		return vsctl_fail(ctx, "cannot create a bridge named %s "
				  "because an interface named %s already "
				  "exists", name, name);
	if (!*name)
		return vsctl_fail(ctx, "bridge name must not be empty string");
	return 0;
}

static int may_exist_br(struct vsctl_ctx *ctx, const struct vsctl_bridge *b,
			const char *parent, int vlan)
{
	const char *name = ctx->cmd->argv[0];
	char line[128];

	if (parent)
		snprintf(line, sizeof(line), "--may-exist add-br %s %s %d",
			 name, parent, vlan);
	else
		snprintf(line, sizeof(line), "--may-exist add-br %s", name);
	if (!parent && b->fake)
		return vsctl_fail(ctx, "\"%s\" but %s is a VLAN bridge for "
				  "VLAN %d", line, name, b->vlan);
	if (parent && !b->fake)
		return vsctl_fail(ctx, "\"%s\" but %s is not a VLAN bridge",
				  line, name);
	if (parent && strcmp(wft_row_name(b->br), parent))
		return vsctl_fail(ctx, "\"%s\" but %s has the wrong parent %s",
				  line, name, wft_row_name(b->br));
	if (parent && b->vlan != vlan)
		return vsctl_fail(ctx, "\"%s\" but %s is a VLAN bridge for the "
				  "wrong VLAN %d", line, name, b->vlan);
	return 0;
}

static int add_fake_br(struct vsctl_ctx *ctx, const char *name,
		       const char *parent_name, int vlan)
{
	struct vsctl_bridge parent;
	struct wft_row *port;

	if (!vsctl_bridge_find(ctx->conf, parent_name, &parent))
		return vsctl_fail(ctx, "parent bridge %s does not exist",
				  parent_name);
	if (parent.fake)
		return vsctl_fail(ctx, "cannot create bridge with fake bridge "
				  "as parent");
	if (fake_on(ctx->conf, parent.br, vlan))
		return vsctl_fail(ctx, "bridge %s already has a fake bridge on "
				  "VLAN %d", parent_name, vlan);
	port = port_new(ctx->conf, parent.br, name, "internal");
	wft_row_set_opt_int(port, WFT_PORT_TAG, true, vlan);
	port->cols[WFT_PORT_FAKE_BRIDGE].keys[0].b = true;
	return 0;
}

static int parse_vlan(struct vsctl_ctx *ctx, const char *s, int *vlan)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > 4095)
		return vsctl_fail(ctx, "add-br: vlan must be between 0 and "
				  "4095");
	*vlan = v;
	return 0;
}

int cmd_br_add(struct vsctl_ctx *ctx)
{
	const char *name = ctx->cmd->argv[0];
	const char *parent = ctx->cmd->argc > 1 ? ctx->cmd->argv[1] : NULL;
	struct wft_row *br, *ovs = wft_conf_ovs(ctx->conf);
	struct vsctl_bridge b;
	int vlan = 0;

	if (ctx->cmd->argc == 2)
		return vsctl_fail(ctx, "'add-br' command takes exactly 1 or 3 "
				  "arguments");
	if (parent && parse_vlan(ctx, ctx->cmd->argv[2], &vlan))
		return -EINVAL;
	if (vsctl_bridge_find(ctx->conf, name, &b)) {
		if (vsctl_opt(ctx, WFT_VSCTL_MAY_EXIST))
			return may_exist_br(ctx, &b, parent, vlan);
		return vsctl_fail(ctx, "cannot create a bridge named %s because "
				  "a bridge named %s already exists", name,
				  name);
	}
	if (check_new_bridge_name(ctx, name))
		return -EINVAL;
	if (parent)
		return add_fake_br(ctx, name, parent, vlan);
	br = wft_conf_insert(ctx->conf, WFT_TBL_BRIDGE);
	wft_row_set_string(br, WFT_BR_NAME, name);
	port_new(ctx->conf, br, name, "internal");
	ref_add(ovs, WFT_OVS_BRIDGES, br);
	return 0;
}

int cmd_br_del(struct vsctl_ctx *ctx)
{
	struct wft_row **ports;
	struct vsctl_bridge b;
	size_t i, n;

	if (!vsctl_bridge_find(ctx->conf, ctx->cmd->argv[0], &b)) {
		if (vsctl_opt(ctx, WFT_VSCTL_IF_EXISTS))
			return 0;
		return need_bridge(ctx, ctx->cmd->argv[0], &b);
	}
	if (b.fake) {
		ports = bridge_ports(ctx->conf, &b, &n);
		for (i = 0; i < n; i++)
			port_delete(ctx->conf, ports[i]);
		free(ports);
		port_delete(ctx->conf, b.fake);
		return 0;
	}
	/* The bridge's ports, fake bridges included, go with it. */
	wft_conf_delete(ctx->conf, b.br);
	wft_conf_gc(ctx->conf);
	return 0;
}

int cmd_br_list(struct vsctl_ctx *ctx)
{
	bool real = vsctl_opt(ctx, WFT_VSCTL_REAL);
	bool fake = vsctl_opt(ctx, WFT_VSCTL_FAKE);
	struct wft_row **rows;
	size_t i, n;

	if (!real && !fake)
		real = fake = true;
	rows = wft_conf_sorted(ctx->conf, WFT_TBL_PORT, &n);
	for (i = 0; i < n; i++) {
		struct vsctl_bridge b;
		const char *name = wft_row_name(rows[i]);

		if (!vsctl_bridge_find(ctx->conf, name, &b) ||
		    (b.fake ? !fake : !real))
			continue;
		wft_strbuf_printf(ctx->out, "%s\n", name);
	}
	free(rows);
	return 0;
}

int cmd_br_exists(struct vsctl_ctx *ctx)
{
	struct vsctl_bridge b;

	if (!vsctl_bridge_find(ctx->conf, ctx->cmd->argv[0], &b))
		ctx->exit_status = 2;
	return 0;
}

int cmd_br_to_vlan(struct vsctl_ctx *ctx)
{
	struct vsctl_bridge b;

	if (need_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	wft_strbuf_printf(ctx->out, "%d\n", b.vlan);
	return 0;
}

int cmd_br_to_parent(struct vsctl_ctx *ctx)
{
	struct vsctl_bridge b;

	if (need_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	wft_strbuf_printf(ctx->out, "%s\n", wft_row_name(b.br));
	return 0;
}

/* A fake bridge keeps its ids in its port, as "fake-bridge-KEY". */
static struct wft_row *extid_row(const struct vsctl_bridge *b, int *col,
				 const char **prefix)
{
	*col = b->fake ? WFT_PORT_EXTERNAL_IDS : WFT_BR_EXTERNAL_IDS;
	*prefix = b->fake ? "fake-bridge-" : "";
	return b->fake ? b->fake : b->br;
}

int cmd_br_set_extid(struct vsctl_ctx *ctx)
{
	const struct wft_column *c;
	struct vsctl_bridge b;
	struct wft_datum del;
	union wft_atom k;
	struct wft_row *row;
	const char *prefix;
	char *key;
	int col;

	if (need_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	row = extid_row(&b, &col, &prefix);
	c = &row->table->columns[col];
	if (asprintf(&key, "%s%s", prefix, ctx->cmd->argv[1]) < 0)
		return -ENOMEM;
	if (ctx->cmd->argc > 2) {
		wft_row_map_put(row, col, key, ctx->cmd->argv[2]);
	} else {
		wft_datum_init(&del);
		k.s = key;
		wft_datum_append(&del, &k, &k, c);
		wft_datum_subtract(&row->cols[col], &del, true, c);
		wft_datum_destroy(&del, c);
	}
	free(key);
	return 0;
}

int cmd_br_get_extid(struct vsctl_ctx *ctx)
{
	const struct wft_datum *d;
	struct vsctl_bridge b;
	struct wft_row *row;
	const char *prefix, *v;
	size_t plen;
	unsigned int i;
	int col;

	if (need_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	row = extid_row(&b, &col, &prefix);
	plen = strlen(prefix);
	if (ctx->cmd->argc > 1) {
		char *key;

		if (asprintf(&key, "%s%s", prefix, ctx->cmd->argv[1]) < 0)
			return -ENOMEM;
		v = wft_row_map_get(row, col, key);
		free(key);
		if (v)
			wft_strbuf_printf(ctx->out, "%s\n", v);
		return 0;
	}
	d = &row->cols[col];
	for (i = 0; i < d->n; i++)
		if (!strncmp(d->keys[i].s, prefix, plen))
			wft_strbuf_printf(ctx->out, "%s=%s\n",
					  d->keys[i].s + plen, d->values[i].s);
	return 0;
}

int cmd_port_list(struct vsctl_ctx *ctx)
{
	struct wft_row **ports;
	struct vsctl_bridge b;
	size_t i, n;

	if (need_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	ports = bridge_ports(ctx->conf, &b, &n);
	for (i = 0; i < n; i++)
		wft_strbuf_printf(ctx->out, "%s\n", wft_row_name(ports[i]));
	free(ports);
	return 0;
}

int cmd_iface_list(struct vsctl_ctx *ctx)
{
	struct wft_row **ports, *iface;
	struct vsctl_bridge b;
	size_t i, n;

	if (need_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	ports = bridge_ports(ctx->conf, &b, &n);
	for (i = 0; i < n; i++) {
		iface = vsctl_port_iface(ctx->conf, ports[i]);
		if (iface)
			wft_strbuf_printf(ctx->out, "%s\n",
					  wft_row_name(iface));
	}
	free(ports);
	return 0;
}

static int may_exist_port(struct vsctl_ctx *ctx, struct wft_row *port,
			  const struct vsctl_bridge *b)
{
	struct vsctl_bridge owner;

	vsctl_port_owner(ctx->conf, port, &owner);
	if (same_bridge(&owner, b))
		return 0;
	return vsctl_fail(ctx, "\"--may-exist add-port %s %s\" but %s is "
			  "actually attached to bridge %s",
			  ctx->cmd->argv[0], ctx->cmd->argv[1],
			  ctx->cmd->argv[1], vsctl_bridge_name(&owner));
}

static int check_new_port(struct vsctl_ctx *ctx, const char *name)
{
	struct wft_row *port = wft_conf_find(ctx->conf, WFT_TBL_PORT, name);
	struct wft_row *iface = wft_conf_find(ctx->conf, WFT_TBL_INTERFACE,
					      name);
	struct vsctl_bridge owner;

	if (!*name)
		return vsctl_fail(ctx, "port name must not be empty string");
	if (vsctl_bridge_find(ctx->conf, name, &owner))
		return vsctl_fail(ctx, "cannot create a port named %s because "
				  "a bridge named %s already exists", name,
				  name);
	if (port && !strcmp(wft_row_name(port), name)) {
		vsctl_port_owner(ctx->conf, port, &owner);
		return vsctl_fail(ctx, "cannot create a port named %s because "
				  "a port named %s already exists on bridge %s",
				  name, name, vsctl_bridge_name(&owner));
	}
	if (iface && !strcmp(wft_row_name(iface), name))
		return vsctl_fail(ctx, "cannot create an interface named %s "
				  "because an interface named %s already "
				  "exists", name, name);
	return 0;
}

int cmd_port_add(struct vsctl_ctx *ctx)
{
	const char *name = ctx->cmd->argv[1];
	struct wft_row *port;
	struct vsctl_bridge b;
	int i;

	if (need_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	port = wft_conf_find(ctx->conf, WFT_TBL_PORT, name);
	if (port && !strcmp(wft_row_name(port), name) &&
	    vsctl_opt(ctx, WFT_VSCTL_MAY_EXIST))
		return may_exist_port(ctx, port, &b);
	if (check_new_port(ctx, name))
		return -EINVAL;
	port = port_new(ctx->conf, b.br, name, "");
	if (b.fake)
		wft_row_set_opt_int(port, WFT_PORT_TAG, true, b.vlan);
	for (i = 2; i < ctx->cmd->argc; i++)
		if (vsctl_set_column(ctx, port, ctx->cmd->argv[i]))
			return -EINVAL;
	return 0;
}

static struct wft_row *find_port_by_iface(const struct wft_conf *conf,
					  const char *name)
{
	struct wft_row *iface = wft_conf_find(conf, WFT_TBL_INTERFACE, name);

	return iface ? wft_conf_iface_port(conf, iface) : NULL;
}

/* A port that stands for a bridge: its local port, or a fake bridge. */
static bool is_bridge_port(const struct wft_conf *conf, struct wft_row *port)
{
	struct wft_row *br = wft_conf_port_bridge(conf, port);

	return wft_row_bool(port, WFT_PORT_FAKE_BRIDGE) ||
	       (br && !strcmp(wft_row_name(br), wft_row_name(port)));
}

int cmd_port_del(struct vsctl_ctx *ctx)
{
	const char *name = ctx->cmd->argv[ctx->cmd->argc - 1];
	struct vsctl_bridge b, owner;
	struct wft_row *port;

	if (ctx->cmd->argc == 2 && need_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	port = wft_conf_find(ctx->conf, WFT_TBL_PORT, name);
	if (!port && vsctl_opt(ctx, WFT_VSCTL_WITH_IFACE))
		port = find_port_by_iface(ctx->conf, name);
	if (!port) {
		if (vsctl_opt(ctx, WFT_VSCTL_IF_EXISTS))
			return 0;
		return vsctl_fail(ctx, "no port named %s", name);
	}
	if (is_bridge_port(ctx->conf, port))
		return vsctl_fail(ctx, "cannot delete port %s because it is "
				  "the local port for bridge %s (deleting this "
				  "port requires deleting the entire bridge)",
				  name, wft_row_name(port));
	vsctl_port_owner(ctx->conf, port, &owner);
	if (ctx->cmd->argc == 2 && !same_bridge(&owner, &b)) {
		vsctl_fail(ctx, "bridge %s does not have a port %s",
			   ctx->cmd->argv[0], name);
		if (!b.fake && owner.fake && owner.br == b.br)
			wft_strbuf_printf(ctx->err, " (although its child "
					  "bridge %s does)",
					  vsctl_bridge_name(&owner));
		return -EINVAL;
	}
	port_delete(ctx->conf, port);
	return 0;
}

int cmd_port_to_br(struct vsctl_ctx *ctx)
{
	struct wft_row *port;
	struct vsctl_bridge b;

	port = wft_conf_find(ctx->conf, WFT_TBL_PORT, ctx->cmd->argv[0]);
	if (!port || is_bridge_port(ctx->conf, port))
		return vsctl_fail(ctx, "no port named %s", ctx->cmd->argv[0]);
	vsctl_port_owner(ctx->conf, port, &b);
	wft_strbuf_printf(ctx->out, "%s\n", vsctl_bridge_name(&b));
	return 0;
}

int cmd_iface_to_br(struct vsctl_ctx *ctx)
{
	struct wft_row *port;
	struct vsctl_bridge b;

	port = find_port_by_iface(ctx->conf, ctx->cmd->argv[0]);
	if (!port || is_bridge_port(ctx->conf, port))
		return vsctl_fail(ctx, "no interface named %s",
				  ctx->cmd->argv[0]);
	vsctl_port_owner(ctx->conf, port, &b);
	wft_strbuf_printf(ctx->out, "%s\n", vsctl_bridge_name(&b));
	return 0;
}

int cmd_failmode_get(struct vsctl_ctx *ctx)
{
	struct vsctl_bridge b;
	const char *mode;

	if (need_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	mode = wft_row_string(b.br, WFT_BR_FAIL_MODE);
	if (mode)
		wft_strbuf_printf(ctx->out, "%s\n", mode);
	return 0;
}

int cmd_failmode_set(struct vsctl_ctx *ctx)
{
	const char *mode = ctx->cmd->argv[1];
	struct vsctl_bridge b;

	if (need_real_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	if (strcmp(mode, "standalone") && strcmp(mode, "secure"))
		return vsctl_fail(ctx, "fail-mode must be \"standalone\" or "
				  "\"secure\"");
	wft_row_set_string(b.br, WFT_BR_FAIL_MODE, mode);
	return 0;
}

int cmd_failmode_del(struct vsctl_ctx *ctx)
{
	struct vsctl_bridge b;

	if (need_real_bridge(ctx, ctx->cmd->argv[0], &b))
		return -EINVAL;
	wft_row_set_string(b.br, WFT_BR_FAIL_MODE, NULL);
	return 0;
}
