// planNft(actual, desired): the one nft transaction that turns the ruleset
// `actual` into `desired`, both normalised documents of table `inet foldnet`,
// touching only what differs. Sets and maps change by elements (a selector
// gaining a member is one element, never a rewrite); a chain whose rules
// differ is flushed and refilled, others are left alone; what disappeared is
// deleted after whatever refers to it has been flushed or removed. The
// commands are ordered so the kernel accepts them in sequence:
//   1 flush chains to rewrite or delete     5 add chains (new, recreated, policy)
//   2 delete map elements, flush dead maps  6 add sets, set elements
//   3 delete set elements                   7 add maps, map elements
//   4 delete maps, sets, chains             8 add rules of added/rewritten chains
// Whether a transaction is accepted and what it leaves is foldNftDocument's
// to say (the tests hold this plan to it); reading and loading is the applier's.
import type { NftChain, NftCommand, NftDocument, NftElem, NftMap, NftMapElem, NftSet } from '../nft/schema';
import { lookupsOf } from '../nft/references';
import { byString } from '../model/sort';
import { chainKindKey, chainPolicy, indexDocument, NftIndex, ruleTargets, setKindKey, verdictTarget } from './nft-index';

export interface NftPlanOptions {
  /** The table exists but could not be read: replace it whole. */
  readonly replaceTable?: boolean;
}

interface Where { readonly family: 'inet'; readonly table: string }

// Callers filter before sorting: a set of 500k elements that gains one sorts one key, not 500k.
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(byString);

/** Every object of a document as an `add`, in its own order (declarations before use). */
const addAll = (d: NftIndex): NftCommand[] => d.objects.map((o) => ({ add: o }) as NftCommand);

const deleteTable = (w: Where): NftCommand => ({ delete: { table: { family: w.family, name: w.table } } });

export const planNft = (actual: NftDocument | undefined, desired: NftDocument, options: NftPlanOptions = {}): NftCommand[] =>
  planNftIndexed(actual === undefined ? undefined : indexDocument(actual), indexDocument(desired), options);

/** planNft on documents indexed beforehand (a caller that plans from memory keeps its side's index). */
export const planNftIndexed = (actual: NftIndex | undefined, desired: NftIndex, options: NftPlanOptions = {}): NftCommand[] => {
  const want = desired.table;
  const have = actual?.table;
  if (want === undefined) {
    if (options.replaceTable) return [deleteTable({ family: 'inet', table: 'foldnet' })];
    return have === undefined ? [] : [deleteTable(have)];
  }
  if (options.replaceTable) return [deleteTable(want), ...addAll(desired)];
  if (actual === undefined || have === undefined) return addAll(desired);
  if (have.table !== want.table) return [deleteTable(have), ...addAll(desired)];
  return diffIndexed(actual, desired, want);
};

/** Whether a chain's rules are equal on both sides: the same rule objects, else the same canonical text. */
const sameRules = (a: NftIndex, d: NftIndex, chain: string): boolean => {
  const x = a.rules.get(chain) ?? [];
  const y = d.rules.get(chain) ?? [];
  if (x.length === y.length && x.every((r, i) => r === y[i])) return true;
  return a.rulesKeys.get(chain) === d.rulesKeys.get(chain);
};

