// The spawn helper's process (see spawn-helper.ts): reads one JSON request
// per line on stdin — `{id, cmd, args, input}` — runs the command, and writes
// `{id, status, stdout, stderr}` (or `{id, error}` when it cannot start) as
// one line on stdout. It exits when stdin closes, i.e. when its parent goes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

interface Request {
  readonly id: number;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly input?: string;
}

const reply = (v: unknown): void => void process.stdout.write(`${JSON.stringify(v)}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  let req: Request;
  try {
    req = JSON.parse(line) as Request;
  } catch {
    return;
  }
  const child = spawn(req.cmd, [...req.args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.on('error', (e) => reply({ id: req.id, error: e.message }));
  child.on('close', (status) => reply({ id: req.id, status, stdout, stderr }));
  child.stdin.on('error', () => undefined);
  child.stdin.end(req.input ?? '');
});
