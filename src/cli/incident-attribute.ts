// Which events between two points changed one host's datapath, and which
// parts of it (routes, nftables, bird, sysctls): the log is folded one event
// at a time from the earlier state and the host compiled after every event
// that changed the model (a rejected event changes nothing). Exact, and
// linear in the events between; past MAX_ATTRIBUTED events it gives up and
// says so rather than compile a host a million times.
import * as E from 'fp-ts/Either';
import { compileHost, type CompileOptions, DEFAULT_COMPILE_OPTIONS } from '../../compiler/compile/host';
import type { HostSnapshot } from '../../compiler/compile/snapshot';
import type { LoggedEvent } from '../../compiler/events/event';
import { fold } from '../../compiler/fold/fold';
import type { ClusterState } from '../../compiler/fold/state';
import { canonicalJson } from '../../compiler/hash/canonical';
import { type EventLog, LogError } from '../log/event-log';

export const MAX_ATTRIBUTED = 20_000;

export type Part = 'routes' | 'nftables' | 'bird' | 'sysctls';
const PARTS: readonly Part[] = ['routes', 'nftables', 'bird', 'sysctls'];

export interface AttributedEvent {
  readonly event: LoggedEvent;
  readonly parts: readonly Part[];
}

export type Attribution =
  | { readonly kind: 'attributed'; readonly events: readonly AttributedEvent[]; readonly between: number }
  | { readonly kind: 'too-many'; readonly between: number };

type Parts = Record<Part, string> | undefined;

const partsOf = (state: ClusterState, host: string, options: CompileOptions): Parts => {
  const s = compileHost(state, host, options);
  if (E.isLeft(s)) return undefined;
  const snap: HostSnapshot = s.right;
  return { routes: canonicalJson(snap.routes), nftables: canonicalJson(snap.nftables), bird: snap.bird, sysctls: canonicalJson(snap.sysctls) };
};

const changedParts = (a: Parts, b: Parts): Part[] => (a === undefined && b === undefined ? [] : PARTS.filter((p) => a?.[p] !== b?.[p]));

/** The events in [from.offset, to) after which `host`'s datapath differed from before them. */
export async function attributeEvents(log: EventLog, from: ClusterState, to: number, host: string, options: CompileOptions = DEFAULT_COMPILE_OPTIONS): Promise<Attribution> {
  const between = to - from.offset;
  if (between > MAX_ATTRIBUTED) return { kind: 'too-many', between };
  const events: AttributedEvent[] = [];
  let state = from;
  let parts = partsOf(state, host, options);
  for await (const e of log.read(from.offset, to)) {
    const r = fold(state, e);
    if (E.isLeft(r)) throw new LogError('io', `the log is inconsistent: expected offset ${r.left.expected}, read ${r.left.got}`);
    state = r.right.state;
    if (r.right.rejection !== undefined || r.right.changes.length === 0) continue;
    const next = partsOf(state, host, options);
    const changed = changedParts(parts, next);
    if (changed.length > 0) events.push({ event: e, parts: changed });
    parts = next;
  }
  return { kind: 'attributed', events, between };
}
