// `foldnet what-if -f CHANGE.yaml [--host H]`: what applying the files would
// do, without appending anything — the files are read, validated and planned
// exactly as `apply` does (unchanged resources write nothing), the events are
// folded onto the head in memory, and the result is compared with the head:
// each host's datapath diff (only hosts that change; --host picks one), and
// every endpoint pair whose reachability changes, on the ports the change's
// policies and profiles name (else the ports any policy names; see
// compiler/diff/probe-ports.ts). Only pairs with an endpoint the change can
// have affected are judged (compiler/diff/affected-endpoints.ts): the rest
// cannot have changed. Exit 1 when the fold would reject an event.
import { Option, type Command } from 'commander';
import * as E from 'fp-ts/Either';
import { compileHost, DEFAULT_COMPILE_OPTIONS } from '../../compiler/compile/host';
import { ClusterIndex } from '../../compiler/incremental/cluster-index';
import { diffSnapshots, isEmptyDiff, type DatapathDiff } from '../../compiler/diff/datapath-diff';
import { affectedEndpoints } from '../../compiler/diff/affected-endpoints';
import { type ProbePort, probePorts } from '../../compiler/diff/probe-ports';
import { reachabilityChanges, type VerdictFor } from '../../compiler/diff/reachability-changes';
import { renderDatapathDiff } from '../../compiler/diff/render-diff';
import type { ClusterState } from '../../compiler/fold/state';
import { planApply, readInputResources } from './apply-command';
import { CliError, ExitCode } from './cli-error';
import type { CliContext } from './context';
import { type Engine, engineOption, verdictsOf } from './engine';
import { pointText } from './incident-points';
import { resourceRef } from './resource-names';
import { inWriteOrder, newDraft, simulateEvents } from './write-events';

interface WhatIfOptions {
  readonly filename: string[];
  readonly host?: string;
  readonly engine: Engine;
  readonly output: 'text' | 'json';
}

const PROTOCOL_NAMES: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPv6', 132: 'SCTP', 136: 'UDPLite' };
export const probeText = (p: ProbePort): string => `${PROTOCOL_NAMES[p.protocol] ?? `protocol ${p.protocol}`}${p.port === undefined ? '' : ` ${p.port}`}`;

const verdictFor = (engine: Engine): VerdictFor => (state) => {
  const verdict = verdictsOf(state, engine);
  return (packet) => verdict(packet).allowed;
};

const hostDiffs = (before: ClusterState, after: ClusterState, only: string | undefined): DatapathDiff[] => {
  const hosts = only !== undefined ? [only] : [...new Set([...before.hosts.keys(), ...after.hosts.keys()])].sort();
  // One cluster index per side, shared by every host: building it is most of a compile at scale.
  const indexes = [new ClusterIndex(before), new ClusterIndex(after)] as const;
  return hosts.flatMap((host) => {
    const a = compileHost(before, host, DEFAULT_COMPILE_OPTIONS, indexes[0]);
    const b = compileHost(after, host, DEFAULT_COMPILE_OPTIONS, indexes[1]);
    const d = diffSnapshots(host, E.isRight(a) ? a.right : undefined, E.isRight(b) ? b.right : undefined);
    if (E.isLeft(d)) throw new CliError(ExitCode.Internal, 'a compiled ruleset does not decode', d.left);
    return isEmptyDiff(d.right) ? [] : [d.right];
  });
};

async function runWhatIf(ctx: CliContext, opts: WhatIfOptions): Promise<void> {
  const inputs = readInputResources(ctx, opts.filename);
  const log = ctx.openLog({ mustExist: true });
  const { state: head } = await ctx.loadState(log);
  if (opts.host !== undefined && !head.hosts.has(opts.host) && !inputs.some((i) => i.info.id === 'Host' && i.key === opts.host))
    throw new CliError(ExitCode.Failed, `host ${opts.host} does not exist (hosts: ${[...head.hosts.keys()].sort().join(', ') || 'none'})`);
  const plan = planApply(head, inputs);
  const changed = inWriteOrder(plan.filter((p) => p.status !== 'unchanged'), (p) => p.input.info.id, 'put');
  const actor = ctx.actor();
  const drafts = changed.map((p) => newDraft(actor, { type: 'put', kind: p.input.info.id, key: p.input.key, resource: { ...p.input.resource } }));
  const { outcomes, state: after } = simulateEvents(head, drafts);
  const rejectedBy = new Map(changed.map((p, i) => [p, outcomes[i]!.rejected]));
  const statuses = plan.map((p) => ({ resource: resourceRef(p.input.info, p.input.key), status: rejectedBy.get(p) === undefined ? p.status : `rejected: ${rejectedBy.get(p)}` }));
  const diffs = hostDiffs(head, after, opts.host);
  const { probes, fromChange } = probePorts(head, after);
  const changes = reachabilityChanges(head, after, probes, verdictFor(opts.engine), affectedEndpoints(head, after));
  if (opts.output === 'json') {
    ctx.out(`${JSON.stringify({ at: head.offset, resources: statuses, hosts: diffs, probes, probesFromChange: fromChange, reachability: changes }, null, 2)}\n`);
  } else {
    const lines = [`what-if at the head (${pointText(head.offset)}); nothing is written to the log`];
    lines.push(...statuses.map((s) => `  ${s.resource} ${s.status}`));
    if (diffs.length === 0) lines.push('', opts.host === undefined ? 'no host datapath would change' : `host ${opts.host}: its datapath would not change`);
    for (const d of diffs)
      lines.push('', `host ${d.host}: snapshot ${d.before?.slice(0, 12) ?? '(no such host)'} → ${d.after?.slice(0, 12) ?? '(no such host)'}`, ...renderDatapathDiff(d).map((l) => `  ${l}`));
    if (probes.length === 0) lines.push('', 'no policy or profile names a port to probe: reachability not compared');
    else {
      lines.push('', `reachability on ${probes.map(probeText).join(', ')} (${fromChange ? 'named by the change' : 'the ports the policies name'}):`);
      if (changes.length === 0) lines.push('  no endpoint pair would change');
      for (const c of changes) lines.push(`  ${c.from} → ${c.to}   ${probeText(c)}   ${c.before} → ${c.after}`);
    }
    ctx.out(`${lines.join('\n')}\n`);
  }
  const rejected = outcomes.filter((o) => o.rejected !== undefined).length;
  if (rejected > 0) throw new CliError(ExitCode.Failed, `${rejected} of ${drafts.length} change${drafts.length === 1 ? '' : 's'} would be rejected by the fold`);
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerWhatIfCommand(program: Command, ctx: CliContext): void {
  program
    .command('what-if')
    .description('show what applying files would change — datapaths and reachability — without writing to the log')
    .option('-f, --filename <path>', 'a YAML/JSON file, a directory of them, or - for stdin (repeatable)', collect, [])
    .option('--host <name>', 'show the datapath diff of this host only')
    .addOption(engineOption())
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: WhatIfOptions) => runWhatIf(ctx, opts));
}
