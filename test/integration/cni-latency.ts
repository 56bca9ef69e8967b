// Measures foldnet-cni as a runtime experiences it (not a test: timings go to
// stdout, nothing is asserted). Run as root after `npm run build`:
//
//   node dist/test/integration/cni-latency.js [ENDPOINTS=1000] [RUNS=20]
//
// It loads the embedded log with ENDPOINTS workload endpoints (IPAM-assigned,
// spread over 10 hosts), then times, one call at a time: VERSION through
// bin/foldnet-cni (shell fast path) and through node main.js, ADD (append,
// fold the whole log, build the veth pair, print the result) and DEL, and
// the in-process fold of the log alone.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/Either';
import { decodeResource } from '../../compiler/resources/decode';
import { newDraft } from '../../src/cli/write-events';
import { openLog } from '../../src/log/open-log';
import { repoRoot } from '../helpers/seed-demo';
import { CniLab, host, pool } from './cni-lab';

const endpoints = Number(process.argv[2] ?? 1000);
const runs = Number(process.argv[3] ?? 20);

const stats = (label: string, ms: number[]): void => {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  console.log(`${label.padEnd(44)} n=${s.length}  median ${q(0.5)} ms  p90 ${q(0.9)} ms  max ${s[s.length - 1]!.toFixed(1)} ms`);
};

const timed = async <A>(f: () => Promise<A> | A): Promise<[number, A]> => {
  const t = performance.now();
  const a = await f();
  return [performance.now() - t, a];
};

async function main(): Promise<void> {
  const lab = new CniLab();
  try {
    const hosts = Array.from({ length: 10 }, (_, i) => host(`h${i}`, `10.99.0.${i + 1}`));
    await lab.setUp([hosts[0]!, pool('v4', '10.80.0.0/16'), pool('v6', 'fd80::/112')]);
    const log = openLog(lab.logUrl);
    const docs = [...hosts.slice(1), ...Array.from({ length: endpoints }, (_, i) => ({
      apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint',
      metadata: { namespace: 'load', name: `w${i}`, labels: { app: `a${i % 7}` } },
      spec: { host: `h${i % 10}`, interfaceName: `w${i}`, profiles: ['default'] },
    }))];
    for (let i = 0; i < docs.length; i += 500)
      await log.append(docs.slice(i, i + 500).map((d) => {
        const r = decodeResource(d);
        if (E.isLeft(r)) throw new Error(r.left.join('; '));
        return newDraft('load', { type: 'put', kind: r.right.kind, key: r.right.key, resource: { ...r.right.resource } });
      }));
    console.log(`log: ${await log.head()} events, ${endpoints} endpoints on 10 hosts; ${runs} runs each`);
    await log.close();
    const [coldMs] = await timed(() => lab.state());
    const [warmMs, state] = await timed(() => lab.state());
    console.log(`in-process fold of the whole log: first ${coldMs.toFixed(1)} ms (module loading and JIT included), then ${warmMs.toFixed(1)} ms (${state.allocations.size} allocations, ${state.blocks.size} blocks)`);

    const version = (cmd: string[]) => () => spawnSync(cmd[0]!, cmd.slice(1), { input: '{"cniVersion":"1.0.0"}', env: { PATH: process.env.PATH, CNI_COMMAND: 'VERSION' } });
    const vs: number[] = [];
    const vn: number[] = [];
    for (let i = 0; i < runs; i++) {
      vs.push((await timed(version([join(repoRoot(), 'bin/foldnet-cni')])))[0]);
      vn.push((await timed(version([process.execPath, join(repoRoot(), 'dist/src/cni/main.js')])))[0]);
    }
    stats('VERSION via bin/foldnet-cni (sh)', vs);
    stats('VERSION via node dist/src/cni/main.js', vn);

    const adds: number[] = [];
    const dels: number[] = [];
    for (let i = 0; i < runs; i++) {
      const ns = lab.container();
      const cid = lab.containerId();
      const [ta, add] = await timed(() => lab.call('h0', { command: 'ADD', containerId: cid, netns: ns, conf: lab.conf('h0') }));
      if (add.code !== 0) throw new Error(`ADD failed: ${add.stdout}${add.stderr}`);
      adds.push(ta);
      const [td, del] = await timed(() => lab.call('h0', { command: 'DEL', containerId: cid, netns: ns, conf: lab.conf('h0') }));
      if (del.code !== 0) throw new Error(`DEL failed: ${del.stdout}`);
      dels.push(td);
    }
    stats(`ADD (dual stack, log of ${endpoints} endpoints)`, adds);
    stats('DEL', dels);
  } finally {
    lab.cleanup();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
