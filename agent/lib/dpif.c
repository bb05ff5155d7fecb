// SPDX-License-Identifier: GPL-2.0
/*
 * dpif: the handle, features, datapaths and vports (flows are in
 * dpif_flow.c, packets and upcalls in dpif_packet.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "dpif_priv.h"

int wft_dpif_open(struct wft_dpif **dpifp, char *errbuf, size_t errlen)
{
	struct wft_dpif *dpif;
	int err;

	*dpifp = NULL;
	dpif = calloc(1, sizeof(*dpif));
	if (!dpif) {
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	err = wft_nl_open(&dpif->nl, true);
	if (err) {
		snprintf(errbuf, errlen, "%s", dpif->nl.err);
		free(dpif);
		return err;
	}
	*dpifp = dpif;
	return 0;
}

void wft_dpif_close(struct wft_dpif *dpif)
{
	if (!dpif)
		return;
	wft_nl_close(&dpif->nl);
	free(dpif);
}

const char *wft_dpif_error(const struct wft_dpif *dpif)
{
	return dpif->nl.err;
}

const char *wft_dpif_extack(const struct wft_dpif *dpif)
{
	return dpif->nl.extack;
}

uint16_t wft_dpif_family(const struct wft_dpif *dpif)
{
	return dpif->nl.family;
}

int wft_dpif_put_nest(struct wft_nl *nl, struct nlmsghdr *nlh, uint16_t type,
		      const void *data, size_t len)
{
	return wft_nl_put(nl, nlh, type | NLA_F_NESTED, len, data);
}

int wft_dpif_copy_attrs(struct wft_attrbuf *b, const void *data, size_t len)
{
	uint8_t *p;

	wft_attrbuf_reset(b);
	if (!len)
		return 0;
	if (len > b->cap) {
		p = realloc(b->data, len);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = len;
	}
	memcpy(b->data, data, len);
	b->len = len;
	return 0;
}

/* A flow dump in progress owns the socket: refuse other requests. */
int wft_dpif_check_idle(struct wft_dpif *dpif)
{
	if (dpif->dumping)
		return wft_nl_fail(&dpif->nl, -EBUSY,
				   "a flow dump is in progress on this handle");
	if (dpif->batch_n)
		return wft_nl_fail(&dpif->nl, -EBUSY,
				   "a batch is in progress on this handle");
	return 0;
}

static uint64_t get_u64(const struct nlattr *a)
{
	if (a && mnl_attr_get_payload_len(a) == sizeof(uint64_t))
		return mnl_attr_get_u64(a);
	return 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	if (a && mnl_attr_get_payload_len(a) == sizeof(uint32_t))
		return mnl_attr_get_u32(a);
	return 0;
}

static void get_str(const struct nlattr *a, char *buf, size_t len)
{
	size_t n;

	buf[0] = '\0';
	if (!a)
		return;
	n = strnlen(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
	if (n >= len)
		n = len - 1;
	memcpy(buf, mnl_attr_get_payload(a), n);
	buf[n] = '\0';
}

/* Features. */

static int features_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[WEFT_FEATURES_A_MAX + 1];
	struct wft_features *f = arg;
	int err;

	err = wft_nl_parse(nlh, tb, WEFT_FEATURES_A_MAX);
	if (err)
		return err;
	f->bitmap = get_u64(tb[WEFT_FEATURES_A_BITMAP]);
	get_str(tb[WEFT_FEATURES_A_VERSION], f->version, sizeof(f->version));
	f->max_actions_depth = get_u32(tb[WEFT_FEATURES_A_MAX_ACTIONS_DEPTH]);
	f->max_recirc_depth = get_u32(tb[WEFT_FEATURES_A_MAX_RECIRC_DEPTH]);
	return 0;
}

