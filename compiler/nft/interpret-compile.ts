// Compiles the rules of a folded ruleset into closures over a packet view, so
// that running many packets costs Map lookups and comparisons, not JSON walks.
// A read yields the key's value, `null` when the packet lacks the header the
// key implies (nft's implicit dependency fails: the rule does not match), or
// a message when the subset cannot say what the kernel would read. The run
// loop (chains, jumps, verdicts) is in interpret.ts.
import * as E from 'fp-ts/Either';
import { isFibMatch } from './schema';
import type { NftElem, NftMatch, NftRule, NftStatement, NftVerdict, NftVmapKey } from './schema';
import { Datatype, Interval, formatValue, isBitmask, leftDatatype, parseElem, parseValue } from './datatype';
import { IntervalIndex, intervalIndex, mergeIntervals } from './intervals';
import type { NftRuleset } from './ruleset';

/** A packet as bigints, computed once per run. */
export interface PacketView {
  readonly family: 4 | 6;
  readonly nfproto: bigint;
  readonly saddr: bigint;
  /** dnat rewrites the destination for the base chains that run after it. */
  daddr: bigint;
  readonly iif: bigint;
  readonly oif: bigint;
  readonly l4: bigint;
  readonly sport: bigint | undefined;
  dport: bigint | undefined;
  readonly icmpType: bigint | undefined;
  readonly icmpCode: bigint | undefined;
  readonly ct: bigint;
  /** The packet mark; mangle statements change it while the packet is evaluated. */
  mark: bigint;
  /** numgen's draw, chosen by the caller of the run: 0..mod-1, or why the choice is unusable. */
  readonly numgen: (mod: number) => bigint | string;
  /** `fib saddr . iif oif exists`: whether the route back to the source leaves by the input interface, from the caller's routes. */
  readonly reversePath: () => boolean | string;
}

/** A dnat that applies to packets of `family` (in an inet table it ignores the other family). */
export interface Dnat { readonly family: 4 | 6; readonly daddr: bigint; readonly daddrText: string; readonly dport: bigint | undefined }

export type Read = (p: PacketView) => bigint | null | string;
export type Test = (p: PacketView) => boolean | string;
export type Step =
  | { readonly k: 'match'; readonly test: Test }
  | { readonly k: 'log'; readonly prefix: string }
  | { readonly k: 'nop' }
  | { readonly k: 'verdict'; readonly v: NftVerdict }
  | { readonly k: 'mark'; readonly set: (mark: bigint) => bigint }
  | { readonly k: 'dnat'; readonly dnat: Dnat }
  | { readonly k: 'vmap'; readonly read: Read; readonly map: IntervalIndex<NftVerdict> };
export interface CompiledRule { readonly steps: ReadonlyArray<Step>; readonly comment: string | undefined }

const L4: Record<string, bigint> = { tcp: 6n, udp: 17n, sctp: 132n };

const portOf = (p: PacketView, field: string): bigint | undefined => (field === 'sport' ? p.sport : p.dport);

export const compileRead = (left: NftVmapKey): Read => {
  if ('numgen' in left) {
    const { mod, offset } = left.numgen;
    const base = BigInt(offset ?? 0);
    return (p) => { const n = p.numgen(mod); return typeof n === 'string' ? n : n + base; };
  }
  if ('ct' in left) return (p) => p.ct;
  if ('&' in left) {
    const mask = BigInt(left['&'][1]);
    return (p) => p.mark & mask;
  }
  if ('meta' in left) {
    const k = left.meta.key;
    if (k === 'mark') return (p) => p.mark;
    if (k === 'iifname') return (p) => p.iif;
    if (k === 'oifname') return (p) => p.oif;
    if (k === 'l4proto') return (p) => p.l4;
    return (p) => p.nfproto;
  }
  const { protocol, field } = left.payload;
  if (protocol === 'ip' || protocol === 'ip6') {
    const family = protocol === 'ip' ? 4 : 6;
    if (field === 'version') return (p) => (p.family === family ? BigInt(family) : null);
    return field === 'saddr' ? (p) => (p.family === family ? p.saddr : null) : (p) => (p.family === family ? p.daddr : null);
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    // In an inet table nft guards icmp with `meta nfproto ipv4 meta l4proto icmp` (and likewise for icmpv6).
    const [family, l4] = protocol === 'icmp' ? [4, 1n] : [6, 58n];
    return (p) => {
      if (p.family !== family || p.l4 !== l4) return null;
      const v = field === 'type' ? p.icmpType : p.icmpCode;
      return v ?? `packet has no ${protocol} ${field} but a rule reads it`;
    };
  }
  if (protocol === 'th')
    return (p) => portOf(p, field) ?? `th ${field} on a packet without ports (l4proto ${p.l4}): the kernel would read other bytes; guard th with meta l4proto`;
  const l4 = L4[protocol]!;
  return (p) => (p.l4 !== l4 ? null : portOf(p, field) ?? `packet has no ${field} but a ${protocol} rule reads it`);
};

const membership = (dt: Datatype, elems: ReadonlyArray<NftElem>): E.Either<string, IntervalIndex<true>> =>
  E.map((ivs: Interval[]) => intervalIndex(mergeIntervals(ivs).map((iv) => ({ iv, value: true as const }))))(
    E.sequenceArray(elems.map((e) => parseElem(dt, e))) as E.Either<string, Interval[]>,
  );

