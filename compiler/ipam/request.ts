// ipamRequest(endpoint resource): whether IPAM assigns the endpoint's
// addresses, and what it asks for. An endpoint whose `spec.ipNetworks` is
// absent gets its addresses from IPAM; one that lists them (even an empty
// list) keeps exactly those. Annotations narrow the request:
//   foldnet.io/ipFamilies: "IPv4" | "IPv6" | "IPv4,IPv6"
//   foldnet.io/ipPools:    "pool-a,pool-b"   (names of IPPools)
// Pods keep the addresses Kubernetes reports; IPAM is for WorkloadEndpoints.
import * as E from 'fp-ts/Either';
import { Family } from '../net/ip';
import * as F from '../resources/foldnet-kinds';
import { IP_FAMILIES_ANNOTATION, IP_POOLS_ANNOTATION, IpamRequest } from './types';

const FAMILY_NAMES: Readonly<Record<string, Family>> = { IPv4: 4, IPv6: 6 };

const listOf = (text: string): string[] => text.split(',').map((s) => s.trim()).filter((s) => s !== '');

const families = (text: string): E.Either<string, Family[]> => {
  const names = listOf(text);
  const bad = names.filter((n) => FAMILY_NAMES[n] === undefined);
  if (names.length === 0 || bad.length > 0)
    return E.left(`metadata.annotations["${IP_FAMILIES_ANNOTATION}"]: expected IPv4, IPv6 or IPv4,IPv6, got ${JSON.stringify(text)}`);
  return E.right([...new Set(names.map((n) => FAMILY_NAMES[n]!))].sort());
};

const pools = (text: string): E.Either<string, string[]> => {
  const names = listOf(text);
  if (names.length === 0) return E.left(`metadata.annotations["${IP_POOLS_ANNOTATION}"]: expected pool names separated by commas, got ${JSON.stringify(text)}`);
  return E.right([...new Set(names)].sort());
};

/** undefined: the endpoint names its own addresses and IPAM stays out. */
export const ipamRequest = (w: F.WorkloadEndpoint): E.Either<string, IpamRequest | undefined> => {
  if (w.spec.ipNetworks !== undefined) return E.right(undefined);
  const annotations = w.metadata.annotations ?? {};
  const f = annotations[IP_FAMILIES_ANNOTATION];
  const p = annotations[IP_POOLS_ANNOTATION];
  const fam = f === undefined ? E.right(undefined) : families(f);
  if (E.isLeft(fam)) return fam;
  const pl = p === undefined ? E.right(undefined) : pools(p);
  if (E.isLeft(pl)) return pl;
  return E.right({
    ...(fam.right !== undefined ? { families: fam.right } : {}),
    ...(pl.right !== undefined ? { pools: pl.right } : {}),
  });
};
