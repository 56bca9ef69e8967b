// A bag of values by string key, cheap to fill and to read in bulk: while
// it is only being filled, keys and values go to arrays (a cluster index
// built from 100,000 endpoints fills a few thousand buckets, and hashing
// every key into a Map showed in profiles); the first replacement or removal
// by key turns it into a Map, keeping the order values came in.

export class KeyedBucket<V> {
  private keys: string[] = [];
  private vals: V[] = [];
  private map: Map<string, V> | undefined;

  get size(): number {
    return this.map === undefined ? this.vals.length : this.map.size;
  }

  /** Adds a value under a key the bucket does not hold (the caller knows: keys come from a map). */
  append(key: string, v: V): void {
    if (this.map !== undefined) this.map.set(key, v);
    else {
      this.keys.push(key);
      this.vals.push(v);
    }
  }

  set(key: string, v: V): void {
    this.asMap().set(key, v);
  }

  delete(key: string): boolean {
    return this.asMap().delete(key);
  }

  /** The values, in the order they came; do not keep the iterable across changes. */
  values(): Iterable<V> {
    return this.map === undefined ? this.vals : this.map.values();
  }

  private asMap(): Map<string, V> {
    if (this.map === undefined) {
      const m = new Map<string, V>();
      for (let i = 0; i < this.keys.length; i++) m.set(this.keys[i]!, this.vals[i]!);
      this.map = m;
      this.keys = [];
      this.vals = [];
    }
    return this.map;
  }
}
