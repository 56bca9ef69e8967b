// How the CLI names kinds and resources to people, kubectl style: the kind
// typed on the command line (`wep`, `networkpolicies.networking.k8s.io`),
// the `kind/key` in reports (`workloadendpoint/demo/a created`), and the
// `kind key` in messages (`workloadendpoint demo/x not found`). The registry
// of kinds itself lives in compiler/resources/kinds.ts.
import { FOLDNET_API } from '../../compiler/resources/foldnet-kinds';
import { KINDS, type KindInfo, kindById, kindByName } from '../../compiler/resources/kinds';
import { usageError } from './cli-error';

const groupOf = (info: KindInfo): string | undefined => {
  if (info.apiVersion === FOLDNET_API) return undefined;
  const slash = info.apiVersion.indexOf('/');
  return slash < 0 ? undefined : info.apiVersion.slice(0, slash);
};

/** `workloadendpoint`, `pod`, `networkpolicy.networking.k8s.io`. */
export const kindRef = (info: KindInfo): string => {
  const group = groupOf(info);
  return group === undefined ? info.kind.toLowerCase() : `${info.kind.toLowerCase()}.${group}`;
};

/** `WorkloadEndpoint`, `NetworkPolicy.networking.k8s.io`. */
export const displayKind = (info: KindInfo): string => {
  const group = groupOf(info);
  return group === undefined ? info.kind : `${info.kind}.${group}`;
};

/** The display name of a kind id as stored in events (unknown ids shown as they are). */
export const displayKindId = (id: string): string => {
  const info = kindById(id);
  return info === undefined ? id : displayKind(info);
};

/** `workloadendpoint/demo/a`: what reports print before `created`, `deleted`, ... */
export const resourceRef = (info: KindInfo, key: string): string => `${kindRef(info)}/${key}`;

/** `workloadendpoint demo/a`: how messages name a resource. */
export const resourceText = (info: KindInfo, key: string): string => `${kindRef(info)} ${key}`;

/** The kind a command-line argument names; unknown names are a usage error listing the known ones. */
export const kindArgument = (name: string): KindInfo => {
  const info = kindByName(name);
  if (info !== undefined) return info;
  const known = KINDS.map((k) => {
    const short = k.names.filter((n) => n.length <= 4 && n !== kindRef(k) && n !== `${k.kind.toLowerCase()}s`);
    return short.length > 0 ? `${kindRef(k)} (${short.join(', ')})` : kindRef(k);
  });
  throw usageError(`unknown resource kind ${JSON.stringify(name)}; known kinds: ${known.join(', ')}`);
};

/** The key of `name` for this kind: `namespace/name` for namespaced kinds, `name` otherwise. */
export const keyOf = (info: KindInfo, name: string, namespace: string): string => (info.namespaced ? `${namespace}/${name}` : name);

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** `WorkloadEndpoint demo/a` from a raw document, as far as it can be told (for error labels). */
export const rawLabel = (value: unknown): string | undefined => {
  if (!isRecord(value) || typeof value.kind !== 'string') return undefined;
  const meta = isRecord(value.metadata) ? value.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : undefined;
  const ns = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  if (name === undefined) return value.kind;
  return `${value.kind} ${ns === undefined ? name : `${ns}/${name}`}`;
};
