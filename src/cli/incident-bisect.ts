// `foldnet bisect --from SRC --to DST --protocol P [--port N] [--good A] [--bad B]`:
// the event after which a connection's verdict flipped — who, when, what (the
// resource as YAML, before and after, as a line diff) — and the rules that
// decided just before and just after it. SRC and DST are resolved to
// addresses at `bad`, and that same packet is judged at every point probed.
// The search and its exact guarantees are compiler/diff/bisect.ts's (with
// several flips in range it names one of them, not necessarily the first).
// The search judges with the reference evaluator by default (about a
// millisecond a point, where the compiled engine compiles and interprets two
// hosts' rulesets); at the flip both engines explain the verdict before and
// after, and must agree — they are property-tested to.
// Exit 0 when it names an event; 1 when the verdict is the same at both ends
// or no flip was found; 70 if the engines disagree at the flip.
import { Option, type Command } from 'commander';
import YAML from 'yaml';
import { type FlipSearch, searchFlip } from '../../compiler/diff/bisect';
import { diffLines, hunks, renderHunks } from '../../compiler/diff/line-diff';
import type { LoggedEvent } from '../../compiler/events/event';
import { type ClusterState, resourceId } from '../../compiler/fold/state';
import { familyOf } from '../../compiler/net/ip';
import type { Packet } from '../../compiler/policy/verdict';
import type { EventLog } from '../log/event-log';
import { CliError, ExitCode, usageError } from './cli-error';
import type { CliContext } from './context';
import { type Engine, engineOption } from './engine';
import {
  atPoint, describeAddress, isPorted, judge, type Judged, packetFor, parsePort, parseProtocol, POINT_HELP, pointText,
  resolveAddress, resolvePoint, StateLoader, verdictWord,
} from './incident-points';
import { displayKindId } from './resource-names';

interface BisectOptions {
  readonly from: string;
  readonly to: string;
  readonly protocol: string;
  readonly port?: string;
  readonly good?: string;
  readonly bad: string;
  readonly engine: Engine;
  readonly output: 'text' | 'json';
}

const eventAt = async (log: EventLog, offset: number): Promise<LoggedEvent> => {
  for await (const e of log.read(offset, offset + 1)) return e;
  throw new CliError(ExitCode.Log, `event ${offset} is missing from the log`);
};

const yamlLines = (doc: unknown): string[] => (doc === undefined ? [] : YAML.stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }).replace(/\n$/, '').split('\n'));

/** The event's resource before and after it, as a YAML line diff. */
const resourceDiff = (before: ClusterState, e: LoggedEvent): string[] => {
  const was = before.resources.get(resourceId(e.kind, e.key))?.resource;
  const now = e.type === 'put' ? e.resource : undefined;
  return renderHunks(hunks(diffLines(yamlLines(was), yamlLines(now)), 3));
};

interface Explained {
  readonly allowed: boolean;
  readonly reference: readonly string[];
  readonly compiled: readonly string[];
  /** Set when the compiled engine's verdict differs from the reference's (a bug). */
  readonly disagree?: true;
}

interface Found {
  readonly event: LoggedEvent;
  readonly before: Explained;
  readonly after: Explained;
  readonly resourceDiff: readonly string[];
}

const explainBoth = (state: ClusterState, packet: Packet): Explained => {
  const r = judge(state, packet, 'reference');
  const c = judge(state, packet, 'compiled');
  return { allowed: r.allowed, reference: r.because, compiled: c.because, ...(r.allowed === c.allowed ? {} : { disagree: true as const }) };
};

