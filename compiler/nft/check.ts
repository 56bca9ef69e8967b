// Checks of a decoded document that need no knowledge of other objects:
// values have the datatype their key or set demands, operators suit their
// operands, nothing follows a verdict, base chains are complete, and the
// forms nft 1.0.6 accepts but cannot list back are refused. Each problem
// carries the path of the value. References between objects, and which base
// chains reach a dnat: ruleset.ts.
import * as E from 'fp-ts/Either';
import { isFibMatch } from './schema';
import type { NftChain, NftCommand, NftDocument, NftElem, NftMapElem, NftMatch, NftRule, NftStatement, NftVerdict, NftVmap } from './schema';
import { checkDnat, checkNumgenKeys } from './check-nat';
import { Datatype, Interval, ParsedElem, formatInterval, isBitmask, isOrdered, leftDatatype, parseElem, parseValue } from './datatype';
import { firstOverlap, sameInterval, sortUnique } from './intervals';

export interface ElemOptions {
  /** Ranges, prefixes and wildcards need `flags interval` in named sets. */
  readonly interval: boolean;
  /** nft 1.0.6 lists wildcard interface names in anonymous sets and maps as garbage. */
  readonly anonymous: boolean;
}

/** Parses elements for datatype `dt`; problems are `path[i]: message`. */
export const checkElems = (dt: Datatype, elems: ReadonlyArray<NftElem>, opts: ElemOptions, path: string): { parsed: ParsedElem[]; problems: string[] } => {
  const parsed: ParsedElem[] = [];
  const problems: string[] = [];
  elems.forEach((e, i) => {
    const r = parseElem(dt, e);
    if (E.isLeft(r)) return void problems.push(`${path}[${i}]: ${r.left}`);
    if (r.right.shape !== 'value' && !opts.interval && !opts.anonymous)
      return void problems.push(`${path}[${i}]: a ${r.right.shape} needs "flags": ["interval"] on the set`);
    if (r.right.shape === 'wildcard' && opts.anonymous)
      return void problems.push(`${path}[${i}]: nft 1.0.6 cannot list interface wildcards inside anonymous sets; use a named set with flags interval`);
    parsed.push(r.right);
  });
  if (problems.length === 0 && !opts.anonymous) {
    const clash = firstOverlap(parsed);
    if (clash) problems.push(`${path}: elements overlap (${describe(dt, clash[0])} and ${describe(dt, clash[1])}); nft refuses overlapping intervals`);
  }
  return { parsed, problems };
};

const describe = (dt: Datatype, iv: Interval): string => JSON.stringify(formatInterval(dt, iv));

/** Map keys: same rules as set elements, and no key may map to two verdicts. */
export const checkMapElems = (dt: Datatype, elems: ReadonlyArray<NftMapElem>, opts: ElemOptions, path: string): { parsed: Array<{ iv: ParsedElem; verdict: NftVerdict }>; problems: string[] } => {
  const { parsed, problems } = checkElems(dt, elems.map(([k]) => k), opts, path);
  if (problems.length > 0) return { parsed: [], problems };
  const pairs = parsed.map((iv, i) => ({ iv, verdict: elems[i]![1] }));
  for (let i = 0; i < pairs.length; i++)
    for (let j = i + 1; j < pairs.length; j++)
      if (sameInterval(pairs[i]!.iv, pairs[j]!.iv) && JSON.stringify(pairs[i]!.verdict) !== JSON.stringify(pairs[j]!.verdict))
        problems.push(`${path}[${j}]: key already maps to another verdict`);
  if (opts.anonymous && problems.length === 0 && firstOverlap(sortUnique(parsed)) !== undefined)
    problems.push(`${path}: keys overlap`);
  return { parsed: pairs, problems };
};

const isTerminal = (s: NftStatement): boolean => !('match' in s || 'log' in s || 'counter' in s || 'mangle' in s);

