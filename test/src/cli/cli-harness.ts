// Runs the foldnet CLI exactly as a user does — a separate node process —
// from the TypeScript sources under tsx (when these tests run as .ts) or from
// the compiled dist/ tree (under `npm test`). Each workspace is its own temp
// directory with its own log, removed afterwards even when the test fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const fromSource = __filename.endsWith('.ts');
export const REPO = resolve(__dirname, fromSource ? '../../..' : '../../../..');
export const SEED_DEMO = join(REPO, 'fixtures', 'seed-demo.yaml');

const entry = (): string[] =>
  fromSource
    ? ['--import', pathToFileURL(require.resolve('tsx')).href, join(REPO, 'src', 'cli', 'main.ts')]
    : [join(REPO, 'dist', 'src', 'cli', 'main.js')];

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly stdin?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Leave out the workspace's `--log` (to test FOLDNET_LOG and the default). */
  readonly noLogFlag?: boolean;
}

/** The environment without anything of the caller's that would change what the CLI does. */
const cleanEnv = (extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['FOLDNET_LOG', 'FOLDNET_ACTOR', 'FOLDNET_DEBUG', 'FOLDNET_CLI_NO_AUTORUN', 'NODE_OPTIONS']) delete env[k];
  return { ...env, ...extra };
};

export function runIn(cwd: string, args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...entry(), ...args], { cwd, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

export interface Workspace {
  readonly dir: string;
  readonly logUrl: string;
  /** Runs `foldnet --log file:<dir>/log.db ARGS` with the workspace as working directory. */
  run(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /** Writes a file in the workspace; returns its name (relative, as a user would type it). */
  write(name: string, text: string): string;
  /** The events in the log (`log -o json`). */
  events(): Promise<Array<Record<string, unknown>>>;
}

/** Runs `body` in a fresh workspace and removes it afterwards, whatever happens. */
export async function withWorkspace<T>(body: (ws: Workspace) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'foldnet-cli-'));
  const logUrl = `file:${join(dir, 'log.db')}`;
  const ws: Workspace = {
    dir,
    logUrl,
    run: (args, options = {}) => runIn(dir, options.noLogFlag ? args : ['--log', logUrl, ...args], options),
    write(name, text) {
      writeFileSync(join(dir, name), text);
      return name;
    },
    async events() {
      const r = await ws.run(['log', '-o', 'json']);
      if (r.code !== 0) throw new Error(`foldnet log failed (${r.code}): ${r.stderr}`);
      return JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    },
  };
  try {
    return await body(ws);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A failed assertion's message shows what the CLI said. */
export const said = (r: CliResult): string => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

export const endpointYaml = (name: string, ip: string, namespace = 'demo'): string => `apiVersion: foldnet.io/v1
kind: WorkloadEndpoint
metadata: {namespace: ${namespace}, name: ${name}, labels: {app: ${name}}}
spec: {host: host-1, interfaceName: cali-${name}, ipNetworks: [${ip}/32]}
`;
