// The search behind `foldnet bisect`: which event flipped a verdict. Points
// are end offsets (point p = the state after folding events 0..p-1; point 0
// is the empty cluster), and the event at offset e takes point e to e+1. The
// search asks for verdicts at points it chooses and never evaluates them
// itself: it is a generator that yields a point and is resumed with the
// verdict there, so the shell can load states however it likes (checkpoints,
// I/O) while the decisions stay pure and testable.
//
// What it finds. With `good` given: an event e in [good, bad) with
// v(e) = v(good) and v(e+1) = v(bad), by binary search, which keeps that
// invariant at both ends. If the verdict flips exactly once in [good, bad],
// that is the one flip, i.e. what a linear scan would find. If it flips
// several times (an odd number, since v(good) ≠ v(bad)), binary search meets
// one of those flips — deterministically, but not necessarily the first or
// the last; narrow --good/--bad to pick another.
//
// Without `good`: the search walks back from bad at distances 1, 2, 4, 8, …
// (clamped at the empty cluster) until a point with the opposite verdict, then
// binary-searches between it and the last point probed with bad's verdict.
// So it finds the most recent flip when the verdict changed once since then,
// in O(log distance) probes. A change that was undone between two probes can
// be missed; when every probe back to the empty cluster agrees with bad, the
// answer is `no-flip` (meaning: none found by those probes).
export type FlipSearch =
  | { readonly kind: 'flip'; readonly event: number; readonly good: number; readonly bad: number; readonly goodVerdict: boolean; readonly probes: number }
  | { readonly kind: 'same'; readonly good: number; readonly bad: number; readonly verdict: boolean; readonly probes: number }
  | { readonly kind: 'no-flip'; readonly bad: number; readonly verdict: boolean; readonly probes: number }
  | { readonly kind: 'invalid'; readonly reason: string };

export interface FlipSearchRange {
  /** End offset whose verdict is the current one (default for the shell: the head). */
  readonly bad: number;
  /** End offset believed to have the other verdict; searched for when absent. Must be < bad. */
  readonly good?: number;
}

/** Yields points to evaluate; resume it with the verdict at each point. */
export function* searchFlip(range: FlipSearchRange): Generator<number, FlipSearch, boolean> {
  const { bad } = range;
  if (!Number.isSafeInteger(bad) || bad < 0) return { kind: 'invalid', reason: `bad must be an end offset, got ${bad}` };
  if (range.good !== undefined && (!Number.isSafeInteger(range.good) || range.good < 0 || range.good >= bad))
    return { kind: 'invalid', reason: `good must come before bad (end offset ${bad}), got end offset ${range.good}` };
  let probes = 0;
  const probe = function* (p: number): Generator<number, boolean, boolean> {
    probes++;
    return yield p;
  };
  const vBad = yield* probe(bad);
  let lo: number;
  let hi: number;
  if (range.good !== undefined) {
    const vGood = yield* probe(range.good);
    if (vGood === vBad) return { kind: 'same', good: range.good, bad, verdict: vBad, probes };
    lo = range.good;
    hi = bad;
  } else {
    let q = bad;
    for (let step = 1; ; step *= 2) {
      if (q === 0) return { kind: 'no-flip', bad, verdict: vBad, probes };
      const p = Math.max(0, bad - step);
      if ((yield* probe(p)) !== vBad) {
        lo = p;
        hi = q;
        break;
      }
      q = p;
    }
  }
  // v(lo) ≠ v(bad) = v(hi), lo < hi.
  const good = lo;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if ((yield* probe(mid)) === vBad) hi = mid;
    else lo = mid;
  }
  return { kind: 'flip', event: lo, good, bad, goodVerdict: !vBad, probes };
}

/** Runs the search with a synchronous verdict function (tests, in-memory histories). */
export const findFlip = (range: FlipSearchRange, verdictAt: (point: number) => boolean): FlipSearch => {
  const search = searchFlip(range);
  let step = search.next();
  while (!step.done) step = search.next(verdictAt(step.value));
  return step.value;
};

/** The first event e in [from, to) with v(e) ≠ v(e+1), by looking at every point: the oracle bisect is tested against. */
export const firstFlipByScan = (from: number, to: number, verdictAt: (point: number) => boolean): number | undefined => {
  let prev = verdictAt(from);
  for (let p = from + 1; p <= to; p++) {
    const v = verdictAt(p);
    if (v !== prev) return p - 1;
    prev = v;
  }
  return undefined;
};
