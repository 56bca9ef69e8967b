// Constructors for foldnet's nft JSON subset, so the compiler reads like the
// ruleset it builds: rule('fn-fwd', [matchEq(meta('iifname'), 'cali1'), jump('fn-wl-x')]).
// Everything targets the one table `inet foldnet`. The constructors do not
// validate; decodeNftDocument does, and the compiler's tests should run it.
// Forms chosen here are the ones nft 1.0.6 lists back unchanged: numbers for
// protocols and ICMP types, `tcp dport` rather than `meta l4proto tcp th dport`,
// marks and masks as unsigned 32-bit numbers.
import type {
  NftChain, NftCommand, NftDocument, NftElem, NftHook, NftLeft, NftMapElem, NftOp, NftRight, NftRule,
  NftScalar, NftSetType, NftStatement, NftVerdict, NftVmapKey,
} from './schema';
import { Cidr, cidrAddress, cidrLength, familyOf, maxPrefix } from '../net/ip';

export const TABLE = 'foldnet';
const at = { family: 'inet', table: TABLE } as const;

type PayloadProtocol = Extract<NftLeft, { payload: unknown }>['payload']['protocol'];
type PayloadField = Extract<NftLeft, { payload: unknown }>['payload']['field'];
type MetaKey = Extract<NftLeft, { meta: unknown }>['meta']['key'];

export const payload = (protocol: PayloadProtocol, field: PayloadField): NftLeft => ({ payload: { protocol, field } });
export const meta = (key: MetaKey): NftLeft => ({ meta: { key } });
export const ctState = (): NftLeft => ({ ct: { key: 'state' } });
export const markAnd = (bits: number): NftLeft => ({ '&': [{ meta: { key: 'mark' } }, bits >>> 0] });

export const setRef = (name: string): string => `@${name}`;
export const range = (lo: NftScalar, hi: NftScalar): NftElem => ({ range: [lo, hi] });
export const prefix = (addr: string, len: number): NftElem => ({ prefix: { addr, len } });
/** A CIDR as nft lists it: a plain address for a host route, a prefix otherwise. */
export const cidr = (c: Cidr): NftElem =>
  cidrLength(c) === maxPrefix(familyOf(c)) ? cidrAddress(c) : prefix(cidrAddress(c), cidrLength(c));
export const anonSet = (elems: ReadonlyArray<NftElem>): NftRight => ({ set: [...elems] });

export const match = (op: NftOp, left: NftLeft, right: NftRight): NftStatement => ({ match: { op, left, right } });
export const matchEq = (left: NftLeft, right: NftRight): NftStatement => match('==', left, right);
export const matchNe = (left: NftLeft, right: NftRight): NftStatement => match('!=', left, right);
/** `ct state established,related`: a flag test, the form nft prints for a bare list. */
export const ctStateIn = (...states: ReadonlyArray<'new' | 'established' | 'related' | 'invalid' | 'untracked'>): NftStatement =>
  match('in', ctState(), states.length === 1 ? states[0]! : [...states]);

export const accept: NftVerdict = { accept: null };
export const drop: NftVerdict = { drop: null };
export const ret: NftVerdict = { return: null };
export const cont: NftVerdict = { continue: null };
export const jump = (target: string): NftVerdict => ({ jump: { target } });
export const goTo = (target: string): NftVerdict => ({ goto: { target } });

/** `numgen random mod N [offset K]`, a vmap key for load spreading (use an anonymous map with keys K..K+N-1). */
export const numgen = (mod: number, offset?: number): NftVmapKey => ({ numgen: { mode: 'random', mod, ...(offset !== undefined ? { offset } : {}) } });