int wft_dpif_features_get(struct wft_dpif *dpif, struct wft_features *f)
{
	struct nlmsghdr *nlh;
	int err;

	memset(f, 0, sizeof(*f));
	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	nlh = wft_nl_request(&dpif->nl, WEFT_CMD_GET_FEATURES, 0);
	return wft_nl_transact(&dpif->nl, nlh, features_cb, f);
}

/* Datapaths. */

void wft_dp_uninit(struct wft_dp *dp)
{
	free(dp->upcall_pids);
	dp->upcall_pids = NULL;
	dp->n_upcall_pids = 0;
}

void wft_dp_list_free(struct wft_dp *dps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		wft_dp_uninit(&dps[i]);
	free(dps);
}

static void parse_dp_stats(const struct nlattr *nest, struct wft_dp_stats *s)
{
	const struct nlattr *tb[WEFT_DP_STATS_A_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (!nest || wft_nl_parse_nested(nest, tb, WEFT_DP_STATS_A_MAX))
		return;
	s->n_hit = get_u64(tb[WEFT_DP_STATS_A_HIT]);
	s->n_missed = get_u64(tb[WEFT_DP_STATS_A_MISSED]);
	s->n_lost = get_u64(tb[WEFT_DP_STATS_A_LOST]);
	s->n_flows = get_u64(tb[WEFT_DP_STATS_A_FLOWS]);
	s->n_mask_hit = get_u64(tb[WEFT_DP_STATS_A_MASK_HIT]);
	s->n_masks = get_u32(tb[WEFT_DP_STATS_A_MASKS]);
	s->n_cache_hit = get_u64(tb[WEFT_DP_STATS_A_CACHE_HIT]);
}

static int parse_dp(const struct nlmsghdr *nlh, struct wft_dp *dp)
{
	const struct nlattr *tb[WEFT_DP_A_MAX + 1];
	const struct nlattr *pids;
	int err;

	memset(dp, 0, sizeof(*dp));
	err = wft_nl_parse(nlh, tb, WEFT_DP_A_MAX);
	if (err)
		return err;
	get_str(tb[WEFT_DP_A_NAME], dp->name, sizeof(dp->name));
	dp->ifindex = get_u32(tb[WEFT_DP_A_DP_IFINDEX]);
	parse_dp_stats(tb[WEFT_DP_A_STATS], &dp->stats);
	dp->user_features = get_u32(tb[WEFT_DP_A_USER_FEATURES]);
	dp->masks_cache_size = get_u32(tb[WEFT_DP_A_MASKS_CACHE_SIZE]);
	pids = tb[WEFT_DP_A_UPCALL_PIDS];
	if (pids && mnl_attr_get_payload_len(pids) >= sizeof(uint32_t)) {
		size_t n = mnl_attr_get_payload_len(pids) / sizeof(uint32_t);

		dp->upcall_pids = malloc(n * sizeof(uint32_t));
		if (!dp->upcall_pids)
			return -ENOMEM;
		memcpy(dp->upcall_pids, mnl_attr_get_payload(pids),
		       n * sizeof(uint32_t));
		dp->n_upcall_pids = n;
	}
	return 0;
}

static int dp_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct wft_dp *dp = arg;

	if (!dp)
		return 0;
	wft_dp_uninit(dp);
	return parse_dp(nlh, dp);
}

static int put_dp_id(struct wft_nl *nl, struct nlmsghdr *nlh,
		     const char *name, uint32_t ifindex)
{
	if (name) {
		if (!name[0] || strlen(name) >= WEFT_DP_NAME_MAX)
			return wft_nl_fail(nl, -EINVAL, "invalid datapath "
					   "name \"%s\" (1 to %d characters)",
					   name, WEFT_DP_NAME_MAX - 1);
		return wft_nl_put_str(nl, nlh, WEFT_DP_A_NAME, name);
	}
	return wft_nl_put_u32(nl, nlh, WEFT_DP_A_DP_IFINDEX, ifindex);
}

