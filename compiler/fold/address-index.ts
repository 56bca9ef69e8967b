// Indexes of the state by address (address → keys, sorted): which services
// announce an address, which hosts peer from one. Kept on every put and
// remove so that a uniqueness check looks one address up instead of scanning
// every service or host (work per event must not grow with the cluster).
import { Map as IMap } from 'immutable';
import { byString } from '../model/sort';

export type AddressIndex = IMap<string, readonly string[]>;

/** `key` moved from the addresses `remove` to the addresses `add`. */
export const reindex = (index: AddressIndex, key: string, remove: readonly string[], add: readonly string[]): AddressIndex => {
  let out = index;
  for (const ip of remove) {
    const rest = (out.get(ip) ?? []).filter((k) => k !== key);
    out = rest.length === 0 ? out.delete(ip) : out.set(ip, rest);
  }
  for (const ip of add) out = out.set(ip, [...(out.get(ip) ?? []).filter((k) => k !== key), key].sort(byString));
  return out;
};
