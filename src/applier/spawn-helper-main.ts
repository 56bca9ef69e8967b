// The spawn helper's process (see spawn-helper.ts): reads one JSON request
// per line on stdin — `{id, cmd, args, input}` — runs the command as the
// applier would itself, and writes `{id, status, stdout, stderr}` (or
// `{id, error}` when it cannot start) as one line on stdout. It exits when
// stdin closes, i.e. when its parent goes.
import { createInterface } from 'node:readline';
import { spawnRunner } from './host-io';

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
  spawnRunner(req.cmd, req.args, { input: req.input ?? '' }).then(
    (r) => reply({ id: req.id, ...r }),
    (e: Error) => reply({ id: req.id, error: e.message }),
  );
});
