// The network configuration the runtime streams on stdin (one plugin entry of
// a conflist, with `cniVersion` and `name` copied in, and `prevResult` on DEL
// and CHECK). foldnet-cni's own fields:
//
//   log        event log URL (file:PATH, as FOLDNET_LOG); default file:/var/lib/foldnet/log.db
//   host       the foldnet Host the container runs on; default: this machine's hostname
//   namespace  the endpoint's namespace when CNI_ARGS has no K8S_POD_NAMESPACE; default "default"
//   profiles   profiles the endpoint gets (policy by profile, as Calico's)
//   labels     labels the endpoint gets
//   ipFamilies ["IPv4"], ["IPv6"] or both; default: each family with an enabled pool
//   ipPools    names of the IPPools to draw from; default: every enabled pool
//   timeoutMs  how long ADD and DEL wait for the fold to answer; default 10000
//   dns        copied into the ADD result
//
// Unknown fields are ignored: runtimes add their own (args, runtimeConfig).
import { CniCode, CniError } from './errors';
import { CniVersion, isSupported, SUPPORTED_VERSIONS } from './version';

export interface NetConf {
  readonly cniVersion: CniVersion;
  readonly name: string;
  readonly log: string;
  readonly host?: string;
  readonly namespace: string;
  readonly profiles: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly ipFamilies?: readonly ('IPv4' | 'IPv6')[];
  readonly ipPools?: readonly string[];
  readonly timeoutMs: number;
  readonly dns?: Readonly<Record<string, unknown>>;
  readonly prevResult?: Readonly<Record<string, unknown>>;
}

export const DEFAULT_LOG = 'file:/var/lib/foldnet/log.db';
export const DEFAULT_TIMEOUT_MS = 10_000;

type Json = Record<string, unknown>;
const isObject = (u: unknown): u is Json => typeof u === 'object' && u !== null && !Array.isArray(u);

const bad = (field: string, expected: string, got: unknown): CniError =>
  new CniError(CniCode.InvalidConfig, `network config: ${field}: expected ${expected}, got ${JSON.stringify(got)}`);

const optString = (c: Json, f: string): string | undefined => {
  const v = c[f];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw bad(f, 'a non-empty string', v);
  return v;
};

const optStrings = (c: Json, f: string): string[] | undefined => {
  const v = c[f];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x !== '')) throw bad(f, 'a list of non-empty strings', v);
  return v as string[];
};

const optObject = (c: Json, f: string): Json | undefined => {
  const v = c[f];
  if (v === undefined) return undefined;
  if (!isObject(v)) throw bad(f, 'an object', v);
  return v;
};

/** Decodes stdin; throws a CniError (6: not JSON, 1: version we do not speak, 7: bad field). */
export const parseNetConf = (stdin: string): NetConf => {
  let u: unknown;
  try {
    u = JSON.parse(stdin);
  } catch (e) {
    throw new CniError(CniCode.DecodeFailure, `network config on stdin is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(u)) throw new CniError(CniCode.DecodeFailure, 'network config on stdin is not a JSON object');
  if (!isSupported(u.cniVersion))
    throw new CniError(CniCode.IncompatibleVersion, `cniVersion ${JSON.stringify(u.cniVersion)} is not supported (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
  const name = optString(u, 'name');
  if (name === undefined) throw bad('name', 'the network name', u.name);
  const labels = optObject(u, 'labels') ?? {};
  for (const [k, v] of Object.entries(labels)) if (typeof v !== 'string') throw bad(`labels.${k}`, 'a string', v);
  const families = optStrings(u, 'ipFamilies');
  if (families && (families.length === 0 || !families.every((f) => f === 'IPv4' || f === 'IPv6'))) throw bad('ipFamilies', '["IPv4"], ["IPv6"] or both', families);
  const pools = optStrings(u, 'ipPools');
  if (pools && pools.length === 0) throw bad('ipPools', 'at least one pool name', pools);
  const timeout = u.timeoutMs;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout <= 0)) throw bad('timeoutMs', 'a positive integer', timeout);
  const host = optString(u, 'host');
  const dns = optObject(u, 'dns');
  const prevResult = optObject(u, 'prevResult');
  return {
    cniVersion: u.cniVersion,
    name,
    log: optString(u, 'log') ?? DEFAULT_LOG,
    ...(host !== undefined ? { host } : {}),
    namespace: optString(u, 'namespace') ?? 'default',
    profiles: optStrings(u, 'profiles') ?? [],
    labels: labels as Record<string, string>,
    ...(families ? { ipFamilies: families as ('IPv4' | 'IPv6')[] } : {}),
    ...(pools ? { ipPools: pools } : {}),
    timeoutMs: (timeout as number | undefined) ?? DEFAULT_TIMEOUT_MS,
    ...(dns ? { dns } : {}),
    ...(prevResult ? { prevResult } : {}),
  };
};
