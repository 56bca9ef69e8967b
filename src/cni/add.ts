// CNI ADD: the container becomes a WorkloadEndpoint without addresses; the
// fold's IPAM gives it one per family (or rejects it, e.g. when the pools are
// exhausted); then the veth pair is built with those addresses and the result
// returned. If the interfaces cannot be built, the endpoint is removed again
// so its addresses are not leaked.
import { hostname } from 'node:os';
import * as E from 'fp-ts/Either';
import { decodeResource } from '../../compiler/resources/decode';
import { NetConf } from './config';
import { endpointDocument } from './endpoint';
import { CniEnv } from './env';
import { CniCode, CniError } from './errors';
import { identify } from './identity';
import { LogClient } from './log-client';
import { addResult } from './result';
import { createVeth } from './veth';

export const nodeName = (conf: NetConf): string => conf.host ?? hostname();

export async function cmdAdd(env: CniEnv, conf: NetConf): Promise<Record<string, unknown>> {
  const id = identify(env, conf);
  const host = nodeName(conf);
  const decoded = decodeResource(endpointDocument(id, conf, host));
  if (E.isLeft(decoded))
    throw new CniError(CniCode.InvalidConfig, `the endpoint for container ${id.containerId} would not be valid`, decoded.left.join('\n'));
  const { kind, key, resource } = decoded.right;
  const client = LogClient.open(conf.log, conf.timeoutMs, `foldnet-cni@${host}`);
  try {
    const put = await client.write({ type: 'put', kind, key, resource: { ...resource } });
    if (put.rejected !== undefined) throw new CniError(CniCode.Rejected, `foldnet rejected endpoint ${key}: ${put.rejected}`);
    const ips = put.state.endpoints.get(key)?.ips ?? [];
    let containerMac: string;
    try {
      containerMac = await createVeth({ netns: env.netns, hostInterface: id.hostInterface, containerInterface: id.containerInterface, ips });
    } catch (e) {
      await client.write({ type: 'remove', kind, key }).catch(() => undefined);
      throw e;
    }
    return addResult(conf.cniVersion, {
      hostInterface: id.hostInterface, containerInterface: id.containerInterface, containerMac, netns: env.netns, ips, ...(conf.dns ? { dns: conf.dns } : {}),
    });
  } finally {
    await client.close();
  }
}
