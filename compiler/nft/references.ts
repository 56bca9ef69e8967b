// Whether the names a rule or a map element uses resolve in the state folded
// so far: jump and goto targets are existing regular chains, `@set` lookups
// and `@map` dispatches name existing objects of the key's datatype. Also
// finds jump loops, which the kernel refuses. Used by the fold (ruleset.ts).
import * as E from 'fp-ts/Either';
import type { NftChain, NftMap, NftRule, NftSet, NftStatement, NftVerdict } from './schema';
import { leftDatatype } from './datatype';

export interface RefView {
  readonly chains: ReadonlyMap<string, { readonly decl: NftChain; readonly rules: ReadonlyArray<NftRule> }>;
  readonly sets: ReadonlyMap<string, { readonly decl: NftSet }>;
  readonly maps: ReadonlyMap<string, { readonly decl: NftMap; readonly elems: ReadonlyArray<{ readonly verdict: NftVerdict }> }>;
}

const targetOf = (v: NftVerdict | NftStatement): string | undefined =>
  'jump' in v ? v.jump.target : 'goto' in v ? v.goto.target : undefined;

const targetProblem = (view: RefView, target: string, path: string): string[] => {
  const chain = view.chains.get(target);
  if (chain === undefined) return [`${path}: chain ${target} does not exist (yet)`];
  if (chain.decl.type !== undefined) return [`${path}: ${target} is a base chain; jump and goto only reach regular chains`];
  return [];
};

const statementProblems = (view: RefView, s: NftStatement, path: string): string[] => {
  const target = targetOf(s);
  if (target !== undefined) return targetProblem(view, target, `${path}.${'jump' in s ? 'jump' : 'goto'}.target`);
  if ('match' in s && typeof s.match.right === 'string' && s.match.right.startsWith('@')) {
    const name = s.match.right.slice(1);
    const set = view.sets.get(name);
    const dt = leftDatatype(s.match.left);
    if (set === undefined) return [`${path}.match.right: set ${name} does not exist (yet)${view.maps.has(name) ? '; it is a map' : ''}`];
    if (E.isRight(dt) && dt.right !== set.decl.type) return [`${path}.match.right: set ${name} holds ${set.decl.type}, the key is ${dt.right}`];
    return [];
  }
  if ('vmap' in s) {
    const dt = leftDatatype(s.vmap.key);
    if (typeof s.vmap.data !== 'string')
      return s.vmap.data.set.flatMap(([, v], i) => {
        const t = targetOf(v);
        return t === undefined ? [] : targetProblem(view, t, `${path}.vmap.data.set[${i}][1]`);
      });
    const name = s.vmap.data.slice(1);
    const map = view.maps.get(name);
    if (map === undefined) return [`${path}.vmap.data: map ${name} does not exist (yet)`];
    if (E.isRight(dt) && dt.right !== map.decl.type) return [`${path}.vmap.data: map ${name} is keyed by ${map.decl.type}, the key is ${dt.right}`];
  }
  return [];
};

export const referenceProblems = (
  view: RefView,
  what: { readonly rule: NftRule } | { readonly verdicts: ReadonlyArray<NftVerdict> },
  path: string,
): string[] => {
  if ('rule' in what) return what.rule.expr.flatMap((s, i) => statementProblems(view, s, `${path}.expr[${i}]`));
  return what.verdicts.flatMap((v, i) => {
    const t = targetOf(v);
    return t === undefined ? [] : targetProblem(view, t, `${path}[${i}][1]`);
  });
};

/** Chains a chain can pass control to: jumps, gotos, and every verdict of the maps it dispatches through. */
export const successors = (view: RefView, rules: ReadonlyArray<NftRule>): string[] => {
  const out: string[] = [];
  const verdicts = (vs: ReadonlyArray<NftVerdict>): void => vs.forEach((v) => { const t = targetOf(v); if (t !== undefined) out.push(t); });
  for (const r of rules)
    for (const s of r.expr) {
      const t = targetOf(s);
      if (t !== undefined) out.push(t);
      if ('vmap' in s) {
        if (typeof s.vmap.data !== 'string') verdicts(s.vmap.data.set.map(([, v]) => v));
        else verdicts((view.maps.get(s.vmap.data.slice(1))?.elems ?? []).map((e) => e.verdict));
      }
    }
  return out;
};

/** The sets (match lookups) and maps (vmap dispatch) a rule names. */
export const lookupsOf = (rule: NftRule): { sets: string[]; maps: string[] } => {
  const sets: string[] = [];
  const maps: string[] = [];
  for (const s of rule.expr) {
    if ('match' in s && typeof s.match.right === 'string' && s.match.right.startsWith('@')) sets.push(s.match.right.slice(1));
    if ('vmap' in s && typeof s.vmap.data === 'string') maps.push(s.vmap.data.slice(1));
  }
  return { sets, maps };
};

/** Chains named directly by verdicts of a map's elements. */
export const mapTargets = (elems: ReadonlyArray<{ readonly verdict: NftVerdict }>): string[] =>
  elems.flatMap((e) => { const t = targetOf(e.verdict); return t === undefined ? [] : [t]; });

/** A cycle of chain names reachable from a base chain (the kernel accepts loops among unreachable chains). */
export const findLoop = (view: RefView): string[] | undefined => {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'open') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'open');
    stack.push(name);
    for (const next of successors(view, view.chains.get(name)?.rules ?? [])) {
      const loop = visit(next);
      if (loop !== undefined) return loop;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  const bases = [...view.chains].filter(([, c]) => c.decl.type !== undefined).map(([n]) => n).sort();
  for (const name of bases) {
    const loop = visit(name);
    if (loop !== undefined) return loop;
  }
  return undefined;
};

/** The kernel refuses chains 16 or more jumps / gotos below a base chain (NFT_JUMP_STACK_SIZE). */
export const MAX_LEVEL = 15;

/** A path from a base chain longer than the kernel allows, if any; assumes no loops. */
export const findTooDeep = (view: RefView): string[] | undefined => {
  const memo = new Map<string, string[]>();
  const longest = (name: string): string[] => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    let best: string[] = [name];
    for (const next of successors(view, view.chains.get(name)?.rules ?? [])) {
      const path = longest(next);
      if (path.length + 1 > best.length) best = [name, ...path];
    }
    memo.set(name, best);
    return best;
  };
  const bases = [...view.chains].filter(([, c]) => c.decl.type !== undefined).map(([n]) => n).sort();
  for (const name of bases) {
    const path = longest(name);
    if (path.length - 1 > MAX_LEVEL) return path;
  }
  return undefined;
};
