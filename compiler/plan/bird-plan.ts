// planBird(actual, desired): the new BIRD configuration when the file's text
// differs, and how many lines came and went (counted as multisets of lines,
// which is what a reader wants to know, not a minimal edit script).
export interface BirdPlan {
  readonly bird?: string;
  readonly birdLines?: { readonly added: number; readonly removed: number };
}

const lines = (text: string | undefined): string[] => (text === undefined || text === '' ? [] : text.replace(/\n$/, '').split('\n'));

const countMissing = (from: readonly string[], other: readonly string[]): number => {
  const pool = new Map<string, number>();
  for (const l of other) pool.set(l, (pool.get(l) ?? 0) + 1);
  let missing = 0;
  for (const l of from) {
    const n = pool.get(l) ?? 0;
    if (n > 0) pool.set(l, n - 1);
    else missing++;
  }
  return missing;
};

export const planBird = (actual: string | undefined, desired: string): BirdPlan => {
  if (actual === desired) return {};
  const before = lines(actual);
  const after = lines(desired);
  return { bird: desired, birdLines: { added: countMissing(after, before), removed: countMissing(before, after) } };
};