async function runBisect(ctx: CliContext, opts: BisectOptions): Promise<void> {
  const log = ctx.openLog({ mustExist: true });
  const head = await log.head();
  const protocol = parseProtocol(opts.protocol);
  const port = parsePort('--port', opts.port);
  if (isPorted(protocol) && port === undefined) throw usageError('--port is required for TCP, UDP and SCTP');
  const bad = await resolvePoint(log, '--bad', opts.bad, head);
  const good = opts.good === undefined ? undefined : await resolvePoint(log, '--good', opts.good, head);
  if (good !== undefined && good >= bad) throw usageError(`--good (${pointText(good)}) must come before --bad (${pointText(bad)})`);
  const loader = new StateLoader(log);
  try {
    const badState = await loader.at(bad);
    const src = resolveAddress(badState, '--from', opts.from);
    const dst = resolveAddress(badState, '--to', opts.to, familyOf(src));
    if (familyOf(src) !== familyOf(dst)) throw usageError(`--from ${src} and --to ${dst} are of different address families`);
    const packet: Packet = packetFor(src, dst, protocol, port);
    const verdicts = new Map<number, Judged>();
    const judgeAt = async (point: number): Promise<Judged> => {
      const hit = verdicts.get(point);
      if (hit !== undefined) return hit;
      const j = judge(await loader.at(point), packet, opts.engine);
      verdicts.set(point, j);
      return j;
    };
    const search = searchFlip({ bad, good });
    let step = search.next();
    while (!step.done) step = search.next((await judgeAt(step.value)).allowed);
    const result: FlipSearch = step.value;
    let found: Found | undefined;
    if (result.kind === 'flip') {
      const event = await eventAt(log, result.event);
      const before = await loader.at(result.event);
      found = { event, before: explainBoth(before, packet), after: explainBoth(await loader.at(result.event + 1), packet), resourceDiff: resourceDiff(before, event) };
    }
    const what = `${describeAddress(badState, src)} → ${describeAddress(badState, dst)} ${opts.protocol.toUpperCase()}${port === undefined ? '' : ` port ${port}`}`;
    if (opts.output === 'json') ctx.out(`${JSON.stringify({ packet, engine: opts.engine, ...result, ...(found === undefined ? {} : found) }, null, 2)}\n`);
    else ctx.out(`${[what, ...describeResult(result, found)].join('\n')}\n`);
    if (found === undefined) ctx.setExitCode(ExitCode.Failed);
    else if (found.before.disagree || found.after.disagree) {
      ctx.err('Error: the compiled nftables and the reference semantics disagree at the flip (a bug in foldnet; please report it)\n');
      ctx.setExitCode(ExitCode.Internal);
    }
  } finally {
    await loader.close();
  }
}

const indent = (lines: readonly string[], by = '  '): string[] => lines.map((l) => `${by}${l}`);

const explainedLines = (x: Explained): string[] => [
  '  policy:',
  ...indent(x.reference, '    '),
  `  nftables${x.disagree ? ` (DISAGREES: ${verdictWord(!x.allowed)})` : ''}:`,
  ...indent(x.compiled, '    '),
];

const describeResult = (r: FlipSearch, found: Found | undefined): string[] => {
  switch (r.kind) {
    case 'invalid':
      return [r.reason];
    case 'same':
      return [`${verdictWord(r.verdict)} both at --good (${pointText(r.good)}) and at --bad (${pointText(r.bad)}): nothing to bisect`];
    case 'no-flip':
      return [
        `${verdictWord(r.verdict)} ${atPoint(r.bad)}, and at every point probed back to the empty log (${r.probes} probes, at distances 1, 2, 4, … events):`,
        'no change found. A change undone between two probes can hide; give --good to search a range exactly.',
      ];
    case 'flip': {
      const e = found!.event;
      return [
        `${verdictWord(r.goodVerdict)} ${atPoint(r.good)}, ${verdictWord(!r.goodVerdict)} ${atPoint(r.bad)}: the verdict flipped at event ${e.offset} (${r.probes} points probed)`,
        '',
        `event ${e.offset}`,
        `  time    ${e.time}`,
        `  actor   ${e.actor}`,
        `  change  ${e.type} ${displayKindId(e.kind)} ${e.key}`,
        ...(found!.resourceDiff.length > 0 ? ['  resource:', ...indent(found!.resourceDiff, '    ')] : []),
        '',
        `before it (${pointText(e.offset)}): ${verdictWord(found!.before.allowed)}`,
        ...explainedLines(found!.before),
        `after it (${pointText(e.offset + 1)}): ${verdictWord(found!.after.allowed)}`,
        ...explainedLines(found!.after),
      ];
    }
  }
};

export function registerBisectCommand(program: Command, ctx: CliContext): void {
  program
    .command('bisect')
    .description('find the event after which the verdict between two endpoints flipped, and the rules that decided before and after')
    .requiredOption('--from <src>', 'source: namespace/name of an endpoint, a host name, or an IP (resolved at --bad)')
    .requiredOption('--to <dst>', 'destination: namespace/name of an endpoint, a host name, or an IP (resolved at --bad)')
    .requiredOption('--protocol <p>', 'TCP, UDP, SCTP, ICMP, ICMPv6 or a number')
    .option('--port <n>', 'destination port (TCP, UDP, SCTP)')
    .option('--good <point>', `a point with the other verdict (default: searched back from --bad at distances 1, 2, 4, …): ${POINT_HELP}`)
    .option('--bad <point>', 'the point with the verdict to explain (same forms)', 'head')
    .addOption(engineOption('reference', 'who judges each point of the search: the policy semantics (reference, fast) or the emitted nftables (compiled); at the flip both explain'))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `
How it searches: points are "after event N". Without --good it probes back from
--bad at distances of 1, 2, 4, 8, ... events until the verdict is the other one,
then binary-searches between that point and the last one probed. If the verdict
changed exactly once in the range searched, the event named is that change. If
it changed several times, the event named is one where it turned from --good's
verdict to --bad's, not necessarily the first or last: narrow --good/--bad.
A change undone between two probes can hide from the search back; --good
searches a range exactly.`,
    )
    .action(async (opts: BisectOptions) => runBisect(ctx, opts));
}
