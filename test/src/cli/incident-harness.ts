// Runs foldnet commands in-process (fast enough for property tests), against a
// temp workspace removed afterwards. The recorded incident of
// fixtures/incident/ can be imported into it with fixed ids and times.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggedEvent } from '../../../compiler/events/event';
import { reportError } from '../../../src/cli/cli-error';
import { buildProgram } from '../../../src/cli/main';
import { repoRoot } from '../../helpers/seed-demo';

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const INCIDENT_DIR = join(repoRoot(), 'fixtures', 'incident');
export const INCIDENT_EVENTS = join(INCIDENT_DIR, 'events.jsonl');

/** The recorded events as the log hands them back, offsets from 0. */
export const incidentEvents = (): LoggedEvent[] =>
  readFileSync(INCIDENT_EVENTS, 'utf8').trim().split('\n').map((line, offset) => ({ ...(JSON.parse(line) as object), offset }) as LoggedEvent);

export async function foldnet(args: readonly string[], stdin = ''): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t), env: {}, readStdin: () => stdin };
  const { program, ctx } = buildProgram(io);
  let code: number;
  try {
    await program.parseAsync([...args], { from: 'user' });
    code = ctx.exitCode();
  } catch (e) {
    code = reportError(e, io.stderr, true);
  } finally {
    await ctx.close();
  }
  return { code, stdout, stderr };
}

export interface IncidentWorkspace {
  readonly dir: string;
  readonly logPath: string;
  run(args: readonly string[], stdin?: string): Promise<Ran>;
  write(name: string, text: string): string;
}

/** A fresh workspace with its own log; `events` (a JSONL file) is imported first when given. */
export async function withIncidentWorkspace<T>(events: string | undefined, body: (ws: IncidentWorkspace) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'foldnet-incident-'));
  const logPath = join(dir, 'log.db');
  const ws: IncidentWorkspace = {
    dir,
    logPath,
    run: (args, stdin) => foldnet(['--log', `file:${logPath}`, ...args], stdin),
    write(name, text) {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    },
  };
  try {
    if (events !== undefined) {
      const r = await ws.run(['import-events', '-f', events]);
      if (r.code !== 0) throw new Error(`import-events failed (${r.code}): ${r.stderr}`);
    }
    return await body(ws);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const said = (r: Ran): string => `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
