// Names and comments in the emitted ruleset. Chain names say what they hold;
// comments name the policy (or profile) and rule index, in a fixed format the
// tracer reads back. nft limits chain names to 255 bytes and comments to 127,
// so long ones are cut and made unique again with a short hash.
import { sha256Hex } from '../hash/canonical';
import { PolicyModel } from '../model/types';
import { Direction } from './applicable';

const fit = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 9)}~${sha256Hex(s).slice(0, 8)}`);

const d = (dir: Direction): string => (dir === 'ingress' ? 'i' : 'e');

export const TABLE = 'foldnet';
export const FORWARD_CHAIN = 'forward';
export const INPUT_CHAIN = 'input';
export const EGRESS_MAP = 'wl-egress';
export const INGRESS_MAP = 'wl-ingress';

export const policyRef = (p: PolicyModel): string => (p.kind === 'NetworkPolicy' ? `np ${p.namespace}/${p.name}` : `gnp ${p.name}`);
export const policyChain = (p: PolicyModel, dir: Direction): string =>
  fit(p.kind === 'NetworkPolicy' ? `np-${d(dir)}/${p.namespace}/${p.name}` : `gnp-${d(dir)}/${p.name}`, 250);
export const profileChain = (name: string, dir: Direction): string => fit(`pro-${d(dir)}/${name}`, 250);
/** A direction's policy steps, shared by the endpoints whose steps are `hash`. */
export const stepsChain = (dir: Direction, hash: string): string => `wl-${d(dir)}s/${hash}`;

export const comment = (text: string): string => fit(text, 127);
export const ruleComment = (owner: string, dir: Direction, index: number): string => comment(`${owner} ${dir} rule ${index}`);
export const logPrefix = (owner: string): string => fit(`foldnet ${owner}: `, 127);

// Anycast services and host endpoints: a section of the ruleset of its own
// (compiler/compile/nft-section.ts), named apart from the workload chains.
export const SERVICE_PREROUTING_CHAIN = 'svc-pre';
export const SERVICE_OUTPUT_CHAIN = 'svc-out';
export const HOST_INPUT_CHAIN = 'host-in';
export const HOST_OUTPUT_CHAIN = 'host-out';
export const serviceChain = (key: string, protocol: string, port: number, family: 4 | 6): string => fit(`svc/${key}/${protocol}-${port}/v${family}`, 250);
export const backendChain = (serviceKey: string, protocol: string, port: number, family: 4 | 6, endpoint: string): string =>
  fit(`svb/${serviceKey}/${protocol}-${port}/v${family}/${endpoint}`, 250);
export const hostEndpointChain = (name: string, dir: Direction): string => `hep-${d(dir)}/${name}`;
export const hostPolicyChain = (p: PolicyModel, dir: Direction): string => fit(`hgnp-${d(dir)}/${p.name}`, 250);
export const hostProfileChain = (name: string, dir: Direction): string => fit(`hpro-${d(dir)}/${name}`, 250);
