// `foldnet log`: the history of the cluster, one line per event in offset
// order — who changed what, when — filtered by time, kind, name and
// namespace, or to what changed what applies to one endpoint (--touching,
// see touching-filter.ts). The log is folded to show which events the fold
// rejected and why (STATUS), since a rejected event is in history but
// changed nothing.
import type { Command } from 'commander';
import type { LoggedEvent } from '../../compiler/events/event';
import { emptyState } from '../../compiler/fold/state';
import type { LogQuery } from '../log/event-log';
import { canonicalTime } from '../log/log-time';
import { queryLog } from '../log/query-log';
import { usageError } from './cli-error';
import type { CliContext } from './context';
import { outputOption, renderJson, renderTable, type OutputFormat } from './format-output';
import { foldLog } from './load-state';
import { displayKindId, kindArgument } from './resource-names';
import { touchingOffsets } from './touching-filter';

interface LogOptions {
  readonly since?: string;
  readonly until?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly touching?: string;
  readonly output: OutputFormat;
}

const timeOption = (flag: string, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const t = canonicalTime(value.trim());
  if (t === undefined) throw usageError(`${flag}: expected an RFC 3339 time such as 2024-05-01T12:00:00Z, got ${JSON.stringify(value)}`);
  return t;
};

/** Narrows by name and namespace where the key alone cannot (any kind, or a name in any namespace). */
const keyFilter = (name: string | undefined, namespace: string | undefined) => (e: LoggedEvent): boolean => {
  const slash = e.key.indexOf('/');
  const ns = slash < 0 ? undefined : e.key.slice(0, slash);
  const n = slash < 0 ? e.key : e.key.slice(slash + 1);
  if (name !== undefined && (name.includes('/') ? e.key !== name : n !== name)) return false;
  return namespace === undefined || ns === namespace;
};

async function runLog(ctx: CliContext, opts: LogOptions): Promise<void> {
  const query: LogQuery = {
    since: timeOption('--since', opts.since),
    until: timeOption('--until', opts.until),
    kind: opts.kind === undefined ? undefined : kindArgument(opts.kind).id,
  };
  const log = ctx.openLog({ mustExist: true });
  const events: LoggedEvent[] = [];
  const touching = opts.touching === undefined ? undefined : await touchingOffsets(log, opts.touching, await log.head());
  const keep = keyFilter(opts.name, opts.namespace);
  for await (const e of queryLog(log, query)) if (keep(e) && (touching?.has(e.offset) ?? true)) events.push(e);
  const last = events.length === 0 ? -1 : events[events.length - 1]!.offset;
  const { rejections } = await foldLog(log, emptyState(), last + 1);
  const rejected = (e: LoggedEvent): string | undefined => rejections.get(e.offset)?.reason;
  if (opts.output === 'json') {
    ctx.out(renderJson(events.map((e) => {
      const why = rejected(e);
      return { ...e, ...(why === undefined ? {} : { rejected: why }) };
    })));
    return;
  }
  if (events.length === 0) {
    ctx.err('No events found.\n');
    return;
  }
  const rows = events.map((e) => {
    const why = rejected(e);
    return [String(e.offset), e.time, e.actor, e.type, displayKindId(e.kind), e.key, why === undefined ? '' : `rejected: ${why}`];
  });
  ctx.out(renderTable(['OFFSET', 'TIME', 'ACTOR', 'TYPE', 'KIND', 'KEY', 'STATUS'], rows));
}

export function registerLogCommand(program: Command, ctx: CliContext): void {
  program
    .command('log')
    .description('show the history of changes, oldest first, with the events the fold rejected')
    .option('--since <time>', 'only events at or after this RFC 3339 time')
    .option('--until <time>', 'only events at or before this RFC 3339 time')
    .option('--kind <kind>', 'only events about this kind (wep, pod, networkpolicy, ...)')
    .option('--name <name>', 'only events about resources with this name (or NAMESPACE/NAME)')
    .option('-n, --namespace <ns>', 'only events about resources in this namespace')
    .option('--touching <ns/name>', 'only events that changed what applies to this endpoint: its spec, policies selecting it, its profiles, its namespace')
    .addOption(outputOption(['table', 'json']))
    .action(async (opts: LogOptions) => runLog(ctx, opts));
}
