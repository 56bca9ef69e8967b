// docker-compose.yml cannot run here (no Docker on the test machines), so this
// checks what can go stale without anyone noticing: the file parses; it has
// the Kafka broker (KRaft), etcd, the seed and two agent hosts; every foldnet
// command in it is a real command with real flags; the log and status URLs
// parse and point at the ports the servers listen on; and the hosts' fabric
// addresses are the seed demo's BGP addresses.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import YAML from 'yaml';
import { buildProgram } from '../../../src/cli/main';
import { parseLogUrl } from '../../../src/log/open-log';
import { repoRoot } from '../log/servers';

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  cap_add?: string[];
  networks?: Record<string, { ipv4_address?: string } | null> | string[];
}

const root = repoRoot();
const compose = YAML.parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;

/** The subcommand `argv` names and the options it was given, checked against the real program. */
function checkFoldnetCommand(argv: readonly string[]): { command: Command; flags: Map<string, string | undefined> } {
  assert.equal(argv[0], 'foldnet', `not a foldnet command: ${argv.join(' ')}`);
  const { program } = buildProgram({ stdout: () => undefined, stderr: () => undefined, env: {}, readStdin: () => '' });
  const global = new Set(program.options.map((o) => o.long));
  let i = 1;
  while (argv[i]?.startsWith('--') && global.has(argv[i])) i += 2;
  const command = program.commands.find((c) => c.name() === argv[i]);
  assert.ok(command, `foldnet has no command ${JSON.stringify(argv[i])}`);
  const flags = new Map<string, string | undefined>();
  for (let j = i + 1; j < argv.length; j++) {
    const arg = argv[j]!;
    const option = command.options.find((o) => o.long === arg || o.short === arg);
    assert.ok(option, `foldnet ${command.name()} has no option ${arg}`);
    const value = option.required || option.optional ? argv[++j] : undefined;
    flags.set(option.long!, value);
  }
  for (const o of command.options) {
    if (o.mandatory) assert.ok(flags.has(o.long!), `foldnet ${command.name()} needs ${o.long}`);
  }
  return { command, flags };
}

describe('docker-compose.yml', () => {
  test('has a KRaft Kafka broker, etcd, the seed and two agent hosts', () => {
    assert.deepEqual(Object.keys(services).sort(), ['etcd', 'host-1', 'host-2', 'kafka', 'seed']);
    assert.match(services.kafka!.image!, /^apache\/kafka:3\.9/);
    assert.equal(services.kafka!.environment!.KAFKA_PROCESS_ROLES, 'broker,controller');
    assert.match(services.etcd!.image!, /etcd/);
  });

  test('each host runs the real `foldnet agent --host host-N` with NET_ADMIN', () => {
    for (const host of ['host-1', 'host-2']) {
      const s = services[host]!;
      const { command, flags } = checkFoldnetCommand(s.command!);
      assert.equal(command.name(), 'agent');
      assert.equal(flags.get('--host'), host);
      assert.ok(s.cap_add?.includes('NET_ADMIN'), `${host} lacks NET_ADMIN`);
    }
  });

  test('the seed applies the seed demo with the real apply command', () => {
    const { command, flags } = checkFoldnetCommand(services.seed!.command!);
    assert.equal(command.name(), 'apply');
    assert.equal(flags.get('--filename'), 'fixtures/seed-demo.yaml');
    readFileSync(join(root, 'fixtures', 'seed-demo.yaml'));
  });

  test('the log and status URLs parse and point at the ports Kafka and etcd serve', () => {
    const env = services['host-1']!.environment!;
    const log = parseLogUrl(env.FOLDNET_LOG);
    assert.ok(log.backend === 'kafka');
    assert.deepEqual(log.kafka.brokers, [{ host: 'kafka', port: 9092 }]);
    const kafkaEnv = services.kafka!.environment!;
    assert.match(kafkaEnv.KAFKA_ADVERTISED_LISTENERS!, /PLAINTEXT:\/\/kafka:9092/);
    assert.match(kafkaEnv.KAFKA_LISTENERS!, /PLAINTEXT:\/\/:9092/);
    const status = parseLogUrl(env.FOLDNET_STATUS);
    assert.ok(status.backend === 'etcd');
    assert.deepEqual(status.etcd.endpoints, [{ host: 'etcd', port: 2379 }]);
    assert.ok(services.etcd!.command!.includes('--listen-client-urls=http://0.0.0.0:2379'));
    assert.ok(services.etcd!.command!.some((a) => a.startsWith('--max-txn-ops=')));
  });

  test("the hosts' fabric addresses are the seed demo's BGP addresses", () => {
    const docs = YAML.parseAllDocuments(readFileSync(join(root, 'fixtures', 'seed-demo.yaml'), 'utf8')).map((d) => d.toJS()) as {
      kind: string;
      metadata: { name: string };
      spec: { bgp?: { ipv4Address?: string } };
    }[];
    for (const host of ['host-1', 'host-2']) {
      const bgp = docs.find((d) => d.kind === 'Host' && d.metadata.name === host)?.spec.bgp?.ipv4Address;
      const networks = services[host]!.networks as Record<string, { ipv4_address?: string }>;
      assert.equal(networks.fabric?.ipv4_address, bgp?.split('/')[0], host);
    }
  });
});
