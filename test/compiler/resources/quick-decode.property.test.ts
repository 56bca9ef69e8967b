// The quick decoders (compiler/resources/quick-decode.ts) against the codecs
// they stand in for, on documents of every kind, whole and with a field
// broken: a quick decoder gives exactly the codec's value (the same fields,
// in the same order, the same input objects kept) or fails, and it fails
// wherever the codec does; so typedResource answers as the codec alone did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { renderDecodeErrors } from '../../../compiler/errors/decode-errors';
import { typedResource } from '../../../compiler/resources/decode';
import { KINDS } from '../../../compiler/resources/kinds';
import { FAIL, quickDecoder } from '../../../compiler/resources/quick-decode';
import { clusterDocs } from '../arbitraries/cluster';
import { felixDocArb, hostEndpointDocArb, serviceDocArb } from '../arbitraries/services';
import { garbled, ipamDocArb, podDocArb } from '../fold/replay-histories';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 300);

type Doc = Record<string, unknown>;

/** Documents the fixtures and arbitraries do not cover: the other kinds, and values the codecs normalise. */
const EXTRA: Doc[] = [
  { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'p' }, spec: { cidr: '10.0.0.0/16', blockSize: 26, disabled: false, allowedUses: ['Workload', 'Service'] } },
  { apiVersion: 'foldnet.io/v1', kind: 'BGPPeer', metadata: { name: 'tor' }, spec: { peerIP: '10.99.0.254', asNumber: '65000', node: 'host-1', acceptPoolRoutes: true, password: 'x' } },
  { apiVersion: 'foldnet.io/v1', kind: 'BGPConfiguration', metadata: { name: 'default' }, spec: { nodeToNodeMeshEnabled: false, asNumber: 64600 } },
  { apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: 'h', labels: { rack: 'r1' } }, spec: { bgp: { ipv4Address: '10.99.0.1/24', asNumber: '64513' } } },
  {
    apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint', metadata: { namespace: 'ns-a', name: 'w', labels: { b: '1', a: '2' }, annotations: { x: 'y' } },
    spec: { host: 'h', interfaceName: 'cali1', mac: 'EE:EE:EE:EE:EE:EE', ipNetworks: ['10.0.0.1/32'], ports: [{ name: 'http', port: 80, protocol: 'tcp' }, { name: 'dns', port: 53, protocol: '17' }] },
  },
  {
    apiVersion: 'foldnet.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'ns-a', name: 'np' },
    spec: { selector: "app=='x'", types: ['Ingress'], ingress: [{ action: 'Allow', protocol: 'tcp', source: { ports: ['80', '1000:2000', 'http', 7] }, metadata: { annotations: { a: 'b' } } }, { action: 'Deny', protocol: 1, icmp: { type: 8, code: 0 }, ipVersion: 4 }] },
  },
  {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'prod', uid: 'u' },
    spec: { type: 'ClusterIP', selector: { app: 'web' }, clusterIP: '10.96.1.1', ports: [{ name: 'http', port: 80, targetPort: '8080', protocol: 'TCP' }] }, status: {},
  },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: { env: 'prod' } }, spec: { finalizers: ['kubernetes'] } },
];

const wholeDoc: fc.Arbitrary<Doc> = fc.oneof(
  clusterDocs.chain((docs) => fc.constantFrom(...(docs as Doc[]))),
  serviceDocArb(0) as fc.Arbitrary<Doc>,
  hostEndpointDocArb(0) as fc.Arbitrary<Doc>,
  felixDocArb as fc.Arbitrary<Doc>,
  podDocArb,
  ipamDocArb,
  fc.constantFrom(...EXTRA),
);
/** Whole, or with one, two or three fields broken. */
const docArb: fc.Arbitrary<Doc> = fc.oneof(wholeDoc, garbled(wholeDoc), garbled(garbled(wholeDoc)), garbled(garbled(garbled(wholeDoc))));

/** A value's rendering with object key order and undefined properties kept. */
const render = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x === undefined ? '«undefined»' : x));

/** The paths at which `out` holds the very object `input` holds there. */
const kept = (out: unknown, input: unknown, path = '$'): string[] => {
  if (typeof out !== 'object' || out === null) return [];
  const here = out === input ? [path] : [];
  const inner = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  return [...here, ...Object.keys(out).flatMap((k) => kept((out as Record<string, unknown>)[k], inner[k], `${path}.${k}`))];
};

const CODECS = KINDS.map((info) => ({ id: info.id, codec: info.codec, quick: quickDecoder(info.codec) }));

test("every kind's quick decoder gives the codec's own value, field order and kept objects included, or fails; and it fails wherever the codec fails", () => {
  fc.assert(
    fc.property(docArb, (doc) => {
      for (const { id, codec, quick } of CODECS) {
        const slow = codec.decode(doc);
        const fast = quick(doc);
        if (E.isLeft(slow)) {
          assert.equal(fast, FAIL, `${id}: the quick decoder accepts what the codec refuses`);
          continue;
        }
        if (fast === FAIL) continue; // allowed (it only costs time), but see the next law
        assert.deepStrictEqual(fast, slow.right, id);
        assert.equal(render(fast), render(slow.right), `${id}: field order`);
        assert.deepEqual(kept(fast, doc), kept(slow.right, doc), `${id}: kept objects`);
      }
    }),
    { numRuns: RUNS },
  );
});

test('on JSON documents, a quick decoder never fails where its codec succeeds', () => {
  fc.assert(
    fc.property(docArb, (doc) => {
      for (const { id, codec, quick } of CODECS) if (E.isRight(codec.decode(doc))) assert.notEqual(quick(doc), FAIL, id);
    }),
    { numRuns: RUNS },
  );
});

test('typedResource answers exactly as decoding with the codec does: the same value or the same error lines', () => {
  fc.assert(
    fc.property(docArb, (doc) => {
      for (const { id, codec } of CODECS) {
        const expected = E.mapLeft(renderDecodeErrors)(codec.decode(doc));
        const got = typedResource(id, doc);
        assert.deepStrictEqual(got, expected, id);
        if (E.isRight(got) && E.isRight(expected)) assert.equal(render(got.right), render(expected.right), `${id}: field order`);
      }
    }),
    { numRuns: RUNS },
  );
});
