// Anycast services, host endpoints and the Felix configuration in the fold,
// and the invariants that tie service addresses to the rest of the cluster:
//   - a service address inside an IP pool needs a pool that allows Service;
//   - no service address is an endpoint's address or a host's BGP address
//     (whichever comes second is rejected: services here, endpoints, hosts and
//     pools in entities.ts through serviceAt/poolServiceConflict);
//   - services may share an address only on different (protocol, port)s;
//   - one host endpoint per (host, interface).
// A rejection names the first conflict in a deterministic order. The
// `serviceAddresses` index (address → service keys, sorted) is kept here
// (address-index.ts).
import * as E from 'fp-ts/Either';
import { cidrContains, compareIp, Ip } from '../net/ip';
import { HostEndpointModel, PoolModel, ServiceModel, ServicePortModel } from '../model/types';
import { felixConfigModel } from '../model/from-foldnet';
import * as F from '../resources/foldnet-kinds';
import { ClusterState } from './state';
import { del, set, Step } from './step';
import { reindex } from './address-index';
import { portedProtocolName } from '../resources/primitives';

const portText = (p: ServicePortModel): string => `${portedProtocolName(p.protocol) ?? p.protocol} port ${p.port}`;
const article = (word: string): string => (/^[AEIOU]/.test(word) ? 'an' : 'a');

/** The first service (by key) announcing `ip`, other than `except`. */
export const serviceAt = (state: ClusterState, ip: Ip, except?: string): string | undefined => {
  // Every endpoint address is looked up here, and nearly none is a service's.
  const keys = state.serviceAddresses.get(ip);
  return keys === undefined ? undefined : keys.find((k) => k !== except);
};

/** Pools never overlap, so at most one of a family holds the address: no order to depend on. */
const poolHolding = (state: ClusterState, ip: Ip): PoolModel | undefined => [...state.pools.values()].find((p) => cidrContains(p.cidr, ip));

/** Hosts' BGP addresses are unique, so at most one host has it. */
const hostWithAddress = (state: ClusterState, ip: Ip): string | undefined => {
  const key = state.hostAddresses.get(ip)?.[0];
  return key === undefined ? undefined : state.hosts.get(key)?.name;
};

const sharedPort = (a: ServiceModel, b: ServiceModel): ServicePortModel | undefined =>
  a.ports.find((p) => b.ports.some((q) => q.protocol === p.protocol && q.port === p.port));

const addressProblem = (state: ClusterState, svc: ServiceModel, ip: Ip): string | undefined => {
  const pool = poolHolding(state, ip);
  if (pool !== undefined && !pool.allowedUses.includes('Service'))
    return `address ${ip} is inside pool ${pool.name} (${pool.cidr}), which does not allow Service (its allowedUses: ${pool.allowedUses.join(', ')})`;
  const owner = state.ipOwners.get(ip) ?? state.allocations.get(ip)?.endpoint;
  if (owner !== undefined) return `address ${ip} is already used by endpoint ${owner}`;
  const host = hostWithAddress(state, ip);
  if (host !== undefined) return `address ${ip} is the BGP address of host ${host}`;
  for (const other of state.serviceAddresses.get(ip) ?? []) {
    if (other === svc.key) continue;
    const shared = sharedPort(svc, state.services.get(other)!);
    if (shared !== undefined) return `address ${ip} ${portText(shared)} is already served by service ${other}`;
  }
  return undefined;
};


export const putService = (state: ClusterState, svc: ServiceModel): Step => {
  const existing = state.services.get(svc.key);
  if (existing !== undefined && existing.origin !== svc.origin)
    return E.left(`service ${svc.key} is already defined by ${article(existing.origin)} ${existing.origin}`);
  for (const ip of svc.addresses) {
    const problem = addressProblem(state, svc, ip);
    if (problem !== undefined) return E.left(problem);
  }
  const serviceAddresses = reindex(state.serviceAddresses, svc.key, existing?.addresses ?? [], svc.addresses);
  return set({ ...state, serviceAddresses }, 'services', 'service', svc.key, svc);
};

export const removeService = (state: ClusterState, key: string): Step => {
  const serviceAddresses = reindex(state.serviceAddresses, key, state.services.get(key)?.addresses ?? [], []);
  return del({ ...state, serviceAddresses }, 'services', 'service', key);
};

/** A pool that does not allow Service must not hold a service address: the lowest such address, and its first service. */
export const poolServiceConflict = (state: ClusterState, pool: PoolModel): string | undefined => {
  if (pool.allowedUses.includes('Service')) return undefined;
  const inside = [...state.serviceAddresses.keys()].filter((ip) => cidrContains(pool.cidr, ip as Ip)).sort((a, b) => compareIp(a as Ip, b as Ip));
  if (inside.length === 0) return undefined;
  const ip = inside[0]!;
  return `pool ${pool.name} (${pool.cidr}) must allow Service: service ${state.serviceAddresses.get(ip)![0]} has address ${ip} inside it`;
};

export const putHostEndpoint = (state: ClusterState, hep: HostEndpointModel): Step => {
  // (host, interface) pairs are unique, so at most one other holds this one.
  const taken = [...state.hostEndpoints.values()].find((o) => o.name !== hep.name && o.host === hep.host && o.interfaceName === hep.interfaceName);
  if (taken !== undefined) {
    const iface = hep.interfaceName === '*' ? 'every interface ("*")' : `interface ${hep.interfaceName}`;
    return E.left(`${iface} of host ${hep.host} is already taken by host endpoint ${taken.name}`);
  }
  return set(state, 'hostEndpoints', 'hostEndpoint', hep.name, hep);
};

/** `config` undefined: the configuration was removed, and Calico's defaults are back. */
export const putFelixConfig = (state: ClusterState, key: string, config: F.FelixConfiguration | undefined): Step => {
  if (key !== 'default') return E.left('only the FelixConfiguration named "default" is supported');
  const after = felixConfigModel(config);
  return E.right({ state: { ...state, felixConfig: after }, changes: [{ entity: 'felixConfig', key, before: state.felixConfig, after }] });
};
