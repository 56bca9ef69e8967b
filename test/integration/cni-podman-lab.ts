// Test harness: Debian's podman 4.3 running containers on foldnet networks,
// with everything it writes kept in one temp dir, away from the machine's own
// podman: CONTAINERS_CONF points at our containers.conf (CNI backend, runc,
// cgroupfs, the ulimits the sandbox accepts, our plugin and network config
// dirs), and --root/--runroot/--tmpdir at our storage. podman runs inside a
// "host" network namespace (nsenter --net, so its netns bind mounts stay
// visible to the next podman call), where foldnet-cni puts the host side of
// each veth and cni-apply-host.ts applies the compiled snapshot. The image is a
// busybox rootfs imported offline. cleanup() removes containers, image,
// namespace and files.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/seed-demo';
import { ipOk, pluginCommand } from './cni-lab';

export interface Ran { readonly status: number | null; readonly stdout: string; readonly stderr: string }

const sh = (cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv, input?: Buffer): Ran => {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8', env: env ?? process.env, ...(input ? { input } : {}), timeout: 120_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
};

/** Why the podman tests cannot run here, or undefined. */
export const podmanUnavailable = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const [cmd, pkg] of [['podman', 'podman'], ['runc', 'runc'], ['nsenter', 'util-linux']] as const)
    if (sh('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `needs ${cmd} (apt-get install ${pkg})`;
  if (sh('dpkg', ['-s', 'busybox-static']).status !== 0) return 'needs a static busybox for the image (apt-get install busybox-static)';
  return undefined;
};

export class PodmanLab {
  readonly id = randomBytes(3).toString('hex');
  readonly dir = mkdtempSync(join(tmpdir(), 'fnpodman-'));
  readonly hostNs = `fncnipm-${this.id}`;
  readonly image = `localhost/foldnet-bb-${this.id}`;
  private readonly env: NodeJS.ProcessEnv;

  constructor() {
    for (const d of ['rootfs/bin', 'rootfs/etc', 'rootfs/www', 'cni-bin', 'net.d', 'storage', 'run', 'tmp']) mkdirSync(join(this.dir, d), { recursive: true });
    this.env = { PATH: process.env.PATH, HOME: this.dir, CONTAINERS_CONF: join(this.dir, 'containers.conf') };
    writeFileSync(this.env.CONTAINERS_CONF!, [
      '[containers]',
      // podman's default limits are refused inside this machine's sandbox.
      'default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]',
      '[network]',
      'network_backend = "cni"',
      `cni_plugin_dirs = ["${join(this.dir, 'cni-bin')}", "/usr/lib/cni"]`,
      `network_config_dir = "${join(this.dir, 'net.d')}"`,
      '[engine]',
      // crun fails on this machine's hybrid cgroups; runc works.
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "none"',
      '',
    ].join('\n'));
    this.installPlugin();
  }

  /** foldnet-cni in our plugin dir: the real bin script when built, else a wrapper running the source through tsx. */
  private installPlugin(): void {
    const target = join(this.dir, 'cni-bin', 'foldnet-cni');
    const cmd = pluginCommand();
    if (cmd.length === 1) symlinkSync(cmd[0]!, target);
    else writeFileSync(target, `#!/bin/sh\ncd '${repoRoot()}' && exec ${cmd.map((c) => `'${c}'`).join(' ')}\n`, { mode: 0o755 });
  }

  /** The host namespace (uplink with a default route, as in cni-lab.ts) and the image. */
  setUp(): void {
    ipOk(['netns', 'add', this.hostNs]);
    ipOk(['-n', this.hostNs, 'link', 'set', 'lo', 'up']);
    ipOk(['-n', this.hostNs, 'link', 'add', 'up0', 'type', 'bridge']);
    ipOk(['-n', this.hostNs, 'addr', 'add', '10.250.0.1/24', 'dev', 'up0']);
    ipOk(['-n', this.hostNs, 'link', 'set', 'up0', 'up']);
    ipOk(['-n', this.hostNs, 'route', 'add', 'default', 'dev', 'up0']);
    const rootfs = join(this.dir, 'rootfs');
    const busybox = sh('sh', ['-c', 'command -v busybox']).stdout.trim();
    copyFileSync(busybox, join(rootfs, 'bin/busybox'));
    chmodSync(join(rootfs, 'bin/busybox'), 0o755);
    for (const applet of sh(busybox, ['--list']).stdout.split('\n').filter((a) => a !== '' && a !== 'busybox')) symlinkSync('busybox', join(rootfs, 'bin', applet));
    writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/:/bin/sh\n');
    writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\n');
    writeFileSync(join(rootfs, 'www/index.html'), 'hello from foldnet\n');
    const tar = spawnSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 });
    if (tar.status !== 0) throw new Error(`tar: ${String(tar.stderr)}`);
    const imported = sh('podman', [...this.globalFlags(), 'import', '-', this.image], this.env, tar.stdout);
    if (imported.status !== 0) throw new Error(`podman import: ${imported.stderr}`);
  }

  /** A CNI network (a conflist in our config dir) whose endpoints get `profiles`. */
  network(name: string, plugin: Record<string, unknown>): void {
    writeFileSync(join(this.dir, 'net.d', `${name}.conflist`), JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type: 'foldnet-cni', ...plugin }] }));
  }

  private globalFlags(): string[] {
    return ['--root', join(this.dir, 'storage'), '--runroot', join(this.dir, 'run'), '--tmpdir', join(this.dir, 'tmp'), '--storage-driver', 'vfs'];
  }

  /** `podman ARGS` in the host namespace. */
  podman(args: readonly string[]): Promise<Ran> {
    return new Promise((resolve, reject) => {
      const child = spawn('nsenter', [`--net=/run/netns/${this.hostNs}`, 'podman', ...this.globalFlags(), ...args], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  async podmanOk(args: readonly string[]): Promise<string> {
    const r = await this.podman(args);
    if (r.status !== 0) throw new Error(`podman ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r.stdout;
  }

  /** What the host agent does: applies the host's compiled snapshot inside the host namespace. */
  applyHost(logUrl: string, host: string): void {
    const script = __filename.endsWith('.ts')
      ? [process.execPath, '--import', 'tsx', join(repoRoot(), 'test/integration/cni-apply-host.ts')]
      : [process.execPath, join(__dirname, 'cni-apply-host.js')];
    const r = spawnSync('ip', ['netns', 'exec', this.hostNs, ...script, logUrl, host, join(this.dir, 'bird.conf')], { cwd: repoRoot(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cni-apply-host: ${r.stdout}${r.stderr}`);
  }

  cleanup(): void {
    sh('nsenter', [`--net=/run/netns/${this.hostNs}`, 'podman', ...this.globalFlags(), 'rm', '--all', '--force', '--time', '0'], this.env);
    sh('podman', [...this.globalFlags(), 'rmi', '--all', '--force'], this.env);
    sh('ip', ['netns', 'delete', this.hostNs]);
    // vfs layers are plain directories; nothing is left mounted once the containers are gone.
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Network namespaces podman made for our containers and did not remove (should be none). */
  leftoverNetns(before: ReadonlySet<string>): string[] {
    return readdirSync('/run/netns').filter((n) => n.startsWith('cni-') && !before.has(n));
  }
}
