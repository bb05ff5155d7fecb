// SPDX-License-Identifier: GPL-2.0
/*
 * The SB's Logical_Flow rows compiled for the chassis: every row whose
 * datapath (logical_datapath, or each member of logical_dp_group) is
 * local, once per local datapath, with an environment read from the
 * replica: logical port names to their keys in that datapath,
 * Address_Set contents, Port_Group members (in 23.03 northd names the SB
 * Port_Group of a switch "<datapath key>_<NB name>"; the plain name is
 * tried too), and is_chassis_resident() true for the ports bound here
 * (VIFs, and chassisredirect ports whose chassis is this one).
 * A port group has only its members bound here, as ovn-controller
 * expands them: "inport == @pg" is decided on the inport's chassis and
 * "outport == @pg" (egress) on the outport's, so remote members would
 * only add rules that never match here. For the same reason a row that
 * northd tagged with in_out_port=P (its match is about port P alone) is
 * left out unless P, in the row's datapath, is bound here or is a patch,
 * localport or localnet port, as ovn-controller leaves it out.
 *
 * Incremental: each (row, datapath) keeps its compiled rules in the
 * cache (ovn_lflow_cache.h) with the lookups its compile made. A pass
 * compiles a row again only when its columns, its datapath's key or
 * kind, or the answer to one of its lookups changed (so an ACL, an
 * address set, a port group or a port touches only the rows that read
 * it), and drops the entries of deleted rows and datapaths no longer
 * local. Rows whose rules name a group (ct_lb with backends) are
 * compiled every pass: their group ids come from the pass' group table. The environment's lookups are
 * hash indexes built once per pass.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/strbuf.h"
#include "weft/util.h"

#include "ovn_lflow_cache.h"
#include "ovn_priv.h"

/* A name (and datapath) -> value index, open addressing, first insert of
 * a key wins (the linear scans it replaces returned the first match). */
struct idx_slot {
	uint64_t h;
	const char *name;		/* NULL: free */
	size_t dp;
	uint32_t key;
	bool yes;
	bool here;			/* port: rows about it apply here */
	struct wft_ovsdb_row *row;
	uint64_t content;		/* hash of row's set, 0: not yet */
};

struct idx {
	struct idx_slot *s;
	size_t mask;
};

static uint64_t idx_hash(const char *name, size_t dp)
{
	return wft_ovn_hash_str(WFT_OVN_HASH_INIT ^ dp, name);
}

static void idx_init(struct idx *x, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	x->s = wft_xcalloc(cap, sizeof(*x->s));
	x->mask = cap - 1;
}

static struct idx_slot *idx_find(const struct idx *x, const char *name,
				 size_t dp)
{
	uint64_t h = idx_hash(name, dp);
	size_t i;

	for (i = (size_t)h & x->mask; x->s[i].name; i = (i + 1) & x->mask)
		if (x->s[i].h == h && x->s[i].dp == dp &&
		    !strcmp(x->s[i].name, name))
			return &x->s[i];
	return NULL;
}

/* The slot for (@name, @dp), or NULL when the key is there already. */
static struct idx_slot *idx_add(struct idx *x, const char *name, size_t dp)
{
	uint64_t h = idx_hash(name, dp);
	size_t i;

	for (i = (size_t)h & x->mask; x->s[i].name; i = (i + 1) & x->mask)
		if (x->s[i].h == h && x->s[i].dp == dp &&
		    !strcmp(x->s[i].name, name))
			return NULL;
	x->s[i].h = h;
	x->s[i].name = name;
	x->s[i].dp = dp;
	return &x->s[i];
}

#define NO_DP SIZE_MAX

struct env_aux {
	struct wft_ovsdb_replica *r;
	const struct wft_ovn_view *v;
	struct idx keys;		/* (dp, port or group name) -> key */
	struct idx resident;		/* port name -> bound here */
	struct idx sets;		/* Address_Set name -> row */
	struct idx groups;		/* Port_Group name -> row */
	size_t dp;			/* the datapath being compiled */
	uint32_t conj_base;		/* the entry's */
	struct wft_strbuf *rec;		/* the lookups, while compiling */
	uint64_t answers;		/* the hash of their answers */
	bool counting;			/* a full pass: totals in o->fst */
	/* String arrays handed out for sets and groups, freed at the end. */
	char ***arrays;
	size_t n_arrays;
};

