// foldnet-cni's entry point. Deliberately tiny: runtimes call VERSION for
// nearly every command, so it is answered from version.ts alone; everything
// heavy (the log, the fold, io-ts) is required only for ADD, DEL and CHECK.
// Output follows the spec: the result (ADD) or nothing on stdout and exit 0;
// an error object on stdout and exit 1. Human-readable detail goes to stderr
// only when FOLDNET_DEBUG is set, because runtimes log stderr as noise.
import { readFileSync } from 'node:fs';
import { LATEST_VERSION, versionReply } from './version';

function readStdinSync(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch {
    return ''; // no stdin (closed, or a terminal that gave nothing)
  }
}

function finish(out: unknown, code: number): void {
  const text = out === undefined ? '' : `${JSON.stringify(out)}\n`;
  process.exitCode = code;
  if (text === '') process.exit(code);
  process.stdout.write(text, () => process.exit(code));
}

function cniVersionOf(stdin: string): string {
  try {
    const v = (JSON.parse(stdin) as { cniVersion?: unknown }).cniVersion;
    return typeof v === 'string' ? v : LATEST_VERSION;
  } catch {
    return LATEST_VERSION;
  }
}

const stdin = readStdinSync();
if (process.env.CNI_COMMAND === 'VERSION') {
  finish(versionReply(stdin), 0);
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runCommand } = require('./run') as typeof import('./run');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { errorReply } = require('./errors') as typeof import('./errors');
  runCommand(process.env, stdin).then(
    (out) => finish(out, 0),
    (e: unknown) => {
      if (process.env.FOLDNET_DEBUG) process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      finish(errorReply(e, cniVersionOf(stdin)), 1);
    },
  );
}
