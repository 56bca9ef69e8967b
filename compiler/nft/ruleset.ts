// The state a document (a transaction of add / flush / delete commands)
// leaves in the kernel, folded in order from a starting state: one table, its
// chains with their rules, its sets and verdict maps with parsed elements.
// The fold refuses what the kernel would refuse (dangling references, type
// mismatches, overlapping intervals, jump loops, a dnat reached from a base
// chain other than nat prerouting / output). It does not judge values inside
// one object (check.ts) nor run anything (interpret.ts).
import * as E from 'fp-ts/Either';
import type { NftChain, NftCommand, NftDocument, NftElem, NftMap, NftMapElem, NftObject, NftRule, NftSet, NftVerdict } from './schema';
import type { ParsedElem } from './datatype';
import { checkElems, checkMapElems } from './check';
import { compareIntervals, firstOverlap, sameInterval } from './intervals';
import { MAX_LEVEL, findLoop, findTooDeep, lookupsOf, mapTargets, referenceProblems } from './references';
import { findMisplacedDnat, findMisplacedFib, Misplaced } from './placement';

export interface RsChain { readonly decl: NftChain; readonly rules: ReadonlyArray<NftRule> }
export interface RsSet { readonly decl: NftSet; readonly elems: ReadonlyArray<ParsedElem> }
export interface RsMapElem { readonly iv: ParsedElem; readonly verdict: NftVerdict }
export interface RsMap { readonly decl: NftMap; readonly elems: ReadonlyArray<RsMapElem> }
export interface NftRuleset {
  readonly table: string | undefined;
  readonly chains: ReadonlyMap<string, RsChain>;
  readonly sets: ReadonlyMap<string, RsSet>;
  readonly maps: ReadonlyMap<string, RsMap>;
}

export const emptyRuleset: NftRuleset = { table: undefined, chains: new Map(), sets: new Map(), maps: new Map() };

interface Work {
  table: string | undefined;
  chains: Map<string, { decl: NftChain; rules: NftRule[] }>;
  sets: Map<string, { decl: NftSet; elems: ParsedElem[] }>;
  maps: Map<string, { decl: NftMap; elems: RsMapElem[] }>;
  /** Where each rule of this document was added, for messages about it. */
  paths: Map<NftRule, string>;
}

const isInterval = (flags: ReadonlyArray<string> | undefined): boolean => (flags ?? []).includes('interval');
const stripSet = (s: NftSet): NftSet => ({ family: s.family, table: s.table, name: s.name, type: s.type, ...(s.flags ? { flags: s.flags } : {}), ...(s.comment !== undefined ? { comment: s.comment } : {}) });
const stripMap = (m: NftMap): NftMap => ({ family: m.family, table: m.table, name: m.name, type: m.type, map: 'verdict', ...(m.flags ? { flags: m.flags } : {}), ...(m.comment !== undefined ? { comment: m.comment } : {}) });

/** Adds parsed elements to `have`, in place; identical ones are no-ops, overlaps are refused as the kernel does. */
const addElems = <T extends { iv: ParsedElem }>(have: T[], add: ReadonlyArray<T>, same: (a: T, b: T) => boolean, path: string): string[] => {
  // One sort checks a whole batch; only a batch with a problem is replayed element by element, to report it as the kernel would.
  if (cleanBatch(have, add, same)) {
    const at = new Map(have.map((h) => [h.iv.lo, h.iv.hi] as const));
    for (const e of add) if (at.get(e.iv.lo) !== e.iv.hi) (at.set(e.iv.lo, e.iv.hi), have.push(e));
    return [];
  }
  for (const e of add) {
    const twin = have.find((h) => sameInterval(h.iv, e.iv));
    if (twin !== undefined) {
      if (!same(twin, e)) return [`${path}: element exists with another verdict (nft: File exists)`];
      continue;
    }
    if (firstOverlap([...have.map((h) => h.iv), e.iv]) !== undefined) return [`${path}: element overlaps an existing interval`];
    have.push(e);
  }
  return [];
};

/**
 * Whether adding `add` to `have` one by one would succeed: identical
 * intervals agree (with the first of them), distinct ones share no point.
 * Then distinct intervals have distinct lower bounds.
 */
