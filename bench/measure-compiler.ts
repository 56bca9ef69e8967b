// The compiler at one cluster size: a full compile of one host (as
// compileHost does it, building its own cluster index; and with an index kept
// current, as an agent holds it), then single events applied incrementally —
// an endpoint added, an endpoint's labels changed, a policy edited — timed
// for the shared index and for each tracked host the event affects.
import * as E from 'fp-ts/Either';
import { compileHost, DEFAULT_COMPILE_OPTIONS } from '../compiler/compile/host';
import { fold } from '../compiler/fold/fold';
import { ClusterState } from '../compiler/fold/state';
import { ClusterIndex } from '../compiler/incremental/cluster-index';
import { HostCompiler } from '../compiler/incremental/host-compiler';
import { IncrementalCompiler } from '../compiler/incremental/incremental-compiler';
import { isEmptyDelta } from '../compiler/incremental/snapshot-delta';
import { ClusterShape, clusterDocs, Doc, endpointDoc, endpointTraits, hostName, policiesPerNamespace, shapeFor } from './cluster-gen';
import { putEvent, stateOf } from './cluster-state';
import { policyEdited, relabelled } from './events-gen';
import { seededRandom } from './random';
import { median, quantile, round, settle, timed } from './stats';

export type EventKind = 'endpointAdded' | 'labelsChanged' | 'policyEdited';

export interface EventFigure {
  /** Cluster-wide work per event (the shared index), µs, median. */
  readonly indexUs: number;
  /** Per affected host, µs: median and 99th percentile. */
  readonly perAffectedHostUs: number;
  readonly perAffectedHostP99Us: number;
  /** Of those, the host the changed endpoint is on, and the others (whose sets it moved), µs, median. */
  readonly ownHostUs: number | null;
  readonly otherHostsUs: number | null;
  /** A tracked host the event does not touch, µs, median. */
  readonly perUnaffectedHostUs: number;
  /** Of the tracked hosts, how many an event touched on average. */
  readonly affectedHosts: number;
  readonly trackedHosts: number;
  readonly events: number;
}

export interface CompilerFigures {
  readonly shape: ClusterShape;
  readonly foldSeconds: number;
  readonly snapshot: { readonly chains: number; readonly rules: number; readonly sets: number; readonly setElements: number };
  readonly fullCompile: {
    readonly compileHostMs: number;
    readonly indexBuildMs: number;
    /** The first host compiled after the index build. */
    readonly firstHostMs: number;
    /** Median over the first compile of five hosts sharing one index. */
    readonly withIndexMs: number;
    readonly withWarmIndexMs: number;
  };
  readonly incremental: Record<EventKind, EventFigure>;
}

const TRACKED = 20;
const noUsers = { retain: () => undefined, release: () => undefined };

const sizeOf = (doc: readonly unknown[]) => {
  const objs = doc as Array<Record<string, { elem?: unknown[] }>>;
  return {
    chains: objs.filter((o) => o.chain).length,
    rules: objs.filter((o) => o.rule).length,
    sets: objs.filter((o) => o.set).length,
    setElements: objs.reduce((n, o) => n + (o.set?.elem?.length ?? 0), 0),
  };
};

