/* SPDX-License-Identifier: GPL-2.0 */
/*
 * key_parse_test.c's means of building inputs: netlink attribute trees,
 * flows from ovs-dpctl text, field checks and the edit language of the
 * cases. Included once, by that file, after the model it uses.
 */
#ifndef KEY_PARSE_TREES_H
#define KEY_PARSE_TREES_H

/* ---- attribute trees ------------------------------------------------------ */

#define MAX_KIDS 40

struct node {
	u16 type;		/* as sent: NLA_F_NESTED included */
	bool nest;		/* has children rather than bytes */
	u8 data[40];
	int dlen;
	struct node *kid[MAX_KIDS];
	int nkids;
	int trail;		/* garbage bytes after the last child */
	int over;		/* added to nla_len, parents left alone */
	long off;		/* where the last serialization put it */
};

static struct node pool[4096];
static int npool;

static struct node *new_node(u16 type, bool nest)
{
	struct node *n;

	if (npool == ARRAY_SIZE(pool))
		abort();
	n = &pool[npool++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->nest = nest;
	return n;
}

static struct node *copy_tree(const struct node *src)
{
	struct node *n = new_node(src->type, src->nest);

	memcpy(n->data, src->data, sizeof(n->data));
	n->dlen = src->dlen;
	n->trail = src->trail;
	n->over = src->over;
	for (int i = 0; i < src->nkids; i++)
		n->kid[n->nkids++] = copy_tree(src->kid[i]);
	return n;
}

/* The attributes of @buf[0..len) as children of @parent. */
static void from_bytes(struct node *parent, const u8 *buf, size_t len)
{
	size_t pos = 0;

	while (len - pos >= 4) {
		u16 alen = rd16(buf + pos), type = rd16(buf + pos + 2);
		struct node *n;

		if (alen < 4 || alen > len - pos || parent->nkids == MAX_KIDS)
			abort();
		n = new_node(type, type & NLA_F_NESTED);
		if (n->nest) {
			from_bytes(n, buf + pos + 4, alen - 4);
		} else {
			if (alen - 4 > (int)sizeof(n->data))
				abort();
			n->dlen = alen - 4;
			memcpy(n->data, buf + pos + 4, n->dlen);
		}
		parent->kid[parent->nkids++] = n;
		pos += NLA_ALIGN(alen);
	}
}

static size_t tree_size(const struct node *n)
{
	size_t s = 4;

	if (!n->nest)
		return 4 + n->dlen;
	for (int i = 0; i < n->nkids; i++)
		s += NLA_ALIGN(tree_size(n->kid[i]));
	return s + n->trail;
}

static void put_tree(struct node *n, u8 *buf, long off)
{
	size_t size = tree_size(n);
	long pos = off + 4;

	n->off = off;
	wr16(buf + off, (u16)(size + n->over));
	wr16(buf + off + 2, n->type);
	if (!n->nest) {
		memcpy(buf + pos, n->data, n->dlen);
		return;
	}
	for (int i = 0; i < n->nkids; i++) {
		put_tree(n->kid[i], buf, pos);
		pos += NLA_ALIGN(tree_size(n->kid[i]));
	}
	memset(buf + pos, 0xee, n->trail);
}

/*
 * The tree as a buffer of exactly its size. Padding after a child that is
 * not the last is zero, as the sender's would be.
 */
static u8 *serialize(struct node *root)
{
	size_t size = tree_size(root);
	u8 *buf = calloc(1, size + 4);

	/* The calloc is padded for a last child's alignment; shrink it. */
	put_tree(root, buf, 0);
	buf = realloc(buf, size);
	return buf;
}

static bool in_tree(const struct node *root, const struct node *n)
{
	if (root == n)
		return true;
	for (int i = 0; root->nest && i < root->nkids; i++)
		if (in_tree(root->kid[i], n))
			return true;
	return false;
}

static bool in_tree_buf(const u8 *buf, const void *p)
{
	return (const u8 *)p >= buf && (const u8 *)p < buf + rd16(buf);
}

/* ---- flows from text ------------------------------------------------------ */

struct flow {
	struct node *key, *mask;	/* WEFT_FLOW_A_KEY and _MASK nests */
};

static struct node *wrap(u16 type, const struct wft_attrbuf *b)
{
	struct node *n = new_node(type | NLA_F_NESTED, true);

