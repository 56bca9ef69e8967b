// Runs an nftables document on one packet the way the kernel would: the base
// chains on the packet's hook in priority order (an inet table sees IPv4 and
// IPv6 alike). `accept` ends one base chain only; later base chains on the
// same hook still run; `drop` is final. nat base chains are not hooks of
// their own: the kernel's nat core runs them, in their priority order, at its
// fixed priority (-100 on prerouting and output, 100 on input and
// postrouting), only for a connection's first packet (ct state new), and
// stops at the first one that sets up a translation; the packet then has the
// new destination in every later base chain. The packet mark is state of the
// run too. numgen draws are the caller's choice (RunOptions), so a caller can
// enumerate them. Rules are compiled once by prepareInterpreter (one chain's
// run: interpret-chain.ts). Reading JSON and deciding what a packet is are
// left to callers.
import * as E from 'fp-ts/Either';
import type { NftDocument, NftHook } from './schema';
import { foldNftDocument, NftRuleset } from './ruleset';
import { PacketView, compileRule } from './interpret-compile';
import { Chain, DecidedBy, Trace, runBaseChain } from './interpret-chain';
import { ifnameValue } from './datatype';
import { parseIp, familyOf, ipToBigint } from '../net/ip';

export type { DecidedBy } from './interpret-chain';

export type CtState = 'new' | 'established' | 'related' | 'invalid';

export interface Packet {
  readonly family: 4 | 6;
  readonly iifname?: string;
  readonly oifname?: string;
  readonly saddr: string;
  readonly daddr: string;
  /** 6 tcp, 17 udp, 132 sctp, 1 icmp, 58 icmpv6, or any other protocol number. */
  readonly l4proto: number;
  readonly sport?: number;
  readonly dport?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly ctState: CtState;
  /** The packet mark on arrival (0 if absent). */
  readonly mark?: number;
}

export interface Verdict {
  readonly verdict: 'accept' | 'drop';
  /** The decision of the last base chain that ran (the dropping one, if any). */
  readonly decidedBy: DecidedBy;
  /** Prefixes of the log statements reached, in order ('' for a log without prefix). */
  readonly logs: ReadonlyArray<string>;
  /** Chains entered, in order, base chains included. */
  readonly path: ReadonlyArray<string>;
  /**
   * The rule (its comment, else `chain rule N`) that last set the packet mark
   * to its final non-zero value, if any: when a policy's decision travels back
   * as a mark and a base chain's policy accepts, this names the deciding rule.
   */
  readonly markedBy?: string;
  /**
   * The moduli of the numgen expressions the run consulted, in order (absent
   * when none), so a caller can rerun with every choice 0..mod-1 (a later
   * numgen under each choice of an earlier one).
   */
  readonly numgenMods?: ReadonlyArray<number>;
  /** The destination a dnat gave the packet (its connection's), when one did. */
  readonly translated?: { readonly daddr: string; readonly dport?: number };
}

/** A reverse-path question: does the host's route to `saddr` leave by `iifname`? */
export interface ReversePathQuery { readonly family: 4 | 6; readonly saddr: string; readonly iifname: string }

export interface RunOptions {
  /** numgen's draw for a modulus, 0..mod-1; default always 0. */
  readonly numgen?: (mod: number) => number;
  /**
   * The host's routes, for `fib saddr . iif oif`: the document alone cannot
   * say where an address is routed. Without it a fib check is an error.
   */
  readonly reversePath?: (q: ReversePathQuery) => boolean;
}

export interface NftInterpreter {
  readonly ruleset: NftRuleset;
  readonly run: (packet: Packet, hook: NftHook, options?: RunOptions) => E.Either<string, Verdict>;
}

const CT_BITS: Record<CtState, bigint> = { invalid: 1n, established: 2n, related: 4n, new: 8n };

/** Where the kernel registers its nat hook (NF_IP_PRI_NAT_DST / _SRC); nat chains never hook forward. */
const NAT_CORE_PRIO: Record<NftHook, number> = { prerouting: -100, output: -100, input: 100, postrouting: 100, forward: 0 };

/** One entry of a hook: a filter base chain, or the nat core with its chains. */
type Stage = { readonly prio: number; readonly filter: Chain } | { readonly prio: number; readonly nat: ReadonlyArray<Chain> };

const byPrio = (a: Chain, b: Chain): number => a.decl.prio! - b.decl.prio! || (a.name < b.name ? -1 : 1);

/**
 * Equal priorities run in an order the kernel does not promise (it depends
 * on registration order); name order, with the nat core first, keeps ours
 * deterministic.
 */
const stagesOf = (hook: NftHook, chains: ReadonlyArray<Chain>): Stage[] => {
  const nat = chains.filter((c) => c.decl.type === 'nat').sort(byPrio);
  const stages: Stage[] = chains.filter((c) => c.decl.type !== 'nat').sort(byPrio).map((c) => ({ prio: c.decl.prio!, filter: c }));
  if (nat.length > 0) stages.push({ prio: NAT_CORE_PRIO[hook], nat });
  return stages.sort((a, b) => a.prio - b.prio || ('nat' in a ? -1 : 0) - ('nat' in b ? -1 : 0) || ('filter' in a && 'filter' in b ? byPrio(a.filter, b.filter) : 0));
};

