// `foldnet diff --host H --from A [--to B]`: what changed in host H's
// datapath between two points of the log — routes, nft sets, maps and chains
// as nft text, the BIRD config as a line diff, sysctls — and the events in
// between that changed it. Exit 0 whether or not anything changed.
import { Option, type Command } from 'commander';
import * as E from 'fp-ts/Either';
import { compileHost } from '../../compiler/compile/host';
import type { HostSnapshot } from '../../compiler/compile/snapshot';
import { diffSnapshots, isEmptyDiff } from '../../compiler/diff/datapath-diff';
import { renderDatapathDiff } from '../../compiler/diff/render-diff';
import type { ClusterState } from '../../compiler/fold/state';
import { CliError, ExitCode, usageError } from './cli-error';
import type { CliContext } from './context';
import { renderTable } from './format-output';
import { attributeEvents, type Attribution } from './incident-attribute';
import { POINT_HELP, pointText, resolvePoint, StateLoader } from './incident-points';
import { displayKindId } from './resource-names';

interface DiffOptions {
  readonly host: string;
  readonly from: string;
  readonly to: string;
  readonly output: 'text' | 'json';
}

const snapshotAt = (state: ClusterState, host: string): HostSnapshot | undefined => {
  const s = compileHost(state, host);
  return E.isRight(s) ? s.right : undefined;
};

const eventRows = (a: Attribution): string[][] =>
  a.events.map(({ event: e, parts }) => [String(e.offset), e.time, e.actor, e.type, displayKindId(e.kind), e.key, parts.join(',')]);

async function runDiff(ctx: CliContext, opts: DiffOptions): Promise<void> {
  const log = ctx.openLog({ mustExist: true });
  const head = await log.head();
  const from = await resolvePoint(log, '--from', opts.from, head);
  const to = await resolvePoint(log, '--to', opts.to, head);
  if (from > to) throw usageError(`--from (${pointText(from)}) comes after --to (${pointText(to)})`);
  const loader = new StateLoader(log);
  try {
    const a = await loader.at(from);
    const b = await loader.at(to);
    if (!a.hosts.has(opts.host) && !b.hosts.has(opts.host)) {
      const known = [...new Set([...a.hosts.keys(), ...b.hosts.keys()])].sort();
      throw new CliError(ExitCode.Failed, `host ${opts.host} exists at neither point (hosts: ${known.join(', ') || 'none'})`);
    }
    const d = diffSnapshots(opts.host, snapshotAt(a, opts.host), snapshotAt(b, opts.host));
    if (E.isLeft(d)) throw new CliError(ExitCode.Internal, 'a compiled ruleset does not decode', d.left);
    const attribution = await attributeEvents(log, loader, { from, to }, opts.host);
    if (opts.output === 'json') {
      const events = attribution.events.map(({ event, parts }) => ({ ...event, changed: parts }));
      ctx.out(`${JSON.stringify({ ...d.right, from, to, between: attribution.between, skipped: attribution.skipped, events }, null, 2)}\n`);
      return;
    }
    const hash = (h: string | undefined): string => (h === undefined ? 'no such host' : `snapshot ${h.slice(0, 12)}`);
    const lines = [`host ${opts.host}: ${pointText(from)} (${hash(d.right.before)}) → ${pointText(to)} (${hash(d.right.after)})`];
    lines.push(...(isEmptyDiff(d.right) ? ['the datapath is the same at both points'] : renderDatapathDiff(d.right)));
    lines.push('');
    if (attribution.events.length === 0) lines.push(`none of the ${attribution.between} events in between changed ${opts.host}'s datapath`);
    else {
      lines.push(`events in between that changed ${opts.host}'s datapath (${attribution.events.length} of ${attribution.between}):`);
      lines.push(...renderTable(['OFFSET', 'TIME', 'ACTOR', 'TYPE', 'KIND', 'KEY', 'CHANGED'], eventRows(attribution)).trimEnd().split('\n').map((l) => `  ${l}`));
    }
    if (attribution.skipped > 0)
      lines.push(`(${attribution.skipped} events were in stretches that ended with the datapath they began with: changes undone within them are not listed)`);
    ctx.out(`${lines.join('\n')}\n`);
  } finally {
    await loader.close();
  }
}

export function registerDiffCommand(program: Command, ctx: CliContext): void {
  program
    .command('diff')
    .description("the change in a host's datapath between two points of the log, and the events that made it")
    .requiredOption('--host <name>', 'the host whose datapath to compare')
    .requiredOption('--from <point>', `the earlier point: ${POINT_HELP}`)
    .option('--to <point>', 'the later point (same forms)', 'head')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: DiffOptions) => runDiff(ctx, opts));
}
