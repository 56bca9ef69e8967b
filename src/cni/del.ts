// CNI DEL: idempotent, as the spec asks. The endpoint is removed (releasing
// its addresses) only when it is the one this container's ADD made (its
// foldnet.io/containerID annotation), so a late DEL for an old container
// never takes a newer container's addresses; a second DEL, or one for a
// container foldnet never saw, finds nothing to remove and succeeds. The
// interfaces go too: the container side when the namespace is still there,
// the host side unless a newer container now owns that name.
import { existsSync } from 'node:fs';
import { resourceId } from '../../compiler/fold/state';
import { NetConf } from './config';
import { containerIdOf } from './endpoint';
import { CniEnv } from './env';
import { inNetns } from './exec';
import { identify } from './identity';
import { LogClient } from './log-client';
import { nodeName } from './add';
import { deleteVeth } from './veth';

export async function cmdDel(env: CniEnv, conf: NetConf): Promise<void> {
  const id = identify(env, conf);
  const client = LogClient.open(conf.log, conf.timeoutMs, `foldnet-cni@${nodeName(conf)}`);
  try {
    const state = await client.head();
    const stored = state.resources.get(resourceId('WorkloadEndpoint', id.key));
    const owner = containerIdOf(stored?.resource);
    if (env.netns !== '' && existsSync(env.netns)) await inNetns(env.netns, ['link', 'del', id.containerInterface]).catch(() => undefined);
    if (owner === undefined || owner === id.containerId) await deleteVeth(id.hostInterface);
    // A concurrent DEL may remove it first; the fold then rejects ours as
    // removing what is absent, which is the outcome we wanted anyway.
    if (stored !== undefined && owner === id.containerId) await client.write({ type: 'remove', kind: 'WorkloadEndpoint', key: id.key });
  } finally {
    await client.close();
  }
}
