// The cluster index's endpoints, sorted by host and by namespace, with the
// port numbers each named port stands for (counted per endpoint naming it)
// and, once a profile changes, by profile. Building it from a state is one
// pass that only sorts models and counts ports: a namespace's entries
// (endpoint-entry.ts) are made the first time anything reads them — with
// each model fresh in memory as the membership reading it asks, not in a
// pass of its own over 100,000 endpoints. How entries are made, and what
// an update means, are cluster-index.ts's.
import { EndpointModel } from '../model/types';
import { EndpointEntry } from './endpoint-entry';
import { KeyedBucket } from './keyed-bucket';

const bucketOf = <V>(m: Map<string, KeyedBucket<V>>, k: string): KeyedBucket<V> => {
  let b = m.get(k);
  if (b === undefined) {
    b = new KeyedBucket<V>();
    m.set(k, b);
  }
  return b;
};

const removeFrom = <V>(m: Map<string, KeyedBucket<V>>, k: string, key: string): void => {
  const b = m.get(k);
  if (b === undefined) return;
  b.delete(key);
  if (b.size === 0) m.delete(k);
};

/** One namespace's endpoints: the models as the index was built, entries once read. */
class NamespaceEndpoints {
  private raw: EndpointModel[] | undefined = [];
  private readonly made = new Map<string, EndpointEntry>();

  get size(): number {
    return this.raw?.length ?? this.made.size;
  }

  /** While the index is built (keys are new). */
  appendModel(m: EndpointModel): void {
    this.raw!.push(m);
  }

  entries(make: (m: EndpointModel) => EndpointEntry): Map<string, EndpointEntry> {
    const raw = this.raw;
    if (raw !== undefined) {
      this.raw = undefined;
      for (let i = 0; i < raw.length; i++) this.made.set(raw[i]!.key, make(raw[i]!));
    }
    return this.made;
  }

  /** The models, whether or not entries were made. */
  models(): Iterable<EndpointModel> {
    if (this.raw !== undefined) return this.raw;
    return [...this.made.values()].map((e) => e.model);
  }
}

/** Named ports that gained or lost a number (`name|proto`), for the index's delta. */
export interface PortNameSink {
  add(portName: string): void;
}

export class EndpointBuckets {
  private readonly byHost = new Map<string, KeyedBucket<EndpointModel>>();
  private readonly byNamespace = new Map<string, NamespaceEndpoints>();
  /** Only a profile's change needs it, so it is made then (see withProfile). */
  private byProfile: Map<string, KeyedBucket<EndpointModel>> | undefined;
  /** Port name → protocol → port number → how many endpoints name it so (no string is built per endpoint port). */
  private readonly portNumbers = new Map<string, Map<number, Map<number, number>>>();

  /** `make` makes a model's entry (the index knows its effective labels). */
  constructor(private readonly make: (m: EndpointModel) => EndpointEntry) {}

  /** While the index is built from a state: every key is new, so buckets are appended to. */
  addModel(model: EndpointModel): void {
    bucketOf(this.byHost, model.host).append(model.key, model);
    this.namespace(model.namespace).appendModel(model);
    this.countPorts(model, undefined);
  }

  /** An entry whose key is in no bucket (new, or its old entry just removed): appending keeps a bucket never searched by key a list. */
  add(e: EndpointEntry, changed: PortNameSink): void {
    const m = e.model;
    bucketOf(this.byHost, m.host).append(m.key, m);
    this.namespace(m.namespace).entries(this.make).set(m.key, e);
    if (this.byProfile !== undefined) for (const p of m.profiles) bucketOf(this.byProfile, p).set(m.key, m);
    this.countPorts(m, changed);
  }

  remove(e: EndpointEntry, changed: PortNameSink): void {
    const m = e.model;
    removeFrom(this.byHost, m.host, m.key);
    const inNs = this.byNamespace.get(m.namespace)!;
    inNs.entries(this.make).delete(m.key);
    if (inNs.size === 0) this.byNamespace.delete(m.namespace);
    if (this.byProfile !== undefined) for (const p of m.profiles) removeFrom(this.byProfile, p, m.key);
    for (const p of m.ports) {
      const byProto = this.portNumbers.get(p.name)!;
      const counts = byProto.get(p.protocol)!;
      const n = counts.get(p.port)! - 1;
      if (n > 0) counts.set(p.port, n);
      else {
        counts.delete(p.port);
        if (counts.size === 0) byProto.delete(p.protocol);
        if (byProto.size === 0) this.portNumbers.delete(p.name);
        changed.add(`${p.name}|${p.protocol}`);
      }
    }
  }

  /** A namespace's entries (made now if nothing read it yet). */
  entriesIn(ns: string): Map<string, EndpointEntry> | undefined {
    return this.byNamespace.get(ns)?.entries(this.make);
  }

  /** Names of the namespaces that have endpoints. */
  namespaces(): Iterable<string> {
    return this.byNamespace.keys();
  }

  /** The endpoints on `host` (unordered). */
  onHost(host: string): EndpointModel[] {
    return [...(this.byHost.get(host)?.values() ?? [])];
  }

  withProfile(profile: string): Iterable<EndpointModel> {
    if (this.byProfile === undefined) {
      const byProfile = new Map<string, KeyedBucket<EndpointModel>>();
      for (const inNs of this.byNamespace.values()) for (const m of inNs.models()) for (const p of m.profiles) bucketOf(byProfile, p).set(m.key, m);
      this.byProfile = byProfile;
    }
    return this.byProfile.get(profile)?.values() ?? [];
  }

  /** The port numbers endpoints give the named port `name` over `proto`, ascending. */
  namedPortNumbers(name: string, proto: number): number[] {
    return [...(this.portNumbers.get(name)?.get(proto)?.keys() ?? [])].sort((a, b) => a - b);
  }

  private namespace(ns: string): NamespaceEndpoints {
    let inNs = this.byNamespace.get(ns);
    if (inNs === undefined) {
      inNs = new NamespaceEndpoints();
      this.byNamespace.set(ns, inNs);
    }
    return inNs;
  }

  private countPorts(m: EndpointModel, changed: PortNameSink | undefined): void {
    const ports = m.ports;
    for (let i = 0; i < ports.length; i++) {
      const p = ports[i]!;
      let byProto = this.portNumbers.get(p.name);
      if (byProto === undefined) {
        byProto = new Map();
        this.portNumbers.set(p.name, byProto);
      }
      let counts = byProto.get(p.protocol);
      if (counts === undefined) {
        counts = new Map();
        byProto.set(p.protocol, counts);
      }
      const n = counts.get(p.port) ?? 0;
      counts.set(p.port, n + 1);
      if (n === 0) changed?.add(`${p.name}|${p.protocol}`);
    }
  }
}