export const vmap = (key: NftVmapKey, data: string | ReadonlyArray<NftMapElem>): NftStatement => ({
  vmap: { key, data: typeof data === 'string' ? data : { set: [...data] } },
});
/** `fib saddr . iif oif missing` (exists: false) / `exists`: is the source routed back by the input interface? */
export const reversePath = (exists: boolean): NftStatement => ({ match: { op: '==', left: { fib: { result: 'oif', flags: ['saddr', 'iif'] } }, right: exists } });
/** `dnat ip to ADDR[:PORT]` (or ip6): only under nat base chains on prerouting or output; a port needs an earlier tcp/udp/sctp match. */
export const dnat = (family: 'ip' | 'ip6', addr: string, port?: number): NftStatement => ({ dnat: { family, addr, ...(port !== undefined ? { port } : {}) } });
export const log = (prefixText?: string): NftStatement => ({ log: prefixText === undefined ? null : { prefix: prefixText } });
export const counter = (): NftStatement => ({ counter: null });

const mark = { meta: { key: 'mark' as const } };
/** `meta mark set meta mark | bits`: raise decision bits. */
export const setMarkBits = (bits: number): NftStatement => ({ mangle: { key: mark, value: { '|': [mark, bits >>> 0] } } });
/** `meta mark set meta mark & ~bits`: clear decision bits, keep the rest. */
export const clearMarks = (bits: number): NftStatement => ({ mangle: { key: mark, value: { '&': [mark, ~bits >>> 0] } } });
/** `meta mark & bits == bits`. */
export const matchMarkHas = (bits: number): NftStatement => match('==', markAnd(bits), bits >>> 0);
/** `meta mark & bits == 0`. */
export const matchMarkLacks = (bits: number): NftStatement => match('==', markAnd(bits), 0);

export const table = (): NftCommand => ({ table: { family: 'inet', name: TABLE } });
export const chain = (name: string): NftCommand => ({ chain: { ...at, name } });
export const baseChain = (name: string, opts: { type: 'filter' | 'nat'; hook: NftHook; prio: number; policy: 'accept' | 'drop' }): NftCommand => ({
  chain: { ...at, name, type: opts.type, hook: opts.hook, prio: opts.prio, policy: opts.policy } satisfies NftChain,
});
export const set = (name: string, type: NftSetType, elems: ReadonlyArray<NftElem>, opts: { interval?: boolean } = {}): NftCommand => ({
  set: { ...at, name, type, ...(opts.interval ? { flags: ['interval'] } : {}), ...(elems.length > 0 ? { elem: [...elems] } : {}) },
});
export const verdictMap = (name: string, type: NftSetType, elems: ReadonlyArray<NftMapElem>, opts: { interval?: boolean } = {}): NftCommand => ({
  map: { ...at, name, type, map: 'verdict', ...(opts.interval ? { flags: ['interval'] } : {}), ...(elems.length > 0 ? { elem: [...elems] } : {}) },
});
export const rule = (chainName: string, expr: ReadonlyArray<NftStatement | NftVerdict>, comment?: string): NftCommand => ({
  rule: { ...at, chain: chainName, expr: [...(expr as NftStatement[])], ...(comment !== undefined ? { comment } : {}) } satisfies NftRule,
});
export const element = (setName: string, elems: ReadonlyArray<NftElem | NftMapElem>): NftCommand => ({ element: { ...at, name: setName, elem: [...elems] } });

/** Transaction wrappers for the applier. */
export const add = (c: NftCommand): NftCommand => ({ add: c as Extract<NftCommand, { add: unknown }>['add'] });
export const flushChain = (name: string): NftCommand => ({ flush: { chain: { ...at, name } } });
export const flushSet = (name: string): NftCommand => ({ flush: { set: { ...at, name } } });
export const flushMap = (name: string): NftCommand => ({ flush: { map: { ...at, name } } });
export const deleteElements = (setName: string, elems: ReadonlyArray<NftElem | NftMapElem>): NftCommand => ({ delete: { element: { ...at, name: setName, elem: [...elems] } } });
export const deleteTable = (): NftCommand => ({ delete: { table: { family: 'inet', name: TABLE } } });
export const deleteChain = (name: string): NftCommand => ({ delete: { chain: { ...at, name } } });
export const deleteSet = (name: string): NftCommand => ({ delete: { set: { ...at, name } } });
export const deleteMap = (name: string): NftCommand => ({ delete: { map: { ...at, name } } });

export const document = (commands: ReadonlyArray<NftCommand>): NftDocument => ({ nftables: [...commands] });
