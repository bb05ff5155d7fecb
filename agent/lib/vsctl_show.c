// SPDX-License-Identifier: GPL-2.0
/*
 * `show`: the overview of bridges, ports and interfaces.
 *
 * Differences from ovs-vsctl, on purpose: bridges, ports and records come
 * sorted by name (OVS prints them in UUID order, which looks random), and
 * there is no ovs_version line. The first line is the Open_vSwitch
 * record's UUID, as in OVS (weft keeps it in conf.json, so it is stable).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "weft/tunnel_mtu.h"
#include "weft/util.h"

#include "vsctl_priv.h"

/* show. */

static void print_uuid_line(const struct wft_row *row, struct wft_strbuf *out)
{
	char buf[WFT_UUID_STRLEN + 1];

	wft_uuid_format(&row->uuid, buf);
	wft_strbuf_printf(out, "%s\n", buf);
}

static void show_column(const struct wft_row *row, int col, int indent,
			struct wft_strbuf *out)
{
	const struct wft_column *c = &row->table->columns[col];

	if (wft_datum_is_default(&row->cols[col], c))
		return;
	wft_strbuf_printf(out, "%*s%s: ", indent, "", c->name);
	wft_datum_format(&row->cols[col], c, out);
	wft_strbuf_putc(out, '\n');
}

static void show_heading(const char *what, const struct wft_row *row,
			 int indent, struct wft_strbuf *out)
{
	union wft_atom a = { .s = (char *)wft_row_name(row) };

	wft_strbuf_printf(out, "%*s%s ", indent, "", what);
	wft_atom_format(&a, WFT_AT_STRING, out);
	wft_strbuf_putc(out, '\n');
}

/* The rows @col of @row refers to, sorted by name. */
static struct wft_row **children(const struct wft_conf *conf,
				 const struct wft_row *row, int col, size_t *n)
{
	const struct wft_column *c = &row->table->columns[col];
	const struct wft_datum *d = &row->cols[col];
	struct wft_row **all, **out;
	union wft_atom a;
	size_t i, n_all;

	all = wft_conf_sorted(conf, c->key.ref, &n_all);
	out = wft_xmalloc((n_all ? n_all : 1) * sizeof(*out));
	*n = 0;
	for (i = 0; i < n_all; i++) {
		a.u = all[i]->uuid;
		if (wft_datum_find(d, &a, c) >= 0)
			out[(*n)++] = all[i];
	}
	free(all);
	return out;
}

static void show_port(const struct wft_conf *conf, const struct wft_row *port,
		      struct wft_strbuf *out)
{
	struct wft_row **ifaces;
	size_t i, n;

	show_heading("Port", port, 8, out);
	show_column(port, WFT_PORT_TAG, 12, out);
	show_column(port, WFT_PORT_TRUNKS, 12, out);
	ifaces = children(conf, port, WFT_PORT_INTERFACES, &n);
	for (i = 0; i < n; i++) {
		show_heading("Interface", ifaces[i], 12, out);
		show_column(ifaces[i], WFT_IF_TYPE, 16, out);
		show_column(ifaces[i], WFT_IF_OPTIONS, 16, out);
		show_column(ifaces[i], WFT_IF_ERROR, 16, out);
	}
	free(ifaces);
}

int cmd_ovs_show(struct vsctl_ctx *ctx)
{
	const struct wft_conf *conf = ctx->conf;
	struct wft_row **bridges, **ports;
	size_t i, k, nb, np;

	print_uuid_line(wft_conf_ovs(conf), ctx->out);
	bridges = children(conf, wft_conf_ovs(conf), WFT_OVS_BRIDGES, &nb);
	for (i = 0; i < nb; i++) {
		show_heading("Bridge", bridges[i], 4, ctx->out);
		show_column(bridges[i], WFT_BR_FAIL_MODE, 8, ctx->out);
		show_column(bridges[i], WFT_BR_DATAPATH_TYPE, 8, ctx->out);
		ports = children(conf, bridges[i], WFT_BR_PORTS, &np);
		for (k = 0; k < np; k++)
			show_port(conf, ports[k], ctx->out);
		free(ports);
		/* Not in ovs-vsctl: tunnel MTU trouble, where it shows. */
		wft_tunnel_mtu_report(conf, bridges[i], true, 8, ctx->out);
	}
	free(bridges);
	return 0;
}