static void record(struct env_aux *a, char kind, const char *name)
{
	if (!a->rec)
		return;
	wft_strbuf_putc(a->rec, kind);
	wft_strbuf_puts(a->rec, name);
	wft_strbuf_putc(a->rec, '\0');
}

static void answer(struct env_aux *a, const void *p, size_t n)
{
	a->answers = wft_ovn_hash_bytes(a->answers, p, n);
}

static uint32_t conj_id_base(void *aux, const char *uuid)
{
	struct env_aux *a = aux;

	(void)uuid;
	return a->conj_base;
}

static int port_key(void *aux, const char *name, uint32_t *key)
{
	struct env_aux *a = aux;
	struct idx_slot *s;
	uint32_t k;

	/* northd's name for "no port" (ls_in_l2_unknown's outport ==
	 * "none", after a failed get_fdb()): key 0, as ovn-controller. */
	if (!strcmp(name, "none")) {
		*key = 0;
		return 0;
	}
	s = idx_find(&a->keys, name, a->dp);
	k = s ? s->key : UINT32_MAX;

	record(a, WFT_OVN_DEP_PORT, name);
	answer(a, &k, sizeof(k));
	if (!s)
		return -ENOENT;
	*key = s->key;
	return 0;
}

static bool resident(void *aux, const char *name)
{
	struct env_aux *a = aux;
	struct idx_slot *s = idx_find(&a->resident, name, NO_DP);
	bool yes = s && s->yes;

	record(a, WFT_OVN_DEP_RESIDENT, name);
	answer(a, &yes, sizeof(yes));
	return yes;
}

static const char *const *keep(struct env_aux *a, char **v)
{
	a->arrays = wft_xrealloc(a->arrays,
				 (a->n_arrays + 1) * sizeof(*a->arrays));
	a->arrays[a->n_arrays++] = v;
	return (const char *const *)v;
}

/* The hash of a string set column, once per pass and row; with @only,
 * of the strings it has. */
static uint64_t content(struct idx_slot *s, const char *col,
			const struct idx *only)
{
	const struct wft_ovsdb_datum *d;
	struct idx_slot *o;
	unsigned int i;
	uint64_t h;

	if (s->content)
		return s->content;
	d = wft_ovsdb_row_get_named(s->row, col);
	h = wft_ovn_hash_bytes(WFT_OVN_HASH_INIT, wft_ovsdb_row_uuid(s->row),
			       sizeof(struct wft_uuid));
	for (i = 0; d && i < d->n; i++) {
		o = only ? idx_find(only, d->keys[i].s, NO_DP) : NULL;
		if (!only || (o && o->yes))
			h = wft_ovn_hash_str(h, d->keys[i].s);
	}
	s->content = h ? h : 1;
	return s->content;
}

/* A string set column as an array of its strings (pointers into the
 * replica, valid during the compile); with @only, just those it has. */
static const char *const *strings(struct env_aux *a,
				  const struct wft_ovsdb_row *row,
				  const char *col, const struct idx *only,
				  size_t *n)
{
	const struct wft_ovsdb_datum *d = wft_ovsdb_row_get_named(row, col);
	char **v = wft_xcalloc(d && d->n ? d->n + 1 : 1, sizeof(*v));
	struct idx_slot *s;
	unsigned int i;

	*n = 0;
	for (i = 0; d && i < d->n; i++) {
		s = only ? idx_find(only, d->keys[i].s, NO_DP) : NULL;
		if (!only || (s && s->yes))
			v[(*n)++] = d->keys[i].s;
	}
	return keep(a, v);
}

static struct idx_slot *addr_set_find(struct env_aux *a, const char *name)
{
	struct idx_slot *s = idx_find(&a->sets, name, NO_DP);
	uint64_t h = s ? content(s, "addresses", NULL) : 0;

	record(a, WFT_OVN_DEP_ADDR_SET, name);
	answer(a, &h, sizeof(h));
	return s;
}

