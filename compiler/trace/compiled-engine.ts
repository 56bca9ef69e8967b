// The compiled engine: a packet's verdict found by running the nftables
// documents foldnet emits (through the nft interpreter) on each host the
// packet crosses. It is the twin of the reference evaluator; the two are
// property-tested against each other. Interpreters are prepared once per host
// and kept by the engine instance, which belongs to one state.
import * as E from 'fp-ts/Either';
import { ClusterState } from '../fold/state';
import { familyOf, Ip } from '../net/ip';
import { compileNftables, NftOptions } from '../compile/nft-document';
import { decodeNftDocument } from '../nft/schema';
import { NftInterpreter, prepareInterpreter, Verdict as NftVerdict } from '../nft/interpret';
import { Packet } from '../policy/verdict';
import { Hop, routePacket } from './hops';

export interface CompiledHop extends Hop {
  readonly allowed: boolean;
  /** The comment of the rule that decided (or `chain X policy`). */
  readonly decidedBy: string;
  readonly path: readonly string[];
  readonly logs: readonly string[];
}

export interface CompiledVerdict {
  readonly allowed: boolean;
  readonly route: 'hops' | 'same-endpoint' | 'host-to-local-workload';
  readonly hops: readonly CompiledHop[];
}

const describe = (v: NftVerdict): string => {
  const by = v.decidedBy;
  if ('comment' in by && by.comment !== undefined) return by.comment;
  if ('ruleIndex' in by) return `${by.chain} rule ${by.ruleIndex}`;
  if ('policy' in by) return v.markedBy ?? `${by.chain} policy`;
  return `no base chain on ${by.hook}`;
};

export class CompiledEngine {
  private readonly interpreters = new Map<string, E.Either<string, NftInterpreter>>();

  constructor(
    private readonly state: ClusterState,
    private readonly options: NftOptions = { endpointToHostAction: 'Drop' },
  ) {}

  private interpreter(host: string): E.Either<string, NftInterpreter> {
    let i = this.interpreters.get(host);
    if (i === undefined) {
      const doc = decodeNftDocument(compileNftables(this.state, host, this.options));
      i = E.isLeft(doc) ? E.left(`host ${host}: the compiled ruleset does not decode: ${doc.left.join('; ')}`) : prepareInterpreter(doc.right);
      this.interpreters.set(host, i);
    }
    return i;
  }

  verdict(p: Packet): E.Either<string, CompiledVerdict> {
    const route = routePacket(this.state, p.src, p.dst);
    if (route.kind !== 'hops') return E.right({ allowed: true, route: route.kind, hops: [] });
    const hops: CompiledHop[] = [];
    for (const hop of route.hops) {
      const interp = this.interpreter(hop.host);
      if (E.isLeft(interp)) return interp;
      const r = interp.right.run(
        {
          family: familyOf(p.src as Ip),
          iifname: hop.iifname,
          oifname: hop.oifname,
          saddr: p.src,
          daddr: p.dst,
          l4proto: p.protocol,
          sport: p.srcPort,
          dport: p.dstPort,
          icmpType: p.icmpType,
          icmpCode: p.icmpCode,
          ctState: p.state ?? 'new',
        },
        hop.hook,
      );
      if (E.isLeft(r)) return E.left(`host ${hop.host}: ${r.left}`);
      const allowed = r.right.verdict === 'accept';
      hops.push({ ...hop, allowed, decidedBy: describe(r.right), path: r.right.path, logs: r.right.logs });
      if (!allowed) return E.right({ allowed: false, route: 'hops', hops });
    }
    return E.right({ allowed: true, route: 'hops', hops });
  }
}