	from_bytes(n, b->data, b->len);
	return n;
}

static int flow_from_text(const char *text, struct flow *f)
{
	struct wft_attrbuf k, m;
	struct wft_odp_error err;
	int ret;

	wft_attrbuf_init(&k);
	wft_attrbuf_init(&m);
	ret = wft_odp_flow_from_string(text, &k, &m, &err);
	if (ret) {
		FAIL("odp parser refuses \"%s\": %s", text, err.msg);
	} else {
		f->key = wrap(WEFT_FLOW_A_KEY, &k);
		f->mask = wrap(WEFT_FLOW_A_MASK, &m);
	}
	wft_attrbuf_free(&k);
	wft_attrbuf_free(&m);
	return ret;
}

/* ---- field checks: "k.tp.dst=80 m.ipv6.label=0xfffff" --------------------- */

enum fkind { FK_U8, FK_U32, FK_BE16, FK_BE32, FK_MAC, FK_IP6 };

#define FK(n, m, k) { n, offsetof(struct weft_flow_key, m), k }
static const struct { const char *name; size_t off; enum fkind kind; } fk[] = {
	FK("md.in_port", md.in_port, FK_U32),
	FK("md.skb_mark", md.skb_mark, FK_U32),
	FK("md.priority", md.priority, FK_U32),
	FK("md.recirc_id", md.recirc_id, FK_U32),
	FK("md.dp_hash", md.dp_hash, FK_U32),
	FK("eth.src", eth.src, FK_MAC),
	FK("eth.dst", eth.dst, FK_MAC),
	FK("eth.vlan.tpid", eth.vlan.tpid, FK_BE16),
	FK("eth.vlan.tci", eth.vlan.tci, FK_BE16),
	FK("eth.cvlan.tpid", eth.cvlan.tpid, FK_BE16),
	FK("eth.cvlan.tci", eth.cvlan.tci, FK_BE16),
	FK("eth.type", eth.type, FK_BE16),
	FK("ip.proto", ip.proto, FK_U8),
	FK("ip.tos", ip.tos, FK_U8),
	FK("ip.ttl", ip.ttl, FK_U8),
	FK("ip.frag", ip.frag, FK_U8),
	FK("tp.src", tp.src, FK_BE16),
	FK("tp.dst", tp.dst, FK_BE16),
	FK("tp.flags", tp.flags, FK_BE16),
	FK("ipv4.src", ipv4.src, FK_BE32),
	FK("ipv4.dst", ipv4.dst, FK_BE32),
	FK("arp.sha", ipv4.arp.sha, FK_MAC),
	FK("arp.tha", ipv4.arp.tha, FK_MAC),
	FK("ipv6.src", ipv6.src, FK_IP6),
	FK("ipv6.dst", ipv6.dst, FK_IP6),
	FK("ipv6.label", ipv6.label, FK_BE32),
	FK("nd.target", ipv6.nd.target, FK_IP6),
	FK("nd.sll", ipv6.nd.sll, FK_MAC),
	FK("nd.tll", ipv6.nd.tll, FK_MAC),
};

static void check_fields(const char *checks, const struct weft_flow_key *key,
			 const struct weft_flow_key *mask)
{
	char buf[1024], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", checks ? checks : "");
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		const struct weft_flow_key *k = tok[0] == 'm' ? mask : key;
		char *eq = strchr(tok, '=');
		u8 want[16] = { 0 }, *got;
		size_t i, n = 0;
		unsigned long v;

		if (!eq || tok[1] != '.')
			abort();
		*eq = '\0';
		for (i = 0; i < ARRAY_SIZE(fk) && strcmp(fk[i].name, tok + 2); i++)
			;
		if (i == ARRAY_SIZE(fk)) {
			FAIL("no field %s in the test's table", tok + 2);
			continue;
		}
		got = (u8 *)k + fk[i].off;
		v = strtoul(eq + 1, NULL, 0);
		switch (fk[i].kind) {
		case FK_U8: want[0] = v; n = 1; break;
		case FK_U32: memcpy(want, &(u32){ v }, 4); n = 4; break;
		case FK_BE16: want[0] = v >> 8; want[1] = v; n = 2; break;
		case FK_BE32:
			n = 4;
			if (strchr(eq + 1, '.')) {
				if (inet_pton(AF_INET, eq + 1, want) != 1)
					abort();
				break;
			}
			want[0] = v >> 24; want[1] = v >> 16;
			want[2] = v >> 8; want[3] = v;
			break;
		case FK_MAC:
			n = 6;
			if (sscanf(eq + 1, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx",
				   &want[0], &want[1], &want[2], &want[3],
				   &want[4], &want[5]) != 6)
				abort();
			break;
		case FK_IP6:
			n = 16;
			if (inet_pton(AF_INET6, eq + 1, want) != 1)
				abort();
			break;
		}
		if (memcmp(got, want, n)) {
			char hex[40] = "";

			for (i = 0; i < n; i++)
				sprintf(hex + 2 * i, "%02x", got[i]);
			FAIL("%s is %s, not %s", tok, hex, eq + 1);
		}
	}
}

/* ---- edits: "k:ipv4.proto:len=2;m:ipv6.label:val=ffffffff" ---------------- */

