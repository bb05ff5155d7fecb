// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the ovs-vsctl grammar (include/weft/vsctl.h), run on an
 * in-memory configuration:
 *  - a table of command lines, each with the output or the error it must
 *    give; expected texts were captured from ovs-vsctl 3.1 against a
 *    scratch ovsdb-server (UUIDs aside: weft's are deterministic here);
 *  - transactions: a failing command leaves the configuration unchanged;
 *  - the JSON form of a command line survives the trip to weftd.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft/vsctl.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static unsigned int uuid_seq;

/* 00000000-0000-4000-8000-0000000000NN, NN counting from 1. */
static void seq_uuid(struct wft_uuid *u, void *aux)
{
	memset(u, 0, sizeof(*u));
	u->b[6] = 0x40;
	u->b[8] = 0x80;
	u->b[14] = ++uuid_seq >> 8;
	u->b[15] = uuid_seq;
}

/* Splits @line at spaces; '...' quotes (and is removed), as in a shell. */
static int split(const char *line, char **argv, int max)
{
	static char buf[4096];
	char *p = buf, *w = buf;
	bool q = false, in_word = false;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (;; p++) {
		char c = *p;	/* before *w, which may be *p, is written */

		if (c && (c == '\'' || q || c != ' ') && !in_word &&
		    argc < max) {
			argv[argc] = w;
			in_word = true;
		}
		if (c == '\'') {
			q = !q;
			continue;
		}
		if (!c || (c == ' ' && !q)) {
			if (in_word) {
				*w++ = '\0';
				argc++;
			}
			in_word = false;
			if (!c)
				break;
			continue;
		}
		*w++ = c;
	}
	return argc;
}

struct run {
	int ret;
	int exit_status;
	char out[8192];
	char err[1024];
};

/* Runs @line on @conf; on success @conf takes the result. */
static void run(struct wft_conf **conf, const char *line, struct run *r)
{
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_vsctl_options o;
	struct wft_vsctl_cmds cmds = { NULL, 0 };
	struct wft_vsctl_result res;
	struct wft_conf *copy;
	char *argv[64];
	int argc = split(line, argv, 64);
	size_t i;

	memset(r, 0, sizeof(*r));
	wft_vsctl_options_init(&o);
	r->ret = wft_vsctl_parse_argv(argc, argv, &o, &cmds, &err);
	if (!r->ret) {
		copy = wft_conf_clone(*conf);
		r->ret = wft_vsctl_run(copy, &cmds, &o.style, &res, &err);
		for (i = 0; i < res.n; i++)
			strncat(r->out, res.outputs[i],
				sizeof(r->out) - strlen(r->out) - 1);
		r->exit_status = res.exit_status;
		wft_vsctl_result_free(&res);
		if (r->ret) {
			wft_conf_free(copy);
		} else {
			wft_conf_free(*conf);
			*conf = copy;
		}
	}
	snprintf(r->err, sizeof(r->err), "%s", wft_strbuf_cstr(&err));
	wft_strbuf_free(&err);
	wft_vsctl_cmds_free(&cmds);
	wft_vsctl_options_uninit(&o);
}

static struct wft_conf *fresh(void)
{
	uuid_seq = 0;
	return wft_conf_new(seq_uuid, NULL);
}

#define SETUP_BASE							\
	"add-br br0 -- add-port br0 eth0 tag=10 -- set interface eth0 "	\
	"'external_ids:iface-id=\"vm 1\"' "				\
	"external_ids:attached-mac=00:11:22:33:44:55 -- set port eth0 "	\
	"trunks=1-3,7 -- set bridge br0 fail_mode=secure "		\
	"protocols=OpenFlow13"

static const struct vcase {
	const char *setup;
	const char *cmd;
	const char *out;	/* NULL: must fail with err */
	const char *err;
} cases[] = {
	/* Values, as ovs-vsctl prints them. */
	{ SETUP_BASE, "get interface eth0 external_ids",
	  "{attached-mac=\"00:11:22:33:44:55\", iface-id=\"vm 1\"}\n", NULL },
	{ SETUP_BASE, "get port eth0 trunks tag name",
	  "[1, 2, 3, 7]\n10\neth0\n", NULL },
	{ SETUP_BASE, "get bridge br0 protocols fail_mode datapath_type",
	  "[OpenFlow13]\nsecure\n\"\"\n", NULL },
	{ SETUP_BASE, "get interface eth0 external_ids:iface-id",
	  "\"vm 1\"\n", NULL },
	{ SETUP_BASE, "get Open_vSwitch . external_ids", "{}\n", NULL },
	/* SSL: set-ssl replaces the one row, del-ssl removes it. */
	{ "set-ssl /a /b /c -- set-ssl /k.pem /c.pem /ca.pem", "get-ssl",
	  "Private key: /k.pem\nCertificate: /c.pem\n"
	  "CA Certificate: /ca.pem\nBootstrap: false\n", NULL },
	{ "set-ssl /a /b /c -- set-ssl /k /c /ca",
	  "--columns=private_key,ca_cert list ssl -- get ssl . certificate",
	  "private_key         : \"/k\"\nca_cert             : \"/ca\"\n"
	  "\"/c\"\n", NULL },
	{ "set-ssl /k /c /ca -- del-ssl", "get-ssl -- list ssl -- "
	  "get open_vswitch . ssl", "[]\n", NULL },
	{ "", "del-ssl -- get-ssl", "", NULL },
	{ "", "set-ssl /k /c", NULL, "'set-ssl' command requires at least 3 "
	  "arguments" },
	{ SETUP_BASE, "get port eth0 vlan_mode", "[]\n", NULL },
	{ "add-br br0 -- set bridge br0 'external_ids:k1=\"a1\"' "
	  "'external_ids:k3=\"a.b\"' 'external_ids:k4=\"a/b\"' "
	  "'external_ids:k5=\"true\"' "
	  "'external_ids:k6=\"6d911118-5bad-47e9-9607-32114064ed43\"' "
	  "'external_ids:k7=\"\"' 'external_ids:k8=\"a\\nb\\tc\\\\d\"' "
	  "'external_ids:ka=\"-x\"' 'external_ids:kb=\"x-\"' "
	  "'external_ids:kd=\"12\"' 'external_ids:kf=\"a\\u0001b\"'",
	  "get bridge br0 external_ids",
	  "{k1=a1, k3=a.b, k4=\"a/b\", k5=\"true\", "
	  "k6=\"6d911118-5bad-47e9-9607-32114064ed43\", k7=\"\", "
	  "k8=\"a\\nb\\tc\\\\d\", ka=\"-x\", kb=x-, kd=\"12\", "
	  "kf=\"a\\u0001b\"}\n", NULL },
	{ "add-br br0", "set bridge br0 external_ids:k=a,b -- "
	  "get bridge br0 external_ids", "{k=\"a,b\"}\n", NULL },
	{ "add-br br0", "set bridge br0 'external_ids={a=b, c=\"x y\"}' -- "
	  "get bridge br0 external_ids", "{a=b, c=\"x y\"}\n", NULL },
	{ "add-br br0", "set bridge br0 external_ids:x=a=b -- "
	  "get bridge br0 external_ids:x", "\"a=b\"\n", NULL },
	{ "add-br br0", "set bridge br0 'external_ids:k= v' -- "
	  "get bridge br0 external_ids:k", "\" v\"\n", NULL },
	{ "add-br br0 -- add-port br0 p1", "set port p1 'trunks=[4,5]' -- "
	  "get port p1 trunks", "[4, 5]\n", NULL },
	{ "add-br br0 -- add-port br0 p1", "set port p1 'trunks=6 7' -- "
	  "get port p1 trunks", "[6, 7]\n", NULL },
	{ "add-br br0 -- add-port br0 p1", "set port p1 'tag=[3]' -- "
	  "get port p1 tag", "3\n", NULL },
	{ "add-br br0 -- add-port br0 p1", "set port p1 'tag=  7  ' -- "
	  "get port p1 tag", "7\n", NULL },
	{ "add-br br0 -- add-port br0 p1 trunks=1,2,3",
	  "add port p1 trunks 9 10 -- remove port p1 trunks 2 -- "
	  "get port p1 trunks", "[1, 3, 9, 10]\n", NULL },
	{ "add-br br0 -- set bridge br0 other_config:a=1 other_config:b=2",
	  "remove bridge br0 other_config a=1 b -- "
	  "get bridge br0 other_config", "{}\n", NULL },
	{ "add-br br0 -- set bridge br0 other_config:a=1",
	  "remove bridge br0 other_config a=2 -- "
	  "get bridge br0 other_config", "{a=\"1\"}\n", NULL },
	{ "add-br br0", "add bridge br0 external_ids k10=new -- "
	  "add bridge br0 external_ids k10=newer -- "
	  "get bridge br0 external_ids", "{k10=newer}\n", NULL },
	{ "add-br br0 -- set bridge br0 fail_mode=secure",
	  "remove bridge br0 fail_mode secure -- get bridge br0 fail_mode",
	  "[]\n", NULL },
	{ SETUP_BASE, "clear port eth0 trunks tag -- get port eth0 trunks tag",
	  "[]\n[]\n", NULL },
	{ SETUP_BASE, "--if-exists get interface eth0 external_ids:nokey",
	  "\n", NULL },
	{ SETUP_BASE, "--if-exists get interface nope name", "", NULL },
	{ SETUP_BASE, "get port eth0 interfaces",
	  "[00000000-0000-4000-8000-000000000005]\n", NULL },

	/* Bridges and ports. */
	{ "add-br br1 -- add-br br0", "list-br", "br0\nbr1\n", NULL },
	{ "add-br br0 -- add-port br0 vx1 -- add-port br0 eth0",
	  "list-ports br0", "eth0\nvx1\n", NULL },
	{ "add-br br0 -- add-br br0.5 br0 5 -- add-port br0.5 fp1 -- "
	  "add-port br0 eth0", "list-ports br0.5 -- list-ports br0 -- "
	  "br-to-vlan br0.5 -- br-to-parent br0.5 -- get port fp1 tag",
	  "fp1\neth0\n5\nbr0\n5\n", NULL },
	{ "add-br br0 -- add-br br0.5 br0 5", "--fake list-br",
	  "br0.5\n", NULL },
	{ "add-br br0 -- add-br br0.5 br0 5", "list-br --fake",
	  NULL, "'list-br' command takes at most 0 arguments (note that "
	  "options must precede command names and follow a \"--\" "
	  "argument)" },
	{ "add-br br0 -- add-port br0 eth0", "port-to-br eth0 -- "
	  "iface-to-br eth0 -- br-to-vlan br0 -- br-to-parent br0",
	  "br0\nbr0\n0\nbr0\n", NULL },
	{ "add-br br0 -- add-port br0 eth0", "list-ifaces br0", "eth0\n",
	  NULL },
	{ "add-br br0", "br-set-external-id br0 foo bar -- "
	  "br-get-external-id br0 foo -- br-get-external-id br0",
	  "bar\nfoo=bar\n", NULL },
	{ "add-br br0", "set-fail-mode br0 secure -- get-fail-mode br0 -- "
	  "del-fail-mode br0 -- get-fail-mode br0", "secure\n", NULL },
	{ "add-br br0", "--may-exist add-br br0 -- list-br", "br0\n", NULL },
	{ "add-br br0 -- add-port br0 eth0",
	  "--may-exist add-port br0 eth0", "", NULL },
	{ "add-br br0 -- add-port br0 eth0", "del-port eth0 -- list-ports br0",
	  "", NULL },
	{ "add-br br0 -- add-port br0 eth0", "--if-exists del-port nope",
	  "", NULL },
	{ "add-br br0 -- add-port br0 eth0", "--with-iface del-port eth0",
	  "", NULL },
	{ "add-br br0", "--if-exists del-br br9 -- del-br br0 -- list-br",
	  "", NULL },
	{ "add-br br0", "comment anything -- init", "", NULL },

	/* Table and column names match as in ovs-vsctl. */
	{ "add-br br0 -- set bridge br0 fail_mode=secure",
	  "set open . external_ids:system-id=n1 -- get OPEN_VSWITCH . "
	  "external_ids -- get br br0 name -- get bridge br0 fail -- "
	  "get bridge br0 FAIL_MODE", "{system-id=n1}\nbr0\nsecure\n"
	  "secure\n", NULL },
	{ "", "list i", NULL,
	  "\"i\" matches multiple table names: IPFIX, Interface" },
	{ "", "list q", NULL,
	  "\"q\" matches multiple table names: QoS, Queue" },
	{ "add-br br0", "get bridge br0 p", NULL, "Bridge contains more than "
	  "one column whose name matches \"p\": ports, protocols" },
	{ "", "list x", NULL, "unknown table \"x\"" },
	{ "", "list contr", NULL,
	  "table Controller is not supported by weft" },

	/* Errors, worded as ovs-vsctl words them. */
	{ "add-br br0", "add-br br0", NULL, "cannot create a bridge named br0 "
	  "because a bridge named br0 already exists" },
	{ "", "del-br br9", NULL, "no bridge named br9" },
	{ "", "add-port br9 p1", NULL, "no bridge named br9" },
	{ "add-br br0 -- add-br br1 -- add-port br0 eth0", "add-port br1 eth0",
	  NULL, "cannot create a port named eth0 because a port named eth0 "
	  "already exists on bridge br0" },
	{ "add-br br0 -- add-br br1 -- add-port br0 eth0",
	  "del-port br1 eth0", NULL, "bridge br1 does not have a port eth0" },
	{ "add-br br0", "del-port nope", NULL, "no port named nope" },
	{ "add-br br0", "del-port br0 br0", NULL, "cannot delete port br0 "
	  "because it is the local port for bridge br0 (deleting this port "
	  "requires deleting the entire bridge)" },
	{ "", "get bridge br9 name", NULL,
	  "no row \"br9\" in table Bridge" },
	{ "add-br br0", "get bridge br0 nosuch", NULL,
	  "Bridge does not contain a column whose name matches \"nosuch\"" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 tag=5000", NULL,
	  "constraint violation: 5000 is not in the valid range 0 to 4095 "
	  "(inclusive)" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 vlan_mode=foo",
	  NULL, "constraint violation: foo is not one of the allowed values "
	  "([access, native-tagged, native-untagged, trunk])" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 tag=abc", NULL,
	  "\"abc\" is not a valid integer or range" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 tag=0x10", NULL,
	  "\"0x10\" is not a valid integer or range" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 tag=3,4", NULL,
	  "3,4: 2 value(s) specified but the maximum number is 1" },
	{ "add-br br0", "set bridge br0 'datapath_type=a b'", NULL,
	  "a b: 2 value(s) specified but the maximum number is 1" },
	{ "add-br br0", "set bridge br0 datapath_type=[]", NULL,
	  "[]: 0 value(s) specified but the minimum number is 1" },
	{ "add-br br0", "set bridge br0 datapath_type={a=b}", NULL,
	  "{a=b}: unexpected \"{\" parsing string" },
	{ "add-br br0", "set bridge br0 'external_ids={a=b,a=c}'", NULL,
	  "{a=b,a=c}: map contains duplicate key" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 'trunks=[1,1,2]'",
	  NULL, "[1,1,2]: set contains duplicate value" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 trunks=5-2", NULL,
	  "\"5-2\" is not a valid range. Range end cannot be before start." },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 trunks=1-5000",
	  NULL, "constraint violation: 5000 is not in the valid range 0 to "
	  "4095 (inclusive)" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 trunks=1,,2", NULL,
	  "1,,2: unexpected \",\" parsing set of up to 4096 integers" },
	{ "add-br br0", "set bridge br0 protocols=OpenFlow99", NULL,
	  "constraint violation: OpenFlow99 is not one of the allowed values "
	  "([OpenFlow10, OpenFlow11, OpenFlow12, OpenFlow13, OpenFlow14, "
	  "OpenFlow15])" },
	{ "add-br br0", "set bridge br0 fail_mode=foo", NULL,
	  "constraint violation: foo is not one of the allowed values "
	  "([secure, standalone])" },
	{ "add-br br0", "set bridge br0 other_config={", NULL,
	  "{: missing \"}\" at end of data" },
	{ "add-br br0", "set bridge br0 'other_config:k=\"unterminated'", NULL,
	  "\"unterminated: missing quote at end of quoted string" },
	{ "add-br br0", "set bridge br0 'external_ids:\"k'", NULL,
	  "\"k: quoted string extends past end of argument" },
	{ "add-br br0", "set bridge br0 external_ids:x:y=z", NULL,
	  "external_ids:x:y=z: argument does not end in \"=\" followed by a "
	  "value." },
	{ "add-br br0", "set bridge br0 datapath_type=", NULL,
	  "datapath_type=: argument does not end in \"=\" followed by a "
	  "value." },
	{ "add-br br0", "set bridge br0 external_ids:=v", NULL,
	  "An empty string is not valid as input; use \"\" to represent the "
	  "empty string" },
	{ "add-br br0", "set bridge br0 name=x", NULL,
	  "cannot modify read-only column name in table Bridge" },
	{ "add-br br0 -- add-port br0 eth0", "clear port eth0 name", NULL,
	  "cannot modify read-only column name in table Port" },
	{ "add-br br0 -- add-port br0 eth0", "set interface eth0 ofport=5",
	  NULL, "cannot modify read-only column ofport in table Interface" },
	{ "add-br br0 -- add-port br0 eth0", "get port eth0 tag:x", NULL,
	  "cannot specify key to get for non-map column tag" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 tag:x=3", NULL,
	  "cannot specify key to set for non-map column tag" },
	{ "add-br br0 -- add-port br0 eth0 -- set port eth0 tag=3",
	  "add port eth0 tag 5", NULL, "\"add\" operation would put 2 values "
	  "in column tag of table Port but the maximum number is 1" },
	{ "add-br br0", "clear bridge br0 datapath_type", NULL,
	  "\"clear\" operation cannot be applied to column datapath_type of "
	  "table Bridge, which is not allowed to be empty" },
	{ "add-br br0 -- add-port br0 vx1 -- set interface vx1 type=vxlan "
	  "options:remote_ip=10.0.0.2", "get interface vx1 options:nokey",
	  NULL, "no key \"nokey\" in Interface record \"vx1\" column options" },
	{ "", "get nosuchtable x y", NULL, "unknown table \"nosuchtable\"" },
	{ "", "list Controller", NULL,
	  "table Controller is not supported by weft" },
	{ "", "list port nope", NULL, "no row \"nope\" in table Port" },
	{ "", "frob", NULL, "unknown command 'frob'; use --help for help" },
	{ "", "add-br", NULL,
	  "'add-br' command requires at least 1 arguments" },
	{ "", "add-br a b c d", NULL,
	  "'add-br' command takes at most 3 arguments" },
	{ "", "--if-exists add-br zz", NULL,
	  "'add-br' command has no '--if-exists' option" },
	{ "", "--may-exist", NULL,
	  "missing command name (use --help for help)" },
	{ "", "--", NULL, "missing command name (use --help for help)" },
	{ "", "--timeout=abc list-br", NULL,
	  "value abc on -t or --timeout is invalid" },
	{ "", "--format=xml list port", NULL,
	  "unknown output format \"xml\"" },
	{ "", "--data=foo list port", NULL, "unknown data format \"foo\"" },
	{ "", "add-bond br0 bond0 a b", NULL, "'add-bond' command is not "
	  "supported by weft (one interface per port)" },
	{ "add-br br0", "add-br br2 br9 5", NULL,
	  "parent bridge br9 does not exist" },
	{ "add-br br0", "add-br br2 br0 5000", NULL,
	  "add-br: vlan must be between 0 and 4095" },
	{ "add-br br0 -- add-br br0.5 br0 5", "--may-exist add-br br0.5 br0 6",
	  NULL, "\"--may-exist add-br br0.5 br0 6\" but br0.5 is a VLAN "
	  "bridge for the wrong VLAN 5" },
	{ "add-br br0 -- add-br br0.5 br0 5", "--may-exist add-br br0.5", NULL,
	  "\"--may-exist add-br br0.5\" but br0.5 is a VLAN bridge for "
	  "VLAN 5" },
	{ "add-br br0 -- add-br br1", "--may-exist add-br br0 br1 3", NULL,
	  "\"--may-exist add-br br0 br1 3\" but br0 is not a VLAN bridge" },
	{ "add-br br0 -- add-br br1 -- add-port br0 eth0",
	  "--may-exist add-port br1 eth0", NULL, "\"--may-exist add-port br1 "
	  "eth0\" but eth0 is actually attached to bridge br0" },
	{ "add-br br0 -- add-br br1", "add-port br0 br1", NULL,
	  "cannot create a port named br1 because a bridge named br1 already "
	  "exists" },
	{ "add-br br0", "add-port br0 p10 tag=abc", NULL,
	  "\"abc\" is not a valid integer or range" },
	{ "add-br br0", "add-port br0 p11 nosuch=1", NULL,
	  "Port does not contain a column whose name matches \"nosuch\"" },
	{ "add-br br0", "add-port br0 ''", NULL,
	  "port name must not be empty string" },
	{ "add-br br5 -- add-br br5.1 br5 1 -- add-port br5.1 p6",
	  "del-port br5 p6", NULL, "bridge br5 does not have a port p6 "
	  "(although its child bridge br5.1 does)" },
	{ "add-br br5 -- add-br br5.1 br5 1 -- add-port br5 p5",
	  "del-port br5.1 p5", NULL, "bridge br5.1 does not have a port p5" },
	{ "add-br br5 -- add-br br5.1 br5 1", "set-fail-mode br5.1 secure",
	  NULL, "br5.1 is a fake bridge" },
	{ "add-br br5 -- add-br br5.1 br5 1 -- set-fail-mode br5 secure",
	  "get-fail-mode br5.1", "secure\n", NULL },
	{ "add-br br5", "iface-to-br br5", NULL, "no interface named br5" },
	{ "add-br br5", "port-to-br br5", NULL, "no port named br5" },
	{ "add-br br0", "set-fail-mode br0 bogus", NULL,
	  "fail-mode must be \"standalone\" or \"secure\"" },

	/* weft's own limits, said plainly. */
	{ "", "add-br 'a b'", NULL, "Bridge \"a b\": not a valid network "
	  "device name (1 to 15 bytes, no '/', ':' or whitespace): weft names "
	  "the bridge's datapath after it" },
	{ "", "add-br abcdefghijklmnop", NULL, "Bridge \"abcdefghijklmnop\": "
	  "not a valid network device name (1 to 15 bytes, no '/', ':' or "
	  "whitespace): weft names the bridge's datapath after it" },
	{ "add-br br0", "set bridge br0 datapath_type=netdev", NULL,
	  "Bridge br0: datapath_type \"netdev\" is not supported by weft (only "
	  "\"system\", the kernel datapath)" },
	{ "add-br br0 -- add-port br0 g0", "set interface g0 type=gre", NULL,
	  "Interface g0: type \"gre\" is not supported by weft (supported: "
	  "system, internal, geneve, vxlan, patch)" },
	{ "add-br br0 -- add-port br0 g0", "set interface g0 type=geneve",
	  NULL, "Interface g0: type geneve needs options:remote_ip" },
	{ "add-br br0 -- add-port br0 g0", "set interface g0 type=geneve "
	  "options:remote_ip=10.0.0.300", NULL, "Interface g0: "
	  "options:remote_ip=\"10.0.0.300\" is not valid (want an IPv4 or "
	  "IPv6 address, or \"flow\")" },
	{ "add-br br0 -- add-port br0 g0", "set interface g0 options:peer=x",
	  NULL, "Interface g0: option \"peer\" is not supported for type "
	  "system" },
	/* Tunnel options (issue 5), each error naming the option. */
#define GNV "add-br br0 -- add-port br0 g0 -- set interface g0 type=geneve "
	{ "", GNV "options:remote_ip=flow options:key=flow options:csum=true "
	  "options:df_default=false options:tos=inherit options:ttl=64 "
	  "options:dst_port=6082 options:local_ip=192.0.2.1 -- "
	  "get interface g0 options:dst_port", "\"6082\"\n", NULL },
	{ "", GNV "options:remote_ip=192.0.2.2 options:key=16777216", NULL,
	  "Interface g0: options:key=\"16777216\" is not valid (want a 24-bit "
	  "VNI or \"flow\")" },
	{ "", GNV "options:remote_ip=192.0.2.2 options:key=abc", NULL,
	  "Interface g0: options:key=\"abc\" is not valid (want a 24-bit VNI "
	  "or \"flow\")" },
	{ "", GNV "options:remote_ip=192.0.2.2 options:dst_port=0", NULL,
	  "Interface g0: options:dst_port=\"0\" is not valid (want a UDP "
	  "port, 1 to 65535)" },
	{ "", GNV "options:remote_ip=192.0.2.2 options:csum=yes", NULL,
	  "Interface g0: options:csum=\"yes\" is not valid (want true or "
	  "false)" },
	{ "", GNV "options:remote_ip=192.0.2.2 options:df_default=1", NULL,
	  "Interface g0: options:df_default=\"1\" is not valid (want true or "
	  "false)" },
	{ "", GNV "options:remote_ip=192.0.2.2 options:tos=256", NULL,
	  "Interface g0: options:tos=\"256\" is not valid (want 0 to 255 or "
	  "\"inherit\")" },
	{ "", GNV "options:remote_ip=192.0.2.2 options:ttl=0", NULL,
	  "Interface g0: options:ttl=\"0\" is not valid (want 1 to 255 or "
	  "\"inherit\")" },
	{ "", GNV "options:remote_ip=192.0.2.2 options:local_ip=x", NULL,
	  "Interface g0: options:local_ip=\"x\" is not valid (want an IPv4 "
	  "or IPv6 address, or \"flow\")" },
	{ "", GNV "options:remote_ip=192.0.2.2 options:bogus=1", NULL,
	  "Interface g0: option \"bogus\" is not supported for type geneve" },
	{ "", GNV "options:remote_ip=2001:db8::2 options:local_ip=192.0.2.1",
	  NULL, "Interface g0: options:local_ip=\"192.0.2.1\" and "
	  "options:remote_ip=\"2001:db8::2\" are not of one address family" },
	{ GNV "options:remote_ip=192.0.2.2 options:key=5",
	  "add-port br0 g1 -- set interface g1 type=geneve "
	  "options:remote_ip=192.0.2.2 options:key=5", NULL,
	  "Interfaces g0 and g1 are the same geneve tunnel (options:remote_ip, "
	  "key, local_ip and dst_port all equal): received packets could not "
	  "tell them apart" },
	{ GNV "options:remote_ip=192.0.2.2 options:key=5",
	  "add-port br0 v1 -- set interface v1 type=vxlan "
	  "options:remote_ip=192.0.2.3 options:dst_port=6081", NULL,
	  "Interfaces g0 (geneve) and v1 (vxlan) cannot both use UDP port "
	  "6081 (options:dst_port)" },
	{ GNV "options:remote_ip=192.0.2.2 options:key=5",
	  "add-port br0 g1 -- set interface g1 type=geneve "
	  "options:remote_ip=192.0.2.3 options:key=5 -- add-port br0 v1 -- "
	  "set interface v1 type=vxlan options:remote_ip=192.0.2.3", "", NULL },
#undef GNV
	{ "add-br br0 -- add-port br0 a -- add-port br0 b",
	  "set interface a ofport_request=5 -- "
	  "set interface b ofport_request=5", NULL, "Interfaces a and b of "
	  "bridge br0 both request ofport 5" },
	{ "add-br br0 -- add-port br0 eth0", "set port eth0 vlan_mode="
	  "dot1q-tunnel", NULL, "constraint violation: dot1q-tunnel is not "
	  "one of the allowed values ([access, native-tagged, "
	  "native-untagged, trunk])" },
};

