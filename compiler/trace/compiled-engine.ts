// The compiled engine: a packet's verdict found by running the nftables
// documents foldnet emits (through the nft interpreter) on each host the
// packet crosses. It is the twin of the reference evaluator; the two are
// property-tested against each other. Interpreters are prepared once per host
// and kept by the engine instance, which belongs to one state.
//
// A packet to an anycast service address is translated where the kernel
// would translate it: on the client's own host when that host's nat chains
// take it, else on any host whose nat chains do (BGP spreads flows across
// the hosts announcing the address; a host announces it when it has a local
// backend). Every numgen draw is tried, so the result lists every backend a
// connection can reach, each with its path.
import * as E from 'fp-ts/Either';
import { ClusterState } from '../fold/state';
import { cidrAddress, familyOf, Ip, parseIp } from '../net/ip';
import { compileRoutes } from '../compile/routes';
import { compileNftables, NftOptions } from '../compile/nft-document';
import { decodeNftDocument, NftHook } from '../nft/schema';
import { NftInterpreter, prepareInterpreter, ReversePathQuery, Verdict as NftVerdict } from '../nft/interpret';
import { DEFAULT_HOST_INTERFACE, Packet } from '../policy/verdict';
import { serviceFor } from '../policy/services';
import { Hop, hostOwning, routePacket, UPLINK } from './hops';

export interface CompiledHop extends Hop {
  readonly allowed: boolean;
  /** The comment of the rule that decided (or `chain X policy`). */
  readonly decidedBy: string;
  readonly path: readonly string[];
  readonly logs: readonly string[];
}

export interface CompiledOutcome {
  /** The backend's endpoint key. */
  readonly backend: string;
  readonly host: string;
  /** The packet after translation. */
  readonly packet: Packet;
  readonly verdict: CompiledVerdict;
}

export interface CompiledVerdict {
  readonly allowed: boolean;
  readonly route: 'hops' | 'same-endpoint' | 'host-to-local-workload' | 'host-to-itself' | 'service' | 'no-service-port' | 'no-backends';
  readonly hops: readonly CompiledHop[];
  /** For a packet to a service address: the service and every backend a connection can reach. */
  readonly service?: { readonly key: string; readonly outcomes: readonly CompiledOutcome[] };
}

const describe = (v: NftVerdict): string => {
  const by = v.decidedBy;
  if ('comment' in by && by.comment !== undefined) return by.comment;
  if ('ruleIndex' in by) return `${by.chain} rule ${by.ruleIndex}`;
  if ('policy' in by) return v.markedBy ?? `${by.chain} policy`;
  return `no base chain on ${by.hook}`;
};

type Translation = { readonly host: string; readonly daddr: Ip; readonly dport?: number };

export class CompiledEngine {
  private readonly interpreters = new Map<string, E.Either<string, NftInterpreter>>();
  private readonly routedBack = new Map<string, (q: ReversePathQuery) => boolean>();

  constructor(
    private readonly state: ClusterState,
    private readonly options: NftOptions = { endpointToHostAction: 'Drop' },
  ) {}

  private interpreter(host: string): E.Either<string, NftInterpreter> {
    let i = this.interpreters.get(host);
    if (i === undefined) {
      const doc = decodeNftDocument(compileNftables(this.state, host, this.options));
      i = E.isLeft(doc) ? E.left(`host ${host}: the compiled ruleset does not decode: ${doc.left.join('; ')}`) : prepareInterpreter(doc.right);
      this.interpreters.set(host, i);
    }
    return i;
  }

  /**
   * The host's reverse-path answer from the routes foldnet gives it: a
   * workload's addresses are host routes to its interface; everything else
   * is routed elsewhere (a blackholed block, or out by the uplink).
   */
  private reversePath(host: string): (q: ReversePathQuery) => boolean {
    let f = this.routedBack.get(host);
    if (f === undefined) {
      const dev = new Map(compileRoutes(this.state, host, []).flatMap((r) => (r.dev !== undefined ? [[cidrAddress(r.dst) as string, r.dev] as const] : [])));
      f = (q) => {
        const ip = parseIp(q.saddr);
        return E.isRight(ip) && dev.get(ip.right) === q.iifname;
      };
      this.routedBack.set(host, f);
    }
    return f;
  }

  private run(host: string, hook: NftHook, p: Packet, iifname: string | undefined, oifname: string | undefined, numgen?: (mod: number) => number): E.Either<string, NftVerdict> {
    const interp = this.interpreter(host);
    if (E.isLeft(interp)) return interp;
    const r = interp.right.run(
      {
        family: familyOf(p.src as Ip), iifname, oifname, saddr: p.src, daddr: p.dst, l4proto: p.protocol, sport: p.srcPort, dport: p.dstPort,
        icmpType: p.icmpType, icmpCode: p.icmpCode, ctState: p.state ?? 'new',
      },
      hook,
      { reversePath: this.reversePath(host), ...(numgen === undefined ? {} : { numgen }) },
    );
    return E.isLeft(r) ? E.left(`host ${host}: ${r.left}`) : r;
  }

  verdict(p: Packet): E.Either<string, CompiledVerdict> {
    const service = serviceFor(this.state, p);
    if (service !== undefined) return this.serviceVerdict(service.key, p);
    return this.plainVerdict(p);
  }

