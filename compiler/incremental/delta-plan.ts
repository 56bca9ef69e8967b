// planFromDelta(prev, next, delta): the applier's plan from one committed
// snapshot to the next, made from what the incremental compiler says changed
// instead of from a diff of the two rulesets. It writes exactly the commands
// compiler/plan's planIndexed writes for the same pair of emitted snapshots,
// in the same order (flushes, element deletes, object deletes, chain adds,
// set adds and elements, map elements, rules) — the property test holds it
// to that — but touches only the objects the delta names: a selector gaining
// a member in a set of 100,000 is one element, never a pass over the set.
// Routes and sysctls are planned as compiler/plan does, from the ones the
// delta names; BIRD's config from the two texts.
import { byString } from '../model/sort';
import { planBird } from '../plan/bird-plan';
import { planRoutes } from '../plan/routes-plan';
import { planSysctls } from '../plan/sysctls-plan';
import { Plan } from '../plan/types';
import type { HostSnapshot } from '../compile/snapshot';
import { chainIn, NftDocumentValue, partsOf, setIn } from '../compile/nft-parts';
import { jsonEqual } from './json-equal';
import { ElementDelta, elementKey, SnapshotDelta, sides } from './snapshot-delta';

type Obj = Record<string, any>;

interface DocumentView {
  readonly chains: ReadonlyMap<string, { decl: Obj; rules: Obj[] }>;
  readonly sets: ReadonlyMap<string, Obj>;
}

/** The chains (with their rules) and sets among `objects` (a flat document, or part of one) that are named. */
const scan = (objects: readonly unknown[], chainNames: ReadonlySet<string>, setNames: ReadonlySet<string>, into: DocumentView): void => {
  const chains = into.chains as Map<string, { decl: Obj; rules: Obj[] }>;
  for (const o of objects as Obj[]) {
    if (o.rule !== undefined) {
      if (chainNames.has(o.rule.chain)) chains.get(o.rule.chain)?.rules.push(o.rule);
    } else if (o.chain !== undefined) {
      if (chainNames.has(o.chain.name)) chains.set(o.chain.name, { decl: o.chain, rules: [] });
    } else if (o.set !== undefined && setNames.has(o.set.name)) (into.sets as Map<string, Obj>).set(o.set.name, o.set);
  }
};

/**
 * The chains (with their rules) and sets of an emitted document that the
 * delta names, by name, elements untouched. A document in parts (the
 * incremental compiler's) is searched by name, a flat one in one pass; and
 * none is read when the delta names nothing (an endpoint like others:
 * elements only), so such a plan costs the delta, not the document.
 */
const view = (doc: NftDocumentValue, chainNames: ReadonlySet<string>, setNames: ReadonlySet<string>): DocumentView => {
  const out: DocumentView = { chains: new Map(), sets: new Map() };
  if (chainNames.size + setNames.size === 0) return out;
  const parts = partsOf(doc);
  if (parts === undefined) {
    scan(doc.nftables, chainNames, setNames, out);
    return out;
  }
  const chains = out.chains as Map<string, { decl: Obj; rules: Obj[] }>;
  for (const n of chainNames) {
    const c = chainIn(parts, n);
    if (c !== undefined) chains.set(n, { decl: (c.decl as Obj).chain, rules: (c.rules as Obj[]).map((r) => r.rule) });
  }
  for (const n of setNames) {
    const o = setIn(parts, n) as Obj | undefined;
    if (o !== undefined) (out.sets as Map<string, Obj>).set(n, o.set);
  }
  // The section's own chains and sets (it shares none with the rest) are few: read in one pass.
  scan(parts.section, chainNames, setNames, out);
  return out;
};

/** What decides whether a chain is rewritten, as compiler/plan compares them. */
const ruleBody = (r: Obj) => ({ expr: r.expr, comment: r.comment });


const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(byString);

const TABLE = { family: 'inet', table: 'foldnet' } as const;
const ref = (name: string) => ({ ...TABLE, name });

const elementsIn = (e: ElementDelta, side: 'add' | 'del'): unknown[] => sorted(e[side].keys()).map((k) => e[side].get(k));

/** Element keys of a set object, for the rare set removed and added again within one delta. */
const elementMap = (set: Obj | undefined): Map<string, unknown> => new Map(((set?.elem ?? []) as unknown[]).map((e) => [elementKey(e), e]));