START_TEST(test_case)
{
	const struct vcase *c = &cases[_i];
	struct wft_conf *conf = fresh();
	struct run r;

	if (*c->setup) {
		run(&conf, c->setup, &r);
		ck_assert_msg(r.ret == 0, "setup %s: %s", c->setup, r.err);
	}
	run(&conf, c->cmd, &r);
	if (c->out) {
		ck_assert_msg(r.ret == 0, "%s: %s", c->cmd, r.err);
		ck_assert_str_eq(r.out, c->out);
	} else {
		ck_assert_msg(r.ret != 0, "%s: succeeded", c->cmd);
		ck_assert_str_eq(r.err, c->err);
	}
	wft_conf_free(conf);
}
END_TEST

/* Output formats of whole records and of show. */

static const char show_expected[] =
	"00000000-0000-4000-8000-000000000001\n"
	"    Bridge br0\n"
	"        fail_mode: secure\n"
	"        Port br0\n"
	"            Interface br0\n"
	"                type: internal\n"
	"        Port eth0\n"
	"            tag: 10\n"
	"            trunks: [1, 2, 3, 7]\n"
	"            Interface eth0\n";

static const struct {
	const char *cmd;
	const char *out;
} formats[] = {
	{ "show", show_expected },
	{ "--columns=name,tag,trunks,vlan_mode,external_ids list port eth0",
	  "name                : eth0\n"
	  "tag                 : 10\n"
	  "trunks              : [1, 2, 3, 7]\n"
	  "vlan_mode           : []\n"
	  "external_ids        : {}\n" },
	{ "--format=table --columns=name,tag,trunks list port eth0",
	  "name tag trunks\n"
	  "---- --- ------------\n"
	  "eth0 10  [1, 2, 3, 7]\n" },
	{ "--format=csv --columns=name,tag,trunks list port eth0",
	  "name,tag,trunks\n"
	  "eth0,10,\"[1, 2, 3, 7]\"\n" },
	{ "--format=json --columns=name,tag,trunks,external_ids list port eth0",
	  "{\"data\":[[\"eth0\",10,[\"set\",[1,2,3,7]],[\"map\",[]]]],"
	  "\"headings\":[\"name\",\"tag\",\"trunks\",\"external_ids\"]}\n" },
	{ "--bare --columns=name,trunks list port eth0", "eth0\n1 2 3 7\n" },
	{ "--columns=name,external_ids find interface "
	  "'external_ids:iface-id=\"vm 1\"'",
	  "name                : eth0\n"
	  "external_ids        : {attached-mac=\"00:11:22:33:44:55\", "
	  "iface-id=\"vm 1\"}\n" },
	{ "--columns=name find port tag=10", "name                : eth0\n" },
	{ "--columns=name find port tag!=10", "name                : br0\n" },
	{ "--columns=name --format=table find port", "name\n----\nbr0\n"
	  "eth0\n" },
	{ "list bridge br0",
	  "_uuid               : 00000000-0000-4000-8000-000000000002\n"
	  "datapath_type       : \"\"\n"
	  "external_ids        : {}\n"
	  "fail_mode           : secure\n"
	  "name                : br0\n"
	  "other_config        : {}\n"
	  "ports               : [00000000-0000-4000-8000-000000000004, "
	  "00000000-0000-4000-8000-000000000006]\n"
	  "protocols           : [OpenFlow13]\n"
	  "status              : {}\n" },
	{ "list open_vswitch .",
	  "_uuid               : 00000000-0000-4000-8000-000000000001\n"
	  "bridges             : [00000000-0000-4000-8000-000000000002]\n"
	  "external_ids        : {}\n"
	  "iface_types         : []\n"
	  "other_config        : {}\n"
	  "ssl                 : []\n" },
};