const diffIndexed = (a: NftIndex, d: NftIndex, at: Where): NftCommand[] => {
  const ref = (name: string) => ({ ...at, name });

  // Chains.
  const removedChains = sorted([...a.chains.keys()].filter((n) => !d.chains.has(n)));
  const commonChains = sorted([...a.chains.keys()].filter((n) => d.chains.has(n)));
  const recreatedChains = commonChains.filter((n) => chainKindKey(a.chains.get(n)!) !== chainKindKey(d.chains.get(n)!));
  const goneChains = new Set([...removedChains, ...recreatedChains]);
  const newChains = sorted([...d.chains.keys()].filter((n) => !a.chains.has(n)));
  const policyChains = commonChains.filter((n) => !goneChains.has(n) && chainPolicy(a.chains.get(n)!) !== chainPolicy(d.chains.get(n)!));

  // Sets and maps (a name may move between the two kinds: that is a removal and an addition).
  const removed = <V>(have: ReadonlyMap<string, V>, want: ReadonlyMap<string, V>): string[] => sorted([...have.keys()].filter((n) => !want.has(n)));
  const recreated = <V extends NftSet | NftMap>(have: ReadonlyMap<string, V>, want: ReadonlyMap<string, V>): string[] =>
    sorted([...have.keys()].filter((n) => want.has(n) && setKindKey(have.get(n)!) !== setKindKey(want.get(n)!)));
  const goneSets = new Set([...removed(a.sets, d.sets), ...recreated(a.sets, d.sets)]);
  const goneMaps = new Set([...removed(a.maps, d.maps), ...recreated(a.maps, d.maps)]);
  const keptSets = sorted([...a.sets.keys()].filter((n) => d.sets.has(n) && !goneSets.has(n)));
  const keptMaps = sorted([...a.maps.keys()].filter((n) => d.maps.has(n) && !goneMaps.has(n)));
  const addedSets = sorted([...d.sets.keys()].filter((n) => !a.sets.has(n) || goneSets.has(n)));
  const addedMaps = sorted([...d.maps.keys()].filter((n) => !a.maps.has(n) || goneMaps.has(n)));

  // A kept chain is rewritten when its rules differ, or when they name an object about to be deleted.
  const namesGone = (chain: string): boolean =>
    (a.rules.get(chain) ?? []).some((r) => {
      const { sets, maps } = lookupsOf(r);
      return sets.some((s) => goneSets.has(s)) || maps.some((m) => goneMaps.has(m)) || ruleTargets(r).some((t) => goneChains.has(t));
    });
  const rewrite = commonChains.filter(
    (n) => !goneChains.has(n) && (!sameRules(a, d, n) || namesGone(n)),
  );

  const out: NftCommand[] = [];
  // 1. Empty the chains to rewrite or delete: their references to other objects go with their rules.
  for (const n of sorted([...rewrite, ...goneChains])) if ((a.rules.get(n) ?? []).length > 0) out.push({ flush: { chain: ref(n) } });

  // 2. Map elements that go or change verdict; maps about to be deleted lose theirs first.
  const mapAdds: Array<[string, NftMapElem[]]> = [];
  for (const n of keptMaps) {
    // The same object on both sides (a snapshot patched by the incremental compiler) has the same elements.
    if (a.maps.get(n) === d.maps.get(n) && recreatedChains.length === 0) continue;
    const have = a.mapElems.get(n)!;
    const want = d.mapElems.get(n)!;
    const stale = (key: string): boolean => {
      const h = have.get(key)!;
      const w = want.get(key);
      const target = verdictTarget(h.elem);
      return w === undefined || w.verdictKey !== h.verdictKey || (target !== undefined && goneChains.has(target));
    };
    const dels = sorted([...have.keys()].filter(stale));
    if (dels.length > 0) out.push({ delete: { element: { ...ref(n), elem: dels.map((k) => have.get(k)!.elem[0]) } } });
    const deleted = new Set(dels);
    const adds = sorted([...want.keys()].filter((k) => !have.has(k) || deleted.has(k))).map((k) => want.get(k)!.elem);
    if (adds.length > 0) mapAdds.push([n, adds]);
  }
  for (const n of sorted(goneMaps)) if ((a.maps.get(n)!.elem ?? []).length > 0) out.push({ flush: { map: ref(n) } });

  // 3. Set elements that go.
  const setAdds: Array<[string, NftElem[]]> = [];
  for (const n of keptSets) {
    if (a.sets.get(n)!.elem === d.sets.get(n)!.elem) continue;
    const have = a.setElems.get(n)!;
    const want = d.setElems.get(n)!;
    const dels = sorted([...have.keys()].filter((k) => !want.has(k)));
    if (dels.length > 0) out.push({ delete: { element: { ...ref(n), elem: dels.map((k) => have.get(k)!) } } });
    const adds = sorted([...want.keys()].filter((k) => !have.has(k))).map((k) => want.get(k)!);
    if (adds.length > 0) setAdds.push([n, adds]);
  }

  // 4. Objects that go (nothing refers to them any more).
  for (const n of sorted(goneMaps)) out.push({ delete: { map: ref(n) } });
  for (const n of sorted(goneSets)) out.push({ delete: { set: ref(n) } });
  for (const n of sorted(goneChains)) out.push({ delete: { chain: ref(n) } });

  // 5. Chains that come (declarations only, so rules and verdicts below can name any of them).
  const chainDecl = (c: NftChain): NftCommand => ({ add: { chain: c } });
  for (const n of sorted([...newChains, ...recreatedChains, ...policyChains])) out.push(chainDecl(d.chains.get(n)!));

  // 6, 7. Sets, then maps (whose verdicts name chains), whole when new, by elements when kept.
  for (const n of addedSets) out.push({ add: { set: d.sets.get(n)! } });
  for (const [n, elem] of setAdds) out.push({ add: { element: { ...ref(n), elem } } });
  for (const n of addedMaps) out.push({ add: { map: d.maps.get(n)! } });
  for (const [n, elem] of mapAdds) out.push({ add: { element: { ...ref(n), elem } } });

  // 8. Rules of every chain that was added or emptied, in order.
  for (const n of sorted([...rewrite, ...newChains, ...recreatedChains]))
    for (const r of d.rules.get(n) ?? []) out.push({ add: { rule: r } });
  return out;
};