export function measureCompiler(endpoints: number, repeats: number): CompilerFigures {
  const shape = shapeFor(endpoints);
  const built = timed(() => stateOf(clusterDocs(shape)));
  let state: ClusterState = built.value;
  const hosts = Array.from({ length: Math.min(TRACKED, Math.ceil(shape.hosts / 2)) }, (_, i) => hostName(i));
  const others = Array.from({ length: Math.min(5, shape.hosts - hosts.length) }, (_, i) => hostName(hosts.length + i));

  // Full compiles: as compileHost does it (a throw-away index each time), then with a shared index.
  const cold = others.slice(0, 3).map((h) => (settle(), timed(() => compileHost(state, h)).ms));
  settle();
  const index = timed(() => new ClusterIndex(state));
  // The first host after the index build pays for evaluating the memberships it needs; later hosts share those.
  const first = others.map((h) => (settle(), timed(() => new HostCompiler(index.value, h, DEFAULT_COMPILE_OPTIONS, noUsers)).ms));
  const warm = others.map((h) => (settle(), timed(() => new HostCompiler(index.value, h, DEFAULT_COMPILE_OPTIONS, noUsers)).ms));
  const sample = compileHost(state, hosts[0]!);
  if (E.isLeft(sample)) throw new Error('host-0000 is unknown');

  const inc = new IncrementalCompiler(state, hosts);
  const r = seededRandom(shape.seed ^ 0xbe7c);
  let nextEndpoint = shape.endpoints * 2;
  const canary = new Map<number, boolean>();
  const onTracked = Array.from({ length: shape.endpoints }, (_, i) => i).filter((i) => endpointTraits(shape, i).host < hosts.length);
  /** The event's document, and the host of the endpoint it changes (if any). */
  const eventDoc = (kind: EventKind): { doc: Doc; own?: string } => {
    if (kind === 'endpointAdded') {
      const i = nextEndpoint++;
      return { doc: endpointDoc(shape, { ...endpointTraits(shape, i), host: i % hosts.length }), own: hostName(i % hosts.length) };
    }
    if (kind === 'labelsChanged') {
      const i = onTracked[r.int(onTracked.length)]!;
      const t = endpointTraits(shape, i);
      const c = !(canary.get(i) ?? t.canary);
      canary.set(i, c);
      return { doc: relabelled(shape, t, c), own: hostName(t.host) };
    }
    return { doc: policyEdited(shape, r.int(shape.namespaces), r.int(policiesPerNamespace(shape)), 20000 + r.int(20000)) };
  };

  const samples = (kind: EventKind, n: number, record: boolean) => {
    const index: number[] = [];
    const affected: number[] = [];
    const own: number[] = [];
    const others: number[] = [];
    const unaffected: number[] = [];
    let touched = 0;
    for (let k = 0; k < n; k++) {
      const ev = eventDoc(kind);
      const f = fold(state, putEvent(ev.doc, state.offset));
      if (E.isLeft(f) || f.right.rejection) throw new Error(`the fold refused a ${kind} event: ${JSON.stringify(E.isLeft(f) ? f.left : f.right.rejection)}`);
      const next = f.right.state;
      const d = timed(() => inc.updateIndex(next, f.right.changes));
      index.push(d.ms * 1000);
      for (const h of hosts) {
        const u = timed(() => inc.updateHost(h, state, next, d.value));
        if (isEmptyDelta(u.value.delta)) unaffected.push(u.ms * 1000);
        else {
          affected.push(u.ms * 1000);
          (h === ev.own ? own : others).push(u.ms * 1000);
          touched++;
        }
      }
      inc.endStep();
      state = next;
    }
    if (!record) return undefined;
    return {
      indexUs: round(median(index)),
      perAffectedHostUs: round(median(affected)),
      perAffectedHostP99Us: round(quantile(affected, 0.99)),
      ownHostUs: own.length === 0 ? null : round(median(own)),
      otherHostsUs: others.length === 0 ? null : round(median(others)),
      perUnaffectedHostUs: round(median(unaffected)),
      affectedHosts: round(touched / n),
      trackedHosts: hosts.length,
      events: n,
    };
  };
  const kinds: EventKind[] = ['endpointAdded', 'labelsChanged', 'policyEdited'];
  for (const k of kinds) samples(k, Math.min(20, repeats), false); // warm-up: let the JIT settle
  const incremental = Object.fromEntries(kinds.map((k) => [k, samples(k, repeats, true)!])) as Record<EventKind, EventFigure>;

  return {
    shape,
    foldSeconds: round(built.ms / 1000, 2),
    snapshot: sizeOf(sample.right.nftables.nftables),
    fullCompile: {
      compileHostMs: round(median(cold)),
      indexBuildMs: round(index.ms),
      firstHostMs: round(first[0]!),
      withIndexMs: round(median(first)),
      withWarmIndexMs: round(median(warm)),
    },
    incremental,
  };
}
