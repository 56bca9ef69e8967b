// Three throwaway network namespaces for real-packet tests: a client and a
// server joined through a router by two veth pairs (client 10.20.0.2 ->
// router 10.20.0.1 | 10.10.0.1 -> server 10.10.0.5), the router forwarding
// IPv4. Names are unique per call; every namespace, and every process started
// through `start`, is gone when withRouter returns, whether `fn` failed or not.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from './netns';

export const ADDR = { client: '10.20.0.2', routerToClient: '10.20.0.1', routerToServer: '10.10.0.1', server: '10.10.0.5' } as const;

export interface RouterNetns {
  /** Runs a command inside one namespace (guarded by a timeout so a hang fails instead of blocking). */
  readonly exec: (where: 'client' | 'router' | 'server', cmd: ReadonlyArray<string>) => RunResult;
  /** Loads nft JSON into the router (from a file: nft -j cannot read a pipe). */
  readonly loadRouterJson: (json: string) => RunResult;
  /** Starts a long-running command in a namespace; resolves once it prints `ready`. */
  readonly start: (where: 'client' | 'router' | 'server', cmd: ReadonlyArray<string>) => Promise<void>;
}

const run = (cmd: string, args: ReadonlyArray<string>): RunResult => {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
};

const must = (cmd: string, args: ReadonlyArray<string>): void => {
  const r = run(cmd, args);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
};

const waitReady = (child: ChildProcess, what: string): Promise<void> =>
  new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    // Only a guard against hanging forever; the test asserts nothing about time.
    const guard = setTimeout(() => reject(new Error(`${what} did not get ready: ${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes('ready')) (clearTimeout(guard), resolve());
    });
    child.stderr!.on('data', (d: Buffer) => (err += String(d)));
    child.on('exit', (code) => (clearTimeout(guard), reject(new Error(`${what} exited (${code}) before it was ready: ${err}`))));
  });

export const withRouter = async <T>(fn: (net: RouterNetns) => T | Promise<T>): Promise<T> => {
  const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const ns = { client: `fnd-c-${id}`, router: `fnd-r-${id}`, server: `fnd-s-${id}` };
  const dir = mkdtempSync(join(tmpdir(), 'fnd-'));
  const children: ChildProcess[] = [];
  const made: string[] = [];
  try {
    for (const name of Object.values(ns)) (must('ip', ['netns', 'add', name]), made.push(name), must('ip', ['-n', name, 'link', 'set', 'lo', 'up']));
    // Created inside the router and moved straight into the peers: the names never exist outside these namespaces.
    must('ip', ['-n', ns.router, 'link', 'add', 'r0', 'type', 'veth', 'peer', 'name', 'c0', 'netns', ns.client]);
    must('ip', ['-n', ns.router, 'link', 'add', 'r1', 'type', 'veth', 'peer', 'name', 's0', 'netns', ns.server]);
    const up = (name: string, dev: string, cidr: string): void => {
      must('ip', ['-n', name, 'addr', 'add', cidr, 'dev', dev]);
      must('ip', ['-n', name, 'link', 'set', dev, 'up']);
    };
    up(ns.client, 'c0', `${ADDR.client}/24`);
    up(ns.router, 'r0', `${ADDR.routerToClient}/24`);
    up(ns.router, 'r1', `${ADDR.routerToServer}/24`);
    up(ns.server, 's0', `${ADDR.server}/24`);
    must('ip', ['-n', ns.client, 'route', 'add', 'default', 'via', ADDR.routerToClient]);
    must('ip', ['-n', ns.server, 'route', 'add', 'default', 'via', ADDR.routerToServer]);
    must('ip', ['netns', 'exec', ns.router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    let files = 0;
    return await fn({
      exec: (where, cmd) => run('ip', ['netns', 'exec', ns[where], ...cmd]),
      loadRouterJson: (json) => {
        const file = join(dir, `in-${files++}.json`);
        writeFileSync(file, json);
        return run('ip', ['netns', 'exec', ns.router, 'nft', '-j', '-f', file]);
      },
      start: (where, cmd) => {
        const child = spawn('ip', ['netns', 'exec', ns[where], ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        return waitReady(child, cmd.join(' '));
      },
    });
  } finally {
    await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) =>
      new Promise<void>((resolve) => (c.once('exit', () => resolve()), c.kill('SIGKILL')))));
    for (const name of made) run('ip', ['netns', 'delete', name]);
    rmSync(dir, { recursive: true, force: true });
  }
};
