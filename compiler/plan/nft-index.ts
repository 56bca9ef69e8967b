// A normalised nft document (normaliseDocument / normaliseListing) indexed by
// object name, with the keys the diff compares: canonical JSON of a chain's
// declaration and rules, of set elements, of map keys and verdicts. Equal keys
// mean equal objects because both sides went through the same normalisation;
// producing that normal form is compiler/nft/'s job, not this module's.
import { canonicalJson } from '../hash/canonical';
import type { NftChain, NftCommand, NftDocument, NftElem, NftMap, NftMapElem, NftRule, NftSet } from '../nft/schema';

export interface IndexedMapElem { readonly elem: NftMapElem; readonly verdictKey: string }

export interface NftIndex {
  /** The table, undefined when the document has none. */
  readonly table: { readonly family: 'inet'; readonly table: string } | undefined;
  /** The document's objects in its own order (declarations before use), to add them all. */
  readonly objects: readonly PlainObject[];
  readonly chains: ReadonlyMap<string, NftChain>;
  /** Rules by chain, in order (chains without rules map to []). */
  readonly rules: ReadonlyMap<string, readonly NftRule[]>;
  /** Canonical JSON of each chain's rules (what decides whether a chain is rewritten). */
  readonly rulesKeys: ReadonlyMap<string, string>;
  readonly sets: ReadonlyMap<string, NftSet>;
  readonly maps: ReadonlyMap<string, NftMap>;
  /** Set elements by canonical key. */
  readonly setElems: ReadonlyMap<string, ReadonlyMap<string, NftElem>>;
  /** Map elements by canonical key of their key. */
  readonly mapElems: ReadonlyMap<string, ReadonlyMap<string, IndexedMapElem>>;
}

export type PlainObject = Extract<NftCommand, { table: unknown } | { chain: unknown } | { set: unknown } | { map: unknown } | { rule: unknown }>;

export const isPlainObject = (c: NftCommand): c is PlainObject => 'table' in c || 'chain' in c || 'set' in c || 'map' in c || 'rule' in c;

/** The document's plain objects (a normalised document holds nothing else). */
export const plainObjects = (doc: NftDocument): PlainObject[] => doc.nftables.filter(isPlainObject);

export const indexDocument = (doc: NftDocument): NftIndex => {
  const chains = new Map<string, NftChain>();
  const rules = new Map<string, NftRule[]>();
  const sets = new Map<string, NftSet>();
  const maps = new Map<string, NftMap>();
  let table: NftIndex['table'];
  for (const c of doc.nftables) {
    if ('table' in c) table = { family: c.table.family, table: c.table.name };
    else if ('chain' in c) {
      chains.set(c.chain.name, c.chain);
      if (!rules.has(c.chain.name)) rules.set(c.chain.name, []);
    } else if ('rule' in c) {
      const list = rules.get(c.rule.chain) ?? [];
      list.push(c.rule);
      rules.set(c.rule.chain, list);
    } else if ('set' in c) sets.set(c.set.name, c.set);
    else if ('map' in c) maps.set(c.map.name, c.map);
  }
  const rulesKeys = new LazyMap(rules, (name) => rulesKey(rules.get(name)!));
  const setElems = new LazyMap(sets, (name) => new Map((sets.get(name)!.elem ?? []).map((e) => [elementKey(e), e])));
  const mapElems = new LazyMap(maps, (name) =>
    new Map((maps.get(name)!.elem ?? []).map((e) => [elementKey(e[0]), { elem: e, verdictKey: canonicalJson(e[1]) }])));
  return { table, objects: plainObjects(doc), chains, rules, rulesKeys, sets, maps, setElems, mapElems };
};

/** canonicalJson, without the key sorting a string or number does not need (most set elements are addresses). */
export const elementKey = (e: unknown): string => (typeof e === 'string' || typeof e === 'number' ? JSON.stringify(e) : canonicalJson(e));

/** A read-only map over known keys whose values are computed on first access and kept. */
class LazyMap<V> implements ReadonlyMap<string, V> {
  private readonly done = new Map<string, V>();

  constructor(private readonly domain: ReadonlyMap<string, unknown>, private readonly make: (key: string) => V) {}

  get size(): number {
    return this.domain.size;
  }

  has(key: string): boolean {
    return this.domain.has(key);
  }

  get(key: string): V | undefined {
    if (!this.domain.has(key)) return undefined;
    if (this.done.has(key)) return this.done.get(key);
    const v = this.make(key);
    this.done.set(key, v);
    return v;
  }

  *entries(): MapIterator<[string, V]> {
    for (const k of this.domain.keys()) yield [k, this.get(k)!];
  }

  keys(): MapIterator<string> {
    return this.domain.keys();
  }

  *values(): MapIterator<V> {
    for (const k of this.domain.keys()) yield this.get(k)!;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(f: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
  }
}

/** What identifies a chain's kind: base chains are bound to a hook, type and priority that cannot change in place. */
export const chainKindKey = (c: NftChain): string => (c.type === undefined ? 'regular' : `${c.type}/${c.hook}/${c.prio}`);

export const chainPolicy = (c: NftChain): string | undefined => (c.type === undefined ? undefined : c.policy ?? 'accept');

/** A set's or map's declaration apart from its elements: what `add` cannot change in place. */
export const setKindKey = (s: NftSet | NftMap): string =>
  `${'map' in s ? 'map' : 'set'}:${s.type}:${(s.flags ?? []).includes('interval') ? 'interval' : ''}`;

export const rulesKey = (rules: readonly NftRule[]): string =>
  canonicalJson(rules.map((r) => ({ expr: r.expr, comment: r.comment })));

/** Names of chains a rule passes control to directly (jump, goto, anonymous vmap verdicts). */
export const ruleTargets = (r: NftRule): string[] =>
  r.expr.flatMap((s) => {
    if ('jump' in s) return [s.jump.target];
    if ('goto' in s) return [s.goto.target];
    if ('vmap' in s && typeof s.vmap.data !== 'string')
      return s.vmap.data.set.flatMap(([, v]) => ('jump' in v ? [v.jump.target] : 'goto' in v ? [v.goto.target] : []));
    return [];
  });

export const verdictTarget = (e: NftMapElem): string | undefined => {
  const v = e[1];
  return 'jump' in v ? v.jump.target : 'goto' in v ? v.goto.target : undefined;
};
