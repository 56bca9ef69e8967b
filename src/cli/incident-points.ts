// What the incident commands (diff, bisect, what-if) share: naming points of
// the log, loading the state at several of them through one checkpoint store,
// building the packet a trace would send, and a verdict with the rule that
// decided, by either engine. A point is an end offset: the state after
// events 0..end-1 (0 is the empty cluster).
import * as E from 'fp-ts/Either';
import type { ClusterState } from '../../compiler/fold/state';
import { cidrAddress, familyOf, type Ip, parseIp } from '../../compiler/net/ip';
import { MATRIX_SOURCE_PORT } from '../../compiler/policy/reference';
import type { Packet } from '../../compiler/policy/verdict';
import { Protocol, protocolNumber } from '../../compiler/resources/primitives';
import type { CheckpointStore } from '../checkpoint/checkpoint-store';
import { replayTo } from '../checkpoint/replay';
import { openCheckpointStore } from '../checkpoint/store-for-log';
import type { EventLog } from '../log/event-log';
import { CliError, ExitCode, usageError } from './cli-error';
import { type Engine, verdictsOf } from './engine';
import { resolveAt } from './load-state';

export const POINT_HELP = 'OFFSET (after that event), an RFC 3339 time (after the last event at or before it), "start" (the empty log) or "head"';

/** The end offset a point names: `head`, `start`, an offset or a time (as --at reads them). */
export async function resolvePoint(log: EventLog, flag: string, text: string, head: number): Promise<number> {
  const t = text.trim().toLowerCase();
  if (t === 'head') return head;
  if (t === 'start') return 0;
  try {
    return await resolveAt(log, text, head);
  } catch (e) {
    if (e instanceof CliError) throw usageError(e.message.replace(/^--at/, flag));
    throw e;
  }
}

/** "after event 41", or "the empty log" for point 0. */
export const pointText = (end: number): string => (end === 0 ? 'the empty log' : `after event ${end - 1}`);

/** "after event 41", or "in the empty log": a verdict's place in a sentence. */
export const atPoint = (end: number): string => (end === 0 ? 'in the empty log' : pointText(end));

/** States a loader keeps for reuse (the least recently used go first). */
const KEPT_STATES = 16;

/** Loads states at points of one log, sharing one checkpoint store and reusing states already loaded. */
export class StateLoader {
  private readonly store: CheckpointStore | undefined;
  private readonly loaded = new Map<number, ClusterState>();

  constructor(private readonly log: EventLog, options: { readonly checkpoints?: boolean } = {}) {
    this.store = options.checkpoints === false ? undefined : openCheckpointStore(log);
  }

  async at(end: number): Promise<ClusterState> {
    const hit = this.loaded.get(end);
    if (hit !== undefined) {
      // Most recently used last.
      this.loaded.delete(end);
      this.loaded.set(end, hit);
      return hit;
    }
    // The nearest state already loaded at or before `end` may be closer than any checkpoint.
    let from: ClusterState | undefined;
    for (const s of this.loaded.values()) if (s.offset <= end && (from === undefined || s.offset > from.offset)) from = s;
    const { state } = await replayTo(this.log, end, { store: this.store, from });
    this.loaded.set(end, state);
    if (this.loaded.size > KEPT_STATES) this.loaded.delete(this.loaded.keys().next().value!);
    return state;
  }

  async close(): Promise<void> {
    await this.store?.close();
  }
}

export const parseProtocol = (text: string): number => {
  const r = Protocol.decode(text);
  if (E.isLeft(r)) throw usageError(`--protocol: expected TCP, UDP, SCTP, ICMP, ICMPv6 or a number 1-255, got ${JSON.stringify(text)}`);
  return protocolNumber(r.right);
};

export const parsePort = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) throw usageError(`${flag}: expected a port 1-65535, got ${JSON.stringify(text)}`);
  return n;
};

export const isPorted = (protocol: number): boolean => [6, 17, 132, 136].includes(protocol);

/** `ns/name` of an endpoint or a service, a host name, or an IP, resolved in `state`; endpoints and services answer with an address of `family` if given. */
export const resolveAddress = (state: ClusterState, flag: string, text: string, family?: 4 | 6): Ip => {
  const ip = parseIp(text);
  if (E.isRight(ip)) return ip.right;
  const ep = state.endpoints.get(text);
  if (ep !== undefined) {
    const pick = ep.ips.find((a) => family === undefined || familyOf(a) === family) ?? ep.ips[0];
    if (pick === undefined) throw new CliError(ExitCode.Failed, `${flag}: endpoint ${text} has no IP address`);
    return pick;
  }
  const svc = state.services.get(text);
  if (svc !== undefined) return svc.addresses.find((a) => family === undefined || familyOf(a) === family) ?? svc.addresses[0]!;
  const host = state.hosts.get(text);
  const hostIp = host && (family === 6 ? host.ipv6 ?? host.ipv4 : host.ipv4 ?? host.ipv6);
  if (hostIp) return cidrAddress(hostIp);
  throw new CliError(ExitCode.Failed, `${flag}: ${JSON.stringify(text)} is neither an IP address, an endpoint or a service (namespace/name) nor a host at ${pointText(state.offset)}`);
};

/** The packet a trace sends: a new connection from an ephemeral port, or an echo request. */
export const packetFor = (src: Ip, dst: Ip, protocol: number, port: number | undefined): Packet => ({
  src,
  dst,
  protocol,
  ...(isPorted(protocol) ? { srcPort: MATRIX_SOURCE_PORT, dstPort: port } : {}),
  ...(protocol === 1 ? { icmpType: 8, icmpCode: 0 } : protocol === 58 ? { icmpType: 128, icmpCode: 0 } : {}),
});

export interface Judged {
  readonly allowed: boolean;
  /** Why, one line per hop or decision, for people. */
  readonly because: readonly string[];
}

/** The packet's verdict in `state` and the rules that decided it. */
export const judge = (state: ClusterState, packet: Packet, engine: Engine): Judged => {
  const v = verdictsOf(state, engine)(packet);
  return { allowed: v.allowed, because: v.explain('brief') };
};

export const verdictWord = (allowed: boolean): string => (allowed ? 'ALLOWED' : 'DENIED');

/** `ns/a (10.0.0.1)`, or the bare address when no endpoint holds it. */
export const describeAddress = (state: ClusterState, ip: Ip): string => {
  const key = state.ipOwners.get(ip);
  return key === undefined ? ip : `${key} (${ip})`;
};
