// Where checkpoints live beside a log: the contract every store honours (a
// table in the embedded log's SQLite file; a directory of files for logs that
// have no file of their own). A store keeps bytes and the spacing setting; it
// never decides whether a checkpoint is valid — replay.ts decodes and checks
// every one it reads — and a store that cannot write says so instead of
// failing, because checkpoints only ever save time.
import type { Checkpoint } from '../../compiler/checkpoint/checkpoint';

export interface CheckpointRef {
  readonly offset: number;
  readonly version: number;
  readonly sha256: string;
  /** Stored size in bytes (after compression). */
  readonly bytes: number;
}

export interface ListFilter {
  /** Only checkpoints with offset ≤ this. */
  readonly atOrBefore?: number;
  /** Only checkpoints of this format version. */
  readonly version?: number;
}

/** How many events apart checkpoints are written when nobody said otherwise. */
export const DEFAULT_CHECKPOINT_EVERY = 1000;

export interface CheckpointStore {
  /** Where the checkpoints are, for messages. */
  readonly where: string;
  /** Matching checkpoints, newest (highest offset) first. */
  list(filter?: ListFilter): Promise<CheckpointRef[]>;
  /** The checkpoint a ref names, or undefined if it has gone or cannot be read back. */
  read(ref: CheckpointRef): Promise<Checkpoint | undefined>;
  /** Stores it (replacing one with the same offset and version); false when the store cannot write now. */
  write(c: Checkpoint): Promise<boolean>;
  /** Forgets a checkpoint found to be corrupted; best effort. */
  discard(ref: CheckpointRef): Promise<void>;
  /** Events between checkpoints; 0 = write none (existing ones are still used). */
  every(): Promise<number>;
  setEvery(n: number): Promise<void>;
  close(): Promise<void>;
}
