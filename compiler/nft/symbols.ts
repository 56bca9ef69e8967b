// Symbolic constants that nft 1.0.6 prints in place of numbers (`nft describe
// icmp type`, `ct state`, `meta l4proto`, ...), so that listings and emitted
// documents can be compared on numbers. The inet_proto names are those of
// /etc/protocols on the machine that prints them; this table is the Debian
// one. Listing with `nft -j -n` avoids names altogether.
export type SymbolTable = ReadonlyMap<string, number>;

const table = (entries: ReadonlyArray<readonly [string, number]>): SymbolTable => new Map(entries);

export const ICMP_TYPES = table([
  ['echo-reply', 0], ['destination-unreachable', 3], ['source-quench', 4], ['redirect', 5],
  ['echo-request', 8], ['router-advertisement', 9], ['router-solicitation', 10], ['time-exceeded', 11],
  ['parameter-problem', 12], ['timestamp-request', 13], ['timestamp-reply', 14], ['info-request', 15],
  ['info-reply', 16], ['address-mask-request', 17], ['address-mask-reply', 18],
]);

export const ICMP_CODES = table([
  ['net-unreachable', 0], ['host-unreachable', 1], ['prot-unreachable', 2], ['port-unreachable', 3],
  ['frag-needed', 4], ['net-prohibited', 9], ['host-prohibited', 10], ['admin-prohibited', 13],
]);

export const ICMPV6_TYPES = table([
  ['destination-unreachable', 1], ['packet-too-big', 2], ['time-exceeded', 3], ['parameter-problem', 4],
  ['echo-request', 128], ['echo-reply', 129], ['mld-listener-query', 130], ['mld-listener-report', 131],
  ['mld-listener-done', 132], ['mld-listener-reduction', 132], ['nd-router-solicit', 133],
  ['nd-router-advert', 134], ['nd-neighbor-solicit', 135], ['nd-neighbor-advert', 136], ['nd-redirect', 137],
  ['router-renumbering', 138], ['ind-neighbor-solicit', 141], ['ind-neighbor-advert', 142],
  ['mld2-listener-report', 143],
]);

export const ICMPV6_CODES = table([
  ['no-route', 0], ['admin-prohibited', 1], ['addr-unreachable', 3], ['port-unreachable', 4],
  ['policy-fail', 5], ['reject-route', 6],
]);

/** ct state is a bitmask; each state is one bit. */
export const CT_STATES = table([['invalid', 1], ['established', 2], ['related', 4], ['new', 8], ['untracked', 64]]);

export const NF_PROTOS = table([['ipv4', 2], ['ipv6', 10]]);

export const INET_PROTOS = table([
  ['ip', 0], ['icmp', 1], ['igmp', 2], ['ggp', 3], ['ipencap', 4], ['st', 5], ['tcp', 6], ['egp', 8],
  ['igp', 9], ['pup', 12], ['udp', 17], ['hmp', 20], ['xns-idp', 22], ['rdp', 27], ['iso-tp4', 29],
  ['dccp', 33], ['xtp', 36], ['ddp', 37], ['idpr-cmtp', 38], ['ipv6', 41], ['ipv6-route', 43],
  ['ipv6-frag', 44], ['idrp', 45], ['rsvp', 46], ['gre', 47], ['esp', 50], ['ah', 51], ['skip', 57],
  ['ipv6-icmp', 58], ['ipv6-nonxt', 59], ['ipv6-opts', 60], ['rspf', 73], ['vmtp', 81], ['eigrp', 88],
  ['ospf', 89], ['ax.25', 93], ['ipip', 94], ['etherip', 97], ['encap', 98], ['pim', 103], ['ipcomp', 108],
  ['vrrp', 112], ['l2tp', 115], ['isis', 124], ['sctp', 132], ['fc', 133], ['mobility-header', 135],
  ['udplite', 136], ['mpls-in-ip', 137], ['manet', 138], ['hip', 139], ['shim6', 140], ['wesp', 141],
  ['rohc', 142], ['ethernet', 143],
]);

/** First name for a number, for the few types whose canonical form is a name. */
export const nameOf = (symbols: SymbolTable, n: number): string | undefined => {
  for (const [name, v] of symbols) if (v === n) return name;
  return undefined;
};

/**
 * Words the nft scanner turns into keywords; a chain, set or table named like
 * one cannot be written in nft's text syntax (and 1.0.6 has no quoting for
 * names). Taken from nftables' src/scanner.l, start conditions included, so
 * the list errs on the side of refusing.
 */
export const NFT_KEYWORDS: ReadonlySet<string> = new Set(
  `eq ne le lt ge gt lshift rshift xor and or not vmap include define redefine undefine describe chains sets
  tables rules trace hook device devices table chain rule set element map flowtable handle ruleset socket
  transparent wildcard cgroupv2 level tproxy accept drop continue jump goto return to inet netdev add replace
  update create insert delete get list reset flush rename import export monitor destroy position index comment
  constant interval dynamic auto-merge timeout gc-interval elements expires policy size performance memory flow
  offload meter meters flowtables limits maps secmarks synproxys tunnel tunnels hooks counter name packets bytes
  last never counters quotas log prefix snaplen queue-threshold group queue num bypass fanout limit rate burst
  second minute week over quota until used hour day reject with icmpx snat dnat masquerade redirect random
  fully-random persistent port ll nh th bridge ether saddr daddr type typeof vlan id cfi dei pcp 8021ad 8021q
  arp htype ptype hlen plen operation ip version hdrlength dscp ecn length frag-off ttl protocol checksum lsrr
  rr ssrr ra ptr value option options ackseq doff window urgptr echo eol maxseg mss nop noop sack sack0 sack1
  sack2 sack3 sack-permitted sack-perm timestamp fastopen mptcp md5sig left right count tsval tsecr subtype
  time icmp icmpv6 gateway code param-problem max-delay mtu taddr sequence igmp mrt ip6 priority flowlabel
  hoplimit nexthdr ah reserved spi esp comp cpi flags udp udplite csumcov sport dport vxlan vni geneve gre
  gretap tcp dccp sctp chunk vtag data init init-ack heartbeat heartbeat-ack abort shutdown shutdown-ack error
  cookie-echo cookie-ack ecne cwr shutdown-complete asconf-ack forward-tsn asconf tsn stream ssn ppid init-tag
  a-rwnd num-outbound-streams num-inbound-streams initial-tsn cum-tsn-ack num-gap-ack-blocks num-dup-tsns
  lowest-tsn seqno new-cum-tsn rt rt0 rt2 srh addr hbh frag reserved2 more-fragments dst mh meta mark iif
  iifname iiftype oif oifname oiftype skuid skgid nftrace rtclassid ibriport ibrname obriport obrname pkttype
  cpu iifgroup oifgroup cgroup nexthop seg-left last-entry tag sid classid ct avgpkt l3proto proto-src
  proto-dst zone original reply direction event expectation expiration helper helpers label state status
  numgen inc jhash symhash seed mod offset dup fwd fib check osf synproxy wscale tos notrack all xml json vm
  exists missing exthdr ipsec reqid spnum in out secmark xt`.split(/\s+/).filter((w) => w !== ''),
);
