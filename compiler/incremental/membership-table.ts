// The memberships a cluster index keeps, bucketed by what can bring an
// endpoint into them — its namespace (namespaced scopes), a named port it
// carries (port-narrowed scopes), or nothing in particular (cluster-wide
// scopes) — so that an endpoint that appears or changes is evaluated only
// against memberships it could be in, and after a label edit only against
// those whose selector reads an edited key. Which endpoints exist and what
// their labels are is the index's to say (TableContext).
import { matches, SelectorCache } from '../selector';
import { Labels } from '../compile/labels';
import { Scope } from '../compile/scope';
import { ChangeSink, MemberView, Membership, membershipId, NamedPortKey, portKey } from './memberships';

export type TableEntry = MemberView;

export interface TableContext {
  readonly cache: SelectorCache;
  namespaceLabels(ns: string): Labels;
  /** Endpoints of one namespace. */
  inNamespace(ns: string): Iterable<TableEntry>;
  /** Names of the namespaces that have endpoints. */
  namespaces(): Iterable<string>;
}

const intersects = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => {
  for (const x of a) if (b.has(x)) return true;
  return false;
};

/**
 * Who is in what is kept on the memberships alone (no per-endpoint list):
 * an endpoint's memberships are found through the same buckets that decide
 * which memberships it could join.
 */
export class MembershipTable {
  private readonly ids = new Map<string, Membership>();
  private readonly byNamespace = new Map<string, Set<Membership>>();
  private readonly clusterWide = new Set<Membership>();
  private readonly byPort = new Map<string, Set<Membership>>();
  private readonly withNamespaceSelector = new Set<Membership>();

  constructor(private readonly ctx: TableContext) {}

  get(scope: Scope, port?: NamedPortKey): Membership {
    const id = membershipId(scope, port);
    const hit = this.ids.get(id);
    if (hit !== undefined) return hit;
    this.prepare([{ scope, port }]);
    return this.ids.get(id)!;
  }

  /**
   * Evaluates the memberships asked for that do not exist yet, together: one
   * pass over each namespace's endpoints asks every membership that can hold
   * them, so an endpoint is read from memory once, not once per membership
   * (a host's first compile evaluates a hundred or more over the cluster).
   */
  prepare(wanted: Iterable<{ readonly scope: Scope; readonly port?: NamedPortKey | undefined }>): void {
    const everywhere: Membership[] = [];
    const inNs = new Map<string, Membership[]>();
    const selecting: Membership[] = [];
    for (const w of wanted) {
      const id = membershipId(w.scope, w.port);
      if (this.ids.has(id)) continue;
      const m = new Membership(w.scope, w.port, this.ctx.cache);
      this.ids.set(id, m);
      this.bucketOf(m).add(m);
      if (m.namespaceSelector !== undefined) {
        this.withNamespaceSelector.add(m);
        selecting.push(m);
      } else if (m.scope.kind === 'namespace') push(inNs, m.scope.namespace, m);
      else everywhere.push(m);
    }
    if (everywhere.length + inNs.size + selecting.length === 0) return;
    for (const ns of this.ctx.namespaces()) {
      let ms = inNs.get(ns) ?? [];
      if (everywhere.length > 0) ms = ms.length === 0 ? everywhere : [...everywhere, ...ms];
      if (selecting.length > 0) {
        const labels = this.ctx.namespaceLabels(ns);
        const picked = selecting.filter((m) => matches(m.namespaceSelector!, labels));
        if (picked.length > 0) ms = [...ms, ...picked];
      }
      if (ms.length === 0) continue;
      // The namespaces are the memberships' already: each endpoint is asked only for its port and the selector.
      for (const e of this.ctx.inNamespace(ns)) admit(ms, e);
    }
  }

  /** Forgets a membership (it is evaluated again if asked for later). */
  drop(id: string): void {
    const m = this.ids.get(id);
    if (m === undefined) return;
    this.ids.delete(id);
    this.bucketOf(m).delete(m);
    this.withNamespaceSelector.delete(m);
  }

  /**
   * An endpoint changed from `old` to `next` (either may be absent). Leaves
   * happen now; joins in the returned step, which the caller runs after every
   * other endpoint of the batch has left what it leaves. `labelKeys`, when
   * given, says only those labels changed (addresses and ports did not).
   */
  reevaluate(key: string, old: TableEntry | undefined, next: TableEntry | undefined, labelKeys: ReadonlySet<string> | undefined, sink: ChangeSink): () => void {
    const nsLabels = this.ctx.namespaceLabels;
    /** Memberships the endpoint is in after this step that it was in before, or has joined. */
    const stay = new Set<Membership>();
    if (old !== undefined)
      for (const bucket of this.bucketsFor(old))
        for (const m of bucket) {
          if (stay.has(m) || !m.holds(key, old, nsLabels)) continue;
          const keeps = next !== undefined && labelKeys !== undefined && (!intersects(m.keys, labelKeys) || m.admits(next, nsLabels));
          if (keeps) {
            stay.add(m);
            m.refresh(key, next);
          } else m.leave(key, old, sink);
        }
    // Every membership holding the endpoint now is in `stay`: it was in one of old's buckets, and left or stayed.
    return () => {
      if (next === undefined) return;
      for (const bucket of this.bucketsFor(next)) {
        for (const m of bucket) {
          if (stay.has(m)) continue;
          if (labelKeys !== undefined && !intersects(m.keys, labelKeys)) continue;
          if (!m.admits(next, nsLabels)) continue;
          m.join(key, next, sink);
          stay.add(m); // a bucket listed twice (a port named twice) joins once
        }
      }
    };
  }

  /** A namespace's labels changed: memberships that select namespaces are evaluated again for its endpoints. */
  namespaceRelabelled(ns: string, sink: ChangeSink): void {
    const nsLabels = this.ctx.namespaceLabels;
    for (const m of this.withNamespaceSelector) {
      for (const e of this.ctx.inNamespace(ns)) {
        const key = e.model.key;
        const was = m.has(key);
        const is = m.admits(e, nsLabels);
        if (was === is) continue;
        if (is) m.join(key, e, sink);
        else m.leave(key, m.member(key)!, sink);
      }
    }
  }

  private bucketsFor(e: TableEntry): Array<ReadonlySet<Membership>> {
    const out: Array<ReadonlySet<Membership>> = [this.clusterWide];
    const ns = this.byNamespace.get(e.model.namespace);
    if (ns !== undefined) out.push(ns);
    for (const p of e.model.ports) {
      const b = this.byPort.get(portKey({ name: p.name, proto: p.protocol, port: p.port }));
      if (b !== undefined) out.push(b);
    }
    return out;
  }

  private bucketOf(m: Membership): Set<Membership> {
    if (m.port !== undefined) return bucket(this.byPort, portKey(m.port));
    if (m.scope.kind === 'namespace') return bucket(this.byNamespace, m.scope.namespace);
    return this.clusterWide;
  }
}

const admit = (ms: readonly Membership[], e: TableEntry): void => {
  for (let i = 0; i < ms.length; i++) if (ms[i]!.admitsInScope(e)) ms[i]!.found1(e);
};

const push = <V>(m: Map<string, V[]>, k: string, v: V): void => {
  const xs = m.get(k);
  if (xs === undefined) m.set(k, [v]);
  else xs.push(v);
};

const bucket = (m: Map<string, Set<Membership>>, k: string): Set<Membership> => {
  let s = m.get(k);
  if (s === undefined) {
    s = new Set();
    m.set(k, s);
  }
  return s;
};
