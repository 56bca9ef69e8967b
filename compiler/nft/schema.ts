// The typed subset of libnftables' JSON schema (`man libnftables-json`) that
// foldnet emits for its one table `inet foldnet`, and the decoder that refuses
// everything outside it with a path to the offending value. The subset and the
// nft 1.0.6 behaviour it was fitted to are written down in README.md.
// Decoding checks shapes and what can be judged locally (datatypes of values,
// statement order; see check.ts); whether names resolve is for the fold
// (ruleset.ts).
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { Integer, closed, decodeWith, nullOr, oneKey, refined, show } from './codec-kit';
import { NFT_KEYWORDS } from './symbols';
import { checkDocument } from './check';

const printable = (s: string): boolean => /^[\x20-\x7e]*$/.test(s);

/** A table, chain, set or map name that nft's text syntax can also express. */
export const NftName = refined<string>(
  'nft name',
  (u) => {
    if (typeof u !== 'string') return `expected a name (string), got ${show(u)}`;
    if (!/^[A-Za-z][A-Za-z0-9_./-]{0,254}$/.test(u))
      return `name must be 1-255 characters of letters, digits, "_", "-", ".", "/" starting with a letter, got ${show(u)}`;
    if (NFT_KEYWORDS.has(u)) return `"${u}" is an nft keyword; its text syntax cannot name an object so`;
    return undefined;
  },
  (u): u is string => typeof u === 'string',
);

/** Rule comments: nft keeps at most 128 characters and its text syntax has no escape for `"`. */
export const NftComment = refined<string>(
  'comment',
  (u) =>
    typeof u === 'string' && u.length <= 128 && printable(u) && !u.includes('"')
      ? undefined
      : `comment must be at most 128 printable ASCII characters without '"', got ${show(u)}`,
  (u): u is string => typeof u === 'string',
);

/** Set and map comments: 1.0.6 drops them on JSON load, and the text form writes them as `#` lines. */
export const NftSetComment = refined<string>(
  'set comment',
  (u) => (typeof u === 'string' && u.length <= 128 && printable(u) ? undefined : `set comment must be at most 128 printable ASCII characters, got ${show(u)}`),
  (u): u is string => typeof u === 'string',
);

/** Log prefixes: the kernel keeps 127 characters; nft's text syntax expands `$` in them. */
export const NftLogPrefix = refined<string>(
  'log prefix',
  (u) =>
    typeof u === 'string' && u.length <= 127 && printable(u) && !u.includes('"') && !u.includes('$')
      ? undefined
      : `log prefix must be at most 127 printable ASCII characters without '"' or '$', got ${show(u)}`,
  (u): u is string => typeof u === 'string',
);

/** A value as JSON writes it: address, interface name, symbol, `@set`, or integer. */
export const NftScalar = refined<string | number>(
  'string or integer',
  (u) => (typeof u === 'string' || (typeof u === 'number' && Number.isSafeInteger(u)) ? undefined : `expected a string or an integer, got ${show(u)}`),
  (u): u is string | number => typeof u === 'string' || typeof u === 'number',
);
export type NftScalar = t.TypeOf<typeof NftScalar>;

export const NftFamily = t.literal('inet');
export const NftChainType = t.keyof({ filter: null, nat: null });
export const NftHook = t.keyof({ prerouting: null, input: null, forward: null, output: null, postrouting: null });
export type NftHook = t.TypeOf<typeof NftHook>;
export const NftPolicy = t.keyof({ accept: null, drop: null });
export const NftSetType = t.keyof({
  ipv4_addr: null, ipv6_addr: null, ifname: null, inet_service: null, inet_proto: null,
  icmp_type: null, icmp_code: null, icmpv6_type: null, icmpv6_code: null,
});
export type NftSetType = t.TypeOf<typeof NftSetType>;

export const NftRange = closed('range', { range: t.tuple([NftScalar, NftScalar]) });
export type NftRange = t.TypeOf<typeof NftRange>;
export const NftPrefix = closed('prefix', { prefix: closed('prefix body', { addr: t.string, len: Integer }) });
export type NftPrefix = t.TypeOf<typeof NftPrefix>;