const cleanBatch = <T extends { iv: ParsedElem }>(have: ReadonlyArray<T>, add: ReadonlyArray<T>, same: (a: T, b: T) => boolean): boolean => {
  const all = [...have, ...add].sort((a, b) => compareIntervals(a.iv, b.iv)); // stable: the first of equals stays first
  let first: T | undefined;
  for (const e of all) {
    if (first !== undefined && sameInterval(first.iv, e.iv)) {
      if (!same(first, e)) return false;
      continue;
    }
    if (first !== undefined && e.iv.lo <= first.iv.hi) return false;
    first = e;
  }
  return true;
};

/** addElems for a set's elements, which carry no verdict: identical ones always agree. */
const addSetElems = (set: { elems: ParsedElem[] }, add: ReadonlyArray<ParsedElem>, path: string): string[] => {
  const elems = set.elems.map((iv) => ({ iv }));
  const clash = addElems(elems, add.map((iv) => ({ iv })), () => true, path);
  if (clash.length === 0) set.elems = elems.map((e) => e.iv);
  return clash;
};

const sameVerdict = (a: { verdict: NftVerdict }, b: { verdict: NftVerdict }): boolean => JSON.stringify(a.verdict) === JSON.stringify(b.verdict);

const applyAdd = (w: Work, o: NftObject, path: string): string[] => {
  if ('table' in o) {
    if (w.table !== undefined && w.table !== o.table.name) return [`${path}.table: foldnet documents hold one table; ${w.table} exists`];
    w.table = o.table.name;
    return [];
  }
  const owner = (Object.values(o)[0] as { table: string }).table;
  if (w.table === undefined || owner !== w.table) return [`${path}: table ${owner} does not exist (yet)`];
  if ('chain' in o) {
    const c = o.chain;
    const have = w.chains.get(c.name);
    if (have === undefined) {
      const { handle: _, ...decl } = c;
      w.chains.set(c.name, { decl: decl.type !== undefined && decl.policy === undefined ? { ...decl, policy: 'accept' } : decl, rules: [] });
      return [];
    }
    if (c.type === undefined) return [];
    if (have.decl.type !== c.type || have.decl.hook !== c.hook || have.decl.prio !== c.prio) return [`${path}.chain: chain ${c.name} exists with another type, hook or priority`];
    if (c.policy !== undefined) have.decl = { ...have.decl, policy: c.policy };
    return [];
  }
  if ('set' in o || 'map' in o) {
    const name = 'set' in o ? o.set.name : o.map.name;
    if (('set' in o ? w.maps : w.sets).has(name)) return [`${path}: a ${'set' in o ? 'map' : 'set'} named ${name} exists`];
  }
  if ('set' in o) {
    const s = o.set;
    const have = w.sets.get(s.name) ?? { decl: stripSet(s), elems: [] };
    if (have.decl.type !== s.type || isInterval(have.decl.flags) !== isInterval(s.flags)) return [`${path}.set: set ${s.name} exists with another type or flags`];
    w.sets.set(s.name, have);
    const { parsed } = checkElems(s.type, s.elem ?? [], { interval: isInterval(s.flags), anonymous: false }, `${path}.set.elem`);
    return addSetElems(have, parsed, `${path}.set.elem`);
  }
  if ('map' in o) {
    const m = o.map;
    const have = w.maps.get(m.name) ?? { decl: stripMap(m), elems: [] };
    if (have.decl.type !== m.type || isInterval(have.decl.flags) !== isInterval(m.flags)) return [`${path}.map: map ${m.name} exists with another type or flags`];
    w.maps.set(m.name, have);
    const { parsed } = checkMapElems(m.type, m.elem ?? [], { interval: isInterval(m.flags), anonymous: false }, `${path}.map.elem`);
    return [...referenceProblems(w, { verdicts: parsed.map((p) => p.verdict) }, `${path}.map.elem`), ...addElems(have.elems, parsed, sameVerdict, `${path}.map.elem`)];
  }
  if ('rule' in o) {
    const chain = w.chains.get(o.rule.chain);
    if (chain === undefined) return [`${path}.rule.chain: chain ${o.rule.chain} does not exist (yet)`];
    const problems = referenceProblems(w, { rule: o.rule }, `${path}.rule`);
    if (problems.length === 0) (chain.rules.push(o.rule), w.paths.set(o.rule, `${path}.rule`));
    return problems;
  }
  return applyElements(w, o.element.name, o.element.elem, 'add', `${path}.element`);
};

