// Test helper: the documents IPAM tests write (hosts, pools, endpoints that
// ask IPAM for addresses) and a fold that keeps every step's result, so tests
// can read rejections and changes as well as the final state.
import * as E from 'fp-ts/Either';
import { LoggedEvent } from '../../../compiler/events/event';
import { fold, FoldResult } from '../../../compiler/fold/fold';
import { ClusterState, emptyState } from '../../../compiler/fold/state';
import { putEvents, TEST_TIME } from '../policy/build-state';

export const host = (name: string, v4: string) =>
  ({ apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name }, spec: { bgp: { ipv4Address: `${v4}/24` } } });

export const pool = (name: string, cidr: string, blockSize?: number, disabled?: boolean) => ({
  apiVersion: 'foldnet.io/v1', kind: 'IPPool', metadata: { name },
  spec: { cidr, ...(blockSize !== undefined ? { blockSize } : {}), ...(disabled !== undefined ? { disabled } : {}) },
});

export interface WepOptions {
  readonly annotations?: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly ipNetworks?: string[];
}

/** A workload endpoint in namespace `ns`; without `ipNetworks` it asks IPAM. */
export const wep = (name: string, onHost: string, o: WepOptions = {}) => ({
  apiVersion: 'foldnet.io/v1', kind: 'WorkloadEndpoint',
  metadata: { namespace: 'ns', name, ...(o.annotations ? { annotations: o.annotations } : {}), ...(o.labels ? { labels: o.labels } : {}) },
  spec: { host: onHost, interfaceName: `c-${name}`.slice(0, 15), ...(o.ipNetworks ? { ipNetworks: o.ipNetworks } : {}) },
});

export type Step = object | { readonly remove: string; readonly kind: string };

const removal = (offset: number, kind: string, key: string): LoggedEvent =>
  ({ offset, id: `rm-${offset}`, time: TEST_TIME, actor: 'test', schemaVersion: 1, type: 'remove', kind, key });

/** Events for documents and `{remove, kind}` steps, offsets from `first`. */
export const events = (steps: readonly Step[], first = 0): LoggedEvent[] =>
  steps.map((s, i) => ('remove' in s ? removal(first + i, s.kind, s.remove) : putEvents([s], first + i)[0]!));

export interface Run {
  readonly state: ClusterState;
  readonly results: FoldResult[];
  /** States before each step, in order (states[i] is what step i was folded onto). */
  readonly before: ClusterState[];
}

export const run = (steps: readonly Step[], from: ClusterState = emptyState()): Run => {
  let state = from;
  const results: FoldResult[] = [];
  const before: ClusterState[] = [];
  for (const ev of events(steps, from.offset)) {
    const r = fold(state, ev);
    if (E.isLeft(r)) throw new Error('out of order');
    before.push(state);
    results.push(r.right);
    state = r.right.state;
  }
  return { state, results, before };
};

export const ipsOf = (s: ClusterState, name: string): readonly string[] => s.endpoints.get(`ns/${name}`)?.ips ?? [];
export const rejection = (r: Run, index: number): string | undefined => r.results[index]?.rejection?.reason;
