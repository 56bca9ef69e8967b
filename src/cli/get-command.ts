// `foldnet get KIND [NAME] [-n NS | -A] [-o table|yaml|json] [--at OFFSET|TIME]`:
// the resources of a kind in the state folded from the log — at its head, or
// at a past offset or time. Namespaced kinds list one namespace (-n, default
// "default") or all of them (-A), as kubectl does. -o json is always an
// array, -o yaml a stream of documents; both show documents as they were
// applied, and translations from Kubernetes objects as foldnet documents.
import { Option, type Command } from 'commander';
import { CliError, ExitCode } from './cli-error';
import type { CliContext } from './context';
import { renderJson, renderTable, renderYaml, outputOption, type OutputFormat } from './format-output';
import { type Entry, listEntries } from './get-entries';
import { entriesTable } from './get-table';
import { keyOf, kindArgument, resourceText } from './resource-names';

interface GetOptions {
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
  readonly output: OutputFormat;
  readonly at?: string;
}

async function runGet(ctx: CliContext, kind: string, name: string | undefined, opts: GetOptions): Promise<void> {
  const info = kindArgument(kind);
  const namespace = !info.namespaced || opts.allNamespaces ? undefined : opts.namespace ?? 'default';
  const log = ctx.openLog({ mustExist: true });
  const { state } = await ctx.loadState(log, opts.at);
  let entries: Entry[];
  if (name === undefined) {
    entries = listEntries(state, info, namespace);
  } else if (info.namespaced && (opts.allNamespaces || (opts.namespace === undefined && name.includes('/')))) {
    // `get wep demo/a`, or a name looked up in every namespace with -A.
    entries = listEntries(state, info).filter((e) => (name.includes('/') ? e.key === name : e.name === name));
    if (entries.length === 0) throw new CliError(ExitCode.Failed, `${resourceText(info, name)} not found`);
  } else {
    const key = keyOf(info, name, namespace ?? 'default');
    entries = listEntries(state, info, namespace).filter((e) => e.key === key);
    if (entries.length === 0) throw new CliError(ExitCode.Failed, `${resourceText(info, key)} not found`);
  }
  switch (opts.output) {
    case 'json':
      ctx.out(renderJson(entries.map((e) => e.document)));
      return;
    case 'yaml':
      ctx.out(renderYaml(entries.map((e) => e.document)));
      if (entries.length === 0) ctx.err(noneFound(namespace, info.namespaced));
      return;
    case 'table': {
      if (entries.length === 0) {
        ctx.err(noneFound(namespace, info.namespaced));
        return;
      }
      const t = entriesTable(state, entries, info.namespaced && namespace === undefined);
      ctx.out(renderTable(t.header, t.rows));
    }
  }
}

const noneFound = (namespace: string | undefined, namespaced: boolean): string =>
  namespaced && namespace !== undefined ? `No resources found in ${namespace} namespace.\n` : 'No resources found.\n';

export function registerGetCommand(program: Command, ctx: CliContext): void {
  program
    .command('get')
    .description('list resources of a kind, from the state folded from the log (now, or --at a past point)')
    .argument('<kind>', 'kind of resource (wep, pod, host, networkpolicy, gnp, ...)')
    .argument('[name]', 'one resource (NAME, or NAMESPACE/NAME)')
    .addOption(new Option('-n, --namespace <ns>', 'namespace of namespaced kinds (default "default")').conflicts('allNamespaces'))
    .addOption(new Option('-A, --all-namespaces', 'list every namespace'))
    .addOption(outputOption())
    .option('--at <offset|time>', 'the state after that event offset, or at that RFC 3339 time')
    .action(async (kind: string, name: string | undefined, opts: GetOptions) => runGet(ctx, kind, name, opts));
}
