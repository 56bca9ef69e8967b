// Which events between two points changed one host's datapath, and which
// parts of it (routes, nftables, bird, sysctls). Over a short stretch (at
// most LINEAR_SPAN events) the log is folded one event at a time and the host
// compiled after every event that changed the model: exact. A longer stretch
// is halved until the halves are short, and a half whose two ends give the
// same datapath is skipped — whatever changed inside it was undone inside it,
// so it did not cause the difference being explained. That keeps the cost to
// about (changes × log(range)) compilations instead of one per event.
import * as E from 'fp-ts/Either';
import { compileHost, type CompileOptions, DEFAULT_COMPILE_OPTIONS } from '../../compiler/compile/host';
import type { LoggedEvent } from '../../compiler/events/event';
import { fold } from '../../compiler/fold/fold';
import type { ClusterState } from '../../compiler/fold/state';
import { canonicalJson } from '../../compiler/hash/canonical';
import { type EventLog, LogError } from '../log/event-log';
import type { StateLoader } from './incident-points';

export const LINEAR_SPAN = 2000;

export type Part = 'routes' | 'nftables' | 'bird' | 'sysctls';
const PARTS: readonly Part[] = ['routes', 'nftables', 'bird', 'sysctls'];

export interface AttributedEvent {
  readonly event: LoggedEvent;
  readonly parts: readonly Part[];
}

export interface Attribution {
  readonly events: readonly AttributedEvent[];
  /** Events between the two points. */
  readonly between: number;
  /** Events in stretches skipped because they ended with the datapath they began with. */
  readonly skipped: number;
}

type Parts = Record<Part, string> | undefined;

const partsOf = (state: ClusterState, host: string, options: CompileOptions): Parts => {
  const s = compileHost(state, host, options);
  if (E.isLeft(s)) return undefined;
  const snap = s.right;
  return { routes: canonicalJson(snap.routes), nftables: canonicalJson(snap.nftables), bird: snap.bird, sysctls: canonicalJson(snap.sysctls) };
};

const changedParts = (a: Parts, b: Parts): Part[] => (a === undefined && b === undefined ? [] : PARTS.filter((p) => a?.[p] !== b?.[p]));

/** Event by event from `from` to `to`: the exact list. */
async function linear(log: EventLog, from: ClusterState, to: number, host: string, options: CompileOptions): Promise<AttributedEvent[]> {
  const out: AttributedEvent[] = [];
  let state = from;
  let parts = partsOf(state, host, options);
  for await (const e of log.read(from.offset, to)) {
    const r = fold(state, e);
    if (E.isLeft(r)) throw new LogError('io', `the log is inconsistent: expected offset ${r.left.expected}, read ${r.left.got}`);
    state = r.right.state;
    if (r.right.rejection !== undefined || r.right.changes.length === 0) continue;
    const next = partsOf(state, host, options);
    const changed = changedParts(parts, next);
    if (changed.length > 0) out.push({ event: e, parts: changed });
    parts = next;
  }
  return out;
}

/** The events in [from, to) after which `host`'s datapath differed from before them (see the header for long ranges). */
export async function attributeEvents(
  log: EventLog,
  loader: StateLoader,
  range: { readonly from: number; readonly to: number },
  host: string,
  options: CompileOptions = DEFAULT_COMPILE_OPTIONS,
  linearSpan = LINEAR_SPAN,
): Promise<Attribution> {
  const partsAt = new Map<number, Parts>();
  const at = async (p: number): Promise<Parts> => {
    if (!partsAt.has(p)) partsAt.set(p, partsOf(await loader.at(p), host, options));
    return partsAt.get(p);
  };
  let skipped = 0;
  const halves = async (from: number, to: number): Promise<AttributedEvent[]> => {
    const mid = from + Math.floor((to - from) / 2);
    return [...(await walk(from, mid)), ...(await walk(mid, to))];
  };
  const walk = async (from: number, to: number): Promise<AttributedEvent[]> => {
    if (to - from <= linearSpan) return linear(log, await loader.at(from), to, host, options);
    if (changedParts(await at(from), await at(to)).length === 0) {
      skipped += to - from;
      return [];
    }
    return halves(from, to);
  };
  const top = range.to - range.from;
  // The whole range is looked into even when its ends agree: what happened in it is the question.
  const events = top <= linearSpan ? await linear(log, await loader.at(range.from), range.to, host, options) : await halves(range.from, range.to);
  return { events, between: top, skipped };
}

