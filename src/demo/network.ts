// Builds the demo topology in the kernel and tears it down: namespaces,
// the host link (a veth pair for two hosts, a bridge in a namespace of its
// own for more), the workloads' veth pairs with their addresses and routes.
// Everything foldnet itself manages — the host side's routes to workloads,
// proxy ARP and forwarding sysctls, nftables, BIRD — is left to the agents.
// Each host namespace also gets an `upstream0` carrying its default route:
// proxy ARP answers only for addresses the host routes out of another
// interface (169.254.1.1 included), which a real host does through its
// uplink. It is an empty bridge (this kernel may lack the dummy driver): what
// is routed there goes nowhere, instead of bouncing between the hosts.
import { exec, execOk } from './exec';
import { type DemoTopology, HOST_LINK, UPSTREAM, WORKLOAD_GATEWAY } from './topology';

/** Every namespace the topology uses (the switch's, for more than two hosts, is added by buildNetwork). */
export const namespacesOf = (topo: DemoTopology): string[] => [...topo.hosts.map((h) => h.netns), ...topo.workloads.map((w) => w.netns)];

/** With more than two hosts, the namespace holding the bridge that joins their `uplink`s. */
export const switchNamespace = (topo: DemoTopology): string => `fnsw-${topo.runId}`;
const SWITCH_BRIDGE = 'switch0';

/**
 * Creates the namespaces and links; `created` receives each namespace as soon
 * as it exists, so a caller can tear down whatever a failure left behind.
 * `check` runs before each command and may throw to stop (teardown began).
 */
export async function buildNetwork(topo: DemoTopology, created: (netns: string) => void, check: () => void = () => undefined): Promise<void> {
  const ip = async (args: readonly string[]): Promise<string> => {
    check();
    return execOk('ip', args);
  };
  for (const ns of namespacesOf(topo)) {
    await ip(['netns', 'add', ns]);
    created(ns);
    await ip(['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  for (const h of topo.hosts) {
    await ip(['-n', h.netns, 'link', 'add', UPSTREAM, 'type', 'bridge']);
    await ip(['-n', h.netns, 'link', 'set', UPSTREAM, 'up']);
    await ip(['-n', h.netns, 'route', 'add', 'default', 'dev', UPSTREAM]);
  }
  // The host link: one veth pair for two hosts; for more, a bridge in a
  // namespace of its own (the "switch"), so that no host forwards the others' frames.
  if (topo.hosts.length === 2) {
    const [a, b] = topo.hosts as [DemoTopology['hosts'][0], DemoTopology['hosts'][0]];
    await ip(['link', 'add', 'name', HOST_LINK, 'netns', a.netns, 'type', 'veth', 'peer', 'name', HOST_LINK, 'netns', b.netns]);
  } else if (topo.hosts.length > 2) {
    const sw = switchNamespace(topo);
    await ip(['netns', 'add', sw]);
    created(sw);
    await ip(['-n', sw, 'link', 'add', SWITCH_BRIDGE, 'type', 'bridge']);
    await ip(['-n', sw, 'link', 'set', SWITCH_BRIDGE, 'up']);
    for (const [i, h] of topo.hosts.entries()) {
      const port = `port${i + 1}`;
      await ip(['link', 'add', 'name', HOST_LINK, 'netns', h.netns, 'type', 'veth', 'peer', 'name', port, 'netns', sw]);
      await ip(['-n', sw, 'link', 'set', port, 'master', SWITCH_BRIDGE]);
      await ip(['-n', sw, 'link', 'set', port, 'up']);
    }
  }
  for (const h of topo.hosts) {
    if (topo.hosts.length < 2) break;
    await ip(['-n', h.netns, 'addr', 'add', h.address, 'dev', HOST_LINK]);
    await ip(['-n', h.netns, 'link', 'set', HOST_LINK, 'up']);
  }
  for (const w of topo.workloads) {
    const host = topo.hosts.find((h) => h.name === w.host)!;
    // Created directly in the two namespaces: the names never exist in the root namespace.
    await ip(['link', 'add', 'name', w.hostInterface, 'netns', host.netns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', w.netns]);
    for (const a of w.ips) await ip(['-n', w.netns, 'addr', 'add', `${a}/${a.includes(':') ? 128 : 32}`, 'dev', 'eth0']);
    await ip(['-n', w.netns, 'link', 'set', 'eth0', 'up']);
    await ip(['-n', host.netns, 'link', 'set', w.hostInterface, 'up']);
    await ip(['-n', w.netns, 'route', 'add', WORKLOAD_GATEWAY, 'dev', 'eth0', 'scope', 'link']);
    await ip(['-n', w.netns, 'route', 'add', 'default', 'via', WORKLOAD_GATEWAY, 'dev', 'eth0']);
  }
}

/**
 * Kills every process still inside the namespaces (all started by this demo,
 * since the names are unique to the run), then deletes them. Never throws:
 * teardown must get as far as it can.
 */
export async function destroyNetwork(namespaces: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const ns of namespaces) {
    const pids = await exec('ip', ['netns', 'pids', ns]).catch(() => undefined);
    for (const pid of (pids?.stdout ?? '').split(/\s+/).filter((p) => /^\d+$/.test(p))) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const ns of namespaces) {
    const r = await exec('ip', ['netns', 'delete', ns]).catch((e: unknown) => ({ code: -1, stdout: '', stderr: String(e) }));
    if (r.code !== 0 && !/No such file/.test(r.stderr)) problems.push(`ip netns delete ${ns}: ${r.stderr.trim()}`);
  }
  return problems;
}

/** The workload's first address (the demo's endpoints each have one IPv4). */
export const addressOf = (w: { readonly ips: readonly string[] }): string => {
  const a = w.ips[0];
  if (a === undefined) throw new Error('workload without an address');
  return a;
};
