// Decoding one document into a resource: recognise its kind, validate it,
// normalise it, and compute its key. Errors are lines with field paths.
import * as E from 'fp-ts/Either';
import { renderDecodeErrors } from '../errors/decode-errors';
import { KindId, KindInfo, kindByTypeMeta, kindInfo, KINDS } from './kinds';
import { FAIL, isRecord, Quick, quickDecoder } from './quick-decode';

export interface DecodedResource {
  readonly kind: KindId;
  /** `namespace/name` for namespaced kinds, `name` otherwise. */
  readonly key: string;
  /** The document as validated: namespace defaulted, everything else as given. */
  readonly resource: Readonly<Record<string, unknown>>;
}

const knownKinds = (): string => KINDS.map((k) => `${k.apiVersion} ${k.kind}`).join(', ');

/** Kubernetes objects default their namespace; foldnet's own kinds must say it. */
const withDefaults = (info: KindInfo, doc: Record<string, unknown>): Record<string, unknown> => {
  if (info.apiVersion === 'foldnet.io/v1' || !info.namespaced) return doc;
  const metadata = isRecord(doc.metadata) ? doc.metadata : {};
  if (metadata.namespace !== undefined) return doc;
  return { ...doc, metadata: { ...metadata, namespace: 'default' } };
};

export const decodeResource = (u: unknown): E.Either<string[], DecodedResource> => {
  if (!isRecord(u)) return E.left([`(document): expected a resource object, got ${JSON.stringify(u) ?? String(u)}`]);
  const info = kindByTypeMeta(u.apiVersion, u.kind);
  if (!info) {
    if (typeof u.kind !== 'string') return E.left(['kind: required field "kind" is missing']);
    const sameKind = KINDS.filter((k) => k.kind === u.kind);
    return E.left(
      sameKind.length > 0
        ? [`apiVersion: ${u.kind} must have apiVersion ${sameKind.map((k) => k.apiVersion).join(' or ')}, got ${JSON.stringify(u.apiVersion)}`]
        : [`kind: unknown kind ${JSON.stringify(u.kind)} (known: ${knownKinds()})`],
    );
  }
  const doc = withDefaults(info, u);
  const decoded = info.codec.decode(doc);
  if (E.isLeft(decoded)) return E.left(renderDecodeErrors(decoded.left));
  const metadata = doc.metadata as { name: string; namespace?: string };
  const key = info.namespaced ? `${metadata.namespace}/${metadata.name}` : metadata.name;
  return E.right({ kind: info.id, key, resource: doc });
};

const QUICK: ReadonlyMap<KindId, Quick> = new Map(KINDS.map((info) => [info.id, quickDecoder(info.codec)]));

/**
 * The typed value of a stored resource: decoding again keeps the event
 * self-contained. Replay decodes every stored resource, and nearly all of
 * them decode, so the codec's quick twin goes first (quick-decode.ts); only
 * a resource it cannot vouch for goes through the codec, whose errors are
 * the ones reported.
 */
export const typedResource = <A>(kind: KindId, resource: unknown): E.Either<string[], A> => {
  const quick = QUICK.get(kind)!(resource);
  if (quick !== FAIL) return E.right(quick as A);
  return E.mapLeft(renderDecodeErrors)(kindInfo(kind).codec.decode(resource) as E.Either<any, A>);
};
