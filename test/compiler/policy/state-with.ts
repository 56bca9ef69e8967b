// Test helper: host endpoints, services and Felix configuration set on a
// state by hand (model values, not documents), so the reference evaluator's
// tests do not depend on their codecs and fold.
import { ClusterState } from '../../../compiler/fold/state';
import { FelixConfigModel, HostEndpointModel, ServiceModel, ServicePortModel } from '../../../compiler/model/types';
import { ip, TCP } from './packets';

export interface HostEndpointOptions {
  readonly expectedIPs?: readonly string[];
  readonly labels?: Record<string, string>;
  readonly profiles?: readonly string[];
}

export const hostEndpoint = (name: string, host: string, interfaceName: string, o: HostEndpointOptions = {}): HostEndpointModel => ({
  name,
  host,
  interfaceName,
  expectedIPs: (o.expectedIPs ?? []).map(ip),
  labels: o.labels ?? {},
  profiles: o.profiles ?? [],
  ports: [],
});

/** A service port; a string target is a named port. */
export const servicePort = (port: number, target: number | string, protocol = TCP, name?: string): ServicePortModel => ({
  ...(name !== undefined ? { name } : {}),
  protocol,
  port,
  targetPort: typeof target === 'number' ? { kind: 'number', port: target } : { kind: 'name', name: target },
});

export const service = (namespace: string, name: string, addresses: readonly string[], selector: string, ports: readonly ServicePortModel[]): ServiceModel => ({
  key: `${namespace}/${name}`,
  namespace,
  name,
  addresses: addresses.map(ip),
  selector,
  ports,
  origin: 'AnycastService',
});

export const withHostEndpoints = (state: ClusterState, ...heps: readonly HostEndpointModel[]): ClusterState =>
  ({ ...state, hostEndpoints: heps.reduce((m, h) => m.set(h.name, h), state.hostEndpoints) });

/** `state` with `svcs` added, and the fold's address index of services (address → keys, sorted) with them. */
export const withServices = (state: ClusterState, ...svcs: readonly ServiceModel[]): ClusterState => ({
  ...state,
  services: svcs.reduce((m, s) => m.set(s.key, s), state.services),
  serviceAddresses: svcs.reduce(
    (m, s) => s.addresses.reduce((mm, a) => mm.set(a, [...new Set([...(mm.get(a) ?? []), s.key])].sort()), m),
    state.serviceAddresses,
  ),
});

export const withFelixConfig = (state: ClusterState, felixConfig: FelixConfigModel): ClusterState => ({ ...state, felixConfig });
