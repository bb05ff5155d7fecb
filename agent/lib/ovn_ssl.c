// SPDX-License-Identifier: GPL-2.0
/*
 * The chassis' TLS key files from the configuration's SSL row (what
 * `weft-vsctl set-ssl` writes), as ovn-controller takes them from the
 * local database's SSL table.
 */
#include "weft/conf.h"
#include "weft/ovsdb_ssl.h"

void wft_ssl_from_conf(const struct wft_conf *conf)
{
	const struct wft_row *ssl = wft_conf_find(conf, WFT_TBL_SSL, ".");

	if (!ssl) {
		wft_ssl_set_files(WFT_SSL_CONF, NULL, NULL, NULL);
		return;
	}
	wft_ssl_set_files(WFT_SSL_CONF,
			  wft_row_string(ssl, WFT_SSL_PRIVATE_KEY),
			  wft_row_string(ssl, WFT_SSL_CERTIFICATE),
			  wft_row_string(ssl, WFT_SSL_CA_CERT));
}
