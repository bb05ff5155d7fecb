// SPDX-License-Identifier: GPL-2.0
/*
 * The ct action as ovs-dpctl text (OVS 3.1's parse_conntrack_action and
 * format_odp_conntrack_action), to and from WEFT_ACTION_A_CT:
 *
 *   ct
 *   ct(commit,zone=5,mark=0x1/0xff,label=0x2/0xf,helper=ftp,timeout=t1,
 *      nat(src=10.0.0.1-10.0.0.9:1024-2048,persistent,random))
 *   ct(force_commit,nat(dst=[fd00::1]:80))   ct(nat)
 *
 * As in OVS: options in any order, separated by ',' or white space; zone
 * is decimal and zone=0 is the default (no attribute); mark= and label=
 * are hexadecimal (0x optional for mark; label is read like a ct_label
 * key) with an optional /mask, no mask meaning all ones; commit and
 * force_commit exclude each other; a NAT range's maximum (address or
 * port) is sent only when above its minimum; an IPv6 address with a port
 * is written in brackets. The options are printed in a fixed order.
 *
 * Where OVS would silently drop what was written, weft refuses or keeps
 * it: an option given twice is an error (OVS keeps the last), and nat's
 * persistent/hash/random are sent even without an address (OVS drops
 * them then), which is why "nat(persistent)" without src or dst, which
 * OVS turns into plain "nat", is an error here.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "odp_private.h"

#define CT_HELPER_MAX	15	/* OVS's limits, and nf_conntrack's */
#define CT_TIMEOUT_MAX	31

struct nat {
	bool src, dst, persistent, hash, random;
	size_t addr_len;		/* 0, 4 or 16 */
	uint8_t min[16], max[16];
	bool has_max;
	uint16_t port_min, port_max;
};

/* OVS's delimiters between options. */
static bool is_delim(char ch)
{
	return ch == ',' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static void skip_delims(struct wft_odp_cur *c)
{
	while (is_delim(wft_odp_peek(c)))
		c->pos++;
}

/* Length of an option's value: up to a delimiter or ')'. */
static size_t value_len(const struct wft_odp_cur *c)
{
	return strcspn(c->s + c->pos, ", \t\r\n)");
}

static bool dec16(const char *s, size_t n, uint16_t *v)
{
	uint32_t r = 0;

	if (!n || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		r = r * 10 + (uint32_t)(s[i] - '0');
	}
	if (r > UINT16_MAX)
		return false;
	*v = (uint16_t)r;
	return true;
}

/* Hexadecimal, "0x" optional, as scanf's %x reads it. */
static bool hex32(const char *s, size_t n, uint32_t *v)
{
	uint64_t r = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		unsigned int d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned int)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (unsigned int)(ch - 'A' + 10);
		else
			return false;
		r = r << 4 | d;
		if (r > UINT32_MAX)
			return false;
	}
	*v = (uint32_t)r;
	return true;
}

/* "V[/M]" at the cursor, each of @n bytes parsed by the caller's type. */
static int parse_mark(struct wft_odp_cur *c, struct weft_ct_mark *m)
{
	size_t pos = c->pos, n = strcspn(c->s + pos, ", \t\r\n)/");

	if (!hex32(c->s + pos, n, &m->value))
		return wft_odp_fail_token(c, pos, n, "ct", "bad mark");
	c->pos += n;
	m->mask = UINT32_MAX;
	if (wft_odp_peek(c) != '/')
		return 0;
	pos = ++c->pos;
	n = value_len(c);
	if (!hex32(c->s + pos, n, &m->mask))
		return wft_odp_fail_token(c, pos, n, "ct", "bad mark mask");
	c->pos += n;
	return 0;
}

static int parse_label(struct wft_odp_cur *c, struct weft_ct_labels *l)
{
	size_t pos = c->pos, n = strcspn(c->s + pos, ", \t\r\n)/");

	if (!wft_odp_u128_from(c->s + pos, n, l->value))
		return wft_odp_fail_token(c, pos, n, "ct", "bad label");
	c->pos += n;
	memset(l->mask, 0xff, sizeof(l->mask));
	if (wft_odp_peek(c) != '/')
		return 0;
	pos = ++c->pos;
	n = value_len(c);
	if (!wft_odp_u128_from(c->s + pos, n, l->mask))
		return wft_odp_fail_token(c, pos, n, "ct", "bad label mask");
	c->pos += n;
	return 0;
}