static const char *const *addr_set(void *aux, const char *name, size_t *n)
{
	struct env_aux *a = aux;
	struct idx_slot *s = addr_set_find(a, name);

	return s ? strings(a, s->row, "addresses", NULL, n) : NULL;
}

static struct idx_slot *port_group_find(struct env_aux *a, const char *name)
{
	struct idx_slot *s;
	char scoped[300];
	uint64_t h;

	snprintf(scoped, sizeof(scoped), "%u_%s", a->v->dps[a->dp].key, name);
	s = idx_find(&a->groups, scoped, NO_DP);
	if (!s)
		s = idx_find(&a->groups, name, NO_DP);
	h = s ? content(s, "ports", &a->resident) : 0;
	record(a, WFT_OVN_DEP_PORT_GROUP, name);
	answer(a, &h, sizeof(h));
	return s;
}

static const char *const *port_group(void *aux, const char *name, size_t *n)
{
	struct env_aux *a = aux;
	struct idx_slot *s = port_group_find(a, name);

	return s ? strings(a, s->row, "ports", &a->resident, n) : NULL;
}

/* Whether rows tagged in_out_port=@p apply on this chassis (above). */
static bool port_is_here(const struct wft_ovn_port *p)
{
	return p->resident || !strcmp(p->type, "patch") ||
	       !strcmp(p->type, "localport") || !strcmp(p->type, "localnet");
}

static bool io_port_here(struct env_aux *a, const char *name)
{
	struct idx_slot *s = idx_find(&a->keys, name, a->dp);
	bool here = s && s->here;

	record(a, WFT_OVN_DEP_IO_PORT, name);
	answer(a, &here, sizeof(here));
	return here;
}

static const char *row_tag(const struct wft_ovsdb_row *row, const char *key)
{
	return wft_ovsdb_row_map_get(row, "tags", key);
}

static void index_rows(struct wft_ovsdb_replica *r, const char *table,
		       struct idx *x)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, table);
	struct wft_ovsdb_row *row;
	struct idx_slot *s;

	idx_init(x, t ? wft_ovsdb_rtable_count(t) : 0);
	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row)) {
		s = idx_add(x, wft_ovsdb_row_string(row, "name", ""), NO_DP);
		if (s)
			s->row = row;
	}
}

static void env_build(struct env_aux *a, struct wft_ovsdb_replica *r,
		      const struct wft_ovn_view *v)
{
	struct idx_slot *s;
	size_t i;

	memset(a, 0, sizeof(*a));
	a->r = r;
	a->v = v;
	idx_init(&a->keys, v->n_ports + v->n_mcs);
	idx_init(&a->resident, v->n_ports);
	/* outport = "_MC_flood": multicast groups are outports too, after
	 * the ports of the same name. */
	for (i = 0; i < v->n_ports; i++) {
		s = idx_add(&a->keys, v->ports[i].name, v->ports[i].dp);
		if (s) {
			s->key = v->ports[i].key;
			s->here = port_is_here(&v->ports[i]);
		}
		s = idx_add(&a->resident, v->ports[i].name, NO_DP);
		if (s)
			s->yes = v->ports[i].resident;
	}
	for (i = 0; i < v->n_mcs; i++) {
		s = idx_add(&a->keys, v->mcs[i].name, v->mcs[i].dp);
		if (s)
			s->key = v->mcs[i].key;
	}
	index_rows(r, "Address_Set", &a->sets);
	index_rows(r, "Port_Group", &a->groups);
}

static void env_free(struct env_aux *a)
{
	size_t i;

	for (i = 0; i < a->n_arrays; i++)
		free(a->arrays[i]);
	free(a->arrays);
	free(a->keys.s);
	free(a->resident.s);
	free(a->sets.s);
	free(a->groups.s);
}

/* Asks @e's lookups again in datapath @dp; the hash of the answers. */
static uint64_t replay(struct env_aux *a, const struct wft_ovn_lcache_entry *e,
		       size_t dp)
{
	const char *p = e->deps, *end = e->deps + e->deps_len;
	uint32_t key;

	a->dp = dp;
	a->answers = WFT_OVN_HASH_INIT;
	for (; p < end; p += strlen(p) + 1) {
		switch (*p) {
		case WFT_OVN_DEP_PORT:
			port_key(a, p + 1, &key);
			break;
		case WFT_OVN_DEP_RESIDENT:
			resident(a, p + 1);
			break;
		case WFT_OVN_DEP_ADDR_SET:
			addr_set_find(a, p + 1);
			break;
		case WFT_OVN_DEP_PORT_GROUP:
			port_group_find(a, p + 1);
			break;
		case WFT_OVN_DEP_IO_PORT:
			io_port_here(a, p + 1);
			break;
		}
	}
	return a->answers;
}

