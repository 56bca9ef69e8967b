// What changed between two snapshots of one host, as the incremental
// compiler knows it without comparing them: nft objects added, removed or
// rewritten (chains whose rules changed), set and map elements that came and
// went in objects that stayed, the routes (by destination) and sysctls (by
// key) that may have changed, with what they were and are, and whether the
// BIRD config changed. Deltas of consecutive updates compose (DeltaAccumulator), so an
// agent that applies after a burst of events plans from one delta. Turning a
// delta into an nft transaction is delta-plan.ts's job.
import type { RouteModel, SysctlModel } from '../compile/snapshot';
import { canonicalJson } from '../hash/canonical';
import { jsonEqual } from './json-equal';
import type { Moved } from './sorted-table';

export interface ElementDelta {
  /** Elements that came, and went, keyed by canonical JSON (of the element; of its key, for map elements). */
  readonly add: ReadonlyMap<string, unknown>;
  readonly del: ReadonlyMap<string, unknown>;
}

export interface SnapshotDelta {
  readonly chains: { readonly added: ReadonlySet<string>; readonly removed: ReadonlySet<string>; readonly rewritten: ReadonlySet<string> };
  readonly sets: { readonly added: ReadonlySet<string>; readonly removed: ReadonlySet<string>; readonly elements: ReadonlyMap<string, ElementDelta> };
  /** Verdict-map elements by map; a changed verdict is a del and an add of the same key. */
  readonly maps: ReadonlyMap<string, ElementDelta>;
  /** Routes by destination, sysctls by key, that changed: what there was before (undefined: none) and is after. */
  readonly routes: ReadonlyMap<string, Moved<RouteModel>>;
  readonly sysctls: ReadonlyMap<string, Moved<SysctlModel>>;
  readonly bird: boolean;
}

export type { Moved };

/** The entries the delta moved as they were and as they are (absent ones left out): the two lists a plan compares, or a hash moves between. */
export const sides = <T>(moved: ReadonlyMap<string, Moved<T>>): [T[], T[]] => {
  const before: T[] = [];
  const after: T[] = [];
  for (const m of moved.values()) {
    if (m.before !== undefined) before.push(m.before);
    if (m.after !== undefined) after.push(m.after);
  }
  return [before, after];
};

export const isEmptyDelta = (d: SnapshotDelta): boolean =>
  d.chains.added.size + d.chains.removed.size + d.chains.rewritten.size + d.sets.added.size + d.sets.removed.size === 0 &&
  [...d.sets.elements.values(), ...d.maps.values()].every((e) => e.add.size + e.del.size === 0) && d.routes.size + d.sysctls.size === 0 && !d.bird;

/** Element key for the canonical order and identity of an element (as compiler/plan keys them). */
export const elementKey = (e: unknown): string => (typeof e === 'string' ? JSON.stringify(e) : canonicalJson(e));

type MutableElements = { add: Map<string, unknown>; del: Map<string, unknown> };

/**
 * Collects deltas in order into one. An object added then removed is gone
 * from the result; removed then added is rewritten (for chains) or removed
 * and added (for sets, whose declaration may differ). Element changes to an
 * object added or removed within the window are absorbed by that.
 */
export class DeltaAccumulator {
  private readonly chainAdded = new Set<string>();
  private readonly chainRemoved = new Set<string>();
  private readonly chainRewritten = new Set<string>();
  private readonly setAdded = new Set<string>();
  private readonly setRemoved = new Set<string>();
  private readonly setElements = new Map<string, MutableElements>();
  private readonly mapElements = new Map<string, MutableElements>();
  private readonly routes = new Map<string, { before: RouteModel | undefined; after: RouteModel | undefined }>();
  private readonly sysctls = new Map<string, { before: SysctlModel | undefined; after: SysctlModel | undefined }>();
  private bird = false;