/*
 * An address of the range, as OVS scans it: IPv4 if the digits and dots at
 * the cursor make one ("10.0.0.1:80" is an address and a port), else IPv6,
 * bare (every hex digit, ':' and '.') or in brackets ("[fd00::1]:80").
 * Both ends of a range must be of one family.
 */
static int parse_nat_addr(struct wft_odp_cur *c, struct nat *p, uint8_t *out)
{
	size_t pos = c->pos, n, len = 0, skip = 0;
	char buf[INET6_ADDRSTRLEN + 1];

	n = strspn(c->s + pos, "0123456789.");
	if (n && n < sizeof(buf)) {
		memcpy(buf, c->s + pos, n);
		buf[n] = '\0';
		if (inet_pton(AF_INET, buf, out) == 1)
			len = 4;
	}
	if (!len) {
		bool bracket = c->s[pos] == '[';

		n = strspn(c->s + pos + bracket, "0123456789abcdefABCDEF:.");
		if (bracket && c->s[pos + 1 + n] != ']')
			n = 0;
		skip = bracket ? 2 : 0;
		if (n && n < sizeof(buf)) {
			memcpy(buf, c->s + pos + bracket, n);
			buf[n] = '\0';
			if (inet_pton(AF_INET6, buf, out) == 1)
				len = 16;
		}
	}
	if (!len)
		return wft_odp_fail_token(c, pos, n ? n + skip : value_len(c),
					  "nat", "bad address");
	if (p->addr_len && len != p->addr_len)
		return wft_odp_fail_token(c, pos, n + skip, "nat",
					  "the range mixes IPv4 and IPv6:");
	p->addr_len = len;
	c->pos += n + skip;
	return 0;
}

/* "=ADDR[-ADDR][:PORT[-PORT]]" after src or dst. */
static int parse_nat_range(struct wft_odp_cur *c, struct nat *p)
{
	size_t pos;
	int err;

	if (wft_odp_peek(c) != '=')
		return 0;
	c->pos++;
	err = parse_nat_addr(c, p, p->min);
	if (!err && wft_odp_peek(c) == '-') {
		c->pos++;
		p->has_max = true;
		err = parse_nat_addr(c, p, p->max);
	}
	if (err || wft_odp_peek(c) != ':')
		return err;
	pos = ++c->pos;
	if (!dec16(c->s + pos, strcspn(c->s + pos, "-, \t\r\n)"), &p->port_min))
		return wft_odp_fail_token(c, pos, value_len(c), "nat",
					  "bad port");
	c->pos += strcspn(c->s + pos, "-, \t\r\n)");
	if (wft_odp_peek(c) != '-')
		return 0;
	pos = ++c->pos;
	if (!dec16(c->s + pos, value_len(c), &p->port_max))
		return wft_odp_fail_token(c, pos, value_len(c), "nat",
					  "bad port");
	c->pos += value_len(c);
	return 0;
}

