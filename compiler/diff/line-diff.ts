// A line diff of two texts (as arrays of lines): the edit script of a longest
// common subsequence, with a common prefix and suffix peeled off first so the
// quadratic table only covers the region that changed (a policy edit touches
// a few lines of a chain, a few lines of a BIRD config). Grouping the script
// into hunks with context, for people, is `hunks`; printing is the caller's.
export type LineOp = { readonly op: ' ' | '-' | '+'; readonly line: string };

/** Cells of the LCS table beyond which the changed region is shown as replaced wholesale (16 MB). */
const MAX_TABLE = 4_000_000;

/** The LCS edit script turning `a` into `b`: kept lines ' ', removed '-', added '+'; removals before additions. */
export const diffLines = (a: readonly string[], b: readonly string[]): LineOp[] => {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  const out: LineOp[] = a.slice(0, start).map((line) => ({ op: ' ', line }));
  if (n * m > MAX_TABLE) {
    // Too big a region for the table: still a correct script, just not the shortest.
    for (const line of midA) out.push({ op: '-', line });
    for (const line of midB) out.push({ op: '+', line });
    for (const line of a.slice(endA)) out.push({ op: ' ', line });
    return out;
  }
  // lcs[i][j]: length of the LCS of midA[i..] and midB[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && midA[i] === midB[j]) {
      out.push({ op: ' ', line: midA[i]! });
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push({ op: '-', line: midA[i++]! });
    else out.push({ op: '+', line: midB[j++]! });
  }
  for (const line of a.slice(endA)) out.push({ op: ' ', line });
  return out;
};

export const isUnchanged = (ops: readonly LineOp[]): boolean => ops.every((o) => o.op === ' ');

export interface Hunk {
  /** 1-based first line of the hunk in the old and the new text. */
  readonly oldStart: number;
  readonly newStart: number;
  readonly ops: readonly LineOp[];
}

/** Changed regions with up to `context` unchanged lines around each; regions closer than that merge. */
export const hunks = (ops: readonly LineOp[], context = 2): Hunk[] => {
  const changed = ops.map((o, i) => (o.op === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return [];
  const ranges: Array<[number, number]> = [];
  for (const i of changed) {
    const lo = Math.max(0, i - context);
    const hi = Math.min(ops.length - 1, i + context);
    const last = ranges[ranges.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else ranges.push([lo, hi]);
  }
  // Line numbers at each op index, counted over the lines each side has.
  const oldAt: number[] = [];
  const newAt: number[] = [];
  let o = 1;
  let n = 1;
  for (const op of ops) {
    oldAt.push(o);
    newAt.push(n);
    if (op.op !== '+') o++;
    if (op.op !== '-') n++;
  }
  return ranges.map(([lo, hi]) => ({ oldStart: oldAt[lo]!, newStart: newAt[lo]!, ops: ops.slice(lo, hi + 1) }));
};

/** Unified-diff style lines: `@@ -3 +3 @@`, then ` kept`, `-removed`, `+added`. */
export const renderHunks = (hs: readonly Hunk[]): string[] =>
  hs.flatMap((h) => [`@@ -${h.oldStart} +${h.newStart} @@`, ...h.ops.map((x) => `${x.op}${x.line}`)]);
