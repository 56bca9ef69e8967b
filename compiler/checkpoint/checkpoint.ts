// A checkpoint: the fold's ClusterState at one offset, as bytes that name
// themselves. Encoding writes one JSON document
//   {"format":"foldnet-checkpoint","version":1,"offset":N,"lastEventId":ID,
//    "stateHash":H,"state":<value-codec tree of the state>}
// and its sha256 (of the UTF-8 text) is the checkpoint's address. Decoding
// trusts nothing: the text must hash to the address it was stored under, be
// this format and version, decode to a state of the offset it claims, and
// that state must hash (stateHash) to what the writer recorded. Any failure
// is a value saying why, and the caller replays from further back instead.
//
// Round trip: decode(encode(s)) has the same fields, the same object key
// order and the same Map iteration order as `s`, so it folds on exactly as
// `s` would — with one exception immutable-js does not let us express: a Map
// that once held more than 8 entries keeps hash order even after shrinking,
// while a rebuilt Map of ≤ 8 entries appends new keys at the end. Only code
// that depends on Map iteration order can tell (see the report on
// compiler/fold/entities.ts's rejection messages).
//
// Versioning: a checkpoint whose state has other fields than this code's
// ClusterState is refused as foreign on its own; a change in what the fields
// hold (a model gains a property) needs CHECKPOINT_VERSION bumped, and the
// golden test in test/compiler/checkpoint/ fails until it is.
//
// Where checkpoints are kept and when they are written is the shell's business
// (src/checkpoint/).
import * as E from 'fp-ts/Either';
import { Map as IMap } from 'immutable';
import { ClusterState, emptyState, stateHash } from '../fold/state';
import { sha256Hex } from '../hash/canonical';
import { decodeValueTree, encodeValueTree } from './value-codec';

export const CHECKPOINT_FORMAT = 'foldnet-checkpoint';
/** Bump when the encoding or ClusterState's shape changes: older checkpoints are then ignored, never misread. 2: services, host endpoints, Felix configuration, pools' allowedUses. 3: the hosts' BGP address index. */
export const CHECKPOINT_VERSION = 3;

export interface Checkpoint {
  /** sha256 of `text`: the checkpoint's address. */
  readonly sha256: string;
  readonly version: number;
  /** Events folded (the state's offset). */
  readonly offset: number;
  readonly text: string;
}

export type CheckpointError =
  | { readonly _tag: 'HashMismatch'; readonly expected: string; readonly got: string }
  | { readonly _tag: 'ForeignFormat'; readonly format: unknown; readonly version: unknown }
  | { readonly _tag: 'Malformed'; readonly reason: string }
  | { readonly _tag: 'OffsetMismatch'; readonly expected: number; readonly got: number }
  | { readonly _tag: 'StateHashMismatch'; readonly expected: string; readonly got: string }
  | { readonly _tag: 'Unencodable'; readonly reason: string };

export interface RestoredCheckpoint {
  readonly state: ClusterState;
  /** Id of the event at offset-1 when the checkpoint was written: lets the shell check it belongs to this log. */
  readonly lastEventId: string | undefined;
}

/** The checkpoint of `state`; `lastEventId` is the id of the event at `state.offset - 1` (none for the empty state). */
export const encodeCheckpoint = (state: ClusterState, lastEventId: string | undefined): E.Either<CheckpointError, Checkpoint> => {
  const tree = encodeValueTree(state);
  if (E.isLeft(tree)) return E.left({ _tag: 'Unencodable', reason: tree.left });
  const doc = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    offset: state.offset,
    ...(lastEventId === undefined ? {} : { lastEventId }),
    stateHash: stateHash(state),
    state: tree.right,
  };
  const text = JSON.stringify(doc);
  return E.right({ sha256: sha256Hex(text), version: CHECKPOINT_VERSION, offset: state.offset, text });
};

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/**
 * The fields a ClusterState of this code has, and which are Maps: a checkpoint
 * with any other set of fields was written by code with another state shape,
 * whatever its version says, and is refused.
 */
const SHAPE = ((): { fields: string[]; maps: string[] } => {
  const empty = emptyState() as unknown as Record<string, unknown>;
  const fields = Object.keys(empty).sort();
  return { fields, maps: fields.filter((f) => IMap.isMap(empty[f])) };
})();

