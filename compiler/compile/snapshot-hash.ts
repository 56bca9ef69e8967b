// The hash of a snapshot's content (everything but its offset): sha256 over
// the canonical bytes of its parts, where each nftables object stands for its
// own sha256. A hasher remembers the digest of every object it has seen, by
// identity, so hashing the next snapshot of a host — which keeps every object
// that did not change (compiler/incremental) — digests only the new ones: a
// pass over the object list, not over every rule and set element. The
// function of the content is the same with or without that memory
// (snapshotHash uses a fresh hasher; the incremental-vs-full property holds a
// long-lived one to it), so an agent and `foldnet status` agree.
import { canonicalJson, sha256Hex } from '../hash/canonical';
import type { HostSnapshot } from './snapshot';

export class SnapshotHasher {
  /** Objects of emitted documents are never changed after they are made; a changed one is a new object. */
  private readonly digests = new WeakMap<object, string>();

  private digest(o: unknown): string {
    if (typeof o !== 'object' || o === null) return sha256Hex(canonicalJson(o));
    let d = this.digests.get(o);
    if (d === undefined) {
      d = sha256Hex(canonicalJson(o));
      this.digests.set(o, d);
    }
    return d;
  }

  hash(s: HostSnapshot): string {
    const objects = s.nftables.nftables as readonly unknown[];
    const digests = new Array<string>(objects.length);
    for (let i = 0; i < objects.length; i++) digests[i] = this.digest(objects[i]);
    return sha256Hex(canonicalJson({ host: s.host, routes: s.routes, bird: s.bird, sysctls: s.sysctls, nftables: digests }));
  }
}

export const snapshotHash = (s: HostSnapshot): string => new SnapshotHasher().hash(s);