START_TEST(test_format)
{
	struct wft_conf *conf = fresh();
	struct run r;

	run(&conf, SETUP_BASE, &r);
	ck_assert_msg(r.ret == 0, "%s", r.err);
	run(&conf, formats[_i].cmd, &r);
	ck_assert_msg(r.ret == 0, "%s: %s", formats[_i].cmd, r.err);
	ck_assert_str_eq(r.out, formats[_i].out);
	wft_conf_free(conf);
}
END_TEST

/* Transactions. */

START_TEST(test_atomic)
{
	struct wft_conf *conf = fresh(), *before;
	struct run r;

	run(&conf, "add-br br0 -- add-port br0 eth0", &r);
	ck_assert_int_eq(r.ret, 0);
	before = wft_conf_clone(conf);
	/* The last command fails: nothing of the first two remains. */
	run(&conf, "add-br br1 -- set port eth0 tag=7 -- del-br br9", &r);
	ck_assert_int_ne(r.ret, 0);
	ck_assert_str_eq(r.err, "no bridge named br9");
	ck_assert(wft_conf_equal(conf, before));
	/* Validation failures after every command ran, too. */
	run(&conf, "add-br br1 -- set bridge br1 datapath_type=netdev", &r);
	ck_assert_int_ne(r.ret, 0);
	ck_assert(wft_conf_equal(conf, before));
	run(&conf, "add-br br1 -- set port eth0 tag=7", &r);
	ck_assert_int_eq(r.ret, 0);
	ck_assert(!wft_conf_equal(conf, before));
	wft_conf_free(before);
	wft_conf_free(conf);
}
END_TEST