const checkMatch = (m: NftMatch, path: string): string[] => {
  if (isFibMatch(m)) return [];
  const dtE = leftDatatype(m.left);
  if (E.isLeft(dtE)) return [`${path}.left: ${dtE.left}`];
  const dt = dtE.right;
  const { op, right } = m;
  const at = `${path}.right`;
  const equality = op === '==' || op === '!=' || op === 'in';
  if (typeof right === 'string' && right.startsWith('@')) return equality ? [] : [`${path}.op: a set lookup takes ==, != or in, not ${op}`];
  if (Array.isArray(right)) {
    if (!isBitmask(dt) || op !== 'in') return [`${at}: a list of flags is only for ct state with op "in"; use {"set": [...]} for a set`];
    if (right.length === 0) return [`${at}: empty flag list`];
    return right.flatMap((v, i) => { const r = parseValue(dt, v); return E.isLeft(r) ? [`${at}[${i}]: ${r.left}`] : []; });
  }
  if (typeof right === 'object' && 'set' in right) {
    if (!equality) return [`${path}.op: a set takes ==, != or in, not ${op}`];
    if (right.set.length === 0) return [`${at}.set: an anonymous set cannot be empty`];
    return checkElems(dt, right.set, { interval: true, anonymous: true }, `${at}.set`).problems;
  }
  const r = parseElem(dt, right as NftElem);
  if (E.isLeft(r)) return [`${at}: ${r.left}`];
  if (!equality && (r.right.shape !== 'value' || !isOrdered(dt))) return [`${path}.op: ${op} needs an ordered datatype and a single value`];
  return [];
};

const checkVmap = (v: NftVmap, path: string): string[] => {
  const dtE = leftDatatype(v.key);
  if (E.isLeft(dtE)) return [`${path}.key: ${dtE.left}`];
  if ('numgen' in v.key && typeof v.data === 'string') return [`${path}.data: a numgen vmap takes an anonymous map {"set": [...]} here`];
  if (typeof v.data === 'string') return v.data.startsWith('@') ? [] : [`${path}.data: expected "@mapname" or {"set": [...]}`];
  if (v.data.set.length === 0) return [`${path}.data.set: an anonymous map cannot be empty`];
  const { parsed, problems } = checkMapElems(dtE.right, v.data.set, { interval: true, anonymous: true }, `${path}.data.set`);
  return 'numgen' in v.key && problems.length === 0 ? checkNumgenKeys(v.key.numgen, parsed.map((p) => p.iv), path) : problems;
};

/** `th sport X th dport Y` (==, adjacent) is merged by nft 1.0.6 into a raw `@th,0,32` match it cannot list as th. */
const mergedTh = (a: NftStatement | undefined, b: NftStatement | undefined): boolean => {
  const simple = (s: NftStatement | undefined): string | undefined =>
    s && 'match' in s && s.match.op === '==' && 'payload' in s.match.left && s.match.left.payload.protocol === 'th' &&
    (typeof s.match.right === 'number' || typeof s.match.right === 'string') ? s.match.left.payload.field : undefined;
  const fa = simple(a);
  const fb = simple(b);
  return fa !== undefined && fb !== undefined && fa !== fb;
};

const NET_OF: Record<string, string> = { ip: 'ip', icmp: 'ip', ip6: 'ip6', icmpv6: 'ip6' };
const NET_OF_NFPROTO: Record<string, string> = { ipv4: 'ip', '2': 'ip', ipv6: 'ip6', '10': 'ip6' };
const L4_NAMES: Record<string, string> = { '6': 'tcp', tcp: 'tcp', '17': 'udp', udp: 'udp', '132': 'sctp', sctp: 'sctp', '1': 'icmp', icmp: 'icmp', '58': 'icmpv6', 'ipv6-icmp': 'icmpv6' };

