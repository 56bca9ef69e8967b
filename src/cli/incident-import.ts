// `foldnet import-events -f EVENTS.jsonl`: appends recorded event drafts —
// one JSON object per line with id, time, actor, schemaVersion, type, kind,
// key and (for puts) resource — in one atomic batch, keeping their ids, times
// and actors. It is how a recorded history (fixtures/incident/) becomes a log
// to investigate. The log validates every draft and refuses an id it already
// holds, so importing twice appends nothing the second time. Blank lines and
// lines starting with # are skipped.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { EventDraft } from '../../compiler/events/event';
import { usageError } from './cli-error';
import type { CliContext } from './context';

const readDrafts = (file: string, text: string): EventDraft[] => {
  const drafts: EventDraft[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    try {
      drafts.push(JSON.parse(t) as EventDraft);
    } catch (e) {
      problems.push(`${file}: line ${i + 1}: not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  if (problems.length > 0) throw usageError(`the input has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written to the log`, problems);
  return drafts;
};

async function runImport(ctx: CliContext, opts: { filename?: string }): Promise<void> {
  if (opts.filename === undefined) throw usageError('no input: pass -f FILE.jsonl (or -f - for stdin)');
  const file = opts.filename;
  let text: string;
  try {
    text = file === '-' ? ctx.io.readStdin() : readFileSync(file, 'utf8');
  } catch (e) {
    throw usageError(`${file}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file or directory' : e instanceof Error ? e.message : String(e)}`);
  }
  const drafts = readDrafts(file, text);
  if (drafts.length === 0) throw usageError(`no events found in ${file}`);
  const offsets = await ctx.openLog().append(drafts);
  ctx.out(`appended ${offsets.length} events at offsets ${offsets[0]}-${offsets[offsets.length - 1]}\n`);
}

export function registerImportEventsCommand(program: Command, ctx: CliContext): void {
  program
    .command('import-events')
    .description('append recorded events (JSON lines of event drafts) in one atomic batch, keeping their ids, times and actors')
    .option('-f, --filename <path>', 'a file of JSON lines, or - for stdin')
    .action(async (opts: { filename?: string }) => runImport(ctx, opts));
}