/** A set element or single match value: scalar, `{range}` or `{prefix}`. */
export const NftElem = new t.Type<NftScalar | NftRange | NftPrefix, NftScalar | NftRange | NftPrefix, unknown>(
  'element',
  (u): u is NftScalar | NftRange | NftPrefix => NftScalar.is(u) || NftRange.is(u) || NftPrefix.is(u),
  (u, c) => {
    if (typeof u === 'object' && u !== null && !Array.isArray(u) && 'range' in u) return NftRange.validate(u, c);
    if (typeof u === 'object' && u !== null && !Array.isArray(u) && 'prefix' in u) return NftPrefix.validate(u, c);
    return NftScalar.validate(u, c);
  },
  t.identity,
);
export type NftElem = t.TypeOf<typeof NftElem>;

const target = closed('verdict target', { target: NftName });
export const NftVerdict = oneKey('verdict', {
  accept: t.null, drop: t.null, continue: t.null, return: t.null, jump: target, goto: target,
});
export type NftVerdict = t.TypeOf<typeof NftVerdict>;

export const NftMapElem = t.tuple([NftElem, NftVerdict]);
export type NftMapElem = t.TypeOf<typeof NftMapElem>;

export const NftMetaMark = closed('meta mark', { meta: closed('meta', { key: t.literal('mark') }) });
export type NftMetaMark = t.TypeOf<typeof NftMetaMark>;
/** Marks and masks are unsigned 32-bit (beware JavaScript's signed `^` and `~`: use `>>> 0`). */
export const Uint32 = refined<number>(
  'uint32',
  (u) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 && u <= 0xffffffff ? undefined : `expected an unsigned 32-bit integer, got ${show(u)}`),
  (u): u is number => typeof u === 'number',
);
const markAnd = t.tuple([NftMetaMark, Uint32]);

const leftCases = {
  payload: closed('payload', {
    protocol: t.keyof({ ip: null, ip6: null, tcp: null, udp: null, sctp: null, th: null, icmp: null, icmpv6: null }),
    field: t.keyof({ saddr: null, daddr: null, sport: null, dport: null, type: null, code: null, version: null }),
  }),
  meta: closed('meta', { key: t.keyof({ iifname: null, oifname: null, l4proto: null, nfproto: null, mark: null }) }),
  ct: closed('ct', { key: t.literal('state') }),
  /** `meta mark & MASK`: the packet mark's bits under a mask. */
  '&': markAnd,
};
export const NftLeft = oneKey('match key', leftCases);
export type NftLeft = t.TypeOf<typeof NftLeft>;

/**
 * `numgen random mod N [offset K]`: a number in K..K+N-1 drawn per packet
 * (load spreading). Only a vmap key here; nft 1.0.6 lists `offset` always.
 */
export const NftNumgen = closed('numgen', { mode: t.literal('random'), mod: Uint32 }, { offset: Uint32 });
export type NftNumgen = t.TypeOf<typeof NftNumgen>;
export const NftVmapKey = oneKey('vmap key', { ...leftCases, numgen: NftNumgen });
export type NftVmapKey = t.TypeOf<typeof NftVmapKey>;

/** Right side of a match: a value, `{range}`, `{prefix}`, `{set: [...]}`, or a flag list (ct state). */
export const NftAnonSet = closed('anonymous set', { set: t.array(NftElem) });
export type NftAnonSet = t.TypeOf<typeof NftAnonSet>;
export const NftFlagList = t.array(NftScalar);
export type NftRight = NftElem | NftAnonSet | ReadonlyArray<NftScalar>;
export const NftRight = new t.Type<NftRight, NftRight, unknown>(
  'match value',
  (u): u is NftRight => NftElem.is(u) || NftAnonSet.is(u) || NftFlagList.is(u),
  (u, c) => {
    if (Array.isArray(u)) return NftFlagList.validate(u, c);
    if (typeof u === 'object' && u !== null && 'set' in u) return NftAnonSet.validate(u, c);
    return NftElem.validate(u, c);
  },
  t.identity,
);