/* "nat" or "nat(...)", the cursor just after "nat". */
static int parse_nat(struct wft_odp_cur *c, struct nat *p, size_t start)
{
	int err;

	memset(p, 0, sizeof(*p));
	if (wft_odp_peek(c) != '(')
		return 0;
	c->pos++;
	for (;;) {
		size_t pos, n;
		bool *flag = NULL;

		skip_delims(c);
		if (wft_odp_peek(c) == ')')
			break;
		pos = c->pos;
		n = wft_odp_word_len(c);
		if (wft_odp_word_is(c, n, "src") || wft_odp_word_is(c, n, "dst")) {
			if (p->src || p->dst)
				return wft_odp_fail_token(c, pos, n, "nat",
					"only one of src and dst may be given:");
			*(c->s[pos] == 's' ? &p->src : &p->dst) = true;
			c->pos += n;
			err = parse_nat_range(c, p);
			if (err)
				return err;
		} else {
			if (wft_odp_word_is(c, n, "persistent"))
				flag = &p->persistent;
			else if (wft_odp_word_is(c, n, "hash"))
				flag = &p->hash;
			else if (wft_odp_word_is(c, n, "random"))
				flag = &p->random;
			if (!flag || *flag)
				return wft_odp_fail_token(c, pos,
					n ? n : (value_len(c) ? value_len(c) : 1),
					"nat", flag ? "option given twice:" :
					"unknown option");
			*flag = true;
			c->pos += n;
		}
		if (!is_delim(wft_odp_peek(c)) && wft_odp_peek(c) != ')')
			return wft_odp_expect(c, ')', "nat");
	}
	c->pos++;
	if (p->hash && p->random)
		return wft_odp_fail(c, start, "nat: hash and random exclude each other");
	if ((p->persistent || p->hash || p->random) && !p->src && !p->dst)
		return wft_odp_fail(c, start,
				    "nat: persistent, hash and random need src or dst");
	if (p->has_max && memcmp(p->max, p->min, p->addr_len) < 0)
		return wft_odp_fail(c, start,
				    "nat: the address range ends below its start");
	if (p->port_max && p->port_max < p->port_min)
		return wft_odp_fail(c, start,
				    "nat: the port range ends below its start");
	return 0;
}

static void put_nat(struct wft_attrbuf *acts, const struct nat *p)
{
	size_t nest = wft_attr_nest_start(acts, WEFT_CT_A_NAT);

	if (p->src)
		wft_attr_put_flag(acts, WEFT_NAT_A_SRC);
	else if (p->dst)
		wft_attr_put_flag(acts, WEFT_NAT_A_DST);
	if (p->addr_len) {
		wft_attr_put(acts, WEFT_NAT_A_IP_MIN, p->min, p->addr_len);
		if (p->has_max && memcmp(p->max, p->min, p->addr_len) > 0)
			wft_attr_put(acts, WEFT_NAT_A_IP_MAX, p->max,
				     p->addr_len);
		if (p->port_min) {
			wft_attr_put_u16(acts, WEFT_NAT_A_PROTO_MIN, p->port_min);
			if (p->port_max > p->port_min)
				wft_attr_put_u16(acts, WEFT_NAT_A_PROTO_MAX,
						 p->port_max);
		}
	}
	if (p->persistent)
		wft_attr_put_flag(acts, WEFT_NAT_A_PERSISTENT);
	if (p->hash)
		wft_attr_put_flag(acts, WEFT_NAT_A_PROTO_HASH);
	if (p->random)
		wft_attr_put_flag(acts, WEFT_NAT_A_PROTO_RANDOM);
	wft_attr_nest_end(acts, nest);
}

/* A name option's value (helper=, timeout=): 1..@max bytes. */
static int parse_name(struct wft_odp_cur *c, const char *what, size_t max,
		      char *out)
{
	size_t pos = c->pos, n = value_len(c);

	if (!n || n > max) {
		char msg[48];

		snprintf(msg, sizeof(msg), "%s must be 1 to %zu characters:",
			 what, max);
		return wft_odp_fail_token(c, pos, n ? n : 1, "ct", msg);
	}
	memcpy(out, c->s + pos, n);
	out[n] = '\0';
	c->pos += n;
	return 0;
}

struct ct {
	bool commit, force, has_zone, has_mark, has_label, has_nat;
	uint16_t zone;
	struct weft_ct_mark mark;
	struct weft_ct_labels label;
	char helper[CT_HELPER_MAX + 1], timeout[CT_TIMEOUT_MAX + 1];
	struct nat nat;
};

