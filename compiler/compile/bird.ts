// compileBird(state, host): the host's complete BIRD 2 configuration, as text.
// BIRD learns the host's local routes (workload /32 and /128 routes, block
// blackholes: whatever the applier installed with foldnet's rtproto) from the
// kernel, announces those inside enabled IP pools over BGP, and writes the
// routes it learns over BGP back into the kernel. Which sessions exist is
// bird-sessions.ts's decision; validating with `bird -p`, writing the file
// and `birdc configure` are the applier's.
//
// Grammar emitted (a subset of the BIRD 2.0 User's Guide, checked against
// bird 2.0.12 with `bird -p`):
//
//   config    ::= "router id" IPV4 ";"
//                 "protocol device {}"
//                 { function } { filter } { kernel } { bgp }
//   function  ::= "function" SYM "()" "{" "return" ( "net ~ [" PATTERN { "," PATTERN } "]" | "false" ) ";" "}"
//   PATTERN   ::= PREFIX "+" | PREFIX "{" NUM "," NUM "}"     (a pool and all inside it; a block's more-specifics)
//   filter    ::= "filter" SYM "{" "if" COND "then" ( "accept" | "reject" ) ";" ( "accept" | "reject" ) ";" "}"
//   COND      ::= "krt_source =" NUM | "source = RTS_BGP" | "source = RTS_STATIC" | SYM "()"
//   kernel    ::= "protocol kernel" SYM "{" channel "learn;" "scan time" NUM ";" "merge paths on;" "}"
//   static    ::= "protocol static" SYM "{" ( "ipv4" | "ipv6" ) ";" { "route" PREFIX "unreachable;" } "}"
//   bgp       ::= "protocol bgp" SYM "{" "description" STRING ";"
//                 "local" IP "as" NUM ";" "neighbor" IP "as" NUM ";" [ "direct;" ] [ "password" STRING ";" ]
//                 "connect delay time" NUM ";" "connect retry time" NUM ";" "error wait time" NUM "," NUM ";"
//                 channel "}"
//   channel   ::= ( "ipv4" | "ipv6" ) "{" "import" ( "all" | "filter" SYM ) ";" "export filter" SYM ";" "};"
//   SYM       ::= [A-Za-z_][A-Za-z0-9_]{0,63}     STRING ::= '"' (any but '"' and newline)* '"'  (no escapes)
//
// BIRD 2 quirks this relies on:
// - The kernel protocol ignores "alien" routes (any rtproto but its own) unless
//   `learn` is on; the import filter never even sees them. So `learn` is on,
//   and the import filter narrows it to krt_source = FOLDNET_RTPROTO.
// - On Linux, learned routes also arrive by netlink notification, so `scan
//   time` is only the fallback for missed notifications.
// - BIRD writes its routes with its own rtproto (bird, 12) and metric 32, so
//   they never clash with or overwrite the applier's rtproto-88 routes.
// - A prefix set cannot mix IPv4 and IPv6 ("Mixed IPv4/IPv6 prefixes in
//   prefix set"): one function per family. A family without pools returns
//   false rather than testing an empty set `[ ]`, whose element type BIRD
//   cannot know.
// - Anycast service addresses this host has a backend for are static
//   `unreachable` routes, announced over BGP but never written to the
//   kernel: packets to them are DNATed in prerouting, before routing. A host
//   with several announcers of one address installs one multipath route
//   (`merge paths on`), so flows spread across them.
// - iBGP sessions default to recursive next hops, which would need an IGP
//   route to the peer that nothing here provides; `direct` makes the peer's
//   address the next hop on the shared link (eBGP is direct by default).
import { ClusterState } from '../fold/state';
import { cidrLength, compareCidr, compareIp, Cidr, Family, familyOf, Ip } from '../net/ip';
import { derivedRouterId } from './bird-names';
import { BgpSession, hostAddress, planSessions, SkippedPeer } from './bird-sessions';
import { FOLDNET_RTPROTO } from './snapshot';

/** How often BIRD rescans the kernel table (seconds); netlink notifications usually come first. */
const KERNEL_SCAN_SECONDS = 5;

const FAMILIES: readonly Family[] = [4, 6];