static size_t dp_of(const struct wft_ovn_view *v, const struct wft_uuid *u)
{
	size_t i;

	for (i = 0; i < v->n_dps; i++)
		if (!wft_uuid_cmp(&v->dps[i].uuid, u))
			return i;
	return SIZE_MAX;
}

static void count_skip(struct wft_ovn_flow_stats *fs, const char *uuid,
		       const char *reason)
{
	size_t i;

	if (fs->n_skips < WFT_OVN_SKIPS_KEPT) {
		snprintf(fs->skips[fs->n_skips].uuid,
			 sizeof(fs->skips[0].uuid), "%s", uuid);
		snprintf(fs->skips[fs->n_skips].reason,
			 sizeof(fs->skips[0].reason), "%.199s", reason);
		fs->n_skips++;
	}
	for (i = 0; i < fs->n_reasons; i++)
		if (!strcmp(fs->reasons[i].reason, reason)) {
			fs->reasons[i].n++;
			return;
		}
	fs->reasons = wft_xrealloc(fs->reasons, (fs->n_reasons + 1) *
				   sizeof(*fs->reasons));
	fs->reasons[fs->n_reasons].reason = wft_xstrdup(reason);
	fs->reasons[fs->n_reasons].n = 1;
	fs->n_reasons++;
}

/* What the compile reads from the row and its datapath. */
static uint64_t input_hash(const struct wft_ovsdb_row *row,
			   const struct wft_ovn_dp *dp)
{
	uint64_t h = WFT_OVN_HASH_INIT;
	int64_t table = wft_ovsdb_row_integer(row, "table_id", 0);
	int64_t prio = wft_ovsdb_row_integer(row, "priority", 0);

	h = wft_ovn_hash_str(h, wft_ovsdb_row_string(row, "pipeline", ""));
	h = wft_ovn_hash_str(h, wft_ovsdb_row_string(row, "match", ""));
	h = wft_ovn_hash_str(h, wft_ovsdb_row_string(row, "actions", ""));
	h = wft_ovn_hash_str(h, row_tag(row, "in_out_port") ?: "");
	h = wft_ovn_hash_bytes(h, &table, sizeof(table));
	h = wft_ovn_hash_bytes(h, &prio, sizeof(prio));
	h = wft_ovn_hash_bytes(h, &dp->key, sizeof(dp->key));
	return wft_ovn_hash_bytes(h, &dp->is_switch, sizeof(dp->is_switch));
}

static bool uses_group(const struct wft_ovn_lcache_entry *e)
{
	size_t i, j;

	for (i = 0; i < e->n_rules; i++)
		for (j = 0; j < e->rules[i].actions.n; j++)
			if (e->rules[i].actions.acts[j].type ==
			    WFT_OFPACT_GROUP)
				return true;
	return false;
}

static void compile_entry(struct wft_ovn *o, struct env_aux *a,
			  struct wft_lflow_groups *groups,
			  const struct wft_ovsdb_row *row, size_t dp,
			  struct wft_ovn_lcache_entry *e, const char *uuid)
{
	const struct wft_expr_env env = {
		.port_key = port_key,
		.is_chassis_resident = resident,
		.addr_set = addr_set,
		.port_group = port_group,
		.conj_id_base = conj_id_base,
		.lflow_groups = groups,
		.aux = a,
	};
	struct wft_strbuf rec = WFT_STRBUF_INIT;
	struct wft_ofp_flow *got = NULL;
	const char *io = row_tag(row, "in_out_port");
	struct wft_lflow lf;
	size_t n = 0, i;
	char err[256];

