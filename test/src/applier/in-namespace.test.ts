// The applier as an agent runs it: a node process inside the host's network
// namespace, with the default doors (spawned nft/ip/bird, node:fs on
// /proc/sys). Its sysctl writes land in that namespace and nowhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kernelTestsUnavailable, withNetnsHost } from './netns-host';
import { SEED_DEVICES, seedSnapshots } from './seed-snapshots';
import type { DriverReply, DriverRequest } from './netns-driver';

const skip = kernelTestsUnavailable();
const fromSource = __filename.endsWith('.ts');
const driver = (): string[] =>
  fromSource ? ['--import', pathToFileURL(require.resolve('tsx')).href, join(__dirname, 'netns-driver.ts')] : [join(__dirname, 'netns-driver.js')];

test('inside the namespace, the applier syncs twice from memory and leaves nothing to plan; the root namespace is untouched', { skip }, () =>
  withNetnsHost(SEED_DEVICES, async (h) => {
    const snaps = seedSnapshots();
    const rootForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
    h.sh('sysctl', '-w', `net.ipv4.ip_forward=0`);
    const request: DriverRequest = { birdConfigPath: join(h.dir, 'bird.conf'), snapshots: [snaps.seed!, snaps.plusF!, snaps.opened!] };
    const file = join(h.dir, 'request.json');
    writeFileSync(file, JSON.stringify(request));
    const r = spawnSync('ip', ['netns', 'exec', h.name, process.execPath, ...driver(), file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const reply = JSON.parse(r.stdout) as DriverReply;
    assert.deepEqual(reply.results.map((x) => [x.ok, x.readKernel]), [[true, true], [true, false], [true, false]], JSON.stringify(reply.results));
    assert.equal(reply.remaining, '');
    assert.equal(h.sh('sysctl', '-n', 'net.ipv4.conf.cali-f.proxy_arp').trim(), '1');
    assert.equal(h.sh('sysctl', '-n', 'net.ipv4.ip_forward').trim(), '1');
    assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'), rootForward);
  }));
