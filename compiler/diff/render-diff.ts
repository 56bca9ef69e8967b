// A DatapathDiff as lines for people, grouped by part of the datapath:
//   routes:
//     + 10.65.0.7/32 dev cali1234 proto 88 scope link
//   nftables:
//     chain np-i/db/postgres-ingress (changed):
//       @@ -2 +2 @@
//        type ...
//       -ip saddr @sel4-1a2b... tcp dport 5432 ... comment "..."
//       +ip saddr @sel4-3c4d... tcp dport 5432 ... comment "..."
//     set sel4-3c4d... (added; selector ...): + 10.65.0.7
//   bird:
//     @@ -12 +12 @@ ...
//   sysctls:
//     + net.ipv4.conf.cali1234.proxy_arp = 1
// A changed chain shows its changed rules with two lines of context; an added
// or removed object shows in full. Nothing is printed for unchanged parts.
import type { DatapathDiff, ElementsDiff } from './datapath-diff';
import { hunks, renderHunks } from './line-diff';

const CHAIN_CONTEXT = 2;

const elementsLines = (kind: 'set' | 'map', d: ElementsDiff): string[] => {
  const what = [d.change, ...(d.comment === undefined ? [] : [d.comment])].join('; ');
  const items = [...d.added.map((x) => `+ ${x}`), ...d.removed.map((x) => `- ${x}`)];
  if (items.length === 0) return [`  ${kind} ${d.name} (${what})`];
  return [`  ${kind} ${d.name} (${what}):`, ...items.map((x) => `    ${x}`)];
};

export const renderDatapathDiff = (d: DatapathDiff): string[] => {
  const out: string[] = [];
  const { routes, nftables, bird, sysctls } = d;
  if (routes.added.length + routes.removed.length > 0)
    out.push('routes:', ...routes.added.map((r) => `  + ${r}`), ...routes.removed.map((r) => `  - ${r}`));
  if (nftables.chains.length + nftables.sets.length + nftables.maps.length > 0) {
    out.push('nftables:');
    for (const c of nftables.chains) {
      out.push(`  chain ${c.name} (${c.change}):`);
      const body = c.change === 'changed' ? renderHunks(hunks(c.lines, CHAIN_CONTEXT)) : c.lines.map((l) => `${l.op}${l.line}`);
      out.push(...body.map((l) => `    ${l}`));
    }
    for (const s of nftables.sets) out.push(...elementsLines('set', s));
    for (const m of nftables.maps) out.push(...elementsLines('map', m));
  }
  if (bird.length > 0) out.push('bird:', ...renderHunks(bird).map((l) => `  ${l}`));
  if (sysctls.length > 0)
    out.push(
      'sysctls:',
      ...sysctls.map((s) =>
        s.before === undefined ? `  + ${s.key} = ${s.after}` : s.after === undefined ? `  - ${s.key} = ${s.before}` : `  ~ ${s.key}: ${s.before} → ${s.after}`,
      ),
    );
  return out;
};
