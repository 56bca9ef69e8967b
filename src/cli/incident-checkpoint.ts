// `foldnet checkpoint`: checkpoints of the fold, by hand. Every command that
// folds the log (get, compile, trace, reachability, diff, bisect, ...) already
// starts from the nearest valid checkpoint and writes one at every multiple
// of the spacing it folds past; this command folds to the head to write any
// that are missing, sets the spacing (stored with the log, so every process
// agrees; 0 stops writing), lists them, and verifies them.
import { type Command } from 'commander';
import * as E from 'fp-ts/Either';
import { CHECKPOINT_VERSION, decodeCheckpoint, explainCheckpointError } from '../../compiler/checkpoint/checkpoint';
import { replayTo } from '../checkpoint/replay';
import { openCheckpointStore } from '../checkpoint/store-for-log';
import { CliError, ExitCode, usageError } from './cli-error';
import type { CliContext } from './context';
import { renderTable } from './format-output';

interface CheckpointOptions {
  readonly every?: string;
  readonly list?: boolean;
  readonly verify?: boolean;
}

async function runCheckpoint(ctx: CliContext, opts: CheckpointOptions): Promise<void> {
  const log = ctx.openLog({ mustExist: true });
  const store = openCheckpointStore(log);
  if (store === undefined) throw new CliError(ExitCode.Failed, `the log at ${ctx.logUrl()} has no checkpoint store`);
  try {
    if (opts.every !== undefined) {
      if (!/^\d+$/.test(opts.every.trim())) throw usageError(`--every: expected a number of events (0 = write none), got ${JSON.stringify(opts.every)}`);
      await store.setEvery(Number(opts.every));
    }
    if (opts.list || opts.verify) {
      const refs = await store.list();
      const rows: string[][] = [];
      let invalid = 0;
      for (const ref of [...refs].reverse()) {
        let status = '';
        if (opts.verify) {
          const c = await store.read(ref);
          const r = c === undefined ? undefined : decodeCheckpoint(c);
          status = ref.version !== CHECKPOINT_VERSION ? `other version (${ref.version})` : r === undefined ? 'gone' : E.isRight(r) ? 'valid' : `invalid: ${explainCheckpointError(r.left)}`;
          if (status.startsWith('invalid')) invalid++;
        }
        rows.push([String(ref.offset), String(ref.version), ref.sha256, String(ref.bytes), ...(opts.verify ? [status] : [])]);
      }
      ctx.out(`every ${await store.every()} events, in ${store.where}\n`);
      if (rows.length === 0) ctx.out('no checkpoints\n');
      else ctx.out(renderTable(['OFFSET', 'VERSION', 'SHA256', 'BYTES', ...(opts.verify ? ['STATUS'] : [])], rows));
      if (invalid > 0) ctx.setExitCode(ExitCode.Failed);
      return;
    }
    const every = await store.every();
    const head = await log.head();
    const r = await replayTo(log, head, { store });
    for (const s of r.skipped) ctx.err(`checkpoint at ${s.offset} ignored: ${s.why}\n`);
    const folded = head === r.from ? 'nothing to fold' : `folded events ${r.from}-${head - 1}`;
    ctx.out(
      every === 0
        ? `checkpoints are off (--every 0); ${folded}\n`
        : `every ${every} events: wrote ${r.written.length} checkpoint${r.written.length === 1 ? '' : 's'}${r.written.length > 0 ? ` (${r.written.join(', ')})` : ''}; ${folded}\n`,
    );
  } finally {
    await store.close();
  }
}

export function registerCheckpointCommand(program: Command, ctx: CliContext): void {
  program
    .command('checkpoint')
    .description('write the fold checkpoints missing up to the head; set their spacing, list or verify them')
    .option('--every <n>', 'events between checkpoints, stored with the log (default 1000; 0 writes none)')
    .option('--list', 'list the stored checkpoints')
    .option('--verify', 'list them and check each one (exit 1 if any is invalid)')
    .action(async (opts: CheckpointOptions) => runCheckpoint(ctx, opts));
}
