// The hash of a snapshot's content (everything but its offset). Its nftables
// objects are taken in groups — each chain's run of rules is one group, every
// other object is a group of its own — and the groups in runs of CHUNK: a
// group's digest is its object's sha256 (for a run of rules, the sha256 of
// their sha256s), a run's digest the sha256 of its groups' digests, and the
// snapshot's the sha256 of its parts with the runs' digests in place of the
// objects and multiset hashes in place of its routes and sysctls. The groups are content-defined, so a flat document and the same
// document in parts (compiler/compile/nft-parts.ts) hash alike. A set or
// verdict map is digested as its declaration and a multiset hash of its
// elements (compiler/hash/multiset.ts), so that one element more is one
// element's work.
//
// A hasher remembers, by identity, the digest of every object, rules array,
// route list and sysctl list it has seen, and the runs of its last snapshot:
// hashing the next snapshot of a host — which keeps every part that did not
// change (compiler/incremental) — digests only the new objects and the runs
// that hold them. From parts, that is a pointer comparison per chain and set,
// not a pass over every rule; given the delta, a set or map that moved by
// elements costs those elements. The function of the content is the same with or
// without that memory (snapshotHash uses a fresh hasher; the
// incremental-vs-full property holds a long-lived one, told the deltas, to
// it), so an agent and `foldnet status` agree.
import { canonicalJson, sha256Hex } from '../hash/canonical';
import { addMember, emptyLanes, Lanes, lanesHex } from '../hash/multiset';
import { type ElementDelta, type Moved, sides, type SnapshotDelta } from '../incremental/snapshot-delta';
import { NftParts, partsOf, setIn, TABLE } from './nft-parts';
import type { HostSnapshot } from './snapshot';

/** Groups per run: small enough that a changed set costs one short run, large enough that the runs' list is short. */
const CHUNK = 64;

/** A set or a verdict map: an object with elements, hashed as its declaration and the multiset of its elements. */
type Kind = 'set' | 'map';
interface Body {
  readonly name: string;
  readonly elem?: readonly unknown[];
}
type ElementsObject = { readonly set: Body } | { readonly map: Body };

const kindOf = (o: unknown): Kind | undefined => {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  return (o as { set?: unknown }).set !== undefined ? 'set' : (o as { map?: unknown }).map !== undefined ? 'map' : undefined;
};

const bodyOf = (o: ElementsObject, kind: Kind): Body => (o as Record<Kind, Body>)[kind];

const elementCount = (o: ElementsObject, kind: Kind): number => bodyOf(o, kind).elem?.length ?? 0;

/** Whether `moved` can be what turned the list `last` into `xs` (by count: cheap, and it catches a delta that missed a change). */
const addsUp = (xs: readonly unknown[], last: readonly unknown[], entries: ReadonlyMap<string, Moved<unknown>>): boolean => {
  let n = last.length;
  for (const m of entries.values()) n += (m.after === undefined ? 0 : 1) - (m.before === undefined ? 0 : 1);
  return n === xs.length;
};

/** The multiset sum of `items`, each keyed by `key`. */
const sumOf = (items: Iterable<unknown>, key: (x: unknown) => string): Lanes => {
  const sum = emptyLanes();
  for (const x of items) addMember(sum, key(x), 1);
  return sum;
};

/** `sum` with `added` members in and `removed` ones out, in a new sum. */
const moved = (sum: Lanes, added: Iterable<unknown>, removed: Iterable<unknown>, key: (x: unknown) => string): Lanes => {
  const out = sum.slice();
  for (const x of added) addMember(out, key(x), 1);
  for (const x of removed) addMember(out, key(x), -1);
  return out;
};

/** An element as a multiset member: most are addresses, taken as they are (an object's elements are all of one type). */
const memberKey = (e: unknown): string => (typeof e === 'string' ? `s${e}` : canonicalJson(e));

/** The sets and maps of a hashed document by kind and name: from parts, searched in their sorted lists; from a flat list, a scan. */
type Finder = (kind: Kind, name: string) => ElementsObject | undefined;

const inList = (xs: readonly unknown[], kind: Kind, name: string): ElementsObject | undefined =>
  xs.find((o): o is ElementsObject => kindOf(o) === kind && bodyOf(o as ElementsObject, kind).name === name);

