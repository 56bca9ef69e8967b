// `npm run bench`: foldnet at scale. Generates (once, into a cache) a
// realistic cluster and its event log, then measures in child processes of
// their own: replay speed from the embedded log, a full compile of one host,
// single events applied incrementally, kernel apply in a fresh network
// namespace (as root; one set element added to sets of growing size, and one
// endpoint added or relabelled on hosts of 100 and 1,000 endpoints, too),
// an agent's peak memory, and (as root) the latency from an event appended to
// it live on the remote host's kernel, on the demo cluster. Prints a table
// and writes the same figures as JSON. It asserts nothing. Usage: USAGE below.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESULT_MARKER } from './child';
import { clusterDocs, shapeFor } from './cluster-gen';
import { ensureLog } from './log-cache';
import type { CompilerFigures } from './measure-compiler';
import { incrementalRatios, printTable } from './report';

export interface BenchOptions {
  readonly quick: boolean;
  readonly out: string;
  readonly cacheDir: string;
  readonly only: ReadonlySet<string> | undefined;
  readonly logBackends: boolean;
  readonly incident: boolean;
}

export const SECTIONS = ['replay', 'compile', 'kernel', 'memory', 'latency'] as const;

/** What --help prints (and nothing is measured). */
export const USAGE = `npm run bench [-- --quick] [--out bench-results.json] [--cache-dir DIR]
              [--only ${SECTIONS.join(',')}] [--log-backends] [--incident]
--quick runs everything at a tenth of the size (latency: fewer changes; density: fewer samples).
`;

export const parseArgs = (argv: readonly string[]): BenchOptions => {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  const only = value('--only');
  return {
    quick: argv.includes('--quick'),
    out: value('--out') ?? 'bench-results.json',
    cacheDir: value('--cache-dir') ?? join(tmpdir(), 'foldnet-bench-cache'),
    only: only === undefined ? undefined : new Set(only.split(',')),
    logBackends: argv.includes('--log-backends'),
    incident: argv.includes('--incident'),
  };
};

/** Sizes: the at full scale, a tenth with --quick. */
export const sizesFor = (quick: boolean) => {
  const k = quick ? 10 : 1;
  return {
    logEndpoints: 100_000 / k,
    logEvents: 1_000_000 / k,
    replay: [100_000 / k, 1_000_000 / k],
    compile: [10_000 / k, 100_000 / k],
    kernelEndpoints: 100_000 / k,
    repeats: quick ? 60 : 200,
    kernelSamples: quick ? 15 : 30,
    /** Elements in the set one element is added to: the 10k and 500k. */
    setElements: quick ? [1_000, 50_000] : [10_000, 500_000],
    setSamples: quick ? 15 : 30,
    /** Endpoints per host the issue compares (100 and 1,000), in a cluster of this many. */
    density: { endpoints: 10_000, perHost: [100, 1_000], samples: quick ? 15 : 40 },
    /** Changes of each kind on the demo cluster (p99 wants a hundred). */
    latencyChanges: quick ? 10 : 100,
    followEvents: 1000,
  };
};

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** Runs `child.js task args` (under `prefix`, e.g. `ip netns exec NS`) and returns its figures. */
function runChild(task: string, args: unknown, prefix: string[] = []): Promise<unknown> {
  // Built (dist/bench/child.js), or run from source under tsx (tests).
  const built = join(__dirname, 'child.js');
  const child = existsSync(built) ? [built] : ['--import', 'tsx', join(__dirname, 'child.ts')];
  const node = [process.execPath, '--max-old-space-size=8192', '--expose-gc', ...child, task, JSON.stringify(args)];
  const [cmd, ...rest] = [...prefix, ...node];
  return new Promise((done, fail) => {
    const child = spawn(cmd!, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || line === undefined) fail(new Error(`bench task ${task} failed (exit ${code})`));
      else done(JSON.parse(line.slice(RESULT_MARKER.length)));
    });
  });
}

const canUseKernel = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, nft)';
  if (spawnSync('nft', ['--version']).status !== 0) return 'nft is not installed';
  return undefined;
};