const parseJson = (text: string): E.Either<CheckpointError, unknown> => {
  try {
    return E.right(JSON.parse(text) as unknown);
  } catch (e) {
    return E.left({ _tag: 'Malformed', reason: `not JSON: ${e instanceof Error ? e.message : String(e)}` });
  }
};

/**
 * The state stored as `text` under the address `sha256`, expected to hold
 * `offset` events; every check in the header comment, cheapest first.
 */
export const decodeCheckpoint = (stored: { readonly sha256: string; readonly offset: number; readonly text: string }): E.Either<CheckpointError, RestoredCheckpoint> => {
  const got = sha256Hex(stored.text);
  if (got !== stored.sha256) return E.left({ _tag: 'HashMismatch', expected: stored.sha256, got });
  const parsed = parseJson(stored.text);
  if (E.isLeft(parsed)) return parsed;
  const doc = parsed.right;
  if (!isRecord(doc) || doc.format !== CHECKPOINT_FORMAT || doc.version !== CHECKPOINT_VERSION)
    return E.left({ _tag: 'ForeignFormat', format: isRecord(doc) ? doc.format : undefined, version: isRecord(doc) ? doc.version : undefined });
  if (doc.offset !== stored.offset) return E.left({ _tag: 'OffsetMismatch', expected: stored.offset, got: Number(doc.offset) });
  if (typeof doc.stateHash !== 'string') return E.left({ _tag: 'Malformed', reason: 'stateHash is missing' });
  if (doc.lastEventId !== undefined && typeof doc.lastEventId !== 'string') return E.left({ _tag: 'Malformed', reason: 'lastEventId is not a string' });
  const tree = decodeValueTree(doc.state);
  if (E.isLeft(tree)) return E.left({ _tag: 'Malformed', reason: tree.left });
  const state = tree.right;
  if (!isRecord(state)) return E.left({ _tag: 'Malformed', reason: 'the state is not an object' });
  const missing = SHAPE.fields.filter((f) => !(f in state));
  const extra = Object.keys(state).filter((f) => !SHAPE.fields.includes(f));
  if (missing.length + extra.length > 0)
    return E.left({ _tag: 'ForeignFormat', format: `a state ${[...missing.map((f) => `without ${f}`), ...extra.map((f) => `with ${f}`)].join(', ')}`, version: doc.version });
  const notMaps = SHAPE.maps.filter((f) => !IMap.isMap(state[f]));
  if (notMaps.length > 0) return E.left({ _tag: 'Malformed', reason: `${notMaps.join(', ')} should be maps` });
  if (state.offset !== stored.offset) return E.left({ _tag: 'OffsetMismatch', expected: stored.offset, got: Number(state.offset) });
  const restored = state as unknown as ClusterState;
  const hash = E.tryCatch(() => stateHash(restored), (e) => (e instanceof Error ? e.message : String(e)));
  if (E.isLeft(hash)) return E.left({ _tag: 'Malformed', reason: `the state does not hash: ${hash.left}` });
  if (hash.right !== doc.stateHash) return E.left({ _tag: 'StateHashMismatch', expected: doc.stateHash, got: hash.right });
  return E.right({ state: restored, lastEventId: doc.lastEventId as string | undefined });
};

/** One line for people: why a checkpoint was not used. */
export const explainCheckpointError = (e: CheckpointError): string => {
  switch (e._tag) {
    case 'HashMismatch':
      return `its bytes hash to ${e.got.slice(0, 12)}…, not to its address ${e.expected.slice(0, 12)}… (corrupted)`;
    case 'ForeignFormat':
      return `it is ${typeof e.format === 'string' ? e.format : JSON.stringify(e.format)} version ${JSON.stringify(e.version)}; this foldnet reads ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION} of its own state shape`;
    case 'Malformed':
      return `it is malformed: ${e.reason}`;
    case 'OffsetMismatch':
      return `it holds ${e.got} events, not the ${e.expected} it is filed under`;
    case 'StateHashMismatch':
      return `its state hashes to ${e.got.slice(0, 12)}…, not to the recorded ${e.expected.slice(0, 12)}…`;
    case 'Unencodable':
      return `the state cannot be encoded: ${e.reason}`;
  }
};
