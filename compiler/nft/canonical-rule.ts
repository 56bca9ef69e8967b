// A rule's statements in the form nft 1.0.6 lists them after loading, so an
// emitted rule and its listing compare equal. Observed rewrites (see the
// kernel round-trip tests):
// - values canonical (numbers for protocols and ICMP, names for ct state and
//   nfproto), full-length prefixes as plain addresses, sets sorted and merged
//   (adjacent blocks too), one-element sets as their element;
// - op "in" means "==" except for a ct state flag test with a value or list;
// - `meta l4proto P` before a tcp/udp/sctp/icmp(v6) match, and `meta nfproto`
//   before an ip/ip6/icmp(v6) match, vanish (they are that match's implicit
//   dependency), unless a non-match statement stands between them; a `th`
//   port after `meta l4proto tcp|udp|sctp` lists as that protocol's port;
// - `K >= a` directly followed by `K <= b` becomes the range `K a-b`;
// - numgen lists its offset (0 too); dnat addresses in nft's spelling;
// - `==` (or `!=`) value matches on sport and dport (type and code) in one
//   run of matches are merged into one load and list together, in header
//   order, where the lower field stood.
// It assumes a checked rule (check.ts) and leaves meaning to interpret.ts.
import * as E from 'fp-ts/Either';
import { isFibMatch } from './schema';
import type { NftDnat, NftElem, NftLeft, NftMatch, NftRight, NftScalar, NftStatement, NftVmapKey } from './schema';
import { Datatype, Interval, formatInterval, formatRuleElem, formatValue, isBitmask, leftDatatype, parseElem, parseValue } from './datatype';
import { compareIntervals, mergeIntervals } from './intervals';

const parsedOr = <A>(e: E.Either<string, A>, fallback: A): A => (E.isRight(e) ? e.right : fallback);

const canonicalSet = (dt: Datatype, elems: ReadonlyArray<NftElem>): NftElem[] => {
  const ivs = elems.flatMap((e) => { const r = parseElem(dt, e); return E.isRight(r) ? [r.right as Interval] : []; });
  return mergeIntervals(ivs).map((iv) => formatInterval(dt, iv));
};

const canonicalMatch = (m: NftMatch): NftMatch => {
  if (isFibMatch(m)) return m;
  const dtE = leftDatatype(m.left);
  if (E.isLeft(dtE)) return m;
  const dt = dtE.right;
  const bitmask = isBitmask(dt);
  let op = m.op;
  let right: NftRight = m.right;
  if (typeof right === 'string' && right.startsWith('@')) {
    // a named set lookup
  } else if (Array.isArray(right)) {
    const bits = [...new Set(right.flatMap((v) => { const r = parseValue(dt, v); return E.isRight(r) ? [r.right.lo] : []; }))].sort((a, b) => (a < b ? -1 : 1));
    const names = bits.map((b) => formatValue(dt, b));
    right = names.length === 1 ? names[0]! : names;
  } else if (typeof right === 'object' && 'set' in right) {
    const elems = canonicalSet(dt, right.set);
    if (elems.length === 1) right = elems[0]!;
    else {
      right = { set: elems };
      if (op === 'in') op = '==';
    }
  } else {
    right = parsedOr(E.map((p: Parameters<typeof formatRuleElem>[1]) => formatRuleElem(dt, p))(parseElem(dt, right as NftElem)), right as NftElem);
  }
  const flagTest = bitmask && (typeof right === 'string' || typeof right === 'number' || Array.isArray(right));
  if (op === 'in' && !flagTest) op = '==';
  return { op, left: m.left, right };
};

/** nft lists numgen's offset even when it is 0, in this key order. */
const canonicalKey = (k: NftVmapKey): NftVmapKey =>
  'numgen' in k ? { numgen: { mode: k.numgen.mode, mod: k.numgen.mod, offset: k.numgen.offset ?? 0 } } : k;

/** The address as nft prints it (lower case, IPv6 compressed), keys in listing order. */
const canonicalDnat = (d: NftDnat): NftDnat => {
  const dt = d.family === 'ip' ? 'ipv4_addr' : 'ipv6_addr';
  const addr = parsedOr(E.map((p: Interval) => String(formatValue(dt, p.lo)))(parseValue(dt, d.addr)), d.addr);
  return { family: d.family, addr, ...(d.port !== undefined ? { port: d.port } : {}) };
};

const canonicalStatement = (s: NftStatement): NftStatement => {
  if ('match' in s) return { match: canonicalMatch(s.match) };
  if ('counter' in s) return { counter: null };
  if ('log' in s) {
    const prefix = s.log?.prefix;
    const level = s.log?.level === 'warn' ? undefined : s.log?.level;
    if (prefix === undefined && level === undefined) return { log: null };
    return { log: { ...(prefix !== undefined ? { prefix } : {}), ...(level !== undefined ? { level } : {}) } };
  }
  if ('dnat' in s) return { dnat: canonicalDnat(s.dnat) };
  if ('vmap' in s && typeof s.vmap.data !== 'string') {
    const dtE = leftDatatype(s.vmap.key);
    if (E.isLeft(dtE)) return s;
    const dt = dtE.right;
    const keyed = s.vmap.data.set.flatMap(([k, v]) => { const r = parseElem(dt, k); return E.isRight(r) ? [{ iv: r.right, v }] : []; });
    keyed.sort((a, b) => compareIntervals(a.iv, b.iv));
    return { vmap: { key: canonicalKey(s.vmap.key), data: { set: keyed.map(({ iv, v }) => [formatInterval(dt, iv), v]) } } };
  }
  return s;
};

