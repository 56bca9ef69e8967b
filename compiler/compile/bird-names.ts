// Identifiers foldnet writes into BIRD's configuration: protocol names for BGP
// sessions and the router id. Both are derived from names alone, so a host's
// config text depends only on the cluster, never on the order things arrived.
// Rendering the config is left to bird.ts.
import { sha256Hex } from '../hash/canonical';

/** BIRD's SYM_MAX_LEN: a longer symbol is "Symbol too long". */
export const BIRD_SYMBOL_MAX = 64;

/** Room left for the sanitised part: prefix (≤ 6) + '_' + … + '_' + 8 hex + a `_NN` tie-breaker stays ≤ 64. */
const SANITISED_MAX = 40;

const shortHash = (s: string): string => sha256Hex(s).slice(0, 8);

/**
 * `<prefix>_<sanitised>_<hash8>`. BIRD symbols are `[A-Za-z_][A-Za-z0-9_]*`,
 * so `node-1.a` and `node_1-a` sanitise alike; the hash of the original name
 * keeps them apart. The prefix starts with a letter that is not a hex digit,
 * which matters: BIRD lexes 32+ hex digits as a byte string, not a symbol.
 */
export const protocolName = (prefix: string, original: string): string =>
  `${prefix}_${original.replace(/[^A-Za-z0-9_]/g, '_').slice(0, SANITISED_MAX)}_${shortHash(original)}`;

/**
 * Names for a list of (prefix, original) in the given order, made unique: a
 * clash (two different originals with the same 32-bit hash and the same
 * sanitised prefix) gets `_2`, `_3`, … in list order, so callers must pass a
 * deterministic order.
 */
export const uniqueProtocolNames = (items: ReadonlyArray<{ readonly prefix: string; readonly original: string }>): string[] => {
  const used = new Set<string>();
  return items.map(({ prefix, original }) => {
    const base = protocolName(prefix, original);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  });
};

/**
 * A router id for a host without IPv4: the first 32 bits of
 * sha256("foldnet-router-id:" + name), as a dotted quad. BGP only needs the id
 * to be non-zero and unique among the speakers that meet; a hash of the
 * (unique) host name is stable across restarts and replays, and collides with
 * another host's id with probability about n²/2³³. 0.0.0.0 means "unset" to
 * BIRD, so it becomes 0.0.0.1.
 */
export const derivedRouterId = (hostName: string): string => {
  const n = parseInt(sha256Hex(`foldnet-router-id:${hostName}`).slice(0, 8), 16) || 1;
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 0xff).join('.');
};