const filterName = {
  kernelImport: 'foldnet_kernel_import',
  kernelExport: 'foldnet_kernel_export',
  inPools: (f: Family) => `foldnet_in_pools${f}`,
  poolRoutes: (f: Family) => `foldnet_pool_routes${f}`,
  otherRoutes: (f: Family) => `foldnet_other_routes${f}`,
  ownBlocks: (f: Family) => `foldnet_own_blocks${f}`,
  announce: (f: Family) => `foldnet_announce${f}`,
  services: (f: Family) => `foldnet_services${f}`,
  anycast: (f: Family) => `foldnet_anycast${f}`,
};

const hostRoute = (ip: Ip): string => `${ip}/${familyOf(ip) === 4 ? 32 : 128}`;

/** Every service address of the cluster in one family, sorted: routes the mesh takes like pool routes. */
const serviceAddresses = (state: ClusterState, f: Family): Ip[] =>
  [...new Set([...state.services.values()].flatMap((s) => s.addresses.filter((a) => familyOf(a) === f)))].sort(compareIp);

/** Names come from DNS-1123-checked resources; this only guarantees they cannot end a string or a comment. */
const plain = (s: string): string => s.replace(/["\n\0]/g, '_');

const block = (head: string, body: readonly string[]): string[] => [`${head} {`, ...body.map((l) => `  ${l}`), '}'];

const channel = (f: Family, importClause: string, exportFilter: string): string[] =>
  [`ipv${f} {`, `  import ${importClause};`, `  export filter ${exportFilter};`, '};'];

const enabledPools = (state: ClusterState, f: Family): Cidr[] =>
  [...state.pools.values()].filter((p) => !p.disabled && familyOf(p.cidr) === f).map((p) => p.cidr).sort(compareCidr);

/** Routes inside the enabled pools of one family: what foldnet announces, and all it takes from its mesh. */
const poolFilters = (state: ClusterState, f: Family): string[] => {
  const pools = enabledPools(state, f);
  const test = pools.length === 0 ? 'false' : `net ~ [ ${pools.map((c) => `${c}+`).join(', ')} ]`;
  const services = serviceAddresses(state, f);
  const also = (verdict: string): string[] => (services.length === 0 ? [] : [`if ${filterName.services(f)}() then ${verdict};`]);
  return [
    `# Enabled IPv${f} pools${pools.length === 0 ? ' (none: nothing is announced or taken from the mesh)' : ''}.`,
    ...block(`function ${filterName.inPools(f)}()`, [`return ${test};`]),
    ...(services.length === 0 ? [] : [
      `# Anycast service addresses (IPv${f}): taken from the mesh like pool routes.`,
      ...block(`function ${filterName.services(f)}()`, [`return net ~ [ ${services.map(hostRoute).join(', ')} ];`]),
    ]),
    ...block(`filter ${filterName.poolRoutes(f)}`, [`if ${filterName.inPools(f)}() then accept;`, ...also('accept'), 'reject;']),
    ...block(`filter ${filterName.otherRoutes(f)}`, [`if ${filterName.inPools(f)}() then reject;`, ...also('reject'), 'accept;']),
  ];
};

/**
 * What this host announces: routes inside the pools, except the workload routes inside its own IPAM
 * blocks — each block goes out as one aggregate (its blackhole route), so BGP carries a route per block,
 * not per workload, and a workload coming or going never changes BIRD's config. Addresses outside any
 * owned block (given explicitly, or borrowed from another host's block) still go out one by one.
 */
const announceFilter = (state: ClusterState, host: string, f: Family, anycast: readonly Ip[]): string[] => {
  const max = f === 4 ? 32 : 128;
  const blocks = (state.blockAffinities.get(host) ?? []).filter((b) => familyOf(b) === f && cidrLength(b) < max);
  const test = blocks.length === 0 ? 'false' : `net ~ [ ${[...blocks].sort(compareCidr).map((b) => `${b}{${cidrLength(b) + 1},${max}}`).join(', ')} ]`;
  return [
    `# This host's IPv${f} blocks: announced as aggregates; the workload routes inside them are not.`,
    ...block(`function ${filterName.ownBlocks(f)}()`, [`return ${test};`]),
    ...block(`filter ${filterName.announce(f)}`, [
      ...(anycast.some((a) => familyOf(a) === f) ? ['if source = RTS_STATIC then accept;'] : []),
      `if ${filterName.ownBlocks(f)}() then reject;`, `if ${filterName.inPools(f)}() then accept;`, 'reject;',
    ]),
  ];
};

/** The service addresses this host announces: it has a local backend for them. */
const anycastProtocol = (f: Family, anycast: readonly Ip[]): string[] => {
  const mine = anycast.filter((a) => familyOf(a) === f);
  if (mine.length === 0) return [];
  return [
    `# Anycast service addresses with a backend on this host (IPv${f}); DNATed by nftables, never routed here.`,
    ...block(`protocol static ${filterName.anycast(f)}`, [`ipv${f};`, ...mine.map((a) => `route ${hostRoute(a)} unreachable;`)]),
  ];
};

const kernelFilters = (): string[] => [
  '# From the kernel, only the routes foldnet\'s applier installed (its rtproto).',
  ...block(`filter ${filterName.kernelImport}`, [`if krt_source = ${FOLDNET_RTPROTO} then accept;`, 'reject;']),
  '# Into the kernel, only what BGP learned; local routes are already there.',
  ...block(`filter ${filterName.kernelExport}`, ['if source = RTS_BGP then accept;', 'reject;']),
];

const kernelProtocol = (f: Family): string[] =>
  block(`protocol kernel kernel${f}`, [
    ...channel(f, `filter ${filterName.kernelImport}`, filterName.kernelExport),
    'learn;',
    `scan time ${KERNEL_SCAN_SECONDS};`,
    'merge paths on;',
  ]);

const importClause = (s: BgpSession): string =>
  s.importPoolRoutes && s.importOtherRoutes ? 'all'
    : s.importPoolRoutes ? `filter ${filterName.poolRoutes(s.family)}`
      : `filter ${filterName.otherRoutes(s.family)}`;

const bgpProtocol = (s: BgpSession): string[] =>
  block(`protocol bgp ${s.name}`, [
    `description "${plain(s.kind === 'mesh' ? `foldnet mesh: host ${s.subject}` : `BGPPeer ${s.subject}`)}";`,
    `local ${s.localIp} as ${s.localAs};`,
    `neighbor ${s.peerIp} as ${s.peerAs};`,
    ...(s.localAs === s.peerAs ? ['direct;'] : []),
    ...(s.password !== undefined ? [`password "${s.password}";`] : []),
    // Calico's timers: reconnect within seconds, not BIRD's default two minutes.
    'connect delay time 2;',
    'connect retry time 5;',
    'error wait time 5, 30;',
    ...channel(s.family, importClause(s), filterName.announce(s.family)),
  ]);

const skippedComment = (s: SkippedPeer): string =>
  `# Not configured: ${plain(s.kind === 'mesh' ? `mesh to host ${s.subject}` : `BGPPeer ${s.subject}`)}: ${s.reason}.`;

/** `anycast`: the service addresses this host announces (compiler/compile/nft-services.ts announcedAddresses). */
export const compileBird = (state: ClusterState, host: string, anycast: readonly Ip[] = []): string => {
  const self = state.hosts.get(host);
  const families = self ? FAMILIES.filter((f) => hostAddress(self, f) !== undefined) : [];
  const v4 = self && hostAddress(self, 4);
  const { sessions, skipped } = planSessions(state, host);
  const sections: string[][] = [
    [
      '# BIRD 2 configuration for foldnet host ' + JSON.stringify(host) + '.',
      '# Generated by foldnet from the cluster log; the applier replaces it whole, so do not edit.',
    ],
    [
      ...(v4 ? [] : ['# No IPv4 address: router id derived from the host name (first 32 bits of its sha256).']),
      `router id ${v4 ?? derivedRouterId(host)};`,
    ],
    ['# Interface states: `direct` BGP sessions and learned device routes need them.', 'protocol device {}'],
    ...(families.length > 0 ? [kernelFilters()] : []),
    ...families.map((f) => [...poolFilters(state, f), '', ...announceFilter(state, host, f, anycast)]),
    ...families.map(kernelProtocol),
    ...families.map((f) => anycastProtocol(f, anycast)).filter((b) => b.length > 0),
    ...sessions.map(bgpProtocol),
    ...(skipped.length > 0 ? [skipped.map(skippedComment)] : []),
  ];
  return sections.map((s) => s.join('\n')).join('\n\n') + '\n';
};