START_TEST(test_br_exists)
{
	struct wft_conf *conf = fresh();
	struct run r;

	run(&conf, "add-br br0 -- br-exists br0", &r);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_int_eq(r.exit_status, 0);
	run(&conf, "add-br br1 -- br-exists br9", &r);
	ck_assert_int_eq(r.ret, -ECANCELED);
	ck_assert_int_eq(r.exit_status, 2);
	ck_assert_str_eq(r.err, "");
	run(&conf, "list-br", &r);
	ck_assert_str_eq(r.out, "br0\n");
	wft_conf_free(conf);
}
END_TEST

/* Deleting a bridge takes its ports and interfaces with it. */
START_TEST(test_del_br_gc)
{
	struct wft_conf *conf = fresh();
	struct run r;

	run(&conf, "add-br br0 -- add-port br0 a -- add-br br0.7 br0 7 -- "
		   "add-port br0.7 b -- add-br br1 -- add-port br1 c", &r);
	ck_assert_msg(r.ret == 0, "%s", r.err);
	ck_assert_uint_eq(conf->n_rows[WFT_TBL_PORT], 6);
	run(&conf, "del-br br0.7", &r);
	ck_assert_msg(r.ret == 0, "%s", r.err);
	ck_assert_uint_eq(conf->n_rows[WFT_TBL_PORT], 4);
	run(&conf, "del-br br0", &r);
	ck_assert_msg(r.ret == 0, "%s", r.err);
	ck_assert_uint_eq(conf->n_rows[WFT_TBL_BRIDGE], 1);
	ck_assert_uint_eq(conf->n_rows[WFT_TBL_PORT], 2);
	ck_assert_uint_eq(conf->n_rows[WFT_TBL_INTERFACE], 2);
	wft_conf_free(conf);
}
END_TEST