export const NftOp = t.keyof({ '==': null, '!=': null, in: null, '<': null, '>': null, '<=': null, '>=': null });
export type NftOp = t.TypeOf<typeof NftOp>;
export const NftValueMatch = closed('match', { op: NftOp, left: NftLeft, right: NftRight });
export type NftValueMatch = t.TypeOf<typeof NftValueMatch>;

/**
 * `fib saddr . iif oif missing` (right false) / `exists` (right true): whether
 * the route back to the packet's source leaves by the interface it came in
 * by — a reverse-path check, foldnet's anti-spoofing for workloads. The only
 * fib form in foldnet's subset; only hooks prerouting, input and forward may
 * reach it (placement.ts).
 */
export const NftFib = closed('fib', {
  result: t.literal('oif'),
  flags: t.tuple([t.literal('saddr'), t.literal('iif')]),
});
export const NftFibMatch = closed('fib match', { op: t.literal('=='), left: closed('fib key', { fib: NftFib }), right: t.boolean });
export type NftFibMatch = t.TypeOf<typeof NftFibMatch>;

export type NftMatch = NftValueMatch | NftFibMatch;
export const isFibMatch = (m: NftMatch): m is NftFibMatch => 'fib' in m.left;
/** A match statement: a fib check when its left side is `fib`, else a value match. */
export const NftMatch = new t.Type<NftMatch, NftMatch, unknown>(
  'match',
  (u): u is NftMatch => NftValueMatch.is(u) || NftFibMatch.is(u),
  (u, c) => {
    const left = typeof u === 'object' && u !== null ? (u as { left?: unknown }).left : undefined;
    return typeof left === 'object' && left !== null && 'fib' in left ? NftFibMatch.validate(u, c) : NftValueMatch.validate(u, c);
  },
  t.identity,
);

export const NftAnonMap = closed('anonymous verdict map', { set: t.array(NftMapElem) });
export const NftVmap = closed('vmap', {
  key: NftVmapKey,
  data: new t.Type<string | t.TypeOf<typeof NftAnonMap>, unknown, unknown>(
    'vmap data',
    (u): u is string | t.TypeOf<typeof NftAnonMap> => typeof u === 'string' || NftAnonMap.is(u),
    (u, c) => (typeof u === 'string' ? t.success(u) : NftAnonMap.validate(u, c)),
    t.identity,
  ),
});
export type NftVmap = t.TypeOf<typeof NftVmap>;

/** `meta mark set V`, `meta mark set meta mark | BITS`, `meta mark set meta mark & MASK`. */
export const NftMangle = closed('mangle', {
  key: NftMetaMark,
  value: new t.Type<number | { '|': [NftMetaMark, number] } | { '&': [NftMetaMark, number] }, unknown, unknown>(
    'mark value',
    (u): u is number | { '|': [NftMetaMark, number] } | { '&': [NftMetaMark, number] } => Integer.is(u) || markOp.is(u),
    (u, c) => (typeof u === 'number' ? Uint32.validate(u, c) : markOp.validate(u, c)),
    t.identity,
  ),
});
const markOp = oneKey('mark operation', { '|': markAnd, '&': markAnd });
export type NftMangle = t.TypeOf<typeof NftMangle>;

export const NftLog = closed('log', {}, { prefix: NftLogPrefix, level: t.keyof({ emerg: null, alert: null, crit: null, err: null, warn: null, notice: null, info: null, debug: null }) });
export const NftCounter = closed('counter', {}, { packets: Integer, bytes: Integer });

/**
 * `dnat ip to ADDR[:PORT]` / `dnat ip6 to [ADDR]:PORT`: terminal; only under a
 * nat base chain on prerouting or output (the fold checks where it is reached
 * from); a port needs an earlier tcp/udp/sctp match in the rule (check.ts).
 */
export const NftDnat = closed('dnat', { family: t.keyof({ ip: null, ip6: null }), addr: t.string }, { port: Integer });
export type NftDnat = t.TypeOf<typeof NftDnat>;