	wft_ovn_lcache_entry_clear(o->lcache, e);
	a->dp = dp;
	a->conj_base = e->conj_base;
	a->rec = &rec;
	a->answers = WFT_OVN_HASH_INIT;
	if (io && !io_port_here(a, io)) {
		e->irrelevant = true;
		goto done;
	}
	lf = (struct wft_lflow) {
		.uuid = uuid,
		.dp_key = a->v->dps[dp].key,
		.is_switch = a->v->dps[dp].is_switch,
		.egress = !strcmp(wft_ovsdb_row_string(row, "pipeline", ""),
				  "egress"),
		.table = (uint8_t)wft_ovsdb_row_integer(row, "table_id", 0),
		.priority = (uint16_t)wft_ovsdb_row_integer(row, "priority",
							    0),
		.match = wft_ovsdb_row_string(row, "match", ""),
		.actions = wft_ovsdb_row_string(row, "actions", ""),
	};
	if (wft_lflow_compile(&lf, &env, &o->lflow_st, &got, &n, err,
			      sizeof(err))) {
		e->skipped = true;
		e->skip_reason = wft_xstrdup(err);
	}
	e->rules = wft_xcalloc(n ? n : 1, sizeof(*e->rules));
	for (i = 0; i < n; i++)
		wft_ovn_crule_pack(&e->rules[i], &got[i]);
	e->n_rules = n;
	wft_lflow_rules_free(got, n);
	wft_ovn_lcache_entry_index(o->lcache, e);
done:
	a->rec = NULL;
	e->answers = a->answers;
	e->deps_len = rec.len;
	e->deps = wft_xmalloc(rec.len ? rec.len : 1);
	memcpy(e->deps, wft_strbuf_cstr(&rec), rec.len);
	wft_strbuf_free(&rec);
	/* Group ids are the pass' (wft_lflow_groups_assign()). */
	e->uncached = uses_group(e);
	if (e->uncached)
		o->lcache->n_uncached++;
	o->fst.rows_recompiled++;
}

static void count(struct wft_ovn *o, const struct wft_ovn_lcache_entry *e)
{
	char uuid[WFT_UUID_STRLEN + 1];

	if (e->irrelevant) {
		o->fst.rows_elsewhere++;
		return;
	}
	if (e->skipped) {
		o->fst.rows_skipped++;
		wft_uuid_format(&e->row, uuid);
		count_skip(&o->fst, uuid, e->skip_reason);
		return;
	}
	o->fst.rows_compiled++;
	o->fst.rules_lflow += e->n_rules;
}

/*
 * A row of a datapath group compiles to the same rules in each of its
 * datapaths but for the metadata match, as long as nothing it looked up
 * depends on the datapath (ports, port groups and in_out_port do;
 * is_chassis_resident and address sets do not) and the datapaths are of
 * one kind. Then @src's rules are copied for @e instead of compiling the
 * row again, with @e's datapath key and conjunction ids.
 */
static bool shareable(const struct wft_ovn_lcache_entry *src,
		      const struct wft_ovn_view *v, size_t src_dp, size_t dp)
{
	const char *p;

	if (!src || src->skipped || src->irrelevant || src->uncached ||
	    v->dps[src_dp].is_switch != v->dps[dp].is_switch)
		return false;
	for (p = src->deps; p < src->deps + src->deps_len; p += strlen(p) + 1)
		if (*p != WFT_OVN_DEP_RESIDENT && *p != WFT_OVN_DEP_ADDR_SET)
			return false;
	return true;
}

static uint32_t rebase(uint32_t id, const struct wft_ovn_lcache_entry *from,
		       const struct wft_ovn_lcache_entry *to)
{
	return id - from->conj_base + to->conj_base;
}

static void share(struct wft_ovn *o, const struct wft_ovn_lcache_entry *src,
		  struct wft_ovn_lcache_entry *e, uint32_t dp_key)
{
	struct wft_ofp_flow f;
	size_t i, j;

