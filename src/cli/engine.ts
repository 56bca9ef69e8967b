// Who decides a packet for the commands that ask (trace, reachability,
// what-if, bisect): `reference` evaluates the policy semantics directly,
// `compiled` runs the emitted nftables through the interpreter; they must
// agree. The choice is made here once per state; the commands read the
// answer in one shape and leave printing it to themselves.
import * as E from 'fp-ts/Either';
import { Option } from 'commander';
import type { ClusterState } from '../../compiler/fold/state';
import { explainVerdict } from '../../compiler/policy/explain';
import { evaluate, type Verdict } from '../../compiler/policy/reference';
import type { Packet } from '../../compiler/policy/verdict';
import { CompiledEngine, type CompiledVerdict } from '../../compiler/trace/compiled-engine';
import { CliError, ExitCode } from './cli-error';
import { explainCompiled } from './compiled-explain';

export type Engine = 'compiled' | 'reference';

export const engineOption = (
  byDefault: Engine = 'compiled',
  help = 'who decides: the emitted nftables (compiled) or the policy semantics (reference)',
): Option => new Option('--engine <engine>', help).choices(['compiled', 'reference']).default(byDefault);

/** One engine's verdict on one packet. */
export interface EngineVerdict {
  readonly allowed: boolean;
  /** For a packet to a service: each backend a new connection can be translated to, and whether it is allowed. */
  readonly backends: ReadonlyArray<{ readonly backend: string; readonly allowed: boolean }>;
  /** The engine's own verdict, as `trace -o json` prints it. */
  readonly verdict: Verdict | CompiledVerdict;
  /** Why, one line per hop or decision: `trace` with the verdict word (reference) or each hop's chains and logs (compiled); `brief` without. */
  readonly explain: (style: 'trace' | 'brief') => string[];
}

const backendsOf = (v: Verdict | CompiledVerdict): EngineVerdict['backends'] =>
  (v.service?.outcomes ?? []).map((o) => ({ backend: o.backend, allowed: o.verdict.allowed }));

/** `engine`'s verdicts in `state`: the compiled engine is built once, for every packet then asked. */
export const verdictsOf = (state: ClusterState, engine: Engine): ((packet: Packet) => EngineVerdict) => {
  if (engine === 'reference')
    return (packet) => {
      const v = evaluate(state, packet);
      return { allowed: v.allowed, backends: backendsOf(v), verdict: v, explain: (style) => explainVerdict(v).slice(style === 'trace' ? 0 : 1) };
    };
  const compiled = new CompiledEngine(state);
  return (packet) => {
    const v = compiled.verdict(packet);
    if (E.isLeft(v)) throw new CliError(ExitCode.Internal, v.left);
    return { allowed: v.right.allowed, backends: backendsOf(v.right), verdict: v.right, explain: (style) => explainCompiled(v.right, style === 'trace') };
  };
};
