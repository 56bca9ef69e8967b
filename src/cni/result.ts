// The ADD result in the shape the runtime's cniVersion expects (SPEC.md,
// "Success"): interfaces (host side without a sandbox, container side with
// it), one /32 or /128 per address on the container side with the gateway,
// default routes per family, and the config's dns. Before 1.0.0 each ip also
// carries its "version". `addressesOf` reads the addresses back out of a
// prevResult for CHECK.
import { CniVersion } from './version';
import { GATEWAY4, GATEWAY6, HOST_MAC } from './veth';

export interface Attachment {
  readonly hostInterface: string;
  readonly containerInterface: string;
  readonly containerMac: string;
  readonly netns: string;
  /** IPv4 first. */
  readonly ips: readonly string[];
  readonly dns?: Readonly<Record<string, unknown>>;
}

const isV6 = (ip: string): boolean => ip.includes(':');

export const addResult = (cniVersion: CniVersion, a: Attachment): Record<string, unknown> => ({
  cniVersion,
  interfaces: [
    { name: a.hostInterface, mac: HOST_MAC },
    { name: a.containerInterface, mac: a.containerMac, sandbox: a.netns },
  ],
  ips: a.ips.map((ip) => ({
    ...(cniVersion === '1.0.0' ? {} : { version: isV6(ip) ? '6' : '4' }),
    address: `${ip}/${isV6(ip) ? 128 : 32}`,
    gateway: isV6(ip) ? GATEWAY6 : GATEWAY4,
    interface: 1,
  })),
  routes: [
    ...(a.ips.some((ip) => !isV6(ip)) ? [{ dst: '0.0.0.0/0', gw: GATEWAY4 }] : []),
    ...(a.ips.some(isV6) ? [{ dst: '::/0', gw: GATEWAY6 }] : []),
  ],
  dns: a.dns ?? {},
});

/** The addresses (without prefix) a previous result lists, sorted as the model sorts them (IPv4 first). */
export const addressesOf = (prevResult: Readonly<Record<string, unknown>>): string[] => {
  const ips = Array.isArray(prevResult.ips) ? prevResult.ips : [];
  return ips
    .map((x) => (typeof x === 'object' && x !== null && typeof (x as { address?: unknown }).address === 'string' ? (x as { address: string }).address : ''))
    .filter((s) => s !== '')
    .map((s) => s.split('/')[0]!)
    .sort((a, b) => Number(isV6(a)) - Number(isV6(b)) || (a < b ? -1 : a > b ? 1 : 0));
};