static int put_dp_config(struct wft_nl *nl, struct nlmsghdr *nlh,
			 const struct wft_dp_config *cfg)
{
	int err = 0;

	if (!cfg)
		return 0;
	if (cfg->upcall_pids)
		err = wft_nl_put(nl, nlh, WEFT_DP_A_UPCALL_PIDS,
				 cfg->n_upcall_pids * sizeof(uint32_t),
				 cfg->upcall_pids);
	if (!err && cfg->set_user_features)
		err = wft_nl_put_u32(nl, nlh, WEFT_DP_A_USER_FEATURES,
				     cfg->user_features);
	return err;
}

static int dp_request(struct wft_dpif *dpif, uint8_t cmd, const char *name,
		      uint32_t ifindex, const struct wft_dp_config *cfg,
		      struct wft_dp *reply)
{
	struct nlmsghdr *nlh;
	int err;

	if (reply)
		memset(reply, 0, sizeof(*reply));
	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	nlh = wft_nl_request(&dpif->nl, cmd, 0);
	err = put_dp_id(&dpif->nl, nlh, name, ifindex);
	if (!err)
		err = put_dp_config(&dpif->nl, nlh, cfg);
	if (err)
		return err;
	return wft_nl_transact(&dpif->nl, nlh, dp_reply_cb, reply);
}

int wft_dp_new(struct wft_dpif *dpif, const char *name,
	       const struct wft_dp_config *cfg, struct wft_dp *reply)
{
	if (!name)
		return wft_nl_fail(&dpif->nl, -EINVAL, "no datapath name");
	return dp_request(dpif, WEFT_CMD_DP_NEW, name, 0, cfg, reply);
}

int wft_dp_del(struct wft_dpif *dpif, const char *name, uint32_t ifindex)
{
	return dp_request(dpif, WEFT_CMD_DP_DEL, name, ifindex, NULL, NULL);
}

int wft_dp_get(struct wft_dpif *dpif, const char *name, uint32_t ifindex,
	       struct wft_dp *dp)
{
	return dp_request(dpif, WEFT_CMD_DP_GET, name, ifindex, NULL, dp);
}

int wft_dp_set(struct wft_dpif *dpif, const char *name, uint32_t ifindex,
	       const struct wft_dp_config *cfg, struct wft_dp *reply)
{
	return dp_request(dpif, WEFT_CMD_DP_SET, name, ifindex, cfg, reply);
}

int wft_dp_set_upcall_pids_features(struct wft_dpif *dpif,
				    uint32_t dp_ifindex, const uint32_t *pids,
				    size_t n_pids, uint32_t extra)
{
	struct wft_dp_config cfg = {
		.upcall_pids = pids,
		.n_upcall_pids = n_pids,
		.set_user_features = true,
		.user_features = (n_pids > 1 ? WEFT_DP_F_DISPATCH_PER_CPU : 0) |
				 (extra & WEFT_DP_F_KEY_COMPACT),
	};

	return dp_request(dpif, WEFT_CMD_DP_SET, NULL, dp_ifindex, &cfg, NULL);
}

int wft_dp_set_upcall_pids(struct wft_dpif *dpif, uint32_t dp_ifindex,
			   const uint32_t *pids, size_t n_pids)
{
	return wft_dp_set_upcall_pids_features(dpif, dp_ifindex, pids, n_pids,
					       0);
}

struct dp_list {
	struct wft_dp *dps;
	size_t n, cap;
};

static int dp_list_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct dp_list *l = arg;
	struct wft_dp *p;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;

		p = realloc(l->dps, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->dps = p;
		l->cap = cap;
	}
	l->n++;
	return parse_dp(nlh, &l->dps[l->n - 1]);
}

static int dp_cmp(const void *a, const void *b)
{
	return strcmp(((const struct wft_dp *)a)->name,
		      ((const struct wft_dp *)b)->name);
}

