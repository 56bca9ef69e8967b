// Set objects of the emitted document, shared by its workload part
// (nft-document.ts) and its services/host-endpoint part (nft-section.ts).
import type { ClusterIndex } from '../incremental/cluster-index';
import * as N from './names';
import { SetSpec } from './set-registry';

export const setObject = (s: SetSpec, elem: readonly unknown[]): unknown => ({
  set: {
    family: 'inet', table: N.TABLE, name: s.name, type: s.type,
    ...(s.interval ? { flags: ['interval'] } : {}),
    ...(elem.length > 0 ? { elem } : {}),
    comment: N.comment(s.comment),
  },
});

/** A set's elements, from its source. */
export const setElements = (index: ClusterIndex, s: SetSpec): readonly unknown[] =>
  s.source.kind === 'fixed' ? s.source.elements : index.elements(index.membership(s.source.scope, s.source.port), s.family);

