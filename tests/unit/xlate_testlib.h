/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the xlate and odp_flow tests share: a test bridge whose datapath
 * ports are the OpenFlow port + 10 (LOCAL is datapath port 0, port 5 is
 * left out of FLOOD), its port map for keys, rules and packets written in
 * ovs-ofctl syntax, and a translation with its results as ovs-dpctl text.
 */
#ifndef WEFT_TEST_XLATE_TESTLIB_H
#define WEFT_TEST_XLATE_TESTLIB_H

#include <check.h>
#include <errno.h>
#include <string.h>

#include "weft/odp.h"
#include "weft/odp_flow.h"
#include "weft/ofp_flow.h"
#include "weft/pipeline.h"
#include "weft/xlate.h"

/* Each test file uses only some of these. */
#define TESTLIB static __attribute__((unused))

/* The test bridge: ports 1..5, port 5 left out of FLOOD. */
static struct wft_xlate_port ports[6];

TESTLIB const struct wft_xlate_port *br_port(void *aux, uint32_t ofp)
{
	if (ofp == WFT_OFPP_LOCAL)
		return &ports[0];
	return ofp >= 1 && ofp <= 5 ? &ports[ofp] : NULL;
}

TESTLIB void br_for_each(void *aux,
			 void (*cb)(const struct wft_xlate_port *, void *),
			 void *cb_aux)
{
	int i;

	for (i = 1; i <= 5; i++)
		cb(&ports[i], cb_aux);
}

static const struct wft_xlate_bridge bridge = {
	.port = br_port,
	.for_each_port = br_for_each,
};

TESTLIB void ports_init(void)
{
	int i;

	memset(ports, 0, sizeof(ports));
	ports[0].ofp_port = WFT_OFPP_LOCAL;
	ports[0].odp_port = 0;
	for (i = 1; i <= 5; i++) {
		ports[i].ofp_port = (uint32_t)i;
		ports[i].odp_port = (uint32_t)i + 10;
	}
	ports[5].no_flood = true;
}

TESTLIB int to_odp(void *aux, uint32_t ofp, uint32_t *out)
{
	const struct wft_xlate_port *p = br_port(aux, ofp);

	if (!p)
		return -ENOENT;
	*out = p->odp_port;
	return 0;
}

TESTLIB int to_ofp(void *aux, uint32_t odp, uint32_t *out)
{
	if (odp == 0)
		*out = WFT_OFPP_LOCAL;
	else if (odp >= 11 && odp <= 15)
		*out = odp - 10;
	else
		return -ENOENT;
	return 0;
}

static const struct wft_odp_flow_ports port_map = { to_ofp, to_odp, NULL };

TESTLIB void add_rule(struct wft_pipeline *p, const char *s)
{
	struct wft_ofp_flow f;
	char err[256];
	int r;
	struct wft_flow_mod fm;

	r = wft_ofp_flow_parse(s, WFT_OFPFC_ADD, &f, err, sizeof(err));
	ck_assert_msg(!r, "%s: %s", s, err);
	wft_flow_mod_init(&fm, WFT_FM_ADD);
	fm.table_id = f.table == WFT_TABLE_ALL ? 0 : f.table;
	fm.priority = f.priority;
	fm.match = f.match;
	fm.wc = f.mask;
	fm.cookie = f.cookie;
	fm.actions = &f.actions;
	r = wft_pipeline_flow_mod(p, &fm, 0, NULL, NULL);
	ck_assert_int_eq(r, 0);
	wft_ofp_flow_uninit(&f);
}

TESTLIB void packet(const char *s, struct wft_flow *flow)
{
	struct wft_flow_wc m;
	char err[256];

	ck_assert_msg(!wft_ofp_match_parse(s, flow, &m, err, sizeof(err)),
		      "%s: %s", s, err);
}

/* A translation and its results as text. */
struct run {
	struct wft_pipeline *p;
	struct wft_xlate_in in;
	struct wft_xlate_out out;
	struct wft_strbuf acts, mf;
};

TESTLIB void run_init(struct run *r, const char *const *rules)
{
	memset(r, 0, sizeof(*r));
	ports_init();
	r->p = wft_pipeline_create();
	for (; rules && *rules; rules++)
		add_rule(r->p, *rules);
	r->in.pipeline = r->p;
	r->in.bridge = &bridge;
	wft_xlate_out_init(&r->out);
	wft_strbuf_init(&r->acts);
	wft_strbuf_init(&r->mf);
}

TESTLIB void megaflow_text(const struct wft_flow *flow,
			  const struct wft_flow_wc *wc, struct wft_strbuf *sb)
{
	struct wft_attrbuf k, m;

	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	ck_assert_int_eq(wft_odp_flow_to_key(flow, wc, &port_map, &k, &m), 0);
	ck_assert_int_eq(wft_odp_flow_format(k.data, k.len, m.data, m.len, sb,
					     0), 0);
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
}

TESTLIB void run_xlate(struct run *r, const char *pkt)
{
	packet(pkt, &r->in.flow);
	wft_xlate(&r->in, &r->out);
	wft_strbuf_reset(&r->acts);
	wft_strbuf_reset(&r->mf);
	ck_assert_int_eq(wft_odp_actions_format(r->out.actions.data,
						r->out.actions.len, &r->acts,
						0), 0);
	megaflow_text(&r->in.flow, &r->out.wc, &r->mf);
}

TESTLIB void run_free(struct run *r)
{
	wft_xlate_out_uninit(&r->out);
	wft_strbuf_free(&r->acts);
	wft_strbuf_free(&r->mf);
	wft_pipeline_destroy(r->p);
}

#endif /* WEFT_TEST_XLATE_TESTLIB_H */