int wft_dp_dump(struct wft_dpif *dpif, struct wft_dp **dps, size_t *n)
{
	struct dp_list l;
	int tries, err;

	*dps = NULL;
	*n = 0;
	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	for (tries = 1; ; tries++) {
		struct nlmsghdr *nlh;

		memset(&l, 0, sizeof(l));
		nlh = wft_nl_request(&dpif->nl, WEFT_CMD_DP_GET, NLM_F_DUMP);
		err = wft_nl_transact(&dpif->nl, nlh, dp_list_cb, &l);
		if (err || !dpif->nl.dump_intr)
			break;
		wft_dp_list_free(l.dps, l.n);
		memset(&l, 0, sizeof(l));
		if (tries == WFT_DUMP_TRIES) {
			err = wft_nl_fail(&dpif->nl, -EAGAIN, "datapaths kept "
					  "changing during %d dumps",
					  WFT_DUMP_TRIES);
			break;
		}
	}
	if (err) {
		wft_dp_list_free(l.dps, l.n);
		return err;
	}
	if (l.n)
		qsort(l.dps, l.n, sizeof(*l.dps), dp_cmp);
	*dps = l.dps;
	*n = l.n;
	return 0;
}

int wft_dp_name_parse(const char *arg, char name[WEFT_DP_NAME_MAX],
		      const char **msg)
{
	const char *at = strchr(arg, '@');
	size_t len;

	if (at) {
		if ((size_t)(at - arg) != strlen("system") ||
		    strncmp(arg, "system", strlen("system"))) {
			*msg = "weft has only kernel datapaths: write NAME or "
			       "system@NAME";
			return -EINVAL;
		}
		arg = at + 1;
	}
	len = strlen(arg);
	if (!len) {
		*msg = "empty datapath name";
		return -EINVAL;
	}
	if (len >= WEFT_DP_NAME_MAX) {
		*msg = "datapath name too long (at most 15 characters)";
		return -EINVAL;
	}
	/* The kernel's rules for device names (dev_valid_name()); an '@'
	 * is fine after "system@", as in "system@@". */
	if (strpbrk(arg, "/ \t\n\v\f\r:") || !strcmp(arg, ".") ||
	    !strcmp(arg, "..")) {
		*msg = "datapath name has a character a device name cannot "
		       "have";
		return -EINVAL;
	}
	memcpy(name, arg, len + 1);
	return 0;
}

/* Vports. */

static const char *const vport_types[] = {
	[WEFT_VPORT_TYPE_NETDEV] = "netdev",
	[WEFT_VPORT_TYPE_INTERNAL] = "internal",
	[WEFT_VPORT_TYPE_GENEVE] = "geneve",
	[WEFT_VPORT_TYPE_VXLAN] = "vxlan",
};

const char *wft_vport_type_name(uint32_t type)
{
	if (type < sizeof(vport_types) / sizeof(vport_types[0]) &&
	    vport_types[type])
		return vport_types[type];
	return "unknown";
}

int wft_vport_type_parse(const char *s, uint32_t *type)
{
	uint32_t i;

	if (!strcmp(s, "system")) {
		*type = WEFT_VPORT_TYPE_NETDEV;
		return 0;
	}
	for (i = 0; i < sizeof(vport_types) / sizeof(vport_types[0]); i++) {
		if (vport_types[i] && !strcmp(s, vport_types[i])) {
			*type = i;
			return 0;
		}
	}
	return -EINVAL;
}

static void parse_vport_stats(const struct nlattr *nest,
			      struct wft_vport_stats *s)
{
	const struct nlattr *tb[WEFT_VPORT_STATS_A_MAX + 1];