export const NftStatement = oneKey('statement', {
  match: NftMatch, vmap: NftVmap, log: nullOr(NftLog), counter: nullOr(NftCounter), mangle: NftMangle, dnat: NftDnat,
  accept: t.null, drop: t.null, continue: t.null, return: t.null, jump: target, goto: target,
});
export type NftStatement = t.TypeOf<typeof NftStatement>;

const inTable = { family: NftFamily, table: NftName };
const handle = { handle: Integer };

export const NftTable = closed('table', { family: NftFamily, name: NftName }, handle);
export type NftTable = t.TypeOf<typeof NftTable>;
export const NftChain = closed('chain', { ...inTable, name: NftName }, { ...handle, type: NftChainType, hook: NftHook, prio: Integer, policy: NftPolicy });
export type NftChain = t.TypeOf<typeof NftChain>;
const setFlags = t.array(t.literal('interval'));
export const NftSet = closed('set', { ...inTable, name: NftName, type: NftSetType }, { ...handle, flags: setFlags, elem: t.array(NftElem), comment: NftSetComment });
export type NftSet = t.TypeOf<typeof NftSet>;
export const NftMap = closed('map', { ...inTable, name: NftName, type: NftSetType, map: t.literal('verdict') }, { ...handle, flags: setFlags, elem: t.array(NftMapElem), comment: NftSetComment });
export type NftMap = t.TypeOf<typeof NftMap>;
export const NftRule = closed('rule', { ...inTable, chain: NftName, expr: t.array(NftStatement) }, { ...handle, comment: NftComment });
export type NftRule = t.TypeOf<typeof NftRule>;

/** Elements of a set (values) or of a verdict map ([key, verdict]; keys alone when deleting). */
export const NftElementItem = new t.Type<NftElem | NftMapElem, NftElem | NftMapElem, unknown>(
  'set or map element',
  (u): u is NftElem | NftMapElem => NftElem.is(u) || NftMapElem.is(u),
  (u, c) => (Array.isArray(u) ? NftMapElem.validate(u, c) : NftElem.validate(u, c)),
  t.identity,
);
export const NftElement = closed('element', { ...inTable, name: NftName, elem: t.array(NftElementItem) });
export type NftElement = t.TypeOf<typeof NftElement>;

const tableRef = closed('table reference', { family: NftFamily, name: NftName }, handle);
const namedRef = closed('reference', { ...inTable, name: NftName }, handle);
export const NftRuleRef = closed('rule reference', { ...inTable, chain: NftName, handle: Integer });

export const NftObject = oneKey('object', { table: NftTable, chain: NftChain, set: NftSet, map: NftMap, rule: NftRule, element: NftElement });
export type NftObject = t.TypeOf<typeof NftObject>;
export const NftFlush = oneKey('flush', { table: tableRef, chain: namedRef, set: namedRef, map: namedRef });
export type NftFlush = t.TypeOf<typeof NftFlush>;
export const NftDelete = oneKey('delete', { table: tableRef, chain: namedRef, set: namedRef, map: namedRef, element: NftElement, rule: NftRuleRef });
export type NftDelete = t.TypeOf<typeof NftDelete>;
export const NftMetainfo = closed('metainfo', {}, { version: t.string, release_name: t.string, json_schema_version: Integer });

export const NftCommand = oneKey('command', {
  metainfo: NftMetainfo, table: NftTable, chain: NftChain, set: NftSet, map: NftMap, rule: NftRule, element: NftElement,
  add: NftObject, flush: NftFlush, delete: NftDelete,
});
export type NftCommand = t.TypeOf<typeof NftCommand>;

export const NftDocument = closed('nftables document', { nftables: t.array(NftCommand) });
export type NftDocument = t.TypeOf<typeof NftDocument>;

/** Decodes a document of foldnet's subset; every problem is reported with its path. */
export const decodeNftDocument = (u: unknown): E.Either<string[], NftDocument> =>
  pipe(
    decodeWith(NftDocument, u),
    E.chain((doc) => {
      const problems = checkDocument(doc);
      return problems.length > 0 ? E.left(problems) : E.right(doc);
    }),
  );