/** A set removed and added again keeps its name, hence its meaning and type: it changes by elements, as compiler/plan treats it. */
const asElementChanges = (a: DocumentView, d: DocumentView, delta: SnapshotDelta): { elements: Map<string, ElementDelta>; removed: string[]; added: string[] } => {
  const elements = new Map(delta.sets.elements);
  for (const n of delta.sets.removed) {
    if (!delta.sets.added.has(n)) continue;
    const have = elementMap(a.sets.get(n));
    const want = elementMap(d.sets.get(n));
    elements.set(n, {
      add: new Map([...want].filter(([k]) => !have.has(k))),
      del: new Map([...have].filter(([k]) => !want.has(k))),
    });
  }
  const both = (n: string) => delta.sets.removed.has(n) && delta.sets.added.has(n);
  return { elements, removed: [...delta.sets.removed].filter((n) => !both(n)), added: [...delta.sets.added].filter((n) => !both(n)) };
};

export const planFromDelta = (prev: HostSnapshot, next: HostSnapshot, delta: SnapshotDelta): Plan => {
  const { rewritten, removed, added: addedChains } = delta.chains;
  const readded = new Set([...delta.sets.removed].filter((n) => delta.sets.added.has(n)));
  const a = view(prev.nftables, new Set([...rewritten, ...removed]), readded);
  const d = view(next.nftables, new Set([...rewritten, ...addedChains]), delta.sets.added);
  const out: Obj[] = [];
  // A chain rewritten back to what it was (within a burst) is left alone.
  const rewrite = [...delta.chains.rewritten].filter((n) => !jsonEqual(a.chains.get(n)?.rules.map(ruleBody), d.chains.get(n)?.rules.map(ruleBody)));
  const gone = delta.chains.removed;
  const sets = asElementChanges(a, d, delta);

  // 1. Chains to rewrite or delete lose their rules first.
  for (const n of sorted([...rewrite, ...gone])) if ((a.chains.get(n)?.rules.length ?? 0) > 0) out.push({ flush: { chain: ref(n) } });

  // 2. Verdict-map elements that go (by key), their replacements come in step 7.
  const mapNames = sorted(delta.maps.keys());
  for (const n of mapNames) {
    const dels = elementsIn(delta.maps.get(n)!, 'del') as Array<[unknown, unknown]>;
    if (dels.length > 0) out.push({ delete: { element: { ...ref(n), elem: dels.map((e) => e[0]) } } });
  }

  // 3. Set elements that go, in sets that stay.
  const kept = sorted(sets.elements.keys());
  for (const n of kept) {
    const dels = elementsIn(sets.elements.get(n)!, 'del');
    if (dels.length > 0) out.push({ delete: { element: { ...ref(n), elem: dels } } });
  }

  // 4. Sets and chains that go (nothing names them any more).
  for (const n of sorted(sets.removed)) out.push({ delete: { set: ref(n) } });
  for (const n of sorted(gone)) out.push({ delete: { chain: ref(n) } });

  // 5. New chains, declared before anything names them.
  const added = sorted(delta.chains.added);
  for (const n of added) out.push({ add: { chain: d.chains.get(n)!.decl } });

  // 6, 7. New sets whole; elements of kept sets; map elements.
  for (const n of sorted(sets.added)) out.push({ add: { set: d.sets.get(n)! } });
  for (const n of kept) {
    const adds = elementsIn(sets.elements.get(n)!, 'add');
    if (adds.length > 0) out.push({ add: { element: { ...ref(n), elem: adds } } });
  }
  for (const n of mapNames) {
    const adds = elementsIn(delta.maps.get(n)!, 'add');
    if (adds.length > 0) out.push({ add: { element: { ...ref(n), elem: adds } } });
  }

  // 8. Rules of every chain added or emptied, in order.
  for (const n of sorted([...rewrite, ...added])) for (const r of d.chains.get(n)!.rules) out.push({ add: { rule: r } });

  return {
    nft: out,
    // Routes and sysctls are planned per destination and per key, so the ones the delta names are the whole plan.
    routes: planRoutes(...sides(delta.routes)),
    sysctls: planSysctls(...sides(delta.sysctls)),
    ...planBird(prev.bird, next.bird),
  };
};