const applyElements = (w: Work, name: string, items: ReadonlyArray<NftElem | NftMapElem>, mode: 'add' | 'delete', path: string): string[] => {
  const set = w.sets.get(name);
  const map = w.maps.get(name);
  const decl = set?.decl ?? map?.decl;
  if (decl === undefined) return [`${path}.name: set or map ${name} does not exist (yet)`];
  const opts = { interval: isInterval(decl.flags), anonymous: false };
  if (set !== undefined && items.some(Array.isArray)) return [`${path}.elem: set ${name} takes values, not [key, verdict] pairs`];
  if (mode === 'delete') {
    const keys = items.map((e) => (Array.isArray(e) ? (e as NftMapElem)[0] : (e as NftElem)));
    const { parsed, problems } = checkElems(decl.type, keys, opts, `${path}.elem`);
    if (problems.length > 0) return problems;
    const have: ReadonlyArray<ParsedElem> = set !== undefined ? set.elems : map!.elems.map((e) => e.iv);
    const missing = parsed.findIndex((p) => !have.some((h) => sameInterval(h, p)));
    if (missing >= 0) return [`${path}.elem[${missing}]: element does not exist`];
    if (set !== undefined) set.elems = set.elems.filter((h) => !parsed.some((p) => sameInterval(h, p)));
    if (map !== undefined) map.elems = map.elems.filter((h) => !parsed.some((p) => sameInterval(h.iv, p)));
    return [];
  }
  if (set !== undefined) {
    const { parsed, problems } = checkElems(decl.type, items as NftElem[], opts, `${path}.elem`);
    if (problems.length > 0) return problems;
    return addSetElems(set, parsed, `${path}.elem`);
  }
  if (!items.every(Array.isArray)) return [`${path}.elem: map ${name} takes [key, verdict] pairs`];
  const { parsed, problems } = checkMapElems(decl.type, items as NftMapElem[], opts, `${path}.elem`);
  if (problems.length > 0) return problems;
  return [...referenceProblems(w, { verdicts: parsed.map((p) => p.verdict) }, `${path}.elem`), ...addElems(map!.elems, parsed, sameVerdict, `${path}.elem`)];
};

const applyCommand = (w: Work, cmd: NftCommand, path: string): string[] => {
  if ('metainfo' in cmd) return [];
  if ('add' in cmd) return applyAdd(w, cmd.add, `${path}.add`);
  if ('flush' in cmd) {
    const f = cmd.flush;
    if ('table' in f) return w.table === f.table.name ? (w.chains.forEach((c) => (c.rules = [])), []) : [`${path}.flush.table: no such table`];
    if ('chain' in f) return w.chains.has(f.chain.name) ? ((w.chains.get(f.chain.name)!.rules = []), []) : [`${path}.flush.chain: no such chain`];
    if ('set' in f) return w.sets.has(f.set.name) ? ((w.sets.get(f.set.name)!.elems = []), []) : [`${path}.flush.set: no such set`];
    return w.maps.has(f.map.name) ? ((w.maps.get(f.map.name)!.elems = []), []) : [`${path}.flush.map: no such map`];
  }
  if ('delete' in cmd) return applyDelete(w, cmd.delete, `${path}.delete`);
  return applyAdd(w, cmd as NftObject, path);
};

