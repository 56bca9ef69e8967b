// `foldnet apply -f FILE|DIR|-`: makes the head state hold the resources in
// the files. Everything is validated before anything is written (all
// problems printed, exit 2, nothing appended); then one `put` per resource
// whose canonical JSON differs from the stored one goes into the log in one
// atomic batch, and each resource is reported kubectl style — created,
// configured, unchanged, or rejected by the fold (exit 1). Apply never
// removes what the files leave out; that is `delete`.
import type { Command } from 'commander';
import type { ClusterState } from '../../compiler/fold/state';
import { resourceId } from '../../compiler/fold/state';
import { canonicalJson } from '../../compiler/hash/canonical';
import { CliError, ExitCode, usageError } from './cli-error';
import type { CliContext } from './context';
import { decodeDocuments, type InputResource } from './decode-documents';
import { inInputOrder, readDocuments } from './read-documents';
import { resourceRef } from './resource-names';
import { appendEvents, inWriteOrder, newDraft, simulateEvents, type EventOutcome } from './write-events';

export type ApplyStatus = 'created' | 'configured' | 'unchanged';

export interface PlannedResource {
  readonly input: InputResource;
  readonly status: ApplyStatus;
}

/** What applying `inputs` onto `state` changes, resource by resource, in input order. */
export const planApply = (state: ClusterState, inputs: readonly InputResource[]): PlannedResource[] =>
  inputs.map((input) => {
    const stored = state.resources.get(resourceId(input.info.id, input.key));
    const status: ApplyStatus =
      stored === undefined ? 'created' : canonicalJson(stored.resource) === canonicalJson(input.resource) ? 'unchanged' : 'configured';
    return { input, status };
  });

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface ApplyOptions {
  readonly filename: string[];
  readonly dryRun?: boolean;
}

/** Reads and validates `-f` sources; every problem at once, as a usage error. */
export const readInputResources = (ctx: CliContext, sources: readonly string[]): InputResource[] => {
  if (sources.length === 0) throw usageError('no input: pass -f FILE, -f DIR or -f - (repeatable)');
  const read = readDocuments(sources, ctx.io.readStdin);
  const decoded = decodeDocuments(read.documents);
  const problems = inInputOrder([...read.problems, ...decoded.problems], read.files);
  if (problems.length > 0)
    throw usageError(`the input has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was written to the log`, problems);
  if (decoded.resources.length === 0) throw usageError(`no resources found in ${sources.join(', ')}`);
  return decoded.resources;
};

async function runApply(ctx: CliContext, opts: ApplyOptions): Promise<void> {
  const inputs = readInputResources(ctx, opts.filename);
  const log = ctx.openLog();
  const { state } = await ctx.loadState(log);
  const plan = planApply(state, inputs);
  const changed = inWriteOrder(plan.filter((p) => p.status !== 'unchanged'), (p) => p.input.info.id, 'put');
  const actor = ctx.actor();
  const now = new Date();
  const drafts = changed.map((p) => newDraft(actor, { type: 'put', kind: p.input.info.id, key: p.input.key, resource: { ...p.input.resource } }, now));
  const result = opts.dryRun ? simulateEvents(state, drafts) : await appendEvents(log, state, drafts);
  const outcomeOf = new Map<PlannedResource, EventOutcome>(changed.map((p, i) => [p, result.outcomes[i]!]));
  const suffix = opts.dryRun ? ' (dry run)' : '';
  let rejected = 0;
  for (const p of plan) {
    const outcome = outcomeOf.get(p);
    if (outcome?.rejected !== undefined) rejected++;
    const status = outcome?.rejected !== undefined ? `rejected: ${outcome.rejected}` : p.status;
    ctx.out(`${resourceRef(p.input.info, p.input.key)} ${status}${suffix}\n`);
  }
  if (rejected > 0)
    throw new CliError(
      ExitCode.Failed,
      `${rejected} of ${drafts.length} change${drafts.length === 1 ? '' : 's'} ${opts.dryRun ? 'would be' : rejected === 1 ? 'was' : 'were'} rejected by the fold`,
    );
}

export function registerApplyCommand(program: Command, ctx: CliContext): void {
  program
    .command('apply')
    .description('make the log hold the resources in files: append a put for each new or changed one, in one atomic batch')
    .option('-f, --filename <path>', 'a YAML/JSON file, a directory of them, or - for stdin (repeatable)', collect, [])
    .option('--dry-run', 'validate and show what would change; append nothing')
    .action(async (opts: ApplyOptions) => runApply(ctx, opts));
}
