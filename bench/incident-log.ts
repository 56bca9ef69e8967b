// A large recorded incident for bench/incident.ts: `count` events of steady
// churn on a cluster of 16 hosts and about `endpoints` live workloads in 20
// namespaces with a policy each (workloads created, relabelled and deleted;
// now and then a policy's ports edited), built around the path of
// fixtures/incident/: payments-0 → postgres-0 on TCP 5432, allowed until one
// edit of db/postgres-ingress at 80% of the log, denied after. Deterministic
// (seeded PRNG, fixed ids and times) and streamed, so a million events never
// sit in memory at once.
import * as E from 'fp-ts/Either';
import { type EventDraft, SCHEMA_VERSION } from '../compiler/events/event';
import { decodeResource } from '../compiler/resources/decode';
import { seededRandom } from './random';

const F = 'foldnet.io/v1';
const HOSTS = 16;
const NAMESPACES = 20;
const T0 = Date.UTC(2026, 10, 26, 0, 0, 0);

export interface LargeIncident {
  readonly count: number;
  /** Offset of the edit that breaks payments → postgres. */
  readonly breakOffset: number;
  readonly drafts: () => Iterable<EventDraft>;
}

/** The benchmark's seeded mulberry32, so the history is the same on every machine. */
const prng = (seed: number): (() => number) => seededRandom(seed).next;

/** The k-th workload address: 10.64.0.0/10 has room for four million. */
const ipOf = (k: number): string => `10.${64 + (k >>> 16)}.${(k >>> 8) & 255}.${k & 255}`;
const host = (i: number): string => `node-${i}`;

const wep = (ns: string, name: string, node: string, ip: string, labels: Record<string, string>): object => ({
  apiVersion: F,
  kind: 'WorkloadEndpoint',
  metadata: { namespace: ns, name, labels },
  spec: { host: node, interfaceName: `cali${name.replace(/[^a-z0-9]/g, '').slice(-11)}`, ipNetworks: [`${ip}/32`], profiles: [`kns.${ns}`] },
});

const nsPolicy = (i: number, ports: number[]): object => ({
  apiVersion: F,
  kind: 'NetworkPolicy',
  metadata: { namespace: `ns-${i}`, name: 'allow-app' },
  spec: {
    selector: `app == 'svc-${i}'`,
    types: ['Ingress'],
    ingress: [{ action: 'Allow', protocol: 'TCP', source: { selector: `tier in {'web', 'api'}` }, destination: { ports } }],
  },
});

const postgresIngress = (broken: boolean): object => ({
  apiVersion: F,
  kind: 'NetworkPolicy',
  metadata: { namespace: 'db', name: 'postgres-ingress' },
  spec: {
    selector: "app == 'postgres'",
    types: ['Ingress'],
    ingress: [
      {
        action: 'Allow',
        protocol: 'TCP',
        source: { namespaceSelector: "kubernetes.io/metadata.name == 'payments'", selector: broken ? "app == 'payments-api'" : "app == 'payments'" },
        destination: { ports: [5432] },
      },
    ],
  },
});

const bootstrap = (): object[] => [
  ...Array.from({ length: HOSTS }, (_, i) => ({ apiVersion: F, kind: 'Host', metadata: { name: host(i) }, spec: { bgp: { ipv4Address: `10.0.${i >> 8}.${(i & 255) + 1}/16` } } })),
  { apiVersion: F, kind: 'IPPool', metadata: { name: 'bench-pool' }, spec: { cidr: '10.64.0.0/10', blockSize: 26 } },
  ...['payments', 'db', ...Array.from({ length: NAMESPACES }, (_, i) => `ns-${i}`)].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  wep('payments', 'payments-0', host(1), '10.127.255.10', { app: 'payments' }),
  wep('db', 'postgres-0', host(3), '10.127.255.20', { app: 'postgres' }),
  postgresIngress(false),
  ...Array.from({ length: NAMESPACES }, (_, i) => nsPolicy(i, [8000 + i])),
];

/** The history: bootstrap, then churn around ~`endpoints` live workloads, the break at 80%. */
export const largeIncident = (count: number, endpoints = 2000): LargeIncident => {
  const breakOffset = Math.floor(count * 0.8);
  function* drafts(): Iterable<EventDraft> {
    const rand = prng(0xbe7c4);
    const live: string[] = [];
    const where = new Map<string, { ns: string; node: string; ip: string; labels: Record<string, string> }>();
    let next = 0;
    const boot = bootstrap();
    for (let offset = 0; offset < count; offset++) {
      let doc: object | undefined;
      let remove: { kind: string; key: string } | undefined;
      if (offset < boot.length) doc = boot[offset];
      else if (offset === breakOffset) doc = postgresIngress(true);
      else {
        const r = rand();
        if (live.length < endpoints * 0.9 || (r < 0.4 && live.length < endpoints * 1.1)) {
          const k = next++;
          const ns = `ns-${k % NAMESPACES}`;
          const name = `w${k}`;
          where.set(name, { ns, node: host(k % HOSTS), ip: ipOf(k), labels: { app: `svc-${k % NAMESPACES}`, tier: ['web', 'api', 'batch'][k % 3]!, v: '1' } });
          live.push(name);
          const w = where.get(name)!;
          doc = wep(w.ns, name, w.node, w.ip, w.labels);
        } else if (r < 0.7) {
          const i = Math.floor(rand() * live.length);
          const name = live[i]!;
          live[i] = live[live.length - 1]!;
          live.pop();
          remove = { kind: 'WorkloadEndpoint', key: `${where.get(name)!.ns}/${name}` };
          where.delete(name);
        } else if (r < 0.99) {
          const name = live[Math.floor(rand() * live.length)]!;
          const w = where.get(name)!;
          w.labels = { ...w.labels, v: String(Number(w.labels.v) + 1) };
          doc = wep(w.ns, name, w.node, w.ip, w.labels);
        } else {
          const i = Math.floor(rand() * NAMESPACES);
          doc = nsPolicy(i, [8000 + i, ...(rand() < 0.5 ? [9000 + i] : [])]);
        }
      }
      const envelope = { id: `bench-${offset}`, time: new Date(T0 + offset * 1000).toISOString(), actor: offset === breakOffset ? 'alice@ops' : 'bench', schemaVersion: SCHEMA_VERSION as 1 };
      if (remove !== undefined) {
        yield { ...envelope, type: 'remove', ...remove };
        continue;
      }
      const d = decodeResource(doc);
      if (E.isLeft(d)) throw new Error(`bench document ${offset} does not decode: ${d.left.join('; ')}`);
      yield { ...envelope, type: 'put', kind: d.right.kind, key: d.right.key, resource: { ...d.right.resource } };
    }
  }
  return { count, breakOffset, drafts };
};