	if (wft_nl_parse_nested(nest, tb, WEFT_VPORT_STATS_A_MAX))
		return;
	s->rx_packets = get_u64(tb[WEFT_VPORT_STATS_A_RX_PACKETS]);
	s->rx_bytes = get_u64(tb[WEFT_VPORT_STATS_A_RX_BYTES]);
	s->rx_errors = get_u64(tb[WEFT_VPORT_STATS_A_RX_ERRORS]);
	s->rx_dropped = get_u64(tb[WEFT_VPORT_STATS_A_RX_DROPPED]);
	s->tx_packets = get_u64(tb[WEFT_VPORT_STATS_A_TX_PACKETS]);
	s->tx_bytes = get_u64(tb[WEFT_VPORT_STATS_A_TX_BYTES]);
	s->tx_errors = get_u64(tb[WEFT_VPORT_STATS_A_TX_ERRORS]);
	s->tx_dropped = get_u64(tb[WEFT_VPORT_STATS_A_TX_DROPPED]);
}

static int parse_vport(const struct nlmsghdr *nlh, struct wft_vport *v)
{
	const struct nlattr *tb[WEFT_VPORT_A_MAX + 1];
	int err;

	memset(v, 0, sizeof(*v));
	err = wft_nl_parse(nlh, tb, WEFT_VPORT_A_MAX);
	if (err)
		return err;
	v->dp_ifindex = get_u32(tb[WEFT_VPORT_A_DP_IFINDEX]);
	v->port_no = get_u32(tb[WEFT_VPORT_A_PORT_NO]);
	v->type = get_u32(tb[WEFT_VPORT_A_TYPE]);
	get_str(tb[WEFT_VPORT_A_NAME], v->name, sizeof(v->name));
	v->ifindex = get_u32(tb[WEFT_VPORT_A_IFINDEX]);
	if (tb[WEFT_VPORT_A_STATS]) {
		v->has_stats = true;
		parse_vport_stats(tb[WEFT_VPORT_A_STATS], &v->stats);
	}
	return 0;
}

static int vport_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	return arg ? parse_vport(nlh, arg) : 0;
}

static int put_vport_id(struct wft_nl *nl, struct nlmsghdr *nlh,
			uint32_t dp_ifindex, const char *name,
			uint32_t port_no)
{
	int err;

	err = wft_nl_put_u32(nl, nlh, WEFT_VPORT_A_DP_IFINDEX, dp_ifindex);
	if (err)
		return err;
	if (name) {
		if (!name[0] || strlen(name) >= WFT_IFNAMSIZ)
			return wft_nl_fail(nl, -EINVAL, "invalid port name "
					   "\"%s\" (1 to %d characters)", name,
					   WFT_IFNAMSIZ - 1);
		return wft_nl_put_str(nl, nlh, WEFT_VPORT_A_NAME, name);
	}
	if (port_no != WFT_PORT_ANY)
		return wft_nl_put_u32(nl, nlh, WEFT_VPORT_A_PORT_NO, port_no);
	return 0;
}

int wft_vport_new(struct wft_dpif *dpif, uint32_t dp_ifindex,
		  const char *name, uint32_t type, uint32_t port_no,
		  struct wft_vport *reply)
{
	return wft_vport_new_tunnel(dpif, dp_ifindex, name, type, 0, port_no,
				    reply);
}

int wft_vport_new_tunnel(struct wft_dpif *dpif, uint32_t dp_ifindex,
			 const char *name, uint32_t type, uint16_t dst_port,
			 uint32_t port_no, struct wft_vport *reply)
{
	struct nlmsghdr *nlh;
	struct nlattr *opts;
	int err;

	if (reply)
		memset(reply, 0, sizeof(*reply));
	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	if (!name)
		return wft_nl_fail(&dpif->nl, -EINVAL, "no port name");
	nlh = wft_nl_request(&dpif->nl, WEFT_CMD_VPORT_NEW, 0);
	err = put_vport_id(&dpif->nl, nlh, dp_ifindex, name, WFT_PORT_ANY);
	if (!err)
		err = wft_nl_put_u32(&dpif->nl, nlh, WEFT_VPORT_A_TYPE, type);
	if (!err && port_no != WFT_PORT_ANY)
		err = wft_nl_put_u32(&dpif->nl, nlh, WEFT_VPORT_A_PORT_NO,
				     port_no);
	if (!err && dst_port) {
		/* The options nest holds one u16 attribute (padded to 8). */
		uint8_t nest[8] = { 0 };

		opts = (struct nlattr *)nest;
		opts->nla_len = NLA_HDRLEN + sizeof(dst_port);
		opts->nla_type = WEFT_VPORT_OPT_A_DST_PORT;
		memcpy(nest + NLA_HDRLEN, &dst_port, sizeof(dst_port));
		err = wft_nl_put(&dpif->nl, nlh,
				 WEFT_VPORT_A_OPTIONS | NLA_F_NESTED,
				 sizeof(nest), nest);
	}
	if (err)
		return err;
	return wft_nl_transact(&dpif->nl, nlh, vport_reply_cb, reply);
}