const setIndex = (ivs: ReadonlyArray<Interval>): IntervalIndex<true> =>
  intervalIndex(mergeIntervals(ivs).map((iv) => ({ iv, value: true as const })));

const ordered = { '<': (x: bigint, y: bigint) => x < y, '>': (x: bigint, y: bigint) => x > y, '<=': (x: bigint, y: bigint) => x <= y, '>=': (x: bigint, y: bigint) => x >= y };

const compileMatch = (rs: NftRuleset, m: NftMatch): E.Either<string, Test> => {
  if (isFibMatch(m)) {
    const want = m.right;
    return E.right((p) => { const exists = p.reversePath(); return typeof exists === 'string' ? exists : exists === want; });
  }
  const dtE = leftDatatype(m.left);
  if (E.isLeft(dtE)) return dtE;
  const dt = dtE.right;
  const read = compileRead(m.left);
  const { op, right } = m;
  const positive = op !== '!=';
  const lift = (hit: (x: bigint) => boolean): Test => (p) => {
    const x = read(p);
    if (x === null) return false;
    if (typeof x === 'string') return x;
    return hit(x) === positive;
  };
  if (typeof right === 'string' && right.startsWith('@')) {
    const set = rs.sets.get(right.slice(1));
    if (set === undefined) return E.left(`set ${right} does not exist`);
    const index = setIndex(set.elems);
    return E.right(lift((x) => index.get(x) !== undefined));
  }
  if (Array.isArray(right)) {
    const bits = E.sequenceArray(right.map((v) => parseValue(dt, v)));
    return E.map((bs: ReadonlyArray<Interval>) => {
      const mask = bs.reduce((acc, b) => acc | b.lo, 0n);
      return lift((x) => (x & mask) !== 0n);
    })(bits);
  }
  if (typeof right === 'object' && 'set' in right)
    return E.map((index: IntervalIndex<true>) => lift((x) => index.get(x) !== undefined))(membership(dt, right.set));
  const ivE = parseElem(dt, right as NftElem);
  if (E.isLeft(ivE)) return ivE;
  const iv = ivE.right;
  if (op === 'in' && isBitmask(dt)) return E.right(lift((x) => (x & iv.lo) !== 0n));
  if (op === '<' || op === '>' || op === '<=' || op === '>=') {
    const cmp = ordered[op];
    return E.right((p) => {
      const x = read(p);
      return x === null ? false : typeof x === 'string' ? x : cmp(x, iv.lo);
    });
  }
  return E.right(iv.lo === iv.hi ? lift((x) => x === iv.lo) : lift((x) => x >= iv.lo && x <= iv.hi));
};

const compileStatement = (rs: NftRuleset, s: NftStatement): E.Either<string, Step> => {
  if ('match' in s) return E.map((test: Test): Step => ({ k: 'match', test }))(compileMatch(rs, s.match));
  if ('log' in s) return E.right({ k: 'log', prefix: s.log?.prefix ?? '' });
  if ('counter' in s) return E.right({ k: 'nop' });
  if ('dnat' in s) {
    const dt = s.dnat.family === 'ip' ? 'ipv4_addr' : 'ipv6_addr';
    return E.map((iv: Interval): Step => ({
      k: 'dnat',
      dnat: { family: dt === 'ipv4_addr' ? 4 : 6, daddr: iv.lo, daddrText: String(formatValue(dt, iv.lo)), dport: s.dnat.port === undefined ? undefined : BigInt(s.dnat.port) },
    }))(parseValue(dt, s.dnat.addr));
  }
  if ('mangle' in s) {
    const v = s.mangle.value;
    const bits = BigInt(typeof v === 'number' ? v : '|' in v ? v['|'][1] : v['&'][1]);
    const set = typeof v === 'number' ? () => bits : '|' in v ? (m: bigint) => m | bits : (m: bigint) => m & bits;
    return E.right({ k: 'mark', set });
  }
  if ('vmap' in s) {
    const dtE = leftDatatype(s.vmap.key);
    if (E.isLeft(dtE)) return dtE;
    const data = s.vmap.data;
    let entries: E.Either<string, ReadonlyArray<{ iv: Interval; value: NftVerdict }>>;
    if (typeof data === 'string') {
      const map = rs.maps.get(data.slice(1));
      entries = map === undefined ? E.left(`map ${data} does not exist`) : E.right(map.elems.map((e) => ({ iv: e.iv, value: e.verdict })));
    } else {
      entries = E.sequenceArray(data.set.map(([k, v]) => E.map((iv: Interval) => ({ iv, value: v }))(parseElem(dtE.right, k))));
    }
    return E.map((es: ReadonlyArray<{ iv: Interval; value: NftVerdict }>): Step => ({ k: 'vmap', read: compileRead(s.vmap.key), map: intervalIndex(es) }))(entries);
  }
  return E.right({ k: 'verdict', v: s as NftVerdict });
};

export const compileRule = (rs: NftRuleset, r: NftRule): E.Either<string, CompiledRule> =>
  E.map((steps: ReadonlyArray<Step>) => ({ steps, comment: r.comment }))(E.sequenceArray(r.expr.map((s) => compileStatement(rs, s))));