const applyDelete = (w: Work, d: Extract<NftCommand, { delete: unknown }>['delete'], path: string): string[] => {
  if ('table' in d) {
    if (w.table !== d.table.name) return [`${path}.table: no such table`];
    Object.assign(w, { table: undefined, chains: new Map(), sets: new Map(), maps: new Map() });
    return [];
  }
  if ('element' in d) return applyElements(w, d.element.name, d.element.elem, 'delete', `${path}.element`);
  if ('rule' in d) {
    const chain = w.chains.get(d.rule.chain);
    const at = chain?.rules.findIndex((r) => r.handle === d.rule.handle) ?? -1;
    if (chain === undefined || at < 0) return [`${path}.rule: no rule with handle ${d.rule.handle} in chain ${d.rule.chain}`];
    chain.rules.splice(at, 1);
    return [];
  }
  const [kind, ref] = Object.entries(d)[0] as ['chain' | 'set' | 'map', { name: string }];
  const store = kind === 'chain' ? w.chains : kind === 'set' ? w.sets : w.maps;
  if (!store.has(ref.name)) return [`${path}.${kind}: no such ${kind} ${ref.name}`];
  const users = usersOf(w, kind, ref.name);
  if (users.length > 0) return [`${path}.${kind}: ${kind} ${ref.name} is still referenced by ${users.join(', ')} (nft: Device or resource busy)`];
  store.delete(ref.name);
  return [];
};

/** Chains whose rules (or maps whose verdicts) refer to `name`. */
const usersOf = (w: Work, kind: 'chain' | 'set' | 'map', name: string): string[] => {
  const users: string[] = [];
  for (const [cname, c] of w.chains) {
    if (cname === name) continue;
    const uses = c.rules.some((r) => {
      if (kind === 'set') return lookupsOf(r).sets.includes(name);
      if (kind === 'map') return lookupsOf(r).maps.includes(name);
      return r.expr.some((s) => ('jump' in s && s.jump.target === name) || ('goto' in s && s.goto.target === name) ||
        ('vmap' in s && typeof s.vmap.data !== 'string' && mapTargets(s.vmap.data.set.map(([, verdict]) => ({ verdict }))).includes(name)));
    });
    if (uses) users.push(`chain ${cname}`);
  }
  if (kind === 'chain') for (const [mname, m] of w.maps) if (mapTargets(m.elems).includes(name)) users.push(`map ${mname}`);
  return users;
};

/** Folds a document's commands, in order, onto `start`. */
export const foldNftDocument = (doc: NftDocument, start: NftRuleset = emptyRuleset): E.Either<string[], NftRuleset> => {
  const w: Work = {
    table: start.table,
    chains: new Map([...start.chains].map(([k, c]) => [k, { decl: c.decl, rules: [...c.rules] }])),
    sets: new Map([...start.sets].map(([k, s]) => [k, { decl: s.decl, elems: [...s.elems] }])),
    maps: new Map([...start.maps].map(([k, m]) => [k, { decl: m.decl, elems: [...m.elems] }])),
    paths: new Map(),
  };
  const problems = doc.nftables.flatMap((cmd, i) => applyCommand(w, cmd, `nftables[${i}]`));
  if (problems.length > 0) return E.left(problems);
  const loop = findLoop(w);
  if (loop !== undefined) return E.left([`jump loop: ${loop.join(' -> ')} (nft refuses loops)`]);
  const deep = findTooDeep(w);
  if (deep !== undefined) return E.left([`chains nest ${deep.length - 1} levels below a base chain, the kernel allows ${MAX_LEVEL}: ${deep.join(' -> ')}`]);
  /** Where a misplaced statement stands: the path of the command that added its rule. */
  const statementAt = (m: Misplaced): string => {
    const rule = w.chains.get(m.chain)!.rules[m.ruleIndex]!;
    return `${w.paths.get(rule) ?? `chain ${m.chain} rule ${m.ruleIndex}`}.expr[${m.stmtIndex}]`;
  };
  const dnats = findMisplacedDnat(w).map((m) =>
    `${statementAt(m)}.dnat: dnat needs a chain of type nat on hook prerouting or output, but ${m.base.type} chain ${m.base.name} (hook ${m.base.hook}) reaches it: ${m.route.join(' -> ')} (nft: Operation not supported)`);
  if (dnats.length > 0) return E.left(dnats);
  const fibs = findMisplacedFib(w).map((m) =>
    `${statementAt(m)}.match: fib saddr . iif needs hook prerouting, input or forward, but chain ${m.base.name} (hook ${m.base.hook}) reaches it: ${m.route.join(' -> ')} (nft: Operation not supported)`);
  if (fibs.length > 0) return E.left(fibs);
  return E.right({ table: w.table, chains: w.chains, sets: w.sets, maps: w.maps });
};

