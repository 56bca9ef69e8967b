// A throwaway network namespace as the applier's host, driven from outside:
// commands run through `ip netns exec`, /proc/sys is read and written by
// processes inside the namespace (each namespace has its own), other files
// are the test's. Unique names per call (fnap-<pid>-<random>); the namespace
// and the temp dir are removed whatever happens.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandRunner, HostFiles, nodeFiles, spawnRunner } from '../../../src/applier/host-io';
import type { ApplierOptions } from '../../../src/applier/options';

export const kernelTestsUnavailable = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'needs root for network namespaces';
  for (const [cmd, arg] of [['nft', '--version'], ['ip', '-V'], ['bird', '--version']] as const)
    if (spawnSync(cmd, [arg]).status !== 0) return `needs ${cmd}`;
  return undefined;
};

export interface NetnsHost {
  readonly name: string;
  readonly dir: string;
  readonly run: CommandRunner;
  readonly files: HostFiles;
  /** Runs a command in the namespace and throws with its stderr when it fails. */
  sh(cmd: string, ...args: string[]): string;
  options(extra?: Partial<ApplierOptions>): ApplierOptions;
}

const inside = (ns: string, cmd: string, args: readonly string[]): [string, string[]] => ['ip', ['netns', 'exec', ns, cmd, ...args]];

export const withNetnsHost = async <T>(devices: readonly string[], fn: (h: NetnsHost) => Promise<T>): Promise<T> => {
  const name = `fnap-${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'fnap-'));
  const run: CommandRunner = (cmd, args, o) => spawnRunner(...inside(name, cmd, args), o);
  const sysctl = (p: string): boolean => p.startsWith('/proc/sys/');
  const files: HostFiles = {
    async read(p) {
      if (!sysctl(p)) return nodeFiles.read(p);
      const r = await run('cat', [p]);
      return r.status === 0 ? r.stdout : undefined;
    },
    async write(p, text) {
      if (!sysctl(p)) return nodeFiles.write(p, text);
      const r = await run('sh', ['-c', 'cat > "$1"', 'sh', p], { input: text });
      if (r.status !== 0) throw new Error(`write ${p}: ${r.stderr.trim()}`);
    },
    rename: (a, b) => nodeFiles.rename(a, b),
    remove: (p) => nodeFiles.remove(p),
    async exists(p) {
      if (!sysctl(p)) return nodeFiles.exists(p);
      return (await run('test', ['-e', p])).status === 0;
    },
  };
  const sh = (cmd: string, ...args: string[]): string => {
    const [c, a] = inside(name, cmd, args);
    const r = spawnSync(c, a, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${name}): ${r.stderr}`);
    return r.stdout;
  };
  try {
    const made = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`ip netns add ${name}: ${made.stderr}`);
    sh('ip', 'link', 'set', 'lo', 'up');
    if (devices.length > 0) {
      // Workload interfaces: veth pairs (the dummy driver is not always there); routes need the device.
      const lines = devices.flatMap((d, i) => [`link add ${d} type veth peer name fnp${i}`, `link set ${d} up`, `link set fnp${i} up`]);
      const r = spawnSync('ip', ['netns', 'exec', name, 'ip', '-batch', '-'], { input: `${lines.join('\n')}\n`, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`creating interfaces in ${name}: ${r.stderr}`);
    }
    const options = (extra: Partial<ApplierOptions> = {}): ApplierOptions => ({ birdConfigPath: join(dir, 'bird.conf'), run, files, tmpDir: dir, ...extra });
    return await fn({ name, dir, run, files, sh, options });
  } finally {
    spawnSync('ip', ['netns', 'delete', name]);
    rmSync(dir, { recursive: true, force: true });
  }
};
