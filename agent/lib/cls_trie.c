// SPDX-License-Identifier: GPL-2.0
/*
 * Prefix tries for the classifier (cls_private.h).
 *
 * A path-compressed binary trie: each node holds its whole prefix from the
 * root, so splitting and splicing never rewrite bits, and a lookup compares
 * a node's new bits a byte at a time. A node exists when rules end there or
 * when two branches part there; removal splices out nodes that become
 * neither.
 *
 * Bits are numbered from the most significant bit of byte 0, as prefixes
 * of big-endian addresses are.
 */
#include <string.h>

#include "cls_private.h"

const struct cls_trie_field wft_cls_trie_fields[CLS_N_TRIES] = {
	[CLS_TRIE_NW_SRC] = { offsetof(struct wft_flow, nw_src), 32 },
	[CLS_TRIE_NW_DST] = { offsetof(struct wft_flow, nw_dst), 32 },
	[CLS_TRIE_IPV6_SRC] = { offsetof(struct wft_flow, ipv6_src), 128 },
	[CLS_TRIE_IPV6_DST] = { offsetof(struct wft_flow, ipv6_dst), 128 },
};

static inline unsigned int bit_at(const uint8_t *p, unsigned int i)
{
	return p[i / 8] >> (7 - i % 8) & 1;
}

/* The first bit in [from, to) where @a and @b differ, or @to. */
static unsigned int mismatch(const uint8_t *a, const uint8_t *b,
			     unsigned int from, unsigned int to)
{
	unsigned int i = from;

	while (i < to) {
		unsigned int byte = i / 8;
		unsigned int x = (a[byte] ^ b[byte]) & (0xffu >> (i % 8));

		if (x) {
			i = byte * 8 + (unsigned int)__builtin_clz(x) - 24;
			return i < to ? i : to;
		}
		i = (byte + 1) * 8;
	}
	return to;
}

int wft_cls_prefix_len(const uint8_t *mask, unsigned int n_bytes)
{
	unsigned int i = 0, len;

	while (i < n_bytes && mask[i] == 0xff)
		i++;
	len = i * 8;
	if (i < n_bytes) {
		uint8_t m = mask[i];
		uint8_t inv = (uint8_t)~m;

		/* The remaining bits of a CIDR byte are all zero: ~m + 1 is a
		 * power of two. */
		if (inv & (uint8_t)(inv + 1))
			return -1;
		len += (unsigned int)__builtin_popcount(m);
		for (i++; i < n_bytes; i++)
			if (mask[i])
				return -1;
	}
	return (int)len;
}

void wft_cls_set_prefix_bits(uint8_t *p, unsigned int n)
{
	memset(p, 0xff, n / 8);
	if (n % 8)
		p[n / 8] |= (uint8_t)(0xff00u >> (n % 8));
}

void wft_cls_trie_init(struct cls_trie *t, unsigned int n_bits)
{
	memset(t, 0, sizeof(*t));
	t->n_bits = (uint8_t)n_bits;
}

static void free_subtree(struct cls_trie_node *n)
{
	if (!n)
		return;
	free_subtree(n->child[0]);
	free_subtree(n->child[1]);
	free(n);
}

void wft_cls_trie_destroy(struct cls_trie *t)
{
	free_subtree(t->root.child[0]);
	free_subtree(t->root.child[1]);
	t->root.child[0] = t->root.child[1] = NULL;
}

static struct cls_trie_node *new_node(const uint8_t *key, unsigned int plen,
				      uint32_t n_rules)
{
	struct cls_trie_node *n = wft_cls_xzalloc(sizeof(*n));

	memcpy(n->bits, key, (plen + 7) / 8);
	if (plen % 8)
		n->bits[plen / 8] &= (uint8_t)(0xff00u >> (plen % 8));
	n->plen = (uint8_t)plen;
	n->n_rules = n_rules;
	return n;
}

void wft_cls_trie_insert(struct cls_trie *t, const uint8_t *key,
			 unsigned int plen)
{
	struct cls_trie_node *node = &t->root, *c, *mid;
	unsigned int b, m, end;

	/* Invariant: node's prefix is a prefix of key/plen. */
	while (node->plen < plen) {
		b = bit_at(key, node->plen);
		c = node->child[b];
		if (!c) {
			node->child[b] = new_node(key, plen, 1);
			return;
		}
		end = c->plen < plen ? c->plen : plen;
		m = mismatch(key, c->bits, node->plen + 1, end);
		if (m == c->plen) {
			node = c;
			continue;
		}
		if (m == plen) {
			/* The new prefix sits between node and c. */
			mid = new_node(key, plen, 1);
			mid->child[bit_at(c->bits, plen)] = c;
		} else {
			/* key and c part at bit m. */
			mid = new_node(key, m, 0);
			mid->child[bit_at(c->bits, m)] = c;
			mid->child[bit_at(key, m)] = new_node(key, plen, 1);
		}
		node->child[b] = mid;
		return;
	}
	node->n_rules++;
}

void wft_cls_trie_remove(struct cls_trie *t, const uint8_t *key,
			 unsigned int plen)
{
	struct cls_trie_node **path[130];
	struct cls_trie_node *node = &t->root, **pp, *n;
	int depth = 0;

	while (node->plen < plen) {
		pp = &node->child[bit_at(key, node->plen)];
		n = *pp;
		if (!n || n->plen > plen ||
		    mismatch(key, n->bits, node->plen, n->plen) < n->plen)
			return;		/* not there: nothing to undo */
		path[depth++] = pp;
		node = n;
	}
	if (!node->n_rules)
		return;
	node->n_rules--;
	/* Splice out nodes that hold no rule and no longer part branches. */
	while (depth > 0) {
		pp = path[depth - 1];
		n = *pp;
		if (n->n_rules || (n->child[0] && n->child[1]))
			break;
		*pp = n->child[0] ? n->child[0] : n->child[1];
		free(n);
		depth--;
	}
}

unsigned int wft_cls_trie_lookup(const struct cls_trie *t, const uint8_t *key,
			     struct cls_plens *plens)
{
	const struct cls_trie_node *node = &t->root, *c;
	unsigned int b, m;

	memset(plens, 0, sizeof(*plens));
	for (;;) {
		if (node->n_rules)
			plens->w[node->plen / 64] |= 1ULL << (node->plen % 64);
		if (node->plen >= t->n_bits)
			return t->n_bits;
		b = bit_at(key, node->plen);
		c = node->child[b];
		if (!c)
			/* The bit that picks the branch mattered only if there
			 * was a branch to pick. */
			return node->child[!b] ? node->plen + 1u : node->plen;
		m = mismatch(key, c->bits, node->plen + 1, c->plen);
		if (m < c->plen)
			return m + 1;
		node = c;
	}
}
