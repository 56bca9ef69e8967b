// CNI CHECK: is the container's networking still what ADD left? The endpoint
// must exist for this container with the addresses prevResult lists; the host
// side must exist with its fixed MAC; the container side must hold every
// address and a default route through the gateway of each family. Routes a
// later plugin added are not our business (the spec says to allow them).
import { resourceId } from '../../compiler/fold/state';
import { NetConf } from './config';
import { containerIdOf } from './endpoint';
import { CniEnv } from './env';
import { CniCode, CniError } from './errors';
import { inNetns, run } from './exec';
import { identify } from './identity';
import { LogClient } from './log-client';
import { nodeName } from './add';
import { addressesOf } from './result';
import { GATEWAY4, GATEWAY6, HOST_MAC } from './veth';

const failed = (msg: string): CniError => new CniError(CniCode.CheckFailed, msg);

interface IpAddr { addr_info?: Array<{ local?: string }> }
interface IpRoute { dst?: string; gateway?: string }

export async function cmdCheck(env: CniEnv, conf: NetConf): Promise<void> {
  if (conf.prevResult === undefined) throw new CniError(CniCode.InvalidConfig, 'CHECK needs prevResult in the network config');
  const id = identify(env, conf);
  const client = LogClient.open(conf.log, conf.timeoutMs, `foldnet-cni@${nodeName(conf)}`);
  let ips: readonly string[];
  try {
    const state = await client.head();
    const stored = state.resources.get(resourceId('WorkloadEndpoint', id.key));
    if (stored === undefined || containerIdOf(stored.resource) !== id.containerId)
      throw new CniError(CniCode.UnknownContainer, `foldnet has no endpoint ${id.key} for container ${id.containerId}`);
    ips = state.endpoints.get(id.key)?.ips ?? [];
  } finally {
    await client.close();
  }
  const expected = addressesOf(conf.prevResult);
  if (expected.join(',') !== ips.join(',')) throw failed(`endpoint ${id.key} holds ${ips.join(', ') || 'no address'}, prevResult lists ${expected.join(', ') || 'none'}`);
  const host = await run('ip', ['-j', 'link', 'show', 'dev', id.hostInterface]);
  const hostLink = host.code === 0 ? (JSON.parse(host.stdout) as Array<{ address?: string }>)[0] : undefined;
  if (hostLink === undefined) throw failed(`host interface ${id.hostInterface} is missing`);
  if (hostLink.address !== HOST_MAC) throw failed(`host interface ${id.hostInterface} has MAC ${hostLink.address}, expected ${HOST_MAC}`);
  const addrs = (JSON.parse(await inNetns(env.netns, ['-j', 'addr', 'show', 'dev', id.containerInterface])) as IpAddr[])
    .flatMap((l) => (l.addr_info ?? []).map((a) => a.local));
  for (const ip of ips) if (!addrs.includes(ip)) throw failed(`${id.containerInterface} in ${env.netns} lacks address ${ip}`);
  for (const [family, gateway] of [['-4', GATEWAY4], ['-6', GATEWAY6]] as const) {
    if (!ips.some((ip) => ip.includes(':') === (family === '-6'))) continue;
    const routes = JSON.parse(await inNetns(env.netns, ['-j', family, 'route', 'show', 'default'])) as IpRoute[];
    if (!routes.some((r) => r.gateway === gateway)) throw failed(`${env.netns} has no ${family === '-4' ? 'IPv4' : 'IPv6'} default route via ${gateway}`);
  }
}
