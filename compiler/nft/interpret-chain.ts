// One base chain run on one packet as the kernel runs it: rules in order,
// jump / goto / return / vmap with the kernel's call stack, `log` and
// `counter` that go on, mark changes, a `dnat` that ends the chain as accept,
// and the base chain's policy at the end. Which base chains run, and in what
// order, is interpret.ts's question.
import * as E from 'fp-ts/Either';
import type { NftHook, NftVerdict } from './schema';
import type { RsChain } from './ruleset';
import type { CompiledRule, Dnat, PacketView } from './interpret-compile';

export type DecidedBy =
  | { readonly chain: string; readonly ruleIndex: number; readonly comment?: string }
  | { readonly chain: string; readonly policy: true }
  | { readonly hook: NftHook; readonly noBaseChain: true };

export interface Chain { readonly name: string; readonly decl: RsChain['decl']; readonly rules: ReadonlyArray<CompiledRule> }

export interface Outcome {
  readonly verdict: 'accept' | 'drop';
  readonly by: DecidedBy;
  /** Set when a dnat for the packet's family ended the chain. */
  readonly dnat?: Dnat;
}

export interface Trace { readonly logs: string[]; readonly path: string[]; markedBy: string | undefined }

/** The kernel's jump stack depth (NFT_JUMP_STACK_SIZE). */
const MAX_DEPTH = 16;

export const runBaseChain = (chains: ReadonlyMap<string, Chain>, base: Chain, p: PacketView, trace: Trace): E.Either<string, Outcome> => {
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
    const by: DecidedBy = rule.comment === undefined ? { chain: chain.name, ruleIndex: i } : { chain: chain.name, ruleIndex: i, comment: rule.comment };
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
      // In an inet table a dnat of the other family does nothing and the rule goes on (to its end).
      else if (step.k === 'dnat') {
        if (step.dnat.family === p.family) return E.right({ verdict: 'accept', by, dnat: step.dnat });
      } else if (step.k === 'verdict') verdict = step.v;
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