const finder = (parts: NftParts | undefined, groups: readonly Group[]): Finder => {
  if (parts !== undefined) {
    return (kind, name) =>
      (kind === 'map' ? inList(parts.maps, kind, name) : (setIn(parts, name) as ElementsObject | undefined)) ?? inList(parts.section, kind, name);
  }
  let byName: Map<string, ElementsObject> | undefined;
  return (kind, name) => {
    if (byName === undefined) {
      byName = new Map();
      for (const g of groups) {
        const k = kindOf(g);
        if (k !== undefined) byName.set(`${k} ${bodyOf(g as ElementsObject, k).name}`, g as ElementsObject);
      }
    }
    return byName.get(`${kind} ${name}`);
  };
};

/** An nft object, or a chain's run of rules (an array). */
type Group = unknown;

const ruleChain = (o: unknown): string | undefined => (o as { rule?: { chain?: string } }).rule?.chain;

/** A flat list of objects in groups: consecutive rules of one chain together. */
const groupsOfFlat = (objects: readonly unknown[], into: Group[]): void => {
  let run: unknown[] | undefined;
  let chain: string | undefined;
  for (const o of objects) {
    const c = typeof o === 'object' && o !== null ? ruleChain(o) : undefined;
    if (c !== undefined && run !== undefined && c === chain) {
      run.push(o);
      continue;
    }
    if (c !== undefined) {
      run = [o];
      chain = c;
      into.push(run);
    } else {
      run = undefined;
      into.push(o);
    }
  }
};

/** The same groups from parts: each chain's rules array is its group, as it stands (no copy). */
const groupsOfParts = (p: NftParts, into: Group[]): void => {
  into.push(TABLE);
  for (const c of p.chains) into.push(c.decl);
  for (const s of p.sets) into.push(s);
  for (const m of p.maps) into.push(m);
  for (const c of p.chains) if (c.rules.length > 0) into.push(c.rules);
  // The section names chains of its own, so its first rules never continue the last chain's.
  groupsOfFlat(p.section, into);
};

/** SHA-256 of a string's UTF-8 bytes, as lowercase hex. */
export type Sha256Hex = (text: string) => string;

export class SnapshotHasher {
  /** `sha`: any SHA-256 (the shell hands in the platform's, two to ten times faster than the pure one; same digests). */
  constructor(private readonly sha: Sha256Hex = sha256Hex) {}

  /** Objects and arrays of emitted snapshots are never changed after they are made; a changed one is a new one. */
  private readonly digests = new WeakMap<object, string>();
  /** Multiset sums by identity: of set and map objects' elements (elementSum), of route and sysctl lists (listDigest). */
  private readonly sums = new WeakMap<object, Lanes>();
  /** The last snapshot's groups and the digests of its runs. */
  private last: {
    readonly groups: readonly Group[];
    readonly find: Finder;
    readonly runs: readonly string[];
    readonly routes?: readonly unknown[];
    readonly sysctls?: readonly unknown[];
    readonly hash?: string;
  } = { groups: [], find: () => undefined, runs: [] };

  /** The hash of the last snapshot hashed: a caller's delta must start from that content. */
  get lastHash(): string | undefined {
    return this.last.hash;
  }

  private digest(o: unknown): string {
    if (typeof o !== 'object' || o === null) return this.sha(canonicalJson(o));
    let d = this.digests.get(o);
    if (d === undefined) {
      if (Array.isArray(o)) d = this.sha(o.map((r) => this.digest(r)).join(','));
      else {
        const kind = kindOf(o);
        d = kind === undefined
          ? this.sha(canonicalJson(o))
          : this.sha(`${canonicalJson({ [kind]: { ...bodyOf(o as ElementsObject, kind), elem: undefined } })}#${lanesHex(this.elementSum(o as ElementsObject, kind))}`);
      }
      this.digests.set(o, d);
    }
    return d;
  }

  /** A set's or map's elements as a multiset hash: carried forward from the last snapshot's object when the delta says how they moved. */
  private elementSum(o: ElementsObject, kind: Kind): Lanes {
    let sum = this.sums.get(o);
    if (sum === undefined) {
      sum = sumOf(bodyOf(o, kind).elem ?? [], memberKey);
      this.sums.set(o, sum);
    }
    return sum;
  }

