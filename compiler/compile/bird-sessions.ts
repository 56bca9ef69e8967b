// The BGP sessions one host runs, as data: the node-to-node mesh (one session
// per other host and address family) and the explicit BGPPeers that apply to
// it, with the import policy each gets. Peers that cannot be configured are
// returned with a reason, so the rendered config can say why they are
// missing. Rendering is bird.ts's job; whether the addresses are reachable is
// the applier's.
import { ClusterState } from '../fold/state';
import { BgpPeerModel, HostModel } from '../model/types';
import { byString } from '../model/sort';
import { cidrAddress, Family, familyOf, Ip } from '../net/ip';
import { uniqueProtocolNames } from './bird-names';

export interface BgpSession {
  /** BIRD protocol name, unique within the config. */
  readonly name: string;
  readonly kind: 'mesh' | 'peer';
  /** Mesh: the other host's name; peer: the BGPPeer's name. */
  readonly subject: string;
  readonly family: Family;
  readonly localIp: Ip;
  readonly localAs: number;
  readonly peerIp: Ip;
  readonly peerAs: number;
  /**
   * Mesh peers are foldnet hosts: they only ever send pool routes, and only
   * those are taken. External peers (ToR, route reflector outside foldnet)
   * may send anything (a default route, the data-centre prefixes), which is
   * taken — except routes inside IP pools unless the peer has
   * acceptPoolRoutes, so that an outside router cannot hijack workload
   * addresses (Calico's rule).
   */
  readonly importPoolRoutes: boolean;
  readonly importOtherRoutes: boolean;
  readonly password?: string;
}

export interface SkippedPeer {
  readonly kind: 'mesh' | 'peer';
  readonly subject: string;
  readonly reason: string;
}

export interface SessionPlan {
  readonly sessions: readonly BgpSession[];
  readonly skipped: readonly SkippedPeer[];
}

const FAMILIES: readonly Family[] = [4, 6];

export const hostAddress = (h: HostModel, f: Family): Ip | undefined => {
  const p = f === 4 ? h.ipv4 : h.ipv6;
  return p === undefined ? undefined : cidrAddress(p);
};

/** BIRD strings are `"…"` with no escapes: a quote or a line break cannot be written, and NUL ends a C string. */
const unrenderablePassword = (p: string): boolean => /["\n\0]/.test(p);

type Draft = Omit<BgpSession, 'name'>;

/** Peers that apply to `host`: global ones and its own; per neighbour address a node-specific peer wins, then the first name. */
const applicablePeers = (state: ClusterState, host: string): { chosen: BgpPeerModel[]; shadowed: SkippedPeer[] } => {
  const peers = [...state.bgpPeers.values()]
    .filter((p) => p.node === undefined || p.node === host)
    .sort((a, b) => (a.node === undefined ? 1 : 0) - (b.node === undefined ? 1 : 0) || byString(a.name, b.name));
  const byIp = new Map<string, BgpPeerModel>();
  const shadowed: SkippedPeer[] = [];
  for (const p of peers) {
    const winner = byIp.get(p.peerIP);
    if (winner) shadowed.push({ kind: 'peer', subject: p.name, reason: `same neighbor ${p.peerIP} as BGPPeer ${winner.name}` });
    else byIp.set(p.peerIP, p);
  }
  return { chosen: [...byIp.values()].sort((a, b) => byString(a.name, b.name)), shadowed };
};

export const planSessions = (state: ClusterState, host: string): SessionPlan => {
  const self = state.hosts.get(host);
  if (!self) return { sessions: [], skipped: [] };
  const localAs = self.asNumber ?? state.bgpConfig.asNumber;
  const drafts: Draft[] = [];
  const skipped: SkippedPeer[] = [];
  const { chosen, shadowed } = applicablePeers(state, host);
  skipped.push(...shadowed);
  const explicitIps = new Map(chosen.map((p) => [p.peerIP as string, p.name]));

  if (state.bgpConfig.meshEnabled) {
    const others = [...state.hosts.values()].filter((h) => h.name !== host).sort((a, b) => byString(a.name, b.name));
    for (const f of FAMILIES) {
      const localIp = hostAddress(self, f);
      if (localIp === undefined) continue;
      for (const other of others) {
        const peerIp = hostAddress(other, f);
        if (peerIp === undefined || peerIp === localIp) continue;
        const explicit = explicitIps.get(peerIp);
        if (explicit !== undefined) {
          skipped.push({ kind: 'mesh', subject: other.name, reason: `IPv${f} session replaced by BGPPeer ${explicit} (same neighbor)` });
          continue;
        }
        drafts.push({
          kind: 'mesh', subject: other.name, family: f, localIp, localAs, peerIp,
          peerAs: other.asNumber ?? state.bgpConfig.asNumber, importPoolRoutes: true, importOtherRoutes: false,
        });
      }
    }
  }

  for (const p of chosen) {
    const f = familyOf(p.peerIP);
    const localIp = hostAddress(self, f);
    if (localIp === undefined) skipped.push({ kind: 'peer', subject: p.name, reason: `host has no IPv${f} address` });
    else if (localIp === p.peerIP) skipped.push({ kind: 'peer', subject: p.name, reason: 'neighbor is this host itself' });
    else if (p.password !== undefined && unrenderablePassword(p.password))
      skipped.push({ kind: 'peer', subject: p.name, reason: 'password holds a double quote, line break or NUL, which BIRD strings cannot hold' });
    else
      drafts.push({
        kind: 'peer', subject: p.name, family: f, localIp, localAs, peerIp: p.peerIP, peerAs: p.asNumber,
        importPoolRoutes: p.acceptPoolRoutes, importOtherRoutes: true, password: p.password,
      });
  }

  const names = uniqueProtocolNames(drafts.map((d) => ({ prefix: d.kind === 'mesh' ? `mesh${d.family}` : 'peer', original: d.subject })));
  return { sessions: drafts.map((d, i) => ({ ...d, name: names[i] })), skipped };
};
