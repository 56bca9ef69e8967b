// A real TCP connection through foldnet's load-spreading DNAT: a router
// namespace loads a ruleset whose nat prerouting chain spreads the service
// 10.96.0.10:80 over two backend ports with numgen and dnat, and whose
// forward chain admits only the backends (so it must see the translated
// destination). Clients in another namespace reach a listener in a third;
// every answer is one the interpreter predicts for some numgen choice.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import * as b from '../../../compiler/nft/build';
import { decodeNftDocument, NftDocument } from '../../../compiler/nft/schema';
import { Packet, prepareInterpreter } from '../../../compiler/nft/interpret';
import { kernelTestsUnavailable } from './netns';
import { ADDR, withRouter } from './router-netns';

const skip = kernelTestsUnavailable();
const SERVICE = { addr: '10.96.0.10', port: 80 };
const BACKEND_PORTS = [8080, 8081];

const routerRuleset = (): NftDocument =>
  b.document([
    b.table(),
    b.chain('fn-svc-a'),
    b.chain('fn-svc-b'),
    b.baseChain('fn-svc-pre', { type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' }),
    b.baseChain('fn-forward', { type: 'filter', hook: 'forward', prio: 0, policy: 'drop' }),
    b.rule('fn-svc-a', [b.matchEq(b.meta('l4proto'), 6), b.dnat('ip', ADDR.server, BACKEND_PORTS[0])]),
    b.rule('fn-svc-b', [b.matchEq(b.meta('l4proto'), 6), b.dnat('ip', ADDR.server, BACKEND_PORTS[1])]),
    b.rule('fn-svc-pre', [b.matchEq(b.payload('ip', 'daddr'), SERVICE.addr), b.matchEq(b.payload('tcp', 'dport'), SERVICE.port),
      b.vmap(b.numgen(2), [[0, b.goTo('fn-svc-a')], [1, b.goTo('fn-svc-b')]])]),
    b.rule('fn-forward', [b.ctStateIn('established', 'related'), b.accept]),
    b.rule('fn-forward', [b.matchEq(b.payload('ip', 'daddr'), ADDR.server), b.matchEq(b.payload('tcp', 'dport'), b.anonSet(BACKEND_PORTS)), b.accept], 'backends'),
  ]);

/** Listens on every backend port; each connection is answered with its port. */
const LISTENER = `const net = require('net'); let up = 0;
for (const port of ${JSON.stringify(BACKEND_PORTS)})
  net.createServer((s) => s.end('port ' + port)).listen(port, ${JSON.stringify(ADDR.server)}, () => { if (++up === ${BACKEND_PORTS.length}) console.log('ready'); });`;

/** Connects `n` times, one after the other (new connections, new numgen draws); prints the answers as JSON. */
const client = (n: number): string => `const net = require('net');
const one = () => new Promise((resolve, reject) => {
  const s = net.connect(${SERVICE.port}, ${JSON.stringify(SERVICE.addr)}); let got = '';
  s.setTimeout(10000, () => { s.destroy(); reject(new Error('no answer')); });
  s.on('data', (d) => (got += d)); s.on('end', () => resolve(got)); s.on('error', reject);
});
(async () => { const out = []; for (let i = 0; i < ${n}; i++) out.push(await one()); console.log(JSON.stringify(out)); })()
  .catch((e) => { console.error(e.message); process.exit(1); });`;

describe('nft kernel dnat', { skip }, () => {
  test('a connection to the service reaches a backend the interpreter predicts for some numgen choice', async () => {
    const decoded = decodeNftDocument(routerRuleset());
    if (E.isLeft(decoded)) assert.fail(decoded.left.join('\n'));
    const interp = prepareInterpreter(decoded.right);
    if (E.isLeft(interp)) assert.fail(interp.left);

    const syn: Packet = { family: 4, iifname: 'r0', saddr: ADDR.client, daddr: SERVICE.addr, l4proto: 6, sport: 40000, dport: SERVICE.port, ctState: 'new' };
    const first = interp.right.run(syn, 'prerouting');
    if (E.isLeft(first)) assert.fail(first.left);
    const predicted = new Set<string>();
    for (let n = 0; n < (first.right.numgenMods ?? [1])[0]!; n++) {
      const pre = interp.right.run(syn, 'prerouting', { numgen: () => n });
      if (E.isLeft(pre) || pre.right.translated === undefined) assert.fail(`numgen ${n}: no translation`);
      const { daddr, dport } = pre.right.translated;
      const fwd = interp.right.run({ ...syn, daddr, dport: dport ?? syn.dport, oifname: 'r1' }, 'forward');
      assert.deepEqual(E.map((v: { verdict: string }) => v.verdict)(fwd), E.right('accept'), `forward admits the backend of numgen ${n}`);
      predicted.add(`port ${dport}`);
    }
    assert.deepEqual([...predicted].sort(), BACKEND_PORTS.map((p) => `port ${p}`));
    assert.deepEqual(E.map((v: { verdict: string }) => v.verdict)(interp.right.run({ ...syn, oifname: 'r1' }, 'forward')), E.right('drop'), 'forward drops the untranslated service address');

    await withRouter(async (net) => {
      const loaded = net.loadRouterJson(JSON.stringify(decoded.right));
      assert.equal(loaded.status, 0, loaded.stderr);
      await net.start('server', ['node', '-e', LISTENER]);
      const r = net.exec('client', ['node', '-e', client(4)]);
      assert.equal(r.status, 0, `client failed: ${r.stderr}`);
      const answers = JSON.parse(r.stdout) as string[];
      assert.equal(answers.length, 4);
      for (const a of answers) assert.ok(predicted.has(a), `answer ${JSON.stringify(a)} is not one the interpreter predicts (${[...predicted].join(', ')})`);
    });
  });
});
