// `foldnet delete -f FILE` and `foldnet delete KIND NAME... [-n NS]`: appends
// one `remove` per named resource, in one atomic batch. Everything named must
// exist at the head, or nothing is appended and the command fails (exit 1)
// naming each missing one, unless --ignore-not-found skips them. Files only
// need to say kind and name, so a resource can be deleted with a file that no
// longer validates.
import type { Command } from 'commander';
import { type ClusterState, resourceId } from '../../compiler/fold/state';
import { CliError, ExitCode, usageError } from './cli-error';
import type { CliContext } from './context';
import { identifyDocuments, type TargetResource } from './decode-documents';
import { inInputOrder, readDocuments } from './read-documents';
import { keyOf, kindArgument, resourceRef, resourceText } from './resource-names';
import { translationOf } from './translated';
import { appendEvents, inWriteOrder, newDraft, simulateEvents } from './write-events';

interface DeleteOptions {
  readonly filename: string[];
  readonly namespace?: string;
  readonly ignoreNotFound?: boolean;
  readonly dryRun?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const targetsFromFiles = (ctx: CliContext, sources: readonly string[]): TargetResource[] => {
  const read = readDocuments(sources, ctx.io.readStdin);
  const ids = identifyDocuments(read.documents);
  const problems = inInputOrder([...read.problems, ...ids.problems], read.files);
  if (problems.length > 0) throw usageError(`the input has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was deleted`, problems);
  if (ids.resources.length === 0) throw usageError(`no resources found in ${sources.join(', ')}`);
  return ids.resources;
};

const targetsFromArgs = (kind: string, names: readonly string[], namespace: string | undefined): TargetResource[] => {
  const info = kindArgument(kind);
  if (names.length === 0) throw usageError(`delete ${kind}: name the ${info.kind} to delete (foldnet delete ${kind} NAME)`);
  return names.map((name) => {
    // `ns/name` is accepted for namespaced kinds, as `get` and `log` print keys.
    const slash = info.namespaced && namespace === undefined ? name.indexOf('/') : -1;
    return slash > 0
      ? { info, key: name }
      : { info, key: keyOf(info, name, namespace ?? 'default') };
  });
};

/** Targets once each, in first-mention order. */
const unique = (targets: readonly TargetResource[]): TargetResource[] => {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const id = resourceId(t.info.id, t.key);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
};

const notFoundText = (state: ClusterState, t: TargetResource): string => {
  const from = translationOf(state, t.info, t.key);
  return `${resourceText(t.info, t.key)} not found${from === undefined ? '' : ` (it is translated from ${from}; delete that instead)`}`;
};

async function runDelete(ctx: CliContext, kind: string | undefined, names: string[], opts: DeleteOptions): Promise<void> {
  if (opts.filename.length > 0 && kind !== undefined) throw usageError('delete takes either -f FILE or KIND NAME, not both');
  if (opts.filename.length === 0 && kind === undefined) throw usageError('delete needs -f FILE or KIND NAME');
  const targets = unique(kind === undefined ? targetsFromFiles(ctx, opts.filename) : targetsFromArgs(kind, names, opts.namespace));
  const log = ctx.openLog();
  const { state } = await ctx.loadState(log);
  const present = targets.filter((t) => state.resources.has(resourceId(t.info.id, t.key)));
  const missing = targets.filter((t) => !present.includes(t));
  if (missing.length > 0 && !opts.ignoreNotFound) throw new CliError(ExitCode.Failed, '', missing.map((t) => notFoundText(state, t)));
  const ordered = inWriteOrder(present, (t) => t.info.id, 'remove');
  const actor = ctx.actor();
  const now = new Date();
  const drafts = ordered.map((t) => newDraft(actor, { type: 'remove', kind: t.info.id, key: t.key }, now));
  const result = opts.dryRun ? simulateEvents(state, drafts) : await appendEvents(log, state, drafts);
  const suffix = opts.dryRun ? ' (dry run)' : '';
  const outcomeOf = new Map(ordered.map((t, i) => [t, result.outcomes[i]!]));
  let rejected = 0;
  // Reported in input order, like apply, whatever order the events went in.
  for (const t of present) {
    const why = outcomeOf.get(t)!.rejected;
    if (why !== undefined) rejected++;
    ctx.out(`${resourceRef(t.info, t.key)} ${why === undefined ? 'deleted' : `rejected: ${why}`}${suffix}\n`);
  }
  if (rejected > 0)
    throw new CliError(ExitCode.Failed, `${rejected} of ${drafts.length} deletion${drafts.length === 1 ? '' : 's'} ${opts.dryRun ? 'would be' : rejected === 1 ? 'was' : 'were'} rejected by the fold`);
}

export function registerDeleteCommand(program: Command, ctx: CliContext): void {
  program
    .command('delete')
    .description('remove resources named in files or on the command line, in one atomic batch')
    .argument('[kind]', 'kind of resource (wep, pod, networkpolicy, ...)')
    .argument('[names...]', 'names (or namespace/name) of the resources')
    .option('-f, --filename <path>', 'a YAML/JSON file, a directory of them, or - for stdin (repeatable)', collect, [])
    .option('-n, --namespace <ns>', 'namespace of namespaced kinds (default "default")')
    .option('--ignore-not-found', 'skip resources that do not exist instead of failing')
    .option('--dry-run', 'show what would be deleted; append nothing')
    .action(async (kind: string | undefined, names: string[], opts: DeleteOptions) => runDelete(ctx, kind, names, opts));
}