/* Global options and the JSON params. */

START_TEST(test_params_roundtrip)
{
	char *argv[] = { "--format=table", "--columns=name", "--",
			 "--may-exist", "add-br", "br0", "--", "list-br",
			 "--", "--columns=tag", "list", "port" };
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_vsctl_options o, o2;
	struct wft_vsctl_cmds cmds = { NULL, 0 }, cmds2 = { NULL, 0 };
	json_t *params;

	wft_vsctl_options_init(&o);
	wft_vsctl_options_init(&o2);
	ck_assert_int_eq(wft_vsctl_parse_argv(N(argv), argv, &o, &cmds, &err),
			 0);
	ck_assert_uint_eq(cmds.n, 3);
	ck_assert_uint_eq(cmds.cmds[0].opts, WFT_VSCTL_MAY_EXIST);
	ck_assert_str_eq(cmds.cmds[2].columns, "tag");
	params = wft_vsctl_params_new(&o, &cmds);
	ck_assert_int_eq(wft_vsctl_params_parse(params, &o2, &cmds2, &err), 0);
	ck_assert_uint_eq(cmds2.n, 3);
	ck_assert_int_eq(o2.style.format, WFT_VSCTL_FMT_TABLE);
	ck_assert_str_eq(o2.style.columns, "name");
	ck_assert_str_eq(cmds2.cmds[1].raw[0], "list-br");
	ck_assert_int_eq(cmds2.cmds[0].argc, 1);
	ck_assert_str_eq(cmds2.cmds[0].argv[0], "br0");
	json_decref(params);
	wft_vsctl_cmds_free(&cmds);
	wft_vsctl_cmds_free(&cmds2);
	wft_vsctl_options_uninit(&o);
	wft_vsctl_options_uninit(&o2);
	wft_strbuf_free(&err);
}
END_TEST

