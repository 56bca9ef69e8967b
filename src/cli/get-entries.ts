// What `get KIND` lists: the stored resources of that kind, plus what the fold
// translated into it from Kubernetes objects (Pod → WorkloadEndpoint,
// networking.k8s.io NetworkPolicy → NetworkPolicy knp.default.*), filtered
// by namespace and sorted by namespace and name. Presentation is elsewhere.
import { type ClusterState } from '../../compiler/fold/state';
import type { KindInfo } from '../../compiler/resources/kinds';
import { byString } from '../../compiler/model/sort';
import { translatedOf } from './translated';

export interface Entry {
  readonly info: KindInfo;
  readonly key: string;
  readonly namespace?: string;
  readonly name: string;
  /** What -o yaml/json shows: the stored document, or the rendered translation. */
  readonly document: Readonly<Record<string, unknown>>;
  /** Offset of the event that last put it (for a translation: of its source object). */
  readonly offset: number;
  readonly translated: boolean;
}

const split = (info: KindInfo, key: string): { namespace?: string; name: string } => {
  if (!info.namespaced) return { name: key };
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
};

/** Every entry of the kind; `namespace` undefined means all namespaces. */
export function listEntries(state: ClusterState, info: KindInfo, namespace?: string): Entry[] {
  const stored: Entry[] = [...state.resources.values()]
    .filter((r) => r.kind === info.id)
    .map((r) => ({ info, key: r.key, ...split(info, r.key), document: r.resource, offset: r.offset, translated: false }));
  const translated: Entry[] = translatedOf(state, info).map((t) => ({
    info,
    key: t.key,
    ...split(info, t.key),
    document: t.document,
    offset: state.resources.get(t.source)?.offset ?? -1,
    translated: true,
  }));
  return [...stored, ...translated]
    .filter((e) => namespace === undefined || !info.namespaced || e.namespace === namespace)
    .sort((a, b) => byString(a.namespace ?? '', b.namespace ?? '') || byString(a.name, b.name));
}
