// The real servers the Kafka and etcd tests run against. Shared ones come
// from services/start.sh, through FOLDNET_TEST_KAFKA / FOLDNET_TEST_ETCD or
// the services/.run/env file it writes. Fault tests start private ones (they
// kill and restart them) with services/kafka.sh and services/etcd.sh in a
// temporary directory, and stop and delete them afterwards. With CI=true a
// missing shared server is a failure; elsewhere the tests skip, saying why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type ServiceName = 'kafka' | 'etcd';

const ENV: Record<ServiceName, string> = { kafka: 'FOLDNET_TEST_KAFKA', etcd: 'FOLDNET_TEST_ETCD' };
const A_SERVER: Record<ServiceName, string> = { kafka: 'a Kafka broker', etcd: 'an etcd server' };

/** The repository root: the nearest directory above this file with services/start.sh. */
export function repoRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'services', 'start.sh'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no services/start.sh above ${__dirname}`);
  }
}

/** HOST:PORT of the shared server, or undefined. */
export function sharedServer(name: ServiceName): string | undefined {
  const fromEnv = process.env[ENV[name]];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.trim();
  const file = join(repoRoot(), 'services', '.run', 'env');
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${ENV[name]}=`));
  return line?.slice(ENV[name].length + 1).trim() || undefined;
}

/** Why the tests of `name` cannot run, or undefined when they can. */
export function missingServer(name: ServiceName): string | undefined {
  if (sharedServer(name) !== undefined) return undefined;
  return `no ${name} server: set ${ENV[name]}=HOST:PORT or run services/start.sh (services/.run/env)`;
}

/** True when a missing server must fail the run instead of skipping (CI). */
export const mustHaveServers = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/**
 * The shared server's HOST:PORT. Without one, registers a test named `what`
 * that fails under CI=true and is skipped elsewhere, saying why, and returns
 * undefined.
 */
export function serverOrReport(name: ServiceName, what: string): string | undefined {
  const missing = missingServer(name);
  if (missing === undefined) return sharedServer(name)!;
  if (mustHaveServers()) test(`${what}: ${A_SERVER[name]} is available (CI=true)`, () => assert.fail(missing));
  else test(what, { skip: missing }, () => undefined);
  return undefined;
}

export interface PrivateServer {
  /** HOST:PORT clients connect to. */
  readonly address: string;
  readonly pid: () => number;
  /** SIGKILL, waiting until the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data; resolves when it answers. */
  restart(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/** A server of our own, started with services/NAME.sh on free loopback ports. */
export async function startPrivateServer(name: ServiceName): Promise<PrivateServer> {
  const script = join(repoRoot(), 'services', `${name}.sh`);
  const dir = mkdtempSync(join(tmpdir(), `foldnet-${name}-`));
  const start = async (): Promise<string> => (await run('bash', [script, 'start', dir], { timeout: 180_000 })).stdout.trim();
  const pid = (): number => Number(readFileSync(join(dir, 'pid'), 'utf8').trim());
  let address: string;
  try {
    address = await start();
  } catch (e) {
    await run('bash', [script, 'stop', dir]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    address,
    pid,
    async kill() {
      const p = pid();
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        return;
      }
      while (alive(p)) await new Promise((r) => setTimeout(r, 50));
    },
    async restart() {
      await start();
    },
    async destroy() {
      await run('bash', [script, 'stop', dir]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A loopback port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
