// Starts fixtures/url-append-worker (any backend: a path or file: URL, kafka://,
// etcd://) in a child process the same way this test is running: compiled JS
// under dist/ (npm test) or TypeScript through tsx (node --import tsx). The
// worker file has this file's extension, and the child inherits node's flags
// (so tsx's loader comes along) minus test-runner ones. What the worker does
// is the worker's business.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { join, extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface Worker {
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>;
  /** Lines the worker printed, as they come. */
  readonly lines: AsyncIterator<string>;
  /** Resolves when the process has exited, however. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export const workerScript = (): string => join(__dirname, 'fixtures', `url-append-worker${extname(__filename)}`);

export function startWorker(args: readonly string[]): Worker {
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--test'));
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, [...execArgv, workerScript(), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines, exited };
}

/** The next line, or a failure carrying the worker's stderr if it exited first. */
export async function nextLine(w: Worker): Promise<string> {
  const r = await w.lines.next();
  if (r.done === true) {
    const { code, signal, stderr } = await w.exited;
    throw new Error(`worker exited (code ${code}, signal ${signal}) before printing a line:\n${stderr}`);
  }
  return r.value;
}

/** Kills the worker if it still runs and waits for it; for cleanup paths. */
export async function stopWorker(w: Worker): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await w.exited;
}
