// renderPlan(plan): the plan as people read it, in the words that carry it
// out — the nft transaction as nft text commands (render-text.ts), iproute2
// route commands, `sysctl key=value` lines — and, for BIRD, how many lines
// of its configuration change (the text itself is `compile -o bird`'s).
import type { NftDocument } from '../nft/schema';
import { renderNftText } from '../nft/render-text';
import { routeCommand } from './routes-plan';
import { isEmptyPlan, Plan } from './types';

export const renderPlan = (p: Plan): string => {
  if (isEmptyPlan(p)) return 'no changes\n';
  const out: string[] = [];
  for (const problem of p.refused ?? []) out.push(`refused: ${problem}`);
  if (p.nft.length > 0) out.push(...renderNftText({ nftables: p.nft } as NftDocument).replace(/\n$/, '').split('\n'));
  for (const r of p.routes.remove) out.push(`ip ${routeCommand('del', r)}`);
  for (const r of p.routes.add) out.push(`ip ${routeCommand('replace', r)}`);
  for (const s of p.sysctls) out.push(`sysctl ${s.key}=${s.value}`);
  if (p.bird !== undefined) {
    const { added, removed } = p.birdLines ?? { added: 0, removed: 0 };
    out.push(`BIRD config: ${added + removed} lines changed (+${added} -${removed})`);
  }
  return `${out.join('\n')}\n`;
};

/** One line: how many changes of each kind. */
export const summarisePlan = (p: Plan): string => {
  if (isEmptyPlan(p)) return 'no changes';
  const parts = [
    ...(p.refused !== undefined ? ['refused'] : []),
    ...(p.nft.length > 0 ? [`nft ${p.nft.length} command${p.nft.length === 1 ? '' : 's'}`] : []),
    ...(p.routes.add.length + p.routes.remove.length > 0 ? [`routes +${p.routes.add.length} -${p.routes.remove.length}`] : []),
    ...(p.sysctls.length > 0 ? [`sysctls ${p.sysctls.length}`] : []),
    ...(p.bird !== undefined ? ['BIRD config'] : []),
  ];
  return parts.join(', ');
};
