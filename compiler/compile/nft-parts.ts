// A host's nftables document kept in parts — its chains (declaration and
// rules, in name order), its set objects (in name order), its verdict maps
// and the services / host-endpoint section — so that an update swaps the
// parts that changed instead of copying every rule and set of the host. The
// document a snapshot carries is still the one flat list of libnftables JSON
// objects everyone reads (`nftables`), in this order: the table, chain
// declarations, sets, maps, each chain's rules, then the section. It is made
// from the parts the first time someone reads it, and not before: an agent,
// which plans from deltas (compiler/incremental/delta-plan.ts) and hashes
// (snapshot-hash.ts) from the parts, never needs it.
//
// The lazy list is an enumerable getter on a plain object, so JSON, spread
// and deep equality see a plain `{ nftables: [...] }`; the parts ride along
// under a symbol nobody enumerates.
import { indexBy } from '../incremental/sorted-table';
import { tableObject } from './nft-objects';

export interface PartChain {
  readonly decl: unknown;
  readonly rules: readonly unknown[];
}

export interface NftParts {
  /** Sorted by chain name (code-unit order). */
  readonly chains: readonly PartChain[];
  /** Set objects, sorted by set name. */
  readonly sets: readonly unknown[];
  /** The verdict maps, in document order. */
  readonly maps: readonly unknown[];
  /** The services / host-endpoint objects, in document order (compiler/compile/nft-section.ts). */
  readonly section: readonly unknown[];
}

const PARTS = Symbol('nft parts');

/** One table object for every document made from parts: unchanged from one snapshot to the next, as the hasher wants it. */
export const TABLE = Object.freeze(tableObject());

export type NftDocumentValue = { readonly nftables: readonly unknown[] };

/** The flat document the parts stand for. */
export const flatten = (p: NftParts): unknown[] => {
  let rules = 0;
  for (const c of p.chains) rules += c.rules.length;
  // Sized once: growing it push by push showed in profiles of hosts with thousands of rules.
  const out = new Array<unknown>(1 + p.chains.length + p.sets.length + p.maps.length + rules + p.section.length);
  let i = 0;
  out[i++] = TABLE;
  for (const c of p.chains) out[i++] = c.decl;
  for (const s of p.sets) out[i++] = s;
  for (const m of p.maps) out[i++] = m;
  for (const c of p.chains) for (const r of c.rules) out[i++] = r;
  for (const o of p.section) out[i++] = o;
  return out;
};

/** A document whose flat list is made from `parts` on first read (once). */
export const documentOf = (parts: NftParts): NftDocumentValue => {
  let flat: unknown[] | undefined;
  const doc = {};
  Object.defineProperty(doc, 'nftables', { enumerable: true, get: () => (flat ??= flatten(parts)) });
  Object.defineProperty(doc, PARTS, { value: parts });
  return doc as NftDocumentValue;
};

const chainName = (c: PartChain): string => (c.decl as { readonly chain: { readonly name: string } }).chain.name;
const setName = (o: unknown): string => (o as { readonly set: { readonly name: string } }).set.name;

/** The chain of that name among the parts' chains (not the section's), by binary search. */
export const chainIn = (p: NftParts, name: string): PartChain | undefined => {
  const i = indexBy(p.chains, name, chainName);
  return i < 0 ? undefined : p.chains[i];
};

/** The set object of that name among the parts' sets (not the section's), by binary search. */
export const setIn = (p: NftParts, name: string): unknown => {
  const i = indexBy(p.sets, name, setName);
  return i < 0 ? undefined : p.sets[i];
};

/** The parts a document was made from, if it was made from parts (the incremental compiler's); else undefined. */
export const partsOf = (doc: NftDocumentValue): NftParts | undefined => (doc as { [PARTS]?: NftParts })[PARTS];