/* One option of ct(...) at the cursor. */
static int parse_option(struct wft_odp_cur *c, struct ct *ct)
{
	size_t pos = c->pos, n = wft_odp_word_len(c);
	char after = c->s[pos + n];
	bool twice = false;
	int err;

#define IS(w, ch) (wft_odp_word_is(c, n, w) && after == (ch))
	if ((wft_odp_word_is(c, n, "commit") ||
	     wft_odp_word_is(c, n, "force_commit")) &&
	    (after == ')' || after == '\0' || is_delim(after))) {
		bool *f = c->s[pos] == 'c' ? &ct->commit : &ct->force;

		twice = *f;
		*f = true;
		c->pos += n;
	} else if (IS("zone", '=')) {
		twice = ct->has_zone;
		ct->has_zone = true;
		c->pos += n + 1;
		if (!dec16(c->s + c->pos, value_len(c), &ct->zone))
			return wft_odp_fail_token(c, c->pos, value_len(c), "ct",
						  "bad zone");
		c->pos += value_len(c);
	} else if (IS("mark", '=')) {
		twice = ct->has_mark;
		ct->has_mark = true;
		c->pos += n + 1;
		err = parse_mark(c, &ct->mark);
		if (err)
			return err;
	} else if (IS("label", '=')) {
		twice = ct->has_label;
		ct->has_label = true;
		c->pos += n + 1;
		err = parse_label(c, &ct->label);
		if (err)
			return err;
	} else if (IS("helper", '=')) {
		twice = ct->helper[0];
		c->pos += n + 1;
		err = parse_name(c, "helper", CT_HELPER_MAX, ct->helper);
		if (err)
			return err;
	} else if (IS("timeout", '=')) {
		twice = ct->timeout[0];
		c->pos += n + 1;
		err = parse_name(c, "timeout", CT_TIMEOUT_MAX, ct->timeout);
		if (err)
			return err;
	} else if (wft_odp_word_is(c, n, "nat") &&
		   (after == '(' || after == ')' || after == '\0' ||
		    is_delim(after))) {
		twice = ct->has_nat;
		ct->has_nat = true;
		c->pos += n;
		err = parse_nat(c, &ct->nat, pos);
		if (err)
			return err;
	} else {
		goto unknown;
	}
#undef IS
	if (twice)
		return wft_odp_fail_token(c, pos, n, "ct", "option given twice:");
	return 0;
unknown:
	n = strcspn(c->s + pos, ",()= \t\r\n");
	return wft_odp_fail_token(c, pos, n ? n : 1, "ct", "unknown option");
}

static void put_ct(struct wft_attrbuf *acts, const struct ct *ct)
{
	size_t nest = wft_attr_nest_start(acts, WEFT_ACTION_A_CT);

	if (ct->commit)
		wft_attr_put_flag(acts, WEFT_CT_A_COMMIT);
	else if (ct->force)
		wft_attr_put_flag(acts, WEFT_CT_A_FORCE_COMMIT);
	if (ct->zone)
		wft_attr_put_u16(acts, WEFT_CT_A_ZONE, ct->zone);
	if (ct->has_mark && ct->mark.mask)
		wft_attr_put(acts, WEFT_CT_A_MARK, &ct->mark, sizeof(ct->mark));
	if (ct->has_label &&
	    !wft_odp_mask_is_zero(ct->label.mask, sizeof(ct->label.mask)))
		wft_attr_put(acts, WEFT_CT_A_LABELS, &ct->label,
			     sizeof(ct->label));
	/* Strings with their NUL, as nla_put_string sends them. */
	if (ct->helper[0])
		wft_attr_put(acts, WEFT_CT_A_HELPER, ct->helper,
			     strlen(ct->helper) + 1);
	if (ct->timeout[0])
		wft_attr_put(acts, WEFT_CT_A_TIMEOUT, ct->timeout,
			     strlen(ct->timeout) + 1);
	if (ct->has_nat)
		put_nat(acts, &ct->nat);
	wft_attr_nest_end(acts, nest);
}

/* "ct" or "ct(...)", the cursor just after "ct". */
int wft_odp_parse_ct(struct wft_odp_cur *c, struct wft_attrbuf *acts)
{
	size_t start = c->pos - 2;
	struct ct ct;
	int err;

	memset(&ct, 0, sizeof(ct));
	if (wft_odp_peek(c) == '(') {
		c->pos++;
		for (;;) {
			skip_delims(c);
			if (wft_odp_peek(c) == ')')
				break;
			if (!wft_odp_peek(c))
				return wft_odp_expect(c, ')', "ct");
			err = parse_option(c, &ct);
			if (err)
				return err;
			if (!is_delim(wft_odp_peek(c)) && wft_odp_peek(c) != ')')
				return wft_odp_expect(c, ')', "ct");
		}
		c->pos++;
	}
	if (ct.commit && ct.force)
		return wft_odp_fail(c, start,
				    "ct: commit and force_commit exclude each other");
	put_ct(acts, &ct);
	return 0;
}

