// Replaying the log to an end offset, starting from the nearest valid
// checkpoint at or before it and writing checkpoints at every multiple of the
// store's spacing it folds past. "Valid" is decided here, for every checkpoint
// read: it must decode (address, format version, offset, state hash — see
// compiler/checkpoint/checkpoint.ts) and its last event id must be the id of
// this log's event at offset-1 (a checkpoint from another log with the same
// file name is not ours). An invalid one is skipped, and the next older one
// tried, down to the empty state (a full replay); corrupted ones are also
// discarded, so the next replay past them writes them afresh. Checkpoints of
// another format version are left alone (a newer foldnet may share the log).
// Store failures never fail a replay: they only make it slower.
import * as E from 'fp-ts/Either';
import { CHECKPOINT_VERSION, decodeCheckpoint, encodeCheckpoint, explainCheckpointError } from '../../compiler/checkpoint/checkpoint';
import { type ClusterState, emptyState } from '../../compiler/fold/state';
import { type EventLog, LogError } from '../log/event-log';
import { foldLogRange } from '../log/fold-range';
import { type CheckpointRef, type CheckpointStore, DEFAULT_CHECKPOINT_EVERY } from './checkpoint-store';

export interface SkippedCheckpoint {
  readonly offset: number;
  readonly why: string;
}

export interface Replayed {
  readonly state: ClusterState;
  /** The offset the fold started from: a checkpoint's, or 0. */
  readonly from: number;
  readonly skipped: readonly SkippedCheckpoint[];
  /** Offsets of the checkpoints written on the way. */
  readonly written: readonly number[];
}

export interface ReplayOptions {
  /** Where checkpoints are; none means a plain replay from 0. */
  readonly store?: CheckpointStore;
  /**
   * A state already at hand (offset ≤ end): the replay starts there when it
   * is within one checkpoint spacing of `end`, or when no checkpoint is closer.
   */
  readonly from?: ClusterState;
  /** Write checkpoints while folding (default true when there is a store). */
  readonly write?: boolean;
}


/** The id of the event at `offset`, or undefined past the end. */
const eventIdAt = async (log: EventLog, offset: number): Promise<string | undefined> => {
  for await (const e of log.read(offset, offset + 1)) return e.id;
  return undefined;
};


const KEEP_WHEN_INVALID = new Set(['ForeignFormat']);

/** The newest valid checkpoint at or before `end`, and the ones skipped on the way. */
async function restore(
  log: EventLog,
  store: CheckpointStore,
  end: number,
  above: number,
): Promise<{ state?: ClusterState; refs: CheckpointRef[]; skipped: SkippedCheckpoint[] }> {
  const refs = await store.list({ atOrBefore: end, version: CHECKPOINT_VERSION });
  const skipped: SkippedCheckpoint[] = [];
  for (const ref of refs) {
    if (ref.offset <= above) break;
    const c = await store.read(ref);
    if (c === undefined) continue;
    const r = decodeCheckpoint(c);
    if (E.isLeft(r)) {
      skipped.push({ offset: ref.offset, why: explainCheckpointError(r.left) });
      if (!KEEP_WHEN_INVALID.has(r.left._tag)) await store.discard(ref);
      continue;
    }
    const expected = ref.offset === 0 ? undefined : await eventIdAt(log, ref.offset - 1);
    if (r.right.lastEventId !== expected) {
      skipped.push({ offset: ref.offset, why: `it was written for another log (its last event is ${r.right.lastEventId}, this log's is ${expected})` });
      continue;
    }
    return { state: r.right.state, refs, skipped };
  }
  return { refs, skipped };
}

/** Runs a store operation; a failure of the store (not of the log) gives `otherwise` instead. */
async function storeFailureIsNoCheckpoint<A>(op: () => Promise<A>, otherwise: (why: string) => A): Promise<A> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof LogError) throw e;
    return otherwise(`the checkpoint store failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The state after events 0..end-1, as cheaply as the store allows. */
export async function replayTo(log: EventLog, end: number, options: ReplayOptions = {}): Promise<Replayed> {
  const store = options.store;
  const base = options.from !== undefined && options.from.offset <= end ? options.from : emptyState();
  if (store === undefined) return { state: (await foldLogRange(log, base, end)).state, from: base.offset, skipped: [], written: [] };
  const spacing = await storeFailureIsNoCheckpoint(() => store.every(), () => 0);
  // Folding up to one spacing of events from a state at hand costs less than decoding a checkpoint.
  const near = options.from !== undefined && end - base.offset <= (spacing > 0 ? spacing : DEFAULT_CHECKPOINT_EVERY);
  const restored = near
    ? { refs: await storeFailureIsNoCheckpoint(() => store.list({ atOrBefore: end, version: CHECKPOINT_VERSION }), () => []), skipped: [] }
    : await storeFailureIsNoCheckpoint(
        () => restore(log, store, end, base.offset),
        (why): { state?: ClusterState; refs: CheckpointRef[]; skipped: SkippedCheckpoint[] } => ({ refs: [], skipped: [{ offset: -1, why }] }),
      );
  let state = restored.state ?? base;
  const from = state.offset;
  const every = options.write === false ? 0 : spacing;
  const written: number[] = [];
  if (every > 0) {
    const stored = new Set(restored.refs.map((r) => r.offset));
    for (const s of restored.skipped) stored.delete(s.offset);
    for (let next = (Math.floor(state.offset / every) + 1) * every; next <= end; next += every) {
      const step = await foldLogRange(log, state, next);
      state = step.state;
      if (stored.has(next)) continue;
      const c = encodeCheckpoint(state, step.lastId);
      if (E.isRight(c) && (await store.write(c.right))) written.push(next);
    }
  }
  state = (await foldLogRange(log, state, end)).state;
  return { state, from, skipped: restored.skipped, written };
}