  add(d: SnapshotDelta): void {
    for (const n of d.chains.removed) this.removeChain(n);
    for (const n of d.chains.added) this.addChain(n);
    for (const n of d.chains.rewritten) this.rewriteChain(n);
    for (const n of d.sets.removed) this.removeSet(n);
    for (const n of d.sets.added) this.addSet(n);
    for (const [n, e] of d.sets.elements) this.changeSetElements(n, e);
    for (const [n, e] of d.maps) this.changeMapElements(n, e);
    for (const [dst, m] of d.routes) this.moveRoute(dst, m.before, m.after);
    for (const [key, m] of d.sysctls) this.moveSysctl(key, m.before, m.after);
    this.changed({ bird: d.bird });
  }

  /** The route to `dst` was `before` and is now `after` (the first before and the last after of a window count). */
  moveRoute(dst: string, before: RouteModel | undefined, after: RouteModel | undefined): void {
    moveIn(this.routes, dst, before, after);
  }

  moveSysctl(key: string, before: SysctlModel | undefined, after: SysctlModel | undefined): void {
    moveIn(this.sysctls, key, before, after);
  }

  removeChain(n: string): void {
    if (this.chainAdded.delete(n)) return;
    this.chainRewritten.delete(n);
    this.chainRemoved.add(n);
  }

  addChain(n: string): void {
    if (this.chainRemoved.delete(n)) this.chainRewritten.add(n);
    else this.chainAdded.add(n);
  }

  rewriteChain(n: string): void {
    if (!this.chainAdded.has(n)) this.chainRewritten.add(n);
  }

  removeSet(n: string): void {
    this.setElements.delete(n);
    if (!this.setAdded.delete(n)) this.setRemoved.add(n);
  }

  addSet(n: string): void {
    this.setElements.delete(n);
    this.setAdded.add(n);
  }

  changeSetElements(n: string, e: ElementDelta): void {
    if (!this.setAdded.has(n)) merge(this.setElements, n, e);
  }

  changeMapElements(n: string, e: ElementDelta): void {
    merge(this.mapElements, n, e);
  }

  changed(parts: { bird?: boolean }): void {
    this.bird ||= parts.bird ?? false;
  }

  result(): SnapshotDelta {
    return {
      chains: { added: new Set(this.chainAdded), removed: new Set(this.chainRemoved), rewritten: new Set(this.chainRewritten) },
      sets: { added: new Set(this.setAdded), removed: new Set(this.setRemoved), elements: copy(this.setElements) },
      maps: copy(this.mapElements),
      routes: moved(this.routes),
      sysctls: moved(this.sysctls),
      bird: this.bird,
    };
  }
}

const moveIn = <T>(into: Map<string, { before: T | undefined; after: T | undefined }>, key: string, before: T | undefined, after: T | undefined): void => {
  const m = into.get(key);
  if (m === undefined) into.set(key, { before, after });
  else m.after = after;
};

/** The entries that did change: one that came back as it was is no change. */
const moved = <T>(m: Map<string, { before: T | undefined; after: T | undefined }>): Map<string, Moved<T>> =>
  new Map([...m].filter(([, x]) => !jsonEqual(x.before, x.after)).map(([k, x]) => [k, { before: x.before, after: x.after }]));

const merge = (into: Map<string, MutableElements>, name: string, e: ElementDelta): void => {
  let m = into.get(name);
  if (m === undefined) {
    m = { add: new Map(), del: new Map() };
    into.set(name, m);
  }
  // A del after an add of the same element cancels it; an add after a del re-adds what was there.
  for (const [k, v] of e.del) {
    if (!m.add.delete(k)) m.del.set(k, v);
  }
  for (const [k, v] of e.add) {
    const was = m.del.get(k);
    if (was !== undefined && sameJson(was, v)) m.del.delete(k);
    else m.add.set(k, v);
  }
};

/** A verdict-map element keyed by its key may come back with another verdict: then both the del and the add stay. */
const sameJson = (a: unknown, b: unknown): boolean => a === b || canonicalJson(a) === canonicalJson(b);

const copy = (m: Map<string, MutableElements>): Map<string, ElementDelta> =>
  new Map([...m].filter(([, e]) => e.add.size + e.del.size > 0).map(([n, e]) => [n, { add: new Map(e.add), del: new Map(e.del) }]));
