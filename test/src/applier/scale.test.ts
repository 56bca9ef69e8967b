// Measures (does not assert timings): one endpoint added to a host that has
// 1,000 — the plan's size and how long planning and applying take, from
// memory (Applier.sync) and from a kernel read. Real kernel: the applier runs
// inside one namespace with 1,001 veth pairs, as an agent would (scale-driver.ts).
// Runs when FOLDNET_SCALE=1 (it takes a while); numbers go to the diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScaleRequest } from './scale-driver';
import { snapshotFrom } from '../../compiler/plan/plan-helpers';
import { kernelTestsUnavailable, withNetnsHost } from './netns-host';

const N = Number(process.env.FOLDNET_SCALE_ENDPOINTS ?? 1000);
const skip = process.env.FOLDNET_SCALE === '1' ? kernelTestsUnavailable() : 'set FOLDNET_SCALE=1 to measure';

const ip = (i: number): string => `10.${20 + (i >> 16)}.${(i >> 8) & 255}.${(i & 255) || 0}`;
const endpoint = (i: number): object => ({
  apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint',
  metadata: { namespace: `ns-${i % 4}`, name: `ep${i}`, labels: { app: `app-${i % 10}`, tier: i % 3 === 0 ? 'fe' : 'be' } },
  spec: { host: 'host-1', interfaceName: `cali${i}`, ipNetworks: [`${ip(i + 1)}/32`], profiles: ['default'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
});

const cluster = (n: number): object[] => [
  { apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: 'host-1' }, spec: { bgp: { ipv4Address: '10.99.0.1/24' } } },
  { apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: 'host-2' }, spec: { bgp: { ipv4Address: '10.99.0.2/24' } } },
  { apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name: 'pool' }, spec: { cidr: '10.16.0.0/12' } },
  { apiVersion: 'foldnet.io/v1', kind: 'Profile', metadata: { name: 'default' }, spec: { ingress: [{ action: 'Allow', source: { selector: "tier == 'fe'" } }], egress: [{ action: 'Allow' }] } },
  ...Array.from({ length: 10 }, (_, a) => ({
    apiVersion: 'foldnet.io/v1', kind: 'GlobalNetworkPolicy', metadata: { name: `app-${a}` },
    spec: { selector: `app == 'app-${a}'`, types: ['Ingress'], ingress: [{ action: 'Allow', protocol: 'TCP', source: { selector: `app == 'app-${(a + 1) % 10}'` }, destination: { ports: ['http'] } }] },
  })),
  ...Array.from({ length: n }, (_, i) => endpoint(i)),
];

const fromSource = __filename.endsWith('.ts');
const driver = (): string[] =>
  fromSource ? ['--import', pathToFileURL(require.resolve('tsx')).href, join(__dirname, 'scale-driver.ts')] : [join(__dirname, 'scale-driver.js')];

test(`measure: one endpoint added to a host with ${N} endpoints`, { skip, timeout: 30 * 60_000 }, async (t) => {
  let s = performance.now();
  const before = snapshotFrom(cluster(N));
  t.diagnostic(`snapshot: ${before.nftables.nftables.length} nft objects, ${before.routes.length} routes, ${before.sysctls.length} sysctls (fold + compile ${(performance.now() - s).toFixed(0)} ms)`);
  const after = snapshotFrom(cluster(N + 1));
  await withNetnsHost(Array.from({ length: N + 1 }, (_, i) => `cali${i}`), async (h) => {
    const request: ScaleRequest = { birdConfigPath: join(h.dir, 'bird.conf'), before, after };
    const file = join(h.dir, 'scale.json');
    writeFileSync(file, JSON.stringify(request));
    s = performance.now();
    const r = spawnSync('ip', ['netns', 'exec', h.name, process.execPath, ...driver(), file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const reply = JSON.parse(r.stdout) as { lines: string[]; converged: boolean };
    for (const l of reply.lines) t.diagnostic(l);
    assert.ok(reply.converged);
  });
});