static int vport_request(struct wft_dpif *dpif, uint8_t cmd,
			 uint32_t dp_ifindex, const char *name,
			 uint32_t port_no, struct wft_vport *reply)
{
	struct nlmsghdr *nlh;
	int err;

	if (reply)
		memset(reply, 0, sizeof(*reply));
	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	if (!name && port_no == WFT_PORT_ANY)
		return wft_nl_fail(&dpif->nl, -EINVAL, "no port named");
	nlh = wft_nl_request(&dpif->nl, cmd, 0);
	err = put_vport_id(&dpif->nl, nlh, dp_ifindex, name, port_no);
	if (err)
		return err;
	return wft_nl_transact(&dpif->nl, nlh, vport_reply_cb, reply);
}

int wft_vport_del(struct wft_dpif *dpif, uint32_t dp_ifindex,
		  const char *name, uint32_t port_no)
{
	return vport_request(dpif, WEFT_CMD_VPORT_DEL, dp_ifindex, name,
			     port_no, NULL);
}

int wft_vport_get(struct wft_dpif *dpif, uint32_t dp_ifindex,
		  const char *name, uint32_t port_no, struct wft_vport *vport)
{
	return vport_request(dpif, WEFT_CMD_VPORT_GET, dp_ifindex, name,
			     port_no, vport);
}

struct vport_list {
	struct wft_vport *v;
	size_t n, cap;
};

static int vport_list_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vport_list *l = arg;
	struct wft_vport *p;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;

		p = realloc(l->v, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		l->v = p;
		l->cap = cap;
	}
	return parse_vport(nlh, &l->v[l->n++]);
}

static int vport_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct wft_vport *)a)->port_no;
	uint32_t y = ((const struct wft_vport *)b)->port_no;

	return x < y ? -1 : x > y;
}

int wft_vport_dump(struct wft_dpif *dpif, uint32_t dp_ifindex,
		   struct wft_vport **vports, size_t *n)
{
	struct vport_list l;
	int tries, err;

	*vports = NULL;
	*n = 0;
	err = wft_dpif_check_idle(dpif);
	if (err)
		return err;
	for (tries = 1; ; tries++) {
		struct nlmsghdr *nlh;

		memset(&l, 0, sizeof(l));
		nlh = wft_nl_request(&dpif->nl, WEFT_CMD_VPORT_GET, NLM_F_DUMP);
		err = wft_nl_put_u32(&dpif->nl, nlh, WEFT_VPORT_A_DP_IFINDEX,
				     dp_ifindex);
		if (!err)
			err = wft_nl_transact(&dpif->nl, nlh, vport_list_cb,
					      &l);
		if (err || !dpif->nl.dump_intr)
			break;
		free(l.v);
		memset(&l, 0, sizeof(l));
		if (tries == WFT_DUMP_TRIES) {
			err = wft_nl_fail(&dpif->nl, -EAGAIN, "ports kept "
					  "changing during %d dumps",
					  WFT_DUMP_TRIES);
			break;
		}
	}
	if (err) {
		free(l.v);
		return err;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), vport_cmp);
	*vports = l.v;
	*n = l.n;
	return 0;
}
