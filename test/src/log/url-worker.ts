// Starts fixtures/url-append-worker in a child process, the way
// worker-process.ts starts append-worker (compiled JS under dist/, or
// TypeScript through tsx); nextLine and stopWorker work on it unchanged.
import { spawn } from 'node:child_process';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Worker } from './worker-process';

export function startUrlWorker(args: readonly string[]): Worker {
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--test'));
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const script = join(__dirname, 'fixtures', `url-append-worker${extname(__filename)}`);
  const child = spawn(process.execPath, [...execArgv, script, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, lines, exited };
}
