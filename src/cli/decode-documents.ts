// Turns documents read from `-f` into resources, with every problem named by
// file, document, resource and field:
//   x.yaml: document 3 (WorkloadEndpoint demo/a): spec.ipNetworks[0]: expected a CIDR ..., got "10.0.0.300/32"
// `decodeDocuments` validates fully (for apply) and refuses the same
// resource twice; `identifyDocuments` only needs kind and name (for delete,
// so a resource whose file no longer validates can still be deleted).
import * as E from 'fp-ts/Either';
import { decodeResource } from '../../compiler/resources/decode';
import { FOLDNET_API } from '../../compiler/resources/foldnet-kinds';
import { type KindInfo, kindById, kindByTypeMeta } from '../../compiler/resources/kinds';
import { type DocumentOrigin, type InputProblem, originText, type SourceDocument } from './read-documents';
import { rawLabel } from './resource-names';

export interface InputResource {
  readonly origin: DocumentOrigin;
  readonly info: KindInfo;
  readonly key: string;
  /** The validated document (namespace defaulted for Kubernetes kinds). */
  readonly resource: Readonly<Record<string, unknown>>;
}

export interface DecodeResult<R> {
  readonly resources: R[];
  readonly problems: InputProblem[];
}

/** `x.yaml: document 3 (WorkloadEndpoint demo/a)`. */
export const documentLabel = (d: SourceDocument): string => {
  const label = rawLabel(d.value);
  return label === undefined ? originText(d.origin) : `${originText(d.origin)} (${label})`;
};

const problemAt = (o: DocumentOrigin, text: string): InputProblem => ({ file: o.file, document: o.document, item: o.item, text });

const duplicates = (resources: readonly InputResource[]): InputProblem[] => {
  const first = new Map<string, InputResource>();
  const problems: InputProblem[] = [];
  for (const r of resources) {
    const id = `${r.info.id}|${r.key}`;
    const seen = first.get(id);
    if (seen === undefined) first.set(id, r);
    else problems.push(problemAt(r.origin, `${originText(r.origin)} (${r.info.kind} ${r.key}): duplicate: the same resource is also at ${originText(seen.origin)}`));
  }
  return problems;
};

export function decodeDocuments(documents: readonly SourceDocument[]): DecodeResult<InputResource> {
  const resources: InputResource[] = [];
  const problems: InputProblem[] = [];
  for (const d of documents) {
    const r = decodeResource(d.value);
    if (E.isLeft(r)) {
      const label = documentLabel(d);
      problems.push(...r.left.map((line) => problemAt(d.origin, `${label}: ${line}`)));
      continue;
    }
    resources.push({ origin: d.origin, info: kindById(r.right.kind)!, key: r.right.key, resource: r.right.resource });
  }
  return { resources, problems: [...problems, ...duplicates(resources)] };
}

export interface TargetResource {
  readonly origin?: DocumentOrigin;
  readonly info: KindInfo;
  readonly key: string;
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** Which resource each document names, by apiVersion, kind, metadata.name and metadata.namespace only. */
export function identifyDocuments(documents: readonly SourceDocument[]): DecodeResult<TargetResource> {
  const resources: TargetResource[] = [];
  const problems: InputProblem[] = [];
  for (const d of documents) {
    const label = documentLabel(d);
    const problem = (text: string): void => void problems.push(problemAt(d.origin, `${label}: ${text}`));
    const v = d.value;
    const info = isRecord(v) ? kindByTypeMeta(v.apiVersion, v.kind) : undefined;
    if (!isRecord(v) || info === undefined) {
      // decodeResource words the "which kind?" problem best.
      const r = decodeResource(v);
      problem(E.isLeft(r) ? r.left[0]! : 'kind: not recognised');
      continue;
    }
    const meta = isRecord(v.metadata) ? v.metadata : {};
    if (typeof meta.name !== 'string' || meta.name === '') {
      problem('metadata.name: required field "name" is missing');
      continue;
    }
    let namespace = meta.namespace;
    if (info.namespaced && namespace === undefined && info.apiVersion !== FOLDNET_API) namespace = 'default';
    if (info.namespaced && (typeof namespace !== 'string' || namespace === '')) {
      problem('metadata.namespace: required field "namespace" is missing');
      continue;
    }
    resources.push({ origin: d.origin, info, key: info.namespaced ? `${namespace}/${meta.name}` : meta.name });
  }
  return { resources, problems };
}
