// The compiler-facing commands: `compile` (a host's datapath snapshot),
// `trace` (one packet's verdict, hop by hop, with the rule that decided; to a
// service, for every backend it can reach) and
// `reachability` (the allow matrix between all endpoints). Both engines are
// offered (engine.ts).
import * as E from 'fp-ts/Either';
import { Option, type Command } from 'commander';
import { compileHost, snapshotHash } from '../../compiler/compile/host';
import { decodeNftDocument } from '../../compiler/nft/schema';
import { renderNftText } from '../../compiler/nft/render-text';
import { ClusterState } from '../../compiler/fold/state';
import { familyOf } from '../../compiler/net/ip';
import { MATRIX_SOURCE_PORT } from '../../compiler/policy/reference';
import { Packet } from '../../compiler/policy/verdict';
import { type Engine, engineOption, verdictsOf } from './engine';
import { describeAddress, isPorted, packetFor, parsePort, parseProtocol, resolveAddress } from './incident-points';
import { CliError, ExitCode, usageError } from './cli-error';
import type { CliContext } from './context';
import { renderTable } from './format-output';

const atOption = () => new Option('--at <offset|time>', 'a past point of the log: an offset or an RFC 3339 time');


function registerCompile(program: Command, ctx: CliContext): void {
  program
    .command('compile')
    .description("print a host's datapath snapshot: nftables, routes, BIRD config, sysctls")
    .requiredOption('--host <name>', 'the host to compile for')
    .addOption(atOption())
    .addOption(new Option('-o, --output <format>', 'what to print').choices(['json', 'nft', 'bird', 'routes', 'sysctls', 'hash']).default('json'))
    .addOption(new Option('--endpoint-to-host <action>', 'what happens to workload traffic to its own host after egress policy').choices(['Drop', 'Accept']).default('Drop'))
    .action(async (opts: { host: string; at?: string; output: string; endpointToHost: 'Drop' | 'Accept' }) => {
      const { state } = await ctx.loadState(ctx.openLog({ mustExist: true }), opts.at);
      const snap = compileHost(state, opts.host, { endpointToHostAction: opts.endpointToHost });
      if (E.isLeft(snap)) throw new CliError(ExitCode.Failed, `host ${opts.host} does not exist (hosts: ${snap.left.known.join(', ') || 'none'})`);
      const s = snap.right;
      switch (opts.output) {
        case 'json':
          ctx.out(`${JSON.stringify({ ...s, hash: snapshotHash(s) }, null, 2)}\n`);
          return;
        case 'nft': {
          const doc = decodeNftDocument(s.nftables);
          if (E.isLeft(doc)) throw new CliError(ExitCode.Internal, 'the compiled ruleset does not decode', doc.left);
          ctx.out(renderNftText(doc.right));
          return;
        }
        case 'bird':
          ctx.out(s.bird);
          return;
        case 'routes':
          for (const r of s.routes) ctx.out(`${r.type === 'blackhole' ? 'blackhole ' : ''}${r.dst}${r.dev ? ` dev ${r.dev}` : ''} proto ${r.protocol} scope ${r.scope}\n`);
          return;
        case 'sysctls':
          for (const x of s.sysctls) ctx.out(`${x.key} = ${x.value}\n`);
          return;
        case 'hash':
          ctx.out(`${snapshotHash(s)}\n`);
      }
    });
}

function registerTrace(program: Command, ctx: CliContext): void {
  program
    .command('trace')
    .description('follow one packet through every host it crosses and say which rule decided (exit 0 allowed, 1 denied)')
    .requiredOption('--from <src>', 'source: namespace/name of an endpoint, a host name, or an IP')
    .requiredOption('--to <dst>', 'destination: namespace/name of an endpoint or an anycast service, a host name, or an IP')
    .requiredOption('--protocol <p>', 'TCP, UDP, SCTP, ICMP, ICMPv6 or a number')
    .option('--port <n>', 'destination port (TCP, UDP, SCTP)')
    .option('--source-port <n>', 'source port', String(MATRIX_SOURCE_PORT))
    .option('--icmp-type <n>', 'ICMP type (default: echo request)')
    .option('--icmp-code <n>', 'ICMP code', '0')
    .option('--family <4|6>', 'address family to use for endpoints with both')
    .option('--host-interface <name>', 'the host interface a packet to (or from) a host enters (leaves) by: picks its host endpoint', 'eth0')
    .addOption(atOption())
    .addOption(engineOption())
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: Record<string, string | undefined> & { engine: Engine; output: 'text' | 'json' }) => {
      const { state } = await ctx.loadState(ctx.openLog({ mustExist: true }), opts.at);
      const protocol = parseProtocol(opts.protocol!);
      const family = opts.family === undefined ? undefined : opts.family === '4' ? 4 : opts.family === '6' ? 6 : (() => { throw usageError('--family: expected 4 or 6'); })();
      const src = resolveAddress(state, '--from', opts.from!, family);
      const dst = resolveAddress(state, '--to', opts.to!, family ?? familyOf(src));
      if (familyOf(src) !== familyOf(dst)) throw usageError(`--from ${src} and --to ${dst} are of different address families`);
      const ported = isPorted(protocol);
      const icmp = protocol === 1 || protocol === 58;
      if (ported && opts.port === undefined) throw usageError('--port is required for TCP, UDP and SCTP');
      const packet: Packet = {
        src, dst, protocol, hostInterface: opts.hostInterface!,
        ...(ported ? { srcPort: parsePort('--source-port', opts.sourcePort), dstPort: parsePort('--port', opts.port) } : {}),
        ...(icmp ? { icmpType: Number(opts.icmpType ?? (protocol === 1 ? 8 : 128)), icmpCode: Number(opts.icmpCode ?? 0) } : {}),
      };
      const head = `${describeAddress(state, src)} → ${describeAddress(state, dst)} ${opts.protocol!.toUpperCase()}${packet.dstPort ? ` port ${packet.dstPort}` : ''}${state.offset > 0 ? ` after event ${state.offset - 1}` : " (empty log)"}`;
      const v = verdictsOf(state, opts.engine)(packet);
      if (opts.output === 'json') ctx.out(`${JSON.stringify({ engine: opts.engine, packet, ...v.verdict }, null, 2)}\n`);
      else ctx.out([head, ...v.explain('trace').map((l) => `  ${l}`), v.allowed ? 'ALLOWED' : 'DENIED', ''].join('\n'));
      if (!v.allowed) ctx.setExitCode(ExitCode.Failed);
    });
}