async function inNamespace<T>(run: (prefix: string[]) => Promise<T>): Promise<T> {
  const ns = `foldnet-bench-${process.pid}-${Date.now().toString(36)}`;
  if (spawnSync('ip', ['netns', 'add', ns]).status !== 0) throw new Error(`could not create network namespace ${ns}`);
  try {
    return await run(['ip', 'netns', 'exec', ns]);
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
}

export async function runBench(o: BenchOptions): Promise<Record<string, unknown>> {
  const sizes = sizesFor(o.quick);
  const wants = (s: string) => o.only === undefined || o.only.has(s);
  const started = Date.now();
  const results: Record<string, unknown> = {
    mode: o.quick ? 'quick' : 'full',
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, nft: spawnSync('nft', ['--version'], { encoding: 'utf8' }).stdout?.trim() },
  };
  const logShape = shapeFor(sizes.logEndpoints);
  const needLog = wants('replay') || wants('memory');
  const logPath = needLog ? await ensureLog(o.cacheDir, logShape, sizes.logEvents, log) : '';
  if (wants('replay')) {
    results.replay = [];
    for (const n of sizes.replay) {
      log(`replay: ${n} events from the embedded log`);
      (results.replay as unknown[]).push(await runChild('replay', { path: logPath, events: n }));
    }
  }
  if (wants('compile')) {
    results.compile = [];
    for (const n of sizes.compile) {
      log(`compile: full and incremental at ${n} endpoints`);
      (results.compile as unknown[]).push(await runChild('compiler', { endpoints: n, repeats: sizes.repeats }));
    }
    results.incrementalRatio = incrementalRatios(results.compile as CompilerFigures[]);
  }
  if (wants('kernel')) {
    const why = canUseKernel();
    if (why !== undefined) results.kernel = { skipped: why };
    else {
      log(`kernel: apply in a fresh network namespace at ${sizes.kernelEndpoints} endpoints`);
      results.kernel = await inNamespace((prefix) => runChild('kernel', { endpoints: sizes.kernelEndpoints, samples: sizes.kernelSamples }, prefix));
      log(`kernel: one element added to a set of ${sizes.setElements.join(' / ')} elements`);
      results.setElement = await inNamespace((prefix) => runChild('set-element', { sizes: sizes.setElements, samples: sizes.setSamples }, prefix));
      log(`kernel: one endpoint added / relabelled on a host of ${sizes.density.perHost.join(' / ')} endpoints`);
      results.density = await inNamespace((prefix) => runChild('density', sizes.density, prefix));
    }
  }
  if (wants('memory')) {
    log(`memory: an agent for one host of the ${sizes.logEndpoints}-endpoint cluster`);
    const clusterEvents = clusterDocs(logShape).length;
    results.memory = await runChild('rss', { path: logPath, clusterEvents, followEvents: sizes.followEvents });
  }
  if (wants('latency')) {
    const why = canUseKernel() ?? (spawnSync('bird', ['--version']).status !== 0 ? 'BIRD is not installed' : undefined);
    if (why !== undefined) results.latency = { skipped: why };
    else {
      log(`latency: event appended → live on the remote host's kernel, demo cluster, ${sizes.latencyChanges} changes of each kind`);
      results.latency = await runChild('latency', { changes: sizes.latencyChanges });
    }
  }
  if (o.logBackends) {
    const { benchLogBackends, serverAddressesFromEnv } = await import('./log-backends');
    results.logBackends = await benchLogBackends({ ...serverAddressesFromEnv(), print: log });
  }
  if (o.incident) {
    const { benchIncident } = await import('./incident');
    results.incident = await benchIncident({ ...(o.quick ? { events: 100_000 } : {}), print: log });
  }
  results.seconds = Math.round((Date.now() - started) / 1000);
  return results;
}

/** Runs the benchmark, prints the table and writes the JSON file. */
export async function benchAndWrite(o: BenchOptions, print: (line: string) => void): Promise<Record<string, unknown>> {
  const r = await runBench(o);
  printTable(r, print);
  writeFileSync(o.out, `${JSON.stringify(r, null, 2)}\n`);
  print(`\nfigures written to ${o.out}`);
  return r;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) process.stdout.write(USAGE);
  else
    benchAndWrite(parseArgs(argv), (l) => void process.stdout.write(`${l}\n`)).then(
      () => undefined,
      (e: unknown) => {
        process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exit(1);
      },
    );
}
