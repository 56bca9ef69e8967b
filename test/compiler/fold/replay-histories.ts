// fast-check arbitraries for replay: the incremental compiler's histories
// (test/compiler/incremental/histories.ts: endpoints, policies, IPAM,
// services, …) with Kubernetes Pods woven in — created, relabelled, moved,
// renumbered, removed, clashing with endpoints over keys and addresses — and
// garbled events: documents with one field broken (so they fail to decode,
// or decode to something else), unknown kinds, removes of what is absent.
// Everything the fold can reject is in here, at random places.
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { LoggedEvent } from '../../../compiler/events/event';
import { decodeResource } from '../../../compiler/resources/decode';
import { historyArb } from '../incremental/histories';
import { TEST_TIME } from '../policy/build-state';

type Doc = Record<string, unknown>;
type Draft = { readonly type: 'put'; readonly kind: string; readonly key: string; readonly resource: Doc } | { readonly type: 'remove'; readonly kind: string; readonly key: string };

/** Addresses pods take: some are endpoints' (10.10.0.1, fd10::1) or a host's (10.99.0.1), one is not an address. */
const POD_IPS = ['10.10.0.1', '10.10.0.50', '10.10.0.51', 'fd10::50', 'fd10::1', '10.99.0.1', '10.10.0.999'];
/** Names: `ep0` in ns-a is also a WorkloadEndpoint's key in every history. */
const POD_NAMES = ['pod0', 'pod1', 'pod2', 'ep0'];

export const podDocArb: fc.Arbitrary<Doc> = fc
  .record({
    name: fc.constantFrom(...POD_NAMES),
    ns: fc.constantFrom<string | undefined>('ns-a', 'ns-b', undefined),
    labels: fc.record({ app: fc.constantFrom('web', 'db'), tier: fc.constantFrom('fe', 'be') }, { requiredKeys: [] }),
    host: fc.constantFrom('host-1', 'host-2'),
    ips: fc.subarray(POD_IPS, { maxLength: 2 }),
    podIP: fc.boolean(),
    ports: fc.subarray([{ name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9100, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }]),
  })
  .map(({ name, ns, labels, host, ips, podIP, ports }) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(ns === undefined ? {} : { namespace: ns }), name, labels, uid: `uid-${name}` },
    spec: { nodeName: host, containers: [{ name: 'main', image: 'x', ports }] },
    status: podIP && ips.length > 0 ? { podIP: ips[0] } : { podIPs: ips.map((ip) => ({ ip })), phase: 'Running' },
  }));

/** Values a broken field may take: wrong types, out of range, malformed, or well formed but other than written (`tcp`, `"80"`). */
const ODD_VALUES: unknown[] = [
  null, true, 0, -1, 1.5, 70000, 8080, '', 'TCP', 'tcp', '80', '1000:2000', '64512', 'AA:BB:CC:DD:EE:FF', 'x y', 'Not_A_Name', 'ns-b',
  '10.0.0.1', '10.0.0.0/8', 'fd00::1/128', 'fd00::/200', "app == 'x'", 'all()', [], [1], ['x'], {}, { a: 1 }, { bad: 'x y' },
];

/** Every path to a value inside a document, root first. */
const pathsOf = (v: unknown, at: readonly (string | number)[] = []): Array<readonly (string | number)[]> => {
  const out: Array<readonly (string | number)[]> = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
};

/** A copy of `doc` with the value at `path` replaced (`value` undefined: removed); `extra` adds an unknown field there instead when it is an object. */
const withValue = (doc: unknown, path: readonly (string | number)[], value: unknown, extra: boolean): unknown => {
  if (path.length === 0) {
    if (extra && typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return { ...doc, unknownField: value ?? 1 };
    return value;
  }
  const [head, ...rest] = path;
  if (Array.isArray(doc)) {
    const copy = [...doc];
    const v = withValue(doc[head as number], rest, value, extra);
    if (v === undefined) copy.splice(head as number, 1);
    else copy[head as number] = v;
    return copy;
  }
  const o = doc as Record<string, unknown>;
  const v = withValue(o[head as string], rest, value, extra);
  const copy = { ...o };
  if (v === undefined) delete copy[head as string];
  else copy[head as string] = v;
  return copy;
};

/** `doc` with the list element at `path` listed twice. */
const withRepeat = (doc: unknown, path: readonly (string | number)[]): unknown => {
  const [head, ...rest] = path;
  if (Array.isArray(doc)) {
    const copy = [...doc];
    if (rest.length === 0) copy.splice(head as number, 0, doc[head as number]);
    else copy[head as number] = withRepeat(doc[head as number], rest);
    return copy;
  }
  const o = doc as Record<string, unknown>;
  return { ...o, [head as string]: withRepeat(o[head as string], rest) };
};

/**
 * A document with one field broken: replaced by an odd value, removed, joined
 * by an unknown sibling, or (a list element) repeated.
 */
export const garbled = (docArb: fc.Arbitrary<Doc>): fc.Arbitrary<Doc> =>
  fc
    .record({ doc: docArb, at: fc.nat(), value: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ODD_VALUES) }, { weight: 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(null) }), how: fc.constantFrom('set', 'set', 'extra', 'repeat') })
    .map(({ doc, at, value, how }) => {
      const paths = pathsOf(doc).slice(1); // never the document itself
      const path = paths[at % paths.length]!;
      const out = how === 'repeat' ? (typeof path[path.length - 1] === 'number' ? withRepeat(doc, path) : doc) : withValue(doc, path, value, how === 'extra');
      return (typeof out === 'object' && out !== null && !Array.isArray(out) ? out : doc) as Doc;
    });

