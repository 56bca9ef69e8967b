// The agent's view of its host's snapshot as the log is folded: brought
// forward event by event by the incremental compiler (compiler/incremental/),
// which also says what changed, so that an untouched host costs neither a
// compile nor a hash of its snapshot. At start and after a failed apply the
// incremental compiler starts over (its first snapshot is the full compile,
// made once); the injected full compile answers when it reports an error (a
// host the log does not know).
// Folding, applying and deciding when to do either are the agent's.
import * as E from 'fp-ts/Either';
import { type CompileError, type CompileOptions, DEFAULT_COMPILE_OPTIONS } from '../../compiler/compile/host';
import type { HostSnapshot } from '../../compiler/compile/snapshot';
import type { FoldResult } from '../../compiler/fold/fold';
import type { ClusterState } from '../../compiler/fold/state';
import { IncrementalCompiler } from '../../compiler/incremental/incremental-compiler';
import { DeltaAccumulator, type SnapshotDelta } from '../../compiler/incremental/snapshot-delta';

type Compiled = E.Either<CompileError, HostSnapshot>;

export interface HostSnapshotsOptions {
  readonly host: string;
  /** The full compile: compileHost(state, host, options). */
  readonly compile: (state: ClusterState) => Compiled;
  /** What `compile` compiles with; the incremental compiler must agree with it byte for byte. */
  readonly options?: CompileOptions;
}

export class HostSnapshots {
  private inc: IncrementalCompiler | undefined;
  /** The log offset `inc` is at, and its snapshot there. */
  private at = -1;
  private latest: Compiled | undefined;
  /** Every delta since `appliedSnapshot`, valid only while `sinceAppliedKnown`. */
  private appliedSnapshot: HostSnapshot | undefined;
  private sinceApplied = new DeltaAccumulator();
  private sinceAppliedKnown = false;

  constructor(private readonly o: HostSnapshotsOptions) {}

  /** One fold step (prev → step.state); a step it cannot follow drops the incremental compiler until the next full compile. */
  step(prev: ClusterState, step: FoldResult): void {
    if (this.inc === undefined) return;
    if (prev.offset !== this.at) {
      this.inc = undefined;
      this.sinceAppliedKnown = false;
      return;
    }
    const u = this.inc.update(prev, step.state, step.changes).get(this.o.host)!;
    this.at = step.state.offset;
    this.latest = u.snapshot;
    this.sinceApplied.add(u.delta);
  }

  /** The snapshot at `state`: the incremental one, else compiled in full. */
  current(state: ClusterState): Compiled {
    const latest = this.inc !== undefined && this.at === state.offset ? this.latest : undefined;
    if (latest !== undefined && E.isRight(latest)) return latest;
    if (latest === undefined) return this.full(state);
    // The incremental compiler reports an error: the full compile decides.
    const r = this.o.compile(state);
    // What changed across an error is not known as a delta; the agent compares hashes once.
    this.sinceAppliedKnown = false;
    if (E.isLeft(r)) return (this.latest = r);
    return this.restart(state, r);
  }

  /** Starts the incremental compiler over at `state` — a full compile, done once — and returns its snapshot. */
  full(state: ClusterState): Compiled {
    const inc = new IncrementalCompiler(state, [this.o.host], this.o.options ?? DEFAULT_COMPILE_OPTIONS);
    // An unknown host is reported as compileHost reports it (the same UnknownHost), without compiling twice.
    return this.restart(state, inc.snapshot(this.o.host), inc);
  }

  /** `snapshot` (from current() or full() at its offset) is now what the kernel holds. */
  applied(snapshot: HostSnapshot): void {
    this.appliedSnapshot = snapshot;
    this.sinceApplied = new DeltaAccumulator();
    this.sinceAppliedKnown = this.inc !== undefined && this.at === snapshot.offset;
  }

  /** What changed since the snapshot last applied (`base`), summed over the steps since; undefined when not known as a delta. */
  changeSinceApplied(): { readonly base: HostSnapshot; readonly delta: SnapshotDelta } | undefined {
    if (!this.sinceAppliedKnown || this.appliedSnapshot === undefined) return undefined;
    return { base: this.appliedSnapshot, delta: this.sinceApplied.result() };
  }

  private restart(state: ClusterState, r: Compiled, inc?: IncrementalCompiler): Compiled {
    this.inc = inc ?? new IncrementalCompiler(state, [this.o.host], this.o.options ?? DEFAULT_COMPILE_OPTIONS);
    this.at = state.offset;
    this.latest = r;
    this.sinceApplied = new DeltaAccumulator();
    this.sinceAppliedKnown = false;
    return r;
  }
}
