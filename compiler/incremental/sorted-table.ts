// Values kept in the code-unit order of their keys, for the parts of a host's
// snapshot that are lists sorted by name (chains, sets, sysctls, routes). The
// list is handed out as an array that is never changed afterwards — a
// snapshot keeps it — and the table copies it once before its next change
// (copy on write), so asking for the list costs nothing while nothing
// changed, and a burst of changes between two asks costs one copy, not a
// rebuild. Finding a key is a map lookup; its place, a binary search.
// A tracked table also remembers, for each key it changed since the last
// takeMoved(), the value the key had before: what a delta carries.

/** A key's value before a run of changes and after it (undefined: absent). */
export interface Moved<T> {
  readonly before: T | undefined;
  readonly after: T | undefined;
}

export class SortedTable<T> {
  private readonly byKey = new Map<string, T>();
  private readonly keyList: string[] = [];
  private valueList: T[] = [];
  /** Whether valueList has been handed out (and so must be copied before it changes). */
  private lent = false;
  /** Keys changed since the last takeMoved(), with their values before (tracked tables only). */
  private moved: Map<string, T | undefined> | undefined;

  constructor(options: { readonly tracked?: boolean } = {}) {
    if (options.tracked === true) this.moved = new Map();
  }

  /** The keys changed since the last call, with their values then and now; forgets them. */
  takeMoved(): Map<string, Moved<T>> {
    const out = new Map<string, Moved<T>>();
    if (this.moved === undefined) return out;
    for (const [key, before] of this.moved) out.set(key, { before, after: this.byKey.get(key) });
    this.moved.clear();
    return out;
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The keys in order; do not keep it across changes. */
  keys(): readonly string[] {
    return this.keyList;
  }

  /** The values in key order; never changed once returned. */
  values(): readonly T[] {
    this.lent = true;
    return this.valueList;
  }

  /** Inserts or replaces the value at `key`. */
  set(key: string, value: T): void {
    const had = this.byKey.has(key);
    if (had && this.byKey.get(key) === value) return;
    this.remember(key);
    this.byKey.set(key, value);
    const i = lowerBound(this.keyList, key);
    this.own();
    if (had) this.valueList[i] = value;
    else {
      this.keyList.splice(i, 0, key);
      this.valueList.splice(i, 0, value);
    }
  }

  delete(key: string): boolean {
    if (!this.byKey.has(key)) return false;
    this.remember(key);
    this.byKey.delete(key);
    const i = lowerBound(this.keyList, key);
    this.own();
    this.keyList.splice(i, 1);
    this.valueList.splice(i, 1);
    return true;
  }

  private remember(key: string): void {
    if (this.moved !== undefined && !this.moved.has(key)) this.moved.set(key, this.byKey.get(key));
  }

  private own(): void {
    if (!this.lent) return;
    this.valueList = this.valueList.slice();
    this.lent = false;
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

/** The first place in `xs` (sorted by `keyOf`) whose key is not below `k`. */
export const lowerBoundBy = <T, K>(xs: readonly T[], k: K, keyOf: (x: T) => K): number => {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(xs[mid]!) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** The place of the entry whose key is `k` in `xs` (sorted by `keyOf`), or -1. */
export const indexBy = <T, K>(xs: readonly T[], k: K, keyOf: (x: T) => K): number => {
  const i = lowerBoundBy(xs, k, keyOf);
  return i < xs.length && keyOf(xs[i]!) === k ? i : -1;
};
