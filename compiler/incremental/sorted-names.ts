// A set of names kept in code-unit order (the order the document lists
// chains and sets in), so assembling a document never sorts. Insert and
// remove are a binary search and a splice.

export class SortedNames {
  private readonly xs: string[] = [];

  get size(): number {
    return this.xs.length;
  }

  /** The names in order; do not keep it across changes. */
  get list(): readonly string[] {
    return this.xs;
  }

  /** Position of `name` (which must be present). */
  indexOf(name: string): number {
    return lowerBound(this.xs, name);
  }

  has(name: string): boolean {
    return this.xs[lowerBound(this.xs, name)] === name;
  }

  add(name: string): void {
    const i = lowerBound(this.xs, name);
    if (this.xs[i] !== name) this.xs.splice(i, 0, name);
  }

  remove(name: string): void {
    const i = lowerBound(this.xs, name);
    if (this.xs[i] === name) this.xs.splice(i, 1);
  }
}

export const lowerBound = <T>(xs: readonly T[], x: T, less: (a: T, b: T) => boolean = (a, b) => a < b): number => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (less(xs[mid]!, x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
