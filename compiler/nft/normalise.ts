// One canonical document for "the same ruleset", whether it was emitted by
// the compiler or listed back by `nft -j list table inet foldnet` after the
// kernel had it: commands folded into plain objects in a fixed order (table,
// chains, sets, maps, rules by chain), handles, counters' numbers, set
// comments (1.0.6 drops them on JSON load) and metainfo dropped, elements
// sorted, and every form nft rewrites rewritten the same way (canonical-rule.ts).
// Equal normalised documents mean equal rulesets; the converse is only as good
// as the rewrites, which the kernel round-trip tests keep honest.
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type { NftChain, NftCommand, NftDocument, NftMap, NftSet } from './schema';
import { decodeNftDocument } from './schema';
import { foldNftDocument, NftRuleset } from './ruleset';
import { formatInterval, Interval } from './datatype';
import { compareIntervals, sortUnique } from './intervals';
import { canonicalRule } from './canonical-rule';

/** Sorted without exact duplicates: as given when already so (one pass; most element lists are), else sortUnique's copy. */
const sortedUnique = <I extends Interval>(ivs: ReadonlyArray<I>): ReadonlyArray<I> => {
  for (let i = 1; i < ivs.length; i++) if (compareIntervals(ivs[i - 1]!, ivs[i]!) >= 0) return sortUnique(ivs);
  return ivs;
};

const byName = <V>(m: ReadonlyMap<string, V>): Array<[string, V]> => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const chainObject = (c: NftChain): NftChain =>
  c.type === undefined
    ? { family: c.family, table: c.table, name: c.name }
    : { family: c.family, table: c.table, name: c.name, type: c.type, hook: c.hook, prio: c.prio, policy: c.policy ?? 'accept' };

const withFlags = (flags: ReadonlyArray<string> | undefined): { flags?: ['interval'] } => ((flags ?? []).includes('interval') ? { flags: ['interval'] } : {});

/** The canonical plain document of a folded ruleset. */
export const rulesetToDocument = (rs: NftRuleset): NftDocument => {
  if (rs.table === undefined) return { nftables: [] };
  const table = rs.table;
  const out: NftCommand[] = [{ table: { family: 'inet', name: table } }];
  for (const [, c] of byName(rs.chains)) out.push({ chain: chainObject(c.decl) });
  for (const [name, s] of byName(rs.sets)) {
    const elem = sortedUnique(s.elems).map((iv) => formatInterval(s.decl.type, iv));
    const set: NftSet = { family: 'inet', table, name, type: s.decl.type, ...withFlags(s.decl.flags), ...(elem.length > 0 ? { elem } : {}) };
    out.push({ set });
  }
  for (const [name, m] of byName(rs.maps)) {
    const elem = [...m.elems].sort((a, b) => compareIntervals(a.iv, b.iv)).map((e) => [formatInterval(m.decl.type, e.iv), e.verdict] as const);
    const map: NftMap = { family: 'inet', table, name, type: m.decl.type, map: 'verdict', ...withFlags(m.decl.flags), ...(elem.length > 0 ? { elem: elem.map(([k, v]) => [k, v]) } : {}) };
    out.push({ map });
  }
  for (const [chain, c] of byName(rs.chains))
    for (const r of c.rules)
      out.push({ rule: { family: 'inet', table, chain, expr: canonicalRule(r.expr), ...(r.comment !== undefined ? { comment: r.comment } : {}) } });
  return { nftables: out };
};

/** The canonical form of a document the compiler emitted (or any transaction, applied to nothing). */
export const normaliseDocument = (doc: NftDocument): E.Either<string[], NftDocument> =>
  E.map(rulesetToDocument)(foldNftDocument(doc));

const LISTING_ORDER: Record<string, number> = { metainfo: 0, table: 1, chain: 2, set: 3, map: 3, rule: 4, element: 5 };

/**
 * The canonical form of `nft -j list table inet foldnet` (names or `-n`
 * numbers alike). A listing prints maps before the chains their verdicts
 * name, so objects are put in dependency order before folding.
 */
export const normaliseListing = (listed: unknown): E.Either<string[], NftDocument> =>
  pipe(
    decodeNftDocument(listed),
    E.map((doc) => ({ nftables: [...doc.nftables].sort((a, b) => (LISTING_ORDER[Object.keys(a)[0]!] ?? 9) - (LISTING_ORDER[Object.keys(b)[0]!] ?? 9)) })),
    E.chain(normaliseDocument),
  );

/** One command per line: small diffs when two normalised documents differ. */
export const renderDiffable = (doc: NftDocument): string => doc.nftables.map((c) => JSON.stringify(c)).join('\n');
