// The container's link to its host, as Calico builds it: a veth pair whose
// host side (cali…) has the fixed MAC ee:ee:ee:ee:ee:ee and no address, and
// whose container side (CNI_IFNAME) holds the workload's /32 and /128 with
// routes to a gateway that is only a name for "the host":
//   IPv4: 169.254.1.1 (scope link), default via it; the host answers ARP for it
//         by proxy ARP, which the applier turns on with the workload's routes.
//   IPv6: fe80::ecee:eeff:feee:eeee, the host side's own EUI-64 link-local
//         address (from the fixed MAC), default via it.
// Host routes to the workload, forwarding and policy are the applier's: until
// the agent has applied the snapshot that holds the endpoint, nothing routes
// to it, so it is never reachable without its policy in place.
import { existsSync, writeFileSync } from 'node:fs';
import { CniCode, CniError } from './errors';
import { inNetns, run, runOk } from './exec';

export const HOST_MAC = 'ee:ee:ee:ee:ee:ee';
export const GATEWAY4 = '169.254.1.1';
export const GATEWAY6 = 'fe80::ecee:eeff:feee:eeee';

export interface VethPlan {
  readonly netns: string;
  readonly hostInterface: string;
  readonly containerInterface: string;
  /** The workload's addresses (no prefix), IPv4 first. */
  readonly ips: readonly string[];
}

const isV6 = (ip: string): boolean => ip.includes(':');

/** Writes a per-interface sysctl when the kernel has it (no IPv6 → no ipv6 tree). */
const sysctl = (path: string, value: string): void => {
  if (existsSync(path)) writeFileSync(path, value);
};

/** Container-side commands for `ip -batch`, in an order the kernel accepts (device up before routes through it). */
export const containerCommands = (p: VethPlan): string[] => {
  const dev = p.containerInterface;
  const lines = [`link set ${dev} up`];
  for (const ip of p.ips) {
    if (isV6(ip)) lines.push(`addr add ${ip}/128 dev ${dev} nodad`, `route add default via ${GATEWAY6} dev ${dev}`);
    else lines.push(`addr add ${ip}/32 dev ${dev}`, `route add ${GATEWAY4}/32 dev ${dev} scope link`, `route add default via ${GATEWAY4} dev ${dev}`);
  }
  return lines;
};

/** Deletes the host side (and with it the pair); absent is fine. */
export const deleteVeth = async (hostInterface: string): Promise<void> => {
  const r = await run('ip', ['link', 'del', hostInterface]);
  if (r.code !== 0 && !/Cannot find device|does not exist/.test(r.stderr))
    throw new CniError(CniCode.Interface, `ip link del ${hostInterface} failed: ${r.stderr.trim()}`);
};

/** Creates and configures the pair; returns the container side's MAC. */
export const createVeth = async (p: VethPlan): Promise<string> => {
  if (!existsSync(p.netns)) throw new CniError(CniCode.UnknownContainer, `CNI_NETNS ${p.netns} does not exist`);
  // A host side left by an earlier ADD of this container (or of the pod's
  // previous sandbox, which had the same name) is ours to replace.
  await deleteVeth(p.hostInterface);
  await runOk('ip', ['link', 'add', p.hostInterface, 'address', HOST_MAC, 'type', 'veth', 'peer', 'name', p.containerInterface, 'netns', p.netns]);
  try {
    if (p.ips.some(isV6)) {
      // The gateway is the host side's link-local address: derived from the
      // MAC (EUI-64), and usable at once rather than after a second of DAD.
      sysctl(`/proc/sys/net/ipv6/conf/${p.hostInterface}/addr_gen_mode`, '0');
      sysctl(`/proc/sys/net/ipv6/conf/${p.hostInterface}/accept_dad`, '0');
    }
    await runOk('ip', ['link', 'set', p.hostInterface, 'up']);
    await inNetns(p.netns, ['-batch', '-'], containerCommands(p).join('\n') + '\n');
    const link = JSON.parse(await inNetns(p.netns, ['-j', 'link', 'show', 'dev', p.containerInterface])) as Array<{ address?: string }>;
    return link[0]?.address ?? '';
  } catch (e) {
    await deleteVeth(p.hostInterface).catch(() => undefined);
    throw e;
  }
};