	wft_ovn_lcache_entry_clear(o->lcache, e);
	e->deps = wft_xmalloc(src->deps_len ? src->deps_len : 1);
	memcpy(e->deps, src->deps, src->deps_len);
	e->deps_len = src->deps_len;
	e->answers = src->answers;
	e->n_rules = src->n_rules;
	e->rules = wft_xcalloc(e->n_rules ? e->n_rules : 1, sizeof(*e->rules));
	for (i = 0; i < e->n_rules; i++) {
		wft_ovn_crule_unpack(&src->rules[i], &f);
		f.match.metadata = htobe64(dp_key);
		if (f.mask.masks.conj_id)
			f.match.conj_id = htonl(rebase(ntohl(f.match.conj_id),
						       src, e));
		for (j = 0; j < f.actions.n; j++)
			if (f.actions.acts[j].type == WFT_OFPACT_CONJUNCTION)
				f.actions.acts[j].conj.id = rebase(
					f.actions.acts[j].conj.id, src, e);
		wft_ovn_crule_pack(&e->rules[i], &f);
		wft_ofp_flow_uninit(&f);
	}
	wft_ovn_lcache_entry_index(o->lcache, e);
	o->fst.rows_recompiled++;
	o->fst.rows_shared++;
}

/* The entry of (@row, datapath @dp), compiled or copied from @src (the
 * row's entry in datapath @src_dp, or NULL) when what it read changed. */
static struct wft_ovn_lcache_entry *
one(struct wft_ovn *o, struct env_aux *a, struct wft_lflow_groups *groups,
    const struct wft_ovsdb_row *row, size_t dp,
    const struct wft_ovn_lcache_entry *src, size_t src_dp)
{
	struct wft_ovn_lcache *c = o->lcache;
	char uuid[WFT_UUID_STRLEN + 1];
	struct wft_ovn_lcache_entry *e;
	uint64_t in;
	bool created;

	e = wft_ovn_lcache_get(c, wft_ovsdb_row_uuid(row),
			       &a->v->dps[dp].uuid, &created);
	in = input_hash(row, &a->v->dps[dp]);
	if (created || e->uncached || e->input != in ||
	    replay(a, e, dp) != e->answers) {
		if (!o->no_share && shareable(src, a->v, src_dp, dp)) {
			share(o, src, e, a->v->dps[dp].key);
		} else {
			wft_uuid_format(wft_ovsdb_row_uuid(row), uuid);
			compile_entry(o, a, groups, row, dp, e, uuid);
		}
		e->input = in;
	}
	e->pass = c->pass;
	if (a->counting)
		count(o, e);
	return e;
}

/* @row compiled (or found in the cache) for each of its local
 * datapaths, a datapath group's rows shared where they can be. */
static void row_all(struct wft_ovn *o, struct env_aux *a,
		    struct wft_lflow_groups *groups,
		    struct wft_ovsdb_rtable *gt, const struct wft_ovsdb_row *row)
{
	const struct wft_ovn_view *v = a->v;
	const struct wft_ovn_lcache_entry *src = NULL, *e;
	const struct wft_ovsdb_datum *d;
	struct wft_ovsdb_row *g;
	size_t i, dp, src_dp = 0;

	d = wft_ovsdb_row_get_named(row, "logical_datapath");
	if (d && d->n) {
		dp = dp_of(v, &d->keys[0].u);
		if (dp != SIZE_MAX)
			one(o, a, groups, row, dp, NULL, 0);
		return;
	}
	d = wft_ovsdb_row_get_named(row, "logical_dp_group");
	g = d && d->n && gt ? wft_ovsdb_rtable_find(gt, &d->keys[0].u) : NULL;
	d = g ? wft_ovsdb_row_get_named(g, "datapaths") : NULL;
	for (i = 0; d && i < d->n; i++) {
		dp = dp_of(v, &d->keys[i].u);
		if (dp == SIZE_MAX)
			continue;
		e = one(o, a, groups, row, dp, src, src_dp);
		if (!src) {
			src = e;
			src_dp = dp;
		}
	}
}

/*
 * lflow/stats' totals, skip reasons and skipped rows from every entry
 * the cache holds: a fast pass compiles only the rows that changed, but
 * what it reports is the whole set's, as after a full pass (a bad row
 * added by itself is listed at once).
 */
void wft_ovn_lflows_recount(struct wft_ovn *o)
{
	struct wft_ovn_lcache *c = o->lcache;
	struct wft_ovn_lcache_entry *e;
	size_t b;

	wft_ovn_flow_stats_reset(&o->fst);
	o->fst.rules_lflow = 0;
	for (b = 0; c && b < c->n_buckets; b++)
		for (e = c->buckets[b]; e; e = e->next)
			count(o, e);
}

