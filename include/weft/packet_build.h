/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packets weftd writes itself, as an OVN chassis must (ovn_pinctrl.h):
 * an ARP request or an IPv6 neighbour solicitation for the destination of
 * a packet that has no next-hop MAC yet, a neighbour advertisement
 * answering a solicitation, ICMPv4/ICMPv6 errors quoting the packet that
 * caused them, a TCP RST and an SCTP ABORT. Each builder takes the packet that
 * triggered it, parsed by wft_pkt_parse(), and writes a complete frame
 * (checksums included) into @out, which holds WFT_PKT_MAX bytes; it
 * returns the frame's length, or -EINVAL when the trigger is not the
 * kind of packet the builder answers. The layouts follow what
 * ovn-controller 23.03 sends, so that a weft chassis and an OVN one put
 * the same bytes on the wire (tests/unit/check_packet_build.c compares
 * them with scapy's).
 *
 * Also here: the packet parser that turns any frame into the struct
 * wft_flow the pipeline runs on (weftd translates the packets it builds
 * in userspace; the datapath's own key never exists for them).
 */
#ifndef WEFT_PACKET_BUILD_H
#define WEFT_PACKET_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "weft/flow.h"

#define WFT_PKT_MAX	1600

/* Where the headers of a parsed frame are (offsets into it; -1: none). */
struct wft_pkt {
	const uint8_t *data;
	size_t len;
	int l3;				/* after Ethernet and VLAN tags */
	int l4;				/* after the IP header (and IPv6
					 * extension headers), first fragment */
	size_t l3_len;			/* the IP packet as its header says,
					 * clipped to what was received */
	struct wft_flow flow;		/* every header field; metadata 0 */
};

/* Parses @len bytes of Ethernet frame. Never fails: what it cannot read
 * is left zero in the flow (and -1 in the offsets). */
void wft_pkt_parse(const uint8_t *data, size_t len, struct wft_pkt *pkt);

/* The Internet checksum of @len bytes, continued from @sum (0 to start). */
uint32_t wft_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t wft_csum_fold(uint32_t sum);

/* An ARP request for the trigger's IPv4 destination: Ethernet addresses as
 * the trigger's, sha = its eth.src, spa = ip4.src, tha = 0, tpa =
 * ip4.dst; its VLAN tag kept. (OVN's arp { } then sets what it needs.) */
int wft_pkt_arp_request(const struct wft_pkt *in, uint8_t *out);

/* A neighbour solicitation for the trigger's ip6.dst, from the
 * link-local address of its eth.src, to the solicited-node group. */
int wft_pkt_nd_ns(const struct wft_pkt *in, uint8_t *out);

/* The advertisement answering solicitation @in: from its target to its
 * source, flags solicited and override (and router when @router), the
 * target link-layer option carrying @in's eth.dst. */
int wft_pkt_nd_na(const struct wft_pkt *in, bool router, uint8_t *out);

/*
 * An ICMPv4 or ICMPv6 error about @in (by its ethertype): addresses as
 * the trigger's (swapped when @swap: reject), TTL/hop limit 255,
 * destination unreachable; quoting @in's IP packet up to 576 (ICMPv4)
 * or 1280 (ICMPv6) bytes of frame. @type and @code override the default
 * type 3/1 (ICMPv6: 1/1) when >= 0; @port_code: code 3 (ICMPv6: 4),
 * port unreachable, when the trigger is UDP (icmp4 { } and reject do
 * that, icmp4_error { } does not); @mtu >= 0 goes into the next-hop MTU
 * (ICMPv4 bytes 6-7, ICMPv6 bytes 4-7), as icmp4.frag_mtu sets it.
 */
struct wft_pkt_icmp_opts {
	int type;
	int code;
	bool port_code;
	long mtu;
	bool swap;
};
int wft_pkt_icmp_error(const struct wft_pkt *in,
		       const struct wft_pkt_icmp_opts *o, uint8_t *out);

/* A TCP RST|ACK for TCP segment @in: ports swapped, seq 0, ack = its
 * seq + 1, TTL 63; addresses swapped when @swap. */
int wft_pkt_tcp_reset(const struct wft_pkt *in, bool swap, uint8_t *out);

/*
 * The Ethernet and IPv4/IPv6 headers of a reply to @in (by its
 * ethertype), as the TCP RST's: addresses as @in's (swapped when @swap),
 * its VLAN tag, protocol @proto, TTL @ttl, followed by @l4_len zero bytes
 * for the caller to fill. Returns the frame's length, or -EINVAL when
 * @in is not IP.
 */
int wft_pkt_l3_reply(const struct wft_pkt *in, bool swap, uint8_t proto,
		     uint8_t ttl, size_t l4_len, uint8_t *out);

/*
 * An SCTP ABORT for SCTP packet @in (packet_build_sctp.c), as
 * ovn-controller 23.03 sends it: the IP headers of a TCP RST (addresses
 * swapped when @swap), ports swapped, one ABORT chunk (4 bytes, no
 * cause); verification tag per RFC 4960 8.4: @in's initiate tag with the
 * T bit clear when @in is an INIT with tag 0, else @in's own tag with
 * the T bit set; CRC32c checksum. -EINVAL for anything else: not SCTP,
 * no chunk, an INIT cut short, or an ABORT (no abort answers an abort).
 */
int wft_pkt_sctp_abort(const struct wft_pkt *in, bool swap, uint8_t *out);
/* Whether @in is an SCTP packet whose first chunk is an ABORT. */
bool wft_pkt_sctp_is_abort(const struct wft_pkt *in);
/* CRC32c of @len bytes as SCTP computes it (RFC 4960 appendix B); it
 * goes on the wire least significant byte first. */
uint32_t wft_crc32c(const void *data, size_t len);

/*
 * OVN's native DHCPv4 server (put_dhcp_opts): the reply to DHCP request
 * @in (packet_build_dhcp.c), as ovn-controller 23.03 frames it: the
 * request's Ethernet and IP headers kept (the logical flows after the
 * action rewrite them), op BOOTREPLY, yiaddr @offer (network order),
 * options: message type (OFFER for DISCOVER, ACK for REQUEST or INFORM,
 * NAK for a REQUEST of another address), then @opts (code, length,
 * value; for INFORM without netmask, lease time, T1, T2), 4 bytes of
 * padding, END; siaddr from OVN's next_server option (253), one boot
 * file of bootfile_name (67) and bootfile_name_alt (254): the second
 * for an iPXE client (option 175), as option 67; IP destination
 * @offer, or broadcast when the request set the broadcast flag; UDP checksum 0. Returns the length, or
 * -EINVAL for anything that is not a DHCP request it answers (RELEASE
 * and DECLINE included: OVN answers neither).
 */
int wft_pkt_dhcp4_reply(const struct wft_pkt *in, uint32_t offer,
			const uint8_t *opts, size_t opts_len, uint8_t *out);

/*
 * OVN's native DHCPv6 server (put_dhcpv6_opts): the answer to DHCPv6
 * message @in (packet_build_dhcp6.c), as ovn-controller 23.03 frames it:
 * the request's Ethernet, IPv6 and UDP headers kept (the logical flows
 * after the action rewrite them), ADVERTISE for SOLICIT, REPLY for
 * REQUEST, CONFIRM, DECLINE and INFORMATION-REQUEST, the request's
 * transaction id, its client id option, then @opts (put_dhcpv6_opts's
 * encoding: code, length, value each) made the reply's: server_id as a
 * DUID-LL, ia_addr inside an IA_NA with the request's IAID (left out
 * for an information request), T1, T2 and both lifetimes infinite,
 * dns_server as is, domain_search as OVN writes it; UDP length,
 * payload length and UDP checksum set. Returns the length, or -EINVAL
 * for anything it does not answer: no client id, no IA_NA (but in an
 * information request), other message types (RENEW and REBIND
 * included, as OVN), IPv6 extension headers, an option it cannot write.
 */
int wft_pkt_dhcp6_reply(const struct wft_pkt *in, const uint8_t *opts,
			size_t opts_len, uint8_t *out);

/* What handle_dhcpv6_reply reads in a server's ADVERTISE or REPLY: the
 * delegated prefix (IA_PD, RFC 8415 21.21-22) and the server's DUID. */
struct wft_pkt_dhcp6_pd {
	uint8_t msg_type;
	uint32_t iaid, t1, t2;
	uint32_t preferred, valid;
	uint8_t prefix[16];
	uint8_t plen;
	uint16_t status;		/* a non-success status code */
	uint8_t server_id[32];
	size_t server_id_len;
};

/* Reads @in into @pd: 0 when it delegates a prefix, -ENOENT when it
 * does not (no IA_PD, a failure status), -EINVAL when it is no DHCPv6
 * ADVERTISE or REPLY or is malformed. */
int wft_pkt_dhcp6_pd_reply(const struct wft_pkt *in,
			   struct wft_pkt_dhcp6_pd *pd);

/*
 * put_nd_ra_opts: the router advertisement answering router solicitation
 * @in, as ovn-controller 23.03 frames it: the solicitation's Ethernet
 * and IPv6 headers kept (the logical flows after the action rewrite
 * them), the payload replaced by @ra (the RA message and its options,
 * made by the lflow compiler), payload length and ICMPv6 checksum set.
 * Returns the length, or -EINVAL when @in is no solicitation.
 */
int wft_pkt_nd_ra_reply(const struct wft_pkt *in, const uint8_t *ra,
			size_t ra_len, uint8_t *out);

/*
 * dns_lookup (packet_build_dns.c): the first question of a DNS query,
 * read as ovn-controller 23.03 reads it: UDP over IPv4 or IPv6, the
 * header's QR bit clear and QDCOUNT not 0, the name as plain labels.
 * Stricter than OVN where OVN would read garbage: a compression pointer
 * or a label over 63 bytes, a name over 255 bytes, a NUL or a dot inside
 * a label, a question cut short refuse the query (no pointer is ever
 * followed, so no loop is possible).
 */
#define WFT_DNS_NAME_MAX	255

enum {
	WFT_DNS_A = 1,
	WFT_DNS_PTR = 12,
	WFT_DNS_AAAA = 28,
	WFT_DNS_ANY = 255,
};

struct wft_pkt_dns_query {
	char name[WFT_DNS_NAME_MAX + 1];	/* dotted, no final dot */
	uint16_t qtype;				/* A, AAAA, PTR or ANY */
	size_t qname_len;	/* the encoded name, its zero included */
	size_t qlen;		/* DNS header + the first question */
};

/* Returns 0 with @q filled, or -EINVAL when @in is no query OVN answers
 * (another query type included). */
int wft_pkt_dns_query_parse(const struct wft_pkt *in,
			    struct wft_pkt_dns_query *q);

/*
 * The answer to @q (parsed from @in) from a DNS record's value @data: for
 * A, AAAA and ANY, addresses separated by spaces, one answer RR for each
 * address of the type asked (ANY: IPv4 first, then IPv6); for PTR, the
 * name itself. As OVN 23.03: the query's Ethernet and IP headers (the
 * logical flows after the action swap them), the header with QR set,
 * ANCOUNT the answers and ARCOUNT 0 (also QDCOUNT 1 and NSCOUNT 0: only
 * the first question is kept), the question, then the answers, each
 * naming the question's name uncompressed, class IN, TTL 3600. IPv4:
 * total length and header checksum set, no UDP checksum; IPv6: payload
 * length and UDP checksum. Returns the length, or -ENOENT when @data has
 * no address of the type asked, -EINVAL when it is no list of addresses
 * (or, for PTR, no name), -ENOSPC past WFT_PKT_MAX.
 */
int wft_pkt_dns_reply(const struct wft_pkt *in,
		      const struct wft_pkt_dns_query *q, const char *data,
		      uint8_t *out);

#endif /* WEFT_PACKET_BUILD_H */
