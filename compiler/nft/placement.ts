// Statements that only some base chains allow, found where they are reached
// from: the kernel refuses (EOPNOTSUPP) a dnat that any base chain other than
// a nat chain on prerouting or output reaches, and a `fib ... iif` reached
// from a hook other than prerouting, input or forward, whether it stands in
// the base chain itself or in a chain reached by jump, goto or verdict map.
// Chains no base chain reaches may hold them. Used by the fold (ruleset.ts),
// which turns the findings into messages with paths.
import { isFibMatch, NftChain, NftStatement } from './schema';
import { RefView, successors } from './references';

export interface Misplaced {
  readonly chain: string;
  readonly ruleIndex: number;
  readonly stmtIndex: number;
  /** The first base chain (by name) that reaches it, and the chains from there to it. */
  readonly base: NftChain;
  readonly route: ReadonlyArray<string>;
}

export const dnatAllowed = (base: NftChain): boolean => base.type === 'nat' && (base.hook === 'prerouting' || base.hook === 'output');

/** Chains reachable from `base`, each with the route that first reached it (breadth first, so shortest). */
const reach = (view: RefView, base: string): Map<string, string[]> => {
  const routes = new Map<string, string[]>([[base, [base]]]);
  const queue = [base];
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const next of successors(view, view.chains.get(name)?.rules ?? [])) {
      if (routes.has(next) || !view.chains.has(next)) continue;
      routes.set(next, [...routes.get(name)!, next]);
      queue.push(next);
    }
  }
  return routes;
};

const fibAllowed = (base: NftChain): boolean => base.hook === 'prerouting' || base.hook === 'input' || base.hook === 'forward';

const isDnat = (s: NftStatement): boolean => 'dnat' in s;
const isFib = (s: NftStatement): boolean => 'match' in s && isFibMatch(s.match);

export const findMisplacedDnat = (view: RefView): Misplaced[] => findMisplaced(view, dnatAllowed, isDnat);
export const findMisplacedFib = (view: RefView): Misplaced[] => findMisplaced(view, fibAllowed, isFib);

const findMisplaced = (view: RefView, allowed: (base: NftChain) => boolean, wanted: (s: NftStatement) => boolean): Misplaced[] => {
  const found = new Map<string, Misplaced>();
  const bases = [...view.chains].filter(([, c]) => c.decl.type !== undefined && !allowed(c.decl)).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [name, base] of bases)
    for (const [chain, route] of reach(view, name))
      view.chains.get(chain)!.rules.forEach((r, ruleIndex) =>
        r.expr.forEach((s, stmtIndex) => {
          const key = `${chain}/${ruleIndex}/${stmtIndex}`;
          if (wanted(s) && !found.has(key)) found.set(key, { chain, ruleIndex, stmtIndex, base: base.decl, route });
        }));
  return [...found.values()];
};
