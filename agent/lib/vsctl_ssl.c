// SPDX-License-Identifier: GPL-2.0
/*
 * ovs-vsctl's SSL commands: set-ssl PRIVKEY CERT CACERT replaces the SSL
 * row that Open_vSwitch refers to, get-ssl prints it as ovs-vsctl does,
 * del-ssl removes it. weftd's OVSDB client reads the files it names for
 * ssl: remotes (ovsdb_ssl.h).
 */
#include <errno.h>

#include "vsctl_priv.h"

static struct wft_row *current_ssl(const struct vsctl_ctx *ctx)
{
	return wft_conf_find(ctx->conf, WFT_TBL_SSL, ".");
}

int cmd_ssl_get(struct vsctl_ctx *ctx)
{
	const struct wft_row *ssl = current_ssl(ctx);

	if (!ssl)
		return 0;
	wft_strbuf_printf(ctx->out, "Private key: %s\n"
			  "Certificate: %s\n"
			  "CA Certificate: %s\n"
			  "Bootstrap: %s\n",
			  wft_row_string(ssl, WFT_SSL_PRIVATE_KEY),
			  wft_row_string(ssl, WFT_SSL_CERTIFICATE),
			  wft_row_string(ssl, WFT_SSL_CA_CERT),
			  wft_row_bool(ssl, WFT_SSL_BOOTSTRAP_CA_CERT) ?
			  "true" : "false");
	return 0;
}

int cmd_ssl_del(struct vsctl_ctx *ctx)
{
	struct wft_row *ovs = wft_conf_ovs(ctx->conf);
	struct wft_row *ssl = current_ssl(ctx);
	struct wft_datum none;

	wft_datum_init(&none);
	wft_row_set(ovs, WFT_OVS_SSL, &none);
	if (ssl)
		wft_conf_delete(ctx->conf, ssl);
	return 0;
}

int cmd_ssl_set(struct vsctl_ctx *ctx)
{
	const struct wft_column *c =
		&wft_table_get(WFT_TBL_OPEN_VSWITCH)->columns[WFT_OVS_SSL];
	char *const *argv = ctx->cmd->argv;
	struct wft_row *ovs, *ssl;
	union wft_atom a;

	cmd_ssl_del(ctx);
	ssl = wft_conf_insert(ctx->conf, WFT_TBL_SSL);
	wft_row_set_string(ssl, WFT_SSL_PRIVATE_KEY, argv[0]);
	wft_row_set_string(ssl, WFT_SSL_CERTIFICATE, argv[1]);
	wft_row_set_string(ssl, WFT_SSL_CA_CERT, argv[2]);
	ovs = wft_conf_ovs(ctx->conf);
	a.u = ssl->uuid;
	wft_datum_append(&ovs->cols[WFT_OVS_SSL], &a, NULL, c);
	return 0;
}
