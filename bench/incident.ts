// Measures the incident tooling on a large log (bench/incident-log.ts): the
// time and peak memory of `compile --at` and `bisect` without checkpoints and
// with them (every 1000 events), and what writing the checkpoints costs. Each
// command runs in a child process of its own, exactly as the CLI runs it, so
// its peak RSS is its own. It prints; it asserts nothing.
//   node --import tsx bench/incident.ts [--events 1000000] [--endpoints 2000] [--keep]
//   node dist/bench/incident.js ...
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { EventDraft } from '../compiler/events/event';
import { reportError } from '../src/cli/cli-error';
import { registerIncidentCommands } from '../src/cli/incident-commands';
import { buildProgram } from '../src/cli/main';
import { SqliteLog } from '../src/log/sqlite-log';
import { largeIncident } from './incident-log';

export interface IncidentBenchOptions {
  /** Events in the generated log (default 100,000). */
  readonly events?: number;
  /** Live workloads the churn keeps around (default 2,000). */
  readonly endpoints?: number;
  /** Checkpoint spacing for the "with" runs (default 1000). */
  readonly every?: number;
  /** Keep the temp directory (its path is printed). */
  readonly keep?: boolean;
  readonly print?: (line: string) => void;
}

export interface Measured {
  readonly what: string;
  readonly ms: number;
  readonly maxRssMb: number;
  readonly code: number;
  readonly out: string;
}

export interface IncidentBenchResult {
  readonly events: number;
  readonly generateMs: number;
  readonly logMb: number;
  readonly checkpoints: { readonly count: number; readonly mb: number };
  readonly runs: readonly Measured[];
}

/** Runs one foldnet command in this process; what a child does. */
async function runInProcess(args: readonly string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), env: {}, readStdin: () => '' };
  const { program, ctx } = buildProgram(io);
  if (!program.commands.some((c) => c.name() === 'bisect')) registerIncidentCommands(program, ctx);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return { code: ctx.exitCode(), out };
  } catch (e) {
    return { code: reportError(e, io.stderr, true), out };
  } finally {
    await ctx.close();
  }
}

/** One command in a fresh child process: wall time of the command itself, and the child's peak RSS. */
function measure(what: string, args: readonly string[]): Measured {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    const r = JSON.parse(line) as { ms: number; maxRssKb: number; code: number; out: string };
    return { what, ms: r.ms, maxRssMb: r.maxRssKb / 1024, code: r.code, out: r.out };
  } catch {
    throw new Error(`bench child for "${what}" failed (${child.status}): ${child.stderr}${child.stdout}`);
  }
}

async function generate(path: string, events: number, endpoints: number): Promise<{ ms: number; breakOffset: number }> {
  const incident = largeIncident(events, endpoints);
  const log = new SqliteLog(path, { synchronous: 'normal' });
  const t = performance.now();
  try {
    let batch: EventDraft[] = [];
    for (const d of incident.drafts()) {
      batch.push(d);
      if (batch.length === 5000) {
        await log.append(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await log.append(batch);
  } finally {
    await log.close();
  }
  return { ms: performance.now() - t, breakOffset: incident.breakOffset };
}

const storedCheckpoints = (path: string): { count: number; mb: number } => {
  const db = new Database(path, { readonly: true });
  try {
    const has = db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'checkpoints'`).pluck().get() === 1;
    if (!has) return { count: 0, mb: 0 };
    const r = db.prepare('SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS bytes FROM checkpoints').get() as { n: number; bytes: number };
    return { count: r.n, mb: r.bytes / 1e6 };
  } finally {
    db.close();
  }
};

export async function benchIncident(options: IncidentBenchOptions = {}): Promise<IncidentBenchResult> {
  const print = options.print ?? ((l: string) => console.log(l));
  const events = options.events ?? 100_000;
  const endpoints = options.endpoints ?? 2000;
  const every = options.every ?? 1000;
  const dir = mkdtempSync(join(tmpdir(), 'foldnet-bench-incident-'));
  const path = join(dir, 'log.db');
  const log = ['--log', `file:${path}`];
  try {
    print(`generating ${events.toLocaleString('en')} events (~${endpoints} live workloads) in ${path} ...`);
    const gen = await generate(path, events, endpoints);
    const at = String(gen.breakOffset - 1);
    const bisect = [...log, 'bisect', '--from', 'payments/payments-0', '--to', 'db/postgres-0', '--protocol', 'TCP', '--port', '5432', '-o', 'json'];
    const compileAt = [...log, 'compile', '--host', 'node-3', '--at', at, '-o', 'hash'];
    const runs: Measured[] = [];
    const step = (m: Measured): void => {
      runs.push(m);
      print(`  ${m.what.padEnd(46)} ${(m.ms / 1000).toFixed(2).padStart(8)} s   peak RSS ${m.maxRssMb.toFixed(0).padStart(5)} MB   exit ${m.code}`);
      if (m.code !== 0 && !(m.code === 1 && m.what.startsWith('bisect'))) print(`    ${m.out.trim().split('\n').slice(-3).join('\n    ')}`);
    };
    // Without checkpoints: spacing 0 writes none, and none exist yet.
    step(measure('checkpoint --every 0 (no checkpoints)', [...log, 'checkpoint', '--every', '0']));
    step(measure(`compile --at ${at}, no checkpoints`, compileAt));
    step(measure('bisect, no checkpoints', bisect));
    step(measure(`checkpoint --every ${every} (writes them all)`, [...log, 'checkpoint', '--every', String(every)]));
    const checkpoints = storedCheckpoints(path);
    step(measure(`compile --at ${at}, checkpoints every ${every}`, compileAt));
    step(measure(`bisect, checkpoints every ${every}`, bisect));
    const found = (JSON.parse(runs[runs.length - 1]!.out) as { event?: { offset: number } }).event?.offset;
    const logMb = statSync(path).size / 1e6;
    print(`log ${logMb.toFixed(0)} MB (generated in ${(gen.ms / 1000).toFixed(1)} s); ${checkpoints.count} checkpoints, ${checkpoints.mb.toFixed(1)} MB stored`);
    print(`bisect named event ${found} (the planted break is event ${gen.breakOffset})`);
    return { events, generateMs: gen.ms, logMb, checkpoints, runs };
  } finally {
    if (options.keep) print(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};

if (require.main === module) {
  const child = flag('--child');
  if (child !== undefined) {
    void (async () => {
      const t = performance.now();
      const r = await runInProcess(JSON.parse(child) as string[]);
      const ms = performance.now() - t;
      process.stdout.write(`\n${JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, ...r })}\n`);
    })();
  } else {
    void benchIncident({
      events: flag('--events') === undefined ? undefined : Number(flag('--events')),
      endpoints: flag('--endpoints') === undefined ? undefined : Number(flag('--endpoints')),
      every: flag('--every') === undefined ? undefined : Number(flag('--every')),
      keep: process.argv.includes('--keep'),
    });
  }
}