const viewOf = (p: Packet, numgen: PacketView['numgen'], reversePath: RunOptions['reversePath']): E.Either<string, PacketView> => {
  const addr = (field: 'saddr' | 'daddr'): E.Either<string, bigint> => {
    const ip = parseIp(p[field]);
    if (E.isLeft(ip)) return E.left(`packet ${field}: ${ip.left}`);
    if (familyOf(ip.right) !== p.family) return E.left(`packet ${field} ${p[field]} is not IPv${p.family}`);
    return E.right(ipToBigint(ip.right));
  };
  const saddr = addr('saddr');
  const daddr = addr('daddr');
  if (E.isLeft(saddr)) return saddr;
  if (E.isLeft(daddr)) return daddr;
  if (p.mark !== undefined && !(Number.isSafeInteger(p.mark) && p.mark >= 0 && p.mark < 2 ** 32)) return E.left(`packet mark ${p.mark} is not a 32-bit unsigned integer`);
  if (!(p.ctState in CT_BITS)) return E.left(`packet ctState ${String(p.ctState)} is not new, established, related or invalid`);
  const opt = (n: number | undefined): bigint | undefined => (n === undefined ? undefined : BigInt(n));
  return E.right({
    family: p.family,
    nfproto: p.family === 4 ? 2n : 10n,
    saddr: saddr.right,
    daddr: daddr.right,
    // The kernel reads a missing interface as the empty name.
    iif: ifnameValue(p.iifname ?? ''),
    oif: ifnameValue(p.oifname ?? ''),
    l4: BigInt(p.l4proto),
    sport: opt(p.sport),
    dport: opt(p.dport),
    icmpType: opt(p.icmpType),
    icmpCode: opt(p.icmpCode),
    ct: CT_BITS[p.ctState],
    mark: BigInt(p.mark ?? 0),
    numgen,
    reversePath: reversePath === undefined
      ? () => 'fib saddr . iif oif needs the host\'s routes (RunOptions.reversePath)'
      : () => reversePath({ family: p.family, saddr: p.saddr, iifname: p.iifname ?? '' }),
  });
};

/** Folds and compiles a document once; the result runs any number of packets. */
export const prepareInterpreter = (doc: NftDocument): E.Either<string, NftInterpreter> => {
  const folded = foldNftDocument(doc);
  if (E.isLeft(folded)) return E.left(folded.left.join('\n'));
  const rs = folded.right;
  const chains = new Map<string, Chain>();
  for (const [name, c] of rs.chains) {
    const rules = E.sequenceArray(c.rules.map((r) => compileRule(rs, r)));
    if (E.isLeft(rules)) return E.left(`chain ${name}: ${rules.left}`);
    chains.set(name, { name, decl: c.decl, rules: rules.right });
  }
  const byHook = new Map<NftHook, Chain[]>();
  for (const c of chains.values()) if (c.decl.hook !== undefined) byHook.set(c.decl.hook, [...(byHook.get(c.decl.hook) ?? []), c]);
  const stages = new Map([...byHook].map(([hook, list]) => [hook, stagesOf(hook, list)]));
  const run = (packet: Packet, hook: NftHook, options: RunOptions = {}): E.Either<string, Verdict> => {
    const mods: number[] = [];
    const choose = options.numgen ?? (() => 0);
    const view = viewOf(packet, (mod) => {
      mods.push(mod);
      const n = choose(mod);
      return Number.isSafeInteger(n) && n >= 0 && n < mod ? BigInt(n) : `numgen choice ${n} for mod ${mod} is not an integer 0-${mod - 1}`;
    }, options.reversePath);
    if (E.isLeft(view)) return view;
    const p = view.right;
    const trace: Trace = { logs: [], path: [], markedBy: undefined };
    let translated: Verdict['translated'];
    const result = (verdict: 'accept' | 'drop', decidedBy: DecidedBy): Verdict => ({
      verdict, decidedBy, logs: trace.logs, path: trace.path,
      ...(trace.markedBy !== undefined ? { markedBy: trace.markedBy } : {}),
      ...(mods.length > 0 ? { numgenMods: mods } : {}),
      ...(translated !== undefined ? { translated } : {}),
    });
    let by: DecidedBy = { hook, noBaseChain: true };
    for (const stage of stages.get(hook) ?? []) {
      if ('nat' in stage && packet.ctState !== 'new') continue;
      for (const base of 'nat' in stage ? stage.nat : [stage.filter]) {
        const out = runBaseChain(chains, base, p, trace);
        if (E.isLeft(out)) return out;
        by = out.right.by;
        if (out.right.verdict === 'drop') return E.right(result('drop', by));
        const dnat = out.right.dnat;
        if (dnat !== undefined) {
          p.daddr = dnat.daddr;
          if (dnat.dport !== undefined) p.dport = dnat.dport;
          translated = { daddr: dnat.daddrText, ...(dnat.dport !== undefined ? { dport: Number(dnat.dport) } : {}) };
          break;
        }
      }
    }
    return E.right(result('accept', by));
  };
  return E.right({ ruleset: rs, run });
};

/** One packet through a document; prefer prepareInterpreter for many packets. */
export const interpret = (doc: NftDocument, packet: Packet, hook: NftHook, options?: RunOptions): E.Either<string, Verdict> =>
  E.chain((i: NftInterpreter) => i.run(packet, hook, options))(prepareInterpreter(doc));
