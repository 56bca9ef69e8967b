// Test harness: a throw-away "cluster" for driving foldnet-cni exactly as a
// runtime does. An embedded log in a temp dir holding Hosts and IPPools; one
// network namespace per foldnet host (the plugin runs inside it, so the host
// sides of the veths live there, not on the machine); one namespace per
// container, passed as CNI_NETNS=/var/run/netns/<name>. Environment
// variables, config on stdin, result on stdout. Names are unique per run and
// cleanup() removes every namespace and file, whatever happened.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/Either';
import { ClusterState, emptyState } from '../../compiler/fold/state';
import { decodeResource } from '../../compiler/resources/decode';
import { foldLog } from '../../src/cli/load-state';
import { newDraft } from '../../src/cli/write-events';
import { openLog } from '../../src/log/open-log';
import { repoRoot } from '../helpers/seed-demo';

export interface PluginRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed, when it is JSON. */
  readonly json?: Record<string, any>;
}

export interface Call {
  readonly command: 'ADD' | 'DEL' | 'CHECK' | 'VERSION';
  readonly containerId: string;
  /** A container namespace name (→ /var/run/netns/NAME), or '' for none. */
  readonly netns: string;
  readonly ifname?: string;
  readonly cniArgs?: string;
  readonly conf: Record<string, unknown>;
  /** Sent on stdin instead of the JSON of `conf`. */
  readonly rawStdin?: string;
}

const sh = (cmd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(cmd, [...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
};

export const ipOk = (args: readonly string[]): string => {
  const r = sh('ip', args);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

const fromSource = __filename.endsWith('.ts');

/** How to start the plugin: the built bin script, or (running tests from source with tsx) main.ts through tsx. */
export const pluginCommand = (): string[] =>
  fromSource ? [process.execPath, '--import', 'tsx', join(repoRoot(), 'src/cni/main.ts')] : [join(repoRoot(), 'bin/foldnet-cni')];

/** Why these tests cannot run here, or undefined. */
export const cniLabUnavailable = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'needs root for network namespaces';
  if (sh('ip', ['-V']).status !== 0) return 'needs iproute2';
  if (sh('nsenter', ['--version']).status !== 0) return 'needs nsenter (util-linux)';
  if (!fromSource && !existsSync(join(repoRoot(), 'dist/src/cni/main.js'))) return 'needs the build (npm run build)';
  return undefined;
};

export const host = (name: string, v4: string) =>
  ({ apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name }, spec: { bgp: { ipv4Address: `${v4}/24` } } });
export const pool = (name: string, cidr: string, blockSize?: number) =>
  ({ apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name }, spec: { cidr, ...(blockSize ? { blockSize } : {}) } });

export class CniLab {
  readonly id = randomBytes(3).toString('hex');
  readonly dir = mkdtempSync(join(tmpdir(), 'fncni-'));
  readonly logUrl = `file:${join(this.dir, 'log.db')}`;
  private readonly hostNs = new Map<string, string>();
  private readonly containers: string[] = [];
  private seq = 0;

  /** Appends the documents (hosts, pools, profiles…) and makes a namespace for each Host among them. */
  async setUp(docs: readonly object[]): Promise<void> {
    const log = openLog(this.logUrl);
    try {
      const drafts = docs.map((d) => {
        const r = decodeResource(d);
        if (E.isLeft(r)) throw new Error(r.left.join('; '));
        return newDraft('test', { type: 'put', kind: r.right.kind, key: r.right.key, resource: { ...r.right.resource } });
      });
      await log.append(drafts);
    } finally {
      await log.close();
    }
    for (const d of docs as Array<{ kind: string; metadata: { name: string } }>) if (d.kind === 'Host') this.addHostNs(d.metadata.name);
  }

  private addHostNs(name: string): void {
    const ns = `fncnih-${this.id}-${this.hostNs.size}`;
    ipOk(['netns', 'add', ns]);
    this.hostNs.set(name, ns);
    ipOk(['-n', ns, 'link', 'set', 'lo', 'up']);
    // An uplink with the default route, as a real host has: proxy ARP answers
    // for 169.254.1.1 only when it routes that address out of another interface.
    // A bridge, because this kernel may lack the dummy driver.
    ipOk(['-n', ns, 'link', 'add', 'up0', 'type', 'bridge']);
    ipOk(['-n', ns, 'addr', 'add', '10.250.0.1/24', 'dev', 'up0']);
    ipOk(['-n', ns, 'addr', 'add', 'fd99::1/64', 'dev', 'up0', 'nodad']);
    ipOk(['-n', ns, 'link', 'set', 'up0', 'up']);
    ipOk(['-n', ns, 'route', 'add', 'default', 'dev', 'up0']);
  }

  hostNamespace(host: string): string {
    const ns = this.hostNs.get(host);
    if (ns === undefined) throw new Error(`no namespace for host ${host}`);
    return ns;
  }

  /** A fresh container namespace. */
  container(): string {
    const ns = `fncnic-${this.id}-${this.seq++}`;
    ipOk(['netns', 'add', ns]);
    this.containers.push(ns);
    return ns;
  }

  /** A container id as runtimes make them (64 hex digits). */
  containerId(): string {
    return randomBytes(32).toString('hex');
  }

  conf(host: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { cniVersion: '1.0.0', name: 'foldnet-test', type: 'foldnet-cni', log: this.logUrl, host, ...extra };
  }

  /** Runs the plugin inside the host's namespace with the runtime's environment. */
  call(hostName: string, c: Call): Promise<PluginRun> {
    const [cmd, ...args] = pluginCommand();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      CNI_COMMAND: c.command,
      CNI_CONTAINERID: c.containerId,
      CNI_NETNS: c.netns === '' ? '' : `/var/run/netns/${c.netns}`,
      CNI_IFNAME: c.ifname ?? 'eth0',
      CNI_PATH: '/opt/cni/bin',
      ...(c.cniArgs !== undefined ? { CNI_ARGS: c.cniArgs } : {}),
    };
    return new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', this.hostNamespace(hostName), cmd!, ...args], { env, cwd: repoRoot(), stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        let json: Record<string, any> | undefined;
        try {
          json = stdout.trim() === '' ? undefined : (JSON.parse(stdout) as Record<string, any>);
        } catch {
          json = undefined;
        }
        resolve({ code, stdout, stderr, ...(json ? { json } : {}) });
      });
      child.stdin.end(c.rawStdin ?? JSON.stringify(c.conf));
    });
  }

  /** `ip ARGS` inside a namespace. */
  ipIn(ns: string, args: readonly string[]): string {
    return ipOk(['-n', ns, ...args]);
  }

  async state(): Promise<ClusterState> {
    const log = openLog(this.logUrl);
    try {
      return await foldLog(log, emptyState(), await log.head());
    } finally {
      await log.close();
    }
  }

  cleanup(): void {
    for (const ns of [...this.containers, ...this.hostNs.values()]) sh('ip', ['netns', 'delete', ns]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `fn` with a lab, always cleaning up. */
export const withLab = async <T>(fn: (lab: CniLab) => Promise<T>): Promise<T> => {
  const lab = new CniLab();
  try {
    return await fn(lab);
  } finally {
    lab.cleanup();
  }
};