static struct node *find(struct node *root, const char *path, struct node **parent)
{
	char buf[64], *dot;
	struct node *n = root, *p = NULL;
	const struct spec_hdr *h = NULL;
	char *seg;

	snprintf(buf, sizeof(buf), "%s", path);
	for (seg = buf; seg && *seg; seg = dot) {
		int type = -1, i;

		dot = strchr(seg, '.');
		if (dot)
			*dot++ = '\0';
		if (seg[0] == '#') {
			type = atoi(seg + 1);
		} else if (n == root) {
			for (i = 0; i < (int)ARRAY_SIZE(spec); i++)
				if (!strcmp(spec[i].name, seg))
					h = &spec[i], type = h->type;
		} else {
			for (i = 0; h && i < h->nf; i++)
				if (!strcmp(h->f[i].name, seg))
					type = h->f[i].type;
		}
		p = n;
		for (i = 0, n = NULL; i < p->nkids; i++)
			if ((p->kid[i]->type & NLA_TYPE_MASK) == type) {
				n = p->kid[i];
				break;
			}
		if (!n) {
			FAIL("edit: no %s in the nest", path);
			abort();
		}
		if (n != root && !h)
			h = spec_hdr(type);
	}
	if (parent)
		*parent = p;
	return n;
}

static int hexbytes(const char *s, u8 *out)
{
	int n = 0;

	while (s[0] && s[1] && n < 40) {
		sscanf(s, "%2hhx", &out[n++]);
		s += 2;
	}
	return n;
}

static void remove_kid(struct node *p, struct node *n)
{
	for (int i = 0; i < p->nkids; i++)
		if (p->kid[i] == n) {
			memmove(&p->kid[i], &p->kid[i + 1],
				(p->nkids - i - 1) * sizeof(p->kid[0]));
			p->nkids--;
			return;
		}
}

static void insert_after(struct node *p, struct node *after, struct node *n)
{
	int i;

	for (i = 0; i < p->nkids && p->kid[i] != after; i++)
		;
	memmove(&p->kid[i + 2], &p->kid[i + 1],
		(p->nkids - i - 1) * sizeof(p->kid[0]));
	p->kid[i + 1] = n;
	p->nkids++;
}

/*
 * Applies the edits to @f. Each is SIDE:PATH:OP with SIDE k or m, PATH
 * empty (the nest itself), a header ("ipv4"), a field ("ipv4.proto") or
 * "#N" for type N, and OP one of type=N, flip (NLA_F_NESTED), len=N,
 * val=HEX, dup, del, trail=N, over=N, add=T:HEX, addnest=T; or "nomask".
 * Returns the node the last edit touched or made.
 */
static struct node *edit(struct flow *f, const char *edits, bool *nomask)
{
	char buf[512], *save, *e;
	struct node *last = NULL;

	snprintf(buf, sizeof(buf), "%s", edits ? edits : "");
	for (e = strtok_r(buf, ";", &save); e; e = strtok_r(NULL, ";", &save)) {
		char *path, *op, *arg;
		struct node *root, *n, *p;

		if (!strcmp(e, "nomask")) {
			*nomask = true;
			continue;
		}
		root = e[0] == 'm' ? f->mask : f->key;
		path = e + 2;
		op = strchr(path, ':');
		*op++ = '\0';
		arg = strchr(op, '=');
		if (arg)
			*arg++ = '\0';
		n = *path ? find(root, path, &p) : root;
		last = n;
		if (!strcmp(op, "type")) {
			n->type = (n->type & ~NLA_TYPE_MASK) | atoi(arg);
		} else if (!strcmp(op, "flip")) {
			n->type ^= NLA_F_NESTED;
		} else if (!strcmp(op, "len")) {
			int len = atoi(arg);

			if (len > n->dlen)
				memset(n->data + n->dlen, 0, len - n->dlen);
			n->dlen = len;
		} else if (!strcmp(op, "val")) {
			n->dlen = hexbytes(arg, n->data);
		} else if (!strcmp(op, "dup")) {
			last = copy_tree(n);
			insert_after(p, n, last);
		} else if (!strcmp(op, "del")) {
			remove_kid(p, n);
		} else if (!strcmp(op, "trail")) {
			n->trail = atoi(arg);
		} else if (!strcmp(op, "over")) {
			n->over = atoi(arg);
		} else if (!strcmp(op, "add")) {
			last = new_node(atoi(arg), false);
			last->dlen = hexbytes(strchr(arg, ':') + 1, last->data);
			n->kid[n->nkids++] = last;
		} else if (!strcmp(op, "addnest")) {
			last = new_node(atoi(arg) | NLA_F_NESTED, true);
			n->kid[n->nkids++] = last;
		} else {
			FAIL("edit: unknown op %s", op);
			abort();
		}
	}
	return last;
}

#endif /* KEY_PARSE_TREES_H */