START_TEST(test_params_bad)
{
	static const char *const bad[] = {
		"{}", "{\"commands\":3}", "{\"commands\":[[1]]}",
		"{\"commands\":[[\"--\"]]}", "{\"commands\":[],\"x\":1}",
		"{\"commands\":[[\"frob\"]]}",
		"{\"commands\":[[\"list-br\"]],\"style\":{\"format\":\"x\"}}",
	};
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_vsctl_options o;
	struct wft_vsctl_cmds cmds = { NULL, 0 };
	json_t *p;
	int i;

	for (i = 0; i < N(bad); i++) {
		wft_vsctl_options_init(&o);
		p = json_loads(bad[i], 0, NULL);
		ck_assert(p);
		ck_assert_msg(wft_vsctl_params_parse(p, &o, &cmds, &err) ==
			      -EINVAL, "%s", bad[i]);
		json_decref(p);
		wft_vsctl_cmds_free(&cmds);
		wft_vsctl_options_uninit(&o);
		wft_strbuf_reset(&err);
	}
	wft_strbuf_free(&err);
}
END_TEST

START_TEST(test_global_options)
{
	char *argv[] = { "--db=unix:/x", "--no-wait", "-t", "5", "--oneline",
			 "--dry-run", "--target=/tmp/s", "list-br" };
	struct wft_strbuf err = WFT_STRBUF_INIT;
	struct wft_vsctl_options o;
	struct wft_vsctl_cmds cmds = { NULL, 0 };

	wft_vsctl_options_init(&o);
	ck_assert_int_eq(wft_vsctl_parse_argv(N(argv), argv, &o, &cmds, &err),
			 0);
	ck_assert(o.db_given && o.oneline && o.dry_run);
	ck_assert_int_eq(o.timeout, 5);
	ck_assert_str_eq(o.target, "/tmp/s");
	wft_vsctl_cmds_free(&cmds);
	wft_vsctl_options_uninit(&o);
	wft_strbuf_free(&err);
}
END_TEST

static Suite *vsctl_suite(void)
{
	Suite *s = suite_create("vsctl");
	TCase *tc;

	tc = tcase_create("commands");
	tcase_add_loop_test(tc, test_case, 0, N(cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("formats");
	tcase_add_loop_test(tc, test_format, 0, N(formats));
	suite_add_tcase(s, tc);

	tc = tcase_create("transactions");
	tcase_add_test(tc, test_atomic);
	tcase_add_test(tc, test_br_exists);
	tcase_add_test(tc, test_del_br_gc);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_test(tc, test_params_roundtrip);
	tcase_add_test(tc, test_params_bad);
	tcase_add_test(tc, test_global_options);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(vsctl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