function registerReachability(program: Command, ctx: CliContext): void {
  program
    .command('reachability')
    .description('the allow matrix between all workload endpoints (source row → destination column)')
    .requiredOption('--protocol <p>', 'TCP, UDP, SCTP, ICMP, ICMPv6 or a number')
    .option('--port <n>', 'destination port (TCP, UDP, SCTP)')
    .option('--service <ns/name>', 'instead: from every endpoint to this anycast service, which backends a new connection reaches (yes), is denied at (no), or cannot be sent to (-)')
    .addOption(atOption())
    .addOption(engineOption())
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { protocol: string; port?: string; service?: string; at?: string; engine: Engine; output: 'table' | 'json' }) => {
      const { state } = await ctx.loadState(ctx.openLog({ mustExist: true }), opts.at);
      const protocol = parseProtocol(opts.protocol);
      const port = parsePort('--port', opts.port);
      if (isPorted(protocol) && port === undefined) throw usageError('--port is required for TCP, UDP and SCTP');
      if (opts.service !== undefined) {
        const table = serviceReachability(state, opts.service, protocol, port, opts.engine);
        if (opts.output === 'json') return void ctx.out(`${JSON.stringify(table, null, 2)}\n`);
        const backends = [...new Set(Object.values(table).flatMap((row) => Object.keys(row)))].sort();
        const cell = (v: boolean | undefined): string => (v === undefined ? '-' : v ? 'yes' : 'no');
        return void ctx.out(renderTable(['FROM \\ BACKEND', ...backends], Object.keys(table).map((k) => [k, ...backends.map((b) => cell(table[k]![b]))])));
      }
      const matrix = reachability(state, protocol, port, opts.engine);
      if (opts.output === 'json') {
        ctx.out(`${JSON.stringify(matrix, null, 2)}\n`);
        return;
      }
      const keys = Object.keys(matrix);
      ctx.out(renderTable(['FROM \\ TO', ...keys], keys.map((k) => [k, ...keys.map((j) => (matrix[k]![j] ? 'yes' : '-'))])));
    });
}

/** The matrix by either engine: an endpoint to itself is always allowed; endpoints sharing no family cannot talk. */
export const reachability = (state: ClusterState, protocol: number, port: number | undefined, engine: Engine): Record<string, Record<string, boolean>> => {
  const eps = [...state.endpoints.values()].filter((e) => e.ips.length > 0).sort((a, b) => (a.key < b.key ? -1 : 1));
  const verdict = verdictsOf(state, engine);
  const out: Record<string, Record<string, boolean>> = {};
  for (const a of eps) {
    const row: Record<string, boolean> = {};
    for (const b of eps) {
      if (a.key === b.key) { row[b.key] = true; continue; }
      const src = a.ips.find((ip) => b.ips.some((x) => familyOf(x) === familyOf(ip)));
      const dst = src && b.ips.find((x) => familyOf(x) === familyOf(src));
      if (!src || !dst) { row[b.key] = false; continue; }
      row[b.key] = verdict(packetFor(src, dst, protocol, port ?? 80)).allowed;
    }
    out[a.key] = row;
  }
  return out;
};

/**
 * From every endpoint with an address of the service's family to the service (its first address of that family):
 * per backend a new connection can be translated to, whether it is allowed. Backends a client cannot reach are absent from its row.
 */
export const serviceReachability = (state: ClusterState, key: string, protocol: number, port: number | undefined, engine: Engine): Record<string, Record<string, boolean>> => {
  const svc = state.services.get(key);
  if (svc === undefined) throw new CliError(ExitCode.Failed, `--service: no anycast service ${JSON.stringify(key)} (namespace/name) at ${state.offset} events`);
  const verdict = verdictsOf(state, engine);
  const out: Record<string, Record<string, boolean>> = {};
  for (const ep of [...state.endpoints.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    const src = ep.ips.find((ip) => svc.addresses.some((a) => familyOf(a) === familyOf(ip)));
    if (src === undefined) continue;
    const dst = svc.addresses.find((a) => familyOf(a) === familyOf(src))!;
    const row: Record<string, boolean> = {};
    for (const o of verdict(packetFor(src, dst, protocol, port ?? 80)).backends) row[o.backend] = o.allowed;
    out[ep.key] = row;
  }
  return out;
};

export function registerCompileCommands(program: Command, ctx: CliContext): void {
  registerCompile(program, ctx);
  registerTrace(program, ctx);
  registerReachability(program, ctx);
}