/** nft refuses a rule whose matches imply two network or two transport protocols ("conflicting protocols specified"). */
const conflictingProtocols = (rule: NftRule, path: string): string[] => {
  let net: string | undefined;
  let l4: string | undefined;
  const problems: string[] = [];
  const claim = (kind: 'network' | 'transport', proto: string | undefined, at: string): void => {
    if (proto === undefined) return;
    const have = kind === 'network' ? net : l4;
    if (have !== undefined && have !== proto) problems.push(`${at}: conflicting ${kind} protocols ${have} and ${proto} in one rule (nft refuses it)`);
    else if (kind === 'network') net = proto;
    else l4 = proto;
  };
  rule.expr.forEach((s, i) => {
    const at = `${path}.expr[${i}]`;
    if ('dnat' in s) return void claim('network', s.dnat.family, `${at}.dnat.family`);
    const left = 'match' in s ? s.match.left : 'vmap' in s ? s.vmap.key : undefined;
    if (left === undefined) return;
    const r = 'match' in s && s.match.op === '==' ? s.match.right : undefined;
    const scalar = typeof r === 'number' || (typeof r === 'string' && !r.startsWith('@')) ? String(r) : undefined;
    if ('meta' in left && scalar !== undefined) {
      if (left.meta.key === 'nfproto') claim('network', NET_OF_NFPROTO[scalar], at);
      if (left.meta.key === 'l4proto') claim('transport', L4_NAMES[scalar] ?? scalar, at);
    }
    if ('payload' in left) {
      const proto = left.payload.protocol;
      claim('network', NET_OF[proto], at);
      if (proto !== 'ip' && proto !== 'ip6' && proto !== 'th') claim('transport', proto, at);
    }
  });
  return problems;
};

export const checkRule = (rule: NftRule, path: string): string[] => {
  const problems: string[] = conflictingProtocols(rule, path);
  rule.expr.forEach((s, i) => {
    const at = `${path}.expr[${i}]`;
    if (i < rule.expr.length - 1 && isTerminal(s)) problems.push(`${at}: nothing may follow a verdict, vmap or dnat in a rule`);
    if ('dnat' in s) problems.push(...checkDnat(s.dnat, rule.expr.slice(0, i), `${at}.dnat`));
    if ('match' in s) problems.push(...checkMatch(s.match, `${at}.match`));
    if ('vmap' in s) problems.push(...checkVmap(s.vmap, `${at}.vmap`));
    if (mergedTh(rule.expr[i - 1], s)) problems.push(`${at}: adjacent th sport/dport equality matches are merged by nft into a raw payload match; use tcp/udp/sctp or separate them`);
  });
  return problems;
};

export const checkChain = (c: NftChain, path: string): string[] => {
  const base = [c.type, c.hook, c.prio].filter((x) => x !== undefined).length;
  if (base !== 0 && base !== 3) return [`${path}: a base chain needs type, hook and prio together`];
  if (base === 0 && c.policy !== undefined) return [`${path}.policy: only base chains have a policy`];
  if (c.type === 'nat' && c.hook === 'forward') return [`${path}.hook: nat chains cannot hook forward`];
  // nat runs after conntrack (priority -200) has seen the packet; the kernel refuses it earlier.
  if (c.type === 'nat' && c.prio! <= -200) return [`${path}.prio: a nat chain needs a priority above -200 (conntrack), got ${c.prio} (nft: Operation not supported)`];
  return [];
};

const checkObject = (o: NftCommand, path: string): string[] => {
  if ('chain' in o) return checkChain(o.chain, `${path}.chain`);
  if ('rule' in o) return checkRule(o.rule, `${path}.rule`);
  if ('set' in o) {
    const s = o.set;
    const interval = (s.flags ?? []).includes('interval');
    return checkElems(s.type, s.elem ?? [], { interval, anonymous: false }, `${path}.set.elem`).problems;
  }
  if ('map' in o) {
    const m = o.map;
    const interval = (m.flags ?? []).includes('interval');
    return checkMapElems(m.type, m.elem ?? [], { interval, anonymous: false }, `${path}.map.elem`).problems;
  }
  if ('add' in o) return checkObject(o.add as NftCommand, `${path}.add`);
  return [];
};

export const checkDocument = (doc: NftDocument): string[] =>
  doc.nftables.flatMap((o, i) => checkObject(o, `nftables[${i}]`));