/**
 * IPAM endpoints (the base history's names) asking for addresses in ways that
 * may be refused: a pool that does not exist, a family no pool has, a bad
 * annotation. A refusal of one that already holds addresses comes after IPAM
 * has begun to give them back, which is why such puts never fold in place.
 */
export const ipamDocArb: fc.Arbitrary<Doc> = fc
  .record({
    j: fc.nat(3),
    host: fc.constantFrom('host-1', 'host-2', 'host-9'),
    annotations: fc.constantFrom<Record<string, string>>(
      {},
      { 'foldnet.io/ipPools': 'pool-v4' },
      { 'foldnet.io/ipPools': 'nope' },
      { 'foldnet.io/ipFamilies': 'IPv6' },
      { 'foldnet.io/ipFamilies': 'IPv4,IPv6' },
      { 'foldnet.io/ipFamilies': 'bogus' },
    ),
  })
  .map(({ j, host, annotations }) => ({
    apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint',
    metadata: { namespace: 'ns-a', name: `ipam${j}`, labels: { app: 'web' }, annotations },
    spec: { host, interfaceName: `calipam${j}`, profiles: ['p1'] },
  }));

const draftOf = (doc: Doc, type: 'put' | 'remove', fallback: { kind: string; key: string }): Draft => {
  const d = decodeResource(doc);
  const { kind, key } = E.isRight(d) ? d.right : fallback;
  return type === 'put' ? { type, kind, key, resource: E.isRight(d) ? (d.right.resource as Doc) : doc } : { type, kind, key };
};

const poolV4: Doc = { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'pool-v4' }, spec: { cidr: '10.20.0.0/28', blockSize: 30 } };

/** Extra events, each run placed after some event of the base history. */
const extraArb: fc.Arbitrary<Draft[]> = fc.oneof(
  { weight: 6, arbitrary: podDocArb.map((doc) => [draftOf(doc, 'put', { kind: 'Pod', key: 'x/x' })]) },
  { weight: 2, arbitrary: podDocArb.map((doc) => [draftOf(doc, 'remove', { kind: 'Pod', key: 'x/x' })]) },
  { weight: 3, arbitrary: garbled(podDocArb).map((doc) => [draftOf(doc, 'put', { kind: 'Pod', key: 'ns-a/pod0' })]) },
  { weight: 2, arbitrary: ipamDocArb.map((doc) => [draftOf(doc, 'put', { kind: 'WorkloadEndpoint', key: 'ns-a/ipam0' })]) },
  {
    // An endpoint that holds IPAM addresses, then asks again in a way that may be refused.
    weight: 2,
    arbitrary: fc.tuple(ipamDocArb, ipamDocArb).map(([a, b]) => {
      const held = { ...a, metadata: { ...(a.metadata as Doc), annotations: {} }, spec: { ...(a.spec as Doc), host: 'host-1' } };
      const again = { ...b, metadata: { ...(b.metadata as Doc), name: (a.metadata as Doc).name } };
      return [poolV4, held, again].map((doc) => draftOf(doc, 'put', { kind: 'WorkloadEndpoint', key: 'ns-a/ipam0' }));
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Draft[]>(
      [{ type: 'put', kind: 'Gadget', key: 'g', resource: { kind: 'Gadget' } }],
      [{ type: 'remove', kind: 'Pod', key: 'ns-a/absent' }],
      [{ type: 'remove', kind: 'Tier', key: 'security' }],
      [{ type: 'remove', kind: 'IPPool', key: 'pool-v4' }],
    ),
  },
);

const logged = (d: Draft | LoggedEvent, offset: number): LoggedEvent => {
  const envelope = { offset, id: `r-${offset}`, time: TEST_TIME, actor: 'test', schemaVersion: 1 as const, kind: d.kind, key: d.key };
  return d.type === 'put' ? { ...envelope, type: 'put', resource: d.resource } : { ...envelope, type: 'remove' };
};

/** A replay history: the base history's events with extra ones woven in, and some of the base's documents garbled. */
export const replayHistoryArb: fc.Arbitrary<LoggedEvent[]> = fc
  .record({
    base: historyArb,
    extras: fc.array(fc.tuple(fc.nat(), extraArb), { maxLength: 25 }),
    garble: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(...ODD_VALUES)), { maxLength: 4 }),
  })
  .map(({ base, extras, garble }) => {
    const events: Array<Draft | LoggedEvent> = [...base.events];
    for (const [at, path, value] of garble) {
      const i = at % events.length;
      const e = events[i]!;
      if (e.type !== 'put') continue;
      const paths = pathsOf(e.resource).slice(1);
      events[i] = { ...e, resource: withValue(e.resource, paths[path % paths.length]!, value, false) as Doc };
    }
    for (const [at, extra] of extras) events.splice(at % (events.length + 1), 0, ...extra);
    return events.map(logged);
  });
