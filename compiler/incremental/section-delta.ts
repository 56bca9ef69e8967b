// What changed between two versions of a host's services/host-endpoint
// section (compiler/compile/nft-section.ts), in SnapshotDelta terms, found by
// comparing them: the section is small and recomputed whole, so comparing it
// costs what computing it did.
import { NftSection } from '../compile/nft-section';
import { jsonEqual } from './json-equal';
import { DeltaAccumulator, elementKey } from './snapshot-delta';

const elements = (set: unknown): Map<string, unknown> =>
  new Map((((set as { set: { elem?: unknown[] } }).set.elem) ?? []).map((e) => [elementKey(e), e]));

/** Records in `delta` how `before` became `after`; true when anything did. */
export const sectionDelta = (before: NftSection, after: NftSection, delta: DeltaAccumulator): boolean => {
  let moved = false;
  const was = new Map(before.chains.map((c) => [c.name, c]));
  const now = new Map(after.chains.map((c) => [c.name, c]));
  for (const [name, c] of was) {
    const n = now.get(name);
    if (n === undefined) (delta.removeChain(name), (moved = true));
    else if (!jsonEqual(c.rules, n.rules)) (delta.rewriteChain(name), (moved = true));
  }
  for (const name of now.keys()) if (!was.has(name)) (delta.addChain(name), (moved = true));
  const setsWere = new Map(before.sets.map((s) => [s.name, s.object]));
  const setsNow = new Map(after.sets.map((s) => [s.name, s.object]));
  for (const [name, o] of setsWere) {
    const n = setsNow.get(name);
    if (n === undefined) (delta.removeSet(name), (moved = true));
    else if (!jsonEqual(o, n)) {
      const a = elements(o);
      const b = elements(n);
      delta.changeSetElements(name, { add: new Map([...b].filter(([k]) => !a.has(k))), del: new Map([...a].filter(([k]) => !b.has(k))) });
      moved = true;
    }
  }
  for (const name of setsNow.keys()) if (!setsWere.has(name)) (delta.addSet(name), (moved = true));
  return moved;
};
