// What a host's routing looks like from outside: BIRD's protocol states over
// its control socket (`birdc -s SOCKET show protocols`) and the kernel's
// routes in the host's namespace (`ip -j route`). Reading only; deciding
// whether that is converged is the callers' job.
import { exec, execOk } from './exec';

export interface BirdProtocol {
  readonly name: string;
  readonly proto: string;
  readonly state: string;
  /** When the protocol last changed state (a session that flapped has a new one). */
  readonly since: string;
  /** The last column: `Established` for a BGP session that is up. */
  readonly info: string;
}

/**
 * Parses `birdc show protocols`:
 *   Name       Proto      Table      State  Since         Info
 *   mesh4_...  BGP        ---        up     12:00:01.123  Established
 */
export function parseProtocols(text: string): BirdProtocol[] {
  const out: BirdProtocol[] = [];
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || cols[0] === 'Name' || /^BIRD|^\d{4}/.test(cols[0]!)) continue;
    const [name, proto, , state] = cols as [string, string, string, string];
    // Since is a time (HH:MM:SS[.fff]) or a date and a time; the info follows it.
    const sinceEnd = cols.findIndex((c, i) => i >= 4 && /^\d{2}:\d{2}:\d{2}/.test(c));
    out.push({
      name, proto, state,
      since: sinceEnd < 0 ? '' : cols.slice(4, sinceEnd + 1).join(' '),
      info: sinceEnd < 0 ? '' : cols.slice(sinceEnd + 1).join(' '),
    });
  }
  return out;
}

export async function birdProtocols(socket: string): Promise<BirdProtocol[]> {
  const r = await exec('birdc', ['-s', socket, 'show', 'protocols'], { timeoutMs: 3000 });
  if (r.code !== 0) throw new Error(`birdc -s ${socket} show protocols: ${r.stderr.trim() || r.stdout.trim()}`);
  return parseProtocols(r.stdout);
}

/** True when every BGP protocol is Established (and there is at least one). */
export const bgpEstablished = (ps: readonly BirdProtocol[]): boolean => {
  const bgp = ps.filter((p) => p.proto === 'BGP');
  return bgp.length > 0 && bgp.every((p) => p.info.startsWith('Established'));
};

export interface KernelRoute {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly protocol?: string;
  readonly type?: string;
  /** A multipath route's paths (then `gateway` is absent). */
  readonly nexthops?: readonly { readonly gateway?: string; readonly dev?: string }[];
}

/** IPv4 routes of the main table in `netns`. */
export async function kernelRoutes(netns: string): Promise<KernelRoute[]> {
  return JSON.parse(await execOk('ip', ['-n', netns, '-j', 'route', 'show'])) as KernelRoute[];
}

/** The route to `ip` (as a /32 or bare address) in `routes`, if any. */
export const hostRoute = (routes: readonly KernelRoute[], ip: string): KernelRoute | undefined =>
  routes.find((r) => r.dst === ip || r.dst === `${ip}/32`);

/** The gateways a route leads to, sorted: one for a single path, several for a multipath route. */
export const gatewaysOf = (r: KernelRoute): string[] =>
  (r.nexthops ? r.nexthops.flatMap((n) => (n.gateway === undefined ? [] : [n.gateway])) : r.gateway === undefined ? [] : [r.gateway]).sort();