  private plainVerdict(p: Packet, before: readonly CompiledHop[] = []): E.Either<string, CompiledVerdict> {
    const route = routePacket(this.state, p.src, p.dst, p.hostInterface ?? DEFAULT_HOST_INTERFACE);
    if (route.kind !== 'hops') return E.right({ allowed: true, route: route.kind, hops: [...before] });
    return this.runHops(p, route.hops, before);
  }

  private runHops(p: Packet, route: readonly Hop[], before: readonly CompiledHop[]): E.Either<string, CompiledVerdict> {
    const hops: CompiledHop[] = [...before];
    for (const hop of route) {
      const r = this.run(hop.host, hop.hook, p, hop.iifname, hop.oifname);
      if (E.isLeft(r)) return r;
      const allowed = r.right.verdict === 'accept';
      hops.push({ ...hop, allowed, decidedBy: describe(r.right), path: r.right.path, logs: r.right.logs });
      if (!allowed) return E.right({ allowed: false, route: 'hops', hops });
    }
    return E.right({ allowed: true, route: 'hops', hops });
  }

  /** Every translation `host`'s nat chains give `p` at `hook`, one per numgen draw. */
  private translations(host: string, hook: NftHook, packet: Packet, iifname: string | undefined): E.Either<string, Translation[]> {
    // nat chains see a connection's first packet; its later ones keep the translation it got.
    const p: Packet = { ...packet, state: 'new' };
    const out: Translation[] = [];
    const first = this.run(host, hook, p, iifname, undefined);
    if (E.isLeft(first)) return first;
    const mods = first.right.numgenMods ?? [];
    // foldnet's nat chains draw once per connection: one numgen, its every value.
    const draws = mods.length === 0 ? [0] : Array.from({ length: mods[0]! }, (_, i) => i);
    for (const n of draws) {
      const r = n === 0 ? first : this.run(host, hook, p, iifname, undefined, () => n);
      if (E.isLeft(r)) return r;
      const t = r.right.translated;
      if (t !== undefined) out.push({ host, daddr: t.daddr as Ip, ...(t.dport !== undefined ? { dport: t.dport } : {}) });
    }
    return E.right(out);
  }

  private serviceVerdict(key: string, p: Packet): E.Either<string, CompiledVerdict> {
    const src = this.state.ipOwners.get(p.src);
    const srcEp = src === undefined ? undefined : this.state.endpoints.get(src);
    const clientHost = srcEp?.host ?? hostOwning(this.state, p.src as Ip);
    // The client's host translates first: a workload's packet in prerouting, the host's own in output.
    let found: Translation[] = [];
    let local = false;
    if (clientHost !== undefined && this.state.hosts.has(clientHost)) {
      const t = this.translations(clientHost, srcEp ? 'prerouting' : 'output', p, srcEp?.interfaceName);
      if (E.isLeft(t)) return t;
      found = t.right;
      local = found.length > 0;
    }
    if (!local) {
      for (const host of [...this.state.hosts.keys()].sort()) {
        if (host === clientHost) continue;
        const t = this.translations(host, 'prerouting', p, UPLINK);
        if (E.isLeft(t)) return t;
        found = [...found, ...t.right];
      }
    }
    if (found.length === 0) {
      const svc = this.state.services.get(key)!;
      const ported = svc.ports.some((sp) => sp.protocol === p.protocol && sp.port === p.dstPort);
      return E.right({ allowed: false, route: ported ? 'no-backends' : 'no-service-port', hops: [], service: { key, outcomes: [] } });
    }
    const outcomes: CompiledOutcome[] = [];
    for (const t of found) {
      const backend = this.state.ipOwners.get(t.daddr);
      if (backend === undefined) return E.left(`host ${t.host} translates ${p.dst} to ${t.daddr}, which is no endpoint's address`);
      const packet: Packet = { ...p, dst: t.daddr, ...(t.dport !== undefined ? { dstPort: t.dport } : {}) };
      const v = local ? this.plainVerdict(packet) : this.remoteVerdict(p, packet, t.host);
      if (E.isLeft(v)) return v;
      if (!outcomes.some((o) => o.backend === backend)) outcomes.push({ backend, host: t.host, packet, verdict: v.right });
    }
    outcomes.sort((a, b) => (a.backend < b.backend ? -1 : a.backend > b.backend ? 1 : 0));
    return E.right({ allowed: outcomes.some((o) => o.verdict.allowed), route: 'service', hops: [], service: { key, outcomes } });
  }

  /** Untranslated on the client's side (its own hops up to the uplink), translated on `host`, which forwards to the backend. */
  private remoteVerdict(original: Packet, translated: Packet, host: string): E.Either<string, CompiledVerdict> {
    const client = routePacket(this.state, original.src, original.dst, original.hostInterface ?? DEFAULT_HOST_INTERFACE);
    const clientHops = client.kind === 'hops' ? client.hops : [];
    const sent = this.runHops(original, clientHops, []);
    if (E.isLeft(sent) || !sent.right.allowed) return sent;
    const backend = this.state.endpoints.get(this.state.ipOwners.get(translated.dst)!)!;
    return this.runHops(translated, [{ host, hook: 'forward', iifname: UPLINK, oifname: backend.interfaceName }], sent.right.hops);
  }
}
