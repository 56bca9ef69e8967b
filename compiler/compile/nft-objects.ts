// The objects of the emitted document — table, chains, sets, verdict maps and
// rules — built alike for its workload part (nft-document.ts), its services /
// host-endpoint part (nft-section.ts) and the incremental compiler, so that
// all write the same bytes. What goes in them is left to those parts.
import type { ClusterIndex } from '../incremental/cluster-index';
import * as N from './names';
import { ChainSpec, MapElem } from './nft-chains';
import { SetSpec } from './set-registry';

const FAMILY = 'inet';

export const tableObject = (): unknown => ({ table: { family: FAMILY, name: N.TABLE } });

/** A chain's declaration; a base chain is a filter chain unless its spec says nat. */
export const chainObject = (c: ChainSpec): unknown => ({
  chain: { family: FAMILY, table: N.TABLE, name: c.name, ...(c.base ? { type: c.base.type ?? 'filter', hook: c.base.hook, prio: c.base.prio, policy: c.base.policy } : {}) },
});

export const mapObject = (name: string, elem: readonly MapElem[]): unknown => ({
  map: { family: FAMILY, table: N.TABLE, name, type: 'ifname', map: 'verdict', ...(elem.length > 0 ? { elem } : {}) },
});

export const ruleObjects = (c: ChainSpec): unknown[] =>
  c.rules.map((r) => ({ rule: { family: FAMILY, table: N.TABLE, chain: c.name, expr: r.expr, comment: r.comment } }));

export const setObject = (s: SetSpec, elem: readonly unknown[]): unknown => ({
  set: {
    family: FAMILY, table: N.TABLE, name: s.name, type: s.type,
    ...(s.interval ? { flags: ['interval'] } : {}),
    ...(elem.length > 0 ? { elem } : {}),
    comment: N.comment(s.comment),
  },
});

/** A set's elements, from its source. */
export const setElements = (index: ClusterIndex, s: SetSpec): readonly unknown[] =>
  s.source.kind === 'fixed' ? s.source.elements : index.elements(index.membership(s.source.scope, s.source.port), s.family);

/** Evaluates the memberships these sets read together (one pass over the cluster) before their elements are asked for. */
export const prepareMemberships = (index: ClusterIndex, sets: readonly SetSpec[]): void =>
  index.prepareMemberships(sets.flatMap((s) => (s.source.kind === 'members' ? [s.source] : [])));