void wft_ovn_lflows_compile(struct wft_ovn *o, struct wft_ovsdb_replica *r,
			    const struct wft_ovn_view *v,
			    struct wft_lflow_groups *groups)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Logical_Flow");
	struct wft_ovsdb_rtable *gt = wft_ovsdb_replica_table(
		r, "Logical_DP_Group");
	struct wft_ovsdb_row *row;
	struct env_aux a;

	/* The fallback: a cache that is new, or whose conjunction ids
	 * are about to wrap, makes this pass a full recompute. */
	if (o->lcache && o->lcache->conj_next > UINT32_MAX - (1u << 24)) {
		wft_ovn_lcache_free(o->lcache);
		o->lcache = NULL;
	}
	if (!o->lcache) {
		o->lcache = wft_ovn_lcache_new();
		o->fst.full_recomputes++;
		o->fst.last_was_full = true;
	} else {
		o->fst.incremental_runs++;
		o->fst.last_was_full = false;
	}
	o->lcache->pass++;
	o->fst.rows_recompiled = 0;
	o->fst.rows_shared = 0;
	o->fst.rules_lflow = 0;
	env_build(&a, r, v);
	a.counting = true;
	for (row = t ? wft_ovsdb_rtable_first(t) : NULL; row;
	     row = wft_ovsdb_row_next(row))
		row_all(o, &a, groups, gt, row);
	wft_ovn_lcache_sweep(o->lcache, o->lcache->pass);
	env_free(&a);
}

/* Whether @row applies to local datapath @dp. */
static bool row_in(struct wft_ovsdb_rtable *gt, const struct wft_ovsdb_row *row,
		   const struct wft_uuid *dp)
{
	const struct wft_ovsdb_datum *d;
	struct wft_ovsdb_row *g;
	unsigned int i;

	d = wft_ovsdb_row_get_named(row, "logical_datapath");
	if (d && d->n)
		return !wft_uuid_cmp(&d->keys[0].u, dp);
	d = wft_ovsdb_row_get_named(row, "logical_dp_group");
	g = d && d->n && gt ? wft_ovsdb_rtable_find(gt, &d->keys[0].u) : NULL;
	d = g ? wft_ovsdb_row_get_named(g, "datapaths") : NULL;
	for (i = 0; d && i < d->n; i++)
		if (!wft_uuid_cmp(&d->keys[i].u, dp))
			return true;
	return false;
}

bool wft_ovn_lflows_update_rows(struct wft_ovn *o,
				struct wft_ovsdb_replica *r,
				const struct wft_uuid *rows, size_t n,
				struct wft_lflow_groups *groups)
{
	struct wft_ovsdb_rtable *t = wft_ovsdb_replica_table(r, "Logical_Flow");
	struct wft_ovsdb_rtable *gt = wft_ovsdb_replica_table(
		r, "Logical_DP_Group");
	const struct wft_ovn_view *v = &o->view;
	struct wft_ovn_lcache_entry *e;
	struct wft_ovsdb_row *row;
	struct env_aux a;
	size_t i, dp;

	if (!o->lcache || !t)
		return false;
	o->fst.incremental_runs++;
	o->fst.last_was_full = false;
	o->fst.rows_recompiled = 0;
	o->fst.rows_shared = 0;
	env_build(&a, r, v);
	for (i = 0; i < n; i++) {
		row = wft_ovsdb_rtable_find(t, &rows[i]);
		/* Deleted, or moved out of a datapath: its entries go. */
		for (dp = 0; dp < v->n_dps; dp++) {
			e = wft_ovn_lcache_find(o->lcache, &rows[i],
						&v->dps[dp].uuid);
			if (e && (!row || !row_in(gt, row, &v->dps[dp].uuid)))
				wft_ovn_lcache_drop(o->lcache, e);
		}
		if (row)
			row_all(o, &a, groups, gt, row);
	}
	env_free(&a);
	return true;
}

void wft_ovn_lflows_reset(struct wft_ovn *o)
{
	wft_ovn_lcache_free(o->lcache);
	o->lcache = NULL;
}
