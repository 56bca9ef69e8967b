// `foldnet ipam [--at …] [-o table|json]`: what IPAM decided, as the fold
// holds it — each block with its pool, the host it is affine to and how full
// it is, then each address handed out with its endpoint, the endpoint's host
// and whether that host borrowed it from another host's block. Deciding is
// the fold's (compiler/ipam/); this only shows.
import { Option, type Command } from 'commander';
import type { ClusterState } from '../../compiler/fold/state';
import { blockCapacity } from '../../compiler/ipam/blocks';
import { compareCidr, compareIp, type Cidr } from '../../compiler/net/ip';
import type { CliContext } from './context';
import { NONE, outputOption, renderTable } from './format-output';

export interface IpamView {
  readonly blocks: Array<{ block: string; pool: string; host: string | null; used: number; size: number }>;
  readonly allocations: Array<{ address: string; block: string; endpoint: string; host: string; borrowed: boolean }>;
}

export const ipamView = (state: ClusterState): IpamView => ({
  blocks: [...state.blocks.values()]
    .sort((a, b) => compareCidr(a.cidr, b.cidr))
    .map((b) => ({ block: b.cidr, pool: b.pool, host: b.host ?? null, used: b.used, size: blockCapacity(b.cidr) })),
  allocations: [...state.allocations.values()]
    .sort((a, b) => compareIp(a.ip, b.ip))
    .map((a) => {
      const host = state.endpoints.get(a.endpoint)?.host ?? '';
      return { address: a.ip, block: a.block, endpoint: a.endpoint, host, borrowed: state.blocks.get(a.block as Cidr)?.host !== host };
    }),
});

export function registerIpamCommand(program: Command, ctx: CliContext): void {
  program
    .command('ipam')
    .description('show IPAM blocks (pool, affine host, use) and the addresses handed out')
    .addOption(new Option('--at <offset|time>', 'a past point of the log: an offset or an RFC 3339 time'))
    .addOption(outputOption(['table', 'json']))
    .action(async (opts: { at?: string; output: 'table' | 'json' }) => {
      const { state } = await ctx.loadState(ctx.openLog({ mustExist: true }), opts.at);
      const view = ipamView(state);
      if (opts.output === 'json') {
        ctx.out(`${JSON.stringify(view, null, 2)}\n`);
        return;
      }
      ctx.out(renderTable(['BLOCK', 'POOL', 'HOST', 'USED'], view.blocks.map((b) => [b.block, b.pool, b.host ?? NONE, `${b.used}/${b.size}`])));
      ctx.out('\n');
      ctx.out(renderTable(['ADDRESS', 'ENDPOINT', 'HOST', 'BORROWED'], view.allocations.map((a) => [a.address, a.endpoint, a.host, a.borrowed ? 'yes' : 'no'])));
    });
}
