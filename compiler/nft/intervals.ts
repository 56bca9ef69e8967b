// Closed intervals of bigints as nft's interval sets hold them: ordering,
// overlap detection (named interval sets refuse overlaps), merging (anonymous
// sets are merged by nft, adjacent blocks included), and a lookup index that
// answers membership with a Map for points and binary search for ranges.
import type { Interval } from './datatype';

export const compareIntervals = (a: Interval, b: Interval): number =>
  a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.hi < b.hi ? -1 : a.hi > b.hi ? 1 : 0;

export const sameInterval = (a: Interval, b: Interval): boolean => a.lo === b.lo && a.hi === b.hi;

/** Sorted, exact duplicates removed. */
export const sortUnique = <I extends Interval>(ivs: ReadonlyArray<I>): I[] => {
  const sorted = [...ivs].sort(compareIntervals);
  return sorted.filter((iv, i) => i === 0 || !sameInterval(sorted[i - 1]!, iv));
};

/** The first two distinct intervals that share a point, if any. */
export const firstOverlap = (ivs: ReadonlyArray<Interval>): readonly [Interval, Interval] | undefined => {
  const sorted = sortUnique(ivs);
  for (let i = 1; i < sorted.length; i++) if (sorted[i]!.lo <= sorted[i - 1]!.hi) return [sorted[i - 1]!, sorted[i]!];
  return undefined;
};

/** Union as disjoint, non-adjacent intervals, the way nft stores an anonymous set. */
export const mergeIntervals = (ivs: ReadonlyArray<Interval>): Interval[] => {
  const out: { lo: bigint; hi: bigint }[] = [];
  for (const iv of sortUnique(ivs)) {
    const last = out[out.length - 1];
    if (last !== undefined && iv.lo <= last.hi + 1n) last.hi = iv.hi > last.hi ? iv.hi : last.hi;
    else out.push({ lo: iv.lo, hi: iv.hi });
  }
  return out;
};

export interface IntervalIndex<V> {
  readonly get: (v: bigint) => V | undefined;
}

/** Lookup over disjoint intervals (callers guarantee it: merged sets, checked maps). */
export const intervalIndex = <V>(entries: ReadonlyArray<{ readonly iv: Interval; readonly value: V }>): IntervalIndex<V> => {
  const points = new Map<bigint, V>();
  const ranges = entries.filter((e) => e.iv.lo !== e.iv.hi).sort((a, b) => compareIntervals(a.iv, b.iv));
  for (const e of entries) if (e.iv.lo === e.iv.hi) points.set(e.iv.lo, e.value);
  const get = (v: bigint): V | undefined => {
    const p = points.get(v);
    if (p !== undefined) return p;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = ranges[mid]!;
      if (v < r.iv.lo) hi = mid - 1;
      else if (v > r.iv.hi) lo = mid + 1;
      else return r.value;
    }
    return undefined;
  };
  return { get };
};
