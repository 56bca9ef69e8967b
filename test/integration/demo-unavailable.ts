// Whether the namespace demos (src/demo/) can run on this machine: they need
// root for network namespaces and the system tools the cluster drives. Each
// test decides what to skip; this only says why.
import { spawnSync } from 'node:child_process';

const CLUSTER_TOOLS: ReadonlyArray<readonly [string, string]> = [['ip', '-V'], ['nft', '--version'], ['bird', '--version'], ['birdc', '--version']];

/** Why a demo cluster cannot run here, or undefined; `ping` for tests that also measure with it. */
export function demoUnavailable(options: { readonly ping?: boolean } = {}): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for network namespaces';
  for (const [cmd, arg] of [...CLUSTER_TOOLS, ...(options.ping ? [['ping', '-V'] as const] : [])])
    if (spawnSync(cmd, [arg]).error) return `needs ${cmd}`;
  return undefined;
}