/* ---- printing ---------------------------------------------------------- */

static bool split(const struct wft_odp_attr *nest, struct wft_odp_attr *tb,
		  unsigned int max)
{
	struct wft_odp_iter it;
	struct wft_odp_attr a;
	int r;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	wft_odp_iter_init(&it, nest->data, nest->len);
	while ((r = wft_odp_iter_next(&it, &a)) > 0) {
		if (!a.type || a.type > max || tb[a.type].data)
			return false;
		tb[a.type] = a;
	}
	return r == 0;
}

static bool is_flag(const struct wft_odp_attr *a)
{
	return !a->data || !a->len;
}

static bool get_u16(const struct wft_odp_attr *a, uint16_t *v)
{
	if (!a->data)
		return true;
	if (a->len != 2)
		return false;
	memcpy(v, a->data, 2);
	return true;
}

static void put_addr(struct wft_strbuf *out, const uint8_t *a, size_t len,
		     bool bracket)
{
	char buf[INET6_ADDRSTRLEN];

	if (len == 4) {
		wft_strbuf_printf(out, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	wft_strbuf_printf(out, bracket ? "[%s]" : "%s", buf);
}

static bool format_nat(struct wft_strbuf *out, const struct wft_odp_attr *a)
{
	struct wft_odp_attr tb[WEFT_NAT_A_MAX + 1];
	const struct wft_odp_attr *min, *max;
	uint16_t pmin = 0, pmax = 0;
	size_t len = 0;

	if (!split(a, tb, WEFT_NAT_A_MAX))
		return false;
	min = &tb[WEFT_NAT_A_IP_MIN];
	max = &tb[WEFT_NAT_A_IP_MAX];
	for (int i = WEFT_NAT_A_SRC; i <= WEFT_NAT_A_PROTO_RANDOM; i++) {
		bool flag = i == WEFT_NAT_A_SRC || i == WEFT_NAT_A_DST ||
			    i >= WEFT_NAT_A_PERSISTENT;

		if (flag && !is_flag(&tb[i]))
			return false;
	}
	if (!get_u16(&tb[WEFT_NAT_A_PROTO_MIN], &pmin) ||
	    !get_u16(&tb[WEFT_NAT_A_PROTO_MAX], &pmax))
		return false;
	if (min->data) {
		len = min->len;
		if ((len != 4 && len != 16) || (max->data && max->len != len))
			return false;
	}
	/* The combinations OVS's formatter calls errors. */
	if ((tb[WEFT_NAT_A_SRC].data && tb[WEFT_NAT_A_DST].data) ||
	    (!min->data && (max->data || tb[WEFT_NAT_A_PROTO_MIN].data)) ||
	    (!tb[WEFT_NAT_A_PROTO_MIN].data && tb[WEFT_NAT_A_PROTO_MAX].data) ||
	    (!tb[WEFT_NAT_A_SRC].data && !tb[WEFT_NAT_A_DST].data &&
	     (min->data || tb[WEFT_NAT_A_PERSISTENT].data ||
	      tb[WEFT_NAT_A_PROTO_HASH].data ||
	      tb[WEFT_NAT_A_PROTO_RANDOM].data)) ||
	    (max->data && memcmp(max->data, min->data, len) < 0) ||
	    (tb[WEFT_NAT_A_PROTO_MAX].data && pmax < pmin))
		return false;
	wft_strbuf_puts(out, "nat");
	if (!tb[WEFT_NAT_A_SRC].data && !tb[WEFT_NAT_A_DST].data)
		return true;
	wft_strbuf_puts(out, tb[WEFT_NAT_A_SRC].data ? "(src" : "(dst");
	if (len) {
		wft_strbuf_putc(out, '=');
		put_addr(out, min->data, len, pmin);
		if (max->data && memcmp(max->data, min->data, len)) {
			wft_strbuf_putc(out, '-');
			put_addr(out, max->data, len, pmin);
		}
		if (pmin) {
			wft_strbuf_printf(out, ":%u", pmin);
			if (pmax && pmax != pmin)
				wft_strbuf_printf(out, "-%u", pmax);
		}
	}
	if (tb[WEFT_NAT_A_PERSISTENT].data)
		wft_strbuf_puts(out, ",persistent");
	if (tb[WEFT_NAT_A_PROTO_HASH].data)
		wft_strbuf_puts(out, ",hash");
	if (tb[WEFT_NAT_A_PROTO_RANDOM].data)
		wft_strbuf_puts(out, ",random");
	wft_strbuf_putc(out, ')');
	return true;
}

/* A NUL-terminated name of 1..@max characters. */
static bool name_ok(const struct wft_odp_attr *a, size_t max)
{
	return !a->data || (a->len >= 2 && a->len <= max + 1 &&
			    !a->data[a->len - 1] &&
			    strlen((const char *)a->data) == a->len - 1);
}

/*
 * Prints WEFT_ACTION_A_CT @a as OVS does. Returns false, having printed
 * nothing, when it is malformed (the caller prints it raw).
 */
bool wft_odp_format_ct(struct wft_strbuf *out, const struct wft_odp_attr *a)
{
	struct wft_odp_attr tb[WEFT_CT_A_MAX + 1];
	const struct wft_odp_attr *mark, *label, *helper, *timeout;
	struct wft_strbuf nat = WFT_STRBUF_INIT;
	uint16_t zone = 0;
	bool first = true;

	if (!split(a, tb, WEFT_CT_A_MAX) ||
	    !is_flag(&tb[WEFT_CT_A_COMMIT]) ||
	    !is_flag(&tb[WEFT_CT_A_FORCE_COMMIT]) ||
	    !get_u16(&tb[WEFT_CT_A_ZONE], &zone))
		return false;
	mark = &tb[WEFT_CT_A_MARK];
	label = &tb[WEFT_CT_A_LABELS];
	helper = &tb[WEFT_CT_A_HELPER];
	timeout = &tb[WEFT_CT_A_TIMEOUT];
	if ((mark->data && mark->len != sizeof(struct weft_ct_mark)) ||
	    (label->data && label->len != sizeof(struct weft_ct_labels)) ||
	    !name_ok(helper, CT_HELPER_MAX) ||
	    !name_ok(timeout, CT_TIMEOUT_MAX))
		return false;
	if (tb[WEFT_CT_A_NAT].data) {
		if (!format_nat(&nat, &tb[WEFT_CT_A_NAT])) {
			wft_strbuf_free(&nat);
			return false;
		}
	}
#define SEP() (wft_strbuf_puts(out, first ? "(" : ","), first = false)
	wft_strbuf_puts(out, "ct");
	if (tb[WEFT_CT_A_COMMIT].data) {
		SEP();
		wft_strbuf_puts(out, "commit");
	}
	if (tb[WEFT_CT_A_FORCE_COMMIT].data) {
		SEP();
		wft_strbuf_puts(out, "force_commit");
	}
	if (zone) {
		SEP();
		wft_strbuf_printf(out, "zone=%u", zone);
	}
	if (mark->data) {
		struct weft_ct_mark m;

		memcpy(&m, mark->data, sizeof(m));
		SEP();
		wft_strbuf_printf(out, "mark=%#x/%#x", m.value, m.mask);
	}
	if (label->data) {
		struct weft_ct_labels l;

		memcpy(&l, label->data, sizeof(l));
		SEP();
		wft_strbuf_puts(out, "label=");
		wft_odp_format_u128(out, l.value);
		if (!wft_odp_mask_is_exact(WFT_VT_U128, l.mask)) {
			wft_strbuf_putc(out, '/');
			wft_odp_format_u128(out, l.mask);
		}
	}
	if (helper->data) {
		SEP();
		wft_strbuf_printf(out, "helper=%s", (const char *)helper->data);
	}
	if (timeout->data) {
		SEP();
		wft_strbuf_printf(out, "timeout=%s", (const char *)timeout->data);
	}
	if (nat.len) {
		SEP();
		wft_strbuf_puts(out, wft_strbuf_cstr(&nat));
	}
#undef SEP
	if (!first)
		wft_strbuf_putc(out, ')');
	wft_strbuf_free(&nat);
	return true;
}