  /**
   * Sums for the sets and maps the delta moved by elements, from their
   * objects in the last snapshot: the new objects are then digested by their
   * change. Sets the delta also adds or removes (made again within a burst)
   * are left to be summed whole.
   */
  private carrySums(now: Finder, delta: SnapshotDelta): void {
    const moves: Array<[Kind, string, ElementDelta]> = [];
    for (const [name, change] of delta.sets.elements) if (!delta.sets.added.has(name) && !delta.sets.removed.has(name)) moves.push(['set', name, change]);
    for (const [name, change] of delta.maps) moves.push(['map', name, change]);
    for (const [kind, name, change] of moves) {
      const was = this.last.find(kind, name);
      const is = now(kind, name);
      const sum = was === undefined ? undefined : this.sums.get(was);
      if (is === undefined || sum === undefined || this.sums.has(is)) continue;
      // A delta that does not add up (not the change since the last snapshot) is not trusted: the object is summed whole.
      if (elementCount(is, kind) !== elementCount(was!, kind) + change.add.size - change.del.size) continue;
      this.sums.set(is, moved(sum, change.add.values(), change.del.values(), memberKey));
    }
  }

  /**
   * A route or sysctl list as a multiset hash of its entries (the lists are
   * sorted by what they hold, so the multiset is the content), remembered by
   * identity: the compiler hands on the same list while it does not change,
   * and given the entries the delta says moved since the last list, a new one
   * costs those entries, not the host's every route.
   */
  private listDigest(xs: readonly unknown[], last: readonly unknown[] | undefined, entries: ReadonlyMap<string, Moved<unknown>> | undefined): string {
    let sum = this.sums.get(xs);
    if (sum === undefined) {
      const was = last === undefined || entries === undefined ? undefined : this.sums.get(last);
      if (was !== undefined && addsUp(xs, last!, entries!)) {
        const [before, after] = sides(entries!);
        sum = moved(was, after, before, canonicalJson);
      } else sum = sumOf(xs, canonicalJson);
      this.sums.set(xs, sum);
    }
    return lanesHex(sum);
  }

  private run(groups: readonly Group[], from: number): string {
    const to = Math.min(groups.length, from + CHUNK);
    const prev = this.last.groups;
    // The last snapshot's run at this place covered the same places, with the same groups in each.
    let same = Math.min(prev.length, from + CHUNK) === to;
    for (let i = from; same && i < to; i++) same = groups[i] === prev[i];
    if (same) return this.last.runs[from / CHUNK]!;
    const parts = new Array<string>(to - from);
    for (let i = from; i < to; i++) parts[i - from] = this.digest(groups[i]);
    return this.sha(parts.join(','));
  }

  /**
   * `delta`, when given, is what changed since the last snapshot this hasher
   * hashed (or one of the same content: `lastHash`), as the incremental
   * compiler reports it (summed, DeltaAccumulator, when snapshots were
   * skipped): a set it moved by elements is then rehashed by those elements,
   * not whole. Any other delta gives a wrong hash, silently — except where
   * its counts do not add up to the new snapshot's (elements of a set or
   * map, routes, sysctls), which is checked, and then that part is hashed
   * whole.
   */
  hash(s: HostSnapshot, delta?: SnapshotDelta): string {
    const groups: Group[] = [];
    const parts = partsOf(s.nftables);
    if (parts === undefined) groupsOfFlat(s.nftables.nftables, groups);
    else groupsOfParts(parts, groups);
    const find = finder(parts, groups);
    if (delta !== undefined) this.carrySums(find, delta);
    const runs: string[] = [];
    for (let from = 0; from < groups.length; from += CHUNK) runs.push(this.run(groups, from));
    const routes = this.listDigest(s.routes, this.last.routes, delta?.routes);
    const sysctls = this.listDigest(s.sysctls, this.last.sysctls, delta?.sysctls);
    const hash = this.sha(canonicalJson({ host: s.host, routes, bird: s.bird, sysctls, nftables: runs }));
    this.last = { groups, find, runs, routes: s.routes, sysctls: s.sysctls, hash };
    return hash;
  }
}

export const snapshotHash = (s: HostSnapshot, sha: Sha256Hex = sha256Hex): string => new SnapshotHasher(sha).hash(s);
