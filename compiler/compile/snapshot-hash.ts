// The hash of a snapshot's content (everything but its offset): sha256 over
// the canonical bytes of its parts, where the nftables objects stand for the
// digests of runs of CHUNK objects, each run's digest the sha256 of its
// objects' own sha256s. A hasher remembers, by identity, the digest of every
// object it has seen and the runs of its last snapshot, so hashing the next
// snapshot of a host — which keeps every object that did not change
// (compiler/incremental) — digests only the new objects and the runs that
// hold them: a pointer comparison over the object list, not a pass over every
// rule and set element. The function of the content is the same with or
// without that memory (snapshotHash uses a fresh hasher; the
// incremental-vs-full property holds a long-lived one to it), so an agent and
// `foldnet status` agree.
import { canonicalJson, sha256Hex } from '../hash/canonical';
import type { HostSnapshot } from './snapshot';

/** Objects per run: small enough that a changed set costs one short run, large enough that the runs' list is short. */
const CHUNK = 256;

export class SnapshotHasher {
  /** Objects of emitted documents are never changed after they are made; a changed one is a new object. */
  private readonly digests = new WeakMap<object, string>();
  /** The last snapshot's objects and the digests of its runs. */
  private last: { readonly objects: readonly unknown[]; readonly runs: readonly string[] } = { objects: [], runs: [] };

  private digest(o: unknown): string {
    if (typeof o !== 'object' || o === null) return sha256Hex(canonicalJson(o));
    let d = this.digests.get(o);
    if (d === undefined) {
      d = sha256Hex(canonicalJson(o));
      this.digests.set(o, d);
    }
    return d;
  }

  private run(objects: readonly unknown[], from: number): string {
    const to = Math.min(objects.length, from + CHUNK);
    const prev = this.last.objects;
    // The last snapshot's run at this place covered the same places, with the same objects in each.
    let same = Math.min(prev.length, from + CHUNK) === to;
    for (let i = from; same && i < to; i++) same = objects[i] === prev[i];
    if (same) return this.last.runs[from / CHUNK]!;
    const parts = new Array<string>(to - from);
    for (let i = from; i < to; i++) parts[i - from] = this.digest(objects[i]);
    return sha256Hex(parts.join(','));
  }

  hash(s: HostSnapshot): string {
    const objects = s.nftables.nftables as readonly unknown[];
    const runs: string[] = [];
    for (let from = 0; from < objects.length; from += CHUNK) runs.push(this.run(objects, from));
    this.last = { objects, runs };
    return sha256Hex(canonicalJson({ host: s.host, routes: s.routes, bird: s.bird, sysctls: s.sysctls, nftables: runs }));
  }
}

export const snapshotHash = (s: HostSnapshot): string => new SnapshotHasher().hash(s);
