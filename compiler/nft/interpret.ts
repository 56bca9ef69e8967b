// Runs an nftables document on one packet the way the kernel would: the base
// chains on the packet's hook in priority order (an inet table sees IPv4 and
// IPv6 alike), rules in order, jump / goto / return / vmap with the kernel's
// call stack, `log` and `counter` that go on, and the policy at the end of a
// base chain. `accept` ends one base chain only; later base chains on the same
// hook still run; `drop` is final. nat chains see only a connection's first
// packet (ct state new). The packet mark is state of the run: mangle
// statements change it and later matches (in any base chain) read it. Rules are compiled once by prepareInterpreter, so
// running many packets is cheap. Reading JSON and deciding what a packet is
// are left to callers.
import * as E from 'fp-ts/Either';
import type { NftDocument, NftHook, NftVerdict } from './schema';
import { foldNftDocument, NftRuleset, RsChain } from './ruleset';
import { CompiledRule, PacketView, compileRule } from './interpret-compile';
import { ifnameValue } from './datatype';
import { parseIp, familyOf, ipToBigint } from '../net/ip';

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

export type DecidedBy =
  | { readonly chain: string; readonly ruleIndex: number; readonly comment?: string }
  | { readonly chain: string; readonly policy: true }
  | { readonly hook: NftHook; readonly noBaseChain: true };

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
}

export interface NftInterpreter {
  readonly ruleset: NftRuleset;
  readonly run: (packet: Packet, hook: NftHook) => E.Either<string, Verdict>;
}

/** The kernel's jump stack depth (NFT_JUMP_STACK_SIZE). */
const MAX_DEPTH = 16;
const CT_BITS: Record<CtState, bigint> = { invalid: 1n, established: 2n, related: 4n, new: 8n };

interface Chain { readonly name: string; readonly decl: RsChain['decl']; readonly rules: ReadonlyArray<CompiledRule> }

const viewOf = (p: Packet): E.Either<string, PacketView> => {
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
  });
};

type Outcome = { readonly verdict: 'accept' | 'drop'; readonly by: DecidedBy };

interface Trace { readonly logs: string[]; readonly path: string[]; markedBy: string | undefined }

const runBaseChain = (chains: ReadonlyMap<string, Chain>, base: Chain, p: PacketView, trace: Trace): E.Either<string, Outcome> => {
  const { logs, path } = trace;
  const stack: Array<{ chain: Chain; next: number }> = [];
  const policy: Outcome = { verdict: base.decl.policy ?? 'accept', by: { chain: base.name, policy: true } };
  let chain = base;
  let i = 0;
  path.push(base.name);
  for (;;) {
    if (i >= chain.rules.length) {
      const frame = stack.pop();
      if (frame === undefined) return E.right(policy);
      ({ chain, next: i } = frame);
      continue;
    }
    const rule = chain.rules[i]!;
    let verdict: NftVerdict | undefined;
    for (const step of rule.steps) {
      if (step.k === 'match') {
        const ok = step.test(p);
        if (typeof ok === 'string') return E.left(`${chain.name} rule ${i}: ${ok}`);
        if (!ok) break;
      } else if (step.k === 'log') logs.push(step.prefix);
      else if (step.k === 'mark') {
        p.mark = step.set(p.mark);
        trace.markedBy = p.mark === 0n ? undefined : rule.comment ?? `${chain.name} rule ${i}`;
      }
      else if (step.k === 'verdict') verdict = step.v;
      else if (step.k === 'vmap') {
        const key = step.read(p);
        if (typeof key === 'string') return E.left(`${chain.name} rule ${i}: ${key}`);
        verdict = key === null ? undefined : step.map.get(key);
        break;
      }
    }
    if (verdict === undefined || 'continue' in verdict) {
      i++;
      continue;
    }
    const by: DecidedBy = rule.comment === undefined ? { chain: chain.name, ruleIndex: i } : { chain: chain.name, ruleIndex: i, comment: rule.comment };
    if ('accept' in verdict) return E.right({ verdict: 'accept', by });
    if ('drop' in verdict) return E.right({ verdict: 'drop', by });
    if ('return' in verdict) {
      const frame = stack.pop();
      if (frame === undefined) return E.right(policy);
      ({ chain, next: i } = frame);
      continue;
    }
    const target = 'jump' in verdict ? verdict.jump.target : verdict.goto.target;
    if ('jump' in verdict) {
      if (stack.length >= MAX_DEPTH) return E.left(`jump stack deeper than ${MAX_DEPTH} at ${chain.name} rule ${i}`);
      stack.push({ chain, next: i + 1 });
    }
    chain = chains.get(target)!;
    i = 0;
    path.push(target);
  }
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
  // Equal priorities run in an order the kernel does not promise; name order keeps ours deterministic.
  for (const list of byHook.values()) list.sort((a, b) => a.decl.prio! - b.decl.prio! || (a.name < b.name ? -1 : 1));
  const run = (packet: Packet, hook: NftHook): E.Either<string, Verdict> => {
    const view = viewOf(packet);
    if (E.isLeft(view)) return view;
    const trace: Trace = { logs: [], path: [], markedBy: undefined };
    const result = (verdict: 'accept' | 'drop', decidedBy: DecidedBy): Verdict => ({
      verdict, decidedBy, logs: trace.logs, path: trace.path, ...(trace.markedBy !== undefined ? { markedBy: trace.markedBy } : {}),
    });
    let by: DecidedBy = { hook, noBaseChain: true };
    for (const base of byHook.get(hook) ?? []) {
      if (base.decl.type === 'nat' && packet.ctState !== 'new') continue;
      const out = runBaseChain(chains, base, view.right, trace);
      if (E.isLeft(out)) return out;
      by = out.right.by;
      if (out.right.verdict === 'drop') return E.right(result('drop', by));
    }
    return E.right(result('accept', by));
  };
  return E.right({ ruleset: rs, run });
};

/** One packet through a document; prefer prepareInterpreter for many packets. */
export const interpret = (doc: NftDocument, packet: Packet, hook: NftHook): E.Either<string, Verdict> =>
  E.chain((i: NftInterpreter) => i.run(packet, hook))(prepareInterpreter(doc));