const L4_OF: Record<string, number> = { tcp: 6, udp: 17, sctp: 132, icmp: 1, icmpv6: 58 };
const PROTO_OF_L4: Record<number, 'tcp' | 'udp' | 'sctp'> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };
const NF_OF: Record<string, string> = { ip: 'ipv4', ip6: 'ipv6', icmp: 'ipv4', icmpv6: 'ipv6' };

const metaEq = (s: NftStatement, key: 'l4proto' | 'nfproto'): NftScalar | undefined =>
  'match' in s && s.match.op === '==' && 'meta' in s.match.left && s.match.left.meta.key === key &&
  (typeof s.match.right === 'number' || typeof s.match.right === 'string') ? s.match.right : undefined;

const payloadOf = (s: NftStatement): NftLeft | undefined => {
  const left = 'match' in s ? s.match.left : 'vmap' in s ? s.vmap.key : undefined;
  return left !== undefined && 'payload' in left ? (left as NftLeft) : undefined;
};

const withProtocol = (s: NftStatement, protocol: 'tcp' | 'udp' | 'sctp'): NftStatement => {
  const retarget = <L extends NftVmapKey>(l: L): L => ('payload' in l ? ({ payload: { protocol, field: l.payload.field } } as L) : l);
  if ('match' in s && !isFibMatch(s.match)) return { match: { ...s.match, left: retarget(s.match.left) } };
  if ('vmap' in s) return { vmap: { ...s.vmap, key: retarget(s.vmap.key) } };
  return s;
};

/** Drops the explicit matches nft treats as a later match's dependency. */
const dropDependencies = (stmts: NftStatement[]): NftStatement[] => {
  const dropped = new Set<number>();
  let l4: { at: number; proto: NftScalar } | undefined;
  let nf: { at: number; family: NftScalar } | undefined;
  const out = [...stmts];
  out.forEach((s, i) => {
    const l4v = metaEq(s, 'l4proto');
    const nfv = metaEq(s, 'nfproto');
    if (l4v !== undefined) return void (l4 = { at: i, proto: l4v });
    if (nfv !== undefined) return void (nf = { at: i, family: nfv });
    const p = payloadOf(s);
    if (p !== undefined && 'payload' in p) {
      let protocol: string = p.payload.protocol;
      if (protocol === 'th' && l4 !== undefined && PROTO_OF_L4[Number(l4.proto)] !== undefined) {
        protocol = PROTO_OF_L4[Number(l4.proto)]!;
        out[i] = withProtocol(s, protocol as 'tcp' | 'udp' | 'sctp');
      }
      if (l4 !== undefined && L4_OF[protocol] === Number(l4.proto)) (dropped.add(l4.at), (l4 = undefined));
      if (nf !== undefined && NF_OF[protocol] === nf.family) (dropped.add(nf.at), (nf = undefined));
    }
    if (!('match' in s)) (l4 = undefined), (nf = undefined);
  });
  return out.filter((_, i) => !dropped.has(i));
};

const HEADER_ORDER: Record<string, number> = { sport: 0, dport: 1, type: 0, code: 1 };

/**
 * nft merges `==` (or `!=`) value matches on adjacent fields of one transport
 * header into one load when no non-match statement stands between them, however
 * far apart they are; the merged match lists at the place of the lower field.
 */
const headerOrder = (stmts: NftStatement[]): NftStatement[] => {
  const field = (s: NftStatement | undefined): { protocol: string; field: string; op: string } | undefined =>
    s && 'match' in s && (s.match.op === '==' || s.match.op === '!=') && 'payload' in s.match.left &&
    ['tcp', 'udp', 'sctp', 'icmp', 'icmpv6'].includes(s.match.left.payload.protocol) && HEADER_ORDER[s.match.left.payload.field] !== undefined &&
    (typeof s.match.right === 'number' || typeof s.match.right === 'string') ? { ...s.match.left.payload, op: s.match.op } : undefined;
  const out = [...stmts];
  let runStart = 0;
  for (let i = 0; i <= out.length; i++) {
    if (i < out.length && 'match' in out[i]!) continue;
    // out[runStart, i) is one run of match statements.
    for (let lo = runStart; lo < i; lo++) {
      const a = field(out[lo]);
      if (!a || HEADER_ORDER[a.field] !== 0) continue;
      for (let hi = runStart; hi < i; hi++) {
        const b = field(out[hi]);
        if (!b || HEADER_ORDER[b.field] !== 1 || b.protocol !== a.protocol || b.op !== a.op) continue;
        const [moved] = out.splice(hi, 1);
        const at = hi < lo ? lo : lo + 1;
        out.splice(at, 0, moved!);
        break;
      }
    }
    runStart = i + 1;
  }
  return out;
};

/** `K >= a` immediately followed by `K <= b` loads as one range compare and lists as `K a-b`. */
const mergeBounds = (stmts: NftStatement[]): NftStatement[] => {
  const out: NftStatement[] = [];
  for (const s of stmts) {
    const prev = out[out.length - 1];
    if (prev && 'match' in prev && 'match' in s && prev.match.op === '>=' && s.match.op === '<=' &&
      JSON.stringify(prev.match.left) === JSON.stringify(s.match.left) &&
      (typeof prev.match.right === 'number' || typeof prev.match.right === 'string') &&
      (typeof s.match.right === 'number' || typeof s.match.right === 'string'))
      out[out.length - 1] = { match: { op: '==', left: s.match.left, right: { range: [prev.match.right, s.match.right] } } };
    else out.push(s);
  }
  return out;
};

export const canonicalRule = (expr: ReadonlyArray<NftStatement>): NftStatement[] =>
  headerOrder(dropDependencies(mergeBounds(expr.map(canonicalStatement))));
