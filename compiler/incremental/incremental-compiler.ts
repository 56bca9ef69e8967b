// IncrementalCompiler: the snapshots of some hosts (one, for an agent; all,
// for tests and tools) kept current as the fold advances. update(prev, next,
// changes) takes one fold step — the states before and after and the fold's
// changes — brings the shared cluster index forward once, then each host
// forward from what the index says moved; a host nothing touched costs a few
// set lookups. Every snapshot equals compileHost(next, host) byte for byte.
// Memberships no host uses any more are forgotten at the end of a step.
import * as E from 'fp-ts/Either';
import { Change } from '../fold/changes';
import { ClusterState } from '../fold/state';
import { CompileError, CompileOptions, DEFAULT_COMPILE_OPTIONS } from '../compile/host';
import { HostSnapshot } from '../compile/snapshot';
import { ClusterIndex } from './cluster-index';
import { HostCompiler, HostUpdate } from './host-compiler';
import { IndexDelta } from './index-delta';
import { MembershipUsers } from './host-sets';

export class IncrementalCompiler {
  readonly index: ClusterIndex;
  private readonly hosts = new Map<string, HostCompiler>();
  private readonly users = new Map<string, number>();
  private readonly unused = new Set<string>();
  private readonly usage: MembershipUsers = {
    retain: (id) => {
      this.users.set(id, (this.users.get(id) ?? 0) + 1);
      this.unused.delete(id);
    },
    release: (id) => {
      const n = this.users.get(id)! - 1;
      if (n > 0) this.users.set(id, n);
      else {
        this.users.delete(id);
        this.unused.add(id);
      }
    },
  };

  /** Compiles `hosts` (names; they need not exist yet) at `state`. */
  constructor(state: ClusterState, hosts: Iterable<string>, private readonly options: CompileOptions = DEFAULT_COMPILE_OPTIONS) {
    this.index = new ClusterIndex(state);
    for (const h of hosts) this.addHost(h);
  }

  get state(): ClusterState {
    return this.index.state;
  }

  /** Starts keeping `host`'s snapshot (compiled in full now). */
  addHost(host: string): void {
    if (!this.hosts.has(host)) this.hosts.set(host, new HostCompiler(this.index, host, this.options, this.usage));
  }

  removeHost(host: string): void {
    const h = this.hosts.get(host);
    if (h === undefined) return;
    this.hosts.delete(host);
    for (const id of h.memberships()) this.usage.release(id);
    this.forgetUnused();
  }

  hostNames(): string[] {
    return [...this.hosts.keys()].sort();
  }

  snapshot(host: string): E.Either<CompileError, HostSnapshot> {
    const h = this.hosts.get(host);
    if (h === undefined) throw new Error(`host ${host} is not compiled incrementally here; addHost it first`);
    return h.snapshot();
  }

  /**
   * One fold step: `prev` is the state this compiler is at, `next` and
   * `changes` what fold(prev, event) returned. Returns each host's snapshot
   * and what changed in it.
   */
  update(prev: ClusterState, next: ClusterState, changes: readonly Change[]): Map<string, HostUpdate> {
    const delta = this.updateIndex(next, changes);
    const out = new Map<string, HostUpdate>();
    for (const [name, h] of this.hosts) out.set(name, h.update(prev, next, delta));
    this.forgetUnused();
    return out;
  }

  /** The first half of update, for callers that time or drive hosts themselves (the benchmark). */
  updateIndex(next: ClusterState, changes: readonly Change[]): IndexDelta {
    return this.index.update(next, changes);
  }

  /** The second half: one host. Call endStep() once every host is done. */
  updateHost(host: string, prev: ClusterState, next: ClusterState, delta: IndexDelta): HostUpdate {
    return this.hosts.get(host)!.update(prev, next, delta);
  }

  /** Forgets the memberships no host uses any more. */
  endStep(): void {
    this.forgetUnused();
  }

  private forgetUnused(): void {
    if (this.unused.size === 0) return;
    for (const id of this.unused) this.index.forget(id);
    this.unused.clear();
  }
}
