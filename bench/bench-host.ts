// What the kernel measurements share about the host they run on (as root, in
// the network namespace main.ts made): veth pairs for the workloads a
// snapshot routes to, as a CNI plugin makes them; a tracked host's snapshot
// or a clear error; how many nft objects a plan touches; apply steps' medians.
import { execFileSync } from 'node:child_process';
import * as E from 'fp-ts/Either';
import type { HostSnapshot } from '../compiler/compile/snapshot';
import { planSize } from '../compiler/plan/host-plan';
import type { Plan } from '../compiler/plan/types';
import type { ApplyStep } from '../src/applier/contract';
import { median, round } from './stats';

/** Objects the nft transaction touches (chains, rules, sets, elements): the plan without routes, sysctls and BIRD. */
export const nftObjects = (p: Plan): number => planSize({ ...p, routes: { add: [], remove: [] }, sysctls: [], bird: undefined });

/** Each apply step's median over samples (a step a sample did not run counts as 0 ms there). */
export const stepMedians = (samples: ReadonlyArray<{ readonly steps: Partial<Record<ApplyStep, number>> }>, digits = 1): Partial<Record<ApplyStep, number>> => {
  const steps = [...new Set(samples.flatMap((r) => Object.keys(r.steps)))] as ApplyStep[];
  return Object.fromEntries(steps.map((s) => [s, round(median(samples.map((r) => r.steps[s] ?? 0)), digits)]));
};

/** The snapshot a compiler gave for `host`, which the measurement tracks. */
export const snapshotOf = (host: string, e: E.Either<unknown, HostSnapshot>): HostSnapshot => {
  if (E.isLeft(e)) throw new Error(`${host} is unknown`);
  return e.right;
};

/** The interfaces a snapshot routes workloads to. */
export const workloadDevices = (s: HostSnapshot): Set<string> => new Set(s.routes.flatMap((r) => (r.dev !== undefined ? [r.dev] : [])));

/**
 * Makes veth pairs whose host ends carry the workloads' interface names (the
 * other ends, `<peerPrefix><n>`, stay in the namespace too), and remembers
 * the names it made so they can go again.
 */
export class VethPairs {
  private peers = 0;
  readonly made: string[] = [];

  constructor(private readonly peerPrefix: string) {}

  add(ifaces: Iterable<string>): void {
    const names = [...ifaces];
    if (names.length === 0) return;
    this.made.push(...names);
    const batch = names.map((i) => {
      const peer = `${this.peerPrefix}${this.peers++}`;
      return `link add ${i} type veth peer name ${peer}\nlink set ${i} up\nlink set ${peer} up\n`;
    });
    execFileSync('ip', ['-batch', '-'], { input: batch.join('') });
  }

  /** Deletes the pairs made so far (deleting one end of a veth deletes both). */
  removeAll(): void {
    if (this.made.length > 0) execFileSync('ip', ['-batch', '-'], { input: this.made.map((i) => `link del ${i}\n`).join('') });
    this.made.length = 0;
  }
}
